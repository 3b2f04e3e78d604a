"""``-explain``: each diagnosis against a server that produces the situation.

Every case runs sclient with ``-explain -json`` against a real peer on
loopback (``openssl s_server`` with a PKI minted for the case, the real
STARTTLS servers of ``support.realpeers`` spoken to without ``-starttls``, a
socket nothing listens on) and asserts the code and that the finding and the
evidence name the facts (the issuer, the names, the dates, the alert, the
bytes). The stderr block is checked to carry the same entries, and the output
before it to be openssl's (the comparison at the end).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import struct
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from golden.test_golden_exts import compare
from golden.test_golden_msg_state import run_client
from support.jsondoc import sclient_json
from support.peers import OpenSSLServer, refused_port
from support.pki import LOCALHOST_SANS, PKI
from support.procs import Result, assert_clean_stderr, run_sclient, sclient_cmd

HOST = "127.0.0.1"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- material ------------------------------------------------------------------------


def _write_key(path: Path, key: Any) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def mint(
    pki: PKI,
    d: Path,
    name: str,
    *,
    cn: str = "localhost",
    sans: Sequence[x509.GeneralName] = tuple(LOCALHOST_SANS),
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    aia: str | None = None,
    bits: int = 2048,
    sha1: bool = False,
    self_signed: bool = False,
) -> tuple[Path, Path, x509.Certificate]:
    """A leaf issued by the RSA chain's intermediate (or self-signed): its
    certificate and key files, and the certificate."""
    chain = pki["rsa"]
    inter = x509.load_pem_x509_certificate(chain.chain.read_bytes())
    int_key = serialization.load_pem_private_key(chain.int_key.read_bytes(), None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sclient explain"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )
    issuer, signer = (subject, key) if self_signed else (inter.subject, int_key)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - dt.timedelta(days=1))
        .not_valid_after(not_after or NOW + dt.timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    if aia:
        b = b.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(aia),
                    )
                ]
            ),
            critical=False,
        )
    cert = b.sign(signer, hashes.SHA256())  # type: ignore[arg-type]
    d.mkdir(parents=True, exist_ok=True)
    crt, kf = d / f"{name}.pem", d / f"{name}.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(kf, key)
    if sha1:
        # cryptography signs no SHA-1 any more: openssl signs a request for the key.
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(subject)
            .add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
            .sign(key, hashes.SHA256())
        )
        req = d / f"{name}.csr"
        req.write_bytes(csr.public_bytes(serialization.Encoding.PEM))
        subprocess.run(
            [
                "openssl",
                "x509",
                "-req",
                "-in",
                str(req),
                "-CA",
                str(chain.chain),
                "-CAkey",
                str(chain.int_key),
                "-sha1",
                "-days",
                "30",
                "-set_serial",
                "4660",
                "-copy_extensions",
                "copyall",
                "-out",
                str(crt),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        cert = x509.load_pem_x509_certificate(crt.read_bytes())
        assert cert.signature_algorithm_oid.dotted_string == "1.2.840.113549.1.1.5"
    return crt, kf, cert


def serve(crt: Path, key: Path, *args: str, chain: Path | None = None) -> OpenSSLServer:
    cert_args = ["-cert", str(crt), "-key", str(key)]
    if chain is not None:
        cert_args += ["-cert_chain", str(chain)]
    return OpenSSLServer(None, args, cert_args=cert_args)


def explained(args: Sequence[str], stdin: bytes = b"") -> tuple[Result, dict[str, Any]]:
    """sclient ARGS -explain -json: the result and the document."""
    r = run_sclient([*args, "-explain", "-json"], stdin=stdin)
    assert_clean_stderr(r.stderr)
    doc = sclient_json(r.stdout)
    assert "explanations" in doc
    return r, doc


def entry(doc: dict[str, Any], code: str) -> dict[str, Any]:
    found = [e for e in doc["explanations"] if e["code"] == code]
    assert found, f"no {code}: {doc['explanations']}"
    return found[0]


def text_of(e: dict[str, Any]) -> str:
    return "\n".join([e["finding"], *e["evidence"], e["fix"]])


def connect(srv: OpenSSLServer, *extra: str) -> list[str]:
    return ["-connect", f"{HOST}:{srv.port}", *extra]


# --- the chain -----------------------------------------------------------------------


def test_missing_intermediate_names_the_issuer_and_the_aia(pki: PKI, tmp_path: Path) -> None:
    url = "http://ca.example.test/int.der"
    crt, key, _ = mint(pki, tmp_path, "leaf", aia=url)
    with serve(crt, key) as srv:  # no -cert_chain: the intermediate is not sent
        r, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "missing_intermediate")
    assert pki["rsa"].int_subject in e["finding"]
    assert any(url in x for x in e["evidence"])
    assert "certificates sent: 1" in e["evidence"]
    assert "verify error 20 at depth 0" in e["evidence"][0]
    assert "[missing_intermediate]" in r.stderr


def test_missing_intermediate_without_aia_says_so(pki: PKI, tmp_path: Path) -> None:
    crt, key, _ = mint(pki, tmp_path, "leaf")
    with serve(crt, key) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "missing_intermediate")
    assert any("no AIA caIssuers URI" in x for x in e["evidence"])


def test_untrusted_root_names_the_root(pki: PKI) -> None:
    rsa_chain = pki["rsa"]
    with OpenSSLServer(rsa_chain) as srv:  # leaf + intermediate; trust another root
        _, doc = explained(connect(srv, "-CAfile", str(pki["ecdsa"].root)))
    e = entry(doc, "untrusted_root")
    assert rsa_chain.root_subject in e["finding"]
    assert f"topmost certificate: {rsa_chain.int_subject}" in e["evidence"]
    assert "certificates sent: 2" in e["evidence"]
    assert doc["verification"]["code"] == 20


def test_self_signed(pki: PKI, tmp_path: Path) -> None:
    crt, key, _ = mint(pki, tmp_path, "self", cn="self.test", self_signed=True)
    with serve(crt, key) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "self_signed")
    assert "O = sclient explain, CN = self.test" in e["finding"]


def test_expired_gives_the_date_and_how_long_ago(pki: PKI, tmp_path: Path) -> None:
    end = NOW - dt.timedelta(days=3, hours=1)
    crt, key, _ = mint(pki, tmp_path, "old", not_before=NOW - dt.timedelta(days=30), not_after=end)
    with serve(crt, key, chain=pki["rsa"].chain) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "expired")
    assert end.strftime("%Y-%m-%d %H:%M:%S UTC") in e["finding"]
    assert "3 days ago" in e["finding"]
    assert f"notAfter: {end.strftime('%Y-%m-%d %H:%M:%S UTC')}" in e["evidence"]


def test_not_yet_valid_gives_the_date_and_how_long_until(pki: PKI, tmp_path: Path) -> None:
    start = NOW + dt.timedelta(days=2, hours=1)
    crt, key, _ = mint(pki, tmp_path, "new", not_before=start)
    with serve(crt, key, chain=pki["rsa"].chain) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "not_yet_valid")
    assert start.strftime("%Y-%m-%d %H:%M:%S UTC") in e["finding"]
    assert "in 2 days" in e["finding"]


# --- names ---------------------------------------------------------------------------

_OTHER_SANS = (
    x509.DNSName("www.example.test"),
    x509.DNSName("*.cdn.example.test"),
    x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
)


@pytest.fixture(scope="module")
def other_host(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSSLServer]:
    crt, key, _ = mint(
        pki, tmp_path_factory.mktemp("other"), "other", cn="www.example.test", sans=_OTHER_SANS
    )
    with serve(crt, key, chain=pki["rsa"].chain) as srv:
        yield srv


def _lists_the_names(e: dict[str, Any]) -> None:
    assert "DNS names: www.example.test, *.cdn.example.test" in e["evidence"]
    assert "IP addresses: 192.0.2.7" in e["evidence"]


def test_hostname_mismatch_checked(pki: PKI, other_host: OpenSSLServer) -> None:
    args = connect(other_host, "-CAfile", str(pki["rsa"].root), "-servername", "localhost")
    _, doc = explained([*args, "-verify_hostname", "localhost"])
    e = entry(doc, "hostname_mismatch")
    _lists_the_names(e)
    assert "not for localhost." in e["finding"]
    assert doc["verification"]["code"] == 62


def test_hostname_mismatch_not_checked_says_so(pki: PKI, other_host: OpenSSLServer) -> None:
    """Verification says OK, yet the certificate is not for the host."""
    _, doc = explained(
        connect(other_host, "-CAfile", str(pki["rsa"].root), "-servername", "localhost")
    )
    assert doc["verification"]["code"] == 0
    e = entry(doc, "hostname_mismatch")
    _lists_the_names(e)
    assert "not checked" in e["finding"]
    assert "-verify_hostname localhost" in e["fix"]
    # openssl s_server without -servername does not acknowledge the name.
    assert any("did not acknowledge the server name localhost" in x for x in e["evidence"])


def test_sni_not_sent_default_certificate(pki: PKI, other_host: OpenSSLServer) -> None:
    _, doc = explained(
        [
            "-connect",
            f"localhost:{other_host.port}",
            "-CAfile",
            str(pki["rsa"].root),
            "-noservername",
        ]
    )
    assert doc["sni"] is None
    e = entry(doc, "sni_default_certificate")
    _lists_the_names(e)
    assert "-servername localhost" in e["fix"]


def test_hostname_not_checked_but_covered(pki: PKI) -> None:
    with OpenSSLServer(pki["rsa"]) as srv:
        _, doc = explained(["-connect", f"localhost:{srv.port}", "-CAfile", str(pki["rsa"].root)])
        assert [e["code"] for e in doc["explanations"]] == ["hostname_not_checked"]
        e = doc["explanations"][0]
        assert "DNS names: localhost" in e["evidence"]
        assert "-verify_hostname localhost" in e["fix"]
        # Checked: nothing left to say.
        _, doc = explained(
            [
                "-connect",
                f"localhost:{srv.port}",
                "-CAfile",
                str(pki["rsa"].root),
                "-verify_hostname",
                "localhost",
            ]
        )
        assert doc["explanations"] == []


# --- weak keys and signatures --------------------------------------------------------


def test_weak_key_rsa_1024(pki: PKI, tmp_path: Path) -> None:
    crt, key, _ = mint(pki, tmp_path, "small", bits=1024)
    with serve(crt, key, "-cipher", "DEFAULT@SECLEVEL=0", chain=pki["rsa"].chain) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "weak_key")
    assert "1024-bit RSA key" in e["finding"]
    assert "O = sclient explain, CN = localhost" in e["finding"]
    assert any("verify error 66" in x for x in e["evidence"])


def test_weak_signature_sha1(pki: PKI, tmp_path: Path) -> None:
    crt, key, _ = mint(pki, tmp_path, "sha1", sha1=True)
    with serve(crt, key, "-cipher", "DEFAULT@SECLEVEL=0", chain=pki["rsa"].chain) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(pki["rsa"].root)))
    e = entry(doc, "weak_signature")
    assert "RSA-SHA1" in e["finding"]
    assert any("verify error 68" in x for x in e["evidence"])


def test_weak_signature_accepted_at_level_0(pki: PKI, tmp_path: Path) -> None:
    """Lowered to level 0 the chain verifies; -explain still names the weakness."""
    crt, key, _ = mint(pki, tmp_path, "sha1", sha1=True)
    with serve(crt, key, "-cipher", "DEFAULT@SECLEVEL=0", chain=pki["rsa"].chain) as srv:
        _, doc = explained(
            connect(srv, "-CAfile", str(pki["rsa"].root), "-cipher", "DEFAULT@SECLEVEL=0")
        )
    assert doc["verification"]["code"] == 0
    e = entry(doc, "weak_signature")
    assert "SHA1 signature (RSA-SHA1)" in e["evidence"]


# --- revocation ----------------------------------------------------------------------


def test_revoked_by_crl(pki: PKI, tmp_path: Path) -> None:
    chain = pki["rsa"]
    crt, key, cert = mint(pki, tmp_path, "revoked")
    inter = x509.load_pem_x509_certificate(chain.chain.read_bytes())
    int_key = serialization.load_pem_private_key(chain.int_key.read_bytes(), None)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(inter.subject)
        .last_update(NOW - dt.timedelta(hours=1))
        .next_update(NOW + dt.timedelta(days=7))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - dt.timedelta(hours=1))
            .build()
        )
        .sign(int_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    crl_file = tmp_path / "int.crl.pem"
    crl_file.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    with serve(crt, key, chain=chain.chain) as srv:
        _, doc = explained(
            connect(srv, "-CAfile", str(chain.root), "-CRL", str(crl_file), "-crl_check")
        )
    e = entry(doc, "revoked")
    assert f"serial {cert.serial_number:X}" in e["finding"]
    assert f"issuer: {chain.int_subject}" in e["evidence"]


def test_revoked_by_stapled_ocsp(pki: PKI, tmp_path: Path) -> None:
    from support.ocsp import responses

    chain = pki["rsa"]
    revoked = responses(chain, tmp_path / "ocsp")["revoked"]
    with OpenSSLServer(chain, ["-status_file", str(revoked)]) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(chain.root), "-status"))
    assert doc["verification"]["code"] == 0  # OCSP does not fail verification in s_client
    e = entry(doc, "revoked")
    assert chain.leaf_subject in e["finding"]
    assert "OCSP" in e["finding"]
    assert "responder signature: issuer" in e["evidence"]
    assert any(x.startswith("revoked at: ") for x in e["evidence"])
    # The same server without -status: nothing said about revocation.
    with OpenSSLServer(chain, ["-status_file", str(revoked)]) as srv:
        _, doc = explained(connect(srv, "-CAfile", str(chain.root)))
    assert not [x for x in doc["explanations"] if x["code"] == "revoked"]


# --- plaintext on a TLS port ---------------------------------------------------------

#: keyword -> (the protocol named, a fact of the greeting shown).
_GREETERS = {
    "smtp": ("SMTP", "220 "),
    "imap": ("IMAP", "* OK"),
    "pop3": ("POP3", "+OK"),
    "ftp": ("FTP", "220 (vsFTPd"),
    "xmpp": ("XMPP", "<?xml"),
    "mysql": ("MySQL", "server version"),
}


@pytest.mark.parametrize("keyword", sorted(_GREETERS))
def test_plaintext_greeting_names_the_protocol(realpeers: Any, keyword: str) -> None:
    peer = realpeers.starttls(keyword)
    r, doc = explained(["-connect", f"{HOST}:{peer.port}"])
    name, shown = _GREETERS[keyword]
    e = entry(doc, "plaintext_protocol")
    assert f"speaks {name} in plaintext" in e["finding"]
    assert f"-starttls {keyword}" in e["fix"]
    assert shown in text_of(e)
    assert "wrong version number" in r.stderr  # openssl's own words are still there


@pytest.mark.parametrize("keyword", ["ldap", "postgres"])
def test_silent_servers_close_without_alert(realpeers: Any, keyword: str) -> None:
    """slapd and PostgreSQL say nothing to a ClientHello and close: nothing
    to recognize, but the diagnosis says what such servers do."""
    peer = realpeers.starttls(keyword)
    _, doc = explained(["-connect", f"{HOST}:{peer.port}"])
    e = entry(doc, "closed_without_alert")
    assert "bytes read from the server: 0" in e["evidence"]
    assert any("PostgreSQL, LDAP" in x for x in e["evidence"])


def _greeter(reply: bytes, *, first: bool, reset: bool = False) -> Iterator[int]:
    """One-connection server: ``reply`` at once (``first``) or after the
    client's first bytes (``reset``: then a TCP reset); yields its port."""
    import threading

    lsock = socket.socket()
    lsock.bind((HOST, 0))
    lsock.listen(1)

    def run() -> None:
        try:
            c, _ = lsock.accept()
            with c:
                if not first:
                    c.recv(4096)
                if reset:
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                c.sendall(reply)
                c.shutdown(socket.SHUT_WR)
                c.settimeout(5)
                while c.recv(4096):
                    pass
        except OSError:
            pass

    t = threading.Thread(target=run, daemon=True)
    t.start()
    yield lsock.getsockname()[1]
    lsock.close()
    t.join(5)


