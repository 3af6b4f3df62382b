"""Reads the imports of a source tree (inside functions too) and finds circles and wall breaches.

Three graphs must be free of circles: modules, the back-office's rooms (`backoffice/<room>/`, each root
module on its own), and the top-level packages. A wall is a package that must not import certain others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGES = (
    "actions",
    "backoffice",
    "bench",
    "bot",
    "catalog",
    "certificates",
    "standins",
    "trainer_capture",
    "whatsapp_contract",
)
# package -> what it must never import (its own name's prefixes, checked on the dotted module name)
WALLS = {
    "certificates": ("flask", "backoffice", "bot", "actions"),
    "catalog": ("flask", "backoffice", "bot", "actions"),
    "bot": ("backoffice",),
    "actions": ("backoffice",),
    # Meta's published contract: the channel (Rasa's venv, no Flask) and the stand-in both import it.
    "whatsapp_contract": ("flask", "backoffice", "bot", "actions", "standins"),
    # What the bot and the back-office agree on about captured messages: both venvs import it.
    "trainer_capture": ("flask", "backoffice", "bot", "actions", "standins", "rasa"),
}


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, and where."""

    importer: str
    target: str
    path: Path
    line: int


def module_name(root: Path, path: Path) -> str:
    """`backoffice/api/routes.py` -> `backoffice.api.routes`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Every module of the given top-level packages, by dotted name."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import in the file, resolved to the most specific module of the tree it names (others too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.append(candidate if candidate in modules else base)
        for target in targets:
            found.append(Import(name, target, path, node.lineno))
    return found


def room_of(module: str) -> str:
    """The back-office room of a module (`backoffice.payments`), a root module itself, else its package."""
    parts = module.split(".")
    if parts[0] == "backoffice" and len(parts) > 2:
        return ".".join(parts[:2])
    return module if parts[0] == "backoffice" else parts[0]


def find_circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle of the directed graph as a path `[a, b, ..., a]`, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (circle := visit(nxt)):
                return circle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (circle := visit(start)):
            return circle
    return None


@dataclass
class Report:
    """What the tree breaks: circles per graph, and wall breaches."""

    module_circle: list[str] | None
    room_circle: list[str] | None
    package_circle: list[str] | None
    breaches: list[Import]

    def problems(self) -> list[str]:
        """Each problem as one line a person can act on."""
        lines = []
        for kind, circle in (
            ("module", self.module_circle),
            ("room", self.room_circle),
            ("package", self.package_circle),
        ):
            if circle:
                lines.append(f"{kind} circle: {' -> '.join(circle)}")
        lines += [f"wall breach: {b.importer} imports {b.target} ({b.path}:{b.line})" for b in self.breaches]
        return lines


def check(root: Path, packages: Iterable[str] = PACKAGES, walls: dict = WALLS) -> Report:
    """Read every import under `root` and report circles and wall breaches."""
    modules = source_files(root, packages)
    all_imports = [i for name, path in modules.items() for i in imports_of(name, path, modules)]
    inside = [i for i in all_imports if i.target in modules and i.target != i.importer]
    module_edges: dict[str, set[str]] = {}
    room_edges: dict[str, set[str]] = {}
    package_edges: dict[str, set[str]] = {}
    for i in inside:
        module_edges.setdefault(i.importer, set()).add(i.target)
        source_room, target_room = room_of(i.importer), room_of(i.target)
        if source_room != target_room:
            room_edges.setdefault(source_room, set()).add(target_room)
        source_package, target_package = i.importer.split(".")[0], i.target.split(".")[0]
        if source_package != target_package:
            package_edges.setdefault(source_package, set()).add(target_package)
    breaches = sorted(
        {
            i
            for i in all_imports
            for forbidden in walls.get(i.importer.split(".")[0], ())
            if i.target == forbidden or i.target.startswith(forbidden + ".")
        },
        key=lambda i: (i.importer, i.line, i.target),
    )
    return Report(find_circle(module_edges), find_circle(room_edges), find_circle(package_edges), breaches)
