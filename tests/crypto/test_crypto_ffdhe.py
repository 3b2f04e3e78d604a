"""The RFC 7919 primes, checked against the RFC's own construction:
p = 2^b - 2^(b-64) + (floor(2^(b-130) * e) + X) * 2^64 - 1 (Appendix A), with
e computed here exactly in integer arithmetic and X as printed in the RFC."""

from __future__ import annotations

import pytest

from sclient.tls.crypto.ffdhe import FFDHE_G, FFDHE_GROUPS, FFDHE_X, ffdhe_prime

BITS = {0x0100: 2048, 0x0101: 3072, 0x0102: 4096, 0x0103: 6144, 0x0104: 8192}
# RFC 7919 Appendix A.1-A.5 print these X values.
RFC_X = {0x0100: 560316, 0x0101: 2625351, 0x0102: 5736041, 0x0103: 15705020, 0x0104: 10965728}


def _floor_e_times_2_pow(n: int) -> int:
    """floor(e * 2^n), from e = sum 1/k!, with 64 guard bits (the truncation
    error of the sum is far below one unit at that precision)."""
    prec = n + 64
    total, term, k = 0, 1 << prec, 0
    while term:
        total += term
        k += 1
        term //= k
    return total >> 64


@pytest.mark.parametrize("group", sorted(FFDHE_GROUPS))
def test_prime_matches_rfc_7919_construction(group: int) -> None:
    b = BITS[group]
    p = ffdhe_prime(group)
    assert FFDHE_X[group] == RFC_X[group]
    expected = (
        (1 << b) - (1 << (b - 64)) + (_floor_e_times_2_pow(b - 130) + RFC_X[group]) * (1 << 64) - 1
    )
    assert p == expected


@pytest.mark.parametrize("group", sorted(FFDHE_GROUPS))
def test_prime_properties(group: int) -> None:
    b = BITS[group]
    p = FFDHE_GROUPS[group]
    assert p.bit_length() == b
    assert p >> (b - 64) == (1 << 64) - 1  # top 64 bits set
    assert p & ((1 << 64) - 1) == (1 << 64) - 1  # bottom 64 bits set
    assert FFDHE_G == 2
    # 2 is a quadratic residue: it generates the subgroup of order q = (p-1)/2.
    assert pow(2, (p - 1) // 2, p) == 1
    # Fermat test with base 3 (a hint that p is prime; skipped for the
    # largest groups to keep the suite fast).
    if b <= 4096:
        assert pow(3, p - 1, p) == 1


def test_unknown_group() -> None:
    with pytest.raises(KeyError):
        ffdhe_prime(0x0105)
