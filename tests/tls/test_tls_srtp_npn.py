"""Wire formats of -use_srtp (RFC 5764 §4.1.1 use_srtp) and the profile list
OpenSSL's ``ssl_ctx_make_profiles`` accepts; of -nextprotoneg (the empty
next_protocol_negotiation extension, the server's list, the padded
NextProtocol message of draft-agl-tls-nextprotoneg-04)."""

from __future__ import annotations

import pytest

from sclient.tls.config import ClientConfig
from sclient.tls.hello import build_client_hello
from sclient.tls.registry import srtp
from sclient.tls.wire import extensions as X
from sclient.tls.wire.buffer import DecodeError
from sclient.tls.wire.handshake import NextProtocol


def test_use_srtp_encoding() -> None:
    e = X.UseSrtp((0x0008, 0x0001))
    assert e.encode() == bytes.fromhex("000e000700040008000100")
    back = X.decode_extension(14, e.encode_body(), X.Context.CH)
    assert back == e


def test_use_srtp_decode_with_mki() -> None:
    e = X.decode_extension(14, bytes.fromhex("0002000103abcdef"), X.Context.CH)
    assert e == X.UseSrtp((1,), bytes.fromhex("abcdef"))


@pytest.mark.parametrize("body", ["000200", "0003000100", "00020001", "00020001000a", ""])
def test_use_srtp_malformed(body: str) -> None:
    e = X.decode_extension(14, bytes.fromhex(body), X.Context.CH)
    assert isinstance(e, X.Malformed)
    with pytest.raises(DecodeError):
        e.raise_error()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("SRTP_AES128_CM_SHA1_80", (1,)),
        ("SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_32:SRTP_AEAD_AES_128_GCM", (8, 2, 7)),
    ],
)
def test_parse_profiles(text: str, codes: tuple[int, ...]) -> None:
    assert srtp.parse_profiles(text) == codes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", srtp.UNKNOWN_PROFILE),
        ("SRTP_AES128_CM_SHA1_80:", srtp.UNKNOWN_PROFILE),
        ("srtp_aes128_cm_sha1_80", srtp.UNKNOWN_PROFILE),
        ("SRTP_ARIA_128_CTR_HMAC_SHA1_80", srtp.UNKNOWN_PROFILE),  # not in 3.0
        ("SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_80", srtp.BAD_LIST),
    ],
)
def test_parse_profiles_refused(text: str, reason: str) -> None:
    with pytest.raises(srtp.SrtpListError) as info:
        srtp.parse_profiles(text)
    assert info.value.reason == reason


def _hello_types(**kw: object) -> list[int]:
    cfg = ClientConfig(random=lambda n: bytes(n), now=lambda: 0.0, **kw)  # type: ignore[arg-type]
    ch = build_client_hello(cfg, lambda n: bytes(n), {})
    return [e.ext_type for e in ch.extensions]


def test_use_srtp_in_client_hello_after_alpn() -> None:
    types = _hello_types(alpn=(b"h2",), srtp_profiles=(1, 8))
    assert types.index(16) + 1 == types.index(14)
    assert types.index(14) + 1 == types.index(22)  # then encrypt_then_mac, as OpenSSL
    assert 14 not in _hello_types()


@pytest.mark.parametrize("proto", [b"h2", b"http/1.1", b"x" * 29, b"x" * 30, b"x" * 31, b"x" * 255])
def test_next_protocol_padding(proto: bytes) -> None:
    """The body (name and padding with their length bytes) is a multiple of 32
    long, with 1 to 32 bytes of zeros."""
    raw = NextProtocol(proto).encode()
    assert raw[0] == 67
    body = raw[4:]
    assert int.from_bytes(raw[1:4], "big") == len(body)
    assert len(body) % 32 == 0
    assert body[0] == len(proto) and body[1 : 1 + len(proto)] == proto
    padding = body[2 + len(proto) :]
    assert body[1 + len(proto)] == len(padding) and 1 <= len(padding) <= 32
    assert padding == bytes(len(padding))


def test_next_protocol_http11_as_openssl_sends_it() -> None:
    # observed from openssl s_client -nextprotoneg against s_server (-trace)
    assert (
        NextProtocol(b"http/1.1").encode().hex()
        == "43000020" + "08" + b"http/1.1".hex() + "16" + "00" * 22
    )


def test_next_protocol_negotiation_extension() -> None:
    assert X.NextProtocolNegotiation().encode() == bytes.fromhex("33740000")
    e = X.decode_extension(13172, bytes.fromhex("02683208687474702f312e31"), X.Context.SH)
    assert e == X.NextProtocolNegotiation((b"h2", b"http/1.1"))
    assert isinstance(
        X.decode_extension(13172, bytes.fromhex("0268320068"), X.Context.SH), X.Malformed
    )


def test_next_proto_neg_in_client_hello() -> None:
    types = _hello_types(next_protocols=(b"h2",), alpn=(b"h2",), status_request=True)
    assert types.index(5) + 1 == types.index(13172) and types.index(13172) + 1 == types.index(16)
    assert 13172 not in _hello_types()


def test_custom_extensions_first_and_empty() -> None:
    """-serverinfo: each type as an empty extension, ahead of OpenSSL's own."""
    assert X.CustomExtensions((1000, 18)).encode() == bytes.fromhex("03e8000000120000")
    cfg = ClientConfig(random=lambda n: bytes(n), now=lambda: 0.0, serverinfo_types=(1001, 1000))
    ch = build_client_hello(cfg, lambda n: bytes(n), {})
    from sclient.tls.wire.handshake import ClientHello, decode_message

    back = decode_message(ch.encode())
    assert isinstance(back, ClientHello)
    types = [e.ext_type for e in back.extensions]
    assert types[:2] == [1001, 1000] and all(e.encode_body() == b"" for e in back.extensions[:2])
    assert 1000 not in _hello_types()
