"""What OpenSSL's default provider and its security levels allow, beside the
IANA registries: the TLS groups the provider knows, each with its strength
and the protocol versions it may serve, and the least strength each security
level accepts.

The ClientHello (which groups supported_groups carries), the SSL_CONF
commands (``-groups``, ``-cipher``'s ``@SECLEVEL``) and the checks of the
server's choices read these tables; a connection that gives none of those
options needs nothing else from the SSL_CONF modules.
"""

from __future__ import annotations

from sclient.tls.registry import protocol as P

__all__ = [
    "GROUPS",
    "LEVEL_BITS",
    "PQ_GROUPS",
    "group_ok_for_tls13",
    "group_valid",
    "security_level_bits",
]

#: ``ssl_get_security_level_bits``: minimum strength bits per security level.
LEVEL_BITS = (0, 80, 112, 128, 192, 256)


def security_level_bits(level: int) -> int:
    return LEVEL_BITS[max(0, min(level, 5))]


#: OpenSSL 3.0.19's TLS groups (default provider): code -> (names, security
#: bits, min TLS version, max TLS version or 0).  The names are the provider's
#: ``tls-group-name`` and ``name-internal`` plus the NIST aliases it lists;
#: ``-groups`` matches them case-sensitively (``x25519`` and ``X25519`` both
#: exist, ``p-256`` does not).
GROUPS: dict[int, tuple[tuple[str, ...], int, int, int]] = {
    0x0001: (("sect163k1", "K-163"), 80, P.TLS1_0, P.TLS1_2),
    0x0002: (("sect163r1",), 80, P.TLS1_0, P.TLS1_2),
    0x0003: (("sect163r2", "B-163"), 80, P.TLS1_0, P.TLS1_2),
    0x0004: (("sect193r1",), 80, P.TLS1_0, P.TLS1_2),
    0x0005: (("sect193r2",), 80, P.TLS1_0, P.TLS1_2),
    0x0006: (("sect233k1", "K-233"), 112, P.TLS1_0, P.TLS1_2),
    0x0007: (("sect233r1", "B-233"), 112, P.TLS1_0, P.TLS1_2),
    0x0008: (("sect239k1",), 112, P.TLS1_0, P.TLS1_2),
    0x0009: (("sect283k1", "K-283"), 128, P.TLS1_0, P.TLS1_2),
    0x000A: (("sect283r1", "B-283"), 128, P.TLS1_0, P.TLS1_2),
    0x000B: (("sect409k1", "K-409"), 192, P.TLS1_0, P.TLS1_2),
    0x000C: (("sect409r1", "B-409"), 192, P.TLS1_0, P.TLS1_2),
    0x000D: (("sect571k1", "K-571"), 256, P.TLS1_0, P.TLS1_2),
    0x000E: (("sect571r1", "B-571"), 256, P.TLS1_0, P.TLS1_2),
    0x000F: (("secp160k1",), 80, P.TLS1_0, P.TLS1_2),
    0x0010: (("secp160r1",), 80, P.TLS1_0, P.TLS1_2),
    0x0011: (("secp160r2",), 80, P.TLS1_0, P.TLS1_2),
    0x0012: (("secp192k1",), 80, P.TLS1_0, P.TLS1_2),
    0x0013: (("secp192r1", "prime192v1", "P-192"), 80, P.TLS1_0, P.TLS1_2),
    0x0014: (("secp224k1",), 112, P.TLS1_0, P.TLS1_2),
    0x0015: (("secp224r1", "P-224"), 112, P.TLS1_0, P.TLS1_2),
    0x0016: (("secp256k1",), 128, P.TLS1_0, P.TLS1_2),
    0x0017: (("secp256r1", "prime256v1", "P-256"), 128, P.TLS1_0, 0),
    0x0018: (("secp384r1", "P-384"), 192, P.TLS1_0, 0),
    0x0019: (("secp521r1", "P-521"), 256, P.TLS1_0, 0),
    0x001A: (("brainpoolP256r1",), 128, P.TLS1_0, P.TLS1_2),
    0x001B: (("brainpoolP384r1",), 192, P.TLS1_0, P.TLS1_2),
    0x001C: (("brainpoolP512r1",), 256, P.TLS1_0, P.TLS1_2),
    0x001D: (("x25519", "X25519"), 128, P.TLS1_0, 0),
    0x001E: (("x448", "X448"), 224, P.TLS1_0, 0),
    0x0100: (("ffdhe2048",), 112, P.TLS1_3, 0),
    0x0101: (("ffdhe3072",), 128, P.TLS1_3, 0),
    0x0102: (("ffdhe4096",), 128, P.TLS1_3, 0),
    0x0103: (("ffdhe6144",), 128, P.TLS1_3, 0),
    0x0104: (("ffdhe8192",), 192, P.TLS1_3, 0),
    # OpenSSL 3.5's key-encapsulation groups (TLS 1.3 only).
    0x0200: (("MLKEM512",), 128, P.TLS1_3, 0),
    0x0201: (("MLKEM768",), 192, P.TLS1_3, 0),
    0x0202: (("MLKEM1024",), 256, P.TLS1_3, 0),
    0x11EB: (("SecP256r1MLKEM768",), 192, P.TLS1_3, 0),
    0x11EC: (("X25519MLKEM768",), 192, P.TLS1_3, 0),
    0x11ED: (("SecP384r1MLKEM1024",), 256, P.TLS1_3, 0),
}
#: The groups OpenSSL 3.0 did not know: only OpenSSL 3.5's list language names them.
PQ_GROUPS = frozenset({0x0200, 0x0201, 0x0202, 0x11EB, 0x11EC, 0x11ED})


def group_valid(code: int, min_version: int, max_version: int) -> tuple[bool, bool, bool]:
    """``tls_valid_group``: (usable with some version of ``min_version`` ..
    ``max_version``, usable in TLS 1.3, an elliptic-curve group rather than
    finite-field DH)."""
    info = GROUPS.get(code)
    if info is None:
        return False, False, False
    _, _, g_min, g_max = info
    valid = (not g_max or g_max >= min_version) and (not g_min or g_min <= max_version)
    return valid, not g_max or g_max >= P.TLS1_3, g_min != P.TLS1_3


def group_ok_for_tls13(code: int) -> bool:
    """Whether OpenSSL allows ``code`` in TLS 1.3 (not the deprecated or brainpool curves)."""
    info = GROUPS.get(code)
    return info is not None and (info[3] == 0 or info[3] >= P.TLS1_3)
