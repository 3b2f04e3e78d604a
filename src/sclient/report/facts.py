"""Turn engine results (Negotiated, Session, events' data) into :class:`SummaryData`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sclient.report.model import CertInfo, SummaryData
from sclient.tls.events import CertificateRequested, Negotiated
from sclient.tls.registry import groups, sigschemes, suites
from sclient.tls.registry.protocol import TLS1_3
from sclient.tls.session import Session


def temp_key_text(n: Negotiated) -> str | None:
    """``Server Temp Key:`` text (``ssl_print_tmp_key``)."""
    if n.resumed and n.version == TLS1_3 and n.group is None:
        return None
    if n.dh_bits:
        return f"DH, {n.dh_bits} bits"
    if n.group is None:
        return None
    g = groups.BY_CODE.get(n.group)
    if g is None or g.kind in groups.KEM_KINDS:
        return None
    return f"{g.temp_key}, {g.bits} bits"


def kem_group_name(n: Negotiated) -> str | None:
    """The group of a key-encapsulation exchange (``Negotiated TLS1.3 group:``).

    The client holds no server public key for such a group, so OpenSSL 3.5's
    ``ssl_print_tmp_key`` names the negotiated group where ``Server Temp Key:``
    would be; sclient does the same, for these groups only (OpenSSL 3.0 prints
    nothing for a TLS 1.3 resumption without a key exchange, and so does sclient)."""
    if n.group is None:
        return None
    g = groups.BY_CODE.get(n.group)
    if g is None or g.kind not in groups.KEM_KINDS:
        return None
    return g.openssl


def shared_sigalgs(peer: Sequence[int], ours: Sequence[int], tls13: bool = False) -> list[int]:
    """The client's "shared" list: the peer's order, filtered by ours; in
    TLS 1.3 without the SHA-1, SHA-224 and DSA schemes (``tls12_sigalg_allowed``)."""
    mine = set(ours)
    out = []
    for s in peer:
        if s not in mine:
            continue
        if tls13:
            row = sigschemes.BY_CODE.get(s)
            if row is not None and (row.sig == "DSA" or row.hash in ("SHA1", "SHA224")):
                continue
        out.append(s)
    return out


def summary_data(
    *,
    version: int,
    negotiated: Negotiated | None,
    session: Session | None,
    chain: list[CertInfo] | None,
    peer: CertInfo | None,
    cert_request: CertificateRequested | None,
    ca_names: list[str],
    our_sigalgs: Sequence[int],
    bytes_read: int,
    bytes_written: int,
    verify_code: int,
    verify_text: Callable[[int], str],
    full: bool = True,
    showcerts: bool = False,
) -> SummaryData:
    d = SummaryData(
        version=version,
        full=full,
        showcerts=showcerts,
        chain=chain,
        peer=peer,
        ca_names=ca_names,
        bytes_read=bytes_read,
        bytes_written=bytes_written,
        verify_code=verify_code,
        verify_text=verify_text,
        session=session,
    )
    if cert_request is not None:
        d.cert_types = tuple(cert_request.certificate_types)
        d.requested_sigalgs = [sigschemes.listed_name(s) for s in cert_request.signature_schemes]
        d.shared_sigalgs = [
            sigschemes.listed_name(s)
            for s in shared_sigalgs(cert_request.signature_schemes, our_sigalgs, version == TLS1_3)
        ]
    if negotiated is None:
        if session is not None and session.cipher_suite is not None:
            # SSL_get_current_cipher: the (offered) session's
            suite = suites.BY_CODE.get(session.cipher_suite)
            if suite is not None:
                d.cipher_version, d.cipher_name = suite.version, suite.openssl
        return d
    n = negotiated
    suite = suites.BY_CODE.get(n.cipher_suite)
    if suite is not None:
        d.cipher_version, d.cipher_name = suite.version, suite.openssl
    d.resumed = n.resumed
    d.secure_renegotiation = n.secure_renegotiation
    d.alpn = n.alpn
    if n.srtp_profile is not None:
        from sclient.tls.registry.srtp import BY_CODE

        known = BY_CODE.get(n.srtp_profile)
        d.srtp_profile = known.openssl if known is not None else str(n.srtp_profile)
    d.early_data = n.early_data
    d.ec_point_formats = n.ec_point_formats
    if n.peer_signature_scheme is not None:
        s = sigschemes.BY_CODE.get(n.peer_signature_scheme)
        if s is not None:
            d.peer_digest = s.peer_digest
            d.peer_sigtype = s.peer_type
    d.temp_key = temp_key_text(n)
    d.kem_group = kem_group_name(n)
    return d
