"""`function`: a Python function as a pipeline step, the SDK's `@step` (`sagemaker.workflow.
function_step`), Type `Training` (LANGUAGE.md section 14.8).

    step Evaluate: function {
        call          = "pipeline_steps.evaluate:evaluate_model"
        args          = [Train.result["model"], TestData]
        kwargs        = { threshold: 0.7 }
        instance_type = "ml.m5.large"
        role          = role
        image_uri     = image
    }

The request is the SDK's `_Job.compile`: a training job whose container runs the SDK's
bootstrap scripts, which load the pickled function and arguments from S3. `Evaluate.result`,
`Evaluate.result["key"]` and `Evaluate.result[0]` are the SDK's `DelayedReturn`: a `JsonGet`
over the step's `results.json` in a condition or another step's field, a reference resolved
by the runtime in another function step's arguments.

What the SDK takes from the building machine or the clock is a field, so two runs give the
same bytes: `build_time` (the SDK's build timestamp, the S3 folder of this build's payloads),
`python_version` (the client Python, the running interpreter's by default) and `sdk_version`.
The callable is found without importing anything: `call`'s module is a file under the `.pipe`
file's folder, parsed with `ast`; `deploy` alone imports it, to serialize it with the SDK's
serializer (the `functions` extra).

SDK v3 (the `_v3` slots of its layout) also takes a new signing key from chance for every
definition; here it is a field too, `signing_key`, a file whose public key goes into the job
(`_signing_key`), and with which `deploy` signs (the `functions3` extra).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import re
import sys
from typing import List, Optional, Tuple

from dsl.diagnostics import error, warning
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, Field, SdkStep, StepKind
from dsl.extension.layout import Slot
from dsl.semantics.program import NOT_LITERAL
from dsl.syntax import ir

from ._common import check_role, read_tags, slot_tags

SDK_VERSION = "2.257.7"  # the SDK v2 release whose `@step` this kind writes
SDK_VERSIONS = {"v2": SDK_VERSION, "v3": "3.27.0"}  # the SDK release of each flavour
MAX_KEY_BYTES = 64 * 1024  # the largest `signing_key` file read
CALL = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)")
BOOTSTRAP = "sagemaker_remote_function_bootstrap"
DEPENDENCIES_CHANNEL = "pre_exec_script_and_dependencies"
WORKSPACE = "sm_rf_user_ws"
ENTRYPOINT = ["/bin/bash", f"/opt/ml/input/data/{BOOTSTRAP}/job_driver.sh"]
SAGEMAKER_REQUIREMENT = "sagemaker>=2.256.0,<3.0.0"  # what the SDK adds to every dependency file
# tempfile's alphabet: the SDK names its generated requirements file with 8 of these
_NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_BASE_PYTHON_VERSIONS = ("3.8", "3.10")  # the client Pythons the SDK has a default image for


def requirements_file_name(pipeline: str, step: str) -> str:
    """The requirements file the SDK writes when a step names no `dependencies`
    (`sagemaker_requirements_XXXXXXXX.txt`, random in the SDK): here 8 characters of
    sha256(pipeline, step), so that the definition does not change from one run to the next."""
    digest = hashlib.sha256(f"{pipeline}\0{step}".encode("utf-8")).digest()
    return "sagemaker_requirements_" + "".join(_NAME_ALPHABET[b % len(_NAME_ALPHABET)] for b in digest[:8]) + ".txt"


def default_python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


# --- finding the callable without running anything --------------------------------------

@functools.lru_cache(maxsize=256)
def _parse(path: str, mtime_ns: int, size: int):
    """The module's syntax tree, or the SyntaxError (cached per file version)."""
    from dsl.semantics.localcode import read_bytes

    try:
        return ast.parse(read_bytes(path), filename=path)
    except (SyntaxError, ValueError) as exc:
        return exc


