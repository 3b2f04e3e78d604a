"""The collector: folds the engine's events, and the facts the driver gives it
(timestamps, byte counts, the STARTTLS exchange), into one report per
connection and one for the run. It is pure: it prints nothing, reads no
socket, and never looks inside the engine. The text summary, ``-brief`` and
``-json`` all render from what it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sclient.base import structs
from sclient.base.errorqueue import ErrorEntry
from sclient.base.structs import Struct, field
from sclient.tls import events as ev
from sclient.tls.registry.protocol import ALERT, CHANGE_CIPHER_SPEC, HANDSHAKE, TLS1_3
from sclient.tls.session import Session
from sclient.x509.verdict import ChainVerdict

if TYPE_CHECKING:
    from sclient.tls import events_rare as evr


class Message(Struct, frozen=True, slots=True):
    """One handshake message, ChangeCipherSpec or alert, sent or received, as
    the ``-json`` ``messages`` array lists it. ``t``: the driver's clock when
    the batch of events it came in was folded; ``raw``: the message bytes
    (a handshake message with its 4-byte header)."""

    sent: bool
    content_type: int
    type: int
    raw: bytes
    t: float


class Renegotiation(Struct, slots=True):
    """One renegotiation: who asked, when, what it settled (None: it did not
    finish)."""

    by_server: bool
    t_start: float
    t_end: float | None = None
    negotiated: ev.Negotiated | None = None
    resumed: bool = False


class ConnectionReport(Struct, slots=True):
    """What one TCP connection showed, as it stands (each ``-reconnect``
    connection gets its own)."""

    # ---- from the driver
    t_connect_start: float | None = None
    t_connected: float | None = None  # None: the connect failed
    t_hello_sent: float | None = None  # the ClientHello flushed
    t_first_reply: float | None = None  # the first bytes after it
    t_handshake: float | None = None
    t_end: float | None = None  # the connection was closed
    hello_time: float = 0.0  # wall clock when the handshake began (session start time)
    #: OpenSSL's session exists once it starts on the ClientHello.
    client_hello_sent: bool = False
    pre_tls_read: int = 0  # what was read before TLS (proxy, STARTTLS)
    bytes_read: int = 0  # the transport's counters, as last given
    bytes_written: int = 0
    handshake_read: int | None = None
    handshake_written: int | None = None
    starttls: Any = None  # the -starttls Exchange (sclient.app.starttls)
    first_error: int = 0  # where this connection's error-queue entries start
    first_err_line: int = 0  # where its stderr texts start
    # ---- from the engine's events
    in_init: bool = True
    version: int | None = None  # as soon as the ServerHello is accepted
    negotiated: ev.Negotiated | None = None  # the handshake completed
    settled: ev.Negotiated | None = None  # what a failed handshake had settled
    partial_session: Session | None = None  # the session a failed handshake had made
    offered_session: Session | None = None  # the session the ClientHello offered
    early_data_offered: bool = False  # the ClientHello carried early_data
    resumed_session: Session | None = None
    ccs_sent: bool = False  # our ChangeCipherSpec (TLS <= 1.2)
    peer_chain: tuple[bytes, ...] | None = None
    verdict: ChainVerdict | None = None  # None: no verification on this connection
    #: RFC 7250: (client, server) certificate types settled (None: not offered)
    cert_types: tuple[int, int] | None = None
    #: the server's raw public key (DER SubjectPublicKeyInfo; None: none came)
    peer_rpk: bytes | None = None
    cert_request: ev.CertificateRequested | None = None
    #: ``-status``: the status callback's moment (None: it did not run)
    status: evr.CertificateStatusChecked | None = None
    #: ``-ct``: the SCT sources the engine saw (None: CT was not enabled)
    scts: evr.SctsReceived | None = None
    #: the SCTs with their validation, once computed (``report.ct``)
    sct_results: list[Any] | None = None
    #: ``-keymatexport``: (label, length, material; None: the export failed),
    #: taken each time the summary is printed.
    keying_material: tuple[str, int, bytes | None] | None = None
    #: ``-nextprotoneg``: what s_client's NPN callback saw and chose (None: it did not run).
    next_protocol: evr.NextProtocolSelected | None = None
    #: ``-serverinfo``: the requested extensions the server answered, as printed.
    serverinfo: list[evr.ServerInfoReceived] = field(default_factory=list)
    pha_requests: list[ev.CertificateRequested] = field(default_factory=list)
    client_certs_sent: list[ev.ClientCertificateSent] = field(default_factory=list)
    #: RFC 8879: each Certificate that went compressed, either way, in order.
    cert_compression: list[evr.CertificateCompression] = field(default_factory=list)
    tickets: list[Session] = field(default_factory=list)
    #: The session s_client held when this connection's handshake ended.
    session: Session | None = None
    records_read: int = 0
    #: The first bytes of a reply that was no TLS (``-explain`` recognizes them).
    foreign: bytes | None = None
    tls_read: int | None = None  # what the record layer had read when it failed
    #: The TLSError s_client printed for this connection (the driver sets it:
    #: an unexpected EOF ignored under -ignore_unexpected_eof is no error).
    error: Any = None
    peer_closed: bool = False  # the server's close_notify arrived
    data_received: int = 0  # application data bytes
    #: Every handshake message, ChangeCipherSpec and alert, in order.
    messages: list[Message] = field(default_factory=list)
    #: TLS <= 1.2 renegotiations, in order (the last may be unfinished).
    renegotiations: list[Renegotiation] = field(default_factory=list)
    #: Encrypted Client Hello: what was offered and what the server did (None: no ECH).
    ech: evr.EchOutcome | None = None
    #: The GREASE values (RFC 8701) of the first ClientHello, by field (None:
    #: no ClientHello was sent; empty: it had none).
    grease: dict[str, list[int]] | None = None
    #: RFC 6520 heartbeat messages sent and received, in order.
    heartbeats: list[evr.HeartbeatSent | evr.HeartbeatReceived] = field(default_factory=list)

    def resumed(self) -> Session | None:
        """The session this connection resumed (None: a full handshake)."""
        return self.resumed_session if self.negotiated is not None else None

    def verify_code(self) -> int:
        """``SSL_get_verify_result``: a resumed session's stored result, else
        this connection's verification (OK when there was none)."""
        resumed = self.resumed()
        if resumed is not None:
            return resumed.verify_result
        return self.verdict.code if self.verdict is not None else 0

    def aborted(self) -> bool:
        return self.verdict is not None and self.verdict.aborted

    def keep(self, session: Session) -> Session:
        """The session as OpenSSL keeps it: with this connection's verify result
        (a resumed one keeps the result it was made with)."""
        if self.verdict is not None and self.resumed() is None:
            return structs.replace(session, verify_result=self.verdict.code)
        return session

    def ticket_session(self, session: Session) -> Session:
        """A TLS 1.3 ticket's session, with the verify result of the handshake
        that made it (a resumption's tickets keep the ticket's own)."""
        resumed = self.negotiated is not None and self.negotiated.resumed
        if self.verdict is not None and not resumed:
            return structs.replace(session, verify_result=self.verdict.code)
        return session


