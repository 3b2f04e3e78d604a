"""The driver in-process, with a stand-in socket where timing would decide.

A real socket cannot make these cases happen on demand (which of the peer's
FIN and RST a read sees first is up to the kernel), so the connection here is
an object with the same methods that does exactly what each case needs.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

from sclient.app.console import Console
from sclient.app.program import Program, _Shut
from sclient.app.settings import build_settings
from sclient.cli.parse import parse_args
from support.peers import HOST, OpenSSLServer, PyTLSServer
from support.pki import PKI
from support.procs import Proc, Pump, _env, run_sclient, sclient_cmd


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


# --- signals ------------------------------------------------------------------------------


def _connected_and_waiting(cmd: list[str], *, ignore_sigint: bool = False) -> Proc:
    """``cmd`` connected to a TLS server that completes the handshake, then waits."""
    preexec = None
    if ignore_sigint:

        def preexec() -> None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    p = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        start_new_session=True,
        preexec_fn=preexec,
    )
    proc = Proc.__new__(Proc)
    proc.cmd, proc.p = cmd, p
    proc.out, proc.err = Pump(p.stdout, "stdout"), Pump(p.stderr, "stderr")
    return proc


@pytest.fixture(scope="module")
def quiet_server(pki: PKI) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(pki["rsa"]) as srv:
        yield srv


@pytest.mark.parametrize("client", ["openssl", "sclient"])
def test_sigint_kills_by_the_signal(client: str, quiet_server: OpenSSLServer) -> None:
    """Like openssl, sclient dies by SIGINT (a shell loop sees it), no traceback."""
    prefix = ["openssl", "s_client"] if client == "openssl" else sclient_cmd()
    p = _connected_and_waiting([*prefix, "-connect", f"{HOST}:{quiet_server.port}"])
    try:
        assert p.out.wait_for(b"Verify return code", 20)
        p.p.send_signal(signal.SIGINT)
        assert p.wait(10) == -signal.SIGINT
        assert b"Traceback" not in p.err.data
    finally:
        p.kill()


@pytest.mark.parametrize("client", ["openssl", "sclient"])
def test_inherited_sigint_ignore_is_kept(client: str, quiet_server: OpenSSLServer) -> None:
    """A SIGINT the parent ignores (nohup, `cmd &` in a script) stays ignored."""
    prefix = ["openssl", "s_client"] if client == "openssl" else sclient_cmd()
    p = _connected_and_waiting(
        [*prefix, "-connect", f"{HOST}:{quiet_server.port}"], ignore_sigint=True
    )
    try:
        assert p.out.wait_for(b"Verify return code", 20)
        p.p.send_signal(signal.SIGINT)
        assert p.wait(1.0) is None  # still there
        p.write(b"Q\n")
        assert p.wait(10) == 0
    finally:
        p.kill()


def test_ctrl_c_stops_a_shell_loop(quiet_server: OpenSSLServer) -> None:
    """`for h in …; do sclient …; done` and Ctrl-C (SIGINT to the foreground
    process group): the loop stops, as it does with openssl."""
    one = shlex.join([*sclient_cmd(), "-connect", f"{HOST}:{quiet_server.port}"])
    script = f"for i in 1 2 3; do {one}; echo next-$i; done"
    p = _connected_and_waiting(["bash", "-c", script])
    try:
        assert p.out.wait_for(b"Verify return code", 20)
        os.killpg(p.p.pid, signal.SIGINT)
        assert p.wait(10) is not None
        assert b"next-" not in p.out.data
    finally:
        p.kill()


def test_sigterm_with_json_prints_the_document(quiet_server: OpenSSLServer) -> None:
    from tests.app.schema import validate

    p = _connected_and_waiting([*sclient_cmd(), "-connect", f"{HOST}:{quiet_server.port}", "-json"])
    try:
        # -json prints nothing before the end: wait for the server's tickets instead.
        time.sleep(1.5)
        p.p.send_signal(signal.SIGTERM)
        assert p.wait(10) == -signal.SIGTERM
        doc = json.loads(p.out.data)
        validate(doc)
        assert doc["handshake_complete"] is True
        assert doc["exit_status"] == 128 + signal.SIGTERM
        assert doc["error"]["reason"] == "SIGNAL"
    finally:
        p.kill()
