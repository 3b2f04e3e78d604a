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
    from sclient.x509.cert import decoded
    from sclient.x509.describe import key_description, signature_algorithm_name

    cert = decoded(der)
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


# OpenSSL's names of the keyUsage bits (v3_bitst.c), by bit; extended key usages
# print their long names (OBJ_nid2ln) from sclient.x509.oids.
_KEY_USAGE = (
    "Digital Signature",
    "Non Repudiation",
    "Key Encipherment",
    "Data Encipherment",
    "Key Agreement",
    "Certificate Sign",
    "CRL Sign",
)
#: Their bits as ``decode_bits16`` returns them (OpenSSL's KU_* values: the
#: first octet's high bit is digitalSignature, decipherOnly is 0x8000).
_KEY_AGREEMENT, _ENCIPHER_ONLY, _DECIPHER_ONLY = 0x08, 0x01, 0x8000
_OCSP = "1.3.6.1.5.5.7.48.1"
_CA_ISSUERS = "1.3.6.1.5.5.7.48.2"
_OID_AIA = "1.3.6.1.5.5.7.1.1"
#: The facts that are null when their extension is absent.
_PRESENT_WHEN_BAD = {"2.5.29.15": "key_usage", "2.5.29.37": "extended_key_usage"}
#: GeneralName choices reported, and how JSON names them.
_GN_TYPES = {1: "email", 2: "DNS", 6: "URI", 7: "IP"}


def _ip_text(octets: bytes) -> str:
    if len(octets) == 4:
        return ".".join(str(b) for b in octets)
    if len(octets) == 16:
        import ipaddress  # only for an IPv6 name: its compressed form

        return str(ipaddress.IPv6Address(octets))
    raise ValueError("an iPAddress name is 4 or 16 octets")


def _general_names(names: Any) -> list[dict[str, str]]:
    """email, DNS, URI and IP names as JSON items (ValueError: not text or no address)."""
    out: list[dict[str, str]] = []
    for n in names:
        kind = _GN_TYPES.get(n.type)
        if kind is None:
            continue
        value = _ip_text(n.value) if kind == "IP" else n.value.decode("ascii")
        out.append({"type": kind, "value": value})
    return out


def _uris(names: Any) -> list[str]:
    return [n["value"] for n in _general_names(names) if n["type"] == "URI"]


def _decode(oid: str, value: bytes) -> dict[str, Any]:
    """One extension's facts; DERError/ValueError when it does not decode."""
    from sclient.base import der
    from sclient.x509 import cert as c
    from sclient.x509 import oids
    from sclient.x509.nameconstraints import decode_general_names

    if oid == c.OID_SAN:
        return {"subject_alt_names": _general_names(decode_general_names(value))}
    if oid == c.OID_KEY_USAGE:
        bits = c.decode_bits16(value)
        usages = [name for i, name in enumerate(_KEY_USAGE) if bits & (0x80 >> i)]
        if bits & _KEY_AGREEMENT:
            usages += ["Encipher Only"] if bits & _ENCIPHER_ONLY else []
            usages += ["Decipher Only"] if bits & _DECIPHER_ONLY else []
        return {"key_usage": usages}
    if oid == c.OID_EXT_KEY_USAGE:
        return {"extended_key_usage": [oids.ln(o) for o in c.decode_oid_seq(value)]}
    if oid == _OID_AIA:
        found: dict[str, Any] = {"ocsp_urls": [], "ca_issuers_urls": []}
        for desc in _sequence(value):
            method, location = desc.children()
            if method.tag != der.OID:
                raise der.DERError("accessMethod")
            names = decode_general_names(der.encode(der.SEQUENCE, location.raw))
            key = {_OCSP: "ocsp_urls", _CA_ISSUERS: "ca_issuers_urls"}.get(
                der.decode_oid(method.content)
            )
            if key is not None:
                found[key] += _uris(names)
        return found
    if oid == c.OID_CRLDP:
        points: list[str] = []
        for dp in _sequence(value):
            parts = dp.children()
            if parts and parts[0].tag == 0xA0:  # distributionPoint
                (choice,) = parts[0].children()
                if choice.tag == 0xA0:  # fullName [0] GeneralNames
                    full = der.encode(der.SEQUENCE, choice.content)
                    points += _uris(decode_general_names(full))
        return {"crl_distribution_points": points}
    return {}


def _sequence(value: bytes) -> list[Any]:
    from sclient.base import der

    t = der.parse(value)
    if t.tag != der.SEQUENCE or any(k.tag != der.SEQUENCE for k in t.children()):
        raise der.DERError("SEQUENCE OF SEQUENCE")
    return t.children()


def extension_facts(cert: Certificate) -> dict[str, Any]:
    """What ``openssl x509 -text`` shows of the usual extensions, as facts:
    ``serial`` (hex), ``subject_alt_names``, ``key_usage``,
    ``extended_key_usage``, ``ocsp_urls``, ``ca_issuers_urls``,
    ``crl_distribution_points``. An extension absent, or that does not decode
    (names that are not text, an address that is not 4 or 16 octets), gives an
    empty list (null for ``key_usage``/``extended_key_usage`` when absent); an
    extension that appears twice leaves every fact empty."""
    from sclient.base import der

    facts: dict[str, Any] = {
        "serial": serial_hex(cert.serial),
        "subject_alt_names": [],
        "key_usage": None,
        "extended_key_usage": None,
        "ocsp_urls": [],
        "ca_issuers_urls": [],
        "crl_distribution_points": [],
    }
    seen = [e.oid for e in cert.extensions]
    if len(set(seen)) != len(seen):
        return facts  # what OpenSSL would not decode either: nothing to report
    for ext in cert.extensions:
        try:
            facts.update(_decode(ext.oid, ext.value))
        except (der.DERError, ValueError):
            if ext.oid in _PRESENT_WHEN_BAD:  # present, but nothing to list
                facts[_PRESENT_WHEN_BAD[ext.oid]] = []
    return facts
