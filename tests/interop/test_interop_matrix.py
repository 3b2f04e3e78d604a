"""Interoperability matrix: sclient (the real CLI) against real peers on loopback.

Each cell connects with ``-CAfile <root>`` and a forced version / suite / group,
sends a line that the server must see, prints the server's answer, and ends
on stdin EOF. The negotiated version, suite, group, signature and
verification result are read from the text summary and, when the client
has ``-json``, from a second run's JSON document; both must match the cell.

Peers: ``openssl s_server``, ``gnutls-serv --echo`` and a Python ``ssl``
server, one instance per (peer, certificate kind, variant), reused.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from support.exchange import exchange
from support.peers import HOST, Relay
from support.procs import Result, assert_clean_stderr, run_sclient
from support.summary import Negotiated, client_supports_json, parse_json, parse_text

pytestmark = pytest.mark.interop

PEERS = ("openssl", "gnutls", "python")
KINDS = ("rsa", "ecdsa", "ed25519")
TLS13_SUITES = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
TLS13_GROUPS = ("x25519", "secp256r1", "x448", "secp384r1", "ffdhe2048")
ECDHE_GROUPS = ("x25519", "secp256r1", "secp384r1", "x448")

#: The server's signature (``Peer signature type`` / ``Peer signing digest``) per key kind.
SIGNATURE = {
    "rsa": ("RSA-PSS", "SHA256"),
    "ecdsa": ("ECDSA", "SHA256"),
    "ed25519": ("ed25519", None),
}


@dataclass(frozen=True)
class Cell:
    peer: str
    kind: str
    version: str  # "TLSv1.3" / "TLSv1.2"
    args: tuple[str, ...]
    cipher: str
    group: str | None  # None: no ephemeral key (RSA key exchange)
    signed: bool = True  # False: RSA key exchange, no server signature
    variant: str = "default"
    relay: str | None = None  # "tiny" / "bytewise"

    @property
    def id(self) -> str:
        parts = [
            self.peer,
            self.kind,
            self.version,
            self.cipher,
            self.group or "rsa-kx",
            self.variant,
        ]
        if self.relay:
            parts.append(self.relay)
        return "-".join(parts)


def _tls13_cells() -> list[Cell]:
    cells = []
    for peer in PEERS:
        for i, suite in enumerate(TLS13_SUITES):
            for j, group in enumerate(TLS13_GROUPS):
                kind = KINDS[(i + j) % len(KINDS)]  # every row and column sees every key kind
                args = ("-tls1_3", "-ciphersuites", suite, "-groups", group)
                cells.append(Cell(peer, kind, "TLSv1.3", args, suite, group))
    return cells


#: (cipher, key kinds, server variant, key exchange)
TLS12_SUITES: list[tuple[str, tuple[str, ...], str, str]] = [
    ("ECDHE-ECDSA-AES128-GCM-SHA256", ("ecdsa", "ed25519"), "default", "ecdhe"),
    ("ECDHE-ECDSA-AES256-GCM-SHA384", ("ecdsa", "ed25519"), "default", "ecdhe"),
    ("ECDHE-ECDSA-CHACHA20-POLY1305", ("ecdsa", "ed25519"), "default", "ecdhe"),
    ("ECDHE-ECDSA-AES128-SHA", ("ecdsa", "ed25519"), "default", "ecdhe"),  # CBC, encrypt-then-MAC
    ("ECDHE-ECDSA-AES128-SHA", ("ecdsa", "ed25519"), "no_etm", "ecdhe"),  # CBC, MAC-then-encrypt
    ("ECDHE-ECDSA-AES256-SHA384", ("ecdsa",), "default", "ecdhe"),
    ("ECDHE-RSA-AES128-GCM-SHA256", ("rsa",), "default", "ecdhe"),
    ("ECDHE-RSA-AES256-GCM-SHA384", ("rsa",), "default", "ecdhe"),
    ("ECDHE-RSA-CHACHA20-POLY1305", ("rsa",), "default", "ecdhe"),
    ("ECDHE-RSA-AES128-SHA", ("rsa",), "default", "ecdhe"),
    ("ECDHE-RSA-AES128-SHA", ("rsa",), "no_etm", "ecdhe"),
    ("ECDHE-RSA-AES256-SHA384", ("rsa",), "no_etm", "ecdhe"),
    ("DHE-RSA-AES128-GCM-SHA256", ("rsa",), "default", "dhe"),
    ("DHE-RSA-AES256-SHA256", ("rsa",), "default", "dhe"),
    ("DHE-RSA-CHACHA20-POLY1305", ("rsa",), "default", "dhe"),
    ("AES128-GCM-SHA256", ("rsa",), "default", "rsa"),
    ("AES256-SHA256", ("rsa",), "default", "rsa"),
    ("AES128-SHA", ("rsa",), "no_etm", "rsa"),
]


def _tls12_cells() -> list[Cell]:
    cells = []
    for peer in PEERS:
        n = 0
        for cipher, kinds, variant, kex in TLS12_SUITES:
            for kind in kinds:
                args: tuple[str, ...] = ("-tls1_2", "-cipher", cipher)
                if kex == "ecdhe" and kind == "ecdsa":
                    # TLS 1.2: the client must list the certificate's curve (RFC 8422 §5.1),
                    # and Python's server prefers its own order (x25519 before P-256).
                    group: str | None = ("x25519", "secp256r1")[n % 2]
                    n += 1
                    args += ("-groups", "x25519:secp256r1" if group == "x25519" else "secp256r1")
                elif kex == "ecdhe":
                    group = ECDHE_GROUPS[n % len(ECDHE_GROUPS)]
                    n += 1
                    args += ("-groups", group)  # type: ignore[operator]
                elif kex == "dhe":
                    group = "ffdhe2048"
                else:
                    group = None
                cells.append(
                    Cell(peer, kind, "TLSv1.2", args, cipher, group, kex != "rsa", variant)
                )
    return cells


def _special_cells() -> list[Cell]:
    cells = []
    # HelloRetryRequest: the server takes only P-256, the client's first share is X25519.
    for peer in PEERS:
        cells.append(
            Cell(
                peer,
                "ecdsa",
                "TLSv1.3",
                ("-tls1_3",),
                "TLS_AES_256_GCM_SHA384",
                "secp256r1",
                variant="p256only",
            )
        )
    # A server that fragments its flight: 512-byte records (openssl), 1-byte handshake
    # records and one TCP segment per byte (Python server behind a relay).
    for version, flag in (("TLSv1.3", "-tls1_3"), ("TLSv1.2", "-tls1_2")):
        cipher = "TLS_AES_256_GCM_SHA384" if version == "TLSv1.3" else "ECDHE-RSA-AES256-GCM-SHA384"
        cells.append(Cell("openssl", "rsa", version, (flag,), cipher, "x25519", variant="frag512"))
        for relay in ("tiny", "bytewise"):
            cells.append(Cell("python", "rsa", version, (flag,), cipher, "x25519", relay=relay))
    return cells


CELLS = _tls13_cells() + _tls12_cells() + _special_cells()


def check(n: Negotiated, cell: Cell, source: str, res: Result) -> None:
    want_sig = SIGNATURE[cell.kind] if cell.signed else (None, None)
    got = {
        "version": n.version,
        "cipher": n.cipher,
        "group": n.group,
        "sig_type": n.sig_type,
        "sig_digest": n.sig_digest,
        "verification": n.verification,
    }
    want = {
        "version": cell.version,
        "cipher": cell.cipher,
        "group": cell.group,
        "sig_type": want_sig[0],
        "sig_digest": want_sig[1],
        "verification": "OK",
    }
    if cell.peer == "gnutls" and cell.kind == "rsa" and cell.signed:
        # GnuTLS picks RSA-PSS too, but do not insist on the hash it pairs with it.
        want["sig_digest"] = (
            got["sig_digest"] if got["sig_digest"] in ("SHA256", "SHA384", "SHA512") else "SHA256"
        )
    assert got == want, (
        f"{source}: negotiated values differ\n--- stdout ---\n{res.stdout}\n--- stderr ---\n{res.stderr}"
    )


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.id)
def test_interop(cell: Cell, peers, pki) -> None:  # type: ignore[no-untyped-def]
    server = peers.get(cell.peer, cell.kind, cell.variant)
    chain = pki[cell.kind]
    args = ["-CAfile", str(chain.root), *cell.args]
    relay = None
    if cell.relay:
        relay = Relay(
            server.port, tiny=cell.relay == "tiny", bytewise=cell.relay == "bytewise"
        ).start()
    try:
        port = relay.port if relay else server.port
        res = exchange(server, args, port=port)
        assert res.rc == 0, (
            f"exit status {res.rc}\n--- stdout ---\n{res.stdout}\n--- stderr ---\n{res.stderr}"
        )
        assert_clean_stderr(res.stderr)
        assert "DONE" in res.stderr
        check(parse_text(res.stdout, res.stderr), cell, "text", res)
        if client_supports_json():
            jres = run_sclient(["-connect", f"{HOST}:{port}", *args, "-json"], stdin=b"")
            assert jres.rc == 0, f"-json: exit status {jres.rc}\n{jres.stderr}"
            assert_clean_stderr(jres.stderr)
            _doc, n = parse_json(jres.stdout)
            check(n, cell, "json", jres)
    finally:
        if relay is not None:
            relay.stop()
    if cell.peer == "python":
        info = server.handshakes[-1]
        assert info.version == cell.version
        assert info.cipher == cell.cipher


@pytest.mark.parametrize("peer", PEERS)
def test_alpn(peer: str, peers, pki) -> None:  # type: ignore[no-untyped-def]
    server = peers.get(peer, "rsa", "alpn")
    res = exchange(server, ["-CAfile", str(pki["rsa"].root), "-alpn", "h2,http/1.1"])
    assert res.rc == 0, res.stderr
    assert parse_text(res.stdout, res.stderr).alpn == "h2", res.stdout


def _json_run(server, args: list[str]) -> dict:  # type: ignore[no-untyped-def]
    """Run sclient with ``-json`` against ``server`` and return the validated document."""
    if not client_supports_json():
        pytest.skip("the client under test has no -json")
    res = run_sclient(["-connect", f"{HOST}:{server.port}", *args, "-json"], stdin=b"")
    assert res.rc == 0, f"exit status {res.rc}\n{res.stderr}"
    assert_clean_stderr(res.stderr)
    doc, _ = parse_json(res.stdout)
    return doc


@pytest.mark.parametrize("variant", ["default", "no_etm"])
@pytest.mark.parametrize("peer", PEERS)
def test_encrypt_then_mac_extension(peer: str, variant: str, peers, pki) -> None:  # type: ignore[no-untyped-def]
    """The server's encrypt_then_mac extension is seen, and EtM used, only when
    the server agreed to it (CBC suite); the data exchange proves the record
    protection either way."""
    server = peers.get(peer, "rsa", variant)
    args = ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"]
    res = exchange(server, args)
    assert res.rc == 0, res.stderr
    doc = _json_run(server, args)
    names = [e["name"] for e in doc["server_extensions"]]
    agreed = variant == "default"
    assert ("encrypt_then_mac" in names) == agreed, names
    assert doc["encrypt_then_mac"] is agreed


@pytest.mark.parametrize("peer", PEERS)
def test_hello_retry_request(peer: str, peers, pki) -> None:  # type: ignore[no-untyped-def]
    """A server that only accepts P-256 makes sclient (x25519 first) retry."""
    server = peers.get(peer, "ecdsa", "p256only")
    res = exchange(server, ["-tls1_3"])
    assert res.rc == 0, res.stderr
    assert parse_text(res.stdout, res.stderr).group == "secp256r1"
    doc = _json_run(server, ["-tls1_3"])
    assert doc["hello_retry_request"] is True
    assert doc["group"] == "secp256r1"


@pytest.mark.parametrize("relay", ["tiny", "bytewise"])
def test_fragmented_flight_really_fragmented(relay: str, pki) -> None:  # type: ignore[no-untyped-def]
    """The relays used above do what they claim (checked with openssl -msg)."""
    from support.peers import PyTLSServer
    from support.procs import run_openssl_s_client

    with (
        PyTLSServer(pki["rsa"]) as srv,
        Relay(srv.port, tiny=relay == "tiny", bytewise=relay == "bytewise") as r,
    ):
        res = run_openssl_s_client(["-connect", f"{HOST}:{r.port}", "-tls1_2", "-msg"], stdin=b"")
    assert res.rc == 0, res.stderr
    headers = [ln for ln in res.stdout.splitlines() if ln.strip() == "16 03 03 00 01"]
    if relay == "tiny":
        assert len(headers) > 1000, "expected >1000 one-byte handshake records"
    else:
        assert srv.handshakes and srv.handshakes[0].version == "TLSv1.2"


def test_ipv6_loopback(pki) -> None:  # type: ignore[no-untyped-def]
    """``-connect [::1]:PORT`` reaches a server on the IPv6 loopback."""
    import socket

    from support.peers import PyTLSServer

    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError as e:
        pytest.skip(f"no IPv6 loopback on this machine: {e}")
    with PyTLSServer(pki["ecdsa"], host="::1") as srv:
        res = exchange(srv, ["-CAfile", str(pki["ecdsa"].root)], target=f"[::1]:{srv.port}")
    assert res.rc == 0, res.stderr
    assert parse_text(res.stdout, res.stderr).verification == "OK"


@pytest.mark.parametrize("peer", PEERS)
def test_wrong_root_is_not_trusted(peer: str, peers, pki) -> None:  # type: ignore[no-untyped-def]
    """The cells above say ``Verification: OK``; this shows that is a verdict: with
    another chain's root as -CAfile the same server does not verify (error 20),
    and the connection still goes on (default verify mode), as with openssl."""
    server = peers.get(peer, "rsa")
    res = exchange(server, ["-CAfile", str(pki["ecdsa"].root)])
    assert res.rc == 0, res.stderr
    n = parse_text(res.stdout, res.stderr)
    assert n.verification == "unable to get local issuer certificate", res.stdout
    assert "verify error:num=20:unable to get local issuer certificate" in res.stderr, res.stderr