class FoundCallable:
    """What `call` names, as far as the module's source says: the module's file, the
    function's definition (None when the module binds the name otherwise: an import, an
    assignment) and its raw docstring."""

    def __init__(self, module: str, name: str, path: Optional[str], shown: Optional[str], node, problem: Optional[str]):
        self.module, self.name, self.path, self.shown, self.node, self.problem = module, name, path, shown, node, problem

    @property
    def docstring(self) -> Optional[str]:
        if isinstance(self.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ast.get_docstring(self.node, clean=False)
        return None


def find_callable(program, text: str) -> Optional[FoundCallable]:
    """`call = "pkg.module:function"` looked up in the project: `pkg/module.py` or
    `pkg/module/__init__.py` under the `.pipe` file's folder. None when `text` is not of that form."""
    match = CALL.fullmatch(text)
    if match is None:
        return None
    module, name = match.groups()
    cache = program.__dict__.setdefault("_function_callables", {})
    if text in cache:
        return cache[text]
    relative = module.replace(".", "/")
    path = shown = None
    for candidate in (relative + ".py", relative + "/__init__.py"):
        if os.path.isfile(os.path.join(program.folder, candidate)) and program.local_problem(candidate) is None:
            path, shown = os.path.join(program.folder, candidate), candidate
            break
    node, problem = None, None
    if path is None:
        problem = f"no module {module!r} in the project ({relative}.py or {relative}/__init__.py beside the .pipe file)"
    else:
        st = os.stat(path)
        tree = _parse(os.path.realpath(path), st.st_mtime_ns, st.st_size)
        if isinstance(tree, Exception):
            problem = f"{shown} does not parse: {getattr(tree, 'msg', tree)}"
        else:
            node = _binding(tree, name)
            if node is None:
                problem = f"{shown} defines no `{name}`"
    found = cache[text] = FoundCallable(module, name, path, shown, node, problem)
    return found


def _binding(tree: ast.Module, name: str):
    """The top-level statement of a module that binds `name` (the last one, as Python does)."""
    found: Optional[ast.stmt] = None
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and statement.name == name:
            found = statement
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                if (alias.asname or alias.name.split(".")[0]) == name:
                    found = statement
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                found = statement
    return found


def signature_problem(node: ast.FunctionDef, positional: int, keywords: List[str]) -> Optional[Tuple[str, Optional[str]]]:
    """Why the SDK's `@step` would refuse `f(*positional, **keywords)` for the function `node`
    (`RemoteExecutor._validate_submit_args`, stricter than Python: a `**kwargs` parameter takes
    no other names), or None."""
    from dsl.diagnostics import did_you_mean

    a = node.args
    named = [p.arg for p in a.posonlyargs + a.args]  # what inspect.getfullargspec calls `args`
    kwonly = [p.arg for p in a.kwonlyargs]
    if positional > len(named) and a.vararg is None:
        return (f"`{node.name}` takes {len(named)} positional argument{'s' if len(named) != 1 else ''}, "
                f"{positional} given", None)
    required = len(named) - len(a.defaults)
    missing = [name for name in named[positional:required] if name not in keywords]
    if missing:
        return (f"`{node.name}` needs {', '.join(f'`{m}`' for m in missing)}",
                "give it in `args` (in order) or `kwargs`")
    for key in keywords:
        if key in named and named.index(key) < positional:
            return f"`{node.name}` gets `{key}` twice (positionally and by name)", None
        if key not in named and key not in kwonly:
            hint = did_you_mean(key, named + kwonly)
            if a.kwarg is not None and hint is None:
                hint = f"the SDK passes only named parameters: `**{a.kwarg.arg}` takes none"
            return f"`{node.name}` takes no argument `{key}`", hint
    defaults = {p.arg for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None}
    missing = [name for name in kwonly if name not in defaults and name not in keywords]
    if missing:
        return (f"`{node.name}` needs the keyword {', '.join(f'`{m}`' for m in missing)}", "give it in `kwargs`")
    return None


# --- the kind ---------------------------------------------------------------------------

class Function(StepKind):
    name = "function"
    type = "Training"
    sdk_class = "@step"
    summary = "runs a Python function as a training job (the SDK's @step)"
    property_root = "FunctionResult"
    job_step = True
    cache = False  # `@step` takes no cache config
    read_means_depends_on = True
    reads_before_depends_on = True
    claims_some = True
    job_name_key = "TrainingJobName"
    experiment_run = "the training job that runs the function"
    sdk_imports = {"sagemaker.workflow.function_step": ("step",), "sagemaker.workflow.step_outputs": ("get_step",)}
    fields = {
        "call": Field("string", required=True, doc="the function, `\"module:function\"` (the module is a file under the "
                      ".pipe file's folder, e.g. \"pipeline_steps/evaluate.py\" for `pipeline_steps.evaluate`)",
                      pattern=CALL.pattern, pattern_doc="`\"module.path:function\"`", sdk="_func"),
        "args": Field("list", doc="positional arguments: literals, parameters, execution variables, step properties, "
                      "other function steps' results"),
        "kwargs": Field("map", doc="keyword arguments, the same kinds of values"),
        "instance_type": Field("string", required=True, doc="instance type", json="ResourceConfig.InstanceType",
                               **INSTANCE_TYPE),
        "instance_count": Field("integer", doc="instances", json="ResourceConfig.InstanceCount", default=1,
                                minimum=1, omit="never"),
        "role": Field("string", required=True, doc="IAM role ARN", json="RoleArn"),
        "image_uri": Field("string", doc="the image the function runs in (default: the SageMaker base-python image of "
                           "`python_version`, as the SDK picks it: Python 3.8 and 3.10 only)"),
        "dependencies": Field("string", doc="a local requirements.txt or conda environment.yml, installed before the "
                              "function runs (the SDK adds sagemaker>=2.256.0,<3.0.0 to a requirements file)"),
        "pre_execution_commands": Field("list", items="string", doc="shell commands run before the function"),
        "pre_execution_script": Field("string", doc="a local shell script run before the function"),
        "include_local_workdir": Field("boolean", default=False, doc="upload the .pipe file's folder (its Python files, "
                                       "as the SDK copies its working directory) for the function to import"),
        "environment": Field("map", sdk="environment_variables", doc="environment variables of the job"),
        "job_conda_env": Field("string", doc="the conda environment of the image to run in"),
        "max_runtime_in_seconds": Field("integer", default=86400, json="StoppingCondition.MaxRuntimeInSeconds",
                                        omit="never", minimum=1, doc="the job's time limit"),
        "max_wait_time_in_seconds": Field("integer", json="StoppingCondition.MaxWaitTimeInSeconds",
                                          doc="with spot instances: how long to wait for them"),
        "max_retry_attempts": Field("integer", default=1, json="RetryStrategy.MaximumRetryAttempts", omit="never",
                                    minimum=1, doc="attempts of the job itself (the service's RetryStrategy)"),
        "tags": Field("any", doc="a map or a list of {Key, Value}"),
        "volume_size": Field("integer", default=30, json="ResourceConfig.VolumeSizeInGB", omit="never", minimum=1,
                             doc="GB of storage per instance"),
        "volume_kms_key": Field("string", json="ResourceConfig.VolumeKmsKeyId", doc="KMS key of the storage volume"),
        "keep_alive_period_in_seconds": Field("integer", default=0, json="ResourceConfig.KeepAlivePeriodInSeconds",
                                              omit="never", doc="warm pool: seconds to keep the instances"),
        "encrypt_inter_container_traffic": Field("boolean", default=False,
                                                 json="EnableInterContainerTrafficEncryption", omit="never",
                                                 doc="encrypt traffic between instances"),
        "subnets": Field("list", items="string", doc="VPC subnets"),
        "security_group_ids": Field("list", items="string", doc="VPC security groups"),
        "use_spot_instances": Field("boolean", default=False, json="EnableManagedSpotTraining", omit="never",
                                    doc="managed spot training"),
        "job_name_prefix": Field("string", doc="the training job's name prefix (not in the definition: the service "
                                 "names the job)"),
        "build_time": Field("string", doc="the build's folder under each step's S3 prefix and the workspace's (the "
                            "SDK's build timestamp, e.g. \"2025-11-26-12-00-00-123\"; default: a digest of the "
                            "pipeline file and the function's module, the same on every run)",
                            pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", pattern_doc="a folder name",
                            sdk="(the SDK's clock)"),
        "python_version": Field("string", doc="the client Python, `major.minor` (default: the Python pipedsl runs in; "
                                "deploy serializes with it, and the job checks it)",
                                pattern=r"3\.\d{1,2}", pattern_doc="a Python version such as \"3.10\"",
                                sdk="(the running Python)"),
        "sdk_version": Field("string", default=SDK_VERSION, doc="the client SageMaker SDK version the job is told "
                             f"(SDK v3: {SDK_VERSIONS['v3']})", sdk="(the installed SDK)"),
        "signing_key": Field("string", doc="SDK v3: a local PEM file with the ECDSA P-256 private key that signs the "
                             "function's payloads (its public key is written into the job; the SDK makes a new key "
                             "for every definition). Keep it out of version control; e.g. `openssl ecparam -name "
                             "prime256v1 -genkey -noout -out signing-key.pem`", sdk="(the SDK's new key)"),
    }
    flavours = frozenset({"v2", "v3"})
    layout = (
        Slot("TrainingJobName", "job_name"),
        "role", "max_runtime_in_seconds", "max_wait_time_in_seconds", "max_retry_attempts",
        Slot("Tags", "tags"),
        Slot("InputDataConfig", "channels"),
        Slot("OutputDataConfig", "output"),
        Slot("AlgorithmSpecification", "algorithm"),
        "volume_size", "instance_count", "instance_type", "volume_kms_key", "keep_alive_period_in_seconds",
        Slot("EnableNetworkIsolation", "network_isolation"),
        "encrypt_inter_container_traffic",
        Slot("VpcConfig", "vpc"),
        "use_spot_instances",
        Slot("Environment", "environment"),
    )
    # SDK v3's `@step`: the same keys, four of them computed differently (the `_v3` slots)
    layouts = {"v3": tuple(Slot(leaf.place, leaf.name + "_v3") if isinstance(leaf, Slot) and leaf.name in
                           ("channels", "output", "algorithm", "environment") else leaf for leaf in layout)}

    slot_tags, read_tags = slot_tags, read_tags

    # --- settings -----------------------------------------------------------------------
    @staticmethod
    def text(step, ctx, name: str, default=None):
        attribute = step.attribute(name)
        if attribute is None:
            return default
        return ctx.program.literal(attribute.value, default)

    def callable_of(self, step, ctx) -> Optional[FoundCallable]:
        call = self.text(step, ctx, "call")
        return find_callable(ctx.program, call) if isinstance(call, str) else None

    def python_version(self, step, ctx) -> str:
        return self.text(step, ctx, "python_version") or default_python_version()

    def build_time(self, step, ctx) -> str:
        pinned = self.text(step, ctx, "build_time")
        return pinned if isinstance(pinned, str) else default_build_time(ctx.program)

    def s3_base(self, ctx) -> str:
        bucket = ctx.program.default_bucket
        return f"s3://{bucket}/{ctx.program.name}"

    def sdk_version(self, step, ctx) -> str:
        return self.text(step, ctx, "sdk_version") or SDK_VERSIONS[ctx.program.flavour]

    def dependency_file(self, step, ctx) -> Optional[str]:
        """The dependency file's name; with none given, SDK v2's generated requirements file
        (SDK v3 writes none: None)."""
        dependencies = self.text(step, ctx, "dependencies")
        if isinstance(dependencies, str):
            return os.path.basename(dependencies)
        return requirements_file_name(ctx.program.name, step.name) if ctx.program.flavour == "v2" else None

    def signing_key(self, step, ctx) -> Optional[bytes]:
        """The bytes of the `signing_key` file (SDK v3), None when not given or not readable
        (`key_file` says why)."""
        return self.key_file(step, ctx)[0]

    def key_file(self, step, ctx) -> Tuple[Optional[bytes], Optional[str]]:
        """(the `signing_key` file's bytes, or why it cannot be used): read once per path and
        program (every function step names the same file; the checks, the definition and
        deploy all ask)."""
        from dsl.semantics.localcode import read_bytes

        path = self.text(step, ctx, "signing_key")
        if not isinstance(path, str):
            return None, None
        cache = ctx.program.__dict__.setdefault("_function_key_files", {})
        if path not in cache:
            problem = ctx.program.local_problem(path)
            full = os.path.join(ctx.program.folder, path)
            try:
                if problem is None and os.path.getsize(full) > MAX_KEY_BYTES:  # (never read a big file)
                    problem = f"`{path}` is larger than a key ({MAX_KEY_BYTES // 1024} KiB)"
                cache[path] = (None, problem) if problem is not None else (read_bytes(full), None)
            except OSError:
                cache[path] = (None, "cannot be read")
        return cache[path]

    def public_key(self, step, ctx) -> Optional[str]:
        return self.derived_key(step, ctx)[0]

    def derived_key(self, step, ctx) -> Tuple[Optional[str], Optional[str]]:
        """(the public half of `signing_key`, or why there is none): derived once per key and
        program (a few milliseconds each)."""
        from ._signing_key import KeyProblem, public_key_pem

        key = self.signing_key(step, ctx)
        if key is None:
            return None, None
        cache = ctx.program.__dict__.setdefault("_function_public_keys", {})
        if key not in cache:
            try:
                cache[key] = (public_key_pem(key), None)
            except KeyProblem as exc:
                cache[key] = (None, str(exc))
        return cache[key]

    def arguments_of(self, step) -> List[Tuple[Optional[str], ir.Expr]]:
        """(keyword or None, value) of each argument, positional first."""
        out: List[Tuple[Optional[str], ir.Expr]] = []
        args = step.attribute("args")
        if args is not None and isinstance(args.value, ir.ListExpr):
            out += [(None, item) for item in args.value.items]
        kwargs = step.attribute("kwargs")
        if kwargs is not None and isinstance(kwargs.value, ir.MapExpr):
            out += [(entry.key, entry.value) for entry in kwargs.value.entries]
        return out

    def is_result(self, program, expr) -> Optional[ir.Ref]:
        """`expr` when it is another function step's result (`F.result[...]`), else None."""
        target = program.follow(expr)
        if isinstance(target, ir.Ref) and target.name in program.steps and \
                getattr(program.kind_of(program.steps[target.name]), "name", None) == "function":
            return target
        return None

    def read_by_others(self, step, program) -> bool:
        """Whether another step reads this one's result: the SDK then also writes it as JSON."""
        readers = program.__dict__.get("_function_readers")
        if readers is None:
            readers = program._function_readers = {name for s in program.pipeline.steps
                                                   for name in program.reads(s) if name != s.name}
        return step.name in readers

    # --- JSON ---------------------------------------------------------------------------
    def envelope_default(self, name, step, ctx):
        call = self.text(step, ctx, "call")
        if not isinstance(call, str) or ":" not in call:
            return None
        module, function = call.split(":", 1)
        if name == "display_name":
            return f"{module}.{function}"  # f"{func.__module__}.{func.__name__}"
        found = self.callable_of(step, ctx) if name == "description" else None
        if found is not None:
            # the docstring, else the file the function's code is in (`__code__.co_filename`)
            return found.docstring or (os.path.abspath(found.path) if found.path else None)
        return None

    def slot_channels_v3(self, step, ctx):
        """the dependency folder only when a dependency file, pre-execution commands or a script is
        given (v2 always names it: SDK v2 writes a requirements file of its own)"""
        return self.slot_channels(step, ctx)

    def slot_channels(self, step, ctx):
        base = self.s3_base(ctx)
        build = self.build_time(step, ctx)
        channels = [_channel(BOOTSTRAP, f"{base}/{BOOTSTRAP}")]
        if self.has_dependency_folder(step, ctx):
            channels.append(_channel(DEPENDENCIES_CHANNEL, f"{base}/{step.name}/{build}/{DEPENDENCIES_CHANNEL}"))
        if self.text(step, ctx, "include_local_workdir") is True:
            # the step that uploads the workspace names the zip; the later ones its folder (the
            # SDK's S3Uploader returns the file's URI, and then `s3_path_join` of the folder)
            first = first_step(ctx.program, lambda s: self.text(s, ctx, "include_local_workdir") is True)
            uri = f"{base}/{WORKSPACE}/{build}" + ("/workspace.zip" if first is step else "")
            channels.append(_channel(build, uri))
        return channels

    def has_dependency_folder(self, step, ctx) -> bool:
        """Whether the step uploads a dependency file or pre-execution script: always in v2 (the
        SDK writes a requirements file when none is named), in v3 only when one is given."""
        return ctx.program.flavour == "v2" or any(  # (the SDK's test: an empty list is none)
            bool(self.text(step, ctx, name)) for name in ("dependencies", "pre_execution_commands",
                                                          "pre_execution_script"))

    def slot_output(self, step, ctx):
        execution = {"Get": "Execution.PipelineExecutionId"}
        return {"S3OutputPath": ctx.join("/", [self.s3_base(ctx), execution, step.name, "results"])}

    def slot_output_v3(self, step, ctx):
        """`S3OutputPath` under the build's folder: BASE/STEP/BUILD/EXECUTION_ID/results (v2:
        BASE/EXECUTION_ID/STEP/results)"""
        execution = {"Get": "Execution.PipelineExecutionId"}
        return {"S3OutputPath": ctx.join("/", [self.s3_base(ctx), step.name, self.build_time(step, ctx), execution,
                                               "results"])}

    def slot_algorithm_v3(self, step, ctx):
        """the job is told SDK 3.27.0 (`--client_sagemaker_pysdk_version`), and
        `--dependency_settings` names no file when none is given"""
        return self.slot_algorithm(step, ctx)

    def slot_algorithm(self, step, ctx):
        return {"TrainingImage": self.image(step, ctx), "TrainingInputMode": "File",
                "ContainerEntrypoint": list(ENTRYPOINT), "ContainerArguments": self.container_arguments(step, ctx)}

    def image(self, step, ctx):
        given = step.attribute("image_uri")
        if given is not None:
            return ctx.value(given.value)
        return base_python_image(ctx.program.region or "", self.python_version(step, ctx))

    def container_arguments(self, step, ctx) -> list:
        program = ctx.program
        out = ["--s3_base_uri", self.s3_base(ctx), "--region", program.region or "",
               "--client_python_version", self.python_version(step, ctx),
               "--client_sagemaker_pysdk_version", self.sdk_version(step, ctx),
               "--dependency_settings", json.dumps({"dependency_file": self.dependency_file(step, ctx)})]
        conda = step.attribute("job_conda_env")
        if conda is not None:
            out += ["--job_conda_env", ctx.value(conda.value)]
        execution_id = {"Get": "Execution.PipelineExecutionId"}
        out += ["--pipeline_step_name", step.name, "--pipeline_execution_id", execution_id,
                "--func_step_s3_dir", self.build_time(step, ctx),
                "--property_references", "Execution.PipelineExecutionId", execution_id]
        for _, value in self.arguments_of(step):
            out += self.property_reference(value, ctx)
        if self.read_by_others(step, program):
            out += ["--serialize_output_to_json", "true"]
        return out

    def property_reference(self, value, ctx) -> list:
        """What the SDK lists after `--property_references` for one argument: the reference's
        path and its `to_string()`; nothing for a literal."""
        program = ctx.program
        target = program.follow(value)
        if not isinstance(target, ir.Ref):
            return []
        result = self.is_result(program, target)
        if result is not None:
            get = {"Get": f"Steps.{result.name}.OutputDataConfig.S3OutputPath"}
            return [get["Get"], ctx.join("", [get])]
        lowered = ctx.value(target)
        if isinstance(lowered, dict) and isinstance(lowered.get("Get"), str):
            return [lowered["Get"], ctx.to_string(target)]
        return []

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: `job_name_prefix`, else the function's name with its
        special characters made `-` (`_Job._get_job_name`)."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        prefix = self.text(step, ctx, "job_name_prefix")
        if not isinstance(prefix, str) or not prefix:
            call = self.text(step, ctx, "call")
            prefix = re.sub(r"[^a-zA-Z0-9-]", "-", re.sub(r"^[^a-zA-Z0-9]+", "", str(call).split(":")[-1]))
        return _job_names.base_from_name(prefix)

    def read_job_name(self, value, arguments, ctx):
        return [f"job_name_prefix = {ctx.value(value)}"] if value is not None else []

    def slot_network_isolation(self, step, ctx):
        return False  # `_JobSettings` always sets it

    def slot_vpc(self, step, ctx):
        subnets, groups = step.attribute("subnets"), step.attribute("security_group_ids")
        if subnets is None or groups is None:
            return None  # (vpc_utils.sanitize drops a half-given config)
        return {"Subnets": ctx.value(subnets.value), "SecurityGroupIds": ctx.value(groups.value)}

    def slot_environment(self, step, ctx):
        env = dict(ctx.attr(step, "environment", {}) or {})
        env["AWS_DEFAULT_REGION"] = ctx.program.region or ""
        return env

    def slot_environment_v3(self, step, ctx):
        """adds `REMOTE_FUNCTION_SECRET_KEY`: the public key of `signing_key`, which signs the
        payloads (the SDK makes a new key for every definition)"""
        env = self.slot_environment(step, ctx)
        env["REMOTE_FUNCTION_SECRET_KEY"] = self.public_key(step, ctx) or ""
        return env

    def json_property(self, step, parts, ctx):
        """`F.result[...]`: the SDK's `DelayedReturn._to_json_get()`."""
        if parts[0].name != "result":
            return None  # (`OutputDataConfig.S3OutputPath`: the usual Get)
        return {"Std:JsonGet": {"S3Uri": ctx.join("/", [{"Get": f"Steps.{step.name}.OutputDataConfig.S3OutputPath"},
                                                         "results.json"]),
                                "Path": result_path(parts)}}

    def property_names(self, step, path):
        return ["result"] if not path else []

    def property_problem(self, step, parts, ctx):
        if [getattr(p, "name", None) for p in parts] == ["OutputDataConfig", "S3OutputPath"]:
            return None  # where its results are: what the SDK's JSON of a result names (a raw step's)
        first = parts[0]
        if not isinstance(first, ir.Member) or first.name != "result":
            shown = first.name if isinstance(first, ir.Member) else ""
            return (0, f"a `function` step's value is its `result` (the function's return), not `{shown}`",
                    f"e.g. `{step.name}.result` or `{step.name}.result[\"key\"]`")
        for index, part in enumerate(parts[1:], 1):
            if not isinstance(part, ir.Index):
                return (index, "index the result: `result[\"key\"]` or `result[0]`", None)
        return None

    # --- checks -------------------------------------------------------------------------
    def check(self, step, ctx):
        program = ctx.program
        yield from check_role(step, ctx)
        if program.region is None:
            yield error("E0304", "a `function` step needs the pipeline's `region`", step.kind_span,
                        "no region", 'the job is told its region: add `region = "us-east-1"` to the pipeline')
        if program.default_bucket is None:
            yield error("E0304", "a `function` step needs the pipeline's `default_bucket`", step.kind_span,
                        "no default bucket", "its function, arguments and results live under "
                        "s3://BUCKET/PIPELINE/: add `default_bucket = \"...\"` to the pipeline")
        both = step.attribute("pre_execution_commands"), step.attribute("pre_execution_script")
        if both[0] is not None and both[1] is not None:
            yield error("E0304", "`pre_execution_commands` and `pre_execution_script` are exclusive",
                        both[1].name_span, "given with pre_execution_commands", "the SDK takes one of them")
        for name in ("dependencies", "pre_execution_script"):
            attribute = step.attribute(name)
            value = ctx.literal(attribute.value, NOT_LITERAL) if attribute else None
            if attribute is None:
                continue
            if not isinstance(value, str):
                yield error("E0304", f"`{name}` must be a literal path", attribute.value.span, "not known before running")
                continue
            if name == "dependencies" and value == "auto_capture":
                yield error("E0304", "`dependencies = \"auto_capture\"` is not supported for pipeline steps",
                            attribute.value.span, "refused by the SDK", "name a requirements.txt or environment.yml")
                continue
            problem = program.local_problem(value)
            from dsl.semantics.localcode import escapes_root

            escapes = escapes_root(value, program.folder, program.root)
            if problem is not None and (escapes or os.path.lexists(os.path.join(program.folder, value))):
                yield error("E0304", f"`{name}`: {problem}", attribute.value.span, "not a local file")
            elif problem is not None:
                # the definition holds only its name: a file still to be written is for deploy to refuse
                yield warning("W0006", f"`{name}`: {problem}", attribute.value.span, "not there yet",
                              "the definition names only the file; `deploy` uploads it")
        for name in ("build_time", "python_version", "sdk_version"):
            attribute = step.attribute(name)
            if attribute is not None and not isinstance(ctx.literal(attribute.value, NOT_LITERAL), str):
                yield error("E0304", f"`{name}` must be literal text", attribute.value.span, "not known before running")
        if step.attribute("image_uri") is None and self.python_version(step, ctx) not in _BASE_PYTHON_VERSIONS:
            yield error("E0304", f"no default image for Python {self.python_version(step, ctx)}",
                        step.kind_span, "no `image_uri`",
                        "the SDK's base-python image exists for Python 3.8 and 3.10: give `image_uri`, or "
                        "`python_version = \"3.10\"` when the function is serialized with Python 3.10")
        workdir = step.attribute("include_local_workdir")
        if workdir is not None:
            others = {self.text(s, ctx, "include_local_workdir") is True for s in program.pipeline.steps
                      if getattr(program.kind_of(s), "name", None) == self.name}
            if len(others) > 1:
                yield error("E0304", "`include_local_workdir` differs between the pipeline's function steps",
                            workdir.name_span, "not the same on every function step",
                            "the SDK reads it from its config, once for the whole pipeline: set it the same on "
                            "every function step (a template does it once)")
        yield from self.check_signing_key(step, ctx)
        yield from self.check_arguments(step, ctx)
        yield from self.check_callable(step, ctx)

    def check_signing_key(self, step, ctx):
        """SDK v3 signs the payloads: the key is a readable P-256 private key in the project,
        the same on every function step (the SDK has one per definition)."""
        program = ctx.program
        attribute = step.attribute("signing_key")
        if program.flavour != "v3":
            return  # (SDK v2 signs nothing: a file for v3 alone need not be there)
        if attribute is None:
            yield error("E0304", "a `function` step in SDK v3 needs `signing_key`", step.kind_span,
                        "no signing key", "SDK v3 signs the function's payloads and writes the public key into "
                        "the definition: name a PEM file with a P-256 private key, e.g. made by `openssl ecparam "
                        "-name prime256v1 -genkey -noout -out signing-key.pem` (keep it out of version control)")
            return
        path = ctx.literal(attribute.value, NOT_LITERAL)
        if not isinstance(path, str):
            yield error("E0304", "`signing_key` must be a literal path", attribute.value.span, "not known before running")
            return
        problem = self.key_file(step, ctx)[1]
        if problem is not None:
            yield error("E0304", f"`signing_key`: {problem}", attribute.value.span, "not a local file",
                        "name a PEM file with a P-256 private key inside the project")
            return
        why = self.derived_key(step, ctx)[1]
        if why is not None:
            yield error("E0304", f"`signing_key`: {why}", attribute.value.span, "not a P-256 private key",
                        "SDK v3 signs with ECDSA P-256: `openssl ecparam -name prime256v1 -genkey -noout -out KEY.pem`")
            return
        keys = program.__dict__.get("_function_signing_keys")
        if keys is None:  # (once per program: every function step is checked against it)
            keys = program._function_signing_keys = {self.text(s, ctx, "signing_key") for s in program.pipeline.steps
                                                     if getattr(program.kind_of(s), "name", None) == self.name}
        if len(keys) > 1:
            yield error("E0304", "`signing_key` differs between the pipeline's function steps", attribute.name_span,
                        "not the same on every function step",
                        "the SDK signs a whole definition with one key: set it the same on every function step "
                        "(a template does it once)")

    def check_arguments(self, step, ctx):
        program = ctx.program
        for _, value in self.arguments_of(step):
            target = program.follow(value)
            if isinstance(target, ir.Ref):
                continue  # a parameter, execution variable, property or result (a step reading itself is a cycle)
            if isinstance(target, (ir.Call, ir.Interpolation)) and program.literal(target, NOT_LITERAL) is NOT_LITERAL:
                yield error("E0304", "a function argument cannot be computed at run time",
                            value.span, "a join, json_get or text built from run-time values",
                            "pass the parameters or properties themselves and combine them in the function "
                            "(the SDK refuses Join and JsonGet arguments)")
                continue
            for node in ir.walk(target):
                if isinstance(node, ir.Ref) and (node.name in program.params or node.name in program.steps
                                                 or node.name == "Execution"):
                    yield error("E0304", "a run-time value inside a list or map argument is not resolved",
                                node.span, "pickled as it is", "pass it as an argument of its own "
                                "(the SDK resolves only top-level parameters, properties and results)")
                    break

    def check_callable(self, step, ctx):
        attribute = step.attribute("call")
        if attribute is None:
            return
        call = ctx.literal(attribute.value, NOT_LITERAL)
        if not isinstance(call, str):
            yield error("E0304", "`call` must be literal text", attribute.value.span, "not known before running")
            return
        found = find_callable(ctx.program, call)
        if found is None:
            return  # (the field's pattern reports it)
        if found.problem is not None:
            if found.path is None:
                hint = ("an installed package is not inspected: give `description`, and check the name yourself"
                        if step.attribute("description") is not None else
                        "put the module beside the .pipe file, or give `description` (the SDK's default is "
                        "the function's docstring or file) when it is an installed package")
                if step.attribute("description") is None:
                    yield error("E0318", f"cannot find `{call}`: {found.problem}", attribute.value.span,
                                "not found", hint)
                else:
                    yield warning("W0005", f"`{call}` is not checked: {found.problem}", attribute.value.span,
                                  "not found in the project", hint)
            else:
                yield error("E0318", f"cannot find `{call}`: {found.problem}", attribute.value.span, "not found",
                            "the module is parsed, never run: define the function at its top level")
            return
        node = found.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return  # bound by an import or an assignment: its signature is not known without running it
        if isinstance(node, ast.AsyncFunctionDef):
            yield error("E0319", f"`{found.name}` is a coroutine function", attribute.value.span,
                        "async def", "the SDK runs a plain function: wrap it in one that calls asyncio.run()")
            return
        arguments = self.arguments_of(step)
        positional = sum(1 for keyword, _ in arguments if keyword is None)
        problem = signature_problem(node, positional, [k for k, _ in arguments if k is not None])
        if problem is not None:
            why, advice = problem
            where = step.attribute("kwargs") or step.attribute("args") or attribute
            yield error("E0319", why + f" ({found.shown}, line {node.lineno})", where.value.span,
                        "does not match the function", advice)

    # --- what deploy uploads ------------------------------------------------------------
    def uploads(self, step, ctx):
        from .function_uploads import uploads

        return uploads(self, step, ctx)

    # --- SDK code -------------------------------------------------------------------------
    def sdk_step(self, step, ctx) -> SdkStep:
        call = self.text(step, ctx, "call")
        module, function = call.split(":", 1)
        used = ctx.import_from(module, function)
        kwargs: List[Tuple[str, str]] = []
        for name, field in self.fields.items():
            if name in ("call", "args", "kwargs", "build_time", "python_version", "sdk_version", "include_local_workdir",
                        "signing_key"):
                continue
            value = ctx.attr(step, name)
            if value is not None:
                kwargs.append((field.sdk_keyword(name), value))
        applied = [ctx.py(item) for keyword, item in self.arguments_of(step) if keyword is None]
        applied += [f"{keyword}={ctx.py(item)}" for keyword, item in self.arguments_of(step) if keyword is not None]
        after: Tuple[str, ...] = ()
        depends = step.attribute("depends_on")
        if depends is not None and isinstance(depends.value, ir.ListExpr) and depends.value.items:
            # `@step` takes no depends_on: the SDK's way is add_depends_on on the step behind the result
            names = ", ".join(ctx.step_var(getattr(item, "name", "")) for item in depends.value.items)
            after = (f"{ctx.imp('get_step')}({ctx.step_var(step.name)}).add_depends_on([{names}])",)
        before: Tuple[str, ...] = ()
        key = self.text(step, ctx, "signing_key")
        if ctx.program.flavour == "v3" and isinstance(key, str):
            # (`@step` takes no key: what the definition holds and what runs here differ there)
            before = (f"# SDK v3 signs the payloads with a new key for every definition(); pipedsl's definition and "
                      f"deploy use {key!r}",)
        return SdkStep(ctx.imp("step"), tuple(kwargs), before=before, leading=(used,), applied=", ".join(applied),
                       after=after, envelope_written=("depends_on",))

    def sdk_session_config(self, steps, ctx) -> dict:
        # `@step` has no include_local_workdir keyword: the SDK reads it from its config only
        if any(self.text(step, ctx, "include_local_workdir") is True for step in steps):
            return {"SageMaker": {"PythonSDK": {"Modules": {"RemoteFunction": {"IncludeLocalWorkDir": True}}}}}
        return {}

    def sdk_property(self, step_var, parts, ctx) -> str:
        if parts[0].name != "result":
            return f"{ctx.imp('get_step')}({step_var})._properties.OutputDataConfig.S3OutputPath"
        return step_var + "".join(f"[{part.key!r}]" for part in parts[1:])

    # --- import -------------------------------------------------------------------------
    @staticmethod
    def _container_setting(arguments, flag):
        args = arguments["AlgorithmSpecification"]["ContainerArguments"]
        return args[args.index(flag) + 1]

    def region_of(self, arguments):
        return self._container_setting(arguments, "--region")

    def bucket_of(self, arguments):
        return self._container_setting(arguments, "--s3_base_uri")[len("s3://"):].split("/", 1)[0]

    def pipeline_name_of(self, arguments):
        return self._container_setting(arguments, "--s3_base_uri")[len("s3://"):].split("/", 1)[1]

    def claims(self, step):
        from .function_import import is_function_step

        return is_function_step(step)

    def read_step(self, step, ctx):
        from .function_import import read_function_step

        return read_function_step(self, step, ctx)

    def raw_note(self, step):
        return ("a function step (the SDK's @step) whose function cannot be named: its DisplayName is not\n"
                "`module.function`. Write it as `function { call = \"module:function\" ... }` to deploy it.")

    def read_forms(self, step, ctx):
        from .function_import import read_function_step

        # a result passed on, then (when the step that made it is not read as a function step)
        # the results folder as a property
        return [read_function_step(self, step, ctx), read_function_step(self, step, ctx, results=False)]

    def docs_details(self, step, ctx) -> list:
        call = self.text(step, ctx, "call")
        return [f"Runs {ctx.code(call)} on SageMaker (a training job started by the SDK's bootstrap scripts).", ""]


def build_order(program):
    """The steps in the order the SDK compiles them: the pipeline's, each condition's branches
    right after it (what uploads once per build happens at the first step that needs it)."""
    def walk(steps):
        for step in steps:
            yield step
            for which in program.branches(step):
                yield from walk(program.branch_steps(step, which))
    return walk(program.top_level_steps())


def first_step(program, wanted):
    """The first function step, in build order, for which `wanted(step)` holds."""
    return next((s for s in build_order(program) if getattr(program.kind_of(s), "name", None) == "function"
                 and wanted(s)), None)


def result_path(parts) -> str:
    """The JsonGet path of `result[...]...`: `Result`, `Result['key']`, `Result[0]`."""
    out = "Result"
    for part in parts[1:]:
        out += f"[{part.key}]" if isinstance(part.key, int) else f"['{part.key}']"
    return out


def _channel(name: str, uri) -> dict:
    return {"ChannelName": name, "DataSource": {"S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix"}}}


