"""Fleet mode, ``-targets FILE`` (sclient's addition): one connection per
target line, many in flight at once (``-parallel``), one ``-json`` document
per target as JSON Lines (``report.jsonout``) or, with ``-brief``, one
aligned line per target (``app.fleetout``).

Each target is an ordinary run of s_client's settings: its options are the
command line's with ``-connect host:port`` and the line's own options after
them, parsed by the same parser (``cli.parse``), its settings built by
``app.settings.build_settings`` (the trust stores loaded once for the whole
fleet: ``shared_trust_stores``), its events folded by the collector of a
:class:`~sclient.app.program.Program` whose ``feed``/``start_engine`` this
module drives. What differs is the loop: the single-connection driver
blocks on its socket, so the fleet has a loop of its own, over non-blocking
sockets, that hands each socket's bytes to its engine (``tls.client`` is
sans-I/O: ``receive()``/``data_to_send()``), and stops each connection once
its handshake is done (no session: nothing is read from stdin). ``-starttls``
dialogues, sans-I/O too, are driven by the same loop
(``app.fleetstarttls``). A ``-proxy`` exchange (HTTP CONNECT or SOCKS5,
``app.proxying``) blocks on its socket: it runs in a worker thread, its
waits bounded by the target's deadline, and the loop takes the tunnel over
when it is open.

The loop is ``selectors`` (epoll), not asyncio, by measurement
(``bench/fleet.py``, 200 local servers, this 2-core machine under others'
load, medians of 7 runs): the same 200 handshakes with Python's ``ssl``
took 0.29 s of CPU driven by a selectors loop and 0.45 s driven by asyncio
(0.44 s / 0.73 s wall): asyncio's task, future and transport/protocol pair
per connection cost about 0.8 ms of CPU per target, more than half a
handshake, for nothing this loop needs: it awaits sockets only. Name
lookups, which block, run each in a daemon thread (at most ``-parallel`` at
once); IP literals are not looked up.

Deadlines are the loop's: ``-connect_timeout`` (10 s unless given, so that
a silent target cannot hold the fleet) and ``-max_time`` run from each
target's start, and an expired target is reported as ``app.timeouts``
reports it (its error line, its document's ``timeout``).

Exit status: 0 when every target connected, completed its handshake and
its certificate verified (verify return code 0, so with the host name
checked: each target's host is checked unless ``-verify_hostname`` or
``-verify_ip`` is given); else 1.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import selectors
import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sclient.app.console import Console
from sclient.transport import clock, tcp

if TYPE_CHECKING:
    from sclient.app.program import Program
    from sclient.app.settings import Settings
    from sclient.base.background import Background
    from sclient.cli.optionsclass import Options

#: -parallel's default: connections in flight at once. The work is CPU-bound
#: in one thread (some 6 ms of CPU a target here, handshake, verification and
#: document): 16 in flight keep the CPU busy while waiting on targets up to
#: about 100 ms away, without opening hundreds of sockets at once against one
#: host or network; on loopback 16 and 64 measure the same (bench/README.md).
DEFAULT_PARALLEL = 16
#: How long a write may wait for room in the socket's buffer.
_WRITE_WAIT = 5.0


class FleetConsole(Console):
    """A target's console: nothing reaches stdout or stderr; what the run
    would print on stderr is kept for its document (``err_log``)."""

    def __init__(self) -> None:
        super().__init__(quiet=True, keep_data=False)

    def err(self, text: str) -> None:
        if text:
            self.err_log.append(text)


class Job:
    """One target: its run's options, program and socket."""

    def __init__(self, index: int, target: str, args: list[str], options: Options) -> None:
        self.index = index
        self.target = target  # the line's host:port
        self.args = args  # the line's options
        self.o = options
        self.console = FleetConsole()
        self.program: Program | None = None
        self.doc: dict[str, Any] | None = None
        self.passed = False
        self.t_start = 0.0
        self.deadlines: Any = None
        self.lookup: Background[list[Any]] | None = None
        self.addrs: list[Any] = []
        self.sock: socket.socket | None = None
        self.family = 0
        self.connect_errors: list[Any] = []
        self.last_errno = 0
        self.handshaking = False
        self.dialogue: Any = None  # -starttls (app.fleetstarttls.Dialogue)
        #: -proxy: the exchange running in a worker thread, then its result.
        self.proxying: Background[int | None] | None = None
        self.proxy_done: Background[int | None] | None = None


