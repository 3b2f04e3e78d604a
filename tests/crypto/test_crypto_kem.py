"""ML-KEM and ECDHE-MLKEM hybrid key shares (draft-ietf-tls-mlkem,
draft-ietf-tls-ecdhe-mlkem): sizes, the order of the halves, bounds checks.

The server side is played here with ``cryptography`` directly: it splits our
share by the draft's layout, encapsulates and runs the ECDH half, and builds
its share and the expected secret in the draft's order. A share built in the
wrong order fails to parse here or yields another secret.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519

from sclient.tls.crypto import kex
from sclient.tls.crypto.errors import IllegalKeyShare, UnsupportedAlgorithm

#: group -> (client share bytes, server share bytes), as seen on the wire with OpenSSL 3.5.
SIZES = {
    kex.X25519MLKEM768: (1216, 1120),
    kex.SECP256R1MLKEM768: (1249, 1153),
    kex.SECP384R1MLKEM1024: (1665, 1665),
    kex.MLKEM768: (1184, 1088),
    kex.MLKEM1024: (1568, 1568),
}


def _encapsulate(params: int, ek: bytes) -> tuple[bytes, bytes]:
    if params == 768:
        return mlkem.MLKEM768PublicKey.from_public_bytes(ek).encapsulate()
    return mlkem.MLKEM1024PublicKey.from_public_bytes(ek).encapsulate()


def _ecdh_server(curve: ec.EllipticCurve, client_point: bytes) -> tuple[bytes, bytes]:
    priv = ec.generate_private_key(curve)
    peer = ec.EllipticCurvePublicKey.from_encoded_point(curve, client_point)
    n = priv.public_key().public_numbers()
    size = (curve.key_size + 7) // 8
    point = b"\x04" + n.x.to_bytes(size, "big") + n.y.to_bytes(size, "big")
    return point, priv.exchange(ec.ECDH(), peer)


def server_side(group: int, share: bytes) -> tuple[bytes, bytes]:
    """(server key_exchange, shared secret) per the drafts."""
    if group in (kex.MLKEM768, kex.MLKEM1024):
        ss, ct = _encapsulate(768 if group == kex.MLKEM768 else 1024, share)
        return ct, ss
    if group == kex.X25519MLKEM768:  # ML-KEM half first, in shares and secret
        ek, xpub = share[:1184], share[1184:]
        ss, ct = _encapsulate(768, ek)
        priv = x25519.X25519PrivateKey.generate()
        xs = priv.exchange(x25519.X25519PublicKey.from_public_bytes(xpub))
        return ct + priv.public_key().public_bytes_raw(), ss + xs
    # The NIST-curve hybrids: the ECDH half first.
    curve, plen, params = (
        (ec.SECP256R1(), 65, 768) if group == kex.SECP256R1MLKEM768 else (ec.SECP384R1(), 97, 1024)
    )
    point, ek = share[:plen], share[plen:]
    ss, ct = _encapsulate(params, ek)
    spoint, es = _ecdh_server(curve, point)
    return spoint + ct, es + ss


@pytest.mark.parametrize("group", sorted(SIZES), ids=lambda g: kex.GROUP_NAMES[g])
def test_share_sizes_and_secret(group: int) -> None:
    share = kex.generate_key_share(group)
    pub = share.public_bytes()
    assert len(pub) == SIZES[group][0]
    server_share, secret = server_side(group, pub)
    assert len(server_share) == SIZES[group][1]
    assert share.exchange(server_share) == secret


@pytest.mark.parametrize("group", sorted(SIZES), ids=lambda g: kex.GROUP_NAMES[g])
@pytest.mark.parametrize("delta", [-1, 1])
def test_wrong_length_server_share_is_refused(group: int, delta: int) -> None:
    share = kex.generate_key_share(group)
    server_share, _ = server_side(group, share.public_bytes())
    bad = server_share[:-1] if delta < 0 else server_share + b"\x00"
    with pytest.raises(IllegalKeyShare):
        share.exchange(bad)
    with pytest.raises(IllegalKeyShare):
        share.exchange(b"")


def test_hybrid_with_a_bad_ecdh_half_is_refused() -> None:
    share = kex.generate_key_share(kex.SECP256R1MLKEM768)
    server_share, _ = server_side(kex.SECP256R1MLKEM768, share.public_bytes())
    bad = b"\x04" + b"\x00" * 64 + server_share[65:]  # not a point on P-256
    with pytest.raises(IllegalKeyShare):
        share.exchange(bad)
    share = kex.generate_key_share(kex.X25519MLKEM768)
    server_share, _ = server_side(kex.X25519MLKEM768, share.public_bytes())
    with pytest.raises(IllegalKeyShare):  # a low-order X25519 point: all-zero secret
        share.exchange(server_share[:1088] + bytes(32))


def test_mlkem512_is_not_offered() -> None:
    assert kex.MLKEM512 not in kex.SUPPORTED_GROUPS
    with pytest.raises(UnsupportedAlgorithm):
        kex.generate_key_share(kex.MLKEM512)
