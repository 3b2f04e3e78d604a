"""Record protection: round trips, tampering, sequence numbers, length limits,
and the TLS 1.2 CBC wire formats (checked against records built by hand here
from ``cryptography`` primitives)."""

from __future__ import annotations

import hmac as std_hmac
import os
import struct
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import (
    BadRecordMac,
    CryptoError,
    EmptyInnerPlaintext,
    RecordOverflow,
    UnsupportedAlgorithm,
)
from sclient.tls.crypto.protection import (
    AEAD_PARAMS,
    CIPHER_PARAMS,
    MAC_PARAMS,
    MAX_CIPHERTEXT_12,
    MAX_CIPHERTEXT_13,
    MAX_PLAINTEXT,
    NullCipher,
    RecordCipher,
    Tls12Aead,
    Tls12Cbc,
    Tls13Aead,
    fixed_iv_len,
    key_block_len,
)

TLS13_CIPHERS = ["AES-128-GCM", "AES-256-GCM", "CHACHA20-POLY1305", "AES-128-CCM", "AES-128-CCM-8"]
TLS12_AEADS = sorted(AEAD_PARAMS)


def _split(record: bytes) -> tuple[bytes, bytes]:
    assert len(record) == 5 + int.from_bytes(record[3:5], "big")
    return record[:5], record[5:]


def _flip(data: bytes, index: int, bit: int = 1) -> bytes:
    b = bytearray(data)
    b[index] ^= bit
    return bytes(b)


def _counter_rng() -> Callable[[int], bytes]:
    state = [0]

    def rng(n: int) -> bytes:
        state[0] += 1
        return bytes((state[0] + i) & 0xFF for i in range(n))

    return rng


# ---------------------------------------------------------------------------
# Parameter tables
# ---------------------------------------------------------------------------


def test_param_tables() -> None:
    assert CIPHER_PARAMS["AES-128-GCM"].key_len == 16
    assert CIPHER_PARAMS["AES-256-GCM"].key_len == 32
    for name in TLS13_CIPHERS:
        assert CIPHER_PARAMS[name].iv_len == 12
    assert CIPHER_PARAMS["AES-128-GCM"].fixed_iv_len == 4
    assert CIPHER_PARAMS["AES-128-CCM"].fixed_iv_len == 4
    assert CIPHER_PARAMS["CHACHA20-POLY1305"].fixed_iv_len == 12
    assert CIPHER_PARAMS["CHACHA20-POLY1305"].record_iv_len == 0
    assert CIPHER_PARAMS["AES-128-CCM-8"].tag_len == 8
    assert CIPHER_PARAMS["AES-128-CBC"].block_size == 16
    assert CIPHER_PARAMS["AES-128-CBC"].fixed_iv_len == 0
    assert fixed_iv_len("AES-128-CBC", 0x0301) == 16
    assert fixed_iv_len("AES-128-CBC", 0x0302) == 0
    assert MAC_PARAMS == {"sha1": 20, "sha256": 32, "sha384": 48}
    # TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 2 * (20 + 16 + 0)
    assert key_block_len("AES-128-CBC", "sha1") == 72
    assert key_block_len("AES-256-GCM", None) == 2 * (32 + 4)
    assert key_block_len("CHACHA20-POLY1305", None) == 2 * (32 + 12)


# ---------------------------------------------------------------------------
# TLS 1.3
# ---------------------------------------------------------------------------


def _pair13(name: str, pad_to: int = 0) -> tuple[Tls13Aead, Tls13Aead]:
    p = CIPHER_PARAMS[name]
    key, iv = os.urandom(p.key_len), os.urandom(p.iv_len)
    return Tls13Aead(name, key, iv, pad_to), Tls13Aead(name, key, iv)


