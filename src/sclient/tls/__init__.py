"""The sans-I/O TLS engine: bytes in, events and bytes out.

The public surface is :class:`~sclient.tls.client.Client` driven by a
:class:`~sclient.tls.config.ClientConfig`, the events it returns
(:mod:`sclient.tls.events`), its error tree (:mod:`sclient.tls.errors`) and
:class:`~sclient.tls.session.Session`. Nothing in this package touches a
socket, a clock or an entropy source of its own.

Layout, bottom up (who owns what):

* ``registry`` — the IANA/OpenSSL tables (suites, extensions, groups,
  schemes, alerts, reasons); ``wire`` — message and extension codecs;
  ``crypto`` — adapters over ``cryptography`` (key schedules, record
  protection, key exchange, signatures).
* ``records`` — the record layer (framing, protection, fragmentation) and
  :class:`~sclient.tls.records.RecordPort`, the narrow interface the
  handshake states use; ``hsreader`` — handshake message reassembly across
  and within records.
* ``states`` — the handshake context (:class:`~sclient.tls.states.Handshake`),
  the state base class and the table of what each state accepts;
  ``facts`` — what the server settled so far, which builds ``Negotiated``
  and the ``Session``.
* ``hello`` — the ClientHello (a table of extension builders) and the
  :class:`~sclient.tls.hello.Offer`; ``serverhello`` — the ServerHello and
  HelloRetryRequest, handing over to ``tls13`` or ``tls12``; ``peer`` — the
  server's certificates and signatures; ``clientauth`` — our certificate.
* ``client`` — :class:`~sclient.tls.client.Client`, the sans-I/O driver;
  ``events`` — everything it reports, one event per OpenSSL callback moment;
  ``config``, ``session``, ``sessionfile``, ``conf``/``conf_ciph`` (OpenSSL's
  option and cipher-string languages).

Submodules are imported lazily: ``import sclient.tls`` is cheap.
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
