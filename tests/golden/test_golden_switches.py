"""The remaining protocol switches of s_client (issue 14 item 6), compared with
``openssl s_client`` against ``openssl s_server``: ``-fallback_scsv``
(TLS_FALLBACK_SCSV after the renegotiation SCSV; a server whose highest version
is above the client's answers ``inappropriate_fallback``), alone and with
-msg and -trace; ``-allow_no_dhe_kex`` (psk_ke offered after psk_dhe_ke;
a resumption the server makes without a key share: s_server does so when no
group is shared); ``-bugs`` (SSL_OP_ALL: for a client, only the padding
extension that brings a ClientHello of 256 to 511 bytes to 512, counting a
resumption's pre_shared_key; 3.0's SSL_OP_ALL no longer allows a server
without renegotiation_info); ``-rand`` and ``-writerand`` (OpenSSL's seed
files: each ``:``-separated file opened after the parameters are checked, a
failure ending s_client; the -writerand file written when it returns, after
usage errors too, and a failure to write it making the status 1);
``-split_send_frag`` (at most the max send fragment; the size OpenSSL fills
each record it writes up to, handshake records included, pipelining or not),
``-max_pipelines`` (1 to 32) and ``-read_buf``."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_exts import both, compare
from golden.test_golden_msg_state import run_client
from support.peers import HOST, OpenSSLServer, openssl_servers
from support.pki import PKI
from support.procs import sclient_cmd

pytestmark = pytest.mark.golden

TRACING = {"plain": (), "msg": ("-msg",), "trace": ("-trace",)}


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    specs = {
        "any": (pki["rsa"], []),
        "tls12": (pki["rsa"], ["-tls1_2"]),
        # resumes in psk_ke mode when no group is shared and the client allows it
        "nodhe": (pki["rsa"], ["-allow_no_dhe_kex", "-groups", "X25519"]),
        "x25519": (pki["rsa"], ["-groups", "X25519"]),
    }
    with openssl_servers(specs, loud=()) as started:
        yield started


def _connect(server: OpenSSLServer, pki: PKI, *extra: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", "-CAfile", str(pki["rsa"].root), *extra]


# --- -fallback_scsv -----------------------------------------------------------------------


@pytest.mark.parametrize("tracing", list(TRACING))
def test_fallback_scsv_refused(servers: dict[str, OpenSSLServer], pki: PKI, tracing: str) -> None:
    """A TLS 1.2 client with the SCSV to a TLS 1.3 server: inappropriate_fallback."""
    args = _connect(servers["any"], pki, "-tls1_2", "-fallback_scsv", *TRACING[tracing])
    _, got = both(args)
    assert got.rc == 1
    assert "alert inappropriate fallback" in got.stderr
    if tracing == "msg":
        assert "    ff 56 00 01 00 00" in got.stdout  # the SCSVs end the suites


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize(("server", "version"), [("tls12", "-tls1_2"), ("any", "-tls1_3")])
def test_fallback_scsv_accepted(
    servers: dict[str, OpenSSLServer], pki: PKI, tracing: str, server: str, version: str
) -> None:
    """The client's highest version is the server's: the handshake completes."""
    args = _connect(servers[server], pki, version, "-fallback_scsv", *TRACING[tracing])
    _, got = both(args)
    assert got.rc == 0


# --- -allow_no_dhe_kex --------------------------------------------------------------------


def _session(server: OpenSSLServer, pki: PKI, tmp_path: Path) -> Path:
    """A TLS 1.3 session from ``server`` (its ticket comes after the handshake)."""
    sess = tmp_path / "sess.pem"
    with subprocess.Popen(
        ["openssl", "s_client", *_connect(server, pki, "-sess_out", str(sess))],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as proc:
        time.sleep(1)
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(20)
    assert sess.exists()
    return sess


@pytest.mark.parametrize("tracing", list(TRACING))
def test_allow_no_dhe_kex_hello(servers: dict[str, OpenSSLServer], pki: PKI, tracing: str) -> None:
    _, got = both(_connect(servers["any"], pki, "-allow_no_dhe_kex", *TRACING[tracing]))
    if tracing == "trace":
        assert "          psk_dhe_ke (1)\n          psk_ke (0)\n" in got.stdout


@pytest.mark.parametrize("tracing", list(TRACING))
def test_allow_no_dhe_kex_resumed_without_key_share(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path, tracing: str
) -> None:
    server = servers["nodhe"]
    sess = _session(server, pki, tmp_path)
    # no group in common: s_server resumes in psk_ke mode, without key_share
    args = _connect(server, pki, "-sess_in", str(sess), "-groups", "P-256", "-allow_no_dhe_kex")
    _, got = both([*args, *TRACING[tracing]])
    assert got.rc == 0
    assert "Reused, TLSv1.3" in got.stdout


# --- -comp / -no_comp ---------------------------------------------------------------------


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize(
    "extra",
    [
        ("-comp",),  # TLS 1.3 offered: null only
        ("-comp", "-tls1_2"),  # security level 2 refuses compression
        ("-comp", "-no_comp", "-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=1"),  # the last wins
        ("-no_comp", "-comp", "-tls1_2", "-reconnect"),
    ],
    ids=["tls13", "tls12", "no_comp-last", "reconnect"],
)
def test_comp_where_openssl_would_not_compress(
    servers: dict[str, OpenSSLServer], pki: PKI, tracing: str, extra: tuple[str, ...]
) -> None:
    """-comp where OpenSSL, zlib or not, offers null alone: sclient's
    ClientHello, summary and session are openssl's, line for line."""
    stdin = b"" if "-reconnect" in extra else None
    _, got = both(_connect(servers["any"], pki, *extra, *TRACING[tracing]), stdin=stdin)
    assert "Compression: NONE\nExpansion: NONE\n" in got.stdout
    if tracing == "trace":
        assert "compression_methods (len=1)\n        No Compression (0x00)\n" in got.stdout


