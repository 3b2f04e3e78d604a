"""The TLS <= 1.2 cipher-string language (``-cipher``) as OpenSSL 3.0.19 evaluates it.

A port of the behaviour of ``ssl/ssl_ciph.c`` (``ssl_create_cipher_list``,
``ssl_cipher_process_rulestr``, ``ssl_cipher_apply_rule``,
``ssl_cipher_strength_sort``) and of the filters ``SSL_get1_supported_ciphers``
applies before the ClientHello (``ssl_set_client_disabled``,
``ssl_cipher_disabled``, the default security callback).

OpenSSL's algorithm masks, strength classes and internal table order are not
columns of :mod:`sclient.tls.registry.suites`; they are derived here from the
``kx``/``au``/``enc``/``bits``/``mac``/``version`` columns, and the table order
(``ssl3_ciphers[]`` in ``ssl/s3_lib.c``, walked backwards by
``ssl3_get_cipher``) is the one tuple of codes this module keeps.

What is observable and was checked against the real ``openssl`` binary:

* aliases and cipher names are matched case-sensitively and exactly; IANA
  names are *not* accepted by 3.0's ``-cipher``; unknown words are ignored;
* ``DEFAULT`` is only special as the first word (``DEFAULT`` expands to
  ``ALL:!COMPLEMENTOFDEFAULT:!eNULL``); ``SUITEB128``/``SUITEB128ONLY``/
  ``SUITEB128C2``/``SUITEB192`` as a prefix replace the whole string;
* ``openssl ciphers -V`` lists everything the string selects, whatever the
  security level; the ClientHello (and ``openssl ciphers -s``) drops PSK and
  SRP suites unless a PSK/SRP callback is set, and every suite the security
  level refuses (level >= 1: fewer strength bits than 80/112/128/192/256,
  anonymous suites; level >= 4: SHA-1 MACs; level >= 3: no forward secrecy).
"""

from __future__ import annotations

from functools import cache

from sclient.base.structs import Struct
from sclient.tls.conf_error import ConfError, queue_line
from sclient.tls.policy import security_level_bits
from sclient.tls.registry import protocol as P

# --- OpenSSL's algorithm bits (ssl/ssl_local.h) --------------------------------

# key exchange (algorithm_mkey)
K_RSA = 0x001
K_DHE = 0x002
K_ECDHE = 0x004
K_PSK = 0x008
K_GOST = 0x010
K_SRP = 0x020
K_RSAPSK = 0x040
K_ECDHEPSK = 0x080
K_DHEPSK = 0x100
K_ANY_PSK = K_PSK | K_RSAPSK | K_ECDHEPSK | K_DHEPSK

# authentication (algorithm_auth)
A_RSA = 0x01
A_DSS = 0x02
A_NULL = 0x04
A_ECDSA = 0x08
A_PSK = 0x10
A_GOST01 = 0x20
A_SRP = 0x40
A_GOST12 = 0x80

# symmetric encryption (algorithm_enc)
E_DES = 0x000001
E_3DES = 0x000002
E_RC4 = 0x000004
E_RC2 = 0x000008
E_IDEA = 0x000010
E_NULL = 0x000020
E_AES128 = 0x000040
E_AES256 = 0x000080
E_CAMELLIA128 = 0x000100
E_CAMELLIA256 = 0x000200
E_GOST89 = 0x000400
E_SEED = 0x000800
E_AES128GCM = 0x001000
E_AES256GCM = 0x002000
E_AES128CCM = 0x004000
E_AES256CCM = 0x008000
E_AES128CCM8 = 0x010000
E_AES256CCM8 = 0x020000
E_GOST8912 = 0x040000
E_CHACHA20POLY1305 = 0x080000
E_ARIA128GCM = 0x100000
E_ARIA256GCM = 0x200000
E_AESGCM = E_AES128GCM | E_AES256GCM
E_AESCCM = E_AES128CCM | E_AES256CCM | E_AES128CCM8 | E_AES256CCM8
E_AES = E_AES128 | E_AES256 | E_AESGCM | E_AESCCM
E_CAMELLIA = E_CAMELLIA128 | E_CAMELLIA256
E_ARIAGCM = E_ARIA128GCM | E_ARIA256GCM
E_CBC = (
    E_DES | E_3DES | E_RC2 | E_IDEA | E_AES128 | E_AES256 | E_CAMELLIA128 | E_CAMELLIA256 | E_SEED
)

