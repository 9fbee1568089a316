"""`framework = "pytorch"` (and xgboost, sklearn, tensorflow, mxnet) on a `training` step: the
SDK's framework estimator classes, as data (LANGUAGE.md section 14).

A framework estimator picks its image (`image_uris.retrieve` with the framework's version, the
Python version and the instance type, scope `training`), packs `entry_point` / `source_dir` /
`dependencies` into `sourcedir.tar.gz` at `s3://BUCKET/PIPELINE/code/HASH/`, JSON-encodes the
hyperparameters and adds its own (`sagemaker_program`, `sagemaker_submit_directory`,
`sagemaker_container_log_level`, `sagemaker_region`), and some turn on
`EnableSageMakerMetricsTimeSeries`.
"""
from __future__ import annotations

import json
import os
import posixpath
from typing import Dict, List, Optional

from dsl.diagnostics import did_you_mean, error, warning
from dsl.extension.kinds import Field
from dsl.semantics.localcode import Upload, is_local, tarball_members
from dsl.syntax import ir, records

from . import _distribution


@records.frozen
class FrameworkClass:
    sdk_class: str  # the SDK class
    module: str  # where it is imported from (its class lives in `<module>.estimator`)
    # the version from which the class turns on EnableSageMakerMetricsTimeSeries (None: never)
    metrics_since: Optional[str] = None
    py_default: Optional[str] = None  # the class's default py_version
    # hyperparameter the class adds after its own, from a field (TensorFlow's model_dir)
    extra_hyperparameter: Optional[str] = None
    version_field: str = "framework_version"  # the field holding the image's version
    # fields naming the base framework (HuggingFace's pytorch_version / tensorflow_version)
    base_fields: tuple = ()
    # how the class writes `distribution` into the hyperparameters (None: it takes none):
    # "torch" (PyTorch, HuggingFace), "framework" (TensorFlow), "mxnet"
    distribution: Optional[str] = None


ESTIMATORS: Dict[str, FrameworkClass] = {
    "pytorch": FrameworkClass("PyTorch", "sagemaker.pytorch", metrics_since="1.3", distribution="torch"),
    "tensorflow": FrameworkClass("TensorFlow", "sagemaker.tensorflow", metrics_since="1.15",
                                 extra_hyperparameter="model_dir", distribution="framework"),
    "mxnet": FrameworkClass("MXNet", "sagemaker.mxnet", metrics_since="1.6", distribution="mxnet"),
    "xgboost": FrameworkClass("XGBoost", "sagemaker.xgboost", py_default="py3"),
    "sklearn": FrameworkClass("SKLearn", "sagemaker.sklearn", py_default="py3"),
    "huggingface": FrameworkClass("HuggingFace", "sagemaker.huggingface", metrics_since="0",
                                  version_field="transformers_version",
                                  base_fields=("pytorch_version", "tensorflow_version"), distribution="torch"),
}

FRAMEWORK_FIELDS = {
    "framework": Field("string", doc="pytorch, tensorflow, mxnet, xgboost, sklearn or huggingface: the SDK's framework "
                                     "estimator (its image, its sagemaker_* hyperparameters)"),
    "framework_version": Field("string", doc="with `framework`: its version, e.g. \"2.1\""),
    "transformers_version": Field("string", doc="huggingface: the Transformers version, e.g. \"4.28\""),
    "pytorch_version": Field("string", doc="huggingface: the PyTorch version under it, e.g. \"2.0\""),
    "tensorflow_version": Field("string", doc="huggingface: the TensorFlow version under it"),
    "py_version": Field("string", doc="with `framework`: the Python version, e.g. \"py310\""),
    "entry_point": Field("string", doc="with `framework`: the training script (relative to `source_dir` when "
                                       "given; a local path, uploaded by `deploy`)"),
    "source_dir": Field("string", doc="with `framework`: a local folder packed into sourcedir.tar.gz, or an "
                                      "S3 URI of one"),
    "dependencies": Field("list", items="string", doc="with `framework`: local folders or files packed beside "
                                                       "the code"),
    "model_dir": Field("string", doc="TensorFlow: where the script writes the model (its `model_dir` "
                                     "hyperparameter; the SDK's default holds a timestamp, so a .pipe gives it)"),
    "compiler_config": Field("map", doc="PyTorch, TensorFlow, HuggingFace: the SageMaker Training Compiler, as "
                                        "TrainingCompilerConfig: { enabled: true, debug: false } (its image, its "
                                        "hyperparameters)"),
    "distribution": Field("map", doc="PyTorch, TensorFlow, MXNet, HuggingFace: distributed training, as the "
                                     "SDK's `distribution`, e.g. { torch_distributed: { enabled: true } }, "
                                     "{ mpi: { enabled: true, processes_per_host: 8 } }, { smdistributed: "
                                     "{ dataparallel: { enabled: true } } }, { parameter_server: { enabled: true } }"),
}


