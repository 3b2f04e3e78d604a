"""TLS supported groups (IANA "TLS Supported Groups") with OpenSSL's names.

``names`` are the spellings ``-groups``/``-curves`` accept (OpenSSL compares
them case-insensitively); ``trace`` is the ``-trace`` rendering; ``temp_key``
the ``Server Temp Key:`` text without the bit count (empty for the
key-encapsulation groups: the client never holds a server public key for
them, so OpenSSL 3.5 prints ``Negotiated TLS1.3 group:`` instead).

The ML-KEM groups (draft-ietf-tls-mlkem) and the ECDHE-MLKEM hybrids
(draft-ietf-tls-ecdhe-mlkem) carry OpenSSL 3.5's names; none of them is in
OpenSSL 3.0's default list, so the default ClientHello does not change.
MLKEM512 is named (``-trace``, ``-json``) but cannot be offered: ``cryptography``
has no ML-KEM-512 (``tls.conf`` refuses it).
"""

from __future__ import annotations

from sclient.base.structs import Struct


class Group(Struct, frozen=True, slots=True):
    code: int
    iana: str
    names: tuple[str, ...]
    kind: str  # "x" (RFC 7748), "ec" (NIST or brainpool curve), "ffdhe", "kem" (ML-KEM), "hybrid"
    bits: int  # bits printed in "Server Temp Key"
    security_bits: int
    trace: str
    temp_key: str

    @property
    def openssl(self) -> str:
        return self.names[0]


GROUPS: tuple[Group, ...] = (
    Group(
        0x0017,
        "secp256r1",
        ("P-256", "prime256v1", "secp256r1"),
        "ec",
        256,
        128,
        "secp256r1 (P-256)",
        "ECDH, prime256v1",
    ),
    Group(
        0x0018,
        "secp384r1",
        ("P-384", "secp384r1"),
        "ec",
        384,
        192,
        "secp384r1 (P-384)",
        "ECDH, secp384r1",
    ),
    Group(
        0x0019,
        "secp521r1",
        ("P-521", "secp521r1"),
        "ec",
        521,
        256,
        "secp521r1 (P-521)",
        "ECDH, secp521r1",
    ),
    Group(
        0x0013,
        "secp192r1",
        ("secp192r1", "prime192v1", "P-192"),
        "ec",
        192,
        80,
        "secp192r1 (P-192)",
        "ECDH, prime192v1",
    ),
    Group(
        0x0015,
        "secp224r1",
        ("secp224r1", "P-224"),
        "ec",
        224,
        112,
        "secp224r1 (P-224)",
        "ECDH, secp224r1",
    ),
    Group(0x0016, "secp256k1", ("secp256k1",), "ec", 256, 128, "secp256k1", "ECDH, secp256k1"),
    # RFC 7027's brainpool curves: TLS 1.2 and below only in OpenSSL 3.0 (the
    # TLS 1.3 code points of RFC 8734 came with 3.2).
    Group(
        0x001A,
        "brainpoolP256r1",
        ("brainpoolP256r1",),
        "ec",
        256,
        128,
        "brainpoolP256r1",
        "ECDH, brainpoolP256r1",
    ),
    Group(
        0x001B,
        "brainpoolP384r1",
        ("brainpoolP384r1",),
        "ec",
        384,
        192,
        "brainpoolP384r1",
        "ECDH, brainpoolP384r1",
    ),
    Group(
        0x001C,
        "brainpoolP512r1",
        ("brainpoolP512r1",),
        "ec",
        512,
        256,
        "brainpoolP512r1",
        "ECDH, brainpoolP512r1",
    ),
    Group(0x001D, "x25519", ("X25519", "x25519"), "x", 253, 128, "ecdh_x25519", "X25519"),
    Group(0x001E, "x448", ("X448", "x448"), "x", 448, 224, "ecdh_x448", "X448"),
    Group(0x0100, "ffdhe2048", ("ffdhe2048",), "ffdhe", 2048, 112, "ffdhe2048", "DH"),
    Group(0x0101, "ffdhe3072", ("ffdhe3072",), "ffdhe", 3072, 128, "ffdhe3072", "DH"),
    Group(0x0102, "ffdhe4096", ("ffdhe4096",), "ffdhe", 4096, 152, "ffdhe4096", "DH"),
    Group(0x0103, "ffdhe6144", ("ffdhe6144",), "ffdhe", 6144, 176, "ffdhe6144", "DH"),
    Group(0x0104, "ffdhe8192", ("ffdhe8192",), "ffdhe", 8192, 192, "ffdhe8192", "DH"),
    Group(0x0200, "MLKEM512", ("MLKEM512",), "kem", 512, 128, "MLKEM512", ""),
    Group(0x0201, "MLKEM768", ("MLKEM768",), "kem", 768, 192, "MLKEM768", ""),
    Group(0x0202, "MLKEM1024", ("MLKEM1024",), "kem", 1024, 256, "MLKEM1024", ""),
    Group(
        0x11EB,
        "SecP256r1MLKEM768",
        ("SecP256r1MLKEM768",),
        "hybrid",
        768,
        192,
        "SecP256r1MLKEM768",
        "",
    ),
    Group(0x11EC, "X25519MLKEM768", ("X25519MLKEM768",), "hybrid", 768, 192, "X25519MLKEM768", ""),
    Group(
        0x11ED,
        "SecP384r1MLKEM1024",
        ("SecP384r1MLKEM1024",),
        "hybrid",
        1024,
        256,
        "SecP384r1MLKEM1024",
        "",
    ),
)

