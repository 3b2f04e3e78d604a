"""The TLS 1.2 PRF and what is derived with it (RFC 5246 sections 5, 6.3, 7.4.9,
8.1; RFC 7627; RFC 5705), built on HMAC from ``cryptography``.

``hash_name`` is the suite's PRF hash (``"sha256"`` or ``"sha384"``). The
pseudo-name ``"md5-sha1"`` selects the TLS 1.0/1.1 PRF (RFC 4346 section 5:
P_MD5 over the first half of the secret XOR P_SHA1 over the second half).
"""

from __future__ import annotations

from typing import NamedTuple

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import CryptoError

__all__ = [
    "MASTER_SECRET_LEN",
    "VERIFY_DATA_LEN",
    "KeyBlock",
    "export_keying_material12",
    "extended_master_secret",
    "key_block",
    "master_secret",
    "p_hash",
    "prf12",
    "split_key_block",
    "verify_data12",
]

MASTER_SECRET_LEN = 48
VERIFY_DATA_LEN = 12

# RFC 5705 section 4 and OpenSSL's tls1_export_keying_material refuse these.
_RESERVED_EXPORTER_LABELS = frozenset(
    (
        b"client finished",
        b"server finished",
        b"master secret",
        b"extended master secret",
        b"key expansion",
    )
)


def p_hash(hash_name: str, secret: bytes, seed: bytes, length: int) -> bytes:
    """P_hash(secret, seed) truncated to ``length`` (RFC 5246 section 5)."""
    base = hashes.hmac_context(hash_name, secret)
    out: list[bytes] = []
    produced = 0
    a = seed
    while produced < length:
        h = base.copy()
        h.update(a)
        a = h.finalize()  # A(i)
        h = base.copy()
        h.update(a + seed)
        block = h.finalize()
        out.append(block)
        produced += len(block)
    return b"".join(out)[:length]


def prf12(hash_name: str, secret: bytes, label: bytes, seed: bytes, length: int) -> bytes:
    """PRF(secret, label, seed) = P_<hash>(secret, label + seed)."""
    if hash_name == hashes.MD5_SHA1:
        return _prf10(secret, label + seed, length)
    return p_hash(hash_name, secret, label + seed, length)


def _prf10(secret: bytes, seed: bytes, length: int) -> bytes:
    half = (len(secret) + 1) // 2
    s1, s2 = secret[:half], secret[len(secret) - half :]
    a = p_hash("md5", s1, seed, length)
    b = p_hash("sha1", s2, seed, length)
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(length, "big")


def master_secret(
    hash_name: str, premaster: bytes, client_random: bytes, server_random: bytes
) -> bytes:
    """master_secret = PRF(pre_master_secret, "master secret", client_random +
    server_random)[0..47] (RFC 5246 section 8.1)."""
    return prf12(
        hash_name, premaster, b"master secret", client_random + server_random, MASTER_SECRET_LEN
    )


def extended_master_secret(hash_name: str, premaster: bytes, session_hash: bytes) -> bytes:
    """RFC 7627 section 4: PRF(pre_master_secret, "extended master secret",
    session_hash)[0..47]; ``session_hash`` is the transcript hash through
    ClientKeyExchange."""
    return prf12(hash_name, premaster, b"extended master secret", session_hash, MASTER_SECRET_LEN)


def key_block(
    hash_name: str, master: bytes, server_random: bytes, client_random: bytes, length: int
) -> bytes:
    """key_block = PRF(master_secret, "key expansion", server_random +
    client_random) (RFC 5246 section 6.3). Note the argument order: server
    random first, as in the seed."""
    return prf12(hash_name, master, b"key expansion", server_random + client_random, length)


#: The key block cut into its six parts (RFC 5246 section 6.3).
#: (The call form, with the types themselves: the class form's annotations are
#: strings here, which ``NamedTuple`` compiles one by one, and a run's first
#: ``compile()`` costs some 10 M instructions.)
KeyBlock = NamedTuple(  # noqa: UP014
    "KeyBlock",
    [
        ("client_mac_key", bytes),
        ("server_mac_key", bytes),
        ("client_key", bytes),
        ("server_key", bytes),
        ("client_iv", bytes),
        ("server_iv", bytes),
    ],
)


def split_key_block(block: bytes, mac_len: int, key_len: int, iv_len: int) -> KeyBlock:
    """Cut ``block`` (at least ``2 * (mac_len + key_len + iv_len)`` bytes)."""
    need = 2 * (mac_len + key_len + iv_len)
    if len(block) < need:
        raise CryptoError(f"key block too short: {len(block)} < {need}")
    parts: list[bytes] = []
    pos = 0
    for n in (mac_len, mac_len, key_len, key_len, iv_len, iv_len):
        parts.append(block[pos : pos + n])
        pos += n
    return KeyBlock(*parts)


def verify_data12(hash_name: str, master: bytes, label: bytes, handshake_hash: bytes) -> bytes:
    """Finished.verify_data = PRF(master_secret, finished_label,
    Hash(handshake_messages))[0..11]; ``label`` is ``b"client finished"`` or
    ``b"server finished"``. For TLS 1.0/1.1 (``"md5-sha1"``) pass
    MD5(handshake_messages) + SHA1(handshake_messages) as ``handshake_hash``."""
    return prf12(hash_name, master, label, handshake_hash, VERIFY_DATA_LEN)


def export_keying_material12(
    hash_name: str,
    master: bytes,
    client_random: bytes,
    server_random: bytes,
    label: bytes,
    context: bytes | None,
    length: int,
) -> bytes:
    """RFC 5705 exporter: PRF(master_secret, label, client_random +
    server_random [+ context_value_length + context_value])[length].

    ``context=None`` means "no context" (different from an empty context)."""
    if label in _RESERVED_EXPORTER_LABELS:
        raise CryptoError(f"reserved exporter label {label!r}")
    seed = client_random + server_random
    if context is not None:
        if len(context) > 0xFFFF:
            raise CryptoError("exporter context too long")
        seed += len(context).to_bytes(2, "big") + context
    return prf12(hash_name, master, label, seed, length)
