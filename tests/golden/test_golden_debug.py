"""``-debug``: sclient and ``openssl s_client`` against ``openssl s_server``,
stdout and stderr equal after masking: the ``write to``/``read from`` lines
(each record as a 5-byte header read then a body read, each flight one
write, the drain after shutdown), their ``BIO_dump`` rows, and the PSK
client callback lines; TLS 1.3 and TLS 1.2 key exchanges, a
HelloRetryRequest, client authentication, a server alert, resumption with
``-reconnect``, ``-quiet`` and ``-brief``.

Masked: the pointer values, and the bytes of every dump but the record
headers' (randoms, key shares, signatures and encrypted records change from
run to run); the byte counts and the row offsets stay compared."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from golden.test_golden_clientauth import compare, run_client
from support.peers import HOST, OpenSSLServer, openssl_servers, require
from support.pki import PKI
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.golden

_ROW = re.compile(r"^([0-9a-f]{4}) - ((?:[0-9a-f]{2}[ -]|   ){16})  (.*)$")
_POINTERS = re.compile(r"^(write to|read from) 0x[0-9a-f]+ \[0x[0-9a-f]+\]")
#: Dumps shown as they are: record headers, and the extensions -tlsextdebug
#: prints (but the key share, random).
_KEEP = re.compile(
    r'^(read from <bio> \[<buf>\] \(5 bytes => 5 |TLS server extension "(?!key share)")'
)
#: Record lengths, for ECDSA signatures whose DER size varies.
_SIZES = [
    (re.compile(r"\(\d+ bytes => \d+ \(0x[0-9A-F]+\)\)"), "(<n> bytes => <n>)"),
    (re.compile(r"(SSL handshake has read )\d+( bytes and written )\d+"), r"\1<r>\2<w>"),
]


def dump_mask(text: str, sizes: bool = False) -> str:
    """``text`` with the pointers and the random dump bytes masked."""
    out = []
    keep = False
    for line in text.splitlines(True):
        m = _ROW.match(line.rstrip("\n"))
        if m:
            if not keep:
                n = len(re.findall(r"[0-9a-f]{2}[ -]", m.group(2)))
                line = "<row>\n" if sizes else f"{m.group(1)} - <{n} bytes>\n"
            elif sizes and line.startswith("0000 - 1") and len(line.split()) == 8:
                line = " ".join(line.split()[:5]) + " <len>\n"
            out.append(line)
            continue
        line = _POINTERS.sub(r"\1 <bio> [<buf>]", line)
        keep = bool(_KEEP.match(line))
        if sizes:
            for pat, repl in _SIZES:
                line = pat.sub(repl, line)
        out.append(line)
    text = "".join(out)
    if sizes:
        text = re.sub(r"(<row>\n)+", "<rows>\n", text)
    return text


def masked(r: Result, sizes: bool = False) -> Result:
    return Result(r.rc, dump_mask(r.stdout, sizes), r.stderr)


def compare_dumps(cmd: list[str], stdin: bytes | None = None, sizes: bool = False) -> Result:
    ref = run_client(["openssl", "s_client"], cmd, stdin=stdin)
    got = run_client(sclient_cmd(), cmd, stdin=stdin)
    compare(masked(ref, sizes), masked(got, sizes))
    return ref


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    require("openssl")
    rsa, ecdsa = pki["rsa"], pki["ecdsa"]
    specs = {
        "rsa": (rsa, []),
        "ecdsa": (ecdsa, []),
        "p256": (rsa, ["-groups", "P-256"]),
        "verify": (rsa, ["-Verify", "1", "-num_tickets", "0"]),
        "verify12": (rsa, ["-Verify", "1", "-tls1_2"]),
        "psk": (None, ["-psk", "1a2b3c4d", "-psk_identity", "Client_identity", "-nocert"]),
        "psk_hint": (rsa, ["-psk", "1a2b3c4d", "-psk_hint", "a hint"]),
    }
    with openssl_servers(specs) as started:
        yield started


CASES = [
    ("tls1_3", "rsa", ()),
    ("tls1_2-ecdhe-rsa", "rsa", ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")),
    ("tls1_2-dhe-rsa", "rsa", ("-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384")),
    ("tls1_2-rsa-kx", "rsa", ("-tls1_2", "-cipher", "AES128-SHA")),
    ("hello-retry", "p256", ("-tls1_3",)),
    ("reconnect-tls1_2", "rsa", ("-tls1_2", "-reconnect")),
    ("sess-resume-tls1_2", "rsa", ("-tls1_2", "-no_ticket", "-reconnect")),
    ("brief", "rsa", ("-brief",)),
    ("server-alert-tls1_3", "verify", ("-tls1_3",)),
    ("server-alert-tls1_2", "verify12", ()),
    ("quiet-server-alert", "verify", ("-quiet",)),
    ("brief-server-alert", "verify", ("-brief",)),
    ("psk-tls1_2", "psk", ("-psk", "1a2b3c4d", "-tls1_2")),
    (
        "psk-tls1_2-ecdhe",
        "psk",
        ("-psk", "1a2b3c4d", "-tls1_2", "-cipher", "ECDHE-PSK-AES128-CBC-SHA256"),
    ),
    (
        "psk-tls1_2-dhe",
        "psk",
        ("-psk", "1a2b3c4d", "-tls1_2", "-cipher", "DHE-PSK-AES128-GCM-SHA256"),
    ),
    ("psk-tls1_3", "psk", ("-psk", "1a2b3c4d", "-tls1_3")),
    ("psk-hint", "psk_hint", ("-psk", "1a2b3c4d", "-tls1_2", "-cipher", "PSK-AES128-CBC-SHA")),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_debug(servers: dict[str, OpenSSLServer], case: tuple[str, str, tuple[str, ...]]) -> None:
    _id, server, args = case
    cmd = ["-connect", f"{HOST}:{servers[server].port}", "-debug", *args]
    ref = compare_dumps(cmd)
    assert "write to " in ref.stdout and "read from " in ref.stdout


def test_debug_client_auth(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    rsa = pki["rsa"]
    for version in ("-tls1_3", "-tls1_2"):
        port = servers["verify" if version == "-tls1_3" else "verify12"].port
        cmd = ["-connect", f"{HOST}:{port}", "-debug", version]
        compare_dumps([*cmd, "-cert", str(rsa.leaf), "-key", str(rsa.key)])


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_debug_ecdsa(servers: dict[str, OpenSSLServer], version: str) -> None:
    """ECDSA signatures change size from run to run: the lengths are masked too."""
    cmd = ["-connect", f"{HOST}:{servers['ecdsa'].port}", "-debug", version]
    compare_dumps(cmd, sizes=True)


def test_debug_psk_lines(servers: dict[str, OpenSSLServer]) -> None:
    """The PSK callback lines are there (and checked against openssl above)."""
    cmd = ["-connect", f"{HOST}:{servers['psk_hint'].port}", "-debug", "-psk", "1a2b3c4d"]
    ref = compare_dumps([*cmd, "-tls1_2", "-cipher", "PSK-AES128-CBC-SHA"])
    assert "Received PSK identity hint 'a hint'\n" in ref.stdout
    assert "created PSK len=4\n" in ref.stdout


# --- STARTTLS: the dialogue's reads and writes go through the same socket --------------


def _pointers(text: str) -> str:
    return "".join(_POINTERS.sub(r"\1 <bio> [<buf>]", line) for line in text.splitlines(True))


@pytest.mark.parametrize("kw", ["smtp", "imap", "pop3", "ftp", "xmpp"])
def test_debug_starttls(kw: str, pki: PKI) -> None:
    """The plaintext dialogue is dumped as it is (only the pointers masked);
    from the ClientHello on, as the other cases."""
    from starttls.scripted import ScriptedServer
    from starttls.scripts import SUCCESS
    from support.procs import run_openssl_s_client, run_sclient

    server = ScriptedServer(chain=pki["rsa"], script=SUCCESS[kw], host=HOST)
    server.start()
    try:
        cmd = ["-connect", f"{HOST}:{server.port}", "-starttls", kw, "-debug"]
        cmd += ["-CAfile", str(pki["rsa"].root)]
        ref = run_openssl_s_client(cmd)
        server.wait_done(1)
        got = run_sclient(cmd)
        server.wait_done(2)
    finally:
        server.stop()
    hello = re.compile(r"^write to [^\n]*\n0000 - 16 03 0", re.M)
    ref_at, got_at = hello.search(ref.stdout), hello.search(got.stdout)
    assert ref_at is not None and got_at is not None
    assert ref.stdout[: ref_at.start()].count("read from ") >= 1
    assert _pointers(got.stdout[: got_at.start()]) == _pointers(ref.stdout[: ref_at.start()])
    compare(
        masked(Result(ref.rc, ref.stdout[ref_at.start() :], ref.stderr)),
        masked(Result(got.rc, got.stdout[got_at.start() :], got.stderr)),
    )


def test_debug_proxy(servers: dict[str, OpenSSLServer]) -> None:
    """The CONNECT request and the proxy's reply are dumped as they are."""
    from starttls.test_more import ConnectProxy

    with ConnectProxy() as proxy:
        cmd = ["-proxy", f"{HOST}:{proxy.port}", "-connect", f"{HOST}:{servers['rsa'].port}"]
        cmd += ["-debug", "-tls1_2"]
        ref = run_client(["openssl", "s_client"], cmd)
        got = run_client(sclient_cmd(), cmd)
    assert "CONNECT 127.0.0" in ref.stdout
    hello = re.compile(r"^write to [^\n]*\n0000 - 16 03 0", re.M)
    ref_at, got_at = hello.search(ref.stdout), hello.search(got.stdout)
    assert ref_at is not None and got_at is not None
    assert _pointers(got.stdout[: got_at.start()]) == _pointers(ref.stdout[: ref_at.start()])
    compare(masked(ref), masked(got))


