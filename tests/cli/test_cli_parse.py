"""Unit tests of sclient.cli.parse: OpenSSL 3.0.19's parsing rules and messages."""

from __future__ import annotations

import os

import pytest

from sclient.base import structs
from sclient.cli.options import OPTIONS
from sclient.cli.parse import (
    DEFAULT_PORT,
    STARTTLS_PROTOCOLS,
    ExtendedCert,
    Options,
    UsageError,
    parse_args,
)
from sclient.tls.conf import parse_protocol_list

USAGE = "s_client: Use -help for summary.\n"


def err(argv: list[str]) -> UsageError:
    with pytest.raises(UsageError) as info:
        parse_args(argv)
    return info.value


def fails(argv: list[str], text: str, status: int = 1) -> None:
    e = err(argv)
    assert e.text == text
    assert e.status == status


# --- the Options object ----------------------------------------------------------------


def test_defaults() -> None:
    o = parse_args([])
    assert o.host is None
    assert o.port == DEFAULT_PORT == "4433"
    assert o.target is None
    assert o.connect is None
    assert o.ign_eof is False
    assert o.commands is True
    assert o.brief is False
    assert o.verify is None
    assert o.verify_peer is False
    assert o.dane_tlsa_rrdata == []
    assert o.ssl_conf == []
    assert o.given == []
    assert o.messages == []


def test_one_attribute_per_row() -> None:
    names = set(Options.__annotations__)
    for spec in OPTIONS:
        assert spec.attr in names, spec.name


def test_attribute_naming() -> None:
    o = parse_args(["-4", "-no-CAfile"])
    assert o.ipv4 is True
    assert o.ipv6 is False
    assert o.no_CAfile is True
    assert o.no_CApath is False
    by_name = {s.name: s.attr for s in OPTIONS}
    assert by_name["-provider-path"] == "provider_path"
    assert by_name["-no-CAfile"] == "no_CAfile"
    assert by_name["-6"] == "ipv6"
    assert by_name["-pass"] == "pass_"
    assert by_name["-async"] == "async_"


def test_value_types_stored() -> None:
    o = parse_args(["-connect", "h:1", "-verify", "5", "-maxfraglen", "1024", "-CAfile", "f"])
    assert o.verify == 5
    assert o.maxfraglen == 1024
    assert o.CAfile == "f"
    assert o.showcerts is False


def test_atoi_semantics_after_check() -> None:
    # strtol base 0 for the check, atoi (base 10) for the value, as OpenSSL.
    assert parse_args(["-verify", "0x10"]).verify == 0
    assert parse_args(["-verify", "010"]).verify == 10
    assert parse_args(["-verify", " +12"]).verify == 12


def test_port_kept_as_string() -> None:
    # OpenSSL hands the -port text to getaddrinfo unchanged.
    assert parse_args(["-port", "0x10"]).port == "0x10"
    assert parse_args(["-port", "443"]).port == "443"


# --- word-level syntax -------------------------------------------------------------------


def test_equals_value() -> None:
    o = parse_args(["-connect=example.com:443"])
    assert (o.host, o.port) == ("example.com", "443")
    assert parse_args(["-connect=a:1=b"]).port == "1=b"


def test_double_dash_option() -> None:
    o = parse_args(["--connect", "h:2", "--brief"])
    assert (o.host, o.port, o.brief) == ("h", "2", True)


def test_value_may_start_with_dash() -> None:
    o = parse_args(["-connect", "-foo"])
    assert o.connect == "-foo"
    assert o.host == "-foo"


def test_double_dash_ends_options() -> None:
    o = parse_args(["--", "-host:1"])
    assert o.target == "-host:1"
    assert o.host == "-host"


def test_first_non_option_ends_options() -> None:
    fails(["h:1", "-brief"], USAGE)


def test_positional_target() -> None:
    o = parse_args(["-brief", "example.org:8443"])
    assert o.target == "example.org:8443"
    assert (o.host, o.port) == ("example.org", "8443")
    assert o.connect is None


def test_positional_host_only_keeps_port() -> None:
    assert parse_args(["-port", "99", "h"]).port == "99"
    assert parse_args(["h"]).port == "4433"


