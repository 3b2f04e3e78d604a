"""Trust stores: CA file loading errors, hashed directories, defaults."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import scenarios
import x509_oracle as oracle
from scenarios import NOW

from sclient.x509.callback import render
from sclient.x509.cert import Certificate
from sclient.x509.store import DefaultPaths, StoreLoadError, TrustStore
from sclient.x509.verify import VerifyParams, verify_chain

needs_openssl = pytest.mark.skipif(
    not oracle.available(), reason="openssl 3.0 binary not available"
)


def _errors_of(path: str) -> list[str]:
    """Our error-queue lines for loading ``path``, without the thread-id prefix."""
    with pytest.raises(StoreLoadError) as ei:
        TrustStore.load(cafile=path)
    return [
        f"error:{e.code:08X}:{e.library}:{e.func}:{e.reason}:{e.file}:{e.line}:{e.data}"
        for e in ei.value.errors
    ]


def _openssl_errors(path: str) -> list[str]:
    r = subprocess.run(
        ["openssl", "s_client", "-CAfile", path, "-connect", "127.0.0.1:1"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert r.returncode == 1
    return [re.sub(r"^[0-9A-F]+:", "", ln) for ln in r.stderr.splitlines() if ":error:" in ln]


def _pem_text() -> str:
    return scenarios.P().root.pem.decode()


def _b64(d: bytes) -> str:
    s = base64.b64encode(d).decode()
    return "\n".join(s[i : i + 64] for i in range(0, len(s), 64))


BAD_FILES = {
    "no-certificates": "hello\n",
    "empty": "",
    "key-only": None,
    "bad-base64": None,  # filled below
    "missing-end": None,
    "empty-body": "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
}


def _bad_content(name: str) -> str:
    pem = _pem_text()
    if name == "bad-base64":
        return pem.replace("MII", "M!I", 1)
    if name == "key-only":
        return scenarios.P().leaf.key_pem.decode()
    if name == "missing-end":
        return pem.replace("-----END CERTIFICATE-----", "")
    content = BAD_FILES[name]
    assert content is not None
    return content


@needs_openssl
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cafile_load_errors_match_openssl(name: str, tmp_path: Path) -> None:
    f = tmp_path / "ca.pem"
    f.write_text(_bad_content(name))
    ours = _errors_of(str(f))
    if name == "empty-body":
        # OpenSSL's exact ASN.1 reasons for bad DER are not modelled: compare the tail
        assert ours[-1] == _openssl_errors(str(f))[-1]
    else:
        assert ours == _openssl_errors(str(f))


@needs_openssl
@pytest.mark.parametrize("path", ["/nonexistent/ca.pem", "/etc/passwd/x"])
def test_cafile_open_errors_match_openssl(path: str) -> None:
    assert _errors_of(path) == _openssl_errors(path)


@needs_openssl
def test_cafile_directory_is_no_certificate(tmp_path: Path) -> None:
    assert _errors_of(str(tmp_path)) == _openssl_errors(str(tmp_path))


@needs_openssl
def test_bad_der_in_pem_fails_whole_file(tmp_path: Path) -> None:
    der = scenarios.P().root.der
    f = tmp_path / "ca.pem"
    f.write_text(
        _pem_text()
        + "-----BEGIN CERTIFICATE-----\n"
        + _b64(der[:200])
        + "\n-----END CERTIFICATE-----\n"
    )
    ours = _errors_of(str(f))
    theirs = _openssl_errors(str(f))
    assert ours[-3:] == theirs[-3:]


def test_cafile_variants_load(tmp_path: Path) -> None:
    p = scenarios.P()
    der = p.root.der
    variants = {
        "crlf": p.root.pem.replace(b"\n", b"\r\n"),
        "one-line": b"-----BEGIN CERTIFICATE-----\n"
        + base64.b64encode(der)
        + b"\n-----END CERTIFICATE-----\n",
        "old-name": b"-----BEGIN X509 CERTIFICATE-----\n"
        + _b64(der).encode()
        + b"\n-----END X509 CERTIFICATE-----\n",
        "trailing-garbage-der": b"-----BEGIN CERTIFICATE-----\n"
        + _b64(der + b"\0\0").encode()
        + b"\n-----END CERTIFICATE-----\n",
        "text-around": b"junk\n" + p.root.pem + b"more junk\n" + p.inter.pem,
        "duplicates": p.root.pem + p.root.pem,
    }
    for name, data in variants.items():
        f = tmp_path / f"{name}.pem"
        f.write_bytes(data)
        st = TrustStore.load(cafile=str(f))
        assert Certificate(der) in st.certificates, name
    st = TrustStore.load(cafile=str(tmp_path / "duplicates.pem"))
    assert len(st.certificates) == 1


def _hash_dir(tmp_path: Path, certs: list[bytes], use_openssl: bool) -> Path:
    d = tmp_path / ("rehashed" if use_openssl else "ours")
    d.mkdir()
    for i, pem in enumerate(certs):
        (d / f"c{i}.pem").write_bytes(pem)
    if use_openssl:
        oracle.rehash(d)
    else:
        counts: dict[int, int] = {}
        for i, pem in enumerate(certs):
            h = Certificate(
                scenarios.pki.x509.load_pem_x509_certificate(pem).public_bytes(
                    scenarios.pki.serialization.Encoding.DER
                )
            ).subject.hash()
            k = counts.get(h, 0)
            counts[h] = k + 1
            os.symlink(f"c{i}.pem", d / f"{h:08x}.{k}")
    return d


@pytest.mark.parametrize("use_openssl", [True, False], ids=["openssl-rehash", "own-hash"])
def test_capath_lookup(tmp_path: Path, use_openssl: bool) -> None:
    if use_openssl and not oracle.available():
        pytest.skip("openssl 3.0 binary not available")
    p = scenarios.P()
    d = _hash_dir(
        tmp_path,
        [p.root.pem, scenarios._std(leaf=scenarios.Role(expired=True)).leaf.pem],
        use_openssl,
    )
    st = TrustStore.load(capath=str(d))
    res = verify_chain([p.leaf.der, p.inter.der], st, now=NOW, params=VerifyParams(auth_level=2))
    assert res.ok, render(res).text
    # only hash-named files are used: a directory without links finds nothing
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "root.pem").write_bytes(p.root.pem)
    res = verify_chain([p.leaf.der, p.inter.der], TrustStore.load(capath=str(bare)), now=NOW)
    assert res.error == 20


@needs_openssl
def test_capath_differential(tmp_path: Path) -> None:
    p = scenarios.P()
    d = _hash_dir(tmp_path, [p.root.pem], True)
    r = oracle.s_client_against(
        p.leaf.pem, p.leaf.key_pem, p.inter.pem, capath=d, client_args=["-attime", str(int(NOW))]
    )
    res = verify_chain(
        [p.leaf.der, p.inter.der],
        TrustStore.load(capath=str(d)),
        now=NOW,
        params=VerifyParams(auth_level=2),
    )
    out = render(res)
    assert out.lines == r.verify_lines
    assert r.verify_code == (0, "ok")


def test_capath_multiple_files_same_hash(tmp_path: Path) -> None:
    """<hash>.0 is an expired root, <hash>.1 the valid one with the same name and key."""
    p = scenarios.P()
    old = scenarios.pki.make(
        scenarios.pki.ROOT_NAME, not_before=NOW - 800 * 86400, not_after=NOW - 86400, ca=True
    )
    d = tmp_path / "dir"
    d.mkdir()
    h = Certificate(p.root.der).subject.hash()
    (d / f"{h:08x}.0").write_bytes(old.pem)
    (d / f"{h:08x}.1").write_bytes(p.root.pem)
    res = verify_chain([p.leaf.der, p.inter.der], TrustStore.load(capath=str(d)), now=NOW)
    assert res.ok
    # a gap stops the scan: .0 missing means nothing is found
    (d / f"{h:08x}.0").unlink()
    res = verify_chain([p.leaf.der, p.inter.der], TrustStore.load(capath=str(d)), now=NOW)
    assert res.error == 20


def test_cafile_cache_hides_capath(tmp_path: Path) -> None:
    """A name found in the CA file is not looked up in the directory."""
    p = scenarios.P()
    old = scenarios.pki.make(
        scenarios.pki.ROOT_NAME, not_before=NOW - 800 * 86400, not_after=NOW - 86400, ca=True
    )
    f = tmp_path / "old.pem"
    f.write_bytes(old.pem)
    d = tmp_path / "dir"
    d.mkdir()
    (d / f"{Certificate(p.root.der).subject.hash():08x}.0").write_bytes(p.root.pem)
    res = verify_chain(
        [p.leaf.der, p.inter.der], TrustStore.load(cafile=str(f), capath=str(d)), now=NOW
    )
    assert res.error == 10  # the expired CAfile root is used


def test_default_locations(tmp_path: Path) -> None:
    p = scenarios.P()
    f = tmp_path / "bundle.pem"
    f.write_bytes(p.root.pem)
    defaults = DefaultPaths(str(tmp_path / "nope.pem"), str(tmp_path / "nodir"))
    chain = [p.leaf.der, p.inter.der]
    # environment overrides the compiled-in default
    st = TrustStore.load(env={"SSL_CERT_FILE": str(f)}, defaults=defaults)
    assert verify_chain(chain, st, now=NOW).ok
    # -no-CAfile disables it
    st = TrustStore.load(no_cafile=True, env={"SSL_CERT_FILE": str(f)}, defaults=defaults)
    assert verify_chain(chain, st, now=NOW).error == 20
    # a missing default file is silently ignored
    st = TrustStore.load(env={}, defaults=defaults)
    assert verify_chain(chain, st, now=NOW).error == 20
    # any explicit location turns the defaults off
    other = tmp_path / "other.pem"
    other.write_bytes(p.inter.pem)
    st = TrustStore.load(cafile=str(other), env={"SSL_CERT_FILE": str(f)}, defaults=defaults)
    assert verify_chain(chain, st, now=NOW).error == 2
    # default directory from SSL_CERT_DIR (colon-separated)
    d = tmp_path / "hashdir"
    d.mkdir()
    (d / f"{Certificate(p.root.der).subject.hash():08x}.0").write_bytes(p.root.pem)
    st = TrustStore.load(env={"SSL_CERT_DIR": f"{tmp_path / 'nodir'}:{d}"}, defaults=defaults)
    assert verify_chain(chain, st, now=NOW).ok


def test_default_file_is_lazy(tmp_path: Path) -> None:
    f = tmp_path / "bundle.pem"
    f.write_bytes(scenarios.P().root.pem)
    st = TrustStore.load(env={"SSL_CERT_FILE": str(f)}, defaults=DefaultPaths("/x", "/y"))
    f.unlink()  # never read so far
    assert st.certificates == []


def test_system_defaults() -> None:
    dp = DefaultPaths.system()
    assert dp.cert_file_env == "SSL_CERT_FILE" and dp.cert_dir_env == "SSL_CERT_DIR"
    if shutil.which("openssl"):
        out = subprocess.run(
            ["openssl", "version", "-d"], capture_output=True, text=True, timeout=10
        ).stdout
        openssldir = out.split('"')[1]
        assert dp == DefaultPaths.from_openssldir(openssldir)


def test_castore(tmp_path: Path) -> None:
    p = scenarios.P()
    chain = [p.leaf.der, p.inter.der]
    f = tmp_path / "root.pem"
    f.write_bytes(p.root.pem)
    for uri in (str(f), f"file:{f}", f"file://{f}"):
        assert verify_chain(chain, TrustStore.load(castore=uri), now=NOW).ok, uri
    d = tmp_path / "dir"
    d.mkdir()
    (d / "root.pem").write_bytes(p.root.pem)
    assert verify_chain(chain, TrustStore.load(castore=str(d)), now=NOW).error == 20
    (d / f"{Certificate(p.root.der).subject.hash():08x}.0").write_bytes(p.root.pem)
    assert verify_chain(chain, TrustStore.load(castore=str(d)), now=NOW).ok
    with pytest.raises(StoreLoadError):
        TrustStore.load(castore="org.openssl.winstore://")
