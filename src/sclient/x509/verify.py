"""``X509_verify_cert`` (OpenSSL 3.0) for a TLS peer chain.

A pure function: certificates in, a :class:`VerifyResult` out. It records
every verify-callback invocation (:class:`CallbackCall`) in OpenSSL's order:
one ``ok=0`` call per error where it is found, then the ``ok=1`` calls of the
signature/time pass from the top of the chain down to the leaf. The
structure mirrors ``crypto/x509/x509_vfy.c`` function by function
(``build_chain``, ``check_trust``, ``check_extensions``, ``check_auth_level``,
``internal_verify``, ``ossl_x509_check_cert_time``) so options can be added
where OpenSSL has them.

By default every error is "continued" (what s_client's callback does unless
``-verify_return_error`` or a ``-verify`` depth limit says otherwise); pass
``callback`` to decide per call (return ``False`` to stop, as OpenSSL's
callback returning 0 does). :mod:`sclient.x509.callback` turns the recorded
calls into s_client's stderr lines.

Identity (:mod:`sclient.x509.identity`), revocation (:mod:`sclient.x509.crl`), name
constraints (:mod:`sclient.x509.nameconstraints`), policies (:mod:`sclient.x509.policy`)
DANE (:mod:`sclient.x509.dane`) and Suite B (:mod:`sclient.x509.suiteb`) run at
OpenSSL's places.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sclient.base import der
from sclient.base.pyca import ecdsa, is_rsa_public_key, key_kind
from sclient.base.structs import Struct, field, struct
from sclient.tls.policy import security_level_bits
from sclient.x509 import cert as C
from sclient.x509 import errors, oids
from sclient.x509.cert import Certificate, decoded
from sclient.x509.names import Name

# X509_TRUST_* results
TRUST_TRUSTED = 1
TRUST_REJECTED = 2
TRUST_UNTRUSTED = 3

# trust flags
_TRUST_DO_SS_COMPAT = 1
_TRUST_OK_ANY_EKU = 2
_TRUST_NO_SS_COMPAT = 4

_OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
_OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
_OID_EMAIL_PROTECT = "1.3.6.1.5.5.7.3.4"
_OID_CODE_SIGN = "1.3.6.1.5.5.7.3.3"
_OID_TIME_STAMP = "1.3.6.1.5.5.7.3.8"
_OID_OCSP_SIGN = "1.3.6.1.5.5.7.3.9"
_OID_ANY_EKU = "2.5.29.37.0"

#: X509_TRUST table: name -> (kind, EKU OID)
TRUSTS: dict[str, tuple[str, str | None]] = {
    "compat": ("compat", None),
    "sslclient": ("1oidany", _OID_CLIENT_AUTH),
    "sslserver": ("1oidany", _OID_SERVER_AUTH),
    "email": ("1oidany", _OID_EMAIL_PROTECT),
    "objsign": ("1oidany", _OID_CODE_SIGN),
    "ocspsign": ("1oid", _OID_OCSP_SIGN),
    "ocsprequest": ("1oid", "1.3.6.1.5.5.7.48.1"),
    "tsa": ("1oidany", _OID_TIME_STAMP),
    "default": ("default", None),
}

#: X509_PURPOSE table: -purpose name -> its default trust
PURPOSES: dict[str, str] = {
    "sslclient": "sslclient",
    "sslserver": "sslserver",
    "nssslserver": "sslserver",
    "smimesign": "email",
    "smimeencrypt": "email",
    "crlsign": "compat",
    "any": "default",
    "ocsphelper": "compat",
    "timestampsign": "tsa",
}


class CallbackCall(Struct, frozen=True, slots=True):
    """One call of the verify callback, with what it can query from the context.

    ``error`` is ``X509_STORE_CTX_get_error`` at that moment: it is sticky, so
    ``ok=True`` calls after an error still carry it (s_client prints the
    ``issuer=``/``notBefore=``/``notAfter=`` extra lines from it).
    """

    ok: bool
    depth: int
    cert: Certificate | None
    error: int
    notify: bool = False  # the ok=2 "policy tree ready" call of -policy_print
    policies: str | None = None  # policies_print text for this context (43 / notify calls)


VerifyCallback = Callable[[CallbackCall], bool]


class IssuerStore(Protocol):
    """What the verifier needs from a trust store (:class:`~sclient.x509.store.TrustStore`)."""

    def get_by_subject(self, name: Name) -> list[Certificate]: ...


@struct(frozen=True)
class VerifyParams:
    """The ``X509_VERIFY_PARAM`` fields the verifier uses (s_client defaults)."""

    purpose: str | None = "sslserver"
    trust: str = "sslserver"
    depth: int = 100
    auth_level: int = 0
    no_check_time: bool = False
    partial_chain: bool = False
    check_ss_sig: bool = False
    ignore_critical: bool = False
    x509_strict: bool = False
    allow_proxy_certs: bool = False
    crl_check: bool = False  # -crl_check (X509_V_FLAG_CRL_CHECK)
    crl_check_all: bool = False  # -crl_check_all (X509_V_FLAG_CRL_CHECK_ALL)
    use_deltas: bool = False  # -use_deltas
    extended_crl: bool = False  # -extended_crl (X509_V_FLAG_EXTENDED_CRL_SUPPORT)
    # policy checking (X509_V_FLAG_POLICY_CHECK and friends; -policy OIDs)
    policy_check: bool = False
    explicit_policy: bool = False
    inhibit_any: bool = False
    inhibit_map: bool = False
    notify_policy: bool = False  # -policy_print
    policies: tuple[str, ...] = ()
    check_time: int | None = None  # -attime (X509_V_FLAG_USE_CHECK_TIME): overrides now
    hosts: tuple[str, ...] = ()  # -verify_hostname
    hostflags: int = 0  # X509_CHECK_FLAG_* (s_client: 0)
    email: str | None = None  # -verify_email
    ip: bytes | None = None  # -verify_ip, 4 or 16 bytes
    dane: Any = None  # sclient.x509.dane.Dane: DANE TLSA authentication enabled
    suiteb: int = 0  # X509_V_FLAG_SUITEB_* (-suiteB_128_only/-suiteB_128/-suiteB_192)


@struct(frozen=True)
class VerifyResult:
    """What ``X509_verify_cert`` leaves behind."""

    ok: bool  # X509_verify_cert() > 0
    error: int  # X509_STORE_CTX_get_error(): SSL_get_verify_result()
    error_depth: int
    calls: tuple[CallbackCall, ...]
    chain: tuple[Certificate, ...]  # X509_STORE_CTX_get0_chain()
    num_untrusted: int
    aborted: bool = False  # the callback returned 0
    internal_error: bool = False  # returned -1 without calling the callback
    peername: str | None = None  # SSL_get0_peername(): the name a host check matched
    dane: Any = None  # sclient.x509.dane.DaneState (SSL_get0_dane_authority) or None

    @property
    def error_string(self) -> str:
        return errors.error_string(self.error)

    @property
    def alert(self) -> int:
        """The alert s_client sends when this failure aborts the handshake."""
        return errors.alert_for(self.error)


class _Abort(Exception):
    """The callback returned 0: verification stops here."""


class _InternalError(Exception):
    """Verification ends without a callback (``X509_verify_cert`` < 0 / == 0)."""

    def __init__(self, error: int = errors.UNSPECIFIED) -> None:
        super().__init__(error)
        self.error = error


def _continue(call: CallbackCall) -> bool:
    return True


# --------------------------------------------------------------------------------------------
# Purpose and trust (crypto/x509/v3_purp.c, x509_trust.c)


def _ku_reject(x: Certificate, usage: int) -> bool:
    return bool(x.ex_flags & C.EXFLAG_KUSAGE) and not x.ex_kusage & usage


def _xku_reject(x: Certificate, usage: int) -> bool:
    return bool(x.ex_flags & C.EXFLAG_XKUSAGE) and not x.ex_xkusage & usage


def _ns_reject(x: Certificate, usage: int) -> bool:
    return bool(x.ex_flags & C.EXFLAG_NSCERT) and not x.ex_nscert & usage


def _check_ca(x: Certificate) -> int:
    if _ku_reject(x, C.KU_KEY_CERT_SIGN):
        return 0
    f = x.ex_flags
    if f & C.EXFLAG_BCONS:
        return 1 if f & C.EXFLAG_CA else 0
    if f & (C.EXFLAG_V1 | C.EXFLAG_SS) == C.EXFLAG_V1 | C.EXFLAG_SS:
        return 3
    if f & C.EXFLAG_KUSAGE:
        return 4
    if f & C.EXFLAG_NSCERT and x.ex_nscert & C.NS_ANY_CA:
        return 5
    return 0


def x509_check_ca(x: Certificate) -> int:
    """``X509_check_ca``: 0 (not a CA), 1 (basicConstraints CA), 3/4/5 (legacy CA forms)."""
    if not x.valid_extensions:
        return 0
    return _check_ca(x)


def _check_ssl_ca(x: Certificate) -> int:
    ca_ret = _check_ca(x)
    if ca_ret == 0:
        return 0
    return 1 if ca_ret != 5 or x.ex_nscert & C.NS_SSL_CA else 0


def _purpose_smime(x: Certificate, require_ca: bool) -> int:
    if _xku_reject(x, C.XKU_SMIME):
        return 0
    if require_ca:
        ca_ret = _check_ca(x)
        if ca_ret == 0:
            return 0
        return ca_ret if ca_ret != 5 or x.ex_nscert & C.NS_SMIME_CA else 0
    if x.ex_flags & C.EXFLAG_NSCERT:
        if x.ex_nscert & C.NS_SMIME:
            return 1
        return 2 if x.ex_nscert & C.NS_SSL_CLIENT else 0
    return 1


def _check_purpose_fn(name: str, x: Certificate, require_ca: bool) -> int:
    ku_tls = C.KU_DIGITAL_SIGNATURE | C.KU_KEY_ENCIPHERMENT | C.KU_KEY_AGREEMENT
    if name == "sslclient":
        if _xku_reject(x, C.XKU_SSL_CLIENT):
            return 0
        if require_ca:
            return _check_ssl_ca(x)
        if _ku_reject(x, C.KU_DIGITAL_SIGNATURE | C.KU_KEY_AGREEMENT):
            return 0
        return 0 if _ns_reject(x, C.NS_SSL_CLIENT) else 1
    if name in ("sslserver", "nssslserver"):
        if _xku_reject(x, C.XKU_SSL_SERVER | C.XKU_SGC):
            return 0
        if require_ca:
            return _check_ssl_ca(x)
        if _ns_reject(x, C.NS_SSL_SERVER) or _ku_reject(x, ku_tls):
            return 0
        if name == "nssslserver" and _ku_reject(x, C.KU_KEY_ENCIPHERMENT):
            return 0
        return 1
    if name == "smimesign":
        ret = _purpose_smime(x, require_ca)
        if not ret or require_ca:
            return ret
        return 0 if _ku_reject(x, C.KU_DIGITAL_SIGNATURE | C.KU_NON_REPUDIATION) else ret
    if name == "smimeencrypt":
        ret = _purpose_smime(x, require_ca)
        if not ret or require_ca:
            return ret
        return 0 if _ku_reject(x, C.KU_KEY_ENCIPHERMENT) else ret
    if name == "crlsign":
        if require_ca:
            ca_ret = _check_ca(x)
            return 0 if ca_ret == 2 else ca_ret
        return 0 if _ku_reject(x, C.KU_CRL_SIGN) else 1
    if name == "ocsphelper":
        return _check_ca(x) if require_ca else 1
    if name == "timestampsign":
        if require_ca:
            return _check_ca(x)
        sig_ku = C.KU_NON_REPUDIATION | C.KU_DIGITAL_SIGNATURE
        if x.ex_flags & C.EXFLAG_KUSAGE and (x.ex_kusage & ~sig_ku or not x.ex_kusage & sig_ku):
            return 0
        if not x.ex_flags & C.EXFLAG_XKUSAGE or x.ex_xkusage != C.XKU_TIMESTAMP:
            return 0
        ext, _crit = x.get_ext(C.OID_EXT_KEY_USAGE)
        return 0 if ext is not None and not ext.critical else 1
    return 1  # "any"


def x509_check_purpose(x: Certificate, purpose: str, require_ca: bool) -> int:
    """``X509_check_purpose``: -1 when the extensions could not be cached."""
    if not x.valid_extensions:
        return -1
    return _check_purpose_fn(purpose, x, require_ca)


def _trust_compat(x: Certificate, flags: int) -> int:
    if not x.valid_extensions:
        return TRUST_UNTRUSTED
    if not flags & _TRUST_NO_SS_COMPAT and x.self_signed:
        return TRUST_TRUSTED
    return TRUST_UNTRUSTED


def _obj_trust(oid: str, x: Certificate, flags: int) -> int:
    ax = x.aux
    if ax is not None and ax.reject is not None:
        for o in ax.reject:
            if o == oid or (o == _OID_ANY_EKU and flags & _TRUST_OK_ANY_EKU):
                return TRUST_REJECTED
    if ax is not None and ax.trust is not None:
        for o in ax.trust:
            if o == oid or (o == _OID_ANY_EKU and flags & _TRUST_OK_ANY_EKU):
                return TRUST_TRUSTED
        return TRUST_REJECTED
    if not flags & _TRUST_DO_SS_COMPAT:
        return TRUST_UNTRUSTED
    return _trust_compat(x, flags)


def x509_check_trust(x: Certificate, trust: str, flags: int) -> int:
    """``X509_check_trust``."""
    kind, oid = TRUSTS[trust]
    if kind == "default":
        return _obj_trust(_OID_ANY_EKU, x, flags | _TRUST_DO_SS_COMPAT)
    if kind == "1oidany":
        assert oid is not None
        return _obj_trust(oid, x, flags | _TRUST_DO_SS_COMPAT | _TRUST_OK_ANY_EKU)
    if kind == "1oid":
        assert oid is not None
        if x.aux is not None:
            return _obj_trust(oid, x, flags)
        return TRUST_UNTRUSTED
    return _trust_compat(x, flags)


def _signing_allowed(issuer: Certificate, subject: Certificate) -> int:
    """``ossl_x509_signing_allowed``."""
    if subject.ex_flags & C.EXFLAG_PROXY:
        if _ku_reject(issuer, C.KU_DIGITAL_SIGNATURE):
            return errors.KEYUSAGE_NO_DIGITAL_SIGNATURE
    elif _ku_reject(issuer, C.KU_KEY_CERT_SIGN):
        return errors.KEYUSAGE_NO_CERTSIGN
    return errors.OK


# --------------------------------------------------------------------------------------------
# Security bits


def _ifc_security_bits(n: int) -> int:
    """``ossl_ifc_ffc_compute_security_bits`` (RSA/DH modulus size -> bits)."""
    table = {2048: 112, 3072: 128, 4096: 152, 6144: 176, 7680: 192, 8192: 200, 15360: 256}
    if n in table:
        return table[n]
    if n >= 687737:
        return 1200
    if n < 8:
        return 0
    cap = 192 if n <= 7680 else 256 if n <= 15360 else 1200
    x = n * math.log(2)
    lx = math.log(x)
    y = int((1.923 * (x * lx * lx) ** (1 / 3) - 4.690) / math.log(2))
    y = (y + 4) & ~7
    return min(y, cap)


def _bn_security_bits(lbits: int, nbits: int) -> int:
    if lbits >= 15360:
        secbits = 256
    elif lbits >= 7680:
        secbits = 192
    elif lbits >= 3072:
        secbits = 128
    elif lbits >= 2048:
        secbits = 112
    elif lbits >= 1024:
        secbits = 80
    else:
        return 0
    if nbits == -1:
        return secbits
    bits = nbits // 2
    if bits < 80:
        return 0
    return min(bits, secbits)


def key_security_bits(key: Any) -> int:
    """``EVP_PKEY_get_security_bits`` for a ``cryptography`` public key (0 if unknown)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519

    if is_rsa_public_key(key):
        return _ifc_security_bits(key.key_size)
    if isinstance(key, ec.EllipticCurvePublicKey):
        from sclient.x509.describe import ec_order_bits

        bits = ec_order_bits(key)
        for limit, sec in ((512, 256), (384, 192), (256, 128), (224, 112), (160, 80)):
            if bits >= limit:
                return sec
        return bits // 2
    if isinstance(key, ed25519.Ed25519PublicKey):
        return 128
    if isinstance(key, ed448.Ed448PublicKey):
        return 224
    if key_kind(key) == "dsa":
        pn = key.parameters().parameter_numbers()
        return _bn_security_bits(pn.p.bit_length(), pn.q.bit_length())
    return 0


