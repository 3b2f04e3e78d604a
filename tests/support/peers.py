"""Real TLS peers on loopback: ``openssl s_server``, ``gnutls-serv``, Python's ``ssl``.

Each starts on a free 127.0.0.1 port and is returned only once it accepts
connections. Missing binaries skip the test with the reason. Servers are
context managers; leaving the block kills and reaps them.

Data both ways, the same for every peer::

    token = "abc"
    client sends  b"hello-from-client-abc\\n"
    peer.expect_client_line(token)      # the server saw it
    expected = peer.reply(token)        # the bytes the client must print
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import pytest

from support.pki import Chain
from support.procs import Proc, run_openssl_s_client, run_sclient

__all__ = [
    "HOST",
    "GnuTLSServer",
    "OpenSSLServer",
    "PyTLSServer",
    "Relay",
    "ThreadedListener",
    "client_line",
    "free_port",
    "gnutls_server",
    "openssl_server",
    "python_server",
    "run_openssl_s_client",
    "run_sclient",
    "server_line",
    "wait_listening",
]

HOST = "127.0.0.1"
START_TIMEOUT = 15.0


def client_line(token: str) -> bytes:
    return f"hello-from-client-{token}\n".encode()


def server_line(token: str) -> bytes:
    return f"hello-from-server-{token}\n".encode()


def free_port(host: str = HOST) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def refused_port(host: str = HOST) -> Iterator[int]:
    """A port that refuses connections for as long as the block runs: bound by
    a socket that never listens, so that no server started meanwhile (other
    test processes start many) can take it, as one released at once could be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        yield int(s.getsockname()[1])


def wait_listening(
    port: int, host: str = HOST, timeout: float = START_TIMEOUT, proc: Proc | None = None
) -> None:
    """Return once ``host:port`` accepts a TCP connection (or fail)."""
    deadline = time.monotonic() + timeout
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    while True:
        if proc is not None and not proc.running():
            raise RuntimeError(
                f"{proc.cmd[0]} exited before listening (status {proc.p.returncode}):\n"
                f"{proc.err.data.decode(errors='replace')}{proc.out.data.decode(errors='replace')}"
            )
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            try:
                s.connect((host, port))
                return
            except OSError:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listening on {host}:{port} after {timeout}s")
        time.sleep(0.02)


def require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(
            f"{binary} not installed: install it (Debian: apt-get install "
            f"{'gnutls-bin' if binary.startswith('gnutls') else binary}) to run this test"
        )
    return path


# --- openssl s_server -----------------------------------------------------------


class OpenSSLServer:
    """``openssl s_server`` with a pipe on stdin (server -> client data) and stdout
    captured (client -> server data). ``-quiet`` by default, so stdout holds exactly
    the application data received and stdin EOF does not stop it."""

    name = "openssl"

    def __init__(
        self,
        chain: Chain | None,
        args: Sequence[str] = (),
        *,
        quiet: bool = True,
        cert_args: Sequence[str] | None = None,
    ) -> None:
        self.binary = require("openssl")
        self.chain = chain
        self.port = free_port()
        cmd = [self.binary, "s_server", "-accept", f"{HOST}:{self.port}"]
        if cert_args is not None:
            cmd += list(cert_args)
        elif chain is not None:
            cmd += [
                "-cert",
                str(chain.leaf),
                "-key",
                str(chain.key),
                "-cert_chain",
                str(chain.chain),
            ]
        if quiet:
            cmd.append("-quiet")
        cmd += list(args)
        self.cmd = cmd
        self.proc: Proc | None = None
        self._mark = 0

    def start(self) -> OpenSSLServer:
        for attempt in range(3):
            self.proc = Proc(self.cmd)
            try:
                wait_listening(self.port, proc=self.proc)
                return self
            except RuntimeError:
                self.proc.kill()
                if attempt == 2:
                    raise
                self.port = free_port()
                self.cmd[3] = f"{HOST}:{self.port}"
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()

    def __enter__(self) -> OpenSSLServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # data
    def write(self, data: bytes) -> None:
        assert self.proc is not None
        self.proc.write(data)

    @property
    def stdout(self) -> bytes:
        assert self.proc is not None
        return self.proc.out.data

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        assert self.proc is not None
        return self.proc.out.wait_for(client_line(token), timeout)

    def reply(self, token: str) -> bytes:
        line = server_line(token)
        self.write(line)
        return line


