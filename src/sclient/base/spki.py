"""Public keys from a SubjectPublicKeyInfo, through ``cryptography``'s light entry points.

``cryptography``'s certificate and serialization modules cost more to import
than a whole connection takes (they pull ``dataclasses``, ``inspect`` and
``email``), so the keys a handshake meets (RSA, EC on a named curve, Ed25519,
Ed448) are built here from the parsed key: RSA from its modulus and exponent,
EC from its curve and encoded point, EdDSA from its raw bytes. Anything else
(DSA, RSA-PSS, explicit curves, a key these constructors refuse) returns
``None`` and the caller takes the general loader, which then decides, with
its own errors, exactly as before.
"""

from __future__ import annotations

from typing import Any

from sclient.base import der

__all__ = ["OID_EC", "OID_ED448", "OID_ED25519", "OID_RSA", "light_public_key", "spki_of"]

OID_RSA = "1.2.840.113549.1.1.1"
OID_EC = "1.2.840.10045.2.1"
OID_ED25519 = "1.3.101.112"
OID_ED448 = "1.3.101.113"

#: Named curves by OID -> the name of ``cryptography``'s curve class.
_CURVES = {
    "1.2.840.10045.3.1.7": "SECP256R1",
    "1.3.132.0.34": "SECP384R1",
    "1.3.132.0.35": "SECP521R1",
    "1.3.132.0.10": "SECP256K1",
    "1.3.132.0.33": "SECP224R1",
    "1.2.840.10045.3.1.1": "SECP192R1",
    "1.3.36.3.3.2.8.1.1.7": "BrainpoolP256R1",
    "1.3.36.3.3.2.8.1.1.11": "BrainpoolP384R1",
    "1.3.36.3.3.2.8.1.1.13": "BrainpoolP512R1",
}


def spki_of(cert_der: bytes) -> bytes | None:
    """The SubjectPublicKeyInfo of a DER certificate, or None if the outline is not one."""
    try:
        cert = der.parse(cert_der)
        if cert.tag != der.SEQUENCE:
            return None
        tbs = der.read(cert.content)[0]
        if tbs.tag != der.SEQUENCE:
            return None
        fields = der.read_all(tbs.content)
    except der.DERError:
        return None
    i = 1 if fields and fields[0].tag == 0xA0 else 0
    if len(fields) < i + 6 or fields[i + 5].tag != der.SEQUENCE:
        return None
    return fields[i + 5].raw


def light_public_key(spki: bytes) -> Any | None:
    """The ``cryptography`` public key of ``spki``, or None where only the general
    loader can tell (or refuse) it."""
    try:
        alg, bits = der.parse(spki).children()
        parts = alg.children()
        if alg.tag != der.SEQUENCE or bits.tag != der.BIT_STRING or not parts:
            return None
        if parts[0].tag != der.OID or bits.content[:1] != b"\x00":
            return None
        oid = der.decode_oid(parts[0].content)
        params = parts[1:]
        raw = bits.content[1:]
        if oid == OID_RSA:
            return _rsa(params, raw)
        if oid == OID_EC:
            return _ec(params, raw)
        if oid in (OID_ED25519, OID_ED448) and not params:
            return _eddsa(oid, raw)
    except Exception:  # the general loader decides, with its own error
        return None
    return None


def _rsa(params: list[der.TLV], raw: bytes) -> Any | None:
    if len(params) > 1 or (params and params[0].raw != b"\x05\x00"):
        return None
    seq = der.parse(raw)
    ints = seq.children()
    if seq.tag != der.SEQUENCE or len(ints) != 2 or any(t.tag != der.INTEGER for t in ints):
        return None
    n, e = (der.decode_int(t.content) for t in ints)
    if n <= 0 or e <= 0:
        return None
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.RSAPublicNumbers(e, n).public_key()


def _ec(params: list[der.TLV], raw: bytes) -> Any | None:
    if len(params) != 1 or params[0].tag != der.OID:
        return None
    name = _CURVES.get(der.decode_oid(params[0].content))
    if name is None or not raw:
        return None
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.EllipticCurvePublicKey.from_encoded_point(getattr(ec, name)(), raw)


def _eddsa(oid: str, raw: bytes) -> Any:
    if oid == OID_ED25519:
        from cryptography.hazmat.primitives.asymmetric import ed25519

        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    from cryptography.hazmat.primitives.asymmetric import ed448

    return ed448.Ed448PublicKey.from_public_bytes(raw)
