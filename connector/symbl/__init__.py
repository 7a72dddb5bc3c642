"""The upstream Symbl client: credentials, token provider (shared cache, early refresh,
single-flight, one retry on 401), an HTTP session with timeouts and backoff on 429/5xx, and the
mapping of our options onto Symbl's request bodies. Nothing here knows about Flask."""
