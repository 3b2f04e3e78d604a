"""The record layer: framing, protection and fragmentation.

Theory of operation
-------------------
Received bytes go into one ``bytearray`` of fixed size (replaced by a larger
one, never resized): copied there by :meth:`RecordLayer.feed`, or read there
by the transport itself through :meth:`RecordLayer.get_buffer` and
:meth:`RecordLayer.commit`. :meth:`RecordLayer.read` takes the next complete
record off its front (the consumed prefix is dropped once per
:meth:`RecordLayer.compact`, not per record), checks the header the way
OpenSSL 3.0's ``ssl3_get_record`` does, removes protection with the current
read cipher and returns ``(type, payload, raw, inner_type)``, where ``type``
is the effective content type (the inner type of a TLS 1.3 record). Header
checks run as soon as the 5 header bytes are present, so an oversized or
non-TLS header fails without waiting for a body that may never come.

Bulk (TLS 1.3 application data after the handshake): :meth:`RecordLayer.read_run`
opens a run of application_data records straight from the input buffer into
one plaintext buffer, their contents concatenated, with no object per record;
:meth:`RecordLayer.write_run` seals application data into records of the
largest size straight into an output buffer. Anything a run cannot take whole
is left to :meth:`RecordLayer.read` and :meth:`RecordLayer.write`.

Outgoing data is cut into fragments of at most ``max_fragment`` bytes,
protected with the current write cipher and appended to ``out``; the client
hands ``out`` to the application in one piece per flight.

Ciphers come from :mod:`sclient.tls.crypto.protection`; each direction
switches cipher on its own (:meth:`RecordLayer.install`).

Compression (TLS <= 1.2, ``-comp``, RFC 3749 DEFLATE): each direction has one
zlib stream per cipher state, made new at each ``install`` (a renegotiation
starts new streams). Sent records are deflated before protection, each
flushed whole (``Z_SYNC_FLUSH``) so the peer can inflate it alone; received
ones are inflated after, to at most 2^14 bytes (a record that would give
more, is not DEFLATE data, or ends the stream is a decompression_failure),
so a compression bomb costs no more memory than one record.

The handshake states see the record layer only through :class:`RecordPort`:
``negotiated`` (the ServerHello's version), ``install`` (new keys for one
direction, with their epoch), ``compress`` (the ServerHello's compression
method, which each direction takes up at its next ``install``),
``limit_plaintext`` (max_fragment_length),
``expect_compat_ccs``, ``set_write_version`` and ``write``. The client, which
owns the record layer, also reads and frames input. A DTLS record layer is
another implementation of the same port.
Failures raise :class:`~sclient.tls.errors.LocalError` with OpenSSL's alert and
reason; the crypto layer's exceptions are mapped here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from sclient.tls import events as ev
from sclient.tls.crypto import errors as cerr
from sclient.tls.crypto.protection import (
    MAX_COMPRESSED,
    NullCipher,
    RecordCipher,
    allow_compressed,
)
from sclient.tls.errors import LocalError, TLSError
from sclient.tls.registry import alerts
from sclient.tls.registry import protocol as P

if TYPE_CHECKING:
    import zlib

__all__ = [
    "BULK_READ",
    "EPOCH_APPLICATION",
    "EPOCH_HANDSHAKE",
    "MAX_PLAINTEXT",
    "READ",
    "WRITE",
    "Direction",
    "Received",
    "RecordLayer",
    "RecordPort",
]

MAX_PLAINTEXT = 1 << 14
#: OpenSSL 3.0's read buffer: 2^14 + 320 (max encrypted overhead) + 5 + 3
#: (alignment); a header announcing more than the buffer holds is "packet
#: length too long" (ssl3_get_record).
_RBUF_BODY_MAX = MAX_PLAINTEXT + 320 + 3
#: How much of a stream that is not TLS the record layer keeps to show.
FOREIGN_MAX = 512
#: SSL3_RT_MAX_TLS13_ENCRYPTED_LENGTH.
_MAX_CIPHERTEXT_13 = MAX_PLAINTEXT + 256
#: SSL3_RT_MAX_ENCRYPTED_LENGTH without the compression allowance (2^14 + 320):
#: the limit before TLS 1.3 is chosen. Observed with s_client 3.0.19: a header
#: of 16705..16707 bytes is "encrypted length too long", 16708+ "packet length
#: too long", both as soon as the header arrives.
_MAX_CIPHERTEXT_12 = MAX_PLAINTEXT + 320
#: SSL3_RT_MAX_COMPRESSED_OVERHEAD: what OpenSSL adds to its read buffer when
#: compression is allowed, and to the ciphertext limit while it is on.
_COMPRESSED_OVERHEAD = 1024
#: The room :meth:`RecordLayer.get_buffer` offers by default: one read of the
#: transport in bulk.
BULK_READ = 1 << 18
#: The input buffer's size once the transport reads into it: a bulk read
#: behind the start of a record that is not complete yet.
_BULK_CAPACITY = BULK_READ + 5 + _RBUF_BODY_MAX
#: Consecutive empty records (or TLS 1.3 CCS) OpenSSL tolerates (MAX_EMPTY_RECORDS).
_MAX_EMPTY_RECORDS = 32
_KNOWN_TYPES = frozenset((P.CHANGE_CIPHER_SPEC, P.ALERT, P.HANDSHAKE, P.APPLICATION_DATA))

#: One received record: effective content type, payload, raw record bytes
#: (header included), TLS 1.3 inner content type (or None).
Received = tuple[int, bytes, bytes, int | None]

Direction = Literal["read", "write"]
READ: Direction = "read"
WRITE: Direction = "write"

#: Key epochs as DTLS numbers them (RFC 9147 §6.1; TLS keeps them for
#: diagnostics only): 0 before any keys, TLS 1.3 handshake keys 2, the first
#: application keys 3; each later change (a TLS 1.2 ChangeCipherSpec, a
#: KeyUpdate) is the next epoch.
EPOCH_HANDSHAKE = 2
EPOCH_APPLICATION = 3


class RecordPort(Protocol):
    """What the handshake states may ask of the record layer."""

    def negotiated(self, version: int) -> None:
        """The ServerHello chose ``version``: records must carry it from now
        on (TLS <= 1.2), TLS 1.3's record rules apply (TLS 1.3)."""

    def install(self, direction: Direction, cipher: RecordCipher, epoch: int | None = None) -> None:
        """Protect ``direction`` with ``cipher`` from the next record on;
        ``epoch`` None: the epoch after the current one."""

    def compress(self, method: int) -> None:
        """The ServerHello's compression method (TLS <= 1.2; 0: none, 1:
        DEFLATE): each direction takes it up, with a new stream, at its next
        :meth:`install`."""

    def limit_plaintext(self, n: int) -> None:
        """max_fragment_length: no record either way carries more than ``n``
        bytes of plaintext."""

    def expect_compat_ccs(self, expected: bool) -> None:
        """TLS 1.3: a plaintext ChangeCipherSpec record is a middlebox
        compatibility one (checked, then ignored) until the handshake ends
        (``expected`` False: none is allowed any more)."""

    def set_write_version(self, version: int) -> None:
        """Record version of unprotected records written from now on."""

    def write(self, ctype: int, data: bytes | memoryview, events: list[ev.Event]) -> None:
        """Protect and queue ``data`` as records of ``ctype``."""


