"""The ServerHello and the HelloRetryRequest: which version, which suite, and
the hand-over to the version modules.

This module sits above :mod:`sclient.tls.hello` (the ClientHello, the offer and
the extension checks every version shares) and the version modules
(:mod:`sclient.tls.tls13`, :mod:`sclient.tls.tls12`, imported only when a
TLS 1.2 server answers): it imports them, none of them imports it, so the
engine has no import circle. DTLS and legacy versions plug in here.
"""

from __future__ import annotations

from typing import cast

from sclient.base import structs
from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.crypto import errors as cerr
from sclient.tls.errors import LocalError, TLSError
from sclient.tls.hello import (
    collect_extensions,
    make_key_share,
    second_client_hello,
    tls13_group_ok,
    validate_contexts,
    with_padding,
    with_psk_binders,
)
from sclient.tls.registry import alerts, suites
from sclient.tls.registry import extensions as ext
from sclient.tls.registry import protocol as P
from sclient.tls.registry.suites import CipherSuite
from sclient.tls.session import Session
from sclient.tls.states import Handshake, OsslState, State, register
from sclient.tls.tls13 import in_openssl_order
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import HandshakeMessage, ServerHello

__all__ = [
    "ExpectServerHello",
    "choose_version",
    "client_ciphersuite",
    "process_hello_retry_request",
    "process_server_hello",
]


def version_error(reason: str, detail: str = "") -> TLSError:
    return LocalError(alerts.PROTOCOL_VERSION, reason, detail)


# --- ServerHello ------------------------------------------------------------------

_SCSVS = (suites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV, suites.TLS_FALLBACK_SCSV)
_SUITE_MIN = {"SSLv3": P.SSL3, "TLSv1.0": P.TLS1_0, "TLSv1.2": P.TLS1_2, "TLSv1.3": P.TLS1_3}


def _suite_range(s: suites.CipherSuite) -> tuple[int, int]:
    lo = _SUITE_MIN.get(s.version, P.SSL3)
    return lo, (P.TLS1_3 if s.tls13 else P.TLS1_2)


@register
class ExpectServerHello(State, Struct, frozen=True, slots=True):
    """Waiting for ServerHello (or a HelloRetryRequest, unless one came)."""

    EXPECTED = frozenset({P.SERVER_HELLO})
    retried: bool = False
    hrr_suite: int | None = None

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        sh = cast(ServerHello, msg)
        return process_server_hello(hs, sh, self.retried, self.hrr_suite)


def process_server_hello(
    hs: Handshake, sh: ServerHello, retried: bool, hrr_suite: int | None
) -> State:
    """OpenSSL 3.0's tls_process_server_hello, check for check."""
    from sclient.tls import tls13  # the TLS 1.2 module is imported only when needed

    offer = hs.offer
    config = hs.config
    is_hrr = (
        config.max_version >= P.TLS1_3
        and sh.legacy_version == P.TLS1_2
        and sh.random == P.HRR_RANDOM
    )
    if is_hrr and retried:
        raise LocalError(
            alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE", "second HelloRetryRequest"
        )
    if len(sh.session_id) > 32:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "SSL3_SESSION_ID_TOO_LONG")
    if is_hrr and sh.no_extensions_block:
        raise LocalError(alerts.DECODE_ERROR, "BAD_LENGTH")

    version = P.TLS1_3
    if not is_hrr:
        hs.facts.server_random = sh.random
        if hs.ech is not None:
            from sclient.tls import ech

            ech.server_hello(hs, sh)  # accepted: the inner ClientHello's offer applies
            offer = hs.offer
        collect_extensions(sh.extensions, X.Context.SH, offer)
        version = choose_version(hs, sh, retried)
    if version == P.TLS1_3:
        if sh.compression_method != 0:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "INVALID_COMPRESSION_ALGORITHM")
        if sh.session_id != offer.session_id:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "INVALID_SESSION_ID")
    if is_hrr:
        suite = client_ciphersuite(hs, sh.cipher_suite, None, None)
        return process_hello_retry_request(hs, sh, suite)

    validate_contexts(sh.extensions, X.Context.SH13 if version == P.TLS1_3 else X.Context.SH12)
    if version == P.TLS1_3 and hs.record_pending:
        raise LocalError(alerts.UNEXPECTED_MESSAGE, "NOT_ON_RECORD_BOUNDARY")
    hs.facts.version = version
    hs.events.append(ev.ServerHelloAccepted(version))
    hs.rl.negotiated(version)
    suite = client_ciphersuite(hs, sh.cipher_suite, version, hrr_suite)
    if version != P.TLS1_3:
        hs.rl.compress(_compression(hs, sh))
    hs.facts.suite = suite
    hs.facts.server_ext_types.extend(e.ext_type for e in sh.extensions)
    hs.facts.update_session(version=version)
    if version == P.TLS1_3:
        return tls13.process_server_hello(hs, sh, suite)
    from sclient.tls import tls12

    return tls12.process_server_hello(hs, sh, suite, version)


