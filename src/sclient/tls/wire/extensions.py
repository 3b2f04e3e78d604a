"""TLS extensions: one frozen record class per extension body, and the tables
that say which body format applies in which message.

An extension's body format depends on the message it travels in (a
``key_share`` in a ClientHello is a list of entries, in a ServerHello one
entry, in a HelloRetryRequest just a group), so codecs are looked up by
``(type, context)`` in :data:`CODECS`; a type without a codec for the context
decodes as :class:`Unknown` and re-encodes byte for byte.

:data:`OPENSSL_CONTEXTS` is OpenSSL 3.0's ``ext_defs[]`` context column: which
built-in extensions OpenSSL recognises and in which messages it allows them.
The engine uses it to reject a recognised extension in the wrong message
(``illegal_parameter``, "bad extension") and to ignore unknown ones, exactly as
OpenSSL does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from sclient.base.structs import Struct, field
from sclient.tls.errors import DecodeError
from sclient.tls.registry import extensions as ext
from sclient.tls.wire.buffer import Reader, vec

__all__ = [
    "CODECS",
    "OPENSSL_CONTEXTS",
    "Alpn",
    "CertificateAuthorities",
    "CertificateTypes",
    "CompressCertificate",
    "Context",
    "Cookie",
    "CustomExtensions",
    "EarlyData",
    "EarlyDataMax",
    "EcPointFormats",
    "EncryptThenMac",
    "ExtendedMasterSecret",
    "Extension",
    "Heartbeat",
    "KeyShareClient",
    "KeyShareEntry",
    "KeyShareRetry",
    "KeyShareServer",
    "Malformed",
    "MaxFragmentLength",
    "NextProtocolNegotiation",
    "OcspResponse",
    "Padding",
    "PostHandshakeAuth",
    "PreSharedKeyClient",
    "PreSharedKeySelected",
    "PskIdentity",
    "PskKeyExchangeModes",
    "RecordSizeLimit",
    "RenegotiationInfo",
    "ServerName",
    "ServerNameAck",
    "SessionTicket",
    "SignatureAlgorithms",
    "SignatureAlgorithmsCert",
    "SignedCertificateTimestamps",
    "Srp",
    "StatusRequest",
    "StatusRequestAck",
    "SupportedGroups",
    "SupportedVersionSelected",
    "SupportedVersions",
    "Unknown",
    "UseSrtp",
    "decode_extensions",
    "encode_extensions",
]


class Context:
    """Where an extension travels (OpenSSL's ``SSL_EXT_*`` context flags), as
    plain ints: an ``IntFlag`` class costs ~1.6 M instructions to make and
    each ``|`` of its members a Python call."""

    CH = 0x0001  # ClientHello
    SH12 = 0x0002  # TLS <= 1.2 ServerHello
    SH13 = 0x0004  # TLS 1.3 ServerHello
    HRR = 0x0008  # HelloRetryRequest
    EE = 0x0010  # EncryptedExtensions
    CT = 0x0020  # TLS 1.3 Certificate entry
    CR = 0x0040  # TLS 1.3 CertificateRequest
    NST = 0x0080  # TLS 1.3 NewSessionTicket
    TLS12_ONLY = 0x1000  # OpenSSL SSL_EXT_TLS1_2_AND_BELOW_ONLY
    TLS13_ONLY = 0x2000  # OpenSSL SSL_EXT_TLS1_3_ONLY
    DTLS_ONLY = 0x4000

    #: Both kinds of ServerHello: the body format of an extension does not
    #: depend on the version, so decoding uses this context.
    SH = SH12 | SH13


class Extension:
    """Base of the extension bodies. ``TYPE`` is the ExtensionType code."""

    __slots__ = ()
    TYPE: ClassVar[int] = -1
    #: OpenSSL's reason when the body does not parse.
    DECODE_REASON: ClassVar[str] = "BAD_EXTENSION"

    @property
    def ext_type(self) -> int:
        return self.TYPE

    def encode_body(self) -> bytes:
        raise NotImplementedError

    def encode(self) -> bytes:
        body = self.encode_body()
        return self.ext_type.to_bytes(2, "big") + vec(2, body)


E = TypeVar("E", bound=Extension)


# --- helpers ----------------------------------------------------------------


def _u16_list(r: Reader, width: int, min_items: int = 0) -> tuple[int, ...]:
    b = r.block(width)
    out: list[int] = []
    while b.remaining:
        out.append(b.u16())
    if len(out) < min_items:
        raise DecodeError("empty list")
    return tuple(out)


def _enc_u16_list(items: Sequence[int], width: int) -> bytes:
    return vec(width, b"".join(i.to_bytes(2, "big") for i in items))


def _empty(r: Reader) -> None:
    r.done()


# --- bodies -------------------------------------------------------------------


class Unknown(Extension, Struct, frozen=True, slots=True):
    """An extension sclient does not decode (or decodes no further)."""

    type: int
    data: bytes

    @property
    def ext_type(self) -> int:
        return self.type

    def encode_body(self) -> bytes:
        return self.data


class Malformed(Extension, Struct, frozen=True, slots=True):
    """A recognised extension whose body did not parse. Kept (not raised) so
    the engine can run OpenSSL's message-level checks (duplicates, unsolicited
    extensions) first; :meth:`raise_error` raises the DecodeError when the
    engine gets to parse this extension."""

    type: int
    data: bytes
    reason: str = field(default="BAD_EXTENSION", compare=False)
    detail: str = field(default="", compare=False)

    @property
    def ext_type(self) -> int:
        return self.type

    def encode_body(self) -> bytes:
        return self.data

    def raise_error(self) -> None:
        raise DecodeError(self.detail, self.reason)


class ServerName(Extension, Struct, frozen=True, slots=True):
    """RFC 6066 §3 ClientHello body: ``(name_type, name)`` pairs (0 = host_name)."""

    TYPE = ext.SERVER_NAME
    names: tuple[tuple[int, bytes], ...]

    @classmethod
    def host(cls, name: str) -> ServerName:
        return cls(((0, name.encode("ascii")),))

    @property
    def host_name(self) -> bytes | None:
        return next((n for t, n in self.names if t == 0), None)

    def encode_body(self) -> bytes:
        return vec(2, b"".join(bytes((t,)) + vec(2, n) for t, n in self.names))

    @classmethod
    def decode(cls, r: Reader) -> ServerName:
        b = r.block(2, 1)
        names = []
        while b.remaining:
            t = b.u8()
            names.append((t, b.vec(2, 1)))
        r.done()
        return cls(tuple(names))


class ServerNameAck(Extension, Struct, frozen=True, slots=True):
    """The server's empty server_name (it used our name)."""

    TYPE = ext.SERVER_NAME

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> ServerNameAck:
        _empty(r)
        return cls()


