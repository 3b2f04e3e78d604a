"""DTLS on UDP: the connected datagram socket, ``-mtu`` and ``-timeout``, and
the retransmission timer (the engine says how long, this module keeps the
clock and wakes the engine when the time is up).

What s_client does, which this follows: the socket is a connected UDP
socket; with ``-timeout`` its receive and send timeouts are 250 ms. Without
``-mtu`` the MTU is what the kernel knows for the path (``IP_MTU``) less the
IP and UDP headers, at least DTLS's minimum (256 less the headers); with
``-mtu N`` (which sets SSL_OP_NO_QUERY_MTU) it is N less the headers, and an
N below 256 is refused after ``CONNECTED(…)`` with ``MTU too small. Must be
at least 256``, the summary and exit status 1. The timer starts at 1 s when a
flight is sent and doubles at each retransmission (to at most 60 s); the 13th
timeout ends the handshake; without ``-mtu``, from the third timeout on the
flight is cut to the MTU every path takes (576 bytes for IPv4, 1280 for
IPv6, less the headers). s_client prints nothing when it retransmits.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from sclient.app.common import Shut
from sclient.base import structs
from sclient.transport import clock

if TYPE_CHECKING:
    from sclient.app.program import Program

__all__ = ["MIN_LINK_MTU", "connect_udp", "setup"]

#: dtls1_link_min_mtu().
MIN_LINK_MTU = 256
#: BIO_CTRL_DGRAM_GET_FALLBACK_MTU: the link MTU every IPv4 (IPv6) path takes.
FALLBACK_LINK_MTU = {socket.AF_INET: 576, socket.AF_INET6: 1280}
#: The read OpenSSL asks of a datagram socket (its DTLS read buffer).
_DTLS_READ = 16717


class Timer:
    """The engine's retransmission timer on the driver's clock."""

    def __init__(self, p: Program) -> None:
        self.p = p
        self.generation: int | None = None
        self.deadline = 0.0

    def wait(self) -> float | None:
        client = self.p.client
        timer = client.timer() if client is not None else None
        if timer is None:
            self.generation = None
            return None
        generation, interval = timer
        if generation != self.generation:
            self.generation = generation
            self.deadline = clock.monotonic() + interval
        return max(0.0, self.deadline - clock.monotonic())

    def expired(self) -> None:
        p = self.p
        p.process(p.client.handle_timeout(), p.flush_engine())


def connect_udp(p: Program) -> bool:
    """The connected UDP socket (the TCP connect's lookups and errors)."""
    from sclient.transport import tcp
    from sclient.transport.udp import UdpConnection

    t = p.s.target
    p.current.t_connect_start = clock.monotonic()
    try:
        conn = tcp.connect(
            t.host,
            t.port,
            family=t.family,
            bind_host=t.bind_host,
            bind_port=t.bind_port,
            socktype=socket.SOCK_DGRAM,
        )
    except tcp.ConnectError as exc:
        for line in exc.lines:
            p.c.err(line + "\n")
        for entry in exc.entries:
            p.text.error(entry)
        p.c.err(f"connect:errno={exc.errno}\n")
        return False
    udp = UdpConnection(conn)
    timer = Timer(p)
    udp.wait = timer.wait
    udp.on_timeout = timer.expired
    tap = p.tap
    if tap is not None:  # -debug: OpenSSL reads each datagram whole
        udp.on_datagram = lambda d: tap.read(_DTLS_READ, d, len(d))
    p.conn = udp
    p.current.t_connected = conn.connected
    return True


def setup(p: Program) -> None:
    """After ``CONNECTED(…)``: ``-timeout``, and the MTU the engine cuts to."""
    from sclient.transport.udp import OVERHEAD, link_mtu

    conn = p.conn
    if p.o.timeout:
        conn.enable_timeouts()
    overhead = OVERHEAD.get(conn.family, 28)
    if p.o.mtu is not None:
        if p.o.mtu < MIN_LINK_MTU:
            p.c.err(f"MTU too small. Must be at least {MIN_LINK_MTU}\n")
            raise Shut(1)
        mtu = p.o.mtu - overhead
        fallback = 0
    else:
        mtu = max((link_mtu(conn._conn) or 0) - overhead, MIN_LINK_MTU - overhead)
        fallback = FALLBACK_LINK_MTU.get(conn.family, 576) - overhead
    p.s.config = structs.replace(p.s.config, dtls_mtu=mtu, dtls_fallback_mtu=fallback)
