"""The command line of sclient's network additions: -connect_timeout and
-max_time (seconds, decimals allowed), -proxy socks5:// and socks5h:// URLs,
-proxy_env (the environment's proxy, opt-in, with no_proxy), -version."""

from __future__ import annotations

import platform
import subprocess

import cryptography
import pytest

from sclient.cli.netopts import no_proxy_matches, proxy_from_env
from sclient.cli.parse import UsageError, parse_args
from support.procs import _env, sclient_cmd


def usage(argv: list[str]) -> str:
    with pytest.raises(UsageError) as e:
        parse_args(argv)
    assert e.value.status == 1
    return e.value.text


@pytest.mark.parametrize(
    ("value", "seconds"), [("1", 1.0), ("2.5", 2.5), (".25", 0.25), ("1e1", 10.0)]
)
def test_seconds_accept_decimals(value: str, seconds: float) -> None:
    o = parse_args(["-connect_timeout", value, "-max_time", value])
    assert o.connect_timeout_s == seconds and o.max_time_s == seconds


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("abc", 's_client: Can\'t parse "abc" as a number of seconds for option -max_time'),
        ("nan", 's_client: Can\'t parse "nan" as a number of seconds for option -max_time'),
        ("inf", 's_client: Can\'t parse "inf" as a number of seconds for option -max_time'),
        ("0", 's_client: Non-positive number "0" for option -max_time'),
        ("-1", 's_client: Non-positive number "-1" for option -max_time'),
    ],
)
def test_bad_seconds(value: str, line: str) -> None:
    assert usage(["-max_time", value]).splitlines() == [line, "s_client: Use -help for summary."]


def test_no_timeout_by_default() -> None:
    o = parse_args(["-connect", "h:1"])
    assert o.connect_timeout_s is None and o.max_time_s is None and o.proxy_host is None


@pytest.mark.parametrize(
    ("value", "scheme", "host", "port", "user", "password"),
    [
        ("socks5://p.example:9050", "socks5", "p.example", "9050", None, None),
        ("socks5h://p.example", "socks5h", "p.example", "1080", None, None),
        ("SOCKS5H://u:p%40ss@[::1]:1081/", "socks5h", "::1", "1081", "u", "p@ss"),
        ("socks5://u@p.example:1", "socks5", "p.example", "1", "u", None),
        ("proxy.example:3128", "http", "proxy.example", "3128", None, None),
        ("proxy.example", "http", "proxy.example", "443", None, None),  # OpenSSL: the target's port
    ],
)
def test_proxy_urls(
    value: str, scheme: str, host: str, port: str, user: str | None, password: str | None
) -> None:
    o = parse_args(["-connect", "target.example:443", "-proxy", value])
    assert (o.proxy_scheme, o.proxy_host, o.proxy_port) == (scheme, host, port)
    assert (o.proxy_url_user, o.proxy_url_password) == (user, password)


def test_socks_url_malformed() -> None:
    text = usage(["-connect", "h:1", "-proxy", "socks5://u:p@"])
    assert text == "s_client: -proxy argument malformed or ambiguous\n"


def test_proxy_env_is_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy.example:8080/")
    assert parse_args(["-connect", "h.example:443"]).proxy_host is None
    o = parse_args(["-connect", "h.example:443", "-proxy_env"])
    assert (o.proxy_scheme, o.proxy_host, o.proxy_port, o.proxy_source) == (
        "http", "env-proxy.example", "8080", "HTTPS_PROXY",
    )  # fmt: skip
    # -proxy wins over the environment.
    o = parse_args(["-connect", "h.example:443", "-proxy_env", "-proxy", "socks5h://p:1"])
    assert (o.proxy_scheme, o.proxy_host) == ("socks5h", "p")
    # Credentials in the variable's URL serve as -proxy_user/-proxy_pass.
    monkeypatch.setenv("HTTPS_PROXY", "http://u%3A1:p%40ss@env-proxy.example:8080")
    o = parse_args(["-connect", "h.example:443", "-proxy_env"])
    assert (o.proxy_host, o.proxy_user, o.proxy_password) == ("env-proxy.example", "u:1", "p@ss")
    monkeypatch.setenv("https_proxy", "ftp://x:1")
    assert usage(["-connect", "h:443", "-proxy_env"]) == (
        "s_client: https_proxy: ftp:// proxies are not supported (http, socks5, socks5h)\n"
    )


def test_all_proxy_and_no_proxy() -> None:
    env = {"all_proxy": "socks5h://a:1", "no_proxy": "internal.example, .corp.example,10.1.2.3"}
    assert proxy_from_env("www.example", env) == ("all_proxy", "socks5h://a:1")
    assert proxy_from_env("internal.example", env) is None
    assert proxy_from_env("db.internal.example", env) is None
    assert proxy_from_env("corp.example", env) is None
    assert proxy_from_env("10.1.2.3", env) is None
    assert proxy_from_env("notinternal.example", env) == ("all_proxy", "socks5h://a:1")
    assert no_proxy_matches("anything", "*")
    assert not no_proxy_matches("a.example", "")


def test_version() -> None:
    r = subprocess.run([*sclient_cmd(), "-version"], capture_output=True, text=True, env=_env())
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0].startswith("sclient ") and lines[0].split()[1][0].isdigit()
    assert lines[1] == f"Python {platform.python_version()}"
    assert lines[2] == f"cryptography {cryptography.__version__}"
    from cryptography.hazmat.backends.openssl.backend import backend

    assert lines[3] == f"{backend.openssl_version_text()} (cryptography's)"
    assert len(lines) == 4
