"""``-json`` (sclient's addition): one JSON document on stdout at the end of the
run, built from the same facts as the text summary. See docs/json.md."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from sclient.app.common import opt
from sclient.tls.registry.protocol import TLS1_3
from sclient.transport import clock

if TYPE_CHECKING:
    from sclient.app.program import Program

REPORT_VERSION = 1


def _ms(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return round((b - a) * 1000.0, 3)


def _cert(p: Program, der: bytes, now: float) -> dict[str, Any]:
    import math

    from sclient.report.certs import extension_facts, not_after_posix, sha256_fingerprint
    from sclient.x509.cert import Certificate

    c = p.cert_info(der)
    cert = Certificate(der)  # one parse for the facts the text summary does not need
    expiry = not_after_posix(cert)
    return {
        "subject": c.subject,
        "issuer": c.issuer,
        "not_before": c.not_before_iso or c.not_before,
        "not_after": c.not_after_iso or c.not_after,
        "days_until_expiry": None if expiry is None else math.floor((expiry - now) / 86400),
        "key_type": c.key_type,
        "key_bits": c.key_bits,
        "signature_algorithm": c.sigalg,
        "sha256_fingerprint": sha256_fingerprint(der),
        **extension_facts(cert),
        "pem": c.pem,
    }


def _session(s: Any) -> dict[str, Any]:
    return {
        "protocol": _version_name(s.version),
        "id": s.session_id.hex().upper(),
        "ticket_lifetime_hint": s.ticket_lifetime_hint,
        "ticket_length": len(s.ticket),
        "start_time": s.start_time,
        "timeout": s.timeout,
        "max_early_data": s.max_early_data,
        "extended_master_secret": bool(s.extended_master_secret),
    }


def _extension(code: int) -> dict[str, Any]:
    from sclient.tls.registry.extensions import BY_CODE

    ext = BY_CODE.get(code)
    return {"type": code, "name": ext.iana if ext else None}


def _version_name(v: int | None) -> str | None:
    from sclient.tls.registry.protocol import VERSION_NAMES

    return None if v is None else VERSION_NAMES.get(v, f"0x{v:04X}")


def _starttls(p: Program) -> dict[str, Any] | None:
    ex = p.starttls
    if ex is None:
        return None
    return {
        "protocol": ex.protocol,
        "outcome": ex.outcome.status,
        "offered": ex.outcome.offered,
        "residue": ex.outcome.residue.decode("latin-1"),
        "transcript": [
            {
                "direction": c.direction,
                "length": len(c.data),
                "text": c.data.decode("latin-1"),
                "hex": c.data.hex(),
            }
            for c in ex.transcript
        ],
    }


def _requested(p: Program, req: Any) -> dict[str, Any]:
    from sclient.report.certs import name_text
    from sclient.report.facts import shared_sigalgs
    from sclient.tls.registry import sigschemes

    our = p.s.config.client_signature_schemes or p.s.config.signature_schemes
    tls13 = p.connection_version() == TLS1_3
    return {
        "certificate_types": list(req.certificate_types),
        "signature_algorithms": [sigschemes.listed_name(s) for s in req.signature_schemes],
        "shared_signature_algorithms": [
            sigschemes.listed_name(s) for s in shared_sigalgs(req.signature_schemes, our, tls13)
        ],
        "ca_names": [name_text(n, opt(p.o, "nameopt")) for n in req.authorities],
    }


def _sent(p: Program, sent: Any) -> dict[str, Any] | None:
    if sent is None:
        return None
    from sclient.tls.registry import sigschemes

    scheme = None
    if sent.scheme is not None:
        row = sigschemes.BY_CODE.get(sent.scheme)
        scheme = row.iana if row else f"0x{sent.scheme:04X}"
    return {
        "certificates": [p.cert_info(d).subject for d in sent.chain],
        "signature_scheme": scheme,
    }


def _client_auth(p: Program) -> dict[str, Any] | None:
    """What the server asked for, what we sent, and whether it went on."""
    if p.cert_request is None and not p.pha_requests:
        return None
    from sclient.tls.errors import PeerAlert

    main = [s for s in p.client_certs_sent if not s.post_handshake]
    pha = [s for s in p.client_certs_sent if s.post_handshake]
    accepted: bool | None = None
    if main:
        if isinstance(p.error, PeerAlert):
            accepted = False
        elif p.negotiated is not None:
            if p.negotiated.version != TLS1_3:
                # TLS <= 1.2: the server's Finished came after our certificate.
                accepted = True
            elif (
                len(p.tickets) > p.first_ticket or p.c.data_received > p.first_data or p.peer_closed
            ):
                # TLS 1.3: the server's verdict comes after our Finished; only
                # what it sent afterwards (a ticket, data, close_notify) shows it.
                accepted = True
    return {
        "requested": None if p.cert_request is None else _requested(p, p.cert_request),
        "sent": _sent(p, main[0] if main else None),
        "accepted": accepted,
        "post_handshake": [
            {"requested": _requested(p, r), "sent": _sent(p, pha[i] if i < len(pha) else None)}
            for i, r in enumerate(p.pha_requests)
        ],
    }


def _verification(p: Program) -> dict[str, Any]:
    """What was verified on this connection (docs/json.md, ``verification``)."""
    v = p.verifier
    resumed = p.resumed_session()
    code: int | None = None
    source: str | None = None
    if resumed is not None:
        # No chain on resumption: the result stored with the session, as the
        # text summary's "Verify return code:" shows it.
        code, source = int(resumed.verify_result), "session"
    elif v is not None and v.called:
        code, source = int(v.code), "chain"
    return {
        "performed": source == "chain",
        "source": source,
        "code": code,
        "text": None if code is None else p.verify_text(code),
        "peername": v.peername if v is not None and source == "chain" else None,
        "depths": [
            {
                "depth": r.depth,
                "error": r.error,
                "error_text": p.verify_text(r.error),
                "ok": r.ok,
            }
            for r in (v.results if v is not None and source == "chain" else [])
        ],
    }


def _stage(p: Program) -> str:
    from sclient.starttls.steps import OK

    if p.conn is None or p.t_connected is None:
        return "connect"
    if p.starttls is not None and p.starttls.outcome.status != OK:
        return "starttls"
    if p.s.target.proxied and not p.hello_time and p.starttls is None:
        return "proxy"
    return "handshake" if p.in_init else "session"


#: The error text when s_client printed nothing for the failure (a STARTTLS
#: refusal is silent: what the server said is in ``starttls.transcript``).
_STAGE_TEXT = {
    "connect": "connect error",
    "proxy": "proxy CONNECT failed",
    "starttls": "the server did not start TLS",
    "handshake": "handshake failed",
    "session": "the connection failed",
}


def _error(p: Program, final: bool) -> dict[str, Any] | None:
    """The failure that ended this connection: from the error queue, else (exit
    status not 0) the message s_client printed for it."""
    from sclient.tls.registry import alerts

    entries = p.error_entries[p.first_error :]
    if final and p.signal is not None:
        return {
            "stage": _stage(p),
            "reason": "SIGNAL",
            "text": f"ended by signal {p.signal}",
            "alert": None,
            "lines": [e.line_text("0" * 16) for e in entries],
        }
    if entries:
        err = p.error
        alert = getattr(err, "alert", None) if err not in (None, True) else None
        return {
            "stage": _stage(p),
            "reason": getattr(err, "reason", None) if err not in (None, True) else None,
            "text": entries[-1].reason,
            "alert": None if alert is None else {"code": alert, "name": alerts.describe(alert).msg},
            "lines": [e.line_text("0" * 16) for e in entries],
        }
    if not final or p.status == 0:
        return None
    said = [ln for t in p.c.err_log[p.first_err_line :] for ln in t.splitlines() if ln.strip()]
    stage = _stage(p)
    return {
        "stage": stage,
        "reason": None,
        "text": said[-1] if said else _STAGE_TEXT[stage],
        "alert": None,
        "lines": [],
    }


def _blank_connection() -> dict[str, Any]:
    """One entry of ``connections`` before anything is known: every field, in
    the schema's order, at its "nothing happened" value."""
    return {
        "starttls": None,
        "connected": False,
        "handshake_complete": False,
        "protocol": None,
        "cipher": None,
        "group": None,
        "server_temp_key": None,
        "peer_signature": None,
        "alpn": None,
        "resumed": False,
        "secure_renegotiation": False,
        "extended_master_secret": False,
        "encrypt_then_mac": False,
        "hello_retry_request": False,
        "server_extensions": [],
        "certificate_chain": [],
        "verification": {
            "performed": False,
            "source": None,
            "code": None,
            "text": None,
            "peername": None,
            "depths": [],
        },
        "client_authentication": None,
        "session": None,
        "tickets": [],
        "bytes": {"read": 0, "written": 0, "handshake_read": None, "handshake_written": None},
        "timing_ms": {"connect": None, "handshake": None, "total": 0.0},
        "error": None,
    }


