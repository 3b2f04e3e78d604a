"""No Python warning escapes sclient's own code, whatever ``cryptography`` deprecates.

Every call below runs with ``warnings.simplefilter("error")``: a warning from
sclient's use of DSA, finite-field DH or a certificate with a serial <= 0
becomes an exception (or, where sclient swallows exceptions, a wrong answer),
and each answer is checked against what the openssl command says of the same
file.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from sclient.app import credentials
from sclient.base import pyca
from sclient.base.pem import read_blocks
from sclient.tls.crypto import kex
from sclient.tls.crypto.ffdhe import FFDHE_GROUPS
from sclient.tls.crypto.signatures import sign_scheme, verify_scheme
from sclient.x509 import describe
from sclient.x509.cert import Certificate
from sclient.x509.store import TrustStore
from sclient.x509.verify import verify_chain
from support.oddchains import KINDS, make_chain
from support.peers import require

NAMES = [k.name for k in KINDS if k.name != "ffdhe"]


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require("openssl")
    base = tmp_path_factory.mktemp("oddchains")
    return {k.name: make_chain(base, k) for k in KINDS}


@pytest.fixture(autouse=True)
def warnings_are_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _openssl(*args: str) -> str:
    return subprocess.run(["openssl", *args], check=True, capture_output=True, text=True).stdout


def _der(path: Path) -> bytes:
    return read_blocks(path.read_bytes())[0].data


@pytest.mark.parametrize("name", NAMES)
def test_certificate_as_openssl_reads_it(name: str, chains: dict[str, Path]) -> None:
    d = chains[name]
    text = _openssl("x509", "-in", str(d / "leaf.pem"), "-noout", "-text", "-serial")
    leaf = Certificate(_der(d / "leaf.pem"))
    assert leaf.public_key is not None
    alg, bits = describe.key_description(leaf.der) or ("?", 0)
    m = re.search(r"Public Key Algorithm: (\S+)", text)
    assert m is not None
    # openssl x509 -text prints the long name, s_client's a: line the short one
    assert {"dsaEncryption": "DSA"}.get(m.group(1), m.group(1)) == alg
    m = re.search(r"Public-Key: \((\d+) bit\)", text)
    if m is not None:  # Ed25519/Ed448 print no size
        assert int(m.group(1)) == bits
    serial = re.search(r"^serial=(-?)([0-9A-F]+)$", text, re.M)
    assert serial is not None
    want = int(serial.group(2), 16) * (-1 if serial.group(1) else 1)
    assert leaf.serial == want


@pytest.mark.parametrize("name", NAMES)
def test_chain_verifies_as_openssl_verifies_it(name: str, chains: dict[str, Path]) -> None:
    d = chains[name]
    leaf = Certificate(_der(d / "leaf.pem"))
    now = leaf.not_before.posix_strict()
    assert now is not None
    ref = subprocess.run(
        ["openssl", "verify", "-CAfile", str(d / "root.pem"), str(d / "leaf.pem")],
        capture_output=True,
        text=True,
    )
    res = verify_chain([leaf.der], TrustStore.load(cafile=str(d / "root.pem")), now=now + 60)
    assert res.ok == (ref.returncode == 0), ref.stdout + ref.stderr


@pytest.mark.parametrize("name", NAMES)
def test_client_key_loads_and_signs(name: str, chains: dict[str, Path]) -> None:
    d = chains[name]
    loaded = credentials.load_files(str(d / "client.pem"), str(d / "leaf.key"), None, None)
    assert loaded is not None
    cred = credentials.make_credential(loaded)
    assert pyca.key_kind(loaded.key) == {"dsa": "dsa", "ed25519": "ed25519", "ed448": "ed448"}.get(
        name, "ec"
    )
    scheme = {"dsa": 0x0402, "ed25519": 0x0807, "ed448": 0x0808}.get(name, 0x0403)
    sig = sign_scheme(scheme, loaded.key, b"signed")
    verify_scheme(scheme, loaded.key.public_key(), b"signed", sig)
    assert cred is not None


def test_ffdhe_key_exchange_is_silent() -> None:
    a = kex.generate_key_share(0x0100)  # ffdhe2048
    b = kex.generate_key_share(0x0100)
    assert a.exchange(b.public_bytes()) == b.exchange(a.public_bytes())
    p = FFDHE_GROUPS[0x0100]
    c, d = kex.DheKeyShare(p, 2), kex.DheKeyShare(p, 2)
    assert c.exchange(d.public_bytes()) == d.exchange(c.public_bytes())


@pytest.mark.parametrize(
    ("algorithm", "kind"),
    [
        ("RSA", "rsa"),
        ("EC -pkeyopt ec_paramgen_curve:P-256", "ec"),
        ("ED25519", "ed25519"),
        ("ED448", "ed448"),
        ("X25519", "x25519"),
        ("X448", "x448"),
    ],
)
def test_key_kind(algorithm: str, kind: str) -> None:
    from cryptography.hazmat.primitives import serialization

    pem = _openssl("genpkey", "-algorithm", *algorithm.split())
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert pyca.key_kind(key) == kind and pyca.is_private_key(key)
    assert pyca.key_kind(key.public_key()) == kind and not pyca.is_private_key(key.public_key())
    assert pyca.key_kind(object()) is None


def test_allow_silences_only_what_it_names() -> None:
    from cryptography.utils import CryptographyDeprecationWarning

    with pyca.allow("dsa"):
        warnings.warn(pyca.DEPRECATIONS["dsa"], CryptographyDeprecationWarning, stacklevel=1)
    with pytest.raises(CryptographyDeprecationWarning), pyca.allow("dsa"):
        warnings.warn(
            "Diffie-Hellman over finite fields", CryptographyDeprecationWarning, stacklevel=1
        )
    with pytest.raises(DeprecationWarning), pyca.allow("dsa", "ffdh", "serial"):
        warnings.warn("DSA is deprecated", DeprecationWarning, stacklevel=1)
