"""`pipedsl fmt [--check] [--diff] [PATH…]` (LANGUAGE.md section 10).

Files are rewritten atomically and only when their text changes. A file with a syntax error
is left alone and its diagnostics printed; so is a file the safety check rejects. Exit 0 when
all went well (and, with `--check`, nothing would change), 1 otherwise, 2 for paths that
cannot be read or written.
"""
from __future__ import annotations

import difflib
import os
from typing import Iterator, List

from dsl.diagnostics import visible
from dsl.output import OutputError, write_file
from dsl.tools.formatter import FormatError
from dsl.tools.formatter import format as format_text


def pipe_files(paths: List[str]) -> Iterator[str]:
    """The paths, a folder standing for every `*.pipe` below it (hidden folders skipped)."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                found += [os.path.join(root, f) for f in files if f.endswith(".pipe")]
            yield from sorted(found)
        else:
            yield path


def run_fmt(args, streams, read, unreadable) -> int:
    status = 0
    for path in pipe_files(args.paths or ["."]):
        try:
            text, name = read(path)
        except unreadable as exc:
            streams.err(f"pipedsl: error: {visible(str(exc))}\n")
            status = 2
            continue
        try:
            formatted = format_text(text, name)
        except FormatError as exc:
            streams.err(exc.render())
            streams.err(f"pipedsl: {name} left unchanged\n")
            status = max(status, 1)
            if path == "-" and not (args.check or args.diff):
                streams.out(text)
            continue
        original = _original(path, text)
        changed = formatted != original
        if args.diff:
            if changed:
                streams.out("".join(difflib.unified_diff(
                    original.splitlines(True), formatted.splitlines(True), f"{name} (original)",
                    f"{name} (formatted)")))
            status = max(status, 1 if changed else 0)  # as --check: a file would change
        elif args.check:
            if changed:
                streams.out(f"{name}\n")
                status = max(status, 1)
        elif path == "-":
            streams.out(formatted)
        elif changed:
            try:
                write_file(path, formatted)
            except OutputError as exc:
                streams.err(f"pipedsl: error: {visible(str(exc))}\n")
                status = 2
                continue
            streams.err(f"formatted {name}\n")
    return status


def _original(path: str, text: str) -> str:
    """The file's own bytes as text (CR LF, a BOM): a file in that form is rewritten even
    when its normalized text is already canonical."""
    if path == "-":
        return text
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return text
