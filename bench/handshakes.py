"""Full handshakes repeated in one process against `openssl s_server`.

Reports handshakes per second and the client's CPU time per handshake
(``getrusage``: this process only, never the server's; user time, which is
the engine and Python's socket calls, and system time, the kernel's TCP work),
for TLS 1.3 and TLS 1.2. Certificate verification is not included (engine only).

Usage: python bench/handshakes.py [--count 200] [--rsa]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_pki, s_server
from engine_driver import close, config, handshake


def run(port: int, count: int, **cfg: object) -> tuple[float, float, float]:
    """(user CPU, system CPU, wall) seconds for ``count`` handshakes."""
    conf = config(**cfg)
    for _ in range(5):
        close(*handshake(port, conf))
    r0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for _ in range(count):
        close(*handshake(port, conf))
    r1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    return r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime, wall1 - wall0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--rsa", action="store_true")
    args = ap.parse_args()
    kind = "rsa" if args.rsa else "ec"
    with tempfile.TemporaryDirectory() as tmp:
        pki = make_pki(Path(tmp), kind)
        with s_server(pki) as port:
            for label, cfg in (("TLS 1.3", {}), ("TLS 1.2", {"max_version": 0x0303})):
                user, system, wall = run(port, args.count, **cfg)
                per = 1000 / args.count
                print(
                    f"{label} {kind.upper()}: {args.count / wall:7.1f} handshakes/s, "
                    f"client CPU {(user + system) * per:6.3f} ms per handshake "
                    f"(user {user * per:.3f}, system {system * per:.3f})"
                )


if __name__ == "__main__":
    main()
