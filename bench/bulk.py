"""Bulk receive over TLS 1.3 with AES-128-GCM from `openssl s_server -WWW`.

Downloads one large file and reports the receive rate of sclient's engine
(in process) and of `openssl s_client` (whole process, output discarded), and
their ratio.

Usage: python bench/bulk.py [--mb 256]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import make_pki, openssl, s_server
from engine_driver import config, handshake

from sclient.tls import events

SUITE = "TLS_AES_128_GCM_SHA256"


def engine_rate(port: int, size: int) -> float:
    sock, client = handshake(port, config(tls13_suites=(0x1301,)))
    client.send(b"GET /big.bin HTTP/1.0\r\n\r\n")
    sock.sendall(client.data_to_send())
    got = 0
    t0 = time.perf_counter()
    recv = sock.recv
    closed = False
    while not closed:
        data = recv(262144)
        if not data:
            break
        for ev in client.receive(data):
            if type(ev) is events.ApplicationData:
                got += len(ev.data)
            elif type(ev) is events.ConnectionClosed:
                client.close()  # answer close_notify, as s_client does
                closed = True
        out = client.data_to_send()
        if out:
            sock.sendall(out)
    elapsed = time.perf_counter() - t0
    sock.close()
    if got < size:
        raise RuntimeError(f"received {got} of {size} bytes")
    return got / elapsed


def openssl_rate(port: int, size: int) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            openssl(),
            "s_client",
            "-connect",
            f"127.0.0.1:{port}",
            "-quiet",
            "-ciphersuites",
            SUITE,
            "-ign_eof",
        ],
        input=b"GET /big.bin HTTP/1.0\r\n\r\n",
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if len(proc.stdout) < size:
        raise RuntimeError(f"openssl received {len(proc.stdout)} of {size} bytes")
    return len(proc.stdout) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=256)
    args = ap.parse_args()
    size = args.mb * 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        www = Path(tmp)
        pki = make_pki(www / "pki", "ec")
        with (www / "big.bin").open("wb") as f:
            chunk = bytes(range(256)) * 4096
            for _ in range(size // len(chunk)):
                f.write(chunk)
        with s_server(pki, "-WWW", "-ciphersuites", SUITE, cwd=www) as port:
            ours = max(engine_rate(port, size) for _ in range(3))
            theirs = max(openssl_rate(port, size) for _ in range(3))
    print(f"bulk receive, TLS 1.3 {SUITE}, {args.mb} MiB (best of 3)")
    print(f"  sclient engine   {ours / 1e9:6.2f} GB/s")
    print(f"  openssl s_client {theirs / 1e9:6.2f} GB/s")
    print(f"  sclient / openssl x{ours / theirs:5.2f}")


if __name__ == "__main__":
    main()
