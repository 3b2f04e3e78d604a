"""The TLS 1.2 (and 1.1/1.0) client handshake (RFC 5246) from the ServerHello on.

States: ExpectCertificate12 -> [ExpectServerKeyExchange] ->
ExpectCertificateRequestOrDone -> (our flight: [Certificate]
ClientKeyExchange ChangeCipherSpec Finished) -> [ExpectNewSessionTicket12]
-> ExpectChangeCipherSpec12 -> ExpectFinished12 -> Connected12.

Key exchange: ECDHE (named groups), DHE (the server's parameters, at least
``config.min_dh_bits``), RSA key transport. Record protection: AEAD, or
AES-CBC with HMAC, MAC-then-encrypt or encrypt-then-MAC (RFC 7366, when the
server echoes it for a CBC suite). Extended master secret (RFC 7627) and
renegotiation_info (RFC 5746) as OpenSSL 3.0 handles them: without the
server's renegotiation_info the handshake fails unless
``config.legacy_server_connect``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sclient.base import structs
from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto import hashes
from sclient.tls.crypto.kex import (
    MAX_DH_BITS,
    DheKeyShare,
    EcKeyShare,
    KeyShare,
    make_rsa_premaster,
    rsa_encrypt_premaster,
)
from sclient.tls.crypto.prf import (
    export_keying_material12,
    extended_master_secret,
    key_block,
    master_secret,
    split_key_block,
    verify_data12,
)
from sclient.tls.crypto.protection import (
    CIPHER_PARAMS,
    MAC_PARAMS,
    RecordCipher,
    Tls12Aead,
    Tls12Cbc,
    fixed_iv_len,
)
from sclient.tls.crypto.signatures import tls12_server_key_exchange_input
from sclient.tls.errors import DecodeError, LocalError
from sclient.tls.hello import make_key_share, parse_common_extension
from sclient.tls.peer import (
    PeerKey,
    check_peer_sigalg,
    distinguished_name_length,
    legacy_sigalg,
    process_certificates,
    status_callback,
    take_status,
    verify_signature,
)
from sclient.tls.records import READ, WRITE
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext
from sclient.tls.registry import groups as G
from sclient.tls.registry import protocol as P
from sclient.tls.registry.suites import CipherSuite
from sclient.tls.session import Session
from sclient.tls.states import Handshake, OsslState, State, register
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import (
    Certificate12,
    CertificateRequest12,
    CertificateStatus,
    CertificateVerify,
    ClientKeyExchange,
    ClientKeyExchangePsk,
    Finished,
    HandshakeMessage,
    HelloRequest,
    NewSessionTicket12,
    NextProtocol,
    ServerHello,
    ServerKeyExchangeDhe,
    ServerKeyExchangeEcdhe,
    ServerKeyExchangePsk,
    ServerKeyExchangeSrp,
)

if TYPE_CHECKING:  # the client-certificate machinery is imported when a server asks
    from collections.abc import Callable

    from sclient.tls import clientauth
    from sclient.tls.config import SrpLogin

__all__ = [
    "Connected12",
    "ExpectCertificate12",
    "ExpectCertificateRequestOrDone",
    "ExpectChangeCipherSpec12",
    "ExpectFinished12",
    "ExpectNewSessionTicket12",
    "ExpectServerKeyExchange",
    "process_server_hello",
]

_OPENSSL_ORDER = (65281, 0, 1, 11, 10, 35, 5, 15, 13172, 16, 14, 22, 18, 23)


def select_next_protocol(hs: Handshake, advertised: tuple[bytes, ...]) -> bytes:
    """s_client's NPN callback: ``SSL_select_next_proto`` over the server's
    list (its order) and ours; no overlap picks our first."""
    ours = hs.config.next_protocols or ()
    status, chosen = 2, ours[0] if ours else b""
    for proto in advertised:
        if proto in ours:
            status, chosen = 1, proto
            break
    from sclient.tls import events_rare as evr

    hs.events.append(evr.NextProtocolSelected(advertised, status, chosen))
    return chosen


def prf_hash(suite: CipherSuite, version: int) -> str:
    return suite.prf_hash if version >= P.TLS1_2 else hashes.MD5_SHA1


class Params12(Struct, frozen=True, slots=True):
    """What the ServerHello settled."""

    suite: CipherSuite
    version: int
    ticket_expected: bool
    #: An abbreviated handshake: the server's CCS and Finished come first.
    resumed: bool = False
    #: The ServerHello acknowledged status_request: a CertificateStatus may follow
    #: the Certificate (OpenSSL's ``ext.status_expected``).
    status_expected: bool = False
    #: -nextprotoneg: the protocol our NextProtocol message names (None: the
    #: server sent no next_protocol_negotiation, no message is sent).
    next_protocol: bytes | None = None


def process_server_hello(hs: Handshake, sh: ServerHello, suite: CipherSuite, version: int) -> State:
    """The TLS <= 1.2 part of tls_process_server_hello: extensions (parsed in
    OpenSSL's ext_defs order, then the "final" checks)."""
    old = hs.offer.resume
    resumed: Session | None = None
    if (
        old is not None
        and old.version != P.TLS1_3
        and sh.session_id
        and sh.session_id == hs.offer.session_id
    ):
        # The server echoed the id we offered: an abbreviated handshake.
        if old.version != version:
            raise LocalError(alerts.PROTOCOL_VERSION, "SSL_SESSION_VERSION_MISMATCH")
        if old.cipher_suite != suite.code:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "OLD_SESSION_CIPHER_NOT_RETURNED")
        resumed = old
    hs.transcript.set_hash(prf_hash(suite, version))
    hs.transcript.update(sh.raw)
    ri = False
    ticket_expected = False
    status_expected = False
    peer_formats: tuple[int, ...] | None = None
    next_protocol: bytes | None = None
    order = {t: i for i, t in enumerate(_OPENSSL_ORDER)}
    for e in sorted(
        (e for e in sh.extensions if e.ext_type in order), key=lambda e: order[e.ext_type]
    ):
        if isinstance(e, X.Malformed):
            e.raise_error()
        if isinstance(e, X.RenegotiationInfo):
            # RFC 5746 §3.4/§3.5: empty in the first handshake; in a
            # renegotiation our previous verify_data and then the server's.
            if not hashes.equal(e.renegotiated_connection, hs.binding):
                raise LocalError(alerts.ILLEGAL_PARAMETER, "RENEGOTIATION_MISMATCH")
            ri = True
        elif isinstance(e, X.EcPointFormats):
            peer_formats = e.formats
        elif isinstance(e, X.SessionTicket):
            if e.ticket:
                raise LocalError(alerts.DECODE_ERROR, "BAD_EXTENSION", "non-empty session_ticket")
            ticket_expected = True
        elif isinstance(e, X.StatusRequestAck):
            status_expected = True
        elif isinstance(e, X.NextProtocolNegotiation):
            next_protocol = select_next_protocol(hs, e.protocols)
        elif isinstance(e, X.EncryptThenMac):
            hs.facts.etm = not suite.aead
        elif isinstance(e, X.ExtendedMasterSecret):
            hs.facts.ems = True
        elif isinstance(e, X.SignedCertificateTimestamps) and hs.config.sct_request:
            hs.facts.sct_list = e.data  # tls_parse_stoc_sct
        else:
            parse_common_extension(hs, e)
    if hs.config.offers_cert_types:
        from sclient.tls import rpk

        rpk.settle(hs, sh.extensions)
    # The application's extensions are parsed after the built-in ones, in the
    # order they were registered.
    for t in hs.config.serverinfo_types:
        for e in sh.extensions:
            if e.ext_type == t:
                data = e.data if isinstance(e, X.Unknown | X.Malformed) else e.encode_body()
                from sclient.tls import events_rare as evr

                hs.events.append(evr.ServerInfoReceived(t, data))
                break
    # The "final" callbacks, in ext_defs order.
    if not ri and not hs.config.legacy_server_connect:
        raise LocalError(alerts.HANDSHAKE_FAILURE, "UNSAFE_LEGACY_RENEGOTIATION_DISABLED")
    hs.facts.secure_renegotiation = ri
    if resumed is not None and hs.facts.ems != resumed.extended_master_secret:
        raise LocalError(alerts.HANDSHAKE_FAILURE, "INCONSISTENT_EXTMS")
    # final_ec_pt_formats only checks the server's list against formats the
    # application configured explicitly; s_client never does, so nothing here.
    hs.facts.ec_point_formats = peer_formats
    if resumed is not None:
        hs.facts.resume(resumed)
        params = Params12(
            suite, version, ticket_expected, resumed=True, next_protocol=next_protocol
        )
        keys = _resumption_keys(hs, params, resumed.master_key)
        if ticket_expected:
            return ExpectNewSessionTicket12(keys)
        return ExpectChangeCipherSpec12(keys)
    hs.facts.update_session(session_id=sh.session_id, version=version)
    params = Params12(
        suite,
        version,
        ticket_expected,
        status_expected=status_expected,
        next_protocol=next_protocol,
    )
    if suite.kx in ("PSK", "DHEPSK", "ECDHEPSK"):
        if hs.config.psk_tls12 is None:
            raise LocalError(alerts.HANDSHAKE_FAILURE, "PSK_NO_CLIENT_CB")
        return ExpectPskServerKeyExchange(params, None)
    if suite.kx == "SRP" and suite.au == "SRP":
        return ExpectSrpServerKeyExchange(params, None)
    return ExpectCertificate12(params)


