"""RFC 7250 raw public keys, as OpenSSL 3.2+'s client handles them
(``-enable_server_rpk``, ``-enable_client_rpk``).

The ClientHello offers server_certificate_type / client_certificate_type
(``hello.py``); :func:`settle` reads the server's answer in the TLS 1.2
ServerHello or the TLS 1.3 EncryptedExtensions (OpenSSL's
``tls_parse_stoc_server_cert_type`` / ``_client_cert_type``); when a raw
public key was negotiated the server's Certificate is decoded by
:func:`decode_certificate` (``tls_process_rpk``) and checked by
:func:`process_server_rpk` (``tls_process_server_rpk`` and
``tls_post_process_server_rpk``); :func:`client_certificate` builds ours.

OpenSSL 3.0 knows neither extension: without the options a server's
cert-type extension passes unread, as it does there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.base.structs import Struct
from sclient.tls import events_rare as evr
from sclient.tls.errors import DecodeError, LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext
from sclient.tls.registry import protocol as P
from sclient.tls.wire.buffer import Reader, vec
from sclient.tls.wire.handshake import HandshakeMessage, header

if TYPE_CHECKING:
    from sclient.tls.peer import PeerKey
    from sclient.tls.registry.suites import CipherSuite
    from sclient.tls.states import Handshake
    from sclient.tls.wire import extensions as X

__all__ = [
    "RPK",
    "X509",
    "RpkCertificate",
    "client_certificate",
    "decode_certificate",
    "process_server_rpk",
    "settle",
]

X509 = ext.CERT_TYPE_X509
RPK = ext.CERT_TYPE_RPK
#: What ``-enable_server_rpk`` / ``-enable_client_rpk`` offer (s_client's
#: ``cert_type_rpk``): a raw public key first, X.509 as the fallback.
OFFER = (RPK, X509)


def settle(hs: Handshake, exts: tuple[X.Extension, ...]) -> None:
    """The cert-type extensions of a TLS 1.2 ServerHello or TLS 1.3
    EncryptedExtensions: each must answer one we sent, with one of the types
    we offered; an offered one left out means X.509."""
    config = hs.config
    seen: set[int] = set()
    for e in exts:
        t = e.ext_type
        if t not in (ext.CLIENT_CERT_TYPE, ext.SERVER_CERT_TYPE):
            continue
        if t in seen:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_EXTENSION", f"extension {t} twice")
        seen.add(t)
        if t not in hs.offer.ext_types:
            raise LocalError(
                alerts.UNSUPPORTED_EXTENSION, "UNSOLICITED_EXTENSION", f"extension {t}"
            )
        server = t == ext.SERVER_CERT_TYPE
        offered = config.server_cert_types if server else config.client_cert_types
        prefix = "SERVER" if server else "CLIENT"
        data = e.encode_body()
        if len(data) != 1:
            raise LocalError(alerts.DECODE_ERROR, f"{prefix}_CERT_TYPE_BAD_EXTENSION")
        if data[0] not in offered:
            raise LocalError(
                alerts.DECODE_ERROR, f"{prefix}_CERT_TYPE_BAD_VALUE", f"type {data[0]}"
            )
        if server:
            hs.facts.server_cert_type = data[0]
        else:
            hs.facts.client_cert_type = data[0]
    hs.events.append(
        evr.CertificateTypesNegotiated(hs.facts.client_cert_type, hs.facts.server_cert_type)
    )


class RpkCertificate(HandshakeMessage, Struct, frozen=True, slots=True):
    """A Certificate message carrying a raw public key: TLS 1.3
    ``context, CertificateEntry{spki, extensions}``, TLS 1.2 the SPKI alone
    (``opaque ASN.1_subjectPublicKeyInfo<1..2^24-1>``). ``spki`` None: the
    list was empty (a client without a key)."""

    MSG_TYPE = P.CERTIFICATE
    tls13: bool
    spki: bytes | None
    context: bytes = b""
    extensions: bytes = b""
    raw: bytes = b""

    @property
    def chain(self) -> tuple[bytes, ...]:
        return (self.spki,) if self.spki is not None else ()

    def encode_body(self) -> bytes:
        if not self.tls13:
            return vec(3, self.spki or b"")
        entry = b"" if self.spki is None else vec(3, self.spki) + vec(2, self.extensions)
        return vec(1, self.context) + vec(3, entry)

    def encode(self) -> bytes:
        return header(self.MSG_TYPE, self.encode_body())


def decode_certificate(raw: bytes, tls13: bool) -> RpkCertificate:
    """``tls_process_rpk`` on the bytes (header included), with its reasons;
    the SPKI itself is parsed by :func:`process_server_rpk`."""
    r = Reader(raw, 4)
    context = b""
    if tls13:
        try:
            context = r.vec(1)
        except DecodeError:
            raise DecodeError("no context", "RPK_INVALID_CONTEXT") from None
        if context:
            raise DecodeError("non-empty context", "RPK_INVALID_CONTEXT")
    try:
        cert_len = r.u24()
    except DecodeError:
        raise DecodeError("no list length", "RPK_LENGTH_MISMATCH") from None
    if r.remaining != cert_len:
        raise DecodeError("list length", "RPK_LENGTH_MISMATCH")
    if cert_len == 0:
        return RpkCertificate(tls13, None, context, raw=raw)
    if not tls13:
        return RpkCertificate(False, r.rest(), raw=raw)
    try:
        spki_len = r.u24()
    except DecodeError:
        raise DecodeError("no key length", "RPK_LENGTH_MISMATCH") from None
    if spki_len == 0:
        raise DecodeError("empty key", "RPK_EMPTY")
    if r.remaining < spki_len:
        raise DecodeError("key length", "RPK_LENGTH_MISMATCH")
    spki = r.read(spki_len)
    if r.remaining < 2:
        raise DecodeError("extensions", "RPK_LENGTH_MISMATCH")
    ext_len = r.u16()
    if r.remaining != ext_len:
        # a second entry, or bytes after the extensions
        raise DecodeError("more than one entry", "RPK_LENGTH_MISMATCH")
    return RpkCertificate(True, spki, context, r.rest(), raw=raw)


def _load_key(spki: bytes) -> PeerKey:
    """``d2i_PUBKEY`` (the whole entry must be one SubjectPublicKeyInfo) and
    OpenSSL's certificate slot for the key."""
    from sclient.base import der
    from sclient.base.pyca import key_kind
    from sclient.base.spki import light_public_key
    from sclient.tls.peer import _CURVES, PeerKey

    try:
        _, end = der.read(spki)
    except der.DERError:
        raise DecodeError("not a SubjectPublicKeyInfo", "RPK_LENGTH_MISMATCH") from None
    if end != len(spki):
        raise DecodeError("bytes after the key", "RPK_LENGTH_MISMATCH")
    key = light_public_key(spki)
    if key is None:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        try:
            key = load_der_public_key(spki)
        except (ValueError, UnsupportedAlgorithm) as e:
            raise DecodeError(f"key: {e}", "RPK_LENGTH_MISMATCH") from None
    kind: str = key_kind(key) or "unknown"
    if kind == "rsa" and _is_rsa_pss(spki):
        kind = "rsa-pss"
    if kind not in ("rsa", "rsa-pss", "ec", "ed25519", "ed448", "dsa"):
        raise LocalError(alerts.ILLEGAL_PARAMETER, "RPK_UNKNOWN_TYPE", kind)
    curve = _CURVES.get(key.curve.name) if kind == "ec" else None  # type: ignore[union-attr]
    return PeerKey(key, kind, curve)


