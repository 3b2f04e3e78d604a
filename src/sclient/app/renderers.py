"""Which tracing renderers a run subscribes to the event stream (``-msg``,
``-trace``, ``-state``, ``-debug``, ``-security_debug``, ``-tlsextdebug``),
each imported only when its option is given, and the channel they print to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sclient.app.console import Console
from sclient.app.settings import Settings

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options
    from sclient.report.stream import Stream
    from sclient.transport.socketio import SocketTap


def tracing_renderers(options: Options, settings: Settings, console: Console) -> list[Any]:
    """The renderers the options ask for, in the order OpenSSL's callbacks
    print for one event. Each has ``table()`` (event type → handler) and may
    have ``new_connection()``."""
    renderers: list[Any] = []
    channel = console.msg_channel(settings.msgfile)
    if options.debug:
        from sclient.report.debugdump import DebugDump

        # first: OpenSSL's BIO callback sees a read before the message callback
        # sees what it read (the driver publishes its socket I/O)
        renderers.append(DebugDump(console))
        if options.psk is not None:
            console.out("PSK key given, setting client callback\n")
    # One message callback: -msg's or SSL_trace, whichever was given last.
    callback = options.last_of("-msg", "-trace") if options.msg and options.trace else None
    if options.msg and callback != "-trace":
        from sclient.report.msg import MsgRenderer

        renderers.append(MsgRenderer(channel.out, channel.flush, settings.config.max_version))
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
    return renderers


def subscribe_tracing(
    stream: Stream, options: Options, settings: Settings, console: Console
) -> tuple[list[Any], SocketTap | None]:
    """Subscribe the tracing renderers to ``stream``; with ``-debug``, the tap
    through which the driver tells the stream of its socket reads and writes."""
    renderers = tracing_renderers(options, settings, console)
    for renderer in renderers:
        stream.subscribe(renderer.table())
    if not options.debug:
        return renderers, None
    from sclient.transport.socketio import SocketTap

    return renderers, SocketTap(stream.publish)
