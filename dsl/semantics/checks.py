"""Checks over the IR (LANGUAGE.md section 9). Every check adds diagnostics to one list and
goes on, so a file's problems are all reported in one run.

Step kinds add their own checks through `StepKind.check`; this module checks what is common
to every file and every step: names, parameters, lets, the experiment, references,
functions, the step envelope (fields, depends_on, cache, retry), branches and cycles.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from dsl.diagnostics import Diagnostic, Span, did_you_mean, error, warning
from dsl.extension.kinds import ENVELOPE_FIELDS, V3_HINT, Field, v3_refusals
from dsl.extension.plugin_manager import KindFailure
from dsl.semantics.functions import FUNCTIONS
from dsl.semantics.program import EXECUTION_VARIABLES, EXPERIMENT_PROPERTIES, NOT_LITERAL, PARAM_TYPES, Program, raw_condition_map
from dsl.syntax import ir

PIPELINE_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}")
STEP_OR_PARAM_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
EXPERIMENT_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}")
# the pipeline's own attributes; `role` is the IAM role `pipedsl deploy` gives the pipeline
PIPELINE_ATTRIBUTES = {"description": "string", "default_bucket": "string", "role": "string", "name": "string",
                       "region": "string", "use_custom_job_prefix": "boolean", "sdk": "sdk"}
EXPERIMENT_ATTRIBUTES = ("name", "trial")
STEP_EXCEPTIONS = ("Step.SERVICE_FAULT", "Step.THROTTLING")
JOB_EXCEPTIONS = ("SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT")
RETRY_FIELDS = {
    "backoff_rate": ("number", None),
    "interval_seconds": ("integer", None),
    "max_attempts": ("integer", (1, 20)),
    "expire_after_min": ("integer", (0, 14400)),
}
TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number",
              "boolean": "a boolean", "list": "a list", "map": "a map", "null": "null",
              "any": "a value"}


# `ExpireAfter` of a step's CacheConfig: an ISO 8601 duration (PnYnMnWnDTnHnMnS, at least one part)
# What SageMaker's step caching takes as `ExpireAfter`: an ISO 8601 duration, the leading `P`
# optional and any case (its guide's examples: "30d", "5y", "T16m", "30dT5h", "P30D")
ISO_8601_DURATION = re.compile(r"P?(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?",
                               re.IGNORECASE)
# Roots of references: a declared name equal to one would be unreachable or ambiguous.
RESERVED_NAMES = frozenset({"Execution", "PipelineExperimentConfig"})
# SDK keyword arguments a user reaches for, and their `.pipe` form: (the member the hint is
# about, or None for any kind, hint)
SDK_KEYWORD_HINTS = {
    "cache_config": (None, 'write `cache = true`, `cache = false` or `cache = "P30D"`'),
    "retry_policies": ("retry", "write each policy as a member: `retry Step.THROTTLING { max_attempts = 3 }`"),
    "inputs": ("input", "write each input as a member: `input NAME { ... }` (or `input NAME = ...`)"),
    "outputs": ("output", "write each output as a member: `output NAME { source = ... }`"),
    "property_files": ("property_file", "write each as a member: "
                                        '`property_file NAME { output_name = "...", path = "..." }`'),
    "conditions": ("when", "write each condition as a member: `when Evaluate.Accuracy >= Threshold`"),
    "step_args": (None, "write the estimator's or processor's arguments as the step's own fields"),
}


def _fits(actual: str, wanted: str) -> bool:
    if wanted == "any" or actual == "any":
        return True
    if wanted == "number":
        return actual in ("number", "integer")
    return actual == wanted


class Checker:
    """Runs every check of one program; `kind.check(step, ctx)` receives this as `ctx`."""

    def __init__(self, program: Program):
        self.program = program
        self.problems: List[Diagnostic] = []
        # step name -> names of steps whose properties it reads (for cycles and docs)
        self._current_step: Optional[str] = None
        self._required: Dict[int, tuple] = {}  # id(fields) -> (fields, its required fields)
        self._step_fields: Dict[str, Dict[str, Field]] = {}  # kind -> the fields of its steps

    # --- for kinds -------------------------------------------------------------------
    def add(self, diagnostic: Diagnostic):
        self.problems.append(diagnostic)

    def type_of(self, expr) -> str:
        return self.program.type_of(expr)

    def literal(self, expr, default=None):
        return self.program.literal(expr, default)

    def walk_shape(self, root, parts):
        return self.program.walk_shape(root, parts)

    def expect(self, expr, wanted: str, what: str, items: str = "any"):
        """Check a value's references and that its type fits `wanted`."""
        self.value(expr)
        actual = self.type_of(expr)
        if not _fits(actual, wanted):
            self.add(error("E0304", f"{what} must be {TYPE_WORDS[wanted]}, not {TYPE_WORDS[actual]}",
                           self._span_of(expr), "wrong type"))
            return
        if wanted == "list" and items != "any":
            target = self.program.follow(expr)
            if isinstance(target, ir.ListExpr):
                for item in target.items:
                    item_type = self.type_of(item)
                    if not _fits(item_type, items):
                        self.add(error("E0304", f"each item of {what} must be {TYPE_WORDS[items]}, "
                                       f"not {TYPE_WORDS[item_type]}", self._span_of(item), "wrong type"))

    def unknown_field_hint(self, name: str, fields, kind=None) -> str:
        """Lead to the fix: the `.pipe` form of an SDK keyword, a field that belongs to other
        kinds, a close name, or what is allowed here (fields and members)."""
        members = sorted(m for m in (kind.members if kind is not None else ()) if not m.startswith("block:"))
        if kind is not None and kind.retry:
            members.append("retry")
        sdk = SDK_KEYWORD_HINTS.get(name)
        if sdk is not None and (sdk[0] is None and name != "cache_config" or sdk[0] in members
                                or name == "cache_config" and "cache" in fields):
            return sdk[1]
        if kind is not None:
            elsewhere = sorted(k.name for k in self.program.kinds.values() if name in k.fields and k.name != kind.name)
            if elsewhere:
                return (f"`{name}` is a field of {', '.join(f'`{k}`' for k in elsewhere)} steps, "
                        f"not of `{kind.name}` steps")
        close = did_you_mean(name, fields)
        if close:
            return close
        allowed = f"fields here: {', '.join(sorted(fields)) or 'none'}"
        return allowed + (f"; members: {', '.join(members)}" if members else "")

    def attributes(self, attributes, fields: Dict[str, Field], what: str, owner_span=None, kind=None):
        """Check a block's attributes against `fields`: unknown, repeated, missing, types.
        Returns the names that were set."""
        seen: Dict[str, Span] = {}
        for attribute in attributes:
            field = fields.get(attribute.name)
            if field is None and attribute.name in ENVELOPE_FIELDS:
                self.add(error("E0317", f"{what} takes no `{attribute.name}`", attribute.name_span,
                               "not supported by this kind"))
                continue
            if field is None:
                self.add(error("E0302", f"unknown field `{attribute.name}` in {what}",
                               attribute.name_span, "unknown field",
                               self.unknown_field_hint(attribute.name, fields, kind)))
                self.value(attribute.value)
                continue
            if attribute.name in seen:
                self.add(error("E0101", f"field `{attribute.name}` is set twice in {what}",
                               attribute.name_span, "set again here",
                               notes=[(seen[attribute.name], "first set here")]))
            seen[attribute.name] = attribute.name_span
            if field.type == "step_list":
                self.step_list(attribute)
            elif field.type == "custom":
                pass  # the kind checks this value itself
            else:
                self.expect(attribute.value, field.type, f"`{attribute.name}`", field.items)
            if field.pattern:
                self.pattern(attribute, field)
            if field.minimum is not None:
                self.minimum(attribute, field)
            if field.json and kind is not None and kind.request_shape:
                self.enum(attribute, kind.request_shape, field.json, field.pattern)
        if owner_span is not None:
            required = self._required.get(id(fields))
            if required is None or required[0] is not fields:  # (a kind has tens of fields, few required)
                required = (fields, [name for name, field in fields.items() if field.required])
                self._required[id(fields)] = required
            for name in required[1]:
                if name not in seen:
                    self.add(error("E0303", f"{what} needs `{name}`", owner_span,
                                   f"`{name}` missing", f"add `{name} = ...`"))
        return seen

    # --- helpers ------------------------------------------------------------------------
    @staticmethod
    def _span_of(expr) -> Span:
        return getattr(expr, "span", None) or Span(1, 1, 1, 2)

    def run(self) -> List[Diagnostic]:
        p = self.program
        for problem in p.var_problems + p.expander.problems:
            self.add(problem)
        if p.expander.stopped:  # the pipeline is cut short: checking the part made says little
            return self.problems
        self.check_names()
        self.check_pipeline_attributes()
        self.check_lets()
        for param in p.pipeline.params:
            self.check_param(param)
        self.check_experiment()
        if p.pipeline.schedules:
            from dsl.semantics.schedules import check as check_schedules

            for problem in check_schedules(self):
                self.add(problem)
        for step in p.pipeline.steps:
            self._current_step = step.name
            try:
                self.check_step(step)
            except KindFailure as failure:
                self.add(error("E0405", str(failure), step.kind_span, "this kind failed"))
        self._current_step = None
        try:
            self.check_branches()
            self.check_cycles()
        except KindFailure as failure:
            self.add(error("E0405", str(failure), p.pipeline.name_span, "a kind failed"))
        self.check_unused()
        return self.problems

    def check_unused(self):
        """A `let` or `var` nothing reads is a warning: usually a typo elsewhere, or left over."""
        p = self.program
        values = [a.value for a in p.pipeline.attributes] + [let.value for let in p.lets.values()]
        values += [a.value for e in p.pipeline.experiments for a in e.attributes]
        values += [a.value for s in p.pipeline.schedules for a in s.attributes]
        for step in p.pipeline.steps:
            values.extend(ir.step_values(step))
        used = {node.name for value in values for node in ir.walk(value) if isinstance(node, ir.Ref)}
        used |= p.expander.used  # read by an `if`, a `for` or a `${…}` name
        for let in p.file.lets + p.pipeline.lets:
            if let.name_span.file is not None:
                continue  # an imported file is a library: what it offers need not all be used
            if let.name not in used and p.lets.get(let.name) is let:
                self.add(warning("W0001", f"let `{let.name}` is never used", let.name_span, "unused",
                                 "use it, or remove it"))
        for var in p.file.vars + p.pipeline.vars:
            if var.name not in used and var.name_span.file is None:
                self.add(warning("W0001", f"var `{var.name}` is never used", var.name_span, "unused",
                                 "use it, or remove it"))

    # --- names ----------------------------------------------------------------------
    def check_names(self):
        p = self.program.pipeline
        if not PIPELINE_NAME.fullmatch(p.name):
            self.add(error("E0103", f"`{p.name}` is not a valid pipeline name", p.name_span,
                           "breaks the service's name rule",
                           "pipeline names are 1-256 letters, digits and single hyphens "
                           "(`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}`), with no underscore"))
        first: Dict[str, Tuple[Span, list]] = {}
        for decl, what in ([(x, "var") for x in self.program.file.vars + p.vars]
                           + [(x, "let") for x in self.program.file.lets + p.lets]
                           + [(x, "parameter") for x in p.params] + [(x, "step") for x in p.steps]):
            origin = self.program.expander.origins.get(id(decl))
            made = origin.notes(decl.name) if origin is not None else []
            if decl.name in first:
                where, first_made = first[decl.name]
                in_file = f" of {where.file}" if where.file is not None else ""
                self.add(error("E0101", f"`{decl.name}` is declared twice", decl.name_span,
                               "declared again here",
                               f"parameters, lets and steps share one namespace; `{decl.name}` is "
                               f"first declared at line {where.line}, column {where.column}{in_file}",
                               notes=made + [(where, "first declared here")] + first_made))
            else:
                first[decl.name] = (decl.name_span, [n for n in made if not n[1].startswith("in this")])
            if decl.name in RESERVED_NAMES:
                self.add(error("E0111", f"`{decl.name}` cannot name a {what}: it is the root of the "
                               f"built-in `{decl.name}.…` references", decl.name_span, "reserved name",
                               f"choose another name for the {what}"))
            if what in ("step", "parameter") and not STEP_OR_PARAM_NAME.fullmatch(decl.name) and "${" not in decl.name:
                # (a `${…}` piece left in a name was not filled: that is reported as E0163)
                self.add(error("E0104" if what == "step" else "E0105",
                               f"`{decl.name}` is not a valid {what} name", decl.name_span,
                               "breaks the service's name rule",
                               f"{what} names are 1-64 letters, digits, `_` and `-`", notes=made))

    def check_pipeline_attributes(self):
        p = self.program.pipeline
        for attribute in p.attributes:
            wanted = PIPELINE_ATTRIBUTES.get(attribute.name)
            if wanted is None:
                self.add(error("E0106", f"unknown pipeline attribute `{attribute.name}`",
                               attribute.name_span, "unknown attribute",
                               did_you_mean(attribute.name, PIPELINE_ATTRIBUTES)
                               or "pipeline attributes are " + ", ".join(f"`{a}`" for a in PIPELINE_ATTRIBUTES)))
                continue
            self.value(attribute.value)
            if attribute.name == "name":  # lets and vars only, e.g. "churn-${Stage}"
                name = self.program.name
                if name == p.name and self.program.literal(attribute.value) != p.name:
                    self.add(error("E0304", "`name` must be text made of literals, lets and vars",
                                   self._span_of(attribute.value), "not known before running",
                                   'e.g. name = "churn-${Stage}" with `var Stage: String`'))
                elif not PIPELINE_NAME.fullmatch(name):
                    self.add(error("E0103", f"`{name}` is not a valid pipeline name", self._span_of(attribute.value),
                                   "breaks the service's name rule",
                                   "pipeline names are 1-256 letters, digits and single hyphens"))
                continue
            if wanted == "sdk":  # the SDK major version the definition is written for
                if self.program.literal(attribute.value) not in (2, 3) or isinstance(
                        self.program.literal(attribute.value), bool):
                    self.add(error("E0304", "`sdk` is 2 or 3: the SageMaker Python SDK the definition is written for",
                                   self._span_of(attribute.value), "not 2 or 3"))
                continue
            if wanted == "boolean":  # (PipelineDefinitionConfig's flag)
                if not isinstance(self.program.literal(attribute.value), bool):
                    self.add(error("E0304", f"`{attribute.name}` is true or false", self._span_of(attribute.value),
                                   "not a literal boolean"))
                elif self.program.literal(attribute.value) and self.program.flavour == "v3":
                    # (v3's trainers name a kept job `BASE-TIMESTAMP`: no definition can pin it)
                    self.add(error("E0321", f"`{attribute.name}` is not written for SDK v3 yet: its job names hold "
                                   "the build time", attribute.name_span, "not with SDK v3", V3_HINT))
                continue
            text = self.program.static_text(attribute.value)
            if text is None:
                self.add(error("E0304", f"`{attribute.name}` must be text made of literals, lets and vars",
                               self._span_of(attribute.value), "not known before running"))
            elif attribute.name == "role" and not re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+", text):
                self.add(error("E0304", "`role` must be an IAM role ARN", self._span_of(attribute.value),
                               "not a role ARN", 'e.g. "arn:aws:iam::123456789012:role/SageMakerRole"'))

    def check_lets(self):
        lets = self.program.file.lets + self.program.pipeline.lets
        for let in lets:
            self.value(let.value)
        # cycles among lets: each chain is walked once; a let already known to end outside
        # any cycle ends the walk (linear in the number of lets)
        done = set()
        for let in lets:
            chain, on_chain, expr = [let.name], {let.name}, let.value
            while isinstance(expr, ir.Ref) and not expr.parts and expr.name in self.program.lets:
                if expr.name in done:
                    break
                if expr.name in on_chain:
                    cycle = chain[chain.index(expr.name):]
                    self.add(error("E0110", "these lets refer to each other in a cycle: "
                                   + " -> ".join(cycle + [expr.name]), let.name_span,
                                   "part of the cycle"))
                    break
                chain.append(expr.name)
                on_chain.add(expr.name)
                expr = self.program.lets[expr.name].value
            done.update(chain)

    def check_param(self, param: ir.Param):
        if param.type not in PARAM_TYPES:
            self.add(error("E0151", f"unknown parameter type `{param.type}`", param.type_span,
                           "unknown type", did_you_mean(param.type, PARAM_TYPES)
                           or "types are String, Integer, Float and Boolean"))
            return
        wanted = PARAM_TYPES[param.type]
        enum_values = None
        if param.enum is not None:
            if param.type != "String":
                self.add(error("E0153", f"enum values are allowed on String parameters only, not {param.type}",
                               param.enum.span.start(), "enum on a non-String parameter"))
            else:
                enum_values = self.check_enum(param)
        if param.default is None:
            return
        default = param.default
        value = self.program.literal(default, NOT_LITERAL)
        if value is NOT_LITERAL or isinstance(value, (list, dict)):
            self.value(default)
            self.add(error("E0152", f"the default of `{param.name}` must be a literal {param.type}",
                           default.span, "not a literal"))
            return
        actual = self.type_of(default)
        if not _fits(actual, wanted):
            self.add(error("E0152", f"default of the wrong type: `{param.name}` is {param.type}, "
                           f"the default is {TYPE_WORDS[actual]}", default.span, "wrong type"))
            return
        if enum_values is not None and value not in enum_values:
            self.add(error("E0154", f"the default {value!r} is not among the enum values of `{param.name}`",
                           default.span, "not an allowed value",
                           did_you_mean(value, enum_values) or
                           "allowed: " + ", ".join(repr(v) for v in enum_values)))

    def check_enum(self, param):
        target = self.program.follow(param.enum)
        if not isinstance(target, ir.ListExpr):
            self.add(error("E0157", "enum values must be a list of strings", param.enum.span, "not a list"))
            return None
        values: list = []
        seen: dict = {}
        for item in target.items:
            value = self.program.literal(item)
            if not isinstance(value, str) or self.type_of(item) != "string":
                self.add(error("E0157", "enum values must be literal strings", item.span, "not a string"))
                continue
            if value in seen:
                self.add(error("E0156", f"duplicate enum value {value!r}", item.span, "repeated",
                               notes=[(seen[value], "first here")]))
            seen.setdefault(value, item.span)
            values.append(value)
        if len(target.items) > 16:
            self.add(error("E0155", f"{len(target.items)} enum values; at most 16 are allowed",
                           target.items[16].span, "the 17th value", "SageMaker accepts up to 16"))
        if not target.items:
            self.add(error("E0157", "an enum needs at least one value", param.enum.span, "empty"))
        return values

    def check_experiment(self):
        p = self.program.pipeline
        for extra in p.experiments[1:]:
            self.add(error("E0109", "`experiment` is given twice", extra.span.start(), "again here",
                           notes=[(p.experiments[0].span.start(), "first here")]))
        exp = p.experiment
        if exp is None or exp.none:
            return
        seen: dict = {}
        for attribute in exp.attributes:
            if attribute.name not in EXPERIMENT_ATTRIBUTES:
                self.add(error("E0108", f"unknown experiment setting `{attribute.name}`",
                               attribute.name_span, "unknown setting",
                               did_you_mean(attribute.name, EXPERIMENT_ATTRIBUTES)
                               or "settings are `name` (the experiment) and `trial` (the run group)"))
                self.value(attribute.value)
                continue
            if attribute.name in seen:
                self.add(error("E0101", f"`{attribute.name}` is set twice in `experiment`",
                               attribute.name_span, "set again here", notes=[(seen[attribute.name], "first set here")]))
            seen[attribute.name] = attribute.name_span
            self.expect(attribute.value, "string", f"the experiment `{attribute.name}`")
            value = self.program.literal(attribute.value)
            if isinstance(value, str) and not EXPERIMENT_NAME.fullmatch(value):
                what = "experiment" if attribute.name == "name" else "trial (run group)"
                self.add(error("E0107", f"{value!r} is not a valid {what} name",
                               attribute.value.span, "breaks the service's name rule",
                               "experiment and trial names are 1-120 letters, digits and single "
                               "hyphens (`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}`)"))

    def enum(self, attribute, request: str, place: str, pattern: str = ""):
        """Literal strings where the service takes one of an enum's values (approval status,
        input mode, split type, ...): anything else fails on SageMaker, so it fails here."""
        values = self.program.enum_at(request, place)
        if not values:
            return
        value = self.program.follow(attribute.value)
        for item in value.items if isinstance(value, ir.ListExpr) else (value,):
            item = self.program.follow(item)
            if (isinstance(item, ir.Literal) and isinstance(item.value, str) and item.value not in values
                    and (not pattern or re.fullmatch(pattern, item.value))):  # else reported by pattern()
                shown = ", ".join(f'"{v}"' for v in values) if len(values) <= 12 else None
                hint = did_you_mean(item.value, values)
                self.add(error("E0304", f"`{attribute.name}`: {item.value!r} is not a value SageMaker accepts here",
                               item.span, "not accepted", hint or (f"one of {shown}" if shown else
                                                                    f"see the {place.split('.')[-1]} values of the API")))

    def comparable(self, cmp: ir.Compare):
        """A string compared with a number is never equal and cannot be ordered: SageMaker
        would fail the step or always take the same branch."""
        kinds = {"string": "a string", "integer": "a number", "number": "a number"}
        left, right = self.program.compared_type(cmp.left), self.program.compared_type(cmp.right)
        if left in kinds and right in kinds and (left == "string") != (right == "string"):
            # blame the side that is easiest to change: a literal, else a parameter
            sides = [cmp.right, cmp.left]
            blamed = next((x for x in sides if isinstance(self.program.follow(x), ir.Literal)), None) or next(
                (x for x in sides if isinstance(x, ir.Ref) and x.name in self.program.params and not x.parts), cmp.left)
            self.add(error("E0304", f"`{cmp.op}` compares {kinds[left]} with {kinds[right]}", self._span_of(blamed),
                           "other type", "compare values of one type: quote the number, or declare the "
                           "parameter Integer/Float (or String)"))

    def pattern(self, attribute, field: Field):
        """Literal strings of the value (or its items) must match the field's pattern."""
        value = self.program.follow(attribute.value)
        items = value.items if isinstance(value, ir.ListExpr) else (value,)
        for item in items:
            item = self.program.follow(item)
            if (isinstance(item, ir.Literal) and isinstance(item.value, str)
                    and not re.fullmatch(field.pattern, item.value)):
                self.add(error("E0304", f"`{attribute.name}`: {item.value!r} is not {field.pattern_doc}",
                               item.span, "not accepted here", f"write {field.pattern_doc}"))

    def minimum(self, attribute, field: Field):
        """A literal number below the field's minimum (the service refuses it)."""
        item = self.program.follow(attribute.value)
        if (isinstance(item, ir.Literal) and isinstance(item.value, (int, float)) and not isinstance(item.value, bool)
                and field.minimum is not None and item.value < field.minimum):
            self.add(error("E0304", f"`{attribute.name}` is at least {field.minimum}, not {item.value}", item.span,
                           "too small", "SageMaker refuses it when the pipeline runs"))

    # --- expressions --------------------------------------------------------------------
    def value(self, expr, in_json_get=False):
        """Check every reference and call inside an expression or condition."""
        if expr.__class__ is ir.Literal:  # most values: nothing inside
            return
        if isinstance(expr, ir.Ref):
            self.reference(expr, in_json_get)
        elif isinstance(expr, ir.Interpolation):
            for piece in expr.pieces:
                if isinstance(piece, ir.Ref):
                    self.reference(piece)
        elif isinstance(expr, ir.ListExpr):
            for item in expr.items:
                self.value(item)
        elif isinstance(expr, ir.MapExpr):
            keys: dict = {}
            for entry in expr.entries:
                if entry.key in keys:  # the SDK would keep only the last: a silent loss
                    self.add(error("E0101", f"key `{entry.key}` is given twice in this map", entry.key_span,
                                   "given again here", notes=[(keys[entry.key], "first given here")]))
                keys.setdefault(entry.key, entry.key_span)
                self.value(entry.value)
        elif isinstance(expr, ir.Call):
            self.call(expr)
        elif isinstance(expr, ir.Compare):
            self.value(expr.left)
            self.value(expr.right)
            self.comparable(expr)
        elif isinstance(expr, ir.InCond):
            self.value(expr.value)
            self.value(expr.values)
            if self.type_of(expr.values) not in ("list", "any"):
                self.add(error("E0304", "the right side of `in` must be a list",
                               self._span_of(expr.values), "not a list"))
        elif isinstance(expr, ir.NotCond):
            self.value(expr.condition)
        elif isinstance(expr, ir.RawCond):
            target = raw_condition_map(expr)
            if target is None or not isinstance(self.program.follow(target), ir.MapExpr):
                self.add(error("E0304", "a condition compares values (`a >= b`, `a in [...]`), or is written as "
                               "JSON with `condition({ Type: \"...\", ... })`", self._span_of(expr.value),
                               "not a condition", "e.g. `when Evaluate.Accuracy >= Threshold`"))
                if not isinstance(expr.value, ir.Call):
                    self.value(expr.value)
            else:
                self.value(target)
        elif isinstance(expr, (ir.OrCond, ir.AndCond)):
            for condition in expr.conditions:
                self.value(condition)

    def reference(self, ref: ir.Ref, in_json_get=False):
        p = self.program
        if ref.name in ("Execution", "PipelineExperimentConfig"):
            table = EXECUTION_VARIABLES if ref.name == "Execution" else EXPERIMENT_PROPERTIES
            what = "execution variable" if ref.name == "Execution" else "experiment property"
            first = ref.parts[0] if ref.parts else None
            if not isinstance(first, ir.Member) or first.name not in table:
                span = first.span if first is not None else ref.name_span
                name = first.name if isinstance(first, ir.Member) else ""
                hint: Optional[str] = (did_you_mean(name, table) if name else None) or "one of: " + ", ".join(table)
                self.add(error("E0204", f"unknown {what} `{ref.name}.{name}`" if name else
                               f"`{ref.name}` needs a member", span, f"not an {what}", hint))
            elif len(ref.parts) > 1:
                self.add(error("E0204", f"`{ref.name}.{first.name}` has no members",
                               ref.parts[1].span, "nothing to select"))
            return
        if ref.name in p.lets or ref.name in p.params:
            if ref.parts:
                what = "a let" if ref.name in p.lets else "a parameter"
                self.add(error("E0205", f"`{ref.name}` is {what} and has no members",
                               ref.parts[0].span, "nothing to select"))
            return
        if ref.name in p.steps:
            self.step_reference(ref, p.steps[ref.name], in_json_get)
            return
        if any(loop.var == ref.name and _within(ref.name_span, loop.span) for loop in p.expander.loops):
            return  # a loop variable the expansion could not fill: it said why (E0163, E0165)
        candidates = p.names() + ["Execution", "PipelineExperimentConfig"]
        hint = did_you_mean(ref.name, candidates)
        kind = "name"
        if hint:
            guess = hint.split("`")[1]
            kind = "parameter" if guess in p.params else "step" if guess in p.steps else (
                "let" if guess in p.lets else "name")
        self.add(error("E0203", f"unknown {kind} `{ref.name}`", ref.name_span, "not declared", hint))

    def step_reference(self, ref: ir.Ref, step: ir.Step, in_json_get: bool):
        p = self.program
        kind = p.kind_of(step)
        if in_json_get:
            names = [f.name for f in step.property_files]
            member = ref.parts[0] if ref.parts else None
            if kind is not None and kind.any_property_file:
                pass  # a raw step: its property files are in `extra`, as written
            elif kind is not None and "property_file" not in kind.members:
                self.add(error("E0207", f"`json_get` reads a property file of a step; `{step.name}` is a "
                               f"`{step.kind}` step, which declares none", ref.name_span, "no property files"))
            elif not isinstance(member, ir.Member) or len(ref.parts) != 1 or member.name not in names:
                span = member.span if member is not None else ref.name_span
                shown = member.name if isinstance(member, ir.Member) else ""
                self.add(error("E0207", f"`{step.name}` declares no property file `{shown}`" if shown
                               else f"`json_get` needs `{step.name}.<property file>`", span,
                               "no such property file",
                               did_you_mean(shown, names) if shown and names else
                               ("declared: " + ", ".join(names) if names else
                                f"declare one with `property_file NAME {{ output_name = ..., path = ... }}` in `{step.name}`")))
            return
        if kind is None:
            return  # unknown kind, reported at the step
        if not ref.parts:
            self.add(error("E0205", f"`{step.name}` is a step: name one of its properties",
                           ref.name_span, "a step, not a value",
                           f"e.g. `{step.name}.<Property>`; to order steps use `depends_on`"))
            return
        problem = kind.property_problem(step, ref.parts, self)
        if problem is not None:
            index, message, hint = problem
            code = "E0206" if kind.property_root is None else "E0205"
            span = ref.name_span if kind.property_root is None else ref.parts[index].span
            self.add(error(code, message, span, "unknown property" if code == "E0205" else "no properties", hint))

    def call(self, call: ir.Call):
        if call.name not in FUNCTIONS:
            self.add(error("E0208", f"unknown function `{call.name}`", call.name_span, "not a function",
                           did_you_mean(call.name, FUNCTIONS) or
                           "functions are " + " and ".join(f"`{n}`" for n in FUNCTIONS)))
            for arg in call.args:
                self.value(arg.value)
            return
        args = self.bind_args(call)
        if args is None:
            return
        FUNCTIONS[call.name].check(args, call, self)

    def bind_args(self, call: ir.Call) -> Optional[dict]:
        names = FUNCTIONS[call.name].positional
        allowed = FUNCTIONS[call.name].parameters
        bound, ok = {}, True
        for i, arg in enumerate(call.args):
            if arg.name is None:
                if any(a.name for a in call.args[:i]):
                    self.add(error("E0208", "a positional argument after a named one", arg.span, "positional"))
                    ok = False
                    continue
                if i >= len(names):
                    self.add(error("E0208", f"`{call.name}` takes {len(names)} arguments", arg.span, "one too many"))
                    ok = False
                    continue
                name = names[i]
            else:
                name = arg.name
                if name not in allowed:
                    self.add(error("E0208", f"`{call.name}` has no argument `{name}`", arg.span, "unknown argument",
                                   did_you_mean(name, allowed) or "arguments: " + ", ".join(allowed)))
                    ok = False
                    continue
            if name in bound:
                self.add(error("E0208", f"argument `{name}` given twice", arg.span, "again"))
                ok = False
                continue
            bound[name] = arg.value
        return bound if ok else None  # a missing `on` defaults to "", as in the SDK

    # --- steps ------------------------------------------------------------------------
    def step_list(self, attribute: ir.Attribute):
        target = attribute.value
        if not isinstance(target, ir.ListExpr):
            self.add(error("E0304", f"`{attribute.name}` must be a list of step names",
                           self._span_of(target), "not a list"))
            return
        seen = set()
        for item in target.items:
            if not isinstance(item, ir.Ref) or item.parts:
                self.add(error("E0304", f"`{attribute.name}` lists step names", self._span_of(item), "not a step name"))
                continue
            if item.name not in self.program.steps:
                self.add(error("E0308", f"unknown step `{item.name}` in `{attribute.name}`", item.name_span,
                               "not a step", did_you_mean(item.name, self.program.steps)))
            elif item.name in seen:
                self.add(error("E0308", f"`{item.name}` is listed twice", item.name_span, "repeated"))
            seen.add(item.name)

    def check_step(self, step: ir.Step):
        p = self.program
        kind = p.kind_of(step)
        if kind is None:
            self.add(error("E0301", f"unknown step kind `{step.kind}`", step.kind_span, "unknown kind",
                           did_you_mean(step.kind, p.kinds) or "kinds: " + ", ".join(sorted(p.kinds))))
            return
        if p.flavour == "v3" and p.flavour not in kind.flavours and kind.v3:
            self.add(error("E0321", f"SDK v3 cannot write `{kind.name}` steps: {kind.v3}", step.kind_span,
                           "not with SDK v3", V3_HINT))
        elif p.flavour not in kind.flavours:
            self.add(error("E0320", f"`{kind.name}` steps are not written for SDK v{p.sdk} yet", step.kind_span,
                           f"no SDK v{p.sdk} layout",
                           "transpile with `--sdk 2` (the v2 definition), or keep this step's request as a "
                           "`raw` step"))
        fields = self._step_fields.get(kind.name)
        if fields is None:  # (once per kind: a kind declares tens of fields)
            fields = dict(ENVELOPE_FIELDS)
            if not kind.cache:
                fields.pop("cache")
            fields.update(kind.fields)
            self._step_fields[kind.name] = fields
        seen = self.attributes(step.attributes, fields, f"`{kind.name}` step `{step.name}`",
                               owner_span=step.name_span, kind=kind)
        if p.flavour == "v3" and p.flavour in kind.flavours:
            for problem in v3_refusals(step.attributes, fields):
                self.add(problem)
        if "cache" in seen:
            self.check_cache(step.attribute("cache"))
        self.check_members(step, kind)
        for retry in step.retries:
            self.check_retry(retry, kind)
        found = kind.check(step, self) or ()
        wrong = [x for x in found if not isinstance(x, Diagnostic)] if isinstance(found, (list, tuple)) else [found]
        if wrong:
            raise KindFailure(getattr(kind, "plugin", "?"), kind.name, "check",
                              TypeError(f"yielded {type(wrong[0]).__name__}, not a dsl.diagnostics.Diagnostic"))
        for problem in found:
            self.add(problem)
        if p.default_bucket is None:
            needs = kind.needs_default_bucket(step, self) or ()
            if not isinstance(needs, (list, tuple)) or not all(
                    isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], Span) for x in needs):
                raise KindFailure(getattr(kind, "plugin", "?"), kind.name, "needs_default_bucket",
                                  TypeError("must return (field, span) pairs"))
            for field, span in needs:
                self.add(error("E0307", f"`{step.name}` needs a default S3 path for {field}, and the "
                               "pipeline has no `default_bucket`", span, "needs a default S3 path",
                               f"set {field}, or `default_bucket = \"...\"` in the pipeline"))

    def check_members(self, step, kind):
        groups = [("input", step.inputs, lambda m: m.span.start()),
                  ("output", step.outputs, lambda m: m.span.start()),
                  ("property_file", step.property_files, lambda m: m.span.start()),
                  ("when", step.whens, lambda m: m.span.start()),
                  ("retry", step.retries, lambda m: m.span.start())]
        for member, items, span in groups:
            allowed = kind.retry if member == "retry" else member in kind.members
            if items and not allowed:
                self.add(error("E0306", f"a `{kind.name}` step takes no `{member}`", span(items[0]),
                               f"`{member}` not allowed here"))
        for block in step.blocks:
            if f"block:{block.name}" not in kind.members:
                blocks = [m[6:] for m in kind.members if m.startswith("block:")]
                self.add(error("E0306", f"a `{kind.name}` step has no block `{block.name}`", block.name_span,
                               "unknown block", did_you_mean(block.name, blocks)))

    def check_cache(self, attribute):
        value = self.program.literal(attribute.value, NOT_LITERAL)
        if isinstance(value, bool):
            return
        if isinstance(value, str) and ISO_8601_DURATION.fullmatch(value):
            return
        if isinstance(value, dict) and set(value) <= {"enabled", "expire_after"} and value and \
                isinstance(value.get("enabled", True), bool) and (
                "expire_after" not in value or isinstance(value["expire_after"], str)
                and ISO_8601_DURATION.fullmatch(value["expire_after"])):
            return
        self.value(attribute.value)
        self.add(error("E0316", "`cache` is `true`, `false`, an ISO 8601 duration string such as \"P30D\" or "
                       "\"30d\", or { enabled: false, expire_after: \"30d\" }", self._span_of(attribute.value),
                       "not a cache setting", "a map takes `enabled` (a literal boolean) and `expire_after` (a "
                       "duration), as the SDK's CacheConfig(enable_caching=…, expire_after=…)"))

    def check_retry(self, retry: ir.Retry, kind):
        if self.program.flavour == "v3":
            given_bounds = [a for a in retry.attributes if a.name in ("max_attempts", "expire_after_min")]
            if len(given_bounds) != 1:
                self.add(error("E0321", "SDK v3's RetryPolicy takes exactly one of `max_attempts` and "
                               "`expire_after_min`" + (" (it raises on both)" if given_bounds else ""),
                               given_bounds[1].name_span if len(given_bounds) > 1 else retry.span.start(),
                               "both given_bounds" if given_bounds else "no bound",
                               "keep one bound (SDK v2 wrote both), or transpile with `--sdk 2`"))
        families = set()
        for exc in retry.exception_types:
            if exc.name in STEP_EXCEPTIONS:
                families.add("Step")
            elif exc.name in JOB_EXCEPTIONS:
                families.add("SageMaker")
                if not kind.job_step:
                    self.add(error("E0314", f"`{exc.name}` applies to SageMaker job steps only; "
                                   f"a `{kind.name}` step takes `Step.*` exception types", exc.span,
                                   "not for this kind"))
            else:
                self.add(error("E0312", f"unknown exception type `{exc.name}`", exc.span, "unknown",
                               did_you_mean(exc.name, STEP_EXCEPTIONS + JOB_EXCEPTIONS)
                               or "types: " + ", ".join(STEP_EXCEPTIONS + JOB_EXCEPTIONS)))
        if len(families) > 1:
            self.add(error("E0313", "one `retry` cannot mix `Step.*` and `SageMaker.*` exception types",
                           retry.span.start(), "mixed", "write two `retry` members"))
        seen = set()
        for attribute in retry.attributes:
            spec = RETRY_FIELDS.get(attribute.name)
            if spec is None:
                self.add(error("E0302", f"unknown retry field `{attribute.name}`", attribute.name_span,
                               "unknown field", did_you_mean(attribute.name, RETRY_FIELDS)
                               or "fields: " + ", ".join(RETRY_FIELDS)))
                continue
            if attribute.name in seen:
                self.add(error("E0101", f"`{attribute.name}` is set twice", attribute.name_span, "again"))
            seen.add(attribute.name)
            wanted, bounds = spec
            value = self.program.literal(attribute.value, NOT_LITERAL)
            if value is NOT_LITERAL or not _fits(self.type_of(attribute.value), wanted):
                self.value(attribute.value)
                self.add(error("E0304", f"`{attribute.name}` must be {TYPE_WORDS[wanted]} literal",
                               self._span_of(attribute.value), "wrong type"))
            elif bounds and not bounds[0] <= value <= bounds[1]:
                self.add(error("E0315", f"`{attribute.name}` must be between {bounds[0]} and {bounds[1]}",
                               self._span_of(attribute.value), "out of range"))

    # --- branches and cycles -------------------------------------------------------------
    def check_branches(self):
        p = self.program
        placed: Dict[str, tuple] = {}
        for step in p.pipeline.steps:
            for which in p.branches(step):
                attribute = step.attribute(which)
                if not attribute or not isinstance(attribute.value, ir.ListExpr):
                    continue
                for item in attribute.value.items:
                    if not isinstance(item, ir.Ref) or item.name not in p.steps:
                        continue
                    if item.name == step.name:
                        self.add(error("E0310", f"condition `{step.name}` names itself in `{which}`",
                                       item.name_span, "its own branch"))
                        continue
                    if item.name in placed:
                        other = placed[item.name]
                        self.add(error("E0309", f"`{item.name}` is in two branches: `{other[0]}.{other[1]}` "
                                       f"and `{step.name}.{which}`", item.name_span, "second branch",
                                       "a step sits in one branch only", notes=[(other[2], "first branch")]))
                        continue
                    placed[item.name] = (step.name, which, item.name_span)

    def check_cycles(self):
        """Every cycle of the step graph (`Program.before`), each reported once, found
        without recursion so that chains of thousands of steps are fine."""
        p = self.program
        before = p.before()
        order = {name: i for i, name in enumerate(p.steps)}
        state: Dict[str, int] = {}
        cycles = []
        for root in p.steps:
            if root in state:
                continue
            path: List[str] = []
            stack = [(root, iter(before.get(root, ())))]
            state[root] = 1
            path.append(root)
            while stack:
                name, edges = stack[-1]
                prev = next(edges, None)
                if prev is None:
                    stack.pop()
                    path.pop()
                    state[name] = 2
                    continue
                if state.get(prev) == 1:
                    cycles.append(path[path.index(prev):])
                elif prev not in state and prev in p.steps:
                    state[prev] = 1
                    path.append(prev)
                    stack.append((prev, iter(before.get(prev, ()))))
        seen = set()
        for cycle in cycles:
            key = frozenset(cycle)
            if key in seen:
                continue
            seen.add(key)
            # print the cycle in run order, starting at its first step in file order
            forward = list(reversed(cycle))
            start = min(range(len(forward)), key=lambda i: order[forward[i]])
            forward = forward[start:] + forward[:start]
            # reported once, where the cycle closes: where its first step names its last
            where = p.edge_span(forward[0], forward[-1]) or p.steps[forward[0]].name_span
            self.add(error("E0311", "steps depend on each other in a cycle: " + " -> ".join(forward + [forward[0]]),
                           where, "this closes the cycle",
                           "a cycle runs through depends_on, property references and condition branches"))


def check(program: Program) -> List[Diagnostic]:
    """Every problem of the program, in source order."""
    checker = Checker(program)
    checker.run()
    return checker.problems


def _within(inner: Span, outer: Span) -> bool:
    """Whether `inner` lies inside `outer` (same file)."""
    return inner.file == outer.file and (outer.line, outer.column) <= (inner.line, inner.column) \
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
