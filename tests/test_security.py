"""Issue 16, security: no unpickling from a shared directory, `-o` on special files, built-in
names that plugins cannot take, and plugins that cannot reach into each other."""
import os
import pickle
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import pipedsl

import dsl
from dsl.extension.plugin_manager import build_registry

PIPE = 'pipeline P {\n step S: fail { error_message = "x" }\n}\n'


# --- 1. the parser's tables -------------------------------------------------------------


class _Planted:
    def __reduce__(self):
        return (open, (str(Path(os.environ["CANARY"])), "w"))


def test_a_pickle_planted_in_the_temp_dir_is_never_loaded(tmp_path):
    """Lark's cache=True would unpickle `$TMPDIR/.lark_cache_*`; plant one under every name
    it could use and check that a run creates no canary."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    canary = tmp_path / "canary"
    os.environ["CANARY"] = str(canary)
    try:
        payload = pickle.dumps(_Planted())
    finally:
        del os.environ["CANARY"]
    import getpass

    import lark

    for py in (f"{sys.version_info[0]}.{sys.version_info[1]}", f"{sys.version_info[0]}{sys.version_info[1]}"):
        (temp / f".lark_cache_{getpass.getuser()}_x_{py}.tmp").write_bytes(payload)
    env = dict(os.environ, TMPDIR=str(temp), CANARY=str(canary), PYTHONPATH=str(Path(__file__).parent))
    source = tmp_path / "p.pipe"
    source.write_text(PIPE)
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(source)], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert not canary.exists()
    # and nothing was written there either
    assert sorted(p.name for p in temp.iterdir()) == sorted(p.name for p in temp.iterdir()
                                                             if p.name.startswith(".lark_cache_"))
    assert lark.__version__  # the parser is Lark's, loaded from the package's own tables


def test_the_parser_loads_from_the_shipped_tables_and_they_are_current():
    from dsl.syntax.parser import _parser

    assert _parser().source_path == "<deserialized>"  # from grammar/_tables.py, not built
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_parser_tables.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_with_stale_tables_the_parser_is_built_in_memory_without_a_cache(monkeypatch, tmp_path):
    import lark
    from dsl.grammar import _tables

    from dsl.syntax import parser

    seen = {}
    real_init = lark.Lark.__init__

    def spy(self, grammar, **options):
        seen.update(options)
        real_init(self, grammar, **options)

    monkeypatch.setattr(_tables, "GRAMMAR_SHA256", "stale")
    monkeypatch.setattr(lark.Lark, "__init__", spy)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    parser._parser.cache_clear()
    try:
        built = parser._parser()
        assert built.source_path != "<deserialized>"
        assert not seen.get("cache")
        assert dsl.transpile(PIPE).startswith("{")
        assert list(tmp_path.iterdir()) == []
    finally:
        parser._parser.cache_clear()


# --- 2. -o on special files -------------------------------------------------------------


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "p.pipe"
    path.write_text(PIPE)
    return path


def test_output_to_dev_null_writes_through_and_leaves_the_device(source):
    before = os.stat("/dev/null")
    run = pipedsl("transpile", source, "-o", "/dev/null")
    assert run.returncode == 0, run.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_to_a_fifo_writes_into_it(source, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    run = pipedsl("transpile", source, "-o", fifo)
    out, _ = reader.communicate(timeout=30)
    assert run.returncode == 0, run.stderr
    assert '"Version": "2020-12-01"' in out
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_through_a_symlink_replaces_the_target_not_the_link(source, tmp_path):
    target = tmp_path / "target.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    run = pipedsl("transpile", source, "-o", link)
    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert '"Version"' in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_output_to_dev_stdout_goes_to_stdout(source):
    run = pipedsl("transpile", source, "-o", "/dev/stdout")
    assert run.returncode == 0, run.stderr
    assert '"Version"' in run.stdout


def test_output_to_a_directory_is_refused(source, tmp_path):
    run = pipedsl("transpile", source, "-o", tmp_path)
    assert run.returncode == 2
    assert "not a regular file, character device or FIFO" in run.stderr
    assert "Traceback" not in run.stderr


# --- 3. built-in names ------------------------------------------------------------------


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PIPEDSL_PLUGINS", raising=False)
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("pdsl_sec_")]:
        del sys.modules[name]


def write_plugin(directory, name, body):
    (directory / f"{name}.py").write_text(textwrap.dedent(body))


def test_a_plugin_cannot_take_a_built_in_emitter_or_kind_name(plugin_dir):
    write_plugin(plugin_dir, "pdsl_sec_usurper", """
        from dsl.extension.emitters import Emitter
        from dsl.extension.hookspecs import hookimpl
        from dsl.extension.kinds import StepKind

        class Fake(StepKind):
            name = "fail"
            type = "Fail"
            def json_arguments(self, step, ctx):
                return {"ErrorMessage": "hijacked"}

        @hookimpl(tryfirst=True)
        def pipedsl_emitters():
            return [Emitter("json", "not the real one", lambda program, options: "hijacked")]

        @hookimpl(tryfirst=True)
        def pipedsl_step_kinds():
            return [Fake()]
    """)
    registry = build_registry(["pdsl_sec_usurper"])
    out = dsl.transpile(PIPE, registry=registry)
    assert "hijacked" not in out and '"ErrorMessage": "x"' in out
    problems = "\n".join(registry.problems)
    assert ("plugin `pdsl_sec_usurper`: emitter `json` is already registered by the built-in "
            "`dsl.plugins.json_emitter`; ignored") in problems
    assert ("plugin `pdsl_sec_usurper`: step kind `fail` is already registered by the built-in "
            "`dsl.plugins.kinds.fail`; ignored") in problems


def test_an_installed_distribution_cannot_take_a_built_in_name(tmp_path):
    """Through the entry-point group, as `pip install` registers it, loaded first or not."""
    dist = tmp_path / "site"
    (dist / "pdsl_sec_dist").mkdir(parents=True)
    (dist / "pdsl_sec_dist" / "__init__.py").write_text(textwrap.dedent("""
        from dsl.extension.emitters import Emitter
        from dsl.extension.hookspecs import hookimpl

        @hookimpl
        def pipedsl_emitters():
            return [Emitter("json", "evil", lambda program, options: "hijacked")]
    """))
    info = dist / "pdsl_sec_dist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pdsl-sec-dist\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pipedsl]\naaa_json = pdsl_sec_dist\n")
    source = tmp_path / "p.pipe"
    source.write_text(PIPE)
    env = dict(os.environ, PYTHONPATH=str(dist), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("PIPEDSL_PLUGINS", None)
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(source)], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert "hijacked" not in run.stdout and '"Version"' in run.stdout
    assert "plugin `aaa_json`: emitter `json` is already registered by the built-in" in run.stderr


# --- 7. plugin isolation ----------------------------------------------------------------


def test_misbehaving_emitters_are_reported_by_name_and_the_others_work(plugin_dir):
    write_plugin(plugin_dir, "pdsl_sec_emitters", """
        import sys
        from dsl.extension.emitters import Emitter
        from dsl.extension.hookspecs import hookimpl

        @hookimpl
        def pipedsl_emitters():
            return [Emitter(42, "a number for a name", lambda p, o: ""),
                    Emitter("bytes", "returns bytes", lambda p, o: b"x"),
                    Emitter("none", "returns None", lambda p, o: None),
                    Emitter("exits", "calls sys.exit", lambda p, o: sys.exit(3)),
                    Emitter("replacer", "replaces json", lambda p, o: o["registry"].emitters.__setitem__("json", None))]
    """)
    registry = build_registry(["pdsl_sec_emitters"])
    assert any("an emitter's name must be a non-empty string, not 42" in p for p in registry.problems)
    for name, said in (("bytes", "returned bytes, not text"), ("none", "returned NoneType, not text"),
                       ("exits", "failed: SystemExit"), ("replacer", "failed: AttributeError")):
        with pytest.raises(dsl.PipeError) as info:
            dsl.transpile(PIPE, to=name, registry=registry)
        assert f"emitter `{name}` (plugin `pdsl_sec_emitters`)" in str(info.value)
        assert said in info.value.diagnostics[0].message
    assert dsl.transpile(PIPE, registry=registry).startswith("{")  # json still the built-in


KIND = """
    from dsl.extension.hookspecs import hookimpl
    from dsl.extension.kinds import Field, StepKind

    class Bad(StepKind):
        name = "{name}"
        type = "Fail"
        fields = {fields}
        def check(self, step, ctx):
            if "{broken}" == "check":
                raise ValueError("check broke")
            return ()
        def needs_default_bucket(self, step, ctx):
            if "{broken}" == "bucket":
                raise KeyError("bucket broke")
            return ()
        def json_arguments(self, step, ctx):
            if "{broken}" == "json":
                raise RuntimeError("json broke")
            return {{"ErrorMessage": ""}}

    @hookimpl
    def pipedsl_step_kinds():
        return [Bad()]
