"""`clarify_check`: `ClarifyCheckStep` with a `DataBiasCheckConfig`, `ModelBiasCheckConfig` or
`ModelExplainabilityCheckConfig` and a `CheckJobConfig`, Type `ClarifyCheck` (spec section 14).

The SDK's configs are blocks named as its keywords: `data_config { … }` (DataConfig),
`data_bias_config { … }` (BiasConfig), `model_config { … }` (ModelConfig),
`model_predicted_label_config { … }` (ModelPredictedLabelConfig) and, for explainability,
`shap_config { … }` (SHAPConfig) or `pdp_config { … }` (PDPConfig).

`Arguments` is the Clarify processing job: the Clarify image of the pipeline's region, the
analysis config as the `analysis_config` input, the data as `dataset`, the results as
`analysis_result`. The analysis config itself is not in the definition: the SDK writes it to
`{s3_analysis_config_output_path or s3_output_path}/analysis_config.json` when the pipeline
is built; `analysis_config()` makes the same bytes and `uploads()` hands them to `deploy`.
(The SDK also uploads a model-monitor copy under a uuid4 path that nothing in the definition
names; pipedsl does not make that one.)
"""
from __future__ import annotations

import json
from typing import Dict, Optional

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, Field, SdkStep, v3_unwritten
from dsl.semantics.localcode import Upload
from dsl.syntax import ir

from ._check_job import JOB_FIELDS, V3_UNWRITTEN, CheckStepKind
from ._common import NETWORK_KEYS, check_map_keys, check_role

CONFIG_INPUT = "/opt/ml/processing/input/config"
DATA_INPUT = "/opt/ml/processing/input/data"
OUTPUT = "/opt/ml/processing/output"
# check_type -> (CheckType, the SDK's config class, the blocks it needs)
CHECK_TYPES = {
    "data_bias": ("DATA_BIAS", "DataBiasCheckConfig", ("data_config", "data_bias_config")),
    "model_bias": ("MODEL_BIAS", "ModelBiasCheckConfig",
                   ("data_config", "data_bias_config", "model_config", "model_predicted_label_config")),
    "model_explainability": ("MODEL_EXPLAINABILITY", "ModelExplainabilityCheckConfig",
                             ("data_config", "model_config")),
}
STEP_KEYS = {"check_type": "CheckType", "model_package_group_name": "ModelPackageGroupName",
             "skip_check": "SkipCheck", "fail_on_violation": "FailOnViolation",
             "register_new_baseline": "RegisterNewBaseline",
             "supplied_baseline_constraints": "SuppliedBaselineConstraints"}
PROPERTIES = ("CalculatedBaselineConstraints", "BaselineUsedForDriftCheckConstraints")
DATASET_TYPES = ("text/csv", "application/jsonlines", "application/json", "application/x-parquet",
                 "application/x-image")
ACCEPT_TYPES = ("text/csv", "application/jsonlines", "application/json")
CONTENT_TYPES = ("text/csv", "application/jsonlines", "application/json", "image/jpeg", "image/jpg", "image/png",
                 "application/x-npy")
AGG_METHODS = ("mean_abs", "median", "mean_sq")
# TextConfig's (sagemaker.clarify, the pinned SDK; `_` stands for a space in a name)
TEXT_GRANULARITIES = ("token", "sentence", "paragraph")
TEXT_LANGUAGES = tuple(name.replace("_", " ") for name in (
    "chinese zh danish da dutch nl english en french fr german de greek el italian it japanese ja "
    "lithuanian lt multi-language xx norwegian_bokmål nb polish pl portuguese pt romanian ro russian ru "
    "spanish es afrikaans af albanian sq arabic ar armenian hy basque eu bengali bn bulgarian bg catalan "
    "ca croatian hr czech cs estonian et finnish fi gujarati gu hebrew he hindi hi hungarian hu icelandic "
    "is indonesian id irish ga kannada kn kyrgyz ky latvian lv ligurian lij luxembourgish lb macedonian "
    "mk malayalam ml marathi mr nepali ne persian fa sanskrit sa serbian sr setswana tn sinhala si slovak "
    "sk slovenian sl swedish sv tagalog tl tamil ta tatar tt telugu te thai th turkish tr ukrainian uk "
    "urdu ur vietnamese vi yoruba yo"
).split())
# ImageConfig's keys, in the order it writes them (model_type required)
IMAGE_KEYS = ("model_type", "num_segments", "feature_extraction_method", "segment_compactness", "max_objects",
              "iou_threshold", "context")
