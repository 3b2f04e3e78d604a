"""Command-line parsing with the exact rules and messages of ``openssl s_client`` 3.0.19.

``parse_args(argv)`` walks the words like OpenSSL's ``opt_next()`` and the option loop of
``s_client_main()``, then runs the post-parse checks in OpenSSL's order.  It never prints and
never exits: whatever OpenSSL would print before exiting is carried by :class:`UsageError`
(``text``, ``status``); what OpenSSL prints while parsing and then goes on (``verify depth is
N``) is returned in ``Options.messages`` for the caller to write to stderr first.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sclient.cli.numbers import NumberError, atoi, opt_int, opt_intmax
from sclient.cli.optionsclass import ExtendedCert, Options
from sclient.cli.parsetable import (
    APPEND,
    BY_NAME,
    DEFAULT_PORT,
    NOT_YET,
    NOT_YET_HINT,
    PROG,
    SSL_CONF,
    ParseSpec,
)

__all__ = [
    "DEFAULT_PORT",
    "STARTTLS_PROTOCOLS",
    "ExtendedCert",
    "HostPortError",
    "Options",
    "UsageError",
    "parse_args",
    "parse_host_port",
]

USAGE_LINE = f"{PROG}: Use -help for summary.\n"

#: -targets: at most this many connections in flight (-parallel).
MAX_PARALLEL = 512

#: ``-starttls`` values, in OpenSSL's order (the order of its error message): the
#: option table's, which come from the STARTTLS registry.
STARTTLS_PROTOCOLS = BY_NAME["starttls"].choices

#: ``-purpose`` values accepted by OpenSSL 3.0 (X509_PURPOSE short names).
X509_PURPOSES = (
    "sslclient",
    "sslserver",
    "nssslserver",
    "smimesign",
    "smimeencrypt",
    "crlsign",
    "any",
    "ocsphelper",
    "timestampsign",
)

#: ``-verify_name`` values accepted by OpenSSL 3.0 (X509_VERIFY_PARAM table).
VERIFY_NAMES = ("default", "pkcs7", "smime_sign", "ssl_client", "ssl_server")

_PROTOCOL_FLAGS = {"-ssl3", "-tls1", "-tls1_1", "-tls1_2", "-tls1_3", "-dtls", "-dtls1", "-dtls1_2"}
_DTLS_FLAGS = {"-dtls", "-dtls1", "-dtls1_2"}
_NO_PROTOCOL_FLAGS = {"-no_ssl3", "-no_tls1", "-no_tls1_1", "-no_tls1_2", "-no_tls1_3"}
_INET_FLAGS = {"-4", "-6", "-host", "-port", "-connect"}
_MAX_FRAGLENS = (512, 1024, 2048, 4096)

# Entries of OpenSSL's option array that are not options but can be matched by opt_next():
# the help/section/parameters markers ("-H", "-S", "-P", reachable as ---H etc.) all carry
# OPT_HELP's value, and the "host:port" parameter line carries OPT_EOF (ends the options).
_HELP_MARKERS = {"-H", "-S", "-P"}
_EOF_MARKERS = {"host:port"}


class UsageError(Exception):
    """Parsing ended the program: ``text`` goes to stderr verbatim, exit with ``status``.

    Raised for every usage error (status 1) and also for ``-help`` (the help text, status 0).
    ``text`` includes what was printed while parsing before the error (``verify depth is N``).
    """

    def __init__(
        self, text: str, status: int = 1, writerand: str | None = None, stdout: str = ""
    ) -> None:
        super().__init__(text)
        self.text = text
        #: what goes to stdout (``-version``)
        self.stdout = stdout
        self.status = status
        #: the -writerand file given before the error: OpenSSL still writes it
        self.writerand = writerand

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


class HostPortError(ValueError):
    """``parse_host_port`` failure; ``reason`` is ``"ambiguous"`` or ``"malformed"``."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason} host or service: {text!r}")
        self.reason = reason


