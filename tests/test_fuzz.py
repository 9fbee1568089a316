"""No input, however broken, ends in anything but the project's own error."""
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dsl
from conftest import PARITY_CASES, ROOT

SEEDS = [p.read_text() for p in sorted((ROOT / "examples").glob("*.pipe"))] + [
    (case / "case.pipe").read_text() for case in PARITY_CASES]
TOKENS = ["pipeline", "step", "param", "let", "experiment", "none", "input", "output", "retry",
          "property_file", "when", "and", "or", "not", "in", "true", "false", "null", "{", "}",
          "[", "]", "(", ")", ",", ":", "=", "==", "!=", ">=", "<", ".", "\n", " ", '"', "${",
          "\\", "$", "#", "##", "P", "Train", "training", "processing", "condition", "fail",
          "join", "json_get", "Execution", "1", "-2.5e3", '"s3://b"', "String", "Integer"]


def outcome(text: str):
    """Run every stage a user can reach; only PipeError may come out."""
    program, problems = dsl.analyse(text, "fuzz.pipe")
    for problem in problems:
        assert problem.span.line >= 1 and problem.span.column >= 1
    for to, compact in (("json", False), ("json", True), ("sdk", False), ("docs", False)):
        if to != "json" and any(p.is_error for p in problems):
            continue  # the other emitters only run on valid files; json checks the errors
        try:
            dsl.transpile(text, to=to, compact=compact)
        except dsl.PipeError as error:
            assert error.diagnostics
            assert not [d for d in error.diagnostics if d.code == "E0402"], error.render()  # an emitter crashed
            error.render()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_random_token_soup(text):
    outcome(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 12),
                                                  st.text(max_size=6)), min_size=1, max_size=4))
def test_mutated_valid_files(seed, edits):
    text = seed
    for position, length, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    outcome(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    outcome(text)


def test_seeds_are_valid():
    for seed in SEEDS:
        dsl.transpile(seed)
    assert len(SEEDS) >= 10
    assert Path(ROOT / "examples" / "churn.pipe").exists()
