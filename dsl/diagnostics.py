"""Diagnostics are data: a code, a severity, a span, a message and a hint.

Everything that finds a problem returns or collects `Diagnostic` values; rendering them as
text (with the source line and a caret) or as JSON is separate and happens at the edge.
"""
from __future__ import annotations

import json
from typing import Iterable, Optional, Tuple

from dsl.syntax import records


@records.frozen
class Span:
    """A source range: 1-based lines and columns, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    file: Optional[str] = None  # set in the spans of an imported file (dsl.semantics.modules); None: the file itself

    @classmethod
    def of(cls, meta_or_token) -> "Span":
        """The span of a Lark token or tree `meta`."""
        return cls(
            meta_or_token.line,
            meta_or_token.column,
            meta_or_token.end_line,
            meta_or_token.end_column,
        )

    def start(self) -> "Span":
        """A one-character span at this span's first character."""
        return Span(self.line, self.column, self.line, self.column + 1, self.file)


NO_SPAN = Span(1, 1, 1, 1)


@records.frozen
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: str = "error"
    label: str = ""
    hint: Optional[str] = None
    # other places the problem involves, e.g. the first of two declarations: (span, label)
    notes: Tuple[Tuple[Span, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(code, message, span, label="", hint=None, notes=()) -> Diagnostic:
    return Diagnostic(code, message, span, "error", label, hint, tuple(notes))


def warning(code, message, span, label="", hint=None, notes=()) -> Diagnostic:
    return Diagnostic(code, message, span, "warning", label, hint, tuple(notes))


def did_you_mean(name: str, candidates: Iterable[str]) -> Optional[str]:
    """A `did you mean` hint for a misspelt name, or None when nothing is close."""
    import difflib  # (only when a name is unknown)

    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def sort_key(diagnostic: Diagnostic):
    span = diagnostic.span
    return (span.file or "", span.line, span.column, diagnostic.code)


_WINDOW = 120  # columns of a long source line shown around the problem


def _visible(ch: str) -> str:
    """How a character of the source is shown: control characters (which could move the
    cursor or recolour a terminal) as escapes, everything else as itself."""
    if ch == "\t" or ch.isprintable():
        return ch
    return ascii(ch)[1:-1]


def visible(text: str) -> str:
    """`text` with control characters escaped, for messages that quote the input."""
    return "".join(_visible(ch) for ch in text)


def _source_row(source: str, column: int, width: int) -> Tuple[str, str, int]:
    """(shown line, padding under it up to `column`, shown width of the marked part)."""
    start = 0
    if len(source) > _WINDOW:
        start = max(0, min(column - 1 - _WINDOW // 3, len(source) - _WINDOW))
    end = min(len(source), start + _WINDOW)
    shown_chars = [_visible(ch) for ch in source[start:end]]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(source) else ""
    offset = max(0, column - 1 - start)
    pad = prefix.replace("…", " ") + "".join("\t" if c == "\t" else " " * len(c) for c in shown_chars[:offset])
    marked = sum(len(c) for c in shown_chars[offset: offset + width]) or 1
    return prefix + "".join(shown_chars) + suffix, pad, marked


_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;36m", "help": "\x1b[1;32m",
            "arrow": "\x1b[1;34m", "bold": "\x1b[1m", "reset": "\x1b[0m"}


def use_colour(stream) -> bool:
    """Colours on a terminal, unless NO_COLOR is set; always with FORCE_COLOR (no-color.org)."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
    except (OSError, ValueError):
        return False


def render_text(diagnostics: Iterable[Diagnostic], text: str, filename: str, colour: bool = False,
                sources: Optional[dict] = None) -> str:
    """Render diagnostics the way LANGUAGE.md section 9 shows them. Lines are counted as the
    parser counts them (only `\\n` ends a line), and control characters are escaped. With
    `colour`, ANSI colours mark the severity, the location, the carets and the help.
    `sources` holds the text of imported files (name -> text): a span in one of them
    (`Span.file`) is shown from it, under its name."""
    c = _COLOURS if colour else {k: "" for k in _COLOURS}
    split = {None: text.split("\n")}

    def lines_of(span):
        if span.file not in split:
            found = (sources or {}).get(span.file)
            if found is None:  # an imported file: read again to show its line
                try:
                    from dsl.syntax.source import read_path

                    found = read_path(span.file)
                except Exception:  # noqa: BLE001 - the location is still shown, without its line
                    found = ""
            split[span.file] = found.split("\n")
        return split[span.file]

    out = []
    for d in diagnostics:
        span = d.span
        lines = lines_of(span)
        shown_name = span.file if span.file is not None else filename
        width_of_numbers = max([len(str(span.line))] + [len(str(n.line)) for n, _ in d.notes])
        number = str(span.line).rjust(width_of_numbers)
        pad = " " * width_of_numbers
        source = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        width = span.end_column - span.column if span.end_line == span.line else 1
        width = max(1, min(width, max(1, len(source) - span.column + 1)))
        shown, caret_pad, marked = _source_row(source, span.column, width)
        label = f" {visible(d.label)}" if d.label else ""
        tint = c.get(d.severity, c["bold"])
        out.append(f"{tint}{d.severity}[{d.code}]{c['reset']}{c['bold']}: {visible(d.message)}{c['reset']}")
        out.append(f"{pad}{c['arrow']}-->{c['reset']} {visible(shown_name)}:{span.line}:{span.column}")
        out.append(f"{pad} {c['arrow']}|{c['reset']}")
        out.append(f"{c['arrow']}{number} |{c['reset']} {shown}")
        out.append(f"{pad} {c['arrow']}|{c['reset']} {caret_pad}{tint}{'^' * marked}{label}{c['reset']}")
        for note_span, note in d.notes:
            note_lines = lines_of(note_span)
            note_source = note_lines[note_span.line - 1] if 0 < note_span.line <= len(note_lines) else ""
            note_number = str(note_span.line).rjust(width_of_numbers)
            note_width = max(1, note_span.end_column - note_span.column
                             if note_span.end_line == note_span.line else 1)
            note_shown, note_pad, note_marked = _source_row(note_source, note_span.column, note_width)
            out.append(f"{pad} |")
            if note_span.file != span.file:
                note_name = note_span.file if note_span.file is not None else filename
                out.append(f"{pad}::: {visible(note_name)}:{note_span.line}:{note_span.column}")
            out.append(f"{note_number} | {note_shown}")
            out.append(f"{pad} | {note_pad}{'-' * note_marked} {visible(note)}")
        if d.hint:
            out.append(f"{pad} {c['arrow']}={c['reset']} {c['help']}help{c['reset']}: {visible(d.hint)}")
        out.append("")
    return "\n".join(out)


def to_dicts(diagnostics: Iterable[Diagnostic], filename: str) -> list:
    return [
        {
            "severity": d.severity,
            "code": d.code,
            "message": d.message,
            "file": d.span.file if d.span.file is not None else filename,
            "line": d.span.line,
            "column": d.span.column,
            "end_line": d.span.end_line,
            "end_column": d.span.end_column,
            "hint": d.hint,
        }
        for d in diagnostics
    ]


def render_json(diagnostics: Iterable[Diagnostic], filename: str) -> str:
    return json.dumps(to_dicts(diagnostics, filename), indent=2, ensure_ascii=False)
