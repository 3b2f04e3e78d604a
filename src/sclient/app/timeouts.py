"""``-connect_timeout`` and ``-max_time`` (sclient's additions, with curl's
names and meaning): the app owns the clock, the engine knows nothing of it.

``-connect_timeout`` bounds each connection's connection phase as curl's
``--connect-timeout`` does (curl counts in it the name lookup and every
protocol handshake and negotiation up to the established connection): the
DNS lookup, the TCP connect, the proxy's CONNECT or SOCKS5 exchange, STARTTLS
and the TLS or DTLS handshake. ``-max_time`` bounds the whole run, as curl's
``--max-time``.

One interval timer (SIGALRM) is armed for the nearest deadline; its handler
raises :class:`TimedOut` out of whatever blocking call the driver is in
(connect, recv, select; the name lookup runs in a thread while a deadline is
armed, so that the wait for it can be interrupted). The handler re-arms
itself when the deadline it was armed for no longer applies.
"""

from __future__ import annotations

import _signal as signal  # type: ignore[import-not-found]  # the C module: ``signal`` builds enums at import
import contextlib
from types import FrameType
from typing import TYPE_CHECKING, Any

from sclient.base.errorqueue import ErrorEntry
from sclient.report.errors import BIO_LIB
from sclient.transport import clock, tcp

if TYPE_CHECKING:
    from sclient.app.program import Program

#: What each phase is waiting for, in the error line.
PHASES = {
    "dns": "host name lookup",
    "connect": "TCP connect",
    "proxy": "proxy exchange",
    "starttls": "STARTTLS exchange",
    "handshake": "TLS handshake",
    "session": "session",
}
#: The phase's ``error.stage`` in -json (a lookup is part of ``connect``).
STAGES = {"dns": "connect"}
#: How often the timer looks again while the next connection of -reconnect
#: has not started yet.
_POLL = 0.1


class TimedOut(BaseException):
    """A deadline passed (a BaseException: no ``except Exception`` of the
    driver may take it for a transport error)."""

    def __init__(self, limit: str, seconds: float, phase: str) -> None:
        super().__init__(limit, phase)
        self.limit = limit
        self.seconds = seconds
        self.phase = phase


def _secs(s: float) -> str:
    return f"{s:g}"


class Deadlines:
    """The deadlines of one run, watched by the interval timer."""

    def __init__(self, program: Program, t_start: float) -> None:
        self.p = program
        self.connect_s: float | None = program.o.connect_timeout_s
        self.max_s: float | None = program.o.max_time_s
        self.t_start = t_start
        self.resolving = False
        #: The connection whose proxy tunnel is open (``proxy_opened``).
        self.tunnelled: object | None = None
        self.old_handler: Any = None

    # ------------------------------------------------------------ the phases

    def in_connection_phase(self) -> bool:
        c = self.p.report.current
        return not (c.client_hello_sent and not c.in_init)

    def phase(self) -> str:
        c = self.p.report.current
        if self.resolving:
            return "dns"
        if c.client_hello_sent:
            return "handshake" if c.in_init else "session"
        if c.t_connected is None:
            return "connect"
        if self.p.s.target.proxied and self.tunnelled is not c:
            return "proxy"
        if self.p.o.starttls is not None:
            return "starttls"
        return "handshake"

    def connection_start(self) -> float | None:
        report = self.p.report
        c = report.current
        if c.t_connect_start is not None:
            return c.t_connect_start
        return self.t_start if len(report.connections) == 1 else None

    # ------------------------------------------------------------ the timer

    def check(self) -> None:
        """Raise :class:`TimedOut` when a deadline has passed; else set the
        timer for the next one."""
        if self.p.report.current.t_end is not None:
            # This connection is closed: the run is ending (its summary, its
            # document), which no timeout interrupts, or -reconnect begins the next.
            signal.setitimer(signal.ITIMER_REAL, _POLL)
            return
        now = clock.monotonic()
        wake: list[float] = []
        if self.max_s is not None:
            end = self.t_start + self.max_s
            if now >= end:
                raise TimedOut("max_time", self.max_s, self.phase())
            wake.append(end)
        if self.connect_s is not None and self.in_connection_phase():
            start = self.connection_start()
            if start is None:
                wake.append(now + _POLL)
            else:
                end = start + self.connect_s
                if now >= end:
                    raise TimedOut("connect_timeout", self.connect_s, self.phase())
                wake.append(end)
        elif self.connect_s is not None and self.p.reconnects > 0:
            wake.append(now + _POLL)  # the next connection's phase is still to come
        if wake:
            signal.setitimer(signal.ITIMER_REAL, max(min(wake) - now, 0.001))

    def _on_alarm(self, signo: int, frame: FrameType | None) -> None:
        self.check()

    def arm(self) -> None:
        self.old_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        tcp.resolver = self.resolve
        self.check()

    def disarm(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old_handler or signal.SIG_DFL)
        tcp.resolver = None

    # ------------------------------------------------------------ the lookup

    def resolve(
        self, host: str | None, port: str | None, family: int, socktype: int
    ) -> list[tuple[int, int, int, str, object]]:
        """``getaddrinfo`` in a thread: the wait for it is what the timer interrupts."""
        from sclient.base.background import Background

        lookup = Background(tcp._getaddrinfo, host, port, family, socktype, name="resolve")
        self.resolving = True
        try:
            lookup.wait()
        finally:
            self.resolving = False
        return lookup.result()

    # ------------------------------------------------------------ the end

    def expired(self, t: TimedOut) -> int:
        """Report the timeout: one error-queue line naming the phase, the
        JSON document's error; exit status 1."""
        p = self.p
        what = PHASES[t.phase]
        if t.phase == "connect" and p.s.target.proxied:
            what = "TCP connect to the proxy"
        data = f"phase {t.phase} ({what}) not done within -{t.limit} {_secs(t.seconds)} s"
        if t.limit == "connect_timeout":
            entry = ErrorEntry(
                0x10000093, BIO_LIB, "BIO_do_connect_retry", "connect timeout",
                "../crypto/bio/bio_lib.c", 0, data,
            )  # fmt: skip
        else:
            entry = ErrorEntry(
                0x10000069, BIO_LIB, "BIO_wait", "transfer timed out",
                "../crypto/bio/bio_lib.c", 0, data,
            )  # fmt: skip
        p.report.timeout = {"phase": t.phase, "limit": t.limit, "seconds": t.seconds}
        p.text.error(entry)
        if p.conn is not None:
            p.close()
        p.status = 1
        return p.finish()


def proxy_opened(p: Program) -> None:
    """The proxy's tunnel of this connection is open (the next phase begins)."""
    d = _ACTIVE[0] if _ACTIVE else None
    if d is not None:
        d.tunnelled = p.report.current


_ACTIVE: list[Deadlines] = []


def run_with(p: Program, t_start: float) -> int:
    """``p.run()`` under the deadlines of -connect_timeout and -max_time."""
    d = Deadlines(p, t_start)
    _ACTIVE.append(d)
    try:
        d.arm()
        try:
            return p.run()
        except TimedOut as t:
            d.disarm()
            return d.expired(t)
    finally:
        d.disarm()
        _ACTIVE.remove(d)
