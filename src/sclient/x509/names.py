"""X.509 names: parsing, OpenSSL's comparison/hash, and OpenSSL's renderings.

Rendering follows ``crypto/asn1/a_strex.c`` (``X509_NAME_print_ex``) flag by
flag, so every ``-nameopt`` combination is a flag word (``XN_FLAG_*`` |
``ASN1_STRFLGS_*``). Also here: ``X509_NAME_oneline`` (``compat`` in
``print_name``), ``X509_NAME_print`` (``compat`` through
``X509_NAME_print_ex``), the canonical encoding used by ``X509_NAME_cmp`` and
``X509_NAME_hash_ex`` (CApath file names).

Text results are ``str`` holding the exact output bytes decoded with
``utf-8``/``surrogateescape``: write them with the same error handler to get
OpenSSL's bytes back (the default ``oneline`` output is always ASCII).
"""

from __future__ import annotations

from sclient.base import der
from sclient.base.structs import Struct, field, struct
from sclient.x509 import oids

# --- ASN1_STRFLGS_* (low 16 bits) -------------------------------------------------------------
ASN1_STRFLGS_ESC_2253 = 0x1
ASN1_STRFLGS_ESC_CTRL = 0x2
ASN1_STRFLGS_ESC_MSB = 0x4
ASN1_STRFLGS_ESC_QUOTE = 0x8
ASN1_STRFLGS_UTF8_CONVERT = 0x10
ASN1_STRFLGS_IGNORE_TYPE = 0x20
ASN1_STRFLGS_SHOW_TYPE = 0x40
ASN1_STRFLGS_DUMP_ALL = 0x80
ASN1_STRFLGS_DUMP_UNKNOWN = 0x100
ASN1_STRFLGS_DUMP_DER = 0x200
ASN1_STRFLGS_ESC_2254 = 0x400
ASN1_STRFLGS_RFC2253 = (
    ASN1_STRFLGS_ESC_2253
    | ASN1_STRFLGS_ESC_CTRL
    | ASN1_STRFLGS_ESC_MSB
    | ASN1_STRFLGS_UTF8_CONVERT
    | ASN1_STRFLGS_DUMP_UNKNOWN
    | ASN1_STRFLGS_DUMP_DER
)

# --- XN_FLAG_* ----------------------------------------------------------------------------------
XN_FLAG_SEP_MASK = 0xF << 16
XN_FLAG_COMPAT = 0
XN_FLAG_SEP_COMMA_PLUS = 1 << 16
XN_FLAG_SEP_CPLUS_SPC = 2 << 16
XN_FLAG_SEP_SPLUS_SPC = 3 << 16
XN_FLAG_SEP_MULTILINE = 4 << 16
XN_FLAG_DN_REV = 1 << 20
XN_FLAG_FN_MASK = 0x3 << 21
XN_FLAG_FN_SN = 0
XN_FLAG_FN_LN = 1 << 21
XN_FLAG_FN_OID = 2 << 21
XN_FLAG_FN_NONE = 3 << 21
XN_FLAG_SPC_EQ = 1 << 23
XN_FLAG_DUMP_UNKNOWN_FIELDS = 1 << 24
XN_FLAG_FN_ALIGN = 1 << 25

XN_FLAG_RFC2253 = (
    ASN1_STRFLGS_RFC2253
    | XN_FLAG_SEP_COMMA_PLUS
    | XN_FLAG_DN_REV
    | XN_FLAG_FN_SN
    | XN_FLAG_DUMP_UNKNOWN_FIELDS
)
XN_FLAG_ONELINE = (
    ASN1_STRFLGS_RFC2253
    | ASN1_STRFLGS_ESC_QUOTE
    | XN_FLAG_SEP_CPLUS_SPC
    | XN_FLAG_SPC_EQ
    | XN_FLAG_FN_SN
)
XN_FLAG_MULTILINE = (
    ASN1_STRFLGS_ESC_CTRL
    | ASN1_STRFLGS_ESC_MSB
    | XN_FLAG_SEP_MULTILINE
    | XN_FLAG_SPC_EQ
    | XN_FLAG_FN_LN
    | XN_FLAG_FN_ALIGN
)

#: s_client's name options when no ``-nameopt`` is given.
DEFAULT_NAMEOPT = XN_FLAG_ONELINE

