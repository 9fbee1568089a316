"""`training`: `TrainingStep(step_args=Estimator(...).fit(inputs={...}))`, Type `Training`.

`Arguments` is the CreateTrainingJob request the SDK captures, minus the job name, in the
order of `Session._get_train_request`.
"""
from __future__ import annotations

from typing import Any, List, Tuple

from dsl.diagnostics import error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, Names, SdkStep, StepKind, v3_unwritten
from dsl.extension.layout import Slot
from dsl.syntax import ir

from . import _frameworks, _job_names, _plain_session, _profiling, _rules, _trainer_v3
from ._common import read_tags, slot_tags
from ._estimator import (
    CHANNEL_FIELDS,
    ESTIMATOR_FIELDS,
    channels,
    check_estimator,
    docs_channels,
    hyperparameters,
    output_path,
    read_channels_slot,
    read_hyperparameters,
    read_image,
    read_output_path,
    read_vpc,
    sdk_estimator,
    sdk_inputs,
    slot_vpc,
)

# What real training jobs set beyond the basics: spot, checkpoints, warm pools, the container's
# command, private registries, retries (each where CreateTrainingJob takes it).
EXTRA_FIELDS = {
    "use_spot_instances": Field("boolean", doc="managed spot training (with `max_wait`)",
                                json="EnableManagedSpotTraining", default=False, omit="unset"),
    "max_wait": Field("integer", doc="seconds to wait for spot capacity and run, at least `max_run`",
                      json="StoppingCondition.MaxWaitTimeInSeconds"),
    "checkpoint_s3_uri": Field("string", doc="S3 URI the job's checkpoints are synced to",
                               json="CheckpointConfig.S3Uri", omit="unset"),
    "checkpoint_local_path": Field("string", doc="with `checkpoint_s3_uri`: the path in the container",
                                   json="CheckpointConfig.LocalPath", within="CheckpointConfig"),
    "keep_alive_period_in_seconds": Field("integer", doc="keep the instances warm this long (warm pools)",
                                          json="ResourceConfig.KeepAlivePeriodInSeconds"),
    "container_entry_point": Field("list", items="string", doc="the container's entry point",
                                   json="AlgorithmSpecification.ContainerEntrypoint"),
    "container_arguments": Field("list", items="string", doc="the container's arguments",
                                 json="AlgorithmSpecification.ContainerArguments"),
    "training_repository_access_mode": Field(
        "string", doc="Platform or Vpc: how the image is pulled",
        json="AlgorithmSpecification.TrainingImageConfig.TrainingRepositoryAccessMode"),
    "training_repository_credentials_provider_arn": Field(
        "string", doc="Lambda giving the private registry's credentials",
        json="AlgorithmSpecification.TrainingImageConfig.TrainingRepositoryAuthConfig."
             "TrainingRepositoryCredentialsProviderArn", within="AlgorithmSpecification.TrainingImageConfig"),
    "encrypt_inter_container_traffic": Field("boolean", doc="encrypt traffic between the instances",
                                             json="EnableInterContainerTrafficEncryption", default=False, omit="unset"),
    "max_retry_attempts": Field("integer", doc="times the service retries the job (1-30)",
                                json="RetryStrategy.MaximumRetryAttempts"),
    "enable_remote_debug": Field("boolean", doc="allow remote debugging of the job's containers",
                                 json="RemoteDebugConfig.EnableRemoteDebug"),
    "enable_session_tag_chaining": Field("boolean", doc="pass the session tags of the role's session on",
                                         json="SessionChainingConfig.EnableSessionTagChaining"),
    "debugger_hook_config": Field("any", doc="false (no hook), or { s3_output_path, container_local_output_path, "
                                             "hook_parameters: {…}, collection_configs: [{ name, parameters }] } "
                                             "(a DebuggerHookConfig)"),
    "profiler_config": Field("map", doc="{ s3_output_path, system_monitor_interval_millis, framework_profile_params } "
                                        "(a ProfilerConfig; framework_profile_params: a FrameworkProfile's settings)"),
    "rules": Field("list", doc='Debugger and Profiler rules: built-in `{ rule: "VanishingGradient" }` (with '
                              "`rule_parameters`, `collections_to_save`, …) or custom `{ name, image_uri, "
                              "instance_type, volume_size_in_gb, source, rule_to_invoke, … }` (`profiler: true` "
                              "for a ProfilerRule)"),
}
# (DebuggerHookConfig keyword, JSON key) and ProfilerConfig's, in the order the SDK writes them
HOOK_KEYS = (("s3_output_path", "S3OutputPath"), ("container_local_output_path", "LocalPath"),
             ("hook_parameters", "HookParameters"))
