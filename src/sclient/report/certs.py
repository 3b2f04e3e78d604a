"""Certificate facts for the summary and JSON (:class:`CertInfo`).

Names and times come from the X.509 layer (``sclient.x509.names``,
``sclient.x509.cert``, ``sclient.x509.asn1time``), so they print exactly as
the verify callback prints them. The ``a:`` line's key type, bits and
signature algorithm are ``sclient.x509.describe``'s; extended key usages are
named from the one object table (``sclient.x509.oids``); the PEM block is
``sclient.base.pem``'s.
Imports are lazy: nothing here is loaded unless a certificate arrived.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from sclient.report.model import CertInfo

if TYPE_CHECKING:
    from sclient.x509.cert import Certificate


def sha256_fingerprint(der: bytes) -> str:
    import hashlib

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


def describe(der: bytes, nameopt: str | list[str] | None = None) -> CertInfo:
    """The :class:`CertInfo` of one DER certificate."""
    from sclient.base.pem import certificate_pem
    from sclient.x509 import names
    from sclient.x509.cert import Certificate
    from sclient.x509.describe import key_description, signature_algorithm_name

    cert = Certificate(der)
    flags = nameopt_flags(nameopt)
    key_type, bits = key_description(cert) or (None, 0)
    sigalg = signature_algorithm_name(cert)
    nb, na = cert.not_before, cert.not_after
    return CertInfo(
        subject=names.print_ex(cert.subject, flags),
        issuer=names.print_ex(cert.issuer, flags),
        key_type=key_type,
        key_bits=bits,
        sigalg=sigalg,
        not_before=nb.print(),
        not_after=na.print(),
        pem=certificate_pem(der),
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


def not_after_posix(cert: Certificate) -> int | None:
    """The certificate's notAfter in seconds since the epoch (None: no valid time)."""
    tm = cert.not_after.to_tm()
    return None if tm is None else int(tm.posix())


def serial_hex(serial: int) -> str:
    """The serial as ``openssl x509 -serial`` prints it (``i2a_ASN1_INTEGER``):
    upper-case hex, two digits per byte, ``-`` before a negative one."""
    digits = f"{abs(serial):X}"
    if len(digits) % 2:
        digits = "0" + digits
    return ("-" if serial < 0 else "") + digits


# OpenSSL's names of the keyUsage bits (v3_bitst.c); extended key usages print
# their long names (OBJ_nid2ln) from sclient.x509.oids.
_KEY_USAGE = (
    ("digital_signature", "Digital Signature"),
    ("content_commitment", "Non Repudiation"),
    ("key_encipherment", "Key Encipherment"),
    ("data_encipherment", "Data Encipherment"),
    ("key_agreement", "Key Agreement"),
    ("key_cert_sign", "Certificate Sign"),
    ("crl_sign", "CRL Sign"),
)
_OCSP = "1.3.6.1.5.5.7.48.1"
_CA_ISSUERS = "1.3.6.1.5.5.7.48.2"


def _general_names(names: Any) -> list[dict[str, str]]:
    from cryptography import x509

    out: list[dict[str, str]] = []
    for n in names:
        if isinstance(n, x509.DNSName):
            out.append({"type": "DNS", "value": n.value})
        elif isinstance(n, x509.IPAddress):
            out.append({"type": "IP", "value": str(n.value)})
        elif isinstance(n, x509.RFC822Name):
            out.append({"type": "email", "value": n.value})
        elif isinstance(n, x509.UniformResourceIdentifier):
            out.append({"type": "URI", "value": n.value})
    return out


def extension_facts(cert: Certificate) -> dict[str, Any]:
    """What ``openssl x509 -text`` shows of the usual extensions, as facts:
    ``serial`` (hex), ``subject_alt_names``, ``key_usage``,
    ``extended_key_usage``, ``ocsp_urls``, ``ca_issuers_urls``,
    ``crl_distribution_points``. An extension absent (or that cannot be
    decoded) gives an empty list (null for ``key_usage``/``extended_key_usage``
    when the extension is absent)."""
    from cryptography import x509

    from sclient.base.pyca import allow
    from sclient.x509 import oids

    facts: dict[str, Any] = {
        "serial": serial_hex(cert.serial),
        "subject_alt_names": [],
        "key_usage": None,
        "extended_key_usage": None,
        "ocsp_urls": [],
        "ca_issuers_urls": [],
        "crl_distribution_points": [],
    }
    try:
        with allow("serial", "dsa"):
            exts = x509.load_der_x509_certificate(cert.der).extensions
    except (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType):
        return facts  # what OpenSSL would not decode either: nothing to report
    for ext in exts:
        v = ext.value
        if isinstance(v, x509.SubjectAlternativeName):
            facts["subject_alt_names"] = _general_names(v)
        elif isinstance(v, x509.KeyUsage):
            usages = [name for attr, name in _KEY_USAGE if getattr(v, attr)]
            if v.key_agreement:
                if v.encipher_only:
                    usages.append("Encipher Only")
                if v.decipher_only:
                    usages.append("Decipher Only")
            facts["key_usage"] = usages
        elif isinstance(v, x509.ExtendedKeyUsage):
            facts["extended_key_usage"] = [oids.ln(o.dotted_string) for o in v]
        elif isinstance(v, x509.AuthorityInformationAccess):
            for d in v:
                if not isinstance(d.access_location, x509.UniformResourceIdentifier):
                    continue
                key = {_OCSP: "ocsp_urls", _CA_ISSUERS: "ca_issuers_urls"}.get(
                    d.access_method.dotted_string
                )
                if key is not None:
                    facts[key].append(d.access_location.value)
        elif isinstance(v, x509.CRLDistributionPoints):
            for dp in v:
                for n in _general_names(dp.full_name or ()):
                    if n["type"] == "URI":
                        facts["crl_distribution_points"].append(n["value"])
    return facts
