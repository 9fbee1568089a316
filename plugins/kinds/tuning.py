"""`tuning`: `TuningStep(step_args=HyperparameterTuner(Estimator(...), ...).fit(...))`, Type
`Tuning`. `Arguments` is the CreateHyperParameterTuningJob request, minus the job name."""
from __future__ import annotations

from typing import Dict

import attrs

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, Names, SdkStep, StepKind, sdk_keyword, v3_unwritten
from dsl.extension.layout import Moved, Slot
from dsl.syntax import ir

from . import _frameworks, _trainer_v3
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
    read_image,
    read_output_path,
    read_vpc,
    sdk_estimator,
    sdk_inputs,
    slot_vpc,
)
from .training import EXTRA_FIELDS

RANGES = {  # function -> (SDK class, JSON list, argument names)
    "continuous": ("ContinuousParameter", "ContinuousParameterRanges", ("min_value", "max_value", "scaling_type")),
    "integer": ("IntegerParameter", "IntegerParameterRanges", ("min_value", "max_value", "scaling_type")),
    "categorical": ("CategoricalParameter", "CategoricalParameterRanges", ("values",)),
}
JSON_ORDER = ("ContinuousParameterRanges", "CategoricalParameterRanges", "IntegerParameterRanges")
SCALING_TYPES = ("Auto", "Linear", "Logarithmic", "ReverseLogarithmic")
TUNER_FIELDS = ("objective_metric_name", "hyperparameter_ranges", "metric_definitions", "strategy",
                "objective_type", "max_jobs", "max_parallel_jobs", "early_stopping_type", "base_tuning_job_name")
SECOND_ROOT = "ListTrainingJobsForHyperParameterTuningJobResponse"


def range_args(call: ir.Call) -> dict:
    names = RANGES[call.name][2]
    return {arg.name or names[i]: arg.value for i, arg in enumerate(call.args) if arg.name or i < len(names)}


_OBJECTIVE = "HyperParameterTuningJobConfig.HyperParameterTuningJobObjective"


def _tuning_place(name: str, place: str) -> str:
    if name == "hyperparameters":
        return "TrainingJobDefinition.StaticHyperParameters"
    if name == "tags":
        return "Tags"  # the SDK moves them to the tuning request's top level
    if name == "disable_profiler":
        return ""  # a tuning job has no profiler configuration
    if place.startswith("ResourceConfig."):
        return "TrainingJobDefinition.HyperParameterTuningResourceConfig." + place[len("ResourceConfig."):]
    return f"TrainingJobDefinition.{place}" if place else ""


TUNING_IMPORTS = {"sagemaker.estimator": ("Estimator",), "sagemaker.inputs": ("TrainingInput",),
                  "sagemaker.parameter": ("CategoricalParameter", "ContinuousParameter", "IntegerParameter"),
                  "sagemaker.tuner": ("HyperparameterTuner",), "sagemaker.workflow.steps": ("TuningStep",)}


# CreateHyperParameterTuningJob's training job definition takes these of the training extras
TUNING_EXTRAS = ("use_spot_instances", "max_wait", "checkpoint_s3_uri", "checkpoint_local_path",
                 "encrypt_inter_container_traffic", "max_retry_attempts")


# what SDK v3's HyperparameterTuner does not write (E0321 at the member): it builds the training
# job definition from a few of the ModelTrainer's settings and drops the others
V3_UNWRITTEN = {
    "volume_kms_key": "HyperparameterTuner drops the ModelTrainer's volume KMS key",
    "enable_network_isolation": "HyperparameterTuner drops the ModelTrainer's network isolation",
    "encrypt_inter_container_traffic": "HyperparameterTuner drops the ModelTrainer's traffic encryption",
    # (a framework keeps SDK v2's runtime contract, as a training step's: the code at its hash's key)
    "job_name": "v3 has no framework estimators, whose tuning job name v2 pins the code's key and "
                "`sagemaker_job_name` with",
}
# the ranges in the order v3's ParameterRanges shape serializes them (empty ones left out)
V3_RANGE_ORDER = ("IntegerParameterRanges", "ContinuousParameterRanges", "CategoricalParameterRanges")