def _version_tuple(text: str):
    parts = []
    for piece in str(text).replace("-", ".").split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)


def framework_of(step, literal) -> Optional[str]:
    attribute = step.attribute("framework")
    return literal(attribute.value) if attribute is not None else None


def framework_name(step, literal) -> str:
    """The framework of a step the caller knows names one (ValueError if not)."""
    name = framework_of(step, literal)
    if not isinstance(name, str):
        raise ValueError(f"step `{step.name}` names no framework")
    return name


def _text(step, name, literal):
    attribute = step.attribute(name)
    return literal(attribute.value) if attribute is not None else None


def check(step, ctx):
    """The problems of a framework training step."""
    name = framework_of(step, ctx.literal)
    attribute = step.attribute("framework")
    if name not in ESTIMATORS:
        yield error("E0304", "`framework` of a training step is one of " + ", ".join(ESTIMATORS),
                    attribute.value.span, "unknown framework", did_you_mean(str(name), ESTIMATORS))
        return
    if step.attribute("image_uri") is not None:
        yield error("E0304", "`image_uri` and `framework` exclude each other (the framework's estimator "
                    "picks the image)", step.attribute("image_uri").name_span, "not with `framework`")
    spec = ESTIMATORS[name]
    for needed in (spec.version_field, "entry_point"):
        if step.attribute(needed) is None:
            yield error("E0303", f"`framework = \"{name}\"` needs `{needed}`", attribute.name_span,
                        f"`{needed}` missing", 'e.g. `framework_version = "2.1"`, `entry_point = "train.py"`')
    if spec.base_fields and sum(step.attribute(f) is not None for f in spec.base_fields) != 1:
        yield error("E0303", f"`framework = \"{name}\"` needs one of " + ", ".join(f"`{f}`" for f in spec.base_fields),
                    attribute.name_span, "base framework missing", 'e.g. `pytorch_version = "2.0"`')
    for field in ("transformers_version", "pytorch_version", "tensorflow_version"):
        if field not in spec.base_fields + (spec.version_field,) and step.attribute(field) is not None:
            yield error("E0304", f"`{field}` is HuggingFace's", step.attribute(field).name_span, "not here")
    if spec.extra_hyperparameter and step.attribute(spec.extra_hyperparameter) is None:
        yield error("E0303", f"a `{name}` training step needs `{spec.extra_hyperparameter}`", attribute.name_span,
                    f"`{spec.extra_hyperparameter}` missing",
                    "the SDK's default is a path with the job's start time in it, different on every run; "
                    'give it, e.g. model_dir = "s3://bucket/model"')
    elif not spec.extra_hyperparameter and step.attribute("model_dir") is not None:
        yield error("E0304", "`model_dir` is TensorFlow's", step.attribute("model_dir").name_span, "not here")
    yield from _check_distribution(step, ctx, name, spec)
    yield from _check_compiler(step, ctx, name)
    source_dir = _text(step, "source_dir", ctx.literal)
    entry = _text(step, "entry_point", ctx.literal)
    given_dir, given_entry = step.attribute("source_dir"), step.attribute("entry_point")
    if given_dir is not None and not isinstance(source_dir, str):
        yield error("E0304", "`source_dir` must be known when the pipeline is built: the SDK (2.257.7) fails "
                    "building a pipeline whose `source_dir` is a parameter", given_dir.value.span,
                    "known only when it runs", 'write it, e.g. source_dir = "s3://bucket/code/sourcedir.tar.gz"')
    elif given_entry is not None and not isinstance(entry, str) and source_dir is None:
        yield error("E0304", "an `entry_point` known only when the pipeline runs needs a `source_dir` that holds "
                    "the script: nothing can upload a script whose name is a parameter", given_entry.value.span,
                    "no `source_dir`", "add `source_dir` (a local folder or an S3 tarball)")
    if given_dir is not None and source_dir is None:
        pass  # reported above: nothing more can be said of the code
    elif source_dir is not None and not is_local(source_dir):
        pass  # the script is inside the S3 tarball
    elif source_dir is not None:
        problem = ctx.program.local_problem(source_dir, directory=True)
        if problem:
            yield error("E0212", f"local code {problem}", step.attribute("source_dir").value.span, "no such folder")
        elif entry is not None and is_local(entry):
            problem = ctx.program.local_problem(os.path.join(source_dir, entry))
            if problem:
                yield error("E0212", f"`{entry}` is not in `{source_dir}`", step.attribute("entry_point").value.span,
                            "no such file", "with `source_dir`, `entry_point` is relative to it")
    elif entry is not None:
        if not is_local(entry):
            yield error("E0304", "`entry_point` is a local file (an S3 tarball goes in `source_dir`)",
                        step.attribute("entry_point").value.span, "not local")
        else:
            problem = ctx.program.local_problem(entry)
            if problem:
                yield error("E0212", f"local code {problem}", step.attribute("entry_point").value.span, "no such file")
    for item in _dependencies(step, ctx.program):
        problem = ctx.program.local_problem(item[0], directory=None)
        if problem:
            yield error("E0212", f"local code {problem}", item[1], "not found")
    if ctx.program.region is None:
        yield error("E0210", f"`framework = \"{name}\"` needs the pipeline's `region`: images differ by region",
                    attribute.value.span, "no region", 'add `region = "us-east-1"` to the pipeline')
    else:
        problem = image(step, ctx.program)[1]
        if problem is not None:
            yield error("E0210", problem[0], problem[1], "no such image", problem[2])
        instance = step.attribute("instance_type")
        default = ctx.program.parameter_default(instance)
        if problem is None and default is not None:
            yield warning("W0003", f"the image is picked for the parameter's default, {default}: a run that sets "
                          "another instance type still gets that image", instance.value.span, "image for the default",
                          "as the SDK does; give the instance type literally to be sure")


