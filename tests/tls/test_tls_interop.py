"""The engine against real peers on loopback: Python's ``ssl`` server in a
thread (always available) and ``openssl s_server`` (skipped, with the reason
printed, when the binary is missing)."""

from __future__ import annotations

import re
import ssl
import time
from pathlib import Path

import pytest
from tls_peers import (
    OPENSSL,
    Pki,
    config,
    make_cert,
    openssl_server,
    python_server,
    run_client,
)

from sclient.tls import events as ev
from sclient.tls import events_rare as evr
from sclient.tls.client import Client
from sclient.tls.registry import groups as G
from sclient.tls.registry import protocol as P
from sclient.tls.registry import suites as S

pytestmark = pytest.mark.interop

needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pki]:
    d = tmp_path_factory.mktemp("pki")
    return {k: make_cert(d, k) for k in ("rsa", "ec", "ec384", "ed25519")}


def _code(name: str) -> int:
    return S.BY_OPENSSL_NAME[name].code


def _get(c: Client, sock: object) -> list[ev.Event]:
    return c.send(b"GET / HTTP/1.0\r\n\r\n")


def _until_closed(r: object) -> bool:
    return bool(r.failure or r.of(ev.ConnectionClosed))  # type: ignore[attr-defined]


# --- Python's ssl server -----------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.3", "1.2"])
@pytest.mark.parametrize("kind", ["rsa", "ec", "ed25519"])
def test_python_server_echo(pki: dict[str, Pki], version: str, kind: str) -> None:
    v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    payload = bytes(range(256)) * 200  # 51200 bytes: several records each way
    with python_server(pki[kind], min_version=v, max_version=v) as srv:
        res = run_client(
            srv.port,
            config(server_name="localhost"),
            on_complete=lambda c, s: c.send(payload),
            until=lambda r: len(r.app_data) >= len(payload) or r.failure,
        )
    neg = res.complete.negotiated
    assert neg.version == (P.TLS1_3 if version == "1.3" else P.TLS1_2)
    assert res.app_data == payload
    assert res.complete.negotiated.peer_chain[0] == pki[kind].der
    assert not srv.errors


@pytest.mark.parametrize(
    "cipher",
    [
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-SHA256",
        "ECDHE-RSA-AES256-SHA",
        "AES128-GCM-SHA256",
        "AES256-SHA",
    ],
)
def test_python_server_tls12_suites(pki: dict[str, Pki], cipher: str) -> None:
    with python_server(pki["rsa"], max_version=ssl.TLSVersion.TLSv1_2, ciphers=cipher) as srv:
        res = run_client(
            srv.port,
            config(),
            on_complete=lambda c, s: c.send(b"ping" * 5000),
            until=lambda r: len(r.app_data) >= 20000 or r.failure,
        )
    neg = res.complete.negotiated
    assert neg.cipher_suite == _code(cipher)
    assert neg.secure_renegotiation and neg.extended_master_secret
    assert neg.encrypt_then_mac == (not S.BY_CODE[neg.cipher_suite].aead)
    assert res.app_data == b"ping" * 5000


def test_python_server_records_byte_by_byte(pki: dict[str, Pki]) -> None:
    """Feed the server's bytes to the engine one at a time."""
    with python_server(pki["rsa"]) as srv:
        import socket

        c = Client(config())
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        events = c.start()
        sock.sendall(c.data_to_send())
        deadline = time.monotonic() + 10
        while not c.handshake_complete and time.monotonic() < deadline:
            data = sock.recv(65536)
            assert data
            for i in range(len(data)):
                events += c.receive(data[i : i + 1])
            out = c.data_to_send()
            if out:
                sock.sendall(out)
        events += c.send(b"x" * 40000)
        sock.sendall(c.data_to_send())
        got = b""
        while len(got) < 40000 and time.monotonic() < deadline:
            data = sock.recv(65536)
            for i in range(len(data)):
                for e in c.receive(data[i : i + 1]):
                    if isinstance(e, ev.ApplicationData):
                        got += e.data
        sock.close()
    assert got == b"x" * 40000
    assert any(isinstance(e, ev.HandshakeComplete) for e in events)


