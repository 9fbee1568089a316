"""What `quality_check` and `clarify_check` share: the `CheckJobConfig` fields and the
baselining job's resources, S3-URI properties, the check's own step keys and the SDK code of
the job config (the two kinds differ only in the configs they check)."""
from __future__ import annotations

from typing import Dict, Tuple

from dsl.diagnostics import did_you_mean
from dsl.extension.kinds import INSTANCE_TYPE, Field, StepKind
from dsl.extension.layout import Slot
from dsl.syntax import ir

from ._common import read_network, read_tags, sdk_network, slot_network, slot_tags

JOB_FIELDS = {
    "role": Field("string", required=True, doc="IAM role ARN (CheckJobConfig)", json="RoleArn"),
    "instance_type": Field("string", required=True, doc="the job's instance type", **INSTANCE_TYPE,
                           json="ProcessingResources.ClusterConfig.InstanceType"),
    "instance_count": Field("integer", required=True, minimum=1, doc="how many instances",
                            json="ProcessingResources.ClusterConfig.InstanceCount"),
    "volume_size_in_gb": Field("integer", doc="GB of storage per instance", default=30, omit="never",
                               json="ProcessingResources.ClusterConfig.VolumeSizeInGB"),
    "volume_kms_key": Field("string", doc="KMS key of the storage volume (CheckJobConfig)",
                            json="ProcessingResources.ClusterConfig.VolumeKmsKeyId"),
    "output_kms_key": Field("string", doc="KMS key of the output (CheckJobConfig)",
                            json="ProcessingOutputConfig.KmsKeyId", within="ProcessingOutputConfig"),
    "max_runtime_in_seconds": Field("integer", doc="seconds the job may run (CheckJobConfig)",
                                    json="StoppingCondition.MaxRuntimeInSeconds"),
    "network_config": Field("map", doc="enable_network_isolation, security_group_ids, subnets, "
                                       "encrypt_inter_container_traffic (CheckJobConfig's NetworkConfig)"),
    "env": Field("map", doc="environment variables of the job's container (CheckJobConfig), before the "
                            "check's own"),
    "tags": Field("any", doc="a map or a list of {Key, Value} (CheckJobConfig)", json="Tags"),
}
# what SDK v3 does not write of a check job (the kinds declare it on their fields)
V3_UNWRITTEN = {"network_config": "SDK 3.27.0's check steps cannot serialize a NetworkConfig "
                                  "(Pipeline.definition() raises a TypeError)"}
V3_MAX_RUNTIME = 86400  # the StoppingCondition SDK v3's check job always writes
# CheckJobConfig's keywords, in its signature's order, for the SDK code
JOB_KEYWORDS = ("role", "instance_count", "instance_type", "volume_size_in_gb", "volume_kms_key", "output_kms_key",
                "max_runtime_in_seconds", "env", "tags", "network_config")


