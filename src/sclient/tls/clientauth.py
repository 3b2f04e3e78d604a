"""Client authentication: which certificate and signature scheme answer a
CertificateRequest, the way OpenSSL 3.0's ``tls_choose_sigalg`` decides
for a client, and the Certificate/CertificateVerify messages.

The candidates are the server's ``signature_algorithms`` in the server's
order, kept only if ours allow them (``-client_sigalgs`` when given, else
``-sigalgs``/the default list: ``tls1_set_shared_sigalgs`` with
``tls12_get_psigalgs(s, 0)``). TLS 1.3 (``find_sig_alg``): the first
candidate that is a TLS 1.3 scheme and fits one of our keys (ECDSA schemes
bound to the key's curve; rsa_pss_rsae for an rsaEncryption key,
rsa_pss_pss for an RSASSA-PSS key; an RSA key large enough for the PSS
hash). TLS 1.2: the first candidate whose key type is that of our
certificate (any curve for ECDSA). Nothing fits: an empty Certificate.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from sclient.tls import events as ev
from sclient.tls.config import ClientConfig, ClientCredential
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto import hashes
from sclient.tls.crypto.signatures import SIGNATURE_SCHEMES, sign_scheme
from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts
from sclient.tls.structs import struct

__all__ = ["Choice", "choose", "shared_schemes", "sign"]

_CURVES: dict[type[ec.EllipticCurve], int] = {
    ec.SECP256R1: 0x0403,
    ec.SECP384R1: 0x0503,
    ec.SECP521R1: 0x0603,
}


@struct(frozen=True, slots=True)
class Choice:
    credential: ClientCredential
    scheme: int


def shared_schemes(config: ClientConfig, peer: Sequence[int]) -> list[int]:
    """The server's list filtered by ours, in the server's order."""
    ours = config.client_signature_schemes
    if ours is None:
        ours = config.signature_schemes
    allowed = set(ours)
    out: list[int] = []
    for s in peer:
        info = SIGNATURE_SCHEMES.get(s)
        # ssl_security: SHA-1 (64 bits) is below security level 2.
        if s in allowed and info is not None and info.hash != "sha1" and s not in out:
            out.append(s)
    return out


def _key_kind(key: object, rsa_pss: bool) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "rsa_pss_pss" if rsa_pss else "rsa"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ecdsa"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, ed448.Ed448PrivateKey):
        return "ed448"
    if isinstance(key, dsa.DSAPrivateKey):
        return "dsa"
    return "?"


def _pss_size_ok(key: object, hash_name: str | None) -> bool:
    """``rsa_pss_check_min_key_size``: modulus bytes >= 2 * digest + 2."""
    if not isinstance(key, rsa.RSAPrivateKey) or hash_name is None:
        return True
    return (key.key_size + 7) // 8 >= 2 * hashes.hash_len(hash_name) + 2


def _fits(scheme: int, cred: ClientCredential, tls13: bool) -> bool:
    info = SIGNATURE_SCHEMES[scheme]
    kind = _key_kind(cred.key, cred.rsa_pss)
    if info.kind == "rsa_pss_pss":
        return kind == "rsa_pss_pss" and _pss_size_ok(cred.key, info.hash)
    if info.kind == "rsa_pss_rsae":
        return kind == "rsa" and _pss_size_ok(cred.key, info.hash)
    if info.kind == "rsa_pkcs1":
        return kind == "rsa" and not tls13
    if info.kind == "ecdsa":
        if kind != "ecdsa":
            return False
        if tls13:
            assert isinstance(cred.key, ec.EllipticCurvePrivateKey)
            return _CURVES.get(type(cred.key.curve)) == scheme
        return True
    if info.kind == "dsa":
        return kind == "dsa" and not tls13
    return kind == info.kind


def choose(config: ClientConfig, peer_schemes: Sequence[int], tls13: bool) -> Choice | None:
    """The credential and scheme OpenSSL would use, or None (send no certificate)."""
    if not config.credentials:
        return None
    for scheme in shared_schemes(config, peer_schemes):
        info = SIGNATURE_SCHEMES[scheme]
        if tls13 and not info.tls13:
            continue
        creds = config.credentials if tls13 else config.credentials[:1]
        for cred in creds:
            if _fits(scheme, cred, tls13):
                return Choice(cred, scheme)
    return None


def sign(choice: Choice, data: bytes, tls13: bool) -> bytes:
    try:
        return sign_scheme(choice.scheme, choice.credential.key, data, tls13)  # type: ignore[arg-type]
    except (cerr.CryptoError, ValueError, TypeError) as e:
        raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", f"signing failed: {e}") from None


def sent_event(choice: Choice | None, post_handshake: bool = False) -> ev.ClientCertificateSent:
    if choice is None:
        return ev.ClientCertificateSent((), None, post_handshake)
    return ev.ClientCertificateSent(choice.credential.chain, choice.scheme, post_handshake)
