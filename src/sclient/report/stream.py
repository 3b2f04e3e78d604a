"""Streaming renderers: what s_client prints while the connection runs, at the
moment each engine event happens.

A :class:`Stream` fans every event out to the renderers that subscribed to
its type, in the order they subscribed. :class:`TextStream` prints
s_client's own lines (the verify callback's ``depth=`` lines, ``Can't use
SSL_get_servername``, the summary after the handshake, the ticket blocks,
``read R BLOCK``, the -xcert chain checks, the PSK messages) and writes the
key log. The tracing options subscribe here beside it, each a renderer of
its own in ``report/``: ``-msg`` (handshake and record messages), ``-state``
(state changes), ``-debug`` (record hex dumps), ``-trace`` (decoded
messages), ``-tlsextdebug`` (extensions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from sclient.base.errorqueue import ErrorEntry
from sclient.report.collector import Collector
from sclient.report.present import View, connection_version, summary_data, verify_text
from sclient.tls import events as ev
from sclient.tls.registry.protocol import TLS1_3

if TYPE_CHECKING:
    from sclient.tls import events_rare as evr

Handler = Callable[[Any], None]


class Sink(Protocol):
    """s_client's two channels: buffered stdout, unbuffered stderr."""

    def out(self, text: str) -> None: ...
    def err(self, text: str) -> None: ...
    def flush(self) -> None: ...


class Stream:
    """Event type → the renderers' handlers."""

    def __init__(self) -> None:
        #: by the event class's name: a table may name a class it does not
        #: import (those of :mod:`sclient.tls.events_rare`)
        self._handlers: dict[str, list[Handler]] = {}

    def subscribe(self, table: Mapping[type | str, Handler], first: bool = False) -> None:
        """Add the handlers of ``table`` (keyed by event class or its name):
        after those already there, or, with ``first``, before them."""
        for kind, handler in table.items():
            handlers = self._handlers.setdefault(
                kind if isinstance(kind, str) else kind.__name__, []
            )
            handlers.insert(0 if first else len(handlers), handler)

    def publish(self, event: object) -> None:
        """An engine event, or a fact of the driver's (its socket I/O, -debug)."""
        for handler in self._handlers.get(type(event).__name__, ()):
            handler(event)


