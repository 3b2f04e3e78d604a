"""Hostile servers for raw public keys (RFC 7250, ``-enable_server_rpk``):
a certificate type we did not offer, a malformed answer, an answer to an
extension we did not send, a malformed or missing key, and a key sent where
no raw public key was offered.

No OpenSSL 3.2 client is on this machine: the alerts and error lines are
those of 3.2's ``tls_parse_stoc_server_cert_type``, ``tls_process_rpk`` and
``tls_process_server_rpk`` (read from its source); the last case (nothing
offered) is OpenSSL 3.0's, and is compared with ``openssl s_client``.
"""

from __future__ import annotations

from collections.abc import Callable

import hostile_servers as h
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from support import tlsforge as t
from support.pki import PKI
from support.procs import assert_clean_stderr, run, run_openssl_s_client, sclient_cmd

pytestmark = pytest.mark.hostile

DECODE_ERROR, UNSUPPORTED_EXTENSION, BAD_CERTIFICATE = 50, 110, 42
EXT_CLIENT_CERT_TYPE, EXT_SERVER_CERT_TYPE = 19, 20


def _spki() -> bytes:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _flight(ee_exts: bytes, certificate: bytes | None) -> tuple[h.Script, dict[str, t.Tls13Server]]:
    box: dict[str, t.Tls13Server] = {}

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = box["s"] = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello()))
        conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions(ee_exts)))
        if certificate is not None:
            conn.send(s.seal(t.HANDSHAKE, certificate))

    return script, box


def _rpk_certificate(entry: bytes) -> bytes:
    """A TLS 1.3 Certificate with an empty context and the list ``entry``."""
    return t.handshake(t.CERTIFICATE, t.vec8(b"") + t.vec24(entry))


def _alert13(response: bytes, s: t.Tls13Server) -> int | None:
    """The description of the first alert the client sent: in the clear, as
    OpenSSL's client does before it writes its own flight, or protected with
    its handshake keys."""
    assert s.client_hs is not None
    for ctype, _, payload in t.records_of(response):
        if ctype == t.ALERT:
            return payload[1]
        if ctype == t.APPDATA:
            inner_type, content = s.client_hs.open(t.record(ctype, payload))
            if inner_type == t.ALERT:
                return content[1]
    return None


CASES: list[tuple[str, bytes, Callable[[], bytes | None], int, str]] = [
    (
        "type-not-offered",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x01"),
        lambda: None,
        DECODE_ERROR,
        "tls_parse_stoc_server_cert_type:bad value",
    ),
    (
        "two-bytes",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x02\x00"),
        lambda: None,
        DECODE_ERROR,
        "tls_parse_stoc_server_cert_type:bad extension",
    ),
    (
        "client-type-not-sent",
        t.ext(EXT_CLIENT_CERT_TYPE, b"\x02"),
        lambda: None,
        UNSUPPORTED_EXTENSION,
        "tls_collect_extensions:unsolicited extension",
    ),
    (
        "malformed-key",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x02"),
        lambda: _rpk_certificate(t.vec24(b"\x30\x03\x02\x01\x01") + t.u16(0)),
        DECODE_ERROR,
        "tls_process_rpk:length mismatch",
    ),
    (
        "bytes-after-key",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x02"),
        lambda: _rpk_certificate(t.vec24(_spki() + b"\x00") + t.u16(0)),
        DECODE_ERROR,
        "tls_process_rpk:length mismatch",
    ),
    (
        "two-keys",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x02"),
        lambda: _rpk_certificate((t.vec24(_spki()) + t.u16(0)) * 2),
        DECODE_ERROR,
        "tls_process_rpk:length mismatch",
    ),
    (
        "empty-key",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x02"),
        lambda: _rpk_certificate(t.vec24(b"") + t.u16(0)),
        DECODE_ERROR,
        "tls_process_rpk:empty raw public key",
    ),
    (
        "no-key",
        t.ext(EXT_SERVER_CERT_TYPE, b"\x02"),
        lambda: _rpk_certificate(b""),
        DECODE_ERROR,
        "tls_process_server_rpk:bad certificate",
    ),
]


@pytest.mark.parametrize(
    ("ee", "cert", "alert", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_raw_public_key_answers(
    ee: bytes, cert: Callable[[], bytes | None], alert: int, line: str, pki: PKI
) -> None:
    script, box = _flight(ee, cert())
    srv = h.ScriptedServer(script, pki).start()
    try:
        res = run(
            [*sclient_cmd(), "-connect", f"127.0.0.1:{srv.port}", "-enable_server_rpk"],
            stdin=None,
            timeout=15,
        )
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"{srv.error!r}\n{res.stderr}"
    assert res.rc == 1, res.stderr
    assert_clean_stderr(res.stderr)
    assert f":SSL routines:{line}:" in res.stderr, res.stderr
    assert _alert13(srv.response, box["s"]) == alert


def test_key_without_the_option_is_a_bad_certificate(pki: PKI) -> None:
    """A server that sends a raw public key where an X.509 certificate is
    due (nothing offered): OpenSSL 3.0 cannot read it as a certificate."""
    results = []
    for client in ("sclient", "openssl"):
        script, box = _flight(b"", t.certificate_tls13([_spki()]))
        srv = h.ScriptedServer(script, pki).start()
        try:
            args = ["-connect", f"127.0.0.1:{srv.port}"]
            if client == "sclient":
                res = run([*sclient_cmd(), *args], stdin=None, timeout=15)
            else:
                res = run_openssl_s_client(args, stdin=None, timeout=15)
            srv.join(15)
        finally:
            srv.stop()
        assert srv.error is None, f"{srv.error!r}\n{res.stderr}"
        results.append((res.rc, _alert13(srv.response, box["s"])))
        if client == "sclient":
            assert_clean_stderr(res.stderr)
            assert "tls_process_server_certificate:ASN1 lib" in res.stderr, res.stderr
    assert results[0] == results[1] == (1, BAD_CERTIFICATE)