# --- openssl s_server -------------------------------------------------------------------


@needs_openssl
@pytest.mark.parametrize(
    "suite", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
)
@pytest.mark.parametrize("group", ["X25519", "P-256", "X448", "P-384", "ffdhe2048"])
def test_openssl_tls13_suites_groups(pki: dict[str, Pki], suite: str, group: str) -> None:
    with openssl_server(pki["rsa"], "-ciphersuites", suite, "-groups", group, "-www") as srv:
        res = run_client(srv.port, config(), on_complete=_get, until=_until_closed)
    neg = res.complete.negotiated
    assert S.BY_CODE[neg.cipher_suite].iana == suite
    assert neg.group == G.lookup(group).code  # type: ignore[union-attr]
    # Everything but X25519 (our single key share) goes through a HelloRetryRequest.
    assert neg.hello_retry_request == (group != "X25519")
    assert b"HTTP/1.0 200 ok" in res.app_data
    assert res.of(ev.ConnectionClosed)


TLS12_CASES = [
    ("rsa", "ECDHE-RSA-AES128-GCM-SHA256", ()),
    ("rsa", "ECDHE-RSA-CHACHA20-POLY1305", ()),
    ("rsa", "ECDHE-RSA-AES256-SHA384", ()),
    ("rsa", "ECDHE-RSA-AES256-SHA384", ("-no_etm",)),
    ("rsa", "ECDHE-RSA-AES128-SHA", ("-no_etm",)),
    ("rsa", "DHE-RSA-AES256-GCM-SHA384", ()),
    ("rsa", "DHE-RSA-AES128-SHA256", ()),
    ("rsa", "AES128-SHA", ()),
    ("rsa", "AES256-GCM-SHA384", ()),
    ("rsa", "AES128-CCM", ()),
    ("ec", "ECDHE-ECDSA-AES128-GCM-SHA256", ()),
    ("ec", "ECDHE-ECDSA-AES256-SHA", ("-no_etm",)),
    ("ec", "ECDHE-ECDSA-CHACHA20-POLY1305", ()),
    ("ec", "ECDHE-ECDSA-AES128-CCM8", ()),
    ("ed25519", "ECDHE-ECDSA-AES256-GCM-SHA384", ()),
    ("rsa", "ECDHE-RSA-AES128-GCM-SHA256", ("-groups", "P-384")),
    ("rsa", "ECDHE-RSA-AES128-GCM-SHA256", ("-groups", "X448")),
    ("rsa", "ECDHE-RSA-AES128-GCM-SHA256", ("-no_ticket",)),
]


@needs_openssl
@pytest.mark.parametrize(("kind", "cipher", "extra"), TLS12_CASES)
def test_openssl_tls12(pki: dict[str, Pki], kind: str, cipher: str, extra: tuple[str, ...]) -> None:
    cfg = config(tls12_suites=(_code(cipher),))
    with openssl_server(
        pki[kind], "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0", "-www", *extra
    ) as srv:
        res = run_client(srv.port, cfg, on_complete=_get, until=_until_closed)
    neg = res.complete.negotiated
    assert neg.version == P.TLS1_2
    assert neg.cipher_suite == _code(cipher)
    suite = S.BY_CODE[neg.cipher_suite]
    assert neg.encrypt_then_mac == (not suite.aead and "-no_etm" not in extra)
    assert neg.extended_master_secret and neg.secure_renegotiation
    if suite.dhe:
        assert neg.dh_bits == 2048
    assert b"HTTP/1.0 200 ok" in res.app_data
    session = res.complete.session
    if "-no_ticket" in extra:
        assert not res.client.session.ticket  # type: ignore[union-attr]
    else:
        assert session.ticket and len(session.session_id) == 32


