"""``-starttls ldap`` (starttls.md §2 ldap): the StartTLS ExtendedRequest of
RFC 4511 and ``ldap_ExtendedResponse_parse`` of apps/s_client.c, with
``ASN1_get_object``'s header rules (``sclient.base.der.get_object``)."""

from __future__ import annotations

from sclient.base import der
from sclient.starttls.steps import (
    END,
    OK,
    SHUT,
    Context,
    Dialogue,
    Outcome,
    message,
    read_chunk,
    send,
)

#: LDAPMessage { messageID 1, extendedReq [APPLICATION 23] { [0] "1.3.6.1.4.1.1466.20037" } }
START_TLS_REQUEST = der.encode(
    der.SEQUENCE,
    der.encode_int(1) + der.encode(0x77, der.encode(0x80, b"1.3.6.1.4.1.1466.20037")),
)

_CONSTRUCTED = der.GET_OBJECT_CONSTRUCTED
_APPLICATION = 0x40


def parse_extended_response(buf: bytes) -> tuple[int, str | None]:
    """(result, message): the resultCode as s_client computes it (a C int; -1 on
    a parse failure, with the message it prints first)."""
    end = len(buf)
    inf, cur, length, tag, _ = der.get_object(buf, 0, end)
    if inf != _CONSTRUCTED or tag != 16 or length > end - cur:
        return -1, "Unexpected LDAP response\n"
    inf, cur, length, tag, _ = der.get_object(buf, cur, length)
    if inf != 0 or tag != 2 or length > end - cur:
        return -1, "No MessageID\n"
    cur += length
    inf, cur, length, tag, xclass = der.get_object(buf, cur, end - cur)
    if inf != _CONSTRUCTED or xclass != _APPLICATION or tag != 24:
        return -1, "Not ExtendedResponse\n"
    inf, cur, length, tag, _ = der.get_object(buf, cur, end - cur)
    if inf != 0 or tag != 10 or length == 0 or length > end - cur:
        return -1, "Not LDAPResult\n"
    result = 0
    for b in buf[cur : cur + length]:
        result = ((result << 8) | b) & 0xFFFFFFFF
    if result >= 2**31:
        result -= 2**32
    return result, None


def ldap(ctx: Context) -> Dialogue:
    yield from send(START_TLS_REQUEST)
    reply = yield from read_chunk()
    if reply is None:
        yield from message("BIO_read failed\n")
        return Outcome(END)
    result, problem = parse_extended_response(reply)
    if problem is not None:
        yield from message(problem)
    if result < 0:
        yield from message("ldap_ExtendedResponse_parse failed\n")
        return Outcome(SHUT)
    if result > 0:
        yield from message(f"STARTTLS failed, LDAP Result Code: {result}\n")
        return Outcome(SHUT, offered=False)
    return Outcome(OK, offered=True)
