"""-targets (fleet mode) against one Python ``ssl`` server listening on 200
loopback ports (tests/support/fleetserver.py): good, expired, wrong-host,
refused and silent targets, each with its own verdict in its JSON Lines
document (every line validated against the schema), the exit status, the
-brief columns, stdin, per-line options and the refusals of bad lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.jsondoc import sclient_json
from support.procs import _env, kill_and_reap, sclient_cmd

SERVER = Path(__file__).resolve().parents[1] / "support" / "fleetserver.py"
COUNTS = {"good": 190, "expired": 4, "wronghost": 3, "silent": 2, "refused": 1}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    d = tmp_path_factory.mktemp("fleet")
    p = subprocess.Popen(
        [sys.executable, str(SERVER), str(d / "pki"), *(f"{k}={v}" for k, v in COUNTS.items())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_env(),
    )
    assert p.stdout is not None
    info = json.loads(p.stdout.readline())
    info["dir"] = d
    try:
        yield info
    finally:
        kill_and_reap(p)  # type: ignore[arg-type]


def run(
    args: list[str], stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*sclient_cmd(), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
    )


def documents(stdout: str) -> list[dict[str, Any]]:
    return [sclient_json(line) for line in stdout.splitlines()]


def write(fleet: dict[str, Any], name: str, lines: list[str]) -> Path:
    path: Path = fleet["dir"] / name
    path.write_text("".join(ln + "\n" for ln in lines))
    return path


def mixed(fleet: dict[str, Any]) -> tuple[list[str], list[str]]:
    """200 target lines (comments and blank lines among them) and each one's kind."""
    lines, kinds = ["# the fleet", ""], []
    for kind in COUNTS:
        for i, port in enumerate(fleet[kind]):
            host = "localhost" if kind == "good" and i % 2 else "127.0.0.1"
            lines.append(f"{host}:{port}")
            kinds.append(kind)
    return lines, kinds


def test_fleet_of_200_json_lines(fleet: dict[str, Any]) -> None:
    lines, kinds = mixed(fleet)
    path = write(fleet, "mixed.txt", lines)
    t0 = time.monotonic()
    # a bound that a loaded machine's good handshakes keep well within
    r = run(["-targets", str(path), "-CAfile", fleet["root"], "-connect_timeout", "5",
             "-parallel", "32"])  # fmt: skip
    wall = time.monotonic() - t0
    assert r.returncode == 1, r.stderr
    assert r.stderr == ""  # no progress line: stderr is not a terminal
    docs = documents(r.stdout)
    assert len(docs) == 200
    targets = [ln for ln in lines if ln and not ln.startswith("#")]
    for doc, target, kind in zip(docs, targets, kinds, strict=True):
        host, port = target.rsplit(":", 1)
        assert doc["target"]["host"] == host and doc["target"]["port"] == port
        v = doc["verification"]
        if kind == "good":
            assert doc["handshake_complete"] and doc["exit_status"] == 0
            assert v["code"] == 0 and doc["protocol"] == "TLSv1.3"
            assert 88 <= doc["certificate_chain"][0]["days_until_expiry"] <= 90
            # the host is checked by default: a name as a name, an address as an address
            check = doc["host_check"]
            assert check["hostname" if host == "localhost" else "ip"] == host
            # each message's bytes, not its -trace decoding (docs/json.md)
            msgs = doc["messages"]
            assert [m["name"] for m in msgs[:2]] == ["ClientHello", "ServerHello"]
            assert all("fields" not in m for m in msgs)
            assert all(int(m["hex"][:2], 16) == m["type"] for m in msgs if m["content_type"] == 22)
            assert doc["connections"][0]["messages"] == msgs
        elif kind == "expired":
            assert doc["handshake_complete"] and v["code"] == 10
            assert doc["certificate_chain"][0]["days_until_expiry"] < 0
        elif kind == "wronghost":
            assert doc["handshake_complete"] and v["code"] == 64  # IP address mismatch
        elif kind == "refused":
            assert not doc["connected"] and doc["error"]["stage"] == "connect"
            assert doc["exit_status"] == 1
        else:  # silent: accepted, never answered
            assert doc["connected"] and not doc["handshake_complete"]
            assert doc["error"]["timeout"] == {
                "phase": "handshake", "limit": "connect_timeout", "seconds": 5.0,
            }  # fmt: skip
    # the silent ones time out side by side, not one after the other
    assert wall < 60


