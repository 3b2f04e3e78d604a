"""``-starttls smtp`` and ``-starttls lmtp`` (starttls.md §2 smtp/lmtp)."""

from __future__ import annotations

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

DEFAULT_NAME = "mail.example.com"
NOT_FOUND = "Didn't find STARTTLS in server response, trying anyway...\n"


def _continues(line: bytes) -> bool:
    """``mbuf_len > 3 && mbuf[3] == '-'``: a multi-line reply goes on."""
    return len(line) > 3 and line[3:4] == b"-"


def _dialogue(ctx: Context, verb: str) -> Dialogue:
    line = yield from read_line()
    while _continues(line):
        line = yield from read_line()
    name = ctx.protohost if ctx.protohost is not None else DEFAULT_NAME
    yield from send(f"{verb} {name}\r\n".encode("utf-8", "surrogateescape"))
    found = False
    while True:
        line = yield from read_line()
        if b"STARTTLS" in cstr(line):
            found = True
        if not _continues(line):
            break
    yield from drop_buffer()
    if not found:
        yield from message(NOT_FOUND)
    yield from send(b"STARTTLS\r\n")
    yield from read_chunk()  # the reply is not looked at
    return Outcome(OK, residue=line, offered=found)


def smtp(ctx: Context) -> Dialogue:
    return _dialogue(ctx, "EHLO")


def lmtp(ctx: Context) -> Dialogue:
    return _dialogue(ctx, "LHLO")
