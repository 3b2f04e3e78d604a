"""A small, knob-rich PKI factory for the X.509 tests (made with ``cryptography``).

``build(...)`` mints root -> intermediate -> leaf with the names used throughout
output.md, and each knob bends one thing:

* key types per role (``rsa``/``rsa1024``/``rsa3072``/``ec``/``p384``/``ed25519``/``ed448``/``rsa-pss``),
* validity windows (``expired``/``not_yet_valid`` per role),
* a self-signed leaf, a leaf signed by the wrong key,
* basicConstraints / keyUsage / extendedKeyUsage variations on the intermediate
  and the leaf, path length constraints.

Keys are cached per (kind, slot) so a test run makes each key once.
Times are relative to ``now`` (a Unix timestamp, default: the wall clock).
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "/C=US/O=Test Org/CN=Test Root CA"
INTER_NAME = "/C=US/O=Test Org/CN=Test Intermediate CA"
LEAF_NAME = (
    "/C=US/ST=California/L=San Francisco/O=Example, Inc./OU=Web"
    "/CN=server.example.com/emailAddress=admin@example.com"
)

_SHORT = {
    "C": NameOID.COUNTRY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "L": NameOID.LOCALITY_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "CN": NameOID.COMMON_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
    "serialNumber": NameOID.SERIAL_NUMBER,
    "DC": NameOID.DOMAIN_COMPONENT,
    "UID": NameOID.USER_ID,
}

Key = Any  # a cryptography private key


def name(text: str) -> x509.Name:
    """``/C=US/O=Org/CN=x`` (no escapes; ``+`` joins a multi-valued RDN)."""
    rdns = []
    for part in text.strip("/").split("/"):
        avas = []
        for ava in part.split("+"):
            k, _, v = ava.partition("=")
            avas.append(x509.NameAttribute(_SHORT[k], v))
        rdns.append(x509.RelativeDistinguishedName(avas))
    return x509.Name(rdns)


@functools.cache
def key(kind: str, slot: str = "") -> Key:
    """One private key per (kind, slot) per process."""
    del slot
    if kind in ("rsa", "rsa-pss"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    if kind == "p521":
        return ec.generate_private_key(ec.SECP521R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "ed448":
        return ed448.Ed448PrivateKey.generate()
    raise ValueError(kind)


def _digest(signer: Key, hash_name: str) -> hashes.HashAlgorithm | None:
    if isinstance(signer, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None
    return {
        "sha1": hashes.SHA1(),
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }[hash_name]


def _ts(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(t), dt.UTC)


KU_FIELDS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def key_usage(*bits: str) -> x509.KeyUsage:
    vals = {f: (f in bits) for f in KU_FIELDS}
    return x509.KeyUsage(**vals)


_UNSET: Any = object()


@dataclass
class Cert:
    cert: x509.Certificate
    key: Key

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def make(
    subject: str | x509.Name,
    *,
    issuer: Cert | None = None,
    key_kind: str = "rsa",
    slot: str = "",
    not_before: float,
    not_after: float,
    ca: bool | None = None,
    pathlen: int | None = None,
    bc_critical: bool = True,
    ku: x509.KeyUsage | None = _UNSET,
    eku: Sequence[x509.ObjectIdentifier] | None = _UNSET,
    ski: bool = True,
    aki: bool = True,
    hash_name: str = "sha256",
    sign_with: Key | None = None,
    issuer_name: str | x509.Name | None = None,
    extra: Sequence[tuple[x509.ExtensionType, bool]] = (),
    serial: int | None = None,
    pss: bool = False,
) -> Cert:
    """Mint one certificate. ``issuer=None`` makes it self-signed."""
    subj = name(subject) if isinstance(subject, str) else subject
    k = key(key_kind, slot or (subject if isinstance(subject, str) else subj.rfc4514_string()))
    signer_cert_name = subj if issuer is None else issuer.cert.subject
    signer_key = k if issuer is None else issuer.key
    iname = (
        signer_cert_name
        if issuer_name is None
        else (name(issuer_name) if isinstance(issuer_name, str) else issuer_name)
    )
    b = (
        x509.CertificateBuilder()
        .subject_name(subj)
        .issuer_name(iname)
        .public_key(k.public_key())
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(_ts(not_before))
        .not_valid_after(_ts(not_after))
    )
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), critical=bc_critical)
    if ku is _UNSET:
        ku = (
            key_usage("key_cert_sign", "crl_sign")
            if ca
            else key_usage("digital_signature", "key_encipherment")
        )
    if ku is not None:
        b = b.add_extension(ku, critical=True)
    if eku is _UNSET:
        eku = None if ca else [ExtendedKeyUsageOID.SERVER_AUTH]
    if eku is not None:
        b = b.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if ski:
        b = b.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False
        )
    if aki:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    for ext, crit in extra:
        b = b.add_extension(ext, critical=crit)
    real_signer = sign_with if sign_with is not None else signer_key
    if pss:
        cert = b.sign(
            real_signer,
            hashes.SHA256(),
            rsa_padding=padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        )
    else:
        cert = b.sign(real_signer, _digest(real_signer, hash_name))
    return Cert(cert, k)


@dataclass
class Role:
    """Knobs of one certificate of the standard chain."""

    key_kind: str = "rsa"
    expired: bool = False
    not_yet_valid: bool = False
    ca: bool | None = _UNSET
    pathlen: int | None = None
    ku: x509.KeyUsage | None = _UNSET
    eku: Sequence[x509.ObjectIdentifier] | None = _UNSET
    hash_name: str = "sha256"
    wrong_key: bool = False  # signed by an unrelated key of the issuer's kind
    pss: bool = False
    extra: Sequence[tuple[x509.ExtensionType, bool]] = ()
    subject: str | None = None
    bc_critical: bool = True


@dataclass
class Pki:
    now: float
    root: Cert
    inter: Cert
    leaf: Cert
    extra: dict[str, Cert] = field(default_factory=dict)

    def write(self, d: Path) -> dict[str, Path]:
        """root.pem, inter.pem, leaf.pem, leaf.key, chain.pem (leaf+inter), full.pem."""
        d.mkdir(parents=True, exist_ok=True)
        files = {
            "root.pem": self.root.pem,
            "inter.pem": self.inter.pem,
            "leaf.pem": self.leaf.pem,
            "leaf.key": self.leaf.key_pem,
            "chain.pem": self.leaf.pem + self.inter.pem,
            "full.pem": self.leaf.pem + self.inter.pem + self.root.pem,
        }
        out = {}
        for n, data in files.items():
            (d / n).write_bytes(data)
            out[n] = d / n
        return out


DAY = 86400.0


def _window(now: float, r: Role, life: float) -> tuple[float, float]:
    if r.expired:
        return now - 400 * DAY, now - 30 * DAY
    if r.not_yet_valid:
        return now + 30 * DAY, now + 400 * DAY
    return now - DAY, now + life


def build(
    *,
    now: float | None = None,
    root: Role | None = None,
    inter: Role | None = None,
    leaf: Role | None = None,
    self_signed_leaf: bool = False,
) -> Pki:
    """The standard root -> intermediate -> leaf chain with per-role knobs."""
    now = float(int(time.time())) if now is None else now
    root, inter, leaf = root or Role(), inter or Role(), leaf or Role()
    nb, na = _window(now, root, 3650 * DAY)
    r = make(
        root.subject or ROOT_NAME,
        key_kind=root.key_kind,
        not_before=nb,
        not_after=na,
        ca=True if root.ca is _UNSET else root.ca,
        pathlen=root.pathlen,
        bc_critical=root.bc_critical,
        ku=root.ku,
        eku=root.eku,
        hash_name=root.hash_name,
        extra=root.extra,
        pss=root.pss,
    )
    nb, na = _window(now, inter, 3000 * DAY)
    i = make(
        inter.subject or INTER_NAME,
        issuer=r,
        key_kind=inter.key_kind,
        not_before=nb,
        not_after=na,
        ca=True if inter.ca is _UNSET else inter.ca,
        pathlen=inter.pathlen,
        bc_critical=inter.bc_critical,
        ku=inter.ku,
        eku=inter.eku,
        hash_name=inter.hash_name,
        sign_with=key(_kind(root), "wrong") if inter.wrong_key else None,
        extra=inter.extra,
        pss=inter.pss,
    )
    nb, na = _window(now, leaf, 365 * DAY)
    lf = make(
        leaf.subject or LEAF_NAME,
        issuer=None if self_signed_leaf else i,
        key_kind=leaf.key_kind,
        not_before=nb,
        not_after=na,
        ca=self_signed_leaf if leaf.ca is _UNSET else leaf.ca,
        pathlen=leaf.pathlen,
        bc_critical=leaf.bc_critical,
        ku=leaf.ku,
        eku=leaf.eku,
        hash_name=leaf.hash_name,
        sign_with=key(_kind(inter), "wrong") if leaf.wrong_key else None,
        extra=leaf.extra,
        pss=leaf.pss,
    )
    return Pki(now, r, i, lf)


def _kind(r: Role) -> str:
    return "rsa" if r.key_kind == "rsa-pss" else r.key_kind


# --- raw re-signing (for what cryptography refuses to mint) -----------------------------------

SIG_ALGS = {
    ("rsa", "sha1"): "1.2.840.113549.1.1.5",
    ("rsa", "md5"): "1.2.840.113549.1.1.4",
    ("rsa", "sha256"): "1.2.840.113549.1.1.11",
    ("rsa", "sha384"): "1.2.840.113549.1.1.12",
    ("rsa", "sha512"): "1.2.840.113549.1.1.13",
    ("ec", "sha1"): "1.2.840.10045.4.1",
    ("ec", "sha256"): "1.2.840.10045.4.3.2",
    ("ec", "sha384"): "1.2.840.10045.4.3.3",
}


def alg_id(oid: str, null_params: bool = True) -> bytes:
    from sclient.base import der
    from sclient.x509.names import _oid_der

    return der.encode(
        der.SEQUENCE, _oid_der(oid) + (der.encode(der.NULL, b"") if null_params else b"")
    )


def sign_raw(signer: Key, data: bytes, hash_name: str | None) -> bytes:
    if isinstance(signer, rsa.RSAPrivateKey):
        return signer.sign(data, padding.PKCS1v15(), _HASHES[hash_name or "sha256"]())
    if isinstance(signer, ec.EllipticCurvePrivateKey):
        return signer.sign(data, ec.ECDSA(_HASHES[hash_name or "sha256"]()))
    return signer.sign(data)


_HASHES: dict[str, Any] = {
    "sha1": hashes.SHA1,
    "md5": hashes.MD5,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def tbs_fields(cert_der: bytes) -> list[bytes]:
    """The raw TBSCertificate fields (version [0] included when present)."""
    from sclient.base import der

    cert = der.parse(cert_der)
    tbs = cert.children()[0]
    return [t.raw for t in tbs.children()]


def assemble(
    fields: Sequence[bytes],
    signer: Key,
    *,
    sig_alg: bytes,
    hash_name: str | None,
    outer_alg: bytes | None = None,
) -> bytes:
    """DER certificate from TBS fields; ``sig_alg`` replaces the TBS signature field."""
    from sclient.base import der

    f = list(fields)
    idx = 2 if f[0][:1] == b"\xa0" else 1
    f[idx] = sig_alg
    tbs = der.encode(der.SEQUENCE, b"".join(f))
    sig = sign_raw(signer, tbs, hash_name)
    outer = sig_alg if outer_alg is None else outer_alg
    return der.encode(der.SEQUENCE, tbs + outer + der.encode(der.BIT_STRING, b"\x00" + sig))


def resign(
    c: Cert, signer: Key, hash_name: str, *, replace: dict[int, bytes] | None = None
) -> Cert:
    """Re-sign ``c`` with ``hash_name`` (e.g. SHA-1), optionally replacing TBS fields
    (indices as in :func:`tbs_fields`)."""
    kind = "rsa" if isinstance(signer, rsa.RSAPrivateKey) else "ec"
    fields = tbs_fields(c.der)
    for k, v in (replace or {}).items():
        fields[k] = v
    alg = alg_id(SIG_ALGS[(kind, hash_name)], null_params=(kind == "rsa"))
    new = assemble(fields, signer, sig_alg=alg, hash_name=hash_name)
    return Cert(x509.load_der_x509_certificate(new) if _loadable(new) else _Raw(new), c.key)  # type: ignore[arg-type]


def _loadable(data: bytes) -> bool:
    try:
        x509.load_der_x509_certificate(data)
        return True
    except Exception:
        return False


class _Raw:
    """Stands in for a cryptography certificate that cryptography cannot load."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def public_bytes(self, encoding: serialization.Encoding) -> bytes:
        if encoding == serialization.Encoding.DER:
            return self._data
        from sclient.base.pem import certificate_pem

        return certificate_pem(self._data).encode()
