"""Conversation API shapes: wrapper keys, IDs, timestamps, flags, 404s, edits and transcripts."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.sandbox.conftest import Symbl, text_body

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
DIGITS16 = re.compile(r"\d{16}")
NOT_FOUND = {"message": "The conversationId is either invalid or does not exist."}
WRAPPERS = {
    "messages": "messages",
    "topics": "topics",
    "action-items": "actionItems",
    "follow-ups": "followUps",
    "questions": "questions",
    "insights": "insights",
    "entities": "entities",
    "members": "members",
    "summary": "summary",
}


def test_conversation_metadata(symbl: Symbl, sales_call: str) -> None:
    body = symbl.get(f"/v1/conversations/{sales_call}").json()
    assert list(body) == ["id", "type", "name", "startTime", "endTime", "members", "metadata"]
    assert body["id"] == body["name"] == sales_call and body["type"] == "meeting"
    assert ISO_MS.fullmatch(body["startTime"]) and ISO_MS.fullmatch(body["endTime"])
    assert body["startTime"] == "2024-01-15T15:00:00.000Z" < body["endTime"]
    assert [m["name"] for m in body["members"]] == ["Alice", "Bob"]
    assert body["members"][0]["email"] == "alice@acme.com" and uuid.UUID(body["members"][0]["id"])


@pytest.mark.parametrize("part", sorted(WRAPPERS))
def test_every_list_part_is_wrapped(symbl: Symbl, sales_call: str, part: str) -> None:
    response = symbl.get(f"/v1/conversations/{sales_call}/{part}")
    assert response.status_code == 200
    assert list(response.json()) == [WRAPPERS[part]]
    assert response.json()[WRAPPERS[part]], f"{part} is empty"


@pytest.mark.parametrize("part", ["trackers-detected", "trackers"])
def test_trackers_are_a_bare_array(symbl: Symbl, sales_call: str, part: str) -> None:
    body = symbl.get(f"/v1/conversations/{sales_call}/{part}").json()
    assert isinstance(body, list) and body[0]["name"] == "Competitors" and DIGITS16.fullmatch(body[0]["id"])
    match = body[0]["matches"][0]
    assert match["type"] == "vocabulary" and match["value"] == "Gong"
    assert match["messageRefs"][0]["offset"] >= 0 and "Gong" in match["messageRefs"][0]["text"]
    assert isinstance(match["insightRefs"], list)


def test_messages_shape_and_flags(symbl: Symbl, sales_call: str) -> None:
    plain = symbl.get(f"/v1/conversations/{sales_call}/messages").json()["messages"]
    first = plain[0]
    assert list(first) == [
        "id",
        "text",
        "from",
        "startTime",
        "endTime",
        "timeOffset",
        "duration",
        "conversationId",
        "phrases",
    ]
    assert DIGITS16.fullmatch(first["id"]) and first["conversationId"] == sales_call
    assert set(first["from"]) == {"id", "name", "userId", "email"} and first["from"]["userId"] == "alice@acme.com"
    assert first["timeOffset"] == 0.0 and first["duration"] > 0
    assert [m["text"] for m in plain[:2]] == ["Hi Bob, this is Alice from Acme Corp.", "Thanks for joining today."]
    rich = symbl.get(f"/v1/conversations/{sales_call}/messages", params={"sentiment": "true", "verbose": "true"})
    message = rich.json()["messages"][0]
    assert (
        set(message["sentiment"]) == {"polarity", "suggested"} and -1 <= message["sentiment"]["polarity"]["score"] <= 1
    )
    assert message["words"][0]["word"] == "Hi" and ISO_MS.fullmatch(message["words"][0]["startTime"])
    assert "score" not in message["words"][0]  # text has no word confidence
    phrases = [p for m in plain for p in m["phrases"]]
    assert {"type": "action_phrase", "text": "send you the pricing proposal by Friday"} in phrases


def test_topics_flags(symbl: Symbl, sales_call: str) -> None:
    plain = symbl.get(f"/v1/conversations/{sales_call}/topics").json()["topics"]
    assert all(set(t) == {"id", "text", "type", "score", "messageIds", "parentRefs"} for t in plain)
    assert all(t["parentRefs"] == [] and t["type"] == "topic" and 0 < t["score"] <= 1 for t in plain)
    assert "pricing" in [t["text"] for t in plain]
    rich = symbl.get(f"/v1/conversations/{sales_call}/topics?sentiment=true&parentRefs=true").json()["topics"]
    assert all("sentiment" in t for t in rich)


def test_insight_item_shapes(symbl: Symbl, sales_call: str) -> None:
    insights = symbl.get(f"/v1/conversations/{sales_call}/insights").json()["insights"]
    assert {i["type"] for i in insights} == {"question", "action_item", "follow_up"}
    for item in insights:
        assert DIGITS16.fullmatch(item["id"]) and item["messageIds"] and 0.5 <= item["score"] <= 1
        assert {"id", "name", "userId"} <= set(item["from"])
    action = symbl.get(f"/v1/conversations/{sales_call}/action-items").json()["actionItems"][0]
    assert list(action) == [
        "id",
        "text",
        "type",
        "score",
        "messageIds",
        "entities",
        "phrases",
        "from",
        "definitive",
        "assignee",
        "dueBy",
    ]
    assert ISO_MS.fullmatch(action["dueBy"])


def test_analytics_shape(symbl: Symbl, sales_call: str) -> None:
    body = symbl.get(f"/v1/conversations/{sales_call}/analytics").json()
    assert [m["type"] for m in body["metrics"]] == ["total_silence", "total_talk_time", "total_overlap"]
    assert all(set(m) == {"type", "percent", "seconds"} for m in body["metrics"])
    alice = body["members"][0]
    assert alice["name"] == "Alice" and alice["userId"] == "alice@acme.com"
    assert set(alice["talkTime"]) == set(alice["listenTime"]) == {"percentage", "seconds"}
    assert alice["pace"]["wpm"] == 150  # text without times is timed at 150 words per minute
    assert round(sum(m["talkTime"]["percentage"] for m in body["members"])) == 100


def test_summary_is_404_while_running_and_works_without_enable_summary(symbl: Symbl) -> None:
    symbl.control("POST", "/config", json={"job_seconds": 0.4})
    created = symbl.submit_text().json()
    response = symbl.get(f"/v1/conversations/{created['conversationId']}/summary")
    assert response.status_code == 404 and isinstance(response.json()["message"], str)
    assert symbl.get(f"/v1/conversations/{created['conversationId']}/messages").json() == {"messages": []}
    assert symbl.get(f"/v1/conversations/{created['conversationId']}/trackers-detected").json() == []
    symbl.wait(created["jobId"])
    summary = symbl.get(f"/v1/conversations/{created['conversationId']}/summary").json()["summary"]
    assert 1 <= len(summary) <= 6 and all(s["messageRefs"] and DIGITS16.fullmatch(s["id"]) for s in summary)


def test_entities_only_with_detect_entities(symbl: Symbl) -> None:
    conversation_id = symbl.processed()
    assert symbl.get(f"/v1/conversations/{conversation_id}/entities").json() == {"entities": []}


@pytest.mark.parametrize("part", ["", "/messages", "/summary", "/trackers-detected", "/analytics", "/members"])
def test_unknown_conversation_is_404(symbl: Symbl, part: str) -> None:
    response = symbl.get(f"/v1/conversations/9999999999999999{part}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_another_app_cannot_see_the_conversation(base_url: str, sales_call: str) -> None:
    other = Symbl(base_url, "tenant-b", "secret-b")
    assert other.get(f"/v1/conversations/{sales_call}").status_code == 404
    assert other.get("/v1/conversations").json() == {"conversations": []}


def test_list_update_and_delete(symbl: Symbl, sales_call: str) -> None:
    second = symbl.processed()
    listed = symbl.get("/v1/conversations").json()["conversations"]
    assert {c["id"] for c in listed} == {sales_call, second}
    assert len(symbl.get("/v1/conversations?limit=1&order=desc").json()["conversations"]) == 1
    assert symbl.get("/v1/conversations?order=up").status_code == 400
    updated = symbl.request("PUT", f"/v1/conversations/{sales_call}", json={"metadata": {"agentId": "johndoe"}})
    assert updated.json() == {"id": sales_call, "metadata": {"agentId": "johndoe"}}
    assert symbl.request("PUT", f"/v1/conversations/{sales_call}", json={"type": "x"}).status_code == 400
    assert symbl.get(f"/v1/conversations/{sales_call}").json()["metadata"] == {"agentId": "johndoe"}
    deleted = symbl.request("DELETE", f"/v1/conversations/{sales_call}")
    assert deleted.json() == {"message": "successfully deleted the conversation"}
    again = symbl.request("DELETE", f"/v1/conversations/{sales_call}")
    assert (again.status_code, again.json()) == (404, NOT_FOUND)


def test_rename_member_shows_everywhere(symbl: Symbl, sales_call: str) -> None:
    bob = symbl.get(f"/v1/conversations/{sales_call}/members").json()["members"][1]
    body = {"id": bob["id"], "name": "Robert", "email": "robert@globex.com"}
    response = symbl.request("PUT", f"/v1/conversations/{sales_call}/members/{bob['id']}", json=body)
    assert response.status_code == 200 and "updated successfully!" in response.json()["message"]
    members = symbl.get(f"/v1/conversations/{sales_call}/members").json()["members"]
    assert members[1] == {"id": bob["id"], "name": "Robert", "email": "robert@globex.com"}
    question = symbl.get(f"/v1/conversations/{sales_call}/questions").json()["questions"][0]
    assert question["from"]["name"] == "Robert"
    missing = symbl.request(
        "PUT", f"/v1/conversations/{sales_call}/members/{uuid.uuid4()}", json={"id": "x", "name": "Y"}
    )
    assert missing.status_code == 400


def test_speaker_events_assign_speakers(symbl: Symbl) -> None:
    response = symbl.request("POST", "/v1/process/audio/url", json={"url": "https://example.com/a.wav"})
    symbl.wait(response.json()["jobId"])
    conversation_id = response.json()["conversationId"]
    user = {"id": "4194eb50-357d-4712-a02d-94215ead1064", "name": "Derek", "email": "derek@example.com"}
    events = [
        {"type": "started_speaking", "user": user, "offset": {"seconds": 0, "nanos": 0}},
        {"type": "stopped_speaking", "user": user, "offset": {"seconds": 5, "nanos": 500000000}},
    ]
    put = symbl.request("PUT", f"/v1/conversations/{conversation_id}/speakers", json={"speakerEvents": events})
    assert put.status_code == 200 and "successfully!" in put.json()["message"]
    first = symbl.get(f"/v1/conversations/{conversation_id}/messages").json()["messages"][0]
    assert first["from"]["name"] == "Derek" and first["from"]["id"] == user["id"]
    bad = symbl.request("PUT", f"/v1/conversations/{conversation_id}/speakers", json={"speakerEvents": [{}]})
    assert bad.status_code == 400


def test_formatted_transcripts(symbl: Symbl, sales_call: str) -> None:
    markdown = symbl.request(
        "POST",
        f"/v1/conversations/{sales_call}/transcript",
        json={
            "contentType": "text/markdown",
            "createParagraphs": True,
            "showSpeakerSeparation": True,
            "phrases": {"highlightOnlyInsightKeyPhrases": True},
        },
    ).json()["transcript"]
    assert markdown["contentType"] == "text/markdown"
    assert markdown["payload"].startswith(
        "Alice: Hi Bob, this is Alice from Acme Corp. Thanks for joining today.<br/><br/>Bob: "
    )
    assert "<mark>send you the pricing proposal by Friday</mark>" in markdown["payload"]
    srt = symbl.request("POST", f"/v1/conversations/{sales_call}/transcript", json={"contentType": "text/srt"}).json()[
        "transcript"
    ]
    assert srt["contentType"] == "text/srt"
    assert srt["payload"].startswith("1\n00:00:00,000 --> 00:00:")
    assert (
        symbl.request(
            "POST", f"/v1/conversations/{sales_call}/transcript", json={"contentType": "text/html"}
        ).status_code
        == 400
    )


def test_audio_sample_transcript_and_diarized_members(symbl: Symbl) -> None:
    response = symbl.request(
        "POST",
        "/v1/process/video/url?enableSpeakerDiarization=true&diarizationSpeakerCount=2",
        json={"url": "https://example.com/demo.mp4"},
    )
    symbl.wait(response.json()["jobId"])
    conversation_id = response.json()["conversationId"]
    members = symbl.get(f"/v1/conversations/{conversation_id}/members").json()["members"]
    assert [m["name"] for m in members] == ["Speaker 1", "Speaker 2"]
    messages = symbl.get(f"/v1/conversations/{conversation_id}/messages?verbose=true").json()["messages"]
    assert len(messages) >= 15 and 0.8 <= messages[0]["words"][0]["score"] <= 0.99
    assert symbl.get(f"/v1/conversations/{conversation_id}/questions").json()["questions"]
    assert any(
        "dueBy" in a for a in symbl.get(f"/v1/conversations/{conversation_id}/action-items").json()["actionItems"]
    )
    metadata = [{"channel": 1, "speaker": {"name": "Robert", "email": "robert@example.com"}}]
    named = symbl.request(
        "POST",
        "/v1/process/audio/url",
        json={
            "url": "https://example.com/demo.mp4",
            "enableSeparateRecognitionPerChannel": True,
            "channelMetadata": metadata,
        },
    )
    symbl.wait(named.json()["jobId"])
    names = [
        m["name"] for m in symbl.get(f"/v1/conversations/{named.json()['conversationId']}/members").json()["members"]
    ]
    assert names == ["Robert", "Speaker 2"]


def test_latency_applies_to_reads(symbl: Symbl, sales_call: str) -> None:
    import time

    symbl.control("POST", "/config", json={"latency_seconds": 0.15})
    started = time.monotonic()
    symbl.get(f"/v1/conversations/{sales_call}/questions")
    assert time.monotonic() - started >= 0.15


def test_appended_text_continues_the_timeline(symbl: Symbl, sales_call: str) -> None:
    before = symbl.get(f"/v1/conversations/{sales_call}").json()["endTime"]
    job = symbl.submit_text(
        text_body([("Bob", "bob@globex.com", "One more thing: please add Carol to the thread.")]),
        conversation_id=sales_call,
    ).json()["jobId"]
    symbl.wait(job)
    last = symbl.get(f"/v1/conversations/{sales_call}/messages").json()["messages"][-1]
    assert last["startTime"] > before and last["text"] == "One more thing: please add Carol to the thread."
