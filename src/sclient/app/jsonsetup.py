"""What ``-json`` reports the run was asked to do (its ``target``, ``sni`` and
``host_check``), from the options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.report.jsonout import Setup

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options


def json_setup(o: Options) -> Setup:
    """What ``-json`` reports the run was asked to do."""
    from sclient.app.settings import resolve_target, server_name

    t = resolve_target(o)
    names = {"hostname": o.verify_hostname, "ip": o.verify_ip, "email": o.verify_email}
    host_check = None
    if any(v is not None for v in names.values()):
        host_check = {k: None if v is None else str(v) for k, v in names.items()}
    return Setup(
        host=t.host,
        port=t.port,
        unix=t.unix,
        proxy_host=t.proxy_host if t.proxied else None,
        proxy_port=t.proxy_port if t.proxied else None,
        proxy_type=o.proxy_scheme,
        sni=server_name(o, t),
        host_check=host_check,
        status=o.status,
        explain=o.explain or o.explain_probe,
    )
