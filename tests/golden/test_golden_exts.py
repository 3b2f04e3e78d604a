"""The options of TLS extensions and exporters s_client has for applications
(output.md §5, §19): ``-keymatexport``/``-keymatexportlen`` (the ``Keying
material exporter:`` block, RFC 5705 in TLS 1.2, RFC 8446 §7.5 in TLS 1.3),
``-use_srtp`` (the use_srtp extension: OpenSSL offers it over TLS too, but
its server refuses it there and its client takes a server's answer outside
DTLS for a bad extension, so no profile is ever negotiated over TLS),
``-nextprotoneg`` (NPN in TLS 1.2: ``Protocols advertised by server:``, the
NextProto message before Finished, ``Next protocol: (N) proto``),
``-serverinfo`` (the requested types sent empty ahead of the built-in
extensions, the server's answers as ``SERVERINFO FOR EXTENSION`` PEM blocks;
``s_server -serverinfo`` answers from a PEM file the test writes).
sclient's output compared with ``openssl s_client``'s against ``openssl
s_server`` configured for each, alone and with -msg and -trace; the keying
material both print is random, so it is masked in the comparison and checked
against the one ``s_server`` exports for the same connection instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_msg_state import full_mask, run_client
from golden.test_golden_trace import tmask
from support.peers import HOST, GnuTLSServer, OpenSSLServer, openssl_servers, require
from support.pki import PKI
from support.procs import Result, assert_clean_stderr, sclient_cmd

pytestmark = pytest.mark.golden

OPENSSL = ["openssl", "s_client"]
VERSIONS = {"tls13": ("-tls1_3",), "tls12": ("-tls1_2",)}
TRACING = {"plain": (), "msg": ("-msg",), "trace": ("-trace",)}

LABEL = "EXPORTER-sclient-test"
_MATERIAL = re.compile(r"^(    Keying material: )([0-9A-F]+)$", re.M)


def _serverinfo_file(path: Path) -> Path:
    """s_server's -serverinfo file: one PEM block per extension (type, length, data)."""
    from sclient.base.pem import encode

    blocks = {1000: b"hello", 1001: b"", 4660: bytes(range(200))}
    path.write_text(
        "".join(
            encode(
                f"SERVERINFO FOR EXTENSION {t}",
                t.to_bytes(2, "big") + len(d).to_bytes(2, "big") + d,
            )
            for t, d in blocks.items()
        )
    )
    return path


@pytest.fixture(scope="module")
def servers(
    pki: PKI, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, OpenSSLServer]]:
    info = _serverinfo_file(tmp_path_factory.mktemp("serverinfo") / "serverinfo.pem")
    specs = {
        # loud: s_server prints the material it exports for each connection
        "keymat": (pki["rsa"], ["-keymatexport", LABEL, "-keymatexportlen", "32"]),
        "tls13only": (pki["rsa"], ["-tls1_3"]),
        "srtp": (pki["rsa"], ["-use_srtp", "SRTP_AES128_CM_SHA1_80"]),
        "npn": (pki["rsa"], ["-nextprotoneg", "h2,http/1.1"]),
        "serverinfo": (pki["rsa"], ["-serverinfo", str(info)]),
    }
    with openssl_servers(specs, loud=("keymat",)) as started:
        yield started


def _mask(text: str) -> str:
    """What is random: the material, and what -msg and -trace mask elsewhere."""
    return full_mask(tmask(_MATERIAL.sub(r"\1<material>", text)))


def compare(ref: Result, got: Result) -> None:
    import difflib

    assert_clean_stderr(got.stderr)
    problems = []
    if ref.rc != got.rc:
        problems.append(f"exit status: openssl {ref.rc}, sclient {got.rc}")
    for name, want, have in (
        ("stdout", ref.stdout, got.stdout),
        ("stderr", ref.stderr, got.stderr),
    ):
        a, b = _mask(want), _mask(have)
        if a != b:
            problems.append(
                "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), name, name))
            )
    assert not problems, "\n".join(problems)


def both(args: list[str], stdin: bytes | None = None) -> tuple[Result, Result]:
    ref = run_client(OPENSSL, args, stdin=stdin)
    got = run_client(sclient_cmd(), args, stdin=stdin)
    compare(ref, got)
    return ref, got


def _connect(server: OpenSSLServer | GnuTLSServer, pki: PKI, *extra: str) -> list[str]:
    return ["-connect", f"{HOST}:{server.port}", "-CAfile", str(pki["rsa"].root), *extra]