class Fleet:
    def __init__(self, options: Options, jobs: list[Job], out: Any) -> None:
        self.o = options
        self.jobs = jobs
        self.parallel = options.parallel or DEFAULT_PARALLEL
        self.sel = selectors.DefaultSelector()
        self.active: list[Job] = []
        self.next = 0
        self.done = 0
        self.failed = 0
        self.emitted = 0
        self.out = out
        self.settings_cache: dict[tuple[str, ...], Settings] = {}
        self.progress = _stderr_is_terminal()
        self.t_progress = 0.0

    # ------------------------------------------------------------ the loop

    def run(self) -> None:
        while self.done < len(self.jobs):
            while len(self.active) < self.parallel and self.next < len(self.jobs):
                job = self.jobs[self.next]
                self.next += 1
                self.active.append(job)
                self.guarded(self.start, job)
            if self.done >= len(self.jobs):
                break
            timeout = self.wait_time()
            for key, _mask in self.sel.select(timeout):
                job = key.data
                if job.doc is None:
                    self.guarded(self.on_ready, job)
            self.poll_lookups()
            self.poll_proxies()
            self.check_dialogues()
            self.check_deadlines()
            self.show_progress()
        self.show_progress(final=True)

    def guarded(self, step: Any, job: Job) -> None:
        """``step(job)``; an unexpected exception ends that target alone, with
        the line the single run prints (``s_client: internal error: …``)."""
        try:
            step(job)
        except Exception as exc:
            if os.environ.get("SCLIENT_DEBUG"):
                raise
            what = str(exc) or type(exc).__name__
            job.console.err(f"s_client: internal error: {type(exc).__name__}: {what}\n")
            self.unregister(job)
            if job.sock is not None:
                job.sock.close()
            p = job.program
            if p is None:
                self.setup_failed(job, 1)
                return
            p.status = 1
            with contextlib.suppress(Exception):
                p.finish()
            self.finish(job)

    def wait_time(self) -> float | None:
        now = clock.monotonic()
        ends = [e for job in self.active if (e := self.next_deadline(job)) is not None]
        ends += [
            job.dialogue.wait_until
            for job in self.active
            if job.dialogue is not None and job.dialogue.wait_until is not None
        ]
        wait = max(min(ends) - now, 0.0) if ends else None
        if any(job.lookup is not None or job.proxying is not None for job in self.active):
            wait = 0.005 if wait is None else min(wait, 0.005)
        if self.progress:
            wait = 0.1 if wait is None else min(wait, 0.1)
        return wait

    def next_deadline(self, job: Job) -> float | None:
        ends = []
        if job.o.max_time_s is not None:
            ends.append(job.t_start + job.o.max_time_s)
        if job.o.connect_timeout_s is not None and job.deadlines.in_connection_phase():
            ends.append(job.t_start + job.o.connect_timeout_s)
        return min(ends) if ends else None

    def check_deadlines(self) -> None:
        from sclient.app.timeouts import TimedOut

        now = clock.monotonic()
        for job in list(self.active):
            end = self.next_deadline(job)
            if end is None or now < end or job.doc is not None:
                continue
            o = job.o
            m = o.max_time_s
            if m is not None and now >= job.t_start + m:
                limit, secs = "max_time", m
            else:
                limit, secs = "connect_timeout", o.connect_timeout_s or 0.0
            job.deadlines.resolving = job.lookup is not None
            t = TimedOut(limit, secs, job.deadlines.phase())
            self.unregister(job)
            job.lookup = None  # a lookup still running is left to end alone
            job.proxying = None  # its thread meets the closed socket and ends
            p = job.program
            assert p is not None
            if p.conn is None and job.sock is not None:
                job.sock.close()
            job.deadlines.expired(t)
            self.finish(job)

    # ------------------------------------------------------------ one target

    def start(self, job: Job) -> None:
        from sclient.app.common import Exit
        from sclient.app.program import Program
        from sclient.app.timeouts import Deadlines

        job.t_start = clock.monotonic()
        try:
            settings = self.settings_for(job)
        except Exit as e:
            self.setup_failed(job, e.status)
            return
        p = Program(job.o, job.console, settings)
        p.emit_json = lambda: None  # type: ignore[method-assign]  # the fleet writes the lines
        p.collector.report.t_start = job.t_start
        job.program = p
        job.deadlines = Deadlines(p, job.t_start)
        p.current.t_connect_start = job.t_start
        t = settings.target
        host, port = (t.proxy_host, t.proxy_port) if t.proxied else (t.host, t.port)
        if host is not None and tcp.is_ip_literal(host):
            try:
                addrs = _numeric(host, port, t.family)
            except socket.gaierror as exc:
                self.connect_failed(job, tcp.ConnectError([tcp._lookup_error(exc)]))
                return
            self.resolved(job, addrs)
            return
        from sclient.base.background import Background

        job.lookup = Background(tcp._getaddrinfo, host, port, t.family, name="fleet")

    def settings_for(self, job: Job) -> Settings:
        """The target's settings: built once for each distinct set of line
        options, then given the target's own host, SNI and name checks."""
        from sclient.app.settings import build_settings, resolve_target, server_name
        from sclient.app.verifysettings import verify_settings
        from sclient.base import structs

        key = tuple(job.args)
        base = self.settings_cache.get(key)
        if base is None:
            base = self.settings_cache[key] = build_settings(job.o, job.console)
            return base
        o = job.o
        target = resolve_target(o)
        sni = server_name(o, target)
        from sclient.app.common import valid_server_name

        if sni is not None and not valid_server_name(sni):
            from sclient.app.dane import refuse_server_name

            raise refuse_server_name(job.console)
        return structs.replace(
            base,
            target=target,
            sni=sni,
            verify=verify_settings(o),
            config=structs.replace(base.config, server_name=sni),
        )

    def setup_failed(self, job: Job, status: int) -> None:
        from sclient.app.jsonsetup import json_setup
        from sclient.report.jsonout import setup_failure_report

        job.doc = setup_failure_report(json_setup(job.o), job.console.err_log, job.t_start)
        job.doc["exit_status"] = status or 1
        self.complete(job)

    def poll_lookups(self) -> None:
        import socket as _s

        for job in list(self.active):
            f = job.lookup
            if f is None or not f.done():
                continue
            job.lookup = None
            try:
                self.resolved(job, f.result())
            except _s.gaierror as exc:
                self.connect_failed(job, tcp.ConnectError([tcp._lookup_error(exc)]))

    def resolved(self, job: Job, addrs: list[Any]) -> None:
        job.addrs = list(addrs)
        self.try_next_address(job)

    def try_next_address(self, job: Job) -> None:
        while job.addrs:
            fam, stype, proto, _canon, addr = job.addrs.pop(0)
            try:
                sock = socket.socket(fam, stype, proto)
            except OSError as exc:
                job.last_errno = exc.errno or 0
                job.connect_errors += tcp.socket_error_entries(job.last_errno)
                continue
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            code = sock.connect_ex(addr)
            if code in (0, errno.EINPROGRESS):
                job.sock, job.family = sock, fam
                self.sel.register(sock, selectors.EVENT_WRITE, job)
                return
            sock.close()
            job.last_errno = code
            job.connect_errors += tcp.connect_error_entries(code)
        self.connect_failed(job, tcp.ConnectError(job.connect_errors, job.last_errno))

    def connect_failed(self, job: Job, exc: Any) -> None:
        p = job.program
        assert p is not None
        for line in exc.lines:
            p.c.err(line + "\n")
        for entry in exc.entries:
            p.text.error(entry)
        p.c.err(f"connect:errno={exc.errno}\n")
        p.status = 1
        p.finish()
        self.finish(job)

    def on_ready(self, job: Job) -> None:
        p = job.program
        assert p is not None and job.sock is not None
        if not job.handshaking:
            code = job.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            self.sel.unregister(job.sock)
            if code:
                job.sock.close()
                job.sock = None
                job.last_errno = code
                job.connect_errors += tcp.connect_error_entries(code)
                self.try_next_address(job)
                return
            # Reads are made when the socket is readable; a write waits for
            # room at most _WRITE_WAIT (a flight larger than the socket's buffer).
            job.sock.settimeout(_WRITE_WAIT)
            conn = tcp.Connection(job.sock, job.family, started=job.t_start)
            conn.connected = clock.monotonic()
            p.conn = conn
            p.current.t_connected = conn.connected
            job.handshaking = True
            if p.s.target.proxied:
                self.through_proxy(job)
                return
            self.sel.register(job.sock, selectors.EVENT_READ, job)
            self.after_connect(job)
            return
        if job.dialogue is not None and job.dialogue.outcome is None:
            if job.dialogue.readable():
                self.after_dialogue(job)
            return
        self.feed(job)

    def after_connect(self, job: Job) -> None:
        """Connected (through the proxy if any): STARTTLS, or the ClientHello."""
        p = job.program
        assert p is not None
        if job.o.starttls is not None:
            from sclient.app.fleetstarttls import Dialogue

            job.dialogue = Dialogue(p)
            if job.dialogue.start():
                self.after_dialogue(job)
            return
        self.start_tls(job)

    def feed(self, job: Job) -> None:
        """The socket is readable in the handshake: a read for the engine."""
        from sclient.app.common import Shut

        p = job.program
        assert p is not None
        try:
            n = p.read_socket()
            p.feed(n=n)
        except Shut as shut:
            self.shut(job, shut.status)
            return
        if not p.current.in_init:
            p.send_close_notify()
            self.shut(job, 0)

    def through_proxy(self, job: Job) -> None:
        """The proxy's CONNECT or SOCKS5 exchange (``app.proxying``, which
        blocks on its socket) in a worker thread, the socket's waits bounded
        by the target's deadline; the loop polls it (:meth:`poll_proxies`)."""
        p = job.program
        assert p is not None and job.sock is not None
        end = self.next_deadline(job)
        # A second more than the deadline: the loop reports the timeout first.
        wait = _WRITE_WAIT if end is None else max(end - clock.monotonic(), 0.0) + 1.0
        job.sock.settimeout(wait)
        from sclient.app.proxying import through_proxy
        from sclient.base.background import Background

        job.proxying = Background(through_proxy, p, name="fleet")

    def poll_proxies(self) -> None:
        for job in list(self.active):
            f = job.proxying
            if f is None or not f.done():
                continue
            job.proxying, job.proxy_done = None, f
            self.guarded(self.proxy_done, job)

    def proxy_done(self, job: Job) -> None:
        p = job.program
        assert p is not None and job.sock is not None and job.proxy_done is not None
        failed = job.proxy_done.result()
        job.proxy_done = None
        if failed is not None:
            self.shut(job, failed)
            return
        job.deadlines.tunnelled = p.current
        job.sock.settimeout(_WRITE_WAIT)
        self.sel.register(job.sock, selectors.EVENT_READ, job)
        self.after_connect(job)

    def start_tls(self, job: Job) -> None:
        """The ClientHello, once connected (and after STARTTLS)."""
        from sclient.app.common import Shut

        p = job.program
        assert p is not None and p.conn is not None
        try:
            p.current.pre_tls_read = p.conn.bytes_read
            p.current.hello_time = clock.wall()
            p.current.client_hello_sent = True
            p.start_engine()
        except Shut as shut:
            self.shut(job, shut.status)

    def after_dialogue(self, job: Job) -> None:
        """The STARTTLS dialogue has ended: TLS, or the end of the target (as
        ``app.starttls.run_on`` ends the single run)."""
        from sclient.starttls.steps import OK

        d = job.dialogue
        assert d is not None and d.outcome is not None
        if d.outcome.status == OK:
            self.start_tls(job)
        else:
            self.shut(job, 1)

    def check_dialogues(self) -> None:
        """WaitReadable's timeouts."""
        now = clock.monotonic()
        for job in list(self.active):
            d = job.dialogue
            waiting = d is not None and d.outcome is None and d.wait_until is not None
            if waiting and d.expired(now):
                self.guarded(self.after_dialogue, job)

    def shut(self, job: Job, status: int) -> None:
        p = job.program
        assert p is not None
        self.unregister(job)
        p.status = status
        if p.conn is not None:
            p.close()
        p.finish()
        self.finish(job)

    def unregister(self, job: Job) -> None:
        if job.sock is not None:
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(job.sock)

    def finish(self, job: Job) -> None:
        """The target's document: for ``-brief``, only what its line shows
        (``report.jsonout.brief_report``); else the ``-json`` document, its
        messages without their decoded ``fields`` (docs/json.md)."""
        from sclient.app.jsonsetup import json_setup
        from sclient.report.jsonout import brief_report, build_report

        p = job.program
        assert p is not None
        setup = json_setup(job.o)
        if self.o.brief:
            job.doc = brief_report(p.report, p.view, setup, job.console.err_log)
        else:
            job.doc = build_report(p.report, p.view, setup, job.console.err_log, decode=False)
        job.program = None  # its memory goes with it
        self.complete(job)

    def complete(self, job: Job) -> None:
        doc = job.doc
        assert doc is not None
        verification = doc.get("verification") or {}
        job.passed = bool(
            doc.get("exit_status") == 0
            and doc.get("handshake_complete")
            and verification.get("code") == 0
        )
        self.done += 1
        if not job.passed:
            self.failed += 1
        if job in self.active:
            self.active.remove(job)
        self.out.emit_ready(self.jobs)

    # ------------------------------------------------------------ progress

    def show_progress(self, final: bool = False) -> None:
        if not self.progress:
            return
        now = clock.monotonic()
        if not final and now - self.t_progress < 0.1:
            return
        self.t_progress = now
        total = len(self.jobs)
        text = (
            ""
            if final
            else (
                f"{self.done}/{total} checked, {len(self.active)} in flight, {self.failed} failed"
            )
        )
        try:
            os.write(2, f"\r\x1b[K{text}".encode())
        except OSError:
            self.progress = False


