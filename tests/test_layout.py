"""The package's layers, read from the source: no import circles, and nothing imports upward.

The graph is built with ast from every module under awslocal_cli/: `import` and `from ...
import` at module level and inside functions (a lazy import is an edge too: it runs as soon as
the function does), imports under `if TYPE_CHECKING:` too (they never run, but a circle of
annotations is a circle all the same, and it would run the day the annotation is needed at run
time), relative imports resolved, and importlib.import_module with a literal name or an f-string
whose literal head names a package (an edge to each module under it); a face made lazy with
services.lazy_face(__name__, ...) has an edge to each module beside it. A dynamic import the
walk cannot resolve fails the test until it is listed in DYNAMIC with the modules it can reach.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE = "awslocal_cli"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# importlib.import_module calls whose name is computed: (module, function) -> what they import
# (None: what the caller names; the edges are charged to each caller, see LAZY_FACE).
DYNAMIC: dict[tuple[str, str], str | None] = {
    # The service's face, by service name (the front doors' one dispatch).
    ("awslocal_cli.dispatch", "service_module"): "awslocal_cli.services.*",
    # The lazy face's __getattr__ imports the modules of the face that made it.
    ("awslocal_cli.services", "__getattr__"): None,
}
# A face that calls this helper with its own __name__ imports any module beside it lazily.
LAZY_FACE = "lazy_face"

# Lower layers: none of these may import the CLI (or click, which only the CLI uses).
# The other front doors (wire, sdk) and what every door shares import no CLI module either.
LOWER = ("services", "store", "crypto", "policy", "errors", "clock", "dispatch", "context",
         "validate", "wire", "sdk")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _under(prefix: str) -> set[str]:
    """The modules under package `prefix` (its own __init__ excluded)."""
    return {m for m in MODULES if m.startswith(prefix + ".")}


class _Imports(ast.NodeVisitor):
    """Every import a module can run, as (line, imported name, 'import' | 'from' | 'dynamic')."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.found: list[tuple[int, str, str]] = []  # (line, target module, how)
        self.unresolved: list[tuple[str, int]] = []  # dynamic imports with computed names
        self._functions: list[str] = []
        package = module if _is_package(module) else module.rpartition(".")[0]
        self._package = package

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((node.lineno, alias.name, "import"))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self._package.split(".")
            if node.level > 1:
                base = base[: -(node.level - 1)]
            source = ".".join([*base, node.module] if node.module else base)
        else:
            source = node.module or ""
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            # `from pkg import mod` imports the module; `from mod import name` the module itself.
            self.found.append((node.lineno, submodule if submodule in MODULES else source, "from"))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == LAZY_FACE and node.args and getattr(node.args[0], "id", None) == "__name__":
            for target in sorted(_under(self.module)):
                self.found.append((node.lineno, target, "dynamic"))
        if name in ("import_module", "__import__") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                self.found.append((node.lineno, arg.value, "dynamic"))
            elif (
                isinstance(arg, ast.JoinedStr)
                and arg.values
                and isinstance(arg.values[0], ast.Constant)
                and str(arg.values[0].value).endswith(".")
            ):
                head = str(arg.values[0].value).rstrip(".")
                for target in sorted(_under(head)):
                    self.found.append((node.lineno, target, "dynamic"))
            elif _is_own_submodule(arg):
                # f"{__name__}.{name}": a package's face loading one of its own modules lazily.
                for target in sorted(_under(self.module)):
                    if target != self.module:
                        self.found.append((node.lineno, target, "dynamic"))
            else:
                where = (self.module, self._functions[-1] if self._functions else "")
                pattern = DYNAMIC.get(where, "")
                if pattern == "":
                    self.unresolved.append((f"{where[0]}.{where[1]}", node.lineno))
                elif pattern is not None:
                    for target in sorted(_under(pattern.removesuffix(".*"))):
                        self.found.append((node.lineno, target, "dynamic"))
        self.generic_visit(node)


def _is_own_submodule(arg: ast.expr) -> bool:
    """`f"{__name__}.{...}"`: the module's own name, a dot, then anything."""
    if not isinstance(arg, ast.JoinedStr) or len(arg.values) < 2:
        return False
    first, second = arg.values[0], arg.values[1]
    return (
        isinstance(first, ast.FormattedValue)
        and isinstance(first.value, ast.Name)
        and first.value.id == "__name__"
        and isinstance(second, ast.Constant)
        and str(second.value).startswith(".")
    )


def _scan() -> tuple[dict[str, dict[str, int]], dict[str, set[str]], list[tuple[str, int]]]:
    """Internal edges (module -> {module: line}), external imports, and unresolved ones."""
    edges: dict[str, dict[str, int]] = {}
    external: dict[str, set[str]] = {}
    unresolved: list[tuple[str, int]] = []
    for module, path in MODULES.items():
        visitor = _Imports(module)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        unresolved.extend(visitor.unresolved)
        for line, target, _how in visitor.found:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                # The most specific module that exists (`a.b.name` -> `a.b`).
                while target not in MODULES and "." in target:
                    target = target.rpartition(".")[0]
                if target != module:
                    edges.setdefault(module, {}).setdefault(target, line)
            else:
                external.setdefault(module, set()).add(target.split(".")[0])
    return edges, external, unresolved


