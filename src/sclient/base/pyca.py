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
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Final, Literal

__all__ = ["DEPRECATIONS", "Deprecated", "KeyKind", "allow", "is_private_key", "key_kind"]

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
