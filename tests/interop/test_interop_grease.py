"""GREASE (RFC 8701, ``-grease``/``-grease_fields``) against real servers:
OpenSSL 3.0's ``s_server`` (which also renders our GREASE ClientHello in its
own ``-trace``: the reference for how sclient's ``-trace`` shows the values),
GnuTLS, node 26 (OpenSSL 3.5), tlslite-ng and BoringSSL's ``bssl server``
(the one real server that sends GREASE back: in each NewSessionTicket).

Every field is GREASEd alone and all together, through a HelloRetryRequest
too, and the handshake must end exactly as it does without GREASE.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.exchange import exchange
from support.jsondoc import sclient_json
from support.nodepeer import NodeServer
from support.peers import (
    HOST,
    free_port,
    gnutls_server,
    loopback_bind_shim,
    openssl_server,
    wait_listening,
)
from support.pki import PKI, Chain
from support.procs import Proc, _env, assert_clean_stderr, run_openssl_s_client, run_sclient
from support.tlslitepeer import TlsliteServer

pytestmark = pytest.mark.interop

FIELDS = ("cipher", "ext", "group", "sigalg", "version", "pskmode", "alpn")
#: What -json reports for each field ("group" is in supported_groups and key_share).
REPORTED = {f: {f} for f in FIELDS} | {"group": {"group", "key_share"}}


@pytest.fixture(scope="module")
def chain(pki: PKI) -> Chain:
    return pki["ecdsa"]


def _args(chain: Chain, *extra: str) -> list[str]:
    return ["-CAfile", str(chain.root), "-verify_return_error", *extra]


def _json(port: int, chain: Chain, *args: str, host: str = HOST) -> dict[str, object]:
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    r = run_sclient(["-connect", target, *_args(chain, *args), "-json"])
    assert r.rc == 0, r.stderr
    doc = sclient_json(r.stdout)
    return doc


def _hellos(trace: str) -> list[str]:
    """The ClientHello blocks of a -trace output, as printed."""
    # Up to the next record: a GREASE ALPN protocol is printed raw, and 0x0A0A
    # is two newlines.
    pattern = r"^ {4}ClientHello, Length=\d+\n.*?(?=\n\n(?:Sent|Received) Record)"
    return [m.group(0) for m in re.finditer(pattern, trace, re.M | re.S)]


# --- openssl s_server 3.0 ---------------------------------------------------------------


@pytest.fixture(scope="module")
def s_server(chain: Chain) -> Iterator[object]:
    with openssl_server(chain) as srv:
        yield srv


def test_every_field_with_data_both_ways(s_server: object, chain: Chain) -> None:
    r = exchange(s_server, _args(chain, "-grease", "-alpn", "h2,http/1.1"))  # type: ignore[arg-type]
    assert r.rc == 0, r.stderr
    assert_clean_stderr(r.stderr)
    assert "Verify return code: 0 (ok)" in r.stdout


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_alone(s_server: object, chain: Chain, field: str) -> None:
    port = s_server.port  # type: ignore[attr-defined]
    doc = _json(port, chain, "-grease_fields", field, "-alpn", "h2")
    grease = doc["grease"]
    assert isinstance(grease, dict) and set(grease) == REPORTED[field]
    assert doc["protocol"] == "TLSv1.3" and doc["handshake_complete"] is True


def test_json_without_grease_is_null(s_server: object, chain: Chain) -> None:
    doc = _json(s_server.port, chain)  # type: ignore[attr-defined]
    assert doc["grease"] is None


def test_handshake_results_are_openssls(s_server: object, chain: Chain) -> None:
    """Golden-style: the negotiated facts with every field GREASEd are what
    openssl s_client 3.0 (which cannot GREASE) negotiates with that server."""
    port = s_server.port  # type: ignore[attr-defined]
    for versions in ((), ("-tls1_2",)):
        args = ["-connect", f"{HOST}:{port}", *_args(chain, *versions)]
        ref = run_openssl_s_client(args)
        ours = run_sclient([*args, "-grease"])
        assert ref.rc == ours.rc == 0, ours.stderr

        def facts(text: str) -> dict[str, str]:
            # The first of each, outside the SSL-Session blocks: whether a TLS 1.3
            # ticket, and so a session block, arrives before stdin's EOF ends the
            # run is a matter of timing.
            keep = ("Server Temp Key:", "New, ", "Peer signature")
            out: dict[str, str] = {}
            for ln in text.splitlines():
                for k in keep:
                    if ln.strip().startswith(k):
                        out.setdefault(k, ln.strip())
            return out

        assert facts(ours.stdout) == facts(ref.stdout)
        assert len(facts(ours.stdout)) == 3


def test_trace_renders_grease_as_openssl_30_does(chain: Chain, tmp_path: Path) -> None:
    """s_server 3.0 -trace prints the ClientHello it received: sclient's own
    -trace of the ClientHello it sent must be the same text, GREASE values
    (``{0x7A, 0x7A} UNKNOWN``, ``UNKNOWN (31354)``, ``extension_type=UNKNOWN(…)``)
    included."""
    log = tmp_path / "server-trace.txt"
    with openssl_server(chain, "-trace", "-msgfile", str(log)) as srv:
        r = exchange(srv, _args(chain, "-grease", "-alpn", "h2,http/1.1", "-trace"))
        assert r.rc == 0, r.stderr
    ours, theirs = _hellos(r.stdout), _hellos(log.read_text(errors="replace"))
    assert len(ours) == len(theirs) == 1
    assert ours == theirs
    assert "} UNKNOWN\n" in ours[0] and "extension_type=UNKNOWN(" in ours[0]
    assert "key_exchange:  (len=1): 00" in ours[0]


def test_hello_retry_request_keeps_the_values(chain: Chain, tmp_path: Path) -> None:
    """The server takes P-256 only; our first share is X25519: a retry. The
    second ClientHello repeats every GREASE value, its key_share holding the
    P-256 share alone; the server's trace shows both ClientHellos as sent."""
    log = tmp_path / "server-trace.txt"
    with openssl_server(chain, "-groups", "P-256", "-trace", "-msgfile", str(log)) as srv:
        args = _args(chain, "-grease", "-groups", "X25519:P-256", "-trace")
        r = exchange(srv, args)
        assert r.rc == 0, r.stderr
        doc = _json(srv.port, chain, "-grease", "-groups", "X25519:P-256")
    assert doc["hello_retry_request"] is True and doc["group"] == "secp256r1"
    first, second = _hellos(r.stdout)
    assert _hellos(log.read_text(errors="replace"))[:2] == [first, second]  # then the -json run's
    unknown1 = [ln for ln in first.splitlines() if "UNKNOWN" in ln]
    unknown2 = [ln for ln in second.splitlines() if "UNKNOWN" in ln]
    share = [ln for ln in unknown1 if "NamedGroup:" in ln]
    assert len(share) == 1  # the GREASE share, in the first ClientHello only
    assert unknown2 == [ln for ln in unknown1 if ln not in share]
    assert len(unknown2) == 7  # cipher, two extensions, group, sigalg, version, pskmode
    assert "NamedGroup: secp256r1 (P-256) (23)" in second


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_resumption(s_server: object, chain: Chain, version: str) -> None:
    # TLS 1.3: pre_shared_key stays the last extension, after the one-byte GREASE one.
    port = s_server.port  # type: ignore[attr-defined]
    r = run_sclient(["-connect", f"{HOST}:{port}", *_args(chain, "-grease", version, "-reconnect")])
    assert r.rc == 0, r.stderr
    assert r.stdout.count("Reused, TLSv1.") == 5, r.stdout


