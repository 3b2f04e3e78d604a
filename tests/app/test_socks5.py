"""-proxy socks5:// and socks5h:// through a real SOCKS5 server (Dante, a
private instance: support/dante.py), with and without user name and password:
the verified handshake through it, and each refusal's line, in the spirit of
curl's --socks5 messages (curl: "User was rejected by the SOCKS5 server",
"No authentication method was acceptable", "Can't complete SOCKS5
connection to HOST:PORT. (N)")."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from sclient.transport.proxy import ProxyError
from sclient.transport.socks import address, password_request
from support.dante import PASSWORD, USER, Dante
from support.jsondoc import sclient_json
from support.peers import HOST, OpenSSLServer, refused_port
from support.pki import PKI
from support.procs import run_sclient

pytestmark = pytest.mark.interop


def test_request_addresses() -> None:
    """DST.ADDR as RFC 1928 lays it out: an address literal as itself, a name
    sent as a name (socks5h) or as the address it resolves to (socks5)."""
    assert address("127.0.0.1", 443, False, 0) == bytes([1, 127, 0, 0, 1, 1, 0xBB])
    assert address("[::1]", 8443, True, 0) == bytes([4]) + bytes(15) + b"\x01" + b"\x20\xfb"
    assert address("example.test", 443, True, 0) == b"\x03\x0cexample.test\x01\xbb"
    assert address("localhost", 443, False, socket.AF_INET) == bytes([1, 127, 0, 0, 1, 1, 0xBB])
    with pytest.raises(ProxyError, match=r'Failed to resolve "no\.such\.host\.invalid" for SOCKS5'):
        address("no.such.host.invalid", 443, False, 0)
    assert password_request("u", "pw") == b"\x01\x01u\x02pw"


@pytest.fixture(scope="module")
def dante(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dante]:
    d = Dante(tmp_path_factory.mktemp("dante"))
    try:
        yield d
    finally:
        d.stop()


@pytest.fixture(scope="module")
def server(pki: PKI) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(pki["rsa"]).start() as s:
        yield s


def _verified(pki: PKI, server: OpenSSLServer, proxy: str | None, *extra: str) -> None:
    args = ["-connect", f"localhost:{server.port}", "-CAfile", str(pki["rsa"].root)]
    if proxy is not None:
        args += ["-proxy", proxy]
    r = run_sclient([*args, "-verify_return_error", "-brief", *extra], timeout=30)
    assert r.rc == 0, r.stderr
    assert "CONNECTION ESTABLISHED" in r.stderr
    assert "Verification: OK" in r.stderr


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
def test_through_dante_without_auth(
    dante: Dante, pki: PKI, server: OpenSSLServer, scheme: str
) -> None:
    if not dante.procs:
        dante.start_open()
    _verified(pki, server, f"{scheme}://{HOST}:{dante.port}")


def test_through_dante_with_auth(dante: Dante, pki: PKI, server: OpenSSLServer) -> None:
    if not dante.procs:
        dante.start_open()
    dante.start_auth()
    _verified(pki, server, f"socks5h://{USER}:{PASSWORD}@{HOST}:{dante.auth_port}")
    # The credentials of -proxy_user/-proxy_pass serve too.
    _verified(
        pki,
        server,
        f"socks5://{HOST}:{dante.auth_port}",
        "-proxy_user",
        USER,
        "-proxy_pass",
        f"pass:{PASSWORD}",
    )
    # The wrong password: the proxy's refusal, exit 1, and -json says where.
    r = run_sclient(
        [
            "-connect",
            f"localhost:{server.port}",
            "-proxy",
            f"socks5h://{USER}:nope@{HOST}:{dante.auth_port}",
            "-json",
        ],
        timeout=30,
    )
    assert r.rc == 1
    assert "s_client: User was rejected by the SOCKS5 proxy (status 1)" in r.stderr
    doc = sclient_json(r.stdout)
    assert doc["error"]["stage"] == "proxy"
    assert doc["error"]["text"] == "s_client: User was rejected by the SOCKS5 proxy (status 1)"
    assert doc["target"]["proxy"] == {"host": HOST, "port": str(dante.auth_port), "type": "socks5h"}
    # No credentials at all: the proxy accepts none of the methods offered.
    r = run_sclient(
        ["-connect", f"localhost:{server.port}", "-proxy", f"socks5h://{HOST}:{dante.auth_port}"],
        timeout=30,
    )
    assert r.rc == 1
    assert "No authentication method was acceptable to the SOCKS5 proxy" in r.stderr


def test_refusals(dante: Dante) -> None:
    if not dante.procs:
        dante.start_open()
    with refused_port() as closed, refused_port() as no_proxy:
        _refusals(dante, closed, no_proxy)


def _refusals(dante: Dante, closed: int, no_proxy: int) -> None:
    r = run_sclient(
        ["-connect", f"{HOST}:{closed}", "-proxy", f"socks5://{HOST}:{dante.port}"], timeout=30
    )
    assert r.rc == 1
    assert (
        f"s_client: Can't complete SOCKS5 connection to {HOST}:{closed}: connection refused (reply 5)"
        in r.stderr
    )
    r = run_sclient(
        ["-connect", f"{HOST}:{dante.blocked_port}", "-proxy", f"socks5://{HOST}:{dante.port}"],
        timeout=30,
    )
    assert r.rc == 1
    assert "connection not allowed by ruleset (reply 2)" in r.stderr
    # Nothing listens where the proxy should be: the connect error, as for -proxy host:port.
    r = run_sclient(
        ["-connect", f"{HOST}:{closed}", "-proxy", f"socks5://{HOST}:{no_proxy}"], timeout=30
    )
    assert r.rc == 1
    assert "connect:errno=111" in r.stderr


def test_proxy_env_is_opt_in(
    dante: Dante, pki: PKI, server: OpenSSLServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """https_proxy is used with -proxy_env only; no_proxy exempts the host."""
    if not dante.procs:
        dante.start_open()
    with refused_port() as closed:
        monkeypatch.setenv("https_proxy", f"socks5://{HOST}:{dante.port}")
        # Without the switch: a direct connection (refused), never the proxy's words.
        r = run_sclient(["-connect", f"{HOST}:{closed}"], timeout=30)
        assert "connect:errno=111" in r.stderr and "SOCKS5" not in r.stderr
        r = run_sclient(["-connect", f"{HOST}:{closed}", "-proxy_env"], timeout=30)
        assert "Can't complete SOCKS5 connection" in r.stderr
        _verified(pki, server, None, "-proxy_env")
        monkeypatch.setenv("no_proxy", "example.org,localhost")
        r = run_sclient(["-connect", f"localhost:{closed}", "-proxy_env"], timeout=30)
        assert "connect:errno=111" in r.stderr and "SOCKS5" not in r.stderr
