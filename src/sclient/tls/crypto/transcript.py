"""The handshake transcript (RFC 8446 section 4.4.1, RFC 5246 section 7.4.9).

The client sends its ClientHello before it knows the cipher suite, so the
transcript keeps the raw handshake messages until :meth:`Transcript.set_hash`
names the hash; from then on it also keeps a running hash context, and
:meth:`Transcript.digest` finalizes a copy of it. Digests under any other hash
(TLS 1.2 CertificateVerify may use another one) are computed from the raw
messages, which are always kept (TLS 1.2 ``handshake_messages``).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes as _h

from sclient.tls.crypto import hashes
from sclient.tls.crypto.errors import CryptoError

__all__ = ["MESSAGE_HASH", "Transcript", "message_hash"]

#: HandshakeType message_hash (RFC 8446 section 4.4.1).
MESSAGE_HASH = 254
_CLIENT_HELLO = 1


def message_hash(hash_name: str, client_hello1: bytes) -> bytes:
    """The synthetic ``message_hash`` handshake message that replaces
    ClientHello1 after a HelloRetryRequest:
    ``254 || 00 00 Hash.length || Hash(ClientHello1)``."""
    h = hashes.digest(hash_name, client_hello1)
    return bytes((MESSAGE_HASH, 0, 0, len(h))) + h


class _Running:
    """A running hash: one context, or two for the md5-sha1 pseudo-hash."""

    __slots__ = ("_ctxs",)

    def __init__(self, name: str) -> None:
        if name == hashes.MD5_SHA1:
            self._ctxs: tuple[_h.Hash, ...] = (hashes.new_hash("md5"), hashes.new_hash("sha1"))
        else:
            self._ctxs = (hashes.new_hash(name),)

    def update(self, data: bytes) -> None:
        for c in self._ctxs:
            c.update(data)

    def peek(self) -> bytes:
        if len(self._ctxs) == 1:
            return self._ctxs[0].copy().finalize()
        return b"".join(c.copy().finalize() for c in self._ctxs)

    def copy(self) -> _Running:
        other = _Running.__new__(_Running)
        other._ctxs = tuple(c.copy() for c in self._ctxs)
        return other

    def peek_with(self, extra: bytes) -> bytes:
        out = []
        for c in self._ctxs:
            cc = c.copy()
            cc.update(extra)
            out.append(cc.finalize())
        return b"".join(out)


class Transcript:
    """Handshake messages (each with its 4-byte handshake header) in order."""

    __slots__ = ("_hash_name", "_messages", "_rewritten", "_running")

    def __init__(self) -> None:
        self._messages: list[bytes] = []
        self._hash_name: str | None = None
        self._running: _Running | None = None
        self._rewritten = False

    def fork(self) -> Transcript:
        """An independent copy (TLS 1.3 post-handshake authentication starts
        every exchange from the transcript as it stood after our Finished)."""
        other = Transcript()
        other._messages = list(self._messages)
        other._hash_name = self._hash_name
        other._running = self._running.copy() if self._running is not None else None
        other._rewritten = self._rewritten
        return other

    @property
    def hash_name(self) -> str | None:
        """The hash named by :meth:`set_hash`, or ``None`` before that."""
        return self._hash_name

    @property
    def messages(self) -> list[bytes]:
        """The raw messages (a copy of the list; after :meth:`rewrite_for_hrr`
        the first one is the synthetic ``message_hash``)."""
        return list(self._messages)

    def raw(self) -> bytes:
        """All messages concatenated (TLS 1.2 ``handshake_messages``)."""
        return b"".join(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def update(self, msg: bytes) -> None:
        """Append one complete handshake message (header included)."""
        msg = bytes(msg)
        self._messages.append(msg)
        if self._running is not None:
            self._running.update(msg)

    def set_hash(self, hash_name: str) -> None:
        """Fix the transcript hash (once the cipher suite is known). Setting
        the same name again is a no-op; another name raises ``CryptoError``."""
        if self._hash_name is not None:
            if hash_name != self._hash_name:
                raise CryptoError(
                    f"transcript hash already set to {self._hash_name}, not {hash_name}"
                )
            return
        hashes.hash_len(hash_name)  # validates the name
        running = _Running(hash_name)
        for m in self._messages:
            running.update(m)
        self._hash_name = hash_name
        self._running = running

    def digest(self, hash_name: str | None = None) -> bytes:
        """Hash of the transcript so far. ``hash_name`` defaults to the one set
        by :meth:`set_hash`; a different name is computed from the raw
        messages."""
        if hash_name is None or hash_name == self._hash_name:
            if self._running is None:
                raise CryptoError("transcript hash not set")
            return self._running.peek()
        return hashes.digest(hash_name, b"".join(self._messages))

    def digest_with(self, hash_name: str, extra: bytes) -> bytes:
        """Hash of the transcript followed by ``extra``, without recording
        ``extra`` (PSK binders hash a truncated ClientHello)."""
        if hash_name == self._hash_name and self._running is not None:
            return self._running.peek_with(extra)
        return hashes.digest(hash_name, b"".join((*self._messages, extra)))

    def rewrite_for_hrr(self, hash_name: str) -> None:
        """Replace ClientHello1 by ``message_hash`` (RFC 8446 section 4.4.1) and
        fix the hash to ``hash_name`` (the suite the HelloRetryRequest chose).

        Call it when the HelloRetryRequest arrives, before or after recording
        the HelloRetryRequest itself: any messages after ClientHello1 are kept.
        """
        if self._rewritten:
            raise CryptoError("transcript already rewritten for a HelloRetryRequest")
        if not self._messages or self._messages[0][:1] != bytes((_CLIENT_HELLO,)):
            raise CryptoError("transcript does not start with a ClientHello")
        if self._hash_name is not None and self._hash_name != hash_name:
            raise CryptoError(f"transcript hash already set to {self._hash_name}, not {hash_name}")
        self._messages[0] = message_hash(hash_name, self._messages[0])
        self._rewritten = True
        self._hash_name = None
        self._running = None
        self.set_hash(hash_name)
