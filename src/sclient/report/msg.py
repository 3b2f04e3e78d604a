"""``-msg``: s_client's message callback (``msg_cb``, output.md §11).

Every record header and every handshake message, alert and ChangeCipherSpec,
sent (``>>>``) and received (``<<<``), as one line and a hex dump of its
bytes::

    >>> TLS 1.0, RecordHeader [length 0005]
        16 03 01 01 3f
    >>> TLS 1.3, Handshake [length 013f], ClientHello
        01 00 01 3b 03 03 ...

Record headers carry the record's own version; messages carry the
connection's version as OpenSSL knows it at that moment: the highest
version enabled until a ServerHello is accepted (the ServerHello itself is
shown before it is processed), the negotiated one after. A TLS 1.3
protected record adds its inner content type (``InnerContent``): with the
record version when sent, with the connection version when received. A
received ChangeCipherSpec shows only as its record header.

DTLS: OpenSSL passes version 0 with a record header (its 13 bytes), so every
header line is ``Not TLS data or unknown version (version=0, …)``, and
s_client's callback knows no DTLS 1.2, whose messages print the same way
with ``version=65277``; a received ChangeCipherSpec shows as a message too.

The lines go to the ``-msgfile`` when there is one, else to stdout (also
under ``-quiet``, as s_client opens a stdout channel of its own for them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sclient.tls import events as ev
from sclient.tls.registry import alerts
from sclient.tls.registry import protocol as P

Handler = Callable[[Any], None]


def hex_lines(data: bytes) -> str:
    """``msg_cb``'s dump: 16 bytes a line, each `` %02x``, lines indented 3."""
    if not data:
        return ""
    rows = []
    for i in range(0, len(data), 16):
        rows.append("   " + "".join(f" {b:02x}" for b in data[i : i + 16]) + "\n")
    return "".join(rows)


def version_prefix(version: int, content_type: int) -> str:
    """``<version>, <content type>``, or OpenSSL 3.0's text for an unknown version."""
    name = P.VERSION_TRACE_NAMES.get(version)
    if name is None:
        return f"Not TLS data or unknown version (version={version}, content_type={content_type})"
    ctype = P.MSG_CONTENT_TYPE_NAMES.get(content_type)
    if ctype is None:
        ctype = f"Unknown (content_type={content_type})"
    return f"{name}, {ctype}"


def _dtls(version: int) -> bool:
    return version >> 8 == 0xFE


def details(content_type: int, data: bytes) -> str:
    """What follows ``[length …]``: the handshake or alert name."""
    if content_type == P.HANDSHAKE and data:
        name = P.HANDSHAKE_NAMES.get(data[0])
        return f", {name}" if name is not None else "???"
    if content_type == P.ALERT:
        if len(data) != 2:
            return ", ???"
        level = alerts.LEVEL_NAMES.get(data[0], "???")
        return f", {level} {alerts.msg_name(data[1])}"
    return ""


def heartbeat_text(sent: bool, version: int, data: bytes) -> str:
    """An RFC 6520 message as OpenSSL 1.1.1's msg_cb showed it (3.0 has no
    heartbeats): no content-type word, the kind after the length."""
    if version not in P.VERSION_TRACE_NAMES:
        return message_text(sent, version, P.HEARTBEAT, data)
    kind = {1: "Request", 2: "Response"}.get(data[0], "") if data else ""
    head = ">>>" if sent else "<<<"
    line = f"{head} {P.VERSION_TRACE_NAMES[version]} [length {len(data):04x}], Heartbeat{kind}\n"
    return line + hex_lines(data)


def message_text(sent: bool, version: int, content_type: int, data: bytes) -> str:
    """One callback's line and its dump."""
    head = ">>>" if sent else "<<<"
    prefix = version_prefix(version, content_type)
    # An unknown version (DTLS 1.2, a DTLS record header) gets no details.
    more = details(content_type, data) if version in P.VERSION_TRACE_NAMES else ""
    line = f"{head} {prefix} [length {len(data):04x}]{more}\n"
    return line + hex_lines(data)


class MsgRenderer:
    """Prints the message callback's lines to ``write`` (then ``flush``)."""

    def __init__(
        self, write: Callable[[str], None], flush: Callable[[], None], max_version: int
    ) -> None:
        self.write = write
        self.flush = flush
        self.max_version = max_version
        self.version = max_version

    def table(self) -> dict[type | str, Handler]:
        return {
            ev.StateChanged: self.state,
            ev.ServerHelloAccepted: self.accepted,
            ev.RecordSent: self.record_sent,
            ev.RecordHeaderReceived: self.record_header,
            ev.RecordReceived: self.record_received,
            ev.HandshakeSent: lambda e: self.show(True, P.HANDSHAKE, e.raw),
            ev.HandshakeReceived: lambda e: self.show(False, P.HANDSHAKE, e.raw),
            ev.ChangeCipherSpecSent: lambda e: self.show(True, P.CHANGE_CIPHER_SPEC, b"\x01"),
            ev.AlertSent: lambda e: self.show(True, P.ALERT, bytes((e.level, e.description))),
            ev.AlertReceived: lambda e: self.show(False, P.ALERT, bytes((e.level, e.description))),
            ev.ChangeCipherSpecReceived: self.ccs_received,
            "HeartbeatSent": lambda e: self.emit(heartbeat_text(True, self.version, e.raw)),
            "HeartbeatReceived": lambda e: self.emit(heartbeat_text(False, self.version, e.raw)),
        }

    def new_connection(self) -> None:
        self.version = self.max_version

    def state(self, e: ev.StateChanged) -> None:
        # A new handshake on a new connection (-reconnect) starts from the top.
        if e.state == "before SSL initialization":
            self.version = self.max_version

    def accepted(self, e: ev.ServerHelloAccepted) -> None:
        self.version = e.version

    def emit(self, text: str) -> None:
        self.write(text)
        self.flush()

    def show(self, sent: bool, content_type: int, data: bytes) -> None:
        self.emit(message_text(sent, self.version, content_type, data))

    def ccs_received(self, e: ev.ChangeCipherSpecReceived) -> None:
        if _dtls(self.version):
            self.show(False, P.CHANGE_CIPHER_SPEC, b"\x01")

    def record_sent(self, e: ev.RecordSent) -> None:
        if _dtls(e.version):
            self.emit(message_text(True, 0, P.RECORD_HEADER, e.raw[:13]))
            return
        text = message_text(True, e.version, P.RECORD_HEADER, e.raw[:5])
        if e.inner_type is not None:
            text += message_text(True, e.version, P.INNER_CONTENT, bytes((e.inner_type,)))
        self.emit(text)

    def record_header(self, e: ev.RecordHeaderReceived) -> None:
        version = (e.header[1] << 8) | e.header[2]
        if _dtls(version):
            version = 0
        self.emit(message_text(False, version, P.RECORD_HEADER, e.header))

    def record_received(self, e: ev.RecordReceived) -> None:
        if e.inner_type is not None:
            inner = bytes((e.inner_type,))
            self.emit(message_text(False, self.version, P.INNER_CONTENT, inner))
