"""The sans-I/O TLS engine (level 2): bytes in, events and bytes out. It imports
only ``base``; it never prints, never opens a socket and reads the clock and
randomness only through its config.

The public surface is :class:`~sclient.tls.client.Client` driven by a
:class:`~sclient.tls.config.ClientConfig`, the events it returns
(:mod:`sclient.tls.events`), its error tree (:mod:`sclient.tls.errors`) and
:class:`~sclient.tls.session.Session` (with :mod:`.sessionfile`, OpenSSL's
session file form).

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
* ``dtls`` — DTLS 1.0 and 1.2 behind the same client: its record layer
  (epochs, replay window, flights, the retransmission timer), handshake
  reassembly, the cookie exchange; the TLS states run unchanged.
* ``client`` — :class:`~sclient.tls.client.Client`, the sans-I/O driver;
  ``events`` — everything it reports, one event per OpenSSL callback moment;
  ``config``, ``session``, ``sessionfile``, ``conf``/``conf_ciph`` (OpenSSL's
  option and cipher-string languages).

Submodules are imported lazily: ``import sclient.tls`` is cheap.

New protocol work goes here: an event a renderer needs (for ``-msg``,
``-trace``, ``-state``) is added to ``events`` and emitted by the state
machine; DTLS is a record layer beside ``records`` and states beside
``tls12``/``tls13``; ECH is an offer built in ``hello`` from ``config``, with
its extension codecs in ``wire.extensions`` and code points in ``registry``.
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
