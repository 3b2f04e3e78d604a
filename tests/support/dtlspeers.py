"""DTLS peers on loopback UDP: ``openssl s_server -dtls…`` and a relay that
loses, reorders and repeats datagrams between a client and a server."""

from __future__ import annotations

import os
import random
import select
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from support.peers import HOST, GnuTLSServer, OpenSSLServer
from support.pki import Chain
from support.procs import Proc

__all__ = ["DtlsServer", "GnuTLSDtlsServer", "UdpRelay", "udp_bound"]


def udp_bound(port: int) -> bool:
    """Some process has a UDP socket bound to 127.0.0.1:``port``."""
    want = f"0100007F:{port:04X}"
    try:
        with open("/proc/net/udp") as f:
            return any(line.split()[1] == want for line in f.readlines()[1:])
    except OSError:
        return False


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class DtlsServer(OpenSSLServer):
    """``openssl s_server`` on UDP (``args`` name the DTLS version)."""

    def __init__(self, chain: Chain | None, args: Sequence[str] = (), **kw: object) -> None:
        super().__init__(chain, args, **kw)  # type: ignore[arg-type]
        self.port = free_udp_port()
        self.cmd[3] = f"{HOST}:{self.port}"

    def start(self) -> DtlsServer:
        self.proc = Proc(self.cmd)
        deadline = time.monotonic() + 15
        while not udp_bound(self.port):
            if not self.proc.running() or time.monotonic() > deadline:
                raise RuntimeError(f"s_server did not bind UDP {self.port}: {self.cmd}")
            time.sleep(0.05)
        return self


class UdpRelay:
    """Forwards datagrams between one client and ``server_port``; ``mangle``
    decides what each datagram becomes (a list: none, one, several), given
    its direction ("c2s" or "s2c") and its index in that direction."""

    def __init__(
        self,
        server_port: int,
        mangle: Callable[[str, int, bytes], list[bytes]] | None = None,
        seed: int = 1,
    ) -> None:
        self.server = (HOST, server_port)
        self.mangle = mangle or (lambda d, i, b: [b])
        self.rng = random.Random(seed)
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind((HOST, 0))
        self.port = int(self.front.getsockname()[1])
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.connect(self.server)
        self.client: tuple[str, int] | None = None
        self.counts = {"c2s": 0, "s2c": 0}
        self.log: list[tuple[str, int]] = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> UdpRelay:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join(2)
        self.front.close()
        self.back.close()

    def _run(self) -> None:
        while not self._stop:
            r, _, _ = select.select([self.front, self.back], [], [], 0.05)
            for s in r:
                try:
                    data, addr = s.recvfrom(1 << 16)
                except OSError:
                    continue
                if s is self.front:
                    self.client = addr
                    direction = "c2s"
                else:
                    direction = "s2c"
                i = self.counts[direction]
                self.counts[direction] += 1
                self.log.append((direction, len(data)))
                for out in self.mangle(direction, i, data):
                    try:
                        if direction == "c2s":
                            self.back.send(out)
                        elif self.client is not None:
                            self.front.sendto(out, self.client)
                    except OSError:
                        pass


class GnuTLSDtlsServer(GnuTLSServer):
    """``gnutls-serv --udp --echo`` (DTLS; it echoes what the client sends)."""

    def __init__(self, chain: Chain, args: Sequence[str] = (), **kw: Any) -> None:
        super().__init__(chain, ["--udp", *args], **kw)
        self.port = free_udp_port()

    def start(self) -> GnuTLSDtlsServer:
        env = dict(os.environ)
        env["LD_PRELOAD"] = str(self.shim)
        self.proc = Proc(self._cmd(), env=env)
        deadline = time.monotonic() + 15
        while not udp_bound(self.port):
            if not self.proc.running() or time.monotonic() > deadline:
                raise RuntimeError(f"gnutls-serv did not bind UDP {self.port}")
            time.sleep(0.05)
        return self
