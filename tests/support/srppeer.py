"""An SRP server (RFC 5054) from tlslite-ng, a second implementation to test
sclient's SRP suites against; run as ``python -m tests.support.srppeer``.

It listens on 127.0.0.1:PORT, prints ``listening`` when ready, and serves
connections one after the other until killed: a handshake, then it answers
each line it reads with ``srp-echo: LINE`` and logs one line per connection
on stdout (``ok USER CIPHER VERSION`` or ``fail ERROR``). The verifier
database is made at start from ``--user USER:PASSWORD`` (any number), on the
RFC 5054 group of ``--bits``, or, with ``--group-n``/``--group-g`` (hex), on
a group of the caller's.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", action="append", default=[])
    ap.add_argument("--bits", type=int, default=2048)
    ap.add_argument("--group-n", default=None)
    ap.add_argument("--group-g", default=None)
    ap.add_argument("--cert", default=None, help="PEM chain: offer the SRP-RSA suites")
    ap.add_argument("--key", default=None)
    ap.add_argument("--version", default="1.2", choices=["1.0", "1.1", "1.2"])
    a = ap.parse_args()

    from tlslite import HandshakeSettings, TLSConnection, VerifierDB, mathtls
    from tlslite.utils.cryptomath import powMod

    db = VerifierDB()
    db.create()
    for entry in a.user:
        user, _, password = entry.partition(":")
        # tlslite-ng looks the ClientHello's name up as bytes.
        name = user.encode("utf-8")
        if a.group_n is not None:
            n, g = int(a.group_n, 16), int(a.group_g or "2", 16)
            salt = bytearray(os.urandom(16))
            x = mathtls.makeX(salt, bytearray(name), bytearray(password, "utf-8"))
            db[name] = (n, g, salt, powMod(g, x, n))
        else:
            db[name] = VerifierDB.makeVerifier(name, password, a.bits)

    chain = key = None
    if a.cert is not None:
        from tlslite import X509CertChain, parsePEMKey

        with open(a.cert) as f:
            chain = X509CertChain()
            chain.parsePemList(f.read())
        with open(a.key) as f:
            key = parsePEMKey(f.read(), private=True)

    settings = HandshakeSettings()
    minor = {"1.0": 1, "1.1": 2, "1.2": 3}[a.version]
    settings.minVersion = (3, minor)
    settings.maxVersion = (3, minor)
    # tlslite-ng negotiates from ``versions``; min/maxVersion alone leave it
    # at TLS 1.2 whenever the client offers 1.2.
    settings.versions = [(3, minor)]
    settings.keyExchangeNames = ["srp_sha", "srp_sha_rsa"]
    settings.cipherNames = ["aes256", "aes128"]

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", a.port))
    lsock.listen(8)
    print("listening", flush=True)
    while True:
        sock, _ = lsock.accept()
        sock.settimeout(20)
        conn = TLSConnection(sock)
        try:
            conn.handshakeServer(verifierDB=db, certChain=chain, privateKey=key, settings=settings)
            print(
                "ok",
                conn.session.srpUsername,
                conn.getCipherName(),
                conn.getVersionName(),
                flush=True,
            )
            buf = b""
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                buf += bytes(data)
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    conn.write(b"srp-echo: " + line + b"\n")
            conn.close()
        except Exception as e:  # one connection's failure is logged, the server goes on
            print("fail", type(e).__name__, str(e).replace("\n", " "), flush=True)
        finally:
            sock.close()


if __name__ == "__main__":
    sys.exit(main())
