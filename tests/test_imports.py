"""What each command may import (issue 14): black only for `--to sdk`, boto3 only for the AWS
commands, pygls only for `lsp`; `transpile`, `check` and `fmt` stay light."""
import json
import subprocess
import sys

from conftest import ROOT

HEAVY = ("black", "boto3", "botocore", "pygls", "sagemaker")

PROBE = """
import contextlib, io, json, sys
from dsl.cli import main
path = sys.argv[1]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    for args in (["transpile", path], ["transpile", path, "--to", "docs"], ["check", path],
                 ["fmt", "--check", path], ["emitters"]):
        main(args)
import dsl
dsl.transpile(open(path).read()); dsl.analyse(open(path).read()); dsl.format(open(path).read())
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
""" % (HEAVY,)


def test_transpile_check_fmt_and_the_api_import_nothing_heavy():
    run = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "examples" / "churn.pipe")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == []


def test_the_sdk_emitter_does_import_black():
    """The probe above can see an import: the sdk emitter's black shows up."""
    code = PROBE.replace('["emitters"]', '["emitters"], ["transpile", path, "--to", "sdk"]')
    run = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "churn.pipe")],
                         capture_output=True, text=True, timeout=120)
    assert "black" in json.loads(run.stdout.splitlines()[-1])


def test_function_steps_are_checked_without_running_or_importing_anything():
    """Issue 23: `check` and `transpile` read a function step's module with `ast`: neither the
    user's module nor the SDK's serializer (sagemaker, cloudpickle) is imported."""
    case = ROOT / "tests" / "parity" / "function-dependencies"
    probe = PROBE.replace("%r" % (HEAVY,), "%r" % (HEAVY + ("cloudpickle", "jobs"),))
    run = subprocess.run([sys.executable, "-c", probe, str(case / "case.pipe")], capture_output=True, text=True,
                         timeout=120, cwd=case)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == []
