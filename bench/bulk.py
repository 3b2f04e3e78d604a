"""Bulk transfer over TLS 1.3 AES-128-GCM, both directions, and peak memory.

Side by side in one run, for ``--mb`` MiB (default 1024):

- receive: ``openssl s_server -WWW`` serves one large file; the whole program
  ``sclient -quiet`` writes it to ``/dev/null``, beside a minimal client on
  Python's standard ``ssl`` module (:data:`SSL_RECV`) and sclient's engine
  alone (in this process, reading into the engine's buffer, no output);
- send: the file as stdin, to an ``openssl s_server`` that discards what it
  reads (``sclient -quiet -no_ign_eof -nocommands``, the ``ssl`` client
  :data:`SSL_SEND`, the engine alone); a run ends when the server has read
  everything (it answers close_notify);
- peak RSS of ``sclient`` against the ``ssl`` client, receiving a small file
  and the large one.

Each figure is the median of ``--runs`` paired runs (the commands one after
the other, in turn), with the median of the paired ratios to the ``ssl``
client. Rates are GB/s (10^9 bytes) of wall time, process start-up and
handshake included, and per second of the client's CPU time (user + system;
the server shares the two cores, and so does anything else running). Children
run under a small runner process that reports their ``ru_maxrss`` (a child
forked straight from this process would count this process's memory).

Usage: python bench/bulk.py [--mb 1024] [--runs 3] [--small-mb 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CHILD_ENV, make_pki, median, precompile, s_server, sclient_cmd
from engine_driver import config, handshake

SUITE = "TLS_AES_128_GCM_SHA256"
READ_SIZE = 1 << 18

#: The standard-library anchor for receiving: the request, then every byte to stdout.
SSL_RECV = """\
import os, socket, ssl, sys
port, ca, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
with socket.create_connection(("127.0.0.1", port)) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(b"GET /" + path.encode() + b" HTTP/1.0\\r\\n\\r\\n")
        buf = bytearray(1 << 18)
        view = memoryview(buf)
        while n := tls.recv_into(buf):
            os.write(1, view[:n])
"""

#: The standard-library anchor for sending: stdin to the server, then close_notify.
SSL_SEND = """\
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
with socket.create_connection(("127.0.0.1", port)) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        buf = bytearray(1 << 18)
        view = memoryview(buf)
        while n := sys.stdin.buffer.readinto(buf):
            tls.sendall(view[:n])
        tls.unwrap()
"""

#: Runs a command (stderr to /dev/null) and reports its wall time, peak RSS,
#: exit status and CPU time on its own stderr.
RUNNER = """\
import os, sys, time
t0 = time.perf_counter()
null = [(os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, file_actions=null)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
code = os.waitstatus_to_exitcode(status)
print(wall, ru.ru_maxrss, code, ru.ru_utime + ru.ru_stime, file=sys.stderr)
"""


class Run:
    """One run: wall and CPU seconds, peak RSS in KiB."""

    def __init__(self, wall: float, cpu: float, rss: int = 0) -> None:
        self.wall, self.cpu, self.rss = wall, cpu, rss
        self.server = 0.0


def child(cmd: list[str], stdin: str | None, request: bytes = b"", out: str = os.devnull) -> Run:
    """``cmd`` under the runner, stdin the file ``stdin`` or a pipe given
    ``request``, stdout ``out``."""
    fin = os.open(stdin, os.O_RDONLY) if stdin is not None else subprocess.PIPE
    with open(out, "wb") as fout:
        proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, *cmd],
            stdin=fin,
            stdout=fout,
            stderr=subprocess.PIPE,
            env=CHILD_ENV,
        )
        report = proc.communicate(request if stdin is None else None)[1].decode()
    if stdin is not None:
        os.close(fin)
    wall, rss, code, cpu = report.split()
    if int(code) != 0:
        raise RuntimeError(f"{cmd[:3]} exited {code}")
    return Run(float(wall), float(cpu), int(rss))


def server_pid(port: int) -> int:
    """The ``openssl s_server`` listening on ``port``."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"s_server" in argv and str(port).encode() in argv:
                return int(entry)
    raise RuntimeError(f"no s_server on port {port}")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def engine_receive(port: int, size: int) -> Run:
    """The engine alone: handshake, request, read everything into the
    engine's buffer (no output)."""
    from sclient.tls import events

    sock, client = handshake(port, config(tls13_suites=(0x1301,), bulk_data=True))
    client.send(b"GET /big.bin HTTP/1.0\r\n\r\n")
    sock.sendall(client.data_to_send())
    got = 0
    c0, t0 = cpu_now(), time.perf_counter()
    recv_into = sock.recv_into
    get_buffer = client.get_buffer
    updated = client.buffer_updated
    closed = False
    while not closed:
        n = recv_into(get_buffer())
        if not n:
            break
        for ev in updated(n):
            if type(ev) is events.ApplicationData:
                got += len(ev.data)
            elif type(ev) is events.ConnectionClosed:
                client.close()  # answer close_notify, as s_client does
                closed = True
        out = client.data_to_send()
        if out:
            sock.sendall(out)
    run = Run(time.perf_counter() - t0, cpu_now() - c0)
    sock.close()
    if got < size:
        raise RuntimeError(f"engine received {got} of {size} bytes")
    return run


def engine_send(port: int, path: Path) -> Run:
    """The engine alone: handshake, the file in READ_SIZE pieces, close_notify,
    then wait for the server's close."""
    sock, client = handshake(port, config(tls13_suites=(0x1301,), bulk_data=True))
    buf = bytearray(READ_SIZE)
    view = memoryview(buf)
    c0, t0 = cpu_now(), time.perf_counter()
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buf):
            client.send(view[:n])
            sock.sendall(client.data_to_send())
    client.close()
    sock.sendall(client.data_to_send())
    while sock.recv(65536):
        pass
    run = Run(time.perf_counter() - t0, cpu_now() - c0)
    sock.close()
    return run


