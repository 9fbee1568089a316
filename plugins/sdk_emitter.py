"""The `sdk` emitter: one Python module that builds the same pipeline with SageMaker SDK v2.

This module owns the module's shape (docstring, imports, session, parameters, constants,
steps in an order where every name is defined before use, the `Pipeline`, the `__main__`
block) and the envelope of each step; each step kind writes its own constructor through
`StepKind.sdk_step`. Every string of the source reaches the code through `repr`, never
spliced, and every Python name is derived from a `.pipe` name through `Namer`.
"""
from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from typing import Any, Dict, List, Optional, Tuple

from dsl.api import PipeError
from dsl.diagnostics import error
from dsl.extension.emitters import Emitter
from dsl.extension.hookspecs import hookimpl
from dsl.semantics.functions import FUNCTIONS
from dsl.semantics.program import (
    EXECUTION_VARIABLES,
    EXPERIMENT_PROPERTIES,
    Comparison,
    Membership,
    Negation,
    Verbatim,
    cache_setting,
    call_args,
    interpolation_pieces,
)
from dsl.syntax import ir
from dsl.syntax.source import BIDI_CONTROLS

# What the module itself may import (module -> names); each step kind adds its own through
# `StepKind.sdk_imports`. All of them are reserved as Python names, so a `.pipe` name never
# shadows an import, used or not.
IMPORTS = {
    "boto3": ["Session"],
    "sagemaker": ["image_uris"],
    "sagemaker.workflow.conditions": [
        "ConditionEquals", "ConditionGreaterThan", "ConditionGreaterThanOrEqualTo", "ConditionIn",
        "ConditionLessThan", "ConditionLessThanOrEqualTo", "ConditionNot", "ConditionOr", "Condition"],
    "sagemaker.workflow.entities": ["PipelineVariable"],
    "sagemaker.workflow.execution_variables": ["ExecutionVariables"],
    "sagemaker.workflow.functions": ["Join", "JsonGet"],
    "sagemaker.workflow.parameters": ["ParameterBoolean", "ParameterFloat", "ParameterInteger",
                                      "ParameterString"],
    "sagemaker.workflow.pipeline": ["Pipeline"],
    "sagemaker.workflow.pipeline_definition_config": ["PipelineDefinitionConfig"],
    "sagemaker.workflow.pipeline_context": ["PipelineSession"],
    "sagemaker.workflow.pipeline_experiment_config": ["PipelineExperimentConfig",
                                                      "PipelineExperimentConfigProperties"],
    "sagemaker.workflow.retry": ["SageMakerJobExceptionTypeEnum", "SageMakerJobStepRetryPolicy",
                                 "StepExceptionTypeEnum", "StepRetryPolicy"],
    "sagemaker.workflow.steps": ["CacheConfig"],
    "sagemaker.workflow.triggers": ["PipelineSchedule"],
    "datetime": ["datetime"],
}


def import_table(kinds) -> dict:
    """name -> module, for the module's own imports and every registered kind's. A kind may
    import a name under another (`"TrainingCompilerConfig as PyTorchTrainingCompilerConfig"`,
    where modules share a class name): the table holds the name it is used by."""
    table = {name: module for module, names in IMPORTS.items() for name in names}
    for kind in kinds:
        for module, names in kind.sdk_imports.items():
            table.update({name.split(" as ")[-1]: module for name in names})
    return table


def import_aliases(kinds) -> dict:
    """used name -> `Name as used name`, for the names a kind imports under another."""
    return {name.split(" as ")[-1]: name for kind in kinds for names in kind.sdk_imports.values()
            for name in names if " as " in name}


FIXED_NAMES = ("pipeline", "pipeline_session", "sagemaker", "_merge_patch", "_patch_arguments", "RawStep",
               "SCHEDULES", "put_schedules", "_repack_lone_script",
               "_RawProperty", "_RawCondition")