@functools.lru_cache(maxsize=1)
def _base_python_table() -> dict:
    with open(os.path.join(os.path.dirname(__file__), "base_python_images.json"), encoding="utf-8") as handle:
        return json.load(handle)


def base_python_image(region: str, python_version: str) -> str:
    """`image_uris.get_base_python_image_uri(region, py_version)`."""
    from dsl.semantics.images import table

    base = _base_python_table()
    registry = base["registries"].get(region, "")
    host = table()["hosts"].get(region, f"ecr.{region}.amazonaws.com")
    return f"{registry}.dkr.{host}/{base['repository']}-{python_version.replace('.', '')}:{base['tag']}"


def default_build_time(program) -> str:
    """The build folder when a step does not pin `build_time`: 20 hex digits of sha256 over the
    pipeline's function steps as written (spans left out) with its name, bucket and region, and
    each step's module file, so that the same files give the same definition and a change gives
    the payloads a new folder (as each SDK build does)."""
    cached = program.__dict__.get("_function_build_time")
    if cached is not None:
        return cached
    from dsl.semantics.localcode import read_bytes

    sha = hashlib.sha256(repr((program.name, program.default_bucket, program.region)).encode("utf-8"))
    for step in program.pipeline.steps:
        kind = program.kind_of(step)
        if kind is not None and kind.name == "function":
            sha.update(repr(_without_spans(step, program)).encode("utf-8"))
            found = kind.callable_of(step, program)
            if found is not None and found.path is not None:
                try:
                    sha.update(read_bytes(found.path))
                except OSError:
                    pass
    program._function_build_time = sha.hexdigest()[:20]
    return program._function_build_time


def _without_spans(node, program, depth: int = 0):
    """An IR node as plain tuples, without where it was written (spans, raw text, docs), lets
    followed: what it says, not how it was laid out."""
    import attrs

    if depth > 200:
        return "..."
    if isinstance(node, ir.Ref) and node.name in program.lets and not node.parts:
        return _without_spans(program.follow(node), program, depth + 1)
    if attrs.has(type(node)):
        return (type(node).__name__,) + tuple(
            _without_spans(getattr(node, f.name), program, depth + 1) for f in attrs.fields(type(node))
            if f.eq and not (f.name.endswith("span") or f.name in ("doc", "comments")))
    if isinstance(node, (tuple, list)):
        return tuple(_without_spans(item, program, depth + 1) for item in node)
    return node


@hookimpl
def pipedsl_step_kinds():
    return [Function()]
