"""Hostile servers for GREASE (RFC 8701): a server that selects one of the
GREASE values our ClientHello offered (cipher suite, version, key share
group, the group of a HelloRetryRequest), or answers with a GREASE extension.

A GREASE value is a value the client does not know, so OpenSSL 3.0 (which
never sends GREASE) refuses the same selection with the same alert and error
line: ``openssl s_client`` is run against the same script as the reference.
A GREASE extension in a ServerHello is refused by OpenSSL 4.1 (the OpenSSL
``cryptography`` bundles, as a client with ``SSL_OP_GREASE``, driven through
its binding): unsupported_extension, "unsolicited extension"; OpenSSL 3.0
ignores it, and so does sclient without ``-grease``.
"""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Callable

import hostile_servers as h
import pytest

from support import tlsforge as t
from support.pki import PKI
from support.procs import Result, assert_clean_stderr, run, sclient_cmd

pytestmark = pytest.mark.hostile

ILLEGAL_PARAMETER, UNSUPPORTED_EXTENSION = 47, 110


def _grease_in(values: list[int]) -> int:
    """The GREASE value the client offered in a list, else 0x0A0A (a client
    without GREASE gets the same unknown value)."""
    return next((v for v in values if v & 0x0F0F == 0x0A0A and v >> 8 == v & 0xFF), 0x0A0A)


def _x25519_share(ch: t.ClientHello) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.generate().public_key().public_bytes_raw()


def _server_hello13(
    *,
    cipher: Callable[[t.ClientHello], int] = lambda ch: 0x1301,
    version: Callable[[t.ClientHello], int] = lambda ch: t.TLS13,
    group: Callable[[t.ClientHello], int] = lambda ch: 0x001D,
    extra: bytes = b"",
) -> h.Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        g = group(ch)
        share = _x25519_share(ch) if g == 0x001D else b"\x00"
        exts = t.ext(t.EXT_SUPPORTED_VERSIONS, t.u16(version(ch)))
        exts += t.ext(t.EXT_KEY_SHARE, t.u16(g) + t.vec16(share)) + extra
        sh = t.server_hello(session_id=ch.session_id, cipher=cipher(ch), extensions=exts)
        conn.send(t.record(t.HANDSHAKE, sh))

    return script


def _hrr_for(group: Callable[[t.ClientHello], int]) -> h.Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        exts = t.ext(t.EXT_SUPPORTED_VERSIONS, t.u16(t.TLS13))
        exts += t.ext(t.EXT_KEY_SHARE, t.u16(group(ch)))
        hrr = t.server_hello(
            session_id=ch.session_id, cipher=0x1301, random=t.HRR_RANDOM, extensions=exts
        )
        conn.send(t.record(t.HANDSHAKE, hrr))

    return script


SELECTIONS = {
    "cipher": _server_hello13(cipher=lambda ch: _grease_in(ch.cipher_suites)),
    "version": _server_hello13(version=lambda ch: _grease_in(ch.supported_versions)),
    "key_share": _server_hello13(group=lambda ch: _grease_in(ch.supported_groups)),
    "hrr_group": _hrr_for(lambda ch: _grease_in(ch.supported_groups)),
}


def _run(script: h.Script, pki: PKI, prefix: list[str], *args: str) -> tuple[Result, bytes]:
    srv = h.ScriptedServer(script, pki).start()
    try:
        res = run([*prefix, "-connect", f"127.0.0.1:{srv.port}", *args], stdin=b"", timeout=15)
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"{srv.error!r}\n{res.stderr}"
    return res, srv.response


def _alerts(sent: bytes) -> list[bytes]:
    return [p for ctype, _v, p in t.records_of(sent) if ctype == t.ALERT]


def _ssl_errors(stderr: str) -> list[tuple[str, str]]:
    """(code, reason) of each ``SSL routines`` error line."""
    pat = r"^[0-9A-Fa-f]+:error:([0-9A-F]{8}):SSL routines:[^:]*:([^:]*):"
    return re.findall(pat, stderr, re.M)


@pytest.mark.parametrize("what", list(SELECTIONS))
def test_a_selected_grease_value_is_refused_as_openssl_refuses_it(what: str, pki: PKI) -> None:
    ours, sent = _run(SELECTIONS[what], pki, sclient_cmd(), "-grease")
    assert ours.rc == 1, ours.stderr
    assert_clean_stderr(ours.stderr)
    assert _alerts(sent) == [bytes((2, ILLEGAL_PARAMETER))]
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed: the reference check needs it")
    ref, ref_sent = _run(SELECTIONS[what], pki, ["openssl", "s_client"])
    assert ref.rc == 1
    assert _alerts(ref_sent) == _alerts(sent)
    assert _ssl_errors(ours.stderr) == _ssl_errors(ref.stderr) != []


