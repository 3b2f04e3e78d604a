"""TLS 1.2 (and 1.0/1.1) PRF known answers generated with ``openssl kdf
TLS1-PRF`` (tests/vectors/tls12_prf.json; commands in the file and README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sclient.tls.crypto import hashes, prf
from sclient.tls.crypto.errors import CryptoError

_DATA = json.loads((Path(__file__).parents[1] / "vectors" / "tls12_prf.json").read_text())
_PRF_CASES = [c for c in _DATA["cases"] if c["kind"] == "prf"]
_DERIVATION_CASES = [c for c in _DATA["cases"] if c["kind"] == "derivations"]


def _b(case: dict[str, Any], key: str) -> bytes:
    return bytes.fromhex(case[key])


@pytest.mark.parametrize("case", _PRF_CASES, ids=lambda c: f"{c['hash']}-{c['length']}")
def test_prf_known_answer(case: dict[str, Any]) -> None:
    out = prf.prf12(
        case["hash"], _b(case, "secret"), _b(case, "label"), _b(case, "seed"), case["length"]
    )
    assert out == _b(case, "output")


@pytest.mark.parametrize("case", _PRF_CASES, ids=lambda c: f"{c['hash']}-{c['length']}")
def test_prf_prefix_property(case: dict[str, Any]) -> None:
    # Shorter outputs are prefixes of longer ones.
    for n in (0, 1, 12, 31, 32, 33, 48, 64):
        short = prf.prf12(case["hash"], _b(case, "secret"), _b(case, "label"), _b(case, "seed"), n)
        assert short == _b(case, "output")[:n]


@pytest.mark.parametrize("case", _DERIVATION_CASES, ids=lambda c: c["hash"])
def test_derivations(case: dict[str, Any]) -> None:
    h = case["hash"]
    cr, sr = _b(case, "client_random"), _b(case, "server_random")
    ms = prf.master_secret(h, _b(case, "premaster"), cr, sr)
    assert ms == _b(case, "master_secret")
    assert len(ms) == prf.MASTER_SECRET_LEN
    ems = prf.extended_master_secret(h, _b(case, "premaster"), _b(case, "session_hash"))
    assert ems == _b(case, "extended_master_secret")
    assert ems != ms
    kb = prf.key_block(h, ms, sr, cr, 136)
    assert kb == _b(case, "key_block")
    assert prf.verify_data12(h, ms, b"client finished", _b(case, "handshake_hash")) == _b(
        case, "client_verify_data"
    )
    label, ctx = _b(case, "exporter_label"), _b(case, "exporter_context")
    assert prf.export_keying_material12(h, ms, cr, sr, label, ctx, 40) == _b(
        case, "exporter_with_context"
    )
    assert prf.export_keying_material12(h, ms, cr, sr, label, None, 40) == _b(
        case, "exporter_no_context"
    )
    # An empty context is not the same as no context (RFC 5705 section 4).
    assert prf.export_keying_material12(h, ms, cr, sr, label, b"", 40) != _b(
        case, "exporter_no_context"
    )


def test_split_key_block() -> None:
    block = bytes(range(200))
    kb = prf.split_key_block(block, 20, 16, 0)
    assert kb.client_mac_key == block[0:20]
    assert kb.server_mac_key == block[20:40]
    assert kb.client_key == block[40:56]
    assert kb.server_key == block[56:72]
    assert kb.client_iv == kb.server_iv == b""
    kb = prf.split_key_block(block, 0, 16, 4)
    assert (kb.client_key, kb.server_key, kb.client_iv, kb.server_iv) == (
        block[0:16],
        block[16:32],
        block[32:36],
        block[36:40],
    )
    with pytest.raises(CryptoError):
        prf.split_key_block(block[:10], 0, 16, 4)


@pytest.mark.parametrize(
    "label",
    [b"client finished", b"server finished", b"master secret", b"key expansion"],
)
def test_exporter_rejects_reserved_labels(label: bytes) -> None:
    with pytest.raises(CryptoError):
        prf.export_keying_material12("sha256", bytes(48), bytes(32), bytes(32), label, None, 16)


def test_verify_data_length_and_tls10_input() -> None:
    msgs = b"handshake messages"
    hh = hashes.digest("md5-sha1", msgs)
    assert hh == hashes.digest("md5", msgs) + hashes.digest("sha1", msgs)
    assert len(prf.verify_data12("md5-sha1", bytes(48), b"server finished", hh)) == 12
    assert len(prf.verify_data12("sha384", bytes(48), b"server finished", bytes(48))) == 12
