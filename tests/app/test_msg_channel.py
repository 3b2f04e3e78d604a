"""The message channel (``bio_c_msg``) the tracing renderers write to:
stdout even when ``-quiet``/``-brief`` silence s_client's own lines (the
golden ``-trace -quiet`` case checks that against openssl), stderr in
``-json`` mode, whose stdout is the JSON document, and the ``-msgfile``."""

from __future__ import annotations

from pathlib import Path

import pytest

from sclient.app.console import Console


def test_quiet_console_still_carries_messages(capfd: pytest.CaptureFixture[str]) -> None:
    c = Console(quiet=True)
    c.out("summary\n")
    c.msg_channel().out("Sent Record\n")
    c.flush()
    assert capfd.readouterr().out == "Sent Record\n"


def test_json_mode_keeps_messages_off_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    c = Console(quiet=True, keep_data=False)
    c.msg_channel().out("Sent Record\n")
    c.flush()
    assert capfd.readouterr() == ("", "Sent Record\n")
    assert c.err_log == []  # not a message -json would report a failure from


def test_msgfile_takes_the_messages(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with (tmp_path / "msg").open("w") as f:
        c = Console()
        c.out("CONNECTED(00000003)\n")
        c.msg_channel(f).out("Sent Record\n")
    assert capfd.readouterr().out == "CONNECTED(00000003)\n"
    assert (tmp_path / "msg").read_text() == "Sent Record\n"


def test_order_with_stdout_lines(capfd: pytest.CaptureFixture[str]) -> None:
    c = Console()
    c.out("CONNECTED(00000003)\n")
    c.msg_channel().out("Sent Record\n")
    c.out("---\n")
    c.flush()
    assert capfd.readouterr().out == "CONNECTED(00000003)\nSent Record\n---\n"
