"""Issue 25, security and robustness round 2: local paths confined to the project root,
deploy uploading what it hashed, reproducible tarballs, and the other defects of the sweep.
Each test reproduced its defect on the code before the fix."""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest

import dsl
from dsl.semantics import localcode

PROCESSING = '''pipeline P {{
    default_bucket = "b"
    step Prep: processing {{
        image_uri      = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"
        role           = "arn:aws:iam::123456789012:role/R"
        instance_type  = "ml.m5.xlarge"
        instance_count = 1
        command        = ["python3"]
        code           = "{code}"
    }}
}}
'''

FRAMEWORK = '''pipeline P {{
    region = "us-east-1"
    default_bucket = "b"
    step Train: training {{
        framework         = "pytorch"
        framework_version = "2.1"
        py_version        = "py310"
        entry_point       = "train.py"
        source_dir        = "{source_dir}"
        role              = "arn:aws:iam::123456789012:role/R"
        instance_type     = "ml.m5.xlarge"
        instance_count    = 1
        output_path       = "s3://b/out"
    }}
}}
'''


def errors(text, filename, **kw):
    _, found = dsl.analyse(text, filename=str(filename), **kw)
    return [(d.code, d.span.line, d.message) for d in found if d.is_error]


@pytest.fixture
def project(tmp_path):
    """A project folder beside a secret the deployer can read."""
    (tmp_path / "secret.env").write_text("AWS_SECRET_ACCESS_KEY=do-not-leak\n")
    root = tmp_path / "project"
    (root / "code").mkdir(parents=True)
    (root / "code" / "prep.py").write_text("print('prep')\n")
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text("print('train')\n")
    return root


# --- 1. local paths are confined to the project root -----------------------------------

@pytest.mark.parametrize("code, says", [
    ("../secret.env", "leads outside the project root"),
    ("code/../../secret.env", "leads outside the project root"),
    ("/proc/self/environ", "is an absolute path"),
    ("/etc/passwd", "is an absolute path"),
])
def test_code_outside_the_root_is_an_error_at_the_value(project, code, says):
    found = errors(PROCESSING.format(code=code), project / "p.pipe")
    assert [(c, line) for c, line, _ in found] == [("E0212", 9)]
    assert says in found[0][2] and "do-not-leak" not in found[0][2]


def test_a_symlink_leading_outside_is_an_error(project):
    (project / "code" / "leak.py").symlink_to(project.parent / "secret.env")
    found = errors(PROCESSING.format(code="code/leak.py"), project / "p.pipe")
    assert [(c, line) for c, line, _ in found] == [("E0212", 9)]
    assert "symbolic link that leads outside the project root" in found[0][2]


def test_a_symlink_inside_a_source_dir_leading_outside_is_an_error_naming_it(project):
    (project / "src" / "extra").mkdir()
    (project / "src" / "extra" / "creds").symlink_to(project.parent / "secret.env")
    found = errors(FRAMEWORK.format(source_dir="src"), project / "p.pipe")
    assert [(c, line) for c, line, _ in found] == [("E0212", 9)]
    assert "`src/extra/creds` is a symbolic link that leads outside the project root" in found[0][2]


def test_a_symlinked_folder_in_a_source_dir_is_refused_not_left_out(project):
    (project / "shared").mkdir()
    (project / "shared" / "util.py").write_text("x = 1\n")
    (project / "src" / "shared").symlink_to(project / "shared")
    found = errors(FRAMEWORK.format(source_dir="src"), project / "p.pipe")
    assert len(found) == 1 and "`src/shared` is a symbolic link to a folder" in found[0][2]


def test_a_fifo_or_broken_link_in_a_source_dir_is_a_located_error_naming_it(project):
    os.mkfifo(project / "src" / "pipe")
    found = errors(FRAMEWORK.format(source_dir="src"), project / "p.pipe")
    assert [(c, line) for c, line, _ in found] == [("E0212", 9)]
    assert "`src/pipe` is not a regular file" in found[0][2]
    os.unlink(project / "src" / "pipe")
    (project / "src" / "gone.py").symlink_to(project / "src" / "nowhere.py")
    found = errors(FRAMEWORK.format(source_dir="src"), project / "p.pipe")
    assert len(found) == 1 and "`src/gone.py` is a broken symbolic link" in found[0][2]


