"""The bundled demo server (``python -m sclient.demo``): PKI made once and reused,
chain verifies against its root, lines are answered, ``--once`` exits."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support.peers import free_port
from support.procs import Proc, run_sclient

pytestmark = pytest.mark.interop


def test_demo_server(tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    port = free_port()
    with Proc(
        [
            sys.executable,
            "-m",
            "sclient.demo",
            "--once",
            "--port",
            str(port),
            "--pki",
            str(pki),
            "--host",
            "127.0.0.1",
        ]
    ) as server:
        assert server.wait_stdout(b"listening on", 60), server.err.data.decode()
        assert (pki / "root.pem").is_file() and (pki / "fullchain.pem").is_file()
        res = run_sclient(
            ["-connect", f"127.0.0.1:{port}", "-CAfile", str(pki / "root.pem")], stdin=b"hi there\n"
        )
        rc = server.wait(10)
        assert rc == 0, f"demo server did not exit after one session: {server.err.data.decode()}"
    assert res.rc == 0, res.stderr
    assert "Verification: OK" in res.stdout + res.stderr
    assert "CN = sclient demo Intermediate CA" in res.stdout + res.stderr
    # The PKI is reused on the next start.
    before = (pki / "root.pem").read_bytes()
    port = free_port()
    with Proc(
        [
            sys.executable,
            "-m",
            "sclient.demo",
            "--once",
            "--port",
            str(port),
            "--pki",
            str(pki),
            "--host",
            "127.0.0.1",
        ]
    ) as server:
        assert server.wait_stdout(b"listening on", 60)
        assert b"made a demo PKI" not in server.out.data
    assert (pki / "root.pem").read_bytes() == before


def test_demo_refuses_a_port_another_server_has(tmp_path: Path) -> None:
    """Something else already listens on 127.0.0.1:PORT: the demo must say so
    and exit, not listen on ::1 alone and let `localhost` reach the other."""
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        with Proc(
            [sys.executable, "-m", "sclient.demo", "--once", "--port", str(port),
             "--pki", str(tmp_path / "pki")]
        ) as server:  # fmt: skip
            rc = server.wait(60)
    assert rc not in (None, 0)
    assert b"listening on" not in server.out.data
    err = server.err.data.decode()
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in err, err
