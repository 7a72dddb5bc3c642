"""CRM note: plain text a person would paste into HubSpot, Salesforce or Pipedrive."""

from __future__ import annotations

from connector.insights.contract import ActionItem, FlatInsights, MemberItem, Question
from connector.insights.render_crm import MAX_ITEMS, render_crm_note
from connector.insights.samples import sample_flat

SAMPLE_NOTE = """\
Discovery call: Acme Corp (2024-03-12, 14 min)

Summary
Bob Diaz from Acme Corp is evaluating support call analytics vendors, including Globex, because agent \
onboarding is slow. Alice Carter will send a revised proposal with volume pricing, and both agreed on a \
30-day pilot pending a security review.

Participants
- Alice Carter (56% talk time)
- Bob Diaz (44% talk time)

Sentiment: Positive (+0.34)

Action items
- I'll send the revised proposal with volume pricing by Friday. (Alice Carter, due 2024-03-15)
- Bob, you'll need to loop in your security team to review the data processing agreement. (Bob Diaz)

Questions
- How does your pricing compare to Globex? (asked by Bob Diaz)
- Can we start with a pilot for the support team? (asked by Bob Diaz)

Follow-ups
- Let's schedule a follow-up demo with your security team next Tuesday. (Alice Carter, due 2024-03-19)

Topics: volume pricing, security review, agent onboarding, pilot

Tracker hits
- Competitor (2): "Sure. We're evaluating a few vendors for support call analytics, Globex among them."

Call score: 78/100
The call with Acme Corp scored 78/100. Strongest: Forward Motion (90); to improve: Question Handling (65).
Communication and Engagement: 80/100 - Alice spoke 56% of the time.
Question Handling: 65/100 - 1 of 2 questions were answered.
Forward Motion: 90/100 - 3 next steps were agreed, 1 with a date.

Answer
Bob said: we are also looking at Globex.

Answers
- competitor: Globex
- pilot_days: 30
- security_review: yes
- decision_date: 2024-03-15

Summary page: https://meetinginsights.symbl.ai/meeting/#/eyJzYW1wbGUiOnRydWV9"""


def test_sample_note() -> None:
    assert sample_flat().crm_note == SAMPLE_NOTE


def test_no_markdown_symbols() -> None:
    note = "\n".join(line for line in sample_flat().crm_note.splitlines() if not line.startswith("Summary page: "))
    for symbol in ("*", "#", "`", "**", "__", "[", "](", "<", ">"):
        assert symbol not in note
    assert all(not line.startswith(("•", "* ", "+ ")) for line in note.splitlines())


def test_empty_gives_title_only() -> None:
    assert render_crm_note(FlatInsights()) == "Conversation"
    assert render_crm_note(FlatInsights(conversation_id="123")) == "123"
    assert render_crm_note(FlatInsights(name="Call", start_time="2024-01-02T03:04:05Z")) == "Call (2024-01-02)"


def test_participants_without_talk_time_are_listed_by_name() -> None:
    flat = FlatInsights(name="Call", members=[MemberItem(name="Ann"), MemberItem(name="Ben")])
    assert render_crm_note(flat) == "Call\n\nParticipants\n- Ann\n- Ben"


def test_items_without_details_and_long_lists() -> None:
    flat = FlatInsights(
        name="Call",
        duration_seconds=20,
        action_items=[ActionItem(text=f"Task {i}") for i in range(MAX_ITEMS + 3)],
        questions=[Question(text="Why?")],
    )
    note = render_crm_note(flat)
    assert note.startswith("Call (<1 min)\n\nAction items\n- Task 0\n- Task 1\n")
    assert f"- Task {MAX_ITEMS - 1}\n- …and 3 more\n\nQuestions\n- Why?" in note
    assert f"Task {MAX_ITEMS}\n" not in note


def test_long_call_duration_in_hours() -> None:
    assert render_crm_note(FlatInsights(name="C", duration_seconds=3900)) == "C (1 h 5 min)"
