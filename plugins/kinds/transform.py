"""`transform`: `TransformStep(step_args=Transformer(...).transform(...))`, Type `Transform`.
`Arguments` is the CreateTransformJob request, minus the job name."""
from __future__ import annotations

from dsl.diagnostics import error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, Field, SdkStep, StepKind, sdk_keyword
from dsl.extension.layout import Slot
from dsl.syntax import ir

from ._common import read_tags, slot_tags

TRANSFORMER_FIELDS = ("model_name", "instance_count", "instance_type", "strategy", "assemble_with",
                      "output_path", "output_kms_key", "accept", "max_concurrent_transforms",
                      "max_payload", "tags", "env", "base_transform_job_name", "volume_kms_key")
TRANSFORM_ARGS = ("data", "data_type", "content_type", "compression_type", "split_type",
                  "input_filter", "output_filter", "join_source")


class Transform(StepKind):
    name = "transform"
    type = "Transform"
    sdk_class = "TransformStep"
    summary = "a SageMaker batch transform job (Transformer.transform)"
    sdk_imports = {"sagemaker.transformer": ("Transformer",), "sagemaker.workflow.steps": ("TransformStep",)}
    request_shape = "CreateTransformJobRequest"
    property_root = "DescribeTransformJobResponse"
    job_step = True
    experiment_run = "the transform job"
    job_name_key = "TransformJobName"
    fields = {
        "model_name": Field("string", required=True, doc="a model's name, e.g. `MakeModel.ModelName`", json="ModelName", omit="never"),
        "instance_type": Field("string", required=True, **INSTANCE_TYPE, doc="the instances' type", json="TransformResources.InstanceType"),
        "instance_count": Field("integer", required=True, minimum=1, doc="how many instances", json="TransformResources.InstanceCount"),
        "data": Field("string", required=True, doc="S3 URI of the input", json="TransformInput.DataSource.S3DataSource.S3Uri"),
        "output_path": Field("string", doc="default s3://<default_bucket>/<pipeline>/<execution id>/<step>", json="TransformOutput.S3OutputPath"),
        "accept": Field("string", doc="MIME type of the output", json="TransformOutput.Accept"),
        "assemble_with": Field("string", doc="None or Line", json="TransformOutput.AssembleWith"),
        "strategy": Field("string", doc="MultiRecord or SingleRecord", json="BatchStrategy"),
        "max_payload": Field("integer", doc="MB", json="MaxPayloadInMB"),
        "max_concurrent_transforms": Field("integer", doc="parallel requests per instance", json="MaxConcurrentTransforms"),
        "env": Field("map", doc="environment variables of the container", json="Environment"),
        "content_type": Field("string", doc="MIME type of the input", json="TransformInput.ContentType"),
        "split_type": Field("string", doc="None, Line, RecordIO or TFRecord", json="TransformInput.SplitType"),
        "data_type": Field("string", doc="S3Prefix (default) or ManifestFile", json="TransformInput.DataSource.S3DataSource.S3DataType",
                           default="S3Prefix", omit="never"),
        "compression_type": Field("string", doc="None or Gzip", json="TransformInput.CompressionType"),
        "input_filter": Field("string", doc="JSONPath", json="DataProcessing.InputFilter"),
        "output_filter": Field("string", doc="JSONPath", json="DataProcessing.OutputFilter"),
        "join_source": Field("string", doc="None or Input", json="DataProcessing.JoinSource"),
        "output_kms_key": Field("string", doc="KMS key of the output", json="TransformOutput.KmsKeyId"),
        "volume_kms_key": Field("string", doc="KMS key of the storage volume", json="TransformResources.VolumeKmsKeyId"),
        "tags": Field("any", doc="a map or a list of {Key, Value}", json="Tags"),
        "base_transform_job_name": Field("string", doc="job name prefix (not part of the definition)"),
    }

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: `base_transform_job_name`, or "transform-job" for a
        model the pipeline makes (a literal model name needs DescribeModel: the check asks for
        the base instead)."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        base = _job_names.literal_text(step, "base_transform_job_name", ctx.program) or "transform-job"
        return _job_names.job_name(base)

    def read_job_name(self, value, arguments, ctx):
        return [f"base_transform_job_name = {ctx.value(value)}"] if value is not None else []

    def check(self, step, ctx):
        if ctx.program.use_custom_job_prefix and step.attribute("base_transform_job_name") is None and \
                isinstance(ctx.program.follow(step.attribute("model_name").value) if step.attribute("model_name")
                           else None, ir.Literal):
            yield error("E0303", "with `use_custom_job_prefix`, a transform of a model named literally needs "
                        "`base_transform_job_name`", step.name_span, "no job name",
                        "the SDK would derive it from the model's image through DescribeModel")
        data = step.attribute("data")
        value = ctx.literal(data.value) if data is not None else None
        if isinstance(value, str) and not value.startswith("s3://"):
            yield error("E0304", "`data` must be an S3 URI (\"s3://...\")", data.value.span, "not an S3 URI")
        model = step.attribute("model_name")
        target = ctx.program.follow(model.value) if model is not None else None
        if isinstance(target, ir.Ref) and target.name in ctx.program.steps:
            source = ctx.program.steps[target.name]
            if source.kind != "model":
                yield error("E0304", f"`model_name` reads `{source.name}`, a `{source.kind}` step: a "
                            "transform's model comes from a `model` step (`Step.ModelName`) or is a "
                            "model's name", model.value.span, "not a model step")
            elif [getattr(p, "name", None) for p in target.parts] != ["ModelName"]:
                yield error("E0304", f"`model_name` should be `{source.name}.ModelName`", model.value.span,
                            "not the model's name")

    def needs_default_bucket(self, step, ctx):
        return [("`output_path`", step.name_span)] if step.attribute("output_path") is None else []

    # CreateTransformJob as Transformer.transform builds it (Session._get_transform_request)
    layout = (
        Slot("TransformJobName", "job_name"),
        "model_name",
        "data_type", "data", "content_type", "compression_type", "split_type",
        Slot("TransformOutput.S3OutputPath", "output_path"), "output_kms_key", "assemble_with", "accept",
        "instance_count", "instance_type", "volume_kms_key",
        "strategy", "max_concurrent_transforms", "max_payload", "env",
        Slot("Tags", "tags"),
        "input_filter", "output_filter", "join_source",
    )
    # SDK v3's (`sagemaker.core.transformer`): the output's accept type before its assembly and
    # KMS key, the instance type before the count
    layouts = {"v3": (
        "model_name",
        "data_type", "data", "content_type", "compression_type", "split_type",
        Slot("TransformOutput.S3OutputPath", "output_path"), "accept", "assemble_with", "output_kms_key",
        "instance_type", "instance_count", "volume_kms_key",
        "strategy", "max_concurrent_transforms", "max_payload", "env",
        Slot("Tags", "tags"),
        "input_filter", "output_filter", "join_source",
    )}
    flavours = frozenset({"v2", "v3"})
    slot_tags, read_tags = slot_tags, read_tags

    @staticmethod
    def _default_output(step, ctx):
        p = ctx.program
        return ctx.join("/", ["s3:/", p.default_bucket, p.name, {"Get": "Execution.PipelineExecutionId"}, step.name])

    def slot_output_path(self, step, ctx):
        output = ctx.attr(step, "output_path")
        return self._default_output(step, ctx) if output is None else output

    def read_output_path(self, value, arguments, ctx):
        if isinstance(value, dict) and value.get("Std:Join", {}).get("Values", [None] * 5)[:4] == [
                "s3:/", ctx.default_bucket(), ctx.name, {"Get": "Execution.PipelineExecutionId"}]:
            return []  # the default path (its last part is the step's name)
        return [f"output_path = {ctx.value(value)}"]

    def sdk_step(self, step, ctx) -> SdkStep:
        transformer = ctx.var_for(step.name, "transformer")
        args = [(sdk_keyword(self.fields, name), ctx.attr(step, name)) for name in TRANSFORMER_FIELDS]
        model = ctx.program.follow(step.attribute("model_name").value)
        if step.attribute("base_transform_job_name") is None and isinstance(model, ir.Literal):
            # With a literal model name and no base job name, the SDK calls DescribeModel while
            # building the definition; any base name avoids that and is dropped from the JSON.
            args.append(("base_transform_job_name", repr(model.value)))
        args.append(("sagemaker_session", ctx.session))
        build = f"{transformer} = {ctx.imp('Transformer')}({ctx.call_args(args)})"
        run = ctx.call_args((sdk_keyword(self.fields, name), ctx.attr(step, name)) for name in TRANSFORM_ARGS)
        return SdkStep("TransformStep", (("step_args", f"{transformer}.transform({run})"),), (build,))


@hookimpl
def pipedsl_step_kinds():
    return [Transform()]
