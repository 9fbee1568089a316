"""Section 13 of the language: templates, loops, `if`, comprehensions, `${…}` names and
modules. Each construct is compared with the same pipeline expanded by hand and with the
real SDK; each new diagnostic is checked at its exact place."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import dsl
from conftest import ROOT

EXAMPLE = ROOT / "examples" / "multi-stage"


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dsl.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_multi_stage_example_is_the_hand_written_sdk_program(stage, sdk):
    """`pipedsl transpile pipeline.pipe --vars dev.toml` / `--vars prod.toml` give exactly what
    the SDK program an SDK user would write gives, and so does the generated SDK code."""
    expected = sdk.definition(code=f"STAGE = {stage!r}\n" + (ROOT / "tests" / "reuse" / "multi_stage_sdk.py").read_text(),
                              name="multi_stage_sdk.py")
    run = cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / f"{stage}.toml", "--compact")
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip("\n") == expected
    code = cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / f"{stage}.toml", "--to", "sdk")
    assert code.returncode == 0, code.stderr
    assert sdk.definition(code=code.stdout, name="generated.py") == expected
    assert json.loads(expected)["Steps"][1]["Name"] == "Train-xgboost"


def test_the_two_stages_differ_where_the_vars_say():
    dev = json.loads(cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / "dev.toml").stdout)
    prod = json.loads(cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / "prod.toml").stdout)
    assert dev["Steps"][1]["Arguments"]["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert prod["Steps"][1]["Arguments"]["ResourceConfig"]["InstanceType"] == "ml.m5.4xlarge"
    assert prod["Parameters"][0]["DefaultValue"] == "s3://churn-production-artifacts/raw/churn.csv"


def test_an_unknown_var_on_the_command_line_gets_a_did_you_mean():
    run = cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / "dev.toml", "--var", "Stag=prod")
    assert run.returncode == 2
    assert "Stag" in run.stderr and "did you mean `Stage`?" in run.stderr
