"""The connected loop in bulk (no option that shows single records): large
reads of the socket and of stdin, the same bytes either way as
``openssl s_client``, and the command letters where s_client's 8 KiB reads
of stdin would find them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from support.peers import HOST, PyTLSServer
from support.pki import PKI
from support.procs import _env, run_openssl_s_client, run_sclient, sclient_cmd


def _lines(n: int) -> bytes:
    """``n`` lines of 64 bytes, none starting with a command letter."""
    return b"".join(b"%08d" % i + b"x" * 55 + b"\n" for i in range(n))


@pytest.mark.parametrize("msg", [False, True])
def test_bulk_receive_writes_the_stream(pki: PKI, msg: bool, tmp_path: Path) -> None:
    """3 MiB from the server, then close_notify: stdout is the stream, in
    bulk and on the per-record path (-msg, to a file) alike."""
    data = os.urandom(3 << 20)
    extra = ["-msg", "-msgfile", str(tmp_path / "msg")] if msg else []
    with PyTLSServer(pki["rsa"], greeting=data, close_after_greeting=True) as srv:
        res = subprocess.run(
            [*sclient_cmd(), "-connect", f"{HOST}:{srv.port}", "-quiet", *extra],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            env=_env(),
        )
    assert res.returncode == 0, res.stderr
    assert res.stdout == data
    if msg:
        assert (tmp_path / "msg").read_text().count("<<< TLS 1.2, RecordHeader") > 3 << 6


def _sent(pki: PKI, client: str, stdin: bytes) -> list[bytes]:
    """The lines the server got from ``client`` given ``stdin``."""
    run = run_sclient if client == "sclient" else run_openssl_s_client
    with PyTLSServer(pki["rsa"], reply_fn=lambda line: None) as srv:
        res = run(["-connect", f"{HOST}:{srv.port}", "-no_ign_eof"], stdin=stdin)
        assert res.rc == 0, res.stderr
        for t in srv._threads[1:]:  # the connection's thread reads to the end
            t.join(10)
        return list(srv.lines)


def test_bulk_send_is_the_stream(pki: PKI) -> None:
    data = _lines(20000)  # 1.25 MiB
    lines = _sent(pki, "sclient", data)
    assert b"\n".join(lines) + b"\n" == data


@pytest.mark.parametrize("letter", [b"Q", b"k"])
def test_commands_where_an_8k_read_starts(pki: PKI, letter: bytes) -> None:
    """A line starting with Q (quit) or k (key update) at offset 16384 of
    the piped input: s_client's third 8 KiB read starts with it; sclient
    reads more at once and finds it at the same place (the piece it starts
    is not sent)."""
    data = bytearray(_lines(640))  # 40 KiB
    data[16384:16385] = letter
    got = {c: _sent(pki, c, bytes(data)) for c in ("openssl", "sclient")}
    assert got["sclient"] == got["openssl"]
    assert len(got["sclient"]) == (256 if letter == b"Q" else 640 - 128)
