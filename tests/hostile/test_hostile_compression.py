"""TLS compression (``-comp``, RFC 3749 DEFLATE) against a scripted TLS 1.2
server that chooses it.

No real peer on this machine negotiates DEFLATE: OpenSSL 3.0.19 here is built
without zlib (``openssl list -disabled`` lists ZLIB), GnuTLS dropped
compression in 3.6, and Debian's wolfSSL and mbed TLS are built without zlib.
So the peer is :func:`hostile_servers.deflate_echo`, written with the test
suite's own TLS pieces (``support.tlsforge``) and the standard library's
zlib, independent of sclient's engine: it inflates what sclient sends
(its Finished, its data, its close_notify) and deflates what it sends back.

``openssl s_client`` is run too, to pin down what this machine's OpenSSL does
with ``-comp`` (it offers no compression method: the documented deviation).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import hostile_servers as h
import pytest

from support import tlsforge as t
from support.jsondoc import sclient_json
from support.pki import PKI
from support.procs import Result, assert_clean_stderr, run, sclient_cmd

pytestmark = pytest.mark.hostile

#: DEFLATE is offered at security level 0 or 1 and with TLS 1.2 as the highest version.
COMP = ("-comp", "-tls1_2", "-cipher", "AES128-GCM-SHA256:@SECLEVEL=1")
PING = b"ping from the client, ping from the client, ping\n"


def _serve(
    script: h.Script, pki: PKI, prefix: list[str], args: tuple[str, ...], stdin: bytes = b""
) -> tuple[Result, h.ScriptedServer]:
    srv = h.ScriptedServer(script, pki, drain_timeout=5).start()
    try:
        res = run([*prefix, "-connect", f"127.0.0.1:{srv.port}", *args], stdin=stdin, timeout=15)
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"the scripted server failed: {srv.error!r}\n{res.stderr}"
    assert_clean_stderr(res.stderr)
    return res, srv


def _openssl() -> list[str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed: the reference check needs it")
    return ["openssl", "s_client"]


def test_deflate_both_ways(pki: PKI, tmp_path: Path) -> None:
    """The ClientHello offers DEFLATE before null; records go compressed both
    ways (the server inflates sclient's Finished, data and close_notify, and
    sclient prints the server's inflated data); the summary and the session
    name the method; the session file keeps it (``comp_id``)."""
    sess = tmp_path / "sess.pem"
    res, srv = _serve(
        h.deflate_echo, pki, sclient_cmd(), (*COMP, "-ign_eof", "-sess_out", str(sess)), PING
    )
    assert res.rc == 0, res.stderr
    notes = srv.conn.notes if srv.conn else {}
    assert notes["compression_methods"] == b"\x01\x00"
    assert notes["received"] == PING
    assert b"deflated greeting " * 64 in res.stdout.encode("latin-1")
    assert "Compression: zlib compression\nExpansion: zlib compression\n" in res.stdout
    assert "\n    Compression: 1 (zlib compression)\n    Start Time: " in res.stdout
    # OpenSSL's own reader takes the session file and prints the method.
    if shutil.which("openssl") is not None:
        text = run(["openssl", "sess_id", "-in", str(sess), "-noout", "-text"], stdin=None)
        assert text.rc == 0, text.stderr
        assert "    Compression: 1\n" in text.stdout
    from sclient.tls.sessionfile import from_pem, to_pem

    session = from_pem(sess.read_bytes(), 0)
    assert session.compression == 1
    assert to_pem(session) == sess.read_bytes()


def test_deflate_json_msg_trace(pki: PKI) -> None:
    """-json names the method; -msg and -trace show the offer and the choice."""
    res, _ = _serve(h.deflate_echo, pki, sclient_cmd(), (*COMP, "-ign_eof", "-json"), PING)
    assert res.rc == 0, res.stderr
    doc = sclient_json(res.stdout)
    assert doc["compression"] == "zlib compression"
    assert doc["connections"][0]["compression"] == "zlib compression"
    res, _ = _serve(h.deflate_echo, pki, sclient_cmd(), (*COMP, "-ign_eof", "-trace"), PING)
    assert res.rc == 0, res.stderr
    assert (
        "      compression_methods (len=2)\n"
        "        Zlib Compression (0x01)\n"
        "        No Compression (0x00)\n"
    ) in res.stdout
    assert "      compression_method: Zlib Compression (0x01)\n" in res.stdout


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("-comp",),  # TLS 1.3 is offered: no compression
        ("-comp", "-tls1_2"),  # security level 2 refuses it
        ("-comp", "-cipher", "DEFAULT:@SECLEVEL=1"),  # TLS 1.3 again
        ("-comp", "-no_comp", "-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=1"),  # the last wins
    ],
    ids=["default", "comp", "comp-tls1_2", "comp-seclevel1", "comp-then-no_comp"],
)
@pytest.mark.parametrize("which", ["sclient", "openssl"])
def test_null_only_unless_allowed(pki: PKI, args: tuple[str, ...], which: str) -> None:
    """Where OpenSSL would not offer compression even with zlib, neither does
    sclient: its ClientHello is OpenSSL's."""
    prefix = sclient_cmd() if which == "sclient" else _openssl()
    _res, srv = _serve(_hello_only, pki, prefix, args)
    assert srv.conn is not None and srv.conn.notes["compression_methods"] == b"\x00"


def test_openssl_here_offers_no_compression(pki: PKI) -> None:
    """The deviation: with everything that lets it compress, this OpenSSL
    still offers null alone (no zlib), where sclient offers DEFLATE."""
    _res, srv = _serve(_hello_only, pki, _openssl(), COMP)
    assert srv.conn is not None and srv.conn.notes["compression_methods"] == b"\x00"
    _res, srv = _serve(_hello_only, pki, sclient_cmd(), COMP)
    assert srv.conn is not None and srv.conn.notes["compression_methods"] == b"\x01\x00"


def _hello_only(conn: t.Conn, pki: PKI) -> None:
    conn.notes["compression_methods"] = conn.read_client_hello().compression_methods
    conn.send(t.alert(2, 40))


def test_compression_disabled_alert_and_summary(pki: PKI) -> None:
    """Without -comp, a server choosing DEFLATE is refused as OpenSSL refuses
    it; the summary says NONE."""
    res, _ = _serve(h.deflate_echo, pki, sclient_cmd(), ("-tls1_2",))
    assert res.rc == 1
    assert ":compression disabled:" in res.stderr
    assert "Compression: NONE\nExpansion: NONE\n" in res.stdout


def test_resumed_session_keeps_its_compression(pki: PKI, tmp_path: Path) -> None:
    """A session made with DEFLATE resumed by a ServerHello naming none:
    tls_process_server_hello's "old session compression algorithm not
    returned", illegal_parameter."""
    import os
    import time

    from sclient.tls.registry import protocol as P
    from sclient.tls.session import Session
    from sclient.tls.sessionfile import to_pem

    session = Session(
        version=P.TLS1_2,
        cipher_suite=h.RSA_AES128_GCM,
        session_id=os.urandom(32),
        master_key=os.urandom(48),
        start_time=int(time.time()),
        timeout=7200,
        compression=1,
    )
    sess = tmp_path / "deflate.pem"
    sess.write_bytes(to_pem(session))
    res, srv = _serve(
        h.resume_without_compression, pki, sclient_cmd(), (*COMP, "-sess_in", str(sess))
    )
    assert res.rc == 1
    reason = "tls_process_server_hello:old session compression algorithm not returned:"
    assert ":error:0A000158:SSL routines:" + reason in res.stderr
    assert srv.response[:7] == bytes.fromhex("1503030002022f")  # illegal_parameter
