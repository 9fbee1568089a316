"""Issue 22's new step kinds beyond their parity cases: `lineage` and `inference_component`
refuse, at the member, what the SDK or the service refuses."""
import pytest

import dsl

LINEAGE = '''pipeline P {
    step L: lineage {
        artifacts = [{ artifact_name: "data", source_uri: "s3://b/d", artifact_type: "DataSet" }]
%s
    }
%s
}
'''


def messages(text):
    _, problems = dsl.analyse(text)
    return [(p.code, p.message) for p in problems]


@pytest.mark.parametrize("members,more,code,words", [
    ('associations = [{ source: { name: "dta", type: "Artifact" }, destination: { arn: "arn:x" } }]', "",
     "E0304", "names Artifact 'dta', which this step does not create"),
    ('associations = [{ source: { name: "data", type: "Artifact", arn: "arn:x" }, destination: { arn: "a" } }]', "",
     "E0304", "either `arn`, or `name` and `type`"),
    ('associations = [{ source: { name: "data", type: "Dataset" }, destination: { arn: "a" } }]', "",
     "E0304", "an entity's `type` is one of"),
    ('associations = [{ source: { arn: "a" } }]', "", "E0303", "an association needs `destination`"),
    ('actions = [{ action_name: "a", source_uri: "s3://b/x", action_typ: "Approval" }]', "", "E0302",
     "unknown key `action_typ`"),
    ('actions = [{ action_name: "a", source_uri: "s3://b/x", tags: { team: "ml" } }]', "", "E0304",
     "lineage `tags` are a list"),
    ('contexts = [{ source_uri: "s3://b/x" }]', "", "E0303", "needs `context_name`"),
    ("", '    step F: fail { error_message = L.ArtifactArns["dta"] }', "E0205", "creates no artifact 'dta'"),
    ("", '    step F: fail { error_message = L.ActionArn }', "E0205", "properties are ActionArns"),
])
def test_lineage_problems_are_located(members, more, code, words):
    found = messages(LINEAGE % (members, more))
    assert any(c == code and words in m for c, m in found), found


def test_a_lineage_step_that_creates_nothing_is_refused():
    found = messages('pipeline P {\n    step L: lineage {}\n}\n')
    assert any("creates at least one entity or association" in m for _, m in found), found


def test_lineage_arns_are_properties_other_steps_read():
    text = LINEAGE % ("", '    step F: fail { error_message = L.ArtifactArns["data"] }')
    import json

    definition = json.loads(dsl.transpile(text))
    assert definition["Steps"][1]["Arguments"]["ErrorMessage"] == {"Get": "Steps.L.ArtifactArns['data']"}


def test_inference_component_takes_neither_retry_nor_cache():
    text = ('pipeline P {\n    step I: inference_component {\n        inference_component_name = "i"\n'
            '        endpoint_name = "e"\n        variant_name = "AllTraffic"\n'
            '        specification = { ModelName: "m" }\n        cache = true\n    }\n}\n')
    found = messages(text)
    assert [c for c, _ in found] == ["E0317"] and "takes no `cache`" in found[0][1], found


REGISTER = '''pipeline P {
    step Train: training {
        image_uri = "img:1", role = "arn:aws:iam::123456789012:role/R", instance_count = 1
        instance_type = "ml.m5.large", output_path = "s3://b/o"
%s
    }
    step Register: register_model {
        model_data = Train.ModelArtifacts.S3ModelArtifacts
        model_package_group_name = "G"
%s
    }
%s
}
'''


@pytest.mark.parametrize("train,register,more,words", [
    ("", "tags = { team: \"ml\" }\nimage_uri = \"i\"", "", "`tags` needs `estimator`"),
    ("", "", "", "needs `image_uri` (or `containers`, or `estimator`)"),
    ("", "estimator = Other", '    step Other: fail {}', "`estimator` names a `training` step"),
    ("", "estimator = Train\nenv = { A: \"1\" }", "", "`env` is ModelStep's"),
    ("", "estimator = Train\npackage_description = \"p\"", "", "`package_description` is ModelStep's"),
    ('framework = "sklearn"\nframework_version = "1.2-1"\nentry_point = "s3://b/t.py"', "estimator = Train", "",
     "inference image is not its training image"),
    ("", 'estimator = Train\nentry_point = "inference.py"\nsource_dir = "code"\nrepack_output_path = "s3://b/r"', "",
     "`repack_output_path` is ModelStep's"),
    ("", 'estimator = Train\nentry_point = "inference.py"', "", "`entry_point` needs `source_dir`"),
])
def test_the_legacy_register_model_refuses_what_it_has_no_place_for(train, register, more, words):
    """Issue 22: RegisterModel(estimator=...) is `register_model` with `estimator`."""
    text = REGISTER % (train, register, more)
    if train:  # a framework estimator: no image of its own
        text = text.replace('image_uri = "img:1", ', "")
    found = messages(text)
    assert any(words in m for _, m in found), found


