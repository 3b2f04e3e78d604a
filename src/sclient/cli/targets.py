"""The lines of ``-targets FILE``: ``host:port [options]``, ``#`` comments
and blank lines skipped, ``-`` for stdin; each target's options parsed by
s_client's own parser (``cli.parse``) after the command line's.

A line that cannot be used ends the run before any connection, with one line
naming the file and the line: an option the parser refuses, one that makes
no sense per target (interactive, tracing, session files, ``-reconnect``,
DTLS…), one the fleet does not do yet (``-bind``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sclient.base.structs import struct

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options

PROG = "s_client"
#: -connect_timeout when none is given: a silent target must not hold the fleet.
DEFAULT_CONNECT_TIMEOUT = 10.0

#: Options that make no sense per target: they read the terminal, print
#: traces or write one file per run, or make more than one connection.
NOT_PER_TARGET = frozenset(
    {
        "-reconnect", "-crlf", "-ign_eof", "-no_ign_eof", "-quiet", "-prexit",
        "-msg", "-msgfile", "-trace", "-debug", "-state", "-tlsextdebug",
        "-security_debug", "-security_debug_verbose", "-nbio_test", "-keylogfile",
        "-sess_out", "-early_data", "-ech_retry", "-explain_probe", "-unix",
        "-dtls", "-dtls1", "-dtls1_2", "-mtu", "-timeout",
        "-targets", "-parallel", "-rand", "-writerand",
    }
)  # fmt: skip
#: Where to connect: the line's host:port says it.
PLACE = frozenset({"-connect", "-host", "-port"})
#: Options a line may not give: they shape the fleet's output.
GLOBAL_ONLY = frozenset({"-json", "-brief", "-explain"})
#: Options the fleet's loop does not do yet (the dialogue before TLS).
NOT_YET = frozenset({"-bind"})


#: What makes a line's words need shell quoting rules (``shlex``).
_QUOTING = frozenset("'\"\\#")


class TargetsError(Exception):
    """The run cannot start: ``text`` is the line for stderr."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@struct
class TargetLine:
    """One target: where it is in the file, its ``host:port``, its options."""

    source: str
    number: int
    target: str
    args: list[str]

    @property
    def where(self) -> str:
        return f"{self.source} line {self.number} ({self.target})"

    def options(self, base: list[str], fleet: Options) -> Options:
        """The target's options: the command line's (``base``), ``-connect``
        and the line's, parsed together; the fleet's defaults filled in."""
        from sclient.cli.parse import USAGE_LINE, UsageError, parse_args

        try:
            o = parse_args([*base, "-connect", self.target, *self.args])
        except UsageError as e:
            said = [
                ln.strip().removeprefix(PROG + ": ")
                for ln in e.text.splitlines()
                if ln.strip() and ln != USAGE_LINE.rstrip("\n")
            ]
            # One line: a list the parser prints one to a line is joined.
            text = said[0] + " " + ", ".join(said[1:]) if len(said) > 1 else "".join(said)
            raise TargetsError(f"{PROG}: {self.where}: {text or 'bad options'}\n") from None
        shared = sum(1 for n in fleet.given if n not in ("-targets", "-parallel"))
        mine = o.given[shared + 1 :]
        for name in mine:
            if name in PLACE:
                raise TargetsError(
                    f"{PROG}: {self.where}: {name}: the line's host:port says where\n"
                )
            if name in GLOBAL_ONLY:
                raise TargetsError(
                    f"{PROG}: {self.where}: {name} applies to the whole fleet: "
                    "give it on the command line\n"
                )
        _refuse(o.given, self.where)
        o.json = True
        # -brief shapes the fleet's output (its table), not each target's run:
        # no target renders s_client's brief block for a console nobody reads.
        o.brief = False
        if o.connect_timeout_s is None:
            o.connect_timeout_s = DEFAULT_CONNECT_TIMEOUT
        if o.verify_hostname is None and o.verify_ip is None and o.host is not None:
            from sclient.transport.tcp import is_ip_literal

            if is_ip_literal(o.host):
                o.verify_ip = o.host.split("%", 1)[0]
            else:
                o.verify_hostname = o.host
        return o


def _refuse(given: Sequence[str], where: str) -> None:
    for name in given:
        if name in NOT_YET:
            raise TargetsError(
                f"{PROG}: {where}: {name} is not supported yet with -targets "
                "(check that target alone)\n"
            )
        if name in NOT_PER_TARGET:
            raise TargetsError(f"{PROG}: {where}: {name} cannot be used with -targets\n")


def read_targets(path: str) -> list[TargetLine]:
    """The target lines of ``path`` (``-``: stdin)."""
    source = "stdin" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
    except OSError as exc:
        raise TargetsError(
            f'{PROG}: Can\'t open "{path}" for reading, {exc.strerror or exc}\n'
        ) from None
    lines: list[TargetLine] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _QUOTING.isdisjoint(stripped):
            # No quote, escape or comment: shell words are the runs between
            # blanks (shlex, a character at a time, costs ~50 us a line).
            words = [w for w in stripped.replace("\t", " ").split(" ") if w]
        else:
            import shlex

            try:
                words = shlex.split(stripped, comments=True)
            except ValueError as exc:
                raise TargetsError(f"{PROG}: {source} line {number}: {exc}\n") from None
        if not words:
            continue
        target, args = words[0], words[1:]
        if target.startswith("-"):
            raise TargetsError(
                f"{PROG}: {source} line {number}: a line starts with host:port, not {target}\n"
            )
        lines.append(TargetLine(source, number, target, args))
    if not lines:
        raise TargetsError(f"{PROG}: {source}: no targets\n")
    return lines


def target_argv(argv: Sequence[str]) -> list[str]:
    """The command line without ``-targets`` and ``-parallel``: what every
    target's options start from."""
    from sclient.cli.parsetable import BY_NAME

    out: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if word == "--" or not word.startswith("-"):
            out.append(word)
            continue
        bare = word.lstrip("-").split("=", 1)[0]
        spec = BY_NAME.get(bare)
        takes = spec is not None and spec.takes_value and "=" not in word
        if bare in ("targets", "parallel"):
            i += 1 if takes else 0
            continue
        out.append(word)
        if takes and i < len(argv):
            out.append(argv[i])
            i += 1
    return out


def fleet_targets(options: Options, argv: Sequence[str]) -> list[tuple[str, list[str], Options]]:
    """Every target of ``-targets``: (its ``host:port``, its line's options,
    its parsed options); :class:`TargetsError` for the first bad line."""
    check_fleet_options(options)
    base = target_argv(argv)
    return [
        (line.target, line.args, line.options(base, options))
        for line in read_targets(options.targets or "-")
    ]


def check_fleet_options(options: Options) -> None:
    """The command line's own options, which every target takes."""
    given = [n for n in options.given if n not in ("-targets", "-parallel")]
    for name in given:
        if name in PLACE:
            raise TargetsError(f"{PROG}: -targets: {name}: each line's host:port says where\n")
    _refuse(given, "-targets")