_ESC_FLAGS = (
    ASN1_STRFLGS_ESC_2253
    | ASN1_STRFLGS_ESC_2254
    | ASN1_STRFLGS_ESC_QUOTE
    | ASN1_STRFLGS_ESC_CTRL
    | ASN1_STRFLGS_ESC_MSB
)

# crypto/asn1/charmap.h character classes
_CT_ESC_2253 = 0x1
_CT_ESC_CTRL = 0x2
_CT_NOESC_QUOTE = 0x8
_CT_PSTRING = 0x10
_CT_FIRST_ESC_2253 = 0x20
_CT_LAST_ESC_2253 = 0x40
_CT_ESC_2254 = 0x400
_CT_BS_ESC = ASN1_STRFLGS_ESC_2253 | _CT_FIRST_ESC_2253 | _CT_LAST_ESC_2253


def _char_types() -> list[int]:
    t = []
    for i in range(128):
        v = 0
        if i < 32 or i > 126:
            v |= _CT_ESC_CTRL
        if chr(i).isascii() and chr(i).isalnum():
            v |= _CT_PSTRING
        t.append(v)
    t[ord(" ")] |= _CT_NOESC_QUOTE | _CT_FIRST_ESC_2253 | _CT_LAST_ESC_2253 | _CT_PSTRING
    t[ord("#")] |= _CT_NOESC_QUOTE | _CT_FIRST_ESC_2253
    for c in ",+<>;":
        t[ord(c)] |= _CT_NOESC_QUOTE | _CT_ESC_2253
    t[ord('"')] |= _CT_ESC_2253
    t[ord("\\")] |= _CT_ESC_2253 | _CT_ESC_2254
    for c in "\0()*":
        t[ord(c)] |= _CT_ESC_2254
    for c in "'()+,-./:=?":
        t[ord(c)] |= _CT_PSTRING
    return t


_CHAR_TYPE = _char_types()

# ASN1 universal tag -> bytes per character (-1: not a string type we can print)
_TAG2NBYTE = {
    12: 0,
    18: 1,
    19: 1,
    20: 1,
    21: 1,
    22: 1,
    23: 1,
    24: 1,
    25: 1,
    26: 1,
    27: 1,
    28: 4,
    30: 2,
}

_TAG2STR = [
    "EOC", "BOOLEAN", "INTEGER", "BIT STRING", "OCTET STRING", "NULL", "OBJECT",
    "OBJECT DESCRIPTOR", "EXTERNAL", "REAL", "ENUMERATED", "<ASN1 11>", "UTF8STRING",
    "<ASN1 13>", "<ASN1 14>", "<ASN1 15>", "SEQUENCE", "SET", "NUMERICSTRING",
    "PRINTABLESTRING", "T61STRING", "VIDEOTEXSTRING", "IA5STRING", "UTCTIME",
    "GENERALIZEDTIME", "GRAPHICSTRING", "VISIBLESTRING", "GENERALSTRING",
    "UNIVERSALSTRING", "<ASN1 29>", "BMPSTRING",
]  # fmt: skip

# Value tags an X509_NAME_ENTRY can hold (ASN1_tag2bit(tag) & B_ASN1_PRINTABLE).
_PRINTABLE_TAGS = frozenset({3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30})

# Types converted to lower-cased UTF-8 in the canonical encoding (ASN1_MASK_CANON).
_CANON_TYPES = {der.UTF8STRING & 0x1F, 30, 28, 19, 20, 22, 26}
_SPACE = b" \t\n\v\f\r"


class NameError_(ValueError):
    """A name OpenSSL would refuse to decode (for example invalid UTF-8)."""


class NameEntry(Struct, frozen=True, slots=True):
    """One AttributeTypeAndValue. ``type`` is the value's universal tag number
    (``V_ASN1_*``; SEQUENCE/SET and other non-primitive values keep 16/17/…)."""

    oid: str
    type: int
    value: bytes  # content octets (for constructed values: the whole encoding)
    raw: bytes  # the value's complete DER (what dump_der prints)
    set: int  # index of the RDN this entry belongs to


