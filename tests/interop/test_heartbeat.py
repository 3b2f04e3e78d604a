"""RFC 6520 heartbeats (``-heartbeat``, ``B``) against a real peer:
``gnutls-serv --heartbeat`` over TLS 1.2 and over DTLS 1.0 and 1.2
(``--udp``). Both ways: sclient's ``B`` sends a request that gnutls answers,
and the line ``**HEARTBEAT**`` makes gnutls-serv ping sclient, whose answer
gnutls takes. OpenSSL 3.0 has no heartbeats: without ``-heartbeat`` the
ClientHello is 3.0's and ``B`` is data, as in ``openssl s_client``.

The hostile cases (responses to discard, bad modes) are in
tests/hostile/test_hostile_heartbeat.py.
"""

from __future__ import annotations

import re
import time

import pytest

from support.dtlspeers import GnuTLSDtlsServer
from support.jsondoc import sclient_json
from support.peers import HOST, GnuTLSServer, client_line, require
from support.pki import PKI
from support.procs import Proc, Result, start_sclient

pytestmark = pytest.mark.interop

#: A -msg line and its dump.
_MSG = re.compile(
    r"^([<>]{3}) (.*?) \[length ([0-9a-f]{4})\], (Heartbeat\w*)\n((?:    .*\n)+)", re.M
)


def _messages(out: str) -> list[tuple[str, str, bytes]]:
    """(direction, kind, bytes) of each heartbeat message -msg showed."""
    return [(m[1], m[4], bytes.fromhex("".join(m[5].split()))) for m in _MSG.finditer(out)]


def _session(
    port: int, args: list[str], ping: bool = True, word: str | None = "HeartbeatResponse"
) -> Result:
    """Connect, ``B``, wait for the response (``word`` once more on stdout;
    None: -json, which prints no data, so wait a second); with ``ping``, ask
    gnutls-serv for a heartbeat of its own and wait for our answer; then ``Q``."""
    proc = start_sclient(["-connect", f"{HOST}:{port}", *args])
    with proc:
        if word is None:
            assert proc.wait_stderr(b"verify return:1\n", 20), proc.err.data.decode()
            time.sleep(0.5)
        else:
            assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
            proc.write(client_line("before"))
            assert proc.wait_stdout(client_line("before"), 10)
        seen = proc.out.data.decode("latin-1").count(word) if word is not None else 0
        proc.write(b"B\n")
        assert proc.wait_stderr(b"HEARTBEATING\n", 10)
        _wait_for(proc, word, seen + 1)
        if ping:
            proc.write(b"**HEARTBEAT**\n")
            _wait_for(proc, word, seen + 2)
        if word is not None:
            proc.write(client_line("after"))
            assert proc.wait_stdout(client_line("after"), 10), proc.out.data.decode()
        proc.write(b"Q\n")
        return proc.finish(10)


def _wait_for(proc: Proc, word: str | None, count: int) -> None:
    if word is None:
        time.sleep(1.5)
        return
    deadline = time.monotonic() + 10
    while proc.out.data.decode("latin-1").count(word) < count:
        assert time.monotonic() < deadline, proc.out.data.decode("latin-1")
        time.sleep(0.05)


def _check_both_ways(out: str, version: str) -> None:
    msgs = _messages(out)
    kinds = [(d, k) for d, k, _ in msgs]
    assert kinds == [
        (">>>", "HeartbeatRequest"),
        ("<<<", "HeartbeatResponse"),
        ("<<<", "HeartbeatRequest"),
        (">>>", "HeartbeatResponse"),
    ], out
    req, resp, ping, pong = (m[2] for m in msgs)
    # our request: 1.1.1's shape; gnutls's response carries its payload
    assert len(req) == 37 and req[:5] == b"\x01\x00\x12\x00\x00"
    assert resp[:21] == b"\x02" + req[1:21] and len(resp) >= 37
    # gnutls's request: our response carries its payload, with 16 bytes of padding
    n = int.from_bytes(ping[1:3], "big")
    assert pong[: 3 + n] == b"\x02" + ping[1 : 3 + n] and len(pong) == 3 + n + 16
    assert f"{version} [length 0025], HeartbeatRequest" in out


def test_tls12_both_ways(pki: PKI) -> None:
    with GnuTLSServer(pki["rsa"], ["--heartbeat"]) as server:
        r = _session(server.port, ["-tls1_2", "-heartbeat", "-msg"])
    assert r.rc == 0, r.stderr
    _check_both_ways(r.stdout, ">>> TLS 1.2")


