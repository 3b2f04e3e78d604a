"""The choice of client certificate and signature scheme (OpenSSL's
``tls_choose_sigalg`` for a client) and the ClientHello extensions that
client authentication adds."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from sclient.tls.clientauth import choose, shared_schemes
from sclient.tls.config import ClientConfig, ClientCredential
from sclient.tls.hello import build_client_hello
from sclient.tls.wire import extensions as X

P256, P384 = 0x0403, 0x0503
PSS_RSAE256, PSS_PSS256, PKCS1_256, ED25519 = 0x0804, 0x0809, 0x0401, 0x0807


def cfg(*creds: ClientCredential, **kw: object) -> ClientConfig:
    return ClientConfig(random=os.urandom, now=lambda: 0.0, credentials=creds, **kw)  # type: ignore[arg-type]


def cred(key: object, pss: bool = False) -> ClientCredential:
    return ClientCredential((b"cert",), key, pss)


EC256 = cred(ec.generate_private_key(ec.SECP256R1()))
RSA = cred(rsa.generate_private_key(65537, 2048))
RSAPSS = cred(rsa.generate_private_key(65537, 2048), pss=True)
ED = cred(ed25519.Ed25519PrivateKey.generate())


@pytest.mark.parametrize(
    ("credential", "peer", "tls13", "want"),
    [
        (EC256, (P384, P256), True, P256),  # TLS 1.3: curve-bound
        (EC256, (P384, P256), False, P384),  # TLS 1.2: any curve
        (EC256, (P384,), True, None),
        (RSA, (PSS_PSS256, PKCS1_256, PSS_RSAE256), True, PSS_RSAE256),
        (RSA, (PSS_PSS256, PKCS1_256, PSS_RSAE256), False, PKCS1_256),
        (RSAPSS, (PSS_RSAE256, PSS_PSS256), True, PSS_PSS256),
        (ED, (P256, ED25519), True, ED25519),
        (ED, (0x0201, 0x0203), False, None),
    ],
)
def test_choice(
    credential: ClientCredential, peer: tuple[int, ...], tls13: bool, want: int | None
) -> None:
    got = choose(cfg(credential), peer, tls13)
    assert (got.scheme if got else None) == want


def test_client_sigalgs_limit_the_choice() -> None:
    c = cfg(EC256, client_signature_schemes=(P384,))
    assert shared_schemes(c, (P256, P384)) == [P384]
    assert choose(c, (P256, P384), True) is None
    assert choose(c, (P256, P384), False) is not None


def test_no_credentials_sends_nothing() -> None:
    assert choose(cfg(), (P256,), True) is None


def test_client_hello_extensions() -> None:
    c = cfg(post_handshake_auth=True, certificate_authorities=(b"\x30\x00",))
    ch = build_client_hello(c, os.urandom, {})
    types = [e.ext_type for e in ch.extensions]
    assert types.index(49) < types.index(13)  # post_handshake_auth before signature_algorithms
    assert types[-1] == 47  # certificate_authorities after key_share
    assert ch.ext(X.CertificateAuthorities) == X.CertificateAuthorities((b"\x30\x00",))
    # TLS 1.2 only: neither (both are TLS 1.3 extensions).
    c12 = cfg(post_handshake_auth=True, certificate_authorities=(b"\x30\x00",), max_version=0x0303)
    types12 = [e.ext_type for e in build_client_hello(c12, os.urandom, {}).extensions]
    assert 49 not in types12 and 47 not in types12
