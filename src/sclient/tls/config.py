"""The engine's configuration: everything the command line decides, and the
injected clock, randomness and certificate verifier (the engine reads no
clock and no entropy of its own, and calls no I/O).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sclient.base.structs import Struct, field
from sclient.tls.registry import groups, sigschemes
from sclient.tls.registry import protocol as P
from sclient.tls.session import Session

#: OpenSSL 3.0's default TLS 1.3 suites, in its order.
DEFAULT_TLS13_SUITES: tuple[int, ...] = (0x1302, 0x1303, 0x1301)

#: OpenSSL 3.0's default TLS <= 1.2 cipher list (``DEFAULT`` at security level 2), in order.
DEFAULT_TLS12_SUITES: tuple[int, ...] = (
    0xC02C,
    0xC030,
    0x009F,
    0xCCA9,
    0xCCA8,
    0xCCAA,
    0xC02B,
    0xC02F,
    0x009E,
    0xC024,
    0xC028,
    0x006B,
    0xC023,
    0xC027,
    0x0067,
    0xC00A,
    0xC014,
    0x0039,
    0xC009,
    0xC013,
    0x0033,
    0x009D,
    0x009C,
    0x003D,
    0x003C,
    0x0035,
    0x002F,
)


class ClientCredential(Struct, frozen=True, slots=True):
    """A client certificate chain and its private key (``-cert``/``-key``).

    ``chain`` is DER, leaf first; ``key`` is a ``cryptography`` private key;
    ``rsa_pss`` says the certificate's key is an RSASSA-PSS key (only the
    rsa_pss_pss schemes fit it)."""

    chain: tuple[bytes, ...]
    key: object
    rsa_pss: bool = False
    #: The leaf's own signature (hash name or None, signing key kind), for a
    #: TLS 1.3 ``signature_algorithms_cert`` restriction (None: not known).
    leaf_sig: tuple[str | None, str] | None = None
    #: What ``-strict`` checks of the chain (None: nothing known, no check).
    facts: ChainFacts | None = None


class ChainFacts(Struct, frozen=True, slots=True):
    """What the strict checks of a client chain (OpenSSL's ``tls1_check_chain``)
    read: ``sigs`` the signature of the leaf, then of each certificate of the
    chain set with the key (``-cert_chain``, a built chain; not the chain
    added automatically from the stores when the certificate is sent), as
    (hash name or None, signing key kind); ``ee_group`` the TLS group of an
    EC leaf key (0: a curve that is no TLS group; None: not EC);
    ``ee_compressed``: the EC leaf key is a compressed point;
    ``issued_by(names)``: whether the leaf's or one of those chain
    certificates' issuer is one of the DER names."""

    sigs: tuple[tuple[str | None, str], ...]
    ee_group: int | None
    issued_by: Callable[[Sequence[bytes]], bool]
    ee_compressed: bool = False


class ExtendedCredential(Struct, frozen=True, slots=True):
    """One ``-xcert`` set (``-xkey``, ``-xchain``, ``-xchain_build``): offered
    to each CertificateRequest as s_client's certificate callback does.

    ``credential.chain`` is the leaf then the ``-xchain`` certificates (or the
    built chain); ``sigs`` the signature of each of those certificates as
    (hash name or None, signing key kind: ``rsa``, ``rsa_pss``, ``ecdsa``,
    ``ed25519``, ``ed448``, ``dsa``); ``ee_group`` the TLS group of an EC
    leaf key (0: a curve that is no TLS group; None: not EC); ``cert_kind`` /
    ``key_kind`` the certificate slot of the certificate's and of the private
    key's type (``rsa``, ``rsa_pss_pss``, ``ecdsa``, ``ed25519``, ``ed448``,
    ``dsa``); ``install_fails``: installing it fails (a key of the certificate's type
    that is not its key, a chain that cannot be built);
    ``issued_by(names)``: whether the leaf's or a chain certificate's issuer
    is one of the DER names; ``has_chain``: ``-xchain``/``-xchain_build``
    was given (else the chain of an earlier set for the same slot stays)."""

    credential: ClientCredential
    sigs: tuple[tuple[str | None, str], ...]
    ee_group: int | None
    cert_kind: str
    key_kind: str
    issued_by: Callable[[Sequence[bytes]], bool]
    install_fails: bool = False
    has_chain: bool = False


class ExternalPsk(Struct, frozen=True, slots=True):
    """A pre-shared key (``-psk``/``-psk_identity`` or ``-psk_session``).

    ``hash`` is the TLS 1.3 hash the key is bound to (``sha256`` for
    ``-psk``; the session's suite hash for ``-psk_session``); ``suite`` is
    the TLS 1.3 suite of a ``-psk_session`` (None: any suite with ``hash``)."""

    identity: bytes
    key: bytes
    hash: str = "sha256"
    suite: int | None = None
    max_early_data: int = 0
    #: ``-psk`` text the callbacks cannot turn into a key (odd number of digits,
    #: empty, too long): the handshake fails where OpenSSL's callback is called.
    unusable: bool = False


class SrpLogin(Struct, frozen=True, slots=True):
    """SRP (RFC 5054, ``-srpuser``): the user name the ClientHello's srp
    extension carries (None with ``-srp_lateuser``: no extension, and the
    handshake fails if the server still picks an SRP suite), the password,
    asked for when the ServerKeyExchange has come (it may prompt), the
    smallest N accepted (``-srp_strength``), and s_client's parameter
    callback: ``verify_callback`` (set unless only ``-srp_moregroups`` was
    given) checks N and g against RFC 5054's groups, or with
    ``more_groups`` examines any other group; ``show`` reports the group
    (``-debug``, ``-msg``, ``-srp_moregroups``)."""

    user: bytes | None
    password: Callable[[], bytes]
    strength: int = 1024
    more_groups: bool = False
    verify_callback: bool = True
    show: bool = False
    debug: bool = False


class Verdict(Struct, frozen=True, slots=True):
    """What ``ClientConfig.verify_certificates`` says of the server's chain.

    ``alert``: the fatal alert to end the handshake with (None: go on);
    ``detail``: the verifier's own result, opaque to the engine, handed back
    in :class:`~sclient.tls.events.CertificateVerified`."""

    alert: int | None = None
    detail: object = None


def _no_verifier(chain: Sequence[bytes]) -> Verdict:
    return Verdict()


def _no_rpk_verifier(spki: bytes) -> Verdict:
    return Verdict()


def _no_status_check(response: bytes | None) -> Verdict:
    return Verdict()


class ClientConfig(Struct, frozen=True, slots=True, kw_only=True):
    """Client settings. Defaults reproduce ``openssl s_client`` 3.0's ClientHello."""

    #: Injected entropy: ``random(n)`` returns n random bytes.
    random: Callable[[int], bytes]
    #: Injected clock: seconds since the epoch.
    now: Callable[[], float]

    #: OpenSSL 3.0's s_client offers TLS 1.0 and up (supported_versions 0304..0301).
    min_version: int = P.TLS1_0
    max_version: int = P.TLS1_3
    tls13_suites: tuple[int, ...] = DEFAULT_TLS13_SUITES
    tls12_suites: tuple[int, ...] = DEFAULT_TLS12_SUITES
    groups: tuple[int, ...] = groups.DEFAULT_GROUPS
    #: Groups to send key shares for in the first ClientHello (OpenSSL: the first group).
    key_share_groups: tuple[int, ...] | None = None
    signature_schemes: tuple[int, ...] = sigschemes.DEFAULT_SCHEMES
    server_name: str | None = None
    alpn: tuple[bytes, ...] = ()
    #: ``-use_srtp``: the DTLS-SRTP protection profiles offered in use_srtp
    #: (OpenSSL sends them in TLS too; a server's answer is a bad extension there).
    srtp_profiles: tuple[int, ...] = ()
    #: ``-heartbeat``: offer RFC 6520's heartbeat extension (mode
    #: peer_allowed_to_send: the server's requests are answered), as OpenSSL
    #: 1.1.1 built with heartbeats did for DTLS; :meth:`Client.heartbeat`
    #: then sends requests if the server allows them.
    heartbeat: bool = False
    #: ``-nextprotoneg``: the protocols we support, in our order (None: NPN is
    #: not offered); next_protocol_negotiation goes out empty, the choice is
    #: sent in a NextProtocol message before our Finished (TLS 1.2).
    next_protocols: tuple[bytes, ...] | None = None
    #: ``-serverinfo``: extension types sent empty (before the built-in ones)
    #: whose answers in a TLS 1.2 ServerHello are reported, in this order.
    serverinfo_types: tuple[int, ...] = ()
    session_ticket: bool = True
    encrypt_then_mac: bool = True
    extended_master_secret: bool = True
    middlebox_compat: bool = True
    #: Accept a TLS <= 1.2 server that lacks renegotiation_info (-legacy_server_connect).
    legacy_server_connect: bool = False
    #: ``-no_renegotiation``: refuse to renegotiate (a HelloRequest is answered
    #: with a no_renegotiation warning; :meth:`Client.renegotiate` fails).
    no_renegotiation: bool = False
    fallback_scsv: bool = False
    #: SSL_OP_TLSEXT_PADDING (part of ``-bugs``): pad a ClientHello of 256 to
    #: 511 bytes to 512 with the padding extension.
    tls_padding: bool = False
    #: ``-comp`` (SSL_OP_NO_COMPRESSION cleared) at a security level that
    #: allows compression (0 or 1): a TLS <= 1.2 ClientHello offers DEFLATE
    #: (RFC 3749) and a ServerHello may choose it.
    compression: bool = False
    #: SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS (part of ``-bugs``): without it, each
    #: write of application data under TLS 1.0 or SSL 3.0 CBC (whose IV is the
    #: previous record's last block) starts with an empty record, so that the
    #: first block of the data is encrypted under an IV the peer has not seen.
    dont_insert_empty_fragments: bool = False
    #: ``-allow_no_dhe_kex`` (SSL_OP_ALLOW_NO_DHE_KEX): offer psk_ke too.
    allow_no_dhe_kex: bool = False
    #: max_fragment_length code 1..4 (512..4096) or None.
    max_fragment_length: int | None = None
    max_send_fragment: int = 16384
    #: DTLS (``-dtls``, ``-dtls1``, ``-dtls1_2``): the versions above are the
    #: TLS versions DTLS is built on (TLS 1.1 for DTLS 1.0, TLS 1.2 for DTLS 1.2).
    dtls: bool = False
    #: DTLS: the most a datagram we write carries (the path MTU less the IP
    #: and UDP headers); handshake messages are cut to fit.
    dtls_mtu: int = 1472
    #: DTLS without ``-mtu``: the MTU to fall back to after two timeouts
    #: (OpenSSL's BIO_CTRL_DGRAM_GET_FALLBACK_MTU; 0: none, the MTU was given).
    dtls_fallback_mtu: int = 0
    #: TLS 1.3 record padding block size (0 = none).
    record_padding: int = 0
    #: Smallest DHE prime accepted (OpenSSL security level 2: 2048).
    min_dh_bits: int = 2048
    #: OpenSSL's security level (``@SECLEVEL=n``; this build's default 2): the
    #: weakest signature scheme accepted from the server.
    security_level: int = 2
    #: Called with the server's DER chain when it arrives; its :class:`Verdict`
    #: says whether to go on or which alert to abort with (``-verify_return_error``).
    verify_certificates: Callable[[Sequence[bytes]], Verdict] = field(default=_no_verifier)
    #: ``-status``: send status_request (OCSP) and call ``check_status`` where
    #: s_client's status callback runs (the end of the server's first flight).
    status_request: bool = False
    #: Called with the stapled OCSP response (None: none was sent); a
    #: :class:`Verdict` with an alert ends the handshake with it (s_client's
    #: callback failing: a response that does not parse).
    check_status: Callable[[bytes | None], Verdict] = field(default=_no_status_check)
    #: ``-ct``: send an empty signed_certificate_timestamp extension and
    #: status_request (no status callback unless ``status_request``); keep the
    #: server's SCT list (TLS 1.2 ServerHello, TLS 1.3 leaf entry) and report
    #: it with the stapled response at the end of the server's first flight.
    sct_request: bool = False
    #: Client certificates, in the order OpenSSL would consider them (empty: none).
    credentials: tuple[ClientCredential, ...] = ()
    #: ``-xcert`` sets in command-line order; when given they replace ``credentials``
    #: at each CertificateRequest (s_client's ``set_cert_cb``).
    extended_credentials: tuple[ExtendedCredential, ...] = ()
    #: ``-strict`` (SSL_CERT_FLAG_TLS_STRICT): a SHA-1 signature the server
    #: chose without our offering it is refused, and our certificate chain
    #: must fit the CertificateRequest (signatures, curve, certificate type,
    #: issuer names) or no certificate is sent.
    strict: bool = False
    #: ``-client_sigalgs``: the schemes we may sign a CertificateVerify with
    #: (None: ``signature_schemes``).
    client_signature_schemes: tuple[int, ...] | None = None
    #: ``-requestCAfile``: DER distinguished names for the TLS 1.3
    #: certificate_authorities extension of the ClientHello.
    certificate_authorities: tuple[bytes, ...] = ()
    #: ``-enable_pha``: offer post-handshake authentication (TLS 1.3).
    post_handshake_auth: bool = False
    #: RFC 7250 (OpenSSL 3.2's ``-enable_server_rpk`` / ``-enable_client_rpk``):
    #: the certificate types offered in server_certificate_type /
    #: client_certificate_type, most preferred first (empty: not sent).
    server_cert_types: tuple[int, ...] = ()
    client_cert_types: tuple[int, ...] = ()
    #: Called with the server's raw public key (DER SubjectPublicKeyInfo) when
    #: a raw public key was negotiated: OpenSSL's ``ssl_verify_rpk`` moment.
    verify_rpk: Callable[[bytes], Verdict] = field(default=_no_rpk_verifier)
    #: RFC 8879 (OpenSSL 3.2+): the certificate compression algorithms a TLS
    #: 1.3 ClientHello offers in compress_certificate, in preference order
    #: (empty: no extension, as OpenSSL 3.0); a CompressedCertificate is
    #: accepted only in one of them.
    cert_comp_rx: tuple[int, ...] = ()
    #: The algorithms we may compress our own Certificate with when a
    #: CertificateRequest's compress_certificate lists one (the first it
    #: lists that is here); empty: always a plain Certificate.
    cert_comp_tx: tuple[int, ...] = ()
    #: The TLS 1.3 external PSK (``-psk``, or ``-psk_session``'s key, suite and hash).
    psk: ExternalPsk | None = None
    #: The session to resume (``-sess_in``, ``-reconnect``): its id and TLS <= 1.2
    #: ticket, or its TLS 1.3 ticket as a resumption PSK.
    resume: Session | None = None
    #: ``-early_data``: the bytes to send as 0-RTT data (None: no early data).
    #: Sent only when the resumed session or the external PSK allows early
    #: data (then even when empty: the ClientHello offers it).
    early_data: bytes | None = None
    #: ``-psk``: the key and identity for TLS <= 1.2 PSK suites.
    psk_tls12: ExternalPsk | None = None
    #: ``-srpuser``: offer the SRP suites and log in with this (None: no SRP).
    srp: SrpLogin | None = None
    #: Report OpenSSL's security checks (:class:`~sclient.tls.events_rare.SecurityCheck`)
    #: made on these inputs (``-security_debug``); None: none.
    security_checks: object = None
    #: Report each extension received (:class:`~sclient.tls.events_rare.ExtensionReceived`),
    #: as OpenSSL's extension debug callback does (``-tlsextdebug``).
    extension_events: bool = False
    #: Bulk application data (TLS 1.3, after the handshake): received records
    #: are opened in runs straight into one buffer, each receive call giving
    #: one :class:`~sclient.tls.events.ApplicationData` whose ``data`` is a
    #: view of it, valid until the next receive call, and no record events
    #: for them; sent data is sealed in records of the largest size with no
    #: :class:`~sclient.tls.events.RecordSent`, ``data_to_send`` then giving a
    #: view valid until the next call on the engine. For a driver that does
    #: not observe single records.
    bulk_data: bool = False
    #: GREASE (RFC 8701, ``-grease``/``-grease_fields``): the ClientHello
    #: fields that get a reserved value (``cipher``, ``ext``, ``group``,
    #: ``sigalg``, ``version``, ``pskmode``, ``alpn``; empty: none, as OpenSSL 3.0).
    grease: frozenset[str] = frozenset()
    #: Test hook: build the key share for a group (known-answer tests); None = fresh keys.
    key_share_factory: Callable[[int], object] | None = None
    #: Encrypted Client Hello (``-ech_config_list``, ``-ech_grease``): an
    #: :class:`sclient.tls.ech.EchSettings`; None: no ECH extension.
    ech: object = None

    @property
    def offers_cert_types(self) -> bool:
        """Whether the ClientHello carries either RFC 7250 extension."""
        return bool(self.server_cert_types or self.client_cert_types)
