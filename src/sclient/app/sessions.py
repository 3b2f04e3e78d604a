"""``-sess_in`` and ``-sess_out``: session files in OpenSSL's PEM form
(output.md §20), read before connecting and written as s_client's
new-session callback writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.app.credentials import CredentialError, session_no_start_line
from sclient.app.secretfile import open_secret_file
from sclient.report.errors import ErrorEntry
from sclient.tls import events as ev
from sclient.tls.registry.protocol import TLS1_3
from sclient.tls.session import Session
from sclient.tls.sessionfile import SessionFileError, from_pem, to_pem

if TYPE_CHECKING:
    from sclient.app.program import Program

__all__ = ["keep_session", "load_session", "write_session"]

_PEM = "PEM routines"
_ASN1 = "asn1 encoding routines"


def _open_entries(path: str, en: int) -> list[ErrorEntry]:
    from sclient.x509.store import bio_fopen_errors

    return bio_fopen_errors(path, en)


def load_session(path: str, now: int) -> Session:
    """The ``-sess_in`` file, or CredentialError with s_client's text:
    ``Can't open session file <f>`` and the error queue, for an unreadable
    file as for one that holds no session."""
    text = f"Can't open session file {path}\n"
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CredentialError(text, _open_entries(path, e.errno or 0)) from None
    try:
        return from_pem(data, now)
    except SessionFileError as e:
        if str(e) == "no start line":
            entries = [session_no_start_line()]
        else:
            dec = "../crypto/asn1/tasn_dec.c"
            entries = [
                ErrorEntry(0x068000A8, _ASN1, "asn1_check_tlen", "wrong tag", dec, 1215),
                ErrorEntry(
                    0x0688010A,
                    _ASN1,
                    "asn1_item_embed_d2i",
                    "nested asn1 error",
                    dec,
                    375,
                    "Type=SSL_SESSION_ASN1",
                ),
                ErrorEntry(
                    0x0488000D, _PEM, "PEM_ASN1_read_bio", "ASN1 lib", "../crypto/pem/pem_oth.c", 33
                ),
            ]
        raise CredentialError(text, entries) from None


def write_session(path: str, session: Session) -> bool:
    """PEM_write_bio_SSL_SESSION to ``path`` (truncated); False if it cannot be opened."""
    try:
        with open_secret_file(path, append=False) as f:
            f.write(to_pem(session))
    except OSError:
        return False
    return True


def keep_session(
    p: Program, e: ev.HandshakeComplete | ev.RenegotiationComplete | ev.NewSessionTicket
) -> None:
    """s_client's new-session callback: a TLS <= 1.2 session with an id (or
    a ticket) at the end of a full handshake (a renegotiation's too), each
    TLS 1.3 ticket (also under -json): -sess_out writes it, -reconnect
    resumes it."""
    c = p.current
    if isinstance(e, ev.HandshakeComplete | ev.RenegotiationComplete):
        session = p.report.session
        if e.negotiated.version == TLS1_3 or c.resumed() is not None or session is None:
            return
        if not session.session_id:
            return
    elif p.version() == TLS1_3:
        session = c.ticket_session(e.session)
    else:
        return
    p.resume = session
    path = p.o.sess_out
    if path is not None and not write_session(str(path), session):
        p.c.err(f"Error writing session file {path}\n")
