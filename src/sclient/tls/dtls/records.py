"""The DTLS record layer (RFC 6347 §4.1): the client's record port over datagrams.

Input: each :meth:`DtlsRecordLayer.feed` (or :meth:`~DtlsRecordLayer.commit`)
is one datagram; it is cut into records at once (a record that does not fit
the rest of the datagram ends it). :meth:`DtlsRecordLayer.read` returns the
next record that passes, in the form the client reads TLS records:
``(type, payload, raw, None)``. As OpenSSL's ``dtls1_get_record`` does, a
record with a wrong version, an unknown epoch, a sequence number the replay
window has seen, or a bad MAC is dropped without a word; a record of the
next epoch waits until the ChangeCipherSpec installs its keys.

Output: one record per datagram, as OpenSSL writes them. A handshake message
(given whole, with its 12-byte header) is cut into fragments that fit the
MTU. Handshake messages and ChangeCipherSpec make up the current flight,
kept with the epoch they were sent in, so that :meth:`DtlsRecordLayer.retransmit`
can send them again (same message_seq, new record sequence numbers). The
first of our writes after a new message of the peer starts a new flight and
arms the retransmission timer (1 s, doubling up to 60 s); the engine says
how long it is, the driver keeps the clock.

Protection is TLS's (:mod:`sclient.tls.crypto.protection`): the 64-bit
sequence number its MAC and AEAD inputs use is epoch and sequence number
together (RFC 6347 §4.1.2.1), and the version is the DTLS wire version.
"""

from __future__ import annotations

from collections import deque

from sclient.tls import events as ev
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto.protection import NullCipher, RecordCipher
from sclient.tls.errors import LocalError
from sclient.tls.records import READ, Direction, Received
from sclient.tls.registry import alerts
from sclient.tls.registry import protocol as P

__all__ = [
    "HEADER_LEN",
    "HM_HEADER_LEN",
    "INITIAL_TIMEOUT",
    "MAX_TIMEOUTS",
    "Datagrams",
    "DtlsRecordLayer",
    "tls_version",
    "wire_version",
]

#: DTLS1_RT_HEADER_LENGTH and DTLS1_HM_HEADER_LENGTH.
HEADER_LEN = 13
HM_HEADER_LEN = 12
#: The retransmission timer: 1 s at first, doubled at each timeout up to 60 s.
INITIAL_TIMEOUT = 1.0
MAX_TIMEOUT = 60.0
#: DTLS1_TMO_ALERT_COUNT: the timeout after this many fails the handshake.
MAX_TIMEOUTS = 12
#: The most plaintext a record carries (2^14).
_MAX_PLAINTEXT = 1 << 14
#: Records of the next epoch kept until its keys arrive.
_MAX_FUTURE = 100
_WINDOW = 64


def wire_version(version: int) -> int:
    """The DTLS version for the TLS version the engine speaks inside."""
    return P.DTLS1_0 if version <= P.TLS1_1 else P.DTLS1_2


def tls_version(version: int) -> int | None:
    """The TLS version a DTLS wire version is built on (None: not DTLS)."""
    return {P.DTLS1_0: P.TLS1_1, P.DTLS1_2: P.TLS1_2}.get(version)


class Datagrams(bytes):
    """What the record layer has to send: the bytes, and in ``parts`` the
    datagrams they make up (a transport without datagrams sends the bytes)."""

    parts: tuple[bytes, ...]

    @classmethod
    def of(cls, parts: list[bytes]) -> Datagrams:
        d = cls(b"".join(parts))
        d.parts = tuple(parts)
        return d


class _Writer:
    """One write epoch: its cipher and the next sequence number."""

    __slots__ = ("cipher", "seq")

    def __init__(self, cipher: RecordCipher) -> None:
        self.cipher = cipher
        self.seq = 0


