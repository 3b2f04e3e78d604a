"""``-ssl_config NAME``: an ``SSL_CTX`` configuration from OpenSSL's
configuration file, applied as OpenSSL 3.0 applies it.

The file is the one ``OPENSSL_CONF`` names, else OPENSSLDIR's
``openssl.cnf``; it is read with :mod:`sclient.base.conf`.  Its ``openssl_conf``
value (in the default section) names the section of modules, whose
``ssl_conf`` module names a section of ``NAME = section`` pairs, each section
a list of SSL_CONF commands in their file spelling (``CipherString``,
``Groups``, ``MinProtocol`` ...; matched without regard to case, the part up
to a first ``.`` of the name skipped).

As in OpenSSL, a file that is missing or not valid CONF, or an ``ssl_conf``
module that fails (its section or a command section missing or empty), leaves
no configuration names at all: ``NAME`` is then unknown.  When the file sets
``config_diagnostics``, such a module failure is instead fatal at start-up.

The file is read at every start, as ``OPENSSL_init_ssl`` reads it: a
``system_default`` name applies to every run, before the command line's
options (``SSL_CTX_new`` runs it: failing commands are skipped without a
word, and the command line's own settings stay in charge).

``-ssl_config``'s commands run after the command line's SSL_CONF options
(s_client calls ``SSL_CTX_config`` after them) and before ``-tls1_2`` and
the like: a command replaces what the same option set on the command line.
The store commands (``VerifyCA*``, ``ChainCA*``) and the CA name commands
(``RequestCA*``) fill stores and a name list that the command line's
``-verifyCA*``, ``-chainCA*`` and ``-requestCAfile`` replace.  All commands
run; if any failed, s_client prints ``Error using configuration "NAME"`` and
the error queue and exits 1.  ``Certificate`` and ``PrivateKey`` fill the
certificate slots (one per key type); a certificate without its key takes it
from its own file when the section ends (``SSL_CONF_FLAG_REQUIRE_PRIVATE``),
and ``-cert`` replaces it.  An encrypted key and certificates of more than
one key type are refused as not supported yet.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sclient.app.common import Exit
from sclient.base.errorqueue import ErrorEntry
from sclient.base.structs import field, struct

if TYPE_CHECKING:
    from collections.abc import Callable

    from sclient.app.console import Console
    from sclient.base.conf import ConfFile
    from sclient.cli.optionsclass import Options
    from sclient.x509.store import TrustStore

#: ``OPENSSLDIR/openssl.cnf`` of the system's OpenSSL 3.0.
DEFAULT_CONFIG_FILE = "/usr/lib/ssl/openssl.cnf"

#: The modules OpenSSL 3.0 has built in, in the order ``module_find`` tries
#: them: an ``openssl_conf`` entry names the first whose name starts with the
#: entry's name up to its last ``.``.
_BUILTIN_MODULES = (
    "oid_section",
    "stbl_section",
    "engines",
    "alg_section",
    "ssl_conf",
    "providers",
    "random",
)

_CONF_LIB = "configuration file routines"


def config_file() -> str:
    """``CONF_get1_default_config_file``: ``OPENSSL_CONF`` or the default."""
    env = os.environ.get("OPENSSL_CONF")
    return env if env is not None else DEFAULT_CONFIG_FILE


@struct
class SslConfNames:
    """What OpenSSL's start-up left of the ``ssl_conf`` module."""

    #: NAME -> its commands, (command, argument) in file order; None when the
    #: module did not load (no file, no module, or a failure).
    names: dict[str, list[tuple[str, str]]] | None
    #: With ``config_diagnostics``: the error queue of a failed module (a fatal
    #: start-up failure); empty otherwise.
    fatal: list[ErrorEntry]


def _conf_entry(code: int, func: str, reason: str, file: str, line: int, data: str) -> ErrorEntry:
    return ErrorEntry(0x07000000 | code, _CONF_LIB, func, reason, file, line, data)


