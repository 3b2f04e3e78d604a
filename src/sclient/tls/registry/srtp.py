"""DTLS-SRTP Protection Profiles (RFC 5764 §4.1.2): the profiles OpenSSL 3.0
knows (``srtp_known_profiles`` in ssl/d1_srtp.c), by the names
``-use_srtp`` takes and ``SRTP Extension negotiated, profile=`` prints."""

from __future__ import annotations

from sclient.base.structs import Struct


class SrtpProfile(Struct, frozen=True, slots=True):
    code: int
    iana: str
    openssl: str


_P = SrtpProfile

PROFILES: tuple[SrtpProfile, ...] = (
    _P(0x0001, "SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AES128_CM_SHA1_80"),
    _P(0x0002, "SRTP_AES128_CM_HMAC_SHA1_32", "SRTP_AES128_CM_SHA1_32"),
    _P(0x0007, "SRTP_AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM"),
    _P(0x0008, "SRTP_AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM"),
)

BY_CODE: dict[int, SrtpProfile] = {p.code: p for p in PROFILES}
BY_OPENSSL: dict[str, SrtpProfile] = {p.openssl: p for p in PROFILES}


class SrtpListError(ValueError):
    """A ``-use_srtp`` list OpenSSL refuses; ``reason`` is its SSL reason text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


UNKNOWN_PROFILE = "srtp unknown protection profile"
BAD_LIST = "bad srtp protection profile list"


def parse_profiles(text: str) -> tuple[int, ...]:
    """``ssl_ctx_make_profiles``: colon-separated names, case-sensitive; an
    empty name is unknown, a repeated one makes the list bad."""
    out: list[int] = []
    for name in text.split(":"):
        p = BY_OPENSSL.get(name)
        if p is None:
            raise SrtpListError(UNKNOWN_PROFILE)
        if p.code in out:
            raise SrtpListError(BAD_LIST)
        out.append(p.code)
    return tuple(out)
