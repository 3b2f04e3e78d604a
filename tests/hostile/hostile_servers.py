"""Scripted hostile servers: each is ``script(conn, pki)`` run on one accepted
connection, or a relay hook in front of a real Python ``ssl`` server."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from support import tlsforge as t
from support.pki import PKI

X25519, SECP256R1 = 0x001D, 0x0017
ECDHE_RSA_AES128_GCM = 0xC02F
RSA_AES128_GCM = 0x009C

Script = Callable[[t.Conn, PKI], None]


class ScriptedServer:
    """Accepts one connection on 127.0.0.1 and runs ``script`` on it.

    After the script returns, whatever the client still sends is collected
    until it closes (``drain``); ``response`` is everything the client sent
    that the script did not consume: where its alert must be.
    """

    def __init__(
        self,
        script: Script,
        pki: PKI,
        *,
        accept_timeout: float = 30.0,
        drain_timeout: float = 10.0,
        close: bool = False,
    ) -> None:
        self.script = script
        self.pki = pki
        self.accept_timeout = accept_timeout
        self.drain_timeout = drain_timeout
        self.close_after = close
        self.error: BaseException | None = None
        self.response = b""
        self.conn: t.Conn | None = None
        self.connected = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(1)
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="hostile-server")

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def _run(self) -> None:
        self._sock.settimeout(self.accept_timeout)
        try:
            s, _ = self._sock.accept()
        except OSError as e:
            self.error = e
            return
        self.connected.set()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = self.conn = t.Conn(s)
        try:
            self.script(conn, self.pki)
        except BaseException as e:  # recorded for the test to report
            self.error = e
        finally:
            if self.close_after:
                conn.shut_wr()
            if not self._stop.is_set():
                conn.drain(self.drain_timeout)
            self.response = conn.unread
            s.close()

    def join(self, timeout: float = 15.0) -> None:
        self._thread.join(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(5)


# --- helpers ----------------------------------------------------------------------------


def _ders(pki: PKI, kind: str = "rsa") -> list[bytes]:
    c = pki[kind]
    return [
        x509.load_pem_x509_certificate(c.leaf.read_bytes()).public_bytes(
            serialization.Encoding.DER
        ),
        x509.load_pem_x509_certificate(c.chain.read_bytes()).public_bytes(
            serialization.Encoding.DER
        ),
    ]


def _sh12(ch: t.ClientHello, **kw: Any) -> bytes:
    kw.setdefault("cipher", ECDHE_RSA_AES128_GCM)
    kw.setdefault("extensions", t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00"))
    return t.server_hello(session_id=ch.session_id, **kw)


def _hrr(ch: t.ClientHello, group: int) -> bytes:
    exts = t.ext(t.EXT_SUPPORTED_VERSIONS, t.u16(t.TLS13)) + t.ext(t.EXT_KEY_SHARE, t.u16(group))
    return t.server_hello(
        session_id=ch.session_id, cipher=0x1301, random=t.HRR_RANDOM, extensions=exts
    )


# --- scripts ----------------------------------------------------------------------------


def truncated_record(conn: t.Conn, pki: PKI) -> None:
    """Record header promising 64 bytes, 16 sent, then close."""
    conn.read_client_hello()
    conn.send(bytes.fromhex("1603030040") + os.urandom(16))
    conn.shut_wr()


def oversized_record(conn: t.Conn, pki: PKI) -> None:
    """Record length 18433: more than 2^14 + 2048, and the connection stays open."""
    conn.read_client_hello()
    conn.send(bytes.fromhex("1603034801") + b"\x02" + b"\x00" * 200)


def close_after_client_hello(conn: t.Conn, pki: PKI) -> None:
    conn.read_client_hello()
    conn.shut_wr()


def close_mid_handshake(conn: t.Conn, pki: PKI) -> None:
    """ServerHello and half a Certificate message, then close."""
    ch = conn.read_client_hello()
    cert = t.certificate_tls12(_ders(pki))
    conn.send(t.record(t.HANDSHAKE, _sh12(ch)) + t.record(t.HANDSHAKE, cert[: len(cert) // 2]))
    conn.shut_wr()


def http_response(conn: t.Conn, pki: PKI) -> None:
    conn.read_client_hello()
    conn.send(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nBad Request"
    )


def fatal_alert(conn: t.Conn, pki: PKI) -> None:
    conn.read_client_hello()
    conn.send(t.alert(2, 40))  # handshake_failure


def server_hello_done_first(conn: t.Conn, pki: PKI) -> None:
    conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, t.handshake(t.SERVER_HELLO_DONE, b"")))


def server_hello_ssl3(conn: t.Conn, pki: PKI) -> None:
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, version=0x0300, cipher=0x002F), version=0x0300))


def supported_versions_0305(conn: t.Conn, pki: PKI) -> None:
    ch = conn.read_client_hello()
    exts = t.ext(t.EXT_SUPPORTED_VERSIONS, t.u16(0x0305)) + t.ext(
        t.EXT_KEY_SHARE, t.u16(X25519) + t.vec16(os.urandom(32))
    )
    conn.send(
        t.record(
            t.HANDSHAKE, t.server_hello(session_id=ch.session_id, cipher=0x1301, extensions=exts)
        )
    )


def downgrade_sentinel(conn: t.Conn, pki: PKI) -> None:
    """A TLS 1.2 ServerHello whose random ends in DOWNGRD\\x01 although the client offered 1.3."""
    ch = conn.read_client_hello()
    assert t.TLS13 in ch.supported_versions, "the client must offer TLS 1.3 for this test"
    rnd = os.urandom(24) + t.DOWNGRADE_TLS12
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, random=rnd)))


def unsolicited_extension(conn: t.Conn, pki: PKI) -> None:
    """ALPN in a TLS 1.2 ServerHello when the client offered none."""
    ch = conn.read_client_hello()
    assert t.EXT_ALPN not in ch.extensions
    exts = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00") + t.ext(t.EXT_ALPN, t.vec16(t.vec8(b"h2")))
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, extensions=exts)))


def wrong_cipher(conn: t.Conn, pki: PKI) -> None:
    """A suite the client did not offer (RC4-SHA)."""
    ch = conn.read_client_hello()
    assert 0x0005 not in ch.cipher_suites
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, cipher=0x0005)))


def bad_compression(conn: t.Conn, pki: PKI) -> None:
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, compression=1)))


def hrr_twice(conn: t.Conn, pki: PKI) -> None:
    ch = conn.read_client_hello()
    assert SECP256R1 not in ch.key_share_groups and SECP256R1 in ch.supported_groups
    conn.send(t.record(t.HANDSHAKE, _hrr(ch, SECP256R1)))
    ch2 = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _hrr(ch2, SECP256R1)))


def hrr_for_offered_share(conn: t.Conn, pki: PKI) -> None:
    """HelloRetryRequest asking for the group the client already sent a share for."""
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _hrr(ch, ch.key_share_groups[0])))


def excessive_message_length(conn: t.Conn, pki: PKI) -> None:
    """A ServerHello header claiming 1 MiB, far more than any ServerHello may be.

    (OpenSSL 3.0 accepts a header claiming up to about 64 KiB and waits for the bytes.)
    """
    conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, b"\x02\x10\x00\x00" + b"\x03\x03" + os.urandom(200)))


def empty_record_flood(conn: t.Conn, pki: PKI) -> None:
    """Empty handshake records, many of them."""
    conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, b"") * 64)


def bad_finished_tls12(conn: t.Conn, pki: PKI) -> None:
    """A complete TLS 1.2 RSA-key-exchange handshake, with a wrong server Finished.

    The client's alert comes encrypted; the keys are left in ``conn.notes``.
    """
    ch = conn.read_client_hello()
    assert RSA_AES128_GCM in ch.cipher_suites, "client must offer AES128-GCM-SHA256"
    sr = os.urandom(32)
    flight = (
        t.record(t.HANDSHAKE, _sh12(ch, cipher=RSA_AES128_GCM, random=sr))
        + t.record(t.HANDSHAKE, t.certificate_tls12(_ders(pki)))
        + t.record(t.HANDSHAKE, t.handshake(t.SERVER_HELLO_DONE, b""))
    )
    conn.send(flight)
    cke = conn.read_handshake()
    assert cke[0] == t.CLIENT_KEY_EXCHANGE
    key = serialization.load_pem_private_key(pki["rsa"].key.read_bytes(), None)
    pms = key.decrypt(cke[6:], padding.PKCS1v15())  # type: ignore[union-attr]
    master = t.prf_sha256(pms, b"master secret", ch.random + sr, 48)
    ckeys, skeys = t.tls12_gcm_keys(master, ch.random, sr)
    ctype, _, payload = conn.read_record()
    assert ctype == t.CCS, f"expected the client's ChangeCipherSpec, got {ctype}"
    ctype, _, payload = conn.read_record()
    assert ctype == t.HANDSHAKE
    fin = ckeys.open(t.HANDSHAKE, payload)  # our key derivation must be right
    assert fin[0] == t.FINISHED and len(fin) == 16, fin.hex()
    conn.notes["client_keys"] = ckeys
    conn.send(
        t.record(t.CCS, b"\x01") + skeys.seal(t.HANDSHAKE, t.handshake(t.FINISHED, b"\x00" * 12))
    )


def silent(conn: t.Conn, pki: PKI) -> None:
    """Reads the ClientHello and says nothing, ever (until the test ends)."""
    conn.read_client_hello()
    conn.drain(60)


# --- relay hooks in front of a real server ---------------------------------------------------


def _walk_handshake(payload: bytes) -> list[tuple[int, int, int]]:
    """(type, offset, length) of the complete handshake messages in one record."""
    out, i = [], 0
    while i + 4 <= len(payload):
        n = int.from_bytes(payload[i + 1 : i + 4], "big")
        out.append((payload[i], i, 4 + n))
        i += 4 + n
    return out


def corrupt_ske_signature() -> Callable[[int, int, bytes], list[bytes]]:
    """Flip the last byte of the ServerKeyExchange (inside its signature)."""
    state = {"encrypted": False}

    def hook(ctype: int, version: int, payload: bytes) -> list[bytes]:
        if ctype == t.CCS:
            state["encrypted"] = True
        if ctype == t.HANDSHAKE and not state["encrypted"]:
            buf = bytearray(payload)
            for mtype, off, n in _walk_handshake(payload):
                if mtype == t.SERVER_KEY_EXCHANGE:
                    buf[off + n - 1] ^= 0x01
            payload = bytes(buf)
        return [t.record(ctype, payload, version)]

    return hook


def corrupt_first_encrypted(after_ccs: bool) -> Callable[[int, int, bytes], list[bytes]]:
    """Flip one byte in the middle of the server's first protected handshake record:
    the TLS 1.2 Finished (type 22 after the CCS) or the first TLS 1.3 record (type 23)."""
    state = {"ccs": False, "done": False}

    def hook(ctype: int, version: int, payload: bytes) -> list[bytes]:
        if ctype == t.CCS:
            state["ccs"] = True
            return [t.record(ctype, payload, version)]
        target = (ctype == t.HANDSHAKE and state["ccs"]) if after_ccs else ctype == t.APPDATA
        if target and not state["done"]:
            state["done"] = True
            buf = bytearray(payload)
            buf[len(buf) // 2] ^= 0x01
            payload = bytes(buf)
        return [t.record(ctype, payload, version)]

    return hook


# --- helpers of the scenarios below ------------------------------------------------------

DHE_RSA_AES128_GCM = 0x009E
RSA_PKCS1_SHA256 = 0x0401
EXT_COOKIE = 44


def _rsa_key(pki: PKI) -> Any:
    return serialization.load_pem_private_key(pki["rsa"].key.read_bytes(), None)


def _signed_ske(pki: PKI, ch: t.ClientHello, sr: bytes, params: bytes) -> bytes:
    """A TLS 1.2 ServerKeyExchange whose signature (rsa_pkcs1_sha256) is right."""
    sig = _rsa_key(pki).sign(ch.random + sr + params, padding.PKCS1v15(), hashes.SHA256())
    return t.handshake(t.SERVER_KEY_EXCHANGE, params + t.u16(RSA_PKCS1_SHA256) + t.vec16(sig))


def _ecdh_params(group: int, point: bytes) -> bytes:
    return b"\x03" + t.u16(group) + t.vec8(point)


def _p256_point(compressed: bool = False) -> bytes:
    k = ec.generate_private_key(ec.SECP256R1()).public_key()
    fmt = (
        serialization.PublicFormat.CompressedPoint
        if compressed
        else serialization.PublicFormat.UncompressedPoint
    )
    return k.public_bytes(serialization.Encoding.X962, fmt)


def _unexpected_tail(conn: t.Conn) -> None:
    """A second ServerHello: whatever the client expects next, not that. Both
    clients accepted everything before it when they fail here. A client that
    failed earlier may have closed the connection already."""
    with contextlib.suppress(OSError):
        conn.send(t.record(t.HANDSHAKE, t.server_hello(session_id=b"", cipher=0xC02F)))


def _unexpected13(conn: t.Conn, s: t.Tls13Server) -> None:
    """A protected ServerHelloDone after EncryptedExtensions: unexpected in TLS 1.3."""
    with contextlib.suppress(OSError):
        conn.send(s.seal(t.HANDSHAKE, t.handshake(t.SERVER_HELLO_DONE, b"")))


# --- the ServerHello's version and downgrade sentinels; HelloRetryRequest ---------------


def _tls13_legacy(legacy: int) -> Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello(legacy_version=legacy)))
        conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions()))
        _unexpected13(conn, s)

    return script


#: A TLS 1.3 ServerHello (supported_versions 0x0304) whose legacy_version is SSL 3.0,
#: and one whose legacy_version is 0x0400.
tls13_legacy_0300 = _tls13_legacy(0x0300)
tls13_legacy_0400 = _tls13_legacy(0x0400)


def _hrr_cookie(cookie_ext_data: bytes) -> Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        exts = t.ext(t.EXT_SUPPORTED_VERSIONS, t.u16(t.TLS13)) + t.ext(EXT_COOKIE, cookie_ext_data)
        hrr = t.server_hello(
            session_id=ch.session_id, cipher=0x1301, random=t.HRR_RANDOM, extensions=exts
        )
        conn.send(t.record(t.HANDSHAKE, hrr))

    return script


#: HelloRetryRequest whose cookie is empty (a zero-length cookie<1..2^16-1>).
hrr_empty_cookie = _hrr_cookie(t.vec16(b""))
#: HelloRetryRequest with a cookie extension of no bytes at all.
hrr_cookie_no_body = _hrr_cookie(b"")


def _downgrade(version: int, tail: bytes) -> Script:
    """A TLS <= 1.2 ServerHello whose random ends in ``tail``, then (if the
    client took it) an unexpected message."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        rnd = os.urandom(24) + tail
        conn.send(t.record(t.HANDSHAKE, _sh12(ch, random=rnd, version=version, cipher=0x009C)))
        _unexpected_tail(conn)

    return script


