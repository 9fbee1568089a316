"""The lexer of the .pipe language: one compiled regular expression over all terminals,
plugged into Lark's LALR parser in place of its contextual lexer.

Lark's lexers are general (a lexer per parser state, priorities, any terminal set) and cost
about 8 µs a token; a `.pipe` file needs none of that generality. Here every token is found
by one `re` match, and the parser's current state settles the one question context decides:
whether a keyword (`step`, `input`, …) is the keyword or a name (`let step = 1` gets the
E0102 diagnostic, not a syntax error), exactly as the contextual lexer decided it.

The lexer also does what Lark's lexer callbacks did: it collects comments, keeps the stack of
open `{`, and while the parser recovers from a syntax error, reads declaration keywords as
keywords so that the parser can resynchronise on them (see `dsl.syntax.parser`).
"""
from __future__ import annotations

import re


class Token(str):
    """A token: its text, with its terminal `type` and its place. It has the attributes and
    the behaviour of `lark.Token` (Lark's parser reads them on the error-recovery path), but
    is defined here so that a file without syntax errors is parsed without importing Lark."""

    __slots__ = ("type", "start_pos", "value", "line", "column", "end_line", "end_column", "end_pos")
    type: str
    start_pos: int
    value: str
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    def __new__(cls, type, value, start_pos=None, line=None, column=None, end_line=None, end_column=None,
                end_pos=None):
        token = str.__new__(cls, value)
        token.type, token.value, token.start_pos, token.line, token.column = type, value, start_pos, line, column
        token.end_line, token.end_column, token.end_pos = end_line, end_column, end_pos
        return token

    @classmethod
    def new_borrow_pos(cls, type_, value, borrow_t):
        return cls(type_, value, borrow_t.start_pos, borrow_t.line, borrow_t.column, borrow_t.end_line,
                   borrow_t.end_column, borrow_t.end_pos)

    def update(self, type=None, value=None):
        return Token.new_borrow_pos(self.type if type is None else type, self.value if value is None else value, self)

    def __reduce__(self):
        return (self.__class__, (self.type, self.value, self.start_pos, self.line, self.column, self.end_line,
                                 self.end_column, self.end_pos))

    def __deepcopy__(self, memo):
        return self.new_borrow_pos(self.type, self.value, self)

    def __repr__(self):
        return f"Token({self.type!r}, {self.value!r})"

    def __eq__(self, other):
        if isinstance(other, Token) and self.type != other.type:
            return False
        return str.__eq__(self, other)

    __hash__ = str.__hash__