# --- Certificate, ServerKeyExchange ------------------------------------------------------


@register
class ExpectCertificate12(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.CERTIFICATE})
    params: Params12

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        then = self.after_certificate(hs, cast(Certificate12, msg))
        if self.params.status_expected:
            return ExpectCertificateStatus12(then)
        return then

    def after_certificate(self, hs: Handshake, cert: Certificate12) -> State:
        hs.transcript.update(cert.raw)
        if hs.raw_public_key_expected():
            from sclient.tls import rpk

            key = cast(rpk.RpkCertificate, cert)
            peer = rpk.process_server_rpk(hs, key, self.params.suite)
            hs.facts.update_session(peer_rpk=key.spki)
        else:
            peer = process_certificates(hs, cert.chain, self.params.suite)
            hs.facts.update_session(peer_certificate=cert.chain[0])
        kx = self.params.suite.kx
        if kx in ("ECDH", "DH"):
            return ExpectServerKeyExchange(self.params, peer)
        if kx == "RSAPSK":
            if peer.kind != "rsa":
                raise LocalError(
                    alerts.INTERNAL_ERROR, "INTERNAL_ERROR", "RSA-PSK needs an RSA key"
                )
            if hs.config.psk_tls12 is None:
                raise LocalError(alerts.HANDSHAKE_FAILURE, "PSK_NO_CLIENT_CB")
            return ExpectPskServerKeyExchange(self.params, peer)
        if kx == "SRP":
            return ExpectSrpServerKeyExchange(self.params, peer)
        if kx == "RSA":
            if peer.kind != "rsa":
                raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", "RSA kx needs an RSA key")
            return ExpectCertificateRequestOrDone(self.params, peer, None)
        raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", f"key exchange {kx}")


