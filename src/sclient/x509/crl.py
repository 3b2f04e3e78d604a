"""Certificate revocation lists (``X509_CRL``) and OpenSSL 3.0's CRL checks.

:class:`Crl` decodes a CertificateList with the data OpenSSL caches when it
loads one (``crl_cb``/``setup_idp``/``crl_set_issuers`` in ``x_crl.c``): the
issuing distribution point flags and reasons, the AKID, CRL and delta-CRL
numbers, "has an unhandled critical extension" and the revoked entries with
their reason and (indirect CRL) certificate issuer.

:func:`check_revocation` is ``check_revocation``/``check_cert``/
``get_crl_delta``/``get_crl_sk``/``get_crl_score``/``check_crl``/``cert_crl``
of ``crypto/x509/x509_vfy.c`` (3.0), written against a small
:class:`RevocationContext` protocol that the chain verifier implements, so
the errors come out with OpenSSL's numbers, at OpenSSL's depths and in its
order. Pure: no I/O and no clock (CRLs come from an injected lookup, the time
from the verifier).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sclient.base import der
from sclient.base.structs import Struct
from sclient.x509 import cert as C
from sclient.x509 import errors
from sclient.x509.asn1time import Asn1Time
from sclient.x509.cert import AuthorityKeyId, Certificate
from sclient.x509.names import Name, NameError_

OID_CRL_NUMBER = "2.5.29.20"
OID_CRL_REASON = "2.5.29.21"
OID_DELTA_CRL = "2.5.29.27"
OID_IDP = "2.5.29.28"
OID_CERT_ISSUER = "2.5.29.29"

# idp_flags
IDP_PRESENT = 0x1
IDP_INVALID = 0x2
IDP_ONLYUSER = 0x4
IDP_ONLYCA = 0x8
IDP_ONLYATTR = 0x10
IDP_INDIRECT = 0x20
IDP_REASONS = 0x40

CRLDP_ALL_REASONS = 0x807F
CRL_REASON_NONE = -1
CRL_REASON_REMOVE_FROM_CRL = 8

# CRL score values
SCORE_NOCRITICAL = 0x100
SCORE_SCOPE = 0x080
SCORE_TIME = 0x040
SCORE_ISSUER_NAME = 0x020
SCORE_VALID = SCORE_NOCRITICAL | SCORE_TIME | SCORE_SCOPE
SCORE_ISSUER_CERT = 0x018
SCORE_SAME_PATH = 0x008
SCORE_AKID = 0x004
SCORE_TIME_DELTA = 0x002

# X509_V_ERR_* of the CRL checks (the rest come from sclient.x509.errors)
CRL_SIGNATURE_FAILURE = 8
CRL_NOT_YET_VALID = 11
CRL_HAS_EXPIRED = 12
ERROR_IN_CRL_LAST_UPDATE_FIELD = 15
ERROR_IN_CRL_NEXT_UPDATE_FIELD = 16
UNABLE_TO_GET_CRL_ISSUER = 33
KEYUSAGE_NO_CRL_SIGN = 35
UNHANDLED_CRITICAL_CRL_EXTENSION = 36
DIFFERENT_CRL_SCOPE = 44
CRL_PATH_VALIDATION_ERROR = 54

GEN_DIRNAME = 4
GEN_URI = 6


class CrlError(ValueError):
    """The bytes are not a CRL OpenSSL would decode."""


#: A GeneralName as OpenSSL compares it: (type, value); directory names by canonical form.
GeneralName = tuple[int, bytes]


class DistPointName(Struct, frozen=True, slots=True):
    """``DIST_POINT_NAME``: a full name (type 0) or a name relative to the CRL issuer
    (type 1, with ``dpname`` = issuer + RDN as ``DIST_POINT_set_dpname`` makes it)."""

    type: int
    fullname: tuple[GeneralName, ...]
    dpname: Name | None


class DistPoint(Struct, frozen=True, slots=True):
    """A certificate's ``DIST_POINT`` with ``dp_reasons`` as ``setup_dp`` computes it."""

    distpoint: DistPointName | None
    reasons: int
    crl_issuer: tuple[GeneralName, ...] | None
    urls: tuple[str, ...]