@pytest.mark.parametrize("name", TLS13_CIPHERS)
def test_tls13_round_trip(name: str) -> None:
    w, r = _pair13(name)
    tag = CIPHER_PARAMS[name].tag_len
    for i, (ctype, pt) in enumerate(
        [(22, b"handshake"), (23, b""), (21, b"\x01\x00"), (23, os.urandom(MAX_PLAINTEXT))]
    ):
        rec = w.encrypt(ctype, pt)
        assert rec[:3] == b"\x17\x03\x03"  # outer type application_data, legacy version
        assert len(rec) == 5 + len(pt) + 1 + tag
        assert w.write_seq == i + 1
        assert r.decrypt(*_split(rec)) == (ctype, pt)
        assert r.read_seq == i + 1
    # Accepts memoryviews (zero-copy from a receive buffer).
    rec = w.encrypt(23, b"view")
    mv = memoryview(bytearray(rec))
    assert r.decrypt(mv[:5], mv[5:]) == (23, b"view")


@pytest.mark.parametrize("name", TLS13_CIPHERS)
def test_tls13_same_plaintext_different_records(name: str) -> None:
    w, _ = _pair13(name)
    assert w.encrypt(23, b"x" * 32) != w.encrypt(23, b"x" * 32)


@pytest.mark.parametrize("name", TLS13_CIPHERS)
def test_tls13_tampering(name: str) -> None:
    p = CIPHER_PARAMS[name]
    key, iv = os.urandom(p.key_len), os.urandom(p.iv_len)
    rec = Tls13Aead(name, key, iv).encrypt(23, b"attack at dawn" * 4)
    # Every header byte is additional data; then ciphertext and tag.
    for index in (0, 1, 2, 3, 4, 5, 5 + 20, len(rec) - p.tag_len, len(rec) - 1):
        r = Tls13Aead(name, key, iv)
        bad = _flip(rec, index)
        with pytest.raises(BadRecordMac):
            r.decrypt(bad[:5], bad[5:])
        assert r.read_seq == 0
    for frag in (rec[5:-1], rec[5:] + b"\x00", rec[5 : 5 + p.tag_len], b""):
        with pytest.raises(BadRecordMac):
            Tls13Aead(name, key, iv).decrypt(rec[:5], frag)


def test_tls13_wrong_sequence_fails() -> None:
    w, r = _pair13("AES-128-GCM")
    w.encrypt(23, b"first")
    second = w.encrypt(23, b"second")
    with pytest.raises(BadRecordMac):
        r.decrypt(*_split(second))


@pytest.mark.parametrize("pad_to", [16, 64, 100, 4096])
def test_tls13_padding(pad_to: int) -> None:
    w, r = _pair13("AES-128-GCM", pad_to)
    for n in (0, 1, 15, 16, 63, 200, MAX_PLAINTEXT - 3, MAX_PLAINTEXT):
        pt = os.urandom(n)
        rec = w.encrypt(23, pt)
        inner_len = len(rec) - 5 - 16
        assert inner_len <= MAX_PLAINTEXT + 1
        if inner_len < MAX_PLAINTEXT + 1:
            assert inner_len % pad_to == 0
        assert inner_len >= n + 1
        assert r.decrypt(*_split(rec)) == (23, pt)


def _raw13(name: str, key: bytes, iv: bytes, inner: bytes, seq: int = 0) -> bytes:
    p = CIPHER_PARAMS[name]
    header = struct.pack("!BHH", 23, 0x0303, len(inner) + p.tag_len)
    nonce = (int.from_bytes(iv, "big") ^ seq).to_bytes(12, "big")
    aead = AESGCM(key) if "GCM" in name else ChaCha20Poly1305(key)
    return header + aead.encrypt(nonce, inner, header)


def test_tls13_all_zero_inner_plaintext() -> None:
    key, iv = os.urandom(16), os.urandom(12)
    for inner in (b"\x00", bytes(100)):
        rec = _raw13("AES-128-GCM", key, iv, inner)
        r = Tls13Aead("AES-128-GCM", key, iv)
        with pytest.raises(EmptyInnerPlaintext) as ei:
            r.decrypt(*_split(rec))
        assert isinstance(ei.value, CryptoError)
    # Padding after the type byte is stripped; zeros inside the content are kept.
    rec = _raw13("AES-128-GCM", key, iv, b"\x00ab\x00\x00\x17" + bytes(50))
    assert Tls13Aead("AES-128-GCM", key, iv).decrypt(*_split(rec)) == (23, b"\x00ab\x00\x00")


