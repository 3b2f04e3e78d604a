"""What DTLS changes in the handshake, at the edges of the TLS states.

* Versions: the states speak TLS 1.1 for DTLS 1.0 and TLS 1.2 for DTLS 1.2;
  the ClientHello and ServerHello carry the DTLS versions, and so do the
  events the client reports (:func:`dtls_events`).
* Our messages get message_seq (:class:`Framer`): the 12-byte header is what
  is sent, hashed into the transcript and reported.
* The ClientHello has a cookie; a HelloVerifyRequest (RFC 6347 §4.2.1) is
  answered with the same ClientHello carrying the server's cookie, and
  neither the first ClientHello nor the HelloVerifyRequest is hashed.
"""

from __future__ import annotations

from typing import Any

from sclient.base import structs
from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.crypto.transcript import Transcript
from sclient.tls.dtls.records import tls_version, wire_version
from sclient.tls.errors import DecodeError, LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext_types
from sclient.tls.registry import protocol as P
from sclient.tls.states import Handshake, OsslState
from sclient.tls.wire.buffer import Reader
from sclient.tls.wire.handshake import (
    ClientHello,
    HandshakeMessage,
    ServerHello,
    decode_message,
)

__all__ = [
    "Framer",
    "HelloVerifyRequest",
    "client_hello",
    "decode",
    "dtls_events",
    "hello_verify_request",
]

#: OpenSSL's read state after a HelloVerifyRequest.
CR_HELLO_VERIFY = "DTLS1 read hello verify request"


class HelloVerifyRequest(HandshakeMessage, Struct, frozen=True, slots=True):
    MSG_TYPE = P.HELLO_VERIFY_REQUEST
    server_version: int
    cookie: bytes
    raw: bytes = structs.field(default=b"", compare=False, repr=False)

    def encode_body(self) -> bytes:
        return self.server_version.to_bytes(2, "big") + bytes((len(self.cookie),)) + self.cookie


#: HelloVerifyRequests accepted in one handshake. RFC 6347 sets no limit
#: and OpenSSL 3.0 has none: a server that answers every ClientHello with a
#: new cookie keeps s_client resending for ever. sclient gives up after this
#: many (unexpected_message).
MAX_HELLO_VERIFY = 8


class Framer:
    """Our message_seq: each message we send gets the next; the
    HelloVerifyRequests of this handshake."""

    __slots__ = ("completed", "hello_verifies", "seq")

    def __init__(self) -> None:
        self.seq = 0
        self.hello_verifies = 0
        #: The handshake whose end reset the sequence numbers.
        self.completed: object = None

    def frame(self, raw: bytes) -> bytes:
        """A TLS-framed message (4-byte header) in DTLS form."""
        body = raw[4:]
        n = raw[1:4]
        out = b"".join((raw[:1], n, self.seq.to_bytes(2, "big"), b"\0\0\0", n, body))
        self.seq += 1
        return out


def client_hello(ch: ClientHello) -> ClientHello:
    """The ClientHello as DTLS sends it: the DTLS version, an empty cookie;
    for DTLS 1.0 alone no signature_algorithms (a TLS 1.2 extension)."""
    version = ch.legacy_version
    if version >> 8 == 3:
        version = wire_version(version)
    exts = ch.extensions
    if version == P.DTLS1_0:
        exts = tuple(e for e in exts if e.ext_type != ext_types.SIGNATURE_ALGORITHMS)
    return structs.replace(ch, legacy_version=version, cookie=b"", extensions=exts)


def decode(raw: bytes, **kw: Any) -> HandshakeMessage:
    """Decode a message with its DTLS header (the states see TLS versions)."""
    if raw[0] == P.HELLO_VERIFY_REQUEST:
        r = Reader(raw, 12)
        try:
            version = r.u16()
            cookie = r.vec(1)
            r.done()
        except DecodeError:
            raise DecodeError("HelloVerifyRequest", "LENGTH_MISMATCH") from None
        msg: HandshakeMessage = HelloVerifyRequest(version, cookie)
    else:
        msg = decode_message(raw[:4] + raw[12:], **kw)
        if isinstance(msg, ServerHello):
            inner = tls_version(msg.legacy_version) or 0
            msg = structs.replace(msg, legacy_version=inner)
    object.__setattr__(msg, "raw", raw)
    return msg


