"""Text to parse tree: the Lark LALR parser, built once per process with a cached analysis.

`parse_tree(text)` returns the tree and the doc-comment tokens, or raises `SyntaxProblem`
carrying a located diagnostic. Nothing else in the package touches Lark's parser object.
"""
from __future__ import annotations

import functools
import threading

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl.grammar import grammar_text

from .diagnostics import Diagnostic, Span, error

_collected = threading.local()


def _collect_doc_comment(token):
    _collected.docs.append(token)
    return token


@functools.lru_cache(maxsize=None)
def _parser() -> lark.Lark:
    # cache=True stores the LALR analysis in the temp dir, so a CLI run only loads it.
    return lark.Lark(
        grammar_text(),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
        lexer_callbacks={"DOC_COMMENT": _collect_doc_comment},
    )


class SyntaxProblem(Exception):
    def __init__(self, diagnostics):
        super().__init__(diagnostics[0].message)
        self.diagnostics = diagnostics


_TOKEN_NAMES = {
    "LBRACE": "`{`", "RBRACE": "`}`", "LSQB": "`[`", "RSQB": "`]`", "LPAR": "`(`",
    "RPAR": "`)`", "COMMA": "`,`", "COLON": "`:`", "EQUAL": "`=`", "_DOT": "`.`",
    "NAME": "a name", "STRING": "a string", "NUMBER": "a number", "COMPARE": "a comparison",
}


def _describe(names) -> str:
    words = []
    for name in sorted(names):
        if name.startswith("__ANON"):
            continue
        words.append(_TOKEN_NAMES.get(name, f"`{name.lower()}`"))
    words = sorted(set(words))
    if not words:
        return ""
    if len(words) > 6:
        words = words[:6] + ["…"]
    return "expected " + ", ".join(words)


def _end_of(text: str) -> Span:
    lines = text.split("\n")
    return Span(len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 2)


def _syntax_diagnostic(exc: UnexpectedInput, text: str) -> Diagnostic:
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        expected = getattr(exc, "expected", None) or getattr(exc, "accepts", set())
        return error("E0001", "unexpected end of file", _end_of(text), "the file ends here",
                     _describe(expected) or None)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        span = Span(token.line, token.column, token.end_line or token.line,
                    token.end_column or token.column + 1)
        shown = str(token).replace("\n", " ")
        return error("E0001", f"unexpected `{shown}`", span, "not expected here",
                     _describe(exc.accepts or exc.expected) or None)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        span = Span(exc.line, exc.column, exc.line, exc.column + 1)
        if char == '"':
            return error("E0001", "unterminated string", span, "this string has no closing `\"`",
                         "strings end on the line they start; write a newline as `\\n`")
        return error("E0001", f"unexpected character `{char}`", span, "not part of the language")
    return error("E0001", str(exc).splitlines()[0], _end_of(text))


MAX_SYNTAX_ERRORS = 10


def _blank_line(text: str, line: int) -> str:
    """`text` with line `line` replaced by spaces, so positions elsewhere stay the same."""
    lines = text.split("\n")
    if 0 < line <= len(lines):
        lines[line - 1] = " " * len(lines[line - 1])
    return "\n".join(lines)


def _brace_balance(line: str) -> int:
    return line.count("{") - line.count("}")


def _is_consequence(diagnostic: Diagnostic, unbalanced: bool) -> bool:
    """After a line holding an unbalanced brace was dropped, an unexpected `}` or end of file
    most likely comes from that line, not from a mistake of its own."""
    return unbalanced and diagnostic.message in ("unexpected end of file", "unexpected `}`")


def parse_tree(text: str):
    """Parse `text`; return `(tree, doc_comment_tokens)` or raise SyntaxProblem.

    To report more than the first syntax error, the line of each error is blanked out and
    the text parsed again; a later error is reported when it does not look like a
    consequence of the blanked line."""
    problems = []
    current = text
    unbalanced = False
    while True:
        _collected.docs = []
        try:
            tree = _parser().parse(current)
        except UnexpectedInput as exc:
            diagnostic = _syntax_diagnostic(exc, text)
            if problems and (_is_consequence(diagnostic, unbalanced)
                             or diagnostic.span.line <= problems[-1].span.line):
                break
            problems.append(diagnostic)
            if len(problems) >= MAX_SYNTAX_ERRORS:
                break
            lines = current.split("\n")
            if 0 < diagnostic.span.line <= len(lines):
                unbalanced = unbalanced or _brace_balance(lines[diagnostic.span.line - 1]) != 0
            current = _blank_line(current, diagnostic.span.line)
            continue
        finally:
            docs, _collected.docs = _collected.docs, []
        break
    if problems:
        raise SyntaxProblem(problems)
    return tree, docs
