"""SSL 3.0 (``-ssl3``, a deviation: OpenSSL 3.0.19 has no SSL 3.0) against
tlslite-ng's server (``tests/support/tlslite_server.py``, in a process of its
own on 127.0.0.1): each suite family SSL 3.0 and OpenSSL's SSL 3.0 client
offered (RSA, DHE-RSA, DHE-DSS with AES), data both ways, client
certificates (RSA; without one, the no_certificate warning), resumption, and
the security levels that allow SSL 3.0 or not.

ECDHE and ECDSA are absent: an SSL 3.0 ClientHello from OpenSSL offered no
elliptic-curve suite. Camellia is absent: tlslite-ng lacks it."""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_legacy import make_keys
from support.exchange import exchange
from support.peers import HOST, require
from support.procs import CLIENT_TIMEOUT, Proc, Result, _env, assert_clean_stderr, sclient_cmd
from support.summary import parse_text
from support.tlslitepeer import TlsliteServer

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("tlslite", reason="tlslite-ng is not installed (pip install tlslite-ng)")
    require("openssl")
    d = tmp_path_factory.mktemp("ssl3")
    make_keys(d)
    return d


@pytest.fixture(scope="module")
def servers(keys: Path) -> Iterator[dict[str, TlsliteServer]]:
    started: dict[str, TlsliteServer] = {}
    try:
        for name, kind, extra in (
            ("rsa", "rsa", ()),
            ("dsa", "dsa", ()),
            ("reqcert", "rsa", ("--reqcert",)),
        ):
            srv = TlsliteServer(keys / f"{kind}.pem", keys / f"{kind}.key", *extra)
            started[name] = srv.start()
        yield started
    finally:
        for srv in started.values():
            srv.stop()


#: (suite, server, the server's signature: type and digest, or None)
SUITES = [
    ("AES128-SHA", "rsa", None),
    ("AES256-SHA", "rsa", None),
    ("DHE-RSA-AES128-SHA", "rsa", ("RSA", "MD5-SHA1")),
    ("DHE-RSA-AES256-SHA", "rsa", ("RSA", "MD5-SHA1")),
    ("DHE-DSS-AES128-SHA", "dsa", ("DSA", "SHA1")),
    ("DHE-DSS-AES256-SHA", "dsa", ("DSA", "SHA1")),
]


@pytest.mark.parametrize("suite,server,signature", SUITES, ids=[s for s, _, _ in SUITES])
def test_ssl3_suites(
    servers: dict[str, TlsliteServer], suite: str, server: str, signature: tuple[str, str] | None
) -> None:
    srv = servers[server]
    mark = len(srv.log)
    result = exchange(srv, ["-ssl3", "-cipher", f"{suite}:@SECLEVEL=0"])
    assert result.rc == 0, result.stderr
    assert_clean_stderr(result.stderr)
    n = parse_text(result.stdout)
    assert (n.version, n.cipher) == ("SSLv3", suite)
    assert f"New, SSLv3, Cipher is {suite}\n" in result.stdout
    assert (n.sig_type, n.sig_digest) == (signature or (None, None))
    assert b"HANDSHAKE (3, 0) " in srv.log[mark:]


def test_ssl3_client_certificate(servers: dict[str, TlsliteServer], keys: Path) -> None:
    srv = servers["reqcert"]
    mark = len(srv.log)
    args = ["-ssl3", "-cipher", "AES128-SHA:@SECLEVEL=0"]
    result = exchange(srv, [*args, "-cert", str(keys / "rsa.pem"), "-key", str(keys / "rsa.key")])
    assert result.rc == 0, result.stderr
    # tlslite-ng checked our CertificateVerify (SSL 3.0's MD5 and SHA-1 hashes).
    assert re.search(rb"HANDSHAKE \(3, 0\) aes128 yes\n", srv.log[mark:])