def test_repeated_last_wins() -> None:
    o = parse_args(["-connect", "a:1", "-connect", "b:2", "-servername", "x", "-servername", "y"])
    assert (o.host, o.port, o.servername) == ("b", "2", "y")
    assert o.given == ["-connect", "-connect", "-servername", "-servername"]


def test_ssl_conf_in_order() -> None:
    o = parse_args(["-cipher", "A", "-no_tls1_2", "-groups", "X25519", "-cipher", "B"])
    assert o.ssl_conf == [
        ("-cipher", "A"),
        ("-no_tls1_2", None),
        ("-groups", "X25519"),
        ("-cipher", "B"),
    ]
    assert o.cipher == "B"


def test_unknown_option() -> None:
    fails(["-foo"], "s_client: Unknown option: -foo\n" + USAGE)
    fails(["--foo"], "s_client: Unknown option: -foo\n" + USAGE)
    fails(["-foo=bar"], "s_client: Unknown option: -foo\n" + USAGE)
    fails(["-"], "s_client: Unknown option: -\n" + USAGE)
    fails(["---M"], "s_client: Unknown option: --M\n" + USAGE)
    # Absent from the 3.0.19 build, but sclient has it (a deviation).
    assert parse_args(["-ssl3"]).ssl3
    fails(["-ssl3", "-tls1"], "Cannot supply multiple protocol flags\n")


def test_sctp_options_are_recognized_and_refused() -> None:
    """Absent from the 3.0.19 build (openssl: unknown option); sclient names
    them and says that DTLS over SCTP is not available, whatever else is given."""
    from sclient.transport.sctp import kernel_has_sctp

    kernel = "the kernel has SCTP" if kernel_has_sctp() else "the kernel has no SCTP"
    for name in ("-sctp", "-sctp_label_bug"):
        line = f"s_client: {name}: DTLS over SCTP is not available in sclient ({kernel})\n"
        fails([name], line)
        fails(["-dtls1_2", "-connect", "127.0.0.1:1", name], line)


def test_missing_value() -> None:
    fails(["-connect"], "s_client: Option -connect needs a value\n" + USAGE)
    fails(["--alpn"], "s_client: Option -alpn needs a value\n" + USAGE)


def test_flag_with_value() -> None:
    fails(["-brief=1"], "s_client: Option -brief does not take a value\n" + USAGE)
    fails(["-brief="], "s_client: Option -brief does not take a value\n" + USAGE)
    fails(["-h=1"], "s_client: Option -h does not take a value\n" + USAGE)
    fails(["--help=x"], "s_client: Option -help does not take a value\n" + USAGE)


def test_opt_table_markers() -> None:
    # Quirks of opt_next(): the table's marker entries can be matched.
    assert err(["---S"]).status == 0
    assert err(["---H"]).status == 0
    o = parse_args(["-host:port", "h:7"])  # the "host:port" parameter line ends the options
    assert (o.host, o.port) == ("h", "7")
    fails(["-host:port=1"], "s_client: Option -host:port does not take a value\n" + USAGE)


# --- value checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", 'Can\'t parse "abc" as a number'),
        ("", 'Can\'t parse "" as a number'),
        ("5 ", 'Can\'t parse "5 " as a number'),
        ("0x", 'Can\'t parse "0x" as a hexadecimal number'),
        ("0Xg", 'Can\'t parse "0Xg" as a hexadecimal number'),
        ("08", 'Can\'t parse "08" as an octal number'),
        ("0b1", 'Can\'t parse "0b1" as an octal number'),
        ("0 ", 'Can\'t parse "0 " as an octal number'),
        ("9223372036854775808", 'Can\'t parse "9223372036854775808" as a number'),
        ("99999999999", 'Value "99999999999" outside integer range'),
        ("9223372036854775807", 'Value "9223372036854775807" outside integer range'),
        ("0x80000000", 'Value "0x80000000" outside integer range'),
        ("-2147483649", 'Value "-2147483649" outside integer range'),
        ("0", 'Non-positive number "0" for option -port'),
        ("-0", 'Non-positive number "-0" for option -port'),
        ("-5", 'Non-positive number "-5" for option -port'),
        ("0x0", 'Non-positive number "0x0" for option -port'),
    ],
)
def test_positive_int_errors(value: str, message: str) -> None:
    fails(["-port", value], f"s_client: {message}\n" + USAGE)


