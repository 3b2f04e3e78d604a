"""``-starttls pop3`` (starttls.md §2 pop3): no capability check at all."""

from __future__ import annotations

from sclient.starttls.steps import (
    BUFSIZZ,
    END,
    OK,
    Context,
    Dialogue,
    Outcome,
    message,
    read_chunk,
    send,
)


def pop3(ctx: Context) -> Dialogue:
    greeting = yield from read_chunk()
    yield from send(b"STLS\r\n")
    reply = yield from read_chunk()
    if reply is None:
        yield from message("BIO_read failed\n")
        return Outcome(END)
    # s_client writes mbuf[0:len(reply)]: the greeting, cut (or padded: the
    # buffer is uninitialised memory there) to the length of the STLS reply.
    mbuf = (greeting or b"").ljust(BUFSIZZ, b"\0")
    return Outcome(OK, residue=mbuf[: len(reply)])
