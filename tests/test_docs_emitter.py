"""The `docs` emitter: content checked against the IR, Markdown rendered to HTML, and the
Mermaid flowchart parsed by the real `mermaid` package (npm, run by Node)."""
import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import CONFORMANCE_CASES, PARITY_CASES, ROOT, TESTS, case_id, npm_tools
from markdown_it import MarkdownIt

import dsl

MERMAID_PACKAGES = ["mermaid@11.17.2", "jsdom@29.1.1"]
ALL_CASES = PARITY_CASES + CONFORMANCE_CASES


@pytest.fixture(scope="session")
def mermaid_parser():
    """A function parsing a list of diagrams with mermaid; npm installs it once into a cache."""
    node = shutil.which("node")
    folder = npm_tools("mermaid-" + "-".join(p.replace("@", "") for p in MERMAID_PACKAGES), MERMAID_PACKAGES,
                       "node_modules/mermaid/package.json")
    script = folder / f"check-{os.getpid()}.mjs"  # beside node_modules, one per test worker
    shutil.copy(TESTS / "mermaid_check.mjs", script)

    def parse(diagrams):
        run = subprocess.run([node, script.name], cwd=folder, input=json.dumps(diagrams),
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    return parse


def docs(text, filename="<string>"):
    return dsl.transpile(text, to="docs", filename=filename)


def mermaid_block(markdown):
    (block,) = re.findall(r"```mermaid\n(.*?)```", markdown, re.S)
    return block


def test_every_flowchart_parses_with_mermaid(mermaid_parser):
    diagrams = [mermaid_block(docs((case / "case.pipe").read_text(), str(case / "case.pipe"))) for case in ALL_CASES]
    results = mermaid_parser(diagrams + ["flowchart TD\n    a -->|x| "])
    assert results[-1]["ok"] is False  # the parser really rejects a broken diagram
    for case, result in zip(ALL_CASES, results):
        assert result == {"ok": True, "type": "flowchart-v2"}, (case.name, result)


@pytest.mark.parametrize("case", ALL_CASES, ids=case_id)
def test_docs_name_every_parameter_and_step(case):
    program, problems = dsl.analyse((case / "case.pipe").read_text(), str(case / "case.pipe"))
    assert not [p for p in problems if p.severity == "error"]
    markdown = docs((case / "case.pipe").read_text(), str(case / "case.pipe"))
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert f"<h1>{program.name}</h1>" in html
    for heading in ("Parameters", "Experiment tracking", "Steps"):
        assert f"<h2>{heading}</h2>" in html
    for step in program.pipeline.steps:
        assert f"<h3>{step.name}</h3>" in html
        assert re.search(rf'\bs\d+(\[|\{{|>|\[\[|\[\()"{re.escape(step.name)}<br/>{step.kind}(<br/>[^"]*)?"',
                         mermaid_block(markdown))
    if program.pipeline.params:
        table = html.split("<h2>Parameters</h2>")[1].split("<h2>")[0]
        rows = re.findall(r"<tr>\s*<td><code>([^<]+)</code></td>\s*<td>(\w+)</td>", table)
        assert rows == [(p.name, p.type) for p in program.pipeline.params]
        assert re.findall(r"<th>([^<]+)</th>", table) == ["Name", "Type", "Default", "Allowed values", "Description"]


def test_same_input_same_bytes():
    text = (ROOT / "examples" / "churn.pipe").read_text()
    assert docs(text) == docs(text)


def test_the_churn_example_reads_as_expected():
    markdown = docs((ROOT / "examples" / "churn.pipe").read_text())
    # parameters: type, default, allowed values and doc comment
    assert ('| `InstanceType` | String | `"ml.m5.xlarge"` | `"ml.m5.xlarge"`, `"ml.m5.2xlarge"` |  |'
            in markdown)
    assert "| `InputDataSource` | String | — | any | S3 prefix of the training data |" in markdown
    # experiment tracking in plain words, with the trial expression shown readably
    assert "in the run group (trial) `CustomTrialName-<execution ID>`" in markdown
    assert "the experiment named after the pipeline, `ChurnPipeline` (the default)" in markdown
    assert "Steps that add a run to the run group: `Train` (the training job), `Evaluate` (the processing job)." in markdown
    # edges: data labelled with what flows (issue 15), condition branch, shapes, the
    # condition on the diamond in words, branch steps grouped under their branch
    flow = mermaid_block(markdown)
    assert 's0 -->|"model"| s1' in flow
    assert 's1 -->|"EvaluationReport"| s2' in flow
    assert "s2 -->|else| s3" in flow
    assert 's2{"Check<br/>condition<br/>metrics.accuracy.value #8805; Threshold"}' in flow
    assert '    subgraph s2_else_steps["else#58; Check"]\n        s3>"TooLow<br/>fail"]\n    end' in flow
    # step sections: kind, SDK class, fields, cache, retry, what it depends on and feeds
    train = markdown.split("### Train\n")[1].split("### ")[0]
    assert "Kind: `training`, SDK class `TrainingStep`" in train
    assert "| `instance_count` | `<parameter InstanceCount>` |" in train
    assert "- `training`: `<parameter InputDataSource>`" in train
    assert "- Cache: on, results reused for `P30D`" in train
    assert "- Retry on `SageMaker.CAPACITY_ERROR`: max attempts 3" in train
    assert "- Feeds: `Evaluate`" in train
    check = markdown.split("### Check\n")[1].split("### ")[0]
    assert "- `<Evaluate.EvaluationReport: metrics.accuracy.value> ≥ <parameter Threshold>`" in check
    assert "- Otherwise: `TooLow`" in check
    evaluate = markdown.split("### Evaluate\n")[1].split("### ")[0]
    assert "- `EvaluationReport`: `evaluation.json` in output `evaluation`" in evaluate
    assert "(the SDK's default)" in evaluate


@pytest.mark.parametrize("member,words", [
    ("", "in the experiment named after the pipeline, `E` (the default), in a run group (trial) of its own, named after the execution ID (the default)"),
    ("experiment none", "Experiment tracking is off (`experiment none`): executions create no SageMaker experiment, run group or runs."),
    ('param RunGroup\n experiment { name = "Exp", trial = RunGroup }', "in the experiment `Exp`, in the run group (trial) `<parameter RunGroup>`"),
])
def test_experiment_in_plain_words(member, words):
    markdown = docs(f"pipeline E {{\n {member}\n step S: fail {{}}\n}}\n")
    assert words in markdown
    if "none" not in member:
        assert "No step of this pipeline starts a SageMaker job, so executions add no runs." in markdown


def test_depends_on_edges_and_awkward_text_render():
    text = ('pipeline P {\n param P1: String = "a|b`c"\n ## doc with | pipe and <b>html</b>\n'
            ' step A: fail { error_message = "x|y" }\n step B: fail { depends_on = [A] }\n}\n')
    markdown = docs(text)
    assert "    s0 --> s1" in mermaid_block(markdown)
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<code>&quot;a|b`c&quot;</code>" in html  # the pipe did not split the cell
    assert "&lt;b&gt;html&lt;/b&gt;" in html  # doc comments are text, not HTML


HOSTILE = [
    "# A heading", "- a list item", "1. numbered", "> quote", "```\nfence", "<script>alert(1)</script>",
    "[link](https://evil.example)", "![img](https://evil.example/x.png)", "https://evil.example",
    "www.evil.example", "*em* __strong__ ~~del~~", "| a | b |", "&amp; &#x41;", "line\n# heading after a break",
    "\x1b[31mred\x07", "=== setext\n===", "---", "<!-- comment -->", "\\# escaped",
]


