"""A certificate as OpenSSL's verifier sees it.

:class:`Certificate` walks the DER itself (so odd encodings are seen as
OpenSSL sees them) and computes lazily what ``ossl_x509v3_cache_extensions``
caches: the ``EXFLAG_*`` bits, key usage, extended key usage, Netscape cert
type, path length, SKID/AKID, self-issued/self-signed. ``cryptography`` is
used only for public keys and signature checks.
"""

from __future__ import annotations

import functools
from typing import Any

from sclient.base import der
from sclient.base.pyca import allow, is_rsa_public_key, key_kind
from sclient.base.spki import light_public_key
from sclient.base.structs import Struct
from sclient.x509 import oids
from sclient.x509.asn1time import Asn1Time
from sclient.x509.names import Name, NameError_

# EXFLAG_* (crypto/x509v3.h)
EXFLAG_BCONS = 0x1
EXFLAG_KUSAGE = 0x2
EXFLAG_XKUSAGE = 0x4
EXFLAG_NSCERT = 0x8
EXFLAG_CA = 0x10
EXFLAG_SI = 0x20
EXFLAG_V1 = 0x40
EXFLAG_INVALID = 0x80
EXFLAG_SET = 0x100
EXFLAG_CRITICAL = 0x200
EXFLAG_PROXY = 0x400
EXFLAG_INVALID_POLICY = 0x800
EXFLAG_FRESHEST = 0x1000
EXFLAG_SS = 0x2000
EXFLAG_BCONS_CRITICAL = 0x10000
EXFLAG_AKID_CRITICAL = 0x20000
EXFLAG_SKID_CRITICAL = 0x40000
EXFLAG_SAN_CRITICAL = 0x80000
EXFLAG_NO_FINGERPRINT = 0x100000

# KU_* (keyUsage bits as OpenSSL stores them: first octet, second octet << 8)
KU_DIGITAL_SIGNATURE = 0x0080
KU_NON_REPUDIATION = 0x0040
KU_KEY_ENCIPHERMENT = 0x0020
KU_DATA_ENCIPHERMENT = 0x0010
KU_KEY_AGREEMENT = 0x0008
KU_KEY_CERT_SIGN = 0x0004
KU_CRL_SIGN = 0x0002
KU_ENCIPHER_ONLY = 0x0001
KU_DECIPHER_ONLY = 0x8000

# XKU_*
XKU_SSL_SERVER = 0x1
XKU_SSL_CLIENT = 0x2
XKU_SMIME = 0x4
XKU_CODE_SIGN = 0x8
XKU_SGC = 0x10
XKU_OCSP_SIGN = 0x20
XKU_TIMESTAMP = 0x40
XKU_DVCS = 0x80
XKU_ANYEKU = 0x100

# NS_* (Netscape cert type)
NS_SSL_CLIENT = 0x80
NS_SSL_SERVER = 0x40
NS_SMIME = 0x20
NS_OBJSIGN = 0x10
NS_SSL_CA = 0x04
NS_SMIME_CA = 0x02
NS_OBJSIGN_CA = 0x01
NS_ANY_CA = NS_SSL_CA | NS_SMIME_CA | NS_OBJSIGN_CA

_EKU_BITS = {
    "1.3.6.1.5.5.7.3.1": XKU_SSL_SERVER,
    "1.3.6.1.5.5.7.3.2": XKU_SSL_CLIENT,
    "1.3.6.1.5.5.7.3.4": XKU_SMIME,
    "1.3.6.1.5.5.7.3.3": XKU_CODE_SIGN,
    "2.16.840.1.113730.4.1": XKU_SGC,
    "1.3.6.1.4.1.311.10.3.3": XKU_SGC,
    "1.3.6.1.5.5.7.3.9": XKU_OCSP_SIGN,
    "1.3.6.1.5.5.7.3.8": XKU_TIMESTAMP,
    "1.3.6.1.5.5.7.3.10": XKU_DVCS,
    "2.5.29.37.0": XKU_ANYEKU,
}

