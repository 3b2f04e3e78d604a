"""Public keys from a SubjectPublicKeyInfo without cryptography's certificate layer
(``sclient.base.spki``): the same key as cryptography's loader, or None (and the
caller takes that loader) for everything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519
from tests.support.pki import PKI

from sclient.base import der
from sclient.base.spki import light_public_key, spki_of

SPKI = serialization.PublicFormat.SubjectPublicKeyInfo
DER = serialization.Encoding.DER

KEYS: dict[str, Callable[[], Any]] = {
    "rsa-2048": lambda: rsa.generate_private_key(65537, 2048),
    "rsa-e3": lambda: rsa.generate_private_key(3, 1024),
    "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "p384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "p521": lambda: ec.generate_private_key(ec.SECP521R1()),
    "secp256k1": lambda: ec.generate_private_key(ec.SECP256K1()),
    "brainpool256": lambda: ec.generate_private_key(ec.BrainpoolP256R1()),
    "ed25519": ed25519.Ed25519PrivateKey.generate,
    "ed448": ed448.Ed448PrivateKey.generate,
}


def _spki(key: Any) -> bytes:
    data: bytes = key.public_key().public_bytes(DER, SPKI)
    return data


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_same_key_as_the_general_loader(kind: str) -> None:
    spki = _spki(KEYS[kind]())
    light = light_public_key(spki)
    assert light is not None, kind
    assert type(light) is type(serialization.load_der_public_key(spki))
    assert light.public_bytes(DER, SPKI) == spki


def test_compressed_ec_point_is_the_same_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    alg = _spki(ec.generate_private_key(ec.SECP256R1()))
    outer = der.parse(alg).children()
    spki = der.encode(der.SEQUENCE, outer[0].raw + der.encode(der.BIT_STRING, b"\x00" + point))
    light = light_public_key(spki)
    assert light is not None
    assert light.public_numbers() == key.public_numbers()


def test_other_keys_are_left_to_the_general_loader() -> None:
    dsa_key = dsa.generate_private_key(1024)
    x_key = x25519.X25519PrivateKey.generate()
    for spki in (_spki(dsa_key), _spki(x_key)):
        assert light_public_key(spki) is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[:-1],  # truncated
        lambda b: b + b"\x00",  # trailing byte
        lambda b: b.replace(b"\x03\x42\x00\x04", b"\x03\x42\x01\x04"),  # unused bits
        lambda b: b[:-5] + bytes(5),  # not a point on the curve
        lambda b: b"\x30\x00",  # empty
    ],
)
def test_malformed_keys_are_left_to_the_general_loader(mangle: Callable[[bytes], bytes]) -> None:
    spki = _spki(ec.generate_private_key(ec.SECP256R1()))
    assert light_public_key(mangle(spki)) is None


def test_rsa_with_an_even_exponent_is_left_to_the_general_loader() -> None:
    n = rsa.generate_private_key(65537, 1024).public_key().public_numbers().n
    body = der.encode(der.SEQUENCE, der.encode_int(n) + der.encode_int(4))
    alg = der.encode(
        der.SEQUENCE, der.encode(der.OID, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00"
    )
    spki = der.encode(der.SEQUENCE, alg + der.encode(der.BIT_STRING, b"\x00" + body))
    assert light_public_key(spki) is None


@pytest.mark.parametrize("kind", ["rsa", "ecdsa", "ed25519"])
def test_spki_of_a_certificate(kind: str, pki: PKI) -> None:
    from cryptography import x509

    pem = pki[kind].leaf.read_bytes()
    cert = x509.load_pem_x509_certificate(pem)
    cert_der = cert.public_bytes(DER)
    assert spki_of(cert_der) == cert.public_key().public_bytes(DER, SPKI)
    assert spki_of(cert_der[:-1]) is None
    assert spki_of(b"\x30\x03\x02\x01\x00") is None