@pytest.mark.parametrize("value", ["1", " 5", "+7", "0x10", "0X1a", "010", "2147483647"])
def test_positive_int_accepted(value: str) -> None:
    assert parse_args(["-port", value]).port == value


def test_int_and_intmax_types() -> None:
    # -verify_depth is "int": negative numbers pass the check, then are ignored.
    assert parse_args(["-verify_depth", "-1"]).verify_depth is None
    fails(["-verify_depth", "x"], 's_client: Can\'t parse "x" as a number\n' + USAGE)
    fails(["-attime", "0x"], 's_client: Can\'t parse "0x" as a hexadecimal number\n' + USAGE)
    fails(
        ["-attime", "99999999999999999999"],
        's_client: Can\'t parse "99999999999999999999" as a number\n' + USAGE,
    )


def test_dir_type(tmp_path: os.PathLike[str]) -> None:
    fails(["-CApath", "/nonexistent"], "s_client: Not a directory: /nonexistent\n" + USAGE)
    assert parse_args(["-CApath", str(tmp_path)]).CApath == str(tmp_path)


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["-certform", "XYZ"], 's_client: Bad format "XYZ"\n'),
        (["-certform", "Pem"], 's_client: Bad format "Pem"\n'),
        (["-CRLform", "b64"], 's_client: Bad format "b64"\n'),
        (["-certform", ""], 's_client: Bad format ""\n'),
        (["-certform", "P12"], 's_client: Bad format "P12"; must be pem or der\n'),
        (["-CRLform", "engine"], 's_client: Bad format "engine"; must be pem or der\n'),
        (["-xcertform", "T"], 's_client: Bad format "T"; must be pem or der\n'),
        (
            ["-keyform", "pkcs12"],
            's_client: Bad format "pkcs12"; must be one of:\n   PEM/DER\n   engine\n',
        ),
    ],
)
def test_format_errors(argv: list[str], text: str) -> None:
    opt, value = argv
    fails(argv, text + f's_client: Invalid format "{value}" for option {opt}\n' + USAGE)


@pytest.mark.parametrize(
    ("opt", "value"),
    [("-certform", "PEM"), ("-certform", "p"), ("-certform", "DER"), ("-certform", "dxyz"),
     ("-keyform", "ENGINE"), ("-keyform", "e"), ("-xkeyform", "der")],
)  # fmt: skip
def test_format_accepted(opt: str, value: str) -> None:
    # Accepted by the format check; an option not supported yet is refused after it.
    if next(s for s in OPTIONS if s.name == opt).status == "not yet":
        assert err([opt, value]).text.endswith(
            "is not supported yet by sclient (sclient -help marks every such option)\n"
        )
    else:
        assert parse_args([opt, value]) is not None


# --- checks made inside the option loop --------------------------------------------------


def test_intermixed_unix_inet() -> None:
    unix_first = "s_client: Intermixed protocol flags (unix and internet domains)\n"
    inet_first = "s_client: Intermixed protocol flags (internet and unix domains)\n"
    for flag in (["-4"], ["-6"], ["-host", "h"], ["-port", "1"], ["-connect", "h:1"]):
        fails(["-unix", "/tmp/x", *flag], unix_first)
        fails([*flag, "-unix", "/tmp/x"], inet_first)


def test_unix_with_positional_target() -> None:
    # OpenSSL: the positional target replaces the socket path (no intermix check for it).
    o = parse_args(["-unix", "/tmp/sock"])
    assert (o.unix, o.host) == ("/tmp/sock", "/tmp/sock")
    o = parse_args(["-unix", "/tmp/sock", "other:1"])
    assert (o.unix, o.host) == ("/tmp/sock", "other")