def _check_distribution(step, ctx, name, spec):
    attribute = step.attribute("distribution")
    if attribute is None:
        return
    if spec.distribution is None:
        yield error("E0304", f"`{name}` estimators take no `distribution`", attribute.name_span, "not for this framework",
                    "PyTorch, TensorFlow, MXNet and HuggingFace do")
        return
    from dsl.semantics.program import NOT_LITERAL

    program = ctx.program
    value = program.literal(attribute.value, NOT_LITERAL)
    version_field = spec.version_field
    base_name = name
    if spec.base_fields:  # HuggingFace: its base framework's name and version
        base = next((f for f in spec.base_fields if step.attribute(f) is not None), spec.base_fields[0])
        base_name, version_field = base[: -len("_version")], base
    instance_type = program.literal(step.attribute("instance_type").value) if step.attribute("instance_type") else None
    found = _distribution.problems(
        spec.distribution, name, value if value is not NOT_LITERAL else None, base_name=base_name,
        instance_type=instance_type, framework_version=_text(step, version_field, program.literal),
        py_version=_text(step, "py_version", program.literal) or spec.py_default,
        image=image(step, program)[0] if program.region else None, entry_point=_text(step, "entry_point", program.literal),
        compiler=step.attribute("compiler_config") is not None)
    for message in found:
        yield error("E0304", message, attribute.value.span, "distribution")


COMPILER_FRAMEWORKS = ("pytorch", "tensorflow", "huggingface")
COMPILER_INSTANCE_CLASSES = ["p3", "p3dn", "g4dn", "p4d", "g5"]  # TrainingCompilerConfig's
# TensorFlow's class declares 2.9 to 2.11, but its check (`SpecifierSet(">= 2.9", "<= 2.11")`, whose
# second argument is `prereleases`) only enforces the lower bound: pipedsl enforces what the SDK does
TENSORFLOW_COMPILER_SINCE = "2.9"