def test_an_unreadable_file_in_a_source_dir_is_a_located_error_naming_it(project, monkeypatch):
    locked = project / "src" / "locked.py"
    locked.write_text("x")
    locked.chmod(0)
    if os.geteuid() == 0:  # root opens any file: refuse this one as the kernel would for a user
        real_open = open

        def refusing(path, *args, **kw):
            if str(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kw)

        monkeypatch.setattr("builtins.open", refusing)
    found = errors(FRAMEWORK.format(source_dir="src"), project / "p.pipe")
    assert len(found) == 1 and "cannot read `src/locked.py`" in found[0][2]


def test_root_widens_the_project_and_check_says_where_it_is(project):
    text = PROCESSING.format(code="../shared/prep.py")
    (project.parent / "shared").mkdir()
    (project.parent / "shared" / "prep.py").write_text("print(1)\n")
    found = errors(text, project / "p.pipe")
    assert len(found) == 1 and f"the project root is {project}" in found[0][2]
    assert errors(text, project / "p.pipe", root=str(project.parent)) == []
    (project / "p.pipe").write_text(text)
    run = subprocess.run([sys.executable, "-m", "dsl", "check", str(project / "p.pipe"), "--root", str(project.parent)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_the_cli_refuses_before_reading_and_deploy_dry_run_lists_nothing(project):
    (project / "p.pipe").write_text(PROCESSING.format(code="../secret.env"))
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(project / "p.pipe")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "leads outside the project root" in run.stderr
    assert "do-not-leak" not in run.stdout + run.stderr


@pytest.mark.parametrize("path, says", [
    ("/etc/passwd", "is not a `.pipe` file"),
    ("../secret.env", "is not a `.pipe` file"),
    ("../outside.pipe", "leads outside the project root"),
    ("/tmp/x.pipe", "is an absolute path"),
    ("notes.txt", "is not a `.pipe` file"),
])
def test_imports_are_pipe_files_inside_the_root_and_never_quoted(project, path, says):
    (project.parent / "outside.pipe").write_text("let leaked = 1\n")
    (project / "notes.txt").write_text("password = hunter2\n")
    text = f'import "{path}"\npipeline P {{\n    step S: fail {{ error_message = "x" }}\n}}\n'
    _, found = dsl.analyse(text, filename=str(project / "p.pipe"))
    assert [(d.code, d.span.line) for d in found if d.is_error] == [("E0170", 1)]
    message = found[0].message
    assert says in message and "root:" not in message and "hunter2" not in message and "leaked" not in message


def test_an_import_through_a_symlink_leading_outside_is_refused(project):
    (project.parent / "outside.pipe").write_text("let leaked = 1\n")
    (project / "inside.pipe").symlink_to(project.parent / "outside.pipe")
    text = 'import "inside.pipe"\npipeline P {\n    step S: fail { error_message = "x" }\n}\n'
    _, found = dsl.analyse(text, filename=str(project / "p.pipe"))
    assert [d.code for d in found if d.is_error] == ["E0170"]
    assert "symbolic link that leads outside" in found[0].message


# --- 2. deploy uploads what it hashed ------------------------------------------------

def test_in_a_snapshot_the_bytes_hashed_are_the_bytes_uploaded_and_a_change_is_an_error(project):
    script = project / "code" / "prep.py"
    text = PROCESSING.format(code="code/prep.py")
    with localcode.snapshot():
        definition = dsl.transpile(text, filename=str(project / "p.pipe"))
        program, _ = dsl.analyse(text, filename=str(project / "p.pipe"))
        [upload] = program.uploads()
        assert upload.body() == b"print('prep')\n"
        uri = json.loads(definition)["Steps"][0]["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"]
        assert uri == upload.uri
        script.write_text("print('changed after the hash')\n")
        with pytest.raises(localcode.Changed, match="changed after pipedsl read it"):
            upload.body()
    # outside a snapshot each read is fresh
    assert upload.body() == b"print('changed after the hash')\n"


# --- 3. reproducible, minimal tarballs --------------------------------------------------

def test_sourcedir_tarballs_are_the_same_bytes_every_time_and_minimal(project):
    (project / "src" / "run.sh").write_text("#!/bin/sh\n")
    (project / "src" / "run.sh").chmod(0o775)
    (project / "src" / "pkg").mkdir()
    (project / "src" / "pkg" / "a.py").write_text("a = 1\n")
    text = FRAMEWORK.format(source_dir="src")
    program, found = dsl.analyse(text, filename=str(project / "p.pipe"))
    assert not [d for d in found if d.is_error]
    [upload] = program.uploads()
    first = upload.body()
    os.utime(project / "src" / "train.py", (1, 1))
    (project / "src" / "pkg" / "a.py").chmod(0o600)
    assert upload.body() == first
    assert first[4:8] == b"\0\0\0\0"  # the gzip header's mtime
    with tarfile.open(fileobj=io.BytesIO(first)) as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == sorted(m.name for m in members) == ["pkg/a.py", "run.sh", "train.py"]
        for member in members:
            assert (member.mtime, member.uid, member.gid, member.uname, member.gname) == (0, 0, 0, "", "")
        assert {m.name: m.mode for m in members} == {"pkg/a.py": 0o644, "run.sh": 0o755, "train.py": 0o644}
        assert tar.extractfile("train.py").read() == b"print('train')\n"
    assert gzip.decompress(first)  # a whole gzip stream


# --- 4. terminal output is inert; Trojan Source -----------------------------------------

def test_bidi_controls_are_warned_at_their_place_and_escaped_in_sdk_comments():
    text = ('## doc \u202e evil\npipeline P {\n'
            '    step S: fail { error_message = "a\u2066b" }  # note \u202d\n}\n')
    program, found = dsl.analyse(text)
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("W0004", 1, 8), ("W0004", 3, 38),
                                                                      ("W0004", 3, 52)]
    code = dsl.transpile(text, to="sdk")
    assert "# doc \\u202e evil" in code and not set("\u202e\u2066\u202d") & set(code)
    rendered = dsl.PipeError(found, text).render()
    assert "\u202e" not in rendered and "\\u202e" in rendered


# --- 5. fmt and -o keep the file's identity ---------------------------------------------

UNFORMATTED = 'pipeline P {\nstep S: fail { error_message = "x" }\n}\n'


def _fmt(*args):
    return subprocess.run([sys.executable, "-m", "dsl", "fmt", *map(str, args)], capture_output=True, text=True,
                          timeout=60)


def test_fmt_keeps_mode_owner_and_group(tmp_path):
    path = tmp_path / "p.pipe"
    path.write_text(UNFORMATTED)
    path.chmod(0o640)
    if os.geteuid() == 0:  # running as root must not hand a user's file to root
        os.chown(path, 12345, 23456)
    before = path.stat()
    run = _fmt(path)
    assert run.returncode == 0, run.stderr
    after = path.stat()
    assert path.read_text() != UNFORMATTED
    assert (after.st_mode, after.st_uid, after.st_gid) == (before.st_mode, before.st_uid, before.st_gid)


def test_fmt_and_o_refuse_read_only_and_hard_linked_files(tmp_path):
    path = tmp_path / "p.pipe"
    path.write_text(UNFORMATTED)
    path.chmod(0o444)
    run = _fmt(path)
    assert run.returncode == 2 and "it is read-only" in run.stderr and path.read_text() == UNFORMATTED
    path.chmod(0o644)
    os.link(path, tmp_path / "twin.pipe")
    run = _fmt(path)
    assert run.returncode == 2 and "it has 2 hard links" in run.stderr
    assert path.read_text() == (tmp_path / "twin.pipe").read_text() == UNFORMATTED
    out = tmp_path / "out.json"
    out.write_text("old")
    out.chmod(0o444)
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(path), "-o", str(out)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2 and "read-only" in run.stderr and out.read_text() == "old"


# --- 6. every read is bounded and regular ------------------------------------------------

def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "dsl", *map(str, args)], capture_output=True, text=True,
                          timeout=60, **kw)