def test_tls13_length_limits() -> None:
    key, iv = os.urandom(32), os.urandom(12)
    w = Tls13Aead("CHACHA20-POLY1305", key, iv)
    with pytest.raises(RecordOverflow):
        w.encrypt(23, bytes(MAX_PLAINTEXT + 1))
    r = Tls13Aead("CHACHA20-POLY1305", key, iv)
    with pytest.raises(RecordOverflow):
        r.decrypt(
            struct.pack("!BHH", 23, 0x0303, MAX_CIPHERTEXT_13 + 1), bytes(MAX_CIPHERTEXT_13 + 1)
        )
    # Authentic, and the content is 2^14 + 1 bytes: record_overflow.
    rec = _raw13("CHACHA20-POLY1305", key, iv, bytes(MAX_PLAINTEXT) + b"\x01\x17")
    assert len(rec) - 5 <= MAX_CIPHERTEXT_13
    with pytest.raises(RecordOverflow):
        r.decrypt(*_split(rec))
    # Inner plaintext of 2^14 + 2 bytes, padding included: as OpenSSL, accepted
    # (RFC 8446 5.4 binds the sender; the receiver's limits are 5.2 and 6.2).
    rec = _raw13("CHACHA20-POLY1305", key, iv, bytes(MAX_PLAINTEXT) + b"\x17\x00")
    assert Tls13Aead("CHACHA20-POLY1305", key, iv).decrypt(*_split(rec)) == (
        23,
        bytes(MAX_PLAINTEXT),
    )
    # Exactly 2^14 + 1 is fine.
    rec = _raw13("CHACHA20-POLY1305", key, iv, bytes(MAX_PLAINTEXT) + b"\x17")
    assert Tls13Aead("CHACHA20-POLY1305", key, iv).decrypt(*_split(rec)) == (
        23,
        bytes(MAX_PLAINTEXT),
    )


def test_tls13_bad_construction() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        Tls13Aead("AES-128-CBC", bytes(16), bytes(12))
    with pytest.raises(UnsupportedAlgorithm):
        Tls13Aead("AES-256-CCM", bytes(32), bytes(12))
    with pytest.raises(UnsupportedAlgorithm):
        Tls13Aead("RC4", bytes(16), bytes(12))
    with pytest.raises(CryptoError):
        Tls13Aead("AES-128-GCM", bytes(32), bytes(12))
    with pytest.raises(CryptoError):
        Tls13Aead("AES-128-GCM", bytes(16), bytes(8))


# ---------------------------------------------------------------------------
# TLS 1.2 AEAD
# ---------------------------------------------------------------------------


def _pair12(name: str, version: int = 0x0303) -> tuple[Tls12Aead, Tls12Aead, bytes, bytes]:
    p = CIPHER_PARAMS[name]
    key, fiv = os.urandom(p.key_len), os.urandom(p.fixed_iv_len)
    return Tls12Aead(name, key, fiv, version), Tls12Aead(name, key, fiv, version), key, fiv


@pytest.mark.parametrize("name", TLS12_AEADS)
def test_tls12_aead_round_trip_and_wire_format(name: str) -> None:
    w, r, key, fiv = _pair12(name)
    p = CIPHER_PARAMS[name]
    for seq, (ctype, pt) in enumerate(
        [(22, b"\x14\x00\x00\x0c" + bytes(12)), (23, b""), (23, os.urandom(MAX_PLAINTEXT))]
    ):
        rec = w.encrypt(ctype, pt)
        assert rec[:3] == bytes((ctype, 3, 3))
        assert len(rec) == 5 + p.record_iv_len + len(pt) + p.tag_len
        # Independent construction of the same record.
        aad = struct.pack("!QBHH", seq, ctype, 0x0303, len(pt))
        if p.record_iv_len:
            explicit = seq.to_bytes(8, "big")
            assert rec[5:13] == explicit
            nonce = fiv + explicit
        else:
            nonce = (int.from_bytes(fiv, "big") ^ seq).to_bytes(12, "big")
        if name.startswith("CHACHA"):
            aead: AESGCM | AESCCM | ChaCha20Poly1305 = ChaCha20Poly1305(key)
        elif "GCM" in name:
            aead = AESGCM(key)
        else:
            aead = AESCCM(key, p.tag_len)
        assert rec[5 + p.record_iv_len :] == aead.encrypt(nonce, pt, aad)
        assert r.decrypt(*_split(rec)) == (ctype, pt)
    assert w.write_seq == r.read_seq == 3


