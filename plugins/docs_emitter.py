"""The `docs` emitter: Markdown a reviewer reads instead of the JSON — the pipeline, its
parameters, its experiment tracking in plain words, a Mermaid flowchart of the steps, and a
section per step. Kinds add their own details through `StepKind.docs_details`.
"""
from __future__ import annotations

import json
import re
from typing import Dict, List

from dsl.diagnostics import visible
from dsl.extension.emitters import Emitter
from dsl.extension.hookspecs import hookimpl
from dsl.semantics.functions import AS_WRITTEN, FUNCTIONS
from dsl.semantics.program import cache_setting, call_args, interpolation_pieces, property_path
from dsl.syntax import ir

EXECUTION_WORDS = {
    "PipelineName": "pipeline name", "PipelineArn": "pipeline ARN",
    "PipelineExecutionId": "execution ID", "PipelineExecutionArn": "execution ARN",
    "StartDateTime": "start time", "CurrentDateTime": "current time",
    "TrainingJobName": "training job name", "ProcessingJobName": "processing job name",
}
OPERATORS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}
# Mermaid node shapes for `StepKind.docs_shape`
SHAPES = {"step": ("[", "]"), "decision": ("{", "}"), "stop": (">", "]"), "store": ("[(", ")]"),
          "subroutine": ("[[", "]]")}


# what a reader sees for each shape (the legend under the flowchart)
LEGEND = {"step": "a rectangle is a job or a call", "decision": "a diamond is a condition, with what it tests",
          "stop": "a flag is a fail step, which ends the execution", "store": "a cylinder stores a model or "
          "registers it", "subroutine": "a double-edged box runs another service's step (EMR, Lambda, ...)"}


def Condition_parts(step):
    """A step's `when`s, a top-level `and` split up: how a reader lists them."""
    for when in step.whens:
        yield from (when.condition.conditions if isinstance(when.condition, ir.AndCond) else (when.condition,))


def json_text(value) -> str:
    """A definition value as a reader says it: text as it is, `{"Get": ...}` as <...>,
    joins joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Get" in value:
        root, _, rest = value["Get"].partition(".")
        if root == "Parameters":
            return f"<parameter {rest}>"
        if root == "Execution":
            return f"<{EXECUTION_WORDS.get(rest, rest)}>"
        if root == "Steps":
            return f"<{rest}>"
        return f"<{value['Get']}>"
    if isinstance(value, dict) and "Std:Join" in value:
        join = value["Std:Join"]
        return str(join.get("On", "")).join(json_text(v) for v in join.get("Values", []))
    if isinstance(value, dict) and "Std:JsonGet" in value:
        return f"<JSON {value['Std:JsonGet'].get('Path')}>"
    return json.dumps(value)


# where roles, images and S3 locations sit in the steps' requests
_ROLE_KEYS = {"RoleArn", "ExecutionRoleArn"}
_IMAGE_KEYS = {"TrainingImage", "ImageUri", "Image"}
_WRITTEN_KEYS = {"S3OutputPath"}
_READ_KEYS = {"ModelDataUrl"}
_OUTPUT_CONTAINERS = {"ProcessingOutputConfig", "OutputDataConfig", "TransformOutput", "DebugHookConfig",
                      "ProfilerConfig"}


def review_facts(definition: dict) -> Dict[str, list]:
    """Roles, images and S3 locations (read, written) of every step, each once, in order."""
    found: Dict[str, list] = {"roles": [], "images": [], "read": [], "written": []}

    def add(which, value):
        if value not in found[which]:
            found[which].append(value)

    def visit(node, inside_output):
        if isinstance(node, list):
            for item in node:
                visit(item, inside_output)
            return
        if not isinstance(node, dict) or "Get" in node or "Std:Join" in node or "Std:JsonGet" in node:
            return
        for key, value in node.items():
            if key in ("IfSteps", "ElseSteps"):
                for step in value:
                    visit(step.get("Arguments", {}), False)
                continue
            if key in _ROLE_KEYS:
                add("roles", value)
            elif key in _IMAGE_KEYS:
                add("images", value)
            elif key in _WRITTEN_KEYS or (key == "S3Uri" and inside_output):
                add("written", value)
            elif key in _READ_KEYS or key == "S3Uri":
                add("read", value)
            else:
                visit(value, inside_output or key in _OUTPUT_CONTAINERS)

    for step in definition["Steps"]:
        visit(step.get("Arguments", {}), False)
    return found


def flow_label(path: str) -> str:
    """What flows along an edge, as a reader names it: the output, channel or property file
    (`train`, `EvaluationReport`), the model, or the property's last name."""
    named = re.findall(r"\['([^']*)'\]", path)
    if named:
        return named[0]
    if path.startswith("PropertyFiles."):
        return path.split(".", 1)[1]
    if path.startswith("ModelArtifacts"):
        return "model"
    parts = [part for part in re.split(r"[.\[\]]", path) if part and not part.isdigit()]
    return parts[-1] if parts else path


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


