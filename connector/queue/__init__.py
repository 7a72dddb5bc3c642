"""The queue of work not yet sent to Symbl, the per-credential concurrency slots, and the
dispatcher that sends queued work as slots free (SYMBL_MAX_CONCURRENT_JOBS).

- `slots.py`: how many jobs a Symbl credential may have in flight, checked under a store lock;
- `dispatch.py`: the loop that fills free slots fairly from the queue;
- `batches.py`: batches of items (a stored entity with its items; each item queued like a single submission).
"""
