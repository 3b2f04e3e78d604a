"""Certificates made by the openssl binary itself (what ``cryptography`` cannot mint),
and the system trust bundle as a corpus of real-world certificates."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
import x509_oracle as oracle

from sclient.base.pem import certificate_pem, read_blocks
from sclient.x509 import describe
from sclient.x509.callback import render
from sclient.x509.store import TrustStore
from sclient.x509.verify import VerifyParams, verify_chain

pytestmark = pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available")


def _ossl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=True, timeout=60)


@pytest.fixture(scope="module")
def explicit_ec_chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ECRoot (named P-256) -> exinter (explicit P-256 parameters) -> leaf."""
    d = tmp_path_factory.mktemp("explicit")
    _ossl(
        d, "ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-out", "ex.key"
    )
    _ossl(d, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "r.key")
    _ossl(d, "req", "-x509", "-key", "r.key", "-subj", "/CN=ECRoot", "-days", "30", "-out", "r.pem")
    (d / "ca.ext").write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
    _ossl(d, "req", "-new", "-key", "ex.key", "-subj", "/CN=exinter", "-out", "exi.csr")
    _ossl(
        d,
        "x509",
        "-req",
        "-in",
        "exi.csr",
        "-CA",
        "r.pem",
        "-CAkey",
        "r.key",
        "-set_serial",
        "3",
        "-days",
        "10",
        "-extfile",
        "ca.ext",
        "-out",
        "exi.pem",
    )
    _ossl(d, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "l.key")
    _ossl(d, "req", "-new", "-key", "l.key", "-subj", "/CN=leaf", "-out", "l.csr")
    _ossl(
        d,
        "x509",
        "-req",
        "-in",
        "l.csr",
        "-CA",
        "exi.pem",
        "-CAkey",
        "ex.key",
        "-set_serial",
        "4",
        "-days",
        "5",
        "-out",
        "l.pem",
    )
    return d


@pytest.mark.parametrize("strict", [False, True])
def test_explicit_ec_parameters(explicit_ec_chain: Path, strict: bool) -> None:
    d = explicit_ec_chain
    now = int(time.time())
    args = ["-attime", str(now)] + (["-x509_strict"] if strict else [])
    r = oracle.s_client_against(
        (d / "l.pem").read_bytes(),
        (d / "l.key").read_bytes(),
        (d / "exi.pem").read_bytes(),
        cafile_pem=(d / "r.pem").read_bytes(),
        client_args=args,
    )
    leaf = read_blocks((d / "l.pem").read_bytes())[0].data
    inter = read_blocks((d / "exi.pem").read_bytes())[0].data
    res = verify_chain(
        [leaf, inter],
        TrustStore.load(cafile=str(d / "r.pem")),
        now=now,
        params=VerifyParams(auth_level=2, x509_strict=strict),
    )
    out = render(res)
    assert out.lines == r.verify_lines
    assert r.verify_code is not None and r.verify_code[0] == out.verify_result == (
        92 if strict else 94
    )
    block = re.search(r"^Certificate chain\n(.*?)^---$", r.stdout, re.M | re.S)
    assert block is not None
    assert block.group(1).splitlines() == describe.chain_lines(0, leaf) + describe.chain_lines(
        1, inter
    )


BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


@pytest.mark.skipif(not BUNDLE.exists(), reason="no system CA bundle")
def test_system_roots_match_openssl_verify(tmp_path: Path) -> None:
    """Every system root, verified as a server leaf against the bundle: same error
    sequence as ``openssl verify -purpose sslserver``."""
    st = TrustStore.load(cafile=str(BUNDLE))
    now = int(time.time())
    one = tmp_path / "one.pem"
    assert len(st.certificates) > 10
    for c in st.certificates:
        one.write_text(certificate_pem(c.der))
        r = subprocess.run(
            [
                "openssl",
                "verify",
                "-CAfile",
                str(BUNDLE),
                "-purpose",
                "sslserver",
                "-auth_level",
                "2",
                "-attime",
                str(now),
                str(one),
            ],
            capture_output=True,
            text=True,
            timeout=20,
        )
        theirs = [
            (int(m.group(2)), int(m.group(1)))
            for m in re.finditer(r"error (\d+) at (\d+) depth", r.stdout + r.stderr)
        ]
        res = verify_chain([c.der], st, now=now, params=VerifyParams(auth_level=2))
        assert [(k.depth, k.error) for k in res.calls if not k.ok] == theirs, str(c)
        assert c.subject.hash() == int(
            oracle.x509_hash(
                c.pem_bytes() if hasattr(c, "pem_bytes") else certificate_pem(c.der).encode()
            ),
            16,
        )
