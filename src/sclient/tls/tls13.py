"""The TLS 1.3 client handshake (RFC 8446) from the ServerHello on.

States: ExpectEncryptedExtensions -> ExpectCertificateOrRequest ->
[ExpectCertificate] -> ExpectCertificateVerify -> ExpectFinished ->
Connected13 (NewSessionTicket, KeyUpdate). The HelloRetryRequest is answered
in :mod:`sclient.tls.serverhello`, which hands a TLS 1.3 ServerHello over here.

Key changes follow OpenSSL 3.0: the read side moves to the handshake keys
right after the ServerHello; the write side only when the second flight is
built (after the middlebox CCS), so alerts about the server's flight go out
in the clear. Secrets are logged in the order OpenSSL logs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sclient.base.structs import Struct
from sclient.tls import events as ev
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto import hashes
from sclient.tls.crypto.keyschedule import (
    KeySchedule13,
    export_keying_material13,
    finished_verify_data,
    next_application_traffic_secret,
    resumption_psk,
    traffic_key_iv,
)
from sclient.tls.crypto.protection import CIPHER_PARAMS, Tls13Aead
from sclient.tls.crypto.signatures import tls13_certificate_verify_input
from sclient.tls.crypto.transcript import Transcript
from sclient.tls.errors import LocalError
from sclient.tls.hello import (
    OfferedPsk,
    collect_extensions,
    parse_common_extension,
)
from sclient.tls.peer import (
    PeerKey,
    check_peer_sigalg,
    process_certificates,
    status_callback,
    take_status,
    verify_signature,
)
from sclient.tls.records import EPOCH_APPLICATION, EPOCH_HANDSHAKE, READ, WRITE
from sclient.tls.registry import alerts
from sclient.tls.registry import extensions as ext
from sclient.tls.registry import groups as G
from sclient.tls.registry import protocol as P
from sclient.tls.registry.extensions import STATUS_REQUEST
from sclient.tls.registry.suites import CipherSuite
from sclient.tls.states import Handshake, OsslState, State, register
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import (
    Certificate13,
    CertificateEntry,
    CertificateRequest13,
    CertificateVerify,
    CompressedCertificate,
    EncryptedExtensions,
    Finished,
    HandshakeMessage,
    KeyUpdate,
    NewSessionTicket13,
    ServerHello,
)

if TYPE_CHECKING:  # the client-certificate machinery is imported when a server asks
    from sclient.tls import clientauth

__all__ = [
    "Connected13",
    "ExpectCertificate",
    "ExpectCertificateOrRequest",
    "ExpectCertificateVerify",
    "ExpectEncryptedExtensions",
    "ExpectFinished",
    "Keys13",
    "process_server_hello",
]


def _cipher(hs: Handshake, suite: CipherSuite, secret: bytes) -> Tls13Aead:
    name = suite.cipher
    assert name is not None
    p = CIPHER_PARAMS[name]
    key, iv = traffic_key_iv(suite.prf_hash, secret, p.key_len, p.iv_len)
    return Tls13Aead(name, key, iv, hs.config.record_padding)


class Keys13(Struct, frozen=True, slots=True):
    """The handshake-phase secrets."""

    suite: CipherSuite
    schedule: KeySchedule13
    client_hs: bytes
    server_hs: bytes


# --- ServerHello ------------------------------------------------------------------

#: OpenSSL parses extensions in ``ext_defs[]`` order, not wire order.
_OPENSSL_ORDER = {
    t: i
    for i, t in enumerate(
        (
            65281,
            0,
            1,
            12,
            11,
            10,
            35,
            5,
            13172,
            16,
            14,
            22,
            18,
            23,
            50,
            49,
            13,
            43,
            45,
            51,
            44,
            0xFDE8,
            27,  # compress_certificate (OpenSSL 3.2+)
            42,
            47,
            21,
            41,
        )
    )
}


def in_openssl_order(exts: tuple[X.Extension, ...]) -> list[X.Extension]:
    known = [e for e in exts if e.ext_type in _OPENSSL_ORDER]
    return sorted(known, key=lambda e: _OPENSSL_ORDER[e.ext_type])


def _is_kem(group: int) -> bool:
    row = G.BY_CODE.get(group)
    return row is not None and row.kind in G.KEM_KINDS


def process_server_hello(hs: Handshake, sh: ServerHello, suite: CipherSuite) -> State:
    """The TLS 1.3 part of tls_process_server_hello: key share, handshake
    secrets, read keys."""
    share_ext: X.KeyShareServer | None = None
    chosen: OfferedPsk | None = None
    for e in in_openssl_order(sh.extensions):
        if isinstance(e, X.Malformed):
            e.raise_error()
        if isinstance(e, X.KeyShareServer):
            share_ext = e
        elif isinstance(e, X.PreSharedKeySelected):
            psks = hs.offer.psks
            if e.selected_identity >= len(psks):
                raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_PSK_IDENTITY")
            chosen = psks[e.selected_identity]
            if suite.prf_hash != chosen.hash:
                raise LocalError(alerts.ILLEGAL_PARAMETER, "CIPHERSUITE_DIGEST_HAS_CHANGED")
            hs.facts.psk_accepted = True
            if chosen.session is not None:
                # A resumption: the session goes on (certificate, verify result).
                hs.facts.resume(chosen.session, version=P.TLS1_3)
    hash_name = suite.prf_hash
    if share_ext is None:
        # final_key_share: no key_share is fine only for an accepted PSK in
        # psk_ke mode (offered with -allow_no_dhe_kex): no (EC)DHE input.
        if chosen is None or not hs.config.allow_no_dhe_kex:
            raise LocalError(alerts.MISSING_EXTENSION, "NO_SUITABLE_KEY_SHARE")
        shared = bytes(hashes.hash_len(hash_name))
    else:
        entry = share_ext.entry
        share = hs.shares.get(entry.group)
        if share is None:
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_KEY_SHARE", "not a group we sent")
        try:
            shared = share.exchange(entry.key_exchange)
        except cerr.IllegalKeyShare as e:
            if _is_kem(entry.group):
                raise LocalError(alerts.INTERNAL_ERROR, "KEM_DECAPSULATION", str(e)) from None
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_ECPOINT", str(e)) from None
        hs.facts.group = entry.group

    hs.transcript.set_hash(hash_name)
    hs.transcript.update(sh.raw)
    ks = KeySchedule13(hash_name)
    ks.early(chosen.key if chosen is not None else None)
    ks.handshake(shared)
    th = hs.transcript.digest()
    server_hs = ks.server_handshake_traffic_secret(th)
    client_hs = ks.client_handshake_traffic_secret(th)
    hs.keylog("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_hs)
    rl = hs.rl
    rl.expect_compat_ccs(True)
    rl.install(READ, _cipher(hs, suite, server_hs), EPOCH_HANDSHAKE)
    rl.set_write_version(P.TLS1_2)
    return ExpectEncryptedExtensions(Keys13(suite, ks, client_hs, server_hs))


# --- EncryptedExtensions ----------------------------------------------------------


def process_server_extensions(hs: Handshake, exts: tuple[X.Extension, ...]) -> None:
    """Parse the EncryptedExtensions (server_name, max_fragment_length, ALPN)."""
    for e in in_openssl_order(exts):
        if isinstance(e, X.Malformed):
            e.raise_error()
        if isinstance(e, X.EarlyData) and hs.early is not None:
            from sclient.tls.early import accept

            accept(hs)
            continue
        parse_common_extension(hs, e)


@register
class ExpectEncryptedExtensions(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.ENCRYPTED_EXTENSIONS})
    keys: Keys13

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        ee = cast(EncryptedExtensions, msg)
        hs.transcript.update(ee.raw)
        collect_extensions(ee.extensions, X.Context.EE, hs.offer)
        process_server_extensions(hs, ee.extensions)
        if hs.config.offers_cert_types:
            from sclient.tls import rpk

            rpk.settle(hs, ee.extensions)
        if hs.ech is not None:
            from sclient.tls import ech

            ech.encrypted_extensions(hs, ee.extensions)
        hs.facts.server_ext_types.extend(e.ext_type for e in ee.extensions)
        if hs.facts.psk_accepted:
            # A PSK handshake authenticates the server by the key: Finished next.
            return ExpectFinished(self.keys, None)
        return ExpectCertificateOrRequest(self.keys)


# --- CertificateRequest, Certificate, CertificateVerify ------------------------------


@register
class ExpectCertificateOrRequest(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.CERTIFICATE_REQUEST, P.CERTIFICATE, P.COMPRESSED_CERTIFICATE})
    keys: Keys13

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        if isinstance(msg, CertificateRequest13):
            request = process_certificate_request(hs, msg)
            return ExpectCertificate(self.keys, request)
        return ExpectCertificate(self.keys, None).handle(hs, msg)


class PendingRequest(Struct, frozen=True, slots=True):
    """A CertificateRequest still to answer: its context and what it asked."""

    context: bytes
    asked: ev.CertificateRequested
    #: The CertificateRequest's compress_certificate algorithms that we may
    #: compress with, in its order (OpenSSL's compress_certificate_from_peer).
    compress_with: tuple[int, ...] = ()


def process_certificate_request(
    hs: Handshake, cr: CertificateRequest13, post_handshake: bool = False
) -> PendingRequest:
    hs.transcript.update(cr.raw)
    collect_extensions(cr.extensions, X.Context.CR, hs.offer)
    schemes: tuple[int, ...] | None = None
    cert_schemes: tuple[int, ...] | None = None
    authorities: tuple[bytes, ...] = ()
    compress_with: tuple[int, ...] = ()
    for e in in_openssl_order(cr.extensions):
        if e.ext_type == ext.COMPRESS_CERTIFICATE and not hs.config.cert_comp_tx:
            continue  # ignored, as OpenSSL 3.2+ does under SSL_OP_NO_TX_CERTIFICATE_COMPRESSION
        if isinstance(e, X.Malformed):
            e.raise_error()
        if isinstance(e, X.CompressCertificate):
            tx = hs.config.cert_comp_tx
            compress_with = tuple(dict.fromkeys(a for a in e.algorithms if a in tx))
        elif isinstance(e, X.SignatureAlgorithms):
            schemes = e.schemes
        elif isinstance(e, X.SignatureAlgorithmsCert):
            cert_schemes = e.schemes
        elif isinstance(e, X.CertificateAuthorities):
            authorities = e.authorities
    if schemes is None:
        raise LocalError(alerts.MISSING_EXTENSION, "MISSING_SIGALGS_EXTENSION")
    asked = ev.CertificateRequested((), schemes, authorities, post_handshake, cert_schemes)
    hs.facts.cert_request = asked
    hs.events.append(asked)
    return PendingRequest(cr.context, asked, compress_with)


@register
class ExpectCertificate(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.CERTIFICATE, P.COMPRESSED_CERTIFICATE})
    keys: Keys13
    request: PendingRequest | None

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        if msg.MSG_TYPE == P.CERTIFICATE and hs.raw_public_key_expected():
            from sclient.tls import rpk

            rpk_cert = cast(rpk.RpkCertificate, msg)
            hs.transcript.update(rpk_cert.raw)
            key = rpk.process_server_rpk(hs, rpk_cert, None)
            hs.facts.session = hs.facts.built_session(
                hs.complete, hs.config.now(), peer_rpk=rpk_cert.spki
            )
            return ExpectCertificateVerify(self.keys, self.request, key, hs.transcript.digest())
        if isinstance(msg, CompressedCertificate):
            cert = _expand_certificate(hs, msg)
        else:
            cert = cast(Certificate13, msg)
        if cert.context:
            raise LocalError(alerts.DECODE_ERROR, "LENGTH_MISMATCH", "non-empty context")
        if not cert.entries:
            raise LocalError(alerts.DECODE_ERROR, "LENGTH_MISMATCH", "empty certificate list")
        for index, entry in enumerate(cert.entries):
            collect_extensions(entry.extensions, X.Context.CT, hs.offer)
            for e in entry.extensions:
                if e.ext_type == STATUS_REQUEST and index:
                    continue  # OpenSSL reads only the leaf's OCSP response
                if isinstance(e, X.Malformed):
                    e.raise_error()
                if isinstance(e, X.OcspResponse):
                    take_status(hs, e.response)
                elif isinstance(e, X.SignedCertificateTimestamps) and hs.config.sct_request:
                    # tls_parse_stoc_sct: the leaf's list, under -ct
                    hs.facts.sct_list = e.data if not index else hs.facts.sct_list
        hs.transcript.update(cert.raw)
        peer = process_certificates(hs, cert.chain, None)
        hs.facts.session = hs.facts.built_session(
            hs.complete, hs.config.now(), peer_certificate=cert.chain[0]
        )
        return ExpectCertificateVerify(self.keys, self.request, peer, hs.transcript.digest())


def _expand_certificate(hs: Handshake, msg: CompressedCertificate) -> Certificate13:
    """The Certificate a CompressedCertificate carries (RFC 8879), with the
    compressed message's bytes as its ``raw``: the transcript holds the
    message as it was sent."""
    from sclient.tls import certcomp
    from sclient.tls.wire.buffer import Reader

    body = certcomp.expand(hs.config.cert_comp_rx, msg)
    algorithm = msg.algorithm
    assert algorithm is not None  # expand checked it
    from sclient.tls import events_rare as evr

    hs.events.append(evr.CertificateCompression(False, algorithm, len(msg.body) - 8, len(body)))
    cert = Certificate13.decode(Reader(body))
    object.__setattr__(cert, "raw", msg.raw)
    return cert


@register
class ExpectCertificateVerify(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.CERTIFICATE_VERIFY})
    keys: Keys13
    request: PendingRequest | None
    peer: PeerKey
    transcript_hash: bytes

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        cv = cast(CertificateVerify, msg)
        scheme = cv.scheme
        assert scheme is not None  # the decoder always reads one
        check_peer_sigalg(
            scheme,
            self.peer,
            True,
            hs.offer.schemes,
            seclevel=hs.config.security_level,
            strict=hs.config.strict,
        )
        hs.facts.peer_scheme = scheme  # OpenSSL reports it even if the signature fails
        content = tls13_certificate_verify_input(self.transcript_hash, server=True)
        verify_signature(scheme, self.peer, content, cv.signature, True)
        hs.transcript.update(cv.raw)
        if self.request is None:
            return ExpectFinished(self.keys, None)
        # OpenSSL prepares the client certificate (its certificate callback, which
        # may fail) right after the server's CertificateVerify, before Finished.
        from sclient.tls import clientauth

        choice = clientauth.answer(hs.config, self.request.asked, True, hs.events)
        return ExpectFinished(self.keys, self.request, (choice,))


# --- Finished -------------------------------------------------------------------------


@register
class ExpectFinished(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.FINISHED})
    keys: Keys13
    request: PendingRequest | None
    #: ``(choice,)`` when the client certificate was already chosen
    prepared: tuple[clientauth.Choice | None] | None = None

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        fin = cast(Finished, msg)
        keys = self.keys
        suite = keys.suite
        h = suite.prf_hash
        if hs.record_pending:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "NOT_ON_RECORD_BOUNDARY")
        expected = finished_verify_data(h, keys.server_hs, hs.transcript.digest())
        if len(fin.verify_data) != len(expected):
            raise LocalError(alerts.DECODE_ERROR, "BAD_DIGEST_LENGTH")
        if not hashes.equal(fin.verify_data, expected):
            raise LocalError(alerts.DECRYPT_ERROR, "DIGEST_CHECK_FAILED")
        hs.transcript.update(fin.raw)

        ks = keys.schedule
        ks.master()
        th = hs.transcript.digest()
        server_app = ks.server_application_traffic_secret_0(th)
        client_app = ks.client_application_traffic_secret_0(th)
        exporter = ks.exporter_master_secret(th)
        hs.keylog("EXPORTER_SECRET", exporter)
        hs.keylog("SERVER_TRAFFIC_SECRET_0", server_app)
        rl = hs.rl
        rl.install(READ, _cipher(hs, suite, server_app), EPOCH_APPLICATION)
        status_callback(hs)  # TLS 1.3's end of the server's first flight

        # The second flight: [EndOfEarlyData] [CCS] [Certificate] Finished.
        if hs.early is not None:
            from sclient.tls.early import end_of_early_data

            end_of_early_data(hs)
        elif hs.config.middlebox_compat and not hs.facts.hrr and not hs.ccs_sent:
            hs.send_ccs()
        hs.keylog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", keys.client_hs)
        rl.install(WRITE, _cipher(hs, suite, keys.client_hs), EPOCH_HANDSHAKE)
        if hs.ech is not None:
            from sclient.tls import ech

            ech.server_finished(hs)  # a rejected ECH ends here (ech_required)
        if self.request is not None:
            send_client_certificate(hs, self.request, prepared=self.prepared)
        verify_data = finished_verify_data(h, keys.client_hs, hs.transcript.digest())
        hs.queue(Finished(verify_data), OsslState.CW_FINISHED)
        hs.flush()
        pha_base = hs.transcript.fork() if hs.config.post_handshake_auth else None
        resumption = ks.resumption_master_secret(hs.transcript.digest())
        hs.keylog("CLIENT_TRAFFIC_SECRET_0", client_app)
        rl.install(WRITE, _cipher(hs, suite, client_app), EPOCH_APPLICATION)
        hs.loop(OsslState.OK)
        rl.expect_compat_ccs(False)

        app = App13(suite, server_app, client_app, exporter, resumption, pha_base)
        complete(hs)
        return Connected13(app)


def send_client_certificate(
    hs: Handshake,
    request: PendingRequest,
    post_handshake: bool = False,
    prepared: tuple[clientauth.Choice | None] | None = None,
) -> None:
    """Queue Certificate [+ CertificateVerify] for the pending request (with the
    certificate already chosen when ``prepared`` holds the choice)."""
    from sclient.tls import clientauth

    if prepared is not None:
        choice = prepared[0]
    else:
        choice = clientauth.answer(hs.config, request.asked, True, hs.events)
    if hs.facts.client_cert_type == ext.CERT_TYPE_RPK:
        from sclient.tls import rpk

        chain = choice.credential.chain if choice else ()
        hs.queue(rpk.client_certificate(True, chain, request.context), OsslState.CW_CERT)
    else:
        entries = tuple(CertificateEntry(d) for d in choice.credential.chain) if choice else ()
        certificate = Certificate13(request.context, entries)
        if choice is not None and request.compress_with:
            # OpenSSL 3.2+: a certificate (not an empty one) goes compressed with
            # the first algorithm the CertificateRequest lists that we have.
            from sclient.tls import certcomp

            algorithm = request.compress_with[0]
            plain = certificate.encode_body()
            packed = certcomp.compress(algorithm, plain)
            hs.queue(
                CompressedCertificate.build(algorithm, len(plain), packed), OsslState.CW_COMP_CERT
            )
            from sclient.tls import events_rare as evr

            hs.events.append(evr.CertificateCompression(True, algorithm, len(packed), len(plain)))
        else:
            hs.queue(certificate, OsslState.CW_CERT)
    if choice is not None:
        content = tls13_certificate_verify_input(hs.transcript.digest(), server=False)
        signature = clientauth.sign(choice, content, True)
        hs.queue(CertificateVerify(choice.scheme, signature), OsslState.CW_CERT_VRFY)
    hs.events.append(clientauth.sent_event(choice, post_handshake))


def complete(hs: Handshake) -> None:
    hs.complete = True
    neg = hs.facts.settled()
    hs.facts.session = hs.facts.built_session(hs.complete, hs.config.now())
    hs.events.append(ev.HandshakeComplete(neg, hs.facts.session, hs.facts.resumed))


# --- after the handshake --------------------------------------------------------------


class App13(Struct, slots=True):
    """Application-phase secrets (mutable: KeyUpdate moves them)."""

    suite: CipherSuite
    server_app: bytes
    client_app: bytes
    exporter: bytes
    resumption: bytes
    #: The transcript through our Finished (``-enable_pha``), where every
    #: post-handshake authentication starts.
    pha_base: Transcript | None = None


@register
class Connected13(State, Struct, frozen=True, slots=True):
    EXPECTED = frozenset({P.NEW_SESSION_TICKET, P.KEY_UPDATE, P.CERTIFICATE_REQUEST})
    app: App13

    def handle(self, hs: Handshake, msg: HandshakeMessage) -> State:
        if isinstance(msg, KeyUpdate):
            self.on_key_update(hs, msg)
        elif isinstance(msg, CertificateRequest13):
            self.on_certificate_request(hs, msg)
        else:
            self.on_ticket(hs, cast(NewSessionTicket13, msg))
        return self

    def on_ticket(self, hs: Handshake, nst: NewSessionTicket13) -> None:
        collect_extensions(nst.extensions, X.Context.NST, hs.offer)
        max_early = 0
        for e in in_openssl_order(nst.extensions):
            if isinstance(e, X.Malformed):
                e.raise_error()
            if isinstance(e, X.EarlyDataMax):
                max_early = e.max_early_data_size
        h = self.app.suite.prf_hash
        psk = resumption_psk(h, self.app.resumption, nst.nonce)
        session = hs.facts.built_session(
            hs.complete,
            hs.config.now(),
            session_id=hashes.digest("sha256", nst.ticket),
            master_key=psk,
            ticket=nst.ticket,
            ticket_lifetime_hint=nst.lifetime,
            ticket_age_add=nst.age_add,
            ticket_nonce=nst.nonce,
            max_early_data=max_early,
            # OpenSSL: the ticket's lifetime, but never more than the session's
            # own timeout (s_server's 304 s PSK ticket shows 304; gnutls-serv's
            # 21600 s shows 7200); a session made without a certificate keeps
            # verify result 1.
            timeout=min(nst.lifetime, hs.facts.session.timeout)
            if nst.lifetime
            else hs.facts.session.timeout,
            verify_result=1
            if hs.facts.psk_accepted and hs.facts.resumed is None
            else hs.facts.session.verify_result,
        )
        hs.facts.session = session
        hs.events.append(ev.NewSessionTicket(session, post_handshake=True))

    def on_certificate_request(self, hs: Handshake, cr: CertificateRequest13) -> None:
        """Post-handshake authentication (RFC 8446 §4.6.2): Certificate,
        [CertificateVerify,] Finished over the handshake transcript through
        our Finished plus this exchange, keyed by our current traffic secret."""
        app = self.app
        if app.pha_base is None:
            # We did not offer post_handshake_auth.
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "UNEXPECTED_MESSAGE")
        if hs.record_pending:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "NOT_ON_RECORD_BOUNDARY")
        if not cr.context:
            raise LocalError(alerts.DECODE_ERROR, "LENGTH_MISMATCH", "empty context")
        main = hs.transcript
        hs.transcript = app.pha_base.fork()
        try:
            pending = process_certificate_request(hs, cr, post_handshake=True)
            send_client_certificate(hs, pending, post_handshake=True)
            h = app.suite.prf_hash
            verify_data = finished_verify_data(h, app.client_app, hs.transcript.digest())
            hs.queue(Finished(verify_data), OsslState.CW_FINISHED)
            hs.flush()
        finally:
            hs.transcript = main
        from sclient.tls import events_rare as evr

        hs.events.append(evr.PostHandshakeAuthDone())
        hs.loop(OsslState.OK)

    def on_key_update(self, hs: Handshake, ku: KeyUpdate) -> None:
        if hs.record_pending:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "NOT_ON_RECORD_BOUNDARY")
        if ku.request_update not in (0, 1):
            raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_KEY_UPDATE")
        app = self.app
        app.server_app = next_application_traffic_secret(app.suite.prf_hash, app.server_app)
        hs.rl.install(READ, _cipher(hs, app.suite, app.server_app))
        from sclient.tls import events_rare as evr

        hs.events.append(evr.KeyUpdateReceived(bool(ku.request_update)))
        if ku.request_update:
            self.send_key_update(hs, False)

    def send_key_update(self, hs: Handshake, request: bool) -> None:
        app = self.app
        hs.send_message(KeyUpdate(1 if request else 0), OsslState.CW_KEY_UPDATE)
        app.client_app = next_application_traffic_secret(app.suite.prf_hash, app.client_app)
        hs.rl.install(WRITE, _cipher(hs, app.suite, app.client_app))
        hs.loop(OsslState.OK)

    def export(self, label: bytes, context: bytes | None, length: int) -> bytes:
        return export_keying_material13(
            self.app.suite.prf_hash, self.app.exporter, label, context, length
        )
