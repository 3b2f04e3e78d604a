"""Events the engine emits: small frozen record classes (``sclient.base.structs``), the engine's only output.

``Client.receive()`` returns them in the order things happened. Renderers
(``-msg``, ``-debug``, the summary, JSON) read events and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.base.structs import Struct, field

if TYPE_CHECKING:
    from sclient.tls.config import Verdict
    from sclient.tls.errors import TLSError
    from sclient.tls.session import Session


class Event(Struct, frozen=True, slots=True):
    """Base class of all engine events."""


class RecordSent(Event, frozen=True, slots=True):
    """One record written (``raw`` = header + fragment as on the wire)."""

    content_type: int
    version: int
    raw: bytes
    inner_type: int | None = None  # TLS 1.3 inner content type of a protected record


class RecordReceived(Event, frozen=True, slots=True):
    content_type: int
    version: int
    raw: bytes
    inner_type: int | None = None


class RecordHeaderReceived(Event, frozen=True, slots=True):
    """The record layer read a record's 5-byte ``header``: OpenSSL's message
    callback shows it before the body is read. The :class:`RecordReceived`
    of the record follows, or, when the record is refused (a bad header, a
    body that does not decrypt), the failure."""

    header: bytes


class HandshakeSent(Event, frozen=True, slots=True):
    """A handshake message we sent; ``raw`` includes the 4-byte header."""

    msg_type: int
    raw: bytes
    message: object = None


class HandshakeReceived(Event, frozen=True, slots=True):
    msg_type: int
    raw: bytes
    message: object = None


class ChangeCipherSpecSent(Event, frozen=True, slots=True):
    pass


class ChangeCipherSpecReceived(Event, frozen=True, slots=True):
    pass


class AlertSent(Event, frozen=True, slots=True):
    level: int
    description: int


class AlertReceived(Event, frozen=True, slots=True):
    level: int
    description: int


class StateChanged(Event, frozen=True, slots=True):
    """OpenSSL-style handshake state reached (``-state``): a key of registry states."""

    state: str


class KeylogSecret(Event, frozen=True, slots=True):
    """An NSS key-log line: ``label`` ``client_random`` ``secret``."""

    label: str
    client_random: bytes
    secret: bytes


class PeerCertificates(Event, frozen=True, slots=True):
    """The server's Certificate message, DER certificates in the order sent."""

    chain: tuple[bytes, ...]


class CertificateVerified(Event, frozen=True, slots=True):
    """The verifier (``ClientConfig.verify_certificates``) judged the chain
    of the :class:`PeerCertificates` before it: OpenSSL's verification
    moment. A ``verdict.alert`` ends the handshake next."""

    chain: tuple[bytes, ...]
    verdict: Verdict


class ServerHelloAccepted(Event, frozen=True, slots=True):
    """The ServerHello's version was accepted: the connection speaks
    ``version`` from here on (the suite may still be refused next)."""

    version: int


class ServerExtensionsSettled(Event, frozen=True, slots=True):
    """OpenSSL's extension finalisers ran (``final_server_name`` among them,
    where s_client's servername callback looks): right after the
    :class:`HandshakeReceived` of a ServerHello without supported_versions
    (TLS <= 1.2), else of the first later handshake message (in TLS 1.3 the
    EncryptedExtensions). Once per handshake."""


class CertificateRequested(Event, frozen=True, slots=True):
    """The server asked for a client certificate."""

    certificate_types: tuple[int, ...] = ()
    signature_schemes: tuple[int, ...] = ()
    authorities: tuple[bytes, ...] = ()  # DER-encoded distinguished names
    #: A TLS 1.3 post-handshake request (``-enable_pha``).
    post_handshake: bool = False
    #: TLS 1.3 signature_algorithms_cert (None: not sent).
    cert_schemes: tuple[int, ...] | None = None


class CertChainChecked(Event, frozen=True, slots=True):
    """One ``-xcert`` set checked against a CertificateRequest
    (``SSL_check_chain``): ``index`` counts from 1, ``flags`` are the
    ``CHAIN_*`` bits of :mod:`sclient.tls.clientauth`; ``install_fails``:
    installing it failed (the handshake fails next)."""

    index: int
    certificate: bytes
    flags: int
    install_fails: bool = False


