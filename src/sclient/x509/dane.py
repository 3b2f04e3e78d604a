"""DANE TLSA authentication as OpenSSL 3.0 implements it (RFC 6698, RFC 7671).

Three parts, each mirroring OpenSSL:

* :func:`parse_rrdata` — s_client's ``tlsa_import_rr`` presentation-form parser
  (``"usage selector mtype hexdata"``) with its exact failure classes;
* :func:`make_record` and :class:`Dane` — ``SSL_dane_tlsa_add``: validation
  (the library's reason codes), the records' sort order (usage, selector and
  digest ordinal all descending) and the "Cert(0) Full(0)" certificates and
  "SPKI(1) Full(0)" bare keys a DANE-TA(2) record carries;
* :class:`DaneState` + :func:`match_cert` / :func:`check_dane_pkeys` —
  ``dane_match_cert`` and ``check_dane_pkeys`` of ``crypto/x509/x509_vfy.c``;
  the verifier (:mod:`sclient.x509.verify`) calls them where OpenSSL does.

Also :func:`check_host` (``X509_check_host`` with the default flags), the
reference-identifier check DANE asks for with the TLSA base domain.

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sclient.base import der
from sclient.base.errorqueue import ErrorEntry
from sclient.base.pyca import allow
from sclient.base.structs import Struct, field, struct
from sclient.x509.cert import Certificate

USAGE_PKIX_TA = 0
USAGE_PKIX_EE = 1
USAGE_DANE_TA = 2
USAGE_DANE_EE = 3
SELECTOR_CERT = 0
SELECTOR_SPKI = 1
MATCHING_FULL = 0
MATCHING_SHA256 = 1
MATCHING_SHA512 = 2

_PKIX_TA_BIT = 1 << USAGE_PKIX_TA
_PKIX_EE_BIT = 1 << USAGE_PKIX_EE
_DANE_TA_BIT = 1 << USAGE_DANE_TA
_DANE_EE_BIT = 1 << USAGE_DANE_EE
PKIX_MASK = _PKIX_TA_BIT | _PKIX_EE_BIT
DANE_MASK = _DANE_TA_BIT | _DANE_EE_BIT
TA_MASK = _PKIX_TA_BIT | _DANE_TA_BIT
EE_MASK = _PKIX_EE_BIT | _DANE_EE_BIT

#: ``dctx->mdord``: digest preference of each matching type (Full = 0).
_MDORD = {MATCHING_FULL: 0, MATCHING_SHA256: 1, MATCHING_SHA512: 2}
_MD_SIZE = {MATCHING_SHA256: 32, MATCHING_SHA512: 64}

_TAIL = 12  # TLSA_TAIL_SIZE in s_client's print_verify_detail


# --------------------------------------------------------------------------------------------
# s_client's rrdata parser (apps/s_client.c tlsa_import_rr)


class RRDataFieldError(ValueError):
    """``s_client: warning: bad TLSA <field> field in: <rrdata>``."""

    def __init__(self, field_name: str) -> None:
        super().__init__(field_name)
        self.field = field_name


class RRDataAllocError(ValueError):
    """``hexdecode`` asked ``app_malloc`` for ``strlen(rest) / 2 == 0`` bytes: s_client
    prints ``s_client: Could not allocate 0 bytes for hexdecode`` and exits 1."""


_SPACE = " \t\n\v\f\r"


def _checked_uint8(text: str, pos: int) -> tuple[int, int] | None:
    """``checked_uint8``: ``strtol`` base 10, a whitespace character right after the
    number, value 0..255; then skip whitespace. None on failure."""
    i = pos
    while i < len(text) and text[i] in _SPACE:
        i += 1
    start = i
    if i < len(text) and text[i] in "+-":
        i += 1
    digits = i
    while i < len(text) and "0" <= text[i] <= "9":
        i += 1
    if i == digits:
        return None  # strtol consumed nothing: endp == in
    value = int(text[start:i])
    if i >= len(text) or text[i] not in _SPACE or not 0 <= value <= 255:
        return None
    while i < len(text) and text[i] in _SPACE:
        i += 1
    return value, i


def parse_rrdata(rrdata: str) -> tuple[int, int, int, bytes]:
    """(usage, selector, mtype, data) of one ``-dane_tlsa_rrdata`` value."""
    pos = 0
    values = []
    for name in ("usage", "selector", "mtype"):
        got = _checked_uint8(rrdata, pos)
        if got is None:
            raise RRDataFieldError(name)
        value, pos = got
        values.append(value)
    rest = rrdata[pos:]
    if len(rest.encode("utf-8", "surrogateescape")) // 2 == 0:
        raise RRDataAllocError(rest)
    out = bytearray()
    nibble: int | None = None
    for ch in rest:
        if ch in _SPACE:
            continue
        x = int(ch, 16) if ch in "0123456789abcdefABCDEF" else -1
        if x < 0:
            raise RRDataFieldError("data")
        if nibble is None:
            nibble = x
        else:
            out.append(nibble << 4 | x)
            nibble = None
    if nibble is not None:
        raise RRDataFieldError("data")
    return values[0], values[1], values[2], bytes(out)


# --------------------------------------------------------------------------------------------
# SSL_dane_tlsa_add (ssl/ssl_lib.c dane_tlsa_add)


#: One error-queue entry left by a rejected record.
TlsaError = ErrorEntry


class TlsaAddError(ValueError):
    """The library refused the record (``unusable TLSA rrdata``); ``errors`` is
    what ``ERR_print_errors`` prints before the warning."""

    def __init__(self, errors: list[TlsaError]) -> None:
        super().__init__(errors[-1].reason)
        self.errors = errors


_SSL_LIB_C = "../ssl/ssl_lib.c"


def _ssl_err(code: int, reason: str, line: int) -> TlsaError:
    return TlsaError(code, "SSL routines", "dane_tlsa_add", reason, _SSL_LIB_C, line)


def _asn1_errors(data: bytes, type_name: str) -> list[TlsaError]:
    """The ASN.1 decoder's entries for the common failures: a bad outer header or
    an outer tag that is not a SEQUENCE. (Deeper malformations give longer
    stacks naming the inner field; only their last line is reproduced exactly.)"""
    lib = "asn1 encoding routines"
    nested = TlsaError(
        0x0688010A,
        lib,
        "asn1_item_embed_d2i",
        "nested asn1 error",
        "../crypto/asn1/tasn_dec.c",
        375,
        f"Type={type_name}",
    )
    if data and data[0] != 0x30 and len(data) >= 2:
        return [
            TlsaError(
                0x068000A8, lib, "asn1_check_tlen", "wrong tag", "../crypto/asn1/tasn_dec.c", 1215
            ),
            nested,
        ]
    too_long = _outer_too_long(data)
    first = (
        TlsaError(0x0680009B, lib, "ASN1_get_object", "too long", "../crypto/asn1/asn1_lib.c", 95)
        if too_long
        else TlsaError(
            0x0680008E, lib, "ASN1_get_object", "header too long", "../crypto/asn1/asn1_lib.c", 101
        )
    )
    return [
        first,
        TlsaError(
            0x06800066,
            lib,
            "asn1_check_tlen",
            "bad object header",
            "../crypto/asn1/tasn_dec.c",
            1205,
        ),
        nested,
    ]


def _outer_too_long(data: bytes) -> bool:
    """``ASN1_get_object`` read the outer header but its length runs past the data
    (else the header itself was bad)."""
    ret = der.get_object(data, 0, len(data))[0]
    return ret != der.GET_OBJECT_ERROR and bool(ret & der.GET_OBJECT_ERROR)


class TlsaRecord(Struct, frozen=True, slots=True):
    """One usable TLSA record (``danetls_record``)."""

    usage: int
    selector: int
    mtype: int
    data: bytes
    spki: Any = None  # DANE-TA(2) SPKI(1) Full(0): the bare trust-anchor key
    cert: Certificate | None = None  # TA usages, Cert(0) Full(0): a chain candidate

    @property
    def spki_alg_oid(self) -> str:
        """The algorithm OID of a SPKI(1) Full(0) record's key."""
        alg = der.parse(self.data).children()[0]
        return der.decode_oid(alg.children()[0].content)

    def describe(self) -> str:
        """``<u> <s> <m> [...]<hex of the last 12 bytes>`` as s_client prints it."""
        tail = self.data[-_TAIL:]
        dots = "..." if len(self.data) > _TAIL else ""
        return f"{self.usage} {self.selector} {self.mtype} {dots}{tail.hex()}"