@needs_openssl
@pytest.mark.parametrize(
    ("version", "cipher"), [("-tls1", "AES128-SHA"), ("-tls1_1", "AES256-SHA")]
)
def test_openssl_tls10_11_rsa(pki: dict[str, Pki], version: str, cipher: str) -> None:
    """OpenSSL 3.0's default client still completes TLS 1.0/1.1 with RSA key
    transport (no signature is involved), so sclient does too."""
    with openssl_server(pki["rsa"], version, "-cipher", cipher + ":@SECLEVEL=0", "-www") as srv:
        res = run_client(srv.port, config(), on_complete=_get, until=_until_closed)
    assert res.complete.negotiated.version == (P.TLS1_0 if version == "-tls1" else P.TLS1_1)
    assert b"HTTP/1.0 200 ok" in res.app_data


@needs_openssl
def test_openssl_tls11_ecdhe_fails_like_openssl(pki: dict[str, Pki]) -> None:
    with openssl_server(
        pki["rsa"], "-tls1_1", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0"
    ) as srv:
        res = run_client(srv.port, config())
    assert res.failure is not None
    assert res.failure.error.reason == "LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED"


@needs_openssl
def test_openssl_fragmenting_server(pki: dict[str, Pki]) -> None:
    with openssl_server(pki["rsa"], "-max_send_frag", "512", "-www") as srv:
        res = run_client(srv.port, config(), on_complete=_get, until=_until_closed)
    sizes = [
        len(e.raw) - 5 for e in res.of(ev.RecordReceived) if e.inner_type == P.APPLICATION_DATA
    ]
    assert sizes and max(sizes) <= 512 + 1 + 16
    assert b"HTTP/1.0 200 ok" in res.app_data


@needs_openssl
@pytest.mark.parametrize("request_update", [False, True])
def test_openssl_key_update_from_server(pki: dict[str, Pki], request_update: bool) -> None:
    with openssl_server(pki["rsa"]) as srv:
        state = {"sent": False}

        def until(r: object) -> bool:
            if not state["sent"] and len(r.of(ev.NewSessionTicket)) >= 2:  # type: ignore[attr-defined]
                srv.command(b"K\n" if request_update else b"k\n")
                state["sent"] = True
            return bool(r.of(evr.KeyUpdateReceived) or r.failure)  # type: ignore[attr-defined]

        res = run_client(srv.port, config(), until=until)
        assert res.of(evr.KeyUpdateReceived) == [evr.KeyUpdateReceived(request_update)]
        c = res.client
        assert c is not None
        sent_update = [
            e for e in res.events if isinstance(e, ev.HandshakeSent) and e.msg_type == 24
        ]
        assert len(sent_update) == int(request_update)
    assert res.failure is None


@needs_openssl
def test_openssl_key_update_ours_and_app_data(pki: dict[str, Pki]) -> None:
    with openssl_server(pki["rsa"], "-rev") as srv:

        def go(c: Client, s: object) -> list[ev.Event]:
            return c.key_update(True) + c.send(b"hello\n")

        res = run_client(
            srv.port, config(), on_complete=go, until=lambda r: b"olleh" in r.app_data or r.failure
        )
    assert b"olleh" in res.app_data
    assert res.of(evr.KeyUpdateReceived) == [evr.KeyUpdateReceived(False)]


@needs_openssl
def test_openssl_close_notify_both_ways(pki: dict[str, Pki]) -> None:
    with openssl_server(pki["rsa"], "-rev") as srv:
        res = run_client(
            srv.port, config(), on_complete=lambda c, s: c.close(), until=_until_closed
        )
    assert res.of(ev.ConnectionClosed)
    assert ev.AlertSent(1, 0) in res.events


