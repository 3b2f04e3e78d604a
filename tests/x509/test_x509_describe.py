"""Summary-block facts about certificates, times and the error table."""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
from pathlib import Path

import pytest
import scenarios
import x509_oracle as oracle

from sclient.base.pem import certificate_pem, read_blocks
from sclient.x509 import describe, errors
from sclient.x509.asn1time import Asn1Time, format_posix
from sclient.x509.callback import render
from sclient.x509.cert import Certificate
from sclient.x509.store import TrustStore
from sclient.x509.verify import verify_chain

needs_openssl = pytest.mark.skipif(
    not oracle.available(), reason="openssl 3.0 binary not available"
)


def _libcrypto() -> ctypes.CDLL | None:
    for name in ("libcrypto.so.3", ctypes.util.find_library("crypto")):
        if name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    return None


def test_error_strings_match_libcrypto() -> None:
    lib = _libcrypto()
    if lib is None:
        pytest.skip("libcrypto not found")
    f = lib.X509_verify_cert_error_string
    f.restype = ctypes.c_char_p
    f.argtypes = [ctypes.c_long]
    version = ctypes.cast(lib.OpenSSL_version, ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_int))(0)
    if not version.startswith(b"OpenSSL 3.0."):
        pytest.skip(f"libcrypto is {version!r}")
    # 95 (X509_V_ERR_RPK_UNTRUSTED) is OpenSSL 3.2's, for raw public keys: 3.0
    # has no text for it.
    newer = {95}
    for code in range(-1, 100):
        if code not in newer:
            assert errors.error_string(code) == f(code).decode(), code
    assert sorted(errors.TABLE) == list(range(96))
    assert errors.error_string(95) == "Raw public key untrusted, no trusted keys configured"


def test_alerts() -> None:
    assert errors.alert_for(20) == errors.alert_for(21) == errors.alert_for(2) == 48
    assert errors.alert_for(19) == errors.alert_for(18) == errors.alert_for(79) == 48
    assert errors.alert_for(10) == 45
    assert errors.alert_for(9) == 42
    assert errors.alert_for(23) == 44
    assert errors.alert_for(7) == 51
    assert errors.alert_for(26) == 43
    assert errors.alert_for(1) == 80
    assert errors.alert_for(50) == 40
    assert errors.alert_for(34) == errors.alert_for(0) == 46


@needs_openssl
@pytest.mark.parametrize("name", [n for n in scenarios._REGISTRY if n.startswith("time-")])
def test_time_printing_matches_openssl(name: str) -> None:
    p, _, _ = scenarios._REGISTRY[name].build()
    c = Certificate(p.leaf.der)
    r = subprocess.run(
        ["openssl", "x509", "-noout", "-startdate", "-enddate"],
        input=p.leaf.pem.decode(),
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    assert r.stdout == f"notBefore={c.not_before.print()}\nnotAfter={c.not_after.print()}\n"


def test_time_formats() -> None:
    assert format_posix(0) == "Jan  1 00:00:00 1970 GMT"
    assert format_posix(1795511264) == "Nov 24 09:07:44 2026 GMT"
    assert Asn1Time(24, b"20261201091012Z").print() == "Dec  1 09:10:12 2026 GMT"
    assert Asn1Time(24, b"20261201091012.250Z").print() == "Dec  1 09:10:12.250 2026 GMT"
    assert Asn1Time(23, b"bad").print() == "Bad time value"
    assert Asn1Time(23, b"491231235959Z").posix_strict() == 2524607999
    assert Asn1Time(23, b"500101000000Z").posix_strict() == -631152000
    assert Asn1Time(23, b"5001010000Z").posix_strict() is None
    assert Asn1Time.from_posix(2524608000).type == 24  # 2050 needs GeneralizedTime


@needs_openssl
def test_rsa_pss_and_dsa_keys(tmp_path: Path) -> None:
    def run(*args: str) -> None:
        subprocess.run(
            ["openssl", *args], cwd=tmp_path, capture_output=True, check=True, timeout=60
        )

    run("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key")
    run("req", "-x509", "-key", "ca.key", "-subj", "/CN=PSS Root", "-days", "30", "-out", "ca.pem")
    run("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "leaf.key")
    run("req", "-new", "-key", "leaf.key", "-subj", "/CN=pss-leaf", "-out", "leaf.csr")
    run(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "7",
        "-days",
        "9",
        "-out",
        "leaf.pem",
    )
    leaf = read_blocks((tmp_path / "leaf.pem").read_bytes())[0].data
    assert describe.key_description(leaf) == ("RSASSA-PSS", 2048)
    assert describe.signature_algorithm_name(leaf) == "RSASSA-PSS"
    cert = Certificate(leaf)
    now = cert.not_before.posix_strict()
    assert now is not None
    res = verify_chain(
        [leaf], TrustStore.load(cafile=str(tmp_path / "ca.pem")), now=now + 60, auth_level=2
    )
    assert res.ok, render(res).text

    run(
        "genpkey",
        "-genparam",
        "-algorithm",
        "DSA",
        "-pkeyopt",
        "dsa_paramgen_bits:2048",
        "-out",
        "dsap.pem",
    )
    run("genpkey", "-paramfile", "dsap.pem", "-out", "dsa.key")
    run("req", "-x509", "-key", "dsa.key", "-subj", "/CN=dsa", "-days", "30", "-out", "dsa.pem")
    d = read_blocks((tmp_path / "dsa.pem").read_bytes())[0].data
    assert describe.key_description(d) == ("DSA", 2048)
    assert describe.signature_algorithm_name(d) == "dsa_with_SHA256"
    t = Certificate(d).not_before.posix_strict()
    assert t is not None
    assert verify_chain(
        [d], TrustStore.load(cafile=str(tmp_path / "dsa.pem")), now=t + 60, auth_level=2
    ).ok


def test_pem_lines() -> None:
    der = scenarios.P().root.der
    pem = describe.pem(der)
    lines = pem.splitlines()
    assert lines[0] == "-----BEGIN CERTIFICATE-----" and lines[-1] == "-----END CERTIFICATE-----"
    assert all(len(x) == 64 for x in lines[1:-2]) and 0 < len(lines[-2]) <= 64
    assert pem.encode() == scenarios.P().root.pem  # same as cryptography / OpenSSL
    assert read_blocks(pem.encode())[0].data == der
    assert certificate_pem(der) == pem


def test_key_descriptions() -> None:
    for kind, want in [
        ("rsa", ("rsaEncryption", 2048)),
        ("ec", ("id-ecPublicKey", 256)),
        ("p384", ("id-ecPublicKey", 384)),
        ("ed25519", ("ED25519", 256)),
        ("ed448", ("ED448", 456)),
    ]:
        c = scenarios.pki.make(
            "/CN=k", key_kind=kind, not_before=0, not_after=2**31 - 1, slot="describe"
        )
        assert describe.key_description(c.der) == want
        assert describe.public_key_bits(c.der) == want[1]
    c = scenarios.pki.make(
        "/CN=k", key_kind="ec", not_before=0, not_after=2**31 - 1, slot="describe"
    )
    assert describe.signature_algorithm_name(c.der) == "ecdsa-with-SHA256"
    assert describe.signature_algorithm_name(scenarios.P().root.der) == "RSA-SHA256"
    assert describe.not_before(c.der) == "Jan  1 00:00:00 1970 GMT"
    assert describe.not_after(c.der) == "Jan 19 03:14:07 2038 GMT"