def test_plain_http_answer() -> None:
    reply = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n"
    for port in _greeter(reply, first=False):
        _, doc = explained(["-connect", f"{HOST}:{port}"])
        e = entry(doc, "plaintext_protocol")
        assert "speaks HTTP" in e["finding"]
        assert "first bytes received: HTTP/1.1 400 Bad Request…" in e["evidence"]
        assert "443" in e["fix"]


def test_ldap_notice_of_disconnection() -> None:
    """An LDAP server that answers garbage with a Notice of Disconnection."""
    oid = b"1.3.6.1.4.1.1466.20036"
    res = b"\x0a\x01\x02" + b"\x04\x00" + b"\x04\x00" + b"\x8a" + bytes([len(oid)]) + oid
    op = b"\x78" + bytes([len(res)]) + res
    msg = b"\x02\x01\x00" + op
    reply = b"\x30" + bytes([len(msg)]) + msg
    for port in _greeter(reply, first=False):
        _, doc = explained(["-connect", f"{HOST}:{port}"])
        e = entry(doc, "plaintext_protocol")
        assert "speaks LDAP" in e["finding"]
        assert "-starttls ldap" in e["fix"]


def test_postgres_error_reply() -> None:
    """A PostgreSQL server that answers with an ErrorResponse."""
    fields = b"SFATAL\0C08P01\0Minvalid length of startup packet\0\0"
    reply = b"E" + (len(fields) + 4).to_bytes(4, "big") + fields
    for port in _greeter(reply, first=False):
        _, doc = explained(["-connect", f"{HOST}:{port}"])
        e = entry(doc, "plaintext_protocol")
        assert "speaks PostgreSQL" in e["finding"]
        assert "-starttls postgres" in e["fix"]


