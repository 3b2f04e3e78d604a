"""``-ciphersuites``, ``-groups``/``-curves``, ``-sigalgs``/``-client_sigalgs``,
``-min_protocol``/``-max_protocol``: sclient.tls.conf against the real OpenSSL 3.0.

Accepted values are compared with the ClientHello ``openssl s_client`` really
sends (through the ``offered_*`` filters); rejected values with what it prints.
"""

from __future__ import annotations

import pytest
from conf_oracle import client_hello, exact_oracle, mask_srcline, s_client_conf_error

from sclient.tls import conf
from sclient.tls.registry import groups as registry_groups

DEFAULT_TLS13 = (0x1302, 0x1303, 0x1301)


def _same_error(exc: conf.ConfError, real: list[str]) -> None:
    assert [mask_srcline(x) for x in exc.lines] == [mask_srcline(x) for x in real]
    if exact_oracle():
        assert exc.lines == real


# --- -ciphersuites ------------------------------------------------------------------

GOOD_SUITES = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_GCM_SHA256:BOGUS:TLS_AES_256_GCM_SHA384",
    " TLS_AES_256_GCM_SHA384 :: tls_aes_128_gcm_sha256",
    "TLS_AES_128_GCM_SHA256:TLS_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA:TLS_AES_128_GCM_SHA256",
    "TLS_FALLBACK_SCSV:TLS_AES_128_GCM_SHA256:TLS_DH_anon_WITH_AES_128_CBC_SHA",
]


@pytest.mark.parametrize("spec", GOOD_SUITES)
def test_ciphersuites_in_client_hello(spec: str) -> None:
    listed = conf.ciphersuites(spec)
    hello = client_hello("-ciphersuites", spec, "-cipher", "AES256-SHA")
    expected = (*conf.offered_ciphersuites(listed), *conf.cipher_list("AES256-SHA"), 0x00FF)
    assert hello.suites == expected


def test_empty_ciphersuites_disables_tls13() -> None:
    assert conf.ciphersuites("") == ()
    # (with TLS 1.3 still the maximum OpenSSL would refuse to send a ClientHello:
    # "No ciphers enabled for max supported SSL/TLS version")
    hello = client_hello("-ciphersuites", "", "-cipher", "AES256-SHA", "-max_protocol", "TLSv1.2")
    assert hello.suites == (0x0035, 0x00FF)


def test_ciphersuites_security_level_filter() -> None:
    listed = conf.ciphersuites("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384")
    hello = client_hello(
        "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384",
        "-cipher", "ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=4",
    )  # fmt: skip
    assert hello.suites[:1] == conf.offered_ciphersuites(listed, seclevel=4) == (0x1302,)


@pytest.mark.parametrize(
    "spec", ["BOGUS", ":", " ", "TLS_RSA_WITH_RC4_128_SHA", "tls_aes_128_gcm_sha256"]
)
def test_ciphersuites_errors(spec: str) -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.ciphersuites(spec)
    _same_error(info.value, s_client_conf_error("-ciphersuites", spec))


def test_ciphersuites_dropped_names_are_accepted() -> None:
    assert conf.ciphersuites("TLS_RSA_WITH_SEED_CBC_SHA") == ()
    assert s_client_conf_error("-ciphersuites", "TLS_RSA_WITH_SEED_CBC_SHA") == []


# --- -groups / -curves -----------------------------------------------------------

GOOD_GROUPS = [
    "X25519", "x25519", "P-256", "prime256v1", "secp256r1", "X448", "x448", "P-384",
    "secp384r1", "P-521", "secp521r1", "ffdhe2048", "ffdhe8192",
    "X25519: P-256 :ffdhe3072", "secp521r1:X448:P-384:ffdhe4096:ffdhe6144",
]  # fmt: skip


@pytest.mark.parametrize("spec", GOOD_GROUPS)
def test_groups_in_client_hello(spec: str) -> None:
    hello = client_hello("-groups", spec)
    assert hello.groups == conf.offered_groups(conf.group_list(spec))


# The binary curves, secp160*, secp192k1 and secp224k1 are refused by sclient
# (cryptography lacks them; docs/compatibility.md), so they are not here.
LEGACY_GROUPS = [
    ("secp192r1:P-224:secp256k1:brainpoolP512r1:X25519", "0"),
    ("brainpoolP256r1:prime192v1:X25519", "1"),
    ("brainpoolP384r1:secp224r1:X448:P-521", "4"),
]


@pytest.mark.parametrize(("spec", "level"), LEGACY_GROUPS)
def test_legacy_groups_in_tls12_client_hello(spec: str, level: str) -> None:
    codes = conf.group_list(spec)
    hello = client_hello(
        "-groups", spec, "-max_protocol", "TLSv1.2", "-cipher", f"DEFAULT:@SECLEVEL={level}"
    )
    assert hello.groups == conf.offered_groups(
        codes, seclevel=int(level), max_version=conf.TLS1_2_VERSION
    )


def test_default_groups_without_tls13() -> None:
    hello = client_hello("-max_protocol", "TLSv1.2")
    assert hello.groups == conf.offered_groups(
        registry_groups.DEFAULT_GROUPS, max_version=conf.TLS1_2_VERSION
    )
    assert hello.groups == (0x1D, 0x17, 0x1E, 0x19, 0x18)


