"""The engine's one error tree.

Every fatal condition is a :class:`TLSError`. The engine never lets another
exception escape for untrusted input: decoders raise :class:`DecodeError`
(mapped to ``decode_error``), handlers raise :class:`LocalError` with the
alert they send, and a fatal alert from the peer becomes :class:`PeerAlert`.
``reason`` names a row of :mod:`sclient.tls.registry.reasons` (OpenSSL's
error-queue wording lives there, not at raise sites).
"""

from __future__ import annotations

from sclient.tls.registry import alerts


class TLSError(Exception):
    """A fatal connection error.

    Attributes:
        alert: the alert description sent (local errors) or received (peer alerts);
            ``None`` when no alert is involved (for example a closed transport).
        reason: key into ``registry.reasons.REASONS``.
        detail: free text for humans (never parsed).
    """

    def __init__(self, alert: int | None, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.alert = alert
        self.reason = reason
        self.detail = detail


class LocalError(TLSError):
    """We found the peer at fault (or could not continue) and sent ``alert``."""


class DecodeError(LocalError):
    """A message or extension did not parse; the alert is ``decode_error``."""

    def __init__(self, detail: str = "", reason: str = "LENGTH_MISMATCH") -> None:
        super().__init__(alerts.DECODE_ERROR, reason, detail)


class PeerAlert(TLSError):
    """The peer sent a fatal alert (reason ``SSLV3_ALERT`` style, see registry)."""

    def __init__(self, alert: int, level: int = alerts.FATAL) -> None:
        super().__init__(alert, "PEER_ALERT", alerts.describe(alert).reason)
        self.level = level


class UnexpectedEOF(TLSError):
    """The transport ended without close_notify (OpenSSL 3.0: ``unexpected eof while reading``).

    OpenSSL 3.0 answers it with a fatal ``decode_error`` alert (ssl3_read_n:
    ``SSLfatal(s, SSL_AD_DECODE_ERROR, SSL_R_UNEXPECTED_EOF_WHILE_READING)``,
    observed on the wire with s_client 3.0.19), so the engine queues one too;
    an application honouring ``-ignore_unexpected_eof`` drops it.
    """

    def __init__(self) -> None:
        super().__init__(alerts.DECODE_ERROR, "UNEXPECTED_EOF_WHILE_READING")


class TransportFailed(TLSError):
    """The transport under the connection failed (a reset, a write error):
    the application says so with :meth:`~sclient.tls.client.Client.abort`.
    No alert is sent."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(None, "TRANSPORT_FAILED", detail)


class UsageError(Exception):
    """The engine was driven wrongly (a programming error, not a peer's fault)."""