class ExpectCertificateStatus12(State, Struct, frozen=True, slots=True):
    """After the Certificate, when the ServerHello acknowledged status_request:
    a CertificateStatus, or (it is optional) what ``then`` accepts."""

    then: State

    @property
    def EXPECTED(self) -> frozenset[int]:  # type: ignore[override]
        return self.then.EXPECTED | _CERT_STATUS

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        if not isinstance(msg, CertificateStatus):
            return self.then.handle(hs, msg)
        take_status(hs, msg.response)
        hs.transcript.update(msg.raw)
        return self.then


_CERT_STATUS = frozenset({P.CERTIFICATE_STATUS})


class Exchange(Struct, frozen=True, slots=True):
    """Our half of the key exchange, decided at ServerKeyExchange."""

    public: bytes  # ClientKeyExchange contents
    width: int  # its length prefix
    premaster: bytes


@register
class ExpectServerKeyExchange(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.SERVER_KEY_EXCHANGE})
    params: Params12
    peer: PeerKey

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        version = self.params.version
        exchange: Exchange | None = None
        if isinstance(msg, ServerKeyExchangeEcdhe):
            exchange = self._ecdhe(hs, msg)
        else:
            # OpenSSL's order: the parameters' cheap checks, then the signature;
            # the arithmetic (cryptography's checks of p cost seconds for a large
            # prime) only for a server that signed them.
            dhe = cast(ServerKeyExchangeDhe, msg)
            dhe_check(hs, dhe.p, dhe.g, dhe.ys)
        ske = cast(ServerKeyExchangeEcdhe | ServerKeyExchangeDhe, msg)
        if version < P.TLS1_2 or ske.scheme is None:
            # No scheme on the wire: the key type fixes it.
            scheme = legacy_sigalg(self.peer.kind, hs.config.security_level)
        else:
            scheme = ske.scheme
            groups = tuple(g for g in hs.offer.groups if G.BY_CODE.get(g, None) is not None)
            check_peer_sigalg(
                scheme,
                self.peer,
                False,
                hs.offer.schemes,
                groups,
                hs.config.security_level,
                hs.config.strict,
            )
        hs.facts.peer_scheme = scheme
        data = tls12_server_key_exchange_input(
            hs.facts.client_random, hs.facts.server_random, ske.params
        )
        verify_signature(scheme, self.peer, data, ske.signature, False)
        if exchange is None:
            exchange = self._dhe(hs, cast(ServerKeyExchangeDhe, msg))
        hs.transcript.update(ske.raw)
        return ExpectCertificateRequestOrDone(self.params, self.peer, exchange)

    def _ecdhe(self, hs: Handshake, ske: ServerKeyExchangeEcdhe) -> Exchange:
        return ecdhe_exchange(hs, ske.curve_type, ske.group, ske.public)

    def _dhe(self, hs: Handshake, ske: ServerKeyExchangeDhe) -> Exchange:
        return dhe_exchange(hs, ske.p, ske.g, ske.ys)


