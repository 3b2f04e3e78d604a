"""OpenSSL's error-queue wording for the failures the engine reports.

Each row: the 3.0 packed error code, the function and source position OpenSSL
3.0.19 reports, and the reason text users grep for. The report layer prints
``<id>:error:<code>:SSL routines:<func>:<text>:<file>:<line>:<data>``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    code: int
    func: str
    text: str
    file: str = "../ssl/statem/statem_clnt.c"
    line: int = 0


R = Reason

REASONS: dict[str, Reason] = {
    # A received fatal alert: code and text come from registry.alerts.
    "PEER_ALERT": R(0, "ssl3_read_bytes", "", "../ssl/record/rec_layer_s3.c", 1601),
    "UNEXPECTED_EOF_WHILE_READING": R(
        0x0A000126,
        "ssl3_read_n",
        "unexpected eof while reading",
        "../ssl/record/rec_layer_s3.c",
        318,
    ),
    "WRONG_VERSION_NUMBER": R(
        0x0A00010B, "ssl3_get_record", "wrong version number", "../ssl/record/ssl3_record.c", 354
    ),
    "PACKET_LENGTH_TOO_LONG": R(
        0x0A000198, "ssl3_get_record", "packet length too long", "../ssl/record/ssl3_record.c", 0
    ),
    "ENCRYPTED_LENGTH_TOO_LONG": R(
        0x0A000096, "ssl3_get_record", "encrypted length too long", "../ssl/record/ssl3_record.c", 0
    ),
    "DATA_LENGTH_TOO_LONG": R(
        0x0A000092, "ssl3_get_record", "data length too long", "../ssl/record/ssl3_record.c", 0
    ),
    "DECRYPTION_FAILED_OR_BAD_RECORD_MAC": R(
        0x0A000119,
        "ssl3_get_record",
        "decryption failed or bad record mac",
        "../ssl/record/ssl3_record.c",
        0,
    ),
    "RECORD_LAYER_FAILURE": R(
        0x0A00010D, "ssl3_read_bytes", "record layer failure", "../ssl/record/rec_layer_s3.c", 0
    ),
    "UNEXPECTED_MESSAGE": R(
        0x0A0000F4,
        "ossl_statem_client_read_transition",
        "unexpected message",
        "../ssl/statem/statem_clnt.c",
        0,
    ),
    "UNEXPECTED_RECORD": R(
        0x0A0000F5, "ssl3_read_bytes", "unexpected record", "../ssl/record/rec_layer_s3.c", 0
    ),
    "LENGTH_MISMATCH": R(0x0A00009F, "tls_process_server_hello", "length mismatch"),
    "BAD_EXTENSION": R(
        0x0A00006E, "tls_parse_extension", "bad extension", "../ssl/statem/extensions.c", 0
    ),
    "UNSOLICITED_EXTENSION": R(
        0x0A000D9,
        "tls_collect_extensions",
        "unsolicited extension",
        "../ssl/statem/extensions.c",
        0,
    ),
    "WRONG_CIPHER_RETURNED": R(0x0A000105, "set_client_ciphersuite", "wrong cipher returned"),
    "UNSUPPORTED_PROTOCOL": R(0x0A000102, "tls_setup_handshake", "unsupported protocol"),
    "NO_PROTOCOLS_AVAILABLE": R(0x0A0000BF, "ssl_choose_client_version", "no protocols available"),
    "INAPPROPRIATE_FALLBACK": R(
        0x0A000175,
        "ssl_choose_client_version",
        "inappropriate fallback",
        "../ssl/statem/statem_lib.c",
        0,
    ),
    "DIGEST_CHECK_FAILED": R(
        0x0A00008B, "tls_process_finished", "digest check failed", "../ssl/statem/statem_lib.c", 0
    ),
    "BAD_SIGNATURE": R(
        0x0A00007B, "tls_process_cert_verify", "bad signature", "../ssl/statem/statem_lib.c", 0
    ),
    "WRONG_SIGNATURE_TYPE": R(
        0x0A000172, "tls12_check_peer_sigalg", "wrong signature type", "../ssl/t1_lib.c", 0
    ),
    "BAD_KEY_SHARE": R(
        0x0A00006C,
        "tls_parse_stoc_key_share",
        "bad key share",
        "../ssl/statem/extensions_clnt.c",
        0,
    ),
    "BAD_ECPOINT": R(0x0A000132, "tls_process_ske_ecdhe", "bad ecpoint"),
    "BAD_DH_VALUE": R(0x0A000066, "tls_process_ske_dhe", "bad dh value"),
    "DH_KEY_TOO_SMALL": R(0x0A00018A, "tls_process_ske_dhe", "dh key too small"),
    "CERTIFICATE_VERIFY_FAILED": R(
        0x0A000086,
        "tls_post_process_server_certificate",
        "certificate verify failed",
        "../ssl/statem/statem_clnt.c",
        1889,
    ),
    "UNSAFE_LEGACY_RENEGOTIATION_DISABLED": R(
        0x0A000152,
        "tls_parse_stoc_renegotiate",
        "unsafe legacy renegotiation disabled",
        "../ssl/statem/extensions_clnt.c",
        0,
    ),
    "RENEGOTIATION_MISMATCH": R(
        0x0A000151,
        "tls_parse_stoc_renegotiate",
        "renegotiation mismatch",
        "../ssl/statem/extensions_clnt.c",
        0,
    ),
    "BAD_HELLO_REQUEST": R(0x0A000069, "tls_process_hello_req", "bad hello request"),
    "EXCESSIVE_MESSAGE_SIZE": R(
        0x0A000098,
        "tls_get_message_header",
        "excessive message size",
        "../ssl/statem/statem_lib.c",
        0,
    ),
    "BAD_PACKET": R(0x0A0000F0, "ssl3_get_record", "bad packet", "../ssl/record/ssl3_record.c", 0),
    "NO_APPLICATION_PROTOCOL": R(
        0x0A000EB, "tls_parse_stoc_alpn", "bad extension", "../ssl/statem/extensions_clnt.c", 0
    ),
    "NO_CIPHERS_AVAILABLE": R(0x0A0000B5, "tls_construct_client_hello", "no ciphers available"),
    "WRONG_SSL_VERSION": R(
        0x0A00010A, "can_renegotiate", "wrong ssl version", "../ssl/ssl_lib.c", 2287
    ),
    "NO_RENEGOTIATION": R(
        0x0A000153, "ssl3_read_bytes", "no renegotiation", "../ssl/record/rec_layer_s3.c", 0
    ),
    "INTERNAL_ERROR": R(0x0A0C0103, "ossl_statem_client_read_transition", "internal error"),
    "TOO_MANY_WARN_ALERTS": R(
        0x0A000199, "ssl3_read_bytes", "too many warn alerts", "../ssl/record/rec_layer_s3.c", 0
    ),
}
