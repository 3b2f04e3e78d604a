"""``-trace``: sclient and ``openssl s_client -trace`` against the same
servers, stdout and stderr equal after masking only what is random (randoms,
key shares, signatures, Finished and renegotiation verify data, tickets,
session ids, the PSK extension's identity and binder) and, where the server
signs with ECDSA, the sizes that follow the DER signature's length.

Which server produces each message and extension OpenSSL 3.0's trace
decodes is listed in :data:`COVERAGE`; :func:`test_coverage` checks that
every listed line really appears in the outputs of this module's cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_clientauth import run_client
from support import ct, masking
from support.peers import HOST, GnuTLSServer, OpenSSLServer, require
from support.pki import PKI
from support.procs import Result, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]
PSK_KEY = "1a2b3c4d5e6f7081"

_HEX_FIELDS = (
    "random_bytes",
    "session_id",
    "key_exchange: ",
    "Signature",
    "verify_data",
    "ticket",
    "ticket_nonce",
    "ecdh_Yc",
    "point",
    "dh_Ys",
    "dh_Yc",
    "EncryptedPreMasterSecret",
    "client_verify_data",
    "server_verify_data",
    "request_context",
    "context",
)

TRACE_MASKS = (
    (re.compile(r"^( *gmt_unix_time=0x)[0-9A-F]{8}$", re.M), r"\1<time>"),
    (
        re.compile(
            r"^( *(?:"
            + "|".join(re.escape(f) for f in _HEX_FIELDS)
            + r") \(len=\d+\): )[0-9A-F]+$",
            re.M,
        ),
        r"\1<hex>",
    ),
    (re.compile(r"^( *ticket_age_add=)\d+$", re.M), r"\1<n>"),
    # pre_shared_key: identity (a ticket) and binder; the HRR cookie: dumped as hex
    (
        re.compile(
            r"^( *extension_type=(?:psk\(41\)|cookie_ext\(44\)), length=\d+\n)"
            r"(?: {10}[0-9a-f]{4} - .*\n)+",
            re.M,
        ),
        r"\1<random dump>\n",
    ),
    # A TLS 1.3 ticket is the server's session, encrypted in 16-byte AES-CBC
    # blocks: after client authentication (the session holds the client's
    # certificate) its length was seen to differ by one block between the two
    # clients' runs on a loaded machine (1152 and 1136 bytes), and never when run
    # alone; the cause is not known. Its contents are masked above; the
    # lengths of the record, the message and the ticket are masked here.
    (
        re.compile(
            r"(Length = )\d+(\n  Inner Content Type = Handshake \(22\)\n"
            r"    NewSessionTicket, Length=)\d+((?:\n {8}.*)*?\n {8}ticket \(len=)\d+"
        ),
        r"\1<n>\2<n>\3<n>",
    ),
)

#: ECDSA signatures vary in size: the signature's length, the message's and its record's.
ECDSA_MASKS = (
    (re.compile(r"^( *Signature \(len=)\d+(\))", re.M), r"\1<n>\2"),
    (
        re.compile(
            r"(Length = )\d+\n((?:  Inner Content Type = .*\n)?    (?:ServerKeyExchange|CertificateVerify), Length=)\d+"
        ),
        r"\1<n>\n\2<n>",
    ),
    (re.compile(r"(SSL handshake has read )\d+( bytes)"), r"\1<R>\2"),
)


def tmask(text: str, ecdsa: bool = False) -> str:
    extra = (*TRACE_MASKS, *(ECDSA_MASKS if ecdsa else ()))
    return masking.mask(text, masking.ERROR_POSITION, masking.WRITTEN, *extra)


OUTPUTS: list[str] = []


def compare(ref: Result, got: Result, ecdsa: bool = False) -> None:
    assert_clean_stderr(got.stderr)
    OUTPUTS.append(ref.stdout)
    OUTPUTS.append(got.stdout)
    problems = []
    if ref.rc != got.rc:
        problems.append(f"exit status: openssl {ref.rc}, sclient {got.rc}")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        a, b = tmask(want, ecdsa), tmask(have, ecdsa)
        if a != b:
            import difflib

            problems.append(
                "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), name, name))
            )
    assert not problems, "\n".join(problems)
    assert "Sent Record" in got.stdout


def both(cmd: list[str], stdin: bytes | None = None, ecdsa: bool = False) -> None:
    compare(run_client(OPENSSL, cmd, stdin), run_client(sclient_cmd(), cmd, stdin), ecdsa)


# --- servers ------------------------------------------------------------------------------


def _server(chain: object, *args: str) -> Iterator[OpenSSLServer]:
    require("openssl")
    s = OpenSSLServer(chain, list(args), quiet=False)  # type: ignore[arg-type]
    with s:
        yield s


@pytest.fixture(scope="module")
def rsa(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"])


@pytest.fixture(scope="module")
def ecdsa(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["ecdsa"])


@pytest.fixture(scope="module")
def verify(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-Verify", "1", "-CAfile", str(pki["rsa"].root))


@pytest.fixture(scope="module")
def no_ticket(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-no_ticket")


@pytest.fixture(scope="module")
def x25519_only(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-groups", "X25519")


@pytest.fixture(scope="module")
def psk_server() -> Iterator[OpenSSLServer]:
    yield from _server(None, "-psk", PSK_KEY, "-psk_identity", "Client_identity", "-nocert")


@pytest.fixture(scope="module")
def tls12_only(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-tls1_2")


def _connect(server: OpenSSLServer | GnuTLSServer, *args: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", "-trace", *args]


# --- TLS 1.3 and TLS 1.2 key exchanges ---------------------------------------------------------

RSA_CASES = [
    ("tls1_3-default", ()),
    # -bugs sets the padding option: a ClientHello of 256 to 511 bytes grows to 512
    ("tls1_3-bugs-padding", ("-bugs",)),
    (
        "tls1_3-chacha-alpn-sni",
        (
            "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256",
            "-alpn",
            "h2,http/1.1",
            "-servername",
            "localhost",
        ),
    ),
    ("tls1_2-ecdhe-rsa", ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")),
    ("tls1_2-dhe-rsa", ("-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384")),
    ("tls1_2-rsa-kx", ("-tls1_2", "-cipher", "AES128-SHA256")),
    ("tls1_2-cbc-etm", ("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA")),
    ("tls1_2-maxfrag", ("-tls1_2", "-maxfraglen", "1024")),
    (
        "tls1_2-sigalgs-groups",
        ("-tls1_2", "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256", "-groups", "P-256:P-384"),
    ),
]


@pytest.mark.parametrize("case", RSA_CASES, ids=lambda c: c[0])
def test_trace_rsa(rsa: OpenSSLServer, case: tuple[str, tuple[str, ...]]) -> None:
    both(_connect(rsa, *case[1]))


@pytest.mark.parametrize("args", [("-quiet", "-no_ign_eof"), ("-brief", "-tls1_2")])
def test_trace_quiet_and_brief(rsa: OpenSSLServer, args: tuple[str, ...]) -> None:
    """The trace still goes to stdout when -quiet/-brief silence s_client's own lines."""
    both(_connect(rsa, *args))