class RecordLayer:
    __slots__ = (
        "_comp_next",
        "_deflate",
        "_empty",
        "_end",
        "_in",
        "_inflate",
        "_inview",
        "_o",
        "_olen",
        "_opener",
        "_oview",
        "_plain",
        "_pos",
        "_read",
        "_write",
        "ccs_allowed",
        "comp_room",
        "compat_ccs",
        "consumed",
        "first_record",
        "foreign",
        "max_fragment",
        "max_recv_plaintext",
        "out",
        "read_epoch",
        "read_protected",
        "refused",
        "tls13",
        "version",
        "write_epoch",
        "write_protected",
    )

    def __init__(self, max_fragment: int = MAX_PLAINTEXT, compression: bool = False) -> None:
        #: Received bytes: ``_in[_pos:_end]`` not yet returned as records.
        self._in = bytearray()
        self._inview = memoryview(self._in)
        self._pos = 0
        self._end = 0
        #: Bulk: the read cipher's ``open_run`` (None: the cipher has none).
        self._opener: Callable[..., tuple[int, int]] | None = None
        #: Bulk: the plaintext buffer of :meth:`read_run` (made on first use)
        #: and how much of it this batch (since :meth:`compact`) has filled.
        self._plain: memoryview | None = None
        self._o = 0
        #: Bulk: the output buffer of :meth:`write_run` and the bytes it holds.
        self._oview: memoryview | None = None
        self._olen = 0
        self._read: RecordCipher = NullCipher()
        self._write: RecordCipher = NullCipher(P.TLS1_0)
        self._empty = 0
        #: Compression: the method the next cipher states take up (0: none),
        #: and the stream of each direction (None: records are not compressed).
        self._comp_next = 0
        self._deflate: zlib._Compress | None = None
        self._inflate: zlib._Decompress | None = None
        #: Compression was allowed when the connection began: OpenSSL's read
        #: buffer then has room for the compression overhead.
        self.comp_room = compression
        self.read_protected = False
        self.write_protected = False
        self.read_epoch = 0
        self.write_epoch = 0
        self.first_record = True
        #: Negotiated version (None before ServerHello); TLS <= 1.2 records
        #: must then carry it.
        self.version: int | None = None
        self.tls13 = False
        #: TLS 1.3: a plaintext CCS is still allowed (first handshake only).
        self.ccs_allowed = True
        #: A CCS record is a TLS 1.3 compatibility CCS (after a HelloRetryRequest
        #: or a TLS 1.3 ServerHello, until the handshake ends): checked, ignored.
        self.compat_ccs = False
        self.max_fragment = max_fragment
        self.max_recv_plaintext = MAX_PLAINTEXT
        self.out = bytearray()
        #: Bytes of the peer's stream the record layer has taken in, as OpenSSL
        #: (reading without read-ahead: a header, then its body) would have
        #: read them from the socket: the header of a record whose header
        #: fails, the whole of one whose body fails.
        self.consumed = 0
        #: The header of the record :meth:`read` refused last (its header or
        #: its protection failed), for the engine's RecordHeaderReceived event.
        self.refused: bytes | None = None
        #: The first bytes of a stream whose first record is no TLS record (a
        #: plaintext greeting, an HTTP answer), as far as they had arrived, up
        #: to :data:`FOREIGN_MAX`: for the engine's ForeignBytesReceived event.
        self.foreign: bytes | None = None

    # -- configuration ---------------------------------------------------------

    def negotiated(self, version: int) -> None:
        self.version = version
        self.tls13 = version == P.TLS1_3
        self.set_write_version(min(version, P.TLS1_2))

    def compress(self, method: int) -> None:
        self._comp_next = method

    def install(self, direction: Direction, cipher: RecordCipher, epoch: int | None = None) -> None:
        deflate = bool(self._comp_next) and not self.tls13
        if deflate:
            import zlib  # a DEFLATE connection's only

            allow_compressed(cipher)
        if direction == READ:
            self._inflate = zlib.decompressobj() if deflate else None
            self._read = cipher
            self._opener = getattr(cipher, "open_run", None)
            self.read_protected = True
            self.read_epoch = self.read_epoch + 1 if epoch is None else epoch
        else:
            self._deflate = zlib.compressobj() if deflate else None
            self._write = cipher
            self.write_protected = True
            self.write_epoch = self.write_epoch + 1 if epoch is None else epoch

    def limit_plaintext(self, n: int) -> None:
        self.max_recv_plaintext = n
        self.max_fragment = min(self.max_fragment, n)

    def expect_compat_ccs(self, expected: bool) -> None:
        self.compat_ccs = expected
        if not expected:
            self.ccs_allowed = False

    def set_write_version(self, version: int) -> None:
        """Record version of unprotected records written from now on."""
        self._write.version = version

    @property
    def read_cipher(self) -> RecordCipher:
        return self._read

    @property
    def write_cipher(self) -> RecordCipher:
        return self._write

    # -- input -----------------------------------------------------------------

    def feed(self, data: bytes | memoryview) -> None:
        """Received bytes, copied into the input buffer."""
        n = len(data)
        self._reserve(n)
        end = self._end
        self._inview[end : end + n] = data
        self._end = end + n

    def get_buffer(self, size: int = BULK_READ) -> memoryview:
        """``size`` bytes of room after the received bytes, for the transport
        to read into; :meth:`commit` says how many it put there."""
        end = self._end
        if end + size > len(self._in):
            if size >= BULK_READ and len(self._in) < _BULK_CAPACITY:
                # Bulk reads: room once for a read and the record it may end in.
                self._reserve(_BULK_CAPACITY - self.buffered)
            self._reserve(size)
            end = self._end
        return self._inview[end : end + size]

    def commit(self, n: int) -> None:
        """The transport put ``n`` bytes into the room of :meth:`get_buffer`."""
        if not 0 <= n <= len(self._in) - self._end:
            raise ValueError("more bytes than the buffer offered")
        self._end += n

    def _reserve(self, n: int) -> None:
        """Room for ``n`` more bytes after the received ones."""
        if self._end + n <= len(self._in):
            return
        keep = self._end - self._pos
        if keep + n <= len(self._in):
            self.compact()
            return
        # A new buffer, never a resize: a view of the old one may be alive.
        new = bytearray(max(keep + n, 2 * len(self._in)))
        new[:keep] = self._inview[self._pos : self._end]
        self._in, self._inview, self._pos, self._end = new, memoryview(new), 0, keep

    @property
    def buffered(self) -> int:
        """Received bytes not yet returned as records."""
        return self._end - self._pos

    def compact(self) -> None:
        """Drop the bytes already returned; the next :meth:`read_run` starts a
        new batch (it may reuse the plaintext buffer)."""
        self._o = 0
        pos = self._pos
        if pos:
            keep = self._end - pos
            if keep:
                view = self._inview
                view[:keep] = view[pos : self._end]
            self._pos = 0
            self._end = keep

    def read(self) -> Received | None:
        """The next record, or None if it is not complete yet."""
        buf = self._in
        pos = self._pos
        avail = self._end - pos
        if avail < 5:
            return None
        ctype = buf[pos]
        version = (buf[pos + 1] << 8) | buf[pos + 2]
        length = (buf[pos + 3] << 8) | buf[pos + 4]
        try:
            self._check_header(ctype, version, length, bytes(buf[pos : pos + 5]))
        except TLSError:
            self.consumed += 5
            self.refused = bytes(buf[pos : pos + 5])
            if self.first_record and version >> 8 != 3:
                self.foreign = bytes(buf[pos : min(self._end, pos + FOREIGN_MAX)])
            raise
        end = pos + 5 + length
        if self._end < end:
            return None
        raw = bytes(memoryview(buf)[pos:end])
        self._pos = end
        self.consumed += 5 + length
        self.first_record = False
        try:
            return self._unprotect(ctype, version, length, raw)
        except TLSError:
            self.refused = raw[:5]
            raise

    def read_run(self) -> memoryview | None:
        """Bulk: the TLS 1.3 application_data records at the front of the
        input, opened with no object per record, as one view of their
        concatenated contents (valid until the next batch begins); None when
        the next record is none of those (:meth:`read` takes it)."""
        opener = self._opener
        if opener is None or not self.tls13:
            return None
        plain = self._plain
        if plain is None or len(plain) < len(self._in):
            # The contents of one batch are shorter than its records.
            plain = self._plain = memoryview(bytearray(len(self._in)))
            self._o = 0
        pos, o0 = self._pos, self._o
        limit = min(self.max_recv_plaintext, MAX_PLAINTEXT)
        pos, o = opener(self._in, self._inview, pos, self._end, plain, o0, limit)
        if o == o0:
            return None
        self.consumed += pos - self._pos
        self._pos, self._o = pos, o
        self._empty = 0
        return plain[o0:o]

    def _check_header(self, ctype: int, version: int, length: int, head: bytes) -> None:
        """ssl3_get_record's header checks, in OpenSSL's order."""
        v = self.version
        if not self.first_record and not self.tls13 and v is not None and version != v:
            if ctype == P.ALERT and version >> 8 == v >> 8 and not self.write_protected:
                raise LocalError(None, "WRONG_VERSION_NUMBER", "alert with wrong version")
            raise LocalError(alerts.PROTOCOL_VERSION, "WRONG_VERSION_NUMBER")
        if version >> 8 != 3:
            if self.first_record:
                if head.startswith((b"GET ", b"POST ", b"HEAD ", b"PUT ")):
                    raise LocalError(None, "HTTP_REQUEST")
                if head.startswith(b"CONNE"):
                    raise LocalError(None, "HTTPS_PROXY_REQUEST")
                raise LocalError(None, "WRONG_VERSION_NUMBER", "not a TLS record")
            raise LocalError(alerts.PROTOCOL_VERSION, "WRONG_VERSION_NUMBER")
        if self.tls13 and self.read_protected:
            if ctype != P.APPLICATION_DATA and not (
                ctype == P.CHANGE_CIPHER_SPEC and self.ccs_allowed
            ):
                raise LocalError(alerts.UNEXPECTED_MESSAGE, "BAD_RECORD_TYPE")
            if version != P.TLS1_2:
                raise LocalError(alerts.DECODE_ERROR, "WRONG_VERSION_NUMBER")
        if length > _RBUF_BODY_MAX + (_COMPRESSED_OVERHEAD if self.comp_room else 0):
            raise LocalError(alerts.RECORD_OVERFLOW, "PACKET_LENGTH_TOO_LONG")
        if self.tls13:
            limit = _MAX_CIPHERTEXT_13
        else:
            limit = _MAX_CIPHERTEXT_12 + (_COMPRESSED_OVERHEAD if self._inflate else 0)
        if length > limit:
            raise LocalError(alerts.RECORD_OVERFLOW, "ENCRYPTED_LENGTH_TOO_LONG")

    def _unprotect(self, ctype: int, version: int, length: int, raw: bytes) -> Received:
        if self.compat_ccs and ctype == P.CHANGE_CIPHER_SPEC:
            # RFC 8446 §5: a compatibility CCS is never protected; OpenSSL
            # checks it is exactly 01 and treats it as an empty record.
            if length != 1 or raw[5] != 1:
                raise LocalError(alerts.ILLEGAL_PARAMETER, "INVALID_CCS_MESSAGE")
            self._count_empty()
            return ctype, raw[5:], raw, None
        if not self.read_protected:
            if length > self.max_recv_plaintext:
                raise LocalError(alerts.RECORD_OVERFLOW, "DATA_LENGTH_TOO_LONG")
            self._read.read_seq += 1
            payload = raw[5:]
            if length == 0 and ctype != P.APPLICATION_DATA:
                self._count_empty()
            else:
                self._empty = 0
            return ctype, payload, raw, None
        mv = memoryview(raw)
        try:
            inner, payload = self._read.decrypt(mv[:5], mv[5:])
        except cerr.BadRecordMac:
            raise LocalError(alerts.BAD_RECORD_MAC, "DECRYPTION_FAILED_OR_BAD_RECORD_MAC") from None
        except cerr.EmptyInnerPlaintext:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "BAD_RECORD_TYPE") from None
        except cerr.RecordOverflow:
            # While compression is on, the fragment is a TLSCompressed one.
            reason = (
                "DATA_LENGTH_TOO_LONG" if self._inflate is None else "COMPRESSED_LENGTH_TOO_LONG"
            )
            raise LocalError(alerts.RECORD_OVERFLOW, reason) from None
        except cerr.CryptoError as e:
            raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", str(e)) from None
        if self._inflate is not None:
            payload = self._expand(self._inflate, payload)
        if len(payload) > self.max_recv_plaintext:
            raise LocalError(alerts.RECORD_OVERFLOW, "DATA_LENGTH_TOO_LONG")
        if self.tls13:
            if inner not in _KNOWN_TYPES or inner == P.CHANGE_CIPHER_SPEC:
                raise LocalError(alerts.UNEXPECTED_MESSAGE, "BAD_RECORD_TYPE")
            if not payload:
                if inner != P.APPLICATION_DATA:
                    # RFC 8446 §5.1: no zero-length Handshake or Alert fragments.
                    raise LocalError(alerts.UNEXPECTED_MESSAGE, "BAD_LENGTH")
                self._count_empty()
            else:
                self._empty = 0
            return inner, payload, raw, inner
        if not payload:
            self._count_empty()
        else:
            self._empty = 0
        return ctype, payload, raw, None

    @staticmethod
    def _expand(inflate: zlib._Decompress, data: bytes) -> bytes:
        """One received TLSCompressed fragment inflated (ssl3_do_uncompress),
        never to more than 2^14 + 1 bytes whatever it holds."""
        if len(data) > MAX_COMPRESSED:
            raise LocalError(alerts.RECORD_OVERFLOW, "COMPRESSED_LENGTH_TOO_LONG")
        if not data:
            return data
        import zlib

        try:
            out = inflate.decompress(data, MAX_PLAINTEXT + 1)
        except zlib.error as e:
            raise LocalError(alerts.DECOMPRESSION_FAILURE, "BAD_DECOMPRESSION", str(e)) from None
        if len(out) > MAX_PLAINTEXT or inflate.unconsumed_tail:
            raise LocalError(
                alerts.DECOMPRESSION_FAILURE,
                "BAD_DECOMPRESSION",
                "inflates to more than 2^14 bytes",
            )
        if inflate.eof:
            raise LocalError(alerts.DECOMPRESSION_FAILURE, "BAD_DECOMPRESSION", "end of stream")
        return out

    def _count_empty(self) -> None:
        self._empty += 1
        if self._empty > _MAX_EMPTY_RECORDS:
            raise LocalError(alerts.UNEXPECTED_MESSAGE, "RECORD_TOO_SMALL")

    # -- output ----------------------------------------------------------------

    def write(self, ctype: int, data: bytes | memoryview, events: list[ev.Event]) -> None:
        """Protect ``data`` as records of ``ctype`` (fragmenting as needed),
        append them to ``out`` and a RecordSent event per record to ``events``."""
        deflate = self._deflate
        if deflate is not None:
            self._write_deflated(deflate, ctype, data, events)
            return
        n = len(data)
        step = self.max_fragment
        cipher = self._write
        protected13 = self.tls13 and self.write_protected
        out = self.out
        if n <= step:
            rec = cipher.encrypt(ctype, data)
            out += rec
            events.append(
                ev.RecordSent(rec[0], (rec[1] << 8) | rec[2], rec, ctype if protected13 else None)
            )
            return
        mv = memoryview(data)
        for off in range(0, n, step):
            rec = cipher.encrypt(ctype, mv[off : off + step])
            out += rec
            events.append(
                ev.RecordSent(rec[0], (rec[1] << 8) | rec[2], rec, ctype if protected13 else None)
            )

    def _write_deflated(
        self, deflate: zlib._Compress, ctype: int, data: bytes | memoryview, events: list[ev.Event]
    ) -> None:
        """:meth:`write` while compression is on: each fragment of at most
        ``max_fragment`` bytes deflated and flushed whole, then protected."""
        import zlib

        mv = memoryview(data)
        step = self.max_fragment
        cipher = self._write
        for off in range(0, max(len(mv), 1), step):
            frag = mv[off : off + step]
            body = deflate.compress(frag) + deflate.flush(zlib.Z_SYNC_FLUSH) if frag else b""
            rec = cipher.encrypt(ctype, body)
            self.out += rec
            events.append(ev.RecordSent(rec[0], (rec[1] << 8) | rec[2], rec, None))

    def write_run(self, data: bytes | memoryview) -> bool:
        """Bulk: seal application ``data`` (TLS 1.3) into records of the largest
        size straight into the output buffer, with no event; False when that
        cannot be done (:meth:`write` must)."""
        cipher = self._write
        seal = getattr(cipher, "seal_run", None)
        if seal is None or not self.tls13 or self.out or getattr(cipher, "pad_to", 0) > 1:
            return False
        step = self.max_fragment
        used = self._olen
        need = used + cipher.sealed_size(len(data), step)  # type: ignore[attr-defined]
        view = self._oview
        if view is None or len(view) < need:
            new = memoryview(bytearray(max(need, _BULK_CAPACITY)))
            if view is not None:
                new[:used] = view[:used]
            view = self._oview = new
        self._olen = seal(memoryview(data), step, view, used)
        return True

    def take_output(self) -> bytes | memoryview:
        """What is queued for the peer, cleared: bytes, or after :meth:`write_run`
        a view of the output buffer, valid until the next write."""
        n = self._olen
        if n:
            assert self._oview is not None
            self._olen = 0
            if not self.out:
                return self._oview[:n]
            data = bytes(self._oview[:n]) + self.out
        else:
            data = bytes(self.out)
        self.out.clear()
        return data
