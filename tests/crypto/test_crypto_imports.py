"""The crypto layer is sans-I/O: no module of ``sclient.tls.crypto`` may import
socket, ssl, select, asyncio or time (checked on the source with ``ast``)."""

from __future__ import annotations

import ast
from pathlib import Path

import sclient.tls.crypto

FORBIDDEN = {"socket", "ssl", "select", "asyncio", "time"}
PACKAGE_DIR = Path(sclient.tls.crypto.__file__).parent


def _imported_modules(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in ("__import__", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_no_io_or_clock_imports() -> None:
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(sources) >= 9
    offenders: dict[str, set[str]] = {}
    for path in sources:
        mods = _imported_modules(ast.parse(path.read_text(), filename=str(path)))
        bad = {m for m in mods if m.split(".")[0] in FORBIDDEN}
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_checker_catches_forbidden_imports() -> None:
    for src in (
        "import socket",
        "import time as t",
        "from ssl import SSLContext",
        "import select, os",
        "from asyncio.events import get_event_loop",
        "import importlib\nimportlib.import_module('socket')",
        "__import__('time')",
    ):
        mods = _imported_modules(ast.parse(src))
        assert {m.split(".")[0] for m in mods} & FORBIDDEN, src
    assert not {m.split(".")[0] for m in _imported_modules(ast.parse("import timeit"))} & FORBIDDEN