@functools.lru_cache(maxsize=C.DECODED_CACHE_SIZE)
def _cert_key_bits(x: Certificate) -> int:
    """:func:`key_security_bits` of a certificate's key, once per certificate
    (certificates compare and hash by their DER) among the last few."""
    return key_security_bits(x.public_key)


def signature_security_bits(x: Certificate) -> int | None:
    """``X509_get_signature_info`` secbits (None when the algorithm is unknown)."""
    row = oids.SIGID.get(x.sig_alg_oid)
    if row is None:
        return None
    digest, fam = row
    if digest is None:
        if fam == oids.ED25519:
            return 128
        if fam == oids.ED448:
            return 224
        if fam == oids.RSA_PSS:
            pss = _pss_params(x.sig_alg_raw)
            if pss is None:
                return None
            d = pss[0]
            return 64 if d == "sha1" else 39 if d == "md5" else oids.DIGEST_SIZE[d] * 4
        return None
    if digest in ("sha1", "sha"):
        return 63
    if digest == "md5":
        return 39
    return oids.DIGEST_SIZE.get(digest, 0) * 4


# --------------------------------------------------------------------------------------------
# Signatures


@functools.lru_cache(maxsize=32)
def _hash(name: str) -> Any:
    """The ``cryptography`` hash of a digest name (instances hold no state: one each)."""
    from cryptography.hazmat.primitives import hashes

    table: dict[str, Any] = {
        "md5": hashes.MD5,
        "sha1": hashes.SHA1,
        "sha224": hashes.SHA224,
        "sha256": hashes.SHA256,
        "sha384": hashes.SHA384,
        "sha512": hashes.SHA512,
        "sha512-224": hashes.SHA512_224,
        "sha512-256": hashes.SHA512_256,
        "sha3-224": hashes.SHA3_224,
        "sha3-256": hashes.SHA3_256,
        "sha3-384": hashes.SHA3_384,
        "sha3-512": hashes.SHA3_512,
        "sm3": getattr(hashes, "SM3", None),
    }
    cls = table.get(name)
    if cls is None:
        raise ValueError(f"unsupported digest {name}")
    return cls()


