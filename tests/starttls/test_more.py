"""More exchanges compared with ``openssl s_client``: failure paths beyond the
plain refusal ("end" without the summary, each MySQL/LDAP/IRC/Sieve message),
``-name``/``-xmpphost``, ``-brief``, IPv6, ``-proxy`` then ``-starttls``, and
the ``-json`` record of the plaintext phase."""

from __future__ import annotations

import contextlib
import re
import socket
import struct as _struct
import threading
from collections.abc import Iterator

import pytest

from starttls.scripted import ScriptedServer, ServerIO
from starttls.scripts import (
    SUCCESS,
    XMPP_FEATURES_TLS,
    XMPP_HEADER,
    mysql_greeting,
)
from starttls.test_differential import assert_same_output, both, mask
from support.jsondoc import sclient_json
from support.peers import ThreadedListener
from support.pki import PKI
from support.procs import assert_clean_stderr, run_openssl_s_client, run_sclient

pytestmark = pytest.mark.golden


@pytest.fixture
def serve(pki: PKI) -> Iterator[object]:
    servers: list[ScriptedServer] = []

    def start(script, host: str = "127.0.0.1") -> ScriptedServer:  # type: ignore[no-untyped-def]
        server = ScriptedServer(chain=pki["rsa"], script=script, host=host)
        server.start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


def reset_after_request(greeting: bytes, request_len: int = 1, *replies: bytes):  # type: ignore[no-untyped-def]
    """Send ``greeting`` (and each of ``replies`` after a line from the client),
    wait for the client's next bytes, then close with a reset (SO_LINGER 0): the
    client's next read fails (and the reads after it see EOF)."""

    def script(io: ServerIO) -> bool:
        if greeting:
            io.send(greeting)
        for reply in replies:
            io.read_line()
            io.send(reply)
        io.sock.recv(request_len, socket.MSG_PEEK)
        io.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _struct.pack("ii", 1, 0))
        io.sock.close()
        return False

    return script


def lines(*chunks: bytes):  # type: ignore[no-untyped-def]
    """Send ``chunks[0]``, then after each line from the client the next chunk; stop."""

    def script(io: ServerIO) -> bool:
        io.send(chunks[0])
        for c in chunks[1:]:
            io.read_line()
            io.send(c)
        return False

    return script


def send_then_stop(data: bytes, read_first: int = 0):  # type: ignore[no-untyped-def]
    def script(io: ServerIO) -> bool:
        if read_first:
            io.read_exact(read_first)
        io.send(data)
        return False

    return script