def test_unrecognized_bytes_are_shown() -> None:
    for port in _greeter(b"\x00\x01hello there\r\n", first=True):
        _, doc = explained(["-connect", f"{HOST}:{port}"])
        e = entry(doc, "not_tls")
        assert "first bytes received: \\x00\\x01hello there" in e["evidence"]


# --- the handshake -------------------------------------------------------------------


def test_version_mismatch_lists_what_was_offered(pki: PKI) -> None:
    with OpenSSLServer(pki["rsa"], ["-tls1_3"]) as srv:
        _, doc = explained(connect(srv, "-tls1_2"))
    e = entry(doc, "version_or_cipher_mismatch")
    assert "protocol_version (70)" in e["evidence"][0]
    assert "versions offered: TLSv1.2" in e["evidence"]


def test_server_without_a_usable_version_answers_internal_error(pki: PKI) -> None:
    """OpenSSL 3's s_server limited to TLS 1.0 has no version left at its own
    security level: it answers the ClientHello with internal_error."""
    with OpenSSLServer(pki["rsa"], ["-tls1"]) as srv:
        _, doc = explained(connect(srv))
    e = entry(doc, "version_or_cipher_mismatch")
    assert "internal_error (80)" in e["evidence"][0]
    assert "before choosing a version" in e["finding"]
    assert doc["protocol"] is None