class CheckStepKind(StepKind):
    """A check step: its `check_type` picks the SDK's config class; `check_types` maps it to
    (the definition's CheckType, the config class), `step_keys` the check's own top-level keys
    (field -> JSON key, `check_type` first), `properties` its S3-URI properties."""

    job_name_key = "ProcessingJobName"

    check_types: Dict[str, Tuple] = {}
    step_keys: Dict[str, str] = {}
    properties: Tuple[str, ...] = ()
    region_image = "AppSpecification.ImageUri"

    def read_check_type(self, step, ctx) -> str:
        """Import: `check_type = ...` of a check step, from its CheckType."""
        check_type = {types[0]: name for name, types in self.check_types.items()}[step["CheckType"]]
        return f"check_type = {ctx.value(check_type)}"

    def read_check_keys(self, step, ctx) -> list:
        """Import: the check step's own top-level keys (`step_keys`) that are not the SDK's defaults."""
        out = []
        for name, key in self.step_keys.items():
            value = step.get(key)
            if name != "check_type" and value is not None and value != self.fields[name].default:
                out.append(f"{name} = {ctx.value(value)}")
        return out
    what = "a check"
    job_step = True
    retry = False

    def property_problem(self, step, parts, ctx):
        if not parts or not isinstance(parts[0], ir.Member) or parts[0].name not in self.properties:
            name = parts[0].name if parts and isinstance(parts[0], ir.Member) else ""
            return (0, f"{self.what}'s properties are {', '.join(self.properties)}",
                    did_you_mean(name, self.properties))
        if len(parts) > 1:
            return (1, f"`{parts[0].name}` is an S3 URI: it has no members", None)
        return None

    # the baselining job's CreateProcessingJob, as the SDK's check steps write it; the kinds
    # compute the inputs, outputs and environment from their configs
    layout = (
        Slot("ProcessingJobName", "job_name"),
        "instance_type", "instance_count", "volume_size_in_gb", "volume_kms_key",
        Slot("AppSpecification.ImageUri", "image_uri"),
        "role",
        Slot("ProcessingInputs", "inputs"),
        Slot("ProcessingOutputConfig.Outputs", "outputs"), "output_kms_key",
        Slot("Environment", "environment"),
        Slot("NetworkConfig", "network"),
        "max_runtime_in_seconds",
        Slot("Tags", "tags"),
    )
    slot_tags, read_tags, slot_network, read_network = slot_tags, read_tags, slot_network, read_network
    # SDK v3's (QualityCheckStep and ClarifyCheckStep of sagemaker.mlops.workflow): the inputs
    # and outputs first, the job's resources after them, a StoppingCondition always
    layouts = {"v3": (
        Slot("ProcessingInputs", "inputs_v3"),
        Slot("ProcessingOutputConfig.Outputs", "outputs_v3"), "output_kms_key",
        "instance_count", "instance_type", "volume_size_in_gb", "volume_kms_key",
        Slot("AppSpecification.ImageUri", "image_uri"),
        "role",
        Slot("StoppingCondition.MaxRuntimeInSeconds", "max_runtime_v3"),
        Slot("Environment", "environment"),
        Slot("Tags", "tags"),
    )}

    # (each kind's own: the inputs and outputs its config makes, and their readers)
    def slot_inputs(self, step, ctx) -> list:
        raise NotImplementedError

    def slot_outputs(self, step, ctx) -> list:
        raise NotImplementedError

    def read_inputs(self, inputs, arguments, ctx) -> list:
        raise NotImplementedError

    def read_outputs(self, outputs, arguments, ctx) -> list:
        return []  # (a check's output is its config's: a kind that reads one says so)

    def slot_inputs_v3(self, step, ctx):
        """v2's without `AppManaged`, and each `S3Input` without its distribution and
        compression types."""
        return [{"InputName": item["InputName"], "S3Input": {
            k: v for k, v in item["S3Input"].items() if k not in ("S3DataDistributionType", "S3CompressionType")}}
            for item in self.slot_inputs(step, ctx)]

    def slot_outputs_v3(self, step, ctx):
        """v2's without `AppManaged`."""
        return [{k: v for k, v in item.items() if k != "AppManaged"} for item in self.slot_outputs(step, ctx)]

    def slot_max_runtime_v3(self, step, ctx):
        """`max_runtime_in_seconds`, 86400 when not given (v2 writes none)."""
        return ctx.attr(step, "max_runtime_in_seconds", V3_MAX_RUNTIME)

    def read_inputs_v3(self, inputs, arguments, ctx):
        return self.read_inputs(inputs, arguments, ctx)

    def read_outputs_v3(self, outputs, arguments, ctx):
        return self.read_outputs(outputs, arguments, ctx)

    def read_max_runtime_v3(self, value, arguments, ctx):
        return [f"max_runtime_in_seconds = {ctx.value(value)}"] if value not in (None, V3_MAX_RUNTIME) else []

    def slot_image_uri(self, step, ctx):
        return self.image(ctx)

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: the check job's base, its image's repository name
        (`sagemaker-model-monitor-analyzer`, `sagemaker-clarify-processing`)."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        return _job_names.job_name(_job_names.base_name_from_image(self.image(ctx), ctx.program, "processing-job"))

    def read_job_name(self, value, arguments, ctx):
        return []  # (derived from the image: the pipeline's flag gives it back)

    def slot_environment(self, step, ctx):
        return ctx.attr(step, "env")  # (a kind adds its own variables after these)

    def read_environment(self, value, arguments, ctx):
        own = {key: item for key, item in (value or {}).items() if key not in self.environment_keys}
        return [f"env = {ctx.value(own)}"] if own else []

    # the variables the check writes itself (read back as its settings, not as `env`)
    environment_keys: frozenset = frozenset()

    def image(self, ctx) -> str:
        raise NotImplementedError

    def json_extras(self, step, ctx) -> dict:
        kind = ctx.program.literal(step.attribute("check_type").value)
        out = {"CheckType": self.check_types[kind][0]}
        for name, key in self.step_keys.items():
            if name != "check_type":
                out[key] = ctx.attr(step, name, self.fields[name].default)
        return out

    @staticmethod
    def sdk_job(step, ctx) -> Tuple[str, str]:
        """(variable, statement) of the step's `CheckJobConfig`."""
        job = ctx.var_for(step.name, "check_job")
        args = [(name, sdk_network(step, ctx) if name == "network_config" else ctx.attr(step, name))
                for name in JOB_KEYWORDS]
        args.append(("sagemaker_session", ctx.session))
        return job, f"{job} = {ctx.imp('CheckJobConfig')}({ctx.call_args(args)})"

    def sdk_step_keys(self, step, ctx) -> list:
        return [(name, ctx.attr(step, name)) for name in self.step_keys if name != "check_type"]
