"""The driver in-process, with a stand-in socket where timing would decide.

A real socket cannot make these cases happen on demand (which of the peer's
FIN and RST a read sees first is up to the kernel), so the connection here is
an object with the same methods that does exactly what each case needs.
"""

from __future__ import annotations

import errno
import os
import pty
import select
import shlex
import signal
import socket
import subprocess
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.app.helpers import ScriptedServer

from sclient.app.common import Shut
from sclient.app.console import Console
from sclient.app.program import Program
from sclient.app.settings import build_settings
from sclient.cli.parse import parse_args
from support.jsondoc import sclient_json
from support.peers import HOST, OpenSSLServer, PyTLSServer, read_record
from support.pki import PKI
from support.procs import Proc, Pump, _env, run, run_openssl_s_client, run_sclient, sclient_cmd


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
    with pytest.raises(Shut) as shut:
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
    greeting = b"* OK IMAP4rev1 ready\r\n"
    with PyTLSServer(pki["rsa"], greeting=greeting, close_after_greeting=True) as srv:
        res = run_sclient(["-connect", f"{HOST}:{srv.port}", "-json", "-ign_eof"], stdin=None)
    assert res.rc == 0, res.stderr
    doc = sclient_json(res.stdout)  # the whole of stdout, nothing before it
    assert doc["handshake_complete"] is True
    assert doc["bytes"]["read"] > doc["bytes"]["handshake_read"] + len(greeting)


# --- signals ------------------------------------------------------------------------------


def _spawn(cmd: list[str], preexec: Callable[[], None] | None) -> subprocess.Popen[bytes]:
    """``cmd`` in a session of its own, pipes on all three streams; ``preexec``
    runs in the child before the program (a Proc cannot take one)."""
    return subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        start_new_session=True,
        preexec_fn=preexec,
    )


def _connected_and_waiting(cmd: list[str], *, ignore_sigint: bool = False) -> Proc:
    """``cmd`` connected to a TLS server that completes the handshake, then waits."""

    def ignore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    p = _spawn(cmd, ignore if ignore_sigint else None)
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


def test_sigterm_with_json_prints_the_document(quiet_server: OpenSSLServer, tmp_path: Path) -> None:
    sess = tmp_path / "sess.pem"
    p = _connected_and_waiting(
        [*sclient_cmd(), "-connect", f"{HOST}:{quiet_server.port}", "-json", "-sess_out", str(sess)]
    )
    try:
        # -json prints nothing before the end: wait for the server's ticket instead
        # (-sess_out writes the session when it arrives, after the handshake).
        deadline = time.monotonic() + 30
        while not sess.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sess.exists(), p.err.data
        p.p.send_signal(signal.SIGTERM)
        assert p.wait(10) == -signal.SIGTERM
        doc = sclient_json(p.out.data)
        assert doc["handshake_complete"] is True
        assert doc["exit_status"] == 128 + signal.SIGTERM
        assert doc["error"]["reason"] == "SIGNAL"
    finally:
        p.kill()


# --- the pass-phrase prompt -----------------------------------------------------------------


@pytest.fixture(scope="module")
def encrypted_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("enckey")
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-aes128", "-pass", "pass:secret", "-out", "k.pem"],
        cwd=d, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", "-new", "-x509", "-key", "k.pem", "-passin", "pass:secret",
         "-subj", "/CN=client", "-out", "c.pem"],
        cwd=d, check=True, capture_output=True,
    )  # fmt: skip
    return d / "c.pem", d / "k.pem"


