"""``-starttls`` for the targets of ``-targets``: the same dialogues
(``sclient.starttls``, sans-I/O generators of steps) driven by the fleet's
loop instead of a blocking socket.

The reads keep the single run's rules (``app.starttls``): a line read goes
through a buffering layer refilled by one ``recv`` of up to 4096 bytes, a
chunk read is one ``recv`` of up to 8192 bytes, what the layer read ahead is
dropped with it; only the waits differ: a step that needs the socket leaves
the dialogue suspended until the loop finds the socket readable (or, for
``WaitReadable``, until its timeout passes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.app.starttls import LINE_BUFFER_SIZE, Chunk, Exchange
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
    Step,
    WaitReadable,
)
from sclient.transport import clock

if TYPE_CHECKING:
    from sclient.app.program import Program


class Dialogue:
    """One target's STARTTLS dialogue, suspended while it waits for the socket."""

    def __init__(self, p: Program) -> None:
        from sclient.starttls.registry import dialogue

        self.p = p
        self.protocol = str(p.o.starttls)
        ctx = Context(protohost=p.o.protohost, host=p.s.target.host or "localhost")
        self.gen = dialogue(self.protocol)(ctx)
        self.transcript: list[Chunk] = []
        self.buffer: bytearray | None = None
        #: The step waiting for the socket (None: none).
        self.pending: Step | None = None
        #: WaitReadable's end.
        self.wait_until: float | None = None
        self.outcome: Outcome | None = None

    # ------------------------------------------------------------ the steps

    def start(self) -> bool:
        """Run the dialogue up to its first wait; True when it has ended."""
        return self.advance(None)

    def advance(self, reply: Reply) -> bool:
        while True:
            try:
                step = self.gen.send(reply)
            except StopIteration as stop:
                self.finish(stop.value)
                return True
            reply = None
            if isinstance(step, Send):
                self.send(step.data)
            elif isinstance(step, ReadLine):
                line = self.line_ready()
                if line is None:
                    self.pending = step
                    return False
                reply = line
            elif isinstance(step, ReadChunk):
                self.pending = step
                return False
            elif isinstance(step, DropBuffer):
                self.drop_buffer()
            elif isinstance(step, WaitReadable):
                if self.buffer:
                    reply = True
                else:
                    self.pending = step
                    self.wait_until = clock.monotonic() + step.timeout
                    return False
            elif isinstance(step, Message):
                self.p.c.err_bytes(step.data)
            else:  # pragma: no cover - a dialogue yielding something else
                raise TypeError(f"unknown STARTTLS step {step!r}")

    def readable(self) -> bool:
        """The socket is readable: the waiting step goes on; True when the
        dialogue has ended."""
        step = self.pending
        if isinstance(step, ReadChunk):
            self.pending = None
            return self.advance(self.recv(BUFSIZZ))
        if isinstance(step, ReadLine):
            data = self.recv(LINE_BUFFER_SIZE)
            if self.buffer is None:
                self.buffer = bytearray()
            if not data:
                line: bytes | None = self.take(len(self.buffer))
            else:
                self.buffer += data
                line = self.line_ready()
                if line is None:
                    return False
            self.pending = None
            return self.advance(line)
        if isinstance(step, WaitReadable):
            self.pending = None
            self.wait_until = None
            return self.advance(True)
        return False

    def expired(self, now: float) -> bool:
        """WaitReadable's timeout passed: it answers False; True when the
        dialogue has ended."""
        waiting = isinstance(self.pending, WaitReadable) and self.wait_until is not None
        if waiting and self.wait_until is not None and now >= self.wait_until:
            self.pending = None
            self.wait_until = None
            return self.advance(False)
        return False

    # ------------------------------------------------------------ the wire

    def recv(self, size: int) -> bytes | None:
        try:
            data: bytes = self.p.conn.recv(size)
        except OSError:
            return None
        if data:
            self.transcript.append(Chunk("received", data))
        return data

    def send(self, data: bytes) -> None:
        try:
            self.p.conn.sendall(data)
        except OSError:
            return
        self.transcript.append(Chunk("sent", data))

    def line_ready(self) -> bytes | None:
        """A whole line from the buffering layer (as ``BIO_gets``), or None
        when it needs another read."""
        if self.buffer is None:
            self.buffer = bytearray()
        buf = self.buffer
        limit = BUFSIZZ - 1
        nl = buf.find(b"\n", 0, limit)
        if nl >= 0:
            return self.take(nl + 1)
        if len(buf) >= limit:
            return self.take(limit)
        return None

    def take(self, n: int) -> bytes:
        assert self.buffer is not None
        line = bytes(self.buffer[:n])
        del self.buffer[:n]
        return line

    def drop_buffer(self) -> None:
        if self.buffer:
            self.transcript.append(Chunk("discarded", bytes(self.buffer)))
        self.buffer = None

    def finish(self, outcome: Outcome | None) -> None:
        self.drop_buffer()
        self.outcome = outcome if outcome is not None else Outcome(END)
        self.p.current.starttls = Exchange(self.protocol, self.outcome, self.transcript)
