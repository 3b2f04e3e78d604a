"""Encrypted Client Hello (RFC 9849) against BoringSSL's ``bssl server``.

The server's ``-www`` page says which server name it saw and whether it
decrypted the ClientHello (``Encrypted ClientHello: yes``); a recording relay
shows what the outer ClientHello carried on the wire. Accepted, rejected with
a stale config (retry_configs shown, then ``-ech_retry`` succeeds with them),
accepted and rejected after a HelloRetryRequest, and GREASE.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.bsslpeer import PUBLIC_NAME, SECRET_NAME, BsslServer, EchKeys, make_cert, workdir
from support.jsondoc import sclient_json
from support.peers import Relay
from support.procs import Result, run_sclient

pytestmark = pytest.mark.interop

GET = b"GET / HTTP/1.0\r\n\r\n"
ECH_EXT = 0xFE0D


class Setup:
    def __init__(self) -> None:
        self.dir: Path = workdir()
        self.cert, self.key = make_cert(self.dir)
        self.good = EchKeys(self.dir, 1)  # the server's key
        self.stale = EchKeys(self.dir, 2)  # a config whose key the server lacks


@pytest.fixture(scope="module")
def setup() -> Setup:
    return Setup()


@pytest.fixture(scope="module")
def server(setup: Setup) -> Iterator[BsslServer]:
    with BsslServer(setup.good, setup.cert, setup.key) as s:
        yield s


@pytest.fixture(scope="module")
def hrr_server(setup: Setup) -> Iterator[BsslServer]:
    # Only P-256: sclient's X25519 key share draws a HelloRetryRequest.
    with BsslServer(setup.good, setup.cert, setup.key, ["-curves", "P-256"]) as s:
        yield s


def _sclient(setup: Setup, connect: str, *extra: str) -> Result:
    return run_sclient(
        [
            "-connect",
            connect,
            "-servername",
            SECRET_NAME,
            "-CAfile",
            str(setup.cert),
            "-verify_return_error",
            "-ign_eof",
            "-ignore_unexpected_eof",
            *extra,
        ],
        stdin=GET,
    )


def _client_hello_extensions(wire: bytes) -> dict[int, bytes]:
    """The extensions of the first ClientHello in ``wire`` (an independent parse)."""
    assert wire[0] == 0x16, wire[:5].hex()
    (rec_len,) = struct.unpack(">H", wire[3:5])
    hs = wire[5 : 5 + rec_len]
    assert hs[0] == 1
    p = 4 + 2 + 32
    p += 1 + hs[p]  # session id
    (n,) = struct.unpack(">H", hs[p : p + 2])
    p += 2 + n  # suites
    p += 1 + hs[p]  # compression
    (total,) = struct.unpack(">H", hs[p : p + 2])
    p += 2
    end = p + total
    out: dict[int, bytes] = {}
    while p < end:
        t, n = struct.unpack(">HH", hs[p : p + 4])
        out[t] = hs[p + 4 : p + 4 + n]
        p += 4 + n
    return out


def _sni(body: bytes) -> str:
    # server_name_list: u16 length, type 0, u16 length, name
    (n,) = struct.unpack(">H", body[3:5])
    return body[5 : 5 + n].decode()


def test_ech_accepted_the_server_sees_the_inner_name_the_wire_the_public_name(
    setup: Setup, server: BsslServer
) -> None:
    with Relay(server.port, upstream_host="::1") as relay:
        r = _sclient(setup, f"127.0.0.1:{relay.port}", "-ech_config_list", setup.good.b64)
    assert r.rc == 0, r.stderr
    assert "Client sent SNI: secret.example" in r.stdout
    assert "Encrypted ClientHello: yes" in r.stdout
    assert f"ECH: success: outer SNI: '{PUBLIC_NAME}', inner SNI: '{SECRET_NAME}'\n" in r.stdout
    wire = bytes(relay.client_bytes[0])
    exts = _client_hello_extensions(wire)
    assert _sni(exts[0]) == PUBLIC_NAME
    assert exts[ECH_EXT][0] == 0  # ECHClientHello type outer
    assert exts[ECH_EXT][5] == 1  # config_id of the server's config
    assert SECRET_NAME.encode() not in wire  # nowhere in clear


def test_ech_rejected_shows_the_retry_configs_and_aborts_with_ech_required(
    setup: Setup, server: BsslServer
) -> None:
    r = _sclient(setup, server.connect, "-ech_config_list", setup.stale.b64, "-msg")
    assert r.rc == 1
    assert ":error:0A0001A8:SSL routines:" in r.stderr and ":ech required:" in r.stderr
    assert "Alert [length 0002], fatal ech_required" in r.stdout
    assert "Client sent SNI" not in r.stdout  # no application data
    retry = setup.good.config_list.read_bytes()
    hexed = "".join(f"{b:02x}:" for b in retry)
    lines = r.stdout.split("ECH: tried, failed and got ECH in return\n", 1)[1].splitlines()
    shown = "".join(line.strip() for line in lines[: (len(retry) + 15) // 16])
    assert shown == hexed


def test_ech_rejected_json_gives_the_retry_configs_as_base64(
    setup: Setup, server: BsslServer
) -> None:
    r = _sclient(setup, server.connect, "-ech_config_list", setup.stale.b64, "-json")
    doc = sclient_json(r.stdout)
    assert doc["exit_status"] == 1
    ech = doc["ech"]
    assert ech["status"] == "failed_retry_configs"
    assert ech["retry_configs"] == setup.good.b64
    assert ech["config_id"] == 2 and ech["public_name"] == PUBLIC_NAME
    assert ech["outer_sni"] == PUBLIC_NAME and ech["inner_sni"] == SECRET_NAME
    assert doc["error"]["alert"] == {"code": 121, "name": "ech_required"}


def test_ech_retry_connects_again_with_the_retry_configs(setup: Setup, server: BsslServer) -> None:
    r = _sclient(setup, server.connect, "-ech_config_list", setup.stale.b64, "-ech_retry")
    assert r.rc == 0, r.stderr
    assert "ECH: retrying with the server's retry_configs\n" in r.stderr
    assert r.stdout.count("CONNECTED(") == 2
    assert "ECH: tried, failed and got ECH in return" in r.stdout
    assert "Encrypted ClientHello: yes" in r.stdout
    assert "Client sent SNI: secret.example" in r.stdout


@pytest.mark.parametrize("good", [True, False], ids=["accepted", "rejected"])
def test_ech_after_a_hello_retry_request(setup: Setup, hrr_server: BsslServer, good: bool) -> None:
    keys = setup.good if good else setup.stale
    r = _sclient(setup, hrr_server.connect, "-ech_config_list", keys.b64, "-json")
    doc = sclient_json(r.stdout)
    assert doc["ech"]["hello_retry_request"] is True
    if good:
        assert doc["exit_status"] == 0
        assert doc["hello_retry_request"] is True
        assert doc["group"] == "secp256r1"
        assert doc["ech"]["status"] == "success"
    else:
        assert doc["exit_status"] == 1
        assert doc["ech"]["status"] == "failed_retry_configs"


def test_ech_hello_retry_request_page(setup: Setup, hrr_server: BsslServer) -> None:
    r = _sclient(setup, hrr_server.connect, "-ech_config_list", setup.good.b64)
    assert r.rc == 0, r.stderr
    assert "Encrypted ClientHello: yes" in r.stdout
    assert "Client sent SNI: secret.example" in r.stdout


def test_ech_grease_is_sent_and_the_handshake_completes(setup: Setup, server: BsslServer) -> None:
    with Relay(server.port, upstream_host="::1") as relay:
        r = _sclient(setup, f"127.0.0.1:{relay.port}", "-ech_grease")
    assert r.rc == 0, r.stderr
    assert "Encrypted ClientHello: no" in r.stdout
    assert "Client sent SNI: secret.example" in r.stdout
    assert "ECH: only greasing, and got ECH in return" in r.stdout
    exts = _client_hello_extensions(bytes(relay.client_bytes[0]))
    assert exts[ECH_EXT][0] == 0 and _sni(exts[0]) == SECRET_NAME


def test_ech_outer_sni_override(setup: Setup, server: BsslServer) -> None:
    with Relay(server.port, upstream_host="::1") as relay:
        r = _sclient(
            setup,
            f"127.0.0.1:{relay.port}",
            "-ech_config_list",
            setup.good.b64,
            "-ech_outer_sni",
            "localhost",
        )
    assert r.rc == 0, r.stderr
    assert "ECH: success: outer SNI: 'localhost', inner SNI: 'secret.example'" in r.stdout
    assert _sni(_client_hello_extensions(bytes(relay.client_bytes[0]))[0]) == "localhost"


def test_no_ech_option_no_ech_extension(setup: Setup, server: BsslServer) -> None:
    with Relay(server.port, upstream_host="::1") as relay:
        r = _sclient(setup, f"127.0.0.1:{relay.port}")
    assert r.rc == 0, r.stderr
    assert "ECH:" not in r.stdout
    assert ECH_EXT not in _client_hello_extensions(bytes(relay.client_bytes[0]))


def test_config_list_is_base64_of_the_wire_form(setup: Setup) -> None:
    raw = base64.b64decode(setup.good.b64)
    assert struct.unpack(">H", raw[:2])[0] == len(raw) - 2
    assert raw[2:4] == b"\xfe\x0d"


def test_ech_no_outer_sni_and_outer_alpn(setup: Setup, server: BsslServer) -> None:
    with Relay(server.port, upstream_host="::1") as relay:
        r = _sclient(
            setup,
            f"127.0.0.1:{relay.port}",
            "-ech_config_list",
            setup.good.b64,
            "-ech_no_outer_sni",
            "-ech_outer_alpn",
            "h2,http/1.1",
        )
    assert r.rc == 0, r.stderr
    assert "ECH: success: outer SNI: 'none', inner SNI: 'secret.example'" in r.stdout
    assert "Encrypted ClientHello: yes" in r.stdout
    exts = _client_hello_extensions(bytes(relay.client_bytes[0]))
    assert 0 not in exts
    assert exts[16] == b"\x00\x0c\x02h2\x08http/1.1"
    # The inner ClientHello offered no ALPN: none was negotiated.
    assert "No ALPN negotiated" in r.stdout


def test_ech_resumes_a_session_inside_the_encrypted_hello(setup: Setup, server: BsslServer) -> None:
    sess = setup.dir / "session.pem"
    first = _sclient(
        setup, server.connect, "-ech_config_list", setup.good.b64, "-sess_out", str(sess)
    )
    assert first.rc == 0, first.stderr
    assert sess.exists()
    with Relay(server.port, upstream_host="::1") as relay:
        r = _sclient(
            setup,
            f"127.0.0.1:{relay.port}",
            "-ech_config_list",
            setup.good.b64,
            "-sess_in",
            str(sess),
        )
    assert r.rc == 0, r.stderr
    assert "Reused, TLSv1.3" in r.stdout
    assert "Resumed session: yes" in r.stdout and "Encrypted ClientHello: yes" in r.stdout
    # The ticket travels in the inner ClientHello only.
    exts = _client_hello_extensions(bytes(relay.client_bytes[0]))
    assert 41 not in exts and ECH_EXT in exts


@pytest.mark.parametrize("good", [True, False], ids=["accepted", "rejected"])
def test_a_rejecting_server_is_authenticated_for_the_public_name(setup: Setup, good: bool) -> None:
    """RFC 9849 §6.1.7: the outer handshake is checked against the public
    name. The certificate here names only the secret name, so -verify_hostname
    secret.example passes when ECH is accepted and fails when it is rejected."""
    cert, key = make_cert(setup.dir, ("localhost", SECRET_NAME), stem="secret-only-")
    keys = setup.good if good else setup.stale
    with BsslServer(setup.good, cert, key) as srv:
        r = run_sclient(
            [
                "-connect",
                srv.connect,
                "-servername",
                SECRET_NAME,
                "-CAfile",
                str(cert),
                "-verify_hostname",
                SECRET_NAME,
                "-ech_config_list",
                keys.b64,
                "-ignore_unexpected_eof",
            ],
            stdin=GET,
        )
    if good:
        assert r.rc == 0, r.stderr
        assert "Verify return code: 0 (ok)" in r.stdout
        assert "ECH: success" in r.stdout
    else:
        assert r.rc == 1
        assert "verify error:num=62:hostname mismatch" in r.stderr
        assert "Verify return code: 62 (hostname mismatch)" in r.stdout
        assert ":ech required:" in r.stderr


def test_ech_retry_json_is_one_document_with_both_connections(
    setup: Setup, server: BsslServer
) -> None:
    r = _sclient(setup, server.connect, "-ech_config_list", setup.stale.b64, "-ech_retry", "-json")
    doc = sclient_json(r.stdout)
    assert doc["exit_status"] == 0
    first, second = doc["connections"]
    assert first["ech"]["status"] == "failed_retry_configs"
    assert first["error"]["reason"] == "ECH_REQUIRED"
    assert second["ech"]["status"] == "success" and second["ech"]["config_id"] == 1
    assert second["ech"]["config"] is not None
    assert doc["ech"] == second["ech"] and doc["error"] is None


def test_ech_trace_shows_the_outer_extension_and_the_retry_configs(
    setup: Setup, server: BsslServer
) -> None:
    r = _sclient(setup, server.connect, "-ech_config_list", setup.stale.b64, "-trace")
    out = r.stdout
    hello = out.split("ClientHello", 1)[1].split("ServerHello", 1)[0]
    assert "extension_type=encrypted_client_hello(65037)" in hello
    # server_name_list of one host_name: 2 + 1 + 2 + len("public.example")
    assert "extension_type=server_name(0), length=19" in hello and ".....public.exa" in hello
    ee = out.split("EncryptedExtensions", 1)[1].split("Certificate", 1)[0]
    n = len(setup.good.config_list.read_bytes())
    assert f"extension_type=encrypted_client_hello(65037), length={n}" in ee
    assert "Level=fatal(2), description=ech required(121)" in out
