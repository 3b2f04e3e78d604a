"""A stapled OCSP response (RFC 6960): read with sclient's DER reader, the
error queue OpenSSL's ``d2i_OCSP_RESPONSE`` leaves when it cannot decode one,
and (beyond OpenSSL, which only prints it) a verdict on it.

:func:`parse_response` reads what ``d2i_OCSP_RESPONSE`` reads: the outer
``OCSPResponse`` (status and response bytes). The ``BasicOCSPResponse`` inside
is decoded as far as it goes (OpenSSL decodes it only to print it, and stops
printing where it fails). :func:`decode_errors` gives the ``asn1 encoding
routines`` lines of a response that does not decode, for the malformations
OpenSSL 3.0.19 was seen to report (a bad header or tag, a missing field, a
bad ENUMERATED, an empty or incomplete ``responseBytes``); others get the
outermost line only. :func:`validate` judges a response against the leaf
and its issuer: the signature (by the issuer, or by a responder certificate
the issuer gave id-kp-OCSPSigning), the certificate id, and the
thisUpdate/nextUpdate window.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sclient.base import der, structs
from sclient.base.errorqueue import ErrorEntry
from sclient.base.structs import Struct
from sclient.x509.asn1time import Asn1Time

__all__ = [
    "BasicResponse",
    "CertId",
    "OcspResponse",
    "SingleResponse",
    "StatusVerdict",
    "decode_errors",
    "parse_response",
    "validate",
]

BASIC = "1.3.6.1.5.5.7.48.1.1"
NONCE = "1.3.6.1.5.5.7.48.1.2"
OCSP_SIGNING = "1.3.6.1.5.5.7.3.9"

RESPONSE_STATUS = {
    0: "successful",
    1: "malformedrequest",
    2: "internalerror",
    3: "trylater",
    5: "sigrequired",
    6: "unauthorized",
}
CERT_STATUS = {0: "good", 1: "revoked", 2: "unknown"}
#: OCSP_crl_reason_str of OpenSSL 3.0
CRL_REASONS = {
    0: "unspecified",
    1: "keyCompromise",
    2: "cACompromise",
    3: "affiliationChanged",
    4: "superseded",
    5: "cessationOfOperation",
    6: "certificateHold",
    8: "removeFromCRL",
}


class OcspExtension(Struct, frozen=True, slots=True):
    oid: str
    critical: bool
    value: bytes  # the extnValue octets


class CertId(Struct, frozen=True, slots=True):
    hash_oid: str
    name_hash: bytes
    key_hash: bytes
    #: the serial's INTEGER content octets (two's complement)
    serial: bytes


class SingleResponse(Struct, frozen=True, slots=True):
    cert_id: CertId
    #: 0 good, 1 revoked, 2 unknown
    status: int
    this_update: Asn1Time
    next_update: Asn1Time | None = None
    revocation_time: Asn1Time | None = None
    revocation_reason: int | None = None
    extensions: tuple[OcspExtension, ...] = ()


class BasicResponse(Struct, frozen=True, slots=True):
    """A BasicOCSPResponse; the signature fields are named as
    :class:`~sclient.x509.cert.Certificate`'s so one verifier serves both."""

    version: int
    #: the responder's Name (DER) when it is identified by name
    responder_name: bytes | None
    #: the SHA-1 hash of the responder's key when it is identified by key
    responder_key_hash: bytes | None
    produced_at: Asn1Time
    responses: tuple[SingleResponse, ...]
    extensions: tuple[OcspExtension, ...]
    tbs_raw: bytes
    sig_alg_raw: bytes
    sig_alg_oid: str
    signature: bytes
    signature_unused_bits: int
    certs: tuple[bytes, ...]

    @property
    def tbs_sig_alg_raw(self) -> bytes:
        return self.sig_alg_raw


class OcspResponse(Struct, frozen=True, slots=True):
    der: bytes
    status: int
    #: the responseBytes' type (None: no responseBytes)
    response_type: str | None = None
    #: the BasicOCSPResponse, when it is one and it decodes
    basic: BasicResponse | None = None


