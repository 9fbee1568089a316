"""`notebook_job`: the SDK's `NotebookJobStep`, a Jupyter notebook run headless as a training
job on the SageMaker Distribution image (JSON type `Training`, its `ContainerEntrypoint`
`["amazon_sagemaker_scheduler"]`).

The SDK stages the notebook, its initialization script and its additional dependencies under
`S3_ROOT/PIPELINE/STEP/input-TIME/` and writes each execution's output under
`S3_ROOT/PIPELINE/EXECUTION_ID/STEP`. Two things come from the clock there: the staged input
folder (`input-TIME`) and, when `notebook_job_name` is not given, the job name derived from the
notebook's file name (`NAME-TIME`). pipedsl pins both with `build_time` (default: a digest of
the step's files, the same on every run, new when a file changes), and `deploy` uploads the
files to that folder. The generated SDK code passes the notebook job name; the SDK itself
names the input folder after its clock (LANGUAGE.md section 14.9).
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
from typing import List, Optional

from dsl.diagnostics import error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, Field, SdkStep, StepKind
from dsl.extension.layout import Slot
from dsl.semantics.localcode import Upload, is_local
from dsl.syntax import ir

from ._common import tags as _tags
from ._job_names import literal_text

ENTRYPOINT = ["amazon_sagemaker_scheduler"]
CHANNEL = "sagemaker_headless_execution_pipelinestep"
# what the SDK's `_validate_inputs` requires of a notebook job name
JOB_NAME = r"[a-zA-Z][a-zA-Z0-9_-]*"
# the step's properties: name -> the training job's path (NotebookJobStep._compose_properties)
PROPERTIES = {
    "ComputingJobName": "TrainingJobName",
    "ComputingJobStatus": "TrainingJobStatus",
    "NotebookJobInputLocation": "InputDataConfig[0].DataSource.S3DataSource.S3Uri",
    "NotebookJobOutputLocationPrefix": "OutputDataConfig.S3OutputPath",
    "InputNotebookName": "Environment['SM_INPUT_NOTEBOOK_NAME']",
    "OutputNotebookName": "Environment['SM_OUTPUT_NOTEBOOK_NAME']",
}


def job_prefix(name: str) -> str:
    """`NotebookJobStep._get_job_name_prefix`: the training job's name from a notebook job name."""
    return re.sub(r"[^a-zA-Z0-9-]", "-", re.sub(r"^[^a-zA-Z0-9]+", "", name))


def s3_path_join(*parts: str) -> str:
    """`sagemaker.utils.s3_path_join` without `with_end_slash`: parts joined by single slashes."""
    kept = [p.strip("/") if i else p.rstrip("/") for i, p in enumerate(parts) if p and p.strip("/")]
    out = "/".join(kept)
    return out.replace("s3:/", "s3://", 1) if out.startswith("s3:/") and not out.startswith("s3://") else out


