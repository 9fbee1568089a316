"""Text to parse tree: the Lark LALR parser, loaded once per process from tables shipped with
the package, with error recovery that reports every syntax error in one pass.

`parse_tree(text)` returns `(tree, comment_tokens)` or raises `SyntaxProblem` carrying the
located diagnostics. Nothing else in the package touches Lark's parser object.

Security: the parser analysis is never cached in, or loaded from, a shared directory (Lark's
`cache=True` unpickles `$TMPDIR/.lark_cache_*`, a file any local user can plant). The tables
are generated into the package (`grammar/_tables.py`, by `tools/gen_parser_tables.py`); when
the grammar changed and the tables are stale (a developer editing the grammar) the parser is
built from the grammar in memory, writing nothing.
"""
from __future__ import annotations

import functools
import re
import sys
import threading
from typing import TYPE_CHECKING, Any, List, Optional

if TYPE_CHECKING:
    import lark

from dsl.diagnostics import Diagnostic, Span, error
from dsl.grammar import grammar_text
from dsl.syntax import fastparse
from dsl.syntax.lexer import DECLARATION_KEYWORDS, PipeLexer, Token
from dsl.syntax.transformer import _Builder

# How the grammar is compiled; tools/gen_parser_tables.py uses the same options.
# Every token is kept: the IR is built during the parse (`dsl.syntax.transformer._Builder`, Lark's
# `transformer=`), and each rule computes its span from its own keywords and brackets.
LARK_OPTIONS = dict(parser="lalr", keep_all_tokens=True, maybe_placeholders=False)

# Limits (documented in docs/LANGUAGE.md, "Limits"): far above real pipelines, low enough that
# no input exhausts memory or Python's recursion limit anywhere downstream (checks, emitters,
# black, Python's own parser of the generated module).
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_NESTING = 64  # lists, maps, calls and `not`/`and`/`or` inside one another
MAX_SYNTAX_ERRORS = 10

_collected = threading.local()


# The one builder the parser calls back; its per-parse state is reset under `_LOCK`.
_BUILDER = _Builder([], MAX_NESTING)
_LOCK = threading.Lock()


def _lark():
    """Lark, imported when a file has a syntax error (or the tables are stale): the fast path
    does not need it."""
    if "regex" not in sys.modules:
        # Lark imports the third-party `regex` module when it is installed (5 ms), but only
        # uses it with `regex=True`, which pipedsl never sets: hide it while Lark loads.
        sys.modules["regex"] = None  # type: ignore[assignment]
        try:
            import lark
        finally:
            del sys.modules["regex"]
    import lark

    return lark


@functools.lru_cache(maxsize=None)
def _parser() -> "lark.Lark":
    lark = _lark()
    text = grammar_text()
    try:
        from dsl.grammar import _tables
    except ImportError:  # pragma: no cover - a source tree without generated tables
        _tables = None
    import hashlib

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if _tables is not None and _tables.GRAMMAR_SHA256 == digest and _tables.LARK_VERSION == lark.__version__:
        parser = lark.Lark._load_from_dict(_tables.DATA, _tables.MEMO, transformer=_BUILDER)
    else:
        parser = lark.Lark(text, transformer=_BUILDER, **LARK_OPTIONS)
    # Lark's LALR parser with our lexer (dsl.syntax.lexer) in place of its contextual one.
    parser.parser.lexer = PipeLexer(_collected)
    return parser


class SyntaxProblem(Exception):
    def __init__(self, diagnostics):
        super().__init__(diagnostics[0].message)
        self.diagnostics = diagnostics


_TOKEN_NAMES = {
    "LBRACE": "`{`", "RBRACE": "`}`", "LSQB": "`[`", "RSQB": "`]`", "LPAR": "`(`",
    "RPAR": "`)`", "COMMA": "`,`", "COLON": "`:`", "EQUAL": "`=`", "_DOT": "`.`",
    "NAME": "a name", "STRING": "a string", "NUMBER": "a number", "COMPARE": "a comparison",
    "$END": "end of file",
}
# Keywords that start a declaration: met where a `}` would also do, they mean a `{` was left open.
_DECLARATION_KEYWORDS = {word.upper() for word in DECLARATION_KEYWORDS}
# Tokens the parser resynchronises on after an error.
_SYNC = _DECLARATION_KEYWORDS | {"RBRACE"}


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


def end_of(text: str) -> Span:
    """A span just past the last character of `text`."""
    line = text.count("\n") + 1
    column = len(text) - (text.rfind("\n") + 1) + 1
    return Span(line, column, line, column + 1)


def _token_span(token: Token) -> Span:
    return Span(token.line, token.column, token.end_line or token.line,
                token.end_column or token.column + 1)


def _shown(token: Token) -> str:
    shown = str(token).replace("\n", " ")
    return shown if len(shown) <= 40 else shown[:39] + "…"


