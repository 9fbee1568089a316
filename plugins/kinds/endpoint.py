"""`endpoint_config`, `endpoint` and `inference_component`: deploying a model at the end of a
pipeline.

`EndpointConfigStep(step_args=session.create_endpoint_config(...))`, Type `EndpointConfig`:
its `Arguments` are the CreateEndpointConfig request with one production variant, as
`Session.create_endpoint_config` builds it (`production_variant(...)`: variant `AllTraffic`,
weight 1). `EndpointStep(step_args=session.create_endpoint(...))`, Type `Endpoint`: the
CreateEndpoint request (the service creates or updates the endpoint).
`InferenceComponentStep(step_args=session.create_inference_component(...))`, Type
`InferenceComponent`: the CreateInferenceComponent request (`RuntimeConfig` `{"CopyCount": 1}`
unless given).
"""
from __future__ import annotations

from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, Field, SdkStep, StepKind
from dsl.extension.layout import Slot

from ._common import read_tags, tags

_VARIANT = "ProductionVariants.0."
TAGS_FIELD = Field("any", doc="a map or a list of {Key, Value}", json="Tags")


def _tags_or_empty(kind, step, ctx):
    # the SDK always writes `Tags`, `[]` when none are given
    return tags(ctx, step.attribute("tags").value) if step.attribute("tags") is not None else []


def _tags_if_given(kind, step, ctx):
    # `create_inference_component` writes `Tags` only when there are some
    return tags(ctx, step.attribute("tags").value) if step.attribute("tags") is not None else None


def _read_tags(kind, value, arguments, ctx):
    return read_tags(kind, value, arguments, ctx) if value else []


def _sdk_call(kind, step, ctx, method: str) -> str:
    args = [(field.sdk_keyword(name), ctx.attr(step, name)) for name, field in kind.fields.items()]
    return f"{ctx.session}.{method}({ctx.call_args(args)})"


class EndpointConfig(StepKind):
    name = "endpoint_config"
    type = "EndpointConfig"
    sdk_class = "EndpointConfigStep"
    summary = "an endpoint configuration for a model (Session.create_endpoint_config)"
    sdk_imports = {"sagemaker.workflow.endpoint_step": ("EndpointConfigStep",)}
    property_root = "DescribeEndpointConfigOutput"
    request_shape = "CreateEndpointConfigInput"
    fields = {
        "endpoint_config_name": Field("string", required=True, sdk="name", json="EndpointConfigName",
                                      doc="the endpoint configuration's name"),
        "model_name": Field("string", required=True, json=_VARIANT + "ModelName",
                            doc="the model it serves, e.g. `MakeModel.ModelName`"),
        "instance_type": Field("string", required=True, **INSTANCE_TYPE, json=_VARIANT + "InstanceType",
                               doc="the endpoint's instance type"),
        "initial_instance_count": Field("integer", minimum=1, default=1, json=_VARIANT + "InitialInstanceCount",
                                        doc="instances to start with"),
        "accelerator_type": Field("string", json=_VARIANT + "AcceleratorType",
                                  doc="an Elastic Inference accelerator, e.g. ml.eia1.medium"),
        "volume_size": Field("integer", json=_VARIANT + "VolumeSizeInGB", doc="GB of storage per instance"),
        "model_data_download_timeout": Field("integer", json=_VARIANT + "ModelDataDownloadTimeoutInSeconds",
                                             doc="seconds to download the model"),
        "container_startup_health_check_timeout": Field(
            "integer", json=_VARIANT + "ContainerStartupHealthCheckTimeoutInSeconds",
            doc="seconds the container has to pass its health check"),
        "routing_config": Field("map", json=_VARIANT + "RoutingConfig",
                                doc='the variant\'s RoutingConfig, e.g. { RoutingStrategy: "RANDOM" }'),
        "inference_ami_version": Field("string", json=_VARIANT + "InferenceAmiVersion",
                                       doc="the AMI of the instances, e.g. al2-ami-sagemaker-inference-gpu-2"),
        "tags": TAGS_FIELD,
        "kms_key": Field("string", json="KmsKeyId", doc="KMS key of the instances' storage"),
        "data_capture_config": Field("map", sdk="data_capture_config_dict", json="DataCaptureConfig",
                                     doc="the DataCaptureConfig request, as written (EnableCapture, "
                                         "InitialSamplingPercentage, DestinationS3Uri, CaptureOptions, ...)"),
        "async_inference_config": Field("map", sdk="async_inference_config_dict", json="AsyncInferenceConfig",
                                        doc="the AsyncInferenceConfig request, as written"),
        "explainer_config": Field("map", sdk="explainer_config_dict", json="ExplainerConfig",
                                  doc="the ExplainerConfig request, as written"),
    }
    layout = ("endpoint_config_name", Slot("ProductionVariants", "variants"), Slot("Tags", "tags"),
              "kms_key", "data_capture_config", "async_inference_config", "explainer_config")
    slot_tags, read_tags = _tags_or_empty, _read_tags
    # SDK v3's Session.create_endpoint_config() takes the production variants as written and
    # writes `Tags` only when there are some
    flavours = frozenset({"v2", "v3"})
    layouts = {"v3": ("endpoint_config_name", Slot("ProductionVariants", "variants"), Slot("Tags", "tags_v3"),
                      "kms_key", "data_capture_config", "async_inference_config", "explainer_config")}
    slot_tags_v3, read_tags_v3 = _tags_if_given, _read_tags

    def slot_variants(self, step, ctx):
        # production_variant(): the name and weight are its defaults; the rest in its order
        variant = {"VariantName": "AllTraffic", "ModelName": ctx.attr(step, "model_name"), "InitialVariantWeight": 1}
        if step.attribute("accelerator_type") is not None:
            variant["AcceleratorType"] = ctx.attr(step, "accelerator_type")
        variant["InitialInstanceCount"] = ctx.attr(step, "initial_instance_count", 1)
        variant["InstanceType"] = ctx.attr(step, "instance_type")
        for name in ("volume_size", "model_data_download_timeout", "container_startup_health_check_timeout",
                     "routing_config", "inference_ami_version"):
            if step.attribute(name) is not None:
                variant[self.fields[name].json[len(_VARIANT):]] = ctx.attr(step, name)
        return [variant]

    def sdk_step(self, step, ctx) -> SdkStep:
        if ctx.program.flavour == "v3":  # (v3 takes the variants: the ones production_variant() made in v2)
            variant = [("VariantName", repr("AllTraffic")), ("ModelName", ctx.attr(step, "model_name")),
                       ("InitialVariantWeight", "1")]
            variant += [(self.fields[name].json[len(_VARIANT):], ctx.attr(step, name) or (
                "1" if name == "initial_instance_count" else None))
                for name in ("accelerator_type", "initial_instance_count", "instance_type", "volume_size",
                             "model_data_download_timeout", "container_startup_health_check_timeout",
                             "routing_config", "inference_ami_version")]
            variants = "[{" + ", ".join(f"{key!r}: {value}" for key, value in variant if value is not None) + "}]"
            args = [("name", ctx.attr(step, "endpoint_config_name")), ("production_variants", variants)]
            args += [(field.sdk_keyword(name), ctx.attr(step, name)) for name, field in self.fields.items()
                     if not field.json.startswith(_VARIANT) and name != "endpoint_config_name"]
            call = f"{ctx.session}.create_endpoint_config({ctx.call_args(args)})"
            return SdkStep("EndpointConfigStep", (("step_args", call),))
        return SdkStep("EndpointConfigStep", (("step_args", _sdk_call(self, step, ctx, "create_endpoint_config")),))


