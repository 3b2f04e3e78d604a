"""The OpenSSL that ``cryptography`` bundles (4.x), as a TLS 1.3 server on
loopback, driven through ``cryptography``'s own OpenSSL binding: a second
OpenSSL (besides node 26's 3.5) for the post-quantum groups, needing nothing
beyond the project's environment.

The server runs in a child process (``python -c``). Per connection it prints
``group NAME`` (``SSL_get0_group_name``: what the server negotiated), then
answers each ``hello-from-client-T`` line with ``hello-from-server-T`` and
prints ``got T``; a failed handshake prints ``tls-error``. Tests skip when the
binding lacks a function this needs (another ``cryptography`` build).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pytest

from support.peers import HOST, free_port, server_line, wait_listening
from support.pki import Chain
from support.procs import Proc

_NEEDED = (
    "TLS_server_method",
    "SSL_CTX_new",
    "SSL_CTX_set_min_proto_version",
    "SSL_CTX_use_certificate_chain_file",
    "SSL_CTX_use_PrivateKey_file",
    "SSL_CTX_set1_curves_list",
    "SSL_new",
    "SSL_set_fd",
    "SSL_set_accept_state",
    "SSL_do_handshake",
    "SSL_get0_group_name",
    "SSL_read",
    "SSL_write",
    "SSL_shutdown",
    "SSL_free",
)

_SERVER = r"""
import socket, sys
from cryptography.hazmat.bindings.openssl.binding import Binding
lib, ffi = Binding.lib, Binding.ffi
port, groups, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = lib.SSL_CTX_new(lib.TLS_server_method())
assert lib.SSL_CTX_set_min_proto_version(ctx, 0x0304) == 1
assert lib.SSL_CTX_use_certificate_chain_file(ctx, cert.encode()) == 1
assert lib.SSL_CTX_use_PrivateKey_file(ctx, key.encode(), 1) == 1
assert lib.SSL_CTX_set1_curves_list(ctx, groups.encode()) == 1, "groups refused"
ls = socket.socket()
ls.bind(("127.0.0.1", port))
ls.listen(8)
print("listening", flush=True)
while True:
    conn, _ = ls.accept()
    ssl = lib.SSL_new(ctx)
    lib.SSL_set_fd(ssl, conn.fileno())
    lib.SSL_set_accept_state(ssl)
    if lib.SSL_do_handshake(ssl) != 1:
        print("tls-error", flush=True)
    else:
        name = lib.SSL_get0_group_name(ssl)
        print("group " + (ffi.string(name).decode() if name != ffi.NULL else "?"), flush=True)
        buf, data = ffi.new("char[]", 16384), b""
        while True:
            n = lib.SSL_read(ssl, buf, 16384)
            if n <= 0:
                break
            data += ffi.buffer(buf, n)[:]
            while b"\n" in data:
                line, data = data.split(b"\n", 1)
                if line.startswith(b"hello-from-client-"):
                    token = line[len(b"hello-from-client-"):]
                    print("got " + token.decode(), flush=True)
                    out = b"hello-from-server-" + token + b"\n"
                    lib.SSL_write(ssl, out, len(out))
        lib.SSL_shutdown(ssl)
    lib.SSL_free(ssl)
    conn.close()
"""


def binding_version() -> str:
    """The bundled OpenSSL's version text, or skip when the binding cannot serve."""
    from cryptography.hazmat.bindings.openssl.binding import Binding

    missing = [n for n in _NEEDED if not hasattr(Binding.lib, n)]
    if missing:
        pytest.skip(f"cryptography's OpenSSL binding lacks {', '.join(missing)}")
    text: bytes = Binding.ffi.string(Binding.lib.OpenSSL_version(0))
    return text.decode()


class BindingServer:
    """cryptography's bundled OpenSSL serving TLS 1.3 with ``groups``."""

    name = "cryptography-openssl"

    def __init__(self, chain: Chain, groups: Sequence[str]) -> None:
        self.version = binding_version()
        self.chain = chain
        self.groups = ":".join(groups)
        self.port = free_port()
        self.proc: Proc | None = None

    def start(self) -> BindingServer:
        cmd = [
            sys.executable,
            "-c",
            _SERVER,
            str(self.port),
            self.groups,
            str(self.chain.fullchain),
            str(self.chain.key),
        ]
        self.proc = Proc(cmd)
        wait_listening(self.port, HOST, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()

    def __enter__(self) -> BindingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        assert self.proc is not None
        return self.proc.wait_stdout(f"got {token}".encode(), timeout)

    def reply(self, token: str) -> bytes:
        return server_line(token)

    def negotiated(self, timeout: float = 10.0) -> list[str]:
        """The groups the server reported, one per handshake so far."""
        assert self.proc is not None
        self.proc.wait_stdout(b"group ", timeout)
        out = self.proc.out.data.decode(errors="replace")
        return [ln[len("group ") :] for ln in out.splitlines() if ln.startswith("group ")]
