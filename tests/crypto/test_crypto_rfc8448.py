"""RFC 8448 (Example Handshake Traces for TLS 1.3): section 3 (simple 1-RTT
handshake) and section 5 (HelloRetryRequest), replayed through the key
schedule, the transcript, the key shares and the record protection.

Vector provenance: tests/vectors/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sclient.tls.crypto import hashes
from sclient.tls.crypto import keyschedule as ks
from sclient.tls.crypto.kex import SECP256R1, EcKeyShare, X25519KeyShare
from sclient.tls.crypto.protection import Tls13Aead
from sclient.tls.crypto.signatures import tls13_certificate_verify_input
from sclient.tls.crypto.transcript import Transcript, message_hash

_VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "rfc8448.json").read_text())


def _load(section: str) -> dict[str, bytes]:
    return {k: bytes.fromhex(v) for k, v in _VECTORS[section].items() if not k.startswith("_")}


S = _load("simple_1rtt")
H = _load("hello_retry_request")
SHA256 = "sha256"
AES128GCM = "AES-128-GCM"


def _split(record: bytes) -> tuple[bytes, bytes]:
    assert len(record) == 5 + int.from_bytes(record[3:5], "big")
    return record[:5], record[5:]


# ---------------------------------------------------------------------------
# Section 3: simple 1-RTT handshake
# ---------------------------------------------------------------------------


def test_x25519_shared_secret_from_both_private_keys() -> None:
    client = X25519KeyShare.from_private_bytes(S["client_x25519_private"])
    server = X25519KeyShare.from_private_bytes(S["server_x25519_private"])
    # The public keys are the ones in the hellos' key_share extensions.
    assert client.public_bytes() in S["client_hello"]
    assert server.public_bytes() in S["server_hello"]
    assert client.exchange(server.public_bytes()) == S["ecdhe_shared_secret"]
    assert server.exchange(client.public_bytes()) == S["ecdhe_shared_secret"]


def _simple_transcript() -> Transcript:
    t = Transcript()
    t.update(S["client_hello"])  # hash not known yet: raw messages kept
    t.update(S["server_hello"])
    t.set_hash(SHA256)
    return t


def test_simple_key_schedule() -> None:
    t = _simple_transcript()
    th_sh = t.digest()
    assert th_sh == S["th_server_hello"]
    assert hashes.digest(SHA256, b"") == S["empty_hash"]

    k = ks.KeySchedule13(SHA256)
    assert k.early() == S["early_secret"]
    assert (
        ks.derive_secret(SHA256, S["early_secret"], b"derived", S["empty_hash"])
        == S["derived_for_handshake"]
    )
    assert k.handshake(S["ecdhe_shared_secret"]) == S["handshake_secret"]
    chs = k.client_handshake_traffic_secret(th_sh)
    shs = k.server_handshake_traffic_secret(th_sh)
    assert chs == S["client_handshake_traffic_secret"]
    assert shs == S["server_handshake_traffic_secret"]
    assert (
        ks.derive_secret(SHA256, S["handshake_secret"], b"derived", S["empty_hash"])
        == S["derived_for_master"]
    )
    assert k.master() == S["master_secret"]

    assert ks.traffic_key_iv(SHA256, shs, 16, 12) == (
        S["server_handshake_key"],
        S["server_handshake_iv"],
    )
    assert ks.traffic_key_iv(SHA256, chs, 16, 12) == (
        S["client_handshake_key"],
        S["client_handshake_iv"],
    )

    # Server Finished over CH..CertificateVerify.
    for m in ("encrypted_extensions", "certificate", "certificate_verify"):
        t.update(S[m])
    th_cv = t.digest()
    assert th_cv == S["th_certificate_verify"]
    assert ks.finished_key(SHA256, shs) == S["server_finished_key"]
    assert ks.finished_verify_data(SHA256, shs, th_cv) == S["server_finished_verify_data"]
    assert S["server_finished"] == b"\x14\x00\x00\x20" + S["server_finished_verify_data"]

    # The content the server's CertificateVerify signed is over CH..Certificate.
    th_cert = hashes.digest(
        SHA256,
        b"".join(
            S[m] for m in ("client_hello", "server_hello", "encrypted_extensions", "certificate")
        ),
    )
    assert (
        tls13_certificate_verify_input(th_cert, server=True)
        == S["server_certificate_verify_signed_content"]
    )

    t.update(S["server_finished"])
    th_sf = t.digest()
    assert th_sf == S["th_server_finished"]
    cats = k.client_application_traffic_secret_0(th_sf)
    sats = k.server_application_traffic_secret_0(th_sf)
    assert cats == S["client_application_traffic_secret_0"]
    assert sats == S["server_application_traffic_secret_0"]
    assert k.exporter_master_secret(th_sf) == S["exporter_master_secret"]
    assert ks.traffic_key_iv(SHA256, sats, 16, 12) == (
        S["server_application_key"],
        S["server_application_iv"],
    )
    assert ks.traffic_key_iv(SHA256, cats, 16, 12) == (
        S["client_application_key"],
        S["client_application_iv"],
    )

    # Client Finished over CH..server Finished.
    assert ks.finished_key(SHA256, chs) == S["client_finished_key"]
    assert ks.finished_verify_data(SHA256, chs, th_sf) == S["client_finished_verify_data"]
    assert S["client_finished"] == b"\x14\x00\x00\x20" + S["client_finished_verify_data"]

    t.update(S["client_finished"])
    th_cf = t.digest()
    assert th_cf == S["th_client_finished"]
    rms = k.resumption_master_secret(th_cf)
    assert rms == S["resumption_master_secret"]
    assert ks.resumption_psk(SHA256, rms, S["ticket_nonce"]) == S["resumption_psk"]


def test_simple_server_flight_record() -> None:
    flight = b"".join(
        S[m]
        for m in ("encrypted_extensions", "certificate", "certificate_verify", "server_finished")
    )
    assert len(flight) == 657
    rec = S["record_server_handshake"]
    assert len(rec) == 679
    reader = Tls13Aead(AES128GCM, S["server_handshake_key"], S["server_handshake_iv"])
    assert reader.decrypt(*_split(rec)) == (22, flight)
    assert reader.read_seq == 1
    writer = Tls13Aead(AES128GCM, S["server_handshake_key"], S["server_handshake_iv"])
    assert writer.encrypt(22, flight) == rec
    assert writer.write_seq == 1


def test_simple_client_finished_record() -> None:
    rec = S["record_client_finished"]
    reader = Tls13Aead(AES128GCM, S["client_handshake_key"], S["client_handshake_iv"])
    assert reader.decrypt(*_split(rec)) == (22, S["client_finished"])
    writer = Tls13Aead(AES128GCM, S["client_handshake_key"], S["client_handshake_iv"])
    assert writer.encrypt(22, S["client_finished"]) == rec


def test_simple_server_application_records() -> None:
    key, iv = S["server_application_key"], S["server_application_iv"]
    reader = Tls13Aead(AES128GCM, key, iv)
    writer = Tls13Aead(AES128GCM, key, iv)

    # seq 0: NewSessionTicket (lifetime 30 s, ticket nonce 00 00).
    ctype, nst = reader.decrypt(*_split(S["record_new_session_ticket"]))
    assert ctype == 22
    assert nst[0] == 4 and int.from_bytes(nst[1:4], "big") == len(nst) - 4
    assert nst[4:8] == (30).to_bytes(4, "big")
    assert nst[12:15] == b"\x02" + S["ticket_nonce"]
    assert S["session_ticket"] in nst
    assert writer.encrypt(22, nst) == S["record_new_session_ticket"]

    # seq 1: 50 bytes of application data; seq 2: close_notify.
    assert reader.decrypt(*_split(S["record_server_application_data"])) == (
        23,
        S["application_data"],
    )
    assert writer.encrypt(23, S["application_data"]) == S["record_server_application_data"]
    assert reader.decrypt(*_split(S["record_server_close_notify"])) == (21, b"\x01\x00")
    assert writer.encrypt(21, b"\x01\x00") == S["record_server_close_notify"]
    assert reader.read_seq == writer.write_seq == 3


def test_simple_client_application_records() -> None:
    key, iv = S["client_application_key"], S["client_application_iv"]
    writer = Tls13Aead(AES128GCM, key, iv)
    assert writer.encrypt(23, S["application_data"]) == S["record_client_application_data"]
    assert writer.encrypt(21, b"\x01\x00") == S["record_client_close_notify"]
    reader = Tls13Aead(AES128GCM, key, iv)
    assert reader.decrypt(*_split(S["record_client_application_data"])) == (
        23,
        S["application_data"],
    )
    assert reader.decrypt(*_split(S["record_client_close_notify"])) == (21, b"\x01\x00")


def test_simple_records_fail_out_of_order() -> None:
    # The nonce is bound to the sequence number: the app-data record is seq 1.
    reader = Tls13Aead(AES128GCM, S["server_application_key"], S["server_application_iv"])
    from sclient.tls.crypto.errors import BadRecordMac

    with pytest.raises(BadRecordMac):
        reader.decrypt(*_split(S["record_server_application_data"]))
    assert reader.read_seq == 0


# ---------------------------------------------------------------------------
# Section 5: HelloRetryRequest (X25519 offered, P-256 demanded)
# ---------------------------------------------------------------------------


def test_hrr_p256_shared_secret() -> None:
    client = EcKeyShare.from_private_value(
        SECP256R1, int.from_bytes(H["client_p256_private"], "big")
    )
    server = EcKeyShare.from_private_value(
        SECP256R1, int.from_bytes(H["server_p256_private"], "big")
    )
    assert client.public_bytes() == H["client_p256_public"]
    assert server.public_bytes() == H["server_p256_public"]
    assert client.public_bytes() in H["client_hello_2"]
    assert server.public_bytes() in H["server_hello"]
    assert client.exchange(server.public_bytes()) == H["ecdhe_shared_secret"]
    assert server.exchange(client.public_bytes()) == H["ecdhe_shared_secret"]


def test_hrr_transcript_rewrite_and_key_schedule() -> None:
    t = Transcript()
    t.update(H["client_hello_1"])
    t.update(H["hello_retry_request"])
    t.rewrite_for_hrr(SHA256)
    ch1_hash = hashes.digest(SHA256, H["client_hello_1"])
    assert t.messages[0] == b"\xfe\x00\x00\x20" + ch1_hash
    assert t.messages[0] == message_hash(SHA256, H["client_hello_1"])
    assert t.messages[1] == H["hello_retry_request"]
    t.update(H["client_hello_2"])
    t.update(H["server_hello"])
    th_sh = t.digest()
    assert th_sh == H["th_server_hello"]
    # Same answer when the rewrite happens before the HRR is recorded.
    t2 = Transcript()
    t2.update(H["client_hello_1"])
    t2.rewrite_for_hrr(SHA256)
    for m in ("hello_retry_request", "client_hello_2", "server_hello"):
        t2.update(H[m])
    assert t2.digest() == th_sh

    k = ks.KeySchedule13(SHA256)
    k.early()
    assert k.handshake(H["ecdhe_shared_secret"]) == H["handshake_secret"]
    chs = k.client_handshake_traffic_secret(th_sh)
    shs = k.server_handshake_traffic_secret(th_sh)
    assert chs == H["client_handshake_traffic_secret"]
    assert shs == H["server_handshake_traffic_secret"]
    assert k.master() == H["master_secret"]
    key, iv = ks.traffic_key_iv(SHA256, shs, 16, 12)
    assert (key, iv) == (H["server_handshake_key"], H["server_handshake_iv"])

    flight = b"".join(
        H[m]
        for m in ("encrypted_extensions", "certificate", "certificate_verify", "server_finished")
    )
    reader = Tls13Aead(AES128GCM, key, iv)
    assert reader.decrypt(*_split(H["record_server_handshake"])) == (22, flight)
    assert Tls13Aead(AES128GCM, key, iv).encrypt(22, flight) == H["record_server_handshake"]

    for m in ("encrypted_extensions", "certificate", "certificate_verify"):
        t.update(H[m])
    assert H["server_finished"][4:] == ks.finished_verify_data(SHA256, shs, t.digest())
    t.update(H["server_finished"])
    th_sf = t.digest()
    assert th_sf == H["th_server_finished"]
    assert k.client_application_traffic_secret_0(th_sf) == H["client_application_traffic_secret_0"]
    assert k.server_application_traffic_secret_0(th_sf) == H["server_application_traffic_secret_0"]
    assert k.exporter_master_secret(th_sf) == H["exporter_master_secret"]

    # The client's Finished, protected under the client handshake keys.
    client_finished = b"\x14\x00\x00\x20" + ks.finished_verify_data(SHA256, chs, th_sf)
    ckey, civ = ks.traffic_key_iv(SHA256, chs, 16, 12)
    assert (
        Tls13Aead(AES128GCM, ckey, civ).encrypt(22, client_finished) == H["record_client_finished"]
    )
