"""The Python API: dsl.parse, dsl.transpile, dsl.PipeError; the IR it returns."""
import attrs
import pytest

import dsl
from dsl.syntax import ir


def test_parse_returns_a_frozen_ir_with_spans_and_doc_comments():
    text = ('## the pipeline\npipeline P {\n  ## count\n  ## of instances\n  param N: Integer = 1\n'
            '  # an ordinary comment\n\n  ## detached\n\n  step S: fail { error_message = "x" } ## trailing\n}\n')
    file = dsl.parse(text, filename="p.pipe")
    assert isinstance(file, ir.File) and file.filename == "p.pipe"
    pipeline = file.pipeline
    assert pipeline.doc == "the pipeline"
    (param,) = pipeline.params
    assert param.doc == "count\nof instances"
    assert (param.name_span.line, param.name_span.column) == (5, 9)
    assert pipeline.steps[0].doc is None  # a blank line separates it from `## detached`
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        param.name = "M"


def test_doc_comments_never_change_the_json():
    plain = 'pipeline P {\n param N: Integer = 1\n step S: fail {}\n}\n'
    documented = '## p\npipeline P {\n ## n\n param N: Integer = 1\n ## s\n step S: fail {}\n}\n'
    assert dsl.transpile(plain) == dsl.transpile(documented)


def test_transpile_returns_text_and_raises_pipe_error_with_every_diagnostic():
    assert dsl.transpile("pipeline P { step S: fail {} }", compact=True).startswith('{"Version"')
    with pytest.raises(dsl.PipeError) as info:
        dsl.transpile("pipeline P { param A: Integer = \"x\" step S: fail { error_message = B } }")
    assert [d.code for d in info.value.diagnostics] == ["E0152", "E0203"]
    assert "E0152" in info.value.render()


def test_unknown_emitter_is_a_pipe_error():
    with pytest.raises(dsl.PipeError) as info:
        dsl.transpile("pipeline P { step S: fail {} }", to="nope")
    assert info.value.diagnostics[0].code == "E0401"


def test_the_parser_is_built_once():
    from dsl.syntax.parser import _parser

    assert _parser() is _parser()


def test_grammar_is_lalr_and_ships_as_package_data():
    from dsl.grammar import grammar_text

    from dsl.syntax.parser import _parser

    assert "pipeline" in grammar_text()
    assert _parser().options.parser == "lalr"


def test_let_order_does_not_matter_and_file_level_lets_work():
    text = 'let a = b\npipeline P {\n let b = "x"\n step S: fail { error_message = a }\n}\n'
    assert '"ErrorMessage": "x"' in dsl.transpile(text)
