"""The account's saved trackers (Symbl's Management API data), per appId, and the one-call-at-a-time
rule of that API.

Names are unique per account and case-sensitive; vocabularies keep the caller's order. Symbl allows
one concurrent Management API call per account: `enter` answers False while another call of the
same appId is in flight, and the route then answers 429.
"""

from __future__ import annotations

import threading
from typing import Any

from connector.sandbox.errors import SymblError
from connector.sandbox.ids import new_conversation_id

MAX_TRACKERS = 500

#: The built-in set `enableAllTrackers` uses while an account has saved none (a sandbox default).
BUILT_IN_TRACKERS: list[dict[str, Any]] = [
    {"name": "Pricing", "vocabulary": ["price", "pricing", "cost", "discount", "budget", "quote", "expensive"]},
    {"name": "Competitor Mention", "vocabulary": ["Gong", "Chorus", "Zendesk", "competitor", "cheaper deal"]},
    {"name": "Next Steps", "vocabulary": ["next steps", "follow-up", "follow up", "send you", "schedule"]},
    {"name": "Objection", "vocabulary": ["too expensive", "not sure", "a problem", "frustrating", "concern"]},
]


def tracker_not_found(tracker_id: str) -> SymblError:
    return SymblError(404, f"The trackerId {tracker_id} is either invalid or does not exist.")


def name_taken(name: str) -> SymblError:
    return SymblError(409, f"A tracker with the name '{name}' already exists.")


class TrackerBook:
    """Saved trackers of every appId (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_app: dict[str, dict[str, dict[str, Any]]] = {}
        self._in_flight: set[str] = set()

    # -- the one-call rule --------------------------------------------------------------------
    def enter(self, app_id: str) -> bool:
        """Start a management call of ``app_id``; False if one is already running."""
        with self._lock:
            if app_id in self._in_flight:
                return False
            self._in_flight.add(app_id)
            return True

    def leave(self, app_id: str) -> None:
        with self._lock:
            self._in_flight.discard(app_id)

    # -- data ---------------------------------------------------------------------------------
    def all(self, app_id: str, name: str | None = None) -> list[dict[str, Any]]:
        """The app's trackers in creation order (only the one named ``name`` when given)."""
        with self._lock:
            items = list(self._by_app.get(app_id, {}).values())
        return [_copy(t) for t in items if name is None or t["name"] == name]

    def get(self, app_id: str, tracker_id: str) -> dict[str, Any]:
        with self._lock:
            tracker = self._by_app.get(app_id, {}).get(tracker_id)
            if tracker is None:
                raise tracker_not_found(tracker_id)
            return _copy(tracker)

    def create(self, app_id: str, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create every spec or none: 409 on a name taken (in the account or twice in ``specs``)."""
        with self._lock:
            book = self._by_app.setdefault(app_id, {})
            taken = {t["name"] for t in book.values()}
            for spec in specs:
                if spec["name"] in taken:
                    raise name_taken(spec["name"])
                taken.add(spec["name"])
            if len(book) + len(specs) > MAX_TRACKERS:
                raise SymblError(400, f"An account can have at most {MAX_TRACKERS} trackers.")
            created = []
            for spec in specs:
                tracker = {"id": _new_id(book), "name": spec["name"], "vocabulary": list(spec["vocabulary"])}
                book[tracker["id"]] = tracker
                created.append(_copy(tracker))
            return created

    def update(self, app_id: str, tracker_id: str, spec: dict[str, Any]) -> dict[str, Any]:
        """Replace a tracker's name and vocabulary; 409 when the new name belongs to another tracker."""
        with self._lock:
            book = self._by_app.get(app_id, {})
            tracker = book.get(tracker_id)
            if tracker is None:
                raise tracker_not_found(tracker_id)
            if any(t["name"] == spec["name"] and t["id"] != tracker_id for t in book.values()):
                raise name_taken(spec["name"])
            tracker["name"] = spec["name"]
            tracker["vocabulary"] = list(spec["vocabulary"])
            return _copy(tracker)

    def delete(self, app_id: str, tracker_id: str) -> None:
        with self._lock:
            if self._by_app.get(app_id, {}).pop(tracker_id, None) is None:
                raise tracker_not_found(tracker_id)

    def export(self) -> dict[str, list[dict[str, Any]]]:
        """Every app's trackers in creation order (to save the account state)."""
        with self._lock:
            return {app: [_copy(t) for t in book.values()] for app, book in self._by_app.items()}

    def restore(self, saved: dict[str, list[dict[str, Any]]]) -> None:
        """Replace every app's trackers with ``saved`` (what ``export`` returned)."""
        with self._lock:
            self._by_app = {app: {t["id"]: _copy(t) for t in items} for app, items in saved.items()}

    def for_submit(self, app_id: str) -> list[dict[str, Any]]:
        """What ``enableAllTrackers`` applies: the saved trackers, or the built-in set if none are saved."""
        saved = self.all(app_id)
        return saved if saved else [_copy(t) for t in BUILT_IN_TRACKERS]


def _copy(tracker: dict[str, Any]) -> dict[str, Any]:
    return {**tracker, "vocabulary": list(tracker["vocabulary"])}


def _new_id(book: dict[str, Any]) -> str:
    while (candidate := new_conversation_id()) in book:
        pass
    return candidate
