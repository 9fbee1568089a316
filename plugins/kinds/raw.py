"""`raw`: any step, written as given: `Type`, `Arguments`, the envelope as for every kind,
then the keys of `extra` (an escape hatch: `pipedsl import` uses it only for a step no kind
reproduces). References inside `arguments`/`extra` are checked and create dependencies as
anywhere; `NAME.…` properties are checked against the botocore shape `properties` names, and
not checked without it.

SDK code: a small `RawStep` class (a `Step` subclass) defined in the generated module."""
from __future__ import annotations

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind
from dsl.semantics.program import property_shapes

RAW_HELPERS = '''class _RawProperty(PipelineVariable):
    """A property of a raw step: any path below `Steps.NAME`."""

    def __init__(self, step_name, path):
        self._step_name = step_name
        self._path = path

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _RawProperty(self._step_name, f"{self._path}.{name}")

    def __getitem__(self, key):
        return _RawProperty(self._step_name, f"{self._path}[{key!r}]")

    @property
    def expr(self):
        return {"Get": self._path}

    @property
    def _referenced_steps(self):
        return [self._step_name]


class RawStep(Step):
    """A step written as given (the `raw` kind of pipedsl)."""

    def __init__(self, name, step_type, arguments, extra=None, depends_on=None, display_name=None,
                 description=None, retry_policies=None, cache_config=None):
        super().__init__(name=name, display_name=display_name, description=description, depends_on=depends_on)
        self._type = step_type
        self._arguments = arguments
        self._extra = extra or {}
        self.retry_policies = retry_policies or []
        self.cache_config = cache_config

    @property
    def arguments(self):
        return self._arguments

    @property
    def properties(self):
        return _RawProperty(self.name, f"Steps.{self.name}")

    def to_request(self):
        request = {"Name": self.name, "Type": self._type, "Arguments": self.arguments}
        if self.depends_on:
            request["DependsOn"] = list(self.depends_on)
        if self.display_name:
            request["DisplayName"] = self.display_name
        if self.description:
            request["Description"] = self.description
        if self.retry_policies:
            request["RetryPolicies"] = [policy.to_request() for policy in self.retry_policies]
        if self.cache_config:
            request.update(self.cache_config.config)
        request.update(self._extra)
        return request'''


class Raw(StepKind):
    name = "raw"
    type = "Raw"  # the real one is the step's `type`
    sdk_class = "RawStep"
    summary = "any step, written as given (escape hatch)"
    sdk_imports = {"sagemaker.workflow.steps": ("Step",), "sagemaker.workflow.entities": ("PipelineVariable",)}
    # its request is as given, whichever SDK: the escape hatch of what SDK v3 cannot write
    flavours = frozenset({"v2", "v3"})
    job_step = True  # it may be a job: every retry type is allowed
    property_root = ""  # it has properties: the shape named by `properties`, or any path
    verbatim = True  # its JSON may name itself (a raw condition holding its branch steps)
    any_property_file = True  # `json_get` may read any property file (they are in `extra`)
    fields = {
        "type": Field("string", required=True, doc="the step's JSON `Type`, e.g. \"Training\""),
        "arguments": Field("map", required=True, doc="the step's `Arguments`, written as given"),
        "extra": Field("map", doc="step keys after `CacheConfig` (PropertyFiles, FunctionArn, ...), in order"),
        "properties": Field("string", doc="botocore shape of the step's properties, e.g. "
                                          "\"DescribeTrainingJobResponse\" (checks `NAME.…` references)"),
    }

    def json_type(self, step, ctx) -> str:
        return ctx.literal(step.attribute("type").value)

    def check(self, step, ctx):
        kind = step.attribute("type")
        if kind is not None and ctx.type_of(kind.value) == "string" and not isinstance(ctx.literal(kind.value), str):
            yield error("E0304", "a raw step's `type` must be a literal string", kind.value.span, "not literal")
        shape = step.attribute("properties")
        if shape is not None:
            value = ctx.literal(shape.value)
            if value not in property_shapes():
                yield error("E0304", f"no botocore shape {value!r} is known to pipedsl", shape.value.span,
                            "unknown shape", did_you_mean(str(value), [k for k in property_shapes() if
                                                                        k.startswith("Describe")]))

    def property_problem(self, step, parts, ctx):
        shape = step.attribute("properties")
        value = ctx.literal(shape.value) if shape is not None else None
        if isinstance(value, str) and value in property_shapes():
            return ctx.walk_shape(value, parts)
        return None

    def json_arguments(self, step, ctx) -> dict:
        return ctx.value(step.attribute("arguments").value)

    def json_extras(self, step, ctx) -> dict:
        extra = step.attribute("extra")
        return ctx.value(extra.value) if extra is not None else {}

    def docs_details(self, step, ctx) -> list:
        return [f"Written as given (`raw`): type {ctx.code(ctx.text(step.attribute('type').value))}.", ""]

    def sdk_step(self, step, ctx) -> SdkStep:
        kwargs = [("step_type", ctx.attr(step, "type")), ("arguments", ctx.attr(step, "arguments"))]
        if step.attribute("extra") is not None:
            kwargs.append(("extra", ctx.attr(step, "extra")))
        return sdk_raw_step(ctx, kwargs)


def sdk_raw_step(ctx, kwargs) -> SdkStep:
    """A step of the module's `RawStep` class (defined in the module when first used), for any
    kind whose step the SDK's own classes cannot write."""
    ctx.imp("Step")
    ctx.imp("PipelineVariable")
    ctx.helpers["RawStep"] = RAW_HELPERS
    return SdkStep("RawStep", tuple(kwargs))


@hookimpl
def pipedsl_step_kinds():
    return [Raw()]
