"""One connection, from process start to exit: sclient beside a minimal client on
Python's standard ``ssl`` module and ``openssl s_client``.

Each configuration (TLS 1.3 ECDSA, TLS 1.3 RSA, TLS 1.2 ECDHE-RSA; chain of 2
verified against ``-CAfile``) runs the commands alternately (paired), N times
each after warm-up, and prints medians of wall and CPU time and the paired
ratios to the ``ssl`` client (the target: sclient <= 1.5x).  Then ``sclient
-help`` against ``python -c pass`` (target <= 1.2x) and against ``python -m``
of an empty module (the floor of ``python -m``), and a batch: the same
command run 200 times in a shell loop.

Usage: python bench/one_connection.py [--runs 20] [--batch 200] [--only tls13-ec]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CHILD_ENV, make_pki, median, openssl, precompile, s_server, timed_run

#: The standard-library anchor: connect, verify chain and name, handshake, close.
SSL_CLIENT = """\
import socket, ssl, sys
host, port, ca, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
if version == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
with socket.create_connection((host, port)) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        pass
"""

CONFIGS = {
    "tls13-ec": ("ec", "1.3"),
    "tls13-rsa": ("rsa", "1.3"),
    "tls12-ecdhe-rsa": ("rsa", "1.2"),
}


def sclient_command() -> list[str]:
    """The installed ``sclient`` command beside this interpreter, else ``-m``."""
    script = Path(sys.executable).parent / "sclient"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sclient"]


def paired(cmds: dict[str, list[str]], runs: int) -> dict[str, list[tuple[float, float]]]:
    for _ in range(2):
        for cmd in cmds.values():
            timed_run(cmd)
    res: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            res[name].append(timed_run(cmd))
    return res


def report(title: str, res: dict[str, list[tuple[float, float]]], anchor: str) -> None:
    print(title)
    for name, rows in res.items():
        print(
            f"  {name:16s} wall {median([w for w, _ in rows]) * 1000:7.1f} ms"
            f"   cpu {median([c for _, c in rows]) * 1000:7.1f} ms"
        )
    for name, rows in res.items():
        if name == anchor:
            continue
        pairs = list(zip(rows, res[anchor], strict=True))
        wall = median([a[0] / b[0] for a, b in pairs])
        cpu = median([a[1] / max(b[1], 1e-6) for a, b in pairs])
        print(f"  {name} / {anchor}: wall x{wall:5.2f}   cpu x{cpu:5.2f}")


def batch(cmd: list[str], count: int) -> float:
    """Seconds for ``count`` runs of ``cmd`` in a shell loop, stdin /dev/null."""
    quoted = " ".join(f"'{c}'" for c in cmd)
    script = (
        f"i=0; while [ $i -lt {count} ]; do {quoted} </dev/null >/dev/null 2>&1; i=$((i+1)); done"
    )
    t0 = time.perf_counter()
    subprocess.run(["sh", "-c", script], check=False, env=CHILD_ENV)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=200, help="runs in the shell loop (0: skip)")
    ap.add_argument("--only", choices=sorted(CONFIGS), help="one configuration")
    args = ap.parse_args()
    precompile()
    sclient = sclient_command()
    with tempfile.TemporaryDirectory() as tmp:
        client = Path(tmp) / "ssl_client.py"
        client.write_text(SSL_CLIENT)
        for name, (kind, version) in CONFIGS.items():
            if args.only and name != args.only:
                continue
            pki = make_pki(Path(tmp), kind)
            with s_server(pki) as port:
                root = str(pki["root"])
                common = ["-connect", f"127.0.0.1:{port}", "-servername", "localhost"]
                common += ["-CAfile", root, "-verify_return_error"]
                if version == "1.2":
                    common.append("-tls1_2")
                cmds = {
                    "ssl module": [
                        sys.executable,
                        str(client),
                        "127.0.0.1",
                        str(port),
                        root,
                        version,
                    ],
                    "sclient": [*sclient, *common],
                    "openssl s_client": [openssl(), "s_client", *common],
                }
                res = paired(cmds, args.runs)
                report(
                    f"one connection, {name}, {args.runs} paired runs (medians)", res, "ssl module"
                )
                if args.batch and name == "tls13-ec":
                    print(f"batch: the same command {args.batch} times in a shell loop")
                    for label, cmd in cmds.items():
                        secs = batch(cmd, args.batch)
                        print(
                            f"  {label:16s} {secs:6.2f} s   {secs / args.batch * 1000:6.1f} ms each"
                        )
        empty = Path(tmp) / "emptymod"
        empty.mkdir()
        (empty / "__init__.py").write_text("")
        (empty / "__main__.py").write_text("")
        help_cmds = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "sclient -help": [*sclient, "-help"],
            "python -m sclient -help": [sys.executable, "-m", "sclient", "-help"],
        }
        # What ``python -m`` itself costs (runpy), run on an empty module.
        help_cmds["python -m (empty)"] = [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {tmp!r}); import runpy; "
            "runpy._run_module_as_main('emptymod')",
        ]
        report(
            f"-help, {args.runs} paired runs (medians)",
            paired(help_cmds, args.runs),
            "python -c pass",
        )


if __name__ == "__main__":
    main()
