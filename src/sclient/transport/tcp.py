"""TCP and UNIX-domain connect by ``apps/lib/s_socket.c:init_client`` rules.

Failures are returned as :class:`ConnectError` carrying OpenSSL's error-queue
entries, the optional ``Can't bind …`` line and the errno for
``connect:errno=N`` (output.md §2).
"""

from __future__ import annotations

import contextlib
import errno as errno_mod
import os
import select
import socket
from collections.abc import Callable

from sclient.base.structs import field, struct
from sclient.report.errors import BIO_LIB, ErrorEntry, system_error
from sclient.transport import clock

_SOCK2 = "../crypto/bio/bio_sock2.c"
#: s_client's BUFSIZZ: the size of each read of the drain after shutdown.
_DRAIN_SIZE = 8192


class ConnectError(Exception):
    """Connecting failed; print ``lines`` then the error queue then ``connect:errno=N``."""

    def __init__(
        self, entries: list[ErrorEntry], errno: int = 0, lines: list[str] | None = None
    ) -> None:
        super().__init__("; ".join(e.reason for e in entries) or "connect failed")
        self.entries = entries
        self.errno = errno
        self.lines = lines or []


def _lookup_error(exc: OSError) -> ErrorEntry:
    text = exc.strerror or str(exc)
    return ErrorEntry(
        0x10080002, BIO_LIB, "BIO_lookup_ex", "system lib", "../crypto/bio/bio_addr.c", 746, text
    )


def _strerror(code: int) -> str:
    return os.strerror(code)


@struct
class Connection:
    """A connected stream socket that counts the bytes it moves."""

    sock: socket.socket
    family: int
    bytes_read: int = 0
    bytes_written: int = 0
    started: float = field(default_factory=clock.monotonic)
    connected: float = 0.0

    def fileno(self) -> int:
        return self.sock.fileno()

    def recv(self, n: int = 16384) -> bytes:
        data = self.sock.recv(n)
        self.bytes_read += len(data)
        return data

    def recv_into(self, buf: memoryview) -> int:
        n = self.sock.recv_into(buf)
        self.bytes_read += n
        return n

    def sendall(self, data: bytes | memoryview) -> None:
        if data:
            self.sock.sendall(data)
            self.bytes_written += len(data)

    def readable(self, timeout: float | None) -> bool:
        r, _, _ = select.select([self.sock], [], [], timeout)
        return bool(r)

    def set_blocking(self, flag: bool) -> None:
        self.sock.setblocking(flag)

    def shutdown_and_drain(
        self,
        timeout: float = 0.5,
        on_read: Callable[[int, bytes, int], None] | None = None,
    ) -> None:
        """``shutdown(SHUT_WR)`` then read and discard for up to ``timeout`` seconds
        in all (s_client's ``shut:`` path; Linux select() consumes its timeout),
        reads of s_client's 8192 bytes; ``on_read(requested, data, result)``
        hears of each (result -1 on an error)."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return
        deadline = clock.monotonic() + timeout
        while True:
            left = deadline - clock.monotonic()
            if left <= 0:
                return
            try:
                if not self.readable(left):
                    return
                data = self.recv(_DRAIN_SIZE)
                if on_read is not None:
                    on_read(_DRAIN_SIZE, data, len(data))
                if not data:
                    return
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                if on_read is not None:
                    on_read(_DRAIN_SIZE, b"", -1)
                return

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def socket_error_entries(code: int) -> list[ErrorEntry]:
    """The error queue of a socket() that failed with ``code``."""
    return [
        system_error("BIO_socket", code, _strerror(code), _SOCK2, 54, "calling socket()"),
        ErrorEntry(0x10000076, BIO_LIB, "BIO_socket", "unable to create socket", _SOCK2, 55),
    ]


def connect_error_entries(code: int) -> list[ErrorEntry]:
    """The error queue of a connect() that failed with ``code``."""
    return [
        system_error("BIO_connect", code, _strerror(code), _SOCK2, 117, "calling connect()"),
        ErrorEntry(0x10000067, BIO_LIB, "BIO_connect", "connect error", _SOCK2, 119),
    ]


def _family_name(family: int) -> str:
    if family == socket.AF_INET6:
        return "IPv6 "
    if family == socket.AF_INET:
        return "IPv4 "
    if family == getattr(socket, "AF_UNIX", -1):
        return "unix "
    return ""


def is_ip_literal(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 address (with an IPv6 zone such as
    ``%eth0`` allowed) rather than a name to look up: the C library's
    ``inet_pton``, which reads the forms ``ipaddress.ip_address`` reads (no
    leading zeros, no shortened IPv4), without importing ``ipaddress``."""
    address = host.split("%", 1)[0]
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, address)
        except (OSError, ValueError):
            continue
        return True
    return False


