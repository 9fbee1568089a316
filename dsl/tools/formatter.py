"""`dsl.format`: `.pipe` text in the canonical layout (LANGUAGE.md section 10), with the
safety check gdtoolkit's formatter has: the result is parsed again and must give the same IR
(positions and layout aside) and the same comments in the same order, or nothing is changed.
"""
from __future__ import annotations

from typing import List

import attrs

from dsl.diagnostics import NO_SPAN, Diagnostic, error
from dsl.syntax import ir, source
from dsl.syntax.parser import SyntaxProblem, parse_tree
from dsl.syntax.transformer import to_ir
from dsl.tools.printer import Printer

# Fields that say where or how something was written, not what it means.
_LAYOUT_FIELDS = {"span", "name_span", "key_span", "type_span", "kind_span", "raw", "key_raw",
                  "trailing_comma", "parenthesized", "depth", "filename", "comments"}


class FormatError(Exception):
    """The text cannot be formatted: `diagnostics` says why (syntax errors, or the safety
    check failed, E0501)."""

    def __init__(self, diagnostics: List[Diagnostic], text: str, filename: str):
        self.diagnostics, self.text, self.filename = diagnostics, text, filename
        super().__init__(f"{filename}: {diagnostics[0].message}")

    def render(self) -> str:
        from dsl.diagnostics import render_text

        return render_text(self.diagnostics, self.text, self.filename)


def shape(node):
    """The meaning of an IR node as plain data: every field but positions and layout."""
    stack_result = []

    def convert(value):
        if attrs.has(type(value)):
            return (type(value).__name__,) + tuple(
                (f.name, convert(getattr(value, f.name))) for f in attrs.fields(type(value))
                if f.name not in _LAYOUT_FIELDS and not f.name.endswith("_span"))
        if isinstance(value, tuple):
            return tuple(convert(v) for v in value)
        return value

    stack_result.append(convert(node))
    return stack_result[0]


def _parse(text: str, filename: str) -> ir.File:
    top, comments, problems = parse_tree(text)
    file, _ = to_ir(top, comments, text, filename, problems)
    return file


def format(text: str, filename: str = "<string>") -> str:  # noqa: A001 - the API's name
    """Return `text` formatted; raise FormatError when it has a syntax error or the result
    would not be the same program with the same comments."""
    text = source.normalize(text)
    early = source.problems(text)
    if early:
        raise FormatError(early, text, filename)
    try:
        file = _parse(text, filename)
    except SyntaxProblem as problem:
        raise FormatError(problem.diagnostics, text, filename) from None
    printer = Printer(file, text)
    result = printer.print_file()
    try:
        again = _parse(result, filename)
    except SyntaxProblem:
        again = None
    if (again is None or shape(again) != shape(file)
            or [c.text for c in again.comments] != [c.text for c in file.comments]
            or not all(printer.used)):
        lost = [c for c, used in zip(file.comments, printer.used) if not used]
        where = lost[0].span if lost else NO_SPAN
        raise FormatError([error(
            "E0501", "internal error: formatting would change this file's meaning or comments; "
            "it was left unchanged", where, "a comment the formatter cannot place" if lost else "",
            "please report this file at the project's issue tracker")], text, filename)
    return result
