"""The option table of ``openssl s_client`` 3.0.19, plus sclient's additions.

This table is the single source of truth for the command line: the parser
(:mod:`sclient.cli.parse`), the ``-help`` text (:mod:`sclient.cli.help`), the
typed ``Options`` class (:mod:`sclient.cli.optionsclass`, ``tools/gen_options.py``)
and ``docs/compatibility.md`` (``tools/gen_compat.py``) are all generated from it.
Nothing else lists the options.

Rows are in the order of ``openssl s_client -help`` (3.0.19), grouped by the
same sections, with the same value-type word and help text (trailing spaces
included).  Rows with ``in_build=False`` are options of the 1.1.1 manual that
the 3.0.19 build does not have: they are not shown by ``-help`` and are
rejected as unknown options, exactly as ``openssl`` does, unless marked
``recognized`` (a documented deviation: sclient parses them to say why it
cannot do what they ask).
"""

from __future__ import annotations

import keyword
from typing import Any, Literal

from sclient.base.structs import Struct, field
from sclient.starttls.registry import PROTOCOLS as STARTTLS_PROTOCOLS

Status = Literal["supported", "deviation", "not yet"]
Repeat = Literal["last", "append"]

SUPPORTED: Status = "supported"
DEVIATION: Status = "deviation"
NOT_YET: Status = "not yet"

#: Repeat rules: ``LAST`` keeps the last value given, ``APPEND`` collects all
#: values in command-line order into a list.
LAST: Repeat = "last"
APPEND: Repeat = "append"

#: ``family`` values: options passed to ``SSL_CONF_cmd()`` in command-line
#: order (also collected in ``Options.ssl_conf``), and X509_VERIFY_PARAM
#: options (OpenSSL's ``OPT_V_*``).
SSL_CONF = "ssl_conf"
VERIFY_PARAM = "verify_param"

#: Value-type words as printed by ``-help`` (``""`` for flags).
VALUE_TYPES = (
    "",
    "val",
    "+int",
    "int",
    "intmax",
    "infile",
    "outfile",
    "dir",
    "uri",
    "PEM|DER",
    "PEM|DER|ENGINE",
)

#: The program name OpenSSL prints in its messages.
PROG = "s_client"

#: Appended to the -help line of an option sclient parses but does not implement yet.
NOT_YET_MARK = " (not yet in sclient)"
#: How the refusal of such an option ends: where to see the others (pip users
#: have no docs folder, every user has -help).
NOT_YET_HINT = "(sclient -help marks every such option)"

#: Positional parameters, listed by ``-help`` under ``Parameters:``.
PARAMETERS: tuple[tuple[str, str], ...] = (
    ("host:port", "Where to connect; same as -connect option"),
)

#: OpenSSL's initial value of s_client's port variable: ``Options.port`` before any
#: ``-port``/``-connect``/target.
DEFAULT_PORT = "4433"

#: Fields of ``Options`` beyond one per option row: what the parser resolves from
#: the whole command line.  (attribute, annotation, default as Python source,
#: comment); a list annotation with default ``"[]"`` starts empty for each parse.
RESOLVED_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("target", "str | None", "None", "the positional parameter, verbatim"),
    # host/port are the rows of -host/-port, resolved the way OpenSSL resolves its
    # variables: default port "4433"; -unix sets host to the socket path; -connect or
    # the positional target then overrides.  port stays a string (getaddrinfo service).
    ("proxy_host", "str | None", "None", "-proxy's host"),
    ("proxy_port", "str | None", "None", "-proxy's port"),
    ("proxy_password", "str | None", "None", "read from the -proxy_pass source"),
    ("proxy_scheme", "str", '"http"', "-proxy's kind: http (CONNECT), socks5, socks5h"),
    ("proxy_url_user", "str | None", "None", "the user name in a socks5:// -proxy URL"),
    ("proxy_url_password", "str | None", "None", "the password in a socks5:// -proxy URL"),
    ("proxy_source", "str", '"-proxy"', "where the proxy came from: -proxy or the variable"),
    ("connect_timeout_s", "float | None", "None", "-connect_timeout in seconds"),
    ("max_time_s", "float | None", "None", "-max_time in seconds"),
    ("key_password", "str | None", "None", "read from the -pass source"),
    ("srp_password", "str | None", "None", "read from the -srppass source"),
    ("srp_password_error", "str | None", "None", "why the -srppass source could not be read"),
    ("bind_host", "str | None", "None", "-bind's host"),
    ("bind_port", "str | None", "None", "-bind's port"),
    # Order-dependent resolution of -quiet/-ign_eof/-no_ign_eof/-nocommands/-brief.
    # ``ign_eof`` (the row of -ign_eof) holds OpenSSL's c_ign_eof after the whole line.
    ("commands", "bool", "True", "connected-command letters active"),
    ("effective_quiet", "bool", "False", "c_quiet: -quiet or -brief"),
    ("effective_verify_quiet", "bool", "False", "-verify_quiet or -brief"),
    ("verify_peer", "bool", "False", "SSL_VERIFY_PEER: -verify or -verify_return_error"),
    ("protocol_flag", "str | None", "None", '"-tls1_2", ... (at most one is allowed)'),
    ("protohost", "str | None", "None", "last of -name / -xmpphost"),
    ("nameopt_flags", "int | None", "None", "-nameopt flags (None: oneline)"),
    ("ssl_conf", "list[tuple[str, str | None]]", "[]", "SSL_CONF options in order"),
    ("excerts", "list[ExtendedCert]", "[]", "-xcert entries, newest first (as OpenSSL)"),
    ("given", "list[str]", "[]", "canonical names of all options given, in order"),
    ("messages", "list[str]", "[]", "stderr text printed while parsing (verify depth ...)"),
)

_SPECIAL_ATTRS = {"-4": "ipv4", "-6": "ipv6"}


def attr_name(name: str) -> str:
    """Attribute name on ``Options`` for option ``name``.

    Strip the leading dash, ``-`` -> ``_`` (``-no-CAfile`` -> ``no_CAfile``,
    ``-provider-path`` -> ``provider_path``); ``-4``/``-6`` -> ``ipv4``/``ipv6``; a Python
    keyword gets a trailing underscore (``-pass`` -> ``pass_``, ``-async`` -> ``async_``).
    """
    special = _SPECIAL_ATTRS.get(name)
    if special:
        return special
    attr = name.removeprefix("-").replace("-", "_")
    return attr + "_" if keyword.iskeyword(attr) else attr