def test_exit_status_zero_only_when_all_pass(fleet: dict[str, Any]) -> None:
    good = write(fleet, "good.txt", [f"127.0.0.1:{p}" for p in fleet["good"][:20]])
    r = run(["-targets", str(good), "-CAfile", fleet["root"]])
    assert r.returncode == 0, r.stderr
    assert [d["verification"]["code"] for d in documents(r.stdout)] == [0] * 20
    one_bad = write(fleet, "onebad.txt",
                    [f"127.0.0.1:{p}" for p in fleet["good"][:5]] + [f"127.0.0.1:{fleet['expired'][0]}"])  # fmt: skip
    r = run(["-targets", str(one_bad), "-CAfile", fleet["root"]])
    assert r.returncode == 1
    # verified against the system store instead: nothing passes
    r = run(["-targets", str(good), "-no-CAfile", "-no-CApath", "-no-CAstore"])
    assert r.returncode == 1
    # the server sends its leaf alone: "unable to verify the first certificate"
    assert {d["verification"]["code"] for d in documents(r.stdout)} == {21}


def test_brief_columns(fleet: dict[str, Any]) -> None:
    targets = [
        f"localhost:{fleet['good'][0]}",
        f"127.0.0.1:{fleet['expired'][0]}",
        f"127.0.0.1:{fleet['wronghost'][0]}",
        f"127.0.0.1:{fleet['refused'][0]}",
    ]
    path = write(fleet, "brief.txt", targets)
    r = run(["-targets", str(path), "-CAfile", fleet["root"], "-brief", "-explain"])
    assert r.returncode == 1
    rows = r.stdout.splitlines()
    assert rows[0].split() == ["TARGET", "PROTOCOL", "SUITE", "DAYS", "VERIFY", "EXPLAIN"]
    assert len(rows) == 5
    # aligned: every column starts where its header starts
    starts = [rows[0].index(h) for h in ("PROTOCOL", "SUITE", "DAYS", "VERIFY", "EXPLAIN")]
    for row in rows[1:3]:
        for s in starts:
            assert row[s - 2 : s] == "  " and row[s] != " ", (row, s)
    good, expired, wrong, refused = rows[1:]
    assert good.startswith(targets[0]) and good.split()[1:] == [
        "TLSv1.3", "TLS_AES_256_GCM_SHA384", good.split()[3], "OK", "-",
    ]  # fmt: skip
    assert 88 <= int(good.split()[3]) <= 90
    assert "10 (certificate has expired)" in expired and expired.split()[-1] == "expired"
    assert "64 (IP address mismatch)" in wrong and wrong.split()[-1] == "hostname_mismatch"
    assert refused.split()[1:4] == ["-", "-", "-"] and refused.split()[-1] == "tcp_refused"
    assert "connect: Connection refused" in refused


def test_brief_silent_target(fleet: dict[str, Any]) -> None:
    path = write(fleet, "silent.txt", [f"127.0.0.1:{fleet['silent'][0]}"])
    t0 = time.monotonic()
    r = run(["-targets", str(path), "-brief", "-connect_timeout", "0.5"])
    assert time.monotonic() - t0 < 10
    assert r.returncode == 1
    assert r.stdout.splitlines()[1].split(None, 4)[1:] == [
        "-", "-", "-", "handshake: timed out (-connect_timeout 0.5 s)",
    ]  # fmt: skip


