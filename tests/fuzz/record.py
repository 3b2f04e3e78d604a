"""Write the seed corpus: ``tools/fuzz.py record`` (needs ``openssl`` on PATH).

- ``corpus/flights/``: what ``openssl s_server`` sends to the deterministic
  clients of :data:`fuzz.engine.FLIGHTS` (the test PKI's RSA, ECDSA and
  Ed25519 chains; TLS 1.3 with tickets, HelloRetryRequest, a
  CertificateRequest, ALPN, application data and KeyUpdate; TLS 1.2 with
  tickets, a CertificateRequest and application data; and a resumed
  handshake of each version, whose session is kept in ``corpus/resume/``);
- ``corpus/certs/``: the test PKI's certificates (DER) and a PEM bundle;
- ``corpus/sessions/``: session files written by ``openssl s_client
  -sess_out`` (TLS 1.3 and 1.2).

The corpus is small and kept in the repository; record again only when a
flight no longer completes (a change to the ClientHello the engine builds).
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fuzz.engine import (
    CORPUS,
    FLIGHT_DIR,
    RESUME_DIR,
    flight_keys,
    load_flight,
    make_config,
    resumed_session,
)
from sclient.tls import events as ev
from sclient.tls.client import Client
from sclient.tls.sessionfile import to_pem
from support.pki import PKI

#: name -> (client kind, key kind, s_server arguments, lines typed to s_server after the handshake)
SERVERS: dict[str, tuple[str, str, list[str], list[bytes]]] = {
    "tls13-rsa-tickets": (
        "tls13",
        "rsa",
        ["-tls1_3", "-num_tickets", "2", "-alpn", "http/1.1"],
        [b"hello from the server\n", b"k\n", b"K\n"],
    ),
    "tls13-ecdsa-hrr": (
        "tls13",
        "ecdsa",
        ["-tls1_3", "-groups", "P-256", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"],
        [b"data\n"],
    ),
    "tls13-ed25519-certreq": (
        "tls13",
        "ed25519",
        ["-tls1_3", "-verify", "1", "-ciphersuites", "TLS_AES_128_GCM_SHA256", "-num_tickets", "1"],
        [],
    ),
    "tls12-rsa-ticket": (
        "tls12",
        "rsa",
        ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-alpn", "http/1.1"],
        [b"hello from the server\n"],
    ),
    "tls12-ecdsa-certreq": (
        "tls12",
        "ecdsa",
        ["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305", "-verify", "1", "-no_ticket"],
        [b"data\n"],
    ),
    "tls13resume-rsa": (
        "tls13resume",
        "rsa",
        ["-tls1_3", "-num_tickets", "1", "-alpn", "http/1.1"],
        [b"resumed\n", b"k\n"],
    ),
    "tls12resume-rsa-ticket": (
        "tls12resume",
        "rsa",
        ["-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"],
        [b"resumed\n"],
    ),
    "tls12-ecdsa-p384": (
        "tls12",
        "ecdsa",
        ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-groups", "P-384"],
        [],
    ),
}


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return int(port)


def _start_server(pki: PKI, key_kind: str, args: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    chain = pki[key_kind]
    port = _free_port()
    cmd = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}"]
    if "-naccept" not in args:
        cmd += ["-naccept", "1"]
    cmd += ["-cert", str(chain.leaf), "-key", str(chain.key), "-cert_chain", str(chain.chain)]
    proc = subprocess.Popen(
        cmd + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        # Wait for the listener without connecting (-naccept 1).
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if str(port) in out.stdout:
            return proc, port
        if proc.poll() is not None:
            raise RuntimeError(f"s_server died: {proc.stdout.read()!r}")  # type: ignore[union-attr]
        time.sleep(0.05)
    raise RuntimeError("s_server did not listen")


def _converse(
    proc: subprocess.Popen[bytes], port: int, client: Client, typed: list[bytes], name: str
) -> list[bytes]:
    """One connection: the server's bytes as they came, until it is quiet for 1 s."""
    chunks: list[bytes] = []
    client.start()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(client.data_to_send())
    typed_left = list(typed)
    quiet_since = time.monotonic()
    while True:
        r, _, _ = select.select([sock], [], [], 0.3)
        if r:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
            events = client.receive(data)
            out = client.data_to_send()
            if out:
                sock.sendall(out)
            if any(isinstance(e, ev.ConnectionFailed) for e in events):
                raise RuntimeError(f"{name}: {events[-1]!r}")
            quiet_since = time.monotonic()
            continue
        if client.handshake_complete and typed_left:
            assert proc.stdin is not None
            proc.stdin.write(typed_left.pop(0))
            proc.stdin.flush()
            quiet_since = time.monotonic()
            continue
        if time.monotonic() - quiet_since > 1.0:
            break
    sock.close()
    return chunks