PARAMETER_CLASSES = {"String": "ParameterString", "Integer": "ParameterInteger",
                     "Float": "ParameterFloat", "Boolean": "ParameterBoolean"}
# the SDK class of each service comparison (`dsl.semantics.program.Comparison.type`)
SDK_CONDITIONS = {"Equals": "ConditionEquals", "GreaterThan": "ConditionGreaterThan",
                  "GreaterThanOrEqualTo": "ConditionGreaterThanOrEqualTo", "LessThan": "ConditionLessThan",
                  "LessThanOrEqualTo": "ConditionLessThanOrEqualTo"}
RETRY_ENUMS = {
    "Step.SERVICE_FAULT": ("StepExceptionTypeEnum", "SERVICE_FAULT"),
    "Step.THROTTLING": ("StepExceptionTypeEnum", "THROTTLING"),
    "SageMaker.JOB_INTERNAL_ERROR": ("SageMakerJobExceptionTypeEnum", "INTERNAL_ERROR"),
    "SageMaker.CAPACITY_ERROR": ("SageMakerJobExceptionTypeEnum", "CAPACITY_ERROR"),
    "SageMaker.RESOURCE_LIMIT": ("SageMakerJobExceptionTypeEnum", "RESOURCE_LIMIT"),
}


def snake(name: str) -> str:
    """`InstanceCount` -> `instance_count`, `my-step` -> `my_step`."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    s = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", s)
    s = re.sub(r"[^0-9A-Za-z_]", "_", s).lower()
    s = re.sub(r"_+", "_", s).strip("_")
    return s or "value"


class Namer:
    """Unique Python names: never a keyword, a builtin, an import or another name."""

    def __init__(self, imports=()):
        self.taken = set(keyword.kwlist) | set(getattr(keyword, "softkwlist", [])) | set(dir(builtins))
        self.taken |= set(imports) | set(FIXED_NAMES)

    def fresh(self, base: str) -> str:
        if not base.isidentifier() or base[0].isdigit():
            base = "v_" + base
        name, n = base, 2
        while name in self.taken or keyword.iskeyword(name):
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name


# black obeys `fmt: off` / `fmt: skip` / `yapf: disable` anywhere in a comment (also after a
# second `#`): a doc comment must not switch formatting off in the generated module.
_FORMATTER_DIRECTIVE = re.compile(r"(?i)\b(fmt|yapf)(\s*:)")


def comment(text: Optional[str]) -> List[str]:
    """`# ...` lines for a doc comment; control characters (a CR would end the comment in
    Python's eyes) are shown escaped, never written raw, and formatter directives are
    defused (`fmt: off` is written `(fmt): off`)."""
    if not text:
        return []
    return ["# " + _FORMATTER_DIRECTIVE.sub(r"(\1)\2", _printable(line)) if line else "#"
            for line in text.split("\n")]


def _printable(text: str) -> str:
    """Control characters, and the bidirectional ones that reorder what a reader sees, as
    escapes (a tab stays)."""
    return "".join(ch if ch == "\t" or (unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS)
                   else ascii(ch)[1:-1] for ch in text)


# Module-level helpers the generated code uses only when the `.pipe` needs them.
PATCH_HELPERS = '''def _merge_patch(target, patch):
    """An RFC 7396 merge patch, as pipedsl applies `arguments_patch`: a dict merges key by key,
    None removes the key, anything else replaces it; new keys go last."""
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            result[key] = _merge_patch(result.get(key), value)
        else:
            result[key] = value
    return result


def _patch_arguments(step, patch):
    """`step` with `patch` applied to the request it writes (`arguments_patch` in the .pipe)."""
    inner = step.steps[-1] if hasattr(step, "steps") else step
    base = type(inner)
    computed = base.arguments.fget
    inner.__class__ = type(base.__name__, (base,), {"arguments": property(lambda self: _merge_patch(computed(self), patch))})
    return step'''


# the `schedule` members' put: `SCHEDULES` holds (PipelineSchedule, role or None) pairs
SCHEDULES_HELPER = '''def put_schedules(role_arn=None):
    """Create or update the pipeline's schedules (EventBridge Scheduler) as `pipedsl deploy`
    does, one put_triggers call per role; call it after pipeline.upsert()."""
    for role in dict.fromkeys(given for _, given in SCHEDULES):
        pipeline.put_triggers([s for s, given in SCHEDULES if given == role], role_arn=role or role_arn)'''

RAW_CONDITION_HELPER = '''class _RawCondition(Condition):
    """A condition written as JSON (`condition({...})` in the .pipe)."""

    def __init__(self, request):
        super().__init__()
        self._request = request

    def to_request(self):
        return self._request

    @property
    def _referenced_steps(self):
        found, todo = [], [self._request]
        while todo:
            value = todo.pop()
            if isinstance(value, PipelineVariable):
                found.extend(value._referenced_steps)
            elif isinstance(value, dict):
                todo.extend(value.values())
            elif isinstance(value, list):
                todo.extend(value)
        return found'''


def module_docstring(name: str, description: Optional[str], filename: str, sdk: int = 2) -> str:
    """What the module says it is: the pipeline's description (or a summary line), then that
    it is generated, from which file, by which pipedsl, and not to be edited."""
    from dsl import __version__

    first = description or f"The {name} pipeline, built with the SageMaker Python SDK v{sdk}."
    source = filename if filename and not filename.startswith("<") else "a .pipe file"
    emitter = "sdk3" if sdk == 3 else "sdk"
    return (f"{first}\n\nGenerated by pipedsl {__version__} from {source}.\n"
            f"Do not edit: change the .pipe file and generate this module again (pipedsl transpile --to {emitter}).")


def docstring(text: str) -> str:
    """A module docstring for `text`: triple-quoted when that is safe, else a `repr` literal."""
    safe = ('"""' not in text and "\\" not in text and not text.endswith('"')
            and all(unicodedata.category(ch) != "Cc" or ch in "\n\t" for ch in text))
    return f'"""{text}\n"""' if safe else repr(text)


