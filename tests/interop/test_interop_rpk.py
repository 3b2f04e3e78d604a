"""Raw public keys (RFC 7250, OpenSSL 3.2's ``-enable_server_rpk`` and
``-enable_client_rpk``) against gnutls-serv, in TLS 1.3 and TLS 1.2, with
ECDSA, RSA and Ed25519 keys.

No OpenSSL 3.2 binary is on this machine: the lines are those of 3.2's
``print_stuff`` and verify callback (read from its source); the key's text is
compared with ``openssl pkey -text_pub`` (``EVP_PKEY_print_public``, the
function 3.2's summary calls at indent 2), and the key the client sends is
checked in gnutls-serv's own report of it.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from support.jsondoc import sclient_json
from support.peers import HOST, GnuTLSServer, require
from support.pki import PKI, Chain
from support.procs import assert_clean_stderr, run_sclient, start_sclient

KINDS = ("ecdsa", "rsa", "ed25519")
VERSIONS = {"tls13": "-tls1_3", "tls12": "-tls1_2"}
UNTRUSTED = "Raw public key untrusted, no trusted keys configured"
#: What gnutls-serv's priority strings need to negotiate a raw public key.
SRV_RPK = "NORMAL:+CTYPE-SRV-ALL"
BOTH_RPK = "NORMAL:+CTYPE-SRV-ALL:+CTYPE-CLI-ALL"


def _spki(chain: Chain) -> bytes:
    key = serialization.load_pem_private_key(chain.key.read_bytes(), None)
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _pub_pem(chain: Chain) -> Path:
    path = chain.dir / "leaf.pub.pem"
    if not path.exists():
        key = serialization.load_pem_private_key(chain.key.read_bytes(), None)
        path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return path


def _rpk_args(chain: Chain) -> list[str]:
    return ["--rawpkfile", str(_pub_pem(chain)), "--rawpkkeyfile", str(chain.key)]


@pytest.fixture(scope="module", params=KINDS)
def rpk_server(request: pytest.FixtureRequest, pki: PKI) -> Iterator[tuple[GnuTLSServer, Chain]]:
    require("gnutls-serv")
    chain = pki[request.param]
    with GnuTLSServer(chain, _rpk_args(chain), priority=SRV_RPK) as server:
        yield server, chain


def _connect(server: GnuTLSServer, *extra: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", *extra]


def _openssl_key_text(pub: Path, indent: int) -> str:
    """``EVP_PKEY_print_public`` at ``indent``, from openssl itself."""
    text = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(pub), "-text_pub", "-noout"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


@pytest.mark.parametrize("version", list(VERSIONS))
def test_server_raw_public_key_as_openssl_3_2_prints_it(
    rpk_server: tuple[GnuTLSServer, Chain], version: str
) -> None:
    server, chain = rpk_server
    res = run_sclient(_connect(server, "-enable_server_rpk", VERSIONS[version]))
    assert_clean_stderr(res.stderr)
    assert res.rc == 0, res.stderr
    out = res.stdout
    # the key signed the handshake (CertificateVerify / ServerKeyExchange)
    assert "Cipher is (NONE)" not in out and ", Cipher is " in out
    expected_block = (
        "---\nno peer certificate available\n"
        "Server-to-client raw public key negotiated\n"
        "Server raw public key\n" + _openssl_key_text(_pub_pem(chain), 2) + "---\n"
    )
    assert expected_block in out, out
    assert "Client-to-server raw public key negotiated" not in out
    assert "Server public key is" not in out  # no peer certificate (print_stuff)
    # s_client's verify callback, once, at depth 0 without a certificate
    assert f"depth=0 <no cert>\nverify error:num=95:{UNTRUSTED}\nverify return:1\n" in res.stderr
    assert f"Verification error: {UNTRUSTED}\n" in out
    proto = "TLSv1.3" if version == "tls13" else "TLSv1.2"
    assert f"New, {proto}, Cipher is" in out


@pytest.mark.parametrize("version", list(VERSIONS))
def test_resumed_session_keeps_the_key(
    rpk_server: tuple[GnuTLSServer, Chain], version: str, tmp_path: Path
) -> None:
    """OpenSSL 3.2 keeps the server's raw public key in the session (its
    ``peer_rpk``, [20] of the session's DER) and ``SSL_get0_peer_rpk`` gives
    it on a resumed connection: the summary prints it again, -json has it."""
    from sclient.base import pem as pemlib
    from sclient.tls.sessionfile import decode

    server, chain = rpk_server
    sess = tmp_path / "rpk.sess"

    def saved() -> Any:
        if not sess.exists():
            return None
        blocks = pemlib.read_blocks(sess.read_bytes())
        return decode(blocks[0].data, 0) if blocks else None

    with start_sclient(
        _connect(server, "-enable_server_rpk", VERSIONS[version], "-sess_out", str(sess))
    ) as p:
        deadline = time.monotonic() + 10  # a TLS 1.3 ticket comes after our Finished
        while time.monotonic() < deadline and not ((s := saved()) is not None and s.ticket):
            time.sleep(0.05)
        first = p.finish()
    assert first.rc == 0, first.stderr
    args = _connect(server, "-enable_server_rpk", VERSIONS[version], "-sess_in", str(sess))
    res = run_sclient(args)
    assert_clean_stderr(res.stderr)
    assert res.rc == 0, res.stderr
    assert "Reused, " in res.stdout, res.stdout
    assert "Server raw public key\n" + _openssl_key_text(_pub_pem(chain), 2) in res.stdout
    doc = sclient_json(run_sclient([*args, "-json"]).stdout)
    assert doc["resumed"] is True
    assert doc["server_raw_public_key"] is not None
    # the key is in the session file, as OpenSSL 3.2 writes it: [20] OCTET STRING
    assert saved().peer_rpk == _spki(chain)
    # -reconnect: every resumed connection's summary has it
    res = run_sclient(_connect(server, "-enable_server_rpk", VERSIONS[version], "-reconnect"))
    assert res.rc == 0, res.stderr
    assert res.stdout.count("Reused, ") == 5
    assert "no peer rpk available" not in res.stdout


@pytest.mark.parametrize("version", list(VERSIONS))
def test_pinned_key_verifies(rpk_server: tuple[GnuTLSServer, Chain], version: str) -> None:
    server, chain = rpk_server
    pub = _pub_pem(chain)
    res = run_sclient(
        _connect(server, "-enable_server_rpk", "-expected_rpk", str(pub), VERSIONS[version])
    )
    assert res.rc == 0, res.stderr
    assert "depth=0 <no cert>\nverify return:1\n" in res.stderr
    assert "verify error" not in res.stderr
    tail = _spki(chain)[-12:].hex()
    assert f"Verification: OK\nDANE TLSA 3 1 0 ...{tail} matched EE certificate at depth 0\n" in (
        res.stdout
    )
    assert "Verify return code: 0 (ok)" in res.stdout


def test_dane_record_verifies_a_raw_public_key(rpk_server: tuple[GnuTLSServer, Chain]) -> None:
    """OpenSSL verifies a raw public key through DANE: a DANE-EE SPKI SHA-256
    record (what SSL_add_expected_rpk adds, in its full form) matches it."""
    server, chain = rpk_server
    digest = hashlib.sha256(_spki(chain)).hexdigest()
    res = run_sclient(
        _connect(
            server,
            "-enable_server_rpk",
            "-dane_tlsa_domain",
            "localhost",
            "-dane_tlsa_rrdata",
            f"3 1 1 {digest}",
        )
    )
    assert res.rc == 0, res.stderr
    assert f"DANE TLSA 3 1 1 ...{digest[-24:]} matched EE certificate at depth 0" in res.stdout
    assert "Verify return code: 0 (ok)" in res.stdout


def test_other_pinned_key_fails(
    rpk_server: tuple[GnuTLSServer, Chain], pki: PKI, tmp_path: Path
) -> None:
    server, chain = rpk_server
    other = pki["ecdsa" if chain.kind != "ecdsa" else "rsa"]
    pub = _pub_pem(other)
    res = run_sclient(_connect(server, "-enable_server_rpk", "-expected_rpk", str(pub)))
    assert res.rc == 0
    assert "depth=0 <no cert>\nverify error:num=65:no matching DANE TLSA records\n" in res.stderr
    assert "Verify return code: 65 (no matching DANE TLSA records)" in res.stdout
    strict = run_sclient(
        _connect(server, "-enable_server_rpk", "-expected_rpk", str(pub), "-verify_return_error")
    )
    assert_clean_stderr(strict.stderr)
    assert strict.rc == 1
    assert "tls_post_process_server_rpk:certificate verify failed" in strict.stderr
    assert "verify return:1" not in strict.stderr


def test_json_carries_the_key(rpk_server: tuple[GnuTLSServer, Chain]) -> None:
    server, chain = rpk_server
    res = run_sclient(_connect(server, "-enable_server_rpk", "-json"))
    doc = sclient_json(res.stdout)
    c = doc["connections"][0]
    assert c["certificate_types"] == {"client": "X509", "server": "RawPublicKey"}
    key = c["server_raw_public_key"]
    assert key["spki_sha256"] == hashlib.sha256(_spki(chain)).hexdigest().upper()
    want = {"ecdsa": ("id-ecPublicKey", 256), "rsa": ("rsaEncryption", 2048)}
    want["ed25519"] = ("ED25519", 256)
    assert (key["algorithm"], key["bits"]) == want[chain.kind]
    assert c["certificate_chain"] == []
    assert c["verification"]["code"] == 95


@pytest.mark.parametrize("version", list(VERSIONS))
def test_trace_prints_the_raw_public_key(
    rpk_server: tuple[GnuTLSServer, Chain], version: str
) -> None:
    server, chain = rpk_server
    res = run_sclient(_connect(server, "-enable_server_rpk", "-trace", VERSIONS[version]))
    assert res.rc == 0, res.stderr
    out = res.stdout
    spki = _spki(chain)
    assert "extension_type=server_cert_type(20), length=3\n" in out
    assert "          0000 - 02 02 00 " in out
    assert "extension_type=server_cert_type(20), length=1\n" in out
    indent = 6
    head = " " * indent + f"raw_public_key, length={len(spki)}\n"
    assert head + _openssl_key_text(_pub_pem(chain), indent + 2) in out, out
    if version == "tls13":
        assert "      context (len=0): \n" + head in out


def test_x509_server_with_the_option(pki: PKI) -> None:
    """A server that keeps X.509 (no cert-type extension): the certificate as
    usual, and OpenSSL 3.2's ``no peer rpk available``."""
    require("gnutls-serv")
    with GnuTLSServer(pki["ecdsa"]) as server:
        res = run_sclient(_connect(server, "-enable_server_rpk"))
    assert res.rc == 0, res.stderr
    assert "Server certificate\n" in res.stdout
    assert "no peer rpk available\n" in res.stdout
    assert "raw public key negotiated" not in res.stdout


