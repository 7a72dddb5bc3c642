"""Symbl connector: a Flask facade over Symbl.ai's async API for low-code platforms."""

__version__ = "0.1.0"