def compiler(step, program) -> Optional[dict]:
    """The `compiler_config` map (TrainingCompilerConfig's settings), or None."""
    attribute = step.attribute("compiler_config")
    value = program.literal(attribute.value) if attribute is not None else None
    return {"enabled": True, "debug": False, **value} if isinstance(value, dict) else None


def _check_compiler(step, ctx, name):
    """What `TrainingCompilerConfig.validate` and its framework subclasses refuse."""
    attribute = step.attribute("compiler_config")
    if attribute is None:
        return
    program = ctx.program
    if name not in COMPILER_FRAMEWORKS:
        yield error("E0304", "`compiler_config` is for PyTorch, TensorFlow and HuggingFace", attribute.name_span,
                    "not for this framework")
        return
    value = program.literal(attribute.value)
    if not isinstance(value, dict) or set(value) - {"enabled", "debug"} or not all(
            isinstance(v, bool) for v in value.values()):
        yield error("E0304", "`compiler_config` is { enabled: true|false, debug: true|false }", attribute.value.span,
                    "not a TrainingCompilerConfig")
        return

    def fail(message):
        return error("E0304", message, attribute.value.span, "Training Compiler")

    instance = program.literal(step.attribute("instance_type").value) if step.attribute("instance_type") else None
    if isinstance(instance, str) and "local" not in instance and len(instance.split(".")) > 1 and \
            instance.split(".")[1] not in COMPILER_INSTANCE_CLASSES:
        yield fail(f"Unsupported instance class {instance.split('.')[1]}: SageMaker Training Compiler only supports "
                   + ", ".join(COMPILER_INSTANCE_CLASSES))
    distribution = program.literal(step.attribute("distribution").value) if step.attribute("distribution") else None
    distribution = distribution if isinstance(distribution, dict) else {}
    if "smdistributed" in distribution:
        yield fail("SageMaker distributed training configuration is currently not compatible with SageMaker "
                   "Training Compiler")
    xla_present = "pytorchxla" in distribution
    xla = isinstance(distribution.get("pytorchxla"), dict) and distribution["pytorchxla"].get("enabled", False)
    if name == "tensorflow":
        version = _text(step, "framework_version", program.literal) or "0"
        if _version_tuple(version) < _version_tuple(TENSORFLOW_COMPILER_SINCE):
            yield fail(f"SageMaker Training Compiler supports TensorFlow from {TENSORFLOW_COMPILER_SINCE}, not {version}")
        mwms = distribution.get("multi_worker_mirrored_strategy")
        if isinstance(mwms, dict) and mwms.get("enabled", False):
            yield fail("Multi Worker Mirrored Strategy is currently not compatible with SageMaker Training Compiler")
        return
    if name == "pytorch":
        version, since = _text(step, "framework_version", program.literal), (1, 12)
    else:
        version, since = _text(step, "pytorch_version", program.literal), (1, 11)
        if version is not None and not (1, 9) <= _version_tuple(version)[:2] <= (1, 11):
            yield fail("SageMaker Training Compiler is only supported with HuggingFace PyTorch 1.9-1.11")
        if xla and step.attribute("tensorflow_version") is not None:
            yield fail("Distribution mechanism 'pytorchxla' is only supported for PyTorch with the Training Compiler")
    if version is None or not distribution:
        return
    if xla and _version_tuple(version) < since:
        yield fail(f"Distribution mechanism 'pytorchxla' is only supported for PyTorch >= "
                   f"{'.'.join(map(str, since))} with the Training Compiler")
    if not xla_present and _version_tuple(version) >= since:
        yield fail(f"'pytorchxla' is the only distribution mechanism supported for PyTorch >= "
                   f"{'.'.join(map(str, since))} with the Training Compiler")


# the estimator class's own TrainingCompilerConfig (each checks for its own), imported as
COMPILER_CLASSES = {"pytorch": "PyTorchTrainingCompilerConfig", "tensorflow": "TensorFlowTrainingCompilerConfig",
                    "huggingface": "HuggingFaceTrainingCompilerConfig"}
COMPILER_IMPORTS = {ESTIMATORS[name].module + ".training_compiler.config": (f"TrainingCompilerConfig as {alias}",)
                    for name, alias in COMPILER_CLASSES.items()}