def hello_verify_request(hs: Handshake, hvr: HelloVerifyRequest, framer: Framer) -> None:
    """dtls_process_hello_verify: the ClientHello again, with the cookie; the
    transcript starts over with it."""
    framer.hello_verifies += 1
    if framer.hello_verifies > MAX_HELLO_VERIFY:
        raise LocalError(
            alerts.UNEXPECTED_MESSAGE,
            "UNEXPECTED_MESSAGE",
            "HelloVerifyRequest after HelloVerifyRequest",
        )
    ch = structs.replace(hs.ch, cookie=hvr.cookie)
    hs.ch = ch
    hs.transcript = Transcript()
    hs.loop(OsslState.CW_CLNT_HELLO)
    hs.send_message(ch)
    hs.loop()


def srtp_answer(data: bytes, offered: tuple[int, ...]) -> int | LocalError:
    """tls_parse_stoc_use_srtp: one profile, no MKI, one we offered (OpenSSL
    answers decode_error when it is not, observed); the profile or the error."""
    r = Reader(data)
    try:
        if r.u16() != 2:
            raise DecodeError("profile list length")
        profile = r.u16()
        mki = r.u8()
        r.done()
    except DecodeError:
        return LocalError(alerts.DECODE_ERROR, "BAD_SRTP_PROTECTION_PROFILE_LIST")
    if mki != 0:
        return LocalError(alerts.ILLEGAL_PARAMETER, "BAD_SRTP_MKI_VALUE")
    if profile not in offered:
        return LocalError(alerts.DECODE_ERROR, "BAD_SRTP_PROTECTION_PROFILE_LIST")
    return profile


def srtp_parses(msg: HandshakeMessage, offered: tuple[int, ...]) -> bool:
    """A ServerHello's use_srtp (if any) parses: else OpenSSL stops before its
    extension finalisers."""
    for e in getattr(msg, "extensions", ()):
        if e.ext_type == ext_types.USE_SRTP and isinstance(
            srtp_answer(e.encode_body(), offered), LocalError
        ):
            return False
    return True


def use_srtp(hs: Handshake, e: Any) -> None:
    """The server's use_srtp: the profile it chose."""
    got = srtp_answer(e.encode_body(), hs.config.srtp_profiles)
    if isinstance(got, LocalError):
        raise got
    hs.facts.srtp_profile = got


def _version(v: int | None) -> int | None:
    return None if v is None or v >> 8 != 3 else wire_version(v)


def _session(s: Any) -> Any:
    if s is None or s.version >> 8 != 3:
        return s
    return structs.replace(s, version=wire_version(s.version))


def dtls_events(events: list[ev.Event]) -> list[ev.Event]:
    """The events with the DTLS versions where the states put TLS ones."""
    out: list[ev.Event] = []
    for e in events:
        changes: dict[str, Any] = {}
        for name in ("version", "negotiated", "session", "resumed_session"):
            if not hasattr(e, name) or isinstance(e, ev.RecordSent | ev.RecordReceived):
                continue
            value = getattr(e, name)
            if name == "version":
                if isinstance(value, int) and value >> 8 == 3:
                    changes[name] = _version(value)
            elif name == "negotiated":
                if value is not None and value.version >> 8 == 3:
                    changes[name] = structs.replace(value, version=wire_version(value.version))
            else:
                new = _session(value)
                if new is not value:
                    changes[name] = new
        out.append(structs.replace(e, **changes) if changes else e)
    return out


def inner_session(s: Any) -> Any:
    """A session read from a file (DTLS version) as the states resume it."""
    if s is None:
        return s
    inner = tls_version(s.version)
    return s if inner is None else structs.replace(s, version=inner)
