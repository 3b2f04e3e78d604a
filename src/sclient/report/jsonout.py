"""``-json`` (sclient's addition): one JSON document on stdout at the end of the
run, rendered from the collected :class:`~sclient.report.collector.RunReport`,
the same report the text summary renders from. See docs/json.md."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from sclient.report.collector import ConnectionReport, RunReport
from sclient.report.present import View, connection_version, verify_text
from sclient.report.runsetup import Setup
from sclient.tls.registry.protocol import COMPRESSION_NAMES, TLS1_3
from sclient.transport import clock

__all__ = ["Setup", "build_report", "setup_failure_report", "write_document"]


REPORT_VERSION = 1


def _ms(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return round((b - a) * 1000.0, 3)


#: A certificate's facts by (DER, -nameopt), but for ``days_until_expiry``:
#: a process checking many servers (``-targets``) meets the same
#: intermediates, often the same leaf, again and again.
_CERT_FACTS: dict[tuple[bytes, str], dict[str, Any]] = {}
_CERT_FACTS_MAX = 256


def _cert(view: View, der: bytes, now: float) -> dict[str, Any]:
    from sclient.x509.cert import decoded

    key = (der, repr(view.nameopt))
    facts = _CERT_FACTS.get(key)
    if facts is None:
        from sclient.report.certs import extension_facts, sha256_fingerprint

        cert = decoded(der)  # the verifier's parse, when it is still in the cache
        c = view.cert(der)
        facts = {
            "subject": c.subject,
            "issuer": c.issuer,
            "not_before": c.not_before_iso or c.not_before,
            "not_after": c.not_after_iso or c.not_after,
            "days_until_expiry": None,
            "key_type": c.key_type,
            "key_bits": c.key_bits,
            "signature_algorithm": c.sigalg,
            "sha256_fingerprint": sha256_fingerprint(der),
            **extension_facts(cert),
            "pem": c.pem,
        }
        if len(_CERT_FACTS) >= _CERT_FACTS_MAX:
            _CERT_FACTS.clear()
        _CERT_FACTS[key] = facts
    # a copy (its lists are shared, and never changed): the key order stays
    doc = dict(facts)
    doc["days_until_expiry"] = _days_left(der, now)
    return doc


def _days_left(der: bytes, now: float) -> int | None:
    """``days_until_expiry``: whole days from ``now`` to the certificate's
    notAfter (negative once expired)."""
    import math

    from sclient.report.certs import not_after_posix
    from sclient.x509.cert import decoded

    expiry = not_after_posix(decoded(der))
    return None if expiry is None else math.floor((expiry - now) / 86400)


def _cipher(code: int) -> dict[str, Any]:
    """``cipher``: the suite's code and its IANA and OpenSSL names."""
    from sclient.tls.registry import suites

    suite = suites.BY_CODE.get(code)
    return {
        "code": f"0x{code:04X}",
        "iana": suite.iana if suite else suites.iana_name(code),
        "openssl": suite.openssl if suite else None,
    }


def _explanations(
    run: RunReport, view: View, setup: Setup, err_log: Sequence[str]
) -> list[dict[str, Any]]:
    """``explanations`` (``-explain``)."""
    from sclient.report.explain import explain

    return [e.as_json() for e in explain(run, view, setup, err_log)]


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
        "srp_username": None
        if s.srp_username is None
        else s.srp_username.decode("utf-8", "surrogateescape"),
    }


def _extension(code: int) -> dict[str, Any]:
    from sclient.tls.registry.extensions import BY_CODE

    ext = BY_CODE.get(code)
    return {"type": code, "name": ext.iana if ext else None}


def _version_name(v: int | None) -> str | None:
    from sclient.tls.registry.protocol import VERSION_NAMES

    return None if v is None else VERSION_NAMES.get(v, f"0x{v:04X}")


def _starttls(c: ConnectionReport) -> dict[str, Any] | None:
    ex = c.starttls
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