BAD_GROUPS = [
    ("-groups", "bogus"), ("-curves", "bogus"), ("-groups", "X25519:bogus"), ("-groups", "p-256"),
    ("-groups", "SECP256R1"), ("-groups", "FFDHE2048"), ("-groups", ""), ("-groups", "X25519:"),
    ("-groups", "X25519::P-256"), ("-groups", "X25519:X25519"), ("-groups", "x25519:X25519"),
    ("-groups", "prime256v1:P-256"), ("-groups", "X9.62 prime256v1"),
    ("-groups", "brainpoolP256r1tls13"), ("-groups", "a" * 63), ("-groups", "a" * 64),
    ("-curves", "P-256:nope"),
]  # fmt: skip


@pytest.mark.parametrize(("option", "spec"), BAD_GROUPS)
def test_group_errors(option: str, spec: str) -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.group_list(spec, option=option)
    _same_error(info.value, s_client_conf_error(option, spec))


# --- -sigalgs / -client_sigalgs --------------------------------------------------

GOOD_SIGALGS = [
    "RSA+SHA256", "ECDSA+SHA384", "RSA-PSS+SHA256", "PSS+SHA512", "rsa_pss_pss_sha256",
    "ed25519", "ed448", "rsa_pkcs1_sha256", "ecdsa_secp256r1_sha256", "RSA+sha256",
    "SHA256+RSA", "DSA+SHA256", "ECDSA+SHA224", "rsa_pkcs1_sha224", "ECDSA+sha512",
    "RSA+SHA1:RSA+SHA224:RSA+SHA256", "RSA+SHA256: ECDSA+SHA256 ",
    "ECDSA+SHA256:ed25519:RSA-PSS+SHA256:rsa_pss_pss_sha256:rsa_pss_rsae_sha512:DSA+SHA512",
]  # fmt: skip


@pytest.mark.parametrize("spec", GOOD_SIGALGS)
def test_sigalgs_in_client_hello(spec: str) -> None:
    codes = conf.sigalg_list(spec)
    hello = client_hello("-sigalgs", spec)
    assert hello.sigalgs == conf.offered_sigalgs(codes)
    # ssl_set_sig_mask: suites whose authentication no listed scheme serves go.
    assert hello.suites[3:-1] == conf.cipher_list("DEFAULT", sigalgs=codes)


def test_sha1_sigalgs_at_level_0() -> None:
    spec = "RSA+SHA1:ECDSA+SHA1:DSA+SHA1:RSA+SHA256"
    codes = conf.sigalg_list(spec)
    hello = client_hello("-sigalgs", spec, "-cipher", "DEFAULT:@SECLEVEL=0")
    assert hello.sigalgs == conf.offered_sigalgs(codes, seclevel=0) == codes


def test_default_sigalgs_tls13_only() -> None:
    hello = client_hello("-min_protocol", "TLSv1.3")
    assert hello.sigalgs == conf.offered_sigalgs(min_version=conf.TLS1_3_VERSION)


BAD_SIGALGS = [
    ("-sigalgs", "bogus"), ("-client_sigalgs", "bogus"), ("-sigalgs", "ED25519"),
    ("-sigalgs", "Ed25519"), ("-sigalgs", "rsa+SHA256"), ("-sigalgs", "ecdsa_sha1"),
    ("-sigalgs", "dsa_sha256"), ("-sigalgs", "ecdsa_sha224"), ("-sigalgs", "RSA+MD5"),
    ("-sigalgs", "RSA-PSS+SHA1"), ("-sigalgs", "RSA+SHA256:RSA+SHA256"),
    ("-sigalgs", "RSA+SHA256:rsa_pkcs1_sha256"), ("-sigalgs", "RSA+"), ("-sigalgs", "+SHA256"),
    ("-sigalgs", "RSA+SHA256+SHA384"), ("-sigalgs", "RSA+RSA"), ("-sigalgs", "RSA+sha-256"),
    ("-sigalgs", "RSA+SHA256:"), ("-sigalgs", ""), ("-sigalgs", "ecdsa_brainpoolP256r1_sha256"),
    ("-sigalgs", "RSA+SHA256" + "a" * 30), ("-client_sigalgs", "RSA+SHA3-256"),
]  # fmt: skip


@pytest.mark.parametrize(("option", "spec"), BAD_SIGALGS)
def test_sigalg_errors(option: str, spec: str) -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.sigalg_list(spec, option=option)
    _same_error(info.value, s_client_conf_error(option, spec))


# --- -min_protocol / -max_protocol -------------------------------------------------


@pytest.mark.parametrize("option", ["-min_protocol", "-max_protocol"])
@pytest.mark.parametrize(
    "value", ["TLSv9", "tlsv1.2", "", "TLSv1.0", "SSLv2", "none", "TLS1.2", "DTLSv1.0"]
)
def test_protocol_errors(option: str, value: str) -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.protocol_version(option, value)
    _same_error(info.value, s_client_conf_error(option, value))


@pytest.mark.parametrize("option", ["-min_protocol", "-max_protocol"])
@pytest.mark.parametrize("value", list(conf.PROTOCOL_VALUES))
def test_protocol_values_accepted(option: str, value: str) -> None:
    conf.protocol_version(option, value)
    assert s_client_conf_error(option, value) == []


def test_dtls_bound_is_ignored_by_tls_client() -> None:
    hello = client_hello("-min_protocol", "DTLSv1")
    assert conf.protocol_version("-min_protocol", "DTLSv1") is None
    assert hello.suites[:3] == DEFAULT_TLS13
    assert hello.suites[3:-1] == conf.DEFAULT_CIPHER_LIST