_PATTERNS = (
    ("WS", r"[ \t\f\r\n]+"),
    # a name, with `${...}` pieces (`Train-${algo}`) filled in at transpile time (dsl.semantics.expand);
    # first: most tokens are names, and one pattern scans a name once
    ("NAME", r"[A-Za-z_][A-Za-z0-9_-]*(?:\$\{[^}\n]*\}[A-Za-z0-9_-]*)*"),
    ("COMPARE", r"==|!=|>=|<=|>|<"),
    ("PUNCTUATION", r"[{}\[\](),:.=]"),
    ("STRING", r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'),
    ("NUMBER", r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"),
    ("PIECED_NAME", r"(?:\$\{[^}\n]*\}[A-Za-z0-9_-]*)+"),  # a name that starts with a piece: `${a}-x`
    ("QUOTED_NAME", r"`[A-Za-z_][A-Za-z0-9_-]*`"),  # a name that is a keyword, e.g. `input`
    ("DOC_COMMENT", r"##[^\n]*"),
    ("COMMENT", r"#[^\n]*"),
)
# Order matters only where patterns overlap: `==` before `=`, `##` before `#`. (A name with
# pieces is never a keyword: KEYWORD_TYPES holds none.)
_MASTER = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS)  # compiled when Lark's path runs
# the same, with the blanks before a token skipped by the same match (dsl.syntax.fastparse)
_AFTER_BLANKS = re.compile("(?:" + _PATTERNS[0][1] + ")?(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS[1:]) + ")")
_PUNCTUATION = {"{": "LBRACE", "}": "RBRACE", "[": "LSQB", "]": "RSQB", "(": "LPAR", ")": "RPAR",
                ",": "COMMA", ":": "COLON", ".": "_DOT", "=": "EQUAL"}
KEYWORD_TYPES = {word: word.upper() for word in (
    "pipeline", "let", "var", "param", "step", "experiment", "schedule", "none", "input", "output", "property_file",
    "retry", "when", "and", "or", "not", "in", "true", "false", "null", "template", "for", "if", "else",
    "import")}
# Keywords that start a declaration: what the parser resynchronises on after an error.
DECLARATION_KEYWORDS = {"step", "param", "let", "var", "pipeline", "experiment", "schedule", "template", "import"}


def _indent(text: str, line_start: int) -> int:
    """The width of the blanks that start the line beginning at `line_start`."""
    end = line_start
    while end < len(text) and text[end] in " \t":
        end += 1
    return end - line_start


class PipeLexer:
    """A Lark lexer (the `lex(lexer_state, parser_state)` protocol of `lark.lexer.Lexer`).
    `collected` is the parser's per-parse state: `comments`, `braces` (with `brace_indents`,
    the indentation of each one's line), `last_closed`, `misfits`, `recovering`."""

    def __init__(self, collected):
        self.collected = collected

    def lex(self, lexer_state, parser_state):
        text = lexer_state.text
        text = getattr(text, "text", text)
        line_ctr = lexer_state.line_ctr
        collected = self.collected
        table = parser_state.parse_conf.parse_table.states
        match_at = re.compile(_MASTER).match  # (re caches it)
        length = len(text)
        # positions are kept in locals and written back to Lark's line counter before each
        # token leaves (the parser's error recovery resumes lexing from it)
        pos, line, line_start = line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos
        while pos < length:
            match = match_at(text, pos)
            if match is None:
                from lark.exceptions import UnexpectedCharacters

                line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
                line_ctr.column = pos - line_start + 1
                raise UnexpectedCharacters(text, pos, line, pos - line_start + 1,
                                           allowed=set(table[parser_state.position]), state=parser_state,
                                           token_history=[lexer_state.last_token] if lexer_state.last_token else None)
            kind, end = match.lastgroup, match.end()
            if kind == "WS":
                newlines = text.count("\n", pos, end)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", pos, end) + 1
                pos = end
                continue
            value = match.group()
            if kind == "NAME":
                keyword = KEYWORD_TYPES.get(value)
                if keyword is not None:
                    accepted = table[parser_state.position]
                    last = lexer_state.last_token
                    if keyword in accepted or "NAME" not in accepted or (
                            value in DECLARATION_KEYWORDS and (collected.recovering or (
                                # `let a =` with the value forgotten: the `let` on the next
                                # line starts a declaration, it is not the value
                                last is not None and last.type == "EQUAL" and last.line < line))):
                        kind = keyword
            elif kind == "PIECED_NAME":
                kind = "NAME"
            elif kind == "QUOTED_NAME":  # always a name, whatever the word; the span keeps the backquotes
                kind, value = "NAME", value[1:-1]
                collected.quoted.add((line, pos - line_start + 1))
            elif kind == "PUNCTUATION":
                kind = _PUNCTUATION[value]
            column = pos - line_start + 1
            token = Token(kind, value, pos, line, column, line, column + (end - pos), end)  # span of the text
            pos = end
            if kind == "COMMENT" or kind == "DOC_COMMENT":
                collected.comments.append(token)
                continue
            if kind == "LBRACE":
                collected.braces.append(token)
                collected.brace_indents.append(_indent(text, line_start))
            elif kind == "RBRACE" and collected.braces:
                opened, indent = collected.braces.pop(), collected.brace_indents.pop()
                collected.last_closed = (opened, token)
                here = _indent(text, line_start)
                if line_start + here == token.start_pos and here != indent:
                    # a `}` alone on its line that does not line up with its `{`: where a `}` is
                    # missing, it is the `}` of an outer block (the unclosed-brace message uses it)
                    collected.misfits.append((opened, token))
            lexer_state.last_token = token
            line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
            line_ctr.column = pos - line_start + 1
            yield token
        line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
        line_ctr.column = pos - line_start + 1
