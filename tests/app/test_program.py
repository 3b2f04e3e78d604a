"""The program end to end: ``sclient`` against real servers on loopback.

Each test runs with two engines: ``fake`` (a stand-in on Python's ``ssl``,
tests/app/fake_engine.py, so the driver is tested on its own) and ``real``
(sclient's engine, skipped until ``sclient.tls.client`` exists).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.app.helpers import ScriptedServer, client_cmd, env, real_engine_available

from support.jsondoc import sclient_json
from support.peers import OpenSSLServer, PyTLSServer
from support.pki import PKI
from support.procs import Proc

ENGINES = [
    "fake",
    pytest.param(
        "real",
        marks=pytest.mark.skipif(not real_engine_available(), reason="engine not there yet"),
    ),
]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def s_server(pki: PKI) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(pki["rsa"]) as srv:
        yield srv


def sclient(engine: str, *args: str) -> Proc:
    return Proc([*client_cmd(engine), *args], env=env())


def finish(p: Proc, stdin: bytes | None = b"", timeout: float = 30) -> tuple[int, str, str]:
    if stdin:
        p.write(stdin)
    rc, out, err = p.finish(timeout)
    return rc, out, err


def test_default_run(engine: str, s_server: OpenSSLServer, pki: PKI) -> None:
    p = sclient(engine, "-connect", f"127.0.0.1:{s_server.port}", "-CAfile", str(pki["rsa"].root))
    assert p.wait_stdout(b"\n---\n", 20) and p.wait_stdout(b"Verify return code", 20)
    rc, out, err = finish(p)
    assert rc == 0
    assert out.startswith("CONNECTED(0000000")
    assert "\n---\nCertificate chain\n 0 s:" in out
    assert "\nServer certificate\n-----BEGIN CERTIFICATE-----\n" in out
    assert "\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\n" in out
    assert "\nSSL handshake has read " in out
    assert err.startswith("Can't use SSL_get_servername\n")
    assert err.endswith("DONE\n")


def test_sni_sent_no_notice(engine: str, s_server: OpenSSLServer) -> None:
    p = sclient(engine, "-connect", f"127.0.0.1:{s_server.port}", "-servername", "localhost")
    assert p.wait_stdout(b"Verify return code", 20)
    rc, _out, err = finish(p)
    assert rc == 0 and "SSL_get_servername" not in err


def test_brief(engine: str, s_server: OpenSSLServer) -> None:
    p = sclient(engine, "-connect", f"127.0.0.1:{s_server.port}", "-brief")
    assert p.wait_stderr(b"CONNECTION ESTABLISHED\n", 20)
    rc, out, err = finish(p)
    assert rc == 0 and out == ""
    assert (
        "CONNECTION ESTABLISHED\nProtocol version: TLSv1.3\nCiphersuite: TLS_AES_256_GCM_SHA384\n"
        in err
    )
    assert "Peer certificate: O = sclient tests, CN = localhost\n" in err
    assert err.endswith("DONE\n")


def test_tls12_session_block(engine: str, s_server: OpenSSLServer) -> None:
    p = sclient(engine, "-connect", f"127.0.0.1:{s_server.port}", "-tls1_2")
    assert p.wait_stdout(b"Extended master secret", 20)
    rc, out, _err = finish(p)
    assert rc == 0
    assert "\nNew, TLSv1.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384\n" in out
    assert "\nSecure Renegotiation IS supported\n" in out
    assert (
        "\nSSL-Session:\n    Protocol  : TLSv1.2\n    Cipher    : ECDHE-RSA-AES256-GCM-SHA384\n"
        in out
    )
    assert "Early data" not in out


def test_showcerts_and_prexit(engine: str, s_server: OpenSSLServer) -> None:
    p = sclient(engine, "-connect", f"127.0.0.1:{s_server.port}", "-showcerts", "-prexit")
    assert p.wait_stdout(b"Verify return code", 20)
    rc, out, _err = finish(p)
    assert rc == 0
    assert out.count("-----BEGIN CERTIFICATE-----") == 4  # chain of 2, printed twice
    assert "Server certificate\nsubject=O = sclient tests, CN = localhost\n" in out
    assert out.count("\nSSL handshake has read ") == 2


def test_data_both_ways_crlf_and_eof(engine: str, pki: PKI) -> None:
    with PyTLSServer(pki["rsa"], reply_fn=lambda line: b"echo:" + line) as srv:
        p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}", "-crlf", "-quiet")
        p.write(b"hello\n")
        assert p.wait_stdout(b"echo:hello\r", 20)
        assert srv.expect_client_line("hello\r", 5) or b"hello\r" in srv.lines
        p.close_stdin()
        # -quiet implies -ign_eof: still connected after stdin EOF
        time.sleep(0.5)
        assert p.running()
        p.kill()


def test_q_command_and_nocommands(engine: str, pki: PKI) -> None:
    with PyTLSServer(pki["rsa"]) as srv:
        p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}")
        assert p.wait_stdout(b"Verify return code", 20)
        p.write(b"Quit now\n")
        rc = p.wait(10)
        assert rc == 0 and p.err.data.endswith(b"DONE\n")
        p.kill()
        p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}", "-nocommands")
        assert p.wait_stdout(b"Verify return code", 20)
        p.write(b"Quit now\n")
        assert p.wait_stdout(b"Quit now", 10)  # the default echo server answers with the line
        rc, _out, err = finish(p)
        assert rc == 0 and err.endswith("DONE\n")


def test_close_notify_prints_closed(engine: str, pki: PKI) -> None:
    with PyTLSServer(pki["rsa"], greeting=b"bye\n", close_after_greeting=True) as srv:
        p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}", "-ign_eof")
        p.close_stdin()
        rc = p.wait(20)
        assert rc == 0
        out = p.out.data.decode()
        assert out.endswith("bye\nclosed\n")


class RudeServer:
    """TLS server that sends a line then drops TCP without close_notify (or resets)."""

    def __init__(self, pki: PKI, reset: bool) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(pki["rsa"].fullchain), str(pki["rsa"].key))
        self.reset = reset
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(20)
        raw, _ = self.sock.accept()
        conn = self.ctx.wrap_socket(raw, server_side=True)
        conn.sendall(b"hi\n")
        time.sleep(0.5)
        sock = socket.socket(fileno=conn.detach())
        if self.reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        self.sock.close()


@pytest.mark.parametrize(
    "extra,rc,tail",
    [
        (
            [],
            1,
            "error:0A000126:SSL routines:ssl3_read_n:unexpected eof while reading:../ssl/record/rec_layer_s3.c:318:\n",
        ),
        (["-ignore_unexpected_eof"], 0, None),
    ],
)
def test_unexpected_eof(engine: str, pki: PKI, extra: list[str], rc: int, tail: str | None) -> None:
    srv = RudeServer(pki, reset=False)
    p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}", "-ign_eof", *extra)
    p.close_stdin()
    assert p.wait(20) == rc
    if tail:
        assert p.err.data.decode().endswith(tail)
    else:
        assert p.out.data.decode().endswith("hi\nclosed\n")


def test_reset_gives_read_errno(engine: str, pki: PKI) -> None:
    srv = RudeServer(pki, reset=True)
    p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}", "-ign_eof")
    p.close_stdin()
    assert p.wait(20) == 104
    assert p.err.data.decode().endswith("read:errno=104\n")


class ForwardingProxy:
    """Minimal HTTP CONNECT proxy (one connection)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = int(self.sock.getsockname()[1])
        self.request = b""
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(20)
        c, _ = self.sock.accept()
        while b"\r\n\r\n" not in self.request:
            self.request += c.recv(4096)
        host, port = self.request.split(b" ")[1].rsplit(b":", 1)
        up = socket.create_connection((host.decode(), int(port)))
        c.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")

        def pipe(a: socket.socket, b: socket.socket) -> None:
            try:
                while True:
                    d = a.recv(16384)
                    if not d:
                        break
                    b.sendall(d)
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    b.shutdown(socket.SHUT_WR)

        threading.Thread(target=pipe, args=(up, c), daemon=True).start()
        pipe(c, up)