def test_without_the_option_the_server_sends_a_certificate(
    rpk_server: tuple[GnuTLSServer, Chain],
) -> None:
    server, _ = rpk_server
    res = run_sclient(_connect(server))
    assert res.rc == 0, res.stderr
    assert "Server certificate\n" in res.stdout
    assert "raw public key" not in res.stdout


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("kind", KINDS)
def test_client_sends_its_key_as_a_raw_public_key(pki: PKI, kind: str, version: str) -> None:
    require("gnutls-serv")
    server_chain, client_chain = pki["ecdsa"], pki[kind]
    with GnuTLSServer(
        server_chain, _rpk_args(server_chain), priority=BOTH_RPK, ask_client_cert=True
    ) as server:
        res = run_sclient(
            _connect(
                server,
                "-enable_server_rpk",
                "-enable_client_rpk",
                "-cert",
                str(client_chain.leaf),
                "-key",
                str(client_chain.key),
                VERSIONS[version],
            )
        )
        assert res.rc == 0, res.stderr
        assert "Client-to-server raw public key negotiated\n" in res.stdout
        assert "Server-to-client raw public key negotiated\n" in res.stdout
        assert server.proc is not None
        assert server.proc.out.wait_for(b"Got 1 Raw public-key(s).", 10)
        pem = _pub_pem(client_chain).read_bytes()
        assert server.proc.out.wait_for(pem.strip(), 10), server.proc.out.data.decode()
        assert server.proc.out.wait_for(b"Certificate type: Raw Public Key", 10)


def test_tlsextdebug_names_the_extension(rpk_server: tuple[GnuTLSServer, Chain]) -> None:
    """OpenSSL 3.2 knows the extension, so its debug callback shows it (s_client's name)."""
    server, _ = rpk_server
    res = run_sclient(_connect(server, "-enable_server_rpk", "-tlsextdebug"))
    assert res.rc == 0, res.stderr
    assert 'TLS server extension "server cert type" (id=20), len=1\n0000 - 02 ' in res.stdout
