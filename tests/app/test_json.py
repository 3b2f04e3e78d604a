"""``-json`` tells the truth (docs/json.md): it switches off text only, and each
fact in the document is what happened, checked against ``openssl`` itself
(``openssl s_client -sess_in``, ``openssl x509``) and real ``openssl s_server``
peers on loopback."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from support.jsondoc import sclient_json
from support.peers import OpenSSLServer
from support.pki import PKI
from support.procs import (
    Result,
    assert_clean_stderr,
    run_openssl_s_client,
    run_sclient,
    start_sclient,
)

HOST = "127.0.0.1"


def _json(args: Sequence[str], stdin: bytes = b"") -> tuple[Result, dict]:  # type: ignore[type-arg]
    res = run_sclient([*args, "-json"], stdin=stdin)
    assert_clean_stderr(res.stderr)
    return res, sclient_json(res.stdout)


def _openssl(*args: str) -> str:
    return subprocess.run(
        ["openssl", *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


@pytest.fixture(scope="module")
def server(pki: PKI) -> Iterator[OpenSSLServer]:
    with OpenSSLServer(pki["rsa"]) as srv:
        yield srv


# --- 1. -json switches off text only: sessions -----------------------------------------


def test_sess_out_written_in_json_mode(server: OpenSSLServer, tmp_path: Path) -> None:
    sess = tmp_path / "s.pem"
    p = start_sclient(
        ["-connect", f"{HOST}:{server.port}", "-tls1_3", "-sess_out", str(sess), "-json"]
    )
    with p:
        time.sleep(2.0)  # the TLS 1.3 tickets come after our Finished
        res = p.finish()
    assert_clean_stderr(res.stderr)
    doc = sclient_json(res.stdout)
    assert res.rc == 0 and doc["protocol"] == "TLSv1.3" and len(doc["tickets"]) == 2
    assert sess.read_text().startswith("-----BEGIN SSL SESSION PARAMETERS-----\n")
    ref = run_openssl_s_client(["-connect", f"{HOST}:{server.port}", "-sess_in", str(sess)])
    assert ref.rc == 0, ref.stderr
    assert "\nReused, TLSv1.3, Cipher is " in ref.stdout


def test_reconnect_resumes_in_json_mode(server: OpenSSLServer) -> None:
    res, doc = _json(["-connect", f"{HOST}:{server.port}", "-reconnect"])
    assert res.rc == 0
    conns = doc["connections"]
    assert len(conns) == 6
    assert [c["resumed"] for c in conns] == [False] + [True] * 5
    assert all(c["handshake_complete"] and c["protocol"] == "TLSv1.3" for c in conns)


# --- 2. certificate dates ----------------------------------------------------------------


def _openssl_date(text: str) -> str:
    when = dt.datetime.strptime(text.replace("  ", " "), "%b %d %H:%M:%S %Y GMT")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_certificate_dates_are_iso_8601_utc(server: OpenSSLServer, pki: PKI) -> None:
    _res, doc = _json(["-connect", f"{HOST}:{server.port}"])
    chain = doc["certificate_chain"]
    assert len(chain) == 2
    for cert, path in zip(chain, (pki["rsa"].leaf, pki["rsa"].chain), strict=True):
        dates = dict(
            line.split("=", 1)
            for line in _openssl("x509", "-in", str(path), "-noout", "-dates").splitlines()
        )
        for key, field in (("notBefore", "not_before"), ("notAfter", "not_after")):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cert[field]), cert[field]
            assert cert[field] == _openssl_date(dates[key])


# --- 3. verification: what was verified ---------------------------------------------------


def test_nothing_verified_on_a_refused_connection() -> None:
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    res, doc = _json(["-connect", f"{HOST}:{port}"])
    assert res.rc == 1
    v = doc["verification"]
    assert v == {
        "performed": False,
        "source": None,
        "code": None,
        "text": None,
        "peername": None,
        "depths": [],
    }


def test_nothing_verified_on_a_missing_unix_socket(tmp_path: Path) -> None:
    res, doc = _json(["-unix", str(tmp_path / "nothing-here")])
    assert res.rc == 1
    assert doc["verification"]["performed"] is False and doc["verification"]["code"] is None
    assert doc["error"] is not None


def _text_verify_codes(stdout: str) -> list[int]:
    return [int(m) for m in re.findall(r"^\s*Verify return code: (\d+) ", stdout, re.M)]


def test_resumed_verification_matches_the_text(server: OpenSSLServer) -> None:
    """No chain on resumption: the code is the session's, as the text shows it."""
    args = ["-connect", f"{HOST}:{server.port}", "-reconnect", "-tls1_2"]
    text = run_sclient(args)
    assert text.rc == 0
    codes = _text_verify_codes(text.stdout)
    _res, doc = _json(args)
    conns = doc["connections"]
    assert [c["verification"]["code"] for c in conns] == codes[: len(conns)]
    assert codes[0] == 20  # no -CAfile: unable to get local issuer certificate
    first, later = conns[0]["verification"], conns[1:]
    assert first["performed"] is True and first["source"] == "chain" and first["depths"]
    for c in later:
        assert c["resumed"] is True
        assert c["verification"]["performed"] is False
        assert c["verification"]["source"] == "session"
        assert c["verification"]["code"] == 20
        assert c["verification"]["text"] == "unable to get local issuer certificate"
    assert doc["verification"] == conns[-1]["verification"]


