"""RFC 6520 heartbeats (``-heartbeat``, ``B``) against a scripted TLS 1.2
server: the messages RFC 6520 §4 says to discard silently, and a server
heartbeat extension sclient must refuse.

The server is written with the test suite's own TLS pieces
(``support.tlsforge``), independent of sclient's engine: it answers sclient's
HeartbeatRequest with a response whose payload is not the request's, one
whose payload length runs past its end, a message of an unknown type and a
request whose payload length runs past its end (all to be discarded without
an answer), then with the right response, then sends a request of its own,
which must come back with the same payload and at least 16 bytes of padding.
The real peer (gnutls-serv) is in tests/interop/test_heartbeat.py.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable

import hostile_servers as h
import pytest
from cryptography.hazmat.primitives.asymmetric import padding

from support import tlsforge as t
from support.jsondoc import sclient_json
from support.pki import PKI
from support.procs import Proc, Result, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.hostile

HEARTBEAT = 24
EXT_HEARTBEAT = 15
#: (no -ign_eof: it turns the command letters off, in OpenSSL as here)
ARGS = ("-tls1_2", "-cipher", "AES128-GCM-SHA256", "-heartbeat")


def _handshake(conn: t.Conn, pki: PKI, mode: int) -> tuple[t.GcmKeys, t.GcmKeys] | None:
    """TLS 1.2, RSA key transport and AES128-GCM, the ServerHello carrying a
    heartbeat extension of ``mode``; (client's keys, server's keys), or None
    when the client answered the ServerHello with an alert."""
    ch = conn.read_client_hello()
    conn.notes["heartbeat_offered"] = ch.raw.find(bytes.fromhex("000f000101")) >= 0
    sr = os.urandom(32)
    exts = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00") + t.ext(EXT_HEARTBEAT, bytes((mode,)))
    sh = t.server_hello(
        session_id=os.urandom(32), cipher=h.RSA_AES128_GCM, random=sr, extensions=exts
    )
    msgs = [sh, t.certificate_tls12(h._ders(pki)), t.handshake(t.SERVER_HELLO_DONE, b"")]
    conn.send(b"".join(t.record(t.HANDSHAKE, m) for m in msgs))
    conn._fill(5, 10.0)
    if conn.rx[conn.pos] == t.ALERT:
        return None
    cke = conn.read_handshake()
    pms = h._rsa_key(pki).decrypt(cke[6:], padding.PKCS1v15())
    master = t.prf_sha256(pms, b"master secret", ch.random + sr, 48)
    ckeys, skeys = t.tls12_gcm_keys(master, ch.random, sr)
    ctype, _, _ = conn.read_record()
    assert ctype == t.CCS
    ctype, _, payload = conn.read_record()
    fin = ckeys.open(t.HANDSHAKE, payload)
    transcript = ch.raw + b"".join(msgs) + cke + fin
    conn.send(
        t.record(t.CCS, b"\x01") + skeys.seal(t.HANDSHAKE, h._server_finished(master, transcript))
    )
    return ckeys, skeys


def _read_heartbeat(conn: t.Conn, keys: t.GcmKeys) -> bytes:
    """The client's next heartbeat message (application data before it is kept)."""
    while True:
        ctype, _, payload = conn.read_record()
        plain = keys.open(ctype, payload)
        if ctype == HEARTBEAT:
            return plain
        assert ctype == t.APPDATA, f"unexpected record type {ctype}"


def _hb(kind: int, payload: bytes, length: int | None = None, pad: int = 16) -> bytes:
    n = len(payload) if length is None else length
    return bytes((kind,)) + n.to_bytes(2, "big") + payload + os.urandom(pad)


def discards(conn: t.Conn, pki: PKI) -> None:
    keys = _handshake(conn, pki, 1)
    assert keys is not None, "the client refused the heartbeat extension"
    ckeys, skeys = keys
    request = _read_heartbeat(conn, ckeys)
    conn.notes["request"] = request
    payload = request[3 : 3 + int.from_bytes(request[1:3], "big")]
    wrong = bytes((payload[0] ^ 1,)) + payload[1:]
    ours = os.urandom(20)
    conn.notes["server_payload"] = ours
    bad = [
        _hb(2, wrong),  # not our payload
        _hb(2, payload, length=len(payload) + 10),  # payload length past the end
        _hb(3, payload),  # unknown type
        _hb(1, ours, length=len(ours) + 1),  # a request whose length runs past its end
        _hb(2, payload),  # the right response
        _hb(1, ours, pad=30),  # a request to answer
    ]
    conn.send(b"".join(skeys.seal(HEARTBEAT, m) for m in bad))
    conn.notes["answer"] = _read_heartbeat(conn, ckeys)
    conn.send(skeys.seal(t.APPDATA, b"heartbeats done\n") + skeys.seal(t.ALERT, b"\x01\x00"))


def _serve(
    script: Callable[[t.Conn, PKI], None], pki: PKI, *args: str
) -> tuple[Result, h.ScriptedServer]:
    """sclient sends ``B`` once connected, and runs until the server closes."""
    srv = h.ScriptedServer(script, pki, drain_timeout=5).start()
    try:
        with Proc([*sclient_cmd(), "-connect", f"127.0.0.1:{srv.port}", *args]) as proc:
            proc.wait_stderr(b"verify return:1\n", 10)
            time.sleep(0.3)
            with contextlib.suppress(BrokenPipeError):  # (a refused handshake ended it)
                proc.write(b"B\n")
            deadline = time.monotonic() + 15
            while proc.running() and time.monotonic() < deadline:  # until the server closes
                time.sleep(0.05)
            res = proc.finish(5)
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"the scripted server failed: {srv.error!r}\n{res.stderr}"
    assert_clean_stderr(res.stderr)
    return res, srv


