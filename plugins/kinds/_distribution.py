"""`distribution` of a framework estimator: the hyperparameters the SDK's PyTorch, TensorFlow,
MXNet and HuggingFace classes write for it, and the SDK's own validations of it
(`sagemaker.fw_utils.validate_distribution` and the classes' checks), as data.

The version lists below are the pinned SDK's (`sagemaker.fw_utils`); tests/test_frameworks_extra.py
compares them with it.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

# sagemaker.fw_utils, SDK 2.257.7
SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS = {
    "tensorflow": ["2.3", "2.3.1", "2.3.2", "2.4", "2.4.1", "2.4.3", "2.5", "2.5.0", "2.5.1", "2.6", "2.6.0", "2.6.2",
                   "2.6.3", "2.7", "2.7.1", "2.8", "2.8.0", "2.9", "2.9.1", "2.9.2", "2.10", "2.10.1", "2.11",
                   "2.11.0"],
    "pytorch": ["1.6", "1.6.0", "1.7", "1.7.1", "1.8", "1.8.0", "1.8.1", "1.9", "1.9.0", "1.9.1", "1.10", "1.10.0",
                "1.10.2", "1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2",
                "2.2.0"],
}
SMDISTRIBUTED_SUPPORTED_STRATEGIES = ["dataparallel", "modelparallel"]
TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS = ["1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2", "2.2.0", "2.3.0",
                                                      "2.3.1", "2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.8.0"]
TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS = ["1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1",
                                                           "2.0.0"]
TRAINIUM_SUPPORTED_DISTRIBUTION_STRATEGIES = ["torch_distributed"]
UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM = ("2.0.1-gpu-py310-cu121",)  # sagemaker.estimator.Framework

# the strategies each way of writing takes (the SDK ignores other keys; pipedsl says so)
STRATEGIES = {
    "torch": ("torch_distributed", "pytorchddp", "smdistributed", "mpi", "parameter_server", "pytorchxla"),
    "framework": ("parameter_server", "mpi", "smdistributed", "multi_worker_mirrored_strategy"),
    "mxnet": ("parameter_server", "mpi"),
}
INSTANCE_TYPE = object()  # stands for the step's instance type (a literal or a parameter)


def _family(instance_type) -> Optional[str]:
    match = re.match(r"^ml[\._]([a-z\d\-]+)\.?\w*$", instance_type) if isinstance(instance_type, str) else None
    return match[1] if match else None


def _enabled(distribution: dict, key: str) -> bool:
    value = distribution.get(key)
    return isinstance(value, dict) and value.get("enabled", False) is True


def _mp_parameters(distribution: dict):
    model_parallel = (distribution.get("smdistributed") or {}).get("modelparallel") or {}
    if model_parallel.get("enabled", False) is True:
        return model_parallel.get("parameters", {})
    return None


def _base(distribution: dict) -> Dict[str, object]:
    """`Framework._distribution_configuration`."""
    out: Dict[str, object] = {}
    if "pytorchxla" in distribution:
        out["sagemaker_pytorch_xla_multi_worker_enabled"] = distribution["pytorchxla"].get("enabled", False)
    if "parameter_server" in distribution:
        out["sagemaker_parameter_server_enabled"] = distribution["parameter_server"].get("enabled", False)
    if "mpi" in distribution:
        mpi = distribution["mpi"]
        out["sagemaker_mpi_enabled"] = mpi.get("enabled", False)
        if mpi.get("processes_per_host"):
            out["sagemaker_mpi_num_of_processes_per_host"] = mpi.get("processes_per_host")
        out["sagemaker_mpi_custom_mpi_options"] = mpi.get("custom_mpi_options", "")
    if "smdistributed" in distribution:
        parameters = _mp_parameters(distribution)
        if parameters:
            out["mp_parameters"] = parameters
        dataparallel = distribution["smdistributed"].get("dataparallel", {}).get("enabled", False)
        out["sagemaker_distributed_dataparallel_enabled"] = dataparallel
        out["sagemaker_instance_type"] = INSTANCE_TYPE
        if dataparallel:
            out["sagemaker_distributed_dataparallel_custom_mpi_options"] = \
                distribution["smdistributed"]["dataparallel"].get("custom_mpi_options", "")
    if "multi_worker_mirrored_strategy" in distribution:
        out["sagemaker_multi_worker_mirrored_strategy_enabled"] = \
            distribution["multi_worker_mirrored_strategy"].get("enabled", False)
    return out


def hyperparameters(style: str, framework: str, distribution: dict) -> Dict[str, object]:
    """The hyperparameters (before JSON encoding) a class writes for `distribution`."""
    if style == "mxnet":  # MXNet._configure_distribution (custom options only with processes_per_host)
        out: Dict[str, object] = {}
        if "parameter_server" in distribution:
            out["sagemaker_parameter_server_enabled"] = distribution["parameter_server"].get("enabled", False)
        if "mpi" in distribution:
            mpi = distribution["mpi"]
            out["sagemaker_mpi_enabled"] = mpi.get("enabled", False)
            if mpi.get("processes_per_host"):
                out["sagemaker_mpi_num_of_processes_per_host"] = mpi.get("processes_per_host")
                out["sagemaker_mpi_custom_mpi_options"] = mpi.get("custom_mpi_options", "")
        return out
    if style == "framework":
        return _base(distribution)
    # PyTorch._pytorch_distribution_configuration, HuggingFace's: PyTorch first rewrites
    # `pytorchddp` to smdistributed's dataparallel
    if framework == "pytorch" and "pytorchddp" in distribution:
        distribution = dict(distribution)
        distribution["smdistributed"] = {"dataparallel": distribution.pop("pytorchddp")}
    if "pytorchddp" in distribution:
        if distribution["pytorchddp"].get("enabled", False):
            return {"sagemaker_pytorch_ddp_enabled": distribution["pytorchddp"]["enabled"],
                    "sagemaker_instance_type": INSTANCE_TYPE}
        return _base(distribution)
    torch_distributed = distribution.get("torch_distributed", {}).get("enabled", False)
    if torch_distributed:
        out = _base(distribution) if framework == "pytorch" and "smdistributed" in distribution else {}
        out["sagemaker_torch_distributed_enabled"] = torch_distributed
        out["sagemaker_instance_type"] = INSTANCE_TYPE
        return out
    return _base(distribution)


def parameter_server(distribution: dict) -> bool:
    """TensorFlow turns the Debugger hook (and its rules) off for a parameter server."""
    return _enabled(distribution, "parameter_server")


def problems(style: str, framework: str, distribution, *, base_name, instance_type, framework_version, py_version,
             image, entry_point, compiler: bool = False) -> List[str]:
    """What the SDK raises for this distribution (and keys it would silently ignore). `base_name`
    and `framework_version` are HuggingFace's base framework and its version."""
    if not isinstance(distribution, dict):
        return ["`distribution` is a map of literals, e.g. { torch_distributed: { enabled: true } }"]
    out = []
    allowed = STRATEGIES[style]
    for key, value in distribution.items():
        if key == "instance_groups":
            out.append("`instance_groups` needs the estimator's instance groups, which pipedsl does not write")
        elif key == "pytorchxla" and not compiler:
            out.append("`pytorchxla` needs the SageMaker Training Compiler (`compiler_config`), which pipedsl "
                       "does not write")
        elif key not in allowed:
            out.append(f"`{key}` is not a distribution strategy of {framework} (" + ", ".join(allowed) + ")")
        elif not isinstance(value, dict):
            out.append(f"`{key}` is a map, e.g. {{ enabled: true }}")
        elif key == "smdistributed":
            for strategy, settings in value.items():
                if not isinstance(settings, dict):
                    out.append(f"`smdistributed.{strategy}` is a map, e.g. {{ enabled: true }}")
                elif strategy == "modelparallel" and not isinstance(settings.get("parameters", {}), dict):
                    out.append("`smdistributed.modelparallel.parameters` is a map")
    if out:
        return out
    if style == "mxnet":
        if framework_version and str(framework_version).split(".") < ["1", "3"]:
            out.append("The distribution option is valid for only versions 1.3 and higher")
        return out
    if framework == "pytorch" and "pytorchddp" in distribution and "smdistributed" in distribution:
        out.append("Cannot use both pytorchddp and smdistributed distribution options together.")
    family = _family(instance_type)
    if family and family.startswith("trn") and distribution:
        if len(distribution) > 1 or list(distribution) != TRAINIUM_SUPPORTED_DISTRIBUTION_STRATEGIES:
            out.append("Trainium instances take one distribution strategy: torch_distributed")
    smdistributed = distribution.get("smdistributed")
    if framework == "pytorch" and "pytorchddp" in distribution:
        smdistributed = {"dataparallel": distribution["pytorchddp"]}
    if isinstance(smdistributed, dict) and isinstance(instance_type, str):
        if len(smdistributed) > 1:
            out.append("Cannot use more than 1 smdistributed strategy: dataparallel or modelparallel")
        for strategy in smdistributed:
            if strategy not in SMDISTRIBUTED_SUPPORTED_STRATEGIES:
                out.append(f"Invalid smdistributed strategy provided: {strategy} (dataparallel or modelparallel)")
        if (smdistributed.get("dataparallel") or {}).get("enabled", False):
            supported = SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS.get(base_name, [])
            if framework_version not in supported:
                out.append(f"Provided framework_version {framework_version} is not supported by smdataparallel "
                           f"(supported: {', '.join(supported)})")
            if "py3" not in str(py_version):
                out.append(f"Provided py_version {py_version} is not supported by smdataparallel: py3 or later")
    if base_name == "pytorch" and _enabled(distribution, "torch_distributed"):
        if "py3" not in str(py_version):
            out.append(f"Provided py_version {py_version} is not supported by torch_distributed: py3 or later")
        if family and (family.startswith("p") or family.startswith("g")):
            if framework_version not in TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS:
                out.append(f"Provided framework_version {framework_version} is not supported by torch_distributed "
                           f"for instance {instance_type} (supported: "
                           f"{', '.join(TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS)})")
        elif family and family.startswith("trn"):
            if framework_version not in TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS:
                out.append(f"Provided framework_version {framework_version} is not supported by torch_distributed "
                           f"for instance {instance_type} (supported: "
                           f"{', '.join(TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS)})")
        elif isinstance(instance_type, str):
            out.append("Currently torch_distributed is supported only for GPU and Trainium instances")
        if entry_point is not None and not str(entry_point).endswith(".py"):
            out.append("torch_distributed runs Python programs (*.py) only")
    if "smdistributed" in distribution or (framework == "pytorch" and "pytorchddp" in distribution):
        torch_distributed = _enabled(distribution, "torch_distributed")
        if not torch_distributed and isinstance(image, str) and any(tag in image for tag in
                                                                    UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM):
            out.append(f"SMDistributed is currently incompatible with DLC image: {image}")
        if not torch_distributed and isinstance(instance_type, str) and "p5.48xlarge" in instance_type:
            out.append("SMModelParallel and SMDataParallel currently do not support p5 instances")
        parameters = _mp_parameters(distribution)
        if parameters is not None:
            out += _mp_problems(parameters)
    if _enabled(distribution, "multi_worker_mirrored_strategy"):
        if framework != "tensorflow":
            out.append("Multi Worker Mirrored Strategy is currently only supported with TensorFlow")
        elif _version(framework_version) < (2, 9):
            out.append(f"Multi Worker Mirrored Strategy is only supported from framework_version 2.9 but received "
                       f"{framework_version}")
        if "smdistributed" in distribution or "parameter_server" in distribution:
            out.append("Multi Worker Mirrored Strategy is currently not supported with smdistributed or "
                       "parameter_server")
    return out


