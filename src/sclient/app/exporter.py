"""``-keymatexport``/``-keymatexportlen``: the keying material s_client's
``print_stuff`` exports (``SSL_export_keying_material`` with no context) each
time it prints the summary; the report keeps it for the text and -json."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sclient.app.program import Program

#: s_client's default ``keymatexportlen``.
DEFAULT_LENGTH = 20


def export_keys(p: Program) -> None:
    """Export now; a handshake that did not complete, a reserved TLS 1.2 label
    or a length the exporter cannot give leaves ``None`` (``    Error``)."""
    from sclient.tls.errors import UsageError

    label = p.o.keymatexport
    if label is None:
        return
    length = p.o.keymatexportlen if p.o.keymatexportlen is not None else DEFAULT_LENGTH
    material: bytes | None
    try:
        material = p.client.export_keying_material(os.fsencode(label), None, length)
    except (UsageError, ValueError, OverflowError):
        material = None
    p.current.keying_material = (label, length, material)
