"""parse_host_port: OpenSSL's BIO_parse_hostserv with host priority (spec options.md section 2)."""

from __future__ import annotations

import pytest

from sclient.cli.parse import HostPortError, parse_host_port


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("example.com:443", None, ("example.com", "443")),
        ("127.0.0.1:8443", "4433", ("127.0.0.1", "8443")),
        ("[::1]:443", None, ("::1", "443")),
        ("[fe80::1%eth0]:443", None, ("fe80::1%eth0", "443")),
        # bracketed host without port: the port keeps its value
        ("[::1]", "4433", ("::1", "4433")),
        ("[::1]", None, ("::1", None)),
        # host only: the port keeps its value (default 4433 or -port's)
        ("example.com", "4433", ("example.com", "4433")),
        ("myhost", "99", ("myhost", "99")),
        # empty or "*" host -> no host (loopback); empty or "*" port -> no port
        (":443", "4433", (None, "443")),
        ("*:443", "4433", (None, "443")),
        ("host:", "4433", ("host", None)),
        ("host:*", "4433", ("host", None)),
        (":", "4433", (None, None)),
        ("", "4433", (None, "4433")),
        ("*", "4433", (None, "4433")),
        ("[]:443", None, (None, "443")),
        ("[::1]:", "4433", ("::1", None)),
        # service names are kept as text
        ("example.com:https", None, ("example.com", "https")),
        ("h:70000", None, ("h", "70000")),
    ],
)
def test_valid(text: str, default: str | None, expected: tuple[str | None, str | None]) -> None:
    assert parse_host_port(text, default) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("::1:443", "ambiguous"),
        ("a:1:2", "ambiguous"),
        ("::1", "ambiguous"),
        ("[::1]15099", "malformed"),
        ("[::1", "malformed"),
        ("[::1]:1:2", "malformed"),
        ("[::1]x", "malformed"),
    ],
)
def test_invalid(text: str, reason: str) -> None:
    with pytest.raises(HostPortError) as info:
        parse_host_port(text)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)