def _module_of(entry: str) -> str | None:
    """``module_find``: the built-in module an ``openssl_conf`` entry names."""
    dot = entry.rfind(".")
    stem = entry[:dot] if dot >= 0 else entry
    return next((m for m in _BUILTIN_MODULES if m.startswith(stem)), None)


def _ssl_module_init(conf: ConfFile, value: str) -> dict[str, list[tuple[str, str]]] | ErrorEntry:
    """``ssl_module_init``: the names and their commands, or the error."""
    lists = conf.section(value)
    if not lists:
        reason, code = (
            ("ssl section not found", 0x78) if lists is None else ("ssl section empty", 0x77)
        )
        return _conf_entry(
            code, "ssl_module_init", reason, "../crypto/conf/conf_ssl.c", 103, f"section={value}"
        )
    names: dict[str, list[tuple[str, str]]] = {}
    for name, section in lists:
        cmds = conf.section(section)
        if not cmds:
            if cmds is None:
                reason, code = "ssl command section not found", 0x76
            else:
                reason, code = "ssl command section empty", 0x75
            data = f"name={name}, value={section}"
            return _conf_entry(
                code, "ssl_module_init", reason, "../crypto/conf/conf_ssl.c", 122, data
            )
        names[name] = [(c.split(".", 1)[1] if "." in c else c, arg) for c, arg in cmds]
    return names


def _diagnostics(conf: ConfFile) -> bool:
    """``conf_diagnostics``: ``config_diagnostics`` read as a number, non-zero."""
    value = conf.get(None, "config_diagnostics")
    if value is None:
        return False
    digits = ""
    for c in value:
        if not c.isdigit():
            break
        digits += c
    return int(digits or "0") != 0


def load_names(path: str | None = None) -> SslConfNames:
    """What ``OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG)`` leaves: the file
    loaded (a missing or broken one is ignored), its ``openssl_conf`` modules
    run in order until one fails.  Only ``ssl_conf`` is sclient's to run; the
    other modules (providers, engines, algorithm settings ...) are taken to
    succeed."""
    from sclient.base.conf import ConfSyntaxError, load_conf

    try:
        conf = load_conf(config_file() if path is None else path)
    except (OSError, ConfSyntaxError):
        return SslConfNames(None, [])
    section = conf.get(None, "openssl_conf")
    if section is None:
        return SslConfNames(None, [])
    modules = conf.section(section)
    if modules is None:
        if not _diagnostics(conf):
            return SslConfNames(None, [])
        data = f"openssl_conf={section}"
        reason = "openssl conf references missing section"
        return SslConfNames(
            None,
            [
                _conf_entry(
                    0x7C, "CONF_modules_load", reason, "../crypto/conf/conf_mod.c", 152, data
                )
            ],
        )
    names: dict[str, list[tuple[str, str]]] | None = None
    for entry, value in modules:
        if _module_of(entry) != "ssl_conf":
            continue
        result = _ssl_module_init(conf, value)
        if isinstance(result, ErrorEntry):
            if not _diagnostics(conf):
                return SslConfNames(None, [])
            data = f"module={entry}, value={value} retcode={-1:<8}"
            run = _conf_entry(
                0x6D,
                "module_run",
                "module initialization error",
                "../crypto/conf/conf_mod.c",
                274,
                data,
            )
            return SslConfNames(None, [result, run])
        names = result
    return SslConfNames(names, [])


# ------------------------------------------------------------- the commands


def _ssl_entry(
    code: int, func: str, reason: str, file: str, line: int, data: str = ""
) -> ErrorEntry:
    return ErrorEntry(code, "SSL routines", func, reason, file, line, data)


class _Failed(Exception):
    """One command failed; ``queue`` is what it left on the error queue."""

    def __init__(self, queue: list[str] | None = None) -> None:
        self.queue = queue or []
        super().__init__("failed")


