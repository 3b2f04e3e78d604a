"""Key shares: every group agrees with itself, wire lengths, peer validation,
TLS 1.2 DHE with server parameters, RSA key transport."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric import dh, ec, padding, rsa

from sclient.tls.crypto import kex
from sclient.tls.crypto.errors import (
    CryptoError,
    IllegalKeyShare,
    UnsupportedAlgorithm,
    WeakDhParameters,
)
from sclient.tls.crypto.ffdhe import FFDHE_GROUPS

WIRE_LEN = {
    0x001D: 32,
    0x001E: 56,
    0x0017: 65,
    0x0018: 97,
    0x0019: 133,
    0x0013: 49,
    0x0015: 57,
    0x0016: 65,
    0x001A: 65,
    0x001B: 97,
    0x001C: 129,
    0x0100: 256,
    0x0101: 384,
    0x0102: 512,
    0x0103: 768,
    0x0104: 1024,
}
SECRET_LEN = {
    **WIRE_LEN,
    0x0017: 32,
    0x0018: 48,
    0x0019: 66,
    0x0013: 24,
    0x0015: 28,
    0x0016: 32,
    0x001A: 32,
    0x001B: 48,
    0x001C: 64,
}


#: The Diffie-Hellman groups (both sides run the same operation); the
#: key-encapsulation groups are tested in test_crypto_kem.py.
DH_GROUPS = tuple(g for g in kex.SUPPORTED_GROUPS if g not in kex.KEM_GROUPS)


@pytest.mark.parametrize("group", DH_GROUPS, ids=lambda g: kex.GROUP_NAMES[g])
def test_groups_agree(group: int) -> None:
    a = kex.generate_key_share(group)
    b = kex.generate_key_share(group)
    assert a.group == b.group == group
    assert len(a.public_bytes()) == WIRE_LEN[group]
    assert a.public_bytes() != b.public_bytes()
    z1 = a.exchange(b.public_bytes())
    z2 = b.exchange(a.public_bytes())
    assert z1 == z2
    assert len(z1) == SECRET_LEN[group]


@pytest.mark.parametrize("group", DH_GROUPS, ids=lambda g: kex.GROUP_NAMES[g])
def test_wrong_lengths_rejected(group: int) -> None:
    a = kex.generate_key_share(group)
    peer = kex.generate_key_share(group).public_bytes()
    for bad in (b"", peer[:-1], peer + b"\x00", b"\x00" + peer):
        with pytest.raises(IllegalKeyShare):
            a.exchange(bad)


def test_unknown_group() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        kex.generate_key_share(0x0042)
    with pytest.raises(UnsupportedAlgorithm):
        kex.EcKeyShare(0x001D)
    with pytest.raises(UnsupportedAlgorithm):
        kex.FfdheKeyShare(0x0017)


# Low-order points of Curve25519 (RFC 7748 section 6.1 requires rejecting the
# all-zero output they produce).
X25519_LOW_ORDER = [
    bytes(32),
    (1).to_bytes(32, "little"),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
]


@pytest.mark.parametrize("point", X25519_LOW_ORDER)
def test_x25519_low_order_points_rejected(point: bytes) -> None:
    with pytest.raises(IllegalKeyShare):
        kex.X25519KeyShare().exchange(point)


def test_x448_zero_point_rejected() -> None:
    with pytest.raises(IllegalKeyShare):
        kex.X448KeyShare().exchange(bytes(56))


@pytest.mark.parametrize("group", [0x0017, 0x0018, 0x0019])
def test_ec_invalid_points_rejected(group: int) -> None:
    a = kex.EcKeyShare(group)
    good = kex.EcKeyShare(group).public_bytes()
    coord = (len(good) - 1) // 2
    off_curve = good[:-1] + bytes((good[-1] ^ 1,))
    compressed_len = b"\x02" + good[1 : 1 + coord]
    hybrid = b"\x06" + good[1:]
    infinity_like = b"\x04" + bytes(2 * coord)
    for bad in (off_curve, compressed_len, hybrid, infinity_like):
        with pytest.raises(IllegalKeyShare):
            a.exchange(bad)


def test_ec_x_coordinate_is_the_secret() -> None:
    a, b = kex.EcKeyShare(0x0017), kex.EcKeyShare(0x0017)
    z = a.exchange(b.public_bytes())
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b.public_bytes())
    assert z == a._priv.exchange(ec.ECDH(), peer)


@pytest.mark.parametrize("group", [0x0100, 0x0101])
def test_ffdhe_peer_range(group: int) -> None:
    a = kex.FfdheKeyShare(group)
    p = FFDHE_GROUPS[group]
    n = a.prime_len
    for y in (0, 1, p - 1, p, p + 1, (1 << (8 * n)) - 1):
        with pytest.raises(IllegalKeyShare):
            a.exchange(y.to_bytes(n, "big"))
    # y = 2 is in range (and 2 generates the prime-order subgroup).
    assert len(a.exchange((2).to_bytes(n, "big"))) == n


def test_ffdhe_padding_and_stripping() -> None:
    a = kex.FfdheKeyShare(0x0100)
    p = FFDHE_GROUPS[0x0100]
    # Pick a peer value whose shared secret is z = 2^2000 (leading zero bytes):
    # y = z^(x^-1 mod q), with q = (p-1)/2 the order of the subgroup 2 generates.
    x = a._priv.private_numbers().x
    q = (p - 1) // 2
    z = 1 << 2000
    y = pow(z, pow(x, -1, q), p)
    assert pow(y, x, p) == z
    padded = a.exchange(y.to_bytes(256, "big"))
    assert padded == z.to_bytes(256, "big") and padded[0] == 0
    stripped = a.exchange(y.to_bytes(256, "big"), strip_leading_zeros=True)
    assert stripped == padded.lstrip(b"\x00")
    # TLS 1.2 (stripping) accepts an unpadded peer value; TLS 1.3 does not.
    short_y = y.to_bytes((y.bit_length() + 7) // 8, "big")
    if len(short_y) < 256:
        assert a.exchange(short_y, strip_leading_zeros=True) == stripped
        with pytest.raises(IllegalKeyShare):
            a.exchange(short_y)


def test_ffdhe_public_value_left_padded() -> None:
    for _ in range(3):
        a = kex.FfdheKeyShare(0x0100)
        y = a._priv.public_key().public_numbers().y
        assert a.public_bytes() == y.to_bytes(256, "big")


def test_strip_flag_ignored_for_ec() -> None:
    a, b = kex.X25519KeyShare(), kex.X25519KeyShare()
    assert a.exchange(b.public_bytes(), strip_leading_zeros=True) == a.exchange(b.public_bytes())


# ---------------------------------------------------------------------------
# TLS 1.2 DHE with server parameters
# ---------------------------------------------------------------------------


def test_dhe_with_named_prime() -> None:
    p = FFDHE_GROUPS[0x0100]
    server = kex.FfdheKeyShare(0x0100)
    client = kex.DheKeyShare(p, 2)
    assert client.group == 0x0100
    assert len(client.public_bytes()) == 256
    pms = client.exchange(server.public_bytes())
    assert pms == server.exchange(client.public_bytes(), strip_leading_zeros=True)
    assert pms[:1] != b"\x00"
    pub, fn = kex.dhe_client_share(p, 2)
    assert len(pub) == 256
    assert fn(server.public_bytes()) == server.exchange(pub, strip_leading_zeros=True)


# A 2048-bit safe prime that is not an RFC 7919 group: RFC 3526 group 14
# (MODP 2048, g = 2), as a server's own DHE parameters would be.
MODP_2048 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
    16,
)


def test_dhe_with_custom_group() -> None:
    pn = dh.DHParameterNumbers(MODP_2048, 2)
    server_priv = pn.parameters().generate_private_key()
    client = kex.DheKeyShare(MODP_2048, 2)
    assert client.group == 0
    assert len(client.public_bytes()) == 256  # padded to the prime, as OpenSSL sends it
    ys = server_priv.public_key().public_numbers().y
    ys_bytes = ys.to_bytes((ys.bit_length() + 7) // 8, "big")  # unpadded, as servers send
    pms = client.exchange(ys_bytes)
    yc = dh.DHPublicNumbers(int.from_bytes(client.public_bytes(), "big"), pn).public_key()
    assert pms == server_priv.exchange(yc).lstrip(b"\x00")


def test_dhe_weak_and_malformed_parameters() -> None:
    p2048 = FFDHE_GROUPS[0x0100]
    p1024 = (1 << 1023) + 1  # size only: rejected before use
    with pytest.raises(WeakDhParameters):
        kex.DheKeyShare(p1024, 2)
    with pytest.raises(WeakDhParameters):
        kex.DheKeyShare(p2048, 2, min_bits=3072)
    with pytest.raises(IllegalKeyShare):
        kex.DheKeyShare(p2048 + 1, 2)  # even
    with pytest.raises(IllegalKeyShare):
        kex.DheKeyShare(p2048, 1)
    with pytest.raises(IllegalKeyShare):
        kex.DheKeyShare(p2048, p2048 - 1)
    assert isinstance(WeakDhParameters(), CryptoError)


def test_dhe_peer_range() -> None:
    p = FFDHE_GROUPS[0x0100]
    client = kex.DheKeyShare(p, 2)
    for bad in (b"", b"\x01", (p - 1).to_bytes(256, "big"), b"\x01" + bytes(256)):
        with pytest.raises(IllegalKeyShare):
            client.exchange(bad)


# ---------------------------------------------------------------------------
# RSA key transport
# ---------------------------------------------------------------------------


def test_rsa_premaster() -> None:
    key = rsa.generate_private_key(65537, 2048)
    pms = kex.make_rsa_premaster(os.urandom, 0x0303)
    assert len(pms) == 48 and pms[:2] == b"\x03\x03"
    enc = kex.rsa_encrypt_premaster(key.public_key(), pms)
    assert len(enc) == 256
    assert key.decrypt(enc, padding.PKCS1v15()) == pms
    with pytest.raises(CryptoError):
        kex.rsa_encrypt_premaster(ec.generate_private_key(ec.SECP256R1()).public_key(), pms)  # type: ignore[arg-type]
    with pytest.raises(CryptoError):
        kex.make_rsa_premaster(lambda n: b"short")