def sdk_compiler(step, ctx) -> Optional[str]:
    attribute = step.attribute("compiler_config")
    if attribute is None:
        return None
    target = ctx.program.follow(attribute.value)
    name = framework_name(step, ctx.program.literal)
    pairs = [(e.key, ctx.py(e.value)) for e in target.entries] if isinstance(target, ir.MapExpr) else []
    return f"{ctx.imp(COMPILER_CLASSES[name])}({ctx.call_args(pairs)})"


def compiler_hyperparameters(step, program) -> dict:
    """`TrainingCompilerConfig._to_hyperparameter_dict()`, JSON-encoded. (Any config turns the
    compiler's image and hyperparameters on, `enabled = false` too: its `__nonzero__` is
    Python 2's, so the SDK finds every config true.)"""
    config = compiler(step, program)
    if config is None:
        return {}
    return {"sagemaker_training_compiler_enabled": json.dumps(config["enabled"]),
            "sagemaker_training_compiler_debug_mode": json.dumps(config["debug"])}


def distribution_hyperparameters(step, ctx) -> dict:
    """The JSON-encoded hyperparameters the class writes for `distribution`."""
    attribute = step.attribute("distribution")
    if attribute is None:
        return {}
    name = framework_name(step, ctx.program.literal)
    spec = ESTIMATORS[name]
    made = _distribution.hyperparameters(spec.distribution or "", name, ctx.program.literal(attribute.value))
    instance = step.attribute("instance_type")
    return {key: _encoded(instance.value, ctx) if value is _distribution.INSTANCE_TYPE else json.dumps(value)
            for key, value in made.items()}


def _encoded(expr, ctx) -> str:
    """A hyperparameter as `_json_encode_hyperparameters` writes it: a literal JSON-encoded, a
    pipeline variable as its `to_string()`."""
    from dsl.semantics.program import NOT_LITERAL

    value = ctx.program.literal(expr, NOT_LITERAL)
    return json.dumps(value) if value is not NOT_LITERAL else ctx.to_string(expr)


def debugger_off(step, program) -> bool:
    """TensorFlow with a parameter server writes no DebugHookConfig and no Debugger rules."""
    attribute = step.attribute("distribution")
    if attribute is None or framework_of(step, program.literal) != "tensorflow":
        return False
    value = program.literal(attribute.value)
    return isinstance(value, dict) and _distribution.parameter_server(value)


def _dependencies(step, program) -> List[tuple]:
    attribute = step.attribute("dependencies")
    target = program.follow(attribute.value) if attribute is not None else None
    if not isinstance(target, ir.ListExpr):
        return []
    out = []
    for item in target.items:
        value = program.literal(item)
        if isinstance(value, str):
            out.append((value, item.span))
    return out


def image(step, program):
    name = framework_name(step, program.literal)
    spec = ESTIMATORS[name]
    fixed = {"image_scope": "training"}
    if step.attribute("py_version") is None and spec.py_default:
        fixed["py_version"] = spec.py_default
    for field in spec.base_fields:  # pytorch_version = "2.0" -> base_framework_version "pytorch2.0"
        value = _text(step, field, program.literal)
        if value is not None:
            fixed["base_framework_version"] = field[: -len("_version")] + str(value)
    if compiler(step, program) is not None and name in ("pytorch", "huggingface"):
        name += "-training-compiler"  # the Training Compiler's own images (TensorFlow's are the usual ones)
    return program.framework_image(name, step, version_field=spec.version_field, **fixed)


def code_paths(step, program):
    """(paths hashed, the script's name in the tarball), as `get_training_code_hash` and
    `tar_and_upload_dir` see them; None when the code is not local."""
    source_dir = _text(step, "source_dir", program.literal)
    entry = _text(step, "entry_point", program.literal)
    dependencies = [d for d, _ in _dependencies(step, program)]
    if source_dir is not None:
        if not is_local(source_dir):
            return None
        return [source_dir] + dependencies, entry
    if entry is None:
        return None
    return [entry] + dependencies, posixpath.basename(entry)


