"""Chains that ``cryptography`` warns about, against ``openssl s_client``.

cryptography deprecates DSA (51), finite-field Diffie-Hellman (50) and
certificates whose serial is zero or negative; it warns when they are loaded or
when a deprecated name is merely touched. OpenSSL 3.0 handles all of them, so
sclient must too, and Python's warning text must never reach the user's screen.

sclient runs here with ``PYTHONWARNINGS=error``: a warning anywhere in the run
becomes an exception, which either shows as a traceback or changes what is
printed, and the comparison with openssl's output catches both.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import masking
from support.oddchains import KINDS, Kind, make_chain
from support.peers import HOST, OpenSSLServer, require
from support.procs import (
    _env,
    assert_clean_stderr,
    run_until_summary,
    sclient_cmd,
)

pytestmark = pytest.mark.golden

# A DHE server's public value may lose a leading zero byte, and an ECDSA or
# DSA signature's DER length varies: then the read count moves by a byte or
# two between runs, whichever client reads it.
READ = (
    re.compile(r"SSL handshake has read \d+ bytes"),
    "SSL handshake has read <R> bytes",
)


def _mask(text: str, read_varies: bool) -> str:
    extra = [masking.ERROR_POSITION, masking.WRITTEN]
    if read_varies:
        extra.append(READ)
    return masking.mask(text, *extra)


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require("openssl")
    base = tmp_path_factory.mktemp("deprecated")
    return {k.name: make_chain(base, k) for k in KINDS}


def _compare(server: OpenSSLServer, args: list[str], read_varies: bool) -> None:
    args = ["-connect", f"{HOST}:{server.port}", *args]
    ref = run_until_summary(["openssl", "s_client"], args, _env())
    env = {**_env(), "PYTHONWARNINGS": "error"}
    got = run_until_summary(sclient_cmd(), args, env)
    assert_clean_stderr(got.stderr)
    assert got.rc == ref.rc, got.stderr
    assert _mask(got.stdout, read_varies) == _mask(ref.stdout, read_varies)
    assert _mask(got.stderr, read_varies) == _mask(ref.stderr, read_varies)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_chain_as_openssl_prints_it(kind: Kind, chains: dict[str, Path]) -> None:
    d = chains[kind.name]
    srv = OpenSSLServer(
        None,
        kind.server_args,
        cert_args=["-cert", str(d / "leaf.pem"), "-key", str(d / "leaf.key")],
    )
    with srv.start():
        _compare(
            srv, ["-CAfile", str(d / "root.pem"), "-showcerts", *kind.client_args], kind.read_varies
        )


@pytest.mark.parametrize("kind", [k for k in KINDS if k.name != "ffdhe"], ids=lambda k: k.name)
def test_client_certificate(kind: Kind, chains: dict[str, Path]) -> None:
    """The key and certificate files are loaded (and the key signs) without a warning."""
    d = chains[kind.name]
    srv = OpenSSLServer(
        None,
        [*kind.server_args, "-Verify", "1", "-CAfile", str(d / "root.pem")],
        cert_args=["-cert", str(d / "leaf.pem"), "-key", str(d / "leaf.key")],
    )
    with srv.start():
        _compare(
            srv,
            [
                "-CAfile", str(d / "root.pem"), "-cert", str(d / "client.pem"),
                "-key", str(d / "leaf.key"), *kind.client_args,
            ],
            kind.read_varies,
        )  # fmt: skip