# MAC (algorithm_mac)
M_MD5 = 0x01
M_SHA1 = 0x02
M_SHA256 = 0x10
M_SHA384 = 0x20
M_AEAD = 0x40

# algo_strength
S_STRONG_NONE = 0x01
S_LOW = 0x02
S_MEDIUM = 0x04
S_HIGH = 0x08
S_FIPS = 0x10
S_NOT_DEFAULT = 0x20
S_STRONG_MASK = 0x1F
S_DEFAULT_MASK = 0x20

_ALL32 = 0xFFFFFFFF

# OpenSSL's names (ssl.h) for the protocol registry's versions.
SSL3_VERSION = P.SSL3
TLS1_VERSION = P.TLS1_0
TLS1_1_VERSION = P.TLS1_1
TLS1_2_VERSION = P.TLS1_2
TLS1_3_VERSION = P.TLS1_3

#: ``OSSL_default_cipher_list()`` in 3.0.
DEFAULT_RULE = "ALL:!COMPLEMENTOFDEFAULT:!eNULL"

# --- the registry columns mapped to OpenSSL's masks ----------------------------

_KX = {
    "RSA": K_RSA,
    "DH": K_DHE,
    "ECDH": K_ECDHE,
    "PSK": K_PSK,
    "RSAPSK": K_RSAPSK,
    "ECDHEPSK": K_ECDHEPSK,
    "DHEPSK": K_DHEPSK,
    "SRP": K_SRP,
}
_AU = {"RSA": A_RSA, "DSS": A_DSS, "None": A_NULL, "ECDSA": A_ECDSA, "PSK": A_PSK, "SRP": A_SRP}
_ENC = {
    ("None", 0): E_NULL,
    ("AES", 128): E_AES128,
    ("AES", 256): E_AES256,
    ("AESGCM", 128): E_AES128GCM,
    ("AESGCM", 256): E_AES256GCM,
    ("AESCCM", 128): E_AES128CCM,
    ("AESCCM", 256): E_AES256CCM,
    ("AESCCM8", 128): E_AES128CCM8,
    ("AESCCM8", 256): E_AES256CCM8,
    ("Camellia", 128): E_CAMELLIA128,
    ("Camellia", 256): E_CAMELLIA256,
    ("CHACHA20/POLY1305", 256): E_CHACHA20POLY1305,
    ("ARIAGCM", 128): E_ARIA128GCM,
    ("ARIAGCM", 256): E_ARIA256GCM,
}
_MAC = {"MD5": M_MD5, "SHA1": M_SHA1, "SHA256": M_SHA256, "SHA384": M_SHA384, "AEAD": M_AEAD}
_MIN_TLS = {"SSLv3": SSL3_VERSION, "TLSv1.0": TLS1_VERSION, "TLSv1.2": TLS1_2_VERSION}

