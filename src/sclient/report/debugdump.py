"""``-debug``: OpenSSL's ``bio_dump_callback`` on the socket BIO (output.md
§12): a ``write to``/``read from`` line for each socket write and read
OpenSSL would make, each followed by a ``BIO_dump`` of the bytes.

OpenSSL reads a record as a 5-byte header read and then a body read (no
read-ahead): the reads are drawn from the engine's :class:`RecordReceived`
events; the writes, and the reads outside records (the drain after shutdown,
EOF), from the driver's :mod:`sclient.transport.socketio` events. The
``-debug`` lines of s_client's PSK client callback are here too. With
``-nbio_test`` every read piece and retry comes from the driver. Pointers
are stable made-up ids in glibc's ``%p`` form.

DTLS: OpenSSL reads a whole datagram at once (asking for 16717 bytes), so
the reads come from the driver's socket events and the records' headers
show no reads of their own; each datagram written is a write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.report.hexdump import bio_dump
from sclient.report.stream import Handler, Sink
from sclient.tls import events as ev
from sclient.transport.socketio import SocketRead, SocketWritten

if TYPE_CHECKING:
    from sclient.tls import events_rare as evr

#: The socket BIO and the buffers OpenSSL would read into or write from.
_BIO = 0x55D3A6F1CDF0
_WRITE_BUFFER = 0x55D3A6F24690
_READ_BUFFER = 0x55D3A6F1B463  # the header; the body follows it
_APP_BUFFER = 0x55D3A6E4A0A0  # s_client's own buffer (the drain)
#: What OpenSSL asks of a datagram socket: its DTLS read buffer.
DTLS_READ = 16717


def _dtls(raw: bytes) -> bool:
    return len(raw) >= 13 and raw[1] == 0xFE


def _line(verb: str, buffer: int, requested: int, result: int) -> str:
    head = f"{verb} {_BIO:#x} [{buffer:#x}] ({requested} bytes => {result}"
    if result > 0:
        return f"{head} (0x{result:X}))\n"
    return head + ")\n"


class DebugDump:
    """The ``-debug`` lines, on stdout."""

    def __init__(self, sink: Sink, chunked: bool = False) -> None:
        self.sink = sink
        #: ``-nbio_test``: the driver tells of every read piece (SocketRead);
        #: records show no reads of their own.
        self.chunked = chunked

    def table(self) -> dict[type | str, Handler]:
        return {
            ev.RecordHeaderReceived: self.header,
            ev.RecordReceived: self.record,
            SocketWritten: self.written,
            SocketRead: self.read,
            "PskClientCallback": self.psk,
        }

    def _transfer(self, verb: str, buffer: int, requested: int, data: bytes, result: int) -> None:
        text = _line(verb, buffer, requested, result)
        if result > 0:
            text += bio_dump(data[:result])
        self.sink.out(text)

    def header(self, e: ev.RecordHeaderReceived) -> None:
        if self.chunked or _dtls(e.header):
            return
        self._transfer("read from", _READ_BUFFER, 5, e.header, len(e.header))

    def record(self, e: ev.RecordReceived) -> None:
        if _dtls(e.raw):
            return
        body = e.raw[5:]
        if body and not self.chunked:
            self._transfer("read from", _READ_BUFFER + 5, len(body), body, len(body))

    def written(self, e: SocketWritten) -> None:
        self._transfer("write to", _WRITE_BUFFER, len(e.data), e.data, e.result)

    def read(self, e: SocketRead) -> None:
        buffer = _APP_BUFFER if e.requested not in (5, DTLS_READ) else _READ_BUFFER
        if self.chunked:
            buffer = _READ_BUFFER
        self._transfer("read from", buffer, e.requested, e.data, e.result)

    def psk(self, e: evr.PskClientCallback) -> None:
        out = ["psk_client_cb\n"]
        if e.hint is None:
            out.append("NULL received PSK identity hint, continuing anyway\n")
        else:
            out.append(f"Received PSK identity hint '{_c_string(e.hint)}'\n")
        identity = _c_string(e.identity)
        size = len(identity.encode("utf-8", "surrogateescape"))
        out.append(f"created identity '{identity}' len={size}\n")
        if e.key_length is not None:
            out.append(f"created PSK len={e.key_length}\n")
        self.sink.out("".join(out))


def _c_string(data: bytes) -> str:
    """``%s`` of a C string: up to the first NUL."""
    return data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
