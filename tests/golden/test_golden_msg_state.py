"""``-msg`` and ``-state`` (output.md §11, §13): sclient's output compared
line for line with ``openssl s_client``'s against the same servers, after
masking only what is random: in the ``-msg`` dumps, the randoms, session
ids, key shares, PSK identities and binders of the hellos, and the whole
body of the messages made of keys, signatures, MACs and tickets
(ServerKeyExchange, ClientKeyExchange, CertificateVerify, Finished,
NewSessionTicket); everything else (record headers, lengths, names,
certificates, extensions, alerts, the ``-state`` lines) must be identical."""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from golden.test_golden import mask
from support.peers import HOST, GnuTLSServer, OpenSSLServer, require
from support.pki import PKI
from support.procs import CLIENT_TIMEOUT, Proc, Result, _env, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]

_HEAD = re.compile(r"^(>>>|<<<) (.*)$")
_HEX = re.compile(r"^   (?: [0-9a-f]{2})+$")

#: Handshake types whose whole body is random (keys, signatures, MACs, tickets).
_RANDOM_BODY = {4, 12, 15, 16, 20}
#: Hello extensions whose data is random: key_share, pre_shared_key, session_ticket,
#: renegotiation_info (a renegotiation's verify data).
_RANDOM_EXT = {51, 41, 35, 65281}


def _mask_extensions(data: bytearray, pos: int) -> None:
    if pos + 2 > len(data):
        return
    end = pos + 2 + int.from_bytes(data[pos : pos + 2], "big")
    pos += 2
    while pos + 4 <= end:
        etype = int.from_bytes(data[pos : pos + 2], "big")
        elen = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if etype in _RANDOM_EXT:
            data[pos + 4 : pos + 4 + elen] = bytes(elen)
        pos += 4 + elen


def mask_message(head: str, data: bytes, loose: bool = False) -> bytes:
    """The bytes of one -msg callback with the random parts zeroed (``loose``:
    the random messages cut to their type, their length being random too)."""
    if ", Handshake " not in head or len(data) < 4:
        return data
    out = bytearray(data)
    mtype = data[0]
    if mtype in _RANDOM_BODY and loose:
        return data[:1]
    if mtype in _RANDOM_BODY:
        out[4:] = bytes(len(out) - 4)
    elif mtype in (1, 2) and len(data) >= 39:  # ClientHello, ServerHello
        out[6:38] = bytes(32)
        sid_len = data[38]
        out[39 : 39 + sid_len] = bytes(sid_len)
        pos = 39 + sid_len
        if mtype == 1:
            pos += 2 + int.from_bytes(data[pos : pos + 2], "big")  # cipher suites
            pos += 1 + data[pos]  # compression methods
        else:
            pos += 3  # cipher suite, compression method
        _mask_extensions(out, pos)
    return bytes(out)


