"""``-starttls mysql`` (starttls.md §2 mysql): the server's Initial Handshake
packet is checked, then a fixed SSLRequest packet goes out and TLS starts."""

from __future__ import annotations

from sclient.starttls.steps import (
    OK,
    SHUT,
    Context,
    Dialogue,
    Outcome,
    message,
    read_chunk,
    send,
)

CLIENT_SSL = 0x0800

#: payload length 32, sequence 1; capabilities 0x007fae85; max packet 16 MiB;
#: character set 33 (utf8_general_ci); 23 reserved zero bytes
SSL_REQUEST = bytes.fromhex("2000000185ae7f000000000121") + bytes(23)


def check_handshake(packet: bytes | None) -> str | None:
    """The message that stops s_client for this Initial Handshake packet, or None."""
    if packet is None:
        return "BIO_read failed\n"
    n = len(packet)
    if n < 21:
        return "MySQL packet too short.\n"
    if n != 4 + int.from_bytes(packet[0:3], "little"):
        return "MySQL packet length does not match.\n"
    if packet[4] != 0x0A:
        return "Only MySQL protocol version 10 is supported.\n"
    nul = packet.find(b"\0", 5)
    if nul < 0:
        return "Cannot confirm server version. "
    pos = nul + 1
    if pos + 15 > n:
        return "MySQL server handshake packet is broken.\n"
    pos += 12  # connection id (4) and auth-plugin-data part 1 (8)
    if packet[pos] != 0:
        return "MySQL packet is broken.\n"
    pos += 1
    if not int.from_bytes(packet[pos : pos + 2], "little") & CLIENT_SSL:
        return "MySQL server does not support SSL.\n"
    return None


def mysql(ctx: Context) -> Dialogue:
    packet = yield from read_chunk()
    problem = check_handshake(packet)
    if problem is not None:
        yield from message(problem)
        offered = False if problem.startswith("MySQL server does not") else None
        return Outcome(SHUT, offered=offered)
    yield from send(SSL_REQUEST)
    return Outcome(OK, offered=True)