OID_BASIC_CONSTRAINTS = "2.5.29.19"
OID_KEY_USAGE = "2.5.29.15"
OID_EXT_KEY_USAGE = "2.5.29.37"
OID_SKID = "2.5.29.14"
OID_AKID = "2.5.29.35"
OID_SAN = "2.5.29.17"
OID_IAN = "2.5.29.18"
OID_NAME_CONSTRAINTS = "2.5.29.30"
OID_CRLDP = "2.5.29.31"
OID_FRESHEST_CRL = "2.5.29.46"
OID_NS_CERT_TYPE = "2.16.840.1.113730.1.1"
OID_PROXY_CERT_INFO = "1.3.6.1.5.5.7.1.14"

#: X509_supported_extension(): critical extensions OpenSSL understands
SUPPORTED_EXTENSIONS = frozenset(
    {
        OID_NS_CERT_TYPE,
        OID_KEY_USAGE,
        OID_SAN,
        OID_BASIC_CONSTRAINTS,
        "2.5.29.32",  # certificatePolicies
        OID_CRLDP,  # in 3.0.19's list (a critical one is not an error)
        OID_EXT_KEY_USAGE,
        "1.3.6.1.5.5.7.1.7",  # sbgp-ipAddrBlock
        "1.3.6.1.5.5.7.1.8",  # sbgp-autonomousSysNum
        "1.3.6.1.5.5.7.48.1.5",  # id-pkix-ocsp-nocheck (also in 3.0.19's list)
        "2.5.29.36",  # policyConstraints
        OID_PROXY_CERT_INFO,
        OID_NAME_CONSTRAINTS,
        "2.5.29.33",  # policyMappings
        "2.5.29.54",  # inhibitAnyPolicy
    }
)


class CertificateError(ValueError):
    """The DER is not a certificate OpenSSL would decode."""


class Extension(Struct, frozen=True, slots=True):
    oid: str
    critical: bool
    value: bytes  # the extnValue OCTET STRING contents


class AuthorityKeyId(Struct, frozen=True, slots=True):
    keyid: bytes | None
    issuer_dirnames: tuple[Name, ...] | None  # None when authorityCertIssuer is absent
    serial: int | None


#: How many decoded certificates :func:`decoded` keeps.
DECODED_CACHE_SIZE = 64


@functools.lru_cache(maxsize=DECODED_CACHE_SIZE)
def _decoded(data: bytes) -> Certificate:
    return Certificate(data)


def decoded(data: bytes) -> Certificate:
    """``Certificate(data)``, decoded once for the same DER while it is among
    the last :data:`DECODED_CACHE_SIZE` decoded: a process making many
    connections (``-reconnect``, the benchmarks) meets the same chain each
    time. A certificate is never changed after it is made (what it computes
    lazily depends on its DER alone), so the one object serves every caller;
    DER that does not decode raises :class:`CertificateError` every time."""
    if type(data) is not bytes:
        return Certificate(data)
    return _decoded(data)


def parse_trusted(data: bytes) -> Certificate:
    """``d2i_X509_AUX``: a certificate optionally followed by trust settings."""
    first, end = der.read(data, 0)
    cert = Certificate(first.raw)
    if end < len(data):
        cert.aux = CertAux.parse(data[end:])
    return cert


class CertAux(Struct, frozen=True, slots=True):
    """``X509_CERT_AUX`` (from ``TRUSTED CERTIFICATE`` PEM): trust/reject EKU OIDs."""

    trust: tuple[str, ...] | None
    reject: tuple[str, ...] | None
    alias: bytes | None = None

    @classmethod
    def parse(cls, data: bytes) -> CertAux | None:
        try:
            t, _ = der.read(data, 0)
        except der.DERError:
            return None
        if t.tag != der.SEQUENCE:
            return None
        trust = reject = None
        alias = None
        for k in t.children():
            if k.tag == der.SEQUENCE:
                trust = tuple(der.decode_oid(o.content) for o in k.children() if o.tag == der.OID)
            elif k.tag == 0xA0:
                reject = tuple(der.decode_oid(o.content) for o in k.children() if o.tag == der.OID)
            elif k.tag == der.UTF8STRING:
                alias = k.content
        return cls(trust, reject, alias)