def test_tls12_json(pki: PKI) -> None:
    with GnuTLSServer(pki["rsa"], ["--heartbeat"]) as server:
        r = _session(server.port, ["-tls1_2", "-heartbeat", "-json"], word=None)
    assert r.rc == 0, r.stderr
    doc = sclient_json(r.stdout)
    assert doc["heartbeat"] == {
        "mode": "peer_allowed_to_send",
        "requests_sent": 1,
        "retransmissions": 0,
        "responses_matched": 1,
        "requests_answered": 1,
        "discarded": [],
    }


@pytest.mark.parametrize("version", ["-dtls1_2", "-dtls1"])
def test_dtls_both_ways(pki: PKI, version: str) -> None:
    require("gnutls-serv")
    extra = ["-cipher", "DEFAULT:@SECLEVEL=0"] if version == "-dtls1" else []
    with GnuTLSDtlsServer(pki["rsa"], ["--heartbeat"]) as server:
        word = (
            "HeartbeatResponse"
            if version == "-dtls1"
            else "<<< Not TLS data or unknown version (version=65277, content_type=24)"
        )
        r = _session(server.port, [version, "-heartbeat", "-msg", *extra], word=word)
    assert r.rc == 0, r.stderr
    if version == "-dtls1":
        _check_both_ways(r.stdout, ">>> DTLS 1.0")
    else:
        # s_client's msg_cb knows no DTLS 1.2: its lines name the version number
        line = "Not TLS data or unknown version (version=65277, content_type=24) [length 0025]"
        assert f">>> {line}\n    01 00 12 00 00" in r.stdout
        assert f"<<< {line}\n    02 00 12 00 00" in r.stdout
        sent = ">>> Not TLS data or unknown version (version=65277, content_type=24)"
        assert r.stdout.count(sent) == 2  # our request, our answer to gnutls's


def test_dtls_trace(pki: PKI) -> None:
    """-trace: the heartbeat under its record as 1.1.1's SSL_trace showed it."""
    with GnuTLSDtlsServer(pki["rsa"], ["--heartbeat"]) as server:
        r = _session(
            server.port, ["-dtls1_2", "-heartbeat", "-trace"], ping=False, word="heartbeat_response"
        )
    assert r.rc == 0, r.stderr
    m = re.search(
        r"  Content Type = UNKNOWN \(24\)\n  Length = \d+\n"
        r"    HeartBeatMessageType: heartbeat_request\n"
        r"    payload \(len=18\): (0000[0-9A-F]{32})\n"
        r"    padding \(len=16\): [0-9A-F]{32}\n",
        r.stdout,
    )
    assert m, r.stdout
    assert (
        f"    HeartBeatMessageType: heartbeat_response\n    payload (len=18): {m[1]}\n"
    ) in r.stdout


def test_server_without_heartbeats(pki: PKI) -> None:
    """No extension from the server: B prints 1.1.1's error line and the
    connection goes on."""
    with GnuTLSServer(pki["rsa"]) as server:
        proc = start_sclient(["-connect", f"{HOST}:{server.port}", "-tls1_2", "-heartbeat"])
        with proc:
            assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
            proc.write(b"B\n")
            assert proc.wait_stderr(b"peer does not accept heartbeats", 10)
            proc.write(client_line("after"))
            assert proc.wait_stdout(client_line("after"), 10), proc.out.data.decode()
            proc.write(b"Q\n")
            r = proc.finish(10)
    assert r.rc == 0
    assert re.search(
        r"^HEARTBEATING\n[0-9A-F]+:error:0A00016D:SSL routines:dtls1_heartbeat:"
        r"peer does not accept heartbeats:\.\./ssl/d1_lib\.c:\d+:\n",
        r.stderr,
        re.M,
    ), r.stderr


def test_tls13_carries_none(pki: PKI) -> None:
    """TLS 1.3: gnutls sends no heartbeat extension, B is refused."""
    with GnuTLSServer(pki["rsa"], ["--heartbeat"]) as server:
        proc = start_sclient(["-connect", f"{HOST}:{server.port}", "-heartbeat", "-json"])
        with proc:
            assert proc.wait_stderr(b"verify return:1\n", 20), proc.err.data.decode()
            time.sleep(0.3)
            proc.write(b"B\n")
            assert proc.wait_stderr(b"peer does not accept heartbeats", 10)
            proc.write(b"Q\n")
            r = proc.finish(10)
    doc = sclient_json(r.stdout)
    assert doc["protocol"] == "TLSv1.3" and doc["heartbeat"] is None


