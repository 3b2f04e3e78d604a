"""CRL checks without the openssl binary: every CRL error s_client users can meet,
with the exact callback lines, and ``-CRL`` load failures."""

from __future__ import annotations

from pathlib import Path

import crl_cases as cc
import pytest
from crl_cases import NOW

from sclient.base.pem import read_blocks
from sclient.x509.callback import render
from sclient.x509.crl import Crl
from sclient.x509.store import TrustStore
from sclient.x509.verify import VerifyParams, verify_chain
from support import procs

LEAF = (
    'C = US, ST = California, L = San Francisco, O = "Example, Inc.", OU = Web, '
    "CN = server.example.com, emailAddress = admin@example.com"
)
DEPTH = {
    0: LEAF,
    1: "C = US, O = Test Org, CN = Test Intermediate CA",
    2: "C = US, O = Test Org, CN = Test Root CA",
}
STRINGS = {
    3: "unable to get certificate CRL",
    8: "CRL signature failure",
    11: "CRL is not yet valid",
    12: "CRL has expired",
    15: "format error in CRL's lastUpdate field",
    16: "format error in CRL's nextUpdate field",
    23: "certificate revoked",
    35: "key usage does not include CRL signing",
    36: "unhandled critical CRL extension",
    44: "different CRL scope",
}


def _run(name: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    case = cc.CASES[name]
    b = case.build()
    args = cc.write(b, tmp_path)
    store = (
        TrustStore.load(cafile=args[1]) if args[0] == "-CAfile" else TrustStore.load(capath=args[1])
    )
    if b.crl_file is not None:
        store.add_crl(Crl(b.crl_file if b.der else read_blocks(b.crl_file)[0].data))
    a = set(case.args)
    params = VerifyParams(
        auth_level=2,
        crl_check="-crl_check" in a,
        crl_check_all="-crl_check_all" in a,
        use_deltas="-use_deltas" in a,
    )
    res = verify_chain([b.p.leaf.der, b.p.inter.der], store, now=NOW, params=params)
    return case, res


@pytest.mark.parametrize("name", list(cc.CASES))
def test_crl_case_errors(name: str, tmp_path: Path) -> None:
    case, res = _run(name, tmp_path)
    assert [(c.depth, c.error) for c in res.calls if not c.ok] == case.expect
    assert res.error == case.final


def _expected_text(errs: list[tuple[int, int]]) -> str:
    out = [
        f"depth={d} {DEPTH[d]}\nverify error:num={e}:{STRINGS[e]}\nverify return:1\n"
        for d, e in errs
    ]
    out += [f"depth={d} {DEPTH[d]}\nverify return:1\n" for d in (2, 1, 0)]
    return "".join(out)


@pytest.mark.parametrize(
    ("name", "err"),
    [
        ("no-crl", 3),
        ("crl-bad-signature", 8),
        ("crl-not-yet-valid", 11),
        ("crl-expired", 12),
        ("crl-bad-last-update", 15),
        ("crl-bad-next-update", 16),
        ("leaf-revoked", 23),
        ("issuer-without-crlsign", 35),
        ("critical-crl-extension", 36),
        ("different-scope", 44),
    ],
)
def test_each_crl_error_exact_lines(name: str, err: int, tmp_path: Path) -> None:
    case, res = _run(name, tmp_path)
    assert err in [e for _, e in case.expect]
    assert render(res).text == _expected_text(case.expect)


def test_revoked_intermediate_reported_at_depth_1(tmp_path: Path) -> None:
    _, res = _run("inter-revoked-all", tmp_path)
    assert render(res).text == _expected_text([(1, 23)])


def test_bad_crl_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"hello\n")
    r = procs.run_sclient(["-CRL", str(bad), "-connect", "127.0.0.1:1"])
    assert r.rc == 1
    assert r.stderr == f"Could not read CRL from {bad}\nUnable to load CRL\n"
    missing = tmp_path / "missing.pem"
    r = procs.run_sclient(["-CRL", str(missing), "-connect", "127.0.0.1:1"])
    assert r.rc == 1
    lines = r.stderr.splitlines()
    assert lines[0] == f"Could not open file or uri for loading CRL from {missing}"
    assert lines[1].endswith(
        ":error:16000069:STORE routines:ossl_store_get0_loader_int:unregistered scheme:"
        "../crypto/store/store_register.c:237:scheme=file"
    )
    assert lines[2].endswith(
        ":error:80000002:system library:file_open:No such file or directory:"
        f"../providers/implementations/storemgmt/file_store.c:266:calling stat({missing})"
    )
    assert lines[3:] == ["Unable to load CRL"]


def test_crlform_bad_value() -> None:
    r = procs.run_sclient(["-CRLform", "XYZ", "-connect", "127.0.0.1:1"])
    assert r.rc == 1
    assert r.stderr.startswith(
        's_client: Bad format "XYZ"\ns_client: Invalid format "XYZ" for option -CRLform\n'
    )


def test_undecodable_crl_in_cafile_fails_the_file(tmp_path: Path) -> None:
    """X509_load_cert_crl_file_ex decodes every block: a CRL that does not decode
    makes the whole -CAfile fail, before any connection, as openssl does."""
    import re
    import shutil

    from support.procs import run_openssl_s_client, run_sclient

    p = cc.std()
    bad = tmp_path / "ca.pem"
    bad.write_bytes(p.root.pem + b"-----BEGIN X509 CRL-----\nMIIBAAAA\n-----END X509 CRL-----\n")
    args = ["-connect", "127.0.0.1:1", "-CAfile", str(bad)]
    ours = run_sclient(args)
    tail = [
        ":error:0688010A:asn1 encoding routines:asn1_item_embed_d2i:nested asn1 error:"
        "../crypto/asn1/tasn_dec.c:375:Type=X509_CRL",
        ":error:0488000D:PEM routines:PEM_X509_INFO_read_bio_ex:ASN1 lib:"
        "../crypto/pem/pem_info.c:170:",
        ":error:05880009:x509 certificate routines:X509_load_cert_crl_file_ex:PEM lib:"
        "../crypto/x509/by_file.c:235:",
    ]
    strip = re.compile(r"^[0-9A-F]+(?=:error:)", re.M)
    assert ours.rc == 1 and "CONNECTED" not in ours.stdout
    assert strip.sub("", ours.stderr).splitlines()[-3:] == tail
    if shutil.which("openssl"):
        ref = run_openssl_s_client(args)
        assert ref.rc == 1 and "CONNECTED" not in ref.stdout
        assert strip.sub("", ref.stderr).splitlines()[-3:] == tail
