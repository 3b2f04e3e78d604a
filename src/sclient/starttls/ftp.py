"""``-starttls ftp`` (starttls.md §2 ftp, the 1.1.1c+/3.0 end-of-greeting test)."""

from __future__ import annotations

from sclient.starttls.steps import (
    OK,
    Context,
    Dialogue,
    Outcome,
    drop_buffer,
    read_chunk,
    read_line,
    send,
)


def _last_line(line: bytes) -> bool:
    """Three digits and a space: the end of a (multi-line) reply."""
    return line[:3].isdigit() and line[3:4] == b" "


def ftp(ctx: Context) -> Dialogue:
    while True:
        line = yield from read_line()
        if len(line) <= 3 or _last_line(line):
            break
    yield from drop_buffer()
    yield from send(b"AUTH TLS\r\n")
    yield from read_chunk()  # the reply is not looked at
    return Outcome(OK, residue=line)
