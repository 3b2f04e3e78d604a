"""Codec properties for every handshake message and extension body:

* ``decode(encode(x)) == x`` and ``encode(decode(b)) == b``;
* every strict prefix of a valid encoding is rejected with DecodeError;
* trailing bytes are rejected (except for bodies that are "the rest of the
  message" by definition: Finished, opaque extensions, unknown types);
* random bytes raise nothing but DecodeError.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sclient.tls.errors import DecodeError
from sclient.tls.registry import protocol as P
from sclient.tls.wire import extensions as X
from sclient.tls.wire import handshake as H
from sclient.tls.wire.buffer import Reader

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)


def opaque(lo: int = 0, hi: int = 24) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=lo, max_size=hi)


def tup(s: st.SearchStrategy[Any], lo: int = 0, hi: int = 4) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(s, min_size=lo, max_size=hi).map(tuple)


entry = st.builds(X.KeyShareEntry, u16, opaque(1, 40))

EXTENSIONS: dict[type[X.Extension], st.SearchStrategy[Any]] = {
    X.ServerName: st.builds(X.ServerName, tup(st.tuples(u8, opaque(1, 16)), 1, 3)),
    X.ServerNameAck: st.just(X.ServerNameAck()),
    X.MaxFragmentLength: st.builds(X.MaxFragmentLength, u8),
    X.Srp: st.builds(X.Srp, opaque(1, 20)),
    X.StatusRequest: st.builds(X.StatusRequest, st.just(1), tup(opaque(1, 8)), opaque(0, 8)),
    X.StatusRequestAck: st.just(X.StatusRequestAck()),
    X.OcspResponse: st.builds(X.OcspResponse, opaque(1, 40)),
    X.SupportedGroups: st.builds(X.SupportedGroups, tup(u16, 1)),
    X.EcPointFormats: st.builds(X.EcPointFormats, tup(u8, 1)),
    X.SignatureAlgorithms: st.builds(X.SignatureAlgorithms, tup(u16, 1)),
    X.SignatureAlgorithmsCert: st.builds(X.SignatureAlgorithmsCert, tup(u16, 1)),
    X.Alpn: st.builds(X.Alpn, tup(opaque(1, 10), 1)),
    X.UseSrtp: st.builds(X.UseSrtp, tup(st.integers(0, 0xFFFF)), opaque(0, 4)),
    X.Heartbeat: st.builds(X.Heartbeat, u8),
    X.SignedCertificateTimestamps: st.builds(X.SignedCertificateTimestamps, opaque()),
    X.Padding: st.builds(X.Padding, st.integers(0, 40)),
    X.EncryptThenMac: st.builds(X.EncryptThenMac, opaque(0, 4)),
    X.ExtendedMasterSecret: st.builds(X.ExtendedMasterSecret, opaque(0, 4)),
    X.RecordSizeLimit: st.builds(X.RecordSizeLimit, u16),
    X.SessionTicket: st.builds(X.SessionTicket, opaque()),
    X.PreSharedKeyClient: st.builds(
        X.PreSharedKeyClient,
        tup(st.builds(X.PskIdentity, opaque(1, 10), u32), 1),
        tup(opaque(32, 48), 1),
    ),
    X.PreSharedKeySelected: st.builds(X.PreSharedKeySelected, u16),
    X.EarlyData: st.just(X.EarlyData()),
    X.EarlyDataMax: st.builds(X.EarlyDataMax, u32),
    X.SupportedVersions: st.builds(X.SupportedVersions, tup(u16, 1)),
    X.SupportedVersionSelected: st.builds(X.SupportedVersionSelected, u16),
    X.Cookie: st.builds(X.Cookie, opaque(1, 30)),
    X.PskKeyExchangeModes: st.builds(X.PskKeyExchangeModes, tup(u8, 1)),
    X.CertificateAuthorities: st.builds(X.CertificateAuthorities, tup(opaque(1, 12), 1)),
    X.PostHandshakeAuth: st.just(X.PostHandshakeAuth()),
    X.CompressCertificate: st.builds(X.CompressCertificate, tup(u16, 1)),
    X.KeyShareClient: st.builds(X.KeyShareClient, tup(entry)),
    X.KeyShareServer: st.builds(X.KeyShareServer, entry),
    X.KeyShareRetry: st.builds(X.KeyShareRetry, u16),
    X.NextProtocolNegotiation: st.builds(X.NextProtocolNegotiation, tup(opaque(1, 8))),
    X.RenegotiationInfo: st.builds(X.RenegotiationInfo, opaque()),
}
#: Bodies that extend to the end of the extension: a prefix or extra bytes are
#: simply another valid value.
OPEN_ENDED = {
    X.SignedCertificateTimestamps,
    X.Padding,
    X.EncryptThenMac,
    X.ExtendedMasterSecret,
    X.SessionTicket,
    X.NextProtocolNegotiation,
}
CONTEXTS = (
    X.Context.CH,
    X.Context.SH,
    X.Context.HRR,
    X.Context.EE,
    X.Context.CT,
    X.Context.CR,
    X.Context.NST,
)


def test_every_codec_has_a_strategy() -> None:
    assert set(X.CODECS.values()) <= set(EXTENSIONS)


def extension_list(ctx: int) -> st.SearchStrategy[tuple[X.Extension, ...]]:
    known = sorted({cls for (t, c), cls in X.CODECS.items() if c == ctx}, key=lambda c: c.__name__)
    taken = {t for (t, c) in X.CODECS if c == ctx}
    unknown = st.builds(X.Unknown, u16.filter(lambda t: t not in taken), opaque(0, 8))
    return tup(st.one_of(*(EXTENSIONS[c] for c in known), unknown), 0, 5)


# --- extensions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls", sorted(EXTENSIONS, key=lambda c: c.__name__), ids=lambda c: c.__name__
)
@given(data=st.data())
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_extension_roundtrip(cls: type[X.Extension], data: st.DataObject) -> None:
    ext = data.draw(EXTENSIONS[cls])
    body = ext.encode_body()
    decode = cls.decode  # type: ignore[attr-defined]
    assert decode(Reader(body)) == ext
    assert decode(Reader(body)).encode_body() == body
    for ctx in CONTEXTS:
        if X.CODECS.get((cls.TYPE, ctx)) is cls:
            assert X.decode_extension(cls.TYPE, body, ctx) == ext
    if cls in OPEN_ENDED:
        return
    for n in range(len(body)):
        with pytest.raises(DecodeError):
            decode(Reader(body[:n]))
    with pytest.raises(DecodeError):
        decode(Reader(body + b"\x00"))


@given(t=u16, body=opaque(0, 40), ctx=st.sampled_from(CONTEXTS))
@settings(max_examples=400, deadline=None)
def test_extension_random_bytes(t: int, body: bytes, ctx: int) -> None:
    ext = X.decode_extension(t, body, ctx)  # never raises: bad bodies become Malformed
    assert ext.ext_type == t
    assert ext.encode_body() == body
    if isinstance(ext, X.Malformed):
        with pytest.raises(DecodeError):
            ext.raise_error()


# --- handshake messages ----------------------------------------------------------------------

cert13_entry = st.builds(H.CertificateEntry, opaque(1, 30), extension_list(X.Context.CT))
_not_hrr = opaque(32, 32).filter(lambda r: r != P.HRR_RANDOM)

MESSAGES: dict[str, tuple[st.SearchStrategy[Any], dict[str, Any]]] = {
    "ClientHello": (
        st.builds(
            H.ClientHello,
            u16,
            opaque(32, 32),
            opaque(0, 32),
            tup(u16, 1, 6),
            opaque(1, 3),
            extension_list(X.Context.CH),
        ),
        {},
    ),
    "ServerHello": (
        st.builds(
            H.ServerHello, u16, _not_hrr, opaque(0, 32), u16, u8, extension_list(X.Context.SH)
        ),
        {},
    ),
    "HelloRetryRequest": (
        st.builds(
            H.ServerHello,
            u16,
            st.just(P.HRR_RANDOM),
            opaque(0, 32),
            u16,
            u8,
            extension_list(X.Context.HRR),
        ),
        {},
    ),
    "HelloRequest": (st.just(H.HelloRequest()), {}),
    "NewSessionTicket13": (
        st.builds(
            H.NewSessionTicket13,
            u32,
            u32,
            opaque(0, 8),
            opaque(1, 20),
            extension_list(X.Context.NST),
        ),
        {"tls13": True},
    ),
    "NewSessionTicket12": (st.builds(H.NewSessionTicket12, u32, opaque(0, 20)), {"tls13": False}),
    "EndOfEarlyData": (st.just(H.EndOfEarlyData()), {}),
    "EncryptedExtensions": (st.builds(H.EncryptedExtensions, extension_list(X.Context.EE)), {}),
    "Certificate13": (
        st.builds(H.Certificate13, opaque(0, 4), tup(cert13_entry, 0, 3)),
        {"tls13": True},
    ),
    "Certificate12": (st.builds(H.Certificate12, tup(opaque(1, 30), 0, 3)), {"tls13": False}),
    "ServerKeyExchangeEcdhe": (
        st.builds(H.ServerKeyExchangeEcdhe, u16, opaque(1, 70), u16, opaque(0, 80), u8),
        {"kx": "ECDH"},
    ),
    "ServerKeyExchangeEcdhe10": (
        st.builds(H.ServerKeyExchangeEcdhe, u16, opaque(1, 70), st.none(), opaque(0, 80), u8),
        {"kx": "ECDH", "tls12": False},
    ),
    "ServerKeyExchangeDhe": (
        st.builds(
            H.ServerKeyExchangeDhe, opaque(1, 30), opaque(1, 4), opaque(1, 30), u16, opaque(0, 40)
        ),
        {"kx": "DH"},
    ),
    "ServerKeyExchangePsk": (
        st.builds(H.ServerKeyExchangePsk, st.just("PSK"), opaque(0, 20)),
        {"kx": "PSK"},
    ),
    "ServerKeyExchangeRsaPsk": (
        st.builds(H.ServerKeyExchangePsk, st.just("RSAPSK"), opaque(0, 20)),
        {"kx": "RSAPSK"},
    ),
    "ServerKeyExchangeDhePsk": (
        st.builds(
            H.ServerKeyExchangePsk,
            st.just("DHEPSK"),
            opaque(0, 20),
            opaque(1, 30),
            opaque(1, 4),
            opaque(1, 30),
        ),
        {"kx": "DHEPSK"},
    ),
    "ServerKeyExchangeEcdhePsk": (
        st.builds(
            H.ServerKeyExchangePsk,
            st.just("ECDHEPSK"),
            opaque(0, 20),
            group=u16,
            public=opaque(1, 70),
            curve_type=u8,
        ),
        {"kx": "ECDHEPSK"},
    ),
    "ServerKeyExchangeSrp": (
        st.builds(
            H.ServerKeyExchangeSrp, opaque(1, 30), opaque(1, 4), opaque(0, 16), opaque(1, 30)
        ),
        {"kx": "SRP"},
    ),
    "ServerKeyExchangeSrpSigned": (
        st.builds(
            H.ServerKeyExchangeSrp,
            opaque(1, 30),
            opaque(1, 4),
            opaque(0, 16),
            opaque(1, 30),
            u16,
            opaque(0, 40),
        ),
        {"kx": "SRP"},
    ),
    "ClientKeyExchangeSrp": (
        st.builds(H.ClientKeyExchange, opaque(1, 60), st.just(2)),
        {"kx": "SRP"},
    ),
    "ClientKeyExchangePsk": (
        st.builds(H.ClientKeyExchangePsk, opaque(0, 20), st.just(b""), st.just(0)),
        {"kx": "PSK"},
    ),
    "ClientKeyExchangeEcdhePsk": (
        st.builds(H.ClientKeyExchangePsk, opaque(0, 20), opaque(1, 60), st.just(1)),
        {"kx": "ECDHEPSK"},
    ),
    "ClientKeyExchangeDhePsk": (
        st.builds(H.ClientKeyExchangePsk, opaque(0, 20), opaque(1, 60), st.just(2)),
        {"kx": "DHEPSK"},
    ),
    "CertificateRequest13": (
        st.builds(H.CertificateRequest13, opaque(0, 4), extension_list(X.Context.CR)),
        {"tls13": True},
    ),
    "CertificateRequest12": (
        st.builds(H.CertificateRequest12, opaque(1, 4), tup(u16, 1), tup(opaque(1, 10))),
        {"tls13": False},
    ),
    "CertificateRequest10": (
        st.builds(
            H.CertificateRequest12,
            opaque(1, 4),
            st.just(()),
            tup(opaque(1, 10)),
            tls12=st.just(False),
        ),
        {"tls13": False, "tls12": False},
    ),
    "ServerHelloDone": (st.just(H.ServerHelloDone()), {}),
    "CertificateVerify": (st.builds(H.CertificateVerify, u16, opaque(0, 60)), {}),
    "ClientKeyExchangeEcdhe": (
        st.builds(H.ClientKeyExchange, opaque(1, 60), st.just(1)),
        {"kx": "ECDH"},
    ),
    "ClientKeyExchangeRsa": (
        st.builds(H.ClientKeyExchange, opaque(1, 60), st.just(2)),
        {"kx": "RSA"},
    ),
    "Finished": (st.builds(H.Finished, opaque(0, 48)), {}),
    "CertificateStatus": (st.builds(H.CertificateStatus, opaque(1, 30)), {}),
    "KeyUpdate": (st.builds(H.KeyUpdate, u8), {}),
    # RFC 8879: kept whole (its fields are read with their own alerts, certcomp.expand)
    "CompressedCertificate": (
        st.builds(H.CompressedCertificate.build, u16, st.integers(0, (1 << 24) - 1), opaque(1, 40)),
        {"tls13": True},
    ),
    "Unknown": (
        st.builds(H.UnknownMessage, st.sampled_from([3, 6, 7, 9, 17, 21, 23, 67, 200]), opaque()),
        {},
    ),
}
OPEN_MESSAGES = {"Finished", "Unknown", "CompressedCertificate"}


@pytest.mark.parametrize("name", sorted(MESSAGES))
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_message_roundtrip(name: str, data: st.DataObject) -> None:
    strategy, flags = MESSAGES[name]
    msg = data.draw(strategy)
    raw = msg.encode()
    decoded = H.decode_message(raw, **flags)
    assert decoded == msg
    assert decoded.raw == raw
    assert decoded.encode() == raw
    for n in range(len(raw)):
        with pytest.raises(DecodeError):
            H.decode_message(raw[:n], **flags)
    if name in OPEN_MESSAGES:
        return
    body = raw[4:] + b"\x00"
    with pytest.raises(DecodeError):
        H.decode_message(raw[:1] + len(body).to_bytes(3, "big") + body, **flags)


@given(
    raw=st.binary(max_size=200),
    tls13=st.booleans(),
    kx=st.sampled_from([None, "ECDH", "DH", "RSA", "PSK", "DHEPSK", "ECDHEPSK", "RSAPSK"]),
    tls12=st.booleans(),
)
@settings(max_examples=1500, deadline=None)
def test_message_random_bytes(raw: bytes, tls13: bool, kx: str | None, tls12: bool) -> None:
    with contextlib.suppress(DecodeError):
        H.decode_message(raw, tls13=tls13, kx=kx, tls12=tls12)


@given(
    t=st.integers(0, 255),
    body=st.binary(max_size=200),
    tls13=st.booleans(),
    kx=st.sampled_from([None, "ECDH", "DH", "RSA", "PSK", "DHEPSK", "ECDHEPSK", "RSAPSK"]),
)
@settings(max_examples=1500, deadline=None)
def test_message_random_bodies(t: int, body: bytes, tls13: bool, kx: str | None) -> None:
    """Random bodies behind a correct header reach every decoder."""
    raw = bytes((t,)) + len(body).to_bytes(3, "big") + body
    try:
        msg = H.decode_message(raw, tls13=tls13, kx=kx)
    except DecodeError:
        return
    assert msg.raw == raw
