"""`training`: `TrainingStep(step_args=Estimator(...).fit(inputs={...}))`, Type `Training`.

`Arguments` is the CreateTrainingJob request the SDK captures, minus the job name, in the
order of `Session._get_train_request`.
"""
from __future__ import annotations

from dsl import ir
from dsl.diagnostics import error
from dsl.hookspecs import hookimpl
from dsl.kinds import Field, SdkStep, StepKind

from ._common import check_role, is_set, tags

CHANNEL_FIELDS = {
    "s3_data": Field("string", required=True, doc="S3 URI of the channel's data"),
    "content_type": Field("string", doc="MIME type of the data"),
    "distribution": Field("string", doc="FullyReplicated (default) or ShardedByS3Key"),
    "s3_data_type": Field("string", doc="S3Prefix (default), ManifestFile or AugmentedManifestFile"),
    "input_mode": Field("string", doc="File, Pipe or FastFile for this channel"),
}


class Training(StepKind):
    name = "training"
    type = "Training"
    sdk_class = "TrainingStep"
    summary = "a SageMaker training job (Estimator.fit)"
    property_root = "DescribeTrainingJobResponse"
    job_step = True
    experiment_run = "the training job"
    members = frozenset({"input"})
    fields = {
        "image_uri": Field("string", required=True, doc="training image"),
        "role": Field("string", required=True, doc="IAM role ARN"),
        "instance_type": Field("string", required=True),
        "instance_count": Field("integer", required=True),
        "volume_size": Field("integer", doc="GB, default 30"),
        "max_run": Field("integer", doc="seconds, default 86400"),
        "output_path": Field("string", doc="S3 prefix for model artifacts; default s3://<default_bucket>/"),
        "base_job_name": Field("string", doc="job name prefix (not part of the definition)"),
        "hyperparameters": Field("map"),
        "environment": Field("map"),
        "input_mode": Field("string", doc="File (default), Pipe or FastFile"),
        "metric_definitions": Field("list", items="map"),
        "enable_network_isolation": Field("boolean"),
        "subnets": Field("list", items="string"),
        "security_group_ids": Field("list", items="string"),
        "volume_kms_key": Field("string"),
        "output_kms_key": Field("string"),
        "disable_profiler": Field("boolean"),
        "tags": Field("any", doc="a map or a list of {Key, Value}"),
    }

    def check(self, step, ctx):
        yield from check_role(step, ctx)
        has_subnets = step.attribute("subnets") is not None
        has_groups = step.attribute("security_group_ids") is not None
        if has_subnets != has_groups:
            given = step.attribute("subnets" if has_subnets else "security_group_ids")
            missing = "security_group_ids" if has_subnets else "subnets"
            yield error("E0303", f"`{given.name}` needs `{missing}` too (the SDK drops a VPC config "
                        "with only one of them)", given.name_span, f"`{missing}` missing")
        if step.attribute("disable_profiler") is not None and not isinstance(
                ctx.literal(step.attribute("disable_profiler").value), bool):
            yield error("E0304", "`disable_profiler` must be a literal `true` or `false`",
                        step.attribute("disable_profiler").value.span, "not a literal")
        hyper = step.attribute("hyperparameters")
        target = ctx.program.follow(hyper.value) if hyper is not None else None
        for entry in target.entries if isinstance(target, ir.MapExpr) else ():
            value = ctx.program.follow(entry.value)
            if isinstance(value, (ir.ListExpr, ir.MapExpr)) and ctx.literal(value) is None:
                yield error("E0304", f"hyperparameter `{entry.key}`: a list or map must hold only "
                            "literals (the SDK turns it into a string with str())", entry.value.span,
                            "holds an expression", "pass the value as its own hyperparameter, or use join(...)")
        channels = {}
        for channel in step.inputs:
            name = channel.name or "training"
            span = channel.name_span or channel.span.start()
            if name in channels:
                yield error("E0101", f"channel `{name}` is declared twice", span, "declared again here",
                            notes=[(channels[name], "first declared here")])
            channels[name] = span
            if channel.value is not None:
                ctx.expect(channel.value, "string", f"channel `{name}`")
            else:
                ctx.attributes(channel.attributes, CHANNEL_FIELDS, f"channel `{name}`",
                               owner_span=span)

    def needs_default_bucket(self, step, ctx):
        if step.attribute("output_path") is None:
            return [("`output_path`", step.name_span)]
        return []

    def property_problem(self, parts, ctx):
        return ctx.walk_shape(self.property_root, parts)

    def channel(self, channel: ir.Input, ctx) -> dict:
        if channel.value is not None:
            fields = {"s3_data": ctx.value(channel.value)}
        else:
            fields = {a.name: ctx.value(a.value) for a in channel.attributes}
        source = {"S3DataType": fields.get("s3_data_type", "S3Prefix"), "S3Uri": fields.get("s3_data"),
                  "S3DataDistributionType": fields.get("distribution", "FullyReplicated")}
        out = {"DataSource": {"S3DataSource": source}}
        if fields.get("content_type") is not None:
            out["ContentType"] = fields["content_type"]
        if fields.get("input_mode") is not None:
            out["InputMode"] = fields["input_mode"]
        out["ChannelName"] = channel.name or "training"
        return out

    def json_arguments(self, step, ctx) -> dict:
        def attr(name, default=None):
            return ctx.attr(step, name, default)

        output_path = attr("output_path", f"s3://{ctx.program.default_bucket}/")
        algorithm = {"TrainingInputMode": attr("input_mode", "File"), "TrainingImage": attr("image_uri")}
        if step.attribute("metric_definitions"):
            algorithm["MetricDefinitions"] = attr("metric_definitions")
        output = {"S3OutputPath": output_path}
        if step.attribute("output_kms_key"):
            output["KmsKeyId"] = attr("output_kms_key")
        resources = {"VolumeSizeInGB": attr("volume_size", 30)}
        if step.attribute("volume_kms_key"):
            resources["VolumeKmsKeyId"] = attr("volume_kms_key")
        resources["InstanceCount"] = attr("instance_count")
        resources["InstanceType"] = attr("instance_type")
        args = {
            "AlgorithmSpecification": algorithm,
            "OutputDataConfig": output,
            "StoppingCondition": {"MaxRuntimeInSeconds": attr("max_run", 86400)},
            "ResourceConfig": resources,
            "RoleArn": attr("role"),
        }
        if step.inputs:
            args["InputDataConfig"] = [self.channel(c, ctx) for c in step.inputs]
        hyper = step.attribute("hyperparameters")
        if hyper is not None:
            target = ctx.program.follow(hyper.value)
            if isinstance(target, ir.MapExpr) and target.entries:
                args["HyperParameters"] = {e.key: ctx.to_string(e.value) for e in target.entries}
        if step.attribute("environment") is not None:
            args["Environment"] = attr("environment")
        if step.attribute("tags") is not None:
            args["Tags"] = tags(ctx, step.attribute("tags").value)
        if step.attribute("subnets") is not None and step.attribute("security_group_ids") is not None:
            args["VpcConfig"] = {"Subnets": attr("subnets"), "SecurityGroupIds": attr("security_group_ids")}
        network = step.attribute("enable_network_isolation")
        if network is not None and is_set(ctx, network.value):
            args["EnableNetworkIsolation"] = attr("enable_network_isolation")
        args["DebugHookConfig"] = {"S3OutputPath": output_path, "CollectionConfigurations": []}
        if attr("disable_profiler") is True:
            args["ProfilerConfig"] = {"DisableProfiler": True}
        else:
            args["ProfilerConfig"] = {"S3OutputPath": output_path, "DisableProfiler": False}
        return args

    def docs_details(self, step, ctx) -> list:
        if not step.inputs:
            return []
        out = ["Input channels:", ""]
        for channel in step.inputs:
            name = ctx.code(channel.name or "training")
            if channel.value is not None:
                out.append(f"- {name}: {ctx.code(ctx.text(channel.value))}")
            else:
                fields = {a.name: a.value for a in channel.attributes}
                extra = ", ".join(f"{k} {ctx.code(ctx.text(v))}" for k, v in fields.items() if k != "s3_data")
                data = ctx.code(ctx.text(fields["s3_data"])) if "s3_data" in fields else "?"
                out.append(f"- {name}: {data}" + (f" ({extra})" if extra else ""))
        return out + [""]

    def sdk_step(self, step, ctx) -> SdkStep:
        estimator = ctx.var_for(step.name, "estimator")
        args = [(name, ctx.attr(step, name)) for name in self.fields]
        args.append(("sagemaker_session", ctx.session))
        channels = []
        for channel in step.inputs:
            if channel.value is not None:
                fields = f"s3_data={ctx.py(channel.value)}"
            else:
                fields = ctx.call_args((a.name, ctx.py(a.value)) for a in channel.attributes)
            channels.append(f"{(channel.name or 'training')!r}: {ctx.imp('TrainingInput')}({fields})")
        fit = f"{estimator}.fit(inputs={{{', '.join(channels)}}})" if channels else f"{estimator}.fit()"
        before = f"{estimator} = {ctx.imp('Estimator')}({ctx.call_args(args)})"
        return SdkStep("TrainingStep", (("step_args", fit),), (before,))


@hookimpl
def pipedsl_step_kinds():
    return [Training()]
