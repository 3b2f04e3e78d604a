"""Hash functions and HMAC by name, all from ``cryptography``.

Names are lower case: ``"sha256"``, ``"sha384"``, ``"sha512"``, ``"sha224"``,
``"sha1"``, ``"md5"``. The pseudo-hash ``"md5-sha1"`` (the MD5 digest followed
by the SHA-1 digest, 36 bytes) is what TLS 1.0/1.1 use for Finished and for the
RSA signature input; :func:`digest` and :func:`hash_len` accept it, HMAC does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes as _h
from cryptography.hazmat.primitives import hmac as _hmac

from sclient.tls.crypto.errors import UnsupportedAlgorithm

try:
    # What ``hmac.compare_digest`` (and cryptography's ``bytes_eq``) is, without
    # the ``hmac`` module, which loads the system's libcrypto for ``hashlib``.
    from _operator import _compare_digest as _equal
except ImportError:  # another Python implementation
    from hmac import compare_digest as _equal  # type: ignore[no-redef]

if TYPE_CHECKING:
    from cryptography.utils import Buffer  # (cryptography >= 45; only for the type checker)

__all__ = [
    "HASHES",
    "MD5_SHA1",
    "algorithm",
    "digest",
    "equal",
    "hash_len",
    "hmac",
    "hmac_context",
    "new_hash",
]

#: Name of the concatenated MD5 || SHA-1 pseudo-hash of TLS 1.0/1.1.
MD5_SHA1 = "md5-sha1"

HASHES: dict[str, type[_h.HashAlgorithm]] = {
    "sha256": _h.SHA256,
    "sha384": _h.SHA384,
    "sha512": _h.SHA512,
    "sha1": _h.SHA1,
    "md5": _h.MD5,
    "sha224": _h.SHA224,
}

# One shared (stateless) algorithm instance per name.
_ALGS: dict[str, _h.HashAlgorithm] = {name: cls() for name, cls in HASHES.items()}
_LENS: dict[str, int] = {name: alg.digest_size for name, alg in _ALGS.items()}
_LENS[MD5_SHA1] = 36


def algorithm(name: str) -> _h.HashAlgorithm:
    """The ``cryptography`` algorithm instance for ``name``."""
    try:
        return _ALGS[name]
    except KeyError:
        raise UnsupportedAlgorithm(f"unknown hash {name!r}") from None


def hash_len(name: str) -> int:
    """Digest length in bytes."""
    try:
        return _LENS[name]
    except KeyError:
        raise UnsupportedAlgorithm(f"unknown hash {name!r}") from None


def new_hash(name: str) -> _h.Hash:
    """A fresh running hash context."""
    return _h.Hash(algorithm(name))


def digest(name: str, data: Buffer) -> bytes:
    """One-shot digest of ``data``."""
    if name == MD5_SHA1:
        return digest("md5", data) + digest("sha1", data)
    h = _h.Hash(algorithm(name))
    h.update(data)
    return h.finalize()


def hmac_context(name: str, key: Buffer) -> _hmac.HMAC:
    """A keyed HMAC context; ``.copy()`` it to MAC many messages under one key
    without repeating the key setup."""
    return _hmac.HMAC(key, algorithm(name))


def hmac(name: str, key: Buffer, data: Buffer) -> bytes:
    """One-shot HMAC of ``data`` under ``key``."""
    h = _hmac.HMAC(key, algorithm(name))
    h.update(data)
    return h.finalize()


def equal(a: bytes, b: bytes) -> bool:
    """Whether ``a == b``, in time that does not depend on where they differ
    (MACs, Finished, padding)."""
    return bool(_equal(a, b))
