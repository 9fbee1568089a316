"""Import of a `function` step: a definition's `@step` training job read back as the `.pipe`
step that writes it. The callable comes from the step's `DisplayName` (`module.function`, the
SDK's default); the arguments from `--property_references` (the run-time values among them:
literal arguments live only in the pickled payload in S3, so a note says to check them). A
step that is not the SDK's `@step` shape raises, and is imported as a `raw` step."""
from __future__ import annotations

import json
import os
import re
from typing import Any, List

from dsl.extension import layout

NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def is_function_step(step: dict) -> bool:
    arguments = step.get("Arguments")
    spec = arguments.get("AlgorithmSpecification") if isinstance(arguments, dict) else None
    return isinstance(spec, dict) and spec.get("ContainerEntrypoint") == \
        ["/bin/bash", "/opt/ml/input/data/sagemaker_remote_function_bootstrap/job_driver.sh"]


def read_function_step(kind, step: dict, ctx, results: bool = True) -> List[str]:
    """The step's members; `results` False reads another step's results folder as that
    property, not as its `result` (the upstream step is itself not read as a function step)."""
    if not is_function_step(step):
        raise ValueError("not a function step")
    display = step.get("DisplayName")
    if not isinstance(display, str) or not NAME.fullmatch(display):
        raise ValueError("the callable cannot be named: the DisplayName is not `module.function`")
    module, function = display.rsplit(".", 1)
    arguments = step["Arguments"]
    members = [f"call = {ctx.value(f'{module}:{function}')}"]
    reader: Any = _Reader(kind, step, ctx)  # (the kind, its slot readers bound to this step)
    reader.results = results
    members += layout.read(reader, kind.request_layout(ctx.flavour), arguments, ctx)
    return members