AUTOML = '''pipeline P {
    default_bucket = "b"
    param D: String = "s3://b/d"
    step A: automl {
        role = "arn:aws:iam::123456789012:role/R"
%s
    }
}
'''


@pytest.mark.parametrize("members,words", [
    ('data = "s3://b/d"\ntarget_attribute_name = "y"\nmode = "AUTO"', "runs in `mode = \"ENSEMBLING\"`"),
    ('mode = "ENSEMBLING"', "takes `data` or `inputs`"),
    ('data = D\ntarget_attribute_name = "y"\nmode = "ENSEMBLING"', "known when the pipeline is built"),
    ('data = "s3://b/d"\nmode = "ENSEMBLING"', "`data` needs `target_attribute_name`"),
    ('inputs = [{ data: D, channel: "training" }]\nmode = "ENSEMBLING"', "unknown key `channel`"),
    ('inputs = [{ data: D }]\nmode = "ENSEMBLING"', "needs `target_attribute_name`"),
    ('inputs = [{ data: D, target_attribute_name: "y" }]\ncontent_type = "text/csv"\nmode = "ENSEMBLING"',
     "`content_type` is for `data`"),
    ('data = "s3://b/d"\ntarget_attribute_name = "y"\nmode = "ENSEMBLING"\nproblem_type = "Regression"',
     "`problem_type` and `job_objective` go together"),
])
def test_automl_problems_are_located(members, words):
    """Issue 22: what AutoML, AutoMLInput and AutoMLStep refuse, before the SDK or AWS."""
    found = messages(AUTOML % members)
    assert any(words in m for _, m in found), found


@pytest.mark.parametrize("text,words", [
    ('pipeline P {\n    use_custom_job_prefix = "yes"\n}\n', "`use_custom_job_prefix` is true or false"),
    ('pipeline P {\n    use_custom_job_prefix = true\n    step M: model { image_uri = "i", '
     'role = "arn:aws:iam::123456789012:role/R" }\n}\n', "a `model` step needs `name`"),
    ('pipeline P {\n    use_custom_job_prefix = true\n    step T: transform { model_name = "m", data = "s3://b/d", '
     'output_path = "s3://b/o", instance_count = 1, instance_type = "ml.m5.large" }\n}\n',
     "needs `base_transform_job_name`"),
])
def test_use_custom_job_prefix_asks_for_what_the_sdk_needs(text, words):
    """Issue 22: with PipelineDefinitionConfig(use_custom_job_prefix=True) the SDK keeps job
    names; where it would need a name it has not got (or a service call), the file says so."""
    found = messages(text)
    assert any(words in m for _, m in found), found


@pytest.mark.parametrize("members,words", [
    ('containers = [{ image_uri: "a" }]\nimage_uri = "b"', "`image_uri` and `containers` exclude each other"),
    ('containers = []', "lists the PipelineModel's models"),
    ('containers = [{ model_data: "s3://b/m" }]', "a container needs `image_uri`"),
    ('containers = [{ image_uri: "a", environment: {} }]', "unknown key `environment` in a container"),
    ('role = "arn:aws:iam::123456789012:role/R"', "needs `image_uri` (or `containers`)"),
])
def test_pipeline_model_containers_are_checked(members, words):
    """Issue 22: a PipelineModel is `containers` on `model` and `register_model`."""
    found = messages('pipeline P {\n    step M: model {\n        role = "arn:aws:iam::123456789012:role/R"\n'
                     + "\n".join("        " + line for line in members.splitlines() if not line.startswith("role"))
                     + '\n    }\n}\n')
    assert any(words in m for _, m in found), found


@pytest.mark.parametrize("members,words", [
    ('best_model_of = Other', "`best_model_of` names an `automl` step"),
    ('best_model_of = A\nimage_uri = "i"', "`image_uri` and `best_model_of` exclude each other"),
])
def test_best_model_of_names_an_automl_step(members, words):
    """Issue 22: get_best_auto_ml_model is `best_model_of = AutoPilot` on model steps."""
    text = ('pipeline P {\n    default_bucket = "b"\n    step A: automl { role = "arn:aws:iam::123456789012:role/R", '
            'data = "s3://b/d", target_attribute_name = "y", mode = "ENSEMBLING" }\n    step Other: fail {}\n'
            '    step M: model {\n        role = "arn:aws:iam::123456789012:role/R"\n'
            + "\n".join("        " + line for line in members.splitlines()) + "\n    }\n}\n")
    found = messages(text)
    assert any(words in m for _, m in found), found