@pytest.mark.parametrize("name", TLS12_AEADS)
def test_tls12_aead_tampering(name: str) -> None:
    w, _, key, fiv = _pair12(name)
    rec = w.encrypt(23, b"some application data")
    # Header type and version are authenticated (the length is the fragment's).
    for index in (0, 1, 2, 5, 12, 13, len(rec) - 1):
        r = Tls12Aead(name, key, fiv)
        bad = _flip(rec, index)
        with pytest.raises(BadRecordMac):
            r.decrypt(bad[:5], bad[5:])
        assert r.read_seq == 0
    r = Tls12Aead(name, key, fiv)
    with pytest.raises(BadRecordMac):
        r.decrypt(rec[:5], rec[5:12])
    r.read_seq = 1  # wrong sequence number in the additional data
    with pytest.raises(BadRecordMac):
        r.decrypt(*_split(rec))


def test_tls12_aead_explicit_nonce_is_read_from_the_record() -> None:
    # The peer's explicit nonce need not equal the sequence number.
    key, fiv = os.urandom(16), os.urandom(4)
    explicit = os.urandom(8)
    aad = struct.pack("!QBHH", 0, 23, 0x0303, 5)
    body = explicit + AESGCM(key).encrypt(fiv + explicit, b"hello", aad)
    header = struct.pack("!BHH", 23, 0x0303, len(body))
    assert Tls12Aead("AES-128-GCM", key, fiv).decrypt(header, body) == (23, b"hello")


def test_tls12_aead_length_limits() -> None:
    w, r, key, fiv = _pair12("AES-256-GCM")
    with pytest.raises(RecordOverflow):
        w.encrypt(23, bytes(MAX_PLAINTEXT + 1))
    with pytest.raises(RecordOverflow):
        r.decrypt(
            struct.pack("!BHH", 23, 0x0303, MAX_CIPHERTEXT_12 + 1), bytes(MAX_CIPHERTEXT_12 + 1)
        )
    # Authentic 2^14 + 1 byte plaintext: record_overflow.
    pt = bytes(MAX_PLAINTEXT + 1)
    explicit = bytes(8)
    aad = struct.pack("!QBHH", 0, 23, 0x0303, len(pt))
    body = explicit + AESGCM(key).encrypt(fiv + explicit, pt, aad)
    with pytest.raises(RecordOverflow):
        r.decrypt(struct.pack("!BHH", 23, 0x0303, len(body)), body)


def test_tls12_aead_bad_construction() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        Tls12Aead("AES-128-CBC", bytes(16), bytes(4))
    with pytest.raises(CryptoError):
        Tls12Aead("AES-128-GCM", bytes(16), bytes(12))
    with pytest.raises(CryptoError):
        Tls12Aead("CHACHA20-POLY1305", bytes(32), bytes(4))


# ---------------------------------------------------------------------------
# TLS 1.0-1.2 CBC
# ---------------------------------------------------------------------------

CBC_CASES = [
    (16, "sha1", False),
    (16, "sha1", True),
    (32, "sha256", False),
    (16, "sha256", True),
    (32, "sha384", False),
    (32, "sha384", True),
]


def _cbc_pair(
    key_len: int, mac: str, etm: bool, version: int = 0x0303
) -> tuple[Tls12Cbc, Tls12Cbc, bytes, bytes, bytes | None]:
    enc_key, mac_key = os.urandom(key_len), os.urandom(MAC_PARAMS[mac])
    iv = os.urandom(16) if version == 0x0301 else None
    w = Tls12Cbc(enc_key, mac_key, mac, etm, _counter_rng(), version, iv)
    r = Tls12Cbc(enc_key, mac_key, mac, etm, os.urandom, version, iv)
    return w, r, enc_key, mac_key, iv