def test_fifos_and_devices_are_refused_before_reading_everywhere(tmp_path):
    """A FIFO nobody writes to used to hang each of these for ever."""
    fifo = tmp_path / "in.pipe"
    os.mkfifo(fifo)
    good = tmp_path / "good.pipe"
    good.write_text('var V: String = "x"\npipeline P {\n    step S: fail { error_message = V }\n}\n')
    for args in (["transpile", fifo], ["check", fifo], ["fmt", "--check", fifo], ["import", fifo],
                 ["check", good, "--vars", fifo], ["check", good, "--vars", "/dev/zero"],
                 ["transpile", "/dev/urandom"], ["import", "/dev/zero"]):
        run = _cli(*args)
        assert run.returncode == 2, (args, run.stderr)
        assert "is not a regular file" in run.stderr and "Traceback" not in run.stderr, (args, run.stderr)
    text = 'import "in.pipe"\n' + good.read_text()
    _, found = dsl.analyse(text, filename=str(tmp_path / "top.pipe"))
    assert [(d.code, d.span.line) for d in found if d.is_error] == [("E0170", 1)]
    assert "is not a regular file" in found[0].message


def test_var_files_and_import_input_are_bounded(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b'{"V": "' + b"x" * (10 * 2**20) + b'"}')
    good = tmp_path / "good.pipe"
    good.write_text('var V: String = "x"\npipeline P {\n    step S: fail { error_message = V }\n}\n')
    run = _cli("check", good, "--vars", big)
    assert run.returncode == 2 and "larger than 10 MiB" in run.stderr
    run = _cli("import", big)
    assert run.returncode == 2 and "larger than 10 MiB" in run.stderr
    run = _cli("import", "-", input="[" * 10 + " " * (10 * 2**20))
    assert run.returncode == 2 and "more than 10 MiB" in run.stderr


