"""Run SageMaker SDK v2 programs offline and return `pipeline.definition()`.

The test suite starts this file once per session as a subprocess (`--serve`), so the
~1.5 s `import sagemaker` is paid once, and the offline patches below never touch the
pytest process. Protocol: one JSON request per line on stdin, `{"path": ...}` or
`{"code": ..., "name": ...}`; one JSON reply per line on stdout,
`{"ok": true, "definition": "<the SDK's string>"}` or `{"ok": false, "error": "..."}`.

Offline recipe (everything before `import sagemaker`): fake credentials and region, no
AWS config files, the SDK's admin/user config pointed at an empty file (a config could add
tags, VPC or KMS defaults), telemetry senders no-op'd, `default_bucket()`'s bucket check
no-op'd, STS answered locally, and every other socket connection refused at once.
"""
import io
import json
import os
import runpy
import sys
import traceback

FAKE_ACCOUNT = "123456789012"


def setup_offline(region="us-east-1"):
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "AKIAPIPEDSLTESTKEY00",
            "AWS_SECRET_ACCESS_KEY": "pipedsl-fake-secret",
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "SAGEMAKER_ADMIN_CONFIG_OVERRIDE": os.devnull,
            "SAGEMAKER_USER_CONFIG_OVERRIDE": os.devnull,
            "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
        }
    )

    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled by tests/sdk_runner.py")

    socket.getaddrinfo = refuse
    socket.create_connection = refuse
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse

    import botocore.httpsession
    from botocore.awsrequest import AWSResponse

    sts_body = (
        "<GetCallerIdentityResponse><GetCallerIdentityResult>"
        f"<Arn>arn:aws:iam::{FAKE_ACCOUNT}:user/t</Arn><UserId>U</UserId>"
        f"<Account>{FAKE_ACCOUNT}</Account></GetCallerIdentityResult>"
        "</GetCallerIdentityResponse>"
    ).encode()

    class Raw:
        def __init__(self, body):
            self.body = body

        def stream(self, *a, **k):
            if self.body:
                yield self.body

        def read(self, *a, **k):
            body, self.body = self.body, b""
            return body

    def send(self, request):
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        if b"GetCallerIdentity" in body:
            return AWSResponse(request.url, 200, {"Content-Type": "text/xml"}, Raw(sts_body))
        from urllib.parse import urlsplit

        host = urlsplit(request.url).hostname or ""
        if (host.startswith("s3.") or ".s3." in host or ".s3-" in host) and request.method in ("PUT", "HEAD", "POST"):
            # uploads of local code: the SDK computes its S3 keys itself, the upload is answered here
            # and kept (as s3:// URI -> bytes) for the tests that compare what deploy uploads
            if request.method == "PUT":
                chunked = "aws-chunked" in str(request.headers.get("Content-Encoding", ""))
                UPLOADS[s3_uri(request.url)] = _unchunk(body) if chunked else body
            return AWSResponse(request.url, 200, {"ETag": '"00000000000000000000000000000000"',
                                                  "Content-Length": "0"}, Raw(b""))
        err = b"<ErrorResponse><Error><Code>Offline</Code><Message>offline</Message></Error></ErrorResponse>"
        return AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, Raw(err))

    botocore.httpsession.URLLib3Session.send = send

    import sagemaker.session
    import sagemaker.telemetry.telemetry_logging as telemetry

    telemetry._send_telemetry_request = lambda *a, **k: None
    telemetry._requests_helper = lambda *a, **k: None
    sagemaker.session.Session._create_s3_bucket_if_it_does_not_exist = lambda *a, **k: None
    # Import what the programs use up front, so each request only builds its pipeline.
    import sagemaker.workflow.pipeline  # noqa: F401

    pin_function_steps()
    pin_notebook_jobs()


# What the SDK's `@step` takes from the clock and from chance, pinned as pipedsl's `function`
# kind documents it: the build time (`build_time` of the parity cases) and the generated
# requirements file's name (pipedsl derives it from the pipeline and step names).
PINNED_BUILD_TIME = "2025-11-26-12-00-00-123"


