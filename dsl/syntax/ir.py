"""The IR: frozen attrs classes built from the parse tree, each carrying its source span.

Emitters and checks read only these classes. Expressions keep the shape the user wrote
(references are not resolved here); `dsl.semantics.program` resolves names.
"""
from __future__ import annotations

from typing import Optional, Tuple, Union

import attrs

from dsl.diagnostics import Span
from dsl.syntax import records


def layout(default=None):
    """A field that records how the source was written (raw token text, a trailing comma,
    parentheses), kept for the formatter; not part of the IR's meaning nor of equality."""
    return attrs.field(default=default, eq=False)


# --- expressions -------------------------------------------------------------------------


@records.frozen(kw_only=True)  # IR nodes: fields given by keyword
class Literal:
    value: Union[str, int, float, bool, None]
    span: Span
    raw: Optional[str] = layout()  # the token as written (escapes, `1.0`)


@records.frozen(kw_only=True)
class ListExpr:
    items: Tuple["Expr", ...]
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    trailing_comma: bool = layout(False)


@records.frozen(kw_only=True)
class MapEntry:
    key: str
    key_span: Span
    value: "Expr"
    key_raw: Optional[str] = layout()


@records.frozen(kw_only=True)
class MapExpr:
    entries: Tuple[MapEntry, ...]
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    trailing_comma: bool = layout(False)


@records.frozen(kw_only=True)
class Member:
    """`.Name` in a reference."""

    name: str
    span: Span


@records.frozen(kw_only=True)
class Index:
    """`[0]` or `["key"]` in a reference."""

    key: Union[int, str]
    span: Span
    raw: Optional[str] = layout()


@records.frozen(kw_only=True)
class Ref:
    """A name, optionally followed by `.Member` and `[index]` parts."""

    name: str
    name_span: Span
    parts: Tuple[Union[Member, Index], ...]
    span: Span


@records.frozen(kw_only=True)
class Arg:
    name: Optional[str]
    value: "Expr"
    span: Span


@records.frozen(kw_only=True)
class Call:
    name: str
    name_span: Span
    args: Tuple[Arg, ...]
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    trailing_comma: bool = layout(False)


@records.frozen(kw_only=True)
class Interpolation:
    """A string with `${ref}` pieces: literal text and references, in order."""

    pieces: Tuple[Union[str, Ref], ...]
    span: Span
    raw: Optional[str] = layout()


@records.frozen(kw_only=True)
class Comprehension:
    """`[element for NAME in items]`: a list made at transpile time, one item per item of
    `items` (a list known before running), with NAME bound to it (dsl.semantics.expand)."""

    element: "Expr"
    var: str
    var_span: Span
    items: "Expr"
    span: Span
    depth: int = layout(0)


Expr = Union[Literal, ListExpr, MapExpr, Ref, Call, Interpolation, Comprehension]


# --- conditions --------------------------------------------------------------------------


@records.frozen(kw_only=True)
class Compare:
    op: str  # == != > >= < <=
    left: Expr
    right: Expr
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    parenthesized: bool = layout(False)


@records.frozen(kw_only=True)
class InCond:
    value: Expr
    values: Expr
    negated: bool
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    parenthesized: bool = layout(False)


@records.frozen(kw_only=True)
class NotCond:
    condition: "Cond"
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    parenthesized: bool = layout(False)


@records.frozen(kw_only=True)
class OrCond:
    conditions: Tuple["Cond", ...]
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    parenthesized: bool = layout(False)


@records.frozen(kw_only=True)
class AndCond:
    conditions: Tuple["Cond", ...]
    span: Span
    depth: int = layout(0)  # how deeply lists, maps, calls and conditions nest here
    parenthesized: bool = layout(False)


@records.frozen(kw_only=True)
class RawCond:
    """`condition({ Type: "...", ... })`: one condition written as JSON (an escape hatch)."""

    value: Expr  # the `condition(...)` call as written; checks require one map argument
    span: Span
    parenthesized: bool = layout(False)
    depth: int = layout(0)


Cond = Union[Compare, InCond, NotCond, OrCond, AndCond, RawCond]


