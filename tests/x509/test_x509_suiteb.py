"""Suite B (``-suiteB_128_only``, ``-suiteB_128``, ``-suiteB_192``): errors 56-61.

In-process: the exact callback lines for each error at OpenSSL's depth
(``X509_chain_check_suiteB`` reports signature and level errors against the
certificate below the one whose key failed, and a P-256 key above a P-384
one as 61). End to end: sclient and ``openssl s_client`` with the same
options against the same ``openssl s_server``, P-256 and P-384 chains that
pass and chains that fail.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pki as xpki
import pytest
import scenarios
import x509_oracle as oracle
from test_x509_verify_options import _serve, compare

from sclient.x509 import suiteb
from sclient.x509.callback import CallbackOptions, SClientVerifyCallback, outcome
from sclient.x509.store import TrustStore
from sclient.x509.verify import VerifyParams, verify_chain
from support.peers import OpenSSLServer

NOW = scenarios.NOW
DAY = 86400
ROOT, INTER, LEAF = "CN = SB Root", "CN = SB Inter", "CN = SB Leaf"
HASH = {"ec": "sha256", "p384": "sha384", "p521": "sha512", "rsa": "sha256"}


def _v1(c: xpki.Cert, signer: xpki.Cert | None, hash_name: str) -> xpki.Cert:
    """``c`` as an X.509 v1 certificate (no version field, no extensions)."""
    fields = xpki.tbs_fields(c.der)
    assert fields[0][:1] == b"\xa0"
    fields = fields[1:7]  # serial .. subjectPublicKeyInfo
    key = signer.key if signer is not None else c.key
    kind = "ec" if hasattr(key, "curve") else "rsa"
    alg = xpki.alg_id(xpki.SIG_ALGS[(kind, hash_name)], null_params=(kind == "rsa"))
    from cryptography import x509

    der = xpki.assemble(fields, key, sig_alg=alg, hash_name=hash_name)
    return xpki.Cert(x509.load_der_x509_certificate(der), c.key)


def chain(
    kinds: tuple[str, str, str],
    hashes: tuple[str | None, str | None, str | None] = (None, None, None),
    *,
    v1: str = "",
) -> list[xpki.Cert]:
    """[leaf, inter, root]: key kinds (root last); ``hashes[i]`` the digest
    certificate ``i`` is signed with (default: the one its issuer's curve wants)."""
    lk, ik, rk = kinds
    tag = "-".join(kinds) + "-" + "-".join(h or "" for h in hashes)
    nb, na = NOW - DAY, NOW + 300 * DAY
    root = xpki.make(
        "/CN=SB Root",
        key_kind=rk,
        slot="r" + rk,
        not_before=nb,
        not_after=na,
        ca=True,
        hash_name=hashes[2] or HASH[rk],
    )
    if v1 == "root":
        root = _v1(root, None, hashes[2] or HASH[rk])
    inter = xpki.make(
        "/CN=SB Inter",
        issuer=root,
        key_kind=ik,
        slot="i" + ik,
        not_before=nb,
        not_after=na,
        ca=True,
        hash_name=hashes[1] or HASH[rk],
    )
    leaf = xpki.make(
        "/CN=SB Leaf",
        issuer=inter,
        key_kind=lk,
        slot="l" + lk + tag,
        not_before=nb,
        not_after=na,
        ca=False,
        hash_name=hashes[0] or HASH[ik],
    )
    if v1 == "leaf":
        leaf = _v1(leaf, inter, hashes[0] or HASH[ik])
    return [leaf, inter, root]


#: name -> (chain arguments, {option: expected lines of the Suite B error or None})
P256 = ("ec", "ec", "ec")
P384 = ("p384", "p384", "p384")
CHAINS: dict[str, tuple[tuple[str, str, str], tuple[str | None, ...], str]] = {
    "p256": (P256, (None, None, None), ""),
    "p384": (P384, (None, None, None), ""),
    "rsa-leaf": (("rsa", "ec", "ec"), (None, None, None), ""),
    "p521-leaf": (("p521", "p384", "p384"), (None, None, None), ""),
    "p256-under-p384": (("ec", "p384", "p384"), (None, None, None), ""),
    "p384-under-p256": (("p384", "ec", "ec"), (None, None, None), ""),
    "p384-sha256": (P384, ("sha256", None, None), ""),
    "p256-sha384": (P256, ("sha384", None, None), ""),
    "root-self-sha256": (P384, (None, None, "sha256"), ""),
    "rsa-root": (("ec", "ec", "rsa"), (None, None, None), ""),
    "v1-leaf": (P256, (None, None, None), "leaf"),
    "v1-root": (P256, (None, None, None), "root"),
}

OPTS = {"128only": suiteb.LOS_128_ONLY, "128": suiteb.LOS_128, "192": suiteb.LOS_192}

#: (chain, option) -> (error, depth) of the Suite B check; absent: passes
EXPECT: dict[tuple[str, str], tuple[int, int]] = {
    ("p256", "192"): (60, 0),
    ("p384", "128only"): (60, 0),
    ("rsa-leaf", "128only"): (57, 0),
    ("rsa-leaf", "128"): (57, 0),
    ("rsa-leaf", "192"): (57, 0),
    ("p521-leaf", "128only"): (58, 0),
    ("p521-leaf", "128"): (58, 0),
    ("p521-leaf", "192"): (58, 0),
    ("p256-under-p384", "128only"): (60, 0),
    ("p256-under-p384", "192"): (60, 0),
    ("p384-under-p256", "128"): (61, 0),
    ("p384-under-p256", "128only"): (60, 0),
    ("p384-under-p256", "192"): (60, 0),  # 61 only when the P-384 dropped the 128-bit bit
    ("p384-sha256", "192"): (59, 0),
    ("p384-sha256", "128only"): (60, 0),  # the leaf key's level comes first
    ("p384-sha256", "128"): (59, 0),
    ("p256-sha384", "128only"): (59, 0),
    ("p256-sha384", "128"): (59, 0),
    ("p256-sha384", "192"): (60, 0),
    ("root-self-sha256", "192"): (59, 2),  # the root's own signature, checked last
    ("root-self-sha256", "128"): (59, 2),
    ("root-self-sha256", "128only"): (60, 0),
    ("rsa-root", "128only"): (57, 2),
    ("rsa-root", "128"): (57, 2),  # key errors stay at the certificate's own depth
    ("rsa-root", "192"): (60, 0),
    ("v1-leaf", "128only"): (56, 0),
    ("v1-leaf", "128"): (56, 0),
    ("v1-leaf", "192"): (56, 0),  # the version before the key
    ("v1-root", "128"): (56, 2),
    ("v1-root", "128only"): (56, 2),
    ("v1-root", "192"): (60, 0),
}

_BUILT: dict[str, list[xpki.Cert]] = {}


def built(name: str) -> list[xpki.Cert]:
    if name not in _BUILT:
        kinds, hashes, v1 = CHAINS[name]
        _BUILT[name] = chain(kinds, hashes, v1=v1)  # type: ignore[arg-type]
    return _BUILT[name]


def _store(root: xpki.Cert) -> TrustStore:
    with tempfile.NamedTemporaryFile(suffix=".pem", delete=False) as f:
        f.write(root.pem)
    try:
        return TrustStore.load(cafile=f.name)
    finally:
        os.unlink(f.name)


def lines(name: str, flags: int, opts: CallbackOptions | None = None) -> list[str]:
    leaf, inter, root = built(name)
    cb = SClientVerifyCallback(opts or CallbackOptions())
    res = verify_chain(
        [leaf.der, inter.der], _store(root), now=NOW, params=VerifyParams(suiteb=flags), callback=cb
    )
    return outcome(res, cb).text.splitlines()


_TEXT = {
    56: "Suite B: certificate version invalid",
    57: "Suite B: invalid public key algorithm",
    58: "Suite B: invalid ECC curve",
    59: "Suite B: invalid signature algorithm",
    60: "Suite B: curve not allowed for this LOS",
    61: "Suite B: cannot sign P-384 with P-256",
}
_SUBJECT = {0: LEAF, 1: INTER, 2: ROOT}
_OK = [f"depth=2 {ROOT}", "verify return:1", f"depth=1 {INTER}", "verify return:1",
       f"depth=0 {LEAF}", "verify return:1"]  # fmt: skip


@pytest.mark.parametrize(("name", "opt"), [(c, o) for c in CHAINS for o in OPTS])
def test_callback_lines(name: str, opt: str) -> None:
    got = lines(name, OPTS[opt])
    if (name, opt) in EXPECT:
        err, depth = EXPECT[(name, opt)]
        assert got == [
            f"depth={depth} {_SUBJECT[depth]}",
            f"verify error:num={err}:{_TEXT[err]}",
            "verify return:1",
            *_OK,
        ]
    else:
        assert got == _OK


def test_off_by_default() -> None:
    assert lines("rsa-leaf", 0) == _OK


def test_return_error_stops_at_the_suiteb_error() -> None:
    assert lines("p384-under-p256", suiteb.LOS_128, CallbackOptions(return_error=True)) == [
        f"depth=0 {LEAF}",
        "verify error:num=61:Suite B: cannot sign P-384 with P-256",
    ]  # s_client prints no "verify return:" line for a refused certificate


def test_leaf_only_check() -> None:
    """``check_leaf_suiteb`` (DANE without a chain): the leaf key alone."""
    leaf = built("rsa-leaf")[0]
    from sclient.x509.cert import Certificate

    assert suiteb.check_leaf(Certificate(leaf.der), suiteb.LOS_128) == 57
    p384 = Certificate(built("p384")[0].der)
    assert suiteb.check_leaf(p384, suiteb.LOS_128_ONLY) == 60
    assert suiteb.check_leaf(p384, suiteb.LOS_192) == 0
    assert suiteb.check_leaf(p384, 0) == 0


@pytest.mark.parametrize(
    ("cipher", "flags"),
    [
        (None, 0),
        ("DEFAULT", 0),
        ("SUITEB128ONLY", suiteb.LOS_128_ONLY),
        ("SUITEB128", suiteb.LOS_128),
        ("SUITEB128C2", suiteb.LOS_128),
        ("SUITEB192:ALL", suiteb.LOS_192),
        ("ALL:SUITEB192", 0),
    ],
)
def test_cipher_string_flags(cipher: str | None, flags: int) -> None:
    from sclient.app.verifysettings import cipher_suiteb_flags

    assert cipher_suiteb_flags(cipher) == flags


# --- end to end against openssl s_server ---------------------------------------------------------

_E2E = ["p256", "p384", "rsa-leaf", "p521-leaf", "p256-under-p384", "p384-under-p256",
        "p384-sha256", "root-self-sha256"]  # fmt: skip


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, int]]]:
    d = tmp_path_factory.mktemp("suiteb")
    srvs: dict[str, OpenSSLServer] = {}
    try:
        for name in _E2E:
            leaf, inter, root = built(name)
            (d / f"{name}-root.pem").write_bytes(root.pem)
            # Started at once: a server listens before the next one picks a free
            # port (picked all first, two could get the same port, the second
            # never listening and its cases reaching the first).
            srvs[name] = _serve(d / name, leaf, [inter], ("-cipher", "ALL@SECLEVEL=0"))
            srvs[name].start()
        yield d, {k: s.port for k, s in srvs.items()}
    finally:
        for s in srvs.values():
            s.stop()


