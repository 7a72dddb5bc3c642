"""The sample conversation: Symbl's shapes in, a complete flat object out."""

from __future__ import annotations

from connector.insights.contract import INSIGHT_PARTS, FlatInsights
from connector.insights.raw import RawInsights
from connector.insights.samples import SAMPLE_LINKS, SAMPLE_RAW, sample_flat

WRAPPERS = {
    "messages": "messages",
    "topics": "topics",
    "action_items": "actionItems",
    "follow_ups": "followUps",
    "questions": "questions",
    "entities": "entities",
    "summary": "summary",
}


def test_sample_raw_uses_symbl_wrappers_and_round_trips_as_json() -> None:
    for part, key in WRAPPERS.items():
        assert getattr(SAMPLE_RAW, part)[key], part
    assert isinstance(SAMPLE_RAW.trackers, list) and SAMPLE_RAW.trackers[0]["name"] == "Competitor"
    assert set(SAMPLE_RAW.analytics) == {"metrics", "members"}
    assert set(INSIGHT_PARTS) <= set(RawInsights.model_fields)
    assert RawInsights.model_validate_json(SAMPLE_RAW.model_dump_json()) == SAMPLE_RAW


def test_sample_has_what_the_docs_promise() -> None:
    flat = sample_flat()
    assert flat.speaker_count == 2 and flat.action_item_count == 2 and flat.question_count == 2
    assert flat.follow_up_count == 1 and flat.tracker_names == "Competitor" and flat.summary
    assert any(a.assignee and a.due for a in flat.action_items)
    assert flat.links == SAMPLE_LINKS
    empty = {key for key, value in flat.model_dump().items() if value in ("", 0, 0.0, [])}
    assert empty == {"is_negative", "transcript_truncated", "warnings"}


def test_sample_flat_is_a_fresh_object_each_call() -> None:
    first = sample_flat()
    first.action_items.clear()
    assert sample_flat().action_item_count == 2 and len(sample_flat().action_items) == 2
    assert isinstance(first, FlatInsights)
