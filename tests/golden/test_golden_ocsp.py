"""``-status`` (OCSP stapling, output.md §16): sclient's output compared with
``openssl s_client -status``'s against ``openssl s_server -status_file``
stapling responses made with ``openssl ocsp`` (good, revoked, unknown, with
a nonce and the responder by key hash, by a delegated responder), over TLS
1.3 and 1.2, alone and with -msg, -state and -trace; ``no response sent``
from a server that staples nothing; scripted servers whose CertificateStatus
does not decode (the dump and d2i's error queue); gnutls-serv's
``--ocsp-response``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_msg_state import compare, run_client
from support import ocsp as ocsp_files
from support.peers import HOST, GnuTLSServer, OpenSSLServer, openssl_servers, require
from support.pki import PKI
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]
STAPLED = ("good", "revoked", "unknown", "nonce", "delegated")


@pytest.fixture(scope="module")
def responses(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require("openssl")
    return ocsp_files.responses(pki["rsa"], tmp_path_factory.mktemp("ocsp"))


@pytest.fixture(scope="module")
def servers(pki: PKI, responses: dict[str, Path]) -> Iterator[dict[str, OpenSSLServer]]:
    specs = {name: (pki["rsa"], ["-status_file", str(responses[name])]) for name in STAPLED}
    specs["none"] = (pki["rsa"], [])
    with openssl_servers(specs) as started:
        yield started


def _args(server: OpenSSLServer | GnuTLSServer, pki: PKI, *extra: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", "-CAfile", str(pki["rsa"].root), "-status", *extra]


def both(args: list[str]) -> tuple[Result, Result]:
    ref = run_client(OPENSSL, args)
    got = run_client(sclient_cmd(), args)
    compare(ref, got)
    return ref, got


VERSIONS = {"tls13": (), "tls12": ("-tls1_2",)}
TRACING = {"plain": (), "msg": ("-msg",), "state": ("-state",), "msg+state": ("-msg", "-state")}


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("name", STAPLED)
def test_stapled(servers: dict[str, OpenSSLServer], pki: PKI, name: str, version: str) -> None:
    _, got = both(_args(servers[name], pki, *VERSIONS[version]))
    assert "OCSP Response Status: successful (0x0)" in got.stdout
    status = {"revoked": "revoked", "unknown": "unknown"}.get(name, "good")
    assert f"    Cert Status: {status}\n" in got.stdout
    # the block comes before the summary, after CONNECTED
    assert got.stdout.index("OCSP response: \n") < got.stdout.index("Certificate chain")


def test_revoked_reason_and_nonce(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    _, got = both(_args(servers["revoked"], pki))
    assert "    Revocation Reason: keyCompromise (0x1)\n" in got.stdout
    _, got = both(_args(servers["nonce"], pki))
    assert re.search(r"    Responder Id: [0-9A-F]{40}\n", got.stdout)
    assert re.search(
        r"    Response Extensions:\n        OCSP Nonce: \n            0410", got.stdout
    )


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize("version", list(VERSIONS))
def test_tracing(servers: dict[str, OpenSSLServer], pki: PKI, version: str, tracing: str) -> None:
    _, got = both(_args(servers["revoked"], pki, *VERSIONS[version], *TRACING[tracing]))
    if version == "tls12" and "-state" in TRACING[tracing]:
        assert "SSL_connect:SSLv3/TLS read certificate status\n" in got.stderr
    if version == "tls12" and "-msg" in TRACING[tracing]:
        assert ", CertificateStatus\n" in got.stdout


@pytest.mark.parametrize("version", list(VERSIONS))
def test_no_response_sent(servers: dict[str, OpenSSLServer], pki: PKI, version: str) -> None:
    _, got = both(_args(servers["none"], pki, *VERSIONS[version], "-msg"))
    assert "OCSP response: no response sent\n" in got.stdout


def test_quiet_prints_no_block(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    ref = run_client(OPENSSL, _args(servers["good"], pki, "-quiet", "-no_ign_eof"), (), wait=1.0)
    got = run_client(
        sclient_cmd(), _args(servers["good"], pki, "-quiet", "-no_ign_eof"), (), wait=1.0
    )
    compare(ref, got)
    assert "OCSP" not in got.stdout


def test_reconnect(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """Each connection's status callback; a TLS 1.2 resumption has none."""
    args = _args(servers["good"], pki, "-tls1_2", "-reconnect")
    ref = run_client(OPENSSL, args, stdin=b"")
    got = run_client(sclient_cmd(), args, stdin=b"")
    compare(ref, got)
    assert got.stdout.count("OCSP response: \n") == 1


