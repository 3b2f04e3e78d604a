"""Replay of real OpenSSL sessions (tests/vectors/openssl_captures.json, made by
tests/vectors/gen_openssl_captures.py): TLS 1.0-1.3, AES-GCM/CCM/CCM-8,
ChaCha20-Poly1305 and AES-CBC with MAC-then-encrypt and encrypt-then-MAC.

From the key log and the recorded bytes we re-derive the record keys (TLS 1.2
key block, TLS 1.3 traffic keys), decrypt every protected record, check both
Finished messages, the TLS 1.3 CertificateVerify signature, the extended
master secret (RSA key exchange), the exporters against ``s_client
-keymatexport``, and re-encrypt records to OpenSSL's exact bytes where the
wire format is deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key

from sclient.tls.crypto import hashes, prf
from sclient.tls.crypto import keyschedule as ks
from sclient.tls.crypto.protection import (
    CIPHER_PARAMS,
    MAC_PARAMS,
    RecordCipher,
    Tls12Aead,
    Tls12Cbc,
    Tls13Aead,
    fixed_iv_len,
    key_block_len,
)
from sclient.tls.crypto.signatures import tls13_certificate_verify_input, verify_scheme
from sclient.tls.crypto.transcript import Transcript

_DOC = json.loads((Path(__file__).parents[1] / "vectors" / "openssl_captures.json").read_text())
REQUEST = bytes.fromhex(_DOC["request"])

# cipher suite -> (cipher, MAC hash or None, TLS 1.2 PRF hash)
SUITES12: dict[int, tuple[str, str | None, str]] = {
    0xC02F: ("AES-128-GCM", None, "sha256"),
    0xC030: ("AES-256-GCM", None, "sha384"),
    0xCCA8: ("CHACHA20-POLY1305", None, "sha256"),
    0xC09E: ("AES-128-CCM", None, "sha256"),
    0xC0A3: ("AES-256-CCM-8", None, "sha256"),
    0xC013: ("AES-128-CBC", "sha1", "sha256"),
    0xC014: ("AES-256-CBC", "sha1", "sha256"),
    0xC028: ("AES-256-CBC", "sha384", "sha384"),
    0x003C: ("AES-128-CBC", "sha256", "sha256"),
    0x003D: ("AES-256-CBC", "sha256", "sha256"),
    0xC076: ("CAMELLIA-128-CBC", "sha256", "sha256"),
    0xC077: ("CAMELLIA-256-CBC", "sha384", "sha384"),
}
SUITES13: dict[int, tuple[str, str]] = {
    0x1301: ("AES-128-GCM", "sha256"),
    0x1302: ("AES-256-GCM", "sha384"),
    0x1303: ("CHACHA20-POLY1305", "sha256"),
    0x1304: ("AES-128-CCM", "sha256"),
    0x1305: ("AES-128-CCM-8", "sha256"),
}

Record = tuple[int, int, bytes]


def _records(stream: bytes) -> list[Record]:
    out: list[Record] = []
    i = 0
    while i < len(stream):
        n = int.from_bytes(stream[i + 3 : i + 5], "big")
        out.append(
            (stream[i], int.from_bytes(stream[i + 1 : i + 3], "big"), stream[i + 5 : i + 5 + n])
        )
        i += 5 + n
    assert i == len(stream)
    return out


def _header(rec: Record) -> bytes:
    return bytes((rec[0],)) + rec[1].to_bytes(2, "big") + len(rec[2]).to_bytes(2, "big")


def _messages(data: bytes) -> list[bytes]:
    msgs = []
    i = 0
    while i < len(data):
        n = int.from_bytes(data[i + 1 : i + 4], "big")
        msgs.append(data[i : i + 4 + n])
        i += 4 + n
    assert i == len(data)
    return msgs


@dataclass
class Hello:
    random: bytes
    suite: int
    version: int
    extensions: dict[int, bytes] = field(default_factory=dict)


def _parse_server_hello(msg: bytes) -> Hello:
    assert msg[0] == 2
    body = msg[4:]
    version = int.from_bytes(body[0:2], "big")
    random = body[2:34]
    sid_len = body[34]
    pos = 35 + sid_len
    suite = int.from_bytes(body[pos : pos + 2], "big")
    pos += 3
    exts: dict[int, bytes] = {}
    if pos < len(body):
        end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
        pos += 2
        while pos < end:
            t = int.from_bytes(body[pos : pos + 2], "big")
            n = int.from_bytes(body[pos + 2 : pos + 4], "big")
            exts[t] = body[pos + 4 : pos + 4 + n]
            pos += 4 + n
    if 43 in exts:  # supported_versions
        version = int.from_bytes(exts[43], "big")
    return Hello(random, suite, version, exts)


def _keylog(text: str) -> dict[str, bytes]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            label, _, secret = line.split(" ")
            out[label] = bytes.fromhex(secret)
    return out


class _ReplayRng:
    """An ``rng`` that hands out the explicit IVs OpenSSL used, in order."""

    def __init__(self, ivs: list[bytes]) -> None:
        self.ivs = ivs

    def __call__(self, n: int) -> bytes:
        assert n == 16
        return self.ivs.pop(0)


def _captures(prefix: str) -> list[dict[str, Any]]:
    return [c for c in _DOC["captures"] if c["name"].startswith(prefix)]


# ---------------------------------------------------------------------------
# TLS 1.0 - 1.2
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cap",
    [c for c in _DOC["captures"] if not c["name"].startswith("tls13")],
    ids=lambda c: c["name"],
)
def test_tls12_session(cap: dict[str, Any]) -> None:
    c_recs = _records(bytes.fromhex(cap["client_to_server"]))
    s_recs = _records(bytes.fromhex(cap["server_to_client"]))
    c_ccs = next(i for i, r in enumerate(c_recs) if r[0] == 20)
    s_ccs = next(i for i, r in enumerate(s_recs) if r[0] == 20)
    c_hs = _messages(b"".join(r[2] for r in c_recs[:c_ccs]))
    s_hs = _messages(b"".join(r[2] for r in s_recs[:s_ccs]))
    client_hello, client_key_exchange = c_hs[0], c_hs[-1]
    assert client_hello[0] == 1 and client_key_exchange[0] == 16 and s_hs[-1][0] == 14
    sh = _parse_server_hello(s_hs[0])
    client_random = client_hello[6:38]
    cipher, mac_hash, prf_hash = SUITES12[sh.suite]
    version = sh.version
    if version < 0x0303:
        prf_hash = "md5-sha1"
    etm = 0x16 in sh.extensions
    assert (etm, version) == (
        "etm" in cap["name"] and mac_hash is not None,
        {"tls10": 0x0301, "tls11": 0x0302, "tls12": 0x0303}[cap["name"][:5]],
    )
    master = _keylog(cap["keylog"])["CLIENT_RANDOM"]
    assert cap["keylog"].count(client_random.hex()) == 1

    transcript = Transcript()
    for m in [client_hello, *s_hs, *c_hs[1:]]:
        transcript.update(m)
    transcript.set_hash(prf_hash)
    session_hash = transcript.digest()

    # RFC 7627: OpenSSL negotiates the extended master secret. With RSA key
    # exchange we can recover the premaster and check the whole derivation.
    assert 0x17 in sh.extensions
    server_key = load_pem_private_key(_DOC["server_key_pem"].encode(), None)
    assert isinstance(server_key, rsa.RSAPrivateKey)
    if sh.suite in (0x003C, 0x003D):
        enc = client_key_exchange[6:]
        assert int.from_bytes(client_key_exchange[4:6], "big") == len(enc)
        premaster = server_key.decrypt(enc, padding.PKCS1v15())
        assert premaster[:2] == b"\x03\x03"
        assert prf.extended_master_secret(prf_hash, premaster, session_hash) == master
        assert prf.master_secret(prf_hash, premaster, client_random, sh.random) != master

    # Key block.
    p = CIPHER_PARAMS[cipher]
    mac_len = 0 if mac_hash is None else MAC_PARAMS[mac_hash]
    iv_len = fixed_iv_len(cipher, version)
    block = prf.key_block(
        prf_hash, master, sh.random, client_random, key_block_len(cipher, mac_hash, version)
    )
    kb = prf.split_key_block(block, mac_len, p.key_len, iv_len)

    def make(writer_is_client: bool, rng_ivs: list[bytes] | None = None) -> RecordCipher:
        key = kb.client_key if writer_is_client else kb.server_key
        iv = kb.client_iv if writer_is_client else kb.server_iv
        if mac_hash is None:
            return Tls12Aead(cipher, key, iv, version)
        mac_key = kb.client_mac_key if writer_is_client else kb.server_mac_key
        rng = _ReplayRng(rng_ivs or [])
        iv0 = iv if version == 0x0301 else None
        return Tls12Cbc(key, mac_key, mac_hash, etm, rng, version, iv0, cipher)

    def check_direction(recs: list[Record], from_client: bool) -> list[tuple[int, bytes]]:
        reader = make(from_client)
        plain = [reader.decrypt(_header(r), r[2]) for r in recs]
        # Re-encrypt: deterministic for CBC (given OpenSSL's IVs), ChaCha20,
        # CCM (OpenSSL's explicit nonce is the sequence number); OpenSSL's
        # GCM explicit nonces start at a random value, ours at 0.
        if "GCM" not in cipher:
            explicit = [r[2][:16] for r in recs] if mac_hash and version >= 0x0302 else []
            writer = make(from_client, explicit)
            writer.version = version
            for (ctype, pt), r in zip(plain, recs, strict=True):
                assert writer.encrypt(ctype, pt) == _header(r) + r[2]
        return plain

    c_plain = check_direction(c_recs[c_ccs + 1 :], True)
    s_plain = check_direction(s_recs[s_ccs + 1 :], False)

    # Finished messages.
    client_finished = c_plain[0][1]
    assert c_plain[0][0] == 22
    assert client_finished == b"\x14\x00\x00\x0c" + prf.verify_data12(
        prf_hash, master, b"client finished", session_hash
    )
    transcript.update(client_finished)
    assert s_plain[0] == (
        22,
        b"\x14\x00\x00\x0c"
        + prf.verify_data12(prf_hash, master, b"server finished", transcript.digest()),
    )
    # Application data and close_notify.
    assert b"".join(pt for ctype, pt in c_plain if ctype == 23) == REQUEST
    response = b"".join(pt for ctype, pt in s_plain if ctype == 23)
    assert response.startswith(b"HTTP/1.0 200 ok")
    assert c_plain[-1] == (21, b"\x01\x00") and s_plain[-1] == (21, b"\x01\x00")

    # RFC 5705 exporter, as printed by s_client -keymatexport.
    exported = prf.export_keying_material12(
        prf_hash, master, client_random, sh.random, cap["export_label"].encode(), None, 32
    )
    assert exported.hex() == cap["exported_keying_material"]


# ---------------------------------------------------------------------------
# TLS 1.3
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cap", _captures("tls13"), ids=lambda c: c["name"])
def test_tls13_session(cap: dict[str, Any]) -> None:
    c_recs = _records(bytes.fromhex(cap["client_to_server"]))
    s_recs = _records(bytes.fromhex(cap["server_to_client"]))
    client_hello = c_recs[0][2]
    server_hello = s_recs[0][2]
    sh = _parse_server_hello(server_hello)
    assert sh.version == 0x0304
    cipher, hash_name = SUITES13[sh.suite]
    p = CIPHER_PARAMS[cipher]
    secrets = _keylog(cap["keylog"])
    pad_to = 64 if "padded" in cap["name"] else 0

    def aead(secret: bytes, pad: int = 0) -> Tls13Aead:
        key, iv = ks.traffic_key_iv(hash_name, secret, p.key_len, p.iv_len)
        return Tls13Aead(cipher, key, iv, pad)

    # Server handshake flight (after the middlebox-compatibility CCS).
    s_prot = [r for r in s_recs[1:] if r[0] != 20]
    c_prot = [r for r in c_recs[1:] if r[0] != 20]
    shs = secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"]
    reader = aead(shs)
    writer = aead(shs)
    transcript = Transcript()
    transcript.update(client_hello)
    transcript.update(server_hello)
    transcript.set_hash(hash_name)
    flight = b""
    n_hs = 0
    while not flight or _messages(flight)[-1][0] != 20:  # until the server Finished
        rec = s_prot[n_hs]
        ctype, pt = reader.decrypt(_header(rec), rec[2])
        assert ctype == 22
        assert writer.encrypt(22, pt) == _header(rec) + rec[2]
        flight += pt
        n_hs += 1
    msgs = _messages(flight)
    assert [m[0] for m in msgs] == [8, 11, 15, 20]  # EE, Certificate, CertificateVerify, Finished
    transcript.update(msgs[0])
    transcript.update(msgs[1])
    # CertificateVerify: signature by the server's certificate key.
    cert_list = msgs[1][4:]
    assert cert_list[0] == 0  # empty certificate_request_context
    cert_len = int.from_bytes(cert_list[4:7], "big")
    cert = x509.load_der_x509_certificate(cert_list[7 : 7 + cert_len])
    assert cert.public_bytes(Encoding.PEM).decode() == _DOC["server_cert_pem"]
    scheme = int.from_bytes(msgs[2][4:6], "big")
    sig = msgs[2][8:]
    verify_scheme(
        scheme,
        cert.public_key(),
        tls13_certificate_verify_input(transcript.digest(), server=True),
        sig,
        tls13=True,
    )
    transcript.update(msgs[2])
    assert msgs[3][4:] == ks.finished_verify_data(hash_name, shs, transcript.digest())
    transcript.update(msgs[3])

    # Client Finished under the client handshake keys (padded like the rest).
    chs = secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"]
    rec = c_prot[0]
    cf = b"\x14" + hashes.hash_len(hash_name).to_bytes(3, "big")
    cf += ks.finished_verify_data(hash_name, chs, transcript.digest())
    assert aead(chs).decrypt(_header(rec), rec[2]) == (22, cf)
    assert aead(chs, pad_to).encrypt(22, cf) == _header(rec) + rec[2]

    # Application data both ways.
    c_app = aead(secrets["CLIENT_TRAFFIC_SECRET_0"])
    c_app_w = aead(secrets["CLIENT_TRAFFIC_SECRET_0"], pad_to)
    c_plain = []
    for rec in c_prot[1:]:
        ctype, pt = c_app.decrypt(_header(rec), rec[2])
        c_plain.append((ctype, pt))
        assert c_app_w.encrypt(ctype, pt) == _header(rec) + rec[2]
        if pad_to:
            assert (len(rec[2]) - p.tag_len) % pad_to == 0
    assert c_plain == [(23, REQUEST), (21, b"\x01\x00")]
    s_app = aead(secrets["SERVER_TRAFFIC_SECRET_0"])
    s_app_w = aead(secrets["SERVER_TRAFFIC_SECRET_0"])
    s_plain = []
    for rec in s_prot[n_hs:]:
        ctype, pt = s_app.decrypt(_header(rec), rec[2])
        s_plain.append((ctype, pt))
        assert s_app_w.encrypt(ctype, pt) == _header(rec) + rec[2]
    assert b"".join(pt for t, pt in s_plain if t == 23).startswith(b"HTTP/1.0 200 ok")
    assert s_plain[-1] == (21, b"\x01\x00")

    # Exporter (RFC 8446 section 7.5), as printed by s_client -keymatexport.
    exported = ks.export_keying_material13(
        hash_name, secrets["EXPORTER_SECRET"], cap["export_label"].encode(), None, 32
    )
    assert exported.hex() == cap["exported_keying_material"]