IMAGE_MODEL_TYPES = ("OBJECT_DETECTION", "IMAGE_CLASSIFICATION")

# Each block: field -> Field, in the order the SDK writes them into the analysis config; a
# field's `sdk` is its key there when that differs. The S3 paths reach the definition.
BLOCKS: Dict[str, Dict[str, Field]] = {
    "data_config": {
        "s3_data_input_path": Field("string", required=True, doc="S3 URI of the dataset",
                                    json="ProcessingInputs.1.S3Input.S3Uri"),
        "s3_output_path": Field("string", required=True, doc="where the analysis results go (and the analysis "
                                                             "config, without `s3_analysis_config_output_path`)",
                                json="ProcessingOutputConfig.Outputs.0.S3Output.S3Uri"),
        "s3_analysis_config_output_path": Field("string", doc="where analysis_config.json goes"),
        "dataset_type": Field("string", doc=", ".join(DATASET_TYPES), default="text/csv"),
        "s3_compression_type": Field("string", doc='"None" (the SDK refuses "Gzip": the job reads in File mode)',
                                     default="None",
                                     json="ProcessingInputs.1.S3Input.S3CompressionType"),
        "features": Field("string", doc="JMESPath of the features (JSON datasets)"),
        "headers": Field("list", doc="the columns' names"),
        "label": Field("any", doc="the label's column name or index"),
        "joinsource": Field("any", doc="the column joining the facet dataset", sdk="joinsource_name_or_index"),
        "facet_dataset_uri": Field("string", doc="S3 URI of a separate facet dataset"),
        "facet_headers": Field("list", doc="its columns"),
        "predicted_label_dataset_uri": Field("string", doc="S3 URI of a separate predicted-label dataset"),
        "predicted_label_headers": Field("list", doc="its columns"),
        "predicted_label": Field("any", doc="the predicted label's column"),
        "excluded_columns": Field("list", doc="columns left out of the model's input"),
    },
    "data_bias_config": {
        "label_values_or_threshold": Field("list", required=True, doc="the positive label values, or a threshold"),
        "facet_name": Field("any", required=True, doc="the sensitive column (name or index), or a list of them"),
        "facet_values_or_threshold": Field("list", doc="the sensitive group's values, or thresholds (one per facet)"),
        "group_name": Field("any", doc="the group column for CDDL/CDDPL", sdk="group_variable"),
    },
    "model_config": {
        "model_name": Field("string", required=True, doc="the SageMaker model Clarify deploys a shadow endpoint of"),
        "instance_type": Field("string", required=True, doc="the shadow endpoint's instance type", **INSTANCE_TYPE),
        "instance_count": Field("integer", required=True, minimum=1, doc="its instance count",
                                sdk="initial_instance_count"),
        "endpoint_name_prefix": Field("string", doc="prefix of the shadow endpoint's name"),
        "accept_type": Field("string", doc=", ".join(ACCEPT_TYPES)),
        "content_type": Field("string", doc=", ".join(CONTENT_TYPES)),
        "content_template": Field("string", doc="request template (JSON Lines: with `$features`)"),
        "record_template": Field("string", doc="record template (JSON)"),
        "custom_attributes": Field("string", doc="passed to the endpoint"),
        "accelerator_type": Field("string", doc="Elastic Inference accelerator"),
        "target_model": Field("string", doc="the target model of a multi-model endpoint"),
    },
    "model_predicted_label_config": {
        "label": Field("any", doc="index or JMESPath of the predicted label"),
        "probability": Field("any", doc="index or JMESPath of the probability"),
        "probability_threshold": Field("number", doc="the threshold of a positive prediction"),
        "label_headers": Field("list", doc="the labels' names"),
    },
    "shap_config": {
        "use_logit": Field("boolean", doc="apply the logit to the predictions", default=False),
        "save_local_shap_values": Field("boolean", doc="keep each record's SHAP values", default=True),
        "baseline": Field("any", doc="S3 URI or rows of the baseline"),
        "num_samples": Field("integer", doc="samples for Kernel SHAP"),
        "agg_method": Field("string", doc=", ".join(AGG_METHODS)),
        "seed": Field("integer", doc="random seed"),
        "num_clusters": Field("integer", doc="baseline clusters (not with `baseline`)"),
        "text_config": Field("map", doc="{ granularity: token|sentence|paragraph, language: … } (TextConfig)"),
        "image_config": Field("map", doc="{ model_type: OBJECT_DETECTION|IMAGE_CLASSIFICATION, num_segments, "
                                         "feature_extraction_method, segment_compactness, max_objects, iou_threshold, "
                                         "context } (ImageConfig)"),
        "features_to_explain": Field("list", doc="the features to explain (not with text or image config)"),
    },
    "pdp_config": {
        "grid_resolution": Field("integer", doc="grid cells per feature", default=15),
        "top_k_features": Field("integer", doc="how many top features", default=10),
        "features": Field("list", doc="the features"),
    },
}
NESTED = {"text_config": "TextConfig", "image_config": "ImageConfig"}
BLOCK_CLASSES = {"data_config": "DataConfig", "data_bias_config": "BiasConfig", "model_config": "ModelConfig",
                 "model_predicted_label_config": "ModelPredictedLabelConfig", "shap_config": "SHAPConfig",
                 "pdp_config": "PDPConfig"}
