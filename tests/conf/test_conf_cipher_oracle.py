"""``-cipher`` strings: sclient.tls.conf against the real OpenSSL 3.0.

``openssl ciphers -V`` gives the list the string selects (compared with
:func:`conf.cipher_selection`), ``openssl ciphers -s`` the list a client offers
(compared with :func:`conf.cipher_list`), and ``openssl s_client`` the error
text (compared with :class:`conf.ConfError`'s lines).
"""

from __future__ import annotations

import random

import pytest
from conf_oracle import ciphers, exact_oracle, mask_srcline, s_client_conf_error

from sclient.tls import conf, conf_ciph

KEYWORDS = [
    "ALL", "COMPLEMENTOFALL", "DEFAULT", "COMPLEMENTOFDEFAULT", "HIGH", "MEDIUM", "LOW",
    "eNULL", "NULL", "aNULL", "kRSA", "RSA", "kEDH", "kDHE", "EDH", "DHE", "DH",
    "kEECDH", "kECDHE", "EECDH", "ECDHE", "ECDH", "kPSK", "kECDHEPSK", "kDHEPSK",
    "kRSAPSK", "PSK", "aRSA", "aECDSA", "ECDSA", "aDSS", "DSS", "aPSK", "TLSv1.2",
    "TLSv1.0", "TLSv1", "TLSv1.1", "TLSv1.3", "SSLv3", "AES", "AES128", "AES256", "AESGCM",
    "AESCCM", "AESCCM8", "CHACHA20", "CAMELLIA", "CAMELLIA128", "CAMELLIA256", "ARIA",
    "ARIA128", "ARIA256", "ARIAGCM", "SHA1", "SHA", "SHA256", "SHA384", "MD5", "SRP",
    "kSRP", "aSRP", "ADH", "AECDH", "CBC", "FIPS", "3DES", "RC4", "SEED", "IDEA", "GOST",
    "kGOST", "DTLSv1", "EDH-RSA-DES-CBC3-SHA",
]  # fmt: skip

COMBINATIONS = [
    # + (AND)
    "ECDHE+AESGCM", "ECDHE+AES256", "kRSA+SHA256", "aRSA+AESCCM8", "DHE+CHACHA20",
    "PSK+AES128+SHA256", "HIGH+FIPS", "COMPLEMENTOFDEFAULT+AES", "TLSv1+TLSv1.2",
    "SSLv3+SHA1+AES256", "AES128-SHA+kRSA", "AES128-SHA+kDHE", "ECDHE+BOGUS", "ADH+AESGCM",
    # operators and ordering
    "AES:!SHA1", "ECDHE+AESGCM:-AES256", "HIGH:+AES128", "ALL:@STRENGTH",
    "@SECLEVEL=0:ALL:COMPLEMENTOFALL", "ALL:COMPLEMENTOFALL", "ALL:-AES:AES256",
    "ALL:!AES:AES256", "AESGCM:+ECDHE", "-ALL:AES", "!ALL:AES", "ALL:!aNULL:!eNULL:+RSA",
    "CHACHA20:AESGCM:@STRENGTH", "kRSA:@STRENGTH", "ECDHE:-ECDSA:ECDSA", "+AES:ALL",
    "DEFAULT:!AES", "DEFAULT+AES", "DEFAULT:", "DEFAULTX", ":DEFAULT", "aNULL:DEFAULT",
    "DEFAULT:@SECLEVEL=0:eNULL", "HIGH:!aNULL:!kRSA:!PSK:!SRP:!MD5:!RC4",
    "EECDH+AESGCM:EDH+AESGCM", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA",
    "AES128-SHA:AES256-SHA:AES128-SHA", "AES128-SHA:!AES128-SHA:AES128-SHA",
    "DHE-DSS-AES256-SHA,PSK-NULL-SHA;NULL-MD5 ADH-AES128-SHA",
    "CHACHA20:ECDHE-RSA-AES128-SHA:BOGUS", "BOGUS:AES256-CCM8", "aes:AES128",
    "TLS_RSA_WITH_AES_128_CBC_SHA:AES128-SHA", "TLS_AES_128_GCM_SHA256:AES128-SHA",
    "SUITEB128", "SUITEB128ONLY", "SUITEB128C2", "SUITEB192", "SUITEB128:ALL",
    "@STRENGTH+AES:AES", "ALL:@SECLEVEL=5", "ALL::,;AES", "  AES  ",
    # errors
    "BOGUS", "", "AES+", "BOGUS+", "-:", "@FOO", "@SECLEVEL=9", "@SECLEVEL=12",
    "@SECLEVEL=a", "ALL:@STRENGTHX", "@FOO:@BAR", "@FOO:-:", "ALL:!ALL", "!", "AES*",
]  # fmt: skip

