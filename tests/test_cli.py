"""The `pipedsl` command as a user runs it: a real subprocess each time."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

EXAMPLE = ROOT / "examples" / "churn.pipe"
BROKEN = "pipeline X {\n param A: Integer = \"x\"\n step S: fail { error_message = Nope }\n}\n"


def pipedsl(*args, stdin=None, cwd=None):
    env = dict(os.environ)
    env.pop("PIPEDSL_PLUGINS", None)
    return subprocess.run([sys.executable, "-m", "dsl", *map(str, args)], input=stdin,
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_transpile_to_stdout_is_indented_json_with_final_newline():
    run = pipedsl("transpile", EXAMPLE)
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith("}\n")
    assert json.loads(run.stdout)["Version"] == "2020-12-01"
    assert run.stdout.startswith('{\n  "Version": "2020-12-01",\n  "Metadata": {},')


def test_compact_is_the_sdk_string_without_anything_added():
    run = pipedsl("transpile", EXAMPLE, "--compact")
    assert run.returncode == 0
    assert run.stdout.startswith('{"Version": "2020-12-01", "Metadata": {}, "Parameters": [')
    assert not run.stdout.endswith("\n")
    assert run.stdout == json.dumps(json.loads(run.stdout))


def test_same_input_same_bytes():
    first, second = pipedsl("transpile", EXAMPLE), pipedsl("transpile", EXAMPLE)
    assert first.stdout == second.stdout


def test_non_ascii_is_kept_pretty_and_escaped_compact():
    text = 'pipeline X {\n step S: fail { error_message = "café ✓" }\n}\n'
    pretty = pipedsl("transpile", "-", stdin=text)
    compact = pipedsl("transpile", "-", "--compact", stdin=text)
    assert '"café ✓"' in pretty.stdout
    assert '"caf\\u00e9 \\u2713"' in compact.stdout


def test_utf8_whatever_the_locale():
    text = 'pipeline X {\n step S: fail { error_message = "café ✓ \\ud83d\\ude00" }\n}\n'
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONIOENCODING="latin-1", PYTHONUTF8="0")
    env.pop("PIPEDSL_PLUGINS", None)
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", "-"], input=text.encode("utf-8"),
                         capture_output=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    assert '"café ✓ 😀"' in run.stdout.decode("utf-8")


def test_output_file_is_written(tmp_path):
    out = tmp_path / "definition.json"
    run = pipedsl("transpile", EXAMPLE, "-o", out)
    assert run.returncode == 0 and run.stdout == ""
    assert json.loads(out.read_text())["Steps"][0]["Name"] == "Train"


def test_output_file_is_untouched_on_error(tmp_path):
    out = tmp_path / "definition.json"
    out.write_text("previous")
    broken = tmp_path / "broken.pipe"
    broken.write_text(BROKEN)
    run = pipedsl("transpile", broken, "-o", out)
    assert run.returncode == 1
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.pipe", "definition.json"]
    missing = tmp_path / "new.json"
    assert pipedsl("transpile", broken, "-o", missing).returncode == 1
    assert not missing.exists()


def test_errors_go_to_stderr_with_exit_1():
    run = pipedsl("transpile", "-", stdin=BROKEN)
    assert run.returncode == 1 and run.stdout == ""
    assert "error[E0152]" in run.stderr and "error[E0203]" in run.stderr
    assert "--> <stdin>:2:21" in run.stderr
    assert "Traceback" not in run.stderr


def test_check_reports_every_file(tmp_path):
    good, bad = tmp_path / "good.pipe", tmp_path / "bad.pipe"
    good.write_text(EXAMPLE.read_text())
    bad.write_text(BROKEN)
    run = pipedsl("check", good, bad)
    assert run.returncode == 1
    assert f"{good}: ok" in run.stdout
    assert f"--> {bad}:2:21" in run.stderr and f"--> {bad}:3:33" in run.stderr
    assert pipedsl("check", good).returncode == 0


def test_check_json_format(tmp_path):
    bad = tmp_path / "bad.pipe"
    bad.write_text(BROKEN)
    run = pipedsl("check", "--format", "json", bad)
    assert run.returncode == 1
    items = json.loads(run.stdout)
    assert [(i["code"], i["line"], i["column"]) for i in items] == [("E0152", 2, 21), ("E0203", 3, 33)]
    assert set(items[0]) == {"severity", "code", "message", "file", "line", "column", "end_line",
                             "end_column", "hint"}


def test_emitters_lists_the_built_ins():
    run = pipedsl("emitters")
    assert run.returncode == 0
    names = [line.split()[0] for line in run.stdout.splitlines()]
    assert {"json", "sdk"} <= set(names)


def test_transpile_to_sdk_writes_a_python_module(tmp_path):
    out = tmp_path / "pipeline.py"
    run = pipedsl("transpile", EXAMPLE, "--to", "sdk", "-o", out)
    assert run.returncode == 0, run.stderr
    code = out.read_text()
    compile(code, str(out), "exec")
    assert "pipeline = Pipeline(" in code


@pytest.mark.parametrize("args", [[], ["transpile"], ["frobnicate"], ["transpile", "x.pipe", "--to"],
                                  ["check", "--format", "xml", "x.pipe"]])
def test_usage_errors_exit_2(args):
    run = pipedsl(*args)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_unknown_emitter_and_missing_file_exit_2(tmp_path):
    run = pipedsl("transpile", EXAMPLE, "--to", "jsn")
    assert run.returncode == 2 and "did you mean `json`?" in run.stderr
    run = pipedsl("transpile", tmp_path / "nope.pipe")
    assert run.returncode == 2 and "cannot read" in run.stderr


def test_version_and_help():
    version = pipedsl("--version")
    assert version.returncode == 0 and version.stdout.startswith("pipedsl ")
    help_text = pipedsl("--help").stdout
    for command in ("transpile", "check", "emitters"):
        assert command in help_text
    assert "--compact" in pipedsl("transpile", "--help").stdout


def script(name):
    """An installed console script: beside this interpreter (a venv), or on PATH."""
    import shutil

    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def test_console_script_is_installed():
    assert script("pipedsl"), "pip install the project: the `pipedsl` script is missing"
    run = subprocess.run([script("pipedsl"), "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("pipedsl ")


_WITHOUT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("No module named " + repr(name))
sys.meta_path.insert(0, Block())
from dsl.cli import main
sys.exit(main({argv!r}))
"""


