"""Issue 24, SDK v3 (3.27.0): `transpile --sdk 3` against the SDK v3 program's own
definition, key order included, and the `--to sdk3` module run through SDK v3, in the cached
v3 virtualenv (`conftest.sdk3_python`). Marked `sdk3`: `python -m pytest -m sdk3` runs them
(the README's command leaves them to CI, which runs them: a cold v3 environment takes minutes).

The v3 program of a case is its v2 program (`tests/parity/CASE/sdk.py`) with the imports v3
moved (`sagemaker.workflow.X` to `sagemaker.core.workflow.X` or `sagemaker.mlops.workflow.X`):
for the kinds that have a v3 layout the SDK's classes keep their names and arguments.
"""
import base64
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import zipfile

import pytest
from conftest import ROOT, TESTS, pipedsl_beside_sdk3, sdk3_python

import dsl
from dsl.semantics.sdk_flavours import v3_module

pytestmark = pytest.mark.sdk3

# the v2 parity cases whose kinds SDK v3 writes the same way (`StepKind.flavours`)
V3_CASES = ["callouts", "empty-pipeline", "experiment-both", "experiment-default", "experiment-name-param",
            "experiment-none", "experiment-trial-literal", "expressions", "inference-component", "lineage", "params", "raw-condition", "raw-step"]


def v3_program(v2: str) -> str:
    """A v2 program with its imports moved where v3 has them."""
    def move(match):
        module = v3_module(match.group(1))
        assert module is not None, match.group(1)
        return f"from {module} import"
    return re.sub(r"^from (sagemaker[\w.]*) import", move, v2, flags=re.M)  # (the case's own modules stay)


def run_v3(folder, name: str, code: str, uploads=None) -> str:
    """The definition SDK v3 gives for the program `code` (written as `folder/name`); `uploads`:
    a file where the runner puts what the program uploaded (s3:// URI -> base64)."""
    path = folder / name
    path.write_text(code)
    env = dict(os.environ, PIPEDSL_SDK3_UPLOADS=str(uploads)) if uploads else dict(os.environ)
    if (folder / "test-signing-key.pem").exists():  # (the key the function steps sign with, pinned)
        env["PIPEDSL_SDK3_SIGNING_KEY"] = str(folder / "test-signing-key.pem")
    ran = subprocess.run([str(sdk3_python()), str(TESTS / "sdk3_runner.py"), str(path)], capture_output=True,
                         text=True, timeout=300, env=env)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return ran.stdout.strip()


@pytest.mark.parametrize("case", V3_CASES)
def test_the_v3_definition_is_the_sdk_v3_programs(case, tmp_path):
    folder = ROOT / "tests" / "parity" / case
    text = (folder / "case.pipe").read_text()
    ours = dsl.transpile(text, filename=str(folder / "case.pipe"), sdk=3, compact=True)
    theirs = run_v3(tmp_path, "sdk_v3.py", v3_program((folder / "sdk.py").read_text()))
    assert json.dumps(json.loads(theirs)) == json.dumps(json.loads(ours))  # key order included
    assert json.loads(ours)["MlflowConfig"] is None
    generated = dsl.transpile(text, to="sdk3", filename=str(folder / "case.pipe"))
    assert "sagemaker.workflow" not in generated
    assert json.dumps(json.loads(run_v3(tmp_path, "generated.py", generated))) == json.dumps(json.loads(ours))


def test_v3_writes_the_default_experiment_config_in_every_region(tmp_path):
    """SDK 3.27.0 means to write the default PipelineExperimentConfig only in its listed regions,
    but its check never matches (it compares a copy of its default): every region gets it, and
    so does `--sdk 3` (the SDK wins; dsl.semantics.sdk_flavours.default_experiment_written)."""
    text = 'pipeline P {\n    region = "%s"\n    step F: fail { error_message = "x" }\n}\n'
    for region in ("us-east-1", "cn-north-1"):
        definition = json.loads(dsl.transpile(text % region, sdk=3))
        assert definition["PipelineExperimentConfig"] is not None
        code = dsl.transpile(text % region, to="sdk3")
        assert json.loads(run_v3(tmp_path, f"g_{region.replace('-', '_')}.py", code)) == definition


# --- the v3-only cases: a hand-written SDK v3 program each (tests/parity-v3/CASE/sdk_v3.py) ------
# For the kinds whose v3 request differs from v2's (ModelTrainer, the core processors, ...),
# each case's `expected.json` is what its SDK v3 program printed (this test checks it still
# does); the fast suite (tests/test_parity_v3.py) compares `transpile --sdk 3` and `import`
# with it without the v3 environment.
V3_ONLY = sorted(p.name for p in (ROOT / "tests" / "parity-v3").iterdir() if (p / "sdk_v3.py").exists())