def ecdhe_exchange(hs: Handshake, curve_type: int, group_code: int, public: bytes) -> Exchange:
    """Our ECDHE half for the server's named-curve parameters."""
    group = G.BY_CODE.get(group_code)
    if (
        curve_type != 3
        or group_code not in hs.offer.groups
        or group is None
        or group.kind == "ffdhe"
    ):
        raise LocalError(alerts.ILLEGAL_PARAMETER, "WRONG_CURVE")
    if group.kind in G.KEM_KINDS:
        # An offered ML-KEM group passes OpenSSL 3.5's group check, and then no
        # ECPoint (at most 255 bytes) is a key of it: "bad ecpoint".
        raise LocalError(alerts.ILLEGAL_PARAMETER, "SKE_BAD_ECPOINT", "an ML-KEM group in TLS 1.2")
    share: KeyShare = make_key_share(hs.config, group_code)
    try:
        if isinstance(share, EcKeyShare):
            # Our ClientHello offers the compressed formats, as OpenSSL's does.
            premaster = share.exchange(public, compressed_ok=True)
        else:
            premaster = share.exchange(public)
    except cerr.IllegalKeyShare as e:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "SKE_BAD_ECPOINT", str(e)) from None
    hs.facts.group = group_code
    hs.facts.update_session(group=group_code)
    return Exchange(share.public_bytes(), 1, premaster)


#: DH_MIN_MODULUS_BITS of OpenSSL 3.0.
_DH_MIN_MODULUS_BITS = 512


def dhe_check(hs: Handshake, p_raw: bytes, g_raw: bytes, ys_raw: bytes) -> None:
    """The checks of the server's ServerDHParams that cost nothing, in
    tls_process_ske_dhe's order: OpenSSL's quick parameter check (an odd prime
    of 512 to 10,000 bits, a generator in 2..p-2, a public value not zero:
    illegal_parameter "bad dh value"), then the security level's size check."""
    p = int.from_bytes(p_raw, "big")
    g = int.from_bytes(g_raw, "big")
    bits = p.bit_length()
    if not _DH_MIN_MODULUS_BITS <= bits <= MAX_DH_BITS or p % 2 == 0 or not 1 < g < p - 1:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_DH_VALUE", "DH parameters")
    if int.from_bytes(ys_raw, "big") == 0:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_DH_VALUE")
    if bits < hs.config.min_dh_bits:
        raise LocalError(
            alerts.HANDSHAKE_FAILURE,
            "DH_KEY_TOO_SMALL",
            f"dh key too small: {bits}-bit prime, minimum {hs.config.min_dh_bits}",
        )


def dhe_exchange(hs: Handshake, p_raw: bytes, g_raw: bytes, ys_raw: bytes) -> Exchange:
    """Our DHE half for the server's ServerDHParams."""
    dhe_check(hs, p_raw, g_raw, ys_raw)
    p = int.from_bytes(p_raw, "big")
    g = int.from_bytes(g_raw, "big")
    try:
        share = DheKeyShare(p, g, hs.config.min_dh_bits)
        premaster = share.exchange(ys_raw)
    except cerr.WeakDhParameters as e:
        raise LocalError(alerts.HANDSHAKE_FAILURE, "DH_KEY_TOO_SMALL", str(e)) from None
    except cerr.CryptoError as e:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_DH_VALUE", str(e)) from None
    hs.facts.dh_bits = p.bit_length()
    hs.facts.group = share.group or None
    return Exchange(share.public_bytes(), 2, premaster)


# --- PSK suites (RFC 4279, RFC 5489) ----------------------------------------------------