def _utf8_getc(data: bytes, pos: int) -> tuple[int, int]:
    """OpenSSL's ``UTF8_getc``: (code point, length) or raise on invalid input."""
    n = len(data) - pos
    b0 = data[pos]
    if b0 & 0x80 == 0:
        return b0, 1
    if b0 & 0xE0 == 0xC0:
        if n < 2 or data[pos + 1] & 0xC0 != 0x80:
            raise NameError_("bad utf8")
        v = ((b0 & 0x1F) << 6) | (data[pos + 1] & 0x3F)
        if v < 0x80:
            raise NameError_("bad utf8")
        return v, 2
    if b0 & 0xF0 == 0xE0:
        if n < 3 or data[pos + 1] & 0xC0 != 0x80 or data[pos + 2] & 0xC0 != 0x80:
            raise NameError_("bad utf8")
        v = ((b0 & 0xF) << 12) | ((data[pos + 1] & 0x3F) << 6) | (data[pos + 2] & 0x3F)
        if v < 0x800 or 0xD800 <= v <= 0xDFFF:
            raise NameError_("bad utf8")
        return v, 3
    if b0 & 0xF8 == 0xF0:
        if n < 4 or any(data[pos + i] & 0xC0 != 0x80 for i in (1, 2, 3)):
            raise NameError_("bad utf8")
        v = (
            ((b0 & 0x7) << 18)
            | ((data[pos + 1] & 0x3F) << 12)
            | ((data[pos + 2] & 0x3F) << 6)
            | (data[pos + 3] & 0x3F)
        )
        if v < 0x10000:
            raise NameError_("bad utf8")
        return v, 4
    raise NameError_("bad utf8")


def _utf8_putc(v: int) -> bytes:
    """OpenSSL's ``UTF8_putc``; empty for surrogates and values past U+10FFFF."""
    if v < 0x80:
        return bytes([v])
    if v < 0x800:
        return bytes([0xC0 | (v >> 6), 0x80 | (v & 0x3F)])
    if v < 0x10000:
        if 0xD800 <= v <= 0xDFFF:
            return b""
        return bytes([0xE0 | (v >> 12), 0x80 | ((v >> 6) & 0x3F), 0x80 | (v & 0x3F)])
    if v < 0x110000:
        return bytes(
            [
                0xF0 | (v >> 18),
                0x80 | ((v >> 12) & 0x3F),
                0x80 | ((v >> 6) & 0x3F),
                0x80 | (v & 0x3F),
            ]
        )
    return b""


def _chars(data: bytes, width: int) -> list[int]:
    """Code points of a string of ``width`` bytes per character (0 = UTF-8)."""
    if width == 0:
        out = []
        pos = 0
        while pos < len(data):
            c, n = _utf8_getc(data, pos)
            out.append(c)
            pos += n
        return out
    if width == 1:
        return list(data)
    if len(data) % width:
        raise NameError_("bad string length")
    return [int.from_bytes(data[i : i + width], "big") for i in range(0, len(data), width)]


def to_utf8(entry_type: int, value: bytes) -> bytes:
    """``ASN1_STRING_to_UTF8`` for the string types."""
    width = _TAG2NBYTE.get(entry_type, -1)
    if width < 0:
        raise NameError_("not a string type")
    if width == 0:
        _chars(value, 0)  # validate
        return value
    return b"".join(_utf8_putc(c) for c in _chars(value, width))


def _canon_value(e: NameEntry) -> bytes:
    if e.type not in _CANON_TYPES:
        return e.raw
    s = to_utf8(e.type, e.value)
    # strip leading/trailing ASCII whitespace, collapse runs, lower-case ASCII
    i, j = 0, len(s)
    while i < j and s[i] in _SPACE:
        i += 1
    while j > i and s[j - 1] in _SPACE:
        j -= 1
    out = bytearray()
    k = i
    while k < j:
        c = s[k]
        if c >= 0x80:
            out.append(c)
            k += 1
        elif c in _SPACE:
            out.append(0x20)
            while k < j and s[k] in _SPACE:
                k += 1
        else:
            out.append(c + 32 if 0x41 <= c <= 0x5A else c)
            k += 1
    return der.encode(der.UTF8STRING, bytes(out))


