"""``-starttls sieve`` (ManageSieve; starttls.md §2 sieve)."""

from __future__ import annotations

from sclient.starttls.smtp import NOT_FOUND
from sclient.starttls.steps import (
    END,
    OK,
    SHUT,
    Context,
    Dialogue,
    Outcome,
    cstr,
    drop_buffer,
    message,
    read_chunk,
    read_line,
    send,
    upper,
)


def sieve(ctx: Context) -> Dialogue:
    found = False
    while True:
        line = yield from read_line()
        if not (len(line) > 1 and line[:1] == b'"'):
            break
        # Capability names are case-insensitive (RFC 5804 §1.7).
        if upper(cstr(line)).startswith(b'"STARTTLS"'):
            found = True
    yield from drop_buffer()
    if not found:
        yield from message(NOT_FOUND)
    yield from send(b"STARTTLS\r\n")
    reply = yield from read_chunk()
    if reply is None:
        yield from message("BIO_read failed\n")
        return Outcome(END, offered=found)
    if len(reply) < 2:
        yield from message(b"STARTTLS failed: " + cstr(reply))
        return Outcome(SHUT, offered=found)
    if upper(reply[:2]) != b"OK":
        yield from message(b"STARTTLS not supported: " + cstr(reply))
        return Outcome(SHUT, offered=found)
    return Outcome(OK, residue=reply, offered=found)
