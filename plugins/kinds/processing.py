"""`processing`: `ProcessingStep(step_args=Processor(...).run(...))`, Type `Processing`;
with `code = "s3://..."` it is `ScriptProcessor(command=...).run(code=...)`.

`Arguments` is the CreateProcessingJob request, in the order of `Session._get_process_request`.
"""
from __future__ import annotations

import json
import os
import posixpath
import re

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import INSTANCE_TYPE, V3_HINT, Field, Names, SdkStep, StepKind, sdk_keyword, v3_unwritten
from dsl.extension.layout import Slot
from dsl.semantics.localcode import Upload, is_local, tarball_members
from dsl.syntax import ir

from . import _plain_session, _processor_v3, _sdk_v3_files
from ._common import (
    NETWORK_KEYS,
    check_map_keys,
    check_role,
    network_json,
    read_network,
    read_tags,
    sdk_network,
    slot_network,
    slot_tags,
)

# `framework = ...` on a processing step: "sklearn" without `source_dir` is an
# SKLearnProcessor (a ScriptProcessor); any framework with `source_dir` (and the others
# always) is a FrameworkProcessor with that framework's estimator class
PROCESSORS = {"sklearn": "SKLearnProcessor", "spark": "PySparkProcessor"}
FRAMEWORK_PROCESSOR = ("pytorch", "tensorflow", "mxnet", "xgboost", "sklearn")
# the command a processor class runs `code` with, when `command` is not given
DEFAULT_COMMAND = {"spark": ["smspark-submit"]}
ENTRYPOINT_DIR = "/opt/ml/processing/input/entrypoint"
# SDK v3's FrameworkProcessor (3.27.0): `_generate_framework_script` for a local source_dir, whose
# sha256 keys runproc.sh too; the code goes to CODE_PREFIX/JOB_NAME/source/ (sourcedir.tar.gz
# and the SDK's install_requirements.py, kept in _sdk_v3_files)
RUNPROC_V3 = """#!/bin/bash

# Exit on any error. SageMaker uses error code to mark failed job.
set -e

cd /opt/ml/processing/input/code/

# Debug: List files before extraction
echo "Files in /opt/ml/processing/input/code/ before extraction:"
ls -la

# Extract source code
if [ -f sourcedir.tar.gz ]; then
    tar -xzf sourcedir.tar.gz
    echo "Files after extraction:"
    ls -la
else
    echo "ERROR: sourcedir.tar.gz not found!"
    exit 1
fi

if [[ -f 'requirements.txt' ]]; then
    # Some py3 containers has typing, which may breaks pip install
    pip uninstall --yes typing

    python3 /opt/ml/processing/input/code/install_requirements.py requirements.txt
fi

{command} {script} "$@"
"""
# `FrameworkProcessor._generate_framework_script`, as the pinned SDK writes it: its sha256 is
# the S3 key of runproc.sh
RUNPROC = """#!/bin/bash

cd /opt/ml/processing/input/code/
tar -xzf sourcedir.tar.gz

# Exit on any error. SageMaker uses error code to mark failed job.
set -e

if [[ -f 'requirements.txt' ]]; then
    # Optionally log into CodeArtifact
    if ! hash aws 2>/dev/null; then
        echo "AWS CLI is not installed. Skipping CodeArtifact login."
    else
        echo 'CodeArtifact repository not specified. Skipping login.'
    fi

    # Some py3 containers has typing, which may breaks pip install
    pip uninstall --yes typing

    python -m pip install -r requirements.txt
fi

{command} {script} "$@"
"""

CODE_DIR = "/opt/ml/processing/input/code"

INPUT_FIELDS = {
    "source": Field("string", required=True, doc="S3 URI to download"),
    "destination": Field("string", required=True, doc="path in the container"),
    "s3_data_type": Field("string", doc="S3Prefix (default) or ManifestFile"),
    "s3_input_mode": Field("string", doc="File (default) or Pipe"),
    "s3_data_distribution_type": Field("string", doc="FullyReplicated (default) or ShardedByS3Key"),
    "s3_compression_type": Field("string", doc="None (default) or Gzip"),
}
OUTPUT_FIELDS = {
    "source": Field("string", required=True, doc="path in the container"),
    "destination": Field("string", doc="S3 URI; default s3://<default_bucket>/<pipeline>/<execution>/<step>/output/<name>"),
    "s3_upload_mode": Field("string", doc="EndOfJob (default) or Continuous"),
}
PROPERTY_FILE_FIELDS = {
    "output_name": Field("string", required=True, doc="the output holding the file"),
    "path": Field("string", required=True, doc="the file's path inside that output"),
}
# PySparkProcessor's own (`framework = "spark"`): run() keywords, then constructor ones
SPARK_DEPENDENCIES = {"submit_py_files": "py-files", "submit_jars": "jars", "submit_files": "files"}
JAVA_CLASS = r"[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*"
SPARK_FIELDS = {
    "submit_class": Field("string", doc="spark: the main class of a jar application: the step is then a "
                                        "SparkJarProcessor's, `code` its jar (`--class`)",
                          pattern=JAVA_CLASS, pattern_doc="a Java class name such as \"com.example.Main\""),
    "submit_py_files": Field("list", items="string", doc="spark: .py/.zip/.egg files for `--py-files` (S3 URIs, or "
                                                         "local paths uploaded beside the code)"),
    "submit_jars": Field("list", items="string", doc="spark: jars for `--jars` (S3 URIs or local paths)"),
    "submit_files": Field("list", items="string", doc="spark: files for `--files` (S3 URIs or local paths)"),
    "configuration": Field("any", doc='spark: EMR-style configuration, e.g. [{ Classification: "spark-defaults", '
                                      'Properties: { "spark.executor.memory": "2g" } }]'),
    "spark_event_logs_s3_uri": Field("string", doc="spark: where Spark event logs go (continuously)"),
    "configuration_location": Field("string", doc="spark: S3 prefix for the configuration (default: the bucket)"),
    "dependency_location": Field("string", doc="spark: S3 prefix for local dependencies (default: the bucket)"),
}
SPARK_RUN = ("submit_class", "submit_py_files", "submit_jars", "submit_files", "configuration", "spark_event_logs_s3_uri")
SPARK_CONF_INPUT = "/opt/ml/processing/input/"
SPARK_EVENTS = "/opt/ml/processing/spark-events/"
SPARK_EVENTS_OUTPUT_V3 = "spark-event-logs"  # (v2 names the output by its position, output-N)
SPARK_CLASSIFICATIONS = ("core-site", "hadoop-env", "hadoop-log4j", "hive-env", "hive-log4j", "hive-exec-log4j",
                         "hive-site", "spark-defaults", "spark-env", "spark-log4j", "spark-hive-site",
                         "spark-metrics", "yarn-env", "yarn-site", "export")

def _spark_configuration_problem(value) -> str:
    """What `SparkConfigUtils.validate_configuration` refuses (or that it is not literal)."""
    if isinstance(value, list):
        return next((p for p in map(_spark_configuration_problem, value) if p), "")
    if not isinstance(value, dict):
        return "`configuration` is a map or a list of maps, of literals"
    if "Classification" not in value or "Properties" not in value:
        return "a configuration needs `Classification` and `Properties`"
    for key in value:
        if key not in ("Classification", "Properties", "Configurations"):
            return f"`{key}` is not a configuration key (Classification, Properties, Configurations)"
    if value["Classification"] not in SPARK_CLASSIFICATIONS:
        return f"unknown classification {value['Classification']!r}: " + ", ".join(SPARK_CLASSIFICATIONS)
    return ""


