"""A certificate as ``X509_print_ex(bio, x, XN_FLAG_ONELINE, 0)`` prints it
(what ``-trace`` shows for each certificate, output.md §15).

Covers what TLS servers send: version, serial, signature algorithm, names
(oneline), validity, the public key of RSA, EC (named curves) and EdDSA
keys, the common X.509v3 extensions (basic constraints, key identifiers, key
usage, extended key usage, subject alternative names) and the signature.
An extension it does not decode is shown as its octets, as OpenSSL does for
an extension it has no printer for. Object names come from ``x509.oids``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from sclient.x509 import names, oids

__all__ = ["certificate_text", "public_key_text", "signature_text"]


def _hexcolon(data: bytes, per_line: int, indent: int) -> str:
    """``ASN1_buf_print``/``X509_signature_dump``: ``aa:bb:…`` lines."""
    out = []
    for i in range(0, len(data), per_line):
        chunk = data[i : i + per_line]
        last = i + per_line >= len(data)
        out.append(
            " " * indent + ":".join(f"{b:02x}" for b in chunk) + ("" if last else ":") + "\n"
        )
    return "".join(out)


def _bn_bytes(n: int) -> bytes:
    """A positive bignum as ``ASN1_bn_print`` dumps it (a 00 before a set top bit)."""
    b = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return b"\x00" + b if b[0] & 0x80 else b


def _ln(oid: str) -> str:
    return oids.ln(oid) if oids.known(oid) else oid


_KEY_USAGE = (
    "Digital Signature",
    "Non Repudiation",
    "Key Encipherment",
    "Data Encipherment",
    "Key Agreement",
    "Certificate Sign",
    "CRL Sign",
    "Encipher Only",
    "Decipher Only",
)

_NIST = {
    "secp192r1": "P-192",
    "secp224r1": "P-224",
    "secp256r1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
}
_CURVE_OID_NAME = {"secp192r1": "prime192v1", "secp256r1": "prime256v1"}


def _public_key(cert: Any) -> str | None:
    return public_key_text(cert.public_key(), 16)


def public_key_text(key: Any, indent: int) -> str | None:
    """``EVP_PKEY_print_public(bio, key, indent, NULL)`` for RSA, EC (named
    curves) and EdDSA keys (None for another key type)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pad = " " * indent
    hexpad = indent + 4
    if isinstance(key, rsa.RSAPublicKey):
        nums = key.public_numbers()
        return (
            f"{pad}Public-Key: ({key.key_size} bit)\n{pad}Modulus:\n"
            + _hexcolon(_bn_bytes(nums.n), 15, hexpad)
            + f"{pad}Exponent: {nums.e} (0x{nums.e:x})\n"
        )
    if isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        curve = key.curve.name
        text = f"{pad}Public-Key: ({key.curve.key_size} bit)\n{pad}pub:\n" + _hexcolon(
            point, 15, hexpad
        )
        text += f"{pad}ASN1 OID: {_CURVE_OID_NAME.get(curve, curve)}\n"
        if curve in _NIST:
            text += f"{pad}NIST CURVE: {_NIST[curve]}\n"
        return text
    for kind, label in ((ed25519.Ed25519PublicKey, "ED25519"), (ed448.Ed448PublicKey, "ED448")):
        if isinstance(key, kind):
            raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            return f"{pad}{label} Public-Key:\n{pad}pub:\n" + _hexcolon(raw, 15, hexpad)
    return None


def _general_name(g: Any) -> str:
    from cryptography import x509

    if isinstance(g, x509.DNSName):
        return f"DNS:{g.value}"
    if isinstance(g, x509.RFC822Name):
        return f"email:{g.value}"
    if isinstance(g, x509.UniformResourceIdentifier):
        return f"URI:{g.value}"
    if isinstance(g, x509.IPAddress):
        a = g.value
        if isinstance(a, ipaddress.IPv6Address):
            return "IP Address:" + ":".join(
                f"{int.from_bytes(a.packed[i : i + 2], 'big'):X}" for i in range(0, 16, 2)
            )
        return f"IP Address:{a}"
    if isinstance(g, x509.DirectoryName):
        return "DirName:" + names.print_ex(
            names.Name.from_der(g.value.public_bytes()), names.XN_FLAG_ONELINE
        )
    if isinstance(g, x509.RegisteredID):
        return f"Registered ID:{_ln(g.value.dotted_string)}"
    return "othername:<unsupported>"


