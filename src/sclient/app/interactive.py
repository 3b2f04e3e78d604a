"""The loops after the handshake: the connected loop (options.md §7) — stdin to
the server, the server's data to stdout, the commands a line can start with
(``Q``, ``R``, ``k``, ``K``, and ``B`` with ``-heartbeat``) — and ``-reconnect``'s wait for TLS 1.3 tickets."""

from __future__ import annotations

import errno
import os
import select
from typing import TYPE_CHECKING

from sclient.app.common import DoneWaiting, Shut
from sclient.tls import events as ev
from sclient.tls.records import BULK_READ
from sclient.tls.registry.protocol import TLS1_3
from sclient.transport import clock

if TYPE_CHECKING:
    from sclient.app.program import Program


#: s_client's reads of stdin (BUFSIZZ; half with -crlf, whose newlines double).
_STDIN_READ = 8192
#: The connected commands (a read of stdin starting with one of them).
_COMMANDS = frozenset(b"QRkK")
#: With -heartbeat, ``B`` too (OpenSSL 1.1.1 built with heartbeats).
_HEARTBEAT_COMMANDS = frozenset(b"QRkKB")


def interactive(p: Program) -> int:
    """Until ``Q``, stdin's end (``DONE``), or the connection's; the exit status.

    In bulk (``p.bulk``: nothing shows single records) the socket and stdin
    are read in large pieces; the commands are still looked for where each
    of s_client's 8 KiB reads of stdin would start."""
    ign_eof = p.o.ign_eof  # -ign_eof, -quiet, -no_ign_eof: the parser decided
    commands = p.o.commands
    crlf = p.o.crlf
    stdin_open = True
    sock = p.conn.fileno()
    size = BULK_READ if p.bulk else 16384
    # In bulk, stdin is read into a buffer that grows (to BULK_READ) while
    # reads fill it.
    stdin_buf = bytearray(_STDIN_READ) if p.bulk and not crlf else None
    while True:
        p.c.flush()
        if not stdin_open:  # the socket alone: a (blocking) read waits for it
            p.feed(n=p.read_socket(size))
            continue
        rlist = [sock, 0]
        # DTLS: a renegotiation's retransmission timer (None: wait as long as it takes).
        wait = getattr(p.conn, "wait", None)
        timeout = wait() if wait is not None else None
        try:
            readable, _, _ = select.select(rlist, [], [], timeout)
        except InterruptedError:
            continue
        if not readable:
            p.conn.on_timeout()
            continue
        if sock in readable:
            p.feed(n=p.read_socket(size))
        if 0 in readable:
            chunk: bytes | memoryview
            try:
                if stdin_buf is not None:
                    got = os.readv(0, [stdin_buf])
                    chunk = memoryview(stdin_buf)[:got]
                    if got == len(stdin_buf) < BULK_READ:
                        stdin_buf = bytearray(2 * got)  # (the chunk keeps the old one)
                else:
                    chunk = os.read(0, _STDIN_READ // 2 if crlf else _STDIN_READ)
            except OSError as exc:
                if exc.errno in (errno.EINTR, errno.EAGAIN):
                    continue
                chunk = b""
            if not chunk:
                if ign_eof:
                    stdin_open = False
                    continue
                p.c.err("DONE\n")
                return 0
            send_stdin(p, chunk, commands, crlf)


def send_stdin(p: Program, chunk: bytes | memoryview, commands: bool, crlf: bool) -> None:
    """What a read of stdin got, to the server; with ``commands``, each piece
    of s_client's read size that starts with a command letter is that
    command instead (the piece is not sent)."""
    start = 0
    if commands:
        letters = _HEARTBEAT_COMMANDS if p.o.heartbeat else _COMMANDS
        for off in range(0, len(chunk), _STDIN_READ):
            if chunk[off] in letters:
                _send(p, chunk[start:off], crlf)
                command(p, bytes(chunk[off : off + 1]))
                start = off + _STDIN_READ
    _send(p, chunk[start:], crlf)


def _send(p: Program, data: bytes | memoryview, crlf: bool) -> None:
    if data:
        if crlf:
            data = bytes(data).replace(b"\n", b"\r\n")
        p.call_engine(lambda: p.client.send(data))


def command(p: Program, first: bytes) -> bool:
    """A connected command; True if ``first`` was one."""
    from sclient.report import errors

    if first == b"Q":
        p.c.err("DONE\n")
        raise Shut(0)
    if first == b"R":
        p.c.err("RENEGOTIATING\n")
        if p.version() == TLS1_3:
            p.text.error(errors.reason_entry("WRONG_SSL_VERSION"))
            raise Shut(1)
        if p.o.no_renegotiation:  # can_renegotiate; the connection is still up
            p.text.error(errors.reason_entry("RENEGOTIATION_DISABLED"))
            raise Shut(1)
        p.call_engine(p.client.renegotiate)
        return True
    if first in (b"k", b"K"):
        p.c.err("KEYUPDATE\n")
        if p.version() != TLS1_3:
            p.text.error(errors.KEY_UPDATE_WRONG_VERSION)
            raise Shut(1)
        p.call_engine(lambda: p.client.key_update(first == b"K"))
        return True
    if first == b"B" and p.o.heartbeat:
        from sclient.tls.errors import TLSError

        p.c.err("HEARTBEATING\n")
        try:
            events = p.client.heartbeat()
        except TLSError as exc:  # not allowed, or one in flight: the connection goes on
            p.text.error(errors.reason_entry(exc.reason))
            return True
        p.process(events, p.flush_engine())
        return True
    return False


def await_tickets(p: Program) -> None:
    """TLS 1.3 before a reconnection: read the NewSessionTickets the server
    sends after our Finished, so that the next connection can resume
    (OpenSSL 3.0 reconnects without reading them and never resumes)."""
    # The server sends its tickets as soon as it has our Finished: they
    # arrive about one round trip later. Wait twice the round trip the
    # handshake showed (ClientHello to the first reply), so that a server
    # that sends none does not cost a second per reconnection.
    c = p.current
    rtt = 0.5
    if c.t_hello_sent is not None and c.t_first_reply is not None:
        rtt = c.t_first_reply - c.t_hello_sent
    timeout, more = min(1.0, max(0.05, 2 * rtt + 0.02)), 0.1
    seen = len(c.tickets)
    sock = p.conn.fileno()
    p.awaiting_tickets = True
    try:
        while True:
            try:
                readable, _, _ = select.select([sock], [], [], timeout)
            except InterruptedError:
                continue
            if not readable:
                return
            try:
                data = p.conn.recv(16384)
            except (InterruptedError, BlockingIOError):
                continue
            except OSError:
                return  # openssl would not have read: it reconnects all the same
            if not data:
                return
            p.feed(data)
            if len(c.tickets) > seen:
                timeout = more
    except DoneWaiting:
        return  # the server closed or failed: openssl, not reading, never saw it
    finally:
        p.awaiting_tickets = False


def send_close_notify(p: Program) -> None:
    """SSL_shutdown's close_notify, best effort (the peer may be gone)."""
    try:
        events: list[object] = list(p.client.close() or [])
        data = p.client.data_to_send()
        if data:
            if hasattr(p.conn, "quiet"):  # -nbio_test: SSL_shutdown retries print nothing
                p.conn.quiet = True
            p.conn.sendall(data)
            if p.tap:
                events = p.tap.placed(events, data)
        now = clock.monotonic()
        for e in events:  # the alert's record and message (-msg, -state, -trace)
            if isinstance(e, ev.Event):
                p.collector.fold(e, now)
            p.stream.publish(e)
    except Exception:
        pass
