"""The SDK v3 form of a `training` step: `TrainingStep(step_args=ModelTrainer(...).train(...))`
(sagemaker-train 1.27.0). The request is the kind's v3 layout (`Training.layouts["v3"]`); the
slots v3 computes differently and the ModelTrainer code are here.

What v3 changes, measured against SDK 3.27.0 (tests/test_sdk_v3.py):
- `ModelTrainer._create_training_job_args` serializes the core shapes, so keys follow the
  shapes' field order (ResourceConfig: type, count, volume; VpcConfig: groups, subnets);
- no Debugger or Profiler configs; `MaxRuntimeInSeconds` 3600 by default; `HyperParameters`
  always written (`{}`); strings kept as they are, other values `json.dumps`ed;
- each channel gets `ChannelName` first and an `InputMode` ("File" unless the channel says);
- with no `output_path`: `s3://BUCKET/BASE` with `CompressionType` "GZIP", where BASE is the
  `base_job_name`, or the image's repository name + "-job".

v3 has no framework estimators. A `framework` step keeps SDK v2's runtime contract, which the
framework images read: the framework's image, the hyperparameters JSON-encoded as v2's
estimators encode them, and `sagemaker_program`/`sagemaker_submit_directory` naming the code
pipedsl packs and `deploy` uploads at its hash-keyed key (the definition stays reproducible).
ModelTrainer keeps a string as it is, so the generated code passes each value already encoded.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List

from dsl.diagnostics import error
from dsl.semantics.program import NOT_LITERAL
from dsl.syntax import ir

DEFAULT_MAX_RUN = 3600  # sagemaker.train.constants.DEFAULT_MAX_RUNTIME_IN_SECONDS

SDK_IMPORTS = {
    "sagemaker.train": ("ModelTrainer",),
    "sagemaker.core.training.configs": ("Compute", "InputData", "Networking"),
    "sagemaker.core.shapes": ("Channel", "CheckpointConfig", "DataSource", "MetricDefinition", "OutputDataConfig",
                              "RemoteDebugConfig", "RetryStrategy", "S3DataSource", "SessionChainingConfig",
                              "StoppingCondition", "Tag", "TrainingImageConfig", "TrainingRepositoryAuthConfig"),
}


def repository(image: str) -> str:
    """`sagemaker.train.utils._get_repo_name_from_image`."""
    return image.split("/")[-1].split(":")[0].split("@")[0]


def base_job_name(step, ctx):
    """The trainer's base job name (TrainDefaults.get_base_job_name), or None when it is only
    known at run time (a parameter as the image)."""
    given = step.attribute("base_job_name")
    if given is not None:
        value = ctx.program.literal(given.value, NOT_LITERAL)
        return value if isinstance(value, str) else None
    if step.attribute("framework") is not None:
        from . import _frameworks

        image = _frameworks.image(step, ctx.program)[0]
    else:
        image = ctx.program.literal(step.attribute("image_uri").value, NOT_LITERAL) \
            if step.attribute("image_uri") is not None else NOT_LITERAL
    return f"{repository(image)}-job" if isinstance(image, str) else None


def check(step, ctx):
    """What the v3 request needs beyond its fields' own checks (a training or tuning step's)."""
    entry = step.attribute("entry_point")
    if step.attribute("framework") is not None and entry is not None and \
            not isinstance(ctx.literal(entry.value), str):
        yield error("E0321", "with SDK v3 a framework's `entry_point` is a literal (the generated code writes "
                    "`sagemaker_program` itself)", entry.value.span, "not a literal",
                    "give the script's path, or transpile with `--sdk 2`")
    if step.attribute("output_path") is None and base_job_name(step, ctx) is None:
        where = step.attribute("base_job_name") or step.attribute("image_uri")
        yield error("E0321", "SDK v3 names the default output path after the base job name, which it takes from "
                    "a literal `base_job_name` or image URI", where.value.span if where else step.name_span,
                    "not a literal", "give `output_path`, or a literal `base_job_name`")


def hyperparameters(step, ctx) -> dict:
    """`safe_serialize` of each value: a string as it is, a pipeline value as its expression,
    anything else `json.dumps`ed; a framework's as its v2 estimator encodes them."""
    if step.attribute("framework") is not None:
        from . import _frameworks

        return _frameworks.json_hyperparameters(step, ctx)
    hyper = step.attribute("hyperparameters")
    target = ctx.program.follow(hyper.value) if hyper is not None else None
    out: Dict[str, Any] = {}
    for entry in target.entries if isinstance(target, ir.MapExpr) else ():
        literal = ctx.literal(entry.value, NOT_LITERAL)
        if literal is NOT_LITERAL:
            out[entry.key] = ctx.value(entry.value)
        else:
            out[entry.key] = literal if isinstance(literal, str) else json.dumps(literal)
    return out