def _materials(text: str) -> list[str]:
    return [m.group(2) for m in _MATERIAL.finditer(text)]


# --- -keymatexport ------------------------------------------------------------------------


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize("version", list(VERSIONS))
def test_keymatexport(
    servers: dict[str, OpenSSLServer], pki: PKI, version: str, tracing: str
) -> None:
    server = servers["keymat"]
    args = _connect(server, pki, *VERSIONS[version], *TRACING[tracing])
    args += ["-keymatexport", LABEL, "-keymatexportlen", "32"]
    ref, got = both(args)
    assert f"Keying material exporter:\n    Label: '{LABEL}'\n    Length: 32 bytes\n" in got.stdout
    # the block ends the summary, after the session (1.2) or the verify line (1.3)
    assert re.search(r"\n    Keying material: [0-9A-F]{64}\n---\n", got.stdout)
    mine = _materials(got.stdout)
    assert len(mine) == 1
    # s_server exported the same material for the same connection
    assert mine[0] in server.stdout.decode("latin-1")
    assert _materials(ref.stdout)[0] in server.stdout.decode("latin-1")


@pytest.mark.parametrize("version", list(VERSIONS))
def test_keymatexport_default_length(
    servers: dict[str, OpenSSLServer], pki: PKI, version: str
) -> None:
    _, got = both(_connect(servers["keymat"], pki, *VERSIONS[version], "-keymatexport", "x"))
    assert "    Length: 20 bytes\n" in got.stdout
    assert re.search(r"    Keying material: [0-9A-F]{40}\n", got.stdout)


@pytest.mark.parametrize("version", list(VERSIONS))
def test_keymatexport_reserved_label(
    servers: dict[str, OpenSSLServer], pki: PKI, version: str
) -> None:
    """RFC 5705 reserves the PRF's own labels in TLS 1.2; TLS 1.3 has no such list."""
    args = _connect(servers["keymat"], pki, *VERSIONS[version], "-keymatexport", "client finished")
    _, got = both(args)
    if version == "tls12":
        assert "    Length: 20 bytes\n    Error\n---\n" in got.stdout
    else:
        assert re.search(r"    Keying material: [0-9A-F]{40}\n", got.stdout)


@pytest.mark.parametrize("version", list(VERSIONS))
def test_keymatexport_long(servers: dict[str, OpenSSLServer], pki: PKI, version: str) -> None:
    """HKDF-Expand gives at most 255 hash lengths: more is an Error in TLS 1.3;
    the TLS 1.2 PRF has no limit."""
    args = _connect(servers["keymat"], pki, *VERSIONS[version])
    _, got = both([*args, "-keymatexport", LABEL, "-keymatexportlen", "20000"])
    if version == "tls13":
        assert "    Length: 20000 bytes\n    Error\n" in got.stdout
    else:
        assert len(_materials(got.stdout)[0]) == 40000


def test_keymatexport_failed_handshake(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """The summary after a failed handshake still has the block, with ``Error``."""
    args = _connect(servers["tls13only"], pki, "-tls1_2", "-keymatexport", LABEL)
    ref, got = both(args)
    assert ref.rc == got.rc == 1
    assert "    Length: 20 bytes\n    Error\n---\n" in got.stdout


def test_keymatexport_reconnect(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """Each connection's summary exports its own material."""
    args = _connect(servers["keymat"], pki, "-tls1_2", "-reconnect", "-keymatexport", LABEL)
    ref, got = both(args, stdin=b"")
    mine = _materials(got.stdout)
    assert len(mine) == len(_materials(ref.stdout)) == 6
    assert len(set(mine)) == 6


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", 's_client: Non-positive number "0" for option -keymatexportlen\n'),
        ("-1", 's_client: Non-positive number "-1" for option -keymatexportlen\n'),
        ("abc", 's_client: Can\'t parse "abc" as a number\n'),
    ],
)
def test_keymatexportlen_bad(value: str, message: str) -> None:
    args = ["-connect", f"{HOST}:1", "-keymatexport", LABEL, "-keymatexportlen", value]
    ref = run_client(OPENSSL, args, stdin=b"")
    got = run_client(sclient_cmd(), args, stdin=b"")
    compare(ref, got)
    assert got.rc == 1
    assert got.stderr.startswith(message)