def prose_with_code(text: str) -> str:
    """A kind's own one-line summary: its `code` spans written as code, the rest as `cell`
    prose (no stray escaped backticks)."""
    parts = str(text).split("`")
    return "".join(code(part) if index % 2 else cell(part) for index, part in enumerate(parts))


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
        if isinstance(target, ir.Call):
            return FUNCTIONS.get(target.name, AS_WRITTEN).text(call_args(target), target, self)
        if isinstance(target, ir.Ref):
            if target.name in p.params:
                return f"<parameter {target.name}>"
            if target.name == "Execution":
                return f"<{EXECUTION_WORDS[getattr(target.parts[0], 'name', '')]}>"
            if target.name == "PipelineExperimentConfig":
                return "<experiment name>" if getattr(target.parts[0], "name", "") == "ExperimentName" else "<run group name>"
            return f"<{target.name}{property_path(target.parts)}>"
        return "?"

    def quoted(self, expr) -> str:
        target = self.program.follow(expr)
        if isinstance(target, ir.Literal) and isinstance(target.value, str):
            return f'"{target.value}"'
        return self.text(expr)

    def short(self, expr) -> str:
        """A value in a few words, for the flowchart: a parameter or let by name, a JSON value
        by its whole JSON path (`metrics.accuracy.value`), a step
        property by its last part."""
        p = self.program
        if isinstance(expr, ir.Ref) and not expr.parts and expr.name in p.lets:
            return expr.name
        target = p.follow(expr)
        if isinstance(target, ir.Ref) and target.name in p.params:
            return target.name
        if isinstance(target, ir.Call) and target.name == "json_get":
            path = p.literal(call_args(target).get("path"))
            if isinstance(path, str):
                return path  # the whole JSON path: `metrics.accuracy.value`, not just `accuracy`
        if isinstance(target, ir.Ref) and target.name in p.steps and target.parts:
            names = [part.name for part in target.parts if isinstance(part, ir.Member)]
            return names[-1] if names else target.name
        return self.quoted(expr)

    def short_condition(self, cond) -> str:
        """A condition in a few words (the flowchart's diamond)."""
        return self.condition(cond, self.short, "a JSON condition")

    def condition(self, cond, say=None, raw_words=None) -> str:
        """A condition as a reader says it; `say` renders its values (quoted by default)."""
        say = say or self.quoted
        if isinstance(cond, ir.RawCond):
            if raw_words:
                return raw_words
            return f"condition {self.text(cond.value.args[0].value)}" if isinstance(cond.value, ir.Call) else "?"
        if isinstance(cond, ir.Compare):
            return f"{say(cond.left)} {OPERATORS[cond.op]} {say(cond.right)}"
        if isinstance(cond, ir.InCond):
            return f"{say(cond.value)} {'not in' if cond.negated else 'in'} {self.text(cond.values)}"
        if isinstance(cond, ir.NotCond):
            return f"not ({self.condition(cond.condition, say, raw_words)})"
        joiner = " or " if isinstance(cond, ir.OrCond) else " and "
        return joiner.join(f"({self.condition(c, say, raw_words)})" for c in cond.conditions)


def data_flows(program) -> Dict[str, Dict[str, List[str]]]:
    """step -> upstream step -> what it reads of it: the program's one data-flow graph."""
    return {step.name: program.reads(step) for step in program.pipeline.steps}


