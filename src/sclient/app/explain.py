"""``-explain``: the diagnosis block on stderr after the run's usual output
(``report.explain`` makes it from the collected report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sclient.app.program import Program


def print_explanations(program: Program) -> None:
    from sclient.app.jsonsetup import json_setup
    from sclient.report.explain import explain, render_text

    c = program.c
    found = explain(program.report, program.view, json_setup(program.o), c.err_log)
    c.flush()
    c.err(render_text(found))
