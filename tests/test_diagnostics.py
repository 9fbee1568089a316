"""Every diagnostic the checks can give, with its code and location (LANGUAGE.md section 9)."""
import json
import textwrap

import pytest

import dsl

ROLE = '"arn:aws:iam::123456789012:role/R"'
TRAIN = f'image_uri = "img"\n role = {ROLE}\n instance_type = "ml.m5.large"\n instance_count = 1\n'
TUNE = ('pipeline X { default_bucket = "b"\n step U: tuning { ' + TRAIN.replace("%", "%%")
        + ' objective_metric_name = "m"\n hyperparameter_ranges = { %s } }\n %s\n}')


def problems(text):
    _, found = dsl.analyse(textwrap.dedent(text), "t.pipe")
    return found


def where(text, code):
    """(line, column) of each diagnostic with `code`."""
    return [(d.span.line, d.span.column) for d in problems(text) if d.code == code]


EOF = object()  # the end of the text


def locate(text, needle):
    """(line, column) of a needle: a string (its first occurrence), (string, n) for the
    n-th occurrence from 0, or EOF. The expected locations are written this way so that
    each one names the token the spec says a diagnostic points at."""
    text = textwrap.dedent(text)
    if needle is EOF:
        offset = len(text)
    else:
        needle, nth = needle if isinstance(needle, tuple) else (needle, 0)
        offset = -1
        for _ in range(nth + 1):
            offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