def _version(text) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(text).split("."))


def _mp_problems(config) -> List[str]:
    """`sagemaker.fw_utils.validate_mp_config`."""
    if not isinstance(config, dict):
        return ["smdistributed.modelparallel.parameters is a map"]
    out = []
    for key, allowed in (("pipeline", ["simple", "interleaved", "_only_forward"]),
                         ("placement_strategy", ["spread", "cluster"]), ("optimize", ["speed", "memory"])):
        if key in config and config[key] not in allowed:
            out.append(f"{key} must be a value in: {allowed}.")
    for key in ("microbatches", "partitions", "active_microbatches"):
        if key in config and (not isinstance(config[key], int) or isinstance(config[key], bool) or config[key] < 1):
            out.append(f"The number of {key} must be a positive integer.")
    for key in ("auto_partition", "contiguous", "load_partition", "horovod", "ddp", "deterministic_server"):
        if key in config and config[key] not in (True, False):
            out.append(f"{key} must be a value in: [True, False].")
    if "partition_file" in config and not isinstance(config["partition_file"], str):
        out.append("'partition_file' must be a str.")
    if config.get("auto_partition") is False and "default_partition" not in config:
        out.append("default_partition must be supplied if auto_partition is set to False!")
    def number(key):
        return isinstance(config.get(key), (int, float)) and not isinstance(config.get(key), bool)

    if "default_partition" in config and not number("default_partition"):
        out.append("default_partition must be a number")
    elif "default_partition" in config and number("partitions") and config["default_partition"] >= config["partitions"]:
        out.append("default_partition must be less than the number of partitions!")
    if "memory_weight" in config and not (number("memory_weight") and 0.0 <= config["memory_weight"] <= 1.0):
        out.append("memory_weight must be between 0.0 and 1.0!")
    if "ddp_port" in config and "ddp" not in config:
        out.append("`ddp_port` needs `ddp` to be set as well")
    return out