SPECS = KEYWORDS + COMBINATIONS


def _mine(spec: str) -> tuple[int, ...] | list[str]:
    try:
        return conf.cipher_selection(spec).suites
    except conf.ConfError as e:
        return e.lines[1:]


@pytest.mark.parametrize("spec", SPECS)
def test_selection_matches_openssl_ciphers(spec: str) -> None:
    assert _mine(spec) == ciphers(spec)


def test_spec_count() -> None:
    assert len(set(SPECS)) >= 60


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_strings_match_openssl_ciphers(seed: int) -> None:
    """Random strings of keywords, cipher names, unknown words, operators and separators."""
    rnd = random.Random(seed)
    words = [a.name for a in conf_ciph._aliases()] + [
        "DEFAULT", "BOGUS", "aes", "RC4", "GOST", "TLSv1.1", "STRENGTH", "SECLEVEL=0",
        "SECLEVEL=3", "SECLEVEL=9", "ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA",
        "DHE-DSS-AES256-SHA", "PSK-NULL-SHA", "NULL-MD5", "ADH-AES128-SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA", "ECDHE-PSK-CHACHA20-POLY1305",
        "AES256-CCM8", "ARIA256-GCM-SHA384",
    ]  # fmt: skip
    mismatches = []
    for _ in range(120):
        parts = [
            rnd.choice(["", "", "", "!", "-", "+", "@"])
            + "+".join(rnd.choice(words) for _ in range(rnd.choice([1, 1, 1, 2, 3])))
            for _ in range(rnd.randint(1, 5))
        ]
        spec = parts[0]
        for p in parts[1:]:
            spec += rnd.choice([":", ":", ",", " ", ";", "::"]) + p
        if rnd.random() < 0.15:
            spec = "DEFAULT" + rnd.choice([":", ""]) + spec
        if _mine(spec) != ciphers(spec):
            mismatches.append(spec)
    assert mismatches == []


OFFER_SPECS = [
    "DEFAULT", "ALL", "ALL:COMPLEMENTOFALL", "HIGH", "PSK", "SRP", "aNULL:ALL",
    "@SECLEVEL=0:ALL:COMPLEMENTOFALL", "ALL:@SECLEVEL=1", "ALL:@SECLEVEL=3",
    "ALL:@SECLEVEL=4", "ALL:@SECLEVEL=5", "eNULL:@SECLEVEL=0", "kRSA:PSK:@SECLEVEL=3",
]  # fmt: skip


@pytest.mark.parametrize("flags", [(), ("-psk",), ("-srp",), ("-psk", "-srp")])
@pytest.mark.parametrize("spec", OFFER_SPECS)
def test_offer_matches_openssl_ciphers_s(spec: str, flags: tuple[str, ...]) -> None:
    mine = conf.cipher_list(spec, psk="-psk" in flags, srp="-srp" in flags)
    assert mine == ciphers(spec, "-s", *flags)


ERROR_SPECS = [
    "BOGUS", "", "AES+", "BOGUS+", "-:", "@FOO", "@SECLEVEL=9", "@SECLEVEL=12",
    "@SECLEVEL=a", "ALL:@STRENGTHX", "@FOO:@BAR", "@FOO:-:", "aes", "TLSv1.3", "ALL:!ALL",
]  # fmt: skip


@pytest.mark.parametrize("spec", ERROR_SPECS)
def test_errors_match_s_client(spec: str) -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.cipher_list(spec)
    real = s_client_conf_error("-cipher", spec)
    assert [mask_srcline(x) for x in info.value.lines] == [mask_srcline(x) for x in real]
    if exact_oracle():
        assert info.value.lines == real


def test_accepted_strings_are_accepted_by_s_client() -> None:
    for spec in ("aNULL", "ALL:@SECLEVEL=0", "BOGUS:AES128-SHA", "SUITEB128"):
        conf.cipher_list(spec)
        assert s_client_conf_error("-cipher", spec) == []
