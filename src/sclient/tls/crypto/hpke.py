"""HPKE (RFC 9180), base mode, sender side: what Encrypted Client Hello needs.

``cryptography``'s own ``hazmat.primitives.hpke`` seals one message at a time
and returns ``enc`` glued to the ciphertext; ECH needs ``enc`` before sealing
(it is part of the ClientHelloOuterAAD) and a context that seals a second
message after a HelloRetryRequest. So the key schedule is assembled here from
``cryptography``'s primitives (X25519 / P-256 key agreement, HMAC, the AEADs);
the tests check the result against ``cryptography``'s HPKE opener.

KEMs: DHKEM(X25519, HKDF-SHA256) and DHKEM(P-256, HKDF-SHA256). KDFs:
HKDF-SHA256/384/512. AEADs: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import CryptoError, IllegalKeyShare

__all__ = [
    "AEADS",
    "KDFS",
    "KEMS",
    "SenderContext",
    "setup_base_sender",
    "suite_supported",
]

KEM_P256 = 0x0010
KEM_X25519 = 0x0020
#: kem_id -> (name, the KEM's own hash, Nsecret, Npk)
KEMS: dict[int, tuple[str, str, int, int]] = {
    KEM_P256: ("DHKEM(P-256, HKDF-SHA256)", "sha256", 32, 65),
    KEM_X25519: ("DHKEM(X25519, HKDF-SHA256)", "sha256", 32, 32),
}
#: kdf_id -> (name, hash)
KDFS: dict[int, tuple[str, str]] = {
    0x0001: ("HKDF-SHA256", "sha256"),
    0x0002: ("HKDF-SHA384", "sha384"),
    0x0003: ("HKDF-SHA512", "sha512"),
}
#: aead_id -> (name, Nk, Nn)
AEADS: dict[int, tuple[str, int, int]] = {
    0x0001: ("AES-128-GCM", 16, 12),
    0x0002: ("AES-256-GCM", 32, 12),
    0x0003: ("ChaCha20Poly1305", 32, 12),
}

_V1 = b"HPKE-v1"


def suite_supported(kem_id: int, kdf_id: int, aead_id: int) -> bool:
    return kem_id in KEMS and kdf_id in KDFS and aead_id in AEADS


def _extract(hash_name: str, salt: bytes, ikm: bytes) -> bytes:
    return hashes.hmac(hash_name, salt or bytes(hashes.hash_len(hash_name)), ikm)


def _expand(hash_name: str, prk: bytes, info: bytes, length: int) -> bytes:
    out = b""
    t = b""
    i = 1
    while len(out) < length:
        t = hashes.hmac(hash_name, prk, t + info + bytes((i,)))
        out += t
        i += 1
    return out[:length]


def _labeled_extract(
    hash_name: str, suite_id: bytes, salt: bytes, label: bytes, ikm: bytes
) -> bytes:
    return _extract(hash_name, salt, _V1 + suite_id + label + ikm)


def _labeled_expand(
    hash_name: str, suite_id: bytes, prk: bytes, label: bytes, info: bytes, length: int
) -> bytes:
    head = length.to_bytes(2, "big") + _V1 + suite_id + label
    return _expand(hash_name, prk, head + info, length)


#: An ephemeral key maker (tests inject fixed keys): kem_id -> (private, public bytes).
EphemeralMaker = Callable[[int], tuple[object, bytes]]


def _ephemeral(kem_id: int) -> tuple[object, bytes]:
    if kem_id == KEM_X25519:
        sk = x25519.X25519PrivateKey.generate()
        return sk, sk.public_key().public_bytes_raw()
    sk2 = ec.generate_private_key(ec.SECP256R1())
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return sk2, sk2.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _dh(kem_id: int, sk: object, pk_r: bytes) -> bytes:
    try:
        if kem_id == KEM_X25519:
            assert isinstance(sk, x25519.X25519PrivateKey)
            return sk.exchange(x25519.X25519PublicKey.from_public_bytes(pk_r))
        assert isinstance(sk, ec.EllipticCurvePrivateKey)
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), pk_r)
        return sk.exchange(ec.ECDH(), peer)
    except ValueError as e:
        raise IllegalKeyShare(f"HPKE public key: {e}") from None


class SenderContext:
    """An HPKE sender context: ``seal`` encrypts message after message."""

    __slots__ = ("_aead", "_base_nonce", "_seq", "enc")

    def __init__(self, enc: bytes, aead_id: int, key: bytes, base_nonce: bytes) -> None:
        self.enc = enc
        self._aead: AESGCM | ChaCha20Poly1305 = (
            ChaCha20Poly1305(key) if aead_id == 0x0003 else AESGCM(key)
        )
        self._base_nonce = base_nonce
        self._seq = 0

    def seal(self, aad: bytes, plaintext: bytes) -> bytes:
        n = len(self._base_nonce)
        nonce = bytes(
            a ^ b for a, b in zip(self._base_nonce, self._seq.to_bytes(n, "big"), strict=True)
        )
        self._seq += 1
        return self._aead.encrypt(nonce, plaintext, aad)


def setup_base_sender(
    kem_id: int,
    kdf_id: int,
    aead_id: int,
    pk_r: bytes,
    info: bytes,
    ephemeral: EphemeralMaker | None = None,
) -> SenderContext:
    """SetupBaseS(pkR, info): encapsulate to ``pk_r`` and derive the context."""
    if not suite_supported(kem_id, kdf_id, aead_id):
        raise CryptoError(f"HPKE suite {kem_id:#06x}/{kdf_id:#06x}/{aead_id:#06x} not supported")
    _, kem_hash, n_secret, n_pk = KEMS[kem_id]
    if len(pk_r) != n_pk:
        raise IllegalKeyShare("HPKE public key: wrong length")
    sk_e, enc = (ephemeral or _ephemeral)(kem_id)
    dh = _dh(kem_id, sk_e, pk_r)
    kem_suite = b"KEM" + kem_id.to_bytes(2, "big")
    eae_prk = _labeled_extract(kem_hash, kem_suite, b"", b"eae_prk", dh)
    shared = _labeled_expand(kem_hash, kem_suite, eae_prk, b"shared_secret", enc + pk_r, n_secret)

    _, h = KDFS[kdf_id]
    _, nk, nn = AEADS[aead_id]
    suite_id = (
        b"HPKE" + kem_id.to_bytes(2, "big") + kdf_id.to_bytes(2, "big") + aead_id.to_bytes(2, "big")
    )
    psk_id_hash = _labeled_extract(h, suite_id, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(h, suite_id, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = _labeled_extract(h, suite_id, shared, b"secret", b"")
    key = _labeled_expand(h, suite_id, secret, b"key", context, nk)
    base_nonce = _labeled_expand(h, suite_id, secret, b"base_nonce", context, nn)
    return SenderContext(enc, aead_id, key, base_nonce)
