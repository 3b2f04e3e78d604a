"""sclient's reading of OCSP responses made by ``openssl ocsp`` (and
cryptography's builder for an expired one), its verdict on them, the text
OpenSSL prints for them (``openssl ocsp -respin -resp_text``), and
d2i_OCSP_RESPONSE's error queue for bytes that are no response."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from sclient.x509 import ocsp
from support import ocsp as ocsp_files
from support.peers import require
from support.pki import PKI, write_chain


@pytest.fixture(scope="module")
def made(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require("openssl")
    return ocsp_files.responses(pki["rsa"], tmp_path_factory.mktemp("ocsp-unit"))


def _der(p: Path) -> bytes:
    return x509.load_pem_x509_certificate(p.read_bytes()).public_bytes(Encoding.DER)


@pytest.mark.parametrize(
    ("name", "valid", "signer", "when", "status"),
    [
        ("good", True, "issuer", "current", "good"),
        ("revoked", True, "issuer", "current", "revoked"),
        ("unknown", True, "issuer", "current", "unknown"),
        ("nonce", True, "issuer", "current", "good"),
        ("no_certs", True, "issuer", "current", "good"),
        ("delegated", True, "delegated responder", "current", "good"),
        ("wrong_signer", False, None, "current", "good"),
        ("bad_signature", False, None, "current", "good"),
        ("expired", False, "issuer", "expired", "good"),
    ],
)
def test_validate(
    pki: PKI, made: dict[str, Path], name: str, valid: bool, signer: str | None, when: str,
    status: str,
) -> None:  # fmt: skip
    resp = ocsp.parse_response(made[name].read_bytes())
    assert resp is not None and resp.basic is not None
    v = ocsp.validate(resp, _der(pki["rsa"].leaf), _der(pki["rsa"].chain), time.time())
    assert (v["valid"], v["signer"], v["time"], v["cert_status"]) == (valid, signer, when, status)
    assert v["cert_id"] and bool(v["problems"]) != valid


def test_validate_other_leaf_and_issuer(pki: PKI, made: dict[str, Path], tmp_path: Path) -> None:
    """A response for another certificate: no cert id matches; an unknown issuer: no verdict."""
    other = write_chain(tmp_path, "ecdsa")
    resp = ocsp.parse_response(made["good"].read_bytes())
    assert resp is not None
    v = ocsp.validate(resp, _der(other.leaf), _der(pki["rsa"].chain), time.time())
    assert not v["valid"] and not v["cert_id"]
    v = ocsp.validate(resp, _der(pki["rsa"].leaf), None, time.time())
    assert not v["valid"] and v["problems"] == ["the leaf's issuer is not known"]
    later = time.time() + 30 * 86400
    v = ocsp.validate(resp, _der(pki["rsa"].leaf), _der(pki["rsa"].chain), later)
    assert v["time"] == "expired" and not v["valid"]


@pytest.mark.parametrize("name", ["good", "revoked", "nonce", "delegated", "expired"])
def test_text_as_openssl_ocsp_prints_it(made: dict[str, Path], name: str) -> None:
    """``openssl ocsp -respin F -resp_text -noverify`` prints OCSP_RESPONSE_print's text."""
    from sclient.report.ocsp import response_text

    ref = subprocess.run(
        ["openssl", "ocsp", "-respin", str(made[name]), "-resp_text", "-noverify"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    resp = ocsp.parse_response(made[name].read_bytes())
    assert resp is not None
    assert ref.startswith(response_text(resp))


def test_decode_errors() -> None:
    assert ocsp.decode_errors(bytes.fromhex("30030a0100")) == []
    lines = [(e.func, e.reason, e.line, e.data) for e in ocsp.decode_errors(b"\x30\x00")]
    assert lines == [
        ("asn1_item_embed_d2i", "field missing", 491, "Field=responseStatus, Type=OCSP_RESPONSE")
    ]
    assert ocsp.parse_response(b"\x04\x00") is None