class Revoked(Struct, frozen=True, slots=True):
    serial: int
    reason: int
    issuer: tuple[GeneralName, ...] | None  # certificateIssuer in force (indirect CRLs)


def _general_names(t: der.TLV) -> tuple[GeneralName, ...]:
    out: list[GeneralName] = []
    for g in t.children():
        n = g.number
        if g.cls != 2:
            raise der.DERError("GeneralName")
        if n == GEN_DIRNAME:
            inner = g.children()
            if len(inner) != 1:
                raise der.DERError("directoryName")
            out.append((n, Name.from_der(inner[0].raw).canonical()))
        else:
            out.append((n, g.content))
    return tuple(out)


def _name_plus_rdn(base: Name, rdn_content: bytes) -> Name:
    top = der.parse(base.der)
    return Name.from_der(der.encode(der.SEQUENCE, top.content + der.encode(der.SET, rdn_content)))


def _dist_point_name(t: der.TLV, issuer: Name) -> DistPointName:
    kids = t.children()
    if len(kids) != 1:
        raise der.DERError("DistributionPointName")
    k = kids[0]
    if k.tag == 0xA0:
        return DistPointName(0, _general_names(k), None)
    if k.tag == 0xA1:
        return DistPointName(1, (), _name_plus_rdn(issuer, k.content))
    raise der.DERError("DistributionPointName choice")


def _reason_bits(t: der.TLV) -> int:
    if not t.content:
        raise der.DERError("BIT STRING")
    data = t.content[1:]
    v = data[0] if data else 0
    if len(data) > 1:
        v |= data[1] << 8
    return v & CRLDP_ALL_REASONS


def _dirname(gens: Sequence[GeneralName]) -> bytes | None:
    for kind, value in gens:
        if kind == GEN_DIRNAME:
            return value
    return None


def dist_points(x: Certificate, oid: str = C.OID_CRLDP) -> tuple[DistPoint, ...]:
    """The certificate's CRL distribution points (``x->crldp``), or those of the
    freshest-CRL extension; empty when absent or undecodable."""
    ext, _ = x.get_ext(oid)
    if ext is None:
        return ()
    try:
        top = der.parse(ext.value)
        if top.tag != der.SEQUENCE:
            return ()
        out = []
        for dp in top.children():
            if dp.tag != der.SEQUENCE:
                return ()
            dpn: der.TLV | None = None
            reasons = CRLDP_ALL_REASONS
            crl_issuer: tuple[GeneralName, ...] | None = None
            for k in dp.children():
                if k.tag == 0xA0:
                    dpn = k
                elif k.tag == 0x81:
                    reasons = _reason_bits(k)
                elif k.tag == 0xA2:
                    crl_issuer = _general_names(k)
                else:
                    return ()
            if dpn is None and not crl_issuer:
                return ()  # X509_R_INVALID_DISTPOINT
            iname = x.issuer
            if crl_issuer:
                dn = _first_dirname_name(dp)
                if dn is not None:
                    iname = dn
            name = _dist_point_name(dpn, iname) if dpn is not None else None
            urls: tuple[str, ...] = ()
            if name is not None and name.type == 0:
                urls = tuple(v.decode("latin-1") for kind, v in name.fullname if kind == GEN_URI)
            out.append(DistPoint(name, reasons, crl_issuer, urls))
        return tuple(out)
    except (der.DERError, NameError_, IndexError):
        return ()


def _first_dirname_name(dp: der.TLV) -> Name | None:
    for k in dp.children():
        if k.tag == 0xA2:
            for g in k.children():
                if g.tag == 0xA4:
                    return Name.from_der(g.children()[0].raw)
    return None


