"""The plan of a declarative sync: which saved trackers to create, update, delete or leave alone.

Pure: no IO. Trackers are matched by name (case-sensitive, as Symbl compares names); a tracker
changes when its set of phrases differs (order is ignored, so a second sync of the same set is a
no-op whatever order Symbl keeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connector.trackers.validation import TrackerIn


@dataclass
class SyncPlan:
    """What a sync will do."""

    create: list[TrackerIn] = field(default_factory=list)
    update: list[tuple[dict[str, Any], TrackerIn]] = field(default_factory=list)  # (current, desired)
    delete: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.create or self.update or self.delete)


def plan(desired: list[TrackerIn], current: list[dict[str, Any]], *, delete_missing: bool) -> SyncPlan:
    """Compare the desired set with the account's trackers."""
    by_name = {str(t.get("name")): t for t in current}
    wanted = {t.name for t in desired}
    result = SyncPlan()
    for tracker in desired:
        existing = by_name.get(tracker.name)
        if existing is None:
            result.create.append(tracker)
        elif set(existing.get("vocabulary") or []) != set(tracker.vocabulary):
            result.update.append((existing, tracker))
        else:
            result.unchanged.append(existing)
    if delete_missing:
        result.delete = [t for t in current if str(t.get("name")) not in wanted]
    return result
