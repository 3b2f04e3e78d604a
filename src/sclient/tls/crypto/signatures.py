"""TLS SignatureScheme verification and signing (RFC 8446 section 4.2.3,
RFC 5246 section 7.4.1.4.1 code points), on ``cryptography``'s keys.

The scheme must fit the key: an ECDSA scheme needs an EC key, rsa_* an RSA
key, and so on; otherwise :class:`SchemeMismatch` (a :class:`BadSignature`)
is raised. With ``tls13=True`` the TLS 1.3 rules apply as well: ECDSA schemes
are bound to their curve, and rsa_pkcs1_*, SHA-1, SHA-224 and DSA schemes are
refused. RSASSA-PSS-keyed certificates (OID id-RSASSA-PSS) come out of
``cryptography`` as ordinary RSA public keys, so the rsae/pss distinction can
only be enforced if the caller says which kind of key it is
(``rsa_pss_key``, from the certificate's SubjectPublicKeyInfo algorithm).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes as _hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, utils

from sclient.base.pyca import ecdsa, key_kind
from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import BadSignature, SchemeMismatch

if TYPE_CHECKING:
    # RSA's key and padding modules (with the key types' union, which names every
    # kind of key) are imported where an RSA scheme is used: a connection to
    # an ECDSA server has no use for them.
    # DSA is deprecated in cryptography: its classes are named only for the
    # type checker (touching them at run time warns; see sclient.base.pyca).
    from cryptography.hazmat.primitives.asymmetric import dsa, padding
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

__all__ = [
    "RSA_PKCS1_MD5_SHA1",
    "SIGNATURE_SCHEMES",
    "TLS13_SCHEMES",
    "SchemeInfo",
    "scheme_info",
    "sign_digests",
    "sign_scheme",
    "tls12_server_key_exchange_input",
    "tls13_certificate_verify_input",
    "verify_scheme",
]

#: The TLS 1.0/1.1 RSA signature (not a wire code point; see
#: ``sclient.tls.registry.sigschemes.RSA_PKCS1_MD5_SHA1``).
RSA_PKCS1_MD5_SHA1 = 0x10000

SchemeKind = Literal["rsa_pkcs1", "rsa_pss_rsae", "rsa_pss_pss", "ecdsa", "ed25519", "ed448", "dsa"]


#: What a SignatureScheme code point means.
#: (The call form, with the types themselves: the class form's annotations are
#: strings here, which ``NamedTuple`` compiles one by one, and a run's first
#: ``compile()`` costs some 10 M instructions.)
SchemeInfo = NamedTuple(  # noqa: UP014
    "SchemeInfo",
    [
        ("name", str),
        ("kind", SchemeKind),
        # Hash name (``None`` for EdDSA).
        ("hash", str | None),
        # Curve the scheme is bound to in TLS 1.3 (always, for the brainpool
        # TLS 1.3 code points); ``None`` if unbound.
        ("curve", type[ec.EllipticCurve] | None),
        # Allowed in a TLS 1.3 CertificateVerify.
        ("tls13", bool),
    ],
)


def _s(
    name: str,
    kind: SchemeKind,
    hash_name: str | None,
    curve: type[ec.EllipticCurve] | None = None,
    tls13: bool = False,
) -> SchemeInfo:
    return SchemeInfo(name, kind, hash_name, curve, tls13)


SIGNATURE_SCHEMES: dict[int, SchemeInfo] = {
    0x0201: _s("rsa_pkcs1_sha1", "rsa_pkcs1", "sha1"),
    # TLS 1.0/1.1: PKCS#1 v1.5 over MD5 || SHA-1, no DigestInfo (an internal code).
    RSA_PKCS1_MD5_SHA1: _s("rsa_pkcs1_md5_sha1", "rsa_pkcs1", hashes.MD5_SHA1),
    0x0301: _s("rsa_pkcs1_sha224", "rsa_pkcs1", "sha224"),
    0x0401: _s("rsa_pkcs1_sha256", "rsa_pkcs1", "sha256"),
    0x0501: _s("rsa_pkcs1_sha384", "rsa_pkcs1", "sha384"),
    0x0601: _s("rsa_pkcs1_sha512", "rsa_pkcs1", "sha512"),
    0x0202: _s("dsa_sha1", "dsa", "sha1"),
    0x0302: _s("dsa_sha224", "dsa", "sha224"),
    0x0402: _s("dsa_sha256", "dsa", "sha256"),
    0x0502: _s("dsa_sha384", "dsa", "sha384"),
    0x0602: _s("dsa_sha512", "dsa", "sha512"),
    0x0203: _s("ecdsa_sha1", "ecdsa", "sha1"),
    0x0303: _s("ecdsa_sha224", "ecdsa", "sha224"),
    0x0403: _s("ecdsa_secp256r1_sha256", "ecdsa", "sha256", ec.SECP256R1, True),
    0x0503: _s("ecdsa_secp384r1_sha384", "ecdsa", "sha384", ec.SECP384R1, True),
    0x0603: _s("ecdsa_secp521r1_sha512", "ecdsa", "sha512", ec.SECP521R1, True),
    0x0804: _s("rsa_pss_rsae_sha256", "rsa_pss_rsae", "sha256", tls13=True),
    0x0805: _s("rsa_pss_rsae_sha384", "rsa_pss_rsae", "sha384", tls13=True),
    0x0806: _s("rsa_pss_rsae_sha512", "rsa_pss_rsae", "sha512", tls13=True),
    0x0807: _s("ed25519", "ed25519", None, tls13=True),
    0x0808: _s("ed448", "ed448", None, tls13=True),
    0x0809: _s("rsa_pss_pss_sha256", "rsa_pss_pss", "sha256", tls13=True),
    0x080A: _s("rsa_pss_pss_sha384", "rsa_pss_pss", "sha384", tls13=True),
    0x080B: _s("rsa_pss_pss_sha512", "rsa_pss_pss", "sha512", tls13=True),
    # RFC 8734: brainpool curves, TLS 1.3 code points (curve-bound).
    0x081A: _s("ecdsa_brainpoolP256r1tls13_sha256", "ecdsa", "sha256", ec.BrainpoolP256R1, True),
    0x081B: _s("ecdsa_brainpoolP384r1tls13_sha384", "ecdsa", "sha384", ec.BrainpoolP384R1, True),
    0x081C: _s("ecdsa_brainpoolP512r1tls13_sha512", "ecdsa", "sha512", ec.BrainpoolP512R1, True),
}
#: Code points usable in a TLS 1.3 CertificateVerify.
TLS13_SCHEMES: frozenset[int] = frozenset(k for k, v in SIGNATURE_SCHEMES.items() if v.tls13)
_BRAINPOOL_TLS13 = frozenset((0x081A, 0x081B, 0x081C))


def scheme_info(scheme: int) -> SchemeInfo:
    """The table row of ``scheme``; :class:`SchemeMismatch` if unknown."""
    try:
        return SIGNATURE_SCHEMES[scheme]
    except KeyError:
        raise SchemeMismatch(f"unknown signature scheme 0x{scheme:04x}") from None


def _check(
    scheme: int, info: SchemeInfo, key: object, tls13: bool, rsa_pss_key: bool | None
) -> None:
    """Raise SchemeMismatch unless ``key`` (public or private) fits ``scheme``."""
    if tls13 and not info.tls13:
        raise SchemeMismatch(f"{info.name} is not allowed in TLS 1.3")
    kind = info.kind
    if kind in ("rsa_pkcs1", "rsa_pss_rsae", "rsa_pss_pss"):
        from cryptography.hazmat.primitives.asymmetric import rsa

        ok = isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey)
        if ok and rsa_pss_key is not None:
            if kind == "rsa_pss_pss":
                ok = rsa_pss_key
            else:
                ok = not rsa_pss_key
    elif kind == "ecdsa":
        ok = isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey)
        if ok and info.curve is not None and (tls13 or scheme in _BRAINPOOL_TLS13):
            assert isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey)
            ok = isinstance(key.curve, info.curve)
    elif kind == "ed25519":
        ok = isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey)
    elif kind == "ed448":
        ok = isinstance(key, ed448.Ed448PublicKey | ed448.Ed448PrivateKey)
    else:
        ok = key_kind(key) == "dsa"
    if not ok:
        raise SchemeMismatch(f"{info.name} does not match a {type(key).__name__}")


def _pss(hash_name: str) -> padding.PSS:
    # RFC 8446 section 4.2.3: MGF1 with the same hash, salt length = digest length.
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PSS(
        mgf=padding.MGF1(hashes.algorithm(hash_name)), salt_length=hashes.hash_len(hash_name)
    )


def verify_scheme(
    scheme: int,
    public_key: PublicKeyTypes,
    data: bytes,
    signature: bytes,
    tls13: bool = False,
    rsa_pss_key: bool | None = None,
) -> None:
    """Verify ``signature`` over ``data`` (the message itself, not its hash).

    Raises :class:`BadSignature` if it does not verify, :class:`SchemeMismatch`
    (a subclass) if the scheme is unknown, forbidden (``tls13``) or does not
    fit the key. ``rsa_pss_key``: ``True`` if the certificate key is an
    RSASSA-PSS key, ``False`` if rsaEncryption, ``None`` to not check.
    """
    info = scheme_info(scheme)
    _check(scheme, info, public_key, tls13, rsa_pss_key)
    kind = info.kind
    try:
        if kind == "ed25519":
            assert isinstance(public_key, ed25519.Ed25519PublicKey)
            public_key.verify(signature, data)
            return
        if kind == "ed448":
            assert isinstance(public_key, ed448.Ed448PublicKey)
            public_key.verify(signature, data)
            return
        assert info.hash is not None
        if info.hash == hashes.MD5_SHA1:
            from cryptography.hazmat.primitives.asymmetric import padding, rsa

            assert isinstance(public_key, rsa.RSAPublicKey)
            # No DigestInfo: the recovered block is the 36 digest bytes themselves.
            got = public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
            if not hashes.equal(got, hashes.digest(hashes.MD5_SHA1, data)):
                raise InvalidSignature
            return
        alg = hashes.algorithm(info.hash)
        if kind == "ecdsa":
            assert isinstance(public_key, ec.EllipticCurvePublicKey)
            public_key.verify(signature, data, ecdsa(alg))
        elif kind == "dsa":
            cast("dsa.DSAPublicKey", public_key).verify(signature, data, alg)
        else:
            from cryptography.hazmat.primitives.asymmetric import padding, rsa

            assert isinstance(public_key, rsa.RSAPublicKey)
            pad = padding.PKCS1v15() if kind == "rsa_pkcs1" else _pss(info.hash)
            public_key.verify(signature, data, pad, alg)
    except InvalidSignature:
        raise BadSignature(f"{info.name} signature does not verify") from None
    except (ValueError, TypeError) as e:  # e.g. a key too small for the hash
        raise BadSignature(f"{info.name} signature rejected: {e}") from None


def sign_scheme(
    scheme: int, private_key: PrivateKeyTypes, data: bytes, tls13: bool = False
) -> bytes:
    """Sign ``data`` with ``scheme`` (client authentication).

    Raises :class:`SchemeMismatch` if the scheme does not fit the key."""
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    info = scheme_info(scheme)
    _check(scheme, info, private_key, tls13, None)
    kind = info.kind
    if kind == "ed25519":
        assert isinstance(private_key, ed25519.Ed25519PrivateKey)
        return private_key.sign(data)
    if kind == "ed448":
        assert isinstance(private_key, ed448.Ed448PrivateKey)
        return private_key.sign(data)
    assert info.hash is not None
    if info.hash == hashes.MD5_SHA1:
        assert isinstance(private_key, rsa.RSAPrivateKey)
        digest = hashes.digest(hashes.MD5_SHA1, data)
        return private_key.sign(digest, padding.PKCS1v15(), utils.Prehashed(_Md5Sha1()))
    alg = hashes.algorithm(info.hash)
    if kind == "ecdsa":
        assert isinstance(private_key, ec.EllipticCurvePrivateKey)
        return private_key.sign(data, ecdsa(alg))
    if kind == "dsa":
        return cast("dsa.DSAPrivateKey", private_key).sign(data, alg)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    pad = padding.PKCS1v15() if kind == "rsa_pkcs1" else _pss(info.hash)
    return private_key.sign(data, pad, alg)


class _Md5Sha1(_hashes.HashAlgorithm):
    """Names OpenSSL's ``MD5-SHA1`` digest for a prehashed PKCS#1 v1.5
    signature: ``cryptography`` looks the digest up by this name, and OpenSSL
    signs the 36 bytes without a DigestInfo, as TLS 1.0/1.1 want. It hashes
    nothing itself (the digests come from :func:`hashes.digest`)."""

    name = "md5-sha1"
    digest_size = 36
    block_size = 64


def sign_digests(scheme: int, private_key: PrivateKeyTypes, md5_sha1: bytes) -> bytes:
    """Sign hashes computed elsewhere (SSL 3.0's CertificateVerify): an RSA
    key (``rsa_pkcs1_md5_sha1``) signs all 36 bytes of MD5 and SHA-1, a DSA
    or ECDSA key (their SHA-1 schemes) the 20 bytes of SHA-1."""
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    info = scheme_info(scheme)
    _check(scheme, info, private_key, False, None)
    if len(md5_sha1) != 36:
        raise SchemeMismatch("MD5 and SHA-1 digests expected")
    if info.hash == hashes.MD5_SHA1:
        assert isinstance(private_key, rsa.RSAPrivateKey)
        return private_key.sign(md5_sha1, padding.PKCS1v15(), utils.Prehashed(_Md5Sha1()))
    if info.hash != "sha1":
        raise SchemeMismatch(f"{info.name} cannot sign SSL 3.0 digests")
    prehashed = utils.Prehashed(hashes.algorithm("sha1"))
    if info.kind == "ecdsa":
        assert isinstance(private_key, ec.EllipticCurvePrivateKey)
        return private_key.sign(md5_sha1[16:], ecdsa(prehashed))
    return cast("dsa.DSAPrivateKey", private_key).sign(md5_sha1[16:], prehashed)


_CV_SERVER = b" " * 64 + b"TLS 1.3, server CertificateVerify\x00"
_CV_CLIENT = b" " * 64 + b"TLS 1.3, client CertificateVerify\x00"


def tls13_certificate_verify_input(transcript_hash: bytes, server: bool) -> bytes:
    """The content a TLS 1.3 CertificateVerify signs (RFC 8446 section 4.4.3):
    64 spaces, the context string, a zero byte, the transcript hash."""
    return (_CV_SERVER if server else _CV_CLIENT) + transcript_hash


def tls12_server_key_exchange_input(
    client_random: bytes, server_random: bytes, params: bytes
) -> bytes:
    """What a TLS 1.2 ServerKeyExchange signs: client_random + server_random +
    the encoded ServerDHParams / ServerECDHParams (RFC 5246 7.4.3, RFC 8422 5.4)."""
    return client_random + server_random + params
