"""A tlslite-ng server for the SSL 3.0 tests, run as a script in its own
process: ``python tlslite_server.py PORT CERT KEY [--min 3.0] [--max 3.0]
[--kx rsa,dhe_rsa] [--ciphers aes128,aes256] [--macs sha] [--reqcert CA]``.

It listens on 127.0.0.1:PORT, prints ``READY`` once listening, and serves
connections one at a time: each line received is answered as the other test
servers answer (``hello-from-client-X`` -> ``hello-from-server-X``, else
``echo: <line>``); after each handshake it prints ``HANDSHAKE <version>
<cipher> <client certificate: yes/no>`` on stdout, and a failed handshake
``FAILED <error>``. Sessions are cached, so a client may resume."""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import traceback


def main() -> int:
    from tlslite.api import (  # type: ignore[import-untyped]
        HandshakeSettings,
        SessionCache,
        TLSConnection,
        X509CertChain,
        parsePEMKey,
    )

    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("cert")
    ap.add_argument("key")
    ap.add_argument("--min", default="3.0")
    ap.add_argument("--max", default="3.0")
    ap.add_argument("--kx", default="rsa,dhe_rsa,dhe_dsa,ecdhe_rsa,ecdhe_ecdsa")
    ap.add_argument("--ciphers", default="aes128,aes256")
    ap.add_argument("--reqcert", action="store_true")
    ap.add_argument("--macs", default="sha")
    a = ap.parse_args()

    def version(text: str) -> tuple[int, int]:
        major, minor = text.split(".")
        return int(major), int(minor)

    settings = HandshakeSettings()
    settings.minVersion = version(a.min)
    settings.maxVersion = version(a.max)
    settings.keyExchangeNames = a.kx.split(",")
    settings.cipherNames = a.ciphers.split(",")
    settings.macNames = a.macs.split(",")
    if settings.maxVersion == (3, 0):
        # tlslite-ng 0.8.2 agrees to extended_master_secret and encrypt_then_mac
        # in SSL 3.0, then fails on its own SSL 3.0 master secret (an assertion):
        # an SSL 3.0 server here does neither.
        settings.useExtendedMasterSecret = False
        settings.useEncryptThenMAC = False
    with open(a.cert) as f:
        chain = X509CertChain()
        chain.parsePemList(f.read())
    with open(a.key) as f:
        key = parsePEMKey(f.read(), private=True)
    cache = SessionCache()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", a.port))
    listener.listen(8)
    print("READY", flush=True)
    while True:
        sock, _ = listener.accept()
        conn = TLSConnection(sock)
        try:
            conn.handshakeServer(
                certChain=chain,
                privateKey=key,
                settings=settings,
                sessionCache=cache,
                reqCert=a.reqcert,
            )
            cert = "yes" if conn.session.clientCertChain else "no"
            print(f"HANDSHAKE {conn.version} {conn.getCipherName()} {cert}", flush=True)
            buf = b""
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                buf += bytes(data)
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    print(f"LINE {line.decode(errors='replace')}", flush=True)
                    prefix = b"hello-from-client-"
                    if line.startswith(prefix):
                        conn.write(b"hello-from-server-" + line[len(prefix) :] + b"\n")
                    else:
                        conn.write(b"echo: " + line + b"\n")
        except Exception as e:  # a test server reports and goes on
            print(f"FAILED {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                conn.close()
            sock.close()


if __name__ == "__main__":
    sys.exit(main())