def record_flight(pki: PKI, name: str) -> dict[str, object]:
    kind, key_kind, args, typed = SERVERS[name]
    resume = kind.endswith("resume")
    proc, port = _start_server(pki, key_kind, ["-naccept", "2", *args] if resume else args)
    try:
        if resume:
            # A first, full handshake gives the session (ticket) the second resumes.
            first = Client(make_config(kind.removesuffix("resume")))
            _converse(proc, port, first, [], name)
            assert first.session is not None and first.handshake_complete
            path = RESUME_DIR / f"{kind}.pem"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(to_pem(first.session))
            resumed_session.cache_clear()
        client = Client(make_config(kind))
        chunks = _converse(proc, port, client, typed, name)
        if resume:
            assert client.resumed_session is not None, f"{name}: the server did not resume"
    finally:
        proc.kill()
        proc.communicate(timeout=10)
    return {
        "kind": kind,
        "server": "openssl s_server " + " ".join(args),
        "chunks": [c.hex() for c in chunks],
    }


def record_sessions(pki: PKI, out_dir: Path) -> None:
    for name, version in (("tls13", "-tls1_3"), ("tls12", "-tls1_2")):
        proc, port = _start_server(pki, "rsa", [version])
        try:
            path = out_dir / f"{name}.pem"
            cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-sess_out"]
            cmd += [str(path), "-servername", "localhost", "-alpn", "http/1.1"]
            cmd += ["-CAfile", str(pki["rsa"].root)]
            # stdin stays open a moment: the TLS 1.3 ticket comes after the handshake
            client = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(1.0)
            client.communicate(b"", timeout=20)
        finally:
            proc.kill()
            proc.communicate(timeout=10)


def record_certs(pki: PKI, out_dir: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    bundle = b""
    for kind in ("rsa", "ecdsa", "ed25519"):
        c = pki[kind]
        for role, path in (("leaf", c.leaf), ("int", c.chain), ("root", c.root)):
            pem = path.read_bytes()
            cert = x509.load_pem_x509_certificate(pem)
            (out_dir / f"{kind}-{role}.der").write_bytes(cert.public_bytes(Encoding.DER))
            bundle += pem
    (out_dir / "bundle.pem").write_bytes(bundle)
    record_crls(pki, out_dir)


def record_crls(pki: PKI, out_dir: Path) -> None:
    """A CRL from each CA of the RSA chain, one revoking the leaf, with the
    extensions the verifier reads (CRL number, AKID, an IDP, a reason)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    c = pki["rsa"]
    now = datetime.datetime.now(datetime.UTC)
    for name, ca_path, key_path, revoked_path in (
        ("int-crl", c.chain, c.int_key, c.leaf),
        ("root-crl", c.root, c.root_key, None),
    ):
        ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        b = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca.subject)
            .last_update(now - datetime.timedelta(days=1))
            .next_update(now + datetime.timedelta(days=30))
            .add_extension(x509.CRLNumber(7), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
        )
        if revoked_path is None:  # the root's CRL has an IDP (the leaf's CA's is usable)
            b = b.add_extension(
                x509.IssuingDistributionPoint(
                    full_name=[x509.UniformResourceIdentifier("http://127.0.0.1/ca.crl")],
                    relative_name=None,
                    only_contains_user_certs=False,
                    only_contains_ca_certs=True,
                    only_some_reasons=None,
                    indirect_crl=False,
                    only_contains_attribute_certs=False,
                ),
                critical=True,
            )
        else:
            leaf = x509.load_pem_x509_certificate(revoked_path.read_bytes())
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(leaf.serial_number)
                .revocation_date(now - datetime.timedelta(hours=1))
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
                .build()
            )
            b = b.add_revoked_certificate(entry)
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(12345).revocation_date(now).build()
        )
        crl = b.sign(key, hashes.SHA256())  # type: ignore[arg-type]
        (out_dir / f"rsa-{name}.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))


def main(argv: list[str]) -> int:
    names = argv or list(SERVERS)
    with tempfile.TemporaryDirectory(prefix="sclient-fuzz-") as tmp:
        pki = PKI(Path(tmp))
        FLIGHT_DIR.mkdir(parents=True, exist_ok=True)
        for name in names:
            doc = record_flight(pki, name)
            path = FLIGHT_DIR / f"{name}.json"
            path.write_text(json.dumps(doc, indent=1) + "\n")
            flight_keys.cache_clear()
            flight_keys(load_flight(path))  # it must replay to completion
            print(f"{path}: {sum(len(c) for c in doc['chunks'])} bytes")  # type: ignore[misc, arg-type]
        if not argv:
            for sub in ("certs", "sessions"):
                (CORPUS / sub).mkdir(parents=True, exist_ok=True)
            record_certs(pki, CORPUS / "certs")
            record_sessions(pki, CORPUS / "sessions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