@register
class ExpectPskServerKeyExchange(State, Struct, frozen=True, slots=True):
    """A PSK suite after ServerHello (or, for RSA-PSK, after Certificate): the
    ServerKeyExchange (identity hint and DHE/ECDHE parameters) is required
    for DHE-PSK and ECDHE-PSK, optional for PSK and RSA-PSK."""

    EXPECTED = frozenset({P.SERVER_KEY_EXCHANGE, P.SERVER_HELLO_DONE})
    params: Params12
    peer: PeerKey | None
    hint: bytes | None = None
    exchange: Exchange | None = None
    seen: bool = False

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        kx = self.params.suite.kx
        if isinstance(msg, ServerKeyExchangePsk):
            if self.seen:
                raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")
            exchange = None
            if kx == "DHEPSK":
                exchange = dhe_exchange(hs, msg.p, msg.g, msg.ys)
            elif kx == "ECDHEPSK":
                exchange = ecdhe_exchange(hs, msg.curve_type, msg.group, msg.public)
            hs.transcript.update(msg.raw)
            return structs.replace(self, hint=msg.hint, exchange=exchange, seen=True)
        if not self.seen and kx in ("DHEPSK", "ECDHEPSK"):
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")
        hs.transcript.update(msg.raw)
        status_callback(hs)
        return self.client_flight(hs)

    def client_flight(self, hs: Handshake) -> State:
        psk = hs.config.psk_tls12
        assert psk is not None
        key_length = None if psk.unusable else len(psk.key)
        from sclient.tls import events_rare as evr

        hs.events.append(evr.PskClientCallback(self.hint or None, psk.identity, key_length))
        if psk.unusable:  # s_client's psk_client_cb returns 0
            hs.events.append(evr.PskUnusable(False))
            raise LocalError(alerts.HANDSHAKE_FAILURE, "PSK_IDENTITY_NOT_FOUND")
        if self.exchange is not None:
            other, cke = self.exchange.premaster, self.exchange
        elif self.params.suite.kx == "RSAPSK":
            assert self.peer is not None
            other = make_rsa_premaster(hs.random, hs.ch.legacy_version)
            try:
                encrypted = rsa_encrypt_premaster(self.peer.key, other)  # type: ignore[arg-type]
            except cerr.CryptoError as e:
                raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", str(e)) from None
            cke = Exchange(encrypted, 2, other)
        else:
            other, cke = bytes(len(psk.key)), Exchange(b"", 0, b"")
        premaster = (
            len(other).to_bytes(2, "big") + other + len(psk.key).to_bytes(2, "big") + psk.key
        )
        hs.facts.update_session(psk_identity=psk.identity, psk_identity_hint=self.hint or None)
        message = ClientKeyExchangePsk(psk.identity, cke.public, cke.width)
        return finish_client_flight(hs, self.params, message, premaster, None)


# --- SRP suites (RFC 5054) ---------------------------------------------------------------


@register
class ExpectSrpServerKeyExchange(State, Struct, frozen=True, slots=True):
    """An SRP suite after ServerHello (or, for SRP-RSA and SRP-DSS, after
    Certificate): the ServerKeyExchange's N, g, s and B, checked as
    ``srp_verify_server_param`` checks them, then its signature if the suite
    is authenticated by a certificate."""

    EXPECTED = frozenset({P.SERVER_KEY_EXCHANGE})
    params: Params12
    peer: PeerKey | None

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        from sclient.tls.crypto.srp import SrpClient

        ske = cast(ServerKeyExchangeSrp, msg)
        login = hs.config.srp
        assert login is not None  # no SRP suite is offered without it
        n, g, b = (int.from_bytes(v, "big") for v in (ske.n, ske.g, ske.b))
        srp_check_group(hs, login, n, g, b)
        # then, as in tls_process_key_exchange, what follows the parameters
        if self.peer is None and ske.signature is not None:
            raise DecodeError("bytes after ServerSRPParams", "SRP_EXTRA_DATA")
        if self.peer is not None and ske.signature is None:
            raise DecodeError("no signature", "LENGTH_MISMATCH")
        if self.peer is not None:
            assert ske.signature is not None
            if self.params.version < P.TLS1_2 or ske.scheme is None:
                # TLS 1.0/1.1: the key type fixes the scheme (MD5+SHA-1 for RSA)
                scheme = legacy_sigalg(self.peer.kind, hs.config.security_level)
            else:
                scheme = ske.scheme
                groups = tuple(g for g in hs.offer.groups if G.BY_CODE.get(g, None) is not None)
                check_peer_sigalg(
                    scheme, self.peer, False, hs.offer.schemes, groups, hs.config.security_level
                )
            hs.facts.peer_scheme = scheme
            data = tls12_server_key_exchange_input(
                hs.facts.client_random, hs.facts.server_random, ske.params
            )
            verify_signature(scheme, self.peer, data, ske.signature, False)
        hs.transcript.update(ske.raw)
        exchange = SrpClient(n, g, ske.salt, b, hs.random)
        return ExpectCertificateRequestOrDone(self.params, self.peer, None, srp=exchange)


def srp_check_group(hs: Handshake, login: SrpLogin, n: int, g: int, b: int) -> None:
    """``srp_verify_server_param`` with s_client's parameter callback: g and
    B below N and B not zero, N of at least ``-srp_strength`` bits, then
    RFC 5054's groups (others only with ``-srp_moregroups`` and a deeper
    check, which is s_client's only when its callback is set)."""
    from sclient.tls.crypto import srp

    if g >= n or b >= n or b == 0:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "SRP_BAD_DATA")
    if n.bit_length() < login.strength:
        raise LocalError(alerts.INSUFFICIENT_SECURITY, "SRP_INSUFFICIENT_SECURITY")
    known = srp.is_known_group(n, g)
    if not login.verify_callback:
        if not known:
            raise LocalError(alerts.INSUFFICIENT_SECURITY, "SRP_UNKNOWN_GROUP")
        return
    deeper = not known and login.more_groups
    accepted = known or (deeper and srp.is_safe_group(n, g))
    from sclient.tls import events_rare as evr

    hs.events.append(evr.SrpGroupChecked(n, g, login.show, deeper and login.debug, accepted))
    if not accepted:
        raise LocalError(alerts.INSUFFICIENT_SECURITY, "SRP_CALLBACK_FAILED")


