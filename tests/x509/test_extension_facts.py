"""The -json certificate facts are read with sclient's own DER decoding: they must
say what cryptography's certificate layer says of the same extensions."""

from __future__ import annotations

import datetime as dt
import ipaddress
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from sclient.report.certs import extension_facts
from sclient.x509.cert import Certificate, Extension

KEY = ec.generate_private_key(ec.SECP256R1())
NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "facts")])


def _cert(*extensions: x509.ExtensionType) -> bytes:
    builder = (
        x509.CertificateBuilder()
        .subject_name(NAME)
        .issuer_name(NAME)
        .public_key(KEY.public_key())
        .serial_number(0x1234)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
    )
    for ext in extensions:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(KEY, hashes.SHA256()).public_bytes(Encoding.DER)


def _usage(**on: bool) -> x509.KeyUsage:
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{n: on.get(n, False) for n in names})


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (_usage(digital_signature=True), ["Digital Signature"]),
        (
            _usage(content_commitment=True, key_cert_sign=True, crl_sign=True),
            ["Non Repudiation", "Certificate Sign", "CRL Sign"],
        ),
        (
            _usage(key_agreement=True, encipher_only=True),
            ["Key Agreement", "Encipher Only"],
        ),
        (
            _usage(key_encipherment=True, key_agreement=True, decipher_only=True),
            ["Key Encipherment", "Key Agreement", "Decipher Only"],
        ),
        (_usage(data_encipherment=True), ["Data Encipherment"]),
    ],
)
def test_key_usage_names(usage: x509.KeyUsage, expected: list[str]) -> None:
    assert extension_facts(Certificate(_cert(usage)))["key_usage"] == expected


def test_names_and_urls_as_cryptography_reads_them() -> None:
    v6 = ipaddress.IPv6Address("2001:db8::1:0:0:1")
    sans = x509.SubjectAlternativeName(
        [
            x509.DNSName("a.example"),
            x509.IPAddress(ipaddress.IPv4Address("10.1.2.3")),
            x509.IPAddress(v6),
            x509.RFC822Name("me@example"),
            x509.UniformResourceIdentifier("https://example/x"),
            x509.DirectoryName(NAME),  # not reported
        ]
    )
    aia = x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://o/")
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS, x509.DNSName("not-a-uri")
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier("http://c/"),
            ),
        ]
    )
    crldp = x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                [x509.UniformResourceIdentifier("http://crl/a"), x509.DNSName("x")],
                None,
                None,
                None,
            ),
            x509.DistributionPoint(
                None,
                x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, "r")]),
                None,
                None,
            ),
            x509.DistributionPoint(
                [x509.UniformResourceIdentifier("ldap://crl/b")], None, None, None
            ),
        ]
    )
    eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, x509.ObjectIdentifier("1.2.3.4")])
    facts: dict[str, Any] = extension_facts(Certificate(_cert(sans, aia, crldp, eku)))
    assert facts == {
        "serial": "1234",
        "subject_alt_names": [
            {"type": "DNS", "value": "a.example"},
            {"type": "IP", "value": "10.1.2.3"},
            {"type": "IP", "value": str(v6)},
            {"type": "email", "value": "me@example"},
            {"type": "URI", "value": "https://example/x"},
        ],
        "key_usage": None,
        "extended_key_usage": ["TLS Web Server Authentication", "1.2.3.4"],
        "ocsp_urls": ["http://o/"],
        "ca_issuers_urls": ["http://c/"],
        "crl_distribution_points": ["http://crl/a", "ldap://crl/b"],
    }
    assert str(v6) == "2001:db8::1:0:0:1"


def _facts(*extensions: tuple[str, bytes]) -> dict[str, Any]:
    """The facts of a certificate holding exactly these (OID, value) extensions."""
    cert = SimpleNamespace(
        serial=1, extensions=tuple(Extension(o, False, v) for o, v in extensions)
    )
    return extension_facts(cert)  # type: ignore[arg-type]


SAN, KU = "2.5.29.17", "2.5.29.15"


def test_an_extension_that_does_not_decode_lists_nothing() -> None:
    ku = bytes.fromhex("03020106")  # keyCertSign, cRLSign
    assert _facts((SAN, bytes.fromhex("3006820461626364")), (KU, ku)) == {
        **_facts(),
        "subject_alt_names": [{"type": "DNS", "value": "abcd"}],
        "key_usage": ["Certificate Sign", "CRL Sign"],
    }
    # A name that is not ASCII: the SAN lists nothing, key usage still reads.
    facts = _facts((SAN, bytes.fromhex("30068204ab626364")), (KU, ku))
    assert facts["subject_alt_names"] == []
    assert facts["key_usage"] == ["Certificate Sign", "CRL Sign"]
    # A key usage that is not a BIT STRING: present, so an empty list, not null.
    assert _facts((KU, bytes.fromhex("04020106")))["key_usage"] == []
    assert _facts()["key_usage"] is None


@pytest.mark.parametrize("octets", ["010203", "0102030405", ""])
def test_an_address_of_the_wrong_length_lists_nothing(octets: str) -> None:
    ip = bytes.fromhex(octets)
    value = bytes([0x30, len(ip) + 2, 0x87, len(ip)]) + ip
    assert _facts((SAN, value))["subject_alt_names"] == []
    ok = bytes.fromhex("300687047f000001")
    assert _facts((SAN, ok))["subject_alt_names"] == [{"type": "IP", "value": "127.0.0.1"}]


def test_a_repeated_extension_leaves_every_fact_empty() -> None:
    ku = bytes.fromhex("03020106")
    assert _facts((KU, ku), (KU, ku)) == _facts()