"""


@pytest.mark.parametrize("broken,code,method", [("check", "E0405", "check"), ("bucket", "E0405", "needs_default_bucket"),
                                               ("json", "E0405", "json_arguments")])
def test_a_kind_that_raises_is_a_diagnostic_naming_its_plugin(plugin_dir, broken, code, method):
    module = f"pdsl_sec_kind_{broken}"
    write_plugin(plugin_dir, module, KIND.format(name=f"bad_{broken}", fields="{}", broken=broken))
    registry = build_registry([module])
    text = f"pipeline P {{\n step B: bad_{broken} {{}}\n step F: fail {{}}\n}}\n"
    with pytest.raises(dsl.PipeError) as info:
        dsl.transpile(text, registry=registry)
    (d,) = info.value.diagnostics
    assert d.code == code
    assert f"step kind `bad_{broken}` (plugin `{module}`) failed in {method}()" in d.message
    # a file without that kind is untouched
    assert dsl.transpile("pipeline P {\n step F: fail {}\n}\n", registry=registry).startswith("{")


def test_a_kind_with_wrong_fields_is_refused_naming_its_plugin(plugin_dir):
    write_plugin(plugin_dir, "pdsl_sec_fields", KIND.format(name="odd", fields='{"x": "not a Field"}', broken=""))
    registry = build_registry(["pdsl_sec_fields"])
    assert "odd" not in registry.kinds
    assert any(p.startswith("plugin `pdsl_sec_fields`: step kind `odd`: field 'x' is not a dsl.extension.kinds.Field")
               for p in registry.problems)


def test_plugins_cannot_change_kinds_or_emitters_for_later_calls(plugin_dir):
    write_plugin(plugin_dir, "pdsl_sec_meddler", """
        from dsl.extension.emitters import Emitter
        from dsl.extension.hookspecs import hookimpl

        def emit(program, options):
            errors = []
            for attempt in (lambda: setattr(program.kinds["fail"], "type", "Hacked"),
                            lambda: program.kinds["fail"].fields.__setitem__("x", None),
                            lambda: options["registry"].emitters.pop("json"),
                            lambda: options["registry"].kinds.__setitem__("fail", None)):
                try:
                    attempt()
                    errors.append("allowed")
                except (AttributeError, TypeError):
                    errors.append("refused")
            return ",".join(errors)

        @hookimpl
        def pipedsl_emitters():
            return [Emitter("meddle", "tries to change things", emit)]
    """)
    registry = build_registry(["pdsl_sec_meddler"])
    assert dsl.transpile(PIPE, to="meddle", registry=registry) == "refused,refused,refused,refused"
    assert '"Type": "Fail"' in dsl.transpile(PIPE, registry=registry)