# --- 7. expansion is bounded by work, not time -----------------------------------------

def _first_errors(text):
    _, found = dsl.analyse(text)
    return [(d.code, d.span.line) for d in found if d.is_error]


def test_doubling_lists_and_text_stop_at_the_let_where_they_grow_too_large():
    lists = "let l0 = [1]\n" + "".join(f"let l{i} = [l{i - 1}, l{i - 1}]\n" for i in range(1, 41))
    text = lists + 'pipeline P {\n    step S: fail { error_message = join(",", l40) }\n}\n'
    assert _first_errors(text) == [("E0173", 20)]  # l19: 2**19 numbers in 2**19 - 1 lists
    strings = 'let s0 = "ab"\n' + "".join(f'let s{i} = "${{s{i - 1}}}${{s{i - 1}}}"\n' for i in range(1, 41))
    text = strings + 'pipeline P {\n    step S-${s40}: fail { error_message = s40 }\n}\n'
    found = _first_errors(text)
    assert found[0] == ("E0173", 20)  # s19: 2**20 characters
    with pytest.raises(dsl.PipeError) as error:
        dsl.transpile(text)
    assert "stands for more than 1,000,000 items or characters" in str(error.value)


def test_loops_nested_five_deep_stop_at_the_documented_limit():
    body = "step S-${a}-${b}-${c}-${d}-${e}: fail { error_message = \"x\" }"
    for var in "edcba":
        body = f"for {var} in xs {{\n{body}\n}}"
    text = "let xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\npipeline P {\n" + body + "\n}\n"
    _, found = dsl.analyse(text)
    assert [(d.code, d.message) for d in found] == [("E0168", "this file expands to more than 5,000 members")]


