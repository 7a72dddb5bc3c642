"""Jobs: what happens between a submit and its result.

- `options.py`   the validated request (input + Symbl options)
- `payloads.py`  the request as Symbl's bodies and query strings (pure)
- `submit.py`    idempotent submission: Symbl submit, then a durable record before answering
- `schedule.py`  the polling schedule (fast first, backing off with the job's age)
- `watcher.py`   one poll stream per job per deployment, webhook and cross-process wake-ups, waits
- `waiter.py`    waiting for a submission: queue dispatch, then the watcher; a value the views map
- `finish.py`    a job's terminal transition: exactly once, with its callback and hook deliveries
- `events.py`    the delivery bodies (one model per event)
- `delivery.py`  the durable outbox sender (signed POSTs, retries with backoff for a day)
- `signing.py`, `urlguard.py`, `pinning.py`  HMAC signatures, the SSRF guard for callback URLs, and
  connecting to the address the guard checked

This package never imports `api/`: it raises its own exceptions (`submit.IdempotencyConflict` ...),
which the API layer maps in one table (`api/errors.py`).
"""