def test_stdin_and_per_line_options(fleet: dict[str, Any]) -> None:
    good = fleet["good"]
    lines = [
        f"127.0.0.1:{good[0]}",  # the command line's -verify_hostname: a mismatch
        f"127.0.0.1:{good[1]} -verify_hostname localhost",  # the line's wins
        f"localhost:{good[2]} -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256",
        f"localhost:{good[3]}   # a comment after the target",
    ]
    r = run(["-targets", "-", "-CAfile", fleet["root"], "-verify_hostname", "wrong.example"],
            stdin="\n".join(lines) + "\n")  # fmt: skip
    docs = documents(r.stdout)
    assert len(docs) == 4
    assert docs[0]["verification"]["code"] == 62  # hostname mismatch
    assert docs[0]["host_check"]["hostname"] == "wrong.example"
    assert docs[1]["verification"]["code"] == 0
    assert docs[1]["host_check"]["hostname"] == "localhost"
    assert docs[2]["protocol"] == "TLSv1.2"
    assert docs[2]["cipher"]["openssl"] == "ECDHE-ECDSA-AES128-GCM-SHA256"
    assert docs[3]["verification"]["code"] == 62
    assert r.returncode == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("127.0.0.1:1 -nosuchoption", "stdin line 2 (127.0.0.1:1): Unknown option: -nosuchoption"),
        ("127.0.0.1:1 -reconnect", "stdin line 2 (127.0.0.1:1): -reconnect cannot be used with -targets"),
        ("127.0.0.1:1 -bind 127.0.0.1",
         "stdin line 2 (127.0.0.1:1): -bind is not supported yet with -targets (check that target alone)"),
        ("127.0.0.1:1 -starttls nosuch",
         "stdin line 2 (127.0.0.1:1): Value must be one of: smtp, pop3, imap, ftp, xmpp, "
         "xmpp-server, telnet, irc, mysql, postgres, lmtp, nntp, sieve, ldap"),
        ("127.0.0.1:1 -json", "stdin line 2 (127.0.0.1:1): -json applies to the whole fleet: give it on the command line"),
        ("127.0.0.1:1 -connect 127.0.0.1:2", "stdin line 2 (127.0.0.1:1): -connect: the line's host:port says where"),
        ("-tls1_2", "stdin line 2: a line starts with host:port, not -tls1_2"),
        ("127.0.0.1:1 -servername 'unclosed", "stdin line 2: No closing quotation"),
        ("host:port:x", "stdin line 2 (host:port:x): -connect argument or target parameter malformed or ambiguous"),
    ],
)  # fmt: skip
def test_bad_target_line(line: str, expected: str) -> None:
    r = run(["-targets", "-"], stdin=f"127.0.0.1:1\n{line}\n", timeout=30)
    assert r.returncode == 1
    assert r.stdout == ""  # nothing was connected
    assert r.stderr == f"s_client: {expected}\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-connect", "127.0.0.1:1"],
         "s_client: -targets cannot be used with -connect, -unix or a target parameter\n"
         "s_client: Use -help for summary.\n"),
        (["-msg"], "s_client: -targets: -msg cannot be used with -targets\n"),
        (["-bind", "127.0.0.1"],
         "s_client: -targets: -bind is not supported yet with -targets (check that target alone)\n"),
        (["-parallel", "0"],
         's_client: Non-positive number "0" for option -parallel\ns_client: Use -help for summary.\n'),
        (["-parallel", "513"],
         "s_client: -parallel 513 is out of range (1 to 512)\ns_client: Use -help for summary.\n"),
    ],
)  # fmt: skip
def test_bad_fleet_options(args: list[str], expected: str) -> None:
    r = run(["-targets", "-", *args], stdin="127.0.0.1:1\n", timeout=30)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", expected)


