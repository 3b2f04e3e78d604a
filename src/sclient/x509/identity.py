"""Peer identity checks: ``X509_check_host``, ``X509_check_email``, ``X509_check_ip``
and the text-to-address parser ``a2i_ipadd`` (OpenSSL 3.0 ``crypto/x509/v3_utl.c``).

Pure functions over a parsed :class:`~sclient.x509.cert.Certificate`. Each
``check_*`` returns OpenSSL's value: 1 match, 0 no match, negative on a
malformed certificate name (``ASN1_STRING_to_UTF8`` failure); the verifier
treats anything ``<= 0`` as a mismatch (errors 62/63/64, verify.md §3 step 5).

Matching rules (verify.md §5), with s_client's host flags (0):

* DNS: the dNSName SANs, or -- only when the certificate has no dNSName SAN --
  every subject commonName; ASCII case-insensitive; a ``*`` is honoured only
  in a pattern whose first label is not IDNA (``xn--``), at the start or end
  of that label, with at least two more labels after it; it matches one or
  more letters, digits or hyphens of a single label (a full-label wildcard
  does match an IDNA label of the reference, a partial one does not). A
  reference name starting with ``.`` matches any subdomain of it. Trailing
  dots are not special: ``example.com.`` does not match ``example.com``.
* Email: rfc822Name SANs (and SmtpUTF8Mailbox otherNames), else the subject
  emailAddress entries; the part after the last ``@`` is compared
  case-insensitively, the local part byte for byte.
* IP: iPAddress SANs only, a byte comparison of the 4 or 16 address bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sclient.base import der
from sclient.x509.cert import OID_SAN, Certificate
from sclient.x509.names import NameError_, to_utf8
from sclient.x509.oids import OID_COMMON_NAME, OID_EMAIL_ADDRESS

# X509_CHECK_FLAG_* (include/openssl/x509v3.h)
ALWAYS_CHECK_SUBJECT = 0x1
NO_WILDCARDS = 0x2
NO_PARTIAL_WILDCARDS = 0x4
MULTI_LABEL_WILDCARDS = 0x8
SINGLE_LABEL_SUBDOMAINS = 0x10
NEVER_CHECK_SUBJECT = 0x20
_DOT_SUBDOMAINS = 0x8000  # internal

GEN_OTHERNAME = 0
GEN_EMAIL = 1
GEN_DNS = 2
GEN_IPADD = 7

_OID_SMTP_UTF8_MAILBOX = "1.3.6.1.5.5.7.8.9"

_V_ASN1_UTF8STRING = 12
_V_ASN1_IA5STRING = 22
_V_ASN1_OCTET_STRING = 4

_Equal = Callable[[bytes, bytes, int], bool]


def _lower(c: int) -> int:
    return c + 32 if 0x41 <= c <= 0x5A else c


def _skip_prefix(pattern: bytes, subject_len: int, flags: int) -> bytes:
    if not flags & _DOT_SUBDOMAINS:
        return pattern
    p = pattern
    while len(p) > subject_len and p[0] != 0:
        if flags & SINGLE_LABEL_SUBDOMAINS and p[0] == 0x2E:
            break
        p = p[1:]
    return p if len(p) == subject_len else pattern


def _equal_nocase(pattern: bytes, subject: bytes, flags: int) -> bool:
    pattern = _skip_prefix(pattern, len(subject), flags)
    if len(pattern) != len(subject):
        return False
    for a, b in zip(pattern, subject, strict=True):
        if a == 0:
            return False
        if a != b and _lower(a) != _lower(b):
            return False
    return True


def _equal_case(pattern: bytes, subject: bytes, flags: int) -> bool:
    pattern = _skip_prefix(pattern, len(subject), flags)
    return pattern == subject


def _equal_email(a: bytes, b: bytes, flags: int) -> bool:
    if len(a) != len(b):
        return False
    i = len(a)
    while i > 0:
        i -= 1
        if a[i] == 0x40 or b[i] == 0x40:  # '@'
            if not _equal_nocase(a[i:], b[i:], 0):
                return False
            break
    if i == 0:
        i = len(a)
    return _equal_case(a[:i], b[:i], 0)


def _is_ldh(c: int, allow_dot: bool) -> bool:
    return (
        0x30 <= c <= 0x39
        or 0x41 <= c <= 0x5A
        or 0x61 <= c <= 0x7A
        or c == 0x2D
        or (allow_dot and c == 0x2E)
    )


def _wildcard_match(prefix: bytes, suffix: bytes, subject: bytes, flags: int) -> bool:
    if len(subject) < len(prefix) + len(suffix):
        return False
    if not _equal_nocase(prefix, subject[: len(prefix)], flags):
        return False
    start, end = len(prefix), len(subject) - len(suffix)
    if not _equal_nocase(subject[end:], suffix, flags):
        return False
    allow_multi = allow_idna = False
    if not prefix and suffix[:1] == b".":
        if start == end:
            return False
        allow_idna = True
        if flags & MULTI_LABEL_WILDCARDS:
            allow_multi = True
    if not allow_idna and len(subject) >= 4 and subject[:4].lower() == b"xn--":
        return False
    if end == start + 1 and subject[start] == 0x2A:  # a literal '*'
        return True
    return all(_is_ldh(c, allow_multi) for c in subject[start:end])


_LABEL_START, _LABEL_HYPHEN, _LABEL_IDNA = 1, 4, 8


def _valid_star(p: bytes, flags: int) -> int | None:
    """Index of the one acceptable ``*`` of a DNS pattern, or None."""
    star: int | None = None
    state = _LABEL_START
    dots = 0
    n = len(p)
    for i, c in enumerate(p):
        if c == 0x2A:
            atstart = bool(state & _LABEL_START)
            atend = i == n - 1 or p[i + 1] == 0x2E
            if star is not None or state & _LABEL_IDNA or dots:
                return None
            if flags & NO_PARTIAL_WILDCARDS and (not atstart or not atend):
                return None
            if not atstart and not atend:
                return None
            star = i
            state &= ~_LABEL_START
        elif _is_ldh(c, False) and c != 0x2D:
            if state & _LABEL_START and n - i >= 4 and p[i : i + 4].lower() == b"xn--":
                state |= _LABEL_IDNA
            state &= ~(_LABEL_HYPHEN | _LABEL_START)
        elif c == 0x2E:
            if state & (_LABEL_HYPHEN | _LABEL_START):
                return None
            state = _LABEL_START
            dots += 1
        elif c == 0x2D:
            if state & _LABEL_START:
                return None
            state |= _LABEL_HYPHEN
        else:
            return None
    if state & (_LABEL_START | _LABEL_HYPHEN) or dots < 2:
        return None
    return star


def _equal_wildcard(pattern: bytes, subject: bytes, flags: int) -> bool:
    star = None
    if not (len(subject) > 1 and subject[0] == 0x2E):
        star = _valid_star(pattern, flags)
    if star is None:
        return _equal_nocase(pattern, subject, flags)
    return _wildcard_match(pattern[:star], pattern[star + 1 :], subject, flags)


def _strndup(data: bytes) -> str:
    cut = data.find(b"\0")
    return (data if cut < 0 else data[:cut]).decode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------------------------
# Subject alternative names


def general_names(cert: Certificate) -> list[tuple[int, int, bytes, str]] | None:
    """The SAN entries as ``(GEN_* type, string type, value, otherName OID)``, or
    None when ``X509_get_ext_d2i`` gives nothing (absent, repeated or undecodable)."""
    ext, _crit = cert.get_ext(OID_SAN)
    if ext is None:
        return None
    try:
        top = der.parse(ext.value, allow_trailing=False)
        if top.tag != der.SEQUENCE:
            return None
        out: list[tuple[int, int, bytes, str]] = []
        for g in top.children():
            kind = g.tag & 0x1F
            if g.tag & 0xC0 != 0x80:
                return None
            if kind == GEN_OTHERNAME:
                parts = g.children()
                if len(parts) != 2 or parts[0].tag != der.OID or parts[1].tag != 0xA0:
                    return None
                oid = der.decode_oid(parts[0].content)
                inner = parts[1].children()
                if len(inner) != 1:
                    return None
                out.append((kind, inner[0].tag, inner[0].content, oid))
            elif kind in (GEN_EMAIL, GEN_DNS, 6):
                out.append((kind, _V_ASN1_IA5STRING, g.content, ""))
            elif kind == GEN_IPADD:
                out.append((kind, _V_ASN1_OCTET_STRING, g.content, ""))
            elif kind <= 8:
                out.append((kind, 0, g.content, ""))
            else:
                return None
        return out
    except (der.DERError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------------------------
# do_x509_check


def _do_check_string(
    value: bytes, vtype: int, cmp_type: int, eq: _Equal, flags: int, chk: bytes
) -> tuple[int, str | None]:
    if not value:
        return 0, None
    if cmp_type > 0:
        if cmp_type != vtype:
            return 0, None
        if cmp_type == _V_ASN1_IA5STRING:
            rv = bool(eq(value, chk, flags))
        else:
            rv = value == chk
        return (1, _strndup(value)) if rv else (0, None)
    try:
        s = to_utf8(vtype, value)
    except NameError_:
        return -1, None
    if eq(s, chk, flags):
        return 1, _strndup(s)
    return 0, None


def _do_x509_check(
    cert: Certificate, chk: bytes, flags: int, check_type: int
) -> tuple[int, str | None]:
    flags &= ~_DOT_SUBDOMAINS
    cn_oid: str | None
    equal: _Equal
    if check_type == GEN_EMAIL:
        cn_oid, alt_type, equal = OID_EMAIL_ADDRESS, _V_ASN1_IA5STRING, _equal_email
    elif check_type == GEN_DNS:
        cn_oid, alt_type = OID_COMMON_NAME, _V_ASN1_IA5STRING
        if len(chk) > 1 and chk[:1] == b".":
            flags |= _DOT_SUBDOMAINS
        equal = _equal_nocase if flags & NO_WILDCARDS else _equal_wildcard
    else:
        cn_oid, alt_type, equal = None, _V_ASN1_OCTET_STRING, _equal_case

    gens = general_names(cert)
    if gens is not None:
        san_present = False
        rv, peer = 0, None
        for kind, vtype, value, oid in gens:
            if kind == GEN_OTHERNAME:
                if (
                    oid != _OID_SMTP_UTF8_MAILBOX
                    or check_type != GEN_EMAIL
                    or vtype != _V_ASN1_UTF8STRING
                ):
                    continue
                alt_type = 0  # sticky for the following entries, as in OpenSSL
            elif kind != check_type:
                continue
            san_present = True
            rv, peer = _do_check_string(value, vtype, alt_type, equal, flags, chk)
            if rv != 0:
                break
        if rv != 0:
            return rv, peer
        if san_present and not flags & ALWAYS_CHECK_SUBJECT:
            return 0, None

    if cn_oid is None or flags & NEVER_CHECK_SUBJECT:
        return 0, None
    for e in cert.subject.entries:
        if e.oid != cn_oid:
            continue
        rv, peer = _do_check_string(e.value, e.type, -1, equal, flags, chk)
        if rv != 0:
            return rv, peer
    return 0, None


def _chk_bytes(chk: str | bytes) -> bytes | None:
    """Reference name as OpenSSL takes it: embedded NULs refused, a final NUL dropped."""
    b = chk.encode("utf-8", "surrogateescape") if isinstance(chk, str) else chk
    if b"\0" in (b[:-1] if len(b) > 1 else b):
        return None
    if len(b) > 1 and b.endswith(b"\0"):
        b = b[:-1]
    return b


def check_host(cert: Certificate, name: str | bytes, flags: int = 0) -> tuple[int, str | None]:
    """``X509_check_host``: (result, peername) -- peername is the certificate's
    name that matched (what s_client prints as ``Verified peername:``)."""
    chk = _chk_bytes(name)
    if chk is None:
        return -2, None
    return _do_x509_check(cert, chk, flags, GEN_DNS)


def check_email(cert: Certificate, email: str | bytes, flags: int = 0) -> int:
    """``X509_check_email``."""
    chk = _chk_bytes(email)
    if chk is None:
        return -2
    return _do_x509_check(cert, chk, flags, GEN_EMAIL)[0]


def check_ip(cert: Certificate, address: bytes, flags: int = 0) -> int:
    """``X509_check_ip`` with the binary address (4 or 16 bytes)."""
    return _do_x509_check(cert, address, flags, GEN_IPADD)[0]


# --------------------------------------------------------------------------------------------
# a2i_ipadd

_V4 = re.compile(r"\s*([+-]?\d+)\.\s*([+-]?\d+)\.\s*([+-]?\d+)\.\s*([+-]?\d+)")


def _c_int(text: str) -> int | None:
    """``%d`` of sscanf (saturating like glibc's strtol to int)."""
    v = int(text)
    if v > 2**31 - 1 or v < -(2**31):
        return None
    return v


def _ipv4(text: str) -> bytes | None:
    m = _V4.match(text)
    if m is None:
        return None
    vals = [_c_int(g) for g in m.groups()]
    if any(v is None or not 0 <= v <= 255 for v in vals):
        return None
    rest = text[m.end() :]
    if rest and not rest[0].isspace():
        return None
    return bytes(v for v in vals if v is not None)


def _ipv6(text: str) -> bytes | None:
    tmp = bytearray()
    zero_pos = -1
    zero_cnt = 0
    elems = text.split(":")
    for k, elem in enumerate(elems):
        if len(tmp) == 16:
            return None
        if not elem:
            if zero_pos == -1:
                zero_pos = len(tmp)
            elif zero_pos != len(tmp):
                return None
            zero_cnt += 1
        elif len(elem) > 4:
            if len(tmp) > 12 or k != len(elems) - 1:
                return None
            v4 = _ipv4(elem)
            if v4 is None:
                return None
            tmp += v4
        else:
            try:
                if any(c not in "0123456789abcdefABCDEF" for c in elem):
                    return None
                tmp += int(elem, 16).to_bytes(2, "big")
            except ValueError:
                return None
    total = len(tmp)
    if zero_pos == -1:
        if total != 16:
            return None
        return bytes(tmp)
    if total == 16 or zero_cnt > 3:
        return None
    if zero_cnt == 3:
        if total > 0:
            return None
    elif zero_cnt == 2:
        if zero_pos not in (0, total):
            return None
    elif zero_pos in (0, total):
        return None
    return bytes(tmp[:zero_pos]) + bytes(16 - total) + bytes(tmp[zero_pos:])


def parse_ip(text: str) -> bytes | None:
    """``a2i_ipadd``: the 4 or 16 address bytes, or None when OpenSSL refuses the text
    (then ``-verify_ip`` makes s_client exit 1 without a message)."""
    if "\0" in text:
        text = text.split("\0", 1)[0]
    if ":" in text:
        return _ipv6(text)
    return _ipv4(text)
