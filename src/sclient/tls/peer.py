"""Checks on what the server proves about itself: its certificate chain and
its signatures, with OpenSSL 3.0's alerts and reasons.

``process_certificates`` mirrors ``tls_process_server_certificate`` and
``tls_post_process_server_certificate``; ``check_peer_sigalg`` mirrors
``tls12_check_peer_sigalg`` (used for the TLS 1.3 CertificateVerify and the
TLS 1.2 ServerKeyExchange alike); ``verify_signature`` maps the crypto
layer's exceptions to ``decrypt_error`` "bad signature".
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from sclient.base import der as der_codec
from sclient.base.pyca import allow, key_kind
from sclient.base.spki import light_public_key, spki_of
from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto.signatures import verify_scheme
from sclient.tls.errors import DecodeError, LocalError
from sclient.tls.policy import security_level_bits
from sclient.tls.registry import alerts, sigschemes
from sclient.tls.registry.suites import CipherSuite

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

    from sclient.tls.states import Handshake

__all__ = [
    "PeerKey",
    "check_peer_sigalg",
    "distinguished_name_length",
    "process_certificates",
    "status_callback",
    "take_status",
    "verify_signature",
]

_RSA_PSS_OID = "1.2.840.113549.1.1.10"
_CURVES = {
    "secp192r1": 0x0013,
    "secp224r1": 0x0015,
    "secp256k1": 0x0016,
    "secp256r1": 0x0017,
    "secp384r1": 0x0018,
    "secp521r1": 0x0019,
    "brainpoolP256r1": 0x001A,
    "brainpoolP384r1": 0x001B,
    "brainpoolP512r1": 0x001C,
}


class PeerKey(Struct, frozen=True, slots=True):
    """The leaf certificate's public key and OpenSSL's name for its type."""

    key: PublicKeyTypes
    #: "rsa", "rsa-pss", "ec", "ed25519", "ed448", "dsa"
    kind: str
    #: NamedGroup code of an EC key's curve (None otherwise or if unknown).
    curve: int | None = None


def _sequence_length(data: bytes) -> int | None:
    """The encoded length (header included) of the DER SEQUENCE ``data`` starts
    with, or None when no complete SEQUENCE starts there."""
    try:
        tlv, end = der_codec.read(data)
    except der_codec.DERError:
        return None
    return end if tlv.tag == 0x30 else None


def _check_entry(der: bytes) -> None:
    """tls_process_server_certificate on one entry: bytes that hold no
    certificate are bad_certificate "ASN1 lib"; a certificate followed by more
    bytes inside its entry is decode_error "cert length mismatch"."""
    n = _sequence_length(der)
    if n is None:
        raise LocalError(alerts.BAD_CERTIFICATE, "ASN1_LIB", "certificate does not parse")
    if n != len(der):
        raise DecodeError("bytes after the certificate in its entry", "CERT_LENGTH_MISMATCH")


#: How many leaf certificates' keys :func:`_peer_key` keeps.
PEER_KEY_CACHE_SIZE = 64


def _peer_key(leaf_der: bytes) -> PeerKey:
    """The leaf's key, made once for the same DER while among the last
    :data:`PEER_KEY_CACHE_SIZE` (a process making many connections meets the
    same server certificate each time; keys never change once made). A
    certificate whose key cannot be had raises every time."""
    if type(leaf_der) is not bytes:
        return _read_peer_key(leaf_der)
    return _cached_peer_key(leaf_der)


def _read_peer_key(leaf_der: bytes) -> PeerKey:
    spki = spki_of(leaf_der)
    key = light_public_key(spki) if spki is not None else None
    if key is None:
        return _peer_key_general(leaf_der)
    kind = key_kind(key)
    if kind == "ec":
        return PeerKey(key, "ec", _CURVES.get(key.curve.name))
    if kind in ("rsa", "ed25519", "ed448"):
        return PeerKey(key, kind)
    return _peer_key_general(leaf_der)


_cached_peer_key = functools.lru_cache(maxsize=PEER_KEY_CACHE_SIZE)(_read_peer_key)


def _peer_key_general(leaf_der: bytes) -> PeerKey:
    """Through ``cryptography``'s certificate loader: every key type it knows,
    and its verdict on a certificate that does not parse."""
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    try:
        with allow("serial"):
            cert = x509.load_der_x509_certificate(leaf_der)
    except (ValueError, x509.InvalidVersion) as e:
        raise LocalError(alerts.BAD_CERTIFICATE, "ASN1_LIB", f"certificate: {e}") from None
    try:
        with allow("dsa"):
            key = cert.public_key()
    except (ValueError, TypeError, NotImplementedError, UnsupportedAlgorithm) as e:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "UNKNOWN_CERTIFICATE_TYPE", str(e)) from None
    if isinstance(key, rsa.RSAPublicKey):
        try:
            pss = cert.public_key_algorithm_oid.dotted_string == _RSA_PSS_OID
        except ValueError:
            pss = False
        return PeerKey(key, "rsa-pss" if pss else "rsa")
    if isinstance(key, ec.EllipticCurvePublicKey):
        return PeerKey(key, "ec", _CURVES.get(key.curve.name))
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PeerKey(key, "ed25519")
    if isinstance(key, ed448.Ed448PublicKey):
        return PeerKey(key, "ed448")
    if key_kind(key) == "dsa":
        return PeerKey(key, "dsa")
    raise LocalError(alerts.ILLEGAL_PARAMETER, "UNKNOWN_CERTIFICATE_TYPE")


#: OpenSSL's certificate-type ``amask`` against a TLS <= 1.2 suite's ``Au=``.
_AUTH_KEYS: dict[str, frozenset[str]] = {
    "RSA": frozenset(("rsa", "rsa-pss")),
    "ECDSA": frozenset(("ec", "ed25519", "ed448")),
    "DSS": frozenset(("dsa",)),
}


def process_certificates(
    hs: Handshake, chain: tuple[bytes, ...], suite: CipherSuite | None
) -> PeerKey:
    """Report the chain, let the verifier judge it, return the leaf key.

    ``suite`` is the TLS <= 1.2 suite whose authentication must match the
    key type (None in TLS 1.3)."""
    if not chain:
        raise LocalError(alerts.DECODE_ERROR, "LENGTH_MISMATCH", "empty certificate list")
    for der in chain:
        _check_entry(der)
    peer = _peer_key(chain[0])
    hs.facts.peer_chain = chain
    hs.events.append(ev.PeerCertificates(chain))
    verdict = hs.config.verify_certificates(chain)
    hs.events.append(ev.CertificateVerified(chain, verdict))
    if verdict.alert is not None:
        raise LocalError(verdict.alert, "CERTIFICATE_VERIFY_FAILED")
    if suite is not None and not suits_suite(peer, suite):
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_CERTIFICATE_TYPE")
    return peer


def suits_suite(peer: PeerKey, suite: CipherSuite) -> bool:
    """The key can authenticate the TLS <= 1.2 ``suite`` (its ``Au=``; OpenSSL's
    ``amask`` of the key type), a certificate's or a raw public key."""
    allowed = _AUTH_KEYS.get(suite.au)
    return allowed is not None and peer.kind in allowed