PROFILER_KEYS = {"s3_output_path": "string", "system_monitor_interval_millis": "integer",
                 "framework_profile_params": "map"}
HOOK_FIELDS = {"s3_output_path": "string", "container_local_output_path": "string", "hook_parameters": "map",
               "collection_configs": "list"}


# what SDK v3's ModelTrainer cannot write (each refused with `--sdk 3`, E0321)
V3_UNWRITTEN = {
    "debugger_hook_config": "ModelTrainer writes no DebugHookConfig",
    "profiler_config": "ModelTrainer writes no ProfilerConfig",
    "disable_profiler": "ModelTrainer writes no ProfilerConfig (its jobs have no SDK profiler to turn off)",
    "rules": "ModelTrainer takes no Debugger or Profiler rules",
    "container_entry_point": "ModelTrainer sets the container's entry point only to run its own source-code driver",
    "container_arguments": "ModelTrainer sets the container's arguments only to run its own source-code driver",
    "enable_sagemaker_metrics": "ModelTrainer takes no SageMaker Metrics time-series flag",
    "compiler_config": "v3 has no Training Compiler (ModelTrainer takes no compiler config)",
    **{name: "v3 has no plain-Session `TrainingStep(estimator=...)` form" for name in _plain_session.FIELDS},
    "code_location": "v3 has no plain-Session `TrainingStep(estimator=...)` form, whose code this places",
}


