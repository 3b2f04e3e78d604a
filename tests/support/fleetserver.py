"""A TLS server on many loopback ports at once, for ``-targets`` (tests and
bench/fleet.py): Python's ``ssl`` module (OpenSSL) as the peer, one
``selectors`` loop in its own process.

    python fleetserver.py DIR good=190 expired=4 wronghost=3 silent=2 refused=1

makes a PKI in DIR (root.pem; ECDSA P-256 leaves: ``good`` for localhost and
127.0.0.1, ``expired`` the same names but expired, ``wronghost`` for
other.example only), listens on that many ports of each kind, prints one
JSON line ``{"good": [ports…], …, "root": "DIR/root.pem"}`` and serves until
stdin closes. ``silent`` ports accept the TCP connection (the kernel does)
and never answer; ``refused`` ports are closed (nothing listens).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import selectors
import socket
import ssl
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

KINDS = ("good", "expired", "wronghost", "silent", "refused")


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_pki(d: Path) -> None:
    d.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Fleet Test Root"))
        .issuer_name(_name("Fleet Test Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    (d / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    local = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    leaves = {
        "good": (local, now - dt.timedelta(days=1), now + dt.timedelta(days=90)),
        "expired": (local, now - dt.timedelta(days=400), now - dt.timedelta(days=35)),
        "wronghost": ([x509.DNSName("other.example")], now - dt.timedelta(days=1),
                      now + dt.timedelta(days=90)),
    }  # fmt: skip
    for kind, (sans, nb, na) in leaves.items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"fleet {kind}"))
            .issuer_name(root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(nb)
            .not_valid_after(na)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
            )
            .sign(root_key, hashes.SHA256())
        )
        (d / f"{kind}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (d / f"{kind}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def serve(d: Path, counts: dict[str, int]) -> None:
    sel = selectors.DefaultSelector()
    contexts = {}
    for kind in ("good", "expired", "wronghost"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(d / f"{kind}.pem", d / f"{kind}.key")
        contexts[kind] = ctx
    ports: dict[str, list[int]] = {k: [] for k in KINDS}
    held: list[socket.socket] = []
    for kind in KINDS:
        for _ in range(counts.get(kind, 0)):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            ports[kind].append(port)
            if kind == "refused":
                s.close()
                continue
            s.listen(64)
            held.append(s)
            if kind != "silent":
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, ("listen", contexts[kind]))
    print(json.dumps({**ports, "root": str(d / "root.pem")}), flush=True)
    sel.register(sys.stdin, selectors.EVENT_READ, ("stdin", None))
    while True:
        for key, _ in sel.select():
            what, obj = key.data
            if what == "stdin":
                if not sys.stdin.readline():
                    return
            elif what == "listen":
                try:
                    conn, _addr = key.fileobj.accept()  # type: ignore[union-attr]
                except OSError:
                    continue
                conn.setblocking(False)
                tls = obj.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
                sel.register(tls, selectors.EVENT_READ, ("hs", None))
                _step(sel, tls)
            else:
                _step(sel, key.fileobj)  # type: ignore[arg-type]


def _step(sel: selectors.BaseSelector, tls: ssl.SSLSocket) -> None:
    key = sel.get_key(tls)
    try:
        if key.data[0] == "hs":
            tls.do_handshake()
            sel.modify(tls, selectors.EVENT_READ, ("data", None))
        while True:
            if not tls.recv(4096):
                raise ConnectionResetError
    except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
        return
    except (OSError, ValueError):
        sel.unregister(tls)
        tls.close()


def main() -> None:
    d = Path(sys.argv[1])
    counts = {k: int(v) for k, v in (a.split("=") for a in sys.argv[2:])}
    if not (d / "root.pem").exists():
        make_pki(d)
    serve(d, counts)


if __name__ == "__main__":
    main()