def http_urls(x: Certificate, oid: str = C.OID_CRLDP) -> list[str]:
    """``get_dp_url`` for each distribution point: the first ``http://`` URI of a
    full name (longer than 6 characters), in order."""
    out = []
    for dp in dist_points(x, oid):
        for u in dp.urls:
            if len(u) > 6 and u.startswith("http://"):
                out.append(u)
                break
    return out


def _ext_list(t: der.TLV) -> list[C.Extension]:
    if t.tag != der.SEQUENCE:
        raise der.DERError("Extensions")
    out = []
    for e in t.children():
        try:
            out.append(C._parse_extension(e))
        except C.CertificateError as exc:
            raise der.DERError(str(exc)) from None
    return out


class Crl:
    """One decoded CRL with OpenSSL's cached data (``X509_CRL``)."""

    def __init__(self, data: bytes) -> None:
        self.der = bytes(data)
        try:
            top = der.parse(self.der)
            parts = top.children()
            if top.tag != der.SEQUENCE or len(parts) != 3:
                raise CrlError("bad CertificateList")
            tbs, sigalg, sig = parts
            if tbs.tag != der.SEQUENCE or sigalg.tag != der.SEQUENCE or sig.tag != der.BIT_STRING:
                raise CrlError("bad CertificateList")
            if not sig.content:
                raise CrlError("empty signature")
            self.tbs_raw = tbs.raw
            self.sig_alg_raw = sigalg.raw
            self.sig_alg_oid = C._alg_oid(sigalg)
            self.signature_unused_bits = sig.content[0]
            self.signature = sig.content[1:]
            f = tbs.children()
            i = 0
            self.version = 0
            if f and f[0].tag == der.INTEGER:
                self.version = der.decode_int(f[0].content)
                i = 1
            if len(f) < i + 3 or f[i].tag != der.SEQUENCE:
                raise CrlError("bad TBSCertList")
            self.tbs_sig_alg_raw = f[i].raw
            self.issuer = Name.from_der(f[i + 1].raw)
            if f[i + 2].tag not in (der.UTCTIME, der.GENERALIZEDTIME):
                raise CrlError("bad thisUpdate")
            self.last_update = Asn1Time.from_tlv(f[i + 2])
            j = i + 3
            self.next_update: Asn1Time | None = None
            if j < len(f) and f[j].tag in (der.UTCTIME, der.GENERALIZEDTIME):
                self.next_update = Asn1Time.from_tlv(f[j])
                j += 1
            revoked_tlv: der.TLV | None = None
            if j < len(f) and f[j].tag == der.SEQUENCE:
                revoked_tlv = f[j]
                j += 1
            exts: list[C.Extension] = []
            if j < len(f) and f[j].tag == 0xA0:
                inner = f[j].children()
                if len(inner) != 1:
                    raise CrlError("bad crlExtensions")
                exts = _ext_list(inner[0])
                j += 1
            if j != len(f):
                raise CrlError("trailing TBSCertList fields")
            self.extensions = tuple(exts)
            self._entries = self._decode_entries(revoked_tlv)
        except (der.DERError, NameError_, IndexError, ValueError) as e:
            if isinstance(e, CrlError):
                raise
            raise CrlError(str(e)) from e
        self.sha1 = hashlib.sha1(self.der).digest()
        self._cache_extensions()

    def _decode_entries(self, revoked_tlv: der.TLV | None) -> list[tuple[int, list[C.Extension]]]:
        out: list[tuple[int, list[C.Extension]]] = []
        if revoked_tlv is None:
            return out
        for r in revoked_tlv.children():
            k = r.children()
            if r.tag != der.SEQUENCE or len(k) < 2 or k[0].tag != der.INTEGER:
                raise CrlError("bad revoked entry")
            if k[1].tag not in (der.UTCTIME, der.GENERALIZEDTIME):
                raise CrlError("bad revocationDate")
            exts = _ext_list(k[2]) if len(k) > 2 else []
            if len(k) > 3:
                raise CrlError("bad revoked entry")
            out.append((der.decode_int(k[0].content), exts))
        return out

    # --- crl_cb (ASN1_OP_D2I_POST) -----------------------------------------------------------
    def _get_ext(self, oid: str) -> tuple[C.Extension | None, int]:
        found = [e for e in self.extensions if e.oid == oid]
        if not found:
            return None, -1
        if len(found) > 1:
            return None, -2
        return found[0], 0

    def _cache_extensions(self) -> None:
        self.flags = 0
        self.idp_flags = 0
        self.idp_reasons = CRLDP_ALL_REASONS
        self.idp_distpoint: DistPointName | None = None
        self.has_idp = False
        self.akid: AuthorityKeyId | None = None
        self.crl_number: int | None = None
        self.base_crl_number: int | None = None
        ext, crit = self._get_ext(OID_IDP)
        if ext is not None:
            try:
                self._setup_idp(ext.value)
            except (der.DERError, NameError_, IndexError):
                self.flags |= C.EXFLAG_INVALID
        elif crit != -1:
            self.flags |= C.EXFLAG_INVALID
        ext, crit = self._get_ext(C.OID_AKID)
        if ext is not None:
            try:
                self.akid = C._decode_akid(ext.value)
            except (der.DERError, NameError_):
                self.flags |= C.EXFLAG_INVALID
        elif crit != -1:
            self.flags |= C.EXFLAG_INVALID
        for oid in (OID_CRL_NUMBER, OID_DELTA_CRL):
            ext, crit = self._get_ext(oid)
            value = None
            if ext is not None:
                try:
                    t = der.parse(ext.value)
                    if t.tag != der.INTEGER:
                        raise der.DERError("INTEGER")
                    value = der.decode_int(t.content)
                except der.DERError:
                    self.flags |= C.EXFLAG_INVALID
            elif crit != -1:
                self.flags |= C.EXFLAG_INVALID
            if oid == OID_CRL_NUMBER:
                self.crl_number = value
            else:
                self.base_crl_number = value
        if self.base_crl_number is not None and self.crl_number is None:
            self.flags |= C.EXFLAG_INVALID
        for e in self.extensions:
            if e.oid == C.OID_FRESHEST_CRL:
                self.flags |= C.EXFLAG_FRESHEST
            if e.critical:
                if e.oid in (OID_IDP, C.OID_AKID, OID_DELTA_CRL):
                    continue
                self.flags |= C.EXFLAG_CRITICAL
                break
        self.revoked = self._set_issuers()

    def _setup_idp(self, value: bytes) -> None:
        t = der.parse(value)
        if t.tag != der.SEQUENCE:
            raise der.DERError("IssuingDistributionPoint")
        self.has_idp = True
        self.idp_flags |= IDP_PRESENT
        only = 0
        for k in t.children():
            if k.tag == 0xA0:
                self.idp_distpoint = _dist_point_name(k, self.issuer)
            elif k.tag in (0x81, 0x82, 0x84, 0x85):
                on = k.content not in (b"", b"\x00")
                if not on:
                    continue
                if k.tag == 0x81:
                    only += 1
                    self.idp_flags |= IDP_ONLYUSER
                elif k.tag == 0x82:
                    only += 1
                    self.idp_flags |= IDP_ONLYCA
                elif k.tag == 0x85:
                    only += 1
                    self.idp_flags |= IDP_ONLYATTR
                else:
                    self.idp_flags |= IDP_INDIRECT
            elif k.tag == 0x83:
                self.idp_flags |= IDP_REASONS
                self.idp_reasons = _reason_bits(k)
            else:
                raise der.DERError("IssuingDistributionPoint member")
        if only > 1:
            self.idp_flags |= IDP_INVALID

    def _set_issuers(self) -> list[Revoked]:
        """``crl_set_issuers``: reasons, inherited certificate issuers, critical entry
        extensions."""
        out: list[Revoked] = []
        gens: tuple[GeneralName, ...] | None = None
        for serial, exts in self._entries:
            ci = [e for e in exts if e.oid == OID_CERT_ISSUER]
            if ci:
                try:
                    t = der.parse(ci[0].value)
                    if t.tag != der.SEQUENCE or len(ci) > 1:
                        raise der.DERError("GeneralNames")
                    gens = _general_names(t)
                except (der.DERError, NameError_):
                    self.flags |= C.EXFLAG_INVALID
                    return out
            reason = CRL_REASON_NONE
            rc = [e for e in exts if e.oid == OID_CRL_REASON]
            if rc:
                try:
                    t = der.parse(rc[0].value)
                    if t.tag != der.ENUMERATED or len(rc) > 1:
                        raise der.DERError("CRLReason")
                    reason = der.decode_int(t.content)
                except der.DERError:
                    self.flags |= C.EXFLAG_INVALID
                    return out
            for e in exts:
                if e.critical and e.oid != OID_CERT_ISSUER:
                    self.flags |= C.EXFLAG_CRITICAL
                    break
            out.append(Revoked(serial, reason, gens))
        return out

    # --- lookups -----------------------------------------------------------------------------
    def lookup(self, serial: int, issuer: Name) -> Revoked | None:
        """``def_crl_lookup``: the entry revoking ``serial`` of ``issuer``."""
        for rev in sorted(self.revoked, key=lambda r: r.serial):
            if rev.serial != serial:
                continue
            if rev.issuer is None:
                if issuer == self.issuer:
                    return rev
                continue
            canon = issuer.canonical()
            if any(k == GEN_DIRNAME and v == canon for k, v in rev.issuer):
                return rev
        return None

    def ext_value(self, oid: str) -> bytes | bool | None:
        """The extension's value; None if absent; False if it occurs twice."""
        ext, crit = self._get_ext(oid)
        if crit == -2:
            return False
        return None if ext is None else ext.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Crl) and self.der == other.der

    def __hash__(self) -> int:
        return hash(self.der)

    def __repr__(self) -> str:
        return f"Crl(issuer={self.issuer.oneline()!r})"


