"""One run of s_client: connect, (proxy), handshake, summary, the interactive
loop, shutdown (output.md §2, §5 to §9). The engine's events drive every line."""

from __future__ import annotations

import contextlib
import errno as errno_mod
import os
import select
from collections.abc import Sequence
from typing import Any

from sclient.app.common import opt
from sclient.app.console import Console
from sclient.app.settings import ANY_VERSION, Settings
from sclient.base import structs
from sclient.report.errors import SSL_LIB, ErrorEntry, thread_id, tls_error_entry
from sclient.tls.events import ConnectionFailed
from sclient.tls.registry.protocol import TLS1_3
from sclient.transport import clock

HANDSHAKE_TYPES_AFTER_SH = {8, 11, 12, 13, 14, 20}  # EE, Certificate, SKE, CR, SHD, Finished


class _Shut(Exception):
    """Leave the loop through s_client's ``shut:`` path with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _DoneWaiting(Exception):
    """-reconnect: the server ended the connection while its tickets were awaited."""


class _Reconnect(Exception):
    """-reconnect: drop this connection and make the next one."""


def _server_hello_is_tls12(raw: bytes) -> bool:
    """True when a ServerHello (with header) has no supported_versions extension
    and is not a HelloRetryRequest."""
    from sclient.tls.registry.protocol import HRR_RANDOM

    try:
        body = raw[4:]
        if body[2:34] == HRR_RANDOM:
            return False
        pos = 34
        pos += 1 + body[pos]
        pos += 3
        if pos + 2 > len(body):
            return True
        end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
        pos += 2
        while pos + 4 <= end:
            etype = int.from_bytes(body[pos : pos + 2], "big")
            elen = int.from_bytes(body[pos + 2 : pos + 4], "big")
            if etype == 43:
                return False
            pos += 4 + elen
        return True
    except IndexError:
        return False


class Program:
    """Holds the state of one connection and prints as s_client does."""

    def __init__(self, options: Any, console: Console, settings: Settings) -> None:
        self.o = options
        self.c = console
        self.s = settings
        # What the whole run keeps, across -reconnect's connections.
        self.session: Any = None
        self.tickets: list[Any] = []
        self.error_entries: list[ErrorEntry] = []
        self.brief = bool(opt(options, "brief", False))
        self.full = True
        self.t_start = clock.monotonic()
        self.awaiting_tickets = False  # -reconnect reads the TLS 1.3 tickets
        self.status = 0
        self.signal: int | None = None  # the signal that ended the run
        self.hello_time = 0.0
        self.json_mode = bool(opt(options, "json", False))
        self._cert_cache: dict[bytes, Any] = {}
        #: -reconnect: connections still to make after this one (OpenSSL: 5).
        self.reconnects = 5 if opt(options, "reconnect", False) else 0
        #: The session the next ClientHello offers (-sess_in, then -reconnect's).
        self.resume: Any = settings.config.resume
        #: -json: one report per finished connection (-reconnect).
        self.connection_reports: list[dict[str, Any]] = []
        self.reset_connection()

    def reset_connection(self) -> None:
        """What belongs to one connection, as it is before it starts (each
        -reconnect connection starts from here)."""
        self.conn: Any = None
        self.client: Any = None
        self.in_init = True
        self.negotiated: Any = None
        self.peer_chain: tuple[bytes, ...] | None = None
        self.cert_request: Any = None
        self.pha_requests: list[Any] = []
        self.client_certs_sent: list[Any] = []
        self.records_read = 0
        self.tls_read: int | None = None  # what the record layer had read when it failed
        self.pre_tls_read = 0
        self.handshake_read: int | None = None
        self.handshake_written: int | None = None
        self.sni_notice_done = False
        self.error: Any = None
        self.client_hello_sent = False
        self.ccs_sent = False  # our ChangeCipherSpec written (TLS <= 1.2)
        self.verifier: Any = None
        self.starttls: Any = None  # the Exchange of -starttls on this connection
        self.skip_shut = False  # OpenSSL's "goto end": no summary, no shutdown
        self.t_hello_sent: float | None = None  # the ClientHello flushed
        self.t_first_reply: float | None = None  # the first bytes after it
        # Where this connection's share of the run-wide lists starts (-json).
        self.first_ticket = len(self.tickets)
        self.first_error = len(self.error_entries)
        self.first_err_line = len(self.c.err_log)
        self.first_data = self.c.data_received
        self.t_connect_start: float | None = None  # the connect attempt began
        self.t_connected: float | None = None
        self.t_handshake: float | None = None
        self.t_end: float | None = None  # this connection was closed
        self.peer_closed = False  # the server's close_notify arrived

    # ------------------------------------------------------------ helpers

    def err_entry(self, entry: ErrorEntry) -> None:
        self.error_entries.append(entry)
        self.c.err(entry.line_text(thread_id()) + "\n")

    def print_tls_error(self, error: Any) -> None:
        self.error = error
        self.err_entry(tls_error_entry(error))

    def servername_notice(self) -> None:
        """``Can't use SSL_get_servername`` (once per handshake, when the
        server_name finaliser runs: ServerHello in 1.2, EncryptedExtensions in 1.3)."""
        if self.sni_notice_done:
            return
        self.sni_notice_done = True
        if self.s.sni is None and not opt(self.o, "noservername", False):
            self.c.err("Can't use SSL_get_servername\n")

    def connection_version(self) -> int:
        if self.negotiated is not None:
            return int(self.negotiated.version)
        v = getattr(self.client, "version", None) if self.client is not None else None
        if v:
            return int(v)
        if self.client_hello_sent:
            return self.s.max_version
        return ANY_VERSION

    # ------------------------------------------------------------ summary

    def verify_text(self, code: int) -> str:
        from sclient.app.verify import verify_error_string

        return verify_error_string(code)

    def cert_info(self, der: bytes) -> Any:
        info = self._cert_cache.get(der)
        if info is None:
            from sclient.report.certs import describe

            info = describe(der, opt(self.o, "nameopt"))
            self._cert_cache[der] = info
        return info

    def summary_data(self, full: bool, final: bool = False) -> Any:
        from sclient.report.facts import summary_data

        chain = None
        if self.peer_chain is not None:
            chain = [self.cert_info(d) for d in self.peer_chain]
        peer = None
        if not self.in_init and self.negotiated is not None:
            if self.peer_chain:
                peer = self.cert_info(self.peer_chain[0])
            elif self.session is not None and self.session.peer_certificate:
                peer = self.cert_info(self.session.peer_certificate)
        elif full and self.connection_version() == TLS1_3 and self.client is not None:
            # A TLS 1.3 handshake that failed after the server's Certificate was
            # accepted (e.g. at our client certificate): OpenSSL's session has it.
            partial = getattr(self.client, "session", None)
            if partial is not None and partial.peer_certificate:
                peer = self.cert_info(partial.peer_certificate)
        ca_names: list[str] = []
        if self.cert_request is not None and self.cert_request.authorities:
            from sclient.report.certs import name_text

            ca_names = [name_text(n, opt(self.o, "nameopt")) for n in self.cert_request.authorities]
        if final or self.handshake_read is None:
            read = self.conn.bytes_read if self.conn is not None else 0
            written = self.conn.bytes_written if self.conn is not None else 0
            if self.tls_read is not None and self.in_init and not final:
                # The record layer failed: OpenSSL read only what it had taken in
                # (a bad header's five bytes), never what came after.
                read = self.pre_tls_read + self.tls_read
            elif not final and self.records_read:
                # OpenSSL reads record by record (no read-ahead): after a failed
                # handshake it has read only up to the record that failed.
                read = self.pre_tls_read + self.records_read
        else:
            read, written = self.handshake_read, self.handshake_written or 0
        session = self.session
        version = self.connection_version()
        if session is None and self.client_hello_sent and version != TLS1_3:
            from sclient.tls.session import Session

            session = Session(
                version=version, cipher_suite=None, start_time=int(self.hello_time), timeout=7200
            )
            # A TLS <= 1.2 handshake that failed after the ServerHello: OpenSSL's
            # session already holds the cipher, the server's certificate (once
            # verified), the PSK identity and the master secret.
            partial = getattr(self.client, "session", None) if self.client is not None else None
            settled = getattr(self.client, "negotiated", None) if self.client is not None else None
            if partial is not None and settled is not None and partial.version == version:
                # ... but the cipher only once our ChangeCipherSpec is written
                # (ossl_statem_client_post_work), while the EMS flag comes with
                # the ServerHello.
                session = structs.replace(
                    partial,
                    cipher_suite=settled.cipher_suite if self.ccs_sent else None,
                    extended_master_secret=settled.extended_master_secret,
                    start_time=int(self.hello_time),
                    timeout=7200,
                )
                if peer is None and full and partial.peer_certificate:
                    peer = self.cert_info(partial.peer_certificate)
        our = self.s.config.client_signature_schemes
        if our is None:
            our = self.s.config.signature_schemes
        negotiated = self.negotiated
        if negotiated is None and self.client is not None:
            # What the ServerHello settled, for a handshake that failed later.
            negotiated = getattr(self.client, "negotiated", None)
        verify_code = self.verifier.code if self.verifier is not None else 0
        resumed = self.resumed_session()
        if resumed is not None:
            # No verification on resumption: SSL_get_verify_result is the session's.
            verify_code = resumed.verify_result
        # tls_post_process_server_certificate stores the result in the session
        # only when the verification did not end the handshake.
        aborted = self.verifier is not None and self.verifier.aborted
        if session is not None and session.verify_result != verify_code and not aborted:
            session = structs.replace(session, verify_result=verify_code)
        d = summary_data(
            version=version,
            negotiated=negotiated,
            session=session,
            chain=chain if full else None,
            peer=peer,
            cert_request=self.cert_request,
            ca_names=ca_names,
            our_sigalgs=our,
            bytes_read=read,
            bytes_written=written,
            verify_code=verify_code,
            verify_text=self.verify_text,
            full=full,
            showcerts=bool(opt(self.o, "showcerts", False)),
        )
        if self.verifier is not None:
            d.verified_peername = self.verifier.peername
            d.dane_line = self.verifier.dane_line
        if self.negotiated is None and session is not None and session.cipher_suite is None:
            # SSL_get_current_cipher is the session's: none before our CCS.
            d.cipher_version = d.cipher_name = None
        return d

    def print_summary(self, final: bool = False) -> None:
        if self.json_mode:
            return
        from sclient.report.summary import render_summary

        self.c.out(render_summary(self.summary_data(self.full or final, final)))
        self.c.flush()

    # ------------------------------------------------------------ engine I/O

    def flush_engine(self) -> None:
        data = self.client.data_to_send()
        if data:
            try:
                self.conn.sendall(data)
            except OSError as exc:
                code = exc.errno or 0
                self.c.err(f"write:errno={code}\n")
                raise _Shut(1) from None

    def handle_events(self, events: Sequence[Any]) -> None:
        from sclient.tls import events as ev

        for e in events:
            if isinstance(e, ev.RecordReceived):
                self.records_read += len(e.raw)
            elif isinstance(e, ev.ChangeCipherSpecSent):
                self.ccs_sent = True
            elif isinstance(e, ev.HandshakeReceived):
                if (e.msg_type == 2 and _server_hello_is_tls12(e.raw)) or (
                    e.msg_type in HANDSHAKE_TYPES_AFTER_SH and self.in_init
                ):
                    self.servername_notice()
            elif isinstance(e, ev.PeerCertificates):
                if self.in_init:
                    self.peer_chain = tuple(e.chain)
            elif isinstance(e, ev.CertificateRequested):
                if e.post_handshake:
                    self.pha_requests.append(e)
                else:
                    self.cert_request = e
            elif isinstance(e, ev.ClientCertificateSent):
                self.client_certs_sent.append(e)
            elif isinstance(e, ev.CertChainChecked):
                self.chain_checked(e)
            elif isinstance(e, ev.PskUnusable):
                self.psk_unusable(e)
            elif isinstance(e, ev.KeylogSecret):
                self.write_keylog(e)
            elif isinstance(e, ev.HandshakeComplete):
                self.handshake_complete(e)
            elif isinstance(e, ev.NewSessionTicket):
                self.ticket(e)
            elif isinstance(e, ev.KeyUpdateReceived):
                self.c.out("read R BLOCK\n")
            elif isinstance(e, ev.ApplicationData):
                # -json: the console counts the data and keeps it off stdout.
                if not self.c.data(e.data):
                    self.c.out("DONE\n")
                    raise _Shut(0)
            elif isinstance(e, ev.ConnectionClosed | ev.ConnectionFailed) and self.awaiting_tickets:
                raise _DoneWaiting
            elif isinstance(e, ev.ConnectionClosed):
                self.peer_closed = True
                self.c.out("closed\n")
                self.c.flush()
                raise _Shut(0)
            elif isinstance(e, ev.ConnectionFailed):
                self.tls_read = e.bytes_read
                self.fail(e.error)

    def chain_checked(self, e: Any) -> None:
        """s_client's ``set_cert_cb``: ``Checking cert chain N:`` and
        ``print_chain_flags`` for one ``-xcert`` set (stderr)."""
        from sclient.tls.clientauth import CHAIN_FLAGS

        subject = self.cert_info(e.certificate).subject
        lines = [f"Checking cert chain {e.index}:\n", f"Subject: {subject}\n"]
        for name, bit in CHAIN_FLAGS:
            lines.append(f"\t{name}: {'OK' if e.flags & bit else 'NOT OK'}\n")
        lines.append("\tSuite B: not tested\n")
        self.c.err("".join(lines))
        if e.install_fails:
            for entry in self.s.install_errors.get(e.index, []):
                self.err_entry(entry)

    def psk_unusable(self, e: Any) -> None:
        """s_client's PSK callbacks: ``Could not convert PSK key`` and
        OPENSSL_hexstr2buf's error, or (TLS 1.2) a key too long for the buffer."""
        key = str(opt(self.o, "psk", ""))
        if key and len(key) % 2 == 0:
            if not e.tls13:
                self.c.err(f"psk buffer of callback is too small (512) for key ({len(key) // 2})\n")
            return
        self.c.err(f"Could not convert PSK key '{key}' to buffer\n")
        lib = "common libcrypto routines"
        if key:
            entry = ErrorEntry(
                0x07800067, lib, "hexstr2buf_sep", "odd number of digits", "../crypto/o_str.c", 161
            )
        else:
            entry = ErrorEntry(
                0x07800079,
                lib,
                "ossl_hexstr2buf_sep",
                "hex string too short",
                "../crypto/o_str.c",
                202,
            )
        self.err_entry(entry)

    def fail(self, error: Any) -> None:
        from sclient.tls.errors import UnexpectedEOF

        if (
            isinstance(error, UnexpectedEOF)
            and not self.in_init
            and opt(self.o, "ignore_unexpected_eof", False)
        ):
            self.c.out("closed\n")
            self.c.flush()
            raise _Shut(0)
        self.print_tls_error(error)
        raise _Shut(1)

    def feed(self, data: bytes) -> None:
        from sclient.tls.errors import TLSError

        if data and self.t_first_reply is None:
            self.t_first_reply = clock.monotonic()
        try:
            events = self.client.receive(data) if data else self.client.receive_eof()
        except TLSError as exc:
            self.flush_engine_quietly()
            self.fail(exc)
            return
        events = events or []
        if any(isinstance(e, ConnectionFailed) for e in events):
            # The alert after a failure is best effort, as SSL's is: a peer that
            # is gone (EPIPE) must not replace the cause with write:errno=32.
            self.flush_engine_quietly()
        else:
            self.flush_engine()
        self.handle_events(events)

    def flush_engine_quietly(self) -> None:
        try:
            data = self.client.data_to_send()
            if data:
                self.conn.sendall(data)
        except Exception:
            pass

    def write_keylog(self, e: Any) -> None:
        f = self.s.keylog
        if f is None:
            return
        line = f"{e.label} {e.client_random.hex()} {e.secret.hex()}\n"
        try:
            f.write(line.encode("ascii"))
            f.flush()
        except OSError:
            pass

    # ------------------------------------------------------------ milestones

    def resumed_session(self) -> Any:
        if self.client is None or self.negotiated is None:
            return None
        return getattr(self.client, "resumed_session", None)

    def with_verify_result(self, session: Any) -> Any:
        """The session as OpenSSL keeps it: with this connection's verify result
        (a resumed one keeps the result it was made with)."""
        if self.verifier is not None and self.resumed_session() is None:
            return structs.replace(session, verify_result=self.verifier.code)
        return session

    def new_session(self, session: Any) -> None:
        """s_client's new-session callback: -sess_out, the session to resume."""
        self.resume = session
        path = opt(self.o, "sess_out")
        if path is not None:
            from sclient.app.sessions import write_session

            if not write_session(str(path), session):
                self.c.err(f"Error writing session file {path}\n")

    def handshake_complete(self, e: Any) -> None:
        self.negotiated = e.negotiated
        self.session = e.session
        if e.negotiated.version != TLS1_3 and self.resumed_session() is None:
            # ssl_update_cache: a TLS <= 1.2 session with an id (or a ticket).
            self.session = self.with_verify_result(e.session)
            if self.session.session_id:
                self.new_session(self.session)
        self.in_init = False
        self.servername_notice()
        self.t_handshake = clock.monotonic()
        self.handshake_read = self.pre_tls_read + self.records_read
        if self.handshake_read == self.pre_tls_read:  # engine without record events
            self.handshake_read = self.conn.bytes_read
        self.handshake_written = self.conn.bytes_written
        if self.brief:
            from sclient.report.summary import render_brief

            self.c.err(render_brief(self.summary_data(True)))
        self.print_summary()
        self.full = False
        if self.starttls is not None:
            # What is left in s_client's scratch buffer (output.md §3).
            self.c.err(self.starttls.outcome.residue.decode("utf-8", "surrogateescape"))

    def ticket(self, e: Any) -> None:
        self.tickets.append(e.session)
        if self.connection_version() == TLS1_3:
            session = e.session
            resumed = self.negotiated is not None and self.negotiated.resumed
            if self.verifier is not None and not resumed:
                session = structs.replace(session, verify_result=self.verifier.code)
            self.new_session(session)  # -sess_out and -reconnect: also under -json
            if not self.json_mode:
                from sclient.report.session import render_ticket_block

                self.c.out(render_ticket_block(session, self.verify_text))
                self.c.flush()
                self.c.out("read R BLOCK\n")
        if not self.in_init:
            self.session = e.session

    # ------------------------------------------------------------ the run

    def run(self) -> int:
        while True:
            status = self.run_connection()
            if status is not None:
                return status
            if self.json_mode:
                from sclient.app.jsonout import connection_report

                self.connection_reports.append(connection_report(self))
            self.reset_connection()

    def run_connection(self) -> int | None:
        """One TCP connection; None when -reconnect goes on with another."""
        from sclient.transport import tcp

        t = self.s.target
        self.t_connect_start = clock.monotonic()
        try:
            if t.proxied:
                self.conn = tcp.connect(
                    t.proxy_host,
                    t.proxy_port,
                    family=t.family,
                    bind_host=t.bind_host,
                    bind_port=t.bind_port,
                )
            else:
                self.conn = tcp.connect(
                    t.host,
                    t.port,
                    family=t.family,
                    bind_host=t.bind_host,
                    bind_port=t.bind_port,
                    unix_path=t.unix,
                )
        except tcp.ConnectError as exc:
            for line in exc.lines:
                self.c.err(line + "\n")
            tid = thread_id()
            for entry in exc.entries:
                self.error_entries.append(entry)
                self.c.err(entry.line_text(tid) + "\n")
            self.c.err(f"connect:errno={exc.errno}\n")
            self.status = 1
            if opt(self.o, "prexit", False):
                self.print_summary(final=True)
            return self.finish()
        self.t_connected = self.conn.connected
        self.c.out(f"CONNECTED({self.conn.fileno():08X})\n")
        if opt(self.o, "nbio", False):
            self.c.out("Turned on non blocking io\n")
        try:
            self.status = self.session_loop()
        except _Shut as shut:
            self.status = shut.status
        except _Reconnect:
            self.drop_connection()
            return None
        self.shutdown()
        return self.finish()

    def drop_connection(self) -> None:
        """-reconnect: ``drop connection and then reconnect``, close_notify, close."""
        self.c.out("drop connection and then reconnect\n")
        self.send_close_notify()
        self.conn.close()
        self.t_end = clock.monotonic()

    def send_close_notify(self) -> None:
        """SSL_shutdown's close_notify, best effort (the peer may be gone)."""
        try:
            self.client.close()
            data = self.client.data_to_send()
            if data:
                self.conn.sendall(data)
        except Exception:
            pass

    def await_tickets(self) -> None:
        """TLS 1.3 before a reconnection: read the NewSessionTickets the server
        sends after our Finished, so that the next connection can resume
        (OpenSSL 3.0 reconnects without reading them and never resumes)."""
        # The server sends its tickets as soon as it has our Finished: they
        # arrive about one round trip later. Wait twice the round trip the
        # handshake showed (ClientHello to the first reply), so that a server
        # that sends none does not cost a second per reconnection.
        rtt = 0.5
        if self.t_hello_sent is not None and self.t_first_reply is not None:
            rtt = self.t_first_reply - self.t_hello_sent
        first, more = min(1.0, max(0.05, 2 * rtt + 0.02)), 0.1
        timeout = first
        seen = len(self.tickets)
        sock = self.conn.fileno()
        self.awaiting_tickets = True
        try:
            while True:
                try:
                    readable, _, _ = select.select([sock], [], [], timeout)
                except InterruptedError:
                    continue
                if not readable:
                    return
                try:
                    data = self.conn.recv(16384)
                except (InterruptedError, BlockingIOError):
                    continue
                except OSError:
                    return  # openssl would not have read: it reconnects all the same
                if not data:
                    return
                self.feed(data)
                if len(self.tickets) > seen:
                    timeout = more
        except _DoneWaiting:
            return  # the server closed or failed: openssl, not reading, never saw it
        finally:
            self.awaiting_tickets = False

    def finish(self) -> int:
        if self.t_end is None:
            self.t_end = clock.monotonic()
        if self.json_mode:
            from sclient.app.jsonout import emit_json

            emit_json(self)
        self.c.flush()
        return self.status

    def shutdown(self) -> None:
        if self.skip_shut:
            self.conn.close()
            if opt(self.o, "prexit", False):
                self.print_summary(final=True)
            return
        if self.in_init:
            self.print_summary()
        elif self.client is not None and self.error is None:
            self.send_close_notify()
        self.conn.shutdown_and_drain(0.5)
        self.conn.close()
        if opt(self.o, "prexit", False):
            self.print_summary(final=True)

    def session_loop(self) -> int:
        t = self.s.target
        if t.proxied:
            from sclient.transport.proxy import ProxyError, http_connect

            try:
                http_connect(
                    self.conn,
                    t.host or "",
                    t.port,
                    opt(self.o, "proxy_user"),
                    self.s.proxy_password,
                )
            except ProxyError as exc:
                self.c.err(f"s_client: {exc.message}\n")
                return 1
            except OSError as exc:
                self.c.err(f"write:errno={exc.errno or 0}\n")
                return 1
        if opt(self.o, "starttls") is not None:
            status = self.run_starttls()
            if status is not None:
                return status
        self.pre_tls_read = self.conn.bytes_read
        self.hello_time = clock.wall()
        if self.s.no_protocols:
            self.err_entry(
                ErrorEntry(
                    0x0A0000BF,
                    SSL_LIB,
                    "tls_setup_handshake",
                    "no protocols available",
                    "../ssl/statem/statem_lib.c",
                    102,
                )
            )
            with contextlib.suppress(OSError):
                self.conn.sendall(b"\x15\x03\x03\x00\x02\x02\x46")
            self.error = True
            return 1
        # OpenSSL's session exists once it starts on the ClientHello, also when
        # nothing can be offered (no ciphers): the summary prints it.
        self.client_hello_sent = True
        self.start_engine()
        while self.in_init:
            self.feed(self.read_socket())
        if self.reconnects > 0:
            self.reconnects -= 1
            if self.connection_version() == TLS1_3:
                self.await_tickets()
            raise _Reconnect
        return self.interactive()

    def run_starttls(self) -> int | None:
        """The ``-starttls`` exchange on this connection; the exit status when it
        stops the run (starttls.md: "shut" prints the summary, "end" does not).
        Runs once per TCP connection: ``-reconnect`` calls it for each one."""
        from sclient.app.starttls import run_exchange
        from sclient.starttls.steps import END, OK, Context

        t = self.s.target
        ctx = Context(protohost=opt(self.o, "protohost"), host=t.host or "localhost")
        self.starttls = run_exchange(
            self.conn,
            str(opt(self.o, "starttls")),
            ctx,
            lambda data: self.c.err(data.decode("utf-8", "surrogateescape")),
        )
        status = self.starttls.outcome.status
        if status == OK:
            return None
        if status == END:
            self.skip_shut = True
        return 1

    def start_engine(self) -> None:
        from sclient.app.verify import make_verifier
        from sclient.tls.client import Client

        self.verifier = make_verifier(
            self.o, self.c, self.servername_notice, self.s.trust_store, clock.wall
        )
        self.verifier.dane = self.s.dane
        cfg = structs.replace(self.s.config, verify_certificates=self.verifier, resume=self.resume)
        self.client = Client(cfg)
        events = self.client.start()
        self.flush_engine()
        self.t_hello_sent = clock.monotonic()
        self.handle_events(events or [])

    def read_socket(self) -> bytes:
        try:
            data: bytes = self.conn.recv(16384)
            return data
        except (InterruptedError, BlockingIOError):
            return self.read_socket()
        except OSError as exc:
            code = exc.errno or 0
            if self.in_init:
                self.c.err(f"write:errno={code}\n")
                raise _Shut(1) from None
            if self.brief:
                self.c.err("CONNECTION CLOSED BY SERVER\n")
            else:
                self.c.err(f"read:errno={code}\n")
            raise _Shut(code) from None

    # ------------------------------------------------------------ interactive

    def interactive(self) -> int:
        ign_eof = resolve_ign_eof(self.o)
        commands = bool(opt(self.o, "commands", not ign_eof))
        crlf = bool(opt(self.o, "crlf", False))
        stdin_open = True
        sock = self.conn.fileno()
        while True:
            rlist = [sock] + ([0] if stdin_open else [])
            self.c.flush()
            try:
                readable, _, _ = select.select(rlist, [], [])
            except InterruptedError:
                continue
            if sock in readable:
                self.feed(self.read_socket())
            if 0 in readable:
                try:
                    chunk = os.read(0, 4096 if crlf else 8192)
                except OSError as exc:
                    if exc.errno in (errno_mod.EINTR, errno_mod.EAGAIN):
                        continue
                    chunk = b""
                if not chunk:
                    if ign_eof:
                        stdin_open = False
                        continue
                    self.c.err("DONE\n")
                    return 0
                if commands and self.command(chunk[:1]):
                    continue
                if crlf:
                    chunk = chunk.replace(b"\n", b"\r\n")
                self.send_app_data(chunk)

    def send_app_data(self, data: bytes) -> None:
        from sclient.tls.errors import TLSError

        try:
            events = self.client.send(data)
        except TLSError as exc:
            self.fail(exc)
            return
        self.flush_engine()
        self.handle_events(events or [])

    def command(self, first: bytes) -> bool:
        """A connected command (options.md §7); True if ``first`` was one."""
        if first == b"Q":
            self.c.err("DONE\n")
            raise _Shut(0)
        if first == b"R":
            self.c.err("RENEGOTIATING\n")
            if self.connection_version() == TLS1_3:
                from sclient.tls.registry import reasons

                row = reasons.REASONS["WRONG_SSL_VERSION"]
                self.err_entry(
                    ErrorEntry(row.code, SSL_LIB, row.func, row.text, row.file, row.line)
                )
            else:
                self.c.err("s_client: renegotiation (R) is not supported yet by sclient\n")
            raise _Shut(1)
        if first in (b"k", b"K"):
            self.c.err("KEYUPDATE\n")
            if self.connection_version() != TLS1_3:
                self.err_entry(
                    ErrorEntry(
                        0x0A00010A,
                        SSL_LIB,
                        "SSL_key_update",
                        "wrong ssl version",
                        "../ssl/ssl_lib.c",
                        2318,
                    )
                )
                raise _Shut(1)
            from sclient.tls.errors import TLSError

            try:
                events = self.client.key_update(first == b"K")
            except TLSError as exc:
                self.fail(exc)
                return True
            self.flush_engine()
            self.handle_events(events or [])
            return True
        return False


def resolve_ign_eof(o: Any) -> bool:
    """Whether stdin EOF is ignored (``-ign_eof``, ``-quiet``, ``-no_ign_eof`` in order)."""
    return bool(opt(o, "ign_eof", False))
