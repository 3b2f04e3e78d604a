"""A connected UDP socket for DTLS, with the interface of
:class:`sclient.transport.tcp.Connection`.

Each read is one datagram; each write sends the datagrams the engine made
(``parts`` of what it hands over; one datagram otherwise). While a read
waits, ``wait()`` says how long it may (the engine's retransmission timer,
kept by the driver; None: no limit) and ``on_timeout()`` is called when that
time passes; the read then goes on waiting.
"""

from __future__ import annotations

import contextlib
import select
import socket
from collections.abc import Callable

from sclient.transport import clock
from sclient.transport.tcp import Connection

__all__ = ["UdpConnection", "link_mtu"]

#: BIO_dgram_get_mtu_overhead: the IP and UDP headers.
OVERHEAD = {socket.AF_INET: 28, socket.AF_INET6: 48}
#: s_client's -timeout: DGRAM_RCV_TIMEOUT and DGRAM_SND_TIMEOUT (250 ms).
_SOCKET_TIMEOUT = 0.25
_IP_MTU = getattr(socket, "IP_MTU", 14)
_IPV6_MTU = getattr(socket, "IPV6_MTU", 24)


def link_mtu(conn: Connection) -> int | None:
    """The path MTU the kernel knows for the connected socket
    (``BIO_CTRL_DGRAM_QUERY_MTU``); None if it cannot say."""
    try:
        if conn.family == socket.AF_INET6:
            return int(conn.sock.getsockopt(socket.IPPROTO_IPV6, _IPV6_MTU))
        return int(conn.sock.getsockopt(socket.IPPROTO_IP, _IP_MTU))
    except OSError:
        return None


class UdpConnection:
    """A connected datagram socket that counts the bytes it moves."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.sock = conn.sock
        self.family = conn.family
        self.started = conn.started
        self.connected = conn.connected
        self.bytes_read = 0
        self.bytes_written = 0
        self.wait: Callable[[], float | None] = lambda: None
        self.on_timeout: Callable[[], None] = lambda: None
        #: Hears of each datagram read (-debug).
        self.on_datagram: Callable[[bytes], None] | None = None

    def enable_timeouts(self) -> None:
        """``-timeout``: the socket's receive and send timeouts (250 ms)."""
        self.sock.settimeout(_SOCKET_TIMEOUT)

    def fileno(self) -> int:
        return self.sock.fileno()

    def _await(self) -> None:
        while True:
            left = self.wait()
            if left is not None and left <= 0:
                self.on_timeout()
                continue
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                return
            self.on_timeout()

    def recv(self, n: int = 16384) -> bytes:
        while True:
            self._await()
            try:
                data = self.sock.recv(max(n, 1 << 16))
            except (TimeoutError, BlockingIOError):
                continue
            if data:  # an empty datagram is no end of file
                self.bytes_read += len(data)
                if self.on_datagram is not None:
                    self.on_datagram(data)
                return data

    def recv_into(self, buf: memoryview) -> int:
        while True:
            self._await()
            try:
                n = self.sock.recv_into(buf)
            except (TimeoutError, BlockingIOError):
                continue
            if n:
                self.bytes_read += n
                if self.on_datagram is not None:
                    self.on_datagram(bytes(buf[:n]))
                return n

    def sendall(self, data: bytes | memoryview) -> None:
        parts = getattr(data, "parts", None) or ((data,) if data else ())
        for part in parts:
            self.sock.send(part)
            self.bytes_written += len(part)

    def readable(self, timeout: float | None) -> bool:
        return self._conn.readable(timeout)

    def set_blocking(self, flag: bool) -> None:
        self._conn.set_blocking(flag)

    def shutdown_and_drain(
        self,
        timeout: float = 0.5,
        on_read: Callable[[int, bytes, int], None] | None = None,
    ) -> None:
        """s_client's ``shut:`` path on a datagram socket: whatever comes in
        ``timeout`` seconds is read and dropped."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)
        deadline = clock.monotonic() + timeout
        while True:
            left = deadline - clock.monotonic()
            if left <= 0:
                return
            try:
                if not self.readable(left):
                    return
                data = self.sock.recv(1 << 16)
                self.bytes_read += len(data)
                if on_read is not None:
                    on_read(8192, data, len(data))
            except (BlockingIOError, InterruptedError, TimeoutError):
                continue
            except OSError:
                return

    def close(self) -> None:
        self._conn.close()