class SdkContext:
    """Renders IR expressions as Python; handed to step kinds as `ctx`."""

    def __init__(self, program):
        self.program = program
        self.module_of = import_table(program.kinds.values())
        self.namer = Namer(self.module_of)
        self.used: Dict[str, str] = {}  # imported name -> module
        self.params = {p.name: self.namer.fresh(snake(p.name)) for p in program.pipeline.params}
        self.lets: Dict[str, str] = {}
        self.steps = {s.name: self.namer.fresh("step_" + snake(s.name)) for s in program.pipeline.steps}
        self.property_files: Dict[Tuple[str, str], str] = {}
        self.session: Optional[str] = None
        # (condition, branch step) pairs attached after the condition: the branch step reads
        # the condition's own properties, so it cannot be defined first
        self.deferred: set = set()
        self.appended: List[str] = []
        self.helpers: Dict[str, str] = {}  # module-level helper code the steps use
        self.step_objects: Dict[Tuple[str, str], str] = {}  # (step, role) -> its variable (`var_for`)
        self.user_imports: Dict[Tuple[str, str], str] = {}  # (module, name) -> the name used here

    # --- names ------------------------------------------------------------------------
    def imp(self, name: str) -> str:
        """Use an SDK name: records its import and returns it."""
        self.used[name] = self.module_of[name]
        return name

    def fresh(self, base: str) -> str:
        return self.namer.fresh(base)

    def import_from(self, module: str, name: str) -> str:
        """Use a name of the user's own code (`from pipeline_steps.evaluate import evaluate`):
        records the import and returns the name it is used by here (`evaluate_2` when the
        module already uses `evaluate` for something else)."""
        key = (module, name)
        if key not in self.user_imports:
            self.user_imports[key] = self.fresh(name)
        return self.user_imports[key]

    def var_for(self, step_name: str, role: str) -> str:
        """The variable of something a step needs, e.g. `train_estimator` (and `create_model`,
        not `create_model_model`, for a step called CreateModel): fresh the first time, the same
        after (a legacy RegisterModel names the estimator of the training step it registers)."""
        key = (step_name, role)
        if key not in self.step_objects:
            base = snake(step_name)
            self.step_objects[key] = self.fresh(base if base == role or base.endswith("_" + role) else f"{base}_{role}")
        return self.step_objects[key]

    @staticmethod
    def call_args(pairs) -> str:
        """`k=v, ...` for the pairs whose value is set (not None)."""
        return ", ".join(f"{k}={v}" for k, v in pairs if v is not None)

    def step_var(self, step_name: str) -> str:
        return self.steps[step_name]

    def branch(self, condition: ir.Step, which: str) -> str:
        """The `if_steps`/`else_steps` list of a condition step."""
        steps = self.program.branch_steps(condition, which)
        for step in steps:
            if (condition.name, step.name) in self.deferred:
                self.appended.append(f"{self.steps[condition.name]}.{which}.append({self.steps[step.name]})")
        return "[" + ", ".join(self.steps[s.name] for s in steps
                               if (condition.name, s.name) not in self.deferred) + "]"

    def property_file_var(self, step_name: str, file_name: str) -> str:
        key = (step_name, file_name)
        if key not in self.property_files:
            self.property_files[key] = self.fresh(snake(file_name))
        return self.property_files[key]

    # --- values -----------------------------------------------------------------------
    def attr(self, step: ir.Step, name: str) -> Optional[str]:
        attribute = step.attribute(name)
        return self.py(attribute.value) if attribute else None

    def py(self, expr) -> str:
        """Python source for an expression."""
        if isinstance(expr, ir.Literal):
            return repr(expr.value)
        if isinstance(expr, ir.ListExpr):
            return "[" + ", ".join(self.py(i) for i in expr.items) + "]"
        if isinstance(expr, ir.MapExpr):
            return "{" + ", ".join(f"{e.key!r}: {self.py(e.value)}" for e in expr.entries) + "}"
        if isinstance(expr, ir.Interpolation):
            pieces = interpolation_pieces(self.program, expr)
            if all(isinstance(p, str) for p in pieces):
                return repr("".join(pieces))
            values = ", ".join(repr(p) if isinstance(p, str) else self.py(p) for p in pieces)
            return f'{self.imp("Join")}(on="", values=[{values}])'
        if isinstance(expr, ir.Call):
            return self.call(expr)
        return self.ref(expr)

    def ref(self, ref: ir.Ref) -> str:
        p = self.program
        if ref.name in p.params:
            return self.params[ref.name]
        if ref.name in p.lets:
            if ref.name in self.lets:
                return self.lets[ref.name]
            return self.py(p.lets[ref.name].value)  # a let that reads a step: written in place
        if ref.name == "Execution":
            return f"{self.imp('ExecutionVariables')}.{EXECUTION_VARIABLES[getattr(ref.parts[0], 'name', '')]}"
        if ref.name == "PipelineExperimentConfig":
            return f"{self.imp('PipelineExperimentConfigProperties')}.{EXPERIMENT_PROPERTIES[getattr(ref.parts[0], 'name', '')]}"
        step = p.steps[ref.name]
        return p.kind_of(step).sdk_property(self.step_var(ref.name), ref.parts, self)

    def call(self, call: ir.Call) -> str:
        return FUNCTIONS[call.name].python(call_args(call), call, self)

    def condition(self, cond) -> str:
        """SDK code of a condition lowered by `dsl.semantics.program.lower`."""
        if isinstance(cond, Comparison):
            cls = self.imp(SDK_CONDITIONS[cond.type])
            return f"{cls}(left={self.py(cond.left)}, right={self.py(cond.right)})"
        if isinstance(cond, Membership):
            return f"{self.imp('ConditionIn')}(value={self.py(cond.value)}, in_values={self.py(cond.values)})"
        if isinstance(cond, Negation):
            return self.negate(self.condition(cond.condition))
        if isinstance(cond, Verbatim):
            self.imp("Condition")
            self.imp("PipelineVariable")
            self.helpers["_RawCondition"] = RAW_CONDITION_HELPER
            return f"_RawCondition({self.py(cond.value)})"
        return f"{self.imp('ConditionOr')}(conditions=[{', '.join(self.condition(c) for c in cond.conditions)}])"

    def retry_policies(self, step: ir.Step) -> str:
        """The SDK code of a step's `retry` blocks: a list of retry policies."""
        return "[" + ", ".join(self.retry(r) for r in step.retries) + "]"

    def retry(self, retry: ir.Retry) -> str:
        enums = [RETRY_ENUMS[e.name] for e in retry.exception_types]
        job = enums and enums[0][0] == "SageMakerJobExceptionTypeEnum"
        cls = self.imp("SageMakerJobStepRetryPolicy" if job else "StepRetryPolicy")
        types = ", ".join(f"{self.imp(enum)}.{member}" for enum, member in enums)
        args = [f"exception_types=[{types}]"]
        names = {"backoff_rate": "backoff_rate", "interval_seconds": "interval_seconds",
                 "max_attempts": "max_attempts", "expire_after_min": "expire_after_mins"}
        for attribute in retry.attributes:
            args.append(f"{names[attribute.name]}={self.program.literal(attribute.value)!r}")
        return f"{cls}({', '.join(args)})"

    def negate(self, code: str) -> str:
        return f"{self.imp('ConditionNot')}(expression={code})"


