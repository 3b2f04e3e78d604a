"""Which tracing renderers a run subscribes to the event stream (``-msg``,
``-trace``, ``-state``, ``-debug``, ``-security_debug``, ``-tlsextdebug``),
each imported only when its option is given, and the channel they print to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sclient.app.console import Console, MessageChannel
from sclient.app.settings import Settings

if TYPE_CHECKING:
    from sclient.app.program import Program
    from sclient.base.errorqueue import ErrorEntry
    from sclient.cli.optionsclass import Options
    from sclient.transport.socketio import SocketTap


def tracing_renderers(
    options: Options,
    settings: Settings,
    console: Console,
    report_error: Callable[[ErrorEntry], None] | None = None,
) -> list[Any]:
    """The renderers the options ask for, in the order OpenSSL's callbacks
    print for one event. Each has ``table()`` (event type → handler) and may
    have ``new_connection()``. ``report_error`` prints and keeps an
    error-queue entry (the text stream's)."""
    renderers: list[Any] = []
    channel = console.msg_channel(settings.msgfile)
    if options.debug:
        from sclient.report.debugdump import DebugDump

        # first: OpenSSL's BIO callback sees a read before the message callback
        # sees what it read (the driver publishes its socket I/O)
        renderers.append(DebugDump(console, chunked=options.nbio_test))
        if options.psk is not None:
            console.out("PSK key given, setting client callback\n")
    # One message callback: -msg's or SSL_trace, whichever was given last.
    callback = options.last_of("-msg", "-trace") if options.msg and options.trace else None
    if options.msg and callback != "-trace":
        from sclient.report.msg import MsgRenderer

        # DTLS: the DTLS version (the engine's config names the TLS one inside).
        top = settings.max_version if settings.config.dtls else settings.config.max_version
        renderers.append(MsgRenderer(channel.out, channel.flush, top))
        if settings.msgfile is not None and report_error is not None:
            renderers.append(MsgfileCheck(channel, report_error))
    if options.trace and callback != "-msg":
        from sclient.report.trace import TraceStream

        renderers.append(TraceStream(channel))
    if options.state:
        from sclient.report.state import StateRenderer

        renderers.append(StateRenderer(console.err))
    if options.security_debug or options.security_debug_verbose:
        from sclient.report.secdebug import SecurityDebug

        secdebug = SecurityDebug(
            console, options.security_debug_verbose, settings.config.security_level
        )
        renderers.append(secdebug)
        for credential in settings.config.credentials[:1]:
            secdebug.chain(credential.chain[:1])
    if options.tlsextdebug:
        from sclient.report.tlsextdebug import TlsextDebug

        renderers.append(TlsextDebug(console))
    if options.nbio_test:
        from sclient.report.blocklines import BlockLines

        renderers.append(BlockLines(console))
    return renderers


def subscribe_tracing(program: Program) -> tuple[list[Any], SocketTap | None]:
    """Subscribe the tracing renderers to the program's stream; with ``-debug``,
    the tap through which the driver tells the stream of its socket reads and
    writes (``-nbio_test``: the filter's pieces and retries, placed the same way)."""
    renderers = tracing_renderers(program.o, program.s, program.c, program.text.error)
    for renderer in renderers:
        program.stream.subscribe(renderer.table())
    if not (program.o.debug or program.o.nbio_test):
        return renderers, None
    from sclient.transport.socketio import SocketTap

    tap = SocketTap(program.stream.publish)
    if program.o.nbio_test:
        tap.chunks = []
    return renderers, tap


#: Where BIO_flush of a ``-msgfile`` raises its errors (OpenSSL 3.0's bss_file.c).
_BSS_FILE = "../crypto/bio/bss_file.c"


class MsgfileCheck:
    """``-msg`` into a ``-msgfile`` that cannot be written (a full disk).

    The message callback flushes its file after every message; each failed
    flush queues two errors (the system's, then BIO's) and the handshake goes
    on. The first call after the handshake, s_client's write of nothing, finds
    the queue not empty: it prints the queue and leaves through ``shut:``, exit
    1, before any ticket or data is read.
    """

    def __init__(self, channel: MessageChannel, report_error: Callable[[ErrorEntry], None]):
        self.channel = channel
        self.report_error = report_error

    def table(self) -> dict[type, Callable[[Any], None]]:
        from sclient.tls import events as ev

        return {ev.HandshakeComplete: self.check}

    def check(self, e: object) -> None:
        failures = self.channel.failed_flushes
        if not failures:
            return
        from os import strerror

        from sclient.app.common import leave_on_queued_errors
        from sclient.base.errorqueue import ErrorEntry
        from sclient.report.errors import BIO_LIB, system_error

        entries: list[ErrorEntry] = []
        for errno in failures:
            entries.append(
                system_error(
                    "file_ctrl", errno, strerror(errno), _BSS_FILE, 327, "calling fflush()"
                )
            )
            entries.append(
                ErrorEntry(0x10080002, BIO_LIB, "file_ctrl", "system lib", _BSS_FILE, 329)
            )
        failures.clear()
        leave_on_queued_errors(entries, self.report_error)
