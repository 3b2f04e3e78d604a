"""Differential tests: the same chain through ``openssl s_server`` + ``openssl s_client``
and through ``verify_chain`` + the s_client callback must print the same lines.

s_client gets ``-attime`` so both sides verify at the same instant.
"""

from __future__ import annotations

import re

import pytest
import scenarios
import x509_oracle as oracle
from scenarios import NOW, SCENARIOS, Scenario
from test_x509_verify import store_from_pems

from sclient.x509 import describe, errors
from sclient.x509.callback import render
from sclient.x509.verify import verify_chain

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available"),
]


def _run_both(s: Scenario) -> tuple[oracle.ClientRun, object]:
    p, sent, ca = s.build()
    r = oracle.s_client_against(
        p.leaf.pem,
        p.leaf.key_pem,
        b"".join(c.pem for c in sent),
        cafile_pem=None if s.no_ca else b"".join(ca),
        client_args=["-attime", str(int(NOW)), *s.client_args],
    )
    res = verify_chain(
        [p.leaf.der] + [c.der for c in sent], store_from_pems(ca), now=NOW, params=s.params
    )
    return r, render(res, s.opts)


@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s.name)
def test_callback_lines_match_openssl(s: Scenario) -> None:
    r, out = _run_both(s)
    assert out.text in r.stderr, f"openssl stderr:\n{r.stderr}\nours:\n{out.text}"
    assert [ln for ln in out.lines if oracle._VERIFY_LINE.match(ln)] == r.verify_lines
    assert r.verify_code == (out.verify_result, errors.error_string(out.verify_result))
    assert r.verification == out.verification_line
    if out.aborted:
        assert r.returncode == 1
        assert "certificate verify failed" in r.stderr


@pytest.mark.parametrize(
    "name",
    [
        "trusted",
        "keys-ec",
        "keys-p384",
        "keys-ed25519",
        "keys-ed448",
        "rsa-pss-signatures",
        "mixed-keys",
        "sha1-inter",
    ],
)
def test_chain_summary_lines_match_openssl(name: str) -> None:
    s = scenarios._REGISTRY[name]
    p, sent, _ = s.build()
    r, _ = _run_both(s)
    block = re.search(r"^Certificate chain\n(.*?)^---$", r.stdout, re.M | re.S)
    assert block is not None, r.stdout
    ours = []
    for i, c in enumerate([p.leaf, *sent]):
        ours += describe.chain_lines(i, c.der)
    assert block.group(1).splitlines() == ours
    m = re.search(r"^Server public key is (\d+) bit$", r.stdout, re.M)
    assert m is not None and int(m.group(1)) == describe.public_key_bits(p.leaf.der)
    server_pem = re.search(
        r"^Server certificate\n(-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n)",
        r.stdout,
        re.M | re.S,
    )
    assert server_pem is not None and server_pem.group(1) == describe.pem(p.leaf.der)
    from sclient.x509.names import print_name

    leaf = describe._as_cert(p.leaf.der)
    assert f"subject={print_name(leaf.subject)}\nissuer={print_name(leaf.issuer)}\n" in r.stdout
