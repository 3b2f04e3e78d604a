"""tlslite-ng's server (``support/tlslite_server.py``, run as a child process)
as a test peer: a third TLS implementation for SSL 3.0, certificate
compression, GREASE and SRP's neighbours."""

from __future__ import annotations

import sys
from pathlib import Path

from support.peers import free_port, server_line
from support.procs import Proc, _env

SERVER = Path(__file__).resolve().parent / "tlslite_server.py"


class TlsliteServer:
    """One tlslite-ng server on a free loopback port (``extra``: the script's
    options); ``start``/``stop`` or a ``with`` block."""

    def __init__(self, cert: Path, key: Path, *extra: str) -> None:
        self.cmd = [sys.executable, str(SERVER), "", str(cert), str(key), *extra]
        self.port = 0
        self.proc: Proc | None = None

    def start(self) -> TlsliteServer:
        for _ in range(3):
            self.port = free_port()
            self.cmd[2] = str(self.port)
            self.proc = Proc(self.cmd, env=_env())
            if self.proc.wait_stdout(b"READY\n", 20):
                return self
            self.proc.kill()
        raise AssertionError("the tlslite-ng server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()

    def __enter__(self) -> TlsliteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def log(self) -> bytes:
        assert self.proc is not None
        return self.proc.out.data

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        assert self.proc is not None
        return self.proc.out.wait_for(f"LINE hello-from-client-{token}\n".encode(), timeout)

    def reply(self, token: str) -> bytes:
        return server_line(token)  # the server answers by itself
