"""Regenerate openssl_captures.json: real TLS 1.0-1.3 sessions between
``openssl s_client`` and ``openssl s_server`` on 127.0.0.1, recorded byte for
byte by a relay in the middle, with the client's key log and exported keying
material.

Run: ``python tests/vectors/gen_openssl_captures.py`` (needs the ``openssl``
3.x tool; only loopback sockets are used). Each capture stores the command
lines used. Nothing here is imported by the tests: they read the JSON.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("openssl_captures.json")
EXPORT_LABEL = "EXPERIMENTAL-sclient-test"
REQUEST = b"GET / HTTP/1.0\r\n\r\n"

# name, server options, client options
CONFIGS: list[tuple[str, list[str], list[str]]] = [
    ("tls12-ecdhe-aes128-gcm", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"], []),
    ("tls12-ecdhe-aes256-gcm-sha384", ["-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"], []),
    ("tls12-ecdhe-chacha20", ["-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"], []),
    (
        "tls12-dhe-aes128-ccm",
        ["-tls1_2", "-cipher", "DHE-RSA-AES128-CCM"],
        ["-cipher", "DHE-RSA-AES128-CCM"],
    ),
    (
        "tls12-dhe-aes256-ccm8",
        ["-tls1_2", "-cipher", "DHE-RSA-AES256-CCM8"],
        ["-cipher", "DHE-RSA-AES256-CCM8"],
    ),
    ("tls12-ecdhe-aes128-sha-etm", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"], []),
    (
        "tls12-ecdhe-aes256-sha384-mte",
        ["-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384", "-no_etm"],
        [],
    ),
    ("tls12-rsa-aes128-sha256-mte", ["-tls1_2", "-cipher", "AES128-SHA256", "-no_etm"], []),
    ("tls12-rsa-aes256-sha256-etm", ["-tls1_2", "-cipher", "AES256-SHA256"], []),
    (
        "tls12-ecdhe-camellia128-sha256-mte",
        ["-tls1_2", "-cipher", "ECDHE-RSA-CAMELLIA128-SHA256", "-no_etm"],
        ["-cipher", "ECDHE-RSA-CAMELLIA128-SHA256"],
    ),
    (
        "tls12-ecdhe-camellia256-sha384-etm",
        ["-tls1_2", "-cipher", "ECDHE-RSA-CAMELLIA256-SHA384"],
        ["-cipher", "ECDHE-RSA-CAMELLIA256-SHA384"],
    ),
    (
        "tls11-ecdhe-aes128-sha-etm",
        ["-tls1_1", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0"],
        ["-cipher", "DEFAULT:@SECLEVEL=0"],
    ),
    (
        "tls10-ecdhe-aes256-sha-mte",
        ["-tls1", "-cipher", "ECDHE-RSA-AES256-SHA:@SECLEVEL=0", "-no_etm"],
        ["-cipher", "DEFAULT:@SECLEVEL=0"],
    ),
    (
        "tls10-ecdhe-aes128-sha-etm",
        ["-tls1", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0"],
        ["-cipher", "DEFAULT:@SECLEVEL=0"],
    ),
    (
        "tls13-aes128-gcm-padded",
        ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"],
        ["-record_padding", "64"],
    ),
    ("tls13-aes256-gcm", ["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"], []),
    ("tls13-chacha20", ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], []),
    (
        "tls13-aes128-ccm",
        ["-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256"],
        ["-ciphersuites", "TLS_AES_128_CCM_SHA256"],
    ),
    (
        "tls13-aes128-ccm8",
        ["-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_8_SHA256"],
        ["-ciphersuites", "TLS_AES_128_CCM_8_SHA256"],
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pump(src: socket.socket, dst: socket.socket, log: bytearray) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            log += data
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def _wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("s_server did not start")


def capture(
    workdir: Path, name: str, server_opts: list[str], client_opts: list[str]
) -> dict[str, Any]:
    server_port = _free_port()
    keylog = workdir / f"{name}.keylog"
    server_cmd = [
        "openssl", "s_server", "-accept", f"127.0.0.1:{server_port}",
        "-cert", str(workdir / "cert.pem"), "-key", str(workdir / "key.pem"),
        "-www", "-naccept", "2", "-no_ticket", "-num_tickets", "0", *server_opts,
    ]  # fmt: skip
    server = subprocess.Popen(
        server_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(server_port, time.monotonic() + 10)  # uses up one accept
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        relay_port = listener.getsockname()[1]
        client_cmd = [
            "openssl", "s_client", "-connect", f"127.0.0.1:{relay_port}",
            "-keylogfile", str(keylog), "-keymatexport", EXPORT_LABEL,
            "-keymatexportlen", "32", "-ign_eof", "-no_ticket", *client_opts,
        ]  # fmt: skip
        client = subprocess.Popen(
            client_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        listener.settimeout(10)
        downstream, _ = listener.accept()
        listener.close()
        upstream = socket.create_connection(("127.0.0.1", server_port), timeout=10)
        c2s, s2c = bytearray(), bytearray()
        threads = [
            threading.Thread(target=_pump, args=(downstream, upstream, c2s)),
            threading.Thread(target=_pump, args=(upstream, downstream, s2c)),
        ]
        for t in threads:
            t.start()
        out, err = client.communicate(REQUEST, timeout=20)
        for t in threads:
            t.join(10)
        downstream.close()
        upstream.close()
    finally:
        server.kill()
        server.wait()
    text = out.decode("latin-1")
    m = re.search(r"Keying material: ([0-9A-Fa-f]+)", text)
    if m is None:
        raise RuntimeError(f"{name}: no keying material\n{text}\n{err.decode()}")
    return {
        "name": name,
        "server_command": " ".join(server_cmd).replace(str(workdir), "$TMP"),
        "client_command": " ".join(client_cmd).replace(str(workdir), "$TMP"),
        "client_to_server": bytes(c2s).hex(),
        "server_to_client": bytes(s2c).hex(),
        "keylog": keylog.read_text(),
        "export_label": EXPORT_LABEL,
        "exported_keying_material": m.group(1).lower(),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        req = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650"]
        req += ["-subj", "/CN=sclient-test", "-keyout", str(work / "key.pem")]
        req += ["-out", str(work / "cert.pem")]
        subprocess.run(req, check=True, capture_output=True)
        version = subprocess.run(
            ["openssl", "version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        captures = [capture(work, *cfg) for cfg in CONFIGS]
        doc = {
            "_source": (
                f"Recorded by gen_openssl_captures.py from {version} s_client <-> s_server "
                "sessions on 127.0.0.1. See tests/vectors/README.md."
            ),
            "server_key_pem": (work / "key.pem").read_text(),
            "server_cert_pem": (work / "cert.pem").read_text(),
            "request": REQUEST.hex(),
            "captures": captures,
        }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
