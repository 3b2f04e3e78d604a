"""OpenSSL's error-queue line (``ERR_print_errors``, output.md §21).

3.0 format: ``<tid>:error:<%08X code>:<library>:<function>:<reason>:<file>:<line>:<data>``.
The thread id is the raw bytes of ``pthread_self()`` in memory order, which on
the platforms we run on is what :func:`threading.get_ident` (``_thread.get_ident``) returns.
"""

from __future__ import annotations

import _thread
import struct

from sclient.base.errorqueue import ErrorEntry

__all__ = ["ErrorEntry", "system_error", "thread_id", "tls_error_entry"]

SSL_LIB = "SSL routines"
BIO_LIB = "BIO routines"
SYS_LIB = "system library"


def thread_id() -> str:
    """16 upper-case hex digits, as OpenSSL 3.0 prints the current thread."""
    return struct.pack("<Q", _thread.get_ident() & 0xFFFFFFFFFFFFFFFF).hex().upper()


def system_error(
    func: str, errno: int, strerror: str, file: str, line: int, data: str
) -> ErrorEntry:
    """An ``ERR_LIB_SYS`` entry: code ``0x80000000 | errno``, reason = strerror."""
    return ErrorEntry(0x80000000 | (errno & 0x7FFFFFFF), SYS_LIB, func, strerror, file, line, data)


def tls_error_entry(error: object) -> ErrorEntry:
    """The error-queue entry for an engine :class:`~sclient.tls.errors.TLSError`.

    A received fatal alert gives ``ssl3_read_bytes:<alert reason>`` with
    ``SSL alert number N``; anything else looks its row up in
    ``registry.reasons``.
    """
    from sclient.tls.registry import alerts, reasons

    reason_key = getattr(error, "reason", "INTERNAL_ERROR")
    alert = getattr(error, "alert", None)
    if reason_key in ("PEER_ALERT", "DTLS_PEER_ALERT") and alert is not None:
        row = reasons.REASONS[reason_key]
        a = alerts.describe(alert)
        return ErrorEntry(
            a.reason_code,
            SSL_LIB,
            row.func,
            a.reason,
            row.file,
            row.line,
            f"SSL alert number {alert}",
        )
    found = reasons.REASONS.get(reason_key)
    if found is None:
        detail = getattr(error, "detail", "") or str(reason_key)
        row = reasons.REASONS["INTERNAL_ERROR"]
        return ErrorEntry(row.code, SSL_LIB, row.func, row.text, row.file, row.line, detail)
    return reason_entry(reason_key)


def reason_entry(key: str) -> ErrorEntry:
    """The entry of a row of ``registry.reasons`` (its file, line and text)."""
    from sclient.tls.registry import reasons

    row = reasons.REASONS[key]
    return ErrorEntry(row.code, SSL_LIB, row.func, row.text, row.file, row.line, row.data)


_CRYPTO_LIB = "common libcrypto routines"

#: ``OPENSSL_hexstr2buf`` on an odd number of hex digits (a bad ``-psk`` key).
HEX_ODD_DIGITS = ErrorEntry(
    0x07800067, _CRYPTO_LIB, "hexstr2buf_sep", "odd number of digits", "../crypto/o_str.c", 161
)
#: ``OPENSSL_hexstr2buf`` on an empty string (``-psk ""``).
HEX_TOO_SHORT = ErrorEntry(
    0x07800079, _CRYPTO_LIB, "ossl_hexstr2buf_sep", "hex string too short", "../crypto/o_str.c", 202
)
#: ``SSL_key_update`` on a connection below TLS 1.3 (the ``k``/``K`` commands).
KEY_UPDATE_WRONG_VERSION = ErrorEntry(
    0x0A00010A, SSL_LIB, "SSL_key_update", "wrong ssl version", "../ssl/ssl_lib.c", 2318
)