class OptionSpec(Struct, frozen=True, slots=True):
    """One option of ``s_client``."""

    name: str  # with its leading dash, e.g. "-connect"
    section: str  # help section, without " options", e.g. "Network"
    valtype: str  # "" for flags, else one of VALUE_TYPES
    help: str  # help text exactly as printed by -help
    status: Status
    note: str = ""  # for docs/compatibility.md
    repeat: Repeat = LAST
    family: str = ""  # SSL_CONF, VERIFY_PARAM or ""
    #: How the value is stored on ``Options``: "bool" (flags), "str", "int"
    #: (``+int``/``int``: OpenSSL's ``atoi``), "intmax" (``strtoimax``).
    #: Derived from ``valtype`` when left empty.
    value_kind: str = ""
    in_build: bool = True  # False: absent from the 3.0.19 build (unknown option)
    #: An option absent from the build (``in_build=False``) that sclient still
    #: parses, to say why it cannot do it (never shown by ``-help``).
    recognized: bool = False
    added: bool = False  # an sclient addition, not an option of openssl s_client
    #: The only values accepted, in the order OpenSSL lists them when another is given.
    choices: tuple[str, ...] = ()
    attr: str = field(default="")

    def __post_init__(self) -> None:
        if self.valtype not in VALUE_TYPES:
            raise ValueError(f"{self.name}: bad value type {self.valtype!r}")
        if not self.attr:
            object.__setattr__(self, "attr", attr_name(self.name))
        if not self.value_kind:
            if not self.valtype:
                kind = "bool"
            elif self.valtype in ("+int", "int"):
                kind = "int"
            elif self.valtype == "intmax":
                kind = "intmax"
            else:
                kind = "str"
            object.__setattr__(self, "value_kind", kind)

    @property
    def takes_value(self) -> bool:
        return self.valtype != ""

    @property
    def bare(self) -> str:
        """The name without its leading dash, as OpenSSL's table spells it."""
        return self.name[1:]


S, N = SUPPORTED, NOT_YET


def _o(name: str, valtype: str, help: str, status: Status, **kw: Any) -> dict[str, Any]:
    return dict(name=name, valtype=valtype, help=help, status=status, **kw)


def _section(section: str, *rows: dict[str, Any]) -> tuple[OptionSpec, ...]:
    return tuple(OptionSpec(section=section, **row) for row in rows)


# fmt: off
#: The note of OpenSSL 4.0's Encrypted Client Hello options.
_ECH40_NOTE = (
    "an OpenSSL 4.0 option (Encrypted Client Hello, RFC 9849); openssl 3.0.19 rejects it as "
    "an unknown option and its -help does not list it; sclient's -help lists it with "
    "OpenSSL 4.0's text: see [Newer OpenSSL](#behaviour-of-newer-openssl)"
)

