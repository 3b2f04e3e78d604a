"""Raw public keys (RFC 7250) in the summary and in ``-json``: what OpenSSL
3.2's ``print_stuff`` prints for them, and the key's description (algorithm,
size, SHA-256 of the SubjectPublicKeyInfo)."""

from __future__ import annotations

import hashlib
from typing import Any

from sclient.report.model import SummaryData

__all__ = ["CERT_TYPE_NAMES", "fill_summary", "key_json", "public_key"]

RPK = 2

#: RFC 7250's TLS Certificate Types registry names, as JSON spells them.
CERT_TYPE_NAMES = {0: "X509", 1: "OpenPGP", 2: "RawPublicKey"}


def public_key(spki: bytes) -> Any | None:
    """The ``cryptography`` key of a SubjectPublicKeyInfo (None if it does not parse)."""
    from sclient.base.spki import light_public_key

    key = light_public_key(spki)
    if key is not None:
        return key
    try:
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        return load_der_public_key(spki)
    except Exception:
        return None


def fill_summary(
    d: SummaryData, types: tuple[int, int] | None, spki: bytes | None, show: bool
) -> None:
    """The summary's raw-public-key facts: the negotiated types and, with
    ``-enable_server_rpk``, the key as ``EVP_PKEY_print_public`` prints it
    at indent 2."""
    if types is not None:
        d.client_rpk = types[0] == RPK
        d.server_rpk = types[1] == RPK
    d.show_server_rpk = show
    if show and spki is not None:
        from sclient.x509.text import public_key_text

        key = public_key(spki)
        d.server_rpk_text = public_key_text(key, 2) if key is not None else None


_OPENSSL_NAMES = {
    "rsa": "rsaEncryption",
    "rsa-pss": "RSASSA-PSS",
    "ec": "id-ecPublicKey",
    "ed25519": "ED25519",
    "ed448": "ED448",
    "dsa": "dsaEncryption",
}


def key_json(spki: bytes) -> dict[str, Any]:
    """A raw public key in ``-json``: its algorithm (OpenSSL's short name, as
    certificates show ``key_type``), size in bits, curve, SHA-256 of the
    SubjectPublicKeyInfo (upper-case hex) and the PEM text."""
    from sclient.base.pem import encode
    from sclient.base.pyca import key_kind

    key = public_key(spki)
    kind = key_kind(key) if key is not None else None
    bits: int | None = None
    curve: str | None = None
    if key is not None:
        if kind == "ec":
            bits = key.curve.key_size
            curve = key.curve.name
        elif kind in ("rsa", "dsa"):
            bits = key.key_size
        elif kind == "ed25519":
            bits = 256
        elif kind == "ed448":
            bits = 456
    return {
        "algorithm": _OPENSSL_NAMES.get(kind or "", kind),
        "bits": bits,
        "curve": curve,
        "spki_sha256": hashlib.sha256(spki).hexdigest().upper(),
        "pem": encode("PUBLIC KEY", spki),
    }
