"""The option table: invariants, -help text, the 1.1.1 manual, docs/compatibility.md."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from sclient.cli import options as table
from sclient.cli.help import format_help
from sclient.cli.options import OPTIONS, VALUE_TYPES, OptionSpec, attr_name

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = Path("/work/shared/spec")
MANUAL = SPEC_DIR / "manual-1.1.1.txt"
OPTIONS_SPEC = SPEC_DIR / "options.md"

JSON_LINE = (
    " -json                      Print the session as one JSON document on stdout (sclient)\n"
)
#: sclient's additions, in table order (each help text ends with "(sclient)").
ADDED = [
    "-version",
    "-proxy_env",
    "-targets",
    "-parallel",
    "-connect_timeout",
    "-max_time",
    "-json",
]
EXPLAIN_LINE = (
    " -explain                   Explain a failure in plain words after the output (sclient)\n"
    " -explain_probe             -explain, with extra connections to find what the server speaks (sclient)\n"
)
HEARTBEAT_LINE = (
    " -heartbeat                 Offer RFC 6520 heartbeats; B sends a HeartbeatRequest (sclient)\n"
)


def without_added(help_text: str) -> str:
    """-help's text without the lines of sclient's additions."""
    return "".join(ln for ln in help_text.splitlines(True) if not ln.endswith("(sclient)\n"))


_SUPPORTED_TEXT = """help version host port connect bind proxy proxy_user proxy_pass proxy_env
    targets parallel connect_timeout max_time unix 4 6 servername noservername
    alpn no_ticket tls1 tls1_1 tls1_2 tls1_3 no_ssl3 no_tls1 no_tls1_1 no_tls1_2 no_tls1_3 min_protocol
    max_protocol cipher ciphersuites curves groups sigalgs named_curve serverpref
    prioritize_chacha no_resumption_on_reneg client_renegotiation no_middlebox no_etm
    legacy_server_connect no_legacy_server_connect legacy_renegotiation no_renegotiation no_comp
    record_padding maxfraglen max_send_frag showcerts prexit quiet brief crlf ign_eof no_ign_eof
    nocommands ignore_unexpected_eof nbio CAfile CApath no-CAfile no-CApath verify
    verify_return_error verify_quiet keylogfile json explain explain_probe crl_check crl_check_all use_deltas
    extended_crl CRL CRLform crl_download purpose verify_name verify_depth auth_level
    attime verify_hostname verify_email verify_ip ignore_critical issuer_checks x509_strict
    check_ss_sig trusted_first partial_chain no_alt_chains no_check_time allow_proxy_certs
    CAstore no-CAstore chainCAfile chainCApath chainCAstore verifyCAfile verifyCApath
    verifyCAstore starttls name xmpphost suiteB_128_only suiteB_128 suiteB_192
    nameopt dane_tlsa_domain dane_tlsa_rrdata dane_ee_no_namechecks
    cert certform cert_chain build_chain key keyform pass requestCAfile enable_pha
    client_sigalgs psk psk_identity psk_session reconnect sess_out sess_in xkey xcert xchain
    xchain_build xcertform xkeyform msg msgfile state trace debug tlsextdebug security_debug
    security_debug_verbose status early_data keymatexport keymatexportlen use_srtp nextprotoneg
    serverinfo ct noct ctlogfile fallback_scsv allow_no_dhe_kex bugs rand writerand split_send_frag
    max_pipelines read_buf debug_broken_protocol srpuser srppass srp_lateuser srp_moregroups
    srp_strength ssl_config strict nbio_test"""
SUPPORTED = set(_SUPPORTED_TEXT.split())
SUPPORTED |= {
    "dtls1_2",
    "dtls",
    "dtls1",
    "mtu",
    "timeout",
    "policy",
    "policy_check",
    "explicit_policy",
    "inhibit_any",
    "inhibit_map",
    "policy_print",
    "engine",
    "ssl_client_engine",
    "async",
    "provider-path",
    "provider",
    "propquery",
}


def test_rows_are_frozen_dataclasses() -> None:
    assert isinstance(OPTIONS, tuple)
    spec = OPTIONS[0]
    assert isinstance(spec, OptionSpec)
    with pytest.raises(AttributeError):
        spec.name = "-x"  # type: ignore[misc]


def test_names_and_attrs_unique() -> None:
    names = [o.name for o in OPTIONS]
    attrs = [o.attr for o in OPTIONS]
    assert len(set(names)) == len(names)
    assert len(set(attrs)) == len(attrs)
    for o in OPTIONS:
        assert o.name.startswith("-") and not o.name.startswith("--")
        assert o.valtype in VALUE_TYPES
        assert o.attr.isidentifier()
        assert o.status in ("supported", "deviation", "not yet")
        assert o.repeat in ("last", "append")


def test_attr_rule() -> None:
    assert attr_name("-no-CAfile") == "no_CAfile"
    assert attr_name("-provider-path") == "provider_path"
    assert attr_name("-4") == "ipv4"
    assert attr_name("-6") == "ipv6"
    assert attr_name("-connect") == "connect"
    assert attr_name("-pass") == "pass_"


def test_resolved_fields_do_not_shadow_rows() -> None:
    from sclient.cli import options

    rows = {o.attr for o in OPTIONS}
    for name, _ann, _default, _comment in options.RESOLVED_FIELDS:
        assert name not in rows, name


#: Supported with a documented difference (docs/compatibility.md).
#: sclient's GREASE options (RFC 8701; OpenSSL 4.1 has SSL_OP_GREASE, no option)
SUPPORTED |= {"grease", "grease_fields"}

DEVIATED = {
    "nbio",
    "nbio_test",
    "ctlogfile",
    "max_pipelines",
    "crl_download",
    "reconnect",
    "xcertform",
    "xkeyform",
    "sess_out",
    "keylogfile",
    "groups",
    "curves",
    "debug",
    "security_debug",
    "security_debug_verbose",
    "early_data",
    "srpuser",
    "srppass",
    "sctp",
    "sctp_label_bug",
    "comp",
    "ssl_config",
    "engine",
    "ssl_client_engine",
    "provider",
    "ssl3",
}
#: OpenSSL 4.x's Encrypted Client Hello options (absent from 3.0.19), and -ech_retry.
ECH_OPTIONS = {
    "ech_config_list",
    "ech_outer_sni",
    "ech_no_outer_sni",
    "ech_outer_alpn",
    "ech_grease",
    "ech_retry",
}
DEVIATED |= ECH_OPTIONS
SUPPORTED |= {"sctp", "sctp_label_bug", "comp", "ssl3"} | ECH_OPTIONS
#: OpenSSL 3.2's raw public keys, and sclient's switch for SSL_add_expected_rpk
SUPPORTED |= {"enable_server_rpk", "enable_client_rpk", "expected_rpk"}
# OpenSSL 3.2+'s certificate compression options and sclient's -cert_comp (not in 3.0's build)
SUPPORTED |= {"cert_comp", "no_rx_cert_comp", "no_tx_cert_comp"}
SUPPORTED |= {"heartbeat"}  # an sclient addition (RFC 6520; OpenSSL 3.0 has none)


def test_statuses() -> None:
    supported = {o.bare for o in OPTIONS if o.status == "supported"}
    assert supported == SUPPORTED - DEVIATED
    assert {o.bare for o in OPTIONS if o.status == "deviation"} == DEVIATED
    assert {o.bare for o in OPTIONS if o.status == "not yet"} == {
        o.bare for o in OPTIONS
    } - SUPPORTED
    for o in OPTIONS:
        if o.status != "supported":
            assert o.note, f"{o.name}: a non-supported option needs a note"


def test_json_row() -> None:
    rows = [o for o in OPTIONS if o.in_build]
    names = [o.name for o in rows]
    i = names.index("-json")
    assert names[i - 1] == "-prexit"
    json_row = rows[i]
    assert json_row.section == "Input/Output"
    assert json_row.valtype == ""
    assert json_row.help == "Print the session as one JSON document on stdout (sclient)"
    assert json_row.added and json_row.status == "supported"
    assert "-json" in [o.name for o in OPTIONS if o.added]
    assert "-ech_retry" in [o.name for o in OPTIONS if o.added]
    assert set(ADDED) <= {o.name for o in OPTIONS if o.added}
    explain_row = rows[i + 1]
    assert explain_row.name == "-explain" and explain_row.valtype == ""
    assert explain_row.added and explain_row.status == "supported"


def test_help_text_trailing_space_kept() -> None:
    assert table.option("-max_send_frag").help == "Maximum Size of send frames "
    assert table.option("max_send_frag") is table.option("-max_send_frag")


def _spec_help() -> str:
    if not OPTIONS_SPEC.exists():
        pytest.skip(f"{OPTIONS_SPEC} not present")
    text = OPTIONS_SPEC.read_text(encoding="utf-8")
    m = re.search(r"```\n(Usage: s_client \[options\] \[host:port\]\n.*?)```", text, re.S)
    assert m, "help block not found in options.md section 8"
    return m.group(1)


def test_help_matches_spec_section_8() -> None:
    ours = format_help()
    assert ours.count(JSON_LINE) == 1
    assert ours.count(HEARTBEAT_LINE) == 1
    # every sclient addition listed in -help says so
    assert all(f" {o} " in ours for o in ADDED if o != "-json")
    assert ours.count(EXPLAIN_LINE) == 1
    ours = ours.replace(EXPLAIN_LINE, "")
    not_yet = [o for o in OPTIONS if o.in_build and o.status == "not yet"]
    assert ours.count(" (not yet in sclient)\n") == len(not_yet)
    # the lines of the options newer than 3.0 (OpenSSL 3.2's raw public keys ...)
    added = tuple(f" {o.name} " for o in OPTIONS if o.added and o.bare != "json")
    ours = "".join(ln for ln in ours.splitlines(True) if not ln.startswith(added))
    assert ours.replace(JSON_LINE, "").replace(" (not yet in sclient)\n", "\n") == _spec_help()


def test_help_layout_long_option() -> None:
    from sclient.cli.help import _line

    # "-name type" of 30 chars or more goes on its own line (OpenSSL's opt_print).
    long_prefix = " -" + "x" * 28
    assert _line(long_prefix, "help", 26) == f"{long_prefix}\n{' ' * 26}  help\n"


def _synopsis_options() -> list[str]:
    if not MANUAL.exists():
        pytest.skip(f"{MANUAL} not present")
    text = MANUAL.read_text(encoding="utf-8", errors="replace")
    m = re.search(r"^SYNOPSIS\n(.*?)^DESCRIPTION", text, re.S | re.M)
    assert m, "no SYNOPSIS section in the manual"
    return re.findall(r"\[(-[A-Za-z0-9_-]+)", m.group(1))


def test_manual_synopsis_options_are_in_the_table() -> None:
    names = {o.name for o in OPTIONS}
    synopsis = _synopsis_options()
    assert len(synopsis) > 100
    missing = sorted(set(synopsis) - names)
    assert missing == []


#: Options of OpenSSL 3.2+ (and sclient's -cert_comp beside them): parsed and done, but
#: left out of -help, which stays 3.0.19's.
NEWER_OPENSSL = {"-cert_comp", "-no_rx_cert_comp", "-no_tx_cert_comp"}


def test_newer_openssl_options_are_parsed_and_listed() -> None:
    """Options of OpenSSL 3.2 to 4.x (raw public keys, certificate compression,
    ECH) and sclient's own are listed in -help as additions, with the newer
    OpenSSL's text; 3.0.19's lines are unchanged around them."""
    help_text = format_help()
    newer = (
        NEWER_OPENSSL
        | {"-" + n for n in ECH_OPTIONS}
        | {
            "-enable_server_rpk",
            "-enable_client_rpk",
        }
    )
    for name in newer:
        o = table.option(name)
        assert o.in_build and o.added, name
        assert o.bare in table.BY_NAME
        assert f"\n {name} " in help_text, name
    for name in NEWER_OPENSSL | {"-" + n for n in ECH_OPTIONS if n != "ech_retry"}:
        assert "#behaviour-of-newer-openssl" in table.option(name).note


def test_options_absent_from_build_are_documented() -> None:
    absent = [o for o in OPTIONS if not o.in_build]
    assert {o.name for o in absent} == {"-ssl3", "-sctp", "-sctp_label_bug"}
    for o in absent:
        assert o.name not in format_help()
        assert "unknown option" in o.note
        # Recognized only to be explained (a documented deviation).
        assert (o.bare in table.BY_NAME) == o.recognized
        assert o.status == ("deviation" if o.recognized else "not yet")


def _load_generator(name: str = "gen_compat"):  # type: ignore[no-untyped-def]
    path = ROOT / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compatibility_md_is_current() -> None:
    gen = _load_generator()
    doc = ROOT / "docs" / "compatibility.md"
    assert doc.read_text(encoding="utf-8") == gen.render(), (
        "docs/compatibility.md is out of date: run python tools/gen_compat.py"
    )


def test_optionsclass_is_current() -> None:
    gen = _load_generator("gen_options")
    module = ROOT / "src" / "sclient" / "cli" / "optionsclass.py"
    assert module.read_text(encoding="utf-8") == gen.render(), (
        "src/sclient/cli/optionsclass.py is out of date: run python tools/gen_options.py"
    )


def test_helptext_is_current() -> None:
    """``sclient -help`` prints the generated text: it must be ``format_help()``'s."""
    from sclient.cli.help import format_help
    from sclient.cli.helptext import HELP

    gen = _load_generator("gen_options")
    module = ROOT / "src" / "sclient" / "cli" / "helptext.py"
    assert module.read_text(encoding="utf-8") == gen.render_help(), (
        "src/sclient/cli/helptext.py is out of date: run python tools/gen_options.py"
    )
    assert format_help() == HELP


