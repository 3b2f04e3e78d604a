"""TLS ExtensionType registry.

``trace`` is the name ``-trace`` prints; ``debug`` the name ``-tlsextdebug``
prints (``TLS server extension "<debug>" (id=N), len=L``), from s_client's
own table in OpenSSL 3.0 (``tlsext_types`` in apps/lib/s_cb.c); a type that
table does not name prints as ``unknown`` (:func:`debug_name`).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

#: (NamedTuple's call form: its class form compiles each string annotation.)
ExtensionType = NamedTuple(  # noqa: UP014
    "ExtensionType", [("code", int), ("iana", str), ("trace", str), ("debug", str)]
)


_ROWS: tuple[tuple[int, str, str, str], ...] = (
    (0, "server_name", "server_name", "server name"),
    (1, "max_fragment_length", "max_fragment_length", "max fragment length"),
    (2, "client_certificate_url", "client_certificate_url", "client certificate URL"),
    (3, "trusted_ca_keys", "trusted_ca_keys", "trusted CA keys"),
    (4, "truncated_hmac", "truncated_hmac", "truncated HMAC"),
    (5, "status_request", "status_request", "status request"),
    (6, "user_mapping", "user_mapping", "user mapping"),
    (7, "client_authz", "client_authz", "client authz"),
    (8, "server_authz", "server_authz", "server authz"),
    (9, "cert_type", "cert_type", "cert type"),
    (10, "supported_groups", "supported_groups", "supported_groups"),
    (11, "ec_point_formats", "ec_point_formats", "EC point formats"),
    (12, "srp", "srp", "SRP"),
    (13, "signature_algorithms", "signature_algorithms", "signature algorithms"),
    (14, "use_srtp", "use_srtp", "use SRTP"),
    # in neither of 3.0's tables (OpenSSL 3.0 has no heartbeats): 1.1.1's names
    (15, "heartbeat", "tls_heartbeat", "heartbeat"),
    (
        16,
        "application_layer_protocol_negotiation",
        "application_layer_protocol_negotiation",
        "application layer protocol negotiation",
    ),
    (
        18,
        "signed_certificate_timestamp",
        "signed_certificate_timestamps",
        "signed certificate timestamps",
    ),
    # RFC 7250, OpenSSL 3.2's names (3.0 knows neither)
    (19, "client_certificate_type", "client_cert_type", "client cert type"),
    (20, "server_certificate_type", "server_cert_type", "server cert type"),
    (21, "padding", "padding", "TLS padding"),
    (22, "encrypt_then_mac", "encrypt_then_mac", "encrypt-then-mac"),
    (23, "extended_master_secret", "extended_master_secret", "extended master secret"),
    # RFC 8879 (OpenSSL 3.2+'s trace name); 3.0's -tlsextdebug table lacks it.
    (27, "compress_certificate", "compress_certificate", "unknown"),
    (28, "record_size_limit", "UNKNOWN", "unknown"),  # in neither of 3.0's tables
    (35, "session_ticket", "session_ticket", "session ticket"),
    (41, "pre_shared_key", "psk", "psk"),
    (42, "early_data", "early_data", "unknown"),
    (43, "supported_versions", "supported_versions", "supported versions"),
    (44, "cookie", "cookie_ext", "unknown"),
    (45, "psk_key_exchange_modes", "psk_key_exchange_modes", "psk kex modes"),
    (47, "certificate_authorities", "certificate_authorities", "certificate authorities"),
    (48, "oid_filters", "UNKNOWN", "unknown"),  # in neither of 3.0's tables
    (49, "post_handshake_auth", "post_handshake_auth", "post handshake auth"),
    (50, "signature_algorithms_cert", "signature_algorithms_cert", "unknown"),
    (51, "key_share", "key_share", "key share"),
    (13172, "next_protocol_negotiation", "next_proto_neg", "next protocol"),
    (65281, "renegotiation_info", "renegotiate", "renegotiation info"),
    # RFC 9849 (OpenSSL 4.x names them; 3.0 does not).
    (0xFD00, "ech_outer_extensions", "ech_outer_extensions", "unknown"),
    (0xFE0D, "encrypted_client_hello", "encrypted_client_hello", "unknown"),
)

#: The records, made from the constant rows without a Python call each.
EXTENSIONS: tuple[ExtensionType, ...] = tuple(map(partial(tuple.__new__, ExtensionType), _ROWS))

BY_CODE: dict[int, ExtensionType] = {e.code: e for e in EXTENSIONS}
BY_NAME: dict[str, int] = {e.iana: e.code for e in EXTENSIONS}


def debug_name(code: int) -> str:
    """The name ``-tlsextdebug`` prints for an extension type."""
    row = BY_CODE.get(code)
    return row.debug if row is not None else "unknown"


SERVER_NAME = 0
MAX_FRAGMENT_LENGTH = 1
STATUS_REQUEST = 5
SUPPORTED_GROUPS = 10
EC_POINT_FORMATS = 11
SIGNATURE_ALGORITHMS = 13
USE_SRTP = 14
HEARTBEAT = 15
ALPN = 16
SCT = 18
CLIENT_CERT_TYPE = 19
SERVER_CERT_TYPE = 20
#: The certificate types those two extensions name (IANA "TLS Certificate Types").
CERT_TYPE_X509 = 0
CERT_TYPE_RPK = 2
PADDING = 21
ENCRYPT_THEN_MAC = 22
EXTENDED_MASTER_SECRET = 23
COMPRESS_CERTIFICATE = 27
RECORD_SIZE_LIMIT = 28
SESSION_TICKET = 35
PRE_SHARED_KEY = 41
EARLY_DATA = 42
SUPPORTED_VERSIONS = 43
COOKIE = 44
PSK_KEY_EXCHANGE_MODES = 45
CERTIFICATE_AUTHORITIES = 47
POST_HANDSHAKE_AUTH = 49
SIGNATURE_ALGORITHMS_CERT = 50
KEY_SHARE = 51
NEXT_PROTO_NEG = 13172
RENEGOTIATION_INFO = 65281
