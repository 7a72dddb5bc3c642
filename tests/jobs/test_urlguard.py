"""The SSRF guard on callback and hook URLs: one table per family of URLs."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from connector.jobs.urlguard import Allowlist, UrlNotAllowed, check_callback_url

DNS = {
    "localhost": ["127.0.0.1", "::1"],
    "example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "hooks.zapier.com": ["54.86.1.1"],
    "internal.example.com": ["10.1.2.3"],
    "rebind.example.com": ["93.184.215.14", "127.0.0.1"],  # one public, one loopback answer
    "metadata.example.com": ["169.254.169.254"],
    "v6-loopback.example.com": ["::1"],
    "mapped.example.com": ["::ffff:192.168.0.1"],
    "ula.example.com": ["fd00:ec2::254"],
    "cgnat.example.com": ["100.64.0.7"],
    "build.corp.example": ["10.20.0.5"],
    "a.svc.corp.example": ["10.30.0.9"],
    "nat64.example.com": ["64:ff9b::5db8:d70e"],  # 93.184.215.14 through NAT64: public
}


class FakeDns:
    """An injected resolver: numeric hosts resolve to themselves, names from DNS, others fail."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = DNS if table is None else table
        self.calls: list[str] = []

    def __call__(self, host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        self.calls.append(host)
        try:
            addresses = [str(ipaddress.ip_address(host.split("%")[0]))]
        except ValueError:
            if host not in self.table:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            addresses = self.table[host]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]


def check(url: str, allowlist: list[str] | None = None, dns: FakeDns | None = None) -> str:
    return check_callback_url(url, allowlist or [], resolve=dns or FakeDns())


# -- accepted ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://example.com/hook", "https://example.com/hook"),
        ("HTTPS://Example.COM/Hook?a=1#frag", "https://example.com/Hook?a=1"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com.", "https://example.com"),
        ("  https://hooks.zapier.com/hooks/catch/1/abc/  ", "https://hooks.zapier.com/hooks/catch/1/abc/"),
        ("https://93.184.215.14/cb", "https://93.184.215.14/cb"),
        ("https://[2606:4700::1111]/cb", "https://[2606:4700::1111]/cb"),
        ("https://nat64.example.com/", "https://nat64.example.com/"),
    ],
)
def test_public_https_urls_are_accepted(url: str, normalised: str) -> None:
    assert check(url) == normalised


# -- schemes -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/hook", "must use https"),
        ("ftp://example.com/file", "must be an https:// URL"),
        ("file:///etc/passwd", "must be an https:// URL"),
        ("gopher://example.com:70/", "must be an https:// URL"),
        ("javascript:alert(1)", "must be an https:// URL"),
        ("example.com/hook", "must be an https:// URL"),
        ("//example.com/hook", "must be an https:// URL"),
    ],
)
def test_schemes_other_than_https_are_refused(url: str, message: str) -> None:
    with pytest.raises(UrlNotAllowed, match=message):
        check(url)


# -- non-public addresses, literal or resolved ------------------------------------------------
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/", "loopback"),
        ("https://127.8.9.10:8080/", "loopback"),
        ("https://10.0.0.1/", "private"),
        ("https://172.16.5.4/", "private"),
        ("https://192.168.1.1/", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://0.0.0.0/", "unspecified"),
        ("https://100.64.0.1/", "shared"),
        ("https://224.0.0.1/", "multicast"),
        ("https://240.0.0.1/", "reserved"),
        ("https://255.255.255.255/", "reserved"),
        ("https://[::1]/", "loopback"),
        ("https://[::]/", "unspecified"),
        ("https://[fe80::1]/", "link-local"),
        ("https://[fe80::1%25eth0]/", "link-local"),
        ("https://[fc00::1]/", "private"),
        ("https://[fd12:3456::1]/", "private"),
        ("https://[fec0::1]/", "site-local"),
        ("https://[ff02::1]/", "multicast"),
        ("https://[::ffff:127.0.0.1]/", "loopback"),
        ("https://[::ffff:169.254.169.254]/", "link-local"),
        ("https://[::ffff:10.0.0.1]/", "private"),
        ("https://[64:ff9b::a00:1]/", "private"),  # NAT64 of 10.0.0.1
        ("https://[2002:a00:1::1]/", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_non_public_literal_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UrlNotAllowed, match=reason):
        check(url)


@pytest.mark.parametrize(
    "url",
    ["https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "https://127.1/", "https://0/"],
)
def test_numeric_forms_are_checked_as_the_system_resolves_them(url: str) -> None:
    with pytest.raises(UrlNotAllowed, match=r"resolves to (127\.0\.0\.1|0\.0\.0\.0)"):
        check_callback_url(url, [])  # the real getaddrinfo: numeric hosts need no DNS


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("localhost", "resolves to 127.0.0.1, which is a loopback"),
        ("internal.example.com", "resolves to 10.1.2.3, which is a private"),
        ("rebind.example.com", "resolves to 127.0.0.1, which is a loopback"),
        ("metadata.example.com", "169.254.169.254, which is a link-local"),
        ("v6-loopback.example.com", "::1, which is a loopback"),
        ("mapped.example.com", "::ffff:192.168.0.1, which is a private"),
        ("ula.example.com", "fd00:ec2::254, which is a private"),
        ("cgnat.example.com", "shared"),
        ("no-such-host.example.com", "could not be resolved"),
    ],
)
def test_names_resolving_to_non_public_addresses_are_refused(host: str, reason: str) -> None:
    with pytest.raises(UrlNotAllowed, match=reason) as caught:
        check(f"https://{host}/hook")
    assert "CONNECTOR_CALLBACK_ALLOWLIST" in caught.value.message or "resolved" in caught.value.message


