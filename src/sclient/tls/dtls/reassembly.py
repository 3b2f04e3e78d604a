"""DTLS handshake reassembly (RFC 6347 §4.2.2, §4.2.3).

Each handshake record holds fragments, each with the 12-byte header: type,
length, message_seq, fragment_offset, fragment_length. Fragments are kept by
message_seq until their message is whole; they may come in any order,
overlap, or repeat. A message of a later message_seq (up to 10 ahead, as
OpenSSL buffers them) waits for the ones before it; one of an earlier
message_seq is a retransmission and is dropped (:attr:`DtlsHandshakeReader.old`
counts them: after the handshake, the peer's repeated Finished means our
last flight was lost).

The reader answers the client's questions as the TLS reader does
(:class:`~sclient.tls.hsreader.HandshakeReader`): the header of the next
message, then the message. A message is handed over only once whole, with
its header as DTLS hashes it: fragment_offset 0 and fragment_length the
message's length.
"""

from __future__ import annotations

from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts

__all__ = ["MAX_MESSAGE_LEN", "SILENT_FAILURE", "DtlsHandshakeReader"]

#: The reason of a failure OpenSSL reports with no alert and nothing queued.
SILENT_FAILURE = "DTLS_SILENT_FAILURE"

HM_HEADER_LEN = 12
#: dtls1_max_handshake_message_len: the larger of a record's most and
#: max_cert_list (100 KiB by default).
MAX_MESSAGE_LEN = 100 * 1024
#: Messages ahead of the next one that are kept (OpenSSL's window).
_AHEAD = 10


class _Partial:
    __slots__ = ("body", "have", "length", "msg_type")

    def __init__(self, msg_type: int, length: int) -> None:
        self.msg_type = msg_type
        self.length = length
        self.body = bytearray(length)
        #: Which bytes of the body are here.
        self.have = bytearray(length)

    def add(self, offset: int, data: bytes) -> None:
        end = offset + len(data)
        self.body[offset:end] = data
        self.have[offset:end] = b"\x01" * len(data)

    @property
    def whole(self) -> bool:
        return all(self.have)


class DtlsHandshakeReader:
    """Joins handshake fragments into whole messages, in message_seq order."""

    __slots__ = ("_checked", "_next", "_partial", "finished_is_old", "old", "on_message")

    def __init__(self) -> None:
        self._partial: dict[int, _Partial] = {}
        self._next = 0
        self._checked = False
        #: Fragments of messages already handed over (the peer retransmitted).
        self.old = 0
        #: Called with each message handed over (the record layer learns
        #: that the peer's flight came).
        self.on_message: object = None
        #: Between handshakes a Finished is the peer's last flight again.
        self.finished_is_old = False

    def reset(self) -> None:
        """A handshake ended (tls_finish_handshake): the next one starts at
        message_seq 0; until it starts, a Finished is a retransmission."""
        self._partial.clear()
        self._next = 0
        self._checked = False
        self.old = 0
        self.finished_is_old = True

    @property
    def next_seq(self) -> int:
        return self._next

    def feed(self, payload: bytes) -> None:
        """The fragments of one handshake record."""
        mv = memoryview(payload)
        pos = 0
        while pos < len(mv):
            if len(mv) - pos < HM_HEADER_LEN:
                raise LocalError(alerts.DECODE_ERROR, "LENGTH_MISMATCH", "short fragment header")
            h = mv[pos : pos + HM_HEADER_LEN]
            msg_type = h[0]
            length = int.from_bytes(h[1:4], "big")
            seq = (h[4] << 8) | h[5]
            offset = int.from_bytes(h[6:9], "big")
            flen = int.from_bytes(h[9:12], "big")
            start = pos + HM_HEADER_LEN
            pos = start + flen
            if pos > len(mv):
                raise LocalError(alerts.DECODE_ERROR, "LENGTH_MISMATCH", "fragment past its record")
            if offset + flen > length or length > MAX_MESSAGE_LEN:
                # dtls1_reassemble_fragment gives up without an alert or an
                # error-queue entry (s_client then says write:errno=0).
                raise LocalError(None, SILENT_FAILURE, "fragment outside its message")
            if seq < self._next or (self.finished_is_old and msg_type == 20):
                self.old += 1
                continue
            if seq > self._next + _AHEAD:
                continue
            part = self._partial.get(seq)
            if part is None:
                part = self._partial[seq] = _Partial(msg_type, length)
            elif part.length != length or part.msg_type != msg_type:
                continue  # inconsistent with the fragments before: dropped
            part.add(offset, bytes(mv[start:pos]))

    @property
    def buffered(self) -> int:
        """Always 0: a message in pieces is no "data inside a message" as in
        TLS (records of other types may come between its fragments)."""
        return 0

    @property
    def inside_header(self) -> bool:
        return False

    def header(self) -> tuple[int, int] | None:
        """(type, length) of the next message once it is whole."""
        part = self._partial.get(self._next)
        if part is None or not part.whole:
            return None
        return part.msg_type, part.length

    @property
    def header_checked(self) -> bool:
        return self._checked

    def mark_checked(self) -> None:
        self._checked = True

    def take(self) -> bytes | None:
        """The next message, whole, with its DTLS header (offset 0)."""
        if self.header() is None:
            return None
        part = self._partial.pop(self._next)
        seq = self._next
        self._next += 1
        self._checked = False
        n = part.length.to_bytes(3, "big")
        raw = b"".join(
            (bytes((part.msg_type,)), n, seq.to_bytes(2, "big"), b"\0\0\0", n, part.body)
        )
        if callable(self.on_message):
            self.on_message()
        return raw
