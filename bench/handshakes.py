"""Handshakes repeated in one process, beside `openssl s_time` and Python's `ssl`.

Per case (TLS 1.3 full ECDSA, TLS 1.3 full RSA, TLS 1.2 full ECDHE-RSA, TLS 1.2
resumed, TLS 1.3 resumed), against one `openssl s_server`, in paired rounds:

- sclient: the program's own set-up (``parse_args`` + ``build_settings`` with
  ``-CAfile``), then per connection what ``Program.start_engine`` does (a
  ``Verifier`` on the trust store, ``structs.replace`` of the config) and a
  handshake through the engine, so the chain verification the program does is
  in every full handshake; close_notify sent, socket closed.
- ``ssl``: the standard module, ``CERT_REQUIRED`` on the same root (no host
  name check, as neither s_client nor s_time checks one by default).
- ``openssl s_time -new`` / ``-reuse`` with ``-CAfile`` (OpenSSL verifies the
  chain in ``SSL_VERIFY_NONE`` mode too): its CPU from ``os.wait4``'s rusage of
  the child, divided by the number of connections it reports. s_time 3.0
  does not resume TLS 1.3 (it takes the session before the tickets arrive),
  so that case has no s_time anchor.

Client CPU is ``getrusage`` (user + system) of the client only: the server
shares the machine's cores, so CPU, not handshakes per second, is the figure
that counts.  Each figure is the median of the rounds, each ratio the median of
the paired per-round ratios.  Targets (issue 12): TLS 1.3 full ECDSA <= 0.8x
s_time -new; TLS 1.2 resumed <= 0.25 ms.

Usage: python bench/handshakes.py [--rounds 5] [--count 300] [--seconds 1] [--only NAME]
       [--profile]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import select
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_pki, median, openssl, s_server

from sclient.app.console import Console
from sclient.app.settings import Settings, build_settings
from sclient.app.verify import Verifier
from sclient.base import structs
from sclient.cli.parse import parse_args
from sclient.tls import events
from sclient.tls.client import Client
from sclient.tls.session import Session
from sclient.transport import clock

#: name -> (PKI kind, version, resumed, title)
CASES: dict[str, tuple[str, str, bool, str]] = {
    "tls13-ec": ("ec", "1.3", False, "TLS 1.3 full, ECDSA P-256 chain of 2"),
    "tls13-rsa": ("rsa", "1.3", False, "TLS 1.3 full, RSA-2048 chain of 2"),
    "tls12-ecdhe-rsa": ("rsa", "1.2", False, "TLS 1.2 full, ECDHE-RSA chain of 2"),
    "tls12-resumed": ("ec", "1.2", True, "TLS 1.2 resumed (session id / ticket)"),
    "tls13-resumed": ("ec", "1.3", True, "TLS 1.3 resumed (PSK-DHE ticket)"),
}

Cpu = tuple[float, float, float]  # user, system, wall seconds


# -- sclient ---------------------------------------------------------------------------


class SClient:
    """The program's settings once; per connection what Program.start_engine does."""

    def __init__(self, port: int, root: Path, version: str) -> None:
        flag = "-tls1_3" if version == "1.3" else "-tls1_2"
        options = parse_args(["-connect", f"127.0.0.1:{port}", "-CAfile", str(root), flag])
        self.settings: Settings = build_settings(options, Console(quiet=True))
        self.port = port

    def connect(self, resume: Session | None, tickets: bool = False) -> tuple[Client, Any]:
        """One handshake (and, with ``tickets``, the TLS 1.3 tickets after it);
        returns the client and the last verification verdict or ticket session."""
        s = self.settings
        v = s.verify
        verifier = Verifier(
            v.params,
            v.callback,
            s.trust_store,
            clock.wall,
            verify_peer=v.verify_peer,
            crl_download=v.crl_download,
            dane=s.dane,
        )
        cfg = structs.replace(s.config, verify_certificates=verifier, resume=resume)
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = Client(cfg)
        client.start()
        sock.sendall(client.data_to_send())
        found: Any = None
        ticket: Session | None = None
        try:
            while not client.handshake_complete or (tickets and ticket is None):
                if tickets and client.handshake_complete:
                    select.select([sock], [], [], 2.0)
                data = sock.recv(65536)
                if not data:
                    raise RuntimeError("server closed during the handshake")
                for ev in client.receive(data):
                    if isinstance(ev, events.ConnectionFailed):
                        raise RuntimeError(f"handshake failed: {ev.error}")
                    if isinstance(ev, events.CertificateVerified):
                        found = ev.verdict.detail
                    elif isinstance(ev, events.NewSessionTicket):
                        ticket = ev.session
                out = client.data_to_send()
                if out:
                    sock.sendall(out)
            client.close()
            out = client.data_to_send()
            if out:
                sock.sendall(out)
        finally:
            sock.close()
        return client, ticket if tickets else found


