"""TLS 1.0 and 1.1 against ``gnutls-serv --echo`` with those versions, SHA-1
and the CBC suites enabled: each suite family on the certificate it needs
(RSA, ECDSA, DSA), data both ways, the negotiated values read from the
summary; and client certificates of each kind, which GnuTLS verifies
(checking our MD5+SHA-1 or SHA-1 CertificateVerify)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_legacy import make_keys
from support.exchange import exchange
from support.peers import client_line, free_port, loopback_bind_shim, require, wait_listening
from support.procs import Proc, assert_clean_stderr
from support.summary import parse_text

pytestmark = pytest.mark.interop

PRIORITY = (
    "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+SHA1:+RSA:+DHE-RSA:+DHE-DSS:+AES-128-CBC:+AES-256-CBC"
    ":+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+SIGN-ALL:%VERIFY_ALLOW_SIGN_WITH_SHA1"
)


class EchoServer:
    """``gnutls-serv --echo`` with the three certificates."""

    def __init__(self, d: Path, *extra: str) -> None:
        self.binary = require("gnutls-serv")
        self.dir = d
        self.extra = extra
        self.port = free_port()
        self.proc: Proc | None = None

    def start(self) -> EchoServer:
        env = dict(os.environ)
        env["LD_PRELOAD"] = str(loopback_bind_shim())
        cmd = [self.binary, "--echo", "--port", str(self.port), f"--priority={PRIORITY}"]
        for kind in ("rsa", "ecdsa", "dsa"):
            cmd += ["--x509certfile", str(self.dir / f"{kind}.pem")]
            cmd += ["--x509keyfile", str(self.dir / f"{kind}.key")]
        self.proc = Proc([*cmd, *self.extra], env=env)
        wait_listening(self.port, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        return True  # an echo server: the echo is the proof

    def reply(self, token: str) -> bytes:
        return client_line(token)

    def marks(self) -> tuple[int, int]:
        assert self.proc is not None
        return len(self.proc.out.data), len(self.proc.err.data)

    def since(self, marks: tuple[int, int]) -> bytes:
        """What the server printed on stdout and stderr after ``marks``."""
        assert self.proc is not None
        return self.proc.out.data[marks[0] :] + self.proc.err.data[marks[1] :]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("openssl")
    d = tmp_path_factory.mktemp("legacy-gnutls")
    make_keys(d)
    (d / "cas.pem").write_bytes(
        b"".join((d / f"{k}.pem").read_bytes() for k in ("rsa", "ecdsa", "dsa"))
    )
    return d


@pytest.fixture(scope="module")
def echo(keys: Path) -> Iterator[EchoServer]:
    srv = EchoServer(keys).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def verifying(keys: Path) -> Iterator[EchoServer]:
    cas = str(keys / "cas.pem")
    srv = EchoServer(keys, "--x509cafile", cas, "--require-client-cert", "--verify-client-cert")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


#: (suite, the server's signature: type, digest; None for RSA key exchange)
SUITES = [
    ("AES128-SHA", None),
    ("CAMELLIA256-SHA", None),
    ("DHE-RSA-AES256-SHA", ("RSA", "MD5-SHA1")),
    ("DHE-RSA-CAMELLIA128-SHA", ("RSA", "MD5-SHA1")),
    ("ECDHE-RSA-AES128-SHA", ("RSA", "MD5-SHA1")),
    ("ECDHE-ECDSA-AES256-SHA", ("ECDSA", "SHA1")),
    ("DHE-DSS-AES128-SHA", ("DSA", "SHA1")),
    ("DHE-DSS-CAMELLIA256-SHA", ("DSA", "SHA1")),
]
VERSIONS = {"tls1": "TLSv1", "tls1_1": "TLSv1.1"}


@pytest.mark.parametrize("suite,signature", SUITES, ids=[s for s, _ in SUITES])
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_gnutls_legacy_suites(
    echo: EchoServer, version: str, suite: str, signature: tuple[str, str] | None
) -> None:
    result = exchange(echo, [f"-{version}", "-cipher", f"{suite}:@SECLEVEL=0"])
    assert result.rc == 0, result.stderr
    assert_clean_stderr(result.stderr)
    n = parse_text(result.stdout)
    assert (n.version, n.cipher) == (VERSIONS[version], suite)
    assert (n.sig_type, n.sig_digest) == (signature or (None, None))


@pytest.mark.parametrize("kind", ["rsa", "ecdsa", "dsa"])
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_gnutls_verifies_legacy_client_certificate(
    verifying: EchoServer, keys: Path, version: str, kind: str
) -> None:
    mark = verifying.marks()
    args = [f"-{version}", "-cipher", "DEFAULT:@SECLEVEL=0"]
    args += ["-cert", str(keys / f"{kind}.pem"), "-key", str(keys / f"{kind}.key")]
    result = exchange(verifying, args)
    assert result.rc == 0, result.stderr
    assert parse_text(result.stdout).version == VERSIONS[version]
    # gnutls-serv's output reaches the pipe in its own time: wait for the verdict.
    deadline = time.monotonic() + 5
    while b"The certificate is trusted" not in verifying.since(mark):
        assert time.monotonic() < deadline, verifying.since(mark).decode()
        time.sleep(0.05)


def test_gnutls_max_protocol_tls11(echo: EchoServer) -> None:
    """With no version option but -max_protocol, GnuTLS picks the highest
    version offered: TLS 1.1."""
    result = exchange(echo, ["-max_protocol", "TLSv1.1", "-cipher", "DEFAULT:@SECLEVEL=0"])
    assert result.rc == 0, result.stderr
    assert parse_text(result.stdout).version == "TLSv1.1"
