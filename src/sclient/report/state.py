"""``-state``: s_client's info callback (``apps_ssl_info_callback``,
output.md §13), on stderr.

* each state the handshake reaches: ``SSL_connect:<state>``
  (``SSL_state_string_long``, the engine's :class:`~sclient.tls.events.StateChanged`);
* each alert read or written: ``SSL3 alert read:fatal:protocol version``
  (level, then ``SSL_alert_desc_string_long``);
* a handshake that fails: ``SSL_connect:error in error`` (OpenSSL's state
  machine is in its error state by then); one whose socket fails under it
  (a reset): ``SSL_connect:error in <the last state>``, which no error
  state replaced;
* ``-nbio_test``: each retry in the handshake, ``SSL_connect:error in
  <state>``, where the state is the one the handshake is in: the state the
  next ``SSL_connect:<state>`` line names (OpenSSL prints a state as it
  leaves it), so the retries wait for that line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sclient.tls import events as ev
from sclient.tls.registry import alerts

Handler = Callable[[Any], None]


def alert_line(read: bool, level: int, description: int) -> str:
    where = "read" if read else "write"
    level_name = alerts.LEVEL_NAMES.get(level, "unknown")
    return f"SSL3 alert {where}:{level_name}:{alerts.long_name(description)}\n"


class StateRenderer:
    """Prints the info callback's lines to ``err``."""

    def __init__(self, err: Callable[[str], None]) -> None:
        self.err = err
        self.state = "before SSL initialization"
        self.retries = 0  # -nbio_test: retries waiting for the state they happened in

    def table(self) -> dict[type, Handler]:
        from sclient.transport.nbiotest import NbioRetry

        return {
            NbioRetry: self.retry,
            ev.HandshakeComplete: self.complete,
            ev.StateChanged: self.changed,
            ev.AlertSent: lambda e: self.err(alert_line(False, e.level, e.description)),
            ev.AlertReceived: lambda e: self.err(alert_line(True, e.level, e.description)),
            ev.ConnectionFailed: self.failed,
        }

    def changed(self, e: ev.StateChanged) -> None:
        self.state = e.state
        self.err(f"SSL_connect:error in {e.state}\n" * self.retries + f"SSL_connect:{e.state}\n")
        self.retries = 0

    def retry(self, e: Any) -> None:
        if e.in_handshake:
            self.retries += 1

    def complete(self, e: ev.HandshakeComplete) -> None:
        self.retries = 0

    def failed(self, e: ev.ConnectionFailed) -> None:
        from sclient.tls.errors import TransportFailed

        if e.during_handshake:
            where = self.state if isinstance(e.error, TransportFailed) else "error"
            self.err(f"SSL_connect:error in {where}\n")