#: ``ssl3_ciphers[]`` order in OpenSSL 3.0's ``ssl/s3_lib.c`` (entries this build
#: lacks -- 3DES, RC4, IDEA, SEED, GOST -- left out).  ``ssl3_get_cipher(i)``
#: returns the table backwards, so the initial list is this order reversed; it
#: decides ties in OpenSSL's preference sort (e.g. RSA-PSK before DHE-PSK).
#: The SRP block precedes the ECDHE-PSK block, as the 3.0.19 binary's output
#: (``openssl ciphers -V ALL``: ECDHE-PSK-AES256-CBC-SHA before SRP-AES-256-CBC-SHA)
#: shows.
OPENSSL_TABLE_ORDER: tuple[int, ...] = (
    0x0001, 0x0002, 0x002F, 0x0032, 0x0033, 0x0034, 0x0035, 0x0038, 0x0039, 0x003A,
    0x003B, 0x003C, 0x003D, 0x0040, 0x0067, 0x006A, 0x006B, 0x006C, 0x006D,
    0x009C, 0x009D, 0x009E, 0x009F, 0x00A2, 0x00A3, 0x00A6, 0x00A7,
    0xC09C, 0xC09D, 0xC09E, 0xC09F, 0xC0A0, 0xC0A1, 0xC0A2, 0xC0A3,
    0xC0A4, 0xC0A5, 0xC0A6, 0xC0A7, 0xC0A8, 0xC0A9, 0xC0AA, 0xC0AB,
    0xC0AC, 0xC0AD, 0xC0AE, 0xC0AF,
    0xC006, 0xC009, 0xC00A, 0xC010, 0xC013, 0xC014, 0xC015, 0xC018, 0xC019,
    0xC023, 0xC024, 0xC027, 0xC028, 0xC02B, 0xC02C, 0xC02F, 0xC030,
    0x002C, 0x002D, 0x002E, 0x008C, 0x008D, 0x0090, 0x0091, 0x0094, 0x0095,
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF, 0x00B0, 0x00B1,
    0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, 0x00B8, 0x00B9,
    0xC01D, 0xC01E, 0xC01F, 0xC020, 0xC021, 0xC022,
    0xC035, 0xC036, 0xC037, 0xC038, 0xC039, 0xC03A, 0xC03B,
    0xCCAA, 0xCCA8, 0xCCA9, 0xCCAB, 0xCCAC, 0xCCAD, 0xCCAE,
    0x00BA, 0x00BD, 0x00BE, 0x00BF, 0x00C0, 0x00C3, 0x00C4, 0x00C5,
    0x0084, 0x0087, 0x0088, 0x0089, 0x0041, 0x0044, 0x0045, 0x0046,
    0xC072, 0xC073, 0xC076, 0xC077, 0xC094, 0xC095, 0xC096, 0xC097,
    0xC098, 0xC099, 0xC09A, 0xC09B,
    0xC050, 0xC051, 0xC052, 0xC053, 0xC056, 0xC057, 0xC05C, 0xC05D,
    0xC060, 0xC061, 0xC06A, 0xC06B, 0xC06C, 0xC06D, 0xC06E, 0xC06F,
)  # fmt: skip


class Cipher(Struct, frozen=True, slots=True):
    """One TLS <= 1.2 suite as ``ssl_ciph.c`` sees it (an ``SSL_CIPHER``)."""

    code: int
    name: str
    mkey: int
    auth: int
    enc: int
    mac: int
    min_tls: int
    strength: int  # algo_strength
    bits: int  # strength_bits


def _algo_strength(kx: str, au: str, enc: str, mac: str) -> int:
    """HIGH/STRONG_NONE, FIPS and NOT_DEFAULT as ``s3_lib.c`` assigns them."""
    if enc == "None":
        # NULL ciphers are STRONG_NONE; all but NULL-MD5 carry FIPS; none is NOT_DEFAULT.
        return S_STRONG_NONE | (S_FIPS if mac != "MD5" else 0)
    value = S_HIGH
    if enc in ("AES", "AESGCM") and kx != "SRP":
        value |= S_FIPS
    if au in ("DSS", "None") or enc in ("AESCCM", "AESCCM8", "Camellia", "ARIAGCM"):
        value |= S_NOT_DEFAULT
    return value


@cache
def ciphers() -> tuple[Cipher, ...]:
    """The TLS <= 1.2 suites in OpenSSL's initial list order (table reversed)."""
    from sclient.tls.registry import suites

    rank = {code: i for i, code in enumerate(OPENSSL_TABLE_ORDER)}
    out: list[Cipher] = []
    for s in suites.SUITES:
        if s.tls13:
            continue
        out.append(
            Cipher(
                code=s.code,
                name=s.openssl,
                mkey=_KX[s.kx],
                auth=_AU[s.au],
                enc=_ENC[(s.enc, s.bits)],
                mac=_MAC[s.mac],
                min_tls=_MIN_TLS[s.version],
                strength=_algo_strength(s.kx, s.au, s.enc, s.mac),
                bits=s.bits,
            )
        )
    # Suites OpenSSL's table lacks would not exist there; keep them last (never seen).
    out.sort(key=lambda c: -rank.get(c.code, -1))
    return tuple(out)