CASES = [
    # (name, source, code, [where each diagnostic of that code points])
    ("syntax", "pipeline X {\n  param = 1\n}", "E0001", ["= 1"]),
    ("syntax eof", "pipeline X {\n  param P", "E0001", [EOF]),
    ("several syntax errors", "pipeline X {\n param A: = 1\n step S: fail { error_message = }\n}", "E0001", ["= 1", "}\n}"]),
    ("bad escape", 'pipeline X { step S: fail { error_message = "a\\qb" } }', "E0002", ["\\qb"]),
    ("unclosed interpolation", 'pipeline X { step S: fail { error_message = "${Execution" } }', "E0002", ["${Exec"]),
    ("no pipeline", "let x = 1\n", "E0003", [EOF]),
    ("two pipelines", "pipeline A {}\npipeline B {}", "E0003", ["B {}"]),
    ("declared twice", "pipeline X {\n param A\n step A: fail {}\n}", "E0101", ["A: fail"]),
    ("let and param share names", "let A = 1\npipeline X {\n param A\n}", "E0101", [("A\n}", 0)]),
    ("keyword as name", "pipeline X {\n param when\n}", "E0102", ["when"]),
    ("pipeline name", "pipeline My_Pipe {}", "E0103", ["My"]),
    ("pipeline name hyphen end", "pipeline My-Pipe- {}", "E0103", ["My"]),
    ("step name too long", "pipeline X {\n step " + "S" * 65 + ": fail {}\n}", "E0104", ["SSS"]),
    ("param name too long", "pipeline X {\n param " + "P" * 65 + "\n}", "E0105", ["PPP"]),
    ("pipeline attribute", 'pipeline X {\n descripton = "d"\n}', "E0106", ["descripton"]),
    ("experiment name", 'pipeline X {\n experiment { name = "my_exp" }\n}', "E0107", ['"my_exp"']),
    ("trial name", 'pipeline X {\n experiment { trial = "-t" }\n}', "E0107", ['"-t"']),
    ("experiment setting", 'pipeline X {\n experiment { trail = "t" }\n}', "E0108", ["trail"]),
    ("experiment twice", 'pipeline X {\n experiment none\n experiment none\n}', "E0109", [("experiment none", 1)]),
    ("let cycle", "let a = b\nlet b = a\npipeline X {}", "E0110", ["a = b"]),
    ("param type", "pipeline X {\n param P: Strng\n}", "E0151", ["Strng"]),
    ("default type", 'pipeline X {\n param P: Integer = "x"\n}', "E0152", ['"x"']),
    ("float default bool", "pipeline X {\n param P: Float = true\n}", "E0152", ["true"]),
    ("boolean default int", "pipeline X {\n param P: Boolean = 1\n}", "E0152", ["1\n"]),
    ("enum on non-string", 'pipeline X {\n param P: Integer in ["a"]\n}', "E0153", ['["a"]']),
    ("enum default", 'pipeline X {\n param P: String in ["a", "b"] = "c"\n}', "E0154", ['"c"']),
    ("enum too many", "pipeline X {\n param P: String in [" + ", ".join(f'"v{i}"' for i in range(17)) + "]\n}", "E0155", ['"v16"']),
    ("enum duplicate", 'pipeline X {\n param P: String in ["a", "a"]\n}', "E0156", [('"a"', 1)]),
    ("enum not strings", "pipeline X {\n param P: String in [1]\n}", "E0157", ["1]"]),
    ("unknown reference", "pipeline X {\n param InstanceCount: Integer = 1\n step S: fail { error_message = InstanceCont }\n}", "E0203", ["InstanceCont "]),
    ("unknown execution variable", "pipeline X {\n step S: fail { error_message = Execution.PipelineID }\n}", "E0204", ["PipelineID"]),
    ("unknown experiment property", "pipeline X {\n step S: fail { error_message = PipelineExperimentConfig.Name }\n}", "E0204", ["Name }"]),
    ("unknown property member", f"pipeline X {{ default_bucket = \"b\"\n step T: training {{ {TRAIN} }}\n step S: fail {{ error_message = T.ModelArtifact.S3ModelArtifacts }}\n}}", "E0205", ["ModelArtifact."]),
    ("member of a parameter", "pipeline X {\n param P\n step S: fail { error_message = P.X }\n}", "E0205", ["X }"]),
    ("bare step as value", "pipeline X {\n step A: fail {}\n step S: fail { error_message = A }\n}", "E0205", ["A }"]),
    ("fail step properties", "pipeline X {\n step A: fail {}\n step S: fail { error_message = A.X }\n}", "E0206", ["A.X"]),
    ("json_get unknown property file", 'pipeline X { default_bucket = "b"\n step E: processing { ' + TRAIN + ' output o { source = "/o" } }\n step S: fail { error_message = json_get(E.Report, "a") }\n}', "E0207", ["Report"]),
    ("json_get on training", f'pipeline X {{ default_bucket = "b"\n step T: training {{ {TRAIN} }}\n step S: fail {{ error_message = json_get(T.R, "a") }}\n}}', "E0207", ["T.R"]),
    ("unknown function", 'pipeline X {\n step S: fail { error_message = jion("-", ["a"]) }\n}', "E0208", ["jion"]),
    ("interpolation of a call", 'pipeline X {\n step S: fail { error_message = "${join(1)}" }\n}', "E0209", ["${join"]),
    ("unknown kind", "pipeline X {\n step S: trainin {}\n}", "E0301", ["trainin"]),
    ("unknown field", f'pipeline X {{ default_bucket = "b"\n step T: training {{ {TRAIN} output_pth = "s3://x" }}\n}}', "E0302", ["output_pth"]),
    ("unknown retry field", f'pipeline X {{ default_bucket = "b"\n step T: training {{ {TRAIN} retry Step.THROTTLING {{ attempts = 2 }} }}\n}}', "E0302", ["attempts"]),
    ("missing field", 'pipeline X { default_bucket = "b"\n step T: training { image_uri = "i" }\n}', "E0303", ["T: training"] * 3),
    ("condition without when", "pipeline X {\n step C: condition {}\n}", "E0303", ["C: condition"]),
    ("wrong field type", f'pipeline X {{ default_bucket = "b"\n step T: training {{ {TRAIN} volume_size = "big" }}\n}}', "E0304", ['"big"']),
    ("wrong param type for field", f'pipeline X {{ default_bucket = "b"\n param F: Float\n step T: training {{ image_uri = "i"\n role = {ROLE}\n instance_type = "ml.m5.large"\n instance_count = F }}\n}}', "E0304", ["F }"]),
    ("role not an ARN", 'pipeline X { default_bucket = "b"\n step T: training { image_uri = "i"\n role = "MyRole"\n instance_type = "ml.m5.large"\n instance_count = 1 }\n}', "E0304", ['"MyRole"']),
    ("property file names unknown output", 'pipeline X { default_bucket = "b"\n step E: processing { ' + TRAIN + ' output o { source = "/o" }\n property_file R { output_name = "out", path = "r.json" } }\n}', "E0305", ['"out"']),
    ("member not allowed", "pipeline X {\n step S: fail { input = \"s3://x\" }\n}", "E0306", ["input"]),
    ("retry not allowed", "pipeline X {\n step S: fail { retry Step.THROTTLING }\n}", "E0306", ["retry"]),
    ("needs default bucket", f"pipeline X {{\n step T: training {{ {TRAIN} }}\n}}", "E0307", ["T: training"]),
    ("needs default bucket for an output", "pipeline X {\n step E: processing { " + TRAIN + ' output o { source = "/o" } }\n}', "E0307", ["o {"]),
    ("unknown depends_on", "pipeline X {\n step A: fail {}\n step B: fail { depends_on = [C] }\n}", "E0308", ["C]"]),
    ("unknown branch step", "pipeline X {\n step C: condition { when 1 == 1\n if_steps = [Nope] }\n}", "E0308", ["Nope"]),
    ("two branches", "pipeline X {\n step C: condition { when 1 == 1\n if_steps = [F]\n else_steps = [F] }\n step F: fail {}\n}", "E0309", [("F]", 1)]),
    ("branch names its condition", "pipeline X {\n step C: condition { when 1 == 1\n if_steps = [C] }\n}", "E0310", ["C]"]),
    ("cycle", "pipeline X {\n step A: fail { depends_on = [B] }\n step B: fail { depends_on = [A] }\n}", "E0311", ["B] }"]),  # where the cycle closes (issue 15)
    ("cycle through data", f'pipeline X {{ default_bucket = "b"\n step T: training {{ {TRAIN} depends_on = [U] }}\n step U: training {{ {TRAIN} output_path = T.ModelArtifacts.S3ModelArtifacts }}\n}}', "E0311", ["U] }"]),
    ("cycle through a let", 'let m = "s3://${U.ModelArtifacts.S3ModelArtifacts}/x"\npipeline X { default_bucket = "b"\n step T: training { ' + TRAIN + ' output_path = "s3://o" }\n step U: training { ' + TRAIN + ' output_path = m\n depends_on = [T] }\n step V: fail { depends_on = [U] }\n}', "E0311", ["m\n depends_on"]),
    ("hyperparameter list with an expression", 'pipeline X { default_bucket = "b"\n param P\n step T: training { ' + TRAIN + ' hyperparameters = { a: [1, P] } }\n}', "E0304", ["[1, P]"]),
    ("number too large", "pipeline X {\n param F: Float = 1e999\n}", "E0304", ["1e999"]),
    ("job exception on a model step", 'pipeline X {\n step M: model { image_uri = "i"\n role = "arn:aws:iam::1:role/r"\n retry SageMaker.CAPACITY_ERROR }\n}', "E0314", ["SageMaker.CAPACITY_ERROR"]),
    ("job exception on an emr step", 'pipeline X {\n step E: emr { cluster_id = "j-1"\n step_config { jar = "s3://j" }\n retry Step.THROTTLING, SageMaker.JOB_INTERNAL_ERROR }\n}', "E0314", ["SageMaker.JOB_INTERNAL_ERROR"]),
    ("transform model from a training step", f'pipeline X {{ default_bucket = "b"\n step T: training {{ {TRAIN} }}\n step B: transform {{ model_name = T.TrainingJobName\n instance_type = "ml.m5.large"\n instance_count = 1\n data = "s3://d" }}\n}}', "E0304", ["T.TrainingJobName"]),
    ("transform data not in S3", 'pipeline X { default_bucket = "b"\n step B: transform { model_name = "m"\n instance_type = "ml.m5.large"\n instance_count = 1\n data = "/local" }\n}', "E0304", ['"/local"']),
    ("transform needs a default bucket", 'pipeline X {\n step B: transform { model_name = "m"\n instance_type = "ml.m5.large"\n instance_count = 1\n data = "s3://d" }\n}', "E0307", ["B: transform"]),
    ("model needs a role", 'pipeline X {\n step M: model { image_uri = "i" }\n}', "E0303", ["M: model"]),
    ("register needs a group", 'pipeline X {\n step R: register_model { image_uri = "i" }\n}', "E0303", ["R: register_model"]),
    ("emr without a cluster", 'pipeline X {\n step E: emr { step_config { jar = "s3://j" } }\n}', "E0303", ["E: emr"]),
    ("emr without step_config", 'pipeline X {\n step E: emr { cluster_id = "j-1" }\n}', "E0303", ["E: emr"]),
    ("emr with both clusters", 'pipeline X {\n step E: emr { cluster_id = "j-1"\n cluster_config = { Instances: { InstanceGroups: [] } }\n step_config { jar = "s3://j" } }\n}', "E0304", ["cluster_config"]),
    ("emr role without cluster id", 'pipeline X {\n step E: emr { cluster_config = { Instances: { InstanceFleets: [] } }\n execution_role_arn = "r"\n step_config { jar = "s3://j" } }\n}', "E0304", ["execution_role_arn"]),
    ("emr cluster config rules", 'pipeline X {\n step E: emr { cluster_config = { Name: "n", Instances: { TerminationProtected: true } }\n step_config { jar = "s3://j" } }\n}', "E0304", ["Name", "Instances", "TerminationProtected"]),
    ("emr step_config field", 'pipeline X {\n step E: emr { cluster_id = "j-1"\n step_config { jar = "s3://j", mainclass = "M" } }\n}', "E0302", ["mainclass"]),
    ("unknown block", 'pipeline X {\n step E: emr { cluster_id = "j-1"\n step_confg { jar = "s3://j" } }\n}', "E0306", ["step_confg"]),
    ("lambda output type", 'pipeline X {\n step L: lambda { function_arn = "a"\n output o: Str }\n}', "E0151", ["Str"]),
    ("lambda output twice", 'pipeline X {\n step L: lambda { function_arn = "a"\n output o: String\n output o: Float }\n}', "E0101", [("o:", 1)]),
    ("lambda undeclared output", 'pipeline X {\n step L: lambda { function_arn = "a"\n output o: String }\n step F: fail { error_message = L.OutputParameters["p"] }\n}', "E0205", ['["p"]']),
    ("lambda property root", 'pipeline X {\n step L: lambda { function_arn = "a" }\n step F: fail { error_message = L.Outputs }\n}', "E0205", ["Outputs"]),
    ("callback takes no retry", 'pipeline X {\n step C: callback { sqs_queue_url = "q"\n retry Step.THROTTLING }\n}', "E0306", ["retry"]),
    ("tuning range function", TUNE % ("a: continous(1, 2)", ""), "E0304", ["continous"]),
    ("tuning range arguments", TUNE % ("b: integer(1)", ""), "E0208", ["integer(1)"]),
    ("tuning categorical values", TUNE % ('c: categorical("x")', ""), "E0304", ['"x"']),
    ("tuning scaling type", TUNE % ('d: continuous(1, 2, "Log")', ""), "E0304", ['"Log"']),
    ("tuning summaries member", TUNE % ("a: integer(1, 2)", "step F: fail { error_message = U.TrainingJobSummaries[0].Nope }"), "E0205", ["Nope"]),
    ("unknown exception type", "pipeline X { default_bucket = \"b\"\n step T: training { " + TRAIN + " retry Step.TROTTLING }\n}", "E0312", ["Step.TROTTLING"]),
    ("mixed exception types", "pipeline X { default_bucket = \"b\"\n step T: training { " + TRAIN + " retry Step.THROTTLING, SageMaker.CAPACITY_ERROR }\n}", "E0313", ["retry"]),
    ("a valid file has no problems", "pipeline X {\n step C: condition { when 1 == 1\n else_steps = [D] }\n step D: fail {}\n}", None, []),
    ("retry range", "pipeline X { default_bucket = \"b\"\n step T: training { " + TRAIN + " retry Step.THROTTLING { max_attempts = 21 } }\n}", "E0315", ["21"]),
    ("expire range", "pipeline X { default_bucket = \"b\"\n step T: training { " + TRAIN + " retry Step.THROTTLING { expire_after_min = 14401 } }\n}", "E0315", ["14401"]),
    ("cache value", "pipeline X { default_bucket = \"b\"\n step T: training { " + TRAIN + " cache = 3 }\n}", "E0316", ["3 }"]),
    ("cache on a fail step", "pipeline X {\n step S: fail { cache = true }\n}", "E0317", ["cache"]),
]


