"""``x509.text.certificate_text`` against ``openssl x509 -text -noout -nameopt
oneline`` (``X509_print_ex`` with ``XN_FLAG_ONELINE``, what ``-trace`` prints
for each certificate): the test PKI's certificates of every key type and
certificates with the other extensions servers carry."""

from __future__ import annotations

import datetime as dt
import ipaddress
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from sclient.x509.text import certificate_text
from support.peers import require
from support.pki import PKI
from support.procs import _env


def _openssl_text(der: bytes) -> str:
    require("openssl")
    out = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-text", "-noout", "-nameopt", "oneline"],
        input=der,
        capture_output=True,
        check=True,
        env=_env(),
    )
    return out.stdout.decode()


def _der(path: Path) -> bytes:
    return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )


@pytest.mark.parametrize("kind", ["rsa", "ecdsa", "ed25519"])
@pytest.mark.parametrize("which", ["leaf", "chain", "root"])
def test_pki_certificates(pki: PKI, kind: str, which: str) -> None:
    der = _der(getattr(pki[kind], which))
    assert certificate_text(der) == _openssl_text(der)


def _build(key, exts, serial: int = 0x1234, subject: str = "example.com"):  # type: ignore[no-untyped-def]
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example, Inc."),
            x509.NameAttribute(NameOID.COMMON_NAME, subject),
        ]
    )
    b = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(dt.datetime(2024, 1, 2, 3, 4, 5))
        .not_valid_after(dt.datetime(2034, 1, 2, 3, 4, 5))
    )
    for value, critical in exts:
        b = b.add_extension(value, critical=critical)
    algo = None if isinstance(key, ed448.Ed448PrivateKey) else hashes.SHA384()
    return b.sign(key, algo).public_bytes(serialization.Encoding.DER)


def _web_extensions() -> list[tuple[object, bool]]:
    return [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (
            x509.KeyUsage(True, True, True, True, True, True, True, False, False),
            True,
        ),
        (
            x509.ExtendedKeyUsage(
                [
                    ExtendedKeyUsageOID.SERVER_AUTH,
                    ExtendedKeyUsageOID.CLIENT_AUTH,
                    ExtendedKeyUsageOID.CODE_SIGNING,
                ]
            ),
            False,
        ),
        (
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("example.com"),
                    x509.RFC822Name("a@example.com"),
                    x509.UniformResourceIdentifier("https://example.com/"),
                    x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
                ]
            ),
            False,
        ),
        (
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://crl.example.com/ca.crl")],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            False,
        ),
        (
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier("http://ocsp.example.com"),
                    ),
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier("http://example.com/ca.der"),
                    ),
                ]
            ),
            False,
        ),
        (
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.1"), None)]
            ),
            False,
        ),
        (
            x509.UnrecognizedExtension(
                x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x0c\x05hello\xff"
            ),
            False,
        ),
    ]


@pytest.mark.parametrize("keykind", ["rsa3072", "p384", "p521", "ed448"])
def test_more_extensions_and_keys(keykind: str) -> None:
    key = {
        "rsa3072": lambda: rsa.generate_private_key(65537, 3072),
        "p384": lambda: ec.generate_private_key(ec.SECP384R1()),
        "p521": lambda: ec.generate_private_key(ec.SECP521R1()),
        "ed448": lambda: ed448.Ed448PrivateKey.generate(),
    }[keykind]()
    der = _build(key, _web_extensions())
    assert certificate_text(der) == _openssl_text(der)


def test_small_serial_and_no_extensions() -> None:
    der = _build(ec.generate_private_key(ec.SECP256R1()), [], serial=4660)
    assert certificate_text(der) == _openssl_text(der)


def test_unparseable() -> None:
    assert certificate_text(b"\x30\x03\x02\x01\x00") is None


@pytest.mark.parametrize(
    "pkeyopts",
    [(), ("rsa_pss_keygen_md:sha256", "rsa_pss_keygen_saltlen:32")],
    ids=["unrestricted", "restricted"],
)
def test_rsa_pss(tmp_path: Path, pkeyopts: tuple[str, ...]) -> None:
    """RSA-PSS keys and signatures: the PSS parameters after the algorithm lines."""
    require("openssl")
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"]
    for opt in pkeyopts:
        cmd += ["-pkeyopt", opt]
    cmd += ["-nodes", "-keyout", "k.pem", "-out", "c.pem", "-subj", "/CN=pss", "-days", "3"]
    subprocess.run(cmd, cwd=tmp_path, check=True, capture_output=True, env=_env())
    der = _der(tmp_path / "c.pem")
    assert certificate_text(der) == _openssl_text(der)