def test_without_the_option(pki: PKI) -> None:
    """Without -heartbeat: OpenSSL 3.0's ClientHello (no extension 15) and B
    goes to the server as data, in sclient as in openssl s_client."""
    require("openssl")
    from support.procs import start_openssl_s_client

    with GnuTLSServer(pki["rsa"], ["--heartbeat"]) as server:
        for start in (start_sclient, start_openssl_s_client):
            proc = start(["-connect", f"{HOST}:{server.port}", "-tls1_2", "-trace"])
            with proc:
                assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
                proc.write(b"B\n")
                assert proc.wait_stdout(re.compile(rb"\nB\n"), 10), proc.out.data.decode()
                proc.write(b"Q\n")
                r = proc.finish(10)
            assert "HEARTBEATING" not in r.stderr
            assert "heartbeat" not in r.stdout.lower()
            assert "extension_type=UNKNOWN(15)" not in r.stdout


@pytest.mark.parametrize("lose", ["request", "response"])
def test_dtls_lost_message_is_retransmitted(pki: PKI, lose: str) -> None:
    """DTLS: the first request (or gnutls's first response) is lost on the
    way; the request goes again on the retransmission timer (1 s) and its
    response is matched."""
    from support.dtlspeers import UdpRelay

    dropped: list[bytes] = []

    def mangle(direction: str, i: int, b: bytes) -> list[bytes]:
        wanted = "c2s" if lose == "request" else "s2c"
        if direction == wanted and b[0] == 24 and not dropped:
            dropped.append(b)
            return []
        return [b]

    word = "<<< Not TLS data or unknown version (version=65277, content_type=24)"
    server = GnuTLSDtlsServer(pki["rsa"], ["--heartbeat"])
    with server, UdpRelay(server.port, mangle) as relay:
        t0 = time.monotonic()
        r = _session(relay.port, ["-dtls1_2", "-heartbeat", "-msg"], ping=False, word=word)
        elapsed = time.monotonic() - t0
    assert r.rc == 0, r.stderr
    assert dropped
    sent = re.findall(
        r">>> Not TLS data or unknown version \(version=65277, content_type=24\) "
        r"\[length 0025\]\n((?:    .*\n)+)",
        r.stdout,
    )
    # the same request twice (a retransmission, not a new request)
    assert len(sent) == 2 and sent[0] == sent[1], r.stdout
    # silently, as openssl 3.0 resends a renegotiation's lost flight (test_dtls.py)
    assert "TIMEOUT occurred" not in r.stderr
    assert 1.0 <= elapsed < 10
    dropped.clear()
    server = GnuTLSDtlsServer(pki["rsa"], ["--heartbeat"])
    with server, UdpRelay(server.port, mangle) as relay:
        r = _session(relay.port, ["-dtls1_2", "-heartbeat", "-json"], ping=False, word=None)
    doc = sclient_json(r.stdout)
    assert doc["heartbeat"]["retransmissions"] == 1
    assert doc["heartbeat"]["responses_matched"] == 1


def test_extension_in_trace_tlsextdebug_and_json(pki: PKI) -> None:
    """The extension both ways under -trace (1.1.1's ``HeartbeatMode:``
    line), the server's under -tlsextdebug (1.1.1's name) and in -json."""
    from support.procs import run_sclient

    with GnuTLSServer(pki["rsa"], ["--heartbeat"]) as server:
        base = ["-connect", f"{HOST}:{server.port}", "-tls1_2", "-heartbeat"]
        trace = run_sclient([*base, "-trace"])
        debug = run_sclient([*base, "-tlsextdebug"])
        doc = sclient_json(run_sclient([*base, "-json"]).stdout)
    want = (
        "        extension_type=tls_heartbeat(15), length=1\n"
        "          HeartbeatMode: peer_allowed_to_send\n"
    )
    assert trace.stdout.count(want) == 2, trace.stdout  # ClientHello, ServerHello
    assert 'TLS server extension "heartbeat" (id=15), len=1\n0000 - 01 ' in debug.stdout
    assert doc["heartbeat"]["mode"] == "peer_allowed_to_send"
    assert {"type": 15, "name": "heartbeat"} in doc["server_extensions"]
