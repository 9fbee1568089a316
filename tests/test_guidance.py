"""Issue 15: diagnostics that lead to the fix, each at its exact line:column, and the docs a
reviewer signs off."""
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT
from test_cli import pipedsl

import dsl

ROLE = '"arn:aws:iam::123456789012:role/R"'


def at(text, needle, nth=0):
    """(line, column) of the nth occurrence of needle."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def found(text):
    _, problems = dsl.analyse(text)
    return [(d.code, d.span.line, d.span.column) for d in problems]


def one(text):
    _, problems = dsl.analyse(text)
    assert len(problems) == 1, [(d.code, d.message) for d in problems]
    return problems[0]


# --- 1. syntax recovery ------------------------------------------------------------------

def test_an_extra_closing_brace_is_one_error_that_names_it():
    text = ('pipeline P {\n    step A: fail {\n        error_message = "x"\n    }\n    }\n'
            '    step B: fail {\n        error_message = "y"\n    }\n}\n')
    d = one(text)
    assert (d.code, d.span.line, d.span.column) == ("E0001", 6, 5)
    assert d.hint == "the pipeline was closed by the `}` on line 5; remove it or move it to the end"
    assert "$end" not in (d.hint or "") and "$END" not in d.message


def test_a_missing_closing_brace_is_reported_as_the_unclosed_brace():
    text = ('pipeline P {\n    step A: fail {\n        error_message = "x"\n\n'
            '    step Evaluate: fail {\n        error_message = "y"\n    }\n}\n')
    d = one(text)
    assert (d.span.line, d.span.column) == (5, 5)
    assert d.message == "`{` on line 2 is not closed before `step`"
    assert [(n.line, n.column) for n, _ in d.notes] == [(2, 18)]


def test_end_of_file_inside_a_block_names_the_open_brace_and_says_end_of_file():
    d = one("pipeline P {\n step A: fail {\n")
    assert d.message == "unexpected end of file: `{` on line 2 is not closed"
    d = one("pipeline P {\n step A: fail {}\n}\n}")
    assert "end of file" in d.hint and "$" not in d.hint


def test_capped_errors_say_how_many_more():
    text = "pipeline P {\n" + "".join(f" step S{i}: fail {{ error_message = }}\n" for i in range(13)) + "}\n"
    _, problems = dsl.analyse(text)
    assert len(problems) == 10
    assert problems[-1].hint.endswith("3 more syntax errors not shown")


def test_single_quotes_get_a_hint():
    d = one("pipeline P {\n step S: fail { error_message = 'x' }\n}\n")
    assert (d.span.line, d.span.column, d.hint) == (2, 33, 'strings use double quotes: "..."')


# --- 2. mistakes that used to pass `check` ------------------------------------------------

PROCESSING = ('pipeline P { default_bucket = "b"\n step X: processing { image_uri = "i"\n role = ' + ROLE +
              '\n instance_type = "ml.m5.large"\n instance_count = 1\n'
              ' output train { source = "/opt/ml/processing/train" } }\n step F: fail { error_message = %s }\n}\n')


def test_an_undeclared_output_gets_did_you_mean_from_the_declared_ones():
    text = PROCESSING % 'X.ProcessingOutputConfig.Outputs["trian"].S3Output.S3Uri'
    d = one(text)
    assert (d.code, d.span.line, d.span.column) == ("E0205", *at(text, '["trian"]'))
    assert d.message == "`X` declares no output 'trian'" and d.hint == "did you mean `train`?"
    assert found(PROCESSING % 'X.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri') == []


def test_undeclared_channels_and_lambda_outputs():
    training = ('pipeline P { default_bucket = "b"\n step T: training { image_uri = "i"\n role = ' + ROLE +
                '\n instance_type = "ml.m5.large"\n instance_count = 1\n input train = "s3://b/t" }\n'
                ' step F: fail { error_message = T.InputDataConfig["trian"].ChannelName }\n}\n')
    d = one(training)
    assert (d.span.line, d.span.column, d.hint) == (*at(training, '["trian"]'), "did you mean `train`?")
    callout = ('pipeline P {\n step L: lambda { function_arn = "arn:aws:lambda:us-east-1:1:function:f"\n'
               ' output status: String }\n step F: fail { error_message = L.OutputParameters["statsu"] }\n}\n')
    d = one(callout)
    assert (d.span.line, d.span.column, d.hint) == (*at(callout, '["statsu"]'), "did you mean `status`?")


REGISTER = ('pipeline P {\n step R: register_model { image_uri = "i"\n model_package_group_name = "g"\n'
            ' approval_status = %s\n inference_instances = %s }\n}\n')


def test_enum_fields_take_only_the_services_values():
    d = one(REGISTER % ('"Aproved"', '["ml.m5.large"]'))
    assert (d.code, d.span.line, d.span.column, d.hint) == ("E0304", 4, 20, "did you mean `Approved`?")
    text = REGISTER % ('"Approved"', '["ml.m5.large", "ml.m5.lrage"]')
    d = one(text)
    assert (d.span.line, d.span.column, d.hint) == (*at(text, '"ml.m5.lrage"'), "did you mean `ml.m5.large`?")
    transform = ('pipeline P { default_bucket = "b"\n step T: transform { model_name = "m"\n'
                 ' instance_type = "ml.m5.large"\n instance_count = 1\n data = "s3://d"\n split_type = "line" }\n}\n')
    d = one(transform)
    assert (d.span.line, d.span.column, d.hint) == (6, 15, "did you mean `Line`?")


def test_a_string_compared_with_a_number_is_an_error():
    text = ('pipeline P {\n param Mode: String = "a"\n param N: Integer = 1\n'
            ' step C: condition {\n when Mode == 1\n when N > "2"\n when N == 3\n }\n}\n')
    assert found(text) == [("E0304", 5, 15), ("E0304", 6, 11)]


def test_an_unused_let_is_a_warning():
    text = 'let unused = "x"\npipeline P {\n let used = "y"\n step S: fail { error_message = used }\n}\n'
    _, problems = dsl.analyse(text)
    assert [(d.severity, d.code, d.span.line, d.span.column) for d in problems] == [("warning", "W0001", 1, 5)]
    assert dsl.transpile(text)  # a warning does not stop anything


def test_a_doc_comment_opening_the_file_documents_the_file_not_the_first_let():
    text = '## Trains the churn model.\nlet role = ' + ROLE + '\npipeline P {\n step S: fail { error_message = role }\n}\n'
    file = dsl.parse(text)
    assert file.doc == "Trains the churn model." and file.lets[0].doc is None
    assert "Trains the churn model\\." in dsl.transpile(text, to="docs")
    text = '# the lets\n## The role.\nlet role = ' + ROLE + '\npipeline P {\n step S: fail { error_message = role }\n}\n'
    assert dsl.parse(text).lets[0].doc == "The role."


# --- 3. SDK names and shapes --------------------------------------------------------------

@pytest.mark.parametrize("kind,field,hint", [
    ("processing", "inputs", "write each input as a member: `input NAME { ... }` (or `input NAME = ...`)"),
    ("processing", "outputs", "write each output as a member: `output NAME { source = ... }`"),
    ("processing", "property_files", 'write each as a member: `property_file NAME { output_name = "...", path = "..." }`'),
    ("training", "cache_config", 'write `cache = true`, `cache = false` or `cache = "P30D"`'),
    ("training", "retry_policies", "write each policy as a member: `retry Step.THROTTLING { max_attempts = 3 }`"),
    ("condition", "conditions", "write each condition as a member: `when Evaluate.Accuracy >= Threshold`"),
    ("training", "step_args", "write the estimator's or processor's arguments as the step's own fields"),
    ("model", "tags", "`tags` is a field of `automl`, `clarify_check`, `endpoint`, `endpoint_config`, `function`, `inference_component`, `notebook_job`, `processing`, `quality_check`, `register_model`, `training`, `transform`, `tuning` steps, not of `model` steps"),
])
def test_sdk_keywords_get_their_pipe_form(kind, field, hint):
    _, problems = dsl.analyse(f"pipeline P {{\n step S: {kind} {{ {field} = 1 }}\n}}\n")
    (d,) = [d for d in problems if d.code == "E0302"]
    assert (d.span.line, d.span.column, d.hint) == (2, len(f" step S: {kind} {{ ") + 1, hint)


def test_the_allowed_members_are_listed():
    _, problems = dsl.analyse("pipeline P {\n step S: processing { frobnicate = 1 }\n}\n")
    (d,) = [d for d in problems if d.code == "E0302"]
    assert d.hint.endswith("; members: input, output, property_file, retry")


# --- 4. cycles and duplicates -------------------------------------------------------------

def test_a_cycle_is_reported_once_where_it_closes():
    text = ("pipeline P {\n step A: fail { depends_on = [C] }\n step B: fail { depends_on = [A] }\n"
            " step C: fail { depends_on = [B] }\n}\n")
    assert found(text) == [("E0311", 2, 31)]


def test_a_duplicate_step_name_is_not_also_a_cycle():
    assert found("pipeline P {\n step A: fail {}\n step A: fail { depends_on = [A] }\n}\n") == [("E0101", 3, 7)]


# --- 5. the CLI ---------------------------------------------------------------------------

def test_transpile_errors_in_json(tmp_path):
    run = pipedsl("transpile", "-", "--format", "json", "--stdin-filename", "buffer.pipe",
                  stdin="pipeline P {\n step S: fail { error_message = Nope }\n}\n")
    assert run.returncode == 1
    (entry,) = json.loads(run.stdout)
    assert (entry["file"], entry["code"], entry["line"], entry["column"]) == ("buffer.pipe", "E0203", 2, 33)


def test_check_walks_folders(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "bad.pipe").write_text("pipeline P {\n step S: fail { error_message = Nope }\n}\n")
    (tmp_path / "a" / "good.pipe").write_text("pipeline P {}\n")
    (tmp_path / "a" / "notes.txt").write_text("not a pipe")
    run = pipedsl("check", tmp_path, "--format", "json")
    assert run.returncode == 1
    assert [e["file"] for e in json.loads(run.stdout)] == [str(tmp_path / "a" / "b" / "bad.pipe")]


def test_colours_follow_no_color_and_force_color(tmp_path):
    bad = tmp_path / "bad.pipe"
    bad.write_text("pipeline P {\n step S: fail { error_message = Nope }\n}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "PIPEDSL_PLUGINS")}

    def stderr(**extra):
        return subprocess.run([sys.executable, "-m", "dsl", "check", str(bad)], capture_output=True, text=True,
                              env=dict(env, **extra), timeout=60).stderr

    assert "\x1b[" not in stderr()  # not a terminal
    assert "\x1b[1;31merror[E0203]" in stderr(FORCE_COLOR="1")
    assert "\x1b[" not in stderr(FORCE_COLOR="1", NO_COLOR="1")


# --- 6. the property path of outputs -------------------------------------------------------

def test_the_readme_shows_the_real_output_property_path():
    readme = (ROOT / "README.md").read_text()
    assert 'Prepare.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri' in readme
    assert 'X.Outputs["name"]' not in readme


# --- 8, 9. docs a reviewer signs off ---------------------------------------------------------

def test_docs_show_renamed_steps_sdk_defaults_and_a_review_summary():
    markdown = dsl.transpile((ROOT / "examples" / "end-to-end.pipe").read_text(), to="docs")
    register = markdown.split("### Register\n")[1].split("### ")[0]
    assert "Named `Register-RegisterModel` in the definition and in SageMaker Studio" in register
    train = markdown.split("### Train\n")[1].split("### ")[0]
    for line in ("- `volume_size`: `30` (default)", "- `max_run`: `86400` (default)",
                 "- `input_mode`: `File` (default)", "- `disable_profiler`: `false` (default)"):
        assert line in train
    summary = markdown.split("## Review summary\n")[1].split("## ")[0]
    assert "- IAM roles: `arn:aws:iam::123456789012:role/SageMakerRole`" in summary
    assert "`683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`" in summary
    assert "- S3 locations read:\n  - `<parameter RawData>`\n" in summary  # one place a line (issue 26.9)
    assert "`s3://churn-ml/ChurnEndToEnd/<execution ID>/Prepare/output/train`" in summary.split("written:")[1]
    assert "- Parameters a run can override: `RawData`, `TrainingInstanceType`, `AccuracyThreshold`, `ApprovalStatus`" in summary


@pytest.mark.parametrize("word", ["let", "var"])
def test_a_forgotten_value_is_one_error_at_the_next_declaration(word):
    typed = ": Integer" if word == "var" else ""
    text = (f'{word} A{typed} =\n{word} B{typed} = 2\n'
            'pipeline P {\n    step S: fail {\n        error_message = "x"\n    }\n}\n')
    d = one(text)
    assert (d.code, d.message, d.span.line, d.span.column) == ("E0001", f"unexpected `{word}`", 2, 1)
