"""Runs a STARTTLS dialogue (``sclient.starttls``) on the connected socket,
with OpenSSL's two read primitives (starttls.md §1):

* line reads go through a buffering layer that refills with one ``recv`` of up
  to 4096 bytes (``BIO_f_buffer``'s default size) and hands out one line at a
  time; when the dialogue drops the layer, what it read ahead is lost;
* chunk reads are one ``recv`` of up to 8192 bytes on the socket itself.

Every byte moves through the :class:`~sclient.transport.tcp.Connection`, so its
counters hold the plaintext phase too, as OpenSSL's socket BIO counts it in
``SSL handshake has read R bytes and written W bytes``. Write errors are
ignored as ``BIO_printf`` ignores them; the TLS handshake reports the dead
socket afterwards.

The program calls :func:`run_exchange` once per TCP connection, right after
``CONNECTED(…)`` and the proxy CONNECT (``-reconnect`` must call it again on
every new connection, as OpenSSL repeats the whole exchange).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from sclient.base.structs import Struct, field
from sclient.starttls.steps import (
    BUFSIZZ,
    END,
    Context,
    DropBuffer,
    Message,
    Outcome,
    ReadChunk,
    ReadLine,
    Reply,
    Send,
    WaitReadable,
)
from sclient.transport.socketio import SocketIO
from sclient.transport.tcp import Connection

if TYPE_CHECKING:
    from sclient.app.program import Program

#: ``DEFAULT_BUFFER_SIZE`` of crypto/bio/bf_buff.c
LINE_BUFFER_SIZE = 4096

Direction = Literal["sent", "received", "discarded"]


class Chunk(Struct, frozen=True, slots=True):
    """One entry of the plaintext transcript: bytes sent, bytes received (one
    ``recv``), or received bytes the buffering layer read ahead and dropped."""

    direction: Direction
    data: bytes


class Exchange(Struct, slots=True):
    """The result of one STARTTLS exchange."""

    protocol: str
    outcome: Outcome
    transcript: list[Chunk] = field(default_factory=list)


class _Wire:
    """The socket as the dialogue sees it: counted, logged, with an optional
    buffering layer for line reads."""

    def __init__(
        self, conn: Connection, transcript: list[Chunk], on_io: SocketIO | None = None
    ) -> None:
        self.conn = conn
        self.transcript = transcript
        #: -debug: told of each read (size, data, result) and write (data).
        self.on_io = on_io
        self.buffer: bytearray | None = None
        self.eof = False

    def _recv(self, size: int) -> bytes | None:
        try:
            data = self.conn.recv(size)
        except OSError:
            if self.on_io is not None:
                self.on_io.read(size, b"", -1)
            return None
        if self.on_io is not None:
            self.on_io.read(size, data, len(data))
        if data:
            self.transcript.append(Chunk("received", data))
        return data

    def send(self, data: bytes) -> None:
        try:
            self.conn.sendall(data)
        except OSError:
            if self.on_io is not None:
                self.on_io.written(data, -1)
            return
        if self.on_io is not None:
            self.on_io.written(data, len(data))
        self.transcript.append(Chunk("sent", data))

    def read_chunk(self) -> bytes | None:
        return self._recv(BUFSIZZ)

    def read_line(self) -> bytes:
        """``BIO_gets`` on the buffering layer: a line with its ``\\n``, at most
        ``BUFSIZZ - 1`` bytes; what was collected so far at EOF or on an error."""
        if self.buffer is None:
            self.buffer = bytearray()
        buf = self.buffer
        limit = BUFSIZZ - 1
        scanned = 0
        while True:
            nl = buf.find(b"\n", scanned, limit)
            if nl >= 0:
                return self._take(nl + 1)
            if len(buf) >= limit:
                return self._take(limit)
            scanned = len(buf)
            data = self._recv(LINE_BUFFER_SIZE)
            if not data:
                return self._take(len(buf))
            buf += data

    def _take(self, n: int) -> bytes:
        assert self.buffer is not None
        line = bytes(self.buffer[:n])
        del self.buffer[:n]
        return line

    def drop_buffer(self) -> None:
        if self.buffer:
            self.transcript.append(Chunk("discarded", bytes(self.buffer)))
        self.buffer = None

    def wait_readable(self, timeout: float) -> bool:
        if self.buffer:
            return True
        try:
            return self.conn.readable(timeout)
        except (OSError, ValueError):
            return True  # let the read report it


def run_exchange(
    conn: Connection,
    protocol: str,
    ctx: Context,
    err: Callable[[bytes], None],
    on_io: SocketIO | None = None,
) -> Exchange:
    """Run the dialogue of ``protocol`` on ``conn``; ``err`` writes to stderr;
    ``on_io`` hears of each socket read and write."""
    from sclient.starttls.registry import dialogue

    transcript: list[Chunk] = []
    wire = _Wire(conn, transcript, on_io)
    gen = dialogue(protocol)(ctx)
    reply: Reply = None
    try:
        while True:
            step = gen.send(reply)
            reply = None
            if isinstance(step, Send):
                wire.send(step.data)
            elif isinstance(step, ReadLine):
                reply = wire.read_line()
            elif isinstance(step, ReadChunk):
                reply = wire.read_chunk()
            elif isinstance(step, DropBuffer):
                wire.drop_buffer()
            elif isinstance(step, WaitReadable):
                reply = wire.wait_readable(step.timeout)
            elif isinstance(step, Message):
                err(step.data)
            else:  # pragma: no cover - a dialogue yielding something else
                raise TypeError(f"unknown STARTTLS step {step!r}")
    except StopIteration as stop:
        outcome: Outcome = stop.value
    wire.drop_buffer()
    return Exchange(protocol, outcome if outcome is not None else Outcome(END), transcript)


def run_on(p: Program) -> int | None:
    """The ``-starttls`` exchange on the program's connection; the exit status
    when it stops the run (starttls.md: "shut" prints the summary, "end" does
    not). Runs once per TCP connection: ``-reconnect`` calls it for each one."""
    from sclient.starttls.steps import END, OK, Context

    ctx = Context(protohost=p.o.protohost, host=p.s.target.host or "localhost")
    ex = run_exchange(p.conn, str(p.o.starttls), ctx, p.c.err_bytes, p.tap)
    p.current.starttls = ex
    if ex.outcome.status == OK:
        return None
    p.skip_shut = ex.outcome.status == END
    return 1
