"""Slack renderers: mrkdwn text and Block Kit blocks, escaped and within Slack's limits."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from connector.insights.contract import (
    ActionItem,
    FlatInsights,
    FollowUp,
    Links,
    Question,
    TrackerHit,
)
from connector.insights.render_slack import (
    TEXT_BUDGET,
    escape,
    render_slack_blocks,
    render_slack_text,
)
from connector.insights.samples import sample_flat

MRKDWN_ESCAPED = re.compile(r"&(?!amp;|lt;|gt;)|<(?!https?://[^<>|]+\|[^<>]+>)")


def validate_blocks(payload: str) -> list[dict[str, Any]]:
    """Check a Block Kit ``blocks`` array against Slack's structural rules and limits."""
    blocks = json.loads(payload)
    assert isinstance(blocks, list) and 1 <= len(blocks) <= 50
    for block in blocks:
        kind = block["type"]
        assert kind in {"header", "section", "context", "divider"}
        if kind == "header":
            assert set(block) == {"type", "text"}
            assert block["text"]["type"] == "plain_text"
            assert 1 <= len(block["text"]["text"]) <= 150
        elif kind == "section":
            assert set(block) <= {"type", "text", "fields"} and ("text" in block or "fields" in block)
            if "text" in block:
                assert block["text"]["type"] == "mrkdwn"
                assert 1 <= len(block["text"]["text"]) <= 3000
                assert not MRKDWN_ESCAPED.search(block["text"]["text"])
            for field in block.get("fields", []):
                assert field["type"] == "mrkdwn" and 1 <= len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        elif kind == "context":
            assert set(block) == {"type", "elements"} and 1 <= len(block["elements"]) <= 10
            for element in block["elements"]:
                assert element["type"] == "mrkdwn" and 1 <= len(element["text"]) <= 3000
    return blocks


def many(
    count: int, text: str = "Send the proposal with the pricing sheet and the security questionnaire"
) -> FlatInsights:
    items = [ActionItem(text=f"{text} {i}", assignee="Alice", due="2024-03-15T17:00:00.000Z") for i in range(count)]
    return FlatInsights(
        name="Big call",
        summary="s" * 5000,
        action_items=items,
        follow_ups=[FollowUp(**item.model_dump()) for item in items],
        questions=[Question(text=f"{text} {i}?", asked_by="Bob") for i in range(count)],
        trackers=[TrackerHit(name=f"T{i}", count=i, example=text) for i in range(count)],
        speakers=", ".join(f"Speaker {i}" for i in range(count)),
    )


# --- text -------------------------------------------------------------------------------------


def test_sample_text() -> None:
    text = sample_flat().slack_text
    assert text.startswith(
        "*Discovery call: Acme Corp*\n2024-03-12 · 14 min · "
        "<https://meetinginsights.symbl.ai/meeting/#/eyJzYW1wbGUiOnRydWV9|Summary page> · "
        "<https://connector.example.com/v1/conversations/5179649407582208/insights|Open insights>\n\n"
        "Bob Diaz from Acme Corp is evaluating"
    )
    assert "*Sentiment:* Positive (+0.34)\n*Speakers:* Alice Carter 56%, Bob Diaz 44%\n*Call score:* 78/100" in text
    assert (
        "*Action items*\n"
        "• I'll send the revised proposal with volume pricing by Friday. (Alice Carter, due 2024-03-15)\n"
        "• Bob, you'll need to loop in your security team to review the data processing agreement. (Bob Diaz)"
    ) in text
    assert "*Questions*\n• How does your pricing compare to Globex? (Bob Diaz)\n" in text
    assert "*Follow-ups*\n• Let's schedule a follow-up demo with your security team next Tuesday." in text
    assert text.endswith(
        "*Tracker hits*\n• Competitor (2): Sure. We're evaluating a few vendors for support call analytics, "
        "Globex among them."
    )
    assert "**" not in text and not MRKDWN_ESCAPED.search(text)