class Certificate:
    """One parsed certificate (``X509``), with OpenSSL's cached extension data."""

    def __init__(self, data: bytes) -> None:
        self.der = bytes(data)
        try:
            top = der.parse(self.der, allow_trailing=False)
            if top.tag != der.SEQUENCE:
                raise CertificateError("not a SEQUENCE")
            parts = top.children()
            if len(parts) != 3:
                raise CertificateError("Certificate must have 3 parts")
            tbs, sigalg, sig = parts
            if tbs.tag != der.SEQUENCE or sigalg.tag != der.SEQUENCE or sig.tag != der.BIT_STRING:
                raise CertificateError("bad Certificate structure")
            self.tbs_raw = tbs.raw
            self.sig_alg_raw = sigalg.raw
            self.sig_alg_oid = _alg_oid(sigalg)
            if not sig.content:
                raise CertificateError("empty signature")
            self.signature_unused_bits = sig.content[0]
            self.signature = sig.content[1:]
            fields = tbs.children()
            i = 0
            self.version = 0
            if fields and fields[0].tag == 0xA0:
                v = fields[0].children()
                if len(v) != 1 or v[0].tag != der.INTEGER:
                    raise CertificateError("bad version")
                self.version = der.decode_int(v[0].content)
                i = 1
            serial, tsig, issuer, validity, subject, spki = fields[i : i + 6]
            if serial.tag != der.INTEGER:
                raise CertificateError("bad serial")
            self.serial = der.decode_int(serial.content)
            self.tbs_sig_alg_raw = tsig.raw
            self.issuer = Name.from_der(issuer.raw)
            self.subject = Name.from_der(subject.raw)
            times = validity.children()
            if validity.tag != der.SEQUENCE or len(times) != 2:
                raise CertificateError("bad validity")
            for t in times:  # ASN1_TIME is an MSTRING of UTCTime | GeneralizedTime
                if t.tag not in (der.UTCTIME, der.GENERALIZEDTIME):
                    raise CertificateError("bad time type")
            self.not_before = Asn1Time.from_tlv(times[0])
            self.not_after = Asn1Time.from_tlv(times[1])
            if spki.tag != der.SEQUENCE:
                raise CertificateError("bad SubjectPublicKeyInfo")
            self.spki_raw = spki.raw
            spki_parts = spki.children()
            if len(spki_parts) != 2:
                raise CertificateError("bad SubjectPublicKeyInfo")
            self.key_alg_oid = _alg_oid(spki_parts[0])
            exts: list[Extension] = []
            for f in fields[i + 6 :]:
                if f.tag == 0xA3:
                    seqs = f.children()
                    if len(seqs) != 1 or seqs[0].tag != der.SEQUENCE:
                        raise CertificateError("bad extensions")
                    for e in seqs[0].children():
                        exts.append(_parse_extension(e))
                elif f.tag not in (0x81, 0x82):  # issuer/subject unique IDs
                    raise CertificateError("unexpected TBSCertificate field")
            self.extensions = tuple(exts)
        except (der.DERError, NameError_, ValueError, IndexError) as e:
            if isinstance(e, CertificateError):
                raise
            raise CertificateError(str(e)) from e
        self._flags: int | None = None
        self._base_flags: int | None = None
        #: trust settings from a ``TRUSTED CERTIFICATE`` PEM block (``X509_CERT_AUX``)
        self.aux: CertAux | None = None

    # ---------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<Certificate {self.subject.oneline()!r}>"

    def __eq__(self, other: object) -> bool:
        """``X509_cmp``: same certificate (SHA-1 fingerprint, then encoding)."""
        return isinstance(other, Certificate) and self.der == other.der

    def __hash__(self) -> int:
        return hash(self.der)

    @functools.cached_property
    def fingerprint_sha1(self) -> bytes:
        from sclient.tls.crypto.hashes import digest

        return digest("sha1", self.der)

    @functools.cached_property
    def public_key(self) -> Any | None:
        """The ``cryptography`` public key, or ``None`` if it cannot be decoded."""
        key = light_public_key(self.spki_raw)
        if key is not None:
            return key
        from cryptography import x509

        try:
            # cryptography warns of what OpenSSL accepts (a serial <= 0, DSA)
            with allow("serial", "dsa"):
                return x509.load_der_x509_certificate(self.der).public_key()
        except Exception:
            pass
        from cryptography.hazmat.primitives import serialization

        try:
            with allow("dsa"):
                return serialization.load_der_public_key(self.spki_raw)
        except Exception:
            pass
        if self.ec_explicit_params:
            return _load_explicit_ec(self.spki_raw)
        return None

    # --- extension helpers ------------------------------------------------------------------
    def get_ext(self, oid: str) -> tuple[Extension | None, int]:
        """``X509_get_ext_d2i`` crit semantics: (ext, 0/1) found once, (None, -1) absent,
        (None, -2) present more than once."""
        found = [e for e in self.extensions if e.oid == oid]
        if not found:
            return None, -1
        if len(found) > 1:
            return None, -2
        return found[0], int(found[0].critical)

    def _ensure_exts(self) -> int:
        """The extension-decoding half of ``ossl_x509v3_cache_extensions``."""
        if self._base_flags is not None:
            return self._base_flags
        flags = 0
        self._pathlen = -1
        self._kusage = 0xFFFFFFFF
        self._xkusage = 0xFFFFFFFF
        self._nscert = 0
        self._pcpathlen = -1
        self._skid: bytes | None = None
        self._akid: AuthorityKeyId | None = None
        if self.version == 0:
            flags |= EXFLAG_V1
        # basicConstraints
        ext, crit = self.get_ext(OID_BASIC_CONSTRAINTS)
        if ext is not None:
            try:
                ca, pathlen = _decode_bc(ext.value)
                if ca:
                    flags |= EXFLAG_CA
                if pathlen is not None:
                    if pathlen < 0:
                        flags |= EXFLAG_INVALID
                    else:
                        self._pathlen = pathlen
                flags |= EXFLAG_BCONS
            except der.DERError:
                flags |= EXFLAG_INVALID
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # proxyCertInfo
        ext, crit = self.get_ext(OID_PROXY_CERT_INFO)
        if ext is not None:
            try:
                pcpl = _decode_pci(ext.value)
                if (
                    flags & EXFLAG_CA
                    or self.get_ext(OID_SAN)[1] != -1
                    or self.get_ext(OID_IAN)[1] != -1
                ):
                    flags |= EXFLAG_INVALID
                self._pcpathlen = -1 if pcpl is None else pcpl
                flags |= EXFLAG_PROXY
            except der.DERError:
                flags |= EXFLAG_INVALID
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # keyUsage
        ext, crit = self.get_ext(OID_KEY_USAGE)
        if ext is not None:
            try:
                self._kusage = decode_bits16(ext.value)
                flags |= EXFLAG_KUSAGE
                if self._kusage == 0:
                    # RFC 5280 4.2.1.3: a keyUsage with no bit set is invalid;
                    # OpenSSL 3.0 then uses the certificate as nobody's issuer.
                    flags |= EXFLAG_INVALID
            except der.DERError:
                flags |= EXFLAG_INVALID
                self._kusage = 0
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # extendedKeyUsage
        ext, crit = self.get_ext(OID_EXT_KEY_USAGE)
        if ext is not None:
            try:
                xku = 0
                for oid in decode_oid_seq(ext.value):
                    xku |= _EKU_BITS.get(oid, 0)
                self._xkusage = xku
                flags |= EXFLAG_XKUSAGE
            except der.DERError:
                flags |= EXFLAG_INVALID
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # Netscape cert type
        ext, crit = self.get_ext(OID_NS_CERT_TYPE)
        if ext is not None:
            try:
                self._nscert = decode_bits16(ext.value) & 0xFF
                flags |= EXFLAG_NSCERT
            except der.DERError:
                flags |= EXFLAG_INVALID
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # subject key identifier
        ext, crit = self.get_ext(OID_SKID)
        if ext is not None:
            try:
                t = der.parse(ext.value)
                if t.tag != der.OCTET_STRING:
                    raise der.DERError("SKID")
                self._skid = t.content
            except der.DERError:
                flags |= EXFLAG_INVALID
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # authority key identifier
        ext, crit = self.get_ext(OID_AKID)
        if ext is not None:
            try:
                self._akid = _decode_akid(ext.value)
            except (der.DERError, NameError_):
                flags |= EXFLAG_INVALID
        elif crit != -1:
            flags |= EXFLAG_INVALID
        # other extensions whose decoding failure marks the certificate invalid
        from sclient.x509 import nameconstraints as _nc

        self._altnames: tuple[_nc.GeneralName, ...] | None = None
        self._nc: _nc.NameConstraints | None = None
        for oid in (OID_SAN, OID_NAME_CONSTRAINTS, OID_CRLDP):
            ext, crit = self.get_ext(oid)
            if ext is None and crit == -2:
                flags |= EXFLAG_INVALID
            elif ext is not None:
                try:
                    t = der.parse(ext.value)
                    if t.tag != der.SEQUENCE:
                        raise der.DERError("not a SEQUENCE")
                    if oid == OID_SAN:
                        self._altnames = _nc.decode_general_names(ext.value)
                    elif oid == OID_NAME_CONSTRAINTS:
                        self._nc = _nc.decode_name_constraints(ext.value)
                except der.DERError:
                    flags |= EXFLAG_INVALID
        self._base_flags = flags
        return flags

    def _compute(self) -> None:
        """``ossl_x509v3_cache_extensions``: add self-issued/self-signed and criticality."""
        flags = self._ensure_exts()
        if self.subject == self.issuer:
            flags |= EXFLAG_SI
            if check_akid(self, self._akid) == 0 and check_sig_alg_match(self, self) == 0:
                flags |= EXFLAG_SS
        for e in self.extensions:
            if e.oid == OID_FRESHEST_CRL:
                flags |= EXFLAG_FRESHEST
        for e in self.extensions:
            if not e.critical:
                continue
            if e.oid not in SUPPORTED_EXTENSIONS:
                flags |= EXFLAG_CRITICAL
                break
            # As in OpenSSL, only extensions met before the first unsupported
            # critical one get these flags; the key identifiers are never
            # "supported", so a critical one is error 34, never 90 or 91.
            if e.oid == OID_BASIC_CONSTRAINTS:
                flags |= EXFLAG_BCONS_CRITICAL
            elif e.oid == OID_AKID:
                flags |= EXFLAG_AKID_CRITICAL
            elif e.oid == OID_SKID:
                flags |= EXFLAG_SKID_CRITICAL
            elif e.oid == OID_SAN:
                flags |= EXFLAG_SAN_CRITICAL
        flags |= EXFLAG_SET
        self._flags = flags

    @property
    def ex_flags(self) -> int:
        if self._flags is None:
            self._compute()
        assert self._flags is not None
        return self._flags

    @property
    def valid_extensions(self) -> bool:
        """``ossl_x509v3_cache_extensions`` succeeded (no ``EXFLAG_INVALID``)."""
        return not self._ensure_exts() & EXFLAG_INVALID

    @property
    def ex_pathlen(self) -> int:
        self._ensure_exts()
        return self._pathlen

    @property
    def ex_pcpathlen(self) -> int:
        self._ensure_exts()
        return self._pcpathlen

    @property
    def ex_kusage(self) -> int:
        self._ensure_exts()
        return self._kusage

    @property
    def ex_xkusage(self) -> int:
        self._ensure_exts()
        return self._xkusage

    @property
    def ex_nscert(self) -> int:
        self._ensure_exts()
        return self._nscert

    @property
    def skid(self) -> bytes | None:
        self._ensure_exts()
        return self._skid

    @property
    def akid(self) -> AuthorityKeyId | None:
        self._ensure_exts()
        return self._akid

    @property
    def altnames(self) -> tuple[Any, ...] | None:
        """``x->altname``: the decoded subjectAltName (``GeneralName`` tuple) or None."""
        self._ensure_exts()
        return self._altnames

    @property
    def name_constraints(self) -> Any | None:
        """``x->nc``: the decoded nameConstraints (``NameConstraints``) or None."""
        self._ensure_exts()
        return self._nc

    @property
    def self_issued(self) -> bool:
        return bool(self.ex_flags & EXFLAG_SI)

    @property
    def self_signed(self) -> bool:
        """``EXFLAG_SS``: self-issued, AKID consistent, signature algorithm fits the key
        (the signature itself is not checked)."""
        return bool(self.ex_flags & EXFLAG_SS)

    def x509_self_signed(self) -> int:
        """``X509_self_signed(cert, 0)``: 1, 0, or -1 (no key / invalid extensions)."""
        if self.public_key is None:
            return -1
        if not self.valid_extensions:
            return -1
        return 1 if self.self_signed else 0

    # --- key facts ---------------------------------------------------------------------------
    @functools.cached_property
    def ec_explicit_params(self) -> bool:
        """An EC key whose SPKI carries explicit curve parameters (not a named curve)."""
        if self.key_alg_oid != oids.OID_EC:
            return False
        try:
            alg = der.parse(self.spki_raw).children()[0].children()
        except der.DERError:
            return False
        return len(alg) > 1 and alg[1].tag == der.SEQUENCE

    @functools.cached_property
    def key_family(self) -> str | None:
        return key_family(self.public_key, self.key_alg_oid)

    @functools.cached_property
    def tbs_sig_oid(self) -> str:
        """The OID of the TBSCertificate's signature algorithm ("" if unreadable)."""
        try:
            return _alg_oid(der.parse(self.tbs_sig_alg_raw))
        except der.DERError:
            return ""


