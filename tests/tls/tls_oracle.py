"""Run the real ``openssl s_client`` against a scripted server and report what
it did: the error-queue line(s), the alert it sent, and its -state lines."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tls_fakeserver import serve_socket
from tls_peers import OPENSSL


@dataclass
class Verdict:
    errors: list[str]  # "function:reason" of each error-queue line
    alerts: list[bytes]  # alert bodies the server received
    output: str

    @property
    def reason(self) -> str:
        return self.errors[0].split(":", 1)[1] if self.errors else ""

    @property
    def alert(self) -> int | None:
        fatal = [a for a in self.alerts if a[0] == 2]
        return fatal[0][1] if fatal else None


_ERR = re.compile(r"error:[0-9A-F]{8}:SSL routines:([^:]*):([^:]*):")


def openssl_verdict(factory: Callable[[], Any], *args: str) -> Verdict:
    assert OPENSSL is not None
    port, thread, log = serve_socket(factory)
    p = subprocess.run(
        [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", *args],
        input=b"",
        capture_output=True,
        timeout=20,
    )
    thread.join(10)
    out = (p.stdout + p.stderr).decode(errors="replace")
    errors = [f"{m.group(1)}:{m.group(2)}" for m in _ERR.finditer(out)]
    srv = log[0] if log else None
    return Verdict(errors, list(srv.alerts) if srv else [], out)