@pytest.mark.parametrize("case", V3_ONLY)
def test_a_v3_case_is_its_sdk_v3_programs_definition(case, tmp_path):
    folder = ROOT / "tests" / "parity-v3" / case
    copy = tmp_path / case  # (beside the case's local code, which the programs name relative to themselves)
    shutil.copytree(folder, copy)
    theirs = run_v3(copy, "sdk_v3.py", (folder / "sdk_v3.py").read_text(), uploads=tmp_path / "uploads.json")
    expected = (folder / "expected.json").read_text()
    assert json.dumps(json.loads(theirs)) == json.dumps(json.loads(expected))  # key order included
    text = (folder / "case.pipe").read_text()
    ours = dsl.transpile(text, filename=str(folder / "case.pipe"), compact=True)
    assert json.dumps(json.loads(ours)) == json.dumps(json.loads(theirs))
    generated = dsl.transpile(text, to="sdk3", filename=str(folder / "case.pipe"))
    assert "sagemaker.workflow" not in generated
    assert json.dumps(json.loads(run_v3(copy, "generated.py", generated))) == json.dumps(json.loads(theirs))
    # what the SDK uploaded where the definition names it (local code, analysis configs) is
    # what `deploy` uploads (the SDK's other copies, under clock-derived keys, nothing names)
    uploaded = {uri: base64.b64decode(body) for uri, body in json.loads((tmp_path / "uploads.json").read_text()).items()}
    if (folder / "test-signing-key.pem").exists():
        # function steps: made by SDK v3's serializer, in its environment, and checked there
        ours = deploy_uploads_in_sdk3(folder / "case.pipe", tmp_path)
        assert set(ours) == set(uploaded)
    else:
        program, _ = dsl.analyse(text, str(folder / "case.pipe"))
        ours = {u.uri: u.body() for u in program.uploads()}
    both = set(ours) & set(uploaded)
    assert both or case not in ("clarify-check", "notebook-job", "processing-local-code", "framework-processor",
                                "spark-processor", "model-inference-code"), (sorted(ours), sorted(uploaded))
    if case == "model-inference-code":  # (a repack job's channels: every file the SDK uploads but the
        # byte code its own install happens to hold, which no container reads)
        assert set(ours) == {uri for uri in uploaded if "/__pycache__/" not in uri}
    for uri in both:
        if uri.endswith("/metadata.json"):  # (ECDSA signs with a random nonce: the helper verified ours)
            signed = [json.loads(body) for body in (uploaded[uri], ours[uri])]
            assert all(m.pop("asymmetric_signature") for m in signed) and signed[0] == signed[1], uri
        elif uri.endswith(".zip"):  # (the SDK zips its working directory, the programs with it)
            theirs_zip, ours_zip = (zipfile.ZipFile(io.BytesIO(body)) for body in (uploaded[uri], ours[uri]))
            programs = ("/", "/sdk_v3.py", "/generated.py")
            files = {n for n in ours_zip.namelist() if not n.endswith(programs)}
            assert files and files == {n for n in theirs_zip.namelist() if not n.endswith(programs)}
            assert all(ours_zip.read(n) == theirs_zip.read(n) for n in files), uri
        elif uri.endswith(".tar.gz"):  # (a tarball holds file times: compared by file)
            theirs_tar, ours_tar = (tarfile.open(fileobj=io.BytesIO(body)) for body in (uploaded[uri], ours[uri]))
            files = [{m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
                     for tar in (theirs_tar, ours_tar)]
            assert files[0] and files[0] == files[1], uri
        elif uri.endswith("/sm_drivers/sourcecode.json"):  # (the SDK names its staging copy's temporary path)
            sources = [json.loads(body) for body in (uploaded[uri], ours[uri])]
            assert sources[0].pop("source_dir").startswith(tempfile.gettempdir())
            assert sources[1].pop("source_dir") == "code" and sources[0] == sources[1], uri
        else:
            assert uploaded[uri] == ours[uri], uri


def deploy_uploads_in_sdk3(case, tmp_path) -> dict:
    """What `deploy` uploads for `case`, made in the SDK v3 virtualenv (tests/sdk3_uploads.py),
    where each signed payload's signature is checked against the definition's public key."""
    site = pipedsl_beside_sdk3(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(site))
    ran = subprocess.run([str(sdk3_python()), str(TESTS / "sdk3_uploads.py"), str(case)], capture_output=True,
                         text=True, timeout=300, env=env, cwd=str(TESTS))
    assert ran.returncode == 0, ran.stderr[-3000:]
    made = json.loads(ran.stdout)
    bodies = {uri: base64.b64decode(body) for uri, body in made["uploads"].items()}
    assert sorted(made["verified"]) == sorted(uri for uri in bodies if uri.endswith("/metadata.json"))
    assert made["verified"]
    return bodies


def test_the_v3_repack_table_is_sdk_v3s():
    """plugins/kinds/repack_v3.json (what `deploy` uploads for a v3 model's repack job) holds
    the texts of the SDK v3 in the test environment: tools/gen_repack_v3.py --check there."""
    ran = subprocess.run([str(sdk3_python()), str(ROOT / "tools" / "gen_repack_v3.py"), "--check"],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and "up to date" in ran.stdout, ran.stdout + ran.stderr[-2000:]
