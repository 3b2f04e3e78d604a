"""The sans-I/O TLS engine: bytes in, events and bytes out.

The public surface is :class:`~sclient.tls.client.Client` driven by a
:class:`~sclient.tls.config.ClientConfig`, the events it returns
(:mod:`sclient.tls.events`), its error tree (:mod:`sclient.tls.errors`) and
:class:`~sclient.tls.session.Session`. Nothing in this package touches a
socket, a clock or an entropy source of its own.

Layout: ``registry`` (IANA/OpenSSL tables) <- ``wire`` (codecs) and
``crypto`` (adapters over ``cryptography``) <- ``records`` (record layer),
``hello``/``tls13``/``tls12`` (handshake states, table in ``states``) <-
``client``. Submodules are imported lazily: ``import sclient.tls`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sclient.tls.client import Client
    from sclient.tls.config import ClientConfig
    from sclient.tls.session import Session

__all__ = ["Client", "ClientConfig", "Session"]


def __getattr__(name: str) -> Any:
    if name == "Client":
        from sclient.tls.client import Client

        return Client
    if name == "ClientConfig":
        from sclient.tls.config import ClientConfig

        return ClientConfig
    if name == "Session":
        from sclient.tls.session import Session

        return Session
    raise AttributeError(name)