#: A TLS 1.2 ServerHello ending in the TLS 1.1 sentinel, DOWNGRD\x00.
downgrade_tls11_sentinel_in_tls12 = _downgrade(t.TLS12, b"DOWNGRD\x00")
#: A TLS 1.2 ServerHello ending in DOWNGRD\x01, to a client whose maximum is 1.2.
downgrade_tls12_sentinel_max12 = _downgrade(t.TLS12, t.DOWNGRADE_TLS12)
#: A TLS 1.1 ServerHello ending in DOWNGRD\x01 / \x00.
downgrade_tls12_sentinel_in_tls11 = _downgrade(0x0302, t.DOWNGRADE_TLS12)
downgrade_tls11_sentinel_in_tls11 = _downgrade(0x0302, b"DOWNGRD\x00")


def tls13_server_hello_with_tls12_sentinel(conn: t.Conn, pki: PKI) -> None:
    """A TLS 1.3 ServerHello whose random happens to end in DOWNGRD\\x01: allowed."""
    ch = conn.read_client_hello()
    s = t.Tls13Server(ch)
    sh = bytearray(s.server_hello())
    # random is at offset 4 (header) + 2 (version): patch its last 8 bytes
    sh[4 + 2 + 24 : 4 + 2 + 32] = t.DOWNGRADE_TLS12
    conn.send(t.record(t.HANDSHAKE, bytes(sh)))
    # the keys were derived over the unpatched ServerHello: the client fails at
    # the first protected record (bad_record_mac), after it accepted the ServerHello
    conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions()))


