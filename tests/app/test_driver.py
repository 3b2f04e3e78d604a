"""The driver in-process, with a stand-in socket where timing would decide.

A real socket cannot make these cases happen on demand (which of the peer's
FIN and RST a read sees first is up to the kernel), so the connection here is
an object with the same methods that does exactly what each case needs.
"""

from __future__ import annotations

import errno
import json

import pytest

from sclient.app.console import Console
from sclient.app.program import Program, _Shut
from sclient.app.settings import build_settings
from sclient.cli.parse import parse_args
from support.peers import HOST, PyTLSServer
from support.pki import PKI
from support.procs import run_sclient


class GoneServer:
    """Took the ClientHello, then closed: the next read is EOF, every later
    write fails with EPIPE (the server's RST arrived in between)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.bytes_read = 0
        self.bytes_written = 0

    def sendall(self, data: bytes) -> None:
        if self.writes:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        self.writes.append(data)
        self.bytes_written += len(data)


def test_alert_write_to_a_gone_server_keeps_the_eof_reason(
    capfd: pytest.CaptureFixture[str],
) -> None:
    o = parse_args(["-connect", "127.0.0.1:4433"])
    program = Program(o, Console(), build_settings(o, Console()))
    program.conn = GoneServer()
    program.start_engine()
    with pytest.raises(_Shut) as shut:
        program.feed(b"")  # EOF: the engine fails and queues its alert
    assert shut.value.status == 1
    err = capfd.readouterr().err
    assert "write:errno" not in err
    assert err.endswith(
        ":error:0A000126:SSL routines:ssl3_read_n:unexpected eof while reading:"
        "../ssl/record/rec_layer_s3.c:318:\n"
    )


def test_json_stdout_is_only_the_document_when_the_server_speaks_first(pki: PKI) -> None:
    """An IMAPS/SMTPS-like server greets first: the greeting is counted in
    bytes.read, never written to stdout before the document."""
    from tests.app.schema import validate

    greeting = b"* OK IMAP4rev1 ready\r\n"
    with PyTLSServer(pki["rsa"], greeting=greeting, close_after_greeting=True) as srv:
        res = run_sclient(["-connect", f"{HOST}:{srv.port}", "-json", "-ign_eof"], stdin=None)
    assert res.rc == 0, res.stderr
    doc = json.loads(res.stdout)  # the whole of stdout, nothing before it
    validate(doc)
    assert doc["handshake_complete"] is True
    assert doc["bytes"]["read"] > doc["bytes"]["handshake_read"] + len(greeting)
