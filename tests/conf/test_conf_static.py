"""sclient.tls.conf without the oracle: expectations captured from OpenSSL 3.0.19
(``openssl ciphers -V``, ``openssl s_client`` stderr and ClientHellos), the
registry cross-checks, and the sans-I/O rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sclient.tls.conf as conf
from sclient.tls import conf_ciph, config
from sclient.tls.registry import groups, sigschemes, suites

# --- -cipher ------------------------------------------------------------------------

#: ``openssl ciphers -ciphersuites '' -V DEFAULT`` (3.0.19): PSK and SRP included.
DEFAULT_SELECTION = (
    0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC02B, 0xC02F, 0x009E, 0xC024,
    0xC028, 0x006B, 0xC023, 0xC027, 0x0067, 0xC00A, 0xC014, 0x0039, 0xC009, 0xC013,
    0x0033, 0x00AD, 0x00AB, 0xCCAE, 0xCCAD, 0xCCAC, 0x009D, 0x00A9, 0xCCAB, 0x00AC,
    0x00AA, 0x009C, 0x00A8, 0x003D, 0x003C, 0xC038, 0xC036, 0xC021, 0xC020, 0x00B7,
    0x00B3, 0x0095, 0x0091, 0x0035, 0x00AF, 0x008D, 0xC037, 0xC035, 0xC01E, 0xC01D,
    0x00B6, 0x00B2, 0x0094, 0x0090, 0x002F, 0x00AE, 0x008C,
)  # fmt: skip

#: ``openssl ciphers -ciphersuites '' -V <spec>`` (3.0.19).
CAPTURED = {
    "ECDHE+AESGCM:-AES256": (0xC02B, 0xC02F),
    "HIGH:+AES128:!PSK:!SRP:!aNULL:!CAMELLIA:!ARIA:!CCM:!DSS": (
        0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC0AF, 0xC0AD, 0xC0A3, 0xC09F,
        0xC024, 0xC028, 0x006B, 0xC00A, 0xC014, 0x0039, 0x009D, 0xC0A1, 0xC09D, 0x003D,
        0x0035, 0xC02B, 0xC02F, 0x009E, 0xC0AE, 0xC0AC, 0xC0A2, 0xC09E, 0xC023, 0xC027,
        0x0067, 0xC009, 0xC013, 0x0033, 0x009C, 0xC0A0, 0xC09C, 0x003C, 0x002F,
    ),
    "AES:!SHA1:!PSK:!aNULL:!SRP:!DSS:!CCM": (
        0xC02C, 0xC030, 0x009F, 0xC0AF, 0xC0AD, 0xC0A3, 0xC09F, 0xC02B, 0xC02F, 0x009E,
        0xC0AE, 0xC0AC, 0xC0A2, 0xC09E, 0xC024, 0xC028, 0x006B, 0xC023, 0xC027, 0x0067,
        0x009D, 0xC0A1, 0xC09D, 0x009C, 0xC0A0, 0xC09C, 0x003D, 0x003C,
    ),
    "kRSA:@STRENGTH": (
        0x009D, 0xC0A1, 0xC09D, 0xC051, 0x003D, 0x00C0, 0x0035, 0x0084, 0x009C, 0xC0A0,
        0xC09C, 0xC050, 0x003C, 0x00BA, 0x002F, 0x0041, 0x003B, 0x0002, 0x0001,
    ),
    "CHACHA20:ECDHE-RSA-AES128-SHA:BOGUS": (
        0xCCA9, 0xCCA8, 0xCCAA, 0xCCAE, 0xCCAD, 0xCCAC, 0xCCAB, 0xC013,
    ),
    "aNULL": (
        0x00A7, 0x00A6, 0x006D, 0x00C5, 0x006C, 0x00BF, 0xC019, 0x003A, 0x0089, 0xC018,
        0x0034, 0x0046, 0xC015,
    ),
    "SUITEB128": (0xC02B, 0xC02C),
}  # fmt: skip

#: ``openssl ciphers -ciphersuites '' -s -V 'ALL:@SECLEVEL=3'`` (3.0.19).
OFFER_LEVEL3 = (
    0xC02C, 0xC030, 0x00A3, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC0AF, 0xC0AD, 0xC0A3,
    0xC09F, 0xC05D, 0xC061, 0xC057, 0xC053, 0xC02B, 0xC02F, 0x00A2, 0x009E, 0xC0AE,
    0xC0AC, 0xC0A2, 0xC09E, 0xC05C, 0xC060, 0xC056, 0xC052, 0xC024, 0xC028, 0x006B,
    0x006A, 0xC073, 0xC077, 0x00C4, 0x00C3, 0xC023, 0xC027, 0x0067, 0x0040, 0xC072,
    0xC076, 0x00BE, 0x00BD, 0xC00A, 0xC014, 0x0039, 0x0038, 0x0088, 0x0087, 0xC009,
    0xC013, 0x0033, 0x0032, 0x0045, 0x0044,
)  # fmt: skip


def test_default_list_is_the_captured_client_hello() -> None:
    assert conf.DEFAULT_CIPHER_LIST == config.DEFAULT_TLS12_SUITES
    assert conf.cipher_list("DEFAULT") == config.DEFAULT_TLS12_SUITES
    assert len(config.DEFAULT_TLS12_SUITES) == 27


def test_default_selection() -> None:
    sel = conf.cipher_selection("DEFAULT")
    assert sel.suites == DEFAULT_SELECTION
    assert sel.seclevel == 2 and sel.suiteb is None


@pytest.mark.parametrize("spec", list(CAPTURED))
def test_captured_selections(spec: str) -> None:
    assert conf.cipher_selection(spec).suites == CAPTURED[spec]


def test_level3_offer() -> None:
    sel = conf.cipher_selection("ALL:@SECLEVEL=3")
    assert sel.seclevel == 3
    assert conf.cipher_list("ALL:@SECLEVEL=3") == OFFER_LEVEL3


def test_seclevel_argument_and_override() -> None:
    assert conf.cipher_list("aNULL:DEFAULT", seclevel=0)[:2] == (0x00A7, 0x00A6)
    assert conf.cipher_list("aNULL:DEFAULT") == ()  # anonymous suites: refused at level >= 1
    assert conf.cipher_list("aNULL:@SECLEVEL=0") == CAPTURED["aNULL"]
    assert conf.cipher_selection("@SECLEVEL=5:ALL", seclevel=0).seclevel == 5
    # Level 4: no SHA-1 MACs, no 128-bit ciphers.
    assert conf.cipher_list("DEFAULT", seclevel=4) == (
        0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC024, 0xC028, 0x006B,
    )  # fmt: skip


def test_psk_srp_and_sigalg_filters() -> None:
    assert conf.cipher_list("PSK") == ()
    assert conf.cipher_list("PSK", psk=True)[:3] == (0x00AD, 0x00AB, 0xCCAE)
    assert conf.cipher_list("SRP", srp=True) == (0xC022, 0xC021, 0xC020, 0xC01F, 0xC01E, 0xC01D)
    ecdsa_only = conf.cipher_list("DEFAULT", sigalgs=conf.sigalg_list("ECDSA+SHA256"))
    assert ecdsa_only == (0xC02C, 0xCCA9, 0xC02B, 0xC024, 0xC023, 0xC00A, 0xC009)
    assert conf.cipher_list("DEFAULT", max_version=conf.TLS1_1_VERSION) == (
        0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x0035, 0x002F,
    )  # fmt: skip
    assert conf.cipher_list("DEFAULT", min_version=conf.TLS1_3_VERSION) == ()


def test_suiteb() -> None:
    sel = conf.cipher_selection("SUITEB192:ALL")
    assert sel.suites == (0xC02C,) and sel.suiteb == conf.SUITEB_192
    assert conf.offered_sigalgs(suiteb=sel.suiteb) == (0x0503,)


CIPHER_ERRORS = {
    "BOGUS": [
        "{tid}:error:0A0000B9:SSL routines:SSL_CTX_set_cipher_list:no cipher match:"
        "../ssl/ssl_lib.c:2741:"
    ],
    "-:": [
        "{tid}:error:0A000118:SSL routines:ssl_cipher_process_rulestr:invalid command:"
        "../ssl/ssl_ciph.c:1054:"
    ],
    "@SECLEVEL=9": [
        "{tid}:error:0A000118:SSL routines:ssl_cipher_process_rulestr:invalid command:"
        "../ssl/ssl_ciph.c:1205:"
    ],
    "@FOO:-:": [
        "{tid}:error:0A000118:SSL routines:ssl_cipher_process_rulestr:invalid command:"
        "../ssl/ssl_ciph.c:1211:",
        "{tid}:error:0A000118:SSL routines:ssl_cipher_process_rulestr:invalid command:"
        "../ssl/ssl_ciph.c:1054:",
    ],
}


@pytest.mark.parametrize("spec", list(CIPHER_ERRORS))
def test_cipher_errors(spec: str) -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.cipher_list(spec)
    e = info.value
    assert (e.option, e.value) == ("-cipher", spec)
    assert e.lines == [f"Call to SSL_CONF_cmd(-cipher, {spec}) failed", *CIPHER_ERRORS[spec]]


def test_conf_error_render() -> None:
    with pytest.raises(conf.ConfError) as info:
        conf.cipher_list("BOGUS")
    assert info.value.render("40B7F66B297F0000") == (
        "Call to SSL_CONF_cmd(-cipher, BOGUS) failed\n"
        "40B7F66B297F0000:error:0A0000B9:SSL routines:SSL_CTX_set_cipher_list:"
        "no cipher match:../ssl/ssl_lib.c:2741:\n"
    )


def test_openssl_table_order_covers_the_registry() -> None:
    tls12 = {s.code for s in suites.SUITES if not s.tls13}
    assert len(conf_ciph.OPENSSL_TABLE_ORDER) == len(set(conf_ciph.OPENSSL_TABLE_ORDER))
    assert set(conf_ciph.OPENSSL_TABLE_ORDER) == tls12
    assert len(conf_ciph.ciphers()) == 155


# --- -ciphersuites ---------------------------------------------------------------------


def test_ciphersuites() -> None:
    assert conf.ciphersuites("") == ()
    assert conf.ciphersuites("TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256") == (
        0x1304,
        0x1305,
    )
    assert conf.ciphersuites(" TLS_AES_256_GCM_SHA384 ::bogus:TLS_AES_256_GCM_SHA384") == (
        0x1302,
        0x1302,
    )
    assert conf.ciphersuites("TLS_RSA_WITH_AES_128_CBC_SHA:TLS_FALLBACK_SCSV") == (0x002F, 0x5600)
    assert conf.offered_ciphersuites((0x1301, 0x1302, 0x5600, 0x0034, 0x002F)) == (
        0x1301,
        0x1302,
        0x002F,
    )
    with pytest.raises(conf.ConfError) as info:
        conf.ciphersuites("bogus")
    assert info.value.lines == [
        "Call to SSL_CONF_cmd(-ciphersuites, bogus) failed",
        "{tid}:error:0A0000B9:SSL routines:set_ciphersuites:no cipher match:"
        "../ssl/ssl_ciph.c:1325:",
    ]


# --- -groups ------------------------------------------------------------------------


def test_groups() -> None:
    assert conf.group_list("X25519:x448: P-256 :secp384r1") == (
        0x1D,
        0x1E,
        0x17,
        0x18,
    )
    assert conf.group_list("ffdhe2048:secp521r1:secp256k1:brainpoolP512r1") == (
        0x100,
        0x19,
        0x16,
        0x1C,
    )
    # OpenSSL 3.0 knows the binary curves; cryptography does not, so sclient
    # refuses them as OpenSSL refuses a name it does not know.
    for name in ("sect163k1", "K-233", "sect571r1", "secp160r1", "secp192k1", "secp224k1"):
        with pytest.raises(conf.ConfError) as info:
            conf.group_list(f"X25519:{name}")
        assert info.value.lines == [
            f"Call to SSL_CONF_cmd(-groups, X25519:{name}) failed",
            "{tid}:error:0A080106:SSL routines:gid_cb:passed invalid argument:"
            f"../ssl/t1_lib.c:748:group '{name}' cannot be set",
        ]
    with pytest.raises(conf.ConfError) as info:
        conf.group_list("X25519:bogus", option="-curves")
    assert info.value.lines == [
        "Call to SSL_CONF_cmd(-curves, X25519:bogus) failed",
        "{tid}:error:0A080106:SSL routines:gid_cb:passed invalid argument:"
        "../ssl/t1_lib.c:748:group 'bogus' cannot be set",
    ]
    for bad in ("x25519:X25519", "", "X25519:", "a" * 64):
        with pytest.raises(conf.ConfError) as info:
            conf.group_list(bad)
        assert info.value.lines == [f"Call to SSL_CONF_cmd(-groups, {bad}) failed"]


def test_registry_group_names_are_accepted() -> None:
    for g in groups.GROUPS:
        for name in g.names:
            if g.code == 0x0200:  # MLKEM512: cryptography has no ML-KEM-512
                with pytest.raises(conf.ConfError):
                    conf.group_selection(name)
                continue
            assert conf.group_selection(name).groups == (g.code,), name
            if g.kind not in groups.KEM_KINDS:
                assert conf.group_list(name) == (g.code,), name
    assert conf.offered_groups(groups.DEFAULT_GROUPS) == groups.DEFAULT_GROUPS
    assert conf.offered_groups(groups.DEFAULT_GROUPS, max_version=conf.TLS1_2_VERSION) == (
        0x1D,
        0x17,
        0x1E,
        0x19,
        0x18,
    )


# --- -sigalgs -----------------------------------------------------------------------


def test_sigalgs() -> None:
    assert conf.sigalg_list("RSA+SHA256:ECDSA+SHA384:RSA-PSS+SHA256:rsa_pss_pss_sha256") == (
        0x0401,
        0x0503,
        0x0804,
        0x0809,
    )
    assert conf.sigalg_list("ed25519:ed448:SHA256+RSA:PSS+sha512:DSA+SHA1") == (
        0x0807,
        0x0808,
        0x0401,
        0x0806,
        0x0202,
    )
    for bad in ("ED25519", "rsa+SHA256", "RSA+MD5", "dsa_sha256", "RSA+SHA256:rsa_pkcs1_sha256"):
        with pytest.raises(conf.ConfError) as info:
            conf.sigalg_list(bad, option="-client_sigalgs")
        assert info.value.lines == [f"Call to SSL_CONF_cmd(-client_sigalgs, {bad}) failed"]


def test_registry_sigalg_names_are_accepted() -> None:
    for s in sigschemes.SCHEMES:
        assert conf.sigalg_list(s.listed) == (s.code,), s.listed
    assert conf.offered_sigalgs() == sigschemes.DEFAULT_SCHEMES
    assert conf.sigalg_auth_mask() == 0
    assert conf.sigalg_auth_mask(conf.sigalg_list("ed25519")) == conf_ciph.A_RSA | conf_ciph.A_DSS


# --- -min_protocol / -max_protocol -------------------------------------------------------


def test_protocols() -> None:
    assert conf.protocol_version("-min_protocol", "TLSv1.2") == 0x0303
    assert conf.protocol_version("-max_protocol", "TLSv1.3") == 0x0304
    assert conf.protocol_version("-max_protocol", "TLSv1") == 0x0301
    assert conf.protocol_version("-min_protocol", "None") is None
    assert conf.protocol_version("-min_protocol", "DTLSv1.2", current=0x0303) == 0x0303
    with pytest.raises(conf.ConfError) as info:
        conf.protocol_version("min_protocol", "TLSv9")
    assert info.value.lines == ["Call to SSL_CONF_cmd(-min_protocol, TLSv9) failed"]


# --- sans-I/O -------------------------------------------------------------------------

FORBIDDEN = {"socket", "ssl", "select", "asyncio", "time", "cryptography"}


def test_no_io_clock_or_crypto_imports() -> None:
    tls_dir = Path(conf.__file__).parent
    sources = sorted(tls_dir.glob("conf.py")) + sorted(tls_dir.glob("conf_*.py"))
    assert len(sources) >= 3
    for path in sources:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_import_is_cheap() -> None:
    code = (
        "import sys, sclient.tls.conf as c; c.cipher_list('DEFAULT'); c.group_list('X25519');"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        " {'cryptography', 'socket', 'ssl', 'select', 'asyncio'}); print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