def test_empty_sections_are_left_out() -> None:
    assert render_slack_text(FlatInsights(name="Quiet call")) == "*Quiet call*"
    assert render_slack_text(FlatInsights()) == "*Conversation insights*"
    text = render_slack_text(FlatInsights(name="Q", questions=[Question(text="Why?")]))
    assert text == "*Q*\n\n*Questions*\n• Why?"


def test_user_text_is_escaped() -> None:
    flat = FlatInsights(
        name="R&D <sync>",
        summary="Use <@U123> & <!channel> > all",
        action_items=[ActionItem(text="Fix a<b", assignee="Tom & Jerry")],
        trackers=[TrackerHit(name="<T>", count=1, example="x & y")],
        talk_time="A&B 100%",
        sentiment_label="neutral",
    )
    text = render_slack_text(flat)
    assert text.startswith("*R&amp;D &lt;sync&gt;*")
    assert "Use &lt;@U123&gt; &amp; &lt;!channel&gt; &gt; all" in text
    assert "• Fix a&lt;b (Tom &amp; Jerry)" in text
    assert "• &lt;T&gt; (1): x &amp; y" in text
    assert "*Speakers:* A&amp;B 100%" in text
    assert not MRKDWN_ESCAPED.search(text)
    validate_blocks(render_slack_blocks(flat))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://x.example.com/a|b", "https://x.example.com/<a>", ""])
def test_unsafe_links_are_left_out(url: str) -> None:
    text = render_slack_text(FlatInsights(name="N", start_time="2024-01-01T00:00:00Z", links=Links(insights=url)))
    assert text == "*N*\n2024-01-01"


def test_text_is_bounded_with_more_counts() -> None:
    text = render_slack_text(many(200))
    assert len(text) <= TEXT_BUDGET
    assert "…and " in text and " more" in text
    assert not MRKDWN_ESCAPED.search(text)
    escaped_heavy = render_slack_text(many(200, text="&" * 400))
    assert len(escaped_heavy) <= TEXT_BUDGET and not MRKDWN_ESCAPED.search(escaped_heavy)


def test_at_most_five_items_per_list() -> None:
    flat = FlatInsights(name="N", questions=[Question(text=f"Q{i}?") for i in range(8)])
    assert render_slack_text(flat) == "*N*\n\n*Questions*\n• Q0?\n• Q1?\n• Q2?\n• Q3?\n• Q4?\n…and 3 more"


# --- blocks -----------------------------------------------------------------------------------


def test_sample_blocks_structure() -> None:
    blocks = validate_blocks(sample_flat().slack_blocks)
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "section",
        "section",
        "section",
        "section",
        "section",
        "context",
    ]
    assert blocks[0]["text"]["text"] == "Discovery call: Acme Corp"
    assert blocks[2]["fields"][0]["text"] == "*Sentiment*\nPositive (+0.34)"
    assert blocks[3]["text"]["text"].startswith("*Action items*\n• I'll send the revised proposal")
    assert blocks[-1]["elements"][0]["text"].startswith(
        "Conversation 5179649407582208 · 2024-03-12 · 14 min · <https://"
    )


def test_empty_blocks_have_a_header_only() -> None:
    blocks = validate_blocks(render_slack_blocks(FlatInsights()))
    assert blocks == [
        {"type": "header", "text": {"type": "plain_text", "text": "Conversation insights", "emoji": True}}
    ]


def test_blocks_limits_with_huge_input() -> None:
    flat = many(300, text="<&>" * 300)
    flat = flat.model_copy(update={"name": "N" * 400, "conversation_id": "1" * 16})
    blocks = validate_blocks(render_slack_blocks(flat))
    assert len(blocks[0]["text"]["text"]) == 150 and blocks[0]["text"]["text"].endswith("…")
    lists = [
        b["text"]["text"] for b in blocks if b["type"] == "section" and b.get("text", {}).get("text", "")[:1] == "*"
    ]
    assert len(lists) == 4 and all(re.search(r"\n…and \d+ more$", text) for text in lists)


def test_header_is_plain_text_not_escaped() -> None:
    blocks = validate_blocks(render_slack_blocks(FlatInsights(name="R&D <sync>")))
    assert blocks[0]["text"]["text"] == "R&D <sync>"


def test_escape() -> None:
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"