def _oid_der(oid: str) -> bytes:
    arcs = [int(a) for a in oid.split(".")]
    body = bytearray()
    first = arcs[0] * 40 + arcs[1]
    for a in [first, *arcs[2:]]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        body.extend(reversed(chunk))
    return der.encode(der.OID, bytes(body))


@struct(frozen=True)
class Name:
    """A parsed X.509 Name (``X509_NAME``): entries in encoding order."""

    entries: tuple[NameEntry, ...]
    der: bytes
    _canon: list[bytes] = field(default_factory=list, compare=False, repr=False)
    #: ``print_ex`` texts by (flags, indent): a name is printed for every
    #: connection that meets its certificate (the verify callback's lines).
    _printed: dict[tuple[int, int], str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_der(cls, data: bytes) -> Name:
        top = der.parse(data)
        if top.tag != der.SEQUENCE:
            raise der.DERError("Name is not a SEQUENCE")
        entries = []
        for set_index, rdn in enumerate(top.children()):
            if rdn.tag != der.SET:
                raise der.DERError("RDN is not a SET")
            avas = rdn.children()
            if not avas:
                raise der.DERError("empty RDN")
            for ava in avas:
                parts = ava.children()
                if ava.tag != der.SEQUENCE or len(parts) != 2 or parts[0].tag != der.OID:
                    raise der.DERError("bad AttributeTypeAndValue")
                oid = der.decode_oid(parts[0].content)
                v = parts[1]
                # ASN1_PRINTABLE (an MSTRING): universal class, B_ASN1_PRINTABLE tags only
                if v.cls != 0 or v.number not in _PRINTABLE_TAGS:
                    raise NameError_("name entry value type not allowed")
                if v.number == 16:
                    value = v.raw
                elif v.number == 3:
                    if not v.content:
                        raise der.DERError("empty BIT STRING")
                    value = v.content[1:]
                else:
                    value = v.content
                entries.append(NameEntry(oid, v.number, value, v.raw, set_index))
        name = cls(tuple(entries), bytes(data))
        name.canonical()  # OpenSSL fails to decode names it cannot canonicalise
        return name

    def canonical(self) -> bytes:
        """The ``canon_enc`` of ``x509_name_canon``: RDN SETs, values canonicalised,
        concatenated without the outer SEQUENCE (empty for an empty name)."""
        if not self._canon:
            rdns: dict[int, list[bytes]] = {}
            for e in self.entries:
                ava = der.encode(der.SEQUENCE, _oid_der(e.oid) + _canon_value(e))
                rdns.setdefault(e.set, []).append(ava)
            self._canon.append(b"".join(der.encode_set_of(v) for _, v in sorted(rdns.items())))
        return self._canon[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self.canonical() == other.canonical()

    def __hash__(self) -> int:
        return hash(self.canonical())

    def hash(self) -> int:
        """``X509_NAME_hash_ex``: SHA-1 of the canonical encoding, first 4 bytes LE."""
        from sclient.tls.crypto.hashes import digest

        return int.from_bytes(digest("sha1", self.canonical())[:4], "little")

    def hash_old(self) -> int:
        """``X509_NAME_hash_old``: MD5 of the DER encoding, first 4 bytes LE."""
        from sclient.tls.crypto.hashes import digest

        return int.from_bytes(digest("md5", self.der)[:4], "little")

    def __len__(self) -> int:
        return len(self.entries)

    # convenient renderings -----------------------------------------------------------------
    def oneline(self) -> str:
        return print_ex(self, XN_FLAG_ONELINE)

    def __str__(self) -> str:
        return self.oneline()


# --- X509_NAME_print_ex ------------------------------------------------------------------------


def _esc_char(c: int, flags: int, quotes: list[bool] | None, out: bytearray) -> None:
    """``do_esc_char``."""
    if c > 0xFFFFFFFF:
        raise NameError_("char too large")
    if c > 0xFFFF:
        out += b"\\W%08X" % c
        return
    if c > 0xFF:
        out += b"\\U%04X" % c
        return
    if c > 0x7F:
        chflgs = flags & ASN1_STRFLGS_ESC_MSB
    else:
        chflgs = _CHAR_TYPE[c] & flags
    if chflgs & _CT_BS_ESC:
        if chflgs & ASN1_STRFLGS_ESC_QUOTE:
            if quotes is not None:
                quotes[0] = True
            out.append(c)
            return
        out += b"\\"
        out.append(c)
        return
    if chflgs & (ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB | ASN1_STRFLGS_ESC_2254):
        out += b"\\%02X" % c
        return
    if c == 0x5C and flags & _ESC_FLAGS:
        out += b"\\\\"
        return
    out.append(c)


def _do_buf(
    data: bytes, width: int, conv_utf8: bool, flags: int, quotes: list[bool] | None
) -> bytes:
    out = bytearray()
    chars = _chars(data, width)
    n = len(chars)
    for i, c in enumerate(chars):
        orflags = 0
        if flags & ASN1_STRFLGS_ESC_2253:
            if i == n - 1:
                orflags = _CT_LAST_ESC_2253
            elif i == 0:
                orflags = _CT_FIRST_ESC_2253
        if conv_utf8:
            for b in _utf8_putc(c):
                _esc_char(b, flags | orflags, quotes, out)
        else:
            _esc_char(c, flags | orflags, quotes, out)
    return bytes(out)


def _do_print_ex(e: NameEntry, lflags: int, out: bytearray) -> None:
    """``do_print_ex`` for one entry value, appended to ``out`` (raises ``NameError_``
    after writing what OpenSSL writes before it fails)."""
    flags = lflags & _ESC_FLAGS
    typ = e.type
    if lflags & ASN1_STRFLGS_SHOW_TYPE:
        out += (_TAG2STR[typ] if 0 <= typ <= 30 else "(unknown)").encode() + b":"
    if lflags & ASN1_STRFLGS_DUMP_ALL:
        width = -1
    elif lflags & ASN1_STRFLGS_IGNORE_TYPE:
        width = 1
    else:
        width = _TAG2NBYTE.get(typ, -1) if 0 < typ < 31 else -1
        if width == -1 and not lflags & ASN1_STRFLGS_DUMP_UNKNOWN:
            width = 1
    if width == -1:
        body = e.raw if lflags & ASN1_STRFLGS_DUMP_DER else e.value
        out += b"#" + body.hex().upper().encode()
        return
    conv = False
    if lflags & ASN1_STRFLGS_UTF8_CONVERT:
        if width == 0:
            width = 1
        else:
            conv = True
    quotes = [False]
    _do_buf(e.value, width, conv, flags, quotes)
    text = _do_buf(e.value, width, conv, flags, None)
    out += b'"' + text + b'"' if quotes[0] else text


_FN_WIDTH_SN = 10
_FN_WIDTH_LN = 25


def print_ex_bytes(name: Name, flags: int, indent: int = 0) -> bytes:
    """``X509_NAME_print_ex(out, name, indent, flags)`` as bytes.

    A value OpenSSL cannot print (e.g. invalid UTF-8) ends the output where
    OpenSSL stops writing.
    """
    if flags == XN_FLAG_COMPAT:
        return name_print_compat(name, indent)
    indent = max(indent, 0)
    out = bytearray(b" " * indent)
    sep = flags & XN_FLAG_SEP_MASK
    if sep == XN_FLAG_SEP_MULTILINE:
        sep_dn, sep_mv = b"\n", b" + "
    elif sep == XN_FLAG_SEP_COMMA_PLUS:
        sep_dn, sep_mv, indent = b",", b"+", 0
    elif sep == XN_FLAG_SEP_CPLUS_SPC:
        sep_dn, sep_mv, indent = b", ", b" + ", 0
    elif sep == XN_FLAG_SEP_SPLUS_SPC:
        sep_dn, sep_mv, indent = b"; ", b" + ", 0
    else:
        return bytes(out)
    sep_eq = b" = " if flags & XN_FLAG_SPC_EQ else b"="
    fn_opt = flags & XN_FLAG_FN_MASK
    entries = list(reversed(name.entries)) if flags & XN_FLAG_DN_REV else list(name.entries)
    prev = -1
    for e in entries:
        if prev != -1:
            if prev == e.set:
                out += sep_mv
            else:
                out += sep_dn + b" " * indent
        prev = e.set
        is_known = oids.known(e.oid)
        if fn_opt != XN_FLAG_FN_NONE:
            if fn_opt == XN_FLAG_FN_OID or not is_known:
                objbuf, fld_len = e.oid, 0
            elif fn_opt == XN_FLAG_FN_SN:
                objbuf, fld_len = oids.sn(e.oid), _FN_WIDTH_SN
            elif fn_opt == XN_FLAG_FN_LN:
                objbuf, fld_len = oids.ln(e.oid), _FN_WIDTH_LN
            else:  # pragma: no cover - the mask has four values
                objbuf, fld_len = "", 0
            out += objbuf.encode()
            if len(objbuf) < fld_len and flags & XN_FLAG_FN_ALIGN:
                out += b" " * (fld_len - len(objbuf))
            out += sep_eq
        orflags = (
            ASN1_STRFLGS_DUMP_ALL if not is_known and flags & XN_FLAG_DUMP_UNKNOWN_FIELDS else 0
        )
        try:
            _do_print_ex(e, flags | orflags, out)
        except NameError_:
            break
    return bytes(out)


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def print_ex(name: Name, flags: int = DEFAULT_NAMEOPT, indent: int = 0) -> str:
    """``X509_NAME_print_ex`` (what the verify callback and the ``s:``/``i:`` lines use)."""
    printed = name._printed
    text = printed.get((flags, indent))
    if text is None:
        text = printed[flags, indent] = _text(print_ex_bytes(name, flags, indent))
    return text


def print_name(name: Name, flags: int = DEFAULT_NAMEOPT) -> str:
    """apps ``print_name`` without the title: ``subject=``/``issuer=`` values.

    ``compat`` uses ``X509_NAME_oneline``; a multi-line style starts with a
    newline and indents by 4.
    """
    if flags == XN_FLAG_COMPAT:
        return _text(oneline_compat_bytes(name))
    if flags & XN_FLAG_SEP_MASK == XN_FLAG_SEP_MULTILINE:
        return "\n" + _text(print_ex_bytes(name, flags, 4))
    return _text(print_ex_bytes(name, flags, 0))


# --- X509_NAME_oneline / X509_NAME_print (compat) ---------------------------------------------


def oneline_compat_bytes(name: Name) -> bytes:
    """``X509_NAME_oneline(name, NULL, 0)``: ``/C=US/O=Org/CN=x``."""
    out = bytearray()
    prev_set = -1
    for e in name.entries:
        s = oids.sn(e.oid)
        q = e.value
        num = len(q)
        if e.type == 27 and num % 4 == 0:  # GeneralString holding UCS-4
            nz = [False] * 4
            for j, b in enumerate(q):
                if b:
                    nz[j & 3] = True
            doit = [True] * 4 if (nz[0] or nz[1] or nz[2]) else [False, False, False, True]
        else:
            doit = [True] * 4
        out += b"+" if prev_set == e.set else b"/"
        out += s.encode() + b"="
        for j, n in enumerate(q):
            if not doit[j & 3]:
                continue
            if n < 0x20 or n > 0x7E:
                out += b"\\x%02X" % n
            else:
                if n in (0x2F, 0x2B):
                    out += b"\\"
                out.append(n)
        prev_set = e.set
    return bytes(out)


def oneline_compat(name: Name) -> str:
    return _text(oneline_compat_bytes(name))


def name_print_compat(name: Name, indent: int = 0) -> bytes:
    """``X509_NAME_print``: the oneline form with ``/XX=`` boundaries turned into ``, ``."""
    del indent  # X509_NAME_print ignores its "obase" argument
    b = oneline_compat_bytes(name)
    if not b:
        return b""
    s = b[1:] + b"\0"
    out = bytearray()
    c = 0
    i = 0
    while True:
        ch = s[i]
        if (
            ch == 0x2F
            and _isupper(s, i + 1)
            and (_at(s, i + 2) == 0x3D or (_isupper(s, i + 2) and _at(s, i + 3) == 0x3D))
        ) or ch == 0:
            out += s[c:i]
            c = i + 1
            if ch != 0:
                out += b", "
        if ch == 0:
            break
        i += 1
    return bytes(out)


def _at(s: bytes, i: int) -> int:
    return s[i] if i < len(s) else 0


def _isupper(s: bytes, i: int) -> bool:
    return 0x41 <= _at(s, i) <= 0x5A


# --- -nameopt parsing ----------------------------------------------------------------------------

NAMEOPT_TABLE: dict[str, tuple[int, int]] = {
    # name: (flag, mask) as in apps ``set_name_ex``: clear mask, then set/clear flag
    "compat": (XN_FLAG_COMPAT, 0xFFFFFFFF),
    "sep_comma_plus": (XN_FLAG_SEP_COMMA_PLUS, XN_FLAG_SEP_MASK),
    "sep_comma_plus_space": (XN_FLAG_SEP_CPLUS_SPC, XN_FLAG_SEP_MASK),
    "sep_semi_plus_space": (XN_FLAG_SEP_SPLUS_SPC, XN_FLAG_SEP_MASK),
    "sep_multiline": (XN_FLAG_SEP_MULTILINE, XN_FLAG_SEP_MASK),
    "dn_rev": (XN_FLAG_DN_REV, 0),
    "nofname": (XN_FLAG_FN_NONE, XN_FLAG_FN_MASK),
    "sname": (XN_FLAG_FN_SN, XN_FLAG_FN_MASK),
    "lname": (XN_FLAG_FN_LN, XN_FLAG_FN_MASK),
    "align": (XN_FLAG_FN_ALIGN, 0),
    "oid": (XN_FLAG_FN_OID, XN_FLAG_FN_MASK),
    "space_eq": (XN_FLAG_SPC_EQ, 0),
    "dump_unknown": (XN_FLAG_DUMP_UNKNOWN_FIELDS, 0),
    "RFC2253": (XN_FLAG_RFC2253, 0xFFFFFFFF),
    "oneline": (XN_FLAG_ONELINE, 0xFFFFFFFF),
    "multiline": (XN_FLAG_MULTILINE, 0xFFFFFFFF),
    "ca_default": (XN_FLAG_MULTILINE, 0xFFFFFFFF),
    "esc_2253": (ASN1_STRFLGS_ESC_2253, 0),
    "esc_2254": (ASN1_STRFLGS_ESC_2254, 0),
    "esc_ctrl": (ASN1_STRFLGS_ESC_CTRL, 0),
    "esc_msb": (ASN1_STRFLGS_ESC_MSB, 0),
    "use_quote": (ASN1_STRFLGS_ESC_QUOTE, 0),
    "utf8": (ASN1_STRFLGS_UTF8_CONVERT, 0),
    "ignore_type": (ASN1_STRFLGS_IGNORE_TYPE, 0),
    "show_type": (ASN1_STRFLGS_SHOW_TYPE, 0),
    "dump_all": (ASN1_STRFLGS_DUMP_ALL, 0),
    "dump_nostr": (ASN1_STRFLGS_DUMP_UNKNOWN, 0),
    "dump_der": (ASN1_STRFLGS_DUMP_DER, 0),
}


def _parse_list(arg: str) -> list[str] | None:
    """The names of ``X509V3_parse_list``: comma-separated, ``name:value`` keeps the
    name, surrounding whitespace trimmed; ``None`` when an item is empty."""
    out = []
    for seg in arg.split("\r")[0].split("\n")[0].split(","):
        item = seg.split(":", 1)[0].strip(" \t\n\v\f\r")
        if not item:
            return None
        out.append(item)
    return out


def set_name_ex(flags: int, arg: str) -> int:
    """One ``-nameopt`` argument folded into ``flags`` (apps ``set_name_ex``).

    s_client starts from 0 at the first ``-nameopt`` (the default ``oneline``
    applies only when none is given). Raises ``ValueError`` naming the unknown
    option(s); the known ones are still applied, as OpenSSL does before it exits.
    """
    items = _parse_list(arg)
    bad = []
    for item in items or []:
        on = True
        if item[0] == "-":
            on, item = False, item[1:]
        elif item[0] == "+":
            item = item[1:]
        for key, (value, mask) in NAMEOPT_TABLE.items():
            if key.lower() == item.lower():
                flags &= ~mask & 0xFFFFFFFF
                flags = flags | value if on else flags & ~value
                break
        else:
            bad.append(item)
    if flags != XN_FLAG_COMPAT and flags & XN_FLAG_SEP_MASK == 0:
        flags |= XN_FLAG_SEP_CPLUS_SPC
    if bad:
        raise ValueError(", ".join(bad))
    return flags
