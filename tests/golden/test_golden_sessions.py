"""Sessions: ``-reconnect``, ``-sess_out`` and ``-sess_in`` against ``openssl
s_server``, sclient's output compared with ``openssl s_client``'s after
masking (TLS 1.2 by session id and by ticket), session files crossing
between the two clients in both directions, TLS 1.3 resumption proven by
the ``Reused`` line (OpenSSL's own ``-reconnect`` never resumes in TLS 1.3:
sclient reads the tickets first, a listed deviation), and the session-file
errors."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_clientauth import compare, run_client
from support.peers import HOST, OpenSSLServer, free_port, require, wait_listening
from support.procs import Proc, _env, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]


@pytest.fixture(scope="module")
def certdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("openssl")
    d = tmp_path_factory.mktemp("sessions")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-subj",
            "/CN=localhost",
            "-days",
            "30",
        ],
        cwd=d,
        check=True,
        capture_output=True,
        env=_env(),
    )
    return d


@pytest.fixture(scope="module")
def server(certdir: Path) -> Iterator[OpenSSLServer]:
    cert = ["-cert", str(certdir / "c.pem"), "-key", str(certdir / "k.pem")]
    s = OpenSSLServer(None, [], quiet=False, cert_args=cert)
    with s:
        yield s


def _connect(server: OpenSSLServer, *args: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", *args]


# --- -reconnect, TLS 1.2 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("-tls1_2",), ("-tls1_2", "-no_ticket"), ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256")],
    ids=["ticket", "session-id", "cbc-ticket"],
)
def test_reconnect_tls12(server: OpenSSLServer, args: tuple[str, ...]) -> None:
    cmd = _connect(server, "-reconnect", *args)
    ref = run_client(OPENSSL, cmd, stdin=b"")
    got = run_client(sclient_cmd(), cmd, stdin=b"")
    assert ref.stdout.count("Reused, TLSv1.2") == 5
    assert got.stdout.count("drop connection and then reconnect") == 5
    compare(ref, got)


def test_reconnect_tls12_brief(server: OpenSSLServer) -> None:
    cmd = _connect(server, "-reconnect", "-tls1_2", "-brief")
    compare(run_client(OPENSSL, cmd, stdin=b""), run_client(sclient_cmd(), cmd, stdin=b""))


# --- -reconnect, TLS 1.3 (deviation: sclient resumes) ------------------------------------


def test_reconnect_tls13_resumes(server: OpenSSLServer) -> None:
    cmd = _connect(server, "-reconnect")
    got = run_client(sclient_cmd(), cmd, stdin=b"")
    assert got.rc == 0, got.stderr
    out = got.stdout
    assert out.count("CONNECTED(") == 6
    assert out.count("drop connection and then reconnect") == 5
    assert out.count("New, TLSv1.3, Cipher is") == 1
    assert out.count("Reused, TLSv1.3, Cipher is") == 5
    # Verification lines come from the session, with no callback lines after the first.
    assert got.stderr.count("depth=0") == 2
    # openssl's own -reconnect makes six full handshakes.
    ref = run_client(OPENSSL, cmd, stdin=b"")
    assert "Reused, TLSv1.3" not in ref.stdout


def test_reconnect_tls13_without_tickets_does_not_stall(certdir: Path) -> None:
    """A TLS 1.3 server that sends no tickets: the wait for them is a few round
    trips, not a second per reconnection (six full handshakes, as openssl's)."""
    cert = ["-cert", str(certdir / "c.pem"), "-key", str(certdir / "k.pem")]
    with OpenSSLServer(None, ["-num_tickets", "0"], quiet=False, cert_args=cert) as s:
        cmd = _connect(s, "-reconnect")
        ref = run_client(OPENSSL, cmd, stdin=b"")
        t0 = time.monotonic()
        got = run_client(sclient_cmd(), cmd, stdin=b"")
        took = time.monotonic() - t0
    assert got.rc == ref.rc == 0, got.stderr
    assert got.stdout.count("New, TLSv1.3, Cipher is") == 6
    assert "Reused" not in got.stdout
    # Not a benchmark: the bug was five one-second waits, far above any loaded machine.
    assert took < 4.0, f"-reconnect took {took:.1f} s"
    compare(ref, got)


# --- -sess_out / -sess_in -----------------------------------------------------------------


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_openssl_session_file_read_by_sclient(
    server: OpenSSLServer, tmp_path: Path, version: str
) -> None:
    path = tmp_path / "ossl.pem"
    run_client(OPENSSL, _connect(server, version, "-sess_out", str(path)))
    assert path.exists()
    cmd = _connect(server, version, "-sess_in", str(path))
    ref = run_client(OPENSSL, cmd)
    got = run_client(sclient_cmd(), cmd)
    assert f"Reused, TLSv1.{version[-1]}" in got.stdout
    compare(ref, got)


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_sclient_session_file_read_by_openssl(
    server: OpenSSLServer, tmp_path: Path, version: str
) -> None:
    path = tmp_path / "ours.pem"
    got = run_client(sclient_cmd(), _connect(server, version, "-sess_out", str(path)))
    assert got.rc == 0, got.stderr
    text = subprocess.run(
        ["openssl", "sess_id", "-in", str(path), "-noout", "-text"],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    ).stdout
    assert f"Protocol  : TLSv1.{version[-1]}" in text
    assert "TLS session ticket:" in text
    # openssl writes the same file back unchanged: our DER is its DER.
    again = subprocess.run(
        ["openssl", "sess_id", "-in", str(path)],
        capture_output=True,
        env=_env(),
        check=True,
    ).stdout
    assert again == path.read_bytes()
    ref = run_client(OPENSSL, _connect(server, version, "-sess_in", str(path)))
    assert f"Reused, TLSv1.{version[-1]}" in ref.stdout, ref.stdout


def test_tls12_session_offered_to_tls13_server(server: OpenSSLServer, tmp_path: Path) -> None:
    """A TLS 1.2 session in a ClientHello that also offers TLS 1.3: its id is
    the legacy_session_id, the server picks TLS 1.3, a new session."""
    path = tmp_path / "s12.pem"
    run_client(OPENSSL, _connect(server, "-tls1_2", "-sess_out", str(path)))
    cmd = _connect(server, "-sess_in", str(path))
    ref = run_client(OPENSSL, cmd)
    got = run_client(sclient_cmd(), cmd)
    assert "New, TLSv1.3" in got.stdout
    compare(ref, got)


def test_sess_out_cannot_write(server: OpenSSLServer) -> None:
    cmd = _connect(server, "-tls1_2", "-sess_out", "/nonexistent/dir/s.pem")
    compare(run_client(OPENSSL, cmd), run_client(sclient_cmd(), cmd))


def test_sess_in_version_not_offered(server: OpenSSLServer, tmp_path: Path) -> None:
    """A TLS 1.3 session with -tls1_2 is not offered: a new TLS 1.2 session."""
    path = tmp_path / "s13.pem"
    run_client(OPENSSL, _connect(server, "-tls1_3", "-sess_out", str(path)))
    cmd = _connect(server, "-tls1_2", "-sess_in", str(path))
    ref = run_client(OPENSSL, cmd)
    got = run_client(sclient_cmd(), cmd)
    assert "New, TLSv1.2" in got.stdout
    compare(ref, got)


@pytest.mark.parametrize(
    ("version", "server_args", "client_args"),
    [
        # protocol_version alert: the server speaks only TLS 1.3
        ("-tls1_2", ["-tls1_3"], ["-tls1_2"]),
        # handshake_failure alert: no TLS 1.3 suite in common
        (
            "-tls1_3",
            ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"],
            ["-ciphersuites", "TLS_AES_256_GCM_SHA384"],
        ),
    ],
    ids=["tls1_2", "tls1_3"],
)
def test_sess_in_handshake_fails_before_server_hello(
    server: OpenSSLServer,
    certdir: Path,
    tmp_path: Path,
    version: str,
    server_args: list[str],
    client_args: list[str],
) -> None:
    """The offered session is still the connection's when the handshake fails
    before a ServerHello: the summary shows its certificate, verify result,
    cipher and (TLS 1.2) its whole SSL-Session block."""
    path = tmp_path / "s.pem"
    run_client(OPENSSL, _connect(server, version, "-sess_out", str(path)))
    cert = ["-cert", str(certdir / "c.pem"), "-key", str(certdir / "k.pem")]
    with OpenSSLServer(None, server_args, quiet=False, cert_args=cert) as other:
        cmd = _connect(other, "-sess_in", str(path), *client_args)
        ref = run_client(OPENSSL, cmd)
        got = run_client(sclient_cmd(), cmd)
    assert got.rc == 1
    assert f"New, TLSv1.{version[-1]}, Cipher is TLS" in got.stdout or (
        version == "-tls1_2" and "New, TLSv1.2, Cipher is ECDHE" in got.stdout
    )
    assert "Server certificate\n-----BEGIN CERTIFICATE-----" in got.stdout
    compare(ref, got)


@pytest.mark.parametrize(
    "content",
    [
        None,
        b"garbage\n",
        b"-----BEGIN SSL SESSION PARAMETERS-----\nAAAA\n-----END SSL SESSION PARAMETERS-----\n",
    ],
    ids=["missing", "no-pem", "bad-der"],
)
def test_sess_in_errors(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "s.pem"
    if content is not None:
        path.write_bytes(content)
    cmd = ["-connect", f"{HOST}:1", "-sess_in", str(path)]
    ref = run_client(OPENSSL, cmd, stdin=b"")
    assert ref.rc == 1
    compare(ref, run_client(sclient_cmd(), cmd, stdin=b""))


def test_reconnect_when_the_server_closes_after_each_handshake(certdir: Path) -> None:
    """openssl s_server with stdin at EOF closes each connection once the handshake
    is done: openssl s_client (which reads nothing before reconnecting) still makes
    its six connections, and so must sclient while it waits for tickets."""
    require("openssl")
    port = free_port()
    server = Proc(
        ["openssl", "s_server", "-accept", f"{HOST}:{port}", "-cert", str(certdir / "c.pem"),
         "-key", str(certdir / "k.pem"), "-quiet"],
        env=_env(), stdin_pipe=False,
    )  # fmt: skip
    with server:
        wait_listening(port, proc=server)
        cmd = ["-connect", f"{HOST}:{port}", "-reconnect"]
        ref = run_client(OPENSSL, cmd, stdin=b"")
        got = run_client(sclient_cmd(), cmd, stdin=b"")
    assert ref.stdout.count("CONNECTED(") == 6
    assert got.stdout.count("CONNECTED(") == 6, got.stdout + got.stderr
    assert got.stdout.count("drop connection and then reconnect") == 5
    assert got.rc == ref.rc
