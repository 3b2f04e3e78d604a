"""Exceptions raised by the cryptographic adapter layer.

The engine maps these to alerts; nothing here knows about alerts. Every class
derives from :class:`CryptoError`, so ``except CryptoError`` catches them all.
"""

from __future__ import annotations

__all__ = [
    "BadRecordMac",
    "BadSignature",
    "CryptoError",
    "EmptyInnerPlaintext",
    "IllegalKeyShare",
    "RecordOverflow",
    "SchemeMismatch",
    "UnsupportedAlgorithm",
    "WeakDhParameters",
]


class CryptoError(Exception):
    """Base class of every error raised by :mod:`sclient.tls.crypto`."""


class BadRecordMac(CryptoError):
    """A protected record failed authentication, or its CBC padding was bad
    (``bad_record_mac``)."""


class RecordOverflow(CryptoError):
    """A record's ciphertext or plaintext exceeded the protocol limit
    (``record_overflow``)."""


class EmptyInnerPlaintext(CryptoError):
    """A TLS 1.3 record decrypted to an all-zero TLSInnerPlaintext: there is no
    content type (RFC 8446 section 5.4: ``unexpected_message``)."""


class BadSignature(CryptoError):
    """A signature did not verify (``decrypt_error``), or the scheme does not
    fit the key or the protocol version (see :class:`SchemeMismatch`)."""


class SchemeMismatch(BadSignature):
    """The signature scheme is unknown, forbidden for the protocol version, or
    does not match the key's type or curve (often ``illegal_parameter``)."""


class IllegalKeyShare(CryptoError):
    """A peer's key share or DH public value is malformed or invalid
    (``illegal_parameter``)."""


class WeakDhParameters(CryptoError):
    """The server's finite-field DH group is smaller than the configured minimum
    (OpenSSL: ``dh key too small``)."""


class UnsupportedAlgorithm(CryptoError, ValueError):
    """An unknown hash, cipher, group or scheme name or code point was asked for."""