def submit_directory(step, program) -> Optional[str]:
    """Where the code is: a pipeline's training step packs it at the code hash's key; a tuning
    step (the SDK computes no code hash for one) under its job name, `JOB/source/`."""
    source_dir = _text(step, "source_dir", program.literal)
    if source_dir is not None and not is_local(source_dir):
        return source_dir
    paths = code_paths(step, program)
    if not paths:
        return None
    job_name = _text(step, "job_name", program.literal)
    if job_name is not None:  # a tuning step's, or a plain Session's training step's (its code_location)
        location = (_text(step, "code_location", program.literal) or f"s3://{program.default_bucket}").rstrip("/")
        return f"{location}/{job_name}/source/sourcedir.tar.gz"
    return program.code_uri(paths[0], "sourcedir.tar.gz")


def uploads(step, program) -> list:
    """sourcedir.tar.gz: the source folder's files (or the entry point) and the dependencies."""
    paths = code_paths(step, program)
    if paths is None:
        return []
    folder = program.folder
    source_dir = _text(step, "source_dir", program.literal)
    members = tarball_members(folder, source_dir, _text(step, "entry_point", program.literal),
                              [d for d, _ in _dependencies(step, program)])
    target = submit_directory(step, program)
    if target is None:  # (not local code: nothing to upload)
        return []
    return [Upload(os.path.join(folder, source_dir or paths[0][0]), target,
                   members, overwrite=_text(step, "job_name", program.literal) is not None)]


def _is_tuning(step, program) -> bool:
    kind = program.kind_of(step)
    return kind is not None and kind.name == "tuning"


def json_hyperparameters(step, ctx, skip=()) -> dict:
    """The hyperparameters as a framework estimator writes them: each JSON-encoded (a
    pipeline variable as its to_string()), then the class's own."""
    program = ctx.program
    out = {}
    attribute = step.attribute("hyperparameters")
    target = program.follow(attribute.value) if attribute is not None else None
    for entry in target.entries if isinstance(target, ir.MapExpr) else ():
        if entry.key in skip:
            continue
        out[entry.key] = _encoded(entry.value, ctx)
    name = framework_name(step, program.literal)
    # MXNet puts its distribution among the hyperparameters it was given; the others add theirs
    # after the sagemaker_* ones
    distribution = distribution_hyperparameters(step, ctx)
    if ESTIMATORS[name].distribution == "mxnet":
        out.update(distribution)
    submit = submit_directory(step, program)
    if submit is not None:
        out["sagemaker_submit_directory"] = json.dumps(submit)
    entry = code_paths(step, program)
    given = step.attribute("entry_point")
    if given is not None and not isinstance(program.literal(given.value), str):
        out["sagemaker_program"] = ctx.to_string(given.value)  # a parameter: as the SDK writes it
    else:
        program_name = entry[1] if entry else _text(step, "entry_point", program.literal)
        out["sagemaker_program"] = json.dumps(program_name)
    out["sagemaker_container_log_level"] = "20"
    # a tuning step: the tuner adds the job's name and the class (a training step's job name
    # keys only its code)
    job_name = _text(step, "job_name", program.literal) if _is_tuning(step, program) else None
    if job_name is not None:
        out["sagemaker_job_name"] = json.dumps(job_name)
    out["sagemaker_region"] = json.dumps(program.region)
    if ESTIMATORS[name].distribution != "mxnet":
        out.update(distribution)
    extra = ESTIMATORS[name].extra_hyperparameter
    if extra and step.attribute(extra) is not None:
        out[extra] = _encoded(step.attribute(extra).value, ctx)
    out.update(compiler_hyperparameters(step, program))
    if job_name is not None:  # the tuner adds the class after the estimator's hyperparameters
        spec = ESTIMATORS[name]
        out["sagemaker_estimator_class_name"] = json.dumps(spec.sdk_class)
        out["sagemaker_estimator_module"] = json.dumps(f"{spec.module}.estimator")
    return out


def metrics_time_series(step, program) -> bool:
    spec = ESTIMATORS[framework_name(step, program.literal)]
    version = _text(step, spec.version_field, program.literal)
    return bool(spec.metrics_since and version and _version_tuple(version) >= _version_tuple(spec.metrics_since))


# --- import: a training job a framework estimator wrote, read back as `framework = ...` -----

_OWN_HYPERPARAMETERS = ("sagemaker_submit_directory", "sagemaker_program", "sagemaker_container_log_level",
                        "sagemaker_region")