def _getaddrinfo(
    host: str | None, port: str | None, family: int, socktype: int = socket.SOCK_STREAM
) -> list[tuple[int, int, int, str, object]]:
    flags = socket.AI_ADDRCONFIG if family == socket.AF_UNSPEC else 0
    node: str | bytes | None = host
    if host is not None and host.isascii():
        node = host.encode("ascii")  # a str host costs an import of the idna codec
    proto = socket.IPPROTO_TCP if socktype == socket.SOCK_STREAM else socket.IPPROTO_UDP
    return socket.getaddrinfo(node, port, family, socktype, proto, flags)  # type: ignore[return-value]


#: The name lookup :func:`connect` uses: a deadline (``-connect_timeout``)
#: puts one there that a signal can interrupt (``app.timeouts``).
Resolver = Callable[[str | None, str | None, int, int], list[tuple[int, int, int, str, object]]]
resolver: Resolver | None = None


def connect(
    host: str | None,
    port: str | None,
    *,
    family: int = socket.AF_UNSPEC,
    bind_host: str | None = None,
    bind_port: str | None = None,
    unix_path: str | None = None,
    socktype: int = socket.SOCK_STREAM,
) -> Connection:
    """Connect like ``init_client``: look up, then try each address in order
    (``socktype`` SOCK_DGRAM: a connected UDP socket, for DTLS)."""
    started = clock.monotonic()
    if unix_path is not None:
        return _connect_unix(unix_path, started)
    try:
        targets = (resolver or _getaddrinfo)(host, port, family, socktype)
    except socket.gaierror as exc:
        raise ConnectError([_lookup_error(exc)]) from None
    binds: list[tuple[int, int, int, str, object]] | None = None
    if bind_host is not None or bind_port is not None:
        try:
            binds = _getaddrinfo(bind_host, bind_port, family, socktype)
        except socket.gaierror as exc:
            raise ConnectError([_lookup_error(exc)]) from None

    entries: list[ErrorEntry] = []
    last_errno = 0
    found = 0
    for fam, stype, proto, _canon, addr in targets:
        bind_addr = None
        if binds is not None:
            match = [b for b in binds if b[0] == fam]
            if not match:
                continue
            found += 1
            bind_addr = match[0][4]
        try:
            sock = socket.socket(fam, stype, proto)
        except OSError as exc:
            code = exc.errno or 0
            entries += socket_error_entries(code)
            last_errno = code
            continue
        if bind_addr is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(bind_addr)  # type: ignore[arg-type]
            except OSError as exc:
                code = exc.errno or 0
                entries.append(
                    system_error("BIO_bind", code, _strerror(code), _SOCK2, 171, "calling bind()")
                )
                entries.append(
                    ErrorEntry(
                        0x10000075, BIO_LIB, "BIO_bind", "unable to bind socket", _SOCK2, 173
                    )
                )
                sock.close()
                last_errno = code
                break
        try:
            if fam in (socket.AF_INET, socket.AF_INET6) and socktype == socket.SOCK_STREAM:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.connect(addr)  # type: ignore[arg-type]
        except OSError as exc:
            code = exc.errno or 0
            entries += connect_error_entries(code)
            sock.close()
            last_errno = code
            continue
        conn = Connection(sock, fam, started=started)
        conn.connected = clock.monotonic()
        return conn

    lines: list[str] = []
    if binds is not None and not found:
        fam0 = targets[0][0] if targets else socket.AF_UNSPEC
        lines.append(
            f"Can't bind {_family_name(fam0)}address for {bind_host or ''}"
            f"{':' if bind_port is not None else ''}{bind_port or ''}"
        )
        entries = []
        last_errno = 0
    raise ConnectError(entries, last_errno, lines)


def _connect_unix(path: str, started: float) -> Connection:
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError as exc:  # pragma: no cover - no AF_UNIX
        code = exc.errno or errno_mod.EAFNOSUPPORT
        raise ConnectError(
            [system_error("BIO_socket", code, _strerror(code), _SOCK2, 54, "calling socket()")],
            code,
        ) from None
    try:
        sock.connect(path)
    except OSError as exc:
        sock.close()
        code = exc.errno or 0
        raise ConnectError(
            [
                system_error(
                    "BIO_connect", code, _strerror(code), _SOCK2, 117, "calling connect()"
                ),
                ErrorEntry(0x10000067, BIO_LIB, "BIO_connect", "connect error", _SOCK2, 119),
            ],
            code,
        ) from None
    conn = Connection(sock, socket.AF_UNIX, started=started)
    conn.connected = clock.monotonic()
    return conn