# what `--sdk 3` does not write for a processing step (E0321 at the member)
V3_UNWRITTEN = {
    # (`job_name` pins a v3 FrameworkProcessor's code folder: allowed, checked by the kind)
    **{name: "v3 has no plain-Session `ProcessingStep(processor=...)` form" for name in _plain_session.FIELDS
       if name != "job_name"},
}


class Processing(StepKind):
    name = "processing"
    type = "Processing"
    sdk_class = "ProcessingStep"
    summary = "a SageMaker processing job (Processor.run)"
    sdk_imports = {"sagemaker.network": ("NetworkConfig",),
                   "sagemaker.processing": ("FrameworkProcessor", "ProcessingInput", "ProcessingOutput", "Processor",
                                            "ScriptProcessor"),
                   "sagemaker.sklearn.processing": ("SKLearnProcessor",),
                   "sagemaker.spark.processing": ("PySparkProcessor", "SparkJarProcessor"),
                   "sagemaker.workflow.properties": ("PropertyFile",),
                   "sagemaker.session": (_plain_session.JOB_NAME_IMPORT,),
                   "sagemaker.workflow.steps": ("ProcessingStep",),
                   **_processor_v3.SDK_IMPORTS}
    request_shape = "CreateProcessingJobRequest"
    property_root = "DescribeProcessingJobResponse"
    job_step = True
    experiment_run = "the processing job"
    job_name_key = "ProcessingJobName"
    members = frozenset({"input", "output", "property_file"})
    member_fields = {"input": INPUT_FIELDS, "output": OUTPUT_FIELDS, "property_file": PROPERTY_FILE_FIELDS}
    fields = {
        "image_uri": Field("string", doc="the processing image (required unless `framework` picks it)",
                           json="AppSpecification.ImageUri"),
        "role": Field("string", required=True, doc="IAM role ARN", json="RoleArn"),
        "instance_type": Field("string", required=True, doc="the processing instances' type", **INSTANCE_TYPE,
                               json="ProcessingResources.ClusterConfig.InstanceType"),
        "instance_count": Field("integer", required=True, minimum=1, doc="how many processing instances",
                                json="ProcessingResources.ClusterConfig.InstanceCount"),
        "volume_size_in_gb": Field("integer", doc="GB of storage per instance", default=30, omit="never",
                                   json="ProcessingResources.ClusterConfig.VolumeSizeInGB"),
        "volume_kms_key": Field("string", doc="KMS key of the storage volume",
                                json="ProcessingResources.ClusterConfig.VolumeKmsKeyId"),
        "output_kms_key": Field("string", doc="KMS key of the outputs", json="ProcessingOutputConfig.KmsKeyId",
                                within="ProcessingOutputConfig"),
        "max_runtime_in_seconds": Field("integer", doc="seconds the job may run",
                                        json="StoppingCondition.MaxRuntimeInSeconds"),
        "entrypoint": Field("list", doc="the container's entrypoint", json="AppSpecification.ContainerEntrypoint"),
        "arguments": Field("list", doc="the container's arguments", json="AppSpecification.ContainerArguments"),
        "env": Field("map", doc="environment variables of the container", json="Environment"),
        "base_job_name": Field("string", doc="job name prefix (not part of the definition)"),
        "network_config": Field("map", doc="enable_network_isolation, security_group_ids, subnets, "
                                           "encrypt_inter_container_traffic (computed into NetworkConfig)"),
        "tags": Field("any", doc="a map or a list of {Key, Value}", json="Tags"),
        "code": Field("string", doc="the script: an S3 URI, or a local file (relative to the .pipe file, "
                                    "uploaded by `deploy`); makes this a ScriptProcessor"),
        "command": Field("list", items="string", doc="with `code`: the command that runs it, e.g. [\"python3\"]"),
        "framework": Field("string", doc='"sklearn": an SKLearnProcessor (its image, `python3`); with '
                                         '`source_dir` (or pytorch, tensorflow, mxnet, xgboost) a FrameworkProcessor'),
        "framework_version": Field("string", doc="with `framework`: the framework's version, e.g. \"1.2-1\""),
        "py_version": Field("string", doc="FrameworkProcessor: the Python version, e.g. \"py310\""),
        "source_dir": Field("string", doc="FrameworkProcessor: a local folder packed with `code` into "
                                          "sourcedir.tar.gz (run by runproc.sh)"),
        "dependencies": Field("list", items="string", doc="FrameworkProcessor: local folders packed beside the code"),
        **SPARK_FIELDS,
        **_plain_session.FIELDS,
    }
    fields = v3_unwritten(fields, V3_UNWRITTEN)
    flavours = frozenset({"v2", "v3"})

    def named_properties(self, step):
        inputs = [i.name or f"input-{n}" for n, i in enumerate(step.inputs, 1)]
        return {("ProcessingOutputConfig", "Outputs"): Names([o.name for o in step.outputs], "output"),
                ("ProcessingInputs",): Names(inputs, "input")}

    def check(self, step, ctx):
        yield from check_role(step, ctx)
        yield from check_map_keys(step, ctx, "network_config", NETWORK_KEYS)
        code, command, entry = (step.attribute(n) for n in ("code", "command", "entrypoint"))
        local = code is not None and is_local(ctx.literal(code.value))

        # (`job_name` also names a FrameworkProcessor's code folder in SDK v3)
        yield from _plain_session.check(step, ctx, code.value.span if local else None,
                                        job_name_pins=self.framework_processor(step, ctx.program))
        if _plain_session.plain(step, ctx.program) and (
                self.framework_processor(step, ctx.program) or self.is_spark(step, ctx.program)):
            yield error("E0304", "`plain_session` is the legacy ProcessingStep(processor=..., code=...) of a script: "
                        "not of a FrameworkProcessor or a Spark processor", step.attribute("plain_session").name_span,
                        "not supported here", "leave `plain_session` out (the pipeline session's form)")
        framework = step.attribute("framework")
        if not self.is_spark(step, ctx.program):
            for name in SPARK_FIELDS:
                if step.attribute(name) is not None:
                    yield error("E0304", f"`{name}` is a Spark processor's: it needs `framework = \"spark\"`",
                                step.attribute(name).name_span, "not a spark step")
        if framework is not None:
            yield from self.check_framework(step, ctx, framework)
            if ctx.program.flavour == "v3" and ctx.literal(framework.value) in FRAMEWORK_PROCESSOR:
                yield from self.check_framework_v3(step, ctx, framework)
        elif step.attribute("image_uri") is None:
            yield error("E0303", f"`processing` step `{step.name}` needs `image_uri` (or `framework`)",
                        step.name_span, "`image_uri` missing", "add `image_uri = ...`, or e.g. "
                        '`framework = "sklearn"` with `framework_version = "1.2-1"`')
        if code is not None:
            value = ctx.literal(code.value)
            if not isinstance(value, str):
                yield error("E0304", "`code` must be a literal: an S3 URI or a local file",
                            code.value.span, "not a literal")
            elif is_local(value):
                source_dir = ctx.literal(step.attribute("source_dir").value) if step.attribute("source_dir") else None
                in_folder = os.path.join(source_dir, value) if isinstance(source_dir, str) and is_local(source_dir) \
                    else value  # with `source_dir`, `code` is relative to it
                problem = ctx.program.local_problem(in_folder)
                if problem is not None:
                    yield error("E0212", f"local code {problem}", code.value.span, "no such file")
            if command is None and framework is None:
                yield error("E0303", "`code` needs `command`, e.g. `command = [\"python3\"]`",
                            code.name_span, "`command` missing")
            if entry is not None:
                yield error("E0304", "`entrypoint` and `code` exclude each other (with `code` the "
                            "entrypoint is `command` + the script)", entry.name_span, "not with `code`")
        elif command is not None:
            yield error("E0304", "`command` goes with `code`", command.name_span, "no `code`",
                        "use `entrypoint` to set the container's command")
        names: dict = {}
        for position, item in enumerate(step.inputs, 1):
            name = item.name or f"input-{position}"
            span = item.name_span or item.span.start()
            if item.value is not None:
                yield error("E0304", "a processing input is a block: `input NAME { source = ..., destination = ... }`",
                            item.value.span, "not a block")
                continue
            if name in names:
                yield error("E0101", f"input `{name}` is declared twice", span, "declared again here",
                            notes=[(names[name], "first declared here")])
            names[name] = span
            ctx.attributes(item.attributes, INPUT_FIELDS, f"input `{name}`", owner_span=span)
            yield from _local_s3_place(item, "source", f"input `{name}`", ctx)
        outputs: dict = {}
        for output in step.outputs:
            if output.type is not None:
                yield error("E0304", "a processing output is a block: `output NAME { source = ... }`",
                            output.type_span, "not a block")
                continue
            if output.name in outputs:
                yield error("E0101", f"output `{output.name}` is declared twice", output.name_span,
                            "declared again here", notes=[(outputs[output.name], "first declared here")])
            outputs[output.name] = output.name_span
            ctx.attributes(output.attributes, OUTPUT_FIELDS, f"output `{output.name}`", owner_span=output.name_span)
            yield from _local_s3_place(output, "destination", f"output `{output.name}`", ctx)
        files: dict = {}
        for pf in step.property_files:
            if pf.name in files:
                yield error("E0101", f"property file `{pf.name}` is declared twice", pf.name_span,
                            "declared again here", notes=[(files[pf.name], "first declared here")])
            files[pf.name] = pf.name_span
            ctx.attributes(pf.attributes, PROPERTY_FILE_FIELDS, f"property file `{pf.name}`", owner_span=pf.name_span)
            output_name = next((a for a in pf.attributes if a.name == "output_name"), None)
            if output_name is not None:
                value = ctx.literal(output_name.value)
                if value not in outputs:
                    yield error("E0305", f"property file `{pf.name}` names output {value!r}, which "
                                f"`{step.name}` does not declare", output_name.value.span, "no such output",
                                did_you_mean(str(value), outputs) or
                                ("outputs: " + ", ".join(outputs) if outputs else "declare it with `output NAME { source = ... }`"))

    def framework_processor(self, step, program) -> bool:
        framework = program.literal(step.attribute("framework").value) if step.attribute("framework") else None
        return framework is not None and framework != "spark" and (
            framework not in PROCESSORS or step.attribute("source_dir") is not None)

    def check_framework(self, step, ctx, framework):
        name = ctx.literal(framework.value)
        known = FRAMEWORK_PROCESSOR + ("spark",)
        if name not in known:
            yield error("E0304", f"`framework` of a processing step is one of {', '.join(known)}",
                        framework.value.span, "unknown framework", did_you_mean(str(name), known))
            return
        source_dir = ctx.literal(step.attribute("source_dir").value) if step.attribute("source_dir") else None
        if is_local(source_dir):
            problem = ctx.program.local_problem(source_dir, directory=True)
            if problem:
                yield error("E0212", f"local code {problem}", step.attribute("source_dir").value.span, "no such folder")
        for field in ("image_uri", "entrypoint"):
            if step.attribute(field) is not None:
                yield error("E0304", f"`{field}` and `framework` exclude each other (the framework's "
                            "processor sets it)", step.attribute(field).name_span, "not with `framework`")
        if step.attribute("framework_version") is None:
            yield error("E0303", "`framework` needs `framework_version`", framework.name_span,
                        "`framework_version` missing", 'e.g. `framework_version = "1.2-1"`')
        elif step.attribute("code") is None:
            yield error("E0303", f"a `{name}` processor runs `code`" + (" (its `submit_app`)" if name == "spark" else ""),
                        framework.name_span, "`code` missing",
                        'e.g. `code = "code/preprocess.py"` (a local file or an S3 URI)')
        else:
            problem = self.framework_image(step, ctx.program)[1]
            if problem is not None:
                yield error("E0210", problem[0], problem[1], "no such image", problem[2])
        if name == "spark":
            yield from self.check_spark(step, ctx)

    def check_framework_v3(self, step, ctx, framework):
        """SDK v3's FrameworkProcessor packs a local `source_dir` (the folder of `code` without
        one: the whole folder, which pipedsl does not do) and has no SKLearnProcessor."""
        program = ctx.program
        source_dir = program.literal(step.attribute("source_dir").value) if step.attribute("source_dir") else None
        code = program.literal(step.attribute("code").value) if step.attribute("code") else None
        if source_dir is None:
            yield error("E0321", "SDK v3 writes a framework's processing step as FrameworkProcessor with a "
                        "`source_dir` (without one it packs the whole folder of `code`; it has no "
                        "SKLearnProcessor)", framework.name_span, "no source_dir",
                        "give `source_dir`, the folder holding `code`; " + V3_HINT)
        elif not is_local(source_dir) or (isinstance(code, str) and not is_local(code)):
            # (a missing or computed `code` is the usual checks' to report)
            where = step.attribute("source_dir") if not is_local(source_dir) else step.required("code")
            yield error("E0321", "pipedsl writes SDK v3's FrameworkProcessor with local code only (with code in S3 "
                        "it mounts its helpers from a folder of its own)", where.value.span, "in S3", V3_HINT)

    def check_spark(self, step, ctx):
        program = ctx.program
        if step.attribute("submit_class") is not None and step.attribute("submit_py_files") is not None:
            yield error("E0304", "`submit_py_files` is PySparkProcessor's: a jar application (`submit_class`) "
                        "takes `submit_jars` and `submit_files`", step.attribute("submit_py_files").name_span,
                        "not with submit_class", "a SparkJarProcessor has no --py-files")
        code = program.literal(step.attribute("code").value) if step.attribute("code") else None
        for field in SPARK_DEPENDENCIES:
            attribute = step.attribute(field)
            target = program.follow(attribute.value) if attribute is not None else None
            for item in target.items if isinstance(target, ir.ListExpr) else ():
                value = program.literal(item)
                if not isinstance(value, str):
                    yield error("E0304", f"each of `{field}` is a literal path or S3 URI", item.span, "not a literal")
                elif is_local(value):
                    problem = program.local_problem(value, directory=None)
                    if problem:
                        yield error("E0212", f"local code {problem}", item.span, "not found")
                    elif program.flavour == "v3" and program.local_problem(value) is not None:
                        yield error("E0321", f"SDK v3 cannot write a local folder in `{field}`", item.span,
                                    "a folder", "SDK v3's Spark processors take local files only (v2 uploads a "
                                    "folder's tree): name its files, zip the folder, or put it in S3; " + V3_HINT)
                    if not is_local(code):
                        yield error("E0304", "local dependencies need a local `code`: with an S3 `code` the SDK "
                                    "uploads them under a timestamped job name", item.span, "code is in S3")
            if isinstance(target, ir.ListExpr) and not target.items:
                yield error("E0304", f"`{field}` may not be empty (the SDK refuses it)", attribute.value.span, "empty")
        configuration = step.attribute("configuration")
        if configuration is not None:
            value = program.literal(configuration.value)
            problem = _spark_configuration_problem(value)
            if problem:
                yield error("E0304", problem, configuration.value.span, "not an EMR configuration",
                            'e.g. [{ Classification: "spark-defaults", Properties: { "spark.executor.memory": "2g" } }]')
        logs = step.attribute("spark_event_logs_s3_uri")
        value = program.literal(logs.value) if logs is not None else None
        if isinstance(value, str) and not value.startswith("s3://"):
            yield error("E0304", "`spark_event_logs_s3_uri` is an S3 URI", logs.value.span, "not s3://")

    def framework_image(self, step, program):
        name = program.literal(step.attribute("framework").value)
        if not self.framework_processor(step, program):  # SKLearnProcessor, PySparkProcessor: no py_version
            return program.framework_image(name, step, py_version=None)
        fixed = {"image_scope": "training"}
        if step.attribute("py_version") is None and name in ("xgboost", "sklearn"):
            fixed["py_version"] = "py3"
        return program.framework_image(name, step, **fixed)

    def payload(self, step, program):
        """A FrameworkProcessor's (sourcedir.tar.gz URI, runproc.sh text, its URI, tarball members)."""
        import hashlib

        code, source_dir, dependencies = self.framework_code(step, program)
        command = program.literal(step.attribute("command").value) if step.attribute("command") else ["python"]
        if program.flavour == "v3":  # (the folder of the job's code, the script by its name)
            sourcedir = f"s3://{program.default_bucket}/{self.code_job_name(step, program)}/source/"
            text = RUNPROC_V3.format(command=" ".join(command), script=posixpath.basename(code))
        else:
            sourcedir = program.code_uri(self.framework_code_paths(step, program), "sourcedir.tar.gz")
            text = RUNPROC.format(command=" ".join(command), script=code)
        runproc = f"s3://{program.default_bucket}/{program.name}/code/{hashlib.sha256(text.encode()).hexdigest()}/runproc.sh"
        members = tarball_members(program.folder, source_dir, code, dependencies)
        return sourcedir, text, runproc, members

    @staticmethod
    def framework_code(step, program):
        """A FrameworkProcessor's (code, source_dir or None, dependencies), as written."""
        code = program.literal(step.attribute("code").value)
        source_dir = program.literal(step.attribute("source_dir").value) if step.attribute("source_dir") else None
        target = program.follow(step.attribute("dependencies").value) if step.attribute("dependencies") else None
        dependencies = [program.literal(i) for i in target.items] if isinstance(target, ir.ListExpr) else []
        return code, source_dir, dependencies

    def framework_code_paths(self, step, program) -> list:
        """What a FrameworkProcessor's code hash covers (SDK v2's key; the default of v3's job name)."""
        code, source_dir, dependencies = self.framework_code(step, program)
        if source_dir is not None:
            return [code, source_dir] + dependencies if is_local(code) else [source_dir] + dependencies
        return [code] + dependencies

    def code_job_name(self, step, program) -> str:
        """SDK v3's FrameworkProcessor packs the code under its job's name (s3://BUCKET/JOB/
        source/), by default the base job name (or the image's repository) and the clock:
        `job_name` pins it, else the base and 23 hex digits of the code's hash take the clock's
        place, so the same code gives the same key and a change a new one."""
        from dsl.semantics.localcode import code_hash

        from . import _job_names

        given = _plain_session.job_name(step, program)
        if given is not None:
            return given
        base = _job_names.literal_text(step, "base_job_name", program) or _job_names.base_name_from_image(
            self.image(step, program), program, "Processor")
        base = re.sub(r"[^a-zA-Z0-9-]", "-", base)
        return f"{base[:63 - 23 - 1]}-{code_hash(self.framework_code_paths(step, program), program.folder)[:23]}"

    @staticmethod
    def is_spark(step, program) -> bool:
        return step.attribute("framework") is not None and program.literal(step.attribute("framework").value) == "spark"

    @staticmethod
    def _spark_lists(step, program) -> dict:
        out = {}
        for field in SPARK_DEPENDENCIES:
            target = program.follow(step.attribute(field).value) if step.attribute(field) else None
            out[field] = [program.literal(i) for i in target.items] if isinstance(target, ir.ListExpr) else []
        return out

    def hash_paths(self, step, program) -> list:
        """What the step's code hash covers: `code`, then (spark) every dependency as written,
        S3 URIs too, as `get_code_hash` lists them."""
        code = program.literal(step.attribute("code").value)
        lists = self._spark_lists(step, program) if self.is_spark(step, program) else {}
        # (the SDK hashes a jar application's class name as if it were a path: it is one more string)
        main = [program.literal(step.attribute("submit_class").value)] if step.attribute("submit_class") else []
        return [code] + list(lists.get("submit_py_files", ())) + main + [
            d for field in ("submit_jars", "submit_files") for d in lists.get(field, ())]

    def spark_plan(self, step, program) -> dict:
        """PySparkProcessor's extras: the `smspark-submit` options, the inputs (name, S3 URI,
        path) for local dependencies and the configuration, and their uploads."""
        def literal(name):
            return program.literal(step.attribute(name).value) if step.attribute(name) else None

        code = literal("code")
        bucket = f"s3://{program.default_bucket}"
        command, inputs, uploads = ["smspark-submit"], [], []
        if literal("submit_class") is not None:  # a SparkJarProcessor: `--class` first
            command += ["--class", literal("submit_class")]
        lists = self._spark_lists(step, program)
        prefix = str(literal("dependency_location") or bucket)
        prefix = prefix[:-1] if prefix.endswith("/") else prefix
        code_hash = None
        if is_local(code):
            from dsl.semantics.localcode import code_hash as hash_of

            code_hash = hash_of(self.hash_paths(step, program), program.folder)
        for field, channel in SPARK_DEPENDENCIES.items():
            items = [d for d in lists[field] if isinstance(d, str)]
            if not items:
                continue
            remote = [d for d in items if not is_local(d)]
            local = [d for d in items if is_local(d)]
            if local:
                uri = f"{prefix}/{program.name}/code/{code_hash}/{channel}"
                destination = f"{SPARK_CONF_INPUT}{channel}"
                inputs.append((channel, uri, destination))
                for item in local:
                    uploads += self._dependency_uploads(program.folder, item, uri)
                remote.append(destination)
            command += [f"--{channel}", ",".join(remote)]
        configuration = literal("configuration")
        if configuration:
            import hashlib

            conf_prefix = str(literal("configuration_location") or bucket)
            conf_prefix = conf_prefix[:-1] if conf_prefix.endswith("/") else conf_prefix
            # get_config_hash: sha256 of the configuration's Python str()
            config_hash = hashlib.sha256(str(configuration).encode()).hexdigest()
            uri = f"{conf_prefix}/{program.name}/{step.name}/input/conf/{config_hash}/configuration.json"
            inputs.append(("conf", uri, f"{SPARK_CONF_INPUT}conf"))
            uploads.append(Upload("configuration.json", uri, text=json.dumps(configuration)))
        if step.attribute("spark_event_logs_s3_uri") is not None:
            command += ["--local-spark-event-logs-dir", SPARK_EVENTS]
        return {"command": command, "inputs": inputs, "uploads": uploads}

    @staticmethod
    def _dependency_uploads(folder, item, uri) -> list:
        """A local dependency as `_stage_submit_deps` uploads it: a file under its name, a folder
        under its name with its tree."""
        full = os.path.join(folder, item)
        if os.path.isfile(full):
            return [Upload(full, f"{uri}/{os.path.basename(item)}")]
        out = []
        root = os.path.basename(os.path.normpath(item))
        for directory, _, files in sorted(os.walk(full)):
            relative = os.path.relpath(directory, full)
            for name in sorted(files):
                key = "/".join(p for p in (root, "" if relative == "." else relative.replace(os.sep, "/"), name) if p)
                out.append(Upload(os.path.join(directory, name), f"{uri}/{key}"))
        return out

    def code_uri(self, step, ctx):
        """The S3 URI of the step's `code` (a local file's upload place), or None."""
        if self.framework_processor(step, ctx.program):
            return None
        code = ctx.literal(step.attribute("code").value) if step.attribute("code") else None
        if not isinstance(code, str):
            return None
        if not is_local(code):
            return code
        if _plain_session.plain(step, ctx.program):  # (a plain Session: under the job's name)
            job = _plain_session.job_name(step, ctx.program)
            return f"s3://{ctx.program.default_bucket}/{job}/input/code/{posixpath.basename(code)}"
        return ctx.program.code_uri(self.hash_paths(step, ctx.program), posixpath.basename(code))

    def uploads(self, step, ctx):
        if self.framework_processor(step, ctx.program):
            sourcedir, text, runproc, members = self.payload(step, ctx.program)
            if ctx.program.flavour == "v3":  # (under the job's name: put again on every deploy)
                return [Upload(members[0][0] if members else "", sourcedir + "sourcedir.tar.gz", members, overwrite=True),
                        Upload("(SDK v3's install_requirements.py)", sourcedir + "install_requirements.py",
                               overwrite=True, text=_sdk_v3_files.install_requirements()),
                        Upload("runproc.sh", runproc, text=text)]
            return [Upload(members[0][0] if members else "", sourcedir, members),
                    Upload("runproc.sh", runproc, text=text)]
        code = ctx.literal(step.attribute("code").value) if step.attribute("code") else None
        out = self.spark_plan(step, ctx.program)["uploads"] if self.is_spark(step, ctx.program) else []
        if isinstance(code, str) and is_local(code):  # (under a job name, the key is not the code's hash)
            out.append(Upload(os.path.join(ctx.program.folder, code), self.code_uri(step, ctx),
                              overwrite=_plain_session.plain(step, ctx.program)))
        return out

    def image(self, step, ctx):
        if step.attribute("framework") is not None:
            return self.framework_image(step, ctx.program)[0]
        return ctx.attr(step, "image_uri")

    def needs_default_bucket(self, step, ctx):
        code = ctx.literal(step.attribute("code").value) if step.attribute("code") else None
        if is_local(code):
            yield ("the upload of local `code`", step.attribute("code").value.span)
        for output in step.outputs:
            if output.type is None and not any(a.name == "destination" for a in output.attributes):
                yield (f"the `destination` of output `{output.name}`", output.name_span)

    # CreateProcessingJob as Session._get_process_request builds it
    layout = (
        Slot("ProcessingJobName", "job_name"),
        "instance_type", "instance_count", "volume_size_in_gb", "volume_kms_key",
        Slot("AppSpecification.ImageUri", "image"), "arguments",
        Slot("AppSpecification.ContainerEntrypoint", "entrypoint"),
        "role",
        Slot("ProcessingInputs", "inputs"),
        Slot("ProcessingOutputConfig.Outputs", "outputs"), "output_kms_key",
        Slot("Environment", "environment"),
        Slot("NetworkConfig", "network"),
        "max_runtime_in_seconds",
        Slot("Tags", "tags"),
    )
    slot_tags, read_tags, slot_network, read_network = slot_tags, read_tags, slot_network, read_network
    # SDK v3's: v2's without `AppManaged` on the inputs and outputs (plugins/kinds/_processor_v3.py)
    layouts = {"v3": tuple(Slot(leaf.place, leaf.name + "_v3") if isinstance(leaf, Slot) and leaf.name in
                           ("inputs", "outputs") else leaf for leaf in layout)}

    def slot_inputs_v3(self, step, ctx):
        """v2's inputs without `"AppManaged": false`."""
        return _processor_v3.without_app_managed(self.slot_inputs(step, ctx))

    def slot_outputs_v3(self, step, ctx):
        """v2's outputs without `"AppManaged": false`; a Spark job's event logs output is named
        `spark-event-logs` (v2: `output-N`, by its position)."""
        outputs = _processor_v3.without_app_managed(self.slot_outputs(step, ctx))
        if outputs and self.writes_event_logs(step, ctx):
            outputs[-1]["OutputName"] = SPARK_EVENTS_OUTPUT_V3
        return outputs

    def read_inputs_v3(self, value, arguments, ctx):
        return self.read_inputs(_processor_v3.with_app_managed(value, "InputName"), arguments, ctx)

    def read_outputs_v3(self, value, arguments, ctx):
        return self.read_outputs(_processor_v3.with_app_managed(value, "OutputName"), arguments, ctx)

    # --- the computed slots, written ----------------------------------------------------

    def slot_image(self, step, ctx):
        return self.image(step, ctx)

    def _code_plan(self, step, ctx):
        """(code URI, FrameworkProcessor payload, Spark plan) of the step."""
        code = self.code_uri(step, ctx)
        payload = self.payload(step, ctx.program) if self.framework_processor(step, ctx.program) else None
        spark = self.spark_plan(step, ctx.program) if self.is_spark(step, ctx.program) and code is not None else None
        return code, payload, spark

    def slot_entrypoint(self, step, ctx):
        code, payload, spark = self._code_plan(step, ctx)
        if payload is not None:
            return ["/bin/bash", f"{ENTRYPOINT_DIR}/runproc.sh"]
        if code is not None:
            framework = ctx.program.literal(step.required("framework").value) if step.attribute("framework") else None
            command = spark["command"] if spark else ctx.attr(step, "command", DEFAULT_COMMAND.get(framework or "", ["python3"]))
            return command + [f"{CODE_DIR}/{posixpath.basename(code)}"]
        return ctx.attr(step, "entrypoint")

    def slot_inputs(self, step, ctx):
        code, payload, spark = self._code_plan(step, ctx)
        inputs = [self.input(item, position, ctx) for position, item in enumerate(step.inputs, 1)]
        if payload is not None:
            inputs.append(self.s3_input("code", {"source": payload[0], "destination": CODE_DIR + "/"}))
            inputs.append(self.s3_input("entrypoint", {"source": payload[2], "destination": ENTRYPOINT_DIR}))
        elif code is not None:
            for name, uri, destination in spark["inputs"] if spark else ():
                inputs.append(self.s3_input(name, {"source": uri, "destination": destination}))
            inputs.append(self.s3_input("code", {"source": code, "destination": CODE_DIR}))
        return inputs or None

    def writes_event_logs(self, step, ctx) -> bool:
        return self.is_spark(step, ctx.program) and self.code_uri(step, ctx) is not None and \
            step.attribute("spark_event_logs_s3_uri") is not None

    def slot_outputs(self, step, ctx):
        outputs = [self.output(step, o, ctx) for o in step.outputs]
        if self.writes_event_logs(step, ctx):  # named as the SDK names it
            outputs.append({"OutputName": f"output-{len(outputs) + 1}", "AppManaged": False, "S3Output": {
                "S3Uri": ctx.attr(step, "spark_event_logs_s3_uri"), "LocalPath": SPARK_EVENTS,
                "S3UploadMode": "Continuous"}})
        return outputs or None

    def slot_environment(self, step, ctx):
        if step.attribute("env") is not None:
            return ctx.attr(step, "env")
        framework = step.attribute("framework")
        return {} if framework is not None and ctx.program.literal(framework.value) == "spark" else None  # PySparkProcessor always writes one


    # --- and read back (import) ---------------------------------------------------------

    def read_image(self, value, arguments, ctx):
        return [f"image_uri = {ctx.value(value)}"]

    @staticmethod
    def _script(arguments):
        """(URI, command) when the request runs a script from a `code` input as `code` writes it."""
        inputs = arguments.get("ProcessingInputs") or []
        entry = arguments.get("AppSpecification", {}).get("ContainerEntrypoint")
        last = inputs[-1] if inputs else {}
        uri = last.get("S3Input", {}).get("S3Uri")
        if (last.get("InputName") != "code" or not isinstance(uri, str) or not isinstance(entry, list) or not entry
                or {k: v for k, v in last.items() if k != "AppManaged"} !=  # (SDK v3 writes none)
                {k: v for k, v in Processing.s3_input("code", {"source": uri, "destination": CODE_DIR}).items()
                 if k != "AppManaged"}
                or entry[-1] != f"{CODE_DIR}/{posixpath.basename(uri)}"):
            return None
        return uri, entry[:-1]

    @staticmethod
    def _plain_code(uri, ctx) -> list:
        """A plain Session's upload, `s3://BUCKET/JOB/input/code/FILE`, of a file of that name
        under the output's folder (the nearest): `plain_session`, `job_name` and the file."""
        bucket = ctx.default_bucket()
        match = re.fullmatch(rf"s3://{re.escape(bucket or '')}/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){{0,62}})/input/code/"
                             r"([^/]+)", uri) if bucket and isinstance(uri, str) else None
        if match is None:
            return []
        local = next((p for p in ctx.project_files() if posixpath.basename(p) == match.group(2)), None)
        if local is None:
            return []
        return ["plain_session = true", f"job_name = {ctx.value(match.group(1))}", f"code = {ctx.value(local)}"]

    def read_entrypoint(self, value, arguments, ctx):
        script = self._script(arguments)
        if script is not None:
            uri, command = script
            plain = self._plain_code(uri, ctx)
            return (plain or [f"code = {ctx.code(uri)}"]) + [f"command = {ctx.value(command)}"]
        return [f"entrypoint = {ctx.value(value)}"] if value is not None else []

    def read_inputs(self, value, arguments, ctx):
        members = []
        items = list(value or [])
        if self._script(arguments) is not None:
            items = items[:-1]  # the `code` input
        for n, item in enumerate(items, 1):
            source = item.get("S3Input", {})
            fields = [f"source = {ctx.value(source.get('S3Uri'))}",
                      f"destination = {ctx.value(source.get('LocalPath'))}"]
            for key, field, default in (("S3DataType", "s3_data_type", "S3Prefix"),
                                        ("S3InputMode", "s3_input_mode", "File"),
                                        ("S3DataDistributionType", "s3_data_distribution_type", "FullyReplicated"),
                                        ("S3CompressionType", "s3_compression_type", "None")):
                if source.get(key, default) != default:
                    fields.append(f"{field} = {ctx.value(source[key])}")
            name = item.get("InputName", "")
            head = "input" if name == f"input-{n}" else f"input {ctx.name_text(name)}"
            members.append(f"{head} {{ {', '.join(fields)} }}")
        return members

    def read_outputs(self, value, arguments, ctx):
        members = []
        for item in value or []:
            out = item.get("S3Output", {})
            fields = [f"source = {ctx.value(out.get('LocalPath'))}"]
            uri = out.get("S3Uri")
            default_uri = {"Std:Join": {"On": "/", "Values": [
                "s3:/", ctx.default_bucket(), ctx.name, {"Get": "Execution.PipelineExecutionId"},
                ctx.step_json_name, "output", item.get("OutputName")]}}
            if uri != default_uri:
                fields.append(f"destination = {ctx.value(uri)}")
            if out.get("S3UploadMode", "EndOfJob") != "EndOfJob":
                fields.append(f"s3_upload_mode = {ctx.value(out['S3UploadMode'])}")
            members.append(f"output {ctx.name_text(item.get('OutputName'))} {{ {', '.join(fields)} }}")
        return members

    def read_environment(self, value, arguments, ctx):
        return [f"env = {ctx.value(value)}"] if value is not None else []

    def region_of(self, arguments):
        # a FrameworkProcessor's or PySparkProcessor's image is picked by region: the import
        # needs it to pick it again
        app = arguments.get("AppSpecification") or {}
        entry = app.get("ContainerEntrypoint") or [None]
        if entry == ["/bin/bash", f"{ENTRYPOINT_DIR}/runproc.sh"] or entry[0] == "smspark-submit":
            match = re.search(r"\.dkr\.ecr\.([a-z0-9-]+)\.", str(app.get("ImageUri")))
            return match.group(1) if match else None
        return None

    def read_forms(self, step, ctx):
        plain = self.read_step(step, ctx)
        framework = (self._read_framework_processor(step["Arguments"], plain, ctx) or
                     self._read_spark(step["Arguments"], plain, ctx))
        return ([framework] if framework is not None else []) + [plain]

    def _read_spark(self, arguments, plain, ctx):
        """A PySparkProcessor's job as `framework = "spark"`, when its dependencies are S3
        URIs: local dependencies are named in the definition only by the folder they were
        uploaded to. (A configuration is named only by its hash, its content being in S3: it
        stays the `input conf` it is.) None otherwise."""
        from dsl.semantics.images import table

        app = arguments.get("AppSpecification") or {}
        entry = app.get("ContainerEntrypoint")
        script = self._script(arguments)
        if script is None or not entry or entry[0] != "smspark-submit":
            return None
        repo_tag = str(app.get("ImageUri")).split("/", 1)[-1]
        entries = table()["frameworks"]["spark"]["by_scope"]["processing"]["entries"]
        version = next((key.split("|")[0] for key, (_, written) in entries.items() if written == repo_tag), None)
        if version is None:
            return None
        options, added = entry[1:-1], []
        if options[:1] == ["--class"] and len(options) > 1:  # a SparkJarProcessor's job
            added.append(f"submit_class = {ctx.value(options[1])}")
            options = options[2:]
        lists = {f"--{channel}": field for field, channel in SPARK_DEPENDENCIES.items()}
        events = False
        while options:
            option = options.pop(0)
            if option in lists and options:
                items = options.pop(0).split(",")
                if any(not item.startswith("s3://") for item in items):
                    return None  # a local dependency: its name is not in the definition
                added.append(f"{lists[option]} = {ctx.value(items)}")
            elif option == "--local-spark-event-logs-dir" and options and options.pop(0) == SPARK_EVENTS:
                events = True
            else:
                return None
        outputs = (arguments.get("ProcessingOutputConfig") or {}).get("Outputs") or []
        events_name = SPARK_EVENTS_OUTPUT_V3 if ctx.flavour == "v3" else f"output-{len(outputs)}"
        if events:
            last = outputs[-1] if outputs else {}
            uri = last.get("S3Output", {}).get("S3Uri")
            expected = {"OutputName": events_name, "AppManaged": False, "S3Output": {
                "S3Uri": uri, "LocalPath": SPARK_EVENTS, "S3UploadMode": "Continuous"}}
            if ctx.flavour == "v3":  # (SDK v3 writes no AppManaged)
                del expected["AppManaged"]
            if last != expected:
                return None
            added.append(f"spark_event_logs_s3_uri = {ctx.value(uri)}")
        environment = arguments.get("Environment")
        if not isinstance(environment, dict):
            return None
        dropped = ("image_uri =", "command =", "env =")
        members = [m for m in plain if not m.startswith(dropped)]
        if events:
            members = [m for m in members if not m.startswith(f"output {ctx.name_text(events_name)} ")]
        framework = ['framework = "spark"', f"framework_version = {ctx.value(version)}"]
        if environment:
            framework.append(f"env = {ctx.value(environment)}")
        return self._among_attributes(members, framework + added)

    def _read_framework_processor(self, arguments, plain, ctx):
        """A FrameworkProcessor's job as `framework = …`, `code`, `source_dir` (and `command`),
        when the project holds its code: the definition names the script only inside
        runproc.sh, whose key is the hash of its text, and the folder only by the hash of
        sourcedir.tar.gz; each candidate is checked against both. None otherwise."""
        import hashlib

        from ._frameworks import ESTIMATORS, _image_settings

        inputs = arguments.get("ProcessingInputs") or []
        app = arguments.get("AppSpecification") or {}
        if app.get("ContainerEntrypoint") != ["/bin/bash", f"{ENTRYPOINT_DIR}/runproc.sh"] or len(inputs) < 2:
            return None
        code_input, entry_input = inputs[-2], inputs[-1]
        sourcedir = code_input.get("S3Input", {}).get("S3Uri")
        runproc = entry_input.get("S3Input", {}).get("S3Uri")
        if (not isinstance(sourcedir, str) or not isinstance(runproc, str)
                or code_input != self.s3_input("code", {"source": sourcedir, "destination": CODE_DIR + "/"})
                or entry_input != self.s3_input("entrypoint", {"source": runproc, "destination": ENTRYPOINT_DIR})):
            return None
        settings = _image_settings(str(app.get("ImageUri")))
        if settings is None or settings[0] not in FRAMEWORK_PROCESSOR:
            return None
        name, version, py, _ = settings
        found = None
        for path in ctx.project_files():
            parts = path.split("/")
            for cut in range(1, len(parts)):  # the script, relative to one of the folders above it
                source_dir, script = "/".join(parts[:cut]), "/".join(parts[cut:])
                for command in (["python"], ["python3"]):
                    text = RUNPROC.format(command=" ".join(command), script=script)
                    if not runproc.endswith(f"/{hashlib.sha256(text.encode()).hexdigest()}/runproc.sh"):
                        continue
                    if ctx.upload_uri([script, source_dir], "sourcedir.tar.gz") == sourcedir:
                        found = source_dir, script, command
                        break
                if found:
                    break
            if found:
                break
        if found is None:
            return None
        source_dir, script, command = found
        dropped = ("image_uri =", "entrypoint =", "input code {", "input entrypoint {")
        members = [m for m in plain if not m.startswith(dropped)]
        default_py = "py3" if name in ("xgboost", "sklearn") else None
        added = [f"framework = {ctx.value(name)}", f"framework_version = {ctx.value(version)}"]
        if py and py != default_py and name in ESTIMATORS:
            added.append(f"py_version = {ctx.value(py)}")
        added += [f"code = {ctx.value(script)}", f"source_dir = {ctx.value(source_dir)}"]
        if command != ["python"]:
            added.append(f"command = {ctx.value(command)}")
        return self._among_attributes(members, added)

    @staticmethod
    def _among_attributes(members, added):
        """`added` after the attributes of a reading, before its inputs, outputs and property
        files (None when the reading does not keep them in that order)."""
        attributes = [m for m in members if not m.startswith(("input", "output", "property_file"))]
        if members[:len(attributes)] != attributes:
            return None
        return attributes + added + members[len(attributes):]

    def read_step(self, step, ctx):
        members = super().read_step(step, ctx)
        for file in step.get("PropertyFiles", []):
            members.append(f"property_file {ctx.name_text(file.get('PropertyFileName'))} {{ output_name = "
                           f"{ctx.value(file.get('OutputName'))}, path = {ctx.value(file.get('FilePath'))} }}")
        return members

    network_config = staticmethod(network_json)

    def input(self, item: ir.Input, position: int, ctx) -> dict:
        fields = {a.name: ctx.value(a.value) for a in item.attributes}
        return self.s3_input(item.name or f"input-{position}", fields)

    @staticmethod
    def s3_input(name: str, fields: dict) -> dict:
        return {"InputName": name, "AppManaged": False, "S3Input": {
            "S3Uri": fields.get("source"), "LocalPath": fields.get("destination"),
            "S3DataType": fields.get("s3_data_type", "S3Prefix"),
            "S3InputMode": fields.get("s3_input_mode", "File"),
            "S3DataDistributionType": fields.get("s3_data_distribution_type", "FullyReplicated"),
            "S3CompressionType": fields.get("s3_compression_type", "None")}}

    def output(self, step, output: ir.Output, ctx) -> dict:
        fields = {a.name: ctx.value(a.value) for a in output.attributes}
        destination = fields.get("destination")
        if destination is None:
            # the SDK's default: s3://<bucket>/<pipeline>/<execution id>/<step>/output/<name>
            destination = ctx.join("/", ["s3:/", ctx.program.default_bucket, ctx.program.name,
                                         {"Get": "Execution.PipelineExecutionId"}, step.name,
                                         "output", output.name])
        return {"OutputName": output.name, "AppManaged": False, "S3Output": {
            "S3Uri": destination, "LocalPath": fields.get("source"),
            "S3UploadMode": fields.get("s3_upload_mode", "EndOfJob")}}

    def json_extras(self, step, ctx) -> dict:
        if not step.property_files:
            return {}
        files = []
        for pf in step.property_files:
            fields = {a.name: ctx.value(a.value) for a in pf.attributes}
            files.append({"PropertyFileName": pf.name, "OutputName": fields.get("output_name"),
                          "FilePath": fields.get("path")})
        return {"PropertyFiles": files}

    def docs_details(self, step, ctx) -> list:
        out = []
        if step.inputs:
            out += ["Inputs:", ""]
            for position, item in enumerate(step.inputs, 1):
                fields = {a.name: a.value for a in item.attributes}
                source = ctx.code(ctx.text(fields["source"])) if "source" in fields else "?"
                target = ctx.code(ctx.text(fields["destination"])) if "destination" in fields else "?"
                out.append(f"- {ctx.code(item.name or f'input-{position}')}: {source} → {target}")
            out.append("")
        if step.outputs:
            out += ["Outputs:", ""]
            for output in step.outputs:
                fields = {a.name: a.value for a in output.attributes}
                source = ctx.code(ctx.text(fields["source"])) if "source" in fields else "?"
                target = (ctx.code(ctx.text(fields["destination"])) if "destination" in fields else
                          ctx.code(f"s3://{ctx.program.default_bucket}/{ctx.program.name}/<execution ID>/"
                                   f"{step.name}/output/{output.name}") + " (the SDK's default)")
                out.append(f"- {ctx.code(output.name)}: {source} → {target}")
            out.append("")
        if step.property_files:
            out += ["Property files (read with `json_get`):", ""]
            for pf in step.property_files:
                fields = {a.name: a.value for a in pf.attributes}
                path = ctx.code(ctx.text(fields["path"])) if "path" in fields else "?"
                source = ctx.code(ctx.text(fields["output_name"])) if "output_name" in fields else "?"
                out.append(f"- {ctx.code(pf.name)}: {path} in output {source}")
            out.append("")
        return out

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: Processor._generate_current_job_name's base."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        base = _job_names.literal_text(step, "base_job_name", ctx.program) or _job_names.base_name_from_image(
            self.image(step, ctx), ctx.program, "processing-job")
        return _job_names.job_name(base)

    def read_job_name(self, value, arguments, ctx):
        return [f"base_job_name = {ctx.value(value)}"] if value is not None else []

    def sdk_step(self, step, ctx) -> SdkStep:
        processor = ctx.var_for(step.name, "processor")
        script = step.attribute("code") is not None
        args = []
        framework = ctx.program.literal(step.attribute("framework").value) if step.attribute("framework") else None
        framework_processor = self.framework_processor(step, ctx.program)
        v3_framework = framework_processor and ctx.program.flavour == "v3"
        if v3_framework:  # (v3's FrameworkProcessor takes the framework's image)
            args.append(("image_uri", repr(self.image(step, ctx))))
        elif framework_processor:
            from ._frameworks import ESTIMATORS

            args.append(("estimator_cls", ctx.imp(ESTIMATORS[framework or ""].sdk_class)))
        for name in self.fields:
            if name in ("arguments", "code", "framework", "source_dir", "dependencies") + SPARK_RUN + tuple(
                    _plain_session.FIELDS) or (name == "command" and not script) or (
                    v3_framework and name in ("framework_version", "py_version")):
                continue
            if name == "network_config" and step.attribute(name) is not None:
                args.append((name, sdk_network(step, ctx)))
                continue
            args.append((sdk_keyword(self.fields, name), ctx.attr(step, name)))
        plain = _plain_session.plain(step, ctx.program)
        session, made = _plain_session.session(ctx) if plain else (ctx.session, ())
        args.append(("sagemaker_session", session))
        cls = ctx.imp("FrameworkProcessor" if framework_processor else
                      "SparkJarProcessor" if framework == "spark" and step.attribute("submit_class") is not None else
                      PROCESSORS[framework] if framework else "ScriptProcessor" if script else "Processor")
        before = list(made)
        if ctx.program.flavour == "v3":  # (the core shapes: plugins/kinds/_processor_v3.py)
            inputs, outputs = _processor_v3.sdk_inputs(step, ctx), _processor_v3.sdk_outputs(step, ctx)
        else:
            inputs, outputs = self.sdk_inputs(step, ctx), self.sdk_outputs(step, ctx)
        run = [("submit_app" if framework == "spark" else "code", ctx.attr(step, "code")),
               ("source_dir", ctx.attr(step, "source_dir")),
               ("dependencies", ctx.attr(step, "dependencies")),
               ("inputs", f"[{', '.join(inputs)}]" if inputs else None),
               ("outputs", f"[{', '.join(outputs)}]" if outputs else None),
               ("arguments", ctx.attr(step, "arguments"))]
        run += [(name, ctx.attr(step, name)) for name in SPARK_RUN]
        if v3_framework:  # (the code's folder, pinned: the SDK's default name holds the clock)
            run.append(("job_name", repr(self.code_job_name(step, ctx.program))))
        kwargs = [("step_args", f"{processor}.run({ctx.call_args(run)})")]
        after: tuple = ()
        if plain:  # ProcessingStep(processor=..., ...): the run() arguments are the step's
            legacy = {"arguments": "job_arguments"}
            kwargs = [("processor", processor)] + [(legacy.get(k, k), v) for k, v in run if v is not None]
            after = (f"{ctx.step_var(step.name)}.job_name = {_plain_session.job_name(step, ctx.program)!r}",)
        files = []
        for pf in step.property_files:
            var = ctx.property_file_var(step.name, pf.name)
            fields = [("name", repr(pf.name))] + [(a.name, ctx.py(a.value)) for a in pf.attributes]
            before.append(f"{var} = {ctx.imp('PropertyFile')}({ctx.call_args(fields)})")
            files.append(var)
        if files:
            kwargs.append(("property_files", f"[{', '.join(files)}]"))
        before.append(f"{processor} = {cls}({ctx.call_args(args)})")
        return SdkStep("ProcessingStep", tuple(kwargs), tuple(before), after)

    @staticmethod
    def sdk_inputs(step, ctx) -> list:
        inputs = []
        for item in step.inputs:
            fields = [(a.name, ctx.py(a.value)) for a in item.attributes]
            if item.name:
                fields.insert(2, ("input_name", repr(item.name)))
            inputs.append(f"{ctx.imp('ProcessingInput')}({ctx.call_args(fields)})")
        return inputs

    @staticmethod
    def sdk_outputs(step, ctx) -> list:
        outputs = []
        for output in step.outputs:
            fields = [("output_name", repr(output.name))] + [(a.name, ctx.py(a.value)) for a in output.attributes]
            outputs.append(f"{ctx.imp('ProcessingOutput')}({ctx.call_args(fields)})")
        return outputs


@hookimpl
def pipedsl_step_kinds():
    return [Processing()]


def _local_s3_place(member, field: str, what: str, ctx):
    """A processing input's `source` or output's `destination` is an S3 URI. A local path
    there used to be written verbatim as the `S3Uri` (the service then fails the step);
    the SDK would upload it under a timestamped job name, which no definition can pin."""
    attribute = next((a for a in member.attributes if a.name == field), None)
    value = ctx.literal(attribute.value) if attribute is not None else None
    if attribute is not None and isinstance(value, str) and not value.startswith("s3://"):
        yield error("E0304", f"the `{field}` of {what} is an s3:// URI, not `{value}`",
                    attribute.value.span, "not an S3 URI",
                    "copy the data to S3 first (`aws s3 cp`) and give its s3:// URI; local scripts go in `code`"
                    if field == "source" else "give an s3:// URI, or leave it out for the SDK's default S3 path")
