"""TLS alerts: IANA "TLS Alerts" with OpenSSL's three wordings.

``msg`` is the ``-msg`` name (``close_notify``); ``long`` is
``SSL_alert_desc_string_long`` (``-state``: ``SSL3 alert read:fatal:handshake failure``);
``reason`` is the error-queue reason OpenSSL reports when it *receives* the
alert (``tlsv1 alert protocol version``), whose code is ``0x0A000000 | (1000 + code)``.
"""

from __future__ import annotations

from sclient.base.structs import Struct

WARNING = 1
FATAL = 2


class Alert(Struct, frozen=True, slots=True):
    code: int
    msg: str
    long: str
    reason: str
    #: ``SSL_alert_desc_string_long`` in 3.0 (``-trace``) when it is not ``long``
    #: (3.0 has no text for some TLS 1.3 alerts and says ``unknown``)
    trace_long: str = ""

    @property
    def trace(self) -> str:
        return self.trace_long or self.long

    @property
    def reason_code(self) -> int:
        return 0x0A000000 | (1000 + self.code)


_A = Alert

ALERTS: tuple[Alert, ...] = (
    _A(0, "close_notify", "close notify", "sslv3 alert close notify"),
    _A(1, "end_of_early_data", "end of early data", "tlsv1 alert end of early data"),
    _A(10, "unexpected_message", "unexpected_message", "sslv3 alert unexpected message"),
    _A(20, "bad_record_mac", "bad record mac", "sslv3 alert bad record mac"),
    _A(21, "decryption_failed", "decryption failed", "tlsv1 alert decryption failed"),
    _A(22, "record_overflow", "record overflow", "tlsv1 alert record overflow"),
    _A(30, "decompression_failure", "decompression failure", "sslv3 alert decompression failure"),
    _A(40, "handshake_failure", "handshake failure", "sslv3 alert handshake failure"),
    _A(41, "no_certificate", "no certificate", "sslv3 alert no certificate"),
    _A(42, "bad_certificate", "bad certificate", "sslv3 alert bad certificate"),
    _A(
        43,
        "unsupported_certificate",
        "unsupported certificate",
        "sslv3 alert unsupported certificate",
    ),
    _A(44, "certificate_revoked", "certificate revoked", "sslv3 alert certificate revoked"),
    _A(45, "certificate_expired", "certificate expired", "sslv3 alert certificate expired"),
    _A(46, "certificate_unknown", "certificate unknown", "sslv3 alert certificate unknown"),
    _A(47, "illegal_parameter", "illegal parameter", "sslv3 alert illegal parameter"),
    _A(48, "unknown_ca", "unknown CA", "tlsv1 alert unknown ca"),
    _A(49, "access_denied", "access denied", "tlsv1 alert access denied"),
    _A(50, "decode_error", "decode error", "tlsv1 alert decode error"),
    _A(51, "decrypt_error", "decrypt error", "tlsv1 alert decrypt error"),
    _A(60, "export_restriction", "export restriction", "tlsv1 alert export restriction"),
    _A(70, "protocol_version", "protocol version", "tlsv1 alert protocol version"),
    _A(71, "insufficient_security", "insufficient security", "tlsv1 alert insufficient security"),
    _A(80, "internal_error", "internal error", "tlsv1 alert internal error"),
    _A(
        86,
        "inappropriate_fallback",
        "inappropriate fallback",
        "tlsv1 alert inappropriate fallback",
        "unknown",
    ),
    _A(90, "user_canceled", "user canceled", "tlsv1 alert user cancelled"),
    _A(100, "no_renegotiation", "no renegotiation", "tlsv1 alert no renegotiation"),
    _A(109, "missing_extension", "missing extension", "tlsv13 alert missing extension"),
    _A(110, "unsupported_extension", "unsupported extension", "tlsv1 unsupported extension"),
    _A(
        111,
        "certificate_unobtainable",
        "certificate unobtainable",
        "tlsv1 certificate unobtainable",
    ),
    _A(112, "unrecognized_name", "unrecognized name", "tlsv1 unrecognized name"),
    _A(
        113,
        "bad_certificate_status_response",
        "bad certificate status response",
        "tlsv1 bad certificate status response",
    ),
    _A(
        114,
        "bad_certificate_hash_value",
        "bad certificate hash value",
        "tlsv1 bad certificate hash value",
    ),
    _A(115, "unknown_psk_identity", "unknown PSK identity", "tlsv1 alert unknown psk identity"),
    _A(
        116,
        "certificate_required",
        "certificate required",
        "tlsv13 alert certificate required",
        "unknown",
    ),
    _A(
        120,
        "no_application_protocol",
        "no application protocol",
        "tlsv1 alert no application protocol",
    ),
    # RFC 9849; OpenSSL 4.x's texts.
    _A(121, "ech_required", "ech required", "tlsv1 alert ech required"),
)

BY_CODE: dict[int, Alert] = {a.code: a for a in ALERTS}

CLOSE_NOTIFY = 0
UNEXPECTED_MESSAGE = 10
BAD_RECORD_MAC = 20
RECORD_OVERFLOW = 22
DECOMPRESSION_FAILURE = 30
HANDSHAKE_FAILURE = 40
NO_CERTIFICATE = 41  # SSL 3.0 only
BAD_CERTIFICATE = 42
UNSUPPORTED_CERTIFICATE = 43
CERTIFICATE_REVOKED = 44
CERTIFICATE_EXPIRED = 45
CERTIFICATE_UNKNOWN = 46
ILLEGAL_PARAMETER = 47
UNKNOWN_CA = 48
DECODE_ERROR = 50
DECRYPT_ERROR = 51
PROTOCOL_VERSION = 70
INSUFFICIENT_SECURITY = 71
INTERNAL_ERROR = 80
INAPPROPRIATE_FALLBACK = 86
USER_CANCELED = 90
NO_RENEGOTIATION = 100
MISSING_EXTENSION = 109
UNSUPPORTED_EXTENSION = 110
UNRECOGNIZED_NAME = 112
BAD_CERTIFICATE_STATUS_RESPONSE = 113
NO_APPLICATION_PROTOCOL = 120
ECH_REQUIRED = 121


#: Alerts s_client's ``-msg`` callback has no name for (it prints ``???``).
_MSG_UNNAMED = frozenset({41, 120})
#: Alerts ``SSL_alert_desc_string_long`` has no text for (it says ``unknown``).
_LONG_UNNAMED = frozenset({1, 86, 109, 116})

#: Alert levels as ``-msg`` (``msg``) and ``-state`` (``long``) print them.
LEVEL_NAMES: dict[int, str] = {WARNING: "warning", FATAL: "fatal"}


def msg_name(code: int) -> str:
    """The ``-msg`` name of an alert description (``???`` when s_client has none)."""
    a = BY_CODE.get(code)
    return "???" if a is None or code in _MSG_UNNAMED else a.msg


def long_name(code: int) -> str:
    """``SSL_alert_desc_string_long`` (``unknown`` when OpenSSL has no text)."""
    a = BY_CODE.get(code)
    return "unknown" if a is None or code in _LONG_UNNAMED else a.long


def describe(code: int) -> Alert:
    """The row for ``code``; unknown codes get OpenSSL's ``unknown`` wording."""
    return BY_CODE.get(code) or Alert(code, "???", "unknown", f"reason({1000 + code})")
