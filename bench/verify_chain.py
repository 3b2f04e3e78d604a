"""CPU cost of verifying one chain of 5 certificates (leaf, 3 intermediates, root).

Builds the chain with `cryptography` (ECDSA P-256 or RSA-2048), then runs
sclient's verifier on it repeatedly, from DER as a TLS peer sends it (each run
decodes the certificates again, as a new connection would), and prints the
CPU time per verification. Also times `openssl verify` on the same chain for
scale (its whole process, so mostly start-up).

Usage: python bench/verify_chain.py [--count 500] [--rsa]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import openssl


def build_chain(rsa_keys: bool) -> list[bytes]:
    """DER of leaf, inter3, inter2, inter1, root."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def key() -> object:
        if rsa_keys:
            return rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return ec.generate_private_key(ec.SECP256R1())

    now = dt.datetime.now(dt.UTC)
    names = ["Bench Root", "Bench Inter 1", "Bench Inter 2", "Bench Inter 3", "localhost"]
    keys = [key() for _ in names]
    certs: list[bytes] = []
    for i, cn in enumerate(names):
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[max(i - 1, 0)])])
        signer = keys[max(i - 1, 0)]
        leaf = i == len(names) - 1
        b = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(keys[i].public_key())  # type: ignore[attr-defined]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=not leaf, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(keys[i].public_key()),  # type: ignore[attr-defined]
                critical=False,
            )
        )
        if leaf:
            b = b.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            ).add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
        cert = b.sign(signer, hashes.SHA256())  # type: ignore[arg-type]
        certs.append(cert.public_bytes(serialization.Encoding.DER))
    return list(reversed(certs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--rsa", action="store_true")
    args = ap.parse_args()

    from sclient.x509.cert import Certificate
    from sclient.x509.store import TrustStore
    from sclient.x509.verify import verify_chain

    chain = build_chain(args.rsa)
    store = TrustStore()
    store.add_cert(Certificate(chain[-1]))
    peer = chain[:-1]  # the server sends leaf and intermediates, not the root
    now = time.time()
    result = verify_chain(peer, store, now=now)
    if not result.ok or len(result.chain) != 5:
        raise SystemExit(f"the bench chain does not verify: error {result.error}")
    for _ in range(20):
        verify_chain(peer, store, now=now)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(args.count):
        verify_chain(peer, store, now=now)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / args.count

    with tempfile.TemporaryDirectory() as tmp:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding

        def pem(d: bytes) -> bytes:
            return x509.load_der_x509_certificate(d).public_bytes(Encoding.PEM)

        root, untrusted, leaf = (
            Path(tmp, "root.pem"),
            Path(tmp, "untrusted.pem"),
            Path(tmp, "leaf.pem"),
        )
        root.write_bytes(pem(chain[-1]))
        untrusted.write_bytes(b"".join(pem(d) for d in chain[1:-1]))
        leaf.write_bytes(pem(chain[0]))
        cmd = [openssl(), "verify", "-CAfile", str(root), "-untrusted", str(untrusted), str(leaf)]
        runs = []
        for _ in range(10):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            runs.append(time.perf_counter() - t0)
    kind = "RSA-2048" if args.rsa else "ECDSA P-256"
    print(f"verify a chain of 5 ({kind}), {args.count} runs")
    print(f"  sclient verifier  {cpu * 1000:6.3f} ms CPU per chain (decoding included)")
    print(f"  openssl verify    {min(runs) * 1000:6.3f} ms wall per process (start-up included)")


if __name__ == "__main__":
    main()
