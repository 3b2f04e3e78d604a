"""A test PKI made with ``cryptography``: root -> intermediate -> leaf.

One chain per key type (RSA-2048, ECDSA P-256, Ed25519). Every certificate
of a chain uses the same key type, so an "ECDSA server" signs with ECDSA all
the way up. The leaf is for ``localhost``, ``127.0.0.1`` and ``::1``.

Files written for each chain, in ``<dir>/<kind>/``:

``leaf.pem``, ``leaf.key``   the server certificate and its key (PKCS#8 PEM)
``chain.pem``                the intermediate (what a server sends after the leaf)
``fullchain.pem``            leaf + intermediate
``root.pem``                 the trust anchor (give it to -CAfile)
``int.key``, ``root.key``    the CA keys (for tests that mint more certificates)

Keys are made once per process (``functools.cache``), so asking twice is free.
"""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KINDS = ("rsa", "ecdsa", "ed25519")

#: What OpenSSL prints as the key algorithm / signature names for each kind.
KIND_LABEL = {"rsa": "RSA", "ecdsa": "ECDSA", "ed25519": "Ed25519"}


@dataclass(frozen=True)
class Chain:
    """Paths of one root -> intermediate -> leaf chain."""

    kind: str
    dir: Path
    leaf: Path
    key: Path
    chain: Path
    fullchain: Path
    root: Path
    int_key: Path
    root_key: Path
    leaf_subject: str
    int_subject: str
    root_subject: str


@functools.cache
def _key(kind: str, role: str):  # type: ignore[no-untyped-def]
    """One private key per (kind, role) per process."""
    del role  # the role only makes the cache hand out distinct keys
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "ecdsa":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown key kind {kind!r}")


def _hash_for(kind: str) -> hashes.HashAlgorithm | None:
    return None if kind == "ed25519" else hashes.SHA256()


def _name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts])


def _ski(key) -> x509.SubjectKeyIdentifier:  # type: ignore[no-untyped-def]
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def make_cert(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    key,  # type: ignore[no-untyped-def]
    issuer_key,  # type: ignore[no-untyped-def]
    kind: str,
    ca: bool,
    path_len: int | None = None,
    sans: list[x509.GeneralName] | None = None,
    not_before: _dt.datetime | None = None,
    not_after: _dt.datetime | None = None,
) -> x509.Certificate:
    """Mint one certificate (used by the factory and by tests needing odd ones)."""
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - _dt.timedelta(days=1))
        .not_valid_after(not_after or now + _dt.timedelta(days=3650 if ca else 825))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=(kind == "rsa"),
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(issuer_key, _hash_for(kind))


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:  # type: ignore[no-untyped-def]
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_pair(cert: x509.Certificate, key, cert_path: Path, key_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """``cert`` and its private ``key`` written as PEM (the key PKCS#8,
    unencrypted): ``(cert_path, key_path)``."""
    cert_path.write_bytes(_pem(cert))
    key_path.write_bytes(_key_pem(key))
    return cert_path, key_path


LOCALHOST_SANS: list[x509.GeneralName] = [
    x509.DNSName("localhost"),
    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    x509.IPAddress(ipaddress.ip_address("::1")),
]


def write_chain(base: Path, kind: str) -> Chain:
    """Write the chain for ``kind`` under ``base/kind`` (idempotent)."""
    d = base / kind
    d.mkdir(parents=True, exist_ok=True)
    label = KIND_LABEL[kind]
    root_name = _name(
        (NameOID.ORGANIZATION_NAME, "sclient tests"),
        (NameOID.COMMON_NAME, f"sclient {label} Root CA"),
    )
    int_name = _name(
        (NameOID.ORGANIZATION_NAME, "sclient tests"),
        (NameOID.COMMON_NAME, f"sclient {label} Intermediate CA"),
    )
    leaf_name = _name(
        (NameOID.ORGANIZATION_NAME, "sclient tests"), (NameOID.COMMON_NAME, "localhost")
    )
    root_key, int_key, leaf_key = _key(kind, "root"), _key(kind, "int"), _key(kind, "leaf")
    root = make_cert(
        subject=root_name, issuer=root_name, key=root_key, issuer_key=root_key, kind=kind, ca=True
    )
    inter = make_cert(
        subject=int_name,
        issuer=root_name,
        key=int_key,
        issuer_key=root_key,
        kind=kind,
        ca=True,
        path_len=0,
    )
    leaf = make_cert(
        subject=leaf_name,
        issuer=int_name,
        key=leaf_key,
        issuer_key=int_key,
        kind=kind,
        ca=False,
        sans=LOCALHOST_SANS,
    )
    files = {
        "leaf.pem": _pem(leaf),
        "leaf.key": _key_pem(leaf_key),
        "chain.pem": _pem(inter),
        "fullchain.pem": _pem(leaf) + _pem(inter),
        "root.pem": _pem(root),
        "int.key": _key_pem(int_key),
        "root.key": _key_pem(root_key),
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    return Chain(
        kind=kind,
        dir=d,
        leaf=d / "leaf.pem",
        key=d / "leaf.key",
        chain=d / "chain.pem",
        fullchain=d / "fullchain.pem",
        root=d / "root.pem",
        int_key=d / "int.key",
        root_key=d / "root.key",
        leaf_subject="O = sclient tests, CN = localhost",
        int_subject=f"O = sclient tests, CN = sclient {label} Intermediate CA",
        root_subject=f"O = sclient tests, CN = sclient {label} Root CA",
    )


class PKI:
    """All chains of one test session, keyed by kind: ``pki["rsa"].root``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.chains = {kind: write_chain(base, kind) for kind in KINDS}
        self.ffdhe2048 = base / "ffdhe2048.pem"
        self.ffdhe2048.write_bytes(FFDHE2048_PEM)

    def __getitem__(self, kind: str) -> Chain:
        return self.chains[kind]


# RFC 7919 ffdhe2048 as PKCS#3 DH parameters (for Python's ssl.load_dh_params).
FFDHE2048_PEM = b"""-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""
