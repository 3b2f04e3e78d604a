"""Shared helpers for the program-layer tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAKE_MAIN = str(ROOT / "tests" / "app" / "fake_main.py")
TID = re.compile(rb"^[0-9A-F]{16}:error:", re.M)


def real_engine_available() -> bool:
    try:
        import sclient.tls.client  # noqa: F401
    except ImportError:
        return False
    return True


def client_cmd(engine: str) -> list[str]:
    if engine == "fake":
        return [sys.executable, FAKE_MAIN]
    return [sys.executable, "-m", "sclient"]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + e.get("PYTHONPATH", "")
    return e


def run(
    cmd: Sequence[str], stdin: bytes = b"", timeout: float = 30
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(list(cmd), input=stdin, capture_output=True, timeout=timeout, env=env())


def mask_tid(data: bytes) -> bytes:
    return TID.sub(b"TID:error:", data)


def openssl() -> str | None:
    return shutil.which("openssl")


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


class ScriptedServer:
    """A plain TCP server: records what the client sent, answers ``reply`` once,
    then optionally closes. One connection."""

    def __init__(
        self, reply: bytes = b"", close: bool = True, wait_for: bytes | None = b"\r\n\r\n"
    ) -> None:
        self.reply = reply
        self.close = close
        self.wait_for = wait_for
        self.received = b""
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = int(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(20)
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(10)
        try:
            while self.wait_for is not None and self.wait_for not in self.received:
                d = c.recv(4096)
                if not d:
                    break
                self.received += d
            if self.reply:
                c.sendall(self.reply)
            if not self.close:
                while True:
                    d = c.recv(4096)
                    if not d:
                        break
                    self.received += d
        except OSError:
            pass
        finally:
            c.close()
            self.sock.close()

    def join(self) -> None:
        self.thread.join(20)
