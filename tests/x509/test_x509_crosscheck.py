"""Second opinions on every chain of the battery: sclient's verifier never says OK
where ``openssl verify`` (same store, same options, same time) says no, nor where
``cryptography``'s verifier says no for a reason OpenSSL also enforces.

``cryptography`` applies the CA/Browser-Forum profile of RFC 5280, which is
stricter than OpenSSL in ways OpenSSL does not enforce; those reasons are listed
in :data:`CRYPTOGRAPHY_ONLY` and in docs/compatibility.md ("Verification: second
opinions"), and any other rejection of a chain sclient accepts fails the test.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import test_x509_policy_nc as policy_nc
import x509_oracle as oracle
from cryptography import x509
from cryptography.x509 import verification as xv
from pki import Cert, Pki
from scenarios import NOW, SCENARIOS
from test_x509_verify import store_from_pems

from sclient.x509 import errors
from sclient.x509.verify import VerifyParams, verify_chain

#: s_client options that are X509_VERIFY_PARAM options, which `openssl verify` takes too.
VERIFY_OPTIONS_WITH_VALUE = {"-purpose", "-verify_name", "-verify_depth", "-auth_level", "-policy"}
VERIFY_FLAGS = {
    "-x509_strict", "-partial_chain", "-check_ss_sig", "-ignore_critical", "-no_check_time",
    "-policy_check", "-explicit_policy", "-inhibit_any", "-inhibit_map", "-crl_check",
    "-crl_check_all", "-use_deltas", "-extended_crl", "-suiteB_128_only", "-suiteB_128",
    "-suiteB_192", "-allow_proxy_certs", "-trusted_first", "-no_alt_chains",
}  # fmt: skip

#: Reasons cryptography's verifier rejects chains that OpenSSL 3.0 accepts: pattern of
#: its message -> a phrase of the reason docs/compatibility.md gives ("second opinions").
CRYPTOGRAPHY_ONLY: dict[str, str] = {
    r"validity dates between 1950 and 2049 must be UtcTime": "GeneralizedTime before 2050",
    r"Forbidden public key algorithm": "Ed25519 and Ed448",
    r"^no plain trust anchors": "TRUSTED CERTIFICATE",
    r"unsupported directoryName constraint": "directoryName name constraints",
    r"(cRLDistributionPoints|2\.5\.29\.31|1\.3\.6\.1\.5\.5\.7\.48\.1\.5|OCSPNoCheck).*"
    r"unaccounted-for "
    r"critical": "critical cRLDistributionPoints or OCSP noCheck",
}

pytestmark = pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available")


class Chain:
    """One chain of the battery: what the server sends, what the client trusts, options."""

    def __init__(self, name: str, build: Any, params: VerifyParams, args: tuple[str, ...]) -> None:
        self.name, self._build, self.params, self.client_args = name, build, params, args
        self.no_ca = False

    def build(self) -> tuple[Pki, list[Cert], list[bytes]]:
        built: tuple[Pki, list[Cert], list[bytes]] = self._build()
        return built


def _battery() -> list[Chain]:
    out: list[Chain] = []
    for s in SCENARIOS:
        c = Chain(s.name, s.build, s.params, s.client_args)
        c.no_ca = s.no_ca
        out.append(c)
    for case in policy_nc.CASES:
        out.append(
            Chain(
                case.name,
                lambda case=case: (case.pki, [case.pki.inter], [case.pki.root.pem]),
                case.params,
                case.args,
            )
        )
    return out


BATTERY = _battery()


def _verify_args(s: Chain) -> list[str]:
    out: list[str] = []
    args = list(s.client_args)
    i = 0
    while i < len(args):
        a = args[i]
        if a in VERIFY_OPTIONS_WITH_VALUE and i + 1 < len(args):
            out += [a, args[i + 1]]
            i += 2
            continue
        if a in VERIFY_FLAGS:
            out.append(a)
        i += 1
    if "-purpose" not in out and "-verify_name" not in out:
        out += ["-purpose", "sslserver"]
    if "-auth_level" not in out:
        out += ["-auth_level", str(s.params.auth_level)]
    return out


def _openssl_verify_ok(s: Chain) -> tuple[bool, str]:
    p, sent, ca = s.build()
    assert oracle.OPENSSL is not None
    with tempfile.TemporaryDirectory(prefix="crosscheck") as td:
        d = Path(td)
        (d / "leaf.pem").write_bytes(p.leaf.pem)
        cmd = [oracle.OPENSSL, "verify", "-attime", str(int(NOW)), *_verify_args(s)]
        if s.no_ca:
            cmd += ["-no-CAfile", "-no-CApath", "-no-CAstore"]
        else:
            (d / "ca.pem").write_bytes(b"".join(ca))
            cmd += ["-CAfile", str(d / "ca.pem"), "-no-CApath", "-no-CAstore"]
        if sent:
            (d / "untrusted.pem").write_bytes(b"".join(c.pem for c in sent))
            cmd += ["-untrusted", str(d / "untrusted.pem")]
        cmd.append(str(d / "leaf.pem"))
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=oracle.TIMEOUT)
        return r.returncode == 0, r.stdout + r.stderr


def _cryptography_rejection(s: Chain) -> str | None:
    """None if cryptography's server verifier accepts the chain, else its reason."""
    p, sent, ca = s.build()
    try:
        roots = [
            x509.load_pem_x509_certificate(b)
            for b in ca
            if b.startswith(b"-----BEGIN CERTIFICATE-----")
        ]
        if not roots:
            return "no plain trust anchors (TRUSTED CERTIFICATE only)"
        builder = (
            xv.PolicyBuilder().store(xv.Store(roots)).time(dt.datetime.fromtimestamp(NOW, dt.UTC))
        )
        if hasattr(xv, "ExtensionPolicy"):
            # A client verifier with the leaf's EKU and SAN left free: the
            # battery's leaves carry no subjectAltName, which both of
            # cryptography's profiles require, and serverAuth, which its client
            # profile refuses; -purpose checks the EKU on sclient's side.
            ee = (
                xv.ExtensionPolicy.webpki_defaults_ee()
                .may_be_present(x509.ExtendedKeyUsage, xv.Criticality.AGNOSTIC, None)
                .may_be_present(x509.SubjectAlternativeName, xv.Criticality.AGNOSTIC, None)
            )
            builder = builder.extension_policies(
                ca_policy=xv.ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee
            )
            builder.build_client_verifier().verify(p.leaf.cert, [c.cert for c in sent])
            return None
        name = p.leaf.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        host = str(name[0].value) if name else "localhost"
        verifier = builder.build_server_verifier(x509.DNSName(host))
        verifier.verify(p.leaf.cert, [c.cert for c in sent])
    except Exception as e:  # the verifier's error, or a certificate it cannot load
        return f"{type(e).__name__}: {e}"
    return None


