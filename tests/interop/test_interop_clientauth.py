"""Client certificates against ``gnutls-serv --require-client-cert
--verify-client-cert`` (TLS 1.2 and 1.3, every key type): the server
verifies the certificate ("The certificate is trusted") and echoes our data.
Its CertificateRequest carries an empty status_request, which OpenSSL
ignores there (and so must we)."""

from __future__ import annotations

import contextlib
import os
import time

import pytest

from golden.test_golden_clientauth import KINDS, Files, files  # noqa: F401 - fixture
from support.peers import HOST, free_port, loopback_bind_shim, require, wait_listening
from support.procs import CLIENT_TIMEOUT, Proc, _env, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def gnutls(files: Files):  # type: ignore[no-untyped-def]  # noqa: F811
    binary = require("gnutls-serv")
    env = dict(os.environ)
    env["LD_PRELOAD"] = str(loopback_bind_shim())
    port = free_port()
    cmd = [
        binary,
        "--echo",
        "--port",
        str(port),
        "--x509certfile",
        files.p("srv.pem"),
        "--x509keyfile",
        files.p("srv.key"),
        "--x509cafile",
        files.p("ca.pem"),
        "--require-client-cert",
        "--verify-client-cert",
    ]
    with Proc(cmd, env=env) as proc:
        wait_listening(port, proc=proc)
        yield port, proc


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_gnutls_verifies_client_certificate(gnutls, files: Files, kind: str, version: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    port, server = gnutls
    mark_out, mark_err = len(server.out.data), len(server.err.data)
    cmd = [
        *sclient_cmd(),
        "-connect",
        f"{HOST}:{port}",
        version,
        "-cert",
        files.p(f"{kind}.pem"),
        "-key",
        files.p(f"{kind}.key"),
    ]
    with Proc(cmd, env=_env()) as client:
        assert client.out.wait_for(b"---\n", 10)
        assert client.out.wait_for(b"Verify return code", 10) or client.out.wait_for(
            b"Extended master secret", 1
        )
        token = f"hello-{kind}-{version}\n".encode()
        with contextlib.suppress(BrokenPipeError):
            client.write(token)
        assert client.out.wait_for(token, 10), client.err.data.decode()
        client.write(b"Q\n")
        result = client.finish(CLIENT_TIMEOUT)
    assert result.rc == 0, result.stderr
    assert_clean_stderr(result.stderr)
    time.sleep(0.1)
    log = server.out.data[mark_out:] + server.err.data[mark_err:]
    assert b"The certificate is trusted" in log, log.decode(errors="replace")
