"""``-strict``: the checks of the chosen client chain (OpenSSL's
``tls1_check_chain`` for the current key), one at a time, including the
ones a real ``openssl s_server`` cannot provoke (a server's ec_point_formats
without the compressed form), and the SHA-1 fallback of the server's
signature check."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from sclient.tls import events as ev
from sclient.tls.clientauth import answer, strict_chain_ok
from sclient.tls.config import ChainFacts, ClientConfig, ClientCredential
from sclient.tls.errors import LocalError
from sclient.tls.peer import PeerKey, check_peer_sigalg

P256_SHA256, PKCS1_SHA256, PKCS1_SHA1, ED25519 = 0x0403, 0x0401, 0x0201, 0x0807
PSS_RSAE_SHA256 = 0x0804
CA_NAME = b"0\x0f1\r0\x0b\x06\x03U\x04\x03\x0c\x04CA 1"
RSA_SHA256: tuple[str | None, str] = ("sha256", "rsa")


def _issued_by(names: Sequence[bytes]) -> bool:
    return CA_NAME in names


def cred(
    key: object,
    *,
    group: int | None = None,
    compressed: bool = False,
    sigs: tuple[tuple[str | None, str], ...] = (RSA_SHA256,),
) -> ClientCredential:
    facts = ChainFacts(sigs, group, _issued_by, compressed)
    return ClientCredential((b"cert",), key, False, sigs[0], facts)


EC = ec.generate_private_key(ec.SECP256R1())
RSA = rsa.generate_private_key(65537, 2048)
ED = ed25519.Ed25519PrivateKey.generate()


def cfg(*creds: ClientCredential, strict: bool = True) -> ClientConfig:
    return ClientConfig(random=os.urandom, now=lambda: 0.0, credentials=creds, strict=strict)


def request(
    schemes: tuple[int, ...] = (P256_SHA256, PKCS1_SHA256, ED25519),
    types: tuple[int, ...] = (1, 64),
    names: tuple[bytes, ...] = (),
) -> ev.CertificateRequested:
    return ev.CertificateRequested(types, schemes, names)


@pytest.mark.parametrize(
    ("credential", "req", "tls13", "formats", "ok"),
    [
        (cred(EC, group=23), request(), False, None, True),
        # TLS 1.2: the leaf's own signature must be a shared scheme
        (cred(EC, group=23), request(schemes=(P256_SHA256,)), False, None, False),
        # TLS 1.3: not the leaf's, a chain certificate's
        (cred(ED), request(schemes=(ED25519,)), True, None, True),
        (cred(ED, sigs=(RSA_SHA256, RSA_SHA256)), request(schemes=(ED25519,)), True, None, False),
        # the key's curve among our groups (secp256k1 is not in the default list)
        (cred(EC, group=22), request(), False, None, False),
        # the point format: uncompressed always offered; compressed only if the server allows
        (cred(EC, group=23, compressed=True), request(), False, (0,), False),
        (cred(EC, group=23, compressed=True), request(), False, (0, 1), True),
        (cred(EC, group=23, compressed=True), request(), False, None, True),
        # the certificate type: TLS 1.3 requests have none, RSA and EC keys fail there
        (cred(RSA), request(types=(64,)), False, None, False),
        (cred(RSA), request(schemes=(PSS_RSAE_SHA256,), types=()), True, None, False),
        (cred(ED), request(types=()), True, None, True),
        # the issuer among the CA names, when there are any
        (cred(RSA), request(names=(CA_NAME,)), False, None, True),
        (cred(RSA), request(names=(CA_NAME[:-1] + b"2",)), False, None, False),
    ],
)
def test_strict_chain_checks(
    credential: ClientCredential,
    req: ev.CertificateRequested,
    tls13: bool,
    formats: tuple[int, ...] | None,
    ok: bool,
) -> None:
    assert strict_chain_ok(cfg(credential), req, tls13, credential, formats) is ok
    chosen = answer(cfg(credential), req, tls13, [], formats)
    assert (chosen is not None) is ok
    # without -strict the same certificate goes out
    assert answer(cfg(credential, strict=False), req, tls13, [], formats) is not None


def test_sha1_fallback_only_without_strict() -> None:
    peer = PeerKey(RSA.public_key(), "rsa", None)
    offered = (PKCS1_SHA256,)
    assert check_peer_sigalg(PKCS1_SHA1, peer, False, offered, seclevel=0).code == PKCS1_SHA1
    with pytest.raises(LocalError) as e:
        check_peer_sigalg(PKCS1_SHA1, peer, False, offered, seclevel=0, strict=True)
    assert (e.value.alert, e.value.reason) == (40, "WRONG_SIGNATURE_TYPE")