# --- declarations ------------------------------------------------------------------------


def _required(self, name: str) -> "Attribute":
    """The attribute called `name`, which the caller knows is set (KeyError if not); the
    `required` of steps, pipelines and blocks."""
    attribute = self.attribute(name)
    if attribute is None:
        raise KeyError(name)
    return attribute


def _last(attributes, name):
    """The last attribute called `name` (a repeated one is reported by the checks)."""
    for attribute in reversed(attributes):
        if attribute.name == name:
            return attribute
    return None



@records.frozen(kw_only=True)
class Attribute:
    name: str
    name_span: Span
    value: Expr
    span: Span
    # what the expansion's last pass (dsl.semantics.expand) looks for, noted by the parser so that a
    # declaration without any is passed over: `${…}` names or comprehensions inside, and the
    # names of references with `.member`/`[key]` parts (keys of transpile-time maps)
    expands: bool = layout(False)
    reads: frozenset = layout(frozenset())


@records.frozen(kw_only=True)
class Block:
    """`name { attr = ... }` inside a step (e.g. `step_config`)."""

    name: str
    name_span: Span
    attributes: Tuple[Attribute, ...]
    span: Span

    def attribute(self, name: str) -> Optional[Attribute]:
        """The last attribute called `name`, or None."""
        return _last(self.attributes, name)

    required = _required


@records.frozen(kw_only=True)
class Let:
    name: str
    name_span: Span
    value: Expr
    doc: Optional[str]
    span: Span
    # what the expansion's last pass (dsl.semantics.expand) looks for, noted by the parser so that a
    # declaration without any is passed over: `${…}` names or comprehensions inside, and the
    # names of references with `.member`/`[key]` parts (keys of transpile-time maps)
    expands: bool = layout(False)
    reads: frozenset = layout(frozenset())


@records.frozen(kw_only=True)
class Var:
    """`var NAME: TYPE [= default]`: a value given at transpile time (`--var`, `--vars`,
    `PIPEDSL_VAR_NAME`), then used like a `let`."""

    name: str
    name_span: Span
    type: str  # String Integer Float Boolean List Map
    type_span: Span
    default: Optional[Expr]
    doc: Optional[str]
    span: Span


@records.frozen(kw_only=True)
class Param:
    name: str
    name_span: Span
    type: str  # as written; "String" when left out
    type_span: Optional[Span]
    enum: Optional[Expr]
    default: Optional[Expr]
    doc: Optional[str]
    span: Span
    # what the expansion's last pass (dsl.semantics.expand) looks for, noted by the parser so that a
    # declaration without any is passed over: `${…}` names or comprehensions inside, and the
    # names of references with `.member`/`[key]` parts (keys of transpile-time maps)
    expands: bool = layout(False)
    reads: frozenset = layout(frozenset())


@records.frozen(kw_only=True)
class Experiment:
    none: bool
    attributes: Tuple[Attribute, ...]
    doc: Optional[str]
    span: Span


@records.frozen(kw_only=True)
class Schedule:
    """`schedule [NAME] { cron|rate|at = ..., enabled, start_date, role }`: the SDK's
    `PipelineSchedule`, an EventBridge Scheduler schedule that `deploy` keeps in step with the
    file. Not part of the definition. Without NAME it is named after the pipeline, as the SDK
    names it."""

    name: Optional[str]
    name_span: Optional[Span]
    attributes: Tuple[Attribute, ...]
    doc: Optional[str]
    span: Span

    def attribute(self, name: str) -> Optional[Attribute]:
        return _last(self.attributes, name)


@records.frozen(kw_only=True)
class Input:
    name: Optional[str]
    name_span: Optional[Span]
    value: Optional[Expr]  # `input NAME = expr`
    attributes: Tuple[Attribute, ...]  # `input NAME { ... }`
    span: Span


@records.frozen(kw_only=True)
class Output:
    name: str
    name_span: Span
    type: Optional[str]  # `output NAME: TYPE`
    type_span: Optional[Span]
    attributes: Tuple[Attribute, ...]
    span: Span


