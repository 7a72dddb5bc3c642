"""The sync plan (pure) and the tracker rules."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from connector.trackers.sync import plan
from connector.trackers.validation import TrackerIn, TrackerTooLarge, check_size, duplicate_names

CURRENT = [
    {"id": "1", "name": "Competitor", "vocabulary": ["Acme", "Globex"]},
    {"id": "2", "name": "Pricing", "vocabulary": ["price"]},
    {"id": "3", "name": "Stale", "vocabulary": ["fax"]},
]


def tracker(name: str, *phrases: str) -> TrackerIn:
    return TrackerIn(name=name, vocabulary=list(phrases))


def test_plan_creates_updates_and_keeps() -> None:
    todo = plan(
        [tracker("Competitor", "Globex", "Acme"), tracker("Pricing", "price", "quote"), tracker("New", "x")],
        CURRENT,
        delete_missing=False,
    )
    assert [t.name for t in todo.create] == ["New"]
    assert [(c["id"], t.vocabulary) for c, t in todo.update] == [("2", ["price", "quote"])]
    assert [t["id"] for t in todo.unchanged] == ["1"]  # phrase order does not matter
    assert todo.delete == [] and todo.changes


def test_plan_deletes_only_when_asked_and_names_are_case_sensitive() -> None:
    todo = plan([tracker("competitor", "Acme")], CURRENT, delete_missing=True)
    assert [t.name for t in todo.create] == ["competitor"]
    assert [t["id"] for t in todo.delete] == ["1", "2", "3"]


def test_same_set_is_no_change() -> None:
    desired = [tracker(t["name"], *t["vocabulary"]) for t in CURRENT]
    assert not plan(desired, CURRENT, delete_missing=True).changes


@pytest.mark.parametrize(
    ("vocabulary", "fragment"),
    [
        (["ok?"], "contains ?"),
        (["a:b", "c"], "contains :"),
        (["Acme", "ACME"], "repeats phrase 1"),
        (["  "], "is blank"),
        (["x" * 201], "longer than 200"),
    ],
)
def test_phrase_rules(vocabulary: list[str], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        TrackerIn(name="X", vocabulary=vocabulary)


def test_phrases_are_normalised_and_allowed_punctuation_passes() -> None:
    assert TrackerIn(name=" X ", vocabulary=[" Dr.  Smith's ", "follow-up"]).symbl() == {
        "name": "X",
        "vocabulary": ["Dr. Smith's", "follow-up"],
    }


@pytest.mark.slow
def test_duplicate_names_and_size() -> None:
    assert duplicate_names([tracker("A", "a"), tracker("a", "a"), tracker("A", "b")]) == [
        {"field": "trackers[2].name", "message": "the name 'A' is given twice"}
    ]
    check_size([{"name": "A", "vocabulary": ["a"]}])
    with pytest.raises(TrackerTooLarge):
        check_size([{"name": f"T{i}", "vocabulary": ["y" * 200] * 500} for i in range(11)])