def _hand_built(
    enc_key: bytes,
    mac_key: bytes,
    mac: str,
    etm: bool,
    seq: int,
    ctype: int,
    pt: bytes,
    iv: bytes,
    pad: bytes | None = None,
    mac_override: bytes | None = None,
) -> bytes:
    """A TLS 1.1+ CBC record built directly from the RFCs' definitions."""

    def mac_over(length: int, data: bytes) -> bytes:
        return std_hmac.new(
            mac_key, struct.pack("!QBHH", seq, ctype, 0x0303, length) + data, mac
        ).digest()

    def cbc(data: bytes) -> bytes:
        e = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
        return e.update(data) + e.finalize()

    if etm:
        if pad is None:
            n = 15 - len(pt) % 16
            pad = bytes((n,)) * (n + 1)
        body = iv + cbc(pt + pad)
        tag = mac_override or mac_over(len(body), body)
        frag = body + tag
    else:
        tag = mac_override or mac_over(len(pt), pt)
        if pad is None:
            n = 15 - (len(pt) + len(tag)) % 16
            pad = bytes((n,)) * (n + 1)
        frag = iv + cbc(pt + tag + pad)
    return struct.pack("!BHH", ctype, 0x0303, len(frag)) + frag


@pytest.mark.parametrize(("key_len", "mac", "etm"), CBC_CASES)
def test_cbc_round_trip_matches_hand_built(key_len: int, mac: str, etm: bool) -> None:
    w, r, enc_key, mac_key, _ = _cbc_pair(key_len, mac, etm)
    rng = _counter_rng()  # same sequence as the writer's
    for seq, (ctype, pt) in enumerate(
        [
            (22, b"\x14\x00\x00\x0c" + bytes(12)),
            (23, b""),
            (23, b"x" * 15),
            (23, os.urandom(MAX_PLAINTEXT)),
        ]
    ):
        rec = w.encrypt(ctype, pt)
        iv = rng(16)
        assert rec[5:21] == iv  # explicit IV from the injected rng
        assert rec == _hand_built(enc_key, mac_key, mac, etm, seq, ctype, pt, iv)
        assert r.decrypt(*_split(rec)) == (ctype, pt)
        assert (w.write_seq, r.read_seq) == (seq + 1, seq + 1)


@pytest.mark.parametrize(("key_len", "mac", "etm"), CBC_CASES)
def test_cbc_tampering(key_len: int, mac: str, etm: bool) -> None:
    w, _, enc_key, mac_key, _ = _cbc_pair(key_len, mac, etm)
    rec = w.encrypt(23, b"tamper with me " * 5)
    positions = [0, 1, 2, 5, 20, 21, 40, len(rec) - 1, len(rec) - MAC_PARAMS[mac] - 1]
    positions += [len(rec) - MAC_PARAMS[mac] - 17]  # the block before the last (padding)
    for index in positions:
        r = Tls12Cbc(enc_key, mac_key, mac, etm, os.urandom)
        bad = _flip(rec, index)
        with pytest.raises(BadRecordMac):
            r.decrypt(bad[:5], bad[5:])
        assert r.read_seq == 0
    for cut in (1, 16, len(rec) - 5 - 1):
        r = Tls12Cbc(enc_key, mac_key, mac, etm, os.urandom)
        with pytest.raises(BadRecordMac):
            r.decrypt(rec[:5], rec[5 : len(rec) - cut])


@pytest.mark.parametrize(("key_len", "mac", "etm"), CBC_CASES)
def test_cbc_bad_padding_with_valid_mac(key_len: int, mac: str, etm: bool) -> None:
    enc_key, mac_key = os.urandom(key_len), os.urandom(MAC_PARAMS[mac])
    pt = b"p" * 10
    tag_len = MAC_PARAMS[mac]
    n = 15 - (len(pt) + (0 if etm else tag_len)) % 16
    good_pad = bytes((n,)) * (n + 1)
    bad_pads = [
        bytes((n + 16,)) * (n + 1),  # claims more padding than the record holds
        bytes((n,)) * n + bytes((n ^ 2,)),  # length byte disagrees with the others
    ]
    if n:
        bad_pads.append(bytes((n ^ 1,)) + bytes((n,)) * n)  # first pad byte wrong
    iv = os.urandom(16)
    ok = _hand_built(enc_key, mac_key, mac, etm, 0, 23, pt, iv, good_pad)
    assert Tls12Cbc(enc_key, mac_key, mac, etm, os.urandom).decrypt(*_split(ok)) == (23, pt)
    for pad in bad_pads:
        rec = _hand_built(enc_key, mac_key, mac, etm, 0, 23, pt, iv, pad)
        with pytest.raises(BadRecordMac):
            Tls12Cbc(enc_key, mac_key, mac, etm, os.urandom).decrypt(*_split(rec))
    # Larger-than-minimal (but valid) padding is accepted.
    big = bytes((n + 16,)) * (n + 17)
    rec = _hand_built(enc_key, mac_key, mac, etm, 0, 23, pt, iv, big)
    assert Tls12Cbc(enc_key, mac_key, mac, etm, os.urandom).decrypt(*_split(rec)) == (23, pt)


