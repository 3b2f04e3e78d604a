"""What the driver's socket did: each write and each read outside the TLS
records (the drain after shutdown, EOF, errors). Not engine events: the
driver publishes them to the report stream where they happened, for
``-debug`` (OpenSSL's BIO callback on the socket BIO)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sclient.base.structs import Struct


class SocketIO(Protocol):
    """Who hears of the socket reads and writes made outside the engine (the
    STARTTLS dialogue, the proxy's CONNECT), for -debug."""

    def read(self, requested: int, data: bytes, result: int) -> None: ...
    def written(self, data: bytes, result: int) -> None: ...


class SocketWritten(Struct, frozen=True, slots=True):
    """One write on the socket: ``data`` offered, ``result`` the count
    written, or -1 when the write failed."""

    data: bytes
    result: int


class SocketRead(Struct, frozen=True, slots=True):
    """One read on the socket outside a record: ``requested`` bytes asked
    for, ``data`` got; ``result`` is ``len(data)``, 0 at EOF, -1 on error."""

    requested: int
    data: bytes
    result: int


class SocketTap:
    """-debug: tells ``publish`` (the report stream) of the socket I/O the
    driver makes, where OpenSSL's BIO callback would see it."""

    def __init__(self, publish: Callable[[object], None]) -> None:
        self.publish = publish
        #: ``-nbio_test``: the pieces and retries of the writes since the last
        #: :meth:`placed` (None: each write is one piece).
        self.chunks: list[object] | None = None

    def read(self, requested: int, data: bytes, result: int) -> None:
        self.publish(SocketRead(requested, data, result))

    def written(self, data: bytes | memoryview, result: int) -> None:
        if data:
            self.publish(SocketWritten(bytes(data), result))

    def placed(self, events: Sequence[object], written: bytes | memoryview) -> list[object]:
        """``events`` with the write of ``written`` where OpenSSL flushes it:
        after the last record and handshake message the engine wrote (an
        alert is written at once, before its message callback runs)."""
        from sclient.tls import events as ev

        sent = (ev.RecordSent, ev.HandshakeSent, ev.ChangeCipherSpecSent)
        out = list(events)
        at = 0
        for i, e in enumerate(out):
            if isinstance(e, sent):
                at = i + 1
        if self.chunks:
            out[at:at] = self.chunks
            self.chunks.clear()
        else:
            parts = getattr(written, "parts", None) or (written,)  # datagrams: one write each
            out[at:at] = [SocketWritten(bytes(p), len(p)) for p in parts]
        return out