#: The key-encapsulation groups (pure ML-KEM and hybrids): TLS 1.3 only.
KEM_KINDS = frozenset({"kem", "hybrid"})

BY_CODE: dict[int, Group] = {g.code: g for g in GROUPS}
BY_NAME: dict[str, Group] = {n.lower(): g for g in GROUPS for n in g.names}

#: What ``openssl s_client`` 3.0 offers in supported_groups, in its order.
DEFAULT_GROUPS: tuple[int, ...] = (
    0x001D,
    0x0017,
    0x001E,
    0x0019,
    0x0018,
    0x0100,
    0x0101,
    0x0102,
    0x0103,
    0x0104,
)

#: OpenSSL 3.5's default list (``TLS_DEFAULT_GROUP_LIST``), what ``-groups
#: DEFAULT`` selects: X25519MLKEM768 / X25519:secp256r1 / X448:secp384r1:
#: secp521r1 / ffdhe2048:ffdhe3072, with key shares for X25519MLKEM768 and X25519.
DEFAULT_GROUP_LIST_35 = (
    "?*X25519MLKEM768 / ?*X25519:?secp256r1 / ?X448:?secp384r1:?secp521r1 / ?ffdhe2048:?ffdhe3072"
)


#: Groups OpenSSL 3.0 cannot use (or sclient refuses) that its ``-trace`` still
#: names (``ssl_groups_tbl``): code -> the name it prints.
TRACE_ONLY_NAMES: dict[int, str] = {
    0x0001: "sect163k1 (K-163)",
    0x0002: "sect163r1",
    0x0003: "sect163r2 (B-163)",
    0x0004: "sect193r1",
    0x0005: "sect193r2",
    0x0006: "sect233k1 (K-233)",
    0x0007: "sect233r1 (B-233)",
    0x0008: "sect239k1",
    0x0009: "sect283k1 (K-283)",
    0x000A: "sect283r1 (B-283)",
    0x000B: "sect409k1 (K-409)",
    0x000C: "sect409r1 (B-409)",
    0x000D: "sect571k1 (K-571)",
    0x000E: "sect571r1 (B-571)",
    0x000F: "secp160k1",
    0x0010: "secp160r1",
    0x0011: "secp160r2",
    0x0012: "secp192k1",
    0x0014: "secp224k1",
    0x0022: "GC256A",
    0x0023: "GC256B",
    0x0024: "GC256C",
    0x0025: "GC256D",
    0x0026: "GC512A",
    0x0027: "GC512B",
    0x0028: "GC512C",
    0xFF01: "arbitrary_explicit_prime_curves",
    0xFF02: "arbitrary_explicit_char2_curves",
}


def lookup(name: str) -> Group | None:
    return BY_NAME.get(name.lower())
