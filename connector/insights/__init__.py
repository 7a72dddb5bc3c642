"""Insights: the flat contract, the parallel fetch of Symbl's Conversation API, the pure flattening
and the Slack/CRM renderers. `flatten.py` and the renderers do no IO."""