OPTIONS: tuple[OptionSpec, ...] = (
    *_section(
        'General',
        _o('-help', '', 'Display this summary', S),
        _o('-version', '', "Print the versions of sclient, Python, cryptography and its OpenSSL (sclient)", S, added=True,
           note='sclient addition: four lines on stdout (sclient, Python, cryptography, the OpenSSL that cryptography is built with), exit 0'),
        _o('-engine', 'val', 'Use engine, possibly a hardware device', DEVIATION, note='loaded while parsing, as OpenSSL does: an engine that does not exist gives OpenSSL\'s `Invalid engine` lines and s_client goes on; `dynamic` (`Engine "dynamic" set.`) and `auto` change nothing for TLS and are accepted; an engine file that exists (afalg, padlock, ...) is native code sclient does not load: one line, exit 1'),
        _o('-ssl_client_engine', 'val', 'Specify engine to be used for client certificate operations', DEVIATION, note='an engine that does not exist, or `auto`, is reported as OpenSSL does (`Error getting client auth engine`); `dynamic`, which has no client certificate method, as OpenSSL does (`Error setting client auth engine`); an engine file that exists is native code sclient does not load: one line, exit 1'),
        _o('-ssl_config', 'val', 'Use specified section for SSL_CTX configuration', DEVIATION, note="the section's commands are read from the OpenSSL configuration file (OPENSSL_CONF, else /usr/lib/ssl/openssl.cnf) and applied as OpenSSL applies them, after the command line's SSL_CONF options, with a system_default section applied at every start before them; of the file's other modules (providers, engines, alg_section, oid_section, random) none is run, so their failures, fatal under config_diagnostics, are not reproduced, and an ssl_conf failure under config_diagnostics is reported after the command line was read, not before; refused as not supported yet: an encrypted PrivateKey (OpenSSL asks for its pass phrase on the terminal), certificates of more than one key type, and Options=Compression (a system_default section's are skipped, as is its CipherString when it selects no TLS 1.2 suite, which OpenSSL keeps as an empty list); -cert replaces the section's certificate whatever its key type (OpenSSL keeps both when the types differ); RequestCAFile/RequestCAPath keep the names in file order, where OpenSSL sorts all but the last"),
        _o('-ct', '', 'Request and parse SCTs (also enables OCSP stapling)', S),
        _o('-noct', '', 'Do not request or parse SCTs (default)', S),
        _o('-ctlogfile', 'infile', 'CT log list CONF file', DEVIATION, note="the log list is read as OpenSSL reads it, with the same error queue when the file, `enabled_logs` or a log's description or key is missing or a key is not base64; for a key that is base64 but not a public key, the ASN.1 decoder's entries OpenSSL prints before `log conf invalid key` are not shown"),
    ),
    *_section(
        'Network',
        _o('-host', 'val', 'Use -connect instead', S),
        _o('-port', '+int', 'Use -connect instead', S, value_kind="str"),
        _o('-connect', 'val', 'TCP/IP where to connect; default: 4433)', S),
        _o('-bind', 'val', 'bind local address for connection', S),
        _o('-proxy', 'val', 'Connect to via specified proxy to the real server', S,
           note="`host:port` is OpenSSL's HTTP CONNECT proxy. sclient addition: `socks5://[user[:password]@]host[:port]` (the target's name resolved here, its address sent) and `socks5h://…` (the name sent to the proxy, which resolves it), as curl spells them; port 1080 by default; user and password percent-decoded, else those of `-proxy_user`/`-proxy_pass`; refusals are one line in the spirit of curl's (`User was rejected by the SOCKS5 proxy`, `Can't complete SOCKS5 connection to HOST:PORT: connection refused (reply 5)`), exit 1; a proxy that cannot be reached gives the connect error, as an HTTP proxy does"),
        _o('-proxy_user', 'val', 'UserID for proxy authentication', S),
        _o('-proxy_pass', 'val', 'Proxy authentication password source', S),
        _o('-proxy_env', '', 'Use https_proxy/all_proxy/no_proxy from the environment (sclient)', S, added=True,
           note='sclient addition: with no `-proxy`, the proxy comes from `https_proxy` (or `HTTPS_PROXY`), else `all_proxy` (`ALL_PROXY`), unless `no_proxy` (`NO_PROXY`) names the host (curl\'s rules: comma-separated names matching themselves and their subdomains, `*` for all); the value is `host:port` or `http://[user:password@]host:port` (HTTP CONNECT, the credentials as `-proxy_user`/`-proxy_pass`) or a `socks5://`/`socks5h://` URL; without this switch the environment is ignored, as OpenSSL ignores it'),
        _o('-connect_timeout', 'val', 'Seconds (decimals allowed) to connect: DNS, TCP, proxy, STARTTLS, handshake (sclient)', S, added=True,
           note="sclient addition, curl's `--connect-timeout`: the whole connection phase of each connection (DNS, TCP connect, the proxy's CONNECT or SOCKS5 exchange, STARTTLS and the TLS or DTLS handshake) must end within the bound; on expiry one error line names the phase, exit 1"),
        _o('-max_time', 'val', 'Seconds (decimals allowed) the whole run may take (sclient)', S, added=True,
           note="sclient addition, curl's `--max-time`: the whole run, every connection and the session after the handshake included; on expiry one error line names the phase, exit 1"),
        _o('-targets', 'val', 'Check every host:port [options] line of a file (- for stdin) (sclient)', S, added=True,
           note="sclient addition, fleet mode: one connection per line `host:port [options]` (`#` comments and blank lines skipped, `-` reads stdin); the command line's options apply to every target, a line's options are added after them (the last wins); options that make no sense per target (interactive, tracing, session files, `-reconnect`, DTLS, `-unix`, `-explain_probe`) and, not yet, `-bind` are refused with one line naming the target line; `-starttls` and `-proxy` work per target; output is JSON Lines (one `-json` document per target, in the file's order) or with `-brief` one aligned line per target; each handshake ends after the handshake (no session); the hostname of each target is checked unless `-verify_hostname`/`-verify_ip` is given; `-connect_timeout` is 10 s unless given and, with `-max_time`, bounds each target from its own start; exit 0 only when every target connected, completed the handshake and verified (X509_V_OK), else 1"),
        _o('-parallel', '+int', 'With -targets: connections in flight at once (default 16) (sclient)', S, added=True,
           note='sclient addition: with `-targets`, how many connections are in flight at once, 1 to 512 (default 16)'),
        _o('-unix', 'val', 'Connect over the specified Unix-domain socket', S),
        _o('-4', '', 'Use IPv4 only', S),
        _o('-6', '', 'Use IPv6 only', S),
        _o('-maxfraglen', '+int', 'Enable Maximum Fragment Length Negotiation (len values: 512, 1024, 2048 and 4096)', S),
        _o('-max_send_frag', '+int', 'Maximum Size of send frames ', S),
        _o('-split_send_frag', '+int', 'Size used to split data for encrypt pipelines', S, note='checked against the max send fragment as OpenSSL does; each record written is filled up to it, as OpenSSL writes them even without pipelining (which no cipher of the default provider supports)'),
        _o('-max_pipelines', '+int', 'Maximum number of encrypt/decrypt pipelines to be used', DEVIATION, note='checked (at most 32) as OpenSSL does; above 1 OpenSSL reads ahead, whole read buffers, which -debug shows; sclient\'s -debug still shows one read per record header and body'),
        _o('-read_buf', '+int', 'Default read buffer size to be used for connections', S, note='no effect unless OpenSSL reads ahead (-max_pipelines above 1)'),
        _o('-fallback_scsv', '', 'Send the fallback SCSV', S),
    ),
    *_section(
        'Identity',
        _o('-cert', 'infile', 'Client certificate file to use', S),
        _o('-certform', 'PEM|DER', 'Client certificate file format (PEM/DER/P12); has no effect', S, note='accepted; PEM and DER are detected from the contents, as in OpenSSL 3.0'),
        _o('-cert_chain', 'infile', 'Client certificate chain file (in PEM format)', S),
        _o('-build_chain', '', 'Build client certificate chain', S),
        _o('-key', 'val', 'Private key file to use; default: -cert file', S),
        _o('-keyform', 'PEM|DER|ENGINE', 'Key format (ENGINE, other values ignored)', S, note='accepted; PEM and DER are detected from the contents (ENGINE is not available; with `-engine dynamic` it fails as in OpenSSL)'),
        _o('-pass', 'val', 'Private key and cert file pass phrase source', S),
        _o('-verify', '+int', 'Turn on peer certificate verification', S),
        _o('-nameopt', 'val', 'Certificate subject/issuer name printing options', S, repeat=APPEND),
        _o('-CApath', 'dir', "PEM format directory of CA's", S),
        _o('-CAfile', 'infile', "PEM format file of CA's", S),
        _o('-CAstore', 'uri', "URI to store of CA's", S, note='file: URIs and paths, as the default provider'),
        _o('-no-CAfile', '', 'Do not load the default certificates file', S),
        _o('-no-CApath', '', 'Do not load certificates from the default certificates directory', S),
        _o('-no-CAstore', '', 'Do not load certificates from the default certificates store', S),
        _o('-requestCAfile', 'infile', 'PEM format file of CA names to send to the server', S),
        _o('-dane_tlsa_domain', 'val', 'DANE TLSA base domain', S),
        _o('-dane_tlsa_rrdata', 'val', 'DANE TLSA rrdata presentation form', S, repeat=APPEND),
        _o('-dane_ee_no_namechecks', '', 'Disable name checks when matching DANE-EE(3) TLSA records', S),
        _o('-expected_rpk', 'infile', 'PEM file of the server raw public keys to trust (sclient)', S, added=True, repeat=APPEND,
           note='sclient addition (s_client has no option for OpenSSL\'s SSL_add_expected_rpk): each PUBLIC KEY of the file is added as SSL_add_expected_rpk adds it, a DANE-EE(3) SPKI(1) Full(0) TLSA record; DANE is enabled without a base domain when `-dane_tlsa_domain` is not given, so an X.509 server\'s key must match one of them too'),
        _o('-psk_identity', 'val', 'PSK identity', S),
        _o('-psk', 'val', 'PSK in hex (without 0x)', S),
        _o('-psk_session', 'infile', 'File to read PSK SSL session from', S),
        _o('-name', 'val', 'Hostname to use for "-starttls lmtp", "-starttls smtp" or "-starttls xmpp[-server]"', S),
    ),
    *_section(
        'Session',
        _o('-reconnect', '', 'Drop and re-make the connection with the same Session-ID', DEVIATION, note='TLS 1.3: the NewSessionTickets are read before each reconnection, which then resumes (`Reused`); OpenSSL 3.0 reconnects before reading them and never resumes'),
        _o('-sess_out', 'outfile', 'File to write SSL session to', DEVIATION, note='a file it creates is readable by its owner only (mode 0600): it holds the master secret; OpenSSL 3.0 creates it with the umask (usually 0644). An existing file keeps its mode'),
        _o('-sess_in', 'infile', 'File to read SSL session from', S),
    ),
    *_section(
        'Input/Output',
        _o('-crlf', '', 'Convert LF from terminal into CRLF', S),
        _o('-quiet', '', 'No s_client output', S),
        _o('-ign_eof', '', 'Ignore input eof (default when -quiet)', S),
        _o('-no_ign_eof', '', "Don't ignore input eof", S),
        _o('-starttls', 'val', 'Use the appropriate STARTTLS command before starting TLS', S, choices=STARTTLS_PROTOCOLS),
        _o('-xmpphost', 'val', 'Alias of -name option for "-starttls xmpp[-server]"', S),
        _o('-brief', '', 'Restrict output to brief summary of connection parameters', S),
        _o('-prexit', '', 'Print session information when the program exits', S),
        _o('-json', '', 'Print the session as one JSON document on stdout (sclient)', S, added=True,
           note='sclient addition: prints the session as one JSON document on stdout'),
        _o('-explain', '', 'Explain a failure in plain words after the output (sclient)', S, added=True,
           note='sclient addition: after the usual output, a diagnosis on stderr (with `-json`, an `explanations` array): what went wrong in plain words, the facts that prove it, and the fix; the output before it is unchanged'),
        _o('-explain_probe', '', '-explain, with extra connections to find what the server speaks (sclient)', S, added=True,
           note='sclient addition: `-explain`, and when the handshake failed on a version or cipher mismatch, one more connection per version (TLS 1.3 to 1.0), each offering that version alone with every suite at security level 0 and stopped at the server\'s answer; the diagnosis then says which version and suite the server chose and the options that reach them. Not through `-proxy`, `-starttls`, `-unix` or DTLS'),
    ),
    *_section(
        'Debug',
        _o('-showcerts', '', 'Show all certificates sent by the server', S),
        _o('-debug', '', 'Extra output', DEVIATION, note='each record is shown as one 5-byte header read and one body read, as OpenSSL reads it when the record has arrived whole; when a record arrives in several TCP segments OpenSSL shows one body read per segment, and with `-nbio` also the reads that would block (`=> -1`), which sclient does not show. Pointers are fixed made-up values. With `-reconnect` in TLS 1.3 the session tickets read before each reconnection (see `-reconnect`) are shown'),
        _o('-msg', '', 'Show protocol messages', S),
        _o('-msgfile', 'outfile', 'File to send output of -msg or -trace, instead of stdout', S),
        _o('-nbio_test', '', 'More ssl protocol testing', DEVIATION, note='each read and write of the TLS connection goes through a filter like OpenSSL\'s nbio_test: at most 0 to 7 random bytes a call, 0 being a retry shown as a `read R BLOCK`/`write W BLOCK`-style line, with `-state` as `SSL_connect:error in <state>` and with `-debug` as `=> -1`. The randomness differs run to run, as in OpenSSL. Differences: the `-starttls` and `-proxy` dialogues before the ClientHello are not filtered (OpenSSL filters them, and a retry there can break the dialogue); the `error in` lines of a flight written while the engine already reported the next state are shown under that next state; after the handshake a retry is labelled by what it wanted (`read R BLOCK`, `write W BLOCK`) even where OpenSSL met it inside the other call. OpenSSL 3.0.19\'s s_client itself stalls in about half of its TLS 1.2 handshakes under `-nbio_test` (it waits after a retry while the rest of the record is there to read); sclient\'s complete'),
        _o('-state', '', 'Print the ssl states', S),
        _o('-keymatexport', 'val', 'Export keying material using label', S),
        _o('-keymatexportlen', '+int', 'Export len bytes of keying material; default 20', S),
        _o('-security_debug', '', 'Enable security debug messages', DEVIATION, note='the checks are retraced from the OpenSSL 3.0 client (the ClientHello versions, suites, groups, signature algorithms and ticket; the ServerHello, HelloRetryRequest, ServerKeyExchange, CertificateVerify, CertificateRequest, our certificate, post-handshake messages); options that make OpenSSL build other extensions or messages (`-status`, `-ct`, `-serverinfo`, `-early_data`, `-srpuser`, `-psk_session`, renegotiation) may add checks sclient does not show'),
        _o('-security_debug_verbose', '', 'Output more security debug output', DEVIATION, note='the checks are retraced from the OpenSSL 3.0 client (the ClientHello versions, suites, groups, signature algorithms and ticket; the ServerHello, HelloRetryRequest, ServerKeyExchange, CertificateVerify, CertificateRequest, our certificate, post-handshake messages); options that make OpenSSL build other extensions or messages (`-status`, `-ct`, `-serverinfo`, `-early_data`, `-srpuser`, `-psk_session`, renegotiation) may add checks sclient does not show'),
        _o('-trace', '', 'Show trace output of protocol messages', S),
        _o('-keylogfile', 'outfile', 'Write TLS secrets to file', DEVIATION, note='a file it creates is readable by its owner only (mode 0600): it holds the traffic secrets; OpenSSL 3.0 creates it with the umask (usually 0644). An existing file keeps its mode'),
        _o('-nocommands', '', 'Do not use interactive command letters', S),
        _o('-servername', 'val', 'Set TLS extension servername (SNI) in ClientHello (default)', S),
        _o('-noservername', '', 'Do not send the server name (SNI) extension in the ClientHello', S),
        _o('-tlsextdebug', '', 'Hex dump of all TLS extensions received', S),
        _o('-ignore_unexpected_eof', '', 'Do not treat lack of close_notify from a peer as an error', S),
        _o('-status', '', 'Request certificate status from server', S),
        _o('-serverinfo', 'val', 'types  Send empty ClientHello extensions (comma-separated numbers)', S, repeat=APPEND),
        _o('-alpn', 'val', 'Enable ALPN extension, considering named protocols supported (comma-separated list)', S),
        _o('-async', '', 'Support asynchronous operation', S, note='SSL_MODE_ASYNC only matters with an asynchronous engine, which sclient never has: nothing changes, as in OpenSSL without one'),
        _o(
            '-nbio',
            '',
            'Use non-blocking IO',
            DEVIATION,
            note='prints `Turned on non blocking io` and uses a non-blocking socket; the '
            '`read R BLOCK`/`write W BLOCK` lines OpenSSL prints while the handshake waits are '
            'not printed',
        ),
    ),
    *_section(
        'Protocol and version',
        _o('-ssl3', '', 'Just use SSLv3', DEVIATION, in_build=False, recognized=True,
           note='OpenSSL 3.0.19 is built without SSL 3.0 (no-ssl3) and rejects -ssl3 as an unknown option; sclient recognizes it and speaks SSL 3.0 as a 1.1.1 build with it did (SSL 3.0 only, and only at `@SECLEVEL=0` or `1`: at the default level 2, `no protocols available`): its ClientHello carries no extension, as 1.1.1 sent only SSL 3.0-allowed ones (renegotiation_info, replaced by the SCSV in a first handshake), so sessions resume (`-reconnect`, `-sess_in`) against servers that follow RFC 7627; `-security_debug` asks about SSL 3.0 as one more version and runs no extension check; -help does not list it, as openssl\'s does not'),
        _o('-tls1', '', 'Just use TLSv1', S),
        _o('-tls1_1', '', 'Just use TLSv1.1', S),
        _o('-tls1_2', '', 'Just use TLSv1.2', S),
        _o('-tls1_3', '', 'Just use TLSv1.3', S),
        _o('-dtls', '', 'Use any version of DTLS', S),
        _o('-timeout', '', 'Enable send/receive timeout on DTLS connections', S),
        _o('-mtu', '+int', 'Set the link layer MTU', S),
        _o('-dtls1', '', 'Just use DTLSv1', S),
        _o('-dtls1_2', '', 'Just use DTLSv1.2', S),
        _o('-sctp', '', 'Use SCTP', DEVIATION, in_build=False, recognized=True,
           note='not in OpenSSL 3.0.19 builds (no-sctp), where openssl rejects it as an unknown option. sclient recognizes it and ends with one line saying that DTLS over SCTP is not available in sclient and whether the kernel has SCTP, exit status 1: DTLS over SCTP (RFC 6083: SCTP sockets, SCTP-AUTH keys exported from each handshake, ordered and unordered streams) is a transport of its own that sclient does not build'),
        _o('-sctp_label_bug', '', 'Enable SCTP label length bug', DEVIATION, in_build=False, recognized=True,
           note='as `-sctp`: recognized, one line saying that DTLS over SCTP is not available in sclient, exit status 1 (openssl 3.0.19, built no-sctp, rejects it as an unknown option)'),
        _o('-nextprotoneg', 'val', 'Enable NPN extension, considering named protocols supported (comma-separated list)', S),
        _o('-early_data', 'infile', 'File to send as early data', DEVIATION, note='sent, accepted, rejected (also by a HelloRetryRequest) and printed as OpenSSL does, with a `-sess_in` ticket or a `-psk_session` that allows early data. After too much early data (`Error writing early data`, exit status 1, the offered session\'s summary as OpenSSL prints it), `-msg` does not show the `InnerContent` line OpenSSL prints for its cleartext alert'),
        _o('-enable_pha', '', 'Enable post-handshake-authentication', S),
        _o('-enable_server_rpk', '', 'Enable raw public keys (RFC7250) from the server', S, added=True,
           note='OpenSSL 3.2\'s option (3.0.19 rejects it): offers server_certificate_type [RawPublicKey, X.509]; a server key is checked, verified (untrusted, error 95, unless `-expected_rpk` or a DANE-EE SPKI `-dane_tlsa_rrdata` record matches it) and printed as OpenSSL 3.2 prints it'),
        _o('-enable_client_rpk', '', 'Enable raw public keys (RFC7250) from the client', S, added=True,
           note='OpenSSL 3.2\'s option (3.0.19 rejects it): offers client_certificate_type [RawPublicKey, X.509]; when the server asks for a certificate and chose RawPublicKey, the key of `-cert` is sent in place of the certificate'),
        _o('-ech_config_list', 'val', 'Set ECHConfigList, value is base 64 encoded ECHConfigList', DEVIATION, added=True,
           note=_ECH40_NOTE),
        _o('-ech_outer_sni', 'val', "The name to put in the outer CH overriding the server's choice", DEVIATION, added=True,
           note=_ECH40_NOTE),
        _o('-ech_no_outer_sni', '', 'Do not send the server name (SNI) extension in the outer ClientHello', DEVIATION, added=True,
           note=_ECH40_NOTE),
        _o('-ech_outer_alpn', 'val', 'Specify outer ALPN value, when using ECH (comma-separated list)', DEVIATION, added=True,
           note=_ECH40_NOTE),
        _o('-ech_grease', '', 'Send GREASE values when not really using ECH', DEVIATION, added=True,
           note=_ECH40_NOTE),
        _o('-ech_retry', '', 'Retry once with the retry_configs of a server that rejected ECH (sclient)', DEVIATION, added=True,
           note='sclient addition (OpenSSL 4.x has no such option and rejects it as an unknown option, as does 3.0.19): when the server rejects ECH and sends retry_configs, connect again once with them'),
        _o('-use_srtp', 'val', 'Offer SRTP key management with a colon-separated profile list', S, note='over DTLS the profile the server chooses is checked and printed (`SRTP Extension negotiated, profile=…`) as OpenSSL does; over TLS the profiles are offered as OpenSSL 3.0 offers them, and a server that answers is refused as OpenSSL refuses it (bad extension, illegal_parameter)'),
        _o('-heartbeat', '', 'Offer RFC 6520 heartbeats; B sends a HeartbeatRequest (sclient)', S, added=True,
           note='sclient addition. OpenSSL 3.0 has no heartbeats (its `B` is sent as data, as sclient\'s is without this option); OpenSSL 1.1.1 built with `enable-heartbeats` offered the heartbeat extension (mode peer_allowed_to_send) in every DTLS ClientHello and made `B` send a HeartbeatRequest. With `-heartbeat` sclient offers the extension (DTLS and TLS, so that 3.0\'s default ClientHello is unchanged without it) and `B` prints `HEARTBEATING` and sends a request of 1.1.1\'s shape (an 18-byte payload: a sequence number and 16 random bytes, 16 bytes of padding) over DTLS, and over TLS 1.2 or below when the server\'s extension allows it (TLS 1.3 carries none). Over DTLS the request is resent on the retransmission timer. The response is matched by its whole payload (1.1.1 compared the sequence number); a response that does not match, a message whose payload length runs past its end, and one of an unknown type are discarded silently as RFC 6520 says. Requests from the server are answered, outside a handshake. `-msg` shows the messages as 1.1.1 did (`, HeartbeatRequest`, `, HeartbeatResponse`), `-trace` as its `SSL_trace` did, `-json` counts them. When the server did not allow requests, `B` prints 1.1.1\'s `peer does not accept heartbeats` error line (in 3.0\'s format) and the connection goes on; 1.1.1 left the error on its queue unprinted'),
        _o('-srpuser', 'val', "(deprecated) SRP authentication for 'user'", DEVIATION, note='the SRP suites of TLS 1.2 (RFC 5054) with the srp extension, N/g/s/B checked as OpenSSL does, `SRP username:` in the session; OpenSSL 3.0 itself crashes once it needs the password (its callback gets a wrong argument): sclient does what the 1.1.1 code meant and prints `SRP parameters:` only with `-debug`, `-msg` or `-srp_moregroups`'),
        _o('-srppass', 'val', "(deprecated) Password for 'user'", DEVIATION, note='pass phrase source syntax, read at start-up (`Error getting password`); without it (or when empty) `Enter pass phrase for SRP user:` is asked on the terminal (stdin without one) when the server\'s first flight has been read, before the lines `-msg`, `-trace` and the session-name notice print for that flight (OpenSSL 3.0 crashes at that point, after its ClientKeyExchange); the password is taken at any length, where OpenSSL\'s prompt code wants at least 4 characters'),
        _o('-srp_lateuser', '', '(deprecated) SRP username into second ClientHello message', S, note='as in OpenSSL 3.0 (no second ClientHello exists any more): the user name is left out of the ClientHello while the SRP suites are still offered; a server that picks one anyway ends the handshake with internal_error (`tls_construct_cke_srp:malloc failure`)'),
        _o('-srp_moregroups', '', '(deprecated) Tolerate other than the known g N values.', S, note='as in OpenSSL: a group not in RFC 5054 passes if N is a safe prime and g a generator of at most 64 bits; s_client sets its checking callback only with `-msg` or `-debug` as well, so alone the option lets nothing more through'),
        _o('-srp_strength', '+int', '(deprecated) Minimal length in bits for N', S),
        _o('-grease', '', 'Send GREASE values (RFC 8701) in every ClientHello field (sclient)', S, added=True,
           note='sclient addition (OpenSSL 4.1 has the client option SSL_OP_GREASE, but no s_client or SSL_CONF name for it): one random reserved value per connection in the cipher suites, extensions (an empty one first, a one-byte one last), supported_groups and key_share (a one-byte share), signature_algorithms, supported_versions, psk_key_exchange_modes and ALPN, where the ClientHello has them; kept in a second ClientHello, whose key_share for the group a HelloRetryRequest asks for has no GREASE entry (as BoringSSL); a server that selects a GREASE value, or answers with a GREASE extension in ServerHello, HelloRetryRequest, EncryptedExtensions or Certificate, is refused (RFC 8701 §3.1: unsupported_extension, `unsolicited extension`, as OpenSSL 4.1 refuses one in a ServerHello; OpenSSL 4.1 lets one in EncryptedExtensions pass), while GREASE in a NewSessionTicket or CertificateRequest is ignored; `-json` names the values (`grease`); `-security_debug` does not show the GREASE values'),
        _o('-grease_fields', 'val', 'GREASE only these fields: cipher,ext,group,sigalg,version,pskmode,alpn or all (sclient)', S, added=True,
           note='sclient addition: `-grease` for the listed fields only (comma-separated; `group` covers supported_groups and key_share)'),
    ),
    *_section(
        'Random state',
        _o('-rand', 'val', 'Load the given file(s) into the random number generator', S, note='the files are read as OpenSSL reads them; the randomness still comes from the operating system', repeat=APPEND),
        _o('-writerand', 'outfile', 'Write random data to the specified file', S),
    ),
    *_section(
        'TLS/SSL',
        _o('-no_ssl3', '', 'Just disable SSLv3', S, family=SSL_CONF),
        _o('-no_tls1', '', 'Just disable TLSv1', S, family=SSL_CONF),
        _o('-no_tls1_1', '', 'Just disable TLSv1.1', S, family=SSL_CONF),
        _o('-no_tls1_2', '', 'Just disable TLSv1.2', S, family=SSL_CONF),
        _o('-no_tls1_3', '', 'Just disable TLSv1.3', S, family=SSL_CONF),
        _o('-bugs', '', 'Turn on SSL bug compatibility', S, note='SSL_OP_ALL: for a client, the padding extension (RFC 7685) in a ClientHello of 256 to 511 bytes, and no empty record before each write of application data under TLS 1.0 CBC (SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS)', family=SSL_CONF),
        _o('-no_comp', '', 'Disable SSL/TLS compression (default)', S, family=SSL_CONF),
        _o('-comp', '', 'Use SSL/TLS-level compression', DEVIATION, family=SSL_CONF,
           note='OpenSSL 3.0.19 here is built without zlib: with `-comp` it offers no compression method but null (it only asks its security callback, which `-security_debug` shows, and refuses at the default security level 2). sclient does what the 1.1.1 manual describes: at security level 0 or 1 (`-cipher DEFAULT@SECLEVEL=1`) and with TLS 1.2 or lower as the highest version, its ClientHello offers DEFLATE (RFC 3749) before null, and when the server chooses it, records are compressed before protection and inflated after (one zlib stream per direction, flushed per record, at most 2^14 bytes per record, else a decompression_failure alert); the summary then shows `Compression: zlib compression` and `Expansion: zlib compression`, the session `Compression: 1 (zlib compression)`, `-json` its `compression`, and `-sess_out` keeps the method as OpenSSL stores it. The decompression errors (`bad decompression`, `compressed length too long`) carry line 0 in their error-queue entry: this OpenSSL cannot show where it raises them. At level 2 and above, or with TLS 1.3 enabled, sclient sends what openssl sends'),
        _o('-no_ticket', '', 'Disable use of TLS session tickets', S, family=SSL_CONF),
        # OpenSSL 3.2+ (RFC 8879 certificate compression): absent from 3.0.19's build
        # and -help, listed in sclient's; see docs/compatibility.md, "Behaviour of newer OpenSSL".
        _o('-no_tx_cert_comp', '', 'Disable sending TLSv1.3 compressed certificates', S, added=True,
           note='OpenSSL 3.2+ (SSL_OP_NO_TX_CERTIFICATE_COMPRESSION): sclient then receives compressed certificates as OpenSSL 3.2+ built with zlib, brotli and zstd does, but never compresses its own; see [Newer OpenSSL](#behaviour-of-newer-openssl)'),
        _o('-no_rx_cert_comp', '', 'Disable receiving TLSv1.3 compressed certificates', S, added=True,
           note='OpenSSL 3.2+ (SSL_OP_NO_RX_CERTIFICATE_COMPRESSION): no compress_certificate in the ClientHello, but a CertificateRequest that asks for it gets a compressed client certificate, as in OpenSSL 3.2+ built with the codecs; see [Newer OpenSSL](#behaviour-of-newer-openssl)'),
        _o('-cert_comp', '', 'Use TLSv1.3 certificate compression both ways (sclient)', S, added=True,
           note='sclient\'s switch for what OpenSSL 3.2+ built with zlib, brotli and zstd does by default: offer compress_certificate (brotli, zlib, zstd, those installed) and compress the client certificate when the server asks; `openssl s_client` has no such option (its `s_server -cert_comp` pre-compresses a server\'s certificates); see [Newer OpenSSL](#behaviour-of-newer-openssl)'),
        _o('-serverpref', '', "Use server's cipher preferences", S, note='a server\'s command: refused as OpenSSL refuses it in a client (`Call to SSL_CONF_cmd(...) failed`, exit 1)', family=SSL_CONF),
        _o('-legacy_renegotiation', '', 'Enable use of legacy renegotiation (dangerous)', S, family=SSL_CONF),
        _o('-client_renegotiation', '', 'Allow client-initiated renegotiation', S, note='a server\'s command: refused as OpenSSL refuses it in a client (`Call to SSL_CONF_cmd(...) failed`, exit 1)', family=SSL_CONF),
        _o('-no_renegotiation', '', 'Disable all renegotiation.', S, family=SSL_CONF),
        _o('-legacy_server_connect', '', "Allow initial connection to servers that don't support RI", S, family=SSL_CONF),
        _o('-no_resumption_on_reneg', '', 'Disallow session resumption on renegotiation', S, note='a server\'s command: refused as OpenSSL refuses it in a client (`Call to SSL_CONF_cmd(...) failed`, exit 1)', family=SSL_CONF),
        _o('-no_legacy_server_connect', '', "Disallow initial connection to servers that don't support RI", S, family=SSL_CONF),
        _o('-allow_no_dhe_kex', '', 'In TLSv1.3 allow non-(ec)dhe based key exchange on resumption', S, family=SSL_CONF),
        _o('-prioritize_chacha', '', 'Prioritize ChaCha ciphers when preferred by clients', S, note='a server\'s command: refused as OpenSSL refuses it in a client (`Call to SSL_CONF_cmd(...) failed`, exit 1)', family=SSL_CONF),
        _o('-strict', '', 'Enforce strict certificate checks as per TLS standard', S, family=SSL_CONF),
        _o('-sigalgs', 'val', 'Signature algorithms to support (colon-separated list)', S, family=SSL_CONF),
        _o('-client_sigalgs', 'val', 'Signature algorithms to support for client certificate authentication (colon-separated list)', S, family=SSL_CONF),
        _o('-groups', 'val', 'Groups to advertise (colon-separated list)', DEVIATION, family=SSL_CONF, note='the groups cryptography cannot compute with (the binary sect* curves, secp160k1/r1/r2, secp192k1, secp224k1, MLKEM512) are refused as unknown names; OpenSSL 3.0 accepts the curves. A list that uses OpenSSL 3.5 syntax (`*`, `?`, `-`, `/`, `DEFAULT`) or names a post-quantum group (X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, MLKEM768, MLKEM1024) is read in OpenSSL 3.5\'s language, which 3.0 rejects: see [Newer OpenSSL](#behaviour-of-newer-openssl)'),
        _o('-curves', 'val', 'Groups to advertise (colon-separated list)', DEVIATION, family=SSL_CONF, note='the groups cryptography cannot compute with (the binary sect* curves, secp160k1/r1/r2, secp192k1, secp224k1, MLKEM512) are refused as unknown names; OpenSSL 3.0 accepts the curves. A list that uses OpenSSL 3.5 syntax (`*`, `?`, `-`, `/`, `DEFAULT`) or names a post-quantum group (X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, MLKEM768, MLKEM1024) is read in OpenSSL 3.5\'s language, which 3.0 rejects: see [Newer OpenSSL](#behaviour-of-newer-openssl)'),
        _o('-named_curve', 'val', 'Elliptic curve used for ECDHE (server-side only)', S, note='a server\'s command: refused as OpenSSL refuses it in a client (`Call to SSL_CONF_cmd(...) failed`, exit 1)', family=SSL_CONF),
        _o('-cipher', 'val', 'Specify TLSv1.2 and below cipher list to be used', S, family=SSL_CONF),
        _o('-ciphersuites', 'val', 'Specify TLSv1.3 ciphersuites to be used', S, family=SSL_CONF),
        _o('-min_protocol', 'val', 'Specify the minimum protocol version to be used', S, family=SSL_CONF),
        _o('-max_protocol', 'val', 'Specify the maximum protocol version to be used', S, family=SSL_CONF),
        _o('-record_padding', 'val', 'Block size to pad TLS 1.3 records to.', S, family=SSL_CONF),
        _o('-debug_broken_protocol', '', 'Perform all sorts of protocol violations for testing purposes', S, note='refused as 3.0.19 refuses it: its SSL_CONF has no such command', family=SSL_CONF),
        _o('-no_middlebox', '', 'Disable TLSv1.3 middlebox compat mode', S, family=SSL_CONF),
        _o('-no_etm', '', 'Disable Encrypt-then-Mac extension', S, family=SSL_CONF),
    ),
    *_section(
        'Validation',
        _o('-policy', 'val', 'adds policy to the acceptable policy set', S, note='names or dotted OIDs (OBJ_txt2obj); enables policy checking, as in OpenSSL 3.0.19', family=VERIFY_PARAM, repeat=APPEND),
        _o('-purpose', 'val', 'certificate chain purpose', S, family=VERIFY_PARAM),
        _o('-verify_name', 'val', 'verification policy name', S, family=VERIFY_PARAM),
        _o('-verify_depth', 'int', 'chain depth limit', S, family=VERIFY_PARAM),
        _o('-auth_level', 'int', 'chain authentication security level', S, family=VERIFY_PARAM),
        _o('-attime', 'intmax', 'verification epoch time', S, family=VERIFY_PARAM),
        _o('-verify_hostname', 'val', 'expected peer hostname', S, family=VERIFY_PARAM),
        _o('-verify_email', 'val', 'expected peer email', S, family=VERIFY_PARAM),
        _o('-verify_ip', 'val', 'expected peer IP address', S, family=VERIFY_PARAM),
        _o('-ignore_critical', '', 'permit unhandled critical extensions', S, family=VERIFY_PARAM),
        _o('-issuer_checks', '', '(deprecated)', S, family=VERIFY_PARAM),
        _o('-crl_check', '', 'check leaf certificate revocation', S, family=VERIFY_PARAM),
        _o('-crl_check_all', '', 'check full chain revocation', S, family=VERIFY_PARAM),
        _o('-policy_check', '', 'perform rfc5280 policy checks', S, family=VERIFY_PARAM),
        _o('-explicit_policy', '', 'set policy variable require-explicit-policy', S, note='also enables policy checking', family=VERIFY_PARAM),
        _o('-inhibit_any', '', 'set policy variable inhibit-any-policy', S, note='also enables policy checking', family=VERIFY_PARAM),
        _o('-inhibit_map', '', 'set policy variable inhibit-policy-mapping', S, note='also enables policy checking', family=VERIFY_PARAM),
        _o('-x509_strict', '', 'disable certificate compatibility work-arounds', S, family=VERIFY_PARAM),
        _o('-extended_crl', '', 'enable extended CRL features', S, family=VERIFY_PARAM),
        _o('-use_deltas', '', 'use delta CRLs', S, family=VERIFY_PARAM),
        _o('-policy_print', '', 'print policy processing diagnostics', S, note='prints the policy tree only when policy checking is on (as OpenSSL)', family=VERIFY_PARAM),
        _o('-check_ss_sig', '', 'check root CA self-signatures', S, family=VERIFY_PARAM),
        _o('-trusted_first', '', 'search trust store first (default)', S, family=VERIFY_PARAM),
        _o('-suiteB_128_only', '', 'Suite B 128-bit-only mode', S, note='verification only (the ClientHello is unchanged, as OpenSSL)', family=VERIFY_PARAM),
        _o('-suiteB_128', '', 'Suite B 128-bit mode allowing 192-bit algorithms', S, note='verification only (the ClientHello is unchanged, as OpenSSL)', family=VERIFY_PARAM),
        _o('-suiteB_192', '', 'Suite B 192-bit-only mode', S, note='verification only (the ClientHello is unchanged, as OpenSSL)', family=VERIFY_PARAM),
        _o('-partial_chain', '', 'accept chains anchored by intermediate trust-store CAs', S, family=VERIFY_PARAM),
        _o('-no_alt_chains', '', '(deprecated)', S, family=VERIFY_PARAM),
        _o('-no_check_time', '', 'ignore certificate validity time', S, family=VERIFY_PARAM),
        _o('-allow_proxy_certs', '', 'allow the use of proxy certificates', S, family=VERIFY_PARAM),
        _o('-CRL', 'infile', 'CRL file to use', S),
        _o('-crl_download', '', 'Download CRL from distribution points', DEVIATION, note='a download gives up after 5 seconds (OpenSSL 3.0 waits without limit and retries a refused connection forever)'),
        _o('-CRLform', 'PEM|DER', 'CRL format (PEM or DER); default PEM', S),
        _o('-verify_return_error', '', 'Close connection on verification error', S),
        _o('-verify_quiet', '', 'Restrict verify output to errors', S),
        _o('-chainCAfile', 'infile', 'CA file for certificate chain (PEM format)', S, note='the store the client certificate chain is built from (-build_chain, or automatically without -cert_chain)'),
        _o('-chainCApath', 'dir', 'Use dir as certificate store path to build CA certificate chain', S, note='the store the client certificate chain is built from (-build_chain, or automatically without -cert_chain)'),
        _o('-chainCAstore', 'uri', 'CA store URI for certificate chain', S, note='the store the client certificate chain is built from (-build_chain, or automatically without -cert_chain)'),
        _o('-verifyCAfile', 'infile', 'CA file for certificate verification (PEM format)', S),
        _o('-verifyCApath', 'dir', 'Use dir as certificate store path to verify CA certificate', S),
        _o('-verifyCAstore', 'uri', 'CA store URI for certificate verification', S),
    ),
    *_section(
        'Extended certificate',
        _o('-xkey', 'infile', 'key for Extended certificates', S, repeat=APPEND),
        _o('-xcert', 'infile', 'cert for Extended certificates', S, repeat=APPEND),
        _o('-xchain', 'infile', 'chain for Extended certificates', S, repeat=APPEND),
        _o('-xchain_build', '', 'build certificate chain for the extended certificates', S),
        _o('-xcertform', 'PEM|DER', 'format of Extended certificate (PEM/DER/P12); has no effect', DEVIATION, note='the format is read from the contents (OpenSSL 3.0 refuses a PEM file with -xcertform DER)', repeat=APPEND),
        _o('-xkeyform', 'PEM|DER', "format of Extended certificate's key (DER/PEM/P12); has no effect", DEVIATION, note='the format is read from the contents', repeat=APPEND),
    ),
    *_section(
        'Provider',
        _o('-provider-path', 'val', "Provider load path (must be before 'provider' argument if required)", S, note='where the `-provider` options after it look for module files'),
        _o('-provider', 'val', 'Provider to load (can be specified multiple times)', DEVIATION, note='providers are modelled as the algorithms they give sclient: `default`, `base`, `null` and (when its module file is present) `legacy`; loading any replaces the implicit default, as in OpenSSL (without `default`, `library has no ciphers`); a name without a module file fails with OpenSSL\'s lines; another module file that exists (`fips.so`, a third party provider) is refused in one line, exit 1. The SEED suites OpenSSL 3.0 gains from `legacy` are not in sclient\'s engine', repeat=APPEND),
        _o('-propquery', 'val', 'Property query used when fetching algorithms', S, note='parsed and matched against the providers\' properties as OpenSSL does; a query that does not parse is ignored by the fetches and its errors end s_client once the handshake is complete (exit status 1), as in OpenSSL'),
    ),
)
# fmt: on

del S, N

#: Options known to the parser (present in the 3.0.19 build, or recognized to be
#: explained), by bare name.
BY_NAME: dict[str, OptionSpec] = {o.bare: o for o in OPTIONS if o.in_build or o.recognized}

#: Section names in help order.
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(o.section for o in OPTIONS))


def option(name: str) -> OptionSpec:
    """The row for ``name``, given with or without its leading dash (``-connect``, ``connect``)."""
    return BY_NAME[name.removeprefix("-")]
