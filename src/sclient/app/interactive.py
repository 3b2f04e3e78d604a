"""The loops after the handshake: the connected loop (options.md §7) — stdin to
the server, the server's data to stdout, the commands a line can start with
(``Q``, ``R``, ``k``, ``K``) — and ``-reconnect``'s wait for TLS 1.3 tickets."""

from __future__ import annotations

import errno
import os
import select
from typing import TYPE_CHECKING

from sclient.app.common import DoneWaiting, Shut
from sclient.tls.registry.protocol import TLS1_3

if TYPE_CHECKING:
    from sclient.app.program import Program


def interactive(p: Program) -> int:
    """Until ``Q``, stdin's end (``DONE``), or the connection's; the exit status."""
    ign_eof = p.o.ign_eof  # -ign_eof, -quiet, -no_ign_eof: the parser decided
    commands = p.o.commands
    crlf = p.o.crlf
    stdin_open = True
    sock = p.conn.fileno()
    while True:
        rlist = [sock] + ([0] if stdin_open else [])
        p.c.flush()
        try:
            readable, _, _ = select.select(rlist, [], [])
        except InterruptedError:
            continue
        if sock in readable:
            p.feed(p.read_socket())
        if 0 in readable:
            try:
                chunk = os.read(0, 4096 if crlf else 8192)
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
            if commands and command(p, chunk[:1]):
                continue
            if crlf:
                chunk = chunk.replace(b"\n", b"\r\n")
            p.call_engine(lambda data=chunk: p.client.send(data))


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
        else:
            p.c.err("s_client: renegotiation (R) is not supported yet by sclient\n")
        raise Shut(1)
    if first in (b"k", b"K"):
        p.c.err("KEYUPDATE\n")
        if p.version() != TLS1_3:
            p.text.error(errors.KEY_UPDATE_WRONG_VERSION)
            raise Shut(1)
        p.call_engine(lambda: p.client.key_update(first == b"K"))
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