def _alg_params(alg_raw: bytes) -> der.TLV | None:
    kids = der.parse(alg_raw).children()
    return kids[1] if len(kids) > 1 else None


def _pss_params(alg_raw: bytes) -> tuple[str, str, int] | None:
    """RSASSA-PSS-params -> (digest, mgf1 digest, salt length), None if unusable."""
    try:
        p = _alg_params(alg_raw)
        digest, mgf_digest, salt, trailer = "sha1", "sha1", 20, 1
        if p is None or p.tag != der.SEQUENCE:
            return None
        for k in p.children():
            inner = k.children()
            if k.tag == 0xA0:
                digest = oids.DIGESTS[der.decode_oid(inner[0].children()[0].content)]
            elif k.tag == 0xA1:
                mgf = inner[0].children()
                if der.decode_oid(mgf[0].content) != oids.OID_MGF1:
                    return None
                mgf_digest = oids.DIGESTS[der.decode_oid(mgf[1].children()[0].content)]
            elif k.tag == 0xA2:
                salt = der.decode_int(inner[0].content)
            elif k.tag == 0xA3:
                trailer = der.decode_int(inner[0].content)
        if trailer != 1 or salt < 0:
            return None
        return digest, mgf_digest, salt
    except (der.DERError, KeyError, IndexError):
        return None