def _run(srv: TlsliteServer, args: list[str], summaries: int = 1) -> Result:
    """sclient against ``srv`` until ``summaries`` session summaries are out, then Q."""
    cmd = [*sclient_cmd(), "-connect", f"{HOST}:{srv.port}", *args]
    with Proc(cmd, env=_env()) as proc:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.running():
            if len(_SUMMARY_END.findall(proc.out.data)) >= summaries:
                break
            time.sleep(0.05)
        with contextlib.suppress(BrokenPipeError, ValueError):
            proc.write(b"Q\n")
        return proc.finish(CLIENT_TIMEOUT)


_SUMMARY_END = re.compile(rb"Extended master secret: \w+\n---\n")


def test_ssl3_no_certificate_alert(servers: dict[str, TlsliteServer]) -> None:
    """Asked for a certificate it does not have, an SSL 3.0 client sends a
    no_certificate warning alert, not an empty Certificate message."""
    srv = servers["reqcert"]
    mark = len(srv.log)
    result = _run(srv, ["-ssl3", "-cipher", "AES128-SHA:@SECLEVEL=0", "-msg"])
    assert result.rc == 0, result.stderr
    assert ">>> SSL 3.0, Alert [length 0002], warning ???\n    01 29\n" in result.stdout
    assert "], Certificate\n" not in result.stdout.split("ServerHelloDone", 1)[1]
    assert re.search(rb"HANDSHAKE \(3, 0\) aes128 no\n", srv.log[mark:])


def test_ssl3_client_hello(servers: dict[str, TlsliteServer]) -> None:
    """An SSL 3.0 record and version, only SSL 3.0 suites (and the
    renegotiation SCSV), no elliptic-curve extensions, no
    signature_algorithms: what OpenSSL 1.1.1 sent for -ssl3."""
    result = _run(servers["rsa"], ["-ssl3", "-cipher", "ALL:@SECLEVEL=0", "-trace"])
    assert result.rc == 0, result.stderr
    before, hello = result.stdout.split("ClientHello", 1)
    hello = hello.split("Received Record", 1)[0]
    assert "client_version=0x300 (SSL 3.0)" in hello
    assert "ECDHE" not in hello and "GCM" not in hello and "SHA256" not in hello
    assert "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" in hello
    # OpenSSL 1.1.1 sent only SSL_EXT_SSL3_ALLOWED extensions with SSL 3.0 as
    # its highest version: renegotiation_info, which the SCSV stands for in a
    # first ClientHello; the empty block is left out
    assert "      No extensions\n" in hello and "extension_type" not in hello
    assert "Version = SSL 3.0 (0x300)" in before


def test_ssl3_reconnect_resumes(servers: dict[str, TlsliteServer]) -> None:
    """-reconnect offers the first session's id again and tlslite-ng resumes
    it five times: the abbreviated SSL 3.0 handshake (its Finished computed
    with SSL 3.0's MD5/SHA-1 construction from the kept master secret). The
    ClientHello carries no extended_master_secret (no extension at all), so
    RFC 7627 section 5.3 does not stop the server from resuming."""
    args = ["-ssl3", "-cipher", "AES128-SHA:@SECLEVEL=0", "-reconnect", "-trace"]
    result = _run(servers["rsa"], args, summaries=6)
    assert result.rc == 0, result.stderr
    first = re.search(r"^    Session-ID: ([0-9A-F]{64})$", result.stdout, re.M)
    assert first is not None
    offered = re.findall(r"^      session_id \(len=32\): ([0-9A-F]{64})$", result.stdout, re.M)
    assert offered == [first.group(1)] * 11  # the ServerHellos and the 5 ClientHellos after
    assert result.stdout.count("New, SSLv3, Cipher is AES128-SHA") == 1
    assert result.stdout.count("Reused, SSLv3, Cipher is AES128-SHA") == 5
    # the resumed handshakes: no Certificate from the server, our Finished after its
    resumed = result.stdout.split("Reused, SSLv3", 1)[0].split("ClientHello")[2]
    assert "Certificate" not in resumed.split("Finished", 1)[0]


