"""``-tlsextdebug``: s_client's ``tlsext_cb`` (output.md §14): each extension
the server sends, as OpenSSL collects it, named from the extensions
registry, with a ``BIO_dump`` of its body."""

from __future__ import annotations

from sclient.report.hexdump import bio_dump
from sclient.report.stream import Handler, Sink
from sclient.tls import events_rare as evr
from sclient.tls.registry.extensions import debug_name


class TlsextDebug:
    """The ``TLS server extension`` lines, on stdout."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def table(self) -> dict[type, Handler]:
        return {evr.ExtensionReceived: self.extension}

    def extension(self, e: evr.ExtensionReceived) -> None:
        name = debug_name(e.ext_type)
        self.sink.out(
            f'TLS server extension "{name}" (id={e.ext_type}), len={len(e.data)}\n'
            + bio_dump(e.data)
        )