def take_status(hs: Handshake, response: bytes) -> None:
    """tls_process_cert_status_body once the framing is read: keep the OCSP
    response. OpenSSL copies it into a buffer of its length, and its
    ``OPENSSL_malloc(0)`` fails: an empty response is an internal_error."""
    if not response:
        raise LocalError(alerts.INTERNAL_ERROR, "CERT_STATUS_MALLOC_FAILURE")
    hs.facts.ocsp_response = response


def status_callback(hs: Handshake) -> None:
    """The OCSP part of tls_process_initial_server_flight (``-status``): the
    status callback sees the stapled response, or none; its failure (the
    response does not parse) is bad_certificate_status_response."""
    if hs.config.status_request:
        response = hs.facts.ocsp_response
        verdict = hs.config.check_status(response)
        from sclient.tls import events_rare as evr

        hs.events.append(evr.CertificateStatusChecked(response, verdict))
        if verdict.alert is not None:
            raise LocalError(verdict.alert, "INVALID_STATUS_RESPONSE")
    if hs.config.sct_request:
        # ssl_validate_ct (s_client's permissive callback never fails)
        from sclient.tls import events_rare as evr

        hs.events.append(evr.SctsReceived(hs.facts.sct_list, hs.facts.ocsp_response))


def _lu_sig(s: sigschemes.SignatureScheme) -> str:
    """OpenSSL's signature algorithm of a scheme: RSA (PKCS#1), RSA_PSS (both
    rsae and pss), EC, ED25519, ED448, DSA."""
    if s.sig == "RSA-PSS":
        return "rsa-pss"
    if s.sig == "RSA":
        return "rsa"
    if s.sig == "ECDSA":
        return "ec"
    if s.sig == "DSA":
        return "dsa"
    return s.sig  # "ed25519", "ed448"


