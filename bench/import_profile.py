"""Where one connection's start-up goes: ``python -X importtime`` over N runs.

Runs one verified TLS 1.3 connection (ECDSA chain of 2) under ``-X importtime``
N times and keeps each module's smallest self time (the least disturbed run),
then prints the total by origin (the interpreter's own start, the standard
library, cryptography, sclient), the number of modules of each, and the
heaviest modules.

Usage: python bench/import_profile.py [--runs 7] [--top 25] [-- extra sclient options]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CHILD_ENV, make_pki, precompile, s_server

#: Imported by the interpreter before any code of the command runs.
STARTUP = ("encodings", "codecs", "io", "abc", "site", "os", "stat", "posixpath", "genericpath")


def origin(module: str) -> str:
    top = module.split(".")[0]
    if top in ("sclient", "cryptography"):
        return top
    if top.lstrip("_") in STARTUP or top.startswith(("_frozen", "zipimport", "_distutils")):
        return "interpreter start"
    return "standard library"


def profile(cmd: list[str], runs: int) -> dict[str, int]:
    best: dict[str, int] = {}
    for _ in range(runs):
        r = subprocess.run(
            [sys.executable, "-X", "importtime", *cmd],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=CHILD_ENV,
            check=False,
        )
        for line in r.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _cum, name = line[len("import time:") :].split("|")
            module = name.strip()
            best[module] = min(best.get(module, 1 << 60), int(self_us))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("extra", nargs="*", help="more sclient options")
    args = ap.parse_args()
    precompile()
    with tempfile.TemporaryDirectory() as tmp:
        pki = make_pki(Path(tmp), "ec")
        with s_server(pki) as port:
            cmd = ["-m", "sclient", "-connect", f"127.0.0.1:{port}", "-servername", "localhost"]
            cmd += ["-CAfile", str(pki["root"]), "-verify_return_error", *args.extra]
            best = profile(cmd, args.runs)
    groups: dict[str, list[int]] = {}
    for module, us in best.items():
        groups.setdefault(origin(module), []).append(us)
    print(f"import profile of one connection, smallest self time of {args.runs} runs")
    for name in ("interpreter start", "standard library", "cryptography", "sclient"):
        times = groups.get(name, [])
        print(f"  {name:18s} {sum(times) / 1000:6.1f} ms in {len(times):3d} modules")
    print(f"  {'all':18s} {sum(best.values()) / 1000:6.1f} ms in {len(best):3d} modules")
    print(f"heaviest {args.top}:")
    for module, us in sorted(best.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {us / 1000:6.2f} ms  {module}")


if __name__ == "__main__":
    main()