# --- helpers shared with the verifier -----------------------------------------------------------


def key_family(key: Any, key_alg_oid: str) -> str | None:
    """The ``oids`` family of a public key (RSA vs RSA-PSS told apart by the SPKI OID)."""
    if key is None:
        return None
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519

    if is_rsa_public_key(key):
        return oids.RSA_PSS if key_alg_oid == oids.OID_RSA_PSS else oids.RSA
    if isinstance(key, ec.EllipticCurvePublicKey):
        return oids.EC
    if key_kind(key) == "dsa":
        return oids.DSA
    if isinstance(key, ed25519.Ed25519PublicKey):
        return oids.ED25519
    if isinstance(key, ed448.Ed448PublicKey):
        return oids.ED448
    return None


def check_akid(issuer: Certificate, akid: AuthorityKeyId | None) -> int:
    """``X509_check_akid``: 0 or X509_V_ERR_AKID_SKID_MISMATCH (30) /
    X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH (31)."""
    if akid is None:
        return 0
    if akid.keyid is not None and issuer.skid is not None and akid.keyid != issuer.skid:
        return 30
    if akid.serial is not None and akid.serial != issuer.serial:
        return 31
    if akid.issuer_dirnames and akid.issuer_dirnames[0] != issuer.issuer:
        return 31
    return 0


