"""Providers and the property query at the moments OpenSSL consults them:
loading the client's key (the store loaders), making the SSL_CTX (the
algorithms TLS needs) and the first fetches of the handshake (``-propquery``
parsed again, its errors left on the queue).

Every algorithm sclient uses is one the ``default`` provider gives, under the
property ``provider=default``: TLS works when that provider is active (loaded
by ``-provider``, or implicitly when no ``-provider`` is given) and the query
accepts it.  ``legacy`` adds nothing sclient's engine can use (in OpenSSL 3.0
it adds the SEED suites), ``base`` only encoders, decoders and the file store
loader, ``null`` nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sclient.base.errorqueue import ErrorEntry
from sclient.base.structs import Struct

if TYPE_CHECKING:
    from sclient.app.console import Console
    from sclient.cli.optionsclass import Options

__all__ = [
    "Clause",
    "active_providers",
    "check_ctx",
    "check_engine_key",
    "check_store_loaders",
    "client_engine_error",
    "match_count",
    "parse_query",
    "subscribe_query_errors",
]

_PROP_LIB = "lib(55)"  # ERR_LIB_PROP has no name string in 3.0
_PROP_FILE = "../crypto/property/property_parse.c"
_PROP_R = {
    "name too long": 0x64,
    "not an hexadecimal digit": 0x66,
    "not an identifier": 0x67,
    "not an octal digit": 0x68,
    "not a decimal digit": 0x69,
    "no matching string delimiter": 0x6A,
    "parse failed": 0x6C,
    "trailing characters": 0x6E,
    "not an ascii character": 0x65,
    "string too long": 0x6D,
}
_NAME_MAX = 99  # name[100]
_VALUE_MAX = 999  # v[1000]
_INT64_MAX = (1 << 63) - 1
_SPACE = " \t\n\v\f\r"

#: The properties of each provider's algorithms (``provider=NAME``).
PROVIDER_PROPERTIES: dict[str, dict[str, str]] = {
    name: {"provider": name} for name in ("default", "base", "null", "legacy")
}


def _prop_error(func: str, reason: str, line: int, data: str) -> ErrorEntry:
    return ErrorEntry(0x1B800000 | _PROP_R[reason], _PROP_LIB, func, reason, _PROP_FILE, line, data)


class Clause(Struct, frozen=True, slots=True):
    """One clause of a property query."""

    name: str
    #: "eq", "ne" or "override" (``-name``: ignored when matching)
    oper: str
    optional: bool = False
    #: "string", "number" or "undefined" (a value that did not parse)
    kind: str = "string"
    value: str | int = "yes"


class _Fail(Exception):
    pass


class _Parser:
    """``ossl_parse_query``: the clauses or errors, as OpenSSL queues them."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.errors: list[ErrorEntry] = []

    def ch(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def skip_space(self) -> None:
        while self.ch() and self.ch() in _SPACE:
            self.i += 1

    def match(self, m: str) -> bool:
        if self.s[self.i : self.i + len(m)] == m:
            self.i += len(m)
            self.skip_space()
            return True
        return False

    def rest(self, at: int) -> str:
        return self.s[at:]

    def name(self) -> str:
        start = self.i
        out: list[str] = []
        while True:
            if not (self.ch().isascii() and self.ch().isalpha()):
                self.errors.append(
                    _prop_error("parse_name", "not an identifier", 67, "HERE-->" + self.rest(start))
                )
                raise _Fail
            while True:
                out.append(self.ch().lower())
                self.i += 1
                c = self.ch()
                if not (c == "_" or (c.isascii() and c.isalnum())):
                    break
            if self.ch() != ".":
                break
            out.append(".")
            self.i += 1
        if len(out) > _NAME_MAX:
            self.errors.append(
                _prop_error("parse_name", "name too long", 88, "HERE-->" + self.rest(start))
            )
            raise _Fail
        self.skip_space()
        return "".join(out)

    def number(self, base: int, func: str, reason: str, lines: tuple[int, int, int]) -> int:
        start = self.i
        digits = "0123456789abcdef"[:base] if base != 8 else "01234567"
        v = 0
        first = True
        while first or (self.ch().lower() in digits and self.ch() != ""):
            c = self.ch().lower()
            if c == "" or c not in digits:
                data = self.rest(start) if base == 16 else "HERE-->" + self.rest(start)
                self.errors.append(_prop_error(func, reason, lines[0], data))
                raise _Fail
            d = digits.index(c)
            if v > (_INT64_MAX - d) // base:
                self.errors.append(
                    _prop_error(
                        func, "parse failed", lines[1], f"Property {self.rest(start)} overflows"
                    )
                )
                raise _Fail
            v = v * base + d
            self.i += 1
            first = False
        c = self.ch()
        if c not in _SPACE and c != "" and c != ",":
            self.errors.append(_prop_error(func, reason, lines[2], "HERE-->" + self.rest(start)))
            raise _Fail
        self.skip_space()
        return v

    def decimal(self) -> int:
        return self.number(10, "parse_number", "not a decimal digit", (103, 109, 116))

    def value(self) -> tuple[str, str | int]:
        """parse_value: (kind, value); raises _Fail for a value that did not parse."""
        c = self.ch()
        start = self.i
        try:
            if c in ("'", '"'):
                self.i += 1
                end = self.s.find(c, self.i)
                if end < 0:
                    self.errors.append(
                        _prop_error(
                            "parse_string",
                            "no matching string delimiter",
                            209,
                            "HERE-->" + c + self.rest(self.i),
                        )
                    )
                    raise _Fail
                text = self.s[self.i : end]
                if len(text) > _VALUE_MAX:
                    self.errors.append(
                        _prop_error(
                            "parse_string", "string too long", 216, "HERE-->" + self.rest(self.i)
                        )
                    )
                    self.i = end + 1
                    self.skip_space()
                    raise _Fail
                self.i = end + 1
                self.skip_space()
                return "string", text
            if c == "+" or c == "-":
                self.i += 1
                v = self.decimal()
                return "number", -v if c == "-" else v
            if c == "0" and self.s[self.i + 1 : self.i + 2] == "x":
                self.i += 2
                return "number", self.number(
                    16, "parse_hex", "not an hexadecimal digit", (138, 144, 153)
                )
            if c == "0" and self.s[self.i + 1 : self.i + 2].isdigit():
                self.i += 1
                return "number", self.number(8, "parse_oct", "not an octal digit", (170, 175, 185))
            if c.isascii() and c.isdigit():
                return "number", self.decimal()
            if c.isascii() and c.isalpha():
                return "string", self.unquoted()
        except _Fail:
            self.i = start
            raise
        raise _Fail  # no value: no error queued

    def unquoted(self) -> str:
        start = self.i
        while True:
            c = self.ch()
            if c == "" or not (c.isascii() and c.isprintable()) or c in _SPACE or c == ",":
                break
            self.i += 1
        c = self.ch()
        if c not in _SPACE and c != "" and c != ",":
            self.errors.append(
                _prop_error(
                    "parse_unquoted", "not an ascii character", 236, "HERE-->" + self.rest(self.i)
                )
            )
            self.i = start
            raise _Fail
        text = self.s[start : self.i].lower()
        self.skip_space()
        if len(text) > _VALUE_MAX:
            self.errors.append(
                _prop_error("parse_unquoted", "string too long", 241, "HERE-->" + self.rest(start))
            )
            raise _Fail
        return text

    def clauses(self) -> list[Clause]:
        out: list[Clause] = []
        self.skip_space()
        done = self.ch() == ""
        while not done:
            if self.match("-"):
                out.append(Clause(self.name(), "override"))
            else:
                optional = self.match("?")
                name = self.name()
                if self.match("="):
                    oper = "eq"
                elif self.match("!="):
                    oper = "ne"
                else:
                    oper = ""
                if not oper:
                    out.append(Clause(name, "eq", optional))
                else:
                    try:
                        kind, value = self.value()
                    except _Fail:
                        kind, value = "undefined", ""
                    out.append(Clause(name, oper, optional, kind, value))
            done = not self.match(",")
        if self.ch() != "":
            self.errors.append(
                _prop_error(
                    "ossl_parse_query", "trailing characters", 455, "HERE-->" + self.rest(self.i)
                )
            )
            raise _Fail
        seen: set[str] = set()
        for clause in sorted(out, key=lambda c: c.name):
            if clause.name in seen:
                self.errors.append(
                    ErrorEntry(
                        0x1B80006C,
                        _PROP_LIB,
                        "stack_to_property_list",
                        "parse failed",
                        _PROP_FILE,
                        333,
                        f"Duplicated name `{clause.name}'",
                    )
                )
                raise _Fail
            seen.add(clause.name)
        return out


def parse_query(text: str) -> tuple[list[Clause] | None, list[ErrorEntry]]:
    """A ``-propquery``: its clauses (None: it does not parse, and a fetch
    then goes on as if no query was given) and the errors OpenSSL queues."""
    p = _Parser(text)
    try:
        return p.clauses(), p.errors
    except _Fail:
        return None, p.errors


def match_count(query: Sequence[Clause], properties: dict[str, str]) -> int:
    """``ossl_property_match_count``: the clauses matched, or -1 when a
    mandatory one is false.  A property the definition lacks compares as the
    Boolean false; a value that did not parse matches only ``!=``."""
    matches = 0
    for q in query:
        if q.oper == "override":
            continue
        if q.name in properties:
            eq = q.kind == "string" and q.value == properties[q.name]
            ok = eq if q.oper == "eq" else not eq
        elif q.kind == "undefined":
            ok = q.oper == "ne"
        elif q.kind != "string":
            ok = False
        else:
            ok = (q.value == "no") if q.oper == "eq" else (q.value != "no")
        if ok:
            matches += 1
        elif not q.optional:
            return -1
    return matches


def active_providers(o: Options) -> list[str]:
    """The providers loaded: ``-provider``'s, else the implicit default."""
    return list(o.provider) or ["default"]


def tls_usable(o: Options) -> bool:
    """Whether fetching with the query finds the default provider's algorithms."""
    if "default" not in active_providers(o):
        return False
    if o.propquery is None:
        return True
    query, _ = parse_query(o.propquery)
    return query is None or match_count(query, PROVIDER_PROPERTIES["default"]) >= 0


def check_engine_key(o: Options, console: Console) -> None:
    """``-keyform ENGINE`` with ``-engine dynamic`` (the only engine sclient
    sets): the key is asked of that engine, which has no key loader; exit 1."""
    key = o.key if o.key is not None else o.cert
    if key is None or o.engine != "dynamic" or (o.keyform or "")[:1] not in ("e", "E"):
        return
    from sclient.app.common import Exit

    console.err(
        f"Could not read client certificate private key from org.openssl.engine:{o.engine}:{key}\n"
    )
    raise Exit(1)


def check_store_loaders(o: Options, console: Console) -> None:
    """Loading a file before the SSL_CTX is made (the key, ``-cert_chain``,
    ``-CRL``, ``-xcert``) needs the file store loader, which only the default
    and base providers have: else s_client fails at the first, exit 1."""
    from sclient.app.common import Exit
    from sclient.report.errors import thread_id

    if {"default", "base"} & set(active_providers(o)):
        return
    first = _first_file(o)
    if first is None:
        return
    what, path, tail = first
    tid = thread_id()
    props = "<null>" if o.propquery is None else o.propquery
    store = "../crypto/store/"
    entries = [
        ErrorEntry(
            0x16000069,
            "STORE routines",
            "ossl_store_get0_loader_int",
            "unregistered scheme",
            store + "store_register.c",
            237,
            "scheme=file",
        ),
        ErrorEntry(
            0x1608010C,
            "STORE routines",
            "inner_loader_fetch",
            "unsupported",
            store + "store_meth.c",
            381,
            "No store loader found. For standard store loaders you need at least one of the "
            "default or base providers available. Did you forget to load them? Info: Global "
            f"default library context, Scheme (file : 0), Properties ({props})",
        ),
    ]
    console.err(
        f"Could not open file or uri for loading {what} from {path}\n"
        + "".join(e.line_text(tid) + "\n" for e in entries)
        + tail
    )
    raise Exit(1)


def _first_file(o: Options) -> tuple[str, str, str] | None:
    """The first file s_client loads, in its order: how it names it, its
    path, and what s_client adds after the error queue."""
    key = o.key if o.key is not None else o.cert
    if key is not None:
        return "client certificate private key", key, ""
    if o.cert_chain is not None:
        return "certs of client certificate chain", o.cert_chain, ""
    if o.CRL is not None:
        return "CRL", o.CRL, "Unable to load CRL\n"
    for exc in o.excerts:  # newest first, as OpenSSL's list
        if exc.certfile is not None:
            return "cert of Server Certificate", exc.certfile, "Unable to load Server Certificate\n"
    return None


def check_ctx(o: Options, console: Console) -> None:
    """``SSL_CTX_new_ex``: no cipher suite can be fetched (no default
    provider, or a query that excludes it): ``library has no ciphers``, exit 1."""
    if tls_usable(o):
        return
    from sclient.app.common import Exit
    from sclient.report.errors import thread_id

    entry = ErrorEntry(
        0x0A0000A1,
        "SSL routines",
        "SSL_CTX_new_ex",
        "library has no ciphers",
        "../ssl/ssl_lib.c",
        3285,
    )
    console.err(entry.line_text(thread_id()) + "\n")
    raise Exit(1)


def client_engine_error(o: Options, console: Console) -> None:
    """``SSL_CTX_set_client_cert_engine`` with the only engine sclient
    accepts for ``-ssl_client_engine`` (``dynamic``, which has no client
    certificate method): OpenSSL's failure, exit 1."""
    if o.ssl_client_engine is None:
        return
    from sclient.app.common import Exit
    from sclient.report.errors import thread_id

    entry = ErrorEntry(
        0x0A080026,
        "SSL routines",
        "SSL_CTX_set_client_cert_engine",
        "ENGINE lib",
        "../ssl/tls_depr.c",
        79,
    )
    console.err("Error setting client auth engine\n" + entry.line_text(thread_id()) + "\n")
    raise Exit(1)


def query_errors(o: Options) -> list[ErrorEntry]:
    """What a ``-propquery`` that does not parse leaves on the error queue
    during the handshake (the fetches made then parse it again)."""
    if o.propquery is None:
        return []
    return parse_query(o.propquery)[1]


def subscribe_query_errors(program: Any, errors: list[ErrorEntry]) -> None:
    """Once the handshake is complete (and its summary out), s_client's next
    I/O finds those errors queued: printed, shut, exit status 1.  With
    ``-brief`` that comes before ``CONNECTION ESTABLISHED``, which is then
    never printed."""
    from sclient.app.common import leave_on_queued_errors
    from sclient.tls import events as ev

    pending = list(errors)
    report: Callable[[ErrorEntry], None] = program.text.error

    def check(e: object) -> None:
        entries = pending[:]
        pending.clear()
        leave_on_queued_errors(entries, report)

    program.stream.subscribe({ev.HandshakeComplete: check}, first=bool(program.o.brief))
