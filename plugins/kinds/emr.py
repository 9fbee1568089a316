"""`emr`: `EMRStep`, Type `EMR`: a Hadoop jar step on an existing cluster (`cluster_id`) or on
a cluster the step creates (`cluster_config`)."""
from __future__ import annotations

from dsl.diagnostics import error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind
from dsl.extension.layout import Slot
from dsl.syntax import ir

STEP_CONFIG_FIELDS = {
    "jar": Field("string", required=True, doc="S3 path of the jar", json="StepConfig.HadoopJarStep.Jar"),
    "args": Field("list", doc="the jar's arguments", json="StepConfig.HadoopJarStep.Args"),
    "main_class": Field("string", doc="the jar's main class", json="StepConfig.HadoopJarStep.MainClass"),
    "properties": Field("list", items="map", doc="[{ Key: ..., Value: ... }]", json="StepConfig.HadoopJarStep.Properties"),
}
LITERAL_PROPERTIES = {"cluster_id": "ClusterId", "execution_role_arn": "ExecutionRoleArn",
                      "cluster_config": "ClusterConfig"}


def _block(step: ir.Step):
    return next((b for b in step.blocks if b.name == "step_config"), None)


class Emr(StepKind):
    name = "emr"
    # SDK v3 writes the same request (oracle: examples/v3, and the v3 parity cases)
    flavours = frozenset({"v2", "v3"})
    type = "EMR"
    sdk_class = "EMRStep"
    summary = "runs a Hadoop jar step on an Amazon EMR cluster"
    sdk_imports = {"sagemaker.workflow.emr_step": ("EMRStep", "EMRStepConfig")}
    property_root = "emr:Step"
    members = frozenset({"block:step_config"})
    member_fields = {"block:step_config": STEP_CONFIG_FIELDS}
    fields = {
        "cluster_id": Field("string", doc="an existing cluster (exclusive with cluster_config)", json="ClusterId"),
        "cluster_config": Field("map", doc="RunJobFlow settings of a cluster to create", json="ClusterConfig"),
        "execution_role_arn": Field("string", doc="runtime role; only with cluster_id", json="ExecutionRoleArn"),
    }

    def check(self, step, ctx):
        if ctx.program.sdk == 3 and step.retries:
            yield error("E0320", "SDK v3's EMRStep takes no retry policies", step.retries[0].span,
                        "not with SDK v3", "leave `retry` out, or transpile with `--sdk 2`")
        cluster_id, config = step.attribute("cluster_id"), step.attribute("cluster_config")
        role = step.attribute("execution_role_arn")
        if cluster_id is None and config is None:
            yield error("E0303", f"emr step `{step.name}` needs `cluster_id` or `cluster_config`",
                        step.name_span, "no cluster")
        if cluster_id is not None and config is not None:
            yield error("E0304", "`cluster_id` and `cluster_config` exclude each other", config.name_span,
                        "give one of them")
        if role is not None and cluster_id is None:
            yield error("E0304", "`execution_role_arn` goes with `cluster_id` (the SDK rejects it with "
                        "`cluster_config`)", role.name_span, "no `cluster_id`")
        block = _block(step)
        if block is None:
            yield error("E0303", f"emr step `{step.name}` needs `step_config {{ jar = ... }}`", step.name_span,
                        "no step_config")
        else:
            ctx.attributes(block.attributes, STEP_CONFIG_FIELDS, "`step_config`", owner_span=block.name_span)
        if config is not None:
            yield from self.check_cluster_config(config, ctx)

    @staticmethod
    def check_cluster_config(attribute, ctx):
        target = ctx.program.follow(attribute.value)
        if not isinstance(target, ir.MapExpr):
            return
        keys = {e.key: e for e in target.entries}
        for bad in ("Name", "AutoTerminationPolicy", "Steps"):
            if bad in keys:
                yield error("E0304", f"`cluster_config` cannot hold `{bad}` (the step sets it)",
                            keys[bad].key_span, "not allowed here")
        instances = keys.get("Instances")
        if instances is None:
            yield error("E0303", "`cluster_config` needs `Instances`", attribute.name_span, "no Instances")
            return
        inner = ctx.program.follow(instances.value)
        if not isinstance(inner, ir.MapExpr):
            return
        inner_keys = {e.key: e for e in inner.entries}
        for bad in ("KeepJobFlowAliveWhenNoSteps", "TerminationProtected"):
            if bad in inner_keys:
                yield error("E0304", f"`Instances` cannot hold `{bad}` here", inner_keys[bad].key_span,
                            "not allowed here")
        if ("InstanceGroups" in inner_keys) == ("InstanceFleets" in inner_keys):
            yield error("E0304", "`Instances` needs exactly one of `InstanceGroups` and `InstanceFleets`",
                        instances.key_span, "give one of them")

    def json_property(self, step, parts, ctx):
        # The SDK sets these properties to the step's own values, not to a `Get`.
        first = parts[0] if parts else None
        for field, key in LITERAL_PROPERTIES.items():
            if isinstance(first, ir.Member) and first.name == key and step.attribute(field) is not None \
                    and len(parts) == 1:
                return ctx.attr(step, field)
        return None

    def property_problem(self, step, parts, ctx):
        first = parts[0]
        if isinstance(first, ir.Member) and first.name in LITERAL_PROPERTIES.values():
            return None if len(parts) == 1 else (1, f"`{first.name}` has no members here", None)
        return ctx.walk_shape(self.property_root, parts)

    def step_config(self, step, ctx) -> dict:
        fields = {a.name: a.value for a in _block(step).attributes}
        jar = {"Jar": ctx.value(fields["jar"])}
        for key, name in (("Args", "args"), ("MainClass", "main_class"), ("Properties", "properties")):
            if name in fields:
                jar[key] = ctx.value(fields[name])
        return {"HadoopJarStep": jar}

    # EMRStep's arguments; the step_config block's fields have their places (import reads them)
    layout = (Slot("StepConfig", "step_config"), "cluster_id", "execution_role_arn", "cluster_config")

    def slot_step_config(self, step, ctx):
        return self.step_config(step, ctx)

    def sdk_step(self, step, ctx) -> SdkStep:
        fields = {a.name: ctx.py(a.value) for a in _block(step).attributes}
        config = ctx.call_args((name, fields.get(name)) for name in STEP_CONFIG_FIELDS)
        kwargs = [("cluster_id", ctx.attr(step, "cluster_id") or "None"),
                  ("step_config", f"{ctx.imp('EMRStepConfig')}({config})"),
                  ("cluster_config", ctx.attr(step, "cluster_config")),
                  ("execution_role_arn", ctx.attr(step, "execution_role_arn"))]
        for name in ("display_name", "description"):  # required by EMRStep's signature
            if step.attribute(name) is None:
                kwargs.append((name, "None"))
        return SdkStep("EMRStep", tuple((k, v) for k, v in kwargs if v is not None))


@hookimpl
def pipedsl_step_kinds():
    return [Emr()]
