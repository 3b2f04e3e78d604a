"""``-nbio_test``: the line s_client's loop prints on stdout for each retry
the filter makes (``write W BLOCK``, ``write R BLOCK``, ``read R BLOCK``,
``read W BLOCK``)."""

from __future__ import annotations

from sclient.report.stream import Handler, Sink
from sclient.transport.nbiotest import NbioRetry


class BlockLines:
    """The BLOCK lines, on stdout."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def table(self) -> dict[type, Handler]:
        return {NbioRetry: self.retry}

    def retry(self, e: NbioRetry) -> None:
        if e.block is not None:
            self.sink.out(e.block + "\n")
