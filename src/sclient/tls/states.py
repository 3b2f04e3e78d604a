"""Handshake states as types, the table of what each accepts, and the shared
per-connection handshake context.

Theory of operation
-------------------
The connection is always in exactly one state: an instance of a
:class:`State` subclass holding only what is valid at that point (a key
schedule once there is one, the server's public key once the Certificate was
read, ...). A state class lists in ``EXPECTED`` the handshake message types
it accepts (plus :data:`CCS` for a TLS <= 1.2 ChangeCipherSpec). The client
checks every incoming message against that set *before* decoding it —
OpenSSL's ``ossl_statem_client_read_transition`` — so anything else is
``unexpected_message`` whatever it contains. Then ``handle`` consumes the
decoded message and returns the next state. Handlers live with their
version: :mod:`sclient.tls.serverhello` (ServerHello, HelloRetryRequest), :mod:`sclient.tls.tls13`,
:mod:`sclient.tls.tls12`.

:data:`EXPECTED` gathers every state's set in one table (documentation and
an exhaustive test read it); :data:`MAX_MESSAGE_SIZE` is OpenSSL's
``ossl_statem_client_max_message_size``.

:class:`Handshake` is the mutable context all states share: configuration,
record layer (through :class:`~sclient.tls.records.RecordPort`), transcript,
what we offered; what the server settled so far is its
:class:`~sclient.tls.facts.Facts`, which builds ``Negotiated`` and the
``Session``.
It also keeps OpenSSL's ``SSL_state_string_long`` position for ``-state``:
the info callback fires at every write transition and at every message
header read, with the state *before* the move (see :meth:`Handshake.loop`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from sclient.tls import events as ev
from sclient.tls.config import ClientConfig
from sclient.tls.crypto.transcript import Transcript
from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry import protocol as P
from sclient.tls.registry.extensions import CERT_TYPE_RPK
from sclient.tls.wire.handshake import HandshakeMessage

if TYPE_CHECKING:
    from sclient.tls.crypto.kex import KeyShare
    from sclient.tls.facts import Facts
    from sclient.tls.hello import Offer
    from sclient.tls.records import RecordPort
    from sclient.tls.wire.handshake import ClientHello

__all__ = ["CCS", "EXPECTED", "MAX_MESSAGE_SIZE", "Handshake", "OsslState", "State"]

#: Pseudo message type for a TLS <= 1.2 ChangeCipherSpec in ``EXPECTED``.
CCS = 0x100


class OsslState:
    """``SSL_state_string_long`` texts (ssl/ssl_stat.c)."""

    BEFORE = "before SSL initialization"
    OK = "SSL negotiation finished successfully"
    ERROR = "error"
    CW_CLNT_HELLO = "SSLv3/TLS write client hello"
    CR_SRVR_HELLO = "SSLv3/TLS read server hello"
    CR_CERT = "SSLv3/TLS read server certificate"
    CR_KEY_EXCH = "SSLv3/TLS read server key exchange"
    CR_CERT_REQ = "SSLv3/TLS read server certificate request"
    CR_SESSION_TICKET = "SSLv3/TLS read server session ticket"
    CR_SRVR_DONE = "SSLv3/TLS read server done"
    CW_CERT = "SSLv3/TLS write client certificate"
    CW_KEY_EXCH = "SSLv3/TLS write client key exchange"
    CW_CERT_VRFY = "SSLv3/TLS write certificate verify"
    CW_CHANGE = "SSLv3/TLS write change cipher spec"
    CW_FINISHED = "SSLv3/TLS write finished"
    CW_NEXT_PROTO = "SSLv3/TLS write next proto"
    CR_CHANGE = "SSLv3/TLS read change cipher spec"
    CR_FINISHED = "SSLv3/TLS read finished"
    CR_CERT_STATUS = "SSLv3/TLS read certificate status"
    CR_HELLO_REQ = "SSLv3/TLS read hello request"
    CR_ENCRYPTED_EXTENSIONS = "TLSv1.3 read encrypted extensions"
    CR_CERT_VRFY = "TLSv1.3 read server certificate verify"
    CW_KEY_UPDATE = "TLSv1.3 write client key update"
    CR_KEY_UPDATE = "TLSv1.3 read server key update"
    EARLY_DATA = "TLSv1.3 early data"
    PENDING_EARLY_DATA_END = "TLSv1.3 pending early data end"
    CW_END_OF_EARLY_DATA = "TLSv1.3 write end of early data"
    CR_COMP_CERT = "TLSv1.3 read server compressed certificate"  # OpenSSL 3.2+
    CW_COMP_CERT = "TLSv1.3 write client compressed certificate"  # OpenSSL 3.2+


#: The state OpenSSL moves to when it reads each message type.
READ_STATE: dict[int, str] = {
    P.SERVER_HELLO: OsslState.CR_SRVR_HELLO,
    P.CERTIFICATE: OsslState.CR_CERT,
    P.SERVER_KEY_EXCHANGE: OsslState.CR_KEY_EXCH,
    P.CERTIFICATE_REQUEST: OsslState.CR_CERT_REQ,
    P.NEW_SESSION_TICKET: OsslState.CR_SESSION_TICKET,
    P.SERVER_HELLO_DONE: OsslState.CR_SRVR_DONE,
    P.FINISHED: OsslState.CR_FINISHED,
    P.CERTIFICATE_STATUS: OsslState.CR_CERT_STATUS,
    P.HELLO_REQUEST: OsslState.CR_HELLO_REQ,
    P.ENCRYPTED_EXTENSIONS: OsslState.CR_ENCRYPTED_EXTENSIONS,
    P.CERTIFICATE_VERIFY: OsslState.CR_CERT_VRFY,
    P.KEY_UPDATE: OsslState.CR_KEY_UPDATE,
    P.COMPRESSED_CERTIFICATE: OsslState.CR_COMP_CERT,
    CCS: OsslState.CR_CHANGE,
}

#: OpenSSL 3.0 ``ossl_statem_client_max_message_size`` by message type.
MAX_MESSAGE_SIZE: dict[int, int] = {
    P.SERVER_HELLO: 20000,
    P.ENCRYPTED_EXTENSIONS: 20000,
    P.CERTIFICATE: 100 * 1024,
    P.COMPRESSED_CERTIFICATE: 100 * 1024,  # OpenSSL 3.2+: max_cert_list too
    P.CERTIFICATE_REQUEST: 100 * 1024,
    P.SERVER_KEY_EXCHANGE: 100 * 1024,
    P.CERTIFICATE_VERIFY: 1 << 14,
    P.CERTIFICATE_STATUS: 1 << 14,
    P.SERVER_HELLO_DONE: 0,
    P.FINISHED: 64,
    P.KEY_UPDATE: 1,
    P.HELLO_REQUEST: 0,
}
#: SESSION_TICKET_MAX_LENGTH_TLS13 / _TLS12.
MAX_TICKET_13 = 131338
MAX_TICKET_12 = 65541


class State:
    """Base class of the handshake states."""

    __slots__ = ()
    EXPECTED: ClassVar[frozenset[int]] = frozenset()
    #: TLS <= 1.2 between the server's CCS and Finished: only handshake data.
    AFTER_CCS: ClassVar[bool] = False

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")

    def handle_ccs(self, hs: Handshake) -> State:
        raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")

    @property
    def name(self) -> str:
        return type(self).__name__


#: Every state class -> the message types it accepts (filled by ``register``).
EXPECTED: dict[type[State], frozenset[int]] = {}


def register(cls: type[State]) -> type[State]:
    EXPECTED[cls] = cls.EXPECTED
    return cls


class Handshake:
    """The context the states share (one per connection, made when the
    ClientHello is built): the configuration, the record layer (through its
    port), the transcript, what we sent (``ch``, ``offer``, the key
    ``shares``), the ``-state`` position, and :attr:`facts`, what the server
    settled so far."""

    __slots__ = (
        "binding",
        "ccs_sent",
        "ch",
        "ch1",
        "complete",
        "config",
        "early",
        "ech",
        "events",
        "extensions_settled",
        "facts",
        "frame",
        "offer",
        "ossl",
        "pending",
        "random",
        "record_pending",
        "renegotiation",
        "retry_hello",
        "rl",
        "shares",
        "transcript",
    )

    def __init__(
        self,
        config: ClientConfig,
        rl: RecordPort,
        events: list[ev.Event],
        facts: Facts,
        ch: ClientHello,
        offer: Offer,
        shares: dict[int, KeyShare],
        ossl: str = OsslState.BEFORE,
    ) -> None:
        self.config = config
        self.rl = rl
        self.events = events
        self.facts = facts
        self.random: Callable[[int], bytes] = config.random
        self.transcript = Transcript()
        self.ossl = ossl
        self.shares = shares
        #: The ClientHello sent last (the second one after a HelloRetryRequest) and the first.
        self.ch = ch
        self.ch1 = ch
        #: What ``ch`` offered (what the server's answers are checked against).
        self.offer = offer
        self.complete = False
        #: 0-RTT in flight: the early write cipher and what was sent under it
        #: (an :class:`sclient.tls.early.EarlySent`; None: no early data, or a
        #: HelloRetryRequest ended it).
        self.early: object = None
        #: Encrypted Client Hello in flight (an :class:`sclient.tls.ech.EchState`; None: none).
        self.ech: object = None
        #: Our ChangeCipherSpec was written (TLS <= 1.2, or TLS 1.3's compatibility one).
        self.ccs_sent = False
        #: :class:`~sclient.tls.events.ServerExtensionsSettled` was emitted.
        self.extensions_settled = False
        #: Handshake bytes of the current record follow the message being handled.
        self.record_pending = False
        self.pending: list[tuple[bytes, HandshakeMessage]] = []
        #: Replays only: the second ClientHello to send after a HelloRetryRequest.
        self.retry_hello: ClientHello | None = None
        #: A renegotiation: whether the server asked for it (None: the first handshake).
        self.renegotiation: bool | None = None
        #: What the server's renegotiation_info must carry (RFC 5746): empty in
        #: the first handshake, both previous verify_data in a renegotiation.
        self.binding = b""
        #: DTLS: puts a message in its DTLS form (message_seq) before it is
        #: hashed and sent (None: TLS).
        self.frame: Callable[[bytes], bytes] | None = None

    # -- -state ------------------------------------------------------------------

    def loop(self, next_state: str | None = None) -> None:
        """OpenSSL's info callback (SSL_CB_LOOP) with the current state, then
        move to ``next_state``."""
        self.events.append(ev.StateChanged(self.ossl))
        if next_state is not None:
            self.ossl = next_state

    # -- output ------------------------------------------------------------------

    def queue(self, msg: HandshakeMessage, state: str | None = None) -> bytes:
        """Encode ``msg`` and record it in the transcript; it is written by
        :meth:`flush`. ``state`` is the OpenSSL write state it moves to."""
        if state is not None:
            self.loop(state)
        raw = msg.encode()
        if self.frame is not None:
            raw = self.frame(raw)
        self.transcript.update(raw)
        self.pending.append((raw, msg))
        return raw

    def flush(self) -> None:
        """Write the queued handshake messages under the current write keys,
        each in records of its own as OpenSSL writes them (a flight still
        leaves in one socket write: the driver sends what is queued at once)."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        for raw, msg in pending:
            self.rl.write(P.HANDSHAKE, raw, self.events)
            self.events.append(ev.HandshakeSent(raw[0], raw, msg))

    def send_message(self, msg: HandshakeMessage, state: str | None = None) -> bytes:
        raw = self.queue(msg, state)
        self.flush()
        return raw

    def send_ccs(self) -> None:
        self.flush()
        self.loop(OsslState.CW_CHANGE)
        self.rl.write(P.CHANGE_CIPHER_SPEC, b"\x01", self.events)
        self.ccs_sent = True
        self.events.append(ev.ChangeCipherSpecSent())

    def keylog(self, label: str, secret: bytes) -> None:
        self.events.append(ev.KeylogSecret(label, self.facts.client_random, secret))

    def raw_public_key_expected(self) -> bool:
        """Whether the server's Certificate carries a raw public key (decoded
        by :mod:`sclient.tls.rpk`, imported only then): the type was
        negotiated for the handshake under way, not after it."""
        return self.facts.server_cert_type == CERT_TYPE_RPK and not self.complete