def _requested(c: ConnectionReport, view: View, req: Any) -> dict[str, Any]:
    from sclient.report.facts import shared_sigalgs
    from sclient.tls.registry import sigschemes

    our = view.our_sigalgs
    tls13 = connection_version(c, view) == TLS1_3
    return {
        "certificate_types": list(req.certificate_types),
        "signature_algorithms": [sigschemes.listed_name(s) for s in req.signature_schemes],
        "shared_signature_algorithms": [
            sigschemes.listed_name(s) for s in shared_sigalgs(req.signature_schemes, our, tls13)
        ],
        "ca_names": [view.name(n) for n in req.authorities],
    }


def _sent(view: View, sent: Any) -> dict[str, Any] | None:
    if sent is None:
        return None
    from sclient.tls.registry import sigschemes

    scheme = None
    if sent.scheme is not None:
        row = sigschemes.BY_CODE.get(sent.scheme)
        scheme = row.iana if row else f"0x{sent.scheme:04X}"
    return {
        "certificates": [view.cert(d).subject for d in sent.chain],
        "signature_scheme": scheme,
    }


def _client_auth(c: ConnectionReport, view: View) -> dict[str, Any] | None:
    """What the server asked for, what we sent, and whether it went on."""
    if c.cert_request is None and not c.pha_requests:
        return None
    from sclient.tls.errors import PeerAlert

    main = [s for s in c.client_certs_sent if not s.post_handshake]
    pha = [s for s in c.client_certs_sent if s.post_handshake]
    accepted: bool | None = None
    if main:
        if isinstance(c.error, PeerAlert):
            accepted = False
        elif c.negotiated is not None:
            if c.negotiated.version != TLS1_3:
                # TLS <= 1.2: the server's Finished came after our certificate.
                accepted = True
            elif c.tickets or c.data_received or c.peer_closed:
                # TLS 1.3: the server's verdict comes after our Finished; only
                # what it sent afterwards (a ticket, data, close_notify) shows it.
                accepted = True
    return {
        "requested": None if c.cert_request is None else _requested(c, view, c.cert_request),
        "sent": _sent(view, main[0] if main else None),
        "accepted": accepted,
        "post_handshake": [
            {
                "requested": _requested(c, view, r),
                "sent": _sent(view, pha[i] if i < len(pha) else None),
            }
            for i, r in enumerate(c.pha_requests)
        ],
    }


def _cert_types(c: ConnectionReport) -> dict[str, Any] | None:
    """RFC 7250: the certificate types settled (null: none offered, or no
    ServerHello / EncryptedExtensions read)."""
    if c.cert_types is None:
        return None
    from sclient.report.rpk import CERT_TYPE_NAMES

    client, server = c.cert_types
    return {
        "client": CERT_TYPE_NAMES.get(client, str(client)),
        "server": CERT_TYPE_NAMES.get(server, str(server)),
    }


def _raw_public_key(c: ConnectionReport) -> dict[str, Any] | None:
    if c.peer_rpk is None:
        return None
    from sclient.report.rpk import key_json

    return key_json(c.peer_rpk)


def _verification(c: ConnectionReport) -> dict[str, Any]:
    """What was verified on this connection (docs/json.md, ``verification``)."""
    v = c.verdict
    resumed = c.resumed()
    code: int | None = None
    source: str | None = None
    if resumed is not None:
        # No chain on resumption: the result stored with the session, as the
        # text summary's "Verify return code:" shows it.
        code, source = int(resumed.verify_result), "session"
    elif v is not None:
        code, source = int(v.code), "chain"
    return {
        "performed": source == "chain",
        "source": source,
        "code": code,
        "text": None if code is None else verify_text(code),
        "peername": v.peername if v is not None and source == "chain" else None,
        "depths": [
            {
                "depth": r.depth,
                "error": r.error,
                "error_text": verify_text(r.error),
                "ok": r.ok,
            }
            for r in (v.depths if v is not None and source == "chain" else ())
        ],
    }


def _stage(c: ConnectionReport, setup: Setup) -> str:
    from sclient.starttls.steps import OK

    if c.t_connected is None:
        return "connect"
    if c.starttls is not None and c.starttls.outcome.status != OK:
        return "starttls"
    if setup.proxied and not c.hello_time and c.starttls is None:
        return "proxy"
    return "handshake" if c.in_init else "session"


