"""The example third-party plugin (examples/plugins/pipedsl-cloudformation), installed with
pip into a temporary virtual environment, listed, used with --to, and linted with cfn-lint."""
import json
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import script

import dsl

PLUGIN = ROOT / "examples" / "plugins" / "pipedsl-cloudformation"
EXAMPLE = ROOT / "examples" / "churn.pipe"


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory):
    """A venv that sees the packages of the environment running the tests (pipedsl
    included, however it was installed) plus the plugin, installed by pip from its own
    pyproject.toml. `system_site_packages` would see the base interpreter's packages, not
    those of a virtual environment the tests may run in, hence the `site.addsitedir` line."""
    folder = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(folder)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    parents = [p for p in site.getsitepackages() + [site.getusersitepackages()] if Path(p).is_dir()]
    (Path(purelib) / "_pipedsl_test_parent.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in parents) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", str(PLUGIN)], check=True, capture_output=True)
    return python


def run(python, *args):
    # cwd: a folder without a `dsl` package, so the installed one is what runs
    return subprocess.run([str(python), "-m", "dsl", *map(str, args)], capture_output=True, text=True,
                          cwd=str(Path(python).parent))


def test_the_plugin_is_listed_once_installed(plugin_python):
    listed = run(plugin_python, "emitters")
    assert listed.returncode == 0, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.startswith("cloudformation "))
    assert "AWS::SageMaker::Pipeline" in line and line.endswith("[cloudformation]")
    assert "cloudformation" not in run(sys.executable, "emitters").stdout  # not installed here
    assert listed.stderr == ""  # every built-in loaded too


def test_the_template_carries_the_definition_and_passes_cfn_lint(plugin_python, tmp_path):
    out = tmp_path / "churn.template.json"
    made = run(plugin_python, "transpile", EXAMPLE, "--to", "cloudformation", "-o", out)
    assert made.returncode == 0, made.stderr
    template = json.loads(out.read_text())
    pipeline = template["Resources"]["Pipeline"]
    assert pipeline["Type"] == "AWS::SageMaker::Pipeline"
    assert pipeline["Properties"]["RoleArn"] == {"Ref": "RoleArn"}
    assert template["Parameters"]["RoleArn"]["Type"] == "String"
    body = pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]
    assert body == dsl.transpile(EXAMPLE.read_text(), compact=True)
    linted = subprocess.run([script("cfn-lint"), str(out)], capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_cfn_lint_really_checks(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Pipeline": {"Type": "AWS::SageMaker::Pipeline", "Properties": {"PipelineName": "x"}}}}))
    linted = subprocess.run([script("cfn-lint"), str(broken)], capture_output=True, text=True)
    assert linted.returncode != 0 and "RoleArn" in linted.stdout
