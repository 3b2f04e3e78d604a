"""Scripted STARTTLS servers on loopback for the differential tests.

A :class:`ScriptedServer` accepts connections and, for each, runs a *script*:
a function that plays the server's side of the plaintext exchange through a
:class:`ServerIO` (exact reads, so that no byte of the ClientHello is consumed)
and returns True to start TLS or False to stop. Every byte the client sent
before TLS is recorded per connection (``records[i].pre_tls``). TLS is done by
Python's ``ssl`` wrapping the accepted socket; after the handshake the server
waits for the client to close. Every socket has a timeout: nothing can hang.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from support.peers import ThreadedListener
from support.pki import Chain

IO_TIMEOUT = 15.0


class ServerIO:
    """The server's side of one connection: exact reads, recorded."""

    def __init__(self, sock: socket.socket, record: ConnRecord) -> None:
        self.sock = sock
        self.record = record

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _recv1(self) -> bytes:
        b = self.sock.recv(1)
        self.record.pre_tls += b
        return b

    def read_exact(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                break
            self.record.pre_tls += chunk
            out += chunk
        return out

    def read_until(self, marker: bytes) -> bytes:
        out = b""
        while not out.endswith(marker):
            b = self._recv1()
            if not b:
                break
            out += b
        return out

    def read_line(self) -> bytes:
        return self.read_until(b"\n")

    def drain(self, quiet: float = 0.5) -> bytes:
        """Read what the client still sends (e.g. a ClientHello) until it is quiet
        for ``quiet`` seconds or closes; not recorded as pre-TLS bytes."""
        got = b""
        self.sock.settimeout(quiet)
        with contextlib.suppress(OSError):
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                got += chunk
        self.record.after += got
        return got


Script = Callable[[ServerIO], bool]


@dataclass
class ConnRecord:
    pre_tls: bytes = b""
    after: bytes = b""
    tls_ok: bool = False
    tls_error: str | None = None


@dataclass
class ScriptedServer(ThreadedListener):
    """Runs ``script`` on every connection; TLS with ``chain`` when it returns True."""

    chain: Chain
    script: Script
    host: str = "127.0.0.1"
    records: list[ConnRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._init_listener()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.chain.fullchain), str(self.chain.key))
        ctx.num_tickets = 0  # no post-handshake tickets racing with the client's exit
        self.ctx = ctx
        self._lock = threading.Lock()
        self.finished = 0

    def _on_connection(self, conn: socket.socket) -> None:
        self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        record = ConnRecord()
        self.records.append(record)
        conn.settimeout(IO_TIMEOUT)
        io = ServerIO(conn, record)
        try:
            if self.script(io):
                tls = self.ctx.wrap_socket(conn, server_side=True)
                record.tls_ok = True
                with contextlib.suppress(OSError):
                    while tls.recv(4096):
                        pass
                with contextlib.suppress(OSError):
                    tls.close()
            else:
                io.drain()
        except (OSError, ssl.SSLError) as exc:
            record.tls_error = repr(exc)
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with self._lock:
                self.finished += 1

    def wait_done(self, count: int, timeout: float = 10.0) -> None:
        """Wait until ``count`` connections were served to the end."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.finished < count:
            time.sleep(0.02)
