"""The fast parser (`dsl.syntax.fastparse`: generated tables, no Lark) and Lark's parser with the same
lexer and IR builder agree on every file: the same IR, the same comments and side records, the
same builder problems; where one finds a syntax error the other does too."""
import subprocess
import sys

import attrs
import pytest
from conftest import ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import SEEDS, TOKENS

from dsl.syntax import fastparse, parser


def _deep(value):
    """Every field of the IR, layout fields (which equality skips) included."""
    if attrs.has(type(value)):
        return (type(value).__name__,) + tuple((f.name, _deep(getattr(value, f.name))) for f in attrs.fields(type(value))
                                          if f.init)
    if isinstance(value, (list, tuple)):
        return tuple(_deep(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _deep(v)) for k, v in value.items())
    return (type(value).__name__, value)


def _records():
    c = parser._collected
    return ([(t.type, str(t), t.line, t.column, t.end_pos) for t in c.comments], sorted(c.quoted))


def both(text):
    """(fast result, Lark result): each `(IR, comments, problems)` or the string "syntax"."""
    results = []
    for fast in (True, False):
        with parser._LOCK:
            problems = parser._reset()
            try:
                if fast:
                    top = fastparse.parse(text, parser._fast_tables(), parser._collected)
                else:
                    from lark.exceptions import UnexpectedInput

                    try:
                        top = parser._parser().parse(text)
                    except UnexpectedInput as exc:
                        raise fastparse.NotFast() from exc
                    if parser._BUILDER.broken:
                        raise fastparse.NotFast()
            except fastparse.NotFast:
                results.append("syntax")
                continue
            results.append((_deep(top), _records(), [(d.code, d.message, d.span) for d in problems],
                            parser._BUILDER.too_deep))
    return results


def test_the_fast_tables_are_loaded_and_current():
    assert parser._fast_tables() is not None
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_parser_tables.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_every_example_and_parity_case_parses_the_same_both_ways(index):
    fast, slow = both(SEEDS[index])
    assert fast != "syntax"
    assert fast == slow


def test_a_clean_file_is_parsed_without_importing_lark():
    code = ("import sys, dsl; dsl.transpile(open(sys.argv[1]).read()); "
            "print(sorted(m for m in sys.modules if m == 'lark' or m.startswith('lark.')))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "churn.pipe")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_syntax_error_is_still_reported_with_lark_s_recovery():
    import dsl

    _, found = dsl.analyse('pipeline P {\n    step A: fail { error_message = "x" \n    step B: fail { }\n}\n')
    assert [d.code for d in found] == ["E0001"] and "is not closed before `step`" in found[0].message


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_token_soup_parses_the_same_both_ways(text):
    fast, slow = both(text)
    assert fast == slow


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 12),
                                                  st.sampled_from(TOKENS + ["", " ", "\n", "\t"])),
                                        min_size=1, max_size=4))
def test_edited_files_parse_the_same_both_ways(seed, edits):
    text = seed
    for position, length, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    fast, slow = both(text)
    assert fast == slow