def test_big_loop_bodies_stop_at_the_work_limit():
    attributes = "".join(f"    x{i} = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" for i in range(40))
    text = ("let xs = [" + ", ".join(map(str, range(400))) + "]\npipeline P {\n    for i in xs {\n"
            "        step S-${i}: fail {\n            error_message = \"x\"\n" + attributes + "        }\n    }\n}\n")
    _, found = dsl.analyse(text)
    assert [(d.code, d.message) for d in found] == [("E0168", "this file expands to more than 100,000 nodes")]


# --- 8. nesting limits cover every construct --------------------------------------------

def _nested(template: str, depth: int, inner: str) -> str:
    for _ in range(depth):
        inner = template.format(inner)
    return inner


@pytest.mark.parametrize("depth", [65, 3000])
def test_if_and_for_nesting_obey_the_expression_limit(depth):
    step = 'step S: fail { error_message = "x" }'
    chain = " else ".join(f'if true {{\n    step S{i}: fail {{ error_message = "x" }}\n}}' for i in range(depth))
    for body in (_nested("if true {{\n{}\n}}", depth, step), _nested("for x in [1] {{\n{}\n}}", depth, step),
                 chain):
        _, found = dsl.analyse("pipeline P {\n" + body + "\n}\n")
        assert [d.code for d in found] == ["E0005"], found[:2]
    ok = _nested("if true {{\n{}\n}}", 60, step)
    assert dsl.transpile("pipeline P {\n" + ok + "\n}\n")


def test_template_chains_obey_the_expression_limit():
    chain = 'template T0: fail { error_message = "x" }\n' + "".join(f"template T{i}: T{i - 1} {{ }}\n"
                                                                  for i in range(1, 2000))
    _, found = dsl.analyse(chain + "pipeline P {\n    step S: T1999 { }\n}\n")
    assert [(d.code, d.message) for d in found if d.is_error] == [
        ("E0167", "templates build on each other more than 64 deep here (`T1935` on `T1934`)")]


def test_deep_var_values_from_every_source_are_located_errors(tmp_path):
    text = 'var V: List = []\npipeline P {\n    step S: fail { error_message = join(",", V) }\n}\n'
    deep = "[" * 3000 + "]" * 3000
    _, found = dsl.analyse(text, vars={"V": json.loads("[" * 900 + "]" * 900)})
    assert [(d.code, d.message) for d in found] == [
        ("E0161", "the value of var `V` from vars={...} nests more than 64 levels deep")]
    (tmp_path / "p.pipe").write_text(text)
    (tmp_path / "deep.json").write_text('{"V": ' + deep + "}")
    (tmp_path / "deep.toml").write_text("V = " + "[" * 3000 + "]" * 3000 + "\n")
    for args, env in ((["--var", "V=" + deep], {}), (["--vars", tmp_path / "deep.json"], {}),
                      (["--vars", tmp_path / "deep.toml"], {}), ([], {"PIPEDSL_VAR_V": deep})):
        run = subprocess.run([sys.executable, "-m", "dsl", "check", str(tmp_path / "p.pipe"), *map(str, args)],
                             capture_output=True, text=True, timeout=60, env=dict(os.environ, **env))
        assert run.returncode in (1, 2) and "Traceback" not in run.stderr, (args, run.stderr)
        assert "nests too deeply" in run.stderr or "nests more than 64 levels deep" in run.stderr, run.stderr


@pytest.mark.parametrize("definition, says", [
    ('{"Version": "2020-12-01", "Steps": ' + "[" * 100000 + "]" * 100000 + "}", "nests too deeply"),
    ('{"Version": "2020-12-01", "Steps": [{"Name": "S", "Type": "X", "Arguments": '
     + '{"a": ' * 200 + "1" + "}" * 200 + "}]}", "nests more than 128 levels deep"),
    ('{"Version": "2020-12-01", "Parameters": [{"Name": "A", "Type": "Integer", "DefaultValue": '
     + "9" * 5000 + '}], "Steps": []}', "an integer of 5,000 digits"),
    ('{"Version": "2020-12-01", "PipelineExperimentConfig": [1], "Steps": []}',
     "`PipelineExperimentConfig` must be an object or null"),
    ('{"Version": "2020-12-01", "Parameters": {"A": 1}, "Steps": []}', "`Parameters` must be a list"),
    ('{"Version": "2020-12-01", "PipelineExperimentConfig": {"ExperimentName": 5}, "Steps": []}',
     "`PipelineExperimentConfig` holds `ExperimentName` and `TrialName`"),
    ('{"Version": "2020-12-01", "Steps": [{"Name": "S", "Type": "X", "Arguments": '
     + '{"a": ' * 70 + "1" + "}" * 70 + "}]}", "step 'S' cannot be written as a .pipe file: nested too deeply"),
], ids=["deep-json", "deeper-than-pipe", "huge-integer", "experiment-list", "parameters-map", "experiment-number",
        "deeper-than-64"])