def _names_in(expr, into: set):
    """Every name an expression or condition mentions (lets, steps, parameters)."""
    into.update(node.name for node in ir.walk(expr) if isinstance(node, ir.Ref))
    return into


def _step_mentions(program, step: ir.Step) -> set:
    """Steps whose Python variable the code of `step` uses: what it reads (through lets too)
    and its `depends_on`; branch lists are ordered separately."""
    steps = set(program.reads(step)) | set(program.depends_on(step))
    steps.discard(step.name)
    return steps


class ModuleWriter:
    """Writes the module: one method per part, in the order they appear."""

    def __init__(self, program):
        self.program = program
        self.ctx = SdkContext(program)

    def emit(self) -> str:
        p = self.program
        ctx = self.ctx
        # job steps and models need the PipelineSession (a Model without one cannot register)
        has_jobs = any(p.kind_of(s).job_step or getattr(p.kind_of(s), "sdk_session", False) for s in p.pipeline.steps)
        body: List[str] = []
        config = self.session_config()
        if p.default_bucket is not None or has_jobs or p.region is not None:
            ctx.session = "pipeline_session"
            args = []
            if p.region is not None:  # the region the SDK's framework classes pick images in
                args.append(f"boto_session={ctx.imp('Session')}(region_name={p.region!r})")
            if p.default_bucket is not None:
                args.append(f"default_bucket={p.default_bucket!r}")
            if config:
                args.append(f"sagemaker_config={config!r}")
            body += [f"pipeline_session = {ctx.imp('PipelineSession')}({', '.join(args)})", ""]
        body += self.parameters()
        body += self.constants()
        for step in self.step_order():
            body += self.step(step)
        body += self.ctx.appended + ([""] if self.ctx.appended else [])
        foot = self.pipeline() + ["", 'if __name__ == "__main__":', "    print(pipeline.definition())"]
        head = []
        description = p.description
        head.append(docstring(module_docstring(p.name, description, p.file.filename, p.sdk)))
        head.append("")
        head += self.imports()
        for helper in self.ctx.helpers.values():
            head += ["", "", helper]
        # black, here and not at the top: loading the plugin must stay cheap for other emitters
        from .sdk_format import format_module

        # black puts two blank lines after a function at module level
        return format_module(head, (["", ""] if self.ctx.helpers else [""]) + body, foot)

    def session_config(self) -> dict:
        """The SageMaker config the kinds ask the session for (a nested dict, merged)."""
        by_kind: Dict[str, list] = {}
        for step in self.program.pipeline.steps:
            by_kind.setdefault(self.program.kind_of(step).name, []).append(step)
        config: dict = {}
        for name, steps in by_kind.items():
            _merge(config, self.program.kinds[name].sdk_session_config(steps, self.ctx))
        return {"SchemaVersion": "1.0", **config} if config else {}

    def imports(self) -> List[str]:
        by_module: Dict[str, List[str]] = {}
        aliases = import_aliases(self.program.kinds.values())
        for name, module in self.ctx.used.items():
            if self.program.sdk == 3:  # (v3 moved the modules: the names are the same)
                from dsl.semantics.sdk_flavours import v3_module

                module = v3_module(module, name) or module
            by_module.setdefault(module, []).append(aliases.get(name, name))
        lines = [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(by_module.items())]
        if self.ctx.user_imports:  # the user's functions, after the SDK's (isort's first-party section)
            lines.append("")
            lines += [f"from {module} import {name}" + (f" as {used}" if used != name else "")
                      for (module, name), used in sorted(self.ctx.user_imports.items())]
        return lines

    def parameters(self) -> List[str]:
        out = []
        for param in self.program.pipeline.params:
            args = [f"name={param.name!r}"]
            if param.default is not None:
                value = self.program.literal(param.default)
                if param.type == "Float" and not isinstance(value, bool):
                    value = float(value)
                args.append(f"default_value={value!r}")
            if param.enum is not None:
                args.append(f"enum_values={self.program.literal(param.enum)!r}")
            out += comment(param.doc)
            out.append(f"{self.ctx.params[param.name]} = {self.ctx.imp(PARAMETER_CLASSES[param.type])}({', '.join(args)})")
        return out + [""] if out else out

    def constants(self) -> List[str]:
        """Lets as module-level constants, each after the lets it uses. Lets that read a step
        property are written where they are used, since the step must exist first."""
        p = self.program
        out, done = [], set()
        lets = [let for let in p.file.lets + p.pipeline.lets
                if p.lets.get(let.name) is let and not p.steps_read_by_let(let.name)]

        def write(let):
            done.add(let.name)
            value = self.ctx.py(let.value)
            self.ctx.lets[let.name] = self.ctx.fresh(snake(let.name).upper())
            out.extend(comment(let.doc))
            out.append(f"{self.ctx.lets[let.name]} = {value}")

        # each let after the lets it uses: a depth-first order kept on an explicit stack
        wanted = {id(let) for let in lets}
        for first in lets:
            stack, entered = [(first, False)], set()
            while stack:
                let, ready = stack.pop()
                if let.name in done:
                    continue
                if ready:
                    write(let)
                    continue
                if let.name in entered:
                    continue
                entered.add(let.name)
                stack.append((let, True))
                uses = [p.lets[name] for name in sorted(_names_in(let.value, set()))
                        if name in p.lets and id(p.lets[name]) in wanted]
                stack.extend((used, False) for used in reversed(uses))
        return out + [""] if out else out

    def step_order(self) -> List[ir.Step]:
        """Declaration order, moved only as far as needed for each step's variable to exist
        before it is used. A branch step that reads its own condition's properties is attached
        to the condition afterwards (`if_steps.append`)."""
        p = self.program
        steps = list(p.pipeline.steps)
        hard = {s.name: _step_mentions(p, s) for s in steps}
        soft: Dict[str, set] = {s.name: set() for s in steps}
        for name, (condition, _) in p.branch_of.items():
            soft[condition].add(name)
        self.deferred = self.ctx.deferred
        order: list = []
        placed: set = set()
        while len(order) < len(steps):
            for step in steps:
                if step.name in placed:
                    continue
                needs = hard[step.name] | {b for b in soft[step.name] if (step.name, b) not in self.deferred}
                if needs <= placed:
                    order.append(step)
                    placed.add(step.name)
                    break
            else:
                # only branch edges can be stuck: defer one branch of the first stuck condition
                stuck = [s for s in steps if s.name not in placed
                         and {b for b in soft[s.name] - placed if (s.name, b) not in self.deferred}]
                if not stuck:  # a cycle the checks should have reported
                    raise RuntimeError("steps cannot be ordered: " + ", ".join(
                        s.name for s in steps if s.name not in placed))
                step = stuck[0]
                waiting = {b for b in soft[step.name] - placed if (step.name, b) not in self.deferred}
                self.deferred.add((step.name, min(waiting, key=[s.name for s in steps].index)))
        return order

    def step_ref(self, name: str) -> str:
        """A step where the SDK takes steps (`steps=`, `depends_on=`): its variable, or with SDK
        v3 a step collection's steps (v3's pipeline compiler refuses a StepCollection)."""
        step = self.program.steps.get(name)
        kind = self.program.kind_of(step) if step is not None else None
        if self.program.flavour == "v3" and kind is not None and kind.sdk_step_collection:
            return f"*{self.ctx.step_var(name)}.steps"
        return self.ctx.step_var(name)

    def envelope(self, step: ir.Step, kind) -> List[Tuple[str, str]]:
        ctx, p = self.ctx, self.program
        out: List[Tuple[str, Any]] = []
        depends = step.attribute("depends_on")
        items = depends.value.items if depends is not None and isinstance(depends.value, ir.ListExpr) else ()
        if items:
            out.append(("depends_on", "[" + ", ".join(self.step_ref(getattr(i, "name", "")) for i in items) + "]"))
        for name in ("display_name", "description"):
            if step.attribute(name) is not None:
                out.append((name, ctx.attr(step, name)))
        cache = step.attribute("cache")
        if cache is not None:
            enabled, expire_after = cache_setting(p, cache.value)
            pairs = [("enable_caching", repr(enabled)), ("expire_after", repr(expire_after) if expire_after else None)]
            out.append(("cache_config", f"{ctx.imp('CacheConfig')}({ctx.call_args(pairs)})"))
        if step.retries:
            out.append(("retry_policies", ctx.retry_policies(step)))
        return out

    def step(self, step: ir.Step) -> List[str]:
        p, ctx = self.program, self.ctx
        kind = p.kind_of(step)
        try:
            written = kind.sdk_step(step, ctx)
        except NotImplementedError:
            raise PipeError([error("E0403", f"the `sdk` emitter cannot write a `{kind.name}` step",
                                   step.kind_span, "no SDK code for this kind",
                                   "the kind's plugin does not implement `sdk_step`")],
                            "", p.file.filename) from None
        args = list(written.leading) + [f"name={step.name!r}"] + [
            f"{k}={v}" for k, v in list(written.kwargs) + self.envelope(step, kind)
            if k not in written.envelope_written]
        lines = comment(step.doc) + list(written.before)
        cls = written.cls if written.cls in ctx.helpers else ctx.imp(written.cls)  # a class the module defines
        applied = "" if written.applied is None else f"({written.applied})"
        lines.append(f"{ctx.step_var(step.name)} = {cls}({', '.join(args)}){applied}")
        lines += list(written.after)
        patch = step.attribute("arguments_patch")
        if patch is not None:
            ctx.helpers["_patch_arguments"] = PATCH_HELPERS
            var = ctx.step_var(step.name)
            lines.append(f"{var} = _patch_arguments({var}, {ctx.py(patch.value)})")
        return lines + [""]

    def pipeline(self) -> List[str]:
        p, ctx = self.program, self.ctx
        args = [f"name={p.name!r}"]
        if p.pipeline.params:
            args.append("parameters=[" + ", ".join(ctx.params[x.name] for x in p.pipeline.params) + "]")
        exp = p.pipeline.experiment
        if exp is not None:
            if exp.none:
                args.append("pipeline_experiment_config=None")
            else:
                settings = {a.name: a.value for a in exp.attributes}
                name = (ctx.py(settings["name"]) if "name" in settings
                        else f"{ctx.imp('ExecutionVariables')}.PIPELINE_NAME")
                trial = (ctx.py(settings["trial"]) if "trial" in settings
                         else f"{ctx.imp('ExecutionVariables')}.PIPELINE_EXECUTION_ID")
                args.append(f"pipeline_experiment_config={ctx.imp('PipelineExperimentConfig')}({name}, {trial})")
            if exp.doc:  # a comment line inside the call, right above the argument it documents
                args[-1] = "\n".join(comment(exp.doc)) + "\n" + args[-1]
        args.append("steps=[" + ", ".join(self.step_ref(s.name) for s in p.top_level_steps()) + "]")
        if p.use_custom_job_prefix:
            args.append(f"pipeline_definition_config={ctx.imp('PipelineDefinitionConfig')}(use_custom_job_prefix=True)")
        if ctx.session:
            args.append(f"sagemaker_session={ctx.session}")
        lines = comment(p.pipeline.doc)
        lines.append(f"pipeline = {ctx.imp('Pipeline')}(\n" + ",\n".join(args) + ",\n)")
        return lines + self.schedules()

    def schedules(self) -> List[str]:
        """`SCHEDULES`: the `schedule` members as the SDK's PipelineSchedule triggers, each with
        the role it is put with (None: `put_schedules(role_arn)`'s), and the `put_schedules`
        helper that puts them (`Pipeline.put_triggers`), for after an upsert."""
        from dsl.semantics.schedules import resolved

        found = resolved(self.program)
        if not found:
            return []
        ctx = self.ctx
        ctx.helpers["put_schedules"] = SCHEDULES_HELPER
        items = []
        for schedule in found:
            pairs = [("name", repr(schedule.name))]
            if schedule.cron is not None:
                pairs.append(("cron", repr(schedule.cron)))
            elif schedule.rate is not None:
                pairs.append(("rate", repr(schedule.rate)))
            elif schedule.at is not None:
                pairs.append(("at", self.when(schedule.at)))
            if not schedule.enabled:
                pairs.append(("enabled", "False"))
            if schedule.start_date is not None:
                pairs.append(("start_date", self.when(schedule.start_date)))
            role = schedule.role or self.program.role
            items.append(f"({ctx.imp('PipelineSchedule')}({ctx.call_args(pairs)}), {role!r})")
        return ["", "SCHEDULES = [" + ", ".join(items) + "]"]

    def when(self, moment) -> str:
        """A naive UTC datetime as code (the SDK takes one without a zone as UTC)."""
        parts = [moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second]
        while len(parts) > 3 and parts[-1] == 0:
            parts.pop()
        return f"{self.ctx.imp('datetime')}({', '.join(map(str, parts))})"


def _merge(into: dict, more: dict) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def emit(program, options) -> str:
    return ModuleWriter(program).emit()


def emit_v3(program, options) -> str:
    """The v3 program: the same statements, v3's modules (`sagemaker.core.workflow`,
    `sagemaker.mlops.workflow`); the program is analysed for SDK v3 (`transpile --to sdk3`
    implies `--sdk 3`), so a kind without a v3 layout was refused by the checks."""
    if program.sdk != 3:  # (`sdk = 2` or `--sdk 2` with `--to sdk3`: which one is meant is unclear)
        raise ValueError("`--to sdk3` writes the SDK v3 program: it needs `--sdk 3` (or no `--sdk`)")
    return ModuleWriter(program).emit()


@hookimpl
def pipedsl_emitters():
    return [Emitter("sdk", "a Python module that builds the pipeline with the SageMaker SDK v2 (black-formatted)", emit),
            Emitter("sdk3", "a Python module that builds the pipeline with the SageMaker SDK v3 (black-formatted)",
                    emit_v3)]