class StatusVerdict(Struct, frozen=True, slots=True):
    """What sclient made of a stapled response (the detail of the engine's
    status verdict): the response as parsed (None: none sent, or it does
    not decode), ``d2i_OCSP_RESPONSE``'s error queue when it does not
    decode, and (``-json``) :func:`validate`'s verdict."""

    parsed: OcspResponse | None = None
    errors: tuple[ErrorEntry, ...] = ()
    validation: dict[str, Any] | None = None


# --- reading -------------------------------------------------------------------------------


def _children(t: der.TLV, tag: int) -> list[der.TLV]:
    if t.tag != tag:
        raise der.DERError(f"tag {t.tag:#x}, expected {tag:#x}")
    return t.children()


def _enum(t: der.TLV) -> int:
    if t.tag != der.ENUMERATED:
        raise der.DERError("not ENUMERATED")
    return der.decode_int(t.content)


def _oid(t: der.TLV) -> str:
    if t.tag != der.OID:
        raise der.DERError("not an OBJECT IDENTIFIER")
    return der.decode_oid(t.content)


def _octets(t: der.TLV) -> bytes:
    if t.tag != der.OCTET_STRING:
        raise der.DERError("not an OCTET STRING")
    return t.content


def _time(t: der.TLV) -> Asn1Time:
    if t.tag != der.GENERALIZEDTIME:
        raise der.DERError("not a GeneralizedTime")
    return Asn1Time.from_tlv(t)


def _extensions(t: der.TLV) -> tuple[OcspExtension, ...]:
    out = []
    for e in _children(t, der.SEQUENCE):
        parts = _children(e, der.SEQUENCE)
        critical = len(parts) == 3 and parts[1].tag == der.BOOLEAN and parts[1].content != b"\0"
        out.append(OcspExtension(_oid(parts[0]), critical, _octets(parts[-1])))
    return tuple(out)


def _cert_id(t: der.TLV) -> CertId:
    alg, name_hash, key_hash, serial = _children(t, der.SEQUENCE)
    if serial.tag != der.INTEGER:
        raise der.DERError("serial")
    return CertId(
        _oid(_children(alg, der.SEQUENCE)[0]), _octets(name_hash), _octets(key_hash), serial.content
    )


def _single(t: der.TLV) -> SingleResponse:
    kids = _children(t, der.SEQUENCE)
    cert_id = _cert_id(kids[0])
    st = kids[1]
    status = st.tag & 0x1F
    if st.cls != 2 or status > 2:
        raise der.DERError("certStatus")
    rev_time = rev_reason = None
    if status == 1:
        info = st.children()
        rev_time = _time(info[0])
        if len(info) > 1 and info[1].tag == 0xA0:
            rev_reason = _enum(info[1].children()[0])
    this_update = _time(kids[2])
    next_update = None
    exts: tuple[OcspExtension, ...] = ()
    for k in kids[3:]:
        if k.tag == 0xA0:
            next_update = _time(k.children()[0])
        elif k.tag == 0xA1:
            exts = _extensions(k.children()[0])
    return SingleResponse(cert_id, status, this_update, next_update, rev_time, rev_reason, exts)


def _basic(data: bytes) -> BasicResponse:
    kids = _children(der.parse(data, allow_trailing=True), der.SEQUENCE)
    tbs, alg, sig = kids[0], kids[1], kids[2]
    fields = _children(tbs, der.SEQUENCE)
    version = 0
    if fields and fields[0].tag == 0xA0:
        version = der.decode_int(fields[0].children()[0].content)
        fields = fields[1:]
    rid = fields[0]
    name = key_hash = None
    if rid.tag == 0xA1:
        name = rid.children()[0].raw
    elif rid.tag == 0xA2:
        key_hash = _octets(rid.children()[0])
    else:
        raise der.DERError("responderID")
    produced = _time(fields[1])
    responses = tuple(_single(s) for s in _children(fields[2], der.SEQUENCE))
    exts: tuple[OcspExtension, ...] = ()
    if len(fields) > 3 and fields[3].tag == 0xA1:
        exts = _extensions(fields[3].children()[0])
    if sig.tag != der.BIT_STRING or not sig.content:
        raise der.DERError("signature")
    certs: tuple[bytes, ...] = ()
    if len(kids) > 3 and kids[3].tag == 0xA0:
        certs = tuple(c.raw for c in _children(kids[3].children()[0], der.SEQUENCE))
    return BasicResponse(
        version,
        name,
        key_hash,
        produced,
        responses,
        exts,
        tbs.raw,
        alg.raw,
        _oid(_children(alg, der.SEQUENCE)[0]),
        sig.content[1:],
        sig.content[0],
        certs,
    )