def _channel_fields(channel, value) -> dict:
    if channel.value is not None:
        return {"s3_data": value(channel.value)}
    return {a.name: value(a.value) for a in channel.attributes}


def channels(step, ctx, default_mode: bool = True) -> List[dict]:
    """`InputDataConfig`; `default_mode`: every channel has an `InputMode` (ModelTrainer's), or
    only the channels that give one (a tuner's)."""
    from ._estimator import channels as v2_channels

    out = []
    for entry in v2_channels(step, ctx):  # (v2's TrainingInput channels, the name moved first)
        entry = {"ChannelName": entry.pop("ChannelName"), **entry}
        if default_mode:
            entry.setdefault("InputMode", "File")
        out.append(entry)
    return out


def output_config(step, ctx) -> dict:
    path = step.attribute("output_path")
    if path is None:
        out = {"S3OutputPath": f"s3://{ctx.program.default_bucket}/{base_job_name(step, ctx) or ''}"}
    else:
        out = {"S3OutputPath": ctx.value(path.value)}
    if step.attribute("output_kms_key") is not None:
        out["KmsKeyId"] = ctx.attr(step, "output_kms_key")
    if path is None:
        out["CompressionType"] = "GZIP"
    return out


def vpc(step, ctx):
    if step.attribute("subnets") is None or step.attribute("security_group_ids") is None:
        return None
    return {"SecurityGroupIds": ctx.attr(step, "security_group_ids"), "Subnets": ctx.attr(step, "subnets")}


# --- import: the v3 request read back ----------------------------------------------------

def read_channels(value, ctx, default_mode: bool = True) -> List[str]:
    from ._estimator import read_channels as read_v2

    return read_v2([{k: v for k, v in channel.items() if not (default_mode and k == "InputMode" and v == "File")}
                    for channel in value or ()], ctx)


def read_output(value, arguments, ctx) -> List[str]:
    """Import: `output_path` (or the base job name a default path names) and `output_kms_key`;
    `arguments` is the request (or training job definition) holding the image."""
    value = dict(value or {})
    out = []
    if value.pop("CompressionType", None) == "GZIP":  # the default path: the base job name says it
        path = value.pop("S3OutputPath", "")
        prefix = f"s3://{ctx.default_bucket()}/"
        if not isinstance(path, str) or not path.startswith(prefix):
            raise ValueError("a default output path outside the default bucket")
        base = path[len(prefix):]
        image = arguments.get("AlgorithmSpecification", {}).get("TrainingImage")
        if not isinstance(image, str) or base != f"{repository(image)}-job":
            out.append(f"base_job_name = {ctx.value(base)}")
    elif "S3OutputPath" in value:
        out.append(f"output_path = {ctx.value(value.pop('S3OutputPath'))}")
    if "KmsKeyId" in value:
        out.append(f"output_kms_key = {ctx.value(value.pop('KmsKeyId'))}")
    if value:
        raise ValueError(f"OutputDataConfig keys ModelTrainer does not write: {', '.join(value)}")
    return out


def read_hyperparameters(value, ctx) -> List[str]:
    out = {}
    for key, item in (value or {}).items():
        if isinstance(item, str):
            try:  # the value json.dumps wrote (a number, a boolean, a list) comes back as it was
                parsed = json.loads(item)
                item = parsed if json.dumps(parsed) == item and not isinstance(parsed, str) else item
            except ValueError:
                pass
        out[key] = item
    return [f"hyperparameters = {ctx.value(out)}"] if out else []


# --- the ModelTrainer code ---------------------------------------------------------------

def _call(ctx, cls: str, pairs) -> str:
    return f"{ctx.imp(cls)}({ctx.call_args(pairs)})"