def test_protocol_flags() -> None:
    fails(["-tls1_2", "-tls1_3"], "Cannot supply multiple protocol flags\n")
    fails(["-tls1_2", "-tls1_2"], "Cannot supply multiple protocol flags\n")
    both = "Cannot supply both a protocol flag and '-no_<prot>'\n"
    fails(["-tls1_2", "-no_tls1_2"], both)
    fails(["-no_tls1_3", "-tls1_2"], both)
    fails(["-tls1_3", "-no_ssl3"], both)
    o = parse_args(["-tls1_3"])
    assert (o.tls1_3, o.protocol_flag) == (True, "-tls1_3")
    assert parse_args(["-no_tls1_2", "-no_tls1_3"]).protocol_flag is None


def test_errors_are_reported_in_command_line_order() -> None:
    fails(["-foo", "-tls1_2", "-tls1_3"], "s_client: Unknown option: -foo\n" + USAGE)
    fails(["-tls1_2", "-tls1_3", "-foo"], "Cannot supply multiple protocol flags\n")
    assert err(["-starttls", "x", "-foo"]).text.startswith("s_client: Value must be one of:")


def test_maxfraglen() -> None:
    for n in (512, 1024, 2048, 4096):
        assert parse_args(["-maxfraglen", str(n)]).maxfraglen == n
    # No newline after OpenSSL's message: the usage line follows on the same line.
    fails(
        ["-maxfraglen", "100"],
        "s_client: Max Fragment Len 100 is out of permitted valuess_client: Use -help for summary.\n",
    )
    fails(
        ["-maxfraglen", "0x200"], "s_client: Max Fragment Len 0 is out of permitted values" + USAGE
    )


def test_starttls_values() -> None:
    expected = "s_client: Value must be one of:\n" + "".join(f"\t{p}\n" for p in STARTTLS_PROTOCOLS)
    fails(["-starttls", "foo"], expected)
    assert STARTTLS_PROTOCOLS[:3] == ("smtp", "pop3", "imap")
    assert "telnet" in STARTTLS_PROTOCOLS


def test_psk_must_be_hex() -> None:
    fails(["-psk", "xyz"], "Not a hex number 'xyz'\n")
    assert parse_args(["-psk", "12ab"]).psk == "12ab"


def test_purpose_and_verify_name() -> None:
    fails(["-purpose", "bogus"], "s_client: Invalid purpose bogus\n")
    fails(["-verify_name", "SSL_CLIENT"], "s_client: Invalid verify name SSL_CLIENT\n")


def test_extended_certs() -> None:
    fails(["-xkey", "a", "-xkey", "b"], "s_client: Key already specified\n")
    fails(["-xchain", "a", "-xchain", "b"], "s_client: Chain already specified\n")
    # -xcert starts a new entry: the second -xkey then belongs to it.
    from sclient.cli.parse import _Parser

    p = _Parser(["-xcert", "c1", "-xkey", "k1", "-xcert", "c2", "-xkey", "k2", "-xchain_build"])
    p.run()
    assert p.o.excerts == [
        ExtendedCert(certfile="c2", keyfile="k2", build_chain=True),
        ExtendedCert(certfile="c1", keyfile="k1"),
    ]
    assert p.o.xcert == ["c1", "c2"]


# --- verify depth line and the order-dependent quiet/ign_eof -----------------------------


def test_verify_depth_line() -> None:
    o = parse_args(["-verify", "3"])
    assert o.messages == ["verify depth is 3\n"]
    assert o.verify == 3 and o.verify_peer
    assert parse_args(["-verify", "0x10"]).messages == ["verify depth is 0\n"]
    assert parse_args(["-quiet", "-verify", "3"]).messages == []
    assert parse_args(["-brief", "-verify", "3"]).messages == []
    assert parse_args(["-verify", "3", "-quiet"]).messages == ["verify depth is 3\n"]
    assert parse_args(["-verify", "1", "-verify", "2"]).messages == [
        "verify depth is 1\n",
        "verify depth is 2\n",
    ]


def test_verify_depth_line_precedes_later_error() -> None:
    fails(["-verify", "3", "-foo"], "verify depth is 3\ns_client: Unknown option: -foo\n" + USAGE)
    fails(["-quiet", "-verify", "3", "-foo"], "s_client: Unknown option: -foo\n" + USAGE)


def test_verify_return_error_implies_peer_verification() -> None:
    o = parse_args(["-verify_return_error"])
    assert o.verify_peer and o.verify is None and o.messages == []