def parse_response(data: bytes) -> OcspResponse | None:
    """The response as ``d2i_OCSP_RESPONSE`` reads it (bytes after it are
    ignored, as there); None when it does not decode."""
    if decode_errors(data):
        return None
    top = der.parse(data, allow_trailing=True).children()
    status = der.decode_int(top[0].content)
    if len(top) < 2:
        return OcspResponse(data, status)
    rtype, body = top[1].children()[0].children()
    oid = der.decode_oid(rtype.content)
    basic = None
    if oid == BASIC:
        try:
            basic = _basic(body.content)
        except (der.DERError, IndexError, ValueError):
            basic = None
    return OcspResponse(data, status, oid, basic)


# --- d2i_OCSP_RESPONSE's error queue -------------------------------------------------------

_TASN = "../crypto/asn1/tasn_dec.c"
_ASN1 = "asn1 encoding routines"
_NESTED = 0x0688010A
_TYPE = "Type=OCSP_RESPONSE"


def _e(code: int, func: str, reason: str, file: str, line: int, data: str = "") -> ErrorEntry:
    return ErrorEntry(code, _ASN1, func, reason, file, line, data)


class _Fail(Exception):
    def __init__(self, *entries: ErrorEntry) -> None:
        super().__init__()
        self.entries = list(entries)

    def nested(self, func: str, line: int) -> _Fail:
        self.entries.append(_e(_NESTED, func, "nested asn1 error", _TASN, line))
        return self

    def data(self, text: str) -> _Fail:
        last = self.entries[-1]
        if not last.data:
            self.entries[-1] = structs.replace(last, data=text)
        return self


def _check_tlen(buf: bytes, pos: int, end: int, tag: int, opt: bool) -> tuple[int, int] | None:
    """asn1_check_tlen: (content start, content end) of the element at ``pos``
    with identifier ``tag``; None for an absent optional element."""
    ret, p, length, ptag, pclass = der.get_object(buf, pos, end - pos)
    if ret & der.GET_OBJECT_ERROR:
        if ptag == -1:
            head = _e(
                0x0680007B, "ASN1_get_object", "header too long", "../crypto/asn1/asn1_lib.c", 105
            )
        else:
            head = _e(0x0680009B, "ASN1_get_object", "too long", "../crypto/asn1/asn1_lib.c", 95)
        raise _Fail(head, _e(0x06800066, "asn1_check_tlen", "bad object header", _TASN, 1205))
    if ret & 1:
        raise _Fail()  # indefinite lengths: see decode_errors
    if ptag | pclass | (ret & 0x20) != tag:
        if opt:
            return None
        raise _Fail(_e(0x068000A8, "asn1_check_tlen", "wrong tag", _TASN, 1215))
    return p, p + length


def _primitive(buf: bytes, pos: int, end: int, tag: int, opt: bool = False) -> int | None:
    try:
        span = _check_tlen(buf, pos, end, tag, opt)
    except _Fail as f:
        raise f.nested("asn1_d2i_ex_primitive", 779) from None
    if span is None:
        return None
    start, stop = span
    if tag == der.ENUMERATED:
        c = buf[start:stop]
        if not c:
            raise _Fail(
                _e(0x068000DE, "c2i_ibuf", "illegal zero content", "../crypto/asn1/a_int.c", 160)
            )
        if len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80)):
            raise _Fail(
                _e(0x068000DD, "c2i_ibuf", "illegal padding", "../crypto/asn1/a_int.c", 193)
            )
    return stop


def _field(name: str, item: str, f: _Fail) -> _Fail:
    return f.nested("asn1_template_noexp_d2i", 712).data(f"Field={name}, Type={item}")