def _image_settings(image: str):
    """(framework, version, py_version) of a training image the image table gives for a
    framework estimator, or None."""
    from dsl.semantics.images import table

    repo_tag = image.split("/", 1)[1] if "/" in image else image
    compilers = [("pytorch", "pytorch-training-compiler"), ("huggingface", "huggingface-training-compiler")]
    for name, table_name in [(n, n) for n in ESTIMATORS] + compilers:
        scope = table()["frameworks"].get(table_name, {}).get("by_scope", {}).get("training")
        if not scope:
            continue
        for key, (_, written) in scope["entries"].items():
            if written == repo_tag:
                version, base, py, _ = key.split("|")
                return name, version, py, base  # (the tag is the version as written: no alias)
    return None


def _distribution_of(found: dict):
    """(`distribution`, the hyperparameters it accounts for) from the sagemaker_* ones
    `_distribution.hyperparameters` writes; the round trip checks the guess."""
    out: dict = {}
    used = set()

    def take(key):
        used.add(key)
        return found[key]

    for key, strategy in (("sagemaker_pytorch_xla_multi_worker_enabled", "pytorchxla"),
                          ("sagemaker_parameter_server_enabled", "parameter_server"),
                          ("sagemaker_multi_worker_mirrored_strategy_enabled", "multi_worker_mirrored_strategy"),
                          ("sagemaker_torch_distributed_enabled", "torch_distributed"),
                          ("sagemaker_pytorch_ddp_enabled", "pytorchddp")):
        if key in found:
            out[strategy] = {"enabled": take(key)}
    if "sagemaker_mpi_enabled" in found:
        mpi = out["mpi"] = {"enabled": take("sagemaker_mpi_enabled")}
        if "sagemaker_mpi_num_of_processes_per_host" in found:
            mpi["processes_per_host"] = take("sagemaker_mpi_num_of_processes_per_host")
        if found.get("sagemaker_mpi_custom_mpi_options", "") != "":
            mpi["custom_mpi_options"] = found["sagemaker_mpi_custom_mpi_options"]
        used.add("sagemaker_mpi_custom_mpi_options")
    if "sagemaker_distributed_dataparallel_enabled" in found:
        smdistributed: dict = {}
        if "mp_parameters" in found:  # (written only for an enabled model parallelism)
            smdistributed["modelparallel"] = {"enabled": True, "parameters": take("mp_parameters")}
        parallel = {"enabled": take("sagemaker_distributed_dataparallel_enabled")}
        custom = "sagemaker_distributed_dataparallel_custom_mpi_options"
        if found.get(custom, "") != "":
            parallel["custom_mpi_options"] = found[custom]
        used.add(custom)
        if parallel["enabled"] or not smdistributed:
            smdistributed["dataparallel"] = parallel
        out["smdistributed"] = smdistributed
    if out:
        used.add("sagemaker_instance_type")
    return out, used


def _decoded(value):
    """A hyperparameter's value before `_encoded`: JSON text decoded; a pipeline variable's
    `to_string()` (a String parameter's Get, anything else in a one-value Join) unwrapped."""
    if isinstance(value, str):
        return json.loads(value)
    join = value.get("Std:Join") if isinstance(value, dict) else None
    if isinstance(join, dict) and join.get("On") == "" and len(join.get("Values") or ()) == 1:
        return join["Values"][0]
    if isinstance(value, dict) and set(value) == {"Get"}:
        return value
    raise ValueError("not a value a framework estimator writes")


def _job_parts(arguments: dict, tuning: bool):
    """(hyperparameters, training image) of a training job, or of a tuning job's definition."""
    job = (arguments.get("TrainingJobDefinition") or {}) if tuning else arguments
    hyper = job.get("StaticHyperParameters" if tuning else "HyperParameters") or {}
    return hyper, (job.get("AlgorithmSpecification") or {}).get("TrainingImage")


def region_of(arguments: dict, tuning: bool = False):
    """Import: the `sagemaker_region` a framework estimator wrote, or None."""
    region = _job_parts(arguments, tuning)[0].get("sagemaker_region")
    try:
        return json.loads(region) if isinstance(region, str) else None
    except ValueError:
        return None