def make_record(usage: int, selector: int, mtype: int, data: bytes) -> TlsaRecord:
    """``dane_tlsa_add``'s checks; raises :class:`TlsaAddError` as the library fails."""
    if usage > USAGE_DANE_EE:
        raise TlsaAddError([_ssl_err(0x0A0000B8, "dane tlsa bad certificate usage", 287)])
    if selector > SELECTOR_SPKI:
        raise TlsaAddError([_ssl_err(0x0A0000CA, "dane tlsa bad selector", 292)])
    if mtype != MATCHING_FULL and mtype not in _MD_SIZE:
        raise TlsaAddError([_ssl_err(0x0A0000C8, "dane tlsa bad matching type", 299)])
    if mtype in _MD_SIZE and len(data) != _MD_SIZE[mtype]:
        raise TlsaAddError([_ssl_err(0x0A0000C0, "dane tlsa bad digest length", 305)])
    spki = None
    cert = None
    if mtype == MATCHING_FULL:
        if selector == SELECTOR_CERT:
            parsed = _parse_cert(data)
            if parsed is None:
                raise TlsaAddError(
                    [
                        *_asn1_errors(data, "X509"),
                        _ssl_err(0x0A0000B4, "dane tlsa bad certificate", 341),
                    ]
                )
            if (1 << usage) & TA_MASK:
                cert = parsed
        else:
            key = _parse_spki(data)
            if key is None:
                raise TlsaAddError(
                    [
                        *_asn1_errors(data, "X509_PUBKEY"),
                        _ssl_err(0x0A0000C9, "dane tlsa bad public key", 387),
                    ]
                )
            if usage == USAGE_DANE_TA:
                spki = key
    return TlsaRecord(usage, selector, mtype, data, spki, cert)


