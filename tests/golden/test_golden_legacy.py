"""TLS 1.0 and 1.1: sclient and ``openssl s_client`` against the same
``openssl s_server -cipher ALL:@SECLEVEL=0`` (RSA, ECDSA and DSA
certificates), outputs compared after masking.

What the cases pin down (OpenSSL 3.0.19, default security level 2):

- ``-tls1``/``-tls1_1`` with (EC)DHE at the default level fail with
  ``legacy sigalg disallowed or unsupported`` (MD5+SHA-1 and SHA-1 are under
  level 1's 80 bits); at ``@SECLEVEL=0`` they succeed and print ``Peer
  signing digest: MD5-SHA1`` (RSA) or ``SHA1`` (ECDSA, DSA).
- ``@SECLEVEL=3`` leaves no TLS 1.0, ``@SECLEVEL=4`` no TLS 1.1: ``no
  protocols available`` before anything is sent.
- RSA key exchange needs no signature and works at the default level.
- A client certificate at the default level is not sent (no legacy
  signature allowed); at level 0 it is, with a CertificateVerify of the
  version's own form.

The suite matrix covers each family OpenSSL 3.0 offers below TLS 1.2 (RSA,
DHE-RSA, DHE-DSS, ECDHE-RSA, ECDHE-ECDSA; AES and Camellia CBC) on the
certificate it needs. ECDSA and DSA signatures vary in length, so for those
servers the handshake's read byte count is masked too.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from golden.test_golden import mask
from golden.test_golden_msg_state import full_mask
from support.peers import HOST, OpenSSLServer, client_line, require
from support.procs import CLIENT_TIMEOUT, Proc, Result, _env, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden

_LEVEL0 = "DEFAULT:@SECLEVEL=0"


def _ossl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, env=_env())


@dataclass
class Legacy:
    dir: Path
    servers: dict[str, OpenSSLServer]

    def p(self, name: str) -> str:
        return str(self.dir / name)


_KEYS = {
    "rsa": ["-newkey", "rsa:2048"],
    "ecdsa": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "dsa": ["-newkey", "dsa:dsa.param"],
}


def make_keys(d: Path) -> None:
    """Self-signed RSA, ECDSA (P-256) and DSA certificates: ``d/<kind>.pem``, ``.key``."""
    _ossl("dsaparam", "-out", "dsa.param", "2048", cwd=d)
    for kind, newkey in _KEYS.items():
        _ossl(
            "req", "-x509", *newkey, "-nodes", "-keyout", f"{kind}.key", "-out", f"{kind}.pem",
            "-subj", "/CN=localhost", "-days", "30", cwd=d,
        )  # fmt: skip


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Legacy]:
    require("openssl")
    d = tmp_path_factory.mktemp("legacy")
    make_keys(d)
    servers: dict[str, OpenSSLServer] = {}
    try:
        for kind in _KEYS:
            cert = ["-cert", str(d / f"{kind}.pem"), "-key", str(d / f"{kind}.key")]
            args = ["-cipher", "ALL:@SECLEVEL=0"]
            servers[kind] = OpenSSLServer(None, args, cert_args=cert).start()
        cert = ["-cert", str(d / "rsa.pem"), "-key", str(d / "rsa.key")]
        servers["verify"] = OpenSSLServer(
            None, ["-cipher", "ALL:@SECLEVEL=0", "-Verify", "1"], cert_args=cert
        ).start()
        servers["reneg"] = OpenSSLServer(
            None, ["-cipher", "ALL:@SECLEVEL=0", "-client_renegotiation"], cert_args=cert
        ).start()
        yield Legacy(d, servers)
    finally:
        for s in servers.values():
            s.stop()


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]  # {dir} is the directory of the keys
    server: str = "rsa"
    rc: int = 0


def _v(version: str, suite: str, server: str = "rsa") -> Case:
    return Case(f"{version}-{suite}", (f"-{version}", "-cipher", f"{suite}:@SECLEVEL=0"), server)


#: version x suite family x certificate
MATRIX = [
    _v(v, suite, server)
    for v in ("tls1", "tls1_1")
    for suite, server in (
        ("AES128-SHA", "rsa"),
        ("CAMELLIA256-SHA", "rsa"),
        ("DHE-RSA-AES256-SHA", "rsa"),
        ("DHE-RSA-CAMELLIA128-SHA", "rsa"),
        ("ECDHE-RSA-AES128-SHA", "rsa"),
        ("ECDHE-ECDSA-AES256-SHA", "ecdsa"),
        ("DHE-DSS-AES128-SHA", "dsa"),
        ("DHE-DSS-CAMELLIA256-SHA", "dsa"),
    )
]

CASES = [
    *MATRIX,
    # At the default security level: RSA key exchange works, (EC)DHE does not.
    Case("tls1-default-level", ("-tls1",), rc=1),
    Case("tls1_1-default-level-ecdsa", ("-tls1_1",), server="ecdsa", rc=1),
    Case("tls1-aes128-sha-default-level", ("-tls1", "-cipher", "AES128-SHA")),
    Case("tls1-level1", ("-tls1", "-cipher", "DEFAULT:@SECLEVEL=1"), rc=1),
    Case("tls1-level0", ("-tls1", "-cipher", _LEVEL0)),
    Case("tls1_1-level0", ("-tls1_1", "-cipher", _LEVEL0)),
    Case("tls1-level0-brief", ("-brief", "-tls1", "-cipher", _LEVEL0)),
    # The security level removes versions: nothing is left.
    Case("tls1-level3", ("-tls1", "-cipher", "DEFAULT:@SECLEVEL=3"), rc=1),
    Case("tls1_1-level4", ("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=4"), rc=1),
    Case("max-tls1_1-level3", ("-max_protocol", "TLSv1.1", "-cipher", "DEFAULT:@SECLEVEL=3"), rc=1),
    # Ranges: -max_protocol, the no_ switches and their holes.
    Case("max-tls1_1-level0", ("-max_protocol", "TLSv1.1", "-cipher", _LEVEL0)),
    Case("min-max-tls1", ("-min_protocol", "TLSv1", "-max_protocol", "TLSv1", "-cipher", _LEVEL0)),
    Case("no_tls1_2-no_tls1_3", ("-no_tls1_2", "-no_tls1_3", "-cipher", _LEVEL0)),
    Case("no_tls1_1-tls1", ("-no_tls1_1", "-no_tls1_2", "-no_tls1_3", "-cipher", _LEVEL0)),
    Case("no_tls1-tls1", ("-tls1", "-no_tls1"), rc=1),
    # What the server sees in -msg and -trace: the ClientHello without
    # signature_algorithms, and the ServerKeyExchange without a scheme.
    Case("tls1-msg", ("-tls1", "-cipher", _LEVEL0, "-msg")),
    Case("tls1_1-trace-ecdsa", ("-tls1_1", "-cipher", _LEVEL0, "-trace"), server="ecdsa"),
    # -security_debug: the version checks of each level, the legacy scheme's check.
    Case(
        "tls1_1-level0-security-debug", ("-tls1_1", "-cipher", _LEVEL0, "-security_debug_verbose")
    ),
    Case("tls1-default-level-security-debug", ("-tls1", "-security_debug_verbose"), rc=1),
    Case(
        "max-tls1_1-level3-security-debug",
        ("-max_protocol", "TLSv1.1", "-cipher", "DEFAULT:@SECLEVEL=3", "-security_debug_verbose"),
        rc=1,
    ),
    Case(
        "tls1-level0-security-debug-ecdsa",
        ("-tls1", "-cipher", _LEVEL0, "-security_debug_verbose"),
        server="ecdsa",
    ),
    # Client certificates.
    Case(
        "tls1-cert-rsa",
        ("-tls1", "-cipher", _LEVEL0, "-cert", "{dir}/rsa.pem", "-key", "{dir}/rsa.key"),
        server="verify",
    ),
    Case(
        "tls1_1-cert-ecdsa",
        ("-tls1_1", "-cipher", _LEVEL0, "-cert", "{dir}/ecdsa.pem", "-key", "{dir}/ecdsa.key"),
        server="verify",
    ),
    Case(
        "tls1-cert-dsa",
        ("-tls1", "-cipher", _LEVEL0, "-cert", "{dir}/dsa.pem", "-key", "{dir}/dsa.key"),
        server="verify",
    ),
    Case(
        "tls1-cert-default-level-not-sent",
        ("-tls1", "-cipher", "AES128-SHA", "-cert", "{dir}/rsa.pem", "-key", "{dir}/rsa.key"),
        server="verify",
        rc=1,
    ),
    # Resumption, by session id and by ticket.
    Case("tls1-reconnect-no_ticket", ("-tls1", "-cipher", _LEVEL0, "-reconnect", "-no_ticket")),
    Case("tls1_1-reconnect-ticket", ("-tls1_1", "-cipher", _LEVEL0, "-reconnect")),
]

_SUMMARY_END = re.compile(rb"Extended master secret: \w+\n---\n")
_READ = (re.compile(r"(SSL handshake has read )\d+( bytes)"), r"\1<R>\2")
#: -trace lines whose numbers follow a signature's length.
_TRACE_LENGTHS = (
    re.compile(r"^(  Length = |    \w+, Length=|      Signature \(len=)\d+", re.M),
    r"\1<n>",
)
_TRACE_RANDOM = (
    re.compile(
        r"^( *(?:gmt_unix_time=0x|random_bytes \(len=28\): |point \(len=\d+\): "
        r"|ecdh_Yc \(len=\d+\): |dh_Yc \(len=\d+\): |Signature \(len=\d+\): "
        r"|verify_data \(len=12\): |ticket \(len=\d+\): ))[0-9A-F]+$",
        re.M,
    ),
    r"\1<random>",
)


def _legacy_mask(text: str, server: str) -> str:
    """The golden masks, with -msg dumps masked as test_golden_msg_state does
    (loosely for the signatures of varying length), -trace's random fields,
    and the read count where a signature's length varies."""
    loose = server.startswith(("ecdsa", "dsa")) or "-cert" in server
    text = full_mask(text, loose) if ">>> " in text else mask(text)
    text = _TRACE_RANDOM[0].sub(_TRACE_RANDOM[1], text)
    if loose:
        text = _READ[0].sub(_READ[1], text)
        text = _TRACE_LENGTHS[0].sub(_TRACE_LENGTHS[1], text)
    return text