# --- aliases (cipher_aliases[] in ssl_ciph.c) ----------------------------------


class _Alias(Struct, frozen=True, slots=True):
    name: str
    mkey: int = 0
    auth: int = 0
    enc: int = 0
    mac: int = 0
    min_tls: int = 0
    strength: int = 0


# Aliases whose algorithms this build lacks entirely (GOST, RC4, RC2, IDEA, SEED,
# DES) are left out of OpenSSL's lookup list (``ssl_cipher_collect_aliases``),
# so those words are simply unknown; 3DES exists but no 3DES suite is built,
# so ``3DES`` (and the ``EDH-*-DES-CBC3-SHA`` aliases) select nothing either.
# (Made on first use: a run given no cipher string never reads them, and
# seventy records made at import would cost it some 2 M instructions.)
@cache
def _aliases() -> tuple[_Alias, ...]:
    return (
        _Alias("ALL", enc=_ALL32 & ~E_NULL),
        _Alias("COMPLEMENTOFALL", enc=E_NULL),
        _Alias("COMPLEMENTOFDEFAULT", strength=S_NOT_DEFAULT),
        _Alias("kRSA", mkey=K_RSA),
        _Alias("kEDH", mkey=K_DHE),
        _Alias("kDHE", mkey=K_DHE),
        _Alias("DH", mkey=K_DHE),
        _Alias("kEECDH", mkey=K_ECDHE),
        _Alias("kECDHE", mkey=K_ECDHE),
        _Alias("ECDH", mkey=K_ECDHE),
        _Alias("kPSK", mkey=K_PSK),
        _Alias("kRSAPSK", mkey=K_RSAPSK),
        _Alias("kECDHEPSK", mkey=K_ECDHEPSK),
        _Alias("kDHEPSK", mkey=K_DHEPSK),
        _Alias("kSRP", mkey=K_SRP),
        _Alias("aRSA", auth=A_RSA),
        _Alias("aDSS", auth=A_DSS),
        _Alias("DSS", auth=A_DSS),
        _Alias("aNULL", auth=A_NULL),
        _Alias("aECDSA", auth=A_ECDSA),
        _Alias("ECDSA", auth=A_ECDSA),
        _Alias("aPSK", auth=A_PSK),
        _Alias("aSRP", auth=A_SRP),
        _Alias("EDH", mkey=K_DHE, auth=_ALL32 & ~A_NULL),
        _Alias("DHE", mkey=K_DHE, auth=_ALL32 & ~A_NULL),
        _Alias("EECDH", mkey=K_ECDHE, auth=_ALL32 & ~A_NULL),
        _Alias("ECDHE", mkey=K_ECDHE, auth=_ALL32 & ~A_NULL),
        _Alias("NULL", enc=E_NULL),
        _Alias("RSA", mkey=K_RSA, auth=A_RSA),
        _Alias("ADH", mkey=K_DHE, auth=A_NULL),
        _Alias("AECDH", mkey=K_ECDHE, auth=A_NULL),
        _Alias("PSK", mkey=K_ANY_PSK),
        _Alias("SRP", mkey=K_SRP),
        _Alias("3DES", enc=E_3DES),
        _Alias("eNULL", enc=E_NULL),
        _Alias("AES128", enc=E_AES128 | E_AES128GCM | E_AES128CCM | E_AES128CCM8),
        _Alias("AES256", enc=E_AES256 | E_AES256GCM | E_AES256CCM | E_AES256CCM8),
        _Alias("AES", enc=E_AES),
        _Alias("AESGCM", enc=E_AESGCM),
        _Alias("AESCCM", enc=E_AESCCM),
        _Alias("AESCCM8", enc=E_AES128CCM8 | E_AES256CCM8),
        _Alias("CAMELLIA128", enc=E_CAMELLIA128),
        _Alias("CAMELLIA256", enc=E_CAMELLIA256),
        _Alias("CAMELLIA", enc=E_CAMELLIA),
        _Alias("CHACHA20", enc=E_CHACHA20POLY1305),
        _Alias("ARIA", enc=E_ARIAGCM),
        _Alias("ARIAGCM", enc=E_ARIAGCM),
        _Alias("ARIA128", enc=E_ARIA128GCM),
        _Alias("ARIA256", enc=E_ARIA256GCM),
        _Alias("CBC", enc=E_CBC),
        _Alias("MD5", mac=M_MD5),
        _Alias("SHA1", mac=M_SHA1),
        _Alias("SHA", mac=M_SHA1),
        _Alias("SHA256", mac=M_SHA256),
        _Alias("SHA384", mac=M_SHA384),
        _Alias("SSLv3", min_tls=SSL3_VERSION),
        _Alias("TLSv1", min_tls=TLS1_VERSION),
        _Alias("TLSv1.0", min_tls=TLS1_VERSION),
        _Alias("TLSv1.2", min_tls=TLS1_2_VERSION),
        _Alias("LOW", strength=S_LOW),
        _Alias("MEDIUM", strength=S_MEDIUM),
        _Alias("HIGH", strength=S_HIGH),
        _Alias("FIPS", enc=_ALL32 & ~E_NULL, strength=S_FIPS),
        _Alias("EDH-DSS-DES-CBC3-SHA", mkey=K_DHE, auth=A_DSS, enc=E_3DES, mac=M_SHA1,
               strength=S_HIGH | S_FIPS),
        _Alias("EDH-RSA-DES-CBC3-SHA", mkey=K_DHE, auth=A_RSA, enc=E_3DES, mac=M_SHA1,
               strength=S_HIGH | S_FIPS),
    )  # fmt: skip