_SENTINELS = (P.DOWNGRADE_TLS12, P.DOWNGRADE_TLS11)


def choose_version(hs: Handshake, sh: ServerHello, retried: bool) -> int:
    """ssl_choose_client_version: supported_versions, the configured range,
    the RFC 8446 §4.1.3 downgrade sentinels."""
    config = hs.config
    version = sh.legacy_version
    if version == P.SSL3 and config.min_version > P.SSL3:
        # OpenSSL 3.0 refuses an SSLv3 legacy_version even when supported_versions
        # names TLS 1.3 (any other legacy_version is left to supported_versions);
        # only -ssl3 (sclient's SSL 3.0) takes it.
        raise version_error("UNSUPPORTED_PROTOCOL", "legacy_version SSLv3")
    for e in sh.extensions:
        if isinstance(e, X.Malformed) and e.type == ext.SUPPORTED_VERSIONS:
            e.raise_error()
        if isinstance(e, X.SupportedVersionSelected):
            if e.version != P.TLS1_3:
                raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_PROTOCOL_VERSION_NUMBER")
            version = e.version
    if retried and version != P.TLS1_3:
        raise version_error("WRONG_SSL_VERSION_HRR")
    if not config.min_version <= version <= config.max_version:
        raise version_error("UNSUPPORTED_PROTOCOL")
    real_max = P.TLS1_3 if config.fallback_scsv else config.max_version
    tail = sh.random[-8:]
    # RFC 8446 §4.1.3: a client offering TLS 1.3 (or falling back from it,
    # -fallback_scsv) refuses either sentinel in a TLS 1.2-or-below ServerHello;
    # one offering at most 1.2 refuses DOWNGRD\x00 below 1.2.
    if version < P.TLS1_3 and real_max >= P.TLS1_3 and tail in _SENTINELS:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "INAPPROPRIATE_FALLBACK")
    if version < P.TLS1_2 and real_max > version and tail == P.DOWNGRADE_TLS11:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "INAPPROPRIATE_FALLBACK")
    if version not in (P.TLS1_3, P.TLS1_2, P.TLS1_1, P.TLS1_0, P.SSL3):
        raise version_error("UNSUPPORTED_PROTOCOL")
    return version


def client_ciphersuite(
    hs: Handshake, code: int, version: int | None, hrr_suite: int | None
) -> suites.CipherSuite:
    """set_client_ciphersuite. ``version`` is None for a HelloRetryRequest
    (the offered range applies then)."""
    s = suites.BY_CODE.get(code)
    if s is None or code in _SCSVS:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "UNKNOWN_CIPHER_RETURNED")
    lo, hi = _suite_range(s)
    vmin, vmax = (
        (version, version)
        if version is not None
        else (
            hs.config.min_version,
            hs.config.max_version,
        )
    )
    if hi < vmin or lo > vmax or code not in hs.offer.suites:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_CIPHER_RETURNED")
    if version == P.TLS1_3 and hrr_suite is not None and hrr_suite != code:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_CIPHER_RETURNED", "not the HRR's suite")
    if s.cipher is None:
        raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", f"cannot protect with {s.enc}")
    return s


# --- HelloRetryRequest ------------------------------------------------------------


