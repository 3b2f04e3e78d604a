"""A minimal blocking driver for the sans-I/O engine, used by the in-process benchmarks."""

from __future__ import annotations

import os
import socket
import time

from sclient.tls import events
from sclient.tls.client import Client
from sclient.tls.config import ClientConfig


def config(**overrides: object) -> ClientConfig:
    return ClientConfig(random=os.urandom, now=time.time, **overrides)  # type: ignore[arg-type]


def handshake(port: int, cfg: ClientConfig) -> tuple[socket.socket, Client]:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client = Client(cfg)
    client.start()
    sock.sendall(client.data_to_send())
    while not client.handshake_complete:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("server closed during the handshake")
        for ev in client.receive(data):
            if isinstance(ev, events.ConnectionFailed):
                raise RuntimeError(f"handshake failed: {ev.error}")
        out = client.data_to_send()
        if out:
            sock.sendall(out)
    return sock, client


def close(sock: socket.socket, client: Client) -> None:
    client.close()
    out = client.data_to_send()
    try:
        if out:
            sock.sendall(out)
    finally:
        sock.close()