def paired(
    runs: int, jobs: dict[str, Callable[[], Run]], server: int | None = None
) -> dict[str, list[Run]]:
    """``runs`` rounds of every job in turn after a warm-up round; with the
    ``server`` pid, each run's ``server`` attribute is the server's CPU time."""
    for job in jobs.values():  # warm-up: page cache, bytecode
        job()
    results: dict[str, list[Run]] = {k: [] for k in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            before = process_cpu(server) if server else 0.0
            run = job()
            run.server = process_cpu(server) - before if server else 0.0
            results[name].append(run)
    return results


def show(title: str, size: int, res: dict[str, list[Run]], anchor: str = "ssl client") -> None:
    print(f"{title}\n  {'':26s} {'wall':>9s} {'':8s} {'CPU':>9s}")
    for name, rows in res.items():
        wall, cpu = median([r.wall for r in rows]), median([r.cpu for r in rows])
        line = f"  {name:26s} {size / wall / 1e9:5.2f} GB/s"
        ratio_wall = median([a.wall / b.wall for a, b in zip(res[anchor], rows, strict=True)])
        ratio_cpu = median([a.cpu / b.cpu for a, b in zip(res[anchor], rows, strict=True)])
        line += f" x{ratio_wall:5.2f}" if name != anchor else " " * 7
        line += f"   {size / cpu / 1e9:5.2f} GB/s"
        line += f" x{ratio_cpu:5.2f}" if name != anchor else ""
        print(line + f"   ({wall:.3f} s wall, {cpu:.3f} s CPU)")
    server = median([r.server for rows in res.values() for r in rows])
    if server:
        print(
            f"  the server used {server:.3f} s CPU a run: it cannot move more than"
            f" {size / server / 1e9:.2f} GB/s on a core of its own"
        )


def write_file(path: Path, size: int) -> None:
    chunk = os.urandom(1 << 20)
    with path.open("wb") as f:
        left = size
        while left:
            f.write(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=1024, help="MiB to move (default 1024)")
    ap.add_argument("--runs", type=int, default=3, help="paired runs (default 3)")
    ap.add_argument("--small-mb", type=int, default=1, help="the small transfer for RSS")
    args = ap.parse_args()
    size, small = args.mb << 20, args.small_mb << 20
    precompile()
    sclient = sclient_cmd()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        www = Path(tmp)
        pki = make_pki(www / "pki", "ec")
        write_file(www / "big.bin", size)
        write_file(www / "small.bin", small)
        ca = str(pki["root"])
        (www / "ssl_recv.py").write_text(SSL_RECV)
        (www / "ssl_send.py").write_text(SSL_SEND)
        check = str(www / "check.out")

        with s_server(pki, "-WWW", "-ciphersuites", SUITE, cwd=www) as port:
            connect = ["-connect", f"127.0.0.1:{port}", "-quiet", "-CAfile", ca]
            clients = {
                "ssl client": lambda name: [py, str(www / "ssl_recv.py"), str(port), ca, name],
                "sclient -quiet": lambda name: [*sclient, *connect],
            }

            def fetch(client: str, name: str, want: int, out: str = os.devnull) -> Run:
                request = f"GET /{name} HTTP/1.0\r\n\r\n".encode()
                run = child(clients[client](name), None, request, out)
                if out != os.devnull and os.path.getsize(out) < want:
                    raise RuntimeError(f"{client}: {os.path.getsize(out)} of {want} bytes")
                return run

            # Memory, and a check that every byte arrives (through a file).
            small_runs = paired(
                args.runs,
                {c: (lambda c=c: fetch(c, "small.bin", small, check)) for c in clients},
            )
            recv = paired(
                args.runs,
                {
                    **{c: (lambda c=c: fetch(c, "big.bin", size)) for c in clients},
                    "engine alone": lambda: engine_receive(port, size),
                },
                server_pid(port),
            )

        with s_server(pki, "-ciphersuites", SUITE) as port:
            big = str(www / "big.bin")
            ssl_send = [py, str(www / "ssl_send.py"), str(port), ca]
            sc_send = [*sclient, "-connect", f"127.0.0.1:{port}", "-quiet", "-no_ign_eof",
                       "-nocommands", "-CAfile", ca]  # fmt: skip
            send = paired(
                args.runs,
                {
                    "ssl client": lambda: child(ssl_send, big),
                    "sclient -quiet": lambda: child(sc_send, big),
                    "engine alone": lambda: engine_send(port, www / "big.bin"),
                },
                server_pid(port),
            )

    print(f"bulk over TLS 1.3 {SUITE}, {args.mb} MiB, median of {args.runs} paired runs")
    show("receive: openssl s_server -WWW -> the client -> stdout /dev/null", size, recv)
    show("send: stdin (the file) -> the client -> openssl s_server", size, send)
    print("peak RSS (ru_maxrss), receiving")
    peaks = {}
    for what, mb, res in (("small", args.small_mb, small_runs), ("big", args.mb, recv)):
        ours = median([r.rss for r in res["sclient -quiet"]])
        theirs = median([r.rss for r in res["ssl client"]])
        peaks[what] = ours
        print(
            f"  {mb:5d} MiB: sclient {ours / 1024:6.1f} MiB, ssl client {theirs / 1024:6.1f} MiB"
            f"   x{ours / theirs:5.2f}"
        )
    print(f"  sclient {args.mb} MiB / {args.small_mb} MiB: x{peaks['big'] / peaks['small']:5.2f}")


if __name__ == "__main__":
    main()
