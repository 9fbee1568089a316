"""Transpile-time expansion (LANGUAGE.md section 13): templates, `for` loops, `if … else`,
list comprehensions, `${…}` pieces in names and keys of transpile-time maps.

The IR keeps what the user wrote (the formatter prints it back); `Expander` makes the
pipeline the emitters see, in which none of it is left: steps with their templates merged,
loops unrolled, the branches of `if`s that were not taken dropped. Nothing here changes a
span, so a problem in an expanded member is reported where it was written; `Program` adds
the notes that say which loop item or which step (for a template) it came from.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

import attrs

from dsl.diagnostics import Diagnostic, Span, did_you_mean, error, warning
from dsl.syntax import ir, records
from dsl.syntax.parser import MAX_NESTING

# `${…}` in a declared name or a reference: `${algo}`, `${cfg.name}`, `${xs[0]}`, `${m["k"]}`
PIECE = re.compile(r"\$\{([^}]*)\}")
_PIECE_REF = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\s*(?:-?\d+|\"[^\"]*\")\s*\])*)\s*")
_PIECE_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*(-?\d+|\"[^\"]*\")\s*\]")
# Members loops may make (loops in loops could otherwise explode). Members written out in the
# file do not count: the file's size bounds them, and a 10,000-step file is a real use.
MAX_EXPANDED = 5_000
# nodes (list items, map entries, characters of text) one let's value may stand for once its
# lets are folded in: `let l1 = [l0, l0]` forty times would otherwise be 2**40 items
MAX_VALUE_SIZE = 1_000_000
# nodes loop bodies may copy in all (loops nested five deep over small lists)
MAX_EXPANSION_WORK = 100_000

# the members a `for` loop may repeat
LOOP_MEMBERS = (ir.Let, ir.Param, ir.Step, ir.ForLoop, ir.If)
# keys by which a step's member replaces a template's (LANGUAGE.md section 13, templates)
_KEYED = {ir.Attribute: "attribute", ir.Block: "block", ir.Input: "input", ir.Output: "output",
          ir.PropertyFile: "property_file"}


def _size(expr, sizes: Dict[str, int], lets) -> int:
    """How many nodes `expr` stands for with the lets it names folded in (`sizes` holds
    those already known; a let not yet known counts 1). Capped past MAX_VALUE_SIZE."""
    if isinstance(expr, ir.Literal):
        return max(len(expr.value), 1) if isinstance(expr.value, str) else 1
    if isinstance(expr, ir.Ref):
        return sizes.get(expr.name, 1) if expr.name in lets else 1
    if isinstance(expr, ir.Interpolation):
        total = sum(max(len(p), 1) if isinstance(p, str) else _size(p, sizes, lets) for p in expr.pieces)
    elif isinstance(expr, ir.Comprehension):
        total = 1 + _size(expr.items, sizes, lets) * _size(expr.element, sizes, lets)
    else:
        total = 1 + sum(_size(child, sizes, lets) for child in ir.children(expr))
    return min(total, MAX_VALUE_SIZE + 1)


def oversized_lets(lets: Dict[str, ir.Let]) -> List[Tuple[Optional[Diagnostic], str]]:
    """(problem, name) of each let whose value, lets folded in, stands for more than
    MAX_VALUE_SIZE nodes: E0173 where it starts to grow (the lets it names do not), None for
    the lets that only build on one. Sizes are found without recursion through let chains:
    a let is sized once the lets it reads are."""
    sizes: Dict[str, int] = {}
    reads = {name: [n.name for n in ir.walk(let.value) if isinstance(n, ir.Ref) and n.name in lets]
             for name, let in lets.items()}
    problems: List[Tuple[Optional[Diagnostic], str]] = []
    for start in lets:
        stack, entered = [start], set()
        while stack:
            name = stack[-1]
            if name in sizes:
                stack.pop()
                continue
            pending = [r for r in reads[name] if r not in sizes and r not in entered]
            if name not in entered and pending:
                entered.add(name)
                stack.extend(pending)
                continue
            stack.pop()
            sizes[name] = _size(lets[name].value, sizes, lets)
            if sizes[name] <= MAX_VALUE_SIZE:
                continue
            if all(sizes.get(r, 1) <= MAX_VALUE_SIZE for r in reads[name]):
                let = lets[name]
                problems.append((error("E0173", f"the value of `{name}` stands for more than {MAX_VALUE_SIZE:,} "
                                      "items or characters once the lets it names are folded in",
                                      let.name_span, "grows too large here",
                                      "a value this large cannot reach a pipeline definition (at most 100 KB "
                                      "inline, 1 MB in S3)"), name))
            else:  # it only grows what an earlier let made too large: no second error, a stand-in too
                problems.append((None, name))
    return problems


class NotKnown(Exception):
    """A value needed at transpile time is not known then (a parameter, a step property)."""

    def __init__(self, span: Span, message: str, hint: Optional[str] = None):
        super().__init__(message)
        self.span, self.message, self.hint = span, message, hint


def member_key(member):
    """What a step member is called, for the template merge; None for unnamed members."""
    kind = _KEYED.get(type(member))
    name = getattr(member, "name", None)
    return (kind, name) if kind is not None and name is not None else None


def merge(template_members, step_members) -> tuple:
    """The template's members first; a step member with the same key replaces the
    template's in its position; the other step members follow."""
    own = {}
    for member in step_members:
        key = member_key(member)
        if key is not None:
            own[key] = member
    used = set()
    out = []
    for member in template_members:
        key = member_key(member)
        if key is not None and key in own:
            if key not in used:
                out.append(own[key])
                used.add(key)
            continue
        out.append(member)
    out.extend(m for m in step_members if member_key(m) is None or member_key(m) not in used)
    return tuple(out)