def test_gnutls_ocsp_response(pki: PKI, responses: dict[str, Path]) -> None:
    require("gnutls-serv")
    with GnuTLSServer(pki["rsa"], ["--ocsp-response", str(responses["good"])]) as s:
        for version in VERSIONS.values():
            _, got = both(_args(s, pki, *version))
            assert "    Cert Status: good\n" in got.stdout


@pytest.mark.parametrize("version", list(VERSIONS))
def test_resumption(
    servers: dict[str, OpenSSLServer], pki: PKI, version: str, tmp_path: Path
) -> None:
    """-sess_in: a TLS 1.3 resumption has no Certificate, and the callback
    says ``no response sent``; a TLS 1.2 one never reaches ServerHelloDone,
    and the callback does not run."""
    sess = tmp_path / "sess.pem"
    base = _args(servers["good"], pki, *VERSIONS[version])
    ref = run_client(OPENSSL, [*base, "-sess_out", str(sess)])
    assert ref.rc == 0 and sess.exists()
    _, got = both([*base, "-sess_in", str(sess)])
    assert "Reused," in got.stdout
    if version == "tls13":
        assert "OCSP response: no response sent\n" in got.stdout
    else:
        assert "OCSP response" not in got.stdout


# --- -json: the stapled response and sclient's verdict on it (beyond OpenSSL) ---------------

#: response name -> (cert_status, valid, signer, time)
VERDICTS = {
    "good": ("good", True, "issuer", "current"),
    "revoked": ("revoked", True, "issuer", "current"),
    "unknown": ("unknown", True, "issuer", "current"),
    "nonce": ("good", True, "issuer", "current"),
    "delegated": ("good", True, "delegated responder", "current"),
    "wrong_signer": ("good", False, None, "current"),
    "bad_signature": ("good", False, None, "current"),
    "expired": ("good", False, "issuer", "expired"),
}


@pytest.fixture(scope="module")
def json_servers(pki: PKI, responses: dict[str, Path]) -> Iterator[dict[str, OpenSSLServer]]:
    specs = {name: (pki["rsa"], ["-status_file", str(responses[name])]) for name in VERDICTS}
    with openssl_servers(specs) as started:
        yield started


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("name", list(VERDICTS))
def test_json_validation(
    json_servers: dict[str, OpenSSLServer], pki: PKI, responses: dict[str, Path], name: str,
    version: str,
) -> None:  # fmt: skip
    import base64

    from support.jsondoc import sclient_json

    got = run_client(
        sclient_cmd(), [*_args(json_servers[name], pki, *VERSIONS[version]), "-json"], stdin=b""
    )
    doc = sclient_json(got.stdout)
    o = doc["ocsp"]
    assert o["requested"] and o["checked"] and o["stapled"] and not o["parse_error"]
    assert base64.b64decode(o["response"]["der_base64"]) == responses[name].read_bytes()
    decoded = o["response"]["decoded"]
    status, valid, signer, when = VERDICTS[name]
    assert decoded["response_status"] == "successful"
    assert decoded["responses"][0]["cert_status"] == status
    v = o["validation"]
    assert (v["valid"], v["signer"], v["time"], v["cert_status"]) == (valid, signer, when, status)
    assert v["cert_id"] is True
    assert bool(v["problems"]) == (not valid)
    if name == "bad_signature":
        assert v["signature"] is False


def test_json_no_response(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    from support.jsondoc import sclient_json

    got = run_client(sclient_cmd(), [*_args(servers["none"], pki), "-json"], stdin=b"")
    o = sclient_json(got.stdout)["ocsp"]
    assert o == {
        "requested": True,
        "checked": True,
        "stapled": False,
        "response": None,
        "parse_error": False,
        "validation": None,
    }
    plain = run_client(
        sclient_cmd(), ["-connect", f"{HOST}:{servers['none'].port}", "-json"], stdin=b""
    )
    assert sclient_json(plain.stdout)["ocsp"] is None