def sclient_round(kind: str, sc: SClient, count: int, resume: Session | None) -> Cpu:
    def once() -> None:
        client, verdict = sc.connect(resume)
        if resume is None and (verdict is None or verdict.code != 0):
            raise RuntimeError(f"sclient: verification did not pass: {verdict}")
        if resume is not None and client.resumed_session is None:
            raise RuntimeError("sclient: the session was not resumed")

    return _timed(once, count)


def sclient_session(sc: SClient, version: str) -> Session:
    client, found = sc.connect(None, tickets=version == "1.3")
    session = found if version == "1.3" else client.session
    if not isinstance(session, Session):
        raise RuntimeError("sclient: no session to resume")
    return session


# -- the standard ssl module -----------------------------------------------------------------


def ssl_context(root: Path, version: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=str(root))
    v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = ctx.maximum_version = v
    return ctx


def ssl_connect(
    ctx: ssl.SSLContext, port: int, session: ssl.SSLSession | None, tickets: bool = False
) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", port))
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    tls = ctx.wrap_socket(raw, session=session)
    if tickets:  # TLS 1.3: the tickets come after the handshake, read on a read
        tls.setblocking(False)
        deadline = time.monotonic() + 2
        while not (tls.session and tls.session.has_ticket) and time.monotonic() < deadline:
            select.select([tls], [], [], 0.1)
            try:
                tls.recv(1)
            except ssl.SSLWantReadError:
                pass
    tls.close()
    return tls


def ssl_round(ctx: ssl.SSLContext, port: int, count: int, session: ssl.SSLSession | None) -> Cpu:
    def once() -> None:
        tls = ssl_connect(ctx, port, session)
        if session is not None and not tls.session_reused:
            raise RuntimeError("ssl: the session was not resumed")

    return _timed(once, count)


# -- openssl s_time --------------------------------------------------------------------------

_S_TIME = re.compile(rb"(\d+) connections in [\d.]+s;")


def s_time_round(port: int, root: Path, version: str, resumed: bool, seconds: int) -> Cpu:
    cmd = [
        openssl(),
        "s_time",
        "-connect",
        f"127.0.0.1:{port}",
        "-reuse" if resumed else "-new",
        "-time",
        str(seconds),
        "-CAfile",
        str(root),
        "-tls1_3" if version == "1.3" else "-tls1_2",
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    found = _S_TIME.findall(out)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"s_time failed ({proc.returncode}): {out[-300:]!r}")
    n = int(found[-1])
    if resumed and out.count(b"r") < n // 2:
        raise RuntimeError("s_time -reuse did not resume")
    return usage.ru_utime / n, usage.ru_stime / n, wall / n


# -- rounds ----------------------------------------------------------------------------------


