"""``-nbio_test``: OpenSSL's ``BIO_f_nbio_test`` filter between the TLS
connection and its socket.

For each read and each write the filter draws a random number from 0 to 7:
0 turns the call into a retry (nothing moves; the SSL call that made it
returns "want read" or "want write"), otherwise at most that many bytes
move. OpenSSL reads records without read-ahead, a 5-byte header and then
the body, so a read asks for what is left of the one or the other; a write
offers what is left of the flight (the handshake's buffered messages) or of
the record.

What s_client shows of it, and this wrapper reproduces: each read and write
piece and each retry (``=> -1``) under ``-debug``; for each retry one line
of s_client's loop on stdout, ``<call> <R|W> BLOCK``, where ``<call>`` is
the SSL call that met it (``write``: ``SSL_write``, ``read``:
``SSL_read``) and ``R``/``W`` what it wanted; under ``-state``, during the
handshake, ``SSL_connect:error in <state>`` for each retry. The shutdown's
close_notify is written in a busy loop that prints no BLOCK line.

The filter applies from the ClientHello on: the ``-starttls`` and proxy
dialogues before it go to the socket as they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from sclient.base.structs import Struct
from sclient.transport.socketio import SocketRead, SocketWritten

__all__ = ["NbioRetry", "NbioTest"]


class NbioRetry(Struct, frozen=True, slots=True):
    """A read (``write`` False) or write the filter turned into a retry:
    ``block`` the line s_client's loop prints (None: none, the shutdown's
    busy loop); ``in_handshake``: the handshake was under way."""

    write: bool
    block: str | None
    in_handshake: bool


def _draw() -> int:
    """The filter's ``RAND_priv_bytes`` byte, its low three bits."""
    return os.urandom(1)[0] & 7


class NbioTest:
    """The connection as seen through the filter. Reads and writes go to
    ``conn`` in pieces; each piece and each retry is told to ``publish``
    (reads, at once) or appended to ``writes`` (writes: the driver places
    them after the messages of the flight, where OpenSSL flushes it; None:
    published at once). ``in_handshake()`` says whether the handshake is
    under way, ``active()`` whether the filter applies yet."""

    def __init__(
        self,
        conn: Any,
        publish: Callable[[object], None],
        writes: list[object] | None,
        in_handshake: Callable[[], bool],
        active: Callable[[], bool],
        draw: Callable[[], int] = _draw,
    ) -> None:
        self.inner = conn
        self.publish = publish
        self.writes = writes
        self.in_handshake = in_handshake
        self.active = active
        self.draw = draw
        #: SSL_shutdown's busy loop: retries print no BLOCK line.
        self.quiet = False
        # s_client's loop: the handshake starts in SSL_write.
        self._call = "write"
        self._header = bytearray()
        self._body_left = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    # ------------------------------------------------------------ reads

    def _wanted(self) -> int:
        """What OpenSSL asks for: the rest of the record header or body."""
        return self._body_left if self._body_left else 5 - len(self._header)

    def _took(self, data: bytes) -> None:
        if self._body_left:
            self._body_left -= len(data)
            return
        self._header += data
        if len(self._header) == 5:
            self._body_left = int.from_bytes(self._header[3:5], "big")
            self._header.clear()

    def recv_into(self, buf: memoryview) -> int:
        if not self.active():
            n: int = self.inner.recv_into(buf)
            return n
        while True:
            wanted = self._wanted()
            n = self.draw()
            if n == 0:
                self.publish(SocketRead(wanted, b"", -1))
                at_boundary = not self._header and not self._body_left
                self.publish(self._retry(False, at_boundary))
                continue
            view = memoryview(buf)[: min(n, wanted, len(buf))]
            got: int = self.inner.recv_into(view)
            if got:
                data = bytes(view[:got])
                self.publish(SocketRead(wanted, data, got))
                self._took(data)
            return got

    def recv(self, size: int = 16384) -> bytes:
        if not self.active():
            data: bytes = self.inner.recv(size)
            return data
        buf = bytearray(size)
        got = self.recv_into(memoryview(buf))
        return bytes(buf[:got])

    # ------------------------------------------------------------ writes

    def sendall(self, data: bytes | memoryview) -> None:
        if not self.active():
            self.inner.sendall(data)
            return
        rest = bytes(data)
        while rest:
            n = self.draw()
            if n == 0:
                self._wrote(SocketWritten(rest, -1))
                self._wrote(self._retry(True, False))
                continue
            self.inner.sendall(rest[:n])
            self._wrote(SocketWritten(rest, min(n, len(rest))))
            rest = rest[n:]

    def _wrote(self, event: object) -> None:
        if self.writes is None:
            self.publish(event)
        else:
            self.writes.append(event)

    # ------------------------------------------------------------ retries

    def _retry(self, write: bool, at_boundary: bool) -> NbioRetry:
        """The retry's BLOCK line and the call s_client's loop makes next:
        after ``write R BLOCK`` it reads; after ``read W BLOCK`` it writes;
        in the handshake, a read that wanted a new record (nothing of it
        read yet: no bytes pending in OpenSSL's buffer) sends it back to
        writing, which carries the handshake on."""
        handshake = self.in_handshake()
        if self.quiet:
            return NbioRetry(write, None, handshake)
        if not handshake:
            call = "write" if write else "read"
        else:
            call = self._call
            if write:
                self._call = "write"
            elif call == "write" or at_boundary:
                self._call = "read" if call == "write" else "write"
        return NbioRetry(write, f"{call} {'W' if write else 'R'} BLOCK", handshake)
