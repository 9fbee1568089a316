"""`image(...)` and the pipeline's `region` (LANGUAGE.md section 14): the offline table gives
what the pinned SDK's `image_uris.retrieve` gives, errors included."""
from __future__ import annotations

import json
import random

import dsl
from dsl.semantics import images

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "il-central-1", "sa-east-1"]
INSTANCES = {"cpu": "ml.m5.xlarge", "gpu": "ml.p3.2xlarge", "inf": "ml.inf1.xlarge", "trn": "ml.trn1.2xlarge"}


def sample(count=250, seed=7):
    """Arguments the table knows, and variations (no scope, another region, a wrong version)."""
    rng = random.Random(seed)
    cases = []
    for framework, config in images.table()["frameworks"].items():
        for scope, scoped in config["by_scope"].items():
            for key in scoped["entries"]:
                version, base, py, processor = (x or None for x in key.split("|"))
                instance = INSTANCES.get(processor) or (f"ml.{processor}.xlarge" if processor else None)
                cases.append([framework, rng.choice(REGIONS), version, py, instance, scope, base])
    rng.shuffle(cases)
    cases = cases[:count]
    for case in list(cases[:60]):
        cases.append(case[:5] + [None] + case[6:])  # no scope: the SDK's defaulting
        cases.append(case[:2] + [(case[2] or "") + "9"] + case[3:])  # an unknown version
    return cases


def test_the_table_is_what_the_pinned_sdk_retrieves(sdk):
    cases = sample()
    program = (
        "import json\nfrom sagemaker import image_uris\nfrom sagemaker.workflow.fail_step import FailStep\n"
        "from sagemaker.workflow.pipeline import Pipeline\n"
        "from sagemaker.training_compiler.config import TrainingCompilerConfig\nout = []\n"
        f"for f, r, v, py, it, scope, base in {json.dumps(cases)!s}:\n"
        "    # the table's `<framework>-training-compiler`: retrieve(<framework>, training_compiler_config=...)\n"
        "    extra = {'training_compiler_config': TrainingCompilerConfig()} if f.endswith('-training-compiler') else {}\n"
        "    try:\n"
        "        out.append(image_uris.retrieve(f.replace('-training-compiler', ''), r, version=v, py_version=py,"
        " instance_type=it, image_scope=scope, base_framework_version=base, **extra))\n"
        "    except Exception:\n"
        "        out.append(None)\n"
        "pipeline = Pipeline(name='Images', steps=[FailStep(name='Out', error_message=json.dumps(out))])\n"
    ).replace("null", "None")
    expected = json.loads(json.loads(sdk.definition(code=program))["Steps"][0]["Arguments"]["ErrorMessage"])
    got = []
    for framework, region, version, py, instance, scope, base in cases:
        try:
            got.append(images.retrieve(framework, region, version, py, instance, scope, base))
        except images.ImageError:
            got.append(None)
    assert got == expected
    assert sum(uri is not None for uri in got) > 200 and None in got


def test_the_table_was_made_from_the_pinned_sdk():
    import re
    from pathlib import Path

    pinned = re.search(r'"sagemaker==([^"]+)"', (Path(__file__).parents[1] / "pyproject.toml").read_text()).group(1)
    assert images.table()["sdk"] == pinned


def problems(text):
    _, found = dsl.analyse(text)
    return [(d.code, d.span.line, d.span.column, d.message, d.hint) for d in found if d.is_error]


STEP = ('    step S: training {{\n        image_uri = {image}\n        role = "arn:aws:iam::123456789012:role/R"\n'
        '        instance_type = "ml.m5.xlarge"\n        instance_count = 1\n        output_path = "s3://b/o"\n    }}\n')


def pipe(image, region='    region = "us-east-1"\n'):
    return "pipeline P {\n" + region + STEP.format(image=image) + "}\n"


def test_errors_point_at_the_argument_and_list_what_is_known():
    assert problems(pipe('image("xgbost", version = "1.7-1")')) == [
        ("E0210", 4, 27, 'no images known for framework "xgbost"', "did you mean `xgboost`?")]
    (found,) = problems(pipe('image("xgboost", version = "9.9")'))
    assert found[:4] == ("E0210", 4, 48, 'unknown xgboost version "9.9"') and '"1.7-1"' in found[4]
    (found,) = problems(pipe('image("pytorch", version = "2.1", image_scope = "training")'))
    assert found[:4] == ("E0210", 4, 21, "this image needs `instance_type` (it differs for cpu, gpu)")
    (found,) = problems(pipe('image("pytorch", version = "2.1", py_version = "py27", image_scope = "training")'))
    assert found[:4] == ("E0210", 4, 68, 'unknown Python version "py27"') and '"py310"' in found[4]
    assert problems(pipe('image("xgboost", version = "1.7-1")', region="")) == [
        ("E0210", 3, 21, "`image(...)` needs the pipeline's `region`: images differ by region",
         'add `region = "us-east-1"` to the pipeline')]
    (found,) = problems(pipe('image("xgboost", version = "1.7-1")', region='    region = "mars-1"\n'))
    assert found[:4] == ("E0210", 2, 14, 'no `xgboost` images in region "mars-1"')


def test_an_image_is_text_known_before_running():
    text = 'let i = image("knn", version = "1")\n' + pipe("i").replace("S: training", "S: training")
    out = json.loads(dsl.transpile(text))
    assert out["Steps"][0]["Arguments"]["AlgorithmSpecification"]["TrainingImage"] == \
        "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1"
    docs = dsl.transpile(text, to="docs")
    assert "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1" in docs
