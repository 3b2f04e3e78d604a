"""Hand-made TLS for scripted (hostile) servers.

Just enough framing, ClientHello parsing and TLS 1.2 key derivation to play
a server by hand. Independent of sclient's engine on purpose: only numbers
from RFCs, the standard library and ``cryptography``'s primitives.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import socket
import struct
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# content types
CCS, ALERT, HANDSHAKE, APPDATA = 20, 21, 22, 23
# handshake types
CLIENT_HELLO, SERVER_HELLO, CERTIFICATE, SERVER_KEY_EXCHANGE = 1, 2, 11, 12
SERVER_HELLO_DONE, CLIENT_KEY_EXCHANGE, FINISHED = 14, 16, 20
# extensions
EXT_SERVER_NAME, EXT_SUPPORTED_GROUPS, EXT_ALPN = 0, 10, 16
EXT_SUPPORTED_VERSIONS, EXT_KEY_SHARE, EXT_RENEGOTIATION_INFO = 43, 51, 0xFF01

TLS12, TLS13 = 0x0303, 0x0304
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
DOWNGRADE_TLS12 = b"DOWNGRD\x01"


def u8(n: int) -> bytes:
    return bytes([n])


def u16(n: int) -> bytes:
    return n.to_bytes(2, "big")


def u24(n: int) -> bytes:
    return n.to_bytes(3, "big")


def vec8(b: bytes) -> bytes:
    return u8(len(b)) + b


def vec16(b: bytes) -> bytes:
    return u16(len(b)) + b


def vec24(b: bytes) -> bytes:
    return u24(len(b)) + b


def record(ctype: int, payload: bytes, version: int = TLS12) -> bytes:
    return u8(ctype) + u16(version) + u16(len(payload)) + payload


def handshake(msg_type: int, body: bytes) -> bytes:
    return u8(msg_type) + vec24(body)


def ext(etype: int, data: bytes) -> bytes:
    return u16(etype) + vec16(data)


def alert(level: int, desc: int, version: int = TLS12) -> bytes:
    return record(ALERT, bytes([level, desc]), version)


def server_hello(
    *,
    session_id: bytes,
    cipher: int,
    extensions: bytes = b"",
    version: int = TLS12,
    random: bytes | None = None,
    compression: int = 0,
    with_extensions: bool = True,
) -> bytes:
    body = u16(version) + (random if random is not None else os.urandom(32)) + vec8(session_id)
    body += u16(cipher) + u8(compression)
    if with_extensions:
        body += vec16(extensions)
    return handshake(SERVER_HELLO, body)


def certificate_tls12(ders: list[bytes]) -> bytes:
    return handshake(CERTIFICATE, vec24(b"".join(vec24(d) for d in ders)))


@dataclass
class ClientHello:
    raw: bytes  # the handshake message with its header
    version: int
    random: bytes
    session_id: bytes
    cipher_suites: list[int]
    extensions: dict[int, bytes] = field(default_factory=dict)
    compression_methods: bytes = b"\x00"

    @property
    def supported_versions(self) -> list[int]:
        d = self.extensions.get(EXT_SUPPORTED_VERSIONS, b"")
        return [int.from_bytes(d[1 + i : 3 + i], "big") for i in range(0, d[0] if d else 0, 2)]

    @property
    def key_share_groups(self) -> list[int]:
        d = self.extensions.get(EXT_KEY_SHARE, b"")
        out, i = [], 2
        while i + 4 <= len(d):
            g, n = struct.unpack(">HH", d[i : i + 4])
            out.append(g)
            i += 4 + n
        return out

    @property
    def supported_groups(self) -> list[int]:
        d = self.extensions.get(EXT_SUPPORTED_GROUPS, b"")
        return [int.from_bytes(d[2 + i : 4 + i], "big") for i in range(0, len(d) - 2, 2)]


def parse_client_hello(msg: bytes) -> ClientHello:
    assert msg[0] == CLIENT_HELLO, f"expected ClientHello, got handshake type {msg[0]}"
    b = msg[4:]
    version = int.from_bytes(b[0:2], "big")
    random = b[2:34]
    i = 34
    sid = b[i + 1 : i + 1 + b[i]]
    i += 1 + b[i]
    n = int.from_bytes(b[i : i + 2], "big")
    suites = [int.from_bytes(b[i + 2 + k : i + 4 + k], "big") for k in range(0, n, 2)]
    i += 2 + n
    methods = bytes(b[i + 1 : i + 1 + b[i]])
    i += 1 + b[i]
    exts: dict[int, bytes] = {}
    if i + 2 <= len(b):
        end = i + 2 + int.from_bytes(b[i : i + 2], "big")
        i += 2
        while i + 4 <= end:
            t, ln = struct.unpack(">HH", b[i : i + 4])
            exts[t] = b[i + 4 : i + 4 + ln]
            i += 4 + ln
    return ClientHello(msg, version, random, sid, suites, exts, methods)


# --- a connection driven by a script ----------------------------------------------------


class PeerClosed(Exception):
    pass


class Conn:
    """The server side of one accepted connection, read record by record."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.rx = bytearray()  # everything the client sent
        self.pos = 0  # how far the script has consumed ``rx``
        self.eof = False
        self.notes: dict[str, object] = {}

    def _fill(self, n: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.rx) - self.pos < n:
            if self.eof:
                raise PeerClosed(f"client closed; wanted {n} bytes, have {len(self.rx) - self.pos}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"client sent nothing for {timeout}s")
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                d = b""
            if not d:
                self.eof = True
            self.rx += d

    def read_record(self, timeout: float = 10.0) -> tuple[int, int, bytes]:
        self._fill(5, timeout)
        hdr = bytes(self.rx[self.pos : self.pos + 5])
        n = int.from_bytes(hdr[3:5], "big")
        self._fill(5 + n, timeout)
        payload = bytes(self.rx[self.pos + 5 : self.pos + 5 + n])
        self.pos += 5 + n
        return hdr[0], int.from_bytes(hdr[1:3], "big"), payload

    def read_handshake(self, timeout: float = 10.0) -> bytes:
        """One plaintext handshake message (skipping ChangeCipherSpec records)."""
        buf = b""
        while True:
            if len(buf) >= 4 and len(buf) >= 4 + int.from_bytes(buf[1:4], "big"):
                n = 4 + int.from_bytes(buf[1:4], "big")
                assert len(buf) == n, "coalesced handshake messages are not expected here"
                return buf
            ctype, _, payload = self.read_record(timeout)
            if ctype == CCS:
                continue
            if ctype != HANDSHAKE:
                raise AssertionError(
                    f"expected a handshake record, got type {ctype}: {payload.hex()}"
                )
            buf += payload

    def read_client_hello(self, timeout: float = 10.0) -> ClientHello:
        return parse_client_hello(self.read_handshake(timeout))

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def shut_wr(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)

    def drain(self, timeout: float) -> None:
        """Collect what the client still sends until it closes (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(min(left, 0.2))
            try:
                d = self.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                d = b""
            if not d:
                self.eof = True
            self.rx += d

    @property
    def unread(self) -> bytes:
        return bytes(self.rx[self.pos :])


def records_of(data: bytes) -> list[tuple[int, int, bytes]]:
    """Split raw client bytes into records (a trailing partial record is dropped)."""
    out, i = [], 0
    while i + 5 <= len(data):
        n = int.from_bytes(data[i + 3 : i + 5], "big")
        if i + 5 + n > len(data):
            break
        out.append((data[i], int.from_bytes(data[i + 1 : i + 3], "big"), data[i + 5 : i + 5 + n]))
        i += 5 + n
    return out


# --- TLS 1.2 key derivation and AES-GCM records -------------------------------------------


def prf_sha256(secret: bytes, label: bytes, seed: bytes, n: int) -> bytes:
    """TLS 1.2 PRF (RFC 5246 §5) with HMAC-SHA256."""
    out, a = b"", label + seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + label + seed, hashlib.sha256).digest()
    return out[:n]


@dataclass
class GcmKeys:
    """TLS 1.2 AES-128-GCM keys of one direction (RFC 5288)."""

    key: bytes
    salt: bytes
    seq: int = 0

    def seal(self, ctype: int, plaintext: bytes) -> bytes:
        explicit = self.seq.to_bytes(8, "big")
        aad = self.seq.to_bytes(8, "big") + u8(ctype) + u16(TLS12) + u16(len(plaintext))
        ct = AESGCM(self.key).encrypt(self.salt + explicit, plaintext, aad)
        self.seq += 1
        return record(ctype, explicit + ct)

    def open(self, ctype: int, fragment: bytes) -> bytes:
        explicit, ct = fragment[:8], fragment[8:]
        aad = self.seq.to_bytes(8, "big") + u8(ctype) + u16(TLS12) + u16(len(ct) - 16)
        pt = AESGCM(self.key).decrypt(self.salt + explicit, ct, aad)
        self.seq += 1
        return pt


def tls12_gcm_keys(
    master: bytes, client_random: bytes, server_random: bytes
) -> tuple[GcmKeys, GcmKeys]:
    """(client_write, server_write) for TLS_RSA_WITH_AES_128_GCM_SHA256 and friends."""
    kb = prf_sha256(master, b"key expansion", server_random + client_random, 2 * 16 + 2 * 4)
    return GcmKeys(kb[0:16], kb[32:36]), GcmKeys(kb[16:32], kb[36:40])


class Deflated:
    """One direction's DEFLATE stream over its record keys (RFC 3749): what
    :meth:`seal` sends is deflated first, what :meth:`open` opens is inflated
    after (a zlib stream per direction, each record flushed with Z_SYNC_FLUSH)."""

    def __init__(self, keys: GcmKeys) -> None:
        import zlib

        self.keys = keys
        self._zlib = zlib
        self.deflate = zlib.compressobj()
        self.inflate = zlib.decompressobj()

    def compress(self, data: bytes) -> bytes:
        return self.deflate.compress(data) + self.deflate.flush(self._zlib.Z_SYNC_FLUSH)

    def seal(self, ctype: int, plaintext: bytes) -> bytes:
        return self.keys.seal(ctype, self.compress(plaintext))

    def open(self, ctype: int, fragment: bytes) -> bytes:
        return self.inflate.decompress(self.keys.open(ctype, fragment))


# --- TLS 1.3 key schedule and records (RFC 8446 §7, §5.2), SHA-256 suites only -----------------


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()


def hkdf_expand_label(secret: bytes, label: bytes, context: bytes, n: int) -> bytes:
    info = u16(n) + vec8(b"tls13 " + label) + vec8(context)
    out, block, i = b"", b"", 1
    while len(out) < n:
        block = hmac.new(secret, block + info + u8(i), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:n]


def derive_secret(secret: bytes, label: bytes, transcript: bytes) -> bytes:
    return hkdf_expand_label(secret, label, hashlib.sha256(transcript).digest(), 32)


@dataclass
class Tls13Keys:
    """One direction of TLS_AES_128_GCM_SHA256 record protection."""

    key: bytes
    iv: bytes
    seq: int = 0

    @classmethod
    def from_secret(cls, secret: bytes) -> Tls13Keys:
        return cls(
            hkdf_expand_label(secret, b"key", b"", 16), hkdf_expand_label(secret, b"iv", b"", 12)
        )

    def _nonce(self) -> bytes:
        return (int.from_bytes(self.iv, "big") ^ self.seq).to_bytes(12, "big")

    def seal(self, ctype: int, content: bytes, padding: int = 0) -> bytes:
        """A whole TLSCiphertext record: ``content``, the type, ``padding`` zeros."""
        inner = content + u8(ctype) + bytes(padding)
        hdr = u8(APPDATA) + u16(TLS12) + u16(len(inner) + 16)
        ct = AESGCM(self.key).encrypt(self._nonce(), inner, hdr)
        self.seq += 1
        return hdr + ct

    def open(self, record_bytes: bytes) -> tuple[int, bytes]:
        hdr, ct = record_bytes[:5], record_bytes[5:]
        inner = AESGCM(self.key).decrypt(self._nonce(), ct, hdr).rstrip(b"\x00")
        self.seq += 1
        return inner[-1], inner[:-1]


@dataclass
class Tls13Server:
    """The server's side of a TLS 1.3 handshake up to its encrypted flight
    (X25519, TLS_AES_128_GCM_SHA256): :meth:`server_hello` answers the
    ClientHello and derives the handshake keys; ``server_hs`` protects what
    follows."""

    ch: ClientHello
    transcript: bytes = b""
    server_hs: Tls13Keys | None = None
    client_hs: Tls13Keys | None = None

    def server_hello(self, *, legacy_version: int = TLS12) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )

        d = self.ch.extensions[EXT_KEY_SHARE]
        i, peer = 2, None
        while i + 4 <= len(d):
            g, n = struct.unpack(">HH", d[i : i + 4])
            if g == 0x001D:
                peer = d[i + 4 : i + 4 + n]
            i += 4 + n
        assert peer is not None, "the client must send an X25519 key share"
        priv = X25519PrivateKey.generate()
        pub = priv.public_key().public_bytes_raw()
        shared = priv.exchange(X25519PublicKey.from_public_bytes(peer))
        exts = ext(EXT_SUPPORTED_VERSIONS, u16(TLS13)) + ext(
            EXT_KEY_SHARE, u16(0x001D) + vec16(pub)
        )
        sh = server_hello(
            session_id=self.ch.session_id, cipher=0x1301, extensions=exts, version=legacy_version
        )
        self.transcript = self.ch.raw + sh
        early = hkdf_extract(b"", bytes(32))
        hs_secret = hkdf_extract(derive_secret(early, b"derived", b""), shared)
        self.server_hs = Tls13Keys.from_secret(
            derive_secret(hs_secret, b"s hs traffic", self.transcript)
        )
        self.client_hs = Tls13Keys.from_secret(
            derive_secret(hs_secret, b"c hs traffic", self.transcript)
        )
        return sh

    def seal(self, ctype: int, content: bytes, padding: int = 0) -> bytes:
        assert self.server_hs is not None
        return self.server_hs.seal(ctype, content, padding)


def encrypted_extensions(exts: bytes = b"") -> bytes:
    return handshake(8, vec16(exts))


def certificate_tls13(entries: list[bytes]) -> bytes:
    """A TLS 1.3 Certificate: empty context, each entry's data without extensions."""
    return handshake(CERTIFICATE, vec8(b"") + vec24(b"".join(vec24(d) + u16(0) for d in entries)))