def test_hostile_definitions_import_to_located_errors(definition, says):
    from dsl.tools.importer import ImportError_

    with pytest.raises(ImportError_) as error:
        dsl.import_definition(definition)
    assert says in str(error.value) and "please report" not in error.value.render("x.json")


def test_import_name_that_cannot_name_a_pipeline_says_so(tmp_path):
    (tmp_path / "d.json").write_text('{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], '
                                     '"PipelineExperimentConfig": null, "Steps": []}')
    for bad in ("bad name!", "pipeline", "under_score"):
        run = _cli("import", tmp_path / "d.json", "--name", bad)
        assert run.returncode == 1 and f"the name {bad!r} cannot name a pipeline" in run.stderr, run.stderr
    assert _cli("import", tmp_path / "d.json", "--name", "Good-name-2").returncode == 0


# --- 9. var values are text ---------------------------------------------------------------

def test_invalid_utf8_and_lone_surrogates_in_var_values_name_their_source(tmp_path):
    text = 'var V: String = "x"\npipeline P {\n    step S: fail { error_message = V }\n}\n'
    (tmp_path / "p.pipe").write_text(text)
    env = dict(os.environ)
    env_bytes = {k.encode(): v.encode() for k, v in env.items()}
    env_bytes[b"PIPEDSL_VAR_V"] = b"caf\xe9"
    run = subprocess.run([sys.executable, "-m", "dsl", "check", str(tmp_path / "p.pipe")], capture_output=True,
                         text=True, timeout=60, env=env_bytes)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "the value of var `V` from the environment (PIPEDSL_VAR_V) is not text (it holds invalid UTF-8" \
        in run.stderr
    (tmp_path / "v.json").write_text('{"V": "a\\ud800b"}')
    run = _cli("check", tmp_path / "p.pipe", "--vars", tmp_path / "v.json")
    assert run.returncode == 1 and f"from {tmp_path / 'v.json'} is not text" in run.stderr, run.stderr
    _, found = dsl.analyse(text, vars={"V": "a\udcffb"})
    assert [d.code for d in found] == ["E0161"]


def test_duplicate_keys_in_a_json_vars_file_are_refused(tmp_path):
    (tmp_path / "p.pipe").write_text('var V: String = "x"\npipeline P {\n    step S: fail { error_message = V }\n}\n')
    (tmp_path / "v.json").write_text('{"V": "a", "V": "b"}')
    run = _cli("check", tmp_path / "p.pipe", "--vars", tmp_path / "v.json")
    assert run.returncode == 2 and "the key 'V' is given twice" in run.stderr, run.stderr


# --- 10. the entry-point cache is untrusted input -----------------------------------------

@pytest.mark.parametrize("content", [b"[1, 2]", b"[" * 100000 + b"]" * 100000, b'{"key": 1}', b"\xff\xfe",
                                     b'{"key": "K", "entry_points": [[1, 2, 3]]}', b'{"key": "K", "entry_points": 5}',
                                     b"{" + b'"a": 1, ' * 200000 + b'"key": "K"}', b"FIFO"],
                         ids=["list", "deep", "wrong-key", "not-utf8", "bad-pair", "not-list", "huge", "fifo"])
