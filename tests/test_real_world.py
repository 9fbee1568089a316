"""Spec section 14 on real pipelines: the SageMaker Projects "modelbuild" template as a
`.pipe` file (examples/modelbuild) gives exactly what the SDK program gives, local code
included; local code's S3 URIs, uploads and errors."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile

from conftest import ROOT

import dsl
from dsl.semantics.localcode import code_hash

MODELBUILD = ROOT / "examples" / "modelbuild"


def transpile(path, **kw):
    return dsl.transpile(path.read_text(), filename=str(path), **kw)


def test_the_modelbuild_example_is_the_sdk_program(sdk):
    expected = sdk.definition(code=(ROOT / "tests" / "examples" / "modelbuild_sdk.py").read_text(),
                              name="modelbuild_sdk.py", cwd=str(MODELBUILD))
    assert transpile(MODELBUILD / "pipeline.pipe", compact=True) == expected
    code = transpile(MODELBUILD / "pipeline.pipe", to="sdk")
    assert sdk.definition(code=code, name="generated.py", cwd=str(MODELBUILD)) == expected
    assert "code/preprocess.py" in code and "SKLearnProcessor(" in code and "image_uris.retrieve(" in code
    steps = json.loads(expected)["Steps"]
    assert steps[0]["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"].startswith(
        "s3://sagemaker-abalone-artifacts/AbalonePipeline/code/")


def test_the_pytorch_example_with_a_quality_check_is_the_sdk_program(sdk):
    folder = ROOT / "examples" / "pytorch-quality"
    expected = sdk.definition(code=(ROOT / "tests" / "examples" / "pytorch_quality_sdk.py").read_text(),
                              name="pytorch_quality_sdk.py", cwd=str(folder))
    assert transpile(folder / "pipeline.pipe", compact=True) == expected
    code = transpile(folder / "pipeline.pipe", to="sdk")
    assert sdk.definition(code=code, name="generated.py", cwd=str(folder)) == expected


def test_no_pipe_file_holds_an_image_or_code_uri_the_sdk_derives():
    """Images of the SDK's own registries are written `image(...)`; code is a local path."""
    import re

    from dsl.semantics import images

    accounts = {account for registry in images.table()["registries"] for account in registry.values()}
    found = []
    for path in sorted(ROOT.glob("**/*.pipe")):
        if ".git" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text()
        for account in re.findall(r"(\d{12})\.dkr\.ecr\.", text):
            if account in accounts:
                found.append((str(path.relative_to(ROOT)), account))
        if re.search(r"s3://[^\"]*/code/[0-9a-f]{64}/", text):  # the SDK's code hash key
            found.append((str(path.relative_to(ROOT)), "code URI"))
    assert found == []


def test_the_real_world_examples_hold_no_image_or_code_uri_the_sdk_derives():
    for folder in ("modelbuild", "pytorch-quality"):
        text = (ROOT / "examples" / folder / "pipeline.pipe").read_text()
        assert ".dkr.ecr." not in text and "sourcedir.tar.gz" not in text and "/code/" not in text.replace('"code/', "")


