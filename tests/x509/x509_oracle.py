"""The real ``openssl`` as an oracle: s_server + s_client on loopback, x509 -subject.

Every process started here has a timeout and is killed on the way out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

OPENSSL = shutil.which("openssl")
TIMEOUT = 20.0

_VERIFY_LINE = re.compile(
    r"^(depth=.*|verify error:.*|verify return:.*|issuer= .*|notBefore=.*|notAfter=.*)$"
)


def available() -> bool:
    if OPENSSL is None:
        return False
    out = subprocess.run([OPENSSL, "version"], capture_output=True, text=True, timeout=10).stdout
    return out.startswith("OpenSSL 3.0.")


@dataclass
class ClientRun:
    stdout: str
    stderr: str
    returncode: int

    @property
    def verify_lines(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if _VERIFY_LINE.match(ln)]

    @property
    def verify_code(self) -> tuple[int, str] | None:
        m = re.search(r"^\s*Verify return code: (\d+) \((.*)\)$", self.stdout, re.M)
        return (int(m.group(1)), m.group(2)) if m else None

    @property
    def verification(self) -> str | None:
        m = re.search(r"^(Verification: OK|Verification error: .*)$", self.stdout, re.M)
        return m.group(1) if m else None


def s_client_against(
    leaf_pem: bytes,
    leaf_key_pem: bytes,
    extra_chain_pem: bytes,
    *,
    cafile_pem: bytes | None = None,
    capath: Path | None = None,
    client_args: Sequence[str] = (),
    server_args: Sequence[str] = ("-tls1_3",),
) -> ClientRun:
    """Serve leaf (+ extra chain) with s_server; connect with s_client; return its output."""
    assert OPENSSL is not None
    with tempfile.TemporaryDirectory(prefix="x509oracle") as td:
        d = Path(td)
        (d / "leaf.pem").write_bytes(leaf_pem)
        (d / "leaf.key").write_bytes(leaf_key_pem)
        srv = [
            OPENSSL,
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-naccept",
            "1",
            "-cert",
            str(d / "leaf.pem"),
            "-key",
            str(d / "leaf.key"),
            "-cipher",
            "ALL@SECLEVEL=0",
            *server_args,
        ]
        if extra_chain_pem:
            (d / "extra.pem").write_bytes(extra_chain_pem)
            srv += ["-cert_chain", str(d / "extra.pem")]
        cli = [OPENSSL, "s_client"]
        if cafile_pem is not None:
            (d / "ca.pem").write_bytes(cafile_pem)
            cli += ["-CAfile", str(d / "ca.pem")]
        if capath is not None:
            cli += ["-CApath", str(capath)]
        if cafile_pem is None and capath is None:
            cli += ["-no-CAfile", "-no-CApath", "-no-CAstore"]
        server = subprocess.Popen(
            srv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            assert server.stdout is not None
            port = None
            for raw in server.stdout:
                m = re.match(rb"ACCEPT 127\.0\.0\.1:(\d+)", raw)
                if m:
                    port = int(m.group(1))
                    break
            if port is None:
                server.wait(5)
                raise RuntimeError("s_server did not start")
            cli += ["-connect", f"127.0.0.1:{port}", *client_args]
            r = subprocess.run(cli, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
            return ClientRun(r.stdout.decode("latin-1"), r.stderr.decode("latin-1"), r.returncode)
        finally:
            if server.poll() is None:
                server.kill()
            server.wait(5)
            for stream in (server.stdin, server.stdout):
                if stream is not None:
                    stream.close()


def x509_subject(pem: bytes, nameopt: str = "oneline", *, issuer: bool = False) -> bytes:
    """``openssl x509 -noout -subject -nameopt <nameopt>`` → raw value after ``subject=``."""
    assert OPENSSL is not None
    what = "-issuer" if issuer else "-subject"
    r = subprocess.run(
        [OPENSSL, "x509", "-noout", what, "-nameopt", nameopt],
        input=pem,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    out = r.stdout
    prefix = b"issuer=" if issuer else b"subject="
    assert out.startswith(prefix), out
    assert out.endswith(b"\n")
    return out[len(prefix) : -1]


def x509_hash(pem: bytes, *, old: bool = False) -> str:
    assert OPENSSL is not None
    r = subprocess.run(
        [OPENSSL, "x509", "-noout", "-subject_hash_old" if old else "-subject_hash"],
        input=pem,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    return r.stdout.decode().strip()


def rehash(directory: Path) -> None:
    assert OPENSSL is not None
    subprocess.run(
        [OPENSSL, "rehash", str(directory)], capture_output=True, timeout=TIMEOUT, check=True
    )


def x509_subject_fails(pem: bytes) -> bool:
    """True when ``openssl x509`` cannot load the certificate."""
    assert OPENSSL is not None
    r = subprocess.run(
        [OPENSSL, "x509", "-noout", "-subject"], input=pem, capture_output=True, timeout=TIMEOUT
    )
    return r.returncode != 0
