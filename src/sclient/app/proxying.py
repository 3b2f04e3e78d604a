"""The proxy's part of a connection, once its TCP connection is made: the
HTTP CONNECT of ``-proxy host:port`` (OpenSSL's), or the SOCKS5 exchange of
``-proxy socks5://…``/``socks5h://…`` (sclient's addition)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sclient.app.program import Program


def through_proxy(p: Program) -> int | None:
    """Ask the proxy for the target; None when the tunnel is open, else the
    exit status (the reason is printed)."""
    from sclient.transport.proxy import ProxyError, http_connect

    t, o = p.s.target, p.o
    try:
        if o.proxy_scheme == "http":
            http_connect(p.conn, t.host or "", t.port, o.proxy_user, p.s.proxy_password, p.tap)
        else:
            from sclient.transport.socks import socks5_connect

            user, password = o.proxy_url_user, o.proxy_url_password
            if user is None and o.proxy_user is not None:
                user, password = o.proxy_user, p.s.proxy_password
            socks5_connect(
                p.conn,
                t.host or "localhost",
                t.port,
                user,
                password,
                remote_dns=o.proxy_scheme == "socks5h",
                family=t.family,
                on_io=p.tap,
            )
    except ProxyError as exc:
        p.c.err(f"s_client: {exc.message}\n")
        return 1
    except OSError as exc:
        p.c.err(f"write:errno={exc.errno or 0}\n")
        return 1
    if o.connect_timeout_s is not None or o.max_time_s is not None:
        from sclient.app.timeouts import proxy_opened

        proxy_opened(p)
    return None