class Training(StepKind):
    name = "training"
    type = "Training"
    sdk_class = "TrainingStep"
    summary = "a SageMaker training job (Estimator.fit)"
    request_shape = "CreateTrainingJobRequest"
    property_root = "DescribeTrainingJobResponse"
    job_step = True
    experiment_run = "the training job"
    job_name_key = "TrainingJobName"
    members = frozenset({"input"})
    fields = {**ESTIMATOR_FIELDS,
              "image_uri": Field("string", doc="training image (required unless `framework` picks it)",
                                 json="AlgorithmSpecification.TrainingImage"),
              "enable_sagemaker_metrics": Field("boolean", doc="SageMaker Metrics time series (framework "
                                                "estimators turn it on from certain versions)",
                                                json="AlgorithmSpecification.EnableSageMakerMetricsTimeSeries"),
              **_frameworks.FRAMEWORK_FIELDS,
              **EXTRA_FIELDS,
              **_plain_session.FIELDS,
              "code_location": Field("string", doc="with `plain_session` and a framework's local code: the S3 "
                                                   "prefix of its upload (CODE_LOCATION/JOB/source/; default "
                                                   "s3://BUCKET)")}
    fields = v3_unwritten(fields, V3_UNWRITTEN)
    member_fields = {"input": CHANNEL_FIELDS}
    flavours = frozenset({"v2", "v3"})

    def named_properties(self, step):
        return {("InputDataConfig",): Names([c.name or "training" for c in step.inputs], "channel")}

    @property
    def sdk_imports(self):  # type: ignore[override] # (computed: the classes this file's steps use)
        imports = {"sagemaker.estimator": ("Estimator",), "sagemaker.inputs": ("TrainingInput",),
                   "sagemaker.workflow.steps": ("TrainingStep",),
                   "sagemaker.debugger": ("CollectionConfig", "DebuggerHookConfig", "ProfilerConfig", "Rule",
                                          "ProfilerRule", "rule_configs") + _profiling.SDK_IMPORTS}
        for spec in _frameworks.ESTIMATORS.values():
            imports[spec.module] = (spec.sdk_class,)
        imports.update(_frameworks.COMPILER_IMPORTS)
        imports["sagemaker.session"] = (_plain_session.JOB_NAME_IMPORT,)
        imports.update(_trainer_v3.SDK_IMPORTS)
        return imports

    def check(self, step, ctx):
        yield from check_estimator(step, ctx)
        if ctx.program.flavour == "v3":
            yield from _trainer_v3.check(step, ctx)
        yield from self.check_configs(step, ctx)
        local = step.attribute("framework") is not None and _frameworks.code_paths(step, ctx.program)
        where = (step.attribute("source_dir") or step.attribute("entry_point")) if local else None
        yield from _plain_session.check(step, ctx, where.value.span if where is not None else None,
                                        extra=("code_location",))
        location = step.attribute("code_location")
        if location is not None and not local:
            yield error("E0304", "`code_location` is where a framework estimator's local code goes: this step has "
                        "none", location.name_span, "no local code")
        elif location is not None and not str(ctx.program.literal(location.value) or "").startswith("s3://"):
            yield error("E0304", "`code_location` is an S3 URI", location.value.span, "not s3://...")
        if step.attribute("framework") is not None:
            yield from _frameworks.check(step, ctx)
        else:
            if step.attribute("image_uri") is None:
                yield error("E0303", f"`training` step `{step.name}` needs `image_uri` (or `framework`)",
                            step.name_span, "`image_uri` missing",
                            'add `image_uri = ...`, or e.g. `framework = "pytorch"` with its version and entry_point')
            for name in _frameworks.FRAMEWORK_FIELDS:
                if name != "framework" and step.attribute(name) is not None:
                    yield error("E0304", f"`{name}` goes with `framework`", step.attribute(name).name_span,
                                "no `framework`")

    def needs_default_bucket(self, step, ctx):
        out = [("`output_path`", step.name_span)] if step.attribute("output_path") is None else []
        if step.attribute("framework") is not None and _frameworks.code_paths(step, ctx.program):
            out.append(("the upload of local code", step.attribute("framework").name_span))
        return out

    def check_configs(self, step, ctx):
        from ._common import check_map_keys

        hook = step.attribute("debugger_hook_config")
        if hook is not None and ctx.literal(hook.value) is not False:
            if not isinstance(ctx.program.follow(hook.value), ir.MapExpr):
                yield error("E0304", "`debugger_hook_config` is false or a map", hook.value.span, "not a map")
            else:
                yield from check_map_keys(step, ctx, "debugger_hook_config", HOOK_FIELDS)
        if step.attribute("profiler_config") is not None:
            yield from check_map_keys(step, ctx, "profiler_config", PROFILER_KEYS)
            target = ctx.program.follow(step.attribute("profiler_config").value)
            for entry in getattr(target, "entries", ()):
                if entry.key == "framework_profile_params":
                    yield from _profiling.check(entry.value, ctx.program, entry.key_span)
        yield from _rules.check(step, ctx)

    def debug_hook(self, step, ctx, output):
        """`DebugHookConfig` as the SDK writes it (None for `debugger_hook_config = false`)."""
        attribute = step.attribute("debugger_hook_config")
        from_rules = _rules.collections(step, ctx.program, ctx.value)
        if attribute is None:
            return {"S3OutputPath": output, "CollectionConfigurations": from_rules}
        target = ctx.program.follow(attribute.value)
        if not isinstance(target, ir.MapExpr):
            return None
        given = {e.key: e.value for e in target.entries}
        out = {"S3OutputPath": ctx.value(given["s3_output_path"]) if "s3_output_path" in given else output}
        for key, json_key in HOOK_KEYS[1:]:
            if key in given:
                out[json_key] = ctx.value(given[key])
        collections = from_rules  # the rules' collections, then the hook's own
        items = ctx.program.follow(given["collection_configs"]) if "collection_configs" in given else None
        for item in items.items if isinstance(items, ir.ListExpr) else ():
            fields = {e.key: e.value for e in ctx.program.follow(item).entries}
            entry = {"CollectionName": ctx.value(fields["name"])}
            if "parameters" in fields:
                entry["CollectionParameters"] = ctx.value(fields["parameters"])
            if entry not in collections:
                collections.append(entry)
        out["CollectionConfigurations"] = collections
        return out

    def sdk_configs(self, step, ctx) -> list:
        out: List[Tuple[str, Any]] = []
        hook = step.attribute("debugger_hook_config")
        if hook is not None:
            target = ctx.program.follow(hook.value)
            if isinstance(target, ir.MapExpr):
                pairs = []
                for entry in target.entries:
                    if entry.key == "collection_configs":
                        configs = [f"{ctx.imp('CollectionConfig')}({ctx.call_args((e.key, ctx.py(e.value)) for e in ctx.program.follow(item).entries)})"
                                   for item in ctx.program.follow(entry.value).items]
                        pairs.append((entry.key, "[" + ", ".join(configs) + "]"))
                    else:
                        pairs.append((entry.key, ctx.py(entry.value)))
                out.append(("debugger_hook_config", f"{ctx.imp('DebuggerHookConfig')}({ctx.call_args(pairs)})"))
            else:
                out.append(("debugger_hook_config", ctx.py(hook.value)))
        profiler = step.attribute("profiler_config")
        if profiler is not None:
            target = ctx.program.follow(profiler.value)
            pairs = [(e.key, _profiling.sdk_code(e.value, ctx.program, ctx) if e.key == "framework_profile_params"
                      else ctx.py(e.value)) for e in target.entries]
            out.append(("profiler_config", f"{ctx.imp('ProfilerConfig')}({ctx.call_args(pairs)})"))
        if step.attribute("rules") is not None:
            out.append(("rules", _rules.sdk_rules(step, ctx)))
        return out

    def uploads(self, step, ctx):
        if step.attribute("framework") is None:
            return []
        return _frameworks.uploads(step, ctx.program)

    # CreateTrainingJob as Session._get_train_request builds it
    layout = (
        "input_mode", Slot("AlgorithmSpecification.TrainingImage", "image"),
        "training_repository_access_mode", "training_repository_credentials_provider_arn",
        "container_entry_point", "container_arguments", "metric_definitions",
        Slot("AlgorithmSpecification.EnableSageMakerMetricsTimeSeries", "metrics"),
        Slot("OutputDataConfig.S3OutputPath", "output_path"), "output_kms_key",
        Slot("TrainingJobName", "job_name"),
        "max_run", "max_wait",
        "volume_size", "volume_kms_key", "keep_alive_period_in_seconds", "instance_count", "instance_type",
        "role",
        Slot("InputDataConfig", "channels"),
        Slot("HyperParameters", "hyperparameters"),
        "environment",
        Slot("Tags", "tags"),
        Slot("VpcConfig", "vpc"),
        "enable_network_isolation", "encrypt_inter_container_traffic", "use_spot_instances",
        "checkpoint_s3_uri", "checkpoint_local_path",
        Slot("DebugRuleConfigurations", "debug_rules"),
        Slot("DebugHookConfig", "debug_hook"),
        Slot("ProfilerRuleConfigurations", "profiler_rules"),
        Slot("ProfilerConfig", "profiler"),
        "enable_remote_debug", "enable_session_tag_chaining",
        "max_retry_attempts",
    )

    # CreateTrainingJob as SDK v3's ModelTrainer serializes it (plugins/kinds/_trainer_v3.py)
    layouts = {"v3": (
        "input_mode", Slot("AlgorithmSpecification.TrainingImage", "image"), "metric_definitions",
        "training_repository_access_mode", "training_repository_credentials_provider_arn",
        Slot("HyperParameters", "hyperparameters_v3"),
        Slot("InputDataConfig", "channels_v3"),
        "instance_type", "instance_count", "volume_size", "volume_kms_key", "keep_alive_period_in_seconds",
        Slot("VpcConfig", "vpc_v3"),
        "role",
        Slot("Tags", "tags"),
        Slot("StoppingCondition.MaxRuntimeInSeconds", "max_run_v3"), "max_wait",
        Slot("OutputDataConfig", "output_v3"),
        "checkpoint_s3_uri", "checkpoint_local_path",
        "environment",
        "use_spot_instances", "encrypt_inter_container_traffic", "enable_network_isolation",
        "enable_remote_debug", "max_retry_attempts", "enable_session_tag_chaining",
    )}

    def slot_hyperparameters_v3(self, step, ctx):
        """Always written (`{}` without hyperparameters); a string as it is, a pipeline value as
        its expression, any other value `json.dumps`ed (v2: `str()`, so `true` is "true", not
        "True")."""
        return _trainer_v3.hyperparameters(step, ctx)

    def slot_channels_v3(self, step, ctx):
        """Each channel `ChannelName` first, then its data source and content type, and an
        `InputMode` always ("File" unless the channel says)."""
        return _trainer_v3.channels(step, ctx) or None

    def slot_vpc_v3(self, step, ctx):
        """`SecurityGroupIds` before `Subnets`."""
        return _trainer_v3.vpc(step, ctx)

    def slot_max_run_v3(self, step, ctx):
        """`max_run`, by default 3600 seconds (v2: 86400)."""
        return ctx.attr(step, "max_run", _trainer_v3.DEFAULT_MAX_RUN)

    def slot_output_v3(self, step, ctx):
        """Without `output_path`: `s3://BUCKET/BASE` with `CompressionType` "GZIP", BASE the
        `base_job_name`, else the image's repository name + "-job" (v2: `s3://BUCKET/`)."""
        return _trainer_v3.output_config(step, ctx)

    def read_hyperparameters_v3(self, value, arguments, ctx):
        return _trainer_v3.read_hyperparameters(value, ctx)

    def read_channels_v3(self, value, arguments, ctx):
        return _trainer_v3.read_channels(value, ctx)

    def read_vpc_v3(self, value, arguments, ctx):
        return read_vpc(self, value, arguments, ctx)

    def read_max_run_v3(self, value, arguments, ctx):
        return [f"max_run = {ctx.value(value)}"] if value not in (None, _trainer_v3.DEFAULT_MAX_RUN) else []

    def read_output_v3(self, value, arguments, ctx):
        return _trainer_v3.read_output(value, arguments, ctx)

    # --- the computed slots, written ----------------------------------------------------

    @staticmethod
    def _framework(step) -> bool:
        return step.attribute("framework") is not None

    def slot_image(self, step, ctx):
        if self._framework(step):
            return _frameworks.image(step, ctx.program)[0]
        return ctx.attr(step, "image_uri")

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: the estimator's base job name (EstimatorBase._ensure_base_job_name)."""
        if not ctx.program.use_custom_job_prefix:
            return None
        base = _job_names.literal_text(step, "base_job_name", ctx.program) or _job_names.base_name_from_image(
            self.slot_image(step, ctx), ctx.program, "training-job")
        return _job_names.job_name(base)

    def read_job_name(self, value, arguments, ctx):
        return [f"base_job_name = {ctx.value(value)}"] if value is not None else []

    def slot_metrics(self, step, ctx):
        if step.attribute("enable_sagemaker_metrics") is not None:
            return ctx.attr(step, "enable_sagemaker_metrics")
        if self._framework(step) and _frameworks.metrics_time_series(step, ctx.program):
            return True
        return None

    def slot_output_path(self, step, ctx):
        return output_path(step, ctx)

    def slot_channels(self, step, ctx):
        return channels(step, ctx) if step.inputs else None

    def slot_hyperparameters(self, step, ctx):
        hyper = _frameworks.json_hyperparameters(step, ctx) if self._framework(step) else hyperparameters(step, ctx)
        return hyper or None

    slot_tags, read_tags = slot_tags, read_tags
    slot_vpc, read_vpc, read_image, read_channels = slot_vpc, read_vpc, read_image, read_channels_slot
    read_output_path, read_hyperparameters = read_output_path, read_hyperparameters

    def _debugger(self, step, ctx) -> bool:
        return not (self._framework(step) and _frameworks.debugger_off(step, ctx.program))

    def slot_debug_rules(self, step, ctx):
        rules = _rules.json_rules(step, ctx)["DebugRuleConfigurations"]
        return rules if rules and self._debugger(step, ctx) else None

    def slot_debug_hook(self, step, ctx):
        return self.debug_hook(step, ctx, output_path(step, ctx)) if self._debugger(step, ctx) else None

    def slot_profiler_rules(self, step, ctx):
        return _rules.json_rules(step, ctx)["ProfilerRuleConfigurations"] or None

    def slot_profiler(self, step, ctx):
        if ctx.attr(step, "disable_profiler") is True:
            return {"DisableProfiler": True}
        profiler = step.attribute("profiler_config")
        target = ctx.program.follow(profiler.value) if profiler is not None else None
        given = {e.key: e.value for e in target.entries} if isinstance(target, ir.MapExpr) else {}
        out = {"S3OutputPath": ctx.value(given["s3_output_path"]) if "s3_output_path" in given
               else output_path(step, ctx), "DisableProfiler": False}
        if "system_monitor_interval_millis" in given:
            out["ProfilingIntervalInMilliseconds"] = ctx.value(given["system_monitor_interval_millis"])
        if "framework_profile_params" in given:
            out["ProfilingParameters"] = _profiling.profiling_parameters(
                ctx.program.literal(given["framework_profile_params"]) or {})
        return out

    # --- and read back (import) ---------------------------------------------------------

    def read_forms(self, step, ctx):
        # a framework estimator's job: `framework = ...` instead of its image and hyperparameters
        if ctx.flavour == "v3":  # (ModelTrainer: no framework estimators)
            return [self.read_step(step, ctx)]
        return _frameworks.readings(self.read_step(step, ctx), step["Arguments"], ctx)

    def region_of(self, arguments):
        return _frameworks.region_of(arguments)

    def read_metrics(self, value, arguments, ctx):
        return [f"enable_sagemaker_metrics = {ctx.value(value)}"] if value is not None else []

    def read_debug_rules(self, value, arguments, ctx):
        rules = _rules.read(arguments, ctx.region())
        return [f"rules = {ctx.value(rules)}"] if rules else []

    def read_debug_hook(self, hook, arguments, ctx):
        output = arguments.get("OutputDataConfig", {}).get("S3OutputPath")
        if hook is None:
            return ["debugger_hook_config = false"]
        if hook == {"S3OutputPath": output, "CollectionConfigurations": []}:
            return []
        pairs = {"s3_output_path": hook.get("S3OutputPath")}
        for key, name in (("LocalPath", "container_local_output_path"), ("HookParameters", "hook_parameters")):
            if key in hook:
                pairs[name] = hook[key]
        if hook.get("CollectionConfigurations"):
            pairs["collection_configs"] = [
                {"name": c.get("CollectionName"), **({"parameters": c["CollectionParameters"]}
                                                     if "CollectionParameters" in c else {})}
                for c in hook["CollectionConfigurations"]]
        return [f"debugger_hook_config = {ctx.value(pairs)}"]

    def read_profiler(self, profiler, arguments, ctx):
        output = arguments.get("OutputDataConfig", {}).get("S3OutputPath")
        if profiler == {"DisableProfiler": True}:
            return ["disable_profiler = true"]
        profiler = profiler or {}
        if profiler.get("DisableProfiler") is False and (profiler.get("S3OutputPath") != output or
                                                          "ProfilingIntervalInMilliseconds" in profiler or
                                                          "ProfilingParameters" in profiler):
            pairs = {"s3_output_path": profiler.get("S3OutputPath")}
            if "ProfilingIntervalInMilliseconds" in profiler:
                pairs["system_monitor_interval_millis"] = profiler["ProfilingIntervalInMilliseconds"]
            if "ProfilingParameters" in profiler:
                params = _profiling.read(profiler["ProfilingParameters"])
                if params is None:
                    raise ValueError("ProfilingParameters that FrameworkProfile does not write")
                pairs["framework_profile_params"] = params
            return [f"profiler_config = {ctx.value(pairs)}"]
        return []

    def docs_details(self, step, ctx) -> list:
        return docs_channels(step, ctx)

    def sdk_step(self, step, ctx) -> SdkStep:
        if ctx.program.flavour == "v3":
            trainer, before, train = _trainer_v3.sdk_trainer(step, ctx)
            return SdkStep("TrainingStep", (("step_args", f"{trainer}.train({train})"),), before)
        framework = ctx.program.literal(step.attribute("framework").value) if step.attribute("framework") else None
        configs = ("debugger_hook_config", "profiler_config", "rules")
        plain = _plain_session.plain(step, ctx.program)
        session, made = _plain_session.session(ctx) if plain else (None, ())
        if framework is not None:
            names = [n for n in self.fields if n not in ("image_uri", "framework", "compiler_config") + configs
                     + tuple(_plain_session.FIELDS)]
            compiler = [("compiler_config", _frameworks.sdk_compiler(step, ctx))]
            estimator, before = sdk_estimator(step, ctx, {n: self.fields[n] for n in names},
                                              cls=_frameworks.ESTIMATORS[framework].sdk_class,
                                              extra=self.sdk_configs(step, ctx) + compiler, session=session)
        else:
            fields = {**ESTIMATOR_FIELDS, "enable_sagemaker_metrics": self.fields["enable_sagemaker_metrics"],
                      **{k: v for k, v in EXTRA_FIELDS.items() if k not in configs}}
            estimator, before = sdk_estimator(step, ctx, fields, extra=self.sdk_configs(step, ctx), session=session)
        if not plain:
            return SdkStep("TrainingStep", (("step_args", f"{estimator}.fit({sdk_inputs(step, ctx)})"),), (before,))
        # TrainingStep(estimator=..., inputs=...): the legacy form, built with the plain Session
        inputs = sdk_inputs(step, ctx)
        kwargs = (("estimator", estimator),) + ((("inputs", inputs[len("inputs="):]),) if inputs else ())
        job = _plain_session.job_name(step, ctx.program)
        after = (f"{ctx.step_var(step.name)}.job_name = {job!r}",) if job else ()
        return SdkStep("TrainingStep", kwargs, made + (before,), after)


@hookimpl
def pipedsl_step_kinds():
    return [Training()]