@pytest.mark.parametrize("blocked, argv, extra", [
    (("boto3", "botocore"), ["deploy", "P.pipe", "--role", "arn:aws:iam::123456789012:role/R"], "aws"),
    (("boto3", "botocore"), ["import", "--pipeline", "P"], "aws"),
    (("pygls", "lsprotocol"), ["lsp"], "lsp"),
])
def test_a_missing_extra_is_named_by_the_command_that_needs_it(tmp_path, blocked, argv, extra):
    """Issue 26.1: the distribution is pipedsl-sagemaker; boto3 and pygls are extras."""
    (tmp_path / "P.pipe").write_text('pipeline P {\n    step S: fail { error_message = "x" }\n}\n')
    run = subprocess.run([sys.executable, "-c", _WITHOUT.format(blocked=set(blocked), argv=argv)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path, stdin=subprocess.DEVNULL,
                         env=dict(os.environ, AWS_DEFAULT_REGION="us-east-1"))
    assert run.returncode == 2, run.stderr
    assert f"pip install 'pipedsl-sagemaker[{extra}]'" in run.stderr and "Traceback" not in run.stderr


def test_the_distribution_is_named_apart_from_the_unrelated_pipedsl():
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "pipedsl-sagemaker" and project["scripts"] == {"pipedsl": "dsl:console"}
    assert "boto3" not in " ".join(project["dependencies"])
    assert project["optional-dependencies"]["aws"] == ["boto3>=1.28"]


def test_transpile_refuses_to_write_over_its_own_input(tmp_path):
    """Issue 26.6: `-o` naming the input (or a link to it) would replace the .pipe file."""
    source = tmp_path / "p.pipe"
    text = 'pipeline P {\n    step S: fail { error_message = "x" }\n}\n'
    source.write_text(text)
    (tmp_path / "link.pipe").symlink_to(source)
    for out in (source, tmp_path / "link.pipe", tmp_path / "." / "p.pipe"):
        run = pipedsl("transpile", str(source), "-o", str(out))
        assert run.returncode == 2 and "is the input file itself" in run.stderr
        assert source.read_text() == text


def test_fmt_diff_exits_1_when_a_file_would_change(tmp_path):
    path = tmp_path / "p.pipe"
    path.write_text('pipeline P {\nstep S: fail { error_message = "x" }\n}\n')
    run = pipedsl("fmt", "--diff", str(path))
    assert run.returncode == 1 and run.stdout.startswith("---")
    assert pipedsl("fmt", str(path)).returncode == 0
    assert pipedsl("fmt", "--diff", str(path)).returncode == 0


def test_the_version_is_written_once_and_the_changelog_names_it():
    """Issue 26.10: a version tools can pin: `pipedsl --version`, the package's metadata and
    CHANGELOG.md agree, because the version is written in one place (dsl.__version__)."""
    from importlib.metadata import version

    import dsl

    run = pipedsl("--version")
    assert run.returncode == 0 and run.stdout == f"pipedsl {dsl.__version__}\n"
    assert version("pipedsl-sagemaker") == dsl.__version__
    assert f"\n## {dsl.__version__}\n" in (ROOT / "CHANGELOG.md").read_text()
    assert f"rev: v{dsl.__version__}" in (ROOT / ".pre-commit-hooks.yaml").read_text()


def test_the_one_command_parser_reads_argv_as_the_full_one():
    """`main` builds only the named command's parser; it must read every command line as the
    full parser does, and know every command."""
    from dsl import cli

    full = cli._parser()
    choices = next(a for a in full._actions if a.dest == "command").choices
    assert tuple(choices) == cli._COMMAND_NAMES
    lines = [["transpile", "x.pipe", "--to", "sdk", "-o", "o.py", "--var", "A=1"], ["check", "a", "b", "--format", "json"],
             ["fmt", "--check"], ["import", "d.json", "--name", "N"], ["deploy", "f.pipe", "--yes", "--tag", "k=v"],
             ["diff", "f.pipe", "--json"], ["package", "f.pipe", "--dry-run"], ["run", "f.pipe", "--param", "a=b", "--wait"],
             ["lsp"], ["emitters"], ["-p", "m", "transpile", "x"], ["--plugin=m", "check", "x"], ["-pm", "fmt"]]
    for argv in lines:
        only = cli._command_of(argv)
        assert only == next(w for w in argv if w in cli._COMMAND_NAMES)
        assert vars(cli._parser(only).parse_args(argv)) == vars(full.parse_args(argv)), argv
    assert cli._command_of(["-p", "transpile", "check"]) == "check"
    assert cli._command_of(["--version"]) is None and cli._command_of(["bogus"]) is None
