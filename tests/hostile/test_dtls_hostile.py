"""Hostile DTLS peers: scripted UDP servers and a relay that forges, loops and
breaks the handshake. sclient must complete when it can, fail with the line
and exit status openssl s_client gives when it cannot, and never wait longer
than its timers."""

from __future__ import annotations

import itertools
import os
import select
import socket
import threading
import time
from collections.abc import Callable

import pytest

from support.dtlspeers import DtlsServer, UdpRelay
from support.peers import HOST, require
from support.pki import PKI
from support.procs import (
    Proc,
    Result,
    _env,
    run_openssl_s_client,
    run_sclient,
    sclient_cmd,
    start_sclient,
)

Answer = Callable[[bytes, int], list[bytes]]


def record(ctype: int, payload: bytes, seq: int, version: int = 0xFEFF, epoch: int = 0) -> bytes:
    return (
        bytes((ctype,))
        + version.to_bytes(2, "big")
        + epoch.to_bytes(2, "big")
        + seq.to_bytes(6, "big")
        + len(payload).to_bytes(2, "big")
        + payload
    )


def fragment(mt: int, length: int, seq: int, off: int, body: bytes) -> bytes:
    return (
        bytes((mt,))
        + length.to_bytes(3, "big")
        + seq.to_bytes(2, "big")
        + off.to_bytes(3, "big")
        + len(body).to_bytes(3, "big")
        + body
    )


def hello_verify(seq: int, cookie: bytes) -> bytes:
    body = b"\xfe\xff" + bytes((len(cookie),)) + cookie
    return fragment(3, len(body), seq, 0, body)


