"""`model` and `register_model`: `ModelStep(step_args=Model(...).create(...))` (Type `Model`,
JSON name `NAME-CreateModel`) and `ModelStep(step_args=Model(...).register(...))` (Type
`RegisterModel`, JSON name `NAME-RegisterModel`). References to `NAME` and `depends_on =
[NAME]` resolve to the JSON name, as the SDK resolves them."""
from __future__ import annotations

from dsl.hookspecs import hookimpl
from dsl.kinds import sdk_keyword, INSTANCE_TYPE, placed, put, Field, SdkStep, StepKind

from ._common import check_map_keys, check_role, is_set

MODEL_FIELDS = {
    "image_uri": Field("string", required=True, doc="inference image"),
    "model_data": Field("string", doc="S3 URI of the model artifacts, e.g. `Train.ModelArtifacts.S3ModelArtifacts`"),
    "role": Field("string", doc="IAM role ARN"),
    "env": Field("map", doc="container environment"),
    "name": Field("string", doc="the model's name (not part of the definition: the service names it)"),
    "vpc_config": Field("map", doc="{ Subnets: [...], SecurityGroupIds: [...] }"),
    "enable_network_isolation": Field("boolean", doc="no network access for the container", default=False),
}
# where the model's fields land in CreateModel and in CreateModelPackage (the SDK's register
# ignores the role, VPC config and network isolation)
CREATE_PLACES = {"image_uri": "PrimaryContainer.Image", "model_data": "PrimaryContainer.ModelDataUrl",
                 "role": "ExecutionRoleArn", "env": "PrimaryContainer.Environment", "vpc_config": "VpcConfig",
                 "enable_network_isolation": "EnableNetworkIsolation"}
REGISTER_PLACES = {"image_uri": "InferenceSpecification.Containers.0.Image",
                   "model_data": "InferenceSpecification.Containers.0.ModelDataUrl",
                   "env": "InferenceSpecification.Containers.0.Environment"}
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
        args = [(sdk_keyword(self.fields, name), ctx.attr(step, name)) for name in MODEL_FIELDS]
        args.append(("sagemaker_session", ctx.session))
        return model, f"{model} = {ctx.imp('Model')}({ctx.call_args(args)})"


class CreateModel(_ModelKind):
    name = "model"
    type = "Model"
    suffix = "CreateModel"
    summary = "creates a SageMaker model (Model.create)"
    property_root = "DescribeModelOutput"
    request_shape = "CreateModelInput"
    docs_shape = "subroutine"
    fields = {**placed(MODEL_FIELDS, CREATE_PLACES),
              "role": Field("string", required=True, doc="IAM role ARN", json="ExecutionRoleArn"),
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
    request_shape = "CreateModelPackageInput"
    docs_shape = "store"
    fields = {
        **placed(MODEL_FIELDS, REGISTER_PLACES),
        "content_types": Field("list", items="string", doc="MIME types the model takes",
                               json="InferenceSpecification.SupportedContentTypes"),
        "response_types": Field("list", items="string", doc="MIME types the model answers with",
                                json="InferenceSpecification.SupportedResponseMIMETypes"),
        "inference_instances": Field("list", items="string", **INSTANCE_TYPE, doc="instance types for endpoints",
                                     json="InferenceSpecification.SupportedRealtimeInferenceInstanceTypes"),
        "transform_instances": Field("list", items="string", **INSTANCE_TYPE, doc="instance types for batch transform",
                                     json="InferenceSpecification.SupportedTransformInstanceTypes"),
        "model_package_group_name": Field("string", required=True, doc="the model package group",
                                          json="ModelPackageGroupName"),
        "approval_status": Field("string", doc="PendingManualApproval, Approved or Rejected",
                                 json="ModelApprovalStatus", default="PendingManualApproval"),
        "customer_metadata_properties": Field("map", doc="your own key/value metadata",
                                              json="CustomerMetadataProperties"),
        "domain": Field("string", doc="ML domain, e.g. MACHINE_LEARNING", json="Domain"),
        "task": Field("string", doc="ML task, e.g. CLASSIFICATION", json="Task"),
        "framework": Field("string", doc="the model's framework, e.g. XGBOOST",
                           json="InferenceSpecification.Containers.0.Framework"),
        "framework_version": Field("string", doc="the framework's version",
                                   json="InferenceSpecification.Containers.0.FrameworkVersion"),
    }

    def json_arguments(self, step, ctx) -> dict:
        def attr(name, default=None):
            return ctx.attr(step, name, default)

        def place(names):  # each set field at its declared place, in the SDK's order
            for name in names:
                if step.attribute(name) is not None:
                    put(args, self.fields[name].json, attr(name))

        args = {}
        place(("model_package_group_name", "customer_metadata_properties", "domain", "task"))
        args["InferenceSpecification"] = {"Containers": [self.container(step, ctx)]}
        place(("framework", "framework_version", "content_types", "response_types", "inference_instances",
               "transform_instances"))
        args["ModelApprovalStatus"] = attr("approval_status", self.fields["approval_status"].default)
        args["SkipModelValidation"] = "None"  # the SDK writes the string "None"
        return args

    def sdk_step(self, step, ctx) -> SdkStep:
        model, build = self.sdk_model(step, ctx)
        register = ctx.call_args((sdk_keyword(self.fields, name), ctx.attr(step, name)) for name in REGISTER_FIELDS)
        return SdkStep("ModelStep", (("step_args", f"{model}.register({register})"),), (build,))


@hookimpl
def pipedsl_step_kinds():
    return [CreateModel(), RegisterModel()]