#: The error text when s_client printed nothing for the failure (a STARTTLS
#: refusal is silent: what the server said is in ``starttls.transcript``).
_STAGE_TEXT = {
    "connect": "connect error",
    "proxy": "proxy CONNECT failed",
    "starttls": "the server did not start TLS",
    "handshake": "handshake failed",
    "session": "the connection failed",
}


def _entries(run: RunReport, index: int) -> list[Any]:
    """The error-queue entries printed during connection ``index``."""
    conns = run.connections
    end = conns[index + 1].first_error if index + 1 < len(conns) else len(run.errors)
    return run.errors[conns[index].first_error : end]


def _error(
    run: RunReport, index: int, setup: Setup, err_log: Sequence[str], final: bool
) -> dict[str, Any] | None:
    """The failure that ended this connection: from the error queue, else (exit
    status not 0) the message s_client printed for it."""
    from sclient.tls.registry import alerts

    c = run.connections[index]
    entries = _entries(run, index)
    if final and run.signal is not None:
        return {
            "stage": _stage(c, setup),
            "reason": "SIGNAL",
            "text": f"ended by signal {run.signal}",
            "alert": None,
            "lines": [e.line_text("0" * 16) for e in entries],
        }
    if final and run.timeout is not None:
        phase = str(run.timeout["phase"])
        return {
            "stage": "connect" if phase == "dns" else phase,
            "reason": "TIMEOUT",
            "text": entries[-1].reason if entries else "timeout",
            "alert": None,
            "lines": [e.line_text("0" * 16) for e in entries],
            "timeout": dict(run.timeout),
        }
    if entries:
        err = c.error
        alert = getattr(err, "alert", None) if err not in (None, True) else None
        return {
            "stage": _stage(c, setup),
            "reason": getattr(err, "reason", None) if err not in (None, True) else None,
            "text": entries[-1].reason,
            "alert": None if alert is None else {"code": alert, "name": alerts.describe(alert).msg},
            "lines": [e.line_text("0" * 16) for e in entries],
        }
    if not final or run.status == 0:
        return None
    said = [ln for t in err_log[c.first_err_line :] for ln in t.splitlines() if ln.strip()]
    stage = _stage(c, setup)
    return {
        "stage": stage,
        "reason": None,
        "text": said[-1] if said else _STAGE_TEXT[stage],
        "alert": None,
        "lines": [],
    }


def _messages(c: ConnectionReport, t_start: float, decode: bool = True) -> list[dict[str, Any]]:
    """``messages``: every handshake message, ChangeCipherSpec and alert, in
    order; ``timestamp`` in seconds from the connection's start; without
    ``decode``, no message's ``fields`` (``-targets``: docs/json.md)."""
    from sclient.tls.registry import alerts
    from sclient.tls.registry import protocol as P

    if decode:
        from sclient.tls.wire import describe as d

        tracker = d.Tracker()  # the decoding -trace prints, as data
    origin = c.t_connect_start if c.t_connect_start is not None else t_start
    out = []
    for m in c.messages:
        if m.content_type == P.HANDSHAKE:
            name: str | None = P.HANDSHAKE_NAMES.get(m.type)
        elif m.content_type == P.ALERT:
            name = alerts.describe(m.type).msg
        else:
            name = P.CONTENT_TYPE_NAMES.get(m.content_type)
        entry: dict[str, Any] = {
            "direction": "sent" if m.sent else "received",
            "content_type": m.content_type,
            "type": m.type,
            "name": name,
            "length": len(m.raw),
            "timestamp": round(max(0.0, m.t - origin), 6),
            "hex": m.raw.hex(),
        }
        if decode:
            if m.content_type == P.HANDSHAKE:
                tree = tracker.describe(m.raw, not m.sent)
            elif m.content_type == P.ALERT:
                tree = d.describe_alert(m.raw[0] if m.raw else 0, m.type)
            else:
                tree = d.describe_ccs(m.raw)
            entry["fields"] = d.fields_json(tree)
        out.append(entry)
    return out


