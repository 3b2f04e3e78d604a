"""Verification scenarios shared by the unit tests and the differential tests.

Each :class:`Scenario` says what the server sends, what the client trusts,
which s_client options are in play (and their equivalent verifier/callback
settings), and the callback calls we expect as ``(depth, error, ok)`` where
``error`` is the error *reported* by an ``ok=0`` call (0 for ``ok=1`` calls).
"""

from __future__ import annotations

import dataclasses
import functools
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pki
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier
from pki import Cert, Pki, Role, build, key_usage

from sclient.base import der
from sclient.x509 import names
from sclient.x509.asn1time import Asn1Time
from sclient.x509.callback import CallbackOptions
from sclient.x509.verify import VerifyParams

NOW = float(int(time.time()))
DAY = 86400


@dataclass
class Scenario:
    name: str
    make: Callable[
        [], tuple[Pki, list[Cert], list[bytes]]
    ]  # (pki, sent after leaf, CAfile PEM blocks)
    expect: list[tuple[int, int, int]]  # (depth, error, ok) per callback call
    final: int  # Verify return code
    client_args: tuple[str, ...] = ()
    params: VerifyParams = field(default_factory=lambda: VerifyParams(auth_level=2))
    opts: CallbackOptions = field(default_factory=CallbackOptions)
    no_ca: bool = False  # run s_client with -no-CAfile -no-CApath -no-CAstore

    def build(self) -> tuple[Pki, list[Cert], list[bytes]]:
        return _built(self.name)


_REGISTRY: dict[str, Scenario] = {}


@functools.cache
def _built(name: str) -> tuple[Pki, list[Cert], list[bytes]]:
    return _REGISTRY[name].make()


def _std(**kw: object) -> Pki:
    return build(now=NOW, **kw)  # type: ignore[arg-type]


@functools.cache
def P() -> Pki:
    return _std()


def _chain(p: Pki) -> tuple[Pki, list[Cert], list[bytes]]:
    return p, [p.inter], [p.root.pem]


def _tv(t: float) -> bytes:
    a = Asn1Time.from_posix(int(t))
    return der.encode(a.type, a.text)


def _T(tag: int, s: str) -> bytes:
    return der.encode(tag, s.encode())


def _leaf_validity(nb: bytes, na: bytes) -> Cert:
    p = P()
    base = pki.make(
        pki.LEAF_NAME,
        issuer=p.inter,
        not_before=NOW - DAY,
        not_after=NOW + DAY,
        ca=False,
        slot="tleaf",
    )
    return pki.resign(base, p.inter.key, "sha256", replace={4: der.encode(der.SEQUENCE, nb + na)})


def trusted_pem(c: Cert, *args: str) -> bytes:
    """``openssl x509 -trustout`` (TRUSTED CERTIFICATE with aux trust settings)."""
    r = subprocess.run(
        ["openssl", "x509", "-trustout", *args],
        input=c.pem,
        capture_output=True,
        check=True,
        timeout=20,
    )
    return r.stdout


CA_KU = key_usage("key_cert_sign", "crl_sign")
OK3 = [(2, 0, 1), (1, 0, 1), (0, 0, 1)]


def _add(s: Scenario) -> None:
    assert s.name not in _REGISTRY
    _REGISTRY[s.name] = s


def _sc(
    name: str,
    make: Callable[[], tuple[Pki, list[Cert], list[bytes]]],
    expect: list[tuple[int, int, int]],
    final: int,
    **kw: object,
) -> None:
    _add(Scenario(name, make, expect, final, **kw))  # type: ignore[arg-type]


