"""HTTP CONNECT through a proxy, as OpenSSL 3.0's ``OSSL_HTTP_proxy_connect``
(starttls.md §3): request bytes, line-wise response parsing with a read-ahead
buffer whose left-over bytes are discarded, and s_client's messages."""

from __future__ import annotations

import base64

from sclient.transport.socketio import SocketIO
from sclient.transport.tcp import Connection

_BUF = 8 * 1024
_LINE1_MINLEN = 13


class ProxyError(Exception):
    """The CONNECT failed; ``message`` is the stderr line (without ``s_client: ``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def connect_request(host: str, port: str | None, user: str | None, password: str | None) -> bytes:
    """The request s_client 3.0 sends (port defaults to 443 when empty, as the library does)."""
    lines = [f"CONNECT {host}:{port or '443'} HTTP/1.0\r\n", "Proxy-Connection: Keep-Alive\r\n"]
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode("latin-1")).decode("ascii")
        lines.append(f"Proxy-Authorization: Basic {token}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")


class _LineReader:
    """``BIO_gets`` over a buffering BIO: one ``recv`` per refill, lines include ``\\n``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.buf = b""
        self.eof = False
        self.on_io: SocketIO | None = None

    def gets(self) -> bytes:
        limit = _BUF - 1
        while True:
            nl = self.buf.find(b"\n", 0, limit)
            if nl >= 0:
                line, self.buf = self.buf[: nl + 1], self.buf[nl + 1 :]
                return line
            if len(self.buf) >= limit or self.eof:
                line, self.buf = self.buf[:limit], self.buf[limit:]
                return line
            chunk = self.conn.recv(4096)
            if self.on_io is not None:
                self.on_io.read(4096, chunk, len(chunk))
            if not chunk:
                self.eof = True
            self.buf += chunk


def http_connect(
    conn: Connection,
    host: str,
    port: str | None,
    user: str | None,
    password: str | None,
    on_io: SocketIO | None = None,
) -> None:
    """Send the CONNECT request and read the reply; raises :class:`ProxyError`.
    ``on_io`` hears of each socket read and write (-debug)."""
    request = connect_request(host, port, user, password)
    conn.sendall(request)
    if on_io is not None:
        on_io.written(request, len(request))
    reader = _LineReader(conn)
    reader.on_io = on_io
    while True:
        line = reader.gets()
        if len(line) < _LINE1_MINLEN:
            if reader.eof and not reader.buf:
                # OpenSSL 3.0 spins here forever; we stop with a reason instead.
                raise ProxyError("HTTP CONNECT failed, connection closed by proxy")
            continue
        if not line.startswith(b"HTTP/"):
            raise ProxyError("HTTP CONNECT failed, non-HTTP response")
        rest = line[5:]
        if not rest.startswith(b"1."):
            raise ProxyError("HTTP CONNECT failed, bad HTTP version " + rest[:3].decode("latin-1"))
        rest = rest[3:]
        if not rest.startswith(b" 2"):
            reason = rest.rstrip(b" \t\r\n\v\f").decode("latin-1")
            raise ProxyError("HTTP CONNECT failed, reason=" + reason)
        break
    while len(reader.gets()) > 2:
        pass