# --- -bugs --------------------------------------------------------------------------------


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize(
    "extra",
    [
        (),  # padded to 512
        ("-tls1_2",),  # too short to pad
        ("-servername", "a" * 250),  # too long to pad
        ("-groups", "P-256:X25519"),  # HelloRetryRequest: both hellos padded
    ],
    ids=["tls13", "tls12", "long", "hrr"],
)
def test_bugs(
    servers: dict[str, OpenSSLServer], pki: PKI, tracing: str, extra: tuple[str, ...]
) -> None:
    _, got = both(_connect(servers["x25519"], pki, "-bugs", *extra, *TRACING[tracing]))
    if tracing == "trace":
        padded = got.stdout.count("extension_type=padding(21)")
        assert padded == {(): 1, ("-tls1_2",): 0, ("-groups", "P-256:X25519"): 2}.get(extra, 0)


def test_bugs_reconnect(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """TLS 1.2 resumptions by session id and ticket (s_client's -reconnect
    does not resume in TLS 1.3)."""
    both(_connect(servers["any"], pki, "-bugs", "-reconnect", "-trace", "-tls1_2"), stdin=b"")


@pytest.mark.parametrize(
    "extra", [(), ("-no_middlebox", "-ciphersuites", "TLS_AES_256_GCM_SHA384")]
)
def test_bugs_sess_in(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path, extra: tuple[str, ...]
) -> None:
    """A TLS 1.3 resumption: the padding counts the pre_shared_key still to come."""
    sess = _session(servers["any"], pki, tmp_path)
    args = _connect(servers["any"], pki, "-bugs", "-tls1_3", "-sess_in", str(sess), *extra)
    _, got = both([*args, "-trace"])
    assert "    ClientHello, Length=508\n" in got.stdout


# --- -rand, -writerand --------------------------------------------------------------------


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "seed").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "dir").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    "rand",
    [
        ("seed",),
        ("empty",),
        ("dir",),  # opens: not an error
        ("seed:empty:",),
        ("seed", "dir:empty"),
        ("missing",),
        ("seed:missing:empty:missing2",),
        ("",),
        ("seed::empty",),
        (":seed",),
        ("seed", "missing"),
    ],
)
def test_rand(
    servers: dict[str, OpenSSLServer], pki: PKI, seeds: Path, rand: tuple[str, ...]
) -> None:
    args = _connect(servers["any"], pki)
    for value in rand:
        args += ["-rand", ":".join(str(seeds / n) if n else "" for n in value.split(":"))]
    _, got = both(args)
    assert ("into RNG" in got.stderr) == (got.rc == 1)