def test_bad_targets_files(tmp_path: Path) -> None:
    r = run(["-targets", str(tmp_path / "none.txt")])
    assert (r.returncode, r.stdout) == (1, "")
    assert (
        r.stderr
        == f's_client: Can\'t open "{tmp_path / "none.txt"}" for reading, No such file or directory\n'
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    r = run(["-targets", str(empty)])
    assert (r.returncode, r.stderr) == (1, f"s_client: {empty}: no targets\n")
    r = run(["-parallel", "4"])
    assert r.stderr == "s_client: -parallel requires -targets\ns_client: Use -help for summary.\n"


def test_progress_on_a_terminal(fleet: dict[str, Any]) -> None:
    path = write(fleet, "progress.txt", [f"127.0.0.1:{p}" for p in fleet["good"][:30]])
    master, slave = os.openpty()
    try:
        r = subprocess.run(
            [*sclient_cmd(), "-targets", str(path), "-CAfile", fleet["root"]],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=_env(),
            timeout=60,
        )  # fmt: skip
        os.close(slave)
        slave = -1
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert r.returncode == 0
    text = seen.decode()
    assert "/30 checked, " in text and text.endswith("\r\x1b[K")  # the line is cleared at the end
    assert len(r.stdout.splitlines()) == 30


def test_max_time_and_a_bad_service(fleet: dict[str, Any]) -> None:
    silent, good = fleet["silent"][0], fleet["good"][0]
    lines = [f"127.0.0.1:{silent}", f"127.0.0.1:{good}", "127.0.0.1:nosuchservice"]
    t0 = time.monotonic()
    r = run(["-targets", "-", "-CAfile", fleet["root"], "-max_time", "0.5"],
            stdin="\n".join(lines) + "\n")  # fmt: skip
    assert time.monotonic() - t0 < 10
    docs = documents(r.stdout)
    assert docs[0]["error"]["timeout"] == {
        "phase": "handshake", "limit": "max_time", "seconds": 0.5,
    }  # fmt: skip
    assert docs[1]["verification"]["code"] == 0
    assert not docs[2]["connected"] and docs[2]["error"]["stage"] == "connect"
    assert "BIO_lookup_ex" in docs[2]["error"]["lines"][0]
    assert r.returncode == 1


STARTTLS_KINDS = ("smtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap", "sieve")


def test_starttls_targets_match_single_runs(pki: Any) -> None:
    """STARTTLS per target, driven by the fleet's loop: each target's
    ``starttls``, verification and protocol are those of the single run's
    -json document against the same scripted server; a refusal too."""
    from starttls.scripted import ScriptedServer
    from starttls.scripts import REFUSAL, SUCCESS

    chain = pki["rsa"]
    servers = []
    lines = []
    try:
        for kind in STARTTLS_KINDS:
            s = ScriptedServer(chain=chain, script=SUCCESS[kind]).start()
            servers.append(s)
            lines.append(f"localhost:{s.port} -starttls {kind}")
        s = ScriptedServer(chain=chain, script=REFUSAL["smtp"]).start()
        servers.append(s)
        lines.append(f"localhost:{s.port} -starttls smtp")
        r = run(["-targets", "-", "-CAfile", str(chain.root), "-connect_timeout", "5"],
                stdin="\n".join(lines) + "\n")  # fmt: skip
        docs = documents(r.stdout)
        assert len(docs) == len(lines)
        assert r.returncode == 1  # the refusal
        for line, doc in zip(lines, docs, strict=True):
            port, opts = line.split(None, 1)[0].split(":")[1], line.split()[1:]
            alone = run(["-connect", f"localhost:{port}", *opts, "-CAfile", str(chain.root),
                         "-verify_hostname", "localhost", "-json"])  # fmt: skip
            single = sclient_json(alone.stdout)
            for key in ("starttls", "handshake_complete", "protocol", "cipher"):
                assert doc[key] == single[key], (line, key)
            assert doc["verification"]["code"] == single["verification"]["code"], line
            assert doc["exit_status"] == single["exit_status"], line
        assert [d["verification"]["code"] for d in docs[:-1]] == [0] * len(STARTTLS_KINDS)
        assert docs[-1]["handshake_complete"] is False and docs[-1]["starttls"] is not None
    finally:
        for s in servers:
            s.stop()


def test_starttls_greeting_never_sent(fleet: dict[str, Any]) -> None:
    line = f"127.0.0.1:{fleet['silent'][1]} -starttls smtp"
    r = run(["-targets", "-", "-connect_timeout", "0.5"], stdin=line + "\n")
    (doc,) = documents(r.stdout)
    assert doc["error"]["timeout"] == {
        "phase": "starttls", "limit": "connect_timeout", "seconds": 0.5,
    }  # fmt: skip
    assert doc["error"]["stage"] == "starttls" and r.returncode == 1


def test_proxies_per_target(fleet: dict[str, Any], tmp_path: Path) -> None:
    """-proxy per target: an HTTP CONNECT proxy (the tests' relay), a real
    SOCKS5 server (Dante) when installed, a proxy that never answers (its
    phase times out), a proxy that refuses the connection; the other
    targets beside them go direct."""
    from starttls.test_more import ConnectProxy
    from support.dante import Dante

    good = fleet["good"]
    silent = fleet["silent"][0]
    with ConnectProxy() as proxy:
        lines = [
            f"127.0.0.1:{good[0]} -proxy 127.0.0.1:{proxy.port}",
            f"127.0.0.1:{good[1]}",
            f"127.0.0.1:{good[2]} -proxy 127.0.0.1:{silent}",
            f"127.0.0.1:{good[3]} -proxy 127.0.0.1:{fleet['refused'][0]}",
        ]
        dante = Dante(tmp_path)
        try:
            try:
                dante.start_open()
            except pytest.skip.Exception:
                dante = None  # type: ignore[assignment]
            if dante is not None:
                lines.append(f"localhost:{good[4]} -proxy socks5h://127.0.0.1:{dante.port}")
            r = run(["-targets", "-", "-CAfile", fleet["root"], "-connect_timeout", "5"],
                    stdin="\n".join(lines) + "\n")  # fmt: skip
        finally:
            if dante is not None:
                dante.stop()
        assert any(f"CONNECT 127.0.0.1:{good[0]} ".encode() in q for q in proxy.requests)
    docs = documents(r.stdout)
    assert len(docs) == len(lines)
    assert docs[0]["target"]["proxy"] is not None
    assert docs[0]["verification"]["code"] == 0 and docs[0]["handshake_complete"]
    assert docs[1]["verification"]["code"] == 0 and docs[1]["target"]["proxy"] is None
    assert docs[2]["error"]["timeout"] == {
        "phase": "proxy", "limit": "connect_timeout", "seconds": 5.0,
    }  # fmt: skip
    assert not docs[3]["connected"] and docs[3]["error"]["stage"] == "connect"
    if len(docs) > 4:
        assert docs[4]["verification"]["code"] == 0 and docs[4]["handshake_complete"]
    assert r.returncode == 1


def test_client_certificate_per_target(pki: Any) -> None:
    """-cert/-key on one line: that target alone answers the server's
    CertificateRequest with the certificate; the line without sends none."""
    from support.peers import OpenSSLServer

    server_chain, client = pki["rsa"], pki["ecdsa"]
    args = ["-verify", "1", "-CAfile", str(client.root), "-tls1_2"]
    with OpenSSLServer(server_chain, args).start() as server:
        lines = [
            f"localhost:{server.port} -cert {client.leaf} -key {client.key}",
            f"localhost:{server.port}",
        ]
        r = run(["-targets", "-", "-CAfile", str(server_chain.root)],
                stdin="\n".join(lines) + "\n")  # fmt: skip
    with_cert, without = documents(r.stdout)
    assert with_cert["client_authentication"]["requested"] is not None
    sent = with_cert["client_authentication"]["sent"]
    assert sent is not None and len(sent["certificates"]) >= 1
    assert without["client_authentication"]["requested"] is not None
    assert without["client_authentication"]["sent"]["certificates"] == []  # an empty Certificate