def test_a_created_best_model_needs_a_role():
    text = ('pipeline P {\n    default_bucket = "b"\n    step A: automl { role = "arn:aws:iam::123456789012:role/R", '
            'data = "s3://b/d", target_attribute_name = "y", mode = "ENSEMBLING" }\n'
            '    step M: model { best_model_of = A }\n}\n')
    assert any("`best_model_of` needs `role`" in m for _, m in messages(text))


def test_a_legacy_repack_imported_without_its_code_is_still_exact(tmp_path):
    """Issue 22: without the inference code beside the output, the legacy RegisterModel's repack
    job cannot be read back as `entry_point`: it comes back as the training step it is, and the
    package as a legacy registration over it, exact; beside the code, natively."""
    import json
    import pathlib

    from dsl.tools.importer import import_definition

    case = pathlib.Path(__file__).parent / "parity" / "register-model-legacy-repack"
    definition = dsl.transpile((case / "case.pipe").read_text(), filename=str(case / "case.pipe"))
    text = import_definition(definition, name="LegacyRepack", folder=str(tmp_path))
    members = {" ".join(line.split()) for line in text.splitlines()}
    assert {"step RegisterAbaloneModel-RepackModel: training {", "estimator = RegisterAbaloneModel-RepackModel"} <= members
    assert json.loads(dsl.transpile(text, filename=str(tmp_path / "x.pipe"))) == json.loads(definition)
    native = import_definition(definition, name="LegacyRepack", folder=str(case))
    members = {" ".join(line.split()) for line in native.splitlines()}
    assert {"estimator = Train", 'source_dir = "code"', 'dependencies = ["lib"]'} <= members and "raw" not in native


def test_a_suffixed_step_imported_raw_keeps_its_json_name():
    """A step whose kind appends a suffix (`-CreateModel`) but that only a `raw` step gives back
    is named as in the JSON, and references to it follow (it was E0608)."""
    import json

    from dsl.tools.importer import import_definition

    definition = json.loads(dsl.transpile('pipeline P {\n    step M: model { image_uri = "i", role = '
                                          '"arn:aws:iam::123456789012:role/R" }\n'
                                          '    step F: fail { error_message = M.ModelName }\n}\n'))
    definition["Steps"][0]["Foo"] = 1  # (no kind writes it)
    text = import_definition(json.dumps(definition))
    assert "step M-CreateModel: raw {" in text and "error_message = M-CreateModel.ModelName" in text
    assert json.loads(dsl.transpile(text)) == definition


SCRIPT = '''pipeline P {
%s
    step M: model {
        image_uri   = "i"
        role        = "arn:aws:iam::123456789012:role/R"
        model_data  = "s3://b/model.tar.gz"
        entry_point = "predict.py"
%s
    }
}
'''


@pytest.mark.parametrize("pipeline,members,code,words", [
    ('region = "us-east-1"\ndefault_bucket = "b"', "", "E0303", "needs `name`: the SDK uploads the code under"),
    # (with `repack_output_path` a lone script is repacked, as PyTorchModel does: of step-made model data)
    ('region = "us-east-1"\ndefault_bucket = "b"', 'name = "m"\nrepack_output_path = "s3://b/r"', "E0304",
     "with `entry_point`, `model_data` is another step's output"),
    ('region = "us-east-1"\ndefault_bucket = "b"\nparam N: String = "m"', "name = N", "E0304",
     "`name` is a literal here"),
    ('default_bucket = "b"', 'name = "m"', "E0210", "needs the pipeline's `region`"),
    ('region = "us-east-1"', 'name = "m"', "E0307", "needs a default S3 path for the upload of the inference code"),
    ('region = "us-east-1"\ndefault_bucket = "b"', 'name = "m"\ndependencies = ["nope"]', "E0212", "local code"),
])
def test_a_lone_inference_script_is_checked(tmp_path, pipeline, members, code, words):
    """Issue 22: `entry_point` without `source_dir` (the SDK's SKLearnModel/XGBoostModel form)."""
    (tmp_path / "predict.py").write_text("def model_fn(d):\n    return d\n")
    _, problems = dsl.analyse(SCRIPT % (pipeline, members), str(tmp_path / "p.pipe"))
    found = [(p.code, p.message) for p in problems]
    assert any(c == code and words in m for c, m in found), found
    assert len(found) == 1, found