def load_der(data: bytes) -> Crl:
    return Crl(data)


# --------------------------------------------------------------------------------------------
# The checks of x509_vfy.c


#: ``lookup_crls``: CRLs whose issuer is the name, for the certificate being checked
#: (``None`` when the lookup itself fails, as ``X509_STORE_CTX_get1_crls`` returns NULL).
CrlLookup = Callable[[Name, Certificate], "Sequence[Crl] | None"]


class RevocationContext(Protocol):
    """What the checks need from the chain verifier (its ``X509_STORE_CTX``)."""

    chain: list[Certificate]
    untrusted: list[Certificate]
    error_depth: int
    current_cert: Certificate | None
    now: int
    params: Any
    parent: Any

    def verify_crl_error(self, err: int) -> None:
        """``verify_cb_crl``: report ``err`` at the current depth (raises to abort)."""

    def lookup_crls(self, name: Name, x: Certificate) -> Sequence[Crl] | None: ...

    def check_issued(self, x: Certificate, issuer: Certificate) -> bool: ...

    def crl_signature_ok(self, crl: Crl, issuer: Certificate) -> bool: ...

    def check_crl_path(self, x: Certificate | None) -> int: ...


class _State(Struct, slots=True):
    issuer: Certificate | None = None
    score: int = 0
    reasons: int = 0


