"""IR to `.pipe` text in the canonical layout of LANGUAGE.md section 10 (the formatter's half).

One method per IR node, as sqlglot's generator has. The IR keeps what the layout needs: raw
token text (strings and numbers exactly as written), trailing commas, parentheses, members in
the order written, and every comment with its position; comments are placed back by position:
an own-line comment before the member below it, an end-of-line comment after its line.
"""
from __future__ import annotations

import bisect
from typing import Dict, List, Optional, Tuple

from dsl.syntax import ir
from dsl.syntax.transformer import KEYWORDS

WIDTH = 100
INDENT = "    "

def name(text: str) -> str:
    """A declared or referenced name as `.pipe` text: in backquotes when it is a keyword."""
    return f"`{text}`" if text in KEYWORDS else text


_PRECEDENCE = {ir.OrCond: 1, ir.AndCond: 2, ir.NotCond: 3, ir.Compare: 4, ir.InCond: 4, ir.RawCond: 4}


def _pos(span) -> Tuple[int, int]:
    return (span.line, span.column)


def _end(span) -> Tuple[int, int]:
    return (span.end_line, span.end_column)


class Printer:
    def __init__(self, file: ir.File, text: str):
        self.file = file
        self.source_lines = text.split("\n")
        self._text = text
        self._line_starts: Optional[List[int]] = None
        self.comments = list(file.comments)
        self.used = [False] * len(self.comments)

    # --- comments and blank lines ---------------------------------------------------
    def _own_comments(self, after: Tuple[int, int], before: Tuple[int, int]) -> List[ir.Comment]:
        found = []
        for i, comment in enumerate(self.comments):
            if not self.used[i] and comment.own_line and after < _pos(comment.span) < before:
                self.used[i] = True
                found.append(comment)
        return found

    def _trailing(self, line: int, after_column: int = 0, before_column: int = 10**9) -> Optional[ir.Comment]:
        """The end-of-line comment on `line` between the two columns, taken."""
        for i, comment in enumerate(self.comments):
            if (not self.used[i] and not comment.own_line and comment.span.line == line
                    and after_column <= comment.span.column < before_column):
                self.used[i] = True
                return comment
        return None

    def _has_comment_inside(self, span) -> bool:
        start, end = _pos(span), _end(span)
        return any(not self.used[i] and start < _pos(c.span) < end for i, c in enumerate(self.comments))

    def _blank_between(self, first_line: int, last_line: int) -> bool:
        """A blank source line strictly between two lines."""
        return any(not self.source_lines[n - 1].strip() for n in range(first_line + 1, last_line)
                   if 0 < n <= len(self.source_lines))

    # --- the file and bodies --------------------------------------------------------
    def print_file(self) -> str:
        end = (len(self.source_lines) + 1, 0)
        lines = self.body(self.file.members, "", (0, 0), end)
        return "\n".join(lines).rstrip("\n") + "\n" if lines else ""

    def body(self, members, indent: str, open_pos, close_pos) -> List[str]:
        """Members of a block, one per line, with the comments and (single) blank lines
        between them as written; runs of one-line attributes get their `=` aligned."""
        entries: list = []  # ("blank",) | ("comment", text) | ("attr", name, lines) | ("other", lines)
        previous_line = open_pos[0]

        def gap(line):
            if entries and self._blank_between(previous_line, line):
                entries.append(("blank",))

        for index, member in enumerate(members):
            for comment in self._own_comments(open_pos if not entries else (previous_line, 10**9),
                                              _pos(member.span)):
                gap(comment.span.line)
                entries.append(("comment", comment.text))
                previous_line = comment.span.line
            gap(member.span.line)
            lines, after = self._member_keeping_comments(member, indent, entries)
            # (on the line of the block's `}`, what follows the `}` is the block's, not the member's)
            trailing = self._trailing(member.span.end_line, member.span.end_column,
                                      close_pos[1] - 1 if close_pos[0] == member.span.end_line else 10**9)
            # end-of-line comments after tokens the member's span leaves out (the `)` of
            # `when (a <= 5)` on a line of its own): after the member, in order
            upto = _pos(members[index + 1].span) if index + 1 < len(members) else close_pos
            late = [i for i, c in enumerate(self.comments) if not self.used[i] and not c.own_line
                    and _end(member.span) <= _pos(c.span) < upto]
            for i in late:
                self.used[i] = True
            late_texts = [self.comments[i].text for i in late]
            if trailing is None and late_texts and not after:
                trailing = ir.Comment(text=late_texts.pop(0), span=member.span, own_line=False)
            if trailing is not None and after:
                after.append(trailing.text)  # after the hoisted comments, which came first
            elif trailing is not None:
                lines[-1] += "  " + trailing.text
            after += late_texts
            if isinstance(member, ir.Attribute) and len(lines) == 1:
                entries.append(("attr", member.name, lines, trailing is not None))
            else:
                entries.append(("other", lines))
            entries.extend(("comment", text) for text in after)
            previous_line = member.span.end_line
        for comment in self._own_comments(open_pos if not entries else (previous_line, 10**9), close_pos):
            gap(comment.span.line)
            entries.append(("comment", comment.text))
            previous_line = comment.span.line
        return self._lay_out(entries, indent)

    def _inside(self, member) -> List[int]:
        start, end = _pos(member.span), _end(member.span)
        return [i for i, c in enumerate(self.comments) if not self.used[i] and start < _pos(c.span) < end]

    def _member_keeping_comments(self, member, indent: str, entries: list) -> Tuple[List[str], List[str]]:
        """The member's lines with every comment inside it kept, and the comments to print on
        their own lines after it. A comment the layout has no place for (inside a condition,
        between a declaration's words) goes on its own line: for a member without a body,
        with every other comment inside it, so that their order stays; for a block, only the
        unplaced ones (they are in its head, before everything its body placed). They go
        before the member, or after it when it has a `##` doc, which must stay right above."""
        used = list(self.used)
        lines = self.member(member, indent)
        unplaced = self._inside(member)
        if not unplaced:
            return lines, []
        if not getattr(member, "members", None) and not isinstance(member, ir.If):
            self.used = used  # print it again with all its comments hoisted
            unplaced = self._inside(member)
            for i in unplaced:
                self.used[i] = True
            lines = self.member(member, indent)
        texts = [self.comments[i].text for i in unplaced]
        for i in unplaced:
            self.used[i] = True
        if getattr(member, "doc", None) is not None:
            return lines, texts
        entries.extend(("comment", text) for text in texts)
        return lines, []

    def _lay_out(self, entries, indent) -> List[str]:
        out: List[str] = []
        i = 0
        while i < len(entries):
            entry = entries[i]
            if entry[0] == "attr":
                run = [entry]
                while i + len(run) < len(entries) and entries[i + len(run)][0] == "attr":
                    run.append(entries[i + len(run)])
                width = max(len(e[1]) for e in run) if len(run) > 1 else 0
                for _, name, lines, _ in run:
                    head = f"{indent}{name} = "
                    text = lines[0][len(head):]
                    out.append(f"{indent}{name.ljust(width)} = {text}")
                i += len(run)
                continue
            if entry[0] == "blank":
                out.append("")
            elif entry[0] == "comment":
                out.append(indent + entry[1])
            else:
                out.extend(entry[1])
            i += 1
        return out

    # --- members --------------------------------------------------------------------
    def member(self, node, indent: str) -> List[str]:
        return getattr(self, "print_" + type(node).__name__.lower())(node, indent)

    def print_attribute(self, node: ir.Attribute, indent: str) -> List[str]:
        return self.value_lines(node.value, indent, f"{node.name} = ", "")

    def print_let(self, node: ir.Let, indent: str) -> List[str]:
        return self.value_lines(node.value, indent, f"let {name(node.name)} = ", "")

    def print_var(self, node: ir.Var, indent: str) -> List[str]:
        text = f"var {name(node.name)}: {node.type}"
        if node.default is not None:
            return self.value_lines(node.default, indent, text + " = ", "")
        return [indent + text]

    def print_param(self, node: ir.Param, indent: str) -> List[str]:
        text = f"param {name(node.name)}"
        if node.type_span is not None:
            text += f": {node.type}"
            if node.enum is not None:
                text += f" in {self.inline(node.enum)}"
        if node.default is not None:
            text += f" = {self.inline(node.default)}"
        return [indent + text]

    def print_experiment(self, node: ir.Experiment, indent: str) -> List[str]:
        if node.none:
            return [indent + "experiment none"]
        return self.small_block("experiment", node.attributes, node.span, indent)

    def print_schedule(self, node: ir.Schedule, indent: str) -> List[str]:
        head = "schedule" + (f" {name(node.name)}" if node.name is not None else "")
        return self.small_block(head, node.attributes, node.span, indent)

    def print_pipeline(self, node: ir.Pipeline, indent: str) -> List[str]:
        return self.big_block(f"pipeline {name(node.name)}", node.members, node.span, indent)

    def print_step(self, node: ir.Step, indent: str) -> List[str]:
        return self.big_block(f"step {name(node.name)}: {node.kind}", node.members, node.span, indent)

    def print_block(self, node: ir.Block, indent: str) -> List[str]:
        return self.small_block(node.name, node.attributes, node.span, indent)

    def print_input(self, node: ir.Input, indent: str) -> List[str]:
        head = "input" + (f" {name(node.name)}" if node.name else "")
        if node.value is not None:
            return self.value_lines(node.value, indent, head + " = ", "")
        return self.small_block(head, node.attributes, node.span, indent)

    def print_output(self, node: ir.Output, indent: str) -> List[str]:
        if node.type is not None:
            return [f"{indent}output {name(node.name)}: {node.type}"]
        return self.small_block(f"output {name(node.name)}", node.attributes, node.span, indent)

    def print_propertyfile(self, node: ir.PropertyFile, indent: str) -> List[str]:
        return self.small_block(f"property_file {name(node.name)}", node.attributes, node.span, indent)

    def print_retry(self, node: ir.Retry, indent: str) -> List[str]:
        head = "retry " + ", ".join(e.name for e in node.exception_types)
        if not node.attributes and not self._has_comment_inside(node.span):
            return [indent + head]
        return self.small_block(head, node.attributes, node.span, indent)

    def print_template(self, node: ir.Template, indent: str) -> List[str]:
        return self.big_block(f"template {name(node.name)}: {node.base}", node.members, node.span, indent)

    def print_forloop(self, node: ir.ForLoop, indent: str) -> List[str]:
        return self.big_block(f"for {name(node.var)} in {self.inline(node.items)}", node.members, node.span,
                              indent)

    def print_if(self, node: ir.If, indent: str) -> List[str]:
        then_span = node.then_span or node.span
        lines = self.big_block(f"if {self.condition(node.condition, 0)}", node.members, then_span, indent)
        otherwise = node.otherwise[0].span if node.else_if else node.else_span
        if otherwise is not None:  # comments between `}` and `else`: at the end of the `if` body
            between = [i for i, c in enumerate(self.comments)
                       if not self.used[i] and _end(then_span) <= _end(c.span) and _pos(c.span) < _pos(otherwise)]
            for i in between:
                self.used[i] = True
            if between and lines[-1].strip() == "}":
                lines[-1:] = [indent + INDENT + self.comments[i].text for i in between] + [lines[-1]]
            elif between:  # `if … {}`: open it
                lines = [lines[0][:-1]] + [indent + INDENT + self.comments[i].text for i in between] + [indent + "}"]
        if node.else_if:
            rest = self.print_if(node.otherwise[0], indent)
        elif node.else_span is not None:
            rest = self.big_block("", node.otherwise, node.else_span, indent)
        else:
            return lines
        lines[-1] += " else " + rest[0][len(indent):].lstrip()
        return lines + rest[1:]

    def print_import(self, node: ir.Import, indent: str) -> List[str]:
        return [f"{indent}import {node.raw or self.expr_literal(ir.Literal(value=node.path, span=node.span))}"]

    def print_when(self, node: ir.When, indent: str) -> List[str]:
        """One line when it fits; else broken before each `or` (then each `and`) of the top
        level, a nested `and` one level deeper (newlines carry no meaning in a condition)."""
        return self._broken_condition(node.condition, 0, f"{indent}when ", indent + "    ")

    def _broken_condition(self, node, needed: int, first: str, indent: str) -> List[str]:
        one = first + self.condition(node, needed)
        if len(one) <= WIDTH or not isinstance(node, (ir.OrCond, ir.AndCond)) or node.parenthesized \
                or _PRECEDENCE[type(node)] < needed:
            return [one]
        word, level = ("or", 2) if isinstance(node, ir.OrCond) else ("and", 3)
        lines = self._broken_condition(node.conditions[0], level, first, indent + "    ")
        for part in node.conditions[1:]:
            lines += self._broken_condition(part, level, f"{indent}{word} ", indent + "    ")
        return lines

    # --- blocks ---------------------------------------------------------------------
    def _brace(self, span) -> Tuple[int, int]:
        """(line, column) of the block's opening `{`: the `{` whose `}` ends the span (a
        `${…}` name, a string or a map in the block's head may hold other braces)."""
        from dsl.syntax.lexer import _AFTER_BLANKS

        if self._line_starts is None:
            self._line_starts = [0]
            for line in self.source_lines[:-1]:
                self._line_starts.append(self._line_starts[-1] + len(line) + 1)
        text = self._text
        pos = self._line_starts[span.line - 1] + span.column - 1
        end = self._line_starts[span.end_line - 1] + span.end_column - 1  # just past the `}`
        opened: List[int] = []
        while pos < end:
            match = _AFTER_BLANKS.match(text, pos)
            if match is None:
                break
            group = match.lastgroup or ""
            start, pos = match.span(group)
            if group == "PUNCTUATION" and text[start] == "{":
                opened.append(start)
            elif group == "PUNCTUATION" and text[start] == "}" and opened:
                brace = opened.pop()
                if pos == end:
                    row = bisect.bisect_right(self._line_starts, brace)
                    return row, brace - self._line_starts[row - 1] + 1
        return span.line, span.column

    def _brace_line(self, span) -> int:
        return self._brace(span)[0]

    def _after_brace(self, span, members) -> Optional[ir.Comment]:
        """The end-of-line comment after a block's `{`: before its first member or its `}`
        when they are on the same line (a comment after a one-line block's `}` is the
        block's own, placed after it)."""
        line, column = self._brace(span)
        before = 10**9
        if members and members[0].span.line == line:
            before = members[0].span.column
        elif span.end_line == line:
            before = span.end_column
        return self._trailing(line, column, before)

    def big_block(self, head: str, members, span, indent: str) -> List[str]:
        """A step or the pipeline: always multi-line (empty: `{}`)."""
        open_line = self._brace_line(span)
        header, trailing = self._head_comments(span, members, indent + INDENT)
        inner = header + self.body(members, indent + INDENT, (open_line, 10**9), _end(span))
        first = f"{indent}{head} {{" + (f"  {trailing.text}" if trailing else "")
        if not inner and not trailing:
            return [f"{indent}{head} {{}}"]
        return [first] + inner + [indent + "}"]

    def _head_comments(self, span, members, inner_indent: str):
        """(own lines, end-of-line comment) for the comments of a block's head: written
        between its first word and its `{` (`step # why\n Train: training {`) they have no
        place there and open its body, in order; the comment after the `{` then follows them."""
        line, column = self._brace(span)
        header = [i for i, c in enumerate(self.comments)
                  if not self.used[i] and _pos(span) < _pos(c.span) < (line, column)]
        for i in header:
            self.used[i] = True
        trailing = self._after_brace(span, members)
        lines = [inner_indent + self.comments[i].text for i in header]
        if header and trailing is not None:
            lines.append(inner_indent + trailing.text)
            trailing = None
        return lines, trailing

    def small_block(self, head: str, attributes, span, indent: str) -> List[str]:
        """`head { a = 1, b = 2 }` when written on one line and it fits; else one per line."""
        if span.line == span.end_line and not self._has_comment_inside(span):
            if not attributes:
                return [f"{indent}{head} {{}}"]
            parts = [self.inline_or_none(a.value) for a in attributes]
            if all(p is not None for p in parts):
                text = f"{indent}{head} {{ " + ", ".join(
                    f"{a.name} = {p}" for a, p in zip(attributes, parts)) + " }"
                if len(text) <= WIDTH:
                    return [text]
        open_line = self._brace_line(span)
        header, trailing = self._head_comments(span, attributes, indent + INDENT)
        inner = header + self.body(attributes, indent + INDENT, (open_line, 10**9), _end(span))
        if not inner and not trailing:
            return [f"{indent}{head} {{}}"]
        return [f"{indent}{head} {{" + (f"  {trailing.text}" if trailing else "")] + inner + [indent + "}"]

    # --- expressions ----------------------------------------------------------------
    def inline_or_none(self, expr) -> Optional[str]:
        """The expression on one line, or None when its layout forces it onto several (a
        trailing comma, a comment inside)."""
        if isinstance(expr, (ir.ListExpr, ir.MapExpr, ir.Call)):
            if expr.trailing_comma or self._has_comment_inside(expr.span):
                return None
        for child in ir.children(expr):
            if self.inline_or_none(child) is None:
                return None
        return self.inline(expr)

    def inline(self, expr) -> str:
        return getattr(self, "expr_" + type(expr).__name__.lower())(expr)

    def expr_literal(self, node: ir.Literal) -> str:
        if node.raw is not None:
            return node.raw
        words: Dict[object, str] = {True: "true", False: "false", None: "null"}
        return words.get(node.value, repr(node.value)) \
            if not isinstance(node.value, str) else '"' + node.value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def expr_interpolation(self, node: ir.Interpolation) -> str:
        return node.raw or ""

    def expr_listexpr(self, node: ir.ListExpr) -> str:
        return "[" + ", ".join(self.inline(i) for i in node.items) + "]"

    def expr_comprehension(self, node: ir.Comprehension) -> str:
        return f"[{self.inline(node.element)} for {name(node.var)} in {self.inline(node.items)}]"

    def expr_mapexpr(self, node: ir.MapExpr) -> str:
        if not node.entries:
            return "{}"
        return "{ " + ", ".join(f"{e.key_raw or e.key}: {self.inline(e.value)}" for e in node.entries) + " }"

    def expr_ref(self, node: ir.Ref) -> str:
        out = name(node.name)
        for part in node.parts:
            out += f".{part.name}" if isinstance(part, ir.Member) else f"[{part.raw or repr(part.key)}]"
        return out

    def expr_call(self, node: ir.Call) -> str:
        return f"{node.name}(" + ", ".join(self._arg(a) for a in node.args) + ")"

    def _arg(self, arg: ir.Arg, text: Optional[str] = None) -> str:
        text = self.inline(arg.value) if text is None else text
        return f"{arg.name} = {text}" if arg.name else text

    def value_lines(self, expr, indent: str, prefix: str, suffix: str) -> List[str]:
        """`prefix + expr + suffix` at `indent`: on one line if it fits and its layout allows;
        otherwise a list, map or call is broken one item per line, each followed by a comma."""
        one = self.inline_or_none(expr)
        if one is not None and (len(indent + prefix + one + suffix) <= WIDTH
                                or not isinstance(expr, (ir.ListExpr, ir.MapExpr, ir.Call))):
            return [indent + prefix + one + suffix]
        inner = indent + INDENT
        if isinstance(expr, ir.ListExpr):
            opener, closer = "[", "]"
            items = [("", item, item.span) for item in expr.items]
        elif isinstance(expr, ir.MapExpr):
            opener, closer = "{", "}"
            items = [(f"{e.key_raw or e.key}: ", e.value, e.key_span) for e in expr.entries]
        elif isinstance(expr, ir.Call):
            opener, closer = f"{expr.name}(", ")"
            items = [(f"{a.name} = " if a.name else "", a.value, a.span) for a in expr.args]
        else:  # not breakable: one long line
            return [indent + prefix + self.inline(expr) + suffix]
        if not items and not self._has_comment_inside(expr.span):
            return [indent + prefix + opener + closer + suffix]
        lines = [indent + prefix + opener]
        previous = (expr.span.line, expr.span.column)
        after_opener = self._trailing(expr.span.line, expr.span.column,
                                      items[0][2].column if items and items[0][2].line == expr.span.line else 10**9)
        if after_opener is not None:  # `[  # a comment`
            lines[0] += "  " + after_opener.text
            previous = (expr.span.line, 10**9)
        for index, (item_prefix, value, start) in enumerate(items):
            for comment in self._own_comments(previous, _pos(start)):
                lines.append(inner + comment.text)
            item_lines = self.value_lines(value, inner, item_prefix, ",")
            end_line = value.span.end_line
            # an end-of-line comment after the item: before the next item or the closing
            # bracket when they are on its line (what follows those is theirs)
            nxt = items[index + 1][2] if index + 1 < len(items) else None
            if nxt is not None and nxt.line == end_line:
                before = nxt.column
            elif expr.span.end_line == end_line:
                before = expr.span.end_column - 1
            else:
                before = 10**9
            trailing = self._trailing(end_line, value.span.end_column, before)
            if trailing is not None:
                item_lines[-1] += "  " + trailing.text
            lines += item_lines
            previous = (end_line, 10**9) if trailing is not None else _end(value.span)
        for comment in self._own_comments(previous, _end(expr.span)):
            lines.append(inner + comment.text)
        lines.append(indent + closer + suffix)
        return lines

    # --- conditions -----------------------------------------------------------------
    def condition(self, node, needed: int) -> str:
        level = _PRECEDENCE[type(node)]
        text = getattr(self, "cond_" + type(node).__name__.lower())(node)
        return f"({text})" if node.parenthesized or level < needed else text

    def cond_orcond(self, node: ir.OrCond) -> str:
        return " or ".join(self.condition(c, 2) for c in node.conditions)

    def cond_andcond(self, node: ir.AndCond) -> str:
        return " and ".join(self.condition(c, 3) for c in node.conditions)

    def cond_notcond(self, node: ir.NotCond) -> str:
        return "not " + self.condition(node.condition, 3)

    def cond_compare(self, node: ir.Compare) -> str:
        return f"{self.inline(node.left)} {node.op} {self.inline(node.right)}"

    def cond_rawcond(self, node: ir.RawCond) -> str:
        return self.inline(node.value)

    def cond_incond(self, node: ir.InCond) -> str:
        return f"{self.inline(node.value)} {'not in' if node.negated else 'in'} {self.inline(node.values)}"
