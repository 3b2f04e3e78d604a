"""``-starttls ldap`` (starttls.md §2 ldap): the StartTLS ExtendedRequest of
RFC 4511 and ``ldap_ExtendedResponse_parse`` of apps/s_client.c, with
``ASN1_get_object``'s header rules."""

from __future__ import annotations

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
START_TLS_REQUEST = bytes.fromhex("301d02010177188016") + b"1.3.6.1.4.1.1466.20037"

_CONSTRUCTED = 0x20
_APPLICATION = 0x40
_ERROR = 0x80
_LONG_MAX = 2**63 - 1


def get_object(buf: bytes, pos: int, omax: int) -> tuple[int, int, int, int, int]:
    """``ASN1_get_object``: (ret, pos after the header, length, tag, class).

    ``ret`` is ``0x20`` for constructed, ``| 1`` for indefinite length,
    ``| 0x80`` when the length runs past ``omax``; ``0x80`` alone on a bad header."""
    bad = (_ERROR, pos, 0, -1, -1)
    if omax <= 0 or pos >= len(buf):
        return bad
    p = pos
    first = buf[p]
    ret = first & _CONSTRUCTED
    xclass = first & 0xC0
    maxleft = omax
    if first & 0x1F == 0x1F:
        p += 1
        maxleft -= 1
        if maxleft == 0:
            return bad
        tag = 0
        while buf[p] & 0x80:
            tag = (tag << 7) | (buf[p] & 0x7F)
            p += 1
            maxleft -= 1
            if maxleft == 0 or tag > (2**31 - 1) >> 7:
                return bad
        tag = (tag << 7) | (buf[p] & 0x7F)
        p += 1
        maxleft -= 1
        if maxleft == 0:
            return bad
    else:
        tag = first & 0x1F
        p += 1
        maxleft -= 1
        if maxleft == 0:
            return bad
    # asn1_get_length
    if maxleft < 1:
        return bad
    maxleft -= 1
    inf = 0
    b = buf[p]
    if b == 0x80:
        inf = 1
        p += 1
        length = 0
    else:
        n = b & 0x7F
        p += 1
        if b & 0x80:
            if maxleft < n + 1:
                return bad
            while n > 0 and buf[p] == 0:
                p += 1
                n -= 1
            if n > 8:
                return bad
            length = int.from_bytes(buf[p : p + n], "big")
            p += n
            if length > _LONG_MAX:
                return bad
        else:
            length = n
    if inf and not ret & _CONSTRUCTED:
        return bad
    if length > omax - (p - pos):
        ret |= _ERROR
    return ret | inf, p, length, tag, xclass


def parse_extended_response(buf: bytes) -> tuple[int, str | None]:
    """(result, message): the resultCode as s_client computes it (a C int; -1 on
    a parse failure, with the message it prints first)."""
    end = len(buf)
    inf, cur, length, tag, _ = get_object(buf, 0, end)
    if inf != _CONSTRUCTED or tag != 16 or length > end - cur:
        return -1, "Unexpected LDAP response\n"
    inf, cur, length, tag, _ = get_object(buf, cur, length)
    if inf != 0 or tag != 2 or length > end - cur:
        return -1, "No MessageID\n"
    cur += length
    inf, cur, length, tag, xclass = get_object(buf, cur, end - cur)
    if inf != _CONSTRUCTED or xclass != _APPLICATION or tag != 24:
        return -1, "Not ExtendedResponse\n"
    inf, cur, length, tag, _ = get_object(buf, cur, end - cur)
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