def _timed(once: Callable[[], None], count: int) -> Cpu:
    """Per-handshake (user, system, wall) seconds over ``count`` runs of ``once``."""
    r0, w0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for _ in range(count):
        once()
    r1, w1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    return (
        (r1.ru_utime - r0.ru_utime) / count,
        (r1.ru_stime - r0.ru_stime) / count,
        (w1 - w0) / count,
    )


def run_case(name: str, port: int, root: Path, args: argparse.Namespace) -> dict[str, list[Cpu]]:
    kind, version, resumed, _ = CASES[name]
    sc = SClient(port, root, version)
    ctx = ssl_context(root, version)
    s_session = sclient_session(sc, version) if resumed else None
    p_session = ssl_connect(ctx, port, None, tickets=version == "1.3").session if resumed else None
    runners: dict[str, Callable[[], Cpu]] = {
        "sclient": lambda: sclient_round(kind, sc, args.count, s_session),
        "ssl module": lambda: ssl_round(ctx, port, args.count, p_session),
    }
    if not (resumed and version == "1.3"):
        label = "s_time -reuse" if resumed else "s_time -new"
        runners[label] = lambda: s_time_round(port, root, version, resumed, args.seconds)
    # Warm-up: the first connections fill caches and import what a run imports.
    sclient_round(kind, sc, 20, s_session)
    ssl_round(ctx, port, 20, p_session)
    results: dict[str, list[Cpu]] = {k: [] for k in runners}
    order = list(runners)
    for r in range(args.rounds):
        for label in order[r % len(order) :] + order[: r % len(order)]:
            results[label].append(runners[label]())
    return results


def report(name: str, results: dict[str, list[Cpu]]) -> None:
    print(f"{CASES[name][3]} (verification {'n/a' if CASES[name][2] else 'on'}):")
    for label, rows in results.items():
        user = median([u for u, _, _ in rows]) * 1000
        system = median([s for _, s, _ in rows]) * 1000
        cpu = median([u + s for u, s, _ in rows]) * 1000
        rate = median([1 / w for _, _, w in rows])
        print(
            f"  {label:14s} {cpu:6.3f} ms client CPU (user {user:.3f}, system {system:.3f})"
            f"  {rate:7.0f} handshakes/s"
        )
    mine = results["sclient"]
    for label, rows in results.items():
        if label == "sclient":
            continue
        ratio = median([(a[0] + a[1]) / (b[0] + b[1]) for a, b in zip(mine, rows, strict=True)])
        print(f"  sclient / {label}: x{ratio:.2f}")
    sys.stdout.flush()


def profile(name: str, port: int, root: Path, count: int) -> None:
    """cProfile of sclient's handshakes alone, the functions by their own time."""
    import cProfile
    import pstats

    kind, version, resumed, _ = CASES[name]
    sc = SClient(port, root, version)
    session = sclient_session(sc, version) if resumed else None
    sclient_round(kind, sc, 20, session)
    prof = cProfile.Profile()
    prof.runcall(sclient_round, kind, sc, count, session)
    print(CASES[name][3])
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(40)
    if os.environ.get("PROFILE_CALLERS"):
        stats.print_callers(os.environ["PROFILE_CALLERS"])
        stats.sort_stats("cumulative").print_stats(60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--count", type=int, default=300, help="handshakes per sclient/ssl round")
    ap.add_argument("--seconds", type=int, default=1, help="s_time -time per round")
    ap.add_argument("--only", choices=sorted(CASES), action="append")
    ap.add_argument("--profile", action="store_true", help="cProfile sclient's handshakes")
    args = ap.parse_args()
    names = args.only or list(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("ec", "rsa"):
            mine = [n for n in names if CASES[n][0] == kind]
            if not mine:
                continue
            pki = make_pki(Path(tmp), kind)
            with s_server(pki) as port:
                for name in mine:
                    if args.profile:
                        profile(name, port, pki["root"], args.count)
                    else:
                        report(name, run_case(name, port, pki["root"], args))


if __name__ == "__main__":
    main()
