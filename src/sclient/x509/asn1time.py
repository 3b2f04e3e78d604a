"""ASN.1 UTCTime/GeneralizedTime as OpenSSL 3.0 reads, compares and prints them.

* :meth:`Asn1Time.to_tm` is ``ossl_asn1_time_to_tm`` (relaxed: optional
  seconds, fractions, ``+hhmm`` offsets).
* :meth:`Asn1Time.posix_strict` is what ``X509_cmp_time`` accepts (RFC 5280:
  exactly ``YYMMDDHHMMSSZ`` / ``YYYYMMDDHHMMSSZ``); ``None`` means "format
  error" (verify errors 13/14).
* :meth:`Asn1Time.print` is ``ASN1_TIME_print``: ``Nov 24 09:07:36 2026 GMT``.
"""

from __future__ import annotations

import functools

from sclient.base import der
from sclient.base.structs import Struct

UTCTIME = 23
GENERALIZEDTIME = 24

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MDAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MIN = (0, 0, 1, 1, 0, 0, 0, 0, 0)
_MAX = (99, 99, 12, 31, 23, 59, 59, 12, 59)


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


class Tm(Struct, frozen=True, slots=True):
    year: int
    month: int  # 1..12
    day: int
    hour: int
    minute: int
    second: int

    def posix(self) -> int:
        return (
            _days_from_civil(self.year, self.month, self.day) * 86400
            + self.hour * 3600
            + self.minute * 60
            + self.second
        )


