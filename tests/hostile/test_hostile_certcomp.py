"""Hostile CompressedCertificate messages (RFC 8879, OpenSSL 3.2+'s checks).

A scripted TLS 1.3 server (``support.tlsforge``) answers a ClientHello that
offers compress_certificate (``-cert_comp``) with a CompressedCertificate
that lies: a 16 MiB declared length for a 1 KiB zlib payload, a few bytes of
brotli that expand far past what they declare, an algorithm not offered, a
compressed length that is not the rest of the message, a corrupt stream, a
body that expands exactly but is no Certificate. Each is refused with the
alert and the error-queue reason of OpenSSL 3.2+'s
``tls13_process_compressed_certificate`` (ssl/statem/statem_lib.c), and
without a CompressedCertificate in the ClientHello's offer the message is
unexpected. Where node 26 (OpenSSL 3.5.9) is installed, its client meets the
same server and must send the same alert.

The memory bound is checked where it lives, in ``sclient.tls.certcomp``:
expanding the bombs stays within the declared length (plus one byte), as
``tracemalloc`` measures.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import time
import tracemalloc
import zlib
from collections.abc import Callable

import hostile_servers as h
import pytest

from support import tlsforge as t
from support.nodepeer import node_binary
from support.pki import PKI
from support.procs import assert_clean_stderr, run, sclient_cmd

pytestmark = pytest.mark.hostile

COMPRESSED_CERTIFICATE = 25
EXT_COMPRESS_CERTIFICATE = 27
ZLIB, BROTLI, ZSTD = 1, 2, 3

#: A fatal alert in a TLS 1.2-versioned plaintext record (OpenSSL alerts about
#: the server's flight before it switches its write side to handshake keys).
BAD_CERTIFICATE = bytes.fromhex("1503030002022a")
ILLEGAL_PARAMETER = bytes.fromhex("1503030002022f")
DECODE_ERROR = bytes.fromhex("15030300020232")
UNEXPECTED_MESSAGE = bytes.fromhex("1503030002020a")

BAD_DECOMPRESSION = (
    ":error:0A00006B:SSL routines:tls13_process_compressed_certificate:bad decompression:"
)
BAD_ALGORITHM = (
    ":error:0A000146:SSL routines:tls13_process_compressed_certificate:bad compression algorithm:"
)


def zlib_bomb() -> bytes:
    """About 1 KiB of zlib that expands to 1 MiB of zeros."""
    return zlib.compress(bytes(1 << 20), 9)


def brotli_bomb(size: int = 64 << 20) -> bytes:
    """A few dozen bytes of brotli that expand to ``size`` zeros."""
    brotli = pytest.importorskip("brotli", reason="brotli is not installed (the test extra)")
    c = brotli.Compressor(quality=5, lgwin=24)
    out = [c.process(bytes(1 << 20)) for _ in range(size >> 20)]
    return b"".join(out) + c.finish()


def compressed_certificate(algorithm: int, declared: int, data: bytes) -> bytes:
    return t.handshake(COMPRESSED_CERTIFICATE, t.u16(algorithm) + t.u24(declared) + t.vec24(data))


def _script(message: Callable[[], bytes]) -> h.Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello()))
        conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions()))
        conn.send(s.seal(t.HANDSHAKE, message()))

    return script


def _cert_body(pki: PKI) -> bytes:
    """A real Certificate message body (empty context, the rsa chain)."""
    return t.certificate_tls13(h._ders(pki))[4:]


#: (id, the message, the alert, the error-queue text)
CASES: list[tuple[str, Callable[[PKI], bytes], bytes, str]] = [
    (
        "zlib-1KiB-declares-16MiB",
        lambda pki: compressed_certificate(ZLIB, (1 << 24) - 1, zlib_bomb()),
        BAD_CERTIFICATE,
        BAD_DECOMPRESSION,
    ),
    (
        "brotli-expands-past-its-length",
        lambda pki: compressed_certificate(BROTLI, 1000, brotli_bomb()),
        BAD_CERTIFICATE,
        BAD_DECOMPRESSION,
    ),
    (
        "algorithm-not-offered",
        lambda pki: compressed_certificate(4, 100, b"\x00" * 10),
        ILLEGAL_PARAMETER,
        BAD_ALGORITHM,
    ),
    (
        "compressed-length-not-the-rest",
        lambda pki: t.handshake(
            COMPRESSED_CERTIFICATE, t.u16(ZLIB) + t.u24(100) + t.u24(50) + b"\x00" * 10
        ),
        DECODE_ERROR,
        BAD_DECOMPRESSION,
    ),
    (
        "corrupt-zlib-stream",
        lambda pki: compressed_certificate(ZLIB, 500, os.urandom(200)),
        BAD_CERTIFICATE,
        BAD_DECOMPRESSION,
    ),
    (
        "shorter-than-declared",
        lambda pki: compressed_certificate(
            ZLIB, len(_cert_body(pki)) + 1, zlib.compress(_cert_body(pki))
        ),
        BAD_CERTIFICATE,
        BAD_DECOMPRESSION,
    ),
    (
        "expands-to-no-certificate",
        lambda pki: compressed_certificate(
            ZLIB, 40, zlib.compress(b"\x00\x00\x00\x07" + bytes(36))
        ),
        DECODE_ERROR,
        ":error:0A00009F:SSL routines:",  # length mismatch
    ),
]


def _run(message: Callable[[PKI], bytes], pki: PKI, *args: str) -> tuple[object, h.ScriptedServer]:
    srv = h.ScriptedServer(_script(lambda: message(pki)), pki, drain_timeout=5).start()
    try:
        start = time.monotonic()
        res = run(
            [*sclient_cmd(), "-connect", f"127.0.0.1:{srv.port}", *args], stdin=None, timeout=20
        )
        took = time.monotonic() - start
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"{srv.error!r}\n{res.stderr}"
    assert took < 15
    assert_clean_stderr(res.stderr)
    return res, srv


@pytest.mark.parametrize(
    ("message", "alert", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_compressed_certificate_refused(
    message: Callable[[PKI], bytes], alert: bytes, reason: str, pki: PKI
) -> None:
    res, srv = _run(message, pki, "-cert_comp")
    assert res.rc == 1, res.stderr  # type: ignore[attr-defined]
    assert srv.response.startswith(alert), srv.response.hex()
    assert reason in res.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in res.stderr  # type: ignore[attr-defined]


def test_compressed_certificate_not_offered_is_unexpected(pki: PKI) -> None:
    """Without compress_certificate in the ClientHello (OpenSSL 3.0's, the
    default) a CompressedCertificate is an unexpected message."""
    body = _cert_body(pki)
    res, srv = _run(lambda p: compressed_certificate(ZLIB, len(body), zlib.compress(body)), pki)
    assert res.rc == 1  # type: ignore[attr-defined]
    assert srv.response.startswith(UNEXPECTED_MESSAGE), srv.response.hex()
    assert ":unexpected message:" in res.stderr  # type: ignore[attr-defined]


def test_trace_shows_the_bomb_before_refusing_it(pki: PKI) -> None:
    """-trace prints the message as OpenSSL 3.2+ does (its declared length and
    the ratio it claims) and, as the stream does not expand to that length, no
    certificate after the dump."""
    bomb = zlib_bomb()
    res, _ = _run(
        lambda p: compressed_certificate(ZLIB, (1 << 24) - 1, bomb), pki, "-cert_comp", "-trace"
    )
    out = res.stdout  # type: ignore[attr-defined]
    assert "      Compression type=zlib (0x0001)\n" in out
    assert "      Uncompressed length=16777215\n" in out
    # OpenSSL divides two C floats: (float)uclen / (float)clen, printed with %f
    ratio = f"{ctypes.c_float(16777215 / len(bomb)).value:f}"
    assert ratio != f"{16777215 / len(bomb):f}"  # the float quotient shows
    assert f"      Compressed length={len(bomb)}, Ratio={ratio}:1\n" in out
    assert "certificate_list" not in out


# --- compress_certificate where it does not belong -----------------------------------------


def _flight(*messages: Callable[[], bytes]) -> h.Script:
    """ServerHello, then each message protected under the handshake keys."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello()))
        for m in messages:
            conn.send(s.seal(t.HANDSHAKE, m()))

    return script


