"""`pipedsl diff`'s plan (dsl.aws.plan): changes named in .pipe words from the kinds' declarations."""
import json

import dsl
from dsl.aws.plan import plan

BASE = '''pipeline P {
    default_bucket = "b"
    step Train: training {
        image_uri      = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"
        role           = "arn:aws:iam::123456789012:role/R"
        instance_type  = "ml.m5.xlarge"
        instance_count = 1
        output_path    = "s3://b/out"
        cache          = "P1D"
        input train = "s3://b/train"
    }
    step Check: condition {
        when Train.FinalMetricDataList["rmse"].Value <= 6.0
        if_steps = [Stop]
    }
    step Stop: fail { error_message = "x" }
}
'''


def _plan(old_text, new_text):
    program, _ = dsl.analyse(new_text)
    return plan(json.loads(dsl.transpile(old_text)), json.loads(dsl.transpile(new_text)), program)


def test_envelope_members_fields_and_unplaced_json_are_all_named():
    new = (BASE.replace('cache          = "P1D"', 'cache          = "P2D"')
           .replace('input train = "s3://b/train"', 'input train = "s3://b/train2"')
           .replace('error_message = "x"', 'error_message = "y"').replace("6.0", "5.0"))
    assert _plan(BASE, new) == [
        "steps: 3 to change",
        "~ step Train",
        '    Train: Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri: "s3://b/train" → "s3://b/train2"',
        '    Train.cache.ExpireAfter: "P1D" → "P2D"',
        "~ step Check",
        "    Check: Arguments.Conditions[0].RightValue: 6.0 → 5.0",
        "~ step Stop",
        '    Stop.error_message: "x" → "y"',
    ]


def test_the_same_definition_has_an_empty_plan_and_key_order_alone_is_a_change():
    definition = json.loads(dsl.transpile(BASE))
    assert plan(definition, definition) == []
    reordered = dict(reversed(list(definition.items())))
    assert plan(definition, reordered) == ["the definition's key order or layout changes"]
