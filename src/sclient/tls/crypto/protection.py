"""Record protection: TLS 1.3 AEAD (RFC 8446 section 5.2), TLS 1.2 AEAD (RFC
5246 section 6.2.3.3, RFC 5288, RFC 6655, RFC 7905), TLS 1.0-1.2 CBC with
MAC-then-encrypt (RFC 5246 section 6.2.3.2) or encrypt-then-MAC (RFC 7366),
and the null cipher of the initial epoch.

Every cipher state protects one direction: make one object with the write
keys and call :meth:`~RecordCipher.encrypt`, another with the read keys and
call :meth:`~RecordCipher.decrypt`. Each keeps its ``write_seq`` and
``read_seq`` (only the one for its direction moves). Cipher objects
(``AESGCM`` etc.) are built once per object, never per record.

Records are ``type(1) version(2) length(2) fragment``. ``decrypt`` takes the
5-byte header as received and the fragment (any bytes-like object; a
``memoryview`` into the receive buffer avoids a copy) and returns
``(content_type, plaintext)``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import (
    BlockCipherAlgorithm,
    Cipher,
    CipherContext,
    algorithms,
    modes,
)
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import (
    BadRecordMac,
    CryptoError,
    EmptyInnerPlaintext,
    RecordOverflow,
    UnsupportedAlgorithm,
)
from sclient.tls.registry.protocol import TLS1_0, TLS1_2

if TYPE_CHECKING:
    from cryptography.utils import Buffer

__all__ = [
    "AEAD_PARAMS",
    "CIPHER_PARAMS",
    "MAC_PARAMS",
    "MAX_CIPHERTEXT_12",
    "MAX_CIPHERTEXT_13",
    "MAX_COMPRESSED",
    "MAX_INNER_PLAINTEXT_13",
    "MAX_PLAINTEXT",
    "RECORD_HEADER_LEN",
    "CipherParams",
    "NullCipher",
    "RecordCipher",
    "Tls12Aead",
    "Tls12Cbc",
    "Tls13Aead",
    "allow_compressed",
    "fixed_iv_len",
    "key_block_len",
    "record_header",
]

RECORD_HEADER_LEN = 5
#: Largest TLSPlaintext fragment (RFC 5246 section 6.2.1, RFC 8446 5.1).
MAX_PLAINTEXT = 1 << 14
#: Largest TLSInnerPlaintext: content, type byte and padding (RFC 8446 section 5.4).
MAX_INNER_PLAINTEXT_13 = MAX_PLAINTEXT + 1
#: Largest TLSCiphertext fragment in TLS 1.3 (RFC 8446 section 5.2).
MAX_CIPHERTEXT_13 = MAX_PLAINTEXT + 256
#: Largest TLSCiphertext fragment in TLS 1.2 and earlier (RFC 5246 section 6.2.3).
MAX_CIPHERTEXT_12 = MAX_PLAINTEXT + 2048
#: Largest TLSCompressed fragment (RFC 5246 section 6.2.2: 2^14 + 1024).
MAX_COMPRESSED = MAX_PLAINTEXT + 1024
_SEQ_LIMIT = 1 << 64
_APPLICATION_DATA = 23
_TLS12 = TLS1_2
_TLS10 = TLS1_0

_HDR = struct.Struct("!BHH")
# TLS 1.2 AEAD additional data / MAC pseudo-header: seq_num, type, version, length.
_SEQ_HDR = struct.Struct("!QBHH")


#: Sizes the engine needs to cut a key block (all in bytes).
#: (The call form, with the types themselves: the class form's annotations are
#: strings here, which ``NamedTuple`` compiles one by one, and a run's first
#: ``compile()`` costs some 10 M instructions.)
CipherParams = NamedTuple(  # noqa: UP014
    "CipherParams",
    [
        ("kind", Literal["aead", "cbc"]),
        ("key_len", int),
        # TLS 1.3 per-direction IV (``"iv"`` of the key schedule); 0: not a TLS 1.3 cipher.
        ("iv_len", int),
        # TLS 1.2 implicit IV taken from the key block (4 for GCM/CCM, 12 for
        # ChaCha20-Poly1305, 0 for CBC in TLS 1.1+; see :func:`fixed_iv_len`).
        ("fixed_iv_len", int),
        # Per-record explicit nonce/IV on the wire in TLS 1.2 (8 for GCM/CCM, 0 for
        # ChaCha20-Poly1305, 16 for CBC in TLS 1.1+).
        ("record_iv_len", int),
        # AEAD tag length (0 for CBC: the MAC length comes from :data:`MAC_PARAMS`).
        ("tag_len", int),
        # Cipher block size (1 for the AEADs).
        ("block_size", int),
    ],
)


CIPHER_PARAMS: dict[str, CipherParams] = {
    "AES-128-GCM": CipherParams("aead", 16, 12, 4, 8, 16, 1),
    "AES-256-GCM": CipherParams("aead", 32, 12, 4, 8, 16, 1),
    "CHACHA20-POLY1305": CipherParams("aead", 32, 12, 12, 0, 16, 1),
    "AES-128-CCM": CipherParams("aead", 16, 12, 4, 8, 16, 1),
    "AES-256-CCM": CipherParams("aead", 32, 0, 4, 8, 16, 1),
    "AES-128-CCM-8": CipherParams("aead", 16, 12, 4, 8, 8, 1),
    "AES-256-CCM-8": CipherParams("aead", 32, 0, 4, 8, 8, 1),
    "AES-128-CBC": CipherParams("cbc", 16, 0, 0, 16, 0, 16),
    "AES-256-CBC": CipherParams("cbc", 32, 0, 0, 16, 0, 16),
    "CAMELLIA-128-CBC": CipherParams("cbc", 16, 0, 0, 16, 0, 16),
    "CAMELLIA-256-CBC": CipherParams("cbc", 32, 0, 0, 16, 0, 16),
}
#: The AEAD rows of :data:`CIPHER_PARAMS`.
AEAD_PARAMS: dict[str, CipherParams] = {k: v for k, v in CIPHER_PARAMS.items() if v.kind == "aead"}
#: TLS 1.3 ciphers (those with an ``iv_len``).
_TLS13_CIPHERS = frozenset(k for k, v in AEAD_PARAMS.items() if v.iv_len)
#: HMAC output length = MAC key length, by MAC hash name (CBC suites).
MAC_PARAMS: dict[str, int] = {"sha1": 20, "sha256": 32, "sha384": 48}


def _params(cipher_name: str) -> CipherParams:
    try:
        return CIPHER_PARAMS[cipher_name]
    except KeyError:
        raise UnsupportedAlgorithm(f"unknown cipher {cipher_name!r}") from None


def fixed_iv_len(cipher_name: str, version: int = _TLS12) -> int:
    """Implicit IV length in the TLS <= 1.2 key block: as in the table, except
    that CBC in TLS 1.0 takes a 16-byte initial IV from the key block."""
    p = _params(cipher_name)
    if p.kind == "cbc" and version <= _TLS10:
        return p.block_size
    return p.fixed_iv_len


def key_block_len(cipher_name: str, mac_hash: str | None, version: int = _TLS12) -> int:
    """Bytes of TLS <= 1.2 key block needed: 2 * (MAC key + key + fixed IV).
    ``mac_hash`` is ``None`` for AEAD suites."""
    p = _params(cipher_name)
    mac_len = 0 if mac_hash is None else MAC_PARAMS[mac_hash]
    return 2 * (mac_len + p.key_len + fixed_iv_len(cipher_name, version))


def record_header(content_type: int, version: int, length: int) -> bytes:
    """The 5-byte record header."""
    return _HDR.pack(content_type, version, length)


def _cbc_algorithm(cipher_name: str, key: bytes) -> BlockCipherAlgorithm:
    if cipher_name.startswith("CAMELLIA"):
        try:
            from cryptography.hazmat.decrepit.ciphers.algorithms import Camellia
        except ImportError:  # cryptography < 43
            from cryptography.hazmat.primitives.ciphers.algorithms import Camellia
        return Camellia(key)
    return algorithms.AES(key)


def _make_aead(cipher_name: str, key: bytes) -> AESGCM | AESCCM | ChaCha20Poly1305:
    if cipher_name.endswith("GCM"):
        return AESGCM(key)
    if cipher_name == "CHACHA20-POLY1305":
        return ChaCha20Poly1305(key)
    if cipher_name.endswith("CCM-8"):
        return AESCCM(key, tag_length=8)
    return AESCCM(key, tag_length=16)


class RecordCipher(Protocol):
    """What the record layer calls, for every epoch and version."""

    #: The record version written in headers (and, for TLS <= 1.2, MACed).
    version: int
    write_seq: int
    read_seq: int

    def encrypt(self, content_type: int, plaintext: Buffer) -> bytes:
        """Protect one record: returns header + fragment, advances ``write_seq``."""
        ...

    def decrypt(self, header: Buffer, fragment: Buffer) -> tuple[int, bytes]:
        """Unprotect one record: returns ``(content_type, plaintext)``, advances
        ``read_seq``. Raises :class:`BadRecordMac`, :class:`RecordOverflow`
        (or :class:`EmptyInnerPlaintext` in TLS 1.3)."""
        ...


def _next_seq(seq: int) -> None:
    if seq >= _SEQ_LIMIT - 1:
        raise CryptoError("record sequence number exhausted")


class NullCipher:
    """The initial epoch: records in the clear. ``version`` is what
    :meth:`encrypt` writes (the engine may use 0x0301 for the first ClientHello)."""

    __slots__ = ("limit", "read_seq", "version", "write_seq")

    def __init__(self, version: int = _TLS12) -> None:
        self.version = version
        self.write_seq = 0
        self.read_seq = 0
        #: Largest fragment taken either way: 2^14, or while compression
        #: is on the TLSCompressed limit (:func:`allow_compressed`).
        self.limit = MAX_PLAINTEXT

    def encrypt(self, content_type: int, plaintext: Buffer) -> bytes:
        n = len(memoryview(plaintext))
        if n > self.limit:
            raise RecordOverflow(f"plaintext of {n} bytes exceeds 2^14")
        self.write_seq += 1
        return _HDR.pack(content_type, self.version, n) + bytes(plaintext)

    def decrypt(self, header: Buffer, fragment: Buffer) -> tuple[int, bytes]:
        frag = bytes(fragment)
        if len(frag) > self.limit:
            raise RecordOverflow(f"plaintext record of {len(frag)} bytes exceeds 2^14")
        self.read_seq += 1
        return memoryview(header)[0], frag


class Tls13Aead:
    """TLS 1.3 record protection (RFC 8446 section 5.2).

    ``pad_to`` > 1 pads every TLSInnerPlaintext (content + type byte) with
    zeros up to a multiple of ``pad_to`` (OpenSSL's ``-record_padding``),
    never beyond 2^14 + 1 bytes.
    """

    __slots__ = (
        "_aead",
        "_iv",
        "_tag_len",
        "cipher_name",
        "pad_to",
        "read_seq",
        "version",
        "write_seq",
    )

    def __init__(self, cipher_name: str, key: bytes, iv: bytes, pad_to: int = 0) -> None:
        p = _params(cipher_name)
        if cipher_name not in _TLS13_CIPHERS:
            raise UnsupportedAlgorithm(f"{cipher_name} is not a TLS 1.3 cipher")
        if len(key) != p.key_len or len(iv) != p.iv_len:
            raise CryptoError(f"{cipher_name}: bad key or IV length")
        if pad_to < 0:
            raise CryptoError("pad_to must be >= 0")
        self.cipher_name = cipher_name
        self._aead = _make_aead(cipher_name, key)
        self._iv = int.from_bytes(iv, "big")
        self._tag_len = p.tag_len
        self.pad_to = pad_to
        self.version = _TLS12  # legacy_record_version, always 0x0303
        self.write_seq = 0
        self.read_seq = 0

    @property
    def tag_len(self) -> int:
        return self._tag_len

    def encrypt(self, content_type: int, plaintext: Buffer) -> bytes:
        n = len(memoryview(plaintext))
        if n > MAX_PLAINTEXT:
            raise RecordOverflow(f"plaintext of {n} bytes exceeds 2^14")
        if not 0 < content_type < 256:
            raise CryptoError(f"bad content type {content_type}")
        seq = self.write_seq
        _next_seq(seq)
        pad = 0
        if self.pad_to > 1:
            rem = (n + 1) % self.pad_to
            if rem:
                pad = min(self.pad_to - rem, MAX_INNER_PLAINTEXT_13 - n - 1)
        if pad:
            inner = b"".join((plaintext, bytes((content_type,)), bytes(pad)))
        else:
            inner = b"".join((plaintext, bytes((content_type,))))
        header = _HDR.pack(_APPLICATION_DATA, _TLS12, len(inner) + self._tag_len)
        ct = self._aead.encrypt((self._iv ^ seq).to_bytes(12, "big"), inner, header)
        self.write_seq = seq + 1
        return header + ct

    def decrypt(self, header: Buffer, fragment: Buffer) -> tuple[int, bytes]:
        n = len(memoryview(fragment))
        if n > MAX_CIPHERTEXT_13:
            raise RecordOverflow(f"TLS 1.3 ciphertext of {n} bytes exceeds 2^14 + 256")
        if n <= self._tag_len:
            raise BadRecordMac("record shorter than the AEAD tag")
        seq = self.read_seq
        _next_seq(seq)
        try:
            inner = self._aead.decrypt((self._iv ^ seq).to_bytes(12, "big"), fragment, header)
        except InvalidTag:
            raise BadRecordMac("AEAD authentication failed") from None
        self.read_seq = seq + 1
        stripped = inner.rstrip(b"\x00")  # same object when there is no padding
        if not stripped:
            raise EmptyInnerPlaintext("no content type")
        # A receiver enforces the ciphertext limit (checked above) and 2^14 bytes
        # of content (RFC 8446 section 6.2, record_overflow). Padding that takes
        # the TLSInnerPlaintext past 2^14 + 1 breaks the sender's rule of
        # section 5.4, which OpenSSL does not check on receipt; neither do we.
        if len(stripped) - 1 > MAX_PLAINTEXT:
            raise RecordOverflow(
                f"TLS 1.3 record content of {len(stripped) - 1} bytes exceeds 2^14"
            )
        return stripped[-1], stripped[:-1]

    # -- bulk: runs of application data records, no per-record objects ----------

    def open_run(
        self,
        buf: bytearray,
        view: memoryview,
        pos: int,
        end: int,
        out: memoryview,
        o: int,
        limit: int,
    ) -> tuple[int, int]:
        """Open the application_data records that lie whole in ``buf[pos:end]``
        (``view`` is a view of ``buf``), one after the other, each straight
        into ``out`` at ``o`` (the content only: records' contents end up
        concatenated); return where reading and writing stopped.

        It stops before the first record it cannot take as a plain
        application_data record: incomplete, another outer type or version,
        too short or too long (the content longer than ``limit``), failing
        authentication, of another inner type, empty, or not fitting in
        ``out``. That record is left unread (``read_seq`` does not count it)
        for :meth:`decrypt`, which decides what it is. Writing past the
        content taken (up to a record's length) may happen in ``out``."""
        tag = self._tag_len
        decrypt_into = self._aead.decrypt_into
        iv = self._iv
        seq = self.read_seq
        room = len(out)
        last_seq = _SEQ_LIMIT - 2
        while end - pos > 5:
            if buf[pos] != _APPLICATION_DATA or buf[pos + 1] != 3 or buf[pos + 2] != 3:
                break
            body = pos + 5
            stop = body + ((buf[pos + 3] << 8) | buf[pos + 4])
            n = stop - body - tag  # the inner plaintext: content, type, padding
            if stop > end or n < 2 or n > limit + 1 or o + n > room or seq > last_seq:
                break
            try:
                decrypt_into(
                    (iv ^ seq).to_bytes(12, "big"), view[body:stop], view[pos:body], out[o : o + n]
                )
            except InvalidTag:
                break
            last = o + n - 1
            if out[last] != _APPLICATION_DATA:
                if out[last]:  # another content type
                    break
                # Padding: the type is the last byte that is not zero.
                last = o + len(out[o:last].tobytes().rstrip(b"\x00")) - 1
                if last <= o or out[last] != _APPLICATION_DATA:
                    break
            seq += 1
            o = last
            pos = stop
        self.read_seq = seq
        return pos, o

    def seal_run(self, data: memoryview, step: int, out: memoryview, pos: int) -> int:
        """Protect ``data`` as application_data records of ``step`` bytes of
        content (the last one shorter), written one after the other into
        ``out`` from ``pos``, which must have room for them (see
        :func:`sealed_size`); return where they end. Needs ``pad_to`` <= 1."""
        tag = self._tag_len
        encrypt_into = self._aead.encrypt_into
        pack_into = _HDR.pack_into
        iv = self._iv
        seq = self.write_seq
        inner = bytearray(step + 1)
        inner_view = memoryview(inner)
        n = len(data)
        if n:
            _next_seq(seq + (n + step - 1) // step - 1)
        for off in range(0, n, step):
            k = min(step, n - off)
            inner_view[:k] = data[off : off + k]
            inner[k] = _APPLICATION_DATA
            body = pos + 5
            stop = body + k + 1 + tag
            pack_into(out, pos, _APPLICATION_DATA, _TLS12, k + 1 + tag)
            encrypt_into(
                (iv ^ seq).to_bytes(12, "big"), inner_view[: k + 1], out[pos:body], out[body:stop]
            )
            seq += 1
            pos = stop
        self.write_seq = seq
        return pos

    def sealed_size(self, n: int, step: int) -> int:
        """Bytes :meth:`seal_run` writes for ``n`` bytes of content."""
        return n + ((n + step - 1) // step) * (5 + 1 + self._tag_len)


class Tls12Aead:
    """TLS 1.2 AEAD record protection.

    AES-GCM / AES-CCM / AES-CCM-8: nonce = 4-byte implicit ``fixed_iv`` + 8-byte
    explicit nonce carried in the record. We send the sequence number (RFC
    5288 section 3 only asks for uniqueness; OpenSSL does the same for CCM,
    while for GCM it counts up from a random start); on receipt the nonce is
    whatever the record carries. ChaCha20-Poly1305 (RFC 7905): nonce = 12-byte
    ``fixed_iv`` XOR the sequence number, nothing explicit. Additional data is
    seq_num(8) + type(1) + version(2) + plaintext length(2).
    """

    __slots__ = (
        "_aead",
        "_explicit",
        "_iv",
        "_salt",
        "_tag_len",
        "cipher_name",
        "limit",
        "read_seq",
        "version",
        "write_seq",
    )

    def __init__(
        self, cipher_name: str, key: bytes, fixed_iv: bytes, version: int = _TLS12
    ) -> None:
        p = _params(cipher_name)
        if p.kind != "aead":
            raise UnsupportedAlgorithm(f"{cipher_name} is not an AEAD")
        if len(key) != p.key_len or len(fixed_iv) != p.fixed_iv_len:
            raise CryptoError(f"{cipher_name}: bad key or IV length")
        self.cipher_name = cipher_name
        self._aead = _make_aead(cipher_name, key)
        self._explicit = p.record_iv_len == 8
        self._salt = bytes(fixed_iv)
        self._iv = int.from_bytes(fixed_iv, "big")
        self._tag_len = p.tag_len
        self.version = version
        self.write_seq = 0
        self.read_seq = 0
        #: Largest fragment taken either way: 2^14, or while compression
        #: is on the TLSCompressed limit (:func:`allow_compressed`).
        self.limit = MAX_PLAINTEXT

    def encrypt(self, content_type: int, plaintext: Buffer) -> bytes:
        n = len(memoryview(plaintext))
        if n > self.limit:
            raise RecordOverflow(f"plaintext of {n} bytes exceeds 2^14")
        seq = self.write_seq
        _next_seq(seq)
        aad = _SEQ_HDR.pack(seq, content_type, self.version, n)
        if self._explicit:
            explicit = aad[:8]
            ct = self._aead.encrypt(self._salt + explicit, plaintext, aad)
            out = b"".join((_HDR.pack(content_type, self.version, 8 + len(ct)), explicit, ct))
        else:
            ct = self._aead.encrypt((self._iv ^ seq).to_bytes(12, "big"), plaintext, aad)
            out = _HDR.pack(content_type, self.version, len(ct)) + ct
        self.write_seq = seq + 1
        return out

    def decrypt(self, header: Buffer, fragment: Buffer) -> tuple[int, bytes]:
        frag = memoryview(fragment)
        n = len(frag)
        if n > MAX_CIPHERTEXT_12:
            raise RecordOverflow(f"ciphertext of {n} bytes exceeds 2^14 + 2048")
        overhead = (8 if self._explicit else 0) + self._tag_len
        if n < overhead:
            raise BadRecordMac("record shorter than the AEAD overhead")
        seq = self.read_seq
        _next_seq(seq)
        hdr = memoryview(header)
        content_type = hdr[0]
        aad = _SEQ_HDR.pack(seq, content_type, (hdr[1] << 8) | hdr[2], n - overhead)
        try:
            if self._explicit:
                pt = self._aead.decrypt(self._salt + frag[:8], frag[8:], aad)
            else:
                pt = self._aead.decrypt((self._iv ^ seq).to_bytes(12, "big"), frag, aad)
        except InvalidTag:
            raise BadRecordMac("AEAD authentication failed") from None
        if len(pt) > self.limit:
            raise RecordOverflow(f"plaintext of {len(pt)} bytes exceeds 2^14")
        self.read_seq = seq + 1
        return content_type, pt


class Tls12Cbc:
    """AES-CBC (or Camellia-CBC) + HMAC record protection for TLS 1.0-1.2.

    ``cipher_name`` is ``"AES-128-CBC"``, ``"AES-256-CBC"``,
    ``"CAMELLIA-128-CBC"`` or ``"CAMELLIA-256-CBC"``; by default AES with the
    size of ``enc_key``.

    MAC-then-encrypt (RFC 5246 section 6.2.3.2) by default; encrypt-then-MAC
    (RFC 7366) when ``encrypt_then_mac``. TLS 1.1+ (``version >= 0x0302``)
    sends an explicit IV drawn from ``rng`` in each record; TLS 1.0 chains
    the CBC state across records and needs the key block's initial ``iv``.

    Padding failures and MAC failures raise the same :class:`BadRecordMac`,
    and with MAC-then-encrypt the MAC is computed even when the padding is
    bad (as if the pad were empty). The remaining timing difference (the
    number of HMAC compression blocks depends on the pad length, "Lucky 13")
    is not masked.
    """

    __slots__ = (
        "_alg",
        "_chained",
        "_dec",
        "_enc",
        "_etm",
        "_iv0",
        "_mac",
        "_mac_len",
        "_min_frag",
        "_rng",
        "cipher_name",
        "limit",
        "mac_hash",
        "read_seq",
        "version",
        "write_seq",
    )

    def __init__(
        self,
        enc_key: bytes,
        mac_key: bytes,
        mac_hash: str,
        encrypt_then_mac: bool,
        rng: Callable[[int], bytes],
        version: int = _TLS12,
        iv: bytes | None = None,
        cipher_name: str | None = None,
    ) -> None:
        if cipher_name is None:
            cipher_name = "AES-256-CBC" if len(enc_key) == 32 else "AES-128-CBC"
        p = _params(cipher_name)
        if p.kind != "cbc":
            raise UnsupportedAlgorithm(f"{cipher_name} is not a CBC cipher")
        if len(enc_key) != p.key_len:
            raise CryptoError(f"{cipher_name} key must be {p.key_len} bytes")
        if mac_hash not in MAC_PARAMS:
            raise UnsupportedAlgorithm(f"unsupported MAC hash {mac_hash!r}")
        mac_len = MAC_PARAMS[mac_hash]
        if len(mac_key) != mac_len:
            raise CryptoError(f"HMAC-{mac_hash} key must be {mac_len} bytes")
        if not callable(rng):
            raise CryptoError("rng must be callable")
        self.cipher_name = cipher_name
        self.mac_hash = mac_hash
        self._mac_len = mac_len
        self._mac = hashes.hmac_context(mac_hash, mac_key)
        self._alg = _cbc_algorithm(cipher_name, enc_key)
        self._etm = encrypt_then_mac
        self._rng = rng
        self.version = version
        self._chained = version <= _TLS10
        if self._chained:
            if iv is None or len(iv) != 16:
                raise CryptoError("TLS 1.0 CBC needs the 16-byte initial IV")
            self._iv0 = bytes(iv)
        else:
            # Explicit IVs: one long-lived decryptor; the first block of each
            # fragment (the record's IV) decrypts to garbage that is dropped,
            # and CBC then decrypts the rest under that IV.
            self._iv0 = bytes(16)
        self._enc: CipherContext | None = None
        self._dec: CipherContext | None = None
        iv_len = 0 if self._chained else 16
        if encrypt_then_mac:
            self._min_frag = iv_len + 16 + mac_len
        else:
            self._min_frag = iv_len + ((mac_len + 1 + 15) // 16) * 16
        self.write_seq = 0
        self.read_seq = 0
        #: Largest fragment taken either way: 2^14, or while compression
        #: is on the TLSCompressed limit (:func:`allow_compressed`).
        self.limit = MAX_PLAINTEXT

    @property
    def chained_iv(self) -> bool:
        """Whether each record's IV is the previous record's last block (TLS 1.0)."""
        return self._chained

    # -- helpers -------------------------------------------------------------
    def _mac_of(self, seq: int, content_type: int, version: int, *parts: Buffer) -> bytes:
        h = self._mac.copy()
        length = sum(len(memoryview(p)) for p in parts)
        h.update(_SEQ_HDR.pack(seq, content_type, version, length))
        for p in parts:
            h.update(p)
        return h.finalize()

    def _cbc_encrypt(self, data: bytes) -> bytes:
        """Returns explicit IV (TLS 1.1+) + ciphertext."""
        if self._chained:
            if self._enc is None:
                self._enc = Cipher(self._alg, modes.CBC(self._iv0)).encryptor()
            return self._enc.update(data)
        iv = self._rng(16)
        if not isinstance(iv, bytes | bytearray) or len(iv) != 16:
            raise CryptoError("rng did not return 16 bytes")
        enc = Cipher(self._alg, modes.CBC(bytes(iv))).encryptor()
        return bytes(iv) + enc.update(data)

    def _cbc_decrypt(self, body: Buffer) -> memoryview:
        """``body`` = explicit IV (TLS 1.1+) + ciphertext, a multiple of 16."""
        if self._dec is None:
            self._dec = Cipher(self._alg, modes.CBC(self._iv0)).decryptor()
        out = memoryview(self._dec.update(body))
        return out if self._chained else out[16:]

    @staticmethod
    def _padding(n: int) -> bytes:
        pad = 15 - n % 16
        return bytes((pad,)) * (pad + 1)

    @staticmethod
    def _pad_ok(data: memoryview, min_keep: int) -> tuple[bool, int]:
        """(valid, padding_length) of CBC-decrypted ``data``; ``min_keep`` bytes
        (the MAC, for MAC-then-encrypt) must remain before the padding."""
        pad = data[-1]
        if pad + 1 + min_keep > len(data):
            return False, 0
        return hashes.equal(bytes(data[len(data) - pad - 1 :]), bytes((pad,)) * (pad + 1)), pad

    # -- RecordCipher ----------------------------------------------------------
    def encrypt(self, content_type: int, plaintext: Buffer) -> bytes:
        n = len(memoryview(plaintext))
        if n > self.limit:
            raise RecordOverflow(f"plaintext of {n} bytes exceeds 2^14")
        seq = self.write_seq
        _next_seq(seq)
        if self._etm:
            body = self._cbc_encrypt(b"".join((plaintext, self._padding(n))))
            tag = self._mac_of(seq, content_type, self.version, body)
            out = b"".join((_HDR.pack(content_type, self.version, len(body) + len(tag)), body, tag))
        else:
            tag = self._mac_of(seq, content_type, self.version, plaintext)
            body = self._cbc_encrypt(b"".join((plaintext, tag, self._padding(n + self._mac_len))))
            out = _HDR.pack(content_type, self.version, len(body)) + body
        self.write_seq = seq + 1
        return out

    def decrypt(self, header: Buffer, fragment: Buffer) -> tuple[int, bytes]:
        frag = memoryview(fragment)
        n = len(frag)
        if n > MAX_CIPHERTEXT_12:
            raise RecordOverflow(f"ciphertext of {n} bytes exceeds 2^14 + 2048")
        hdr = memoryview(header)
        content_type = hdr[0]
        version = (hdr[1] << 8) | hdr[2]
        seq = self.read_seq
        _next_seq(seq)
        mac_len = self._mac_len
        if self._etm:
            body_len = n - mac_len
            if n < self._min_frag or body_len % 16:
                raise BadRecordMac("bad encrypt-then-MAC record length")
            body = frag[:body_len]
            if not hashes.equal(
                self._mac_of(seq, content_type, version, body), bytes(frag[body_len:])
            ):
                raise BadRecordMac("MAC check failed")
            data = self._cbc_decrypt(body)
            ok, pad = self._pad_ok(data, 0)
            if not ok:
                raise BadRecordMac("bad CBC padding")
            pt = bytes(data[: len(data) - pad - 1])
        else:
            if n < self._min_frag or n % 16:
                raise BadRecordMac("bad CBC record length")
            data = self._cbc_decrypt(frag)
            ok, pad = self._pad_ok(data, mac_len)
            # With bad padding, still MAC as if the pad were empty.
            pt_len = len(data) - mac_len - (pad + 1 if ok else 1)
            expected = self._mac_of(seq, content_type, version, data[:pt_len])
            mac_ok = hashes.equal(expected, bytes(data[pt_len : pt_len + mac_len]))
            if not (ok and mac_ok):
                raise BadRecordMac("MAC check or padding failed")
            pt = bytes(data[:pt_len])
        if len(pt) > self.limit:
            raise RecordOverflow(f"plaintext of {len(pt)} bytes exceeds 2^14")
        self.read_seq = seq + 1
        return content_type, pt


def allow_compressed(cipher: RecordCipher) -> None:
    """Let a TLS <= 1.2 cipher protect and open TLSCompressed fragments (up
    to 2^14 + 1024 bytes) instead of plaintext ones (2^14): the record layer
    bounds what they inflate to."""
    if isinstance(cipher, NullCipher | Tls12Aead | Tls12Cbc):
        cipher.limit = MAX_COMPRESSED