class DtlsRecordLayer:
    """The DTLS record layer (see the module docstring)."""

    header_len = HEADER_LEN

    def __init__(self, mtu: int, fallback_mtu: int = 0) -> None:
        #: Largest datagram payload we write (the path MTU less IP and UDP).
        self.mtu = mtu
        #: What the MTU becomes after two timeouts (0: it stays).
        self.fallback_mtu = fallback_mtu
        self._records: deque[bytes] = deque()
        self._future: list[bytes] = []
        self._inbuf = bytearray(1 << 16)
        self._read: RecordCipher = NullCipher()
        self.read_epoch = 0
        self._top = -1
        self._bitmap = 0
        self._writers: dict[int, _Writer] = {0: _Writer(NullCipher(P.DTLS1_0))}
        self.write_epoch = 0
        self.write_version = P.DTLS1_0
        #: The negotiated (TLS) version; None before the ServerHello.
        self.version: int | None = None
        self.read_protected = False
        self.write_protected = False
        self.tls13 = False
        self.compat_ccs = False
        self.max_fragment = _MAX_PLAINTEXT
        self.max_recv_plaintext = _MAX_PLAINTEXT
        #: Datagrams to send; the last one may still take more records (while
        #: a flight is written, as OpenSSL's write buffer packs them).
        self.out: list[bytearray] = []
        self.consumed = 0
        self.refused: bytes | None = None
        self.first_record = True
        #: The current flight: (content type, data, epoch) as first written.
        self.flight: list[tuple[int, bytes, int]] = []
        self._peer_spoke = True
        #: The retransmission timer: its generation (a new one per flight),
        #: its length, the timeouts so far, whether it runs.
        self.timer_generation = 0
        self.timer_interval = INITIAL_TIMEOUT
        self.timeouts = 0
        self.timer_running = False
        #: RFC 6520: heartbeat records are taken (the extension was negotiated).
        self.heartbeats = False

    # -- the record port -------------------------------------------------------------

    def negotiated(self, version: int) -> None:
        self.version = version
        self.set_write_version(version)

    def install(self, direction: Direction, cipher: RecordCipher, epoch: int | None = None) -> None:
        if direction == READ:
            self._read = cipher
            self.read_protected = True
            self.read_epoch += 1
            self._top, self._bitmap = -1, 0
            waiting, self._future = self._future, []
            self._records.extendleft(reversed(waiting))
        else:
            self.write_epoch += 1
            self._writers[self.write_epoch] = _Writer(cipher)
            self.write_protected = True

    def compress(self, method: int) -> None:
        """The ServerHello's compression method: sclient does not compress
        DTLS records (a stream over datagrams that may be lost)."""
        if method:
            raise LocalError(
                alerts.ILLEGAL_PARAMETER, "UNSUPPORTED_COMPRESSION_ALGORITHM", "DEFLATE over DTLS"
            )

    def limit_plaintext(self, n: int) -> None:
        self.max_recv_plaintext = n
        self.max_fragment = min(self.max_fragment, n)

    def expect_compat_ccs(self, expected: bool) -> None:
        """TLS 1.3 only: nothing to do in DTLS."""

    def set_write_version(self, version: int) -> None:
        self.write_version = wire_version(version) if version >> 8 == 3 else version

    @property
    def read_cipher(self) -> RecordCipher:
        return self._read

    @property
    def write_cipher(self) -> RecordCipher:
        return self._writers[self.write_epoch].cipher

    # -- input -----------------------------------------------------------------------

    def feed(self, data: bytes | memoryview) -> None:
        """One datagram."""
        mv = memoryview(data)
        pos = 0
        while len(mv) - pos >= HEADER_LEN:
            end = pos + HEADER_LEN + ((mv[pos + 11] << 8) | mv[pos + 12])
            if end > len(mv):
                break  # a record longer than its datagram: the rest is dropped
            self._records.append(bytes(mv[pos:end]))
            pos = end

    def get_buffer(self, size: int = 1 << 16) -> memoryview:
        if len(self._inbuf) < size:
            self._inbuf = bytearray(size)
        return memoryview(self._inbuf)[:size]

    def commit(self, n: int) -> None:
        self.feed(memoryview(self._inbuf)[:n])

    @property
    def buffered(self) -> int:
        return sum(len(r) for r in self._records)

    def compact(self) -> None:
        """Nothing to compact: datagrams are cut into records as they come."""

    def read_run(self) -> memoryview | None:
        return None

    def read(self) -> Received | None:
        """The next record that passes its checks (others are dropped)."""
        while self._records:
            raw = self._records.popleft()
            got = self._accept(raw)
            if got is not None:
                self.consumed += len(raw)
                self.first_record = False
                return got
        return None

    def _accept(self, raw: bytes) -> Received | None:
        ctype = raw[0]
        version = (raw[1] << 8) | raw[2]
        epoch = (raw[3] << 8) | raw[4]
        seq = int.from_bytes(raw[5:11], "big")
        length = len(raw) - HEADER_LEN
        if version >> 8 != 0xFE:
            return None
        # dtls1_get_record: a wrong version is dropped (an alert may still
        # carry the first record's version).
        if (
            self.version is not None
            and version != wire_version(self.version)
            and not (ctype == P.ALERT and not self.read_protected)
        ):
            return None
        if ctype not in (P.CHANGE_CIPHER_SPEC, P.ALERT, P.HANDSHAKE, P.APPLICATION_DATA) and not (
            ctype == P.HEARTBEAT and self.heartbeats
        ):
            return None
        if epoch == self.read_epoch + 1:
            if len(self._future) < _MAX_FUTURE and ctype != P.CHANGE_CIPHER_SPEC:
                self._future.append(raw)
            return None
        if epoch != self.read_epoch or self._replayed(seq):
            return None
        if length > self.max_recv_plaintext + 2048:
            return None
        cipher = self._read
        cipher.read_seq = (epoch << 48) | seq
        head = bytes((ctype, raw[1], raw[2], length >> 8, length & 0xFF))
        try:
            _, payload = cipher.decrypt(head, memoryview(raw)[HEADER_LEN:])
        except cerr.CryptoError:
            return None  # a bad MAC: dropped in silence (RFC 6347 §4.1.2.7)
        if len(payload) > self.max_recv_plaintext:
            raise LocalError(alerts.RECORD_OVERFLOW, "DATA_LENGTH_TOO_LONG")
        self._mark(seq)
        return ctype, payload, raw, None

    def _replayed(self, seq: int) -> bool:
        top = self._top
        if seq > top:
            return False
        if top - seq >= _WINDOW:
            return True
        return bool(self._bitmap >> (top - seq) & 1)

    def _mark(self, seq: int) -> None:
        top = self._top
        if seq > top:
            shift = seq - top
            self._bitmap = ((self._bitmap << shift) | 1) & ((1 << _WINDOW) - 1)
            self._top = seq
        else:
            self._bitmap |= 1 << (top - seq)

    # -- flights and the timer -------------------------------------------------------

    def peer_message(self) -> None:
        """A new handshake message of the peer was read: the peer's flight
        came, our next write starts a new flight."""
        self._peer_spoke = True

    def stop_timer(self) -> None:
        """The peer's flight is complete (or the handshake is): no timer."""
        self.timer_running = False
        self.timer_interval = INITIAL_TIMEOUT
        self.timeouts = 0

    def retransmit(self, events: list[ev.Event]) -> None:
        """The timer expired: the current flight again, the timer doubled."""
        self.timeouts += 1
        if self.timeouts > 2 and self.fallback_mtu:
            # dtls1_check_timeout_num: the path may not take our datagrams.
            self.mtu = min(self.mtu, self.fallback_mtu)
        if self.timeouts > MAX_TIMEOUTS:
            raise LocalError(None, "READ_TIMEOUT_EXPIRED")
        self.timer_interval = min(2 * self.timer_interval, MAX_TIMEOUT)
        self.timer_generation += 1
        self.timer_running = True
        self.resend(events)

    def resend(self, events: list[ev.Event]) -> None:
        """The current flight again, each message in the epoch it was first
        sent in."""
        for ctype, data, epoch in self.flight:
            self._write_epoch(ctype, data, epoch, events)
            if ctype == P.HANDSHAKE:
                from sclient.tls.wire.handshake import UnknownMessage

                body = data[HM_HEADER_LEN:]
                events.append(ev.HandshakeSent(data[0], data, UnknownMessage(data[0], body, data)))
            elif ctype == P.CHANGE_CIPHER_SPEC:
                events.append(ev.ChangeCipherSpecSent())

    # -- output ----------------------------------------------------------------------

    def write(self, ctype: int, data: bytes | memoryview, events: list[ev.Event]) -> None:
        """Protect ``data`` as records of ``ctype``; a handshake message is
        cut into fragments that fit the MTU."""
        data = bytes(data)
        if ctype in (P.HANDSHAKE, P.CHANGE_CIPHER_SPEC):
            if self._peer_spoke:
                self._peer_spoke = False
                self.flight = []
                self.timer_generation += 1
                self.timer_interval = INITIAL_TIMEOUT
                self.timeouts = 0
            self.timer_running = True
            self.flight.append((ctype, data, self.write_epoch))
        self._write_epoch(ctype, data, self.write_epoch, events)

    @staticmethod
    def _overhead(cipher: RecordCipher) -> int:
        """What OpenSSL's ``dtls1_do_write`` sets aside for protection when it
        cuts a handshake message: a CBC suite's MAC and two blocks, nothing
        for an AEAD suite (its explicit nonce and tag then go past the MTU,
        as OpenSSL's do)."""
        mac_len: int = getattr(cipher, "_mac_len", 0)
        return mac_len + 32 if mac_len else 0

    def _write_epoch(self, ctype: int, data: bytes, epoch: int, events: list[ev.Event]) -> None:
        writer = self._writers[epoch]
        if ctype != P.HANDSHAKE:
            step = self.max_fragment
            for off in range(0, max(len(data), 1), step):
                self._record(writer, epoch, ctype, data[off : off + step], events)
            return
        body = data[HM_HEADER_LEN:]
        overhead = HEADER_LEN + self._overhead(writer.cipher)
        head = data[:6]  # type, length, message_seq
        off = 0
        while True:
            # dtls1_do_write: what is left of the datagram being filled, or a
            # new datagram when that would not hold a fragment header.
            room = self.mtu - self._pending() - overhead
            if room <= HM_HEADER_LEN:
                self.out.append(bytearray())
                room = self.mtu - overhead
            room = max(1, min(room, self.max_fragment) - HM_HEADER_LEN)
            frag = body[off : off + room]
            fragment = b"".join((head, off.to_bytes(3, "big"), len(frag).to_bytes(3, "big"), frag))
            self._record(writer, epoch, ctype, fragment, events)
            off += len(frag)
            if off >= len(body):
                break

    def _record(
        self, writer: _Writer, epoch: int, ctype: int, plaintext: bytes, events: list[ev.Event]
    ) -> None:
        cipher = writer.cipher
        version = self.write_version
        if epoch == 0 and self.version is None:
            version = P.DTLS1_0
        seq = writer.seq
        if seq >= 1 << 48:
            raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", "sequence numbers exhausted")
        cipher.version = version
        cipher.write_seq = (epoch << 48) | seq
        rec = cipher.encrypt(ctype, plaintext)
        writer.seq = seq + 1
        body = rec[5:]
        out = b"".join(
            (
                bytes((ctype,)),
                version.to_bytes(2, "big"),
                epoch.to_bytes(2, "big"),
                seq.to_bytes(6, "big"),
                len(body).to_bytes(2, "big"),
                body,
            )
        )
        if not self.out or len(self.out[-1]) + len(out) > self.mtu:
            self.out.append(bytearray())
        self.out[-1] += out
        events.append(ev.RecordSent(ctype, version, out, None))

    def write_run(self, data: bytes | memoryview) -> bool:
        return False

    def _pending(self) -> int:
        return len(self.out[-1]) if self.out else 0

    def take_output(self) -> Datagrams:
        """The datagrams queued (the end of a flight: the next write starts a
        new datagram)."""
        data = Datagrams.of([bytes(d) for d in self.out if d])
        self.out.clear()
        return data
