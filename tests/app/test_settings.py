"""Target, SNI and protocol-version rules (options.md §2, §4) and option errors."""

from __future__ import annotations

import os
import stat

import pytest

from sclient.app.console import Console
from sclient.app.settings import (
    TLS1_0,
    TLS1_1,
    TLS1_2,
    TLS1_3,
    Exit,
    build_settings,
    is_dns_name,
    resolve_target,
    server_name,
    version_range,
)
from sclient.cli.parse import parse_args
from sclient.tls.config import Verdict


@pytest.mark.parametrize(
    "host,expected",
    [
        ("localhost", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("myhost", False),
        ("www.example.com", True),
        ("a.b", True),
        ("a_b.example", True),
        ("-a.example", False),
        ("a.example-", False),
        ("a..b", False),
        ("a-.b", False),
        ("a.-b", False),
        ("1.2", False),
        ("a" * 63 + ".com", False),
        ("a" * 62 + ".com", True),
        ("host.example.", False),
    ],
)
def test_is_dns_name(host: str, expected: bool) -> None:
    assert is_dns_name(host) is expected


@pytest.mark.parametrize(
    "argv,sni",
    [
        ([], "localhost"),
        (["-connect", ":443"], "localhost"),
        (["-connect", "localhost:443"], None),
        (["-connect", "127.0.0.1:443"], None),
        (["-connect", "[::1]:443"], None),
        (["-connect", "www.example.com:443"], "www.example.com"),
        (["-connect", "www.example.com:443", "-noservername"], None),
        (["-connect", "127.0.0.1:443", "-servername", "10.0.0.1"], "10.0.0.1"),
        (["-connect", "127.0.0.1:443", "-proxy", "127.0.0.1:3128"], "127.0.0.1"),
        (["-port", "443"], "localhost"),
    ],
)
def test_sni(argv: list[str], sni: str | None) -> None:
    o = parse_args(argv)
    assert server_name(o, resolve_target(o)) == sni


def test_target_defaults_and_host_only_keeps_port() -> None:
    t = resolve_target(parse_args([]))
    assert (t.host, t.port) == (None, "4433")
    t = resolve_target(parse_args(["-port", "8443", "-connect", "example.org"]))
    assert (t.host, t.port) == ("example.org", "8443")
    t = resolve_target(parse_args(["-connect", "[::1]:99"]))
    assert (t.host, t.port) == ("::1", "99")
    t = resolve_target(parse_args(["-unix", "/tmp/x.sock"]))
    assert (t.unix, t.host) == ("/tmp/x.sock", None)


@pytest.mark.parametrize(
    "argv,expected",
    [
        ([], (TLS1_0, TLS1_3)),
        (["-tls1_2"], (TLS1_2, TLS1_2)),
        (["-tls1_3"], (TLS1_3, TLS1_3)),
        (["-no_tls1_3"], (TLS1_0, TLS1_2)),
        # A hole ends the range: the lower contiguous part wins (ssl_get_min_max_version).
        (["-no_tls1_2"], (TLS1_0, TLS1_1)),
        (["-min_protocol", "TLSv1.2"], (TLS1_2, TLS1_3)),
        (["-max_protocol", "TLSv1.2", "-min_protocol", "TLSv1.2"], (TLS1_2, TLS1_2)),
        (["-min_protocol", "TLSv1.3", "-max_protocol", "TLSv1.2"], None),
        (["-no_tls1_3", "-no_tls1_2", "-no_tls1_1", "-no_tls1"], None),
        # a DTLS name is no bound of TLS: the bound before it stands
        (["-min_protocol", "TLSv1.3", "-min_protocol", "DTLSv1"], (TLS1_3, TLS1_3)),
        (["-max_protocol", "DTLSv1"], (TLS1_0, TLS1_3)),
        # DTLS (the TLS versions DTLS 1.0 and 1.2 are built on): -dtls takes DTLS bounds
        (["-dtls", "-max_protocol", "DTLSv1"], (TLS1_1, TLS1_1)),
        (["-dtls", "-max_protocol", "DTLSv1", "-max_protocol", "TLSv1.3"], (TLS1_1, TLS1_1)),
        (["-dtls", "-max_protocol", "DTLSv1", "-max_protocol", "None"], (TLS1_1, TLS1_2)),
        (["-dtls", "-min_protocol", "DTLSv1.2", "-max_protocol", "DTLSv1"], None),
        # ... -dtls1 and -dtls1_2 set both bounds after them
        (["-dtls1", "-max_protocol", "DTLSv1.2"], (TLS1_1, TLS1_1)),
        (["-dtls1_2", "-min_protocol", "DTLSv1"], (TLS1_2, TLS1_2)),
    ],
)
def test_version_range(argv: list[str], expected: tuple[int, int] | None) -> None:
    assert version_range(parse_args(argv)) == expected


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["-tls1"], (TLS1_0, TLS1_0)),
        (["-tls1_1"], (TLS1_1, TLS1_1)),
        (["-no_tls1_2"], (TLS1_0, TLS1_1)),
        (["-max_protocol", "TLSv1.1"], (TLS1_0, TLS1_1)),
        (["-min_protocol", "TLSv1.1", "-max_protocol", "TLSv1.1"], (TLS1_1, TLS1_1)),
        # @SECLEVEL=3 leaves TLS 1.1 and up, @SECLEVEL=4 TLS 1.2 and up.
        (["-max_protocol", "TLSv1.1", "-cipher", "DEFAULT:@SECLEVEL=3"], (TLS1_1, TLS1_1)),
        (["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"], (TLS1_0, TLS1_0)),
    ],
)
def test_ranges_below_tls12(argv: list[str], expected: tuple[int, int]) -> None:
    s = build_settings(parse_args(argv), Console())
    assert not s.no_protocols
    assert (s.min_version, s.max_version) == expected
    assert (s.config.min_version, s.config.max_version) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["-tls1", "-cipher", "DEFAULT:@SECLEVEL=3"],
        ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=4"],
        ["-max_protocol", "TLSv1.1", "-cipher", "DEFAULT:@SECLEVEL=5"],
    ],
)
def test_security_level_empties_the_range(argv: list[str]) -> None:
    # tls_setup_handshake: "no protocols available" (the engine says it).
    s = build_settings(parse_args(argv), Console())
    assert s.no_protocols