class TextStream:
    """s_client's lines as things happen (output.md §2 to §6)."""

    def __init__(
        self,
        sink: Sink,
        collector: Collector,
        view: View,
        *,
        servername_notice: bool,
        brief: bool = False,
        json_mode: bool = False,
        psk_key: str = "",
        keylog: IO[bytes] | None = None,
        install_errors: Mapping[int, Sequence[ErrorEntry]] | None = None,
    ) -> None:
        self.sink = sink
        self.collector = collector
        self.view = view
        #: No SNI sent and -noservername not given: the server_name finaliser's
        #: SSL_get_servername fails, and s_client says so.
        self.servername_notice_wanted = servername_notice
        self.brief = brief
        self.json_mode = json_mode
        self.psk_key = psk_key
        self.keylog = keylog
        self.install_errors = install_errors or {}
        self.notice_done = False  # once per handshake
        #: Error-queue entries left before the engine's failure is reported
        #: (``d2i_OCSP_RESPONSE``'s, under ``-status``).
        self.queued: list[ErrorEntry] = []
        self.full = True  # the first summary shows the chain; later ones do not

    def table(self) -> dict[type | str, Handler]:
        return {
            ev.ServerExtensionsSettled: lambda e: self.servername_notice(),
            ev.CertificateVerified: self.verified,
            "PeerRawPublicKey": self.verified,
            ev.CertChainChecked: self.chain_checked,
            "CertificateStatusChecked": self.status,
            "NextProtocolSelected": self.next_protocols,
            "ServerInfoReceived": self.serverinfo,
            "PskUnusable": self.psk_unusable,
            "SrpGroupChecked": self.srp_group,
            ev.KeylogSecret: self.write_keylog,
            ev.HandshakeComplete: self.handshake_complete,
            ev.NewSessionTicket: self.ticket,
            "KeyUpdateReceived": lambda e: self.sink.out("read R BLOCK\n"),
            "PostHandshakeAuthDone": lambda e: self.sink.out("read R BLOCK\n"),
            "RenegotiationStarted": self.renegotiation_started,
            ev.RenegotiationComplete: self.renegotiated,
            # s_client's SSL_read, having answered the HelloRequest, wants more.
            "RenegotiationRefused": lambda e: self.sink.out("read R BLOCK\n"),
        }

    def new_connection(self) -> None:
        self.notice_done = False
        self.queued.clear()

    # ------------------------------------------------------------ the error queue

    def error(self, entry: ErrorEntry) -> None:
        """Print one error-queue entry (``ERR_print_errors``) and keep it."""
        from sclient.report.errors import thread_id

        self.collector.error(entry)
        self.sink.err(entry.line_text(thread_id()) + "\n")

    def tls_error(self, error: object) -> None:
        from sclient.report.errors import tls_error_entry

        for entry in self.queued:
            self.error(entry)
        self.queued.clear()
        if getattr(error, "reason", None) == "DTLS_SILENT_FAILURE":
            # OpenSSL's DTLS reassembly fails with nothing queued: s_client
            # takes it for a failed socket write.
            self.sink.err("write:errno=0\n")
            return
        self.error(tls_error_entry(error))

    # ------------------------------------------------------------ summaries

    def summary(self, final: bool = False) -> None:
        """``print_stuff``: after the handshake, after a failure, at -prexit's end."""
        if self.json_mode:
            return
        from sclient.report.summary import render_summary

        run = self.collector.report
        self.sink.out(render_summary(summary_data(run, self.view, self.full or final, final)))
        self.sink.flush()

    # ------------------------------------------------------------ handlers

    def servername_notice(self) -> None:
        """``Can't use SSL_get_servername`` (once per handshake, when the
        server_name finaliser runs: ServerHello in 1.2, EncryptedExtensions in 1.3)."""
        if self.notice_done:
            return
        self.notice_done = True
        if self.servername_notice_wanted:
            self.sink.err("Can't use SSL_get_servername\n")

    def next_protocols(self, e: evr.NextProtocolSelected) -> None:
        """s_client's NPN callback prints the server's list (stdout)."""
        names = ", ".join(p.decode("latin-1") for p in e.advertised)
        self.sink.out(f"Protocols advertised by server: {names}\n")

    def serverinfo(self, e: evr.ServerInfoReceived) -> None:
        """s_client's custom extension parse callback: the extension (type,
        length, data) as a PEM block (stdout)."""
        from sclient.base.pem import encode

        block = e.ext_type.to_bytes(2, "big") + len(e.data).to_bytes(2, "big") + e.data
        self.sink.out(encode(f"SERVERINFO FOR EXTENSION {e.ext_type}", block))

    def verified(self, e: ev.CertificateVerified | evr.PeerRawPublicKey) -> None:
        """The verify callback's lines, where OpenSSL's callback runs."""
        verdict = self.collector.report.current.verdict
        if verdict is not None and verdict.text:
            self.sink.err(verdict.text)

    def status(self, e: evr.CertificateStatusChecked) -> None:
        """s_client's OCSP status callback (``-status``): its block on stdout;
        a response that does not decode leaves d2i's errors on the queue."""
        from sclient.report.ocsp import status_text

        detail = e.verdict.detail
        self.queued.extend(getattr(detail, "errors", ()))
        self.sink.out(status_text(e.response, getattr(detail, "parsed", None)))

    def chain_checked(self, e: ev.CertChainChecked) -> None:
        """s_client's ``set_cert_cb``: ``Checking cert chain N:`` and
        ``print_chain_flags`` for one ``-xcert`` set (stderr)."""
        from sclient.tls.clientauth import CHAIN_FLAGS

        subject = self.view.cert(e.certificate).subject
        lines = [f"Checking cert chain {e.index}:\n", f"Subject: {subject}\n"]
        for name, bit in CHAIN_FLAGS:
            lines.append(f"\t{name}: {'OK' if e.flags & bit else 'NOT OK'}\n")
        lines.append("\tSuite B: not tested\n")
        self.sink.err("".join(lines))
        if e.install_fails:
            for entry in self.install_errors.get(e.index, ()):
                self.error(entry)

    def srp_group(self, e: evr.SrpGroupChecked) -> None:
        """s_client's ``ssl_srp_verify_param_cb`` (``BN_print``: upper-case
        hex without leading zeros)."""
        lines = []
        if e.shown:
            lines.append(f"SRP parameters:\n\tN={e.n:X}\n\tg={e.g:X}\n")
        if e.deeper:
            lines.append("SRP param N and g are not known params, going to check deeper.\n")
        if not e.accepted:
            lines.append("SRP param N and g rejected.\n")
        if lines:
            self.sink.err("".join(lines))

    def psk_unusable(self, e: evr.PskUnusable) -> None:
        """s_client's PSK callbacks: ``Could not convert PSK key`` and
        OPENSSL_hexstr2buf's error, or (TLS 1.2) a key too long for the buffer."""
        from sclient.report import errors

        key = self.psk_key
        if key and len(key) % 2 == 0:
            if not e.tls13:
                self.sink.err(
                    f"psk buffer of callback is too small (512) for key ({len(key) // 2})\n"
                )
            return
        self.sink.err(f"Could not convert PSK key '{key}' to buffer\n")
        self.error(errors.HEX_ODD_DIGITS if key else errors.HEX_TOO_SHORT)

    def write_keylog(self, e: ev.KeylogSecret) -> None:
        if self.keylog is None:
            return
        line = f"{e.label} {e.client_random.hex()} {e.secret.hex()}\n"
        try:
            self.keylog.write(line.encode("ascii"))
            self.keylog.flush()
        except OSError:
            pass

    def handshake_complete(self, e: ev.HandshakeComplete) -> None:
        self.servername_notice()
        if self.brief:
            from sclient.report.summary import render_brief

            self.sink.err(render_brief(summary_data(self.collector.report, self.view, True)))
        self.summary()
        self.full = False
        starttls = self.collector.report.current.starttls
        if starttls is not None:
            # What is left in s_client's scratch buffer (output.md §3).
            self.sink.err(starttls.outcome.residue.decode("utf-8", "surrogateescape"))

    def renegotiation_started(self, e: evr.RenegotiationStarted) -> None:
        self.notice_done = False  # the server_name callback runs again

    def renegotiated(self, e: ev.RenegotiationComplete) -> None:
        """No summary again; a HelloRequest's handshake ran inside s_client's
        SSL_read, which then comes back wanting more data."""
        if e.by_server:
            self.sink.out("read R BLOCK\n")

    def ticket(self, e: ev.NewSessionTicket) -> None:
        """A TLS 1.3 ticket's block (``new_session_cb``) and ``read R BLOCK``."""
        c = self.collector.report.current
        if self.json_mode or connection_version(c, self.view) != TLS1_3:
            return
        from sclient.report.session import render_ticket_block

        self.sink.out(render_ticket_block(c.ticket_session(e.session), verify_text))
        self.sink.flush()
        self.sink.out("read R BLOCK\n")