#: ``ssl_option_list`` of OpenSSL 3.0.19 as a client sees it: name ->
#: (Options field or None for no effect on a client, inverted).  Server-only
#: entries (ServerPreference, NoResumptionOnRenegotiation, DHSingle,
#: ECDHSingle) are not matched: a client context fails on them.
_OPTIONS: dict[str, tuple[str | None, bool]] = {
    "sessionticket": ("no_ticket", True),
    "emptyfragments": (None, True),  # TLS 1.0 CBC records only
    "bugs": ("bugs", False),
    "compression": ("comp", True),
    "unsafelegacyrenegotiation": ("legacy_renegotiation", False),
    "unsafelegacyserverconnect": ("legacy_server_connect", False),
    "clientrenegotiation": (None, False),  # a server's
    "encryptthenmac": ("no_etm", True),
    "norenegotiation": ("no_renegotiation", False),
    "allownodhekex": ("allow_no_dhe_kex", False),
    "prioritizechacha": (None, False),  # a server's
    "middleboxcompat": ("no_middlebox", True),
    "antireplay": (None, True),  # a server's
    "extendedmastersecret": ("extended_master_secret", False),
    "canames": (None, True),  # a client never leaves its CA names out in 3.0
    "ktls": (None, False),  # kernel TLS: never used by sclient
}

#: ``ssl_protocol_list``: name -> the ``-no_*`` fields its bit stands for
#: (the DTLS bits are the TLS 1.0 and 1.2 bits; SSLv2 has none left).
_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "all": ("no_ssl3", "no_tls1", "no_tls1_1", "no_tls1_2", "no_tls1_3"),
    "sslv2": (),
    "sslv3": ("no_ssl3",),
    "tlsv1": ("no_tls1",),
    "tlsv1.1": ("no_tls1_1",),
    "tlsv1.2": ("no_tls1_2",),
    "tlsv1.3": ("no_tls1_3",),
    "dtlsv1": ("no_tls1",),
    "dtlsv1.2": ("no_tls1_2",),
}

#: ``VerifyMode`` names a client accepts: ``Peer`` only (the others are a
#: server's).  s_client sets its own verify mode afterwards, so it has no effect.
_VERIFY_MODES = frozenset({"peer"})

#: The store commands (``do_store``): command -> (which store, what it loads).
_STORE_COMMANDS = {
    "verifycafile": ("verify", "file"),
    "verifycapath": ("verify", "dir"),
    "verifycastore": ("verify", "store"),
    "chaincafile": ("chain", "file"),
    "chaincapath": ("chain", "dir"),
    "chaincastore": ("chain", "store"),
}


@struct
class _Slot:
    """One certificate slot of the ``SSL_CTX``."""

    cert: bytes | None = None
    #: The certificates after the first in the certificate's file (None: only
    #: the leaf was there, and the chain is built from the stores).
    chain: tuple[bytes, ...] | None = None
    key: Any = None
    cert_file: str | None = None


@struct
class _State:
    """The option fields the commands set, and the SSL_CONF list entries
    they add (in the command line's spelling)."""

    fields: dict[str, object]
    lists: list[tuple[str, str | None]]
    #: ``VerifyCA*`` / ``ChainCA*``: the stores, each command adding to one.
    stores: dict[str, TrustStore] = field(default_factory=dict)
    #: ``RequestCAFile`` / ``RequestCAPath``: the CA names, None if not given.
    ca_names: list[bytes] | None = None
    #: ``Certificate`` / ``PrivateKey``: per key type (OpenSSL's certificate
    #: slots), the certificate, its chain, the key and the certificate's file.
    slots: dict[str, _Slot] = field(default_factory=dict)
    #: The last command cleared OpenSSL's error queue (``RequestCAFile``'s
    #: reader ends with ``ERR_clear_error``).
    cleared: bool = False


