"""Pre-shared keys: sclient and ``openssl s_client`` against ``openssl
s_server -psk … -psk_identity … -nocert``: TLS 1.2 PSK suites (PSK,
DHE-PSK, ECDHE-PSK) and TLS 1.3 external PSKs, matching and mismatching
keys and identities, outputs equal after masking; and the ``-psk``
argument errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from golden.test_golden_clientauth import compare, run_client
from support.peers import HOST, OpenSSLServer, require
from support.procs import sclient_cmd

pytestmark = pytest.mark.golden

KEY = "1a2b3c4d5e6f7081"
IDENTITY = "Client_identity"


@pytest.fixture(scope="module")
def psk_server() -> Iterator[OpenSSLServer]:
    require("openssl")
    s = OpenSSLServer(None, ["-psk", KEY, "-psk_identity", IDENTITY, "-nocert"], quiet=False)
    with s:
        yield s


CASES = [
    ("tls1_3", ("-psk", KEY, "-tls1_3")),
    ("tls1_3-chacha", ("-psk", KEY, "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")),
    ("default", ("-psk", KEY)),
    ("tls1_3-sha384-only", ("-psk", KEY, "-ciphersuites", "TLS_AES_256_GCM_SHA384")),
    ("tls1_3-wrong-key", ("-psk", KEY[:-1] + "0", "-tls1_3")),
    ("tls1_3-unknown-identity", ("-psk", KEY, "-psk_identity", "nobody", "-tls1_3")),
    ("tls1_2-default", ("-psk", KEY, "-tls1_2")),
    ("tls1_2-psk-cbc", ("-psk", KEY, "-tls1_2", "-cipher", "PSK-AES128-CBC-SHA")),
    ("tls1_2-psk-gcm", ("-psk", KEY, "-tls1_2", "-cipher", "PSK-AES256-GCM-SHA384")),
    ("tls1_2-psk-chacha", ("-psk", KEY, "-tls1_2", "-cipher", "PSK-CHACHA20-POLY1305")),
    ("tls1_2-dhe-psk", ("-psk", KEY, "-tls1_2", "-cipher", "DHE-PSK-AES128-GCM-SHA256")),
    ("tls1_2-ecdhe-psk", ("-psk", KEY, "-tls1_2", "-cipher", "ECDHE-PSK-AES128-CBC-SHA256")),
    ("tls1_2-ecdhe-psk-chacha", ("-psk", KEY, "-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305")),
    ("tls1_2-wrong-key", ("-psk", KEY[:-1] + "0", "-tls1_2")),
    ("tls1_2-other-identity", ("-psk", KEY, "-psk_identity", "nobody", "-tls1_2")),
    ("tls1_2-brief", ("-psk", KEY, "-tls1_2", "-brief")),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_psk(psk_server: OpenSSLServer, case: tuple[str, tuple[str, ...]]) -> None:
    _id, args = case
    cmd = ["-connect", f"{HOST}:{psk_server.port}", *args]
    compare(run_client(["openssl", "s_client"], cmd), run_client(sclient_cmd(), cmd))


@pytest.mark.parametrize("value", ["xyz", "12 34", "0x1234"])
def test_psk_not_hex(value: str) -> None:
    cmd = ["-connect", f"{HOST}:1", "-psk", value]
    ref = run_client(["openssl", "s_client"], cmd, stdin=b"")
    assert ref.rc == 1
    compare(ref, run_client(sclient_cmd(), cmd, stdin=b""))


# --- -psk_session ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def session_file(psk_server: OpenSSLServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A TLS 1.3 session written by ``openssl s_client -sess_out``."""
    path = tmp_path_factory.mktemp("psksession") / "sess.pem"
    cmd = ["-connect", f"{HOST}:{psk_server.port}", "-psk", KEY, "-tls1_3"]
    cmd += ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "-sess_out", str(path)]
    run_client(["openssl", "s_client"], cmd)
    assert path.exists()
    return str(path)


@pytest.fixture(scope="module")
def session_server(session_file: str) -> Iterator[OpenSSLServer]:
    args = ["-psk_session", session_file, "-nocert", "-tls1_3"]
    s = OpenSSLServer(None, [*args, "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], quiet=False)
    with s:
        yield s


@pytest.mark.parametrize(
    "extra", [(), ("-psk_identity", "other")], ids=["same-identity", "other-identity"]
)
def test_psk_session(
    session_server: OpenSSLServer, session_file: str, extra: tuple[str, ...]
) -> None:
    cmd = ["-connect", f"{HOST}:{session_server.port}", "-psk_session", session_file, *extra]
    ref = run_client(["openssl", "s_client"], cmd)
    compare(ref, run_client(sclient_cmd(), cmd))


@pytest.mark.parametrize("name", ["/nonexistent/sess.pem", "/etc/hostname"])
def test_psk_session_unreadable(name: str) -> None:
    cmd = ["-connect", f"{HOST}:1", "-psk_session", name]
    ref = run_client(["openssl", "s_client"], cmd, stdin=b"")
    assert ref.rc == 1
    compare(ref, run_client(sclient_cmd(), cmd, stdin=b""))


# --- keys the PSK callbacks cannot use ---------------------------------------------------

_LONG = "ab" * 513  # PSK_MAX_PSK_LEN is 512 bytes

UNUSABLE = [
    ("odd-default", ("-psk", "abc")),
    ("odd-tls1_3", ("-psk", "abc", "-tls1_3")),
    ("odd-tls1_2", ("-psk", "abc", "-tls1_2")),
    ("empty-tls1_3", ("-psk", "", "-tls1_3")),
    ("empty-tls1_2", ("-psk", "", "-tls1_2")),
    ("too-long-tls1_3", ("-psk", _LONG, "-tls1_3")),
    ("too-long-tls1_2", ("-psk", _LONG, "-tls1_2")),
]


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda c: c[0])
def test_psk_unusable_key(psk_server: OpenSSLServer, case: tuple[str, tuple[str, ...]]) -> None:
    """``Could not convert PSK key`` (or the TLS 1.2 buffer message), the
    error queue, the alert and exit status 1: at the ClientHello for TLS 1.3,
    at the ClientKeyExchange for TLS 1.2."""
    _id, args = case
    cmd = ["-connect", f"{HOST}:{psk_server.port}", *args]
    ref = run_client(["openssl", "s_client"], cmd, stdin=b"")
    assert ref.rc == 1
    compare(ref, run_client(sclient_cmd(), cmd, stdin=b""))
