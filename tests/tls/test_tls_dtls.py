"""The DTLS pieces of the engine without a network: reassembly, the record
layer's replay window and epochs, the HelloVerifyRequest and the timer."""

from __future__ import annotations

import os

import pytest

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.config import ClientConfig
from sclient.tls.crypto.protection import Tls12Aead
from sclient.tls.dtls.handshake import MAX_HELLO_VERIFY
from sclient.tls.dtls.reassembly import DtlsHandshakeReader
from sclient.tls.dtls.records import MAX_TIMEOUTS, DtlsRecordLayer
from sclient.tls.errors import LocalError
from sclient.tls.registry import protocol as P


def frag(mt: int, length: int, seq: int, off: int, body: bytes) -> bytes:
    return (
        bytes((mt,))
        + length.to_bytes(3, "big")
        + seq.to_bytes(2, "big")
        + off.to_bytes(3, "big")
        + len(body).to_bytes(3, "big")
        + body
    )


def rec(ctype: int, payload: bytes, seq: int, epoch: int = 0, version: int = 0xFEFD) -> bytes:
    return (
        bytes((ctype,))
        + version.to_bytes(2, "big")
        + epoch.to_bytes(2, "big")
        + seq.to_bytes(6, "big")
        + len(payload).to_bytes(2, "big")
        + payload
    )


# --- reassembly ------------------------------------------------------------------------


def test_fragments_out_of_order_overlapping_and_repeated() -> None:
    body = bytes(range(100))
    r = DtlsHandshakeReader()
    r.feed(frag(11, 100, 0, 60, body[60:]))
    assert r.header() is None
    r.feed(frag(11, 100, 0, 0, body[:40]) + frag(11, 100, 0, 0, body[:40]))  # twice
    assert r.header() is None
    r.feed(frag(11, 100, 0, 30, body[30:70]))  # overlaps both
    assert r.header() == (11, 100)
    raw = r.take()
    assert raw == frag(11, 100, 0, 0, body)  # hashed as one fragment
    assert r.take() is None and r.next_seq == 1


def test_later_messages_wait_and_earlier_ones_are_old() -> None:
    r = DtlsHandshakeReader()
    r.feed(frag(14, 0, 1, 0, b""))  # ServerHelloDone before the Certificate
    assert r.header() is None
    r.feed(frag(11, 3, 0, 0, b"abc"))
    assert r.take() == frag(11, 3, 0, 0, b"abc")
    assert r.take() == frag(14, 0, 1, 0, b"")
    r.feed(frag(11, 3, 0, 0, b"abc"))  # a retransmission
    assert r.old == 1 and r.header() is None


@pytest.mark.parametrize("bad", [frag(2, 40, 0, 30, bytes(20)), frag(2, 200_000, 0, 0, bytes(20))])
def test_fragment_outside_its_message_fails_without_alert(bad: bytes) -> None:
    with pytest.raises(LocalError) as info:
        DtlsHandshakeReader().feed(bad)
    assert info.value.alert is None and info.value.reason == "DTLS_SILENT_FAILURE"


def test_fragment_past_its_record() -> None:
    with pytest.raises(LocalError):
        DtlsHandshakeReader().feed(frag(2, 40, 0, 0, bytes(40))[:-1])


# --- record layer ------------------------------------------------------------------------


def test_replayed_and_misversioned_records_are_dropped() -> None:
    rl = DtlsRecordLayer(1400)
    rl.negotiated(P.TLS1_2)
    rl.feed(
        rec(22, b"a", 5) + rec(22, b"b", 5) + rec(22, b"c", 3) + rec(22, b"d", 4, version=0xFEFF)
    )
    got = []
    while (r := rl.read()) is not None:
        got.append(r[1])
    assert got == [b"a", b"c"]  # 5 again is a replay; the DTLS 1.0 record is dropped
    rl.feed(rec(22, b"e", 200))
    rl.feed(rec(22, b"f", 100))  # more than 64 behind the newest
    assert rl.read()[1] == b"e"  # type: ignore[index]
    assert rl.read() is None


