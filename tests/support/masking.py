"""Masks for comparing sclient's output with ``openssl s_client``'s: what is random
or per-process (fd, session id, keys, times, tickets, thread ids) and nothing else."""

from __future__ import annotations

import re

#: What differs between any two runs of the same client against the same server.
RANDOM: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^CONNECTED\([0-9A-F]{8}\)$", re.M), "CONNECTED(<fd>)"),
    (re.compile(r"^(    Session-ID: )[0-9A-F]+$", re.M), r"\1<session-id>"),
    (re.compile(r"^(    Master-Key: )[0-9A-F]+$", re.M), r"\1<master-key>"),
    (re.compile(r"^(    Resumption PSK: )[0-9A-F]+$", re.M), r"\1<resumption-psk>"),
    (re.compile(r"^(    Start Time: )\d+$", re.M), r"\1<start-time>"),
    (re.compile(r"^(    [0-9a-f]{4} - .*\n)+", re.M), "    <ticket hex dump>\n"),
    (re.compile(r"^[0-9A-Fa-f]+:error:", re.M), "<tid>:error:"),
]

#: The source position of an error-queue line (OpenSSL's file:line, ours mimics it).
ERROR_POSITION = (
    re.compile(r"^(<tid>:error:[^:]*:[^:]*:[^:]*:[^:]*):[^:\n]*:\d+:", re.M),
    r"\1:<file>:<line>:",
)

#: The bytes written, where the ClientHello may legitimately differ in size.
WRITTEN = (
    re.compile(r"(SSL handshake has read \d+ bytes and written )\d+( bytes)"),
    r"\1<W>\2",
)


def mask(text: str, *extra: tuple[re.Pattern[str], str]) -> str:
    """``text`` with :data:`RANDOM` and the ``extra`` masks applied."""
    for pat, repl in (*RANDOM, *extra):
        text = pat.sub(repl, text)
    return text