@needs_openssl
@pytest.mark.parametrize("tls", ["-tls1_3", "-tls1_2"])
def test_openssl_keylog_and_exporter(pki: dict[str, Pki], tmp_path: Path, tls: str) -> None:
    keylog = tmp_path / "keys.log"
    with openssl_server(
        pki["rsa"],
        tls,
        "-keylogfile",
        str(keylog),
        "-keymatexport",
        "EXPERIMENTAL-sclient",
        "-keymatexportlen",
        "32",
    ) as srv:
        res = run_client(srv.port, config(), on_complete=lambda c, s: c.send(b"x"))
        exported = res.client.export_keying_material(b"EXPERIMENTAL-sclient", None, 32)  # type: ignore[union-attr]
        time.sleep(0.3)
        output = srv.close()
    ours = {(e.label, e.secret.hex()) for e in res.of(ev.KeylogSecret)}
    theirs = set()
    for line in keylog.read_text().splitlines():
        if line and not line.startswith("#"):
            label, _, secret = line.split()
            theirs.add((label, secret.lower()))
    assert ours == theirs
    if tls == "-tls1_3":
        assert [e.label for e in res.of(ev.KeylogSecret)] == [
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "EXPORTER_SECRET",
            "SERVER_TRAFFIC_SECRET_0",
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
        ]
    m = re.search(rb"Keying material: ([0-9A-F]+)", output)
    assert m, output[-500:]
    assert exported.hex().upper().encode() == m.group(1)


@needs_openssl
@pytest.mark.parametrize("tls", ["-tls1_3", "-tls1_2"])
def test_openssl_alpn(pki: dict[str, Pki], tls: str) -> None:
    with openssl_server(pki["rsa"], tls, "-alpn", "h2,http/1.1") as srv:
        res = run_client(srv.port, config(alpn=(b"http/1.1", b"h2")))
    assert res.complete.negotiated.alpn == b"h2"
    assert res.complete.session.alpn == b"h2"


@needs_openssl
@pytest.mark.parametrize("tls", ["-tls1_3", "-tls1_2"])
def test_openssl_sni(pki: dict[str, Pki], tls: str) -> None:
    ec = pki["ec"]
    with openssl_server(
        pki["rsa"], tls, "-servername", "localhost", "-cert2", str(ec.cert), "-key2", str(ec.key)
    ) as srv:
        res = run_client(srv.port, config(server_name="localhost"))
    neg = res.complete.negotiated
    assert neg.server_name_acked and neg.server_name_sent == "localhost"
    assert neg.peer_chain[0] == ec.der  # the certificate for that name


@needs_openssl
def test_openssl_certificate_request(pki: dict[str, Pki]) -> None:
    for tls in ("-tls1_3", "-tls1_2"):
        with openssl_server(pki["rsa"], tls, "-verify", "1", "-www") as srv:
            res = run_client(srv.port, config(), on_complete=_get, until=_until_closed)
        assert res.complete.negotiated.certificate_request is not None
        assert b"HTTP/1.0 200 ok" in res.app_data


@needs_openssl
def test_openssl_max_fragment_length(pki: dict[str, Pki]) -> None:
    with openssl_server(pki["rsa"], "-rev") as srv:
        res = run_client(
            srv.port,
            config(max_fragment_length=1),
            on_complete=lambda c, s: c.send(b"a" * 3000 + b"\n"),
            until=lambda r: len(r.app_data) >= 3000 or r.failure,
        )
    assert res.complete.negotiated.max_fragment_length == 1
    sent = [
        e for e in res.events if isinstance(e, ev.RecordSent) and e.inner_type == P.APPLICATION_DATA
    ]
    assert len(sent) == 6  # 3001 bytes in 512-byte fragments
    assert res.app_data.startswith(b"a" * 3000)


@needs_openssl
def test_openssl_hrr_cookie_stateless(pki: dict[str, Pki]) -> None:
    with openssl_server(pki["rsa"], "-stateless", "-groups", "P-256", "-www") as srv:
        res = run_client(srv.port, config(), on_complete=_get, until=_until_closed)
    assert res.complete.negotiated.hello_retry_request
    assert b"HTTP/1.0 200 ok" in res.app_data
