"""-connect_timeout and -max_time against servers that stop answering at each
phase: a TCP accept that says nothing, a STARTTLS greeting never sent, a
ServerHello never sent, a handshake that stalls after the Certificate, a
proxy that never answers CONNECT (HTTP and SOCKS5), a DTLS server that never
answers, a name lookup that never returns, a session that outlives
-max_time. Each run ends within the bound (checked generously: bound + 3 s,
the start of the interpreter included) with exit 1, the error line naming the
phase, and a -json document whose error names it too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from support import tlsforge as t
from support.jsondoc import sclient_json
from support.peers import HOST, OpenSSLServer, ThreadedListener, refused_port
from support.pki import PKI
from support.procs import _env, sclient_cmd

BOUND = 1.0
SLACK = 3.0
SRC = Path(__file__).resolve().parents[2] / "src"


class Stall(ThreadedListener):
    """Accepts, plays ``script`` on each connection, then holds it open, silent."""

    def __init__(self, script: str, ders: list[bytes] | None = None) -> None:
        self._init_listener()
        self.script = script
        self.ders = ders or []
        self.held: list[socket.socket] = []

    def _on_connection(self, conn: socket.socket) -> None:
        self.held.append(conn)
        self._spawn(self._play, conn)

    def _play(self, sock: socket.socket) -> None:
        c = t.Conn(sock)
        try:
            if self.script == "after_certificate":
                ch = c.read_client_hello()
                secure_reneg = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00")
                hello = t.server_hello(
                    session_id=ch.session_id, cipher=0xC02F, extensions=secure_reneg
                )
                cert = t.certificate_tls12(self.ders)
                c.send(t.record(t.HANDSHAKE, hello) + t.record(t.HANDSHAKE, cert))
        except Exception:
            pass
        while not self._stop.is_set():  # silent, open
            time.sleep(0.1)
        sock.close()


def _ders(pki: PKI) -> list[bytes]:
    c = pki["rsa"]
    return [
        x509.load_pem_x509_certificate(p.read_bytes()).public_bytes(serialization.Encoding.DER)
        for p in (c.leaf, c.chain)
    ]


def run_timed(args: list[str], cmd: list[str] | None = None) -> tuple[int, str, str, float]:
    """Run sclient with stdin open (never EOF): (status, stdout, stderr, seconds)."""
    r, w = os.pipe()
    start = time.monotonic()
    p = subprocess.Popen(
        [*(cmd or sclient_cmd()), *args],
        stdin=r,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    os.close(r)
    try:
        out, err = p.communicate(timeout=BOUND + 30)
    finally:
        os.close(w)
        if p.poll() is None:
            p.kill()
    return p.returncode, out.decode(), err.decode(), time.monotonic() - start


def assert_timed_out(
    args: list[str],
    phase: str,
    limit: str = "connect_timeout",
    cmd: list[str] | None = None,
    bound: float = BOUND,
) -> dict:
    """``bound``: larger where the phase must first be reached (a handshake
    takes most of a second on a loaded machine, its first one importing)."""
    option = f"-{limit}"
    rc, out, err, elapsed = run_timed([*args, option, f"{bound:g}", "-json"], cmd)
    assert rc == 1, err
    assert bound <= elapsed < bound + SLACK, elapsed
    reason = "connect timeout" if limit == "connect_timeout" else "transfer timed out"
    line = [ln for ln in err.splitlines() if f":{reason}:" in ln]
    assert line, err
    assert f"phase {phase} (" in line[0] and f"within {option} {bound:g} s" in line[0]
    doc = sclient_json(out)
    e = doc["error"]
    assert e["reason"] == "TIMEOUT"
    assert e["timeout"] == {"phase": phase, "limit": limit, "seconds": bound}
    assert e["stage"] == ("connect" if phase == "dns" else phase)
    assert e["text"] == reason
    assert doc["exit_status"] == 1
    return doc


@pytest.fixture
def silent() -> Iterator[Stall]:
    with Stall("silent") as s:
        yield s


def test_accept_but_silent_is_the_handshake(silent: Stall) -> None:
    """TCP accepted, ClientHello sent, no ServerHello ever."""
    doc = assert_timed_out(["-connect", f"{HOST}:{silent.port}"], "handshake")
    assert doc["connected"] is True and doc["handshake_complete"] is False


def test_starttls_greeting_never_sent(silent: Stall) -> None:
    assert_timed_out(["-connect", f"{HOST}:{silent.port}", "-starttls", "smtp"], "starttls")


def test_max_time_names_the_phase(silent: Stall) -> None:
    assert_timed_out(
        ["-connect", f"{HOST}:{silent.port}", "-starttls", "imap"], "starttls", "max_time"
    )


def test_handshake_stalls_after_certificate(pki: PKI) -> None:
    with Stall("after_certificate", _ders(pki)) as s:
        doc = assert_timed_out(["-connect", f"{HOST}:{s.port}", "-tls1_2"], "handshake", bound=4)
    names = [m["type"] for m in doc["connections"][0]["messages"] if m["direction"] == "received"]
    assert names[:2] == [t.SERVER_HELLO, t.CERTIFICATE], names


@pytest.mark.parametrize("proxy", ["http", "socks5", "socks5h"])
def test_proxy_never_answers(silent: Stall, proxy: str) -> None:
    where = f"{HOST}:{silent.port}"
    value = where if proxy == "http" else f"{proxy}://{where}"
    with refused_port() as target:  # never reached: the proxy does not answer
        assert_timed_out(["-connect", f"localhost:{target}", "-proxy", value], "proxy")


def test_dtls_server_never_answers() -> None:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((HOST, 0))
    try:
        port = u.getsockname()[1]
        assert_timed_out(["-dtls1_2", "-connect", f"{HOST}:{port}"], "handshake")
        assert u.recv(65536)[0] == 22  # the ClientHello did arrive
    finally:
        u.close()


def test_name_lookup_that_never_returns() -> None:
    """The lookup runs in a thread while a deadline is armed: a resolver
    that hangs (here: one that sleeps) does not hold the run past the bound."""
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(SRC)!r})\n"
        "from sclient.transport import tcp\n"
        "tcp._getaddrinfo = lambda *a: time.sleep(60)\n"
        "from sclient.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    assert_timed_out(["-connect", "slow.invalid:443"], "dns", cmd=[sys.executable, "-c", code])


def test_max_time_ends_the_session(pki: PKI) -> None:
    """After a complete handshake, with stdin open, -max_time ends the session."""
    with OpenSSLServer(pki["rsa"]).start() as server:
        doc = assert_timed_out(
            ["-connect", f"{HOST}:{server.port}"], "session", "max_time", bound=4
        )
    assert doc["handshake_complete"] is True


def test_connect_timeout_leaves_the_session_alone(pki: PKI) -> None:
    """-connect_timeout bounds the connection phase only: a session that
    lasts longer than it ends as it would without it (here at stdin's EOF)."""
    with OpenSSLServer(pki["rsa"]).start() as server:
        r, w = os.pipe()
        p = subprocess.Popen(
            [*sclient_cmd(), "-connect", f"{HOST}:{server.port}", "-connect_timeout", "3", "-json"],
            stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
        )  # fmt: skip
        os.close(r)
        time.sleep(2.0)  # well past the bound, in the session
        os.close(w)
        out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err.decode()
    doc = sclient_json(out)
    assert doc["error"] is None and doc["handshake_complete"] is True


def test_reconnect_under_deadlines(pki: PKI) -> None:
    """-reconnect's six connections each get their own connection phase; the
    timer that watches them (and wakes while one connection ends and the next
    begins) breaks none of them."""
    with OpenSSLServer(pki["rsa"]).start() as server:
        r = subprocess.run(
            [*sclient_cmd(), "-connect", f"{HOST}:{server.port}", "-reconnect",
             "-connect_timeout", "20", "-max_time", "60", "-json"],
            stdin=subprocess.DEVNULL, capture_output=True, env=_env(), timeout=90,
        )  # fmt: skip
    assert r.returncode == 0, r.stderr.decode()
    doc = sclient_json(r.stdout)
    assert doc["error"] is None
    assert [c["resumed"] for c in doc["connections"]] == [False] + [True] * 5


def test_sigterm_under_a_deadline_still_prints_the_document(silent: Stall) -> None:
    """A signal before the deadline ends the run as without one: the
    document (reason SIGNAL), then death by the signal."""
    import signal

    r, w = os.pipe()
    p = subprocess.Popen(
        [*sclient_cmd(), "-connect", f"{HOST}:{silent.port}", "-max_time", "60", "-json"],
        stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
    )  # fmt: skip
    os.close(r)
    try:
        deadline = time.monotonic() + 20
        while not silent.held and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the ClientHello is out, the handshake waits
        p.send_signal(signal.SIGTERM)
        out, _err = p.communicate(timeout=20)
    finally:
        os.close(w)
    assert p.returncode == -signal.SIGTERM
    doc = sclient_json(out)
    assert doc["error"]["reason"] == "SIGNAL" and "timeout" not in doc["error"]
    assert doc["exit_status"] == 128 + signal.SIGTERM
