"""OpenSSL 3.0.19's SSL_CONF list languages, evaluated over sclient's registry tables.

The options ``openssl s_client`` hands to ``SSL_CONF_cmd``:

* ``-cipher``        :func:`cipher_list` (the TLS <= 1.2 cipher-string language,
  :mod:`sclient.tls.conf_ciph`), :func:`cipher_selection` for the unfiltered list;
* ``-ciphersuites``  :func:`ciphersuites` (TLS 1.3);
* ``-groups`` / ``-curves``  :func:`group_list` (OpenSSL 3.0's language) and
  :func:`group_selection` (which switches to OpenSSL 3.5's when the list
  uses its syntax or names a post-quantum group);
* ``-sigalgs`` / ``-client_sigalgs``  :func:`sigalg_list`;
* ``-min_protocol`` / ``-max_protocol``  :func:`protocol_version`.

A value OpenSSL rejects raises :class:`ConfError` carrying exactly what
s_client prints (``Call to SSL_CONF_cmd(...) failed`` and the error queue, the
thread id left as ``{tid}``).

The ``offered_*`` helpers apply what OpenSSL does between the configured lists
and the ClientHello (the security level, the protocol range, PSK/SRP
callbacks).  Sans-I/O and cheap to import: nothing here touches the network,
the clock or ``cryptography``; the suite registry is read on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sclient.tls import conf_ciph as _ciph
from sclient.tls.conf_ciph import (
    SUITEB_128,
    SUITEB_128_ONLY,
    SUITEB_192,
    CipherSelection,
)
from sclient.tls.conf_error import ConfError, queue_line
from sclient.tls.policy import GROUPS as _GROUPS
from sclient.tls.policy import PQ_GROUPS as _PQ_GROUPS
from sclient.tls.policy import security_level_bits
from sclient.tls.registry import groups as _registry_groups
from sclient.tls.registry import protocol as P

__all__ = [
    "DEFAULT_CIPHER_LIST",
    "SUITEB_128",
    "SUITEB_128_ONLY",
    "SUITEB_192",
    "CipherSelection",
    "ConfError",
    "cipher_list",
    "cipher_selection",
    "ciphersuites",
    "group_list",
    "group_selection",
    "offered_ciphersuites",
    "offered_groups",
    "offered_sigalgs",
    "parse_list",
    "protocol_version",
    "record_padding",
    "security_level_bits",
    "sigalg_auth_mask",
    "sigalg_list",
]

# OpenSSL's names (ssl.h) for the protocol registry's versions.
SSL3_VERSION = P.SSL3
TLS1_VERSION = P.TLS1_0
TLS1_1_VERSION = P.TLS1_1
TLS1_2_VERSION = P.TLS1_2
TLS1_3_VERSION = P.TLS1_3
DTLS1_VERSION = P.DTLS1_0
DTLS1_2_VERSION = P.DTLS1_2

# --- CONF_parse_list -----------------------------------------------------------

_C_SPACE = " \t\n\v\f\r"


def _parse_list(value: str, sep: str = ":") -> Iterator[str | None]:
    """``CONF_parse_list(value, sep, nospc=1, ...)``: the elements, whitespace
    around each stripped; ``None`` for an empty element (the callback then gets
    ``elem == NULL``)."""
    pos = 0
    while True:
        while pos < len(value) and value[pos] in _C_SPACE:
            pos += 1
        end = value.find(sep, pos)
        if end == pos or pos >= len(value):
            yield None
        else:
            stop = end if end >= 0 else len(value)
            yield value[pos:stop].rstrip(_C_SPACE)
        if end < 0:
            return
        pos = end + 1


def parse_list(value: str, sep: str = ":") -> Iterator[str | None]:
    """``CONF_parse_list(value, sep, nospc=1, ...)`` (see :func:`_parse_list`)."""
    return _parse_list(value, sep)


# --- -cipher --------------------------------------------------------------------


def cipher_selection(spec: str, *, seclevel: int = 2, option: str = "-cipher") -> CipherSelection:
    """``SSL_CTX_set_cipher_list(spec)``: every TLS <= 1.2 suite the string
    selects, in OpenSSL's order (``openssl ciphers -V``), the security level
    after ``@SECLEVEL=n`` and any Suite B mode.  Raises :class:`ConfError`."""
    return _ciph.select(spec, seclevel=seclevel, option=option)


def cipher_list(
    spec: str,
    *,
    seclevel: int = 2,
    psk: bool = False,
    srp: bool = False,
    min_version: int = TLS1_VERSION,
    max_version: int = TLS1_3_VERSION,
    sigalgs: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """``-cipher``: the TLS <= 1.2 suites the ClientHello offers, in OpenSSL's order.

    The string is evaluated by :func:`cipher_selection`; the result is then
    filtered as ``SSL_get1_supported_ciphers`` does (``openssl ciphers -s``):
    the security level (``seclevel``, or the string's own ``@SECLEVEL=n``),
    PSK suites unless ``psk`` (s_client ``-psk``), SRP suites unless ``srp``
    (``-srpuser``), the protocol range, and authentications no signature
    algorithm of ``sigalgs`` (``-sigalgs``; None = OpenSSL's default list) can
    serve.  ``cipher_list("DEFAULT")`` is s_client's default offer.

    Raises :class:`ConfError` exactly when ``SSL_CONF_cmd(-cipher, spec)`` fails
    (an empty *filtered* list is not an error: OpenSSL fails later, at the
    ClientHello, if no TLS 1.3 suite is left either).
    """
    sel = _ciph.select(spec, seclevel=seclevel)
    level = sel.seclevel
    auth = sigalg_auth_mask(sigalgs, seclevel=level, min_version=min_version, suiteb=sel.suiteb)
    return _ciph.supported(
        sel.suites,
        seclevel=level,
        psk=psk,
        srp=srp,
        min_version=min_version,
        max_version=max_version,
        auth_disabled=auth,
    )


if TYPE_CHECKING:
    #: s_client's default TLS <= 1.2 offer: ``cipher_list("DEFAULT")`` (computed on first use).
    DEFAULT_CIPHER_LIST: tuple[int, ...]


def __getattr__(name: str) -> object:
    if name == "DEFAULT_CIPHER_LIST":
        value = cipher_list("DEFAULT")
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- -ciphersuites ----------------------------------------------------------------

#: Standard names ``ssl3_get_cipher_by_std_name`` knows whose suite this build
#: cannot use: accepted by ``-ciphersuites`` but dropped from the list (their
#: cipher or handshake digest is unavailable).
_DROPPED_STD_NAMES = frozenset(
    {
        "TLS_RSA_WITH_IDEA_CBC_SHA",
        "TLS_RSA_WITH_SEED_CBC_SHA",
        "TLS_DHE_DSS_WITH_SEED_CBC_SHA",
        "TLS_DHE_RSA_WITH_SEED_CBC_SHA",
        "TLS_DH_anon_WITH_SEED_CBC_SHA",
        "TLS_GOSTR341001_WITH_28147_CNT_IMIT",
        "TLS_GOSTR341001_WITH_NULL_GOSTR3411",
    }
)

_SCSV_STD_NAMES = {"TLS_EMPTY_RENEGOTIATION_INFO_SCSV": 0x00FF, "TLS_FALLBACK_SCSV": 0x5600}

_E_NO_CIPHER_MATCH = 0x0A0000B9
#: ``set_ciphersuites``'s ``SSL_R_NO_CIPHER_MATCH`` raise in 3.0.19's ssl_ciph.c.
LINE_SET_CIPHERSUITES = 1325


def ciphersuites(spec: str) -> tuple[int, ...]:
    """``-ciphersuites``: the TLS 1.3 suite list, in the order given.

    Colon-separated standard (IANA) names, matched case-sensitively; unknown
    names and empty elements are skipped; the empty string is legal and means
    no TLS 1.3 suite.  As in OpenSSL 3.0, any standard name is accepted --
    also a TLS <= 1.2 suite's or an SCSV's, which then leads the ClientHello
    list -- and duplicates are kept.  Nothing recognised at all raises
    :class:`ConfError` (``set_ciphersuites:no cipher match``).
    """
    if spec == "":
        return ()
    from sclient.tls.registry import suites

    out: list[int] = []
    recognised = 0
    for elem in _parse_list(spec):
        name = elem or ""
        if len(name) > 79:
            continue
        suite = suites.BY_IANA_NAME.get(name)
        if suite is not None:
            out.append(suite.code)
        elif name in _SCSV_STD_NAMES:
            out.append(_SCSV_STD_NAMES[name])
        elif name not in _DROPPED_STD_NAMES:
            continue
        recognised += 1
    if not recognised:
        raise ConfError(
            "-ciphersuites",
            spec,
            [
                queue_line(
                    _E_NO_CIPHER_MATCH,
                    "set_ciphersuites",
                    "no cipher match",
                    "../ssl/ssl_ciph.c",
                    LINE_SET_CIPHERSUITES,
                )
            ],
        )
    return tuple(out)


def offered_ciphersuites(
    suites: Sequence[int],
    *,
    seclevel: int = 2,
    psk: bool = False,
    srp: bool = False,
    min_version: int = TLS1_VERSION,
    max_version: int = TLS1_3_VERSION,
) -> tuple[int, ...]:
    """The entries of a :func:`ciphersuites` list the ClientHello carries
    (``ssl_cipher_disabled``): TLS 1.3 suites only while TLS 1.3 is enabled and
    strong enough for the security level (level >= 4 drops the 128-bit ones),
    SCSV names never, TLS <= 1.2 suites as :func:`cipher_list` filters them."""
    from sclient.tls.registry import suites as registry

    minbits = security_level_bits(seclevel) if seclevel > 0 else 0
    out: list[int] = []
    for code in suites:
        s = registry.BY_CODE.get(code)
        if s is None:
            continue  # an SCSV: its version range is empty
        if s.tls13:
            if (max_version or TLS1_3_VERSION) < TLS1_3_VERSION or s.bits < minbits:
                continue
            out.append(code)
        elif _ciph.supported(
            (code,),
            seclevel=seclevel,
            psk=psk,
            srp=srp,
            min_version=min_version,
            max_version=max_version,
        ):
            out.append(code)
    return tuple(out)


# --- -groups / -curves ---------------------------------------------------------

_GROUP_BY_NAME: dict[str, int] = {
    n: code for code, g in _GROUPS.items() if code not in _PQ_GROUPS for n in g[0]
}
#: OpenSSL 3.5 matches group names case-insensitively.
_GROUP_BY_LOWER: dict[str, int] = {n.lower(): code for code, g in _GROUPS.items() for n in g[0]}
_PQ_LOWER = frozenset(n for n, code in _GROUP_BY_LOWER.items() if code in _PQ_GROUPS)
#: Groups sclient cannot compute with although OpenSSL knows them: MLKEM512
#: (``cryptography`` has ML-KEM-768 and -1024 only). The binary curves and the
#: small Koblitz/SEC curves are the others: they are absent from the registry.
_NOT_COMPUTABLE = frozenset({0x0200})

#: ``gid_cb``'s ``ERR_raise_data`` in 3.0.19's ssl/t1_lib.c.
LINE_GID_CB = 748
_E_INVALID_ARGUMENT = 0x0A080106
#: SSL_R_UNSUPPORTED_CONFIG_VALUE (OpenSSL 3.5's tuple_cb/gid_cb on an empty element).
_E_UNSUPPORTED_CONFIG_VALUE = 0x0A00019E


def group_list(spec: str, *, option: str = "-groups") -> tuple[int, ...]:
    """``-groups``/``-curves``: group codes in the order given.

    Colon-separated names, whitespace around each ignored, matched
    case-sensitively against OpenSSL's names (``X25519``/``x25519``,
    ``P-256``/``prime256v1``/``secp256r1``, ``ffdhe2048`` ...).  An unknown name
    raises :class:`ConfError` with ``gid_cb:passed invalid argument:...:group
    '<name>' cannot be set``; an empty element, a duplicate (by code) or a name
    of 64 characters or more fails with no error-queue line.  ``option`` is the
    spelling used (``-groups`` or ``-curves``) for the message.

    A group OpenSSL 3.0 knows but ``cryptography`` cannot compute with (the
    binary ``sect*`` curves, secp160k1/r1/r2, secp192k1, secp224k1) is refused
    as OpenSSL refuses a name it does not know: sclient could offer it but
    never finish a key exchange on it (docs/compatibility.md).
    """
    out: list[int] = []
    for elem in _parse_list(spec):
        if elem is None or len(elem) > 63:
            raise ConfError(option, spec)
        code = _GROUP_BY_NAME.get(elem)
        if code is None or code not in _registry_groups.BY_CODE:
            raise _unknown_group(option, spec, elem)
        if code in out:
            raise ConfError(option, spec)
        out.append(code)
    return tuple(out)


def _unknown_group(option: str, spec: str, elem: str) -> ConfError:
    return ConfError(
        option,
        spec,
        [
            queue_line(
                _E_INVALID_ARGUMENT,
                "gid_cb",
                "passed invalid argument",
                "../ssl/t1_lib.c",
                LINE_GID_CB,
                f"group '{elem}' cannot be set",
            )
        ],
    )


class GroupSelection:
    """What ``-groups`` sets: the supported_groups list and the groups to
    send key shares for (None: the first usable group, OpenSSL 3.0's rule)."""

    __slots__ = ("groups", "key_shares")

    def __init__(self, groups: tuple[int, ...], key_shares: tuple[int, ...] | None) -> None:
        self.groups = groups
        self.key_shares = key_shares

    def __repr__(self) -> str:
        return f"GroupSelection({self.groups!r}, {self.key_shares!r})"


#: ``OPENSSL_CLIENT_MAX_KEY_SHARES``.
MAX_KEY_SHARES = 4
_GROUP_PREFIXES = "*?-"


def uses_35_group_syntax(spec: str) -> bool:
    """Whether a ``-groups`` value is read in OpenSSL 3.5's language: it uses
    a tuple ``/``, a ``*``/``?``/``-`` prefix or ``DEFAULT`` (all of which
    OpenSSL 3.0 rejects), or names a post-quantum group (3.0 knows none).
    Every list OpenSSL 3.0 accepts keeps 3.0's meaning."""
    if "/" in spec:
        return True
    for elem in _parse_list(spec):
        if elem is None:
            continue
        if elem[:1] in _GROUP_PREFIXES or "*" in elem or "?" in elem:
            return True
        low = elem.lower()
        if low == "default" or low in _PQ_LOWER:
            return True
    return False


def group_selection(spec: str, *, option: str = "-groups") -> GroupSelection:
    """``-groups``/``-curves``: OpenSSL 3.0's :func:`group_list`, or OpenSSL
    3.5's language when :func:`uses_35_group_syntax` says so."""
    if not uses_35_group_syntax(spec):
        return GroupSelection(group_list(spec, option=option), None)
    return _GroupList35(spec, option).parse()


class _GroupList35:
    """OpenSSL 3.5's ``tls1_set_groups_list`` for a client.

    Tuples (``/``) only steer a server's choice: a client offers the groups
    flat, so a tuple boundary reads like ``:``. Prefixes: ``*`` sends a key
    share, ``?`` skips a group this build cannot use, ``-`` removes a group
    given earlier; ``DEFAULT`` inserts 3.5's default list (unknown groups in
    it skipped). A duplicate is ignored; names match case-insensitively.
    """

    __slots__ = ("groups", "option", "shares", "spec")

    def __init__(self, spec: str, option: str) -> None:
        self.spec = spec
        self.option = option
        self.groups: list[int] = []
        self.shares: list[int] = []

    def _failure(self, code: int, func: str, reason: str, data: str = "") -> ConfError:
        # OpenSSL 3.5's functions and texts (seen through OpenSSL 4.1.1's
        # SSL_CTX_set1_groups_list); the source line is not known: 0.
        return ConfError(
            self.option, self.spec, [queue_line(code, func, reason, "../ssl/t1_lib.c", 0, data)]
        )

    def syntax_error(self) -> ConfError:
        text = self.spec.lstrip(_C_SPACE)
        return self._failure(
            _E_INVALID_ARGUMENT,
            "tls1_set_groups_list",
            "passed invalid argument",
            f"Syntax error in '{text}'",
        )

    def empty_element(self, func: str) -> ConfError:
        return self._failure(_E_UNSUPPORTED_CONFIG_VALUE, func, "unsupported config value")

    def parse(self) -> GroupSelection:
        self._tuples(self.spec.lstrip(_C_SPACE), in_default=False)
        if len(self.shares) > MAX_KEY_SHARES:
            text = self.spec.lstrip(_C_SPACE)
            raise self._failure(
                _E_INVALID_ARGUMENT,
                "tls1_set_groups_list",
                "passed invalid argument",
                f"To many keyshares requested in '{text}' (max = {MAX_KEY_SHARES})",
            )
        shares = tuple(self.shares) if self.shares else None
        return GroupSelection(tuple(self.groups), shares)

    def _tuples(self, text: str, in_default: bool) -> None:
        if not text:
            return
        for tup in _parse_list(text, "/"):
            if tup is None:
                raise self.empty_element("tuple_cb")
            for elem in _parse_list(tup):
                if elem is None:
                    raise self.empty_element("gid_cb")
                self._group(elem, in_default)

    def _group(self, elem: str, in_default: bool) -> None:
        share = remove = ignore = False
        while elem:
            c = elem[0]
            if c == "*":
                if share:
                    raise self.syntax_error()
                share = True
            elif c == "-":
                if remove:
                    raise self.syntax_error()
                remove = True
            elif c == "?":
                if ignore:
                    raise self.syntax_error()
                ignore = True
            else:
                break
            elem = elem[1:]
        if not elem or len(elem) > 63:
            raise self.syntax_error()
        if elem.lower() == "default":
            if ignore or remove:
                raise self.syntax_error()
            text = _registry_groups.DEFAULT_GROUP_LIST_35
            # A "*" before DEFAULT is put before the list's first group, as
            # OpenSSL does (which then reads "*?*X25519MLKEM768": an error).
            self._tuples("*" + text if share else text, in_default=True)
            return
        ignore = ignore or in_default
        code = _GROUP_BY_LOWER.get(elem.lower())
        if code is None or code not in _registry_groups.BY_CODE or code in _NOT_COMPUTABLE:
            if ignore:
                return
            if code is None:
                # OpenSSL 3.5 fails an unknown name without an error-queue line.
                raise ConfError(self.option, self.spec)
            # A group OpenSSL knows that sclient cannot compute with: say which.
            raise _unknown_group(self.option, self.spec, elem)
        if remove:
            if code in self.groups:
                self.groups.remove(code)
                if code in self.shares:
                    self.shares.remove(code)
            return
        if code in self.groups:
            return
        self.groups.append(code)
        if share:
            self.shares.append(code)


def offered_groups(
    groups: Sequence[int],
    *,
    seclevel: int = 2,
    min_version: int = TLS1_VERSION,
    max_version: int = TLS1_3_VERSION,
) -> tuple[int, ...]:
    """The groups of ``groups`` the supported_groups extension carries
    (``tls_valid_group`` for the protocol range, ``tls_group_allowed`` for the
    security level), e.g. no ffdhe groups when TLS 1.3 is off, no 80-bit
    curves at level >= 2."""
    minbits = security_level_bits(seclevel) if seclevel > 0 else 0
    out: list[int] = []
    for code in groups:
        info = _GROUPS.get(code)
        if info is None:
            continue
        _, secbits, g_min, g_max = info
        if g_max and min_version > g_max:
            continue
        if g_min and max_version < g_min:
            continue
        if secbits < minbits:
            continue
        out.append(code)
    return tuple(out)


# --- -sigalgs / -client_sigalgs ------------------------------------------------

_RSA, _PSS, _DSA, _EC, _ED25519, _ED448 = "RSA", "RSA-PSS", "DSA", "EC", "ED25519", "ED448"

#: ``sigalg_lookup_tbl`` in OpenSSL 3.0.19's t1_lib.c, in its order:
#: (name or None, code, signature algorithm, hash or None).  Entries without a
#: name can only be given as ``SIG+HASH``; for ``RSA-PSS+SHAxxx`` the first
#: match, the ``rsa_pss_rsae_*`` scheme, wins.
_SIGALGS: tuple[tuple[str | None, int, str, str | None], ...] = (
    ("ecdsa_secp256r1_sha256", 0x0403, _EC, "sha256"),
    ("ecdsa_secp384r1_sha384", 0x0503, _EC, "sha384"),
    ("ecdsa_secp521r1_sha512", 0x0603, _EC, "sha512"),
    ("ed25519", 0x0807, _ED25519, None),
    ("ed448", 0x0808, _ED448, None),
    (None, 0x0303, _EC, "sha224"),
    (None, 0x0203, _EC, "sha1"),
    ("rsa_pss_rsae_sha256", 0x0804, _PSS, "sha256"),
    ("rsa_pss_rsae_sha384", 0x0805, _PSS, "sha384"),
    ("rsa_pss_rsae_sha512", 0x0806, _PSS, "sha512"),
    ("rsa_pss_pss_sha256", 0x0809, _PSS, "sha256"),
    ("rsa_pss_pss_sha384", 0x080A, _PSS, "sha384"),
    ("rsa_pss_pss_sha512", 0x080B, _PSS, "sha512"),
    ("rsa_pkcs1_sha256", 0x0401, _RSA, "sha256"),
    ("rsa_pkcs1_sha384", 0x0501, _RSA, "sha384"),
    ("rsa_pkcs1_sha512", 0x0601, _RSA, "sha512"),
    ("rsa_pkcs1_sha224", 0x0301, _RSA, "sha224"),
    ("rsa_pkcs1_sha1", 0x0201, _RSA, "sha1"),
    (None, 0x0402, _DSA, "sha256"),
    (None, 0x0502, _DSA, "sha384"),
    (None, 0x0602, _DSA, "sha512"),
    (None, 0x0302, _DSA, "sha224"),
    (None, 0x0202, _DSA, "sha1"),
)
_SIGALG_BY_CODE = {entry[1]: entry for entry in _SIGALGS}

#: ``get_sigorhash``: the signature words, then the hash names ``OBJ_sn2nid`` /
#: ``OBJ_ln2nid`` resolve (short name upper case, long name lower case).
_SIG_WORDS = {"RSA": _RSA, "RSA-PSS": _PSS, "PSS": _PSS, "DSA": _DSA, "ECDSA": _EC}
_HASH_WORDS = {
    "SHA1": "sha1",
    "sha1": "sha1",
    "SHA224": "sha224",
    "sha224": "sha224",
    "SHA256": "sha256",
    "sha256": "sha256",
    "SHA384": "sha384",
    "sha384": "sha384",
    "SHA512": "sha512",
    "sha512": "sha512",
    "MD5": "md5",
    "md5": "md5",
}

#: OpenSSL 3.0's default signature algorithm list (``tls12_sigalgs``), before
#: the security level removes the SHA-1 schemes.
DEFAULT_SIGALGS: tuple[int, ...] = (
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080A, 0x080B, 0x0804, 0x0805,
    0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0301, 0x0201, 0x0302, 0x0202,
    0x0402, 0x0502, 0x0602,
)  # fmt: skip


def _one_sigalg(elem: str) -> int | None:
    """``sig_cb`` for one element: the scheme code, or None if OpenSSL fails."""
    if len(elem) > 39:
        return None
    if "+" not in elem:
        for name, code, _, _ in _SIGALGS:
            if name is not None and name == elem:
                return code
        return None
    first, second = elem.split("+", 1)
    if not second:
        return None
    sig: str | None = None
    digest: str | None = None
    for part in (first, second):
        if part in _SIG_WORDS:
            sig = _SIG_WORDS[part]
        else:
            digest = _HASH_WORDS.get(part)
    if sig is None or digest is None:
        return None
    for _, code, s, h in _SIGALGS:
        if s == sig and h == digest:
            return code
    return None


def sigalg_list(spec: str, *, option: str = "-sigalgs") -> tuple[int, ...]:
    """``-sigalgs``/``-client_sigalgs``: signature scheme codes in the order given.

    Each colon-separated element is either a scheme name (``ed25519``,
    ``rsa_pss_pss_sha256``, ``rsa_pkcs1_sha256``, ``ecdsa_secp256r1_sha256`` ...,
    lower case as written; the DSA, ``ecdsa_sha1`` and ``ecdsa_sha224`` schemes
    have no name) or ``SIG+HASH`` in either order with ``SIG`` one of ``RSA``,
    ``RSA-PSS``/``PSS`` (= ``rsa_pss_rsae_*``), ``DSA``, ``ECDSA`` and ``HASH``
    ``SHA256`` or ``sha256`` (likewise SHA1, SHA224, SHA384, SHA512).  Anything
    else, an empty element or a duplicate fails with no error-queue line: the
    :class:`ConfError` holds only the ``Call to SSL_CONF_cmd`` line.
    """
    out: list[int] = []
    for elem in _parse_list(spec):
        code = None if elem is None else _one_sigalg(elem)
        if code is None or code in out:
            raise ConfError(option, spec)
        out.append(code)
    return tuple(out)


def _sigalg_secbits(hash_name: str | None, code: int) -> int:
    """``sigalg_security_bits``: half the digest size; SHA-1 64; EdDSA per RFC 8032."""
    if hash_name is None:
        return 128 if code == 0x0807 else 224
    return {"sha1": 64, "sha224": 112, "sha256": 128, "sha384": 192, "sha512": 256}[hash_name]


def _sigalg_allowed(code: int, seclevel: int, min_version: int) -> bool:
    """``tls12_sigalg_allowed`` for a client."""
    entry = _SIGALG_BY_CODE.get(code)
    if entry is None:
        return False
    _, _, sig, digest = entry
    if min_version >= TLS1_3_VERSION and (sig == _DSA or digest in ("sha1", "sha224")):
        return False
    if seclevel <= 0:
        return True
    return _sigalg_secbits(digest, code) >= security_level_bits(seclevel)


_SUITEB_SIGALGS = {
    SUITEB_128: (0x0403, 0x0503),
    SUITEB_128_ONLY: (0x0403,),
    SUITEB_192: (0x0503,),
}


def offered_sigalgs(
    sigalgs: Sequence[int] | None = None,
    *,
    seclevel: int = 2,
    min_version: int = TLS1_VERSION,
    suiteb: str | None = None,
) -> tuple[int, ...]:
    """The signature_algorithms extension (``tls12_copy_sigalgs``): ``sigalgs``
    (None = OpenSSL's default list) less what the security level refuses
    (level >= 1: SHA-1; >= 2 also SHA-224 ...) and, when TLS 1.3 is the minimum,
    DSA, SHA-1 and SHA-224 schemes.  ``sigalg_list`` results fed through this
    give what s_client sends; the default gives ``sigschemes.DEFAULT_SCHEMES``."""
    if suiteb is not None:
        source: Sequence[int] = _SUITEB_SIGALGS[suiteb]
    else:
        source = DEFAULT_SIGALGS if sigalgs is None else sigalgs
    return tuple(c for c in source if _sigalg_allowed(c, seclevel, min_version))


_AUTH_OF_SIG = {
    _RSA: _ciph.A_RSA,
    _PSS: _ciph.A_RSA,
    _DSA: _ciph.A_DSS,
    _EC: _ciph.A_ECDSA,
    _ED25519: _ciph.A_ECDSA,
    _ED448: _ciph.A_ECDSA,
}


def sigalg_auth_mask(
    sigalgs: Sequence[int] | None = None,
    *,
    seclevel: int = 2,
    min_version: int = TLS1_VERSION,
    suiteb: str | None = None,
) -> int:
    """``ssl_set_sig_mask``: the ``conf_ciph.A_*`` authentications (RSA, DSS,
    ECDSA) none of ``sigalgs`` can serve; the client then offers no suite with
    them (``-sigalgs ECDSA+SHA256`` drops every aRSA and aDSS suite)."""
    disabled = _ciph.A_RSA | _ciph.A_DSS | _ciph.A_ECDSA
    if suiteb is not None:
        source: Sequence[int] = _SUITEB_SIGALGS[suiteb]
    else:
        source = DEFAULT_SIGALGS if sigalgs is None else sigalgs
    for code in source:
        entry = _SIGALG_BY_CODE.get(code)
        if entry is None:
            continue
        amask = _AUTH_OF_SIG[entry[2]]
        if disabled & amask and _sigalg_allowed(code, seclevel, min_version):
            disabled &= ~amask
    return disabled


# --- -min_protocol / -max_protocol -----------------------------------------------

#: ``protocol_from_string`` in ssl_conf.c (exact, case-sensitive).
PROTOCOL_VALUES: dict[str, int | None] = {
    "None": None,
    "SSLv3": SSL3_VERSION,
    "TLSv1": TLS1_VERSION,
    "TLSv1.1": TLS1_1_VERSION,
    "TLSv1.2": TLS1_2_VERSION,
    "TLSv1.3": TLS1_3_VERSION,
    "DTLSv1": DTLS1_VERSION,
    "DTLSv1.2": DTLS1_2_VERSION,
}


def protocol_version(option: str, value: str, *, current: int | None = None) -> int | None:
    """``-min_protocol``/``-max_protocol``: the bound after the command.

    ``None`` means no bound (the value ``None``).  The DTLS names are valid but
    ignored by s_client's TLS method, which keeps its bound: they return
    ``current``.  Any other value raises :class:`ConfError` (no error-queue line).
    """
    if value not in PROTOCOL_VALUES:
        raise ConfError(option, value)
    if value.startswith("DTLS"):
        return current
    return PROTOCOL_VALUES[value]


# --- -record_padding ---------------------------------------------------------------

#: ``SSL3_RT_MAX_PLAIN_LENGTH``: the largest block ``SSL_CTX_set_block_padding`` takes.
_MAX_BLOCK_PADDING = 16384


def record_padding(value: str, *, option: str = "-record_padding") -> int:
    """``-record_padding``: the TLS 1.3 record padding block, by ``atoi``; 1
    means none (0).  A negative size or one above 16384 raises
    :class:`ConfError` (no error-queue line)."""
    import re

    m = re.match(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", value)
    size = 0
    if m is not None:
        size = max(min(int(m.group(1)), 2**63 - 1), -(2**63))  # strtol's clamp
        size = (size & 0xFFFFFFFF) - ((size & 0x80000000) << 1)  # as a C int
    if size < 0 or size > _MAX_BLOCK_PADDING:
        raise ConfError(option, value)
    return 0 if size == 1 else size


def parse_protocol_list(s: str) -> list[bytes] | None:
    """OpenSSL's ``next_protos_parse`` for ``-alpn``/``-nextprotoneg``: the names, or ``None``.

    Comma-separated; empty elements are skipped (3.0.19 behaviour: ``a,,b`` is fine); ``None``
    (OpenSSL: ``Error parsing -alpn argument``) for an empty string, a string of 65535 bytes or
    more, an element longer than 255 bytes, or nothing left after skipping empty elements.
    """
    data = os.fsencode(s)
    if len(data) == 0 or len(data) >= 65535:
        return None
    names = []
    for part in data.split(b","):
        if not part:
            continue
        if len(part) > 255:
            return None
        names.append(part)
    return names or None