class DocsWriter:
    def __init__(self, program):
        from dsl.semantics.evaluate import JsonContext  # the definition, to read facts from

        self.program = program
        self.json = JsonContext(program)
        self.definition = self.json.definition()
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
        out += (self.summary() + self.variables() + self.parameters() + self.experiment() + self.schedules()
                + self.flowchart() + self.steps())
        return "\n".join(out).rstrip("\n") + "\n"

    def summary(self) -> List[str]:
        """What a reviewer signs off: the roles, images and S3 locations the definition uses,
        and what a run can change (read from the definition JSON itself)."""
        found = review_facts(self.definition)
        out = ["## Review summary", ""]
        rows = [("IAM roles", found["roles"]), ("Images", found["images"]),
                ("S3 locations read", found["read"]), ("S3 locations written", found["written"])]
        for title, values in rows:  # one item a line: long S3 paths stay readable
            if len(values) == 1:
                out.append(f"- {title}: {code(json_text(values[0]))}")
            else:
                out.append(f"- {title}:" + ("" if values else " none"))
                out += [f"  - {code(json_text(v))}" for v in values]
        params = self.program.pipeline.params
        shown = ", ".join(code(param.name) for param in params) if params else "none (nothing can be changed per run)"
        out += [f"- Parameters a run can override: {shown}", ""]
        return out

    def variables(self) -> List[str]:
        """The vars this document was generated with: their values and where they came from."""
        p = self.program
        declared = p.file.vars + p.pipeline.vars
        if not declared:
            return []
        out = ["## Vars", "", "The values this document (and its definition) was made with.", "",
               "| Name | Type | Value | From | Description |", "|---|---|---|---|---|"]
        for var in declared:
            value, source = p.var_values.get(var.name, (None, "?"))
            shown = code(json.dumps(value, ensure_ascii=False), True)
            out.append(f"| {code(var.name, True)} | {var.type} | {shown} | {cell(source)} | {cell(var.doc or '')} |")
        return out + [""]

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

    def schedules(self) -> List[str]:
        """The `schedule` members (EventBridge Scheduler), when there are any."""
        from dsl.semantics.schedules import resolved

        p = self.program
        found = resolved(p)
        if not found:
            return []
        out = ["## Schedules", "", "`pipedsl deploy` keeps these EventBridge Scheduler schedules in step with the "
               "file; each starts an execution with the parameters' defaults.", "",
               "| Name | Expression | State | Starts | Role | Description |", "|---|---|---|---|---|---|"]
        for node, schedule in zip(p.pipeline.schedules, found):
            start = code(schedule.start_date.isoformat(), True) if schedule.start_date else "at once"
            role = code(schedule.role, True) if schedule.role else "the pipeline's"
            out.append(f"| {code(schedule.name, True)} | {code(schedule.expression, True)} | "
                       f"{'enabled' if schedule.enabled else 'disabled'} | {start} | {role} | {cell(node.doc or '')} |")
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
        """Steps as nodes shaped by what they do (a decision shows its conditions), steps of
        a branch grouped under it, edges labelled with what flows."""
        p = self.program
        out = ["## Steps", "", "```mermaid", "flowchart TD"]
        grouped: Dict[tuple, List[ir.Step]] = {}
        for step in p.pipeline.steps:
            if step.name in p.branch_of:
                grouped.setdefault(p.branch_of[step.name], []).append(step)
            else:
                out.append("    " + self.node(step))
        for (condition, which), members in grouped.items():
            word = p.branches(p.steps[condition]).get(which, which)
            out.append(f'    subgraph {self.ids[condition]}_{which}["{mermaid_text(f"{word}: {condition}")}"]')
            out += ["        " + self.node(step) for step in members]
            out.append("    end")
        for step in p.pipeline.steps:
            for name in p.depends_on(step):
                out.append(f"    {self.ids[name]} --> {self.ids[step.name]}")
            for upstream, reads in self.flows.get(step.name, {}).items():
                label = mermaid_text(", ".join(text for text in dict.fromkeys(flow_label(r) for r in reads) if text))
                # (a bare step name, `best_model_of = AutoPilot`, reads the step, not a property: no label)
                out.append(f'    {self.ids[upstream]} -->|"{label}"| {self.ids[step.name]}' if label else
                           f"    {self.ids[upstream]} --> {self.ids[step.name]}")
            for which, word in p.branches(step).items():
                for branch in p.branch_steps(step, which):
                    out.append(f"    {self.ids[step.name]} -->|{word}| {self.ids[branch.name]}")
        return out + ["```", "", self.legend(), ""]

    def legend(self) -> str:
        """What the flowchart's shapes and arrows mean, for the shapes it uses."""
        p = self.program
        used = {("decision" if p.branches(s) else getattr(p.kind_of(s), "docs_shape", "step"))
                for s in p.pipeline.steps}
        words = [LEGEND[shape] for shape in SHAPES if shape in used]
        return ("How to read it: " + "; ".join(words) + "; an arrow's label is what flows from step to step "
                "(an unlabelled arrow: `depends_on`), a box around steps is a branch of a condition.")

    def node(self, step) -> str:
        p = self.program
        kind = p.kind_of(step)
        label = f"{mermaid_text(step.name)}<br/>{mermaid_text(step.kind)}"
        if p.branches(step):
            words = " and ".join(self.ctx.short_condition(c) for c in Condition_parts(step))
            if words:
                label += f"<br/>{mermaid_text(words)}"
            shape = "decision"
        else:
            shape = kind.docs_shape if kind is not None else "step"
        opening, closing = SHAPES.get(shape, SHAPES["step"])
        return f'{self.ids[step.name]}{opening}"{label}"{closing}'

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
            summary = f" — {prose_with_code(kind.summary)}" if kind.summary else ""
            out += [f"Kind: `{kind.name}`, SDK class `{kind.sdk_class}`, definition type `{kind.type}`{summary}.", ""]
            json_name = p.json_name(step.name)
            if json_name != step.name:
                out += [f"Named {code(json_name)} in the definition and in SageMaker Studio (the SDK adds the suffix).", ""]
            defaults = self.defaults(step, kind)
            if defaults:
                out += ["Written by the SDK's defaults (not set in the `.pipe`):", ""]
                out += [f"- {code(name)}: {code(json_text(value))} (default)" for name, value in defaults] + [""]
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
            out += self.blocks(step, kind)
            out += kind.docs_details(step, self.ctx)
            out += self.patched(step)
            out += self.envelope(step, feeds.get(step.name, []))
        return out

    def blocks(self, step, kind) -> List[str]:
        """Each `NAME { … }` block the kind declares fields for (its `member_fields`), as a list."""
        out: List[str] = []
        for block in step.blocks:
            if f"block:{block.name}" in kind.member_fields:
                out += [f"{code(block.name)}:", ""]
                out += [f"- {code(a.name)}: {code(self.ctx.text(a.value))}" for a in block.attributes] + [""]
        return out

    def patched(self, step) -> List[str]:
        """What `arguments_patch` changes in the request, key path by key path."""
        patch = step.attribute("arguments_patch")
        if patch is None:
            return []
        lines: List[str] = []

        def walk(node, prefix):
            for entry in node.entries:
                path = f"{prefix}.{entry.key}" if prefix else entry.key
                value = self.program.follow(entry.value)
                if isinstance(value, ir.MapExpr) and value.entries:
                    walk(value, path)
                elif isinstance(value, ir.Literal) and value.value is None:
                    lines.append(f"- {code(path)}: removed")
                else:
                    lines.append(f"- {code(path)}: {code(self.ctx.quoted(value))}")

        target = self.program.follow(patch.value)
        if isinstance(target, ir.MapExpr):
            walk(target, "")
        return ["Request fields set by `arguments_patch` (beyond what the fields write):", ""] + lines + [""]

    def defaults(self, step, kind) -> list:
        """(field, value) for each field left out whose SDK default lands in the definition."""
        if not any(field.json for field in kind.fields.values()):
            return []  # (a kind that places no field: a step collection written by its parts' kinds)
        arguments = kind.json_arguments(step, self.json)
        patch = step.attribute("arguments_patch")
        if patch is not None and isinstance(self.program.follow(patch.value), ir.MapExpr):
            arguments = self.json.merge_patch(arguments, self.program.follow(patch.value))
        out = []
        for name, field in kind.fields.items():
            if not field.json or step.attribute(name) is not None:
                continue
            value = arguments
            for key in field.json.split("."):
                if isinstance(value, list) and key.isdigit() and int(key) < len(value):
                    value = value[int(key)]
                elif isinstance(value, dict) and key in value:
                    value = value[key]
                else:
                    value = None
                    break
            if value is not None:
                out.append((name, value))
        return out

    def envelope(self, step, feeds) -> List[str]:
        p, out = self.program, []
        cache = step.attribute("cache")
        if cache is not None:
            enabled, expire_after = cache_setting(p, cache.value)
            words = "on" if enabled else "off"
            if expire_after is not None:
                words += f", results reused for {code(expire_after)}" if enabled else f" (expiry {code(expire_after)} kept)"
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
