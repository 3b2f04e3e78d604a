"""What the handshake settles, gathered in one place.

:class:`Facts` accumulates the server's choices as the handshake states learn
them (version, suite, extensions, key exchange, the peer's chain, the
session as far as it got) and builds from them the two things the engine
reports: :class:`~sclient.tls.events.Negotiated` (:meth:`Facts.negotiated`)
and the :class:`~sclient.tls.session.Session` (:attr:`Facts.session`, changed
only through :meth:`Facts.update_session`). The handshake context
(:class:`~sclient.tls.states.Handshake`) holds the mechanics: configuration,
record layer, transcript, what we sent.
"""

from __future__ import annotations

from typing import Any

from sclient.base import structs
from sclient.tls import events as ev
from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry.suites import CipherSuite
from sclient.tls.session import Session

__all__ = ["Facts"]


class Facts:
    """The server's choices so far (one per connection)."""

    __slots__ = (
        "alpn",
        "cert_request",
        "client_cert_type",
        "client_random",
        "compression",
        "dh_bits",
        "early_data",
        "ec_point_formats",
        "ems",
        "etm",
        "group",
        "heartbeat",
        "hrr",
        "max_fragment_length",
        "ocsp_response",
        "peer_chain",
        "peer_scheme",
        "psk_accepted",
        "resumed",
        "sct_list",
        "secure_renegotiation",
        "server_cert_type",
        "server_ext_types",
        "server_name_sent",
        "server_random",
        "session",
        "sni_acked",
        "srtp_profile",
        "suite",
        "version",
    )

    def __init__(self, max_version: int) -> None:
        self.client_random = b""
        #: RFC 7250: the certificate types negotiated (0 X.509, 2 raw public key).
        self.client_cert_type = 0
        self.server_cert_type = 0
        #: SSL_get_early_data_status: "not sent", "rejected" (the ClientHello
        #: offered early data) or "accepted" (EncryptedExtensions said so).
        self.early_data = "not sent"
        self.server_random = b""
        #: The server_name our ClientHello sent.
        self.server_name_sent: str | None = None
        self.hrr = False
        #: DTLS-SRTP: the protection profile the server chose (None: none).
        self.srtp_profile: int | None = None
        #: RFC 6520: the HeartbeatMode the server's extension sent (None: none).
        self.heartbeat: int | None = None
        #: The ServerHello's version (None before it is accepted).
        self.version: int | None = None
        self.suite: CipherSuite | None = None
        #: Extension types seen in the ServerHello and EncryptedExtensions, in order.
        self.server_ext_types: list[int] = []
        self.alpn: bytes | None = None
        self.sni_acked = False
        self.max_fragment_length: int | None = None
        self.ems = False
        self.etm = False
        self.secure_renegotiation = False
        self.group: int | None = None
        self.dh_bits: int | None = None
        self.peer_scheme: int | None = None
        self.peer_chain: tuple[bytes, ...] = ()
        #: The stapled OCSP response (TLS 1.2 CertificateStatus, TLS 1.3 leaf entry).
        self.ocsp_response: bytes | None = None
        #: ``-ct``: the server's signed_certificate_timestamp extension body.
        self.sct_list: bytes | None = None
        self.cert_request: ev.CertificateRequested | None = None
        self.ec_point_formats: tuple[int, ...] | None = None
        #: The ServerHello's compression method (TLS <= 1.2; 1: DEFLATE).
        self.compression = 0
        #: TLS 1.3: the server accepted our external PSK ("Reused").
        self.psk_accepted = False
        #: The session the server agreed to resume (TLS 1.3 ticket, TLS 1.2 id or ticket).
        self.resumed: Session | None = None
        #: The session as far as it got: complete after the handshake,
        #: ``cipher_suite`` None before.
        self.session = Session(version=max_version, cipher_suite=None)

    def update_session(self, **changes: Any) -> Session:
        """The session with ``changes`` (the one place it changes piecemeal)."""
        self.session = structs.replace(self.session, **changes)
        return self.session

    def resume(self, session: Session, **changes: Any) -> None:
        """The server agreed to resume ``session``: it goes on (certificate,
        verify result) as this connection's session."""
        self.resumed = session
        self.session = structs.replace(session, **changes) if changes else session

    def built_session(self, complete: bool, now: float, **changes: Any) -> Session:
        """The session the facts make (what OpenSSL's SSL_SESSION holds at
        this point): the cipher only once ``complete``; ``changes`` on top
        (a ticket's fields)."""
        fields: dict[str, Any] = {
            "version": self.version if self.version is not None else self.session.version,
            "cipher_suite": self.suite.code if complete and self.suite is not None else None,
            "alpn": self.alpn,
            "server_name": self.server_name_sent if self.sni_acked else None,
            "group": self.group,
            "extended_master_secret": self.ems,
            "start_time": int(now),
        }
        fields.update(changes)
        return structs.replace(self.session, **fields)

    def negotiated(self) -> ev.Negotiated | None:
        """What is settled so far; None before the ServerHello chose a suite."""
        if self.version is None or self.suite is None:
            return None
        return ev.Negotiated(
            version=self.version,
            cipher_suite=self.suite.code,
            client_random=self.client_random,
            server_random=self.server_random,
            session_id=self.session.session_id,
            resumed=self.psk_accepted or self.resumed is not None,
            group=self.group,
            dh_bits=self.dh_bits,
            peer_signature_scheme=self.peer_scheme,
            alpn=self.alpn,
            server_name_sent=self.server_name_sent,
            server_name_acked=self.sni_acked,
            secure_renegotiation=self.secure_renegotiation,
            extended_master_secret=self.ems,
            encrypt_then_mac=self.etm,
            max_fragment_length=self.max_fragment_length,
            peer_chain=self.peer_chain,
            hello_retry_request=self.hrr,
            server_extensions=tuple(self.server_ext_types),
            early_data=self.early_data,
            certificate_request=self.cert_request,
            ec_point_formats=self.ec_point_formats,
            compression=self.compression,
            srtp_profile=self.srtp_profile,
            heartbeat=self.heartbeat,
        )

    def settled(self) -> ev.Negotiated:
        """:meth:`negotiated` once the handshake is complete (a version and a
        suite are then always known)."""
        neg = self.negotiated()
        if neg is None:
            raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", "no version or suite")
        return neg

    def negotiated_suite(self) -> CipherSuite:
        """The suite the ServerHello chose (the states after it rely on one)."""
        if self.suite is None:
            raise LocalError(alerts.INTERNAL_ERROR, "INTERNAL_ERROR", "no suite")
        return self.suite
