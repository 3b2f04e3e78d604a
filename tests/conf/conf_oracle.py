"""The real ``openssl`` binary as the oracle for ``sclient.tls.conf``.

* :func:`ciphers` -- ``openssl ciphers -V`` (TLS 1.3 suites switched off with
  ``-ciphersuites ''``), the codes it lists or the error lines;
* :func:`s_client_conf_error` -- what ``openssl s_client`` prints for an
  SSL_CONF option value (pointed at a closed loopback port, so nothing else
  happens when the value is good);
* :func:`client_hello` -- the ClientHello ``openssl s_client`` sends with some
  options, caught by a one-shot loopback listener: cipher suites, groups and
  signature algorithms as OpenSSL really offers them.

Every helper skips the calling test (with the reason printed under ``-ra``)
when ``openssl`` is absent or is not the 3.0 series the module reproduces.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from functools import cache

import pytest

OPENSSL = shutil.which("openssl")
#: The release the hard-coded source line numbers come from.
EXACT_VERSION = "OpenSSL 3.0.19"

_TID = re.compile(r"^[0-9A-F]+:error:")
_SRCLINE = re.compile(r"(\.\./[a-z0-9_/]+\.c):\d+:")


@cache
def version() -> str | None:
    if OPENSSL is None:
        return None
    out = subprocess.run([OPENSSL, "version"], capture_output=True, text=True, timeout=10)
    return out.stdout.strip()


def require_openssl() -> str:
    """The binary, or skip: absent, or not OpenSSL 3.0.x."""
    v = version()
    if OPENSSL is None or v is None:
        pytest.skip("openssl binary not found: differential test against OpenSSL skipped")
    if not v.startswith("OpenSSL 3.0."):
        pytest.skip(f"oracle is {v!r}, not OpenSSL 3.0.x: differential test skipped")
    return OPENSSL


def exact_oracle() -> bool:
    """Whether source line numbers can be compared too (the oracle is 3.0.19 itself)."""
    v = version()
    return v is not None and v.startswith(EXACT_VERSION + " ")


def mask_tid(line: str) -> str:
    return _TID.sub("{tid}:error:", line)


def mask_srcline(line: str) -> str:
    return _SRCLINE.sub(r"\1:NNN:", line)


def _codes(stdout: str) -> tuple[int, ...]:
    out = []
    for line in stdout.splitlines():
        hi, lo = line.split()[0].split(",")
        out.append(int(hi, 16) << 8 | int(lo, 16))
    return tuple(out)


def ciphers(spec: str, *flags: str) -> tuple[int, ...] | list[str]:
    """``openssl ciphers [flags] -ciphersuites '' -V -- spec``: the suite codes,
    or (on failure) the error-queue lines with the thread id masked."""
    exe = require_openssl()
    p = subprocess.run(
        [exe, "ciphers", *flags, "-ciphersuites", "", "-V", "--", spec],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if p.returncode != 0:
        return [mask_tid(x) for x in p.stderr.splitlines() if ":error:" in x]
    return _codes(p.stdout)


def s_client_conf_error(*args: str) -> list[str]:
    """The ``Call to SSL_CONF_cmd`` line and error queue s_client prints for
    ``args``; [] when the options were accepted (the connect then fails)."""
    exe = require_openssl()
    p = subprocess.run(
        [exe, "s_client", *args, "-connect", "127.0.0.1:1"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    lines = p.stderr.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Call to SSL_CONF_cmd("):
            return [line, *(mask_tid(x) for x in lines[i + 1 :] if ":error:" in x)]
    return []


@dataclass
class Hello:
    suites: tuple[int, ...]
    groups: tuple[int, ...] | None
    sigalgs: tuple[int, ...] | None


def _u16s(b: bytes) -> tuple[int, ...]:
    return tuple(int.from_bytes(b[i : i + 2], "big") for i in range(0, len(b), 2))


def _parse_hello(record: bytes) -> Hello:
    assert record[0] == 22 and record[5] == 1, record[:8].hex()
    body = record[9:]
    pos = 2 + 32
    pos += 1 + body[pos]
    n = int.from_bytes(body[pos : pos + 2], "big")
    suites = _u16s(body[pos + 2 : pos + 2 + n])
    pos += 2 + n
    pos += 1 + body[pos]
    end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
    pos += 2
    exts: dict[int, bytes] = {}
    while pos < end:
        etype = int.from_bytes(body[pos : pos + 2], "big")
        elen = int.from_bytes(body[pos + 2 : pos + 4], "big")
        exts[etype] = body[pos + 4 : pos + 4 + elen]
        pos += 4 + elen
    groups = _u16s(exts[10][2:]) if 10 in exts else None
    sigalgs = _u16s(exts[13][2:]) if 13 in exts else None
    return Hello(suites, groups, sigalgs)


def client_hello(*args: str) -> Hello:
    """The first ClientHello ``openssl s_client args`` sends to a loopback listener."""
    exe = require_openssl()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(20)
    got: dict[str, bytes] = {}

    def accept() -> None:
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(20)
            data = b""
            while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            got["record"] = data

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        p = subprocess.run(
            [exe, "s_client", *args, "-connect", f"127.0.0.1:{srv.getsockname()[1]}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        t.join(25)
        srv.close()
    record = got.get("record", b"")
    if not record or record[0] != 22:
        raise AssertionError(f"no ClientHello from openssl s_client {args}: {p.stderr[-500:]}")
    return _parse_hello(record)