# --- certificates -------------------------------------------------------------------


def _cert12(entries: list[bytes]) -> Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        conn.send(
            t.record(t.HANDSHAKE, _sh12(ch, cipher=0x009C))
            + t.record(
                t.HANDSHAKE,
                t.handshake(t.CERTIFICATE, t.vec24(b"".join(t.vec24(e) for e in entries))),
            )
        )

    return script


def _cert13(entries_of: Callable[[list[bytes]], list[bytes]]) -> Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello()))
        conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions()))
        conn.send(s.seal(t.HANDSHAKE, t.certificate_tls13(entries_of(_ders(pki)))))

    return script


def cert12_empty_entry(conn: t.Conn, pki: PKI) -> None:
    _cert12([b""])(conn, pki)


def cert12_empty_entry_after_leaf(conn: t.Conn, pki: PKI) -> None:
    _cert12([_ders(pki)[0], b""])(conn, pki)


def cert12_trailing_bytes(conn: t.Conn, pki: PKI) -> None:
    ders = _ders(pki)
    _cert12([ders[0] + b"\x00\x00", ders[1]])(conn, pki)


def cert12_trailing_bytes_intermediate(conn: t.Conn, pki: PKI) -> None:
    ders = _ders(pki)
    _cert12([ders[0], ders[1] + b"\x05"])(conn, pki)


