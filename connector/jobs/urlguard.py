"""The SSRF guard: callback and hook URLs must be https and reach public addresses only.

The facade POSTs to URLs its callers choose, so without this check it would be a way into the
networks it runs in (cloud metadata at 169.254.169.254, an admin port on localhost, a database on
10.x). `check_callback_url` resolves the host and refuses loopback, private, link-local,
unspecified, multicast, reserved, site-local, shared (100.64.0.0/10) and unique-local addresses,
also when they hide inside IPv6 (IPv4-mapped, NAT64, 6to4), unless the operator allow-listed the
host or the address in ``CONNECTOR_CALLBACK_ALLOWLIST``.

DNS rebinding: a name may resolve to a public address at submit time and to a private one later,
so the deliverer runs the same check again right before each delivery, connects to the very
address it checked (`checked_target`, `pinning.PinnedAdapter`) and does not follow redirects. The
``resolve`` argument (``socket.getaddrinfo`` at call time by default) lets tests make a name
resolve to anything.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., Sequence[tuple[Any, ...]]]

MAX_URL_LENGTH = 2048
ALLOWLIST_SETTING = "CONNECTOR_CALLBACK_ALLOWLIST"
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UrlNotAllowed(ValueError):
    """The URL may not be called back; the message says why and what to do."""

    def __init__(self, message: str, field: str = "callback_url") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Allowlist:
    """Parsed ``CONNECTOR_CALLBACK_ALLOWLIST``: exact host names, ``*.domain`` wildcards, IPs and CIDRs."""

    hosts: frozenset[str]
    suffixes: tuple[str, ...]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Sequence[str]) -> Allowlist:
        """Parse entries (blank ones are ignored)."""
        hosts: set[str] = set()
        suffixes: list[str] = []
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            if entry.startswith("*."):
                suffixes.append(entry[1:])  # ".example.com"
            else:
                hosts.add(entry)
        return cls(frozenset(hosts), tuple(suffixes), tuple(networks))

    def allows_host(self, host: str) -> bool:
        """True if the host name (already lower-case, no trailing dot) is listed."""
        return host in self.hosts or any(host.endswith(suffix) for suffix in self.suffixes)

    def allows_address(self, address: IPAddress) -> bool:
        """True if the address is in a listed IP or CIDR."""
        return any(address.version == net.version and address in net for net in self.networks)


def check_callback_url(
    url: str, allowlist: Sequence[str] | Allowlist, resolve: Resolver | None = None, *, field: str = "callback_url"
) -> str:
    """Return the normalised URL if the facade may POST to it; raise `UrlNotAllowed` (naming the
    request ``field``) otherwise.

    Run it when the URL is accepted (submit, hook subscription) and again before every delivery.
    """
    try:
        return checked_target(url, allowlist, resolve)[0]
    except UrlNotAllowed as exc:
        exc.field = field
        raise


def checked_target(
    url: str, allowlist: Sequence[str] | Allowlist, resolve: Resolver | None = None
) -> tuple[str, str | None]:
    """Like `check_callback_url`, and also return the checked address to connect to (None when
    the host name itself is allow-listed): the delivery pins it, so a second DNS answer (rebinding)
    is never used."""
    allowed = allowlist if isinstance(allowlist, Allowlist) else Allowlist.parse(allowlist)
    scheme, host, port, rest = _split(url)
    if allowed.allows_host(host):
        return _join(scheme, host, port, rest), None
    if scheme != "https" and not allowed.networks:
        raise _plain_http(scheme)

    addresses = _resolve(host, port or (443 if scheme == "https" else 80), resolve or socket.getaddrinfo)
    for address in addresses:
        if allowed.allows_address(address):
            continue
        reason = _why_forbidden(address)
        if reason is not None:
            verb = "is" if _is_literal(host) else f"resolves to {_show(address)}, which is"
            raise UrlNotAllowed(
                f"The callback URL's host {host!r} {verb} {reason} address; callbacks only go to public "
                f"addresses unless the host is listed in {ALLOWLIST_SETTING}."
            )
    if scheme != "https" and not all(allowed.allows_address(a) for a in addresses):
        raise _plain_http(scheme)
    return _join(scheme, host, port, rest), str(addresses[0])


def _plain_http(scheme: str) -> UrlNotAllowed:
    return UrlNotAllowed(
        f"The callback URL must use https (got {scheme}://); plain http is only accepted for hosts listed "
        f"in {ALLOWLIST_SETTING}."
    )


def _split(url: str) -> tuple[str, str, int | None, str]:
    """Parse and validate the URL's shape; return (scheme, host, port, path+query)."""
    if not isinstance(url, str) or not url.strip():
        raise UrlNotAllowed("The callback URL is empty; give an https:// URL.")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise UrlNotAllowed(f"The callback URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise UrlNotAllowed("The callback URL contains spaces or control characters; encode them.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlNotAllowed(f"The callback URL is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise UrlNotAllowed(f"The callback URL must be an https:// URL (got {shown}).")
    if "@" in parts.netloc:
        raise UrlNotAllowed("The callback URL must not contain a user name or password; put credentials elsewhere.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlNotAllowed("The callback URL has no host name; give a full URL such as https://example.com/hook.")
    if port == 0:
        raise UrlNotAllowed("The callback URL's port 0 is not valid.")
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        raise UrlNotAllowed(f"The callback URL's host {host!r} is not a valid host name.") from None
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, rest


def _resolve(host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    """Return every address ``host`` resolves to; refuse names that do not resolve."""
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        infos = []
    addresses: list[IPAddress] = []
    for info in infos:
        try:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
        except (ValueError, IndexError, TypeError):
            continue
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UrlNotAllowed(f"The callback URL's host {host!r} could not be resolved; check the spelling.")
    return addresses


def _why_forbidden(address: IPAddress) -> str | None:
    """Name the kind of non-public address this is (e.g. "a private"), or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = _why_forbidden(embedded)
            if reason is not None or address.ipv4_mapped is not None or address in _NAT64:
                return reason
        if address.is_site_local:
            return "a site-local"
    checks = (
        ("is_unspecified", "an unspecified"),
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if address in _SHARED:
        return "a shared (carrier-grade NAT)"
    if address.is_reserved:
        return "a reserved"
    if address.is_private:
        return "a private"
    if not address.is_global:
        return "a non-public"
    return None


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _show(address: IPAddress) -> str:
    """Write an address the way people read it (IPv4-mapped IPv6 with its dotted IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried by an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def _join(scheme: str, host: str, port: int | None, rest: str) -> str:
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != (443 if scheme == "https" else 80):
        netloc += f":{port}"
    return f"{scheme}://{netloc}{rest}"


# --- Sandbox mode only: a local receiver (`connector listen`) at http(s)://127.0.0.1 or localhost.
# Never in live mode. Other loopback addresses (127.0.0.2, ::1) stay refused.
LOCAL_RECEIVER = ("127.0.0.1/32", "localhost")


def effective_allowlist(entries: Sequence[str], *, allow_loopback: bool) -> list[str]:
    """``CONNECTOR_CALLBACK_ALLOWLIST`` plus, when ``allow_loopback`` (sandbox mode), 127.0.0.1 and localhost."""
    return [*entries, *LOCAL_RECEIVER] if allow_loopback else list(entries)
