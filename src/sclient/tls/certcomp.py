"""Certificate compression (RFC 8879) as OpenSSL 3.2+ does it.

The codecs: zlib (Python's own) and, when installed, brotli (``brotli``)
and zstd (``zstandard``), each imported the first time it is needed; an
algorithm whose package is missing is simply not available (not offered,
not accepted).

Decompression is bounded: the output never grows past the declared
``uncompressed_length`` (itself at most 2^24 - 1 by its 24-bit field) plus
one byte, whatever the compressed bytes expand to, so a few hundred bytes
that claim or inflate to megabytes cost no more memory than the declared
size, and a stream that gives more or less than it declared is refused.

:func:`expand` is OpenSSL's ``tls13_process_compressed_certificate``: its
checks in its order, with its alerts and reasons.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sclient.tls.errors import LocalError
from sclient.tls.registry import alerts
from sclient.tls.registry import certcomp as CC

if TYPE_CHECKING:
    from sclient.tls.wire.handshake import CompressedCertificate

__all__ = ["MAX_UNCOMPRESSED", "available", "compress", "decompress", "expand"]

#: The largest ``uncompressed_length`` the 24-bit field can declare.
MAX_UNCOMPRESSED = (1 << 24) - 1

#: Output is produced in pieces of at most this size (brotli's and zstd's
#: readers are asked for no more than what is still allowed).
_CHUNK = 1 << 16

_modules: dict[int, Any] = {}


def _module(code: int) -> Any:
    """The codec module of algorithm ``code``, or None when it is not installed."""
    if code not in _modules:
        row = CC.BY_CODE.get(code)
        mod: Any = None
        if row is not None:
            try:
                mod = importlib.import_module(row.module)
            except ImportError:
                mod = None
        _modules[code] = mod
    return _modules[code]


def available(order: tuple[int, ...] = CC.OPENSSL_DEFAULT_ORDER) -> tuple[int, ...]:
    """The algorithms of ``order`` this installation can use, in that order."""
    return tuple(code for code in order if _module(code) is not None)


def compress(code: int, data: bytes) -> bytes:
    """``data`` compressed with algorithm ``code`` (which must be available)."""
    mod = _module(code)
    if mod is None:
        raise ValueError(f"certificate compression algorithm {code} is not available")
    if code == CC.ZLIB:
        return bytes(mod.compress(data))
    if code == CC.BROTLI:
        return bytes(mod.compress(data))
    return bytes(mod.ZstdCompressor().compress(data))


def decompress(code: int, data: bytes, limit: int) -> bytes | None:
    """``data`` expanded with algorithm ``code``, never more than ``limit + 1``
    bytes (so a longer output shows as too long without being made); None
    when the stream is corrupt or ends early."""
    mod = _module(code)
    if mod is None:
        return None
    cap = limit + 1
    try:
        if code == CC.ZLIB:
            d = mod.decompressobj()
            out = d.decompress(data, cap)
            if len(out) < cap and not d.eof:
                return None  # the stream stops before its end
            return bytes(out)
        if code == CC.BROTLI:
            b = mod.Decompressor()
            parts: list[bytes] = []
            size = 0
            chunk = b.process(data, output_buffer_limit=min(_CHUNK, cap))
            while True:
                parts.append(chunk)
                size += len(chunk)
                if size >= cap or b.is_finished():
                    break
                if b.can_accept_more_data():
                    return None  # all input used, the stream unfinished
                chunk = b.process(b"", output_buffer_limit=min(_CHUNK, cap - size))
            return b"".join(parts)[:cap]
        import io

        reader = mod.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True)
        out = bytearray()
        while len(out) < cap:
            piece = reader.read(min(_CHUNK, cap - len(out)))
            if not piece:
                break
            out += piece
        return bytes(out)
    except Exception:  # each codec's own error type: a corrupt stream
        return None


def expand(comp_prefs: tuple[int, ...], msg: CompressedCertificate) -> bytes:
    """The Certificate body a received CompressedCertificate holds, after
    OpenSSL's checks: an algorithm we did not offer is illegal_parameter,
    one we cannot use bad_certificate ("bad compression algorithm"); lengths
    that cannot be read bad_certificate, a compressed length that is not the
    rest of the message (or 0) decode_error; an output that is not exactly
    the declared length (or a corrupt stream) bad_certificate ("bad
    decompression")."""
    body = msg.body
    if len(body) < 2:
        raise LocalError(alerts.BAD_CERTIFICATE, "CERT_COMPRESSION_INTERNAL_ERROR", "no algorithm")
    code = int.from_bytes(body[:2], "big")
    if comp_prefs and code not in comp_prefs:
        raise LocalError(alerts.ILLEGAL_PARAMETER, "BAD_COMPRESSION_ALGORITHM", f"{code}")
    if code not in CC.BY_CODE or _module(code) is None:
        raise LocalError(alerts.BAD_CERTIFICATE, "BAD_COMPRESSION_ALGORITHM", f"{code}")
    if len(body) < 8:
        raise LocalError(alerts.BAD_CERTIFICATE, "BAD_CERT_DECOMPRESSION", "short lengths")
    declared = int.from_bytes(body[2:5], "big")
    clen = int.from_bytes(body[5:8], "big")
    data = body[8:]
    if len(data) != clen or clen == 0:
        raise LocalError(alerts.DECODE_ERROR, "BAD_CERT_DECOMPRESSION", "compressed length")
    out = decompress(code, data, declared)
    if out is None or len(out) != declared:
        raise LocalError(alerts.BAD_CERTIFICATE, "BAD_CERT_DECOMPRESSION", "uncompressed length")
    return out