def _hostile_pipe(prose):
    escaped = json.dumps(prose)
    return (f'## {prose.splitlines()[0]}\npipeline P {{\n default_bucket = "b"\n description = {escaped}\n'
            f' ## {prose.splitlines()[0]}\n param X: String\n'
            f' step S: processing {{\n image_uri = "i"\n role = "arn:aws:iam::123456789012:role/R"\n'
            f' instance_type = "ml.m5.xlarge"\n instance_count = 1\n display_name = {escaped}\n'
            f' output o {{ source = "/opt/x", destination = "s3://b/x" }}\n }}\n'
            f' step T: fail {{ error_message = S.ProcessingOutputConfig.Outputs["o"].S3Output.S3Uri }}\n'
            f' step U: training {{\n image_uri = "i"\n role = "arn:aws:iam::123456789012:role/R"\n'
            f' instance_type = "ml.m5.xlarge"\n instance_count = 1\n output_path = "s3://b/m"\n }}\n'
            f' step V: fail {{ error_message = U.FinalMetricDataList[{escaped}].Value }}\n}}\n')


def _structure(markdown):
    """Every token's type, and its inline children's, text aside: the document's shape."""
    return [(t.type, t.tag, tuple(c.type for c in t.children or () if c.type not in ("text", "text_special")))
            for t in MarkdownIt("gfm-like").parse(markdown)]


@pytest.fixture(scope="module")
def hostile_flowcharts(mermaid_parser):
    """Mermaid's verdict on the flowchart of every hostile case, parsed in one Node process
    (one start of jsdom and mermaid instead of one per case)."""
    diagrams = [mermaid_block(docs(_hostile_pipe(prose))) for prose in HOSTILE]
    return dict(zip(HOSTILE, mermaid_parser(diagrams)))


@pytest.mark.parametrize("prose", HOSTILE)
def test_prose_from_the_pipe_cannot_break_out_of_its_place(prose, hostile_flowcharts):
    out = docs(_hostile_pipe(prose))
    plain = docs(_hostile_pipe("\n".join("plain" for _ in prose.split("\n"))))
    assert _structure(out) == _structure(plain)  # no heading, list, link, HTML, fence... added
    assert "\x1b" not in out and "\x07" not in out
    assert hostile_flowcharts[prose] == {"ok": True, "type": "flowchart-v2"}


def test_docs_read_at_a_glance_legend_lists_and_code_in_kind_summaries():
    """Issue 26.9: a legend for the shapes used, the review summary's places as lists, the
    condition's full JSON path on the diamond, and no escaped backticks in a kind's summary."""
    markdown = docs((ROOT / "examples" / "end-to-end.pipe").read_text())
    legend = markdown.split("```\n\nHow to read it: ", 1)[1].split("\n", 1)[0]
    assert "a diamond is a condition" in legend and "a rectangle is a job" in legend
    assert "a cylinder" in legend and "(an unlabelled arrow: `depends_on`)" in legend
    summary = markdown.split("## Review summary\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    written = summary.index("- S3 locations written:")
    assert summary[written + 1].startswith("  - `s3://churn-ml/")
    assert not any(", `s3://" in line for line in summary)
    assert "the service ANDs the `when` clauses" in markdown and "\\`" not in markdown
    churn = docs((ROOT / "examples" / "churn.pipe").read_text())
    assert "a cylinder" not in churn.split("How to read it: ", 1)[1].split("\n", 1)[0]  # only shapes it uses
