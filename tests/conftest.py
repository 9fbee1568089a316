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
        if request.get("raw_uploads"):
            import base64

            return {uri: base64.b64decode(body) for uri, body in reply["raw_uploads"].items()}
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


# Hypothesis runs each property's examples scaled by PIPEDSL_FUZZ_SCALE: the README's test
# command keeps the suite within minutes (0.5), and .ci/run runs the fuzz tests once more, deep
# (4), where time is plentiful: every property is checked both ways, with every assertion.
FUZZ_SCALE = float(os.environ.get("PIPEDSL_FUZZ_SCALE", "0.5"))


def examples(count: int) -> int:
    """How many examples a property test runs: its count, scaled (at least 10)."""
    return max(10, int(count * FUZZ_SCALE))


def pytest_configure(config):
    config.addinivalue_line("markers", "property: a hypothesis property test (`-m property` runs them all)")
    config.addinivalue_line("markers", "sdk3: needs the cached SDK v3 virtualenv (`-m sdk3` runs them; .ci/run does)")


def pytest_collection_modifyitems(items):
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


def npm_tools(name: str, packages, ready: str) -> Path:
    """A folder under the test cache (PIPEDSL_TEST_CACHE, default ~/.cache/pipedsl-tests)
    where npm installed `packages` once; `ready` is a path inside it that exists once they
    are. Parallel test workers share it: one installs (into a new folder, renamed into place
    when complete) while the others wait on a lock, so none sees half an install."""
    import fcntl
    import shutil
    import tempfile

    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "these checks need Node.js and npm on PATH"
    home = Path(os.environ.get("PIPEDSL_TEST_CACHE", Path.home() / ".cache" / "pipedsl-tests"))
    folder = home / name
    if (folder / ready).exists():
        return folder
    home.mkdir(parents=True, exist_ok=True)
    with open(home / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ready).exists():
            fresh = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=home))
            (fresh / "package.json").write_text('{"name": "pipedsl-test-tools", "private": true}')
            subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", *packages], cwd=fresh,
                           check=True, capture_output=True, timeout=600)
            shutil.rmtree(folder, ignore_errors=True)
            fresh.rename(folder)
    return folder


def case_id(path: Path) -> str:
    return path.name


@pytest.fixture
def no_plugin_env(monkeypatch):
    monkeypatch.delenv("PIPEDSL_PLUGINS", raising=False)
    return os.environ


SDK3_LOCK = TESTS / "sdk-v3.lock"


def sdk3_python() -> Path:
    """The Python of a virtualenv with SageMaker SDK v3 (tests/sdk-v3.lock, the versions the
    v3 parity is measured against), built once under the test cache (about 1 GB, 2 minutes
    cold) and shared by the test workers, as `npm_tools` shares its installs."""
    import fcntl
    import hashlib
    import shutil
    import tempfile

    digest = hashlib.sha256(SDK3_LOCK.read_bytes()).hexdigest()[:12]
    home = Path(os.environ.get("PIPEDSL_TEST_CACHE", Path.home() / ".cache" / "pipedsl-tests"))
    folder = home / f"sdk-v3-{digest}"
    python = folder / "bin" / "python"
    ready = folder / ".ready"
    if ready.exists():
        return python
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".sdk-v3.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            fresh = Path(tempfile.mkdtemp(prefix=".sdk-v3-", dir=home))
            subprocess.run([sys.executable, "-m", "venv", str(fresh)], check=True, capture_output=True, timeout=300)
            subprocess.run([str(fresh / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(SDK3_LOCK)],
                           check=True, capture_output=True, timeout=1800)
            shutil.rmtree(folder, ignore_errors=True)
            fresh.rename(folder)
            # (a venv's scripts name its folder: the one it was built in is gone; `python -m` is used)
            (folder / ".ready").write_text(digest)
    return python


def pipedsl_beside_sdk3(folder: Path) -> Path:
    """A folder to put on the SDK v3 virtualenv's PYTHONPATH so that it imports this source tree
    as `dsl` (links laid out as the wheel lays out the package: `grammar/` as `dsl.grammar`,
    `plugins/` as `dsl.plugins`) with lark and pluggy, pure Python, linked from pipedsl's own
    environment; the v3 environment has attrs. Made under `folder`, nothing installed."""
    import lark
    import pluggy

    site = folder / "pipedsl-site"
    package = site / "dsl"
    package.mkdir(parents=True)
    for entry in (ROOT / "dsl").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    (package / "grammar").symlink_to(ROOT / "grammar")
    (package / "plugins").symlink_to(ROOT / "plugins")
    for module in (lark, pluggy):
        (site / module.__name__).symlink_to(Path(module.__file__).parent)
    return site