cert13_empty_entry = _cert13(lambda d: [b""])
cert13_empty_entry_after_leaf = _cert13(lambda d: [d[0], b""])
cert13_trailing_bytes = _cert13(lambda d: [d[0] + b"\x00\x00", d[1]])
cert13_trailing_bytes_intermediate = _cert13(lambda d: [d[0], d[1] + b"\x05"])


# --- ServerKeyExchange -----------------------------------------------------------------


def _ske12(params_of: Callable[[], bytes], suite: int, *, signed: bool = True) -> Script:
    """ServerHello, Certificate, then a ServerKeyExchange with ``params``
    (signed correctly, so only the parameters are at fault), ServerHelloDone
    if the client is still there, then an unexpected message."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        sr = os.urandom(32)
        params = params_of()
        ske = (
            _signed_ske(pki, ch, sr, params)
            if signed
            else t.handshake(t.SERVER_KEY_EXCHANGE, params)
        )
        conn.send(
            t.record(t.HANDSHAKE, _sh12(ch, cipher=suite, random=sr))
            + t.record(t.HANDSHAKE, t.certificate_tls12(_ders(pki)))
            + t.record(t.HANDSHAKE, ske)
        )
        _unexpected_tail(conn)

    return script


def _ske_signed_with(scheme: int, digest: hashes.HashAlgorithm) -> Script:
    """A correct ECDHE ServerKeyExchange signed with the PKCS#1 ``scheme``
    whatever the client offered; then an unexpected message."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        sr = os.urandom(32)
        params = _ecdh_params(SECP256R1, _p256_point())
        sig = _rsa_key(pki).sign(ch.random + sr + params, padding.PKCS1v15(), digest)
        ske = t.handshake(t.SERVER_KEY_EXCHANGE, params + t.u16(scheme) + t.vec16(sig))
        conn.send(
            t.record(t.HANDSHAKE, _sh12(ch, random=sr))
            + t.record(t.HANDSHAKE, t.certificate_tls12(_ders(pki)))
            + t.record(t.HANDSHAKE, ske)
        )
        _unexpected_tail(conn)

    return script


ske_sha1_unoffered = _ske_signed_with(0x0201, hashes.SHA1())
ske_sha384_unoffered = _ske_signed_with(0x0501, hashes.SHA384())


def _dh_params(p: bytes, g: bytes = b"\x02", ys: bytes = b"\x02") -> bytes:
    return t.vec16(p) + t.vec16(g) + t.vec16(ys)