def readings(plain: list, arguments: dict, ctx, tuning: bool = False) -> list:
    """Import: a training or tuning step's readings, its framework forms (`read_forms`) before
    its plain one: the plain members the framework gives instead (image, hyperparameters,
    metrics flag) left out, and the inputs after the framework's members."""
    computed = ("image_uri =", "hyperparameters =", "enable_sagemaker_metrics =")
    common = [m for m in plain if not m.startswith(computed)]
    inputs = [m for m in common if m.startswith("input")]
    common = [m for m in common if not m.startswith("input")]
    return [common + form + inputs for form in read_forms(arguments, ctx, tuning)] + [plain]


def read_forms(arguments: dict, ctx, tuning: bool = False) -> list:
    """Import: the members a framework estimator's training job reads back as, beyond what
    every training step reads (the image, hyperparameters and metrics flag left out): with its
    code as the local files the project holds, then with its code as the S3 tarball. [] when
    the job is not one a framework estimator writes as pipedsl writes it. `tuning`: the
    training job definition of a tuning job (its static hyperparameters, the job name and
    the estimator's class the tuner adds)."""
    hyper, image = _job_parts(arguments, tuning)
    if not all(key in hyper for key in _OWN_HYPERPARAMETERS) or not isinstance(image, str):
        return []
    settings = _image_settings(image)
    if settings is None or hyper["sagemaker_container_log_level"] != "20":
        return []
    name, version, py, base = settings
    spec = ESTIMATORS[name]
    try:
        decoded = {key: _decoded(value) for key, value in hyper.items()}
    except (TypeError, ValueError):
        return []
    program, submit = decoded["sagemaker_program"], decoded["sagemaker_submit_directory"]
    if decoded["sagemaker_region"] != ctx.region() or not isinstance(submit, str):
        return []
    extra = spec.extra_hyperparameter
    distribution, used = _distribution_of(decoded)
    job_name = None
    if tuning:  # what the tuner adds: the job's name (which keys the code), the estimator's class
        job_name = decoded.get("sagemaker_job_name")
        if (not isinstance(job_name, str) or decoded.get("sagemaker_estimator_class_name") != spec.sdk_class
                or decoded.get("sagemaker_estimator_module") != spec.module + ".estimator"):
            return []
        used |= {"sagemaker_job_name", "sagemaker_estimator_class_name", "sagemaker_estimator_module"}
    compiler_keys = ("sagemaker_training_compiler_enabled", "sagemaker_training_compiler_debug_mode")
    given = {key: value for key, value in decoded.items()
             if key not in _OWN_HYPERPARAMETERS and key != extra and key not in used and key not in compiler_keys}
    if any(key.startswith("sagemaker_") for key in given) or "mp_parameters" in given:
        return []  # (what no field gives: the round trip would fail)
    members = [f"framework = {ctx.value(name)}", f"{spec.version_field} = {ctx.value(version)}"]
    for field in spec.base_fields:  # HuggingFace's base framework: "pytorch2.0" -> pytorch_version = "2.0"
        prefix = field[: -len("_version")]
        if base.startswith(prefix):
            members.append(f"{field} = {ctx.value(base[len(prefix):])}")
    if py and py != spec.py_default:
        members.append(f"py_version = {ctx.value(py)}")
    if extra and extra in decoded:
        members.append(f"{extra} = {ctx.value(decoded[extra])}")
    if given:
        members.append(f"hyperparameters = {ctx.value(given)}")
    if job_name is not None:
        members.append(f"job_name = {ctx.value(job_name)}")
    if distribution:
        members.append(f"distribution = {ctx.value(distribution)}")
    if all(key in decoded for key in compiler_keys):
        members.append(f"compiler_config = {ctx.value({'enabled': decoded[compiler_keys[0]], 'debug': decoded[compiler_keys[1]]})}")
    forms = []
    # (an entry point from a parameter has no file; a tuning job's code key holds no hash that
    # would tell the project's files are the uploaded ones)
    local = ctx.local_code(submit, program) if isinstance(program, str) and not tuning else None
    if local is not None:
        source_dir, entry, dependencies = local
        forms.append(members + [f"entry_point = {ctx.value(entry)}"] +
                     ([f"source_dir = {ctx.value(source_dir)}"] if source_dir is not None else []) +
                     ([f"dependencies = {ctx.value(dependencies)}"] if dependencies else []))
    forms.append(members + [f"entry_point = {ctx.value(program)}", f"source_dir = {ctx.value(submit)}"])
    return forms