def _ext(data: bytes) -> bytes:
    return t.ext(EXT_COMPRESS_CERTIFICATE, data)


def _request(exts: bytes) -> bytes:
    sigalgs = t.ext(13, t.vec16(t.u16(0x0804) + t.u16(0x0403)))
    return t.handshake(13, t.vec8(b"") + t.vec16(sigalgs + exts))


SERVER_HELLO_DONE = lambda: t.handshake(14, b"")  # noqa: E731  (unexpected in TLS 1.3)

#: (id, script, sclient's options, the alert, the error-queue text)
PLACES: list[tuple[str, h.Script, tuple[str, ...], bytes, str]] = [
    (
        "in-encrypted-extensions",
        _flight(lambda: t.encrypted_extensions(_ext(t.vec8(t.u16(ZLIB))))),
        ("-cert_comp",),
        ILLEGAL_PARAMETER,
        ":bad extension:",
    ),
    (
        "empty-list-in-certificate-request",
        _flight(lambda: t.encrypted_extensions(), lambda: _request(_ext(t.vec8(b"")))),
        ("-cert_comp",),
        DECODE_ERROR,
        ":bad extension:",
    ),
    (
        "odd-list-in-certificate-request",
        _flight(lambda: t.encrypted_extensions(), lambda: _request(_ext(t.vec8(b"\x00\x01\x02")))),
        ("-cert_comp",),
        DECODE_ERROR,
        ":bad extension:",
    ),
]