def run_case(prefix: list[str], case: Case, legacy: Legacy) -> Result:
    server = legacy.servers[case.server]
    args = [a.format(dir=str(legacy.dir)) for a in case.args]
    with Proc([*prefix, "-connect", f"{HOST}:{server.port}", *args], env=_env()) as proc:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.running():
            if len(_SUMMARY_END.findall(proc.out.data)) >= (6 if "-reconnect" in args else 1):
                break
            time.sleep(0.02)
        with contextlib.suppress(BrokenPipeError, ValueError):
            proc.write(b"Q\n")
        return proc.finish(CLIENT_TIMEOUT)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_legacy_golden(case: Case, legacy: Legacy) -> None:
    ref = run_case(["openssl", "s_client"], case, legacy)
    assert ref.rc == case.rc, f"openssl s_client changed behaviour: exit {ref.rc}\n{ref.stderr}"
    got = run_case(sclient_cmd(), case, legacy)
    assert_clean_stderr(got.stderr)
    assert got.rc == ref.rc, f"exit status: openssl {ref.rc}, sclient {got.rc}\n{got.stderr}"
    where = case.server + (" -cert" if "-cert" in case.args else "")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        assert _legacy_mask(have, where) == _legacy_mask(want, where), name


def test_legacy_outcomes(legacy: Legacy) -> None:
    """The facts the comparison rests on, stated outright (so that a change in
    both clients, or in the server, cannot pass unnoticed)."""
    ok = run_case(sclient_cmd(), Case("x", ("-tls1", "-cipher", _LEVEL0)), legacy)
    assert "    Protocol  : TLSv1\n" in ok.stdout
    assert "New, TLSv1.0, Cipher is ECDHE-RSA-AES256-SHA" in ok.stdout
    assert "Peer signing digest: MD5-SHA1\nPeer signature type: RSA\n" in ok.stdout
    ec = run_case(sclient_cmd(), Case("x", ("-tls1_1", "-cipher", _LEVEL0), "ecdsa"), legacy)
    assert "    Protocol  : TLSv1.1\n" in ec.stdout
    assert "Peer signing digest: SHA1\nPeer signature type: ECDSA\n" in ec.stdout
    bad = run_case(sclient_cmd(), Case("x", ("-tls1",)), legacy)
    assert bad.rc == 1 and "legacy sigalg disallowed or unsupported" in bad.stderr
    none = run_case(sclient_cmd(), Case("x", ("-tls1", "-cipher", "DEFAULT:@SECLEVEL=3")), legacy)
    assert none.rc == 1 and "no protocols available" in none.stderr
    rsa = run_case(sclient_cmd(), Case("x", ("-tls1", "-cipher", "AES128-SHA")), legacy)
    assert rsa.rc == 0 and "New, SSLv3, Cipher is AES128-SHA" in rsa.stdout
    assert "    Protocol  : TLSv1\n" in rsa.stdout