def _check_time(ctx: RevocationContext, crl: Crl, notify: bool, score: int) -> bool:
    """``ossl_x509_check_crl_time`` (3.0, ``X509_cmp_time`` semantics)."""
    if ctx.params.no_check_time and ctx.params.check_time is None:
        return True
    now = ctx.now
    lu = crl.last_update.posix_strict()
    i = 0 if lu is None else (-1 if lu <= now else 1)
    if i == 0:
        if not notify:
            return False
        ctx.verify_crl_error(ERROR_IN_CRL_LAST_UPDATE_FIELD)
    if i > 0:
        if not notify:
            return False
        ctx.verify_crl_error(CRL_NOT_YET_VALID)
    if crl.next_update is not None:
        nu = crl.next_update.posix_strict()
        i = 0 if nu is None else (-1 if nu <= now else 1)
        if i == 0:
            if not notify:
                return False
            ctx.verify_crl_error(ERROR_IN_CRL_NEXT_UPDATE_FIELD)
        if i < 0 and not score & SCORE_TIME_DELTA:
            if not notify:
                return False
            ctx.verify_crl_error(CRL_HAS_EXPIRED)
    return True


def _matching_issuer_and_akid(crl: Crl, issuer: Certificate | None) -> bool:
    if issuer is None or issuer.subject != crl.issuer:
        return False
    return C.check_akid(issuer, crl.akid) == errors.OK


