"""TLS 1.2 renegotiation (output.md §8): sclient and ``openssl s_client``
against the same ``openssl s_server``, driven from both sides' stdin — our
``R`` (a full handshake under the current keys), the server's ``r`` (a
HelloRequest: an abbreviated handshake) and ``R`` (a HelloRequest asking
for a client certificate) — compared line for line after masking what is
random, plain and under ``-msg``/``-state``; data crosses both ways after
the renegotiation (the new keys in use). Also the refusals: a server that
does not allow client renegotiation (OpenSSL 3.0's default), our
``-no_renegotiation`` on either side's request, and ``R`` in TLS 1.3."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from golden.test_golden_msg_state import _SUMMARY_END, _server, certs, compare  # noqa: F401
from support.peers import HOST, OpenSSLServer
from support.procs import CLIENT_TIMEOUT, Proc, Result, _env, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]

#: One step: who gets the line ("c": the client, "s": the server) and the line.
Step = tuple[str, bytes]

TRACING = [(), ("-msg",), ("-state",), ("-msg", "-state")]
TRACING_IDS = ["plain", "msg", "state", "msg+state"]


def run(
    prefix: list[str],
    server: OpenSSLServer,
    args: Sequence[str],
    steps: Sequence[Step],
    summary_wait: float = 10,
) -> Result:
    """Run a client against ``server``; once its summary is out (at most
    ``summary_wait`` seconds), each step in turn, then ``Q``. A server line
    ``hello…`` is waited for on the client's stdout, a client line ``hello…``
    on the server's; other steps settle."""
    cmd = [*prefix, "-connect", f"{HOST}:{server.port}", *args]
    with Proc(cmd, env=_env()) as proc:
        deadline = time.monotonic() + summary_wait
        while time.monotonic() < deadline and proc.running():
            if b"---\n" in proc.out.data and any(m in proc.out.data for m in _SUMMARY_END):
                break
            time.sleep(0.02)
        time.sleep(0.5)
        for who, line in steps:
            with contextlib.suppress(BrokenPipeError, ValueError):
                if who == "s":
                    start = len(proc.out.data)
                    server.write(line)
                    if line.startswith(b"hello"):
                        proc.out.wait_for(line, 10, start)
                else:
                    start = len(server.stdout)
                    proc.write(line)
                    if line.startswith(b"hello") and server.proc is not None:
                        server.proc.out.wait_for(line, 10, start)
            time.sleep(1.0)
        with contextlib.suppress(BrokenPipeError, ValueError):
            proc.write(b"Q\n")
        return proc.finish(CLIENT_TIMEOUT)


def both(server: OpenSSLServer, args: Sequence[str], steps: Sequence[Step]) -> Result:
    ref = run(OPENSSL, server, args, steps)
    got = run(sclient_cmd(), server, args, steps)
    compare(ref, got)
    return got


@pytest.fixture(scope="module")
def reneg_server(certs: dict[str, list[str]]) -> Iterator[OpenSSLServer]:  # noqa: F811
    """Allows client-initiated renegotiation (OpenSSL 3.0 servers refuse it by default)."""
    with _server(certs["rsa"], "-client_renegotiation") as s:
        yield s


@pytest.fixture(scope="module")
def plain_server(certs: dict[str, list[str]]) -> Iterator[OpenSSLServer]:  # noqa: F811
    with _server(certs["rsa"]) as s:
        yield s


_DATA = [("s", b"hello-from-server-after\n"), ("c", b"hello-from-client-after\n")]