def _flag_list(value: str, table: dict[str, tuple[str, ...]] | None, state: _State) -> None:
    """``ssl_set_option_list`` over ``CONF_parse_list(value, ',', 1)``."""
    from sclient.tls.conf import parse_list

    for elem in parse_list(value, ","):
        if elem is None:
            raise _Failed()
        on = True
        if elem[0] in "+-":
            on = elem[0] == "+"
            elem = elem[1:]
        key = elem.lower()
        if table is not None:
            if key not in table:
                raise _Failed()
            for no_field in table[key]:
                state.fields[no_field] = not on  # the SSL_OP_NO_* bits
            continue
        if key not in _OPTIONS:
            raise _Failed()
        name, inverted = _OPTIONS[key]
        if name is None:
            continue
        setting = on != inverted
        state.fields[name] = setting
        if name == "legacy_server_connect":
            state.fields["no_legacy_server_connect"] = not setting


#: The commands only a context with ``SSL_CONF_FLAG_CERTIFICATE`` knows
#: (``-ssl_config``'s, not ``system_default``'s).
_CERTIFICATE_FLAG_COMMANDS = frozenset(
    {"certificate", "privatekey", "requestcafile", "requestcapath", *_STORE_COMMANDS}
)


def _run(command: str, arg: str, state: _State, *, system: bool = False) -> None:
    """One ``SSL_CONF_cmd`` in a client file context; raises :class:`_Failed`."""
    from sclient.tls import conf
    from sclient.tls.conf_error import ConfError

    cmd = command.lower()
    if system and cmd in _CERTIFICATE_FLAG_COMMANDS:
        raise _Failed()  # an unknown command there
    lists: dict[str, tuple[str, Callable[[str], object]]] = {
        "cipherstring": ("-cipher", conf.cipher_selection),
        "ciphersuites": ("-ciphersuites", conf.ciphersuites),
        "curves": ("-curves", lambda v: conf.group_list(v, option="-curves")),
        "groups": ("-groups", conf.group_list),
        "signaturealgorithms": ("-sigalgs", conf.sigalg_list),
        "clientsignaturealgorithms": ("-client_sigalgs", conf.sigalg_list),
        "recordpadding": ("-record_padding", conf.record_padding),
    }
    try:
        if cmd in lists:
            option, check = lists[cmd]
            check(arg)
            state.lists.append((option, arg))
            if option == "-cipher":  # the security level and Suite B mode verification uses
                state.fields["cipher"] = arg
        elif cmd in ("minprotocol", "maxprotocol"):
            name = "min_protocol" if cmd == "minprotocol" else "max_protocol"
            conf.protocol_version("-" + name, arg)
            if not arg.startswith("DTLS"):  # valid, but not a TLS method's bound
                state.fields[name] = arg
        elif cmd == "protocol":
            _flag_list(arg, _PROTOCOLS, state)
        elif cmd == "options":
            _flag_list(arg, None, state)
        elif cmd == "verifymode":
            from sclient.tls.conf import parse_list

            for elem in parse_list(arg, ","):
                if elem is None or elem.lstrip("+-").lower() not in _VERIFY_MODES:
                    raise _Failed()
        elif cmd in _STORE_COMMANDS:
            _store_command(cmd, arg, state)
        elif cmd == "requestcafile":
            _add_ca_names(arg, state)
        elif cmd == "requestcapath":
            _add_ca_dir(arg, state)
        elif cmd == "certificate":
            _certificate(arg, state)
        elif cmd == "privatekey":
            _private_key(arg, state)
        else:
            raise _Failed()  # unknown, a server's, or a switch (no file name)
    except ConfError as exc:
        raise _Failed(exc.lines[1:]) from None


def _queue(entries: list[ErrorEntry]) -> list[str]:
    return [e.line_text("{tid}") for e in entries]


def _store_command(cmd: str, arg: str, state: _State) -> None:
    """``do_store``: the store is made on first use, then the file, the
    directory or the URI added to it."""
    from sclient.x509.store import StoreLoadError, TrustStore

    which, kind = _STORE_COMMANDS[cmd]
    store = state.stores.setdefault(which, TrustStore())
    try:
        if kind == "file":
            store.add_file(arg)
        elif kind == "dir":
            store.add_dir(arg)
        else:
            store.add_store(arg)
    except StoreLoadError as exc:
        raise _Failed(_queue(list(exc.errors))) from None