NOTEBOOK = '''pipeline P {
%s
    step N: notebook_job {
        notebook    = "report.ipynb"
        image_uri   = "885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu"
        kernel_name = "python3"
        role        = "arn:aws:iam::123456789012:role/R"
%s
    }
%s
}
'''


@pytest.mark.parametrize("pipeline,members,more,code,words", [
    ('region = "us-west-2"\ndefault_bucket = "b"', "", "", "E0304", "the image is not in the pipeline's region"),
    ('default_bucket = "b"', "", "", "E0210", "needs the pipeline's `region`"),
    ('region = "us-east-1"', "", "", "E0307", "`s3_root_uri` (where the notebook is staged)"),
    ('region = "us-east-1"\ndefault_bucket = "b"', 'initialization_script = "nope.sh"', "", "E0212", "local file"),
    ('region = "us-east-1"\ndefault_bucket = "b"', 'additional_dependencies = ["/etc"]', "", "E0212",
     "is an absolute path"),
    ('region = "us-east-1"\ndefault_bucket = "b"', 'additional_dependencies = ["s3://b/x"]', "", "E0304",
     "is a local path"),
    ('region = "us-east-1"\ndefault_bucket = "b"', 's3_root_uri = "b/x"', "", "E0304", "is an S3 URI"),
    ('region = "us-east-1"\ndefault_bucket = "b"', 'notebook_job_name = "9lives"', "", "E0304", ""),
    ('region = "us-east-1"\ndefault_bucket = "b"', 'subnets = ["s"]', "", "E0303", "go together"),
    ('region = "us-east-1"\ndefault_bucket = "b"', "", '    step F: fail { error_message = N.OutputNotebook }',
     "E0206", "has no property `OutputNotebook`"),
    ('region = "us-east-1"\ndefault_bucket = "b"', "cache = true", "", "E0317", "takes no `cache`"),
])
def test_notebook_job_problems_are_located(tmp_path, pipeline, members, more, code, words):
    """Issue 22: NotebookJobStep's own validation (and the service's) at the member."""
    (tmp_path / "report.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    _, found = dsl.analyse(NOTEBOOK % (pipeline, members, more), str(tmp_path / "p.pipe"))
    found = [(p.code, p.message) for p in found]
    assert any(c == code and words in m for c, m in found), found


def test_a_notebook_name_that_gives_no_job_name_asks_for_one(tmp_path):
    (tmp_path / "1.ipynb").write_text("{}")
    text = (NOTEBOOK % ('region = "us-east-1"\ndefault_bucket = "b"', "", "")).replace("report.ipynb", "1.ipynb")
    _, found = dsl.analyse(text.replace('kernel_name = "python3"', 'kernel_name = "python3"\nbuild_time = "_x"'),
                           str(tmp_path / "p.pipe"))
    assert any(p.code == "E0303" and "give `notebook_job_name`" in p.message for p in found), found


def test_a_notebook_jobs_input_folder_moves_with_its_files_and_is_pinned_by_build_time(tmp_path):
    """The staged input folder (the SDK's `input-TIME`) is a digest of the step and its files by
    default: the same files give the same definition, an edit a new folder; `build_time` pins it."""
    import json

    notebook = tmp_path / "report.ipynb"
    notebook.write_text('{"cells": []}')
    text = NOTEBOOK % ('region = "us-east-1"\ndefault_bucket = "b"', "", "")

    def folder(source):
        step = json.loads(dsl.transpile(source, filename=str(tmp_path / "p.pipe")))["Steps"][0]["Arguments"]
        return step["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"]

    first = folder(text)
    assert first.startswith("s3://b/P/N/input-") and folder(text) == first
    notebook.write_text('{"cells": [1]}')
    assert folder(text) != first
    pinned = text.replace('kernel_name = "python3"', 'kernel_name = "python3"\nbuild_time = "2025-11-26-12-00-00-123"')
    assert folder(pinned) == "s3://b/P/N/input-2025-11-26-12-00-00-123"


MONITOR = '''pipeline P {
    region = "us-east-1"
    default_bucket = "b"
    step M: monitor_batch_transform {
%s
        transform {
            model_name = "m", base_transform_job_name = "batch", instance_type = "ml.m5.xlarge"
            instance_count = 1, data = "s3://b/in"
%s
        }
        monitor {
            check_type = "%s", role = "arn:aws:iam::123456789012:role/R", instance_type = "ml.m5.xlarge"
            instance_count = 1, baseline_dataset = "s3://b/in", dataset_format = { csv: { header: false } }
            output_s3_uri = "s3://b/m"
%s
        }
    }
%s
}
'''


@pytest.mark.parametrize("members,transform,check,monitor,more,code,words", [
    ("", "", "model_explainability", "", "", "E0304", "a model_explainability monitor is a Clarify check"),
    ("", "", "data_quality", "skip_check = true", "", "E0304", "`skip_check` is not a `monitor` setting"),
    ("", "", "data_quality", "fail_on_violation = false", "", "E0304", "`fail_on_violation` is not a `monitor`"),
    ("monitor_before_transform = true", "", "model_quality", 'problem_type = "Regression"\ninference_attribute = "a"',
     "", "E0304", "only a data_quality monitor runs before the transform"),
    ("", "instance_typ = \"x\"", "data_quality", "", "", "E0302", "unknown field `instance_typ` in `transform`"),
    ("", "", "data_quality", "rol = \"x\"", "", "E0302", "unknown field `rol` in `monitor`"),
    ("depends_on = [F]", "", "data_quality", "", "    step F: fail {}", "E0317", "takes no `depends_on`"),
    ("cache = true", "", "data_quality", "", "", "E0317", "takes no `cache`"),
    ("", "", "data_quality", "", "    step F: fail { error_message = M.CalculatedBaselineStatistic }", "E0206",
     "is neither a transform job's property nor the check's"),
])
def test_monitor_batch_transform_problems_are_located(members, transform, check, monitor, more, code, words):
    """Issue 22: MonitorBatchTransformStep's parts are checked as their kinds check them, and
    what the SDK's class refuses is refused at the member."""
    found = messages(MONITOR % (members, transform, check, monitor, more))
    assert any(c == code and words in m for c, m in found), found


def test_a_monitor_batch_transform_needs_both_blocks():
    text = 'pipeline P {\n    step M: monitor_batch_transform {\n        transform { model_name = "m" }\n    }\n}\n'
    assert any("needs a `monitor { }` block" in m for _, m in messages(text))


PLAIN = '''pipeline P {
    region = "us-east-1"
    default_bucket = "b"
    step S: %s {
        role = "arn:aws:iam::123456789012:role/R"
        instance_type = "ml.m5.xlarge"
        instance_count = 1
%s
    }
}
'''


@pytest.mark.parametrize("kind,members,code,words", [
    ("processing", 'plain_session = true\nimage_uri = "i"\ncode = "prep.py"', "E0303", "give `job_name`"),
    ("processing", 'job_name = "j"\nimage_uri = "i"\ncode = "prep.py"', "E0304",
     "`job_name` goes with `plain_session = true`"),
    ("processing", 'plain_session = true\njob_name = "j"\nframework = "pytorch"\nframework_version = "2.1"\n'
                   'py_version = "py310"\ncode = "prep.py"\nsource_dir = "src"', "E0304",
     "not of a FrameworkProcessor or a Spark processor"),
    ("processing", 'plain_session = true\njob_name = "no_underscores"\nimage_uri = "i"\ncode = "prep.py"', "E0304",
     ""),
    ("training", 'plain_session = true\nframework = "sklearn"\nframework_version = "1.2-1"\nentry_point = "prep.py"',
     "E0303", "give `job_name`"),
    ("training", 'image_uri = "i"\ncode_location = "s3://b/c"', "E0304", "`code_location` goes with"),
    ("training", 'plain_session = true\nimage_uri = "i"\ncode_location = "s3://b/c"', "E0304",
     "this step has none"),
    ("training", 'plain_session = true\njob_name = "j"\nframework = "sklearn"\nframework_version = "1.2-1"\n'
                 'entry_point = "prep.py"\ncode_location = "b/c"', "E0304", "`code_location` is an S3 URI"),
])
def test_plain_session_steps_are_checked(tmp_path, kind, members, code, words):
    """Issue 22: the legacy step forms with a plain Session put local code under the job name,
    which must then be given (the SDK's holds a timestamp)."""
    (tmp_path / "prep.py").write_text("print(1)\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "prep.py").write_text("print(1)\n")
    _, found = dsl.analyse(PLAIN % (kind, members), str(tmp_path / "p.pipe"))
    found = [(p.code, p.message) for p in found]
    assert any(c == code and words in m for c, m in found), found
