"""Client certificates: sclient and ``openssl s_client`` against ``openssl
s_server -Verify 1`` / ``-verify 1`` (TLS 1.2 and 1.3, every key type and
form), the server's own output showing it verified the certificate, and the
two clients' outputs equal after masking. Also the load errors (wrong
password, wrong key, unreadable file, unsupported key type) and
post-handshake authentication (``-enable_pha``, the server's ``c`` command).

The server has an RSA key: its signatures have a fixed size, so the
"SSL handshake has read N bytes" counts compare exactly.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from golden.test_golden import mask
from support.peers import HOST, OpenSSLServer, require
from support.procs import CLIENT_TIMEOUT, Proc, Result, _env, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden

KINDS: dict[str, list[str]] = {
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "rsapss": ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"],
    "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    "p521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    "ed25519": ["-algorithm", "ED25519"],
    "ed448": ["-algorithm", "ED448"],
}


def _ossl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, env=_env())


def _ossl_encrypted(*args: str, out: str, cwd: Path, inform: str = "PEM") -> None:
    """``_ossl`` making the encrypted key ``out``, made again until a wrong
    password gives OpenSSL's usual ``bad decrypt``: about one time in 256 the
    wrong key leaves valid padding and OpenSSL fails later, decoding the
    garbage (a deviation listed in docs/compatibility.md), which would make
    the wrong-password cases compare a coin toss."""
    for _ in range(20):
        _ossl(*args, cwd=cwd)
        probe = ["openssl", "pkey", "-inform", inform, "-in", out, "-passin", "pass:nope"]
        result = subprocess.run([*probe, "-noout"], cwd=cwd, capture_output=True, env=_env())
        if b"bad decrypt" in result.stderr:
            return
    raise AssertionError(f"{out}: a wrong password never gave bad decrypt")


@dataclass
class Files:
    dir: Path

    def p(self, name: str) -> str:
        return str(self.dir / name)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    require("openssl")
    d = tmp_path_factory.mktemp("clientauth")
    _ossl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=Client CA",
        "-days",
        "30",
        cwd=d,
    )
    _ossl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "srv.key",
        "-out",
        "srv.pem",
        "-subj",
        "/CN=localhost",
        "-days",
        "30",
        cwd=d,
    )
    for kind, alg in KINDS.items():
        _ossl("genpkey", *alg, "-out", f"{kind}.key", cwd=d)
        _ossl(
            "req",
            "-new",
            "-key",
            f"{kind}.key",
            "-subj",
            f"/CN=client-{kind}",
            "-out",
            f"{kind}.csr",
            cwd=d,
        )
        _ossl(
            "x509",
            "-req",
            "-in",
            f"{kind}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            f"{kind}.pem",
            "-days",
            "30",
            cwd=d,
        )
    # Other forms of the RSA and P-256 keys.
    _ossl_encrypted(
        "pkey", "-in", "rsa.key", "-aes256", "-passout", "pass:secret", "-out", "rsa-enc.key",
        out="rsa-enc.key", cwd=d,
    )  # fmt: skip
    _ossl("rsa", "-in", "rsa.key", "-traditional", "-out", "rsa-trad.key", cwd=d)
    _ossl_encrypted(
        "rsa",
        "-in",
        "rsa.key",
        "-traditional",
        "-aes256",
        "-passout",
        "pass:secret",
        "-out",
        "rsa-trad-enc.key",
        out="rsa-trad-enc.key",
        cwd=d,
    )
    _ossl("pkey", "-in", "rsa.key", "-outform", "DER", "-out", "rsa-key.der", cwd=d)
    _ossl("x509", "-in", "rsa.pem", "-outform", "DER", "-out", "rsa-cert.der", cwd=d)
    _ossl_encrypted(
        "pkcs8",
        "-topk8",
        "-in",
        "p256.key",
        "-outform",
        "DER",
        "-v2",
        "aes256",
        "-passout",
        "pass:secret",
        "-out",
        "p256-enc.der",
        out="p256-enc.der",
        inform="DER",
        cwd=d,
    )
    _ossl("ec", "-in", "p256.key", "-out", "p256-trad.key", cwd=d)
    (d / "p256-both.pem").write_bytes((d / "p256.key").read_bytes() + (d / "p256.pem").read_bytes())
    _ossl(
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "other.key",
        cwd=d,
    )
    _ossl("genpkey", "-algorithm", "X25519", "-out", "x25519.key", cwd=d)
    (d / "junk.txt").write_text("not a key\n")
    return Files(d)


@contextlib.contextmanager
def server(files: Files, *args: str) -> Iterator[OpenSSLServer]:
    cert = ["-cert", files.p("srv.pem"), "-key", files.p("srv.key"), "-CAfile", files.p("ca.pem")]
    s = OpenSSLServer(None, list(args), quiet=False, cert_args=cert)
    with s:
        yield s


_SUMMARY_END = (b"Verify return code: ", b"Extended master secret: ")


def run_client(prefix: list[str], args: list[str], stdin: bytes | None = None) -> Result:
    """Run a client; ``Q`` once the summary is out (or EOF at once for ``stdin=b""``)."""
    with Proc([*prefix, *args], env=_env()) as proc:
        if stdin is not None:
            with contextlib.suppress(BrokenPipeError, ValueError):
                proc.write(stdin)
            proc.close_stdin()
        else:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and proc.running():
                if all(m in proc.out.data for m in (b"---\n",)) and any(
                    m in proc.out.data for m in _SUMMARY_END
                ):
                    break
                time.sleep(0.02)
            time.sleep(0.4)
            with contextlib.suppress(BrokenPipeError, ValueError):
                proc.write(b"Q\n")
        return proc.finish(CLIENT_TIMEOUT)


def compare(ref: Result, got: Result) -> None:
    assert_clean_stderr(got.stderr)
    problems = []
    if ref.rc != got.rc:
        problems.append(f"exit status: openssl {ref.rc}, sclient {got.rc}")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        if mask(want) != mask(have):
            import difflib

            problems.append(
                "".join(
                    difflib.unified_diff(
                        mask(want).splitlines(True), mask(have).splitlines(True), name, name
                    )
                )
            )
    assert not problems, "\n".join(problems)


# (id, cert, key, extra args)
FORMS = [
    *[(k, f"{k}.pem", f"{k}.key", ()) for k in KINDS],
    ("rsa-encrypted-pkcs8", "rsa.pem", "rsa-enc.key", ("-pass", "pass:secret")),
    ("rsa-traditional", "rsa.pem", "rsa-trad.key", ()),
    ("rsa-traditional-encrypted", "rsa.pem", "rsa-trad-enc.key", ("-pass", "pass:secret")),
    ("rsa-der", "rsa-cert.der", "rsa-key.der", ("-certform", "DER", "-keyform", "DER")),
    ("p256-der-encrypted", "p256.pem", "p256-enc.der", ("-pass", "pass:secret")),
    ("p256-traditional", "p256.pem", "p256-trad.key", ()),
    ("p256-key-in-cert-file", "p256-both.pem", None, ()),
]


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize("form", FORMS, ids=lambda f: f[0])
def test_server_accepts_client_certificate(
    files: Files, form: tuple[str, str, str | None, tuple[str, ...]], version: str
) -> None:
    _id, cert, key, extra = form
    args = ["-cert", files.p(cert)]
    if key is not None:
        args += ["-key", files.p(key)]
    args += [*extra, version]
    with server(files, "-Verify", "1") as srv:
        base = ["-connect", f"{HOST}:{srv.port}"]
        ref = run_client(["openssl", "s_client"], base + args)
        assert srv.proc is not None
        mark, mark_err = len(srv.stdout), len(srv.proc.err.data)
        got = run_client(sclient_cmd(), base + args)
        subject = b"client-" + cert.split(".")[0].split("-")[0].encode()
        assert srv.proc.out.wait_for(b"subject=CN = " + subject, 5, start=mark), (
            # (once in thousands of runs s_server has printed only "DONE" here:
            # everything it said, and both clients' output, for the next time)
            f"server stdout:\n{srv.stdout.decode()}\nserver stderr:\n"
            f"{srv.proc.err.data.decode()}\nopenssl: {ref}\nsclient: {got}"
        )
        tail = srv.proc.err.data[mark_err:]
        assert b"depth=0 CN = " + subject + b"\nverify return:1" in tail, tail.decode()
    compare(ref, got)


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_verify_1_without_certificate_and_with(files: Files, version: str) -> None:
    """``-verify 1`` asks but does not insist: both clients print the request lines."""
    with server(files, "-verify", "1") as srv:
        base = ["-connect", f"{HOST}:{srv.port}", version]
        compare(run_client(["openssl", "s_client"], base), run_client(sclient_cmd(), base))
        args = [*base, "-cert", files.p("p384.pem"), "-key", files.p("p384.key")]
        compare(run_client(["openssl", "s_client"], args), run_client(sclient_cmd(), args))


@pytest.mark.parametrize(
    "args",
    [
        ("-client_sigalgs", "ECDSA+SHA384", "-tls1_2"),
        ("-client_sigalgs", "ECDSA+SHA384:ECDSA+SHA256", "-tls1_3"),
        ("-client_sigalgs", "ECDSA+SHA384", "-tls1_3"),  # nothing fits: empty Certificate
        ("-sigalgs", "ECDSA+SHA256:RSA-PSS+SHA256"),
    ],
    ids=lambda a: "_".join(a).replace("-", "").replace(":", "_").replace("+", ""),
)
def test_signature_scheme_choice(files: Files, args: tuple[str, ...]) -> None:
    with server(files, "-verify", "1") as srv:
        cmd = [
            "-connect",
            f"{HOST}:{srv.port}",
            "-cert",
            files.p("p256.pem"),
            "-key",
            files.p("p256.key"),
            *args,
        ]
        compare(run_client(["openssl", "s_client"], cmd), run_client(sclient_cmd(), cmd))


def test_request_ca_file(files: Files) -> None:
    """``-requestCAfile``: the server sees our certificate_authorities (no
    effect on output; both clients connect the same way)."""
    with server(files, "-Verify", "1") as srv:
        cmd = [
            "-connect",
            f"{HOST}:{srv.port}",
            "-cert",
            files.p("rsa.pem"),
            "-key",
            files.p("rsa.key"),
            "-requestCAfile",
            files.p("ca.pem"),
        ]
        compare(run_client(["openssl", "s_client"], cmd), run_client(sclient_cmd(), cmd))


def _ca_extension(trace: str) -> str | None:
    """The ClientHello's certificate_authorities line of a -trace output."""
    found = re.search(r"extension_type=certificate_authorities\(47\), length=\d+", trace)
    return found.group(0) if found else None


