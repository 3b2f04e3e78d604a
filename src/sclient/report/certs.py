"""Certificate facts for the summary and JSON (:class:`CertInfo`).

Names and times come from the X.509 layer (``sclient.x509.names``,
``sclient.x509.cert``, ``sclient.x509.asn1time``), so they print exactly as
the verify callback prints them. The ``a:`` line's key type/bits and
signature-algorithm short names use ``sclient.x509.describe`` when that
module exists, else a small table over ``cryptography``'s key objects.
Imports are lazy: nothing here is loaded unless a certificate arrived.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from typing import Any

from sclient.report.model import CertInfo


def pem(der: bytes) -> str:
    b64 = base64.b64encode(der).decode("ascii")
    body = "".join(b64[i : i + 64] + "\n" for i in range(0, len(b64), 64))
    return "-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----\n"


def sha256_fingerprint(der: bytes) -> str:
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def nameopt_flags(nameopt: str | list[str] | None) -> int:
    """The ``-nameopt`` flags (default ``oneline``; several options accumulate)."""
    from sclient.x509 import names

    if not nameopt:
        return int(names.DEFAULT_NAMEOPT)
    flags = 0
    for arg in [nameopt] if isinstance(nameopt, str) else nameopt:
        with contextlib.suppress(ValueError):
            flags = names.set_name_ex(flags, arg)
    return flags


def name_text(name_der: bytes, nameopt: str | list[str] | None = None) -> str:
    """A DER ``Name`` as ``X509_NAME_print_ex`` prints it (CA names list)."""
    from sclient.x509 import names

    return names.print_ex(names.Name.from_der(name_der), nameopt_flags(nameopt))


# OpenSSL short names (OBJ_nid2sn) of public-key and signature algorithms.
_SIGALG = {
    "1.2.840.113549.1.1.4": "RSA-MD5",
    "1.2.840.113549.1.1.5": "RSA-SHA1",
    "1.2.840.113549.1.1.14": "RSA-SHA224",
    "1.2.840.113549.1.1.11": "RSA-SHA256",
    "1.2.840.113549.1.1.12": "RSA-SHA384",
    "1.2.840.113549.1.1.13": "RSA-SHA512",
    "1.2.840.113549.1.1.10": "RSASSA-PSS",
    "1.2.840.10045.4.1": "ecdsa-with-SHA1",
    "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
    "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
    "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
    "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
    "1.2.840.10040.4.3": "DSA-SHA1",
    "2.16.840.1.101.3.4.3.2": "dsa_with_SHA256",
    "1.3.101.112": "ED25519",
    "1.3.101.113": "ED448",
}
_KEYTYPE = {
    "1.2.840.113549.1.1.1": "rsaEncryption",
    "1.2.840.113549.1.1.10": "RSASSA-PSS",
    "1.2.840.10045.2.1": "id-ecPublicKey",
    "1.3.101.112": "ED25519",
    "1.3.101.113": "ED448",
    "1.2.840.10040.4.1": "DSA",
}
_EDDSA_BITS = {"1.3.101.112": 256, "1.3.101.113": 456}


def _key_facts(cert: Any) -> tuple[str | None, int]:
    """(key type short name, bits) — ``EVP_PKEY_get_base_id`` and ``EVP_PKEY_get_bits``."""
    oid = cert.key_alg_oid
    if oid in _EDDSA_BITS:
        return _KEYTYPE[oid], _EDDSA_BITS[oid]
    key = cert.public_key
    if key is None:
        return None, 0
    return _KEYTYPE.get(oid, oid), int(getattr(key, "key_size", 0))


def describe(der: bytes, nameopt: str | list[str] | None = None) -> CertInfo:
    """The :class:`CertInfo` of one DER certificate."""
    from sclient.x509 import names
    from sclient.x509.cert import Certificate

    cert = Certificate(der)
    flags = nameopt_flags(nameopt)
    try:
        from sclient.x509 import describe as x509_describe  # type: ignore[attr-defined]
    except ImportError:
        x509_describe = None
    if x509_describe is not None and hasattr(x509_describe, "pkey_line"):
        key_type, bits, sigalg = x509_describe.pkey_line(cert)
    else:
        key_type, bits = _key_facts(cert)
        sigalg = _SIGALG.get(cert.sig_alg_oid, "UNDEF")
    nb, na = cert.not_before, cert.not_after
    return CertInfo(
        subject=names.print_ex(cert.subject, flags),
        issuer=names.print_ex(cert.issuer, flags),
        key_type=key_type,
        key_bits=bits,
        sigalg=sigalg,
        not_before=nb.print(),
        not_after=na.print(),
        pem=pem(der),
        der=der,
        not_before_iso=_iso(nb),
        not_after_iso=_iso(na),
        subject_line=names.print_name(cert.subject, flags),
        issuer_line=names.print_name(cert.issuer, flags),
    )


def _iso(t: Any) -> str:
    """An ``Asn1Time`` as ISO 8601 UTC (``2026-11-24T12:11:32Z``); "" if it has no
    valid time (the JSON document then shows the ``ASN1_TIME_print`` text)."""
    tm = t.to_tm()
    if tm is None:
        return ""
    return (
        f"{tm.year:04d}-{tm.month:02d}-{tm.day:02d}T{tm.hour:02d}:{tm.minute:02d}:{tm.second:02d}Z"
    )