@pytest.mark.parametrize("version", list(VERSIONS))
def test_keymatexport_json(servers: dict[str, OpenSSLServer], pki: PKI, version: str) -> None:
    from support.jsondoc import sclient_json

    server = servers["keymat"]
    args = _connect(server, pki, *VERSIONS[version], "-keymatexport", LABEL)
    got = run_client(sclient_cmd(), [*args, "-keymatexportlen", "32", "-json"], stdin=b"")
    doc = sclient_json(got.stdout)
    km = doc["keying_material"]
    assert km["label"] == LABEL and km["length"] == 32
    assert km["material"] in server.stdout.decode("latin-1")
    assert doc["connections"][0]["keying_material"] == km
    got = run_client(sclient_cmd(), [*args, "-keymatexportlen", "20000", "-json"], stdin=b"")
    expect = None if version == "tls13" else 40000
    material = sclient_json(got.stdout)["keying_material"]["material"]
    assert (material if material is None else len(material)) == expect


# --- -use_srtp ----------------------------------------------------------------------------

SRTP = "SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32:SRTP_AEAD_AES_128_GCM"


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize("version", list(VERSIONS))
def test_use_srtp_refused_by_openssl_server(
    servers: dict[str, OpenSSLServer], pki: PKI, version: str, tracing: str
) -> None:
    """s_server takes use_srtp outside DTLS for a bad extension: illegal_parameter."""
    args = _connect(servers["srtp"], pki, *VERSIONS[version], *TRACING[tracing])
    _, got = both([*args, "-use_srtp", SRTP], stdin=b"")
    assert got.rc == 1
    if tracing == "trace":
        assert (
            "        extension_type=use_srtp(14), length=11\n"
            "          0000 - 00 08 00 08 00 01 00 02-00 07 00 "
        ) in got.stdout
        assert "description=illegal parameter(47)" in got.stdout
    if tracing == "msg":
        assert re.search(
            r"<<< TLS 1\.[23], Alert \[length 0002\], fatal illegal_parameter\n", got.stdout
        )


@pytest.fixture(scope="module")
def gnutls_srtp(pki: PKI) -> Iterator[GnuTLSServer]:
    require("gnutls-serv")
    with GnuTLSServer(pki["rsa"], ["--srtp-profiles", "SRTP_AES128_CM_HMAC_SHA1_80"]) as s:
        yield s


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize("version", list(VERSIONS))
def test_use_srtp_gnutls(gnutls_srtp: GnuTLSServer, pki: PKI, version: str, tracing: str) -> None:
    """gnutls-serv answers use_srtp in the TLS 1.2 ServerHello and in TLS 1.3's
    EncryptedExtensions: OpenSSL's client takes it for a bad extension outside
    DTLS (illegal_parameter), before the finalisers run (so no ``Can't use
    SSL_get_servername``)."""
    args = _connect(gnutls_srtp, pki, *VERSIONS[version], *TRACING[tracing])
    _, got = both([*args, "-use_srtp", "SRTP_AES128_CM_SHA1_80"], stdin=b"")
    assert "SRTP Extension negotiated" not in got.stdout
    assert got.rc == 1
    assert got.stderr.startswith(
        "<tid>:error:0A00006E:SSL routines:tls_collect_extensions:bad extension:".replace(
            "<tid>", got.stderr.split(":")[0]
        )
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("FOO", "srtp unknown protection profile"),
        ("", "srtp unknown protection profile"),
        ("srtp_aes128_cm_sha1_80", "srtp unknown protection profile"),
        ("SRTP_AES128_CM_SHA1_80:", "srtp unknown protection profile"),
        ("SRTP_AES128_CM_SHA1_80:SRTP_NULL_SHA1_80", "srtp unknown protection profile"),
        ("SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_32", "bad srtp protection profile list"),
    ],
)
def test_use_srtp_bad_list(
    servers: dict[str, OpenSSLServer], pki: PKI, value: str, reason: str
) -> None:
    _, got = both(_connect(servers["srtp"], pki, "-use_srtp", value), stdin=b"")
    assert got.rc == 1
    assert got.stdout == ""
    assert got.stderr.startswith("Error setting SRTP profile\n")
    assert f":ssl_ctx_make_profiles:{reason}:../ssl/d1_srtp.c:" in got.stderr


# --- -nextprotoneg ------------------------------------------------------------------------

NPN_TRACING = {**TRACING, "state": ("-state",), "msg+state": ("-msg", "-state")}