def test_dtls(pki: PKI) -> None:
    from support.dtlspeers import DtlsServer
    from support.procs import start_sclient

    with DtlsServer(pki["rsa"], ["-dtls1_2"]) as server:
        proc = start_sclient(["-connect", f"{HOST}:{server.port}", "-dtls1_2", "-grease"])
        with proc:
            assert proc.wait_stdout(b"Extended master secret", 20), proc.err.data.decode()
            proc.write(b"hello-from-client-dtls\n")
            assert server.expect_client_line("dtls"), server.stdout
            assert proc.wait_stdout(server.reply("dtls"), 10), proc.out.data.decode()
            proc.write(b"Q\n")
            result = proc.finish(10)
    assert result.rc == 0 and "Protocol  : DTLSv1.2" in result.stdout


def test_bad_field_list() -> None:
    r = run_sclient(["-connect", f"{HOST}:1", "-grease_fields", "cipher,bogus"])
    assert r.rc == 1
    assert r.stderr == "Error parsing -grease_fields argument\n"


# --- gnutls-serv, node 26, tlslite-ng ---------------------------------------------------


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_gnutls(chain: Chain, version: str) -> None:
    with gnutls_server(chain) as srv:
        r = exchange(srv, _args(chain, "-grease", "-alpn", "h2", version))
        assert r.rc == 0, r.stderr
        assert f"Protocol  : TLSv1.{version[-1]}" in r.stdout


