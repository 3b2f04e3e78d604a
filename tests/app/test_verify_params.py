"""``sclient.app.verifysettings.verify_params``: the command line -> X509_VERIFY_PARAM mapping."""

from __future__ import annotations

import pytest

from sclient.app.verifysettings import DEFAULT_AUTH_LEVEL, verify_params
from sclient.cli.parse import UsageError, parse_args
from sclient.x509.verify import VerifyParams


def params(*argv: str) -> VerifyParams:
    return verify_params(parse_args([*argv, "-connect", "127.0.0.1:1"]))


def test_defaults_are_ssl_server() -> None:
    p = params()
    assert (p.purpose, p.trust, p.depth, p.auth_level) == (
        "sslserver",
        "sslserver",
        100,
        DEFAULT_AUTH_LEVEL,
    )
    assert (p.hosts, p.email, p.ip, p.check_time) == ((), None, None, None)


def test_purpose_keeps_the_ssl_server_trust() -> None:
    p = params("-purpose", "smimesign")
    assert (p.purpose, p.trust) == ("smimesign", "sslserver")


@pytest.mark.parametrize(
    ("argv", "purpose", "trust", "depth"),
    [
        (("-verify_name", "pkcs7"), "smimesign", "email", 100),
        (("-verify_name", "smime_sign"), "smimesign", "email", 100),
        (("-verify_name", "ssl_client"), "sslclient", "sslclient", 100),
        (("-verify_name", "ssl_server"), "sslserver", "sslserver", 100),
        (("-verify_name", "default"), "sslserver", "sslserver", 100),
        (("-purpose", "sslclient", "-verify_name", "ssl_server"), "sslserver", "sslserver", 100),
        (("-verify_name", "ssl_server", "-purpose", "sslclient"), "sslclient", "sslserver", 100),
        (("-verify_name", "pkcs7", "-purpose", "any"), "any", "email", 100),
        (("-purpose", "any", "-verify_name", "default"), "any", "sslserver", 100),
        (("-verify_depth", "3", "-verify_name", "default"), "sslserver", "sslserver", 100),
        (("-verify_name", "default", "-verify_depth", "3"), "sslserver", "sslserver", 3),
        (("-verify_depth", "3", "-verify_name", "ssl_client"), "sslclient", "sslclient", 3),
        (("-verify_depth", "-1"), "sslserver", "sslserver", 100),
        (("-verify_depth", "0"), "sslserver", "sslserver", 0),
    ],
)
def test_verify_name_order(argv: tuple[str, ...], purpose: str, trust: str, depth: int) -> None:
    p = params(*argv)
    assert (p.purpose, p.trust, p.depth) == (purpose, trust, depth)


def test_flags_and_values() -> None:
    p = params(
        "-attime", "1000", "-no_check_time", "-partial_chain", "-check_ss_sig",
        "-ignore_critical", "-x509_strict", "-allow_proxy_certs", "-auth_level", "0",
        "-trusted_first", "-no_alt_chains", "-issuer_checks",
        "-verify_hostname", "h.example", "-verify_email", "e@x", "-verify_ip", "::1",
    )  # fmt: skip
    assert p.check_time == 1000 and p.no_check_time
    assert p.partial_chain and p.check_ss_sig and p.ignore_critical
    assert p.x509_strict and p.allow_proxy_certs
    assert p.auth_level == 0
    assert p.hosts == ("h.example",) and p.email == "e@x" and p.ip == bytes(15) + b"\x01"
    assert params("-auth_level", "-3").auth_level == DEFAULT_AUTH_LEVEL
    assert params("-verify_hostname", "").hosts == ()


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (("-verify_ip", "1.2.3"), ""),
        (("-verify", "2", "-verify_ip", "::1::"), "verify depth is 2\n"),
        (("-purpose", "codesign"), "s_client: Invalid purpose codesign\n"),
        (("-verify_name", "x"), "s_client: Invalid verify name x\n"),
    ],
)
def test_refused_values(argv: tuple[str, ...], text: str) -> None:
    with pytest.raises(UsageError) as ei:
        params(*argv)
    assert ei.value.text == text
    assert ei.value.status == 1


@pytest.mark.parametrize(
    ("argv", "level"),
    [
        ((), 2),
        (("-cipher", "DEFAULT:@SECLEVEL=1"), 1),
        (("-cipher", "ALL:@SECLEVEL=0"), 0),
        (("-cipher", "DEFAULT:@SECLEVEL=1", "-auth_level", "3"), 3),
        (("-cipher", "DEFAULT"), 2),
    ],
)
def test_auth_level_defaults_to_the_security_level(argv: tuple[str, ...], level: int) -> None:
    assert params(*argv).auth_level == level


def test_a_negative_depth_or_level_keeps_the_earlier_value() -> None:
    p = params("-verify_depth", "3", "-verify_depth", "-1", "-auth_level", "1", "-auth_level", "-5")
    assert (p.depth, p.auth_level) == (3, 1)