def _crl_akid_check(ctx: RevocationContext, crl: Crl, score: int) -> tuple[int, Certificate | None]:
    chain = ctx.chain
    cidx = ctx.error_depth
    if cidx != len(chain) - 1:
        cidx += 1
    crl_issuer = chain[cidx]
    if _matching_issuer_and_akid(crl, crl_issuer) and score & SCORE_ISSUER_NAME:
        return score | SCORE_AKID | SCORE_ISSUER_CERT, crl_issuer
    for c in chain[cidx + 1 :]:
        if _matching_issuer_and_akid(crl, c):
            return score | SCORE_AKID | SCORE_SAME_PATH, c
    if not ctx.params.extended_crl:
        return score, None
    for c in ctx.untrusted:
        if _matching_issuer_and_akid(crl, c):
            return score | SCORE_AKID, c
    return score, None


def _idp_check_dp(a: DistPointName | None, b: DistPointName | None) -> bool:
    if a is None or b is None:
        return True
    nm: Name | None = None
    gens: tuple[GeneralName, ...] = ()
    if a.type == 1:
        if a.dpname is None:
            return False
        if b.type == 1:
            return b.dpname is not None and a.dpname == b.dpname
        nm, gens = a.dpname, b.fullname
    elif b.type == 1:
        if b.dpname is None:
            return False
        nm, gens = b.dpname, a.fullname
    if nm is not None:
        canon = nm.canonical()
        return any(k == GEN_DIRNAME and v == canon for k, v in gens)
    return any(ga == gb for ga in a.fullname for gb in b.fullname)


def _crldp_check_crlissuer(dp: DistPoint, crl: Crl, score: int) -> bool:
    if dp.crl_issuer is None:
        return bool(score & SCORE_ISSUER_NAME)
    canon = crl.issuer.canonical()
    return any(k == GEN_DIRNAME and v == canon for k, v in dp.crl_issuer)


def _crl_crldp_check(x: Certificate, crl: Crl, score: int) -> int | None:
    """``crl_crldp_check``: the reasons in scope, or None when out of scope."""
    if crl.idp_flags & IDP_ONLYATTR:
        return None
    if x.ex_flags & C.EXFLAG_CA:
        if crl.idp_flags & IDP_ONLYUSER:
            return None
    elif crl.idp_flags & IDP_ONLYCA:
        return None
    reasons = crl.idp_reasons
    for dp in dist_points(x):
        if _crldp_check_crlissuer(dp, crl, score) and (
            not crl.has_idp or _idp_check_dp(dp.distpoint, crl.idp_distpoint)
        ):
            return reasons & dp.reasons
    if (not crl.has_idp or crl.idp_distpoint is None) and score & SCORE_ISSUER_NAME:
        return reasons
    return None


