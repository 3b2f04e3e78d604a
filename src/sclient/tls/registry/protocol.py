"""Protocol versions, record content types and handshake types (IANA registries)."""

from __future__ import annotations

# --- protocol versions -------------------------------------------------------

SSL3 = 0x0300
TLS1_0 = 0x0301
TLS1_1 = 0x0302
TLS1_2 = 0x0303
TLS1_3 = 0x0304
DTLS1_0 = 0xFEFF
DTLS1_2 = 0xFEFD
#: ``DTLS1_BAD_VER``: the pre-RFC DTLS of OpenSSL 0.9.8.
DTLS1_BAD = 0x0100
#: ``TLS_ANY_VERSION``: the version of a connection before a ClientHello is built.
ANY_VERSION = 0x10000

#: OpenSSL's names (``SSL_get_version``): ``Protocol  :`` and ``-brief``.
VERSION_NAMES: dict[int, str] = {
    SSL3: "SSLv3",
    TLS1_0: "TLSv1",
    TLS1_1: "TLSv1.1",
    TLS1_2: "TLSv1.2",
    TLS1_3: "TLSv1.3",
    DTLS1_0: "DTLSv1",
    DTLS1_2: "DTLSv1.2",
    DTLS1_BAD: "DTLSv0.9",
}

#: ``-msg``/``-trace`` names.
VERSION_TRACE_NAMES: dict[int, str] = {
    SSL3: "SSL 3.0",
    TLS1_0: "TLS 1.0",
    TLS1_1: "TLS 1.1",
    TLS1_2: "TLS 1.2",
    TLS1_3: "TLS 1.3",
    DTLS1_0: "DTLS 1.0",
    DTLS1_BAD: "DTLS 1.0 (bad)",
}

#: ``-min_protocol``/``-max_protocol`` values.
PROTOCOL_OPTION_VALUES: dict[str, int | None] = {
    "None": None,
    "SSLv3": SSL3,
    "TLSv1": TLS1_0,
    "TLSv1.1": TLS1_1,
    "TLSv1.2": TLS1_2,
    "TLSv1.3": TLS1_3,
    "DTLSv1": DTLS1_0,
    "DTLSv1.2": DTLS1_2,
}

# --- record content types ----------------------------------------------------

CHANGE_CIPHER_SPEC = 20
ALERT = 21
HANDSHAKE = 22
APPLICATION_DATA = 23
HEARTBEAT = 24

CONTENT_TYPE_NAMES: dict[int, str] = {
    CHANGE_CIPHER_SPEC: "ChangeCipherSpec",
    ALERT: "Alert",
    HANDSHAKE: "Handshake",
    APPLICATION_DATA: "ApplicationData",
    HEARTBEAT: "Heartbeat",
}

#: OpenSSL's pseudo content types of the message callback (``SSL3_RT_HEADER``,
#: ``SSL3_RT_INNER_CONTENT_TYPE``): a record's 5-byte header, and a TLS 1.3
#: protected record's inner content type.
RECORD_HEADER = 0x100
INNER_CONTENT = 0x101

#: ``-msg`` content-type names (s_client's ``msg_cb``; it has none for heartbeats).
MSG_CONTENT_TYPE_NAMES: dict[int, str] = {
    CHANGE_CIPHER_SPEC: "ChangeCipherSpec",
    ALERT: "Alert",
    HANDSHAKE: "Handshake",
    APPLICATION_DATA: "ApplicationData",
    RECORD_HEADER: "RecordHeader",
    INNER_CONTENT: "InnerContent",
}

# --- handshake types ---------------------------------------------------------

HELLO_REQUEST = 0
CLIENT_HELLO = 1
SERVER_HELLO = 2
HELLO_VERIFY_REQUEST = 3
NEW_SESSION_TICKET = 4
END_OF_EARLY_DATA = 5
ENCRYPTED_EXTENSIONS = 8
CERTIFICATE = 11
SERVER_KEY_EXCHANGE = 12
CERTIFICATE_REQUEST = 13
SERVER_HELLO_DONE = 14
CERTIFICATE_VERIFY = 15
CLIENT_KEY_EXCHANGE = 16
FINISHED = 20
CERTIFICATE_URL = 21
CERTIFICATE_STATUS = 22
SUPPLEMENTAL_DATA = 23
KEY_UPDATE = 24
COMPRESSED_CERTIFICATE = 25  # RFC 8879
NEXT_PROTO = 67
MESSAGE_HASH = 254

HANDSHAKE_NAMES: dict[int, str] = {
    HELLO_REQUEST: "HelloRequest",
    CLIENT_HELLO: "ClientHello",
    SERVER_HELLO: "ServerHello",
    HELLO_VERIFY_REQUEST: "HelloVerifyRequest",
    NEW_SESSION_TICKET: "NewSessionTicket",
    END_OF_EARLY_DATA: "EndOfEarlyData",
    ENCRYPTED_EXTENSIONS: "EncryptedExtensions",
    CERTIFICATE: "Certificate",
    SERVER_KEY_EXCHANGE: "ServerKeyExchange",
    CERTIFICATE_REQUEST: "CertificateRequest",
    SERVER_HELLO_DONE: "ServerHelloDone",
    CERTIFICATE_VERIFY: "CertificateVerify",
    CLIENT_KEY_EXCHANGE: "ClientKeyExchange",
    FINISHED: "Finished",
    CERTIFICATE_URL: "CertificateUrl",
    CERTIFICATE_STATUS: "CertificateStatus",
    SUPPLEMENTAL_DATA: "SupplementalData",
    KEY_UPDATE: "KeyUpdate",
    COMPRESSED_CERTIFICATE: "CompressedCertificate",
    NEXT_PROTO: "NextProto",
    MESSAGE_HASH: "MessageHash",
}

#: TLS <= 1.2 compression methods (RFC 3749): DEFLATE, which OpenSSL calls
#: zlib ("zlib compression", the name of its COMP_METHOD, as s_client prints it).
COMPRESSION_DEFLATE = 1
COMPRESSION_NAMES = {COMPRESSION_DEFLATE: "zlib compression"}

#: RFC 8446 §4.1.3: the ServerHello.random of a HelloRetryRequest.
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
#: RFC 8446 §4.1.3 downgrade sentinels (last 8 bytes of ServerHello.random).
DOWNGRADE_TLS12 = bytes.fromhex("444F574E47524401")
DOWNGRADE_TLS11 = bytes.fromhex("444F574E47524400")
