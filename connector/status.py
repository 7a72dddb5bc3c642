"""Job statuses: the one vocabulary shared by the store, the job watcher and the flat contract.

A leaf module (no imports from the package), so `store/`, `jobs/` and `insights/` can all use it
without importing each other."""

from __future__ import annotations

from typing import Literal

JobStatus = Literal["queued", "scheduled", "in_progress", "completed", "failed"]
"""Job states: Symbl's four lower-case states, plus ``queued`` (waiting in the facade)."""

TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "failed"})
"""The states a job never leaves."""
