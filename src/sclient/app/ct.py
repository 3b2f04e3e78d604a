"""``-ct`` after the handshake: what SCT validation left on OpenSSL's error
queue (``SCT_CTX_verify``'s ``sct invalid signature`` / ``sct future
timestamp``). s_client's first ``SSL_write`` then sees ``SSL_ERROR_SSL``: it
prints the queue and leaves through ``shut:`` with exit status 1 (the summary
is printed, the connection closed with close_notify, no ``DONE``)."""

from __future__ import annotations

from typing import Any

from sclient.app.common import leave_on_queued_errors


def check_sct_errors(p: Any) -> None:
    """Under ``-ct``, once the handshake is complete (and its summary out)."""
    from sclient.report.ct import connection_scts

    errors = [x for s in connection_scts(p.current, p.view.ct_logs) for x in s.errors]
    leave_on_queued_errors(errors, p.text.error)