class _Reader:
    """The kind with its slot readers bound to one step (the readers need its name)."""

    def __init__(self, kind, step, ctx):
        self.kind, self.step, self.ctx = kind, step, ctx
        self.name = kind.name
        self.fields = kind.fields
        self.results = True

    def read_tags(self, value, arguments, ctx):
        return self.kind.read_tags(value, arguments, ctx)

    def read_channels(self, value, arguments, ctx):
        # v2: the bootstrap and dependency folders, then the workspace; v3 names the dependency
        # folder only when there are dependencies or pre-execution commands (the round trip checks it)
        if not isinstance(value, list) or not 1 <= len(value) <= 3:
            raise ValueError("not the @step channels")
        names = [channel.get("ChannelName") if isinstance(channel, dict) else None for channel in value]
        if names[0] != "sagemaker_remote_function_bootstrap":
            raise ValueError("not the @step channels")
        rest, members = names[1:], []
        if rest[:1] == ["pre_exec_script_and_dependencies"]:
            rest = rest[1:]
            if self.ctx.flavour == "v3" and self.kind._container_setting(arguments, "--dependency_settings") == \
                    json.dumps({"dependency_file": None}):
                # v3 names the folder without a dependency file only for a pre-execution script or
                # commands, which live in S3 alone
                members += ["# pipedsl import: the job runs a pre-execution script or commands, kept in S3 only; "
                            "name the script here, or give `pre_execution_commands`",
                            f"pre_execution_script = {ctx.value('pre_exec.sh')}"]
        elif self.ctx.flavour == "v2":
            raise ValueError("not the @step channels")
        if len(rest) > 1:
            raise ValueError("not the @step channels")
        return members + (["include_local_workdir = true"] if rest else [])

    def read_output(self, value, arguments, ctx):
        return []  # (written from the bucket, the pipeline and the step: the round trip checks it)

    def read_network_isolation(self, value, arguments, ctx):
        if value is not False:
            raise ValueError("@step jobs have no network isolation")
        return []

    def read_vpc(self, value, arguments, ctx):
        if value is None:
            return []
        return [f"subnets = {ctx.value(value['Subnets'])}",
                f"security_group_ids = {ctx.value(value['SecurityGroupIds'])}"]

    def read_environment(self, value, arguments, ctx):
        env = {k: v for k, v in (value or {}).items() if k not in ("AWS_DEFAULT_REGION", "REMOTE_FUNCTION_SECRET_KEY")}
        members = [f"environment = {ctx.value(env)}"] if env else []
        public_key = (value or {}).get("REMOTE_FUNCTION_SECRET_KEY")
        if ctx.flavour == "v3" and isinstance(public_key, str):
            members += _signing_key(public_key, ctx)
        return members

    def read_algorithm(self, value, arguments, ctx):
        from .function import SDK_VERSIONS, base_python_image, default_python_version

        args = value["ContainerArguments"]
        settings, references, i = {}, [], 0
        while i < len(args):
            flag = args[i]
            if flag == "--property_references":
                i += 1
                while i + 1 < len(args) and not (isinstance(args[i], str) and args[i].startswith("--")):
                    references.append(args[i])
                    i += 2
                continue
            settings[flag] = args[i + 1] if i + 1 < len(args) else None
            i += 2
        members: List[str] = []
        python = settings.get("--client_python_version")
        if python != default_python_version():
            members.append(f"python_version = {ctx.value(python)}")
        if settings.get("--client_sagemaker_pysdk_version") != SDK_VERSIONS[ctx.flavour]:
            members.append(f"sdk_version = {ctx.value(settings.get('--client_sagemaker_pysdk_version'))}")
        members.append(f"build_time = {ctx.value(settings['--func_step_s3_dir'])}")
        dependency = json.loads(settings.get("--dependency_settings") or "{}").get("dependency_file")
        if dependency and not dependency.startswith("sagemaker_requirements_"):
            members.append(f"dependencies = {ctx.value(dependency)}")
        if "--job_conda_env" in settings:
            members.append(f"job_conda_env = {ctx.value(settings['--job_conda_env'])}")
        region = settings.get("--region") or ""
        if value["TrainingImage"] != base_python_image(region, python or ""):
            members.append(f"image_uri = {ctx.value(value['TrainingImage'])}")
        run_time = [_argument(path, ctx, self.results) for path in references[1:]]  # (the first is the execution id, always)
        if run_time:
            members.append("# pipedsl import: literal arguments are pickled in S3, not in the definition; "
                           "check `args` against the function")
            members.append(f"args = [{', '.join(run_time)}]")
        return members

    # SDK v3's slots read as v2's: the readers look at the flavour where the two differ
    read_channels_v3 = read_channels
    read_output_v3 = read_output
    read_algorithm_v3 = read_algorithm
    read_environment_v3 = read_environment


def _signing_key(public_key: str, ctx) -> List[str]:
    """`signing_key`: the definition holds only the public key, so the private key is looked for
    among the `.pem` files under the output's folder; when none matches, the usual name, with a
    note (transpile then says the file is missing until it is there)."""
    from dsl.semantics.localcode import read_bytes

    from ._signing_key import KeyProblem, public_key_pem

    for relative in ctx.project_files():
        if not relative.endswith(".pem"):
            continue
        try:
            if public_key_pem(read_bytes(os.path.join(ctx.folder, relative))) == public_key:
                return [f"signing_key = {ctx.value(relative)}"]
        except (OSError, KeyProblem):
            continue
    return ["# pipedsl import: the definition holds the public key only; name the private key that signs "
            "the payloads", f"signing_key = {ctx.value('signing-key.pem')}"]


def _argument(path: str, ctx, results: bool = True) -> str:
    """A `--property_references` path as the `.pipe` value that gives it."""
    if path.startswith("Parameters."):
        return ctx.name_text(path[len("Parameters."):])
    if path.startswith("Execution."):
        return path
    if results and path.startswith("Steps.") and path.endswith(".OutputDataConfig.S3OutputPath"):
        return ctx.step_name(path[len("Steps."):-len(".OutputDataConfig.S3OutputPath")]) + ".result"
    if path.startswith("Steps."):
        name, _, rest = path[len("Steps."):].partition(".")
        return ctx.step_name(name) + "." + rest
    raise ValueError(f"an argument this kind cannot write: {path}")
