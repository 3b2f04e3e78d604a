"""``-ct`` (output.md §17): sclient's output compared with ``openssl s_client
-ct``'s against ``openssl s_server`` sending SCTs in the
signed_certificate_timestamp extension (``-serverinfo``, TLS 1.2 ServerHello
and TLS 1.3 leaf CertificateEntry) in the certificate (an embedded SCT
list) and in a stapled OCSP response (``-status_file``): valid, from a log the -ctlogfile does not list, unvalidated (the chain
does not verify), two SCTs; a server without SCTs; ``-noct``; the default log
file missing. Test log, SCTs and certificates come from support.ct."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_msg_state import compare, run_client
from support import ct
from support.peers import HOST, OpenSSLServer, openssl_servers, require
from support.pki import PKI
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]
VERSIONS = {"tls13": (), "tls12": ("-tls1_2",)}


@pytest.fixture(scope="module")
def material(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> ct.Material:
    return ct.Material(pki["rsa"], tmp_path_factory.mktemp("ct"))


@pytest.fixture(scope="module")
def servers(pki: PKI, material: ct.Material) -> Iterator[dict[str, OpenSSLServer]]:
    require("openssl")
    chain = pki["rsa"]
    specs: dict[str, tuple[object, list[str]]] = {
        name: (chain, ["-serverinfo", str(path)]) for name, path in material.serverinfo.items()
    }
    specs["none"] = (chain, [])
    specs["ocsp"] = (chain, ["-status_file", str(material.ocsp)])
    with openssl_servers(specs) as started:  # type: ignore[arg-type]
        emb = OpenSSLServer(
            None,
            [],
            cert_args=[
                "-cert",
                str(material.embedded),
                "-key",
                str(chain.key),
                "-cert_chain",
                str(chain.chain),
            ],
        ).start()
        started["embedded"] = emb
        try:
            yield started
        finally:
            emb.stop()


def _args(server: OpenSSLServer, pki: PKI, material: ct.Material, *extra: str) -> list[str]:
    return [
        "-connect",
        f"{HOST}:{server.port}",
        "-CAfile",
        str(pki["rsa"].root),
        "-ctlogfile",
        str(material.logs),
        *extra,
    ]


def both(args: list[str], **kw: object) -> tuple[Result, Result]:
    ref = run_client(OPENSSL, args, **kw)  # type: ignore[arg-type]
    got = run_client(sclient_cmd(), args, **kw)  # type: ignore[arg-type]
    compare(ref, got)
    return ref, got


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("name", ["valid", "unknown", "invalid", "two", "embedded", "ocsp", "none"])
def test_ct(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material, name: str, version: str
) -> None:
    ref, _ = both(_args(servers[name], pki, material, "-ct", *VERSIONS[version]))
    count = {"valid": 1, "unknown": 1, "invalid": 1, "two": 2, "embedded": 1, "ocsp": 2}.get(
        name, 0
    )
    assert f"SCTs present ({count})\n" in ref.stdout
    if name in ("valid", "embedded"):
        assert "SCT validation status: valid\n" in ref.stdout
        assert "    Log       : Test CT log\n" in ref.stdout
    if name == "unknown":
        assert "SCT validation status: unknown log\n" in ref.stdout
    if name == "invalid":
        # SCT_CTX_verify's error is still queued: s_client's first SSL_write
        # fails, it prints the queue and shuts down with status 1 (no DONE).
        assert "SCT validation status: invalid\n" in ref.stdout
        assert ":sct invalid signature:" in ref.stderr and ref.rc == 1
        assert "DONE" not in ref.stdout


@pytest.mark.parametrize("name", ["valid", "embedded"])
def test_ct_unverified_chain(
    servers: dict[str, OpenSSLServer], material: ct.Material, name: str
) -> None:
    """No -CAfile: the chain does not verify, so no SCT is validated."""
    args = ["-connect", f"{HOST}:{servers[name].port}", "-ctlogfile", str(material.logs), "-ct"]
    ref, _ = both(args)
    assert "SCT validation status: not set\n" in ref.stdout


@pytest.mark.parametrize("extra", [("-ct", "-noct"), ("-noct",), ()])
def test_noct(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material, extra: tuple[str, ...]
) -> None:
    """-noct (last wins) or nothing: no SCT extension, no block."""
    ref, _ = both(_args(servers["valid"], pki, material, *extra, "-tls1_2"))
    assert "SCTs present" not in ref.stdout


@pytest.mark.parametrize("extra", [("-status",), ("-msg",), ("-showcerts",), ("-reconnect",)])
@pytest.mark.parametrize("name", ["valid", "invalid"])
def test_ct_with(
    servers: dict[str, OpenSSLServer],
    pki: PKI,
    material: ct.Material,
    extra: tuple[str, ...],
    name: str,
) -> None:
    """Alongside -status (no response stapled), -msg (the ClientHello's
    extension; the close_notify after an invalid SCT), -showcerts, and
    -reconnect (resumed: no block; an invalid SCT ends the first connection)."""
    both(_args(servers[name], pki, material, "-ct", "-tls1_2", *extra))


@pytest.mark.parametrize("version", list(VERSIONS))
def test_ct_ocsp_status(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material, version: str
) -> None:
    """-ct -status: the OCSP block prints the response's CT Certificate SCTs
    (i2r_SCT_LIST), the summary lists and validates them; -status alone
    prints the response the same way."""
    both(_args(servers["ocsp"], pki, material, "-ct", "-status", *VERSIONS[version]))
    both(_args(servers["ocsp"], pki, material, "-status", *VERSIONS[version]))


def test_ct_default_log_file_missing(tmp_path: Path) -> None:
    """-ct without -ctlogfile needs OPENSSLDIR/ct_log_list.cnf: missing, it is
    the error queue and exit status 1 before connecting."""
    require("openssl")
    if Path("/usr/lib/ssl/ct_log_list.cnf").exists():
        pytest.skip("the default CT log list exists here")
    for args in (["-ct", "-connect", f"{HOST}:1"], ["-ct", "-ctlogfile", str(tmp_path / "x")]):
        ref, _ = both(args, stdin=b"")
        assert ref.rc == 1 and "log conf invalid" in ref.stderr


@pytest.mark.parametrize("name", ["two", "embedded", "none"])
def test_ct_json(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material, name: str
) -> None:
    """-json's scts: each SCT's source, log and status, as the text lists them."""
    from support.jsondoc import sclient_json

    args = [*_args(servers[name], pki, material, "-ct"), "-json"]
    got = run_client(sclient_cmd(), args, stdin=b"")
    scts = sclient_json(got.stdout)["scts"]
    want = {
        "two": [("tls_extension", None, "unknown log"), ("tls_extension", "Test CT log", "valid")],
        "embedded": [("x509v3_extension", "Test CT log", "valid")],
        "none": [],
    }[name]
    assert [(s["source"], s["log"], s["status"]) for s in scts] == want
    assert all(s["signature_algorithm"] == [4, 3] for s in scts)
    plain = run_client(sclient_cmd(), [*_args(servers[name], pki, material), "-json"], stdin=b"")
    assert sclient_json(plain.stdout)["scts"] is None


@pytest.mark.parametrize("order", [("-serverinfo", "18", "-ct"), ("-ct", "-serverinfo", "1,18")])
def test_ct_with_serverinfo_18(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material, order: tuple[str, ...]
) -> None:
    """-serverinfo's handler for type 18 makes SSL_CTX_enable_ct fail
    (custom ext handler already installed): exit 1 before connecting."""
    ref, _ = both(_args(servers["valid"], pki, material, *order), stdin=b"")
    assert ref.rc == 1 and "custom ext handler already installed" in ref.stderr


BAD_LOG_FILES = {
    "no_enabled_logs": "[x]\nkey = AAAA\n",
    "no_section": "enabled_logs = a\n",
    "no_key": "enabled_logs = a\n[a]\ndescription = d\n",
    "not_base64": "enabled_logs = a\n[a]\nkey = @@\ndescription = d\n",
    "two_bad": "enabled_logs = a,b\n[a]\ndescription = d\n",
}


@pytest.mark.parametrize("name", list(BAD_LOG_FILES))
def test_ct_bad_log_file(tmp_path: Path, name: str) -> None:
    """A -ctlogfile that does not load: CTLOG_STORE_load_file's error queue
    (the NCONF lookups, the CT reasons per log, log conf invalid), exit 1."""
    require("openssl")
    f = tmp_path / "logs.cnf"
    f.write_text(BAD_LOG_FILES[name])
    ref, _ = both(["-ct", "-ctlogfile", str(f), "-connect", f"{HOST}:1"], stdin=b"")
    assert ref.rc == 1 and "log conf invalid" in ref.stderr


@pytest.mark.parametrize("usage", ["3", "1"])
def test_ct_dane(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material, usage: str
) -> None:
    """A chain a DANE-EE record authenticated is outside CT (RFC 7671 §4.2):
    OpenSSL leaves its SCTs unvalidated; a PKIX-EE record does not."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization as ser

    leaf = x509.load_pem_x509_certificate(pki["rsa"].leaf.read_bytes())
    spki = leaf.public_key().public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    rr = f"{usage} 1 1 {hashlib.sha256(spki).hexdigest()}"
    extra = ("-dane_tlsa_domain", "localhost", "-dane_tlsa_rrdata", rr)
    ref, _ = both(_args(servers["valid"], pki, material, "-ct", *extra))
    want = "not set" if usage == "3" else "valid"
    assert f"SCT validation status: {want}\n" in ref.stdout


def test_ct_reconnect_tls13(
    servers: dict[str, OpenSSLServer], pki: PKI, material: ct.Material
) -> None:
    """TLS 1.3 -reconnect (sclient resumes there, unlike OpenSSL: see
    test_golden_sessions): the block only for the first, full handshake."""
    got = run_client(sclient_cmd(), _args(servers["valid"], pki, material, "-ct", "-reconnect"))
    assert got.rc == 0
    assert got.stdout.count("SCTs present (1)") == 1
    assert got.stdout.count("Reused, TLSv1.3") == 5