def _data(tracing: Sequence[str]) -> list[Step]:
    """Data both ways after a renegotiation the server asked for. Its ``read R
    BLOCK`` sits in s_client's stdout buffer until the next flush, which the
    server's data (written straight to fd 1) overtakes unless -msg flushes in
    between: sclient writes in the logical order, so the server's data only
    under -msg."""
    return _DATA if "-msg" in tracing else _DATA[1:]


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_client_renegotiation(reneg_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    """``R``: RENEGOTIATING, a full handshake (the verify callback again), data both ways."""
    got = both(reneg_server, ["-tls1_2", *tracing], [("c", b"R\n"), *_DATA])
    assert got.rc == 0
    assert got.stderr.count("verify return:1") == 4
    assert "hello-from-server-after" in got.stdout


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_server_hello_request(reneg_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    """The server's ``r``: an abbreviated handshake resuming the session, read R BLOCK."""
    got = both(reneg_server, ["-tls1_2", *tracing], [("s", b"r\n"), *_data(tracing)])
    assert got.rc == 0
    assert "read R BLOCK" in got.stdout


@pytest.mark.parametrize("cert", [False, True], ids=["nocert", "cert"])
@pytest.mark.parametrize("tracing", [(), ("-msg", "-state")], ids=["plain", "msg+state"])
def test_server_hello_request_cert(
    reneg_server: OpenSSLServer,
    certs: dict[str, list[str]],  # noqa: F811
    cert: bool,
    tracing: tuple[str, ...],
) -> None:
    """The server's ``R`` (a HelloRequest after asking for client certificates)."""
    args = ["-tls1_2", *tracing, *(certs["ecdsa"] if cert else ())]
    both(reneg_server, args, [("s", b"R\n"), *_data(tracing)])


def test_renegotiation_twice(reneg_server: OpenSSLServer) -> None:
    """Ours, the server's, ours again: each binds the one before (RFC 5746)."""
    steps = [("c", b"R\n"), ("s", b"r\n"), ("c", b"R\n"), *_DATA]
    got = both(reneg_server, ["-tls1_2", "-msg", "-state"], steps)
    assert got.rc == 0


@pytest.mark.parametrize("tracing", [(), ("-state",), ("-msg",)], ids=["plain", "state", "msg"])
def test_client_renegotiation_refused(
    plain_server: OpenSSLServer, tracing: tuple[str, ...]
) -> None:
    """A server that does not allow client renegotiation answers with a
    no_renegotiation warning: handshake_failure, ``no renegotiation``, exit 1."""
    got = both(plain_server, ["-tls1_2", *tracing], [("c", b"R\n")])
    assert got.rc == 1
    assert ":ssl3_read_bytes:no renegotiation:" in got.stderr


@pytest.mark.parametrize("who", ["c", "s"])
def test_no_renegotiation_option(reneg_server: OpenSSLServer, who: str) -> None:
    """-no_renegotiation: ``R`` fails in can_renegotiate; the server's
    HelloRequest is answered with a no_renegotiation warning."""
    line = b"R\n" if who == "c" else b"r\n"
    got = both(reneg_server, ["-tls1_2", "-no_renegotiation", "-state"], [(who, line)])
    assert got.rc == 1


@pytest.mark.parametrize("tracing", [(), ("-state",)], ids=["plain", "state"])
def test_tls13_renegotiation(reneg_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    """``R`` in TLS 1.3: RENEGOTIATING, ``wrong ssl version``, exit 1."""
    got = both(reneg_server, list(tracing), [("c", b"R\n")])
    assert got.rc == 1
    assert ":can_renegotiate:wrong ssl version:" in got.stderr


def test_json_renegotiations(reneg_server: OpenSSLServer) -> None:
    """-json lists each renegotiation (who asked, resumed or not) and, as the
    connection's, the handshake the last one made."""
    from support.jsondoc import sclient_json

    steps: list[Step] = [("c", b"R\n"), ("s", b"r\n")]
    got = run(sclient_cmd(), reneg_server, ["-tls1_2", "-json"], steps, summary_wait=1.5)
    doc = sclient_json(got.stdout)
    assert doc["exit_status"] == got.rc == 0
    assert [(r["initiated_by"], r["complete"], r["resumed"]) for r in doc["renegotiations"]] == [
        ("client", True, False),
        ("server", True, True),
    ]
    assert doc["renegotiations"][0]["protocol"] == "TLSv1.2"
    assert doc["secure_renegotiation"] is True


def test_json_renegotiation_refused(plain_server: OpenSSLServer) -> None:
    from support.jsondoc import sclient_json

    args = ["-tls1_2", "-json"]
    doc = sclient_json(run(sclient_cmd(), plain_server, args, [("c", b"R\n")], 1.5).stdout)
    assert doc["exit_status"] == 1
    assert doc["renegotiations"] == [
        {
            "initiated_by": "client",
            "complete": False,
            "resumed": False,
            "protocol": None,
            "cipher": None,
            "time_ms": None,
        }
    ]
    assert doc["error"]["text"] == "no renegotiation"


def test_sess_out_after_renegotiation(reneg_server: OpenSSLServer, tmp_path: Path) -> None:
    """s_client's new-session callback runs again at the end of the
    renegotiation: -sess_out holds the new session, not the summary's."""
    import re
    import subprocess

    for prefix in (OPENSSL, sclient_cmd()):
        path = tmp_path / "sess.pem"
        path.unlink(missing_ok=True)
        got = run(prefix, reneg_server, ["-tls1_2", "-sess_out", str(path)], [("c", b"R\n")])
        assert got.rc == 0
        shown = re.findall(r"Session-ID: ([0-9A-F]+)", got.stdout)
        text = subprocess.run(
            ["openssl", "sess_id", "-in", str(path), "-noout", "-text"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        kept = re.findall(r"Session-ID: ([0-9A-F]+)", text)
        assert len(shown) == 1 and len(kept) == 1 and kept != shown, (prefix, shown, kept)


def test_prexit_after_renegotiations(reneg_server: OpenSSLServer) -> None:
    """-prexit's last summary shows the last renegotiation's session: after an
    abbreviated one, "Reused", with the peer signature, temp key and verify
    result of the full handshake before it (OpenSSL keeps them)."""
    got = both(reneg_server, ["-tls1_2", "-prexit"], [("c", b"R\n"), ("s", b"r\n")])
    assert "Reused, TLSv1.2" in got.stdout


def test_security_debug_renegotiation(reneg_server: OpenSSLServer) -> None:
    """-security_debug: the renegotiation ClientHello's refused signature algorithms."""
    got = both(reneg_server, ["-tls1_2", "-security_debug"], [("c", b"R\n")])
    after = got.stderr.split("RENEGOTIATING\n", 1)[1]
    assert "Security callback: Supported Signature Algorithm" in after
