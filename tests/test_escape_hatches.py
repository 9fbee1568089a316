"""Issue 9, the escape hatches: `arguments_patch`, the `raw` kind and `condition({...})` are
checked like everything else (their parity through the real SDK is in tests/parity)."""
import json

import dsl


def found(text):
    _, problems = dsl.analyse(text)
    return [(d.code, d.span.line, d.span.column) for d in problems]


def test_arguments_patch_must_be_a_map_and_its_references_resolve():
    assert found('pipeline P {\n step S: fail { arguments_patch = [1] }\n}\n') == [("E0304", 2, 35)]
    assert found('pipeline P {\n step S: fail { arguments_patch = { ErrorMessage: Nope } }\n}\n') == [("E0203", 2, 51)]


def test_arguments_patch_merges_removes_and_appends_in_order():
    text = ('pipeline P {\n step S: fail {\n error_message = "x"\n'
            ' arguments_patch = { Added: { B: 1, A: 2 }, ErrorMessage: null, Last: "z" }\n }\n}\n')
    (step,) = json.loads(dsl.transpile(text))["Steps"]
    assert list(step["Arguments"].items()) == [("Added", {"B": 1, "A": 2}), ("Last", "z")]


def test_a_raw_step_needs_type_and_arguments_and_checks_what_it_can():
    assert found("pipeline P {\n step R: raw {}\n}\n") == [("E0303", 2, 7), ("E0303", 2, 7)]
    assert found('pipeline P {\n step R: raw { type = 1, arguments = {} }\n}\n') == [("E0304", 2, 23)]
    text = ('pipeline P {\n step R: raw { type = "Training", arguments = { X: Nope }, '
            'properties = "DescribeTrainingJobRespons" }\n}\n')
    assert found(text) == [("E0203", 2, 52), ("E0304", 2, 73)]
    checked = ('pipeline P {\n step R: raw { type = "Training", arguments = {}, properties = "DescribeTrainingJobResponse" }\n'
               ' step F: fail { error_message = R.ModelArtifact.S3ModelArtifacts }\n}\n')
    assert found(checked) == [("E0205", 3, 35)]
    unchecked = ('pipeline P {\n step R: raw { type = "Anything", arguments = {} }\n'
                 ' step F: fail { error_message = R.Whatever["x"].Deep }\n}\n')
    assert found(unchecked) == []
    steps = json.loads(dsl.transpile(unchecked))["Steps"]
    assert steps[0] == {"Name": "R", "Type": "Anything", "Arguments": {}}
    assert steps[1]["Arguments"]["ErrorMessage"] == {"Get": "Steps.R.Whatever['x'].Deep"}


def test_condition_json_is_checked():
    assert found("pipeline P {\n step C: condition { when condition(1) }\n}\n") == [("E0304", 2, 27)]
    assert found("pipeline P {\n step C: condition { when 1 }\n}\n") == [("E0304", 2, 27)]
    assert found('pipeline P {\n step C: condition { when condition({ Type: "Equals", LeftValue: Nope }) }\n}\n') == [
        ("E0203", 2, 66)]
    assert dsl.format('pipeline P {\nstep C: condition { when condition({Type: "Equals"}) }\n}\n') == (
        'pipeline P {\n    step C: condition {\n        when condition({ Type: "Equals" })\n    }\n}\n')
