"""``-early_data FILE``: what s_client does around SSL_write_early_data.

s_client opens the file only when the session it resumes (or its
``-psk_session``) allows early data; it cannot be opened: ``Cannot open early
data file`` and the ``shut:`` path (the summary, exit 1). A piece the session's
``max_early_data`` cannot take: ``Error writing early data`` and the error
queue, then the same path. A directory reads as empty, as BIO_read does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sclient.app.common import Shut
from sclient.base import structs
from sclient.tls import events as ev
from sclient.tls.config import ClientConfig

if TYPE_CHECKING:
    from sclient.app.program import Program

__all__ = ["with_early_data", "write_failed"]


def with_early_data(p: Program, path: str, cfg: ClientConfig) -> ClientConfig:
    """``cfg`` with the file's bytes as early data, when the session allows it."""
    from sclient.tls.early import early_plan

    if early_plan(cfg) is None:
        return cfg  # nothing is sent, the file is not even opened
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        data = b""
    except OSError:
        p.c.err("Cannot open early data file\n")
        # SSL_set_session's session is the connection's: the summary shows it
        p.current.offered_session = cfg.resume
        raise Shut(1) from None
    return structs.replace(cfg, early_data=data)


def write_failed(p: Program, events: Sequence[object]) -> None:
    """SSL_write_early_data failed (the engine refused a piece): s_client's line
    before the error queue."""
    for e in events:
        if isinstance(e, ev.ConnectionFailed) and e.error.reason == "TOO_MUCH_EARLY_DATA":
            p.c.err("Error writing early data\n")
