"""Generate plugins/kinds/base_python_images.json: the registry account of the SageMaker
base-python image in each region, as SDK v2's `image_uris.get_base_python_image_uri` reads
them (what a function step runs when it names no `image_uri`).

    python tools/gen_base_python_images.py > plugins/kinds/base_python_images.json
"""
import contextlib
import json
import os
import sys

with contextlib.redirect_stdout(sys.stderr):  # the SDK logs `sagemaker.config INFO` lines to stdout
    import sagemaker

CONFIG = os.path.join(os.path.dirname(sagemaker.__file__), "image_uri_config", "sagemaker-base-python.json")


def main() -> None:
    with open(CONFIG, encoding="utf-8") as handle:
        config = json.load(handle)
    version = config["versions"]["1.0"]
    table = {"sdk": sagemaker.__version__, "repository": version["repository"], "tag": "1.0",
             "registries": dict(sorted(version["registries"].items()))}
    print(json.dumps(table, indent=1, sort_keys=False))


if __name__ == "__main__":
    main()
