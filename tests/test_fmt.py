"""`pipedsl fmt` / `dsl.format` (LANGUAGE.md section 10): canonical, idempotent, keeps every
comment, never changes what a file means, and leaves alone what it cannot format safely."""
import os
import random
import re

import pytest
from conftest import CONFORMANCE_CASES, PARITY_CASES, ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import pipedsl

import dsl
from dsl.tools.formatter import FormatError

ALL_PIPES = sorted(ROOT.glob("examples/**/*.pipe")) + [c / "case.pipe" for c in PARITY_CASES + CONFORMANCE_CASES]


def comments(text):
    from dsl.tools.formatter import _parse

    return [c.text for c in _parse(text, "<string>").comments]


def _vars_for(path):
    """The values a file's required vars take in these tests: its folder's dev.toml."""
    from dsl.semantics.variables import from_file

    stage = path.parent / "dev.toml"
    return dict(from_file(str(stage))) if stage.exists() else None


@pytest.mark.parametrize("path", ALL_PIPES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_pipe_formats_idempotently_with_its_comments_and_the_same_json(path):
    text = path.read_text()
    tidy = dsl.format(text, filename=str(path))
    assert dsl.format(tidy) == tidy
    assert comments(tidy) == comments(text)
    if "pipeline " in text:  # (a module of lets and templates has no definition of its own)
        for compact in (False, True):  # (the file's name: its imports are found beside it)
            assert dsl.transpile(tidy, compact=compact, filename=str(path), vars=_vars_for(path)) == \
                dsl.transpile(text, compact=compact, filename=str(path), vars=_vars_for(path))
    assert tidy.endswith("\n") and not tidy.endswith("\n\n")
    assert not [line for line in tidy.splitlines() if line != line.rstrip()]


def test_the_shipped_examples_are_formatted():
    for path in sorted(ROOT.glob("examples/**/*.pipe")):
        text = path.read_text()
        assert dsl.format(text) == text, path


TIDY = '''\
# leading comment
let role = "arn:aws:iam::123456789012:role/R"

## The pipeline
pipeline P {
    default_bucket = "b"
    description    = "a \\"quoted\\" \\u00e9 text"  # end-of-line comment
    param N: Integer = 1
    param T: Float = 1.0
    param M: String in ["a", "b"] = "a"

    # about the training step
    step Train: training {
        image_uri       = "img"
        role            = role
        instance_type   = "ml.m5.xlarge"
        instance_count  = N
        output_path     = "s3://b/out/${Execution.PipelineExecutionId}"
        hyperparameters = { depth: 5, eta: 0.2, "odd key": 1e-3 }
        input train { s3_data = "s3://b/train", content_type = "text/csv" }
        retry Step.THROTTLING { max_attempts = 3 }
        cache = "P30D"
    }
    step Check: condition {
        when not (N == 1 or T > 0.5) and M in ["a"]
        if_steps = [Stop]
    }
    step Stop: fail {
        error_message = join("-", ["long", "values", "that", "do", "not", "fit", "on", "one", "line", "at", "all"])
        depends_on = [
            Train,
        ]
        # last in the step
    }
}
'''


def test_the_canonical_layout():
    assert dsl.format(TIDY) == TIDY.replace(
        '        error_message = join("-", ["long", "values", "that", "do", "not", "fit", "on", "one", "line", "at", "all"])\n',
        '        error_message = join(\n            "-",\n            ["long", "values", "that", "do", "not", "fit", "on", "one", "line", "at", "all"],\n        )\n')


def test_every_member_on_one_line_and_odd_spacing_gives_the_tidy_file():
    tidy = dsl.format(TIDY)
    squashed = ('let role="arn:aws:iam::123456789012:role/R"\n'
                'pipeline P{default_bucket="b" param N:Integer=1 step S:fail{error_message  =  role,'
                'depends_on=[ ]}}')
    assert dsl.format(squashed) == ('let role = "arn:aws:iam::123456789012:role/R"\n'
                                    'pipeline P {\n    default_bucket = "b"\n    param N: Integer = 1\n'
                                    '    step S: fail {\n        error_message = role\n        depends_on    = []\n'
                                    '    }\n}\n')
    messy = re.sub(r"(?m)^ +", lambda m: " " * random.Random(len(m.group())).randint(0, 9), tidy)
    messy = messy.replace(" = ", "   =").replace(", ", " ,   ").replace(": ", " :")
    assert dsl.format(messy) == tidy


def _relayout(text, rng):
    """The same tokens with random spacing and indentation; line breaks kept where they
    separate members or end comments, blank-line runs of any length where there was one."""
    from dsl.syntax.parser import _parser

    out, previous = [], None
    for token in _parser().lex(text, dont_ignore=True):
        if token.type == "WS":
            newlines = token.count("\n")
            if newlines == 0:
                out.append(rng.choice([" ", "  ", "\t", "   "]))
            else:
                out.append("\n" * (1 if newlines == 1 else rng.randint(2, 4)) + " " * rng.randint(0, 12))
        else:
            if previous is not None and previous.type != "WS" and rng.random() < 0.5:
                out.append(" " * rng.randint(1, 3))
            out.append(str(token))
        previous = token
    return "".join(out)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PIPES), st.integers(0, 2**32))
