"""The README's examples are what the commands really print."""
import re
import subprocess
import sys

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def block_after(marker: str, language: str) -> str:
    start = README.index(marker)
    match = re.compile(rf"```{language}\n(.*?)```", re.S).search(README, start)
    return match.group(1)


def run(*args):
    return subprocess.run([sys.executable, "-m", "dsl", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120).stdout


def test_the_json_example_is_real():
    assert block_after("`pipedsl transpile examples/experiment-default.pipe` prints:", "json") == \
        run("transpile", "examples/experiment-default.pipe")


def test_the_sdk_example_is_real():
    assert block_after("`pipedsl transpile examples/experiment-custom-trial.pipe --to sdk -o pipeline.py` writes:",
                       "python") == run("transpile", "examples/experiment-custom-trial.pipe", "--to", "sdk")


def test_the_pipe_examples_are_the_files():
    for name in ("experiment-default", "experiment-custom-trial"):
        text = (ROOT / "examples" / f"{name}.pipe").read_text()
        assert text in README, name