class SessionOffered(Event, frozen=True, slots=True):
    """The ClientHello offers ``session`` (``-sess_in``, ``-reconnect``): until
    a ServerHello settles another, it is the connection's session, the one a
    failed handshake's summary shows (OpenSSL's SSL_set_session). With
    ``early_data`` it carries the early_data extension: the early data counts
    as rejected until the server accepts it."""

    session: Session | None
    early_data: bool = field(default=False)


class ClientCertificateSent(Event, frozen=True, slots=True):
    """Our answer to a CertificateRequest: the chain sent (empty when no
    certificate fits the request) and the CertificateVerify scheme."""

    chain: tuple[bytes, ...] = ()
    scheme: int | None = None
    post_handshake: bool = False


class Negotiated(Struct, frozen=True, slots=True):
    """What the handshake settled; the summary and JSON are printed from this."""

    version: int
    cipher_suite: int
    client_random: bytes
    server_random: bytes
    session_id: bytes
    resumed: bool = False
    group: int | None = None  # key-exchange group (TLS 1.3, or ECDHE in 1.2)
    dh_bits: int | None = None  # TLS 1.2 DHE prime size
    peer_signature_scheme: int | None = None
    alpn: bytes | None = None
    server_name_sent: str | None = None
    server_name_acked: bool = False
    secure_renegotiation: bool = False
    extended_master_secret: bool = False
    encrypt_then_mac: bool = False
    max_fragment_length: int | None = None
    peer_chain: tuple[bytes, ...] = ()
    hello_retry_request: bool = False
    server_extensions: tuple[int, ...] = ()  # extension types seen in SH/EE, in order
    early_data: str = "not sent"  # "not sent" | "accepted" | "rejected"
    certificate_request: CertificateRequested | None = None
    ec_point_formats: tuple[int, ...] | None = None  # TLS <= 1.2, server's list if sent
    compression: int = 0  # TLS <= 1.2 compression method (1: DEFLATE, -comp)
    srtp_profile: int | None = None  # DTLS-SRTP: the profile the server chose
    heartbeat: int | None = None  # RFC 6520: the server's HeartbeatMode (None: not sent)


class HandshakeComplete(Event, frozen=True, slots=True):
    """The handshake finished: what it settled and the session it made.
    ``resumed_session``: the offered session the server agreed to resume
    (None: a full handshake, or an external PSK)."""

    negotiated: Negotiated
    session: Session
    resumed_session: Session | None = None


class NewSessionTicket(Event, frozen=True, slots=True):
    """A ticket arrived; ``session`` is the resumable session it makes."""

    session: Session
    post_handshake: bool = True


class ApplicationData(Event, frozen=True, slots=True):
    """Application data received. With ``ClientConfig.bulk_data``, the
    contents of all the records one receive call opened in a run, as a view
    of the engine's buffer, valid until the next receive call."""

    data: bytes | memoryview


class RenegotiationComplete(Event, frozen=True, slots=True):
    """A renegotiation finished: the new keys are in use both ways. The
    fields are :class:`HandshakeComplete`'s for the new handshake."""

    negotiated: Negotiated
    session: Session
    resumed_session: Session | None = None
    by_server: bool = False


class ConnectionClosed(Event, frozen=True, slots=True):
    """The peer sent close_notify. During the handshake the fields say, as
    :class:`ConnectionFailed`'s do, what was settled by then (after it they
    are left unset: :class:`HandshakeComplete` said it all)."""

    version: int | None = field(default=None)
    negotiated: Negotiated | None = field(default=None)
    session: Session | None = field(default=None)
    ccs_sent: bool = field(default=False)


class ConnectionFailed(Event, frozen=True, slots=True):
    """A fatal error; always the last event. The fatal alert (if any) is queued."""

    error: TLSError
    during_handshake: bool = field(default=True)
    #: How much of the peer's stream OpenSSL's record layer would have read by
    #: then (it reads a header, then its body, never ahead): the byte count
    #: s_client prints after a failure.
    bytes_read: int = field(default=0)
    #: The version the ServerHello settled (None: none accepted yet).
    version: int | None = field(default=None)
    #: What the handshake had settled so far (None before the ServerHello chose a suite).
    negotiated: Negotiated | None = field(default=None)
    #: The session as far as it got (``cipher_suite`` None until complete).
    session: Session | None = field(default=None)
    #: Our ChangeCipherSpec was written.
    ccs_sent: bool = field(default=False)


#: The events that bring a session the application may keep (OpenSSL's
#: new-session callback runs on each).
SESSION_EVENTS = (HandshakeComplete, RenegotiationComplete, NewSessionTicket)