def test_cipher_mismatch_lists_the_suites_offered(pki: PKI) -> None:
    with OpenSSLServer(pki["rsa"], ["-tls1_2", "-cipher", "AES128-SHA"]) as srv:
        _, doc = explained(connect(srv, "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"))
    e = entry(doc, "version_or_cipher_mismatch")
    assert "handshake_failure (40)" in e["evidence"][0]
    assert "cipher suites offered: ECDHE-RSA-CHACHA20-POLY1305" in e["evidence"]


def test_probe_finds_what_the_server_speaks(pki: PKI) -> None:
    """-explain_probe: one connection per version, the server's choice named
    with the options that reach it."""
    with OpenSSLServer(pki["rsa"], ["-tls1_2", "-cipher", "AES128-SHA"]) as srv:
        _, doc = explained(connect(srv, "-tls1_3"))
        assert not any("probe " in x for e in doc["explanations"] for x in e["evidence"])
        r = run_sclient([*connect(srv, "-tls1_3"), "-explain_probe", "-json"])
    assert_clean_stderr(r.stderr)
    doc = sclient_json(r.stdout)
    e = entry(doc, "version_or_cipher_mismatch")
    assert "probe TLSv1.3 alone: refused (protocol_version)" in e["evidence"]
    assert "probe TLSv1.2 alone: accepted, the server chose AES128-SHA" in e["evidence"]
    assert "probe TLSv1.1 alone: refused (protocol_version)" in e["evidence"]
    assert "-tls1_2 -cipher AES128-SHA" in e["fix"]
    # The run's own connection is the one reported.
    assert len(doc["connections"]) == 1 and doc["connections"][0]["protocol"] is None
    assert "[version_or_cipher_mismatch]" in r.stderr


