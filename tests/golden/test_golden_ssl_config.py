"""``-ssl_config NAME`` compared with ``openssl s_client`` against ``openssl
s_server``, both clients given the same ``OPENSSL_CONF`` file: a section that
changes the suite, the group and the protocol version the handshake ends
with; the command line's SSL_CONF options it overrides (s_client runs
``SSL_CTX_config`` after them) and ``-tls1_3``, which overrides it; the
configuration file's syntax (``$variables``, ``.include``, continuation
lines, a first ``.`` in a command's name); and each way it fails: an unknown
name, a missing or broken file, an ``ssl_conf`` module whose sections are
missing or empty (silently, or fatally under ``config_diagnostics``), an
unknown or server-only command, bad values of each kind, several failures at
once."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden.test_golden_exts import OPENSSL, compare
from golden.test_golden_msg_state import run_client
from support.peers import HOST, OpenSSLServer, openssl_servers
from support.pki import PKI
from support.procs import Result, sclient_cmd

pytestmark = pytest.mark.golden

_HEAD = (
    "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\nmine = mine_sect\n[mine_sect]\n"
)


@pytest.fixture(scope="module")
def servers(pki: PKI) -> Iterator[dict[str, OpenSSLServer]]:
    specs = {
        "any": (pki["rsa"], []),
        # insists on a client certificate (and takes any)
        "clientauth": (pki["rsa"], ["-Verify", "1"]),
    }
    with openssl_servers(specs, loud=()) as started:
        yield started


@pytest.fixture
def conf_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "openssl.cnf"


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def _both(conf: str, server: OpenSSLServer, pki: PKI | None, *extra: str) -> tuple[Result, Result]:
    """Both clients with ``OPENSSL_CONF=conf``; outputs compared (``pki``:
    its root is the -CAfile)."""
    ca = ["-CAfile", str(pki["rsa"].root)] if pki is not None else ["-no-CAfile", "-no-CApath"]
    args = ["-connect", f"{HOST}:{server.port}", *ca, *extra]
    env = ["env", f"OPENSSL_CONF={conf}"]
    ref = run_client([*env, *OPENSSL], args)
    got = run_client([*env, *sclient_cmd()], args)
    compare(ref, got)
    return ref, got


def _section(path: Path, *commands: str) -> str:
    return _write(path, _HEAD + "".join(c + "\n" for c in commands))


# --- a section that changes the handshake ------------------------------------------------


def test_section_sets_suite_group_and_version(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    conf = _section(
        conf_file,
        "CipherString = ECDHE-RSA-AES128-GCM-SHA256",
        "Groups = P-384",
        "MaxProtocol = TLSv1.2",
    )
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert got.rc == 0
    assert "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256" in got.stdout
    assert "Server Temp Key: ECDH, secp384r1, 384 bits" in got.stdout


def test_section_sets_tls13_suite(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    conf = _section(
        conf_file,
        "ciphersuites = TLS_CHACHA20_POLY1305_SHA256",
        "CURVES = P-521",
        "MinProtocol = TLSv1.3",
    )
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert "New, TLSv1.3, Cipher is TLS_CHACHA20_POLY1305_SHA256" in got.stdout
    assert "Server Temp Key: ECDH, secp521r1, 521 bits" in got.stdout


@pytest.mark.parametrize(
    "protocol", ["-TLSv1.3", "-ALL, TLSv1.2", "+TLSv1.2,-tlsv1.3"], ids=["minus13", "all12", "case"]
)
def test_protocol_command(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, protocol: str
) -> None:
    conf = _section(conf_file, f"Protocol = {protocol}")
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert "    Protocol  : TLSv1.2\n" in got.stdout


def test_options_command(servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path) -> None:
    """``Options = -SessionTicket,-EncryptThenMac``: no ticket in the summary,
    no extensions for them in the ClientHello (-msg shows it)."""
    conf = _section(
        conf_file, "Options = -SessionTicket, -EncryptThenMac,Bugs", "VerifyMode = Peer"
    )
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine", "-tls1_2", "-tlsextdebug")
    assert "TLS session ticket lifetime hint" not in got.stdout
    assert "session ticket (id=35)" not in got.stdout
    assert "encrypt-then-mac (id=22)" not in got.stdout


def test_extended_master_secret_off(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    conf = _section(conf_file, "Options = -ExtendedMasterSecret")
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine", "-tls1_2")
    assert "Extended master secret: no" in got.stdout


# --- the command line -----------------------------------------------------------------


def test_section_overrides_command_line(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    """SSL_CTX_config runs after the command line's -cipher, -groups,
    -max_protocol and -no_ticket: the section's values win."""
    conf = _section(
        conf_file,
        "CipherString = ECDHE-RSA-AES256-SHA",
        "Groups = P-256",
        "MaxProtocol = TLSv1.2",
        "Options = SessionTicket",
    )
    args = ["-cipher", "AES128-SHA", "-groups", "X25519", "-max_protocol", "TLSv1.3", "-no_ticket"]
    _, got = _both(conf, servers["any"], pki, *args, "-ssl_config", "mine")
    assert "Cipher is ECDHE-RSA-AES256-SHA" in got.stdout
    assert "Server Temp Key: ECDH, prime256v1, 256 bits" in got.stdout
    assert "TLS session ticket lifetime hint" in got.stdout