@pytest.mark.parametrize(
    ("argv", "ign_eof", "commands"),
    [
        ([], False, True),
        (["-quiet"], True, False),
        (["-ign_eof"], True, False),
        (["-quiet", "-no_ign_eof"], False, True),
        (["-no_ign_eof", "-quiet"], True, False),
        (["-ign_eof", "-no_ign_eof"], False, True),
        (["-nocommands"], False, False),
        (["-quiet", "-no_ign_eof", "-nocommands"], False, False),
        (["-brief"], False, True),
    ],
)
def test_quiet_ign_eof_order(argv: list[str], ign_eof: bool, commands: bool) -> None:
    o = parse_args(argv)
    assert o.ign_eof is ign_eof
    assert o.commands is commands
    assert o.quiet is ("-quiet" in argv)
    assert o.no_ign_eof is ("-no_ign_eof" in argv)


def test_effective_quiet() -> None:
    o = parse_args(["-brief"])
    assert o.effective_quiet and o.effective_verify_quiet and not o.quiet
    o = parse_args(["-quiet"])
    assert o.effective_quiet and not o.effective_verify_quiet
    assert parse_args(["-verify_quiet"]).effective_verify_quiet


def test_last_of() -> None:
    o = parse_args(["-quiet", "-no_ign_eof", "-brief"])
    assert o.last_of("-quiet", "-no_ign_eof") == "-no_ign_eof"
    assert o.last_of("-json") is None


# --- post-parse checks, in OpenSSL's order -----------------------------------------------


def test_connect_and_positional() -> None:
    fails(
        ["-connect", "a:1", "b:2"],
        "s_client: cannot provide both -connect option and target parameter\n" + USAGE,
    )
    fails(["a:1", "b:2"], USAGE)
    fails(["a:1", "-connect", "b:2"], USAGE)


def test_four_and_six() -> None:
    fails(["-4", "-6"], "s_client: Can't use both -4 and -6\n" + USAGE)
    fails(["-4", "-4"], "s_client: Can't use both -4 and -6\n" + USAGE)


def test_servername_noservername() -> None:
    fails(
        ["-servername", "x", "-noservername"],
        "s_client: Can't use -servername and -noservername together\n" + USAGE,
    )
    fails(
        ["-dane_tlsa_domain", "x", "-noservername"],
        "s_client: Can't use -dane_tlsa_domain and -noservername together\n" + USAGE,
    )


def test_nextprotoneg() -> None:
    fails(["-nextprotoneg", "h2", "-tls1_3"], "Cannot supply -nextprotoneg with TLSv1.3\n" + USAGE)
    fails(["-nextprotoneg", ","], "Error parsing -nextprotoneg argument\n")


def test_malformed_connect() -> None:
    msg = "s_client: -connect argument or target parameter malformed or ambiguous\n"
    for bad in ("::1:443", "a:1:2", "[::1]15099", "[::1", "[::1]:1:2"):
        fails(["-connect", bad], msg)
        fails([bad], msg)


def test_proxy() -> None:
    fails(
        ["-proxy", "p:1"], "s_client: -proxy requires use of -connect or target parameter\n" + USAGE
    )
    fails(
        ["-connect", ":1", "-proxy", "p:1"],
        "s_client: -proxy requires use of -connect or target parameter\n" + USAGE,
    )
    fails(
        ["-connect", "h:", "-proxy", "p:1"],
        "s_client: -proxy requires use of -connect or target parameter\n" + USAGE,
    )
    fails(
        ["-proxy", "p:1:2", "-connect", "a:1"], "s_client: -proxy argument malformed or ambiguous\n"
    )
    o = parse_args(["-proxy", "p:3128", "t:443"])
    assert (o.host, o.port, o.proxy_host, o.proxy_port) == ("t", "443", "p", "3128")
    # A proxy without a port uses the target's port (OpenSSL's variable reuse).
    o = parse_args(["-proxy", "p", "-connect", "t:443"])
    assert (o.proxy_host, o.proxy_port) == ("p", "443")
    # -host alone is a target for this check.
    assert parse_args(["-host", "t", "-proxy", "p:1"]).proxy_host == "p"


