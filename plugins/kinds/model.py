"""`model` and `register_model`: `ModelStep(step_args=Model(...).create(...))` (Type `Model`,
JSON name `NAME-CreateModel`) and `ModelStep(step_args=Model(...).register(...))` (Type
`RegisterModel`, JSON name `NAME-RegisterModel`). References to `NAME` and `depends_on =
[NAME]` resolve to the JSON name, as the SDK resolves them."""
from __future__ import annotations

import re

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, Field, SdkStep, StepKind, placed, sdk_keyword, v3_unwritten
from dsl.extension.layout import Slot
from dsl.syntax import ir

from . import _repack
from ._common import check_map_keys, check_role

MODEL_FIELDS = {
    "image_uri": Field("string", doc="inference image (required unless `containers`, `best_model_of` or, for "
                                     "`register_model`, `estimator` give it)"),
    "containers": Field("list", items="map", doc="a PipelineModel's models, in order: [{ image_uri, model_data, env }] "
                        "(instead of `image_uri`, `model_data`, `env`)"),
    "best_model_of": Field("custom", doc="an `automl` step: its best candidate's model (AutoMLStep."
                           "get_best_auto_ml_model), instead of `image_uri`, `model_data`, `env`"),
    "model_data": Field("string", doc="S3 URI of the model artifacts, e.g. `Train.ModelArtifacts.S3ModelArtifacts`"),
    "role": Field("string", doc="IAM role ARN"),
    "env": Field("map", doc="container environment"),
    "name": Field("string", doc="the model's name (not part of the definition: the service names it)"),
    "vpc_config": Field("map", doc="{ Subnets: [...], SecurityGroupIds: [...] }"),
    "enable_network_isolation": Field("boolean", doc="no network access for the container", default=False,
                                      omit="unset"),
    **_repack.FIELDS,
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
                   "model_package_group_name", "approval_status", "package_description",
                   "customer_metadata_properties", "validation_specification", "domain", "sample_payload_url", "task", "source_uri",
                   "skip_model_validation", "framework", "framework_version", "nearest_model_name",
                   "data_input_configuration")
# SDK v3: ModelStep(step_args=ModelBuilder(...).build() / .register(...)); what it does not write
V3_IMPORTS = {"sagemaker.serve.model_builder": ("ModelBuilder",), "sagemaker.serve.configs": ("Network",),
              "sagemaker.core.training.configs": ("SourceCode",), "sagemaker.core.shapes": ("OutputDataConfig",)}
V3_UNWRITTEN = {
    "containers": "SDK v3 has no PipelineModel: ModelBuilder builds one container (its modelbuilder_list builds "
                  "inference components, not a serial pipeline)",
    "best_model_of": "SDK v3 has no AutoML step, whose best candidate this names",
    "dependencies": "SDK v3's SourceCode takes no dependency folders: put them inside `source_dir`",
    "legacy": "v3 has no CreateModelStep",
    "estimator": "v3 has no RegisterModel step collection",
    "tags": "v3 has no RegisterModel step collection, whose tags these are",
    "framework": "ModelBuilder.register() takes no framework",
    "framework_version": "ModelBuilder.register() takes no framework version",
}
IMPORTS = {**V3_IMPORTS, "sagemaker.model": ("Model",), "sagemaker.workflow.model_step": ("ModelStep",),
           "sagemaker.pipeline": ("PipelineModel",),
           "sagemaker.workflow.step_collections": ("RegisterModel",),
           "sagemaker.workflow.steps": ("CreateModelStep",), "sagemaker.inputs": ("CreateModelInput",),
           "sagemaker.metadata_properties": ("MetadataProperties",),
           "sagemaker.model_life_cycle": ("ModelLifeCycle",), "sagemaker.model_card": ("ModelPackageModelCard",),
           "sagemaker.model_metrics": ("MetricsSource", "ModelMetrics", "FileSource"),
           "sagemaker.drift_check_baselines": ("DriftCheckBaselines",)}

# `model_metrics { ... }` and `drift_check_baselines { ... }` blocks of `register_model`, as the
# SDK's ModelMetrics / DriftCheckBaselines take them: field -> (JSON group, JSON key, source
# class), in the order the SDK writes them. Each value is a map of the source's fields.
METRICS_SOURCE = {"s3_uri": "string", "content_type": "string", "content_digest": "string"}
METRICS_BLOCKS = {
    "model_metrics": ("ModelMetrics", "ModelMetrics", {
        "model_statistics": ("ModelQuality", "Statistics", "MetricsSource"),
        "model_constraints": ("ModelQuality", "Constraints", "MetricsSource"),
        "model_data_statistics": ("ModelDataQuality", "Statistics", "MetricsSource"),
        "model_data_constraints": ("ModelDataQuality", "Constraints", "MetricsSource"),
        "bias": ("Bias", "Report", "MetricsSource"),
        "bias_pre_training": ("Bias", "PreTrainingReport", "MetricsSource"),
        "bias_post_training": ("Bias", "PostTrainingReport", "MetricsSource"),
        "explainability": ("Explainability", "Report", "MetricsSource"),
    }),
    "drift_check_baselines": ("DriftCheckBaselines", "DriftCheckBaselines", {
        "model_statistics": ("ModelQuality", "Statistics", "MetricsSource"),
        "model_constraints": ("ModelQuality", "Constraints", "MetricsSource"),
        "model_data_statistics": ("ModelDataQuality", "Statistics", "MetricsSource"),
        "model_data_constraints": ("ModelDataQuality", "Constraints", "MetricsSource"),
        "bias_config_file": ("Bias", "ConfigFile", "FileSource"),
        "bias_pre_training_constraints": ("Bias", "PreTrainingConstraints", "MetricsSource"),
        "bias_post_training_constraints": ("Bias", "PostTrainingConstraints", "MetricsSource"),
        "explainability_constraints": ("Explainability", "Constraints", "MetricsSource"),
        "explainability_config_file": ("Explainability", "ConfigFile", "FileSource"),
    }),
}
# ModelMetrics always writes these groups, even empty; DriftCheckBaselines only those it has
ALWAYS_GROUPS = {"model_metrics": ("Bias", "Explainability")}
SOURCE_KEYS = {"MetricsSource": ("content_type", "s3_uri", "content_digest"),  # (their JSON order)
               "FileSource": ("s3_uri", "content_digest", "content_type")}
SOURCE_JSON = {"content_type": "ContentType", "s3_uri": "S3Uri", "content_digest": "ContentDigest"}


