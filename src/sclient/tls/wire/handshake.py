"""Handshake messages: one frozen record class per message.

``encode()`` returns the whole message with its 4-byte header;
``decode(body)`` parses the body (header already removed) and rejects trailing
bytes. Decoded messages keep the bytes they came from in ``raw`` (header
included) for the transcript and byte-exact renderers; ``raw`` takes no part
in equality.

Some bodies depend on the negotiated version or key exchange (Certificate,
CertificateRequest, NewSessionTicket, ServerKeyExchange, ClientKeyExchange):
those have one class per variant and :func:`decode_message` picks by
``tls13`` / ``kx``.
"""

from __future__ import annotations

from typing import ClassVar, Self, TypeVar

from sclient.base.structs import Struct, field
from sclient.tls.errors import DecodeError
from sclient.tls.registry import protocol as P
from sclient.tls.wire import extensions as X
from sclient.tls.wire.buffer import Reader, vec

__all__ = [
    "PSK_KX",
    "Certificate12",
    "Certificate13",
    "CertificateEntry",
    "CertificateRequest12",
    "CertificateRequest13",
    "CertificateStatus",
    "CertificateVerify",
    "ClientHello",
    "ClientKeyExchange",
    "ClientKeyExchangePsk",
    "CompressedCertificate",
    "EncryptedExtensions",
    "EndOfEarlyData",
    "Finished",
    "HandshakeMessage",
    "HelloRequest",
    "KeyUpdate",
    "NewSessionTicket12",
    "NewSessionTicket13",
    "NextProtocol",
    "ServerHello",
    "ServerHelloDone",
    "ServerKeyExchangeDhe",
    "ServerKeyExchangeEcdhe",
    "ServerKeyExchangePsk",
    "ServerKeyExchangeSrp",
    "UnknownMessage",
    "decode_message",
    "header",
]


def header(msg_type: int, body: bytes) -> bytes:
    """The 4-byte handshake header followed by ``body``."""
    return bytes((msg_type,)) + len(body).to_bytes(3, "big") + body


class HandshakeMessage:
    """Base class. ``MSG_TYPE`` is the HandshakeType code."""

    __slots__ = ()
    MSG_TYPE: ClassVar[int] = -1
    #: The bytes the message was decoded from, header included (b"" if built).
    raw: bytes
    #: OpenSSL's reason when the body does not parse.
    DECODE_REASON: ClassVar[str] = "LENGTH_MISMATCH"

    @property
    def msg_type(self) -> int:
        return self.MSG_TYPE

    def encode_body(self) -> bytes:
        raise NotImplementedError

    def encode(self) -> bytes:
        return header(self.msg_type, self.encode_body())


M = TypeVar("M", bound=HandshakeMessage)


def _raw() -> bytes:
    return field(default=b"", compare=False, repr=False)


def _suites(r: Reader) -> tuple[int, ...]:
    b = r.block(2, 2)
    out = []
    while b.remaining:
        out.append(b.u16())
    return tuple(out)


class UnknownMessage(HandshakeMessage, Struct, frozen=True, slots=True):
    type: int
    body: bytes
    raw: bytes = _raw()

    @property
    def msg_type(self) -> int:
        return self.type

    def encode_body(self) -> bytes:
        return self.body


