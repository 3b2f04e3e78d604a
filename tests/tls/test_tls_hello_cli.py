"""The ClientHello of whole command lines, against ``openssl s_client``'s.

Each command line runs through sclient and openssl against a listener that
records the first record; the two must be the same bytes once the random parts
are blanked. These are the lines where what OpenSSL leaves out depends on the
rest of the configuration (its ``use_ecc``: no elliptic-curve suite or no EC
group means no ec_point_formats, and below TLS 1.3 no supported_groups).
"""

from __future__ import annotations

import pytest
from test_tls_hello import normalise
from test_tls_hello_suiteb import first_record
from tls_peers import OPENSSL

from support.procs import sclient_cmd

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed"),
]

CASES = [
    ["-tls1_2", "-cipher", "AES128-SHA"],
    ["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256:AES256-SHA256"],
    ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"],
    ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:AES128-SHA"],
    ["-tls1_2", "-groups", "ffdhe2048"],
    ["-groups", "ffdhe2048"],
    ["-tls1_3", "-groups", "ffdhe2048:ffdhe3072"],
    ["-groups", "ffdhe2048:x25519"],
    ["-cipher", "AES128-SHA"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
def test_same_client_hello_as_openssl(args: list[str]) -> None:
    assert OPENSSL is not None
    want = normalise(first_record([OPENSSL, "s_client"], args))
    got = normalise(first_record(sclient_cmd(), args))
    assert got.hex() == want.hex()