def check_sig_alg_match(issuer: Certificate, subject: Certificate) -> int:
    """``check_sig_alg_match``: does the subject's signature algorithm fit the issuer key?
    0, or 24 (no issuer key) / 76 (unknown algorithm) / 77 (mismatch)."""
    if issuer.public_key is None:
        return 24
    row = oids.SIGID.get(subject.tbs_sig_oid)
    if row is None:
        return 76
    fam = issuer.key_family
    need = row[1]
    if fam == need or (fam == oids.RSA and need == oids.RSA_PSS):
        return 0
    return 77


def likely_issued(issuer: Certificate, subject: Certificate) -> int:
    """``ossl_x509_likely_issued``: 0 if ``issuer`` plausibly issued ``subject``."""
    if issuer.subject != subject.issuer:
        return 29  # X509_V_ERR_SUBJECT_ISSUER_MISMATCH
    if not issuer.valid_extensions or not subject.valid_extensions:
        return 1
    ret = check_akid(issuer, subject.akid)
    if ret:
        return ret
    return check_sig_alg_match(issuer, subject)


def _alg_oid(alg: der.TLV) -> str:
    kids = alg.children()
    if alg.tag != der.SEQUENCE or not kids or kids[0].tag != der.OID:
        raise der.DERError("bad AlgorithmIdentifier")
    return der.decode_oid(kids[0].content)


