"""`pipedsl deploy`, `diff`, `run` and `import --pipeline/--execution`: the `.pipe` file against
SageMaker, through boto3 (imported only by these commands).

Credentials, region and profile are found the usual way (`--region`, `--profile`,
`--endpoint-url` or `AWS_ENDPOINT_URL` for a test server), with botocore's standard retry
mode. Every AWS problem is one line: exit 2 for configuration (no credentials, no region, no
endpoint), 1 for refusals (access denied, throttling, a missing pipeline).
"""
from __future__ import annotations

import difflib
import json
import math
import os
import re
import sys
import time
from typing import Dict, List, Optional, Tuple

from dsl.diagnostics import did_you_mean, visible


def shown(value) -> str:
    """Text from AWS or from files (names, ARNs, reasons) as printed: control and
    bidirectional characters escaped, so that it cannot move the cursor or reorder a line."""
    return visible(str(value))


def shown_lines(text: str) -> str:
    """`shown` line by line, the line ends kept."""
    return "".join(visible(line) + "\n" for line in text.split("\n")[:-1]) + visible(text.split("\n")[-1])

DEFINITION_LIMIT = 100 * 1000  # bytes: larger definitions go through S3, as the SDK sends them
TERMINAL = {"Succeeded", "Failed", "Stopped"}


