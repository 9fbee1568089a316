"""The `docs` emitter: Markdown a reviewer reads instead of the JSON — the pipeline, its
parameters, its experiment tracking in plain words, a Mermaid flowchart of the steps, and a
section per step. Kinds add their own details through `StepKind.docs_details`.
"""
from __future__ import annotations

import re
from typing import Dict, List

from dsl import ir
from dsl.diagnostics import visible
from dsl.emitters import Emitter
from dsl.hookspecs import hookimpl
from dsl.program import call_args, interpolation_pieces, property_path

EXECUTION_WORDS = {
    "PipelineName": "pipeline name", "PipelineArn": "pipeline ARN",
    "PipelineExecutionId": "execution ID", "PipelineExecutionArn": "execution ARN",
    "StartDateTime": "start time", "CurrentDateTime": "current time",
    "TrainingJobName": "training job name", "ProcessingJobName": "processing job name",
}
OPERATORS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def code(text, in_table=False) -> str:
    """An inline code span: line breaks are shown as `\\n`, a span holding backticks is
    fenced with more backticks than it holds, and in a table cell `|` is escaped (GitHub
    tables split cells before reading code spans)."""
    text = visible(str(text).replace("\r", "\\r").replace("\n", "\\n"))
    if in_table:
        text = text.replace("|", "\\|")
    if not text:
        return "` `"
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# Every ASCII character that can start or change Markdown/GFM markup (headings, lists, quotes,
# fences, emphasis, links, images, autolinks, tables, raw HTML, entities): prose from the
# `.pipe` is escaped character by character so it can only ever be text.
_MARKDOWN_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#+\-.!|<>~&:"'=^$@%])""")


def cell(text) -> str:
    """Prose safe in a table cell or a paragraph: only text, no markup, no raw HTML, no cell
    breaks, control characters escaped; line breaks become `<br>`."""
    lines = re.split(r"\r\n|\r|\n", str(text))
    return "<br>".join(_MARKDOWN_SPECIAL.sub(r"\\\1", visible(line)) for line in lines)


def mermaid_text(text) -> str:
    """Text for inside a quoted Mermaid label: anything but letters, digits and a few safe
    marks is written as an entity (`#35;`), so no label can end its quotes, the code fence
    or the diagram."""
    return "".join(ch if ch.isalnum() and ch.isascii() or ch in " _-.,/" else f"#{ord(ch)};"
                   for ch in str(text))


class DocsContext:
    """Renders expressions readably; handed to kinds as `ctx`."""

    def __init__(self, program):
        self.program = program

    code = staticmethod(code)

    def text(self, expr) -> str:
        """An expression as a reader would say it: literals as they are, references in <...>."""
        p = self.program
        target = p.follow(expr)
        if isinstance(target, ir.Literal):
            value = target.value
            if value is None or isinstance(value, bool):
                return {True: "true", False: "false", None: "null"}[value]
            return value if isinstance(value, str) else repr(value)
        if isinstance(target, ir.ListExpr):
            return "[" + ", ".join(self.quoted(i) for i in target.items) + "]"
        if isinstance(target, ir.MapExpr):
            return "{" + ", ".join(f"{e.key}: {self.quoted(e.value)}" for e in target.entries) + "}"
        if isinstance(target, ir.Interpolation):
            return "".join(piece if isinstance(piece, str) else self.text(piece)
                           for piece in interpolation_pieces(p, target))
        if isinstance(target, ir.Call) and target.name not in ("join", "json_get"):
            args = ", ".join((f"{a.name}=" if a.name else "") + self.quoted(a.value) for a in target.args)
            return f"{target.name}({args})"
        if isinstance(target, ir.Call):
            args = call_args(target)
            if target.name == "join":
                on = p.literal(args["on"]) if "on" in args else ""
                items = p.follow(args["values"])
                if isinstance(items, ir.ListExpr):
                    return str(on).join(self.text(i) for i in items.items)
                return f"<join of {self.text(items)}>"
            path = self.text(args["path"])
            if "property_file" in args:
                ref = args["property_file"]
                return f"<{ref.name}.{ref.parts[0].name}: {path}>"
            return f"<JSON at {self.text(args['s3_uri'])}: {path}>"
        if isinstance(target, ir.Ref):
            if target.name in p.params:
                return f"<parameter {target.name}>"
            if target.name == "Execution":
                return f"<{EXECUTION_WORDS[target.parts[0].name]}>"
            if target.name == "PipelineExperimentConfig":
                return "<experiment name>" if target.parts[0].name == "ExperimentName" else "<run group name>"
            return f"<{target.name}{property_path(target.parts)}>"
        return "?"

    def quoted(self, expr) -> str:
        target = self.program.follow(expr)
        if isinstance(target, ir.Literal) and isinstance(target.value, str):
            return f'"{target.value}"'
        return self.text(expr)

    def condition(self, cond) -> str:
        if isinstance(cond, ir.Compare):
            return f"{self.quoted(cond.left)} {OPERATORS[cond.op]} {self.quoted(cond.right)}"
        if isinstance(cond, ir.InCond):
            return f"{self.quoted(cond.value)} {'not in' if cond.negated else 'in'} {self.text(cond.values)}"
        if isinstance(cond, ir.NotCond):
            return f"not ({self.condition(cond.condition)})"
        joiner = " or " if isinstance(cond, ir.OrCond) else " and "
        return joiner.join(f"({self.condition(c)})" for c in cond.conditions)


