"""A private Dante SOCKS5 server (Debian's ``dante-server``, ``danted``) on
127.0.0.1, for ``-proxy socks5://``: one instance without authentication and
one with user name and password (RFC 1929).

Dante checks user names and passwords against the system's accounts; the
authenticating instance runs in a mount namespace of its own where a copy of
``/etc/passwd`` and ``/etc/shadow`` with one more account (:data:`USER`,
:data:`PASSWORD`) is mounted over the system's, so nothing on the machine
changes. Both instances pass connections to 127.0.0.0/8 only and block
:attr:`Dante.blocked_port` by rule (reply 2, "connection not allowed by
ruleset"). The system service is never used. Missing package: skip; no
root (the namespace needs it): the authenticating instance is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support.peers import HOST, free_port, wait_listening
from support.procs import Proc

DANTED = "/usr/sbin/danted"
USER = "sclientsocks"
PASSWORD = "s0cks-pass"


class Dante:
    def __init__(self, base: Path) -> None:
        if not os.path.exists(DANTED):
            pytest.skip("danted not installed: apt-get install dante-server")
        self.dir = base
        self.port = free_port()
        self.auth_port = free_port()
        self.blocked_port = free_port()
        self.procs: list[Proc] = []

    def _conf(self, tag: str, port: int, method: str) -> Path:
        conf = self.dir / f"{tag}.conf"
        conf.write_text(
            f"logoutput: {self.dir}/{tag}.log\n"
            f"internal: {HOST} port = {port}\n"
            f"external: {HOST}\n"
            f"socksmethod: {method}\n"
            "clientmethod: none\n"
            "user.privileged: root\n"
            "user.unprivileged: nobody\n"
            "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n"
            f"socks block {{ from: 0.0.0.0/0 to: 127.0.0.1/32 port = {self.blocked_port} }}\n"
            "socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }\n"
            "socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 }\n"
        )
        return conf

    def start_open(self) -> None:
        conf = self._conf("open", self.port, "none")
        self.procs.append(Proc([DANTED, "-f", str(conf), "-N", "1", "-p", str(self.dir / "o.pid")]))
        wait_listening(self.port, proc=self.procs[-1])

    def start_auth(self) -> None:
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            pytest.skip("the authenticating danted needs root and unshare (a private /etc/shadow)")
        passwd, shadow = self.dir / "passwd", self.dir / "shadow"
        hashed = subprocess.run(
            ["openssl", "passwd", "-6", PASSWORD], capture_output=True, text=True, check=True
        ).stdout.strip()
        passwd.write_text(
            Path("/etc/passwd").read_text()
            + f"{USER}:x:65533:65533::/nonexistent:/usr/sbin/nologin\n"
        )
        shadow.write_text(Path("/etc/shadow").read_text() + f"{USER}:{hashed}:19000:0:99999:7:::\n")
        shadow.chmod(0o640)
        conf = self._conf("auth", self.auth_port, "username")
        script = (
            f"mount --bind {passwd} /etc/passwd && mount --bind {shadow} /etc/shadow && "
            f"exec {DANTED} -f {conf} -N 1 -p {self.dir / 'a.pid'}"
        )
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]
        self.procs.append(Proc(cmd))
        wait_listening(self.auth_port, proc=self.procs[-1])

    def stop(self) -> None:
        for p in self.procs:
            p.kill()
