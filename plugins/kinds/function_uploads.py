"""What `deploy` uploads for a `function` step: what the SDK's `Pipeline.definition()` uploads
for the same `@step` (sagemaker.remote_function.job), at the same keys under
`s3://BUCKET/PIPELINE/`:

- `sagemaker_remote_function_bootstrap/`: the SDK's job driver and runtime scripts (once per
  pipeline, as the SDK does);
- `STEP/BUILD/function/` and `STEP/BUILD/arguments/`: `payload.pkl` (the function and its
  arguments, pickled by the SDK's serializer) and `metadata.json` (its sha256);
- `STEP/BUILD/pre_exec_script_and_dependencies/`: the dependency file (with the SDK's
  `sagemaker>=2.256.0,<3.0.0` line added to a requirements file without one: the SDK edits
  the user's file in place, pipedsl only the uploaded copy) and `pre_exec.sh`;
- `sm_rf_user_ws/BUILD/workspace.zip` with `include_local_workdir`: the `.py` files under
  the `.pipe` file's folder (the SDK zips its working directory).

Pickling a function is the SDK's job: its serializer is imported only here, when an upload is
made, from the `functions` extra (`pip install 'pipedsl-sagemaker[functions]'`).

SDK v3 (`sdk = 3`) differs: its own job driver and runtime scripts (`sagemaker.core.
remote_function`), no requirements file of its own and the user's uploaded as it is, and the
function and arguments signed (ECDSA P-256, the `signing_key` file; `metadata.json` holds the
signature, which the job checks with the definition's public key). Those are made by SDK v3's
serializer, from the `functions3` extra, in an environment of their own (SDK v3 cannot share
one with v2).
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
from typing import List

from dsl.semantics.localcode import Upload, read_bytes
from dsl.syntax import ir

from .function import first_step

EXTRA_HINT = "function steps are serialized by the SageMaker SDK: pip install 'pipedsl-sagemaker[functions]'"
EXTRA_HINT_V3 = ("function steps written for SDK v3 (`sdk = 3`) are serialized by SDK v3: deploy from an environment "
                 "with pip install 'pipedsl-sagemaker[functions3]' (SDK v3 cannot share one with v2)")
RUNTIME_SCRIPTS = ("bootstrap_runtime_environment.py", "mpi_utils_remote.py", "runtime_environment_manager.py")


class FunctionsExtraMissing(OSError):
    """The SDK is not installed: raised when an upload is made, said as the deploy error."""


def _sdk(flavour: str = "v2", region: str = ""):
    try:
        with contextlib.redirect_stdout(sys.stderr):  # (the SDK logs `sagemaker.config INFO` to stdout)
            if flavour == "v3":
                with _region(region):
                    from sagemaker.core.remote_function import job
                    from sagemaker.core.remote_function.core import pipeline_variables, serialization
            else:
                from sagemaker.remote_function import job
                from sagemaker.remote_function.core import pipeline_variables, serialization
    except ImportError:
        v3 = flavour == "v3"
        raise FunctionsExtraMissing(0, EXTRA_HINT_V3 if v3 else EXTRA_HINT,
                                    "sagemaker.core" if v3 else "sagemaker") from None
    except Exception as exc:  # noqa: BLE001 - importing SDK v3 makes AWS clients, which can refuse
        raise OSError(0, f"importing the SageMaker SDK failed: {type(exc).__name__}: {exc}", "sagemaker") from None
    return job, pipeline_variables, serialization


@contextlib.contextmanager
def _region(region: str):
    """SDK v3 makes AWS clients when it is imported, and they need a region: the pipeline's,
    when the environment names none (put back after the import)."""
    if os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or not region:
        yield
        return
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        os.environ.pop("AWS_DEFAULT_REGION", None)


def uploads(kind, step: ir.Step, program) -> List[Upload]:
    base = kind.s3_base(program)
    build = kind.build_time(step, program)
    at = f"{base}/{step.name}/{build}"
    found = kind.callable_of(step, program)
    source = found.path if found is not None and found.path else program.folder
    flavour = program.flavour
    out: List[Upload] = []
    if first_step(program, lambda s: True) is step:
        out.append(Upload(path="(the SDK's job driver)", uri=f"{base}/sagemaker_remote_function_bootstrap/job_driver.sh",
                          overwrite=True, produce=lambda: _sdk(flavour, program.region or "")[0].ENTRYPOINT_SCRIPT.encode("utf-8")))
        for name in RUNTIME_SCRIPTS:
            out.append(Upload(path=f"(the SDK's {name})", uri=f"{base}/sagemaker_remote_function_bootstrap/{name}",
                              overwrite=True, produce=functools.partial(_runtime_script, name, flavour, program.region or "")))
    function = _Payloads(kind, step, program)
    for what in ("function", "arguments"):
        out.append(Upload(path=source, uri=f"{at}/{what}/payload.pkl", overwrite=True,
                          produce=functools.partial(function.payload, what)))
        out.append(Upload(path=source, uri=f"{at}/{what}/metadata.json", overwrite=True,
                          produce=functools.partial(function.metadata, what)))
    dependencies = kind.text(step, program, "dependencies")
    folder = f"{at}/pre_exec_script_and_dependencies"
    if isinstance(dependencies, str):
        path = os.path.join(program.folder, dependencies)
        out.append(Upload(path=path, uri=f"{folder}/{os.path.basename(dependencies)}", overwrite=True,
                          produce=lambda: _dependency_file(path, flavour)))
    elif flavour == "v2":  # (SDK v3 writes no requirements file of its own)
        out.append(Upload(path="(the SDK's requirement)", uri=f"{folder}/{kind.dependency_file(step, program)}",
                          overwrite=True, text=kind_requirement()))
    commands = kind.text(step, program, "pre_execution_commands")
    script = kind.text(step, program, "pre_execution_script")
    if isinstance(commands, list) and commands:  # (the SDK writes no script for an empty list)
        out.append(Upload(path="(pre_execution_commands)", uri=f"{folder}/pre_exec.sh", overwrite=True,
                          text="".join(f"{command}\n" for command in commands)))
    elif isinstance(script, str):
        out.append(Upload(path=os.path.join(program.folder, script), uri=f"{folder}/pre_exec.sh", overwrite=True))
    if first_step(program, lambda s: kind.text(s, program, "include_local_workdir") is True) is step:
        out.append(Upload(path=program.folder, uri=f"{base}/sm_rf_user_ws/{build}/workspace.zip", overwrite=True,
                          produce=lambda: workspace_zip(program)))
    return out


def kind_requirement() -> str:
    from .function import SAGEMAKER_REQUIREMENT

    return SAGEMAKER_REQUIREMENT + "\n"


def _runtime_script(name: str, flavour: str = "v2", region: str = "") -> bytes:
    job = _sdk(flavour, region)[0]
    with open(os.path.join(os.path.dirname(job.__file__), "runtime_environment", name), "rb") as handle:
        return handle.read()


def _dependency_file(path: str, flavour: str = "v2") -> bytes:
    """The file as the SDK uploads it: SDK v2 appends its own requirement to a requirements file
    that names no `sagemaker` (to the user's file; here only to the copy uploaded); SDK v3
    uploads it as it is."""
    from .function import SAGEMAKER_REQUIREMENT

    data = read_bytes(path)
    if flavour == "v2" and path.endswith(".txt") and b"sagemaker" not in data.lower():
        data += f"\n{SAGEMAKER_REQUIREMENT}\n".encode("utf-8")
    return data


class _Payloads:
    """The pickled function and arguments of one step, made once, on the first upload."""

    def __init__(self, kind, step, program):
        self.kind, self.step, self.program = kind, step, program
        self.made: dict = {}

    def payload(self, what: str) -> bytes:
        if not self.made:
            self.made = self.make()
        return self.made[what]

    def metadata(self, what: str) -> bytes:
        serialization = _sdk(self.program.flavour, self.program.region or "")[2]
        if self.program.flavour == "v3":  # (signed with the key whose public half the definition holds)
            payload = self.payload(what)
            return serialization._MetaData(sha256_hash=serialization._compute_sha256(payload),
                                           asymmetric_signature=serialization._sign_payload(payload, self.private_key())
                                           ).to_json()
        return serialization._MetaData(serialization._compute_hash(self.payload(what))).to_json()

    def private_key(self):
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = self.kind.signing_key(self.step, self.program)
        if key is None:
            raise OSError(0, "no readable `signing_key`", self.step.name)
        return load_pem_private_key(key, password=None)

    def make(self) -> dict:
        from .function import default_python_version

        job, pipeline_variables, serialization = _sdk(self.program.flavour, self.program.region or "")
        wanted = self.kind.python_version(self.step, self.program)
        if wanted != default_python_version():
            raise OSError(0, f"the step is pinned to Python {wanted} (`python_version`), and pipedsl runs in Python "
                             f"{default_python_version()}: the job would refuse the function; deploy with Python {wanted}",
                          self.step.name)
        func = self.load()
        args, kwargs = [], {}
        for keyword, value in self.kind.arguments_of(self.step):
            converted = self.convert(value, pipeline_variables)
            if keyword is None:
                args.append(converted)
            else:
                kwargs[keyword] = converted
        serialize = serialization.CloudpickleSerializer.serialize
        return {"function": serialize(func), "arguments": serialize((tuple(args), kwargs))}

    def load(self):
        """The user's function, imported from the `.pipe` file's folder (only here: `check`
        and the language server read its source)."""
        import importlib

        module, name = self.kind.text(self.step, self.program, "call").split(":", 1)
        folder = os.path.abspath(self.program.folder)
        sys.path.insert(0, folder)
        try:
            return getattr(importlib.import_module(module), name)
        except Exception as exc:  # noqa: BLE001 - the user's module raised while importing
            raise OSError(0, f"importing {module} failed: {type(exc).__name__}: {exc}", module) from None
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(folder)

    def convert(self, value, pipeline_variables):
        """An argument as the SDK pickles it (`convert_pipeline_variables_to_pickleable`)."""
        program = self.program
        target = program.follow(value)
        if isinstance(target, ir.Ref):
            if target.name in program.params:
                cls = getattr(pipeline_variables, f"_Parameter{program.params[target.name].type}")
                return cls(name=target.name)
            if target.name == "Execution":
                return pipeline_variables._ExecutionVariable(name=getattr(target.parts[0], "name", ""))
            if self.kind.is_result(program, target) is not None:
                path = tuple(("__getitem__", getattr(part, "key", None)) for part in target.parts[1:])
                uri = pipeline_variables._Properties(path=f"Steps.{target.name}.OutputDataConfig.S3OutputPath")
                return pipeline_variables._DelayedReturn(uri=uri, reference_path=path)
            from dsl.semantics.evaluate import JsonContext

            return pipeline_variables._Properties(path=JsonContext(program).value(target)["Get"])
        return program.literal(target)


def workspace_zip(program) -> bytes:
    """`workspace.zip` as the SDK makes it from its working directory: every `.py` file under
    the `.pipe` file's folder (no `__pycache__`), in `sagemaker_remote_function_workspace/`.
    Links are not followed, and nothing outside the project root is read."""
    import zipfile

    from dsl.semantics.localcode import local_problem

    root = program.folder or "."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sagemaker_remote_function_workspace/", b"")
        for current, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not os.path.islink(os.path.join(current, d)))
            relative = os.path.relpath(current, root)
            prefix = "sagemaker_remote_function_workspace/" + ("" if relative == "." else relative.replace(os.sep, "/") + "/")
            if relative != ".":
                archive.writestr(prefix, b"")
            for name in sorted(files):
                shown = os.path.join(relative, name) if relative != "." else name
                if not name.endswith(".py") or local_problem(shown, root, program.root) is not None:
                    continue
                archive.writestr(prefix + name, read_bytes(os.path.join(current, name)))
    return buffer.getvalue()
