"""OpenSSL's error-queue wording for the failures the engine reports.

Each row: the 3.0 packed error code, the function and source position OpenSSL
3.0.19 reports, and the reason text users grep for. The report layer prints
``<id>:error:<code>:SSL routines:<func>:<text>:<file>:<line>:<data>``.
"""

from __future__ import annotations

from sclient.base.structs import Struct


class Reason(Struct, frozen=True, slots=True):
    code: int
    func: str
    text: str
    file: str = "../ssl/statem/statem_clnt.c"
    line: int = 0
    #: The text OpenSSL adds after the position (``SSLfatal_data``), if any.
    data: str = ""


R = Reason


_CLNT = "../ssl/statem/statem_clnt.c"
_LIB = "../ssl/statem/statem_lib.c"
_EXT = "../ssl/statem/extensions.c"
_EXTC = "../ssl/statem/extensions_clnt.c"
_REC = "../ssl/record/ssl3_record.c"
_RL = "../ssl/record/rec_layer_s3.c"
_T1 = "../ssl/t1_lib.c"
_SRP = "../ssl/tls_srp.c"

#: Functions, files and lines: observed with ``openssl s_client`` 3.0.19 against
#: the scripted servers of tests/tls/scenarios.py where a line number is given;
#: read from the 3.0 sources otherwise (line 0). When OpenSSL raises a reason in
#: several places, the row names the one the engine's tests exercise most.
REASONS: dict[str, Reason] = {
    # A received fatal alert: code and text come from registry.alerts.
    "PEER_ALERT": R(0, "ssl3_read_bytes", "", _RL, 1601),
    # DTLS-SRTP: the server's use_srtp (tls_parse_stoc_use_srtp).
    "BAD_SRTP_PROTECTION_PROFILE_LIST": R(
        0x0A000161, "tls_parse_stoc_use_srtp", "bad srtp protection profile list", _EXTC, 1693
    ),
    "BAD_SRTP_MKI_VALUE": R(0x0A000160, "tls_parse_stoc_use_srtp", "bad srtp mki value", _EXTC, 0),
    # DTLS: the retransmission timer expired once too often (dtls1_check_timeout_num).
    "READ_TIMEOUT_EXPIRED": R(
        0x0A000138, "dtls1_check_timeout_num", "read timeout expired", "../ssl/d1_lib.c", 435
    ),
    # The same in DTLS (ssl/record/rec_layer_d1.c).
    "DTLS_PEER_ALERT": R(0, "dtls1_read_bytes", "", "../ssl/record/rec_layer_d1.c", 619),
    "DTLS_NO_RENEGOTIATION": R(
        0x0A000153, "dtls1_read_bytes", "no renegotiation", "../ssl/record/rec_layer_d1.c", 613
    ),
    "UNEXPECTED_EOF_WHILE_READING": R(
        0x0A000126, "ssl3_read_n", "unexpected eof while reading", _RL, 318
    ),
    # --- record layer -----------------------------------------------------------------
    "WRONG_VERSION_NUMBER": R(0x0A00010B, "ssl3_get_record", "wrong version number", _REC, 350),
    "HTTP_REQUEST": R(0x0A00009C, "ssl3_get_record", "http request", _REC, 0),
    "HTTPS_PROXY_REQUEST": R(0x0A00009B, "ssl3_get_record", "https proxy request", _REC, 0),
    "PACKET_LENGTH_TOO_LONG": R(0x0A0000C6, "ssl3_get_record", "packet length too long", _REC, 379),
    "ENCRYPTED_LENGTH_TOO_LONG": R(
        0x0A000096, "ssl3_get_record", "encrypted length too long", _REC, 390
    ),
    "DATA_LENGTH_TOO_LONG": R(0x0A000092, "ssl3_get_record", "data length too long", _REC, 0),
    "DECRYPTION_FAILED_OR_BAD_RECORD_MAC": R(
        0x0A000119, "ssl3_get_record", "decryption failed or bad record mac", _REC, 616
    ),
    # DEFLATE records (-comp): read from the 3.0 sources (OpenSSL here has no zlib).
    "COMPRESSED_LENGTH_TOO_LONG": R(
        0x0A00008C, "ssl3_get_record", "compressed length too long", _REC, 0
    ),
    "BAD_DECOMPRESSION": R(0x0A00006B, "ssl3_get_record", "bad decompression", _REC, 0),
    # RFC 8879 CompressedCertificate (OpenSSL 3.2+, tls13_process_compressed_certificate;
    # read from the sources: its line in a given release is not known, so 0).
    "BAD_CERT_DECOMPRESSION": R(
        0x0A00006B, "tls13_process_compressed_certificate", "bad decompression", _LIB, 0
    ),
    "BAD_COMPRESSION_ALGORITHM": R(
        0x0A000146, "tls13_process_compressed_certificate", "bad compression algorithm", _LIB, 0
    ),
    "CERT_COMPRESSION_INTERNAL_ERROR": R(
        0x0A0C0103, "tls13_process_compressed_certificate", "internal error", _LIB, 0
    ),
    "BAD_RECORD_TYPE": R(0x0A0001BB, "ssl3_get_record", "bad record type", _REC, 367),
    "BAD_LENGTH": R(0x0A00010F, "ssl3_get_record", "bad length", _REC, 0),
    "RECORD_TOO_SMALL": R(0x0A00012A, "ssl3_get_record", "record too small", _REC, 0),
    "INVALID_CCS_MESSAGE": R(0x0A000104, "ssl3_get_record", "invalid ccs message", _REC, 493),
    "UNEXPECTED_CCS_MESSAGE": R(0x0A000106, "ssl3_get_record", "unexpected ccs message", _REC, 0),
    # Not an OpenSSL 3.0 reason (3.2+); kept for the record layer of later versions.
    "RECORD_LAYER_FAILURE": R(0x0A00010D, "ssl3_read_bytes", "record layer failure", _RL, 0),
    "UNEXPECTED_RECORD": R(0x0A0000F5, "ssl3_read_bytes", "unexpected record", _RL, 1798),
    "INVALID_ALERT": R(0x0A0000CD, "ssl3_read_bytes", "invalid alert", _RL, 1557),
    "UNKNOWN_ALERT_TYPE": R(0x0A0000F6, "ssl3_read_bytes", "unknown alert type", _RL, 0),
    "TOO_MUCH_EARLY_DATA": R(0x0A0000A4, "early_data_count_ok", "too much early data", _REC, 143),
    "TOO_MANY_WARN_ALERTS": R(0x0A000199, "ssl3_read_bytes", "too many warn alerts", _RL, 1582),
    "NO_RENEGOTIATION": R(0x0A000153, "ssl3_read_bytes", "no renegotiation", _RL, 1617),
    "DATA_BETWEEN_CCS_AND_FINISHED": R(
        0x0A000091, "ssl3_read_bytes", "data between ccs and finished", _RL, 0
    ),
    "CCS_RECEIVED_EARLY": R(0x0A000085, "ssl3_read_bytes", "ccs received early", _RL, 0),
    "MIXED_HANDSHAKE_AND_NON_HANDSHAKE_DATA": R(
        0x0A000125, "ssl3_read_bytes", "mixed handshake and non handshake data", _RL, 0
    ),
    # --- state machine ----------------------------------------------------------------
    "UNEXPECTED_MESSAGE": R(
        0x0A0000F4, "ossl_statem_client_read_transition", "unexpected message", _CLNT, 396
    ),
    "EXCESSIVE_MESSAGE_SIZE": R(
        0x0A000098, "read_state_machine", "excessive message size", "../ssl/statem/statem.c", 609
    ),
    "BAD_CHANGE_CIPHER_SPEC": R(
        0x0A000067, "tls_get_message_header", "bad change cipher spec", _LIB, 0
    ),
    "NOT_ON_RECORD_BOUNDARY": R(
        0x0A0000B6, "tls_process_server_hello", "not on record boundary", _CLNT, 1504
    ),
    "INTERNAL_ERROR": R(0x0A0C0103, "ossl_statem_client_read_transition", "internal error", _CLNT),
    # --- CertificateStatus (TLS <= 1.2 message, TLS 1.3 leaf entry) and -status ------
    "UNSUPPORTED_STATUS_TYPE": R(
        0x0A000149, "tls_process_cert_status_body", "unsupported status type", _CLNT, 2643
    ),
    "CERT_STATUS_LENGTH_MISMATCH": R(
        0x0A00009F, "tls_process_cert_status_body", "length mismatch", _CLNT, 2648
    ),
    # OPENSSL_malloc(0) is NULL: an empty response fails as an allocation failure.
    "CERT_STATUS_MALLOC_FAILURE": R(
        0x0A0C0100, "tls_process_cert_status_body", "malloc failure", _CLNT, 2654
    ),
    "INVALID_STATUS_RESPONSE": R(
        0x0A000148, "tls_process_initial_server_flight", "invalid status response", _CLNT, 2703
    ),
    # --- ServerHello and version ------------------------------------------------------
    "LENGTH_MISMATCH": R(0x0A00009F, "tls_process_server_hello", "length mismatch", _CLNT, 0),
    "SSL3_SESSION_ID_TOO_LONG": R(
        0x0A00012C, "tls_process_server_hello", "ssl3 session id too long", _CLNT, 0
    ),
    "INVALID_SESSION_ID": R(
        0x0A0003E7, "tls_process_server_hello", "invalid session id", _CLNT, 1471
    ),
    "INVALID_COMPRESSION_ALGORITHM": R(
        0x0A000155, "tls_process_server_hello", "invalid compression algorithm", _CLNT, 1462
    ),
    #: A TLS <= 1.2 ServerHello choosing compression without ``-comp`` (or at
    #: security level 2 or more): 3.0.19 as built by Debian has compression
    #: (no zlib), so this, not "unsupported compression algorithm", is reported.
    "COMPRESSION_DISABLED": R(
        0x0A000157, "tls_process_server_hello", "compression disabled", _CLNT, 0
    ),
    #: A resumed TLS <= 1.2 session whose ServerHello names another method.
    "OLD_SESSION_COMPRESSION_ALGORITHM_NOT_RETURNED": R(
        0x0A000158,
        "tls_process_server_hello",
        "old session compression algorithm not returned",
        _CLNT,
        0,
    ),
    "UNSUPPORTED_COMPRESSION_ALGORITHM": R(
        0x0A000101, "tls_process_server_hello", "unsupported compression algorithm", _CLNT, 0
    ),
    "UNKNOWN_CIPHER_RETURNED": R(
        0x0A0000F8, "set_client_ciphersuite", "unknown cipher returned", _CLNT, 1310
    ),
    "WRONG_CIPHER_RETURNED": R(
        0x0A000105, "set_client_ciphersuite", "wrong cipher returned", _CLNT, 1318
    ),
    "UNSUPPORTED_PROTOCOL": R(
        0x0A000102, "ssl_choose_client_version", "unsupported protocol", _LIB, 1952
    ),
    #: A ServerHello after a HelloRetryRequest that is not TLS 1.3.
    "WRONG_SSL_VERSION_HRR": R(
        0x0A00010A, "ssl_choose_client_version", "wrong ssl version", _LIB, 1916
    ),
    "BAD_PROTOCOL_VERSION_NUMBER": R(
        0x0A000074,
        "tls_parse_stoc_supported_versions",
        "bad protocol version number",
        _EXTC,
        1743,
    ),
    # tls_setup_handshake: an empty version range (-no_tls1_2 -no_tls1_3, min > max).
    "NO_PROTOCOLS_AVAILABLE": R(
        0x0A0000BF, "tls_setup_handshake", "no protocols available", _LIB, 102
    ),
    "INAPPROPRIATE_FALLBACK": R(
        0x0A000175, "ssl_choose_client_version", "inappropriate fallback", _LIB, 1986
    ),
    # Nothing left to offer (-ciphersuites '' with -tls1_3, the security level or
    # -sigalgs removing every suite): an internal_error alert, no ClientHello.
    "NO_CIPHERS_AVAILABLE": R(
        0x0A0000B5,
        "ssl_cipher_list_to_bytes",
        "no ciphers available",
        _CLNT,
        3752,
        "No ciphers enabled for max supported SSL/TLS version",
    ),
    # No group left for the supported_groups extension at all, or (the second
    # row) none for TLS 1.3 when it is the highest version offered.
    "NO_SUITABLE_GROUPS": R(
        0x0A000127,
        "tls_construct_ctos_supported_groups",
        "no suitable groups",
        _EXTC,
        238,
        "No groups enabled for max supported SSL/TLS version",
    ),
    "NO_SUITABLE_GROUPS_TLS13": R(
        0x0A000127,
        "tls_construct_ctos_supported_groups",
        "no suitable groups",
        _EXTC,
        246,
        "No groups enabled for max supported SSL/TLS version",
    ),
    # --- extensions -------------------------------------------------------------------
    "BAD_EXTENSION": R(0x0A00006E, "tls_collect_extensions", "bad extension", _EXT, 563),
    "UNSOLICITED_EXTENSION": R(
        0x0A0000D9, "tls_collect_extensions", "unsolicited extension", _EXT, 592
    ),
    # Server-side reason (no protocol in common); kept for the report layer.
    "NO_APPLICATION_PROTOCOL": R(
        0x0A0000EB, "tls_handle_alpn", "no application protocol", "../ssl/statem/statem_srvr.c", 0
    ),
    "BAD_PSK": R(0x0A0000DB, "tls_construct_ctos_early_data", "bad psk", _EXTC, 757),
    "PSK_IDENTITY_NOT_FOUND": R(
        0x0A0000DF, "tls_construct_cke_psk_preamble", "psk identity not found", _CLNT, 2782
    ),
    "CALLBACK_FAILED": R(
        0x0A0000EA, "tls_prepare_client_certificate", "callback failed", _CLNT, 3445
    ),
    "BAD_PSK_IDENTITY": R(0x0A000072, "tls_parse_stoc_psk", "bad psk identity", _EXTC, 1983),
    "CIPHERSUITE_DIGEST_HAS_CHANGED": R(
        0x0A0000DA, "tls_process_server_hello", "ciphersuite digest has changed", _CLNT, 1529
    ),
    # Resumption (set_client_ciphersuite, tls_process_server_hello, final_ems).
    "OLD_SESSION_CIPHER_NOT_RETURNED": R(
        0x0A0000C5, "set_client_ciphersuite", "old session cipher not returned", _CLNT, 1408
    ),
    "SSL_SESSION_VERSION_MISMATCH": R(
        0x0A0000D2, "tls_process_server_hello", "ssl session version mismatch", _CLNT, 1595
    ),
    "INCONSISTENT_EXTMS": R(0x0A000068, "final_ems", "inconsistent extms", _EXT, 1163),
    "PSK_NO_CLIENT_CB": R(
        0x0A0000E0, "tls_construct_cke_psk_preamble", "psk no client cb", _CLNT, 2861
    ),
    "BAD_KEY_SHARE": R(0x0A00006C, "tls_parse_stoc_key_share", "bad key share", _EXTC, 1792),
    "NO_SUITABLE_KEY_SHARE": R(0x0A000065, "final_key_share", "no suitable key share", _EXT, 1267),
    "NO_CHANGE_FOLLOWING_HRR": R(
        0x0A0000D6, "tls_process_as_hello_retry_request", "no change following hrr", _CLNT, 1740
    ),
    "MISSING_SIGALGS_EXTENSION": R(
        0x0A000070, "final_sig_algs", "missing sigalgs extension", _EXT, 1233
    ),
    "SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH": R(
        0x0A0000E8,
        "tls_parse_stoc_maxfragmentlen",
        "ssl3 ext invalid max fragment length",
        _EXTC,
        0,
    ),
    "UNSAFE_LEGACY_RENEGOTIATION_DISABLED": R(
        0x0A000152, "final_renegotiate", "unsafe legacy renegotiation disabled", _EXT, 844
    ),
    "RENEGOTIATION_MISMATCH": R(
        0x0A000151, "tls_parse_stoc_renegotiate", "renegotiation mismatch", _EXTC, 1232
    ),
    "RENEGOTIATION_ENCODING_ERR": R(
        0x0A000150, "tls_parse_stoc_renegotiate", "renegotiation encoding err", _EXTC, 0
    ),
    "TLS_INVALID_ECPOINTFORMAT_LIST": R(
        0x0A00009D, "final_ec_pt_formats", "tls invalid ecpointformat list", _EXT, 0
    ),
    "INVALID_MAX_EARLY_DATA": R(
        0x0A0000AE, "tls_parse_stoc_early_data", "invalid max early data", _EXTC, 0
    ),
    # --- certificates and signatures --------------------------------------------------
    "ASN1_LIB": R(0x0A08000D, "tls_process_server_certificate", "ASN1 lib", _CLNT, 1810),
    "SIGNATURE_ALGORITHMS_ERROR": R(
        0x0A000168, "tls_process_certificate_request", "signature algorithms error", _CLNT, 2416
    ),
    "CA_NAME_ASN1_LIB": R(0x0A08000D, "parse_ca_names", "ASN1 lib", _LIB, 2274),
    "CA_DN_LENGTH_MISMATCH": R(0x0A000083, "parse_ca_names", "ca dn length mismatch", _LIB, 2278),
    "CERT_LENGTH_MISMATCH": R(
        0x0A000087, "tls_process_server_certificate", "cert length mismatch", _CLNT, 0
    ),
    "CERTIFICATE_VERIFY_FAILED": R(
        0x0A000086, "tls_post_process_server_certificate", "certificate verify failed", _CLNT, 1889
    ),
    "UNKNOWN_CERTIFICATE_TYPE": R(
        0x0A0000F7, "tls_post_process_server_certificate", "unknown certificate type", _CLNT, 0
    ),
    "WRONG_CERTIFICATE_TYPE": R(
        0x0A00017F, "tls_post_process_server_certificate", "wrong certificate type", _CLNT, 0
    ),
    "BAD_SIGNATURE": R(0x0A00007B, "tls_process_cert_verify", "bad signature", _LIB, 545),
    "WRONG_SIGNATURE_TYPE": R(
        0x0A000172, "tls12_check_peer_sigalg", "wrong signature type", _T1, 1514
    ),
    "WRONG_CURVE": R(0x0A00017A, "tls12_check_peer_sigalg", "wrong curve", _T1, 1538),
    "LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED": R(
        0x0A00014D,
        "tls_process_key_exchange",
        "legacy sigalg disallowed or unsupported",
        _CLNT,
        2254,
    ),
    # --- key exchange (TLS 1.2) -------------------------------------------------------
    "BAD_ECPOINT": R(0x0A000132, "tls_parse_stoc_key_share", "bad ecpoint", _EXTC, 1870),
    # OpenSSL 3.5's ssl_decapsulate (ssl/s3_lib.c): a key-encapsulation share
    # that does not decapsulate -- a ciphertext of the wrong length, or a
    # hybrid's ECDH half off the curve -- is an internal_error there, as seen
    # from node 26.12.1 (OpenSSL 3.5.9) against a scripted server.
    "KEM_DECAPSULATION": R(
        0x0A0C0103, "ssl_decapsulate", "internal error", "../ssl/s3_lib.c", 5491
    ),
    "SKE_BAD_ECPOINT": R(0x0A000132, "tls_process_ske_ecdhe", "bad ecpoint", _CLNT, 2160),
    "BAD_DH_VALUE": R(0x0A000066, "tls_process_ske_dhe", "bad dh value", _CLNT, 0),
    # SRP (RFC 5054), all observed: srp_verify_server_param's checks, the
    # ServerKeyExchange's framing, and the ClientKeyExchange of a ClientHello
    # that named no user (-srp_lateuser).
    "SRP_BAD_DATA": R(0x0A000186, "srp_verify_server_param", "bad data", _SRP, 370),
    "SRP_INSUFFICIENT_SECURITY": R(
        0x0A0000F1, "srp_verify_server_param", "insufficient security", _SRP, 375
    ),
    "SRP_CALLBACK_FAILED": R(0x0A0000EA, "srp_verify_server_param", "callback failed", _SRP, 381),
    "SRP_UNKNOWN_GROUP": R(
        0x0A0000F1, "srp_verify_server_param", "insufficient security", _SRP, 385
    ),
    "SRP_LENGTH_MISMATCH": R(0x0A00009F, "tls_process_ske_srp", "length mismatch", _CLNT, 1989),
    "SRP_EXTRA_DATA": R(
        0x0A000099, "tls_process_key_exchange", "extra data in message", _CLNT, 2326
    ),
    "SRP_NO_USERNAME": R(0x0A0C0100, "tls_construct_cke_srp", "malloc failure", _CLNT, 3278),
    "DH_KEY_TOO_SMALL": R(0x0A00018A, "tls_process_ske_dhe", "dh key too small", _CLNT, 0),
    # --- Finished, tickets, post-handshake --------------------------------------------
    "DIGEST_CHECK_FAILED": R(0x0A000095, "tls_process_finished", "digest check failed", _LIB, 834),
    "BAD_DIGEST_LENGTH": R(0x0A00006F, "tls_process_finished", "bad digest length", _LIB, 827),
    "BAD_KEY_UPDATE": R(0x0A00007A, "tls_process_key_update", "bad key update", _LIB, 0),
    "BAD_HELLO_REQUEST": R(0x0A000069, "tls_process_hello_req", "bad hello request", _CLNT, 0),
    "APPLICATION_DATA_AFTER_CLOSE_NOTIFY": R(
        0x0A000123, "ssl3_read_bytes", "application data after close notify", _RL, 0
    ),
    # --- Encrypted Client Hello (OpenSSL 4.x: SSL_R_ECH_REQUIRED, 424) ----------------
    #: The server used the outer ClientHello (ECH rejected), raised after its
    #: Finished as OpenSSL 4.x's tls_process_initial_server_flight does.
    "ECH_REQUIRED": R(0x0A0001A8, "tls_process_initial_server_flight", "ech required", _CLNT, 0),
    # --- API misuse (no alert) --------------------------------------------------------
    #: Renegotiation or KeyUpdate asked for on a version without it.
    "WRONG_SSL_VERSION": R(
        0x0A00010A, "can_renegotiate", "wrong ssl version", "../ssl/ssl_lib.c", 2287
    ),
    #: SSL_renegotiate with -no_renegotiation (SSL_OP_NO_RENEGOTIATION).
    "RENEGOTIATION_DISABLED": R(
        0x0A000153, "can_renegotiate", "no renegotiation", "../ssl/ssl_lib.c", 2292
    ),
    # --- RFC 7250 raw public keys (OpenSSL 3.2+: its functions, its reason codes) ------
    "SERVER_CERT_TYPE_BAD_EXTENSION": R(
        0x0A00006E, "tls_parse_stoc_server_cert_type", "bad extension", _EXTC, 0
    ),
    "SERVER_CERT_TYPE_BAD_VALUE": R(
        0x0A000180, "tls_parse_stoc_server_cert_type", "bad value", _EXTC, 0
    ),
    "CLIENT_CERT_TYPE_BAD_EXTENSION": R(
        0x0A00006E, "tls_parse_stoc_client_cert_type", "bad extension", _EXTC, 0
    ),
    "CLIENT_CERT_TYPE_BAD_VALUE": R(
        0x0A000180, "tls_parse_stoc_client_cert_type", "bad value", _EXTC, 0
    ),
    "RPK_INVALID_CONTEXT": R(0x0A00011A, "tls_process_rpk", "invalid context", _LIB, 0),
    "RPK_LENGTH_MISMATCH": R(0x0A00009F, "tls_process_rpk", "length mismatch", _LIB, 0),
    "RPK_BAD_LENGTH": R(0x0A00010F, "tls_process_rpk", "bad length", _LIB, 0),
    "RPK_EMPTY": R(0x0A00015D, "tls_process_rpk", "empty raw public key", _LIB, 0),
    "RPK_NONE": R(0x0A00015C, "tls_process_server_rpk", "bad certificate", _CLNT, 0),
    "RPK_VERIFY_FAILED": R(
        0x0A000086, "tls_post_process_server_rpk", "certificate verify failed", _CLNT, 0
    ),
    "RPK_UNKNOWN_TYPE": R(
        0x0A0000F7, "tls_post_process_server_rpk", "unknown certificate type", _CLNT, 0
    ),
    "WRONG_RPK_TYPE": R(0x0A00015F, "tls_post_process_server_rpk", "wrong rpk type", _CLNT, 0),
    #: ``B`` with -heartbeat (RFC 6520): OpenSSL 3.0 has no heartbeats; the
    #: reasons and the function are 1.1.1's (dtls1_heartbeat), in 3.0's form.
    "TLS_HEARTBEAT_PEER_DOESNT_ACCEPT": R(
        0x0A00016D, "dtls1_heartbeat", "peer does not accept heartbeats", "../ssl/d1_lib.c"
    ),
    "TLS_HEARTBEAT_PENDING": R(
        0x0A00016E, "dtls1_heartbeat", "heartbeat request already pending", "../ssl/d1_lib.c"
    ),
}
