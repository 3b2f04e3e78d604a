"""Name constraints as OpenSSL 3.0 checks them (``crypto/x509/v3_ncons.c``).

:func:`check` is ``NAME_CONSTRAINTS_check`` (the subject DN, its emailAddress
attributes and every subjectAltName against one CA's constraints),
:func:`check_cn` is ``NAME_CONSTRAINTS_check_CN`` (a leaf's host-name-like
commonNames against DNS constraints) and :func:`proxy_name_error` the RFC 3820
proxy subject rule. Each returns an ``X509_V_*`` code (0 when obeyed).

The GeneralName and NameConstraints decoders here are also what decides whether
OpenSSL can decode a certificate's subjectAltName / nameConstraints extension
(a failure marks the certificate ``EXFLAG_INVALID``).
"""

from __future__ import annotations

from sclient.base import der
from sclient.base.structs import Struct
from sclient.x509.names import Name, NameError_, to_utf8
from sclient.x509.oids import OID_COMMON_NAME, OID_EMAIL_ADDRESS

# GEN_* (GeneralName CHOICE numbers)
GEN_OTHERNAME = 0
GEN_EMAIL = 1
GEN_DNS = 2
GEN_X400 = 3
GEN_DIRNAME = 4
GEN_EDIPARTY = 5
GEN_URI = 6
GEN_IPADD = 7
GEN_RID = 8

OID_SMTP_UTF8_MAILBOX = "1.3.6.1.5.5.7.8.9"

# X509_V_* results (numbers and strings in :mod:`sclient.x509.errors`)
OK = 0
UNSPECIFIED = 1
OUT_OF_MEM = 17
PERMITTED_VIOLATION = 47
EXCLUDED_VIOLATION = 48
SUBTREE_MINMAX = 49
UNSUPPORTED_CONSTRAINT_TYPE = 51
UNSUPPORTED_CONSTRAINT_SYNTAX = 52
UNSUPPORTED_NAME_SYNTAX = 53
PROXY_SUBJECT_NAME_VIOLATION = 72

#: NAME_CHECK_MAX: names x constraints above this is refused as too expensive
NAME_CHECK_MAX = 1 << 20

_IA5 = 22
_UTF8 = 12


class GeneralName(Struct, frozen=True, slots=True):
    """One GeneralName. ``value`` holds the string/octets for email, DNS, URI and
    iPAddress; ``name`` the directoryName; ``other_type``/``other_tag``/``value``
    the otherName's type-id, inner value tag and content."""

    type: int
    value: bytes = b""
    name: Name | None = None
    other_type: str = ""
    other_tag: int = 0


class Subtree(Struct, frozen=True, slots=True):
    base: GeneralName
    minimum: int | None  # None: absent
    maximum: int | None


class NameConstraints(Struct, frozen=True, slots=True):
    permitted: tuple[Subtree, ...]
    excluded: tuple[Subtree, ...]


# --------------------------------------------------------------------------------------------
# Decoding


def _general_name(t: der.TLV) -> GeneralName:
    cls, num = t.tag >> 6, t.tag & 0x1F
    if cls != 2:
        raise der.DERError("GeneralName must be context-tagged")
    if num in (GEN_EMAIL, GEN_DNS, GEN_URI, GEN_IPADD, GEN_RID):
        if t.constructed:
            raise der.DERError("GeneralName: primitive expected")
        if num == GEN_RID:
            der.decode_oid(t.content)
        return GeneralName(num, t.content)
    if not t.constructed:
        raise der.DERError("GeneralName: constructed expected")
    kids = t.children()
    if num == GEN_OTHERNAME:
        if len(kids) != 2 or kids[0].tag != der.OID or kids[1].tag != 0xA0:
            raise der.DERError("otherName")
        inner = kids[1].children()
        if len(inner) != 1:
            raise der.DERError("otherName value")
        return GeneralName(
            num,
            inner[0].content,
            other_type=der.decode_oid(kids[0].content),
            other_tag=inner[0].tag,
        )
    if num == GEN_DIRNAME:
        if len(kids) != 1:
            raise der.DERError("directoryName")
        return GeneralName(num, name=Name.from_der(kids[0].raw))
    if num in (GEN_X400, GEN_EDIPARTY):
        return GeneralName(num, t.content)
    raise der.DERError("GeneralName: unknown choice")