def mask_msg(text: str, loose: bool = False) -> str:
    """Every -msg block (line + dump) with :func:`mask_message` applied."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not _HEAD.match(line):
            continue
        dump: list[str] = []
        while i < len(lines) and _HEX.match(lines[i]):
            dump.append(lines[i])
            i += 1
        data = bytes.fromhex("".join(dump))
        masked = mask_message(line, data, loose)
        for row in range(0, len(masked), 16):
            out.append("   " + "".join(f" {b:02x}" for b in masked[row : row + 16]))
    return "\n".join(out)


#: ECDSA signatures vary in length (DER): so do the lengths of the records and
#: messages that carry one, and the byte count read.
_LENGTHS = [
    (re.compile(r"\[length [0-9a-f]{4}\]"), "[length <n>]"),
    (re.compile(r"^(    1[4-7] 03 0[1-4]) [0-9a-f]{2} [0-9a-f]{2}$", re.M), r"\1 <n>"),
    (re.compile(r"has read \d+ bytes"), "has read <n> bytes"),
]


def full_mask(text: str, loose: bool = False) -> str:
    text = mask(mask_msg(text, loose))
    if loose:
        for pat, repl in _LENGTHS:
            text = pat.sub(repl, text)
    return text


def compare(ref: Result, got: Result, loose: bool = False) -> None:
    assert_clean_stderr(got.stderr)
    problems = []
    if ref.rc != got.rc:
        problems.append(f"exit status: openssl {ref.rc}, sclient {got.rc}")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        if full_mask(want, loose) != full_mask(have, loose):
            import difflib

            problems.append(
                "".join(
                    difflib.unified_diff(
                        full_mask(want, loose).splitlines(True),
                        full_mask(have, loose).splitlines(True),
                        name,
                        name,
                    )
                )
            )
    assert not problems, "\n".join(problems)


_SUMMARY_END = (b"Verify return code: ", b"Extended master secret: ")


def run_client(
    prefix: list[str],
    args: Sequence[str],
    lines: Sequence[bytes] = (b"Q\n",),
    *,
    stdin: bytes | None = None,
    settle: float = 0.5,
    wait: float | None = None,
    wait_for: bytes | None = None,
    ends_within: float | None = None,
) -> Result:
    """Run a client; once the summary is out (and the tickets had time to
    arrive) write ``lines`` one by one, ``settle`` seconds apart. With
    ``stdin`` given, write it and close stdin at once instead; with ``wait``,
    close stdin after that many seconds (counted once ``wait_for`` is on
    stderr, when given); with ``ends_within``, a client that
    ends by itself (a failure after the handshake): stdin stays open until it
    has ended, or that many seconds have passed (however slow the machine)."""
    with Proc([*prefix, *args], env=_env()) as proc:
        if ends_within is not None:
            proc.wait(ends_within)
            return proc.finish(CLIENT_TIMEOUT)
        if stdin is not None:
            with contextlib.suppress(BrokenPipeError, ValueError):
                proc.write(stdin)
            proc.close_stdin()
            return proc.finish(CLIENT_TIMEOUT)
        if wait is not None:  # no summary to wait for: wait, then end stdin
            if wait_for is not None:  # (once stderr shows that line, however slow the machine)
                deadline = time.monotonic() + 10
                while wait_for not in proc.err.data and time.monotonic() < deadline:
                    time.sleep(0.02)
            time.sleep(wait)
            proc.close_stdin()
            return proc.finish(CLIENT_TIMEOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.running():
            if b"---\n" in proc.out.data and any(m in proc.out.data for m in _SUMMARY_END):
                break
            if b"CONNECTION ESTABLISHED\n" in proc.err.data:  # -brief
                break
            time.sleep(0.02)
        for line in lines:
            time.sleep(settle)
            with contextlib.suppress(BrokenPipeError, ValueError):
                proc.write(line)
        return proc.finish(CLIENT_TIMEOUT)


def both(
    args: Sequence[str],
    lines: Sequence[bytes] = (b"Q\n",),
    *,
    stdin: bytes | None = None,
    loose: bool = False,
) -> None:
    ref = run_client(OPENSSL, args, lines, stdin=stdin)
    got = run_client(sclient_cmd(), args, lines, stdin=stdin)
    compare(ref, got, loose)


# --- servers -------------------------------------------------------------------------------


def _selfsigned(d: Path, name: str, *newkey: str) -> list[str]:
    out = ["-keyout", f"{name}.key", "-out", f"{name}.pem"]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            *newkey,
            "-nodes",
            *out,
            "-subj",
            "/CN=localhost",
            "-days",
            "30",
        ],
        cwd=d,
        check=True,
        capture_output=True,
        env=_env(),
    )
    return ["-cert", str(d / f"{name}.pem"), "-key", str(d / f"{name}.key")]


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    require("openssl")
    d = tmp_path_factory.mktemp("msgstate")
    return {
        "rsa": _selfsigned(d, "rsa", "-newkey", "rsa:2048"),
        "ecdsa": _selfsigned(d, "ec", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
    }


@contextlib.contextmanager
def _server(cert: list[str], *args: str) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(None, list(args), quiet=False, cert_args=cert) as s:
        yield s


@pytest.fixture(scope="module")
def rsa_server(certs: dict[str, list[str]]) -> Iterator[OpenSSLServer]:
    with _server(certs["rsa"]) as s:
        yield s


def _connect(server: OpenSSLServer | GnuTLSServer, *args: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", *args]


TRACING = [("-msg",), ("-state",), ("-msg", "-state")]
TRACING_IDS = ["msg", "state", "msg+state"]

CASES = {
    "tls13": (),
    "tls12-ecdhe-rsa": ("-tls1_2",),
    "tls12-dhe": ("-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"),
    "tls12-rsa-kx": ("-tls1_2", "-cipher", "AES128-SHA256"),
    "tls12-cbc-etm": ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256"),
    "tls12-cbc-no-etm": ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256", "-no_etm"),
    "tls12-session-id": ("-tls1_2", "-no_ticket"),
}


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
@pytest.mark.parametrize("case", list(CASES))
def test_handshakes(rsa_server: OpenSSLServer, case: str, tracing: tuple[str, ...]) -> None:
    both(_connect(rsa_server, *tracing, *CASES[case]))


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_ecdsa(certs: dict[str, list[str]], version: str, tracing: tuple[str, ...]) -> None:
    with _server(certs["ecdsa"]) as s:
        both(_connect(s, *tracing, version), loose=True)


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_hello_retry_request(certs: dict[str, list[str]], tracing: tuple[str, ...]) -> None:
    with _server(certs["rsa"], "-groups", "P-256") as s:
        both(_connect(s, *tracing))


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_client_auth(pki: PKI, version: str, tracing: tuple[str, ...]) -> None:
    chain = pki["rsa"]
    with OpenSSLServer(chain, ["-Verify", "1", "-CAfile", str(chain.root)], quiet=False) as s:
        args = ["-cert", str(chain.leaf), "-key", str(chain.key), "-CAfile", str(chain.root)]
        both(_connect(s, *tracing, version, *args))


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_resumption(
    rsa_server: OpenSSLServer, tmp_path: Path, version: str, tracing: tuple[str, ...]
) -> None:
    """-sess_in of a session openssl saved, by both clients."""
    sess = tmp_path / "sess.pem"
    ref = run_client(OPENSSL, _connect(rsa_server, version, "-sess_out", str(sess)))
    assert ref.rc == 0 and sess.exists()
    both(_connect(rsa_server, *tracing, version, "-sess_in", str(sess)))


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_verify_failure(rsa_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    both(_connect(rsa_server, *tracing, "-verify_return_error"))


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_server_alert(certs: dict[str, list[str]], tracing: tuple[str, ...]) -> None:
    """The server refuses our version: its protocol_version alert, read."""
    with _server(certs["rsa"], "-tls1_3") as s:
        both(_connect(s, *tracing, "-tls1_2"))


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_reconnect_tls12(rsa_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    both(_connect(rsa_server, *tracing, "-reconnect", "-tls1_2"), stdin=b"")


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_brief(rsa_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    both(_connect(rsa_server, *tracing, "-brief"))


@pytest.mark.parametrize("tracing", [("-state",), ("-msg", "-state")], ids=["state", "msg+state"])
def test_quiet(rsa_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    """-quiet: no summary, no commands; stdin's end (-no_ign_eof) once the
    tickets are in ends the run. -msg keeps printing to stdout."""
    args = _connect(rsa_server, *tracing, "-quiet", "-no_ign_eof")
    ticket = b"SSL_connect:SSLv3/TLS read server session ticket"
    ref = run_client(OPENSSL, args, (), wait=0.5, wait_for=ticket)
    got = run_client(sclient_cmd(), args, (), wait=0.5, wait_for=ticket)
    compare(ref, got)
    assert "SSL_connect:SSLv3/TLS read server session ticket" in got.stderr


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_key_update_commands(rsa_server: OpenSSLServer, tracing: tuple[str, ...]) -> None:
    """``k`` (a KeyUpdate), ``K`` (one that asks for the server's), then ``Q``."""
    both(_connect(rsa_server, *tracing), [b"k\n", b"K\n", b"Q\n"])


def test_msgfile(rsa_server: OpenSSLServer, tmp_path: Path) -> None:
    """-msgfile: the -msg lines in the file, the same as openssl's; not on stdout."""
    ref_file, got_file = tmp_path / "ref.txt", tmp_path / "got.txt"
    ref = run_client(OPENSSL, _connect(rsa_server, "-msg", "-msgfile", str(ref_file)))
    got = run_client(sclient_cmd(), _connect(rsa_server, "-msg", "-msgfile", str(got_file)))
    compare(ref, got)
    assert ">>> " not in got.stdout
    assert full_mask(got_file.read_text()) == full_mask(ref_file.read_text())
    assert "ClientHello" in got_file.read_text()


def test_msgfile_unwritable(tmp_path: Path) -> None:
    args = ["-msg", "-msgfile", str(tmp_path / "no" / "such"), "-connect", f"{HOST}:1"]
    ref = run_client(OPENSSL, args, stdin=b"")
    got = run_client(sclient_cmd(), args, stdin=b"")
    assert ref.rc == got.rc == 1
    assert got.stderr == ref.stderr == f"Error writing file {tmp_path / 'no' / 'such'}\n"
    assert got.stdout == ref.stdout == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("extra", [(), ("-tls1_2",), ("-state",), ("-quiet",)])
def test_msgfile_full_disk(rsa_server: OpenSSLServer, extra: tuple[str, ...]) -> None:
    """A -msgfile whose every flush fails (``/dev/full``): the handshake goes on,
    then the queued flush errors are printed (the last 15) and the run ends
    with exit 1 before the tickets or stdin are read, as s_client's does."""
    args = _connect(rsa_server, "-msg", "-msgfile", "/dev/full", *extra)
    ref = run_client(OPENSSL, args, stdin=b"")
    got = run_client(sclient_cmd(), args, stdin=b"")
    compare(ref, got)
    assert got.rc == 1
    assert got.stderr.count("No space left on device") == 7
    assert "DONE" not in got.stderr and "Post-Handshake" not in got.stdout


@contextlib.contextmanager
def _scripted_peer(handle: Callable[[Any], None]) -> Iterator[int]:
    """A loopback listener that gives each connection's socket to ``handle``."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(4)
    listener.settimeout(30)

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                with contextlib.suppress(Exception):
                    handle(conn)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


def _reset_after_hello(conn: Any) -> None:
    """Read the ClientHello, then reset the connection (RST)."""
    import socket
    import struct

    conn.recv(65536)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


@pytest.mark.parametrize("version", [(), ("-tls1_2",)], ids=["tls13", "tls12"])
@pytest.mark.parametrize("tracing", [("-state",), ("-msg", "-state")], ids=["state", "msg+state"])
def test_reset_in_handshake(version: tuple[str, ...], tracing: tuple[str, ...]) -> None:
    """The socket reset under the handshake: no alert, and -state's error line
    names the state the handshake was in (``error in SSLv3/TLS write client
    hello``), not ``error in error``."""
    with _scripted_peer(_reset_after_hello) as port:
        args = ["-connect", f"{HOST}:{port}", *tracing, *version]
        ref = run_client(OPENSSL, args, stdin=b"")
        got = run_client(sclient_cmd(), args, stdin=b"")
    compare(ref, got)
    assert "SSL_connect:error in SSLv3/TLS write client hello\n" in got.stderr


def _misbehaving_server(pki: PKI, after: bytes, ciphers: str = "") -> Any:
    """A peer on Python's ``ssl`` that completes the handshake, sends no
    ticket, then writes ``after`` raw on the socket (a forged record)."""
    import socket
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(pki["rsa"].fullchain), str(pki["rsa"].key))
    ctx.num_tickets = 0
    if ciphers:
        ctx.set_ciphers(ciphers)

    def handle(raw: Any) -> None:
        conn = ctx.wrap_socket(raw, server_side=True)
        time.sleep(0.2)
        sock = socket.socket(fileno=conn.detach())
        sock.sendall(after)
        time.sleep(0.3)
        sock.close()

    return _scripted_peer(handle)


#: After the handshake: (version options, ciphers, raw bytes, error reason).
POST_HANDSHAKE = {
    "tls13-forged-record": (
        (),
        "",
        b"\x17\x03\x03\x00\x28" + b"x" * 40,
        "decryption failed or bad record mac",
    ),
    "tls13-plain-handshake": ((), "", b"\x16\x03\x03\x00\x04\x04\x00\x00\x00", "bad record type"),
    "tls12-chacha-forged-record": (
        ("-tls1_2",),
        "ECDHE-RSA-CHACHA20-POLY1305",
        b"\x17\x03\x03\x00\x28" + b"x" * 40,
        "decryption failed or bad record mac",
    ),
}


@pytest.mark.parametrize("case", list(POST_HANDSHAKE))
def test_failure_after_handshake(pki: PKI, case: str) -> None:
    """A bad record after the handshake: the alert sent, -state's alert line,
    the error-queue line (its file and line too), the exit status."""
    version, ciphers, after, reason = POST_HANDSHAKE[case]
    with _misbehaving_server(pki, after, ciphers) as port:
        args = ["-connect", f"{HOST}:{port}", "-state", "-msg", *version]
        ref = run_client(OPENSSL, args, ends_within=10)
        got = run_client(sclient_cmd(), args, ends_within=10)
    compare(ref, got)
    assert got.rc == 1 and f":{reason}:" in got.stderr


def test_starttls_smtp(pki: PKI) -> None:
    from starttls.scripted import ScriptedServer
    from starttls.scripts import SUCCESS

    server = ScriptedServer(chain=pki["rsa"], script=SUCCESS["smtp"], host=HOST)
    server.start()
    try:
        args = ["-connect", f"{HOST}:{server.port}", "-starttls", "smtp", "-msg", "-state"]
        args += ["-CAfile", str(pki["rsa"].root)]
        ref = run_client(OPENSSL, args, stdin=b"")
        server.wait_done(1)
        got = run_client(sclient_cmd(), args, stdin=b"")
        server.wait_done(2)
    finally:
        server.stop()
    compare(ref, got)


# --- -json messages ------------------------------------------------------------------------

_MSG_LINE = re.compile(
    r"^(>>>|<<<) TLS 1\.[0-3], (Handshake|Alert|ChangeCipherSpec|RecordHeader) "
    r"\[length ([0-9a-f]{4,})\]"
)
_CTYPES = {"ChangeCipherSpec": 20, "Alert": 21, "Handshake": 22}


def _msg_messages(text: str) -> tuple[list[tuple[str, int, int, int]], int]:
    """The -msg message lines as (direction, content type, type, length), and
    how many received records were ChangeCipherSpecs (OpenSSL 3.0 shows no
    message line for those: only their record header)."""
    lines = text.split("\n")
    found: list[tuple[str, int, int, int]] = []
    ccs_records = 0
    for i, line in enumerate(lines):
        m = _MSG_LINE.match(line)
        if m is None:
            continue
        direction = "sent" if m[1] == ">>>" else "received"
        dump = [int(b, 16) for b in lines[i + 1].split()]
        if m[2] == "RecordHeader":
            ccs_records += direction == "received" and dump[0] == 20
            continue
        mtype = dump[1] if m[2] == "Alert" else dump[0]
        found.append((direction, _CTYPES[m[2]], mtype, int(m[3], 16)))
    return found, ccs_records


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_json_messages_match_msg(rsa_server: OpenSSLServer, version: str) -> None:
    """Every entry of ``messages`` is one -msg message line of the same run
    (same order, direction, type and length), and the received
    ChangeCipherSpecs are the CCS records -msg shows."""
    from support.jsondoc import sclient_json

    got = run_client(sclient_cmd(), _connect(rsa_server, "-json", "-msg", version), [b"Q\n"])
    assert got.rc == 0, got.stderr
    doc = sclient_json(got.stdout)
    lines, ccs_records = _msg_messages(got.stderr)
    msgs = doc["messages"]
    assert msgs == doc["connections"][-1]["messages"]
    received_ccs = [m for m in msgs if m["direction"] == "received" and m["content_type"] == 20]
    assert len(received_ccs) == ccs_records == 1
    others = [
        (m["direction"], m["content_type"], m["type"], m["length"])
        for m in msgs
        if m not in received_ccs
    ]
    assert others == lines
    assert [m["name"] for m in msgs[:2]] == ["ClientHello", "ServerHello"]
    assert msgs[-1]["name"] == "close_notify" and msgs[-1]["direction"] == "sent"
    for m in msgs:
        assert len(bytes.fromhex(m["hex"])) == m["length"]
    stamps = [m["timestamp"] for m in msgs]
    assert stamps == sorted(stamps) and stamps[-1] < 30


def _texts(tree: dict[str, Any]) -> list[str]:
    """The lines of a ``fields`` tree, depth first (as -trace draws them)."""
    out = [tree["text"]] if "text" in tree else []
    for child in tree.get("fields", ()):
        out.extend(_texts(child))
    return out


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_json_message_fields_are_the_trace_decoding(
    rsa_server: OpenSSLServer, version: str
) -> None:
    """Each message's ``fields`` are the decoding -trace prints: under -json the
    trace goes to stderr, and every message's lines appear there, in order."""
    from support.jsondoc import sclient_json

    got = run_client(sclient_cmd(), _connect(rsa_server, "-json", "-trace", version), [b"Q\n"])
    assert got.rc == 0, got.stderr
    doc = sclient_json(got.stdout)
    trace = [ln.strip() for ln in got.stderr.splitlines()]
    pos = 0
    handshake = [m for m in doc["messages"] if m["content_type"] == 22]
    assert [m["fields"]["name"] for m in handshake[:2]] == ["ClientHello", "ServerHello"]
    for m in doc["messages"]:
        if m["direction"] == "received" and m["content_type"] == 20:
            continue  # -trace shows a received ChangeCipherSpec as its record only
        # An alert is one trace line; its fields name the level and description.
        texts = [m["fields"]["text"]] if m["content_type"] == 21 else _texts(m["fields"])
        assert texts, m["name"]
        for text in texts:
            pos = trace.index(text.strip(), pos) + 1  # ValueError: not in the trace, in order


# --- a peer that is not TLS ----------------------------------------------------------------


@contextlib.contextmanager
def _raw_peer(reply: bytes) -> Iterator[int]:
    """A server that reads the ClientHello, writes ``reply`` and closes."""
    import socket
    import threading

    listener = socket.create_server((HOST, 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
@pytest.mark.parametrize(
    "reply",
    [b"", b"HTTP/1.1 400 Bad Request\r\n\r\n", b"\x16\x03\x03\x00\x02\x02\x00"],
    ids=["eof", "not-tls", "truncated-hello"],
)
def test_not_a_tls_server(reply: bytes, tracing: tuple[str, ...]) -> None:
    """The header OpenSSL refuses is still shown (``Not TLS data or unknown
    version``); the failure's -state line."""
    with _raw_peer(reply) as port:
        both(["-connect", f"{HOST}:{port}", *tracing], stdin=b"")


# --- gnutls-serv ---------------------------------------------------------------------------


@pytest.mark.parametrize("tracing", TRACING, ids=TRACING_IDS)
def test_gnutls_tls12(pki: PKI, tracing: tuple[str, ...]) -> None:
    """gnutls-serv writes its TLS 1.2 flight as one record: one RecordHeader
    line, then each message's line."""
    chain = pki["rsa"]
    with GnuTLSServer(chain) as s:
        both(_connect(s, *tracing, "-tls1_2", "-CAfile", str(chain.root)))
