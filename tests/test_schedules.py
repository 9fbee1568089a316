"""Issue 22: `schedule` members (the SDK's PipelineSchedule triggers): what is refused, at the
member; what any value gives; the emitters. `deploy` against moto is in test_aws.py."""
import ast

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import dsl
from dsl.semantics.schedules import resolved

BASE = '''pipeline P {
    role = "arn:aws:iam::123456789012:role/R"
%s
    step F: fail { error_message = "x" }
}
'''


def problems(members):
    _, found = dsl.analyse(BASE % members)
    return [(p.code, p.span.line, p.message) for p in found]


@pytest.mark.parametrize("members,code,line,words", [
    ('schedule N { cron = "0 2 * * ?" }', "E0304", 3, "a cron expression has 6 fields, this has 5"),
    ('schedule N { cron = "0 2 * * ? *", rate = "1 hour" }', "E0304", 3, "takes one of `cron`, `rate` and `at`"),
    ('schedule N { rate = "12 hourz" }', "E0304", 3, "'12 hourz' is not a rate"),
    ('schedule N { rate = "0 hours" }', "E0304", 3, "'0 hours' is not a rate"),
    ('schedule N { at = "2026-12-24 08:00" }', "E0304", 3, "is not a time"),
    ('schedule N { cron = "0 2 * * ? *", start_date = "2026-02-30T00:00:00" }', "E0304", 3, "is not a time"),
    ('schedule N { cron = "0 2 * * ? *", rol = "x" }', "E0302", 3, "unknown field `rol` in a `schedule`"),
    ('schedule N { cron = "0 2 * * ? *", enabled = "no" }', "E0304", 3, "`enabled` must be a boolean"),
    ("schedule N { }", "E0303", 3, "needs one of `cron`, `rate` or `at`"),
    ('schedule N { cron = "0 2 * * ? *" }\n    schedule N { rate = "1 day" }', "E0109", 4, "two schedules are named 'N'"),
    ('schedule { cron = "0 2 * * ? *" }\n    schedule P { rate = "1 day" }', "E0109", 4, "two schedules are named 'P'"),
    ('param X: String\n    schedule { cron = "0 2 * * ? *" }', "E0303", 3, "parameter `X` needs a default"),
    ('param X: String = "s"\n    schedule { cron = X }', "E0304", 4, "must be known when the file is deployed"),
])
def test_what_a_schedule_refuses_is_located(members, code, line, words):
    found = problems(members)
    assert any(c == code and at == line and words in m for c, at, m in found), found


def test_a_schedule_name_over_64_characters_is_refused():
    found = problems("schedule %s { cron = \"0 2 * * ? *\" }" % ("N" * 65))
    assert [(c, m) for c, _, m in found] == [("E0107", f"{'N' * 65!r} is not a valid schedule name")]


def test_a_schedule_reads_lets_and_vars_and_only_in_the_stage_it_is_declared():
    text = ('var Stage: String = "dev"\nlet nightly = "0 2 * * ? *"\npipeline P {\n'
            '    if Stage == "prod" { schedule Nightly { cron = nightly } }\n    step F: fail {}\n}\n')
    program, found = dsl.analyse(text)
    # (in dev the `if` leaves the let unread: the usual warning)
    assert [p.code for p in found] == ["W0001"] and resolved(program) == []
    program, found = dsl.analyse(text, vars={"Stage": "prod"})
    assert not found
    [nightly] = resolved(program)
    assert (nightly.name, nightly.expression, nightly.enabled) == ("Nightly", "cron(0 2 * * ? *)", True)


def test_schedules_are_not_part_of_the_definition_and_format_as_written():
    text = BASE % '    ## nightly\n    schedule Nightly { cron = "0 2 * * ? *", enabled = false }\n    schedule {\n        rate = "12 hours"\n    }'
    assert dsl.transpile(text) == dsl.transpile(BASE % "")
    assert dsl.format(dsl.format(text)) == dsl.format(text)
    assert 'schedule Nightly { cron = "0 2 * * ? *", enabled = false }' in dsl.format(text)


VALUES = st.one_of(st.text(max_size=30), st.sampled_from(["0 2 * * ? *", "12 hours", "1 day", "2026-12-24T08:00:00",
                                                         "2026-02-29T00:00:00", "5 minute"]))


@settings(max_examples=examples(60), deadline=None)
@given(field=st.sampled_from(["cron", "rate", "at"]), value=VALUES, start=st.one_of(st.none(), VALUES),
       name=st.one_of(st.none(), st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,70}", fullmatch=True)))
def test_any_schedule_is_refused_at_its_member_or_gives_working_code(field, value, start, name):
    """Any value: located problems, or a schedule whose generated SDK code parses and whose
    expression is the SDK's form."""
    import json

    members = [f"{field} = {json.dumps(value)}"] + ([f"start_date = {json.dumps(start)}"] if start is not None else [])
    text = BASE % f"    schedule {name or ''} {{ {', '.join(members)} }}"
    try:
        program, found = dsl.analyse(text)
    except dsl.PipeError as problem:
        assert problem.diagnostics
        return
    if found:
        assert all(p.span.line >= 1 for p in found)
        return
    [schedule] = resolved(program)
    assert schedule.expression == f"{field}({value})"
    ast.parse(dsl.transpile(text, to="sdk"))
    assert "## Schedules" in dsl.transpile(text, to="docs")


def test_the_generated_schedules_are_data_and_a_known_helper():
    """The `sdk` emitter's SCHEDULES is an assignment of SDK objects and literals; the only
    function is the fixed `put_schedules` helper (the generated code's rules)."""
    from test_sdk_emitter import check_module

    hostile = "arn:aws:iam::1:role/S'); x('"
    text = BASE % ('    schedule Nightly { cron = "0 2 * * ? *", start_date = "2026-12-24T08:00:00" }\n'
                   f'    schedule {{ rate = "12 hours", enabled = false, role = "{hostile}" }}')
    code = dsl.transpile(text, to="sdk")
    check_module(ast.parse(code))
    assert repr(hostile) in code  # a string stays a literal
