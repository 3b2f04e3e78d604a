"""Encrypted Client Hello in the summary: the ``ECH:`` lines OpenSSL 4.x's
s_client prints after ``Verify return code`` (TLS 1.3), from
``SSL_ech_get1_status``."""

from __future__ import annotations

from sclient.tls import events_rare as evr

__all__ = ["ech_lines", "hex_block"]


def hex_block(data: bytes) -> str:
    """The retry configs as s_client prints them: ``xx:`` per byte, 16 a line,
    each line indented by four spaces."""
    lines = [
        "    " + "".join(f"{b:02x}:" for b in data[i : i + 16]) for i in range(0, len(data), 16)
    ]
    return "\n".join(lines or ["    "]) + "\n"


def ech_lines(e: evr.EchOutcome) -> str:
    if e.status == "success":
        outer = e.outer_sni if e.outer_sni is not None else "none"
        inner = e.inner_sni if e.inner_sni is not None else "none"
        return f"ECH: success: outer SNI: '{outer}', inner SNI: '{inner}'\n"
    if e.status == "grease":
        if e.retry_configs is not None:
            return "ECH: only greasing, and got ECH in return\n" + hex_block(e.retry_configs)
        return "ECH: only greasing\n"
    if e.retry_configs is not None:
        return "ECH: tried, failed and got ECH in return\n" + hex_block(e.retry_configs)
    return "ECH: tried but failed\n"
