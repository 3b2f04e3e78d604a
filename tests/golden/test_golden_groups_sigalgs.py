"""Groups, signature algorithms and security levels against ``openssl s_client``.

Cases from OpenSSL's own ``test/ssl-tests`` configurations, as command lines:
a TLS 1.3 ClientHello that no group can serve (OpenSSL gives up before it
sends anything but an internal_error alert), ECDSA with SHA-1 at
``@SECLEVEL=0``, a ``@SECLEVEL=5`` client against an Ed448 server (no
signature algorithm of its list fits), the brainpool curves in TLS 1.2, and the
binary curves, which sclient refuses as OpenSSL refuses a group it does not
know (docs/compatibility.md).

Beyond the usual masks, the *written* count is compared where it is the point
(nothing but an alert went out; the same ClientHello went out), and the *read*
count is masked where an ECDSA signature's DER length moves it by a byte.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import masking
from support.peers import HOST, OpenSSLServer, require
from support.procs import (
    Result,
    assert_clean_stderr,
    run_until_summary,
    sclient_cmd,
)

pytestmark = pytest.mark.golden

READ = (
    re.compile(r"SSL handshake has read \d+ bytes"),
    "SSL handshake has read <R> bytes",
)

#: ``openssl req`` key options per certificate.
_KEYS = {
    "ecdsa": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "ed448": ["-newkey", "ed448"],
    "brainpool": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1"],
    "rsa": ["-newkey", "rsa:2048"],
}


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """``s_server`` certificate arguments per key type (self-signed, openssl-made)."""
    openssl = require("openssl")
    base = tmp_path_factory.mktemp("groups-sigalgs")
    out: dict[str, list[str]] = {}
    for name, key in _KEYS.items():
        cert, pkey = base / f"{name}.pem", base / f"{name}.key"
        req = [openssl, "req", "-x509", *key, "-nodes", "-subj", "/CN=localhost", "-days", "30"]
        subprocess.run(
            [*req, "-keyout", str(pkey), "-out", str(cert)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        out[name] = ["-cert", str(cert), "-key", str(pkey)]
    return out


@contextlib.contextmanager
def server(cert_args: list[str], args: list[str]) -> Iterator[OpenSSLServer]:
    srv = OpenSSLServer(None, args, cert_args=cert_args).start()
    try:
        yield srv
    finally:
        srv.stop()


def _compare(port: int, args: list[str], *, written: bool, read_varies: bool = False) -> Result:
    """Both clients with ``args`` against ``port``; returns openssl's result."""
    args = ["-connect", f"{HOST}:{port}", *args]
    ref = run_until_summary(["openssl", "s_client"], args)
    got = run_until_summary(sclient_cmd(), args)
    assert_clean_stderr(got.stderr)
    extra = [masking.ERROR_POSITION]
    if not written:
        extra.append(masking.WRITTEN)
    if read_varies:
        extra.append(READ)
    assert got.rc == ref.rc, got.stderr
    assert masking.mask(got.stdout, *extra) == masking.mask(ref.stdout, *extra)
    assert masking.mask(got.stderr, *extra) == masking.mask(ref.stderr, *extra)
    return ref


# --- 1. TLS 1.3 with no group for it ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        # nothing at all for the offered versions (brainpool is TLS 1.2 only) ...
        ["-tls1_3", "-groups", "brainpoolP256r1"],
        ["-tls1_3", "-groups", "brainpoolP256r1:brainpoolP512r1"],
        # ... every group removed by the security level ...
        ["-tls1_3", "-groups", "ffdhe2048", "-cipher", "DEFAULT:@SECLEVEL=3"],
        # ... or groups for TLS 1.2 only while TLS 1.3 is the highest version
        ["-groups", "brainpoolP384r1"],
    ],
    ids=["tls13-brainpool", "tls13-brainpool-list", "tls13-seclevel", "brainpool-max-tls13"],
)
def test_no_group_for_tls13_sends_nothing(args: list[str], certs: dict[str, list[str]]) -> None:
    with server(certs["rsa"], []) as srv:
        ref = _compare(srv.port, args, written=True)
    assert ref.rc == 1
    assert "no suitable groups" in ref.stderr
    assert "SSL handshake has read 0 bytes and written 7 bytes" in ref.stdout


def test_tls12_without_ec_group_sends_no_groups(certs: dict[str, list[str]]) -> None:
    """No elliptic-curve group and TLS 1.2 at most: neither ec_point_formats
    nor supported_groups goes out, and DHE still works (same bytes written)."""
    with server(certs["rsa"], []) as srv:
        _compare(srv.port, ["-tls1_2", "-groups", "ffdhe2048"], written=True, read_varies=True)


# --- 2. ECDSA with SHA-1 at security level 0 ----------------------------------------


