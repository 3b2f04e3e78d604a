"""``-dane_tlsa_domain``/``-dane_tlsa_rrdata``/``-dane_ee_no_namechecks``: s_client's
DANE set-up (``SSL_dane_enable`` + ``tlsa_import_rrset``), just before it connects.

Messages and exit statuses are s_client's (options.md §4.1): a bad field is a
warning and the record is skipped; a record the library refuses prints the
error queue then a warning; no usable record at all, or a missing domain or
rrdata, ends the program with status 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.app.common import Exit, valid_server_name
from sclient.app.console import Console
from sclient.x509.dane import (
    Dane,
    RRDataAllocError,
    RRDataFieldError,
    TlsaAddError,
    TlsaError,
    make_record,
    parse_rrdata,
)

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options

PROG = "s_client"

#: What SSL_set_tlsext_host_name queues for an empty name or one over 255 bytes.
INVALID_SERVERNAME = TlsaError(
    0x0A00013F, "SSL routines", "ssl3_ctrl", "ssl3 ext invalid servername", "../ssl/s3_lib.c", 3915
)


def refuse_server_name(console: Console) -> Exit:
    """s_client's SNI set-up failed: its line and the queue, exit 1."""
    console.err("Unable to set TLS servername extension.\n")
    _print_errors(console, [INVALID_SERVERNAME])
    return Exit(1)


def _print_errors(console: Console, entries: list[TlsaError]) -> None:
    from sclient.report.errors import thread_id

    tid = thread_id()
    console.err("".join(e.line_text(tid) + "\n" for e in entries))


def load_dane(o: Options, console: Console) -> Dane | None:
    """The DANE configuration, or None when DANE is not enabled."""
    domain = o.dane_tlsa_domain
    rrset = list(o.dane_tlsa_rrdata)
    if domain is None:
        if rrset:
            console.err(
                f"{PROG}: DANE TLSA authentication requires the -dane_tlsa_domain option.\n"
            )
            raise Exit(1)
        return None
    if o.servername is None and not valid_server_name(domain):
        # SSL_dane_enable sets the domain as SNI first, and that fails
        console.err(f"{PROG}: Error enabling DANE TLSA authentication.\n")
        _print_errors(
            console,
            [
                INVALID_SERVERNAME,
                TlsaError(
                    0x0A0000CC,
                    "SSL routines",
                    "SSL_dane_enable",
                    "error setting tlsa base domain",
                    "../ssl/ssl_lib.c",
                    1055,
                ),
            ],
        )
        raise Exit(1)
    if not rrset:
        console.err(
            f"{PROG}: DANE TLSA authentication requires at least one -dane_tlsa_rrdata option.\n"
        )
        raise Exit(1)
    dane = Dane(domain, no_ee_namechecks=o.dane_ee_no_namechecks)
    count = 0
    for rr in rrset:
        try:
            usage, selector, mtype, data = parse_rrdata(rr)
        except RRDataFieldError as exc:
            console.err(f"{PROG}: warning: bad TLSA {exc.field} field in: {rr}\n")
            continue
        except RRDataAllocError:
            console.err(f"{PROG}: Could not allocate 0 bytes for hexdecode\n")
            raise Exit(1) from None
        try:
            rec = make_record(usage, selector, mtype, data)
        except TlsaAddError as exc:
            _print_errors(console, exc.errors)
            console.err(f"{PROG}: warning: unusable TLSA rrdata: {rr}\n")
            continue
        dane = dane.add(rec)
        count += 1
    if not count:
        console.err(f"{PROG}: Failed to import any TLSA records.\n")
        raise Exit(1)
    return dane