# --- the ordered list with active flags (CIPHER_ORDER) -------------------------

_ADD, _KILL, _DEL, _ORD, _SPECIAL, _BUMP = 1, 2, 3, 4, 5, 6


class _Rule(Struct, slots=True):
    cipher_id: int = 0
    mkey: int = 0
    auth: int = 0
    enc: int = 0
    mac: int = 0
    min_tls: int = 0
    strength: int = 0

    def matches(self, c: Cipher) -> bool:
        if self.cipher_id and self.cipher_id != c.code:
            return False
        if self.mkey and not self.mkey & c.mkey:
            return False
        if self.auth and not self.auth & c.auth:
            return False
        if self.enc and not self.enc & c.enc:
            return False
        if self.mac and not self.mac & c.mac:
            return False
        if self.min_tls and self.min_tls != c.min_tls:
            return False
        if self.strength & S_STRONG_MASK and not self.strength & S_STRONG_MASK & c.strength:
            return False
        return not (
            self.strength & S_DEFAULT_MASK and not self.strength & S_DEFAULT_MASK & c.strength
        )


class _List:
    """OpenSSL's doubly linked ``CIPHER_ORDER`` list, as a Python list plus flags."""

    def __init__(self, items: tuple[Cipher, ...]) -> None:
        self.order: list[Cipher] = list(items)
        self.active: dict[int, bool] = {c.code: False for c in items}

    def apply(self, rule: _Rule, op: int, bits: int = -1) -> None:
        """``ssl_cipher_apply_rule``: every operation is a stable partition."""

        def hit(c: Cipher) -> bool:
            return c.bits == bits if bits >= 0 else rule.matches(c)

        act = self.active
        moved: list[Cipher] = []
        kept: list[Cipher] = []
        for c in self.order:
            if not hit(c):
                kept.append(c)
            elif op == _ADD:
                (kept if act[c.code] else moved).append(c)
                act[c.code] = True
            elif op == _ORD:
                (moved if act[c.code] else kept).append(c)
            elif op == _DEL:
                (moved if act[c.code] else kept).append(c)
                act[c.code] = False
            elif op == _BUMP:
                (moved if act[c.code] else kept).append(c)
            elif op == _KILL:
                act[c.code] = False  # unlinked: gone for good
        if op in (_DEL, _BUMP):  # walked tail to head, each moved to the head
            self.order = moved + kept
        else:  # walked head to tail, each moved to the tail
            self.order = kept + moved

    def strength_sort(self) -> None:
        """``ssl_cipher_strength_sort``: active suites by descending strength bits."""
        used = sorted({c.bits for c in self.order if self.active[c.code]}, reverse=True)
        for bits in used:
            self.apply(_Rule(), _ORD, bits)

    def selected(self) -> tuple[int, ...]:
        return tuple(c.code for c in self.order if self.active[c.code])


