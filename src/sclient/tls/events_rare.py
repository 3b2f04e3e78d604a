"""The engine's events that a plain connection never emits, apart from
:mod:`sclient.tls.events` so that a connection needing none of them does not
make their classes (a record class costs some 0.15 M instructions to make):
those of options (heartbeats, raw public keys, OCSP and CT, ``-tlsextdebug``,
``-security_debug``, PSK and SRP, certificate compression, NPN, serverinfo,
ECH) and of rarer paths (renegotiation, key updates, post-handshake
authentication, a peer that speaks no TLS).

The engine imports this module where it makes one of them; the collector and
the text stream name them in their tables (their handlers are found by the
class's name), so that neither imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.tls.events import Event

if TYPE_CHECKING:
    from sclient.tls.config import Verdict


class ForeignBytesReceived(Event, frozen=True, slots=True):
    """The first record's header was no TLS record's: ``data`` holds the
    first bytes of the peer's stream as they had arrived (up to 512), which
    a diagnosis can recognize (an SMTP greeting, an HTTP answer). The
    :class:`RecordHeaderReceived` of those bytes precedes it and the failure
    follows."""

    data: bytes


class HeartbeatSent(Event, frozen=True, slots=True):
    """An RFC 6520 HeartbeatMessage we sent (``raw``: type, payload length,
    payload, padding), a request or our answer to the server's."""

    raw: bytes
    retransmission: bool = False


class HeartbeatReceived(Event, frozen=True, slots=True):
    """An RFC 6520 HeartbeatMessage from the server, and what became of it:
    ``response`` (the answer to our request), ``request answered``, or
    ``discarded: <why>`` (RFC 6520 §4's silent discards)."""

    raw: bytes
    outcome: str


class CertificateTypesNegotiated(Event, frozen=True, slots=True):
    """RFC 7250 (``-enable_server_rpk``/``-enable_client_rpk``): the types the
    ServerHello (TLS 1.2) or EncryptedExtensions (TLS 1.3) settled, 0 (X.509)
    when the server left an offered extension out."""

    client: int
    server: int


class PeerRawPublicKey(Event, frozen=True, slots=True):
    """The server's Certificate carried a raw public key (DER
    SubjectPublicKeyInfo); ``verdict`` is ``ClientConfig.verify_rpk``'s, the
    verification OpenSSL runs right after (``ssl_verify_rpk``)."""

    spki: bytes
    verdict: Verdict


class CertificateStatusChecked(Event, frozen=True, slots=True):
    """``-status``: s_client's OCSP status callback ran (TLS <= 1.2: after
    the ServerHelloDone; TLS 1.3: after the server's Finished) on the stapled
    ``response`` (None: the server sent none). ``verdict`` is
    ``ClientConfig.check_status``'s; an alert in it ends the handshake next."""

    response: bytes | None
    verdict: Verdict


class SctsReceived(Event, frozen=True, slots=True):
    """``-ct``: where OpenSSL validates SCTs (after the status callback): the
    server's SCT list extension (None: not sent) and the stapled OCSP
    response (None: none), the sources besides the leaf's embedded list."""

    sct_list: bytes | None
    ocsp_response: bytes | None


class ExtensionReceived(Event, frozen=True, slots=True):
    """One extension of a message from the server, at the moment OpenSSL's
    extension debug callback sees it (``tls_parse_extension``): right after
    the :class:`HandshakeReceived` of the ServerHello, HelloRetryRequest,
    EncryptedExtensions, CertificateRequest, Certificate entry or
    NewSessionTicket carrying it, in OpenSSL's parsing order (its extension
    table, not the wire order). ``data`` is the extension body."""

    msg_type: int
    ext_type: int
    data: bytes


class SecurityCheck(Event, frozen=True, slots=True):
    """One check OpenSSL's security callback is asked for (``ssl_security``),
    where the library asks it: ``kind`` is s_client's name for the operation
    (``Version``, ``Supported Ciphersuite``, ... ``""`` for the session
    ticket), ``subject`` what is checked, ``bits`` its security bits (None
    when the line shows none) and ``ok`` the default callback's verdict
    (``tls.secdebug``)."""

    kind: str
    subject: str
    bits: int | None
    ok: bool