_INTERLEAVED = re.compile(
    r"^(>>> |<<< |read from |write to |Sent Record|Received Record|SSL_connect:|SSL3 alert"
    r"|\s+Inner Content Type|\s+\w+, Length=)"
)


def _interleaving(text: str) -> list[str]:
    """The -debug, message-callback and state lines, in order, without their
    dumps, the pointers and the lengths of records (which vary by run)."""
    out = []
    for line in text.splitlines():
        if _INTERLEAVED.match(line):
            line = _POINTERS.sub(r"\1 <bio> [<buf>]", line)
            line = re.sub(r"\[length [0-9a-f]+\]|Length=\d+", "<len>", line)
            out.append(re.sub(r"\(\d+ bytes => -?\d+( \(0x[0-9A-F]+\))?\)", "(<n>)", line))
    return out


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
@pytest.mark.parametrize("callback", ["-msg", "-trace", "-state"])
def test_debug_with_the_message_callbacks(
    servers: dict[str, OpenSSLServer], callback: str, version: str
) -> None:
    """-debug with -msg, -trace or -state: each socket read or write among the
    message lines where OpenSSL's BIO callback sees it (a record's header read
    before its RecordHeader line, its body read before what it carries, a
    flight's write after its messages, an alert's write before its line)."""
    cmd = ["-connect", f"{HOST}:{servers['rsa'].port}", "-debug", callback, version]
    ref = run_client(["openssl", "s_client"], cmd)
    got = run_client(sclient_cmd(), cmd)
    assert got.rc == ref.rc
    want = _interleaving(ref.stdout + ref.stderr)
    assert len(want) > 20 and any(w.startswith("read from") for w in want)
    assert _interleaving(got.stdout + got.stderr) == want
