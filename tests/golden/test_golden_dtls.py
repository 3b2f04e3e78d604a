"""DTLS differential tests: ``openssl s_client -dtls…`` and sclient against the
same ``openssl s_server -dtls…`` on 127.0.0.1 UDP; stdout, stderr and exit
status must match after masking what is random (as test_golden.py masks).

s_server answers every first ClientHello with a HelloVerifyRequest (its
cookie exchange is on for DTLS), and its own messages are cut to its
minimum MTU (228 bytes a datagram: it cannot ask the kernel, its socket is
not connected), so every case also runs the cookie resend and the
reassembly of fragments.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from support import masking
from support.dtlspeers import DtlsServer
from support.peers import HOST, require
from support.pki import PKI
from support.procs import CLIENT_TIMEOUT, Proc, Result, _env, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden


_HEX = re.compile(r"^   (?: [0-9a-f]{2})+$")


def _mask_msg(text: str) -> str:
    """-msg: the dumps of messages (randoms, cookies, keys, MACs) become one
    mark; the record headers' dumps (type, version, epoch, sequence number,
    length) and every line's length stay."""
    out: list[str] = []
    keep = True
    for line in text.splitlines(keepends=True):
        if line.startswith((">>> ", "<<< ")):
            keep = "content_type=256" in line
            out.append(line)
        elif _HEX.match(line.rstrip("\n")):
            if keep:
                out.append(line)
            elif not out[-1].startswith("    <dump>"):
                out.append("    <dump>\n")
        else:
            out.append(line)
    return "".join(out)


#: -trace and -debug: pointers, dumps, long hex values (randoms, keys,
#: cookies, tickets, MACs) and the hello's time.
_TRACE_DEBUG = (
    (re.compile(r"0x[0-9a-f]{12}"), "0x<p>"),
    (re.compile(r"^ *[0-9a-f]{4} - .*$", re.M), "<dump>"),
    (re.compile(r"[0-9A-F]{16,}"), "<hex>"),
    (re.compile(r"gmt_unix_time=0x[0-9A-F]+"), "gmt_unix_time=<t>"),
)


def mask(text: str) -> str:
    text = masking.mask(text, masking.ERROR_POSITION, masking.WRITTEN)
    for pat, repl in _TRACE_DEBUG:
        text = pat.sub(repl, text)
    return _mask_msg(text)


@dataclass
class Servers:
    dtls12: DtlsServer
    dtls: DtlsServer
    dtls10: DtlsServer
    srtp: DtlsServer
    clientauth: DtlsServer
    pki: PKI


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[Servers]:
    require("openssl")
    rsa = pki["rsa"]
    started: list[DtlsServer] = []
    try:
        for args in (
            ["-dtls1_2"],
            ["-dtls"],
            ["-dtls1", "-cipher", "ALL:@SECLEVEL=0"],
            ["-dtls1_2", "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"],
            ["-dtls1_2", "-Verify", "2", "-CAfile", str(pki["rsa"].root)],
        ):
            started.append(DtlsServer(rsa, args).start())
        yield Servers(*started, pki=pki)
    finally:
        for s in started:
            s.stop()


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    server: str = "dtls12"
    stdin: str = "Q"  # "Q": Q\n after the summary; "eof": EOF at once
    rc: int = 0