def xmpp_failure(io: ServerIO) -> bool:
    io.read_until(b"'1.0'>")
    io.send(XMPP_HEADER + XMPP_FEATURES_TLS)
    io.read_until(b"/>")
    io.send(b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    return False


def telnet_wrong_follows(io: ServerIO) -> bool:
    io.send(b"\xff\xfd\x2e")
    io.read_exact(9)
    io.send(b"\xff\xfa\x2e\x00\xff\xf0")
    return False


# "end": OpenSSL leaves without the summary block (BIO_read failed)
END_CASES = {
    "pop3-reset": ("pop3", reset_after_request(b"+OK POP3 ready\r\n")),
    "nntp-reset": ("nntp", reset_after_request(b"200 ready\r\n", 1, b"101 caps\r\n.\r\n")),
    "xmpp-reset": ("xmpp", reset_after_request(b"", 10)),
    "ldap-reset": ("ldap", reset_after_request(b"", 31)),
}

# "shut" with a message, and the quirks of each protocol
SHUT_CASES = {
    "mysql-short": ("mysql", send_then_stop(b"\x05\x00\x00\x00\x0a1.0\x00")),
    "mysql-length": ("mysql", send_then_stop(mysql_greeting() + b"\x00")),
    "mysql-version": ("mysql", send_then_stop(mysql_greeting().replace(b"\x0a8.0", b"\x098.0", 1))),
    "mysql-no-nul": ("mysql", send_then_stop(b"\x19\x00\x00\x00\x0a" + b"8" * 24)),
    "ldap-garbage": ("ldap", send_then_stop(b"HTTP/1.0 400 Bad\r\n\r\n", 31)),
    "ldap-not-extended": (
        "ldap",
        send_then_stop(bytes.fromhex("300c02010165070a010004000400"), 31),
    ),
    "irc-notice": ("irc", lines(b":irc.test NOTICE * :hello\r\n:irc.test 670 n :ok\r\n")),
    "irc-691": ("irc", send_then_stop(b":irc.test 691 n :STARTTLS failure\r\n", 10)),
    "sieve-short": ("sieve", lines(b'"STARTTLS"\r\nOK\r\n', b"O")),
    "nntp-no-382": (
        "nntp",
        lines(b"200 ready\r\n", b"101 caps\r\nSTARTTLS\r\n.\r\n", b"580 no\r\n"),
    ),
    "xmpp-no-proceed": ("xmpp", lambda io: xmpp_failure(io)),
    "telnet-wrong-follows": ("telnet", lambda io: telnet_wrong_follows(io)),
    "smtp-closed-after-greeting": ("smtp", send_then_stop(b"220 bye\r\n")),
    # the reset fails the CAPABILITIES read; the STARTTLS read then sees EOF
    "nntp-reset-early": ("nntp", reset_after_request(b"200 ready\r\n")),
}


@pytest.mark.parametrize("case", [*END_CASES, *SHUT_CASES])
def test_failure_paths(case: str, serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    kw, script = {**END_CASES, **SHUT_CASES}[case]
    server = serve(script)
    ref, got = both(server, ["-starttls", kw, "-CAfile", str(pki["rsa"].root)])
    assert ref.rc == 1
    if case in END_CASES:
        assert "BIO_read failed" in ref.stderr and "---" not in ref.stdout
    first, second = server.records
    assert second.pre_tls == first.pre_tls
    assert_same_output(ref, got)


def test_name_and_xmpphost(serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(SUCCESS["smtp"])
    ref, got = both(
        server, ["-starttls", "smtp", "-name", "mx.test", "-CAfile", str(pki["rsa"].root)]
    )
    assert server.records[0].pre_tls.startswith(b"EHLO mx.test\r\n")
    assert server.records[1].pre_tls == server.records[0].pre_tls
    assert_same_output(ref, got)

    seen: list[bytes] = []

    def xmpp_server(io: ServerIO) -> bool:
        seen.append(io.read_until(b"'1.0'>"))
        io.send(XMPP_HEADER + XMPP_FEATURES_TLS)
        io.read_until(b"/>")
        io.send(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        return True

    server = serve(xmpp_server)
    ref, got = both(
        server,
        ["-starttls", "xmpp-server", "-xmpphost", "chat.example", "-CAfile", str(pki["rsa"].root)],
    )
    assert seen[0] == seen[1]
    assert b"xmlns='jabber:server' to='chat.example' version='1.0'>" in seen[0]
    assert_same_output(ref, got)


@pytest.mark.parametrize("kw", ["smtp", "pop3", "sieve"])
def test_brief(kw: str, serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(SUCCESS[kw])
    ref, got = both(server, ["-brief", "-starttls", kw, "-CAfile", str(pki["rsa"].root)])
    assert ref.rc == got.rc == 0
    assert_same_output(ref, got)


@pytest.mark.parametrize("kw", ["smtp", "xmpp", "postgres", "ldap"])
def test_ipv6(kw: str, serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(SUCCESS[kw], host="::1")
    ref, got = both(server, ["-starttls", kw, "-CAfile", str(pki["rsa"].root)], host="::1")
    first, second = server.records
    assert first.tls_ok and second.tls_ok
    assert second.pre_tls == first.pre_tls
    if kw == "xmpp":
        assert b" to='::1' " in first.pre_tls  # the host as parsed, without brackets
    assert_same_output(ref, got)


# --- -proxy then -starttls ----------------------------------------------------------


class ConnectProxy(ThreadedListener):
    """A tiny HTTP CONNECT proxy: records each request, answers 200, relays."""

    def __init__(self) -> None:
        self._init_listener()
        self.requests: list[bytes] = []

    def _on_connection(self, conn: socket.socket) -> None:
        self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(15)
        try:
            req = b""
            while not req.endswith(b"\r\n\r\n"):
                b = conn.recv(1)
                if not b:
                    return
                req += b
            self.requests.append(req)
            m = re.match(rb"CONNECT (.*):(\d+) HTTP", req)
            assert m is not None
            up = socket.create_connection((m.group(1).decode(), int(m.group(2))), timeout=15)
            conn.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")
            t = threading.Thread(target=self._pump, args=(up, conn), daemon=True)
            t.start()
            self._pump(conn, up)
            t.join(15)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)


def test_starttls_after_proxy(serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    # A protocol where the client speaks first: with a server that greets, bytes
    # relayed right behind the proxy's "200" can be swallowed by the read-ahead of
    # the CONNECT response reader (OpenSSL's as well as ours): a race, not a test.
    server = serve(SUCCESS["xmpp"])
    with ConnectProxy() as proxy:
        args = [
            "-proxy",
            f"127.0.0.1:{proxy.port}",
            "-connect",
            f"127.0.0.1:{server.port}",
            "-starttls",
            "xmpp",
            "-CAfile",
            str(pki["rsa"].root),
        ]
        ref = run_openssl_s_client(args)
        server.wait_done(1)
        got = run_sclient(args)
        server.wait_done(2)
    assert_clean_stderr(got.stderr)
    assert proxy.requests[0] == proxy.requests[1]
    assert proxy.requests[0].startswith(f"CONNECT 127.0.0.1:{server.port} HTTP/1.0\r\n".encode())
    first, second = server.records
    assert first.tls_ok and second.tls_ok and first.pre_tls == second.pre_tls
    assert b" to='127.0.0.1' " in first.pre_tls
    assert ref.rc == got.rc == 0
    assert "Verify return code: 0 (ok)" in got.stdout
    assert_same_output(ref, got)


# --- -json ----------------------------------------------------------------------------


def test_json_records_the_plaintext_phase(serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(SUCCESS["smtp"])
    got = run_sclient(
        [
            "-connect",
            f"127.0.0.1:{server.port}",
            "-starttls",
            "smtp",
            "-json",
            "-CAfile",
            str(pki["rsa"].root),
        ]
    )
    assert got.rc == 0, got.stderr
    doc = sclient_json(got.stdout)
    st = doc["starttls"]
    assert st["protocol"] == "smtp" and st["outcome"] == "ok" and st["offered"] is True
    assert st["residue"] == "250 SIZE 1000\r\n"
    sent = [e["text"] for e in st["transcript"] if e["direction"] == "sent"]
    assert sent == ["EHLO mail.example.com\r\n", "STARTTLS\r\n"]
    received = "".join(e["text"] for e in st["transcript"] if e["direction"] == "received")
    assert received.startswith("220-mail.test ESMTP\r\n220 ready\r\n250-mail.test hello\r\n")
    assert received.endswith("220 Ready to start TLS\r\n")
    for e in st["transcript"]:
        assert bytes.fromhex(e["hex"]) == e["text"].encode("latin-1") and e["length"] == len(
            e["text"]
        )
    assert doc["bytes"]["handshake_written"] >= len("EHLO mail.example.com\r\nSTARTTLS\r\n")
    # the residue still goes to stderr
    assert got.stderr.endswith("250 SIZE 1000\r\nDONE\n")


def test_json_refused(serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(send_then_stop(b"N", 8))
    got = run_sclient(["-connect", f"127.0.0.1:{server.port}", "-starttls", "postgres", "-json"])
    assert got.rc == 1
    doc = sclient_json(got.stdout)
    assert doc["starttls"]["outcome"] == "shut" and doc["starttls"]["offered"] is False
    assert [e["hex"] for e in doc["starttls"]["transcript"]] == ["0000000804d2162f", "4e"]
    assert doc["bytes"]["read"] == 1 and doc["bytes"]["written"] == 8
    assert mask(got.stderr) == ""


def test_end_path_with_prexit(serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    """``goto end`` skips the shut-time summary but not -prexit's."""
    server = serve(reset_after_request(b"+OK POP3 ready\r\n"))
    ref, got = both(server, ["-starttls", "pop3", "-prexit"])
    assert ref.rc == 1 and ref.stdout.count("SSL handshake has read") == 1
    assert_same_output(ref, got)


def test_irc_silent_server_times_out(serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    """No answer to STARTTLS within 8 seconds (both clients wait it out)."""

    def silent(io: ServerIO) -> bool:
        io.read_line()
        io.drain(quiet=9.5)
        return False

    server = serve(silent)
    ref, got = both(server, ["-starttls", "irc"])
    assert "Timeout waiting for response (8 seconds).\n" in ref.stderr
    assert_same_output(ref, got)
