"""One connection in instructions: ``valgrind --tool=callgrind``'s Ir count of a
whole run, sclient beside the minimal client on Python's ``ssl`` module.

Instruction counts do not move with the machine's load (two runs agree to
about 0.1%), so they show a start-up change that wall and CPU times, on a
shared machine, bury in noise.  For each configuration of
``one_connection.py`` (TLS 1.3 ECDSA, TLS 1.3 RSA, TLS 1.2 ECDHE-RSA; chain of
2 verified against ``-CAfile``) it prints both counts and their ratio, then
``sclient -help`` beside ``python -c pass``.  Kernel work (the system calls
themselves) is not counted.  Needs valgrind (apt-get install valgrind); without
it, says so and does nothing.

Usage: python bench/instructions.py [--only tls13-ec]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CHILD_ENV, make_pki, precompile, s_server
from one_connection import CONFIGS, SSL_CLIENT, sclient_command


def instructions(cmd: list[str]) -> int:
    """Ir of ``cmd`` (its own process, not its children), stdin /dev/null."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        r = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=CHILD_ENV,
            check=False,
        )
    found = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode != 0 or not found:
        sys.exit(f"bench: {' '.join(cmd)} failed under valgrind:\n{r.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(CONFIGS), help="one configuration")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        print("instructions: skipped, valgrind is not installed (apt-get install valgrind)")
        return
    precompile()
    sclient = sclient_command()
    names = [args.only] if args.only else list(CONFIGS)
    print("instructions (callgrind Ir) of one run, sclient / the ssl client")
    with tempfile.TemporaryDirectory() as tmp:
        client = Path(tmp) / "ssl_client.py"
        client.write_text(SSL_CLIENT)
        for name in names:
            kind, version = CONFIGS[name]
            pki = make_pki(Path(tmp) / kind, kind)
            with s_server(pki) as port:
                flag = "-tls1_3" if version == "1.3" else "-tls1_2"
                mine = instructions(
                    [
                        *sclient,
                        "-connect",
                        f"127.0.0.1:{port}",
                        "-servername",
                        "localhost",
                        "-CAfile",
                        str(pki["root"]),
                        "-verify_return_error",
                        flag,
                    ]
                )
                theirs = instructions(
                    [sys.executable, str(client), "127.0.0.1", str(port), str(pki["root"]), version]
                )
            print(
                f"  {name:16s} sclient {mine / 1e6:7.1f} M   ssl client {theirs / 1e6:7.1f} M"
                f"   x{mine / theirs:.2f}"
            )
    helps = instructions([*sclient, "-help"])
    bare = instructions([sys.executable, "-c", "pass"])
    print(
        f"  {'-help':16s} sclient {helps / 1e6:7.1f} M   python -c pass {bare / 1e6:7.1f} M   x{helps / bare:.2f}"
    )


if __name__ == "__main__":
    main()