#: Chain signatures already checked: (the certificate's DER, its issuer's
#: SubjectPublicKeyInfo) -> the outcome. A process that makes many connections
#: (``-targets``, ``-reconnect``) meets the same intermediates, often the same
#: chain, again; a signature's check depends on those bytes alone.
_SIGNED_BY: dict[tuple[bytes, bytes], bool] = {}
_SIGNED_BY_MAX = 1024


def signed_by(subject: Certificate, issuer: Certificate) -> bool:
    """``X509_verify(subject, X509_get0_pubkey(issuer))``, once for the same pair."""
    key = (subject.der, issuer.spki_raw)
    ok = _SIGNED_BY.get(key)
    if ok is None:
        ok = x509_verify(subject, issuer.public_key, issuer.key_alg_oid)
        if len(_SIGNED_BY) >= _SIGNED_BY_MAX:
            _SIGNED_BY.clear()
        _SIGNED_BY[key] = ok
    return ok


def x509_verify(subject: Certificate, issuer_key: Any, issuer_key_alg: str) -> bool:
    """``X509_verify(subject, issuer_key)``: the signature on ``subject`` checks out."""
    if subject.sig_alg_raw != subject.tbs_sig_alg_raw:
        return False
    if subject.signature_unused_bits != 0:
        return False
    row = oids.SIGID.get(subject.sig_alg_oid)
    if row is None:
        return False
    digest, need = row
    fam = C.key_family(issuer_key, issuer_key_alg)
    if not (fam == need or (need == oids.RSA_PSS and fam == oids.RSA)):
        return False
    from cryptography.exceptions import InvalidSignature

    sig, data = subject.signature, subject.tbs_raw
    try:
        if need == oids.RSA_PSS:
            from cryptography.hazmat.primitives.asymmetric import padding

            pss = _pss_params(subject.sig_alg_raw)
            if pss is None:
                return False
            h, mh, salt = pss
            issuer_key.verify(
                sig, data, padding.PSS(mgf=padding.MGF1(_hash(mh)), salt_length=salt), _hash(h)
            )
        elif fam == oids.RSA_PSS:
            return False
        elif need == oids.RSA:
            from cryptography.hazmat.primitives.asymmetric import padding

            assert digest is not None
            issuer_key.verify(sig, data, padding.PKCS1v15(), _hash(digest))
        elif need == oids.EC:
            if digest is None:
                return False
            issuer_key.verify(sig, data, ecdsa(_hash(digest)))
        elif need == oids.DSA:
            assert digest is not None
            issuer_key.verify(sig, data, _hash(digest))
        elif need in (oids.ED25519, oids.ED448):
            if _alg_params(subject.sig_alg_raw) is not None:
                return False
            issuer_key.verify(sig, data)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, der.DERError):
        return False
    except Exception:  # UnsupportedAlgorithm and friends
        return False
    return True


# --------------------------------------------------------------------------------------------
# The verification context