def _records_of_one_write(prefix: list[str], extra: tuple[str, ...], legacy: Legacy) -> int:
    """How many application-data records one line of input became, as the
    client's ``-msg`` shows them; the server must get the line."""
    server = legacy.servers["rsa"]
    args = ["-connect", f"{HOST}:{server.port}", "-tls1", "-cipher", "AES128-SHA", "-msg", *extra]
    token = f"{time.monotonic_ns()}"
    with Proc([*prefix, *args], env=_env()) as proc:
        assert proc.wait_stdout(_SUMMARY_END)
        mark = len(proc.out.data)
        proc.write(client_line(token))
        assert server.expect_client_line(token), "the server did not get the line"
        time.sleep(0.2)
        after = proc.out.data[mark:].decode()
        proc.write(b"Q\n")
        proc.finish(CLIENT_TIMEOUT)
    return after.count(">>> TLS 1.0, RecordHeader [length 0005]\n    17 03 01")


@pytest.mark.parametrize("bugs", [False, True], ids=["empty-fragment", "bugs"])
def test_tls10_cbc_empty_fragment(bugs: bool, legacy: Legacy) -> None:
    """TLS 1.0 CBC: each write starts with an empty record unless -bugs
    (SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS), as openssl s_client does."""
    extra = ("-bugs",) if bugs else ()
    want = _records_of_one_write(["openssl", "s_client"], extra, legacy)
    got = _records_of_one_write(sclient_cmd(), extra, legacy)
    assert want == (1 if bugs else 2)
    assert got == want


