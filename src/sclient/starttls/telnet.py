"""``-starttls telnet`` (undocumented; starttls.md §2 telnet, RFC draft START_TLS)."""

from __future__ import annotations

from sclient.starttls.steps import OK, SHUT, Context, Dialogue, Outcome, read_chunk, send

IAC_DO_START_TLS = b"\xff\xfd\x2e"
IAC_WILL_START_TLS = b"\xff\xfb\x2e"
IAC_SB_FOLLOWS = b"\xff\xfa\x2e\x01\xff\xf0"


def telnet(ctx: Context) -> Dialogue:
    chunk = yield from read_chunk()
    if chunk != IAC_DO_START_TLS:
        return Outcome(SHUT, offered=False)
    yield from send(IAC_WILL_START_TLS)
    yield from send(IAC_SB_FOLLOWS)
    chunk = yield from read_chunk()
    if chunk != IAC_SB_FOLLOWS:
        return Outcome(SHUT, offered=True)
    return Outcome(OK, offered=True)