def _get_crl_score(
    ctx: RevocationContext, reasons: int, crl: Crl, x: Certificate, cur_score: int
) -> tuple[int, Certificate | None, int]:
    """``get_crl_score`` -> (score, CRL issuer, reasons)."""
    tmp_reasons = reasons
    score = 0
    if crl.idp_flags & IDP_INVALID:
        return 0, None, reasons
    if not ctx.params.extended_crl:
        if crl.idp_flags & (IDP_INDIRECT | IDP_REASONS):
            return 0, None, reasons
    elif crl.idp_flags & IDP_REASONS:
        if not crl.idp_reasons & ~tmp_reasons:
            return 0, None, reasons
    elif crl.base_crl_number is not None:  # 3.0: deltas wait for get_delta_sk
        return 0, None, reasons
    if x.issuer != crl.issuer:
        if not crl.idp_flags & IDP_INDIRECT:
            return 0, None, reasons
    else:
        score |= SCORE_ISSUER_NAME
    if not crl.flags & C.EXFLAG_CRITICAL:
        score |= SCORE_NOCRITICAL
    if _check_time(ctx, crl, False, cur_score):
        score |= SCORE_TIME
    score, issuer = _crl_akid_check(ctx, crl, score)
    if not score & SCORE_AKID:
        return 0, None, reasons
    crl_reasons = _crl_crldp_check(x, crl, score)
    if crl_reasons is not None:
        if not crl_reasons & ~tmp_reasons:
            return 0, None, reasons
        tmp_reasons |= crl_reasons
        score |= SCORE_SCOPE
    return score, issuer, tmp_reasons


def _check_delta_base(delta: Crl, base: Crl) -> bool:
    if delta.base_crl_number is None or base.crl_number is None:
        return False
    if delta.issuer != base.issuer:
        return False
    for oid in (C.OID_AKID, OID_IDP):
        a, b = delta.ext_value(oid), base.ext_value(oid)
        if a is False or b is False or a != b:
            return False
    if delta.base_crl_number > base.crl_number:
        return False
    return delta.crl_number is not None and delta.crl_number > base.crl_number


def _get_delta_sk(
    ctx: RevocationContext,
    x: Certificate,
    score: int,
    base: Crl,
    crls: Sequence[Crl],
    cur_score: int,
) -> tuple[Crl | None, int]:
    if not ctx.params.use_deltas:
        return None, score
    if not (x.ex_flags | base.flags) & C.EXFLAG_FRESHEST:
        return None, score
    for delta in crls:
        if _check_delta_base(delta, base):
            if _check_time(ctx, delta, False, cur_score):
                score |= SCORE_TIME_DELTA
            return delta, score
    return None, score


class _Pick(Struct, slots=True):
    crl: Crl | None = None
    dcrl: Crl | None = None
    issuer: Certificate | None = None
    score: int = 0
    reasons: int = 0
    cur_score: int = 0  # ctx->current_crl_score while scoring


def _get_crl_sk(ctx: RevocationContext, x: Certificate, pick: _Pick, crls: Sequence[Crl]) -> bool:
    best_score = pick.score
    best: Crl | None = None
    best_issuer: Certificate | None = None
    best_reasons = 0
    for crl in crls:
        score, issuer, reasons = _get_crl_score(ctx, pick.reasons, crl, x, pick.cur_score)
        if score < best_score or score == 0:
            continue
        if score == best_score and best is not None:
            a, b = best.last_update.to_tm(), crl.last_update.to_tm()
            if a is None or b is None or b.posix() - a.posix() <= 0:
                continue
        best, best_issuer, best_score, best_reasons = crl, issuer, score, reasons
    if best is not None:
        pick.crl, pick.issuer, pick.score, pick.reasons = (
            best,
            best_issuer,
            best_score,
            best_reasons,
        )
        pick.dcrl, pick.score = _get_delta_sk(ctx, x, pick.score, best, crls, pick.cur_score)
    return best_score >= SCORE_VALID


