"""What the renderers print from: plain data the program collects from engine
events, the session and the verification result. Renderers import nothing else."""

from __future__ import annotations

from collections.abc import Callable

from sclient.base.structs import Struct, field
from sclient.tls.session import Session


def _default_verify_text(code: int) -> str:
    return "ok" if code == 0 else "unknown certificate verification error"


class CertInfo(Struct, frozen=True, slots=True):
    """One certificate as the summary and JSON show it."""

    subject: str  # rendered with the -nameopt flags (default oneline)
    issuer: str
    key_type: str | None  # OpenSSL short name: rsaEncryption, id-ecPublicKey, ED25519 ...
    key_bits: int
    sigalg: str  # OpenSSL short name: RSA-SHA256, ecdsa-with-SHA256 ...
    not_before: str  # ASN1_TIME_print form: "Nov 24 12:11:32 2026 GMT"
    not_after: str
    pem: str  # PEM text, ending with a newline
    der: bytes = b""
    not_before_iso: str = ""
    not_after_iso: str = ""
    #: ``subject=``/``issuer=`` values (``print_name``: differs from ``subject`` only
    #: for multi-line and compat -nameopt styles).
    subject_line: str | None = None
    issuer_line: str | None = None


class SummaryData(Struct, slots=True):
    """Everything ``print_stuff`` (output.md §5) reads."""

    #: The connection's version: negotiated, else the client's maximum before
    #: ServerHello, else 0x10000 ("any", before the ClientHello was built).
    version: int
    full: bool = True
    showcerts: bool = False
    chain: list[CertInfo] | None = None  # the peer chain as sent; None = none received
    peer: CertInfo | None = None  # the accepted server certificate
    ca_names: list[str] = field(default_factory=list)
    cert_types: tuple[int, ...] = ()
    requested_sigalgs: list[str] = field(default_factory=list)
    shared_sigalgs: list[str] = field(default_factory=list)
    peer_digest: str | None = None  # "SHA256"; None for EdDSA / unknown
    peer_sigtype: str | None = None  # "RSA-PSS", "ECDSA", "ed25519" ...
    temp_key: str | None = None  # "X25519, 253 bits"
    kem_group: str | None = None  # "X25519MLKEM768": printed instead of temp_key
    #: RFC 7250 (OpenSSL 3.2+): raw public keys negotiated each way, whether
    #: ``-enable_server_rpk`` asked to see the server's, and its
    #: ``EVP_PKEY_print_public`` text (None: ``no peer rpk available``).
    client_rpk: bool = False
    server_rpk: bool = False
    show_server_rpk: bool = False
    server_rpk_text: str | None = None
    bytes_read: int = 0
    bytes_written: int = 0
    verify_code: int = 0
    verified_peername: str | None = None
    dane_line: str | None = None  # "DANE TLSA <u> <s> <m> <hex> <how> at depth <d>"
    resumed: bool = False
    cipher_version: str | None = None  # "TLSv1.3"; None = no cipher yet
    cipher_name: str | None = None
    secure_renegotiation: bool = False
    #: SSL_get_current_compression / _expansion: the method's name while our
    #: records are compressed / the server's are inflated (None: ``NONE``).
    compression: str | None = None
    expansion: str | None = None
    alpn: bytes | None = None
    #: DTLS-SRTP: OpenSSL's name of the profile the server chose.
    srtp_profile: str | None = None
    early_data: str = "not sent"
    session: Session | None = None
    verify_text: Callable[[int], str] = _default_verify_text
    ec_point_formats: tuple[int, ...] | None = None
    #: ``-keymatexport``: (label, length, material; None prints ``Error``).
    keying_material: tuple[str, int, bytes | None] | None = None
    #: ``Next protocol: (status) protocol`` (None: the NPN callback never ran).
    next_protocol: tuple[int, bytes] | None = None
    #: ``-ct``: the ``---`` ``SCTs present (N)`` block (None: not printed).
    sct_block: str | None = None
    #: Encrypted Client Hello: OpenSSL 4.x's ``ECH: ...`` lines (None: no ECH).
    ech_lines: str | None = None