@records.frozen(kw_only=True)
class PropertyFile:
    name: str
    name_span: Span
    attributes: Tuple[Attribute, ...]
    span: Span


@records.frozen(kw_only=True)
class ExceptionType:
    name: str  # e.g. "Step.SERVICE_FAULT"
    span: Span


@records.frozen(kw_only=True)
class Retry:
    exception_types: Tuple[ExceptionType, ...]
    attributes: Tuple[Attribute, ...]
    span: Span


@records.frozen(kw_only=True)
class When:
    condition: Cond
    span: Span


@records.frozen(kw_only=True)
class Step:
    name: str
    name_span: Span
    kind: str
    kind_span: Span
    attributes: Tuple[Attribute, ...]
    blocks: Tuple[Block, ...]
    inputs: Tuple[Input, ...]
    outputs: Tuple[Output, ...]
    property_files: Tuple[PropertyFile, ...]
    retries: Tuple[Retry, ...]
    whens: Tuple[When, ...]
    doc: Optional[str]
    span: Span
    # every member above in the order written (what the formatter prints)
    members: tuple = ()
    # what the expansion's last pass (dsl.semantics.expand) looks for, noted by the parser so that a
    # declaration without any is passed over: `${…}` names or comprehensions inside, and the
    # names of references with `.member`/`[key]` parts (keys of transpile-time maps)
    expands: bool = layout(False)
    reads: frozenset = layout(frozenset())
    # name -> the last attribute of that name, made at the first lookup (checks and emitters
    # look up tens of fields per step); not part of the IR
    _by_name: Optional[dict] = attrs.field(init=False, default=None, eq=False, repr=False)

    def attribute(self, name: str) -> Optional[Attribute]:
        """The last attribute called `name`, or None."""
        index = self._by_name
        if index is None:
            index = {attribute.name: attribute for attribute in self.attributes}  # the last one wins
            object.__setattr__(self, "_by_name", index)
        return index.get(name)

    required = _required


@records.frozen(kw_only=True)
class Pipeline:
    name: str
    name_span: Span
    attributes: Tuple[Attribute, ...]
    lets: Tuple[Let, ...]
    params: Tuple[Param, ...]
    experiment: Optional[Experiment]
    experiments: Tuple[Experiment, ...]  # every `experiment` member, to report repeats
    steps: Tuple[Step, ...]
    doc: Optional[str]
    span: Span
    members: tuple = ()  # attributes, lets, vars, params, experiments and steps in the order written
    vars: Tuple["Var", ...] = ()
    schedules: Tuple[Schedule, ...] = ()

    def attribute(self, name: str) -> Optional[Attribute]:
        return _last(self.attributes, name)

    required = _required


@records.frozen(kw_only=True)
class Template:
    """`template NAME: KIND_OR_TEMPLATE { step members }`: step members a step takes in by
    naming the template as its kind (the merge is dsl.semantics.expand's)."""

    name: str
    name_span: Span
    base: str
    base_span: Span
    members: tuple
    doc: Optional[str]
    span: Span


@records.frozen(kw_only=True)
class ForLoop:
    """`for NAME in LIST { members }`: the members once per item, NAME bound to it."""

    var: str
    var_span: Span
    items: Expr
    members: tuple
    span: Span
    doc: Optional[str] = None


@records.frozen(kw_only=True)
class If:
    """`if COND { members } else { members }`, decided at transpile time. `otherwise` is
    the `else` members; `else if` is an `otherwise` of one `If` (with `else_if` set)."""

    condition: Cond
    members: tuple
    otherwise: tuple
    span: Span
    else_if: bool = layout(False)
    doc: Optional[str] = None
    then_span: Optional[Span] = layout()  # `if` to the `}` of its members (for the formatter)
    else_span: Optional[Span] = layout()  # `else` to its `}`; None without an `else`


@records.frozen(kw_only=True)
class Import:
    """`import "common.pipe"`: the lets, vars and templates of another file."""

    path: str
    path_span: Span
    span: Span
    raw: Optional[str] = layout()
    doc: Optional[str] = None


