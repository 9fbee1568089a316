"""The SDK flavours a definition can be written for: SageMaker Python SDK v2 (2.257.7, the
default) and v3 (3.27.0: `sagemaker-core`, `sagemaker-train`, `sagemaker-mlops`).

What differs at the pipeline level is here; what differs in a step's request is its kind's
(`StepKind.flavours` says which flavours a kind writes; `StepKind.layouts` holds a layout per
flavour where the requests differ). `pipedsl transpile --sdk 3` (or `sdk = 3` in the pipeline)
picks v3; `--to sdk3` writes the v3 program (`plugins/sdk_emitter.py`, the v3 module paths).
"""
from __future__ import annotations

from typing import Optional

FLAVOURS = {2: "v2", 3: "v3"}
DEFAULT = 2

# v2 module -> v3 module of the names the generated code imports (v3 moved `sagemaker.workflow`
# into `sagemaker.core.workflow`, the values, and `sagemaker.mlops.workflow`, the steps)
V3_CORE_WORKFLOW = frozenset({"conditions", "entities", "execution_variables", "functions", "parameters",
                              "pipeline_context", "pipeline_definition_config", "properties", "step_outputs"})
V3_OTHER_MODULES = {"sagemaker.lambda_helper": "sagemaker.core.lambda_helper", "boto3": "boto3",
                    "datetime": "datetime",
                    # (v3 kept these where they were)
                    **{f"sagemaker.lineage.{name}": f"sagemaker.lineage.{name}" for name in ("action", "artifact",
                                                                                             "context")}}


# v2 module -> v3 module where v3 moved a whole module; (v2 module, name) where v3 moved a
# name elsewhere than its module (the processing shapes are sagemaker-core's pydantic shapes)
V3_MOVED = {"sagemaker.processing": "sagemaker.core.processing", "sagemaker.network": "sagemaker.core.network",
            "sagemaker.tuner": "sagemaker.train.tuner", "sagemaker.parameter": "sagemaker.core.parameter",
            "sagemaker.transformer": "sagemaker.core.transformer",
            "sagemaker.model_monitor.dataset_format": "sagemaker.core.model_monitor.dataset_format",
            "sagemaker.clarify": "sagemaker.core.clarify", "sagemaker.spark.processing": "sagemaker.core.spark.processing",
            # a registration's blocks (ModelBuilder.register() takes v2's classes, moved)
            **{f"sagemaker.{name}": f"sagemaker.core.{name}" for name in ("metadata_properties", "model_life_cycle",
                                                                         "drift_check_baselines", "model_metrics")}}
V3_NAMES = {("sagemaker.processing", "ProcessingInput"): "sagemaker.core.shapes",
            ("sagemaker.processing", "ProcessingOutput"): "sagemaker.core.shapes",
            # (sagemaker-core's shape: its content is JSON text)
            ("sagemaker.model_card", "ModelPackageModelCard"): "sagemaker.core.shapes"}


def v3_module(module: str, name: str = "") -> Optional[str]:
    """The v3 module of a v2 module the generated code imports `name` from, or None when v3
    has none (a module already v3's — `sagemaker.core.*`, `sagemaker.train` — is its own)."""
    if (module, name) in V3_NAMES:
        return V3_NAMES[module, name]
    if module in V3_MOVED:
        return V3_MOVED[module]
    if module.startswith("sagemaker.workflow."):
        name = module[len("sagemaker.workflow."):]
        return f"sagemaker.{'core' if name in V3_CORE_WORKFLOW else 'mlops'}.workflow.{name}"
    return V3_OTHER_MODULES.get(module)


def default_experiment_written(version: int, region: Optional[str]) -> bool:
    """Whether the SDK writes the default experiment config (no `experiment` member). Always:
    SDK 3.27.0's `Pipeline` means to drop it outside its `EUREKA_GA_REGIONS`, but its check
    (`pipeline_experiment_config is _DEFAULT_EXPERIMENT_CFG`) compares the argument with the
    module's default after a decorator has copied it, so it never matches and every region gets
    the default (measured: tests/test_sdk_v3.py, region cn-north-1). The SDK wins over the
    issue's reading; if a later pinned SDK fixes the check, this is the one place to change."""
    return True