class NotebookJob(StepKind):
    name = "notebook_job"
    type = "Training"
    sdk_class = "NotebookJobStep"
    summary = "runs a Jupyter notebook headless, as a training job (NotebookJobStep)"
    sdk_imports = {"sagemaker.workflow.notebook_job_step": ("NotebookJobStep",)}
    # SDK v3's NotebookJobStep writes the same request, stages the same files at the same keys
    flavours = frozenset({"v2", "v3"})
    request_shape = "CreateTrainingJobRequest"
    job_step = True
    claims_some = True
    cache = False  # NotebookJobStep takes no cache config
    fields = {
        "notebook": Field("string", required=True, sdk="input_notebook",
                          doc="the notebook to run: a local .ipynb file (uploaded by `deploy`)"),
        "image_uri": Field("string", required=True, json="AlgorithmSpecification.TrainingImage",
                           doc="a SageMaker Distribution image of the pipeline's region (the SDK requires its region)"),
        "kernel_name": Field("string", required=True, json="Environment.SM_KERNEL_NAME",
                             doc='the notebook\'s kernel, e.g. "python3"'),
        "role": Field("string", required=True, json="RoleArn", omit="never", doc="IAM role ARN of the job"),
        "notebook_job_name": Field("string", pattern=JOB_NAME, pattern_doc="a letter, then letters, digits, - and _",
                                   doc="the job's name (its training job's prefix; default: the notebook's "
                                       "file name and `build_time`, as the SDK derives it from its clock)"),
        "parameters": Field("map", json="HyperParameters", doc="the notebook's parameters (papermill), strings "
                                                               "or pipeline values"),
        "environment_variables": Field("map", doc="the job's environment, before the scheduler's own variables"),
        "initialization_script": Field("string", doc="a local script run before the notebook (uploaded beside it)"),
        "additional_dependencies": Field("list", items="string",
                                         doc="local files and folders uploaded beside the notebook"),
        "s3_root_uri": Field("string", doc="where inputs are staged and outputs written (default: "
                                           "s3://DEFAULT_BUCKET)"),
        "s3_kms_key": Field("string", json="OutputDataConfig.KmsKeyId", doc="KMS key of the output"),
        "instance_type": Field("string", default="ml.m5.large", **INSTANCE_TYPE, omit="never",
                               json="ResourceConfig.InstanceType", doc="the instance type"),
        "volume_size": Field("integer", default=30, minimum=1, omit="never", json="ResourceConfig.VolumeSizeInGB",
                             doc="GB of storage"),
        "volume_kms_key": Field("string", json="ResourceConfig.VolumeKmsKeyId", doc="KMS key of the storage volume"),
        "encrypt_inter_container_traffic": Field("boolean", default=True, omit="never",
                                                 json="EnableInterContainerTrafficEncryption",
                                                 doc="encrypt traffic between instances"),
        "subnets": Field("list", items="string", doc="VPC subnets (with security_group_ids)"),
        "security_group_ids": Field("list", items="string", doc="VPC security groups (with subnets)"),
        "max_retry_attempts": Field("integer", default=1, minimum=1, omit="never",
                                    json="RetryStrategy.MaximumRetryAttempts", doc="attempts of the job"),
        "max_runtime_in_seconds": Field("integer", default=172800, minimum=1, omit="never",
                                        json="StoppingCondition.MaxRuntimeInSeconds", doc="the job's time limit"),
        "tags": Field("any", doc="a map or a list of {Key, Value} (before the SDK's own tags)"),
        "build_time": Field("string", pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", pattern_doc="a folder name",
                            sdk="(the SDK's clock)",
                            doc='the staged input folder is `input-BUILD_TIME` (the SDK\'s clock, e.g. '
                                '"2025-11-26-12-00-00-123"; default: a digest of the step and its files)'),
    }
    layout = (
        Slot("TrainingJobName", "job_name"), "role", "max_retry_attempts", "max_runtime_in_seconds",
        "encrypt_inter_container_traffic", Slot("AlgorithmSpecification", "algorithm"),
        Slot("InputDataConfig", "channels"), Slot("OutputDataConfig.S3OutputPath", "output"), "s3_kms_key",
        "volume_size", Slot("ResourceConfig.InstanceCount", "instance_count"), "instance_type", "volume_kms_key",
        Slot("VpcConfig", "vpc"), Slot("Tags", "tags"), Slot("Environment", "environment"), "parameters",
    )

    # --- values -------------------------------------------------------------------------
    def files(self, step, program) -> List[str]:
        """The local files and folders staged for the job, in the SDK's order."""
        out = [literal_text(step, "notebook", program) or ""]
        script = literal_text(step, "initialization_script", program)
        if script:
            out.append(script)
        attribute = step.attribute("additional_dependencies")
        target = program.follow(attribute.value) if attribute is not None else None
        if isinstance(target, ir.ListExpr):
            out += [v for v in (program.literal(i) for i in target.items) if isinstance(v, str)]
        return out

    def build_time(self, step, program) -> str:
        pinned = literal_text(step, "build_time", program)
        if pinned:
            return pinned
        from dsl.semantics.localcode import code_hash

        sha = hashlib.sha256(repr((program.name, step.name, literal_text(step, "notebook_job_name", program))).encode())
        try:
            sha.update(code_hash(self.files(step, program), program.folder).encode())
        except OSError:
            pass
        return sha.hexdigest()[:20]

    def job_name(self, step, program) -> str:
        given = literal_text(step, "notebook_job_name", program)
        if given:
            return given
        notebook = posixpath.basename(literal_text(step, "notebook", program) or "")
        return f"{job_prefix(notebook)}-{self.build_time(step, program)}"

    def s3_root(self, step, program) -> str:
        return literal_text(step, "s3_root_uri", program) or f"s3://{program.default_bucket}"

    def input_folder(self, step, program) -> str:
        return s3_path_join(self.s3_root(step, program), program.name, step.name,
                            f"input-{self.build_time(step, program)}")

    # --- JSON ---------------------------------------------------------------------------
    def slot_job_name(self, step, ctx):
        return job_prefix(self.job_name(step, ctx.program))

    def slot_algorithm(self, step, ctx):
        return {"TrainingImage": ctx.attr(step, "image_uri"), "TrainingInputMode": "File",
                "ContainerEntrypoint": list(ENTRYPOINT)}

    def slot_channels(self, step, ctx):
        return [{"ChannelName": CHANNEL, "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": self.input_folder(step, ctx.program),
            "S3DataDistributionType": "FullyReplicated"}}}]

    def slot_output(self, step, ctx):
        root = step.attribute("s3_root_uri")
        return ctx.join("/", [ctx.value(root.value) if root is not None else f"s3://{ctx.program.default_bucket}",
                              ctx.program.name, {"Get": "Execution.PipelineExecutionId"}, step.name])

    def slot_instance_count(self, step, ctx):
        return 1

    def slot_vpc(self, step, ctx):
        subnets, groups = ctx.attr(step, "subnets"), ctx.attr(step, "security_group_ids")
        return {"Subnets": subnets, "SecurityGroupIds": groups} if subnets and groups else None

    def slot_tags(self, step, ctx):
        own = _tags(ctx, step.attribute("tags").value) if step.attribute("tags") is not None else []
        notebook = posixpath.basename(literal_text(step, "notebook", ctx.program) or "")
        return list(own) + [{"Key": "sagemaker:name", "Value": self.job_name(step, ctx.program)},
                            {"Key": "sagemaker:notebook-name", "Value": notebook},
                            {"Key": "sagemaker:notebook-job-origin", "Value": "PIPELINE_STEP"},
                            {"Key": "sagemaker:is-studio-archived", "Value": "false"}]

    def slot_environment(self, step, ctx):
        program = ctx.program
        out = dict(ctx.attr(step, "environment_variables", {}) or {})
        out.update({
            "AWS_DEFAULT_REGION": program.region, "SM_JOB_DEF_VERSION": "1.0", "SM_ENV_NAME": "sagemaker-default-env",
            "SM_SKIP_EFS_SIMULATION": "true", "SM_EXECUTION_INPUT_PATH": f"/opt/ml/input/data/{CHANNEL}",
            "SM_KERNEL_NAME": ctx.attr(step, "kernel_name"),
            "SM_INPUT_NOTEBOOK_NAME": posixpath.basename(literal_text(step, "notebook", program) or ""),
            "SM_OUTPUT_NOTEBOOK_NAME": f"{job_prefix(self.job_name(step, program))}.ipynb"})
        script = literal_text(step, "initialization_script", program)
        if script:
            out["SM_INIT_SCRIPT"] = posixpath.basename(script)
        return out

    # --- properties ---------------------------------------------------------------------
    def property_names(self, step, path):
        return sorted(PROPERTIES) if not path else []

    @staticmethod
    def _path(parts) -> str:
        """`Environment['SM_INPUT_NOTEBOOK_NAME']`: the written path of a reference's parts."""
        out = ""
        for part in parts:
            out += (f".{part.name}" if out else part.name) if isinstance(part, ir.Member) else (
                f"[{part.key}]" if isinstance(part.key, int) else f"[{part.key!r}]")
        return out

    def _named(self, parts) -> Optional[str]:
        """The property a reference names: `OutputNotebookName`, or the training job's path
        behind it as a definition names it (an imported one)."""
        if len(parts) == 1 and isinstance(parts[0], ir.Member) and parts[0].name in PROPERTIES:
            return parts[0].name
        path = self._path(parts)
        return next((name for name, behind in PROPERTIES.items() if behind == path), None)

    def property_problem(self, step, parts, ctx):
        if self._named(parts) is not None:
            return None
        first = parts[0]
        if not isinstance(first, ir.Member) or first.name not in PROPERTIES:
            from dsl.diagnostics import did_you_mean

            shown = first.name if isinstance(first, ir.Member) else ""
            return (0, f"a `notebook_job` step has no property `{shown}`",
                    did_you_mean(shown, PROPERTIES) or "properties: " + ", ".join(PROPERTIES))
        if len(parts) > 1:
            return (1, f"`{first.name}` is a string: it has no members", None)
        return None

    def json_property(self, step, parts, ctx):
        named = self._named(parts)
        return {"Get": f"Steps.{step.name}.{PROPERTIES[named]}"} if named else None

    def sdk_property(self, step_var, parts, ctx) -> str:
        named = self._named(parts)
        return f"{step_var}.properties" + (f".{named}" if named else "")

    # --- checks -------------------------------------------------------------------------
    def check(self, step, ctx):
        program = ctx.program
        for name in ("notebook", "initialization_script", "additional_dependencies", "s3_root_uri", "build_time"):
            attribute = step.attribute(name)
            if attribute is None:
                continue
            values = ([attribute.value] if name != "additional_dependencies" else
                      list(getattr(program.follow(attribute.value), "items", ())))
            for value in values:
                text = program.literal(value)
                if not isinstance(text, str):
                    yield error("E0304", f"`{name}` must be known when the pipeline is built (the SDK uploads "
                                "the files then)", value.span, "not a literal")
                elif name == "s3_root_uri":
                    if not text.startswith("s3://"):
                        yield error("E0304", "`s3_root_uri` is an S3 URI", value.span, "not s3://...")
                elif name != "build_time":
                    if not is_local(text):
                        yield error("E0304", f"`{name}` is a local path (the SDK uploads it)", value.span,
                                    "not local")
                        continue
                    problem = program.local_problem(text, directory=None if name == "additional_dependencies"
                                                    else False)
                    if problem:
                        yield error("E0212", f"local file {problem}", value.span, "not found")
        notebook = literal_text(step, "notebook", program)
        if notebook and literal_text(step, "notebook_job_name", program) is None and not re.fullmatch(JOB_NAME, self.job_name(step, program)):
            yield error("E0303", "the notebook's file name gives no valid notebook job name: give "
                        "`notebook_job_name`", step.attribute("notebook").value.span, "not a job name",
                        'e.g. notebook_job_name = "nightly-report"')
        if program.region is None:
            yield error("E0210", "a `notebook_job` needs the pipeline's `region` (AWS_DEFAULT_REGION of the job)",
                        step.kind_span, "no region", 'add `region = "us-east-1"` to the pipeline')
        image = step.attribute("image_uri")
        uri = program.literal(image.value) if image is not None else None
        if isinstance(uri, str) and program.region and program.region not in uri:
            yield error("E0304", f"the image is not in the pipeline's region ({program.region}): the SDK refuses it",
                        image.value.span, "another region", "a SageMaker Distribution image of the region")
        if (step.attribute("subnets") is None) != (step.attribute("security_group_ids") is None):
            given = step.attribute("subnets") or step.attribute("security_group_ids")
            yield error("E0303", "`subnets` and `security_group_ids` go together", given.name_span,
                        "the other is missing")

    def needs_default_bucket(self, step, ctx):
        if step.attribute("s3_root_uri") is None:
            yield ("`s3_root_uri` (where the notebook is staged)", step.kind_span)

    # --- deploy -------------------------------------------------------------------------
    def uploads(self, step, ctx):
        """The staged input folder, as `S3Uploader.upload` of the SDK's temporary copy puts it:
        each file at its base name, each folder's files under the folder's name."""
        program = ctx
        folder = self.input_folder(step, program)
        out = []
        for path in self.files(step, program):
            full = os.path.join(program.folder, path)
            base = os.path.basename(os.path.normpath(path))
            if os.path.isdir(full):
                for root, dirs, files in os.walk(full):
                    dirs.sort()
                    for name in sorted(files):
                        relative = os.path.relpath(os.path.join(root, name), full).replace(os.sep, "/")
                        out.append(Upload(os.path.join(root, name), f"{folder}/{base}/{relative}", overwrite=True))
            else:
                out.append(Upload(full, f"{folder}/{base}", overwrite=True))
        return out

    # --- SDK code -----------------------------------------------------------------------
    def sdk_step(self, step, ctx) -> SdkStep:
        program = ctx.program
        pairs = []
        for name, field in self.fields.items():
            if name == "build_time":
                continue
            value = ctx.attr(step, name)
            if name == "notebook_job_name" and value is None:  # (pinned: the SDK would take the clock)
                value = repr(self.job_name(step, program))
            if value is not None:
                pairs.append((field.sdk_keyword(name), value))
        after: tuple = ()
        depends = step.attribute("depends_on")
        if depends is not None and isinstance(depends.value, ir.ListExpr) and depends.value.items:
            # (NotebookJobStep refuses `depends_on =`: the SDK's way is add_depends_on)
            names = ", ".join(ctx.step_var(getattr(item, "name", "")) for item in depends.value.items)
            after = (f"{ctx.step_var(step.name)}.add_depends_on([{names}])",)
        return SdkStep("NotebookJobStep", tuple(pairs), after=after, envelope_written=("depends_on",))

    # --- import -------------------------------------------------------------------------
    SYSTEM_ENVIRONMENT = ("AWS_DEFAULT_REGION", "SM_JOB_DEF_VERSION", "SM_ENV_NAME", "SM_SKIP_EFS_SIMULATION",
                          "SM_EXECUTION_INPUT_PATH", "SM_KERNEL_NAME", "SM_INPUT_NOTEBOOK_NAME",
                          "SM_OUTPUT_NOTEBOOK_NAME", "SM_INIT_SCRIPT")

    def read_step(self, step, ctx):
        """The notebook and its initialization script are found by name under the output's
        folder (a definition holds only their names); without them, the step is kept as `raw`.
        `additional_dependencies` cannot be read (only the staged folder holds them)."""
        arguments = step["Arguments"]
        environment = dict(arguments["Environment"])
        files = list(ctx.project_files())

        def found(name):
            match = next((path for path in files if posixpath.basename(path) == name), None)
            if match is None:
                raise ValueError(f"{name} is not beside the imported file")
            return match

        notebook = found(environment["SM_INPUT_NOTEBOOK_NAME"])
        members = [f"notebook = {ctx.value(notebook)}"]
        members += ctx.fields(self, arguments)
        if "SM_INIT_SCRIPT" in environment:
            members.append(f"initialization_script = {ctx.value(found(environment['SM_INIT_SCRIPT']))}")
        own = {k: v for k, v in environment.items() if k not in self.SYSTEM_ENVIRONMENT}
        if own:
            members.append(f"environment_variables = {ctx.value(own)}")
        folder = arguments["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"]
        build_time = folder.rsplit("/", 1)[1][len("input-"):]
        tags = arguments["Tags"]
        name = tags[-4]["Value"]
        if name != f"{job_prefix(posixpath.basename(notebook))}-{build_time}":
            members.append(f"notebook_job_name = {ctx.value(name)}")
        if tags[:-4]:
            members.append(f"tags = {ctx.value(tags[:-4])}")
        root = arguments["OutputDataConfig"]["S3OutputPath"]["Std:Join"]["Values"][0]
        if root != f"s3://{ctx.default_bucket()}":
            members.append(f"s3_root_uri = {ctx.value(root)}")
        vpc = arguments.get("VpcConfig")
        if vpc:
            members += [f"subnets = {ctx.value(vpc['Subnets'])}",
                        f"security_group_ids = {ctx.value(vpc['SecurityGroupIds'])}"]
        members.append(f"build_time = {ctx.value(build_time)}")
        return [m for m in members if not m.startswith("SM_")]

    def bucket_of(self, arguments):
        root = arguments["OutputDataConfig"]["S3OutputPath"]["Std:Join"]["Values"][0]
        return root[len("s3://"):].split("/", 1)[0] if isinstance(root, str) and root.startswith("s3://") else None

    def pipeline_name_of(self, arguments):
        name = arguments["OutputDataConfig"]["S3OutputPath"]["Std:Join"]["Values"][1]
        return name if isinstance(name, str) else None

    def region_of(self, arguments):
        region = arguments["Environment"].get("AWS_DEFAULT_REGION")
        return region if isinstance(region, str) else None

    def claims(self, step):
        return step["Arguments"]["AlgorithmSpecification"].get("ContainerEntrypoint") == ENTRYPOINT

    def raw_note(self, step):
        return ("a NotebookJobStep: `notebook_job` reads it back when its notebook (and initialization script) "
                "are beside the imported file")


@hookimpl
def pipedsl_step_kinds():
    return [NotebookJob()]
