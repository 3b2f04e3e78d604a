"""A small TLS server to try sclient against: ``python -m sclient.demo``.

On first run it makes a demo PKI (root CA -> intermediate CA -> leaf for
``localhost``, ``127.0.0.1`` and ``::1``) in ``./demo-pki/`` (or ``--pki DIR``)
and reuses it afterwards. It serves the leaf and the intermediate, so a client
that trusts ``demo-pki/root.pem`` verifies the chain::

    python -m sclient.demo &
    sclient -connect localhost:4433 -CAfile demo-pki/root.pem

Each line the client sends is answered with a greeting that echoes it.
``--once`` serves one TLS session and exits (connections that fail the
handshake, such as port probes, do not count).

This module uses Python's ``ssl`` module and ``cryptography``; it is a test
peer, not part of sclient's own TLS engine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import ipaddress
import selectors
import signal
import socket
import ssl
import sys
import threading
from pathlib import Path
from types import FrameType

DEFAULT_PORT = 4433
FILES = ("root.pem", "intermediate.pem", "server.pem", "server.key", "fullchain.pem")


def make_pki(directory: Path) -> None:
    """Write a fresh demo PKI (RSA-2048, SHA-256) into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sclient demo"),
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
            ]
        )

    def key() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def cert(
        subject: x509.Name,
        issuer: x509.Name,
        pub: rsa.RSAPrivateKey,
        signer: rsa.RSAPrivateKey,
        *,
        ca: bool,
        path_len: int | None,
        days: int,
    ) -> x509.Certificate:
        b = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(pub.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(pub.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                critical=False,
            )
            .add_extension(
                x509.KeyUsage(
                    digital_signature=not ca,
                    content_commitment=False,
                    key_encipherment=not ca,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=ca,
                    crl_sign=ca,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if not ca:
            b = b.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            ).add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                        x509.IPAddress(ipaddress.ip_address("::1")),
                    ]
                ),
                critical=False,
            )
        return b.sign(signer, hashes.SHA256())

    root_key, int_key, leaf_key = key(), key(), key()
    root = cert(
        name("sclient demo Root CA"),
        name("sclient demo Root CA"),
        root_key,
        root_key,
        ca=True,
        path_len=None,
        days=3650,
    )
    inter = cert(
        name("sclient demo Intermediate CA"),
        root.subject,
        int_key,
        root_key,
        ca=True,
        path_len=0,
        days=3650,
    )
    leaf = cert(
        name("localhost"), inter.subject, leaf_key, int_key, ca=False, path_len=None, days=825
    )

    def pem(c: x509.Certificate) -> bytes:
        return c.public_bytes(serialization.Encoding.PEM)

    directory.mkdir(parents=True, exist_ok=True)
    out = {
        "root.pem": pem(root),
        "intermediate.pem": pem(inter),
        "server.pem": pem(leaf),
        "fullchain.pem": pem(leaf) + pem(inter),
        "server.key": leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    }
    for fname, data in out.items():
        path = directory / fname
        path.write_bytes(data)
        if fname.endswith(".key"):
            path.chmod(0o600)


def ensure_pki(directory: Path) -> bool:
    """Make the PKI unless all its files are there; True if it was made."""
    if all((directory / f).is_file() for f in FILES):
        return False
    make_pki(directory)
    return True


def _listeners(host: str, port: int) -> list[socket.socket]:
    hosts = [host] if host else ["127.0.0.1", "::1"]
    socks: list[socket.socket] = []
    for h in hosts:
        family = socket.AF_INET6 if ":" in h else socket.AF_INET
        try:
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((h, port))
            s.listen(16)
        except OSError as e:
            s.close()
            # Only a missing address family (no IPv6 here) is passed over: a
            # port taken on one address would send clients of "localhost" to
            # whatever listens there instead of this server.
            if host or e.errno not in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                hint = ""
                if e.errno == errno.EADDRINUSE:
                    hint = f" (another server has it: choose another port, e.g. --port {port + 1})"
                raise SystemExit(
                    f"sclient.demo: cannot listen on {h}:{port}: {e.strerror}{hint}"
                ) from None
            continue
        socks.append(s)
    if not socks:
        raise SystemExit(f"sclient.demo: cannot listen on port {port}")
    return socks


class DemoServer:
    def __init__(self, ctx: ssl.SSLContext, socks: list[socket.socket], *, once: bool) -> None:
        self.ctx = ctx
        self.socks = socks
        self.once = once
        self.done = threading.Event()
        self.sessions = 0
        self._lock = threading.Lock()

    def log(self, msg: str) -> None:
        print(f"sclient.demo: {msg}", file=sys.stderr, flush=True)

    def serve(self) -> None:
        sel = selectors.DefaultSelector()
        for s in self.socks:
            sel.register(s, selectors.EVENT_READ)
        threads: list[threading.Thread] = []
        try:
            while not self.done.is_set():
                for key, _ in sel.select(timeout=0.2):
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    try:
                        conn, addr = sock.accept()
                    except OSError:
                        continue
                    if self.once:
                        self.handle(conn, addr)  # one at a time, then maybe stop
                    else:
                        t = threading.Thread(target=self.handle, args=(conn, addr), daemon=True)
                        t.start()
                        threads.append(t)
        finally:
            sel.close()
            for s in self.socks:
                s.close()

    def handle(self, raw: socket.socket, addr: object) -> None:
        peer = _addr_text(addr)
        raw.settimeout(60)
        try:
            with self.ctx.wrap_socket(raw, server_side=True) as conn:
                cipher = (conn.cipher() or ("?",))[0]
                self.log(f"{peer}: {conn.version()}, {cipher}")
                with self._lock:
                    self.sessions += 1
                self._talk(conn)
        except (ssl.SSLError, OSError) as e:
            self.log(f"{peer}: {getattr(e, 'reason', None) or e}")
            return
        finally:
            raw.close()
        if self.once:
            self.done.set()

    def _talk(self, conn: ssl.SSLSocket) -> None:
        buf = b""
        while not self.done.is_set():
            try:
                data = conn.recv(4096)
            except TimeoutError:
                self.log("client idle for 60s, closing")
                break
            except (ssl.SSLError, OSError):
                break
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.rstrip(b"\r").decode("utf-8", "replace")
                conn.sendall(f"hello from the sclient demo server, you said: {text}\n".encode())
        with contextlib.suppress(ssl.SSLError, OSError):
            conn.unwrap()


def _addr_text(addr: object) -> str:
    if isinstance(addr, tuple) and len(addr) >= 2:
        host, port = addr[0], addr[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(addr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m sclient.demo", description="A TLS server to try sclient on."
    )
    ap.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    ap.add_argument(
        "--host",
        default="",
        help="address to listen on (default: 127.0.0.1 and, if available, ::1)",
    )
    ap.add_argument(
        "--pki", type=Path, default=Path("demo-pki"), help="PKI directory (default ./demo-pki)"
    )
    ap.add_argument("--once", action="store_true", help="serve one TLS session, then exit")
    args = ap.parse_args(argv)

    made = ensure_pki(args.pki)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(args.pki / "fullchain.pem"), str(args.pki / "server.key"))
    socks = _listeners(args.host, args.port)
    server = DemoServer(ctx, socks, once=args.once)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    where = " and ".join(_addr_text(s.getsockname()) for s in socks)
    if made:
        print(f"made a demo PKI in {args.pki}/ (trust {args.pki}/root.pem)", flush=True)
    print(f"listening on {where}", flush=True)
    print(f"try: sclient -connect localhost:{args.port} -CAfile {args.pki}/root.pem", flush=True)
    server.serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
