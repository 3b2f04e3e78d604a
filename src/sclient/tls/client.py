"""The sans-I/O TLS client: bytes in, events and bytes out.

>>> c = Client(config)
>>> events = c.start()            # queues the ClientHello
>>> sock.sendall(c.data_to_send())
>>> events = c.receive(sock.recv(65536))   # any split of the server's bytes
>>> n = sock.recv_into(c.get_buffer())     # or read into the engine's buffer
>>> events = c.buffer_updated(n)

Every call that changes the connection returns the events it caused, in
order (``start``, ``receive``, ``receive_eof``, ``send``, ``key_update``,
``close``). ``receive`` never raises for bad input: a protocol error queues
the fatal alert (fetch it with ``data_to_send``) and ends the event list with
:class:`~sclient.tls.events.ConnectionFailed`; later input is ignored.

Record framing and protection live in :mod:`sclient.tls.records`; the
handshake states in :mod:`sclient.tls.serverhello`, :mod:`sclient.tls.tls13` and
:mod:`sclient.tls.tls12` (the table of what each state accepts is
:data:`sclient.tls.states.EXPECTED`).
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

from sclient.tls import events as ev
from sclient.tls.config import ClientConfig
from sclient.tls.crypto.kex import KeyShare
from sclient.tls.errors import (
    LocalError,
    PeerAlert,
    TLSError,
    TransportFailed,
    UnexpectedEOF,
    UsageError,
)
from sclient.tls.facts import Facts
from sclient.tls.hello import (
    Offer,
    build_client_hello,
    offered_psks,
    resumable,
)
from sclient.tls.hsreader import HandshakeReader
from sclient.tls.records import BULK_READ, RecordLayer
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext_types
from sclient.tls.registry import protocol as P
from sclient.tls.serverhello import ExpectServerHello
from sclient.tls.session import Session
from sclient.tls.states import (
    CCS,
    MAX_MESSAGE_SIZE,
    MAX_TICKET_12,
    MAX_TICKET_13,
    READ_STATE,
    Handshake,
    OsslState,
    State,
)
from sclient.tls.wire.extensions import (
    OPENSSL_CONTEXTS,
    EarlyData,
    KeyShareRetry,
    PreSharedKeyClient,
    SignatureAlgorithms,
)
from sclient.tls.wire.handshake import (
    Certificate12,
    CertificateRequest12,
    CertificateRequest13,
    CertificateVerify,
    ClientHello,
    HandshakeMessage,
    HelloRequest,
    KeyUpdate,
    NewSessionTicket13,
    ServerHello,
    ServerKeyExchangeDhe,
    ServerKeyExchangeEcdhe,
    ServerKeyExchangePsk,
    decode_message,
)

__all__ = ["Client"]

_MAX_WARN_ALERTS = 5
#: Detail prefix of the internal_error a bug in the engine turns into.
BUG = "unexpected exception: "


#: Reasons DTLS's record layer (dtls1_read_bytes) gives where TLS's gives them.
_DTLS_REASONS = {"PEER_ALERT": "DTLS_PEER_ALERT", "NO_RENEGOTIATION": "DTLS_NO_RENEGOTIATION"}
#: DTLS read states of OpenSSL's info callback.
_DTLS_READ_STATE = {P.HELLO_VERIFY_REQUEST: "DTLS1 read hello verify request"}


def _dtls_decode(raw: bytes, **kw: Any) -> HandshakeMessage:
    from sclient.tls.dtls.handshake import decode

    return decode(raw, **kw)


class _Idle(State):
    """Before :meth:`Client.start`."""

    __slots__ = ()


class _NotStarted(State):
    """:meth:`Client.start` found nothing to offer: no handshake was set up."""

    __slots__ = ()


#: Handshake messages whose arrival (before the handshake completes) tells that
#: OpenSSL's extension finalisers have run, when the ServerHello did not say so:
#: EncryptedExtensions, Certificate, ServerKeyExchange, CertificateRequest,
#: ServerHelloDone, Finished.
_AFTER_SERVER_HELLO = frozenset(
    (
        P.ENCRYPTED_EXTENSIONS,
        P.CERTIFICATE,
        P.SERVER_KEY_EXCHANGE,
        P.CERTIFICATE_REQUEST,
        P.SERVER_HELLO_DONE,
        P.FINISHED,
    )
)


def _settles_extensions(msg: HandshakeMessage) -> bool:
    """Whether OpenSSL runs its extension finalisers on ``msg``: a ServerHello
    that is no HelloRetryRequest and has no supported_versions extension
    (TLS <= 1.2), or the first message after the ServerHello."""
    if isinstance(msg, ServerHello):
        if msg.random == P.HRR_RANDOM:
            return False
        return all(e.ext_type != ext_types.SUPPORTED_VERSIONS for e in msg.extensions)
    return msg.msg_type in _AFTER_SERVER_HELLO


def _collects(msg: HandshakeMessage, offer: Offer) -> bool:
    """Whether ``tls_collect_extensions`` accepts the extensions of a
    ServerHello or EncryptedExtensions: when it fails (e.g. a DTLS-only
    use_srtp answered over TLS) OpenSSL never reaches the finalisers."""
    from sclient.tls.hello import collect_extensions
    from sclient.tls.wire import extensions as X
    from sclient.tls.wire.handshake import EncryptedExtensions

    if isinstance(msg, ServerHello):
        context = X.Context.SH
    elif isinstance(msg, EncryptedExtensions):
        context = X.Context.EE
    else:
        return True
    try:
        collect_extensions(msg.extensions, context, offer)
    except LocalError:
        return False
    return True


def _received_extensions(
    mt: int, msg: HandshakeMessage, also: frozenset[int] = frozenset()
) -> list[ev.Event]:
    """OpenSSL's extension debug callback, as ``tls_collect_extensions`` runs
    it: each extension it recognises, in the order received (a TLS 1.3
    Certificate's entries one after the other)."""
    blocks: list[tuple[object, ...]] = []
    exts = getattr(msg, "extensions", None)
    if isinstance(exts, tuple):
        blocks.append(exts)
    for entry in getattr(msg, "entries", ()) or ():
        entry_exts = getattr(entry, "extensions", None)
        if isinstance(entry_exts, tuple):
            blocks.append(entry_exts)
    found: list[ev.Event] = []
    for block in blocks:
        for e in block:
            code = getattr(e, "ext_type", None)
            # (heartbeat: recognised by 1.1.1 built with heartbeats, -heartbeat's model)
            if isinstance(code, int) and (code in OPENSSL_CONTEXTS or code in also or code == 15):
                from sclient.tls import events_rare as evr

                found.append(evr.ExtensionReceived(mt, code, e.encode_body()))  # type: ignore[attr-defined]
    return found


class Client:
    """One TLS client connection (TLS 1.3 and 1.2)."""

    __slots__ = (
        "_closed",
        "_config",
        "_dtls",
        "_events",
        "_facts",
        "_failed",
        "_hb",
        "_hs",
        "_hsr",
        "_peer_closed",
        "_rl",
        "_sec",
        "_state",
        "_warn_alerts",
    )

    def __init__(self, config: ClientConfig) -> None:
        #: DTLS: our message_seq (None: TLS).
        self._dtls: Any = None
        if config.dtls:
            from sclient.base import structs
            from sclient.tls.dtls.handshake import Framer, inner_session

            config = structs.replace(config, resume=inner_session(config.resume), bulk_data=False)
            self._dtls = Framer()
        self._config = config
        self._events: list[ev.Event] = []
        self._rl = RecordLayer(
            max(1, min(config.max_send_fragment, 1 << 14)), compression=config.compression
        )
        #: What the server settled so far (also before and without a handshake).
        self._facts = Facts(config.max_version)
        #: The handshake context, made with the ClientHello (None before).
        self._hs: Handshake | None = None
        self._state: State = _Idle()
        self._hsr = HandshakeReader()
        if config.dtls:
            self._dtls_layers(config)
        self._failed: TLSError | None = None
        #: RFC 6520 heartbeats (made when the server's extension allows them).
        self._hb: Any = None
        self._peer_closed = False
        self._closed = False
        self._warn_alerts = 0
        #: -security_debug: OpenSSL's security checks, retraced (None: not asked).
        self._sec: Any = None
        if config.security_checks is not None:
            from sclient.tls.secdebug import Checks

            self._sec = Checks(config.security_checks)  # type: ignore[arg-type]

    def _dtls_layers(self, config: ClientConfig) -> None:
        from sclient.tls.dtls.reassembly import DtlsHandshakeReader
        from sclient.tls.dtls.records import DtlsRecordLayer

        rl = DtlsRecordLayer(config.dtls_mtu, config.dtls_fallback_mtu)
        rl.max_fragment = max(1, min(config.max_send_fragment, 1 << 14))
        hsr = DtlsHandshakeReader()
        hsr.on_message = rl.peer_message
        self._rl = cast(RecordLayer, rl)
        self._hsr = cast(HandshakeReader, hsr)

    # -- properties ------------------------------------------------------------------

    @property
    def handshake_complete(self) -> bool:
        return self._hs is not None and self._hs.complete

    @property
    def version(self) -> int:
        """The negotiated version, or ``config.max_version`` before ServerHello."""
        v = self._facts.version
        return self._config.max_version if v is None else v

    @property
    def negotiated(self) -> ev.Negotiated | None:
        """What is settled so far (None before the ServerHello chose a suite)."""
        return self._facts.negotiated()

    @property
    def session(self) -> Session | None:
        """The current session: complete after the handshake (replaced by
        every TLS 1.3 ticket), partial (``cipher_suite`` None) before."""
        return self._facts.session

    @property
    def resumed_session(self) -> Session | None:
        """The offered session the server agreed to resume (None: a full
        handshake, or an external PSK)."""
        return self._facts.resumed

    @property
    def state(self) -> State:
        """The handshake state object (for diagnostics and tests)."""
        return self._state

    @property
    def error(self) -> TLSError | None:
        return self._failed

    # -- driving -----------------------------------------------------------------------

    def start(
        self, client_hello: ClientHello | None = None, retry_hello: ClientHello | None = None
    ) -> list[ev.Event]:
        """Queue the ClientHello.

        For known-answer replays (RFC 8448) ``client_hello`` replaces the one
        built from the configuration and ``retry_hello`` the one answering a
        HelloRetryRequest; their key shares must be those
        ``config.key_share_factory`` makes. Nothing else changes: the rest of
        the handshake is checked against what these messages offered."""
        if not isinstance(self._state, _Idle):
            raise UsageError("start() called twice")
        config = self._config
        if config.min_version > config.max_version:
            # tls_setup_handshake: no version to speak. OpenSSL sends
            # protocol_version in a TLS 1.2 record, before any session exists.
            self._state = _NotStarted()
            self._rl.set_write_version(P.TLS1_2)
            if self._sec is not None:  # the checks up to tls_setup_handshake's walk
                self._sec.no_protocols()
                self._events.extend(self._sec.take())
            self._fail(LocalError(alerts.PROTOCOL_VERSION, "NO_PROTOCOLS_AVAILABLE"))
            return self._take_events()
        try:
            # The info callback's first call ("before SSL initialization").
            self._events.append(ev.StateChanged(OsslState.BEFORE))
            if self._sec is not None:
                resume_version = config.resume.version if config.resume is not None else None
                self._sec.client_hello(start=True, session_version=resume_version, hrr_group=None)
                self._events.extend(self._sec.take())
            psk = config.psk
            if psk is not None and psk.unusable and config.max_version >= P.TLS1_3:
                # s_client's psk_use_session_cb fails while the ClientHello is built.
                from sclient.tls import events_rare as evr

                self._events.append(evr.PskUnusable(True))
                raise LocalError(alerts.INTERNAL_ERROR, "BAD_PSK")
            if config.max_version == P.SSL3:
                # An SSL 3.0-only client writes its ClientHello in an SSL 3.0 record.
                self._rl.set_write_version(P.SSL3)
            shares: dict[int, KeyShare] = {}
            if client_hello is None:
                ch = build_client_hello(config, config.random, shares)
            else:
                ch = client_hello
                self._adopt_shares(ch, shares)
            resume = resumable(config)
            ech_state = None
            if config.ech is not None and client_hello is None:
                ch, ech_state = self._encrypt_hello(ch, resume)
            if resume is not None or ch.ext(EarlyData) is not None:
                self._events.append(ev.SessionOffered(resume, ch.ext(EarlyData) is not None))
            ext = ch.ext(PreSharedKeyClient)
            sent = {i.identity for i in ext.identities} if ext is not None else set()
            psks = tuple(p for p in offered_psks(config, resume) if p.identity in sent)
            offer = Offer.of(ch, psks, resume)
            if self._dtls is not None:
                from sclient.base import structs

                offer = structs.replace(offer, dtls=True)
                from sclient.tls.dtls import handshake as dtls_hs

                ch = dtls_hs.client_hello(ch)
            facts = self._facts
            facts.client_random = ch.random
            facts.server_name_sent = offer.server_name
            hs = Handshake(
                config, self._rl, self._events, facts, ch, offer, shares, OsslState.CW_CLNT_HELLO
            )
            hs.retry_hello = retry_hello
            hs.ech = ech_state
            if self._dtls is not None:
                hs.frame = self._dtls.frame
            self._hs = hs
            hs.send_message(ch)
            if ch.ext(EarlyData) is not None:
                from sclient.tls import early

                plan = early.early_plan(config)
                assert plan is not None and config.early_data is not None
                early.send(hs, self._rl, plan, config.early_data)
            else:
                hs.loop()
            self._state = ExpectServerHello()
        except TLSError as e:
            self._fail(e)
        return self._take_events()

    def _encrypt_hello(self, ch: ClientHello, resume: Session | None) -> tuple[ClientHello, Any]:
        """Encrypted Client Hello: ``ch`` becomes the inner ClientHello; the
        outer one is sent (:mod:`sclient.tls.ech`)."""
        from sclient.tls import ech
        from sclient.tls.hello import with_psk_binders

        psks = offered_psks(self._config, resume)
        return ech.wrap(self._config, ch, psks, lambda inner: with_psk_binders(inner, psks, None))

    def _adopt_shares(self, ch: ClientHello, shares: dict[int, KeyShare]) -> None:
        from sclient.tls.hello import make_key_share
        from sclient.tls.wire.extensions import KeyShareClient

        ks = ch.ext(KeyShareClient)
        for entry in ks.entries if ks else ():
            share = make_key_share(self._config, entry.group)
            if share.public_bytes() != entry.key_exchange:
                raise UsageError("ClientHello key share does not match key_share_factory")
            shares[entry.group] = share

    def data_to_send(self) -> bytes | memoryview:
        """Everything queued for the peer (one flight = one chunk), cleared
        (with ``config.bulk_data``, after application data: a view valid
        until the next call on the engine)."""
        return self._rl.take_output()

    def receive(self, data: bytes | memoryview) -> list[ev.Event]:
        """Feed bytes read from the transport (any split)."""
        if self._refuses_input():
            return self._take_events()
        if data:
            self._rl.feed(data)
            self._read_records()
        return self._take_events()

    def get_buffer(self, size: int = BULK_READ) -> memoryview:
        """``size`` bytes of room in the engine's input buffer, for the
        transport to read into (``sock.recv_into``), saving the copy that
        :meth:`receive` makes; then :meth:`buffer_updated`. As asyncio's
        ``BufferedProtocol``."""
        return self._rl.get_buffer(size)

    def buffer_updated(self, n: int) -> list[ev.Event]:
        """The transport put ``n`` bytes into the room :meth:`get_buffer` gave
        (``n`` 0: nothing, not EOF); like :meth:`receive` of those bytes."""
        if self._refuses_input():
            return self._take_events()
        if n:
            self._rl.commit(n)
            self._read_records()
        return self._take_events()

    def _refuses_input(self) -> bool:
        if isinstance(self._state, _Idle):
            raise UsageError("receive() before start()")
        return self._failed is not None or self._peer_closed

    def _read_records(self) -> None:
        rl = self._rl
        bulk = self._config.bulk_data
        try:
            while self._failed is None and not self._peer_closed:
                if bulk and self._bulk_ready():
                    data = rl.read_run()
                    if data is not None:
                        self._warn_alerts = 0
                        self._events.append(ev.ApplicationData(data))
                rec = rl.read()
                if rec is None:
                    break
                self._on_record(*rec)
        except TLSError as e:
            if rl.refused is not None:
                self._events.append(ev.RecordHeaderReceived(rl.refused))
                rl.refused = None
            foreign = getattr(rl, "foreign", None)  # the DTLS record layer keeps none
            if foreign is not None:
                from sclient.tls import events_rare as evr

                self._events.append(evr.ForeignBytesReceived(foreign))
                rl.foreign = None
            self._fail(e)
        except Exception as e:  # a bug in the engine must not escape as a crash
            self._fail(LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", f"{BUG}{e!r}"))
        rl.compact()
        if self._dtls is not None:
            self._dtls_after_input()

    def _dtls_after_input(self) -> None:
        """The timer stops when the handshake is complete; the peer's
        Finished again after it means our last flight was lost."""
        hs = self._hs
        rl: Any = self._rl
        hsr: Any = self._hsr
        if hs is None or not hs.complete or self._failed is not None:
            return
        rl.stop_timer()
        rl.heartbeats = self._heartbeats() is not None
        if self._dtls.completed is not hs:
            # tls_finish_handshake: both sides' message_seq start again at 0.
            self._dtls.completed = hs
            self._dtls.seq = 0
            hsr.reset()
            return
        if hsr.old and not self._renegotiating():
            hsr.old = 0
            rl.resend(self._events)

    def _renegotiating(self) -> bool:
        """A renegotiation is under way (application data still flows)."""
        hs = self._hs
        return hs is not None and hs.renegotiation is not None and not hs.complete

    def _bulk_ready(self) -> bool:
        """Application data records may be taken in a run: the handshake is
        complete and no handshake message is half read."""
        hs = self._hs
        return (
            hs is not None and hs.complete and not self._state.AFTER_CCS and not self._hsr.buffered
        )

    def receive_eof(self) -> list[ev.Event]:
        """The transport reached end of file."""
        if self._failed is None and not self._peer_closed:
            self._rl.consumed += self._rl.buffered  # a partial record, read up to the EOF
            self._fail(UnexpectedEOF())
        return self._take_events()

    def abort(self, detail: str = "") -> list[ev.Event]:
        """The transport failed under the connection (the application could not
        read or write): end it without an alert. The closing
        :class:`~sclient.tls.events.ConnectionFailed` carries what was settled."""
        if self._failed is None and not isinstance(self._state, _Idle):
            self._fail(TransportFailed(detail))
        return self._take_events()

    def send(self, data: bytes | memoryview) -> list[ev.Event]:
        """Application data (after the handshake), split per max_send_fragment."""
        self._require_open()
        if (
            data
            and getattr(self._rl.write_cipher, "chained_iv", False)
            and not self._config.dont_insert_empty_fragments
        ):
            # TLS 1.0/SSL 3.0 CBC: an empty record first (OpenSSL's countermeasure
            # against the predictable IV), once per write.
            self._rl.write(P.APPLICATION_DATA, b"", self._events)
        if data and not (self._config.bulk_data and self._rl.write_run(data)):
            self._rl.write(P.APPLICATION_DATA, data, self._events)
        return self._take_events()

    def key_update(self, request: bool) -> list[ev.Event]:
        """Send a TLS 1.3 KeyUpdate (``request``: ask the peer to update too)."""
        from sclient.tls.tls13 import Connected13

        self._require_open()
        if not isinstance(self._state, Connected13):
            raise TLSError(None, "WRONG_SSL_VERSION", "KeyUpdate needs TLS 1.3")
        self._state.send_key_update(self._handshake(), request)
        return self._take_events()

    def heartbeat(self) -> list[ev.Event]:
        """Send an RFC 6520 HeartbeatRequest (``B``; :mod:`sclient.tls.heartbeat`):
        refused unless the server's heartbeat extension allows our requests,
        while one is in flight, and during a handshake."""
        from sclient.tls import heartbeat

        self._require_open()
        hb = self._heartbeats()
        if hb is None or self._facts.heartbeat != 1:
            raise heartbeat.refuse()
        if self._renegotiating():
            raise TLSError(None, "UNEXPECTED_MESSAGE", "heartbeat during a handshake")
        heartbeat.send(self._rl, hb.request(), self._events)
        return self._take_events()

    def _heartbeats(self) -> Any:
        """The heartbeat state, once the server's extension came in TLS 1.2
        or below (or DTLS); None otherwise."""
        if self._hb is None and self._facts.heartbeat is not None and self._config.heartbeat:
            if self._facts.version is None or self._facts.version == P.TLS1_3:
                return None
            from sclient.tls.heartbeat import Heartbeats

            self._hb = Heartbeats(self._config.random)
        return self._hb

    def _on_heartbeat(self, payload: bytes) -> None:
        from sclient.tls import heartbeat

        hb = self._hb
        may_answer = self.handshake_complete and not self._renegotiating()
        outcome, answer = hb.received(payload, may_answer)
        from sclient.tls import events_rare as evr

        self._events.append(evr.HeartbeatReceived(payload, outcome))
        if answer is not None and not self._closed:
            heartbeat.send(self._rl, answer, self._events)

    def renegotiate(self) -> list[ev.Event]:
        """Start a TLS <= 1.2 renegotiation (OpenSSL's SSL_renegotiate: a full
        handshake under the current keys); its events come with the input
        that completes it."""
        from sclient.tls.tls12 import Connected12

        self._require_open()
        if self._renegotiating():  # already under way (OpenSSL just sets its flag again)
            return self._take_events()
        state = self._state
        if self._facts.version == P.TLS1_3 or not isinstance(state, Connected12):
            raise TLSError(None, "WRONG_SSL_VERSION", "renegotiation needs TLS 1.2 or below")
        if self._config.no_renegotiation:
            raise TLSError(None, "RENEGOTIATION_DISABLED")
        self._renegotiate(state, by_server=False)
        return self._take_events()

    def _renegotiate(self, state: State, by_server: bool) -> None:
        """The new handshake (:mod:`sclient.tls.reneg`); the current keys stay
        until each side's ChangeCipherSpec."""
        from sclient.tls import reneg
        from sclient.tls.tls12 import Connected12

        assert isinstance(state, Connected12)
        old = self._handshake()
        version = self._facts.version
        assert version is not None
        from sclient.tls import events_rare as evr

        self._events.append(evr.RenegotiationStarted(by_server))
        session = self._facts.session if by_server else None
        if self._sec is not None:  # the renegotiation ClientHello's checks
            self._sec.compression()  # the state machine's start: ssl3_setup_write_buffer
            self._sec.client_hello(start=False, session_version=None, hrr_group=None)
            self._events.extend(self._sec.take())
        if self._dtls is not None:
            hsr: Any = self._hsr
            hsr.finished_is_old = False
        hs, facts = reneg.start(old, state, self._rl, version, session, by_server)
        self._hs, self._facts = hs, facts
        self._state = ExpectServerHello()

    def close(self) -> list[ev.Event]:
        """Queue close_notify (once)."""
        if self._closed or self._failed is not None or isinstance(self._state, _Idle):
            return self._take_events()
        self._closed = True
        self._send_alert(alerts.WARNING, alerts.CLOSE_NOTIFY)
        return self._take_events()

    def export_keying_material(self, label: bytes, context: bytes | None, length: int) -> bytes:
        """RFC 5705 / RFC 8446 §7.5 exporter (after the handshake)."""
        from sclient.tls.crypto.errors import CryptoError

        exporter = getattr(self._state, "export", None)
        if not self.handshake_complete or exporter is None:
            raise UsageError("keying material is only available after the handshake")
        try:
            result: bytes = exporter(label, context, length)
        except CryptoError as e:  # a reserved label, an impossible length
            raise UsageError(str(e)) from None
        return result

    def _require_open(self) -> None:
        if not self.handshake_complete and not self._renegotiating():
            raise UsageError("the handshake is not complete")
        if self._failed is not None:
            raise UsageError("the connection failed")
        if self._closed:
            raise UsageError("close_notify already sent")

    # -- records -------------------------------------------------------------------------

    def _handshake(self) -> Handshake:
        """The handshake context; records are only read once start() made it."""
        hs = self._hs
        if hs is None:
            raise UsageError("the handshake has not started")
        return hs

    def _on_record(self, ctype: int, payload: bytes, raw: bytes, inner: int | None) -> None:
        events = self._events
        events.append(ev.RecordHeaderReceived(raw[: 13 if self._dtls is not None else 5]))
        events.append(ev.RecordReceived(raw[0], (raw[1] << 8) | raw[2], raw, inner))
        if ctype != P.HANDSHAKE and self._state.AFTER_CCS:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "DATA_BETWEEN_CCS_AND_FINISHED")
        if ctype == P.HANDSHAKE:
            if payload:
                self._warn_alerts = 0
            self._on_handshake_data(payload)
            return
        hs = self._handshake()
        if self._facts.version == P.TLS1_3 and self._hsr.inside_header:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "MIXED_HANDSHAKE_AND_NON_HANDSHAKE_DATA")
        if ctype == P.ALERT:
            self._on_alert(payload)
            return
        if payload:
            self._warn_alerts = 0
        if (
            ctype == P.APPLICATION_DATA
            and (hs.complete or self._renegotiating())
            and not self._hsr.buffered
        ):
            if payload:
                events.append(ev.ApplicationData(payload))
            return
        if ctype == P.CHANGE_CIPHER_SPEC:
            self._on_ccs(payload)
            return
        if ctype == P.HEARTBEAT and self._heartbeats() is not None:
            self._on_heartbeat(payload)
            return
        if self._facts.version is None:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE", "before ServerHello")
        raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_RECORD")

    def _on_ccs(self, payload: bytes) -> None:
        hs = self._handshake()
        if self._dtls is not None and (hs.complete or CCS not in self._state.EXPECTED):
            return  # DTLS: a repeated or early ChangeCipherSpec is dropped
        if self._rl.compat_ccs:
            # A middlebox-compatibility CCS; the record layer checked it.
            self._events.append(ev.ChangeCipherSpecReceived())
            return
        if hs.complete or self._hsr.inside_header:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "CCS_RECEIVED_EARLY")
        if self._hsr.buffered:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "BAD_CHANGE_CIPHER_SPEC")
        if payload != b"\x01":
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "BAD_CHANGE_CIPHER_SPEC")
        state = self._state
        if CCS not in state.EXPECTED:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE", "ChangeCipherSpec")
        hs.loop(READ_STATE[CCS])
        self._events.append(ev.ChangeCipherSpecReceived())
        self._state = state.handle_ccs(hs)

    def _on_alert(self, payload: bytes) -> None:
        if len(payload) != 2:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "INVALID_ALERT")
        level, desc = payload[0], payload[1]
        self._events.append(ev.AlertReceived(level, desc))
        tls13 = self._facts.version == P.TLS1_3
        if level == alerts.WARNING or (tls13 and desc == alerts.USER_CANCELED):
            self._warn_alerts += 1
            if self._warn_alerts == _MAX_WARN_ALERTS:
                raise LocalError(alerts.UNEXPECTED_MESSAGE, "TOO_MANY_WARN_ALERTS")
        if tls13 and desc == alerts.USER_CANCELED:
            return
        if desc == alerts.CLOSE_NOTIFY and (tls13 or level == alerts.WARNING):
            self._peer_closed = True
            closed = ev.ConnectionClosed()
            if not self.handshake_complete:
                f = self._facts
                closed = ev.ConnectionClosed(
                    f.version, f.negotiated(), f.session, self._handshake().ccs_sent
                )
            self._events.append(closed)
            return
        if level == alerts.FATAL or tls13:
            raise PeerAlert(desc, level)
        if desc == alerts.NO_RENEGOTIATION:
            raise LocalError(alerts.HANDSHAKE_FAILURE, "NO_RENEGOTIATION")
        if level == alerts.WARNING:
            return
        raise LocalError(alerts.ILLEGAL_PARAMETER, "UNKNOWN_ALERT_TYPE")

    # -- handshake messages ------------------------------------------------------------------

    def _on_handshake_data(self, payload: bytes) -> None:
        hsr = self._hsr
        hsr.feed(payload)
        hs = self._handshake()
        facts = self._facts
        while self._failed is None:
            head = hsr.header()
            if head is None:
                return
            mt, length = head
            if not hsr.header_checked:
                if mt == P.HELLO_REQUEST and length == 0 and not hs.complete:
                    # OpenSSL skips a well-formed HelloRequest during a handshake.
                    raw = hsr.take()
                    assert raw is not None
                    self._events.append(ev.HandshakeReceived(mt, raw, HelloRequest(raw=raw)))
                    continue
                state = self._state
                if (
                    mt not in state.EXPECTED
                    or (mt == P.COMPRESSED_CERTIFICATE and not hs.config.cert_comp_rx)
                ) and not self._hello_verify(mt):
                    # OpenSSL 3.2+ reads a CompressedCertificate only after
                    # sending compress_certificate (compress_certificate_sent).
                    raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")
                if hs.complete:
                    hs.loop()
                elif facts.version is None and hs.ossl == OsslState.CW_CLNT_HELLO:
                    # OpenSSL writes record version 0x0301 only while its state
                    # is "write client hello"; reading the ServerHello moves it.
                    self._rl.set_write_version(min(self._config.max_version, P.TLS1_2))
                hs.loop(READ_STATE.get(mt) or _DTLS_READ_STATE.get(mt))
                if length > self._max_size(mt):
                    raise LocalError(alerts.ILLEGAL_PARAMETER, "EXCESSIVE_MESSAGE_SIZE")
                hsr.mark_checked()
            raw = hsr.take()
            if raw is None:
                return
            hs.record_pending = hsr.buffered > 0
            version = facts.version
            suite = facts.suite
            msg: HandshakeMessage
            try:
                if mt == P.CERTIFICATE and hs.raw_public_key_expected():
                    from sclient.tls.rpk import decode_certificate

                    msg = decode_certificate(raw, version == P.TLS1_3)
                else:
                    msg = (decode_message if self._dtls is None else _dtls_decode)(
                        raw,
                        tls13=version == P.TLS1_3,
                        kx=suite.kx if suite is not None else None,
                        tls12=version is None or version >= P.TLS1_2,
                    )
            except TLSError:
                # OpenSSL's message callback sees the bytes before they are parsed.
                self._events.append(ev.HandshakeReceived(mt, raw, None))
                raise
            self._events.append(ev.HandshakeReceived(mt, raw, msg))
            if self._config.extension_events:
                # OpenSSL 3.2 knows the RFC 7250 extensions its -enable_*_rpk offer
                also = (
                    frozenset((ext_types.CLIENT_CERT_TYPE, ext_types.SERVER_CERT_TYPE))
                    if self._config.offers_cert_types
                    else frozenset()
                )
                self._events.extend(_received_extensions(mt, msg, also))
            if self._sec is not None:
                self._security_checks(msg)
            if (
                not hs.complete
                and not hs.extensions_settled
                and _settles_extensions(msg)
                and _collects(msg, hs.offer)
                and self._dtls_parses(msg)
            ):
                hs.extensions_settled = True
                self._events.append(ev.ServerExtensionsSettled())
            if mt == P.HELLO_VERIFY_REQUEST and self._dtls is not None:
                from sclient.tls.dtls.handshake import hello_verify_request

                hello_verify_request(hs, msg, self._dtls)  # type: ignore[arg-type]
                continue
            if mt == P.HELLO_REQUEST and hs.complete and not self._config.no_renegotiation:
                from sclient.tls import events_rare as evr

                self._events.append(evr.HelloRequestReceived())
                self._renegotiate(self._state, by_server=True)
                hs = self._handshake()
                continue
            self._state = self._state.handle(hs, msg)
            if hs.complete and mt in (P.NEW_SESSION_TICKET, P.KEY_UPDATE, P.HELLO_REQUEST):
                hs.loop(OsslState.OK)

    def _legacy_signature_check(self, sec: Any) -> None:
        """TLS 1.0/1.1: the check of the scheme the server's key type fixes."""
        peer = getattr(self._state, "peer", None)
        kind = getattr(peer, "kind", None)
        if isinstance(kind, str):
            sec.legacy_signature(kind)

    def _security_checks(self, msg: HandshakeMessage) -> None:
        """-security_debug: the checks OpenSSL makes processing ``msg``."""
        from sclient.tls import secdebug as sd

        sec = self._sec
        tls13 = self._facts.version == P.TLS1_3
        if isinstance(msg, ServerHello):
            if msg.random == P.HRR_RANDOM:
                sec.check_cipher(msg.cipher_suite)
                retry = msg.ext(KeyShareRetry)
                if retry is not None:
                    sec.group(sd.SUPPORTED_CURVE, retry.selected_group)
                sec.client_hello(
                    start=False,
                    session_version=P.TLS1_3,
                    hrr_group=retry.selected_group if retry is not None else 0,
                )
            else:
                sec.version_range()
                sec.check_cipher(msg.cipher_suite)
                legacy = all(e.ext_type != ext_types.SUPPORTED_VERSIONS for e in msg.extensions)
                if legacy and msg.compression_method != 0:
                    from sclient.tls.serverhello import resumed_session

                    old = resumed_session(self._handshake(), msg)
                    if old is None or old.compression == msg.compression_method:
                        sec.compression()  # ssl_allow_compression
                has_ticket = any(e.ext_type == ext_types.SESSION_TICKET for e in msg.extensions)
                if legacy and has_ticket and sec.inp.tickets:
                    sec.ticket()
        elif isinstance(msg, Certificate12):
            sec.peer_leaf = msg.certificates[0] if msg.certificates else None
        elif isinstance(msg, ServerKeyExchangeEcdhe):
            sec.group(sd.CHECK_CURVE, msg.group)
            if msg.scheme is not None:
                sec.peer_signature(msg.scheme)
            else:
                self._legacy_signature_check(sec)
        elif isinstance(msg, ServerKeyExchangeDhe):
            sec.temp_dh(int.from_bytes(msg.p, "big").bit_length())
            if msg.scheme is not None:
                sec.peer_signature(msg.scheme)
            else:
                self._legacy_signature_check(sec)
        elif isinstance(msg, ServerKeyExchangePsk):
            if msg.kx == "DHEPSK":
                sec.temp_dh(int.from_bytes(msg.p, "big").bit_length())
            elif msg.kx == "ECDHEPSK":
                sec.group(sd.CHECK_CURVE, msg.group)
        elif isinstance(msg, CertificateVerify) and tls13:
            sec.sigalg(sd.CHECK_SIGALG, msg.scheme, tls13_now=True)
        elif isinstance(msg, CertificateRequest13):
            algs = msg.ext(SignatureAlgorithms)
            peer = algs.schemes if algs is not None else ()
            for _ in range(2):
                sec.shared_sigalgs(peer, tls13_now=True)
        elif isinstance(msg, CertificateRequest12):
            for _ in range(2):
                sec.shared_sigalgs(msg.signature_schemes, tls13_now=False)
        elif isinstance(msg, NewSessionTicket13 | KeyUpdate):
            sec.version(P.TLS1_3)  # the state machine entered again
            sec.compression()  # ssl3_setup_write_buffer
        self._events.extend(sec.take())

    def _max_size(self, mt: int) -> int:
        if mt == P.NEW_SESSION_TICKET:
            return MAX_TICKET_13 if self._facts.version == P.TLS1_3 else MAX_TICKET_12
        return MAX_MESSAGE_SIZE.get(mt, 1 << 24)

    # -- errors and alerts -----------------------------------------------------------------

    def _send_alert(self, level: int, desc: int) -> None:
        if self._hs is not None:
            self._hs.flush()
        self._rl.write(P.ALERT, bytes((level, desc)), self._events)
        self._events.append(ev.AlertSent(level, desc))

    def _fail(self, error: TLSError) -> None:
        if self._failed is not None:
            return
        if self._dtls is not None and error.reason in _DTLS_REASONS:
            error.reason = _DTLS_REASONS[error.reason]  # DTLS's record layer says it
        self._failed = error
        hs = self._hs
        if hs is not None:
            hs.pending.clear()
            hs.ossl = OsslState.ERROR
        if error.alert is not None and not isinstance(error, PeerAlert):
            with contextlib.suppress(Exception):  # an alert we cannot protect is not sent
                self._send_alert(alerts.FATAL, error.alert)
        facts = self._facts
        self._events.append(
            ev.ConnectionFailed(
                error,
                during_handshake=not self.handshake_complete,
                bytes_read=self._rl.consumed,
                version=facts.version,
                negotiated=facts.negotiated(),
                session=None if isinstance(self._state, _NotStarted) else facts.session,
                ccs_sent=hs is not None and hs.ccs_sent,
            )
        )

    def _take_events(self) -> list[ev.Event]:
        events = self._events[:]
        self._events.clear()
        if self._dtls is not None:
            from sclient.tls.dtls.handshake import dtls_events

            return dtls_events(events)
        return events

    # -- DTLS --------------------------------------------------------------------------

    def _dtls_parses(self, msg: HandshakeMessage) -> bool:
        """DTLS: the ServerHello's use_srtp parses (OpenSSL's finalisers run)."""
        if self._dtls is None or not isinstance(msg, ServerHello):
            return True
        from sclient.tls.dtls.handshake import srtp_parses

        return srtp_parses(msg, self._config.srtp_profiles)

    def _hello_verify(self, mt: int) -> bool:
        """DTLS: a HelloVerifyRequest is welcome instead of a ServerHello."""
        return (
            mt == P.HELLO_VERIFY_REQUEST
            and self._dtls is not None
            and isinstance(self._state, ExpectServerHello)
            and self._facts.version is None
        )

    def timer(self) -> tuple[int, float] | None:
        """DTLS: the retransmission timer, as (generation, seconds): the
        driver wakes the engine with :meth:`handle_timeout` that long after
        the generation changed, unless input came that stopped the timer
        (None: no timer; TLS never has one)."""
        if self._dtls is None or self._failed is not None or self._peer_closed:
            return None
        rl: Any = self._rl
        hs = self._hs
        hb = self._hb
        if hb is not None and hb.pending is not None and not self._renegotiating():
            # a heartbeat request in flight: its own timer (negative generations)
            return -hb.generation, hb.interval
        if hs is None or (hs.complete and not self._renegotiating()) or not rl.timer_running:
            return None
        return rl.timer_generation, rl.timer_interval

    def handle_timeout(self) -> list[ev.Event]:
        """DTLS: the timer expired: the flight again (or, after too many
        timeouts, the handshake fails)."""
        timer = self.timer()
        if timer is not None:
            rl: Any = self._rl
            try:
                if timer[0] < 0:
                    from sclient.tls import heartbeat

                    heartbeat.send(rl, self._hb.timed_out(), self._events, True)
                else:
                    rl.retransmit(self._events)
            except TLSError as e:
                self._fail(e)
        return self._take_events()
