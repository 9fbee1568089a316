"""The fast path of the parser: the grammar's LALR tables as plain data (`grammar/_fast.py`,
generated from Lark's analysis by `tools/gen_parser_tables.py`) and the IR builder's rule
methods, driven by one tight loop that lexes and parses together. Lark is not imported.

Lark's LALR driver is general (a `ParserState` per parse, a lexer thread and a generator of
tokens, `Shift`/`Reduce` objects, callback wrappers per rule, a `Token` constructor that
checks for deprecated arguments) and costs about 8 µs a token with `dsl.syntax.lexer`. Large `.pipe`
files are generated ones, without errors; here everything stays in locals, about 3 µs a token.

The first thing this loop does not expect (an unexpected character or token, or a rule
method that fails) raises `NotFast`, and `dsl.syntax.parser` parses the text again with Lark's
parser and its error recovery, which reports every syntax error with its context. Nothing
here reports errors, so the two paths cannot disagree about a diagnostic.

What must match `dsl.syntax.lexer.PipeLexer` and Lark's parse-tree builder exactly (the tests parse
every example and fuzzed text both ways and compare the IR and the side records): the token
stream, the keyword-or-name decision made against the parser's state, the records in
`collected` (`comments`, `braces`, `brace_indents`, `last_closed`, `misfits`, `quoted`), and
what each reduction hands its rule method (children of `_rules` spliced in, a `?rule` with
one child replaced by it).
"""
from __future__ import annotations

import zlib
from typing import Any, Callable, List, Optional, Tuple

from dsl.syntax.lexer import _AFTER_BLANKS, _PUNCTUATION, DECLARATION_KEYWORDS, KEYWORD_TYPES, Token, _indent


class NotFast(Exception):
    """The text has a syntax error: parse it again with recovery."""


def _inlined(children: list) -> list:
    """An inlined rule's value: its children, which its parent splices in (the list itself:
    Lark's `Tree` would only carry it)."""
    return children


def _callback(method: Callable, expand1: bool, splice: Optional[Tuple[bool, ...]]) -> Callable:
    """What Lark's parse-tree builder wraps around a rule's method (`keep_all_tokens`, no
    placeholders): `ExpandSingleChild` inside `ChildFilterLALR_NoPlaceholders`."""
    if expand1:
        inner = method

        def method(children, inner=inner):  # noqa: F811 - the wrapped method
            return children[0] if len(children) == 1 else inner(children)
    if splice is None:
        return method
    inner2 = method
    spliced = tuple(enumerate(splice))

    def filtered(children):
        out: list = []
        for i, expand in spliced:
            if expand:
                if out:
                    out += children[i]
                else:  # (as Lark: reuse the left child's list, for left recursion)
                    out = children[i]
            else:
                out.append(children[i])
        return inner2(out)

    return filtered


class Tables:
    """The generated tables with the builder's methods bound to their rules:
    `rules[r] = (size, callback, rule name)`."""

    def __init__(self, builder: Any, grammar_text: str):
        from dsl.grammar import _fast

        if _fast.GRAMMAR_CRC32 != zlib.crc32(grammar_text.encode("utf-8")):
            raise ValueError("stale")  # a developer changed the grammar: Lark's path builds it
        self.start, self.end, self.actions, self.goto = _fast.START, _fast.END, _fast.ACTIONS, _fast.GOTO
        self.rules: List[Tuple[int, Callable, str]] = []
        for origin, size, name, expand1, splice in _fast.RULES:
            method = getattr(builder, name, None)  # (Lark looks the name up the same way)
            if method is None:
                method = _inlined
            elif hasattr(method, "unguarded"):
                method = method.unguarded.__get__(builder)
            self.rules.append((size, _callback(method, expand1, splice), origin))


def parse(text: str, tables: Tables, collected) -> Any:
    """The value of the start rule (the rule methods' result), or raise `NotFast`."""
    try:
        return _parse(text, tables, collected)
    except NotFast:
        raise
    except Exception as exc:  # noqa: BLE001 - a rule method failed: Lark's path guards each one
        raise NotFast() from exc


def _parse(text: str, tables: Tables, collected) -> Any:
    actions, goto, rules, end_state = tables.actions, tables.goto, tables.rules, tables.end
    comments, braces, brace_indents, misfits, quoted = (collected.comments, collected.braces,
                                                        collected.brace_indents, collected.misfits,
                                                        collected.quoted)
    match_at, punctuation, keywords, declarations = _AFTER_BLANKS.match, _PUNCTUATION, KEYWORD_TYPES, DECLARATION_KEYWORDS
    new = str.__new__
    states = [tables.start]
    values: list = []
    pos, line, line_start, length = 0, 1, 0, len(text)
    last_type, last_line = None, 0
    token: Any = None
    kind: Any = None  # (a group name: never None for a match)
    while True:
        if pos < length:
            match = match_at(text, pos)
            if match is None:
                if text[pos:].strip(" \t\f\r\n"):
                    raise NotFast()
                pos = length  # blanks to the end
                continue
            kind = match.lastgroup
            start, end = match.span(kind)
            if start != pos:  # blanks before the token
                newlines = text.count("\n", pos, start)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", pos, start) + 1
                pos = start
            value = match.group(kind)
            if kind == "NAME":
                keyword = keywords.get(value)
                if keyword is not None:
                    accepted = actions[states[-1]]
                    if keyword in accepted or "NAME" not in accepted or (
                            value in declarations and last_type == "EQUAL" and last_line < line):
                        kind = keyword
            elif kind == "PUNCTUATION":
                kind = punctuation[value]
            elif kind == "PIECED_NAME":
                kind = "NAME"
            elif kind == "QUOTED_NAME":
                kind, value = "NAME", value[1:-1]
                quoted.add((line, pos - line_start + 1))
            column = pos - line_start + 1
            # (Token's attributes set directly: its constructor is a call more per token)
            token = new(Token, value)
            token.type, token.value, token.start_pos, token.line, token.column = kind, value, pos, line, column
            token.end_line, token.end_column, token.end_pos = line, column + (end - pos), end
            pos = end
            if kind == "COMMENT" or kind == "DOC_COMMENT":
                comments.append(token)
                continue
            if kind == "LBRACE":
                braces.append(token)
                brace_indents.append(_indent(text, line_start))
            elif kind == "RBRACE" and braces:
                opened, indent = braces.pop(), brace_indents.pop()
                collected.last_closed = (opened, token)
                here = _indent(text, line_start)
                if line_start + here == pos - 1 and here != indent:
                    misfits.append((opened, token))
            last_type, last_line = kind, line
        else:
            kind = "$END"
        # feed the token: reduce while the table says so, then shift it
        while True:
            action = actions[states[-1]].get(kind)
            if action is None:
                raise NotFast()
            if action >= 0:
                if kind == "$END":  # pragma: no cover - the end is reached by reductions
                    raise NotFast()
                states.append(action)
                values.append(token)
                break
            size, callback, origin = rules[~action]
            if size:
                children = values[-size:]
                del states[-size:]
                del values[-size:]
            else:
                children = []
            states.append(goto[states[-1]][origin])
            values.append(callback(children))
            if kind == "$END" and states[-1] == end_state:
                return values[-1]