# What a step's members may be, and where `step_from_members` files each.
STEP_GROUPS = (("attributes", Attribute), ("blocks", Block), ("inputs", Input), ("outputs", Output),
               ("property_files", PropertyFile), ("retries", Retry), ("whens", When))


def step_groups(members) -> dict:
    """The keyword arguments of `Step` that sort `members` by kind (one pass: the parser
    calls this for every step)."""
    groups: dict = {field: [] for field, _ in STEP_GROUPS}
    for member in members:
        field = _STEP_GROUP.get(member.__class__)
        if field is None:
            field = next((f for f, cls in STEP_GROUPS if isinstance(member, cls)), None)
            if field is None:
                continue
        groups[field].append(member)
    return {field: tuple(group) for field, group in groups.items()}


_STEP_GROUP = {cls: field for field, cls in STEP_GROUPS}


def pipeline_groups(members) -> dict:
    """The keyword arguments of `Pipeline` that sort `members` by kind."""
    experiments = tuple(m for m in members if isinstance(m, Experiment))
    return dict(
        attributes=tuple(m for m in members if isinstance(m, Attribute)),
        lets=tuple(m for m in members if isinstance(m, Let)),
        vars=tuple(m for m in members if isinstance(m, Var)),
        params=tuple(m for m in members if isinstance(m, Param)),
        experiment=experiments[0] if experiments else None,
        experiments=experiments,
        steps=tuple(m for m in members if isinstance(m, Step)),
        schedules=tuple(m for m in members if isinstance(m, Schedule)),
        members=tuple(members),
    )


@records.frozen(kw_only=True)
class Comment:
    """A `#` or `##` comment: its text as written and where it is. `own_line` says nothing
    but white space stands before it on its line."""

    text: str
    span: Span
    own_line: bool


@records.frozen(kw_only=True)
class File:
    """A whole .pipe file: file-level lets and its pipelines (exactly one when valid)."""

    filename: str
    lets: Tuple[Let, ...]
    pipelines: Tuple[Pipeline, ...]
    vars: Tuple["Var", ...] = ()
    members: tuple = ()  # lets, vars, templates, imports and pipelines in the order written
    templates: Tuple["Template", ...] = ()
    imports: Tuple["Import", ...] = ()
    comments: Tuple[Comment, ...] = ()  # every comment, in order
    doc: Optional[str] = None  # a `##` block opening the file (documents the file and its pipeline)

    @property
    def pipeline(self) -> Pipeline:
        return self.pipelines[0]


def children(node) -> tuple:
    """The expressions and conditions directly inside `node`."""
    direct = _CHILDREN.get(type(node))
    return direct(node) if direct is not None else ()


# (a table by exact type: the walks of checks and emitters ask this of every node)
_CHILDREN = {
    ListExpr: lambda node: node.items,
    MapExpr: lambda node: tuple(entry.value for entry in node.entries),
    Interpolation: lambda node: tuple(piece for piece in node.pieces if isinstance(piece, Ref)),
    Call: lambda node: tuple(arg.value for arg in node.args),
    Compare: lambda node: (node.left, node.right),
    InCond: lambda node: (node.value, node.values),
    NotCond: lambda node: (node.condition,),
    RawCond: lambda node: (node.value,),
    Comprehension: lambda node: (node.element, node.items),
    OrCond: lambda node: node.conditions,
    AndCond: lambda node: node.conditions,
}


def walk(node):
    """`node` and every expression or condition below it, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def step_values(step: Step, skip=()):
    """Every expression and condition a step holds (attributes not in `skip`, members,
    blocks, `when`s)."""
    for attribute in step.attributes:
        if attribute.name not in skip:
            yield attribute.value
    for group in (step.inputs, step.outputs, step.property_files, step.retries):
        for member in group:
            value = getattr(member, "value", None)  # (an input or output written `= value`)
            if value is not None:
                yield value
            for attribute in member.attributes:
                yield attribute.value
    for block in step.blocks:
        for attribute in block.attributes:
            yield attribute.value
    for when in step.whens:
        yield when.condition
