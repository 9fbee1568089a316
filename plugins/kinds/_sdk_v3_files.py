"""Files of SDK v3's own (3.27.0) that it uploads beside a job's code, kept here so that
`deploy` needs no SDK v3: sagemaker-core's `install_requirements.py`, which a
FrameworkProcessor puts in its job's `source/` and a ModelTrainer in its `sm_drivers/scripts/`
(a v3 model's repack job). tools/gen_repack_v3.py --check compares it with the SDK's, and the
v3 parity tests compare both uploads with what SDK v3 uploads."""
from __future__ import annotations

import functools
import os

INSTALL_REQUIREMENTS = os.path.join(os.path.dirname(__file__), "sdk_v3_install_requirements.py.txt")


@functools.lru_cache(maxsize=None)
def install_requirements() -> str:
    with open(INSTALL_REQUIREMENTS, encoding="utf-8") as handle:
        return handle.read()
