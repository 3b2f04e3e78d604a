"""``-suiteB_128_only``/``-suiteB_128``/``-suiteB_192`` leave the ClientHello alone.

In ``openssl s_client`` they are X509_VERIFY_PARAM flags: only verification
sees them (the TLS-side Suite B mode, ``tls1_suiteb``, comes from a
``SUITEB...`` cipher string). The first record of sclient and of openssl,
each run against a listener that records it, must be the same bytes after
blanking the random parts, and the same as without the option.
"""

from __future__ import annotations

import socket
import subprocess

import pytest
from test_tls_hello import normalise
from tls_peers import OPENSSL

from support.peers import read_record
from support.procs import sclient_cmd

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed"),
]


def first_record(cmd: list[str], args: list[str]) -> bytes:
    """What ``cmd -connect … args`` sends first (one whole TLS record)."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(20)
    port = lsock.getsockname()[1]
    proc = subprocess.Popen(
        [*cmd, "-connect", f"127.0.0.1:{port}", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        conn, _ = lsock.accept()
        with conn:
            data = read_record(conn)
    finally:
        lsock.close()
        proc.kill()
        proc.wait()
    return data


def _openssl(args: list[str]) -> bytes:
    assert OPENSSL is not None
    return normalise(first_record([OPENSSL, "s_client"], args))


def _ours(args: list[str]) -> bytes:
    return normalise(first_record(sclient_cmd(), args))


CASES = [
    ["-suiteB_128_only"],
    ["-suiteB_128"],
    ["-suiteB_192"],
    ["-suiteB_128_only", "-suiteB_192"],
    ["-suiteB_128", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-groups", "P-256:P-384"],
    ["-suiteB_192", "-tls1_2", "-sigalgs", "ECDSA+SHA384"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
def test_same_client_hello_as_openssl(args: list[str]) -> None:
    assert _ours(args).hex() == _openssl(args).hex()


@pytest.mark.parametrize("opt", ["-suiteB_128_only", "-suiteB_128", "-suiteB_192"])
def test_option_does_not_change_the_client_hello(opt: str) -> None:
    assert _openssl([opt]) == _openssl([])
    assert _ours([opt]) == _ours([])