# the block fields that reach the definition and may be pipeline variables
DEFINITION_FIELDS = {("data_config", "s3_data_input_path"), ("data_config", "s3_output_path"),
                     ("model_config", "model_name")}  # (the step's ModelName; not in analysis_config.json)
# with `analysis_config` (a config already in S3): the block fields that still mean something
GIVEN_CONFIG_FIELDS = {"data_config": ("s3_data_input_path", "s3_output_path", "dataset_type"),
                       "model_config": ("model_name",)}


def _given_config_blocks() -> Dict[str, Dict[str, Field]]:
    return {block: {name: BLOCKS[block][name] for name in names} for block, names in GIVEN_CONFIG_FIELDS.items()}


def _block(step, name) -> Optional[ir.Block]:
    return next((b for b in step.blocks if b.name == name), None)


def _required_block(step, name) -> ir.Block:
    """A block the checks made sure is there (KeyError if not)."""
    block = _block(step, name)
    if block is None:
        raise KeyError(name)
    return block


def _given(step, name, program) -> dict:
    """A block's literal values by field (pipeline variables left out)."""
    block = _block(step, name)
    out = {}
    for attribute in block.attributes if block is not None else ():
        value = program.literal(attribute.value, _NOT)
        if value is not _NOT:
            out[attribute.name] = value
    return out


_NOT = object()


def _set(out: dict, key, value):
    if value is not None:
        out[key] = value