# --- chain building ---------------------------------------------------------------------------
_sc("trusted", lambda: _chain(P()), OK3, 0)
_sc("no-ca", lambda: (P(), [P().inter], []), [(1, 20, 0), (0, 0, 1)], 20, no_ca=True)
_sc("leaf-only-no-ca", lambda: (P(), [], []), [(0, 20, 0), (0, 21, 0), (0, 0, 1)], 21, no_ca=True)
_sc(
    "leaf-only-root-trusted",
    lambda: (P(), [], [P().root.pem]),
    [(0, 20, 0), (0, 21, 0), (0, 0, 1)],
    21,
)
_sc("inter-in-store", lambda: (P(), [], [P().inter.pem]), [(1, 2, 0), (0, 0, 1)], 2)
_sc(
    "inter-in-store-and-sent",
    lambda: (P(), [P().inter], [P().inter.pem]),
    [(1, 2, 0), (0, 0, 1)],
    2,
)
_sc(
    "self-signed-leaf",
    lambda: (
        _std(self_signed_leaf=True, leaf=Role(ku=key_usage("digital_signature", "key_cert_sign"))),
        [],
        [],
    ),
    [(0, 18, 0), (0, 0, 1)],
    18,
    no_ca=True,
)
_sc(
    "self-signed-leaf-bad-ku",
    lambda: (_std(self_signed_leaf=True), [], []),
    [(0, 18, 0), (0, 26, 0), (0, 0, 1)],
    26,
    no_ca=True,
)
_sc(
    "root-sent-untrusted",
    lambda: (P(), [P().inter, P().root], []),
    [(2, 19, 0), *OK3],
    19,
    no_ca=True,
)
_sc("root-sent-and-trusted", lambda: (P(), [P().inter, P().root], [P().root.pem]), OK3, 0)
_sc("out-of-order", lambda: (P(), [P().root, P().inter], []), [(2, 19, 0), *OK3], 19, no_ca=True)
_sc(
    "unrelated-extra",
    lambda: (P(), [_std(self_signed_leaf=True).leaf, P().inter], [P().root.pem]),
    OK3,
    0,
)
_sc(
    "verify-depth-0",
    lambda: _chain(P()),
    [(1, 22, 0), (1, 20, 0), (0, 0, 1)],
    20,
    client_args=("-verify_depth", "0"),
    params=VerifyParams(auth_level=2, depth=0),
)
_sc(
    "verify-depth-1",
    lambda: _chain(P()),
    OK3,
    0,
    client_args=("-verify_depth", "1"),
    params=VerifyParams(auth_level=2, depth=1),
)
_sc(
    "partial-chain-leaf",
    lambda: (P(), [], [P().leaf.pem]),
    [(0, 0, 1)],
    0,
    client_args=("-partial_chain",),
    params=VerifyParams(auth_level=2, partial_chain=True),
)
_sc("leaf-in-store", lambda: (P(), [], [P().leaf.pem]), [(0, 20, 0), (0, 21, 0), (0, 0, 1)], 21)
_sc(
    "partial-chain-inter",
    lambda: (P(), [P().inter], [P().inter.pem]),
    [(1, 0, 1), (0, 0, 1)],
    0,
    client_args=("-partial_chain",),
    params=VerifyParams(auth_level=2, partial_chain=True),
)


def _two_roots() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    old = pki.make(pki.ROOT_NAME, not_before=NOW - 800 * DAY, not_after=NOW - 10 * DAY, ca=True)
    return p, [p.inter], [old.pem, p.root.pem]


def _only_expired_root() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    old = pki.make(pki.ROOT_NAME, not_before=NOW - 800 * DAY, not_after=NOW - 10 * DAY, ca=True)
    return p, [p.inter], [old.pem]


_sc("two-roots-expired-first", _two_roots, OK3, 0)
_sc("only-expired-root", _only_expired_root, [(2, 10, 0), (2, 0, 1), (1, 0, 1), (0, 0, 1)], 10)


def _akid_mismatch() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    akid = x509.AuthorityKeyIdentifier(
        key_identifier=b"\x01" * 20, authority_cert_issuer=None, authority_cert_serial_number=None
    )
    bad = pki.make(
        pki.INTER_NAME,
        issuer=p.root,
        not_before=NOW - DAY,
        not_after=NOW + 100 * DAY,
        ca=True,
        aki=False,
        extra=[(akid, False)],
    )
    return p, [bad], [p.root.pem]


_sc("akid-mismatch", _akid_mismatch, [(1, 20, 0), (0, 0, 1)], 20)


def _mimic() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    mimic = pki.make(
        pki.ROOT_NAME, not_before=NOW - DAY, not_after=NOW + 100 * DAY, ca=True, ski=False, aki=False,
        slot="mimic", ku=key_usage("digital_signature", "key_cert_sign"),
    )  # fmt: skip
    return dataclasses.replace(p, leaf=mimic), [], [p.root.pem]


_sc("self-signed-mimic-of-root", _mimic, [(0, 18, 0), (0, 0, 1)], 18)