def test_rand_before_other_checks(seeds: Path) -> None:
    """The seed files are loaded after the parameters are checked, before the rest."""
    missing = str(seeds / "missing")
    for extra in (["-4", "-6"], ["-connect", "a:1:2"], ["-noservername", "-servername", "x"]):
        args = ["-rand", missing, *extra]
        compare(
            run_client(["openssl", "s_client"], args, stdin=b""),
            run_client(sclient_cmd(), args, stdin=b""),
        )
    args = ["-rand", missing, "a:1", "b:2"]
    compare(
        run_client(["openssl", "s_client"], args, stdin=b""),
        run_client(sclient_cmd(), args, stdin=b""),
    )


@pytest.mark.parametrize(
    "extra",
    [(), ("-4", "-6"), ("-rand", "missing"), ("-foo",)],
    ids=["connected", "usage", "rand", "unknown"],
)
def test_writerand(
    servers: dict[str, OpenSSLServer], pki: PKI, seeds: Path, extra: tuple[str, ...]
) -> None:
    """1024 bytes over the start of the file (no truncation), owner-only."""
    files = {}
    results = []
    for who, cmd in (("openssl", ["openssl", "s_client"]), ("sclient", sclient_cmd())):
        out = seeds / f"{who}.rnd"
        out.write_bytes(b"x" * 2000)
        out.chmod(0o644)
        more = [str(seeds / e) if e == "missing" else e for e in extra]
        results.append(
            run_client(cmd, [*_connect(servers["any"], pki), "-writerand", str(out), *more])
        )
        files[who] = out
    compare(*results)
    for out in files.values():
        data = out.read_bytes()
        assert len(data) == 2000 and data[1024:] == b"x" * 976 and data[:1024] != b"x" * 1024
        assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "target", ["dir", "nodir/file", "/dev/null"], ids=["directory", "missing_dir", "device"]
)
@pytest.mark.parametrize("extra", [(), ("-4", "-6")], ids=["connected", "usage"])
def test_writerand_fails(
    servers: dict[str, OpenSSLServer], pki: PKI, seeds: Path, target: str, extra: tuple[str, ...]
) -> None:
    path = target if target.startswith("/") else str(seeds / target)
    args = [*_connect(servers["any"], pki), "-writerand", path, *extra]
    ref, got = run_client(["openssl", "s_client"], args), run_client(sclient_cmd(), args)
    compare(ref, got)
    assert got.rc == 1 and "Cannot write random bytes:\n" in got.stderr


def test_writerand_new_file(servers: dict[str, OpenSSLServer], pki: PKI, seeds: Path) -> None:
    out = seeds / "new.rnd"
    got = run_client(sclient_cmd(), [*_connect(servers["any"], pki), "-writerand", str(out)])
    assert got.rc == 0
    assert len(out.read_bytes()) == 1024 and out.stat().st_mode & 0o777 == 0o600


