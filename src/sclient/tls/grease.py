"""GREASE (RFC 8701): reserved values a client offers so that servers keep
ignoring what they do not know.

Opt-in, field by field (``ClientConfig.grease``): each chosen field of the
ClientHello gets one value drawn at random, per connection, from the RFC's
reserved values, in the places BoringSSL (Chrome) puts them (OpenSSL 4.1's
``SSL_OP_GREASE`` puts both extensions last and leaves signature_algorithms,
psk_key_exchange_modes and ALPN alone): first in the cipher suites, supported_groups,
signature_algorithms, supported_versions, psk_key_exchange_modes and ALPN
lists; a key share of the supported_groups GREASE group holding one byte
first in key_share; an empty GREASE extension first and one with a one-byte
body last (before pre_shared_key), the two of different types. A second
ClientHello after a HelloRetryRequest is the first one again
(:func:`sclient.tls.hello.second_client_hello`), so it keeps every value;
its key_share, when the HelloRetryRequest names a group, holds that
group's share alone, without the GREASE entry (as BoringSSL does).

GREASE values are never negotiable: :class:`sclient.tls.hello.Offer` leaves
them out (:func:`strip_values`) of what the server's answers are checked against, so a server that selects one (suite,
group, version, ALPN protocol) is refused by the ordinary checks, and
:func:`check_server_extension` refuses a GREASE extension in a ServerHello,
HelloRetryRequest, EncryptedExtensions or Certificate (RFC 8701 §3.1).
NewSessionTicket and CertificateRequest may carry GREASE (§4.1): ignored
there like any unknown value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sclient.base import structs
from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry import protocol as P
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import ClientHello

__all__ = [
    "ALL_FIELDS",
    "FIELDS",
    "apply",
    "check_server_extension",
    "fields_of",
    "is_grease",
    "is_grease_alpn",
    "is_grease_psk_mode",
    "parse_fields",
    "strip_values",
]

#: The fields, in the order of ``-grease_fields`` (and of the JSON document).
FIELDS: tuple[str, ...] = ("cipher", "ext", "group", "sigalg", "version", "pskmode", "alpn")
ALL_FIELDS: frozenset[str] = frozenset(FIELDS)
#: What :func:`fields_of` reports, in this order (``group`` is in two lists).
REPORTED: tuple[str, ...] = (
    "cipher",
    "ext",
    "group",
    "key_share",
    "sigalg",
    "version",
    "pskmode",
    "alpn",
)

#: RFC 8701 §2: the 16 two-byte values 0x0A0A, 0x1A1A, ... 0xFAFA (cipher
#: suites, extensions, groups, signature algorithms, versions; ALPN as two bytes).
VALUES: tuple[int, ...] = tuple(((i << 4) | 0x0A) * 0x0101 for i in range(16))
#: RFC 8701 §2: the PSK key exchange modes 0x0B, 0x2A, ... 0xE4.
PSK_MODES: tuple[int, ...] = tuple(0x0B + 0x1F * i for i in range(8))


#: The same values as a set: a ClientHello's lists are scanned with ``in``,
#: not a call per value (some 200 values a ClientHello).
_VALUE_SET = frozenset(VALUES)


def is_grease(value: int) -> bool:
    """A reserved two-byte GREASE value (0x?A?A with both bytes equal)."""
    return value in _VALUE_SET


def is_grease_psk_mode(mode: int) -> bool:
    return mode in PSK_MODES


def is_grease_alpn(protocol: bytes) -> bool:
    return len(protocol) == 2 and is_grease(int.from_bytes(protocol, "big"))


def parse_fields(text: str) -> frozenset[str] | None:
    """``-grease_fields``: a comma-separated list of field names (``all`` for
    every field); None when a name is unknown or the list is empty."""
    names = [n.strip() for n in text.split(",")]
    out: set[str] = set()
    for n in names:
        if n == "all":
            out |= ALL_FIELDS
        elif n in ALL_FIELDS:
            out.add(n)
        else:
            return None
    return frozenset(out) or None


class Values:
    """One connection's GREASE values (BoringSSL's seed: one random byte per
    index, its high nibble picking the value)."""

    __slots__ = ("alpn", "cipher", "ext1", "ext2", "group", "pskmode", "sigalg", "version")

    def __init__(self, random: Callable[[int], bytes]) -> None:
        seed = random(8)
        v = [VALUES[b >> 4] for b in seed]
        self.cipher, self.group, self.ext1, self.ext2 = v[0], v[1], v[2], v[3]
        self.version, self.sigalg, self.alpn = v[4], v[5], v[6]
        if self.ext2 == self.ext1:  # two extensions of one type: not allowed
            self.ext2 ^= 0x1010
        self.pskmode = PSK_MODES[seed[7] >> 5]


def apply(ch: ClientHello, fields: frozenset[str], random: Callable[[int], bytes]) -> ClientHello:
    """``ch`` with GREASE in ``fields`` (only in the lists the ClientHello
    carries: no extension is added for GREASE's sake, except the two GREASE
    extensions themselves)."""
    g = Values(random)
    exts: list[X.Extension] = []
    for e in ch.extensions:
        if isinstance(e, X.SupportedGroups) and "group" in fields:
            e = X.SupportedGroups((g.group, *e.groups))
        elif isinstance(e, X.KeyShareClient) and "group" in fields:
            e = X.KeyShareClient((X.KeyShareEntry(g.group, b"\x00"), *e.entries))
        elif isinstance(e, X.SignatureAlgorithms) and "sigalg" in fields:
            e = X.SignatureAlgorithms((g.sigalg, *e.schemes))
        elif isinstance(e, X.SupportedVersions) and "version" in fields:
            e = X.SupportedVersions((g.version, *e.versions))
        elif isinstance(e, X.PskKeyExchangeModes) and "pskmode" in fields:
            e = X.PskKeyExchangeModes((g.pskmode, *e.modes))
        elif isinstance(e, X.Alpn) and "alpn" in fields:
            e = X.Alpn((g.alpn.to_bytes(2, "big"), *e.protocols))
        exts.append(e)
    if "ext" in fields and ch.legacy_version >= P.TLS1_0:
        last = len(exts)
        if exts and isinstance(exts[-1], X.PreSharedKeyClient):
            last -= 1
        exts.insert(last, X.Unknown(g.ext2, b"\x00"))
        exts.insert(0, X.Unknown(g.ext1, b""))
    suites = ch.cipher_suites
    if "cipher" in fields:
        suites = (g.cipher, *suites)
    return structs.replace(ch, cipher_suites=suites, extensions=tuple(exts))


def strip_values(values: Iterable[int]) -> tuple[int, ...]:
    grease = _VALUE_SET
    return tuple(v for v in values if v not in grease)


def fields_of(ch: ClientHello) -> dict[str, list[int]]:
    """The GREASE values a ClientHello carries, by field (for the report)."""
    out: dict[str, list[int]] = {}

    grease = _VALUE_SET

    def add(name: str, values: Iterable[int]) -> None:
        found = [v for v in values if v in grease]
        if found:
            out.setdefault(name, []).extend(found)

    add("cipher", ch.cipher_suites)
    # (a -serverinfo type of GREASE's shape is the user's own extension: not counted)
    add("ext", (e.ext_type for e in ch.extensions if isinstance(e, X.Unknown)))
    for e in ch.extensions:
        if isinstance(e, X.SupportedGroups):
            add("group", e.groups)
        elif isinstance(e, X.KeyShareClient):
            add("key_share", (k.group for k in e.entries))
        elif isinstance(e, X.SignatureAlgorithms):
            add("sigalg", e.schemes)
        elif isinstance(e, X.SupportedVersions):
            add("version", e.versions)
        elif isinstance(e, X.PskKeyExchangeModes):
            modes = [m for m in e.modes if is_grease_psk_mode(m)]
            if modes:
                out["pskmode"] = modes
        elif isinstance(e, X.Alpn):
            add("alpn", (int.from_bytes(p, "big") for p in e.protocols if is_grease_alpn(p)))
    return {f: out[f] for f in REPORTED if f in out}


def check_server_extension(ext_type: int) -> None:
    """RFC 8701 §3.1: a GREASE extension in a ServerHello, HelloRetryRequest,
    EncryptedExtensions or Certificate answers an extension we never really
    offered: unsupported_extension, "unsolicited extension", as OpenSSL 4.1
    refuses an extension it did not send in a ServerHello."""
    if is_grease(ext_type):
        raise LocalError(
            alerts.UNSUPPORTED_EXTENSION, "UNSOLICITED_EXTENSION", f"extension {ext_type} (GREASE)"
        )
