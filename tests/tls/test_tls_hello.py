"""The ClientHello is byte-compatible with ``openssl s_client`` 3.0.19.

Captured records (tests/vectors/openssl_client_hello.json) are compared with
ours after blanking what is random: client random, legacy_session_id, key
share public values. A live capture re-checks when openssl is installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from tls_peers import OPENSSL, config

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.wire import extensions as X
from sclient.tls.wire.buffer import Reader
from sclient.tls.wire.handshake import ClientHello, decode_message

VECTORS = Path(__file__).parents[1] / "vectors"
CAPTURED = json.loads((VECTORS / "openssl_client_hello.json").read_text())

#: The ClientConfig that stands for each s_client command line.
CONFIGS: dict[str, dict[str, Any]] = {
    "default": {},
    "servername": {"server_name": "example.com"},
    "alpn": {"alpn": (b"h2", b"http/1.1")},
    "tls1_2": {"max_version": 0x0303},
    "no_ticket": {"session_ticket": False},
    "maxfraglen_1024": {"max_fragment_length": 2},
    "tls1_3": {"min_version": 0x0304},
    "fallback_scsv_tls1_2": {"max_version": 0x0303, "fallback_scsv": True},
    "allow_no_dhe_kex": {"allow_no_dhe_kex": True},
    "bugs": {"tls_padding": True},
    "bugs_servername": {"tls_padding": True, "server_name": "example.com"},
    "all": {
        "server_name": "example.com",
        "alpn": (b"h2",),
        "max_fragment_length": 1,
        "session_ticket": False,
    },
}


def normalise(record: bytes) -> bytes:
    """Blank the random parts of a ClientHello record."""
    ch = decode_message(record[5:])
    assert isinstance(ch, ClientHello)
    exts = []
    for e in ch.extensions:
        if isinstance(e, X.KeyShareClient):
            e = X.KeyShareClient(
                tuple(X.KeyShareEntry(k.group, bytes(len(k.key_exchange))) for k in e.entries)
            )
        exts.append(e)
    blank = ClientHello(
        ch.legacy_version,
        bytes(32),
        bytes(len(ch.session_id)),
        ch.cipher_suites,
        ch.compression_methods,
        tuple(exts),
    ).encode()
    return record[:5] + blank


def ours(name: str) -> bytes:
    c = Client(config(**CONFIGS[name]))
    events = c.start()
    sent = [e for e in events if isinstance(e, ev.RecordSent)]
    assert len(sent) == 1
    out = c.data_to_send()
    assert out == sent[0].raw
    return out


@pytest.mark.parametrize("name", list(CONFIGS))
def test_client_hello_matches_openssl(name: str) -> None:
    theirs = bytes.fromhex(CAPTURED[name])
    assert normalise(ours(name)).hex() == normalise(theirs).hex()


@pytest.mark.interop
@pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed")
@pytest.mark.parametrize("name", list(CONFIGS))
def test_client_hello_matches_live_openssl(name: str) -> None:
    sys.path.insert(0, str(VECTORS))
    from gen_openssl_client_hello import CASES, capture

    assert normalise(ours(name)) == normalise(capture(CASES[name]))


def test_random_comes_from_config() -> None:
    calls: list[int] = []

    def rnd(n: int) -> bytes:
        calls.append(n)
        return bytes([len(calls)]) * n

    c = Client(config(random=rnd))
    c.start()
    ch = decode_message(c.data_to_send()[5:])
    assert isinstance(ch, ClientHello)
    assert ch.random == b"\x01" * 32 and ch.session_id == b"\x02" * 32
    assert calls == [32, 32]


def test_key_share_factory_is_used() -> None:
    from sclient.tls.crypto.kex import X25519KeyShare

    priv = bytes(range(32))
    c = Client(config(key_share_factory=lambda g: X25519KeyShare.from_private_bytes(priv)))
    c.start()
    ch = decode_message(c.data_to_send()[5:])
    assert isinstance(ch, ClientHello)
    ks = ch.ext(X.KeyShareClient)
    assert ks is not None
    assert ks.entries[0].key_exchange == X25519KeyShare.from_private_bytes(priv).public_bytes()


def test_no_protocols_available() -> None:
    c = Client(config(min_version=0x0304, max_version=0x0303))
    events = c.start()
    assert isinstance(events[-1], ev.ConnectionFailed)
    assert events[-1].error.reason == "NO_PROTOCOLS_AVAILABLE"
    assert events[-1].session is None
    # tls_setup_handshake's protocol_version alert, in a TLS 1.2 record; no ClientHello.
    assert c.data_to_send() == b"\x15\x03\x03\x00\x02\x02\x46"


def test_record_version_of_first_client_hello() -> None:
    assert ours("default")[:3] == b"\x16\x03\x01"
    assert Reader(ours("tls1_2"), 1).u16() == 0x0301


def test_extension_table_gives_the_order() -> None:
    """The ClientHello's extensions come in the order of the builders' table,
    each type once, whatever the configuration switches on."""
    from sclient.tls.config import ExternalPsk, SrpLogin
    from sclient.tls.hello import CLIENT_HELLO_EXTENSIONS

    order = [t for t, _ in CLIENT_HELLO_EXTENSIONS]
    assert len(set(order)) == len(order)
    c = Client(
        config(
            server_name="example.com",
            max_fragment_length=2,
            alpn=(b"h2",),
            post_handshake_auth=True,
            certificate_authorities=(b"\x30\x00",),
            psk=ExternalPsk(b"id", bytes(32), suite=0x1301, max_early_data=1),
            status_request=True,
            sct_request=True,
            early_data=b"",
            srp=SrpLogin(b"user", lambda: b"password"),
            server_cert_types=(2, 0),
            client_cert_types=(2, 0),
            cert_comp_rx=(2, 1, 3),
            heartbeat=True,
        )
    )
    c.start()
    wire = c.data_to_send()
    ch = decode_message(wire[5 : 5 + int.from_bytes(wire[3:5], "big")])
    assert isinstance(ch, ClientHello)
    sent = [e.ext_type for e in ch.extensions]
    assert sent[sent.index(1) + 1] == 12  # srp after max_fragment_length
    # OpenSSL 3.2: client_, server_certificate_type between post_handshake_auth
    # and signature_algorithms, each listing RawPublicKey then X.509
    i = sent.index(49)
    assert sent[i : i + 4] == [49, 19, 20, 13]
    bodies = {e.ext_type: e.encode_body() for e in ch.extensions}
    assert bodies[19] == bodies[20] == b"\x02\x02\x00"
    # compress_certificate (OpenSSL 3.2+) between key_share and early_data
    assert sent[sent.index(51) + 1 : sent.index(42)] == [27]
    assert sent[sent.index(5) + 1] == 15  # heartbeat after status_request (1.1.x)
    assert sent == [t for t in order if t in sent]
    # every builder but the application's own extensions (-serverinfo), which
    # come first, -use_srtp's and -nextprotoneg's
    assert sent[-1] == 41 and len(sent) == len(order) - 3