def test_hypothesis_layouts_of_valid_files_format_to_the_same_text(path, seed):
    tidy = dsl.format(path.read_text())
    messy = _relayout(tidy, random.Random(seed))
    assert dsl.format(messy) == tidy


def test_a_syntax_error_leaves_the_file_unchanged(tmp_path):
    path = tmp_path / "broken.pipe"
    path.write_text("pipeline P {\n step S fail {}\n}\n")
    before = path.stat()
    run = pipedsl("fmt", path)
    assert run.returncode == 1
    assert "error[E0001]" in run.stderr and "left unchanged" in run.stderr
    assert path.read_text() == "pipeline P {\n step S fail {}\n}\n" and path.stat().st_mtime_ns == before.st_mtime_ns


def test_other_errors_do_not_stop_formatting():
    assert dsl.format("pipeline P {\nstep S: fail { error_message = Nope }\n}") == \
        "pipeline P {\n    step S: fail {\n        error_message = Nope\n    }\n}\n"


def test_check_diff_folders_and_stdin(tmp_path):
    (tmp_path / "sub").mkdir()
    tidy, messy = tmp_path / "tidy.pipe", tmp_path / "sub" / "messy.pipe"
    tidy.write_text("pipeline P {}\n")
    messy.write_text("pipeline  P {\n}\n")
    (tmp_path / "notes.txt").write_text("pipeline  P {}")
    run = pipedsl("fmt", "--check", tmp_path)
    assert run.returncode == 1 and run.stdout == f"{messy}\n"
    run = pipedsl("fmt", "--diff", tmp_path)
    assert run.returncode == 1 and "-pipeline  P {\n" in run.stdout and "+pipeline P {}\n" in run.stdout
    assert messy.read_text() == "pipeline  P {\n}\n"  # --check and --diff write nothing
    run = pipedsl("fmt", "-", stdin="pipeline  P {\n}\n")
    assert run.returncode == 0 and run.stdout == "pipeline P {}\n"
    run = pipedsl("fmt", cwd=tmp_path)  # no PATH: the current folder
    assert run.returncode == 0 and messy.read_text() == "pipeline P {}\n"
    assert (tmp_path / "notes.txt").read_text() == "pipeline  P {}"
    assert pipedsl("fmt", "--check", tmp_path).returncode == 0