def data_flows(program) -> Dict[str, Dict[str, List[str]]]:
    """step -> upstream step -> what it reads of it: the program's one data-flow graph."""
    return {step.name: program.reads(step) for step in program.pipeline.steps}


class DocsWriter:
    def __init__(self, program):
        self.program = program
        self.ctx = DocsContext(program)
        self.flows = data_flows(program)
        self.ids = {s.name: f"s{i}" for i, s in enumerate(program.pipeline.steps)}

    def emit(self) -> str:
        p = self.program
        out = [f"# {cell(p.name)}", ""]
        if p.description:
            out += [cell(p.description), ""]
        for doc in (p.file.doc, p.pipeline.doc):
            if doc:
                out += [cell(doc), ""]
        out += self.parameters() + self.experiment() + self.flowchart() + self.steps()
        return "\n".join(out).rstrip("\n") + "\n"

    def parameters(self) -> List[str]:
        params = self.program.pipeline.params
        out = ["## Parameters", ""]
        if not params:
            return out + ["This pipeline takes no parameters.", ""]
        out += ["| Name | Type | Default | Allowed values | Description |", "|---|---|---|---|---|"]
        for param in params:
            default = "—" if param.default is None else code(self.ctx.quoted(param.default), True)
            allowed = "any" if param.enum is None else ", ".join(
                code(f'"{v}"', True) for v in (self.program.literal(param.enum) or []))
            out.append(f"| {code(param.name, True)} | {param.type} | {default} | {allowed} | {cell(param.doc or '')} |")
        return out + [""]

    def experiment(self) -> List[str]:
        p = self.program
        exp = p.pipeline.experiment
        out = ["## Experiment tracking", ""]
        if exp is not None and exp.doc:
            out += [cell(exp.doc), ""]
        if exp is not None and exp.none:
            return out + ["Experiment tracking is off (`experiment none`): executions create no "
                          "SageMaker experiment, run group or runs.", ""]
        settings = {a.name: a.value for a in exp.attributes} if exp else {}
        if "name" in settings:
            name = f"the experiment {code(self.ctx.text(settings['name']))}"
        else:
            name = f"the experiment named after the pipeline, {code(p.name)} (the default)"
        if "trial" in settings:
            trial = f"the run group (trial) {code(self.ctx.text(settings['trial']))}"
        else:
            trial = "a run group (trial) of its own, named after the execution ID (the default)"
        out.append(f"Each execution is recorded in {name}, in {trial}. SageMaker creates the "
                   "experiment and the run group when they do not exist yet and adds to them when they do.")
        out.append("")
        runs = [s for s in p.pipeline.steps if p.kind_of(s).experiment_run]
        if runs:
            listed = ", ".join(f"{code(s.name)} ({p.kind_of(s).experiment_run})" for s in runs)
            out += [f"Steps that add a run to the run group: {listed}.", ""]
        else:
            out += ["No step of this pipeline starts a SageMaker job, so executions add no runs.", ""]
        return out

    def flowchart(self) -> List[str]:
        p = self.program
        out = ["## Steps", "", "```mermaid", "flowchart TD"]
        for step in p.pipeline.steps:
            label = f"{mermaid_text(step.name)}<br/>{mermaid_text(step.kind)}"
            shape = '{"%s"}' if p.branches(step) else '["%s"]'
            out.append(f"    {self.ids[step.name]}{shape % label}")
        for step in p.pipeline.steps:
            depends = step.attribute("depends_on")
            for item in depends.value.items if depends is not None else ():
                out.append(f"    {self.ids[item.name]} --> {self.ids[step.name]}")
            for upstream, reads in self.flows.get(step.name, {}).items():
                label = mermaid_text(", ".join(reads))
                out.append(f'    {self.ids[upstream]} -->|"{label}"| {self.ids[step.name]}')
            for which, word in p.branches(step).items():
                for branch in p.branch_steps(step, which):
                    out.append(f"    {self.ids[step.name]} -->|{word}| {self.ids[branch.name]}")
        return out + ["```", ""]

    def steps(self) -> List[str]:
        p = self.program
        feeds: Dict[str, List[str]] = {}
        for step in p.pipeline.steps:
            depends = step.attribute("depends_on")
            upstream = [i.name for i in depends.value.items] if depends is not None else []
            upstream += list(self.flows.get(step.name, {}))
            for name in upstream:
                feeds.setdefault(name, [])
                if step.name not in feeds[name]:
                    feeds[name].append(step.name)
        out = []
        for step in p.pipeline.steps:
            kind = p.kind_of(step)
            out += [f"### {cell(step.name)}", ""]
            if step.doc:
                out += [cell(step.doc), ""]
            summary = f" — {cell(kind.summary)}" if kind.summary else ""
            out += [f"Kind: `{kind.name}`, SDK class `{kind.sdk_class}`, definition type `{kind.type}`{summary}.", ""]
            if step.name in p.branch_of:
                condition, which = p.branch_of[step.name]
                out += [f"Runs in the {'if' if which == 'if_steps' else 'else'} branch of {code(condition)}.", ""]
            fields = [a for a in step.attributes if a.name not in ("depends_on", "cache")
                      and kind.fields.get(a.name, None) is not None and kind.fields[a.name].type != "step_list"]
            fields += [a for a in step.attributes if a.name in ("display_name", "description")]
            if fields:
                out += ["| Field | Value |", "|---|---|"]
                out += [f"| {code(a.name, True)} | {code(self.ctx.text(a.value), True)} |" for a in fields]
                out.append("")
            out += kind.docs_details(step, self.ctx)
            out += self.envelope(step, feeds.get(step.name, []))
        return out

    def envelope(self, step, feeds) -> List[str]:
        p, out = self.program, []
        cache = step.attribute("cache")
        if cache is not None:
            setting = p.literal(cache.value)
            words = {True: "on", False: "off"}.get(setting) if isinstance(setting, bool) else \
                f"on, results reused for {code(setting)}"
            out.append(f"- Cache: {words}")
        for retry in step.retries:
            fields = {a.name: p.literal(a.value) for a in retry.attributes}
            detail = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in fields.items())
            types = ", ".join(code(e.name) for e in retry.exception_types)
            out.append(f"- Retry on {types}" + (f": {detail}" if detail else ""))
        depends = step.attribute("depends_on")
        after = [i.name for i in depends.value.items] if depends is not None else []
        reads = self.flows.get(step.name, {})
        if after:
            out.append("- Runs after: " + ", ".join(code(n) for n in after))
        for upstream, what in reads.items():
            out.append(f"- Reads from {code(upstream)}: " + ", ".join(code(w) for w in what))
        if feeds:
            out.append("- Feeds: " + ", ".join(code(n) for n in feeds))
        return out + [""] if out else out


def emit(program, options) -> str:
    return DocsWriter(program).emit()


@hookimpl
def pipedsl_emitters():
    return [Emitter("docs", "Markdown documentation with a Mermaid flowchart of the steps", emit)]
