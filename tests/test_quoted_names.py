"""Names that are keywords, written in backquotes (spec section 16): `input` names a channel,
a step, a parameter... everywhere a name is declared or used."""
import json

import dsl
from dsl.tools.importer import import_definition

PIPE = ('pipeline P {\n    param `in`: String = "x"\n\n'
        '    step `step`: processing {\n        image_uri      = "i"\n'
        '        role           = "arn:aws:iam::123456789012:role/R"\n        instance_type  = "ml.m5.large"\n'
        '        instance_count = 1\n        input `input` { source = `in`, destination = "/opt/ml/processing/input" }\n'
        '        output `output` { source = "/opt/ml/processing/out", destination = "s3://b/out" }\n    }\n'
        '    step F: fail {\n        error_message = `step`.ProcessingOutputConfig.Outputs["output"].S3Output.S3Uri\n'
        '        depends_on    = [`step`]\n    }\n}\n')


def test_backquoted_keywords_are_names_everywhere():
    assert dsl.analyse(PIPE)[1] == []
    steps = json.loads(dsl.transpile(PIPE))["Steps"]
    assert steps[0]["Name"] == "step"
    assert steps[0]["Arguments"]["ProcessingInputs"][0]["InputName"] == "input"
    assert steps[0]["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] == {"Get": "Parameters.in"}
    assert steps[1]["DependsOn"] == ["step"]


def test_without_backquotes_a_keyword_is_still_an_error_that_says_how():
    _, problems = dsl.analyse("pipeline P {\n    param in: String\n}\n")
    (d,) = [d for d in problems if d.code == "E0102"] or [None]
    assert d is None or "in backquotes" in d.hint
    _, problems = dsl.analyse("pipeline P {\n    let step = 1\n}\n")
    assert [d.code for d in problems if d.is_error] == ["E0102"]
    assert "`step` (in backquotes)" in [d for d in problems if d.code == "E0102"][0].hint


def test_fmt_keeps_and_import_writes_the_backquotes():
    assert dsl.format(PIPE) == PIPE
    pipe = import_definition(dsl.transpile(PIPE))
    assert "step `step`: processing {" in pipe and "param `in` = " in pipe and "depends_on    = [`step`]" in pipe
    assert dsl.transpile(pipe, compact=True) == dsl.transpile(PIPE, compact=True)