@pytest.mark.parametrize("name,source,code,expected", CASES, ids=[c[0] for c in CASES])
def test_diagnostic(name, source, code, expected):
    if code is None:
        assert problems(source) == []
        return
    assert where(source, code) == [locate(source, n) for n in expected], [
        (d.code, d.span.line, d.span.column, d.message) for d in problems(source)]


def test_every_problem_of_a_file_is_reported_in_source_order():
    text = textwrap.dedent("""\
        pipeline X {
            param A: Integer = "x"
            param B: Strng
            step S: fail { error_message = Nope }
            step T: trainin {}
        }
        """)
    found = problems(text)
    assert [d.code for d in found] == ["E0152", "E0151", "E0203", "E0301"]
    assert found == sorted(found, key=lambda d: (d.span.line, d.span.column))


def test_did_you_mean_hints():
    text = "pipeline X {\n param InstanceCount: Integer = 1\n step S: fail { error_message = InstanceCont }\n}"
    (d,) = problems(text)
    assert d.message == "unknown parameter `InstanceCont`"
    assert d.hint == "did you mean `InstanceCount`?"


def test_declared_twice_points_at_both():
    text = "pipeline X {\n param A\n step A: fail {}\n}"
    (d,) = problems(text)
    assert (d.span.line, d.span.column) == (3, 7)
    assert [(s.line, s.column) for s, _ in d.notes] == [(2, 8)]
    rendered = dsl.PipeError([d], text, "t.pipe").render()
    assert "3 |  step A: fail {}" in rendered and "2 |  param A" in rendered


