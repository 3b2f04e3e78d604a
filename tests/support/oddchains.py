"""Chains that ``cryptography`` warns about, made with the openssl command.

cryptography deprecates DSA (51), finite-field Diffie-Hellman (50) and
certificates whose serial is zero or negative; it warns when they are loaded,
or when a deprecated name is merely touched. OpenSSL 3.0 handles them all.
Each chain is root -> leaf for ``localhost`` plus a client certificate with a
negative serial, under ``base/<kind>/``: ``root.pem``, ``root.key``,
``leaf.pem``, ``leaf.key`` (the key of both leaf and client), ``client.pem``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@dataclass(frozen=True)
class Kind:
    """One chain: how its keys are made and how it is served."""

    name: str
    genpkey: tuple[str, ...]
    leaf_serial: str = "7"
    server_args: tuple[str, ...] = ()
    client_args: tuple[str, ...] = ()
    read_varies: bool = False


KINDS = [
    Kind(
        "dsa",
        ("-paramfile", "dsap.pem"),
        server_args=("-tls1_2", "-cipher", "ALL:@SECLEVEL=1"),
        client_args=("-sigalgs", "DSA+SHA256", "-cipher", "DHE-DSS-AES128-GCM-SHA256"),
        read_varies=True,
    ),
    Kind("ed25519", ("-algorithm", "ED25519")),
    Kind("ed448", ("-algorithm", "ED448")),
    Kind(
        "serial-zero",
        ("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
        "0",
        read_varies=True,
    ),
    Kind(
        "serial-negative",
        ("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
        "-5",
        read_varies=True,
    ),
    Kind(
        "ffdhe",
        ("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
        server_args=("-tls1_2",),
        client_args=("-cipher", "DHE-RSA-AES128-GCM-SHA256"),
        read_varies=True,
    ),
]


def make_chain(base: Path, kind: Kind) -> Path:
    """root -> leaf for ``localhost`` (and a client certificate) under ``base/kind``."""
    d = base / kind.name
    d.mkdir()
    if kind.name in ("dsa",):
        _openssl(
            "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048",
            "-out", "dsap.pem", cwd=d,
        )  # fmt: skip
    for role in ("root", "leaf"):
        _openssl("genpkey", *kind.genpkey, "-out", f"{role}.key", cwd=d)
    (d / "leaf.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl(
        "req", "-x509", "-new", "-key", "root.key", "-subj", f"/O=sclient tests/CN={kind.name} root",
        "-days", "30", "-set_serial", "1", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "root.pem", cwd=d,
    )  # fmt: skip
    for name, subject, serial in (
        ("leaf", "localhost", kind.leaf_serial),
        ("client", "client", "-9"),
    ):
        _openssl(
            "req", "-new", "-key", "leaf.key", "-subj", f"/CN={subject}", "-out", "x.csr", cwd=d
        )
        _openssl(
            "x509", "-req", "-in", "x.csr", "-CA", "root.pem", "-CAkey", "root.key",
            "-set_serial", serial, "-days", "30", "-extfile", "leaf.cnf", "-out", f"{name}.pem",
            cwd=d,
        )  # fmt: skip
    return d
