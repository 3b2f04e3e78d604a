"""``run(options) -> int``: the s_client program behind the command line."""

from __future__ import annotations

import _signal as signal  # type: ignore[import-not-found]  # the C module: ``signal`` builds enums at import
import contextlib
import os
import sys
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sclient.app.console import Console
    from sclient.app.program import Program
    from sclient.cli.optionsclass import Options


class _Signalled(BaseException):
    def __init__(self, signo: int) -> None:
        super().__init__(signo)
        self.signo = signo


def _on_signal(signo: int, frame: FrameType | None) -> None:
    raise _Signalled(signo)


def _die_by(signo: int) -> int:
    """End the process by ``signo``, as openssl does: the parent sees a death by
    signal, so a shell loop stops on Ctrl-C. The status is for the case where
    the signal cannot kill (not the main thread)."""
    with contextlib.suppress(ValueError, OSError):
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signo, signal.SIG_DFL)
        os.kill(os.getpid(), signo)
    return 128 + signo


def run(options: Options) -> int:
    """Run one s_client session; the exit status OpenSSL would give.

    SIGINT/SIGTERM end the run without a traceback, the process dying by the
    signal as openssl's does (after ``-json`` has printed its document); a
    signal the parent set to be ignored stays ignored. Any unexpected
    exception prints ``s_client: internal error: …`` and gives 1
    (``SCLIENT_DEBUG=1`` re-raises it).
    """
    old = {}
    for signo in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            if signal.getsignal(signo) == signal.SIG_IGN:
                continue  # nohup, a background job of a non-interactive shell
            old[signo] = signal.signal(signo, _on_signal)
    try:
        return _run(options)
    except _Signalled as sig:
        return _die_by(sig.signo)
    except KeyboardInterrupt:
        return _die_by(signal.SIGINT)
    except Exception as exc:
        if os.environ.get("SCLIENT_DEBUG"):
            raise
        what = str(exc) or type(exc).__name__
        try:
            sys.stderr.flush()
            os.write(2, f"s_client: internal error: {type(exc).__name__}: {what}\n".encode())
        except OSError:
            pass
        return 1
    finally:
        for signo, handler in old.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signo, handler)


def _ech_retry(program: Program, console: Console) -> Program | None:
    """``-ech_retry``: a new program for the same settings with the
    retry_configs the server sent when it rejected ECH (None: it sent none)."""
    from sclient.app.program import Program
    from sclient.base import structs

    outcome = program.report.current.ech
    if outcome is None or outcome.retry_configs is None:
        return None
    settings = program.s
    ech = structs.replace(settings.config.ech, config_list=outcome.retry_configs)
    settings = structs.replace(settings, config=structs.replace(settings.config, ech=ech))
    console.err("ECH: retrying with the server's retry_configs\n")
    console.flush()
    retry = Program(program.o, console, settings)
    # One run: the first attempt's connection and error queue come first
    # (-json prints one document with both connections, as for -reconnect).
    first, again = program.report, retry.report
    for c in again.connections:
        c.first_error += len(first.errors)
    again.errors[:0] = first.errors
    again.connections[:0] = first.connections
    again.t_start = first.t_start
    return retry


def _run(options: Options) -> int:
    from sclient.app.common import Exit
    from sclient.app.console import Console
    from sclient.app.program import Program
    from sclient.app.settings import build_settings
    from sclient.transport import clock

    quiet = options.effective_quiet and not options.debug
    json_mode = options.json
    console = Console(quiet=quiet or json_mode, keep_data=not json_mode)
    t_start = clock.monotonic()
    try:
        settings = build_settings(options, console)
    except Exit as e:
        if json_mode and e.status:
            from sclient.app.jsonsetup import json_setup
            from sclient.report.jsonout import setup_failure_report, write_document

            write_document(setup_failure_report(json_setup(options), console.err_log, t_start))
        return e.status
    if options.explain_probe:
        from sclient.app.probe import ProbingProgram as Program
    program = Program(options, console, settings)
    if settings.query_errors:
        from sclient.app.providers import subscribe_query_errors

        subscribe_query_errors(program, settings.query_errors)
    try:
        timed = options.connect_timeout_s is not None or options.max_time_s is not None

        def run_one(p: Program) -> int:
            if timed:
                from sclient.app.timeouts import run_with

                return run_with(p, t_start)
            return p.run()

        if options.ech_retry and program.json_mode:
            # -json prints one document, after the retry if there is one.
            program.emit_json = lambda: None  # type: ignore[method-assign]
        status = run_one(program)
        if options.ech_retry:
            retry = _ech_retry(program, console) if status else None
            if retry is not None:
                program = retry
                status = run_one(program)
            elif program.json_mode:
                Program.emit_json(program)
        if options.explain or options.explain_probe:
            from sclient.app.explain import print_explanations

            print_explanations(program)
        return status
    except _Signalled as sig:
        if program.json_mode:
            console.flush()
            program.report.signal = sig.signo
            program.status = 128 + sig.signo
            Program.emit_json(program)  # also when -ech_retry held the document back
        raise
    finally:
        console.flush()
        # Closed here, not left to exit: the command freezes what is alive.
        for f in (settings.keylog, settings.msgfile):
            if f is not None:
                with contextlib.suppress(OSError):  # a full disk was met on writing
                    f.close()