class PskClientCallback(Event, frozen=True, slots=True):
    """s_client's TLS 1.2 PSK client callback runs (building the
    ClientKeyExchange): the server's identity hint (None when it sent none,
    or an empty one), the identity sent, and the key's length (None when
    the key cannot be used: :class:`PskUnusable` follows)."""

    hint: bytes | None
    identity: bytes
    key_length: int | None


class SrpGroupChecked(Event, frozen=True, slots=True):
    """s_client's SRP parameter callback ran on the server's N and g:
    ``shown`` (``-debug``, ``-msg``, ``-srp_moregroups``) it prints them;
    ``deeper`` (an unknown group, ``-srp_moregroups`` and ``-debug``) it says
    it looks closer; not ``accepted``, it says it rejects them (the
    handshake fails next)."""

    n: int
    g: int
    shown: bool
    deeper: bool
    accepted: bool


class PskUnusable(Event, frozen=True, slots=True):
    """The ``-psk`` key could not be used (TLS 1.3 ClientHello or TLS 1.2
    ClientKeyExchange); the handshake fails next."""

    tls13: bool


class CertificateCompression(Event, frozen=True, slots=True):
    """RFC 8879: a Certificate went compressed (``sent``: ours, else the
    server's, expanded and checked). Lengths are of the Certificate message
    body (``uncompressed_length``) and of the compressed bytes."""

    sent: bool
    algorithm: int
    compressed_length: int
    uncompressed_length: int


class KeyUpdateReceived(Event, frozen=True, slots=True):
    update_requested: bool


class HelloRequestReceived(Event, frozen=True, slots=True):
    pass


class RenegotiationStarted(Event, frozen=True, slots=True):
    """A TLS <= 1.2 renegotiation begins: the new ClientHello follows
    (``by_server``: answering the server's HelloRequest, an abbreviated
    handshake offering the current session; else the application asked,
    a full handshake)."""

    by_server: bool = False


class RenegotiationRefused(Event, frozen=True, slots=True):
    """A HelloRequest was answered with a no_renegotiation warning
    (``-no_renegotiation``); the connection goes on."""


class PostHandshakeAuthDone(Event, frozen=True, slots=True):
    """Our answer to a post-handshake CertificateRequest is sent (its Finished
    included): where OpenSSL's SSL_read comes back wanting more data."""


class NextProtocolSelected(Event, frozen=True, slots=True):
    """``-nextprotoneg``: the TLS 1.2 ServerHello's next_protocol_negotiation
    list reached s_client's NPN callback (which prints the list), and
    ``SSL_select_next_proto`` chose: ``status`` 1 (negotiated: the first of
    the server's protocols we support) or 2 (no overlap: our first)."""

    advertised: tuple[bytes, ...]
    status: int
    protocol: bytes


class ServerInfoReceived(Event, frozen=True, slots=True):
    """``-serverinfo``: the server answered one of the requested extension
    types in its TLS 1.2 ServerHello (s_client's parse callback prints it)."""

    ext_type: int
    data: bytes


class EchOutcome(Event, frozen=True, slots=True):
    """Encrypted Client Hello, once the server's Finished was checked: what
    was offered and what the server did (OpenSSL 4.x's ``SSL_ech_get1_status``).
    ``status``: ``success`` (the inner ClientHello was used), ``failed``
    (the outer one), ``failed_retry_configs`` (the outer one, and the server
    sent retry_configs), ``grease`` (only GREASE was sent)."""

    status: str
    outer_sni: str | None
    inner_sni: str | None
    #: The ECHConfig used (its bytes), its id, KEM, and the KDF and AEAD chosen.
    config: bytes | None
    config_id: int | None
    kem_id: int | None
    kdf_id: int | None
    aead_id: int | None
    public_name: str | None
    #: The server's retry_configs (an ECHConfigList), if it sent them.
    retry_configs: bytes | None
    #: A HelloRetryRequest came (both ClientHellos were encrypted).
    hrr: bool = False