#: ECDHE: an empty point
ske_ecdh_empty_point = _ske12(lambda: _ecdh_params(SECP256R1, b""), ECDHE_RSA_AES128_GCM)
#: ECDHE: a point length byte running past the end of the message (unsigned)
ske_ecdh_point_overflow = _ske12(
    lambda: b"\x03" + t.u16(SECP256R1) + b"\x41" + _p256_point()[:20],
    ECDHE_RSA_AES128_GCM,
    signed=False,
)
#: ECDHE: a compressed P-256 point (the client offered ansiX962_compressed_prime)
ske_ecdh_compressed_point = _ske12(
    lambda: _ecdh_params(SECP256R1, _p256_point(compressed=True)), ECDHE_RSA_AES128_GCM
)
#: ECDHE: the point at infinity, the single byte 00
ske_ecdh_infinity = _ske12(lambda: _ecdh_params(SECP256R1, b"\x00"), ECDHE_RSA_AES128_GCM)
#: ECDHE x25519: an empty and a 31-byte key
ske_x25519_empty = _ske12(lambda: _ecdh_params(X25519, b""), ECDHE_RSA_AES128_GCM)
ske_x25519_short = _ske12(lambda: _ecdh_params(X25519, b"\x09" * 31), ECDHE_RSA_AES128_GCM)
#: DHE: a prime of 1 bit, of 64 bits, an empty prime
ske_dhe_prime_1bit = _ske12(lambda: _dh_params(b"\x01"), DHE_RSA_AES128_GCM)
ske_dhe_prime_64bit = _ske12(
    lambda: _dh_params(bytes.fromhex("ffffffffffffffc5")), DHE_RSA_AES128_GCM
)
ske_dhe_prime_empty = _ske12(lambda: _dh_params(b""), DHE_RSA_AES128_GCM)
ske_dhe_generator_empty = _ske12(
    lambda: _dh_params(bytes.fromhex("ffffffffffffffc5"), g=b""), DHE_RSA_AES128_GCM
)
ske_dhe_ys_empty = _ske12(
    lambda: _dh_params(bytes.fromhex("ffffffffffffffc5"), ys=b""), DHE_RSA_AES128_GCM
)


# --- CertificateRequest (TLS 1.2) -------------------------------------------------------


def _cr12(body_of: Callable[[], bytes]) -> Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        sr = os.urandom(32)
        pub = _p256_point()
        conn.send(
            t.record(t.HANDSHAKE, _sh12(ch, random=sr))
            + t.record(t.HANDSHAKE, t.certificate_tls12(_ders(pki)))
            + t.record(t.HANDSHAKE, _signed_ske(pki, ch, sr, _ecdh_params(SECP256R1, pub)))
            + t.record(t.HANDSHAKE, t.handshake(13, body_of()))
        )
        _unexpected_tail(conn)

    return script


_SIGALGS = t.vec16(t.u16(RSA_PKCS1_SHA256) + t.u16(0x0804))


def _dn(cn: bytes) -> bytes:
    return x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, cn.decode())]).public_bytes()


cr12_empty_types = _cr12(lambda: t.vec8(b"") + _SIGALGS + t.vec16(b""))
cr12_empty_sigalgs = _cr12(lambda: t.vec8(b"\x01\x40") + t.vec16(b"") + t.vec16(b""))
cr12_odd_sigalgs = _cr12(lambda: t.vec8(b"\x01\x40") + t.vec16(b"\x04\x01\x08") + t.vec16(b""))
cr12_garbage_ca = _cr12(
    lambda: t.vec8(b"\x01\x40") + _SIGALGS + t.vec16(t.vec16(b"\xde\xad\xbe\xef\x00"))
)
cr12_ca_trailing = _cr12(
    lambda: t.vec8(b"\x01\x40") + _SIGALGS + t.vec16(t.vec16(_dn(b"CA") + b"\x00"))
)
cr12_empty_ca = _cr12(lambda: t.vec8(b"\x01\x40") + _SIGALGS + t.vec16(t.vec16(b"")))
cr12_good = _cr12(lambda: t.vec8(b"\x01\x40") + _SIGALGS + t.vec16(t.vec16(_dn(b"CA"))))


# --- ChangeCipherSpec and Finished (TLS 1.2, RSA key exchange) ---------------------------


def _tls12_rsa_until_client_finished(conn: t.Conn, pki: PKI) -> tuple[t.GcmKeys, bytes, bytes]:
    """A TLS 1.2 RSA handshake up to the client's Finished: returns the
    server's write keys, the master secret and the transcript so far."""
    ch = conn.read_client_hello()
    assert RSA_AES128_GCM in ch.cipher_suites, "client must offer AES128-GCM-SHA256"
    sr = os.urandom(32)
    msgs = [
        _sh12(ch, cipher=RSA_AES128_GCM, random=sr),
        t.certificate_tls12(_ders(pki)),
        t.handshake(t.SERVER_HELLO_DONE, b""),
    ]
    conn.send(b"".join(t.record(t.HANDSHAKE, m) for m in msgs))
    cke = conn.read_handshake()
    pms = _rsa_key(pki).decrypt(cke[6:], padding.PKCS1v15())
    master = t.prf_sha256(pms, b"master secret", ch.random + sr, 48)
    ckeys, skeys = t.tls12_gcm_keys(master, ch.random, sr)
    ctype, _, payload = conn.read_record()
    assert ctype == t.CCS
    ctype, _, payload = conn.read_record()
    fin = ckeys.open(t.HANDSHAKE, payload)
    conn.notes["client_keys"] = ckeys
    return skeys, master, ch.raw + b"".join(msgs) + cke + fin