@pytest.mark.parametrize(
    ("script", "args", "alert", "reason"), [p[1:] for p in PLACES], ids=[p[0] for p in PLACES]
)
def test_compress_certificate_out_of_place(
    script: h.Script, args: tuple[str, ...], alert: bytes, reason: str, pki: PKI
) -> None:
    res, srv = _run_script(script, pki, *args)
    assert res.rc == 1, res.stderr  # type: ignore[attr-defined]
    assert srv.response.startswith(alert), srv.response.hex()
    assert reason in res.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("script", "args"),
    [
        # not offered: OpenSSL 3.0 does not know the extension and reads on
        (_flight(lambda: t.encrypted_extensions(_ext(t.vec8(t.u16(ZLIB)))), SERVER_HELLO_DONE), ()),
        # -no_tx_cert_comp: a CertificateRequest's list is not even parsed
        (
            _flight(
                lambda: t.encrypted_extensions(),
                lambda: _request(_ext(t.vec8(b""))),
                SERVER_HELLO_DONE,
            ),
            ("-no_tx_cert_comp",),
        ),
    ],
    ids=["encrypted-extensions-not-offered", "certificate-request-no-tx"],
)
def test_compress_certificate_ignored(script: h.Script, args: tuple[str, ...], pki: PKI) -> None:
    res, srv = _run_script(script, pki, *args)
    assert res.rc == 1
    assert srv.response.startswith(UNEXPECTED_MESSAGE), srv.response.hex()  # the ServerHelloDone
    assert ":unexpected message:" in res.stderr  # type: ignore[attr-defined]


def _run_script(script: h.Script, pki: PKI, *args: str) -> tuple[object, h.ScriptedServer]:
    srv = h.ScriptedServer(script, pki, drain_timeout=5).start()
    try:
        res = run(
            [*sclient_cmd(), "-connect", f"127.0.0.1:{srv.port}", *args], stdin=None, timeout=20
        )
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, f"{srv.error!r}\n{res.stderr}"
    assert_clean_stderr(res.stderr)
    return res, srv


# --- the bound, measured ------------------------------------------------------------------


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_decompression_output_is_bounded_by_the_declared_length() -> None:
    from sclient.tls import certcomp

    bomb = brotli_bomb()  # 64 MiB of zeros in a few dozen bytes
    assert len(bomb) < 1024
    out: list[bytes | None] = []
    peak = _peak(lambda: out.append(certcomp.decompress(BROTLI, bomb, 1000)))
    assert out[0] is not None and len(out[0]) == 1001  # one byte past: too long, not made
    assert peak < 512 * 1024, peak
    zstd = pytest.importorskip("zstandard", reason="zstandard is not installed (the test extra)")
    zbomb = zstd.ZstdCompressor(level=19).compress(bytes(8 << 20))
    peak = _peak(lambda: out.append(certcomp.decompress(ZSTD, zbomb, 4096)))
    assert out[-1] is not None and len(out[-1]) == 4097
    assert peak < 1 << 20, peak


def test_a_16MiB_claim_costs_only_what_the_stream_really_holds() -> None:
    from sclient.tls import certcomp
    from sclient.tls.errors import LocalError
    from sclient.tls.wire.handshake import CompressedCertificate

    bomb = zlib_bomb()
    assert len(bomb) < 1100
    msg = CompressedCertificate.build(ZLIB, (1 << 24) - 1, bomb)
    errors: list[LocalError] = []

    def expand() -> None:
        try:
            certcomp.expand((ZLIB,), msg)
        except LocalError as e:
            errors.append(e)

    peak = _peak(expand)
    assert errors and errors[0].alert == 42 and errors[0].reason == "BAD_CERT_DECOMPRESSION"
    assert peak < 3 << 20, peak  # the 1 MiB it holds, never the 16 MiB it claims


# --- the reference: OpenSSL 3.5's client (node 26) on the same server ---------------------

_NODE_CLIENT = r"""
const tls = require('tls');
const s = tls.connect({host: '127.0.0.1', port: +process.argv[1], rejectUnauthorized: false,
                       minVersion: 'TLSv1.3', certificateCompression: ['zlib', 'brotli']});
s.on('error', (e) => { console.log('error ' + (e.code || e.message)); process.exit(0); });
s.on('secureConnect', () => { console.log('connected'); s.end(); });
"""


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_openssl_35_sends_the_same_alert(case: str, pki: PKI, tmp_path: object) -> None:
    node = node_binary()
    _, message, alert, _ = next(c for c in CASES if c[0] == case)
    srv = h.ScriptedServer(_script(lambda: message(pki)), pki, drain_timeout=5).start()
    try:
        subprocess.run(
            [node, "-e", _NODE_CLIENT, str(srv.port)], capture_output=True, timeout=20, check=False
        )
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, repr(srv.error)
    assert srv.response.startswith(alert), srv.response.hex()


@pytest.mark.parametrize("case", [p[0] for p in PLACES])
def test_openssl_35_refuses_the_extension_alike(case: str, pki: PKI) -> None:
    node = node_binary()
    _, script, _, alert, _ = next(p for p in PLACES if p[0] == case)
    srv = h.ScriptedServer(script, pki, drain_timeout=5).start()
    try:
        subprocess.run(
            [node, "-e", _NODE_CLIENT, str(srv.port)], capture_output=True, timeout=20, check=False
        )
        srv.join(15)
    finally:
        srv.stop()
    assert srv.error is None, repr(srv.error)
    assert srv.response.startswith(alert), srv.response.hex()