@pytest.mark.interop
@pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available")
@pytest.mark.parametrize(
    ("name", "args"),
    [(c, [f"-suiteB_{o}" if o != "128only" else "-suiteB_128_only"]) for c in _E2E for o in OPTS]
    + [
        ("p384-under-p256", ["-suiteB_128_only", "-suiteB_192"]),
        ("p384-under-p256", ["-suiteB_128", "-verify_return_error"]),
        ("rsa-leaf", ["-suiteB_192", "-verify_return_error"]),
        ("p256", ["-suiteB_192", "-verify", "1"]),
        # a SUITEB cipher string turns the same checks on (tls1_suiteb in ssl_verify_cert_chain)
        ("p384-under-p256", ["-cipher", "SUITEB128"]),
        ("p256-under-p384", ["-cipher", "SUITEB128ONLY"]),
        ("p256", ["-cipher", "SUITEB128"]),
        ("p384", ["-cipher", "SUITEB192"]),
        ("p384", ["-cipher", "SUITEB192", "-suiteB_128_only"]),
    ],
)
def test_against_openssl(
    servers: tuple[Path, dict[str, int]], name: str, args: list[str], tmp_path: Path
) -> None:
    d, ports = servers
    compare(ports[name], ["-CAfile", str(d / f"{name}-root.pem"), *args], tmp_path)
