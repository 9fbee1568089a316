"""Runs SageMaker SDK v3 programs offline and prints the pipeline definition: the v3 side of
the v3 parity tests (`tests/test_sdk_v3.py`). It runs in the cached SDK v3 virtualenv
(`conftest.sdk3_python`), never in pipedsl's: SDK v3 cannot share an environment with v2.

    python sdk3_runner.py PROGRAM.py [NAME]    # the module-level `pipeline`'s definition()

Offline as the shared oracle runs v3: fake credentials, a region (v3 needs one to import),
no config files, no role check, no default-bucket check, uploads of local code answered, and
any other AWS request refused (a program that needs the
network fails instead of reaching it).
"""
import json
import os
import runpy
import sys

OFFLINE = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_MAX_ATTEMPTS": "1", "SAGEMAKER_VALIDATE_ROLE": "false",
    "SAGEMAKER_ADMIN_CONFIG_OVERRIDE": os.devnull, "SAGEMAKER_USER_CONFIG_OVERRIDE": os.devnull,
    # every AWS endpoint is a closed local port: nothing leaves the machine
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
}


UPLOADS: dict = {}  # s3:// URI -> the uploaded bytes, base64


def answer_uploads() -> None:
    """S3 uploads (PUT) and object checks (HEAD) of local code are answered here, with 200, as
    the oracle answers them: the SDK computes its keys itself. Any other request still goes to
    the closed port and fails."""
    import base64
    from urllib.parse import unquote, urlsplit

    import botocore.httpsession
    from botocore.awsrequest import AWSResponse
    from sdk_runner import _unchunk  # (the v2 runner's; its module imports no SDK)

    class Empty:
        def stream(self, *a, **k):
            return iter(())

        def read(self, *a, **k):
            return b""

    original = botocore.httpsession.URLLib3Session.send

    def send(self, request):
        if request.method == "PUT":  # (kept: PIPEDSL_SDK3_UPLOADS names a file to write them to)
            body = request.body or b""
            body = body.read() if hasattr(body, "read") else body
            body = body.encode() if isinstance(body, str) else body
            if "aws-chunked" in str(request.headers.get("Content-Encoding", "")):
                body = _unchunk(body)
            path = unquote(urlsplit(request.url).path).lstrip("/")  # (path-style: the endpoint is local)
            UPLOADS[f"s3://{path}"] = base64.b64encode(body).decode("ascii")
        if request.method in ("PUT", "HEAD"):
            return AWSResponse(request.url, 200, {"ETag": '"00000000000000000000000000000000"',
                                                  "Content-Length": "0"}, Empty())
        return original(self, request)

    botocore.httpsession.URLLib3Session.send = send


def pin_notebook_jobs() -> None:
    """NotebookJobStep's two names from the clock, pinned as the v2 runner pins them (the
    parity cases' `build_time`)."""
    import sagemaker.mlops.workflow.notebook_job_step as notebook
    from sdk_runner import PINNED_BUILD_TIME

    notebook.name_from_base = lambda base: f"{base}-{PINNED_BUILD_TIME}"


def pin_function_steps() -> None:
    """What `@step` takes from the clock and from chance, pinned as the v2 runner pins the clock:
    the build time (the parity cases' `build_time`) and the key that signs the payloads (the
    private key in the file `$PIPEDSL_SDK3_SIGNING_KEY`, the cases' `signing_key`; the SDK makes
    a new one for every definition)."""
    import types

    import sagemaker.mlops.workflow._steps_compiler as compiler
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from sdk_runner import PINNED_BUILD_TIME

    compiler.sagemaker_timestamp = lambda: PINNED_BUILD_TIME
    key_file = os.environ.get("PIPEDSL_SDK3_SIGNING_KEY")
    if key_file:
        def generate_private_key(curve):
            with open(key_file, "rb") as pem:
                return load_pem_private_key(pem.read(), password=None)
        compiler.ec = types.SimpleNamespace(**{**vars(compiler.ec), "generate_private_key": generate_private_key})


def pin_trainer_clock() -> None:
    """ModelTrainer's job names (`BASE-%Y%m%d%H%M%S`, sagemaker.train.utils._get_unique_name),
    pinned to the parity cases' `build_time`: a model repack job's channels are uploaded
    under its name (the cases' `build_time` on such a model is that time)."""
    import datetime

    import sagemaker.train.utils as utils
    from sdk_runner import PINNED_BUILD_TIME

    pinned = datetime.datetime.strptime(PINNED_BUILD_TIME[:19], "%Y-%m-%d-%H-%M-%S")

    class Pinned(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return pinned

    utils.datetime = Pinned


def main() -> None:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(OFFLINE)
    path = os.path.abspath(sys.argv[1])
    os.chdir(os.path.dirname(path))
    sys.path.insert(0, os.path.dirname(path))
    answer_uploads()
    pin_notebook_jobs()
    pin_function_steps()
    pin_trainer_clock()
    # a default S3 path makes the SDK check (or create) the default bucket: the offline recipe
    # of the shared oracle (../shared/oracle/README.md) turns that call into a no-op
    from sagemaker.core.helper.session_helper import Session

    Session._create_s3_bucket_if_it_does_not_exist = lambda self, bucket_name, region: None
    stdout = sys.stdout
    sys.stdout = sys.stderr  # (what the SDK prints is not the definition)
    namespace = runpy.run_path(path, run_name="__sdk3__")
    sys.stdout = stdout
    pipeline = namespace[sys.argv[2] if len(sys.argv) > 2 else "pipeline"]
    print(json.dumps(json.loads(pipeline.definition())))
    if os.environ.get("PIPEDSL_SDK3_UPLOADS"):
        with open(os.environ["PIPEDSL_SDK3_UPLOADS"], "w") as out:
            json.dump(UPLOADS, out)


if __name__ == "__main__":
    main()
