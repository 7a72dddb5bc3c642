"""Print the import cycles inside the ``connector`` package (exit 1 when there is one).

The graph is built with ``ast`` from every ``import`` in ``connector/`` (module level and inside
functions, so a cycle hidden behind a lazy import still counts). A strongly connected component
of more than one module is a cycle, except the edges from a package's own ``__init__`` to its
submodules, which Python resolves without trouble and which are left out of the graph.

Run: ``python scripts/import_cycles.py [--largest N]``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "connector"


def module_name(path: Path) -> str:
    """Return the dotted name of a file below the repository root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Map every module of the package to its file."""
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """Return the longest known module that ``name`` is or lies in."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Return the package modules that ``name`` imports."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            hit = _resolve(target, known)
            if hit and hit != name:
                found.add(hit)
    if is_package:  # a package's own __init__ importing its submodules is no cycle
        found = {t for t in found if not t.startswith(name + ".")}
    return found


def graph() -> dict[str, set[str]]:
    """Return the import graph of the package."""
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def largest(count: int) -> list[tuple[int, str]]:
    """Return the ``count`` largest modules of the package by lines."""
    sizes = [(len(p.read_text().splitlines()), str(p.relative_to(ROOT))) for p in modules().values()]
    return sorted(sizes, reverse=True)[:count]


def main(argv: list[str]) -> int:
    """Print the cycles (and with ``--largest N`` the largest modules)."""
    found = cycles(graph())
    print(f"import cycles inside {PACKAGE}/: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    if "--largest" in argv:
        count = int(argv[argv.index("--largest") + 1])
        print(f"largest {count} modules (lines):")
        for lines, path in largest(count):
            print(f"  {lines:5d} {path}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
