"""Run by test_sdk_fidelity.py in a subprocess: drive the official Symbl SDK against a sandbox URL.

Prints one JSON object describing what each SDK call returned.
"""

from __future__ import annotations

import json
import sys
import tempfile

import symbl_rest

config = symbl_rest.Configuration()
config.host = sys.argv[1]
symbl_rest.Configuration.set_default(config)  # must happen before `import symbl` (symbl-api.md 8.5)

import symbl  # noqa: E402

sys.modules["symbl.Conversations"].Conversation._Conversation__INTERVAL_TIME_IN_SECONDS = 0.2

payload = {
    "detectEntities": True,
    "trackers": [{"name": "Competitors", "vocabulary": ["Gong"]}],
    "messages": [
        {
            "payload": {"content": line},
            "from": {"name": name, "userId": email},
            **({"duration": {"startTime": "2024-01-15T15:00:00.000Z"}} if line.startswith("Hi Bob") else {}),
        }
        for name, email, line in [
            ("Alice", "alice@acme.com", "Hi Bob, this is Alice from Acme Corp. What does your team need?"),
            ("Bob", "bob@globex.com", "We need better call notes. We tried Gong but it was too expensive."),
            ("Alice", "alice@acme.com", "I will send you the proposal by Friday."),
            ("Alice", "alice@acme.com", "Let's schedule a follow-up call next week."),
        ]
    ],
}
credentials = {"app_id": sys.argv[2], "app_secret": sys.argv[3]}
conversation = symbl.Text.process(
    payload=payload, credentials=credentials, parameters={"webhookUrl": "http://127.0.0.1:9/hook"}
)
cid = conversation.get_conversation_id()
api = symbl.Conversations
results = {
    "conversation_id": cid,
    "job_id": conversation.get_job_id(),
    "messages": api.get_messages(cid, parameters={"sentiment": True, "verbose": True}),
    "topics": api.get_topics(cid, parameters={"sentiment": True}),
    "parent_topics": api.get_topics(cid, parameters={"parentRefs": True}),
    "action_items": api.get_action_items(cid),
    "questions": api.get_questions(cid),
    "follow_ups": api.get_follow_ups(cid),
    "members": api.get_members(cid),
    "entities": api.get_entities(cid),
    "analytics": api.get_analytics(cid),
    "conversation": api.get_conversation(cid),
    "trackers": api.get_trackers(cid),
}

with tempfile.NamedTemporaryFile(suffix=".wav") as recording:  # the SDK sends an empty Content-Type
    recording.write(b"RIFF" + bytes(range(256)) * 64)
    recording.flush()
    audio = symbl.Audio.process_file(
        file_path=recording.name,
        credentials=credentials,
        parameters={
            "customVocabulary": ["Platform", "Targets"],
            "enableSpeakerDiarization": True,
            "diarizationSpeakerCount": 2,
            "detectEntities": True,
        },
    )
results["audio_messages"] = api.get_messages(audio.get_conversation_id())


def describe(value):
    """Return the model's class and its dict (the SDK returns an error dict on any failure)."""
    if isinstance(value, list):
        return {"type": "list", "items": [describe(v) for v in value]}
    if hasattr(value, "to_dict"):
        return {"type": type(value).__name__, "data": value.to_dict()}
    return {"type": type(value).__name__, "data": value}


print(json.dumps({k: describe(v) for k, v in results.items()}, default=str))