class _Recovery:
    """Lark's `on_error` handler: records one diagnostic per fault and steers the parser on.

    A fault is reported once: further errors before the parser makes progress (its stacks
    unchanged) are consequences of the same fault and are not reported. An unclosed `{` met
    at the next declaration is reported as such, and a `}` is supplied so that the rest of
    the file is checked in the right context."""

    def __init__(self, text: str):
        self.text = text
        self.problems: List[Diagnostic] = []
        self.more = 0
        self._last_state: Optional[tuple] = None

    def _state(self, interactive) -> tuple:
        state = interactive.parser_state
        return (tuple(state.state_stack), tuple(id(v) for v in state.value_stack))

    def _add(self, diagnostic: Diagnostic):
        if len(self.problems) < MAX_SYNTAX_ERRORS:
            self.problems.append(diagnostic)
        else:
            self.more += 1

    def __call__(self, exc: Any) -> bool:  # a Lark UnexpectedInput: its attributes vary by kind
        from lark.exceptions import UnexpectedCharacters, UnexpectedInput

        interactive = exc.interactive_parser
        state = self._state(interactive)
        same_fault = state == self._last_state
        if isinstance(exc, UnexpectedCharacters):
            if not same_fault:
                self._add(self._characters(exc))
            self._last_state = state
            at: int = exc.pos_in_stream or 0  # (always set on UnexpectedCharacters)
            if self.text[at:at + 1] == "'":
                # a single-quoted string is one mistake: skip to its closing quote
                close = self.text.find("'", at + 1)
                newline = self.text.find("\n", at)
                if close > 0 and (newline < 0 or close < newline):
                    interactive.lexer_thread.state.line_ctr.feed(self.text[at:close + 1])
            return True
        token = exc.token
        accepts = interactive.accepts() if not same_fault else set()
        if token.type == "$END":
            if not same_fault:
                self._add(self._end(exc, accepts))
            return False
        braces = _collected.braces
        if (not same_fault and token.type in _DECLARATION_KEYWORDS and "RBRACE" in accepts
                and braces):
            opened = braces[-1]
            self._add(error(
                "E0001", f"`{{` on line {opened.line} is not closed before `{token}`",
                _token_span(token), "a new declaration starts here",
                "add the missing `}`", notes=[(_token_span(opened), "opened here")]))
            try:  # supply the `}` and retry the keyword in the outer block
                interactive.feed_token(Token("RBRACE", "}"))  # (pipedsl's Token has Lark's interface)
                braces.pop()
                interactive.feed_token(token)
            except UnexpectedInput:
                pass
            self._last_state = self._state(interactive)
            return True
        if not same_fault:
            self._add(self._token(token, accepts))
            _collected.recovering = True
        if token.type in _SYNC:
            self._synchronize(interactive, token)
            _collected.recovering = False
        self._last_state = self._state(interactive)
        return True

    @staticmethod
    def _synchronize(interactive, token):
        from lark.exceptions import UnexpectedInput

        """Panic mode: drop the half-built constructs on the parser's stack until one that
        can take `token` (a declaration keyword or `}`) is on top, then feed it."""
        state = interactive.parser_state
        table = state.parse_conf.parse_table.states
        stack = state.state_stack
        depth = len(stack) - 1
        while depth >= 0 and token.type not in table[stack[depth]]:
            depth -= 1
        if depth < 0 or depth == len(stack) - 1:  # depth 0: back to the top of the file
            return
        del stack[depth + 1:]
        del state.value_stack[depth:]
        try:
            interactive.feed_token(token)
        except UnexpectedInput:
            pass

    def _token(self, token: Token, accepts) -> Diagnostic:
        hint = _describe(accepts) or None
        closed = getattr(_collected, "last_closed", None)
        if accepts <= {"$END", "LET", "VAR", "PIPELINE", "TEMPLATE", "IMPORT"} and closed is not None and token.type != "RBRACE":
            hint = (f"the pipeline was closed by the `}}` on line {closed[1].line}; "
                    "remove it or move it to the end")
        elif "LBRACE" in accepts and self._if_in_a_condition_step(token):
            hint = ("a condition step's conditions are written `when …` (`if … { … }` picks members when "
                    "the file is transpiled): write `when` instead of `if`")
        return error("E0001", f"unexpected `{_shown(token)}`", _token_span(token), "not expected here", hint)

    def _if_in_a_condition_step(self, token: Token) -> bool:
        """Whether `token` follows an `if` line inside a `step …: condition {` block: the
        `if` is almost surely meant as `when`."""
        braces = _collected.braces
        if not braces:
            return False
        lines = self.text.split("\n")
        header = lines[braces[-1].line - 1] if braces[-1].line <= len(lines) else ""
        if not re.match(r"\s*step\s+[^:]+:\s*condition\b", header):
            return False
        own = lines[token.line - 1][:token.column - 1] if token.line <= len(lines) else ""
        before = ([own] if own.strip() else []) + lines[braces[-1].line: token.line - 1][::-1]
        nearest = next((line for line in before if line.strip()), "")  # the text just before the token
        return bool(re.match(r"\s*if\b", nearest))

    def _end(self, exc, accepts) -> Diagnostic:
        braces = _collected.braces
        misfits = [(opened, closer) for opened, closer in _collected.misfits if braces]
        if misfits:  # the indentation says which `{` lost its `}`: the first whose `}` does not line up
            opened, closer = misfits[0]
            return error("E0001", f"`{{` on line {opened.line} is not closed: the `}}` on line {closer.line} lines "
                         f"up with an outer block", _token_span(opened), "not closed",
                         f"add a `}}` before line {closer.line}", notes=[(_token_span(closer), "this `}` closes it "
                                                                         "instead of its outer block"),
                                                                        (end_of(self.text), "the file ends here")])
        notes = [(_token_span(braces[-1]), "opened here")] if braces else []
        message = (f"unexpected end of file: `{{` on line {braces[-1].line} is not closed"
                   if braces else "unexpected end of file")
        return error("E0001", message, end_of(self.text), "the file ends here",
                     "add the missing `}`" if braces else (_describe(accepts) or None), notes=notes)

    def _characters(self, exc: Any) -> Diagnostic:  # a Lark UnexpectedCharacters
        char = self.text[exc.pos_in_stream] if exc.pos_in_stream < len(self.text) else ""
        span = Span(exc.line, exc.column, exc.line, exc.column + 1)
        if char == '"':
            return error("E0001", "unterminated string", span, "this string has no closing `\"`",
                         "strings end on the line they start; write a newline as `\\n`")
        if char == "'":
            return error("E0001", "unexpected character `'`", span, "not part of the language",
                         "strings use double quotes: \"...\"")
        shown = char if char.isprintable() else repr(char)[1:-1]
        return error("E0001", f"unexpected character `{shown}`", span, "not part of the language")