def process_hello_retry_request(hs: Handshake, hrr: ServerHello, suite: CipherSuite) -> State:
    """RFC 8446 §4.1.4, with OpenSSL's checks: a HelloRetryRequest must ask
    for a group we support and did not already send a share for, or carry a
    cookie; otherwise the second ClientHello would not change."""
    collect_extensions(hrr.extensions, X.Context.HRR, hs.offer)
    new_group: int | None = None
    cookie: bytes | None = None
    for e in in_openssl_order(hrr.extensions):
        if isinstance(e, X.Malformed):
            e.raise_error()
        if isinstance(e, X.SupportedVersionSelected):
            if e.version != P.TLS1_3:
                raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_PROTOCOL_VERSION_NUMBER")
        elif isinstance(e, X.KeyShareRetry):
            g = e.selected_group
            if g in hs.shares:
                raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_KEY_SHARE", "group already sent")
            # Offered, and usable in TLS 1.3 (not a brainpool curve of a 1.2 offer).
            if g not in hs.offer.groups or not tls13_group_ok(g):
                raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_KEY_SHARE", "group not offered")
            new_group = g
        elif isinstance(e, X.Cookie) and e.cookie:
            # An empty cookie counts as none (OpenSSL neither echoes it nor
            # takes it for a change): then "no change following hrr".
            cookie = e.cookie
    if cookie is None and new_group is None:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "NO_CHANGE_FOLLOWING_HRR")

    hs.facts.hrr = True
    hs.facts.suite = suite
    try:
        hs.transcript.rewrite_for_hrr(suite.prf_hash)
    except cerr.CryptoError as e:
        raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", str(e)) from None
    hs.transcript.update(hrr.raw)

    new_share = make_key_share(hs.config, new_group) if new_group is not None else None
    if hs.ech is not None:
        from sclient.tls import ech

        ch2 = ech.second_client_hello(hs, hrr, suite, new_share, cookie, second_client_hello)
    else:
        ch2 = second_client_hello(hs.ch, hs.shares, new_share, cookie)
    if hs.config.tls_padding:
        ch2 = with_padding(ch2, hs.config)
    if ch2.ext(X.PreSharedKeyClient) is not None:
        # A PSK that cannot be used with this suite's hash: OpenSSL drops it.
        psks = tuple(p for p in hs.offer.psks if p.hash == suite.prf_hash)
        hs.offer = structs.replace(hs.offer, psks=psks)
        if psks:
            ch2 = with_psk_binders(ch2, psks, hs.transcript)
        else:
            exts = tuple(e for e in ch2.extensions if not isinstance(e, X.PreSharedKeyClient))
            ch2 = structs.replace(ch2, extensions=exts)
    if hs.retry_hello is not None:  # a known-answer replay
        ch2 = hs.retry_hello
    hs.ch = ch2
    if hs.early is not None:
        from sclient.tls.early import abandon

        abandon(hs, hs.rl)  # type: ignore[arg-type]
    hs.rl.set_write_version(P.TLS1_2)
    hs.rl.expect_compat_ccs(True)
    if hs.config.middlebox_compat and not hs.ccs_sent:
        hs.send_ccs()
    hs.send_message(ch2, OsslState.CW_CLNT_HELLO)
    hs.loop()
    return ExpectServerHello(retried=True, hrr_suite=suite.code)


def resumed_session(hs: Handshake, sh: ServerHello) -> Session | None:
    """The TLS <= 1.2 session a ServerHello resumes (it echoes the id we
    offered with it), or None."""
    old = hs.offer.resume
    if old is None or old.version == P.TLS1_3 or not sh.session_id:
        return None
    return old if sh.session_id == hs.offer.session_id else None


def _compression(hs: Handshake, sh: ServerHello) -> int:
    """The TLS <= 1.2 ServerHello's compression method, checked as
    tls_process_server_hello checks it: a resumed session keeps its own; a
    method needs compression allowed (``-comp`` at security level 0 or 1)
    and offered (DEFLATE is the only one)."""
    method = sh.compression_method
    old = resumed_session(hs, sh)
    if old is not None and method != old.compression:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "OLD_SESSION_COMPRESSION_ALGORITHM_NOT_RETURNED")
    if method == 0:
        return 0
    if not hs.config.compression:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "COMPRESSION_DISABLED")
    if method != P.COMPRESSION_DEFLATE:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "UNSUPPORTED_COMPRESSION_ALGORITHM")
    hs.facts.compression = method
    hs.facts.update_session(compression=method)
    return method
