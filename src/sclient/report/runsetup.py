"""What the run was asked to do, as ``-json`` and ``-explain`` report it (the
document's ``target``, ``sni`` and ``host_check``; the host ``-explain``
compares with the certificate's names)."""

from __future__ import annotations

from sclient.base.structs import Struct


class Setup(Struct, frozen=True, slots=True):
    """What the run was asked to do (the document's ``target``, ``sni`` and
    ``host_check``)."""

    host: str | None
    port: str | None
    unix: str | None = None
    proxy_host: str | None = None
    proxy_port: str | None = None
    proxy_type: str = "http"  # http (CONNECT), socks5, socks5h
    sni: str | None = None
    #: -verify_hostname, -verify_ip, -verify_email (None: none given).
    host_check: dict[str, str | None] | None = None
    #: -status: OCSP stapling was asked for.
    status: bool = False
    #: -explain: the document carries ``explanations``.
    explain: bool = False

    @property
    def proxied(self) -> bool:
        return self.proxy_host is not None