def text_of(value) -> Optional[str]:
    """A transpile-time value as the text a `${…}` piece stands for, or None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return None


@records.define
class Origin:
    """Where an expanded declaration came from: the loop and the item that made it."""

    loop: ir.ForLoop
    item: ir.Expr
    number: int

    def notes(self, name: str) -> List[Tuple[Span, str]]:
        return [(self.loop.span.start(), f"in this `for {self.loop.var}` loop"),
                (self.item.span, f"item {self.number} makes `{name}`")]


class Expander:
    """Expands one pipeline against a `Program`'s lets (vars included)."""

    def __init__(self, program):
        self.program = program
        self.problems: List[Diagnostic] = []
        self.templates: Dict[str, ir.Template] = {}
        self.template_users: Dict[str, List[ir.Step]] = {}  # template -> steps that use it
        self.origins: Dict[int, Origin] = {}  # id(declaration) -> the loop item that made it
        self.count = 0
        self.stopped = False  # a limit was hit: nothing more is expanded
        self.work = 0  # IR nodes loop bodies and templates copied (bounded by MAX_EXPANSION_WORK)
        self.loops: List[ir.ForLoop] = []  # every loop expanded
        self.used: set = set()  # lets and vars read while expanding (an `if`, a `for`, a name)
        self._effective: Dict[str, tuple] = {}
        self._map_lets = None

    # --- templates ------------------------------------------------------------------
    def add_templates(self, templates):
        for template in templates:
            first = self.templates.get(template.name)
            if first is not None:
                self.problems.append(error(
                    "E0101", f"template `{template.name}` is declared twice", template.name_span,
                    "declared again here", notes=[(first.name_span, "first declared here")]))
                continue
            if template.name in self.program.kinds:
                self.problems.append(error(
                    "E0101", f"template `{template.name}` has the name of a step kind", template.name_span,
                    "a kind's name", "choose another name: steps name their kind or template after `:`"))
                continue
            self.templates[template.name] = template

    def template_members(self, name: str, chain=()) -> Tuple[str, tuple]:
        """(the kind a template ends in, its members with its bases' merged in)."""
        if name in self._effective:
            return self._effective[name]
        template = self.templates[name]
        members = self.decide_step_members(template.members)
        kind, result = template.base, members
        if template.base in self.templates:
            if len(chain) >= MAX_NESTING:
                self.problems.append(error("E0167", f"templates build on each other more than {MAX_NESTING} deep "
                                           f"here (`{name}` on `{template.base}`)", template.base_span,
                                           "too deep", "build on a kind or a shallower template"))
                kind, seen = template.base, set()
                while kind in self.templates and kind not in seen:  # the kind it ends in, without merging
                    seen.add(kind)
                    kind = self.templates[kind].base
            elif template.base in chain or template.base == name:
                cycle = " -> ".join(list(chain) + [name, template.base])
                self.problems.append(error("E0167", f"these templates build on each other in a cycle: {cycle}",
                                           template.base_span, "part of the cycle",
                                           "a template builds on a kind or on a template that does not "
                                           "lead back to it"))
                kind, result = template.base, members
            else:
                kind, base_members = self.template_members(template.base, tuple(chain) + (name,))
                result = merge(base_members, members)
        self._effective[name] = (kind, result)
        return kind, result

    # --- values known at transpile time -----------------------------------------------
    def resolve(self, expr, what: str):
        """The expression `expr` stands for (lets followed, keys of maps read), or raise
        NotKnown when it is not known before running."""
        program = self.program
        seen = set()
        while True:
            if isinstance(expr, ir.Comprehension):
                expr = self.comprehension(expr)
            if not isinstance(expr, ir.Ref):
                return expr
            if expr.name in program.lets:
                self.used.add(expr.name)
                if expr.name in seen:
                    raise NotKnown(expr.name_span, f"`{expr.name}` refers to itself through other lets")
                seen.add(expr.name)
                base = program.lets[expr.name].value
                expr = self.read_parts(base, expr.parts, expr) if expr.parts else base
                continue
            if expr.name in program.params:
                raise NotKnown(expr.name_span, f"`{expr.name}` is a parameter: its value is known only when the "
                               f"pipeline runs, and {what} is decided before that",
                               "use a `condition` step to decide at run time" if what == "an `if`" else
                               "use a let or var here")
            if expr.parts or expr.name in ("Execution", "PipelineExperimentConfig"):
                raise NotKnown(expr.name_span, f"`{expr.name}…` is known only when the pipeline runs, and "
                               f"{what} is decided before that",
                               "use a `condition` step to decide at run time" if what == "an `if`" else None)
            hint = did_you_mean(expr.name, list(program.lets))
            raise NotKnown(expr.name_span, f"unknown name `{expr.name}`", hint)

    def read_parts(self, base, parts, ref: ir.Ref):
        """`base` read by `.key` / `["key"]` / `[0]` parts, each on a map or list literal."""
        for part in parts:
            target = self.resolve(base, "a key") if isinstance(base, (ir.Ref, ir.Comprehension)) else base
            key = part.name if isinstance(part, ir.Member) else part.key
            if isinstance(target, ir.MapExpr) and isinstance(key, str):
                found = next((e.value for e in target.entries if e.key == key), None)
                if found is None:
                    keys = [e.key for e in target.entries]
                    raise NotKnown(part.span, f"`{ref.name}` has no key `{key}`",
                                   did_you_mean(key, keys) or ("keys: " + ", ".join(keys) if keys else "the map is empty"))
                base = found
            elif isinstance(target, ir.ListExpr) and isinstance(key, int):
                if not -len(target.items) <= key < len(target.items):
                    raise NotKnown(part.span, f"index {key} is out of range: `{ref.name}` has "
                                   f"{len(target.items)} item{'s' if len(target.items) != 1 else ''}")
                base = target.items[key]
            else:
                raise NotKnown(part.span, f"`{ref.name}` is not a map or list known at transpile time, so "
                               f"`{getattr(part, 'name', key)}` cannot be read from it")
        return base

    def value(self, expr, what: str):
        """The Python value of a transpile-time expression."""
        target = self.resolve(expr, what)
        if isinstance(target, ir.Literal):
            return target.value
        if isinstance(target, ir.ListExpr):
            return [self.value(item, what) for item in target.items]
        if isinstance(target, ir.MapExpr):
            return {e.key: self.value(e.value, what) for e in target.entries}
        if isinstance(target, ir.Interpolation):
            return "".join(p if isinstance(p, str) else self.piece_text(p, what) for p in target.pieces)
        raise NotKnown(target.span, f"this value is known only when the pipeline runs, and {what} is "
                       "decided before that")

    def piece_text(self, ref: ir.Ref, what: str) -> str:
        text = text_of(self.value(ref, what))
        if text is None:
            raise NotKnown(ref.span, f"`${{{ref.name}…}}` must stand for text or a number")
        return text

    def items_of(self, expr) -> list:
        """The items of a transpile-time list (a `for` or a comprehension runs over them)."""
        target = self.resolve(expr, "a `for`")
        if not isinstance(target, ir.ListExpr):
            raise NotKnown(getattr(expr, "span", None) or target.span,
                           "`for` runs over a list known at transpile time",
                           "a list literal, or a let or var bound to one")
        return list(target.items)

    def comprehension(self, node: ir.Comprehension) -> ir.ListExpr:
        items = [substitute(node.element, {node.var: item}, self) for item in self.items_of(node.items)]
        return ir.ListExpr(items=tuple(items), span=node.span, depth=node.depth)

    # --- conditions -----------------------------------------------------------------
    def decide(self, cond) -> bool:
        if isinstance(cond, ir.Compare):
            left, right = self.value(cond.left, "an `if`"), self.value(cond.right, "an `if`")
            if cond.op in ("==", "!="):
                return (left == right) == (cond.op == "==")
            try:
                return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[cond.op]
            except TypeError:
                raise NotKnown(cond.span, f"cannot compare {type(left).__name__} and {type(right).__name__} "
                               f"with `{cond.op}`") from None
        if isinstance(cond, ir.InCond):
            values = self.value(cond.values, "an `if`")
            if not isinstance(values, (list, dict)):
                raise NotKnown(cond.values.span, "`in` needs a list (or a map, for its keys)")
            return (self.value(cond.value, "an `if`") in values) != cond.negated
        if isinstance(cond, ir.NotCond):
            return not self.decide(cond.condition)
        if isinstance(cond, ir.OrCond):
            return any(self.decide(c) for c in cond.conditions)
        if isinstance(cond, ir.AndCond):
            return all(self.decide(c) for c in cond.conditions)
        value = self.value(cond.value, "an `if`")  # `if UseGpu { … }`: a Boolean
        if not isinstance(value, bool):
            raise NotKnown(cond.span, "an `if` needs a condition or a Boolean",
                           "compare it: `if Stage == \"prod\" { … }`")
        return value

    def branch(self, node: ir.If) -> tuple:
        try:
            return node.members if self.decide(node.condition) else node.otherwise
        except NotKnown as problem:
            self.report(problem)
            return ()

    def report(self, problem: NotKnown, code: str = "E0166", notes=()):
        self.problems.append(error(code, problem.message, problem.span, "not known at transpile time"
                                   if "run" in problem.message else "", problem.hint, notes=notes))

    # --- names ------------------------------------------------------------------------
    def fill(self, text: str, span: Span, env: dict, strict: bool) -> str:
        """`text` with its `${…}` pieces filled: those naming a loop variable of `env`, and
        with `strict`, all of them (lets and vars); a piece that cannot be is reported."""
        def replace(match):
            body = match.group(1)
            parsed = _PIECE_REF.fullmatch(body)
            if parsed is None:
                if strict:
                    self.problems.append(error("E0209", "only a reference may stand inside `${...}`", span,
                                               "not a reference", "e.g. `Train-${algo}`"))
                return match.group()
            head = parsed.group(1)
            if head not in env and not strict:
                return match.group()
            parts: list = []
            for part in _PIECE_PART.finditer(parsed.group(2)):
                if part.group(1) is not None:
                    parts.append(ir.Member(name=part.group(1), span=span))
                else:
                    raw = part.group(2)
                    parts.append(ir.Index(key=int(raw) if raw[0] != '"' else raw[1:-1], span=span))
            ref = ir.Ref(name=head, name_span=span, parts=tuple(parts), span=span)
            try:
                if head in env:
                    value = self.value(self.read_parts(env[head], parts, ref) if parts else env[head], "a name")
                else:
                    value = self.value(ref, "a name")
                shown = text_of(value)
                if shown is None or isinstance(value, bool):
                    raise NotKnown(span, f"`${{{body}}}` in a name must stand for text or a whole number")
            except NotKnown as problem:
                self.problems.append(error("E0163", problem.message, span, "cannot fill this name",
                                           problem.hint or "a loop variable, let or var holding text or a whole "
                                           "number"))
                return match.group()
            return shown

        return PIECE.sub(replace, text)

    # --- pipeline members -------------------------------------------------------------
    def expand_members(self, members, origin: Optional[Origin] = None, nested: bool = False) -> list:
        out: list = []
        for member in members:
            if origin is not None:  # a copy a loop made
                self.count += 1
            if self.count > MAX_EXPANDED or self.work > MAX_EXPANSION_WORK:
                if not self.stopped:
                    self.stopped = True
                    what = (f"more than {MAX_EXPANDED:,} members" if self.count > MAX_EXPANDED else
                            f"more than {MAX_EXPANSION_WORK:,} nodes")
                    self.problems.append(error("E0168", f"this file expands to {what}", member.span,
                                               "expansion stops here",
                                               "loops inside loops multiply: loop over fewer items"))
                break
            if isinstance(member, ir.ForLoop):
                out.extend(self.loop(member))
            elif isinstance(member, ir.If):
                out.extend(self.expand_members(self.branch(member), origin, True))
            elif isinstance(member, ir.Var) and nested:
                self.problems.append(error("E0168", "a var cannot be declared inside an `if`", member.span.start(),
                                           "inside an `if`", "declare it at file or pipeline level"))
            elif isinstance(member, ir.Template):
                if origin is not None:
                    self.problems.append(error("E0168", "a template cannot be declared in a loop", member.span.start(),
                                               "in a loop", "declare it at file or pipeline level"))
                continue  # pipeline-level templates are registered before expansion
            else:
                original, member = member, self.finish(member, origin is not None)
                if origin is not None:
                    self.origins[id(member)] = origin
                if isinstance(member, ir.Let):
                    known = self.program.lets.get(member.name)
                    if known is None or known is original:
                        self.program.lets[member.name] = member
                        self.note_let(member)
                out.append(member)
        return out

    def loop(self, node: ir.ForLoop) -> list:
        self.loops.append(node)
        try:
            items = self.items_of(node.items)
        except NotKnown as problem:
            self.problems.append(error("E0164", problem.message, problem.span, "not a list known at transpile "
                                       "time", problem.hint))
            return []
        for member in node.members:
            if not isinstance(member, LOOP_MEMBERS):
                what = {ir.Attribute: "a pipeline attribute", ir.Experiment: "`experiment`", ir.Var: "a var",
                        ir.Schedule: "a `schedule`",
                        ir.Template: "a template"}.get(type(member), "this")
                self.problems.append(error("E0168", f"{what} cannot be repeated by a loop", member.span.start(),
                                           "not allowed in a loop", "a loop repeats lets, parameters and steps"))
        out = []
        for number, item in enumerate(items, 1):
            body = [substitute(m, {node.var: item}, self) for m in node.members if isinstance(m, LOOP_MEMBERS)]
            out.extend(self.expand_members(body, Origin(node, item, number), True))
        return out

    def map_lets(self) -> set:
        """The lets (and vars) bound to a map or list literal: `cfg.key` reads one. Found
        once; a let a loop or an `if` makes is added as it is made (`note_let`)."""
        if self._map_lets is None:
            self._map_lets = set()
            for let in list(self.program.lets.values()):
                self.note_let(let)
        return self._map_lets

    def note_let(self, let: ir.Let):
        if self._map_lets is not None and isinstance(self.program.follow(let.value),
                                                     (ir.MapExpr, ir.ListExpr, ir.Comprehension)):
            self._map_lets.add(let.name)

    def finish(self, member, looped: bool = False):
        """A declaration with its `${…}` names filled, comprehensions and keys of maps
        resolved, and (a step) its `if`s decided and its template merged."""
        # the parser noted what this pass works on: a member with none of it is passed over
        # (most of a big file; walking every value of every step costs a quarter of a check)
        if (looped or getattr(member, "expands", True) or "${" in getattr(member, "name", "")
                or getattr(member, "reads", frozenset()) & self.map_lets()):
            member = substitute(member, {}, self)
        if isinstance(member, ir.Param) and isinstance(member.default, ir.Interpolation):
            # a default made of lets and vars, `"s3://${Bucket}/raw"`, is text known now
            text = self.program.static_text(member.default)
            if text is not None:
                member = attrs.evolve(member, default=ir.Literal(value=text, span=member.default.span))
        if isinstance(member, ir.Step):
            return self.step(member)
        return member

    def decide_step_members(self, members) -> tuple:
        out: list = []
        for member in members:
            if isinstance(member, ir.If):
                out.extend(self.decide_step_members(self.branch(member)))
            else:
                out.append(member)
        return tuple(out)

    def step(self, step: ir.Step) -> ir.Step:
        if step.kind not in self.templates and not any(isinstance(m, ir.If) for m in step.members):
            return step
        members = self.decide_step_members(step.members)
        kind, kind_span = step.kind, step.kind_span
        if kind in self.templates:
            self.template_users.setdefault(kind, []).append(step)
            kind, base = self.template_members(kind)
            kind_span = self.templates[self.last_template(step.kind)].base_span
            members = merge(substitute(base, {}, self), members)
        return attrs.evolve(step, kind=kind, kind_span=kind_span, **ir.step_groups(members), members=members)

    def last_template(self, name: str) -> str:
        """The template at the end of a chain, the one naming the kind (cycle-safe)."""
        seen = set()
        while self.templates[name].base in self.templates and name not in seen:
            seen.add(name)
            name = self.templates[name].base
        return name

    def expand(self, pipeline: ir.Pipeline) -> ir.Pipeline:
        self.add_templates(m for m in pipeline.members if isinstance(m, ir.Template))
        members = self.expand_members(pipeline.members)
        for name, template in self.templates.items():
            if name not in self.template_users and template.span.file is None:
                self.problems.append(warning("W0002", f"template `{name}` is never used", template.name_span,
                                             "unused", "use it as a step's kind, or remove it"))
        return attrs.evolve(pipeline, **ir.pipeline_groups(members))