# --- validity ---------------------------------------------------------------------------------
_sc(
    "expired-leaf",
    lambda: _chain(_std(leaf=Role(expired=True))),
    [(2, 0, 1), (1, 0, 1), (0, 10, 0), (0, 0, 1)],
    10,
)
_sc(
    "expired-root",
    lambda: _chain(_std(root=Role(expired=True))),
    [(2, 10, 0), (2, 0, 1), (1, 0, 1), (0, 0, 1)],
    10,
)
_sc(
    "not-yet-valid-inter",
    lambda: _chain(_std(inter=Role(not_yet_valid=True))),
    [(2, 0, 1), (1, 9, 0), (1, 0, 1), (0, 0, 1)],
    9,
)
_sc(
    "all-not-yet-valid",
    lambda: _chain(
        _std(
            root=Role(not_yet_valid=True),
            inter=Role(not_yet_valid=True),
            leaf=Role(not_yet_valid=True),
        )
    ),
    [(2, 9, 0), (2, 0, 1), (1, 9, 0), (1, 0, 1), (0, 9, 0), (0, 0, 1)],
    9,
)


def _inter_in_store_expired_leaf() -> tuple[Pki, list[Cert], list[bytes]]:
    p = _std(leaf=Role(expired=True))
    return p, [], [p.inter.pem]


_sc(
    "inter-in-store-expired-leaf",
    _inter_in_store_expired_leaf,
    [(1, 2, 0), (0, 10, 0), (0, 0, 1)],
    10,
)


def _inverted() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    base = pki.make(
        pki.INTER_NAME, issuer=p.root, not_before=NOW - DAY, not_after=NOW + DAY, ca=True
    )
    inv = pki.resign(
        base,
        p.root.key,
        "sha256",
        replace={4: der.encode(der.SEQUENCE, _tv(NOW + DAY) + _tv(NOW - DAY))},
    )
    return p, [inv], [p.root.pem]


_sc("inverted-validity", _inverted, [(2, 0, 1), (1, 9, 0), (1, 10, 0), (1, 0, 1), (0, 0, 1)], 10)

_FAR = _T(23, "301231235959Z")
for _name, _nb, _na, _exp, _fin in [
    ("time-utc-no-seconds", _T(23, "2001010000Z"), _FAR, [(0, 13, 0)], 13),
    ("time-gen-fraction", _T(24, "20010101000000.5Z"), _FAR, [(0, 13, 0)], 13),
    ("time-utc-offset", _T(23, "010101000000+0100"), _FAR, [(0, 13, 0)], 13),
    (
        "time-notafter-offset",
        _T(23, "010101000000Z"),
        _T(24, "20010101000000-0130"),
        [(0, 14, 0)],
        14,
    ),
    (
        "time-garbage",
        _T(23, "hello world!!"),
        _T(24, "also garbage!!!"),
        [(0, 13, 0), (0, 14, 0)],
        14,
    ),
    ("time-feb-30", _T(23, "010230000000Z"), _FAR, [(0, 13, 0)], 13),
    ("time-generalized-early", _T(24, "19990101000000Z"), _FAR, [], 0),
    ("time-99991231", _T(23, "010101000000Z"), _T(24, "99991231235959Z"), [], 0),
    ("time-utc-2049", _T(23, "490101000000Z"), _FAR, [(0, 9, 0)], 9),
    ("time-utc-1950-notafter", _T(23, "010101000000Z"), _T(23, "500101000000Z"), [(0, 10, 0)], 10),
]:
    _sc(
        _name,
        (
            lambda nb=_nb, na=_na: (
                dataclasses.replace(P(), leaf=_leaf_validity(nb, na)),
                [P().inter],
                [P().root.pem],
            )
        ),
        [(2, 0, 1), (1, 0, 1), *_exp, (0, 0, 1)],
        _fin,
    )

# --- signatures -------------------------------------------------------------------------------
_sc(
    "wrong-key-leaf",
    lambda: _chain(_std(leaf=Role(wrong_key=True))),
    [(2, 0, 1), (1, 0, 1), (0, 7, 0), (0, 0, 1)],
    7,
)
_sc(
    "wrong-key-inter",
    lambda: _chain(_std(inter=Role(wrong_key=True))),
    [(2, 0, 1), (1, 7, 0), (1, 0, 1), (0, 0, 1)],
    7,
)


def _bad_root_sig() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    return p, [p.inter], [pki.resign(p.root, pki.key("rsa", "other"), "sha256").pem]


