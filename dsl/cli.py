"""The `pipedsl` command line. Exit codes: 0 success, 1 the input has errors, 2 usage errors."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import List, Optional

from . import __version__
from .api import PipeError, analyse, transpile
from .diagnostics import render_text, to_dicts
from .plugin_manager import Registry, build_registry


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, as argparse does, with our prefix
        self.print_usage(sys.stderr)
        self.exit(2, f"pipedsl: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
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

    transpile_cmd = commands.add_parser("transpile", help="transpile one .pipe file",
                                        description="Transpile one .pipe file with an emitter.")
    transpile_cmd.add_argument("file", help="the .pipe file, or - for standard input")
    transpile_cmd.add_argument("--to", default="json", metavar="NAME",
                               help="emitter to use (default: json; see `pipedsl emitters`)")
    transpile_cmd.add_argument("-o", "--output", metavar="OUT",
                               help="write to OUT (atomically: on any error OUT is left as it was)")
    transpile_cmd.add_argument("--compact", action="store_true",
                               help="json: exactly the string SageMaker SDK Pipeline.definition() returns")

    check_cmd = commands.add_parser("check", help="check .pipe files and report every problem",
                                    description="Check .pipe files; print every problem of each.")
    check_cmd.add_argument("files", nargs="+", metavar="FILE", help=".pipe files, or - for standard input")
    check_cmd.add_argument("--format", choices=["text", "json"], default="text",
                           help="text (default) or json (a list of diagnostics, for tools)")

    commands.add_parser("emitters", help="list the installed emitters",
                        description="List every installed emitter with a one-line description.")
    return parser


def _read(path: str):
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    with open(path, encoding="utf-8") as handle:
        return handle.read(), path


def _write_atomically(path: str, text: str):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".pipedsl-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _report_plugin_problems(registry: Registry):
    for problem in registry.problems:
        sys.stderr.write(f"pipedsl: warning: {problem}\n")


def _transpile(args, registry) -> int:
    try:
        text, name = _read(args.file)
    except (OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"pipedsl: error: cannot read {args.file}: {exc}\n")
        return 2
    if args.to not in registry.emitters:
        from .diagnostics import did_you_mean

        hint = did_you_mean(args.to, registry.emitters)
        sys.stderr.write(f"pipedsl: error: no emitter called `{args.to}`"
                         f"{'; ' + hint if hint else ''} (installed: {', '.join(sorted(registry.emitters))})\n")
        return 2
    try:
        output = transpile(text, to=args.to, filename=name, compact=args.compact, registry=registry)
    except PipeError as exc:
        sys.stderr.write(exc.render())
        errors = sum(d.is_error for d in exc.diagnostics)
        sys.stderr.write(f"pipedsl: {errors} error{'s' if errors != 1 else ''} in {name}\n")
        return 1
    if args.output:
        try:
            _write_atomically(args.output, output)
        except OSError as exc:
            sys.stderr.write(f"pipedsl: error: cannot write {args.output}: {exc}\n")
            return 2
    else:
        sys.stdout.write(output)
        sys.stdout.flush()
    return 0


def _check(args, registry) -> int:
    status, collected = 0, []
    for path in args.files:
        try:
            text, name = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"pipedsl: error: cannot read {path}: {exc}\n")
            status = 2
            continue
        _, problems = analyse(text, name, registry)
        if any(d.is_error for d in problems):
            status = max(status, 1)
        if args.format == "json":
            collected += to_dicts(problems, name)
        elif problems:
            sys.stderr.write(render_text(problems, text, name))
            errors = sum(d.is_error for d in problems)
            sys.stderr.write(f"pipedsl: {errors} error{'s' if errors != 1 else ''} in {name}\n")
        else:
            sys.stdout.write(f"{name}: ok\n")
    if args.format == "json":
        sys.stdout.write(json.dumps(collected, indent=2, ensure_ascii=False) + "\n")
    return status


def _emitters(registry) -> int:
    width = max((len(n) for n in registry.emitters), default=0)
    for name in sorted(registry.emitters):
        emitter = registry.emitters[name]
        sys.stdout.write(f"{name.ljust(width)}  {emitter.description}  [{emitter.plugin}]\n")
    return 0


def _utf8_streams():
    """.pipe files and every output are UTF-8, whatever the locale says."""
    for stream, errors in ((sys.stdin, "strict"), (sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors=errors)


def main(argv: Optional[List[str]] = None) -> int:
    _utf8_streams()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    registry = build_registry(args.plugin)
    _report_plugin_problems(registry)
    try:
        if args.command == "transpile":
            return _transpile(args, registry)
        if args.command == "check":
            return _check(args, registry)
        return _emitters(registry)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