def _add_ca_names(path: str, state: _State) -> None:
    """``SSL_add_file_cert_subjects_to_stack``: the file's certificate
    subjects, each once; a file without certificates adds nothing. It ends
    by clearing the error queue (a file it cannot open fails first)."""
    from sclient.app.credentials import CredentialError, load_ca_names

    names = state.ca_names if state.ca_names is not None else []
    state.ca_names = names
    try:
        found: tuple[bytes, ...] = load_ca_names(path)
    except CredentialError as exc:
        if exc.entries:
            raise _Failed(_queue(exc.entries)) from None
        found = ()
    names.extend(n for n in found if n not in names)
    state.cleared = True


def _add_ca_dir(path: str, state: _State) -> None:
    """``SSL_add_dir_cert_subjects_to_stack``: every file of the directory,
    in the order the directory lists them."""
    import errno as _errno

    try:
        entries = os.listdir(path)
    except OSError as e:
        en = e.errno or _errno.ENOENT
        sys_entry = ErrorEntry(
            0x80000000 | en,
            "system library",
            "SSL_add_dir_cert_subjects_to_stack",
            os.strerror(en),
            "../ssl/ssl_cert.c",
            790,
            f"calling OPENSSL_dir_read({path})",
        )
        ssl_entry = _ssl_entry(
            0x0A080002, "SSL_add_dir_cert_subjects_to_stack", "system lib", "../ssl/ssl_cert.c", 792
        )
        raise _Failed(_queue([sys_entry, ssl_entry])) from None
    if state.ca_names is None:
        state.ca_names = []
    for name in entries:
        full = os.path.join(path, name)
        if not os.path.isdir(full):
            _add_ca_names(full, state)


def _fopen_errors(path: str, e: OSError, func: str, line: int) -> list[str]:
    """``BIO_read_filename``'s failure, then the SSL function's."""
    import errno as _errno

    from sclient.x509.store import bio_read_filename_errors

    en = e.errno or _errno.ENOENT
    return _queue(
        [
            *bio_read_filename_errors(path, en),
            _ssl_entry(0x0A080002, func, "system lib", "../ssl/ssl_rsa.c", line),
        ]
    )


def _slot_of(public_key: Any) -> str:
    """``ssl_cert_lookup_by_pkey``: the slot a key type goes to (every EC curve shares one)."""
    from sclient.base.pyca import key_kind

    return key_kind(public_key) or "unknown"


def _matches(cert_der: bytes, key: Any) -> bool:
    from sclient.app.credentials import _cert_key

    _, cert_key = _cert_key(cert_der)
    try:
        return cert_key is not None and cert_key == key.public_key()
    except Exception:
        return False


def _certificate(path: str, state: _State) -> None:
    """``SSL_CTX_use_certificate_chain_file``: the PEM file's first certificate
    into its key type's slot, the others as its chain; a key already in the
    slot that does not match is dropped, and the error queue cleared."""
    from sclient.app.credentials import _cert_key, _load_certs
    from sclient.base.pem import armoured

    func = "use_certificate_chain_file"
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _Failed(_fopen_errors(path, e, func, 450)) from None
    certs, _ = _load_certs(data) if armoured(data) else ([], False)
    if not certs:
        pem = ErrorEntry(
            0x0480006C,
            "PEM routines",
            "get_name",
            "no start line",
            "../crypto/pem/pem_lib.c",
            760,
            "Expecting: TRUSTED CERTIFICATE",
        )
        raise _Failed(
            _queue([pem, _ssl_entry(0x0A080009, func, "PEM lib", "../ssl/ssl_rsa.c", 462)])
        )
    _, public = _cert_key(certs[0])
    slot = state.slots.setdefault(_slot_of(public), _Slot())
    if slot.key is not None:
        state.cleared = True
        if not _matches(certs[0], slot.key):
            slot.key = None
    slot.cert = certs[0]
    slot.chain = tuple(certs[1:]) or None
    slot.cert_file = path