def test_probe_is_not_made_for_other_failures(pki: PKI) -> None:
    with OpenSSLServer(pki["rsa"], ["-alpn", "h2"]) as srv:
        _, doc = explained(connect(srv, "-alpn", "foo"))
        r = run_sclient([*connect(srv, "-alpn", "foo"), "-explain_probe", "-json"])
    assert sclient_json(r.stdout)["explanations"] == doc["explanations"]


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_client_certificate_required_names_the_cas(pki: PKI, version: str) -> None:
    """In TLS 1.3 the server's refusal comes after the client's Finished."""
    chain = pki["rsa"]
    with OpenSSLServer(chain, ["-Verify", "1", "-CAfile", str(chain.root)]) as srv:
        # stdin stays open 3 s: the TLS 1.3 refusal must arrive before its end.
        args = [*connect(srv, "-CAfile", str(chain.root), version), "-explain", "-json"]
        r = run_client(sclient_cmd(), args, wait=3.0)
    assert_clean_stderr(r.stderr)
    doc = sclient_json(r.stdout)
    assert doc["error"] is not None, r.stderr
    e = entry(doc, "client_cert_required")
    assert f"acceptable CA: {chain.root_subject}" in e["evidence"]
    assert chain.root_subject in e["fix"]


def test_client_certificate_refused(pki: PKI, tmp_path: Path) -> None:
    chain = pki["rsa"]
    crt, key, _ = mint(pki, tmp_path, "client", cn="client.test", self_signed=True)
    with OpenSSLServer(
        chain, ["-Verify", "1", "-CAfile", str(chain.root), "-verify_return_error"]
    ) as srv:
        _, doc = explained(
            connect(srv, "-CAfile", str(chain.root), "-tls1_2", "-cert", str(crt), "-key", str(key))
        )
    e = entry(doc, "client_cert_refused")
    assert "O = sclient explain, CN = client.test" in e["finding"]


