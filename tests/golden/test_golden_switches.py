"""The remaining protocol switches of s_client (issue 14 item 6), compared with
``openssl s_client`` against ``openssl s_server``: ``-fallback_scsv``
(TLS_FALLBACK_SCSV after the renegotiation SCSV; a server whose highest version
is above the client's answers ``inappropriate_fallback``), alone and with
-msg and -trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from golden.test_golden_exts import both
from support.peers import HOST, OpenSSLServer, openssl_servers
from support.pki import PKI

pytestmark = pytest.mark.golden

TRACING = {"plain": (), "msg": ("-msg",), "trace": ("-trace",)}


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    specs = {
        "any": (pki["rsa"], []),
        "tls12": (pki["rsa"], ["-tls1_2"]),
    }
    with openssl_servers(specs, loud=()) as started:
        yield started


def _connect(server: OpenSSLServer, pki: PKI, *extra: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", "-CAfile", str(pki["rsa"].root), *extra]


# --- -fallback_scsv -----------------------------------------------------------------------


@pytest.mark.parametrize("tracing", list(TRACING))
def test_fallback_scsv_refused(
    servers: dict[str, OpenSSLServer], pki: PKI, tracing: str
) -> None:
    """A TLS 1.2 client with the SCSV to a TLS 1.3 server: inappropriate_fallback."""
    args = _connect(servers["any"], pki, "-tls1_2", "-fallback_scsv", *TRACING[tracing])
    ref, got = both(args)
    assert got.rc == 1
    assert "alert inappropriate fallback" in got.stderr
    if tracing == "msg":
        assert "    ff 56 00 01 00 00" in got.stdout  # the SCSVs end the suites


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize(("server", "version"), [("tls12", "-tls1_2"), ("any", "-tls1_3")])
def test_fallback_scsv_accepted(
    servers: dict[str, OpenSSLServer], pki: PKI, tracing: str, server: str, version: str
) -> None:
    """The client's highest version is the server's: the handshake completes."""
    args = _connect(servers[server], pki, version, "-fallback_scsv", *TRACING[tracing])
    _, got = both(args)
    assert got.rc == 0