def _respbytes(buf: bytes, pos: int, end: int) -> int:
    """OCSP_RESPBYTES, the content of responseBytes' [0]."""
    if end <= pos:
        raise _Fail(_e(0x068000E0, "asn1_item_embed_d2i", "too small", _TASN, 212))
    try:
        span = _check_tlen(buf, pos, end, der.SEQUENCE, False)
    except _Fail as f:
        raise f.nested("asn1_item_embed_d2i", 375).data("Type=OCSP_RESPBYTES") from None
    assert span is not None
    p, stop = span
    for name, tag in (("responseType", der.OID), ("response", der.OCTET_STRING)):
        if p >= stop:
            missing = f"Field={name}, Type=OCSP_RESPBYTES"
            raise _Fail(_e(0x06800079, "asn1_item_embed_d2i", "field missing", _TASN, 491, missing))
        try:
            q = _primitive(buf, p, stop, tag)
        except _Fail as f:
            raise _field(name, "OCSP_RESPBYTES", f) from None
        assert q is not None
        p = q
    if p != stop:
        raise _Fail()
    return stop


def _response(buf: bytes) -> None:
    end = len(buf)
    try:
        span = _check_tlen(buf, 0, end, der.SEQUENCE, False)
    except _Fail as f:
        raise f.nested("asn1_item_embed_d2i", 375).data("Type=OCSP_RESPONSE") from None
    assert span is not None
    p, stop = span
    if p >= stop:
        missing = "Field=responseStatus, Type=OCSP_RESPONSE"
        raise _Fail(_e(0x06800079, "asn1_item_embed_d2i", "field missing", _TASN, 491, missing))
    try:
        q = _primitive(buf, p, stop, der.ENUMERATED)
    except _Fail as f:
        raise _field("responseStatus", "OCSP_RESPONSE", f) from None
    assert q is not None
    p = q
    if p >= stop:
        return
    # responseBytes [0] EXPLICIT: the last field is not optional when bytes are left.
    data = "Field=responseBytes, Type=OCSP_RESPONSE"
    try:
        span = _check_tlen(buf, p, stop, 0xA0, False)
    except _Fail as f:
        raise f.nested("asn1_template_ex_d2i", 551).data(data) from None
    assert span is not None
    inner, inner_end = span
    try:
        done = _respbytes(buf, inner, inner_end)
    except _Fail as f:
        raise (
            f.nested("asn1_template_noexp_d2i", 712).nested("asn1_template_ex_d2i", 563).data(data)
        ) from None
    if done != inner_end or inner_end != stop:
        raise _Fail()


def decode_errors(data: bytes) -> list[ErrorEntry]:
    """The error-queue entries ``d2i_OCSP_RESPONSE`` leaves for ``data`` (an
    empty list: it decodes)."""
    if data[:2] == b"\x30\x80" and not data.endswith(b"\0\0"):
        return [_e(0x06800089, "asn1_item_embed_d2i", "missing eoc", _TASN, 466, _TYPE)]
    try:
        _response(data)
    except _Fail as f:
        if not f.entries:  # a malformation not modelled: the outermost line
            f.nested("asn1_item_embed_d2i", 375).data("Type=OCSP_RESPONSE")
        return f.entries
    return []


def basic_errors(resp: OcspResponse) -> list[ErrorEntry]:
    """What printing a basic response that does not decode leaves on the error
    queue (``OCSP_response_get1_basic``): the decoder's first line for an
    empty body or an empty SEQUENCE (else its outermost), then
    ``ASN1_item_unpack``'s."""
    if resp.response_type != BASIC or resp.basic is not None:
        return []
    top = der.parse(resp.der, allow_trailing=True).children()
    body = top[1].children()[0].children()[1].content
    basic = "Type=OCSP_BASICRESP"
    if not body:
        first = _e(0x068000E0, "asn1_item_embed_d2i", "too small", _TASN, 212)
    elif body[:2] == b"\x30\x00":
        missing = "Field=tbsResponseData, Type=OCSP_BASICRESP"
        first = _e(0x06800079, "asn1_item_embed_d2i", "field missing", _TASN, 491, missing)
    else:
        first = _e(_NESTED, "asn1_item_embed_d2i", "nested asn1 error", _TASN, 375, basic)
    unpack = _e(0x0680006E, "ASN1_item_unpack", "decode error", "../crypto/asn1/asn_pack.c", 60)
    return [first, unpack]


# --- validation (beyond OpenSSL) -----------------------------------------------------------


def _key_bits(cert: Any) -> bytes:
    """The subjectPublicKey BIT STRING's value (without the unused-bits octet)."""
    spki = der.parse(cert.spki_raw).children()
    return bytes(spki[1].content[1:])


