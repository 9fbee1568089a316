"""The core's passes and declarations (issue 21): expansion is a pass the API runs on a bound
program, and each expression function is declared once with all its lowerings."""
import json

import pytest
from conftest import TESTS

import dsl
from dsl.extension.plugin_manager import default_registry
from dsl.semantics.expand import expand
from dsl.semantics.functions import FUNCTIONS, Function
from dsl.semantics.program import Program
from dsl.syntax.parser import parse_tree
from dsl.syntax.transformer import to_ir

LOOPS = TESTS / "parity" / "loops" / "case.pipe"


def test_a_program_is_bound_first_and_expanded_by_its_own_pass():
    text = LOOPS.read_text()
    top, comments, problems = parse_tree(text)
    file, _ = to_ir(top, comments, text, str(LOOPS), problems)
    program = Program(file, default_registry().kinds, root=str(LOOPS.parent))
    written = len(program.steps)
    assert program.pipeline is file.pipeline  # nothing expanded yet: the pipeline as written
    expand(program)
    assert len(program.steps) > written  # the loops made their steps
    analysed, _ = dsl.analyse(text, str(LOOPS))
    assert list(program.steps) == list(analysed.steps)  # what the API does


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_declares_its_signature_and_each_lowering(name):
    function = FUNCTIONS[name]
    assert function.name == name and function.doc and function.positional and function.sdk
    for lowering in ("json", "python"):  # (`check` and `text` have defaults every function may keep)
        assert getattr(type(function), lowering) is not getattr(Function, lowering), lowering


def test_a_function_lowers_the_same_call_for_every_output():
    text = ('pipeline P { default_bucket = "b"\n'
            ' step F: fail { error_message = join("-", ["x", Execution.PipelineExecutionId]) } }')
    definition = json.loads(dsl.transpile(text))
    assert definition["Steps"][0]["Arguments"]["ErrorMessage"] == {
        "Std:Join": {"On": "-", "Values": ["x", {"Get": "Execution.PipelineExecutionId"}]}}
    assert 'Join(on="-", values=["x", ExecutionVariables.PIPELINE_EXECUTION_ID])' in dsl.transpile(text, to="sdk")
    assert "x-<" in dsl.transpile(text, to="docs")
