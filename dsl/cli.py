"""The `pipedsl` command line. Exit codes: 0 success, 1 the input has errors, 2 usage errors.

Only what a command uses is imported: the emitters' own dependencies load when they run.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import List, Optional

from dsl import __version__
from dsl.diagnostics import use_colour
from dsl.output import OutputError, Streams, write_file


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, as argparse does, with our prefix
        self.print_usage(sys.stderr)
        self.exit(2, f"pipedsl: error: {message}\n")


def _parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, just that command's (`main` builds one
    subparser, not eleven, when it can tell the command: argparse's set-up is a tenth of a
    small file's transpile)."""
    parser = _Parser(
        prog="pipedsl",
        description="Transpile .pipe files (SageMaker Model Building Pipelines) to the pipeline "
                    "definition JSON, SageMaker SDK code, docs, or any installed emitter's output.",
        epilog="Exit codes: 0 success, 1 the input has errors, 2 usage errors. Use `-` for standard input.",
    )
    parser.add_argument("--version", action="version", version=f"pipedsl {__version__}")
    parser.add_argument("-p", "--plugin", action="append", default=[], metavar="MODULE",
                        help="also load plugin MODULE (repeatable; also PIPEDSL_PLUGINS=a,b)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    if only in (None, "transpile"):
        transpile_cmd = commands.add_parser("transpile", help="transpile one .pipe file",
                                            description="Transpile one .pipe file with an emitter.")
        transpile_cmd.add_argument("file", help="the .pipe file, or - for standard input")
        transpile_cmd.add_argument("--to", default="json", metavar="NAME",
                                   help="emitter to use (default: json; see `pipedsl emitters`)")
        transpile_cmd.add_argument("-o", "--output", metavar="OUT",
                                   help="write to OUT (atomically: on any error OUT is left as it was)")
        transpile_cmd.add_argument("--compact", action="store_true",
                                   help="json: exactly the string SageMaker SDK Pipeline.definition() returns")
        transpile_cmd.add_argument("--format", choices=["text", "json"], default="text",
                                   help="how problems are reported: text on stderr (default), or json on stdout "
                                        "(a list of diagnostics, as `check --format json`)")
        transpile_cmd.add_argument("--stdin-filename", metavar="NAME",
                                   help="with `-`: the file name to report (editors pipe a buffer in)")
        _program_options(transpile_cmd)

    if only in (None, "check"):
        check_cmd = commands.add_parser("check", help="check .pipe files and report every problem",
                                        description="Check .pipe files; print every problem of each.")
        check_cmd.add_argument("files", nargs="+", metavar="PATH",
                               help=".pipe files, folders (every *.pipe below them), or - for standard input")
        check_cmd.add_argument("--format", choices=["text", "json"], default="text",
                               help="text (default) or json (a list of diagnostics, for tools)")
        check_cmd.add_argument("--stdin-filename", metavar="NAME",
                               help="with `-`: the file name to report (editors pipe a buffer in)")
        _program_options(check_cmd)

    if only in (None, "fmt"):
        fmt_cmd = commands.add_parser("fmt", help="format .pipe files in place",
                                      description="Format .pipe files in the canonical layout (in place). "
                                                  "A folder means every *.pipe below it; no PATH means `.`; "
                                                  "`-` reads standard input and writes standard output.")
        fmt_cmd.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
        fmt_cmd.add_argument("--check", action="store_true",
                             help="write nothing; list the files that would change; exit 1 if any would")
        fmt_cmd.add_argument("--diff", action="store_true",
                             help="write nothing; print unified diffs (exit 1 if a file would change)")

    if only in (None, "import"):
        import_cmd = commands.add_parser("import", help="a pipeline definition JSON to a .pipe file",
                                         description="Write a .pipe file (canonical layout) that transpiles back to "
                                                     "the same definition JSON, key order included.")
        import_cmd.add_argument("file", nargs="?", default="-", help="the definition JSON (default: - for standard input)")
        import_cmd.add_argument("--pipeline", metavar="NAME", help="read the definition of a deployed pipeline (boto3)")
        import_cmd.add_argument("--execution", metavar="ARN", help="read the definition an execution ran (boto3)")
        _aws_options(import_cmd)
        import_cmd.add_argument("-o", "--output", metavar="OUT", help="write to OUT (atomically) instead of stdout")
        import_cmd.add_argument("--name", default=None,
                                help="the pipeline's name (a definition does not hold it; default: the name in the SDK's "
                                     "default S3 paths if any, else the file's stem)")

    if only in (None, "deploy"):
        deploy_cmd = commands.add_parser("deploy", help="create or update the pipeline in SageMaker",
                                         description="Check and transpile FILE, then create the pipeline, or update it "
                                                     "when its definition, role, description or parallelism differ.")
        deploy_cmd.add_argument("file")
        deploy_cmd.add_argument("--role", help="the pipeline's IAM role ARN (default: the pipeline's `role`)")
        deploy_cmd.add_argument("--description", help="the pipeline's description (default: its `description`)")
        deploy_cmd.add_argument("--tag", action="append", default=[], type=_key_value, metavar="K=V",
                                help="a tag of a new pipeline (repeatable)")
        deploy_cmd.add_argument("--parallelism", type=int, metavar="N", help="at most N steps at once")
        deploy_cmd.add_argument("--dry-run", action="store_true", help="say what would be done; call no write API")
        deploy_cmd.add_argument("--yes", action="store_true", help="update without asking")
        _aws_options(deploy_cmd)
        _program_options(deploy_cmd)

    if only in (None, "diff"):
        diff_cmd = commands.add_parser("diff", help="what deploying the file would change",
                                       description="The plan: steps added, removed and changed, and each changed "
                                                   "member in .pipe words, against the deployed pipeline (or an "
                                                   "execution's definition); --json adds the JSON diff. Exit 0 same, "
                                                   "1 different (nothing deployed included), 2 trouble.")
        diff_cmd.add_argument("file")
        diff_cmd.add_argument("--execution", metavar="ARN", help="compare with the definition this execution ran")
        diff_cmd.add_argument("--json", action="store_true", help="after the plan, the unified diff of the definitions")
        _aws_options(diff_cmd)
        _program_options(diff_cmd)

    if only in (None, "package"):
        package_cmd = commands.add_parser("package", help="upload the local code and write the definition, for IaC",
                                          description="Upload the local code FILE names (as deploy does) and write "
                                                      "the definition JSON, or with --to another emitter's output "
                                                      "(e.g. a CloudFormation template), without creating or "
                                                      "changing the pipeline: for CloudFormation, Terraform or CDK.")
        package_cmd.add_argument("file")
        package_cmd.add_argument("--to", default="json", metavar="NAME", help="the emitter (default: json)")
        package_cmd.add_argument("-o", "--output", metavar="OUT", help="write to OUT (atomically) instead of stdout")
        package_cmd.add_argument("--dry-run", action="store_true", help="say what would be uploaded; write nothing")
        _aws_options(package_cmd)
        _program_options(package_cmd)

    if only in (None, "run"):
        run_cmd = commands.add_parser("run", help="start an execution of the deployed pipeline",
                                      description="Start an execution with parameters checked against FILE; refuses "
                                                  "when the deployed definition differs from FILE.")
        run_cmd.add_argument("file")
        run_cmd.add_argument("--param", action="append", default=[], type=_key_value, metavar="K=V",
                             help="a parameter value (repeatable)")
        run_cmd.add_argument("--wait", action="store_true", help="follow the execution to its end (exit 0 Succeeded)")
        run_cmd.add_argument("--timeout", type=float, metavar="S", help="with --wait: give up after S seconds")
        run_cmd.add_argument("--allow-drift", action="store_true", help="run even if the deployed definition differs")
        run_cmd.add_argument("--only", action="append", default=[], metavar="STEP",
                             help="selective execution: run only STEP (repeatable, or STEP,STEP); the other steps' "
                                  "outputs are reused from an earlier execution")
        run_cmd.add_argument("--from", dest="from_step", metavar="STEP",
                             help="selective execution: run STEP and every step after it, reusing the rest")
        run_cmd.add_argument("--reuse", metavar="EXECUTION",
                             help="with --only/--from: the execution (ARN or ID) whose outputs are reused "
                                  "(default: the pipeline's latest execution that is not running)")
        run_cmd.add_argument("--studio-domain", metavar="ID",
                             help="the SageMaker Studio domain (d-...) whose link to the execution is printed "
                                  "(default: the account's only domain)")
        _aws_options(run_cmd)
        _program_options(run_cmd)

    if only in (None, "lsp"):
        commands.add_parser("lsp", help="run the language server on stdio (needs the lsp extra)",
                            description="Run the .pipe language server over stdio, for editors.")
    if only in (None, "emitters"):
        commands.add_parser("emitters", help="list the installed emitters",
                            description="List every installed emitter with a one-line description.")
    return parser


_COMMAND_NAMES = ("transpile", "check", "fmt", "import", "deploy", "diff", "package", "run", "lsp", "emitters")


def _command_of(argv: List[str]) -> Optional[str]:
    """The command `argv` names, when nothing before it but `-p MODULE` options can change
    what it means; else None (then every command's parser is built, as for `--help`)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ("-p", "--plugin"):
            i += 2
        elif word.startswith("--plugin=") or (word.startswith("-p") and len(word) > 2 and not word.startswith("--")):
            i += 1
        else:
            return word if word in _COMMAND_NAMES else None
    return None


def _program_options(command):
    """The options of commands that build the program: vars and the project root."""
    command.add_argument("--root", metavar="DIR",
                         help="local code paths and imports must stay inside DIR (default: the file's folder)")
    command.add_argument("--var", action="append", default=[], type=_key_value, metavar="NAME=VALUE",
                         help="a var's value (repeatable; strongest)")
    command.add_argument("--vars", action="append", default=[], metavar="FILE",
                         help="a TOML (.toml) or JSON file of var values (repeatable; later files win)")
    command.add_argument("--sdk", choices=("2", "3"), default=None,
                         help="the SageMaker Python SDK the definition is written for (default: the pipeline's "
                              "`sdk`, else 2)")


def _sdk(args) -> Optional[int]:
    """`--sdk 2|3`, else 3 for `--to sdk3` (the v3 program builds the v3 definition), else None
    (the pipeline's `sdk`, or 2)."""
    given = getattr(args, "sdk", None)
    if given is not None:
        return int(given)
    return 3 if getattr(args, "to", None) == "sdk3" else None


def _given_vars(args, streams: Streams):
    """The vars' values from --var, --vars and PIPEDSL_VAR_* (the files read once per
    command); None (after one line) when a file cannot be read (exit 2)."""
    from dsl.diagnostics import visible
    from dsl.semantics.variables import VarsError, merged

    try:
        return merged(args.var, args.vars)
    except VarsError as exc:
        streams.err(f"pipedsl: error: {visible(str(exc))}\n")
        return None


def _refuse_unknown_var(args, program, given, streams: Streams) -> bool:
    """A name given by --var or --vars that the file declares nowhere is a usage error (exit
    2), reported before the file's own problems; True when one was."""
    from dsl.diagnostics import did_you_mean, visible
    from dsl.semantics.variables import unknown_names

    if program is None or not (args.var or args.vars):
        return False
    declared = program.var_names
    unknown = unknown_names(given, declared)
    if not unknown:
        return False
    name, source = unknown[0]
    hint = did_you_mean(name, declared)
    streams.err(f"pipedsl: error: no var {name!r} is declared (given by {visible(source)})"
                + (f"; {hint}" if hint else f"; declared: {', '.join(sorted(declared)) or 'none'}") + "\n")
    return True


def _aws_options(command):
    group = command.add_argument_group("AWS")
    group.add_argument("--region", help="the AWS region (default: the usual configuration)")
    group.add_argument("--profile", help="the AWS profile")
    group.add_argument("--endpoint-url", help="another SageMaker endpoint (a test server; also AWS_ENDPOINT_URL)")


def _key_value(text: str):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected K=V, not {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value


class _Unreadable(Exception):
    pass


def _read(path: str, stdin_name: Optional[str] = None):
    """(text, shown name) of a file or `-`; raise _Unreadable with a one-line reason."""
    from dsl.syntax.source import SourceError, read_path, read_stream

    try:
        if path == "-":
            if sys.stdin is None:
                raise _Unreadable("cannot read standard input: it is closed")
            name = stdin_name or "<stdin>"
            return read_stream(sys.stdin.buffer, name), name
        return read_path(path), path
    except SourceError as exc:
        raise _Unreadable(str(exc)) from None
    except OSError as exc:
        raise _Unreadable(f"cannot read {path}: {exc.strerror or exc}") from None


def _unreadable_entry(path: str, exc, stdin_name: Optional[str] = None) -> dict:
    return {"severity": "error", "code": "E0006", "message": str(exc),
            "file": (stdin_name or "<stdin>") if path == "-" else path, "line": 1, "column": 1,
            "end_line": 1, "end_column": 1, "hint": None}


def _report_plugin_problems(registry, streams: Streams):
    for problem in registry.problems:
        streams.err(f"pipedsl: warning: {problem}\n")


def _summary(problems, name: str) -> str:
    errors = sum(d.is_error for d in problems)
    return f"pipedsl: {errors} error{'s' if errors != 1 else ''} in {name}\n"


def _same_file(one: str, other: str) -> bool:
    """Whether two paths name one file (through links too); False when either is missing."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _transpile(args, registry, streams: Streams) -> int:
    from dsl.api import PipeError, analyse, emit
    from dsl.diagnostics import did_you_mean, visible

    try:
        text, name = _read(args.file, args.stdin_filename)
    except _Unreadable as exc:
        if args.format == "json":
            streams.out(json.dumps([_unreadable_entry(args.file, exc)], indent=2, ensure_ascii=False) + "\n")
        else:
            streams.err(f"pipedsl: error: {visible(str(exc))}\n")
        return 2
    if args.output and args.file != "-" and _same_file(args.output, args.file):
        streams.err(f"pipedsl: error: -o {visible(args.output)} is the input file itself: write the output "
                    "elsewhere\n")
        return 2
    if args.to not in registry.emitters:
        hint = did_you_mean(args.to, registry.emitters)
        streams.err(f"pipedsl: error: no emitter called `{visible(args.to)}`"
                    f"{'; ' + hint if hint else ''} (installed: {', '.join(sorted(registry.emitters))})\n")
        return 2
    given = _given_vars(args, streams)
    if given is None:
        return 2
    try:
        program, problems = analyse(text, name, registry, given, root=args.root, sdk=_sdk(args))
        if _refuse_unknown_var(args, program, given, streams):
            return 2
        output = emit(program, problems, text, name, to=args.to, compact=args.compact, registry=registry)
    except PipeError as exc:
        if args.format == "json":
            from dsl.diagnostics import to_dicts

            streams.out(json.dumps(to_dicts(exc.diagnostics, name), indent=2, ensure_ascii=False) + "\n")
        else:
            streams.err(exc.render(colour=use_colour(sys.stderr)))
            streams.err(_summary(exc.diagnostics, name))
        return 1
    return _deliver(args.output, output, streams)


def _deliver(path: Optional[str], text: str, streams: Streams) -> int:
    """`text` to `path` (written safely, see dsl.output) or to stdout; the exit status."""
    from dsl.diagnostics import visible

    if path:
        try:
            write_file(path, text)
        except OutputError as exc:
            streams.err(f"pipedsl: error: {visible(str(exc))}\n")
            return 2
        return 0
    streams.out(text)
    return 0


def _check(args, registry, streams: Streams) -> int:
    from dsl.api import analyse
    from dsl.diagnostics import render_text, to_dicts, visible
    from dsl.tools.fmt_command import pipe_files

    given = _given_vars(args, streams)
    if given is None:
        return 2
    status, collected = 0, []
    colour = use_colour(sys.stderr)
    for path in pipe_files(args.files):
        try:
            text, name = _read(path, args.stdin_filename)
        except _Unreadable as exc:
            status = 2
            if args.format == "json":
                collected.append(_unreadable_entry(path, exc, args.stdin_filename))
            else:
                streams.err(f"pipedsl: error: {visible(str(exc))}\n")
            continue
        program, problems = analyse(text, name, registry, given, root=args.root, sdk=_sdk(args))
        if _refuse_unknown_var(args, program, given, streams):
            status = 2
            continue
        if any(d.is_error for d in problems):
            status = max(status, 1)
        if args.format == "json":
            collected += to_dicts(problems, name)
        elif problems:
            streams.err(render_text(problems, text, name, colour=colour))
            streams.err(_summary(problems, name))
        else:
            streams.out(f"{name}: ok\n")
    if args.format == "json":
        streams.out(json.dumps(collected, indent=2, ensure_ascii=False) + "\n")
    return status


def _fmt(args, registry, streams: Streams) -> int:
    from dsl.tools.fmt_command import run_fmt

    return run_fmt(args, streams, _read, _Unreadable)


def _lsp(streams: Streams) -> int:
    try:
        from dsl.tools.lsp import main as serve
    except ImportError as exc:
        streams.err(f"pipedsl: error: the language server needs pygls: pip install 'pipedsl-sagemaker[lsp]' ({exc})\n")
        return 2
    serve()
    return 0


def _emitters(registry, streams: Streams) -> int:
    width = max((len(n) for n in registry.emitters), default=0)
    for name in sorted(registry.emitters):
        emitter = registry.emitters[name]
        streams.out(f"{name.ljust(width)}  {emitter.description}  [{emitter.plugin}]\n")
    return 0


def _import(args, registry, streams: Streams) -> int:
    import os

    from dsl.diagnostics import visible
    from dsl.syntax.parser import MAX_FILE_BYTES
    from dsl.syntax.source import SourceError, read_bytes
    from dsl.tools.importer import ImportError_, import_definition

    remote_name = None
    try:
        if args.pipeline or args.execution:
            from dsl.aws.commands import AwsProblem, fetch_definition

            try:
                text, remote_name = fetch_definition(args)
            except AwsProblem as problem:
                streams.err(f"pipedsl: error: {visible(str(problem))}\n")
                return problem.status
            shown = args.pipeline or args.execution
        elif args.file == "-":
            if sys.stdin is None:
                raise _Unreadable("cannot read standard input: it is closed")
            data, shown = sys.stdin.buffer.read(MAX_FILE_BYTES + 1), "<stdin>"
            if len(data) > MAX_FILE_BYTES:
                raise _Unreadable(f"standard input holds more than {MAX_FILE_BYTES // 2**20} MiB, the most "
                                  "pipedsl reads")
            text = data.decode("utf-8-sig")
        else:
            data, shown = read_bytes(args.file), args.file
            text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, _Unreadable, SourceError) as exc:
        reason = str(exc) if isinstance(exc, SourceError) else f"cannot read {args.file}: {exc}"
        streams.err(f"pipedsl: error: {visible(reason)}\n")
        return 2
    stem = ("Imported" if args.file == "-" else
            re.sub(r"[^A-Za-z0-9-]+", "-", os.path.splitext(os.path.basename(args.file))[0]).strip("-") or "Imported")
    try:
        # local code is looked for where the file goes (the current folder for stdout)
        folder = os.path.dirname(os.path.abspath(args.output)) if args.output not in (None, "-") else os.getcwd()
        pipe = import_definition(text, name=args.name or remote_name, fallback_name=stem, folder=folder)
    except ImportError_ as exc:
        streams.err(exc.render(shown))
        streams.err(f"pipedsl: {shown} not imported\n")
        return 1
    return _deliver(args.output, pipe, streams)


def _aws(args, registry, streams: Streams) -> int:
    """deploy, diff, run and package: the file checked and transpiled first (any error: nothing
    called), in one snapshot of the local code: each file is read once, and what is hashed
    into the definition is what is uploaded."""
    from dsl.semantics.localcode import snapshot

    with snapshot():
        return _aws_in_snapshot(args, registry, streams)


def _aws_in_snapshot(args, registry, streams: Streams) -> int:
    from dsl.api import PipeError, analyse, emit
    from dsl.diagnostics import visible

    try:
        text, name = _read(args.file)
    except _Unreadable as exc:
        streams.err(f"pipedsl: error: {visible(str(exc))}\n")
        return 2
    given = _given_vars(args, streams)
    if given is None:
        return 2
    program, problems = analyse(text, name, registry, given, root=args.root, sdk=_sdk(args))
    if _refuse_unknown_var(args, program, given, streams):
        return 2
    try:
        definition = emit(program, problems, text, name, compact=True, registry=registry)
    except PipeError as exc:
        streams.err(exc.render(colour=use_colour(sys.stderr)))
        streams.err(_summary(exc.diagnostics, name))
        return 1
    from dsl.aws import commands as aws

    try:
        if args.command == "deploy":
            return aws.deploy(args, program, definition, streams, aws.interactive_confirm)
        if args.command == "diff":
            return aws.diff(args, program, definition, streams)
        if args.command == "package":
            if args.to not in registry.emitters:
                streams.err(f"pipedsl: error: no emitter called `{visible(args.to)}` (installed: "
                            f"{', '.join(sorted(registry.emitters))})\n")
                return 2
            if args.output and _same_file(args.output, args.file):
                streams.err(f"pipedsl: error: -o {visible(args.output)} is the input file itself\n")
                return 2
            try:
                status, output = aws.package(args, program, streams, lambda: emit(
                    program, problems, text, name, to=args.to, registry=registry))
            except PipeError as exc:  # the emitter failed (a plugin's)
                streams.err(exc.render(colour=use_colour(sys.stderr)))
                return 1
            return _deliver(args.output, output, streams) if output is not None else status
        return aws.run(args, program, definition, streams, aws.interactive_confirm)
    except aws.AwsProblem as problem:
        streams.err(f"pipedsl: error: {visible(str(problem))}\n")
        return 2 if args.command == "diff" else problem.status  # diff: 1 means "different"


_COMMANDS = {"transpile": _transpile, "check": _check, "fmt": _fmt, "import": _import,
             "deploy": _aws, "diff": _aws, "run": _aws, "package": _aws}


def main(argv: Optional[List[str]] = None) -> int:
    streams = Streams()
    try:
        streams.setup()
        parser = _parser(_command_of(sys.argv[1:] if argv is None else argv))
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if args.command == "lsp":
            return _lsp(streams)
        from dsl.extension.plugin_manager import build_registry

        registry = build_registry(args.plugin)
        _report_plugin_problems(registry, streams)
        if args.command == "emitters":
            status = _emitters(registry, streams)
        else:
            status = _COMMANDS[args.command](args, registry, streams)
    except KeyboardInterrupt:
        streams.err("pipedsl: interrupted\n")
        return 130
    if streams.failed:
        streams.err(f"pipedsl: error: {streams.failed}\n")
        return max(status, 2)
    return status


def console() -> None:
    """The `pipedsl` console script: `main` with Ctrl-C at any moment (imports included)
    ending quietly with status 130."""
    try:
        status = main()
    except KeyboardInterrupt:
        status = 130
    sys.exit(status)


if __name__ == "__main__":
    console()