def check_peer_sigalg(
    scheme: int,
    peer: PeerKey,
    tls13: bool,
    offered: tuple[int, ...],
    groups: tuple[int, ...] = (),
    seclevel: int = 2,
    strict: bool = False,
) -> sigschemes.SignatureScheme:
    """OpenSSL's tls12_check_peer_sigalg at security level ``seclevel``
    (``strict``: ``-strict``, no SHA-1 scheme we did not offer).
    ``lu.key`` is OpenSSL's certificate slot of the scheme (``lu->sig_idx``)."""
    kind = peer.kind
    if tls13 and kind == "dsa":
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_SIGNATURE_TYPE")
    pkeyid = "rsa-pss" if tls13 and kind == "rsa" else kind
    lu = sigschemes.BY_CODE.get(scheme)
    if lu is None:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_SIGNATURE_TYPE")
    sig = _lu_sig(lu)
    if (
        (tls13 and lu.hash in ("SHA1", "SHA224"))
        or (pkeyid != sig and not (sig == "rsa-pss" and pkeyid == "rsa"))
        or kind != lu.key
    ):
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_SIGNATURE_TYPE")
    if kind == "ec":
        if tls13:
            want = _CURVES.get(lu.curve) if lu.curve else None
            if want is not None and peer.curve != want:
                raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_CURVE")
        elif groups and peer.curve not in groups:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_CURVE")
    # A SHA-1 scheme we did not offer is still taken (not with -strict) ...
    if scheme not in offered and (lu.hash != "SHA1" or strict):
        raise LocalError(alerts.HANDSHAKE_FAILURE, "WRONG_SIGNATURE_TYPE")
    # ... if the security level allows its strength (level 1 wants 80 bits,
    # more than SHA-1's 64; level 0 takes anything).
    if seclevel > 0 and _scheme_bits(lu) < security_level_bits(seclevel):
        raise LocalError(alerts.HANDSHAKE_FAILURE, "WRONG_SIGNATURE_TYPE")
    return lu


def legacy_sigalg(kind: str, seclevel: int) -> int:
    """``tls1_get_legacy_sigalg``: the scheme TLS 1.0/1.1 fix by the key type
    (MD5+SHA-1 for RSA, SHA-1 for ECDSA and DSA), if the security level allows
    it (SHA-1 counts 64 bits and MD5+SHA-1 67, both under level 1's 80);
    otherwise internal_error "legacy sigalg disallowed or unsupported"."""
    code = sigschemes.LEGACY_BY_KEY.get(kind)
    lu = sigschemes.BY_CODE.get(code) if code is not None else None
    if lu is None or (seclevel > 0 and _scheme_bits(lu) < security_level_bits(seclevel)):
        raise LocalError(alerts.INTERNAL_ERROR, "LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED")
    return lu.code


#: ``sigalg_security_bits``: half the digest, SHA-1 64, EdDSA per RFC 8032.
_SCHEME_BITS: dict[str | None, int] = {
    "MD5-SHA1": 67,
    "SHA1": 64,
    "SHA224": 112,
    "SHA256": 128,
    "SHA384": 192,
    "SHA512": 256,
    "ed25519": 128,
    "ed448": 224,
}


def _scheme_bits(lu: sigschemes.SignatureScheme) -> int:
    return _SCHEME_BITS.get(lu.hash if lu.hash is not None else lu.sig, 0)


def verify_signature(
    scheme: int, peer: PeerKey, data: bytes, signature: bytes, tls13: bool
) -> None:
    try:
        verify_scheme(
            scheme, peer.key, data, signature, tls13=tls13, rsa_pss_key=peer.kind == "rsa-pss"
        )
    except cerr.SchemeMismatch as e:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_SIGNATURE_TYPE", str(e)) from None
    except cerr.BadSignature as e:
        raise LocalError(alerts.DECRYPT_ERROR, "BAD_SIGNATURE", str(e)) from None


def distinguished_name_length(der: bytes) -> int | None:
    """The encoded length of the X.501 Name ``der`` starts with: a SEQUENCE of
    SETs of SEQUENCE {OBJECT IDENTIFIER, value}; None when it is not one."""
    from sclient.base.der import DERError, read

    try:
        top, end = read(der, 0)
        if top.tag != 0x30:
            return None
        for rdn in top.children():
            if rdn.tag != 0x31 or not rdn.content:
                return None
            for atv in rdn.children():
                parts = atv.children() if atv.tag == 0x30 else []
                if len(parts) != 2 or parts[0].tag != 0x06 or not parts[0].content:
                    return None
    except DERError:
        return None
    return end