def parse_host_port(s: str, default_port: str | None = None) -> tuple[str | None, str | None]:
    """Split ``host:port`` like OpenSSL's ``BIO_parse_hostserv(..., BIO_PARSE_PRIO_HOST)``.

    * ``[addr]:port`` / ``[addr]`` - bracketed host (IPv6);
    * ``host:port`` - exactly one colon; more colons outside brackets are ambiguous;
    * ``host`` - no colon: host only, the port is ``default_port`` (OpenSSL keeps the port it
      had: 4433, ``-port``'s value, or for ``-proxy`` the target's port);
    * an empty or ``*`` host gives ``None`` (loopback), an empty or ``*`` port gives ``None``.

    Raises :class:`HostPortError`.
    """
    host: str | None
    port: str | None = default_port
    if s.startswith("["):
        close = s.find("]")
        if close < 0:
            raise HostPortError("malformed", s)
        h = s[1:close]
        rest = s[close + 1 :]
        p: str | None
        if rest == "":
            p = None
        elif rest.startswith(":"):
            p = rest[1:]
        else:
            raise HostPortError("malformed", s)
    else:
        if s.count(":") > 1:
            raise HostPortError("ambiguous", s)
        if ":" in s:
            h, p = s.split(":", 1)
        else:
            h, p = s, None
    if p is not None and ":" in p:
        raise HostPortError("malformed", s)
    host = None if h in ("", "*") else h
    if p is not None:
        port = None if p in ("", "*") else p
    return host, port


def _format_check(arg: str, valtype: str) -> str | None:
    """OpenSSL 3.0.19 ``opt_format`` for PEM|DER / PEM|DER|ENGINE: None or the message."""
    pemder = valtype == "PEM|DER"
    c = arg[:1]
    verdict = "bad"
    if c in ("D", "d"):
        verdict = "ok"
    elif c in ("E", "e"):
        verdict = "flags" if pemder else "ok"
    elif c != "" and c in "TtNnSsMmHh1":
        verdict = "flags"
    elif c in ("P", "p"):
        if len(arg) == 1 or arg in ("PEM", "pem"):
            verdict = "ok"
        elif arg in ("PVK", "pvk", "P12", "p12", "PKCS12", "pkcs12"):
            verdict = "flags"
    if verdict == "ok":
        return None
    if verdict == "bad":
        return f'{PROG}: Bad format "{arg}"\n'
    if pemder:
        return f'{PROG}: Bad format "{arg}"; must be pem or der\n'
    return f'{PROG}: Bad format "{arg}"; must be one of:\n   PEM/DER\n   engine\n'


def _check_value(spec: ParseSpec, arg: str) -> str | None:
    """opt_next()'s syntax check of a value; the error text (without usage line) or None."""
    vt = spec.valtype
    try:
        if vt == "dir":
            if not os.path.isdir(arg):
                return f"{PROG}: Not a directory: {arg}\n"
        elif vt in ("+int", "int"):
            value = opt_int(arg)
            if vt == "+int" and value <= 0:
                return f'{PROG}: Non-positive number "{arg}" for option {spec.name}\n'
        elif vt == "intmax":
            opt_intmax(arg)
        elif vt in ("PEM|DER", "PEM|DER|ENGINE"):
            bad = _format_check(arg, vt)
            if bad is not None:
                return bad + f'{PROG}: Invalid format "{arg}" for option {spec.name}\n'
    except NumberError as e:
        return f"{PROG}: {e.text}\n"
    return None


def _convert(spec: ParseSpec, arg: str) -> str | int:
    if spec.value_kind == "int":
        return atoi(arg)
    if spec.value_kind == "intmax":
        return opt_intmax(arg)
    return arg


