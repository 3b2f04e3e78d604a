"""``-groups`` in OpenSSL 3.5's list language: when it applies, and what it selects.

OpenSSL 3.0 rejects every list that uses the 3.5 syntax (``*``, ``?``, ``-``,
``/``, ``DEFAULT``) or a post-quantum name, so reading those lists as 3.5 does
changes no list 3.0 accepts; the 3.0 lists keep 3.0's strict reading.
"""

from __future__ import annotations

import pytest

from sclient.tls import conf
from sclient.tls.registry import groups

X25519, P256, X448, P384, P521 = 0x1D, 0x17, 0x1E, 0x18, 0x19
FF2048, FF3072 = 0x100, 0x101
X25519MLKEM768, P256MLKEM768, P384MLKEM1024 = 0x11EC, 0x11EB, 0x11ED
MLKEM768, MLKEM1024 = 0x201, 0x202


def sel(spec: str) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    s = conf.group_selection(spec)
    return s.groups, s.key_shares


@pytest.mark.parametrize(
    "spec", ["X25519:P-256", "x25519", "ffdhe2048:X448", " P-384 : P-521 ", "prime256v1"]
)
def test_openssl30_lists_keep_their_meaning(spec: str) -> None:
    assert not conf.uses_35_group_syntax(spec)
    assert sel(spec) == (conf.group_list(spec), None)


@pytest.mark.parametrize("spec", ["x25519:x25519", "p-256", "X25519:", "DEFAULTS"])
def test_openssl30_errors_stay_errors(spec: str) -> None:
    # A duplicate, a case OpenSSL 3.0 does not know, an empty element.
    with pytest.raises(conf.ConfError):
        conf.group_selection(spec)


def test_default_is_openssl35s_default_list() -> None:
    assert sel("DEFAULT") == (
        (X25519MLKEM768, X25519, P256, X448, P384, P521, FF2048, FF3072),
        (X25519MLKEM768, X25519),
    )
    assert sel("default") == sel("DEFAULT")
    # The default ClientHello is still OpenSSL 3.0's: no ML-KEM group in it.
    assert not set(groups.DEFAULT_GROUPS) & {X25519MLKEM768, P256MLKEM768, P384MLKEM1024}


def test_pq_names_switch_language_case_insensitively() -> None:
    assert sel("X25519MLKEM768") == ((X25519MLKEM768,), None)
    assert sel("x25519mlkem768:X25519:x25519") == ((X25519MLKEM768, X25519), None)
    assert sel("secp384r1mlkem1024:mlkem1024:MLKEM768:SecP256r1MLKEM768") == (
        (P384MLKEM1024, MLKEM1024, MLKEM768, P256MLKEM768),
        None,
    )


def test_key_share_marker_tuples_and_removal() -> None:
    assert sel("*X25519MLKEM768/*X25519:P-256") == (
        (X25519MLKEM768, X25519, P256),
        (X25519MLKEM768, X25519),
    )
    assert sel("X25519:*P-256") == ((X25519, P256), (P256,))
    assert sel("DEFAULT:-X448:-X25519") == (
        (X25519MLKEM768, P256, P384, P521, FF2048, FF3072),
        (X25519MLKEM768,),
    )
    assert sel("-P-256:X25519") == ((X25519,), None)  # removing an absent group: nothing


def test_ignore_unknown_prefix() -> None:
    assert sel("?nonsense:X25519") == ((X25519,), None)
    # MLKEM512 is a group OpenSSL 3.5 knows but sclient cannot compute: "?" skips it.
    assert sel("?MLKEM512:*MLKEM768") == ((MLKEM768,), (MLKEM768,))
    with pytest.raises(conf.ConfError) as e:
        conf.group_selection("MLKEM512:X25519")
    assert "group 'MLKEM512' cannot be set" in str(e.value)


SYNTAX = ":error:0A080106:SSL routines:tls1_set_groups_list:passed invalid argument:"
EMPTY = ":error:0A00019E:SSL routines:{}:unsupported config value:"


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ("**X25519", SYNTAX + "../ssl/t1_lib.c:0:Syntax error in '**X25519'"),
        ("??X25519", SYNTAX),
        ("--X25519:X448", SYNTAX),
        ("*", SYNTAX),
        ("?DEFAULT", SYNTAX),
        ("-DEFAULT", SYNTAX),
        ("*DEFAULT", SYNTAX),  # OpenSSL puts "*" before "?*X25519MLKEM768": two "*"
        ("*" + "A" * 64, SYNTAX),
        (
            "*X25519:*P-256:*X448:*P-384:*P-521",
            "To many keyshares requested in '*X25519:*P-256:*X448:*P-384:*P-521' (max = 4)",
        ),
        ("X25519/", EMPTY.format("tuple_cb")),
        ("/X25519", EMPTY.format("tuple_cb")),
        ("X25519//P-256", EMPTY.format("tuple_cb")),
        ("*X25519::P-256", EMPTY.format("gid_cb")),
    ],
)
def test_errors(spec: str, line: str) -> None:
    with pytest.raises(conf.ConfError) as e:
        conf.group_selection(spec)
    assert e.value.lines[0] == f"Call to SSL_CONF_cmd(-groups, {spec}) failed"
    assert len(e.value.lines) == 2 and line in e.value.lines[1], e.value.lines


def test_unknown_name_fails_without_a_queue_line() -> None:
    # As OpenSSL 3.5 (and 4.1) do: SSL_CONF_cmd fails, nothing is queued.
    with pytest.raises(conf.ConfError) as e:
        conf.group_selection("*X25519:nonsense")
    assert e.value.lines == ["Call to SSL_CONF_cmd(-groups, *X25519:nonsense) failed"]
