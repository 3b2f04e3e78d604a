"""What the engine keeps between connections of one process: the parts of the
ClientHello a configuration decides, the server certificate's key, the key
schedule's constants. What must be fresh per connection stays fresh."""

from __future__ import annotations

import os

import pytest
from tls_peers import config

from sclient.base import structs
from sclient.tls import hello, peer
from sclient.tls.config import ClientConfig
from sclient.tls.crypto import keyschedule as K
from sclient.tls.registry import protocol as P
from sclient.tls.session import Session
from sclient.tls.wire import extensions as X


def _hello(cfg: ClientConfig) -> tuple[object, dict[int, object]]:
    shares: dict[int, object] = {}
    return hello.build_client_hello(cfg, cfg.random, shares), shares  # type: ignore[arg-type]


def test_a_cached_client_hello_has_a_fresh_random_session_id_and_key_share() -> None:
    base = config(server_name="example.com", alpn=(b"h2",))
    first, shares1 = _hello(structs.replace(base, verify_certificates=lambda c: None))
    second, shares2 = _hello(structs.replace(base, verify_certificates=lambda c: None))
    assert first.random != second.random  # type: ignore[attr-defined]
    assert first.session_id != second.session_id  # type: ignore[attr-defined]
    ks1, ks2 = first.ext(X.KeyShareClient), second.ext(X.KeyShareClient)  # type: ignore[attr-defined]
    assert ks1 is not None and ks2 is not None
    assert ks1.entries[0].group == ks2.entries[0].group
    assert ks1.entries[0].key_exchange != ks2.entries[0].key_exchange
    assert shares1.keys() == shares2.keys() and shares1 != shares2
    assert next(iter(shares1.values())) is not next(iter(shares2.values()))
    # The rest is the same message, its extensions the very same objects.
    assert first.cipher_suites == second.cipher_suites  # type: ignore[attr-defined]
    same = [
        a is b
        for a, b in zip(first.extensions, second.extensions, strict=True)  # type: ignore[attr-defined]
        if not isinstance(a, X.KeyShareClient | X.SessionTicket | X.PreSharedKeyClient)
    ]
    assert same and all(same)


def test_the_cache_follows_the_configuration() -> None:
    a, _ = _hello(config(server_name="a.example"))
    b, _ = _hello(config(server_name="b.example"))
    c, _ = _hello(config(server_name="a.example", max_version=P.TLS1_2))
    assert a.ext(X.ServerName).host_name == b"a.example"  # type: ignore[attr-defined]
    assert b.ext(X.ServerName).host_name == b"b.example"  # type: ignore[attr-defined]
    assert c.ext(X.KeyShareClient) is None and c.ext(X.SupportedVersions) is None  # type: ignore[attr-defined]


def test_the_cache_is_bounded() -> None:
    for i in range(hello.STATIC_HELLO_CACHE_SIZE + 5):
        _hello(config(server_name=f"h{i}.example"))
    assert len(hello._STATIC_HELLOS) == hello.STATIC_HELLO_CACHE_SIZE


def test_a_cached_hello_offers_the_session_of_each_connection() -> None:
    cfg = config(max_version=P.TLS1_2)
    s1 = Session(P.TLS1_2, 0xC02F, session_id=b"\x01" * 32, ticket=b"T1", master_key=b"m" * 48)
    s2 = Session(P.TLS1_2, 0xC02F, session_id=b"\x02" * 32, ticket=b"T2", master_key=b"m" * 48)
    h0, _ = _hello(cfg)
    h1, _ = _hello(structs.replace(cfg, resume=s1))
    h2, _ = _hello(structs.replace(cfg, resume=s2))
    assert h0.ext(X.SessionTicket).ticket == b""  # type: ignore[attr-defined]
    assert (h1.session_id, h1.ext(X.SessionTicket).ticket) == (b"\x01" * 32, b"T1")  # type: ignore[attr-defined]
    assert (h2.session_id, h2.ext(X.SessionTicket).ticket) == (b"\x02" * 32, b"T2")  # type: ignore[attr-defined]


def test_an_impossible_configuration_fails_every_time() -> None:
    cfg = config(tls13_suites=(), max_version=P.TLS1_3, min_version=P.TLS1_3)
    for _ in range(2):
        with pytest.raises(Exception, match="NO_CIPHERS_AVAILABLE"):
            _hello(cfg)


#: ClientConfig fields that no part of the first ClientHello reads.
NOT_READ_BY_THE_HELLO = {
    "cert_comp_tx",  # read when a CertificateRequest asks for compression
    "legacy_server_connect",
    "max_send_fragment",
    "record_padding",
    "min_dh_bits",
    "security_level",
    "verify_certificates",
    "verify_rpk",
    "credentials",
    "extended_credentials",
    "client_signature_schemes",
    "psk_tls12",
    "security_checks",
    "extension_events",
    "bulk_data",
    "check_status",
    "no_renegotiation",
    "strict",
    "dont_insert_empty_fragments",
    "dtls",
    "dtls_mtu",
    "dtls_fallback_mtu",
    # Encrypted Client Hello wraps the built ClientHello (sclient.tls.ech.wrap).
    "ech",
}


