"""``-starttls imap`` (starttls.md §2 imap)."""

from __future__ import annotations

from sclient.starttls.smtp import NOT_FOUND
from sclient.starttls.steps import (
    OK,
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


def imap(ctx: Context) -> Dialogue:
    yield from read_line()  # the greeting
    yield from send(b". CAPABILITY\r\n")
    found = False
    while True:
        line = yield from read_line()
        if b"STARTTLS" in cstr(line):
            found = True
        if not (len(line) > 3 and line[:1] != b"."):
            break
    yield from drop_buffer()
    if not found:
        yield from message(NOT_FOUND)
    yield from send(b". STARTTLS\r\n")
    yield from read_chunk()  # the reply is not looked at
    return Outcome(OK, residue=line, offered=found)
