"""Parse tree to IR. Also decodes strings (escapes and `${...}` pieces) and attaches doc
comments. Problems found here (bad escapes, keywords used as names, ...) are collected as
diagnostics; the IR is still built so that later checks can report their own problems.
"""
from __future__ import annotations

import re
from typing import List, Optional

import attrs

from dsl.diagnostics import Diagnostic, Span, error
from dsl.syntax import ir
from dsl.syntax.lexer import Token

KEYWORDS = frozenset(
    "pipeline let var param step experiment schedule none input output property_file retry when "
    "and or not in true false null template for if else import".split()
)

_REF_IN_STRING = re.compile(r"""[A-Za-z_][A-Za-z0-9_-]*""")
# `[0]`, `['key']` or `[\"key\"]` after a name inside `${...}`
_INDEX_IN_STRING = re.compile(r"""\[\s*(?:(-?\d+)|'([^']*)'|\\"((?:[^"\\]|\\.)*)\\")\s*\]""")


def _span(token) -> Span:
    return _new_span(token.line, token.column, token.end_line, token.end_column)


def _new_span(line, column, end_line, end_column, _new=object.__new__, _slots=(
        Span.line.__set__, Span.column.__set__, Span.end_line.__set__, Span.end_column.__set__,  # type: ignore[attr-defined]
        Span.file.__set__)) -> Span:  # type: ignore[union-attr]
    """`Span(line, column, end_line, end_column)`, made by setting its slots directly: the
    parser makes one per token and node, and a frozen class's `__init__` goes through
    `object.__setattr__` for each field (equal spans either way: tests/test_fastparse.py)."""
    span = _new(Span)
    set_line, set_column, set_end_line, set_end_column, set_file = _slots
    set_line(span, line)
    set_column(span, column)
    set_end_line(span, end_line)
    set_end_column(span, end_column)
    set_file(span, None)
    return span


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(text: str):
    if any(c in text for c in ".eE"):
        return float(text)
    return int(text)


