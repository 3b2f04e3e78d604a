"""SSL 3.0 (RFC 6101): the key derivation, the Finished and CertificateVerify
hashes, and the record MAC and padding, built on MD5 and SHA-1 from
``cryptography`` (:mod:`sclient.tls.crypto.hashes`).

* master_secret = MD5(pre || SHA1("A" || pre || ClientHello.random ||
  ServerHello.random)) || MD5(pre || SHA1("BB" || ...)) || MD5(pre ||
  SHA1("CCC" || ...)) (section 6.1); the key block is the same construction
  over the master secret with the randoms in the other order (section 6.2.2).
* Finished: MD5(master || pad2 || MD5(handshake || Sender || master || pad1))
  || the same with SHA-1 (section 5.6.9); CertificateVerify hashes the same
  way with no Sender (section 5.6.8).
* The record MAC: hash(MAC_secret || pad2 || hash(MAC_secret || pad1 ||
  seq_num || type || length || content)) (section 5.2.3.1), pad1 being 0x36
  and pad2 0x5c repeated 48 times for MD5 and 40 times for SHA-1.
* CBC padding: any bytes, then their count; only the count is checked, and
  it must be less than the block size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import CryptoError
from sclient.tls.crypto.protection import MAC_PARAMS, Tls12Cbc
from sclient.tls.registry.protocol import SSL3

if TYPE_CHECKING:
    from collections.abc import Callable

    from cryptography.utils import Buffer

__all__ = [
    "CLIENT_SENDER",
    "SERVER_SENDER",
    "Ssl3Cbc",
    "certificate_verify_hashes",
    "finished",
    "key_block",
    "mac",
    "master_secret",
]

#: Sender of the Finished message (section 5.6.9).
CLIENT_SENDER = b"CLNT"
SERVER_SENDER = b"SRVR"

#: (pad1, pad2) of each hash: 48 bytes for MD5, 40 for SHA-1.
_PADS = {
    "md5": (b"\x36" * 48, b"\x5c" * 48),
    "sha1": (b"\x36" * 40, b"\x5c" * 40),
}


def _salted(secret: bytes, seed: bytes, length: int) -> bytes:
    """MD5(secret || SHA1(label_i || secret || seed)) for labels "A", "BB",
    "CCC", ... concatenated and cut to ``length``."""
    out = bytearray()
    i = 0
    while len(out) < length:
        i += 1
        if i > 26:
            raise CryptoError("SSL 3.0 key derivation is limited to 26 rounds")
        inner = hashes.digest("sha1", bytes((0x40 + i,)) * i + secret + seed)
        out += hashes.digest("md5", secret + inner)
    return bytes(out[:length])


def master_secret(premaster: bytes, client_random: bytes, server_random: bytes) -> bytes:
    """The 48-byte master secret (section 6.1)."""
    return _salted(premaster, client_random + server_random, 48)


def key_block(master: bytes, server_random: bytes, client_random: bytes, length: int) -> bytes:
    """``length`` bytes of key material (section 6.2.2)."""
    return _salted(master, server_random + client_random, length)


def _outer(hash_name: str, master: bytes, handshake: bytes, sender: bytes) -> bytes:
    pad1, pad2 = _PADS[hash_name]
    inner = hashes.digest(hash_name, handshake + sender + master + pad1)
    return hashes.digest(hash_name, master + pad2 + inner)


def finished(master: bytes, handshake: bytes, sender: bytes) -> bytes:
    """The 36 bytes of a Finished message: MD5 part, then SHA-1 part."""
    return _outer("md5", master, handshake, sender) + _outer("sha1", master, handshake, sender)


def certificate_verify_hashes(master: bytes, handshake: bytes) -> bytes:
    """What a CertificateVerify signs: the MD5 and SHA-1 hashes (36 bytes;
    an RSA key signs them all, a DSA or ECDSA key the SHA-1 part)."""
    return finished(master, handshake, b"")


def mac(hash_name: str, secret: bytes, seq: int, content_type: int, content: Buffer) -> bytes:
    """The record MAC (section 5.2.3.1)."""
    pad1, pad2 = _PADS[hash_name]
    data = bytes(memoryview(content))
    head = seq.to_bytes(8, "big") + bytes((content_type,)) + len(data).to_bytes(2, "big")
    inner = hashes.digest(hash_name, secret + pad1 + head + data)
    return hashes.digest(hash_name, secret + pad2 + inner)


class Ssl3Cbc(Tls12Cbc):
    """CBC record protection of SSL 3.0: :class:`Tls12Cbc`'s chained IVs
    (as TLS 1.0), with SSL 3.0's MAC and padding. The padding sent is zeros
    and the count (as OpenSSL writes it); received, only the count is
    checked."""

    __slots__ = ("_secret",)

    def __init__(
        self,
        enc_key: bytes,
        mac_key: bytes,
        mac_hash: str,
        rng: Callable[[int], bytes],
        iv: bytes,
        cipher_name: str,
    ) -> None:
        if mac_hash not in ("sha1",) or MAC_PARAMS.get(mac_hash) != len(mac_key):
            raise CryptoError(f"SSL 3.0 MAC with {mac_hash!r} and a {len(mac_key)}-byte key")
        super().__init__(enc_key, mac_key, mac_hash, False, rng, SSL3, iv, cipher_name)
        self._secret = bytes(mac_key)

    def _mac_of(self, seq: int, content_type: int, version: int, *parts: Buffer) -> bytes:
        del version  # SSL 3.0's MAC does not cover the version
        data = b"".join(bytes(memoryview(p)) for p in parts)
        return mac(self.mac_hash, self._secret, seq, content_type, data)

    @staticmethod
    def _padding(n: int) -> bytes:
        pad = 15 - n % 16
        return bytes(pad) + bytes((pad,))

    @staticmethod
    def _pad_ok(data: memoryview, min_keep: int) -> tuple[bool, int]:
        pad = data[-1]
        if pad >= 16 or pad + 1 + min_keep > len(data):
            return False, 0
        return True, pad