def test_default_range_is_openssls() -> None:
    # openssl s_client 3.0 offers TLS 1.3 down to TLS 1.0 in supported_versions.
    s = build_settings(parse_args([]), Console())
    assert (s.min_version, s.max_version) == (TLS1_0, TLS1_3)
    assert s.config.min_version == TLS1_0


@pytest.mark.parametrize("spec", ["", ","])
def test_alpn_errors(spec: str, capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(Exit):
        build_settings(parse_args(["-alpn", spec]), Console())
    assert capfd.readouterr().err == "Error parsing -alpn argument\n"


def test_alpn_and_flags() -> None:
    s = build_settings(
        parse_args(
            [
                "-alpn",
                "h2,,http/1.1",
                "-no_ticket",
                "-no_middlebox",
                "-no_etm",
                "-maxfraglen",
                "1024",
            ]
        ),
        Console(),
    )
    config = s.config
    assert config.alpn == (b"h2", b"http/1.1")
    assert config.session_ticket is False
    assert config.middlebox_compat is False
    assert config.encrypt_then_mac is False
    assert config.max_fragment_length == 2


def test_keylog_header_written_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "keys.log"
    for _ in range(2):
        s = build_settings(parse_args(["-keylogfile", str(path)]), Console())
        assert s.keylog is not None
        s.keylog.close()
    assert path.read_bytes() == b"# SSL/TLS secrets log file, generated by OpenSSL\n"


def test_keylog_open_error(tmp_path, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "no" / "such" / "file"
    with pytest.raises(Exit):
        build_settings(parse_args(["-keylogfile", str(bad)]), Console())
    assert capfd.readouterr().err == f"Error writing keylog file {bad}\n"


@pytest.fixture
def permissive_umask():  # type: ignore[no-untyped-def]
    """umask 000: whatever mode a file gets comes from sclient, not from the umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_keylog_file_created_owner_only(tmp_path, permissive_umask) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "keys.log"
    s = build_settings(parse_args(["-keylogfile", str(path)]), Console())
    assert s.keylog is not None
    s.keylog.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keylog_existing_file_keeps_mode_and_is_appended(tmp_path, permissive_umask) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "keys.log"
    path.write_bytes(b"earlier\n")
    path.chmod(0o640)
    s = build_settings(parse_args(["-keylogfile", str(path)]), Console())
    assert s.keylog is not None
    s.keylog.write(b"CLIENT_RANDOM x y\n")
    s.keylog.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == b"earlier\nCLIENT_RANDOM x y\n"


def test_sess_out_file_created_owner_only(tmp_path, permissive_umask) -> None:  # type: ignore[no-untyped-def]
    from sclient.app.sessions import write_session
    from sclient.tls.session import Session
    from sclient.tls.sessionfile import from_pem

    path = tmp_path / "sess.pem"
    session = Session(0x0303, 0xC02F, session_id=b"i" * 32, master_key=b"m" * 48, start_time=1)
    assert write_session(str(path), session)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # written again (the next ticket): truncated, still owner-only
    assert write_session(str(path), session)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert from_pem(path.read_bytes(), 0).master_key == b"m" * 48


def test_config_is_complete_but_for_the_verifier() -> None:
    from sclient.tls.config import DEFAULT_TLS13_SUITES
    from sclient.transport import clock

    s = build_settings(parse_args(["-connect", "www.example.com:443"]), Console())
    config = s.config
    assert config.random is clock.random_bytes
    assert config.now is clock.wall
    assert config.server_name == "www.example.com"
    assert config.tls13_suites == DEFAULT_TLS13_SUITES
    assert config.resume is None and config.psk is None
    assert config.verify_certificates([]) == Verdict()  # the driver's verifier replaces it


def test_config_lists_and_psk() -> None:
    s = build_settings(
        parse_args(
            [
                "-cipher",
                "DEFAULT:@SECLEVEL=3",
                "-client_sigalgs",
                "ecdsa_secp256r1_sha256",
                "-psk",
                "0a0b",
                "-legacy_server_connect",
            ]
        ),
        Console(),
    )
    config = s.config
    assert config.security_level == 3 and config.min_dh_bits == 3072
    assert config.session_ticket is False  # no tickets from security level 3
    assert config.client_signature_schemes == (0x0403,)
    assert config.psk is not None and config.psk is config.psk_tls12
    assert (config.psk.identity, config.psk.key) == (b"Client_identity", b"\x0a\x0b")
    assert config.legacy_server_connect is True


@pytest.mark.parametrize(
    ("args", "legacy", "no_reneg"),
    [
        ([], False, False),
        (["-legacy_renegotiation"], True, False),
        (["-legacy_server_connect", "-no_legacy_server_connect"], False, False),
        (["-no_legacy_server_connect", "-legacy_renegotiation"], True, False),
        (["-no_renegotiation"], False, True),
    ],
)
def test_renegotiation_options(args: list[str], legacy: bool, no_reneg: bool) -> None:
    """final_renegotiate lets a server without renegotiation_info in with either
    SSL_OP_LEGACY_SERVER_CONNECT or SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION."""
    config = build_settings(parse_args(["-connect", "h:1", *args]), Console()).config
    assert config.legacy_server_connect is legacy
    assert config.no_renegotiation is no_reneg


def test_verify_settings() -> None:
    from sclient.x509.callback import CallbackOptions
    from sclient.x509.names import DEFAULT_NAMEOPT

    s = build_settings(parse_args([]), Console())
    assert s.verify.callback == CallbackOptions(None, False, False, DEFAULT_NAMEOPT)
    assert not s.verify.verify_peer and not s.verify.crl_download
    assert s.verify.params.suiteb == 0

    argv = ["-verify", "2", "-brief", "-crl_download", "-suiteB_128_only", "-cipher", "SUITEB192"]
    s = build_settings(parse_args(argv), Console())
    assert s.verify.callback == CallbackOptions(2, False, True, DEFAULT_NAMEOPT)
    assert s.verify.verify_peer and s.verify.crl_download
    # -suiteB_128_only's flag, and the one the cipher string's Suite B mode adds
    assert s.verify.params.suiteb == 0x10000 | 0x20000


def test_ssl_conf_commands_set_only_option_fields() -> None:
    """``Options`` is a plain class (no slots): a field name the SSL_CONF
    command tables set must be one of its fields, or the setting is lost."""
    from sclient.app import sslconfig
    from sclient.cli.optionsclass import Options

    names = {f for f, _ in sslconfig._OPTIONS.values() if f is not None}
    names |= {f for fields in sslconfig._PROTOCOLS.values() for f in fields}
    names |= set(sslconfig._PAIRED) | set(sslconfig._PAIRED.values())
    names |= {"cipher", "min_protocol", "max_protocol"}
    names -= {"extended_master_secret", "comp"}  # taken out before the fields are set
    assert names <= set(Options.__annotations__), names - set(Options.__annotations__)