@pytest.mark.parametrize("client", ["openssl", "sclient"])
def test_pass_phrase_is_read_from_the_terminal_without_echo(
    client: str, pki: PKI, encrypted_key: tuple[Path, Path]
) -> None:
    """With a terminal, the prompt and the answer use /dev/tty with echo off;
    the data piped to stdin goes to the server, not into the pass phrase."""
    cert, key = encrypted_key
    prefix = ["openssl", "s_client"] if client == "openssl" else sclient_cmd()
    master, slave = pty.openpty()
    slave_name = os.ttyname(slave)

    def take_terminal() -> None:  # runs in the child, a new session's leader
        os.close(os.open(slave_name, os.O_RDWR))  # becomes the controlling terminal

    with OpenSSLServer(pki["rsa"]) as srv:
        cmd = [*prefix, "-connect", f"{HOST}:{srv.port}", "-cert", str(cert), "-key", str(key)]
        p = _spawn(cmd, take_terminal)
        try:  # the parent keeps the slave open: the child opens /dev/tty only to prompt
            assert p.stdin is not None
            p.stdin.write(b"data for the server\n")
            p.stdin.flush()
            screen = b""
            deadline = time.monotonic() + 20
            while b"Enter pass phrase for" not in screen and time.monotonic() < deadline:
                if select.select([master], [], [], 0.2)[0]:
                    screen += os.read(master, 1024)
            assert screen.endswith(f"Enter pass phrase for {key}:".encode())
            while termios.tcgetattr(slave)[3] & termios.ECHO and time.monotonic() < deadline:
                time.sleep(0.01)  # type once the client has turned echo off
            assert not termios.tcgetattr(slave)[3] & termios.ECHO
            os.write(master, b"secret\n")
            assert srv.proc is not None and srv.proc.out.wait_for(b"data for the server", 20)
            time.sleep(0.2)
            while select.select([master], [], [], 0.2)[0]:
                try:
                    screen += os.read(master, 1024)
                except OSError:
                    break
            assert b"secret" not in screen  # not echoed
            assert screen.endswith(b":\r\n")  # the newline after the answer
            p.stdin.write(b"Q\n")
            p.stdin.close()
            assert p.wait(20) == 0
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            os.close(master)
            os.close(slave)


@pytest.mark.parametrize("answer", [b"secret\n", b"secret", b"wrong\n"])
def test_pass_phrase_from_stdin_without_a_terminal(
    answer: bytes, pki: PKI, encrypted_key: tuple[Path, Path]
) -> None:
    """No terminal: stdin and stderr, a newline after the answer, and a last
    line without its newline is no answer at all (prompted again)."""
    from support import masking

    cert, key = encrypted_key
    with OpenSSLServer(pki["rsa"]) as srv:
        args = ["-connect", f"{HOST}:{srv.port}", "-cert", str(cert), "-key", str(key)]
        ref = run_openssl_s_client(args, stdin=answer)
        got = run_sclient(args, stdin=answer)
    assert got.rc == ref.rc
    mask = (masking.ERROR_POSITION,)
    want_err = masking.mask(ref.stderr, *mask)
    assert masking.mask(got.stderr, *mask).startswith(want_err.split("depth=")[0])
    assert got.stderr.startswith(f"Enter pass phrase for {key}:\n")


# --- what goes on the wire ----------------------------------------------------------------


def _client_hello_over_unix(prefix: list[str], path: Path) -> bytes:
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        s.listen(1)
        s.settimeout(20)
        with Proc([*prefix, "-unix", str(path)], env=_env()) as proc:
            c, _ = s.accept()
            with c:
                data = read_record(c)
            proc.finish()
    path.unlink()
    return data


def _extension_types(record: bytes) -> list[int]:
    body = record[9:]
    pos = 34 + 1 + body[34]
    pos += 2 + int.from_bytes(body[pos : pos + 2], "big")
    pos += 1 + body[pos]
    end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
    pos += 2
    types = []
    while pos < end:
        types.append(int.from_bytes(body[pos : pos + 2], "big"))
        pos += 4 + int.from_bytes(body[pos + 2 : pos + 4], "big")
    return types


def test_unix_socket_sends_no_server_name(tmp_path: Path) -> None:
    ref = _extension_types(_client_hello_over_unix(["openssl", "s_client"], tmp_path / "o"))
    got = _extension_types(_client_hello_over_unix(sclient_cmd(), tmp_path / "s"))
    assert 0 not in ref  # openssl: no host, no SNI
    assert got == ref


HTTP_RESPONSE = (
    b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n"
    b"Content-Length: 255\r\nConnection: close\r\n\r\n" + b"<html>" + b"x" * 243 + b"</html>\r\n"
)


@pytest.mark.parametrize("extra", [[], ["-prexit"], ["-tls1_2"]])
def test_plaintext_port_read_count_is_the_header(extra: list[str]) -> None:
    """A TLS client on a plain-HTTP port: the record layer reads the five bytes
    of the "header" and fails; the summary counts those, not the whole reply."""
    from support import masking

    outs = []
    for prefix in (["openssl", "s_client"], sclient_cmd()):
        srv = ScriptedServer(HTTP_RESPONSE, wait_for=b"\x16\x03")
        res = run([*prefix, "-connect", f"127.0.0.1:{srv.port}", *extra], stdin=b"")
        outs.append(res)
    ref, got = outs
    assert "SSL handshake has read 5 bytes" in ref.stdout
    assert got.rc == ref.rc
    mask = (masking.ERROR_POSITION,)
    assert masking.mask(got.stdout, *mask) == masking.mask(ref.stdout, *mask)
    assert masking.mask(got.stderr, *mask) == masking.mask(ref.stderr, *mask)
