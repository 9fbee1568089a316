"""Parity: for each case, the JSON emitter's `--compact` output is byte for byte the string
the real SageMaker SDK v2 returns for the equivalent program (`sdk.py`), key order included."""
import json

import pytest
from conftest import CONFORMANCE_CASES, PARITY_CASES, case_id

import dsl


@pytest.mark.parametrize("case", PARITY_CASES, ids=case_id)
def test_json_matches_sdk(case, sdk):
    expected = sdk.definition(path=str(case / "sdk.py"))
    got = dsl.transpile((case / "case.pipe").read_text(), filename=str(case / "case.pipe"), compact=True)
    if got != expected:  # show a readable diff
        assert json.loads(got) == json.loads(expected)
        assert list_keys(json.loads(got)) == list_keys(json.loads(expected)), "key order differs"
    assert got == expected


# The shared conformance cases, when ../shared is there (CI has it; a fresh clone does not):
# the SDK run must still give expected.json, and the emitter must give the SDK's string.
if CONFORMANCE_CASES:
    @pytest.mark.parametrize("case", CONFORMANCE_CASES, ids=case_id)
    def test_conformance_case_matches_sdk(case, sdk):
        expected = sdk.definition(path=str(case / "sdk.py"))
        assert json.loads(expected) == json.loads((case / "expected.json").read_text())
        got = dsl.transpile((case / "case.pipe").read_text(), compact=True)
        assert got == expected


def test_pretty_output_is_the_compact_definition_indented():
    case = PARITY_CASES[0]
    text = (case / "case.pipe").read_text()
    pretty = dsl.transpile(text)
    compact = dsl.transpile(text, compact=True)
    assert pretty.endswith("}\n") and "\n  \"Metadata\": {}," in pretty
    assert json.dumps(json.loads(pretty)) == compact


def list_keys(value):
    if isinstance(value, dict):
        return [(k, list_keys(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [list_keys(v) for v in value]
    return None


@pytest.mark.parametrize("example", ["churn", "end-to-end", "experiment-default", "experiment-none",
                                     "experiment-custom-name", "experiment-custom-trial"])
def test_the_examples_are_parity_cases(example):
    from conftest import ROOT

    case = {"churn": "churn-example", "end-to-end": "end-to-end-example"}.get(example, f"example-{example}")
    assert (ROOT / "tests" / "parity" / case / "case.pipe").read_text() == \
        (ROOT / "examples" / f"{example}.pipe").read_text()
