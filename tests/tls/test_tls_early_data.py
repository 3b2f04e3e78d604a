"""The engine's 0-RTT path (sclient.tls.early) without a server: what the
ClientHello offers, what follows it on the wire (the compatibility CCS, the
early data in 8192-byte pieces under the client early traffic keys, checked
by decrypting with keys derived here from RFC 8446's schedule through
``cryptography`` directly), the -state positions, the key log order, the
"too much early data" refusal, and a HelloRetryRequest abandoning the data.
The exchange with real servers is in tests/golden/test_golden_early_data.py."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tls_peers import config

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.config import ExternalPsk
from sclient.tls.registry import protocol as P
from sclient.tls.session import Session
from sclient.tls.wire import extensions as X
from sclient.tls.wire.handshake import ClientHello, decode_message

NOW = 1_800_000_000
PSK = bytes(range(32))
SUITE = 0x1301  # TLS_AES_128_GCM_SHA256


def _session(max_early_data: int = 16384) -> Session:
    return Session(
        version=P.TLS1_3,
        cipher_suite=SUITE,
        session_id=b"\x01" * 32,
        master_key=PSK,
        ticket=b"ticket-bytes",
        ticket_lifetime_hint=7200,
        max_early_data=max_early_data,
        start_time=NOW - 10,
    )


def _client(data: bytes | None, **kw: object) -> Client:
    kw.setdefault("resume", _session())
    return Client(config(early_data=data, now=lambda: float(NOW), **kw))


def _records(wire: bytes) -> list[tuple[int, bytes, bytes]]:
    out = []
    while wire:
        n = int.from_bytes(wire[3:5], "big")
        out.append((wire[0], wire[:5], wire[5 : 5 + n]))
        wire = wire[5 + n :]
    return out


def _expand_label(secret: bytes, label: bytes, context: bytes, length: int) -> bytes:
    full = b"tls13 " + label
    info = length.to_bytes(2, "big") + bytes((len(full),)) + full + bytes((len(context),)) + context
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes((i,)), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def _early_key_iv(ch: bytes) -> tuple[bytes, bytes]:
    early = hmac.new(b"\x00" * 32, PSK, hashlib.sha256).digest()
    secret = _expand_label(early, b"c e traffic", hashlib.sha256(ch).digest(), 32)
    return _expand_label(secret, b"key", b"", 16), _expand_label(secret, b"iv", b"", 12)


def _decrypt(key: bytes, iv: bytes, seq: int, header: bytes, body: bytes) -> tuple[bytes, int]:
    nonce = bytes(a ^ b for a, b in zip(iv, seq.to_bytes(12, "big"), strict=True))
    inner = AESGCM(key).decrypt(nonce, body, header).rstrip(b"\x00")
    return inner[:-1], inner[-1]


def test_no_early_data_without_the_option() -> None:
    c = _client(None)
    c.start()
    recs = _records(c.data_to_send())
    assert len(recs) == 1
    ch = decode_message(recs[0][2])
    assert isinstance(ch, ClientHello) and ch.ext(X.EarlyData) is None


@pytest.mark.parametrize("limit", [0, 16384])
def test_session_decides(limit: int) -> None:
    """A ticket without early_data allows none: no extension, nothing sent."""
    c = _client(b"data", resume=_session(limit))
    c.start()
    recs = _records(c.data_to_send())
    ch = decode_message(recs[0][2])
    assert isinstance(ch, ClientHello)
    assert (ch.ext(X.EarlyData) is not None) == bool(limit)
    assert len(recs) == (3 if limit else 1)


def test_early_data_on_the_wire() -> None:
    data = bytes(range(256)) * 40  # 10240 bytes: two pieces
    c = _client(data)
    events = c.start()
    recs = _records(c.data_to_send())
    ch_raw = recs[0][2]
    ch = decode_message(ch_raw)
    assert isinstance(ch, ClientHello)
    types = [e.ext_type for e in ch.extensions]
    # OpenSSL's order: key_share, early_data, ..., pre_shared_key last.
    assert types.index(42) == types.index(51) + 1 and types[-1] == 41
    assert ch.ext(X.EarlyData) == X.EarlyData()
    assert recs[1][1] == b"\x14\x03\x03\x00\x01"  # the compatibility CCS
    key, iv = _early_key_iv(ch_raw)
    got = b""
    for seq, (ctype, header, body) in enumerate(recs[2:]):
        assert ctype == P.APPLICATION_DATA and header[1:3] == b"\x03\x03"
        plain, inner = _decrypt(key, iv, seq, header, body)
        assert inner == P.APPLICATION_DATA
        got += plain
    assert [len(_decrypt(key, iv, i, h, b)[0]) for i, (_, h, b) in enumerate(recs[2:])] == [
        8192,
        2048,
    ]
    assert got == data
    states = [e.state for e in events if isinstance(e, ev.StateChanged)]
    assert states == [
        "before SSL initialization",
        "SSLv3/TLS write client hello",
        "SSLv3/TLS write change cipher spec",
        "TLSv1.3 early data",
    ]
    labels = [e.label for e in events if isinstance(e, ev.KeylogSecret)]
    assert labels == ["EARLY_EXPORTER_SECRET", "CLIENT_EARLY_TRAFFIC_SECRET"]
    sent = [e for e in events if isinstance(e, ev.RecordSent)]
    assert [e.inner_type for e in sent][2:] == [P.APPLICATION_DATA] * 2


def test_no_middlebox() -> None:
    c = _client(b"x", middlebox_compat=False)
    events = c.start()
    recs = _records(c.data_to_send())
    assert [r[0] for r in recs] == [P.HANDSHAKE, P.APPLICATION_DATA]
    states = [e.state for e in events if isinstance(e, ev.StateChanged)]
    assert states[-2:] == ["SSLv3/TLS write client hello", "TLSv1.3 early data"]


def test_empty_file_still_offers() -> None:
    c = _client(b"")
    c.start()
    recs = _records(c.data_to_send())
    assert [r[0] for r in recs] == [P.HANDSHAKE, P.CHANGE_CIPHER_SPEC]
    ch = decode_message(recs[0][2])
    assert isinstance(ch, ClientHello) and ch.ext(X.EarlyData) is not None


def test_too_much_early_data() -> None:
    """The piece that would pass max_early_data is refused whole; the
    internal_error alert goes out in the clear."""
    c = _client(b"a" * 20000)
    events = c.start()
    failed = [e for e in events if isinstance(e, ev.ConnectionFailed)]
    assert len(failed) == 1 and failed[0].error.reason == "TOO_MUCH_EARLY_DATA"
    recs = _records(c.data_to_send())
    assert [r[0] for r in recs] == [P.HANDSHAKE, P.CHANGE_CIPHER_SPEC] + [
        P.APPLICATION_DATA
    ] * 2 + [P.ALERT]
    assert recs[-1][2] == b"\x02\x50"


def test_external_psk_with_early_data() -> None:
    psk = ExternalPsk(b"Client_identity", PSK, "sha256", SUITE, max_early_data=100)
    c = Client(config(early_data=b"hi", psk=psk, now=lambda: float(NOW)))
    c.start()
    recs = _records(c.data_to_send())
    key, iv = _early_key_iv(recs[0][2])
    plain, _ = _decrypt(key, iv, 0, recs[2][1], recs[2][2])
    assert plain == b"hi"


def test_external_psk_without_early_data() -> None:
    psk = ExternalPsk(b"Client_identity", PSK, "sha256", SUITE)
    c = Client(config(early_data=b"hi", psk=psk, now=lambda: float(NOW)))
    c.start()
    assert len(_records(c.data_to_send())) == 1