def _scts(c: ConnectionReport, store: Any) -> list[dict[str, Any]]:
    """``-ct``: the SCTs s_client lists (none on a resumed connection)."""
    if c.scts is None:
        return []
    from sclient.report.ct import sct_json

    return sct_json(c, store)


def _ocsp(c: ConnectionReport) -> dict[str, Any]:
    """``-status``: the stapled response and sclient's verdict on it."""
    e = c.status
    out: dict[str, Any] = {"requested": True, "checked": e is not None, "stapled": False}
    out |= {"response": None, "parse_error": False, "validation": None}
    if e is None or e.response is None:
        return out
    from sclient.report.ocsp import response_json

    detail = e.verdict.detail
    parsed = getattr(detail, "parsed", None)
    out["stapled"] = True
    out["response"] = response_json(e.response, parsed)
    out["parse_error"] = parsed is None
    out["validation"] = getattr(detail, "validation", None)
    return out


def _keying_material(c: ConnectionReport) -> dict[str, Any] | None:
    if c.keying_material is None:
        return None
    label, length, material = c.keying_material
    return {
        "label": label,
        "length": length,
        "material": material.hex().upper() if material is not None else None,
    }


def _ech(e: Any) -> dict[str, Any]:
    import base64

    def b64(data: bytes | None) -> str | None:
        return base64.b64encode(data).decode() if data is not None else None

    def code(v: int | None) -> str | None:
        return f"0x{v:04X}" if v is not None else None

    return {
        "status": e.status,
        "outer_sni": e.outer_sni,
        "inner_sni": e.inner_sni,
        "config": b64(e.config),
        "config_id": e.config_id,
        "kem": code(e.kem_id),
        "kdf": code(e.kdf_id),
        "aead": code(e.aead_id),
        "public_name": e.public_name,
        "retry_configs": b64(e.retry_configs),
        "hello_retry_request": e.hrr,
    }


def _grease(c: ConnectionReport) -> dict[str, list[str]] | None:
    """The GREASE values of the first ClientHello by field (null: none)."""
    if not c.grease:
        return None
    width = {"pskmode": 2}
    return {
        name: [f"0x{v:0{width.get(name, 4)}X}" for v in values] for name, values in c.grease.items()
    }


def _renegotiation(r: Any) -> dict[str, Any]:
    """One TLS <= 1.2 renegotiation (a ``collector.Renegotiation``)."""
    from sclient.tls.registry import suites

    n = r.negotiated
    suite = suites.BY_CODE.get(n.cipher_suite) if n is not None else None
    return {
        "initiated_by": "server" if r.by_server else "client",
        "complete": n is not None,
        "resumed": bool(r.resumed),
        "protocol": _version_name(n.version) if n is not None else None,
        "cipher": (suite.iana if suite else suites.iana_name(n.cipher_suite))
        if n is not None
        else None,
        "time_ms": _ms(r.t_start, r.t_end),
    }


def _cert_compression(c: ConnectionReport) -> dict[str, Any] | None:
    """RFC 8879: the server's and our compressed Certificate (the last of each)."""
    if not c.cert_compression:
        return None
    from sclient.tls.registry import certcomp

    out: dict[str, Any] = {"received": None, "sent": None}
    for e in c.cert_compression:
        out["sent" if e.sent else "received"] = {
            "algorithm": certcomp.trace_name(e.algorithm),
            "compressed_length": e.compressed_length,
            "uncompressed_length": e.uncompressed_length,
        }
    return out


#: RFC 6520's HeartbeatMode names.
_HB_MODES = {1: "peer_allowed_to_send", 2: "peer_not_allowed_to_send"}