class _StringDecoder:
    """Decodes one STRING token into literal text and `${ref}` references."""

    _ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                "t": "\t", "$": "$"}

    def __init__(self, token: Token, problems: List[Diagnostic]):
        self.token = token
        self.raw = str(token)
        self.problems = problems

    def at(self, offset: int, length: int = 1) -> Span:
        column = self.token.column + offset
        return Span(self.token.line, column, self.token.line, column + length)

    def decode(self):
        raw = self.raw
        if "\\" not in raw and "$" not in raw:  # the common case: nothing to decode
            return ir.Literal(value=raw[1:-1], span=_span(self.token), raw=raw)
        pieces, text = [], []
        i, end = 1, len(self.raw) - 1
        while i < end:
            ch = raw[i]
            if ch == "\\":
                nxt = raw[i + 1] if i + 1 < end else ""
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", raw[i + 2 : i + 6]):
                    code = int(raw[i + 2 : i + 6], 16)
                    i += 6
                    # a UTF-16 surrogate pair written as two escapes, as in JSON
                    if 0xD800 <= code < 0xDC00 and re.fullmatch(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", raw[i : i + 6]):
                        low = int(raw[i + 2 : i + 6], 16)
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    elif 0xD800 <= code < 0xE000:  # half a pair: not text, and not encodable
                        self.problems.append(error(
                            "E0002", f"`\\u{code:04x}` is half of a UTF-16 surrogate pair", self.at(i - 6, 6),
                            "lone surrogate", "write the character itself, or both halves of the pair"))
                        continue
                    text.append(chr(code))
                    continue
                if nxt in self._ESCAPES:
                    text.append(self._ESCAPES[nxt])
                else:
                    self.problems.append(error(
                        "E0002", f"unknown escape `\\{nxt}` in a string", self.at(i, 2),
                        "not an escape", "escapes are \\\" \\\\ \\n \\t \\uXXXX and \\$"))
                i += 2
                continue
            if ch == "$" and raw[i + 1 : i + 2] == "{":
                close = self._closing_brace(i + 2, end)
                if close < 0:
                    self.problems.append(error(
                        "E0002", "`${` without a closing `}`", self.at(i, 2),
                        "interpolation starts here", "write a literal `$` as `\\$`"))
                    text.append(raw[i:end])
                    break
                ref = self._reference(raw[i + 2 : close], i + 2)
                if ref is not None:
                    if text:
                        pieces.append("".join(text))
                        text = []
                    pieces.append(ref)
                i = close + 1
                continue
            text.append(ch)
            i += 1
        if text:
            pieces.append("".join(text))
        span = _span(self.token)
        if any(isinstance(p, ir.Ref) for p in pieces):
            return ir.Interpolation(pieces=tuple(pieces), span=span, raw=self.raw)
        return ir.Literal(value="".join(pieces), span=span, raw=self.raw)

    def _closing_brace(self, start: int, end: int) -> int:
        in_quote = False
        i = start
        while i < end:
            ch = self.raw[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "'" or (ch == '"'):
                in_quote = not in_quote
            elif ch == "}" and not in_quote:
                return i
            i += 1
        return -1

    def _reference(self, body: str, offset: int):
        """Parse `Name(.Member|[0]|['key'])*` inside `${...}`."""
        stripped = body.strip()
        lead = len(body) - len(body.lstrip())
        match = _REF_IN_STRING.match(stripped)
        if not match:
            self.problems.append(error(
                "E0209", "only a reference may stand inside `${...}`", self.at(offset - 2, len(body) + 3),
                "not a reference", "write a parameter, let, step property or Execution variable, e.g. `${Threshold}`"))
            return None
        name = match.group()
        name_span = self.at(offset + lead, len(name))
        pos = match.end()
        parts: list = []
        while pos < len(stripped):
            ch = stripped[pos]
            if ch == ".":
                m = _REF_IN_STRING.match(stripped, pos + 1)
                if not m:
                    break
                parts.append(ir.Member(name=m.group(), span=self.at(offset + lead + pos + 1, len(m.group()))))
                pos = m.end()
            elif ch == "[":
                m = _INDEX_IN_STRING.match(stripped, pos)
                if not m:
                    break
                key = int(m.group(1)) if m.group(1) is not None else (m.group(2) if m.group(2) is not None else m.group(3))
                parts.append(ir.Index(key=key, span=self.at(offset + lead + pos, m.end() - pos)))
                pos = m.end()
            else:
                break
        if pos != len(stripped):
            self.problems.append(error(
                "E0209", "only a reference may stand inside `${...}`", self.at(offset - 2, len(body) + 3),
                "not a reference", "no calls, strings or operators inside `${...}`"))
            return None
        return ir.Ref(name=name, name_span=name_span, parts=tuple(parts),
                      span=self.at(offset + lead, len(stripped)))


_TRAILING_COMMA = object()  # what the `trailing_comma` rule becomes: a layout marker


class _Broken:
    """What a rule becomes when its pieces make no sense: only while the parser recovers from
    a syntax error (the file's IR is then discarded)."""


BROKEN = _Broken()


def _start(x):
    if x.__class__ is Token:  # (first: most pieces are tokens, and they have no `span`)
        return x.line, x.column
    span = getattr(x, "span", None)
    if span is not None:
        return span.line, span.column
    if isinstance(x, ir.MapEntry):
        return x.key_span.line, x.key_span.column
    return x.line, x.column


def _end(x):
    if x.__class__ is Token:
        return x.end_line, x.end_column
    if isinstance(x, ir.MapEntry):
        x = x.value
    span = getattr(x, "span", None)
    if span is not None:
        return span.end_line, span.end_column
    return x.end_line, x.end_column


def _over(children) -> Span:
    """The span from the first piece of a rule to its last (tokens and nodes alike)."""
    first = children[0]
    if first is _TRAILING_COMMA:
        first = next(c for c in children if c is not _TRAILING_COMMA)
    line, column = _start(first)
    end_line, end_column = _end(children[-1])
    return _new_span(line, column, end_line, end_column)


def _tokens(children, kind=None):
    return [c for c in children if isinstance(c, Token) and (kind is None or c.type == kind)]


def _nodes(children, cls):
    return tuple(c for c in children if isinstance(c, cls))


def _depth(node) -> int:
    return getattr(node, "depth", 0)


class _Builder:
    """Builds the IR while Lark parses (its LALR `transformer=`), one method per grammar rule:
    no parse tree is built and walked. Lark keeps every token (`keep_all_tokens`), so each
    method sees its keywords and brackets and computes its span from them.

    It also measures nesting (`depth`, a layout field of the nested nodes) and records the
    first place deeper than `max_nesting`, so that nothing downstream meets a structure deep
    enough to exhaust Python's recursion."""

    def __init__(self, problems: List[Diagnostic], max_nesting: int):
        self.problems = problems
        self.max_nesting = max_nesting
        self.too_deep: Optional[Span] = None
        self.broken = False
        self.quoted: set = set()  # (line, column) of names written `in backquotes`
        # where the parse met what the expansion's last pass works on (see `_expansion`)
        self.marks: list = []  # (line, column) of `${…}` names and comprehensions, in order
        self.heads: list = []  # (line, column, name) of references with parts, in order
        self.member_depths: dict = {}  # id(an `if` or `for`) -> how deeply they nest there

    def _expansion(self, start) -> dict:
        """The `expands`/`reads` notes of a declaration starting at `start` (a token): its
        children were reduced just before it, so theirs are the last marks."""
        at = (start.line, start.column)
        reads = set()
        for line, column, name in reversed(self.heads):
            if (line, column) < at:
                break
            reads.add(name)
        return {"expands": bool(self.marks) and self.marks[-1] >= at, "reads": frozenset(reads)}

    def _nested(self, node, depth: int):
        if depth > self.max_nesting and self.too_deep is None:
            self.too_deep = Span(node.span.line, node.span.column, node.span.line, node.span.column + 1)
        return node

    def _nested_members(self, node, members):
        """`if` and `for` inside one another (an `else if` chain too) obey the nesting limit
        of expressions: every later pass walks them recursively."""
        depth = 1 + max((self.member_depths.get(id(m), 0) for m in members), default=0)
        self.member_depths[id(node)] = depth
        if depth > self.max_nesting and self.too_deep is None:
            self.too_deep = Span(node.span.line, node.span.column, node.span.line, node.span.column + 1)
        return node

    def _name(self, token: Token, what: str) -> str:
        if "${" in token:
            self.marks.append((token.line, token.column))
        if str(token) in KEYWORDS and (token.line, token.column) not in self.quoted:
            self.problems.append(error(
                "E0102", f"`{token}` is a keyword and cannot name a {what}", _span(token),
                "keyword", f"choose another name for the {what}, or write it `{token}` (in backquotes)"))
        return str(token)

    # values -------------------------------------------------------------------------
    def string(self, children):
        node = _StringDecoder(children[0], self.problems).decode()
        if isinstance(node, ir.Interpolation):
            for piece in node.pieces:
                if isinstance(piece, ir.Ref) and piece.parts:
                    self.heads.append((piece.name_span.line, piece.name_span.column, piece.name))
        return node

    def number(self, children):
        token = children[0]
        try:
            value = _number(str(token))
        except ValueError:  # more digits than int() converts
            value = None
        if value is None or value in (float("inf"), float("-inf")) or (
                isinstance(value, int) and not -(2**63) <= value < 2**63):
            self.problems.append(error("E0304", f"the number {_clip(str(token))} is too large", _span(token),
                                       "out of range", "numbers must fit a 64-bit integer or float"))
            value = 0
        return ir.Literal(value=value, span=_span(token), raw=str(token))

    def true(self, children):
        return ir.Literal(value=True, span=_span(children[0]), raw="true")

    def false(self, children):
        return ir.Literal(value=False, span=_span(children[0]), raw="false")

    def null(self, children):
        return ir.Literal(value=None, span=_span(children[0]), raw="null")

    def trailing_comma(self, children):
        return _TRAILING_COMMA

    def list(self, children):
        items = tuple(c for c in children[1:-1] if not isinstance(c, Token) and c is not _TRAILING_COMMA)
        node = ir.ListExpr(items=items, span=_over(children), trailing_comma=_TRAILING_COMMA in children,
                           depth=1 + max(map(_depth, items), default=0))
        return self._nested(node, node.depth)

    def comprehension(self, children):
        element, var, items = children[1], children[3], children[5]
        self.marks.append((children[0].line, children[0].column))
        node = ir.Comprehension(element=element, var=self._name(var, "loop variable"), var_span=_span(var),
                                items=items, span=_over(children),
                                depth=1 + max(_depth(element), _depth(items)))
        return self._nested(node, node.depth)

    def map(self, children):
        entries = _nodes(children, ir.MapEntry)
        node = ir.MapExpr(entries=entries, span=_over(children), trailing_comma=_TRAILING_COMMA in children,
                          depth=1 + max((_depth(e.value) for e in entries), default=0))
        return self._nested(node, node.depth)

    def pair(self, children):
        key, value = children[0], children[-1]
        if key.type == "STRING":
            decoded = _StringDecoder(key, self.problems).decode()
            text = decoded.value if isinstance(decoded, ir.Literal) and isinstance(decoded.value, str) else str(key)[1:-1]
        else:
            text = str(key)
        return ir.MapEntry(key=text, key_span=_span(key), value=value, key_raw=str(key))

    def index(self, children):
        token = children[1]
        if token.type == "NUMBER":
            key = _number(str(token))
            if not isinstance(key, int):
                self.problems.append(error("E0001", "an index must be a whole number or a string",
                                           _span(token), "not an index"))
                key = 0
        else:
            decoded = _StringDecoder(token, self.problems).decode()
            key = decoded.value if isinstance(decoded, ir.Literal) else str(token)[1:-1]
        return ir.Index(key=key, span=_over(children), raw=str(token))

    def ref(self, children):
        head = children[0]
        parts = tuple(
            ir.Member(name=str(c), span=_span(c)) if isinstance(c, Token) else c
            for c in children[1:] if not (isinstance(c, Token) and c.type == "_DOT"))
        if "${" in head:
            self.marks.append((head.line, head.column))
        if parts:
            self.heads.append((head.line, head.column, str(head)))
        return ir.Ref(name=str(head), name_span=_span(head), parts=parts, span=_over(children))

    def call(self, children):
        name, args = children[0], _nodes(children, ir.Arg)
        node = ir.Call(name=str(name), name_span=_span(name), args=args, span=_over(children),
                       trailing_comma=_TRAILING_COMMA in children,
                       depth=1 + max((_depth(a.value) for a in args), default=0))
        return self._nested(node, node.depth)

    def arg(self, children):
        return ir.Arg(name=None, value=children[0], span=_over(children))

    def named_arg(self, children):
        return ir.Arg(name=str(children[0]), value=children[-1], span=_over(children))

    # conditions ---------------------------------------------------------------------
    def comparison(self, children):
        left, op, right = children
        return ir.Compare(op=str(op), left=left, right=right, span=_over(children),
                          depth=max(_depth(left), _depth(right)))

    def in_cond(self, children):
        value, values = children[0], children[-1]
        return ir.InCond(value=value, values=values, negated=False, span=_over(children),
                         depth=max(_depth(value), _depth(values)))

    def not_in_cond(self, children):
        value, values = children[0], children[-1]
        return ir.InCond(value=value, values=values, negated=True, span=_over(children),
                         depth=max(_depth(value), _depth(values)))

    def bare_cond(self, children):
        value = children[0]
        return ir.RawCond(value=value, span=value.span, depth=_depth(value))

    def not_cond(self, children):
        inner = children[-1]
        node = ir.NotCond(condition=inner, span=_over(children), depth=_depth(inner) + 1)
        return self._nested(node, node.depth)

    def paren_cond(self, children):
        return attrs.evolve(children[1], parenthesized=True)

    def or_cond(self, children):
        return self._chain(ir.OrCond, children, always=True)

    def and_cond(self, children):
        return self._chain(ir.AndCond, children, always=False)

    def _chain(self, cls, children, always: bool):
        operands = [c for c in children if not isinstance(c, Token)]
        if len(operands) == 1:
            # a lone `or_cond` is a parenthesized condition or a `when`: one level, as before
            only = operands[0]
            if always and hasattr(only, "depth"):
                only = attrs.evolve(only, depth=_depth(only) + 1)
                self._nested(only, only.depth)
            return only
        flat: list = []
        for child in operands:  # `(a or b) or c` is one Or of three: parentheses leave no trace
            flat.extend(child.conditions if isinstance(child, cls) else [child])
        node = cls(conditions=tuple(flat), span=_over(children), depth=1 + max(map(_depth, flat)))
        return self._nested(node, node.depth)

    def when(self, children):
        return ir.When(condition=children[1], span=_over(children))

    # declarations -------------------------------------------------------------------
    def attribute(self, children):
        name, value = children[0], children[2]
        return ir.Attribute(name=str(name), name_span=_span(name), value=value, span=_over(children),
                            **self._expansion(name))

    def let(self, children):
        name, value = children[1], children[3]
        return ir.Let(name=self._name(name, "let"), name_span=_span(name), value=value, doc=None,
                      span=_over(children), **self._expansion(children[0]))

    def var_default(self, children):
        return ("default", children[1])

    def var(self, children):
        name, type_token = children[1], children[3]
        default = next((c[1] for c in children[4:] if isinstance(c, tuple)), None)
        end = default if default is not None else type_token
        return ir.Var(name=self._name(name, "var"), name_span=_span(name), type=str(type_token),
                      type_span=_span(type_token), default=default, doc=None,
                      span=Span(*_start(children[0]), *_end(end)))

    def param_type(self, children):
        return ("type", children[1], children[2] if len(children) > 2 else None)

    def enum(self, children):
        return children[1]

    def param_default(self, children):
        return ("default", children[1], children[1])

    def param(self, children):
        name, rest = children[1], [c for c in children[2:] if isinstance(c, tuple)]
        type_name, type_span, enum, default = "String", None, None, None
        last = name
        for item in rest:
            if item[0] == "type":
                type_name, type_span, enum = str(item[1]), _span(item[1]), item[2]
                last = enum if enum is not None else item[1]
            else:
                default = last = item[1]
        return ir.Param(name=self._name(name, "parameter"), name_span=_span(name), type=type_name,
                        type_span=type_span, enum=enum, default=default, doc=None,
                        span=Span(*_start(children[0]), *_end(last)), **self._expansion(children[0]))

    def experiment_none(self, children):
        return ir.Experiment(none=True, attributes=(), doc=None, span=_over(children))

    def experiment_block(self, children):
        return ir.Experiment(none=False, attributes=_nodes(children, ir.Attribute), doc=None, span=_over(children))

    def schedule(self, children):
        name = next((c for c in children[1:2] if isinstance(c, Token) and c.type == "NAME"), None)
        return ir.Schedule(name=self._name(name, "schedule") if name is not None else None,
                           name_span=_span(name) if name is not None else None,
                           attributes=_nodes(children, ir.Attribute), doc=None, span=_over(children))

    def block(self, children):
        name = children[0]
        return ir.Block(name=str(name), name_span=_span(name), attributes=_nodes(children, ir.Attribute),
                        span=_over(children))

    @staticmethod
    def _optional_name(children):
        token = children[1]
        return token if isinstance(token, Token) and token.type == "NAME" else None

    def input_value(self, children):
        name = self._optional_name(children)
        return ir.Input(name=self._name(name, "channel") if name else None,
                        name_span=_span(name) if name else None, value=children[-1],
                        attributes=(), span=_over(children))

    def input_block(self, children):
        name = self._optional_name(children)
        return ir.Input(name=self._name(name, "channel") if name else None,
                        name_span=_span(name) if name else None, value=None,
                        attributes=_nodes(children, ir.Attribute), span=_over(children))

    def output_typed(self, children):
        name, type_token = children[1], children[3]
        return ir.Output(name=self._name(name, "output"), name_span=_span(name),
                         type=str(type_token), type_span=_span(type_token), attributes=(),
                         span=_over(children))

    def output_block(self, children):
        name = children[1]
        return ir.Output(name=self._name(name, "output"), name_span=_span(name), type=None,
                         type_span=None, attributes=_nodes(children, ir.Attribute), span=_over(children))

    def property_file(self, children):
        name = children[1]
        return ir.PropertyFile(name=self._name(name, "property file"), name_span=_span(name),
                               attributes=_nodes(children, ir.Attribute), span=_over(children))

    def dotted(self, children):
        return ir.ExceptionType(name=f"{children[0]}.{children[2]}", span=_over(children))

    def retry_body(self, children):
        return ("body", _nodes(children, ir.Attribute), children[-1])

    def retry(self, children):
        types = _nodes(children, ir.ExceptionType)
        body = next((c for c in children if isinstance(c, tuple)), None)
        end = body[2] if body is not None else types[-1]
        return ir.Retry(exception_types=types, attributes=body[1] if body else (),
                        span=Span(*_start(children[0]), *_end(end)))

    _MEMBERS = (ir.Attribute, ir.Block, ir.Input, ir.Output, ir.PropertyFile, ir.Retry, ir.When, ir.If)
    _PIPELINE_MEMBERS = (ir.Attribute, ir.Let, ir.Var, ir.Param, ir.Experiment, ir.Schedule, ir.Step, ir.Template,
                         ir.ForLoop, ir.If)

    def step(self, children):
        name, kind = children[1], children[3]
        members = _nodes(children[4:], self._MEMBERS)
        return ir.Step(
            name=self._name(name, "step"), name_span=_span(name), kind=str(kind),
            kind_span=_span(kind), **ir.step_groups(members), doc=None, span=_over(children),
            members=members, **self._expansion(children[0]),
        )

    def template(self, children):
        name, base = children[1], children[3]
        return ir.Template(name=self._name(name, "template"), name_span=_span(name), base=str(base),
                           base_span=_span(base), members=_nodes(children[4:], self._MEMBERS), doc=None,
                           span=_over(children))

    def _if(self, children, members):
        condition = children[1]
        otherwise = next((c for c in children if isinstance(c, tuple) and c and c[0] == "else"), None)
        close = [c for c in children if isinstance(c, Token) and c.type == "RBRACE"][0]
        end = otherwise[2] if otherwise else close
        node = ir.If(condition=condition, members=_nodes(children[2:], members),
                     otherwise=otherwise[1] if otherwise else (), else_if=bool(otherwise and otherwise[3]),
                     span=Span(*_start(children[0]), *_end(end)),
                     then_span=Span(*_start(children[0]), *_end(close)),
                     else_span=Span(*_start(otherwise[4]), *_end(end)) if otherwise else None)
        return self._nested_members(node, node.members + node.otherwise)

    def step_if(self, children):
        return self._if(children, self._MEMBERS)

    def step_else(self, children):
        return ("else", _nodes(children, self._MEMBERS), children[-1], False, children[0])

    def step_else_if(self, children):
        return ("else", (children[1],), children[1], True, children[0])

    def pipeline_if(self, children):
        return self._if(children, self._PIPELINE_MEMBERS)

    def pipeline_else(self, children):
        return ("else", _nodes(children, self._PIPELINE_MEMBERS), children[-1], False, children[0])

    def else_if(self, children):
        return ("else", (children[1],), children[1], True, children[0])

    def for_loop(self, children):
        var = children[1]
        node = ir.ForLoop(var=self._name(var, "loop variable"), var_span=_span(var), items=children[3],
                          members=_nodes(children[4:], self._PIPELINE_MEMBERS), span=_over(children))
        return self._nested_members(node, node.members)

    def import_(self, children):
        token = children[1]
        decoded = _StringDecoder(token, self.problems).decode()
        path = decoded.value if isinstance(decoded, ir.Literal) and isinstance(decoded.value, str) else str(token)[1:-1]
        return ir.Import(path=path, path_span=_span(token), span=_over(children), raw=str(token))

    def pipeline(self, children):
        name = children[1]
        members = _nodes(children[2:], self._PIPELINE_MEMBERS)
        return ir.Pipeline(
            name=self._name(name, "pipeline"), name_span=_span(name), **ir.pipeline_groups(members),
            doc=None, span=_over(children),
        )

    def start(self, children):
        return [c for c in children if isinstance(c, (ir.Let, ir.Var, ir.Pipeline, ir.Template, ir.Import))]


def _guard(method):
    """While Lark recovers from a syntax error, rules may be reduced from odd pieces; a
    method that cannot make sense of them gives BROKEN instead of failing the parse."""
    def guarded(self, children):
        try:
            return method(self, children)
        except Exception:  # noqa: BLE001 - see the docstring; a clean parse never gets here
            self.broken = True
            return BROKEN

    guarded.__name__ = method.__name__
    guarded.unguarded = method  # type: ignore[attr-defined] # what dsl.syntax.fastparse calls: no odd pieces to guard against
    return guarded


for _rule, _method in list(vars(_Builder).items()):
    if callable(_method) and not _rule.startswith("_"):
        setattr(_Builder, _rule, _guard(_method))


class _DocComments:
    """Attaches `##` comment blocks to the declaration on the line right below them."""

    def __init__(self, text: str, tokens):
        lines = text.split("\n")
        self.by_line = {}
        for token in tokens:
            before = lines[token.line - 1][: token.column - 1]
            if before.strip():
                continue  # a trailing `##` after code documents nothing
            body = str(token)[2:].rstrip()  # (ends at its last non-blank character, as comments do)
            self.by_line[token.line] = body[1:] if body.startswith(" ") else body

    def file_doc(self, text: str, top) -> Optional[str]:
        """A `##` block that opens the file, right above a `let`, documents the file (what
        people mean), not that let; it is taken out so the let does not get it."""
        if not top or not isinstance(top[0], ir.Let):
            return None
        line = top[0].span.line - 1
        first = line
        while first in self.by_line:
            first -= 1
        if first == line or text.split("\n", first)[:first] and any(
                part.strip() for part in text.split("\n", first)[:first]):
            return None
        doc = self.above(top[0].span.line)
        for n in range(first + 1, line + 1):
            del self.by_line[n]
        return doc

    def above(self, line: int):
        found = []
        line -= 1
        while line in self.by_line:
            found.append(self.by_line[line])
            line -= 1
        return "\n".join(reversed(found)) if found else None

    def attach(self, node):
        doc = self.above(node.span.line)
        documented = (ir.Let, ir.Var, ir.Param, ir.Step, ir.Experiment, ir.Schedule, ir.Template, ir.ForLoop, ir.If)
        if isinstance(node, ir.Pipeline):
            members = tuple(self.attach(m) if isinstance(m, documented) else m for m in node.members)
            node = attrs.evolve(node, **ir.pipeline_groups(members))
        elif isinstance(node, ir.ForLoop):
            node = attrs.evolve(node, members=tuple(self.attach(m) if isinstance(m, documented) else m
                                                    for m in node.members))
        elif isinstance(node, ir.If):
            node = attrs.evolve(
                node, members=tuple(self.attach(m) if isinstance(m, documented) else m for m in node.members),
                otherwise=tuple(self.attach(m) if isinstance(m, documented) else m for m in node.otherwise))
        return attrs.evolve(node, doc=doc) if doc is not None else node


def comments_of(tokens, text: str):
    """`ir.Comment`s of the comment tokens the parser collected, in order."""
    out = []
    line_starts = None
    for token in tokens:
        if line_starts is None:
            line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        start = line_starts[token.line - 1]
        own_line = not text[start:token.start_pos].strip()
        # (its text ends at its last non-blank character: the layout has no trailing blanks)
        out.append(ir.Comment(text=str(token).rstrip(), span=_span(token), own_line=own_line))
    return tuple(out)


def to_ir(top, comment_tokens, text: str, filename: str, problems: Optional[List[Diagnostic]] = None):
    """Finish the IR of a file from the top-level nodes the parser built: attach doc comments
    and comments; return `(ir.File, problems)`."""
    problems = [] if problems is None else problems
    docs = _DocComments(text, [t for t in comment_tokens if t.type == "DOC_COMMENT"])
    file_doc = docs.file_doc(text, top)
    top = [docs.attach(node) for node in top]
    file = ir.File(
        filename=filename,
        lets=tuple(n for n in top if isinstance(n, ir.Let)),
        vars=tuple(n for n in top if isinstance(n, ir.Var)),
        pipelines=tuple(n for n in top if isinstance(n, ir.Pipeline)),
        templates=tuple(n for n in top if isinstance(n, ir.Template)),
        imports=tuple(n for n in top if isinstance(n, ir.Import)),
        members=tuple(top),
        comments=comments_of(comment_tokens, text),
        doc=file_doc,
    )
    return file, problems
