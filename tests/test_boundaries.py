"""Mechanical guards on the architecture.

- The engine (``sclient.tls``) is sans-I/O: no module of it may import
  ``socket``, ``ssl``, ``select``, ``asyncio`` or ``time`` (an AST scan of every
  file, so a conditional or function-level import counts too).
- ``sclient -help`` must not import ``cryptography`` (start-up cost: help and
  usage errors should be instant).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sclient

FORBIDDEN = {"socket", "ssl", "select", "asyncio", "time", "selectors"}
PACKAGE = Path(sclient.__file__).resolve().parent
ENGINE = PACKAGE / "tls"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def test_engine_files_exist() -> None:
    assert ENGINE.is_dir(), f"{ENGINE} is missing"
    assert list(ENGINE.rglob("*.py")), "the engine package has no modules"


def test_engine_is_sans_io() -> None:
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for lineno, name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{lineno}: imports {name}")
    assert not offenders, "the engine must not do I/O or read the clock:\n" + "\n".join(offenders)


def test_forbidden_import_is_detected(tmp_path: Path) -> None:
    """The scanner itself sees the usual spellings."""
    p = tmp_path / "m.py"
    p.write_text(
        "import os, socket as s\n"
        "from time import monotonic\n"
        "def f():\n    import asyncio.events\n"
        "x = __import__('select')\n"
        "import importlib\ny = importlib.import_module('ssl')\n"
        "from . import time\n"  # relative: a sibling module, allowed
    )
    names = {n.split(".")[0] for _, n in _imports(p)}
    assert {"socket", "time", "asyncio", "select", "ssl"} <= names


def test_help_does_not_import_cryptography() -> None:
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sclient", "-help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "No module named sclient.cli" in r.stderr or "ModuleNotFoundError" in r.stderr:
        pytest.fail(f"sclient -help does not run yet:\n{r.stderr[-2000:]}")
    assert r.returncode == 0, f"sclient -help exit status {r.returncode}\n{r.stderr[-2000:]}"
    imported = [
        line.split("|")[-1].strip()
        for line in r.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    assert imported, "no -X importtime output"
    crypto = [m for m in imported if m.split(".")[0] == "cryptography"]
    assert not crypto, f"-help imported {len(crypto)} cryptography modules, first: {crypto[:5]}"
    help_text = "\n".join(
        line for line in r.stderr.splitlines() if not line.startswith("import time:")
    )
    assert "Usage: s_client [options] [host:port]" in help_text, help_text[:500]
