"""OCSP responses for the test PKI, made with ``openssl ocsp`` (peers.md):
an index file per status, a request for the leaf, and the responder's answer
signed by the issuing CA, by a delegated responder (a certificate with
id-kp-OCSPSigning the intermediate issued) or by a signer with no authority.
The expired response is made with ``cryptography``'s builder, since
``openssl ocsp`` only dates responses from now on.

``responses(chain, dir)`` returns ``{name: Path}`` for: good, revoked,
unknown, nonce (with a nonce, responder by key hash), delegated, wrong_signer
(signed by the root, which did not issue the leaf), bad_signature (a byte of
the signature flipped), expired (nextUpdate in the past), no_certs (good,
without the responder's certificate).
"""

from __future__ import annotations

import datetime as _dt
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from support.pki import Chain, write_pair
from support.procs import _env


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, env=_env())


def _load(p: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(p.read_bytes())


def _index(cert: x509.Certificate, status: str) -> str:
    serial = f"{cert.serial_number:X}"
    if len(serial) % 2:
        serial = "0" + serial
    rev = "240101000000Z,keyCompromise" if status == "R" else ""
    return f"{status}\t291231235959Z\t{rev}\t{serial}\tunknown\t/O=sclient tests/CN=localhost\n"


def _delegated(chain: Chain, d: Path) -> tuple[Path, Path]:
    """A responder certificate with id-kp-OCSPSigning, issued by the intermediate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    int_key = serialization.load_pem_private_key(chain.int_key.read_bytes(), None)
    inter = _load(chain.chain)
    now = _dt.datetime.now(_dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sclient tests"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "sclient OCSP Responder"),
                ]
            )
        )
        .issuer_name(inter.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(days=1))
        .not_valid_after(now + _dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        .sign(int_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return write_pair(cert, key, d / "responder.pem", d / "responder.key")


def _expired(chain: Chain, out: Path) -> None:
    leaf, inter = _load(chain.leaf), _load(chain.chain)
    key = serialization.load_pem_private_key(chain.int_key.read_bytes(), None)
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=leaf,
            issuer=inter,
            algorithm=hashes.SHA1(),
            cert_status=ocsp.OCSPCertStatus.GOOD,
            this_update=now - _dt.timedelta(days=10),
            next_update=now - _dt.timedelta(days=3),
            revocation_time=None,
            revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.NAME, inter)
    )
    resp = builder.sign(key, hashes.SHA256())  # type: ignore[arg-type]
    out.write_bytes(resp.public_bytes(serialization.Encoding.DER))


def responses(chain: Chain, d: Path) -> dict[str, Path]:
    d.mkdir(parents=True, exist_ok=True)
    leaf = _load(chain.leaf)
    (d / "index.good").write_text(_index(leaf, "V"))
    (d / "index.revoked").write_text(_index(leaf, "R"))
    (d / "index.unknown").write_text("")
    ca = ["-CA", str(chain.chain)]
    issuer = ["-issuer", str(chain.chain), "-cert", str(chain.leaf)]
    _run("ocsp", *issuer, "-no_nonce", "-reqout", "req.der", cwd=d)
    _run("ocsp", *issuer, "-reqout", "req_nonce.der", cwd=d)
    by_int = ["-rsigner", str(chain.chain), "-rkey", str(chain.int_key)]
    out: dict[str, Path] = {}

    def answer(name: str, index: str, signer: list[str], *extra: str, req: str = "req.der") -> None:
        path = d / f"{name}.der"
        _run(
            "ocsp", "-index", index, *ca, *signer, "-reqin", req, "-respout", str(path),
            "-ndays", "7", *extra, cwd=d,
        )  # fmt: skip
        out[name] = path

    answer("good", "index.good", by_int)
    answer("revoked", "index.revoked", by_int)
    answer("unknown", "index.unknown", by_int)
    answer("nonce", "index.good", by_int, "-resp_key_id", req="req_nonce.der")
    answer("no_certs", "index.good", by_int, "-resp_no_certs")
    rcert, rkey = _delegated(chain, d)
    answer("delegated", "index.good", ["-rsigner", str(rcert), "-rkey", str(rkey)])
    answer(
        "wrong_signer", "index.good", ["-rsigner", str(chain.root), "-rkey", str(chain.root_key)]
    )
    bad = bytearray(out["good"].read_bytes())
    # the signature BIT STRING comes right before the certificates; flip a byte in it
    cert_der = _load(chain.chain).public_bytes(serialization.Encoding.DER)
    at = bytes(bad).find(cert_der) - 40
    bad[at] ^= 0x01
    out["bad_signature"] = d / "bad_signature.der"
    out["bad_signature"].write_bytes(bytes(bad))
    out["expired"] = d / "expired.der"
    _expired(chain, out["expired"])
    return out