def _get_crl_delta(ctx: RevocationContext, x: Certificate, st: _State) -> _Pick | None:
    pick = _Pick(reasons=st.reasons, cur_score=st.score)
    # ctx->crls (X509_STORE_CTX_set0_crls) is empty in s_client: straight to the store
    _get_crl_sk(ctx, x, pick, ctx.lookup_crls(x.issuer, x) or ())
    if pick.crl is None:
        return None
    st.issuer, st.score, st.reasons = pick.issuer, pick.score, pick.reasons
    return pick


def _check_crl(ctx: RevocationContext, crl: Crl, st: _State) -> None:
    cnum = ctx.error_depth
    chnum = len(ctx.chain) - 1
    if st.issuer is not None:
        issuer: Certificate | None = st.issuer
    elif cnum < chnum:
        issuer = ctx.chain[cnum + 1]
    else:
        issuer = ctx.chain[chnum]
        if not ctx.check_issued(issuer, issuer):
            ctx.verify_crl_error(UNABLE_TO_GET_CRL_ISSUER)
    if issuer is None:
        return
    if crl.base_crl_number is None:
        if issuer.ex_flags & C.EXFLAG_KUSAGE and not issuer.ex_kusage & C.KU_CRL_SIGN:
            ctx.verify_crl_error(KEYUSAGE_NO_CRL_SIGN)
        if not st.score & SCORE_SCOPE:
            ctx.verify_crl_error(DIFFERENT_CRL_SCOPE)
        if not st.score & SCORE_SAME_PATH and ctx.check_crl_path(st.issuer) <= 0:
            ctx.verify_crl_error(CRL_PATH_VALIDATION_ERROR)
        if crl.idp_flags & IDP_INVALID:
            ctx.verify_crl_error(errors.INVALID_EXTENSION)
    if not st.score & SCORE_TIME:
        _check_time(ctx, crl, True, st.score)
    if issuer.public_key is None:
        ctx.verify_crl_error(errors.UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY)
    elif not ctx.crl_signature_ok(crl, issuer):
        ctx.verify_crl_error(CRL_SIGNATURE_FAILURE)


def _cert_crl(ctx: RevocationContext, crl: Crl, x: Certificate) -> int:
    if not ctx.params.ignore_critical and crl.flags & C.EXFLAG_CRITICAL:
        ctx.verify_crl_error(UNHANDLED_CRITICAL_CRL_EXTENSION)
    rev = crl.lookup(x.serial, x.issuer)
    if rev is not None:
        if rev.reason == CRL_REASON_REMOVE_FROM_CRL:
            return 2
        ctx.verify_crl_error(errors.CERT_REVOKED)
    return 1


def check_cert(ctx: RevocationContext) -> None:
    """``check_cert``: the CRL checks of the certificate at ``ctx.error_depth``."""
    x = ctx.chain[ctx.error_depth]
    ctx.current_cert = x
    st = _State()
    if x.ex_flags & C.EXFLAG_PROXY:
        return
    while st.reasons != CRLDP_ALL_REASONS:
        last_reasons = st.reasons
        pick = _get_crl_delta(ctx, x, st)
        if pick is None or pick.crl is None:
            ctx.verify_crl_error(errors.UNABLE_TO_GET_CRL)
            return
        _check_crl(ctx, pick.crl, st)
        ok = 1
        if pick.dcrl is not None:
            _check_crl(ctx, pick.dcrl, st)
            ok = _cert_crl(ctx, pick.dcrl, x)
        if ok != 2:
            _cert_crl(ctx, pick.crl, x)
        if last_reasons == st.reasons:
            ctx.verify_crl_error(errors.UNABLE_TO_GET_CRL)
            return


def check_revocation(ctx: RevocationContext) -> None:
    """``check_revocation`` (3.0): the leaf, or every certificate with ``-crl_check_all``."""
    p = ctx.params
    if not p.crl_check and not p.crl_check_all:
        return
    if p.crl_check_all:
        last = len(ctx.chain) - 1
    else:
        if ctx.parent is not None:
            return
        last = 0
    for i in range(last + 1):
        ctx.error_depth = i
        check_cert(ctx)
