"""``SSL_SESSION_print`` (``ssl/ssl_txt.c``, output.md §6): the ``SSL-Session:`` block."""

from __future__ import annotations

from collections.abc import Callable

from sclient.report.hexdump import bio_dump
from sclient.tls.registry import protocol, suites
from sclient.tls.registry.protocol import TLS1_3
from sclient.tls.session import Session


def protocol_name(version: int) -> str:
    return protocol.VERSION_NAMES.get(version, "unknown")


def render_session(s: Session, verify_text: Callable[[int], str]) -> str:
    """The block with OpenSSL's exact line-break mechanics (fields after the
    session id are written newline-first)."""
    tls13 = s.version == TLS1_3
    out = ["SSL-Session:\n", f"    Protocol  : {protocol_name(s.version)}\n"]
    if s.cipher_suite is None:
        out.append("    Cipher    : 0000\n")
    else:
        suite = suites.BY_CODE.get(s.cipher_suite)
        out.append(f"    Cipher    : {suite.openssl if suite else 'unknown'}\n")
    out.append("    Session-ID: " + s.session_id.hex().upper())
    out.append("\n    Session-ID-ctx: " + s.session_id_context.hex().upper())
    out.append("\n    Resumption PSK: " if tls13 else "\n    Master-Key: ")
    out.append(s.master_key.hex().upper())
    ident, hint = s.psk_identity, s.psk_identity_hint
    out.append("\n    PSK identity: " + ("None" if ident is None else ident.decode("latin-1")))
    out.append("\n    PSK identity hint: " + ("None" if hint is None else hint.decode("latin-1")))
    srp = s.srp_username
    out.append("\n    SRP username: " + ("None" if srp is None else srp.decode("latin-1")))
    if s.ticket_lifetime_hint:
        out.append(f"\n    TLS session ticket lifetime hint: {s.ticket_lifetime_hint} (seconds)")
    if s.ticket:
        out.append("\n    TLS session ticket:\n")
        out.append(bio_dump(s.ticket, 4))
    if s.compression:
        name = protocol.COMPRESSION_NAMES.get(s.compression)
        out.append(f"\n    Compression: {s.compression}" + (f" ({name})" if name else ""))
    if s.start_time:
        out.append(f"\n    Start Time: {s.start_time}")
    if s.timeout:
        out.append(f"\n    Timeout   : {s.timeout} (sec)")
    out.append("\n")
    out.append(f"    Verify return code: {s.verify_result} ({verify_text(s.verify_result)})\n")
    out.append(f"    Extended master secret: {'yes' if s.extended_master_secret else 'no'}\n")
    if tls13:
        out.append(f"    Max Early Data: {s.max_early_data}\n")
    return "".join(out)


def render_ticket_block(s: Session, verify_text: Callable[[int], str]) -> str:
    """A TLS 1.3 NewSessionTicket's block (``new_session_cb``)."""
    return (
        "---\nPost-Handshake New Session Ticket arrived:\n"
        + render_session(s, verify_text)
        + "---\n"
    )