def _reset():
    """Fresh per-parse state for the lexer's records and the IR builder."""
    _collected.comments, _collected.braces, _collected.last_closed = [], [], None
    _collected.brace_indents, _collected.misfits = [], []
    _collected.recovering = False
    _collected.quoted = set()
    builder_problems: List[Diagnostic] = []
    _BUILDER.problems, _BUILDER.too_deep, _BUILDER.broken = builder_problems, None, False
    _BUILDER.quoted = _collected.quoted
    _BUILDER.marks, _BUILDER.heads, _BUILDER.member_depths = [], [], {}
    return builder_problems


@functools.lru_cache(maxsize=None)
def _fast_tables() -> Optional["fastparse.Tables"]:
    import os

    if os.environ.get("PIPEDSL_PARSER") == "lark":  # (tools/bench.py --lark: compare the two)
        return None
    try:
        return fastparse.Tables(_BUILDER, grammar_text())
    except (ImportError, ValueError):  # no generated tables, or stale ones: Lark's path only
        return None


def parse_tree(text: str):
    """Parse `text`; return `(top_level_nodes, comment_tokens, problems)`, the IR of the
    file's lets and pipelines built during the parse and the problems the builder found (bad
    escapes, keywords as names, ...), or raise SyntaxProblem.

    A file is parsed by the fast loop of `dsl.syntax.fastparse`; at its first syntax error it is
    parsed again by Lark's parser, which reports every syntax error in one pass (see
    `_Recovery`). No parse tree is built."""
    with _LOCK:
        builder_problems = _reset()
        recovery = _Recovery(text)
        top = None
        try:
            tables = _fast_tables()
            if tables is None:
                raise fastparse.NotFast()
            top = fastparse.parse(text, tables, _collected)
        except fastparse.NotFast:
            builder_problems = _reset()
            lark_parser = _parser()  # (imports Lark)
            from lark.exceptions import UnexpectedInput

            try:
                top = lark_parser.parse(text, on_error=recovery)
            except UnexpectedInput as exc:
                if not recovery.problems:
                    recovery._add(error("E0001", str(exc).splitlines()[0], end_of(text)))
        finally:
            comments = _collected.comments
            _collected.comments, _collected.braces, _collected.last_closed = [], [], None
            _collected.brace_indents, _collected.misfits = [], []
        too_deep, broken = _BUILDER.too_deep, _BUILDER.broken
    problems = recovery.problems
    if problems:
        if recovery.more:
            last = problems[-1]
            note = f"{recovery.more} more syntax error{'s' if recovery.more != 1 else ''} not shown"
            problems[-1] = Diagnostic(last.code, last.message, last.span, last.severity, last.label,
                                      f"{last.hint}; {note}" if last.hint else note, last.notes)
        raise SyntaxProblem(problems)
    if too_deep is not None:
        raise SyntaxProblem([error("E0005", f"nested too deeply (more than {MAX_NESTING} levels)", too_deep,
                                   "too deep", "flatten the value, or bind parts of it with `let`")])
    if broken or not isinstance(top, list):  # pragma: no cover - a bug, not an input problem
        raise RuntimeError("the parser's IR builder failed on a file without syntax errors")
    return top, comments, builder_problems