def _heartbeat(c: Any) -> dict[str, Any] | None:
    """``-heartbeat``: the server's mode and what came of the messages (None:
    no heartbeat extension from the server and no heartbeat message)."""
    n = c.negotiated
    mode = n.heartbeat if n is not None else None
    if mode is None and not c.heartbeats:
        return None
    from sclient.tls import events_rare as evr

    sent = [e for e in c.heartbeats if isinstance(e, evr.HeartbeatSent)]
    got = [e for e in c.heartbeats if isinstance(e, evr.HeartbeatReceived)]
    return {
        "mode": _HB_MODES.get(mode, str(mode)) if mode is not None else None,
        "requests_sent": sum(1 for e in sent if e.raw[:1] == b"\x01" and not e.retransmission),
        "retransmissions": sum(1 for e in sent if e.retransmission),
        "responses_matched": sum(1 for e in got if e.outcome == "response"),
        "requests_answered": sum(1 for e in got if e.outcome == "request answered"),
        "discarded": [
            e.outcome.split(": ", 1)[1] for e in got if e.outcome.startswith("discarded")
        ],
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
        "next_protocol": None,
        "resumed": False,
        "early_data": "not_sent",
        "secure_renegotiation": False,
        "extended_master_secret": False,
        "encrypt_then_mac": False,
        "compression": None,
        "certificate_compression": None,
        "hello_retry_request": False,
        "grease": None,
        "server_extensions": [],
        "certificate_chain": [],
        "certificate_types": None,
        "server_raw_public_key": None,
        "verification": {
            "performed": False,
            "source": None,
            "code": None,
            "text": None,
            "peername": None,
            "depths": [],
        },
        "ocsp": None,
        "scts": None,
        "keying_material": None,
        "ech": None,
        "serverinfo": [],
        "client_authentication": None,
        "session": None,
        "tickets": [],
        "renegotiations": [],
        "heartbeat": None,
        "messages": [],
        "bytes": {"read": 0, "written": 0, "handshake_read": None, "handshake_written": None},
        "timing_ms": {"connect": None, "handshake": None, "total": 0.0},
        "error": None,
    }


def connection_document(
    run: RunReport,
    index: int,
    view: View,
    setup: Setup,
    err_log: Sequence[str],
    decode: bool = True,
) -> dict[str, Any]:
    """One entry of ``connections``: the facts of connection ``index`` (without
    ``decode``, its messages' ``fields`` are left out)."""
    from sclient.report.facts import temp_key_text
    from sclient.tls.registry import groups, sigschemes

    c = run.connections[index]
    final = index == len(run.connections) - 1
    n = c.negotiated
    now = clock.wall()
    doc = _blank_connection()
    doc |= {
        "starttls": _starttls(c),
        "connected": c.t_connected is not None,
        "handshake_complete": n is not None,
        "protocol": _version_name(n.version) if n is not None else None,
        "certificate_chain": [_cert(view, d, now) for d in (c.peer_chain or ())],
        "certificate_types": _cert_types(c),
        "server_raw_public_key": _raw_public_key(c),
        "verification": _verification(c),
        "ocsp": _ocsp(c) if setup.status else None,
        "scts": _scts(c, view.ct_logs) if view.ct_logs is not None else None,
        "keying_material": _keying_material(c),
        "ech": _ech(c.ech) if c.ech is not None else None,
        "serverinfo": [{"type": s.ext_type, "data": s.data.hex()} for s in c.serverinfo],
        "next_protocol": None
        if c.next_protocol is None
        else {
            "advertised": [p.decode("latin-1") for p in c.next_protocol.advertised],
            "status": c.next_protocol.status,
            "protocol": c.next_protocol.protocol.decode("latin-1"),
        },
        "client_authentication": _client_auth(c, view),
        "certificate_compression": _cert_compression(c),
        "session": None,
        "tickets": [
            {
                "lifetime_hint": s.ticket_lifetime_hint,
                "age_add": s.ticket_age_add,
                "length": len(s.ticket),
                "max_early_data": s.max_early_data,
            }
            for s in c.tickets
        ],
        "renegotiations": [_renegotiation(r) for r in c.renegotiations],
        "grease": _grease(c),
        "heartbeat": _heartbeat(c),
        "messages": _messages(c, run.t_start, decode),
        "bytes": {
            "read": c.bytes_read,
            "written": c.bytes_written,
            "handshake_read": c.handshake_read,
            "handshake_written": c.handshake_written,
        },
        "timing_ms": {
            "connect": _ms(c.t_connect_start, c.t_connected),
            "handshake": _ms(c.t_connected, c.t_handshake),
            "total": _ms(c.t_connect_start, c.t_end or clock.monotonic()),
        },
        "error": _error(run, index, setup, err_log, final),
    }
    if n is not None:
        doc["cipher"] = _cipher(n.cipher_suite)
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
        doc["early_data"] = n.early_data.replace(" ", "_")
        doc["secure_renegotiation"] = bool(n.secure_renegotiation)
        doc["extended_master_secret"] = bool(n.extended_master_secret)
        doc["encrypt_then_mac"] = bool(n.encrypt_then_mac)
        doc["compression"] = COMPRESSION_NAMES.get(n.compression)
        doc["hello_retry_request"] = bool(n.hello_retry_request)
        doc["server_extensions"] = [_extension(code) for code in n.server_extensions]
        if c.session is not None:
            doc["session"] = _session(c.session)
    return doc