def test_proxy_end_to_end(engine: str, s_server: OpenSSLServer) -> None:
    proxy = ForwardingProxy()
    p = sclient(
        engine,
        "-proxy",
        f"127.0.0.1:{proxy.port}",
        "-connect",
        f"127.0.0.1:{s_server.port}",
        "-proxy_user",
        "bob",
        "-proxy_pass",
        "pass:secret",
    )
    assert p.wait_stdout(b"Verify return code", 20)
    rc, out, _err = finish(p)
    assert rc == 0
    assert proxy.request.startswith(f"CONNECT 127.0.0.1:{s_server.port} HTTP/1.0\r\n".encode())
    assert b"Proxy-Authorization: Basic Ym9iOnNlY3JldA==\r\n" in proxy.request
    assert "\nNew, TLSv1.3," in out


def test_sigterm_while_waiting(engine: str) -> None:
    silent = ScriptedServer(b"", wait_for=None, close=False)
    p = sclient(engine, "-connect", f"127.0.0.1:{silent.port}")
    assert p.wait_stdout(b"CONNECTED(", 20)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == -signal.SIGTERM  # dies by the signal, as openssl does
    assert b"Traceback" not in p.err.data
    p.kill()


def test_handshake_alert_failure(engine: str) -> None:
    # A server that answers any ClientHello with a fatal protocol_version alert.
    srv = ScriptedServer(bytes.fromhex("15030300020246"), wait_for=b"\x16\x03")
    p = sclient(engine, "-connect", f"127.0.0.1:{srv.port}")
    rc, out, err = finish(p)
    assert rc == 1
    assert "error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:" in err
    assert err.rstrip().endswith("SSL alert number 70")
    assert "\nno peer certificate available\n" in out
    assert "\nNew, (NONE), Cipher is (NONE)\n" in out


