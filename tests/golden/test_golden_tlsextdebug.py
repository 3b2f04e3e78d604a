"""``-tlsextdebug``: sclient and ``openssl s_client`` against ``openssl
s_server`` (and ``gnutls-serv``, which orders its extensions its own way),
stdout and stderr equal after masking: a ``TLS server extension`` line and a
dump for each extension of the ServerHello, HelloRetryRequest,
EncryptedExtensions, CertificateRequest and Certificate entries, in the
order received; TLS 1.3 and 1.2, ALPN, client authentication, PSK,
``-reconnect`` (each connection's ServerHello) and beside ``-debug``.

Masked: the key share's bytes and the session data the summary masks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from golden.test_golden_debug import compare_dumps
from support.peers import HOST, GnuTLSServer, OpenSSLServer, openssl_servers, require
from support.pki import PKI

pytestmark = pytest.mark.golden


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    require("openssl")
    rsa = pki["rsa"]
    specs = {
        "rsa": (rsa, []),
        "alpn": (rsa, ["-alpn", "h2,http/1.1"]),
        "p256": (rsa, ["-groups", "P-256"]),
        "verify": (rsa, ["-verify", "1"]),
        "psk": (None, ["-psk", "1a2b3c4d", "-psk_identity", "Client_identity", "-nocert"]),
    }
    with openssl_servers(specs) as started:
        yield started


CASES = [
    ("tls1_3", "rsa", ()),
    ("tls1_2", "rsa", ("-tls1_2",)),
    ("tls1_2-no-ticket-no-etm", "rsa", ("-tls1_2", "-no_ticket", "-no_etm")),
    ("alpn-tls1_3", "alpn", ("-alpn", "http/1.1")),
    ("alpn-tls1_2", "alpn", ("-alpn", "h2", "-tls1_2")),
    ("hello-retry", "p256", ("-tls1_3",)),
    ("client-auth-tls1_3", "verify", ("-tls1_3",)),
    ("client-auth-tls1_2", "verify", ("-tls1_2",)),
    ("reconnect-tls1_2", "rsa", ("-tls1_2", "-reconnect")),
    ("psk-tls1_3", "psk", ("-psk", "1a2b3c4d", "-tls1_3")),
    ("psk-tls1_2", "psk", ("-psk", "1a2b3c4d", "-tls1_2")),
    ("with-debug", "rsa", ("-debug",)),
    ("with-debug-tls1_2", "rsa", ("-debug", "-tls1_2")),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_tlsextdebug(
    servers: dict[str, OpenSSLServer], case: tuple[str, str, tuple[str, ...]]
) -> None:
    _id, server, args = case
    cmd = ["-connect", f"{HOST}:{servers[server].port}", "-tlsextdebug", *args]
    ref = compare_dumps(cmd)
    assert "TLS server extension " in ref.stdout


def test_tlsextdebug_gnutls(pki: PKI) -> None:
    """TLS 1.2 (in TLS 1.3 the summary's ticket Timeout differs, a matter of
    its own)."""
    require("gnutls-serv")
    with GnuTLSServer(pki["rsa"]) as server:
        cmd = ["-connect", f"{HOST}:{server.port}", "-tlsextdebug", "-tls1_2"]
        ref = compare_dumps(cmd, stdin=b"")
    assert "TLS server extension " in ref.stdout
