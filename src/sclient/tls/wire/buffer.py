"""Bounds-checked readers and writers for TLS presentation-language data.

:class:`Reader` walks a byte string with a cursor; every read checks the
bounds and raises :class:`~sclient.tls.errors.DecodeError` (the only exception
untrusted bytes can cause). Length-prefixed blocks are read with
:meth:`Reader.block`, which returns a sub-reader limited to the block; the
caller ends with :meth:`Reader.done`, which rejects trailing bytes.

:class:`Writer` appends to a ``bytearray``; :meth:`Writer.vec` writes a
length-prefixed opaque vector and checks that the length fits its prefix.
"""

from __future__ import annotations

from sclient.tls.errors import DecodeError

__all__ = ["Reader", "Writer", "vec"]

_MAX = {1: 0xFF, 2: 0xFFFF, 3: 0xFFFFFF}


class Reader:
    """A cursor over ``data[pos:end]``."""

    __slots__ = ("_data", "_end", "_pos")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self._data = data
        self._pos = pos
        self._end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        return self._end - self._pos

    def _need(self, n: int) -> int:
        p = self._pos
        if self._end - p < n:
            raise DecodeError(f"need {n} bytes, have {self._end - p}")
        self._pos = p + n
        return p

    def u8(self) -> int:
        p = self._pos
        if self._end - p < 1:
            self._need(1)
        self._pos = p + 1
        return self._data[p]

    def u16(self) -> int:
        p = self._pos
        if self._end - p < 2:
            self._need(2)
        self._pos = p + 2
        d = self._data
        return (d[p] << 8) | d[p + 1]

    def u24(self) -> int:
        p = self._need(3)
        d = self._data
        return (d[p] << 16) | (d[p + 1] << 8) | d[p + 2]

    def u32(self) -> int:
        p = self._need(4)
        return int.from_bytes(self._data[p : p + 4], "big")

    def read(self, n: int) -> bytes:
        p = self._pos
        if self._end - p < n:
            self._need(n)
        self._pos = p + n
        return bytes(self._data[p : p + n])

    def rest(self) -> bytes:
        """All remaining bytes."""
        p = self._pos
        self._pos = self._end
        return bytes(self._data[p : self._end])

    def vec(self, width: int, min_len: int = 0, max_len: int | None = None) -> bytes:
        """An opaque vector with a ``width``-byte length prefix."""
        n = self._length(width)
        if n < min_len or (max_len is not None and n > max_len):
            raise DecodeError(f"vector length {n} outside [{min_len}, {max_len}]")
        return self.read(n)

    def block(self, width: int, min_len: int = 0) -> Reader:
        """A sub-reader over a ``width``-byte length-prefixed block."""
        n = self._length(width)
        if n < min_len:
            raise DecodeError(f"block length {n} below {min_len}")
        p = self._need(n)
        return Reader(self._data, p, p + n)

    def _length(self, width: int) -> int:
        if width == 2:
            return self.u16()
        if width == 1:
            return self.u8()
        return self.u24()

    def done(self) -> None:
        """Raise unless every byte was consumed."""
        if self._pos != self._end:
            raise DecodeError(f"{self._end - self._pos} trailing bytes")


class Writer:
    """An append-only output buffer."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    def u8(self, v: int) -> Writer:
        self.buf.append(v)
        return self

    def u16(self, v: int) -> Writer:
        self.buf += v.to_bytes(2, "big")
        return self

    def u24(self, v: int) -> Writer:
        self.buf += v.to_bytes(3, "big")
        return self

    def u32(self, v: int) -> Writer:
        self.buf += v.to_bytes(4, "big")
        return self

    def raw(self, data: bytes) -> Writer:
        self.buf += data
        return self

    def vec(self, width: int, data: bytes) -> Writer:
        self.buf += vec(width, data)
        return self

    def getvalue(self) -> bytes:
        return bytes(self.buf)


def vec(width: int, data: bytes) -> bytes:
    """``data`` with a ``width``-byte big-endian length prefix."""
    n = len(data)
    if n > _MAX[width]:
        raise ValueError(f"{n} bytes do not fit a {width}-byte length")
    return n.to_bytes(width, "big") + data