def test_local_code_is_uploaded_where_the_definition_says(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "run.py").write_text("print('hi')\n")
    pipe = tmp_path / "p.pipe"
    pipe.write_text('pipeline P {\n    default_bucket = "b"\n    step S: processing {\n        image_uri = "img"\n'
                    '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
                    '        instance_count = 1\n        code = "src/run.py"\n        command = ["python3"]\n    }\n}\n')
    program, problems = dsl.analyse(pipe.read_text(), str(pipe))
    assert not problems
    sha = hashlib.sha256(b"src/run.py" + b"print('hi')\n").hexdigest()  # the SDK's hash_files_or_dirs
    assert code_hash(["src/run.py"], str(tmp_path)) == sha
    (upload,) = program.uploads()
    assert (upload.path, upload.uri) == (str(tmp_path / "src" / "run.py"), f"s3://b/P/code/{sha}/run.py")
    definition = json.loads(transpile(pipe))
    assert definition["Steps"][0]["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] == upload.uri
    # a missing file is an error at the path; without a default bucket there is nowhere to upload
    pipe.write_text(pipe.read_text().replace("src/run.py", "src/gone.py").replace('    default_bucket = "b"\n', ""))
    _, problems = dsl.analyse(pipe.read_text(), str(pipe))
    assert sorted((d.code, d.span.line, d.span.column) for d in problems) == [("E0212", 7, 16), ("E0307", 7, 16)]


def test_a_framework_processor_needs_its_version_code_and_region():
    text = ('pipeline P {\n    step S: processing {\n        framework = "sklearn"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        image_uri = "x"\n    }\n}\n')
    _, problems = dsl.analyse(text)
    assert [(d.code, d.span.line, d.span.column) for d in problems] == [("E0303", 3, 9), ("E0304", 7, 9)]
    text = text.replace('        image_uri = "x"\n', '        framework_version = "0.1"\n        code = "s3://b/c.py"\n')
    _, problems = dsl.analyse(text)
    assert [(d.code, d.message) for d in problems] == [
        ("E0210", '`framework = "sklearn"` needs the pipeline\'s `region`: images differ by region')]
    _, problems = dsl.analyse(text.replace("pipeline P {\n", 'pipeline P {\n    region = "us-east-1"\n'))
    assert [(d.code, d.span.line, d.message) for d in problems] == [("E0210", 8, 'unknown sklearn version "0.1"')]


def test_the_modelbuild_definition_imports_without_escape_hatches(tmp_path):
    definition = transpile(MODELBUILD / "pipeline.pipe")
    pipe = dsl.import_definition(definition, name="AbalonePipeline")
    assert "arguments_patch" not in pipe and ": raw" not in pipe and "model_metrics {" in pipe
    assert dsl.transpile(pipe) == definition


def test_framework_code_is_one_tarball_at_the_submit_directory():
    import io
    import tarfile

    case = ROOT / "tests" / "parity" / "frameworks"
    program, problems = dsl.analyse((case / "case.pipe").read_text(), str(case / "case.pipe"))
    assert not problems
    uploads = {u.uri: u for u in program.uploads()}
    definition = json.loads(transpile(case / "case.pipe"))
    torch = definition["Steps"][0]["Arguments"]["HyperParameters"]
    uri = json.loads(torch["sagemaker_submit_directory"])
    assert uri.startswith("s3://fw-bucket/Frameworks/code/") and uri.endswith("/sourcedir.tar.gz")
    names = tarfile.open(fileobj=io.BytesIO(uploads[uri].body()), mode="r:gz").getnames()
    assert sorted(names) == ["lib/helpers.py", "requirements.txt", "train.py"]
    boost = json.loads(definition["Steps"][1]["Arguments"]["HyperParameters"]["sagemaker_submit_directory"])
    assert tarfile.open(fileobj=io.BytesIO(uploads[boost].body()), mode="r:gz").getnames() == ["boost.py"]
    assert len(uploads) == 3  # Torch, Boost, and Sk's = Tf's (same folder, same hash); Mx's code is in S3


def test_a_framework_processor_uploads_its_tarball_and_runproc_at_their_hash_keys():
    import hashlib

    case = ROOT / "tests" / "parity" / "framework-processor"
    program, problems = dsl.analyse((case / "case.pipe").read_text(), str(case / "case.pipe"))
    assert not problems
    definition = json.loads(transpile(case / "case.pipe"))
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in definition["Steps"][0]["Arguments"]["ProcessingInputs"]}
    uploads = {u.uri: u for u in program.uploads()}
    runproc = uploads[inputs["entrypoint"]].body()
    assert runproc.endswith(b'python process.py "$@"\n')
    assert inputs["entrypoint"].split("/")[-2] == hashlib.sha256(runproc).hexdigest()
    assert inputs["code"] in uploads and inputs["code"].endswith("/sourcedir.tar.gz")


def _parity_cases_with_uploads():
    for case in sorted((ROOT / "tests" / "parity").iterdir()):
        pipe = case / "case.pipe"
        if pipe.exists() and (case / "sdk.py").exists():
            program, problems = dsl.analyse(pipe.read_text(), str(pipe))
            if not problems and program.uploads():
                yield case.name


def test_every_upload_is_where_the_sdk_puts_it_and_made_text_is_the_sdks(sdk):
    """For each parity case: `deploy` uploads to exactly the S3 URIs the SDK program PUT to
    (besides the SDK's uuid-keyed model-monitor copies, which nothing in the definition names),
    and a file pipedsl makes itself (runproc.sh, analysis_config.json) has the SDK's bytes."""
    cases = list(_parity_cases_with_uploads())
    assert {"clarify-check", "framework-processor", "frameworks", "spark-processor", "spark-jar",
            "function-condition", "function-dependencies"} <= set(cases)
    for name in cases:
        case = ROOT / "tests" / "parity" / name
        program, _ = dsl.analyse((case / "case.pipe").read_text(), str(case / "case.pipe"))
        theirs = {uri: body for uri, body in sdk.uploads(path=str(case / "sdk.py")).items()
                  if "-monitoring-configuration/" not in uri}
        ours = {u.uri: u for u in program.uploads()}
        assert set(ours) == set(theirs), name
        for uri, upload in ours.items():
            if upload.text is not None:
                assert upload.text == theirs[uri], (name, uri)


