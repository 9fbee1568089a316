"""The plugin architecture: each hook, built-ins registered like third-party plugins, plugins
loaded with -p / PIPEDSL_PLUGINS, and broken plugins reported without breaking the rest."""
import json
import sys
import textwrap
from importlib.metadata import entry_points

import pytest
from test_cli import pipedsl

import dsl
from dsl.extension.plugin_manager import build_registry

PIPE = 'pipeline P {\n step S: fail { error_message = "x" }\n}\n'


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PIPEDSL_PLUGINS", raising=False)
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("pdsl_test_")]:
        del sys.modules[name]


def write_plugin(directory, name, body):
    (directory / f"{name}.py").write_text(textwrap.dedent(body))


STEPCOUNT = """
    from dsl.extension.emitters import Emitter
    from dsl.extension.hookspecs import hookimpl

    def emit(program, options):
        return f"{program.name}: {len(program.pipeline.steps)} steps\\n"

    @hookimpl
    def pipedsl_emitters():
        return [Emitter("stepcount", "the number of steps", emit)]
"""


def test_built_ins_are_listed_in_the_code_not_in_the_entry_point_group():
    from dsl.extension.plugin_manager import BUILTIN_PLUGINS

    assert "dsl.plugins.json_emitter" in BUILTIN_PLUGINS
    assert not [ep for ep in entry_points(group="pipedsl") if ep.value.startswith("dsl.plugins")]
    registry = build_registry()
    assert registry.problems == []
    assert {"training", "processing", "condition", "fail"} <= set(registry.kinds)
    assert registry.emitters["json"].plugin == "dsl.plugins.json_emitter"
    assert registry.kinds["fail"].plugin == "dsl.plugins.kinds.fail"


def test_each_built_in_module_provides_exactly_what_it_declares():
    import importlib

    from dsl.extension.plugin_manager import BUILTIN_PLUGINS

    for module_name, (kinds, emitters) in BUILTIN_PLUGINS.items():
        module = importlib.import_module(module_name)
        provided_kinds = [k.name for k in getattr(module, "pipedsl_step_kinds", lambda: [])()]
        provided_emitters = [e.name for e in getattr(module, "pipedsl_emitters", lambda: [])()]
        assert (tuple(provided_kinds), tuple(provided_emitters)) == (kinds, emitters), module_name


