"""``-starttls postgres`` (starttls.md §2 postgres): SSLRequest, one ``S`` back."""

from __future__ import annotations

from sclient.starttls.steps import OK, SHUT, Context, Dialogue, Outcome, read_chunk, send

#: length 8, request code 80877103
SSL_REQUEST = b"\x00\x00\x00\x08\x04\xd2\x16\x2f"


def postgres(ctx: Context) -> Dialogue:
    yield from send(SSL_REQUEST)
    reply = yield from read_chunk()
    if reply != b"S":
        return Outcome(SHUT, offered=False)
    return Outcome(OK, offered=True)