def test_any_entry_point_cache_is_ignored_and_rebuilt(tmp_path, monkeypatch, content):
    from dsl.extension import entry_points

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(entry_points, "_key", lambda: "K")
    monkeypatch.setattr(entry_points, "_scan", lambda: [("mine", "my_module:plugin")])
    cache = tmp_path / "pipedsl" / "entry-points.json"
    cache.parent.mkdir(mode=0o700)
    if content == b"FIFO":
        os.mkfifo(cache)
    else:
        cache.write_bytes(content)
    assert [(n, v) for n, v, _ in entry_points.pipedsl_entry_points()] == [("mine", "my_module:plugin")]
    assert json.loads(cache.read_text()) == {"key": "K", "entry_points": [["mine", "my_module:plugin"]]}


# --- 12. plugins cannot take the process down or corrupt output -----------------------------

NOISY_PLUGINS = {
    "pdsl_exit_at_import": "import sys\nsys.exit(3)\n",
    "pdsl_exit_in_hook": ("import sys\nfrom dsl.extension.hookspecs import hookimpl\n\n@hookimpl\n"
                          "def pipedsl_emitters():\n    sys.exit(4)\n"),
    "pdsl_prints": ('print("printed at import")\nfrom dsl.extension.emitters import Emitter\nfrom dsl.extension.hookspecs import hookimpl\n'
                    "from dsl.extension.kinds import StepKind\n\n"
                    "class Loud(StepKind):\n    name = 'loud'\n    type = 'Fail'\n    fields = {}\n"
                    "    def check(self, step, ctx):\n        print('printed in check')\n        return ()\n"
                    "    def json_arguments(self, step, ctx):\n        print('printed in json')\n"
                    "        return {'ErrorMessage': 'loud'}\n\n"
                    "@hookimpl\ndef pipedsl_step_kinds():\n    print('printed in a hook')\n    return [Loud()]\n\n"
                    "def emit(program, options):\n    print('printed in emit')\n    return 'out\\n'\n\n"
                    "@hookimpl\ndef pipedsl_emitters():\n    return [Emitter('loud', 'loud', emit)]\n"),
}


def test_plugins_that_exit_or_print_are_named_and_stdout_stays_clean(tmp_path):
    for name, code in NOISY_PLUGINS.items():
        (tmp_path / f"{name}.py").write_text(code)
    source = tmp_path / "p.pipe"
    source.write_text('pipeline P {\n    step L: loud {}\n    step F: fail { error_message = "x" }\n}\n')
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PIPEDSL_PLUGINS=",".join(NOISY_PLUGINS))
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(source), "--compact"], capture_output=True,
                         text=True, timeout=60, env=env)
    assert run.returncode == 0, run.stderr
    definition = json.loads(run.stdout)  # nothing but the definition on stdout
    assert [s["Arguments"]["ErrorMessage"] for s in definition["Steps"]] == ["loud", "x"]
    assert "plugin module `pdsl_exit_at_import` failed to import: SystemExit: 3" in run.stderr
    assert "plugin `pdsl_exit_in_hook`: pipedsl_emitters() raised SystemExit: 4" in run.stderr
    for printed in ("printed at import", "printed in a hook", "printed in check", "printed in json"):
        assert printed in run.stderr and printed not in run.stdout
    run = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(source), "--to", "loud"], capture_output=True,
                         text=True, timeout=60, env=env)
    assert run.returncode == 0 and run.stdout == "out\n" and "printed in emit" in run.stderr


# --- 14. json_get on a raw step's property file ------------------------------------------

RAW_PROPERTY_FILE = '''pipeline RawPf {
    step Eval: raw {
        type      = "Processing"
        arguments = { AppSpecification: { ImageUri: "img" } }
        extra     = { PropertyFiles: [{ PropertyFileName: "Report", OutputName: "evaluation", FilePath: "e.json" }] }
    }
    step Check: condition {
        when json_get(Eval.Report, "metrics.mse.value") <= 6.0
        if_steps = [Stop]
    }
    step Stop: fail { error_message = "x" }
}
'''