class Endpoint(StepKind):
    name = "endpoint"
    type = "Endpoint"
    sdk_class = "EndpointStep"
    summary = "creates or updates an endpoint (Session.create_endpoint)"
    sdk_imports = {"sagemaker.workflow.endpoint_step": ("EndpointStep",)}
    flavours = frozenset({"v2", "v3"})  # (SDK v3 writes the same request)
    property_root = "DescribeEndpointOutput"
    request_shape = "CreateEndpointInput"
    retry = False  # EndpointStep takes no retry policies
    fields = {
        "endpoint_name": Field("string", required=True, json="EndpointName", doc="the endpoint's name"),
        "endpoint_config_name": Field("string", required=True, sdk="config_name", json="EndpointConfigName",
                                      doc="its configuration, e.g. `Config.EndpointConfigName`"),
        "tags": TAGS_FIELD,
    }
    layout = ("endpoint_name", "endpoint_config_name", Slot("Tags", "tags"))
    slot_tags, read_tags = _tags_or_empty, _read_tags

    def sdk_step(self, step, ctx) -> SdkStep:
        return SdkStep("EndpointStep", (("step_args", _sdk_call(self, step, ctx, "create_endpoint")),))


class InferenceComponent(StepKind):
    name = "inference_component"
    type = "InferenceComponent"
    sdk_class = "InferenceComponentStep"
    summary = "deploys a model onto an endpoint as an inference component (Session.create_inference_component)"
    sdk_imports = {"sagemaker.workflow.inference_component_step": ("InferenceComponentStep",)}
    flavours = frozenset({"v2", "v3"})  # (SDK v3 writes the same request)
    property_root = "DescribeInferenceComponentOutput"
    request_shape = "CreateInferenceComponentInput"
    retry = False  # a plain Step: no retry policies
    cache = False  # and no cache config
    fields = {
        "inference_component_name": Field("string", required=True, json="InferenceComponentName",
                                          doc="the inference component's name"),
        "endpoint_name": Field("string", required=True, json="EndpointName",
                               doc="the endpoint it is deployed to, by name (e.g. the `endpoint_name` of an `endpoint` step)"),
        "variant_name": Field("string", required=True, json="VariantName",
                              doc="the endpoint's production variant, e.g. \"AllTraffic\""),
        "specification": Field("map", required=True, json="Specification",
                               doc="the InferenceComponentSpecification, as written (ModelName, Container, "
                                   "ComputeResourceRequirements, StartupParameters, ...)"),
        "runtime_config": Field("map", json="RuntimeConfig", default={"CopyCount": 1}, omit="never",
                                doc="the InferenceComponentRuntimeConfig (default: { CopyCount: 1 })"),
        "tags": Field("any", doc="a map or a list of {Key, Value}", json="Tags"),
    }
    layout = ("inference_component_name", "endpoint_name", "variant_name", "specification", "runtime_config",
              Slot("Tags", "tags"))
    slot_tags, read_tags = _tags_if_given, _read_tags

    def sdk_step(self, step, ctx) -> SdkStep:
        return SdkStep("InferenceComponentStep",
                       (("step_args", _sdk_call(self, step, ctx, "create_inference_component")),))


@hookimpl
def pipedsl_step_kinds():
    return [EndpointConfig(), Endpoint(), InferenceComponent()]
