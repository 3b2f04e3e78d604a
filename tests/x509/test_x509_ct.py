"""Unit tests of x509.ct: SCT lists parsed as o2i_SCT_LIST reads them, the
RFC 6962 signature checked over the X.509 and precertificate entries with a
test log's key (support.ct signs with cryptography), each validation status,
the CTLOG_STORE file, and SCT_print's text."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sclient.x509 import ct as C
from support import ct
from support.pki import PKI


@pytest.fixture(scope="module")
def setup(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    chain = pki["rsa"]
    base = tmp_path_factory.mktemp("ctunit")
    m = ct.Material(chain, base)
    leaf = x509.load_pem_x509_certificate(chain.leaf.read_bytes())
    issuer = x509.load_pem_x509_certificate(chain.chain.read_bytes())
    emb = x509.load_pem_x509_certificate(m.embedded.read_bytes())
    der = serialization.Encoding.DER
    return {
        "m": m,
        "store": C.load_log_store(str(m.logs)),
        "leaf": leaf.public_bytes(der),
        "issuer": issuer.public_bytes(der),
        "embedded": emb.public_bytes(der),
    }


def _now() -> int:
    return ct.now_ms(0)


def test_parse_list(setup: dict[str, object]) -> None:
    m = setup["m"]
    assert isinstance(m, ct.Material)
    raw = m.log.sct(b"cert", 1234, ext=b"\x01\x02")
    (sct,) = C.parse_sct_list(ct.sct_list(raw), C.SOURCE_TLS_EXTENSION)
    assert (sct.version, sct.log_id, sct.timestamp, sct.extensions) == (
        0,
        m.log.log_id,
        1234,
        b"\x01\x02",
    )
    assert (sct.hash_alg, sct.sig_alg) == (4, 3)
    assert sct.raw == raw
    # bad framing: nothing
    assert C.parse_sct_list(ct.sct_list(raw)[:-1], C.SOURCE_TLS_EXTENSION) == []
    assert C.parse_sct_list(b"\x00\x00", C.SOURCE_TLS_EXTENSION) == []
    # another version keeps only the blob
    (v2,) = C.parse_sct_list(ct.sct_list(b"\x01abc"), C.SOURCE_TLS_EXTENSION)
    assert v2.version == 1 and v2.raw == b"\x01abc"


def _validate(setup: dict[str, object], raw: bytes, source: str = C.SOURCE_TLS_EXTENSION) -> C.Sct:
    (sct,) = C.parse_sct_list(ct.sct_list(raw), source)
    store = setup["store"]
    assert isinstance(store, C.LogStore)
    leaf = setup["embedded"] if source == C.SOURCE_X509V3 else setup["leaf"]
    return C.validate(sct, store, leaf, setup["issuer"], _now())  # type: ignore[arg-type]


def test_statuses(setup: dict[str, object]) -> None:
    m = setup["m"]
    assert isinstance(m, ct.Material)
    leaf = setup["leaf"]
    assert isinstance(leaf, bytes)
    good = m.log.sct(leaf, ct.now_ms())
    assert _validate(setup, good).status == C.VALID
    bad = bytearray(good)
    bad[-3] ^= 1
    got = _validate(setup, bytes(bad))
    assert got.status == C.INVALID
    assert [e.reason for e in got.errors] == ["sct invalid signature"]
    assert _validate(setup, m.other.sct(leaf, ct.now_ms())).status == C.UNKNOWN_LOG
    future = _validate(setup, m.log.sct(leaf, ct.now_ms(3600)))
    assert future.status == C.INVALID and future.errors[0].reason == "sct future timestamp"
    assert _validate(setup, b"\x01abc").status == C.UNKNOWN_VERSION
    # signed over another certificate
    assert _validate(setup, m.log.sct(leaf + b"x", ct.now_ms())).status == C.INVALID


def test_embedded(setup: dict[str, object]) -> None:
    emb = setup["embedded"]
    assert isinstance(emb, bytes)
    (sct,) = C.embedded_scts(emb)
    assert sct.source == C.SOURCE_X509V3
    store = setup["store"]
    assert isinstance(store, C.LogStore)
    assert C.validate(sct, store, emb, setup["issuer"], _now()).status == C.VALID  # type: ignore[arg-type]
    # the issuer key hash is part of the signed entry
    assert C.validate(sct, store, emb, emb, _now()).status == C.INVALID
    assert C.validate(sct, store, emb, None, _now()).status == C.UNVERIFIED
    assert C.embedded_scts(setup["leaf"]) == []  # type: ignore[arg-type]


def test_peer_scts_order(setup: dict[str, object]) -> None:
    m = setup["m"]
    assert isinstance(m, ct.Material)
    a, b = m.log.sct(b"a", 1), m.log.sct(b"b", 2)
    emb = setup["embedded"]
    assert isinstance(emb, bytes)
    got = C.peer_scts(ct.sct_list(a, b), None, emb)
    assert [(s.source, s.timestamp) for s in got][:2] == [
        (C.SOURCE_TLS_EXTENSION, 2),
        (C.SOURCE_TLS_EXTENSION, 1),
    ]
    assert got[2].source == C.SOURCE_X509V3


def test_log_store(tmp_path: Path, setup: dict[str, object]) -> None:
    store = setup["store"]
    m = setup["m"]
    assert isinstance(store, C.LogStore) and isinstance(m, ct.Material)
    assert store.by_id(m.log.log_id) is not None
    assert store.by_id(m.other.log_id) is None
    with pytest.raises(C.LogStoreError) as e:
        C.load_log_store(str(tmp_path / "missing.cnf"))
    assert [x.reason for x in e.value.errors] == [
        "No such file or directory",
        "no such file",
        "no such file",
        "log conf invalid",
    ]
    assert e.value.errors[0].data == f"calling fopen({tmp_path / 'missing.cnf'}, rb)"
    cases = {
        "[x]\nkey = AAAA\n": ["no value", "log conf invalid"],
        "enabled_logs = a\n": ["no value", "log conf missing description", "log conf invalid"],
        "enabled_logs = a\n[a]\ndescription = d\n": [
            "no value",
            "log conf missing key",
            "log conf invalid",
        ],
        "enabled_logs = a\n[a]\nkey = @@\ndescription = d\n": [
            "malloc failure",
            "log conf invalid key",
            "log conf invalid",
        ],
        "enabled_logs = a\n[a]\nkey = QUJDRA==\ndescription = d\n": [
            "log conf invalid key",
            "log conf invalid",
        ],
    }
    for text, reasons in cases.items():
        (tmp_path / "bad.cnf").write_text(text)
        with pytest.raises(C.LogStoreError) as e:
            C.load_log_store(str(tmp_path / "bad.cnf"))
        assert [x.reason for x in e.value.errors] == reasons, text


def test_print() -> None:
    assert C.hex_string(16, 16, bytes(range(17))) == (
        "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:\n" + " " * 16 + "10"
    )
    assert C.hex_string(4, 16, b"\xab") == "AB"
    assert C.timestamp_text(1489436000123) == "Mar 13 20:13:20.123 2017 GMT"
    assert C.timestamp_text(86400000 * 9) == "Jan 10 00:00:00.000 1970 GMT"
    raw = b"\x00" + bytes(32) + struct.pack(">Q", 0) + b"\x00\x01\xff" + b"\x04\x01\x00\x02\x30\x00"
    (sct,) = C.parse_sct_list(ct.sct_list(raw), C.SOURCE_TLS_EXTENSION)
    text = C.sct_text(sct, None)
    assert text.splitlines()[0] == "Signed Certificate Timestamp:"
    assert "    Extensions: FF\n    Signature : sha256WithRSAEncryption\n" in text
    assert text.endswith(" " * 16 + "30:00")
    (odd,) = C.parse_sct_list(
        ct.sct_list(raw[:-6] + b"\x02\x03\x00\x01\x00"), C.SOURCE_TLS_EXTENSION
    )
    assert "    Signature : 0203\n" in C.sct_text(odd, None)
    block = C.scts_block([sct, sct], None)
    assert block.startswith("---\nSCTs present (2)\n---\nSCT validation status: not set\n")
    assert "\n---\nSCT validation status" in block and block.endswith("\n")
    assert C.scts_block([], None) == "---\nSCTs present (0)\n"
