"""The driver: one run of s_client — connect, (proxy), STARTTLS, the handshake,
the interactive loop, the connected commands, -reconnect, shutdown, and the
exit status (output.md §2, §5 to §9).

It moves bytes between the socket and the engine and hands every event, in
order, to the collector (``report.collector``) and then to the renderers that
subscribed (``report.stream``); it prints nothing of its own but the lines of
its own I/O (``CONNECTED(…)``, ``write:errno=…``, ``DONE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sclient.app.common import DoneWaiting, Reconnect, Role, Shut, nonblocking, resume_collection
from sclient.app.console import Console
from sclient.app.settings import Settings, cleared
from sclient.report.collector import Collector, ConnectionReport
from sclient.report.present import View, connection_version
from sclient.report.stream import Stream, TextStream
from sclient.tls import events as ev
from sclient.tls.registry.protocol import TLS1_3
from sclient.transport import clock

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options
    from sclient.transport.socketio import SocketTap


class Program:
    """Drives the connections of one run."""

    def __init__(self, options: Options, console: Console, settings: Settings) -> None:
        self.o = options
        self.c = console
        self.s = settings
        self.json_mode = options.json
        self.collector = Collector(clock.monotonic())
        self.report = self.collector.report
        self.view = View(
            nameopt=options.nameopt,
            showcerts=options.showcerts,
            max_version=settings.max_version,
            our_sigalgs=settings.our_sigalgs(),
            ct_logs=settings.ct_logs,
            show_server_rpk=options.enable_server_rpk,
        )
        self.text = TextStream(
            console,
            self.collector,
            self.view,
            servername_notice=settings.sni is None and not options.noservername,
            brief=options.brief,
            json_mode=self.json_mode,
            psk_key=options.psk or "",
            keylog=settings.keylog,
            install_errors=settings.install_errors,
        )
        self.stream = Stream()
        self.stream.subscribe(self.text.table())
        # Tracing renderers beside the text stream (-debug: and the socket I/O).
        self.renderers: list[Any] = []
        self.tap: SocketTap | None = None
        if any((options.msg, options.trace, options.state, options.debug, options.tlsextdebug,
                options.security_debug, options.security_debug_verbose, options.nbio_test)):  # fmt: skip
            from sclient.app.renderers import subscribe_tracing

            self.renderers, self.tap = subscribe_tracing(self)
        #: Bulk data after the handshake (large reads, no record events) when
        #: nothing shows single records or the bytes they take.
        self.bulk = not (self.renderers or self.tap or options.json or options.prexit)
        #: -reconnect: connections still to make after this one (OpenSSL: 5).
        self.reconnects = 5 if options.reconnect else 0
        #: The new-session callback matters to -sess_out and -reconnect only.
        self.keeps_sessions = options.sess_out is not None or options.reconnect
        #: The session the next ClientHello offers (-sess_in, then -reconnect's).
        self.resume = settings.config.resume
        self.awaiting_tickets = False  # -reconnect reads the TLS 1.3 tickets
        self.begin_connection()

    def begin_connection(self) -> None:
        """A new connection, as it is before it starts."""
        self.conn: Any = None
        self.client: Any = None
        self.skip_shut = False  # OpenSSL's "goto end": no summary, no shutdown
        self.collector.new_connection(len(self.c.err_log))
        self.text.new_connection()
        for renderer in self.renderers:
            if hasattr(renderer, "new_connection"):
                renderer.new_connection()

    @property
    def current(self) -> ConnectionReport:
        return self.report.current

    @property
    def status(self) -> int:
        return self.report.status

    @status.setter
    def status(self, value: int) -> None:
        self.report.status = value

    def version(self) -> int:
        return connection_version(self.current, self.view)

    # ------------------------------------------------------------ engine I/O

    def counters(self) -> None:
        """Give the collector the transport's byte counts as they are now."""
        if self.conn is not None:
            self.collector.transport(self.conn.bytes_read, self.conn.bytes_written)

    def summary(self, final: bool = False) -> None:
        self.counters()
        self.export_keys()
        self.text.summary(final)

    def export_keys(self) -> None:
        if self.o.keymatexport is not None and self.client is not None:
            from sclient.app.exporter import export_keys

            export_keys(self)

    def flush_engine(self) -> bytes | memoryview:
        """Write what the engine has to send (one write, as OpenSSL writes a
        flight); the bytes written."""
        data: bytes | memoryview = self.client.data_to_send()
        if data:
            try:
                self.conn.sendall(data)
            except OSError as exc:
                if self.tap:
                    self.tap.written(data, -1)
                self.transport_failed()
                self.c.err(f"write:errno={exc.errno or 0}\n")
                raise Shut(1) from None
        return data

    def transport_failed(self) -> None:
        """The socket failed in the handshake: the engine ends it, with no alert."""
        if not self.current.in_init or self.client is None:
            return
        for e in self.client.abort():
            if isinstance(e, ev.ConnectionFailed):
                self.collector.aborted(e)
                self.stream.publish(e)

    def flush_engine_quietly(self) -> bytes | memoryview:
        try:
            data: bytes | memoryview = self.client.data_to_send()
            if data:
                self.conn.sendall(data)
                return data
        except Exception:
            pass
        return b""

    def process(self, events: Sequence[object], written: bytes | memoryview = b"") -> None:
        """Each event in order: collected, acted on, rendered; then what it
        means for the loop (data, the peer's close, a failure). ``written``:
        the bytes the driver wrote for these events (-debug shows the write)."""
        self.counters()
        now = clock.monotonic()
        if written and self.tap:
            events = self.tap.placed(events, written)
        fold, publish = self.collector.fold, self.stream.publish
        batch: Sequence[Any] = events  # their types are told by Role
        for e in batch:
            what = Role.of(type(e))
            if not what:  # most events: collected and rendered, nothing more
                fold(e, now)
                publish(e)
                continue
            if what & Role.DRIVER:  # the driver's own (socket I/O)
                publish(e)
                continue
            if what & Role.END and self.awaiting_tickets:
                raise DoneWaiting
            fold(e, now)
            if what & Role.COMPLETE:
                self.export_keys()
            if what & Role.SESSION and self.keeps_sessions:
                from sclient.app.sessions import keep_session

                keep_session(self, e)
            publish(e)
            if what & Role.COMPLETE and self.view.ct_logs is not None:
                from sclient.app.ct import check_sct_errors

                check_sct_errors(self)
            if what & Role.DATA:
                # -json: the console counts the data and keeps it off stdout.
                if not self.c.data(e.data):
                    self.c.out("DONE\n")
                    raise Shut(0)
            elif isinstance(e, ev.ConnectionClosed):
                self.c.out("closed\n")
                self.c.flush()
                raise Shut(0)
            elif isinstance(e, ev.ConnectionFailed):
                self.fail(e.error)

    def fail(self, error: Any) -> None:
        from sclient.tls.errors import UnexpectedEOF

        if (
            isinstance(error, UnexpectedEOF)
            and not self.current.in_init
            and self.o.ignore_unexpected_eof
        ):
            self.c.out("closed\n")
            self.c.flush()
            raise Shut(0)
        self.current.error = error
        self.text.tls_error(error)
        raise Shut(1)

    def feed(self, data: bytes = b"", n: int = 0) -> None:
        """What a read of the socket got: ``data``, or ``n`` bytes read into
        the engine's buffer; neither: EOF."""
        from sclient.tls.errors import TLSError

        if (data or n) and self.current.t_first_reply is None:
            self.current.t_first_reply = clock.monotonic()
        if not (data or n) and self.tap:
            self.tap.read(5, b"", 0)  # the record header read meets EOF
        c = self.client
        try:
            events = (
                c.receive(data) if data else c.buffer_updated(n) if n else c.receive_eof()
            ) or []
        except TLSError as exc:
            self.flush_engine_quietly()
            self.fail(exc)
            return
        if any(isinstance(e, ev.ConnectionFailed) for e in events):
            # The alert after a failure is best effort, as SSL's is: a peer that
            # is gone (EPIPE) must not replace the cause with write:errno=32.
            written = self.flush_engine_quietly()
        else:
            written = self.flush_engine()
        self.process(events, written)

    def call_engine(self, action: Any) -> None:
        """A local action on the engine (send, key update): its bytes, its events."""
        from sclient.tls.errors import TLSError

        try:
            events = action() or []
        except TLSError as exc:
            self.fail(exc)
            return
        self.process(events, self.flush_engine())

    # ------------------------------------------------------------ the run

    def run(self) -> int:
        while True:
            status = self.run_connection()
            if status is not None:
                return status
            self.begin_connection()

    def connect(self) -> bool:
        """The TCP (or unix socket) connection, to the proxy if there is one."""
        from sclient.transport import tcp

        if self.s.config.dtls:
            from sclient.app.dgram import connect_udp

            return connect_udp(self)
        t = self.s.target
        self.current.t_connect_start = clock.monotonic()
        host, port = (t.proxy_host, t.proxy_port) if t.proxied else (t.host, t.port)
        try:
            self.conn = tcp.connect(
                host,
                port,
                family=t.family,
                bind_host=t.bind_host,
                bind_port=t.bind_port,
                unix_path=None if t.proxied else t.unix,
            )
        except tcp.ConnectError as exc:
            for line in exc.lines:
                self.c.err(line + "\n")
            for entry in exc.entries:
                self.text.error(entry)
            self.c.err(f"connect:errno={exc.errno}\n")
            return False
        self.current.t_connected = self.conn.connected
        return True

    def run_connection(self) -> int | None:
        """One connection; None when -reconnect goes on with another."""
        if not self.connect():
            self.status = 1
            if self.o.prexit:
                self.summary(final=True)
            return self.finish()
        self.c.out(f"CONNECTED({self.conn.fileno():08X})\n")
        if self.o.nbio or self.o.nbio_test:
            nonblocking(self)
        try:
            self.status = self.session_loop()
        except Shut as shut:
            self.status = shut.status
        except Reconnect:
            self.c.out("drop connection and then reconnect\n")
            self.send_close_notify()
            self.close()
            return None
        self.shutdown()
        return self.finish()

    def close(self) -> None:
        self.conn.close()
        self.counters()
        self.current.t_end = clock.monotonic()

    def send_close_notify(self) -> None:
        from sclient.app.interactive import send_close_notify

        send_close_notify(self)

    def finish(self) -> int:
        self.counters()
        if self.current.t_end is None:
            self.current.t_end = clock.monotonic()
        if self.json_mode:
            self.emit_json()
        self.c.flush()
        return self.status

    def emit_json(self) -> None:
        from sclient.app.jsonsetup import json_setup
        from sclient.report.jsonout import build_report, write_document

        write_document(build_report(self.report, self.view, json_setup(self.o), self.c.err_log))

    def shutdown(self) -> None:
        prexit = self.o.prexit
        if self.skip_shut:
            self.close()
            if prexit:
                self.summary(final=True)
            return
        if self.current.in_init:
            self.summary()
        elif self.client is not None and self.current.error is None:
            self.send_close_notify()
        self.conn.shutdown_and_drain(0.5, self.tap.read if self.tap else None)
        self.close()
        if prexit:
            self.summary(final=True)

    def session_loop(self) -> int:
        t = self.s.target
        if t.proxied:
            from sclient.app.proxying import through_proxy

            if (failed := through_proxy(self)) is not None:
                return failed
        if self.s.config.dtls:
            from sclient.app.dgram import setup

            setup(self)  # -mtu, -timeout
        if self.o.starttls is not None:
            status = self.run_starttls()
            if status is not None:
                return status
        self.current.pre_tls_read = self.conn.bytes_read
        self.current.hello_time = clock.wall()
        # OpenSSL's session exists from the ClientHello, even with no ciphers.
        self.current.client_hello_sent = True
        self.start_engine()
        while self.current.in_init:
            self.feed(n=self.read_socket())
        if self.reconnects > 0:
            self.reconnects -= 1
            self.s.config = cleared(self.s.config)
            if self.version() == TLS1_3:
                from sclient.app.interactive import await_tickets

                await_tickets(self)
            raise Reconnect
        resume_collection()
        from sclient.app.interactive import interactive

        return interactive(self)

    def run_starttls(self) -> int | None:
        """The ``-starttls`` exchange on this connection (:func:`sclient.app.starttls.run_on`)."""
        from sclient.app.starttls import run_on

        return run_on(self)

    def start_engine(self) -> None:
        from sclient.app.verify import engine_callbacks
        from sclient.base import structs
        from sclient.tls.client import Client

        callbacks = engine_callbacks(self.s, self.json_mode, clock.wall)
        cfg = structs.replace(self.s.config, resume=self.resume, bulk_data=self.bulk, **callbacks)
        if self.o.early_data is not None:
            from sclient.app import early

            cfg = early.with_early_data(self, self.o.early_data, cfg)
        self.client = Client(cfg)
        events = self.client.start() or []
        if cfg.early_data is not None:
            early.write_failed(self, events)
        if any(isinstance(e, ev.ConnectionFailed) for e in events):
            written = self.flush_engine_quietly()  # the alert is best effort
        else:
            written = self.flush_engine()
        self.current.t_hello_sent = clock.monotonic()
        self.process(events, written)

    def read_socket(self, size: int = 16384) -> int:
        """One read into the engine's buffer; the count (0: EOF)."""
        while True:
            try:
                n: int = self.conn.recv_into(self.client.get_buffer(size))
                return n
            except (InterruptedError, BlockingIOError):
                continue
            except OSError as exc:
                code = exc.errno or 0
                if self.tap:
                    self.tap.read(5, b"", -1)
                self.transport_failed()
                if self.current.in_init:
                    self.c.err(f"write:errno={code}\n")
                    raise Shut(1) from None
                if self.text.brief:
                    self.c.err("CONNECTION CLOSED BY SERVER\n")
                else:
                    self.c.err(f"read:errno={code}\n")
                raise Shut(code) from None