class MaxFragmentLength(Extension, Struct, frozen=True, slots=True):
    """RFC 6066 §4: code 1..4 = 2^9..2^12 bytes."""

    TYPE = ext.MAX_FRAGMENT_LENGTH
    code: int

    def encode_body(self) -> bytes:
        return bytes((self.code,))

    @classmethod
    def decode(cls, r: Reader) -> MaxFragmentLength:
        v = r.u8()
        r.done()
        return cls(v)


class Srp(Extension, Struct, frozen=True, slots=True):
    """RFC 5054 §2.8.1: the SRP user name (``srp_I``, 1 to 255 bytes)."""

    TYPE = 12
    identity: bytes

    def encode_body(self) -> bytes:
        return vec(1, self.identity)

    @classmethod
    def decode(cls, r: Reader) -> Srp:
        v = r.vec(1)
        r.done()
        return cls(v)


class StatusRequest(Extension, Struct, frozen=True, slots=True):
    """RFC 6066 §8 ClientHello body (status_type 1 = ocsp)."""

    TYPE = ext.STATUS_REQUEST
    status_type: int = 1
    responder_ids: tuple[bytes, ...] = ()
    request_extensions: bytes = b""

    def encode_body(self) -> bytes:
        ids = vec(2, b"".join(vec(2, i) for i in self.responder_ids))
        return bytes((self.status_type,)) + ids + vec(2, self.request_extensions)

    @classmethod
    def decode(cls, r: Reader) -> StatusRequest:
        t = r.u8()
        if t != 1:
            raise DecodeError("unknown status type")
        b = r.block(2)
        ids = []
        while b.remaining:
            ids.append(b.vec(2, 1))
        exts = r.vec(2)
        r.done()
        return cls(t, tuple(ids), exts)