def test_every_configuration_field_is_classified() -> None:
    """A new ClientConfig field must be put in HELLO_FIELDS (the cache key),
    PER_CONNECTION_FIELDS, or the list above: else the cache could serve a
    ClientHello made for other values."""
    names = {f.name for f in structs.fields(ClientConfig)}
    key, fresh = set(hello.HELLO_FIELDS), set(hello.PER_CONNECTION_FIELDS)
    assert not key & fresh and not key & NOT_READ_BY_THE_HELLO
    assert not fresh & NOT_READ_BY_THE_HELLO
    assert key | fresh | NOT_READ_BY_THE_HELLO == names


@pytest.mark.parametrize("field", hello.HELLO_FIELDS)
def test_each_key_field_changes_the_key(field: str) -> None:
    """A value change in any key field is seen (the message may not change:
    the key only has to)."""
    before = len(hello._STATIC_HELLOS)
    hello._STATIC_HELLOS.clear()
    cfg = config()
    hello._static_hello(cfg)
    value = getattr(cfg, field)
    other: object
    if isinstance(value, bool):
        other = not value
    elif field in ("min_version", "max_version"):
        other = P.TLS1_2
    elif isinstance(value, tuple):
        other = value[:1] if value else (b"x",)
    elif value is None and field == "key_share_groups":
        other = (0x001D,)
    elif value is None and field == "max_fragment_length":
        other = 2
    elif value is None and field == "next_protocols":
        other = (b"h2",)
    elif value is None and field == "srp":
        from sclient.tls.config import SrpLogin

        other = SrpLogin(b"user", lambda: b"password")
    else:
        other = "example.com"
    hello._static_hello(structs.replace(cfg, **{field: other}))
    assert len(hello._STATIC_HELLOS) == 2, before


def _leaf_der(i: int = 0) -> bytes:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"leaf{i}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(i + 1)
        .not_valid_before(now)
        .not_valid_after(now)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def test_peer_key_is_kept_per_certificate_and_bounded() -> None:
    peer._cached_peer_key.cache_clear()
    der = _leaf_der()
    k1 = peer._peer_key(der)
    assert peer._peer_key(bytes(der)) is k1
    assert peer._peer_key(bytearray(der)) == k1  # type: ignore[arg-type]
    assert k1.kind == "ec" and k1.curve == 0x0017
    for i in range(peer.PEER_KEY_CACHE_SIZE + 3):
        peer._peer_key(_leaf_der(i + 1))
    info = peer._cached_peer_key.cache_info()
    assert info.maxsize == peer.PEER_KEY_CACHE_SIZE and info.currsize == peer.PEER_KEY_CACHE_SIZE


def test_a_bad_certificate_fails_every_time() -> None:
    from sclient.tls.errors import LocalError

    for _ in range(2):
        with pytest.raises(LocalError):
            peer._peer_key(b"\x30\x03\x02\x01\x01")


@pytest.mark.parametrize("hash_name", ["sha256", "sha384"])
def test_key_schedule_constants_are_those_computed(hash_name: str) -> None:
    n = len(K._empty_hash(hash_name))
    early = K.hkdf_extract(hash_name, None, None)
    derived = K.hkdf_expand_label(hash_name, early, b"derived", K.hashes.digest(hash_name, b""), n)
    assert K._no_psk(hash_name) == (early, derived)
    ks = K.KeySchedule13(hash_name)
    assert ks.early() == early and ks.early(b"") == early
    shared = os.urandom(32)
    assert ks.handshake(shared) == K.hkdf_extract(hash_name, derived, shared)
    psk = os.urandom(n)
    ks2 = K.KeySchedule13(hash_name)
    assert ks2.early(psk) == K.hkdf_extract(hash_name, None, psk) != early
    d2 = K.hkdf_expand_label(hash_name, ks2.early_secret, b"derived", K._empty_hash(hash_name), n)  # type: ignore[arg-type]
    assert ks2.handshake(shared) == K.hkdf_extract(hash_name, d2, shared)


def test_expand_label_matches_the_rfc_construction() -> None:
    """HkdfLabel built field by field (RFC 8446 7.1) against the cached heads."""
    secret = os.urandom(32)
    for label, context, length in [
        (b"key", b"", 16),
        (b"iv", b"", 12),
        (b"c hs traffic", os.urandom(32), 32),
        (b"finished", b"", 32),
        (b"long", b"ctx", 80),
    ]:
        full = b"tls13 " + label
        info = length.to_bytes(2, "big") + bytes((len(full),)) + full + bytes((len(context),))
        want = K.hkdf_expand("sha256", secret, info + context, length)
        for _ in range(2):
            assert K.hkdf_expand_label("sha256", secret, label, context, length) == want
    with pytest.raises(K.CryptoError):
        K.hkdf_expand_label("sha256", secret, b"x" * 250, b"", 16)
    with pytest.raises(K.CryptoError):
        K.hkdf_expand_label("sha256", secret, b"x", b"c" * 256, 16)