@cache
def _preference_order() -> tuple[Cipher, ...]:
    """The list ``ssl_create_cipher_list`` builds before reading the rule string."""
    lst = _List(ciphers())
    R = _Rule
    lst.apply(R(mkey=K_ECDHE, auth=A_ECDSA), _ADD)
    lst.apply(R(mkey=K_ECDHE), _ADD)
    lst.apply(R(mkey=K_ECDHE), _DEL)
    lst.apply(R(enc=E_AESGCM), _ADD)
    lst.apply(R(enc=E_CHACHA20POLY1305), _ADD)
    lst.apply(R(enc=E_AES ^ E_AESGCM), _ADD)
    lst.apply(R(), _ADD)
    lst.apply(R(mac=M_MD5), _ORD)
    lst.apply(R(auth=A_NULL), _ORD)
    lst.apply(R(mkey=K_RSA), _ORD)
    lst.apply(R(mkey=K_PSK), _ORD)
    lst.apply(R(enc=E_RC4), _ORD)
    lst.strength_sort()
    lst.apply(R(min_tls=TLS1_2_VERSION), _BUMP)
    lst.apply(R(mac=M_AEAD), _BUMP)
    lst.apply(R(mkey=K_DHE | K_ECDHE), _BUMP)
    lst.apply(R(mkey=K_DHE | K_ECDHE, mac=M_AEAD), _BUMP)
    lst.apply(R(), _DEL)
    return tuple(lst.order)


# --- the rule string (ssl_cipher_process_rulestr) ------------------------------

_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=")
_SEP = frozenset(":;, ")

_E_INVALID = 0x0A000118
_FUNC = "ssl_cipher_process_rulestr"
_FILE = "../ssl/ssl_ciph.c"
#: Source lines of the three ``SSL_R_INVALID_COMMAND`` raises in 3.0.19.
LINE_NOT_A_WORD = 1054
LINE_BAD_SECLEVEL = 1205
LINE_BAD_SPECIAL = 1211


def _invalid(line: int) -> str:
    return queue_line(_E_INVALID, _FUNC, "invalid command", _FILE, line)


@cache
def _lookup() -> dict[str, tuple[_Alias, int]]:
    """name -> (masks, cipher id or 0): the cipher names first, then the aliases."""
    table: dict[str, tuple[_Alias, int]] = {}
    for c in ciphers():
        masks = _Alias(c.name, c.mkey, c.auth, c.enc, c.mac, c.min_tls, c.strength)
        table.setdefault(c.name, (masks, c.code))
    for a in _aliases():
        table.setdefault(a.name, (a, 0))
    return table


