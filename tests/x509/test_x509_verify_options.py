"""The verification options end to end: the same command line through ``openssl s_client``
and sclient against the same ``openssl s_server``.

Compared: the callback lines on stderr (``depth=``, ``verify error:num=``, ``verify
return:``, ``issuer=``, ``notBefore=``/``notAfter=``), ``Verification…``, ``Verified
peername:``, ``Verify return code:`` and the exit status; when the command fails before
connecting, the whole stderr (thread ids masked).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pki as xpki
import pytest
import scenarios
import x509_oracle as oracle
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from support.peers import OpenSSLServer
from support.pki import Chain, write_chain
from support.procs import assert_clean_stderr, run_openssl_s_client, run_sclient

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not oracle.available(), reason="openssl 3.0 binary not available"),
]

_TID = re.compile(r"^[0-9A-F]+:error:", re.M)
_SUMMARY = re.compile(
    r"^(Verification: OK|Verification error: .*|Verified peername: .*|Verify return code: .*)$",
    re.M,
)


def _summary(stdout: str, stderr: str) -> list[str]:
    # -brief prints the verification lines on stderr; session tickets (indented lines) are
    # printed or not depending on timing
    return [m.group(1) for m in _SUMMARY.finditer(stdout + stderr)]


def compare(port: int, args: list[str], cwd: Path) -> tuple[str, str]:
    """Run both clients with ``args``; assert they agree; return (openssl stderr, ours)."""
    cmd = ["-connect", f"127.0.0.1:{port}", *args]
    ref = run_openssl_s_client(cmd)
    ours = run_sclient(cmd)
    assert_clean_stderr(ours.stderr)
    detail = f"openssl (rc {ref.rc}):\n{ref.stderr}{ref.stdout}\nsclient (rc {ours.rc}):\n{ours.stderr}{ours.stdout}"
    assert ours.rc == ref.rc, detail
    ref_lines = [ln for ln in ref.stderr.splitlines() if oracle._VERIFY_LINE.match(ln)]
    our_lines = [ln for ln in ours.stderr.splitlines() if oracle._VERIFY_LINE.match(ln)]
    assert our_lines == ref_lines, detail
    assert _summary(ours.stdout, ours.stderr) == _summary(ref.stdout, ref.stderr), detail
    if "CONNECTED(" not in ref.stdout:
        assert _TID.sub("TID:error:", ours.stderr) == _TID.sub("TID:error:", ref.stderr), detail
    return ref.stderr, ours.stderr


# --- the servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def localhost(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Chain, int]]:
    """The shared RSA chain (leaf: CN localhost, SANs localhost/127.0.0.1/::1)."""
    chain = write_chain(tmp_path_factory.mktemp("verifyopts"), "rsa")
    with OpenSSLServer(chain) as srv:
        yield chain, srv.port


def _serve(
    d: Path, leaf: xpki.Cert, chain: list[xpki.Cert], args: tuple[str, ...] = ()
) -> OpenSSLServer:
    d.mkdir(parents=True, exist_ok=True)
    (d / "leaf.pem").write_bytes(leaf.pem)
    (d / "leaf.key").write_bytes(leaf.key_pem)
    cert_args = ["-cert", str(d / "leaf.pem"), "-key", str(d / "leaf.key")]
    if chain:
        (d / "chain.pem").write_bytes(b"".join(c.pem for c in chain))
        cert_args += ["-cert_chain", str(d / "chain.pem")]
    return OpenSSLServer(None, args, cert_args=cert_args)


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, int]]]:
    """Servers with special leaves, by name; ``root.pem`` in the returned directory."""
    d = tmp_path_factory.mktemp("verifynamed")
    p = scenarios.P()
    (d / "root.pem").write_bytes(p.root.pem)
    now = scenarios.NOW
    day = 86400

    def leaf(slot: str, **kw: object) -> xpki.Cert:
        return xpki.make(
            xpki.LEAF_NAME,
            issuer=p.inter,
            not_before=now - day,
            not_after=now + 300 * day,
            ca=False,
            slot=slot,
            **kw,  # type: ignore[arg-type]
        )

    wildcard = leaf(
        "wild",
        extra=[
            (
                x509.SubjectAlternativeName(
                    [x509.DNSName("other.example.net"), x509.DNSName("*.Example.com")]
                ),
                False,
            )
        ],
    )
    client_only = leaf("clientonly", eku=[ExtendedKeyUsageOID.CLIENT_AUTH])
    expired = xpki.make(
        xpki.LEAF_NAME,
        issuer=p.inter,
        not_before=now - 400 * day,
        not_after=now - 30 * day,
        ca=False,
        slot="expired",
    )
    servers = {
        "nosan": _serve(d / "nosan", p.leaf, [p.inter]),  # CN + emailAddress, no SAN
        "wildcard": _serve(d / "wildcard", wildcard, [p.inter]),
        "client-only": _serve(d / "clientonly", client_only, [p.inter]),
        "expired": _serve(d / "expired", expired, [p.inter]),
    }
    try:
        for s in servers.values():
            s.start()
        yield d, {k: s.port for k, s in servers.items()}
    finally:
        for s in servers.values():
            s.stop()


# --- identity ------------------------------------------------------------------------------------

IDENTITY_CASES: list[list[str]] = [
    ["-verify_hostname", "localhost"],
    ["-verify_hostname", "LOCALHOST"],
    ["-verify_hostname", "localhost."],
    ["-verify_hostname", ".localhost"],
    ["-verify_hostname", "other.example"],
    ["-verify_hostname", ""],
    ["-verify_hostname", "127.0.0.1"],
    ["-verify_ip", "127.0.0.1"],
    ["-verify_ip", "0:0::1"],
    ["-verify_ip", "10.9.8.7"],
    ["-verify_ip", " 127.0.0.1"],
    ["-verify_ip", "1.2.3"],
    ["-verify_ip", "127.0.0.1x"],
    ["-verify_ip", "::1::"],
    ["-verify_email", "admin@example.com"],
    ["-verify_email", ""],
    ["-verify_hostname", "x.test", "-verify_email", "a@b", "-verify_ip", "10.0.0.1"],
    ["-verify_ip", "10.0.0.1", "-verify_email", "a@b", "-verify_hostname", "x.test"],
    ["-verify_hostname", "x.test", "-verify_return_error"],
    ["-verify_email", "a@b", "-verify", "0"],
    ["-verify_hostname", "localhost", "-brief"],
    ["-verify_hostname", "x.test", "-brief"],
    ["-verify_hostname", "localhost", "-verify_quiet"],
    ["-verify_hostname", "nothere", "-verify_hostname", "localhost"],
]


@pytest.mark.parametrize("args", IDENTITY_CASES, ids=lambda a: " ".join(a) or "none")
def test_identity(localhost: tuple[Chain, int], args: list[str], tmp_path: Path) -> None:
    chain, port = localhost
    compare(port, ["-CAfile", str(chain.root), *args], tmp_path)


NAMED_IDENTITY_CASES: list[tuple[str, list[str]]] = [
    ("wildcard", ["-verify_hostname", "www.example.com"]),  # Verified peername: *.Example.com
    ("wildcard", ["-verify_hostname", "example.com"]),
    ("wildcard", ["-verify_hostname", "a.b.example.com"]),
    ("wildcard", ["-verify_hostname", "server.example.com"]),
    ("nosan", ["-verify_hostname", "SERVER.example.com"]),  # CN fallback
    ("nosan", ["-verify_email", "admin@example.com"]),  # emailAddress fallback
    ("nosan", ["-verify_email", "admin@EXAMPLE.COM"]),
    ("nosan", ["-verify_email", "Admin@example.com"]),
    ("nosan", ["-verify_ip", "127.0.0.1"]),
]


@pytest.mark.parametrize(
    ("server", "args"), NAMED_IDENTITY_CASES, ids=lambda v: v if isinstance(v, str) else " ".join(v)
)
def test_identity_names(
    named: tuple[Path, dict[str, int]], server: str, args: list[str], tmp_path: Path
) -> None:
    d, ports = named
    compare(ports[server], ["-CAfile", str(d / "root.pem"), *args], tmp_path)


# --- verification parameters ---------------------------------------------------------------------

_FUTURE = str(int(time.time()) + 20 * 365 * 86400)

PARAM_CASES: list[list[str]] = [
    ["-verify_depth", "0"],
    ["-verify_depth", "1"],
    ["-verify_depth", "-1"],
    ["-verify_depth", "0", "-verify_name", "default"],
    ["-verify_name", "default", "-verify_depth", "0"],
    ["-verify_depth", "0", "-verify_return_error"],
    ["-purpose", "sslclient"],
    ["-purpose", "sslserver"],
    ["-purpose", "nssslserver"],
    ["-purpose", "smimesign"],
    ["-purpose", "smimeencrypt"],
    ["-purpose", "crlsign"],
    ["-purpose", "any"],
    ["-purpose", "ocsphelper"],
    ["-purpose", "timestampsign"],
    ["-purpose", "codesign"],
    ["-purpose", "bogus"],
    ["-purpose", "sslclient", "-verify_return_error"],
    ["-verify_name", "default"],
    ["-verify_name", "pkcs7"],
    ["-verify_name", "smime_sign"],
    ["-verify_name", "ssl_client"],
    ["-verify_name", "ssl_server"],
    ["-verify_name", "bogus"],
    ["-purpose", "sslclient", "-verify_name", "ssl_server"],
    ["-verify_name", "ssl_server", "-purpose", "sslclient"],
    ["-verify_name", "ssl_client", "-purpose", "any"],
    ["-attime", _FUTURE],
    ["-attime", "0"],
    ["-attime", _FUTURE, "-no_check_time"],
    ["-no_check_time"],
    ["-auth_level", "3"],
    ["-auth_level", "-1"],
    ["-auth_level", "0"],
    ["-trusted_first"],
    ["-no_alt_chains"],
    ["-issuer_checks"],
    ["-ignore_critical"],
    ["-allow_proxy_certs"],
    ["-x509_strict"],
    ["-check_ss_sig"],
]


def _case_id(args: list[str]) -> str:
    """The case's arguments with times (seconds since 1970, which change from one
    collection to the next) written as T, so that every collection names it alike."""
    return re.sub(r"\b\d{9,}\b", "T", " ".join(args))


@pytest.mark.parametrize("args", PARAM_CASES, ids=_case_id)
def test_params(localhost: tuple[Chain, int], args: list[str], tmp_path: Path) -> None:
    chain, port = localhost
    compare(port, ["-CAfile", str(chain.root), *args], tmp_path)


def test_partial_chain(localhost: tuple[Chain, int], tmp_path: Path) -> None:
    chain, port = localhost
    compare(port, ["-CAfile", str(chain.chain)], tmp_path)  # error 2 without the flag
    compare(port, ["-CAfile", str(chain.chain), "-partial_chain"], tmp_path)


NAMED_PARAM_CASES: list[tuple[str, list[str]]] = [
    ("client-only", []),
    ("client-only", ["-purpose", "sslclient"]),
    ("client-only", ["-verify_name", "ssl_client"]),
    ("client-only", ["-purpose", "any"]),
    ("expired", []),
    ("expired", ["-no_check_time"]),
    ("expired", ["-attime", str(int(scenarios.NOW) - 200 * 86400)]),
    ("expired", ["-attime", str(int(scenarios.NOW)), "-no_check_time"]),
]


@pytest.mark.parametrize(
    ("server", "args"), NAMED_PARAM_CASES, ids=lambda v: v if isinstance(v, str) else _case_id(v)
)
def test_params_named(
    named: tuple[Path, dict[str, int]], server: str, args: list[str], tmp_path: Path
) -> None:
    d, ports = named
    compare(ports[server], ["-CAfile", str(d / "root.pem"), *args], tmp_path)


_OPTIONS_OF_MINE = {
    "-verify_depth",
    "-partial_chain",
    "-check_ss_sig",
    "-x509_strict",
    "-auth_level",
    "-verify_return_error",
    "-verify",
}


def _scenario_cases() -> list[scenarios.Scenario]:
    return [
        s
        for s in scenarios.SCENARIOS
        if s.client_args
        and any(a in _OPTIONS_OF_MINE for a in s.client_args)
        and all(not a.startswith("-") or a in _OPTIONS_OF_MINE for a in s.client_args)
        and ("-x509_strict" in s.client_args or "-verify" not in s.client_args)
    ]


@pytest.mark.parametrize("s", _scenario_cases(), ids=lambda s: s.name)
def test_scenarios_end_to_end(s: scenarios.Scenario, tmp_path: Path) -> None:
    """The verifier scenarios that use the verification options, through the program."""
    p, sent, ca = s.build()
    args = ["-attime", str(int(scenarios.NOW)), *s.client_args]
    if s.no_ca:
        args += ["-no-CAfile", "-no-CApath", "-no-CAstore"]
    else:
        (tmp_path / "ca.pem").write_bytes(b"".join(ca))
        args += ["-CAfile", str(tmp_path / "ca.pem")]
    # the server must accept the small keys some scenarios use
    with _serve(tmp_path / "srv", p.leaf, sent, ("-cipher", "ALL@SECLEVEL=0")) as srv:
        compare(srv.port, args, tmp_path)


# --- stores --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stores(localhost: tuple[Chain, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    chain, _ = localhost
    d = tmp_path_factory.mktemp("stores")
    hashed = d / "hashed"
    hashed.mkdir()
    (hashed / "root.pem").write_bytes(chain.root.read_bytes())
    oracle.rehash(hashed)
    plain = d / "plain"
    plain.mkdir()
    (plain / "root.pem").write_bytes(chain.root.read_bytes())
    (d / "junk.pem").write_bytes(b"not a certificate\n")
    (d / "empty.pem").write_bytes(b"")
    return d


def _store_cases(root: str, leaf: str, d: str) -> list[list[str]]:
    none = ["-no-CAfile", "-no-CApath", "-no-CAstore"]
    return [
        ["-CAstore", root],
        ["-CAstore", f"file:{root}"],
        ["-CAstore", f"file://{root}"],
        ["-CAstore", f"file://localhost{root}"],
        ["-CAstore", f"FILE:{root}"],
        ["-CAstore", f"{d}/hashed"],
        ["-CAstore", f"{d}/plain"],
        ["-CAstore", f"{d}/junk.pem"],
        ["-CAstore", f"{d}/empty.pem"],
        ["-CAstore", leaf.replace("leaf.pem", "leaf.key")],
        ["-CAstore", f"{d}/nonexistent"],
        ["-CAstore", f"file:{d}/nonexistent"],
        ["-CAstore", "file:relative.pem"],
        ["-CAstore", "file://host/x"],
        ["-CAstore", "foo:bar"],
        ["-CAstore", "http://example.invalid/store"],
        ["-CAstore", ""],
        ["-CAstore", root, "-CAfile", f"{d}/nonexistent"],
        ["-no-CAstore", "-CAfile", root],
        ["-no-CAstore", "-no-CAfile", "-no-CApath"],
        ["-verifyCAfile", root, *none],
        ["-verifyCAfile", leaf, "-CAfile", root],
        ["-verifyCAfile", f"{d}/nonexistent", "-CAfile", root],
        ["-verifyCAfile", f"{d}/junk.pem", "-CAfile", root],
        ["-verifyCApath", f"{d}/hashed", *none],
        ["-verifyCApath", f"{d}/plain", "-CAfile", root],
        ["-verifyCAstore", root, *none],
        ["-verifyCAstore", f"{d}/hashed", *none],
        ["-verifyCAstore", f"{d}/nonexistent", "-CAfile", root],
        ["-chainCAfile", root, *none],
        ["-chainCAfile", root, "-CAfile", root],
        ["-chainCAfile", f"{d}/nonexistent", "-CAfile", root],
        ["-chainCAfile", f"{d}/junk.pem", "-CAfile", root],
        ["-chainCApath", f"{d}/hashed", *none],
        ["-chainCAstore", root, *none],
        ["-chainCAstore", "foo:bar", "-CAfile", root],
        ["-verifyCAfile", f"{d}/nonexistent", "-chainCAfile", f"{d}/junk.pem"],
    ]


_STORE_IDS = [" ".join(a).replace("{", "") for a in _store_cases("ROOT", "LEAF/leaf.pem", "D")]


@pytest.mark.parametrize("k", range(len(_STORE_IDS)), ids=_STORE_IDS)
def test_stores(localhost: tuple[Chain, int], stores: Path, k: int, tmp_path: Path) -> None:
    chain, port = localhost
    args = _store_cases(str(chain.root), str(chain.leaf), str(stores))[k]
    compare(port, args, tmp_path)


# --- the security level of -cipher is the default -auth_level ------------------------------------


@pytest.mark.parametrize(
    "cipher", ["DEFAULT", "DEFAULT:@SECLEVEL=1", "ALL:@SECLEVEL=0"], ids=["level2", "1", "0"]
)
def test_seclevel_of_cipher_sets_the_auth_level(
    tmp_path_factory: pytest.TempPathFactory, cipher: str, tmp_path: Path
) -> None:
    """A leaf signed with SHA-1 (63 bits in OpenSSL 3.0): error 68 at the default
    level 2 and at ``@SECLEVEL=1``, none at 0 -- the verifier follows the SSL
    security level."""
    p, sent, ca = scenarios._REGISTRY["sha1-leaf"].build()
    d = tmp_path_factory.mktemp("seclevel")
    (d / "root.pem").write_bytes(b"".join(ca))
    with _serve(d / "srv", p.leaf, sent, ("-cipher", "ALL:@SECLEVEL=0")) as srv:
        ref, _ = compare(srv.port, ["-CAfile", str(d / "root.pem"), "-cipher", cipher], tmp_path)
    assert ("verify error:num=68:" in ref) == (not cipher.startswith("ALL"))