def test_a_run_imports_only_the_plugins_it_uses():
    import subprocess
    import sys

    code = ("import sys, dsl; dsl.transpile('pipeline P {\\n step F: fail { error_message = \"x\" }\\n}\\n'); "
            "print(sorted(m for m in sys.modules if m.startswith('dsl.plugins.') and not m.split('.')[-1].startswith('_')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['dsl.plugins.json_emitter', 'dsl.plugins.kinds', 'dsl.plugins.kinds.fail']"


def test_a_third_party_kind_cannot_take_a_built_in_name_not_yet_imported(plugin_dir):
    write_plugin(plugin_dir, "pdsl_test_lazy_clash", """
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import StepKind

class Tuning(StepKind):
    name = "tuning"
    type = "Tuning"

@hookimpl
def pipedsl_step_kinds():
    return [Tuning()]
""")
    registry = build_registry(["pdsl_test_lazy_clash"])
    assert registry.kinds["tuning"].plugin == "dsl.plugins.kinds.tuning"
    assert any("step kind `tuning` is already registered by the built-in `dsl.plugins.kinds.tuning`" in p
               for p in registry.problems), registry.problems


def test_hook_pipedsl_emitters_adds_an_emitter(plugin_dir):
    write_plugin(plugin_dir, "pdsl_test_count", STEPCOUNT)
    registry = build_registry(["pdsl_test_count"])
    assert registry.problems == []
    assert dsl.transpile(PIPE, to="stepcount", registry=registry) == "P: 1 steps\n"


def test_hook_pipedsl_step_kinds_adds_a_kind(plugin_dir):
    write_plugin(plugin_dir, "pdsl_test_kind", """
        from dsl.extension.hookspecs import hookimpl
        from dsl.extension.kinds import Field, StepKind

        class Note(StepKind):
            name = "note"
            type = "Fail"
            retry = cache = False
            fields = {"text": Field("string", required=True)}

            def json_arguments(self, step, ctx):
                return {"ErrorMessage": ctx.attr(step, "text")}

        @hookimpl
        def pipedsl_step_kinds():
            return [Note()]
    """)
    registry = build_registry(["pdsl_test_kind"])
    out = dsl.transpile('pipeline P {\n step N: note { text = "hi" }\n}\n', registry=registry, compact=True)
    assert '{"Name": "N", "Type": "Fail", "Arguments": {"ErrorMessage": "hi"}}' in out
    _, problems = dsl.analyse('pipeline P {\n step N: note { txt = "hi" }\n}\n', registry=registry)
    assert [d.code for d in problems] == ["E0303", "E0302"]  # missing `text` at the name, then `txt`


def test_cli_loads_plugins_with_p_and_the_environment(plugin_dir, tmp_path):
    write_plugin(plugin_dir, "pdsl_test_cli", STEPCOUNT)
    source = tmp_path / "p.pipe"
    source.write_text(PIPE)
    import os
    import subprocess

    env = dict(os.environ, PYTHONPATH=str(plugin_dir))
    run = subprocess.run([sys.executable, "-m", "dsl", "-p", "pdsl_test_cli", "transpile", str(source),
                          "--to", "stepcount"], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and run.stdout == "P: 1 steps\n", run.stderr
    env["PIPEDSL_PLUGINS"] = "pdsl_test_cli"
    run = subprocess.run([sys.executable, "-m", "dsl", "emitters"], capture_output=True, text=True, env=env)
    assert "stepcount" in run.stdout and "json" in run.stdout


def test_broken_plugins_are_named_and_the_rest_keeps_working(plugin_dir):
    write_plugin(plugin_dir, "pdsl_test_raises", """
        from dsl.extension.hookspecs import hookimpl

        @hookimpl
        def pipedsl_emitters():
            raise RuntimeError("boom")
    """)
    write_plugin(plugin_dir, "pdsl_test_wrong_type", """
        from dsl.extension.hookspecs import hookimpl

        @hookimpl
        def pipedsl_emitters():
            return ["not an emitter"]
    """)
    write_plugin(plugin_dir, "pdsl_test_duplicate", """
        from dsl.extension.emitters import Emitter
        from dsl.extension.hookspecs import hookimpl

        @hookimpl
        def pipedsl_emitters():
            return [Emitter("json", "a second json", lambda program, options: "")]
    """)
    registry = build_registry(["pdsl_test_raises", "pdsl_test_wrong_type", "pdsl_test_duplicate",
                               "pdsl_test_missing"])
    problems = "\n".join(registry.problems)
    assert "plugin `pdsl_test_raises`: pipedsl_emitters() raised RuntimeError: boom" in problems
    assert "plugin `pdsl_test_wrong_type`: pipedsl_emitters() returned str" in problems
    assert "plugin `pdsl_test_duplicate`: emitter `json` is already registered by the built-in `dsl.plugins.json_emitter`" in problems
    assert "plugin module `pdsl_test_missing` failed to import" in problems
    assert dsl.transpile(PIPE, registry=registry).startswith("{")


def test_an_emitter_that_crashes_is_reported_with_its_plugin(plugin_dir):
    write_plugin(plugin_dir, "pdsl_test_crash", """
        from dsl.extension.emitters import Emitter
        from dsl.extension.hookspecs import hookimpl

        def emit(program, options):
            return 1 / 0

        @hookimpl
        def pipedsl_emitters():
            return [Emitter("crash", "crashes", emit)]
    """)
    registry = build_registry(["pdsl_test_crash"])
    with pytest.raises(dsl.PipeError) as info:
        dsl.transpile(PIPE, to="crash", registry=registry)
    assert "emitter `crash` (plugin `pdsl_test_crash`) failed: ZeroDivisionError" in str(info.value)
    assert [d.code for d in info.value.diagnostics] == ["E0402"]


def test_cli_warns_about_a_broken_plugin_and_still_works(tmp_path):
    source = tmp_path / "p.pipe"
    source.write_text(PIPE)
    run = pipedsl("-p", "pdsl_test_not_there", "transpile", source)
    assert run.returncode == 0
    assert "warning: plugin module `pdsl_test_not_there` failed to import" in run.stderr


def test_a_third_party_kind_can_branch_without_touching_the_core(plugin_dir):
    """Branches are a capability a kind declares (`branches`), not the `condition` kind's name."""
    write_plugin(plugin_dir, "pdsl_test_gate", """
        from dsl.extension.hookspecs import hookimpl
        from dsl.extension.kinds import Field, StepKind

        class Gate(StepKind):
            name = "gate"
            type = "Condition"
            retry = cache = False
            branches = {"then": "then"}
            fields = {"then": Field("step_list", doc="steps run when the gate opens")}

            def json_arguments(self, step, ctx):
                return {"Conditions": [], "IfSteps": [ctx.step(s) for s in ctx.program.branch_steps(step, "then")],
                        "ElseSteps": []}

        @hookimpl
        def pipedsl_step_kinds():
            return [Gate()]
    """)
    registry = build_registry(["pdsl_test_gate"])
    text = 'pipeline P {\n step G: gate { then = [F] }\n step F: fail { error_message = "x" }\n}\n'
    out = json.loads(dsl.transpile(text, registry=registry))
    (gate,) = out["Steps"]  # F is written inside the branch only
    assert gate["Arguments"]["IfSteps"][0]["Name"] == "F"
    docs = dsl.transpile(text, to="docs", registry=registry)
    assert "s0 -->|then| s1" in docs and 's0{"G<br/>gate"}' in docs
    _, problems = dsl.analyse('pipeline P {\n step G: gate { then = [G] }\n}\n', registry=registry)
    assert "E0310" in [d.code for d in problems]  # its own branch, checked by the core


def test_the_core_imports_no_plugin_module():
    """`dsl/` depends on `plugins/` only through the registry's declaration table (module
    names as data): no import statement in the core names a plugin module."""
    import ast

    from conftest import ROOT

    found = []
    for path in sorted((ROOT / "dsl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [("." * node.level) + (node.module or "")] if isinstance(node, ast.ImportFrom) else [])
            found += [(path.name, name) for name in names if name.startswith(("dsl.plugins", ".plugins"))]
    assert found == []