_sc("bad-root-self-signature", _bad_root_sig, OK3, 0)
_sc(
    "bad-root-self-signature-check-ss-sig",
    _bad_root_sig,
    [(2, 7, 0), *OK3],
    7,
    client_args=("-check_ss_sig",),
    params=VerifyParams(auth_level=2, check_ss_sig=True),
)
for _kind in ("ec", "p384", "ed25519", "ed448"):
    _sc(
        f"keys-{_kind}",
        (
            lambda k=_kind: _chain(
                _std(root=Role(key_kind=k), inter=Role(key_kind=k), leaf=Role(key_kind=k))
            )
        ),
        OK3,
        0,
    )
_sc(
    "mixed-keys",
    lambda: _chain(
        _std(root=Role(key_kind="ed25519"), inter=Role(key_kind="ec"), leaf=Role(key_kind="rsa"))
    ),
    OK3,
    0,
)
_sc("rsa-pss-signatures", lambda: _chain(_std(inter=Role(pss=True), leaf=Role(pss=True))), OK3, 0)

# --- extensions and purpose -------------------------------------------------------------------
_sc(
    "inter-no-basic-constraints",
    lambda: _chain(_std(inter=Role(ca=None, ku=CA_KU))),
    [(1, 79, 0), *OK3],
    79,
)
_sc(
    "inter-no-bc-no-ku",
    lambda: _chain(_std(inter=Role(ca=None, ku=None))),
    [(1, 79, 0), (1, 26, 0), *OK3],
    26,
)
_sc(
    "inter-ca-false",
    lambda: _chain(_std(inter=Role(ca=False, ku=CA_KU))),
    [(1, 79, 0), (1, 26, 0), *OK3],
    26,
)
_sc(
    "inter-ku-without-certsign",
    lambda: _chain(_std(inter=Role(ku=key_usage("digital_signature")))),
    [(1, 79, 0), (1, 26, 0), (2, 0, 1), (1, 0, 1), (1, 32, 0), (0, 0, 1)],
    32,
)
_sc("root-pathlen-0", lambda: _chain(_std(root=Role(pathlen=0))), [(2, 25, 0), *OK3], 25)
_sc("inter-pathlen-0", lambda: _chain(_std(inter=Role(pathlen=0))), OK3, 0)
_sc(
    "leaf-eku-clientauth",
    lambda: _chain(_std(leaf=Role(eku=[ExtendedKeyUsageOID.CLIENT_AUTH]))),
    [(0, 26, 0), *OK3],
    26,
)
_sc(
    "leaf-eku-anyeku",
    lambda: _chain(_std(leaf=Role(eku=[ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE]))),
    [(0, 26, 0), *OK3],
    26,
)
_sc("leaf-ku-keyagreement", lambda: _chain(_std(leaf=Role(ku=key_usage("key_agreement")))), OK3, 0)
_sc(
    "leaf-ku-certsign-only",
    lambda: _chain(_std(leaf=Role(ku=key_usage("key_cert_sign")))),
    [(0, 26, 0), *OK3],
    26,
)
_sc(
    "inter-eku-clientauth",
    lambda: _chain(_std(inter=Role(eku=[ExtendedKeyUsageOID.CLIENT_AUTH]))),
    [(1, 26, 0), *OK3],
    26,
)
_UNK = [(x509.UnrecognizedExtension(ObjectIdentifier("1.2.3.4"), b"\x05\x00"), True)]
_sc("leaf-critical-unknown", lambda: _chain(_std(leaf=Role(extra=_UNK))), [(0, 34, 0), *OK3], 34)
_sc("inter-critical-unknown", lambda: _chain(_std(inter=Role(extra=_UNK))), [(1, 34, 0), *OK3], 34)


def _crit_aki() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    akid = x509.AuthorityKeyIdentifier.from_issuer_public_key(p.inter.key.public_key())
    leaf = pki.make(
        pki.LEAF_NAME,
        issuer=p.inter,
        not_before=NOW - DAY,
        not_after=NOW + 100 * DAY,
        ca=False,
        aki=False,
        slot="critaki",
        extra=[(akid, True)],
    )
    return dataclasses.replace(p, leaf=leaf), [p.inter], [p.root.pem]


_sc("leaf-critical-akid", _crit_aki, [(0, 34, 0), *OK3], 34)

