"""sclient.cli.main: exit statuses, stderr, lazy imports, interruption."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from sclient.cli import main as main_mod
from sclient.cli.help import format_help


def run_main(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main_mod.main(argv)
    out, err = capfd.readouterr()
    return status, out, err


def test_help_goes_to_stderr_exit_0(capfd: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_main(["-help"], capfd)
    assert (status, out, err) == (0, "", format_help())


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["-h"], ["--h"], ["-help", "-foo"], ["-help", "host:1", "extra"]],
)
def test_help_first_is_what_the_parser_prints(
    argv: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    """A first ``-help`` (any spelling) prints the help whatever follows, as the
    parser does when it meets it; later options are never looked at."""
    assert run_main(argv, capfd) == (0, "", format_help())
    # Behind another option, the parser itself reaches it: the same text.
    assert run_main(["-4", *argv], capfd) == (0, "", format_help())


def test_help_after_a_bad_option_is_a_usage_error(capfd: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_main(["-foo", "-help"], capfd)
    assert status == 1 and err.startswith("s_client: Unknown option: -foo\n")


def test_usage_error(capfd: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_main(["-foo"], capfd)
    assert (status, out) == (1, "")
    assert err == "s_client: Unknown option: -foo\ns_client: Use -help for summary.\n"


def test_not_yet(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An option marked not yet (none is now; -async stands in): sclient's line, exit 1."""
    from sclient.base import structs
    from sclient.cli import options, parsetable

    spec = options.BY_NAME["async"]
    monkeypatch.setitem(options.BY_NAME, "async", structs.replace(spec, status=options.NOT_YET))
    # the parser reads the table generated from options (sclient.cli.parsetable)
    row = parsetable.BY_NAME["async"]
    fields = (row.name, row.attr, row.valtype, row.value_kind, row.repeat, row.family)
    not_yet = parsetable.ParseSpec(*fields, options.NOT_YET, row.choices)
    monkeypatch.setitem(parsetable.BY_NAME, "async", not_yet)
    status, _out, err = run_main(["-async"], capfd)
    assert status == 1
    assert err == (
        "s_client: Option -async is not supported yet by sclient "
        "(sclient -help marks every such option)\n"
    )


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    module = types.ModuleType("sclient.app.run")

    def run(options: object) -> int:
        calls.append(options)
        return 7

    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sclient.app.run", module)
    return calls


def test_calls_app_run(fake_run: list[object], capfd: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run_main(["-verify", "2", "-connect", "h:1"], capfd)
    assert status == 7
    assert err == "verify depth is 2\n"
    (options,) = fake_run
    assert (options.host, options.port, options.verify) == ("h", "1", 2)  # type: ignore[attr-defined]


def test_keyboard_interrupt(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    module = types.ModuleType("sclient.app.run")

    def run(options: object) -> int:
        raise KeyboardInterrupt

    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sclient.app.run", module)
    status, out, err = run_main([], capfd)
    assert (status, out, err) == (130, "", "")


def test_broken_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("sclient.app.run")

    def run(options: object) -> int:
        raise BrokenPipeError

    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sclient.app.run", module)
    monkeypatch.setattr(main_mod, "_silence_stdout", lambda: None)
    assert main_mod.main([]) == 1


def test_missing_app_layer(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # None in sys.modules makes the import raise ModuleNotFoundError(name="sclient.app.run").
    monkeypatch.setitem(sys.modules, "sclient.app.run", None)
    status, out, err = run_main([], capfd)
    assert (status, out) == (1, "")
    assert err == "s_client: the connection layer (sclient.app.run) is not available\n"


def test_undecodable_argument_bytes_round_trip(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    # Arguments are written back byte for byte, as OpenSSL does.
    status = main_mod.main([os.fsdecode(b"-\xff\xfe")])
    assert status == 1
    assert capfdbinary.readouterr().err == (
        b"s_client: Unknown option: -\xff\xfe\ns_client: Use -help for summary.\n"
    )


def test_cli_imports_are_light() -> None:
    code = (
        "import sys\n"
        "from sclient.cli.main import main\n"
        "rc = main(['-help'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'cryptography'"
        " or m.startswith(('sclient.tls', 'sclient.app', 'sclient.x509', 'sclient.report',"
        " 'sclient.transport')) and m not in ('sclient.tls', 'sclient.base.structs'))\n"
        "print(rc, heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert r.stdout.strip() == "0 []", r.stderr


def test_python_m_sclient_help_bytes() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "sclient", "-help"],
        capture_output=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0
    assert r.stdout == b""
    assert r.stderr == format_help().encode()
