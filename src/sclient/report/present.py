"""From the collected report to what ``print_stuff`` prints (output.md §5):
:func:`summary_data` decides which session, certificate, byte counts and
verify result the summary shows at each moment OpenSSL prints one (after the
handshake, after a failure, at ``-prexit``'s end)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sclient.base import structs
from sclient.base.structs import Struct, field
from sclient.report.collector import ConnectionReport, RunReport
from sclient.report.model import CertInfo, SummaryData
from sclient.tls.registry.protocol import ANY_VERSION, TLS1_3


def verify_text(code: int) -> str:
    """``X509_verify_cert_error_string`` (3.0.19 wording)."""
    from sclient.x509.errors import error_string

    return error_string(code)


class View(Struct, slots=True):
    """How the run shows certificates and names, and what it offered: the
    options the renderers need, and one description per certificate."""

    nameopt: str | list[str] | None = None
    showcerts: bool = False
    #: The highest version the ClientHello offers (the version before ServerHello).
    max_version: int = TLS1_3
    #: The signature schemes we accept (the "Shared ... Signature Algorithms").
    our_sigalgs: Sequence[int] = ()
    #: ``-ct``: the log store (sclient.x509.ct.LogStore); None: CT is off.
    ct_logs: Any = None
    #: ``-enable_server_rpk`` (OpenSSL 3.2): the summary shows the server's raw public key.
    show_server_rpk: bool = False
    _certs: dict[bytes, CertInfo] = field(default_factory=dict)

    def cert(self, der: bytes) -> CertInfo:
        info = self._certs.get(der)
        if info is None:
            from sclient.report.certs import describe

            info = self._certs[der] = describe(der, self.nameopt)
        return info

    def name(self, der: bytes) -> str:
        from sclient.report.certs import name_text

        return name_text(der, self.nameopt)


#: DTLS_ANY_VERSION: a DTLS connection's version before its ClientHello.
_DTLS_ANY_VERSION = 0x1FFFF


def connection_version(c: ConnectionReport, view: View) -> int:
    """SSL_version(): negotiated, else the accepted ServerHello's, else the
    client's maximum once the ClientHello is built, else "any"."""
    if c.negotiated is not None:
        return int(c.negotiated.version)
    if c.version:
        return int(c.version)
    if c.client_hello_sent:
        return view.max_version
    return ANY_VERSION if view.max_version >> 8 == 3 else _DTLS_ANY_VERSION


def _byte_counts(c: ConnectionReport, final: bool) -> tuple[int, int]:
    if not final and c.handshake_read is not None:
        return c.handshake_read, c.handshake_written or 0
    read = c.bytes_read
    if c.tls_read is not None and c.in_init and not final:
        # The record layer failed: OpenSSL read only what it had taken in
        # (a bad header's five bytes), never what came after.
        read = c.pre_tls_read + c.tls_read
    elif not final and c.records_read:
        # OpenSSL reads record by record (no read-ahead): after a failed
        # handshake it has read only up to the record that failed.
        read = c.pre_tls_read + c.records_read
    return read, c.bytes_written