class RunReport(Struct, slots=True):
    """The whole run: its connections (the last is the current one), the
    session s_client holds, the error queue, and how it ended."""

    connections: list[ConnectionReport] = field(default_factory=list)
    #: OpenSSL's error queue as printed, for every connection.
    errors: list[ErrorEntry] = field(default_factory=list)
    #: The session OpenSSL's SSL object holds (carried across -reconnect).
    session: Session | None = None
    t_start: float = 0.0
    status: int = 0
    signal: int | None = None  # the signal that ended the run
    #: -connect_timeout/-max_time ended the run: ``phase``, ``limit`` (the
    #: option's name without its dash), ``seconds``.
    timeout: dict[str, object] | None = None
    #: ``-explain_probe``: what each extra connection found (report.explain.ProbeResult).
    probes: list[Any] = field(default_factory=list)

    @property
    def current(self) -> ConnectionReport:
        return self.connections[-1]


class Collector:
    """Folds events into :class:`RunReport` through a type → handler table."""

    def __init__(self, t_start: float) -> None:
        self.report = RunReport(t_start=t_start)

    def new_connection(self, first_err_line: int) -> ConnectionReport:
        """A new connection begins; ``first_err_line``: how many stderr texts
        were printed before it."""
        conn = ConnectionReport(first_error=len(self.report.errors), first_err_line=first_err_line)
        self.report.connections.append(conn)
        return conn

    def error(self, entry: ErrorEntry) -> None:
        """An entry s_client printed from the error queue."""
        self.report.errors.append(entry)

    def transport(self, bytes_read: int, bytes_written: int) -> None:
        """The transport's counters now (the driver gives them before each batch)."""
        c = self.report.current
        c.bytes_read, c.bytes_written = bytes_read, bytes_written

    def aborted(self, e: ev.ConnectionFailed) -> None:
        """The transport failed during the handshake and the engine was
        aborted: what it had settled, for the summary (nothing is printed)."""
        _settled(self.report.current, e)

    def fold(self, event: ev.Event, now: float) -> None:
        handler = _HANDLERS.get(type(event).__name__)
        if handler is not None:
            handler(self.report, event, now)


