"""The layers of DESIGN.md, enforced on every import in src/.

Imports go down only: cli -> app -> transport and report -> starttls and x509
-> tls -> base (rooms on one level may use each other), and no group of
modules imports itself around a circle. Every import counts, the ones inside
functions too (they only put the circle off until run time); imports under
``if TYPE_CHECKING:`` do not, as they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: The level of each room (a top-level package of sclient); higher may import lower.
LEVEL = {
    "base": 1,
    "tls": 2,
    "x509": 3,
    "starttls": 3,
    "transport": 4,
    "report": 4,
    "app": 5,
    "demo": 5,
    "cli": 6,
    "__main__": 7,
    "": 7,  # sclient/__init__.py
}

#: Circles that exist and are still to be taken apart (none now). A new circle,
#: or one that grows, fails; one that disappears must be taken off this list.
KNOWN_CIRCLES: list[frozenset[str]] = []


def _modules() -> dict[str, Path]:
    mods = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str) -> list[tuple[str, list[str]]]:
    """Every import in ``tree``: (module, names taken from it)."""
    out: list[tuple[str, list[str]]] = []

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            out.append((base, [a.name for a in node.names]))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets = set()
        for module, names in _imports(ast.parse(path.read_text(), str(path)), package):
            # "from pkg import mod" depends on pkg.mod; "from mod import thing" on mod
            subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in mods]
            targets.update(subs or ([module] if module in mods else []))
        graph[name] = {t for t in targets if t != name and t.startswith("sclient")}
    return graph


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(frozenset(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def test_every_room_has_a_level() -> None:
    rooms = {_room(m) for m in _modules()}
    assert rooms <= set(LEVEL), f"rooms without a level: {sorted(rooms - set(LEVEL))}"


def test_imports_go_down_only() -> None:
    graph = import_graph()
    upward = sorted(
        f"{a} -> {b}"
        for a, targets in graph.items()
        for b in targets
        if LEVEL[_room(b)] > LEVEL[_room(a)]
    )
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_base_imports_nothing_of_sclient_above_it() -> None:
    graph = import_graph()
    bad = sorted(
        f"{a} -> {b}"
        for a, targets in graph.items()
        if _room(a) == "base"
        for b in targets
        if _room(b) != "base"
    )
    assert not bad, "\n".join(bad)


def test_no_new_import_circles() -> None:
    found = circles(import_graph())
    new = [sorted(c) for c in found if c not in KNOWN_CIRCLES]
    gone = [sorted(c) for c in KNOWN_CIRCLES if c not in found]
    assert not new, f"import circles: {new}"
    assert not gone, f"gone or changed, take them off KNOWN_CIRCLES: {gone}"


def test_the_checks_can_fail() -> None:
    g = {"sclient.base.a": {"sclient.tls.b"}, "sclient.tls.b": {"sclient.base.a"}}
    assert circles(g) == [frozenset(g)]
    assert LEVEL[_room("sclient.tls.b")] > LEVEL[_room("sclient.base.a")]
    tree = ast.parse("if TYPE_CHECKING:\n    import sclient.app\nimport sclient.tls\n")
    assert _imports(tree, "sclient") == [("sclient.tls", [])]
