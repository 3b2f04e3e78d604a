"""TLS <= 1.2 renegotiation (RFC 5746) as OpenSSL 3.0's client does it.

A renegotiation is a new handshake under the current keys: a new
ClientHello that offers only the version in use, without the
TLS_EMPTY_RENEGOTIATION_INFO_SCSV and with a renegotiation_info extension
(first, as OpenSSL writes it) carrying our last Finished's verify_data; the
server's renegotiation_info must carry both last verify_data
(:func:`sclient.tls.tls12.process_server_hello` checks it against
``Handshake.binding``). The rest is the handshake of :mod:`sclient.tls.tls12`;
the new keys take over with each side's ChangeCipherSpec.

OpenSSL's two ways in: ``SSL_renegotiate`` (s_client's ``R``): a full
handshake, no session offered (``new_session``: empty session id, empty
session_ticket extension); a HelloRequest: ``SSL_renegotiate_abbreviated``,
the current session offered for resumption.
"""

from __future__ import annotations

from sclient.base import structs
from sclient.tls.facts import Facts
from sclient.tls.hello import Offer, build_client_hello, resumable
from sclient.tls.records import RecordPort
from sclient.tls.registry import suites
from sclient.tls.session import Session
from sclient.tls.states import Handshake, OsslState
from sclient.tls.tls12 import Connected12
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import ClientHello

__all__ = ["renegotiation_hello", "start"]


def renegotiation_hello(ch: ClientHello, legacy_version: int, client_verify: bytes) -> ClientHello:
    """``ch`` made a renegotiation's: no SCSV, renegotiation_info first, the
    first ClientHello's legacy_version (ssl_set_client_hello_version)."""
    ciphers = tuple(c for c in ch.cipher_suites if c != suites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
    exts = (X.RenegotiationInfo(client_verify), *ch.extensions)
    return structs.replace(
        ch, legacy_version=legacy_version, cipher_suites=ciphers, extensions=exts
    )


def start(
    old: Handshake,
    state: Connected12,
    rl: RecordPort,
    version: int,
    session: Session | None,
    by_server: bool,
) -> tuple[Handshake, Facts]:
    """The new handshake context after ``old``'s, its ClientHello sent and the
    -state moves made. ``session``: the session to offer (None: a full
    handshake); ``by_server``: answering a HelloRequest."""
    config = structs.replace(
        old.config,
        min_version=version,
        max_version=version,
        resume=session,
        early_data=None,
        middlebox_compat=False,
    )
    old.loop(OsslState.CW_CLNT_HELLO)  # "SSL negotiation finished" / "read hello request"
    shares: dict[int, object] = {}
    ch = build_client_hello(config, config.random, shares)  # type: ignore[arg-type]
    ch = renegotiation_hello(ch, old.ch1.legacy_version, state.client_verify)
    offer = Offer.of(ch, (), resumable(config))
    if old.frame is not None:  # DTLS: its ClientHello, message_seq
        from sclient.tls.dtls.handshake import client_hello

        ch = client_hello(ch)
        offer = structs.replace(offer, dtls=True)
    facts = Facts(version)
    facts.client_random = ch.random
    facts.server_name_sent = offer.server_name
    hs = Handshake(config, rl, old.events, facts, ch, offer, {}, OsslState.CW_CLNT_HELLO)
    hs.renegotiation = by_server
    hs.frame = old.frame
    hs.binding = state.client_verify + state.server_verify
    hs.send_message(ch)
    hs.loop()
    return hs, facts