class StatusRequestAck(Extension, Struct, frozen=True, slots=True):
    """TLS 1.2 ServerHello: empty status_request (a CertificateStatus follows)."""

    TYPE = ext.STATUS_REQUEST

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> StatusRequestAck:
        _empty(r)
        return cls()


def encode_certificate_status(status_type: int, response: bytes) -> bytes:
    """A CertificateStatus (RFC 6066 §8): the body of the TLS <= 1.2 message
    and of the status_request entry of a TLS 1.3 Certificate."""
    return bytes((status_type,)) + vec(3, response)


def decode_certificate_status(r: Reader) -> tuple[bytes, int]:
    """(response, status_type) of a CertificateStatus; only ocsp (1) is known.
    The reasons are tls_process_cert_status_body's (an empty response is
    decoded: OpenSSL fails on it afterwards, when it copies it)."""
    if not r.remaining or r.u8() != 1:
        raise DecodeError("unknown status type", "UNSUPPORTED_STATUS_TYPE")
    try:
        resp = r.vec(3)
        r.done()
    except DecodeError as e:
        raise DecodeError(e.detail, "CERT_STATUS_LENGTH_MISMATCH") from None
    return resp, 1


class OcspResponse(Extension, Struct, frozen=True, slots=True):
    """TLS 1.3 Certificate entry: a CertificateStatus (RFC 8446 §4.4.2.1)."""

    TYPE = ext.STATUS_REQUEST
    #: the decoder's own reasons (tls_process_cert_status_body's)
    DECODE_REASON = ""
    response: bytes
    status_type: int = 1

    def encode_body(self) -> bytes:
        return encode_certificate_status(self.status_type, self.response)

    @classmethod
    def decode(cls, r: Reader) -> OcspResponse:
        return cls(*decode_certificate_status(r))