def _parse_cert(data: bytes) -> Certificate | None:
    try:
        tlv = der.parse(data)
        if len(tlv.raw) != len(data):
            return None
        c = Certificate(data)
    except Exception:
        return None
    return c if c.public_key is not None else None


def _parse_spki(data: bytes) -> Any | None:
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        with allow("dsa"):
            return load_der_public_key(data)
    except Exception:
        return None


def _sort_key(r: TlsaRecord) -> tuple[int, int, int]:
    return (r.usage, r.selector, _MDORD[r.mtype])


@struct(frozen=True)
class Dane:
    """``SSL_DANE`` as configured: the base domain and the records in library order."""

    domain: str
    records: tuple[TlsaRecord, ...] = ()
    no_ee_namechecks: bool = False  # DANE_FLAG_NO_DANE_EE_NAMECHECKS

    def add(self, rec: TlsaRecord) -> Dane:
        """Insert as ``dane_tlsa_add`` does: before the first record that does not
        sort above it (usage, selector, digest ordinal, all descending)."""
        recs = list(self.records)
        key = _sort_key(rec)
        i = 0
        while i < len(recs):
            k = _sort_key(recs[i])
            if k[0] > key[0] or (
                k[0] == key[0] and (k[1] > key[1] or (k[1] == key[1] and k[2] > key[2]))
            ):
                i += 1
                continue
            break
        recs.insert(i, rec)
        return Dane(self.domain, tuple(recs), self.no_ee_namechecks)

    @property
    def umask(self) -> int:
        m = 0
        for r in self.records:
            m |= 1 << r.usage
        return m

    @property
    def has_ta(self) -> bool:
        return bool(self.umask & TA_MASK)

    @property
    def has_pkix(self) -> bool:
        return bool(self.umask & PKIX_MASK)

    @property
    def has_dane(self) -> bool:
        return bool(self.umask & DANE_MASK)

    @property
    def has_dane_ta(self) -> bool:
        return bool(self.umask & _DANE_TA_BIT)

    @property
    def certs(self) -> list[Certificate]:
        """``dane->certs``: "Cert(0) Full(0)" certificates of TA records, in insertion order."""
        return [r.cert for r in self.records if r.cert is not None]