def _server_finished(master: bytes, transcript: bytes) -> bytes:
    vd = t.prf_sha256(master, b"server finished", hashlib.sha256(transcript).digest(), 12)
    return t.handshake(t.FINISHED, vd)


def ccs_twice_protected(conn: t.Conn, pki: PKI) -> None:
    """ChangeCipherSpec, then a second one under the new keys, then Finished."""
    skeys, master, th = _tls12_rsa_until_client_finished(conn, pki)
    conn.send(
        t.record(t.CCS, b"\x01")
        + skeys.seal(t.CCS, b"\x01")
        + skeys.seal(t.HANDSHAKE, _server_finished(master, th))
    )


def ccs_twice_plain(conn: t.Conn, pki: PKI) -> None:
    """Two plaintext ChangeCipherSpec records back to back."""
    _skeys, _master, _th = _tls12_rsa_until_client_finished(conn, pki)
    conn.send(t.record(t.CCS, b"\x01") + t.record(t.CCS, b"\x01"))


def finished_before_ccs(conn: t.Conn, pki: PKI) -> None:
    """The right server Finished, in plaintext, with no ChangeCipherSpec before it."""
    _skeys, master, th = _tls12_rsa_until_client_finished(conn, pki)
    conn.send(t.record(t.HANDSHAKE, _server_finished(master, th)))


# --- TLS 1.3 record sizes ---------------------------------------------------------------


def _tls13_padded(padding_len: int) -> Script:
    """EncryptedExtensions in one record padded with ``padding_len`` zeros, then
    an unexpected message (when the record was accepted)."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello()))
        conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions(), padding_len))
        _unexpected13(conn, s)

    return script


_EE = 6  # an empty EncryptedExtensions: 4-byte header + 2-byte extensions length
#: inner plaintext of exactly 2^14 + 1 (content + type + padding): the RFC's limit
tls13_inner_2p14_plus_1 = _tls13_padded((1 << 14) + 1 - _EE - 1)
#: inner plaintext of 2^14 + 2: one byte past RFC 8446 §5.4's limit
tls13_inner_2p14_plus_2 = _tls13_padded((1 << 14) + 2 - _EE - 1)
#: ciphertext of 2^14 + 256 = 16640 bytes (inner plaintext 16624 with the 16-byte tag)
tls13_ciphertext_16640 = _tls13_padded((1 << 14) + 256 - 16 - _EE - 1)
#: ciphertext of 16641 bytes: past RFC 8446 §5.2's limit
tls13_ciphertext_16641 = _tls13_padded((1 << 14) + 257 - 16 - _EE - 1)


def tls13_content_2p14_plus_1(conn: t.Conn, pki: PKI) -> None:
    """A protected record whose content (padding aside) is 2^14 + 1 bytes."""
    ch = conn.read_client_hello()
    s = t.Tls13Server(ch)
    conn.send(t.record(t.HANDSHAKE, s.server_hello()))
    body = t.vec16(t.ext(0xFFF0, bytes(1 << 14)))[: (1 << 14) + 1 - 4]
    conn.send(s.seal(t.HANDSHAKE, t.handshake(8, body + bytes(20000))[: (1 << 14) + 1]))


# --- resources --------------------------------------------------------------------------


def _cert_chain(n_of: Callable[[list[bytes]], list[bytes]]) -> Script:
    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        sr = os.urandom(32)
        flight = (
            t.record(t.HANDSHAKE, _sh12(ch, random=sr))
            + _fragment(t.certificate_tls12(n_of(_ders(pki))))
            + t.record(
                t.HANDSHAKE, _signed_ske(pki, ch, sr, _ecdh_params(SECP256R1, _p256_point()))
            )
        )
        with contextlib.suppress(OSError):  # the client may refuse at the header
            conn.send(flight)
        _unexpected_tail(conn)

    return script


def _fragment(msg: bytes, size: int = 1 << 14) -> bytes:
    return b"".join(t.record(t.HANDSHAKE, msg[i : i + size]) for i in range(0, len(msg), size))


#: the leaf, then the intermediate 99 times: 100 certificates, under 100 KiB
chain_100_certificates = _cert_chain(lambda d: [d[0]] + [d[1]] * 99)
#: a Certificate message just over OpenSSL's 100 KiB limit
chain_over_100k = _cert_chain(lambda d: [d[0]] + [d[1]] * 200)


def certificate_16mb(conn: t.Conn, pki: PKI) -> None:
    """A Certificate message announcing 16 MiB - 1, whose bytes keep coming."""
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _sh12(ch)))
    conn.send(t.record(t.HANDSHAKE, b"\x0b\xff\xff\xff" + t.u24(0xFFFFFB)))
    for _ in range(64):
        try:
            conn.send(t.record(t.HANDSHAKE, bytes(1 << 14)))
        except OSError:
            return


def trickling_certificate(conn: t.Conn, pki: PKI) -> None:
    """A Certificate of 100 KiB announced, sent one byte per record for two
    seconds, then the server closes: both clients wait, then meet EOF."""
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _sh12(ch)))
    conn.send(t.record(t.HANDSHAKE, b"\x0b" + t.u24(100 * 1024) + t.u24(100 * 1024 - 3)))
    end = time.monotonic() + 2
    while time.monotonic() < end:
        conn.send(t.record(t.HANDSHAKE, b"\x00"))
        time.sleep(0.005)
    conn.shut_wr()


def one_byte_records(conn: t.Conn, pki: PKI) -> None:
    """A Certificate of 100 KiB - 1 of garbage, one byte per record (102,400
    records), then an unexpected message."""
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _sh12(ch)))
    body = t.u24(100 * 1024 - 4) + b"\x00" * (100 * 1024 - 4)
    msg = b"\x0b" + t.u24(len(body)) + body
    conn.send(b"".join(t.record(t.HANDSHAKE, msg[i : i + 1]) for i in range(len(msg))))


def empty_records_between_fragments(conn: t.Conn, pki: PKI) -> None:
    """ServerHello bytes, each followed by 20 empty records: empty records never
    reach 33 in a row, yet there are thousands of them."""
    ch = conn.read_client_hello()
    sh = _sh12(ch)
    conn.send(
        b"".join(
            t.record(t.HANDSHAKE, sh[i : i + 1]) + t.record(t.HANDSHAKE, b"") * 20
            for i in range(len(sh))
        )
    )
    _unexpected_tail(conn)


def empty_appdata_records(conn: t.Conn, pki: PKI) -> None:
    """Empty application-data records before the ServerHello."""
    conn.read_client_hello()
    conn.send(t.record(t.APPDATA, b"") * 100)


# --- OCSP stapling (-status) ------------------------------------------------------------

EXT_STATUS_REQUEST, CERTIFICATE_STATUS = 5, 22
#: Bytes that are no OCSPResponse (a SEQUENCE holding a BOOLEAN)
NOT_OCSP = bytes.fromhex("3003010100")


def _status12(body: bytes) -> Script:
    """TLS 1.2 with status_request acknowledged: Certificate, a CertificateStatus
    of ``body``, a signed ServerKeyExchange, ServerHelloDone, then an unexpected
    message (the clients fail at the CertificateStatus or at the ServerHelloDone)."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        sr = os.urandom(32)
        exts = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00") + t.ext(EXT_STATUS_REQUEST, b"")
        conn.send(
            t.record(t.HANDSHAKE, _sh12(ch, random=sr, extensions=exts))
            + t.record(t.HANDSHAKE, t.certificate_tls12(_ders(pki)))
            + t.record(t.HANDSHAKE, t.handshake(CERTIFICATE_STATUS, body))
            + t.record(
                t.HANDSHAKE, _signed_ske(pki, ch, sr, _ecdh_params(SECP256R1, _p256_point()))
            )
            + t.record(t.HANDSHAKE, t.handshake(t.SERVER_HELLO_DONE, b""))
        )
        _unexpected_tail(conn)

    return script


