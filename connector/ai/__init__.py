"""Symbl's newer AI features on top of a processed conversation: Call Score, questions answered by
Nebula (Symbl's LLM), and hosted summary pages (Experiences)."""