def _is_rsa_pss(spki: bytes) -> bool:
    from sclient.base import der

    try:
        alg = der.parse(spki).children()[0]
        return der.decode_oid(alg.children()[0].content) == "1.2.840.113549.1.1.10"
    except (der.DERError, IndexError):
        return False


def process_server_rpk(hs: Handshake, msg: RpkCertificate, suite: CipherSuite | None) -> PeerKey:
    """The server's raw public key: present, parsed, verified (the verdict of
    ``ClientConfig.verify_rpk``; with ``SSL_VERIFY_PEER`` a failure ends the
    handshake), of a type the TLS 1.2 suite can use. Returns the key that
    signs the CertificateVerify / ServerKeyExchange."""
    if msg.spki is None:
        raise LocalError(alerts.DECODE_ERROR, "RPK_NONE", "empty certificate list")
    peer = _load_key(msg.spki)
    verdict = hs.config.verify_rpk(msg.spki)
    hs.events.append(evr.PeerRawPublicKey(msg.spki, verdict))
    if verdict.alert is not None:
        raise LocalError(verdict.alert, "RPK_VERIFY_FAILED")
    if suite is not None:
        from sclient.tls.peer import suits_suite

        if not suits_suite(peer, suite):
            raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_RPK_TYPE")
    return peer


def client_certificate(
    tls13: bool, chain: tuple[bytes, ...], context: bytes = b""
) -> RpkCertificate:
    """``tls_output_rpk``: our certificate's key as a raw public key (an
    empty list without one)."""
    from sclient.base.spki import spki_of

    spki = spki_of(chain[0]) if chain else None
    return RpkCertificate(tls13, spki, context)