def _target(setup: Setup) -> dict[str, Any]:
    return {
        "host": setup.host,
        "port": setup.port,
        "unix": setup.unix,
        "proxy": None
        if not setup.proxied
        else {"host": setup.proxy_host, "port": setup.proxy_port, "type": setup.proxy_type},
    }


def build_report(
    run: RunReport, view: View, setup: Setup, err_log: Sequence[str], decode: bool = True
) -> dict[str, Any]:
    """The whole document: every connection, the last one's facts on top
    (without ``decode``, no message's ``fields``)."""
    conns = [
        connection_document(run, i, view, setup, err_log, decode)
        for i in range(len(run.connections))
    ]
    last = conns[-1]
    doc: dict[str, Any] = {
        "sclient_report_version": REPORT_VERSION,
        "target": _target(setup),
        "sni": setup.sni,
        "host_check": setup.host_check,
        # The top-level connection fields are the last connection's (the one
        # that decides the exit status); every connection is in "connections".
        **last,
        "connections": conns,
        "exit_status": run.status,
    }
    doc["timing_ms"] = dict(last["timing_ms"], total=_ms(run.t_start, clock.monotonic()))
    if setup.explain:
        doc["explanations"] = _explanations(run, view, setup, err_log)
    return doc


def brief_report(
    run: RunReport, view: View, setup: Setup, err_log: Sequence[str]
) -> dict[str, Any]:
    """What ``-targets -brief`` shows of a run, with the document's names and
    values (``exit_status``, ``handshake_complete``, ``protocol``, ``cipher``,
    ``verification``'s code and text, the leaf's ``days_until_expiry``,
    ``error``, ``explanations``), and nothing else: a fleet's table does not
    pay for the whole document."""
    index = len(run.connections) - 1
    c = run.connections[index]
    n = c.negotiated
    doc: dict[str, Any] = {
        "exit_status": run.status,
        "handshake_complete": n is not None,
        "protocol": _version_name(n.version) if n is not None else None,
        "cipher": None,
        "verification": _verification(c),
        "certificate_chain": [],
        "error": _error(run, index, setup, err_log, True),
    }
    if n is not None:
        doc["cipher"] = _cipher(n.cipher_suite)
    if c.peer_chain:
        doc["certificate_chain"] = [
            {"days_until_expiry": _days_left(c.peer_chain[0], clock.wall())}
        ]
    if setup.explain:
        doc["explanations"] = _explanations(run, view, setup, err_log)
    return doc


def _error_line_reason(line: str) -> str | None:
    """The reason field of an error-queue line (``TID:error:CODE:LIB:FUNC:REASON:…``)."""
    parts = line.split(":")
    return parts[5] if len(parts) > 5 and parts[1] == "error" else None


def setup_failure_report(setup: Setup, err_log: Sequence[str], t_start: float) -> dict[str, Any]:
    """The document of a run that ended before its first connect (an unreadable
    -CAfile, -cert or -CRL, a bad -cipher list…): one connection never
    attempted, and the error s_client printed."""
    import re

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
        "target": _target(setup),
        "sni": setup.sni,
        "host_check": setup.host_check,
        **conn,
        "timing_ms": dict(conn["timing_ms"], total=_ms(t_start, clock.monotonic())),
        "connections": [conn],
        "exit_status": 1,
    }


def write_document(doc: dict[str, Any]) -> None:
    import json

    data = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(1, view) :]
    except OSError:
        pass