def _extension_body(ext: Any) -> str | None:
    """The value lines of one extension (indent 16), or None if not decoded here."""
    from cryptography import x509

    v = ext.value
    pad = " " * 16
    if isinstance(v, x509.BasicConstraints):
        s = "CA:TRUE" if v.ca else "CA:FALSE"
        if v.path_length is not None:
            s += f", pathlen:{v.path_length}"
        return f"{pad}{s}\n"
    if isinstance(v, x509.SubjectKeyIdentifier):
        return f"{pad}{':'.join(f'{b:02X}' for b in v.digest)}\n"
    if isinstance(v, x509.AuthorityKeyIdentifier):
        if v.authority_cert_issuer is not None or v.authority_cert_serial_number is not None:
            return None
        if v.key_identifier is None:
            return None
        return f"{pad}{':'.join(f'{b:02X}' for b in v.key_identifier)}\n"
    if isinstance(v, x509.KeyUsage):
        flags = [
            v.digital_signature,
            v.content_commitment,
            v.key_encipherment,
            v.data_encipherment,
            v.key_agreement,
            v.key_cert_sign,
            v.crl_sign,
            v.key_agreement and v.encipher_only,
            v.key_agreement and v.decipher_only,
        ]
        return f"{pad}{', '.join(n for n, on in zip(_KEY_USAGE, flags, strict=True) if on)}\n"
    if isinstance(v, x509.ExtendedKeyUsage):
        return f"{pad}{', '.join(_ln(u.dotted_string) for u in v)}\n"
    if isinstance(v, x509.SubjectAlternativeName | x509.IssuerAlternativeName):
        return f"{pad}{', '.join(_general_name(g) for g in v)}\n"
    if isinstance(v, x509.CRLDistributionPoints):
        return _crl_distribution_points(v)
    if isinstance(v, x509.AuthorityInformationAccess):
        return "".join(
            f"{pad}{_ln(d.access_method.dotted_string)} - {_general_name(d.access_location)}\n"
            for d in v
        )
    if isinstance(v, x509.CertificatePolicies):
        out = []
        for policy in v:
            if policy.policy_qualifiers:
                return None
            out.append(f"{pad}Policy: {_ln(policy.policy_identifier.dotted_string)}\n")
        return "".join(out)
    return None


def _crl_distribution_points(v: Any) -> str | None:
    pad = " " * 16
    out = []
    for i, dp in enumerate(v):
        if dp.relative_name is not None or dp.reasons is not None:
            return None
        if i:
            out.append("\n")
        if dp.full_name is not None:
            out.append(f"{pad}Full Name:\n")
            out.extend(f"{pad}  {_general_name(g)}\n" for g in dp.full_name)
        if dp.crl_issuer is not None:
            out.append(f"{pad}CRL Issuer:\n")
            out.extend(f"{pad}  {_general_name(g)}\n" for g in dp.crl_issuer)
    return "".join(out)


def _octets(data: bytes) -> str:
    """``ASN1_STRING_print`` of an extension's value at indent 16 (what OpenSSL
    prints for an extension it has no printer for)."""
    text = "".join(chr(b) if 0x20 <= b <= 0x7E or b in (10, 13) else "." for b in data)
    return " " * 16 + text + "\n"


def _extension_value(der: bytes, oid: str) -> bytes:
    """The extnValue octets of the extension ``oid`` (as the certificate has them)."""
    from sclient.x509.cert import Certificate

    for e in Certificate(der).extensions:
        if e.oid == oid:
            return bytes(e.value)
    return b""