@pytest.mark.parametrize(
    ("ours", "status", "chosen"),
    [
        ("foo,http/1.1", 1, "http/1.1"),  # the server's order decides
        ("http/1.1,h2", 1, "h2"),
        ("foo,bar", 2, "foo"),  # no overlap: our first
    ],
)
@pytest.mark.parametrize("tracing", list(NPN_TRACING))
def test_nextprotoneg(
    servers: dict[str, OpenSSLServer], pki: PKI, tracing: str, ours: str, status: int, chosen: str
) -> None:
    args = _connect(servers["npn"], pki, "-tls1_2", *NPN_TRACING[tracing], "-nextprotoneg", ours)
    _, got = both(args)
    assert "Protocols advertised by server: h2, http/1.1\n" in got.stdout
    assert (
        f"Expansion: NONE\nNext protocol: ({status}) {chosen}\nNo ALPN negotiated\n" in got.stdout
    )
    if tracing == "msg":
        assert re.search(r">>> TLS 1.2, Handshake \[length 0024\], NextProto\n", got.stdout)
    if tracing == "trace":
        n = len(chosen)
        assert (
            "    NextProto, Length=32\n      Unsupported, hex dump follows:\n"
            f"        0000 - {n:02x} " + " ".join(f"{b:02x}" for b in chosen.encode()[:3])
        ) in got.stdout
    if "state" in tracing:
        assert (
            "SSL_connect:SSLv3/TLS write change cipher spec\n"
            "SSL_connect:SSLv3/TLS write next proto\n"
            "SSL_connect:SSLv3/TLS write finished\n"
        ) in got.stderr


@pytest.mark.parametrize("tracing", list(TRACING))
def test_nextprotoneg_tls13(servers: dict[str, OpenSSLServer], pki: PKI, tracing: str) -> None:
    """The extension goes out (empty) in a ClientHello that offers TLS 1.3 too;
    a TLS 1.3 server ignores it: no callback, no ``Next protocol`` line."""
    args = _connect(servers["npn"], pki, *TRACING[tracing], "-nextprotoneg", "h2")
    _, got = both(args)
    assert "Next protocol" not in got.stdout and "Protocols advertised" not in got.stdout
    if tracing == "trace":
        assert "        extension_type=next_proto_neg(13172), length=0\n" in got.stdout