# --- security level ---------------------------------------------------------------------------
_sc("rsa1024-leaf", lambda: _chain(_std(leaf=Role(key_kind="rsa1024"))), [(0, 66, 0), *OK3], 66)
_sc("rsa1024-inter", lambda: _chain(_std(inter=Role(key_kind="rsa1024"))), [(1, 67, 0), *OK3], 67)
_sc("rsa1024-root", lambda: _chain(_std(root=Role(key_kind="rsa1024"))), [(2, 67, 0), *OK3], 67)
_sc("rsa2047-leaf", lambda: _chain(_std(leaf=Role(key_kind="rsa2047"))), OK3, 0)
_sc("rsa1536-leaf", lambda: _chain(_std(leaf=Role(key_kind="rsa1536"))), [(0, 66, 0), *OK3], 66)
_sc(
    "rsa1536-leaf-auth-level-1",
    lambda: _chain(_std(leaf=Role(key_kind="rsa1536"))),
    OK3,
    0,
    client_args=("-auth_level", "1"),
    params=VerifyParams(auth_level=1),
)
_sc(
    "rsa1024-leaf-auth-level-0",
    lambda: _chain(_std(leaf=Role(key_kind="rsa1024"))),
    OK3,
    0,
    client_args=("-auth_level", "0"),
    params=VerifyParams(auth_level=0),
)
_sc(
    "seclevel-3-rsa2048",
    lambda: _chain(P()),
    [(0, 66, 0), (1, 67, 0), (2, 67, 0), *OK3],
    67,
    client_args=("-auth_level", "3"),
    params=VerifyParams(auth_level=3),
)


def _sha1(role: str) -> Callable[[], tuple[Pki, list[Cert], list[bytes]]]:
    def make() -> tuple[Pki, list[Cert], list[bytes]]:
        p = P()
        signer = {"root": p.root.key, "inter": p.root.key, "leaf": p.inter.key}[role]
        q = dataclasses.replace(p, **{role: pki.resign(getattr(p, role), signer, "sha1")})
        return _chain(q)

    return make


_sc("sha1-inter", _sha1("inter"), [(1, 68, 0), *OK3], 68)
_sc("sha1-leaf", _sha1("leaf"), [(0, 68, 0), *OK3], 68)
_sc("sha1-root", _sha1("root"), OK3, 0)

# --- trust settings (TRUSTED CERTIFICATE) -----------------------------------------------------
_sc(
    "root-reject-serverauth",
    lambda: (P(), [P().inter], [trusted_pem(P().root, "-addreject", "serverAuth")]),
    [(2, 28, 0), (2, 28, 0), (2, 26, 0), *OK3],
    26,
)
_sc(
    "root-trust-serverauth",
    lambda: (P(), [P().inter], [trusted_pem(P().root, "-addtrust", "serverAuth")]),
    OK3,
    0,
)
_sc(
    "inter-trust-serverauth",
    lambda: (P(), [], [trusted_pem(P().inter, "-addtrust", "serverAuth")]),
    [(0, 0, 1)],
    0,
)

# --- s_client callback options ----------------------------------------------------------------
_sc(
    "return-error-no-ca",
    lambda: (P(), [P().inter], []),
    [(1, 20, 0)],
    20,
    no_ca=True,
    client_args=("-verify_return_error",),
    opts=CallbackOptions(return_error=True),
)
_sc(
    "verify-1-root-at-depth-2",
    lambda: (P(), [P().inter, P().root], []),
    [(2, 19, 0)],
    19,
    no_ca=True,
    client_args=("-verify", "1"),
    opts=CallbackOptions(verify_depth=1),
)
_sc(
    "verify-2-root-at-depth-2",
    lambda: (P(), [P().inter, P().root], []),
    [(2, 19, 0), *OK3],
    19,
    no_ca=True,
    client_args=("-verify", "2"),
    opts=CallbackOptions(verify_depth=2),
)
_sc(
    "quiet-expired-root",
    lambda: _chain(_std(root=Role(expired=True))),
    [(2, 10, 0), (2, 0, 1), (1, 0, 1), (0, 0, 1)],
    10,
    client_args=("-verify_quiet",),
    opts=CallbackOptions(quiet=True),
)
_sc(
    "return-error-expired-root",
    lambda: _chain(_std(root=Role(expired=True))),
    [(2, 10, 0)],
    10,
    client_args=("-verify_return_error",),
    opts=CallbackOptions(return_error=True),
)
_sc(
    "nameopt-rfc2253",
    lambda: (P(), [P().inter], []),
    [(1, 20, 0), (0, 0, 1)],
    20,
    no_ca=True,
    client_args=("-nameopt", "RFC2253"),
    opts=CallbackOptions(nameopt=names.XN_FLAG_RFC2253),
)
_sc(
    "nameopt-compat",
    lambda: (P(), [P().inter], []),
    [(1, 20, 0), (0, 0, 1)],
    20,
    no_ca=True,
    client_args=("-nameopt", "compat"),
    opts=CallbackOptions(nameopt=0),
)
_sc(
    "nameopt-multiline",
    lambda: (P(), [P().inter], []),
    [(1, 20, 0), (0, 0, 1)],
    20,
    no_ca=True,
    client_args=("-nameopt", "multiline"),
    opts=CallbackOptions(nameopt=names.XN_FLAG_MULTILINE),
)

