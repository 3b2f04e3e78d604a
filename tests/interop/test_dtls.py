"""sclient over DTLS against ``openssl s_server -dtls…``: data both ways, and
a relay between them that loses, repeats and reorders datagrams: the
handshake completes through the retransmission timer and the reassembly,
and never waits longer than the timers say."""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from support.dtlspeers import DtlsServer, GnuTLSDtlsServer, UdpRelay
from support.peers import HOST, client_line, require
from support.pki import PKI
from support.procs import Proc, start_openssl_s_client, start_sclient


def _session(port: int, args: list[str], server: DtlsServer, token: str) -> Proc:
    proc = start_sclient(["-connect", f"{HOST}:{port}", *args])
    assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
    proc.write(client_line(token))
    assert server.expect_client_line(token), server.stdout
    expected = server.reply(token)
    assert proc.wait_stdout(expected, 10), proc.out.data.decode()
    return proc


@pytest.mark.parametrize(
    "cipher", ["ECDHE-RSA-AES256-GCM-SHA384", "AES128-SHA", "ECDHE-RSA-AES128-SHA256"]
)
def test_data_both_ways(pki: PKI, cipher: str) -> None:
    require("openssl")
    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server:
        proc = _session(server.port, ["-dtls1_2", "-cipher", cipher], server, cipher)
        with proc:
            proc.write(b"Q\n")
            result = proc.finish(10)
        assert result.rc == 0
        assert f"Cipher    : {cipher}" in result.stdout
        assert "Protocol  : DTLSv1.2" in result.stdout


def _run_through(
    pki: PKI, mangle: Callable[[str, int, bytes], list[bytes]]
) -> tuple[float, UdpRelay]:
    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server, UdpRelay(server.port, mangle) as relay:
        t0 = time.monotonic()
        proc = _session(relay.port, ["-dtls1_2"], server, "relay")
        elapsed = time.monotonic() - t0
        with proc:
            proc.write(b"Q\n")
            assert proc.finish(10).rc == 0
        return elapsed, relay


def test_lost_hello_verify_request_is_retransmitted(pki: PKI) -> None:
    """The server's first datagram (its HelloVerifyRequest) is lost: our
    ClientHello goes again after the 1 s timer."""
    elapsed, relay = _run_through(pki, lambda d, i, b: [] if (d, i) == ("s2c", 0) else [b])
    assert relay.counts["c2s"] >= 3  # ClientHello, again, with the cookie, ...
    assert 0.9 < elapsed < 8


def test_lost_client_finished_flight(pki: PKI) -> None:
    """Our ClientKeyExchange/ChangeCipherSpec/Finished datagram is lost once."""
    lost: list[int] = []

    def mangle(d: str, i: int, b: bytes) -> list[bytes]:
        if d == "c2s" and i == 2 and not lost:
            lost.append(i)
            return []
        return [b]

    elapsed, relay = _run_through(pki, mangle)
    assert lost and relay.counts["c2s"] >= 4
    assert 0.9 < elapsed < 8


def test_server_flight_reordered_and_repeated(pki: PKI) -> None:
    """The server's datagrams after the HelloVerifyRequest come in reverse
    order within its flight, each twice: reassembly puts the fragments in
    order, the replay window drops the copies."""
    held: list[bytes] = []

    def mangle(d: str, i: int, b: bytes) -> list[bytes]:
        if d != "s2c" or i == 0:
            return [b]
        held.append(b)
        # The certificate flight: hold five datagrams, then release all reversed.
        if 1 <= i <= 5:
            return []
        out = [x for x in reversed(held) for _ in range(2)]
        held.clear()
        return out

    elapsed, _relay = _run_through(pki, mangle)
    assert elapsed < 8


