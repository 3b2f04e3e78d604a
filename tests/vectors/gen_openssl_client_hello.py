"""Capture ``openssl s_client`` ClientHello records (run: python gen_openssl_client_hello.py).

Listens on a loopback port, runs ``openssl s_client -connect 127.0.0.1:PORT
<args>`` for each case, and stores the first record it sends (hex) in
``openssl_client_hello.json``, with the OpenSSL version that produced it.
"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

CASES: dict[str, list[str]] = {
    "default": [],
    "servername": ["-servername", "example.com"],
    "alpn": ["-alpn", "h2,http/1.1"],
    "tls1_2": ["-tls1_2"],
    "no_ticket": ["-no_ticket"],
    "maxfraglen_1024": ["-maxfraglen", "1024"],
    "tls1_3": ["-tls1_3"],
    "fallback_scsv_tls1_2": ["-fallback_scsv", "-tls1_2"],
    "allow_no_dhe_kex": ["-allow_no_dhe_kex"],
    "bugs": ["-bugs"],
    "bugs_servername": ["-bugs", "-servername", "example.com"],
    "all": ["-servername", "example.com", "-alpn", "h2", "-maxfraglen", "512", "-no_ticket"],
}


def capture(args: list[str]) -> bytes:
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    proc = subprocess.Popen(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    conn, _ = lsock.accept()
    conn.settimeout(5)
    data = b""
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.close()
    lsock.close()
    proc.kill()
    proc.wait()
    return data[: 5 + int.from_bytes(data[3:5], "big")]


def main() -> None:
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    out = {"_source": f"{version}; gen_openssl_client_hello.py", "_args": CASES}
    for name, args in CASES.items():
        out[name] = capture(args).hex()
    Path(__file__).with_name("openssl_client_hello.json").write_text(
        json.dumps(out, indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