def test_nextprotoneg_server_without_npn(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    args = _connect(servers["keymat"], pki, "-tls1_2", "-msg", "-nextprotoneg", "h2")
    _, got = both(args)
    assert "Next protocol" not in got.stdout and "NextProto" not in got.stdout


def test_nextprotoneg_reconnect(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    """Resumptions send NextProto too, after the server's Finished."""
    args = _connect(servers["npn"], pki, "-tls1_2", "-reconnect", "-msg", "-nextprotoneg", "h2")
    _, got = both(args, stdin=b"")
    assert got.stdout.count("Next protocol: (1) h2\n") == 6
    assert got.stdout.count(", NextProto\n") == 6


def test_nextprotoneg_quiet(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    args = _connect(servers["npn"], pki, "-tls1_2", "-quiet", "-no_ign_eof", "-nextprotoneg", "h2")
    ref = run_client(OPENSSL, args, (), wait=1.0)
    got = run_client(sclient_cmd(), args, (), wait=1.0)
    compare(ref, got)
    assert "Protocols advertised" not in got.stdout


@pytest.mark.parametrize("value", ["", "a,,b", ",a", "a,", "x" * 256])
def test_nextprotoneg_lists(servers: dict[str, OpenSSLServer], pki: PKI, value: str) -> None:
    """next_protos_parse: an empty list or a name over 255 bytes is refused;
    empty names are skipped."""
    _, got = both(_connect(servers["npn"], pki, "-tls1_2", "-nextprotoneg", value), stdin=b"")
    if value in ("", "x" * 256):
        assert got.rc == 1
        assert got.stderr == "Error parsing -nextprotoneg argument\n"


def test_nextprotoneg_with_tls1_3_only(pki: PKI) -> None:
    args = ["-connect", f"{HOST}:1", "-tls1_3", "-nextprotoneg", "h2"]
    ref = run_client(OPENSSL, args, stdin=b"")
    got = run_client(sclient_cmd(), args, stdin=b"")
    compare(ref, got)
    assert got.stderr.startswith("Cannot supply -nextprotoneg with TLSv1.3\n")


def test_nextprotoneg_json(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    from support.jsondoc import sclient_json

    args = _connect(servers["npn"], pki, "-tls1_2", "-nextprotoneg", "foo,http/1.1", "-json")
    doc = sclient_json(run_client(sclient_cmd(), args, stdin=b"").stdout)
    assert doc["next_protocol"] == {
        "advertised": ["h2", "http/1.1"],
        "status": 1,
        "protocol": "http/1.1",
    }
    args = _connect(servers["npn"], pki, "-nextprotoneg", "h2", "-json")
    assert sclient_json(run_client(sclient_cmd(), args, stdin=b"").stdout)["next_protocol"] is None


# --- -serverinfo --------------------------------------------------------------------------

SI_1000 = "-----BEGIN SERVERINFO FOR EXTENSION 1000-----\nA+gABWhlbGxv\n-----END SERVERINFO FOR EXTENSION 1000-----\n"
SI_1001 = "-----BEGIN SERVERINFO FOR EXTENSION 1001-----\nA+kAAA==\n-----END SERVERINFO FOR EXTENSION 1001-----\n"


@pytest.mark.parametrize("tracing", list(TRACING))
@pytest.mark.parametrize("version", list(VERSIONS))
def test_serverinfo(
    servers: dict[str, OpenSSLServer], pki: PKI, version: str, tracing: str
) -> None:
    """The types go out empty, first; s_server answers those it has (TLS 1.2
    only: its serverinfo file has no TLS 1.3 context)."""
    args = _connect(servers["serverinfo"], pki, *VERSIONS[version], *TRACING[tracing])
    _, got = both([*args, "-serverinfo", "1001,1000,1002", "-serverinfo", "4660"])
    if version == "tls12":
        # in the order the types were given, not the server's
        assert (
            SI_1001 + SI_1000 + "-----BEGIN SERVERINFO FOR EXTENSION 4660-----\nEjQAyAABAgME"
            in got.stdout
        )
        # printed as the ServerHello is processed: before the certificate's lines
        assert got.stdout.index("SERVERINFO") < got.stdout.index("Certificate chain")
    else:
        assert "SERVERINFO" not in got.stdout
    if tracing == "trace":
        assert (
            "        extension_type=UNKNOWN(1001), length=0\n"
            "        extension_type=UNKNOWN(1000), length=0\n"
            "        extension_type=UNKNOWN(1002), length=0\n"
            "        extension_type=UNKNOWN(4660), length=0\n"
        ) in got.stdout


@pytest.mark.parametrize(
    ("types", "warned"),
    [
        ("", [0]),  # atoi: no number is 0, server_name
        ("abc,1000", [0]),
        ("1000,1000", [1000]),
        ("0,16,65281,13172,14,1000", [0, 16, 65281, 13172, 14]),
        ("18,70000", []),  # SCT may be custom; 70000 is 4464 as an unsigned short
        ("-1, 1001x", []),  # 65535; atoi stops at the x
    ],
)
def test_serverinfo_types(
    servers: dict[str, OpenSSLServer], pki: PKI, types: str, warned: list[int]
) -> None:
    _, got = both(_connect(servers["serverinfo"], pki, "-tls1_2", "-trace", "-serverinfo", types))
    warnings = re.findall(
        r"^Warning: Unable to add custom extension (\d+), skipping$", got.stderr, re.M
    )
    assert [int(w) for w in warnings] == warned


def test_serverinfo_at_most_100(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    types = ",".join(str(2000 + i) for i in range(150))
    _, got = both(_connect(servers["serverinfo"], pki, "-tls1_2", "-trace", "-serverinfo", types))
    assert "UNKNOWN(2099), length=0" in got.stdout and "UNKNOWN(2100)" not in got.stdout


def test_serverinfo_reconnect(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    args = _connect(servers["serverinfo"], pki, "-tls1_2", "-reconnect", "-serverinfo", "1000")
    _, got = both(args, stdin=b"")
    # s_server sends no serverinfo when it resumes a session: the first connection only
    assert got.stdout.count(SI_1000) == 1


def test_serverinfo_quiet(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    args = _connect(
        servers["serverinfo"], pki, "-tls1_2", "-quiet", "-no_ign_eof", "-serverinfo", "1000"
    )
    ref = run_client(OPENSSL, args, (), wait=1.0)
    got = run_client(sclient_cmd(), args, (), wait=1.0)
    compare(ref, got)
    assert "SERVERINFO" not in got.stdout


def test_serverinfo_json(servers: dict[str, OpenSSLServer], pki: PKI) -> None:
    from support.jsondoc import sclient_json

    args = _connect(servers["serverinfo"], pki, "-tls1_2", "-serverinfo", "1000,1001,1002", "-json")
    doc = sclient_json(run_client(sclient_cmd(), args, stdin=b"").stdout)
    assert doc["serverinfo"] == [{"type": 1000, "data": b"hello".hex()}, {"type": 1001, "data": ""}]