def decode_general_names(value: bytes) -> tuple[GeneralName, ...]:
    """GeneralNames (a subjectAltName extension value); raises :class:`der.DERError`."""
    try:
        t = der.parse(value)
        if t.tag != der.SEQUENCE:
            raise der.DERError("GeneralNames")
        return tuple(_general_name(k) for k in t.children())
    except NameError_ as e:
        raise der.DERError(str(e)) from e


def _subtrees(t: der.TLV) -> tuple[Subtree, ...]:
    out = []
    for s in t.children():
        kids = s.children()
        if s.tag != der.SEQUENCE or not kids:
            raise der.DERError("GeneralSubtree")
        base = _general_name(kids[0])
        lo = hi = None
        rest = kids[1:]
        if rest and rest[0].tag == 0x80:
            lo = der.decode_int(rest[0].content)
            rest = rest[1:]
        if rest and rest[0].tag == 0x81:
            hi = der.decode_int(rest[0].content)
            rest = rest[1:]
        if rest:
            raise der.DERError("GeneralSubtree member")
        out.append(Subtree(base, lo, hi))
    return tuple(out)


def decode_name_constraints(value: bytes) -> NameConstraints:
    """A nameConstraints extension value; raises :class:`der.DERError`."""
    try:
        t = der.parse(value)
        if t.tag != der.SEQUENCE:
            raise der.DERError("NameConstraints")
        permitted: tuple[Subtree, ...] = ()
        excluded: tuple[Subtree, ...] = ()
        kids = t.children()
        if kids and kids[0].tag == 0xA0:
            permitted = _subtrees(kids[0])
            kids = kids[1:]
        if kids and kids[0].tag == 0xA1:
            excluded = _subtrees(kids[0])
            kids = kids[1:]
        if kids:
            raise der.DERError("NameConstraints member")
        return NameConstraints(permitted, excluded)
    except NameError_ as e:
        raise der.DERError(str(e)) from e


# --------------------------------------------------------------------------------------------
# Matching (nc_*)


def _lower(b: bytes) -> bytes:
    """ASCII-only case folding (``ia5ncasecmp``)."""
    return bytes(c + 32 if 0x41 <= c <= 0x5A else c for c in b)


def _ieq(a: bytes, b: bytes) -> bool:
    return _lower(a) == _lower(b)


def _nc_dn(nm: Name, base: Name) -> int:
    b, n = base.canonical(), nm.canonical()
    if len(b) > len(n) or n[: len(b)] != b:
        return PERMITTED_VIOLATION
    return OK


def _nc_dns(dns: bytes, base: bytes) -> int:
    if not base:
        return OK
    if len(dns) < len(base):
        return PERMITTED_VIOLATION
    if len(dns) > len(base):
        tail = dns[len(dns) - len(base) :]
        if base[0:1] != b"." and dns[len(dns) - len(base) - 1 : len(dns) - len(base)] != b".":
            return PERMITTED_VIOLATION
        dns = tail
    return OK if _ieq(base, dns) else PERMITTED_VIOLATION


def _nc_email(eml: bytes, base: bytes) -> int:
    emlat = eml.rfind(b"@")
    baseat = base.rfind(b"@")
    if emlat < 0:
        return UNSUPPORTED_NAME_SYNTAX
    if baseat < 0 and base[:1] == b".":
        if len(eml) > len(base) and _ieq(base, eml[len(eml) - len(base) :]):
            return OK
        return PERMITTED_VIOLATION
    basehost = base
    if baseat >= 0:
        if baseat != 0:
            if baseat != emlat:
                return PERMITTED_VIOLATION
            if b"\0" in base[:baseat] or b"\0" in eml[:emlat]:
                return UNSUPPORTED_NAME_SYNTAX
            if base[:baseat] != eml[:emlat]:  # strncmp: local part is case-sensitive
                return PERMITTED_VIOLATION
        basehost = base[baseat + 1 :]
    if not _ieq(basehost, eml[emlat + 1 :]):
        return PERMITTED_VIOLATION
    return OK


