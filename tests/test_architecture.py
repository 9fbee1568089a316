"""The layers of `dsl/` (issue 21, docs/ARCHITECTURE.md): a module imports only from its own
layer and the layers below it, lazily or not (imports for type checking aside)."""
import ast

import pytest
from conftest import ROOT

# lower number: lower layer. `dsl.grammar` is data; `dsl.plugins` is reached only through the
# registry (tests/test_plugins.py checks that).
RANK = {"diagnostics": 0, "output": 0, "syntax": 0, "grammar": 0, "extension": 1, "semantics": 2, "api": 3,
        "tools": 4, "aws": 4, "cli": 5, "__init__": 5, "__main__": 5,
        # the plugin API's stable names: each re-exports one module of its layer
        "kinds": 1, "emitters": 1, "hookspecs": 1, "layout": 1, "ir": 0}
MODULES = sorted((ROOT / "dsl").rglob("*.py"))


def _layer(parts) -> str:
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _imports(tree):
    """(line, module) of every `dsl.*` import outside `if TYPE_CHECKING:` blocks."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "dsl":
            parts = node.module.split(".")[1:]
            if parts:
                yield node.lineno, parts[0]
            else:  # from dsl import x: x is a module or a name of dsl/__init__
                for alias in node.names:
                    if alias.name != "__version__":  # (a constant, below every layer)
                        yield node.lineno, alias.name if alias.name in RANK else "__init__"
        elif isinstance(node, ast.ImportFrom) and node.level:
            yield node.lineno, "relative"


def test_every_module_has_a_layer():
    for path in MODULES:
        assert _layer(path.relative_to(ROOT / "dsl").parts) in RANK, path


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT / "dsl")) for p in MODULES])
def test_a_module_imports_only_its_own_layer_and_those_below(path):
    layer = _layer(path.relative_to(ROOT / "dsl").parts)
    for line, target in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if target == "relative":
            assert path.parent == ROOT / "dsl", f"{path}:{line}: subpackages import absolutely (dsl.layer.module)"
            continue
        if layer == "__init__" or target == "__init__" and layer in ("cli", "__main__"):
            continue
        assert RANK[target] <= RANK[layer], f"{path}:{line}: `{layer}` imports `{target}`, a layer above it"


def test_the_plugin_api_keeps_its_names():
    """Third-party plugins import these; the code moved into the layers, the names stayed."""
    import dsl.emitters
    import dsl.extension.kinds
    import dsl.hookspecs
    import dsl.ir
    import dsl.kinds
    import dsl.syntax.ir

    assert dsl.kinds.StepKind is dsl.extension.kinds.StepKind and dsl.kinds.Field is dsl.extension.kinds.Field
    assert dsl.ir.Step is dsl.syntax.ir.Step
    assert dsl.emitters.Emitter and dsl.hookspecs.hookimpl