@pytest.mark.parametrize("s", BATTERY, ids=lambda s: s.name)
def test_never_ok_where_openssl_verify_rejects(s: Chain) -> None:
    p, sent, ca = s.build()
    res = verify_chain(
        [p.leaf.der] + [c.der for c in sent], store_from_pems(ca), now=NOW, params=s.params
    )
    ok, text = _openssl_verify_ok(s)
    if res.error == errors.OK:  # "Verification: OK"
        assert ok, f"sclient accepts, openssl verify rejects:\n{text}"


@pytest.mark.parametrize("s", BATTERY, ids=lambda s: s.name)
def test_cryptography_rejections_are_known_differences(s: Chain) -> None:
    p, sent, ca = s.build()
    res = verify_chain(
        [p.leaf.der] + [c.der for c in sent], store_from_pems(ca), now=NOW, params=s.params
    )
    if res.error != errors.OK:
        return  # sclient reports an error: nothing to second-guess
    reason = _cryptography_rejection(s)
    if reason is None:
        return
    known = [why for pattern, why in CRYPTOGRAPHY_ONLY.items() if re.search(pattern, reason)]
    assert known, f"cryptography rejects a chain sclient accepts, for an unlisted reason: {reason}"


def test_the_known_differences_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "compatibility.md").read_text()
    section = doc[doc.index("## Verification: second opinions") :]
    items = [ln for ln in section.splitlines() if ln.startswith("- ")]
    for phrase in CRYPTOGRAPHY_ONLY.values():
        assert any(phrase in item for item in items), phrase


def test_the_battery_has_chains_both_verifiers_accept() -> None:
    """A guard: the second opinions are not vacuous."""
    accepted = [s.name for s in BATTERY if _cryptography_rejection(s) is None]
    assert accepted, "cryptography accepts none of the battery's chains"
