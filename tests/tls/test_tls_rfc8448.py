"""RFC 8448 replays through the whole client (sections 3 and 5).

The Client is started with the RFC's ClientHello(s) (our own would differ) and
the RFC's ephemeral private keys (``key_share_factory``); it is then fed the
RFC's server records. It must derive the RFC's secrets, accept the server's
flight, and produce the RFC's client records byte for byte.

Vectors: tests/vectors/rfc8448.json (provenance in tests/vectors/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tls_peers import config

from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.crypto.kex import SECP256R1, EcKeyShare, KeyShare, X25519KeyShare
from sclient.tls.registry import protocol as P
from sclient.tls.wire.handshake import ClientHello, decode_message

_V = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448.json").read_text())
S = {k: bytes.fromhex(v) for k, v in _V["simple_1rtt"].items() if not k.startswith("_")}
H = {k: bytes.fromhex(v) for k, v in _V["hello_retry_request"].items() if not k.startswith("_")}


def _record(ctype: int, body: bytes) -> bytes:
    return bytes((ctype, 3, 3)) + len(body).to_bytes(2, "big") + body


def _client(shares: dict[int, KeyShare]) -> Client:
    return Client(
        config(
            middlebox_compat=False,  # the RFC's client sends no CCS
            key_share_factory=lambda group: shares[group],
            now=lambda: 1_500_000_000.0,
        )
    )


def _keylog(events: list[ev.Event]) -> dict[str, bytes]:
    return {e.label: e.secret for e in events if isinstance(e, ev.KeylogSecret)}


def test_codecs_reencode_rfc_messages_exactly() -> None:
    for section in (S, H):
        for name, raw in section.items():
            if name in (
                "client_hello",
                "client_hello_1",
                "client_hello_2",
                "hello_retry_request",
                "server_hello",
                "encrypted_extensions",
                "certificate",
                "certificate_verify",
                "server_finished",
                "client_finished",
            ):
                msg = decode_message(raw)
                assert msg.encode() == raw, name
                assert msg.raw == raw


def test_simple_1rtt_replay() -> None:
    share = X25519KeyShare.from_private_bytes(S["client_x25519_private"])
    c = _client({0x001D: share})
    ch = decode_message(S["client_hello"])
    assert isinstance(ch, ClientHello)
    events = c.start(client_hello=ch)
    assert (
        c.data_to_send()
        == b"\x16\x03\x01" + len(S["client_hello"]).to_bytes(2, "big") + S["client_hello"]
    )

    events += c.receive(_record(P.HANDSHAKE, S["server_hello"]))
    events += c.receive(S["record_server_handshake"])
    assert c.handshake_complete, [e for e in events if isinstance(e, ev.ConnectionFailed)]
    assert c.data_to_send() == S["record_client_finished"]

    secrets = _keylog(events)
    assert secrets == {
        "SERVER_HANDSHAKE_TRAFFIC_SECRET": S["server_handshake_traffic_secret"],
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET": S["client_handshake_traffic_secret"],
        "SERVER_TRAFFIC_SECRET_0": S["server_application_traffic_secret_0"],
        "CLIENT_TRAFFIC_SECRET_0": S["client_application_traffic_secret_0"],
        "EXPORTER_SECRET": S["exporter_master_secret"],
    }
    done = next(e for e in events if isinstance(e, ev.HandshakeComplete))
    assert done.negotiated.cipher_suite == 0x1301 and done.negotiated.group == 0x001D
    assert done.negotiated.peer_signature_scheme == 0x0804

    # The post-handshake ticket: the RFC's resumption PSK.
    events = c.receive(S["record_new_session_ticket"])
    tickets = [e for e in events if isinstance(e, ev.NewSessionTicket)]
    assert len(tickets) == 1
    assert tickets[0].session.master_key == S["resumption_psk"]
    assert tickets[0].session.ticket_nonce == S["ticket_nonce"]
    assert c.session is tickets[0].session

    # Application data both ways, then close_notify both ways.
    events = c.receive(S["record_server_application_data"])
    assert [e.data for e in events if isinstance(e, ev.ApplicationData)] == [S["application_data"]]
    c.send(S["application_data"])
    assert c.data_to_send() == S["record_client_application_data"]
    c.close()
    assert c.data_to_send() == S["record_client_close_notify"]
    events = c.receive(S["record_server_close_notify"])
    assert any(isinstance(e, ev.ConnectionClosed) for e in events)


@pytest.mark.parametrize("chunk", [1, 5, 17])
def test_simple_1rtt_replay_any_split(chunk: int) -> None:
    share = X25519KeyShare.from_private_bytes(S["client_x25519_private"])
    c = _client({0x001D: share})
    ch = decode_message(S["client_hello"])
    assert isinstance(ch, ClientHello)
    c.start(client_hello=ch)
    c.data_to_send()
    wire = _record(P.HANDSHAKE, S["server_hello"]) + S["record_server_handshake"]
    for i in range(0, len(wire), chunk):
        c.receive(wire[i : i + chunk])
    assert c.handshake_complete
    assert c.data_to_send() == S["record_client_finished"]


def test_hello_retry_request_replay() -> None:
    shares: dict[int, KeyShare] = {
        0x001D: X25519KeyShare.from_private_bytes(H["client_x25519_private"]),
        SECP256R1: EcKeyShare.from_private_value(
            SECP256R1, int.from_bytes(H["client_p256_private"], "big")
        ),
    }
    assert shares[SECP256R1].public_bytes() == H["client_p256_public"]
    c = _client(shares)
    ch1 = decode_message(H["client_hello_1"])
    ch2 = decode_message(H["client_hello_2"])
    assert isinstance(ch1, ClientHello) and isinstance(ch2, ClientHello)
    events = c.start(client_hello=ch1, retry_hello=ch2)
    c.data_to_send()
    events += c.receive(_record(P.HANDSHAKE, H["hello_retry_request"]))
    assert c.data_to_send() == _record(P.HANDSHAKE, H["client_hello_2"])
    events += c.receive(_record(P.HANDSHAKE, H["server_hello"]))
    events += c.receive(H["record_server_handshake"])
    assert c.handshake_complete, [e for e in events if isinstance(e, ev.ConnectionFailed)]
    assert c.data_to_send() == H["record_client_finished"]
    secrets = _keylog(events)
    assert secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"] == H["server_handshake_traffic_secret"]
    assert secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"] == H["client_handshake_traffic_secret"]
    assert secrets["CLIENT_TRAFFIC_SECRET_0"] == H["client_application_traffic_secret_0"]
    assert secrets["SERVER_TRAFFIC_SECRET_0"] == H["server_application_traffic_secret_0"]
    assert secrets["EXPORTER_SECRET"] == H["exporter_master_secret"]
    neg = c.negotiated
    assert neg is not None and neg.hello_retry_request and neg.group == SECP256R1
    c.close()
    assert c.data_to_send() == H["record_client_close_notify"]
    assert any(
        isinstance(e, ev.ConnectionClosed) for e in c.receive(H["record_server_close_notify"])
    )