def test_unchanged_files_are_not_rewritten_and_changed_ones_atomically(tmp_path):
    tidy = tmp_path / "tidy.pipe"
    tidy.write_text("pipeline P {}\n")
    inode, mtime = tidy.stat().st_ino, tidy.stat().st_mtime_ns
    assert pipedsl("fmt", tidy).returncode == 0
    assert (tidy.stat().st_ino, tidy.stat().st_mtime_ns) == (inode, mtime)
    messy = tmp_path / "messy.pipe"
    messy.write_text("pipeline  P {}\n")
    messy.chmod(0o640)
    assert pipedsl("fmt", messy).returncode == 0
    assert messy.read_text() == "pipeline P {}\n" and (messy.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.pipe", "tidy.pipe"]


def test_crlf_files_are_rewritten_with_lf(tmp_path):
    path = tmp_path / "crlf.pipe"
    path.write_bytes(b"pipeline P {}\r\n")
    assert pipedsl("fmt", "--check", path).returncode == 1
    assert pipedsl("fmt", path).returncode == 0 and path.read_bytes() == b"pipeline P {}\n"


def test_the_safety_check_leaves_the_file_alone_when_the_printer_loses_something(tmp_path, monkeypatch):
    from dsl.tools import printer

    real = printer.Printer.print_file
    monkeypatch.setattr(printer.Printer, "print_file", lambda self: real(self).replace("# keep me\n", ""))
    with pytest.raises(FormatError) as info:
        dsl.format("pipeline P {\n    # keep me\n    step S: fail {}\n}\n")
    assert [d.code for d in info.value.diagnostics] == ["E0501"]
    monkeypatch.setattr(printer.Printer, "print_file", lambda self: real(self).replace('"x"', '"y"'))
    with pytest.raises(FormatError):
        dsl.format('pipeline P {\n    step S: fail {\n        error_message = "x"\n    }\n}\n')


def test_pre_commit_hooks_are_declared():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for hook in ("id: pipedsl-fmt", "id: pipedsl-check", "entry: pipedsl fmt", "entry: pipedsl check",
                 r"files: \.pipe$"):
        assert hook in text
    assert os.path.exists(ROOT / ".pre-commit-hooks.yaml")


def test_a_long_when_is_broken_at_its_operators_and_means_the_same():
    """Issue 26.6: a condition over 100 columns is broken before each `or`, then each `and`."""
    parts = [f'Mode == "{letter * 12}"' for letter in "abcdefgh"]
    condition = " and ".join(parts[:4]) + " or " + " and ".join(parts[4:])
    text = ('pipeline P {\n    param Mode: String = "a"\n    step C: condition {\n        when ' + condition
            + "\n        if_steps = [F]\n    }\n    step F: fail {\n        error_message = \"x\"\n    }\n}\n")
    tidy = dsl.format(text)
    when = tidy.split("when ", 1)[1].split("\n        if_steps")[0]
    assert when.split("\n") == [
        parts[0],
        "                and " + parts[1], "                and " + parts[2], "                and " + parts[3],
        "            or " + parts[4], "                and " + parts[5], "                and " + parts[6],
        "                and " + parts[7]]
    assert all(len(line) <= 100 for line in tidy.split("\n"))
    assert dsl.format(tidy) == tidy and dsl.transpile(tidy) == dsl.transpile(text)


def _commented(text, rng, rate):
    """The same tokens with an end-of-line comment after some of them (every place a comment
    may stand: after `[`, `{`, `(`, between items, after a closing bracket or a one-line
    block, inside a condition or a declaration), trailing blanks after comments and lines."""
    from dsl.syntax.parser import _parser

    out, n = [], 0
    for token in _parser().lex(text, dont_ignore=True):
        if token.type == "WS":
            out.append(token.replace("\n", rng.choice(["", " ", "  \t"]) + "\n"))
            continue
        out.append(str(token))
        if token.type not in ("COMMENT", "DOC_COMMENT") and rng.random() < rate:
            n += 1
            before, after = rng.choice([" ", "   ", ""]), rng.choice(["", "  ", " \t"])
            out.append(f"{before}# c{n}{after}\n")
    return "".join(out)


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PIPES), st.integers(0, 2**32), st.sampled_from([0.05, 0.2, 1.0]))
def test_comments_in_every_legal_place_are_kept_and_the_result_is_stable(path, seed, rate):
    text = _commented(path.read_text(), random.Random(seed), rate)
    tidy = dsl.format(text, filename=str(path))  # no E0501
    assert dsl.format(tidy, filename=str(path)) == tidy
    assert comments(tidy) == [c.rstrip() for c in comments(text)]
    assert not [line for line in tidy.splitlines() if line != line.rstrip()]
    if "pipeline " in text:
        assert dsl.transpile(tidy, filename=str(path), vars=_vars_for(path)) == \
            dsl.transpile(text, filename=str(path), vars=_vars_for(path))


def test_comments_stay_where_they_were_written():
    text = ('pipeline P {  # p\n'
            '    let xs = [ # after the bracket\n        1,\n        2, # two\n    ] # after the list\n'
            '    step F: fail { error_message = "x" } # after the one-line step\n'
            '    step G: fail {   # after the brace   \n'
            '        error_message = join("", [ # j\n            "a", # a\n            "b"]) } # after G\n'
            '}\n')
    assert dsl.format(text) == (
        'pipeline P {  # p\n'
        '    let xs = [  # after the bracket\n        1,\n        2,  # two\n    ]  # after the list\n'
        '    step F: fail {\n        error_message = "x"\n    }  # after the one-line step\n'
        '    step G: fail {  # after the brace\n'
        '        error_message = join(\n            "",\n            [  # j\n                "a",  # a\n'
        '                "b",\n            ],\n        )\n    }  # after G\n'
        '}\n')


def test_a_comment_with_no_place_in_the_layout_goes_before_its_member():
    text = "pipeline P {\n    step A: condition {\n        when X == 1 # one\n            or X == 2\n        if_steps = []\n    }\n    param X: Integer = 1\n}\n"
    assert dsl.format(text) == ("pipeline P {\n    step A: condition {\n        # one\n        when X == 1 or X == 2\n"
                                "        if_steps = []\n    }\n    param X: Integer = 1\n}\n")