def srp_client_flight(
    hs: Handshake, params: Params12, exchange: object, choice: clientauth.Choice | None
) -> State:
    """Our ClientKeyExchange (A); the password is asked for once it is
    queued, as OpenSSL's callback is called after the message is built."""
    from sclient.tls.crypto.srp import SrpClient

    assert isinstance(exchange, SrpClient)
    login = hs.config.srp
    assert login is not None
    user = login.user
    if user is None:  # -srp_lateuser: the session has no user name to keep
        raise LocalError(alerts.INTERNAL_ERROR, "SRP_NO_USERNAME")

    def premaster() -> bytes:
        return exchange.premaster(user, login.password())

    hs.facts.update_session(srp_username=user)
    return finish_client_flight(
        hs, params, ClientKeyExchange(exchange.public, 2), premaster, choice
    )


# --- CertificateRequest, ServerHelloDone, our flight ------------------------------------


@register
class ExpectCertificateRequestOrDone(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.CERTIFICATE_REQUEST, P.SERVER_HELLO_DONE})
    params: Params12
    peer: PeerKey | None
    exchange: Exchange | None
    request: ev.CertificateRequested | None = None
    #: An SRP suite: our side of the exchange (sclient.tls.crypto.srp.SrpClient).
    srp: object = None

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        if isinstance(msg, CertificateRequest12):
            if self.request is not None:
                raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")
            check_certificate_request(msg)
            hs.transcript.update(msg.raw)
            asked = ev.CertificateRequested(
                tuple(msg.certificate_types), msg.signature_schemes, msg.authorities
            )
            hs.facts.cert_request = asked
            hs.events.append(asked)
            return structs.replace(self, request=asked)
        hs.transcript.update(msg.raw)
        status_callback(hs)
        return self.client_flight(hs)

    def client_flight(self, hs: Handshake) -> State:
        params = self.params
        exchange = self.exchange
        if exchange is None and self.srp is None:  # RSA key transport
            assert self.peer is not None
            premaster = make_rsa_premaster(hs.random, hs.ch.legacy_version)
            try:
                encrypted = rsa_encrypt_premaster(self.peer.key, premaster)  # type: ignore[arg-type]
            except cerr.CryptoError as e:
                raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", str(e)) from None
            # SSL 3.0 sends the encrypted secret without a length (RFC 6101 5.6.7.1).
            exchange = Exchange(encrypted, 0 if params.version == P.SSL3 else 2, premaster)
        choice = None
        if self.request is not None:
            from sclient.tls import clientauth

            legacy = params.version < P.TLS1_2
            choice = clientauth.answer(
                hs.config, self.request, False, hs.events, hs.facts.ec_point_formats, legacy
            )
            if choice is None and params.version == P.SSL3:
                # SSL 3.0 has no empty Certificate: a no_certificate warning instead.
                hs.flush()
                hs.rl.write(P.ALERT, bytes((alerts.WARNING, alerts.NO_CERTIFICATE)), hs.events)
                hs.events.append(ev.AlertSent(alerts.WARNING, alerts.NO_CERTIFICATE))
            else:
                chain = choice.credential.chain if choice is not None else ()
                if hs.facts.client_cert_type == ext.CERT_TYPE_RPK:
                    from sclient.tls import rpk

                    hs.queue(rpk.client_certificate(False, chain), OsslState.CW_CERT)
                else:
                    hs.queue(Certificate12(chain), OsslState.CW_CERT)
                hs.events.append(clientauth.sent_event(choice))
        if self.srp is not None:
            return srp_client_flight(hs, params, self.srp, choice)
        assert exchange is not None
        message = ClientKeyExchange(exchange.public, exchange.width)
        return finish_client_flight(hs, params, message, exchange.premaster, choice)


def check_certificate_request(cr: CertificateRequest12) -> None:
    """tls_process_certificate_request's checks after the framing: OpenSSL
    answers an empty or odd signature_algorithms list with internal_error
    "signature algorithms error", and each certificate authority must be one
    DER DistinguishedName ("ASN1 lib", "ca dn length mismatch": decode_error)."""
    if cr.tls12 and cr.bad_sigalgs:
        raise LocalError(alerts.INTERNAL_ERROR, "SIGNATURE_ALGORITHMS_ERROR")
    for name in cr.authorities:
        n = distinguished_name_length(name)
        if n is None:
            raise DecodeError("certificate authority does not parse", "CA_NAME_ASN1_LIB")
        if n != len(name):
            raise DecodeError("bytes after a certificate authority", "CA_DN_LENGTH_MISMATCH")