_PSS_OID = "1.2.840.113549.1.1.10"
_PRECERT_SCTS_OID = "1.3.6.1.4.1.11129.2.4.2"
_MGF1_OID = "1.2.840.113549.1.1.8"
#: provider names of digests, as the PSS key restrictions print them
_PROVIDER_DIGEST = {
    "1.3.14.3.2.26": "SHA1",
    "2.16.840.1.101.3.4.2.4": "SHA2-224",
    "2.16.840.1.101.3.4.2.1": "SHA2-256",
    "2.16.840.1.101.3.4.2.2": "SHA2-384",
    "2.16.840.1.101.3.4.2.3": "SHA2-512",
}


class _Pss:
    """RSASSA-PSS-params: the fields present (None: the default)."""

    def __init__(self, alg_raw: bytes) -> None:
        from sclient.base import der as d

        self.hash: str | None = None
        self.mgf: str | None = None
        self.mgf_hash: str | None = None
        self.salt: int | None = None
        self.trailer: int | None = None
        kids = d.parse(alg_raw).children()
        if len(kids) < 2 or kids[1].tag != d.SEQUENCE:
            return
        for f in kids[1].children():
            inner = f.children()[0] if f.children() else None
            if inner is None:
                continue
            if f.tag == 0xA0:
                self.hash = d.decode_oid(inner.children()[0].content)
            elif f.tag == 0xA1:
                parts = inner.children()
                self.mgf = d.decode_oid(parts[0].content)
                if len(parts) > 1 and parts[1].tag == d.SEQUENCE:
                    self.mgf_hash = d.decode_oid(parts[1].children()[0].content)
            elif f.tag == 0xA2:
                self.salt = d.decode_int(inner.content)
            elif f.tag == 0xA3:
                self.trailer = d.decode_int(inner.content)


def _asn1_int_hex(n: int) -> str:
    """``i2a_ASN1_INTEGER``: upper-case hex in whole bytes."""
    h = f"{n:X}"
    return h if len(h) % 2 == 0 else "0" + h


def _pss_sig_params(alg_raw: bytes) -> str:
    """``rsa_pss_param_print`` for a signature (indent 8), after its header line."""
    try:
        p = _Pss(alg_raw)
    except (ValueError, IndexError):
        return " (INVALID PSS PARAMETERS)\n"
    pad = " " * 8
    hash_ = _ln(p.hash) if p.hash else "sha1 (default)"
    if p.mgf is not None:
        mask = f"{_ln(p.mgf)} with {_ln(p.mgf_hash) if p.mgf_hash else 'INVALID'}"
    else:
        mask = "mgf1 with sha1 (default)"
    salt = _asn1_int_hex(p.salt) if p.salt is not None else "14 (default)"
    trailer = _asn1_int_hex(p.trailer) if p.trailer is not None else "01 (default)"
    return (
        f"{pad}\n{pad}Hash Algorithm: {hash_}\n{pad}Mask Algorithm: {mask}\n"
        f"{pad} Salt Length: 0x{salt}\n{pad}Trailer Field: 0x{trailer}\n"
    )


def _pss_key_restrictions(spki_raw: bytes) -> str:
    """What a PSS key's parameters restrict (indent 16)."""
    from sclient.base import der as d

    pad = " " * 16
    alg = d.parse(spki_raw).children()[0]
    if len(alg.children()) < 2:
        return f"{pad}No PSS parameter restrictions\n"
    p = _Pss(alg.raw)
    hash_ = _PROVIDER_DIGEST.get(p.hash, p.hash) if p.hash else "SHA1 (default)"
    mgf_hash = _PROVIDER_DIGEST.get(p.mgf_hash or "", p.mgf_hash or "")
    mask = f"MGF1 with {mgf_hash}" if p.mgf is not None else "MGF1 with SHA1 (default)"
    salt = str(p.salt) if p.salt is not None else "20 (default)"
    trailer = f"0x{p.trailer:x}" if p.trailer is not None else "0x1 (default)"
    return (
        f"{pad}PSS parameter restrictions:\n{pad}  Hash Algorithm: {hash_}\n"
        f"{pad}  Mask Algorithm: {mask}\n{pad}  Minimum Salt Length: {salt}\n"
        f"{pad}  Trailer Field: {trailer}\n"
    )