# --- gnutls-serv ----------------------------------------------------------------

_SHIM_SRC = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
/* gnutls-serv has no listen-address option and binds the wildcard address:
   rewrite a wildcard bind() to the loopback address of the same family. */
int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
    if (addr && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in a;
        memcpy(&a, addr, sizeof a);
        if (a.sin_addr.s_addr == htonl(INADDR_ANY)) {
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return real(fd, (const struct sockaddr *)&a, sizeof a);
        }
    } else if (addr && addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 a;
        memcpy(&a, addr, sizeof a);
        if (IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr)) {
            a.sin6_addr = in6addr_loopback;
            return real(fd, (const struct sockaddr *)&a, sizeof a);
        }
    }
    return real(fd, addr, len);
}
"""

_shim_lock = threading.Lock()
_shim_path: Path | None = None
_shim_error: str | None = None


def loopback_bind_shim() -> Path:
    """Build (once per process) the LD_PRELOAD shim that keeps gnutls-serv on loopback."""
    global _shim_path, _shim_error
    with _shim_lock:
        if _shim_path is not None:
            return _shim_path
        if _shim_error is None:
            cc = shutil.which("cc") or shutil.which("gcc")
            if cc is None:
                _shim_error = "no C compiler (cc) to build the loopback bind() shim for gnutls-serv"
            else:
                d = Path(tempfile.mkdtemp(prefix="sclient-shim-"))
                (d / "shim.c").write_text(_SHIM_SRC)
                r = subprocess.run(
                    [
                        cc,
                        "-shared",
                        "-fPIC",
                        "-O2",
                        "-o",
                        str(d / "shim.so"),
                        str(d / "shim.c"),
                        "-ldl",
                    ],
                    capture_output=True,
                    timeout=60,
                )
                if r.returncode == 0:
                    _shim_path = d / "shim.so"
                    return _shim_path
                _shim_error = "building the loopback bind() shim failed: " + r.stderr.decode(
                    errors="replace"
                )
    pytest.skip(f"gnutls-serv cannot be confined to loopback: {_shim_error}")


class GnuTLSServer:
    """``gnutls-serv --echo``: what the client sends comes back."""

    name = "gnutls"

    def __init__(
        self,
        chain: Chain,
        args: Sequence[str] = (),
        *,
        priority: str | None = None,
        ask_client_cert: bool = False,
    ) -> None:
        self.binary = require("gnutls-serv")
        self.ask_client_cert = ask_client_cert
        self.shim = loopback_bind_shim()
        self.chain = chain
        self.port = free_port()
        self.args = list(args)
        self.priority = priority
        self.proc: Proc | None = None

    def _cmd(self) -> list[str]:
        cmd = [
            self.binary,
            "--echo",
            *(() if self.ask_client_cert else ("-a",)),  # -a: ask for no client certificate
            "--port",
            str(self.port),
            "--x509certfile",
            str(self.chain.fullchain),
            "--x509keyfile",
            str(self.chain.key),
        ]
        if self.priority:
            cmd.append(f"--priority={self.priority}")
        return cmd + self.args

    def start(self) -> GnuTLSServer:
        env = dict(os.environ)
        env["LD_PRELOAD"] = str(self.shim)
        for attempt in range(3):
            self.proc = Proc(self._cmd(), env=env)
            try:
                wait_listening(self.port, proc=self.proc)
                return self
            except RuntimeError:
                self.proc.kill()
                if attempt == 2:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()

    def __enter__(self) -> GnuTLSServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        return True  # an echo server: the echo is the proof

    def reply(self, token: str) -> bytes:
        return client_line(token)


# --- Python's ssl server ----------------------------------------------------------

#: OpenSSL's SSL_OP_NO_ENCRYPT_THEN_MAC (not exported by Python 3.11's ssl module).
OP_NO_ENCRYPT_THEN_MAC = 1 << 19


def default_reply(line: bytes) -> bytes | None:
    prefix = b"hello-from-client-"
    if line.startswith(prefix):
        return b"hello-from-server-" + line[len(prefix) :]
    return b"echo: " + line


class ThreadedListener:
    """A listening socket on loopback served by daemon threads: ``start()``,
    ``stop()``, and a ``with`` block. Subclasses set ``host`` and handle each
    accepted connection in :meth:`_on_connection`."""

    host: str = HOST
    port: int
    _sock: socket.socket | None
    _stop: threading.Event
    _threads: list[threading.Thread]

    def _init_listener(self) -> None:
        self.port = 0
        self._sock = None
        self._stop = threading.Event()
        self._threads = []

    def start(self) -> Self:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, 0))
        s.listen(16)
        s.settimeout(0.2)
        self._sock = s
        self.port = int(s.getsockname()[1])
        self._spawn(self._accept_loop)
        return self

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self._threads.append(t)

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._on_connection(conn)

    def _on_connection(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
        for t in self._threads:
            t.join(5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class HandshakeInfo:
    version: str | None
    cipher: str | None
    alpn: str | None


@dataclass
class PyTLSServer(ThreadedListener):
    """A TLS echo server on Python's ``ssl`` module, in threads."""

    chain: Chain
    min_version: ssl.TLSVersion | None = None
    max_version: ssl.TLSVersion | None = None
    ciphers: str | None = None
    alpn: Sequence[str] | None = None
    options: int = 0
    dh_params: Path | None = None
    reply_fn: Callable[[bytes], bytes | None] = default_reply
    greeting: bytes | None = None
    close_after_greeting: bool = False
    host: str = HOST
    name: str = "python"
    lines: list[bytes] = field(default_factory=list)
    handshakes: list[HandshakeInfo] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._init_listener()
        self._cond = threading.Condition()
        self.ctx = self._context()

    def _context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.chain.fullchain), str(self.chain.key))
        if self.min_version is not None:
            ctx.minimum_version = self.min_version
        if self.max_version is not None:
            ctx.maximum_version = self.max_version
        if self.ciphers:
            ctx.set_ciphers(self.ciphers)
        if self.alpn:
            ctx.set_alpn_protocols(list(self.alpn))
        if self.dh_params is not None:
            ctx.load_dh_params(str(self.dh_params))
        if self.options:
            ctx.options |= self.options
        return ctx

    def _on_connection(self, conn: socket.socket) -> None:
        self._spawn(self._serve, conn)

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(15)
        try:
            with self.ctx.wrap_socket(raw, server_side=True) as conn:
                info = HandshakeInfo(
                    conn.version(), (conn.cipher() or (None,))[0], conn.selected_alpn_protocol()
                )
                with self._cond:
                    self.handshakes.append(info)
                    self._cond.notify_all()
                if self.greeting:
                    conn.sendall(self.greeting)
                if self.close_after_greeting:
                    with contextlib.suppress(OSError, ssl.SSLError):
                        conn.unwrap()
                    return
                buf = b""
                while not self._stop.is_set():
                    try:
                        chunk = conn.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    buf += chunk
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        with self._cond:
                            self.lines.append(line)
                            self._cond.notify_all()
                        answer = self.reply_fn(line)
                        if answer is not None:
                            conn.sendall(answer + b"\n")
                with contextlib.suppress(OSError, ssl.SSLError):
                    conn.unwrap()
        except (OSError, ssl.SSLError) as e:
            with self._cond:
                self.errors.append(repr(e))
                self._cond.notify_all()
        finally:
            raw.close()

    def expect_client_line(self, token: str, timeout: float = 10.0) -> bool:
        want = client_line(token).rstrip(b"\n")
        deadline = time.monotonic() + timeout
        with self._cond:
            while want not in self.lines:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def reply(self, token: str) -> bytes:
        return server_line(token)