class SupportedGroups(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.SUPPORTED_GROUPS
    groups: tuple[int, ...]

    def encode_body(self) -> bytes:
        return _enc_u16_list(self.groups, 2)

    @classmethod
    def decode(cls, r: Reader) -> SupportedGroups:
        v = _u16_list(r, 2, 1)
        r.done()
        return cls(v)


class EcPointFormats(Extension, Struct, frozen=True, slots=True):
    """RFC 8422 §5.1.2 (0 = uncompressed)."""

    TYPE = ext.EC_POINT_FORMATS
    formats: tuple[int, ...]

    def encode_body(self) -> bytes:
        return vec(1, bytes(self.formats))

    @classmethod
    def decode(cls, r: Reader) -> EcPointFormats:
        v = tuple(r.vec(1, 1))
        r.done()
        return cls(v)


class SignatureAlgorithms(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.SIGNATURE_ALGORITHMS
    schemes: tuple[int, ...]

    def encode_body(self) -> bytes:
        return _enc_u16_list(self.schemes, 2)

    @classmethod
    def decode(cls, r: Reader) -> SignatureAlgorithms:
        v = _u16_list(r, 2, 1)
        r.done()
        return cls(v)


class SignatureAlgorithmsCert(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.SIGNATURE_ALGORITHMS_CERT
    schemes: tuple[int, ...]

    def encode_body(self) -> bytes:
        return _enc_u16_list(self.schemes, 2)

    @classmethod
    def decode(cls, r: Reader) -> SignatureAlgorithmsCert:
        v = _u16_list(r, 2, 1)
        r.done()
        return cls(v)


class Alpn(Extension, Struct, frozen=True, slots=True):
    """RFC 7301. In a ServerHello/EncryptedExtensions the list must hold exactly
    one name; the engine checks that (OpenSSL's reason differs by case)."""

    TYPE = ext.ALPN
    protocols: tuple[bytes, ...]

    def encode_body(self) -> bytes:
        return vec(2, b"".join(vec(1, p) for p in self.protocols))

    @classmethod
    def decode(cls, r: Reader) -> Alpn:
        b = r.block(2, 1)
        out = []
        while b.remaining:
            out.append(b.vec(1, 1))
        r.done()
        return cls(tuple(out))


class CustomExtensions(Extension, Struct, frozen=True, slots=True):
    """The application's own ClientHello extensions, each with an empty body
    (``-serverinfo``: ``SSL_CTX_add_client_custom_ext`` with no add callback),
    which OpenSSL writes before its built-in ones: one entry of the
    ClientHello's list standing for several extensions on the wire."""

    types: tuple[int, ...]

    @property
    def ext_type(self) -> int:
        return self.types[0]

    def encode_body(self) -> bytes:
        return b""

    def encode(self) -> bytes:
        return b"".join(t.to_bytes(2, "big") + b"\x00\x00" for t in self.types)


class UseSrtp(Extension, Struct, frozen=True, slots=True):
    """RFC 5764 §4.1.1: the protection profiles offered (the server's answer
    names one) and the MKI, which OpenSSL always sends empty."""

    TYPE = ext.USE_SRTP
    profiles: tuple[int, ...]
    mki: bytes = b""

    def encode_body(self) -> bytes:
        return _enc_u16_list(self.profiles, 2) + vec(1, self.mki)

    @classmethod
    def decode(cls, r: Reader) -> UseSrtp:
        profiles = _u16_list(r, 2)
        mki = r.vec(1)
        r.done()
        return cls(profiles, mki)


class Heartbeat(Extension, Struct, frozen=True, slots=True):
    """RFC 6520 §2: the HeartbeatMode, 1 peer_allowed_to_send (the sender
    answers requests), 2 peer_not_allowed_to_send."""

    TYPE = ext.HEARTBEAT
    mode: int

    def encode_body(self) -> bytes:
        return bytes((self.mode,))

    @classmethod
    def decode(cls, r: Reader) -> Heartbeat:
        v = r.u8()
        r.done()
        return cls(v)


class SignedCertificateTimestamps(Extension, Struct, frozen=True, slots=True):
    """RFC 6962: empty in a ClientHello, a SignedCertificateTimestampList
    (kept opaque) from the server."""

    TYPE = ext.SCT
    data: bytes = b""

    def encode_body(self) -> bytes:
        return self.data

    @classmethod
    def decode(cls, r: Reader) -> SignedCertificateTimestamps:
        return cls(r.rest())


class Padding(Extension, Struct, frozen=True, slots=True):
    """RFC 7685: zero bytes."""

    TYPE = ext.PADDING
    length: int

    def encode_body(self) -> bytes:
        return bytes(self.length)

    @classmethod
    def decode(cls, r: Reader) -> Padding:
        data = r.rest()
        if any(data):
            raise DecodeError("non-zero padding")
        return cls(len(data))


class EncryptThenMac(Extension, Struct, frozen=True, slots=True):
    """Empty; OpenSSL ignores a body, so it is kept rather than rejected."""

    TYPE = ext.ENCRYPT_THEN_MAC
    data: bytes = b""

    def encode_body(self) -> bytes:
        return self.data

    @classmethod
    def decode(cls, r: Reader) -> EncryptThenMac:
        return cls(r.rest())


class ExtendedMasterSecret(Extension, Struct, frozen=True, slots=True):
    """Empty; OpenSSL ignores a body, so it is kept rather than rejected."""

    TYPE = ext.EXTENDED_MASTER_SECRET
    data: bytes = b""

    def encode_body(self) -> bytes:
        return self.data

    @classmethod
    def decode(cls, r: Reader) -> ExtendedMasterSecret:
        return cls(r.rest())


class RecordSizeLimit(Extension, Struct, frozen=True, slots=True):
    """RFC 8449 (OpenSSL 3.0 does not know it)."""

    TYPE = ext.RECORD_SIZE_LIMIT
    limit: int

    def encode_body(self) -> bytes:
        return self.limit.to_bytes(2, "big")

    @classmethod
    def decode(cls, r: Reader) -> RecordSizeLimit:
        v = r.u16()
        r.done()
        return cls(v)


class SessionTicket(Extension, Struct, frozen=True, slots=True):
    """RFC 5077: the ticket (empty to ask for one; empty from the server)."""

    TYPE = ext.SESSION_TICKET
    ticket: bytes = b""

    def encode_body(self) -> bytes:
        return self.ticket

    @classmethod
    def decode(cls, r: Reader) -> SessionTicket:
        return cls(r.rest())


class PskIdentity(Struct, frozen=True, slots=True):
    identity: bytes
    obfuscated_ticket_age: int


class PreSharedKeyClient(Extension, Struct, frozen=True, slots=True):
    """RFC 8446 §4.2.11 OfferedPsks."""

    TYPE = ext.PRE_SHARED_KEY
    identities: tuple[PskIdentity, ...]
    binders: tuple[bytes, ...]

    def encode_body(self) -> bytes:
        return self.encode_identities() + self.encode_binders()

    def encode_identities(self) -> bytes:
        return vec(
            2,
            b"".join(
                vec(2, i.identity) + i.obfuscated_ticket_age.to_bytes(4, "big")
                for i in self.identities
            ),
        )

    def encode_binders(self) -> bytes:
        return vec(2, b"".join(vec(1, b) for b in self.binders))

    @classmethod
    def decode(cls, r: Reader) -> PreSharedKeyClient:
        b = r.block(2, 7)
        ids = []
        while b.remaining:
            ids.append(PskIdentity(b.vec(2, 1), b.u32()))
        b = r.block(2, 33)
        binders = []
        while b.remaining:
            binders.append(b.vec(1, 32))
        r.done()
        return cls(tuple(ids), tuple(binders))


class PreSharedKeySelected(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.PRE_SHARED_KEY
    DECODE_REASON = "LENGTH_MISMATCH"
    selected_identity: int

    def encode_body(self) -> bytes:
        return self.selected_identity.to_bytes(2, "big")

    @classmethod
    def decode(cls, r: Reader) -> PreSharedKeySelected:
        v = r.u16()
        r.done()
        return cls(v)


class EarlyData(Extension, Struct, frozen=True, slots=True):
    """Empty early_data (ClientHello, EncryptedExtensions)."""

    TYPE = ext.EARLY_DATA

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> EarlyData:
        _empty(r)
        return cls()


class EarlyDataMax(Extension, Struct, frozen=True, slots=True):
    """NewSessionTicket early_data: max_early_data_size."""

    TYPE = ext.EARLY_DATA
    DECODE_REASON = "LENGTH_MISMATCH"
    max_early_data_size: int

    def encode_body(self) -> bytes:
        return self.max_early_data_size.to_bytes(4, "big")

    @classmethod
    def decode(cls, r: Reader) -> EarlyDataMax:
        v = r.u32()
        r.done()
        return cls(v)


class SupportedVersions(Extension, Struct, frozen=True, slots=True):
    """ClientHello body: the versions offered."""

    TYPE = ext.SUPPORTED_VERSIONS
    versions: tuple[int, ...]

    def encode_body(self) -> bytes:
        return _enc_u16_list(self.versions, 1)

    @classmethod
    def decode(cls, r: Reader) -> SupportedVersions:
        v = _u16_list(r, 1, 1)
        r.done()
        return cls(v)


class SupportedVersionSelected(Extension, Struct, frozen=True, slots=True):
    """ServerHello/HelloRetryRequest body: the version chosen."""

    TYPE = ext.SUPPORTED_VERSIONS
    DECODE_REASON = "LENGTH_MISMATCH"
    version: int

    def encode_body(self) -> bytes:
        return self.version.to_bytes(2, "big")

    @classmethod
    def decode(cls, r: Reader) -> SupportedVersionSelected:
        v = r.u16()
        r.done()
        return cls(v)


class Cookie(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.COOKIE
    DECODE_REASON = "LENGTH_MISMATCH"
    cookie: bytes

    def encode_body(self) -> bytes:
        return vec(2, self.cookie)

    @classmethod
    def decode(cls, r: Reader) -> Cookie:
        c = r.vec(2)  # cookie<1..2^16-1>, but OpenSSL reads an empty one
        r.done()
        return cls(c)


class PskKeyExchangeModes(Extension, Struct, frozen=True, slots=True):
    """0 = psk_ke, 1 = psk_dhe_ke."""

    TYPE = ext.PSK_KEY_EXCHANGE_MODES
    modes: tuple[int, ...]

    def encode_body(self) -> bytes:
        return vec(1, bytes(self.modes))

    @classmethod
    def decode(cls, r: Reader) -> PskKeyExchangeModes:
        v = tuple(r.vec(1, 1))
        r.done()
        return cls(v)


class CertificateAuthorities(Extension, Struct, frozen=True, slots=True):
    """DER distinguished names."""

    TYPE = ext.CERTIFICATE_AUTHORITIES
    authorities: tuple[bytes, ...]

    def encode_body(self) -> bytes:
        return vec(2, b"".join(vec(2, a) for a in self.authorities))

    @classmethod
    def decode(cls, r: Reader) -> CertificateAuthorities:
        b = r.block(2, 3)
        out = []
        while b.remaining:
            out.append(b.vec(2, 1))
        r.done()
        return cls(tuple(out))


class CompressCertificate(Extension, Struct, frozen=True, slots=True):
    """RFC 8879: the certificate compression algorithms, in preference order
    (``CertificateCompressionAlgorithm algorithms<2..2^8-2>``)."""

    TYPE = ext.COMPRESS_CERTIFICATE
    algorithms: tuple[int, ...]

    def encode_body(self) -> bytes:
        return _enc_u16_list(self.algorithms, 1)

    @classmethod
    def decode(cls, r: Reader) -> CompressCertificate:
        b = r.block(1, 1)
        if b.remaining % 2:
            raise DecodeError("odd algorithm list")
        out = []
        while b.remaining:
            out.append(b.u16())
        r.done()
        return cls(tuple(out))


class PostHandshakeAuth(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.POST_HANDSHAKE_AUTH

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> PostHandshakeAuth:
        _empty(r)
        return cls()


class CertificateTypes(Extension, Struct, frozen=True, slots=True):
    """RFC 7250 client_certificate_type (19) / server_certificate_type (20)
    in a ClientHello: the types we accept, most preferred first. The server's
    answer (one type) is left undecoded (``Unknown``): OpenSSL 3.0 does not
    know the extension, and its checks under ``-enable_*_rpk`` are
    ``tls.rpk``'s."""

    type: int
    types: tuple[int, ...]

    @property
    def ext_type(self) -> int:
        return self.type

    def encode_body(self) -> bytes:
        return vec(1, bytes(self.types))


class KeyShareEntry(Struct, frozen=True, slots=True):
    group: int
    key_exchange: bytes

    def encode(self) -> bytes:
        return self.group.to_bytes(2, "big") + vec(2, self.key_exchange)

    @classmethod
    def decode(cls, r: Reader) -> KeyShareEntry:
        g = r.u16()
        return cls(g, r.vec(2, 1))


class KeyShareClient(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.KEY_SHARE
    DECODE_REASON = "LENGTH_MISMATCH"
    entries: tuple[KeyShareEntry, ...]

    def encode_body(self) -> bytes:
        return vec(2, b"".join(e.encode() for e in self.entries))

    @classmethod
    def decode(cls, r: Reader) -> KeyShareClient:
        b = r.block(2)
        out = []
        while b.remaining:
            out.append(KeyShareEntry.decode(b))
        r.done()
        return cls(tuple(out))


class KeyShareServer(Extension, Struct, frozen=True, slots=True):
    TYPE = ext.KEY_SHARE
    DECODE_REASON = "LENGTH_MISMATCH"
    entry: KeyShareEntry

    def encode_body(self) -> bytes:
        return self.entry.encode()

    @classmethod
    def decode(cls, r: Reader) -> KeyShareServer:
        e = KeyShareEntry.decode(r)
        r.done()
        return cls(e)


class KeyShareRetry(Extension, Struct, frozen=True, slots=True):
    """HelloRetryRequest body: the group the server wants."""

    TYPE = ext.KEY_SHARE
    DECODE_REASON = "LENGTH_MISMATCH"
    selected_group: int

    def encode_body(self) -> bytes:
        return self.selected_group.to_bytes(2, "big")

    @classmethod
    def decode(cls, r: Reader) -> KeyShareRetry:
        g = r.u16()
        r.done()
        return cls(g)


class NextProtocolNegotiation(Extension, Struct, frozen=True, slots=True):
    """draft-agl-tls-nextprotoneg: empty from the client, the server's list."""

    TYPE = ext.NEXT_PROTO_NEG
    protocols: tuple[bytes, ...] = ()

    def encode_body(self) -> bytes:
        return b"".join(vec(1, p) for p in self.protocols)

    @classmethod
    def decode(cls, r: Reader) -> NextProtocolNegotiation:
        out = []
        while r.remaining:
            out.append(r.vec(1, 1))
        return cls(tuple(out))


class RenegotiationInfo(Extension, Struct, frozen=True, slots=True):
    """RFC 5746 §3.2."""

    TYPE = ext.RENEGOTIATION_INFO
    DECODE_REASON = "RENEGOTIATION_ENCODING_ERR"
    renegotiated_connection: bytes = b""

    def encode_body(self) -> bytes:
        return vec(1, self.renegotiated_connection)

    @classmethod
    def decode(cls, r: Reader) -> RenegotiationInfo:
        v = r.vec(1)
        r.done()
        return cls(v)


# --- tables -------------------------------------------------------------------

_Decoder = Callable[[Reader], Extension]

_CH, _SH, _HRR, _EE, _CT, _CR, _NST = (
    Context.CH,
    Context.SH,
    Context.HRR,
    Context.EE,
    Context.CT,
    Context.CR,
    Context.NST,
)

#: (type, decode context) -> body class. Decode contexts are CH, SH, HRR, EE,
#: CT, CR, NST (a ServerHello of either version decodes as SH).
CODECS: dict[tuple[int, int], type[Extension]] = {}


def _reg(cls: type[Extension], *contexts: int) -> None:
    for c in contexts:
        CODECS[(cls.TYPE, c)] = cls


_reg(ServerName, _CH)
_reg(ServerNameAck, _SH, _EE)
_reg(MaxFragmentLength, _CH, _SH, _EE)
_reg(Srp, _CH)
_reg(
    StatusRequest, _CH
)  # in a CertificateRequest OpenSSL ignores it (empty there, RFC 8446 §4.4.2.1)
_reg(StatusRequestAck, _SH)
_reg(OcspResponse, _CT)
_reg(SupportedGroups, _CH, _EE, _SH)
_reg(EcPointFormats, _CH, _SH)
_reg(SignatureAlgorithms, _CH, _CR)
_reg(SignatureAlgorithmsCert, _CH, _CR)
_reg(Alpn, _CH, _SH, _EE)
_reg(UseSrtp, _CH)
_reg(Heartbeat, _CH, _SH, _EE)
_reg(SignedCertificateTimestamps, _CH, _SH, _CT, _CR)
_reg(Padding, _CH)
_reg(EncryptThenMac, _CH, _SH)
_reg(ExtendedMasterSecret, _CH, _SH)
_reg(RecordSizeLimit, _CH, _SH, _EE)
_reg(SessionTicket, _CH, _SH)
_reg(PreSharedKeyClient, _CH)
_reg(PreSharedKeySelected, _SH)
_reg(EarlyData, _CH, _EE)
_reg(EarlyDataMax, _NST)
_reg(SupportedVersions, _CH)
_reg(SupportedVersionSelected, _SH, _HRR)
_reg(Cookie, _CH, _HRR)
_reg(PskKeyExchangeModes, _CH)
_reg(CertificateAuthorities, _CH, _CR)
_reg(PostHandshakeAuth, _CH)
_reg(CompressCertificate, _CH, _CR)
_reg(KeyShareClient, _CH)
_reg(KeyShareServer, _SH)
_reg(KeyShareRetry, _HRR)
_reg(NextProtocolNegotiation, _CH, _SH)
_reg(RenegotiationInfo, _CH, _SH)

_C = Context
#: OpenSSL 3.0 ``ext_defs[]``: the built-in extensions and where they may appear.
OPENSSL_CONTEXTS: dict[int, int] = {
    ext.RENEGOTIATION_INFO: _C.CH | _C.SH12 | _C.TLS12_ONLY,
    ext.SERVER_NAME: _C.CH | _C.SH12 | _C.EE,
    ext.MAX_FRAGMENT_LENGTH: _C.CH | _C.SH12 | _C.EE,
    12: _C.CH | _C.TLS12_ONLY,  # srp
    ext.EC_POINT_FORMATS: _C.CH | _C.SH12 | _C.TLS12_ONLY,
    ext.SUPPORTED_GROUPS: _C.CH | _C.EE | _C.SH12,
    ext.SESSION_TICKET: _C.CH | _C.SH12 | _C.TLS12_ONLY,
    ext.STATUS_REQUEST: _C.CH | _C.SH12 | _C.CT | _C.CR,
    ext.NEXT_PROTO_NEG: _C.CH | _C.SH12 | _C.TLS12_ONLY,
    ext.ALPN: _C.CH | _C.SH12 | _C.EE,
    14: _C.CH | _C.SH12 | _C.EE | _C.DTLS_ONLY,  # use_srtp
    ext.ENCRYPT_THEN_MAC: _C.CH | _C.SH12 | _C.TLS12_ONLY,
    ext.SCT: _C.CH | _C.SH12 | _C.CT | _C.CR,
    ext.EXTENDED_MASTER_SECRET: _C.CH | _C.SH12 | _C.TLS12_ONLY,
    ext.SIGNATURE_ALGORITHMS_CERT: _C.CH | _C.CR,
    ext.POST_HANDSHAKE_AUTH: _C.CH | _C.TLS13_ONLY,
    ext.SIGNATURE_ALGORITHMS: _C.CH | _C.CR,
    ext.SUPPORTED_VERSIONS: _C.CH | _C.SH12 | _C.SH13 | _C.HRR,
    ext.PSK_KEY_EXCHANGE_MODES: _C.CH | _C.TLS13_ONLY,
    ext.KEY_SHARE: _C.CH | _C.SH13 | _C.HRR | _C.TLS13_ONLY,
    ext.COOKIE: _C.CH | _C.HRR | _C.TLS13_ONLY,
    0xFDE8: _C.CH | _C.SH12 | _C.TLS12_ONLY,  # cryptopro_bug
    ext.EARLY_DATA: _C.CH | _C.EE | _C.NST | _C.TLS13_ONLY,
    ext.CERTIFICATE_AUTHORITIES: _C.CH | _C.CR | _C.TLS13_ONLY,
    ext.PADDING: _C.CH,
    # OpenSSL 3.2+ (RFC 8879); 3.0 does not know it: see hello.collect_extensions.
    ext.COMPRESS_CERTIFICATE: _C.CH | _C.CR | _C.TLS13_ONLY,
    ext.PRE_SHARED_KEY: _C.CH | _C.SH13 | _C.TLS13_ONLY,
}


def decode_extension(ext_type: int, body: bytes, context: int) -> Extension:
    """Decode one body; DecodeError carries the extension's OpenSSL reason."""
    cls = CODECS.get((ext_type, context))
    if cls is None:
        return Unknown(ext_type, body)
    decode: _Decoder = cls.decode  # type: ignore[attr-defined]
    try:
        return decode(Reader(body))
    except DecodeError as e:
        name = ext.BY_CODE[ext_type].iana
        reason = cls.DECODE_REASON or e.reason
        return Malformed(ext_type, body, reason, f"{name}: {e.detail}")


def decode_extensions(
    r: Reader, context: int, block_reason: str = "LENGTH_MISMATCH"
) -> tuple[Extension, ...]:
    """An ``Extension extensions<0..2^16-1>`` block (the length prefix
    included). Bad framing raises DecodeError; a body that does not parse
    becomes :class:`Malformed`."""
    try:
        b = r.block(2)
    except DecodeError as e:
        raise DecodeError(e.detail, block_reason) from None
    out = []
    while b.remaining:
        try:
            t = b.u16()
            body = b.vec(2)
        except DecodeError as e:
            raise DecodeError(e.detail, "BAD_EXTENSION") from None
        out.append(decode_extension(t, body, context))
    return tuple(out)


def encode_extensions(exts: Sequence[Extension]) -> bytes:
    return vec(2, b"".join(e.encode() for e in exts))


def find(exts: Sequence[Extension], cls: type[E]) -> E | None:
    """The first extension of class ``cls``."""
    for e in exts:
        if type(e) is cls:
            return e
    return None
