"""SOCKS5 (RFC 1928) through a proxy, with user name and password
authentication (RFC 1929): an sclient addition (``-proxy socks5://…``).

``socks5``: the target's name is resolved here and its address goes to the
proxy; ``socks5h``: the name goes to the proxy, which resolves it (curl's
``--socks5-hostname``). Failures raise :class:`~sclient.transport.proxy.ProxyError`
with a line in the spirit of curl's ``--socks5`` messages.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from sclient.transport import tcp
from sclient.transport.proxy import ProxyError
from sclient.transport.socketio import SocketIO
from sclient.transport.tcp import Connection

VERSION = 5
NO_AUTH = 0x00
USER_PASS = 0x02
NO_ACCEPTABLE = 0xFF
CONNECT = 0x01
ATYP_IPV4 = 0x01
ATYP_DOMAIN = 0x03
ATYP_IPV6 = 0x04

#: RFC 1928 §6's reply codes, in the words curl uses for them.
REPLIES = {
    0x01: "general SOCKS server failure",
    0x02: "connection not allowed by ruleset",
    0x03: "network unreachable",
    0x04: "host unreachable",
    0x05: "connection refused",
    0x06: "TTL expired",
    0x07: "command not supported",
    0x08: "address type not supported",
}


def reply_text(code: int) -> str:
    return REPLIES.get(code, f"unknown reply {code}")


class _Reader:
    """Exact-length reads; each ``recv`` is told to ``on_io`` (-debug)."""

    def __init__(self, conn: Connection, on_io: SocketIO | None) -> None:
        self.conn = conn
        self.on_io = on_io

    def read(self, n: int, what: str) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.conn.recv(n - len(data))
            if self.on_io is not None:
                self.on_io.read(n - len(data), chunk, len(chunk))
            if not chunk:
                raise ProxyError(f"SOCKS5 proxy closed the connection (waiting for {what})")
            data += chunk
        return data


def _send(conn: Connection, data: bytes, on_io: SocketIO | None) -> None:
    conn.sendall(data)
    if on_io is not None:
        on_io.written(data, len(data))


def greeting(with_password: bool) -> bytes:
    """The methods offered: no authentication, and user/password when one is given."""
    methods = bytes([NO_AUTH, USER_PASS]) if with_password else bytes([NO_AUTH])
    return bytes([VERSION, len(methods)]) + methods


def password_request(user: str, password: str) -> bytes:
    u, p = user.encode(), password.encode()
    if len(u) > 255 or len(p) > 255:
        raise ProxyError("SOCKS5 user name and password are 255 bytes at most")
    return bytes([1, len(u)]) + u + bytes([len(p)]) + p


def address(host: str, port: int, remote_dns: bool, family: int) -> bytes:
    """ATYP, DST.ADDR and DST.PORT: the name itself (``socks5h``, or any
    address literal), else the first address the name resolves to."""
    literal = host.strip("[]")
    try:
        ip = ipaddress.ip_address(literal)
    except ValueError:
        ip = None
    if ip is None and not remote_dns:
        try:
            infos = (tcp.resolver or tcp._getaddrinfo)(
                literal, str(port), family, socket.SOCK_STREAM
            )
        except socket.gaierror as exc:
            raise ProxyError(
                f'Failed to resolve "{literal}" for SOCKS5 connect: {exc.strerror}'
            ) from None
        sockaddr: Any = infos[0][4]
        ip = ipaddress.ip_address(str(sockaddr[0]))
    tail = port.to_bytes(2, "big")
    if isinstance(ip, ipaddress.IPv4Address):
        return bytes([ATYP_IPV4]) + ip.packed + tail
    if isinstance(ip, ipaddress.IPv6Address):
        return bytes([ATYP_IPV6]) + ip.packed + tail
    name = literal.encode("idna") if not literal.isascii() else literal.encode()
    if len(name) > 255:
        raise ProxyError(f"SOCKS5: the host name is longer than 255 bytes: {literal}")
    return bytes([ATYP_DOMAIN, len(name)]) + name + tail


def socks5_connect(
    conn: Connection,
    host: str,
    port: str | None,
    user: str | None,
    password: str | None,
    *,
    remote_dns: bool,
    family: int = socket.AF_UNSPEC,
    on_io: SocketIO | None = None,
) -> None:
    """Ask the proxy on ``conn`` for a connection to ``host``:``port``; raises
    :class:`ProxyError` when it cannot be had."""
    try:
        port_no = int(port or "443")
    except ValueError:
        port_no = -1
    if not 0 < port_no < 65536:
        raise ProxyError(f"SOCKS5: the port must be a number from 1 to 65535, not {port}")
    target = f"{host}:{port_no}"
    reader = _Reader(conn, on_io)
    _send(conn, greeting(user is not None), on_io)
    version, method = reader.read(2, "its choice of method")
    if version != VERSION:
        raise ProxyError(f"SOCKS5 proxy answered with version {version}, not 5")
    if method == NO_ACCEPTABLE:
        hint = "" if user is not None else " (give a user name and password)"
        raise ProxyError(f"No authentication method was acceptable to the SOCKS5 proxy{hint}")
    if method == USER_PASS:
        if user is None:
            raise ProxyError("SOCKS5 proxy chose user/password authentication, none was offered")
        _send(conn, password_request(user, password or ""), on_io)
        _ver, status = reader.read(2, "the authentication status")
        if status != 0:
            raise ProxyError(f"User was rejected by the SOCKS5 proxy (status {status})")
    elif method != NO_AUTH:
        raise ProxyError(f"SOCKS5 proxy chose method {method}, which was not offered")
    _send(conn, bytes([VERSION, CONNECT, 0]) + address(host, port_no, remote_dns, family), on_io)
    version, rep, _rsv, atyp = reader.read(4, "the reply to CONNECT")
    if rep != 0:
        raise ProxyError(
            f"Can't complete SOCKS5 connection to {target}: {reply_text(rep)} (reply {rep})"
        )
    if atyp == ATYP_IPV4:
        reader.read(4 + 2, "the bound address")
    elif atyp == ATYP_IPV6:
        reader.read(16 + 2, "the bound address")
    elif atyp == ATYP_DOMAIN:
        (n,) = reader.read(1, "the bound address")
        reader.read(n + 2, "the bound address")
    else:
        raise ProxyError(f"SOCKS5 proxy replied with unknown address type {atyp}")
