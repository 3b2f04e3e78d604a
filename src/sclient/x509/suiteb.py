"""Suite B (RFC 6460) chain checks: ``X509_chain_check_suiteB`` of OpenSSL 3.0.

The levels of security are ``X509_V_FLAG_SUITEB_*`` bits: 128-bit only
(P-256 keys signed with ECDSA-SHA256), 192-bit (P-384 with ECDSA-SHA384), or
128-bit that also allows 192-bit algorithms (both bits). Every certificate
must be X.509 v3 with an EC key on one of those curves, signed with the
digest that matches its issuer's curve; once a P-384 key is met on the way
up, no P-256 key may follow (a P-256 CA cannot sign a P-384 certificate).
Pure: certificates in, ``(error, depth)`` out.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric import ec

from sclient.x509 import errors, oids
from sclient.x509.cert import Certificate

#: X509_V_FLAG_SUITEB_128_LOS_ONLY, X509_V_FLAG_SUITEB_192_LOS, X509_V_FLAG_SUITEB_128_LOS
LOS_128_ONLY = 0x10000
LOS_192 = 0x20000
LOS_128 = 0x30000

_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
_ECDSA_SHA384 = "1.2.840.10045.4.3.3"
_VERSION_3 = 2


class _Los:
    """The flags as ``check_suite_b`` narrows them while walking up."""

    __slots__ = ("flags",)

    def __init__(self, flags: int) -> None:
        self.flags = flags


def _check(x: Certificate, sign_oid: str | None, los: _Los) -> int:
    """``check_suite_b``: ``x``'s key, and the algorithm ``sign_oid`` it signed
    the certificate below with (None for the leaf's own key)."""
    key = x.public_key if x.key_alg_oid == oids.OID_EC else None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return errors.SUITE_B_INVALID_ALGORITHM
    curve = key.curve.name
    if curve == "secp384r1":
        if sign_oid is not None and sign_oid != _ECDSA_SHA384:
            return errors.SUITE_B_INVALID_SIGNATURE_ALGORITHM
        if not los.flags & LOS_192:
            return errors.SUITE_B_LOS_NOT_ALLOWED
        los.flags &= ~LOS_128_ONLY  # after P-384, P-256 may not follow
    elif curve == "secp256r1":
        if sign_oid is not None and sign_oid != _ECDSA_SHA256:
            return errors.SUITE_B_INVALID_SIGNATURE_ALGORITHM
        if not los.flags & LOS_128_ONLY:
            return errors.SUITE_B_LOS_NOT_ALLOWED
    else:
        return errors.SUITE_B_INVALID_CURVE
    return errors.OK


def check_leaf(leaf: Certificate, flags: int) -> int:
    """The leaf key alone (DANE's chainless outcomes): an error number or OK."""
    if not flags & LOS_128:
        return errors.OK
    return _check(leaf, None, _Los(flags))


def check_chain(chain: Sequence[Certificate], flags: int) -> tuple[int, int]:
    """``X509_chain_check_suiteB`` over a built chain (leaf first):
    ``(error, depth)``, ``(OK, 0)`` when it passes or Suite B is off."""
    if not flags & LOS_128:
        return errors.OK, 0
    los = _Los(flags)
    x = chain[0]
    i = 1
    if x.version != _VERSION_3:
        rv, i = errors.SUITE_B_INVALID_VERSION, 0
    else:
        rv = _check(x, None, los)
        if rv != errors.OK:
            i = 0
        else:
            while i < len(chain):
                sign_oid = x.sig_alg_oid
                x = chain[i]
                if x.version != _VERSION_3:
                    rv = errors.SUITE_B_INVALID_VERSION
                    break
                rv = _check(x, sign_oid, los)
                if rv != errors.OK:
                    break
                i += 1
            else:
                # the top certificate's own signature, judged by its own key
                rv = _check(x, x.sig_alg_oid, los)
    if rv == errors.OK:
        return rv, 0
    # signature and level errors belong to the certificate below
    if rv in (errors.SUITE_B_INVALID_SIGNATURE_ALGORITHM, errors.SUITE_B_LOS_NOT_ALLOWED) and i:
        i -= 1
    if rv == errors.SUITE_B_LOS_NOT_ALLOWED and los.flags != flags:
        rv = errors.SUITE_B_CANNOT_SIGN_P_384_WITH_P_256
    return rv, i
