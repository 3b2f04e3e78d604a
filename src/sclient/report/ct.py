"""``-ct``: the connection's SCTs, validated as ``ssl_validate_ct`` does
once the server's first flight is in, and the ``SCTs present`` block
s_client's print_stuff writes (imported only under ``-ct``)."""

from __future__ import annotations

from typing import Any

from sclient.report.collector import ConnectionReport
from sclient.x509.ct import LogStore, Sct, peer_scts, scts_block, validate


def connection_scts(c: ConnectionReport, store: LogStore | None) -> list[Sct]:
    """``SSL_get0_peer_scts`` with each SCT's validation status. OpenSSL
    validates only a chain that verified (X509_V_OK) with an issuer above the
    leaf, not authenticated by DANE-TA or DANE-EE; otherwise every status
    stays ``not set``."""
    if c.sct_results is not None:
        return c.sct_results
    e = c.scts
    leaf = c.peer_chain[0] if c.peer_chain else None
    scts = peer_scts(e.sct_list, e.ocsp_response, leaf) if e is not None else []
    verdict = c.verdict
    chain = verdict.chain if verdict is not None else ()
    if (
        store is not None
        and leaf is not None
        and verdict is not None
        and verdict.code == 0
        and len(chain) > 1
        and not _dane_ta_or_ee(verdict.dane_line)
    ):
        now_ms = int(c.hello_time) * 1000
        scts = [validate(s, store, leaf, chain[1], now_ms) for s in scts]
    c.sct_results = scts
    return scts


def _dane_ta_or_ee(dane_line: str | None) -> bool:
    """CT does not apply to a chain a DANE-TA(2) or DANE-EE(3) record
    authenticated (RFC 7671 §4.2): ssl_validate_ct skips it."""
    parts = (dane_line or "").split()
    return len(parts) > 2 and parts[2] in ("2", "3")


def sct_lines(c: ConnectionReport, store: LogStore | None) -> str:
    return scts_block(connection_scts(c, store), store)


def sct_json(c: ConnectionReport, store: LogStore | None) -> list[dict[str, Any]]:
    """``-json``'s ``scts``: each SCT, where it came from and its status."""
    out = []
    for s in connection_scts(c, store):
        log = store.by_id(s.log_id) if store is not None and s.version == 0 else None
        out.append(
            {
                "source": s.source,
                "version": s.version,
                "log_id": s.log_id.hex() if s.version == 0 else None,
                "log": log.name if log is not None else None,
                "timestamp_ms": s.timestamp if s.version == 0 else None,
                "extensions": s.extensions.hex() if s.version == 0 else None,
                "signature_algorithm": [s.hash_alg, s.sig_alg] if s.version == 0 else None,
                "signature": s.signature.hex() if s.version == 0 else None,
                "status": s.status,
            }
        )
    return out