def test_bind() -> None:
    fails(["-bind", "a:1:2"], "s_client: -bind argument parameter malformed or ambiguous\n")
    o = parse_args(["-bind", "127.0.0.2"])
    assert (o.bind_host, o.bind_port) == ("127.0.0.2", None)
    o = parse_args(["-bind", "[::1]:5000"])
    assert (o.bind_host, o.bind_port) == ("::1", "5000")


def test_unix_and_datagrams() -> None:
    fails(["-unix", "/x", "-dtls"], "Can't use unix sockets and datagrams together\n")
    fails(["-dtls1_2", "-unix", "/x"], "Can't use unix sockets and datagrams together\n")


def test_proxy_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]) -> None:
    fails(["-proxy_pass", "pass:x"], "Error: Must specify proxy_user with proxy_pass\n")
    getting = "Error getting proxy password\n"
    fails(
        ["-proxy_pass", "bogus"],
        "Invalid password argument, missing ':' within the first 5 chars\n" + getting,
    )
    fails(
        ["-proxy_pass", "abcde:x"],
        "Invalid password argument, missing ':' within the first 5 chars\n" + getting,
    )
    fails(["-proxy_pass", "abcd:x"], 'Invalid password argument, starting with "abcd:"\n' + getting)
    monkeypatch.delenv("SCLIENT_NO_SUCH_VAR", raising=False)
    fails(
        ["-proxy_pass", "env:SCLIENT_NO_SUCH_VAR"],
        "No environment variable SCLIENT_NO_SUCH_VAR\n" + getting,
    )
    fails(["-proxy_pass", "file:/nonexistent/x"], "Can't open file /nonexistent/x\n" + getting)
    fails(["-proxy_pass", "fd:-1"], "Can't access file descriptor -1\n" + getting)
    # Successful sources.
    o = parse_args(["-proxy_user", "u", "-proxy_pass", "pass:s3cret", "-proxy", "p:1", "t:2"])
    assert o.proxy_password == "s3cret"
    monkeypatch.setenv("SCLIENT_PROXY_PW", "from-env")
    assert (
        parse_args(["-proxy_user", "u", "-proxy_pass", "env:SCLIENT_PROXY_PW"]).proxy_password
        == "from-env"
    )
    path = os.path.join(tmp_path, "pw")
    with open(path, "w") as f:
        f.write("line1\nline2\n")
    assert parse_args(["-proxy_user", "u", "-proxy_pass", f"file:{path}"]).proxy_password == "line1"
    empty = os.path.join(tmp_path, "empty")
    open(empty, "w").close()
    fails(["-proxy_pass", f"file:{empty}"], "Error reading password from BIO\n" + getting)


def test_max_send_frag() -> None:
    fails(
        ["-max_send_frag", "100"],
        "s_client: Max send fragment size 100 is out of permitted range\n",
    )
    fails(
        ["-max_send_frag", "16385"],
        "s_client: Max send fragment size 16385 is out of permitted range\n",
    )
    assert parse_args(["-max_send_frag", "512"]).max_send_frag == 512
    assert parse_args(["-max_send_frag", "16384"]).max_send_frag == 16384
    assert parse_args(["-max_send_frag", "0x10"]).max_send_frag == 0  # atoi -> 0: ignored


def test_alpn_kept_raw() -> None:
    # List syntax errors are reported by the application, later.
    assert parse_args(["-alpn", ","]).alpn == ","


def test_parse_protocol_list() -> None:
    assert parse_protocol_list("h2,http/1.1") == [b"h2", b"http/1.1"]
    assert parse_protocol_list("a,,b,") == [b"a", b"b"]  # empty elements skipped (3.0.19)
    assert parse_protocol_list("") is None
    assert parse_protocol_list(",") is None
    assert parse_protocol_list("x" * 255) == [b"x" * 255]
    assert parse_protocol_list("x" * 256) is None
    assert parse_protocol_list(",".join(["a"] * 40000)) is None  # 65535 bytes or more


# --- help and "not yet" ---------------------------------------------------------------------


def test_help() -> None:
    from sclient.cli.help import format_help

    for argv in (["-help"], ["-h"], ["--help"], ["-help", "-foo"], ["-msg", "-help"]):
        e = err(argv)
        assert (e.text, e.status) == (format_help(), 0)
    fails(["-foo", "-help"], "s_client: Unknown option: -foo\n" + USAGE)