def test_version_switch_overrides_section(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    """-tls1_3 sets the range after SSL_CTX_config: it wins over MaxProtocol,
    and with ``Protocol = -TLSv1.3`` nothing is left."""
    conf = _section(conf_file, "MaxProtocol = TLSv1.2")
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine", "-tls1_3")
    assert "New, TLSv1.3" in got.stdout
    conf = _section(conf_file, "Protocol = -TLSv1.3")
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine", "-tls1_3")
    assert got.rc == 1
    assert "no protocols available" in got.stderr


def test_command_line_error_comes_first(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    conf = _section(conf_file, "CipherString = NOPE")
    _, got = _both(conf, servers["any"], pki, "-groups", "NOPE", "-ssl_config", "mine")
    assert got.stderr.startswith("Call to SSL_CONF_cmd(-groups, NOPE) failed\n")


# --- the file's syntax ------------------------------------------------------------------


def test_file_syntax(servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path) -> None:
    """$variables (also from another section and ENV), an included file that
    goes on in the includer's section, a continued line, a ``1.`` prefix that
    lets a command appear twice (the later wins), a name given twice in the
    section (it moves to the end), quotes and a comment."""
    inc = tmp_path / "more.cnf"
    inc.write_text("[mine_sect]\nGroups = $vars::group\n")
    text = (
        "suite = ECDHE-RSA-AES128-SHA # a comment\n"
        "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n"
        '[vars]\ngroup = "P-384"\n'
        "[ssl_sect]\nmine = mine_sect\n"
        "[mine_sect]\n"
        "1.CipherString = AES256-SHA\n"
        "2.CipherString = ${suite}\n"
        "Max\\\nProtocol = TLSv1.2\n"
        f".include {inc}\n"
        "MinProtocol = TLSv1.3\n"
        "MinProtocol = TLSv1.2\n"
    )
    conf = _write(tmp_path / "openssl.cnf", text)
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert "Cipher is ECDHE-RSA-AES128-SHA" in got.stdout
    assert "secp384r1" in got.stdout


# --- failures ---------------------------------------------------------------------------

_INVALID_NAME = ":error:0A000071:SSL routines:ssl_do_config:invalid configuration name:"


def test_unknown_name(servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path) -> None:
    conf = _section(conf_file, "CipherString = DEFAULT")
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "other")
    assert got.rc == 1
    assert got.stderr.startswith('Error using configuration "other"\n')
    assert _INVALID_NAME in got.stderr and got.stderr.endswith("ssl_mcnf.c:43:name=other\n")
    assert "CONNECTED" not in got.stdout


BROKEN = {
    "missing file": None,
    "not CONF": "openssl_conf = init\n[init\nssl_conf = s\n",
    "bad variable": "openssl_conf = init\n[init]\nssl_conf = $nothing\n",
    "no openssl_conf": "[init]\nssl_conf = ssl_sect\n",
    "no init": "openssl_conf = init\n",
    "no ssl_conf": "openssl_conf = init\n[init]\noid_section = oids\n[oids]\nmy_oid = 1.2.3.4\n",
    "no ssl section": "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n",
    "empty ssl section": "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\n",
    "no command section": "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\nmine = gone\n",
    "empty command section": _HEAD,
    "another name's section empty": _HEAD
    + "Groups = P-256\n[other_sect]\n"
    + "[ssl_sect]\nother = other_sect\n",
}


@pytest.mark.parametrize("diagnostics", [False, True], ids=["quiet", "diagnostics"])
@pytest.mark.parametrize("case", list(BROKEN))
def test_module_failures(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path, case: str, diagnostics: bool
) -> None:
    """Without config_diagnostics every way the ssl_conf module can fail ends
    as an unknown name; with it, a failed module is fatal at start-up."""
    text = BROKEN[case]
    if text is None:
        conf = str(tmp_path / "missing.cnf")
    else:
        conf = _write(
            tmp_path / "openssl.cnf", ("config_diagnostics = 1\n" if diagnostics else "") + text
        )
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert got.rc == 1
    if diagnostics and ("section" in case or case == "no init"):
        assert got.stderr.startswith("FATAL: Startup failure")
        want = "references missing section" if case == "no init" else "module initialization error"
        assert want in got.stderr
    else:
        assert _INVALID_NAME in got.stderr


BAD_COMMANDS = {
    "unknown": ["Bogus = 1"],
    "switch": ["no_ticket = 1"],
    "server only": ["NumTickets = 3"],
    "server option": ["Options = ServerPreference"],
    "cipher": ["CipherString = NOPE"],
    "seclevel": ["CipherString = DEFAULT:@SECLEVEL=9"],
    "ciphersuites": ["Ciphersuites = NOPE"],
    "groups": ["Groups = NOPE"],
    "duplicate group": ["Curves = X25519:X25519"],
    "sigalgs": ["SignatureAlgorithms = RSA+NOPE"],
    "client sigalgs": ["ClientSignatureAlgorithms = :"],
    "min protocol": ["MinProtocol = TLSv9"],
    "max protocol": ["MaxProtocol = tlsv1.2"],
    "protocol": ["Protocol = TLSv1.2,,TLSv1.3"],
    "options": ["Options = -Bogus"],
    "verify mode": ["VerifyMode = Request"],
    "record padding": ["RecordPadding = 16385"],
    "several": [
        "Groups = NOPE",
        "Ciphersuites = NOPE",
        "CipherString = DEFAULT",
        "CipherString = NOPE",
    ],
}


@pytest.mark.parametrize("case", list(BAD_COMMANDS))
def test_bad_commands(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, case: str
) -> None:
    conf = _section(conf_file, *BAD_COMMANDS[case])
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert got.rc == 1
    assert got.stderr.startswith('Error using configuration "mine"\n')
    assert "CONNECTED" not in got.stdout


# --- system_default ---------------------------------------------------------------------

_SYSTEM = (
    "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n"
    "[ssl_sect]\nsystem_default = system_sect\nmine = mine_sect\n"
    "[system_sect]\nCipherString = ECDHE-RSA-AES128-SHA\nMaxProtocol = TLSv1.2\n"
    "Options = -SessionTicket\nBogus = 1\nCertificate = /nonexistent.pem\nGroups = P-384\n"
    "[mine_sect]\nGroups = P-256\n"
)


@pytest.mark.parametrize(
    ("extra", "want"),
    [
        ((), "Cipher is ECDHE-RSA-AES128-SHA"),
        (("-ssl_config", "mine"), "prime256v1"),
        (("-cipher", "AES256-SHA"), "Cipher is AES256-SHA"),
        (("-max_protocol", "TLSv1.3"), "New, TLSv1.3"),
        (("-tls1_3",), "New, TLSv1.3"),
        (("-no_ticket", "-groups", "X25519"), "X25519"),
    ],
    ids=["alone", "ssl_config", "cipher", "max_protocol", "tls1_3", "groups"],
)
def test_system_default(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, extra: tuple[str, ...], want: str
) -> None:
    """A system_default section applies to every run, before the command line
    and -ssl_config; its failing commands are skipped without a word."""
    conf = _write(conf_file, _SYSTEM)
    _, got = _both(conf, servers["any"], pki, *extra)
    assert got.rc == 0
    assert want in got.stdout
    if not extra:
        assert "secp384r1" in got.stdout
        assert "TLS session ticket lifetime hint" not in got.stdout


def test_diagnostics_without_ssl_config(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path
) -> None:
    """config_diagnostics: a failed ssl_conf module ends every run."""
    conf = _write(conf_file, "config_diagnostics = 1\n" + BROKEN["no command section"])
    _, got = _both(conf, servers["any"], pki)
    assert got.rc == 1
    assert got.stderr.startswith("FATAL: Startup failure")


# --- the CONF syntax, seen through a value ----------------------------------------------

#: Each case's file makes ``Groups`` an unknown group name: gid_cb's error line
#: then shows the value as the reader left it (or the file fails to load and
#: the name is unknown).
SYNTAX = {
    "quotes": "Groups = \"in # quotes\" 'and more'  # a comment",
    "escapes": "Groups = a\\tb\\nc\\#d\\\\e\\zf",
    "continued": "Groups = abc\\\ndef",
    "variables": "Groups = $word-${word}-$(word)-$vars::word-${vars::word}",
    "default fallback": "Groups = $top",
    "environment": "Groups = ${ENV::OPENSSL_CONF}",
    "other section": "[vars]\nmine_sect::Groups = from-vars",
    "trailing blanks": "Groups =    padded   \t",
    "name twice": "Groups = first\nCipherString = DEFAULT\nGroups = second",
    "dotted names": "a.Groups = one\nb.Groups = two",
    "dollarid": ".pragma dollarid:on\nGroups = a$b",
    "unclosed brace": "Groups = ${word",
    "no value": "Groups = $nothing",
    "no equal sign": "Groups",
    "unclosed section": "[mine_sect\nGroups = x",
}


@pytest.mark.parametrize("case", list(SYNTAX))
def test_conf_syntax(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, case: str
) -> None:
    text = (
        "top = from-default\n"
        "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n"
        "[vars]\nword = WORD\n"
        "[ssl_sect]\nmine = mine_sect\n[mine_sect]\nword = local\n" + SYNTAX[case] + "\n"
    )
    conf = _write(conf_file, text)
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert got.rc == 1
    assert got.stderr.startswith('Error using configuration "mine"\n')


def test_conf_include_directory(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path
) -> None:
    """``.include`` of a directory reads its .cnf and .conf files (not
    others) in the order the directory lists them; a missing include is
    skipped."""
    inc = tmp_path / "conf.d"
    inc.mkdir()
    (inc / "b.conf").write_text("[mine_sect]\nGroups = from-b\n")
    (inc / "a.cnf").write_text("[mine_sect]\nGroups = from-a\n")
    (inc / "c.txt").write_text("Groups = from-c\n")
    text = (
        "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n"
        "[ssl_sect]\nmine = mine_sect\n"
        f".include {tmp_path / 'missing.cnf'}\n"
        f".include = {inc}\n"
    )
    conf = _write(tmp_path / "openssl.cnf", text)
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert "cannot be set" in got.stderr and "from-c" not in got.stderr


# --- the store and CA name commands -----------------------------------------------------


def test_verify_store(servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path) -> None:
    """VerifyCAFile: the store the server's chain is verified with; the
    command line's -verifyCAfile replaces it (ssl_load_stores runs after)."""
    conf = _section(conf_file, f"VerifyCAFile = {pki['rsa'].root}", "VerifyCAPath = /nonexistent")
    _, got = _both(conf, servers["any"], None, "-ssl_config", "mine")
    assert "Verify return code: 0 (ok)" in got.stdout
    _, got = _both(
        conf, servers["any"], None, "-ssl_config", "mine", "-verifyCAfile", str(pki["ecdsa"].root)
    )
    assert "Verify return code: 0 (ok)" not in got.stdout


@pytest.mark.parametrize("kind", ["file", "dir", "command line"])
def test_request_ca_names(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path, kind: str
) -> None:
    """RequestCAFile / RequestCAPath: the certificate_authorities names the
    ClientHello carries; -requestCAfile replaces them."""
    cas = tmp_path / "cas"
    cas.mkdir()
    (cas / "root.pem").write_bytes(pki["rsa"].root.read_bytes())
    (cas / "key.pem").write_bytes(pki["rsa"].key.read_bytes())  # no certificate: nothing added
    command = f"RequestCAPath = {cas}" if kind == "dir" else f"RequestCAFile = {pki['rsa'].root}"
    conf = _section(tmp_path / "openssl.cnf", command)
    extra = ["-requestCAfile", str(pki["ecdsa"].root)] if kind == "command line" else []
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine", "-trace", *extra)
    assert "extension_type=certificate_authorities(47)" in got.stdout


STORE_ERRORS = {
    "verify file": ["VerifyCAFile = /nonexistent.pem"],
    "verify store": ["VerifyCAStore = /nonexistent"],
    "chain file": ["ChainCAFile = {key}"],
    "request file": ["RequestCAFile = /nonexistent.pem"],
    "request dir": ["RequestCAPath = /nonexistent"],
    # RequestCAFile's reader clears the error queue when it succeeds
    "cleared": ["VerifyCAFile = /nonexistent.pem", "RequestCAFile = {key}"],
    "after clearing": ["RequestCAFile = {key}", "ChainCAStore = /nonexistent"],
}


@pytest.mark.parametrize("case", list(STORE_ERRORS))
def test_store_errors(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, case: str
) -> None:
    commands = [c.format(key=pki["rsa"].key) for c in STORE_ERRORS[case]]
    conf = _section(conf_file, *commands)
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert got.rc == 1
    assert got.stderr.startswith('Error using configuration "mine"\n')
    if case == "cleared":
        assert got.stderr.count("\n") == 1


# --- Certificate and PrivateKey -----------------------------------------------------------


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
@pytest.mark.parametrize("key", ["separate", "in the certificate's file", "chain in the file"])
def test_client_certificate(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path, key: str, version: str
) -> None:
    """The section's certificate answers a server that insists on one (its
    chain: the file's other certificates, else built from the stores).
    RSA: -trace shows signatures of a fixed length."""
    ec = pki["rsa"]
    if key == "separate":
        commands = [f"Certificate = {ec.leaf}", f"PrivateKey = {ec.key}"]
    else:
        both = tmp_path / "both.pem"
        certs = ec.fullchain if key == "chain in the file" else ec.leaf
        both.write_bytes(certs.read_bytes() + ec.key.read_bytes())
        commands = [f"Certificate = {both}"]
    conf = _section(tmp_path / "openssl.cnf", *commands, f"VerifyCAFile = {pki['rsa'].root}")
    extra = ["-chainCAfile", str(ec.chain)] if key != "chain in the file" else []
    args = ["-ssl_config", "mine", version, "-trace", *extra]
    _, got = _both(conf, servers["clientauth"], None, *args)
    assert got.rc == 0
    assert "Verify return code: 0 (ok)" in got.stdout
    # the server's two certificates, and the client's leaf and intermediate
    assert got.stdout.count("ASN.1Cert, length=") == 4


def test_command_line_certificate_wins(
    servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path
) -> None:
    """-cert of the same key type replaces the section's (set_cert_key_stuff
    runs after SSL_CTX_config): -trace shows which the client sends."""
    ec = pki["rsa"]
    conf = _section(tmp_path / "openssl.cnf", f"Certificate = {ec.leaf}", f"PrivateKey = {ec.key}")
    other = tmp_path / "other.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048",
         "-nodes", "-keyout", str(other), "-out", str(other), "-subj", "/CN=other", "-days", "2"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    extra = ["-cert", str(other), "-trace"]
    _, got = _both(conf, servers["clientauth"], pki, "-ssl_config", "mine", "-tls1_2", *extra)
    assert got.rc == 0
    assert "CN = other" in got.stdout


CREDENTIAL_ERRORS = {
    "no certificate file": ["Certificate = /nonexistent.pem"],
    "no certificate in it": ["Certificate = {ec.key}"],
    "no key file": ["PrivateKey = /nonexistent.pem"],
    "no key in it": ["PrivateKey = {ec.leaf}"],
    "key of another type": ["Certificate = {ec.leaf}", "PrivateKey = {rsa.key}"],
    "key not matching": ["Certificate = {ec.leaf}", "PrivateKey = {ec.int_key}"],
    "key before a certificate not matching": [
        "PrivateKey = {ec.int_key}",
        "Certificate = {ec.leaf}",
    ],
    "second key matching": [
        "Certificate = {ec.leaf}",
        "1.PrivateKey = {ec.int_key}",
        "2.PrivateKey = {ec.key}",
    ],
    "certificate clears the queue": [
        "CipherString = NOPE",
        "PrivateKey = {ec.key}",
        "Certificate = {ec.leaf}",
    ],
}


@pytest.mark.parametrize("case", list(CREDENTIAL_ERRORS))
def test_credential_errors(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, case: str
) -> None:
    commands = [c.format(ec=pki["ecdsa"], rsa=pki["rsa"]) for c in CREDENTIAL_ERRORS[case]]
    conf = _section(conf_file, *commands)
    _, got = _both(conf, servers["any"], pki, "-ssl_config", "mine")
    assert got.rc == 1
    assert got.stderr.startswith('Error using configuration "mine"\n')
    if case == "certificate clears the queue":
        assert got.stderr.count("\n") == 1


def test_credential_refusals(servers: dict[str, OpenSSLServer], pki: PKI, tmp_path: Path) -> None:
    """An encrypted key (OpenSSL would ask on the terminal) and certificates
    of two key types are not taken from a section yet: refused before
    connecting, in a line of their own."""
    from support.procs import run

    enc = tmp_path / "enc.pem"
    key = str(pki["ecdsa"].key)
    pkcs8 = ["openssl", "pkcs8", "-topk8", "-in", key, "-out", str(enc), "-passout", "pass:x"]
    subprocess.run(pkcs8, check=True, capture_output=True)
    cases = {
        "PrivateKey (an encrypted key)": [
            f"Certificate = {pki['ecdsa'].leaf}",
            f"PrivateKey = {enc}",
        ],
        "Certificate (for more than one key type)": [
            f"1.Certificate = {pki['ecdsa'].leaf}",
            f"1.PrivateKey = {pki['ecdsa'].key}",
            f"2.Certificate = {pki['rsa'].leaf}",
            f"2.PrivateKey = {pki['rsa'].key}",
        ],
    }
    for what, commands in cases.items():
        conf = _section(tmp_path / "openssl.cnf", *commands)
        args = ["-connect", f"{HOST}:{servers['any'].port}", "-ssl_config", "mine"]
        got = run(["env", f"OPENSSL_CONF={conf}", *sclient_cmd(), *args])
        assert got.rc == 1
        want = f"s_client: the -ssl_config command {what} is not supported yet by sclient\n"
        assert got.stderr == want


@pytest.mark.parametrize("value", ["abc", "1", "16384", "16385", "-1"])
def test_record_padding_option(
    servers: dict[str, OpenSSLServer], pki: PKI, conf_file: Path, value: str
) -> None:
    """-record_padding goes through the same SSL_CONF command as a section's
    RecordPadding: atoi, and a block above 16384 or below 0 refused."""
    conf = _write(conf_file, "")
    _, got = _both(conf, servers["any"], pki, "-record_padding", value)
    assert (got.rc == 1) == (value in ("16385", "-1"))