def test_tls11_renegotiation(legacy: Legacy) -> None:
    """``R`` in TLS 1.1: a full handshake under the current keys, then data flows."""
    server = legacy.servers["reneg"]
    args = ["-connect", f"{HOST}:{server.port}", "-tls1_1", "-cipher", _LEVEL0, "-no_ticket"]
    with Proc([*sclient_cmd(), *args], env=_env()) as proc:
        assert proc.wait_stdout(_SUMMARY_END)
        proc.write(b"R\n")
        assert proc.wait_stderr(b"RENEGOTIATING")
        time.sleep(0.5)
        proc.write(client_line("after-reneg"))
        assert server.expect_client_line("after-reneg")
        proc.write(b"Q\n")
        result = proc.finish(CLIENT_TIMEOUT)
    assert result.rc == 0
    assert result.stderr.count("depth=0 CN = localhost\nverify error:num=18") == 2


def test_legacy_json(legacy: Legacy) -> None:
    """-json below TLS 1.2: the version and the scheme the key type fixed."""
    from support.jsondoc import sclient_json

    for server, cipher, scheme, digest in (
        ("rsa", _LEVEL0, "rsa_pkcs1_md5_sha1", "MD5-SHA1"),
        ("dsa", "DHE-DSS-AES128-SHA:@SECLEVEL=0", "dsa_sha1", "SHA1"),  # DEFAULT has no DSS
    ):
        port = legacy.servers[server].port
        args = ["-connect", f"{HOST}:{port}", "-tls1", "-cipher", cipher, "-json"]
        with Proc([*sclient_cmd(), *args], env=_env()) as proc:
            proc.close_stdin()
            result = proc.finish(CLIENT_TIMEOUT)
        assert result.rc == 0, result.stderr
        doc = sclient_json(result.stdout)
        assert doc["protocol"] == "TLSv1"
        assert doc["peer_signature"]["scheme"] == scheme
        assert doc["peer_signature"]["digest"] == digest
