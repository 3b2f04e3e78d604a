"""The heartbeat state (``sclient.tls.heartbeat``) on its own: RFC 6520 §4's
checks on each message, the request's shape, and the DTLS timer's
doubling up to the failure a 13th timeout brings (the real peers are in
tests/interop/test_heartbeat.py, the scripted ones in
tests/hostile/test_hostile_heartbeat.py)."""

from __future__ import annotations

import os

import pytest

from sclient.tls.errors import LocalError, TLSError
from sclient.tls.heartbeat import Heartbeats


def _hb() -> Heartbeats:
    return Heartbeats(os.urandom)


def test_request_shape_and_sequence() -> None:
    hb = _hb()
    first = hb.request()
    assert len(first) == 37 and first[:5] == b"\x01\x00\x12\x00\x00"
    with pytest.raises(TLSError) as e:  # one request in flight at a time
        hb.request()
    assert e.value.reason == "TLS_HEARTBEAT_PENDING"
    answer = b"\x02" + first[1:21] + os.urandom(16)
    assert hb.received(answer, True) == ("response", None)
    second = hb.request()
    assert second[3:5] == b"\x00\x01"  # the sequence number moved on


def test_discards() -> None:
    hb = _hb()
    req = hb.request()
    payload = req[3:21]
    cases = [
        (b"\x02\x00\x12" + bytes(18) + os.urandom(16), "discarded: not the payload of our request"),
        (b"\x02\x00\x13" + payload + os.urandom(16), "discarded: payload length too large"),
        (b"\x02\x00\x12" + payload + os.urandom(15), "discarded: payload length too large"),
        (b"\x07\x00\x12" + payload + os.urandom(16), "discarded: unknown message type"),
        (b"\x02\x00", "discarded: too short"),
        (b"\x02\x00\x12" + payload + bytes(1 << 14), "discarded: longer than 2^14 bytes"),
        (b"\x01\x00\x04abcd" + os.urandom(16), "discarded: request during a handshake"),
    ]
    for msg, outcome in cases:
        assert hb.received(msg, False) == (outcome, None)
    assert hb.pending == req  # still waiting for the real response
    # a request outside a handshake: the payload back, 16 fresh bytes of padding
    outcome, answer = hb.received(b"\x01\x00\x04abcd" + bytes(20), True)
    assert outcome == "request answered" and answer is not None
    assert answer[:7] == b"\x02\x00\x04abcd" and len(answer) == 23


def test_dtls_timer_doubles_then_fails() -> None:
    hb = _hb()
    req = hb.request()
    gen, intervals = hb.generation, []
    for _ in range(12):
        assert hb.timed_out() == req  # the same request again
        intervals.append(hb.interval)
        assert hb.generation == gen + len(intervals)
    assert intervals == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0]
    with pytest.raises(LocalError) as e:
        hb.timed_out()
    assert e.value.reason == "READ_TIMEOUT_EXPIRED"
    assert hb.pending is None
