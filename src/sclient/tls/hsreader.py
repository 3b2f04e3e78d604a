"""Handshake message reassembly: the layer between records and messages.

The record layer hands over handshake-type payloads record by record; a
handshake message may span several records and a record may hold several
messages (or end inside a 4-byte header). :class:`HandshakeReader` joins and
splits them. It knows nothing of states: the client asks it for the next
header (to check the type and the announced length as soon as OpenSSL
would, before the body arrives), then for the whole message.

DTLS replaces this reader with one that also reorders fragments by
message_seq and fragment_offset; the client's questions stay the same.
"""

from __future__ import annotations

__all__ = ["HEADER_LEN", "HandshakeReader"]

#: msg_type (1) + length (3).
HEADER_LEN = 4


class HandshakeReader:
    """Buffers handshake bytes and returns whole messages (header included)."""

    __slots__ = ("_buf", "_checked")

    def __init__(self) -> None:
        self._buf = bytearray()
        #: The header of the message at the front was checked (announced once).
        self._checked = False

    def feed(self, payload: bytes) -> None:
        self._buf += payload

    @property
    def buffered(self) -> int:
        """Handshake bytes held that are not yet a returned message."""
        return len(self._buf)

    @property
    def inside_header(self) -> bool:
        """Some bytes of a message header, not all four, are held."""
        return 0 < len(self._buf) < HEADER_LEN

    def header(self) -> tuple[int, int] | None:
        """(msg_type, body length) of the message at the front, once its four
        header bytes are here; None before."""
        buf = self._buf
        if len(buf) < HEADER_LEN:
            return None
        return buf[0], (buf[1] << 16) | (buf[2] << 8) | buf[3]

    @property
    def header_checked(self) -> bool:
        """:meth:`mark_checked` was called for the message at the front."""
        return self._checked

    def mark_checked(self) -> None:
        self._checked = True

    def take(self) -> bytes | None:
        """The whole message at the front (header and body), removed; None
        while its body is incomplete."""
        head = self.header()
        if head is None:
            return None
        end = HEADER_LEN + head[1]
        if len(self._buf) < end:
            return None
        raw = bytes(self._buf[:end])
        del self._buf[:end]
        self._checked = False
        return raw
