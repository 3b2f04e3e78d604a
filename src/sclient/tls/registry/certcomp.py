"""TLS Certificate Compression Algorithm IDs (RFC 8879 §7.3).

``name`` is the name OpenSSL 3.2+ gives the algorithm (``ssl_comp_cert_tbl``
of ssl/t1_trce.c, which ``-trace`` prints); ``module`` the Python module
that implements it, imported only when the algorithm is used (zlib is
Python's own; brotli and zstd come from the optional ``brotli`` and
``zstandard`` packages).
"""

from __future__ import annotations

from sclient.base.structs import Struct


class CertCompressionAlgorithm(Struct, frozen=True, slots=True):
    code: int
    name: str
    module: str


_A = CertCompressionAlgorithm

ALGORITHMS: tuple[CertCompressionAlgorithm, ...] = (
    _A(1, "zlib", "zlib"),
    _A(2, "brotli", "brotli"),
    _A(3, "zstd", "zstandard"),
)

BY_CODE: dict[int, CertCompressionAlgorithm] = {a.code: a for a in ALGORITHMS}
BY_NAME: dict[str, int] = {a.name: a.code for a in ALGORITHMS}

ZLIB = 1
BROTLI = 2
ZSTD = 3

#: OpenSSL 3.2+'s default preference (``SSL_CTX_new``: brotli, zlib, zstd,
#: each only when the build has it); the ClientHello lists them in this order.
OPENSSL_DEFAULT_ORDER: tuple[int, ...] = (BROTLI, ZLIB, ZSTD)

#: ``ssl_trace_str``'s table: 0 is "none".
TRACE_NAMES: dict[int, str] = {0: "none", **{a.code: a.name for a in ALGORITHMS}}


def trace_name(code: int) -> str:
    """The name ``-trace`` prints (``UNKNOWN`` for a code OpenSSL does not know)."""
    return TRACE_NAMES.get(code, "UNKNOWN")
