"""OpenSSL's library options, compared with ``openssl s_client`` against
``openssl s_server``: ``-provider`` (the built-in default, base and null, the
legacy module; loading any replaces the implicit default, and without the
default provider no cipher suite can be fetched), ``-provider-path`` (where
the modules are looked for), ``-propquery`` (parsed and matched as OpenSSL
does; a query that does not parse is ignored by the fetches, which leave its
errors for after the handshake), ``-engine`` and ``-ssl_client_engine`` (an
engine that does not exist, the built-in ``dynamic``, ``auto``) and
``-async`` (nothing changes without an asynchronous engine).  Module files
sclient has no model of are refused in one line: checked with files made for
the purpose."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_exts import both
from golden.test_golden_msg_state import full_mask
from support.peers import HOST, OpenSSLServer, openssl_servers
from support.pki import PKI
from support.procs import _env, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden

MODULESDIR = "/usr/lib/x86_64-linux-gnu/ossl-modules"
ENGINESDIR = "/usr/lib/x86_64-linux-gnu/engines-3"
VERSIONS = {"tls13": ("-tls1_3",), "tls12": ("-tls1_2",)}
NO_CIPHERS = ":error:0A0000A1:SSL routines:SSL_CTX_new_ex:library has no ciphers:"


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    specs = {"any": (pki["rsa"], []), "tls12": (pki["rsa"], ["-tls1_2"])}
    with openssl_servers(specs, loud=()) as started:
        yield started


def _connect(servers: dict[str, OpenSSLServer], pki: PKI, *extra: str) -> list[str]:
    port = servers["any"].port
    return ["-connect", f"{HOST}:{port}", "-CAfile", str(pki["rsa"].root), *extra]


def _have_legacy() -> bool:
    return os.path.exists(f"{MODULESDIR}/legacy.so")


# --- providers and queries that leave TLS its algorithms ------------------------------------

USABLE = {
    "default": ("-provider", "default"),
    "default-twice": ("-provider", "default", "-provider", "default"),
    "base+default": ("-provider", "base", "-provider", "default"),
    "null+default": ("-provider", "null", "-provider", "default"),
    "q-provider": ("-propquery", "provider=default"),
    "q-optional-fips": ("-propquery", "?fips=yes"),
    "q-not-fips": ("-propquery", "fips=no"),
    "q-override": ("-propquery", "-fips"),
    "q-ne": ("-propquery", "x!=yes"),
    "q-spaces-case": ("-propquery", " PROVIDER = Default , ?x=1"),
    "q-quoted": ("-propquery", "provider='default'"),
    "q-empty": ("-propquery", ""),
    "q-undefined-ne": ("-propquery", "x!=somewhere"),
    "q-number-ne": ("-propquery", "provider!=7"),
}

LEGACY = {
    "legacy+default": ("-provider", "legacy", "-provider", "default"),
    "path+legacy": (
        "-provider-path",
        MODULESDIR + "/",
        "-provider",
        "legacy",
        "-provider",
        "default",
    ),
    "legacy-optional": (
        "-provider",
        "legacy",
        "-provider",
        "default",
        "-propquery",
        "?provider=legacy",
    ),
}


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("case", list(USABLE))
def test_usable(servers: dict[str, OpenSSLServer], pki: PKI, case: str, version: str) -> None:
    _, got = both(_connect(servers, pki, *USABLE[case], *VERSIONS[version]))
    assert got.rc == 0
    assert "Cipher is (NONE)" not in got.stdout and ", Cipher is " in got.stdout


@pytest.mark.skipif(not _have_legacy(), reason="no legacy.so in " + MODULESDIR)
@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("case", list(LEGACY))
def test_legacy_with_default(
    servers: dict[str, OpenSSLServer], pki: PKI, case: str, version: str
) -> None:
    _, got = both(_connect(servers, pki, *LEGACY[case], *VERSIONS[version]))
    assert got.rc == 0


# --- no cipher suite can be fetched ---------------------------------------------------------

NONE = {
    "base": ("-provider", "base"),
    "null": ("-provider", "null"),
    "legacy": ("-provider", "legacy"),
    "base+legacy": ("-provider", "base", "-provider", "legacy"),
    "q-fips": ("-propquery", "fips=yes"),
    "q-fips-bare": ("-propquery", "fips"),
    "q-other-provider": ("-propquery", "provider=legacy"),
    "q-not-default": ("-propquery", "provider!=default"),
    "q-no-value": ("-propquery", "bad="),
    "q-number": ("-propquery", "x=1"),
    "q-number-ne-absent": ("-propquery", "x!=1"),
    "q-not-no": ("-propquery", "x!=no"),
    "q-user-name": ("-propquery", "a.b=c"),
    "q-odd-chars": ("-propquery", "x=a@b"),
    "legacy-only-query": (
        "-provider",
        "legacy",
        "-provider",
        "default",
        "-propquery",
        "provider=legacy",
    ),
    "legacy-bad-query": ("-provider", "legacy", "-propquery", "@@"),
    # the SSL_CTX fails before -cipher is looked at
    "before-cipher": ("-provider", "null", "-cipher", "NOSUCH"),
}


@pytest.mark.parametrize("case", list(NONE))
def test_library_has_no_ciphers(servers: dict[str, OpenSSLServer], pki: PKI, case: str) -> None:
    if "legacy" in NONE[case] and not _have_legacy():
        pytest.skip("no legacy.so in " + MODULESDIR)
    _, got = both(_connect(servers, pki, *NONE[case]))
    assert got.rc == 1
    assert NO_CIPHERS in got.stderr
    assert "CONNECTED" not in got.stdout


@pytest.mark.parametrize("providers", [("legacy",), ("null",)], ids=["legacy", "null"])
def test_no_store_loader_for_the_key(
    servers: dict[str, OpenSSLServer], pki: PKI, providers: tuple[str, ...]
) -> None:
    """Without default or base a key file cannot even be opened."""
    if "legacy" in providers and not _have_legacy():
        pytest.skip("no legacy.so in " + MODULESDIR)
    leaf = pki["rsa"]
    args = [a for p in providers for a in ("-provider", p)]
    for query in ((), ("-propquery", "fips=yes")):
        _, got = both(
            _connect(servers, pki, *args, *query, "-cert", str(leaf.leaf), "-key", str(leaf.key))
        )
        assert got.rc == 1
        assert "No store loader found." in got.stderr


@pytest.mark.parametrize(
    "files",
    [("-CRL", "x"), ("-cert_chain", "x"), ("-xcert", "x"), ("-xcert", "x", "-CRL", "y")],
    ids=["crl", "cert_chain", "xcert", "crl-first"],
)
def test_no_store_loader_for_other_files(
    servers: dict[str, OpenSSLServer], pki: PKI, files: tuple[str, ...]
) -> None:
    _, got = both(_connect(servers, pki, "-provider", "null", *files))
    assert got.rc == 1
    assert "No store loader found." in got.stderr


def test_base_loads_the_key(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    leaf = pki["rsa"]
    args = ["-provider", "base", "-cert", str(leaf.leaf), "-key", str(leaf.key)]
    _, got = both(_connect(servers, pki, *args))
    assert NO_CIPHERS in got.stderr


# --- providers that cannot be loaded --------------------------------------------------------

NOT_FOUND = {
    "nosuch": ("-provider", "nosuch"),
    "fips": ("-provider", "fips"),
    "path": ("-provider", "/nonexistent/x"),
    "relative": ("-provider", "a/b"),
    "wrong-dir": ("-provider-path", "/nonexistent", "-provider", "legacy"),
    "trailing-slash": ("-provider-path", "/nonexistent/", "-provider", "x"),
    "empty-path": ("-provider-path", "", "-provider", "x"),
    "after-default": ("-provider", "default", "-provider", "nosuch", "-provider", "other"),
    # loaded while parsing: before an unknown option after it, not before one before it
    "then-bad-option": ("-provider", "nosuch", "-nosuchoption"),
    "bad-option-first": ("-nosuchoption", "-provider", "nosuch"),
}


@pytest.mark.parametrize("case", list(NOT_FOUND))
def test_provider_not_found(servers: dict[str, OpenSSLServer], pki: PKI, case: str) -> None:
    if case == "fips" and os.path.exists(f"{MODULESDIR}/fips.so"):
        pytest.skip("this machine has a fips module")
    _, got = both(_connect(servers, pki, *NOT_FOUND[case]))
    assert got.rc == 1
    if case != "bad-option-first":
        assert "Hint: use -provider-path option or OPENSSL_MODULES environment variable.\n" in (
            got.stderr
        )
        assert "cannot open shared object file: No such file or directory" in got.stderr


def test_provider_path_from_environment(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path
) -> None:
    args = _connect(servers, pki, "-provider", "legacy")
    env = {**_env(), "OPENSSL_MODULES": str(tmp_path)}
    results = [
        subprocess.run([*cmd, *args], env=env, capture_output=True, text=True, timeout=30)
        for cmd in (["openssl", "s_client"], sclient_cmd())
    ]
    ref, got = results
    assert_clean_stderr(got.stderr)
    assert (got.returncode, _lines(got.stderr)) == (ref.returncode, _lines(ref.stderr))
    assert f"filename({tmp_path}/legacy.so)" in got.stderr


def _lines(text: str) -> list[str]:
    return full_mask(text).splitlines()


# --- -propquery that does not parse ---------------------------------------------------------

BAD_QUERIES = {
    "not-identifier": "@@",
    "empty-clause": "a=1,",
    "open-quote": 'x="y',
    "open-single-quote": "x='a",
    "decimal": "x=1a",
    "sign-alone": "x=+",
    "hex": "x=0x1g",
    "hex-first": "x=0xg",
    "octal": "x=09",
    "overflow": "x=99999999999999999999",
    "duplicate": "provider=default,provider=legacy",
    "name-too-long": "a" * 120,
    "bad-second-segment": "a.1=x",
}


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("case", list(BAD_QUERIES))
def test_bad_query(servers: dict[str, OpenSSLServer], pki: PKI, case: str, version: str) -> None:
    """The handshake completes without the query; its errors end s_client."""
    args = _connect(servers, pki, "-propquery", BAD_QUERIES[case], *VERSIONS[version])
    _, got = both(args)
    assert got.rc == 1
    assert ":error:1B8000" in got.stderr and ":lib(55):" in got.stderr
    assert ", Cipher is " in got.stdout and "DONE" not in got.stdout + got.stderr


@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize("case", ["not-identifier", "open-quote"])
def test_bad_query_brief(
    servers: dict[str, OpenSSLServer], pki: PKI, case: str, version: str
) -> None:
    """-brief: the errors come before CONNECTION ESTABLISHED, which never comes."""
    args = _connect(servers, pki, "-brief", "-propquery", BAD_QUERIES[case], *VERSIONS[version])
    _, got = both(args)
    assert got.rc == 1
    assert ":lib(55):" in got.stderr and "CONNECTION ESTABLISHED" not in got.stderr


def test_bad_query_failed_handshake(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """A handshake that fails shows its own error only."""
    port = servers["tls12"].port
    _, got = both(["-connect", f"{HOST}:{port}", "-propquery", "@@", "-tls1_3"])
    assert got.rc == 1
    assert ":lib(55):" not in got.stderr


# --- engines --------------------------------------------------------------------------------

ENGINES = {
    "nosuch": ("-engine", "nosuch"),
    "rdrand": ("-engine", "rdrand"),  # not built into 3.0.19 and no rdrand.so
    "path": ("-engine", "/nonexistent/x.so"),
    "relative": ("-engine", "a/b"),
    "dynamic": ("-engine", "dynamic"),
    "auto": ("-engine", "auto"),
    "twice": ("-engine", "nosuch", "-engine", "dynamic"),
    "empty": ("-engine", ""),
}


def test_engine_key(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """-keyform ENGINE asks the engine for the key: dynamic has none to give."""
    leaf = pki["rsa"]
    for key in (("-key", str(leaf.key)), ()):
        args = ["-engine", "dynamic", "-keyform", "ENGINE", "-cert", str(leaf.leaf), *key]
        _, got = both(_connect(servers, pki, *args))
        assert got.rc == 1
        assert "Could not read client certificate private key from org.openssl.engine:" in (
            got.stderr
        )


@pytest.mark.parametrize("case", list(ENGINES))
def test_engine(servers: dict[str, OpenSSLServer], pki: PKI, case: str) -> None:
    """s_client goes on whatever the engine lookup said."""
    _, got = both(_connect(servers, pki, *ENGINES[case]))
    assert got.rc == 0
    if "nosuch" in ENGINES[case]:
        assert got.stderr.startswith('Invalid engine "nosuch"\n')
        assert ":ENGINE_by_id:no such engine:" in got.stderr


CLIENT_ENGINES = {
    "nosuch": ("-ssl_client_engine", "nosuch"),
    "auto": ("-ssl_client_engine", "auto"),
    "dynamic": ("-ssl_client_engine", "dynamic"),
    # SSL_CONF errors come first, the CA file after the client engine
    "dynamic-bad-cipher": ("-ssl_client_engine", "dynamic", "-cipher", "NOSUCH"),
    "dynamic-bad-cafile": ("-ssl_client_engine", "dynamic", "-CAfile", "/nonexistent"),
    "with-engine": ("-engine", "nosuch", "-ssl_client_engine", "nosuch"),
    "empty": ("-ssl_client_engine", ""),
    "then-bad-option": ("-ssl_client_engine", "nosuch", "-nosuchoption"),
}


@pytest.mark.parametrize("case", list(CLIENT_ENGINES))
def test_ssl_client_engine(servers: dict[str, OpenSSLServer], pki: PKI, case: str) -> None:
    _, got = both(_connect(servers, pki, *CLIENT_ENGINES[case]))
    assert got.rc == 1
    assert "CONNECTED" not in got.stdout


def _run_sclient(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    res = subprocess.run(
        [*sclient_cmd(), *args],
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert_clean_stderr(res.stderr)
    return res.returncode, res.stderr


@pytest.mark.parametrize("option", ["-engine", "-ssl_client_engine"])
def test_engine_file_refused(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path, option: str
) -> None:
    """An engine file that exists is native code: one line, exit 1, nothing connected."""
    (tmp_path / "hw.so").write_bytes(b"\x7fELF")
    env = {**_env(), "OPENSSL_ENGINES": str(tmp_path)}
    rc, err = _run_sclient(_connect(servers, pki, option, "hw"), env)
    assert (rc, err) == (
        1,
        f's_client: Cannot use engine "hw": sclient does not load OpenSSL engines ({tmp_path}/hw.so)\n',
    )
    rc, err = _run_sclient(_connect(servers, pki, option, str(tmp_path / "hw.so")))
    assert rc == 1 and err.startswith('s_client: Cannot use engine "')


def test_provider_module_refused(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path
) -> None:
    (tmp_path / "fips.so").write_bytes(b"\x7fELF")
    args = _connect(servers, pki, "-provider-path", str(tmp_path), "-provider", "fips")
    rc, err = _run_sclient(args)
    assert (rc, err) == (
        1,
        "s_client: unable to load provider fips: sclient does not load OpenSSL provider "
        f"modules ({tmp_path}/fips.so)\n",
    )


@pytest.mark.skipif(
    not os.path.exists(f"{ENGINESDIR}/afalg.so"), reason="no afalg engine in " + ENGINESDIR
)
def test_installed_engine_refused(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    rc, err = _run_sclient(_connect(servers, pki, "-engine", "afalg"))
    assert rc == 1 and err.startswith('s_client: Cannot use engine "afalg"')


# --- -async ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", list(VERSIONS))
def test_async_changes_nothing(servers: dict[str, OpenSSLServer], pki: PKI, version: str) -> None:
    """With and without -async: the same output as openssl, and as each other."""
    args = _connect(servers, pki, *VERSIONS[version])
    _, plain = both(args)
    _, with_async = both([*args, "-async"])
    assert with_async.rc == plain.rc == 0
    assert _lines(with_async.stdout) == _lines(plain.stdout)
    assert _lines(with_async.stderr) == _lines(plain.stderr)


def test_async_brief(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    _, got = both(_connect(servers, pki, "-async", "-brief"))
    assert got.rc == 0 and "CONNECTION ESTABLISHED\n" in got.stderr