def _a2ulabel(host: bytes) -> bytes | None:
    """``ossl_a2ulabel``: A-labels (``xn--``) to UTF-8 U-labels; None when invalid."""
    out = []
    for label in host.split(b"."):
        if label[:4].lower() == b"xn--":
            try:
                out.append(label[4:].decode("ascii").encode().decode("punycode").encode())
            except (UnicodeError, ValueError):
                return None
        else:
            out.append(label)
    res = b".".join(out)
    return res if len(res) < 256 else None


def _nc_email_eai(value: bytes, tag: int, base: bytes) -> int:
    if b"\0" in base:
        return UNSUPPORTED_NAME_SYNTAX
    base = base.split(b"\0")[0]
    if tag != _UTF8:
        return UNSUPPORTED_NAME_SYNTAX
    emlat = value.rfind(b"@")
    if emlat < 0:
        return UNSUPPORTED_NAME_SYNTAX
    if base[:1] == b".":
        u = _a2ulabel(base[1:])
        if u is None:
            return UNSPECIFIED
        ulabel = b"." + u
        if len(value) > len(ulabel) and _ieq(ulabel, value[len(value) - len(ulabel) :]):
            return OK
        return PERMITTED_VIOLATION
    baseat = base.find(b"@")
    basehost = base
    if baseat >= 0:
        if baseat != 0 and base[:baseat] != value[:emlat]:
            return PERMITTED_VIOLATION
        basehost = base[baseat + 1 :]
    u = _a2ulabel(basehost)
    if u is None:
        return UNSPECIFIED
    if not _ieq(u, value[emlat + 1 :]):
        return PERMITTED_VIOLATION
    return OK


def _nc_uri(uri: bytes, base: bytes) -> int:
    p = uri.find(b":")
    if p < 0 or len(uri) - p < 3 or uri[p + 1 : p + 3] != b"//":
        return UNSUPPORTED_NAME_SYNTAX
    host = uri[p + 3 :]
    end = host.find(b":")
    if end < 0:
        end = host.find(b"/")
    if end >= 0:
        host = host[:end]
    if not host:
        return UNSUPPORTED_NAME_SYNTAX
    if base[:1] == b".":
        if len(host) > len(base) and _ieq(host[len(host) - len(base) :], base):
            return OK
        return PERMITTED_VIOLATION
    return OK if _ieq(host, base) else PERMITTED_VIOLATION


def _nc_ip(ip: bytes, base: bytes) -> int:
    if len(ip) not in (4, 16) or len(base) not in (8, 32):
        return UNSUPPORTED_NAME_SYNTAX
    if len(ip) * 2 != len(base):
        return PERMITTED_VIOLATION
    n = len(ip)
    mask = base[n:]
    for i in range(n):
        if ip[i] & mask[i] != base[i] & mask[i]:
            return PERMITTED_VIOLATION
    return OK


def _match_single(effective: int, gen: GeneralName, base: GeneralName) -> int:
    t = gen.type
    if t == GEN_OTHERNAME:
        if effective == GEN_EMAIL:
            return _nc_email_eai(gen.value, gen.other_tag, base.value)
        return UNSUPPORTED_CONSTRAINT_TYPE
    if t == GEN_DIRNAME:
        assert gen.name is not None and base.name is not None
        return _nc_dn(gen.name, base.name)
    if t == GEN_DNS:
        return _nc_dns(gen.value, base.value)
    if t == GEN_EMAIL:
        return _nc_email(gen.value, base.value)
    if t == GEN_URI:
        return _nc_uri(gen.value, base.value)
    if t == GEN_IPADD:
        return _nc_ip(gen.value, base.value)
    return UNSUPPORTED_CONSTRAINT_TYPE


def _minmax_valid(sub: Subtree) -> bool:
    return sub.maximum is None and (sub.minimum is None or sub.minimum == 0)


def _applies(effective: int, gen: GeneralName, sub: Subtree) -> bool:
    if effective != sub.base.type:
        return False
    return not (effective == GEN_OTHERNAME and gen.other_type != sub.base.other_type)