class Asn1Time(Struct, frozen=True, slots=True):
    type: int  # 23 (UTCTime) or 24 (GeneralizedTime); anything else is invalid
    text: bytes

    @classmethod
    def from_tlv(cls, t: der.TLV) -> Asn1Time:
        return cls(t.tag & 0x1F if t.cls == 0 and not t.constructed else -1, t.content)

    @classmethod
    def from_posix(cls, t: int) -> Asn1Time:
        """``ASN1_TIME_set``: UTCTime for 1950..2049, GeneralizedTime otherwise."""
        y, mo, d, h, mi, s = _gmtime(t)
        if 1950 <= y <= 2049:
            return cls(UTCTIME, b"%02d%02d%02d%02d%02d%02dZ" % (y % 100, mo, d, h, mi, s))
        return cls(GENERALIZEDTIME, b"%04d%02d%02d%02d%02d%02dZ" % (y, mo, d, h, mi, s))

    def _parse(self, strict: bool) -> tuple[Tm, bool] | None:
        """``ossl_asn1_time_to_tm``; returns (tm, ends_with_Z) or None."""
        if type(self.text) is not bytes:
            return self._parse_uncached(strict)
        return _parsed(self.type, self.text, strict)

    def _parse_uncached(self, strict: bool) -> tuple[Tm, bool] | None:
        if self.type == UTCTIME:
            min_l, end, btz = (13 if strict else 11), 6, 5
        elif self.type == GENERALIZEDTIME:
            min_l, end, btz = (15 if strict else 13), 7, 6
        else:
            return None
        a = self.text
        n_len = len(a)
        if n_len < min_l:
            return None
        year = mon = mday = hour = minute = sec = 0
        o = 0
        for i in range(end):
            if not strict and i == btz and a[o : o + 1] in (b"Z", b"+", b"-"):
                break
            if not _digit(a, o):
                return None
            n = a[o] - 48
            o += 1
            if o == n_len or not _digit(a, o):
                return None
            n = n * 10 + a[o] - 48
            o += 1
            if o == n_len:
                return None
            i2 = i + 1 if self.type == UTCTIME else i
            if n < _MIN[i2] or n > _MAX[i2]:
                return None
            if i2 == 0:
                year = n * 100
            elif i2 == 1:
                year = (2000 + n if n < 50 else 1900 + n) if self.type == UTCTIME else year + n
            elif i2 == 2:
                mon = n
            elif i2 == 3:
                md = _MDAYS[mon - 1] + (1 if mon == 2 and _leap(year) else 0)
                if n > md:
                    return None
                mday = n
            elif i2 == 4:
                hour = n
            elif i2 == 5:
                minute = n
            else:
                sec = n
        if self.type == GENERALIZEDTIME and a[o : o + 1] == b".":
            if strict:
                return None
            o += 1
            if o == n_len:
                return None
            start = o
            while o < n_len and _digit(a, o):
                o += 1
            if start == o or o == n_len:
                return None
        tm = Tm(year, mon, mday, hour, minute, sec)
        gmt = False
        if a[o : o + 1] == b"Z":
            o += 1
            gmt = True
        elif not strict and a[o : o + 1] in (b"+", b"-"):
            sign = 1 if a[o : o + 1] == b"-" else -1
            o += 1
            if o + 4 != n_len:
                return None
            offset = 0
            for k in range(2):
                if not (_digit(a, o) and _digit(a, o + 1)):
                    return None
                n = (a[o] - 48) * 10 + a[o + 1] - 48
                i2 = end + k + (1 if self.type == UTCTIME else 0)
                if n < _MIN[i2] or n > _MAX[i2]:
                    return None
                offset += n * (3600 if k == 0 else 60)
                o += 2
            if offset:
                y, mo, d, h, mi, s = _gmtime(tm.posix() + sign * offset)
                tm = Tm(y, mo, d, h, mi, s)
        else:
            return None
        if o != n_len:
            return None
        return tm, gmt

    def to_tm(self) -> Tm | None:
        r = self._parse(strict=False)
        return r[0] if r else None

    def posix_strict(self) -> int | None:
        """Seconds since the epoch if the string has the RFC 5280 form, else None."""
        if type(self.text) is not bytes:
            return self._posix_strict_uncached()
        return _posix_strict(self.type, self.text)

    def _posix_strict_uncached(self) -> int | None:
        if self.type == UTCTIME:
            want = 13
        elif self.type == GENERALIZEDTIME:
            want = 15
        else:
            return None
        a = self.text
        if len(a) != want or a[-1:] != b"Z" or not all(48 <= c <= 57 for c in a[:-1]):
            return None
        r = self._parse(strict=False)
        return r[0].posix() if r else None

    def print(self) -> str:
        """``ASN1_TIME_print``."""
        r = self._parse(strict=False)
        if r is None:
            return "Bad time value"
        tm = r[0]  # 3.0.19 prints "GMT" also for "+hhmm" times (converted to UTC)
        frac = ""
        if self.type == GENERALIZEDTIME and len(self.text) > 15 and self.text[14:15] == b".":
            f = 1
            while 14 + f < len(self.text) and _digit(self.text, 14 + f):
                f += 1
            frac = self.text[14 : 14 + f].decode("ascii")
        mon = _MONTHS[tm.month - 1]
        return (
            f"{mon} {tm.day:2d} {tm.hour:02d}:{tm.minute:02d}:{tm.second:02d}{frac} {tm.year} GMT"
        )

    def compare(self, other: Asn1Time) -> int:
        """``ASN1_TIME_compare`` (-1/0/1; unparsable sorts as equal)."""
        a, b = self.to_tm(), other.to_tm()
        if a is None or b is None:
            return 0
        pa, pb = a.posix(), b.posix()
        return (pa > pb) - (pa < pb)


#: How many parsed times :func:`_parsed` and :func:`_posix_strict` keep: a
#: process making many connections reads the same certificates' times again.
PARSED_CACHE_SIZE = 256


@functools.lru_cache(maxsize=PARSED_CACHE_SIZE)
def _parsed(type_: int, text: bytes, strict: bool) -> tuple[Tm, bool] | None:
    return Asn1Time(type_, text)._parse_uncached(strict)


@functools.lru_cache(maxsize=PARSED_CACHE_SIZE)
def _posix_strict(type_: int, text: bytes) -> int | None:
    return Asn1Time(type_, text)._posix_strict_uncached()


def _digit(a: bytes, i: int) -> bool:
    return i < len(a) and 48 <= a[i] <= 57


def _gmtime(t: int) -> tuple[int, int, int, int, int, int]:
    days, rem = divmod(t, 86400)
    # civil-from-days (proleptic Gregorian), valid for any int
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    return y, m, d, rem // 3600, (rem // 60) % 60, rem % 60


def format_posix(t: int) -> str:
    """A Unix time printed like ``ASN1_TIME_print`` prints ``ASN1_TIME_set(t)``."""
    return Asn1Time.from_posix(t).print()


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (``calendar.timegm``'s
    arithmetic, without importing ``calendar``, ``datetime`` and ``locale``)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468