Handler = Callable[[RunReport, Any, float], None]


def _record(r: RunReport, e: ev.RecordReceived, now: float) -> None:
    r.current.records_read += len(e.raw)


def _foreign(r: RunReport, e: evr.ForeignBytesReceived, now: float) -> None:
    r.current.foreign = e.data


def _server_hello(r: RunReport, e: ev.ServerHelloAccepted, now: float) -> None:
    r.current.version = e.version


def _peer_chain(r: RunReport, e: ev.PeerCertificates, now: float) -> None:
    if r.current.in_init:
        r.current.peer_chain = tuple(e.chain)


def _verified(r: RunReport, e: ev.CertificateVerified, now: float) -> None:
    detail = e.verdict.detail
    r.current.verdict = detail if isinstance(detail, ChainVerdict) else ChainVerdict()


def _cert_types(r: RunReport, e: evr.CertificateTypesNegotiated, now: float) -> None:
    r.current.cert_types = (e.client, e.server)


def _peer_rpk(r: RunReport, e: evr.PeerRawPublicKey, now: float) -> None:
    r.current.peer_rpk = e.spki
    _verified(r, ev.CertificateVerified((), e.verdict), now)


def _status(r: RunReport, e: evr.CertificateStatusChecked, now: float) -> None:
    r.current.status = e


def _scts(r: RunReport, e: evr.SctsReceived, now: float) -> None:
    r.current.scts = e


def _next_protocol(r: RunReport, e: evr.NextProtocolSelected, now: float) -> None:
    r.current.next_protocol = e


def _serverinfo(r: RunReport, e: evr.ServerInfoReceived, now: float) -> None:
    r.current.serverinfo.append(e)


def _cert_request(r: RunReport, e: ev.CertificateRequested, now: float) -> None:
    if e.post_handshake:
        r.current.pha_requests.append(e)
    else:
        r.current.cert_request = e


def _cert_sent(r: RunReport, e: ev.ClientCertificateSent, now: float) -> None:
    r.current.client_certs_sent.append(e)


def _cert_compression(r: RunReport, e: evr.CertificateCompression, now: float) -> None:
    r.current.cert_compression.append(e)


def _complete(r: RunReport, e: ev.HandshakeComplete, now: float) -> None:
    c = r.current
    c.negotiated = e.negotiated
    c.resumed_session = e.resumed_session
    resumed = c.resumed()
    if resumed is not None and c.peer_rpk is None:
        c.peer_rpk = resumed.peer_rpk  # SSL_get0_peer_rpk: the session's key
    c.version = e.negotiated.version
    r.session = e.session
    if e.negotiated.version != TLS1_3 and c.resumed() is None:
        r.session = c.keep(e.session)
    c.session = r.session
    c.in_init = False
    c.t_handshake = now
    c.handshake_read = c.pre_tls_read + c.records_read
    if c.handshake_read == c.pre_tls_read:  # an engine without record events
        c.handshake_read = c.bytes_read
    c.handshake_written = c.bytes_written


def _reneg_started(r: RunReport, e: evr.RenegotiationStarted, now: float) -> None:
    r.current.renegotiations.append(Renegotiation(e.by_server, now))


def _renegotiated(r: RunReport, e: ev.RenegotiationComplete, now: float) -> None:
    """The new handshake's session is the connection's from now on (what
    -prexit's summary and -sess_out see), as OpenSSL's SSL_get_session."""
    c = r.current
    if c.renegotiations:
        last = c.renegotiations[-1]
        last.t_end = now
        last.negotiated = e.negotiated
        last.resumed = e.resumed_session is not None
    before, kept = c.negotiated, c.session
    negotiated, resumed = e.negotiated, e.resumed_session
    if resumed is not None and before is not None and kept is not None:
        # An abbreviated handshake sets none of these: OpenSSL's SSL keeps the
        # last full handshake's, and the session its verify result.
        negotiated = structs.replace(
            negotiated,
            group=negotiated.group or before.group,
            dh_bits=negotiated.dh_bits or before.dh_bits,
            peer_signature_scheme=negotiated.peer_signature_scheme or before.peer_signature_scheme,
        )
        resumed = structs.replace(resumed, verify_result=kept.verify_result)
    c.negotiated = negotiated
    c.resumed_session = resumed
    session = e.session
    if resumed is None:
        session = c.keep(session)
    elif kept is not None:
        session = structs.replace(session, verify_result=kept.verify_result)
    r.session = c.session = session


