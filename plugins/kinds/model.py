"""`model` and `register_model`: `ModelStep(step_args=Model(...).create(...))` (Type `Model`,
JSON name `NAME-CreateModel`) and `ModelStep(step_args=Model(...).register(...))` (Type
`RegisterModel`, JSON name `NAME-RegisterModel`). References to `NAME` and `depends_on =
[NAME]` resolve to the JSON name, as the SDK resolves them."""
from __future__ import annotations

from dsl.hookspecs import hookimpl
from dsl.kinds import INSTANCE_TYPE, Field, SdkStep, StepKind

from ._common import check_map_keys, check_role, is_set

MODEL_FIELDS = {
    "image_uri": Field("string", required=True, doc="inference image"),
    "model_data": Field("string", doc="S3 URI of the model artifacts, e.g. `Train.ModelArtifacts.S3ModelArtifacts`"),
    "role": Field("string", doc="IAM role ARN"),
    "env": Field("map", doc="container environment"),
    "name": Field("string", doc="the model's name (not part of the definition: the service names it)"),
    "vpc_config": Field("map", doc="{ Subnets: [...], SecurityGroupIds: [...] }"),
    "enable_network_isolation": Field("boolean"),
}
VPC_KEYS = {"Subnets": "list", "SecurityGroupIds": "list"}
REGISTER_FIELDS = ("content_types", "response_types", "inference_instances", "transform_instances",
                   "model_package_group_name", "approval_status", "customer_metadata_properties",
                   "domain", "task", "framework", "framework_version")
IMPORTS = {"sagemaker.model": ("Model",), "sagemaker.workflow.model_step": ("ModelStep",)}


class _ModelKind(StepKind):
    sdk_imports = IMPORTS
    sdk_class = "ModelStep"
    cache = False
    suffix = ""

    def json_name(self, name: str) -> str:
        return f"{name}-{self.suffix}"

    def check(self, step, ctx):
        yield from check_role(step, ctx)
        yield from check_map_keys(step, ctx, "vpc_config", VPC_KEYS)

    def container(self, step, ctx) -> dict:
        out = {"Image": ctx.attr(step, "image_uri"), "Environment": ctx.attr(step, "env", {})}
        if step.attribute("model_data") is not None:
            out["ModelDataUrl"] = ctx.attr(step, "model_data")
        return out

    def sdk_model(self, step, ctx):
        model = ctx.var_for(step.name, "model")
        args = [(name, ctx.attr(step, name)) for name in MODEL_FIELDS]
        args.append(("sagemaker_session", ctx.session))
        return model, f"{model} = {ctx.imp('Model')}({ctx.call_args(args)})"


class CreateModel(_ModelKind):
    name = "model"
    type = "Model"
    suffix = "CreateModel"
    summary = "creates a SageMaker model (Model.create)"
    property_root = "DescribeModelOutput"
    fields = {**MODEL_FIELDS, "role": Field("string", required=True, doc="IAM role ARN"),
              "instance_type": Field("string", doc="passed to Model.create(); no effect on the definition", **INSTANCE_TYPE)}

    def json_arguments(self, step, ctx) -> dict:
        args = {"ExecutionRoleArn": ctx.attr(step, "role"), "PrimaryContainer": self.container(step, ctx)}
        if step.attribute("vpc_config") is not None:
            args["VpcConfig"] = ctx.attr(step, "vpc_config")
        isolation = step.attribute("enable_network_isolation")
        if isolation is not None and is_set(ctx, isolation.value):
            args["EnableNetworkIsolation"] = ctx.attr(step, "enable_network_isolation")
        return args

    def sdk_step(self, step, ctx) -> SdkStep:
        model, build = self.sdk_model(step, ctx)
        create = ctx.call_args([("instance_type", ctx.attr(step, "instance_type"))])
        return SdkStep("ModelStep", (("step_args", f"{model}.create({create})"),), (build,))


class RegisterModel(_ModelKind):
    name = "register_model"
    type = "RegisterModel"
    suffix = "RegisterModel"
    summary = "registers a model version in a model package group (Model.register)"
    property_root = "DescribeModelPackageOutput"
    fields = {
        **MODEL_FIELDS,
        "content_types": Field("list", items="string"),
        "response_types": Field("list", items="string"),
        "inference_instances": Field("list", items="string", **INSTANCE_TYPE),
        "transform_instances": Field("list", items="string", **INSTANCE_TYPE),
        "model_package_group_name": Field("string", required=True),
        "approval_status": Field("string", doc="PendingManualApproval (default), Approved or Rejected"),
        "customer_metadata_properties": Field("map"),
        "domain": Field("string"),
        "task": Field("string"),
        "framework": Field("string"),
        "framework_version": Field("string"),
    }

    def json_arguments(self, step, ctx) -> dict:
        def attr(name, default=None):
            return ctx.attr(step, name, default)

        args = {"ModelPackageGroupName": attr("model_package_group_name")}
        for key, name in (("CustomerMetadataProperties", "customer_metadata_properties"),
                          ("Domain", "domain"), ("Task", "task")):
            if step.attribute(name) is not None:
                args[key] = attr(name)
        container = self.container(step, ctx)
        for key, name in (("Framework", "framework"), ("FrameworkVersion", "framework_version")):
            if step.attribute(name) is not None:
                container[key] = attr(name)
        spec = {"Containers": [container]}
        for key, name in (("SupportedContentTypes", "content_types"), ("SupportedResponseMIMETypes", "response_types"),
                          ("SupportedRealtimeInferenceInstanceTypes", "inference_instances"),
                          ("SupportedTransformInstanceTypes", "transform_instances")):
            if step.attribute(name) is not None:
                spec[key] = attr(name)
        args["InferenceSpecification"] = spec
        args["ModelApprovalStatus"] = attr("approval_status", "PendingManualApproval")
        args["SkipModelValidation"] = "None"  # the SDK writes the string "None"
        return args

    def sdk_step(self, step, ctx) -> SdkStep:
        model, build = self.sdk_model(step, ctx)
        register = ctx.call_args((name, ctx.attr(step, name)) for name in REGISTER_FIELDS)
        return SdkStep("ModelStep", (("step_args", f"{model}.register({register})"),), (build,))


@hookimpl
def pipedsl_step_kinds():
    return [CreateModel(), RegisterModel()]