@pytest.mark.parametrize("content", ["none", "broken-second"])
def test_request_ca_file_read_as_openssl_reads_it(files: Files, content: str) -> None:
    """SSL_add_file_cert_subjects_to_stack: a file with no certificate is no
    error (no extension is sent), and a certificate that does not decode ends
    the list (the names before it are sent)."""
    path = Path(files.p(f"request-{content}.pem"))
    ca = Path(files.p("ca.pem")).read_text()
    broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    path.write_text("no certificate here\n" if content == "none" else ca + broken + ca)
    with server(files) as srv:
        cmd = ["-connect", f"{HOST}:{srv.port}", "-requestCAfile", str(path)]
        ref = run_client(["openssl", "s_client"], cmd)  # Q once the session is out
        got = run_client(sclient_cmd(), cmd)
        compare(ref, got)
        ref = run_client(["openssl", "s_client"], [*cmd, "-trace"], stdin=b"")
        got = run_client(sclient_cmd(), [*cmd, "-trace"], stdin=b"")
    assert ref.rc == got.rc == 0
    assert _ca_extension(got.stdout) == _ca_extension(ref.stdout)
    assert (_ca_extension(got.stdout) is None) == (content == "none")


# --- load errors -------------------------------------------------------------------------

ERRORS = [
    ("wrong-password-pkcs8", ["-cert", "rsa.pem", "-key", "rsa-enc.key", "-pass", "pass:nope"]),
    (
        "wrong-password-traditional",
        ["-cert", "rsa.pem", "-key", "rsa-trad-enc.key", "-pass", "pass:nope"],
    ),
    ("wrong-password-der", ["-cert", "p256.pem", "-key", "p256-enc.der", "-pass", "pass:nope"]),
    ("no-password-eof", ["-cert", "rsa.pem", "-key", "rsa-enc.key"]),
    ("key-other-type", ["-cert", "rsa.pem", "-key", "p256.key"]),
    ("key-other-rsa", ["-cert", "rsa.pem", "-key", "other.key"]),
    ("key-unsupported-x25519", ["-cert", "rsa.pem", "-key", "x25519.key"]),
    ("key-missing", ["-cert", "rsa.pem", "-key", "nosuch.key"]),
    ("cert-missing", ["-cert", "nosuch.pem", "-key", "rsa.key"]),
    ("cert-without-key", ["-cert", "rsa.pem"]),
    ("cert-not-a-cert", ["-cert", "junk.txt", "-key", "rsa.key"]),
    ("cert-is-a-key", ["-cert", "rsa.key", "-key", "rsa.key"]),
    ("key-not-a-key", ["-cert", "rsa.pem", "-key", "junk.txt"]),
    ("pass-bad-source", ["-cert", "rsa.pem", "-key", "rsa.key", "-pass", "foo:bar"]),
    ("pass-env-missing", ["-cert", "rsa.pem", "-key", "rsa.key", "-pass", "env:SCLIENT_NOPE_X"]),
    ("pass-file-missing", ["-cert", "rsa.pem", "-key", "rsa.key", "-pass", "file:/nonexistent"]),
    ("cert-chain-missing", ["-cert", "rsa.pem", "-key", "rsa.key", "-cert_chain", "nosuch"]),
    ("request-ca-missing", ["-cert", "rsa.pem", "-key", "rsa.key", "-requestCAfile", "nosuch"]),
    ("chain-cafile-missing", ["-cert", "rsa.pem", "-key", "rsa.key", "-chainCAfile", "nosuch"]),
    (
        "build-chain-fails",
        ["-cert", "rsa.pem", "-key", "rsa.key", "-build_chain", "-chainCAfile", "p256.pem"],
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c[0])
def test_load_errors(files: Files, case: tuple[str, list[str]]) -> None:
    _id, args = case
    paths = [a if a.startswith("-") or ":" in a else files.p(a) for a in args]
    cmd = ["-connect", f"{HOST}:1", *paths]
    ref = run_client(["openssl", "s_client"], cmd, stdin=b"")
    got = run_client(sclient_cmd(), cmd, stdin=b"")
    assert ref.rc == 1
    compare(ref, got)


# --- post-handshake authentication ---------------------------------------------------------


def test_post_handshake_auth(files: Files) -> None:
    with server(files, "-verify", "1", "-tls1_3") as srv:
        cmd = [
            *sclient_cmd(),
            "-connect",
            f"{HOST}:{srv.port}",
            "-enable_pha",
            "-cert",
            files.p("ed25519.pem"),
            "-key",
            files.p("ed25519.key"),
        ]
        with Proc(cmd, env=_env()) as client:
            assert client.out.wait_for(b"Verify return code:", 10)
            assert srv.proc is not None
            assert srv.proc.out.wait_for(b"CIPHER is", 10)
            mark = len(srv.proc.err.data)
            srv.write(b"c\n")
            assert srv.proc.out.wait_for(b"SSL_do_handshake -> 1", 10), srv.stdout.decode()
            time.sleep(0.2)
            tail = srv.proc.err.data[mark:]
            assert b"depth=0 CN = client-ed25519\nverify return:1" in tail, tail.decode()
            client.write(b"hello\n")
            assert srv.proc.out.wait_for(b"hello", 10)
            client.write(b"Q\n")
            result = client.finish(CLIENT_TIMEOUT)
        assert result.rc == 0, result.stderr
        assert_clean_stderr(result.stderr)


_HANDSHAKE_BYTES = re.compile(r"SSL handshake has read \d+ bytes and written \d+ bytes")


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize("kind", ["rsa", "ed25519"])
def test_written_bytes_with_a_client_certificate(files: Files, kind: str, version: str) -> None:
    """The client flight as OpenSSL writes it: each handshake message in a record
    of its own, so the written count is the same to the byte (RSA and Ed25519
    signatures have fixed sizes; no -CAfile, so OpenSSL's automatic chain is the
    certificate alone)."""
    args = ["-cert", files.p(f"{kind}.pem"), "-key", files.p(f"{kind}.key"), version]
    with server(files, "-Verify", "1") as srv:
        base = ["-connect", f"{HOST}:{srv.port}"]
        ref = run_client(["openssl", "s_client"], base + args)
        got = run_client(sclient_cmd(), base + args)
    want = _HANDSHAKE_BYTES.search(ref.stdout)
    have = _HANDSHAKE_BYTES.search(got.stdout)
    assert want is not None and have is not None, got.stdout
    assert have.group(0) == want.group(0)


# --- the client certificate's chain ---------------------------------------------------------


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """root -> intermediate -> client leaf; the server trusts the root alone."""
    require("openssl")
    d = tmp_path_factory.mktemp("clientchain")
    ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
    (d / "ca.cnf").write_text(ca_ext)
    rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]  # signatures of one size
    _ossl("genpkey", *rsa, "-out", "root.key", cwd=d)
    _ossl(
        "req", "-x509", "-new", "-key", "root.key", "-subj", "/CN=Chain Root", "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "root.pem", cwd=d,
    )  # fmt: skip
    for name, issuer, ext in (("int", "root", "ca.cnf"), ("leaf", "int", None)):
        _ossl("genpkey", *rsa, "-out", f"{name}.key", cwd=d)
        _ossl("req", "-new", "-key", f"{name}.key", "-subj", f"/CN=Chain {name}",
              "-out", f"{name}.csr", cwd=d)  # fmt: skip
        _ossl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", f"{issuer}.pem", "-CAkey",
            f"{issuer}.key", "-set_serial", "7", "-days", "30", "-out", f"{name}.pem",
            *(["-extfile", ext] if ext else []), cwd=d,
        )  # fmt: skip
    (d / "int-root.pem").write_bytes((d / "int.pem").read_bytes() + (d / "root.pem").read_bytes())
    (d / "leaf-int.pem").write_bytes((d / "leaf.pem").read_bytes() + (d / "int.pem").read_bytes())
    return Files(d)


