"""The record layer's DEFLATE (RFC 3749): two record layers face to face,
one writing, one reading, with TLS 1.2 AES-GCM keys; and hostile fragments
(a bomb, garbage, a stream end, an over-long fragment) fed straight in."""

from __future__ import annotations

import os
import tracemalloc
import zlib

import pytest

from sclient.tls import events as ev
from sclient.tls.crypto.protection import Tls12Aead
from sclient.tls.errors import LocalError
from sclient.tls.records import READ, WRITE, RecordLayer
from sclient.tls.registry import alerts
from sclient.tls.registry import protocol as P

KEY, IV = os.urandom(16), os.urandom(4)


def _pair(compression: int = 1) -> tuple[RecordLayer, RecordLayer]:
    """A writer and a reader with the same keys, compression chosen."""
    w, r = RecordLayer(compression=True), RecordLayer(compression=True)
    for rl, direction in ((w, WRITE), (r, READ)):
        rl.negotiated(P.TLS1_2)
        rl.compress(compression)
        rl.install(direction, Tls12Aead("AES-128-GCM", KEY, IV))
    return w, r


def _read_all(r: RecordLayer, data: bytes) -> list[tuple[int, bytes]]:
    r.feed(data)
    out = []
    while (got := r.read()) is not None:
        out.append((got[0], got[1]))
    return out


def _sealed_fragment(fragment: bytes) -> bytes:
    """One application-data record whose TLSCompressed fragment is ``fragment``."""
    c = Tls12Aead("AES-128-GCM", KEY, IV)
    c.limit = 1 << 16
    return c.encrypt(P.APPLICATION_DATA, fragment)


def test_records_are_deflated_and_inflated() -> None:
    w, r = _pair()
    events: list[ev.Event] = []
    text = b"compress me " * 4000  # 48000 bytes: three records of at most 2^14
    w.write(P.APPLICATION_DATA, text, events)
    out = bytes(w.out)
    assert len(events) == 3
    assert len(out) < len(text) // 10  # it did compress
    assert b"".join(p for _, p in _read_all(r, out)) == text


def test_each_record_stands_alone() -> None:
    """Z_SYNC_FLUSH per record: the reader inflates each one as it comes,
    without waiting for more of the stream."""
    w, r = _pair()
    for i in range(3):
        w.write(P.APPLICATION_DATA, b"line %d\n" % i, [])
        data = bytes(w.out)
        w.out.clear()
        assert _read_all(r, data) == [(P.APPLICATION_DATA, b"line %d\n" % i)]


def test_a_new_cipher_state_starts_new_streams() -> None:
    """After a renegotiation's install, both directions start from an empty
    window: a reader that kept the old stream could not follow."""
    w, r = _pair()
    w.write(P.APPLICATION_DATA, b"same words " * 50, [])
    _read_all(r, bytes(w.out))
    w.out.clear()
    w.install(WRITE, Tls12Aead("AES-128-GCM", KEY, IV))
    w.write(P.APPLICATION_DATA, b"same words " * 50, [])
    fresh = RecordLayer(compression=True)
    fresh.negotiated(P.TLS1_2)
    fresh.compress(1)
    fresh.install(READ, Tls12Aead("AES-128-GCM", KEY, IV))
    assert _read_all(fresh, bytes(w.out)) == [(P.APPLICATION_DATA, b"same words " * 50)]


def test_no_compression_chosen_leaves_records_alone() -> None:
    w, r = _pair(compression=0)
    w.write(P.APPLICATION_DATA, b"plain", [])
    out = bytes(w.out)
    assert len(out) == 5 + 8 + len(b"plain") + 16
    assert _read_all(r, out) == [(P.APPLICATION_DATA, b"plain")]


def test_tls13_never_compresses() -> None:
    rl = RecordLayer(compression=True)
    rl.negotiated(P.TLS1_3)
    rl.compress(1)
    from sclient.tls.crypto.protection import Tls13Aead

    rl.install(WRITE, Tls13Aead("AES-128-GCM", os.urandom(16), os.urandom(12)))
    rl.write(P.APPLICATION_DATA, b"x" * 1000, [])
    assert len(rl.out) == 5 + 1000 + 1 + 16


def _fails(fragment: bytes, alert: int, reason: str) -> None:
    _, r = _pair()
    with pytest.raises(LocalError) as e:
        _read_all(r, _sealed_fragment(fragment))
    assert (e.value.alert, e.value.reason) == (alert, reason)


def test_bomb_is_refused_without_inflating_it() -> None:
    """A record that inflates to 8 MiB (DEFLATE gives at most about 1000:1):
    refused past 2^14 bytes, and the memory it costs stays that of one record
    (inflating it all would take 8 MiB)."""
    d = zlib.compressobj()
    bomb = d.compress(bytes(8 << 20)) + d.flush(zlib.Z_SYNC_FLUSH)
    assert len(bomb) < (1 << 14) + 1024
    tracemalloc.start()
    try:
        _fails(bomb, alerts.DECOMPRESSION_FAILURE, "BAD_DECOMPRESSION")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"peak {peak} bytes"


def test_exactly_2_14_inflates_and_one_more_does_not() -> None:
    for n, ok in (((1 << 14), True), ((1 << 14) + 1, False)):
        d = zlib.compressobj()
        frag = d.compress(b"a" * n) + d.flush(zlib.Z_SYNC_FLUSH)
        _, r = _pair()
        if ok:
            assert _read_all(r, _sealed_fragment(frag)) == [(P.APPLICATION_DATA, b"a" * n)]
        else:
            _fails(frag, alerts.DECOMPRESSION_FAILURE, "BAD_DECOMPRESSION")


def test_garbage_and_stream_end_are_decompression_failures() -> None:
    _fails(b"\xff\xfe\xfd not deflate", alerts.DECOMPRESSION_FAILURE, "BAD_DECOMPRESSION")
    _fails(zlib.compress(b"x"), alerts.DECOMPRESSION_FAILURE, "BAD_DECOMPRESSION")


def test_fragment_over_2_14_plus_1024_is_record_overflow() -> None:
    _fails(os.urandom((1 << 14) + 1025), alerts.RECORD_OVERFLOW, "COMPRESSED_LENGTH_TOO_LONG")