# --- 4. every failure that exits 1 carries an error -------------------------------------


class _OneShot:
    """A TCP server that answers the first bytes it gets with ``reply`` and closes."""

    def __init__(self, reply: bytes) -> None:
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.settimeout(10)
            try:
                conn.recv(4096)
                conn.sendall(self.reply)
            except OSError:
                pass
        self.sock.close()


def test_error_on_proxy_refusal() -> None:
    proxy = _OneShot(b"HTTP/1.0 403 Forbidden\r\n\r\n")
    res, doc = _json(["-connect", "example.invalid:443", "-proxy", f"{HOST}:{proxy.port}"])
    assert res.rc == 1 and doc["exit_status"] == 1
    err = doc["error"]
    assert err is not None and err["stage"] == "proxy"
    assert err["text"] == res.stderr.strip().splitlines()[-1]
    assert "CONNECT" in err["text"]


def test_error_on_starttls_refusal() -> None:
    srv = _OneShot(b"N")
    res, doc = _json(["-connect", f"{HOST}:{srv.port}", "-starttls", "postgres"])
    assert res.rc == 1
    assert doc["error"] is not None and doc["error"]["stage"] == "starttls"
    assert doc["error"]["text"]


def test_error_on_verify_return_error(server: OpenSSLServer) -> None:
    res, doc = _json(["-connect", f"{HOST}:{server.port}", "-verify_return_error"])
    assert res.rc == 1
    err = doc["error"]
    assert err is not None and err["stage"] == "handshake" and err["lines"]
    assert doc["verification"]["code"] == 20 and doc["verification"]["performed"] is True


def test_error_on_a_refused_command(server: OpenSSLServer) -> None:
    """``R`` on TLS 1.3 (no renegotiation there) ends with status 1."""
    res, doc = _json(["-connect", f"{HOST}:{server.port}", "-tls1_3"], stdin=b"R\n")
    assert res.rc == 1
    assert doc["error"] is not None and doc["error"]["stage"] == "session"
    assert doc["error"]["text"] == "wrong ssl version"


def test_error_on_a_reset_during_the_handshake() -> None:
    """The server resets the connection after the ClientHello: s_client prints
    ``write:errno=104`` (no error-queue line) and exits 1."""
    lst = socket.socket()
    lst.bind((HOST, 0))
    lst.listen(1)

    def serve() -> None:
        conn, _ = lst.accept()
        conn.recv(4096)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        lst.close()

    threading.Thread(target=serve, daemon=True).start()
    res, doc = _json(["-connect", f"{HOST}:{lst.getsockname()[1]}"])
    assert res.rc == 1
    assert "write:errno=104" in res.stderr
    assert doc["error"] == {
        "stage": "handshake",
        "reason": None,
        "text": "write:errno=104",
        "alert": None,
        "lines": [],
    }


def test_error_when_the_run_fails_before_connecting(server: OpenSSLServer, tmp_path: Path) -> None:
    """An unreadable -CAfile ends the run before the connect: still one document."""
    res, doc = _json(["-connect", f"{HOST}:{server.port}", "-CAfile", str(tmp_path / "none.pem")])
    assert res.rc == 1 and doc["exit_status"] == 1
    assert doc["connected"] is False and doc["connections"][0]["connected"] is False
    err = doc["error"]
    assert err["stage"] == "setup" and err["text"] == "system lib"
    queue = [ln for ln in res.stderr.splitlines() if ":error:" in ln]
    assert [ln.split(":", 1)[1] for ln in err["lines"]] == [ln.split(":", 1)[1] for ln in queue]
    assert doc["target"] == {"host": HOST, "port": str(server.port), "unix": None, "proxy": None}