def _parse_extension(e: der.TLV) -> Extension:
    kids = e.children()
    if e.tag != der.SEQUENCE or not 2 <= len(kids) <= 3 or kids[0].tag != der.OID:
        raise CertificateError("bad Extension")
    critical = False
    if len(kids) == 3:
        if kids[1].tag != der.BOOLEAN or len(kids[1].content) != 1:
            raise CertificateError("bad critical flag")
        critical = kids[1].content != b"\x00"
    val = kids[-1]
    if val.tag != der.OCTET_STRING:
        raise CertificateError("bad extnValue")
    return Extension(der.decode_oid(kids[0].content), critical, val.content)


def _decode_bc(value: bytes) -> tuple[bool, int | None]:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("BasicConstraints")
    ca = False
    pathlen = None
    for k in t.children():
        if k.tag == der.BOOLEAN:
            if len(k.content) != 1:
                raise der.DERError("BOOLEAN")
            ca = k.content != b"\x00"
        elif k.tag == der.INTEGER:
            pathlen = der.decode_int(k.content)
        else:
            raise der.DERError("BasicConstraints member")
    return ca, pathlen


def _decode_pci(value: bytes) -> int | None:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("ProxyCertInfo")
    for k in t.children():
        if k.tag == der.INTEGER:
            return der.decode_int(k.content)
    return None