def _decoder_errors() -> list[str]:
    decoder = ErrorEntry(
        0x1E08010C,
        "DECODER routines",
        "OSSL_DECODER_from_bio",
        "unsupported",
        "../crypto/encode_decode/decoder_lib.c",
        103,
        "No supported data to decode. Input type: PEM",
    )
    return _queue(
        [
            decoder,
            _ssl_entry(
                0x0A080009, "SSL_CTX_use_PrivateKey_file", "PEM lib", "../ssl/ssl_rsa.c", 385
            ),
        ]
    )


def _private_key(path: str, state: _State) -> None:
    """``SSL_CTX_use_PrivateKey_file(PEM)``: the key into its type's slot,
    refused when the slot's certificate does not match it."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from sclient.app.credentials import _KEY_LABELS, _KEY_VALUES_MISMATCH
    from sclient.base.pem import armoured
    from sclient.base.pyca import allow

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _Failed(_fopen_errors(path, e, "SSL_CTX_use_PrivateKey_file", 368)) from None
    blocks = [(label, raw) for label, raw in armoured(data) if label in _KEY_LABELS]
    if not blocks:
        raise _Failed(_decoder_errors())
    label, raw = blocks[0]
    if label == b"ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in raw:
        raise _Unsupported("PrivateKey (an encrypted key)")
    try:
        with allow("dsa"):
            key = load_pem_private_key(raw, None)
    except (ValueError, TypeError):
        raise _Failed(_decoder_errors()) from None
    slot = state.slots.setdefault(_slot_of(key.public_key()), _Slot())
    if slot.cert is not None and not _matches(slot.cert, key):
        raise _Failed(_queue([_KEY_VALUES_MISMATCH]))
    slot.key = key


def _finish(state: _State) -> list[str]:
    """``SSL_CONF_CTX_finish``: a certificate without its key takes it from
    the certificate's file. Returns the error queue it adds."""
    queue: list[str] = []
    for slot in list(state.slots.values()):
        if slot.cert_file is not None and slot.cert is not None and slot.key is None:
            try:
                _private_key(slot.cert_file, state)
            except _Failed as exc:
                queue += exc.queue
                break  # finish stops at the first failure
    return queue


class _Unsupported(Exception):
    def __init__(self, command: str) -> None:
        self.command = command
        super().__init__(command)


def _fatal(loaded: SslConfNames, console: Console) -> None:
    """A module failure under ``config_diagnostics``: s_client's start-up fails."""
    from sclient.report.errors import thread_id

    tid = thread_id()
    console.err(
        "FATAL: Startup failure (dev note: apps_startup()) for openssl\n"
        + "".join(e.line_text(tid) + "\n" for e in loaded.fatal)
    )
    raise Exit(1)


#: Option fields a system_default section may set, with the command line's
#: spelling left in charge: flags the command line can only turn on, the
#: version bounds and the cipher string it can only give.
_PAIRED = {
    "legacy_server_connect": "no_legacy_server_connect",
    "no_legacy_server_connect": "legacy_server_connect",
}


def load_config(o: Options, console: Console) -> SslConfig:
    """Start-up: the configuration file's ``ssl_conf`` names, its
    ``system_default`` section applied to ``o`` (under the command line's
    options, as ``SSL_CTX_new`` applies it before them: its failures are
    silent, the commands that succeed stay), or the fatal start-up failure."""
    loaded = load_names()
    if loaded.fatal:
        _fatal(loaded, console)
    ems = True
    cmds = None if loaded.names is None else loaded.names.get("system_default")
    if cmds:
        state = _State(fields={}, lists=[])
        for command, arg in cmds:
            try:
                _run(command, arg, state, system=True)
            except (_Failed, _Unsupported):
                continue
        ems = bool(state.fields.pop("extended_master_secret", True))
        state.fields.pop("comp", None)  # no compression method in this OpenSSL
        for field_name, value in state.fields.items():
            cmdline = getattr(o, field_name)
            paired = _PAIRED.get(field_name)
            if cmdline or (paired is not None and getattr(o, paired)):
                continue  # set on the command line, which runs after
            setattr(o, field_name, value)
        o.ssl_conf[:0] = state.lists
    return SslConfig(loaded.names, ems)