def test_ssl3_sess_out_sess_in(servers: dict[str, TlsliteServer], tmp_path: Path) -> None:
    """-sess_out keeps an SSL 3.0 session (``Protocol  : SSLv3`` in the file
    as openssl sess_id reads it); -sess_in resumes it in a new process."""
    sess = tmp_path / "ssl3.pem"
    base = ["-ssl3", "-cipher", "AES128-SHA:@SECLEVEL=0"]
    srv = servers["rsa"]
    first = _run(srv, [*base, "-sess_out", str(sess)])
    assert first.rc == 0, first.stderr
    assert "New, SSLv3, Cipher is AES128-SHA" in first.stdout
    text = subprocess.run(
        ["openssl", "sess_id", "-in", str(sess), "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "    Protocol  : SSLv3\n" in text
    second = _run(srv, [*base, "-sess_in", str(sess)])
    assert second.rc == 0, second.stderr
    assert "Reused, SSLv3, Cipher is AES128-SHA" in second.stdout
    ids = [re.search(r"^    Session-ID: ([0-9A-F]{64})$", r.stdout, re.M) for r in (first, second)]
    assert ids[0] and ids[1] and ids[0][1] == ids[1][1]


@pytest.mark.parametrize(
    "cipher,outcome",
    [
        ("DEFAULT", "no protocols available"),  # level 2 forbids SSL 3.0
        ("AES128-SHA:@SECLEVEL=3", "no protocols available"),
        ("DHE-RSA-AES128-SHA:@SECLEVEL=1", "legacy sigalg disallowed or unsupported"),
        ("AES128-SHA:@SECLEVEL=1", None),  # level 1 allows SSL 3.0; RSA key exchange signs nothing
    ],
)
def test_ssl3_security_levels(
    servers: dict[str, TlsliteServer], cipher: str, outcome: str | None
) -> None:
    srv = servers["rsa"]
    args = ["-connect", f"{HOST}:{srv.port}", "-ssl3"]
    if cipher != "DEFAULT":
        args += ["-cipher", cipher]
    with Proc([*sclient_cmd(), *args], env=_env()) as proc:
        proc.wait_stdout(re.compile(rb"Extended master secret: \w+\n---\n"), 15)
        with contextlib.suppress(BrokenPipeError, ValueError):
            proc.write(b"Q\n")
        result = proc.finish(CLIENT_TIMEOUT)
    assert_clean_stderr(result.stderr)
    if outcome is None:
        assert result.rc == 0, result.stderr
        assert "    Protocol  : SSLv3\n" in result.stdout
    else:
        assert result.rc == 1
        assert f":{outcome}:" in result.stderr


def test_ssl3_security_debug(servers: dict[str, TlsliteServer]) -> None:
    """-security_debug: SSL 3.0 is one more version the walks ask about once
    -ssl3 enables it (OpenSSL 3.0 has no SSL 3.0 method to ask about; 1.1.1
    built with it asked, under s_client's own name for it, ``SSL 3.0``); at
    the default level 2 it is the refused one; no extension check runs."""
    srv = servers["rsa"]
    ok = _run(srv, ["-ssl3", "-cipher", "AES128-SHA:@SECLEVEL=0", "-security_debug_verbose"])
    assert ok.rc == 0, ok.stderr
    lines = [ln for ln in ok.stderr.splitlines() if ln.startswith("Security callback: ")]
    walk = [f"Security callback: Version={v}: yes" for v in ("TLS 1.3", "TLS 1.2", "TLS 1.1")]
    walk += ["Security callback: Version=TLS 1.0: yes", "Security callback: Version=SSL 3.0: yes"]
    text = "\n".join(lines)
    assert text.count("\n".join(walk)) >= 3, text
    assert "Supported Curve" not in text and "Supported Signature" not in text
    refused = _run(srv, ["-ssl3", "-security_debug"])
    assert refused.rc == 1
    assert refused.stderr.startswith("Security callback: Version=SSL 3.0: no\n"), refused.stderr
    assert ":tls_setup_handshake:no protocols available:" in refused.stderr
