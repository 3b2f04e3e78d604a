"""Entry point: ``sclient`` / ``python -m sclient``.

Imports stay lazy so that ``sclient -help`` and usage errors start fast: nothing outside the
standard library and ``sclient.cli`` is imported before the command line is known to be good.
"""

from __future__ import annotations

import gc
import os
import sys

EXIT_INTERRUPTED = 130


def _write_stderr(text: str) -> None:
    """Write ``text`` to stderr byte for byte (arguments may hold undecodable bytes)."""
    if not text:
        return
    data = os.fsencode(text)
    stream = sys.stderr
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(text)
            stream.flush()
    except (BrokenPipeError, ValueError):
        pass


def _silence_stdout() -> None:
    """After EPIPE on stdout, keep the interpreter's final flush from raising again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


#: A first argument that is ``-help`` (in any of the forms the parser reads
#: as it): the parser stops there and prints the help, so this can too.
_HELP_FIRST = frozenset(("-help", "--help", "-h", "--h"))


def _write_rand(path: str | None, status: int) -> int:
    """``-writerand``: written when s_client returns, whatever its outcome
    (``app_RAND_write`` in openssl's main); failing to is exit status 1."""
    if path is None:
        return status
    from sclient.cli.randfile import write_rand_file

    failed = write_rand_file(path)
    if failed:
        sys.stdout.flush()
        _write_stderr(failed)
        return 1
    return status


def main(argv: list[str] | None = None) -> int:
    """Run s_client with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] in _HELP_FIRST:
        # The generated text: no option table, no typing, nothing else to import.
        from sclient.cli.helptext import HELP

        _write_stderr(HELP)
        return 0
    from sclient.cli.parse import UsageError, parse_args

    try:
        try:
            options = parse_args(argv)
        except UsageError as e:
            _write_stderr(e.text)
            if e.stdout:
                sys.stdout.write(e.stdout)
                sys.stdout.flush()
            return _write_rand(e.writerand, e.status)
        _write_stderr("".join(options.messages))
        if options.targets is not None:
            from sclient.cli.targets import TargetsError, fleet_targets

            try:
                targets = fleet_targets(options, argv)
            except TargetsError as e:
                _write_stderr(e.text)
                return 1
            from sclient.app.fleet import run_fleet

            return run_fleet(options, targets)
        try:
            from sclient.app.run import run
        except ModuleNotFoundError as e:
            if e.name not in ("sclient.app.run", "sclient.app"):
                raise
            _write_stderr("s_client: the connection layer (sclient.app.run) is not available\n")
            return 1
        return _write_rand(options.writerand, int(run(options)))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return 1


def command() -> int:
    """The ``sclient`` command (and ``python -m sclient``): :func:`main` with the
    cyclic garbage collector paused.

    Start-up allocates tens of thousands of long-lived objects (modules,
    classes, tables) and no garbage cycles worth collecting: collections then
    only re-examine them, and at exit the interpreter's final collection walks
    them all again, some 20 ms of CPU together.  The app resumes collections
    for the connected session (``app.common.resume_collection``); what is
    alive at the end is frozen, out of the final collection's way."""
    gc.disable()
    try:
        return main()
    finally:
        gc.freeze()