def finish_client_flight(
    hs: Handshake,
    params: Params12,
    cke: HandshakeMessage,
    premaster: bytes | Callable[[], bytes],
    choice: clientauth.Choice | None,
) -> State:
    """ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished.
    ``premaster`` may be a function, called once the ClientKeyExchange is
    queued (SRP's password callback)."""
    suite, version = params.suite, params.version
    hs.queue(cke, OsslState.CW_KEY_EXCH)
    if callable(premaster):
        premaster = premaster()

    h = prf_hash(suite, version)
    if version == P.SSL3:
        # SSL 3.0 has its own derivation (and none with the session hash).
        from sclient.tls.crypto import ssl3

        master = ssl3.master_secret(premaster, hs.facts.client_random, hs.facts.server_random)
    elif hs.facts.ems:
        session_hash = hs.transcript.digest(h)
        master = extended_master_secret(h, premaster, session_hash)
    else:
        master = master_secret(h, premaster, hs.facts.client_random, hs.facts.server_random)
    if choice is not None:
        # CertificateVerify signs every handshake message so far (RFC 5246 §7.4.8).
        from sclient.tls import clientauth

        if version == P.SSL3:
            from sclient.tls.crypto import ssl3

            digests = ssl3.certificate_verify_hashes(master, hs.transcript.raw())
            signature = clientauth.sign_ssl3(choice, digests)
        else:
            signature = clientauth.sign(choice, hs.transcript.raw(), False)
        # TLS 1.0/1.1 send no scheme: the key type fixed it.
        scheme = choice.scheme if version >= P.TLS1_2 else None
        hs.queue(CertificateVerify(scheme, signature), OsslState.CW_CERT_VRFY)
    hs.keylog("CLIENT_RANDOM", master)
    write, read = _ciphers(hs, suite, version, master)

    hs.send_ccs()
    hs.rl.install(WRITE, write)
    if params.next_protocol is not None:
        hs.queue(NextProtocol(params.next_protocol), OsslState.CW_NEXT_PROTO)
    verify = finished_data(hs, params, master, client=True)
    hs.queue(Finished(verify), OsslState.CW_FINISHED)
    hs.flush()
    hs.loop()
    keys = Keys12(
        params, master, read, hs.facts.client_random, hs.facts.server_random, client_verify=verify
    )
    hs.facts.update_session(master_key=master, extended_master_secret=hs.facts.ems)
    if params.ticket_expected:
        return ExpectNewSessionTicket12(keys)
    return ExpectChangeCipherSpec12(keys)


def finished_data(hs: Handshake, params: Params12, master: bytes, client: bool) -> bytes:
    """The verify_data of a Finished message over the transcript so far: the
    PRF's 12 bytes, or SSL 3.0's 36."""
    if params.version == P.SSL3:
        from sclient.tls.crypto import ssl3

        sender = ssl3.CLIENT_SENDER if client else ssl3.SERVER_SENDER
        return ssl3.finished(master, hs.transcript.raw(), sender)
    h = prf_hash(params.suite, params.version)
    label = b"client finished" if client else b"server finished"
    return verify_data12(h, master, label, hs.transcript.digest(h))


def _ciphers(
    hs: Handshake, suite: CipherSuite, version: int, master: bytes
) -> tuple[RecordCipher, RecordCipher]:
    """(client write, server read) record protection from the key block."""
    name = suite.cipher
    assert name is not None
    p = CIPHER_PARAMS[name]
    h = prf_hash(suite, version)
    mac_hash = None if suite.aead else suite.mac_hash
    mac_len = 0 if mac_hash is None else MAC_PARAMS[mac_hash]
    iv_len = fixed_iv_len(name, version)
    size = 2 * (mac_len + p.key_len + iv_len)
    sr, cr = hs.facts.server_random, hs.facts.client_random
    if version == P.SSL3:
        from sclient.tls.crypto import ssl3

        block = ssl3.key_block(master, sr, cr, size)
    else:
        block = key_block(h, master, sr, cr, size)
    kb = split_key_block(block, mac_len, p.key_len, iv_len)
    if suite.aead:
        return (
            Tls12Aead(name, kb.client_key, kb.client_iv, version),
            Tls12Aead(name, kb.server_key, kb.server_iv, version),
        )
    assert mac_hash is not None
    iv_c = kb.client_iv if iv_len else None
    iv_s = kb.server_iv if iv_len else None
    if version == P.SSL3:
        from sclient.tls.crypto import ssl3

        assert iv_c is not None and iv_s is not None
        return (
            ssl3.Ssl3Cbc(kb.client_key, kb.client_mac_key, mac_hash, hs.random, iv_c, name),
            ssl3.Ssl3Cbc(kb.server_key, kb.server_mac_key, mac_hash, hs.random, iv_s, name),
        )
    etm = hs.facts.etm
    return (
        Tls12Cbc(kb.client_key, kb.client_mac_key, mac_hash, etm, hs.random, version, iv_c, name),
        Tls12Cbc(kb.server_key, kb.server_mac_key, mac_hash, etm, hs.random, version, iv_s, name),
    )