# `metadata_properties { … }`, `model_life_cycle { … }` and `model_card { … }` blocks of
# register_model: (JSON key, the SDK class, {field: (its JSON key, type, doc)}), fields in the
# SDK's order. The card's content is written as JSON text, as the SDK writes it.
PLAIN_BLOCKS = {
    "metadata_properties": ("MetadataProperties", "MetadataProperties", {
        "commit_id": ("CommitId", "string", "the commit the model was built from"),
        "repository": ("Repository", "string", "the repository"),
        "generated_by": ("GeneratedBy", "string", "what made the model (a CI job, a person)"),
        "project_id": ("ProjectId", "string", "the SageMaker project"),
    }),
    "model_life_cycle": ("ModelLifeCycle", "ModelLifeCycle", {
        "stage": ("Stage", "string", "e.g. Development, Staging, Production"),
        "stage_status": ("StageStatus", "string", "e.g. InProgress, Approved"),
        "stage_description": ("StageDescription", "string", "a description of the stage"),
    }),
    "model_card": ("ModelCard", "ModelPackageModelCard", {
        "model_card_status": ("ModelCardStatus", "string", "Draft, PendingReview, Approved or Archived"),
        "model_card_content": ("ModelCardContent", "map", "the card's content (a map, written as JSON text)"),
    }),
}


def _plain_fields(block: str) -> dict:
    key, _, fields = PLAIN_BLOCKS[block]
    return {name: Field(kind, doc=doc, json=f"{key}.{json_key}",
                        required=block == "model_card") for name, (json_key, kind, doc) in fields.items()}


def _metrics_fields(block: str) -> dict:
    return {name: Field("map", doc=f"a {cls}: {{ s3_uri: ..., " + ("content_type: ..." if cls == "MetricsSource" else
                                                                     "content_type: ... (optional)") + " }",
                        json=f"{METRICS_BLOCKS[block][0]}.{group}.{key}")
            for name, (group, key, cls) in METRICS_BLOCKS[block][2].items()}


