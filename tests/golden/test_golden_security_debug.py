"""``-security_debug`` and ``-security_debug_verbose``: sclient and ``openssl
s_client`` against ``openssl s_server`` (and ``gnutls-serv``), stdout and
stderr equal after the usual masks: the ``Security callback:`` line of every
check OpenSSL's security callback is asked for (versions, suites, groups,
signature algorithms, the session ticket, the ServerHello's suite, the
ServerKeyExchange's curve or DH size and signature, the CertificateVerify,
the shared algorithms of a CertificateRequest, our certificate, each TLS 1.3
ticket), in OpenSSL's order; only the refused ones without ``_verbose``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from golden.test_golden_clientauth import compare, run_client
from support.peers import HOST, GnuTLSServer, OpenSSLServer, openssl_servers, require
from support.pki import PKI
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.golden

V = "-security_debug_verbose"

#: An ECDSA signature's DER size changes from run to run: so does the byte count.
_READ = re.compile(r"(SSL handshake has read )\d+")


def unsized(r: Result) -> Result:
    return Result(r.rc, _READ.sub(r"\1<n>", r.stdout), r.stderr)


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    require("openssl")
    rsa, ecdsa = pki["rsa"], pki["ecdsa"]
    specs = {
        "rsa": (rsa, []),
        "ecdsa": (ecdsa, []),
        "p256": (rsa, ["-groups", "P-256"]),
        "verify": (rsa, ["-verify", "1"]),
        "require": (rsa, ["-Verify", "1", "-num_tickets", "0"]),
        "psk": (None, ["-psk", "1a2b3c4d", "-psk_identity", "Client_identity", "-nocert"]),
    }
    with openssl_servers(specs) as started:
        yield started


CASES = [
    ("default", "rsa", ("-security_debug",)),
    ("default-tls1_2", "rsa", ("-security_debug", "-tls1_2")),
    # one setting: the last of the two options wins
    ("verbose-then-plain", "rsa", ("-tls1_2", V, "-security_debug")),
    ("plain-then-verbose", "rsa", ("-security_debug", V, "-tls1_2")),
    ("tls1_3", "rsa", (V,)),
    ("tls1_3-only", "rsa", (V, "-tls1_3")),
    ("tls1_2-ecdhe-rsa", "rsa", (V, "-tls1_2")),
    ("tls1_2-dhe-rsa", "rsa", (V, "-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256")),
    ("tls1_2-rsa-kx", "rsa", (V, "-tls1_2", "-cipher", "AES128-SHA")),
    ("tls1_2-all", "rsa", (V, "-tls1_2", "-cipher", "ALL")),
    ("ecdsa-tls1_3", "ecdsa", (V,)),
    ("ecdsa-tls1_2", "ecdsa", (V, "-tls1_2")),
    ("hello-retry", "p256", (V,)),
    ("no-ticket", "rsa", (V, "-no_ticket")),
    ("groups", "rsa", (V, "-groups", "P-256:X25519:ffdhe2048")),
    ("sigalgs", "rsa", (V, "-sigalgs", "RSA-PSS+SHA256:ECDSA+SHA256")),
    ("seclevel3", "rsa", (V, "-tls1_2", "-cipher", "DEFAULT@SECLEVEL=3")),
    ("seclevel4-refusals", "rsa", ("-security_debug", "-cipher", "DEFAULT@SECLEVEL=4")),
    ("reconnect-tls1_2", "rsa", (V, "-tls1_2", "-reconnect")),
    # no version left: tls_setup_handshake's walk says which the level refused
    ("no-protocols-tls1_1", "rsa", ("-security_debug", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=4")),
    ("no-protocols-tls1", "rsa", ("-security_debug", "-tls1", "-cipher", "DEFAULT@SECLEVEL=3")),
    ("no-protocols-range", "rsa", (V, "-max_protocol", "TLSv1.1", "-cipher", "DEFAULT@SECLEVEL=4")),
    # -comp: ssl_allow_compression asks the callback (refused from level 2)
    ("comp", "rsa", ("-security_debug", "-comp")),
    ("comp-tls1_2", "rsa", ("-security_debug", "-comp", "-tls1_2")),
    ("comp-verbose", "rsa", (V, "-comp")),
    ("comp-seclevel1-tls1_2", "rsa", (V, "-comp", "-tls1_2", "-cipher", "DEFAULT@SECLEVEL=1")),
    ("comp-reconnect", "rsa", ("-security_debug", "-comp", "-tls1_2", "-reconnect")),
    ("cert-requested-none-sent-tls1_3", "verify", (V, "-tls1_3")),
    ("cert-requested-none-sent-tls1_2", "verify", (V, "-tls1_2")),
    ("cert-required-alert", "require", (V,)),
    ("psk-tls1_2-dhe", "psk", (V, "-psk", "1a2b3c4d", "-tls1_2")),
    (
        "psk-tls1_2-ecdhe",
        "psk",
        (V, "-psk", "1a2b3c4d", "-tls1_2", "-cipher", "ECDHE-PSK-AES128-CBC-SHA256"),
    ),
    (
        "psk-tls1_2-plain",
        "psk",
        (V, "-psk", "1a2b3c4d", "-tls1_2", "-cipher", "PSK-AES128-CBC-SHA"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_security_debug(
    servers: dict[str, OpenSSLServer], case: tuple[str, str, tuple[str, ...]]
) -> None:
    _id, server, args = case
    cmd = ["-connect", f"{HOST}:{servers[server].port}", *args]
    ref = run_client(["openssl", "s_client"], cmd)
    if args[0] == V:
        assert "Security callback: Version=TLS 1.3: yes\n" in ref.stderr
    got = run_client(sclient_cmd(), cmd)
    if server == "ecdsa":
        ref, got = unsized(ref), unsized(got)
    compare(ref, got)


@pytest.mark.parametrize("kind", ["rsa", "ecdsa"])
@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_security_debug_client_cert(
    servers: dict[str, OpenSSLServer], pki: PKI, kind: str, version: str
) -> None:
    """Our certificate's key and signature, when loaded and when sent."""
    chain = pki[kind]
    cmd = ["-connect", f"{HOST}:{servers['verify'].port}", V, version]
    cmd += ["-cert", str(chain.leaf), "-key", str(chain.key)]
    ref = run_client(["openssl", "s_client"], cmd)
    assert "Security callback: Certificate chain EE key=" in ref.stderr
    compare(ref, run_client(sclient_cmd(), cmd))


def test_security_debug_gnutls(pki: PKI) -> None:
    require("gnutls-serv")
    with GnuTLSServer(pki["rsa"]) as server:
        cmd = ["-connect", f"{HOST}:{server.port}", V, "-tls1_2"]
        ref = run_client(["openssl", "s_client"], cmd, stdin=b"")
        compare(ref, run_client(sclient_cmd(), cmd, stdin=b""))
