"""Serve a WSGI app on a real loopback port in a background thread, for tests."""

from __future__ import annotations

from connector.serving import serve

__all__ = ["serve"]
