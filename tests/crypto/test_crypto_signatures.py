"""SignatureScheme sign/verify with fresh keys, scheme/key mismatches, the
TLS 1.3 restrictions, and tampering."""

from __future__ import annotations

import functools

import pytest
from cryptography.hazmat.primitives import hashes as chashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from sclient.tls.crypto.errors import BadSignature, SchemeMismatch
from sclient.tls.crypto.signatures import (
    SIGNATURE_SCHEMES,
    TLS13_SCHEMES,
    scheme_info,
    sign_scheme,
    tls12_server_key_exchange_input,
    tls13_certificate_verify_input,
    verify_scheme,
)


@functools.cache
def _key(kind: str) -> PrivateKeyTypes:
    if kind == "rsa":
        return rsa.generate_private_key(65537, 2048)
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    if kind == "p521":
        return ec.generate_private_key(ec.SECP521R1())
    if kind == "bp256":
        return ec.generate_private_key(ec.BrainpoolP256R1())
    if kind == "bp384":
        return ec.generate_private_key(ec.BrainpoolP384R1())
    if kind == "bp512":
        return ec.generate_private_key(ec.BrainpoolP512R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "ed448":
        return ed448.Ed448PrivateKey.generate()
    if kind == "dsa":
        return dsa.generate_private_key(2048)
    raise AssertionError(kind)


# scheme -> key kind to sign with
SCHEME_KEYS: dict[int, str] = {
    0x0201: "rsa",
    0x0301: "rsa",
    0x0401: "rsa",
    0x0501: "rsa",
    0x0601: "rsa",
    0x0804: "rsa",
    0x0805: "rsa",
    0x0806: "rsa",
    0x10000: "rsa",  # TLS 1.0/1.1: MD5 and SHA-1, no DigestInfo
    0x0809: "rsa",
    0x080A: "rsa",
    0x080B: "rsa",
    0x0203: "p256",
    0x0303: "p256",
    0x0403: "p256",
    0x0503: "p384",
    0x0603: "p521",
    0x081A: "bp256",
    0x081B: "bp384",
    0x081C: "bp512",
    0x0807: "ed25519",
    0x0808: "ed448",
    0x0202: "dsa",
    0x0302: "dsa",
    0x0402: "dsa",
    0x0502: "dsa",
    0x0602: "dsa",
}
DATA = b"\x20" * 64 + b"TLS 1.3, server CertificateVerify\x00" + bytes(range(32))


def test_table_covers_all_schemes() -> None:
    assert set(SCHEME_KEYS) == set(SIGNATURE_SCHEMES)
    assert {
        0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808,
        0x0809, 0x080A, 0x080B, 0x081A, 0x081B, 0x081C,
    } == TLS13_SCHEMES  # fmt: skip
    assert scheme_info(0x0804).name == "rsa_pss_rsae_sha256"
    assert scheme_info(0x0804).hash == "sha256"
    with pytest.raises(SchemeMismatch):
        scheme_info(0x1234)


@pytest.mark.parametrize("scheme", sorted(SCHEME_KEYS), ids=lambda s: SIGNATURE_SCHEMES[s].name)
def test_sign_verify_round_trip(scheme: int) -> None:
    key = _key(SCHEME_KEYS[scheme])
    sig = sign_scheme(scheme, key, DATA)
    pub = key.public_key()
    verify_scheme(scheme, pub, DATA, sig)
    if scheme in TLS13_SCHEMES:
        verify_scheme(scheme, pub, DATA, sig, tls13=True)
    # Tampered signature or data.
    bad_sig = bytearray(sig)
    bad_sig[len(bad_sig) // 2] ^= 0x01
    with pytest.raises(BadSignature):
        verify_scheme(scheme, pub, DATA, bytes(bad_sig))
    with pytest.raises(BadSignature):
        verify_scheme(scheme, pub, DATA + b"x", sig)
    with pytest.raises(BadSignature):
        verify_scheme(scheme, pub, DATA, b"")


def test_pss_uses_digest_length_salt_and_same_mgf_hash() -> None:
    key = _key("rsa")
    assert isinstance(key, rsa.RSAPrivateKey)
    for scheme, alg in (
        (0x0804, chashes.SHA256()),
        (0x0805, chashes.SHA384()),
        (0x0806, chashes.SHA512()),
    ):
        sig = sign_scheme(scheme, key, DATA)
        key.public_key().verify(sig, DATA, padding.PSS(padding.MGF1(alg), alg.digest_size), alg)
        # A PSS signature with another salt length is refused.
        other = key.sign(DATA, padding.PSS(padding.MGF1(alg), alg.digest_size + 1), alg)
        with pytest.raises(BadSignature):
            verify_scheme(scheme, key.public_key(), DATA, other)
        # So is one whose MGF1 hash differs.
        other = key.sign(DATA, padding.PSS(padding.MGF1(chashes.SHA1()), alg.digest_size), alg)
        with pytest.raises(BadSignature):
            verify_scheme(scheme, key.public_key(), DATA, other)


def test_pkcs1_is_not_pss() -> None:
    key = _key("rsa")
    sig = sign_scheme(0x0401, key, DATA)
    with pytest.raises(BadSignature):
        verify_scheme(0x0804, key.public_key(), DATA, sig)


@pytest.mark.parametrize(
    ("scheme", "kind"),
    [
        (0x0403, "rsa"),
        (0x0804, "p256"),
        (0x0401, "ed25519"),
        (0x0807, "ed448"),
        (0x0808, "ed25519"),
        (0x0807, "p256"),
        (0x0402, "rsa"),
        (0x0403, "dsa"),
        (0x081A, "p256"),  # brainpool code points are always curve-bound
    ],
)
def test_key_type_mismatch(scheme: int, kind: str) -> None:
    key = _key(kind)
    other = SCHEME_KEYS[scheme]
    sig = sign_scheme(scheme, _key(other), DATA)
    with pytest.raises(SchemeMismatch):
        verify_scheme(scheme, key.public_key(), DATA, sig)
    with pytest.raises(SchemeMismatch):
        sign_scheme(scheme, key, DATA)


def test_tls13_curve_binding() -> None:
    # In TLS 1.2, ecdsa_secp256r1_sha256 just means ECDSA with SHA-256.
    key = _key("p384")
    sig = sign_scheme(0x0403, key, DATA)
    pub = key.public_key()
    verify_scheme(0x0403, pub, DATA, sig)
    with pytest.raises(SchemeMismatch):
        verify_scheme(0x0403, pub, DATA, sig, tls13=True)
    with pytest.raises(SchemeMismatch):
        sign_scheme(0x0403, key, DATA, tls13=True)


@pytest.mark.parametrize("scheme", [0x0201, 0x0401, 0x0501, 0x0601, 0x0203, 0x0303, 0x0301, 0x0402])
def test_tls13_forbidden_schemes(scheme: int) -> None:
    key = _key(SCHEME_KEYS[scheme])
    sig = sign_scheme(scheme, key, DATA)
    with pytest.raises(SchemeMismatch):
        verify_scheme(scheme, key.public_key(), DATA, sig, tls13=True)


def test_rsa_pss_key_kind() -> None:
    key = _key("rsa")
    pub = key.public_key()
    sig = sign_scheme(0x0804, key, DATA)
    verify_scheme(0x0804, pub, DATA, sig, rsa_pss_key=False)
    verify_scheme(0x0809, pub, DATA, sig, rsa_pss_key=True)  # same algorithm, PSS-keyed cert
    with pytest.raises(SchemeMismatch):
        verify_scheme(0x0804, pub, DATA, sig, rsa_pss_key=True)
    with pytest.raises(SchemeMismatch):
        verify_scheme(0x0809, pub, DATA, sig, rsa_pss_key=False)


def test_unknown_scheme() -> None:
    with pytest.raises(SchemeMismatch):
        verify_scheme(0x0999, _key("rsa").public_key(), DATA, b"sig")


def test_certificate_verify_input() -> None:
    th = bytes(range(48))
    s = tls13_certificate_verify_input(th, server=True)
    c = tls13_certificate_verify_input(th, server=False)
    assert s == b" " * 64 + b"TLS 1.3, server CertificateVerify" + b"\x00" + th
    assert c == b" " * 64 + b"TLS 1.3, client CertificateVerify" + b"\x00" + th
    assert tls12_server_key_exchange_input(b"c" * 32, b"s" * 32, b"params") == (
        b"c" * 32 + b"s" * 32 + b"params"
    )


def test_md5_sha1_signature_is_bare_pkcs1() -> None:
    """TLS 1.0/1.1 RSA: PKCS#1 v1.5 type 1 over the 36 digest bytes, no
    DigestInfo (RFC 4346 section 7.4.3), both ways; SSL 3.0's prehashed form too."""
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from sclient.tls.crypto import hashes
    from sclient.tls.crypto.signatures import sign_digests

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sig = sign_scheme(0x10000, key, b"data")
    got = key.public_key().recover_data_from_signature(sig, padding.PKCS1v15(), None)
    assert got == hashes.digest("md5", b"data") + hashes.digest("sha1", b"data")
    verify_scheme(0x10000, key.public_key(), b"data", sig)
    with pytest.raises(BadSignature):
        verify_scheme(0x10000, key.public_key(), b"datA", sig)
    digests = bytes(range(36))
    sig = sign_digests(0x10000, key, digests)
    assert key.public_key().recover_data_from_signature(sig, padding.PKCS1v15(), None) == digests