def pin_function_steps():
    import tempfile

    import sagemaker.workflow._steps_compiler as compiler
    from dsl.plugins.kinds.function import requirements_file_name
    from sagemaker.workflow.utilities import load_step_compilation_context

    compiler.sagemaker_timestamp = lambda: PINNED_BUILD_TIME
    real_mkstemp = tempfile.mkstemp

    def mkstemp(suffix=None, prefix=None, dir=None, text=False):
        context = load_step_compilation_context()
        if prefix == "sagemaker_requirements_" and context is not None:
            path = os.path.join(tempfile.mkdtemp(), requirements_file_name(context.pipeline_name, context.step_name))
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), path
        return real_mkstemp(suffix, prefix, dir, text)

    tempfile.mkstemp = mkstemp


def pin_notebook_jobs():
    """NotebookJobStep's two names from the clock (a derived notebook job name and the staged
    input folder, `input-TIME`), pinned to the parity cases' `build_time`, as pipedsl's
    `notebook_job` kind documents it."""
    import sagemaker.workflow.notebook_job_step as notebook

    notebook.name_from_base = lambda base: f"{base}-{PINNED_BUILD_TIME}"


UPLOADS = {}


def s3_uri(url: str) -> str:
    """`s3://bucket/key` of a virtual-hosted or path-style S3 request URL."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    path = unquote(parts.path).lstrip("/")
    if parts.hostname.startswith("s3."):
        return f"s3://{path}"
    return f"s3://{parts.hostname.split('.s3')[0]}/{path}"


def definition_of(request):
    # a program runs in its own folder (or `cwd`), so that local code paths resolve beside it,
    # and imports its own modules from there (`@step` functions), as `python sdk.py` would
    before = os.getcwd()
    folder = request.get("cwd") or (os.path.dirname(request["path"]) if "path" in request else before)
    os.chdir(folder)
    sys.path.insert(0, folder)
    try:
        if "path" in request:
            ns = runpy.run_path(request["path"], run_name="__sdk_runner__")
        else:
            ns = {"__name__": "__sdk_runner__"}
            exec(compile(request["code"], request.get("name", "<generated>"), "exec"), ns)
        return ns["pipeline"].definition()
    finally:
        os.chdir(before)
        sys.path.remove(folder)
        # the next program may have a module of the same name in its own folder
        for name, module in list(sys.modules.items()):
            if os.path.abspath(getattr(module, "__file__", None) or "/").startswith(os.path.abspath(folder) + os.sep):
                del sys.modules[name]


def _unchunk(body: bytes) -> bytes:
    """The payload of an `aws-chunked` body: `SIZE-HEX[;ext]\\r\\n DATA \\r\\n` … `0\\r\\n trailers`."""
    out, at = b"", 0
    while True:
        end = body.index(b"\r\n", at)
        size = int(body[at:end].split(b";")[0], 16)
        if size == 0:
            return out
        out += body[end + 2: end + 2 + size]
        at = end + 2 + size + 2


def _upload_text(body: bytes) -> str:
    import hashlib

    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return "sha256:" + hashlib.sha256(body).hexdigest()


def serve():
    out = sys.stdout
    sys.stdout = sys.stderr  # the SDK logs `sagemaker.config INFO` lines to stdout
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    setup_offline()
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        captured = io.StringIO()
        sys.stdout = captured  # a program's own prints must not break the protocol
        UPLOADS.clear()
        try:
            reply = {"ok": True, "definition": definition_of(request)}
            # what the program uploaded: text as is, anything else by its sha256
            reply["uploads"] = {uri: _upload_text(body) for uri, body in UPLOADS.items()}
            if request.get("raw_uploads"):  # every body, base64 (zip archives are compared by member)
                import base64

                reply["raw_uploads"] = {uri: base64.b64encode(body).decode("ascii") for uri, body in UPLOADS.items()}
        except BaseException:  # noqa: BLE001 - report anything the program raised
            reply = {"ok": False, "error": traceback.format_exc()}
        finally:
            sys.stdout = sys.stderr
        reply["stdout"] = captured.getvalue()
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        sys.stdout, real = sys.stderr, sys.stdout
        setup_offline()
        for path in sys.argv[1:]:
            real.write(definition_of({"path": os.path.abspath(path)}) + "\n")