def test_every_exit_1_carries_an_error(server: OpenSSLServer, tmp_path: Path) -> None:
    s = socket.socket()
    s.bind((HOST, 0))
    closed = s.getsockname()[1]
    s.close()
    runs = [
        ["-connect", f"{HOST}:{closed}"],
        ["-connect", f"{HOST}:{server.port}", "-CAfile", str(tmp_path / "none.pem")],
        ["-connect", f"{HOST}:{server.port}", "-verify_return_error"],
        ["-connect", f"{HOST}:{server.port}", "-tls1_2"],
    ]
    for args in runs:
        res, doc = _json(args, stdin=b"R\n")
        if res.rc != 0:
            assert doc["error"] is not None, args


# --- 5. -reconnect: one entry per connection --------------------------------------------


def test_reconnect_one_entry_per_connection(server: OpenSSLServer) -> None:
    res, doc = _json(["-connect", f"{HOST}:{server.port}", "-reconnect", "-tls1_3"])
    assert res.rc == 0
    conns = doc["connections"]
    assert len(conns) == 6
    first = conns[0]
    assert len(first["certificate_chain"]) == 2 and first["verification"]["performed"]
    assert len(first["tickets"]) == 2  # s_server sends two after a full handshake
    for i, c in enumerate(conns[1:], 1):
        # before each reconnection sclient reads the server's tickets; the last
        # connection ends at stdin's EOF, maybe before its ticket arrived
        assert c["certificate_chain"] == [] and len(c["tickets"]) in ({1} if i < 5 else {0, 1})
        assert c["session"] is not None and c["bytes"]["read"] < first["bytes"]["read"]
    # the top level is the last connection
    last = conns[-1]
    for key in ("protocol", "cipher", "resumed", "session", "bytes", "tickets", "verification"):
        assert doc[key] == last[key], key
    assert doc["timing_ms"]["connect"] == last["timing_ms"]["connect"]
    assert sum(len(c["tickets"]) for c in conns) == 6 + len(last["tickets"])


def test_single_connection_has_one_entry(server: OpenSSLServer) -> None:
    _res, doc = _json(["-connect", f"{HOST}:{server.port}"])
    assert len(doc["connections"]) == 1
    only = doc["connections"][0]
    assert {k: doc[k] for k in only if k != "timing_ms"} == {
        k: v for k, v in only.items() if k != "timing_ms"
    }


# --- 6. timing_ms.connect: from the connect attempt ----------------------------------


def test_connect_time_counts_from_the_connect_attempt(server: OpenSSLServer) -> None:
    _res, doc = _json(["-connect", f"localhost:{server.port}", "-reconnect"])
    # the last connect did not count the five connections made before it
    assert doc["timing_ms"]["connect"] < doc["timing_ms"]["total"] / 2
    conns = doc["connections"]
    for c in conns:
        t = c["timing_ms"]
        assert 0 <= t["connect"] <= t["total"]
        assert t["connect"] + t["handshake"] <= t["total"] + 0.01
    assert doc["timing_ms"]["connect"] == conns[-1]["timing_ms"]["connect"]
    assert doc["timing_ms"]["connect"] < conns[0]["timing_ms"]["total"]
    assert doc["timing_ms"]["total"] >= sum(c["timing_ms"]["total"] for c in conns)


# --- 7. client_authentication.accepted in TLS 1.3 ----------------------------------------


@pytest.fixture(scope="module")
def client_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("client")
    cert, key = d / "client.pem", d / "client.key"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-subj", "/CN=sclient test client",
        "-days", "30", "-addext", "extendedKeyUsage=clientAuth",
    )  # fmt: skip
    return cert, key


def _client_auth_run(
    srv: OpenSSLServer,
    cert: tuple[Path, Path],
    wait: float,
    server_says: bytes = b"",
    ticket_file: Path | None = None,
) -> dict:  # type: ignore[type-arg]
    """One -json run with a client certificate; with ``ticket_file``, it waits (up
    to 30 s) for the server's ticket to be saved there rather than ``wait`` seconds."""
    extra = ["-sess_out", str(ticket_file)] if ticket_file is not None else []
    p = start_sclient(
        [
            "-connect",
            f"{HOST}:{srv.port}",
            "-tls1_3",
            "-cert",
            str(cert[0]),
            "-key",
            str(cert[1]),
            "-json",
            *extra,
        ]
    )
    with p:
        if ticket_file is not None:
            deadline = time.monotonic() + 30
            while not ticket_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        else:
            time.sleep(wait)
        if server_says:
            srv.write(server_says)
            time.sleep(wait)
        res = p.finish()
    assert_clean_stderr(res.stderr)
    doc = sclient_json(res.stdout)
    assert doc["client_authentication"]["sent"]["certificates"] == ["CN = sclient test client"]
    return doc


