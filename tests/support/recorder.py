"""A recording TCP relay: what a client sends before its ClientHello.

``RecordingRelay(upstream_port, upstream_host)`` listens on a free loopback
port, forwards every connection to the upstream server unchanged, and keeps
an ordered transcript of each connection: ``("C", bytes)`` for what the
client sent, ``("S", bytes)`` for what the server sent, one entry per
``recv()``. The client's bytes before the first chunk that starts a TLS
handshake record (``16 03 xx``) are the plaintext STARTTLS exchange.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

from support.peers import HOST, ThreadedListener

__all__ = ["RecordingRelay", "Transcript", "client_hello_at", "is_tls_handshake_start"]


def is_tls_handshake_start(chunk: bytes) -> bool:
    """A TLS record of type handshake (22) with a 3.x record version."""
    return len(chunk) >= 3 and chunk[0] == 0x16 and chunk[1] == 0x03 and chunk[2] <= 0x04


@dataclass
class Transcript:
    """One relayed connection, in arrival order."""

    events: list[tuple[str, bytes]] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, who: str, data: bytes) -> None:
        with self._lock:
            self.events.append((who, data))

    def snapshot(self) -> list[tuple[str, bytes]]:
        with self._lock:
            return list(self.events)

    def client_bytes(self) -> bytes:
        return b"".join(d for who, d in self.snapshot() if who == "C")

    def server_bytes(self) -> bytes:
        return b"".join(d for who, d in self.snapshot() if who == "S")

    def pre_tls_dialogue(self) -> list[tuple[str, bytes]]:
        """The plaintext exchange up to (not including) the ClientHello, with
        consecutive chunks of the same side merged; all of it if no ClientHello came."""
        out: list[tuple[str, bytes]] = []
        for who, d in self.snapshot():
            cut = client_hello_at(d) if who == "C" else None
            if cut is not None:
                d = d[:cut]
            if d:
                if out and out[-1][0] == who:
                    out[-1] = (who, out[-1][1] + d)
                else:
                    out.append((who, d))
            if cut is not None:
                break
        return out

    def pre_tls_client(self) -> bytes:
        """What the client sent before its ClientHello (all of it if none came)."""
        return b"".join(d for who, d in self.pre_tls_dialogue() if who == "C")

    def saw_client_hello(self) -> bool:
        return any(who == "C" and client_hello_at(d) is not None for who, d in self.snapshot())


def client_hello_at(chunk: bytes) -> int | None:
    """Where a ClientHello record starts in one chunk the client sent, or None.

    At the start of a chunk any TLS handshake record counts; further in (a
    plaintext request and the hello sent in one TCP segment, as seen with the
    MySQL SSLRequest) a record header ``16 03 0x`` followed by the ClientHello
    message type (1) does."""
    if is_tls_handshake_start(chunk):
        return 0
    i = chunk.find(b"\x16\x03")
    while i > 0:
        if len(chunk) >= i + 6 and chunk[i + 2] <= 4 and chunk[i + 5] == 1:
            return i
        i = chunk.find(b"\x16\x03", i + 1)
    return None


class RecordingRelay(ThreadedListener):
    """Loopback relay in front of ``upstream_host:upstream_port`` that records
    every connection in ``transcripts`` (one :class:`Transcript` each)."""

    def __init__(self, upstream_port: int, upstream_host: str = HOST, host: str = HOST) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.transcripts: list[Transcript] = []
        self._init_listener()

    def _on_connection(self, c: socket.socket) -> None:
        t = Transcript()
        self.transcripts.append(t)
        try:
            u = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            c.close()
            t.closed.set()
            return
        for sk in (c, u):
            sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sk.settimeout(0.2)
        done = [0]
        lock = threading.Lock()

        def finished() -> None:
            with lock:
                done[0] += 1
                if done[0] == 2:
                    for sk in (c, u):
                        with contextlib.suppress(OSError):
                            sk.close()
                    t.closed.set()

        self._spawn(self._pipe, c, u, "C", t, finished)
        self._spawn(self._pipe, u, c, "S", t, finished)

    def _pipe(
        self, src: socket.socket, dst: socket.socket, who: str, t: Transcript, finished: object
    ) -> None:
        try:
            while not self._stop.is_set():
                try:
                    d = src.recv(65536)
                except TimeoutError:
                    continue
                if not d:
                    break
                t.add(who, d)
                dst.sendall(d)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
            finished()  # type: ignore[operator]

    def last(self, timeout: float = 5.0) -> Transcript:
        """The most recent connection's transcript, once both sides closed."""
        assert self.transcripts, "no connection went through the relay"
        t = self.transcripts[-1]
        t.closed.wait(timeout)
        return t