CASES = [
    Case("dtls1_2", ("-dtls1_2",)),
    Case("dtls", ("-dtls",), server="dtls"),
    Case("dtls1_2-brief", ("-dtls1_2", "-brief")),
    Case("dtls1_2-aes128-sha", ("-dtls1_2", "-cipher", "AES128-SHA")),
    Case("dtls1_2-ecdhe-aes128-sha", ("-dtls1_2", "-cipher", "ECDHE-RSA-AES128-SHA")),
    Case("dtls1_2-aes128-gcm-rsa", ("-dtls1_2", "-cipher", "AES128-GCM-SHA256")),
    Case("dtls1_2-ecdhe-aes128-sha256", ("-dtls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256")),
    Case("dtls1_2-no_ticket", ("-dtls1_2", "-no_ticket")),
    Case("dtls1_2-mtu-300", ("-dtls1_2", "-mtu", "300")),
    Case("dtls1_2-mtu-300-cbc", ("-dtls1_2", "-mtu", "300", "-cipher", "AES256-SHA")),
    Case("dtls1_2-mtu-256-debug", ("-dtls1_2", "-mtu", "256", "-debug")),
    Case(
        "dtls1-mtu-256-debug",
        ("-dtls1", "-mtu", "256", "-debug", "-cipher", "AES128-SHA:@SECLEVEL=0"),
        server="dtls10",
    ),
    Case("dtls1_2-mtu-too-small", ("-dtls1_2", "-mtu", "255"), stdin="eof", rc=1),
    Case("dtls1_2-timeout", ("-dtls1_2", "-timeout")),
    Case("dtls1_2-prexit", ("-dtls1_2", "-prexit")),
    Case("dtls1_2-msg", ("-dtls1_2", "-msg")),
    Case("dtls1_2-msg-mtu-300-cbc", ("-dtls1_2", "-msg", "-mtu", "300", "-cipher", "AES256-SHA")),
    Case("dtls1_2-state", ("-dtls1_2", "-state")),
    Case("dtls1_2-trace", ("-dtls1_2", "-trace")),
    Case("dtls1_2-trace-mtu-300", ("-dtls1_2", "-trace", "-mtu", "300")),
    Case("dtls1_2-debug", ("-dtls1_2", "-debug")),
    Case(
        "dtls1_2-debug-mtu-300-cbc", ("-dtls1_2", "-debug", "-mtu", "300", "-cipher", "AES256-SHA")
    ),
    Case("dtls1-trace", ("-dtls1", "-trace", "-cipher", "AES128-SHA:@SECLEVEL=0"), server="dtls10"),
    Case("dtls1-msg", ("-dtls1", "-msg", "-cipher", "AES128-SHA:@SECLEVEL=0"), server="dtls10"),
    Case(
        "srtp",
        ("-dtls1_2", "-use_srtp", "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM"),
        server="srtp",
    ),
    Case("srtp-none-shared", ("-dtls1_2", "-use_srtp", "SRTP_AES128_CM_SHA1_32"), server="srtp"),
    Case(
        "srtp-tlsextdebug",
        ("-dtls1_2", "-tlsextdebug", "-use_srtp", "SRTP_AEAD_AES_128_GCM"),
        server="srtp",
    ),
    Case("srtp-not-asked", ("-dtls1_2",), server="srtp"),
    Case("dtls1_2-tlsextdebug", ("-dtls1_2", "-tlsextdebug")),
    Case(
        "client-certificate",
        ("-dtls1_2", "-cert", "{leaf}", "-key", "{key}", "-cert_chain", "{chain}"),
        server="clientauth",
    ),
    Case(
        # our Certificate cut in three: -debug, not -msg or -trace (OpenSSL's message
        # callback sees a damaged copy then, a documented deviation)
        "client-certificate-mtu-400-debug",
        (
            "-dtls1_2",
            "-debug",
            "-mtu",
            "400",
            "-cert",
            "{leaf}",
            "-key",
            "{key}",
            "-cert_chain",
            "{chain}",
        ),
        server="clientauth",
    ),
    Case(
        # without -mtu: the path's MTU (loopback's, less the headers): one datagram
        "client-certificate-debug",
        ("-dtls1_2", "-debug", "-cert", "{leaf}", "-key", "{key}", "-cert_chain", "{chain}"),
        server="clientauth",
    ),
    Case("client-certificate-none", ("-dtls1_2",), server="clientauth", stdin="eof", rc=1),
    Case("dtls1_2-reconnect", ("-dtls1_2", "-reconnect")),
    Case("dtls1_2-reconnect-no_ticket", ("-dtls1_2", "-reconnect", "-no_ticket")),
    Case("dtls1-to-dtls1_2-server", ("-dtls1", "-cipher", "ALL:@SECLEVEL=0"), stdin="eof", rc=1),
    Case("dtls1-ecdhe-default-seclevel", ("-dtls1",), server="dtls10", stdin="eof", rc=1),
    Case("dtls1-aes128-sha", ("-dtls1", "-cipher", "AES128-SHA:@SECLEVEL=0"), server="dtls10"),
    # the TLS 1.1-style ServerKeyExchange signature (MD5+SHA-1), allowed at level 0
    Case("dtls1-ecdhe-seclevel-0", ("-dtls1", "-cipher", "ALL:@SECLEVEL=0"), server="dtls10"),
    Case(
        "dtls-ecdhe-to-dtls1-server",
        ("-dtls", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0"),
        server="dtls10",
    ),
    Case("dtls-to-dtls1-server", ("-dtls", "-cipher", "AES256-SHA:@SECLEVEL=0"), server="dtls10"),
    # -min_protocol/-max_protocol bound -dtls with DTLS names; -dtls1 and -dtls1_2
    # set both bounds after them; a TLS name is no bound of a DTLS method
    Case(
        "dtls-max_protocol-DTLSv1-to-dtls1_2-server",
        ("-dtls", "-max_protocol", "DTLSv1", "-cipher", "ALL:@SECLEVEL=0"),
        stdin="eof",
        rc=1,
    ),
    Case(
        "dtls-min-above-max",
        ("-dtls", "-min_protocol", "DTLSv1.2", "-max_protocol", "DTLSv1"),
        stdin="eof",
        rc=1,
    ),
    Case(
        "dtls1-max_protocol-DTLSv1.2-to-dtls1_2-server",
        ("-dtls1", "-max_protocol", "DTLSv1.2", "-cipher", "ALL:@SECLEVEL=0"),
        stdin="eof",
        rc=1,
    ),
    Case("dtls-max_protocol-None", ("-dtls", "-max_protocol", "DTLSv1", "-max_protocol", "None")),
    Case("dtls-max_protocol-TLSv1.1", ("-dtls", "-max_protocol", "TLSv1.1")),
]

_SUMMARY_END = re.compile(rb"(Extended master secret: \w+\n---\n)")


def run_case(prefix: list[str], case: Case, servers: Servers) -> Result:
    server: DtlsServer = getattr(servers, case.server)
    chain = servers.pki["rsa"]  # fixed-size signatures: the byte counts compare
    paths = {"leaf": str(chain.leaf), "key": str(chain.key), "chain": str(chain.chain)}
    args = ["-connect", f"{HOST}:{server.port}", *(a.format(**paths) for a in case.args)]
    with Proc([*prefix, *args], env=_env()) as proc:
        if case.stdin == "eof":
            proc.close_stdin()
        else:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and proc.running():
                if _SUMMARY_END.search(proc.out.data) or b"CONNECTION ESTABLISHED" in proc.err.data:
                    break
                time.sleep(0.02)
            time.sleep(0.2)
            with contextlib.suppress(BrokenPipeError, ValueError):
                proc.write(b"Q\n")
        return proc.finish(CLIENT_TIMEOUT)


def _diff(name: str, want: str, got: str) -> str:
    return "".join(
        difflib.unified_diff(
            want.splitlines(keepends=True),
            got.splitlines(keepends=True),
            fromfile=f"openssl s_client {name}",
            tofile=f"sclient {name}",
        )
    )


def compare(ref: Result, got: Result) -> list[str]:
    problems = []
    if got.rc != ref.rc:
        problems.append(f"exit status: openssl {ref.rc}, sclient {got.rc}")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        mw, mh = mask(want), mask(have)
        if mw != mh:
            problems.append(_diff(name, mw, mh))
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_golden_dtls(case: Case, servers: Servers) -> None:
    ref = run_case(["openssl", "s_client"], case, servers)
    assert ref.rc == case.rc, f"openssl s_client changed behaviour: exit {ref.rc}\n{ref.stderr}"
    got = run_case(sclient_cmd(), case, servers)
    assert_clean_stderr(got.stderr)
    problems = compare(ref, got)
    assert not problems, "\n".join(problems)