def _ticket(r: RunReport, e: ev.NewSessionTicket, now: float) -> None:
    r.current.tickets.append(e.session)
    if not r.current.in_init:
        r.session = r.current.session = e.session


def _heartbeat(r: RunReport, e: evr.HeartbeatSent | evr.HeartbeatReceived, now: float) -> None:
    r.current.heartbeats.append(e)


def _data(r: RunReport, e: ev.ApplicationData, now: float) -> None:
    r.current.data_received += len(e.data)


def _settled(c: ConnectionReport, e: ev.ConnectionFailed | ev.ConnectionClosed) -> None:
    """What a connection that ended had settled (a failed handshake's summary
    shows it)."""
    if e.version:
        c.version = e.version
    c.settled = e.negotiated
    c.partial_session = e.session
    c.ccs_sent = c.ccs_sent or e.ccs_sent


def _offered(r: RunReport, e: ev.SessionOffered, now: float) -> None:
    r.current.offered_session = e.session
    r.current.early_data_offered = e.early_data


def _ech(r: RunReport, e: evr.EchOutcome, now: float) -> None:
    r.current.ech = e


def _closed(r: RunReport, e: ev.ConnectionClosed, now: float) -> None:
    r.current.peer_closed = True
    if r.current.in_init:
        _settled(r.current, e)


def _failed(r: RunReport, e: ev.ConnectionFailed, now: float) -> None:
    c = r.current
    c.tls_read = e.bytes_read
    _settled(c, e)
    if e.session is None:
        # No handshake was set up (no protocols): no ClientHello, no session.
        c.client_hello_sent = False


def _handshake(r: RunReport, e: ev.HandshakeSent | ev.HandshakeReceived, now: float) -> None:
    sent = isinstance(e, ev.HandshakeSent)
    r.current.messages.append(Message(sent, HANDSHAKE, e.msg_type, e.raw, now))
    if sent and e.msg_type == 1 and r.current.grease is None and e.message is not None:
        from sclient.tls.grease import fields_of

        r.current.grease = fields_of(e.message)  # type: ignore[arg-type]


def _alert(r: RunReport, e: ev.AlertSent | ev.AlertReceived, now: float) -> None:
    sent = isinstance(e, ev.AlertSent)
    raw = bytes((e.level, e.description))
    r.current.messages.append(Message(sent, ALERT, e.description, raw, now))


def _ccs_message(
    r: RunReport, e: ev.ChangeCipherSpecSent | ev.ChangeCipherSpecReceived, now: float
) -> None:
    sent = isinstance(e, ev.ChangeCipherSpecSent)
    r.current.messages.append(Message(sent, CHANGE_CIPHER_SPEC, 1, b"\x01", now))
    if sent:
        r.current.ccs_sent = True


#: Each event class's handler, by the class's name: the events of options
#: and rarer paths (:mod:`sclient.tls.events_rare`) are named without
#: importing their module.
_HANDLERS: dict[str, Handler] = {
    "RecordReceived": _record,
    "ChangeCipherSpecSent": _ccs_message,
    "ChangeCipherSpecReceived": _ccs_message,
    "HandshakeSent": _handshake,
    "HandshakeReceived": _handshake,
    "AlertSent": _alert,
    "AlertReceived": _alert,
    "ServerHelloAccepted": _server_hello,
    "ForeignBytesReceived": _foreign,
    "PeerCertificates": _peer_chain,
    "CertificateVerified": _verified,
    "CertificateTypesNegotiated": _cert_types,
    "PeerRawPublicKey": _peer_rpk,
    "CertificateStatusChecked": _status,
    "SctsReceived": _scts,
    "NextProtocolSelected": _next_protocol,
    "ServerInfoReceived": _serverinfo,
    "CertificateRequested": _cert_request,
    "ClientCertificateSent": _cert_sent,
    "CertificateCompression": _cert_compression,
    "HandshakeComplete": _complete,
    "RenegotiationStarted": _reneg_started,
    "RenegotiationComplete": _renegotiated,
    "NewSessionTicket": _ticket,
    "ApplicationData": _data,
    "HeartbeatSent": _heartbeat,
    "HeartbeatReceived": _heartbeat,
    "ConnectionClosed": _closed,
    "ConnectionFailed": _failed,
    "SessionOffered": _offered,
    "EchOutcome": _ech,
}