class HelloRequest(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.HELLO_REQUEST
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> Self:
        r.done()
        return cls()


class ClientHello(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.CLIENT_HELLO
    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suites: tuple[int, ...]
    compression_methods: bytes = b"\x00"
    extensions: tuple[X.Extension, ...] = ()
    raw: bytes = _raw()
    #: DTLS: the cookie after the session id (None: TLS, no cookie field).
    cookie: bytes | None = None

    def encode_body(self) -> bytes:
        return b"".join(
            (
                self.legacy_version.to_bytes(2, "big"),
                self.random,
                vec(1, self.session_id),
                b"" if self.cookie is None else vec(1, self.cookie),
                vec(2, b"".join(s.to_bytes(2, "big") for s in self.cipher_suites)),
                vec(1, self.compression_methods),
                X.encode_extensions(self.extensions) if self.extensions else b"",
            )
        )

    def encode_truncated(self) -> bytes:
        """The message up to (not including) the PSK binders (RFC 8446 §4.2.11.2)."""
        psk = self.extensions[-1]
        if not isinstance(psk, X.PreSharedKeyClient):
            raise ValueError("pre_shared_key is not the last extension")
        full = self.encode()
        return full[: len(full) - len(psk.encode_binders())]

    @classmethod
    def decode(cls, r: Reader) -> Self:
        v = r.u16()
        rnd = r.read(32)
        sid = r.vec(1, 0, 32)
        suites = _suites(r)
        comp = r.vec(1, 1)
        exts = X.decode_extensions(r, X.Context.CH) if r.remaining else ()
        r.done()
        return cls(v, rnd, sid, suites, comp, exts)

    def ext(self, cls: type[X.E]) -> X.E | None:
        return X.find(self.extensions, cls)


class ServerHello(HandshakeMessage, Struct, frozen=True, slots=True):
    """ServerHello, or a HelloRetryRequest when ``random`` is the HRR value."""

    MSG_TYPE = P.SERVER_HELLO
    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression_method: int = 0
    extensions: tuple[X.Extension, ...] = ()
    raw: bytes = _raw()
    #: True when the message ended after the compression method (TLS <= 1.2
    #: allows no extensions block at all); keeps re-encoding byte-exact.
    no_extensions_block: bool = field(default=False, compare=False, repr=False)

    @property
    def is_hello_retry_request(self) -> bool:
        return self.random == P.HRR_RANDOM

    def encode_body(self) -> bytes:
        exts = b""
        if self.extensions or not self.no_extensions_block:
            exts = X.encode_extensions(self.extensions)
        return b"".join(
            (
                self.legacy_version.to_bytes(2, "big"),
                self.random,
                vec(1, self.session_id),
                self.cipher_suite.to_bytes(2, "big"),
                bytes((self.compression_method,)),
                exts,
            )
        )

    @classmethod
    def decode(cls, r: Reader) -> Self:
        v = r.u16()
        rnd = r.read(32)
        sid = r.vec(1)
        suite = r.u16()
        comp = r.u8()
        if not r.remaining:
            return cls(v, rnd, sid, suite, comp, (), no_extensions_block=True)
        ctx = X.Context.HRR if rnd == P.HRR_RANDOM else X.Context.SH
        exts = X.decode_extensions(r, ctx, "BAD_LENGTH")
        if r.remaining:
            raise DecodeError("trailing bytes", "BAD_LENGTH")
        return cls(v, rnd, sid, suite, comp, exts)

    def ext(self, cls: type[X.E]) -> X.E | None:
        return X.find(self.extensions, cls)


class NewSessionTicket13(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.NEW_SESSION_TICKET
    lifetime: int
    age_add: int
    nonce: bytes
    ticket: bytes
    extensions: tuple[X.Extension, ...] = ()
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return b"".join(
            (
                self.lifetime.to_bytes(4, "big"),
                self.age_add.to_bytes(4, "big"),
                vec(1, self.nonce),
                vec(2, self.ticket),
                X.encode_extensions(self.extensions),
            )
        )

    @classmethod
    def decode(cls, r: Reader) -> Self:
        life = r.u32()
        add = r.u32()
        nonce = r.vec(1)
        ticket = r.vec(2, 1)
        exts = X.decode_extensions(r, X.Context.NST)
        r.done()
        return cls(life, add, nonce, ticket, exts)


class NewSessionTicket12(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 5077 §3.3."""

    MSG_TYPE = P.NEW_SESSION_TICKET
    lifetime_hint: int
    ticket: bytes
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return self.lifetime_hint.to_bytes(4, "big") + vec(2, self.ticket)

    @classmethod
    def decode(cls, r: Reader) -> Self:
        hint = r.u32()
        t = r.vec(2)
        r.done()
        return cls(hint, t)


class EndOfEarlyData(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.END_OF_EARLY_DATA
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> Self:
        r.done()
        return cls()


class EncryptedExtensions(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.ENCRYPTED_EXTENSIONS
    extensions: tuple[X.Extension, ...] = ()
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return X.encode_extensions(self.extensions)

    @classmethod
    def decode(cls, r: Reader) -> Self:
        exts = X.decode_extensions(r, X.Context.EE)
        r.done()
        return cls(exts)

    def ext(self, cls: type[X.E]) -> X.E | None:
        return X.find(self.extensions, cls)


class CertificateEntry(Struct, frozen=True, slots=True):
    data: bytes  # DER X.509 (or a raw public key)
    extensions: tuple[X.Extension, ...] = ()


class Certificate13(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.CERTIFICATE
    context: bytes
    entries: tuple[CertificateEntry, ...]
    raw: bytes = _raw()

    @property
    def chain(self) -> tuple[bytes, ...]:
        return tuple(e.data for e in self.entries)

    def encode_body(self) -> bytes:
        lst = b"".join(vec(3, e.data) + X.encode_extensions(e.extensions) for e in self.entries)
        return vec(1, self.context) + vec(3, lst)

    @classmethod
    def decode(cls, r: Reader) -> Self:
        ctx = r.vec(1)
        b = r.block(3)
        entries = []
        while b.remaining:
            data = b.vec(3)  # an empty entry is the certificate check's to refuse
            entries.append(CertificateEntry(data, X.decode_extensions(b, X.Context.CT)))
        r.done()
        return cls(ctx, tuple(entries))


class CompressedCertificate(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 8879: ``algorithm`` (u16), ``uncompressed_length`` (u24) and the
    compressed Certificate message body (u24-prefixed). Decoding keeps the
    body as it came and never fails: OpenSSL reads the fields one at a time
    in ``tls13_process_compressed_certificate``, each with its own alert
    (:func:`sclient.tls.certcomp.expand`); the properties read them leniently
    for the renderers (None where the bytes are short)."""

    MSG_TYPE = P.COMPRESSED_CERTIFICATE
    body: bytes
    raw: bytes = _raw()

    @classmethod
    def build(cls, algorithm: int, uncompressed_length: int, compressed: bytes) -> Self:
        head = algorithm.to_bytes(2, "big") + uncompressed_length.to_bytes(3, "big")
        return cls(head + vec(3, compressed))

    @property
    def algorithm(self) -> int | None:
        return int.from_bytes(self.body[:2], "big") if len(self.body) >= 2 else None

    @property
    def uncompressed_length(self) -> int | None:
        return int.from_bytes(self.body[2:5], "big") if len(self.body) >= 5 else None

    @property
    def compressed_length(self) -> int | None:
        return int.from_bytes(self.body[5:8], "big") if len(self.body) >= 8 else None

    def encode_body(self) -> bytes:
        return self.body

    @classmethod
    def decode(cls, r: Reader) -> Self:
        return cls(r.rest())


class Certificate12(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.CERTIFICATE
    certificates: tuple[bytes, ...]
    raw: bytes = _raw()

    @property
    def chain(self) -> tuple[bytes, ...]:
        return self.certificates

    def encode_body(self) -> bytes:
        return vec(3, b"".join(vec(3, c) for c in self.certificates))

    @classmethod
    def decode(cls, r: Reader) -> Self:
        b = r.block(3)
        certs = []
        while b.remaining:
            certs.append(b.vec(3))  # an empty entry is the certificate check's to refuse
        r.done()
        return cls(tuple(certs))


class ServerKeyExchangeEcdhe(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 8422 §5.4 (named_curve only). ``scheme`` is None before TLS 1.2."""

    MSG_TYPE = P.SERVER_KEY_EXCHANGE
    group: int
    public: bytes
    scheme: int | None
    signature: bytes
    curve_type: int = 3
    raw: bytes = _raw()

    @property
    def params(self) -> bytes:
        """The signed ServerECDHParams."""
        return bytes((self.curve_type,)) + self.group.to_bytes(2, "big") + vec(1, self.public)

    def encode_body(self) -> bytes:
        s = b"" if self.scheme is None else self.scheme.to_bytes(2, "big")
        return self.params + s + vec(2, self.signature)

    @classmethod
    def decode(cls, r: Reader, tls12: bool = True) -> Self:
        ct = r.u8()  # the engine rejects anything but named_curve (3)
        g = r.u16()
        pub = r.vec(1)  # an empty point is "bad ecpoint", not a decode error
        scheme = r.u16() if tls12 else None
        sig = r.vec(2)
        r.done()
        return cls(g, pub, scheme, sig, ct)


class ServerKeyExchangeDhe(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 5246 §7.4.3 ServerDHParams + signature."""

    MSG_TYPE = P.SERVER_KEY_EXCHANGE
    p: bytes
    g: bytes
    ys: bytes
    scheme: int | None
    signature: bytes
    raw: bytes = _raw()

    @property
    def params(self) -> bytes:
        return vec(2, self.p) + vec(2, self.g) + vec(2, self.ys)

    def encode_body(self) -> bytes:
        s = b"" if self.scheme is None else self.scheme.to_bytes(2, "big")
        return self.params + s + vec(2, self.signature)

    @classmethod
    def decode(cls, r: Reader, tls12: bool = True) -> Self:
        # Empty values are zero: the parameter check refuses them ("bad dh value").
        p = r.vec(2)
        g = r.vec(2)
        ys = r.vec(2)
        scheme = r.u16() if tls12 else None
        sig = r.vec(2)
        r.done()
        return cls(p, g, ys, scheme, sig)


class ServerKeyExchangeSrp(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 5054 §2.8.2 ServerSRPParams (N, g, s, B), then for the SRP-RSA and
    SRP-DSS suites the signature (``scheme`` None: unsigned or before TLS 1.2)."""

    MSG_TYPE = P.SERVER_KEY_EXCHANGE
    DECODE_REASON = "SRP_LENGTH_MISMATCH"
    n: bytes
    g: bytes
    salt: bytes
    b: bytes
    scheme: int | None = None
    signature: bytes | None = None
    raw: bytes = _raw()

    @property
    def params(self) -> bytes:
        """The signed ServerSRPParams."""
        return vec(2, self.n) + vec(2, self.g) + vec(1, self.salt) + vec(2, self.b)

    def encode_body(self) -> bytes:
        out = self.params
        if self.signature is not None:
            if self.scheme is not None:
                out += self.scheme.to_bytes(2, "big")
            out += vec(2, self.signature)
        return out

    @classmethod
    def decode(cls, r: Reader, tls12: bool = True) -> Self:
        n = r.vec(2)
        g = r.vec(2)
        salt = r.vec(1)
        b = r.vec(2)
        scheme: int | None = None
        sig: bytes | None = None
        if r.remaining:  # a signature follows (the suite says whether one must)
            scheme = r.u16() if tls12 else None
            sig = r.vec(2)
        r.done()
        return cls(n, g, salt, b, scheme, sig)


#: TLS <= 1.2 key exchanges that carry a PSK identity (RFC 4279, RFC 5489).
PSK_KX = frozenset({"PSK", "DHEPSK", "ECDHEPSK", "RSAPSK"})


class ServerKeyExchangePsk(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 4279 §2, §3, §4 and RFC 5489: ``psk_identity_hint``, then for
    DHE-PSK the ServerDHParams and for ECDHE-PSK the ServerECDHParams
    (named_curve), unsigned."""

    MSG_TYPE = P.SERVER_KEY_EXCHANGE
    kx: str
    hint: bytes
    p: bytes = b""
    g: bytes = b""
    ys: bytes = b""
    group: int = 0
    public: bytes = b""
    curve_type: int = 3
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        out = vec(2, self.hint)
        if self.kx == "DHEPSK":
            out += vec(2, self.p) + vec(2, self.g) + vec(2, self.ys)
        elif self.kx == "ECDHEPSK":
            out += bytes((self.curve_type,)) + self.group.to_bytes(2, "big") + vec(1, self.public)
        return out

    @classmethod
    def decode(cls, r: Reader, kx: str = "PSK") -> Self:
        hint = r.vec(2)
        if kx == "DHEPSK":
            p = r.vec(2)
            g = r.vec(2)
            ys = r.vec(2)
            r.done()
            return cls(kx, hint, p, g, ys)
        if kx == "ECDHEPSK":
            ct = r.u8()
            group = r.u16()
            pub = r.vec(1)
            r.done()
            return cls(kx, hint, group=group, public=pub, curve_type=ct)
        r.done()
        return cls(kx, hint)


class ClientKeyExchangePsk(HandshakeMessage, Struct, frozen=True, slots=True):
    """``psk_identity``, then the DH Yc (``width`` 2), the ECDH point
    (``width`` 1), the RSA-encrypted premaster (``width`` 2) or nothing
    (``width`` 0, plain PSK)."""

    MSG_TYPE = P.CLIENT_KEY_EXCHANGE
    identity: bytes
    exchange: bytes = b""
    width: int = 0
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return vec(2, self.identity) + (vec(self.width, self.exchange) if self.width else b"")

    @classmethod
    def decode(cls, r: Reader, width: int = 0) -> Self:
        identity = r.vec(2)
        e = r.vec(width, 1) if width else b""
        r.done()
        return cls(identity, e, width)


class CertificateRequest13(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.CERTIFICATE_REQUEST
    context: bytes
    extensions: tuple[X.Extension, ...]
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return vec(1, self.context) + X.encode_extensions(self.extensions)

    @classmethod
    def decode(cls, r: Reader) -> Self:
        ctx = r.vec(1)
        exts = X.decode_extensions(r, X.Context.CR)
        r.done()
        return cls(ctx, exts)

    def ext(self, cls: type[X.E]) -> X.E | None:
        return X.find(self.extensions, cls)


class CertificateRequest12(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.CERTIFICATE_REQUEST
    certificate_types: bytes
    signature_schemes: tuple[int, ...]
    authorities: tuple[bytes, ...]
    raw: bytes = _raw()
    #: False for TLS 1.0/1.1 (no supported_signature_algorithms field).
    tls12: bool = True
    #: The supported_signature_algorithms field was empty or of odd length
    #: (the state machine refuses it, with OpenSSL's alert).
    bad_sigalgs: bool = field(default=False, compare=False, repr=False)

    def encode_body(self) -> bytes:
        schemes = b"".join(s.to_bytes(2, "big") for s in self.signature_schemes)
        return b"".join(
            (
                vec(1, self.certificate_types),
                vec(2, schemes) if self.tls12 else b"",
                vec(2, b"".join(vec(2, a) for a in self.authorities)),
            )
        )

    @classmethod
    def decode(cls, r: Reader, tls12: bool = True) -> Self:
        # certificate_types<1..2^8-1>, but OpenSSL reads an empty list; the
        # signature algorithms and each DistinguishedName are checked by the
        # state machine (OpenSSL's alerts differ from decode_error there).
        types = r.vec(1)
        schemes = []
        bad = False
        if tls12:
            b = r.block(2)
            bad = b.remaining == 0 or b.remaining % 2 == 1
            while b.remaining >= 2:
                schemes.append(b.u16())
            b.rest()
        b = r.block(2)
        cas = []
        while b.remaining:
            cas.append(b.vec(2))
        r.done()
        return cls(types, tuple(schemes), tuple(cas), tls12=tls12, bad_sigalgs=bad)


class ServerHelloDone(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.SERVER_HELLO_DONE
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, r: Reader) -> Self:
        r.done()
        return cls()


class CertificateVerify(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.CERTIFICATE_VERIFY
    #: None in TLS 1.0/1.1 and SSL 3.0, whose CertificateVerify is the signature alone.
    scheme: int | None
    signature: bytes
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        head = b"" if self.scheme is None else self.scheme.to_bytes(2, "big")
        return head + vec(2, self.signature)

    @classmethod
    def decode(cls, r: Reader) -> Self:
        s = r.u16()
        sig = r.vec(2)
        r.done()
        return cls(s, sig)


class ClientKeyExchange(HandshakeMessage, Struct, frozen=True, slots=True):
    """``exchange`` is the ECDH point (``width`` 1), the DH Yc or the
    RSA-encrypted premaster (``width`` 2, or 0 in SSL 3.0: no length)."""

    MSG_TYPE = P.CLIENT_KEY_EXCHANGE
    exchange: bytes
    width: int = 1
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        # width 0: SSL 3.0's RSA-encrypted secret, which has no length.
        return vec(self.width, self.exchange) if self.width else self.exchange

    @classmethod
    def decode(cls, r: Reader, width: int = 1) -> Self:
        e = r.vec(width, 1)
        r.done()
        return cls(e, width)


class Finished(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.FINISHED
    verify_data: bytes
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return self.verify_data

    @classmethod
    def decode(cls, r: Reader) -> Self:
        return cls(r.rest())


class NextProtocol(HandshakeMessage, Struct, frozen=True, slots=True):
    """draft-agl-tls-nextprotoneg-04 §4: the protocol chosen, padded so that
    the body is a multiple of 32 bytes long; sent encrypted before Finished."""

    MSG_TYPE = P.NEXT_PROTO
    protocol: bytes
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        padding = 32 - ((len(self.protocol) + 2) % 32)
        return vec(1, self.protocol) + vec(1, bytes(padding))

    @classmethod
    def decode(cls, r: Reader) -> Self:
        protocol = r.vec(1)
        r.vec(1)
        r.done()
        return cls(protocol)


class CertificateStatus(HandshakeMessage, Struct, frozen=True, slots=True):
    """RFC 6066 §8 (TLS <= 1.2): an OCSP response."""

    MSG_TYPE = P.CERTIFICATE_STATUS
    response: bytes
    status_type: int = 1
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return X.encode_certificate_status(self.status_type, self.response)

    @classmethod
    def decode(cls, r: Reader) -> Self:
        return cls(*X.decode_certificate_status(r))


class KeyUpdate(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.KEY_UPDATE
    request_update: int  # 0 update_not_requested, 1 update_requested
    raw: bytes = _raw()

    def encode_body(self) -> bytes:
        return bytes((self.request_update,))

    @classmethod
    def decode(cls, r: Reader) -> Self:
        v = r.u8()
        r.done()
        return cls(v)


_COMMON: dict[int, type[HandshakeMessage]] = {
    P.HELLO_REQUEST: HelloRequest,
    P.CLIENT_HELLO: ClientHello,
    P.SERVER_HELLO: ServerHello,
    P.END_OF_EARLY_DATA: EndOfEarlyData,
    P.ENCRYPTED_EXTENSIONS: EncryptedExtensions,
    P.SERVER_HELLO_DONE: ServerHelloDone,
    P.CERTIFICATE_VERIFY: CertificateVerify,
    P.FINISHED: Finished,
    P.CERTIFICATE_STATUS: CertificateStatus,
    P.KEY_UPDATE: KeyUpdate,
}
_TLS13: dict[int, type[HandshakeMessage]] = {
    P.NEW_SESSION_TICKET: NewSessionTicket13,
    P.CERTIFICATE: Certificate13,
    P.CERTIFICATE_REQUEST: CertificateRequest13,
    P.COMPRESSED_CERTIFICATE: CompressedCertificate,
}
_TLS12: dict[int, type[HandshakeMessage]] = {
    P.NEW_SESSION_TICKET: NewSessionTicket12,
    P.CERTIFICATE: Certificate12,
    P.CERTIFICATE_REQUEST: CertificateRequest12,
}


def message_class(
    msg_type: int, tls13: bool = True, kx: str | None = None
) -> type[HandshakeMessage]:
    """The class :func:`decode_message` uses (``UnknownMessage`` if none)."""
    if msg_type == P.SERVER_KEY_EXCHANGE:
        if kx in PSK_KX:
            return ServerKeyExchangePsk
        if kx == "SRP":
            return ServerKeyExchangeSrp
        return ServerKeyExchangeDhe if kx == "DH" else ServerKeyExchangeEcdhe
    if msg_type == P.CLIENT_KEY_EXCHANGE:
        return ClientKeyExchangePsk if kx in PSK_KX else ClientKeyExchange
    cls = _COMMON.get(msg_type) or (_TLS13 if tls13 else _TLS12).get(msg_type)
    return cls or UnknownMessage


def decode_message(
    raw: bytes, tls13: bool = True, kx: str | None = None, tls12: bool = True
) -> HandshakeMessage:
    """Decode one complete message (``raw`` includes the 4-byte header).

    ``tls13`` picks the TLS 1.3 body of Certificate/CertificateRequest/
    NewSessionTicket; ``kx`` ("ECDH" or "DH") the ServerKeyExchange body and
    ("ECDH", "DH", "RSA") the ClientKeyExchange width; ``tls12`` says whether
    ServerKeyExchange carries a signature scheme.
    """
    if len(raw) < 4 or int.from_bytes(raw[1:4], "big") != len(raw) - 4:
        raise DecodeError("bad handshake header")
    t = raw[0]
    cls = message_class(t, tls13, kx)
    r = Reader(raw, 4)
    msg: HandshakeMessage
    try:
        if cls is UnknownMessage:
            msg = UnknownMessage(t, r.rest())
        elif cls in (
            ServerKeyExchangeDhe,
            ServerKeyExchangeEcdhe,
            ServerKeyExchangeSrp,
            CertificateRequest12,
        ):
            msg = cls.decode(r, tls12)
        elif cls is ClientKeyExchange:
            msg = ClientKeyExchange.decode(r, 1 if kx == "ECDH" else 2)
        elif cls is ServerKeyExchangePsk:
            msg = ServerKeyExchangePsk.decode(r, kx or "PSK")
        elif cls is ClientKeyExchangePsk:
            msg = ClientKeyExchangePsk.decode(r, {"PSK": 0, "ECDHEPSK": 1}.get(kx or "PSK", 2))
        else:
            msg = cls.decode(r)  # type: ignore[attr-defined]
    except DecodeError as e:
        if e.reason == "LENGTH_MISMATCH" and cls.DECODE_REASON != "LENGTH_MISMATCH":
            raise DecodeError(e.detail, cls.DECODE_REASON) from None
        raise
    object.__setattr__(msg, "raw", bytes(raw))  # frozen: set once, at birth
    return msg