def test_next_epoch_waits_for_its_keys_and_bad_macs_are_dropped() -> None:
    key, iv = bytes(16), bytes(4)
    sender = Tls12Aead("AES-128-GCM", key, iv)
    sender.version = 0xFEFD
    sender.write_seq = 1 << 48  # epoch 1, sequence 0
    sealed = sender.encrypt(22, b"finished")[5:]
    rl = DtlsRecordLayer(1400)
    rl.negotiated(P.TLS1_2)
    rl.feed(rec(22, sealed, 0, epoch=1))
    rl.feed(rec(20, b"\x01", 7))
    r = rl.read()
    assert r is not None and r[0] == 20  # the ChangeCipherSpec first
    assert rl.read() is None  # the Finished waits for epoch 1's keys
    rl.install("read", Tls12Aead("AES-128-GCM", key, iv))
    r = rl.read()
    assert r is not None and r[1] == b"finished"
    broken = bytearray(rec(22, sealed, 1, epoch=1))
    broken[-1] ^= 1
    rl.feed(bytes(broken))
    assert rl.read() is None  # a bad MAC: dropped, no alert


def test_flight_is_cut_to_the_mtu_and_packed() -> None:
    rl = DtlsRecordLayer(300)
    events: list[ev.Event] = []
    msg = frag(11, 1000, 0, 0, bytes(1000))
    rl.write(22, msg, events)
    rl.write(20, b"\x01", events)
    out = rl.take_output()
    assert all(len(d) <= 300 for d in out.parts)
    assert b"".join(out.parts) == bytes(out)
    assert len(out.parts) == 4  # 1000 bytes in 275-byte fragments, the CCS packed in


# --- the engine ------------------------------------------------------------------------


def _client() -> Client:
    cfg = ClientConfig(
        random=os.urandom, now=lambda: 0.0, min_version=P.TLS1_2, max_version=P.TLS1_2, dtls=True
    )
    return Client(cfg)


def _records(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        end = pos + 13 + int.from_bytes(data[pos + 11 : pos + 13], "big")
        out.append(data[pos:end])
        pos = end
    return out


def test_hello_verify_request_resends_the_hello_with_the_cookie() -> None:
    c = _client()
    c.start()
    (first,) = _records(bytes(c.data_to_send()))
    assert first[1:3] == b"\xfe\xff" and first[25:27] == b"\xfe\xfd"
    body = b"\xfe\xff\x04COOK"
    c.receive(rec(22, frag(3, len(body), 0, 0, body), 0, version=0xFEFF))
    (second,) = _records(bytes(c.data_to_send()))
    assert second[5:11] == (1).to_bytes(6, "big")  # the next record sequence number
    assert second[17:19] == b"\x00\x01"  # message_seq 1
    assert second[27:59] == first[27:59]  # the same random
    assert second[59:65] == b"\x00\x04COOK"  # empty session id, the cookie
    assert c.timer() is not None


def test_hello_verify_request_loop_ends() -> None:
    c = _client()
    c.start()
    events: list[ev.Event] = []
    for seq in range(MAX_HELLO_VERIFY + 1):
        body = b"\xfe\xff\x01" + bytes((seq,))
        events += c.receive(rec(22, frag(3, len(body), seq, 0, body), seq, version=0xFEFF))
    assert isinstance(events[-1], ev.ConnectionFailed)


def test_timer_doubles_then_gives_up() -> None:
    c = _client()
    c.start()
    c.data_to_send()
    t = c.timer()
    assert t is not None and t[1] == 1.0
    seen = []
    for _ in range(MAX_TIMEOUTS):
        events = c.handle_timeout()
        assert not any(isinstance(e, ev.ConnectionFailed) for e in events)
        assert _records(bytes(c.data_to_send()))  # the ClientHello again
        t = c.timer()
        assert t is not None
        seen.append(t[1])
    assert seen[:7] == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    events = c.handle_timeout()
    assert isinstance(events[-1], ev.ConnectionFailed)
    assert events[-1].error.reason == "READ_TIMEOUT_EXPIRED"
    assert c.timer() is None


def test_mtu_falls_back_after_two_timeouts() -> None:
    """Without -mtu, from the third timeout on the flight is cut to the
    fallback MTU (OpenSSL's dtls1_check_timeout_num)."""
    rl = DtlsRecordLayer(1400, fallback_mtu=548)
    events: list[ev.Event] = []
    rl.write(22, frag(11, 1000, 0, 0, bytes(1000)), events)
    assert len(rl.take_output().parts) == 1
    for n in range(1, 4):
        rl.retransmit(events)
        sizes = [len(d) for d in rl.take_output().parts]
        assert (len(sizes) == 1) if n <= 2 else (max(sizes) <= 548 and len(sizes) == 2)
    fixed = DtlsRecordLayer(1400)  # -mtu: no fallback
    fixed.write(22, frag(11, 1000, 0, 0, bytes(1000)), events)
    for _ in range(4):
        fixed.take_output()
        fixed.retransmit(events)
        assert len(fixed.take_output().parts) == 1
