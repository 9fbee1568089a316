"""Generate plugins/kinds/repack_v3.json: what SDK v3's model repack step runs and uploads.

With SDK v3 (3.27.0), a `model` step with `entry_point` and `source_dir` over a model another
step makes is repacked first, as `ModelStep` does it: `_RepackModelStep` is a ModelTrainer in
source-code mode on the SKLearn image. Its `code` channel holds the source folder with the
SDK's `_repack_model.py` and `_repack_script_launcher.sh` added; its `sm_drivers` channel holds
the SDK's container drivers, the `sm_train.sh` the trainer writes for them, `sourcecode.json`
and `distributed.json`. The table keeps those texts (the drivers' Python sources, not the
`__pycache__` files the SDK's own install happens to hold; sagemaker-core's
`install_requirements.py` is kept once, in `_sdk_v3_files`, which `--check` compares too) and
the job's settings;
plugins/kinds/_repack_v3.py reads it, and `deploy` uploads from it without SDK v3.

Run it with SDK v3's Python (it cannot share an environment with v2):

    ~/.cache/pipedsl-tests/sdk-v3-*/bin/python tools/gen_repack_v3.py          # rewrite the table
    ~/.cache/pipedsl-tests/sdk-v3-*/bin/python tools/gen_repack_v3.py --check  # exit 1 when it differs
"""
from __future__ import annotations

import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "plugins", "kinds", "repack_v3.json")
INSTALL_REQUIREMENTS = os.path.join(os.path.dirname(__file__), "..", "plugins", "kinds", "sdk_v3_install_requirements.py.txt")


def build() -> dict:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # (sagemaker.mlops needs one to import)
    from sagemaker.mlops.workflow import _utils
    from sagemaker.train import constants, templates

    with open(os.path.join(os.path.dirname(_utils.__file__), _utils.REPACK_SCRIPT), encoding="utf-8") as handle:
        script = handle.read()
    drivers = {}
    for root, dirs, files in os.walk(constants.SM_DRIVERS_LOCAL_PATH):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            relative = os.path.relpath(os.path.join(root, name), constants.SM_DRIVERS_LOCAL_PATH).replace(os.sep, "/")
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                drivers[relative] = handle.read()
    # (ModelTrainer puts sagemaker-core's in its place: plugins/kinds/_sdk_v3_files.py keeps that one)
    drivers.pop("scripts/install_requirements.py", None)
    # ModelTrainer._prepare_train_script for the repack job: its folder, no requirements, one script
    drivers[constants.TRAIN_SCRIPT] = templates.TRAIN_SCRIPT_TEMPLATE.format(
        working_dir=f"cd {constants.SM_CODE_CONTAINER_PATH} \n", install_requirements="",
        execute_driver=templates.EXECUTE_BASIC_SCRIPT_DRIVER)
    drivers[constants.DISTRIBUTED_JSON] = json.dumps({})
    from sagemaker.core.training.configs import SourceCode

    source_code = SourceCode(source_dir="SOURCE_DIR", entry_script=_utils.REPACK_SCRIPT_LAUNCHER).model_dump()
    return {"script_name": _utils.REPACK_SCRIPT, "script": script, "launcher_name": _utils.REPACK_SCRIPT_LAUNCHER,
            "launcher": _utils.LAUNCH_REPACK_SCRIPT_CMD, "framework_version": _utils.FRAMEWORK_VERSION,
            "instance_type": _utils.INSTANCE_TYPE, "image_scope": "inference",
            "container_entrypoint": constants.DEFAULT_CONTAINER_ENTRYPOINT,
            "container_arguments": constants.DEFAULT_CONTAINER_ARGUMENTS,
            "code_channel": constants.SM_CODE, "drivers_channel": constants.SM_DRIVERS,
            "source_code_json": constants.SOURCE_CODE_JSON, "source_code": source_code,
            "drivers": drivers}


def check_install_requirements() -> int:
    """plugins/kinds/sdk_v3_install_requirements.py.txt is sagemaker-core's
    `install_requirements.py`, which a FrameworkProcessor and a ModelTrainer upload."""
    import sagemaker.core.utils.install_requirements as install

    with open(install.__file__, encoding="utf-8") as sdk, open(INSTALL_REQUIREMENTS, encoding="utf-8") as kept:
        same = sdk.read() == kept.read()
    print("sdk_v3_install_requirements.py.txt: up to date" if same else f"{INSTALL_REQUIREMENTS} differs from the SDK's {install.__file__}: copy it")
    return 0 if same else 1


def main(argv) -> int:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from gen_repack import write_or_check  # (it imports no SDK at module level)

    return write_or_check(OUT, build(), argv, "gen_repack_v3.py") or check_install_requirements()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
