"""0-RTT, ``-early_data FILE``, against ``openssl s_server -early_data``:
sclient's output compared with ``openssl s_client``'s after masking, for
early data accepted (plain, ``-msg``, ``-state``, ``-trace``, ``-no_middlebox``,
several records, an empty file), rejected (a ticket s_server's anti-replay
already spent: a full handshake), rejected by a HelloRetryRequest (the
resumption goes on), an external PSK (``-psk_session``), a session that
allows none (nothing sent), and the file errors. The server's own output
proves it received the bytes."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_clientauth import run_client
from golden.test_golden_msg_state import compare
from golden.test_golden_trace import compare as trace_compare
from support import masking
from support.peers import HOST, OpenSSLServer, require
from support.procs import Result, _env, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]
DATA = b"GET / HTTP/1.0\r\nX-Early: 0-RTT\r\n\r\n"


@pytest.fixture(scope="module")
def certdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("openssl")
    d = tmp_path_factory.mktemp("early")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem"),
            *("-out", "c.pem", "-subj", "/CN=localhost", "-days", "30"),
        ],
        cwd=d,
        check=True,
        capture_output=True,
        env=_env(),
    )
    (d / "early.txt").write_bytes(DATA)
    # Two 8192-byte pieces and the rest: three records, within 16384.
    (d / "mid.bin").write_bytes(bytes(range(256)) * 40)
    (d / "empty.txt").write_bytes(b"")
    # More than s_server's max_early_data (16384): the third piece is refused.
    (d / "big.bin").write_bytes(bytes(range(256)) * 100)
    return d


def _server(certdir: Path, *args: str) -> OpenSSLServer:
    cert = ["-cert", str(certdir / "c.pem"), "-key", str(certdir / "k.pem")]
    return OpenSSLServer(None, ["-early_data", *args], cert_args=cert)


@pytest.fixture(scope="module")
def replayable(certdir: Path) -> Iterator[OpenSSLServer]:
    """-no_anti_replay: one ticket serves both clients."""
    with _server(certdir, "-no_anti_replay") as s:
        yield s


@pytest.fixture(scope="module")
def ticket(replayable: OpenSSLServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ticket") / "sess.pem"
    run_client(OPENSSL, _connect(replayable, "-sess_out", str(path)))
    assert path.exists()
    return path


def _connect(server: OpenSSLServer, *args: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", *args]


def _both(cmd: list[str]) -> tuple[Result, Result]:
    ref = run_client(OPENSSL, cmd)
    got = run_client(sclient_cmd(), cmd)
    return ref, got


@pytest.mark.parametrize(
    "extra",
    [(), ("-msg",), ("-state",), ("-msg", "-state", "-no_middlebox"), ("-trace",)],
    ids=["plain", "msg", "state", "no-middlebox", "trace"],
)
def test_accepted(
    replayable: OpenSSLServer, ticket: Path, certdir: Path, extra: tuple[str, ...]
) -> None:
    cmd = _connect(replayable, "-sess_in", str(ticket), "-early_data", str(certdir / "early.txt"))
    before = replayable.stdout.count(DATA)
    ref = run_client(OPENSSL, [*cmd, *extra])
    assert "Early data was accepted" in ref.stdout, ref.stdout
    got = run_client(sclient_cmd(), [*cmd, *extra])
    assert "Early data was accepted" in got.stdout
    assert "Reused, TLSv1.3" in got.stdout
    if "-trace" in extra:
        trace_compare(ref, got)
    else:
        compare(ref, got)
    # The server printed the early data of both clients.
    assert replayable.stdout.count(DATA) == before + 2


@pytest.mark.parametrize("name", ["mid.bin", "empty.txt"])
def test_accepted_records(
    replayable: OpenSSLServer, ticket: Path, certdir: Path, name: str
) -> None:
    """Several 8192-byte records; an empty file (the ClientHello still offers
    early data, no record carries any)."""
    cmd = _connect(replayable, "-sess_in", str(ticket), "-early_data", str(certdir / name), "-msg")
    ref, got = _both(cmd)
    assert "Early data was accepted" in got.stdout
    compare(ref, got)


def test_rejected_spent_ticket(certdir: Path, tmp_path: Path) -> None:
    """s_server's anti-replay takes each ticket once: the ticket used a first
    time without early data, both clients are refused the PSK (a full
    handshake) and print "rejected"."""
    with _server(certdir) as s:
        path = tmp_path / "sess.pem"
        run_client(OPENSSL, _connect(s, "-sess_out", str(path)))
        run_client(OPENSSL, _connect(s, "-sess_in", str(path)))
        cmd = _connect(
            s, "-sess_in", str(path), "-early_data", str(certdir / "early.txt"), "-msg", "-state"
        )
        ref, got = _both(cmd)
        assert DATA not in s.stdout
    assert "Early data was rejected" in got.stdout
    assert "New, TLSv1.3" in got.stdout
    compare(ref, got)


def test_rejected_by_hello_retry_request(certdir: Path, tmp_path: Path) -> None:
    """A key share the server does not take: HelloRetryRequest, early data
    rejected, the session still resumed; no second compatibility CCS."""
    with _server(certdir, "-no_anti_replay", "-groups", "X25519") as s:
        path = tmp_path / "sess.pem"
        run_client(OPENSSL, _connect(s, "-sess_out", str(path)))
        cmd = _connect(
            s,
            "-sess_in",
            str(path),
            "-groups",
            "P-256:X25519",
            "-early_data",
            str(certdir / "early.txt"),
            "-msg",
            "-state",
        )
        ref, got = _both(cmd)
    assert "Early data was rejected" in got.stdout
    assert "Reused, TLSv1.3" in got.stdout
    assert "TLSv1.3 pending early data end" in got.stderr
    compare(ref, got)


def test_session_without_early_data(certdir: Path, tmp_path: Path) -> None:
    """A ticket from a server without -early_data: nothing is offered or sent."""
    cert = ["-cert", str(certdir / "c.pem"), "-key", str(certdir / "k.pem")]
    with OpenSSLServer(None, [], cert_args=cert) as s:
        path = tmp_path / "sess.pem"
        run_client(OPENSSL, _connect(s, "-sess_out", str(path)))
        cmd = _connect(s, "-sess_in", str(path), "-early_data", "/nonexistent/early", "-msg")
        ref, got = _both(cmd)
    assert "Early data was not sent" in got.stdout
    compare(ref, got)


def test_external_psk(certdir: Path, ticket: Path) -> None:
    """-psk_session with max_early_data on both sides: accepted. (The
    session file also holds a peer certificate, which openssl prints as the
    server's; that difference is -psk_session's, not early data's: only the
    -state and -msg streams and the status lines are compared.)"""
    with _server(certdir, "-no_anti_replay", "-psk_session", str(ticket)) as s:
        cmd = _connect(
            s, "-psk_session", str(ticket), "-early_data", str(certdir / "early.txt"), "-state"
        )
        ref, got = _both(cmd)
        assert s.stdout.count(DATA) == 2
    for r in (ref, got):
        assert "Early data was accepted" in r.stdout
        assert "Reused, TLSv1.3" in r.stdout
    assert ref.stderr == got.stderr
    assert ref.rc == got.rc == 0


def test_unreadable_file(replayable: OpenSSLServer, ticket: Path) -> None:
    cmd = _connect(replayable, "-sess_in", str(ticket), "-early_data", "/nonexistent/early")
    ref, got = _both(cmd)
    assert ref.rc == got.rc == 1
    assert got.stderr.splitlines()[0] == "Cannot open early data file"
    assert ref.stderr == got.stderr
    # the offered session is the connection's: its certificate and cipher
    assert masking.mask(got.stdout) == masking.mask(ref.stdout)
    assert "New, TLSv1.3, Cipher is TLS_" in got.stdout


def test_too_much_early_data(replayable: OpenSSLServer, ticket: Path, certdir: Path) -> None:
    cmd = _connect(replayable, "-sess_in", str(ticket), "-early_data", str(certdir / "big.bin"))
    ref, got = _both(cmd)
    assert ref.rc == got.rc == 1
    lines = got.stderr.splitlines()
    assert lines[0] == "Error writing early data"
    assert ":too much early data:../ssl/record/ssl3_record.c:143:" in lines[1]
    assert len(lines) == len(ref.stderr.splitlines())
    # offered and not accepted: rejected (SSL_EARLY_DATA_REJECTED from the ClientHello on)
    assert masking.mask(got.stdout) == masking.mask(ref.stdout)
    assert "Early data was rejected" in got.stdout


@pytest.mark.parametrize("early", [True, False], ids=["accepted", "not-sent"])
def test_json_reports_early_data(
    replayable: OpenSSLServer, ticket: Path, certdir: Path, early: bool
) -> None:
    from support.jsondoc import sclient_json

    cmd = _connect(replayable, "-sess_in", str(ticket), "-json")
    if early:
        cmd += ["-early_data", str(certdir / "early.txt")]
    got = run_client(sclient_cmd(), cmd, stdin=b"")
    doc = sclient_json(got.stdout)
    want = "accepted" if early else "not_sent"
    assert doc["early_data"] == doc["connections"][-1]["early_data"] == want
    assert doc["resumed"] is True