@pytest.mark.parametrize("cipher", ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-SHA"])
def test_gnutls_udp_echo_and_summary(pki: PKI, cipher: str) -> None:
    """gnutls-serv --udp: the echo comes back, and the summary is the one
    openssl s_client prints against the same server."""
    require("gnutls-serv")
    from golden.test_golden_dtls import mask

    with GnuTLSDtlsServer(pki["rsa"]) as server:
        outs = []
        for start in (start_sclient, start_openssl_s_client):
            proc = start(["-connect", f"{HOST}:{server.port}", "-dtls1_2", "-cipher", cipher])
            with proc:
                assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
                proc.write(client_line(cipher))
                assert proc.wait_stdout(client_line(cipher), 10), proc.out.data.decode()
                proc.write(b"Q\n")
                result = proc.finish(10)
            assert result.rc == 0, result.stderr
            outs.append(mask(result.stdout))
        assert f"Cipher    : {cipher}" in outs[0]
        assert outs[0] == outs[1]


def _renegotiate(start: Callable[[list[str]], Proc], port: int, line: bytes) -> tuple[Proc, bytes]:
    proc = start(["-connect", f"{HOST}:{port}", "-dtls1_2"])
    assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
    proc.write(b"R\n")
    proc.wait_stderr(b"RENEGOTIATING", 5)
    time.sleep(1.0)
    with contextlib.suppress(BrokenPipeError, ValueError):  # it may have ended
        proc.write(line)
    return proc, line


def test_renegotiation_refused_by_s_server(pki: PKI) -> None:
    """s_server refuses a DTLS renegotiation (a no_renegotiation warning):
    both clients end with dtls1_read_bytes' "no renegotiation", exit 1."""
    require("openssl")
    from golden.test_golden_dtls import mask

    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server:
        results = []
        for start in (start_openssl_s_client, start_sclient):
            proc, _ = _renegotiate(start, server.port, b"after\n")
            with proc:
                results.append(proc.finish(10))
    ref, got = results
    assert ref.rc == got.rc == 1
    assert "dtls1_read_bytes:no renegotiation" in got.stderr
    assert mask(got.stderr) == mask(ref.stderr)


def test_renegotiation_with_gnutls(pki: PKI) -> None:
    """gnutls-serv renegotiates: a second full handshake (the chain verified
    again), and the echo after it comes back under the new keys."""
    require("gnutls-serv")
    with GnuTLSDtlsServer(pki["rsa"]) as server:
        proc, line = _renegotiate(start_sclient, server.port, client_line("reneg"))
        with proc:
            assert proc.wait_stdout(line, 10), proc.err.data.decode()
            proc.write(b"Q\n")
            result = proc.finish(10)
    assert result.rc == 0
    assert result.stderr.count("verify error:num=20") == 2


def test_json_over_dtls(pki: PKI) -> None:
    """-json: the document validates and names the DTLS version."""
    require("openssl")
    from support.jsondoc import sclient_json
    from support.procs import run_sclient

    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server:
        result = run_sclient(["-connect", f"{HOST}:{server.port}", "-dtls1_2", "-json"])
    doc = sclient_json(result.stdout)
    assert doc["protocol"] == "DTLSv1.2" and doc["handshake_complete"] is True


def test_sessions_move_between_sclient_and_openssl(pki: PKI, tmp_path: Path) -> None:
    """-sess_out of one client resumes with -sess_in of the other, both ways."""
    require("openssl")
    from support.procs import run_openssl_s_client, run_sclient

    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server:
        target = ["-connect", f"{HOST}:{server.port}", "-dtls1_2"]
        for writer, reader in (
            (run_sclient, run_openssl_s_client),
            (run_openssl_s_client, run_sclient),
        ):
            sess = tmp_path / f"{writer.__name__}.pem"
            first = writer([*target, "-sess_out", str(sess)])
            assert first.rc == 0 and "New, TLSv1.2" in first.stdout
            text = subprocess.run(
                ["openssl", "sess_id", "-in", str(sess), "-noout", "-text"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert "Protocol  : DTLSv1.2" in text
            second = reader([*target, "-sess_in", str(sess)])
            assert second.rc == 0 and "Reused, TLSv1.2" in second.stdout, second.stdout


@pytest.mark.parametrize(
    "start", [start_sclient, start_openssl_s_client], ids=["sclient", "openssl"]
)
def test_renegotiation_hello_lost(pki: PKI, start: Callable[[list[str]], Proc]) -> None:
    """The renegotiation's ClientHello is lost: the connected loop keeps the
    retransmission timer too, and the second handshake completes. openssl
    3.0 resends it without a word (its loop has a ``TIMEOUT occurred`` line
    for DTLSv1_handle_timeout, which its reads get to first); so does sclient."""
    require("gnutls-serv")
    require("openssl")
    dropped: list[int] = []
    armed: list[bool] = []

    def mangle(d: str, i: int, b: bytes) -> list[bytes]:
        if d == "c2s" and armed and not dropped:  # the first datagram after R
            dropped.append(i)
            return []
        return [b]

    with GnuTLSDtlsServer(pki["rsa"]) as server, UdpRelay(server.port, mangle) as relay:
        proc = start(["-connect", f"{HOST}:{relay.port}", "-dtls1_2"])
        assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
        time.sleep(0.5)  # the handshake's last datagrams are through
        armed.append(True)
        proc.write(b"R\n")
        proc.wait_stderr(b"RENEGOTIATING", 5)
        time.sleep(1.5)
        line = client_line("lost")
        with contextlib.suppress(BrokenPipeError, ValueError):
            proc.write(line)
        with proc:
            assert proc.wait_stdout(line, 10), proc.err.data.decode()
            twice = re.compile(rb"num=20[^\0]*num=20")
            assert proc.wait_stderr(twice, 10), proc.err.data.decode()
            proc.write(b"Q\n")
            result = proc.finish(10)
    assert dropped and result.rc == 0
    assert result.stderr.count("verify error:num=20") == 2
    assert "TIMEOUT occurred" not in result.stderr, result.stderr


@pytest.mark.parametrize("version", ["-dtls1_2", "-dtls1"])
def test_gnutls_without_cookie(pki: PKI, version: str) -> None:
    """gnutls-serv --udp --nocookie answers the first ClientHello with its
    ServerHello: the handshake goes on without a HelloVerifyRequest, with a
    single ClientHello, as openssl s_client's -state shows against the same
    server; with cookies (the control) both show the HelloVerifyRequest and
    the second ClientHello."""
    require("gnutls-serv")
    require("openssl")
    extra = ["-cipher", "DEFAULT:@SECLEVEL=0"] if version == "-dtls1" else []
    for nocookie in (True, False):
        with GnuTLSDtlsServer(pki["rsa"], ["--nocookie"] if nocookie else []) as server:
            outs = []
            for start in (start_sclient, start_openssl_s_client):
                proc = start(["-connect", f"{HOST}:{server.port}", version, "-state", *extra])
                with proc:
                    assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
                    proc.write(client_line("nocookie"))
                    assert proc.wait_stdout(client_line("nocookie"), 10), proc.out.data.decode()
                    proc.write(b"Q\n")
                    result = proc.finish(10)
                assert result.rc == 0, result.stderr
                states = [ln for ln in result.stderr.splitlines() if ln.startswith("SSL_connect:")]
                outs.append(states)
            assert outs[0] == outs[1], (nocookie, outs)
            hvr = outs[0].count("SSL_connect:DTLS1 read hello verify request")
            # (-state prints "write client hello" twice per ClientHello in DTLS)
            hellos = outs[0].count("SSL_connect:SSLv3/TLS write client hello")
            assert (hellos, hvr) == ((2, 0) if nocookie else (4, 1)), (nocookie, outs[0])
            assert outs[0].index("SSL_connect:SSLv3/TLS read server hello") == hellos + 1 + hvr