def substitute(node, env: dict, expander: Expander):
    """`node` with the loop variables of `env` replaced by their items, `${…}` pieces of
    names filled, comprehensions unrolled and keys of transpile-time maps read. With an
    empty `env` this is the final pass: every `${…}` piece must be filled then."""
    strict = not env
    return _Substitution(env, expander, strict).visit(node)


class _Substitution:
    def __init__(self, env: dict, expander: Expander, strict: bool):
        self.env, self.expander, self.strict = env, expander, strict

    def visit(self, node):
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            return method(node)
        if isinstance(node, tuple):
            new = tuple(self.visit(item) for item in node)
            return node if all(a is b for a, b in zip(new, node)) else new
        if attrs.has(type(node)):
            return self.generic(node)
        return node

    def generic(self, node, **changes):
        if self.env:  # a loop body's copy (the final pass over a plain file is not counted)
            self.expander.work += 1
        for field in attrs.fields(type(node)):
            if field.name in changes or field.name.endswith("span") or field.name in ("raw", "key_raw"):
                continue
            value = getattr(node, field.name)
            if isinstance(value, tuple) or attrs.has(type(value)):
                new = self.visit(value)
                if new is not value:
                    changes[field.name] = new
        return attrs.evolve(node, **changes) if changes else node

    def named(self, node, name_field: str = "name"):
        name = getattr(node, name_field)
        changes = {}
        if "${" in name:
            filled = self.expander.fill(name, node.name_span, self.env, self.strict)
            if filled != name:
                changes[name_field] = filled
        return self.generic(node, **changes)

    visit_Let = visit_Step = named

    visit_Param = named

    def visit_Span(self, node):
        return node

    def visit_ForLoop(self, node):
        if node.var in self.env:  # an inner loop's variable hides the outer one
            inner = _Substitution({k: v for k, v in self.env.items() if k != node.var}, self.expander, self.strict)
            return attrs.evolve(node, items=self.visit(node.items), members=inner.visit(node.members))
        return self.generic(node)

    def visit_Comprehension(self, node):
        items = self.visit(node.items)
        inner = _Substitution({k: v for k, v in self.env.items() if k != node.var}, self.expander, False)
        element = inner.visit(node.element)
        node = attrs.evolve(node, items=items, element=element) if (items, element) != (node.items, node.element) \
            else node
        if self.strict:
            try:
                return self.visit(self.expander.comprehension(node))
            except NotKnown as problem:
                self.expander.problems.append(error("E0164", problem.message, problem.span,
                                                    "not a list known at transpile time", problem.hint))
                return ir.ListExpr(items=(), span=node.span)
        return node

    def visit_Ref(self, node):
        name = node.name
        if "${" in name:
            name = self.expander.fill(name, node.name_span, self.env, self.strict)
        if name in self.env:
            try:
                bound = self.expander.read_parts(self.env[name], node.parts, node) if node.parts else self.env[name]
            except NotKnown as problem:
                self.expander.problems.append(error("E0165", problem.message, problem.span, "no such key",
                                                    problem.hint))
                return node
            return bound
        if node.parts and name in self.expander.program.lets:
            target = self.expander.program.follow(ir.Ref(name=name, name_span=node.name_span, parts=(),
                                                         span=node.span))
            if isinstance(target, (ir.MapExpr, ir.ListExpr, ir.Comprehension)):  # a key of a transpile-time map
                self.expander.used.add(name)
                try:
                    return self.expander.read_parts(target, node.parts, node)
                except NotKnown as problem:
                    self.expander.problems.append(error("E0165", problem.message, problem.span, "no such key",
                                                        problem.hint))
                    return node
        return attrs.evolve(node, name=name) if name != node.name else node

    def visit_Interpolation(self, node):
        pieces: list = []
        changed = False
        for piece in node.pieces:
            new = self.visit(piece) if isinstance(piece, ir.Ref) else piece
            if new is not piece:
                changed = True
                if isinstance(new, ir.Literal):
                    text = text_of(new.value)
                    if text is None:
                        self.expander.problems.append(error("E0163", "`${…}` must stand for text or a number here",
                                                            piece.span, "null"))
                        text = ""
                    new = text
                elif isinstance(new, ir.Interpolation):
                    pieces.extend(new.pieces)
                    continue
                elif not isinstance(new, (str, ir.Ref)):
                    self.expander.problems.append(error("E0163", "a list or map cannot stand inside a string",
                                                        piece.span, "not text"))
                    new = ""
            pieces.append(new)
        if not changed:
            return node
        merged: list = []
        for piece in pieces:
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            elif piece != "":
                merged.append(piece)
        if all(isinstance(p, str) for p in merged):
            return ir.Literal(value="".join(merged), span=node.span)
        return attrs.evolve(node, pieces=tuple(merged))


def expand(program) -> None:
    """The expansion pass over a bound `dsl.semantics.program.Program`: templates, loops, `if`s,
    comprehensions and `${…}` names, in its lets and its pipeline; then the program is
    indexed again. `dsl.api` runs it right after building the program."""
    import attrs

    imported = [m.file for m in program.modules]
    expander = Expander(program)
    expander.add_templates(tuple(t for f in imported for t in f.templates) + program.source_file.templates)
    file = program.file
    file_lets = []
    for let in file.lets:
        finished = expander.finish(let)
        if program.lets.get(let.name) is let:
            program.lets[let.name] = finished
        file_lets.append(finished)
    program.pipeline = expander.expand(program.pipeline)
    program.file = attrs.evolve(file, lets=tuple(file_lets), pipelines=(program.pipeline,) + file.pipelines[1:])
    for let in program.pipeline.lets:
        program.lets.setdefault(let.name, let)
    program.expander = expander
    program.index()