class ClarifyCheck(CheckStepKind):
    name = "clarify_check"
    type = "ClarifyCheck"
    sdk_class = "ClarifyCheckStep"
    summary = "checks data bias, model bias or explainability with SageMaker Clarify (ClarifyCheckStep)"
    sdk_imports = {"sagemaker.workflow.clarify_check_step": ("ClarifyCheckStep", "DataBiasCheckConfig",
                                                             "ModelBiasCheckConfig", "ModelExplainabilityCheckConfig"),
                   "sagemaker.workflow.check_job_config": ("CheckJobConfig",), "sagemaker.network": ("NetworkConfig",),
                   "sagemaker.clarify": tuple(BLOCK_CLASSES.values()) + tuple(NESTED.values())}
    experiment_run = "the Clarify processing job"
    step_keys = STEP_KEYS  # (read by `pipedsl import`)
    check_types = CHECK_TYPES
    properties = PROPERTIES
    what = "a clarify check"
    members = frozenset(f"block:{name}" for name in BLOCKS)
    member_fields = {f"block:{name}": fields for name, fields in BLOCKS.items()}
    fields = {
        "check_type": Field("string", required=True, doc="data_bias, model_bias or model_explainability"),
        **JOB_FIELDS,
        "methods": Field("any", doc='bias checks: the metrics, "all" or a list such as ["CI", "DPL"]', default="all"),
        "model_scores": Field("any", doc="model_explainability: index or JMESPath of the scores (or give a "
                                         "`model_predicted_label_config` block)"),
        "skip_check": Field("boolean", doc="only compute a new baseline", default=False),
        "register_new_baseline": Field("boolean", doc="use the computed baseline as the new one", default=False),
        "fail_on_violation": Field("boolean", doc="fail the step when the check finds violations", default=True),
        "model_package_group_name": Field("string", doc="the group whose latest approved baselines are checked"),
        "supplied_baseline_constraints": Field("string", doc="S3 URI of constraints to check against"),
        "analysis_config": Field("string", doc="S3 URI of an analysis_config.json already there, used as it is "
                                               "(what `pipedsl import` writes: a definition does not hold the "
                                               "config). Then only `data_config`'s S3 paths and `dataset_type` "
                                               "and `model_config`'s `model_name` are given, and the SDK code is "
                                               "a RawStep: the SDK's ClarifyCheckStep always writes its own",
                                 json="ProcessingInputs.0.S3Input.S3Uri"),
    }
    fields = v3_unwritten(fields, V3_UNWRITTEN)
    flavours = frozenset({"v2", "v3"})  # (its v3 layout is the check kinds': _check_job.CheckStepKind)

    # --- checks ---------------------------------------------------------------------------
    def check(self, step, ctx):
        yield from check_role(step, ctx)
        yield from check_map_keys(step, ctx, "network_config", NETWORK_KEYS)
        program = ctx.program
        check_type = step.attribute("check_type")
        kind = ctx.literal(check_type.value) if check_type is not None else None
        given_config = step.attribute("analysis_config") is not None
        blocks = _given_config_blocks() if given_config else BLOCKS
        for block in step.blocks:
            if block.name in blocks:
                what = f"`{block.name}` (with `analysis_config`)" if given_config else f"`{block.name}`"
                ctx.attributes(block.attributes, blocks[block.name], what, owner_span=block.name_span)
                for attribute in block.attributes:
                    if (block.name, attribute.name) in DEFINITION_FIELDS or attribute.name not in blocks[block.name]:
                        continue
                    if program.literal(attribute.value, _NOT) is _NOT:
                        yield error("E0304", f"`{block.name}.{attribute.name}` must be known when the pipeline is "
                                    "built: it is written into analysis_config.json", attribute.value.span,
                                    "not a literal", "use a literal, a let or a var, not a parameter or property")
        if check_type is not None and kind not in CHECK_TYPES:
            yield error("E0304", "`check_type` is " + ", ".join(CHECK_TYPES), check_type.value.span,
                        "unknown check type", did_you_mean(str(kind), CHECK_TYPES))
            return
        if kind is None:
            return
        needed = CHECK_TYPES[kind][2]
        if given_config:
            needed = tuple(name for name in needed if name in GIVEN_CONFIG_FIELDS)
            for name in ("methods", "model_scores"):
                if step.attribute(name) is not None:
                    yield error("E0304", f"`{name}` is part of the analysis config: with `analysis_config` it is "
                                "already in S3", step.attribute(name).name_span, "not with `analysis_config`")
        for name in needed:
            if _block(step, name) is None:
                yield error("E0303", f"a {kind} check needs a `{name}` block", check_type.name_span,
                            f"`{name}` missing", f"add `{name} {{ … }}` (the SDK's {BLOCK_CLASSES[name]})")
        allowed = set(needed) | ({"shap_config", "pdp_config", "model_predicted_label_config"}
                                 if kind == "model_explainability" and not given_config else set())
        for block in step.blocks:
            if block.name in BLOCKS and block.name not in allowed:
                yield error("E0304", f"a {kind} check takes no `{block.name}` block", block.name_span,
                            "not for this check type")
        if kind == "model_explainability" and not given_config:
            methods = [b for b in ("shap_config", "pdp_config") if _block(step, b) is not None]
            if len(methods) != 1:
                yield error("E0303", "a model_explainability check needs one of `shap_config { … }` and "
                            "`pdp_config { … }`", check_type.name_span, "one explainability method")
            if step.attribute("methods") is not None:
                yield error("E0304", "`methods` is for bias checks", step.attribute("methods").name_span,
                            "not for model_explainability")
            if step.attribute("model_scores") is not None and _block(step, "model_predicted_label_config"):
                yield error("E0304", "give `model_scores` or a `model_predicted_label_config` block, not both",
                            step.attribute("model_scores").name_span, "one of them")
        elif step.attribute("model_scores") is not None:
            yield error("E0304", "`model_scores` is for model_explainability", step.attribute("model_scores").name_span,
                        "not for bias checks")
        yield from self._check_values(step, program)
        if program.region is None:
            yield error("E0210", "a clarify check needs the pipeline's `region`: its image differs by region",
                        step.name_span, "no region", 'add `region = "us-east-1"` to the pipeline')

    def _check_values(self, step, program):
        """The SDK's own validations of the config classes, at the values."""
        def at(block, name):
            return _required_block(step, block).required(name).value.span

        def one_of(block, name, allowed):
            value = _given(step, block, program).get(name)
            if value is not None and value not in allowed:
                yield error("E0304", f"`{name}` is one of " + ", ".join(allowed), at(block, name),
                            f"unknown {name.replace('_', ' ')}", did_you_mean(str(value), allowed))

        data = _given(step, "data_config", program)
        yield from one_of("data_config", "dataset_type", DATASET_TYPES)
        if data.get("dataset_type") == "application/json" and "features" not in data:
            yield error("E0303", "`data_config` of application/json data needs `features` (a JMESPath)",
                        _required_block(step, "data_config").name_span, "`features` missing")
        data_block = _block(step, "data_config")
        if (data_block is not None and data_block.attribute("s3_output_path") is not None
                and "s3_analysis_config_output_path" not in data and "s3_output_path" not in data):
            yield error("E0304", "`s3_output_path` must be known when the pipeline is built, unless "
                        "`s3_analysis_config_output_path` is given: the analysis config is uploaded there",
                        at("data_config", "s3_output_path"), "not a literal")
        if data.get("s3_compression_type", "None") != "None":
            yield error("E0304", "Clarify reads its dataset in File mode, and the SDK refuses gzipped data in "
                        "File mode", at("data_config", "s3_compression_type"), 'only "None"')
        model = _given(step, "model_config", program)
        yield from one_of("model_config", "accept_type", ACCEPT_TYPES)
        yield from one_of("model_config", "content_type", CONTENT_TYPES)
        content_type, template = model.get("content_type"), model.get("content_template")
        if content_type == "application/jsonlines" and (template is None or "$features" not in template):
            yield error("E0303", "content_type application/jsonlines needs a `content_template` with `$features`",
                        at("model_config", "content_type"), "content_template")
        if content_type == "application/json" and (template is None or "$record" not in template
                                                     or "record_template" not in model):
            yield error("E0303", "content_type application/json needs `content_template` (with `$record`) and "
                        "`record_template`", at("model_config", "content_type"), "templates")
        shap = _given(step, "shap_config", program)
        yield from one_of("shap_config", "agg_method", AGG_METHODS)
        text, image = shap.get("text_config"), shap.get("image_config")
        if text is not None and not (isinstance(text, dict) and set(text) == {"granularity", "language"}
                                     and text["granularity"] in TEXT_GRANULARITIES
                                     and text["language"] in TEXT_LANGUAGES):
            yield error("E0304", "`text_config` is { granularity: token|sentence|paragraph, language: … } (a "
                        "language TextConfig knows)", at("shap_config", "text_config"), "not a TextConfig")
        if image is not None and not (isinstance(image, dict) and set(image) <= set(IMAGE_KEYS)
                                      and image.get("model_type") in IMAGE_MODEL_TYPES):
            yield error("E0304", "`image_config` is { model_type: OBJECT_DETECTION|IMAGE_CLASSIFICATION, … }",
                        at("shap_config", "image_config"), "not an ImageConfig")
        if "features_to_explain" in shap and (text is not None or image is not None):
            yield error("E0304", "`features_to_explain` is not for text or image features",
                        at("shap_config", "features_to_explain"), "not with text_config/image_config")
        if "baseline" in shap and "num_clusters" in shap:
            yield error("E0304", "`baseline` and `num_clusters` exclude each other", at("shap_config", "num_clusters"),
                        "not with `baseline`")
        bias = _given(step, "data_bias_config", program)
        names, values = bias.get("facet_name"), bias.get("facet_values_or_threshold")
        if isinstance(names, list) and isinstance(values, list) and len(values) != len(names):
            yield error("E0304", f"{len(names)} facets but {len(values)} values or thresholds",
                        at("data_bias_config", "facet_values_or_threshold"), "one per facet")
        if isinstance(names, list) and not names:
            yield error("E0304", "give at least one facet", at("data_bias_config", "facet_name"), "empty")

    # --- the analysis config ---------------------------------------------------------------
    def analysis_config(self, step, program) -> dict:
        """analysis_config.json as `ClarifyCheckStep` writes it."""
        kind = program.literal(step.attribute("check_type").value)
        data = _given(step, "data_config", program)
        out = {"dataset_type": data.get("dataset_type", "text/csv")}
        for name in ("features", "headers", "label", "joinsource", "facet_dataset_uri", "facet_headers",
                     "predicted_label_dataset_uri", "predicted_label_headers", "predicted_label", "excluded_columns"):
            _set(out, BLOCKS["data_config"][name].sdk or name, data.get(name))
        methods = program.literal(step.attribute("methods").value) if step.attribute("methods") else "all"
        if kind in ("data_bias", "model_bias"):
            out.update(self.bias_config(step, program))
        if kind == "data_bias":
            out["methods"] = {"pre_training_bias": {"methods": methods}}
        elif kind == "model_bias":
            threshold, predictor = self.predicted_label(step, program)
            predictor.update(self.predictor(step, program))
            out["methods"] = {"post_training_bias": {"methods": methods}}
            out["predictor"] = predictor
            _set(out, "probability_threshold", threshold)
        else:
            predictor = self.predictor(step, program)
            if _block(step, "model_predicted_label_config") is not None:
                threshold, labels = self.predicted_label(step, program)
                _set(out, "probability_threshold", threshold)
                predictor.update(labels)
            elif step.attribute("model_scores") is not None:
                predictor["label"] = program.literal(step.attribute("model_scores").value)
            out["methods"] = self.explainability(step, program)
            out["predictor"] = predictor
        out["methods"]["report"] = {"name": "report", "title": "Analysis Report"}
        return out

    @staticmethod
    def bias_config(step, program) -> dict:
        given = _given(step, "data_bias_config", program)
        names, values = given.get("facet_name"), given.get("facet_values_or_threshold")
        if isinstance(names, list):
            facets = []
            for i, name in enumerate(names):
                facet = {"name_or_index": name}
                if values is not None and i < len(values):
                    _set(facet, "value_or_threshold", values[i])
                facets.append(facet)
        else:
            facets = [{"name_or_index": names}]
            _set(facets[0], "value_or_threshold", values)
        out = {"label_values_or_threshold": given.get("label_values_or_threshold"), "facet": facets}
        _set(out, "group_variable", given.get("group_name"))
        return out

    @staticmethod
    def predictor(step, program) -> dict:
        """ModelConfig's predictor config without `model_name` (the step's `ModelName`)."""
        given = _given(step, "model_config", program)
        out = {"instance_type": given.get("instance_type"), "initial_instance_count": given.get("instance_count")}
        for name in ("endpoint_name_prefix", "accept_type", "content_type", "content_template", "record_template",
                     "custom_attributes", "accelerator_type", "target_model"):
            _set(out, name, given.get(name))
        return out

    @staticmethod
    def predicted_label(step, program):
        given = _given(step, "model_predicted_label_config", program)
        out: dict = {}
        for name in ("label", "probability", "label_headers"):
            _set(out, name, given.get(name))
        return given.get("probability_threshold"), out

    @staticmethod
    def explainability(step, program) -> dict:
        if _block(step, "pdp_config") is not None:
            given = _given(step, "pdp_config", program)
            out = {"grid_resolution": given.get("grid_resolution", 15), "top_k_features": given.get("top_k_features", 10)}
            _set(out, "features", given.get("features"))
            return {"pdp": out}
        given = _given(step, "shap_config", program)
        out = {"use_logit": given.get("use_logit", False),
               "save_local_shap_values": given.get("save_local_shap_values", True)}
        for name in ("baseline", "num_samples", "agg_method", "seed", "num_clusters", "text_config", "image_config",
                     "features_to_explain"):
            value = given.get(name)
            if name == "image_config" and isinstance(value, dict):  # in ImageConfig's order
                value = {key: value[key] for key in IMAGE_KEYS if value.get(key) is not None}
            _set(out, name, value)
        return {"shap": out}

    @staticmethod
    def analysis_config_uri(step, program) -> str:
        data = _given(step, "data_config", program)
        base = str(data.get("s3_analysis_config_output_path") or data.get("s3_output_path"))
        # S3Uploader.upload: `s3://BUCKET/PREFIX/NAME`, the prefix as written (a trailing "/" kept)
        bucket, _, prefix = base[len("s3://"):].partition("/") if base.startswith("s3://") else (base, "", "")
        return f"s3://{bucket}/{prefix.lstrip('/')}/analysis_config.json"

    def uploads(self, step, ctx):
        if step.attribute("analysis_config") is not None:
            return []  # already in S3
        text = json.dumps(self.analysis_config(step, ctx.program))  # as the SDK's json.dump writes it
        return [Upload("analysis_config.json", self.analysis_config_uri(step, ctx.program), overwrite=True,
                       text=text)]

    # --- JSON -------------------------------------------------------------------------------
    def read_step(self, step, ctx):
        """The job's fields from their places, the check's settings from the step's own keys.
        The analysis config it reads (label, facets, model, SHAP) is in S3, not in the
        definition: the step keeps it as `analysis_config`, its URI."""
        args = step["Arguments"]
        members = [self.read_check_type(step, ctx)] + self.read_arguments(args, ctx)
        data = {i["InputName"]: i["S3Input"]["S3Uri"] for i in args["ProcessingInputs"]}
        output = args["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]
        fields = [f"s3_data_input_path = {ctx.value(data['dataset'])}",
                  f"s3_output_path = {ctx.value(output['S3Uri'])}"]
        if output.get("S3UploadMode") == "Continuous":  # what image datasets make
            fields.append('dataset_type = "application/x-image"')
        members.append("data_config { " + ", ".join(fields) + " }")
        if "ModelName" in step:
            members.append(f"model_config {{ model_name = {ctx.value(step['ModelName'])} }}")
        return members + self.read_check_keys(step, ctx)

    def slot_inputs(self, step, ctx):
        data = _required_block(step, "data_config")
        compression = data.attribute("s3_compression_type")
        return [
            {"InputName": "analysis_config", "AppManaged": False, "S3Input": {
                "S3Uri": ctx.attr(step, "analysis_config") or self.analysis_config_uri(step, ctx.program),
                "LocalPath": CONFIG_INPUT, "S3DataType": "S3Prefix", "S3InputMode": "File",
                "S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"}},
            {"InputName": "dataset", "AppManaged": False, "S3Input": {
                "S3Uri": ctx.value(data.required("s3_data_input_path").value), "LocalPath": DATA_INPUT,
                "S3DataType": "S3Prefix", "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated",
                "S3CompressionType": ctx.value(compression.value) if compression is not None else "None"}}]

    def read_inputs(self, inputs, arguments, ctx):
        # the analysis config the SDK wrote is in S3: the step keeps its URI
        return [f"analysis_config = {ctx.value(inputs[0]['S3Input']['S3Uri'])}"]

    def slot_outputs(self, step, ctx):
        data = _required_block(step, "data_config")
        dataset_type = _given(step, "data_config", ctx.program).get("dataset_type", "text/csv")
        return [{"OutputName": "analysis_result", "AppManaged": False, "S3Output": {
            "S3Uri": ctx.value(data.required("s3_output_path").value), "LocalPath": OUTPUT,
            "S3UploadMode": "Continuous" if dataset_type == "application/x-image" else "EndOfJob"}}]

    def image(self, ctx):
        from dsl.semantics.images import retrieve

        return retrieve("clarify", ctx.program.region)

    def json_extras(self, step, ctx) -> dict:
        kind = ctx.program.literal(step.attribute("check_type").value)
        out = super().json_extras(step, ctx)
        if kind != "data_bias":
            out["ModelName"] = ctx.value(_required_block(step, "model_config").required("model_name").value)
        return out

    # --- SDK code ---------------------------------------------------------------------------
    def sdk_step(self, step, ctx) -> SdkStep:
        if step.attribute("analysis_config") is not None:
            return self.sdk_raw_step(step, ctx)
        kind = ctx.program.literal(step.attribute("check_type").value)
        job, build_job = self.sdk_job(step, ctx)
        config = ctx.var_for(step.name, "check_config")

        def nested(attribute):  # SHAPConfig's text and image configs are classes of their own
            if attribute.name in NESTED:
                target = ctx.program.follow(attribute.value)
                pairs = [(e.key, ctx.py(e.value)) for e in target.entries] if isinstance(target, ir.MapExpr) else []
                return f"{ctx.imp(NESTED[attribute.name])}({ctx.call_args(pairs)})"
            return ctx.py(attribute.value)

        def block(name):
            found = _block(step, name)
            if found is None:
                return None
            args = [(a.name, nested(a)) for a in found.attributes]
            return f"{ctx.imp(BLOCK_CLASSES[name])}({ctx.call_args(args)})"

        explain = block("shap_config") or block("pdp_config")
        config_args = [("data_config", block("data_config")), ("data_bias_config", block("data_bias_config")),
                       ("model_config", block("model_config")),
                       ("model_predicted_label_config" if kind == "model_bias" else "model_scores",
                        block("model_predicted_label_config") or ctx.attr(step, "model_scores")),
                       ("explainability_config", explain), ("methods", ctx.attr(step, "methods"))]
        before = (build_job, f"{config} = {ctx.imp(CHECK_TYPES[kind][1])}({ctx.call_args(config_args)})")
        kwargs = [("clarify_check_config", config), ("check_job_config", job)]
        kwargs += self.sdk_step_keys(step, ctx)
        return SdkStep("ClarifyCheckStep", tuple((k, v) for k, v in kwargs if v is not None), before)

    def sdk_raw_step(self, step, ctx) -> SdkStep:
        """With a config already in S3: the SDK's ClarifyCheckStep would write and upload its own,
        so the step is the raw step class with the definition's own `Arguments` and keys."""
        from dsl.semantics.evaluate import JsonContext

        from .raw import sdk_raw_step

        json_ctx = JsonContext(ctx.program)
        return sdk_raw_step(ctx, (("step_type", repr(self.type)), ("arguments", repr(self.json_arguments(step, json_ctx))),
                                  ("extra", repr(self.json_extras(step, json_ctx)))))


@hookimpl
def pipedsl_step_kinds():
    return [ClarifyCheck()]
