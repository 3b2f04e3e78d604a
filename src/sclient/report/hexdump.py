"""OpenSSL's ``BIO_dump_indent`` (``crypto/bio/bio_dump.c``): the hex dump used for
session tickets, ``-debug`` and ``-tlsextdebug``."""

from __future__ import annotations

_DUMP_WIDTH = 16


def _width(indent: int) -> int:
    return _DUMP_WIDTH - ((indent - (6 if indent > 6 else indent) + 3) // 4)


def bio_dump(data: bytes, indent: int = 0) -> str:
    """Every dump line, each ending with a newline (empty data gives ``""``)."""
    indent = max(0, min(indent, 64))
    width = _width(indent)
    lines = []
    for row in range(0, len(data), width):
        chunk = data[row : row + width]
        parts = [f"{'':{indent}}{row:04x} - "]
        for j in range(width):
            if j < len(chunk):
                parts.append(f"{chunk[j]:02x}{'-' if j == 7 else ' '}")
            else:
                parts.append("   ")
        parts.append("  ")
        parts.append("".join(chr(b) if 0x20 <= b <= 0x7E else "." for b in chunk))
        lines.append("".join(parts) + "\n")
    return "".join(lines)
