"""``-trace``: every record and message decoded as OpenSSL's ``SSL_trace``
prints it (output.md §15).

The decoding is ``tls.wire.describe``'s field trees; this module only draws
them: each field's line at its parent's indent plus the field's ``step``,
hex dumps in ``BIO_dump_indent`` layout, certificates as ``X509_print_ex``
text and PEM. Every callback's output ends with one extra newline, as
OpenSSL's does. Lines go to ``sink.out`` (stdout, or ``-msgfile``'s file when
the driver gives a sink writing there).

What a message's decoding depends on (TLS 1.3 or not, the suite's key
exchange) is followed from the messages themselves, as OpenSSL's connection
state would have it when the callback runs.
"""

from __future__ import annotations

from typing import Protocol

from sclient.report.hexdump import bio_dump
from sclient.report.stream import Handler
from sclient.tls import events as ev
from sclient.tls.wire.describe import (
    Field,
    Tracker,
    describe_alert,
    describe_ccs,
    describe_record,
)


class Out(Protocol):
    def out(self, text: str) -> None: ...


def render(tree: Field, indent: int = 0) -> str:
    """The trace text of a field tree whose line sits at ``indent + tree.step``."""
    parts: list[str] = []
    _draw(tree, indent, parts)
    return "".join(parts)


def _draw(f: Field, parent: int, parts: list[str]) -> None:
    at = parent + f.step
    kind = f.kind
    if kind == "dump":
        parts.append(bio_dump(f.value or b"", at))
    elif kind == "abs":
        parts.append(f"{f.text}\n")
    elif kind == "pad":
        parts.append(" " * at)
    elif kind == "cert":
        parts.append(f"{'':{at}}{f.text}")
        parts.append(_certificate_text(f.value))
    elif kind == "rpk":
        parts.append(f"{'':{at}}{f.text}\n")
        parts.append(_raw_public_key_text(f.value, at + 2))
    elif kind == "dn":
        parts.append(f"{'':{at}}{f.text}{_dn_text(f.value)}\n")
    elif kind != "group" and f.text is not None:
        parts.append(f"{'':{at}}{f.text}\n")
    if kind == "alert":
        return  # one line; its children name the parts for JSON
    for child in f.children:
        _draw(child, at, parts)


def _certificate_text(der: bytes) -> str:
    from sclient.x509.text import certificate_text

    text = certificate_text(der)
    if text is None:
        return "<UNPARSEABLE CERTIFICATE>\n"
    from sclient.base.pem import certificate_pem

    return f"\n------details-----\n{text}{certificate_pem(der)}------------------\n"


def _raw_public_key_text(spki: bytes, indent: int) -> str:
    """``EVP_PKEY_print_public`` of a raw public key (OpenSSL 3.2+'s trace)."""
    from sclient.report.rpk import public_key
    from sclient.x509.text import public_key_text

    key = public_key(spki)
    text = public_key_text(key, indent) if key is not None else None
    return text or ""


def _dn_text(der: bytes) -> str:
    from sclient.x509 import names

    try:
        name = names.Name.from_der(der)
    except Exception:
        return "<UNPARSEABLE DN>"
    return names.print_ex(name, names.XN_FLAG_ONELINE)


#: OpenSSL 1.1.1's ssl_hb_type_tbl.
_HB_TYPES = {1: "heartbeat_request", 2: "heartbeat_response"}


def heartbeat_text(msg: bytes) -> str:
    """1.1.1's ``ssl_print_heartbeat`` (3.0 has none): the type, then the
    payload and the padding as ``ssl_print_hex`` lines; a message shorter
    than 3 bytes prints nothing, one whose payload length runs past its
    end only its type."""
    if len(msg) < 3:
        return ""
    out = f"    HeartBeatMessageType: {_HB_TYPES.get(msg[0], 'UNKNOWN')}\n"
    n = int.from_bytes(msg[1:3], "big")
    if 3 + n > len(msg):
        return out
    out += f"    payload (len={n}): {msg[3 : 3 + n].hex().upper()}\n"
    pad = msg[3 + n :]
    return out + f"    padding (len={len(pad)}): {pad.hex().upper()}\n"


class TraceStream:
    """The ``-trace`` renderer: subscribes to the record and message events."""

    def __init__(self, sink: Out) -> None:
        self.sink = sink
        self.new_connection()

    def new_connection(self) -> None:
        self.tracker = Tracker()

    def table(self) -> dict[type | str, Handler]:
        return {
            ev.RecordSent: lambda e: self.record(e, True),
            ev.RecordHeaderReceived: self.header_received,
            ev.RecordReceived: self.inner_received,
            ev.HandshakeSent: lambda e: self.handshake(e.raw, False),
            ev.HandshakeReceived: lambda e: self.handshake(e.raw, True),
            ev.ChangeCipherSpecSent: lambda e: self.sink.out(render(describe_ccs(b"\x01")) + "\n"),
            ev.ChangeCipherSpecReceived: self.ccs_received,
            ev.AlertSent: self.alert,
            ev.AlertReceived: self.alert,
            "HeartbeatSent": lambda e: self.sink.out(heartbeat_text(e.raw) + "\n"),
            "HeartbeatReceived": lambda e: self.sink.out(heartbeat_text(e.raw) + "\n"),
        }

    def record(self, e: ev.RecordSent, sent: bool) -> None:
        self.header(e.raw, sent)
        self.inner(e.raw, e.inner_type)

    def header(self, raw: bytes, sent: bool) -> None:
        if len(raw) < 5:
            return
        if raw[1] == 0xFE:
            self.tracker.dtls = True
        head = "Sent Record\n" if sent else "Received Record\n"
        text = head + render(describe_record(raw, None))
        self.sink.out(text[:-1] + "\n")

    def inner(self, raw: bytes, inner_type: int | None) -> None:
        if inner_type is not None and len(raw) >= 5:
            self.sink.out(render(describe_record(raw, inner_type).children[-1]))

    def ccs_received(self, e: ev.ChangeCipherSpecReceived) -> None:
        """DTLS: the message callback also sees a received ChangeCipherSpec."""
        if self.tracker.dtls:
            self.sink.out(render(describe_ccs(b"\x01")) + "\n")

    def header_received(self, e: ev.RecordHeaderReceived) -> None:
        """The header, as OpenSSL's callback shows it before reading the body."""
        self.header(e.header, False)

    def inner_received(self, e: ev.RecordReceived) -> None:
        self.inner(e.raw, e.inner_type)

    def alert(self, e: ev.AlertSent | ev.AlertReceived) -> None:
        self.sink.out(render(describe_alert(e.level, e.description)) + "\n")

    def handshake(self, raw: bytes, from_server: bool) -> None:
        self.sink.out(render(self.tracker.describe(raw, from_server)) + "\n")
