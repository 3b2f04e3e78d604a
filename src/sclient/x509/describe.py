"""What the s_client summary prints about a certificate (output.md §5).

* ``a:PKEY: <key_description name>, <bits> (bit); sigalg: <signature_algorithm_name>``
* ``v:NotBefore: <not_before>; NotAfter: <not_after>``
* ``Server public key is <public_key_bits> bit``
* the PEM block of ``Server certificate`` / ``-showcerts``
"""

from __future__ import annotations

from typing import Any

from sclient.base.pem import certificate_pem
from sclient.base.pyca import is_rsa_public_key, key_kind
from sclient.x509 import oids
from sclient.x509.cert import Certificate


def _as_cert(c: Certificate | bytes) -> Certificate:
    return c if isinstance(c, Certificate) else Certificate(c)


#: curves whose group order is shorter than the field (EC_GROUP_order_bits)
_EC_ORDER_BITS = {
    "sect233k1": 232,
    "sect283k1": 281,
    "sect283r1": 282,
    "sect409k1": 407,
    "sect571k1": 570,
    "sect571r1": 570,
}


def ec_order_bits(key: Any) -> int:
    """``EC_GROUP_order_bits`` of an EC public key's curve."""
    return _EC_ORDER_BITS.get(key.curve.name, int(key.curve.key_size))


def key_bits(key: Any, key_alg_oid: str = "") -> int:
    """``EVP_PKEY_get_bits`` (EC: the bit length of the group order)."""
    # RSA, DSA and DH keys have key_size; the dh module is not named, as
    # cryptography warns on any use of it.
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, x448, x25519

    if isinstance(key, ec.EllipticCurvePublicKey):
        return ec_order_bits(key)
    if hasattr(key, "key_size"):
        return int(key.key_size)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return 256
    if isinstance(key, ed448.Ed448PublicKey):
        return 456
    if isinstance(key, x25519.X25519PublicKey):
        return 253
    if isinstance(key, x448.X448PublicKey):
        return 448
    return 0


def key_description(cert: Certificate | bytes) -> tuple[str, int] | None:
    """(``OBJ_nid2sn(EVP_PKEY_get_base_id(key))``, ``EVP_PKEY_get_bits(key)``).

    ``("rsaEncryption", 2048)``, ``("id-ecPublicKey", 256)``, ``("ED25519", 256)``,
    ``("ED448", 456)``, ``("RSASSA-PSS", 2048)``, ``("DSA", 2048)``. ``None`` when
    the key cannot be decoded (s_client then omits the ``a:`` line).
    """
    c = _as_cert(cert)
    key = c.public_key
    if key is None:
        return None
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, x448, x25519

    if is_rsa_public_key(key):
        name = "RSASSA-PSS" if c.key_alg_oid == oids.OID_RSA_PSS else "rsaEncryption"
    elif isinstance(key, ec.EllipticCurvePublicKey):
        name = "id-ecPublicKey"
    elif key_kind(key) == "dsa":
        name = "DSA"
    elif isinstance(key, ed25519.Ed25519PublicKey):
        name = "ED25519"
    elif isinstance(key, ed448.Ed448PublicKey):
        name = "ED448"
    elif isinstance(key, x25519.X25519PublicKey):
        name = "X25519"
    elif isinstance(key, x448.X448PublicKey):
        name = "X448"
    else:
        name = oids.sn(c.key_alg_oid) if oids.known(c.key_alg_oid) else "UNDEF"
    return name, key_bits(key)


def public_key_bits(cert: Certificate | bytes) -> int | None:
    """``Server public key is <N> bit`` (None: no decodable key, line omitted)."""
    d = key_description(cert)
    return None if d is None else d[1]


def signature_algorithm_name(cert: Certificate | bytes) -> str:
    """``OBJ_nid2sn(X509_get_signature_nid(x))``: ``RSA-SHA256``, ``ecdsa-with-SHA256``,
    ``RSASSA-PSS``, ``ED25519``; ``UNDEF`` for an OID OpenSSL does not know."""
    c = _as_cert(cert)
    return oids.sn(c.sig_alg_oid) if oids.known(c.sig_alg_oid) else "UNDEF"


def not_before(cert: Certificate | bytes) -> str:
    """``ASN1_TIME_print`` of notBefore: ``Nov 24 09:07:36 2026 GMT``."""
    return _as_cert(cert).not_before.print()


def not_after(cert: Certificate | bytes) -> str:
    return _as_cert(cert).not_after.print()


def pem(cert: Certificate | bytes) -> str:
    """``PEM_write_bio_X509``: ``-----BEGIN CERTIFICATE-----`` … 64-column base64 …"""
    return certificate_pem(cert.der if isinstance(cert, Certificate) else cert)


def chain_lines(index: int, cert: Certificate | bytes, nameopt: int | None = None) -> list[str]:
    """The four ``Certificate chain`` lines of one certificate (3.0 layout)."""
    from sclient.x509.names import DEFAULT_NAMEOPT, print_ex

    c = _as_cert(cert)
    flags = DEFAULT_NAMEOPT if nameopt is None else nameopt
    out = [f"{index:2d} s:{print_ex(c.subject, flags)}", f"   i:{print_ex(c.issuer, flags)}"]
    kd = key_description(c)
    if kd is not None:
        out.append(f"   a:PKEY: {kd[0]}, {kd[1]} (bit); sigalg: {signature_algorithm_name(c)}")
    out.append(f"   v:NotBefore: {not_before(c)}; NotAfter: {not_after(c)}")
    return out