def connection_report(p: Program, final: bool = False) -> dict[str, Any]:
    """The facts of the connection ``p`` holds now (one entry of ``connections``)."""
    from sclient.report.facts import temp_key_text
    from sclient.tls.registry import groups, sigschemes, suites

    n = p.negotiated
    now = clock.wall()
    doc = _blank_connection()
    doc |= {
        "starttls": _starttls(p),
        "connected": p.t_connected is not None,
        "handshake_complete": n is not None,
        "protocol": _version_name(n.version) if n is not None else None,
        "certificate_chain": [_cert(p, d, now) for d in (p.peer_chain or ())],
        "verification": _verification(p),
        "client_authentication": _client_auth(p),
        "session": None,
        "tickets": [
            {
                "lifetime_hint": s.ticket_lifetime_hint,
                "age_add": s.ticket_age_add,
                "length": len(s.ticket),
                "max_early_data": s.max_early_data,
            }
            for s in p.tickets[p.first_ticket :]
        ],
        "bytes": {
            "read": p.conn.bytes_read if p.conn is not None else 0,
            "written": p.conn.bytes_written if p.conn is not None else 0,
            "handshake_read": p.handshake_read,
            "handshake_written": p.handshake_written,
        },
        "timing_ms": {
            "connect": _ms(p.t_connect_start, p.t_connected),
            "handshake": _ms(p.t_connected, p.t_handshake),
            "total": _ms(p.t_connect_start, p.t_end or clock.monotonic()),
        },
        "error": _error(p, final),
    }
    if n is not None:
        suite = suites.BY_CODE.get(n.cipher_suite)
        doc["cipher"] = {
            "code": f"0x{n.cipher_suite:04X}",
            "iana": suite.iana if suite else suites.iana_name(n.cipher_suite),
            "openssl": suite.openssl if suite else None,
        }
        g = groups.BY_CODE.get(n.group) if n.group is not None else None
        doc["group"] = g.iana if g else (None if n.group is None else f"0x{n.group:04X}")
        doc["server_temp_key"] = temp_key_text(n)
        if n.peer_signature_scheme is not None:
            s = sigschemes.BY_CODE.get(n.peer_signature_scheme)
            doc["peer_signature"] = {
                "scheme": s.iana if s else f"0x{n.peer_signature_scheme:04X}",
                "type": s.peer_type if s else None,
                "digest": s.peer_digest if s else None,
            }
        doc["alpn"] = n.alpn.decode("latin-1") if n.alpn else None
        doc["resumed"] = bool(n.resumed)
        doc["secure_renegotiation"] = bool(n.secure_renegotiation)
        doc["extended_master_secret"] = bool(n.extended_master_secret)
        doc["encrypt_then_mac"] = bool(n.encrypt_then_mac)
        doc["hello_retry_request"] = bool(n.hello_retry_request)
        doc["server_extensions"] = [_extension(code) for code in n.server_extensions]
        if p.session is not None:
            doc["session"] = _session(p.session)
    return doc


