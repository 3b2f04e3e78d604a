"""Extended client certificates (``-xcert``/``-xkey``/``-xchain``/``-xchain_build``):
sclient and ``openssl s_client`` against ``openssl s_server -Verify 1``
(TLS 1.2 and 1.3) with an RSA and an ECDSA set, where the server's signature
algorithms make OpenSSL pick one or the other. The per-set ``Checking cert
chain`` lines, the output and the certificate the server accepted are the
same. Also the load errors and a set whose key is not its certificate's.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest

from golden.test_golden_clientauth import Files, _ossl, compare, run_client
from support.peers import HOST, OpenSSLServer, require
from support.procs import sclient_cmd

pytestmark = pytest.mark.golden


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    require("openssl")
    d = tmp_path_factory.mktemp("xcert")
    for ca, alg in (("ca", ["rsa:2048"]), ("ecca", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])):
        _ossl(
            "req", "-x509", "-newkey", *alg, "-nodes", "-keyout", f"{ca}.key", "-out",
            f"{ca}.pem", "-subj", f"/CN={ca} root", "-days", "30", cwd=d,
        )  # fmt: skip
    _ossl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.pem",
        "-subj", "/CN=localhost", "-days", "30", cwd=d,
    )  # fmt: skip
    keys = {
        "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "k1": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
        "other": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    }
    for name, alg in keys.items():
        _ossl("genpkey", *alg, "-out", f"{name}.key", cwd=d)
    # (certificate, key, issuing CA)
    for cert, key, ca in (
        ("rsa", "rsa", "ca"),
        ("p256", "p256", "ecca"),
        ("p256r", "p256", "ca"),
        ("k1", "k1", "ecca"),
    ):
        _ossl("req", "-new", "-key", f"{key}.key", "-subj", f"/CN=client-{cert}", "-out",
              f"{cert}.csr", cwd=d)  # fmt: skip
        _ossl("x509", "-req", "-in", f"{cert}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
              "-CAcreateserial", "-out", f"{cert}.pem", "-days", "30", cwd=d)  # fmt: skip
    (d / "cas.pem").write_bytes((d / "ca.pem").read_bytes() + (d / "ecca.pem").read_bytes())
    (d / "junk.txt").write_text("not a certificate\n")
    return Files(d)


@contextlib.contextmanager
def server(files: Files, *args: str) -> Iterator[OpenSSLServer]:
    """``s_server`` asking for a certificate from either CA (both CA names sent)."""
    cert = ["-cert", files.p("srv.pem"), "-key", files.p("srv.key"), "-CAfile", files.p("cas.pem")]
    with OpenSSLServer(None, list(args), quiet=False, cert_args=cert) as s:
        yield s


RSA = ["-xcert", "rsa.pem", "-xkey", "rsa.key"]
P256 = ["-xcert", "p256.pem", "-xkey", "p256.key"]
P256R = ["-xcert", "p256r.pem", "-xkey", "p256.key"]
K1 = ["-xcert", "k1.pem", "-xkey", "k1.key"]

# (id, server's -client_sigalgs or None, client sets, the subject the server sees or None)
CASES = [
    ("both-valid-ecdsa-wins", None, [*RSA, *P256], "client-p256"),
    ("rsa-only-server", "RSA-PSS+SHA256:RSA+SHA256", [*P256, *RSA], "client-rsa"),
    ("ecdsa-only-server", "ECDSA+SHA256", [*P256, *RSA], "client-p256"),
    ("ecdsa-first-by-server", "ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256", [*RSA, *P256], None),
    ("bad-curve-skipped", None, [*K1, *RSA], "client-rsa"),
    ("chain-given", None, [*RSA, "-xchain", "ca.pem"], "client-rsa"),
    ("chain-built", None, [*RSA, "-xchain_build", "-chainCAfile", "ca.pem"], "client-rsa"),
]


def _paths(files: Files, args: list[str]) -> list[str]:
    return [a if a.startswith("-") else files.p(a) for a in args]


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_extended_certificate_choice(
    files: Files, case: tuple[str, str | None, list[str], str | None], version: str
) -> None:
    _id, sigalgs, sets, subject = case
    extra = ["-client_sigalgs", sigalgs] if sigalgs else []
    with server(files, "-Verify", "1", *extra) as srv:
        base = ["-connect", f"{HOST}:{srv.port}", version, *_paths(files, sets)]
        ref = run_client(["openssl", "s_client"], base)
        assert srv.proc is not None
        mark = len(srv.stdout)
        got = run_client(sclient_cmd(), base)
        if subject is not None:
            want = b"subject=CN = " + subject.encode()
            deadline = time.monotonic() + 5
            while want not in srv.stdout[mark:] and time.monotonic() < deadline:
                time.sleep(0.05)
            assert want in srv.stdout[mark:], srv.stdout[mark:].decode()
    assert "Checking cert chain 1:" in str(got.stderr)
    compare(ref, got)


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize(
    "sets",
    [
        ["-xcert", "rsa.pem", "-xkey", "other.key"],  # same type, other key: callback fails
        ["-xcert", "rsa.pem", "-xkey", "p256.key"],  # other type: nothing usable is sent
        [*P256R, *RSA, "-cert", "rsa.pem", "-key", "rsa.key"],  # -xcert clears -cert
    ],
    ids=["key-mismatch", "key-other-type", "cert-cleared"],
)
def test_extended_certificate_failures(files: Files, sets: list[str], version: str) -> None:
    with server(files, "-Verify", "1", "-client_sigalgs", "ECDSA+SHA256:RSA-PSS+SHA256") as srv:
        base = ["-connect", f"{HOST}:{srv.port}", version, *_paths(files, sets)]
        compare(run_client(["openssl", "s_client"], base), run_client(sclient_cmd(), base))


ERRORS = [
    ("cert-missing", ["-xcert", "nosuch.pem"]),
    ("cert-not-a-cert", ["-xcert", "junk.txt", "-xkey", "rsa.key"]),
    ("key-missing", ["-xcert", "rsa.pem", "-xkey", "nosuch.key"]),
    ("key-not-a-key", ["-xcert", "rsa.pem", "-xkey", "junk.txt"]),
    ("key-from-cert-file", ["-xcert", "rsa.pem"]),
    ("chain-missing", ["-xcert", "rsa.pem", "-xkey", "rsa.key", "-xchain", "nosuch"]),
    ("chain-not-certs", ["-xcert", "rsa.pem", "-xkey", "rsa.key", "-xchain", "junk.txt"]),
    ("newest-loaded-first", ["-xcert", "nosuch1", "-xcert", "nosuch2"]),
    ("key-twice", ["-xcert", "rsa.pem", "-xkey", "rsa.key", "-xkey", "rsa.key"]),
    ("chain-twice", ["-xcert", "rsa.pem", "-xchain", "ca.pem", "-xchain", "ca.pem"]),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c[0])
def test_extended_load_errors(files: Files, case: tuple[str, list[str]]) -> None:
    _id, args = case
    cmd = ["-connect", f"{HOST}:1", *_paths(files, args)]
    ref = run_client(["openssl", "s_client"], cmd, stdin=b"")
    got = run_client(sclient_cmd(), cmd, stdin=b"")
    assert ref.rc == 1
    compare(ref, got)


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize(
    "sets",
    [[*RSA, *P256], [*RSA, "-xchain", "ca.pem"], [*K1, *RSA]],
    ids=["rsa-and-ecdsa", "chain-given", "bad-curve"],
)
def test_extended_certificates_strict(files: Files, sets: list[str], version: str) -> None:
    """``-strict``: a set is valid only if every check passes (the CA
    signatures, the certificate type, the issuer name too); in TLS 1.3 a
    request has no certificate types, so no RSA or ECDSA set is."""
    with server(files, "-Verify", "1") as srv:
        base = ["-connect", f"{HOST}:{srv.port}", version, "-strict", *_paths(files, sets)]
        ref = run_client(["openssl", "s_client"], base)
        got = run_client(sclient_cmd(), base)
    assert "Checking cert chain 1:" in str(got.stderr)
    compare(ref, got)
