"""docs/api.md's example, run as written against openssl s_server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from support.peers import HOST, OpenSSLServer
from support.pki import PKI

API = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _example(tmp_path: Path) -> Path:
    m = re.search(r"```python\n(.*?)```", API.read_text(), re.S)
    assert m, "no python block in docs/api.md"
    path = tmp_path / "example.py"
    path.write_text(m.group(1))
    return path


def test_example_prints_the_negotiated_parameters_and_the_verdict(pki: PKI, tmp_path: Path) -> None:
    example = _example(tmp_path)
    chain = pki["rsa"]
    with OpenSSLServer(chain) as srv:
        ok = subprocess.run(
            [sys.executable, str(example), HOST, str(srv.port), str(chain.root)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        wrong = subprocess.run(
            [sys.executable, str(example), HOST, str(srv.port), str(pki["ecdsa"].root)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == ("protocol: TLSv1.3\ncipher: TLS_AES_256_GCM_SHA384\nverify: 0 ok\n"), (
        ok.stdout
    )
    assert wrong.returncode == 0, wrong.stderr
    assert wrong.stdout.endswith("verify: 20 unable to get local issuer certificate\n")


def test_example_reports_a_failure(pki: PKI, tmp_path: Path) -> None:
    example = _example(tmp_path)
    import socket
    import threading

    with socket.socket() as lsock:
        lsock.bind((HOST, 0))
        lsock.listen(1)

        def answer() -> None:
            c, _ = lsock.accept()
            with c:
                c.recv(65536)
                c.sendall(bytes.fromhex("15030300020228"))  # fatal handshake_failure

        t = threading.Thread(target=answer, daemon=True)
        t.start()
        res = subprocess.run(
            [sys.executable, str(example), HOST, str(lsock.getsockname()[1]), str(pki["rsa"].root)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert res.returncode == 1 and res.stderr.startswith("failed: "), res.stderr