def test_parsetable_is_current_and_is_the_tables_rows() -> None:
    """The parser reads the generated table: it must say what the option table says."""
    from sclient.cli import options, parsetable

    gen = _load_generator("gen_options")
    module = ROOT / "src" / "sclient" / "cli" / "parsetable.py"
    assert module.read_text(encoding="utf-8") == gen.render_table(), (
        "src/sclient/cli/parsetable.py is out of date: run python tools/gen_options.py"
    )
    assert list(parsetable.BY_NAME) == list(options.BY_NAME)
    names = ("name", "attr", "valtype", "value_kind", "repeat", "family", "status", "choices")
    for bare, spec in options.BY_NAME.items():
        row = parsetable.BY_NAME[bare]
        assert [getattr(row, n) for n in names] == [getattr(spec, n) for n in names], bare
        assert row.takes_value == spec.takes_value
    for name in ("APPEND", "DEFAULT_PORT", "NOT_YET", "NOT_YET_HINT", "PROG", "SSL_CONF"):
        assert getattr(parsetable, name) == getattr(options, name)


def test_options_class_has_one_typed_field_per_row() -> None:
    from sclient.cli import options
    from sclient.cli.optionsclass import Options

    names = list(Options.__annotations__)
    assert names == [o.attr for o in OPTIONS] + [r[0] for r in options.RESOLVED_FIELDS]
    annotations = Options.__annotations__
    for o in OPTIONS:
        if o.repeat == "append":
            assert annotations[o.attr] == "list[str]", o.name
        elif o.value_kind == "bool":
            assert annotations[o.attr] == "bool", o.name
        elif o.value_kind in ("int", "intmax"):
            assert annotations[o.attr] == "int | None", o.name
        else:
            assert annotations[o.attr] == "str | None", o.name


def test_compatibility_md_content() -> None:
    gen = _load_generator()
    text = gen.render()
    for section in table.SECTIONS:
        assert f"## {section} options\n" in text
    assert "## Deviations" in text
    assert "`-json`" in text.split("## Deviations")[1]
    for o in OPTIONS:
        assert f"| `{o.name}" in text, o.name
    assert isinstance(gen.EXTRA_DEVIATIONS, list)


def test_generator_check_mode(tmp_path: Path) -> None:
    gen = _load_generator()
    out = tmp_path / "c.md"
    assert gen.main(["--check", "--output", str(out)]) == 1
    assert gen.main(["--output", str(out)]) == 0
    assert gen.main(["--check", "--output", str(out)]) == 0


def test_grease_rows() -> None:
    rows = {o.name: o for o in OPTIONS if o.added and o.name.startswith("-grease")}
    assert rows["-grease"].valtype == "" and rows["-grease_fields"].valtype == "val"
    for o in rows.values():
        assert o.section == "Protocol and version" and o.status == "supported"
        assert o.help.endswith(" (sclient)")