# --- a relay between the client and a real server ---------------------------------

RecordHook = Callable[[int, int, bytes], list[bytes]]


def split_records(buf: bytearray) -> Iterator[tuple[int, int, bytes]]:
    """Pop complete TLS records (type, version, payload) from the front of ``buf``."""
    while len(buf) >= 5:
        length = int.from_bytes(buf[3:5], "big")
        if len(buf) < 5 + length:
            return
        rec = bytes(buf[: 5 + length])
        del buf[: 5 + length]
        yield rec[0], int.from_bytes(rec[1:3], "big"), rec[5:]


def read_record(conn: socket.socket, timeout: float = 10.0) -> bytes:
    """The first TLS record the peer of ``conn`` sends, whole (less at EOF)."""
    conn.settimeout(timeout)
    data = b""
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data[: 5 + int.from_bytes(data[3:5], "big")] if len(data) >= 5 else data


def frame(ctype: int, version: int, payload: bytes) -> bytes:
    return bytes([ctype]) + version.to_bytes(2, "big") + len(payload).to_bytes(2, "big") + payload


def tiny_records(ctype: int, version: int, payload: bytes, state: dict[str, bool]) -> list[bytes]:
    """Re-frame the server's plaintext handshake records into 1-byte records."""
    if ctype in (20, 23):
        state["encrypted"] = True
    if ctype == 22 and not state.get("encrypted"):
        return [frame(ctype, version, payload[i : i + 1]) for i in range(len(payload))]
    return [frame(ctype, version, payload)]


