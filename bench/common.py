"""Shared set-up for the benchmarks: a test PKI, `openssl s_server` peers, timing helpers.

Everything runs on loopback. Servers are started with `-quiet` and a stdin that
never becomes readable, so they serve until killed.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def openssl() -> str:
    path = shutil.which("openssl")
    if not path:
        sys.exit("bench: openssl is not installed (apt-get install openssl)")
    return path


def make_pki(directory: Path, kind: str = "ec") -> dict[str, Path]:
    """Root -> intermediate -> leaf (localhost); returns the file paths."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "root": directory / f"{kind}-root.pem",
        "leaf": directory / f"{kind}-leaf.pem",
        "key": directory / f"{kind}-leaf.key",
        "chain": directory / f"{kind}-int.pem",
    }
    if all(p.exists() for p in files.values()):
        return files
    keygen = (
        ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        if kind == "ec"
        else ["-newkey", "rsa:2048"]
    )
    ca_ext = directory / "ca.ext"
    ca_ext.write_text(
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    leaf_ext = directory / "leaf.ext"
    leaf_ext.write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    d = str(directory)
    run = lambda *a: subprocess.run([openssl(), *a], cwd=d, check=True, capture_output=True)  # noqa: E731
    run(
        "req",
        "-x509",
        *keygen,
        "-nodes",
        "-keyout",
        f"{kind}-root.key",
        "-out",
        f"{kind}-root.pem",
        "-days",
        "3650",
        "-subj",
        f"/CN=Bench {kind} Root CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    run(
        "req",
        *keygen,
        "-nodes",
        "-keyout",
        f"{kind}-int.key",
        "-out",
        f"{kind}-int.csr",
        "-subj",
        f"/CN=Bench {kind} Intermediate CA",
    )
    run(
        "x509",
        "-req",
        "-in",
        f"{kind}-int.csr",
        "-CA",
        f"{kind}-root.pem",
        "-CAkey",
        f"{kind}-root.key",
        "-CAcreateserial",
        "-out",
        f"{kind}-int.pem",
        "-days",
        "3650",
        "-sha256",
        "-extfile",
        "ca.ext",
    )
    run(
        "req",
        *keygen,
        "-nodes",
        "-keyout",
        f"{kind}-leaf.key",
        "-out",
        f"{kind}-leaf.csr",
        "-subj",
        "/CN=localhost",
    )
    run(
        "x509",
        "-req",
        "-in",
        f"{kind}-leaf.csr",
        "-CA",
        f"{kind}-int.pem",
        "-CAkey",
        f"{kind}-int.key",
        "-CAcreateserial",
        "-out",
        f"{kind}-leaf.pem",
        "-days",
        "3650",
        "-sha256",
        "-extfile",
        "leaf.ext",
    )
    return files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise RuntimeError(f"server on port {port} did not start")


@contextlib.contextmanager
def s_server(pki: dict[str, Path], *extra: str, cwd: Path | None = None) -> Iterator[int]:
    """`openssl s_server` serving forever on a free port; yields the port."""
    port = free_port()
    fifo_dir = tempfile.mkdtemp()
    fifo = os.path.join(fifo_dir, "stdin")
    os.mkfifo(fifo)
    stdin_fd = os.open(fifo, os.O_RDWR)
    proc = subprocess.Popen(
        [
            openssl(),
            "s_server",
            "-accept",
            str(port),
            "-cert",
            str(pki["leaf"]),
            "-key",
            str(pki["key"]),
            "-cert_chain",
            str(pki["chain"]),
            "-quiet",
            *extra,
        ],
        stdin=stdin_fd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(cwd) if cwd else None,
    )
    try:
        wait_port(port)
        yield port
    finally:
        proc.kill()
        proc.wait()
        os.close(stdin_fd)
        shutil.rmtree(fifo_dir, ignore_errors=True)


#: Children run as a user's would: with bytecode caching on (some CI shells
#: export PYTHONDONTWRITEBYTECODE, which makes every start recompile sclient).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def precompile() -> None:
    """Write sclient's bytecode once, as ``pip install`` does."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src")],
        env=CHILD_ENV,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def timed_run(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd`` with stdin /dev/null; return (wall, cpu) seconds of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=CHILD_ENV,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median(values: list[float]) -> float:
    return statistics.median(values)


def sclient_cmd() -> list[str]:
    """sclient through the interpreter binary itself (not a shim) and its module entry."""
    return [sys.executable, "-m", "sclient"]