def _resumption_keys(hs: Handshake, params: Params12, master: bytes) -> Keys12:
    """The abbreviated handshake's keys: the session's master secret with
    this connection's randoms (RFC 5246 §7.3)."""
    hs.keylog("CLIENT_RANDOM", master)
    write, read = _ciphers(hs, params.suite, params.version, master)
    return Keys12(params, master, read, hs.facts.client_random, hs.facts.server_random, write)


class Keys12(Struct, frozen=True, slots=True):
    params: Params12
    master: bytes
    read: RecordCipher
    client_random: bytes
    server_random: bytes
    #: Abbreviated handshake only: our write protection, used after the server's Finished.
    write: RecordCipher | None = None
    #: Our Finished's verify_data (full handshake: sent before the server's).
    client_verify: bytes = b""


# --- the server's finish ---------------------------------------------------------------------


@register
class ExpectNewSessionTicket12(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.NEW_SESSION_TICKET})
    keys: Keys12

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        nst = cast(NewSessionTicket12, msg)
        hs.transcript.update(nst.raw)
        if nst.ticket:
            hs.facts.update_session(
                session_id=hashes.digest("sha256", nst.ticket),
                ticket=nst.ticket,
                ticket_lifetime_hint=nst.lifetime_hint,
            )
        return ExpectChangeCipherSpec12(self.keys)


@register
class ExpectChangeCipherSpec12(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({0x100})
    keys: Keys12

    def handle_ccs(self, hs: Handshake) -> State:
        hs.rl.install(READ, self.keys.read)
        return ExpectFinished12(self.keys)


@register
class ExpectFinished12(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.FINISHED})
    #: Anything but handshake data now is "data between CCS and Finished".
    AFTER_CCS = True
    keys: Keys12

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        fin = cast(Finished, msg)
        params = self.keys.params
        expected = finished_data(hs, params, self.keys.master, client=False)
        if len(fin.verify_data) != len(expected):
            raise LocalError(alerts.DECODE_ERROR, "BAD_DIGEST_LENGTH")
        if not hashes.equal(fin.verify_data, expected):
            raise LocalError(alerts.DECRYPT_ERROR, "DIGEST_CHECK_FAILED")
        hs.transcript.update(fin.raw)
        client_verify = self.keys.client_verify
        if params.resumed:
            # Our ChangeCipherSpec and Finished close the abbreviated handshake.
            assert self.keys.write is not None
            hs.send_ccs()
            hs.rl.install(WRITE, self.keys.write)
            if params.next_protocol is not None:
                hs.queue(NextProtocol(params.next_protocol), OsslState.CW_NEXT_PROTO)
            client_verify = finished_data(hs, params, self.keys.master, client=True)
            hs.queue(Finished(client_verify), OsslState.CW_FINISHED)
            hs.flush()
        hs.loop(OsslState.OK)
        hs.complete = True
        if params.resumed:
            hs.facts.update_session(alpn=hs.facts.alpn)
        else:
            hs.facts.session = hs.facts.built_session(True, hs.config.now())
        neg = hs.facts.settled()
        if hs.renegotiation is None:
            hs.events.append(ev.HandshakeComplete(neg, hs.facts.session, hs.facts.resumed))
        else:
            hs.events.append(
                ev.RenegotiationComplete(neg, hs.facts.session, hs.facts.resumed, hs.renegotiation)
            )
        return Connected12(self.keys, client_verify, fin.verify_data)


@register
class Connected12(State, Struct, frozen=True, slots=True):
    """After the handshake. A HelloRequest starts a renegotiation (the client
    does that: it replaces the handshake context); here, with
    ``config.no_renegotiation``, it is answered with a warning
    no_renegotiation alert."""

    EXPECTED = frozenset({P.HELLO_REQUEST})
    keys: Keys12
    #: The verify_data of both Finished messages (RFC 5746's binding).
    client_verify: bytes = b""
    server_verify: bytes = b""

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        assert isinstance(msg, HelloRequest)
        from sclient.tls import events_rare as evr

        hs.events.append(evr.HelloRequestReceived())
        hs.rl.write(P.ALERT, bytes((alerts.WARNING, alerts.NO_RENEGOTIATION)), hs.events)
        hs.events.append(ev.AlertSent(alerts.WARNING, alerts.NO_RENEGOTIATION))
        hs.events.append(evr.RenegotiationRefused())
        return self

    def export(self, label: bytes, context: bytes | None, length: int) -> bytes:
        keys = self.keys
        h = prf_hash(keys.params.suite, keys.params.version)
        return export_keying_material12(
            h, keys.master, keys.client_random, keys.server_random, label, context, length
        )
