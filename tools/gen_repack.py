"""Generate plugins/kinds/repack.json: what the SDK's model repack step runs.

A `model`/`register_model` step with `entry_point` and `source_dir` over a model that another
step makes is repacked first, as `ModelStep` does it: a training job on the SKLearn image runs
`_repack_script_launcher.sh`, which runs the SDK's `_repack_model.py`, both added to the
source folder's tarball. The table keeps the pinned SDK's script and launcher text and the
repack job's framework version and instance type; plugins/kinds/model.py reads it.

    python tools/gen_repack.py          # rewrite the table
    python tools/gen_repack.py --check  # exit 1 when it is not what the SDK has
"""
from __future__ import annotations

import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "plugins", "kinds", "repack.json")


def build() -> dict:
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    from sagemaker.workflow import _utils

    with open(os.path.join(os.path.dirname(_utils.__file__), _utils.REPACK_SCRIPT), encoding="utf-8") as handle:
        script = handle.read()
    return {"script_name": _utils.REPACK_SCRIPT, "script": script, "launcher_name": _utils.REPACK_SCRIPT_LAUNCHER,
            "launcher": _utils.LAUNCH_REPACK_SCRIPT_CMD, "framework_version": _utils.FRAMEWORK_VERSION,
            "instance_type": _utils.INSTANCE_TYPE}


def write_or_check(out: str, table: dict, argv, script: str) -> int:
    """Write `table` to `out` as JSON, or with `--check` say whether `out` already holds it
    (shared with tools/gen_repack_v3.py, which runs in SDK v3's environment)."""
    text = json.dumps(table, indent=1) + "\n"
    if "--check" in argv:
        with open(out, encoding="utf-8") as handle:
            same = handle.read() == text
        print("up to date" if same else f"{out} differs from the SDK's: run tools/{script}")
        return 0 if same else 1
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {out}")
    return 0


def main(argv) -> int:
    return write_or_check(OUT, build(), argv, "gen_repack.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