def _tags(step, ctx):
    attribute = step.attribute("tags")
    if attribute is None:
        return None
    target = ctx.program.follow(attribute.value)
    if isinstance(target, ir.MapExpr):
        pairs = [(repr(e.key), ctx.py(e.value)) for e in target.entries]
    elif isinstance(target, ir.ListExpr):
        pairs = []
        for item in target.items:
            entries = {e.key: e.value for e in ctx.program.follow(item).entries}
            pairs.append((ctx.py(entries["Key"]), ctx.py(entries["Value"])))
    else:
        return None
    return "[" + ", ".join(_call(ctx, "Tag", (("key", k), ("value", v))) for k, v in pairs) + "]"


def _metric_definitions(step, ctx):
    attribute = step.attribute("metric_definitions")
    if attribute is None:
        return None
    items = []
    for item in ctx.program.follow(attribute.value).items:
        entries = {e.key: e.value for e in ctx.program.follow(item).entries}
        items.append(_call(ctx, "MetricDefinition", (("name", ctx.py(entries["Name"])),
                                                     ("regex", ctx.py(entries["Regex"])))))
    return "[" + ", ".join(items) + "]"


def _to_string(expr, ctx) -> str:
    """Python giving what SDK v2's `to_string()` makes of a pipeline value (a framework
    estimator's hyperparameter): a String parameter or execution variable as it is, any other
    value inside `Join(on="", values=[...])`."""
    target = ctx.program.follow(expr)
    params = ctx.program.params
    if isinstance(target, ir.Ref) and (target.name == "Execution" or (
            target.name in params and params[target.name].type == "String")):
        return ctx.py(expr)
    if isinstance(target, ir.Ref) or (isinstance(target, ir.Call) and target.name == "json_get"):
        return f"{ctx.imp('Join')}(on='', values=[{ctx.py(expr)}])"
    return ctx.py(expr)


def _hyperparameters(step, ctx):
    if step.attribute("framework") is not None:  # each value as v2's estimator encodes it
        from dsl.semantics.evaluate import JsonContext

        from . import _frameworks

        given = ctx.program.follow(step.attribute("hyperparameters").value) \
            if step.attribute("hyperparameters") is not None else None
        exprs = {e.key: e.value for e in getattr(given, "entries", ())}
        spec = _frameworks.ESTIMATORS[_frameworks.framework_name(step, ctx.program.literal)]
        if spec.extra_hyperparameter and step.attribute(spec.extra_hyperparameter) is not None:
            exprs[spec.extra_hyperparameter] = step.attribute(spec.extra_hyperparameter).value
        encoded = _frameworks.json_hyperparameters(step, JsonContext(ctx.program))
        return "{" + ", ".join(f"{key!r}: {value!r}" if isinstance(value, str) else
                               f"{key!r}: {_to_string(exprs[key], ctx)}" for key, value in encoded.items()) + "}"
    hyper = step.attribute("hyperparameters")
    return ctx.py(hyper.value) if hyper is not None else None


def _input(channel, ctx, default_mode: bool = True) -> str:
    fields = _channel_fields(channel, ctx.py)
    name = repr(channel.name or "training")
    if set(fields) <= {"s3_data", "content_type"}:
        return _call(ctx, "InputData", (("channel_name", name), ("data_source", fields["s3_data"]),
                                        ("content_type", fields.get("content_type"))))
    source = _call(ctx, "S3DataSource", (("s3_data_type", fields.get("s3_data_type", repr("S3Prefix"))),
                                         ("s3_uri", fields["s3_data"]),
                                         ("s3_data_distribution_type",
                                          fields.get("distribution", repr("FullyReplicated")))))
    return _call(ctx, "Channel", (("channel_name", name),
                                  ("data_source", _call(ctx, "DataSource", (("s3_data_source", source),))),
                                  ("content_type", fields.get("content_type")),
                                  ("input_mode", fields.get("input_mode", repr("File") if default_mode else None))))


def sdk_inputs(step, ctx, default_mode: bool = True) -> List[str]:
    """`InputData(...)` (or `Channel(...)` for more than a URI and content type) of each channel;
    `default_mode`: a Channel's input mode is written even when it is "File" (ModelTrainer's
    channels carry one, a tuner's only when given)."""
    return [_input(channel, ctx, default_mode) for channel in step.inputs]