GREASE_EXTENSION = t.ext(0x2A2A, b"")


def test_a_grease_extension_in_server_hello(pki: PKI) -> None:
    script = _server_hello13(extra=GREASE_EXTENSION)
    ours, sent = _run(script, pki, sclient_cmd(), "-grease")
    assert ours.rc == 1
    assert_clean_stderr(ours.stderr)
    assert _alerts(sent) == [bytes((2, UNSUPPORTED_EXTENSION))]
    assert [r for _c, r in _ssl_errors(ours.stderr)] == ["unsolicited extension"]
    # Without -grease: ignored, as OpenSSL 3.0 ignores an unknown extension
    # there (the script then stops: the end of the stream is the failure).
    plain, plain_sent = _run(script, pki, sclient_cmd())
    assert _alerts(plain_sent) == []
    assert [r for _c, r in _ssl_errors(plain.stderr)] == ["unexpected eof while reading"]


def _encrypted_extensions_with(extra: bytes) -> h.Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        srv = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, srv.server_hello()))
        conn.send(srv.seal(t.HANDSHAKE, t.encrypted_extensions(extra)))

    return script


def _openssl41_grease_client(script: h.Script, pki: PKI) -> tuple[list[str], bytes]:
    """OpenSSL 4.1 (cryptography's) as a client with SSL_OP_GREASE against
    ``script``: its error reasons and what it sent after the ClientHello."""
    binding = pytest.importorskip("cryptography.hazmat.bindings.openssl.binding").Binding
    from cryptography.hazmat.backends.openssl import backend

    if not backend.openssl_version_text().startswith("OpenSSL 4.1"):
        pytest.skip(f"cryptography's OpenSSL is not 4.1: {backend.openssl_version_text()}")
    lib, ffi = binding.lib, binding.ffi
    op_grease = 0x20000000000  # SSL_OP_GREASE (OpenSSL 4.1)
    srv = h.ScriptedServer(script, pki).start()
    reasons = []
    try:
        ctx = lib.SSL_CTX_new(lib.TLS_client_method())
        lib.SSL_CTX_set_options(ctx, op_grease)
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            ssl = lib.SSL_new(ctx)
            lib.SSL_set_fd(ssl, sock.fileno())
            lib.SSL_set_connect_state(ssl)
            assert lib.SSL_do_handshake(ssl) != 1
            while code := lib.ERR_get_error():
                text = lib.ERR_reason_error_string(code)
                reasons.append(ffi.string(text).decode() if text != ffi.NULL else hex(code))
            lib.SSL_free(ssl)
        lib.SSL_CTX_free(ctx)
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, repr(srv.error)
    return reasons, srv.response


def test_openssl_41_refuses_a_grease_extension_in_server_hello_the_same_way(pki: PKI) -> None:
    """The reference for the alert and reason: OpenSSL 4.1 with SSL_OP_GREASE."""
    reasons, sent = _openssl41_grease_client(_server_hello13(extra=GREASE_EXTENSION), pki)
    assert reasons == ["unsolicited extension"]
    assert _alerts(sent) == [bytes((2, UNSUPPORTED_EXTENSION))]


def test_a_grease_extension_in_encrypted_extensions(pki: PKI) -> None:
    """RFC 8701 §3.1 refuses it (sclient with -grease: unsupported_extension,
    under the handshake keys); OpenSSL 4.1 with SSL_OP_GREASE lets it pass
    (a documented difference), as OpenSSL 3.0 and sclient without -grease do."""
    script = _encrypted_extensions_with(GREASE_EXTENSION)
    ours, sent = _run(script, pki, sclient_cmd(), "-grease")
    assert ours.rc == 1
    assert_clean_stderr(ours.stderr)
    assert [r for _c, r in _ssl_errors(ours.stderr)] == ["unsolicited extension"]
    # In plaintext, as OpenSSL 3.0 sends its alert for an EncryptedExtensions it refuses.
    assert _alerts(sent) == [bytes((2, UNSUPPORTED_EXTENSION))]
    plain, _ = _run(script, pki, sclient_cmd())
    assert [r for _c, r in _ssl_errors(plain.stderr)] == ["unexpected eof while reading"]
    reasons, ossl_sent = _openssl41_grease_client(script, pki)
    assert reasons == ["unexpected eof while reading"] and _alerts(ossl_sent) == []