class ScriptedUdp:
    """A UDP server whose ``answer(datagram, index)`` says what to send back."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.port = int(self.sock.getsockname()[1])
        self.received: list[tuple[float, bytes]] = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ScriptedUdp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()

    def _run(self) -> None:
        while not self._stop:
            r, _, _ = select.select([self.sock], [], [], 0.05)
            if not r:
                continue
            try:
                data, addr = self.sock.recvfrom(1 << 16)
            except OSError:
                continue
            self.received.append((time.monotonic(), data))
            for out in self.answer(data, len(self.received) - 1):
                self.sock.sendto(out, addr)


def _ch_seq(datagram: bytes) -> int:
    return int.from_bytes(datagram[17:19], "big")


def both(port: int, *args: str, timeout: float = 20) -> tuple[Result, Result]:
    argv = ["-connect", f"{HOST}:{port}", "-dtls1_2", *args]
    return run_openssl_s_client(argv, timeout=timeout), run_sclient(argv, timeout=timeout)


def _errors(text: str) -> list[str]:
    return [ln.split(":", 1)[1].rsplit(":", 2)[0] for ln in text.splitlines() if ":error:" in ln]


def test_cookie_loop_ends(pki: PKI) -> None:
    """A server that answers every ClientHello with a new cookie: openssl
    resends for ever; sclient gives up after a few with unexpected_message
    (a documented deviation)."""

    def answer(d: bytes, i: int) -> list[bytes]:
        return [record(22, hello_verify(_ch_seq(d), os.urandom(20)), i)]

    with ScriptedUdp(answer) as server:
        t0 = time.monotonic()
        got = run_sclient(["-connect", f"{HOST}:{server.port}", "-dtls1_2"], timeout=20)
        assert time.monotonic() - t0 < 10
        hellos = [d for _, d in server.received if d[0] == 22]
    assert got.rc == 1
    assert "ossl_statem_client_read_transition:unexpected message" in got.stderr
    assert 2 <= len(hellos) <= 10
    assert any(d[0] == 21 and d[-1] == 10 for _, d in server.received)  # the alert


@pytest.mark.parametrize(
    ("name", "frag"),
    [
        # the fragment runs past the message's length
        ("past-length", fragment(2, 40, 0, 30, bytes(20))),
        # a message longer than any OpenSSL accepts
        ("too-long", fragment(2, 200_000, 0, 0, bytes(20))),
    ],
)
def test_oversized_fragment(name: str, frag: bytes) -> None:
    """openssl and sclient fail the same way, at once: OpenSSL's reassembly
    gives up with no alert and nothing in the error queue, and s_client
    says ``write:errno=0``."""

    def answer(d: bytes, i: int) -> list[bytes]:
        return [record(22, frag, i)] if d[0] == 22 else []

    with ScriptedUdp(answer) as server:
        ref, got = both(server.port)
        alerts = [d for _, d in server.received if d[0] == 21]
    assert ref.rc == got.rc == 1
    assert ref.stderr == got.stderr == "write:errno=0\n"
    assert not alerts


def test_silent_server_retransmits_with_doubling_timer() -> None:
    """Nothing comes back: the ClientHello goes again after 1 s, then 2 s."""
    with ScriptedUdp(lambda d, i: []) as server:
        proc = start_sclient(["-connect", f"{HOST}:{server.port}", "-dtls1_2"])
        with proc:
            deadline = time.monotonic() + 10
            while not server.received and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(3.4)  # the first ClientHello, then 1 s and 2 s more
            proc.kill()
        times = [t for t, _ in server.received]
    assert len(times) == 3, times
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert 0.8 < gaps[0] < 1.5 and 1.8 < gaps[1] < 2.6, gaps
    assert {_ch_seq(d) for _, d in server.received} == {0}


def _forged_run(pki: PKI, cmd: list[str]) -> list[tuple[str, int]]:
    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server:

        def mangle(d: str, i: int, b: bytes) -> list[bytes]:
            if d == "c2s" and i == 0:
                assert relay.client is not None
                relay.front.sendto(record(22, hello_verify(0, b"forged-cookie"), 0), relay.client)
                return []  # the real ClientHello never reaches the server
            return [b]

        with UdpRelay(server.port, mangle) as relay:
            proc = Proc([*cmd, "-connect", f"{HOST}:{relay.port}", "-dtls1_2"], env=_env())
            with proc:
                deadline = time.monotonic() + 10
                while not relay.log and time.monotonic() < deadline:
                    time.sleep(0.02)
                time.sleep(3.4)  # the first ClientHello, then 1 s and 2 s more
                proc.kill()
            assert b"Extended master secret" not in proc.out.data
            return list(relay.log)


def test_forged_hello_verify_request(pki: PKI) -> None:
    """A forged HelloVerifyRequest comes first: the ClientHello goes out with
    the forged cookie, which s_server drops without a word; like openssl,
    sclient resends it on its timer (1 s, then 2 s), never the first
    ClientHello again (the real HelloVerifyRequest would be an old message)."""
    require("openssl")
    ref = _forged_run(pki, ["openssl", "s_client"])
    got = _forged_run(pki, sclient_cmd())
    assert got == ref
    assert [n for _, n in got][:2] == [205, 218] and len(got) == 4


def _server_hello(ch_datagram: bytes, extensions: bytes) -> bytes:
    """A DTLS 1.2 ServerHello for ECDHE-RSA-AES128-GCM-SHA256 (message_seq 0:
    no cookie exchange) with ``extensions`` after renegotiation_info."""
    exts = b"\xff\x01\x00\x01\x00" + extensions
    body = (
        b"\xfe\xfd"
        + os.urandom(32)
        + b"\x00"
        + b"\xc0\x2f"
        + b"\x00"
        + len(exts).to_bytes(2, "big")
        + exts
    )
    return record(22, fragment(2, len(body), 0, 0, body), 0, version=0xFEFD)


@pytest.mark.parametrize(
    ("name", "srtp"),
    [
        ("profile-not-offered", b"\x00\x02\x00\x05\x00"),
        ("mki", b"\x00\x02\x00\x01\x01\xaa"),
        ("two-profiles", b"\x00\x04\x00\x01\x00\x02\x00"),
    ],
)
def test_bad_use_srtp_answer(name: str, srtp: bytes) -> None:
    """The server's use_srtp names a profile we did not offer, carries an
    MKI, or names two profiles: the same alert and error line as openssl."""
    ext = b"\x00\x0e" + len(srtp).to_bytes(2, "big") + srtp

    def answer(d: bytes, i: int) -> list[bytes]:
        return [_server_hello(d, ext)] if d[0] == 22 and d[13] == 1 else []

    with ScriptedUdp(answer) as server:
        ref, got = both(server.port, "-use_srtp", "SRTP_AES128_CM_SHA1_80")
        alerts = [d[-2:] for _, d in server.received if d[0] == 21]
    assert ref.rc == got.rc == 1
    assert _errors(got.stderr) == _errors(ref.stderr) != []
    assert len(got.stderr.splitlines()) == len(ref.stderr.splitlines()) == 1
    assert len(alerts) == 2 and alerts[0] == alerts[1]
