"""What `deploy` uploads for a `.pipe` file, made in the SDK v3 virtualenv: the v3 side of the
function-step upload test (`tests/test_sdk_v3.py`). SDK v3 function steps are serialized and
signed by SDK v3's own serializer (the `functions3` extra), which cannot share pipedsl's test
environment with SDK v2; this script runs pipedsl there (`conftest.pipedsl_beside_sdk3` puts
the source tree on the path) and checks each signed payload as the job does.

    python sdk3_uploads.py CASE.pipe    # JSON: {s3 URI: base64 body}, and each check made

Nothing here talks to AWS: `program.uploads()` only makes the bodies (and every endpoint is a
closed local port, as in `sdk3_runner.py`).
"""
import base64
import json
import sys


def main() -> None:
    import os

    from sdk3_runner import OFFLINE

    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    # offline as the runner is, but with no region: deploy gives SDK v3 the pipeline's
    os.environ.update({k: v for k, v in OFFLINE.items() if k != "AWS_DEFAULT_REGION"})
    from dsl.plugins.kinds._signing_key import public_key_pem

    import dsl

    path = sys.argv[1]
    with open(path, encoding="utf-8") as handle:
        program, diagnostics = dsl.analyse(handle.read(), path)
    assert program is not None, diagnostics
    bodies = {upload.uri: upload.body() for upload in program.uploads()}
    from sagemaker.core.remote_function.core import serialization  # (imported by deploy, with the region)

    verified = []
    for uri, body in bodies.items():
        if uri.endswith("/metadata.json"):
            # the job's check: the payload's signature against the definition's public key
            step = uri.split("/")[-4]
            kind = program.kind_of(program.steps[step])
            metadata = serialization._MetaData.from_json(body)
            payload = bodies[uri[:-len("metadata.json")] + "payload.pkl"]
            serialization._verify_asymmetric_signature(metadata, payload,
                                                       public_key_pem(kind.signing_key(program.steps[step], program)))
            verified.append(uri)
    json.dump({"uploads": {uri: base64.b64encode(body).decode("ascii") for uri, body in bodies.items()},
               "verified": verified}, sys.stdout)


if __name__ == "__main__":
    main()