@pytest.mark.parametrize(("key_len", "mac"), [(16, "sha1"), (32, "sha384")])
def test_etm_and_mte_differ_and_do_not_cross_decrypt(key_len: int, mac: str) -> None:
    enc_key, mac_key = os.urandom(key_len), os.urandom(MAC_PARAMS[mac])
    pt = b"same plaintext, same keys, same IV"
    mte = Tls12Cbc(enc_key, mac_key, mac, False, _counter_rng()).encrypt(23, pt)
    etm = Tls12Cbc(enc_key, mac_key, mac, True, _counter_rng()).encrypt(23, pt)
    assert mte != etm
    assert mte[5:21] == etm[5:21]  # same IV
    # EtM: the MAC is in the clear after the ciphertext.
    assert (len(etm) - 5 - 16 - MAC_PARAMS[mac]) % 16 == 0
    assert (len(mte) - 5 - 16) % 16 == 0
    for rec, own in ((mte, False), (etm, True)):
        assert Tls12Cbc(enc_key, mac_key, mac, own, os.urandom).decrypt(*_split(rec)) == (23, pt)
        with pytest.raises(BadRecordMac):
            Tls12Cbc(enc_key, mac_key, mac, not own, os.urandom).decrypt(*_split(rec))


@pytest.mark.parametrize("etm", [False, True])
def test_cbc_length_limits(etm: bool) -> None:
    enc_key, mac_key = os.urandom(16), os.urandom(32)
    w = Tls12Cbc(enc_key, mac_key, "sha256", etm, os.urandom)
    with pytest.raises(RecordOverflow):
        w.encrypt(23, bytes(MAX_PLAINTEXT + 1))
    r = Tls12Cbc(enc_key, mac_key, "sha256", etm, os.urandom)
    big = MAX_CIPHERTEXT_12 + 16
    with pytest.raises(RecordOverflow):
        r.decrypt(struct.pack("!BHH", 23, 0x0303, big), bytes(big))
    # Authentic record with 2^14 + 1 bytes of plaintext.
    rec = _hand_built(
        enc_key, mac_key, "sha256", etm, 0, 23, bytes(MAX_PLAINTEXT + 1), os.urandom(16)
    )
    assert len(rec) - 5 <= MAX_CIPHERTEXT_12
    with pytest.raises(RecordOverflow):
        Tls12Cbc(enc_key, mac_key, "sha256", etm, os.urandom).decrypt(*_split(rec))


@pytest.mark.parametrize("etm", [False, True])
@pytest.mark.parametrize("version", [0x0301, 0x0302])
def test_cbc_old_versions(version: int, etm: bool) -> None:
    w, r, *_ = _cbc_pair(16, "sha1", etm, version)
    pts = [os.urandom(n) for n in (0, 1, 100, 5000)]
    recs = [w.encrypt(23, pt) for pt in pts]
    for rec, pt in zip(recs, pts, strict=True):
        assert rec[1:3] == version.to_bytes(2, "big")
        assert r.decrypt(*_split(rec)) == (23, pt)
    assert r.read_seq == 4
    # An empty record: one block (+ explicit IV in TLS 1.1) + MAC or MAC+padding.
    iv_len = 0 if version == 0x0301 else 16
    assert len(recs[0]) - 5 == iv_len + (16 + 20 if etm else 32)


