"""Certificate compression (RFC 8879, OpenSSL 3.2+) against real peers: node
26 (OpenSSL 3.5.9, ``certificateCompression``) and tlslite-ng 0.8.2's server.

``-cert_comp`` offers compress_certificate (brotli, zlib, zstd: OpenSSL's
order); each peer then sends its certificate compressed with each algorithm,
which sclient expands, verifies (``-verify_return_error`` against the test
root) and exchanges data over. The lengths in ``-json`` are checked against
the Certificate message built here from the chain the server holds, and
``-trace`` prints them as OpenSSL 3.2+'s trace does. A server that asks for
a client certificate with compress_certificate in its CertificateRequest
gets it compressed with the first algorithm it lists (OpenSSL's choice);
node (which prints the subject it expanded) and tlslite-ng (which reports
the algorithm it decompressed) both take it.
Without the options the ClientHello is OpenSSL 3.0's: no compress_certificate
and a plain Certificate.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from support.exchange import exchange
from support.jsondoc import sclient_json
from support.nodepeer import NodeServer
from support.peers import HOST
from support.pki import PKI, Chain
from support.procs import run_sclient, start_sclient
from support.tlslitepeer import TlsliteServer

pytestmark = pytest.mark.interop

ALGORITHMS = ("zlib", "brotli", "zstd")
CODES = {"zlib": 1, "brotli": 2, "zstd": 3}


@pytest.fixture(scope="module")
def chain(pki: PKI) -> Chain:
    return pki["rsa"]


@pytest.fixture(scope="module")
def client(pki: PKI) -> Chain:
    return pki["ecdsa"]


def _codecs() -> None:
    pytest.importorskip("brotli", reason="brotli is not installed (the test extra)")
    pytest.importorskip("zstandard", reason="zstandard is not installed (the test extra)")


def certificate_body(pem: Path) -> int:
    """The length of the TLS 1.3 Certificate body for the chain in ``pem``:
    empty context, each certificate with an empty extension block."""
    ders = [
        c.public_bytes(serialization.Encoding.DER)
        for c in x509.load_pem_x509_certificates(pem.read_bytes())
    ]
    return 1 + 3 + sum(3 + len(d) + 2 for d in ders)


def _args(chain: Chain, *extra: str) -> list[str]:
    return ["-CAfile", str(chain.root), "-verify_return_error", *extra]


def _client_args(client: Chain) -> list[str]:
    return ["-cert", str(client.leaf), "-key", str(client.key), "-cert_chain", str(client.chain)]


def _json(port: int, chain: Chain, *args: str) -> dict[str, object]:
    r = run_sclient(["-connect", f"{HOST}:{port}", *_args(chain, *args), "-json"])
    assert r.rc == 0, r.stderr
    conn = sclient_json(r.stdout)["connections"][0]
    assert isinstance(conn, dict)
    return conn


def _ratio_line(uncompressed: int, compressed: int) -> str:
    ratio = ctypes.c_float(uncompressed / compressed).value  # C's float quotient, %f
    return f"      Compressed length={compressed}, Ratio={ratio:f}:1\n"


# --- node 26 ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node_servers(chain: Chain) -> Iterator[dict[str, NodeServer]]:
    _codecs()
    started: dict[str, NodeServer] = {}
    try:
        for alg in ALGORITHMS:
            started[alg] = NodeServer(chain, ["X25519"], cert_compression=[alg]).start()
        yield started
    finally:
        for s in started.values():
            s.stop()


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_node_compresses_its_certificate(
    node_servers: dict[str, NodeServer], chain: Chain, alg: str
) -> None:
    server = node_servers[alg]
    r = exchange(server, _args(chain, "-cert_comp"))
    assert r.rc == 0, r.stderr
    assert "Verify return code: 0 (ok)" in r.stdout
    conn = _json(server.port, chain, "-cert_comp")
    cc = conn["certificate_compression"]
    assert isinstance(cc, dict) and cc["sent"] is None
    received = cc["received"]
    assert received["algorithm"] == alg
    expected = certificate_body(chain.fullchain)
    assert received["uncompressed_length"] == expected
    assert 0 < received["compressed_length"] < expected
    assert [c["subject"] for c in conn["certificate_chain"]] == [  # type: ignore[union-attr]
        "O = sclient tests, CN = localhost",
        "O = sclient tests, CN = sclient RSA Intermediate CA",
    ]
    t = exchange(server, _args(chain, "-cert_comp", "-trace"))
    hello = t.stdout[: t.stdout.index("ServerHello")]
    assert (
        "        extension_type=compress_certificate(27), length=7\n"
        "          brotli (2)\n          zlib (1)\n          zstd (3)\n"
    ) in hello
    assert "    CompressedCertificate, Length=" in t.stdout
    assert f"      Compression type={alg} (0x{CODES[alg]:04x})\n" in t.stdout
    assert f"      Uncompressed length={expected}\n" in t.stdout
    assert _ratio_line(expected, received["compressed_length"]) in t.stdout
    # the trace goes on with the certificates the message expands to
    after = t.stdout[t.stdout.index("CompressedCertificate, Length=") :]
    assert after.index("      certificate_list, length=") < after.index("CertificateVerify")
    m = exchange(server, _args(chain, "-cert_comp", "-msg"))
    assert "<<< TLS 1.3, Handshake [length " in m.stdout
    assert "], CompressedCertificate\n" in m.stdout


def test_default_client_hello_has_no_compress_certificate(
    node_servers: dict[str, NodeServer], chain: Chain
) -> None:
    server = node_servers["zstd"]
    t = exchange(server, _args(chain, "-trace"))
    assert "compress_certificate" not in t.stdout
    assert "CompressedCertificate" not in t.stdout
    assert "    Certificate, Length=" in t.stdout
    assert _json(server.port, chain)["certificate_compression"] is None


def test_no_rx_cert_comp_offers_nothing(node_servers: dict[str, NodeServer], chain: Chain) -> None:
    server = node_servers["brotli"]
    t = exchange(server, _args(chain, "-no_rx_cert_comp", "-trace"))
    assert "compress_certificate" not in t.stdout
    assert "    Certificate, Length=" in t.stdout


def test_node_client_certificate_compressed(chain: Chain, client: Chain) -> None:
    """node's CertificateRequest lists its algorithms (zstd first here): the
    client certificate goes compressed with zstd, and node expands it (it
    prints the subject it got)."""
    _codecs()
    with NodeServer(
        chain, ["X25519"], cert_compression=["zstd", "brotli", "zlib"], client_ca=client.root
    ) as server:
        args = _args(chain, "-cert_comp", *_client_args(client))
        r = exchange(server, [*args, "-msg"])
        assert r.rc == 0, r.stderr
        assert server.wait_output(b"client-cert localhost\n")
        assert ">>> TLS 1.3, Handshake [length " in r.stdout
        sent = r.stdout[r.stdout.index("<<< TLS 1.3, Handshake [length 0") :]
        assert "], CompressedCertificate\n" in sent.split("Finished")[1]  # ours, after theirs
        cc = _json(server.port, chain, "-cert_comp", *_client_args(client))[
            "certificate_compression"
        ]
        assert isinstance(cc, dict)
        assert cc["received"]["algorithm"] == "brotli"  # our ClientHello's first
        assert cc["sent"]["algorithm"] == "zstd"  # its CertificateRequest's first
        assert cc["sent"]["uncompressed_length"] == certificate_body(client.fullchain)
        t = exchange(server, [*args, "-trace"])
        ours = t.stdout.split("    Finished, Length=", 1)[1]  # after the server's Finished
        assert "    CompressedCertificate, Length=" in ours
        assert "      Compression type=zstd (0x0003)\n" in ours
        assert f"      Uncompressed length={certificate_body(client.fullchain)}\n" in ours
        st = exchange(server, [*args, "-state"])
        assert "SSL_connect:TLSv1.3 read server compressed certificate\n" in st.stderr + st.stdout
        assert "SSL_connect:TLSv1.3 write client compressed certificate\n" in st.stderr + st.stdout
        # -no_tx_cert_comp: a plain Certificate, the server's still compressed
        plain = exchange(server, [*args, "-no_tx_cert_comp", "-msg"])
        assert plain.rc == 0, plain.stderr
        assert ">>> TLS 1.3, Handshake [length " in plain.stdout
        assert plain.stdout.count("], CompressedCertificate\n") == 1
        assert (
            "], Certificate\n"
            in plain.stdout.split("<<< TLS 1.3, Handshake [length 0034], Finished")[-1]
        )


# --- tlslite-ng 0.8.2 -------------------------------------------------------------------

TLS13 = ("--min", "3.4", "--max", "3.4", "--ciphers", "aes128gcm,aes256gcm", "--macs", "aead")


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_tlslite_compresses_its_certificate(chain: Chain, alg: str) -> None:
    _codecs()
    pytest.importorskip("tlslite", reason="tlslite-ng is not installed (the test extra)")
    srv = TlsliteServer(chain.fullchain, chain.key, *TLS13, "--certcomp-send", alg).start()
    try:
        r = exchange(srv, _args(chain, "-cert_comp", "-trace"))
        assert r.rc == 0, r.stderr
        assert "Verify return code: 0 (ok)" in r.stdout
        assert f"      Compression type={alg} (0x{CODES[alg]:04x})\n" in r.stdout
        assert f"      Uncompressed length={certificate_body(chain.fullchain)}\n" in r.stdout
        assert f"CERTCOMP server={alg} client=None\n".encode() in srv.log
    finally:
        srv.stop()


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_tlslite_takes_a_compressed_client_certificate(
    chain: Chain, client: Chain, alg: str
) -> None:
    """tlslite-ng's CertificateRequest lists what it accepts (one algorithm
    here); it decompresses our certificate and says with what."""
    _codecs()
    pytest.importorskip("tlslite", reason="tlslite-ng is not installed (the test extra)")
    srv = TlsliteServer(
        chain.fullchain, chain.key, *TLS13, "--reqcert", "--certcomp-receive", alg
    ).start()
    try:
        r = exchange(srv, _args(chain, "-cert_comp", *_client_args(client)))
        assert r.rc == 0, r.stderr
        assert b"HANDSHAKE (3, 4) " in srv.log
        assert f"CERTCOMP server=brotli client={alg}\n".encode() in srv.log
    finally:
        srv.stop()


def test_without_the_extras_only_zlib_is_offered(
    node_servers: dict[str, NodeServer],
    chain: Chain,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """brotli and zstd come from optional packages: where they cannot be
    imported, -cert_comp offers zlib alone (no error), and a server that
    only has brotli sends a plain Certificate."""
    for name in ("brotli", "zstandard"):
        (tmp_path / f"{name}.py").write_text(f"raise ImportError('no {name} here')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    t = exchange(node_servers["zlib"], _args(chain, "-cert_comp", "-trace"))
    hello = t.stdout[: t.stdout.index("ServerHello")]
    assert (
        "        extension_type=compress_certificate(27), length=3\n          zlib (1)\n" in hello
    )
    assert "      Compression type=zlib (0x0001)\n" in t.stdout
    plain = exchange(node_servers["brotli"], _args(chain, "-cert_comp", "-trace"))
    assert plain.rc == 0, plain.stderr
    assert "CompressedCertificate" not in plain.stdout
    assert "    Certificate, Length=" in plain.stdout


def test_tlslite_post_handshake_certificate_compressed(chain: Chain, client: Chain) -> None:
    """-enable_pha: tlslite-ng's post-handshake CertificateRequest carries
    compress_certificate too, and the certificate that answers it goes
    compressed (OpenSSL's do_compressed_cert holds for both requests)."""
    _codecs()
    pytest.importorskip("tlslite", reason="tlslite-ng is not installed (the test extra)")
    srv = TlsliteServer(chain.fullchain, chain.key, *TLS13, "--certcomp-receive", "zstd").start()
    try:
        args = ["-connect", f"{HOST}:{srv.port}", *_args(chain, "-cert_comp", "-enable_pha")]
        with start_sclient([*args, *_client_args(client), "-msg"]) as proc:
            proc.write(b"request-pha\n")
            assert proc.out.wait_for(b"pha-requested\n", 15), proc.out.data.decode()
            proc.write(b"pha-status\n")
            # tlslite-ng records the post-handshake algorithm by its code (zstd = 3)
            assert srv.proc is not None
            assert srv.proc.out.wait_for(b"PHA cert=yes client=3\n", 15), srv.log.decode()
            assert proc.out.wait_for(b"pha-status\n", 15)
            proc.kill()
        out = proc.out.data.decode()
        after = out[out.index("], CertificateRequest\n") :]
        assert ">>> TLS 1.3, Handshake [length " in after
        assert "], CompressedCertificate\n" in after
    finally:
        srv.stop()


def test_node_after_a_hello_retry_request(chain: Chain) -> None:
    """The second ClientHello keeps compress_certificate (after the cookie, as
    OpenSSL places it): node, which wants P-384, retries, then sends its
    certificate compressed, and the transcript holds the compressed message."""
    _codecs()
    with NodeServer(chain, ["secp384r1"], cert_compression=["zlib"]) as server:
        conn = _json(server.port, chain, "-cert_comp")
        assert conn["hello_retry_request"] is True
        cc = conn["certificate_compression"]
        assert isinstance(cc, dict) and cc["received"]["algorithm"] == "zlib"
        t = exchange(server, _args(chain, "-cert_comp", "-trace"))
        assert t.rc == 0, t.stderr
        assert t.stdout.count("extension_type=compress_certificate(27)") == 2  # both ClientHellos
