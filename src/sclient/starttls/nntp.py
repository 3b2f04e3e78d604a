"""``-starttls nntp`` (starttls.md §2 nntp, OpenSSL 3.0's CAPABILITIES handling)."""

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
)


def nntp(ctx: Context) -> Dialogue:
    yield from read_line()  # the greeting
    yield from send(b"CAPABILITIES\r\n")
    line = yield from read_line()
    found = False
    # No list to look at unless the server answered 101.
    if b"101" in cstr(line):
        while True:
            line = yield from read_line()
            if b"STARTTLS" in cstr(line):
                found = True
            if not (len(line) > 1 and line[:1] != b"."):
                break
    yield from drop_buffer()
    if not found:
        yield from message(NOT_FOUND)
    yield from send(b"STARTTLS\r\n")
    reply = yield from read_chunk()
    if reply is None:
        yield from message("BIO_read failed\n")
        return Outcome(END, offered=found)
    if b"382" not in cstr(reply):
        yield from message(b"STARTTLS failed: " + cstr(reply))
        return Outcome(SHUT, offered=found)
    return Outcome(OK, residue=reply, offered=found)