class DaneState(Struct, slots=True):
    """The per-verification fields of ``SSL_DANE`` (``dane_reset``)."""

    mdpth: int = -1  # depth of the matching record, -1: none
    pdpth: int = -1  # depth of the PKIX trust anchor, -1: none
    mtlsa: TlsaRecord | None = None
    mcert: Certificate | None = None
    bare_ta_signed: bool = False
    _cache: dict[tuple[int, int], bytes] = field(default_factory=dict)

    @property
    def authority_line(self) -> str | None:
        """s_client's ``DANE TLSA …`` line (``print_verify_detail``), or None."""
        if self.mdpth < 0 or self.mtlsa is None:
            return None
        if self.mcert is None:
            how = "signed the certificate"
        elif self.mdpth:
            how = "matched TA certificate"
        else:
            how = "matched EE certificate"
        return f"DANE TLSA {self.mtlsa.describe()} {how} at depth {self.mdpth}"


def _selected(cert: Certificate, selector: int) -> bytes:
    if selector == SELECTOR_CERT:
        return cert.der
    return cert.spki_raw


def _digest(mtype: int, data: bytes) -> bytes:
    if mtype == MATCHING_SHA256:
        return hashlib.sha256(data).digest()
    if mtype == MATCHING_SHA512:
        return hashlib.sha512(data).digest()
    return data


def match_cert(dane: Dane, st: DaneState, cert: Certificate, depth: int, num_untrusted: int) -> int:
    """``dane_match_cert``: 1 a DANE-?? record matched (dispositive); 0 otherwise
    (a PKIX-?? match is recorded in ``st`` but still needs a PKIX chain)."""
    mask = EE_MASK if depth == 0 else TA_MASK
    if depth >= num_untrusted:
        mask &= PKIX_MASK  # the trust store is not applicable with DANE-TA(2)
    if st.mdpth >= 0:
        mask &= ~PKIX_MASK
    if not dane.umask & mask:
        return 0
    usage = selector = ordinal = mtype = -1
    sel_data = b""
    cmp = b""
    for t in dane.records:
        if not (1 << t.usage) & mask:
            continue
        if t.usage != usage:
            usage = t.usage
            mtype = -1
            ordinal = _MDORD[t.mtype]
        if t.selector != selector:
            selector = t.selector
            sel_data = _selected(cert, selector)
            mtype = -1
            ordinal = _MDORD[t.mtype]
        elif t.mtype != MATCHING_FULL and _MDORD[t.mtype] < ordinal:
            continue  # digest agility: only the strongest digest of this usage/selector
        if t.mtype != mtype:
            mtype = t.mtype
            cmp = _digest(mtype, sel_data)
        if cmp == t.data:
            matched = 1 if (1 << usage) & DANE_MASK else 0
            if matched or st.mdpth < 0:
                st.mcert = cert
                st.mdpth = depth
                st.mtlsa = t
            return matched
    return 0


def check_dane_pkeys(
    dane: Dane, st: DaneState, top: Certificate, top_depth: int, verify: Any
) -> bool:
    """``check_dane_pkeys``: a DANE-TA(2) SPKI(1) Full(0) key that signed ``top``.

    ``verify(cert, record) -> bool`` checks the signature with ``record.spki``. On success the match is
    recorded (``bare_ta_signed``) and True returned; the caller prunes the chain.
    """
    for t in dane.records:
        if (
            t.usage != USAGE_DANE_TA
            or t.selector != SELECTOR_SPKI
            or t.mtype != MATCHING_FULL
            or t.spki is None
            or not verify(top, t)
        ):
            continue
        st.mcert = None
        st.bare_ta_signed = True
        st.mdpth = top_depth
        st.mtlsa = t
        return True
    return False


# --------------------------------------------------------------------------------------------


def check_host(cert: Certificate, host: str) -> str | None:
    """``X509_check_host(cert, host, 0, 0, &peername)``: the matched name, or None."""
    from sclient.x509.identity import check_host as x509_check_host

    rv, peername = x509_check_host(cert, host, 0)
    return peername if rv > 0 else None
