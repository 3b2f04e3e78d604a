"""sclient and ``openssl s_client -starttls <kw>`` against the same scripted
servers: the same plaintext bytes before the ClientHello, the same output."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from starttls.scripted import Script, ScriptedServer
from starttls.scripts import REFUSAL, SUCCESS
from support import masking
from support.pki import PKI
from support.procs import Result, assert_clean_stderr, run_openssl_s_client, run_sclient

pytestmark = pytest.mark.golden

KEYWORDS = tuple(SUCCESS)


def mask(text: str) -> str:
    return masking.mask(text)


@pytest.fixture
def serve(pki: PKI) -> Iterator[object]:
    servers: list[ScriptedServer] = []

    def start(script: Script, host: str = "127.0.0.1") -> ScriptedServer:
        server = ScriptedServer(chain=pki["rsa"], script=script, host=host)
        server.start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


def both(server: ScriptedServer, args: list[str], host: str = "127.0.0.1") -> tuple[Result, Result]:
    """Run openssl then sclient with ``args`` against ``server``; each run must
    have been served to the end before the next starts."""
    target = f"[{host}]:{server.port}" if ":" in host else f"{host}:{server.port}"
    full = ["-connect", target, *args]
    ref = run_openssl_s_client(full)
    server.wait_done(1)
    got = run_sclient(full)
    server.wait_done(2)
    assert_clean_stderr(got.stderr)
    return ref, got


def assert_same_output(ref: Result, got: Result) -> None:
    assert got.rc == ref.rc, f"exit: openssl {ref.rc}, sclient {got.rc}\n{got.stderr}"
    assert mask(got.stderr) == mask(ref.stderr)
    assert mask(got.stdout) == mask(ref.stdout)


#: the stderr residue after the handshake (output.md §3) with the SUCCESS scripts
RESIDUE = {
    "smtp": "250 SIZE 1000\r\n",
    "lmtp": "250 SIZE 1000\r\n",
    "pop3": "+OK POP3 ready\r",  # the greeting cut to the length of the STLS reply
    "imap": ". OK CAPABILITY completed\r\n",
    "ftp": "220 FTP ready\r\n",
    "irc": ":irc.test 670 nick :STARTTLS successful, go ahead\r\n",
    "nntp": "382 Continue with TLS negotiation\r\n",
    "sieve": 'OK "Begin TLS"\r\n',
}


@pytest.mark.parametrize("kw", KEYWORDS)
def test_success(kw: str, serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(SUCCESS[kw])
    ref, got = both(server, ["-starttls", kw, "-CAfile", str(pki["rsa"].root)])
    first, second = server.records
    assert first.tls_ok, first.tls_error
    assert second.tls_ok, second.tls_error
    assert second.pre_tls == first.pre_tls
    assert "Verify return code: 0 (ok)" in got.stdout
    assert ref.rc == got.rc == 0
    m = re.search(r"SSL handshake has read \d+ bytes and written \d+ bytes", got.stdout)
    assert m is not None and m.group(0) in ref.stdout
    residue = RESIDUE.get(kw, "")
    assert ref.stderr.endswith("verify return:1\n" + residue + "DONE\n")
    assert got.stderr.endswith("verify return:1\n" + residue + "DONE\n")
    assert_same_output(ref, got)


@pytest.mark.parametrize("kw", KEYWORDS)
def test_refusal(kw: str, serve, pki: PKI) -> None:  # type: ignore[no-untyped-def]
    server = serve(REFUSAL[kw])
    ref, got = both(server, ["-starttls", kw, "-CAfile", str(pki["rsa"].root)])
    first, second = server.records
    assert second.pre_tls == first.pre_tls
    assert ref.rc == 1
    assert_same_output(ref, got)