def decode_bits16(value: bytes) -> int:
    """A BIT STRING as OpenSSL's ``ex_kusage``: first octet | second octet << 8."""
    t = der.parse(value)
    if t.tag != der.BIT_STRING or not t.content:
        raise der.DERError("BIT STRING")
    unused = t.content[0]
    if unused > 7:
        raise der.DERError("BIT STRING padding")
    data = bytearray(t.content[1:])
    if data:
        data[-1] &= (0xFF << unused) & 0xFF
    v = data[0] if data else 0
    if len(data) > 1:
        v |= data[1] << 8
    return v


def decode_oid_seq(value: bytes) -> list[str]:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("SEQUENCE OF OID")
    out = []
    for k in t.children():
        if k.tag != der.OID:
            raise der.DERError("OID")
        out.append(der.decode_oid(k.content))
    return out


def _decode_akid(value: bytes) -> AuthorityKeyId:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("AuthorityKeyIdentifier")
    keyid = None
    dirnames: list[Name] | None = None
    serial = None
    for k in t.children():
        if k.tag == 0x80:
            keyid = k.content
        elif k.tag == 0xA1:
            dirnames = []
            for gn in k.children():
                if gn.tag == 0xA4:
                    inner = gn.children()
                    if len(inner) != 1:
                        raise der.DERError("directoryName")
                    dirnames.append(Name.from_der(inner[0].raw))
        elif k.tag == 0x82:
            serial = der.decode_int(k.content)
        else:
            raise der.DERError("AuthorityKeyIdentifier member")
    return AuthorityKeyId(keyid, tuple(dirnames) if dirnames is not None else None, serial)


def load_der(data: bytes) -> Certificate:
    return Certificate(data)


# --- EC keys with explicit parameters -------------------------------------------------------------
# OpenSSL decodes them (and maps well-known parameters to the named curve);
# cryptography refuses them. Parameters equal to a named curve's are mapped here.

_NAMED_PRIMES: dict[str, tuple[int, int]] = {
    # curve name: (p, a)
    "secp256r1": (2**256 - 2**224 + 2**192 + 2**96 - 1, -3),
    "secp384r1": (2**384 - 2**128 - 2**96 + 2**32 - 1, -3),
    "secp521r1": (2**521 - 1, -3),
    "secp256k1": (2**256 - 2**32 - 977, 0),
}


def _load_explicit_ec(spki: bytes) -> Any | None:
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        alg, bits = der.parse(spki).children()
        params = alg.children()[1].children()
        field_id, curve, base = params[1], params[2], params[3]
        p = der.decode_int(field_id.children()[1].content)
        ab = curve.children()
        a = int.from_bytes(ab[0].content, "big")
        b = int.from_bytes(ab[1].content, "big")
        point = bits.content[1:]
    except (der.DERError, IndexError, ValueError):
        return None
    for name, (prime, a_named) in _NAMED_PRIMES.items():
        if p != prime or a != a_named % p:
            continue
        curve_obj: ec.EllipticCurve = getattr(ec, name.upper())()
        g = ec.derive_private_key(1, curve_obj).public_key().public_numbers()
        size = (prime.bit_length() + 7) // 8
        g_bytes = b"\x04" + g.x.to_bytes(size, "big") + g.y.to_bytes(size, "big")
        b_named = (g.y * g.y - g.x**3 - a_named * g.x) % prime
        if b != b_named or _uncompressed(base.content, curve_obj) != g_bytes:
            continue
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(curve_obj, point)
        except ValueError:
            return None
    return None


def _uncompressed(point: bytes, curve: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
    except ValueError:
        return b""
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
