"""The facade's HTTP API: one blueprint per area, API-key auth, pydantic models that double as
the OpenAPI document, and one error handler. This package never imports `requests`: Symbl
errors arrive as `connector.symbl.errors` types and are translated in `errors.py`."""