SCENARIOS: list[Scenario] = list(_REGISTRY.values())

# --- -x509_strict ---------------------------------------------------------------------------------
_sc(
    "x509-strict-standard-chain",
    lambda: _chain(P()),
    OK3,
    0,
    client_args=("-x509_strict",),
    params=VerifyParams(auth_level=2, x509_strict=True),
)
_sc(
    "x509-strict-ca-without-ku-and-noncritical-bc",
    lambda: _chain(_std(root=Role(ku=None), inter=Role(bc_critical=False))),
    [(1, 89, 0), (2, 92, 0), *OK3],
    92,
    client_args=("-x509_strict",),
    params=VerifyParams(auth_level=2, x509_strict=True),
)


# --- conformance with OpenSSL 3.0.19 (x509-limbo cases) --------------------------------------------
def _root_signs_leaf(root: Role, leaf_extra: list[tuple[x509.ExtensionType, bool]]) -> Pki:
    """root -> leaf, no intermediate."""
    p = _std(root=root)
    leaf = pki.make(
        pki.LEAF_NAME,
        issuer=p.root,
        not_before=NOW - DAY,
        not_after=NOW + 100 * DAY,
        ca=False,
        slot="root-signed",
        extra=leaf_extra,
    )
    return dataclasses.replace(p, leaf=leaf)


# A root with cA=TRUE and a keyUsage of no bits at all: OpenSSL 3.0 takes an
# empty keyUsage as an invalid extension (RFC 5280 4.2.1.3), so the root
# cannot be anyone's issuer and the leaf's issuer is not found.
_sc(
    "root-empty-key-usage",
    lambda: (lambda p: (p, [], [p.root.pem]))(_root_signs_leaf(Role(ku=key_usage()), [])),
    [(0, 20, 0), (0, 21, 0), (0, 0, 1)],
    21,
)
_sc(
    "inter-empty-key-usage",
    lambda: _chain(_std(inter=Role(ku=key_usage()))),
    [(0, 20, 0), (0, 21, 0), (0, 0, 1)],
    21,
)
# Critical cRLDistributionPoints and OCSP noCheck are extensions OpenSSL 3.0.19
# handles (X509_supported_extension): no error 34.
_CRLDP = x509.CRLDistributionPoints(
    [
        x509.DistributionPoint(
            [x509.UniformResourceIdentifier("http://crl.example/x.crl")], None, None, None
        )
    ]
)
_sc("leaf-critical-crldp", lambda: _chain(_std(leaf=Role(extra=[(_CRLDP, True)]))), OK3, 0)
_sc(
    "leaf-critical-ocsp-nocheck",
    lambda: _chain(_std(leaf=Role(extra=[(x509.OCSPNoCheck(), True)]))),
    OK3,
    0,
)
# A critical authority or subject key identifier is an unhandled critical
# extension (34) for OpenSSL 3.0; -x509_strict adds nothing: its "marked
# critical" checks (90, 91) only see extensions OpenSSL handles.
_sc(
    "leaf-critical-akid-strict",
    _crit_aki,
    [(0, 34, 0), *OK3],
    34,
    client_args=("-x509_strict",),
    params=VerifyParams(auth_level=2, x509_strict=True),
)


def _crit_skid() -> tuple[Pki, list[Cert], list[bytes]]:
    p = P()
    skid = x509.SubjectKeyIdentifier(b"\x01\x02\x03\x04")
    leaf = pki.make(
        pki.LEAF_NAME,
        issuer=p.inter,
        not_before=NOW - DAY,
        not_after=NOW + 100 * DAY,
        ca=False,
        ski=False,
        slot="critskid",
        extra=[(skid, True)],
    )
    return dataclasses.replace(p, leaf=leaf), [p.inter], [p.root.pem]


_sc(
    "leaf-critical-skid-strict",
    _crit_skid,
    [(0, 34, 0), *OK3],
    34,
    client_args=("-x509_strict",),
    params=VerifyParams(auth_level=2, x509_strict=True),
)
SCENARIOS[:] = list(_REGISTRY.values())