def sdk_trainer(step, ctx, metrics: bool = True) -> tuple:
    """(variable, statements) building the step's ModelTrainer, and the `train()` arguments;
    `metrics`: its metric definitions are the trainer's (a tuner takes them itself)."""
    attr = ctx.attr
    compute = _call(ctx, "Compute", (("instance_type", attr(step, "instance_type")),
                                     ("instance_count", attr(step, "instance_count")),
                                     ("volume_size_in_gb", attr(step, "volume_size")),
                                     ("volume_kms_key_id", attr(step, "volume_kms_key")),
                                     ("keep_alive_period_in_seconds", attr(step, "keep_alive_period_in_seconds")),
                                     ("enable_managed_spot_training", attr(step, "use_spot_instances"))))
    network = [("security_group_ids", attr(step, "security_group_ids")), ("subnets", attr(step, "subnets")),
               ("enable_network_isolation", attr(step, "enable_network_isolation")),
               ("enable_inter_container_traffic_encryption", attr(step, "encrypt_inter_container_traffic"))]
    stopping = [("max_runtime_in_seconds", attr(step, "max_run")), ("max_wait_time_in_seconds", attr(step, "max_wait"))]
    output = None
    if step.attribute("output_path") is not None or step.attribute("output_kms_key") is not None:
        output = _call(ctx, "OutputDataConfig", (("s3_output_path", attr(step, "output_path")),
                                                 ("kms_key_id", attr(step, "output_kms_key"))))
    checkpoint = None
    if step.attribute("checkpoint_s3_uri") is not None:
        checkpoint = _call(ctx, "CheckpointConfig", (("s3_uri", attr(step, "checkpoint_s3_uri")),
                                                     ("local_path", attr(step, "checkpoint_local_path"))))
    image_config = None
    if step.attribute("training_repository_access_mode") is not None:
        arn = attr(step, "training_repository_credentials_provider_arn")
        auth = _call(ctx, "TrainingRepositoryAuthConfig", (("training_repository_credentials_provider_arn", arn),)) \
            if arn is not None else None
        image_config = _call(ctx, "TrainingImageConfig", (
            ("training_repository_access_mode", attr(step, "training_repository_access_mode")),
            ("training_repository_auth_config", auth)))
    image = attr(step, "image_uri")
    before = []
    if step.attribute("framework") is not None:  # (SDK v2's runtime contract: the module docstring)
        from . import _frameworks

        image = repr(_frameworks.image(step, ctx.program)[0])
        upload = _frameworks.submit_directory(step, ctx.program)
        if upload is not None and upload.startswith(f"s3://{ctx.program.default_bucket}/"):
            before.append(f"# the training code: {upload}, packed and uploaded by `pipedsl deploy`")
    args = [("training_image", image), ("role", attr(step, "role")),
            ("base_job_name", attr(step, "base_job_name")), ("compute", compute),
            ("networking", _call(ctx, "Networking", network) if any(v is not None for _, v in network) else None),
            ("stopping_condition", _call(ctx, "StoppingCondition", stopping)
             if any(v is not None for _, v in stopping) else None),
            ("training_image_config", image_config), ("output_data_config", output),
            ("checkpoint_config", checkpoint), ("training_input_mode", attr(step, "input_mode")),
            ("environment", attr(step, "environment")), ("hyperparameters", _hyperparameters(step, ctx)),
            ("tags", _tags(step, ctx)), ("sagemaker_session", ctx.session)]
    trainer = ctx.var_for(step.name, "trainer")
    code = f"{ctx.imp('ModelTrainer')}({ctx.call_args(args)})"
    # the settings ModelTrainer takes through its `with_*` methods
    if metrics and step.attribute("metric_definitions") is not None:
        code += f".with_metric_definitions({_metric_definitions(step, ctx)})"
    if step.attribute("max_retry_attempts") is not None:
        code += f".with_retry_strategy({_call(ctx, 'RetryStrategy', (('maximum_retry_attempts', attr(step, 'max_retry_attempts')),))})"
    if step.attribute("enable_remote_debug") is not None:
        code += f".with_remote_debug_config({_call(ctx, 'RemoteDebugConfig', (('enable_remote_debug', attr(step, 'enable_remote_debug')),))})"
    if step.attribute("enable_session_tag_chaining") is not None:
        code += (".with_session_chaining_config(" + _call(ctx, "SessionChainingConfig", (
            ("enable_session_tag_chaining", attr(step, "enable_session_tag_chaining")),)) + ")")
    inputs = sdk_inputs(step, ctx)
    train = f"input_data_config=[{', '.join(inputs)}]" if inputs else ""
    return trainer, tuple(before) + (f"{trainer} = {code}",), train