def nc_match(gen: GeneralName, nc: NameConstraints) -> int:
    """``nc_match``: one name against the permitted, then the excluded subtrees."""
    effective = gen.type
    if effective == GEN_OTHERNAME and gen.other_type == OID_SMTP_UTF8_MAILBOX:
        effective = GEN_EMAIL
    match = 0
    for sub in nc.permitted:
        if not _applies(effective, gen, sub):
            continue
        if not _minmax_valid(sub):
            return SUBTREE_MINMAX
        if match == 2:
            continue
        match = 1
        r = _match_single(effective, gen, sub.base)
        if r == OK:
            match = 2
        elif r != PERMITTED_VIOLATION:
            return r
    if match == 1:
        return PERMITTED_VIOLATION
    for sub in nc.excluded:
        if not _applies(effective, gen, sub):
            continue
        if not _minmax_valid(sub):
            return SUBTREE_MINMAX
        r = _match_single(effective, gen, sub.base)
        if r == OK:
            return EXCLUDED_VIOLATION
        if r != PERMITTED_VIOLATION:
            return r
    return OK


def check(subject: Name, altnames: tuple[GeneralName, ...], nc: NameConstraints) -> int:
    """``NAME_CONSTRAINTS_check`` for a certificate with ``subject`` and ``altnames``."""
    name_count = len(subject) + len(altnames)
    constraint_count = len(nc.permitted) + len(nc.excluded)
    if name_count > 0 and constraint_count > NAME_CHECK_MAX // name_count:
        return UNSPECIFIED
    if len(subject) > 0:
        r = nc_match(GeneralName(GEN_DIRNAME, name=subject), nc)
        if r != OK:
            return r
        for e in subject.entries:
            if e.oid != OID_EMAIL_ADDRESS:
                continue
            if e.type != _IA5:
                return UNSUPPORTED_NAME_SYNTAX
            r = nc_match(GeneralName(GEN_EMAIL, e.value), nc)
            if r != OK:
                return r
    for gen in altnames:
        r = nc_match(gen, nc)
        if r != OK:
            return r
    return OK


def _cn2dnsid(entry_type: int, value: bytes) -> tuple[int, bytes]:
    """``cn2dnsid``: (error, the CN as a DNS-ID or b"" when it does not look like one)."""
    try:
        s = to_utf8(entry_type, value)
    except NameError_:
        return OUT_OF_MEM, b""
    s = s.rstrip(b"\0")
    if b"\0" in s:
        return UNSUPPORTED_NAME_SYNTAX, b""
    n = len(s)
    isdns = False
    for i, c in enumerate(s):
        if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A or 0x30 <= c <= 0x39 or c == 0x5F:
            continue
        if 0 < i < n - 1:
            if c == 0x2D:
                continue
            if c == 0x2E and s[i + 1] != 0x2E and s[i - 1] != 0x2D and s[i + 1] != 0x2D:
                isdns = True
                continue
        isdns = False
        break
    return OK, (s if isdns else b"")


def check_cn(subject: Name, nc: NameConstraints) -> int:
    """``NAME_CONSTRAINTS_check_CN``: host-name-like commonNames against DNS subtrees."""
    for e in subject.entries:
        if e.oid != OID_COMMON_NAME:
            continue
        r, dnsid = _cn2dnsid(e.type, e.value)
        if r != OK:
            return r
        if not dnsid:
            continue
        r = nc_match(GeneralName(GEN_DNS, dnsid), nc)
        if r != OK:
            return r
    return OK


def proxy_name_error(subject: Name, issuer: Name) -> int:
    """RFC 3820 3.4: a proxy's subject is its issuer plus one commonName RDN."""
    ents = subject.entries
    last = len(ents) - 1
    if last < 1 or len(ents) != len(issuer) + 1 or ents[last].set == ents[last - 1].set:
        return PROXY_SUBJECT_NAME_VIOLATION
    rest = Name(ents[:last], b"")
    if ents[last].oid != OID_COMMON_NAME or rest.canonical() != issuer.canonical():
        return PROXY_SUBJECT_NAME_VIOLATION
    return OK