def _process(rule_str: str, lst: _List, state: _State) -> bool:
    """One pass of ``ssl_cipher_process_rulestr``; False after an invalid command."""
    s = rule_str + "\0"
    lookup = _lookup()
    retval = True
    i = 0
    while True:
        ch = s[i]
        if ch == "\0":
            break
        if ch == "-":
            op = _DEL
            i += 1
        elif ch == "+":
            op = _ORD
            i += 1
        elif ch == "!":
            op = _KILL
            i += 1
        elif ch == "@":
            op = _SPECIAL
            i += 1
        else:
            op = _ADD
        if ch in _SEP:
            i += 1
            continue

        rule = _Rule()
        found = False
        word = ""
        while True:
            start = i
            while s[i] in _WORD:
                i += 1
            word = s[start:i]
            if not word:
                state.errors.append(_invalid(LINE_NOT_A_WORD))
                return False
            if op == _SPECIAL:
                break
            multi = s[i] == "+"
            if multi:
                i += 1
            entry = lookup.get(word)
            found = entry is not None
            if entry is None:
                break
            alias, cid = entry
            found = _combine(rule, alias, cid)
            if not found or not multi:
                break

        if op == _SPECIAL:
            if len(word) == 8 and word == "STRENGTH":
                lst.strength_sort()
            elif len(word) == 10 and word.startswith("SECLEVEL="):
                level = ord(word[9]) - ord("0")
                if 0 <= level <= 5:
                    state.seclevel = level
                else:
                    state.errors.append(_invalid(LINE_BAD_SECLEVEL))
                    retval = False
            else:
                state.errors.append(_invalid(LINE_BAD_SPECIAL))
                retval = False
            while s[i] != "\0" and s[i] not in _SEP:
                i += 1
        elif found:
            lst.apply(rule, op)
        else:
            while s[i] != "\0" and s[i] not in _SEP:
                i += 1
        if s[i] == "\0":
            break
    return retval


def _combine(rule: _Rule, a: _Alias, cipher_id: int) -> bool:
    """AND one word of a ``+`` combination into ``rule``; False if it became empty."""
    for attr in ("mkey", "auth", "enc", "mac"):
        bits: int = getattr(a, attr)
        if bits:
            current: int = getattr(rule, attr)
            combined = current & bits if current else bits
            setattr(rule, attr, combined)
            if not combined:
                return False
    if a.strength & S_STRONG_MASK:
        if rule.strength & S_STRONG_MASK:
            rule.strength &= (a.strength & S_STRONG_MASK) | ~S_STRONG_MASK
            if not rule.strength & S_STRONG_MASK:
                return False
        else:
            rule.strength = a.strength & S_STRONG_MASK
    if a.strength & S_DEFAULT_MASK:
        if rule.strength & S_DEFAULT_MASK:
            rule.strength &= (a.strength & S_DEFAULT_MASK) | ~S_DEFAULT_MASK
            if not rule.strength & S_DEFAULT_MASK:
                return False
        else:
            rule.strength |= a.strength & S_DEFAULT_MASK
    if cipher_id:
        # An explicit suite: its protocol version is not part of the pattern.
        rule.cipher_id = cipher_id
    elif a.min_tls:
        if rule.min_tls and rule.min_tls != a.min_tls:
            return False
        rule.min_tls = a.min_tls
    return True


class _State(Struct, slots=True):
    seclevel: int
    errors: list[str]


# --- results -------------------------------------------------------------------

SUITEB_128 = "SUITEB128"
SUITEB_128_ONLY = "SUITEB128ONLY"
SUITEB_192 = "SUITEB192"


class CipherSelection(Struct, frozen=True, slots=True):
    """What ``SSL_CTX_set_cipher_list`` leaves in the context.

    ``suites`` is the TLS <= 1.2 part of ``SSL_get_ciphers`` (what
    ``openssl ciphers -V`` prints after the TLS 1.3 suites), ``seclevel`` the
    security level after any ``@SECLEVEL=n``, ``suiteb`` the Suite B mode a
    ``SUITEB...`` prefix switched on (it also restricts groups and sigalgs).
    """

    suites: tuple[int, ...]
    seclevel: int
    suiteb: str | None = None


