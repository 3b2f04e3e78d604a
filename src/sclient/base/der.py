"""The DER reader and writer every layer uses (certificates, names, CRLs,
session files): bounds-checked, and every failure is :class:`DERError`.

OpenSSL looks at raw encodings in many places (string types of name entries,
time strings, extension payloads, algorithm identifiers), so certificates are
walked here rather than through a higher-level parser.
"""

from __future__ import annotations

from sclient.base.structs import struct

# Universal tags.
BOOLEAN = 0x01
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
ENUMERATED = 0x0A
UTF8STRING = 0x0C
SEQUENCE = 0x30
SET = 0x31
PRINTABLESTRING = 0x13
T61STRING = 0x14
IA5STRING = 0x16
UTCTIME = 0x17
GENERALIZEDTIME = 0x18
BMPSTRING = 0x1E
UNIVERSALSTRING = 0x1C


class DERError(ValueError):
    """Malformed DER."""


@struct(frozen=True, slots=True)
class TLV:
    """One element: ``tag`` is the identifier octet (class+constructed+number < 31)."""

    tag: int
    content: bytes
    raw: bytes  # the whole encoding, tag and length included

    @property
    def number(self) -> int:
        return self.tag & 0x1F

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    @property
    def cls(self) -> int:
        return self.tag >> 6

    def children(self) -> list[TLV]:
        return read_all(self.content)


def read(data: bytes, pos: int = 0) -> tuple[TLV, int]:
    """Read one TLV at ``pos``; return it and the position after it."""
    n = len(data)
    if pos >= n:
        raise DERError("truncated: no tag")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DERError("high tag numbers are not supported")
    p = pos + 1
    if p >= n:
        raise DERError("truncated: no length")
    first = data[p]
    p += 1
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise DERError("indefinite length")
    else:
        k = first & 0x7F
        if k > 4 or p + k > n:
            raise DERError("bad length")
        length = int.from_bytes(data[p : p + k], "big")
        p += k
    end = p + length
    if end > n:
        raise DERError("truncated content")
    return TLV(tag, bytes(data[p:end]), bytes(data[pos:end])), end


def read_all(data: bytes) -> list[TLV]:
    out = []
    pos = 0
    while pos < len(data):
        t, pos = read(data, pos)
        out.append(t)
    return out


def parse(data: bytes, *, allow_trailing: bool = False) -> TLV:
    t, end = read(data, 0)
    if end != len(data) and not allow_trailing:
        raise DERError("trailing data")
    return t


def decode_oid(content: bytes) -> str:
    if not content:
        raise DERError("empty OID")
    arcs: list[int] = []
    val = 0
    for i, b in enumerate(content):
        val = (val << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(val)
            val = 0
        elif i == len(content) - 1:
            raise DERError("truncated OID")
    first = arcs[0]
    if first < 40:
        head = [0, first]
    elif first < 80:
        head = [1, first - 40]
    else:
        head = [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def decode_int(content: bytes) -> int:
    if not content:
        raise DERError("empty INTEGER")
    return int.from_bytes(content, "big", signed=True)


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + encode_length(len(content)) + content


def encode_int(value: int) -> bytes:
    """An INTEGER element: the shortest two's-complement content."""
    content = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return encode(INTEGER, content)


def encode_set_of(elements: list[bytes]) -> bytes:
    """DER SET OF: elements sorted by their encodings (as OpenSSL's i2d does)."""
    return encode(SET, b"".join(sorted(elements)))