def test_the_check_runs_again_at_delivery_and_sees_a_rebound_name() -> None:
    dns = FakeDns({"flip.example.com": ["93.184.215.14"]})
    assert check("https://flip.example.com/cb", dns=dns) == "https://flip.example.com/cb"  # at submit
    dns.table["flip.example.com"] = ["169.254.169.254"]  # the owner changes the DNS answer
    with pytest.raises(UrlNotAllowed, match="link-local"):
        check("https://flip.example.com/cb", dns=dns)  # at delivery


# -- the allowlist -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "allowlist"),
    [
        ("https://internal.example.com/", ["internal.example.com"]),
        ("https://INTERNAL.example.com/", ["Internal.Example.COM."]),
        ("http://internal.example.com/", ["internal.example.com"]),  # http allowed for listed hosts
        ("https://a.svc.corp.example/", ["*.corp.example"]),
        ("https://build.corp.example/", ["*.corp.example"]),
        ("https://internal.example.com/", ["10.0.0.0/8"]),
        ("http://internal.example.com/", ["10.0.0.0/8"]),  # every address listed: http too
        ("https://127.0.0.1:9000/", ["127.0.0.1"]),
        ("http://127.0.0.1:9000/", ["127.0.0.1"]),
        ("https://[::1]/", ["::1"]),
        ("https://[::1]/", ["[::1]"]),
        ("https://v6-loopback.example.com/", ["::1/128"]),
        ("https://unresolvable.internal/", ["unresolvable.internal"]),  # trusted by name, not resolved
        ("https://internal.example.com/", [" ", "", "10.1.2.3"]),
    ],
)
def test_allowlisted_hosts_and_networks_are_accepted(url: str, allowlist: list[str]) -> None:
    assert check(url, allowlist)


@pytest.mark.parametrize(
    ("url", "allowlist", "message"),
    [
        ("https://corp.example/", ["*.corp.example"], "could not be resolved"),  # wildcard is subdomains only
        ("https://evilcorp.example/", ["*.corp.example"], "could not be resolved"),
        ("https://internal.example.com.evil.test/", ["internal.example.com"], "could not be resolved"),
        ("https://internal.example.com/", ["192.168.0.0/16"], "private"),
        ("http://rebind.example.com/", ["127.0.0.1"], "must use https"),  # only some addresses listed
        ("https://127.0.0.2/", ["127.0.0.1"], "loopback"),
        ("https://169.254.169.254/", ["10.0.0.0/8"], "link-local"),
        ("ftp://internal.example.com/", ["internal.example.com"], "must be an https:// URL"),
        ("https://user:pw@internal.example.com/", ["internal.example.com"], "user name or password"),
    ],
)
def test_the_allowlist_is_not_too_wide(url: str, allowlist: list[str], message: str) -> None:
    with pytest.raises(UrlNotAllowed, match=message):
        check(url, allowlist)


def test_allowlist_parsing() -> None:
    parsed = Allowlist.parse(["Hooks.Example.com", "*.corp.example", "10.0.0.0/8", "127.0.0.1", "::1", " "])
    assert parsed.hosts == frozenset({"hooks.example.com"})
    assert parsed.suffixes == (".corp.example",)
    assert [str(n) for n in parsed.networks] == ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]


# -- malformed URLs --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("https://", "no host"),
        ("https:///path", "no host"),
        ("https://:443/", "no host"),
        ("https://user@example.com/", "user name or password"),
        ("https://user:secret@example.com/", "user name or password"),
        ("https://example.com@127.0.0.1/", "user name or password"),
        ("https://exa mple.com/", "spaces or control characters"),
        ("https://example.com/\r\nX-Injected: 1", "spaces or control characters"),
        ("https://[::1/", "not a valid URL"),
        ("https://example.com:99999/", "not a valid URL"),
        ("https://example.com:abc/", "not a valid URL"),
        ("https://example.com:0/", "port 0"),
        ("https://" + "a" * 2100 + ".com/", "longer than"),
    ],
)
def test_malformed_urls_are_refused(url: str, message: str) -> None:
    dns = FakeDns()
    with pytest.raises(UrlNotAllowed, match=message):
        check(url, dns=dns)


def test_refusals_are_value_errors_with_a_message() -> None:
    with pytest.raises(ValueError) as caught:
        check("http://example.com/")
    assert isinstance(caught.value, UrlNotAllowed)
    assert caught.value.message.startswith("The callback URL must use https")


def test_plain_http_is_refused_without_a_dns_lookup() -> None:
    dns = FakeDns()
    with pytest.raises(UrlNotAllowed):
        check("http://example.com/", dns=dns)
    assert dns.calls == []
