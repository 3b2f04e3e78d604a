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


# --- in memory against the scripted TLS 1.3 server -------------------------------------------

from tls_fakeserver import Fake13, Hooks, Item, converse  # noqa: E402
from tls_scenarios import keys  # noqa: E402

from sclient.tls import events as ev  # noqa: E402
from sclient.tls.registry import protocol as P  # noqa: E402
from sclient.tls.wire.handshake import CertificateRequest13  # noqa: E402


def _request(schemes: tuple[int, ...], context: bytes = b"") -> CertificateRequest13:
    return CertificateRequest13(context, (X.SignatureAlgorithms(schemes),))


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_certificate_and_verify_accepted(kind: str) -> None:
    k = keys()[kind]
    server = Fake13(
        keys()["rsa"],
        hooks=Hooks(certificate_request=lambda _: _request((0x0403, 0x0807, 0x0804))),
    )
    client = Client13(credentials=(ClientCredential((k.der,), k.private),))
    conv = converse(client, server)
    assert client.handshake_complete, conv.failure
    assert server.client_chain == (k.der,)
    assert server.client_verified_scheme == k.scheme
    sent = conv.of(ev.ClientCertificateSent)
    assert sent and sent[0].scheme == k.scheme and sent[0].chain == (k.der,)


def test_nothing_fits_sends_empty_certificate() -> None:
    k = keys()["ec"]
    server = Fake13(keys()["rsa"], hooks=Hooks(certificate_request=lambda _: _request((0x0807,))))
    client = Client13(credentials=(ClientCredential((k.der,), k.private),))
    conv = converse(client, server)
    assert client.handshake_complete, conv.failure
    assert server.client_chain == () and server.client_verified_scheme is None
    assert conv.of(ev.ClientCertificateSent)[0].chain == ()


def _pha_after(srv: Fake13) -> list[Item]:
    cr = _request((0x0403,), b"\x2a")
    srv.transcript.update(cr.encode())
    return [Item(P.HANDSHAKE, cr.encode(), "app")]


def test_post_handshake_authentication() -> None:
    k = keys()["ec"]
    server = Fake13(keys()["rsa"], tickets=0, hooks=Hooks(after=_pha_after))
    client = Client13(
        credentials=(ClientCredential((k.der,), k.private),), post_handshake_auth=True
    )
    conv = converse(client, server)
    assert client.handshake_complete and conv.failure is None, conv.failure
    assert server.pha_finished and server.client_verified_scheme == 0x0403
    requested = conv.of(ev.CertificateRequested)
    assert requested and requested[0].post_handshake


def test_post_handshake_request_without_offer_is_unexpected() -> None:
    server = Fake13(keys()["rsa"], tickets=0, hooks=Hooks(after=_pha_after))
    client = Client13()
    conv = converse(client, server)
    assert conv.failure is not None
    assert conv.failure.error.alert == 10  # unexpected_message
    assert conv.failure.error.reason == "UNEXPECTED_MESSAGE"


def Client13(**kw: object):  # type: ignore[no-untyped-def]
    from tls_peers import config

    from sclient.tls.client import Client

    return Client(config(**kw))


def test_distinguished_name_length_reads_names_as_the_request_carries_them() -> None:
    """A TLS 1.2 CertificateRequest's authorities: the length of the Name each
    entry starts with (trailing bytes are the caller's business), None for
    anything that is not a Name."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from sclient.tls.peer import distinguished_name_length

    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "O" * 200),  # long-form lengths
            x509.NameAttribute(NameOID.COMMON_NAME, "ca"),
        ]
    ).public_bytes()
    assert distinguished_name_length(name) == len(name)
    assert distinguished_name_length(name + b"\x30\x00") == len(name)
    assert distinguished_name_length(b"\x30\x00") == 2  # the empty Name
    assert distinguished_name_length(name[:-1]) is None  # truncated
    assert distinguished_name_length(b"\x31" + name[1:]) is None  # not a SEQUENCE
    assert distinguished_name_length(b"\x30\x02\x31\x00") is None  # an empty RDN
    # An attribute without its value, and one with a third element.
    assert distinguished_name_length(bytes.fromhex("3009310730050603550403")) is None
    assert distinguished_name_length(bytes.fromhex("300e310c300a06035504030c01610500")) is None
    assert distinguished_name_length(bytes.fromhex("300c310a300806035504030c0161")) == 14