def test_tls10_cbc_chains_iv_across_records() -> None:
    enc_key, mac_key, iv = os.urandom(16), os.urandom(20), os.urandom(16)
    w = Tls12Cbc(enc_key, mac_key, "sha1", False, os.urandom, 0x0301, iv)
    r1 = w.encrypt(23, b"a" * 30)
    r2 = w.encrypt(23, b"b" * 30)
    # Record 2 is encrypted with the last ciphertext block of record 1 as IV.
    d = Cipher(algorithms.AES(enc_key), modes.CBC(r1[-16:])).decryptor()
    data = d.update(r2[5:]) + d.finalize()
    assert data.startswith(b"b" * 30)
    with pytest.raises(CryptoError):
        Tls12Cbc(enc_key, mac_key, "sha1", False, os.urandom, 0x0301)


def test_cbc_bad_construction() -> None:
    with pytest.raises(CryptoError):
        Tls12Cbc(bytes(24), bytes(20), "sha1", False, os.urandom)
    with pytest.raises(UnsupportedAlgorithm):
        Tls12Cbc(bytes(16), bytes(16), "md5", False, os.urandom)
    with pytest.raises(CryptoError):
        Tls12Cbc(bytes(16), bytes(32), "sha1", False, os.urandom)
    with pytest.raises(CryptoError):
        Tls12Cbc(bytes(16), bytes(20), "sha1", False, os.urandom, cipher_name="AES-256-CBC")
    with pytest.raises(UnsupportedAlgorithm):
        Tls12Cbc(bytes(16), bytes(20), "sha1", False, os.urandom, cipher_name="AES-128-GCM")
    w = Tls12Cbc(bytes(16), bytes(20), "sha1", False, lambda n: b"short")
    with pytest.raises(CryptoError):
        w.encrypt(23, b"x")


@pytest.mark.parametrize("name", ["CAMELLIA-128-CBC", "CAMELLIA-256-CBC", "AES-256-CBC"])
@pytest.mark.parametrize("etm", [False, True])
def test_cbc_named_ciphers(name: str, etm: bool) -> None:
    p = CIPHER_PARAMS[name]
    enc_key, mac_key = os.urandom(p.key_len), os.urandom(32)
    w = Tls12Cbc(enc_key, mac_key, "sha256", etm, os.urandom, cipher_name=name)
    r = Tls12Cbc(enc_key, mac_key, "sha256", etm, os.urandom, cipher_name=name)
    assert w.cipher_name == name
    for n in (0, 17, 4000):
        pt = os.urandom(n)
        assert r.decrypt(*_split(w.encrypt(23, pt))) == (23, pt)
    # A Camellia record does not decrypt as AES with the same keys.
    if name.startswith("CAMELLIA"):
        aes = Tls12Cbc(enc_key, mac_key, "sha256", etm, os.urandom)
        with pytest.raises(BadRecordMac):
            aes.decrypt(*_split(w.encrypt(23, b"camellia")))


# ---------------------------------------------------------------------------
# Null cipher and the common protocol
# ---------------------------------------------------------------------------


def test_null_cipher() -> None:
    c = NullCipher(0x0301)
    rec = c.encrypt(22, b"\x01\x00\x00\x00")
    assert rec == b"\x16\x03\x01\x00\x04\x01\x00\x00\x00"
    c.version = 0x0303
    assert c.encrypt(21, b"\x02\x28")[:3] == b"\x15\x03\x03"
    assert c.decrypt(*_split(rec)) == (22, b"\x01\x00\x00\x00")
    assert (c.write_seq, c.read_seq) == (2, 1)
    with pytest.raises(RecordOverflow):
        c.encrypt(23, bytes(MAX_PLAINTEXT + 1))
    with pytest.raises(RecordOverflow):
        c.decrypt(b"\x17\x03\x03\x40\x01", bytes(MAX_PLAINTEXT + 1))


def test_all_implement_record_cipher() -> None:
    ciphers: list[RecordCipher] = [
        NullCipher(),
        Tls13Aead("AES-128-GCM", bytes(16), bytes(12)),
        Tls12Aead("AES-128-GCM", bytes(16), bytes(4)),
        Tls12Cbc(bytes(16), bytes(20), "sha1", True, os.urandom),
    ]
    for c in ciphers:
        assert c.write_seq == c.read_seq == 0
        assert isinstance(c.version, int)


def test_mac_hash_names_match_hashes() -> None:
    for name, n in MAC_PARAMS.items():
        assert hashes.hash_len(name) == n
