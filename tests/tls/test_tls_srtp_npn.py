"""Wire formats of -use_srtp (RFC 5764 §4.1.1 use_srtp) and the profile list
OpenSSL's ``ssl_ctx_make_profiles`` accepts."""

from __future__ import annotations

import pytest

from sclient.tls.config import ClientConfig
from sclient.tls.hello import build_client_hello
from sclient.tls.registry import srtp
from sclient.tls.wire import extensions as X
from sclient.tls.wire.buffer import DecodeError


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