class _ModelKind(StepKind):
    sdk_imports = IMPORTS
    sdk_session = True  # the SDK code's Model needs the PipelineSession
    sdk_class = "ModelStep"
    cache = False
    suffix = ""

    def json_name(self, name: str, flavour: str = "v2") -> str:
        return name if flavour == "v3" else f"{name}-{self.suffix}"  # (v3's ModelStep adds no suffix)

    def check(self, step, ctx):
        yield from check_role(step, ctx)
        yield from check_map_keys(step, ctx, "vpc_config", VPC_KEYS)
        yield from _repack.check(step, ctx)
        yield from self.check_containers(step, ctx)
        yield from self.check_best(step, ctx)

    CONTAINER_KEYS = {"image_uri": "string", "model_data": "string", "env": "map"}

    def check_containers(self, step, ctx):
        containers = step.attribute("containers")
        if containers is None:
            if step.attribute("image_uri") is None and step.attribute("estimator") is None and \
                    step.attribute("best_model_of") is None:
                yield error("E0303", f"`{self.name}` step `{step.name}` needs `image_uri` (or `containers`"
                            + (", or `estimator`" if self.name == "register_model" else "") + ")",
                            step.name_span, "`image_uri` missing", "add `image_uri = ...`")
            return
        for name in ("image_uri", "model_data", "env", "entry_point", "source_dir", "dependencies", "estimator"):
            if step.attribute(name) is not None:
                yield error("E0304", f"`{name}` and `containers` exclude each other (each container has its own)",
                            step.attribute(name).name_span, "not with containers",
                            "a PipelineModel's models are the `containers` entries")
        target = ctx.program.follow(containers.value)
        items = target.items if isinstance(target, ir.ListExpr) else ()
        if not items:
            yield error("E0304", "`containers` lists the PipelineModel's models", containers.value.span, "empty",
                        "e.g. [{ image_uri: preprocess, model_data: ... }, { image_uri: xgboost, model_data: ... }]")
        for item in items:
            entry = ctx.program.follow(item)
            if not isinstance(entry, ir.MapExpr):
                yield error("E0304", "a container is { image_uri, model_data, env }", item.span, "not a map")
                continue
            keys = {e.key for e in entry.entries}
            for e in entry.entries:
                if e.key not in self.CONTAINER_KEYS:
                    yield error("E0302", f"unknown key `{e.key}` in a container", e.key_span, "unknown key",
                                did_you_mean(e.key, self.CONTAINER_KEYS) or "keys: image_uri, model_data, env")
                else:
                    ctx.expect(e.value, self.CONTAINER_KEYS[e.key], f"`{e.key}`")
            if "image_uri" not in keys:
                yield error("E0303", "a container needs `image_uri`", entry.span, "no image")

    def pipeline_containers(self, step, ctx):
        """A PipelineModel's containers: each its Model's `prepare_container_def()`."""
        attribute = step.attribute("containers")
        if attribute is None:
            return None
        out = []
        for item in ctx.program.follow(attribute.value).items:
            given = {e.key: e.value for e in ctx.program.follow(item).entries}
            container = {"Image": ctx.value(given["image_uri"]),
                         "Environment": ctx.value(given["env"]) if "env" in given else {}}
            if "model_data" in given:
                container["ModelDataUrl"] = ctx.value(given["model_data"])
            out.append(container)
        return out

    def read_pipeline_containers(self, containers: list, ctx) -> str:
        out = []
        for container in containers:
            if set(container) - {"Image", "Environment", "ModelDataUrl"} or "Environment" not in container:
                raise ValueError("not a container a PipelineModel writes")
            entry = {"image_uri": container["Image"]}
            if "ModelDataUrl" in container:
                entry["model_data"] = container["ModelDataUrl"]
            if container["Environment"]:
                entry["env"] = container["Environment"]
            out.append(entry)
        return f"containers = {ctx.value(out)}"

    # the environment get_best_auto_ml_model() copies from the best candidate, in its order
    BEST_ENVIRONMENT = ("MODEL_NAME", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "SAGEMAKER_SUBMIT_DIRECTORY",
                        "SAGEMAKER_INFERENCE_SUPPORTED", "SAGEMAKER_INFERENCE_OUTPUT", "SAGEMAKER_PROGRAM")

    @staticmethod
    def best_of(step, program):
        attribute = step.attribute("best_model_of")
        target = program.follow(attribute.value) if attribute is not None else None
        return target.name if isinstance(target, ir.Ref) and not target.parts else None

    def best_container(self, automl: str, ctx) -> dict:
        base = f"Steps.{ctx.program.json_name(automl)}.BestCandidate.InferenceContainers[0]"
        return {"Image": {"Get": f"{base}.Image"},
                "Environment": {key: {"Get": f"{base}.Environment['{key}']"} for key in self.BEST_ENVIRONMENT},
                "ModelDataUrl": {"Get": f"{base}.ModelDataUrl"}}

    def check_best(self, step, ctx):
        attribute = step.attribute("best_model_of")
        if attribute is None:
            return
        name = self.best_of(step, ctx.program)
        source = ctx.program.steps.get(name) if name else None
        kind = ctx.program.kind_of(source) if source is not None else None
        if kind is None or kind.name != "automl":
            yield error("E0304", "`best_model_of` names an `automl` step", attribute.value.span, "not an automl step",
                        "e.g. `best_model_of = AutoPilot`")
        for other in ("image_uri", "model_data", "env", "containers", "entry_point", "estimator"):
            if step.attribute(other) is not None:
                yield error("E0304", f"`{other}` and `best_model_of` exclude each other (the best candidate gives "
                            "the container)", step.attribute(other).name_span, "not with best_model_of")
        if step.attribute("role") is None and self.name == "model":
            yield error("E0303", "`best_model_of` needs `role`", attribute.name_span, "no role",
                        "the model's ExecutionRoleArn (get_best_auto_ml_model(role) takes it)")

    def container(self, step, ctx) -> dict:
        best = self.best_of(step, ctx.program)
        if best is not None:
            return self.best_container(best, ctx)
        out = {"Image": ctx.attr(step, "image_uri"),
               "Environment": {**ctx.attr(step, "env", {}), **_repack.environment(step, ctx.program)}}
        if _repack.repacks(step):
            out["ModelDataUrl"] = {"Get": f"Steps.{_repack.step_name(step, ctx.program)}.ModelArtifacts.S3ModelArtifacts"}
        elif step.attribute("model_data") is not None:
            out["ModelDataUrl"] = ctx.attr(step, "model_data")
        return out

    # --- import: the repack job ModelStep puts before a step with inference code ----------

    # where a kind's container is in its Arguments ("PrimaryContainer", "InferenceSpecification.Containers.0")
    container_place = ""

    def _container_json(self, step: dict) -> dict:
        from dsl.extension.layout import MISSING, at

        found = at(step.get("Arguments", {}), self.container_place)
        return found if isinstance(found, dict) and found is not MISSING else {}

    def absorbs(self, before, step):
        suffix = self.json_name("")  # (v2's `-CreateModel`/`-RegisterModel`; SDK v3 adds none)
        base = str(step.get("Name", ""))
        base = base[: -len(suffix)] if base.endswith(suffix) else base
        name = str(before.get("Name", ""))  # (the legacy RegisterModel's has no suffix)
        return (before.get("Type") == "Training" and (name.startswith(f"{base}-RepackModel-")
                                                      or name == f"{base}-RepackModel")
                and self._container_json(step).get("ModelDataUrl") ==
                {"Get": f"Steps.{before['Name']}.ModelArtifacts.S3ModelArtifacts"})

    def read_best(self, step, plain, ctx):
        """The reading `best_model_of = X` of a container that is X's best candidate's, or None."""
        image = self._container_json(step).get("Image")
        got = image.get("Get", "") if isinstance(image, dict) else ""
        suffix = ".BestCandidate.InferenceContainers[0].Image"
        if not (isinstance(got, str) and got.startswith("Steps.") and got.endswith(suffix)):
            return None
        automl = ctx.step_name(got[len("Steps."):-len(suffix)])
        inside = ("image_uri =", "model_data =", "env =")
        return [m for m in plain if not m.startswith(inside)] + [f"best_model_of = {automl}"]

    def _script_mode(self, arguments) -> dict:
        """The container's Environment when it holds the script-mode variables, else {}."""
        from dsl.extension.layout import at

        environment = at(arguments, self.container_place + ".Environment")
        return environment if isinstance(environment, dict) and "SAGEMAKER_PROGRAM" in environment else {}

    def region_of(self, arguments):
        region = self._script_mode(arguments).get("SAGEMAKER_REGION")
        return region if isinstance(region, str) else None

    def bucket_of(self, arguments):
        """A lone script's upload names the default bucket: `s3://BUCKET/NAME/sourcedir.tar.gz`."""
        directory = self._script_mode(arguments).get("SAGEMAKER_SUBMIT_DIRECTORY")
        match = re.fullmatch(r"s3://([^/]+)/[^/]+/sourcedir\.tar\.gz", directory) if isinstance(directory, str) else None
        return match.group(1) if match else None

    def read_script(self, step, plain, ctx):
        """The reading `entry_point = ..., name = ...` of a container whose code is a lone script
        uploaded under the model's name (its script-mode variables last, as the SDK adds them),
        when a file of that name is under the output's folder (the nearest one); else None."""
        import posixpath

        environment = dict(self._container_json(step).get("Environment") or {})
        keys = ["SAGEMAKER_PROGRAM", "SAGEMAKER_SUBMIT_DIRECTORY", "SAGEMAKER_CONTAINER_LOG_LEVEL", "SAGEMAKER_REGION"]
        if list(environment)[-4:] != keys or environment["SAGEMAKER_CONTAINER_LOG_LEVEL"] != "20":
            return None
        program, directory = environment["SAGEMAKER_PROGRAM"], environment["SAGEMAKER_SUBMIT_DIRECTORY"]
        bucket = ctx.default_bucket()
        prefix, suffix = f"s3://{bucket}/", "/sourcedir.tar.gz"
        name = directory[len(prefix):-len(suffix)] if isinstance(directory, str) else ""
        if not (bucket and directory.startswith(prefix) and directory.endswith(suffix)) or "/" in name \
                or not isinstance(program, str):
            return None
        script = next((path for path in ctx.project_files() if posixpath.basename(path) == program), None)
        if script is None or any(m.startswith("name =") for m in plain):
            return None
        rest = {k: v for k, v in environment.items() if k not in keys}
        members = [m for m in plain if not m.startswith("env =")]
        if rest:
            members.append(f"env = {ctx.value(rest)}")
        return members + [f"name = {ctx.value(name)}", f"entry_point = {ctx.value(script)}"]

    def read_forms(self, step, ctx):
        plain = self.read_step(step, ctx)
        best = self.read_best(step, plain, ctx)
        if best is not None:
            return [best, plain]
        before = ctx.before
        if before is None:
            script = self.read_script(step, plain, ctx)
            return [script, plain] if script is not None else [plain]
        if ctx.flavour == "v3":
            return self.read_repack_v3(step, before, plain, ctx)
        import json as _json

        hyper = (before.get("Arguments") or {}).get("HyperParameters") or {}
        archive = hyper.get("model_archive")
        join = archive.get("Std:Join") if isinstance(archive, dict) else None
        if not (isinstance(join, dict) and join.get("On") == "" and len(join.get("Values") or ()) == 1):
            return [plain]  # (a literal archive: the SDK repacks no literal model data)
        data = join["Values"][0]
        entry, source_dir = _json.loads(hyper["inference_script"]), _json.loads(hyper["source_dir"])
        dependencies = _json.loads(hyper["dependencies"])
        output = before["Arguments"]["OutputDataConfig"]["S3OutputPath"]
        environment = dict(self._container_json(step).get("Environment") or {})
        for key in ("SAGEMAKER_PROGRAM", "SAGEMAKER_SUBMIT_DIRECTORY", "SAGEMAKER_CONTAINER_LOG_LEVEL", "SAGEMAKER_REGION"):
            environment.pop(key, None)  # (the script-mode variables the repacking model adds)
        members = [m for m in plain if not m.startswith(("model_data =", "env ="))]
        legacy = before["Name"].endswith("-RepackModel")  # RegisterModel(estimator=...)'s: the estimator's role
        suffix = before["Name"][len(step["Name"]) - len(self.json_name("")) + len("-RepackModel-"):]
        if not legacy and suffix != "0" and not any(m.startswith("name =") for m in members):
            members.append(f"name = {ctx.value(suffix)}")  # (the model's name keys the job's)
        if not legacy and not any(m.startswith("role =") for m in members):  # (a package has none: the job's)
            members.append(f"role = {ctx.value(before['Arguments']['RoleArn'])}")
        members.append(f"model_data = {ctx.value(data)}")
        if environment:
            members.append(f"env = {ctx.value(environment)}")
        members.append(f"entry_point = {ctx.value(entry)}")
        if source_dir is not None:  # (None: a lone script repacked)
            members.append(f"source_dir = {ctx.value(source_dir)}")
        if dependencies:
            members.append(f"dependencies = {ctx.value(str(dependencies).split(' '))}")
        if not legacy:
            members.append(f"repack_output_path = {ctx.value(output)}")
        return [members, plain]

    def read_repack_v3(self, step, after, plain, ctx):
        """The readings of a v3 model step with the repack job SDK v3's ModelStep appends (its
        `after`): the inference code, its folder's build time and the job's output."""
        from . import _repack_v3

        arguments = after.get("Arguments") or {}
        hyper = arguments.get("HyperParameters") or {}
        channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in arguments["InputDataConfig"]}
        time = _repack_v3.read_build_time(channels.get("code"))
        name = after["Name"][len(step["Name"]) + len("-RepackModel-"):]
        if time is None or not isinstance(hyper.get("source_dir"), str):
            return [plain]
        environment = dict(self._container_json(step).get("Environment") or {})
        for key in self.V3_SCRIPT_MODE:
            environment.pop(key, None)  # (the script-mode variables the repacking model adds)
        members = [m for m in plain if not m.startswith(("model_data =", "env =", "name ="))]
        if not any(m.startswith("role =") for m in members):
            members.append(f"role = {ctx.value(arguments['RoleArn'])}")
        members.append(f"name = {ctx.value(name)}")
        members.append(f"model_data = {ctx.value(hyper['model_archive'])}")
        if environment:
            members.append(f"env = {ctx.value(environment)}")
        members += [f"entry_point = {ctx.value(hyper['inference_script'])}",
                    f"source_dir = {ctx.value(hyper['source_dir'])}", f"build_time = {ctx.value(time)}"]
        output = arguments["OutputDataConfig"]["S3OutputPath"]
        if output != f"s3://{ctx.default_bucket()}/{name}":
            members.append(f"repack_output_path = {ctx.value(output)}")
        return [members, plain]

    V3_SCRIPT_MODE = ("SAGEMAKER_PROGRAM", "SAGEMAKER_SUBMIT_DIRECTORY", "SAGEMAKER_CONTAINER_LOG_LEVEL",
                      "SAGEMAKER_REGION")

    def json_steps_before(self, step, ctx) -> list:
        if not _repack.repacks(step) or ctx.program.flavour == "v3":
            return []
        return [_repack.json_step(step, ctx, ctx.depends_on(step))]

    def json_steps_found(self, step, ctx) -> list:
        """SDK v3's ModelStep: the compiler finds the repack job through the model's data and
        writes it last; it carries the step's `depends_on` too."""
        if not _repack.repacks(step) or ctx.program.flavour != "v3":
            return []
        return [_repack.json_step(step, ctx, ctx.depends_on(step))]

    def json_names(self, step, program) -> list:
        own = [self.json_name_of(step, program.flavour)]
        if program.flavour == "v3" or not _repack.repacks(step):  # (v3's repack job is written last, not named)
            return own
        return [_repack.step_name(step, program)] + own

    def json_names_written(self, step, program) -> list:
        names = self.json_names(step, program)
        if program.flavour == "v3" and _repack.repacks(step):  # (its repack job, written last)
            return names + [_repack.step_name(step, program)]
        return names

    def docs_details(self, step, ctx) -> list:
        if not _repack.repacks(step):
            return []
        name = _repack.step_name(step, ctx.program)
        code = step.attribute("source_dir") or step.attribute("entry_point")
        order = "Followed by" if ctx.program.flavour == "v3" else "Preceded by"  # (v3 writes it last)
        return [f"{order} the repack job {ctx.code(name)} (a training job the SDK adds): it puts the inference "
                f"code of {ctx.code(ctx.text(code.value))} into the model archive, and the "
                "model reads the repacked archive.", ""]

    def uploads(self, step, ctx):
        if _repack.uploads_script(step):
            return _repack.script_uploads(step, ctx.program)
        return _repack.uploads(step, ctx.program) if _repack.repacks(step) else []

    def needs_default_bucket(self, step, ctx):
        if step.attribute("entry_point") is not None:
            yield ("the upload of the inference code", step.attribute("entry_point").name_span)

    def sdk_builder(self, step, ctx):
        """(variable, statement) of SDK v3's ModelBuilder for the step's model."""
        builder = ctx.var_for(step.name, "model_builder")
        network = None
        if step.attribute("vpc_config") is not None or step.attribute("enable_network_isolation") is not None:
            settings = [("vpc_config", ctx.attr(step, "vpc_config")),
                        ("enable_network_isolation", ctx.attr(step, "enable_network_isolation"))]
            network = f"{ctx.imp('Network')}({ctx.call_args(settings)})"
        source_code = None
        if step.attribute("entry_point") is not None:  # (checked: a source folder with its script)
            code = [("source_dir", ctx.attr(step, "source_dir")), ("entry_script", ctx.attr(step, "entry_point"))]
            source_code = f"{ctx.imp('SourceCode')}({ctx.call_args(code)})"
        args = [("image_uri", ctx.attr(step, "image_uri")), ("s3_model_data_url", ctx.attr(step, "model_data")),
                ("role_arn", ctx.attr(step, "role")), ("env_vars", ctx.attr(step, "env")), ("network", network),
                ("source_code", source_code), ("sagemaker_session", ctx.session)]
        return builder, f"{builder} = {ctx.imp('ModelBuilder')}({ctx.call_args(args)})"

    def sdk_model(self, step, ctx):
        model = ctx.var_for(step.name, "model")
        best = self.best_of(step, ctx.program)
        if best is not None:  # AutoMLStep.get_best_auto_ml_model(role, sagemaker_session=...)
            return model, (f"{model} = {ctx.step_var(best)}.get_best_auto_ml_model("
                           f"{ctx.attr(step, 'role') or 'None'}, sagemaker_session={ctx.session})")
        if step.attribute("containers") is not None:  # PipelineModel(models=[Model(...), ...], ...)
            models = []
            for item in ctx.program.follow(step.attribute("containers").value).items:
                pairs = [(e.key, ctx.py(e.value)) for e in ctx.program.follow(item).entries]
                models.append(f"{ctx.imp('Model')}({ctx.call_args(pairs + [('sagemaker_session', ctx.session)])})")
            args = [("models", "[" + ", ".join(models) + "]")] + [
                (name, ctx.attr(step, name)) for name in ("role", "name", "vpc_config", "enable_network_isolation")]
            args.append(("sagemaker_session", ctx.session))
            return model, f"{model} = {ctx.imp('PipelineModel')}({ctx.call_args(args)})"
        args = [(sdk_keyword(self.fields, name), ctx.attr(step, name)) for name in MODEL_FIELDS
                if name not in ("repack_output_path", "containers", "build_time")]
        args.append(("sagemaker_session", ctx.session))
        return model, f"{model} = {ctx.imp('Model')}({ctx.call_args(args)})"

    @staticmethod
    def sdk_repack_script(step, model: str, ctx) -> tuple:
        """A lone script repacked: the generic Model repacks only a `source_dir`, so the code
        asks it to repack, as PyTorchModel and HuggingFaceModel do for a lone script."""
        if not _repack.repacks_script(step):
            return ()
        ctx.helpers["_repack_lone_script"] = _repack.REPACK_SCRIPT_HELPER
        return (f"_repack_lone_script({model})",)

    def sdk_repack(self, step, ctx) -> tuple:
        """ModelStep's `repack_model_step_settings`, and the line pinning the repack job's code key."""
        if not _repack.repacks(step):
            return (), ()
        settings = f"{{'output_path': {ctx.attr(step, 'repack_output_path')}}}"
        pin = (f"{ctx.step_var(step.name)}.steps[0].job_name = "
               f"{_repack.job_name(step, ctx.program)!r}")
        why = "# the repack job's name keys its code in S3: pinned to the code's hash (the SDK would use the time)"
        return (("repack_model_step_settings", settings),), (why, pin)