def test_ecdsa_sha1_at_seclevel_0(certs: dict[str, list[str]]) -> None:
    with server(certs["ecdsa"], ["-cipher", "ALL:@SECLEVEL=0"]) as srv:
        args = ["-tls1_2", "-sigalgs", "ECDSA+SHA1", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]
        args[-1] += ":@SECLEVEL=0"
        ref = _compare(srv.port, args, written=True, read_varies=True)
    assert ref.rc == 0 and "Peer signing digest: SHA1" in ref.stdout


# --- 3. security level 5 against an Ed448 server ------------------------------------


@pytest.mark.parametrize("version", [[], ["-tls1_2"], ["-tls1_3"]], ids=["any", "tls12", "tls13"])
def test_seclevel_5_offers_nothing_ed448_can_sign(
    version: list[str], certs: dict[str, list[str]]
) -> None:
    with server(certs["ed448"], []) as srv:
        ref = _compare(srv.port, [*version, "-cipher", "DEFAULT:@SECLEVEL=5"], written=True)
    assert ref.rc == 1 and "alert handshake failure" in ref.stderr


@pytest.mark.parametrize("level", ["3", "4"])
def test_seclevel_shapes_the_default_client_hello(level: str, certs: dict[str, list[str]]) -> None:
    """From level 3 no session ticket and no TLS 1.0, from level 4 no TLS 1.1 and
    no 128-bit TLS 1.3 suite: the same ClientHello (same bytes written)."""
    with server(certs["rsa"], []) as srv:
        _compare(srv.port, ["-cipher", f"DEFAULT:@SECLEVEL={level}"], written=True)


@pytest.mark.parametrize(
    "args",
    [
        ["-tls1_3", "-ciphersuites", ""],
        ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-sigalgs", "RSA+SHA256"],
        ["-tls1_2", "-sigalgs", "ECDSA+SHA1", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
    ],
    ids=["no-tls13-suite", "sigalgs-remove-suite", "seclevel-removes-sha1"],
)
def test_no_cipher_left_sends_nothing(args: list[str], certs: dict[str, list[str]]) -> None:
    with server(certs["ecdsa"], []) as srv:
        ref = _compare(srv.port, args, written=True)
    assert ref.rc == 1 and "no ciphers available" in ref.stderr
    assert "SSL handshake has read 0 bytes and written 7 bytes" in ref.stdout


# --- 4. brainpool curves in TLS 1.2 -------------------------------------------------


@pytest.mark.parametrize("group", ["brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"])
def test_brainpool_ecdhe_tls12(group: str, certs: dict[str, list[str]]) -> None:
    groups = "brainpoolP256r1:brainpoolP384r1:brainpoolP512r1"
    with server(certs["rsa"], ["-groups", groups]) as srv:
        ref = _compare(srv.port, ["-tls1_2", "-groups", group], written=True, read_varies=True)
    assert f"Server Temp Key: ECDH, {group}" in ref.stdout


def test_brainpool_certificate(certs: dict[str, list[str]]) -> None:
    """An ECDSA server key on brainpoolP256r1; TLS 1.3 is offered but OpenSSL 3.0
    cannot use that key in it, so TLS 1.2 is what both clients get."""
    with server(certs["brainpool"], ["-groups", "brainpoolP256r1:P-256"]) as srv:
        ref = _compare(
            srv.port, ["-groups", "brainpoolP256r1:P-256"], written=True, read_varies=True
        )
    assert "Cipher is ECDHE-ECDSA-" in ref.stdout


@pytest.mark.parametrize("group", ["secp256k1", "secp224r1"])
def test_other_prime_curves_tls12(group: str, certs: dict[str, list[str]]) -> None:
    with server(certs["rsa"], ["-groups", group, "-cipher", "ALL:@SECLEVEL=1"]) as srv:
        ref = _compare(srv.port, ["-tls1_2", "-groups", group], written=True, read_varies=True)
    assert f"Server Temp Key: ECDH, {group}" in ref.stdout


# --- 5. binary curves ---------------------------------------------------------------


@pytest.mark.parametrize(
    "spec", ["sect283k1", "X25519:sect571r1", "P-256:K-233", "secp160r1", "secp224k1"]
)
def test_curves_cryptography_lacks_are_unknown_groups(spec: str, tmp_path: Path) -> None:
    """Refused as OpenSSL refuses a name it does not know: the same lines, with
    the first such name in the message, and exit status 1."""
    bad = next(n for n in spec.split(":") if n not in ("X25519", "P-256"))
    unknown = "nosuchgroup"
    ref = run_until_summary(["openssl", "s_client"], ["-groups", spec.replace(bad, unknown)])
    got = run_until_summary(sclient_cmd(), ["-groups", spec])
    assert_clean_stderr(got.stderr)
    assert ref.rc == got.rc == 1
    assert got.stdout == ref.stdout == ""
    want = masking.mask(ref.stderr, masking.ERROR_POSITION).replace(unknown, bad)
    assert masking.mask(got.stderr, masking.ERROR_POSITION) == want
