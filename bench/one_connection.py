"""One connection, from process start to exit: sclient vs openssl s_client.

Runs the three commands alternately (paired), N times each after warm-up, and
prints medians of wall and CPU time and the paired ratios:

    sclient / openssl s_client
    sclient / python3 -c 'import cryptography.x509'   (the Python floor)

Usage: python bench/one_connection.py [--runs 20] [--tls1_2] [--rsa]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_pki, median, openssl, precompile, s_server, sclient_cmd, timed_run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--tls1_2", action="store_true")
    ap.add_argument("--rsa", action="store_true")
    args = ap.parse_args()
    kind = "rsa" if args.rsa else "ec"
    precompile()
    with tempfile.TemporaryDirectory() as tmp:
        pki = make_pki(Path(tmp), kind)
        with s_server(pki) as port:
            common = [
                "-connect",
                f"127.0.0.1:{port}",
                "-servername",
                "localhost",
                "-CAfile",
                str(pki["root"]),
                "-verify_return_error",
            ]
            if args.tls1_2:
                common.append("-tls1_2")
            cmds = {
                "openssl": [openssl(), "s_client", *common],
                "sclient": [*sclient_cmd(), *common],
                "import": [sys.executable, "-c", "import cryptography.x509"],
            }
            for _ in range(2):
                for cmd in cmds.values():
                    timed_run(cmd)
            res: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
            for _ in range(args.runs):
                for name, cmd in cmds.items():
                    res[name].append(timed_run(cmd))
    print(
        f"one connection, TLS {'1.2' if args.tls1_2 else '1.3'} {kind.upper()}, "
        f"{args.runs} paired runs (medians)"
    )
    for name, rows in res.items():
        print(
            f"  {name:8s} wall {median([w for w, _ in rows]) * 1000:7.1f} ms"
            f"   cpu {median([c for _, c in rows]) * 1000:7.1f} ms"
        )
    for other in ("openssl", "import"):
        wall = median([a[0] / b[0] for a, b in zip(res["sclient"], res[other], strict=True)])
        cpu = median(
            [a[1] / max(b[1], 1e-6) for a, b in zip(res["sclient"], res[other], strict=True)]
        )
        print(f"  sclient / {other:8s} wall x{wall:5.2f}   cpu x{cpu:5.2f}")


if __name__ == "__main__":
    main()