EDGES, EXTERNAL, UNRESOLVED = _scan()


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Circles in the graph: in each strongly connected component, a shortest one through each
    of its modules (so two circles that share a module are both named)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:  # Tarjan's algorithm
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, {})):
            if nxt not in index:
                connect(nxt)
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
                components.append(sorted(component))

    for node in sorted(set(edges) | {t for targets in edges.values() for t in targets}):
        if node not in index:
            connect(node)
    circles: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for component in sorted(components):
        for start in component:
            circle = _circle(edges, start, set(component))
            # The same circle seen from another of its modules: keep it once.
            turn = circle.index(min(circle[:-1]))
            key = tuple(circle[turn:-1] + circle[:turn])
            if key not in seen:
                seen.add(key)
                circles.append(circle)
    return circles


def _circle(edges: dict[str, dict[str, int]], start: str, members: set[str]) -> list[str]:
    """A shortest circle from `start` back to it through `members` (a strong component)."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(edges.get(node, {})):
                if nxt == start:
                    return [*paths[node], start]
                if nxt in members and nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    raise AssertionError(f"{start} is on no circle in {sorted(members)}")


def describe(circle: list[str]) -> str:
    steps = [f"{a} (line {EDGES[a][b]})" for a, b in itertools.pairwise(circle)]
    return " -> ".join([*steps, circle[-1]])


def test_the_walk_sees_the_package() -> None:
    # The walk must find what the tree holds, or a pass below would mean nothing.
    assert "awslocal_cli.cli.main" in MODULES and "awslocal_cli.dispatch" in MODULES
    assert "awslocal_cli.cli.options" in EDGES["awslocal_cli.cli.main"]
    # Lazy (function-level) imports count: main reaches the click tree only inside run().
    assert "awslocal_cli.cli.tree" in EDGES["awslocal_cli.cli.main"]
    assert "click" in EXTERNAL["awslocal_cli.cli.tree"]
    # TYPE_CHECKING-only imports count too (a circle of annotations is a circle of ideas):
    # dispatch names Context only for annotations.
    assert "awslocal_cli.context" in EDGES["awslocal_cli.dispatch"]
    # A lazy face reaches the modules beside it: the SQS face imports queues.py on first use.
    assert "awslocal_cli.services.sqs.queues" in EDGES["awslocal_cli.services.sqs"]


def test_the_cycle_finder_finds_and_names_a_circle() -> None:
    edges = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3, "d": 4}, "d": {"e": 5}}
    assert cycles(edges) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b": 1}, "b": {}}) == []
    assert cycles({"x": {"y": 1}, "y": {"x": 2}, "p": {"q": 3}, "q": {"p": 4}}) == [
        ["p", "q", "p"], ["x", "y", "x"]
    ]
    # Two circles through one module, as services/sns.py had with its archive and records.
    assert cycles({"s": {"a": 1, "r": 2}, "a": {"s": 3}, "r": {"s": 4}}) == [
        ["a", "s", "a"], ["r", "s", "r"]
    ]


def test_every_dynamic_import_is_resolved() -> None:
    assert not UNRESOLVED, (
        "importlib.import_module with a computed name; list it in DYNAMIC with what it imports: "
        f"{UNRESOLVED}"
    )


def test_no_import_circles() -> None:
    found = cycles(EDGES)
    assert not found, "import circles:\n" + "\n".join(describe(c) for c in found)


@pytest.mark.parametrize("layer", LOWER)
def test_lower_layers_do_not_import_the_cli(layer: str) -> None:
    prefix = f"{PACKAGE}.{layer}"
    offenders = []
    for module in sorted(MODULES):
        if module != prefix and not module.startswith(prefix + "."):
            continue
        offenders += [
            f"{module} imports {target} (line {line})"
            for target, line in EDGES.get(module, {}).items()
            if target == f"{PACKAGE}.cli" or target.startswith(f"{PACKAGE}.cli.")
        ]
        if "click" in EXTERNAL.get(module, set()):
            offenders.append(f"{module} imports click")
    assert any(m == prefix or m.startswith(prefix + ".") for m in MODULES), f"no {prefix}"
    assert not offenders, "\n".join(offenders)


# What the store stands on: it may import only these (and itself); everything above it
# (context, services, portable, the front doors) hands in what the store must call.
STORE_FLOOR = ("store", "errors", "clock", "crypto", "policy", "config", "ids", "patterns",
               "parking", "constraints", "model", "validate")


def test_the_store_imports_nothing_above_it() -> None:
    prefix = f"{PACKAGE}.store"
    allowed = tuple(f"{PACKAGE}.{name}" for name in STORE_FLOOR)
    offenders = [
        f"{module} imports {target} (line {line})"
        for module in sorted(MODULES) if module == prefix or module.startswith(prefix + ".")
        for target, line in EDGES.get(module, {}).items()
        if target != PACKAGE
        and not any(target == a or target.startswith(a + ".") for a in allowed)
    ]
    assert not offenders, "\n".join(offenders)