@pytest.fixture
def refused(monkeypatch: pytest.MonkeyPatch) -> str:
    """An option marked not yet (every option is supported now): -async."""
    from sclient.cli import options, parsetable

    spec = options.BY_NAME["async"]
    monkeypatch.setitem(options.BY_NAME, "async", structs.replace(spec, status=options.NOT_YET))
    # the parser reads the table generated from options (sclient.cli.parsetable)
    row = parsetable.BY_NAME["async"]
    fields = (row.name, row.attr, row.valtype, row.value_kind, row.repeat, row.family)
    not_yet = parsetable.ParseSpec(*fields, options.NOT_YET, row.choices)
    monkeypatch.setitem(parsetable.BY_NAME, "async", not_yet)
    return "-async"


def test_not_yet(refused: str) -> None:
    """The refusal comes after every check OpenSSL makes while parsing."""
    line = "s_client: Option {} is not supported yet by sclient (sclient -help marks every such option)\n"
    fails([refused], line.format(refused))
    fails(["-" + refused], line.format(refused))  # OpenSSL takes --opt for -opt
    fails([refused, "-foo"], "s_client: Unknown option: -foo\n" + USAGE)
    fails(
        [refused, "-connect", "a:1:2"],
        "s_client: -connect argument or target parameter malformed or ambiguous\n",
    )
    fails([refused, "-4", "-6"], "s_client: Can't use both -4 and -6\n" + USAGE)


def test_no_option_is_refused() -> None:
    """Every option of the manual and of the build is supported or a documented deviation."""
    assert [o.name for o in OPTIONS if o.status == "not yet"] == []


def test_every_not_yet_option_is_refused() -> None:
    for spec in OPTIONS:
        if spec.status != "not yet" or not spec.in_build:
            continue
        argv = [spec.name]
        if spec.takes_value:
            argv.append(
                {
                    "+int": "1",
                    "int": "1",
                    "intmax": "1",
                    "dir": "/",
                    "PEM|DER": "PEM",
                    "PEM|DER|ENGINE": "PEM",
                }.get(spec.valtype, {"-starttls": "smtp", "-psk": "00", "-purpose": "any",
                                     "-verify_name": "default", "-nextprotoneg": "h2"}.get(spec.name, "v"))
            )  # fmt: skip
        e = err(argv)
        assert e.text.endswith(
            f"s_client: Option {spec.name} is not supported yet by sclient (sclient -help marks every such option)\n"
        ), spec.name
        assert e.status == 1


def test_every_supported_option_parses() -> None:
    for spec in OPTIONS:
        if spec.status == "not yet" or spec.name in ("-help", "-version") or spec.recognized:
            continue
        argv = [spec.name]
        if spec.takes_value:
            valid = {
                "-proxy_pass": "pass:x",
                "-purpose": "sslserver",
                "-verify_name": "default",
                "-verify_ip": "::1",
                "-verify_depth": "1",
                "-auth_level": "1",
                "-attime": "1",
                "-policy": "1.2.3",  # an OID: "v" is an invalid policy
                "-nameopt": "oneline",
                "-pass": "pass:x",
                "-psk": "ab",
                "-rand": "/dev/null",  # a file that opens
                "-max_pipelines": "2",
                "-provider": "default",  # built in (loaded while parsing)
                "-engine": "dynamic",
                "-ssl_client_engine": "dynamic",
                "-connect_timeout": "1.5",
                "-max_time": "2",
            }
            argv.append(
                spec.choices[0]
                if spec.choices
                else valid[spec.name]
                if spec.name in valid
                else {"+int": "512", "dir": "/", "PEM|DER": "DER", "PEM|DER|ENGINE": "PEM"}.get(
                    spec.valtype, valid.get(spec.name, "v")
                )
            )
        if spec.name in ("-proxy", "-proxy_pass"):
            argv += (
                ["-proxy_user", "u", "-connect", "h:1"] if spec.name == "-proxy_pass" else ["h:1"]
            )
        if spec.name == "-parallel":
            argv += ["-targets", "-"]
        o = parse_args(argv)
        assert o.given[0] == spec.name
