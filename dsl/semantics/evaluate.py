"""The evaluation layer: IR values lowered to definition JSON against a resolved program
(parameters to `{"Get": "Parameters.X"}`, step properties to `Steps.…` paths, `join` to
`Std:Join`, conditions to their JSON, lets and transpile-time values folded in).

It is the core's: the `json` emitter writes the definition with it, step kinds receive it as
`ctx` in `json_arguments`, and `deploy` and the docs emitter read facts through it. (SDK code
and docs still lower values in their emitters; see docs/ARCHITECTURE.md.)
"""
from __future__ import annotations

from typing import List

from dsl.semantics.functions import FUNCTIONS
from dsl.semantics.program import (
    NOT_LITERAL,
    Comparison,
    Membership,
    Negation,
    Verbatim,
    cache_setting,
    call_args,
    interpolation_pieces,
    property_path,
)
from dsl.syntax import ir


class JsonContext:
    """Lowers IR expressions to definition JSON; handed to step kinds as `ctx`."""

    def __init__(self, program):
        self.program = program

    def literal(self, expr, default=None):
        return self.program.literal(expr, default)

    def attr(self, step, name, default=None):
        """The JSON value of a step attribute, or `default` when it is not set."""
        attribute = step.attribute(name)
        return self.value(attribute.value) if attribute else default

    def value(self, expr):
        p = self.program
        expr = p.follow(expr)
        if isinstance(expr, ir.Literal):
            return expr.value
        if isinstance(expr, ir.ListExpr):
            return [self.value(item) for item in expr.items]
        if isinstance(expr, ir.MapExpr):
            return {entry.key: self.value(entry.value) for entry in expr.entries}
        if isinstance(expr, ir.Interpolation):
            pieces = interpolation_pieces(p, expr)
            if all(isinstance(piece, str) for piece in pieces):
                return "".join(pieces)
            return self.join("", [piece if isinstance(piece, str) else self.value(piece) for piece in pieces])
        if isinstance(expr, ir.Call):
            return self.call(expr)
        if isinstance(expr, ir.Ref):
            return self.ref(expr)
        raise TypeError(f"not an expression: {expr!r}")

    @staticmethod
    def join(on, values):
        return {"Std:Join": {"On": on, "Values": values}}

    def ref(self, ref: ir.Ref):
        p = self.program
        if ref.name in p.params:
            return {"Get": f"Parameters.{ref.name}"}
        if ref.name in ("Execution", "PipelineExperimentConfig"):
            return {"Get": f"{ref.name}.{getattr(ref.parts[0], 'name', '')}"}
        step = p.steps[ref.name]
        special = p.kind_of(step).json_property(step, ref.parts, self)
        if special is not None:
            return special
        return {"Get": f"Steps.{p.json_name(ref.name)}{property_path(ref.parts)}"}

    def call(self, call: ir.Call):
        return FUNCTIONS[call.name].json(call_args(call), call, self)

    def to_string(self, expr):
        """What the SDK's `to_string()` makes of a value: `str()` of a literal; String
        parameters, execution variables and joins as they are; any other expression wrapped
        in `Join(on="", values=[x])`."""
        target = self.program.follow(expr)
        if isinstance(target, ir.Ref) and target.name in self.program.params:
            if self.program.params[target.name].type == "String":
                return self.value(target)
            return self.join("", [self.value(target)])
        if isinstance(target, ir.Ref) and target.name == "Execution":
            return self.value(target)
        if isinstance(target, ir.Ref) or (isinstance(target, ir.Call) and target.name == "json_get"):
            return self.join("", [self.value(target)])
        if isinstance(target, (ir.Call, ir.Interpolation)):
            return self.value(target)
        literal = self.literal(target, NOT_LITERAL)
        if literal is NOT_LITERAL:
            return self.value(target)
        return str(literal)  # what str() makes of the Python value: "True", "1e-05", "None"

    def condition(self, cond):
        """JSON of a condition lowered by `dsl.semantics.program.lower` (the one lowering of `!=`,
        `not in` and nested `and`)."""
        if isinstance(cond, Comparison):
            return {"Type": cond.type, "LeftValue": self.value(cond.left), "RightValue": self.value(cond.right)}
        if isinstance(cond, Membership):
            return {"Type": "In", "QueryValue": self.value(cond.value), "Values": self.value(cond.values)}
        if isinstance(cond, Negation):
            return {"Type": "Not", "Condition": self.condition(cond.condition)}
        if isinstance(cond, Verbatim):
            return self.value(cond.value)
        return {"Type": "Or", "Conditions": [self.condition(c) for c in cond.conditions]}

    def step(self, step: ir.Step, depends: bool = True) -> dict:
        """One step object: the envelope in the SDK's key order around the kind's parts
        (`depends` False: its `depends_on` went on the steps its kind puts before it)."""
        p = self.program
        kind = p.kind_of(step)
        arguments = kind.json_arguments(step, self)
        patch = step.attribute("arguments_patch")
        if patch is not None:
            arguments = self.merge_patch(arguments, self.program.follow(patch.value))
        out = {"Name": kind.json_name_of(step, self.program.flavour), "Type": kind.json_type(step, self), "Arguments": arguments}
        depends_on = self.depends_on(step) if depends else []
        read = self.read_dependencies(kind, arguments)
        if read:
            first, then = (read, depends_on) if kind.reads_before_depends_on else (depends_on, read)
            depends_on = list(dict.fromkeys(first + then))
        if depends_on:
            out["DependsOn"] = depends_on
        for key, name in (("DisplayName", "display_name"), ("Description", "description")):
            value = self.attr(step, name)
            if value is None:
                value = kind.envelope_default(name, step, self)
            if value:
                out[key] = value
        if step.retries:
            out["RetryPolicies"] = [self.retry(r) for r in step.retries]
        cache = step.attribute("cache")
        if cache is not None:
            enabled, expire_after = cache_setting(self.program, cache.value)
            out["CacheConfig"] = {"Enabled": enabled, **({"ExpireAfter": expire_after} if expire_after is not None else {})}
        out.update(kind.json_extras(step, self))
        return out

    def read_dependencies(self, kind, arguments) -> list:
        """The steps of kinds that `read_means_depends_on` whose properties `arguments` read,
        in the order a walk of the request meets them (as the SDK's compiler walks it); a
        branch's steps are their own readers."""
        p = self.program
        wanted = self.__dict__.get("_read_dependable")
        if wanted is None:  # (once per definition: a 10,000-step pipeline asks for each step)
            wanted = self._read_dependable = {
                p.json_name(s.name): s.name for s in p.pipeline.steps
                if p.steps.get(s.name) is s and p.kind_of(s) is not None and p.kind_of(s).read_means_depends_on}
        if not wanted:
            return []
        found: List[str] = []
        stack = [value for key, value in reversed(list(arguments.items())) if key not in kind.json_branches]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                got = value.get("Get")
                if isinstance(got, str) and got.startswith("Steps.") and len(value) == 1:
                    name = wanted.get(got[len("Steps."):].split(".", 1)[0].split("[", 1)[0])
                    if name is not None and name not in found:
                        found.append(p.json_name(name))
                stack.extend(reversed(list(value.values())))
            elif isinstance(value, list):
                stack.extend(reversed(value))
        return found

    def depends_on(self, step: ir.Step) -> list:
        """The definition names `depends_on` lists (all of a step collection's), or []."""
        depends = step.attribute("depends_on")
        out: List[str] = []
        items = depends.value.items if depends is not None and isinstance(depends.value, ir.ListExpr) else ()
        for item in items:
            if not isinstance(item, ir.Ref):  # (the checks allow only step names here)
                continue
            target = self.program.steps.get(item.name)
            kind = self.program.kind_of(target) if target else None
            out += kind.json_names(target, self.program) if kind else [item.name]
        return out

    def steps(self, step: ir.Step) -> list:
        """The step's objects in the definition: any its kind puts before it (they carry the
        step's `depends_on`, as a step collection's first steps do), then its own."""
        kind = self.program.kind_of(step)
        whole = kind.json_steps(step, self)
        if whole is not None:
            return list(whole)
        before = list(kind.json_steps_before(step, self))
        # (steps the SDK finds through this one's arguments: written after every listed step)
        self.__dict__.setdefault("_found", []).extend(kind.json_steps_found(step, self))
        return before + [self.step(step, depends=not before)]

    def merge_patch(self, target, patch: ir.MapExpr):
        """RFC 7396 over the computed JSON: a map merges key by key (recursively), `null`
        removes the key, anything else (a string, a list, a reference...) replaces it. A key
        already present keeps its place; a new key goes last, in the order written."""
        result = dict(target) if isinstance(target, dict) else {}
        for entry in patch.entries:
            value = self.program.follow(entry.value)
            if isinstance(value, ir.Literal) and value.value is None:
                result.pop(entry.key, None)
            elif isinstance(value, ir.MapExpr):
                result[entry.key] = self.merge_patch(result.get(entry.key), value)
            else:
                result[entry.key] = self.value(value)
        return result

    def retry(self, retry: ir.Retry) -> dict:
        fields = {a.name: self.literal(a.value) for a in retry.attributes}
        out = {"BackoffRate": fields.get("backoff_rate", 2.0),
               "IntervalSeconds": fields.get("interval_seconds", 1)}
        if fields.get("max_attempts") is not None:
            out["MaxAttempts"] = fields["max_attempts"]
        if fields.get("expire_after_min"):  # the SDK leaves out 0
            out["ExpireAfterMin"] = fields["expire_after_min"]
        out["ExceptionType"] = [e.name for e in retry.exception_types]
        return out

    def parameter(self, param: ir.Param) -> dict:
        out = {"Name": param.name, "Type": param.type}
        if param.default is not None:
            default = self.literal(param.default)
            if param.type == "Float" and not isinstance(default, bool):
                default = float(default)  # `Float = 1` is written 1.0
            if default is not None:
                out["DefaultValue"] = default
        if param.enum is not None:
            values = self.literal(param.enum)
            if values:
                out["EnumValues"] = values
        return out

    def experiment(self):
        from dsl.semantics.sdk_flavours import default_experiment_written

        exp = self.program.pipeline.experiment
        if exp is not None and exp.none:
            return None
        if exp is None and not default_experiment_written(self.program.sdk, self.program.region):
            return None  # (dsl.semantics.sdk_flavours: what the pinned SDK does by region)
        settings = {a.name: a.value for a in exp.attributes} if exp else {}
        name = settings.get("name")
        trial = settings.get("trial")
        return {
            "ExperimentName": self.value(name) if name is not None else {"Get": "Execution.PipelineName"},
            "TrialName": self.value(trial) if trial is not None else {"Get": "Execution.PipelineExecutionId"},
        }

    def definition(self) -> dict:
        p = self.program
        out = {
            "Version": "2020-12-01",
            "Metadata": {},
            "Parameters": [self.parameter(param) for param in p.pipeline.params],
            "PipelineExperimentConfig": self.experiment(),
        }
        if p.sdk == 3:
            out["MlflowConfig"] = None  # (v3's Pipeline writes it; pipedsl has no MLflow setting yet)
        self._found: list = []
        out["Steps"] = [written for step in p.top_level_steps() for written in self.steps(step)]
        out["Steps"] += self._found  # (SDK v3's compiler builds them last, in the order it finds them)
        return out
