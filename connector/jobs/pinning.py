"""Connect a delivery to the address the SSRF guard checked, not to a fresh DNS answer.

`requests` would resolve the callback's host name again when it connects, and a name under an
attacker's control can answer a public address to the guard and 127.0.0.1 a moment later (DNS
rebinding). `PinnedAdapter` opens the connection to the checked IP while the request keeps the URL's
host name where it matters: the ``Host`` header, TLS SNI, and certificate verification
(``server_hostname`` and ``assert_hostname`` of the urllib3 pool)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter


class PinnedAdapter(HTTPAdapter):
    """A transport adapter that sends every request to ``address`` (an IP the guard checked)."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        self.address = address
        super().__init__(**kwargs)

    def get_connection_with_tls_context(
        self, request: requests.PreparedRequest, verify: Any, proxies: Any = None, cert: Any = None
    ) -> Any:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        kwargs: dict[str, Any] = dict(pool_kwargs)
        hostname = host_params["host"]
        if host_params["scheme"] == "https":
            kwargs.update(server_hostname=hostname, assert_hostname=hostname)
        return self.poolmanager.connection_from_host(
            host=self.address, port=host_params["port"], scheme=host_params["scheme"], pool_kwargs=kwargs
        )

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        request.headers["Host"] = urlsplit(str(request.url)).netloc  # not the IP the pool connects to
        return super().send(request, *args, **kwargs)


def pinned_session(address: str) -> requests.Session:
    """A session whose http and https requests all go to ``address``; proxies from the environment
    are ignored (a proxy would resolve the name itself, past the guard)."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(address, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