#: CertificateStatus bodies: not OCSP, a status type other than ocsp, a
#: length past the end, an empty response, no body at all
status12_not_ocsp = _status12(b"\x01" + t.vec24(NOT_OCSP))
status12_bad_type = _status12(b"\x02" + t.vec24(NOT_OCSP))
status12_overlong = _status12(b"\x01" + t.u24(len(NOT_OCSP) + 1) + NOT_OCSP)
status12_empty_response = _status12(b"\x01" + t.u24(0))
status12_empty = _status12(b"")


def status12_unsolicited(conn: t.Conn, pki: PKI) -> None:
    """A CertificateStatus though the ServerHello did not acknowledge status_request."""
    ch = conn.read_client_hello()
    conn.send(
        t.record(t.HANDSHAKE, _sh12(ch))
        + t.record(t.HANDSHAKE, t.certificate_tls12(_ders(pki)))
        + t.record(t.HANDSHAKE, t.handshake(CERTIFICATE_STATUS, b"\x01" + t.vec24(NOT_OCSP)))
    )


def _status13(status: bytes, entry: int = 0) -> Script:
    """TLS 1.3: a status_request extension of ``status`` in Certificate entry
    ``entry``; then (the client accepted it) an unexpected message."""

    def script(conn: t.Conn, pki: PKI) -> None:
        ch = conn.read_client_hello()
        s = t.Tls13Server(ch)
        conn.send(t.record(t.HANDSHAKE, s.server_hello()))
        conn.send(s.seal(t.HANDSHAKE, t.encrypted_extensions()))
        ders = _ders(pki)
        entries = b"".join(
            t.vec24(d) + t.vec16(t.ext(EXT_STATUS_REQUEST, status) if i == entry else b"")
            for i, d in enumerate(ders)
        )
        cert = t.handshake(t.CERTIFICATE, t.vec8(b"") + t.vec24(entries))
        conn.send(s.seal(t.HANDSHAKE, cert))
        _unexpected13(conn, s)

    return script


status13_bad_type = _status13(b"\x02" + t.vec24(NOT_OCSP))
status13_overlong = _status13(b"\x01" + t.u24(len(NOT_OCSP) + 1) + NOT_OCSP)
status13_empty_response = _status13(b"\x01" + t.u24(0))
status13_intermediate_bad = _status13(b"\x02", entry=1)


# --- DEFLATE compression (RFC 3749), TLS 1.2 RSA key exchange ----------------------------