class _Parser:
    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.out: list[str] = []  # stderr text so far
        self.o = Options()
        self.connect_type: str | None = None  # "inet" / "unix"
        self.count4or6 = 0
        self.prot_opt = 0
        self.no_prot_opt = 0
        self.quiet = False  # c_quiet
        self.excert: ExtendedCert | None = None

    # -- errors --------------------------------------------------------------------------
    def fail(self, text: str, usage: bool = False) -> UsageError:
        return UsageError(
            "".join(self.out) + text + (USAGE_LINE if usage else ""), 1, self.o.writerand
        )

    # -- the option loop -------------------------------------------------------------------
    def run(self) -> Options:
        argv = self.argv
        i = 0
        while i < len(argv):
            word = argv[i]
            if not word.startswith("-"):
                break
            i += 1
            if word == "--":
                break
            p = word[1:]
            if p.startswith("-"):
                p = p[1:]
            arg: str | None = None
            if "=" in p:
                p, arg = p.split("=", 1)
            spec = BY_NAME.get("help" if p == "h" else p)
            if spec is None and (p in _HELP_MARKERS or p in _EOF_MARKERS):
                if arg is not None:
                    raise self.fail(f"{PROG}: Option -{p} does not take a value\n", usage=True)
                if p in _EOF_MARKERS:
                    break
                spec = BY_NAME["help"]
            if spec is None:
                raise self.fail(f"{PROG}: Unknown option: -{p}\n", usage=True)
            if not spec.takes_value:
                if arg is not None:
                    raise self.fail(f"{PROG}: Option -{p} does not take a value\n", usage=True)
            else:
                if arg is None:
                    if i >= len(argv):
                        raise self.fail(f"{PROG}: Option {spec.name} needs a value\n", usage=True)
                    arg = argv[i]
                    i += 1
                bad = _check_value(spec, arg)
                if bad is not None:
                    raise self.fail(bad, usage=True)
            self.apply(spec, arg)
        self.rest = argv[i:]
        self.finish()
        return self.o

    def apply(self, spec: ParseSpec, arg: str | None) -> None:
        """The body of s_client's option loop for one option."""
        o = self.o
        name = spec.name
        # Checks made before the switch, in this order.
        if self.connect_type == "unix" and name in _INET_FLAGS:
            raise self.fail(f"{PROG}: Intermixed protocol flags (unix and internet domains)\n")
        if self.connect_type == "inet" and name == "-unix":
            raise self.fail(f"{PROG}: Intermixed protocol flags (internet and unix domains)\n")
        if name in _PROTOCOL_FLAGS:
            self.prot_opt += 1
            if self.prot_opt > 1:
                raise self.fail("Cannot supply multiple protocol flags\n")
        if name in _NO_PROTOCOL_FLAGS:
            self.no_prot_opt += 1
        if self.prot_opt == 1 and self.no_prot_opt:
            raise self.fail("Cannot supply both a protocol flag and '-no_<prot>'\n")

        if name == "-help":
            from sclient.cli.help import format_help

            raise UsageError("".join(self.out) + format_help(), 0, self.o.writerand)
        if name == "-version":
            from sclient.cli.netopts import version_text

            raise UsageError("".join(self.out), 0, self.o.writerand, stdout=version_text())

        o.given.append(name)
        # Store the value.
        if spec.value_kind == "bool":
            setattr(o, spec.attr, True)
        elif spec.repeat == APPEND:
            assert arg is not None
            values: list[str] = getattr(o, spec.attr)
            values.append(arg)
        else:
            assert arg is not None
            value = _convert(spec, arg)
            # opt_verify sets the depth and the auth level only for a value >= 0:
            # a negative one leaves what an earlier occurrence set.
            if not (
                name in ("-verify_depth", "-auth_level") and isinstance(value, int) and value < 0
            ):
                setattr(o, spec.attr, value)
        if spec.family == SSL_CONF:
            o.ssl_conf.append((name, arg))

        # Option-specific processing, in the same place OpenSSL does it.
        if name in ("-4", "-6", "-host", "-port", "-connect"):
            self.connect_type = "inet"
            if name in ("-4", "-6"):
                self.count4or6 += 1
        elif name == "-unix":
            self.connect_type = "unix"
            o.host = arg
        elif name == "-verify":
            o.verify_peer = True
            if not self.quiet:
                self.say(f"verify depth is {o.verify}\n")
        elif name == "-verify_return_error":
            o.verify_peer = True
        elif name == "-brief":
            self.quiet = True
            o.effective_verify_quiet = True
        elif name == "-verify_quiet":
            o.effective_verify_quiet = True
        elif name == "-quiet":
            self.quiet = True
            o.ign_eof = True
        elif name == "-ign_eof":
            o.ign_eof = True
        elif name == "-security_debug":  # one setting (sdebug): the last of the two wins
            o.security_debug_verbose = False
        elif name == "-security_debug_verbose":
            o.security_debug = False
        elif name == "-no_ign_eof":
            o.ign_eof = False
        elif name in ("-name", "-xmpphost"):
            o.protohost = arg
        elif name == "-psk":
            assert arg is not None
            if any(c not in "0123456789abcdefABCDEF" for c in arg):
                raise self.fail(f"Not a hex number '{arg}'\n")
        elif name == "-srp_strength":
            self.say(f"SRP minimal length for N is {o.srp_strength}\n")
        elif name == "-starttls":
            if arg not in STARTTLS_PROTOCOLS:
                raise self.fail(
                    f"{PROG}: Value must be one of:\n"
                    + "".join(f"\t{p}\n" for p in STARTTLS_PROTOCOLS)
                )
        elif name == "-maxfraglen":
            assert o.maxfraglen is not None
            if o.maxfraglen not in _MAX_FRAGLENS:
                # No newline after the message: OpenSSL's own quirk.
                raise self.fail(
                    f"{PROG}: Max Fragment Len {o.maxfraglen & 0xFFFFFFFF} "
                    "is out of permitted values",
                    usage=True,
                )
        elif name == "-purpose":
            if arg not in X509_PURPOSES:
                raise self.fail(f"{PROG}: Invalid purpose {arg}\n")
        elif name == "-policy":
            from sclient.x509.policy import txt2oid

            if txt2oid(arg or "") is None:
                raise self.fail(f"{PROG}: Invalid Policy {arg}\n")
        elif name == "-nameopt":
            from sclient.x509.names import set_name_ex

            try:
                o.nameopt_flags = set_name_ex(o.nameopt_flags or 0, str(arg))
            except ValueError:
                raise self.fail("") from None  # s_client exits 1 silently
        elif name == "-verify_name":
            if arg not in VERIFY_NAMES:
                raise self.fail(f"{PROG}: Invalid verify name {arg}\n")
        elif name == "-verify_ip":
            from sclient.x509.identity import parse_ip

            assert arg is not None
            if parse_ip(arg) is None:  # X509_VERIFY_PARAM_set1_ip_asc fails: no message
                raise self.fail("")
        elif name in ("-xcert", "-xkey", "-xchain", "-xchain_build", "-xcertform", "-xkeyform"):
            self.extended_cert(name, arg)
        elif name in ("-provider", "-engine", "-ssl_client_engine"):
            self.library(name, str(arg))
        if name in _PROTOCOL_FLAGS:
            o.protocol_flag = name

    def library(self, name: str, arg: str) -> None:
        """Providers and engines are loaded the moment their option is read."""
        from sclient.cli.libctx import LibraryError, load_provider, setup_engine

        try:
            if name == "-provider":
                load_provider(arg, self.o.provider_path)
                return
            text, ok = setup_engine(arg)
        except LibraryError as e:
            raise self.fail(e.render()) from None
        if name == "-ssl_client_engine" and not ok:
            raise self.fail(text + "Error getting client auth engine\n", usage=True)
        self.say(text)

    def say(self, text: str) -> None:
        self.out.append(text)
        self.o.messages.append(text)

    def extended_cert(self, name: str, arg: str | None) -> None:
        o = self.o
        if self.excert is None:
            self.excert = ExtendedCert()
            o.excerts.insert(0, self.excert)
        exc = self.excert
        if name == "-xcert":
            if exc.certfile is not None:
                exc = self.excert = ExtendedCert()
                o.excerts.insert(0, exc)
            exc.certfile = arg
        elif name == "-xkey":
            if exc.keyfile is not None:
                raise self.fail(f"{PROG}: Key already specified\n")
            exc.keyfile = arg
        elif name == "-xchain":
            if exc.chainfile is not None:
                raise self.fail(f"{PROG}: Chain already specified\n")
            exc.chainfile = arg
        elif name == "-xchain_build":
            exc.build_chain = True
        elif name == "-xcertform":
            exc.certform = arg
        elif name == "-xkeyform":
            exc.keyform = arg

    # -- after the loop ----------------------------------------------------------------------
    def finish(self) -> None:
        o = self.o
        rest = self.rest
        connectstr = o.connect
        if len(rest) == 1:
            if connectstr is not None:
                raise self.fail(
                    f"{PROG}: cannot provide both -connect option and target parameter\n",
                    usage=True,
                )
            o.target = connectstr = rest[0]
        elif rest:
            raise self.fail("", usage=True)

        if o.rand:  # app_RAND_load(), straight after the parameters
            from sclient.cli.randfile import load_rand_files

            failed = load_rand_files(o.rand)
            if failed:
                raise self.fail(failed)

        o.effective_quiet = self.quiet
        o.commands = not (o.ign_eof or o.nocommands)

        if self.count4or6 >= 2:
            raise self.fail(f"{PROG}: Can't use both -4 and -6\n", usage=True)
        if o.noservername:
            if o.servername is not None:
                raise self.fail(
                    f"{PROG}: Can't use -servername and -noservername together\n", usage=True
                )
            if o.dane_tlsa_domain is not None:
                raise self.fail(
                    f"{PROG}: Can't use -dane_tlsa_domain and -noservername together\n",
                    usage=True,
                )
        if o.protocol_flag == "-tls1_3" and o.nextprotoneg is not None:
            raise self.fail("Cannot supply -nextprotoneg with TLSv1.3\n", usage=True)

        if o.targets is not None and (connectstr is not None or o.unix is not None):
            raise self.fail(
                f"{PROG}: -targets cannot be used with -connect, -unix or a target parameter\n",
                usage=True,
            )
        if o.parallel is not None:
            if o.targets is None:
                raise self.fail(f"{PROG}: -parallel requires -targets\n", usage=True)
            if not 1 <= o.parallel <= MAX_PARALLEL:
                raise self.fail(
                    f"{PROG}: -parallel {o.parallel} is out of range (1 to {MAX_PARALLEL})\n",
                    usage=True,
                )
        if connectstr is not None:
            try:
                o.host, o.port = parse_host_port(connectstr, o.port)
            except HostPortError:
                raise self.fail(
                    f"{PROG}: -connect argument or target parameter malformed or ambiguous\n"
                ) from None

        proxy = o.proxy
        if proxy is not None or o.proxy_env or o.connect_timeout or o.max_time:
            from sclient.cli.netopts import NetOptError, resolve

            try:
                proxy = resolve(o)
            except NetOptError as e:
                raise self.fail(f"{PROG}: {e.text}", usage=e.usage) from None
        if proxy is not None:
            if (o.host is None or o.port is None) and o.targets is None:
                raise self.fail(
                    f"{PROG}: {o.proxy_source} requires use of -connect or target parameter\n",
                    usage=True,
                )
            default = o.port if o.proxy_scheme == "http" else "1080"
            try:
                o.proxy_host, o.proxy_port = parse_host_port(proxy, default)
            except HostPortError:
                raise self.fail(
                    f"{PROG}: {o.proxy_source} argument malformed or ambiguous\n"
                ) from None

        if o.bind is not None:
            try:
                o.bind_host, o.bind_port = parse_host_port(o.bind, None)
            except HostPortError:
                raise self.fail(
                    f"{PROG}: -bind argument parameter malformed or ambiguous\n"
                ) from None

        if o.unix is not None and o.protocol_flag in _DTLS_FLAGS:
            raise self.fail("Can't use unix sockets and datagrams together\n")

        if o.nextprotoneg is not None:
            from sclient.tls.conf import parse_protocol_list  # not on -help's path
        if o.nextprotoneg is not None and parse_protocol_list(o.nextprotoneg) is None:
            raise self.fail("Error parsing -nextprotoneg argument\n")

        if o.pass_ is not None or o.proxy_pass is not None or o.srppass is not None:
            self._read_passwords(o)

        # OpenSSL checks this one later, after creating the SSL_CTX (SSL_CONF errors such as a
        # bad -cipher come first there); values <= 0 after atoi() are ignored.
        max_frag = 16384
        if o.max_send_frag is not None:
            frag = o.max_send_frag & 0xFFFFFFFF
            if frag > 0:
                max_frag = frag
            if frag > 0 and not 512 <= frag <= 16384:
                raise self.fail(
                    f"{PROG}: Max send fragment size {frag} is out of permitted range\n"
                )
        # SSL_CTX_set_split_send_fragment: at most the max send fragment (16384 by
        # default); SSL_CTX_set_max_pipelines: 1 to SSL_MAX_PIPELINES (32).
        if o.split_send_frag is not None:
            split = o.split_send_frag & 0xFFFFFFFF
            if split > max_frag:
                raise self.fail(
                    f"{PROG}: Split send fragment size {split} is out of permitted range\n"
                )
        if o.max_pipelines is not None and o.max_pipelines > 32:
            raise self.fail(f"{PROG}: Max pipelines {o.max_pipelines} is out of permitted range\n")

        for name in o.given:
            if name in _SCTP_OPTIONS:
                raise self.fail(_sctp_refusal(name))
        for name in o.given:
            if BY_NAME[name[1:]].status == NOT_YET:
                raise self.fail(
                    f"{PROG}: Option {name} is not supported yet by sclient {NOT_YET_HINT}\n"
                )

    def _read_passwords(self, o: Options) -> None:
        """``-pass``, ``-proxy_pass`` and ``-srppass``, read as s_client reads them."""
        from sclient.cli.passwd import PasswordSourceError, read_password_source

        if o.pass_ is not None:
            try:
                o.key_password = read_password_source(o.pass_)
            except PasswordSourceError as e:
                raise self.fail(e.text + "Error getting private key password\n") from None

        if o.proxy_pass is not None:
            try:
                o.proxy_password = read_password_source(o.proxy_pass)
            except PasswordSourceError as e:
                raise self.fail(e.text + "Error getting proxy password\n") from None
            if o.proxy_user is None:
                raise self.fail("Error: Must specify proxy_user with proxy_pass\n")

        if o.srppass is not None:
            # Read now; a failure is reported once the files are loaded, where
            # s_client reads it (sclient.app.srp).
            try:
                o.srp_password = read_password_source(o.srppass)
            except PasswordSourceError as e:
                o.srp_password_error = e.text


#: Options of builds with SCTP (the 1.1.1 manual's): recognized, never done.
_SCTP_OPTIONS = ("-sctp", "-sctp_label_bug")


def _sctp_refusal(name: str) -> str:
    """The one line ``-sctp``/``-sctp_label_bug`` end with: sclient speaks DTLS
    over UDP only, whether or not the kernel has SCTP."""
    from sclient.transport.sctp import kernel_has_sctp

    kernel = "the kernel has SCTP" if kernel_has_sctp() else "the kernel has no SCTP"
    return f"{PROG}: {name}: DTLS over SCTP is not available in sclient ({kernel})\n"


def parse_args(argv: Sequence[str]) -> Options:
    """Parse ``argv`` (without the program name) into an ``Options``; raise :class:`UsageError`."""
    return _Parser(argv).run()
