"""Transcript hashing, hashes by name, and the key-schedule helpers not covered
by the RFC 8448 traces."""

from __future__ import annotations

import hashlib
import hmac as std_hmac

import pytest

from sclient.tls.crypto import hashes
from sclient.tls.crypto import keyschedule as ks
from sclient.tls.crypto.errors import CryptoError, UnsupportedAlgorithm
from sclient.tls.crypto.transcript import Transcript, message_hash

CH = b"\x01\x00\x00\x05hello"
SH = b"\x02\x00\x00\x05world"
EE = b"\x08\x00\x00\x02\x00\x00"


def test_hash_table() -> None:
    for name in ("sha256", "sha384", "sha512", "sha1", "md5", "sha224"):
        assert name in hashes.HASHES
        assert hashes.digest(name, b"abc") == hashlib.new(name, b"abc").digest()
        assert hashes.hash_len(name) == hashlib.new(name).digest_size
        assert hashes.hmac(name, b"k", b"data") == std_hmac.new(b"k", b"data", name).digest()
    assert hashes.hash_len("md5-sha1") == 36
    with pytest.raises(UnsupportedAlgorithm):
        hashes.digest("sha3-256", b"")
    with pytest.raises(UnsupportedAlgorithm):
        hashes.hash_len("whirlpool")


def test_digest_before_and_after_set_hash() -> None:
    t = Transcript()
    t.update(CH)
    with pytest.raises(CryptoError):
        t.digest()
    # Any hash can be computed from the raw messages before the suite is known.
    assert t.digest("sha384") == hashlib.sha384(CH).digest()
    t.set_hash("sha256")
    assert t.hash_name == "sha256"
    assert t.digest() == hashlib.sha256(CH).digest()
    t.update(SH)
    assert t.digest() == t.digest("sha256") == hashlib.sha256(CH + SH).digest()
    assert t.digest() == t.digest()  # digest does not consume the running hash
    t.update(EE)
    assert t.digest() == hashlib.sha256(CH + SH + EE).digest()
    assert t.digest("sha1") == hashlib.sha1(CH + SH + EE).digest()
    assert t.messages == [CH, SH, EE]
    assert t.raw() == CH + SH + EE
    assert len(t) == 3
    t.set_hash("sha256")  # idempotent
    with pytest.raises(CryptoError):
        t.set_hash("sha384")


def test_digest_with_does_not_record() -> None:
    t = Transcript()
    t.update(CH)
    t.set_hash("sha384")
    partial = b"\x01\x00\x01\x00truncated"
    assert t.digest_with("sha384", partial) == hashlib.sha384(CH + partial).digest()
    assert t.digest_with("sha256", partial) == hashlib.sha256(CH + partial).digest()
    assert t.digest() == hashlib.sha384(CH).digest()


def test_md5_sha1_transcript() -> None:
    t = Transcript()
    t.update(CH)
    t.set_hash("md5-sha1")
    t.update(SH)
    expect = hashlib.md5(CH + SH).digest() + hashlib.sha1(CH + SH).digest()
    assert t.digest() == expect
    assert t.digest_with("md5-sha1", EE) == (
        hashlib.md5(CH + SH + EE).digest() + hashlib.sha1(CH + SH + EE).digest()
    )


def test_hrr_rewrite() -> None:
    hrr = b"\x02\x00\x00\x03hrr"
    t = Transcript()
    t.update(CH)
    t.update(hrr)
    t.rewrite_for_hrr("sha384")
    mh = b"\xfe\x00\x00\x30" + hashlib.sha384(CH).digest()
    assert message_hash("sha384", CH) == mh
    assert t.messages == [mh, hrr]
    assert t.digest() == hashlib.sha384(mh + hrr).digest()
    with pytest.raises(CryptoError):
        t.rewrite_for_hrr("sha384")  # only once
    t2 = Transcript()
    t2.update(SH)
    with pytest.raises(CryptoError):
        t2.rewrite_for_hrr("sha256")  # does not start with a ClientHello
    t3 = Transcript()
    t3.update(CH)
    t3.set_hash("sha256")
    with pytest.raises(CryptoError):
        t3.rewrite_for_hrr("sha384")


