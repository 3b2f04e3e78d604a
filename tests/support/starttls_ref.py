"""The bytes ``openssl s_client`` sends before its ClientHello, per ``-starttls``
keyword, as recorded against the real servers of :mod:`support.realpeers`.

``openssl_pre_tls.json`` (next to the real-server tests) maps each keyword,
and ``proxy-open`` / ``proxy-auth`` for ``-proxy``, to ``{"server": ..., "client":
{"hex": ..., "text": ...}}``; ``hex`` is authoritative, ``text`` (the bytes as
Latin-1) is for reading.
In the proxy entries the target port is written ``{port}``.

Tests of sclient compare its bytes with :func:`openssl_pre_tls` (keyword).
Captures made during a run are kept in :data:`CAPTURES` and printed at the end
of the session.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

__all__ = [
    "CAPTURES",
    "OPENSSL_PRE_TLS_FILE",
    "decode_bytes",
    "encode_bytes",
    "load_openssl_pre_tls",
    "openssl_pre_tls",
    "record_capture",
]

OPENSSL_PRE_TLS_FILE = Path(__file__).resolve().parent.parent / "realpeers" / "openssl_pre_tls.json"

#: keyword -> (server, client bytes, dialogue [(who, bytes)]) captured in this run.
CAPTURES: dict[str, tuple[str, bytes, list[tuple[str, bytes]]]] = {}
_lock = threading.Lock()


def encode_bytes(data: bytes) -> dict[str, str]:
    return {"hex": data.hex(), "text": data.decode("latin-1")}


def decode_bytes(entry: dict[str, str] | str) -> bytes:
    if isinstance(entry, str):
        return bytes.fromhex(entry)
    return bytes.fromhex(entry["hex"])


def load_openssl_pre_tls(*, missing_ok: bool = False) -> dict[str, dict[str, Any]]:
    if missing_ok and not OPENSSL_PRE_TLS_FILE.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(OPENSSL_PRE_TLS_FILE.read_text())
    return data


def openssl_pre_tls(keyword: str) -> bytes:
    """What openssl 3.0 sent for ``-starttls keyword`` (or ``proxy-open``/``proxy-auth``)."""
    return decode_bytes(load_openssl_pre_tls()[keyword]["client"])


def record_capture(key: str, server: str, sent: bytes, dialogue: list[tuple[str, bytes]]) -> None:
    with _lock:
        CAPTURES[key] = (server, sent, dialogue)
