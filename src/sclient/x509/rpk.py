"""Verification of a server's raw public key (RFC 7250) as OpenSSL 3.2+ does
it (``x509_verify_rpk``): a key has no chain, so it is trusted only through
DANE: a DANE-EE(3) SPKI(1) TLSA record that matches it (``dane_match_rpk``),
which is also what ``SSL_add_expected_rpk`` adds for a key the application
expects. Without DANE the key is ``X509_V_ERR_RPK_UNTRUSTED`` (95); with DANE
and no matching record ``X509_V_ERR_DANE_NO_MATCH`` (65). s_client's verify
callback then runs once, at depth 0 with no certificate (``depth=0 <no
cert>``).
"""

from __future__ import annotations

import hashlib

from sclient.x509 import errors
from sclient.x509.callback import CallbackOptions, SClientVerifyCallback
from sclient.x509.dane import Dane, TlsaRecord
from sclient.x509.verdict import ChainVerdict, DepthResult
from sclient.x509.verify import CallbackCall

__all__ = ["RPK_UNTRUSTED", "match_rpk", "verify_rpk"]

RPK_UNTRUSTED = 95

_USAGE_DANE_EE = 3
_SELECTOR_SPKI = 1


def match_rpk(dane: Dane, spki: bytes) -> TlsaRecord | None:
    """``dane_match_rpk``: the first DANE-EE SPKI record (in the library's
    record order) whose data is the key (Full) or its SHA-256/512 digest."""
    for rec in dane.records:
        if rec.usage != _USAGE_DANE_EE or rec.selector != _SELECTOR_SPKI:
            continue
        if rec.mtype == 1:
            data = hashlib.sha256(spki).digest()
        elif rec.mtype == 2:
            data = hashlib.sha512(spki).digest()
        else:
            data = spki
        if data == rec.data:
            return rec
    return None


def verify_rpk(
    spki: bytes, dane: Dane | None, options: CallbackOptions, verify_peer: bool = False
) -> ChainVerdict:
    """The verdict s_client's callback gives on ``spki``: its lines, the
    result ``SSL_get_verify_result`` keeps, and whether the handshake ends
    (``verify_peer`` and the callback said 0: ``-verify_return_error``)."""
    matched = match_rpk(dane, spki) if dane is not None else None
    if dane is None:
        error = RPK_UNTRUSTED
    elif matched is None:
        error = errors.DANE_NO_MATCH
    else:
        error = errors.OK
    callback = SClientVerifyCallback(options)
    ok = callback(CallbackCall(error == errors.OK, 0, None, error))
    dane_line = None
    if matched is not None:
        dane_line = f"DANE TLSA {matched.describe()} matched EE certificate at depth 0"
    return ChainVerdict(
        code=error,
        text=callback.text,
        dane_line=dane_line,
        depths=(DepthResult(0, error, ok),),
        aborted=verify_peer and not ok,
    )
