"""Saved trackers (Symbl's Management API): validation, serialisation of calls, declarative sync.

Owns: the rules a tracker must meet before it is sent (`validation.py`), the one-call-at-a-time
lock per Symbl account that holds across workers and instances (`lock.py`), the create/update/
delete plan of a sync (`sync.py`, pure), and `service.py`, which composes them over the Symbl
client. Must not: import Flask or build HTTP answers (that is `api/trackers.py`), or call Symbl
other than through `SymblClient`."""