CHAIN_CASES = [
    # the chain store: OpenSSL's automatic chain (ssl_add_cert_chain) sends leaf, int, root
    ("chainCAfile", ["-chainCAfile", "int-root.pem"]),
    ("chainCApath-like-file-in-CAfile", ["-CAfile", "int-root.pem"]),
    ("chainCAfile-build", ["-chainCAfile", "int-root.pem", "-build_chain"]),
    ("chainCAfile-no-root-build", ["-chainCAfile", "int.pem", "-build_chain"]),
    ("cert_chain", ["-cert_chain", "int.pem"]),
    ("cert_chain-build-without-root", ["-cert_chain", "int.pem", "-build_chain"]),
    ("cert_chain-build-with-root", ["-cert_chain", "int-root.pem", "-build_chain"]),
    ("no-chain", []),
]


@pytest.mark.parametrize("case", CHAIN_CASES, ids=lambda c: c[0])
@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_client_chain_as_openssl_builds_it(
    chained: Files, case: tuple[str, list[str]], version: str
) -> None:
    """-chainCAfile/-CAfile (automatic chain), -build_chain (from the chain store,
    or from the -cert_chain file alone) and -cert_chain: the same chain reaches
    the server (which trusts the root only) and the same outcome, or the same
    error, as with openssl."""
    _id, extra = case
    args = ["-cert", chained.p("leaf.pem"), "-key", chained.p("leaf.key"), version]
    args += [a if a.startswith("-") else chained.p(a) for a in extra]
    cert = ["-cert", chained.p("leaf.pem"), "-key", chained.p("leaf.key")]
    srv_args = ["-Verify", "3", "-verify_return_error", "-CAfile", chained.p("root.pem")]
    outcomes = []
    for prefix in (["openssl", "s_client"], sclient_cmd()):
        with OpenSSLServer(None, srv_args, quiet=False, cert_args=cert) as srv:
            res = run_client(prefix, ["-connect", f"{HOST}:{srv.port}", *args])
            assert srv.proc is not None
            time.sleep(0.2)
            accepted = b"CN = Chain leaf" in srv.proc.out.data or b"Chain leaf" in srv.stdout
            outcomes.append((res, accepted, srv.proc.err.data.decode(errors="replace")))
    (ref, ref_ok, _), (got, got_ok, srv_err) = outcomes
    assert got_ok == ref_ok, srv_err
    compare(ref, got)
    # Every key is RSA: the byte counts, the chain sent included, are the same too.
    want = _HANDSHAKE_BYTES.search(ref.stdout)
    have = _HANDSHAKE_BYTES.search(got.stdout)
    assert (have and have.group(0)) == (want and want.group(0))