# --- -split_send_frag, -max_pipelines, -read_buf ----------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        ("-split_send_frag", "100"),
        ("-split_send_frag", "512", "-max_send_frag", "1024"),
        ("-split_send_frag", "600", "-maxfraglen", "512"),
        ("-split_send_frag", "100", "-tls1_2"),
        ("-max_pipelines", "1", "-split_send_frag", "200"),
        ("-read_buf", "1000"),
        ("-read_buf", "100000"),
        ("-max_pipelines", "1"),
    ],
)
@pytest.mark.parametrize("tracing", ["msg", "trace"])
def test_send_fragment(
    servers: dict[str, OpenSSLServer], pki: PKI, extra: tuple[str, ...], tracing: str
) -> None:
    args = _connect(servers["any"], pki, f"-{tracing}", *extra)
    ref = run_client(["openssl", "s_client"], args, lines=(b"hello " * 100 + b"\n", b"Q\n"))
    got = run_client(sclient_cmd(), args, lines=(b"hello " * 100 + b"\n", b"Q\n"))
    compare(ref, got)


@pytest.mark.parametrize(
    "extra",
    [
        ("-split_send_frag", "16385"),
        ("-max_send_frag", "1024", "-split_send_frag", "2000"),
        ("-split_send_frag", "2000", "-max_send_frag", "1024"),
        ("-max_send_frag", "600", "-split_send_frag", "512"),
        ("-split_send_frag", "0"),
        ("-split_send_frag", "4294967297"),
        ("-max_pipelines", "33"),
        ("-max_pipelines", "0"),
        ("-max_pipelines", "40", "-max_send_frag", "100"),
        ("-read_buf", "0"),
        ("-read_buf", "-5"),
        ("-read_buf", "x"),
    ],
)
def test_send_fragment_bad(extra: tuple[str, ...]) -> None:
    args = ["-connect", f"{HOST}:1", *extra]
    compare(
        run_client(["openssl", "s_client"], args, stdin=b""),
        run_client(sclient_cmd(), args, stdin=b""),
    )


# --- -debug_broken_protocol ---------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        (),
        ("-cipher", "BAD"),  # the first SSL_CONF command to fail is reported
        ("-sess_in", "/nonexistent"),  # SSL_CONF comes first
    ],
)
@pytest.mark.parametrize("first", [True, False])
def test_debug_broken_protocol(extra: tuple[str, ...], first: bool) -> None:
    """3.0's s_client hands it to SSL_CONF_cmd, which no longer knows it."""
    flag = ["-debug_broken_protocol"]
    args = ["-connect", f"{HOST}:1", *(flag + list(extra) if first else list(extra) + flag)]
    ref = run_client(["openssl", "s_client"], args, stdin=b"")
    got = run_client(sclient_cmd(), args, stdin=b"")
    compare(ref, got)
    assert got.rc == 1


# --- -servername that SSL_set_tlsext_host_name refuses -----------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        ("-servername", ""),
        ("-servername", "a" * 256),
        ("-servername", "é" * 128),  # 128 characters, 256 bytes
        (
            "-servername",
            "a" * 255,
            "-tls1_2",
        ),  # the longest name: connects (no 1.3 tickets to race)
        ("-dane_tlsa_domain", "a" * 256, "-dane_tlsa_rrdata", "3 1 1 00"),
        ("-dane_tlsa_domain", "a" * 256, "-dane_tlsa_rrdata", "3 1 1 00", "-servername", "x"),
    ],
    ids=["empty", "256", "256-bytes", "255", "dane-256", "dane-256-servername"],
)
def test_servername_length(
    servers: dict[str, OpenSSLServer], pki: PKI, extra: tuple[str, ...]
) -> None:
    """An empty name or one over 255 bytes stops s_client before it connects
    (after DANE's own set-up when only -dane_tlsa_domain names it)."""
    args = _connect(servers["any"], pki, *extra)
    ref, got = (run_client(p, args, stdin=b"") for p in (["openssl", "s_client"], sclient_cmd()))
    compare(ref, got)
    assert ("CONNECTED(" in got.stdout) == (extra[-1] == "-tls1_2")
