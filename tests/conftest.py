"""Shared fixtures. `sdk` runs SageMaker SDK v2 programs offline in one subprocess per test
session (tests/sdk_runner.py), so `import sagemaker` is paid once, not once per case."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SHARED = ROOT.parent / "shared"
PARITY_CASES = sorted(p for p in (TESTS / "parity").iterdir() if (p / "case.pipe").is_file())
CONFORMANCE_CASES = (
    sorted(p for p in (SHARED / "conformance" / "cases").iterdir() if (p / "case.pipe").is_file())
    if (SHARED / "conformance" / "cases").is_dir() else []
)


class SdkRunner:
    """A client of `sdk_runner.py --serve`: `definition(path=...)` or `definition(code=...)`
    returns the SDK's `pipeline.definition()` string, or raises SdkError."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, str(TESTS / "sdk_runner.py"), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", cwd=str(TESTS),
        )
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError("tests/sdk_runner.py did not start: is `sagemaker<3` installed "
                               "(pip install -e '.[test]')?")

    def run(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("tests/sdk_runner.py died")
        return json.loads(line)

    def definition(self, **request) -> str:
        reply = self.run(**request)
        if not reply["ok"]:
            raise SdkError(reply["error"])
        return reply["definition"]

    def uploads(self, **request) -> dict:
        """What the program uploaded to S3 while building its pipeline: `s3://` URI -> the
        body's text (or `sha256:HEX` of bytes that are not UTF-8)."""
        reply = self.run(**request)
        if not reply["ok"]:
            raise SdkError(reply["error"])
        return reply["uploads"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class SdkError(Exception):
    pass


@pytest.fixture(scope="session")
def sdk():
    runner = SdkRunner()
    yield runner
    runner.close()


def case_id(path: Path) -> str:
    return path.name


@pytest.fixture
def no_plugin_env(monkeypatch):
    monkeypatch.delenv("PIPEDSL_PLUGINS", raising=False)
    return os.environ