def test_cycle_is_printed():
    text = "pipeline X {\n step A: fail { depends_on = [C] }\n step B: fail { depends_on = [A] }\n step C: fail { depends_on = [B] }\n}"
    (d,) = problems(text)
    assert d.message == "steps depend on each other in a cycle: A -> B -> C -> A"


def test_text_rendering_matches_the_spec_layout():
    text = "pipeline X {\n    param InstanceCount: Integer = 1\n    step S: fail { error_message = InstanceCont }\n}\n"
    with pytest.raises(dsl.PipeError) as info:
        dsl.transpile(text, filename="churn.pipe")
    assert info.value.render() == (
        "error[E0203]: unknown parameter `InstanceCont`\n"
        " --> churn.pipe:3:36\n"
        "  |\n"
        "3 |     step S: fail { error_message = InstanceCont }\n"
        "  |                                    ^^^^^^^^^^^^ not declared\n"
        "  = help: did you mean `InstanceCount`?\n"
    )


def test_json_rendering_fields():
    from dsl.diagnostics import render_json

    found = problems("pipeline X {\n param P: Strng\n}")
    (item,) = json.loads(render_json(found, "t.pipe"))
    assert item == {"severity": "error", "code": "E0151", "message": "unknown parameter type `Strng`",
                    "file": "t.pipe", "line": 2, "column": 11, "end_line": 2, "end_column": 16,
                    "hint": "did you mean `String`?"}