def test_json_get_on_a_raw_steps_property_file_runs_in_the_sdk_and_gives_the_same_json(sdk):
    code = dsl.transpile(RAW_PROPERTY_FILE, to="sdk")
    assert 'property_file="Report"' in code
    assert sdk.definition(code=code) == dsl.transpile(RAW_PROPERTY_FILE, compact=True)


# --- 15. local paths where S3 URIs go ----------------------------------------------------

def test_a_local_processing_source_or_destination_is_a_located_error_not_a_bad_s3_uri():
    text = PROCESSING.format(code="s3://b/code.py").replace(
        '        code           = "s3://b/code.py"\n',
        '        code           = "s3://b/code.py"\n'
        '        input raw { source = "data/raw.csv", destination = "/opt/ml/processing/input" }\n'
        '        output train { source = "/opt/ml/processing/train", destination = "out/train" }\n'
        '        output fine { source = "/opt/ml/processing/fine", destination = "s3://b/fine" }\n')
    _, found = dsl.analyse(text)
    assert [(d.code, d.span.line, d.span.column, d.message) for d in found] == [
        ("E0304", 10, 30, "the `source` of input `raw` is an s3:// URI, not `data/raw.csv`"),
        ("E0304", 11, 75, "the `destination` of output `train` is an s3:// URI, not `out/train`")]


# --- 16. run --param takes numbers as the service does ------------------------------------

@pytest.mark.parametrize("kind, value, ok", [
    ("Integer", "5", True), ("Integer", "-12", True), ("Integer", "1_000", False), ("Integer", " 5", False),
    ("Integer", "\u0665", False), ("Integer", "5.0", False), ("Integer", "9" * 30, False), ("Integer", "+5", False),
    ("Float", "0.5", True), ("Float", "1e-3", True), ("Float", "7", True), ("Float", "nan", False),
    ("Float", "inf", False), ("Float", "-Infinity", False), ("Float", "1e999", False), ("Float", "1_0.5", False),
    ("Float", "\uff11.5", False), ("Boolean", "TRUE", True), ("Boolean", "yes", False), ("String", "nan", True),
])
def test_run_param_values_are_what_the_service_takes(kind, value, ok):
    from dsl.aws.commands import AwsProblem, parameters

    default = {"Integer": "1", "Float": "1.0", "Boolean": "true", "String": '"s"'}[kind]
    program, found = dsl.analyse(f'pipeline P {{\n    param X: {kind} = {default}\n'
                                 '    step S: fail { error_message = "x" }\n}\n')
    assert not [d for d in found if d.is_error]
    if ok:
        assert parameters(program, [("X", value)]) == {"X": value.lower() if kind == "Boolean" else value}
    else:
        with pytest.raises(AwsProblem, match=f"parameter 'X' is {kind}"):
            parameters(program, [("X", value)])


def test_a_file_added_to_a_source_dir_after_the_hash_is_an_error_not_packed_unhashed(project):
    text = FRAMEWORK.format(source_dir="src")
    with localcode.snapshot():
        program, found = dsl.analyse(text, filename=str(project / "p.pipe"))
        assert not [d for d in found if d.is_error]
        dsl.transpile(text, filename=str(project / "p.pipe"))  # hashes src/
        (project / "src" / "late.py").write_text("print('added after the hash')\n")
        with pytest.raises(localcode.Changed, match="its files changed after pipedsl read them"):
            program.uploads()[0].body()
    [upload] = program.uploads()  # outside a snapshot: what is there now, hashed and packed alike
    with tarfile.open(fileobj=io.BytesIO(upload.body())) as tar:
        assert sorted(tar.getnames()) == ["late.py", "train.py"]


def test_members_written_out_do_not_count_against_the_loop_limit():
    """A 6,000-step file written out (a generated pipeline, the speed benchmark's 10,000
    steps) is not refused: only members loops make are counted."""
    steps = "\n".join(f'    step S{i}: fail {{ error_message = "x" }}' for i in range(6000))
    _, found = dsl.analyse("pipeline P {\n" + steps + "\n}\n")
    assert [d.code for d in found] == []