@pytest.mark.parametrize("args", [("-tls1_2",), ("-tls1_3",)], ids=["tls1_2", "tls1_3"])
def test_trace_ecdsa(ecdsa: OpenSSLServer, args: tuple[str, ...]) -> None:
    both(_connect(ecdsa, *args), ecdsa=True)


@pytest.fixture(scope="module")
def ed25519(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["ed25519"])


@pytest.mark.parametrize("args", [("-tls1_2",), ("-tls1_3",)], ids=["tls1_2", "tls1_3"])
def test_trace_ed25519(ed25519: OpenSSLServer, args: tuple[str, ...]) -> None:
    both(_connect(ed25519, *args))


@pytest.fixture(scope="module")
def rsa_psk(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-psk", PSK_KEY, "-psk_identity", "Client_identity")


def test_trace_rsa_psk(rsa_psk: OpenSSLServer) -> None:
    both(_connect(rsa_psk, "-psk", PSK_KEY, "-tls1_2", "-cipher", "RSA-PSK-AES128-GCM-SHA256"))


def test_trace_hello_retry_request(x25519_only: OpenSSLServer) -> None:
    both(_connect(x25519_only, "-groups", "P-256:X25519"))


# --- client authentication --------------------------------------------------------------------


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_trace_client_auth(verify: OpenSSLServer, pki: PKI, version: str) -> None:
    chain = pki["rsa"]
    both(_connect(verify, version, "-cert", str(chain.leaf), "-key", str(chain.key), "-enable_pha"))


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_trace_client_auth_no_certificate(verify: OpenSSLServer, version: str) -> None:
    both(_connect(verify, version))


# --- resumption -----------------------------------------------------------------------------


def test_trace_reconnect_session_id(no_ticket: OpenSSLServer) -> None:
    both(_connect(no_ticket, "-tls1_2", "-reconnect"), stdin=b"")


def test_trace_reconnect_ticket(rsa: OpenSSLServer) -> None:
    both(_connect(rsa, "-tls1_2", "-reconnect"), stdin=b"")


@pytest.fixture(scope="module")
def tls13_session(rsa: OpenSSLServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("trace13") / "sess.pem"
    run_client(OPENSSL, ["-connect", f"{HOST}:{rsa.port}", "-tls1_3", "-sess_out", str(path)])
    assert path.exists()
    return str(path)


def test_trace_tls13_psk_resumption(rsa: OpenSSLServer, tls13_session: str) -> None:
    both(_connect(rsa, "-tls1_3", "-sess_in", tls13_session))


@pytest.fixture(scope="module")
def tls12_session(rsa: OpenSSLServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("trace12") / "sess.pem"
    run_client(OPENSSL, ["-connect", f"{HOST}:{rsa.port}", "-tls1_2", "-sess_out", str(path)])
    assert path.exists()
    return str(path)


def test_trace_tls12_ticket_resumption(rsa: OpenSSLServer, tls12_session: str) -> None:
    both(_connect(rsa, "-tls1_2", "-sess_in", tls12_session))


# --- external PSK -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("-tls1_3",),
        ("-tls1_2",),
        ("-tls1_2", "-cipher", "PSK-AES128-CBC-SHA"),
        ("-tls1_2", "-cipher", "DHE-PSK-AES128-GCM-SHA256"),
        ("-tls1_2", "-cipher", "ECDHE-PSK-AES128-CBC-SHA256"),
    ],
    ids=["tls1_3", "tls1_2", "tls1_2-psk", "tls1_2-dhe-psk", "tls1_2-ecdhe-psk"],
)
def test_trace_external_psk(psk_server: OpenSSLServer, args: tuple[str, ...]) -> None:
    both(_connect(psk_server, "-psk", PSK_KEY, *args))


# --- alerts -----------------------------------------------------------------------------------


def test_trace_server_alert(tls12_only: OpenSSLServer) -> None:
    both(_connect(tls12_only, "-tls1_3"), stdin=b"")


def test_trace_handshake_failure(rsa: OpenSSLServer) -> None:
    both(_connect(rsa, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"), stdin=b"")


def test_trace_client_alert(rsa: OpenSSLServer) -> None:
    """The chain does not verify and -verify_return_error: our fatal alert."""
    both(_connect(rsa, "-verify_return_error"), stdin=b"")


# --- what the server's own options and commands bring about -----------------------------------


@pytest.fixture(scope="module")
def early_data(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-early_data")


def test_trace_ticket_with_early_data(early_data: OpenSSLServer) -> None:
    """The TLS 1.3 NewSessionTicket's early_data extension (max_early_data=)."""
    both(_connect(early_data, "-tls1_3"))


def test_trace_early_data(early_data: OpenSSLServer, tmp_path: Path) -> None:
    """-early_data accepted: the ClientHello's and EncryptedExtensions'
    early_data extensions, the early data record, EndOfEarlyData. s_server
    takes each ticket once (anti-replay): one session per client."""
    payload = tmp_path / "early.txt"
    payload.write_bytes(b"early data for the trace\n")
    results = []
    for name, prefix in (("openssl", OPENSSL), ("sclient", sclient_cmd())):
        sess = tmp_path / f"{name}.pem"
        run_client(OPENSSL, _connect(early_data, "-tls1_3", "-sess_out", str(sess)))
        cmd = _connect(early_data, "-sess_in", str(sess), "-early_data", str(payload))
        results.append(run_client(prefix, cmd))
    ref, got = results
    assert "Early data was accepted" in ref.stdout, ref.stdout
    compare(ref, got)


@pytest.fixture(scope="module")
def stateless(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-stateless")


def test_trace_hello_retry_request_with_cookie(stateless: OpenSSLServer) -> None:
    both(_connect(stateless, "-tls1_3"))


def _with_server_command(
    pki: PKI, server_args: list[str], client_args: list[str], command: bytes
) -> Result:
    """One client against a fresh server that, once connected, runs one of its
    interactive commands (``k``/``K`` key update, ``c`` certificate request, ``r``
    renegotiation); the client then sends a line and quits."""
    s = OpenSSLServer(pki["rsa"], server_args, quiet=False)
    with s:
        return _drive(s, client_args, command)


def _drive(
    s: OpenSSLServer, client_args: list[str], command: bytes, prefix: list[str] | None = None
) -> Result:
    import time

    from support.procs import CLIENT_TIMEOUT, Proc, _env

    cmd = [*(prefix or []), *_connect(s, *client_args)]
    with Proc(cmd, env=_env()) as client:
        assert client.out.wait_for(b"Verify return code:", 10)
        assert s.proc is not None
        assert s.proc.out.wait_for(b"CIPHER is", 10)
        mark = len(s.proc.out.data)
        s.write(command)
        time.sleep(0.5)
        client.write(b"hello\n")
        assert s.proc.out.wait_for(b"hello", 10), s.proc.out.data[mark:]
        time.sleep(0.2)
        client.write(b"Q\n")
        return client.finish(CLIENT_TIMEOUT)


SERVER_COMMANDS = [
    ("key-update", ["-tls1_3"], [], b"k\n"),
    ("key-update-requested", ["-tls1_3"], [], b"K\n"),
    ("post-handshake-auth", ["-tls1_3", "-verify", "1"], ["-enable_pha", "<cert>"], b"c\n"),
    ("renegotiation", ["-tls1_2"], [], b"r\n"),
    ("renegotiation-certificate-request", ["-tls1_2"], ["<cert>"], b"R\n"),
]


@pytest.mark.parametrize("case", SERVER_COMMANDS, ids=lambda c: c[0])
def test_trace_server_command(pki: PKI, case: tuple[str, list[str], list[str], bytes]) -> None:
    _id, server_args, client_args, command = case
    chain = pki["rsa"]
    args: list[str] = []
    for a in client_args:
        args += ["-cert", str(chain.leaf), "-key", str(chain.key)] if a == "<cert>" else [a]
    results = []
    for prefix in (OPENSSL, sclient_cmd()):
        s = OpenSSLServer(chain, server_args, quiet=False)
        with s:
            results.append(_drive(s, args, command, prefix))
    compare(results[0], results[1])


# --- gnutls-serv: what openssl's server does not send -----------------------------------------


@pytest.fixture(scope="module")
def gnutls(pki: PKI) -> Iterator[GnuTLSServer]:
    s = GnuTLSServer(pki["rsa"], priority="NORMAL:-VERS-TLS1.3")
    with s:
        yield s


def test_trace_gnutls_tls12(gnutls: GnuTLSServer) -> None:
    both(_connect(gnutls), stdin=b"")


@pytest.fixture(scope="module")
def gnutls13(pki: PKI) -> Iterator[GnuTLSServer]:
    s = GnuTLSServer(pki["ecdsa"])
    with s:
        yield s


def test_trace_gnutls_tls13(gnutls13: GnuTLSServer) -> None:
    """gnutls-serv's tickets carry a 21600 s lifetime hint: the session's
    Timeout stays 7200, as OpenSSL keeps it."""
    both(_connect(gnutls13), stdin=b"", ecdsa=True)


@pytest.fixture(scope="module")
def gnutls13_client_auth(pki: PKI) -> Iterator[GnuTLSServer]:
    s = GnuTLSServer(
        pki["ecdsa"],
        ["--require-client-cert", "--x509cafile", str(pki["rsa"].root)],
        ask_client_cert=True,
    )
    with s:
        yield s


def test_trace_gnutls_tls13_client_auth(gnutls13_client_auth: GnuTLSServer, pki: PKI) -> None:
    """gnutls-serv's TLS 1.3 CertificateRequest names the CAs it accepts
    (certificate_authorities, which OpenSSL 3.0's trace dumps as hex) and asks
    for OCSP stapling of the client's certificate (status_request, empty)."""
    chain = pki["rsa"]
    args = _connect(gnutls13_client_auth, "-cert", str(chain.leaf), "-key", str(chain.key))
    # Q after the summary: the tickets, sent after our Finished, have arrived
    # for both clients (stdin closed at once would race them).
    both(args, ecdsa=True)


# --- scripted servers: what no real server sends ----------------------------------------------


def _unknown_values(conn: object, pki: PKI) -> None:
    """A TLS 1.2 ServerHello with an unknown extension (hex dump)."""
    from hostile import hostile_servers as h
    from support import tlsforge as t

    assert isinstance(conn, t.Conn)
    ch = conn.read_client_hello()
    exts = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00") + t.ext(0x1234, bytes(range(40)))
    conn.send(t.record(t.HANDSHAKE, h._sh12(ch, extensions=exts)))


def _truncated_extension(conn: object, pki: PKI) -> None:
    """A ServerHello whose last extension is longer than what is left."""
    from hostile import hostile_servers as h
    from support import tlsforge as t

    assert isinstance(conn, t.Conn)
    ch = conn.read_client_hello()
    exts = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00") + t.u16(0x0017) + t.u16(9) + b"\x01\x02"
    conn.send(t.record(t.HANDSHAKE, h._sh12(ch, extensions=exts)))


def _sigalgs_cert(conn: object, pki: PKI) -> None:
    """A TLS 1.2 ServerHello with signature_algorithms_cert(50), which no server
    sends in a ServerHello: decoded as a list of schemes, then refused."""
    from hostile import hostile_servers as h
    from support import tlsforge as t

    assert isinstance(conn, t.Conn)
    ch = conn.read_client_hello()
    schemes = b"".join(t.u16(v) for v in (0x0804, 0x0403, 0x0201, 0xFEFE))
    exts = t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00") + t.ext(50, t.u16(len(schemes)) + schemes)
    conn.send(t.record(t.HANDSHAKE, h._sh12(ch, extensions=exts)))


def _extensions_overrun(conn: object, pki: PKI) -> None:
    """A ServerHello whose extensions block claims more bytes than follow."""
    from support import tlsforge as t

    assert isinstance(conn, t.Conn)
    ch = conn.read_client_hello()
    sh = t.server_hello(session_id=ch.session_id, cipher=0xC02F, with_extensions=False)
    body = sh[4:] + t.u16(0x0100) + t.ext(t.EXT_RENEGOTIATION_INFO, b"\x00")
    conn.send(t.record(t.HANDSHAKE, t.handshake(t.SERVER_HELLO, body)))


SCRIPTS = [
    "fatal_alert",
    "unsolicited_extension",
    "downgrade_sentinel",
    "hrr_for_offered_share",
    "unknown_values",
    "truncated_extension",
    "sigalgs_cert",
]


@pytest.mark.parametrize("name", SCRIPTS)
def test_trace_scripted_server(pki: PKI, name: str) -> None:
    from hostile import hostile_servers as h

    script = globals().get(f"_{name}") or getattr(h, name)
    results = []
    for prefix in (OPENSSL, sclient_cmd()):
        srv = h.ScriptedServer(script, pki, drain_timeout=2.0).start()
        try:
            cmd = ["-connect", f"127.0.0.1:{srv.port}", "-trace", "-noservername"]
            results.append(run_client(prefix, cmd, b""))
        finally:
            srv.stop()
    compare(results[0], results[1])


def test_trace_extensions_overrun(pki: PKI) -> None:
    """The parse error after the indent OpenSSL already wrote. stdout only: the
    error queue names a different function (sclient's engine reports the
    length error from its record reader, OpenSSL from tls_process_server_hello),
    which is not the trace's."""
    from hostile import hostile_servers as h

    outs = []
    for prefix in (OPENSSL, sclient_cmd()):
        srv = h.ScriptedServer(_extensions_overrun, pki, drain_timeout=2.0).start()
        try:
            cmd = ["-connect", f"127.0.0.1:{srv.port}", "-trace", "-noservername"]
            outs.append(run_client(prefix, cmd, b""))
        finally:
            srv.stop()
    OUTPUTS.extend(r.stdout for r in outs)
    assert outs[0].rc == outs[1].rc
    assert tmask(outs[0].stdout) == tmask(outs[1].stdout)
    assert "      Message length parse error!\n" in outs[1].stdout


# --- OCSP stapling (-status) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def stapling(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSSLServer]:
    from support.ocsp import responses

    good = responses(pki["rsa"], tmp_path_factory.mktemp("trace-ocsp"))["good"]
    yield from _server(pki["rsa"], "-status_file", str(good))


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_trace_status(stapling: OpenSSLServer, version: str) -> None:
    """status_request in the ClientHello, the TLS 1.2 ServerHello and the TLS
    1.3 leaf's entry (hex dumps), the TLS 1.2 CertificateStatus (not decoded)."""
    both(_connect(stapling, "-status", version))


# --- coverage -------------------------------------------------------------------------------

# --- NPN and SRTP: extensions and a message OpenSSL's trace dumps -------------------------------


@pytest.fixture(scope="module")
def npn(pki: PKI) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-nextprotoneg", "h2,http/1.1")


@pytest.mark.parametrize("version", [("-tls1_2",), ()], ids=["tls1_2", "default"])
def test_trace_nextprotoneg(npn: OpenSSLServer, version: tuple[str, ...]) -> None:
    """next_proto_neg (empty from us, the server's list in a TLS 1.2
    ServerHello) and the NextProto message, each as a hex dump; a TLS 1.3
    server ignores the extension."""
    both(_connect(npn, *version, "-nextprotoneg", "foo,h2"))


def test_trace_use_srtp(npn: OpenSSLServer) -> None:
    """use_srtp in the ClientHello (dumped); s_server refuses it outside DTLS."""
    both(_connect(npn, "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"), stdin=b"")


# --- Certificate Transparency: the SCT extension, dumped ------------------------------------------


@pytest.fixture(scope="module")
def ct_material(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> ct.Material:
    return ct.Material(pki["rsa"], tmp_path_factory.mktemp("ct"))


@pytest.fixture(scope="module")
def sct_server(pki: PKI, ct_material: ct.Material) -> Iterator[OpenSSLServer]:
    yield from _server(pki["rsa"], "-serverinfo", str(ct_material.serverinfo["valid"]))


@pytest.mark.parametrize("version", [("-tls1_2",), ()], ids=["tls1_2", "default"])
def test_trace_ct(
    sct_server: OpenSSLServer, pki: PKI, ct_material: ct.Material, version: tuple[str, ...]
) -> None:
    """signed_certificate_timestamps(18): empty in the ClientHello, the SCT
    list in the TLS 1.2 ServerHello and the TLS 1.3 leaf's entry (hex dumps),
    then the SCTs present block."""
    args = ["-ct", "-ctlogfile", str(ct_material.logs), "-CAfile", str(pki["rsa"].root)]
    both(_connect(sct_server, *version, *args))


#: Each message and extension OpenSSL 3.0's trace decodes, as a line of the
#: output, with the case (and its server) that produces it. test_coverage checks
#: that every line appeared in the outputs of the cases above, the reference's
#: and sclient's alike (they are compared line by line).
COVERAGE: dict[str, str] = {
    # OCSP stapling: dumped, as OpenSSL's trace decodes neither
    "extension_type=status_request(5), length=5\n          0000 - 01 00 00 00 00": "status",
    "extension_type=status_request(5), length=0": "status -tls1_2 (ServerHello)",
    "    CertificateStatus, Length=": "status -tls1_2",
    "      Unsupported, hex dump follows:": "status -tls1_2 (CertificateStatus)",
    # records
    "Inner Content Type = Handshake (22)": "tls1_3-default (openssl s_server)",
    "    change_cipher_spec (1)": "every handshake",
    "description=close notify(0)": "every connection's end",
    "Level=fatal(2)": "server_alert (s_server -tls1_2), client_alert (-verify_return_error)",
    # messages
    "    ClientHello, Length=": "every case",
    "    ServerHello, Length=": "every case",
    "            NamedGroup: ecdh_x25519 (29)\n\n": "hello_retry_request (s_server -groups X25519)",
    "    EncryptedExtensions, Length=": "tls1_3-default",
    "    Certificate, Length=": "tls1_3-default, tls1_2-*, client auth (ours)",
    "------details-----": "every certificate",
    "Public Key Algorithm: rsaEncryption": "rsa chain",
    "Public Key Algorithm: id-ecPublicKey": "ecdsa chain",
    "Public Key Algorithm: ED25519": "ed25519 chain",
    "    CertificateRequest, Length=": "client_auth (s_server -Verify 1), TLS 1.2 and 1.3",
    "request_context (len=0)": "client_auth tls1_3",
    "certificate_types (len=": "client_auth tls1_2",
    "certificate_authorities (len=": "client_auth tls1_2",
    "DistinguishedName (len=": "client_auth tls1_2 (s_server -CAfile)",
    "    CertificateVerify, Length=": "tls1_3-default; client auth",
    "    ServerKeyExchange, Length=": "tls1_2-ecdhe-rsa, tls1_2-dhe-rsa, ecdsa, PSK variants",
    "KeyExchangeAlgorithm=ECDHE": "tls1_2-ecdhe-rsa",
    "KeyExchangeAlgorithm=DHE": "tls1_2-dhe-rsa",
    "KeyExchangeAlgorithm=rsa": "tls1_2-rsa-kx",
    "KeyExchangeAlgorithm=PSK": "external_psk tls1_2-psk (s_server -psk -nocert)",
    "KeyExchangeAlgorithm=DHEPSK": "external_psk tls1_2-dhe-psk",
    "KeyExchangeAlgorithm=ECDHEPSK": "external_psk tls1_2-ecdhe-psk",
    "KeyExchangeAlgorithm=RSAPSK": "rsa_psk (s_server -psk with a certificate)",
    "psk_identity_hint (len=": "external_psk tls1_2-*",
    "psk_identity (len=": "external_psk tls1_2-*",
    "    ClientKeyExchange, Length=": "tls1_2-*",
    "    ServerHelloDone, Length=": "tls1_2-*",
    "    Finished, Length=": "every handshake",
    "    NewSessionTicket, Length=": "tls1_3-default (1.3), tls1_2-* (1.2)",
    "ticket_age_add=": "tls1_3-default",
    "max_early_data=": "ticket_with_early_data (s_server -early_data)",
    "extension_type=early_data(42), length=0": "early_data (ClientHello, EncryptedExtensions)",
    "    EndOfEarlyData, Length=0\n      Unsupported, hex dump follows:": "early_data",
    "  Length = 42\n  Inner Content Type = ApplicationData (23)": "early_data (the 0-RTT record)",
    "    KeyUpdate, Length=1": "server_command key-update (s_server's k and K)",
    "      update_not_requested (0)": "server_command key-update",
    "      update_requested (1)": "server_command key-update-requested",
    "No extensions": "EncryptedExtensions, TLS 1.3 certificates",
    # extensions
    "extension_type=server_name(0)": "tls1_3-chacha-alpn-sni",
    "extension_type=padding(21), length=": "tls1_3-bugs-padding",
    "extension_type=max_fragment_length(1)": "tls1_2-maxfrag",
    "extension_type=supported_groups(10)": "every ClientHello",
    "extension_type=ec_point_formats(11)": "every ClientHello, TLS 1.2 ServerHello",
    "extension_type=signature_algorithms(13)": "every ClientHello, TLS 1.3 CertificateRequest",
    "extension_type=application_layer_protocol_negotiation(16)": "tls1_3-chacha-alpn-sni",
    "extension_type=encrypt_then_mac(22)": "tls1_2-cbc-etm",
    "extension_type=extended_master_secret(23)": "every ClientHello, TLS 1.2 ServerHello",
    "extension_type=session_ticket(35)": "every ClientHello, tls1_2_ticket_resumption",
    "extension_type=psk(41)": "tls1_3_psk_resumption, external_psk tls1_3",
    "extension_type=supported_versions(43)": "every ClientHello, TLS 1.3 ServerHello",
    "extension_type=cookie_ext(44)": "hello_retry_request_with_cookie (s_server -stateless)",
    "extension_type=psk_key_exchange_modes(45)": "every TLS 1.3 ClientHello",
    "extension_type=post_handshake_auth(49)": "client_auth tls1_3 (-enable_pha)",
    "extension_type=certificate_authorities(47)": "gnutls13_client_auth (gnutls-serv's request)",
    "extension_type=key_share(51)": "every TLS 1.3 hello",
    "extension_type=renegotiate(65281)": "TLS 1.2 ServerHello",
    "extension_type=next_proto_neg(13172), length=0": "nextprotoneg (ClientHello)",
    "extension_type=next_proto_neg(13172), length=12\n"
    "          0000 - 02 68 32 08 68 74 74 70-2f 31 2e 31": "nextprotoneg -tls1_2 (ServerHello)",
    "    NextProto, Length=32\n      Unsupported, hex dump follows:\n"
    "        0000 - 02 68 32 1c 00": "nextprotoneg -tls1_2 (s_server -nextprotoneg)",
    "extension_type=use_srtp(14), length=7\n          0000 - 00 04 00 07 00 01 00": "use_srtp",
    "extension_type=signed_certificate_timestamps(18), length=0": "ct (ClientHello)",
    # one SCT list, 121 to 123 bytes as the log's ECDSA signature's length varies
    "extension_type=signed_certificate_timestamps(18), length=12": (
        "ct (TLS 1.2 ServerHello, TLS 1.3 Certificate)"
    ),
    # fallbacks
    "extension_type=UNKNOWN(4660), length=40": "scripted unknown_values (hex dump)",
    "extension_type=signature_algorithms_cert(50), length=10": "scripted sigalgs_cert",
    "extensions, extype = 23, extlen = 9": "scripted truncated_extension",
    "Message length parse error!": "scripted truncated_extension",
    "      Message length parse error!": "scripted extensions_overrun (after OpenSSL's indent)",
    "    HelloRequest, Length=0": "server-command renegotiation (s_server's r)",
    "extension_type=renegotiate(65281), length=25": "server-command renegotiation (ServerHello)",
}

#: What OpenSSL 3.0's trace decodes that no case here produces yet, and why.
NOT_COVERED: dict[str, str] = {
    "srp": "-srpuser is not supported by sclient",
    "use_srtp in a ServerHello": "OpenSSL's client refuses it outside DTLS before the trace "
    "callback decodes anything more (test_golden_exts: gnutls-serv --srtp-profiles)",
    "ServerKeyExchange rsa_modulus (export RSA)": "export suites exist in neither, and OpenSSL "
    "3.0's client refuses a ServerKeyExchange under RSA key transport before its trace sees it",
    "UNKNOWN suite names": "names OpenSSL 3.0's table has beyond the suite registry's rows "
    "(RC4, export, FIPS, GOST suites) print UNKNOWN (a GREASE value: unit-tested)",
}


def test_coverage() -> None:
    """Every line of COVERAGE appeared (run after the cases above)."""
    if not OUTPUTS:
        pytest.skip("no case ran")
    text = "".join(OUTPUTS)
    missing = [line for line in COVERAGE if line not in text]
    assert not missing, missing


@pytest.mark.parametrize("version", ["-tls1_3", "-tls1_2"])
def test_trace_msgfile(rsa: OpenSSLServer, version: str, tmp_path: Path) -> None:
    """-trace -msgfile: the trace goes to the file, stdout keeps the rest."""
    results = []
    for name, prefix in (("openssl", OPENSSL), ("sclient", sclient_cmd())):
        f = tmp_path / f"{name}.trace"
        r = run_client(prefix, _connect(rsa, version, "-msgfile", str(f)))
        results.append((r, f.read_text()))
    (ref, ref_file), (got, got_file) = results
    assert "Sent Record" in got_file and "Sent Record" not in got.stdout
    compare(Result(ref.rc, ref_file, ref.stderr), Result(got.rc, got_file, got.stderr))
    assert tmask(got.stdout) == tmask(ref.stdout)