@struct
class SslConfig:
    """The configuration file as the program uses it."""

    names: dict[str, list[tuple[str, str]]] | None
    #: ``Options = ExtendedMasterSecret`` as the sections left it.
    extended_master_secret: bool = True


@struct
class Section:
    """What ``-ssl_config``'s section set beyond the option fields."""

    extended_master_secret: bool = True
    #: ``VerifyCA*``: the store the server's chain is verified with.
    verify_store: TrustStore | None = None
    #: ``ChainCA*``: the store the client certificate's chain is built from.
    chain_store: TrustStore | None = None
    #: ``RequestCA*``: the certificate_authorities names.
    ca_names: tuple[bytes, ...] | None = None
    #: ``Certificate`` / ``PrivateKey``: (key, certificate, its chain or None).
    credential: tuple[Any, bytes, tuple[bytes, ...] | None] | None = None


def apply_ssl_config(o: Options, config: SslConfig, console: Console) -> Section:
    """Run ``-ssl_config``'s commands into ``o`` (its fields and its SSL_CONF
    list, after the command line's), or print OpenSSL's failure and raise
    :class:`Exit`."""
    from sclient.report.errors import thread_id

    name = o.ssl_config
    assert name is not None
    cmds = None if config.names is None else config.names.get(name)
    queue: list[str] = []
    failed = False
    state = _State(fields={}, lists=[])
    if cmds is None:
        entry = _ssl_entry(
            0x0A000071,
            "ssl_do_config",
            "invalid configuration name",
            "../ssl/ssl_mcnf.c",
            43,
            f"name={name}",
        )
        queue.append(entry.line_text("{tid}"))
        failed = True
    else:
        for command, arg in cmds:
            state.cleared = False
            try:
                _run(command, arg, state)
            except _Failed as exc:
                failed = True
                queue += exc.queue
            except _Unsupported as exc:
                console.err(
                    f"s_client: the -ssl_config command {exc.command} is not supported yet by sclient\n"
                )
                raise Exit(1) from None
            if state.cleared:
                queue.clear()
        try:
            finish = _finish(state)
        except _Unsupported as exc:
            console.err(
                f"s_client: the -ssl_config command {exc.command} is not supported yet by sclient\n"
            )
            raise Exit(1) from None
        if finish:
            failed = True
            queue += finish
    if failed:
        tid = thread_id()
        console.err(
            f'Error using configuration "{name}"\n'
            + "".join(q.replace("{tid}", tid) + "\n" for q in queue)
        )
        raise Exit(1)
    if state.fields.get("comp"):
        console.err(
            "s_client: Options=Compression in -ssl_config is not supported yet by sclient\n"
        )
        raise Exit(1)
    ems = bool(state.fields.pop("extended_master_secret", config.extended_master_secret))
    state.fields.pop("comp", None)
    for field_name, value in state.fields.items():
        setattr(o, field_name, value)
    o.ssl_conf.extend(state.lists)
    ready = [sl for sl in state.slots.values() if sl.cert is not None and sl.key is not None]
    if len(ready) > 1:
        console.err(
            "s_client: the -ssl_config command Certificate (for more than one key type)"
            " is not supported yet by sclient\n"
        )
        raise Exit(1)
    credential = None
    if ready:
        assert ready[0].cert is not None
        credential = (ready[0].key, ready[0].cert, ready[0].chain)
    return Section(
        credential=credential,
        extended_master_secret=ems,
        verify_store=state.stores.get("verify"),
        chain_store=state.stores.get("chain"),
        ca_names=None if state.ca_names is None else tuple(state.ca_names),
    )