def test_clarify_check_problems_are_at_their_values():
    text = (ROOT / "tests" / "parity" / "clarify-check" / "case.pipe").read_text()
    swaps = [('check_type                    = "model_bias"', 'check_type                    = "model_bais"'),
             ('            label              = 0\n            headers',
              '            label              = TrainData\n            headers'),
             ('            facet_values_or_threshold = [[0], [40]]', '            facet_values_or_threshold = [[0]]'),
             ('            agg_method     = "mean_abs"', '            agg_method     = "mean"'),
             ('        model_predicted_label_config {\n            probability_threshold = 0.7\n        }\n', '')]
    for old, new in swaps:
        assert old in text
        text = text.replace(old, new)
    _, problems = dsl.analyse(text)
    assert [(d.code, d.span.line, d.message) for d in problems] == [
        ("E0304", 26, "`data_config.label` must be known when the pipeline is built: it is written into "
                      "analysis_config.json"),
        ("E0304", 32, "2 facets but 1 values or thresholds"),
        ("E0304", 37, "`check_type` is data_bias, model_bias, model_explainability"),
        ("E0304", 77, "`agg_method` is one of mean_abs, median, mean_sq"),
    ]
    fixed = text.replace('"model_bais"', '"model_bias"')
    _, problems = dsl.analyse(fixed)
    assert ("E0303", "a model_bias check needs a `model_predicted_label_config` block") in [
        (d.code, d.message) for d in problems]


def test_an_imported_clarify_check_keeps_its_analysis_config_and_its_sdk_code_gives_the_definition(sdk):
    """A definition does not hold the analysis config (it is in S3): import keeps its URI as
    `analysis_config`; deploy uploads nothing for it, and the SDK code is a RawStep."""
    case = ROOT / "tests" / "parity" / "clarify-check"
    definition = transpile(case / "case.pipe", compact=True)
    pipe = dsl.import_definition(definition, name="ClarifyChecks")
    import re

    assert len(re.findall(r"analysis_config +=", pipe)) == 5 and ": raw" not in pipe
    assert dsl.transpile(pipe, compact=True) == definition
    program, problems = dsl.analyse(pipe)
    assert not problems and program.uploads() == []
    assert sdk.definition(code=dsl.transpile(pipe, to="sdk")) == definition
    bad = pipe.replace('check_type      = "data_bias"', 'check_type      = "data_bias"\n        methods = "all"')
    _, problems = dsl.analyse(bad)
    assert [(d.code, d.message) for d in problems] == [
        ("E0304", "`methods` is part of the analysis config: with `analysis_config` it is already in S3")]


REPACK = ROOT / "tests" / "parity" / "model-repack"


