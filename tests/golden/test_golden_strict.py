"""``-strict``: sclient and ``openssl s_client`` against ``openssl s_server
-Verify 1`` with and without ``-strict``, outputs, exit status and the
server's verdict compared.

With ``-strict`` the chosen client certificate is sent only if its chain fits
the CertificateRequest: the leaf's signature (TLS 1.2) and each chain
certificate's among the shared signature schemes, an EC key on one of our
groups, the key's certificate type in the request (TLS 1.3 requests carry
none, so an RSA or EC key is never sent there, an EdDSA key is), the issuer
among the request's CA names. Otherwise an empty Certificate goes out and the
server (``-Verify``) ends the handshake.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest

from golden.test_golden_clientauth import Files, _ossl, compare, run_client
from support.peers import HOST, OpenSSLServer, require
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.golden


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    require("openssl")
    d = tmp_path_factory.mktemp("strict")
    ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
    (d / "ca.cnf").write_text(ca_ext)
    for name, cn in (("ca", "Client CA"), ("other", "Other CA"), ("srv", "localhost")):
        _ossl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.pem", "-subj", f"/CN={cn}", "-days", "30", cwd=d,
        )  # fmt: skip
    keys = {
        "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "int": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "ed25519": ["-algorithm", "ED25519"],
        "ed25519i": ["-algorithm", "ED25519"],
    }
    # (name, issuer, extensions): ed25519i hangs below an intermediate.
    for name, issuer, ext in (
        ("rsa", "ca", None),
        ("int", "ca", "ca.cnf"),
        ("p256", "ca", None),
        ("p384", "ca", None),
        ("ed25519", "ca", None),
        ("ed25519i", "int", None),
    ):
        _ossl("genpkey", *keys[name], "-out", f"{name}.key", cwd=d)
        _ossl("req", "-new", "-key", f"{name}.key", "-subj", f"/CN=client-{name}",
              "-out", f"{name}.csr", cwd=d)  # fmt: skip
        _ossl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{issuer}.pem", "-CAkey",
              f"{issuer}.key", "-CAcreateserial", "-out", f"{name}.pem", "-days", "30",
              *(["-extfile", ext] if ext else []), cwd=d)  # fmt: skip
    return Files(d)


@contextlib.contextmanager
def server(files: Files, ca: str, *args: str) -> Iterator[OpenSSLServer]:
    """``s_server -Verify 1`` sending ``ca``'s name (and trusting it)."""
    cert = ["-cert", files.p("srv.pem"), "-key", files.p("srv.key"), "-CAfile", files.p(ca)]
    with OpenSSLServer(None, ["-Verify", "1", *args], quiet=False, cert_args=cert) as s:
        yield s


def _both(
    files: Files, ca: str, srv_args: list[str], args: list[str]
) -> tuple[Result, Result, bool]:
    """Both clients against fresh servers; whether the server took sclient's certificate."""
    results = []
    took = []
    for prefix in (["openssl", "s_client"], sclient_cmd()):
        with server(files, ca, *srv_args) as srv:
            results.append(run_client(prefix, ["-connect", f"{HOST}:{srv.port}", *args]))
            assert srv.proc is not None
            time.sleep(0.2)
            took.append(b"subject=CN = client-" in srv.stdout)
    assert took[0] == took[1], "the server accepted a certificate from one client only"
    return results[0], results[1], took[1]


def _cert(files: Files, name: str, *chain: str) -> list[str]:
    args = ["-cert", files.p(f"{name}.pem"), "-key", files.p(f"{name}.key")]
    for c in chain:
        args += ["-cert_chain", files.p(c)]
    return args


# (id, version, server's CA file, server args, client certificate, extra client args,
#  certificate sent without -strict, with -strict)
CASES = [
    ("tls13-rsa-no-certificate-type", "-tls1_3", "ca.pem", [], ("rsa",), [], True, False),
    ("tls13-ecdsa-no-certificate-type", "-tls1_3", "ca.pem", [], ("p256",), [], True, False),
    ("tls13-ed25519-fits", "-tls1_3", "ca.pem", [], ("ed25519",), [], True, True),
    # TLS 1.3 checks the leaf's own signature only through signature_algorithms_cert
    (
        "tls13-leaf-signature-not-checked",
        "-tls1_3",
        "ca.pem",
        ["-client_sigalgs", "ed25519"],
        ("ed25519",),
        [],
        True,
        True,
    ),
    # ... but a chain certificate's signature (RSA+SHA256) must be one the server allows
    (
        "tls13-chain-signature-refused",
        "-tls1_3",
        "ca.pem",
        ["-client_sigalgs", "ed25519"],
        ("ed25519i", "int.pem"),
        [],
        True,
        False,
    ),
    (
        "tls13-chain-signature-allowed",
        "-tls1_3",
        "ca.pem",
        [],
        ("ed25519i", "int.pem"),
        [],
        True,
        True,
    ),
    ("tls12-rsa-fits", "-tls1_2", "ca.pem", [], ("rsa",), [], True, True),
    ("tls12-ca-name-mismatch", "-tls1_2", "other.pem", [], ("rsa",), [], True, False),
    (
        "tls12-leaf-signature-refused",
        "-tls1_2",
        "ca.pem",
        ["-client_sigalgs", "ECDSA+SHA256"],
        ("p256",),
        [],
        True,
        False,
    ),
    # the key's curve not among our groups (the server, without -strict, refuses
    # the certificate itself: wrong curve)
    (
        "tls12-curve-not-ours",
        "-tls1_2",
        "ca.pem",
        [],
        ("p384",),
        ["-groups", "X25519:P-256"],
        False,
        False,
    ),
    ("tls12-chain-fits", "-tls1_2", "ca.pem", [], ("ed25519i", "int.pem"), [], True, True),
]


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_strict_client_certificate(
    files: Files,
    case: tuple[str, str, str, list[str], tuple[str, ...], list[str], bool, bool],
    strict: bool,
) -> None:
    _id, version, ca, srv_args, cert, extra, sent, sent_strict = case
    args = [version, *_cert(files, *cert), *extra, *(["-strict"] if strict else [])]
    ref, got, took = _both(files, ca, srv_args, args)
    compare(ref, got)
    assert took == (sent_strict if strict else sent)
    if strict and not sent_strict:
        alert = "certificate required" if version == "-tls1_3" else "handshake failure"
        assert got.rc == 1 and alert in got.stderr, got.stderr
