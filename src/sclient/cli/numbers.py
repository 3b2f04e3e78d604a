"""C number parsing as OpenSSL's option parser does it (glibc ``strtol``/``atoi``, LP64).

``opt_long``/``opt_int``/``opt_intmax`` reproduce ``apps/lib/opt.c`` (3.0.19): ``strtol`` with
base 0 (``0x`` hexadecimal, leading ``0`` octal, leading white space and a sign accepted),
the whole string must be consumed, overflow is an error.  ``atoi`` is what ``s_client`` uses
afterwards to get most values (base 10, so ``0x10`` -> 0 and ``010`` -> 10).
"""

from __future__ import annotations

LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)

_SPACE = " \t\n\v\f\r"
_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


class NumberError(ValueError):
    """``text`` is OpenSSL's message without the ``s_client: `` prefix and newline."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def strtol(s: str, base: int = 0) -> tuple[int, int, bool]:
    """C ``strtol``: return ``(value, end, overflow)``; ``end`` is 0 when nothing was converted.

    On overflow the value is clamped to LONG_MAX/LONG_MIN, as C does (errno = ERANGE).
    """
    n = len(s)
    i = 0
    while i < n and s[i] in _SPACE:
        i += 1
    neg = False
    if i < n and s[i] in "+-":
        neg = s[i] == "-"
        i += 1
    has_hex_prefix = s.startswith(("0x", "0X"), i) and i + 2 < n and s[i + 2] in _DIGITS[16]
    if base == 0:
        if has_hex_prefix:
            base = 16
            i += 2
        elif i < n and s[i] == "0":
            base = 8
        else:
            base = 10
    elif base == 16 and has_hex_prefix:
        i += 2
    digits = _DIGITS[base]
    start = i
    value = 0
    while i < n and s[i] in digits:
        value = value * base + int(s[i], 16)
        i += 1
    if i == start:
        return 0, 0, False
    if neg:
        value = -value
    if value > LONG_MAX:
        return LONG_MAX, i, True
    if value < LONG_MIN:
        return LONG_MIN, i, True
    return value, i, False


def _to_c_int(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - 2**32 if v >= 2**31 else v


def atoi(s: str) -> int:
    """C ``atoi`` (``(int)strtol(s, NULL, 10)``)."""
    value, _end, _ovf = strtol(s, 10)
    return _to_c_int(value)


def number_error(v: str) -> NumberError:
    """OpenSSL's ``opt_number_error``: the wording depends on the prefix of the raw text."""
    if v.startswith(("0x", "0X")):
        kind = "a hexadecimal"
    elif v.startswith("0"):
        kind = "an octal"
    else:
        kind = "a"
    return NumberError(f'Can\'t parse "{v}" as {kind} number')


def opt_long(v: str) -> int:
    value, end, overflow = strtol(v, 0)
    if end == 0 or end != len(v) or overflow:
        raise number_error(v)
    return value


def opt_int(v: str) -> int:
    value = opt_long(v)
    if not INT_MIN <= value <= INT_MAX:
        raise NumberError(f'Value "{v}" outside integer range')
    return value


def opt_intmax(v: str) -> int:
    # intmax_t is long on LP64 Linux: same checks as opt_long.
    return opt_long(v)