_HASHES = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "2.16.840.1.101.3.4.2.4": "sha224",
}


def _matches(cid: CertId, leaf: Any, issuer: Any) -> bool:
    name = _HASHES.get(cid.hash_oid)
    if name is None:
        return False
    serial = der.encode_int(leaf.serial)
    return (
        hashlib.new(name, issuer.subject.der).digest() == cid.name_hash
        and hashlib.new(name, _key_bits(issuer)).digest() == cid.key_hash
        and serial[2:] == cid.serial
    )


def _is_responder_id(basic: BasicResponse, cert: Any) -> bool:
    if basic.responder_name is not None:
        return bool(cert.subject.der == basic.responder_name)
    return hashlib.sha1(_key_bits(cert)).digest() == basic.responder_key_hash


def validate(
    resp: OcspResponse, leaf_der: bytes, issuer_der: bytes | None, now: float
) -> dict[str, Any]:
    """The verdict on ``resp`` for the leaf certificate ``leaf_der`` issued by
    ``issuer_der`` at time ``now``: ``valid`` and the checks that make it
    (``signature``, ``signer``, ``cert_id``, ``time``), ``cert_status``, and
    ``problems`` (human-readable reasons, empty when valid)."""
    from sclient.x509.cert import Certificate, CertificateError

    problems: list[str] = []
    out: dict[str, Any] = {
        "valid": False,
        "signer": None,
        "signature": False,
        "cert_id": False,
        "time": None,
        "cert_status": None,
        "problems": problems,
    }
    if resp.status != 0:
        problems.append(f"response status {RESPONSE_STATUS.get(resp.status, resp.status)}")
        return out
    basic = resp.basic
    if basic is None:
        problems.append("not a basic OCSP response that decodes")
        return out
    try:
        leaf = Certificate(leaf_der)
        issuer = Certificate(issuer_der) if issuer_der is not None else None
    except CertificateError:
        problems.append("the certificates do not decode")
        return out
    if issuer is None:
        problems.append("the leaf's issuer is not known")
        return out
    # The signer: the issuer itself, or a delegated responder it issued for OCSP signing.
    if _is_responder_id(basic, issuer) and x509_signed(basic, issuer):
        out["signer"] = "issuer"
    else:
        for d in basic.certs:
            try:
                cand = Certificate(d)
            except CertificateError:
                continue
            if not _is_responder_id(basic, cand):
                continue
            if not x509_signed(basic, cand):
                continue
            out["signature"] = True
            if not (cand.issuer.der == issuer.subject.der and x509_signed(cand, issuer)):
                problems.append("the responder certificate is not issued by the leaf's issuer")
            elif cand.ex_xkusage == 0xFFFFFFFF or not cand.ex_xkusage & 0x20:
                problems.append("the responder certificate lacks id-kp-OCSPSigning")
            else:
                out["signer"] = "delegated responder"
            break
    if out["signer"] == "issuer":
        out["signature"] = True
    if not out["signature"]:
        problems.append("the signature is not the issuer's nor a delegated responder's")
    single = next((s for s in basic.responses if _matches(s.cert_id, leaf, issuer)), None)
    out["cert_id"] = single is not None
    if single is None:
        problems.append("no response is for the leaf certificate and its issuer")
    else:
        out["cert_status"] = CERT_STATUS.get(single.status, "unknown")
        this = single.this_update.to_tm()
        nxt = single.next_update.to_tm() if single.next_update is not None else None
        skew = 300  # OCSP_check_validity's default leeway (5 minutes)
        if this is None or this.posix() > now + skew:
            out["time"] = "not yet valid"
        elif nxt is not None and nxt.posix() < now - skew:
            out["time"] = "expired"
        elif nxt is not None and nxt.posix() < this.posix():
            out["time"] = "next update before this update"
        else:
            out["time"] = "current"
        if out["time"] != "current":
            problems.append(f"thisUpdate/nextUpdate: {out['time']}")
    out["valid"] = not problems
    return out


def x509_signed(subject: Any, issuer: Any) -> bool:
    """Whether ``subject`` (a certificate or a basic response: its signed
    part, algorithm and signature) carries ``issuer``'s signature."""
    from sclient.x509.verify import x509_verify

    key = issuer.public_key
    return key is not None and x509_verify(subject, key, issuer.key_alg_oid)