def test_sni_required(pki: PKI) -> None:
    with OpenSSLServer(
        pki["rsa"],
        [
            "-servername",
            "www.example.test",
            "-servername_fatal",
            "-cert2",
            str(pki["ecdsa"].leaf),
            "-key2",
            str(pki["ecdsa"].key),
        ],
    ) as srv:
        _, doc = explained(["-connect", f"localhost:{srv.port}", "-servername", "wrong.test"])
    e = entry(doc, "sni_required")
    assert "wrong.test" in e["finding"]
    assert "server name sent: wrong.test" in e["evidence"]


def test_alpn_mismatch(pki: PKI) -> None:
    with OpenSSLServer(pki["rsa"], ["-alpn", "h2"]) as srv:
        _, doc = explained(connect(srv, "-alpn", "spdy/1,foo"))
    e = entry(doc, "alpn_mismatch")
    assert "spdy/1, foo" in e["finding"]


def test_renegotiation_refused(pki: PKI) -> None:
    """``R`` asks to renegotiate; the server answers no_renegotiation (a
    warning: the connection goes on, and ``Q`` ends it)."""
    with OpenSSLServer(pki["rsa"], ["-no_renegotiation"]) as srv:
        r = run_client(sclient_cmd(), [*connect(srv, "-tls1_2"), "-explain"], [b"R\n", b"Q\n"])
    assert_clean_stderr(r.stderr)
    block = r.stderr[r.stderr.index("Explanation (sclient -explain):") :]
    assert "[renegotiation_refused] The server refused to renegotiate." in block
    assert "the server sent the alert no_renegotiation (100)" in block


