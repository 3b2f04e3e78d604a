"""``-starttls xmpp`` and ``-starttls xmpp-server`` (starttls.md §2 xmpp)."""

from __future__ import annotations

from sclient.starttls.steps import (
    END,
    OK,
    SHUT,
    Context,
    Dialogue,
    Outcome,
    cstr,
    message,
    read_chunk,
    send,
)

_MARKERS = (
    b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'",
    b'<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"',
)


def _has_marker(chunk: bytes) -> bool:
    text = cstr(chunk)
    return any(m in text for m in _MARKERS)


def _dialogue(ctx: Context, kind: str) -> Dialogue:
    to = ctx.protohost if ctx.protohost is not None else ctx.host
    yield from send(
        (
            "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
            f"xmlns='jabber:{kind}' to='{to}' version='1.0'>"
        ).encode("utf-8", "surrogateescape")
    )
    chunk = yield from read_chunk()
    if chunk is None:
        yield from message("BIO_read failed\n")
        return Outcome(END)
    # Each read replaces the previous one: a marker split across reads is missed.
    while not _has_marker(chunk):
        chunk = yield from read_chunk()
        if not chunk:
            return Outcome(SHUT, offered=False)
    yield from send(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    reply = yield from read_chunk()
    if reply is None:
        yield from message("BIO_read failed\n")
        return Outcome(SHUT, offered=True)
    if b"<proceed" not in cstr(reply):
        return Outcome(SHUT, offered=True)
    return Outcome(OK, offered=True)


def xmpp(ctx: Context) -> Dialogue:
    return _dialogue(ctx, "client")


def xmpp_server(ctx: Context) -> Dialogue:
    return _dialogue(ctx, "server")
