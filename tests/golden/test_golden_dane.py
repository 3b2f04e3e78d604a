"""Differential tests of -nameopt and DANE: ``openssl s_client`` and sclient against
the same ``openssl s_server``; stdout, stderr and exit status must match after the
masking of :mod:`test_golden`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from test_golden import Case, Servers, _diff, mask, run_case

from support.peers import OpenSSLServer, PyTLSServer, refused_port, require
from support.pki import PKI
from support.procs import assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[Servers]:
    require("openssl")
    rsa = pki["rsa"]
    a = OpenSSLServer(rsa).start()
    try:
        d = PyTLSServer(rsa, greeting=b"x\n", close_after_greeting=True)
        with refused_port() as closed:
            yield Servers(a, a, a, d, closed, pki)
    finally:
        a.stop()


def _tlsa(path: Path, index: int, u: int, s: int, m: int) -> str:
    cert = x509.load_pem_x509_certificates(path.read_bytes())[index]
    data = (
        cert.public_bytes(serialization.Encoding.DER)
        if s == 0
        else cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    if m:
        data = (hashlib.sha256 if m == 1 else hashlib.sha512)(data).digest()
    return f"{u} {s} {m} {data.hex()}"


NAMEOPTS = [
    "RFC2253",
    "multiline",
    "compat",
    "oneline,lname,-space_eq",
    "utf8,sep_semi_plus_space,dn_rev",
    "oid,show_type",
    "bogus",
    "oneline,bogus",
    ",",
]


@pytest.mark.parametrize("nameopt", NAMEOPTS)
def test_nameopt(nameopt: str, servers: Servers) -> None:
    args = ("-CAfile", "{root}", "-nameopt", nameopt)
    rc = 1 if "bogus" in nameopt else 0
    _compare(Case(f"nameopt {nameopt}", args, rc=rc, stdin="Q" if rc == 0 else "eof"), servers)


def test_nameopt_accumulates_with_verify_errors(servers: Servers) -> None:
    # no trust store: depth= lines carry errors; two -nameopt options accumulate
    _compare(Case("nameopt x2", ("-nameopt", "RFC2253", "-nameopt", "-dn_rev,lname")), servers)


# (record source file, index, usage, selector, mtype, extra args)
DANE_CASES = {
    "3-1-1-leaf": ("leaf", 0, 3, 1, 1, ()),
    "3-0-2-leaf": ("leaf", 0, 3, 0, 2, ()),
    "3-1-0-leaf": ("leaf", 0, 3, 1, 0, ()),
    "2-0-1-inter": ("chain", 0, 2, 0, 1, ()),
    "2-1-2-inter": ("chain", 0, 2, 1, 2, ()),
    "2-1-0-root-not-sent": ("root", 0, 2, 1, 0, ()),
    "2-0-0-root-not-sent": ("root", 0, 2, 0, 0, ()),
    "1-1-1-leaf-with-ca": ("leaf", 0, 1, 1, 1, ("-CAfile", "{root}")),
    "1-0-0-leaf-no-ca": ("leaf", 0, 1, 0, 0, ()),
    "0-0-1-root-with-ca": ("root", 0, 0, 0, 1, ("-CAfile", "{root}")),
    "0-1-1-inter-with-ca": ("chain", 0, 0, 1, 1, ("-CAfile", "{root}")),
    "mismatch-ee": ("chain", 0, 3, 1, 1, ()),
    "mismatch-ta": ("leaf", 0, 2, 0, 1, ()),
    "mismatch-verify-return-error": ("chain", 0, 3, 1, 1, ("-verify_return_error",)),
    "wrong-domain": ("leaf", 0, 3, 1, 1, ("-dane_tlsa_domain", "other.example")),
    "wrong-domain-no-namechecks": (
        "leaf",
        0,
        3,
        1,
        1,
        ("-dane_tlsa_domain", "other.example", "-dane_ee_no_namechecks"),
    ),
    "brief": ("leaf", 0, 3, 1, 1, ("-brief",)),
}


@pytest.mark.parametrize("name", sorted(DANE_CASES))
def test_dane(name: str, servers: Servers) -> None:
    src, index, u, s, m, extra = DANE_CASES[name]
    chain = servers.pki["rsa"]
    path = {"leaf": chain.leaf, "chain": chain.chain, "root": chain.root}[src]
    args = ["-dane_tlsa_domain", "localhost", "-dane_tlsa_rrdata", _tlsa(path, index, u, s, m)]
    rc = 1 if "verify-return-error" in name else 0
    _compare(Case(name, (*args, *extra), rc=rc, stdin="eof" if rc else "Q"), servers)


@pytest.mark.parametrize(
    "rrdata",
    [
        ("4 0 0 00",),
        ("3 2 0 00",),
        ("3 0 3 00",),
        ("3 1 1 0011",),
        ("3 1 0 0400",),
        ("3 0 0 3011",),
        ("x 1 1 00",),
        ("3 1 1 zz", "3 1 1 00"),
        ("3 1 1 0",),
        ("3 1 1",),
    ],
    ids=lambda r: "|".join(r),
)
def test_dane_bad_rrdata(rrdata: tuple[str, ...], servers: Servers) -> None:
    args: list[str] = ["-dane_tlsa_domain", "localhost"]
    for r in rrdata:
        args += ["-dane_tlsa_rrdata", r]
    _compare(Case("bad rrdata", tuple(args), server="none", stdin="eof", rc=1), servers)


@pytest.mark.parametrize(
    "args",
    [
        ("-dane_tlsa_domain", "x"),
        ("-dane_tlsa_rrdata", "3 1 1 00"),
        ("-dane_tlsa_domain", "", "-dane_tlsa_rrdata", "3 1 1 00"),
        ("-dane_tlsa_domain", "x", "-noservername"),
    ],
)
def test_dane_option_errors(args: tuple[str, ...], servers: Servers) -> None:
    _compare(Case("dane option error", args, server="none", stdin="eof", rc=1), servers)


def _compare(case: Case, servers: Servers) -> None:
    ref = run_case(["openssl", "s_client"], case, servers)
    assert ref.rc == case.rc, f"openssl s_client changed behaviour: exit {ref.rc}\n{ref.stderr}"
    got = run_case(sclient_cmd(), case, servers)
    assert_clean_stderr(got.stderr)
    problems = []
    if got.rc != ref.rc:
        problems.append(f"exit status: openssl {ref.rc}, sclient {got.rc}")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        mw, mh = mask(want), mask(have)
        if mw != mh:
            problems.append(_diff(name, mw, mh))
    assert not problems, "\n".join(problems)
