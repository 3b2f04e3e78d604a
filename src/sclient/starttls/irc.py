"""``-starttls irc`` (starttls.md §2 irc): ``STARTTLS`` then numerics until 670."""

from __future__ import annotations

from sclient.starttls.steps import (
    OK,
    SHUT,
    Context,
    Dialogue,
    Outcome,
    cstr,
    drop_buffer,
    message,
    read_line,
    send,
    wait_readable,
)

#: ``S_CLIENT_IRC_READ_TIMEOUT``
READ_TIMEOUT = 8

_SPACE = b" \t\n\v\f\r"


def numeric(line: bytes) -> int | None:
    """``sscanf(line, "%*s %d", &n) == 1``: the second word as an integer, or None."""
    s = cstr(line)
    i, n = 0, len(s)
    while i < n and s[i] in _SPACE:
        i += 1
    start = i
    while i < n and s[i] not in _SPACE:
        i += 1
    if i == start:
        return None
    while i < n and s[i] in _SPACE:
        i += 1
    sign = 1
    if i < n and s[i] in b"+-":
        sign = -1 if s[i] == 0x2D else 1
        i += 1
    start = i
    while i < n and 0x30 <= s[i] <= 0x39:
        i += 1
    if i == start:
        return None
    value = sign * int(s[start:i])
    return (value + 2**31) % 2**32 - 2**31  # a C int


def irc(ctx: Context) -> Dialogue:
    yield from send(b"STARTTLS\r\n")
    code = 0
    line = b""
    while True:
        code = 0
        if not (yield from wait_readable(READ_TIMEOUT)):
            yield from message(f"Timeout waiting for response ({READ_TIMEOUT} seconds).\n")
            break
        line = yield from read_line()
        value = numeric(line) if line else None
        if value is None:
            break
        code = value
        if code in (451, 421) and b"STARTTLS" in cstr(line):
            yield from message(b"STARTTLS not supported: " + cstr(line))
            break
        if code == 691:
            # followed by the (normally empty) error queue: no newline
            yield from message("STARTTLS negotiation failed: ")
            break
        if code == 670:
            break
    yield from drop_buffer()
    if code != 670:
        yield from message("Server does not support STARTTLS.\n")
        return Outcome(SHUT, offered=False)
    return Outcome(OK, residue=line, offered=True)
