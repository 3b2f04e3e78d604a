"""Every ``-json`` document a test reads is validated against the schema.

A test that runs sclient with ``-json`` must read stdout through
``support.jsondoc.sclient_json`` (directly, or through ``support.summary.parse_json``
which calls it), never parse it itself: so no document escapes the schema
(docs/sclient-report.schema.json)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
#: Calls that parse and validate a -json document.
READERS = {"sclient_json", "parse_json"}
#: Files that name "-json" without running it (the option table, the parser).
OPTION_ONLY = {"cli/test_cli_parse.py", "cli/test_cli_table.py"}
#: Direct JSON parsing, forbidden where -json runs.
PARSERS = {"loads", "load", "raw_decode", "JSONDecoder"}


def _called(node: ast.AST) -> set[str]:
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            f = n.func
            names.add(f.id if isinstance(f, ast.Name) else getattr(f, "attr", ""))
    return names


def _runs_json(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value == "-json" for n in ast.walk(node))


def offenders(root: Path = TESTS) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in OPTION_ONLY or rel in ("support/jsondoc.py", Path(__file__).name):
            continue
        tree = ast.parse(path.read_text(), str(path))
        if not _runs_json(tree):
            continue
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) or not _runs_json(fn):
                continue
            if any(
                isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef) and _runs_json(inner)
                for inner in ast.walk(fn)
                if inner is not fn
            ):
                continue  # judged by the inner function
            calls = _called(fn)
            if not calls & READERS:
                bad.append(f"{rel}:{fn.lineno} {fn.name} runs -json without sclient_json()")
            if calls & PARSERS:
                bad.append(f"{rel}:{fn.lineno} {fn.name} parses -json output itself")
    return bad


def test_every_json_run_is_validated() -> None:
    assert offenders() == []


def test_the_check_sees_an_unvalidated_run(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        "import json\n"
        "def test_a():\n"
        "    res = run_sclient(['-connect', 'h:1', '-json'])\n"
        "    doc = json.loads(res.stdout)\n"
        "def test_b():\n"
        "    res = run_sclient(['-connect', 'h:1', '-json'])\n"
        "    doc = sclient_json(res.stdout)\n"
    )
    assert offenders(tmp_path) == [
        "test_x.py:2 test_a runs -json without sclient_json()",
        "test_x.py:2 test_a parses -json output itself",
    ]


def test_the_schema_uses_only_checked_keywords() -> None:
    """The tests' validator checks every keyword the schema uses (it has no
    ``jsonschema`` to fall back on)."""
    from support import jsondoc

    seen: set[str] = set()

    def walk(sch: dict) -> None:  # type: ignore[type-arg]
        seen.update(sch)
        for sub in sch.get("properties", {}).values():
            walk(sub)
        for sub in sch.get("$defs", {}).values():
            walk(sub)
        for sub in sch.get("oneOf", []):
            walk(sub)
        if isinstance(sch.get("items"), dict):
            walk(sch["items"])

    walk(jsondoc.schema())
    assert seen <= jsondoc._CHECKED | jsondoc._ANNOTATIONS, seen - jsondoc._CHECKED
    assert "$ref" in seen and "oneOf" in seen