def _check_server_side(srv: h.ScriptedServer) -> None:
    notes = srv.conn.notes if srv.conn else {}
    assert notes["heartbeat_offered"]  # mode 1, peer_allowed_to_send
    req = notes["request"]
    # 1.1.1's request: type 1, an 18-byte payload (sequence 0 first), 16 bytes of padding
    assert len(req) == 37 and req[:5] == b"\x01\x00\x12\x00\x00"
    ans = notes["answer"]
    ours = notes["server_payload"]
    # the answer to the valid request (not to the one whose length ran past its end)
    assert ans[:3] == b"\x02\x00\x14" and ans[3:23] == ours
    assert len(ans) - 23 >= 16


def test_discards_and_answers_json(pki: PKI) -> None:
    res, srv = _serve(discards, pki, *ARGS, "-json")
    assert res.rc == 0, res.stderr
    _check_server_side(srv)
    doc = sclient_json(res.stdout)
    assert doc["heartbeat"] == {
        "mode": "peer_allowed_to_send",
        "requests_sent": 1,
        "retransmissions": 0,
        "responses_matched": 1,
        "requests_answered": 1,
        "discarded": [
            "not the payload of our request",
            "payload length too large",
            "unknown message type",
            "payload length too large",
        ],
    }
    assert "HEARTBEATING\n" in res.stderr


def test_discards_and_answers_msg(pki: PKI) -> None:
    """-msg: each message as OpenSSL 1.1.1's msg_cb showed it (the content
    type word left out, the message kind after the length)."""
    res, srv = _serve(discards, pki, *ARGS, "-msg")
    assert res.rc == 0, res.stderr
    _check_server_side(srv)
    lines = [ln for ln in res.stdout.splitlines() if "TLS 1.2 [length" in ln]
    assert lines == [
        ">>> TLS 1.2 [length 0025], HeartbeatRequest",
        "<<< TLS 1.2 [length 0025], HeartbeatResponse",  # not our payload
        "<<< TLS 1.2 [length 0025], HeartbeatResponse",  # its length past the end
        "<<< TLS 1.2 [length 0025], Heartbeat",  # type 3
        "<<< TLS 1.2 [length 0027], HeartbeatRequest",  # its length past the end
        "<<< TLS 1.2 [length 0025], HeartbeatResponse",
        "<<< TLS 1.2 [length 0035], HeartbeatRequest",
        ">>> TLS 1.2 [length 0027], HeartbeatResponse",
    ], res.stdout
    assert "heartbeats done\n" in res.stdout


def test_trace(pki: PKI) -> None:
    """-trace: 1.1.1's ssl_print_heartbeat under each record."""
    res, srv = _serve(discards, pki, *ARGS, "-trace")
    assert res.rc == 0, res.stderr
    req = srv.conn.notes["request"] if srv.conn else b""
    want = (
        "  Content Type = UNKNOWN (24)\n  Length = 61\n"
        "    HeartBeatMessageType: heartbeat_request\n"
        f"    payload (len=18): {req[3:21].hex().upper()}\n"
        f"    padding (len=16): {req[21:].hex().upper()}\n"
    )
    assert want in res.stdout, res.stdout
    # ssl_print_hexbuf takes the length as given: 28 of the 34 bytes, 6 left
    assert "    payload (len=28): " in res.stdout and "    padding (len=6): " in res.stdout
    assert "    HeartBeatMessageType: UNKNOWN\n" in res.stdout


def mode(m: int) -> Callable[[t.Conn, PKI], None]:
    def script(conn: t.Conn, pki: PKI) -> None:
        keys = _handshake(conn, pki, m)
        if keys is None:
            conn.notes["refused"] = True
            return
        conn.notes["refused"] = False
        _, skeys = keys
        conn.send(skeys.seal(t.APPDATA, b"no heartbeats\n"))
        time.sleep(1.5)  # the client's B comes (and must not become a heartbeat)
        conn.notes["after_b"] = conn.unread
        conn.send(skeys.seal(t.ALERT, b"\x01\x00"))

    return script


def test_peer_not_allowed_to_send(pki: PKI) -> None:
    """Mode 2: the server takes no requests. B prints 1.1.1's error line (in
    3.0's form) and the connection goes on."""
    res, srv = _serve(mode(2), pki, *ARGS, "-json")
    assert res.rc == 0, res.stderr
    assert "HEARTBEATING\n" in res.stderr
    assert ":SSL routines:dtls1_heartbeat:peer does not accept heartbeats:" in res.stderr
    assert srv.conn is not None and srv.conn.notes["after_b"] == b""  # nothing sent
    doc = sclient_json(res.stdout)
    assert doc["heartbeat"]["mode"] == "peer_not_allowed_to_send"
    assert doc["heartbeat"]["requests_sent"] == 0


def test_unknown_mode_is_illegal_parameter(pki: PKI) -> None:
    """RFC 6520 §2: an unknown HeartbeatMode is answered with illegal_parameter."""
    res, srv = _serve(mode(3), pki, *ARGS)
    assert res.rc == 1
    assert srv.conn is not None and srv.conn.notes["refused"]
    assert srv.response[:7] == t.alert(2, 47)
    assert ":SSL routines:" in res.stderr and ":bad extension:" in res.stderr
