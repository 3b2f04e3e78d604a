"""Living with ``cryptography``'s deprecations.

TLS still meets what ``cryptography`` deprecates: DSA certificates and keys
(OpenSSL 3.0 handles them), finite-field Diffie-Hellman (DHE suites and the
ffdhe groups, offered by ``openssl s_client`` by default) and certificates
whose serial is zero or negative (OpenSSL accepts them). sclient uses them the
way OpenSSL does, and a user must never see Python's warning text in the middle
of s_client's output. Two rules keep it so:

- Key types are told apart by :func:`key_kind`, which never touches a
  deprecated module attribute (``dsa.DSAPublicKey`` warns on mere access).
- A call that genuinely needs a deprecated primitive runs inside
  :func:`allow`, which silences exactly that warning's category and message
  for that call and nothing else, so that any other warning (ours included)
  still shows.

Two entry points spare a connection the import of ``cryptography``'s OpenSSL
backend object (its bindings, their ``threading``: some 20 million
instructions at start-up), which ``ec.ECDSA(...)`` and
``X25519PrivateKey.generate()`` load only to ask whether FIPS mode (or
deterministic ECDSA) is available: :func:`ecdsa` and :func:`x25519_generate`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final, Literal, TypeGuard

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    from cryptography.hazmat.primitives.hashes import HashAlgorithm

__all__ = [
    "DEPRECATIONS",
    "Deprecated",
    "KeyKind",
    "allow",
    "ecdsa",
    "is_private_key",
    "is_rsa_public_key",
    "key_kind",
    "x25519_generate",
    "x25519_public_key",
]

KeyKind = Literal["rsa", "ec", "dsa", "dh", "ed25519", "ed448", "x25519", "x448"]
Deprecated = Literal["dsa", "ffdh", "serial"]

# The start of each message, as a regular expression matched at the start
# (warnings' filter rule); the category is always CryptographyDeprecationWarning.
DEPRECATIONS: Final[dict[Deprecated, str]] = {
    "dsa": r"DSA is deprecated",
    "ffdh": r"Diffie-Hellman over finite fields",
    "serial": r"Parsed a serial number which wasn't positive",
}

# cryptography's key classes live in modules named after the algorithm
# (cryptography.hazmat.bindings._rust.openssl.dsa.DSAPublicKey, ...).
_KINDS: Final[dict[str, KeyKind]] = {
    "rsa": "rsa",
    "ec": "ec",
    "dsa": "dsa",
    "dh": "dh",
    "ed25519": "ed25519",
    "ed448": "ed448",
    "x25519": "x25519",
    "x448": "x448",
}


def key_kind(key: object) -> KeyKind | None:
    """The algorithm of a ``cryptography`` public or private key, or None.

    Read from the key's class (module and name), never from the deprecated
    abstract classes, so that it is silent for every kind.
    """
    cls = type(key)
    if not cls.__module__.startswith("cryptography."):
        return None
    if not cls.__name__.endswith(("PublicKey", "PrivateKey")):
        return None
    return _KINDS.get(cls.__module__.rsplit(".", 1)[-1])


def is_private_key(key: object) -> bool:
    """Whether ``key`` is a ``cryptography`` private key (of any kind)."""
    return key_kind(key) is not None and type(key).__name__.endswith("PrivateKey")


def is_rsa_public_key(key: object) -> TypeGuard[rsa.RSAPublicKey]:
    """``isinstance(key, rsa.RSAPublicKey)``, with RSA's module (and the
    ``random`` module it pulls) imported only for an RSA key."""
    if key_kind(key) != "rsa":
        return False
    from cryptography.hazmat.primitives.asymmetric import rsa

    return isinstance(key, rsa.RSAPublicKey)


@contextlib.contextmanager
def allow(*what: Deprecated) -> Iterator[None]:
    """Run the block with exactly the named deprecation warnings silenced."""
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        for name in what:
            warnings.filterwarnings(
                "ignore", message=DEPRECATIONS[name], category=CryptographyDeprecationWarning
            )
        yield


#: The :class:`ec.ECDSA` subclass :func:`ecdsa` makes (on first use).
_ECDSA: list[Any] = []


def ecdsa(algorithm: HashAlgorithm | Prehashed) -> ec.ECDSA:
    """``ec.ECDSA(algorithm)`` (randomized signatures): the same signature
    algorithm to ``sign`` and ``verify``, which read only its ``algorithm`` and
    ``deterministic_signing``, made without ``ECDSA.__init__`` (which imports
    the OpenSSL backend to check deterministic signing, never asked for here)."""
    if not _ECDSA:
        from cryptography.hazmat.primitives.asymmetric import ec

        class _Ecdsa(ec.ECDSA):
            __slots__ = ("_alg",)

            def __init__(self, algorithm: HashAlgorithm | Prehashed) -> None:
                self._alg = algorithm

            @property
            def algorithm(self) -> HashAlgorithm | Prehashed:
                return self._alg

            @property
            def deterministic_signing(self) -> bool:
                return False

        _ECDSA.append(_Ecdsa)
    made: ec.ECDSA = _ECDSA[0](algorithm)
    return made


def _x25519_bindings() -> Any:
    """cryptography's X25519 functions, or None in FIPS mode (where the public
    calls fail with their own error) or when the bindings lack them."""
    from cryptography.hazmat.bindings._rust import openssl as rust

    x = getattr(rust, "x25519", None)
    return None if x is None or rust.is_fips_enabled() else x


def x25519_generate() -> x25519.X25519PrivateKey:
    """``X25519PrivateKey.generate()``, its FIPS check asked of the bindings
    rather than of the OpenSSL backend object."""
    x = _x25519_bindings()
    if x is None:
        from cryptography.hazmat.primitives.asymmetric import x25519

        return x25519.X25519PrivateKey.generate()
    key: x25519.X25519PrivateKey = x.generate_key()
    return key


def x25519_public_key(raw: bytes) -> x25519.X25519PublicKey:
    """``X25519PublicKey.from_public_bytes(raw)``, as :func:`x25519_generate`."""
    x = _x25519_bindings()
    if x is None:
        from cryptography.hazmat.primitives.asymmetric import x25519

        return x25519.X25519PublicKey.from_public_bytes(raw)
    key: x25519.X25519PublicKey = x.from_public_bytes(raw)
    return key