def test_json_document(engine: str, s_server: OpenSSLServer, tmp_path: Path) -> None:
    p = sclient(
        engine, "-connect", f"127.0.0.1:{s_server.port}", "-json", "-servername", "localhost"
    )
    rc, out, _err = finish(p)
    assert rc == 0
    doc = sclient_json(out)
    assert doc["protocol"] == "TLSv1.3"
    assert doc["cipher"]["openssl"] == "TLS_AES_256_GCM_SHA384"
    assert doc["cipher"]["iana"] == "TLS_AES_256_GCM_SHA384"
    assert doc["sni"] == "localhost"
    assert [c["subject"] for c in doc["certificate_chain"]] == [
        "O = sclient tests, CN = localhost",
        "placeholder",
    ] or len(doc["certificate_chain"]) == 2
    assert doc["exit_status"] == 0 and doc["error"] is None
    assert doc["bytes"]["read"] > 0 and doc["timing_ms"]["total"] >= doc["timing_ms"]["connect"]


def test_json_on_connect_failure(engine: str) -> None:
    from tests.app.helpers import closed_port

    p = sclient(engine, "-connect", f"127.0.0.1:{closed_port()}", "-json")
    rc, out, err = finish(p)
    assert rc == 1
    doc = sclient_json(out)
    assert doc["connected"] is False and doc["exit_status"] == 1
    assert doc["error"]["text"] == "connect error"
    assert "connect:errno=111" in err


def test_internal_error_is_one_line(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sclient.app.run import run

    class Broken:
        def __getattr__(self, name: str) -> object:
            raise RuntimeError("boom")

    monkeypatch.delenv("SCLIENT_DEBUG", raising=False)
    assert run(Broken()) == 1
    err = capfd.readouterr().err
    assert err == "s_client: internal error: RuntimeError: boom\n"
    monkeypatch.setenv("SCLIENT_DEBUG", "1")
    with pytest.raises(RuntimeError):
        run(Broken())


@pytest.mark.skipif(not real_engine_available(), reason="engine not there yet")
def test_keylog_labels_and_order_match_openssl(s_server: OpenSSLServer, tmp_path: Path) -> None:
    from tests.app.helpers import run

    ours, ref = tmp_path / "ours.log", tmp_path / "ref.log"
    r = run(
        [*client_cmd("real"), "-connect", f"127.0.0.1:{s_server.port}", "-keylogfile", str(ours)]
    )
    assert r.returncode == 0
    r = run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{s_server.port}", "-keylogfile", str(ref)]
    )
    assert r.returncode == 0

    def shape(p: Path) -> list[tuple[str, int, int]]:
        lines = p.read_text().splitlines()
        assert lines[0] == "# SSL/TLS secrets log file, generated by OpenSSL"
        out = []
        for line in lines[1:]:
            label, rnd, secret = line.split(" ")
            assert rnd == rnd.lower() and secret == secret.lower()
            out.append((label, len(rnd), len(secret)))
        return out

    assert shape(ours) == shape(ref)
    # One client random per connection, shared by every line.
    assert len({line.split(" ")[1] for line in ours.read_text().splitlines()[1:]}) == 1


@pytest.mark.skipif(not real_engine_available(), reason="engine not there yet")
def test_tls13_summary_and_tickets_match_openssl(s_server: OpenSSLServer, pki: PKI) -> None:
    """stdout line for line, random values masked (verify lines are on stderr).
    Stdin stays open a moment so that both clients see the two tickets."""
    import re

    def masked(cmd: list[str]) -> list[str]:
        p = Proc(
            [*cmd, "-connect", f"127.0.0.1:{s_server.port}", "-CAfile", str(pki["rsa"].root)],
            env=env(),
        )
        time.sleep(1.5)  # openssl's stdout is block-buffered on a pipe: wait, then EOF
        rc, out, _err = finish(p)
        assert rc == 0
        text = out
        text = re.sub(r"(Session-ID|Resumption PSK|Master-Key): [0-9A-F]+", r"\1: X", text)
        text = re.sub(r"Start Time: \d+", "Start Time: T", text)
        text = re.sub(r"written \d+ bytes", "written W bytes", text)
        return [ln for ln in text.splitlines() if not re.match(r"^    [0-9a-f]{4} - ", ln)]

    assert masked(client_cmd("real")) == masked(["openssl", "s_client"])
