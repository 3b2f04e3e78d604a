"""Hostile servers for the post-quantum groups: a ServerHello key share that
cannot be decapsulated (wrong length, or a hybrid's ECDH half off the curve).

OpenSSL 3.0 has no such group, so the reference client is node 26 (OpenSSL
3.5.9) when installed: the same script is run against it and it must put the
same alert on the wire (internal_error, from OpenSSL 3.5's ssl_decapsulate).
"""

from __future__ import annotations

import os
import subprocess
import time

import hostile_servers as h
import pytest

from support import tlsforge as t
from support.nodepeer import node_binary
from support.pki import PKI
from support.procs import assert_clean_stderr, run, sclient_cmd

pytestmark = pytest.mark.hostile

#: fatal internal_error in a TLS 1.2-versioned plaintext record.
INTERNAL_ERROR_ALERT = bytes.fromhex("15030300020250")

#: (id, group name, code point, the server's key_exchange)
CASES = [
    ("x25519mlkem768-short", "X25519MLKEM768", 0x11EC, lambda: os.urandom(1119)),
    ("x25519mlkem768-long", "X25519MLKEM768", 0x11EC, lambda: os.urandom(1121)),
    ("mlkem768-short", "MLKEM768", 0x0201, lambda: os.urandom(1087)),
    ("mlkem1024-long", "MLKEM1024", 0x0202, lambda: os.urandom(1569)),
    ("secp384r1mlkem1024-short", "SecP384r1MLKEM1024", 0x11ED, lambda: os.urandom(1600)),
    (
        "secp256r1mlkem768-point-off-curve",
        "SecP256r1MLKEM768",
        0x11EB,
        lambda: b"\x04" + bytes(64) + os.urandom(1088),
    ),
]


def _script(group: int, make_share: object) -> h.Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        assert group in ch.key_share_groups
        share = make_share()  # type: ignore[operator]
        exts = t.ext(t.EXT_SUPPORTED_VERSIONS, t.u16(t.TLS13)) + t.ext(
            t.EXT_KEY_SHARE, t.u16(group) + t.vec16(share)
        )
        sh = t.server_hello(session_id=ch.session_id, cipher=0x1301, extensions=exts)
        conn.send(t.record(t.HANDSHAKE, sh))

    return script


@pytest.mark.parametrize(
    ("name", "group", "share"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_undecapsulatable_share_fails_cleanly(
    name: str, group: int, share: object, pki: PKI
) -> None:
    srv = h.ScriptedServer(_script(group, share), pki).start()
    try:
        start = time.monotonic()
        res = run(
            [*sclient_cmd(), "-connect", f"127.0.0.1:{srv.port}", "-groups", name],
            stdin=None,
            timeout=15,
        )
        took = time.monotonic() - start
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"{srv.error!r}\n{res.stderr}"
    assert res.rc == 1, res.stderr
    assert took < 10
    assert_clean_stderr(res.stderr)
    assert ":error:0A0C0103:SSL routines:ssl_decapsulate:internal error:" in res.stderr
    assert srv.response.startswith(INTERNAL_ERROR_ALERT), srv.response.hex()


@pytest.mark.parametrize(
    ("name", "group", "share"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_openssl35_sends_the_same_alert(name: str, group: int, share: object, pki: PKI) -> None:
    """The reference: node 26's client (OpenSSL 3.5) against the same script."""
    node = node_binary()
    srv = h.ScriptedServer(_script(group, share), pki).start()
    js = (
        f"const s=require('tls').connect({{port:{srv.port},host:'127.0.0.1',ecdhCurve:'{name}',"
        "rejectUnauthorized:false,minVersion:'TLSv1.3'});"
        "s.on('error',e=>console.log('error '+e.code));"
    )
    try:
        r = subprocess.run([node, "-e", js], capture_output=True, text=True, timeout=20)
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, repr(srv.error)
    assert r.stdout.startswith("error "), r.stdout + r.stderr
    assert srv.response.startswith(INTERNAL_ERROR_ALERT), srv.response.hex()


#: fatal illegal_parameter.
ILLEGAL_PARAMETER_ALERT = bytes.fromhex("1503030002022f")


def _tls12_kem_ske() -> h.Script:
    """A TLS 1.2 ServerHello, then a (correctly signed) ServerKeyExchange naming
    the offered X25519MLKEM768: an ECPoint (at most 255 bytes) is never a key of it."""
    return h._ske12(lambda: h._ecdh_params(0x11EC, os.urandom(65)), h.ECDHE_RSA_AES128_GCM)


def test_tls12_server_key_exchange_with_a_kem_group(pki: PKI) -> None:
    srv = h.ScriptedServer(_tls12_kem_ske(), pki).start()
    try:
        res = run(
            [
                *sclient_cmd(),
                "-connect",
                f"127.0.0.1:{srv.port}",
                "-groups",
                "X25519MLKEM768:X25519",
            ],
            stdin=None,
            timeout=15,
        )
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, repr(srv.error)
    assert res.rc == 1, res.stderr
    assert_clean_stderr(res.stderr)
    assert ":error:0A000132:SSL routines:tls_process_ske_ecdhe:bad ecpoint:" in res.stderr
    assert srv.response.startswith(ILLEGAL_PARAMETER_ALERT), srv.response.hex()


def test_tls12_kem_group_openssl35_reference(pki: PKI) -> None:
    node = node_binary()
    srv = h.ScriptedServer(_tls12_kem_ske(), pki).start()
    js = (
        f"const s=require('tls').connect({{port:{srv.port},host:'127.0.0.1',"
        "ecdhCurve:'X25519MLKEM768:X25519',rejectUnauthorized:false});"
        "s.on('error',e=>console.log('error '+e.code));"
    )
    try:
        r = subprocess.run([node, "-e", js], capture_output=True, text=True, timeout=20)
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, repr(srv.error)
    assert r.stdout.startswith("error "), r.stdout + r.stderr
    assert srv.response.startswith(ILLEGAL_PARAMETER_ALERT), srv.response.hex()
