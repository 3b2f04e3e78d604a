"""200 local TLS servers checked at once: `sclient -targets` beside Python's
`ssl` with asyncio, `ssl` with a selectors loop, and `xargs -P` running
`openssl s_client`.

One Python `ssl` server process listens on N loopback ports
(tests/support/fleetserver.py, ECDSA P-256 leaf under a test root). Each
client, started as a process, makes one connection per port, completes the
handshake, verifies the chain and the host (127.0.0.1) against the root and
takes the certificate's facts (protocol, suite, days to expiry). The figure
is the wall time from process start to exit, median of --runs runs (CPU:
user + system of the child), in rotation so that the machine's load (shared
with others) falls on each alike.

    .venv/bin/python bench/fleet.py [--targets 200] [--runs 7] [--parallel 16]
                                    [--instructions]

``--instructions`` also counts, once each, the instructions of the Python
clients' processes (``valgrind --tool=callgrind``, Ir: kernel work not
counted), which do not move with the machine's load as walls do.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CHILD_ENV, precompile

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVER = ROOT / "tests" / "support" / "fleetserver.py"

#: The standard library's asyncio client: the same checks, the same facts.
ASYNCIO_CLIENT = r"""
import asyncio, datetime as dt, json, ssl, sys
ports, root, parallel = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.create_default_context(cafile=root)
async def one(port, sem):
    async with sem:
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1")
        except (OSError, ssl.SSLError) as exc:
            return {"port": port, "error": str(exc)}
        s = w.get_extra_info("ssl_object")
        cert = s.getpeercert()
        end = dt.datetime.strptime(cert["notAfter"], "%b %d %H:%M:%S %Y %Z")
        doc = {"port": port, "protocol": s.version(), "cipher": s.cipher()[0],
               "days": (end - dt.datetime.utcnow()).days, "verify": "OK"}
        w.close()
        try:
            await w.wait_closed()
        except (OSError, ssl.SSLError):
            pass
        return doc
async def main():
    sem = asyncio.Semaphore(parallel)
    for doc in await asyncio.gather(*(one(p, sem) for p in ports)):
        sys.stdout.write(json.dumps(doc) + "\n")
asyncio.run(main())
"""

#: The same with a selectors loop over non-blocking ssl sockets (the loop
#: sclient's fleet uses), to weigh the loop itself against asyncio's.
SELECTORS_CLIENT = r"""
import datetime as dt, json, selectors, socket, ssl, sys
ports, root, parallel = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.create_default_context(cafile=root)
sel = selectors.DefaultSelector()
todo, active, out = list(ports), 0, []
def start():
    global active
    port = todo.pop(0)
    s = socket.socket(); s.setblocking(False); s.connect_ex(("127.0.0.1", port))
    t = ctx.wrap_socket(s, server_hostname="127.0.0.1", do_handshake_on_connect=False)
    sel.register(t, selectors.EVENT_WRITE, port); active += 1
while todo or active:
    while todo and active < parallel:
        start()
    for key, _ in sel.select():
        t, port = key.fileobj, key.data
        try:
            t.do_handshake()
        except ssl.SSLWantReadError:
            sel.modify(t, selectors.EVENT_READ, port); continue
        except ssl.SSLWantWriteError:
            sel.modify(t, selectors.EVENT_WRITE, port); continue
        except (OSError, ssl.SSLError) as exc:
            out.append({"port": port, "error": str(exc)})
        else:
            cert = t.getpeercert()
            end = dt.datetime.strptime(cert["notAfter"], "%b %d %H:%M:%S %Y %Z")
            out.append({"port": port, "protocol": t.version(), "cipher": t.cipher()[0],
                        "days": (end - dt.datetime.utcnow()).days, "verify": "OK"})
        sel.unregister(t); t.close(); active -= 1
sys.stdout.write("".join(json.dumps(d) + "\n" for d in out))
"""


def timed(cmd: list[str] | str, shell: bool = False) -> tuple[float, float, str]:
    """(wall s, child CPU s, stdout) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(
        cmd, shell=shell, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=CHILD_ENV
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", type=int, default=200)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--parallel", type=int, default=16)
    ap.add_argument(
        "--instructions", action="store_true", help="callgrind Ir of each Python client"
    )
    args = ap.parse_args()
    env_python = sys.executable
    precompile()
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        server = subprocess.Popen(
            [env_python, str(SERVER), str(d / "pki"), f"good={args.targets}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        ports, root = info["good"], info["root"]
        targets = d / "targets.txt"
        targets.write_text("".join(f"127.0.0.1:{p}\n" for p in ports))
        (d / "ports.txt").write_text("".join(f"{p}\n" for p in ports))
        sclient = [env_python, "-m", "sclient"]
        par = str(args.parallel)
        cases: dict[str, tuple[list[str] | str, bool, int]] = {
            f"sclient -targets (-parallel {par})": (
                [*sclient, "-targets", str(targets), "-CAfile", root, "-parallel", par],
                False,
                200,
            ),
            "sclient -targets -parallel 64": (
                [*sclient, "-targets", str(targets), "-CAfile", root, "-parallel", "64"],
                False,
                200,
            ),
            "sclient -targets -brief": (
                [*sclient, "-targets", str(targets), "-CAfile", root, "-parallel", par, "-brief"],
                False,
                201,
            ),
            f"ssl + asyncio (semaphore {par})": (
                [env_python, "-c", ASYNCIO_CLIENT, json.dumps(ports), root, par],
                False,
                200,
            ),
            f"ssl + selectors ({par} in flight)": (
                [env_python, "-c", SELECTORS_CLIENT, json.dumps(ports), root, par],
                False,
                200,
            ),
            f"xargs -P {par} openssl s_client": (
                f"xargs -P {par} -I@ sh -c 'openssl s_client -connect 127.0.0.1:@ -CAfile {root} "
                f"-verify_ip 127.0.0.1 -verify_return_error -brief </dev/null 2>&1 | "
                f'grep -c "^Verification: OK"\' < {d / "ports.txt"}',
                True,
                200,
            ),
        }
        results: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
        try:
            for name, (cmd, shell, lines) in cases.items():  # warm-up, and a check
                _, _, out = timed(cmd, shell)
                got = len(out.splitlines())
                if got != lines:
                    sys.exit(f"bench: {name}: {got} lines of output, expected {lines}")
            for _ in range(args.runs):
                for name, (cmd, shell, _lines) in cases.items():
                    wall, cpu, _ = timed(cmd, shell)
                    results[name].append((wall, cpu))
            if args.instructions:
                from instructions import instructions

                for name, (cmd, _shell, _lines) in cases.items():
                    if isinstance(cmd, list):  # not the shell pipeline
                        counts[name] = instructions(cmd)
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(10)
    print(f"{args.targets} targets, {args.runs} runs, loadavg {os.getloadavg()[0]:.1f}")
    print(f"{'client':40} {'wall median':>12} {'min':>8} {'CPU median':>11}")
    for name, rows in results.items():
        walls = [w for w, _ in rows]
        cpus = [c for _, c in rows]
        print(
            f"{name:40} {statistics.median(walls):11.3f}s {min(walls):7.3f}s "
            f"{statistics.median(cpus):10.3f}s"
            + (f"  {counts[name] / 1e9:6.3f} G instructions" if name in counts else "")
        )


if __name__ == "__main__":
    main()