class Tuning(StepKind):
    name = "tuning"
    type = "Tuning"
    sdk_class = "TuningStep"
    summary = "a SageMaker hyperparameter tuning job (HyperparameterTuner.fit)"
    request_shape = "CreateHyperParameterTuningJobRequest"
    property_root = "DescribeHyperParameterTuningJobResponse"
    job_step = True
    experiment_run = "one run per training job of the tuning job"
    job_name_key = "HyperParameterTuningJobName"
    members = frozenset({"input"})
    member_fields = {"input": CHANNEL_FIELDS}
    fields = {
        # the estimator's fields land in the tuning job's TrainingJobDefinition (hyperparameters
        # become StaticHyperParameters, metric definitions go to the tuner)
        **{name: attrs.evolve(field, json=_tuning_place(name, field.json)) for name, field in ESTIMATOR_FIELDS.items()},
        "metric_definitions": Field("list", items="map", doc="given to the tuner (the SDK drops an estimator's own)",
                                    json="TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions"),
        "objective_metric_name": Field("string", required=True, doc="the metric the tuner optimizes",
                                       json=f"{_OBJECTIVE}.MetricName", omit="never"),
        "objective_type": Field("string", doc="Maximize or Minimize", json=f"{_OBJECTIVE}.Type", default="Maximize",
                                omit="never"),
        "max_jobs": Field("integer", doc="training jobs in all", default=1, omit="never",
                          json="HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs"),
        "max_parallel_jobs": Field("integer", doc="training jobs at once", default=1, omit="never",
                                   json="HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs"),
        "strategy": Field("string", doc="Bayesian, Random, Hyperband or Grid", default="Bayesian", omit="never",
                          json="HyperParameterTuningJobConfig.Strategy"),
        "early_stopping_type": Field("string", doc="Off or Auto", default="Off", omit="never",
                                     json="HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType"),
        "hyperparameter_ranges": Field("custom", required=True,
                                       doc="{ name: continuous(min, max) | integer(min, max) | categorical([...]) }"),
        "image_uri": Field("string", doc="training image (required unless `framework` picks it)",
                           json="TrainingJobDefinition.AlgorithmSpecification.TrainingImage"),
        **{name: field for name, field in _frameworks.FRAMEWORK_FIELDS.items()},
        "base_tuning_job_name": Field("string", doc="the tuning job's name prefix (in the definition only with the "
                                                    "pipeline's `use_custom_job_prefix`)"),
        "job_name": Field("string", doc="with `framework`: the job name the SDK puts in the static "
                                        "hyperparameters and the code's S3 key (its default holds a timestamp)"),
        # the training extras a tuning job's training jobs take (the tuner drops the others)
        **{name: attrs.evolve(EXTRA_FIELDS[name], json="TrainingJobDefinition." + EXTRA_FIELDS[name].json,
                              within=EXTRA_FIELDS[name].within and "TrainingJobDefinition." + EXTRA_FIELDS[name].within)
           for name in TUNING_EXTRAS},
    }
    fields = v3_unwritten(fields, V3_UNWRITTEN)
    flavours = frozenset({"v2", "v3"})

    @property
    def sdk_imports(self):  # type: ignore[override] # (computed: the classes this file's steps use)
        imports = dict(TUNING_IMPORTS)
        for spec in _frameworks.ESTIMATORS.values():
            imports[spec.module] = (spec.sdk_class,)
        imports.update(_frameworks.COMPILER_IMPORTS)
        imports.update(_trainer_v3.SDK_IMPORTS)
        return imports

    def uploads(self, step, ctx):
        return _frameworks.uploads(step, ctx.program) if step.attribute("framework") is not None else []

    def named_properties(self, step):
        return {("InputDataConfig",): Names([c.name or "training" for c in step.inputs], "channel")}

    def check(self, step, ctx):
        yield from check_estimator(step, ctx)
        if ctx.program.flavour == "v3":
            yield from _trainer_v3.check(step, ctx)
            for name in ("max_jobs", "max_parallel_jobs"):  # (ResourceLimits is a pydantic shape of ints)
                attribute = step.attribute(name)
                if attribute is not None and not isinstance(ctx.literal(attribute.value), int):
                    yield error("E0321", f"SDK v3's HyperparameterTuner takes a literal `{name}` (its ResourceLimits "
                                "refuses a pipeline parameter)", attribute.value.span, "not a literal",
                                "give a number, or transpile with `--sdk 2`")
        if step.attribute("framework") is not None:
            yield from _frameworks.check(step, ctx)
            if step.attribute("job_name") is None and _frameworks.code_paths(step, ctx.program) and \
                    ctx.program.flavour == "v2":  # (v3: the code's hash keys it, as a training step's)
                yield error("E0303", "a tuning step with a framework's local code needs `job_name`",
                            step.attribute("framework").name_span, "`job_name` missing",
                            "the SDK names the code's S3 key and `sagemaker_job_name` after the job, with a "
                            'timestamp by default; pin it, e.g. job_name = "churn-tuning"')
        elif step.attribute("image_uri") is None:
            yield error("E0303", f"`tuning` step `{step.name}` needs `image_uri` (or `framework`)", step.name_span,
                        "`image_uri` missing")
        attribute = step.attribute("hyperparameter_ranges")
        if attribute is None:
            return
        target = ctx.program.follow(attribute.value)
        if not isinstance(target, ir.MapExpr) or not target.entries:
            yield error("E0304", "`hyperparameter_ranges` is a map of ranges, e.g. "
                        "`{ lr: continuous(0.01, 0.2) }`", attribute.value.span, "not a map of ranges")
            return
        for entry in target.entries:
            yield from self.check_range(entry, ctx)

    def check_range(self, entry, ctx):
        call = entry.value
        if not isinstance(call, ir.Call) or call.name not in RANGES:
            hint = did_you_mean(call.name, RANGES) if isinstance(call, ir.Call) else None
            yield error("E0304", f"range `{entry.key}` must be `continuous(min, max)`, `integer(min, max)` "
                        "or `categorical([...])`", getattr(call, "name_span", None) or call.span,
                        "not a range", hint)
            return
        names = RANGES[call.name][2]
        args = {}
        for i, arg in enumerate(call.args):
            name = arg.name or (names[i] if i < len(names) else None)
            if name not in names or name in args:
                yield error("E0208", f"`{call.name}` takes {', '.join(names)}", arg.span, "unexpected argument")
                continue
            args[name] = arg.value
        if call.name == "categorical":
            if "values" not in args:
                yield error("E0208", "`categorical` needs a list of values", call.span.start(), "no values")
            else:
                ctx.expect(args["values"], "list", "the categorical values")
            return
        for bound in ("min_value", "max_value"):
            if bound not in args:
                yield error("E0208", f"`{call.name}` needs {bound}", call.span.start(), f"no {bound}")
            else:
                ctx.expect(args[bound], "number", f"the {bound} of `{entry.key}`")
        if "scaling_type" in args:
            ctx.expect(args["scaling_type"], "string", "the scaling type")
            value = ctx.literal(args["scaling_type"])
            if isinstance(value, str) and value not in SCALING_TYPES:
                yield error("E0304", f"unknown scaling type {value!r}", args["scaling_type"].span, "unknown",
                            did_you_mean(value, SCALING_TYPES) or "one of " + ", ".join(SCALING_TYPES))

    def property_problem(self, step, parts, ctx):
        problem = ctx.walk_shape(self.property_root, parts)
        if problem is not None and problem[0] == 0:
            # TrainingJobSummaries[...] comes from ListTrainingJobsForHyperParameterTuningJob
            second = ctx.walk_shape(SECOND_ROOT, parts)
            if second is None or second[0] > 0:
                return second
        return problem

    def needs_default_bucket(self, step, ctx):
        out = [("`output_path`", step.name_span)] if step.attribute("output_path") is None else []
        if step.attribute("framework") is not None and _frameworks.code_paths(step, ctx.program):
            out.append(("the upload of local code", step.attribute("framework").name_span))
        return out

    def ranges(self, step, ctx) -> dict:
        out: Dict[str, list] = {key: [] for key in JSON_ORDER}
        target = ctx.program.follow(step.attribute("hyperparameter_ranges").value)
        for entry in target.entries:
            call = entry.value
            args = range_args(call)
            key = RANGES[call.name][1]
            if call.name == "categorical":
                values = ctx.program.follow(args["values"])
                out[key].append({"Name": entry.key, "Values": [ctx.to_string(v) for v in values.items]})
            else:
                scaling = ctx.literal(args["scaling_type"]) if "scaling_type" in args else "Auto"
                out[key].append({"Name": entry.key, "MinValue": ctx.to_string(args["min_value"]),
                                 "MaxValue": ctx.to_string(args["max_value"]), "ScalingType": scaling})
        return out

    # CreateHyperParameterTuningJob as HyperparameterTuner builds it (the tuning config, then
    # the training job definition of `_TuningJob._prepare_training_config`)
    layout = (
        Slot("HyperParameterTuningJobName", "job_name"),
        "strategy", "max_jobs", "max_parallel_jobs", "early_stopping_type", "objective_type", "objective_metric_name",
        Slot("HyperParameterTuningJobConfig.ParameterRanges", "ranges"),
        Slot("TrainingJobDefinition.StaticHyperParameters", "static"),
        "role",
        Slot("TrainingJobDefinition.OutputDataConfig.S3OutputPath", "output_path"), "output_kms_key",
        "max_run", "max_wait",
        "volume_kms_key", "instance_count", "instance_type", "volume_size",
        "input_mode", "metric_definitions", Slot("TrainingJobDefinition.AlgorithmSpecification.TrainingImage", "image"),
        Slot("TrainingJobDefinition.InputDataConfig", "channels"),
        Slot("TrainingJobDefinition.VpcConfig", "vpc"),
        "enable_network_isolation", "encrypt_inter_container_traffic", "use_spot_instances",
        "checkpoint_s3_uri", "checkpoint_local_path", "max_retry_attempts", "environment",
        Slot("Tags", "tags"),
    )
    # CreateHyperParameterTuningJob as SDK v3's HyperparameterTuner serializes it: the core
    # shapes' field order, and the training job definition of `_build_training_job_definition`
    layouts = {"v3": (
        Moved("TrainingJobDefinition.HyperParameterTuningResourceConfig", "TrainingJobDefinition.ResourceConfig"),
        "strategy", "max_parallel_jobs", "max_jobs", "objective_type", "objective_metric_name",
        Slot("HyperParameterTuningJobConfig.ParameterRanges", "ranges_v3"),
        "early_stopping_type",
        "input_mode", Slot("TrainingJobDefinition.AlgorithmSpecification.TrainingImage", "image"), "metric_definitions",
        "role",
        Slot("TrainingJobDefinition.OutputDataConfig", "output_v3"),
        Slot("TrainingJobDefinition.StoppingCondition.MaxRuntimeInSeconds", "max_run_v3"), "max_wait",
        Slot("TrainingJobDefinition.StaticHyperParameters", "static"),
        Slot("TrainingJobDefinition.InputDataConfig", "channels_v3"),
        Slot("TrainingJobDefinition.VpcConfig", "vpc_v3"),
        "instance_type", "instance_count", "volume_size",
        "use_spot_instances", "checkpoint_s3_uri", "checkpoint_local_path", "max_retry_attempts", "environment",
        Slot("Tags", "tags"),
    )}

    def slot_ranges_v3(self, step, ctx):
        """The integer ranges, then the continuous, then the categorical ones; a kind with
        none is left out (v2: continuous, categorical, integer, each always written)."""
        ranges = self.ranges(step, ctx)
        return {key: ranges[key] for key in V3_RANGE_ORDER if ranges[key]}

    def slot_output_v3(self, step, ctx):
        """As a training step's: without `output_path`, `s3://BUCKET/BASE` with `CompressionType`
        "GZIP" (v2: `s3://BUCKET/`)."""
        return _trainer_v3.output_config(step, ctx)

    def slot_max_run_v3(self, step, ctx):
        """`max_run`, by default 3600 seconds (v2: 86400)."""
        return ctx.attr(step, "max_run", _trainer_v3.DEFAULT_MAX_RUN)

    def slot_channels_v3(self, step, ctx):
        """`ChannelName` first; an `InputMode` only where the channel gives one."""
        return _trainer_v3.channels(step, ctx, default_mode=False) or None

    def slot_vpc_v3(self, step, ctx):
        """`SecurityGroupIds` before `Subnets`."""
        return _trainer_v3.vpc(step, ctx)

    def read_ranges_v3(self, value, arguments, ctx):
        return self.read_ranges(value, arguments, ctx)

    def read_output_v3(self, value, arguments, ctx):
        definition = arguments.get("TrainingJobDefinition", {})
        return _trainer_v3.read_output(value, definition, ctx)

    def read_max_run_v3(self, value, arguments, ctx):
        return [f"max_run = {ctx.value(value)}"] if value not in (None, _trainer_v3.DEFAULT_MAX_RUN) else []

    def read_channels_v3(self, value, arguments, ctx):
        return _trainer_v3.read_channels(value, ctx, default_mode=False)

    def read_vpc_v3(self, value, arguments, ctx):
        return read_vpc(self, value, arguments, ctx)

    slot_tags, read_tags, slot_vpc, read_vpc, read_image = slot_tags, read_tags, slot_vpc, read_vpc, read_image
    read_output_path, read_channels = read_output_path, read_channels_slot

    def slot_ranges(self, step, ctx):
        return self.ranges(step, ctx)

    def slot_static(self, step, ctx):
        target = ctx.program.follow(step.attribute("hyperparameter_ranges").value)
        skip = {e.key for e in target.entries}
        if step.attribute("framework") is not None:
            return _frameworks.json_hyperparameters(step, ctx, skip)
        return hyperparameters(step, ctx, skip=skip)

    def slot_output_path(self, step, ctx):
        return output_path(step, ctx)

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: HyperparameterTuner._prepare_job_name_for_tuning's name."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        given = _job_names.literal_text(step, "job_name", ctx.program)
        if given is not None:
            return _job_names.base_from_name(given)
        base = _job_names.literal_text(step, "base_tuning_job_name", ctx.program) or \
            _job_names.base_name_from_image(self.slot_image(step, ctx), ctx.program, "training-job")
        return _job_names.job_name(base, max_length=32, short=True)

    def read_job_name(self, value, arguments, ctx):
        return [f"base_tuning_job_name = {ctx.value(value)}"] if value is not None else []

    def slot_image(self, step, ctx):
        if step.attribute("framework") is not None:
            return _frameworks.image(step, ctx.program)[0]
        return ctx.attr(step, "image_uri")

    def slot_channels(self, step, ctx):
        return channels(step, ctx) if step.inputs else None

    def read_forms(self, step, ctx):
        # a framework estimator's job: `framework = ...` instead of its image and hyperparameters
        if ctx.flavour == "v3":  # (ModelTrainer: no framework estimators)
            return [self.read_step(step, ctx)]
        return _frameworks.readings(self.read_step(step, ctx), step["Arguments"], ctx, tuning=True)

    def region_of(self, arguments):
        return _frameworks.region_of(arguments, tuning=True)

    def read_static(self, value, arguments, ctx):
        return [f"hyperparameters = {ctx.value(value)}"] if value else []

    def read_ranges(self, ranges, arguments, ctx):
        entries = []
        for key, function in (("ContinuousParameterRanges", "continuous"),
                              ("CategoricalParameterRanges", "categorical"), ("IntegerParameterRanges", "integer")):
            for item in (ranges or {}).get(key, []):
                if function == "categorical":
                    entries.append(f"{ctx.key_text(item['Name'])}: categorical({ctx.value(item['Values'])})")
                else:
                    extra = f", {ctx.value(item['ScalingType'])}" if item.get("ScalingType", "Auto") != "Auto" else ""
                    entries.append(f"{ctx.key_text(item['Name'])}: {function}({_bound_text(item['MinValue'], ctx)}, "
                                   f"{_bound_text(item['MaxValue'], ctx)}{extra})")
        return ["hyperparameter_ranges = { " + ", ".join(entries) + " }"] if entries else []

    def docs_details(self, step, ctx) -> list:
        out = ["Hyperparameter ranges:", ""]
        target = ctx.program.follow(step.attribute("hyperparameter_ranges").value)
        for entry in target.entries:
            args = range_args(entry.value)
            if entry.value.name == "categorical":
                text = f"one of {ctx.text(args['values'])}"
            else:
                text = f"{entry.value.name} from {ctx.text(args['min_value'])} to {ctx.text(args['max_value'])}"
                if "scaling_type" in args:
                    text += f", {ctx.text(args['scaling_type'])} scaling"
            out.append(f"- {ctx.code(entry.key)}: {ctx.code(text)}")
        return out + [""] + docs_channels(step, ctx)

    def sdk_step(self, step, ctx) -> SdkStep:
        framework = ctx.program.literal(step.attribute("framework").value) if step.attribute("framework") else None
        v3 = ctx.program.flavour == "v3"
        if v3:  # HyperparameterTuner(model_trainer=ModelTrainer(...), ...).tune(inputs=[...])
            estimator, builds, _ = _trainer_v3.sdk_trainer(step, ctx, metrics=False)
        elif framework is not None:
            names = [f for f in ESTIMATOR_FIELDS if f not in ("metric_definitions", "image_uri")]
            names += [f for f in _frameworks.FRAMEWORK_FIELDS if f not in ("framework", "compiler_config")]
            names += list(TUNING_EXTRAS)
            estimator, build = sdk_estimator(step, ctx, {f: self.fields[f] for f in names},
                                             cls=_frameworks.ESTIMATORS[framework].sdk_class,
                                             extra=[("compiler_config", _frameworks.sdk_compiler(step, ctx))])
        else:
            estimator_fields = [f for f in ESTIMATOR_FIELDS if f != "metric_definitions"]
            estimator, build = sdk_estimator(step, ctx, {**{f: ESTIMATOR_FIELDS[f] for f in estimator_fields},
                                                         **{f: self.fields[f] for f in TUNING_EXTRAS}})
        target = ctx.program.follow(step.attribute("hyperparameter_ranges").value)
        ranges = []
        for entry in target.entries:
            cls = ctx.imp(RANGES[entry.value.name][0])
            shown = ", ".join(f"{k}={ctx.py(v)}" for k, v in range_args(entry.value).items())
            ranges.append(f"{entry.key!r}: {cls}({shown})")
        tuner = ctx.var_for(step.name, "tuner")
        args = [("model_trainer" if v3 else "estimator", estimator)]
        for name in TUNER_FIELDS:
            if name == "hyperparameter_ranges":
                args.append((name, "{" + ", ".join(ranges) + "}"))
            else:
                args.append((sdk_keyword(self.fields, name), ctx.attr(step, name)))
        build_tuner = f"{tuner} = {ctx.imp('HyperparameterTuner')}({ctx.call_args(args)})"
        if v3:
            inputs = _trainer_v3.sdk_inputs(step, ctx, default_mode=False)
            tune = f"inputs=[{', '.join(inputs)}]" if inputs else ""
            return SdkStep("TuningStep", (("step_args", f"{tuner}.tune({tune})"),), builds + (build_tuner,))
        fit = ", ".join(x for x in (sdk_inputs(step, ctx), f"job_name={ctx.attr(step, 'job_name')}"
                                    if step.attribute("job_name") is not None else "") if x)
        return SdkStep("TuningStep", (("step_args", f"{tuner}.fit({fit})"),), (build, build_tuner))


@hookimpl
def pipedsl_step_kinds():
    return [Tuning()]


def _bound_text(value, ctx) -> str:
    """Import: a range bound. The SDK writes numbers as strings (`str(0.01)`) and a number
    parameter as `Join("", [P])`; read them back as the numbers and parameters they were."""
    join = value.get("Std:Join") if isinstance(value, dict) else None
    if isinstance(join, dict) and join.get("On") == "" and isinstance(join.get("Values"), list) \
            and len(join["Values"]) == 1 and isinstance(join["Values"][0], dict):
        path = join["Values"][0].get("Get", "")
        types = {p.get("Name"): p.get("Type", "String") for p in ctx.data.get("Parameters", []) or []}
        if path.startswith("Parameters.") and types.get(path[len("Parameters."):], "String") != "String":
            return ctx.value(join["Values"][0])
    if isinstance(value, str):
        for convert in (int, float):
            try:
                number = convert(value)
            except ValueError:
                continue
            if str(number) == value and number == number and abs(number) != float("inf"):
                return value
    return ctx.value(value)