# --- issue 26.8: diagnostics that misled ------------------------------------------------------

def _found(text):
    _, found = dsl.analyse(text)
    return [(d.code, d.span.line, d.span.column, d.message, d.hint) for d in found if d.is_error]


def test_an_unknown_key_in_a_loop_is_one_error_per_place_not_an_unknown_let_too():
    text = ('let algos = [{ name: "xgb" }]\npipeline P {\n    for a in algos {\n'
            '        step T-${a.nme}: fail { error_message = a.nme }\n    }\n}\n')
    assert [(c, line, col) for c, line, col, _, _ in _found(text)] == [("E0163", 4, 14), ("E0165", 4, 51)]


def test_if_in_a_condition_step_hints_when():
    text = ('pipeline P {\n    param X: Integer = 1\n    step C: condition {\n        if X > 1\n'
            '        if_steps = [F]\n    }\n    step F: fail { error_message = "x" }\n}\n')
    (found,) = _found(text)
    assert found[:3] == ("E0001", 5, 9) and "write `when` instead of `if`" in found[4]


def test_single_quotes_are_one_error_at_the_quote():
    for value in ("'hello'", "'hello world'", "'it''s'"):
        text = ('pipeline P {\n    step F: fail {\n        error_message = ' + value + '\n    }\n'
                '    step G: fail {\n        error_message = "x"\n    }\n}\n')
        found = _found(text)
        assert [(c, line, col) for c, line, col, _, _ in found] == [("E0001", 3, 25)], (value, found)
        assert found[0][4] == 'strings use double quotes: "..."'


def test_a_missing_closing_brace_is_blamed_on_the_block_that_lost_it():
    text = 'pipeline P {\n    step F: fail {\n        error_message = "x"\n}\n'
    (found,) = _found(text)
    assert found[:4] == ("E0001", 2, 18, "`{` on line 2 is not closed: the `}` on line 4 lines up with an outer block")
    assert found[4] == "add a `}` before line 4"


def test_a_metric_value_compared_with_a_string_parameter_is_an_error_at_the_parameter():
    text = ('pipeline P {\n    default_bucket = "b"\n    param Limit: String = "0.5"\n'
            '    step Train: training {\n        image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        output_path = "s3://b/out"\n    }\n'
            '    step C: condition {\n        when Train.FinalMetricDataList["rmse"].Value <= Limit\n'
            '        if_steps = [F]\n    }\n    step F: fail { error_message = "x" }\n}\n')
    assert [(c, line, col, m) for c, line, col, m, _ in _found(text)] == [
        ("E0304", 12, 57, "`<=` compares a number with a string")]
    assert _found(text.replace('param Limit: String = "0.5"', "param Limit: Float = 0.5")) == []
