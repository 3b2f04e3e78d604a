"""The CONF reader (``sclient.base.conf``) on its own: what NCONF makes of
each piece of the syntax.  The same pieces go through ``openssl s_client
-ssl_config`` in tests/golden/test_golden_ssl_config.py (test_conf_syntax),
which shows OpenSSL agreeing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sclient.base.conf import ConfSyntaxError, load_conf, parse_conf


def test_sections_values_and_default() -> None:
    conf = parse_conf("a = 1\n[ s ]\nb = 2 # comment\n[s2]\nc=3\n")
    assert conf.section("default") == [("a", "1")]
    assert conf.section("s") == [("b", "2")]
    assert conf.get("s", "b") == "2"
    assert conf.get("s", "a") == "1"  # NCONF_get_string falls back to default
    assert conf.get("s2", "b") is None
    assert conf.section("missing") is None


def test_name_given_again_moves_to_the_end() -> None:
    conf = parse_conf("[s]\nx = 1\ny = 2\nx = 3\n")
    assert conf.section("s") == [("y", "2"), ("x", "3")]


def test_quotes_escapes_and_comments() -> None:
    conf = parse_conf("a = \"x # y\" 'z'  # c\nb = p\\tq\\#r\\\\s\\zt\nc = `back`\n")
    assert conf.get(None, "a") == "x # y z"
    assert conf.get(None, "b") == "p\tq#r\\szt"
    assert conf.get(None, "c") == "back"


def test_variables() -> None:
    text = "v = top\n[s]\nw = sec\na = $v-${w}-$(w)-$s::w-${s::w}\n[t]\nb = $s::a\n"
    conf = parse_conf(text)
    assert conf.get("s", "a") == "top-sec-sec-sec-sec"
    assert conf.get("t", "b") == "top-sec-sec-sec-sec"


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCLIENT_CONF_TEST", "from-env")
    assert parse_conf("a = ${ENV::SCLIENT_CONF_TEST}\n").get(None, "a") == "from-env"


def test_continuation_and_other_section() -> None:
    conf = parse_conf("[s]\na = one\\\ntwo\nt::b = elsewhere\nc = x\\\\\n")
    assert conf.get("s", "a") == "onetwo"
    assert conf.get("t", "b") == "elsewhere"
    assert conf.get("s", "c") == "x\\"  # an escaped backslash does not continue


def test_dollarid_pragma() -> None:
    conf = parse_conf(".pragma dollarid:on\na$b = c$d\n")
    assert conf.get(None, "a$b") == "c$d"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[s\n", "missing close square bracket"),
        ("name\n", "missing equal sign"),
        ("a = $nothing\n", "variable has no value"),
        ("a = ${x\n", "no close brace"),
        (".pragma dollarid:maybe\n", "invalid pragma"),
        (".pragma abspath:on\n.include rel.cnf\n", "relative path"),
    ],
)
def test_syntax_errors(text: str, reason: str) -> None:
    with pytest.raises(ConfSyntaxError) as info:
        parse_conf(text)
    assert info.value.reason == reason


def test_include_file_and_directory(tmp_path: Path) -> None:
    inc = tmp_path / "inc.cnf"
    inc.write_text("[t]\nx = from-include\n")
    d = tmp_path / "d"
    d.mkdir()
    (d / "b.conf").write_text("y = b\n")
    (d / "a.cnf").write_text("y = a\nz = a\n")
    (d / "c.txt").write_text("w = c\n")
    main = tmp_path / "main.cnf"
    main.write_text(
        f".include {tmp_path / 'missing.cnf'}\n.include = {inc}\nafter = 1\n.include {d}\n"
    )
    conf = load_conf(str(main))
    assert conf.get("t", "x") == "from-include"
    section = conf.section("t") or []
    assert section[:2] == [("x", "from-include"), ("after", "1")]
    assert conf.get("t", "z") == "a"
    # the directory's files in its listing order: the later one's y wins
    later = "b" if os.listdir(d).index("b.conf") > os.listdir(d).index("a.cnf") else "a"
    assert conf.get("t", "y") == later
    assert conf.get("t", "w") is None


def test_include_dir_pragma(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENSSL_CONF_INCLUDE", raising=False)
    (tmp_path / "inc.cnf").write_text("x = 1\n")
    conf = parse_conf(f".pragma includedir:{tmp_path}\n.include inc.cnf\n")
    assert conf.get(None, "x") == "1"
    monkeypatch.setenv("OPENSSL_CONF_INCLUDE", str(tmp_path))
    assert parse_conf(".include inc.cnf\n").get(None, "x") == "1"


def test_the_system_file_loads() -> None:
    path = Path("/usr/lib/ssl/openssl.cnf")
    if not path.exists():
        pytest.skip("no system OpenSSL configuration file")
    conf = load_conf(str(path))
    assert conf.get(None, "openssl_conf") is not None
