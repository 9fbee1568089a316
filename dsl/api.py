"""The thin public API: text in, IR or output text out, one exception type for problems."""
from __future__ import annotations

import contextlib
import gc
from typing import List, Optional, Sequence, Tuple

from dsl.diagnostics import NO_SPAN, Diagnostic, Span, did_you_mean, error, render_text, sort_key
from dsl.extension.plugin_manager import KindFailure, Registry, default_registry, third_party
from dsl.semantics.checks import check
from dsl.semantics.expand import expand
from dsl.semantics.program import Program
from dsl.syntax import ir, source
from dsl.syntax.parser import SyntaxProblem, parse_tree
from dsl.syntax.transformer import to_ir


class PipeError(Exception):
    """The input has problems; `diagnostics` holds every one of them, in source order."""

    def __init__(self, diagnostics: Sequence[Diagnostic], text: str = "", filename: str = "<string>"):
        self.diagnostics = list(diagnostics)
        self.text = text
        self.filename = filename
        first = self.diagnostics[0].message if self.diagnostics else "invalid input"
        more = len(self.diagnostics) - 1
        super().__init__(f"{filename}: {first}" + (f" (and {more} more)" if more > 0 else ""))

    def render(self, colour: bool = False) -> str:
        """The diagnostics as text, with source lines and carets (ANSI colours with `colour`)."""
        return render_text(self.diagnostics, self.text, self.filename, colour=colour)


def _one_pipeline(file: ir.File, text: str) -> List[Diagnostic]:
    if not file.pipelines:
        lines = text.split("\n")
        at = Span(len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 2)
        return [error("E0003", "no `pipeline` in this file", at, "the file ends here",
                      "declare one: `pipeline Name { ... }`")]
    return [error("E0003", "a file declares exactly one pipeline", p.name_span, "a second pipeline",
                  notes=[(file.pipelines[0].name_span, "the first")]) for p in file.pipelines[1:]]


@contextlib.contextmanager
def _no_cycle_collection():
    """Python's cyclic GC runs again and again while a parse builds hundreds of thousands of
    objects, none of them in cycles: on a 10,000-step file it made parsing quadratic (4.3 s
    instead of 1.8 s). It is paused for the call and restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyse(text: str, filename: str = "<string>", registry: Optional[Registry] = None, vars: Optional[dict] = None,
            root: Optional[str] = None, sdk: Optional[int] = None) -> Tuple[Optional[Program], List[Diagnostic]]:
    """Parse and check; return the program (None if it could not be built) and every problem.
    `vars` gives the `var`s their values (name -> value, or `dsl.semantics.variables.Given`); local
    paths and imports stay inside `root` (default: the folder of `filename`); `sdk` (2 or 3)
    is the SDK the definition is written for, over the pipeline's `sdk` attribute."""
    with _no_cycle_collection():
        return _analyse(text, filename, registry, vars, root, sdk)


def _analyse(text: str, filename: str, registry: Optional[Registry], vars: Optional[dict] = None,
             root: Optional[str] = None, sdk: Optional[int] = None) -> Tuple[Optional[Program], List[Diagnostic]]:
    registry = registry or default_registry()
    text = source.normalize(text)
    early = source.problems(text)
    if early:
        return None, early
    try:
        top, comments, problems = parse_tree(text)
    except SyntaxProblem as problem:
        return None, problem.diagnostics
    file, problems = to_ir(top, comments, text, filename, problems)
    problems += _one_pipeline(file, text) + source.bidi_warnings(text)
    imported: list = []
    if file.imports:
        from dsl.semantics import modules

        imported, found = modules.load(file, filename, root=root)
        problems += found
    if not file.pipelines:
        return None, sorted(problems, key=sort_key)
    program = Program(file, registry.kinds, vars, imported, root=root, sdk=sdk)  # names bound
    expand(program)  # templates, loops, `if`s, `${…}` names
    problems += check(program)
    return program, sorted(program.annotate(problems), key=sort_key)


def parse(text: str, filename: str = "<string>") -> ir.File:
    """Parse `.pipe` text into the IR; raise PipeError on any error (warnings pass)."""
    program, problems = analyse(text, filename)
    errors = [d for d in problems if d.is_error]
    if errors or program is None:
        raise PipeError(errors or problems, source.normalize(text), filename)
    return program.file


def transpile(text: str, to: str = "json", filename: str = "<string>", compact: bool = False,
              registry: Optional[Registry] = None, vars: Optional[dict] = None, root: Optional[str] = None,
              sdk: Optional[int] = None) -> str:
    """Transpile `.pipe` text with the emitter `to`; raise PipeError on any error. `vars`
    gives the `var`s their values (name -> value); `root` and `sdk` as for `analyse`."""
    with _no_cycle_collection():
        return _transpile(text, to, filename, compact, registry, vars, root, sdk)


def _transpile(text: str, to: str, filename: str, compact: bool, registry: Optional[Registry],
               vars: Optional[dict] = None, root: Optional[str] = None, sdk: Optional[int] = None) -> str:
    registry = registry or default_registry()
    text = source.normalize(text)
    if to == "sdk3" and sdk is None:  # (the v3 program builds the v3 definition)
        sdk = 3
    program, problems = _analyse(text, filename, registry, vars, root, sdk)
    return _emit(program, problems, text, filename, to, compact, registry)


def emit(program: Optional[Program], problems: List[Diagnostic], text: str, filename: str = "<string>",
         to: str = "json", compact: bool = False, registry: Optional[Registry] = None) -> str:
    """The second half of `transpile`, for a caller that already has `analyse`'s result:
    raise PipeError if it has errors, else run the emitter `to` on the program."""
    with _no_cycle_collection():
        try:
            return _emit(program, problems, text, filename, to, compact, registry or default_registry())
        except PipeError as exc:
            exc.text = source.normalize(exc.text)  # as `analyse` read it: the spans count in it
            raise


def _emit(program: Optional[Program], problems: List[Diagnostic], text: str, filename: str, to: str,
          compact: bool, registry: Registry) -> str:
    errors = [d for d in problems if d.is_error]
    if errors or program is None:
        raise PipeError(errors or problems, text, filename)
    emitter = registry.emitters.get(to)
    if emitter is None:
        raise PipeError([error("E0401", f"no emitter called `{to}`", NO_SPAN, "",
                               did_you_mean(to, registry.emitters) or
                               "installed: " + ", ".join(sorted(registry.emitters)))], text, filename)
    try:
        if emitter.plugin in registry.builtins:
            output = emitter.emit(program, {"compact": compact, "registry": registry.view()})
        else:
            with third_party():
                output = emitter.emit(program, {"compact": compact, "registry": registry.view()})
    except PipeError:
        raise
    except KindFailure as exc:
        raise PipeError([error("E0405", str(exc), NO_SPAN)], text, filename) from exc
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin's crash is reported, not a traceback
        raise PipeError([error("E0402", f"emitter `{to}` (plugin `{emitter.plugin}`) failed: "
                               f"{type(exc).__name__}: {exc}", NO_SPAN)], text, filename) from exc
    if not isinstance(output, str):
        raise PipeError([error("E0402", f"emitter `{to}` (plugin `{emitter.plugin}`) returned "
                               f"{type(output).__name__}, not text", NO_SPAN)], text, filename)
    return output