class Relay(ThreadedListener):
    """TCP relay on loopback in front of ``upstream_port``.

    ``server_hook(type, version, payload) -> [raw records]`` rewrites what the
    server sends, record by record. ``tiny`` re-frames the server's plaintext
    handshake records into records of one byte each. ``bytewise`` writes the
    server's bytes to the client one ``send()`` per byte (TCP_NODELAY).
    Everything the client sent is kept in ``client_bytes`` (per connection).
    """

    def __init__(
        self,
        upstream_port: int,
        *,
        server_hook: RecordHook | None = None,
        tiny: bool = False,
        bytewise: bool = False,
        upstream_host: str = HOST,
    ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.server_hook = server_hook
        self.tiny = tiny
        self.bytewise = bytewise
        self.client_bytes: list[bytearray] = []
        self._init_listener()

    def _on_connection(self, c: socket.socket) -> None:
        try:
            u = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            c.close()
            return
        for sk in (c, u):
            sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sk.settimeout(0.2)
        sent = bytearray()
        self.client_bytes.append(sent)
        self._spawn(self._c2s, c, u, sent)
        self._spawn(self._s2c, u, c)

    def _c2s(self, c: socket.socket, u: socket.socket, sent: bytearray) -> None:
        try:
            while not self._stop.is_set():
                try:
                    d = c.recv(65536)
                except TimeoutError:
                    continue
                if not d:
                    break
                sent += d
                u.sendall(d)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                u.shutdown(socket.SHUT_WR)

    def _s2c(self, u: socket.socket, c: socket.socket) -> None:
        buf = bytearray()
        state: dict[str, bool] = {}
        try:
            while not self._stop.is_set():
                try:
                    d = u.recv(65536)
                except TimeoutError:
                    continue
                if not d:
                    break
                if self.server_hook is None and not self.tiny:
                    out = [d]
                else:
                    buf += d
                    out = []
                    for ctype, ver, payload in split_records(buf):
                        if self.tiny:
                            out += tiny_records(ctype, ver, payload, state)
                        else:
                            assert self.server_hook is not None
                            out += self.server_hook(ctype, ver, payload)
                for chunk in out:
                    if self.bytewise:
                        for i in range(len(chunk)):
                            c.sendall(chunk[i : i + 1])
                    else:
                        c.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_WR)


# --- context-manager shorthands ------------------------------------------------------


@contextlib.contextmanager
def openssl_server(chain: Chain | None, *args: str, quiet: bool = True) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(chain, args, quiet=quiet) as srv:
        yield srv


@contextlib.contextmanager
def gnutls_server(chain: Chain, *args: str, priority: str | None = None) -> Iterator[GnuTLSServer]:
    with GnuTLSServer(chain, args, priority=priority) as srv:
        yield srv


@contextlib.contextmanager
def python_server(chain: Chain, **kw: object) -> Iterator[PyTLSServer]:
    with PyTLSServer(chain, **kw) as srv:  # type: ignore[arg-type]
        yield srv


@contextlib.contextmanager
def openssl_servers(
    specs: dict[str, tuple[Chain | None, list[str]]], loud: tuple[str, ...] = ("psk",)
) -> Iterator[dict[str, OpenSSLServer]]:
    """Several ``openssl s_server`` peers by name, all stopped at the end
    (``loud``: the ones whose -quiet must stay off, e.g. for PSK)."""
    started: dict[str, OpenSSLServer] = {}
    try:
        for name, (chain, args) in specs.items():
            started[name] = OpenSSLServer(chain, args, quiet=name not in loud).start()
        yield started
    finally:
        for s in started.values():
            s.stop()