def test_node26(chain: Chain) -> None:
    with NodeServer(chain, ["X25519", "P-256"]) as srv:
        r = exchange(srv, _args(chain, "-grease", "-alpn", "h2"))
        assert r.rc == 0, r.stderr
        doc = _json(srv.port, chain, "-grease")
        assert doc["group"] == "x25519" and doc["hello_retry_request"] is False


def test_node26_hello_retry_request(chain: Chain) -> None:
    with NodeServer(chain, ["P-256"]) as srv:
        r = exchange(srv, _args(chain, "-grease", "-groups", "X25519:P-256"))
        assert r.rc == 0, r.stderr
        doc = _json(srv.port, chain, "-grease", "-groups", "X25519:P-256")
        assert doc["hello_retry_request"] is True and doc["group"] == "secp256r1"


@pytest.mark.parametrize("version", ["3.4", "3.3"], ids=["tls1_3", "tls1_2"])
def test_tlslite(pki: PKI, version: str) -> None:
    pytest.importorskip("tlslite", reason="tlslite-ng is not installed (pip install tlslite-ng)")
    rsa = pki["rsa"]
    extra = ("--min", version, "--max", version, "--kx", "ecdhe_rsa")
    extra += ("--ciphers", "aes128gcm,aes256gcm,chacha20-poly1305", "--macs", "aead,sha256,sha384")
    with TlsliteServer(rsa.fullchain, rsa.key, *extra) as srv:
        # (no -alpn: tlslite-ng 0.8.2's server fails on ALPN it was not given, GREASE or not)
        r = exchange(srv, _args(rsa, "-grease"))
        assert r.rc == 0, r.stderr
        assert srv.proc is not None
        assert b"HANDSHAKE" in srv.proc.out.data and b"FAILED" not in srv.proc.out.data


# --- bssl server: GREASE in every NewSessionTicket ------------------------------------------


def _bssl() -> str:
    path = os.environ.get("SCLIENT_BSSL") or str(
        Path(__file__).resolve().parents[2] / ".peers" / "bssl" / "bssl"
    )
    if not Path(path).is_file():
        pytest.skip(f"BoringSSL's bssl is not built ({path})")
    return path