def summary_data(run: RunReport, view: View, full: bool, final: bool = False) -> SummaryData:
    """What the summary shows for the current connection now."""
    from sclient.report.facts import summary_data as build
    from sclient.tls.session import Session

    c = run.current
    chain = [view.cert(d) for d in c.peer_chain] if c.peer_chain is not None else None
    version = connection_version(c, view)
    peer: CertInfo | None = None
    if not c.in_init and c.negotiated is not None:
        if c.peer_chain:
            peer = view.cert(c.peer_chain[0])
        elif run.session is not None and run.session.peer_certificate:
            peer = view.cert(run.session.peer_certificate)
    elif full and version == TLS1_3 and c.partial_session and c.partial_session.peer_certificate:
        # A TLS 1.3 handshake that failed after the server's Certificate was
        # accepted (e.g. at our client certificate): OpenSSL's session has it.
        peer = view.cert(c.partial_session.peer_certificate)
    ca_names: list[str] = []
    if c.cert_request is not None and c.cert_request.authorities:
        ca_names = [view.name(n) for n in c.cert_request.authorities]
    read, written = _byte_counts(c, final)
    session = run.session
    verify_code = c.verify_code()
    offered = c.offered_session if c.version is None and c.in_init else None
    if session is None and offered is not None:
        # No ServerHello settled another: the offered session is still the
        # connection's, with its certificate and verify result.
        session, verify_code = offered, offered.verify_result
        if full and offered.peer_certificate:
            peer = view.cert(offered.peer_certificate)
    elif session is None and c.client_hello_sent and version != TLS1_3:
        session = Session(
            version=version, cipher_suite=None, start_time=int(c.hello_time), timeout=7200
        )
        # A TLS <= 1.2 handshake that failed after the ServerHello: OpenSSL's
        # session already holds the cipher, the server's certificate (once
        # verified), the PSK identity and the master secret.
        partial, settled = c.partial_session, c.settled
        if partial is not None and settled is not None and partial.version == version:
            # ... but the cipher only once our ChangeCipherSpec is written
            # (ossl_statem_client_post_work), while the EMS flag comes with
            # the ServerHello.
            session = structs.replace(
                partial,
                cipher_suite=settled.cipher_suite if c.ccs_sent else None,
                extended_master_secret=settled.extended_master_secret,
                start_time=int(c.hello_time),
                timeout=7200,
            )
            if peer is None and full and partial.peer_certificate:
                peer = view.cert(partial.peer_certificate)
    negotiated = c.negotiated if c.negotiated is not None else c.settled
    # tls_post_process_server_certificate stores the result in the session
    # only when the verification did not end the handshake.
    if session is not None and session.verify_result != verify_code and not c.aborted():
        session = structs.replace(session, verify_result=verify_code)
    d = build(
        version=version,
        negotiated=negotiated,
        session=session,
        chain=chain if full else None,
        peer=peer,
        cert_request=c.cert_request,
        ca_names=ca_names,
        our_sigalgs=view.our_sigalgs,
        bytes_read=read,
        bytes_written=written,
        verify_code=verify_code,
        verify_text=verify_text,
        full=full,
        showcerts=view.showcerts,
    )
    if negotiated is None and c.early_data_offered:
        d.early_data = "rejected"  # until the server accepts it (SSL_EARLY_DATA_REJECTED)
    d.keying_material = c.keying_material
    if c.cert_types is not None or view.show_server_rpk:
        from sclient.report.rpk import fill_summary

        fill_summary(d, c.cert_types, c.peer_rpk, view.show_server_rpk)
    if negotiated is not None and negotiated.compression:
        from sclient.tls.registry.protocol import CHANGE_CIPHER_SPEC, COMPRESSION_NAMES

        # Each direction compresses from its ChangeCipherSpec on.
        name = COMPRESSION_NAMES.get(negotiated.compression)
        done = c.negotiated is not None
        if done or c.ccs_sent:
            d.compression = name
        if done or any(not m.sent and m.content_type == CHANGE_CIPHER_SPEC for m in c.messages):
            d.expansion = name
    if c.next_protocol is not None:
        d.next_protocol = (c.next_protocol.status, c.next_protocol.protocol)
    if c.ech is not None:
        from sclient.report.ech import ech_lines

        d.ech_lines = ech_lines(c.ech)
    if view.ct_logs is not None and peer is not None and not d.resumed and full:
        from sclient.report.ct import sct_lines

        d.sct_block = sct_lines(c, view.ct_logs)
    if c.verdict is not None:
        d.verified_peername = c.verdict.peername
        d.dane_line = c.verdict.dane_line
    if c.negotiated is None and session is not None and session.cipher_suite is None:
        # SSL_get_current_cipher is the session's: none before our CCS.
        d.cipher_version = d.cipher_name = None
    return d
