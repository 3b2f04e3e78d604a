"""Test peers and a tiny socket driver for the sans-I/O client.

The application layer (with the real transport) is written elsewhere; these
helpers exist only so the engine can be exercised against real servers:
certificates made with ``cryptography``, Python's ``ssl`` server in a thread,
``openssl s_server`` in a subprocess, and :func:`run_client`, which pumps
bytes between a socket and :class:`sclient.tls.client.Client`.
"""

from __future__ import annotations

import datetime
import os
import select
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.config import ClientConfig
from support.pki import write_pair

OPENSSL = shutil.which("openssl")


@dataclass
class Pki:
    cert: Path
    key: Path
    der: bytes


def make_cert(directory: Path, kind: str = "rsa", name: str = "localhost") -> Pki:
    """A self-signed server certificate of ``kind`` rsa | ec | ec384 | ed25519."""
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif kind == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    elif kind == "ec384":
        key = ec.generate_private_key(ec.SECP384R1())
    elif kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(kind)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    )
    algo = None if kind == "ed25519" else hashes.SHA256()
    cert = builder.sign(key, algo)
    cert_path, key_path = write_pair(
        cert, key, directory / f"{kind}-cert.pem", directory / f"{kind}-key.pem"
    )
    return Pki(cert_path, key_path, cert.public_bytes(serialization.Encoding.DER))


def config(**kw: object) -> ClientConfig:
    kw.setdefault("random", os.urandom)
    kw.setdefault("now", time.time)
    return ClientConfig(**kw)  # type: ignore[arg-type]


@dataclass
class Result:
    events: list[ev.Event] = field(default_factory=list)
    client: Client | None = None

    def of(self, cls: type) -> list:  # type: ignore[type-arg]
        return [e for e in self.events if isinstance(e, cls)]

    @property
    def complete(self) -> ev.HandshakeComplete:
        done = self.of(ev.HandshakeComplete)
        failed = self.of(ev.ConnectionFailed)
        assert done, f"handshake did not complete: {failed}"
        return done[0]  # type: ignore[no-any-return]

    @property
    def failure(self) -> ev.ConnectionFailed | None:
        failed = self.of(ev.ConnectionFailed)
        return failed[0] if failed else None

    @property
    def app_data(self) -> bytes:
        return b"".join(e.data for e in self.of(ev.ApplicationData))


def run_client(
    port: int,
    cfg: ClientConfig,
    on_complete: Callable[[Client, socket.socket], object] | None = None,
    until: Callable[[Result], bool] | None = None,
    timeout: float = 10.0,
    host: str = "127.0.0.1",
) -> Result:
    """Connect, handshake, call ``on_complete`` once, then read until ``until``
    says stop (default: right after the handshake), EOF, failure or timeout."""
    res = Result()
    c = Client(cfg)
    res.client = c
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        res.events += c.start()
        sock.sendall(c.data_to_send())
        deadline = time.monotonic() + timeout
        called = False
        while time.monotonic() < deadline:
            if c.handshake_complete and not called:
                called = True
                if on_complete is not None:
                    more = on_complete(c, sock)
                    if isinstance(more, list):
                        res.events += more
                    out = c.data_to_send()
                    if out:
                        sock.sendall(out)
            if res.failure or (until is None and c.handshake_complete) or (until and until(res)):
                break
            r, _, _ = select.select([sock], [], [], 0.2)
            if not r:
                continue
            data = sock.recv(65536)
            if not data:
                res.events += c.receive_eof()
                break
            res.events += c.receive(data)
            out = c.data_to_send()
            if out:
                sock.sendall(out)
    finally:
        sock.close()
    return res


class PythonServer:
    """Python's ``ssl`` server on loopback, one connection at a time, in a thread.

    ``handler(tls_socket)`` runs after the handshake (default: echo until EOF).
    """

    def __init__(
        self,
        ctx: ssl.SSLContext,
        handler: Callable[[ssl.SSLSocket], None] | None = None,
        raw_handler: Callable[[socket.socket], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.handler = handler or echo
        self.raw_handler = raw_handler
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(10)
            try:
                if self.raw_handler is not None:
                    self.raw_handler(conn)
                    continue
                tls = self.ctx.wrap_socket(conn, server_side=True)
                self.handler(tls)
            except (OSError, ssl.SSLError) as e:
                self.errors.append(e)
            finally:
                conn.close()

    def close(self) -> None:
        self.sock.close()


def echo(tls: ssl.SSLSocket) -> None:
    while True:
        data = tls.recv(65536)
        if not data:
            break
        tls.sendall(data)


@contextmanager
def python_server(
    pki: Pki,
    min_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
    max_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    ciphers: str | None = None,
    handler: Callable[[ssl.SSLSocket], None] | None = None,
    **ctx_options: object,
) -> Iterator[PythonServer]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki.cert, pki.key)
    ctx.minimum_version = min_version
    ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    for k, v in ctx_options.items():
        setattr(ctx, k, v)
    srv = PythonServer(ctx, handler)
    try:
        yield srv
    finally:
        srv.close()


class OpenSSLServer:
    """``openssl s_server`` on a free loopback port."""

    def __init__(self, args: list[str], pki: Pki) -> None:
        assert OPENSSL is not None
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        cmd = [
            OPENSSL,
            "s_server",
            "-accept",
            f"127.0.0.1:{self.port}",
            "-cert",
            str(pki.cert),
            "-key",
            str(pki.key),
            *args,
        ]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.output = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    out = self.proc.stdout.read()  # type: ignore[union-attr]
                    raise RuntimeError(f"s_server died: {out!r}") from None
                time.sleep(0.05)

    def command(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line)
        self.proc.stdin.flush()

    def close(self) -> bytes:
        self.proc.kill()
        out, _ = self.proc.communicate(timeout=10)
        return out


@contextmanager
def openssl_server(pki: Pki, *args: str) -> Iterator[OpenSSLServer]:
    srv = OpenSSLServer(list(args), pki)
    try:
        yield srv
    finally:
        srv.close()