def test_client_auth_unknown_until_the_server_shows_it(client_cert: tuple[Path, Path]) -> None:
    """TLS 1.3: our Finished ends our handshake; nothing came back yet."""
    args = ["-Verify", "1", "-CAfile", str(client_cert[0]), "-num_tickets", "0"]
    with OpenSSLServer(None, args, cert_args=_server_cert_args()) as srv:
        doc = _client_auth_run(srv, client_cert, 0.0)
    assert doc["handshake_complete"] is True
    assert doc["client_authentication"]["accepted"] is None


def test_client_auth_accepted_once_data_arrives(client_cert: tuple[Path, Path]) -> None:
    args = ["-Verify", "1", "-CAfile", str(client_cert[0]), "-num_tickets", "0"]
    with OpenSSLServer(None, args, cert_args=_server_cert_args()) as srv:
        doc = _client_auth_run(srv, client_cert, 2.0, server_says=b"hello\n")
    assert doc["client_authentication"]["accepted"] is True
    assert doc["bytes"]["read"] > doc["bytes"]["handshake_read"]


def test_client_auth_accepted_once_a_ticket_arrives(
    client_cert: tuple[Path, Path], tmp_path: Path
) -> None:
    args = ["-Verify", "1", "-CAfile", str(client_cert[0])]
    with OpenSSLServer(None, args, cert_args=_server_cert_args()) as srv:
        doc = _client_auth_run(srv, client_cert, 0, ticket_file=tmp_path / "sess.pem")
    assert doc["tickets"] and doc["client_authentication"]["accepted"] is True


def test_client_auth_rejected(client_cert: tuple[Path, Path], pki: PKI) -> None:
    args = ["-Verify", "1", "-verify_return_error", "-CAfile", str(pki["rsa"].root)]
    with OpenSSLServer(None, args, cert_args=_server_cert_args()) as srv:
        doc = _client_auth_run(srv, client_cert, 3.0)
    assert doc["client_authentication"]["accepted"] is False
    assert doc["error"] is not None and doc["error"]["alert"] is not None


_SERVER: dict[str, Path] = {}


def _server_cert_args() -> list[str]:
    return ["-cert", str(_SERVER["cert"]), "-key", str(_SERVER["key"])]