class AwsProblem(Exception):
    """One line for the user, and the exit status."""

    def __init__(self, message: str, status: int, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code  # AWS's error code, when AWS answered with one


EXTRA_HINT = "pip install 'pipedsl-sagemaker[aws]' (or, in a checkout, pip install '.[aws]')"


def client(args, service: str = "sagemaker"):
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ProfileNotFound
    except ImportError:
        raise AwsProblem(f"this command talks to AWS and needs boto3: {EXTRA_HINT}", 2) from None

    try:
        session = boto3.Session(profile_name=getattr(args, "profile", None),
                                region_name=getattr(args, "region", None) or None)
        if not session.region_name:  # unset, or set to "" (which boto3 would turn into a bad host name)
            raise AwsProblem("no AWS region: pass --region or set AWS_REGION (or a profile's region)", 2)
        endpoint = getattr(args, "endpoint_url", None) or os.environ.get("AWS_ENDPOINT_URL") or None
        return session.client(service, endpoint_url=endpoint, config=Config(retries={"mode": "standard"}))
    except ProfileNotFound as exc:
        raise AwsProblem(f"AWS profile not found: {exc}", 2) from None
    except BotoCoreError as exc:
        raise AwsProblem(_botocore_words(exc), 2) from None
    except ValueError as exc:  # e.g. an endpoint URL boto3 cannot use
        raise AwsProblem(f"AWS configuration: {exc}", 2) from None


def _botocore_words(exc) -> str:
    name = type(exc).__name__
    if name == "NoRegionError":
        return "no AWS region: pass --region or set AWS_REGION (or a profile's region)"
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return "no AWS credentials: configure them (aws configure, AWS_PROFILE, environment) or pass --profile"
    if name == "EndpointConnectionError":
        return f"cannot reach the AWS endpoint: {exc}"
    return f"AWS: {exc}"


def call(function, **kwargs):
    """A boto3 call whose errors become AwsProblem."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return function(**kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", str(exc))
        if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
            raise AwsProblem(f"access denied: {message}", 1) from None
        if code in ("Throttling", "ThrottlingException", "TooManyRequestsException"):
            raise AwsProblem(f"throttled by AWS (retried): {message}", 1) from None
        if code in ("ResourceNotFound", "ResourceNotFoundException", "404", "NoSuchKey", "NotFound", "NoSuchEntity",
                    "NoSuchBucket") or (
                code == "ValidationException" and any(words in message.lower() for words in (
                    "does not exist", "not found", "could not find"))):
            raise NotFound(message, code) from None
        raise AwsProblem(f"{code}: {message}", 1, code) from None
    except BotoCoreError as exc:
        raise AwsProblem(_botocore_words(exc), 2) from None


class NotFound(AwsProblem):
    def __init__(self, message: str, code: str = ""):
        super().__init__(message, 1, code)


# --- deployed state ------------------------------------------------------------------------

def deployed(sm, name: str) -> Optional[dict]:
    """`describe_pipeline` of `name`, or None when there is no such pipeline (AWS answers
    ResourceNotFound; some servers, moto among them, a ValidationException)."""
    try:
        return call(sm.describe_pipeline, PipelineName=name)
    except NotFound:
        return None


def deployed_json(text) -> object:
    """A definition read from AWS, parsed; AwsProblem (exit 1) when it is not JSON pipedsl
    can read: not text, not JSON, nested too deeply or holding a number of thousands of
    digits (Python refuses those) — never a traceback."""
    if not isinstance(text, str):
        raise AwsProblem("the deployed definition is not text", 1)
    try:
        return json.loads(text)
    except RecursionError:
        raise AwsProblem("the deployed definition nests too deeply to be read", 1) from None
    except ValueError as exc:  # JSONDecodeError, or an integer over Python's digit limit
        raise AwsProblem(f"the deployed definition is not JSON pipedsl can read: {shown(exc)}", 1) from None


def _indented(definition: str) -> str:
    try:
        return json.dumps(deployed_json(definition), indent=2, ensure_ascii=False) + "\n"
    except RecursionError:
        raise AwsProblem("the deployed definition nests too deeply to be shown", 1) from None


def definition_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    return "".join(difflib.unified_diff(_indented(old).splitlines(True), _indented(new).splitlines(True),
                                        old_name, new_name))


# --- deploy --------------------------------------------------------------------------------

def check_region(sm, program) -> None:
    """A `region` in the file must be the region the command talks to: images and code
    locations in the definition are regional."""
    target = sm.meta.region_name
    if program.region is not None and program.region != target:
        raise AwsProblem(f"the pipeline's `region` is {program.region}, and this command targets {target} "
                         "(images are regional): pass --region " + program.region, 2)


def package(args, program, streams, emit) -> Tuple[int, Optional[str]]:
    """`pipedsl package`: the local code uploaded as `deploy` uploads it (what it did said on
    standard error), then the emitter's output (`emit()`: the definition, or a template) for
    the caller to deliver; no pipeline is created or changed."""
    check_region(client(args), program)

    class _ToStderr:
        out = staticmethod(streams.err)

    upload_code(args, program, _ToStderr)
    if args.dry_run:
        return 0, None
    return 0, emit()


def upload_code(args, program, streams) -> None:
    """Put each local file the definition names (`code = "code/x.py"`) at its S3 URI, unless
    an object is already there (the URI holds the code's hash: same key, same code). Run in
    a `localcode.snapshot()`, the bytes put are those hashed when the file was checked."""
    try:
        uploads = program.uploads()
    except OSError as exc:  # a file changed (localcode.Changed) or vanished since it was checked
        raise AwsProblem(f"cannot upload {exc.filename}: {exc.strerror or exc}", 2) from None
    if not uploads:
        return
    s3 = client(args, "s3")
    for upload in uploads:
        bucket, _, key = upload.uri[len("s3://"):].partition("/")
        if not upload.overwrite:
            try:
                call(s3.head_object, Bucket=bucket, Key=key)
                streams.out(f"already uploaded {shown(upload.uri)}\n")
                continue
            except NotFound:
                pass
        if args.dry_run:
            streams.out(f"would upload {shown(upload.path)} to {shown(upload.uri)}\n")
            continue
        try:
            body = upload.body()
        except OSError as exc:
            raise AwsProblem(f"cannot read {upload.path}: {exc.strerror or exc}", 2) from None
        try:
            _put(s3, bucket, key, body, streams)
        except AwsProblem as problem:
            if problem.code == "NoSuchBucket":
                raise AwsProblem(f"bucket {bucket!r} does not exist: {program.source_file.filename} puts "
                                 f"{upload.path} there (its `default_bucket`); create the bucket or change it", 1,
                                 problem.code) from None
            raise
        streams.out(f"uploaded {shown(upload.path)} to {shown(upload.uri)}\n")


PROGRESS_FROM = 1 << 20  # bytes: smaller uploads finish before a progress line would help


def _put(s3, bucket: str, key: str, body: bytes, streams) -> None:
    """Put `body` at s3://bucket/key; on a terminal, a large body shows its bytes sent."""
    if len(body) < PROGRESS_FROM or not (sys.stdout and sys.stdout.isatty()):
        call(s3.put_object, Bucket=bucket, Key=key, Body=body)
        return
    import io

    sent = [0]

    def progress(count: int) -> None:
        sent[0] += count
        streams.out(f"\r  {sent[0]:,} / {len(body):,} bytes")

    from boto3.exceptions import S3UploadFailedError

    try:
        call(s3.upload_fileobj, Fileobj=io.BytesIO(body), Bucket=bucket, Key=key, Callback=progress)
    except S3UploadFailedError as exc:  # the transfer manager wraps the ClientError in its own
        streams.out("\n")
        code = "NoSuchBucket" if "NoSuchBucket" in str(exc) else ""
        raise AwsProblem(f"upload to s3://{bucket}/{key} failed: {exc}", 1, code) from None
    streams.out("\n")


def preflight(args, program, role: str, streams) -> bool:
    """What `deploy --dry-run` can check without writing: the buckets it would write to exist
    and answer, and the role exists. True when all is well; each finding is a line."""
    ok = True
    buckets = {u.uri[len("s3://"):].split("/", 1)[0] for u in program.uploads()}
    if program.default_bucket:
        buckets.add(program.default_bucket)
    if buckets:
        s3 = client(args, "s3")
    for bucket in sorted(buckets):
        try:
            call(s3.head_bucket, Bucket=bucket)
            streams.out(f"bucket {shown(bucket)}: exists (writing to it is not tried)\n")
        except NotFound:
            streams.out(f"bucket {shown(bucket)}: does not exist ({shown(program.source_file.filename)}'s "
                        "`default_bucket`, where local code and large definitions go)\n")
            ok = False
        except AwsProblem as problem:
            streams.out(f"bucket {shown(bucket)}: cannot be checked ({shown(problem)})\n")
    name = role.rsplit("/", 1)[-1]
    try:
        call(client(args, "iam").get_role, RoleName=name)
        streams.out(f"role {shown(role)}: exists\n")
    except NotFound:
        streams.out(f"role {shown(role)}: does not exist\n")
        ok = False
    except AwsProblem as problem:
        streams.out(f"role {shown(role)}: cannot be checked ({shown(problem)})\n")
    return ok


def deploy(args, program, definition: str, streams, confirm) -> int:
    sm = client(args)
    check_region(sm, program)
    name = program.name
    role = args.role or program.role
    if not role:
        raise AwsProblem("no role: pass --role ARN or set `role = \"arn:...\"` in the pipeline", 2)
    description = args.description if args.description is not None else program.description
    current = deployed(sm, name)
    wanted = {"definition": json.loads(definition), "role": role, "description": description or None,
              "parallelism": args.parallelism}
    request = {"PipelineName": name, "RoleArn": role}
    if description:
        request["PipelineDescription"] = description
    if args.parallelism is not None:
        request["ParallelismConfiguration"] = {"MaxParallelExecutionSteps": args.parallelism}
    if len(definition.encode("utf-8")) > DEFINITION_LIMIT:
        bucket = program.default_bucket
        if not bucket:
            raise AwsProblem("the definition is over 100 KB and goes through S3: set `default_bucket`", 2)
        key = f"{name}/definition.json"
        request["PipelineDefinitionS3Location"] = {"Bucket": bucket, "ObjectKey": key}
        upload = (bucket, key)
    else:
        request["PipelineDefinition"] = definition
        upload = None
    if current is None:
        upload_code(args, program, streams)
        if args.dry_run:
            ready = preflight(args, program, role, streams)
            streams.out(f"would create {shown(name)}\n")
            for schedule in program.pipeline.schedules:
                streams.out(f"would create schedule {shown(schedule.name or name)}\n")
            return 0 if ready else 1
        _upload(args, upload, definition)
        tags = [{"Key": k, "Value": v} for k, v in args.tag]
        response = call(sm.create_pipeline, **request, **({"Tags": tags} if tags else {}))
        streams.out(f"created {shown(response['PipelineArn'])}\n")
        schedules = _schedule_changes(args, program, role, response["PipelineArn"])
        if schedules is not None:
            _apply_schedules(schedules, streams)
        return 0
    have = {"definition": deployed_json(current.get("PipelineDefinition") or "{}"), "role": current.get("RoleArn"),
            "description": current.get("PipelineDescription") or None,
            "parallelism": (current.get("ParallelismConfiguration") or {}).get("MaxParallelExecutionSteps")}
    if args.parallelism is None:
        have["parallelism"] = None
    changes = [key for key in wanted if wanted[key] != have[key]]
    arn = current["PipelineArn"]
    schedules = _schedule_changes(args, program, role, arn)
    if schedules is not None and schedules[2]:
        changes.append("schedules")
    if not changes:
        upload_code(args, program, streams)  # (the code may have been removed from S3 since)
        streams.out(f"unchanged {shown(arn)}\n")
        return 0
    summary = [f"{name}: {', '.join(changes)} would change"]
    if "definition" in changes:
        from dsl.aws.plan import plan

        summary += plan(have["definition"], wanted["definition"], program)
    if "schedules" in changes:
        from dsl.aws.schedules import plan_lines

        summary += plan_lines(schedules[2])
    streams.out(shown_lines("\n".join(summary) + "\n"))
    if args.dry_run:
        upload_code(args, program, streams)
        ready = preflight(args, program, role, streams)
        streams.out(f"would update {shown(arn)}\n")
        return 0 if ready else 1
    if not args.yes:
        answer = confirm(f"Update {name}? [y/N] ")
        if answer is None:
            streams.out("not updated: there is no terminal to ask on; pass --yes to update without asking\n")
            return 1
        if not answer:
            streams.out("not updated\n")
            return 1
    upload_code(args, program, streams)
    _upload(args, upload, definition)
    if any(key != "schedules" for key in changes):
        response = call(sm.update_pipeline, **request)
        streams.out(f"updated {shown(response.get('PipelineArn', arn))}\n")
    if schedules is not None:
        _apply_schedules(schedules, streams)
    return 0


def _schedule_changes(args, program, role: str, arn: str):
    """(scheduler client, requests, changes) for the file's `schedule` members against what
    starts `arn` (dsl.aws.schedules); None when the file declares none and the schedules
    cannot be read (a role without EventBridge Scheduler rights, for a pipeline that never
    had pipedsl schedules)."""
    from dsl.aws import schedules

    try:
        scheduler = schedules.scheduler_client(args)
        wanted = schedules.requests(program, role, arn)
        return scheduler, wanted, schedules.plan(wanted, schedules.deployed(scheduler, arn))
    except AwsProblem:
        if program.pipeline.schedules:
            raise
        return None


def _apply_schedules(found, streams) -> None:
    from dsl.aws.schedules import apply

    scheduler, wanted, changes = found
    apply(scheduler, wanted, changes, streams)


def _upload(args, upload, definition: str):
    if upload is None:
        return
    s3 = client(args, "s3")
    call(s3.put_object, Bucket=upload[0], Key=upload[1], Body=definition.encode("utf-8"))


# --- diff ----------------------------------------------------------------------------------

def diff(args, program, definition: str, streams) -> int:
    """The plan (dsl.aws.plan) of what deploying the file would change; with --json the unified
    diff of the two definitions after it. 0 same, 1 different (nothing deployed included)."""
    from dsl.aws.plan import plan

    sm = client(args)
    check_region(sm, program)
    if args.execution:
        other = call(sm.describe_pipeline_definition_for_execution, PipelineExecutionArn=args.execution)
        label = args.execution
    else:
        other = deployed(sm, program.name)
        label = f"deployed {program.name}"
    wanted = json.loads(definition)
    if other is None:
        first, *rest = plan(None, wanted, program)
        streams.out(shown_lines("\n".join([f"{program.name}: {first}"] + rest) + "\n"))
        return 1
    lines = plan(deployed_json(other.get("PipelineDefinition") or "{}"), wanted, program)
    if not args.execution and other.get("PipelineArn"):
        schedules = _schedule_changes(args, program, program.role or other.get("RoleArn") or "", other["PipelineArn"])
        if schedules is not None and schedules[2]:
            from dsl.aws.schedules import plan_lines

            lines = (lines or ["definition unchanged"]) + plan_lines(schedules[2])
    if not lines:
        streams.out("No changes.\n")
        return 0
    streams.out(shown_lines(f"{program.name}: " + "\n".join(lines) + "\n"))
    if args.json:
        streams.out("\n" + shown_lines(definition_diff(other.get("PipelineDefinition") or "{}", definition, label,
                                                        "file")))
    return 1


# --- run -----------------------------------------------------------------------------------

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)
_FLOAT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?", re.ASCII)


def _parameter_value_ok(kind: str, value: str) -> bool:
    """What a parameter of `kind` takes as text: numbers as the definition writes them
    (JSON's form: no `nan`, `inf`, `1_000`, spaces or other scripts' digits), 64-bit
    whole numbers, finite floats; `true`/`false` in any case."""
    if kind == "Integer":
        return bool(_INTEGER.fullmatch(value)) and -2**63 <= int(value) < 2**63
    if kind == "Float":
        return bool(_FLOAT.fullmatch(value)) and math.isfinite(float(value))
    if kind == "Boolean":
        return value.lower() in ("true", "false")
    return True


def parameters(program, given: List[Tuple[str, str]]) -> Dict[str, str]:
    """The `--param K=V` values checked against the file's parameters (names, types, enum
    values), as SageMaker takes them (strings); AwsProblem (exit 2) before any call."""
    declared = program.params
    out = {}
    for key, value in given:
        param = declared.get(key)
        if param is None:
            hint = did_you_mean(key, declared)
            raise AwsProblem(f"unknown parameter {key!r}" + (f"; {hint}" if hint else
                             f" (parameters: {', '.join(declared) or 'none'})"), 2)
        kind = param.type
        if not _parameter_value_ok(kind, value):
            raise AwsProblem(f"parameter {key!r} is {kind}, and {shown(repr(value))} is not one"
                             + (" (a 64-bit whole number, ASCII digits)" if kind == "Integer" else
                                " (a finite number like 0.5 or 1e-3, ASCII digits)" if kind == "Float" else ""), 2)
        enum = program.literal(param.enum) if param.enum is not None else None
        if enum and value not in enum:
            hint = did_you_mean(value, enum)
            raise AwsProblem(f"parameter {key!r} takes one of {', '.join(map(repr, enum))}, not {value!r}"
                             + (f"; {hint}" if hint else ""), 2)
        out[key] = value.lower() if kind == "Boolean" else value
    return out


def run(args, program, definition: str, streams, confirm) -> int:
    values = parameters(program, args.param)
    selected = selected_steps(program, getattr(args, "only", []) or [], getattr(args, "from_step", None))
    if getattr(args, "reuse", None) and selected is None:
        raise AwsProblem("--reuse names the execution whose outputs a selective execution reuses: "
                         "give --only or --from too", 2)
    sm = client(args)
    check_region(sm, program)
    current = deployed(sm, program.name)
    if current is None:
        raise AwsProblem(f"no pipeline {program.name!r} is deployed: run `pipedsl deploy` first", 1)
    if deployed_json(current.get("PipelineDefinition") or "{}") != json.loads(definition) and not args.allow_drift:
        raise AwsProblem(f"the deployed {program.name!r} differs from the file: deploy it, see `pipedsl diff`, "
                         "or pass --allow-drift", 1)
    request: Dict[str, object] = {"PipelineName": program.name,
                                  "PipelineParameters": [{"Name": k, "Value": v} for k, v in values.items()]}
    source = ""
    if selected is not None:
        source = reused_execution(sm, program, getattr(args, "reuse", None), current["PipelineArn"])
        request["SelectiveExecutionConfig"] = {"SourcePipelineExecutionArn": source,
                                               "SelectedSteps": [{"StepName": name} for name in selected]}
    response = call(sm.start_pipeline_execution, **request)
    arn = response["PipelineExecutionArn"]
    streams.out(f"started {shown(arn)}\n")
    if selected is not None:
        streams.out(f"selective: {shown(', '.join(selected))}; the other steps' outputs come from "
                    f"{shown(source)}\n")
    url = studio_url(sm, arn, getattr(args, "studio_domain", None))
    if url:
        streams.out(f"console: {shown(url)}\n")
    experiment, run_group = recorded_in(program, arn, values)
    if experiment is None:
        streams.out("experiment tracking: off\n")
    else:
        streams.out(f"experiment: {shown(experiment)}\nrun group: {shown(run_group)}\n")
    if not args.wait:
        return 0
    live = bool(sys.stdout and sys.stdout.isatty())
    return wait(sm, arn, streams, args.timeout, confirm, live=live)


def selected_steps(program, only: List[str], from_step: Optional[str]) -> Optional[List[str]]:
    """The definition names of the steps a selective execution runs (`--only`, `--from`: that
    step and every step after it in the step graph), in the definition's order; None when
    neither is given. Unknown names are an error before any call."""
    from dsl.diagnostics import did_you_mean

    names = [name.strip() for item in only for name in item.split(",") if name.strip()]
    if from_step is not None:
        names.append(from_step)
    if not names:
        return None
    for name in names:
        if name not in program.steps:
            hint = did_you_mean(name, program.steps)
            raise AwsProblem(f"{program.source_file.filename} has no step {name!r}" + (f" ({hint})" if hint else ""), 2)
    chosen = set(names)
    if from_step is not None:
        after: Dict[str, List[str]] = {}
        for step, upstream in program.before().items():
            for name in upstream:
                after.setdefault(name, []).append(step)
        stack = [from_step]
        while stack:
            for name in after.get(stack.pop(), []):
                if name not in chosen:
                    chosen.add(name)
                    stack.append(name)
    out: List[str] = []
    for step in program.pipeline.steps:
        if step.name in chosen and program.steps.get(step.name) is step:
            out += program.kind_of(step).json_names_written(step, program)
    return out


def reused_execution(sm, program, given: Optional[str], pipeline_arn: str) -> str:
    """The ARN of the execution a selective execution reuses: `--reuse` (an ARN, or an
    execution ID of this pipeline), else the latest execution that is not running."""
    if given:
        if given.startswith("arn:"):
            return given
        if not re.fullmatch(r"[a-z0-9]{1,64}", given):
            raise AwsProblem(f"--reuse {given!r} is neither an execution ARN nor an execution ID", 2)
        return f"{pipeline_arn}/execution/{given}"
    summaries = call(sm.list_pipeline_executions, PipelineName=program.name, SortBy="CreationTime",
                     SortOrder="Descending").get("PipelineExecutionSummaries", [])
    for summary in summaries:
        if summary.get("PipelineExecutionStatus") not in ("Executing", "Stopping"):
            return summary["PipelineExecutionArn"]
    raise AwsProblem(f"no finished execution of {program.name!r} to reuse: run it whole once, or pass --reuse", 1)


def studio_url(sm, arn: str, domain: Optional[str] = None) -> Optional[str]:
    """Where SageMaker Studio shows the execution: its graph page in the Studio domain given,
    or in the account's only domain (ListDomains); None when there is no one domain to name
    (Studio's Pipelines page still lists the execution)."""
    match = re.fullmatch(r"arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):\d{12}:pipeline/([^/]+)/execution/([^/]+)", arn)
    if match is None:
        return None
    if domain is None:
        try:
            domains = call(sm.list_domains).get("Domains", [])
        except AwsProblem:  # no permission for ListDomains: no link, the run goes on
            return None
        if len(domains) != 1:
            return None
        domain = domains[0].get("DomainId")
    if not isinstance(domain, str) or not re.fullmatch(r"d-[a-z0-9]+", domain):
        return None
    region, pipeline, execution = match.groups()
    return (f"https://studio-{domain}.studio.{region}.sagemaker.aws/pipelines/view/{pipeline}/executions/"
            f"{execution}/graph")


def recorded_in(program, arn: str, values: Dict[str, str]) -> Tuple[Optional[str], Optional[str]]:
    """The experiment and run group (trial) an execution is recorded in: the pipeline's
    experiment settings with the real pipeline name, execution ID and parameter values."""
    exp = program.pipeline.experiment
    if exp is not None and exp.none:
        return None, None
    execution_id = arn.rsplit("/", 1)[-1]
    known = {"Execution.PipelineName": program.name, "Execution.PipelineExecutionId": execution_id,
             "Execution.PipelineExecutionArn": arn}
    for param in program.pipeline.params:
        default = program.literal(param.default) if param.default is not None else None
        known[f"Parameters.{param.name}"] = values.get(param.name, "" if default is None else str(default))
    from dsl.semantics.evaluate import JsonContext

    config = JsonContext(program).experiment()

    def resolve(value) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and "Get" in value:
            return known.get(value["Get"], f"<{value['Get']}>")
        if isinstance(value, dict) and "Std:Join" in value:
            join = value["Std:Join"]
            return str(join.get("On", "")).join(resolve(v) for v in join.get("Values", []))
        return json.dumps(value)

    return resolve(config["ExperimentName"]), resolve(config["TrialName"])


def _clock() -> str:
    return time.strftime("%H:%M:%S")


def wait(sm, arn: str, streams, timeout: Optional[float], confirm, poll: float = 5.0, live: bool = False,
         clock=_clock) -> int:
    """Follow an execution to its end: on a terminal (`live`) a table of the steps redrawn in
    place, otherwise a plain line each time a step changes; 0 on Succeeded, 1 on
    Failed/Stopped (with the failed steps' reasons) or time out. Ctrl-C asks whether to stop
    the execution."""
    seen: dict = {}
    start, drawn = time.monotonic(), 0
    while True:
        try:
            status = call(sm.describe_pipeline_execution, PipelineExecutionArn=arn)
            steps = _steps(sm, arn)
            state = status.get("PipelineExecutionStatus")
            if live:
                rows = [f"{shown(state or '?')}  {time.monotonic() - start:5.0f} s"] + [
                    f"  {shown(step.get('StepName', '?')):<40} {shown(step.get('StepStatus', '?'))}" for step in steps]
                streams.out((f"\x1b[{drawn}F" if drawn else "") + "".join(f"\x1b[2K{row}\n" for row in rows))
                drawn = len(rows)
            else:
                for step in steps:
                    name, step_state = step.get("StepName"), step.get("StepStatus")
                    if seen.get(name) != step_state:
                        seen[name] = step_state
                        streams.out(f"{clock()}  {shown(name)}: {shown(step_state)}\n")
            if state in TERMINAL:
                streams.out(f"{clock()}  {shown(state)} {shown(arn)}\n")
                if state == "Succeeded":
                    return 0
                for step in steps:
                    if step.get("StepStatus") in ("Failed", "Stopped") and step.get("FailureReason"):
                        streams.out(f"  {shown(step.get('StepName'))} failed: {shown(step['FailureReason'])}\n")
                if status.get("FailureReason"):
                    streams.out(f"  reason: {shown(status['FailureReason'])}\n")
                return 1
            if timeout is not None and time.monotonic() - start > timeout:
                streams.out(f"{clock()}  timed out after {timeout:g} s; the execution goes on: {shown(arn)}\n")
                return 1
            time.sleep(poll)
        except KeyboardInterrupt:
            if confirm("Stop the execution? [y/N] "):
                call(sm.stop_pipeline_execution, PipelineExecutionArn=arn)
                streams.out(f"stopping {shown(arn)}\n")
            return 130


def _steps(sm, arn: str) -> list:
    """The execution's steps, oldest first; [] where the server does not list them."""
    try:
        return list(reversed(call(sm.list_pipeline_execution_steps, PipelineExecutionArn=arn,
                                  SortOrder="Descending").get("PipelineExecutionSteps", [])))
    except AwsProblem:
        return []
    except Exception:  # noqa: BLE001 - a server without the operation (moto): no progress lines
        return []


# --- import --------------------------------------------------------------------------------

def fetch_definition(args) -> Tuple[str, str]:
    """(definition text, pipeline name) of `--pipeline NAME` or `--execution ARN`."""
    sm = client(args)
    if args.pipeline:
        found = deployed(sm, args.pipeline)
        if found is None:
            raise AwsProblem(f"no pipeline {args.pipeline!r}", 1)
        name = args.pipeline
    else:
        found = call(sm.describe_pipeline_definition_for_execution, PipelineExecutionArn=args.execution)
        name = args.execution.split(":pipeline/", 1)[-1].split("/", 1)[0] if ":pipeline/" in args.execution else None
    if not isinstance(found.get("PipelineDefinition"), str):
        raise AwsProblem("the deployed pipeline has no definition text (one kept in S3 is not read)", 1)
    return found["PipelineDefinition"], name


def interactive_confirm(question: str) -> Optional[bool]:
    """Ask on a terminal; None when there is none to ask on (CI, a pipe)."""
    if not (sys.stdin and sys.stdin.isatty() and sys.stderr and sys.stderr.isatty()):
        return None
    sys.stderr.write(question)
    sys.stderr.flush()
    try:
        return sys.stdin.readline().strip().lower() in ("y", "yes")
    except (OSError, KeyboardInterrupt):
        return False