_SUITEB = (
    ("SUITEB128ONLY", SUITEB_128_ONLY, "ECDHE-ECDSA-AES128-GCM-SHA256"),
    ("SUITEB128C2", SUITEB_128, "ECDHE-ECDSA-AES256-GCM-SHA384"),
    ("SUITEB128", SUITEB_128, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384"),
    ("SUITEB192", SUITEB_192, "ECDHE-ECDSA-AES256-GCM-SHA384"),
)

_E_NO_MATCH = 0x0A0000B9
#: ``SSL_CTX_set_cipher_list``'s ``SSL_R_NO_CIPHER_MATCH`` raise in 3.0.19's ssl_lib.c.
LINE_SET_CIPHER_LIST = 2741


def select(spec: str, *, seclevel: int = 2, option: str = "-cipher") -> CipherSelection:
    """Evaluate a ``-cipher`` string as ``SSL_CTX_set_cipher_list`` does.

    Raises :class:`ConfError` with OpenSSL's error lines for an invalid command
    (``@FOO``, ``@SECLEVEL=9``, an operator or ``+`` not followed by a word) or
    when no TLS <= 1.2 suite is selected ("no cipher match").
    """
    suiteb: str | None = None
    rule_str = spec
    for prefix, mode, replacement in _SUITEB:
        if spec.startswith(prefix):
            suiteb, rule_str = mode, replacement
            break
    lst = _List(_preference_order())
    state = _State(seclevel, [])
    ok = True
    rest = rule_str
    if rule_str.startswith("DEFAULT"):
        ok = _process(DEFAULT_RULE, lst, state)
        rest = rule_str[7:]
        if rest.startswith(":"):
            rest = rest[1:]
    if ok and rest:
        ok = _process(rest, lst, state)
    if not ok:
        raise ConfError(option, spec, state.errors)
    chosen = lst.selected()
    if not chosen:
        raise ConfError(
            option,
            spec,
            [
                queue_line(
                    _E_NO_MATCH,
                    "SSL_CTX_set_cipher_list",
                    "no cipher match",
                    "../ssl/ssl_lib.c",
                    LINE_SET_CIPHER_LIST,
                )
            ],
        )
    return CipherSelection(chosen, state.seclevel, suiteb)


# --- what the ClientHello offers (SSL_get1_supported_ciphers) ------------------


def _secure(c: Cipher, level: int) -> bool:
    """The default security callback for ``SSL_SECOP_CIPHER_SUPPORTED``."""
    if level <= 0:
        return True
    minbits = security_level_bits(level)
    if c.bits < minbits:
        return False
    if c.auth & A_NULL:
        return False
    if c.mac & M_MD5:
        return False
    if minbits > 160 and c.mac & M_SHA1:
        return False
    pfs = K_DHE | K_ECDHE | K_DHEPSK | K_ECDHEPSK
    return not (level >= 3 and not c.mkey & pfs)


@cache
def _by_code() -> dict[int, Cipher]:
    return {c.code: c for c in ciphers()}


def supported(
    suites: tuple[int, ...],
    *,
    seclevel: int = 2,
    psk: bool = False,
    srp: bool = False,
    min_version: int = TLS1_VERSION,
    max_version: int = TLS1_3_VERSION,
    auth_disabled: int = 0,
) -> tuple[int, ...]:
    """The suites of ``suites`` a client offers (``ssl_cipher_disabled`` == 0).

    ``psk``/``srp``: a PSK client callback (``-psk``) / SRP user (``-srpuser``)
    is configured; without one those suites are dropped.  ``min_version`` /
    ``max_version`` are the enabled protocol range (0 = unbounded);
    ``auth_disabled`` is an ``A_*`` mask of authentications no configured
    signature algorithm can serve (``ssl_set_sig_mask``, see
    :func:`sigalg_auth_mask`).
    """
    mask_k = 0 if psk else K_ANY_PSK
    mask_a = auth_disabled | (0 if psk else A_PSK)
    if not srp:
        mask_k |= K_SRP
        mask_a |= A_SRP
    lo = min_version or SSL3_VERSION
    hi = max_version or TLS1_3_VERSION
    table = _by_code()
    out: list[int] = []
    for code in suites:
        c = table.get(code)
        if c is None:
            continue
        if c.mkey & mask_k or c.auth & mask_a:
            continue
        if c.min_tls > hi or lo > TLS1_2_VERSION:
            continue
        if not _secure(c, seclevel):
            continue
        out.append(code)
    return tuple(out)
