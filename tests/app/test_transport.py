"""TCP connect failures (vs the real openssl) and the HTTP CONNECT proxy."""

from __future__ import annotations

import pytest
from tests.app.helpers import ScriptedServer, client_cmd, closed_port, mask_tid, openssl, run

from sclient.transport.proxy import ProxyError, connect_request, http_connect
from sclient.transport.tcp import ConnectError, connect

pytestmark = pytest.mark.skipif(openssl() is None, reason="needs the openssl binary")


def _both(args: list[str]) -> tuple[object, object]:
    ours = run([*client_cmd("real"), *args])
    ref = run(["openssl", "s_client", *args])
    return ours, ref


@pytest.mark.parametrize(
    "args",
    [
        ["-connect", "127.0.0.1:{closed}"],
        ["-connect", "127.0.0.1:{closed}", "-prexit"],
        ["-connect", "127.0.0.1:{closed}", "-prexit", "-tls1_2"],
        ["-connect", "127.0.0.1:abc"],
        ["-connect", "nonexistent.invalid:443"],
        ["-connect", "127.0.0.1:{closed}", "-6"],
        ["-connect", "127.0.0.1:{closed}", "-bind", "[::1]:0"],
        ["-connect", "127.0.0.1:{closed}", "-bind", "10.255.255.1:0"],
        ["-unix", "/nonexistent/sclient-test.sock"],
    ],
)
def test_connect_failures_match_openssl(args: list[str]) -> None:
    port = closed_port()
    args = [a.replace("{closed}", str(port)) for a in args]
    ours, ref = _both(args)
    assert ours.returncode == ref.returncode == 1  # type: ignore[attr-defined]
    assert mask_tid(ours.stderr) == mask_tid(ref.stderr)  # type: ignore[attr-defined]
    assert ours.stdout == ref.stdout  # type: ignore[attr-defined]


def test_connect_error_object() -> None:
    with pytest.raises(ConnectError) as e:
        connect("127.0.0.1", str(closed_port()))
    assert e.value.errno == 111
    assert [x.func for x in e.value.entries] == ["BIO_connect", "BIO_connect"]


def test_connect_counts_bytes_and_nodelay() -> None:
    import socket

    srv = ScriptedServer(b"hello", wait_for=b"ping")
    conn = connect("127.0.0.1", str(srv.port))
    assert conn.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    conn.sendall(b"ping")
    assert conn.recv(10) == b"hello"
    assert (conn.bytes_read, conn.bytes_written) == (5, 4)
    conn.close()


def test_connect_request_bytes() -> None:
    assert connect_request("::1", "443", None, None) == (
        b"CONNECT ::1:443 HTTP/1.0\r\nProxy-Connection: Keep-Alive\r\n\r\n"
    )
    assert connect_request("h", "8443", "bob", "secret") == (
        b"CONNECT h:8443 HTTP/1.0\r\nProxy-Connection: Keep-Alive\r\n"
        b"Proxy-Authorization: Basic Ym9iOnNlY3JldA==\r\n\r\n"
    )
    assert b"Basic Ym9iOg==" in connect_request("h", "1", "bob", None)
    assert connect_request("h", None, None, None).startswith(b"CONNECT h:443 ")


@pytest.mark.parametrize(
    "reply,message",
    [
        (
            b"HTTP/1.1 407 Proxy Authentication Required  \r\nX: y\r\n\r\n",
            "HTTP CONNECT failed, reason= 407 Proxy Authentication Required",
        ),
        (b"HTTP/2.0 200 OK fine\r\n\r\n", "HTTP CONNECT failed, bad HTTP version 2.0"),
        (b"SSH-2.0-OpenSSH_9.2\r\n", "HTTP CONNECT failed, non-HTTP response"),
        (b"short\r\n", "HTTP CONNECT failed, connection closed by proxy"),
    ],
)
def test_proxy_failures(reply: bytes, message: str) -> None:
    srv = ScriptedServer(reply)
    conn = connect("127.0.0.1", str(srv.port))
    with pytest.raises(ProxyError) as e:
        http_connect(conn, "example.org", "443", None, None)
    assert e.value.message == message
    conn.close()
    srv.join()


def test_proxy_success_skips_short_lines_and_headers() -> None:
    reply = b"\r\nHTTP/1.1 200 Connection established\r\nVia: x\r\n\r\n"
    srv = ScriptedServer(reply, close=False)
    conn = connect("127.0.0.1", str(srv.port))
    http_connect(conn, "example.org", "443", "u", "p")
    assert conn.bytes_read == len(reply)
    conn.sendall(b"after")
    conn.close()
    srv.join()
    assert srv.received.endswith(b"\r\n\r\nafter")
    assert srv.received.startswith(b"CONNECT example.org:443 HTTP/1.0\r\n")


def test_proxy_failure_output_matches_openssl() -> None:
    reply = b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"
    outs = []
    for cmd in (client_cmd("real"), ["openssl", "s_client"]):
        srv = ScriptedServer(reply)
        r = run(
            [
                *cmd,
                "-proxy",
                f"127.0.0.1:{srv.port}",
                "-connect",
                "[::1]:443",
                "-proxy_user",
                "bob",
                "-proxy_pass",
                "pass:secret",
            ]
        )
        srv.join()
        outs.append((r.returncode, r.stdout, mask_tid(r.stderr), srv.received))
    assert outs[0] == outs[1]