def _stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except OSError:
        return False


#: The answer of the first lookup of an IPv4 address literal, by family asked:
#: the same lookup for another address and port differs only in those. Asked
#: with AI_ADDRCONFIG, each lookup costs a netlink round trip (~50 us).
_IPV4_LOOKUP: dict[int, tuple[int, int, int, str]] = {}


def _numeric(host: str, port: str | None, family: int) -> list[Any]:
    """``getaddrinfo`` for an address literal: for an IPv4 address and a port
    number, once a lookup of that kind has answered one address, the same
    answer made for this one."""
    fast = (
        port is not None
        and port.isdigit()
        and port.isascii()
        and int(port) <= 0xFFFF
        and "." in host
        and ":" not in host
    )
    if fast and port is not None:
        shape = _IPV4_LOOKUP.get(family)
        if shape is not None:
            fam, socktype, proto, canon = shape
            return [(fam, socktype, proto, canon, (host, int(port)))]
    found = tcp._getaddrinfo(host, port, family)
    if fast and len(found) == 1 and found[0][0] == socket.AF_INET:
        fam, socktype, proto, canon, _addr = found[0]
        _IPV4_LOOKUP[family] = (fam, socktype, proto, canon)
    return found


def run_fleet(options: Options, targets: Sequence[tuple[str, list[str], Options]]) -> int:
    """``-targets``: check every target (its ``host:port``, its line's options,
    its options parsed); the exit status (0: all passed)."""
    from sclient.app.fleetout import Output
    from sclient.app.settings import shared_trust_stores
    from sclient.base.structs import compile_sooner

    jobs = [Job(i, target, args, o) for i, (target, args, o) in enumerate(targets)]
    shared_trust_stores()
    if len(jobs) >= 16:  # a record class is made once or more a target
        compile_sooner()
    # The command pauses the cyclic collector for one short run; a fleet frees
    # each target's objects (their cycles) as it goes. What start-up made is
    # frozen out of the collections' way.
    gc.freeze()
    # A target leaves a few kB of cycles: the young generation is collected
    # every 50,000 allocations (a few targets), not every 700.
    gc.set_threshold(50_000, 10, 10)
    gc.enable()
    out = Output(options, jobs)
    Fleet(options, jobs, out).run()
    out.close_with(jobs)
    return 0 if all(job.passed for job in jobs) else 1