@pytest.fixture(scope="module", autouse=True)
def _rich_server_cert(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A self-signed server certificate with every extension item 8 reports."""
    d = tmp_path_factory.mktemp("rich")
    cert, key = d / "server.pem", d / "server.key"
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
        "-subj", "/CN=localhost", "-days", "30", "-set_serial", "0x00ff0a",
        "-addext", "subjectAltName=DNS:localhost,DNS:*.example.test,IP:127.0.0.1,IP:::1,"
        "email:ops@example.test,URI:https://example.test/id",
        "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement",
        "-addext", "extendedKeyUsage=serverAuth,clientAuth,1.2.3.4",
        "-addext", "authorityInfoAccess=OCSP;URI:http://ocsp.example.test,"
        "caIssuers;URI:http://ca.example.test/ca.crt",
        "-addext", "crlDistributionPoints=URI:http://crl.example.test/a.crl,"
        "URI:ldap://crl.example.test/b",
    )  # fmt: skip
    _SERVER["cert"], _SERVER["key"] = cert, key


# --- 8. what people pipe openssl x509 for -------------------------------------------------


def _x509_text(path: Path) -> str:
    return _openssl("x509", "-in", str(path), "-noout", "-text")


def _after(text: str, header: str) -> str:
    m = re.search(rf"^\s*{re.escape(header)}:.*\n\s*(.+)$", text, re.M)
    assert m, header
    return m.group(1).strip()


def test_certificate_facts_match_openssl_x509() -> None:
    cert_path = _SERVER["cert"]
    with OpenSSLServer(None, cert_args=_server_cert_args()) as srv:
        before = time.time()
        _res, doc = _json(["-connect", f"{HOST}:{srv.port}", "-verify_hostname", "localhost"])
        after = time.time()
    (c,) = doc["certificate_chain"]
    text = _x509_text(cert_path)
    # serial: as `openssl x509 -serial`
    assert c["serial"] == _openssl("x509", "-in", str(cert_path), "-noout", "-serial").strip()[7:]
    assert c["serial"] == "FF0A"
    # subject alternative names, in order
    sans = []
    for item in _after(text, "X509v3 Subject Alternative Name").split(", "):
        kind, value = item.split(":", 1)
        kind = {"IP Address": "IP"}.get(kind, kind)
        if kind == "IP":
            value = str(ipaddress.ip_address(value))
        sans.append({"type": kind, "value": value})
    assert c["subject_alt_names"] == sans
    assert {s["type"] for s in sans} == {"DNS", "IP", "email", "URI"}
    assert c["key_usage"] == _after(text, "X509v3 Key Usage").split(", ")
    assert c["extended_key_usage"] == _after(text, "X509v3 Extended Key Usage").split(", ")
    assert c["extended_key_usage"][-1] == "1.2.3.4"
    assert c["ocsp_urls"] == re.findall(r"OCSP - URI:(\S+)", text)
    assert c["ca_issuers_urls"] == re.findall(r"CA Issuers - URI:(\S+)", text)
    crl = text[text.index("X509v3 CRL Distribution Points") :]
    crl = crl[: crl.index("X509v3 Key Usage") if "X509v3 Key Usage" in crl else len(crl)]
    assert c["crl_distribution_points"] == re.findall(r"URI:(\S+)", crl)
    assert len(c["crl_distribution_points"]) == 2
    # days until expiry, relative to the run's clock
    end = _openssl("x509", "-in", str(cert_path), "-noout", "-enddate").strip().split("=", 1)[1]
    not_after = dt.datetime.strptime(end.replace("  ", " "), "%b %d %H:%M:%S %Y GMT")
    expiry = not_after.replace(tzinfo=dt.UTC).timestamp()
    assert c["days_until_expiry"] in {int((expiry - t) // 86400) for t in (before, after)}
    assert c["days_until_expiry"] == 29
    # the host name check
    assert doc["host_check"] == {"hostname": "localhost", "ip": None, "email": None}
    assert doc["verification"]["peername"] == "localhost"


def test_certificate_without_extensions_and_expired(tmp_path: Path) -> None:
    cert, key = tmp_path / "old.pem", tmp_path / "old.key"
    _old_cert(cert, key)
    with OpenSSLServer(None, cert_args=["-cert", str(cert), "-key", str(key)]) as srv:
        _res, doc = _json(["-connect", f"{HOST}:{srv.port}", "-verify_ip", "127.0.0.1"])
    (c,) = doc["certificate_chain"]
    assert c["serial"] == "01"
    assert c["subject_alt_names"] == [] and c["key_usage"] is None
    assert c["extended_key_usage"] is None and c["ocsp_urls"] == []
    assert c["days_until_expiry"] < -300
    assert doc["host_check"] == {"hostname": None, "ip": "127.0.0.1", "email": None}


def _old_cert(cert: Path, key: Path) -> None:
    """A certificate that expired in 2020, with no extensions (made with cryptography:
    ``openssl req`` 3.0 cannot set past dates)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    k = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old")])
    c = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(k.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2020, 3, 1, tzinfo=dt.UTC))
        .sign(k, hashes.SHA256())
    )
    cert.write_bytes(c.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        k.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_undecodable_extensions_give_empty_facts() -> None:
    """Two subjectAltName extensions (the second spliced over a subjectKeyIdentifier):
    cryptography refuses to decode them; the facts stay empty, nothing raises."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    from sclient.report.certs import extension_facts
    from sclient.x509.cert import Certificate

    k = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dup")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(k.public_key())
        .serial_number(5)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("a.test")]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
        .sign(k, hashes.SHA256())
    )
    der = cert.public_bytes(Encoding.DER)
    ski, san = bytes.fromhex("0603551d0e"), bytes.fromhex("0603551d11")
    assert der.count(ski) == 1
    facts = extension_facts(Certificate(der.replace(ski, san)))
    assert facts["serial"] == "05" and facts["subject_alt_names"] == []
    assert extension_facts(Certificate(der))["subject_alt_names"] == [
        {"type": "DNS", "value": "a.test"}
    ]


# --- application data never reaches stdout under -json -----------------------------------


def test_application_data_is_counted_not_printed(server: OpenSSLServer) -> None:
    p = start_sclient(["-connect", f"{HOST}:{server.port}", "-json"])
    with p:
        time.sleep(1.0)
        server.write(b"data the server sends\n")
        time.sleep(0.5)
        res = p.finish()
    doc = sclient_json(res.stdout)
    assert doc["bytes"]["read"] > doc["bytes"]["handshake_read"]