@struct
class _Ctx:
    untrusted: list[Certificate]
    store: IssuerStore | None
    params: VerifyParams
    now: int
    callback: VerifyCallback
    chain: list[Certificate] = field(default_factory=list)
    num_untrusted: int = 0
    error: int = 0
    error_depth: int = 0
    current_cert: Certificate | None = None
    calls: list[CallbackCall] = field(default_factory=list)
    crl_lookup: Any = None  # sclient.x509.crl.CrlLookup: the store's lookup_crls
    parent: Any = None  # the context whose CRL issuer this one verifies (check_crl_path)
    peername: str | None = None
    dane_state: Any = None  # sclient.x509.dane.DaneState while DANE is enabled

    # --- callback plumbing ------------------------------------------------------------------
    def verify_cb(self, ok: bool) -> None:
        call = CallbackCall(ok, self.error_depth, self.current_cert, self.error)
        self.calls.append(call)
        if not self.callback(call):
            raise _Abort

    def verify_cb_cert(self, x: Certificate | None, depth: int, err: int) -> None:
        """``verify_cb_cert``: report ``err`` (raises :class:`_Abort` if not continued)."""
        if depth < 0:
            depth = self.error_depth
        else:
            self.error_depth = depth
        self.current_cert = x if x is not None else self.chain[depth]
        if err != errors.OK:
            self.error = err
        self.verify_cb(False)

    def cb_fail_if(self, cond: bool, x: Certificate | None, depth: int, err: int) -> None:
        if cond:
            self.verify_cb_cert(x, depth, err)

    # --- CRLs (sclient.x509.crl does the checks) ----------------------------------------------
    def verify_crl_error(self, err: int) -> None:
        """``verify_cb_crl``: depth and certificate are already set."""
        self.error = err
        self.verify_cb(False)

    def lookup_crls(self, name: Name, x: Certificate) -> Any:
        return None if self.crl_lookup is None else self.crl_lookup(name, x)

    def crl_signature_ok(self, crl: Any, issuer: Certificate) -> bool:
        return x509_verify(crl, issuer.public_key, issuer.key_alg_oid)

    def check_crl_path(self, x: Certificate | None) -> int:
        """``check_crl_path``: verify the CRL issuer's own chain (same callback)."""
        if self.parent is not None:
            return 0
        if x is None:
            return -1
        sub = _Ctx(
            untrusted=self.untrusted,
            store=self.store,
            params=self.params,
            now=self.now,
            callback=self.callback,
            calls=self.calls,
            crl_lookup=self.crl_lookup,
            parent=self,
        )
        sub.chain = [x]
        sub.num_untrusted = 1
        try:
            ret = sub.run()
        except _Abort:
            return 0
        except _InternalError:
            return -1
        return 1 if ret > 0 and sub.chain[-1] == self.chain[-1] else 0

    # --- helpers ----------------------------------------------------------------------------
    def check_issued(self, x: Certificate, issuer: Certificate) -> bool:
        return C.likely_issued(issuer, x) == errors.OK

    def check_cert_time(self, x: Certificate, depth: int) -> bool:
        """``ossl_x509_check_cert_time``; depth < 0: just answer, no callback."""
        if self.params.no_check_time and self.params.check_time is None:
            return True
        nb = x.not_before.posix_strict()
        i = 0 if nb is None else (-1 if nb <= self.now else 1)
        if i >= 0 and depth < 0:
            return False
        self.cb_fail_if(i == 0, x, depth, errors.ERROR_IN_CERT_NOT_BEFORE_FIELD)
        self.cb_fail_if(i > 0, x, depth, errors.CERT_NOT_YET_VALID)
        na = x.not_after.posix_strict()
        i = 0 if na is None else (-1 if na <= self.now else 1)
        if i <= 0 and depth < 0:
            return False
        self.cb_fail_if(i == 0, x, depth, errors.ERROR_IN_CERT_NOT_AFTER_FIELD)
        self.cb_fail_if(i < 0, x, depth, errors.CERT_HAS_EXPIRED)
        return True

    def _best_issuer(
        self, candidates: Sequence[Certificate], x: Certificate, no_dup: bool
    ) -> Certificate | None:
        """``find_issuer`` / the loop of ``X509_STORE_CTX_get1_issuer``."""
        best: Certificate | None = None
        for cand in candidates:
            if no_dup and not (x.self_issued and len(self.chain) == 1) and cand in self.chain:
                continue
            if not self.check_issued(x, cand):
                continue
            if self.check_cert_time(cand, -1):
                return cand
            if best is None or cand.not_after.compare(best.not_after) > 0:
                best = cand
        return best

    def get1_trusted_issuer(self, x: Certificate) -> Certificate | None:
        if self.store is None:
            return None
        return self._best_issuer(self.store.get_by_subject(x.issuer), x, no_dup=False)

    def lookup_cert_match(self, x: Certificate) -> Certificate | None:
        if self.store is None:
            return None
        for c in self.store.get_by_subject(x.subject):
            if c == x:
                return c
        return None

    def key_level_ok(self, x: Certificate) -> bool:
        level = self.params.auth_level
        if level <= 0:
            return True
        if x.public_key is None:
            return False
        return _cert_key_bits(x) >= security_level_bits(level)

    def sig_level_ok(self, x: Certificate) -> bool:
        level = self.params.auth_level
        if level <= 0:
            return True
        bits = signature_security_bits(x)
        return bits is not None and bits >= security_level_bits(level)

    # --- check_trust --------------------------------------------------------------------------
    def check_trust(self, num_untrusted: int) -> int:
        num = len(self.chain)
        trust_id = self.params.trust
        dane = self.params.dane
        if dane is not None and dane.has_ta and 0 < num_untrusted < num:
            t = self.check_dane_issuer(num_untrusted)
            if t != TRUST_UNTRUSTED:
                return t
        for i in range(num_untrusted, num):
            x = self.chain[i]
            t = x509_check_trust(x, trust_id, 0)
            if t == TRUST_TRUSTED:
                return self._pkix_trusted(num_untrusted)
            if t == TRUST_REJECTED:
                self.verify_cb_cert(x, i, errors.CERT_REJECTED)
                return TRUST_UNTRUSTED
        if num_untrusted < num:
            if self.params.partial_chain:
                return self._pkix_trusted(num_untrusted)
            return TRUST_UNTRUSTED
        if num_untrusted == num and self.params.partial_chain:
            x = self.chain[0]
            mx = self.lookup_cert_match(x)
            if mx is None:
                return TRUST_UNTRUSTED
            if x509_check_trust(mx, trust_id, 0) == TRUST_REJECTED:
                self.verify_cb_cert(x, 0, errors.CERT_REJECTED)
                return TRUST_UNTRUSTED
            self.chain[0] = mx
            self.num_untrusted = 0
            return self._pkix_trusted(num_untrusted)
        return TRUST_UNTRUSTED

    def _pkix_trusted(self, num_untrusted: int) -> int:
        """The ``trusted:`` exit of ``check_trust``: with DANE, PKIX trust alone
        is not enough until a TLSA record matched too."""
        st = self.dane_state
        if st is None:
            return TRUST_TRUSTED
        if st.pdpth < 0:
            st.pdpth = num_untrusted
        return TRUST_TRUSTED if st.mdpth >= 0 else TRUST_UNTRUSTED

    # --- DANE (dane_verify, check_dane_issuer, check_dane_pkeys) ------------------------------
    def check_dane_issuer(self, depth: int) -> int:
        d = self.params.dane
        if d is None or not d.has_ta or depth == 0:
            return TRUST_UNTRUSTED
        from sclient.x509 import dane

        if depth < len(self.chain) and dane.match_cert(
            d, self.dane_state, self.chain[depth], depth, self.num_untrusted
        ):
            self.num_untrusted = depth - 1
            return TRUST_TRUSTED
        return TRUST_UNTRUSTED

    def check_dane_pkeys(self) -> int:
        from sclient.x509 import dane

        num = self.num_untrusted
        if not dane.check_dane_pkeys(
            self.params.dane,
            self.dane_state,
            self.chain[num - 1],
            num - 1,
            lambda cert, rec: x509_verify(cert, rec.spki, rec.spki_alg_oid),
        ):
            return TRUST_UNTRUSTED
        del self.chain[num:]
        return TRUST_TRUSTED

    def dane_verify(self) -> int:
        from sclient.x509 import dane

        d = self.params.dane
        st = self.dane_state
        leaf = self.untrusted[0]
        matched = dane.match_cert(d, st, leaf, 0, self.num_untrusted)
        done = matched != 0 or (not d.has_ta and st.mdpth < 0)
        if matched > 0:
            self.check_leaf_suiteb(leaf)
            if not d.no_ee_namechecks:
                self.check_id()
            self.error_depth = 0
            self.current_cert = leaf
            self.verify_cb(True)
            return 1
        if done:
            self.check_leaf_suiteb(leaf)
            self.verify_cb_cert(leaf, 0, errors.DANE_NO_MATCH)
            return 1  # the callback continued: X509_verify_cert() returns its answer
        return self.verify_chain()

    def check_leaf_suiteb(self, leaf: Certificate) -> None:
        """``check_leaf_suiteb``: Suite B checks of the leaf key alone (no chain)."""
        from sclient.x509 import suiteb

        err = suiteb.check_leaf(leaf, self.params.suiteb)
        if err != errors.OK:
            self.verify_cb_cert(leaf, 0, err)

    # --- build_chain --------------------------------------------------------------------------
    def build_chain(self) -> None:
        s_untrusted, s_trusted = 1, 2
        search = s_untrusted | s_trusted
        may_trusted = True
        sk_untrusted = list(self.untrusted)
        dane = self.params.dane
        if dane is not None:
            if not dane.has_pkix and dane.has_dane:
                # DANE-TA/DANE-EE only: the trust store is never consulted
                search, may_trusted = s_untrusted, False
            sk_untrusted = dane.certs + sk_untrusted
        max_depth = max(self.params.depth, 0) + 1
        trust = TRUST_UNTRUSTED

        while search:
            num = len(self.chain)
            self.error_depth = num - 1
            if search & s_trusted:
                curr = self.chain[num - 1]
                issuer = None if num > max_depth else self.get1_trusted_issuer(curr)
                ok = issuer is not None
                if issuer is not None:
                    self_signed = curr.x509_self_signed()
                    if self_signed < 0:
                        raise _InternalError
                    if not self_signed:
                        self.chain.append(issuer)
                        self_signed = issuer.x509_self_signed()
                        if self_signed < 0:
                            raise _InternalError
                    elif curr != issuer:
                        ok = False  # self-signed untrusted mimic
                    else:
                        num -= 1
                        self.num_untrusted = num
                        self.chain[num] = issuer
                    if ok:
                        search &= ~s_untrusted
                        trust = self.check_trust(num)
                        if trust != TRUST_UNTRUSTED:
                            break
                        if not self_signed:
                            continue
                if not search & s_untrusted:
                    break  # trusted-first: no alternate chains
            if search & s_untrusted:
                num = len(self.chain)
                curr = self.chain[num - 1]
                cand = (
                    None
                    if curr.x509_self_signed() > 0 or num > max_depth
                    else self._best_issuer(sk_untrusted, curr, no_dup=True)
                )
                if cand is None:
                    search &= ~s_untrusted
                    if may_trusted:
                        search |= s_trusted
                    continue
                for k, c in enumerate(sk_untrusted):
                    if c is cand:
                        del sk_untrusted[k]
                        break
                self.chain.append(cand)
                self.num_untrusted += 1
                # DANE-TA trust of the topmost untrusted certificate
                trust = self.check_dane_issuer(self.num_untrusted - 1)
                if trust in (TRUST_TRUSTED, TRUST_REJECTED):
                    break

        num = len(self.chain)
        if num <= max_depth:
            if trust == TRUST_UNTRUSTED and dane is not None and dane.has_dane_ta:
                trust = self.check_dane_pkeys()
            if trust == TRUST_UNTRUSTED and num == self.num_untrusted:
                trust = self.check_trust(num)

        if trust == TRUST_TRUSTED:
            return
        if self.error in (
            errors.ERROR_IN_CERT_NOT_BEFORE_FIELD,
            errors.CERT_NOT_YET_VALID,
            errors.ERROR_IN_CERT_NOT_AFTER_FIELD,
            errors.CERT_HAS_EXPIRED,
        ):
            raise _Abort
        if self.error != errors.OK:
            self.verify_cb_cert(None, num - 1, self.error)
            return
        self.cb_fail_if(num > max_depth, None, num - 1, errors.CERT_CHAIN_TOO_LONG)
        self.cb_fail_if(
            dane is not None and (not dane.has_pkix or self.dane_state.pdpth >= 0),
            None,
            num - 1,
            errors.DANE_NO_MATCH,
        )
        if self.chain[num - 1].x509_self_signed() > 0:
            self.verify_cb_cert(
                None,
                num - 1,
                errors.DEPTH_ZERO_SELF_SIGNED_CERT
                if num == 1
                else errors.SELF_SIGNED_CERT_IN_CHAIN,
            )
            return
        self.verify_cb_cert(
            None,
            num - 1,
            errors.UNABLE_TO_GET_ISSUER_CERT
            if self.num_untrusted < num
            else errors.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        )

    # --- check_extensions ---------------------------------------------------------------------
    def check_purpose(self, x: Certificate, purpose: str, depth: int, must_be_ca: int) -> None:
        tr_ok = TRUST_UNTRUSTED
        if depth >= self.num_untrusted and purpose == self.params.purpose:
            tr_ok = x509_check_trust(x, self.params.trust, _TRUST_NO_SS_COMPAT)
        if tr_ok == TRUST_TRUSTED:
            return
        if tr_ok != TRUST_REJECTED:
            r = x509_check_purpose(x, purpose, must_be_ca > 0)
            if r == 1:
                return
            if r != 0 and not self.params.x509_strict:
                return
        self.verify_cb_cert(x, depth, errors.INVALID_PURPOSE)

    def check_extensions(self) -> None:
        p = self.params
        num = len(self.chain)
        must_be_ca = -1
        plen = 0
        proxy_path_length = 0
        for i, x in enumerate(self.chain):
            f = x.ex_flags
            self.cb_fail_if(
                not p.ignore_critical and bool(f & C.EXFLAG_CRITICAL),
                x,
                i,
                errors.UNHANDLED_CRITICAL_EXTENSION,
            )
            self.cb_fail_if(
                not p.allow_proxy_certs and bool(f & C.EXFLAG_PROXY),
                x,
                i,
                errors.PROXY_CERTIFICATES_NOT_ALLOWED,
            )
            ret = x509_check_ca(x)
            if must_be_ca == -1:
                self.cb_fail_if(p.x509_strict and ret not in (0, 1), x, i, errors.INVALID_CA)
            elif must_be_ca == 0:
                self.cb_fail_if(ret != 0, x, i, errors.INVALID_NON_CA)
            else:
                self.cb_fail_if(
                    ret == 0 or ((i + 1 < num or p.x509_strict) and ret != 1),
                    x,
                    i,
                    errors.INVALID_CA,
                )
            if num > 1:
                # 3.0.19 checks explicit EC parameters also without -x509_strict [obs]
                ret = _check_curve(x)
                self.cb_fail_if(ret < 0, x, i, errors.UNSPECIFIED)
                self.cb_fail_if(ret == 0, x, i, errors.EC_KEY_EXPLICIT_PARAMS)
            if p.x509_strict and num > 1:
                self._strict_checks(x, i, num)
            if p.purpose is not None:
                self.check_purpose(x, p.purpose, i, must_be_ca)
            self.cb_fail_if(
                i > 1 and x.ex_pathlen != -1 and plen > x.ex_pathlen + proxy_path_length,
                x,
                i,
                errors.PATH_LENGTH_EXCEEDED,
            )
            if i > 0 and not f & C.EXFLAG_SI:
                plen += 1
            if f & C.EXFLAG_PROXY:
                if x.ex_pcpathlen != -1:
                    self.cb_fail_if(
                        proxy_path_length > x.ex_pcpathlen, x, i, errors.PROXY_PATH_LENGTH_EXCEEDED
                    )
                    proxy_path_length = x.ex_pcpathlen
                proxy_path_length += 1
                must_be_ca = 0
            else:
                must_be_ca = 1

    def _strict_checks(self, x: Certificate, i: int, num: int) -> None:
        """The ``-x509_strict`` RFC 5280 profile checks of 3.0 ``check_extensions``."""
        f = x.ex_flags
        if x.ex_pathlen != -1:
            self.cb_fail_if(not f & C.EXFLAG_CA, x, i, 80)
            self.cb_fail_if(not x.ex_kusage & C.KU_KEY_CERT_SIGN, x, i, 81)
        self.cb_fail_if(
            bool(f & C.EXFLAG_CA and f & C.EXFLAG_BCONS and not f & C.EXFLAG_BCONS_CRITICAL),
            x,
            i,
            89,
        )
        if f & C.EXFLAG_CA:
            self.cb_fail_if(not f & C.EXFLAG_KUSAGE, x, i, 92)
        else:
            self.cb_fail_if(
                bool(x.ex_kusage & C.KU_KEY_CERT_SIGN) and bool(f & C.EXFLAG_KUSAGE), x, i, 82
            )
        self.cb_fail_if(len(x.issuer) == 0, x, i, 83)
        san, _ = x.get_ext(C.OID_SAN)
        has_san = san is not None
        self.cb_fail_if(
            bool(
                f & C.EXFLAG_CA
                or (x.ex_kusage & C.KU_CRL_SIGN and f & C.EXFLAG_KUSAGE)
                or not has_san
            )
            and len(x.subject) == 0,
            x,
            i,
            84,
        )
        self.cb_fail_if(len(x.subject) == 0 and has_san and not f & C.EXFLAG_SAN_CRITICAL, x, i, 88)
        self.cb_fail_if(has_san and san is not None and _empty_seq(san.value), x, i, 87)
        self.cb_fail_if(x.sig_alg_raw != x.tbs_sig_alg_raw, x, i, 78)
        self.cb_fail_if(x.akid is not None and bool(f & C.EXFLAG_AKID_CRITICAL), x, i, 90)
        self.cb_fail_if(x.skid is not None and bool(f & C.EXFLAG_SKID_CRITICAL), x, i, 91)
        if x.version >= 2:
            self.cb_fail_if(i + 1 < num and (x.akid is None or x.akid.keyid is None), x, i, 85)
            self.cb_fail_if(bool(f & C.EXFLAG_CA) and x.skid is None, x, i, 86)
        else:
            self.cb_fail_if(len(x.extensions) > 0, x, i, 93)

    # --- check_auth_level ---------------------------------------------------------------------
    def check_auth_level(self) -> None:
        if self.params.auth_level <= 0:
            return
        num = len(self.chain)
        for i, x in enumerate(self.chain):
            self.cb_fail_if(i > 0 and not self.key_level_ok(x), x, i, errors.CA_KEY_TOO_SMALL)
            self.cb_fail_if(i < num - 1 and not self.sig_level_ok(x), x, i, errors.CA_MD_TOO_WEAK)

    # --- check_id -----------------------------------------------------------------------------
    def check_id(self) -> None:
        """Host, email and IP checks of the leaf, each failure reported at depth 0."""
        p = self.params
        if not p.hosts and p.email is None and p.ip is None:
            return
        from sclient.x509 import identity

        x = self.chain[0]
        if p.hosts:
            self.peername = None
            matched = False
            for h in p.hosts:
                rv, peer = identity.check_host(x, h, p.hostflags)
                if rv > 0:
                    self.peername, matched = peer, True
                    break
            self.cb_fail_if(not matched, x, 0, errors.HOSTNAME_MISMATCH)
        if p.email is not None:
            self.cb_fail_if(identity.check_email(x, p.email) <= 0, x, 0, errors.EMAIL_MISMATCH)
        if p.ip is not None:
            self.cb_fail_if(identity.check_ip(x, p.ip) <= 0, x, 0, errors.IP_ADDRESS_MISMATCH)

    # --- internal_verify ----------------------------------------------------------------------
    def internal_verify(self) -> None:
        n = len(self.chain) - 1
        xi: Certificate | None = self.chain[n]
        xs = self.chain[n]
        self.error_depth = n
        if self.dane_state is not None and self.dane_state.bare_ta_signed:
            xi = None  # signed by a DANE-TA(2) bare public key: checked in build_chain
        elif C.likely_issued(xs, xs) != errors.OK and not self.params.partial_chain:
            if n > 0:
                n -= 1
                self.error_depth = n
                xs = self.chain[n]
            else:
                self.verify_cb_cert(xs, 0, errors.UNABLE_TO_VERIFY_LEAF_SIGNATURE)
        while n >= 0:
            if xi is not None and (xs is not xi or (self.params.check_ss_sig and xi.self_signed)):
                issuer_depth = n + (0 if xs is xi else 1)
                ret = (
                    errors.OK
                    if xs is xi and not xi.ex_flags & C.EXFLAG_CA
                    else _signing_allowed(xi, xs)
                )
                self.cb_fail_if(ret != errors.OK, xi, issuer_depth, ret)
                if xi.public_key is None:
                    self.verify_cb_cert(xi, issuer_depth, errors.UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY)
                else:
                    self.cb_fail_if(
                        not signed_by(xs, xi),
                        xs,
                        n,
                        errors.CERT_SIGNATURE_FAILURE,
                    )
            if not self.check_cert_time(xs, n):
                raise _Abort
            self.current_cert = xs
            self.error_depth = n
            self.verify_cb(True)
            n -= 1
            if n >= 0:
                xi = xs
                xs = self.chain[n]

    # --- verify_chain -------------------------------------------------------------------------
    def run(self) -> int:
        leaf = self.chain[0]
        self.cb_fail_if(not self.key_level_ok(leaf), leaf, 0, errors.EE_KEY_TOO_SMALL)
        if self.params.dane is not None:
            from sclient.x509.dane import DaneState

            self.dane_state = DaneState()
            return self.dane_verify()
        return self.verify_chain()

    def verify_chain(self) -> int:
        self.build_chain()
        self.check_extensions()
        self.check_auth_level()
        self.check_id()
        if self.params.crl_check or self.params.crl_check_all:
            from sclient.x509.crl import check_revocation

            check_revocation(self)
        if self.params.suiteb:
            from sclient.x509 import suiteb

            err, depth = suiteb.check_chain(self.chain, self.params.suiteb)
            if err != errors.OK:
                self.verify_cb_cert(None, depth, err)
        self.internal_verify()
        self.check_name_constraints()
        # RFC 3779: not implemented yet
        if self.params.policy_check:
            self.check_policy()
        return 1

    # --- check_name_constraints ---------------------------------------------------------------
    def check_name_constraints(self) -> None:
        chain = self.chain
        if not any(x.ex_flags & C.EXFLAG_PROXY for x in chain) and all(
            x.name_constraints is None for x in chain[1:]
        ):
            return  # nothing to check (and the module stays unimported)
        from sclient.x509 import nameconstraints as nc

        for i in range(len(chain) - 1, -1, -1):
            x = chain[i]
            if i and x.ex_flags & C.EXFLAG_SI:
                continue
            if x.ex_flags & C.EXFLAG_PROXY:
                err = nc.proxy_name_error(x.subject, x.issuer)
                self.cb_fail_if(err != errors.OK, x, i, err)
            for j in range(len(chain) - 1, i, -1):
                cons = chain[j].name_constraints
                if cons is None:
                    continue
                altnames = x.altnames or ()
                rv = nc.check(x.subject, altnames, cons)
                if rv == errors.OK and i == 0 and not any(g.type == nc.GEN_DNS for g in altnames):
                    rv = nc.check_cn(x.subject, cons)
                if rv == errors.OUT_OF_MEM:
                    raise _InternalError(self.error or errors.UNSPECIFIED)
                self.cb_fail_if(rv != errors.OK, x, i, rv)

    # --- check_policy -------------------------------------------------------------------------
    def check_policy(self) -> None:
        from sclient.x509 import policy as pcy

        p = self.params
        res = pcy.policy_check(
            self.chain,
            p.policies,
            explicit=p.explicit_policy,
            inhibit_any=p.inhibit_any,
            inhibit_map=p.inhibit_map,
        )
        if res.ret == pcy.TREE_INTERNAL:
            raise _InternalError(errors.OUT_OF_MEM)
        if res.ret == pcy.TREE_INVALID:
            for i in res.invalid:
                self.verify_cb_cert(self.chain[i], i, 42)
            return
        text = pcy.policies_print(res)
        if res.ret == pcy.TREE_FAILURE:
            self.current_cert = None
            self.error = errors.NO_EXPLICIT_POLICY
            self._policy_cb(False, text)
            return
        if p.notify_policy:
            self.current_cert = None
            self._policy_cb(True, text)

    def _policy_cb(self, ok: bool, text: str) -> None:
        call = CallbackCall(
            ok, self.error_depth, self.current_cert, self.error, notify=ok, policies=text
        )
        self.calls.append(call)
        if not self.callback(call):
            raise _Abort