def test_closed_without_alert_after_hello() -> None:
    """A server that reads the ClientHello and hangs up."""
    for port in _greeter(b"", first=False):
        _, doc = explained(["-connect", f"{HOST}:{port}"])
        e = entry(doc, "closed_without_alert")
        assert "bytes read from the server: 0" in e["evidence"]


def test_reset_during_the_handshake() -> None:
    """A server (or a middlebox) that answers the ClientHello with a TCP reset."""
    for port in _greeter(b"", first=False, reset=True):
        r, doc = explained(["-connect", f"{HOST}:{port}"])
        e = entry(doc, "closed_without_alert")
        assert "errno=104, ECONNRESET" in e["evidence"][0]
        assert "errno=104" in r.stderr


# --- connecting ----------------------------------------------------------------------


def test_tcp_refused() -> None:
    with refused_port() as port:
        _, doc = explained(["-connect", f"{HOST}:{port}"])
    e = entry(doc, "tcp_refused")
    assert f"{HOST}:{port}" in e["finding"]
    assert "connect:errno=111 (ECONNREFUSED)" in e["evidence"]


def test_dns_failure() -> None:
    _, doc = explained(["-connect", "nonexistent.invalid:443"])
    e = entry(doc, "dns_failure")
    assert "nonexistent.invalid" in e["finding"]
    assert e["evidence"][0].startswith("resolver said: ")


# --- the text block, and openssl's output left alone ---------------------------------


def test_text_block_carries_the_json_entries(pki: PKI, tmp_path: Path) -> None:
    crt, key, _ = mint(pki, tmp_path, "leaf")
    with serve(crt, key) as srv:
        args = connect(srv, "-CAfile", str(pki["rsa"].root))
        text = run_sclient([*args, "-explain"])
        _, doc = explained(args)
    block = text.stderr[text.stderr.index("Explanation (sclient -explain):") :]
    codes = re.findall(r"^  \[(\w+)\] ", block, re.M)
    assert codes == [e["code"] for e in doc["explanations"]]
    for e in doc["explanations"]:
        assert e["finding"] in block and e["fix"] in block


def _same_before_the_block(args: list[str], option: str, code: str) -> None:
    ref = run_client(["openssl", "s_client"], args)
    got = run_client(sclient_cmd(), [*args, option])
    assert f"[{code}]" in got.stderr
    cut = got.stderr.index("---\nExplanation (sclient -explain):")
    compare(ref, Result(got.rc, got.stdout, got.stderr[:cut]))


@pytest.mark.golden
def test_output_before_the_block_is_openssls(pki: PKI, tmp_path: Path) -> None:
    """``-explain`` adds its block and changes nothing else: openssl without
    it and sclient with it print the same, block aside."""
    crt, key, _ = mint(pki, tmp_path, "leaf", aia="http://ca.example.test/int.der")
    with serve(crt, key) as srv:
        args = connect(srv, "-CAfile", str(pki["rsa"].root))
        _same_before_the_block(args, "-explain", "missing_intermediate")


@pytest.mark.golden
def test_output_before_the_block_is_openssls_with_probes(pki: PKI) -> None:
    """``-explain_probe``'s extra connections print nothing of their own."""
    with OpenSSLServer(pki["rsa"], ["-tls1_2"]) as srv:
        _same_before_the_block(
            connect(srv, "-tls1_3"), "-explain_probe", "version_or_cipher_mismatch"
        )
