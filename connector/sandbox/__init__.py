"""Symbl sandbox: a local, faithful emulator of the Symbl.ai REST API (``docs/symbl-api-notes.md``).

It owns token generation, the ten Async submit endpoints, the Job API with webhooks, and the
Conversation API, with insights derived deterministically from the submitted text (or from a
sample call script for audio/video). It also owns fault injection and the ``/_sandbox`` admin
routes. It keeps everything in memory (with ``state_file`` also in a file: ``persistence.py``), never
calls Symbl, and must not import the facade (``connector.api``, ``connector.symbl``, ...): the facade
depends on it, not the other way round.

Public interface::

    from connector.sandbox import SandboxConfig, create_sandbox_app
    app = create_sandbox_app(SandboxConfig(job_seconds=0.5))
    app.extensions["sandbox"]  # the SandboxState
"""

from connector.sandbox.app import create_sandbox_app
from connector.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_sandbox_app"]
