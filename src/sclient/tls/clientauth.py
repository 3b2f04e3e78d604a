"""Client authentication: which certificate and signature scheme answer a
CertificateRequest, the way OpenSSL 3.0's ``tls_choose_sigalg`` decides
for a client, and the Certificate/CertificateVerify messages.

The candidates are the server's ``signature_algorithms`` in the server's
order, kept only if ours allow them (``-client_sigalgs`` when given, else
``-sigalgs``/the default list: ``tls1_set_shared_sigalgs`` with
``tls12_get_psigalgs(s, 0)``). TLS 1.3 (``find_sig_alg``): the first
candidate that is a TLS 1.3 scheme and fits one of our keys (ECDSA schemes
bound to the key's curve; rsa_pss_rsae for an rsaEncryption key,
rsa_pss_pss for an RSASSA-PSS key; an RSA key large enough for the PSS
hash). TLS 1.2: the first candidate whose key type is that of our
certificate (any curve for ECDSA). Nothing fits: an empty Certificate.

A TLS 1.3 ``signature_algorithms_cert`` in the request also restricts the
signature on our leaf certificate (``check_cert_usable``).

``-xcert`` sets (``extended_credentials``) replace ``credentials`` at each
request, as s_client's ``set_cert_cb`` does: every set is checked with
``SSL_check_chain`` (``tls1_check_chain``; one CertChainChecked event
each, in command-line order) and each valid one is installed in the slot of
its key type; the last installed is the TLS 1.2 current key, TLS 1.3
chooses among all slots.

``-strict`` (``ssl3_check_client_certificate``): the chosen certificate is
sent only if its chain passes ``tls1_check_chain`` for the current key: the
leaf's signature (TLS 1.2) and each chain certificate's among the shared
schemes (TLS 1.3: ``signature_algorithms_cert`` when sent); an EC leaf key on
one of our groups, in a point format the server allows (TLS 1.2); an RSA,
DSA or EC key's certificate type in the request (a TLS 1.3 request has none,
so only RSA-PSS and EdDSA keys pass there); the leaf's or a chain
certificate's issuer among the request's certificate authorities when it
lists any. For ``-xcert`` sets every one of those checks decides validity.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from sclient.base import structs
from sclient.base.pyca import key_kind
from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.config import ChainFacts, ClientConfig, ClientCredential, ExtendedCredential
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto import hashes
from sclient.tls.crypto.signatures import SIGNATURE_SCHEMES, sign_scheme
from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts

__all__ = [
    "CHAIN_FLAGS",
    "Choice",
    "answer",
    "check_chain",
    "choose",
    "shared_schemes",
    "sign",
    "strict_chain_ok",
]

# SSL_check_chain's CERT_PKEY_* bits.
CHAIN_VALID = 0x1
CHAIN_SIGN = 0x2
CHAIN_EE_SIGNATURE = 0x10
CHAIN_CA_SIGNATURE = 0x20
CHAIN_EE_PARAM = 0x40
CHAIN_CA_PARAM = 0x80
CHAIN_EXPLICIT_SIGN = 0x100
CHAIN_ISSUER_NAME = 0x200
CHAIN_CERT_TYPE = 0x400
# CERT_PKEY_VALID_FLAGS and CERT_PKEY_STRICT_FLAGS: what SSL_check_chain needs for validity.
_VALID_FLAGS = CHAIN_EE_SIGNATURE | CHAIN_EE_PARAM
_STRICT_FLAGS = (
    _VALID_FLAGS | CHAIN_CA_SIGNATURE | CHAIN_CA_PARAM | CHAIN_ISSUER_NAME | CHAIN_CERT_TYPE
)

#: s_client's ``chain_flags`` table: the lines ``print_chain_flags`` prints.
CHAIN_FLAGS: tuple[tuple[str, int], ...] = (
    ("Overall Validity", CHAIN_VALID),
    ("Sign with EE key", CHAIN_SIGN),
    ("EE signature", CHAIN_EE_SIGNATURE),
    ("CA signature", CHAIN_CA_SIGNATURE),
    ("EE key parameters", CHAIN_EE_PARAM),
    ("CA key parameters", CHAIN_CA_PARAM),
    ("Explicitly sign with EE key", CHAIN_EXPLICIT_SIGN),
    ("Issuer Name", CHAIN_ISSUER_NAME),
    ("Certificate Type", CHAIN_CERT_TYPE),
)

# Certificate slot of each scheme kind (SIGALG_LOOKUP.sig_idx).
_SLOT = {
    "rsa_pkcs1": "rsa",
    "rsa_pss_rsae": "rsa",
    "rsa_pss_pss": "rsa_pss_pss",
    "ecdsa": "ecdsa",
    "ed25519": "ed25519",
    "ed448": "ed448",
    "dsa": "dsa",
}
# ClientCertificateType the key needs in a TLS 1.2 request (rsa_sign, dss_sign, ecdsa_sign).
_CERT_TYPE = {"rsa": 1, "dsa": 2, "ecdsa": 64}

_CURVES: dict[type[ec.EllipticCurve], int] = {
    ec.SECP256R1: 0x0403,
    ec.SECP384R1: 0x0503,
    ec.SECP521R1: 0x0603,
}


class Choice(Struct, frozen=True, slots=True):
    credential: ClientCredential
    scheme: int


def shared_schemes(config: ClientConfig, peer: Sequence[int]) -> list[int]:
    """The server's list filtered by ours, in the server's order."""
    ours = config.client_signature_schemes
    if ours is None:
        ours = config.signature_schemes
    allowed = set(ours)
    out: list[int] = []
    for s in peer:
        info = SIGNATURE_SCHEMES.get(s)
        # ssl_security: SHA-1 (64 bits) is below security level 2.
        if s in allowed and info is not None and info.hash != "sha1" and s not in out:
            out.append(s)
    return out


def _key_kind(key: object, rsa_pss: bool) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "rsa_pss_pss" if rsa_pss else "rsa"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ecdsa"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, ed448.Ed448PrivateKey):
        return "ed448"
    if key_kind(key) == "dsa":
        return "dsa"
    return "?"


def _pss_size_ok(key: object, hash_name: str | None) -> bool:
    """``rsa_pss_check_min_key_size``: modulus bytes >= 2 * digest + 2."""
    if not isinstance(key, rsa.RSAPrivateKey) or hash_name is None:
        return True
    return (key.key_size + 7) // 8 >= 2 * hashes.hash_len(hash_name) + 2


def _fits(scheme: int, cred: ClientCredential, tls13: bool) -> bool:
    info = SIGNATURE_SCHEMES[scheme]
    kind = _key_kind(cred.key, cred.rsa_pss)
    if info.kind == "rsa_pss_pss":
        return kind == "rsa_pss_pss" and _pss_size_ok(cred.key, info.hash)
    if info.kind == "rsa_pss_rsae":
        return kind == "rsa" and _pss_size_ok(cred.key, info.hash)
    if info.kind == "rsa_pkcs1":
        return kind == "rsa" and not tls13
    if info.kind == "ecdsa":
        if kind != "ecdsa":
            return False
        if tls13:
            assert isinstance(cred.key, ec.EllipticCurvePrivateKey)
            return _CURVES.get(type(cred.key.curve)) == scheme
        return True
    if info.kind == "dsa":
        return kind == "dsa" and not tls13
    return kind == info.kind


def _sigandhash(scheme: int) -> tuple[str | None, str] | None:
    """SIGALG_LOOKUP.sigandhash as (hash, key kind): only PKCS#1, ECDSA and DSA
    schemes name a certificate signature algorithm."""
    info = SIGNATURE_SCHEMES.get(scheme)
    if info is None:
        return None
    key = {"rsa_pkcs1": "rsa", "ecdsa": "ecdsa", "dsa": "dsa"}.get(info.kind)
    return None if key is None else (info.hash, key)


def _hash_and_key(scheme: int) -> tuple[str | None, str] | None:
    """(SIGALG_LOOKUP.hash, .sig) as ``check_cert_usable`` compares them."""
    info = SIGNATURE_SCHEMES.get(scheme)
    if info is None:
        return None
    key = {"rsa_pkcs1": "rsa", "rsa_pss_rsae": "rsa_pss", "rsa_pss_pss": "rsa_pss"}.get(
        info.kind, info.kind
    )
    return (info.hash, key)


def _cert_usable(cred: ClientCredential, cert_schemes: Sequence[int] | None) -> bool:
    """``check_cert_usable``: a TLS 1.3 signature_algorithms_cert must allow
    the signature on our leaf."""
    if cert_schemes is None:
        return True
    if cred.leaf_sig is None:
        return True
    return any(_hash_and_key(s) == cred.leaf_sig for s in cert_schemes)


#: Our key kinds by the names of ``sigschemes.LEGACY_BY_KEY``.
_LEGACY_KIND = {"rsa": "rsa", "ecdsa": "ec", "dsa": "dsa", "ed25519": "ed25519", "ed448": "ed448"}


def _legacy_choice(config: ClientConfig, cred: ClientCredential) -> Choice | None:
    """TLS 1.0/1.1 (no signature_algorithms): the key type fixes the scheme,
    if the security level allows it (``tls1_get_legacy_sigalg``: MD5+SHA-1
    and SHA-1 only at level 0); otherwise no certificate is sent."""
    from sclient.tls.errors import LocalError
    from sclient.tls.peer import legacy_sigalg

    kind = _LEGACY_KIND.get(_key_kind(cred.key, cred.rsa_pss))
    if kind is None:
        return None
    try:
        return Choice(cred, legacy_sigalg(kind, config.security_level))
    except LocalError:
        return None


def choose(
    config: ClientConfig,
    peer_schemes: Sequence[int],
    tls13: bool,
    cert_schemes: Sequence[int] | None = None,
    credentials: Sequence[ClientCredential] | None = None,
    legacy: bool = False,
) -> Choice | None:
    """The credential and scheme OpenSSL would use, or None (send no certificate).
    ``legacy``: TLS 1.0/1.1, where the key type fixes the scheme."""
    creds = tuple(config.credentials if credentials is None else credentials)
    if not creds:
        return None
    if legacy:
        return _legacy_choice(config, creds[0])
    if not tls13:
        creds = creds[:1]
    for scheme in shared_schemes(config, peer_schemes):
        info = SIGNATURE_SCHEMES[scheme]
        if tls13 and not info.tls13:
            continue
        for cred in creds:
            if _fits(scheme, cred, tls13) and (not tls13 or _cert_usable(cred, cert_schemes)):
                return Choice(cred, scheme)
    return None


def _sig_allowed(
    sig: tuple[str | None, str], shared: Sequence[int], cert_schemes: Sequence[int] | None
) -> bool:
    """``tls1_check_sig_alg``: a certificate's signature is one of the shared
    schemes (TLS 1.3: of signature_algorithms_cert when the server sent it)."""
    pool = shared if cert_schemes is None else cert_schemes
    return any(_sigandhash(s) == sig for s in pool)


def check_chain(
    config: ClientConfig,
    request: ev.CertificateRequested,
    tls13: bool,
    xc: ExtendedCredential,
) -> int:
    """``SSL_check_chain`` for a client (``tls1_check_chain`` with idx -1): the
    CHAIN_* bits; valid = EE signature and EE key parameters (``-strict``:
    every check passed)."""
    if xc.key_kind not in _SLOT.values():
        return 0  # ssl_cert_lookup_by_pkey: not a signing key type
    shared = shared_schemes(config, request.signature_schemes)
    cert_schemes = request.cert_schemes if tls13 else None
    cred = xc.credential
    rv = 0
    if tls13:
        for scheme in shared:
            info = SIGNATURE_SCHEMES[scheme]
            if not info.tls13 or _SLOT.get(info.kind) != xc.key_kind:
                continue
            if _fits(scheme, cred, True) and _cert_usable(
                structs.replace(cred, leaf_sig=xc.sigs[0]), cert_schemes
            ):
                rv |= CHAIN_EE_SIGNATURE
                break
    elif _sig_allowed(xc.sigs[0], shared, None):
        rv |= CHAIN_EE_SIGNATURE
    rv |= CHAIN_CA_SIGNATURE
    for sig in xc.sigs[1:]:
        if not _sig_allowed(sig, shared, cert_schemes):
            rv &= ~CHAIN_CA_SIGNATURE
            break
    if xc.ee_group is None or (xc.ee_group and xc.ee_group in config.groups):
        rv |= CHAIN_EE_PARAM
    rv |= CHAIN_CA_PARAM
    ctype = _CERT_TYPE.get(xc.key_kind)
    if ctype is None or ctype in request.certificate_types:
        rv |= CHAIN_CERT_TYPE
    if not request.authorities or xc.issued_by(request.authorities):
        rv |= CHAIN_ISSUER_NAME
    need = _STRICT_FLAGS if config.strict else _VALID_FLAGS
    if rv & need == need:
        rv |= CHAIN_VALID
    # tls1_process_sigalgs: the key's slot has a shared scheme (no PKCS#1 in TLS 1.3).
    for scheme in shared:
        info = SIGNATURE_SCHEMES[scheme]
        if tls13 and info.kind == "rsa_pkcs1":
            continue
        if _SLOT.get(info.kind) == xc.key_kind:
            rv |= CHAIN_SIGN | CHAIN_EXPLICIT_SIGN
            break
    return rv


def _point_format_ok(facts: ChainFacts, tls13: bool, point_formats: Sequence[int] | None) -> bool:
    """``tls1_check_pkey_comp``: the server's ec_point_formats (TLS 1.2; none
    sent: any) must hold the form of our EC key."""
    if facts.ee_group is None or point_formats is None:
        return True
    if facts.ee_compressed:
        return tls13 or 1 in point_formats  # ansiX962_compressed_prime
    return 0 in point_formats


def strict_chain_ok(
    config: ClientConfig,
    request: ev.CertificateRequested,
    tls13: bool,
    cred: ClientCredential,
    point_formats: Sequence[int] | None = None,
) -> bool:
    """``tls1_check_chain`` for the chosen certificate (idx -2, what
    ``-strict`` adds before a certificate is sent); False: send none."""
    facts = cred.facts
    if facts is None:
        return True
    shared = shared_schemes(config, request.signature_schemes)
    if not tls13 and not _sig_allowed(facts.sigs[0], shared, None):
        return False
    cert_schemes = request.cert_schemes if tls13 else None
    if not all(_sig_allowed(sig, shared, cert_schemes) for sig in facts.sigs[1:]):
        return False
    # tls1_check_cert_param: the EC key's form and curve (one of ours).
    if not _point_format_ok(facts, tls13, point_formats):
        return False
    if facts.ee_group is not None and facts.ee_group not in config.groups:
        return False
    ctype = _CERT_TYPE.get(_key_kind(cred.key, cred.rsa_pss))
    if ctype is not None and ctype not in request.certificate_types:
        return False
    return not request.authorities or facts.issued_by(request.authorities)


def answer(
    config: ClientConfig,
    request: ev.CertificateRequested,
    tls13: bool,
    events: list[ev.Event],
    point_formats: Sequence[int] | None = None,
    legacy: bool = False,
) -> Choice | None:
    """Our answer to ``request``: from the ``-xcert`` sets when there are any
    (s_client's certificate callback), else from ``credentials``; with
    ``-strict`` only a chain that passes :func:`strict_chain_ok`
    (``point_formats``: the server's ec_point_formats). ``legacy``: TLS 1.0/1.1."""
    choice = _answer(config, request, tls13, events, legacy)
    if (
        choice is not None
        and config.strict
        and not strict_chain_ok(config, request, tls13, choice.credential, point_formats)
    ):
        return None
    return choice


def _answer(
    config: ClientConfig,
    request: ev.CertificateRequested,
    tls13: bool,
    events: list[ev.Event],
    legacy: bool = False,
) -> Choice | None:
    cert_schemes = request.cert_schemes if tls13 else None
    if not config.extended_credentials:
        return choose(config, request.signature_schemes, tls13, cert_schemes, legacy=legacy)
    slots: dict[str, ClientCredential | None] = {}
    current: str | None = None
    for index, xc in enumerate(config.extended_credentials, 1):
        flags = check_chain(config, request, tls13, xc)
        valid = bool(flags & CHAIN_VALID)
        fails = valid and xc.install_fails
        events.append(ev.CertChainChecked(index, xc.credential.chain[0], flags, fails))
        if not valid:
            continue
        if fails:  # SSL_use_PrivateKey or SSL_build_cert_chain fails: so does the callback
            raise LocalError(alerts.INTERNAL_ERROR, "CALLBACK_FAILED")
        if xc.cert_kind != xc.key_kind:
            # The certificate and the key land in different slots: neither is usable.
            slots[xc.cert_kind] = slots[xc.key_kind] = None
            current = xc.key_kind
            continue
        cred = xc.credential
        prev = slots.get(xc.cert_kind)
        if not xc.has_chain:
            extra = prev.chain[1:] if prev is not None else ()
            cred = structs.replace(
                cred, chain=(cred.chain[0], *extra), facts=_inherit(cred.facts, prev)
            )
        slots[xc.cert_kind] = cred
        current = xc.cert_kind
    if tls13:
        creds = tuple(c for c in slots.values() if c is not None)
    else:
        cur = slots.get(current) if current is not None else None
        creds = (cur,) if cur is not None else ()
    return choose(config, request.signature_schemes, tls13, cert_schemes, creds, legacy)


def _inherit(facts: ChainFacts | None, prev: ClientCredential | None) -> ChainFacts | None:
    """A set without a chain of its own keeps the chain of the slot's earlier set."""
    before = prev.facts if prev is not None else None
    if facts is None or before is None:
        return facts
    mine, theirs = facts.issued_by, before.issued_by

    def issued_by(names: Sequence[bytes]) -> bool:
        return mine(names) or theirs(names)

    return structs.replace(facts, sigs=(facts.sigs[0], *before.sigs[1:]), issued_by=issued_by)


def sign(choice: Choice, data: bytes, tls13: bool) -> bytes:
    try:
        return sign_scheme(choice.scheme, choice.credential.key, data, tls13)  # type: ignore[arg-type]
    except (cerr.CryptoError, ValueError, TypeError) as e:
        raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", f"signing failed: {e}") from None


def sign_ssl3(choice: Choice, md5_sha1: bytes) -> bytes:
    """SSL 3.0's CertificateVerify: the MD5 and SHA-1 hashes of its own
    construction, signed as they are."""
    from sclient.tls.crypto.signatures import sign_digests

    try:
        return sign_digests(choice.scheme, choice.credential.key, md5_sha1)  # type: ignore[arg-type]
    except (cerr.CryptoError, ValueError, TypeError) as e:
        raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", f"signing failed: {e}") from None


def sent_event(choice: Choice | None, post_handshake: bool = False) -> ev.ClientCertificateSent:
    if choice is None:
        return ev.ClientCertificateSent((), None, post_handshake)
    return ev.ClientCertificateSent(choice.credential.chain, choice.scheme, post_handshake)