def test_hkdf_expand_label_encoding() -> None:
    # HkdfLabel: uint16 length, opaque label<7..255> = "tls13 " + label, opaque context<0..255>.
    secret = bytes(range(32))
    info = b"\x00\x10" + b"\x09tls13 key" + b"\x00"
    assert (
        ks.hkdf_expand_label("sha256", secret, b"key", b"", 16)
        == (std_hmac.new(secret, info + b"\x01", "sha256").digest()[:16])
    )
    # Multi-block output.
    out = ks.hkdf_expand("sha256", secret, b"info", 80)
    t1 = std_hmac.new(secret, b"info\x01", "sha256").digest()
    t2 = std_hmac.new(secret, t1 + b"info\x02", "sha256").digest()
    t3 = std_hmac.new(secret, t2 + b"info\x03", "sha256").digest()
    assert out == (t1 + t2 + t3)[:80]
    with pytest.raises(CryptoError):
        ks.hkdf_expand("sha256", secret, b"", 255 * 32 + 1)
    with pytest.raises(CryptoError):
        ks.hkdf_expand_label("sha256", secret, b"x" * 250, b"", 32)


def test_rfc5869_case_1() -> None:
    # RFC 5869 Appendix A.1 (SHA-256).
    ikm = bytes.fromhex("0b" * 22)
    salt = bytes.fromhex("000102030405060708090a0b0c")
    info = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    prk = ks.hkdf_extract("sha256", salt, ikm)
    assert prk.hex() == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
    okm = ks.hkdf_expand("sha256", prk, info, 42)
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


def test_key_schedule_order_enforced() -> None:
    k = ks.KeySchedule13("sha384")
    with pytest.raises(CryptoError):
        k.client_handshake_traffic_secret(bytes(48))
    with pytest.raises(CryptoError):
        k.master()
    k.handshake(bytes(32))  # derives the early secret (no PSK) first
    assert k.early_secret == ks.hkdf_extract("sha384", None, None)
    with pytest.raises(CryptoError):
        k.client_application_traffic_secret_0(bytes(48))
    k.master()
    assert len(k.client_application_traffic_secret_0(bytes(48))) == 48


def test_psk_binder_and_early_secrets() -> None:
    psk = bytes(range(32))
    k = ks.KeySchedule13("sha256")
    early = k.early(psk)
    assert early == std_hmac.new(bytes(32), psk, "sha256").digest()
    empty = hashlib.sha256(b"").digest()
    assert k.binder_key(external=False) == ks.derive_secret("sha256", early, b"res binder", empty)
    assert k.binder_key(external=True) == ks.derive_secret("sha256", early, b"ext binder", empty)
    th = hashlib.sha256(b"CH").digest()
    assert k.client_early_traffic_secret(th) == ks.derive_secret(
        "sha256", early, b"c e traffic", th
    )


def test_next_traffic_secret_and_exporter() -> None:
    s = bytes(range(48))
    assert ks.next_application_traffic_secret("sha384", s) == ks.hkdf_expand_label(
        "sha384", s, b"traffic upd", b"", 48
    )
    ems = bytes(range(32))
    empty = hashlib.sha256(b"").digest()
    inner = ks.derive_secret("sha256", ems, b"EXPORTER-x", empty)
    want = ks.hkdf_expand_label("sha256", inner, b"exporter", hashlib.sha256(b"ctx").digest(), 20)
    assert ks.export_keying_material13("sha256", ems, b"EXPORTER-x", b"ctx", 20) == want
    # No context == empty context in TLS 1.3.
    assert ks.export_keying_material13("sha256", ems, b"L", None, 20) == (
        ks.export_keying_material13("sha256", ems, b"L", b"", 20)
    )