def _check_curve(x: Certificate) -> int:
    """``check_curve``: 1 fine, 0 explicit EC parameters, -1 key not decodable."""
    if x.public_key is None and not oids.known(x.key_alg_oid):
        return -1
    return 0 if x.ec_explicit_params else 1


def _empty_seq(value: bytes) -> bool:
    try:
        return not der.parse(value).content
    except der.DERError:
        return False


def _as_certs(chain: Sequence[bytes | Certificate]) -> list[Certificate]:
    """The chain as sent, each DER decoded (once per process: ``decoded``).
    A DER sent twice is two objects, as OpenSSL's two ``X509``s: the
    verifier tells chain members apart by identity."""
    out: list[Certificate] = []
    seen: set[bytes] = set()
    for c in chain:
        if isinstance(c, Certificate):
            out.append(c)
            continue
        c = bytes(c)
        if c in seen:
            out.append(Certificate(c))
        else:
            seen.add(c)
            out.append(decoded(c))
    return out


def verify_chain(
    chain_der: Sequence[bytes | Certificate],
    store: IssuerStore | None,
    *,
    now: float,
    purpose: str | None = "sslserver",
    depth: int = 100,
    auth_level: int = 0,
    params: VerifyParams | None = None,
    callback: VerifyCallback | None = None,
    crl_lookup: Any = None,
) -> VerifyResult:
    """Verify a peer chain (leaf first, as sent) against ``store`` at time ``now``.

    ``store`` is a :class:`~sclient.x509.store.TrustStore` (anything with
    ``get_by_subject(name)``) or ``None``. ``params`` overrides ``purpose``,
    ``depth`` and ``auth_level`` when given. ``callback`` sees each
    :class:`CallbackCall` and returns whether to continue (default: always).
    ``crl_lookup(issuer_name, cert)`` returns the CRLs for ``-crl_check`` (default:
    the store's ``get_crls`` when it has one).
    Raises :class:`~sclient.x509.cert.CertificateError` for undecodable input.
    """
    if params is None:
        params = VerifyParams(purpose=purpose, depth=depth, auth_level=auth_level)
    certs = _as_certs(chain_der)
    if not certs:
        return VerifyResult(False, errors.INVALID_CALL, 0, (), (), 0, internal_error=True)
    ctx = _Ctx(
        untrusted=certs,
        store=store,
        params=params,
        now=math.floor(now) if params.check_time is None else params.check_time,
        callback=callback or _continue,
        crl_lookup=crl_lookup if crl_lookup is not None else getattr(store, "get_crls", None),
    )
    ctx.chain = [certs[0]]
    ctx.num_untrusted = 1
    aborted = internal = False
    try:
        ok = ctx.run() > 0
    except _Abort:
        ok, aborted = False, True
    except _InternalError as e:
        ok, internal = False, True
        ctx.error = e.error
    if not ok and ctx.error == errors.OK:
        ctx.error = errors.UNSPECIFIED
    return VerifyResult(
        ok=ok,
        error=ctx.error,
        error_depth=ctx.error_depth,
        calls=tuple(ctx.calls),
        chain=tuple(ctx.chain),
        num_untrusted=ctx.num_untrusted,
        aborted=aborted,
        internal_error=internal,
        peername=ctx.peername,
        dane=ctx.dane_state,
    )
