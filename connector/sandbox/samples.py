"""Sample call recordings: what the sandbox "hears" in any uploaded or linked audio/video.

Each script is a realistic two-person call (speaker 0 and 1) with questions, action items with a
due day, a competitor mention, and positive and negative moments, so every insight is non-empty.
The script is chosen deterministically from a hash of the URL or of the uploaded bytes.
"""

from __future__ import annotations

import hashlib

from connector.sandbox.transcript import Speaker

SCRIPTS: list[list[tuple[int, str]]] = [
    [  # sales discovery call
        (0, "Hi Marcus, this is Dana from Acme Analytics. Thanks for making time today."),
        (1, "Hi Dana, happy to chat. We are evaluating tools for our sales team at Northwind Traders."),
        (0, "Great. What is the biggest problem your reps have right now?"),
        (1, "Honestly, our call notes are a mess and the reps hate writing them after every call."),
        (1, "We tried Gong last year but it was too expensive and the rollout was frustrating."),
        (0, "That makes sense. Our platform writes the notes and pushes action items to your CRM automatically."),
        (1, "That sounds great. Does it work with Salesforce?"),
        (0, "Yes, the Salesforce integration is built in and takes about ten minutes to set up."),
        (1, "How much does it cost for a team of forty reps?"),
        (0, "For forty reps the annual price is $12,000, and we can offer a ten percent discount this quarter."),
        (1, "That is within our budget, but I need to check with our finance team."),
        (0, "Of course. I will send you the proposal and the security documents by Friday."),
        (1, "Perfect. Can you also include a case study from a company our size?"),
        (0, "Absolutely, I'll add the case study to the proposal."),
        (0, "Marcus, can you share your current call volumes before our next call."),
        (1, "Sure, I will pull the numbers from our dialer tomorrow."),
        (0, "Let's schedule a follow-up call next Tuesday to walk your manager through the pilot plan."),
        (1, "Sounds good. I really appreciate the help, this was very useful."),
    ],
    [  # support call
        (0, "Thank you for calling Brightdesk support, my name is Priya. How can I help you today?"),
        (1, "Hi Priya, this is Tom from Harbor Logistics. Our billing export has been failing since Monday."),
        (0, "I am sorry to hear that. What error message do you see when the export fails?"),
        (1, "It says the report timed out, and it is really frustrating because finance needs it every week."),
        (0, "I understand. Are you exporting more than twelve months of invoices at once?"),
        (1, "Yes, we export the full year, about 4,500 invoices."),
        (0, "That explains the timeout. As a workaround, please export one quarter at a time."),
        (1, "Okay, but this is a bad experience. Zendesk never had this problem when we used it."),
        (0, "I completely understand, and I will escalate this to our engineering team today."),
        (0, "Tom, please send me the error log from your browser tomorrow so engineering can reproduce it."),
        (1, "Sure, I can do that. When can we expect a fix?"),
        (0, "I'll get back to you by Thursday with an update from engineering."),
        (1, "Thanks, I appreciate the quick response."),
        (0, "You are welcome. I will also credit your account for this month because of the trouble."),
        (1, "That is great, thank you Priya."),
        (0, "Is there anything else I can help you with today?"),
        (1, "No, that is all. Have a good day."),
    ],
    [  # renewal call
        (0, "Hi Jordan, Alex here from Vantage Cloud. I wanted to talk about your renewal."),
        (1, "Hi Alex. Yes, our contract ends on 2024-02-01, so the timing is good."),
        (0, "How has the team liked the product this year?"),
        (1, "Mostly good. The dashboards are excellent and adoption has been strong."),
        (1, "But the price increase in your renewal quote is a problem for us."),
        (1, "Chorus offered us a cheaper deal and my CFO is asking why we should stay."),
        (0, "I hear you. What would make the renewal work for your budget?"),
        (1, "We would need the price to stay flat and a better support plan."),
        (0, "I can ask my manager about keeping the price flat for a two-year term."),
        (0, "I will send you a revised quote by the end of the week."),
        (1, "Okay. Can you also add premium support to the quote?"),
        (0, "Yes, I'll include premium support at no extra cost for the first six months."),
        (0, "Jordan, could you send me the list of admins who need training next week."),
        (1, "Sure, I will send the list on Monday."),
        (0, "Let's set up a call with your CFO next Wednesday to review the new terms."),
        (1, "Good idea. I am happy with how this is going, thanks Alex."),
    ],
]


def pick_script(seed: str) -> list[tuple[int, str]]:
    """Return the script a recording hashing to ``seed`` contains."""
    return SCRIPTS[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(SCRIPTS)]


def audio_speakers(count: int | None, channel_metadata: list[dict], separate_channels: bool) -> list[Speaker]:
    """Return the two speakers of a recording: named by channel metadata, else ``Speaker 1``/``Speaker 2``."""
    speakers = [Speaker(key="speaker 1", name="Speaker 1"), Speaker(key="speaker 2", name="Speaker 2")]
    if separate_channels:
        for item in channel_metadata:
            if not isinstance(item, dict) or not isinstance(item.get("speaker"), dict):
                continue
            channel = item.get("channel")
            if channel in (1, 2):
                info = item["speaker"]
                name = str(info.get("name") or f"Speaker {channel}")
                email = info.get("email") if isinstance(info.get("email"), str) else None
                speakers[channel - 1] = Speaker(key=(email or name).lower(), name=name, user_id=email, email=email)
    if count == 1:
        speakers[1] = speakers[0]
    return speakers


def recording_lines(seed: str, speakers: list[Speaker]) -> list[tuple[Speaker, str]]:
    """Return the ``(speaker, line)`` pairs heard in the recording identified by ``seed``."""
    return [(speakers[who], line) for who, line in pick_script(seed)]