def _host_check(o: Any) -> dict[str, Any] | None:
    """The names -verify_hostname, -verify_ip and -verify_email asked to check."""
    names = {k: opt(o, f"verify_{k}") for k in ("hostname", "ip", "email")}
    if all(v is None for v in names.values()):
        return None
    return {k: None if v is None else str(v) for k, v in names.items()}


def _target(t: Any) -> dict[str, Any]:
    return {
        "host": t.host,
        "port": t.port,
        "unix": t.unix,
        "proxy": None if not t.proxied else {"host": t.proxy_host, "port": t.proxy_port},
    }


def build_report(p: Program) -> dict[str, Any]:
    t = p.s.target
    last = connection_report(p, final=True)
    doc: dict[str, Any] = {
        "sclient_report_version": REPORT_VERSION,
        "target": _target(t),
        "sni": p.s.sni,
        "host_check": _host_check(p.o),
        # The top-level connection fields are the last connection's (the one
        # that decides the exit status); every connection is in "connections".
        **last,
        "connections": [*p.connection_reports, last],
        "exit_status": p.status,
    }
    doc["timing_ms"] = dict(last["timing_ms"], total=_ms(p.t_start, clock.monotonic()))
    return doc


def _error_line_reason(line: str) -> str | None:
    """The reason field of an error-queue line (``TID:error:CODE:LIB:FUNC:REASON:…``)."""
    parts = line.split(":")
    return parts[5] if len(parts) > 5 and parts[1] == "error" else None


def setup_failure_report(options: Any, err_log: list[str], t_start: float) -> dict[str, Any]:
    """The document of a run that ended before its first connect (an unreadable
    -CAfile, -cert or -CRL, a bad -cipher list…): one connection never
    attempted, and the error s_client printed."""
    import re

    from sclient.app.settings import resolve_target, server_name

    t = resolve_target(options)
    said = [ln for text in err_log for ln in text.splitlines() if ln.strip()]
    queue = [re.sub(r"^[0-9A-F]+:error:", "0" * 16 + ":error:", ln) for ln in said]
    queue = [ln for ln in queue if _error_line_reason(ln) is not None]
    text = _error_line_reason(queue[-1]) if queue else (said[-1] if said else None)
    conn = _blank_connection()
    conn["error"] = {
        "stage": "setup",
        "reason": None,
        "text": text or "setup failed",
        "alert": None,
        "lines": queue,
    }

    return {
        "sclient_report_version": REPORT_VERSION,
        "target": _target(t),
        "sni": server_name(options, t),
        "host_check": _host_check(options),
        **conn,
        "timing_ms": dict(conn["timing_ms"], total=_ms(t_start, clock.monotonic())),
        "connections": [conn],
        "exit_status": 1,
    }


def emit_json(p: Program) -> None:
    write_document(build_report(p))


def write_document(doc: dict[str, Any]) -> None:
    data = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(1, view) :]
    except OSError:
        pass
