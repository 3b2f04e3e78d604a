"""Handshake message reassembly across and within records."""

from __future__ import annotations

from sclient.tls.hsreader import HandshakeReader


def test_joins_a_message_split_over_records() -> None:
    r = HandshakeReader()
    r.feed(b"\x0b\x00")
    assert r.inside_header and r.header() is None and r.take() is None
    r.feed(b"\x00\x03\x01")
    assert r.header() == (0x0B, 3) and r.take() is None
    r.mark_checked()
    assert r.header_checked
    r.feed(b"\x02\x03")
    assert r.take() == b"\x0b\x00\x00\x03\x01\x02\x03"
    assert r.buffered == 0 and not r.header_checked


def test_splits_a_record_holding_several_messages() -> None:
    r = HandshakeReader()
    r.feed(b"\x0e\x00\x00\x00" + b"\x14\x00\x00\x01\xff" + b"\x04\x00")
    assert r.take() == b"\x0e\x00\x00\x00"
    assert r.buffered == 7
    assert r.take() == b"\x14\x00\x00\x01\xff"
    assert r.inside_header and r.take() is None
