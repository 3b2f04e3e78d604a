"""The DER reader and writer every layer uses (certificates, names, CRLs,
session files): bounds-checked, and every failure is :class:`DERError`.

OpenSSL looks at raw encodings in many places (string types of name entries,
time strings, extension payloads, algorithm identifiers), so certificates are
walked here rather than through a higher-level parser.
"""

from __future__ import annotations

from sclient.base.structs import Struct

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


#: ``ASN1_get_object``'s return bits.
GET_OBJECT_CONSTRUCTED = 0x20
GET_OBJECT_ERROR = 0x80
_LONG_MAX = 2**63 - 1


class DERError(ValueError):
    """Malformed DER."""


class TLV(Struct, frozen=True, slots=True):
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


# read() sets a TLV's three slots itself, as TLV(tag, content, raw) would
# through the class's generic __init__ at several times the cost: a chain of
# two certificates is some two hundred TLVs.
_new = object.__new__
_set_tag = TLV.__dict__["tag"].__set__
_set_content = TLV.__dict__["content"].__set__
_set_raw = TLV.__dict__["raw"].__set__


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
    tlv = _new(TLV)
    _set_tag(tlv, tag)
    _set_content(tlv, bytes(data[p:end]))
    _set_raw(tlv, bytes(data[pos:end]))
    return tlv, end


def get_object(buf: bytes, pos: int, omax: int) -> tuple[int, int, int, int, int]:
    """OpenSSL's ``ASN1_get_object``, for the places that must fail the way it
    does (BER as LDAP servers send it; the error OpenSSL names for a bad
    header): (ret, pos after the header, length, tag, class). It reads only
    the header, and never past ``omax`` bytes from ``pos``.

    ``ret`` is ``0x20`` for constructed, ``| 1`` for indefinite length,
    ``| 0x80`` when the length runs past ``omax``; ``0x80`` alone on a bad header."""
    bad = (GET_OBJECT_ERROR, pos, 0, -1, -1)
    omax = min(omax, len(buf) - pos)
    if omax <= 0 or pos >= len(buf):
        return bad
    p = pos
    first = buf[p]
    ret = first & GET_OBJECT_CONSTRUCTED
    xclass = first & 0xC0
    maxleft = omax
    if first & 0x1F == 0x1F:
        p += 1
        maxleft -= 1
        if maxleft == 0:
            return bad
        tag = 0
        while buf[p] & 0x80:
            tag = (tag << 7) | (buf[p] & 0x7F)
            p += 1
            maxleft -= 1
            if maxleft == 0 or tag > (2**31 - 1) >> 7:
                return bad
        tag = (tag << 7) | (buf[p] & 0x7F)
        p += 1
        maxleft -= 1
        if maxleft == 0:
            return bad
    else:
        tag = first & 0x1F
        p += 1
        maxleft -= 1
        if maxleft == 0:
            return bad
    # asn1_get_length
    if maxleft < 1:
        return bad
    maxleft -= 1
    inf = 0
    b = buf[p]
    if b == 0x80:
        inf = 1
        p += 1
        length = 0
    else:
        n = b & 0x7F
        p += 1
        if b & 0x80:
            if maxleft < n + 1:
                return bad
            while n > 0 and buf[p] == 0:
                p += 1
                n -= 1
            if n > 8:
                return bad
            length = int.from_bytes(buf[p : p + n], "big")
            p += n
            if length > _LONG_MAX:
                return bad
        else:
            length = n
    if inf and not ret & GET_OBJECT_CONSTRUCTED:
        return bad
    if length > omax - (p - pos):
        ret |= GET_OBJECT_ERROR
    return ret | inf, p, length, tag, xclass


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
