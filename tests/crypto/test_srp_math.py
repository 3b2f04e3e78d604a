"""SRP-6a arithmetic (sclient.tls.crypto.srp) against tlslite-ng's, run in a
subprocess, and the group checks of ``-srp_moregroups``."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from sclient.tls.crypto import srp
from sclient.tls.crypto.ffdhe import FFDHE_GROUPS

_REFERENCE = """
import sys
from tlslite import mathtls
from tlslite.utils.cryptomath import powMod
n, g, a, b = (int(v, 16) for v in sys.argv[1:5])
salt, user, password = (bytearray.fromhex(v) for v in sys.argv[5:8])
A = powMod(g, a, n)
u = mathtls.makeU(n, A, b)
k = mathtls.makeK(n, g)
x = mathtls.makeX(salt, user, password)
S = powMod((b - k * powMod(g, x, n)) % n, a + u * x, n)
print("%x %x" % (A, S))
"""


@pytest.mark.parametrize("index", range(3))
def test_premaster_matches_tlslite(index: int) -> None:
    if importlib.util.find_spec("tlslite") is None:
        pytest.skip("tlslite-ng is not importable: no second SRP implementation")
    n, g = srp.KNOWN_GROUPS[index]
    secret = bytes(range(1, 49))
    b = pow(g, 12345 + index, n)
    salt, user, password = b"\x01\x02salt", b"alice", b"pass word"
    client = srp.SrpClient(n, g, salt, b, lambda k: secret[:k])
    args = [f"{v:x}" for v in (n, g, int.from_bytes(secret, "big"), b)]
    args += [v.hex() for v in (salt, user, password)]
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _REFERENCE, *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert client.public == bytes.fromhex(out[0].zfill(len(out[0]) + len(out[0]) % 2))
    want = int(out[1], 16)
    got = client.premaster(user, password)
    assert int.from_bytes(got, "big") == want
    assert got[0] != 0  # no leading zero bytes, as BN_bn2bin
    assert client.premaster(user, b"other") != got


def test_known_groups() -> None:
    assert len(srp.KNOWN_GROUPS) == 7
    assert [n.bit_length() for n, _ in srp.KNOWN_GROUPS] == [
        1024,
        1536,
        2048,
        3072,
        4096,
        6144,
        8192,
    ]
    assert [g for _, g in srp.KNOWN_GROUPS] == [2, 2, 2, 5, 5, 5, 19]
    n, g = srp.KNOWN_GROUPS[2]
    assert srp.is_known_group(n, g)
    assert not srp.is_known_group(n, 5)


def test_other_groups() -> None:
    p = FFDHE_GROUPS[0x0100]
    assert srp.is_safe_group(p, 7)  # a generator of the whole group
    assert not srp.is_safe_group(p, 2)  # 2 is a square modulo this prime
    assert not srp.is_safe_group(p + 2, 7)  # not prime
    assert not srp.is_safe_group(p, (1 << 65) + 1)  # generator above 64 bits