def test_the_repack_table_is_the_pinned_sdks():
    import ast
    import importlib.util
    from pathlib import Path

    from dsl.plugins.kinds._repack import settings

    workflow = Path(importlib.util.find_spec("sagemaker").origin).parent / "workflow"
    constants = {}
    for node in ast.parse((workflow / "_utils.py").read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    table = settings()
    assert table["script"] == (workflow / constants["REPACK_SCRIPT"]).read_text()
    assert (table["script_name"], table["launcher_name"], table["launcher"], table["framework_version"],
            table["instance_type"]) == (constants["REPACK_SCRIPT"], constants["REPACK_SCRIPT_LAUNCHER"],
                                        constants["LAUNCH_REPACK_SCRIPT_CMD"], constants["FRAMEWORK_VERSION"],
                                        constants["INSTANCE_TYPE"])


def test_a_repacking_model_step_is_the_sdks_but_for_the_code_key_the_sdk_times(sdk, tmp_path):
    """The SDK program as users write it (no pin): everything equal but the repack jobs'
    `sagemaker_submit_directory`, which the SDK names after the time. The pinned key's hash is
    the SDK's own `hash_files_or_dirs` over the source folder with its two files added."""
    import shutil

    folder = tmp_path / "case"
    shutil.copytree(REPACK, folder, ignore=shutil.ignore_patterns("_repack_*"))
    program = (folder / "sdk.py").read_text()
    unpinned = "\n".join(line for line in program.splitlines() if ".job_name = " not in line)
    theirs = json.loads(sdk.definition(code=unpinned, cwd=str(folder)))
    ours = json.loads(transpile(folder / "case.pipe"))
    keys = []
    for mine, sdks in zip(ours["Steps"], theirs["Steps"]):
        if mine["Name"].split("-")[1:2] == ["RepackModel"]:
            keys.append(json.loads(mine["Arguments"]["HyperParameters"]["sagemaker_submit_directory"]))
            assert json.loads(sdks["Arguments"]["HyperParameters"]["sagemaker_submit_directory"]).startswith(
                "s3://repack-bucket/sagemaker-scikit-learn-")
            for step in (mine, sdks):
                del step["Arguments"]["HyperParameters"]["sagemaker_submit_directory"]
    assert ours == theirs and len(keys) == 2
    # the SDK has now copied its files into code/: its hash of the folder is the key's
    hashing = ("from sagemaker.workflow.utilities import hash_files_or_dirs\n"
               "from sagemaker.workflow.fail_step import FailStep\nfrom sagemaker.workflow.pipeline import Pipeline\n"
               'pipeline = Pipeline(name="H", steps=[FailStep(name="H", error_message='
               'hash_files_or_dirs(["code", "lib"]) + " " + hash_files_or_dirs(["code"]))])\n')
    hashes = json.loads(sdk.definition(code=hashing, cwd=str(folder)))["Steps"][0]["Arguments"]["ErrorMessage"]
    assert [key.split("/")[3].rsplit("-", 1)[1] for key in keys] == hashes.split()


def test_a_repacking_model_step_uploads_its_code_with_the_sdks_two_files():
    import io
    import tarfile

    program, problems = dsl.analyse((REPACK / "case.pipe").read_text(), str(REPACK / "case.pipe"))
    assert not problems
    uploads = program.uploads()
    assert [u.uri.split("/")[3].rsplit("-", 1)[0] for u in uploads] == ["Register-RepackModel-0",
                                                                       "Create-RepackModel-served"]
    tar = tarfile.open(fileobj=io.BytesIO(uploads[0].body()), mode="r:gz")
    assert sorted(tar.getnames()) == ["_repack_model.py", "_repack_script_launcher.sh", "inference.py",
                                      "lib/helpers.py", "requirements.txt"]
    assert tar.extractfile("_repack_script_launcher.sh").read().decode().startswith("\n#!/bin/bash")


def test_repack_mistakes_are_at_their_values():
    text = (REPACK / "case.pipe").read_text()
    text = text.replace('        repack_output_path       = "s3://repack-bucket/repacked"\n', "")
    text = text.replace('        source_dir         = "code"\n', "")
    text = text.replace('model_data               = Train.ModelArtifacts.S3ModelArtifacts',
                        'model_data               = "s3://b/model.tar.gz"')
    _, problems = dsl.analyse(text, str(REPACK / "case.pipe"))
    assert [(d.code, d.span.line, d.message.split(":")[0]) for d in problems] == [
        ("E0304", 20, "with `entry_point`, `model_data` is another step's output (e.g. "
                      "Train.ModelArtifacts.S3ModelArtifacts)"),
        ("E0303", 22, "a model step that repacks its model needs `repack_output_path`"),
        # without `source_dir`, `Create` is a lone script repacked (the PyTorchModel form, as it
        # keeps `repack_output_path`): the file is looked for beside the .pipe file
        ("E0212", 38, "local code `inference.py` does not exist (" + str(REPACK / "inference.py") + "; paths are "
                      "relative to the .pipe file's folder)"),
    ]


def test_a_repacking_model_step_in_a_condition_branch_brings_its_repack_job(sdk, tmp_path):
    import shutil

    folder = tmp_path / "case"
    shutil.copytree(REPACK, folder, ignore=shutil.ignore_patterns("_repack_*"))
    text = (folder / "case.pipe").read_text().replace("    step Done: fail {", (
        "    step Check: condition {\n        when Train.FinalMetricDataList[0].Value > 0.5\n"
        "        if_steps = [Register]\n        else_steps = [Done]\n    }\n    step Done: fail {"))
    (folder / "case.pipe").write_text(text)
    definition = transpile(folder / "case.pipe", compact=True)
    branch = next(s for s in json.loads(definition)["Steps"] if s["Name"] == "Check")["Arguments"]["IfSteps"]
    assert [s["Name"] for s in branch] == ["Register-RepackModel-0", "Register-RegisterModel"]
    code = transpile(folder / "case.pipe", to="sdk")
    assert sdk.definition(code=code, cwd=str(folder)) == definition


def test_the_functions_example_is_the_sdk_program(sdk, tmp_path):
    """Issue 23: the example's function steps are the SDK's `@step`s (the SDK's clock pinned by
    the test runner; the example's own build folder is pipedsl's default, so the comparison
    pins it the same way); the generated code gives the same bytes."""
    import shutil

    folder = tmp_path / "functions"
    shutil.copytree(ROOT / "examples" / "functions", folder)
    expected = sdk.definition(code=(ROOT / "tests" / "examples" / "functions_sdk.py").read_text(),
                              name="functions_sdk.py", cwd=str(folder))
    path = folder / "functions.pipe"
    path.write_text(path.read_text().replace('    instance_type         = "ml.m5.large"\n',
                                             '    instance_type         = "ml.m5.large"\n'
                                             '    build_time            = "2025-11-26-12-00-00-123"\n'))
    assert transpile(path, compact=True) == expected
    # (the generated code of function steps runs through the SDK in the parity suite)
    code = transpile(path, to="sdk")
    assert "from pipeline_steps.evaluate import evaluate" in code and "IncludeLocalWorkDir" in code


def test_a_lone_inference_script_is_uploaded_as_the_sdk_packs_it(sdk):
    """Issue 22: a model whose code is a lone `entry_point` (SKLearnModel, XGBoostModel without
    `source_dir`) is not repacked: its tarball (the script at the root, each dependency under its
    own name) goes to s3://BUCKET/NAME/sourcedir.tar.gz, the same members as the SDK's upload."""
    case = ROOT / "tests" / "parity" / "model-script"
    program, problems = dsl.analyse((case / "case.pipe").read_text(), str(case / "case.pipe"))
    assert not problems
    ours = {u.uri: u for u in program.uploads()}
    theirs = sdk.uploads(path=str(case / "sdk.py"), raw_uploads=True)
    assert set(ours) == set(theirs) == {"s3://script-bucket/churn-sklearn/sourcedir.tar.gz",
                                        "s3://script-bucket/churn-xgboost/sourcedir.tar.gz"}
    for uri, upload in ours.items():
        mine = tarfile.open(fileobj=io.BytesIO(upload.body()), mode="r:gz")
        sdks = tarfile.open(fileobj=io.BytesIO(theirs[uri]), mode="r:gz")
        # (the SDK's tarfile also lists folders; what unpacks is the same files)
        assert sorted(mine.getnames()) == sorted(m.name for m in sdks.getmembers() if m.isfile()), uri
        for member in mine.getmembers():
            assert mine.extractfile(member).read() == sdks.extractfile(member.name).read(), (uri, member.name)
    names = tarfile.open(fileobj=io.BytesIO(ours["s3://script-bucket/churn-sklearn/sourcedir.tar.gz"].body()),
                         mode="r:gz").getnames()
    assert sorted(names) == ["lib/helpers.py", "predict.py"]


def test_a_repacked_lone_script_is_packed_as_the_sdk_packs_it(sdk):
    """Issue 22: HuggingFaceModel/PyTorchModel with a lone `entry_point`: the repack job's
    tarball holds the script and the SDK's two repack files, the same files as the SDK's."""
    case = ROOT / "tests" / "parity" / "model-repack-script"
    program, problems = dsl.analyse((case / "case.pipe").read_text(), str(case / "case.pipe"))
    assert not problems
    ours = {u.uri: u for u in program.uploads()}
    theirs = sdk.uploads(path=str(case / "sdk.py"), raw_uploads=True)
    assert set(ours) == set(theirs) and len(ours) == 2
    for uri, upload in ours.items():
        mine = tarfile.open(fileobj=io.BytesIO(upload.body()), mode="r:gz")
        sdks = tarfile.open(fileobj=io.BytesIO(theirs[uri]), mode="r:gz")
        assert sorted(mine.getnames()) == sorted(m.name for m in sdks.getmembers() if m.isfile()) == [
            "_repack_model.py", "_repack_script_launcher.sh", "inference.py"]
        for member in mine.getmembers():
            assert mine.extractfile(member).read() == sdks.extractfile(member.name).read(), (uri, member.name)