def deflate_handshake(
    conn: t.Conn, pki: PKI, then: Callable[[t.Deflated], bytes] | None = None
) -> tuple[t.Deflated, t.Deflated] | None:
    """A TLS 1.2 handshake whose ServerHello chooses DEFLATE (method 1), its
    Finished messages compressed: returns (client's, server's) streams, or
    None when the client answered the ServerHello with an alert (left
    unread). ``notes``: the ClientHello's ``compression_methods``, the
    client's Finished as inflated, and ``client_keys`` for its alert.
    ``then(server)``: a record sent in the same write as our Finished (the
    client meets it before its stdin's end can close the connection)."""
    ch = conn.read_client_hello()
    conn.notes["compression_methods"] = ch.compression_methods
    assert RSA_AES128_GCM in ch.cipher_suites, "client must offer AES128-GCM-SHA256"
    sr = os.urandom(32)
    sh = t.server_hello(
        session_id=os.urandom(32),  # a session to keep (-sess_out)
        cipher=RSA_AES128_GCM,
        random=sr,
        compression=1,
        extensions=t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00"),
    )
    msgs = [
        sh,
        t.certificate_tls12(_ders(pki)),
        t.handshake(t.SERVER_HELLO_DONE, b""),
    ]
    conn.send(b"".join(t.record(t.HANDSHAKE, m) for m in msgs))
    conn._fill(5, 10.0)
    if conn.rx[conn.pos] == t.ALERT:
        return None
    cke = conn.read_handshake()
    pms = _rsa_key(pki).decrypt(cke[6:], padding.PKCS1v15())
    master = t.prf_sha256(pms, b"master secret", ch.random + sr, 48)
    ckeys, skeys = t.tls12_gcm_keys(master, ch.random, sr)
    client, server = t.Deflated(ckeys), t.Deflated(skeys)
    ctype, _, payload = conn.read_record()
    assert ctype == t.CCS, f"expected the client's ChangeCipherSpec, got {ctype}"
    ctype, _, payload = conn.read_record()
    assert ctype == t.HANDSHAKE
    fin = client.open(t.HANDSHAKE, payload)
    assert fin[0] == t.FINISHED and len(fin) == 16, fin.hex()
    conn.notes["client_finished"] = fin
    conn.notes["client_keys"] = client
    transcript = ch.raw + b"".join(msgs) + cke + fin
    flight = t.record(t.CCS, b"\x01") + server.seal(
        t.HANDSHAKE, _server_finished(master, transcript)
    )
    conn.send(flight + (then(server) if then is not None else b""))
    return client, server


def deflate_echo(conn: t.Conn, pki: PKI) -> None:
    """DEFLATE both ways: a compressible greeting, then the client's data
    inflated into ``notes["received"]`` until its close_notify; then ours."""
    streams = deflate_handshake(conn, pki)
    if streams is None:
        return
    client, server = streams
    conn.send(server.seal(t.APPDATA, b"deflated greeting " * 64 + b"\n"))
    received = b""
    while True:
        ctype, _, payload = conn.read_record()
        plain = client.open(ctype, payload)
        if ctype == t.ALERT:
            conn.notes["client_alert"] = plain
            break
        assert ctype == t.APPDATA, f"unexpected record type {ctype}"
        received += plain
        if received.endswith(b"\n"):
            conn.notes["received"] = received
            conn.send(server.seal(t.ALERT, b"\x01\x00"))
            break


def _deflate_then(fragment: Callable[[t.Deflated], bytes]) -> Script:
    """The DEFLATE handshake, then one application-data record whose
    TLSCompressed fragment is ``fragment(server stream)``, protected as is."""

    def script(conn: t.Conn, pki: PKI) -> None:
        deflate_handshake(conn, pki, then=lambda s: s.keys.seal(t.APPDATA, fragment(s)))

    return script


#: A record of a few hundred bytes that inflates to 1 MiB: more than the 2^14 a record may carry.
deflate_bomb = _deflate_then(lambda s: s.compress(bytes(1 << 20)))
#: Bytes that are no DEFLATE data at all.
deflate_garbage = _deflate_then(lambda s: b"\xff\xfe\xfd garbage, not deflate \x00\x01")
#: A complete zlib stream (final block and checksum): the connection's stream may not end.
deflate_stream_end = _deflate_then(lambda s: s.deflate.compress(b"x") + s.deflate.flush())
#: A TLSCompressed fragment of 2^14 + 1025 bytes, beyond RFC 5246's 2^14 + 1024.
deflate_too_long = _deflate_then(lambda s: os.urandom((1 << 14) + 1025))


def unknown_compression(conn: t.Conn, pki: PKI) -> None:
    """A ServerHello choosing compression method 64, which nobody offered."""
    ch = conn.read_client_hello()
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, cipher=RSA_AES128_GCM, compression=64)))


def resume_without_compression(conn: t.Conn, pki: PKI) -> None:
    """Resumes the offered session (echoes its id, same suite) but names no
    compression, where the session had DEFLATE."""
    ch = conn.read_client_hello()
    assert ch.session_id, "the client must offer a session to resume"
    conn.send(t.record(t.HANDSHAKE, _sh12(ch, cipher=RSA_AES128_GCM, compression=0)))
