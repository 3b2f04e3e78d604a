"""What the driver's modules share, so that none imports another to get it:
the ``Exit`` that ends the program with a status, the exceptions that
leave a connection (``Shut``, ``Reconnect``, ``DoneWaiting``),
``resume_collection``, ``nonblocking`` and the events' ``Role``."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from sclient.app.program import Program
    from sclient.base.errorqueue import ErrorEntry

__all__ = [
    "DoneWaiting",
    "Exit",
    "Reconnect",
    "Role",
    "Shut",
    "leave_on_queued_errors",
    "nonblocking",
    "resume_collection",
    "valid_server_name",
]


class Role:
    """What the program does with an event beyond collecting and rendering it
    (:meth:`of`): a driver's own event (socket I/O, not the engine's), the
    connection's end, the handshake's completion, a session to keep, data."""

    DRIVER, END, COMPLETE, SESSION, DATA = 1, 2, 4, 8, 16
    _known: ClassVar[dict[type, int]] = {}

    @staticmethod
    def of(kind: type) -> int:
        """The bits above for an event type (0: nothing more), worked out once
        a type: a handshake's ~50 events each asked five ``isinstance``."""
        role = Role._known.get(kind)
        if role is None:
            from sclient.tls import events as ev

            role = (
                (0 if issubclass(kind, ev.Event) else Role.DRIVER)
                | (Role.END if issubclass(kind, ev.ConnectionClosed | ev.ConnectionFailed) else 0)
                | (Role.COMPLETE if issubclass(kind, ev.HandshakeComplete) else 0)
                | (Role.SESSION if issubclass(kind, ev.SESSION_EVENTS) else 0)
                | (Role.DATA if issubclass(kind, ev.ApplicationData) else 0)
            )
            Role._known[kind] = role
        return role


def resume_collection() -> None:
    """Connected: if the ``sclient`` command paused the garbage collector for
    start-up, freeze what start-up built (it lives until exit) and collect
    again for the session's own garbage, however long it runs."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def valid_server_name(name: str) -> bool:
    """What SSL_set_tlsext_host_name accepts: 1 to 255 bytes."""
    return 0 < len(os.fsencode(name)) <= 255


class Exit(Exception):
    """Stop the program with ``status``; everything to print was printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Shut(Exception):
    """Leave the connection through s_client's ``shut:`` path with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


#: ERR_print_errors shows at most 15 entries: OpenSSL's error queue is a ring of 16.
ERROR_QUEUE_KEPT = 15


def leave_on_queued_errors(
    entries: Sequence[ErrorEntry], report_error: Callable[[ErrorEntry], None]
) -> None:
    """Errors the handshake left on OpenSSL's error queue without failing it
    (a ``-msgfile`` flush, an SCT check): s_client's first write after the
    handshake finds the queue not empty, prints it and leaves through
    ``shut:`` with exit status 1 (the summary printed, close_notify sent, no
    ``DONE``). Nothing when ``entries`` is empty."""
    if entries:
        for entry in entries[-ERROR_QUEUE_KEPT:]:
            report_error(entry)
        raise Shut(1)


class DoneWaiting(Exception):
    """-reconnect: the server ended the connection while its tickets were awaited."""


class Reconnect(Exception):
    """-reconnect: drop this connection and make the next one."""


def nonblocking(program: Program) -> None:
    """``-nbio``: s_client's notice. ``-nbio_test``: the connection through
    OpenSSL's nbio_test filter from the ClientHello on (its pieces and
    retries go where ``-debug``, ``-state`` and the BLOCK lines show them)."""
    if program.o.nbio:
        program.c.out("Turned on non blocking io\n")
    if not program.o.nbio_test:
        return
    from sclient.transport.nbiotest import NbioTest

    tap = program.tap
    program.conn = NbioTest(
        program.conn,
        program.stream.publish,
        tap.chunks if tap is not None else None,
        lambda: bool(program.current.in_init),
        lambda: bool(program.current.client_hello_sent),
    )