@pytest.fixture(scope="module")
def bssl(chain: Chain) -> Iterator[int]:
    """``bssl server -loop -www`` confined to loopback by the bind() shim
    (it binds in6addr_any, so it ends up on ::1 alone)."""
    binary = _bssl()
    env = dict(_env(), LD_PRELOAD=str(loopback_bind_shim()))
    for _ in range(3):
        port = free_port()
        cmd = [binary, "server", "-accept", str(port), "-key", str(chain.key)]
        cmd += ["-cert", str(chain.fullchain), "-loop", "-www"]
        proc = Proc(cmd, env=env)
        try:
            wait_listening(port, "::1", proc=proc)
        except RuntimeError:
            proc.kill()
            continue
        try:
            yield port
        finally:
            proc.kill()
        return
    raise AssertionError("bssl server did not start")


def test_bssl_grease_in_new_session_tickets_is_read(bssl: int, chain: Chain) -> None:
    # -www answers the GET and closes without close_notify: -ignore_unexpected_eof.
    r = run_sclient(
        [
            "-connect",
            f"[::1]:{bssl}",
            *_args(chain, "-trace", "-ign_eof", "-ignore_unexpected_eof"),
        ],
        stdin=b"GET / HTTP/1.0\r\n\r\n",
    )
    assert r.rc == 0, r.stderr
    assert_clean_stderr(r.stderr)
    tickets = r.stdout.split("NewSessionTicket, Length=")[1:]
    assert len(tickets) == 2
    for t in tickets:
        ext = re.search(r"extension_type=UNKNOWN\((\d+)\), length=0", t.split("\n\n")[0])
        assert ext is not None, t
        assert int(ext.group(1)) & 0x0F0F == 0x0A0A  # a GREASE type
    assert "HTTP/1.0 200 OK" in r.stdout  # the page came after both tickets


def test_bssl_every_field(bssl: int, chain: Chain) -> None:
    r = run_sclient(
        [
            "-connect",
            f"[::1]:{bssl}",
            *_args(chain, "-grease", "-alpn", "h2,http/1.1", "-ign_eof", "-ignore_unexpected_eof"),
        ],
        stdin=b"GET / HTTP/1.0\r\n\r\n",
    )
    assert r.rc == 0, r.stderr
    assert "HTTP/1.0 200 OK" in r.stdout and "TLSv1.3" in r.stdout


def _tickets_as_traced(stdout: str) -> list[str]:
    """The NewSessionTicket blocks of a -trace, the random parts masked (the
    ticket, its nonce, age_add and the server's GREASE value)."""
    blocks = re.findall(r"^ {4}NewSessionTicket, Length=\d+\n(?: {6,}.*\n)+", stdout, re.M)
    masked = []
    for b in blocks:
        b = re.sub(r"UNKNOWN\(\d+\)", "UNKNOWN(N)", b)
        b = re.sub(r"(ticket_lifetime_hint=).*", r"\1*", b)  # bssl: 172800 or 172799
        b = re.sub(
            r"(ticket_age_add=|ticket_nonce \(len=\d+\): |ticket \(len=\d+\): ).*", r"\1*", b
        )
        masked.append(b)
    return masked


def test_bssl_tickets_trace_as_openssl_30(bssl: int, chain: Chain) -> None:
    """openssl s_client 3.0 -trace against the same bssl: the same text for
    each NewSessionTicket, its GREASE extension shown as ``UNKNOWN(n)``."""
    args = ["-connect", f"[::1]:{bssl}", *_args(chain, "-trace", "-tlsextdebug", "-ign_eof")]
    args.append("-ignore_unexpected_eof")
    get = b"GET / HTTP/1.0\r\n\r\n"
    ours, ref = run_sclient(args, stdin=get), run_openssl_s_client(args, stdin=get)
    assert ours.rc == ref.rc == 0, ours.stderr
    tickets = _tickets_as_traced(ours.stdout)
    assert len(tickets) == 2
    assert all("extension_type=UNKNOWN(N), length=0" in b for b in tickets)
    assert _tickets_as_traced(ours.stdout) == _tickets_as_traced(ref.stdout)
    # -tlsextdebug shows no ticket extension of an unknown type, in either.
    for out in (ours.stdout, ref.stdout):
        assert 'TLS server extension "UNKNOWN"' not in out
