"""A resumable TLS session, as OpenSSL's ``SSL_SESSION`` holds it.

The report layer prints it (``SSL-Session:`` block); a later issue reads and
writes it in OpenSSL's ``SSL SESSION PARAMETERS`` form.
"""

from __future__ import annotations

from sclient.base.structs import Struct


class Session(Struct, frozen=True, slots=True):
    version: int
    cipher_suite: int | None  # None before a cipher was chosen
    session_id: bytes = b""
    master_key: bytes = b""  # TLS <= 1.2 master secret; TLS 1.3 resumption PSK
    session_id_context: bytes = b""
    ticket: bytes = b""
    ticket_lifetime_hint: int = 0
    ticket_age_add: int = 0
    ticket_nonce: bytes = b""
    max_early_data: int = 0
    start_time: int = 0  # seconds since the epoch, from the injected clock
    timeout: int = 7200
    verify_result: int = 0
    extended_master_secret: bool = False
    alpn: bytes | None = None
    server_name: str | None = None
    peer_certificate: bytes | None = None  # DER of the leaf
    #: The server's raw public key (RFC 7250), its SubjectPublicKeyInfo DER:
    #: OpenSSL 3.2's ``peer_rpk``, kept with the session so that a resumed
    #: connection still has it (``SSL_get0_peer_rpk``).
    peer_rpk: bytes | None = None
    group: int | None = None
    psk_identity: bytes | None = None  # TLS <= 1.2 PSK suites
    psk_identity_hint: bytes | None = None
    srp_username: bytes | None = None  # TLS <= 1.2 SRP suites
    #: The compression method (``compress_meth``; 1: DEFLATE), TLS <= 1.2.
    compression: int = 0