class CreateModel(_ModelKind):
    name = "model"
    type = "Model"
    suffix = "CreateModel"
    summary = "creates a SageMaker model (Model.create)"
    job_name_key = "ModelName"
    property_root = "DescribeModelOutput"
    request_shape = "CreateModelInput"
    docs_shape = "subroutine"
    fields = {**placed(MODEL_FIELDS, CREATE_PLACES),
              "role": Field("string", required=True, doc="IAM role ARN", json="ExecutionRoleArn", omit="never"),
              "instance_type": Field("string", doc="passed to Model.create(); no effect on the definition", **INSTANCE_TYPE),
              "legacy": Field("boolean", default=False, doc="the older `CreateModelStep(model=..., inputs="
                              "CreateModelInput(...))`: the step keeps its name (no `-CreateModel`)")}
    fields = v3_unwritten(fields, V3_UNWRITTEN)

    # CreateModel as Model.create() builds it
    layout = (Slot("ModelName", "model_name"), "role", Slot("PrimaryContainer", "container"),
              Slot("Containers", "containers"), "vpc_config", "enable_network_isolation")
    # SDK v3's ModelBuilder.build() writes the same request (the step's name has no suffix)
    flavours = frozenset({"v2", "v3"})
    container_place = "PrimaryContainer"

    def slot_container(self, step, ctx):
        return None if step.attribute("containers") is not None else self.container(step, ctx)

    def slot_containers(self, step, ctx):
        return self.pipeline_containers(step, ctx)

    def read_containers(self, value, arguments, ctx):
        return [self.read_pipeline_containers(value, ctx)] if value is not None else []

    def slot_model_name(self, step, ctx):
        """With `use_custom_job_prefix`: the model's `name` (the SDK refuses a model without one)."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        return _job_names.base_from_name(_job_names.literal_text(step, "name", ctx.program) or "")

    def read_model_name(self, value, arguments, ctx):
        return [f"name = {ctx.value(value)}"] if value is not None else []

    @staticmethod
    def is_legacy(step) -> bool:
        attribute = step.attribute("legacy")
        return attribute is not None and isinstance(attribute.value, ir.Literal) and attribute.value.value is True

    def json_name_of(self, step, flavour: str = "v2") -> str:
        return step.name if self.is_legacy(step) else self.json_name(step.name, flavour)

    def check(self, step, ctx):
        yield from super().check(step, ctx)
        legacy = step.attribute("legacy")
        if legacy is not None and not isinstance(legacy.value, ir.Literal):
            yield error("E0304", "`legacy` is a literal true or false", legacy.value.span, "not a literal",
                        "it decides the step's name in the definition")
        if ctx.program.use_custom_job_prefix and step.attribute("name") is None:
            yield error("E0303", "with `use_custom_job_prefix`, a `model` step needs `name`", step.name_span,
                        "no model name", "the SDK keeps the model's name in the definition, and refuses a model "
                        "without one")
        if self.is_legacy(step) and _repack.repacks(step):
            yield error("E0304", "a legacy CreateModelStep has no repack job: inference code needs the ModelStep "
                        "form", step.attribute("legacy").name_span, "not with entry_point", "leave `legacy` out")

    def read_forms(self, step, ctx):
        forms = super().read_forms(step, ctx)
        if ctx.flavour == "v2" and not str(step.get("Name", "")).endswith(self.json_name("")):
            return [forms[-1] + ["legacy = true"]] + forms  # CreateModelStep: the name as written
        return forms

    def sdk_step(self, step, ctx) -> SdkStep:
        if ctx.program.flavour == "v3":  # ModelStep(step_args=ModelBuilder(...).build(model_name=...))
            builder, make = self.sdk_builder(step, ctx)
            named = ctx.call_args([("model_name", ctx.attr(step, "name"))])
            settings: tuple = ()
            if _repack.repacks(step) and step.attribute("repack_output_path") is not None:
                output = f"{ctx.imp('OutputDataConfig')}(s3_output_path={ctx.attr(step, 'repack_output_path')})"
                settings = (("repack_model_step_settings", f"{{'output_data_config': {output}}}"),)
            return SdkStep("ModelStep", (("step_args", f"{builder}.build({named})"),) + settings, (make,))
        model, build = self.sdk_model(step, ctx)
        if self.is_legacy(step):
            inputs = ctx.call_args([("instance_type", ctx.attr(step, "instance_type"))])
            return SdkStep("CreateModelStep", (("model", model), ("inputs", f"{ctx.imp('CreateModelInput')}({inputs})")),
                           (build,))
        create = ctx.call_args([("instance_type", ctx.attr(step, "instance_type"))])
        settings, after = self.sdk_repack(step, ctx)
        return SdkStep("ModelStep", (("step_args", f"{model}.create({create})"),) + settings,
                       (build,) + self.sdk_repack_script(step, model, ctx), after)


class RegisterModel(_ModelKind):
    name = "register_model"
    type = "RegisterModel"
    suffix = "RegisterModel"
    summary = "registers a model version in a model package group (Model.register)"
    property_root = "DescribeModelPackageOutput"
    request_shape = "CreateModelPackageInput"
    docs_shape = "store"
    members = frozenset({"block:model_metrics", "block:drift_check_baselines"} |
                        {f"block:{name}" for name in PLAIN_BLOCKS})
    member_fields = {**{f"block:{name}": _metrics_fields(name) for name in METRICS_BLOCKS},
                     **{f"block:{name}": _plain_fields(name) for name in PLAIN_BLOCKS}}
    fields = {
        **placed(MODEL_FIELDS, REGISTER_PLACES),
        "package_description": Field("string", doc="the model package's description (`description` is the step's)",
                                     sdk="description", json="ModelPackageDescription"),
        "sample_payload_url": Field("string", doc="S3 URI of a sample payload", json="SamplePayloadUrl"),
        "source_uri": Field("string", doc="the URI of the model's source", json="SourceUri"),
        "skip_model_validation": Field("string", doc='"All" or "None" (default)', json="SkipModelValidation",
                                       default="None", omit="never"),
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
                                 json="ModelApprovalStatus", default="PendingManualApproval", omit="never"),
        "customer_metadata_properties": Field("map", doc="your own key/value metadata",
                                              json="CustomerMetadataProperties"),
        "validation_specification": Field("map", doc="the ValidationSpecification request, as written",
                                          json="ValidationSpecification"),
        "domain": Field("string", doc="ML domain, e.g. MACHINE_LEARNING", json="Domain"),
        "task": Field("string", doc="ML task, e.g. CLASSIFICATION", json="Task"),
        "framework": Field("string", doc="the model's framework, e.g. XGBOOST",
                           json="InferenceSpecification.Containers.0.Framework"),
        "framework_version": Field("string", doc="the framework's version",
                                   json="InferenceSpecification.Containers.0.FrameworkVersion"),
        "nearest_model_name": Field("string", doc="the pre-trained model nearest to this one (for recommendations)",
                                    json="InferenceSpecification.Containers.0.NearestModelName"),
        "data_input_configuration": Field("string", doc="the input's shapes as JSON text (ModelInput.DataInputConfig)",
                                          json="InferenceSpecification.Containers.0.ModelInput.DataInputConfig"),
        "estimator": Field("custom", doc="the legacy step collection `RegisterModel(estimator=...)`: the `training` "
                                         "step whose estimator is registered (its image unless `image_uri` is given; "
                                         "no container Environment; `description` is the package's too)"),
        "tags": Field("any", doc="with `estimator`: the model package's tags, a map or a list of {Key, Value}"),
    }

    fields = v3_unwritten(fields, V3_UNWRITTEN)
    flavours = frozenset({"v2", "v3"})
    container_place = "InferenceSpecification.Containers.0"

    # CreateModelPackage as Model.register() builds it
    layout = (
        "model_package_group_name", Slot("ModelPackageDescription", "package_description"), Slot("Tags", "tags"),
        *(Slot(key, block) for block, (key, _, _) in METRICS_BLOCKS.items()),
        Slot("MetadataProperties", "metadata_properties"),
        "customer_metadata_properties", "validation_specification", "domain", "sample_payload_url", "task",
        "source_uri",
        Slot("InferenceSpecification.Containers", "containers"),
        "framework", "framework_version", "nearest_model_name", "data_input_configuration", "content_types",
        "response_types", "inference_instances", "transform_instances",
        "approval_status", "skip_model_validation",  # (the SDK writes the string "None")
        Slot("ModelCard", "model_card"),
        Slot("ModelLifeCycle", "model_life_cycle"),
    )

    # SDK v3's ModelBuilder.register(): v2's request, its container's environment completed and
    # the model card's keys in the order of sagemaker-core's shape
    layouts = {"v3": tuple(Slot(leaf.place, leaf.name + "_v3") if isinstance(leaf, Slot) and leaf.name in
                           ("containers", "model_card") else leaf for leaf in layout)}
    # (what ModelBuilder.register() adds to the container's environment, a model without code's too)
    V3_ENVIRONMENT = ("SAGEMAKER_PROGRAM", "SAGEMAKER_SUBMIT_DIRECTORY", "SAGEMAKER_CONTAINER_LOG_LEVEL",
                      "SAGEMAKER_REGION")

    def slot_containers_v3(self, step, ctx):
        """The container's `Environment` gets the script-mode variables even without inference
        code: `SAGEMAKER_PROGRAM` and `SAGEMAKER_SUBMIT_DIRECTORY` empty, the log level "20",
        `SAGEMAKER_REGION` the pipeline's `region`."""
        container = self.container(step, ctx)
        container["Environment"] = {**container["Environment"], "SAGEMAKER_PROGRAM": "",
                                    "SAGEMAKER_SUBMIT_DIRECTORY": "", "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
                                    "SAGEMAKER_REGION": ctx.program.region}
        return [container]

    def read_containers_v3(self, value, arguments, ctx):
        containers = value or []
        environment = dict(containers[0].get("Environment") or {}) if len(containers) == 1 else {}
        added = {key: environment.pop(key, None) for key in self.V3_ENVIRONMENT}
        if list(added.values())[:3] != ["", "", "20"] or added["SAGEMAKER_REGION"] != ctx.region():
            raise ValueError("not the environment ModelBuilder.register() writes")
        container = {k: v for k, v in containers[0].items() if k != "Environment"}
        members = [f"image_uri = {ctx.value(container.pop('Image'))}"]
        if "ModelDataUrl" in container:
            members.append(f"model_data = {ctx.value(container.pop('ModelDataUrl'))}")
        if environment:
            members.append(f"env = {ctx.value(environment)}")
        for key in ("NearestModelName", "ModelInput"):  # (their fields are the layout's leaves)
            container.pop(key, None)
        if container:
            raise ValueError(f"container keys ModelBuilder.register() does not write: {', '.join(container)}")
        return members

    def slot_containers(self, step, ctx):
        if step.attribute("containers") is not None:  # a PipelineModel's
            return self.pipeline_containers(step, ctx)
        if step.attribute("estimator") is not None:  # RegisterModel: {Image, ModelDataUrl}, no Environment
            out = {"Image": self.legacy_image(step, ctx)}
            if _repack.repacks(step):
                out["ModelDataUrl"] = {"Get": f"Steps.{_repack.step_name(step, ctx.program)}.ModelArtifacts."
                                              "S3ModelArtifacts"}
            elif step.attribute("model_data") is not None:
                out["ModelDataUrl"] = ctx.attr(step, "model_data")
            return [out]
        return [self.container(step, ctx)]

    @staticmethod
    def legacy_image(step, ctx):
        """`image_uri`, else the image of the estimator (`estimator.create_model()`'s: a generic
        Estimator's training image)."""
        if step.attribute("image_uri") is not None:
            return ctx.attr(step, "image_uri")
        train = _repack.estimator_step(step, ctx.program)
        return ctx.attr(train, "image_uri") if train is not None else None

    def slot_package_description(self, step, ctx):
        name = "description" if step.attribute("estimator") is not None else "package_description"
        return ctx.attr(step, name)

    def read_package_description(self, value, arguments, ctx):
        return [f"package_description = {ctx.value(value)}"] if value is not None else []

    def slot_tags(self, step, ctx):
        from ._common import tags

        return tags(ctx, step.attribute("tags").value) if step.attribute("tags") is not None else None

    def read_tags(self, value, arguments, ctx):
        return [f"tags = {ctx.value(value)}"] if value is not None else []

    def slot_model_metrics(self, step, ctx):
        return self.metrics_json(step, "model_metrics", ctx) or None

    def slot_drift_check_baselines(self, step, ctx):
        return self.metrics_json(step, "drift_check_baselines", ctx) or None

    def slot_metadata_properties(self, step, ctx):
        return self.block_json(step, "metadata_properties", ctx)

    def slot_model_card(self, step, ctx):
        return self.block_json(step, "model_card", ctx)

    def slot_model_card_v3(self, step, ctx):
        """`ModelCardContent` before `ModelCardStatus` (sagemaker-core's ModelPackageModelCard
        shape, whose content is JSON text)"""
        card = self.block_json(step, "model_card", ctx)
        return {key: card[key] for key in ("ModelCardContent", "ModelCardStatus") if key in card} if card else None

    def slot_model_life_cycle(self, step, ctx):
        return self.block_json(step, "model_life_cycle", ctx)

    @staticmethod
    def block_json(step, block: str, ctx):
        """A `metadata_properties`/`model_life_cycle`/`model_card` block as the SDK's class
        writes it, or None."""
        import json

        found = next((b for b in step.blocks if b.name == block), None)
        if found is None:
            return None
        _, _, fields = PLAIN_BLOCKS[block]
        out = {}
        for name, (json_key, kind, _) in fields.items():
            attribute = found.attribute(name)
            if attribute is None:
                continue
            out[json_key] = (json.dumps(ctx.program.literal(attribute.value)) if kind == "map"
                             else ctx.value(attribute.value))
        return out or None

    @staticmethod
    def metrics_json(step, block: str, ctx) -> dict:
        """A `model_metrics`/`drift_check_baselines` block as the SDK's `_to_request_dict()`."""
        found = next((b for b in step.blocks if b.name == block), None)
        if found is None:
            return {}
        given = {a.name: a for a in found.attributes}
        out: dict = {}
        for name, (group, key, cls) in METRICS_BLOCKS[block][2].items():
            if name not in given:
                continue
            target = ctx.program.follow(given[name].value)
            source = {e.key: e.value for e in target.entries} if hasattr(target, "entries") else {}
            out.setdefault(group, {})[key] = {SOURCE_JSON[k]: ctx.value(source[k]) for k in SOURCE_KEYS[cls]
                                              if k in source}
        for group in ALWAYS_GROUPS.get(block, ()):
            out.setdefault(group, {})
        ordered = [g for g, _, _ in METRICS_BLOCKS[block][2].values()]
        return {g: out[g] for g in dict.fromkeys(ordered) if g in out}

    def check(self, step, ctx):
        yield from super().check(step, ctx)
        yield from self.check_legacy(step, ctx)
        yield from self.check_v3(step, ctx)
        for block in step.blocks:
            if block.name in PLAIN_BLOCKS:
                ctx.attributes(block.attributes, self.member_fields[f"block:{block.name}"], f"`{block.name}`",
                               owner_span=block.name_span)
                content = block.attribute("model_card_content")
                if content is not None and not isinstance(ctx.program.literal(content.value), dict):
                    yield error("E0304", "`model_card_content` is a map known when the pipeline is built",
                                content.value.span, "not a literal map")
            if block.name not in METRICS_BLOCKS:
                continue
            sources = METRICS_BLOCKS[block.name][2]
            ctx.attributes(block.attributes, self.member_fields[f"block:{block.name}"], f"`{block.name}`",
                           owner_span=block.name_span)
            for attribute in block.attributes:
                if attribute.name not in sources:
                    continue
                cls = sources[attribute.name][2]
                target = ctx.program.follow(attribute.value)
                if not hasattr(target, "entries"):
                    continue
                keys = {e.key: e for e in target.entries}
                for key, entry in keys.items():
                    if key not in METRICS_SOURCE:
                        yield error("E0302", f"unknown key `{key}` in `{attribute.name}` (a {cls})", entry.key_span,
                                    "unknown key", did_you_mean(key, METRICS_SOURCE) or
                                    "keys: " + ", ".join(SOURCE_KEYS[cls]))
                    else:
                        ctx.expect(entry.value, "string", f"`{attribute.name}.{key}`")
                required = ("s3_uri", "content_type") if cls == "MetricsSource" else ("s3_uri",)
                for key in required:
                    if key not in keys:
                        yield error("E0303", f"`{attribute.name}` (a {cls}) needs `{key}`", attribute.name_span,
                                    f"`{key}` missing", f"e.g. {attribute.name} = {{ s3_uri: ..., content_type: "
                                    '"application/json" }')

    def check_v3(self, step, ctx):
        """What SDK v3's ModelBuilder.register() needs beyond its fields."""
        if ctx.program.flavour != "v3":
            return
        if ctx.program.region is None:
            yield error("E0210", "SDK v3's ModelBuilder.register() writes SAGEMAKER_REGION: the pipeline needs "
                        "`region`", step.name_span, "no region", 'add `region = "us-east-1"` to the pipeline')
        entry = step.attribute("entry_point")
        if entry is not None and step.attribute("source_dir") is not None:
            # (ModelBuilder takes no model name: register() names it `model-` and 8 random hex digits)
            yield error("E0321", "SDK v3's ModelBuilder.register() names the repack step and its output at random "
                        "(NAME-RepackModel-model-RANDOM), so no two builds agree", entry.name_span,
                        "not with SDK v3", "repack in a `model` step (its `name` names the job) and register its "
                        "model_data, or transpile with `--sdk 2`")

    # the ModelStep-only fields the legacy RegisterModel has no place for
    NOT_LEGACY = ("env", "role", "name", "vpc_config", "enable_network_isolation", "package_description",
                  "repack_output_path")

    def check_legacy(self, step, ctx):
        estimator = step.attribute("estimator")
        if estimator is None:
            if step.attribute("tags") is not None:
                yield error("E0304", "`tags` needs `estimator`: Model.register() takes no tags",
                            step.attribute("tags").name_span, "not with ModelStep",
                            "the legacy RegisterModel(estimator=...) tags the package: add `estimator = Train`")
            return
        train = _repack.estimator_step(step, ctx.program)
        kind = ctx.program.kind_of(train) if train is not None else None
        if train is None or kind is None or kind.name != "training":
            yield error("E0304", "`estimator` names a `training` step", estimator.value.span, "not a training step",
                        "e.g. `estimator = Train`: its estimator is the one RegisterModel registers")
            return
        if train.attribute("framework") is not None and step.attribute("image_uri") is None:
            yield error("E0303", "a framework estimator's inference image is not its training image: give `image_uri`",
                        estimator.value.span, "no inference image", 'e.g. image_uri = image("sklearn", ...)')
        for name in self.NOT_LEGACY:
            if step.attribute(name) is not None:
                yield error("E0304", f"`{name}` is ModelStep's: RegisterModel(estimator=...) takes none",
                            step.attribute(name).name_span, "not with `estimator`",
                            "`description` is the package's description too" if name == "package_description"
                            else "its repack job writes to the bucket's root (the estimator's default output)"
                            if name == "repack_output_path" else "leave `estimator` out for ModelStep(step_args=Model(...).register(...))")

    def read_forms(self, step, ctx):
        forms = super().read_forms(step, ctx)
        from dsl.extension.layout import at

        containers = at(step.get("Arguments", {}), "InferenceSpecification.Containers")
        if isinstance(containers, list) and len(containers) > 1:  # a PipelineModel's
            inside = ("image_uri =", "model_data =", "env =")
            return [[m for m in forms[-1] if not m.startswith(inside)] +
                    [self.read_pipeline_containers(containers, ctx)]] + forms
        container = self._container_json(step)
        data = container.get("ModelDataUrl")
        if "Environment" in container or not isinstance(data, dict) or not isinstance(data.get("Get"), str):
            return forms
        # RegisterModel(estimator=...) writes no Environment: the estimator is the training step
        # whose model it registers (its image is written as it is: the round trip checks it)
        path, reading = data["Get"], forms[-1]
        before = ctx.before
        if before is not None and path == f"Steps.{before.get('Name')}.ModelArtifacts.S3ModelArtifacts":
            # the legacy repack job's: the estimator is the step whose model it repacks
            archive = ((before.get("Arguments") or {}).get("HyperParameters") or {}).get("model_archive")
            values = archive.get("Std:Join", {}).get("Values") if isinstance(archive, dict) else None
            inner = values[0] if isinstance(values, list) and len(values) == 1 else None
            if not (isinstance(inner, dict) and isinstance(inner.get("Get"), str)) or len(forms) < 2:
                return forms
            path, reading = inner["Get"], forms[0]
        if not (path.startswith("Steps.") and path.endswith(".ModelArtifacts.S3ModelArtifacts")):
            return forms
        train = ctx.step_name(path[len("Steps."):-len(".ModelArtifacts.S3ModelArtifacts")])
        legacy = [m for m in reading if not m.startswith("package_description =")] + [f"estimator = {train}"]
        return [legacy] + forms

    def sdk_legacy(self, step, ctx) -> SdkStep:
        """`RegisterModel(name=..., estimator=..., ...)`, the legacy step collection."""
        train = ctx.program.follow(step.attribute("estimator").value).name
        pairs = [("estimator", ctx.var_for(train, "estimator")), ("model_data", ctx.attr(step, "model_data")),
                 ("image_uri", ctx.attr(step, "image_uri"))]
        pairs += self.sdk_register_pairs(step, ctx, skip=("package_description",))
        pairs.append(("tags", ctx.attr(step, "tags")))
        pairs += [(name, ctx.attr(step, name)) for name in ("entry_point", "source_dir", "dependencies")]
        if step.retries:  # (RegisterModel names its step's policies so)
            pairs.append(("register_model_step_retry_policies", ctx.retry_policies(step)))
        _, after = self.sdk_repack(step, ctx)
        return SdkStep("RegisterModel", tuple((k, v) for k, v in pairs if v is not None), after=after,
                       envelope_written=("retry_policies",))

    def sdk_register_pairs(self, step, ctx, skip=()) -> list:
        """The registration's keyword arguments (Model.register's and RegisterModel's share
        them): the fields, then the metrics and plain blocks as their SDK classes."""
        pairs = [(sdk_keyword(self.fields, name), ctx.attr(step, name)) for name in REGISTER_FIELDS if name not in skip]
        pairs += [(block, self.sdk_metrics(step, block, ctx)) for block in METRICS_BLOCKS]
        for block, (_, cls, _) in PLAIN_BLOCKS.items():
            found = next((b for b in step.blocks if b.name == block), None)
            if found is not None:
                fields = ctx.call_args((a.name, self.sdk_block_value(block, a, ctx)) for a in found.attributes)
                pairs.append((block, f"{ctx.imp(cls)}({fields})"))
        return pairs

    @staticmethod
    def sdk_block_value(block: str, attribute, ctx) -> str:
        """A plain block's value as Python: SDK v3's model card shape takes its content as the
        JSON text v2's class makes of the map (a literal here, as every generated string is)."""
        if ctx.program.flavour == "v3" and PLAIN_BLOCKS[block][2][attribute.name][1] == "map":
            import json

            return repr(json.dumps(ctx.program.literal(attribute.value)))
        return ctx.py(attribute.value)

    def sdk_metrics(self, step, block: str, ctx):
        found = next((b for b in step.blocks if b.name == block), None)
        if found is None:
            return None
        sources = METRICS_BLOCKS[block][2]
        args = []
        for attribute in found.attributes:
            cls = sources[attribute.name][2]
            target = ctx.program.follow(attribute.value)
            fields = [(e.key, ctx.py(e.value)) for e in target.entries]
            args.append((attribute.name, f"{ctx.imp(cls)}({ctx.call_args(fields)})"))
        return f"{ctx.imp(METRICS_BLOCKS[block][1])}({ctx.call_args(args)})"

    def sdk_step(self, step, ctx) -> SdkStep:
        if ctx.program.flavour == "v3":  # ModelStep(step_args=ModelBuilder(...).register(...))
            builder, make = self.sdk_builder(step, ctx)
            register = ctx.call_args(self.sdk_register_pairs(step, ctx))
            return SdkStep("ModelStep", (("step_args", f"{builder}.register({register})"),), (make,))
        if step.attribute("estimator") is not None:
            return self.sdk_legacy(step, ctx)
        model, build = self.sdk_model(step, ctx)
        register = ctx.call_args(self.sdk_register_pairs(step, ctx))
        settings, after = self.sdk_repack(step, ctx)
        return SdkStep("ModelStep", (("step_args", f"{model}.register({register})"),) + settings,
                       (build,) + self.sdk_repack_script(step, model, ctx), after)


@hookimpl
def pipedsl_step_kinds():
    return [CreateModel(), RegisterModel()]