def signature_text(sig_oid: str, sig_alg_raw: bytes, signature: bytes) -> str:
    """``X509_signature_print``: the algorithm (PSS parameters too) and the value."""
    if sig_oid == _PSS_OID:
        head = f"    Signature Algorithm: {_ln(sig_oid)}\n    Signature Value:{_pss_sig_params(sig_alg_raw)}"
    else:
        head = f"    Signature Algorithm: {_ln(sig_oid)}\n    Signature Value:\n"
    return head + _hexcolon(signature, 18, 8)


def certificate_text(der: bytes, compat: bool = False) -> str | None:
    """The text of one DER certificate; None when it does not parse. Names are
    printed one-line (``X509_print_ex(…, XN_FLAG_ONELINE, 0)``), or with
    ``compat`` as ``X509_print`` prints them (``X509_NAME_print``)."""
    from cryptography import x509

    from sclient.x509.cert import Certificate, CertificateError

    try:
        ours = Certificate(der)
        cert = x509.load_der_x509_certificate(der)
    except (CertificateError, ValueError):
        return None
    out = ["Certificate:\n", "    Data:\n"]
    out.append(f"        Version: {ours.version + 1} (0x{ours.version:x})\n")
    serial = ours.serial
    if -(1 << 63) < serial < (1 << 63):
        sign = "-" if serial < 0 else ""
        out.append(f"        Serial Number: {serial} ({sign}0x{abs(serial):x})\n")
    else:
        mag = abs(serial).to_bytes((abs(serial).bit_length() + 7) // 8, "big")
        sign = " (Negative)" if serial < 0 else ""
        out.append(
            f"        Serial Number:{sign}\n            {':'.join(f'{b:02x}' for b in mag)}\n"
        )
    sig_oid = ours.sig_alg_oid
    if sig_oid == _PSS_OID:
        out.append(
            f"        Signature Algorithm: {_ln(sig_oid)}{_pss_sig_params(ours.tbs_sig_alg_raw)}"
        )
    else:
        out.append(f"        Signature Algorithm: {_ln(sig_oid)}\n")
    out.append(f"        Issuer: {_name(ours.issuer, compat)}\n")
    out.append("        Validity\n")
    out.append(f"            Not Before: {ours.not_before.print()}\n")
    out.append(f"            Not After : {ours.not_after.print()}\n")
    out.append(f"        Subject: {_name(ours.subject, compat)}\n")
    out.append("        Subject Public Key Info:\n")
    out.append(f"            Public Key Algorithm: {_ln(ours.key_alg_oid)}\n")
    try:
        key = _public_key(cert)
    except (ValueError, TypeError):
        key = None
    out.append(key if key is not None else "                Unable to load Public Key\n")
    if key is not None and ours.key_alg_oid == _PSS_OID:
        out.append(_pss_key_restrictions(ours.spki_raw))
    try:
        exts = list(cert.extensions)
    except ValueError:
        exts = []
    if exts:
        out.append("        X509v3 extensions:\n")
        for ext in exts:
            oid = ext.oid.dotted_string
            crit = "critical" if ext.critical else ""
            out.append(f"            {_ln(oid)}: {crit}\n")
            body = _extension_body(ext)
            if body is None and oid == _PRECERT_SCTS_OID:
                from sclient.x509.ct import sct_list_text

                body = sct_list_text(_extension_value(der, oid), 16)
            if body is None:
                body = _octets(_extension_value(der, oid))
            out.append(body)
    out.append(signature_text(sig_oid, ours.sig_alg_raw, ours.signature))
    return "".join(out)


def _name(name: names.Name, compat: bool) -> str:
    if compat:
        return names.name_print_compat(name).decode("utf-8", "surrogateescape")
    return names.print_ex(name, names.XN_FLAG_ONELINE)
