"""The x509-limbo ``rfc5280::serial::negative`` shape, made by the openssl binary
(``cryptography`` cannot mint a negative serial): a leaf with serial -5 and a
critical cRLDistributionPoints extension, served by ``openssl s_server``.

OpenSSL 3.0.19 does not check the sign of a serial, and it handles a critical
cRLDistributionPoints (and OCSP noCheck) extension, so the chain verifies;
sclient must print the same callback lines, not an extra error 34.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import x509_oracle as oracle

from sclient.base.pem import read_blocks
from sclient.x509.callback import render
from sclient.x509.store import TrustStore
from sclient.x509.verify import VerifyParams, verify_chain

pytestmark = pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available")

_EXT = """\
[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[crldp]
basicConstraints=critical,CA:FALSE
subjectAltName=DNS:localhost
crlDistributionPoints=critical,URI:http://crl.example/root.crl
[nocheck]
basicConstraints=critical,CA:FALSE
subjectAltName=DNS:localhost
noCheck=critical,ignored
"""


def _ossl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=True, timeout=60)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("limbo-serial")
    (d / "ext.cnf").write_text(_EXT)
    _ossl(d, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "r.key")
    _ossl(d, "req", "-new", "-key", "r.key", "-subj", "/CN=Limbo Root", "-out", "r.csr")
    _ossl(d, "x509", "-req", "-in", "r.csr", "-key", "r.key", "-days", "30", "-set_serial", "1",
          "-extfile", "ext.cnf", "-extensions", "root", "-out", "r.pem")  # fmt: skip
    _ossl(d, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "l.key")
    _ossl(d, "req", "-new", "-key", "l.key", "-subj", "/CN=localhost", "-out", "l.csr")
    for name, serial in (("crldp", "-5"), ("nocheck", "-77")):
        _ossl(d, "x509", "-req", "-in", "l.csr", "-CA", "r.pem", "-CAkey", "r.key",
              "-set_serial", serial, "-days", "10", "-extfile", "ext.cnf", "-extensions", name,
              "-out", f"{name}.pem")  # fmt: skip
    return d


@pytest.mark.parametrize("name", ["crldp", "nocheck"])
@pytest.mark.parametrize("strict", [False, True], ids=["default", "x509_strict"])
def test_negative_serial_with_critical_extension(made: Path, name: str, strict: bool) -> None:
    now = int(time.time())
    args = ["-attime", str(now)] + (["-x509_strict"] if strict else [])
    leaf_pem = (made / f"{name}.pem").read_bytes()
    r = oracle.s_client_against(
        leaf_pem,
        (made / "l.key").read_bytes(),
        b"",
        cafile_pem=(made / "r.pem").read_bytes(),
        client_args=args,
    )
    res = verify_chain(
        [read_blocks(leaf_pem)[0].data],
        TrustStore.load(cafile=str(made / "r.pem")),
        now=now,
        params=VerifyParams(auth_level=2, x509_strict=strict),
    )
    out = render(res)
    assert out.lines == r.verify_lines
    assert r.verify_code is not None and r.verify_code[0] == out.verify_result
    assert out.verify_result == 0
