"""The IR: frozen attrs classes built from the parse tree, each carrying its source span.

Emitters and checks read only these classes. Expressions keep the shape the user wrote
(references are not resolved here); `dsl.program` resolves names.
"""
from __future__ import annotations

from typing import Optional, Tuple, Union

import attrs

from .diagnostics import Span

frozen = attrs.frozen(kw_only=True)


# --- expressions -------------------------------------------------------------------------


@frozen
class Literal:
    value: Union[str, int, float, bool, None]
    span: Span


@frozen
class ListExpr:
    items: Tuple["Expr", ...]
    span: Span


@frozen
class MapEntry:
    key: str
    key_span: Span
    value: "Expr"


@frozen
class MapExpr:
    entries: Tuple[MapEntry, ...]
    span: Span


@frozen
class Member:
    """`.Name` in a reference."""

    name: str
    span: Span


@frozen
class Index:
    """`[0]` or `["key"]` in a reference."""

    key: Union[int, str]
    span: Span


@frozen
class Ref:
    """A name, optionally followed by `.Member` and `[index]` parts."""

    name: str
    name_span: Span
    parts: Tuple[Union[Member, Index], ...]
    span: Span


@frozen
class Arg:
    name: Optional[str]
    value: "Expr"
    span: Span


@frozen
class Call:
    name: str
    name_span: Span
    args: Tuple[Arg, ...]
    span: Span


@frozen
class Interpolation:
    """A string with `${ref}` pieces: literal text and references, in order."""

    pieces: Tuple[Union[str, Ref], ...]
    span: Span


Expr = Union[Literal, ListExpr, MapExpr, Ref, Call, Interpolation]


# --- conditions --------------------------------------------------------------------------


@frozen
class Compare:
    op: str  # == != > >= < <=
    left: Expr
    right: Expr
    span: Span


@frozen
class InCond:
    value: Expr
    values: Expr
    negated: bool
    span: Span


@frozen
class NotCond:
    condition: "Cond"
    span: Span


@frozen
class OrCond:
    conditions: Tuple["Cond", ...]
    span: Span


@frozen
class AndCond:
    conditions: Tuple["Cond", ...]
    span: Span


Cond = Union[Compare, InCond, NotCond, OrCond, AndCond]


# --- declarations ------------------------------------------------------------------------


@frozen
class Attribute:
    name: str
    name_span: Span
    value: Expr
    span: Span


@frozen
class Block:
    """`name { attr = ... }` inside a step (e.g. `step_config`)."""

    name: str
    name_span: Span
    attributes: Tuple[Attribute, ...]
    span: Span


@frozen
class Let:
    name: str
    name_span: Span
    value: Expr
    doc: Optional[str]
    span: Span


@frozen
class Param:
    name: str
    name_span: Span
    type: str  # as written; "String" when left out
    type_span: Optional[Span]
    enum: Optional[Expr]
    default: Optional[Expr]
    doc: Optional[str]
    span: Span


@frozen
class Experiment:
    none: bool
    attributes: Tuple[Attribute, ...]
    doc: Optional[str]
    span: Span


@frozen
class Input:
    name: Optional[str]
    name_span: Optional[Span]
    value: Optional[Expr]  # `input NAME = expr`
    attributes: Tuple[Attribute, ...]  # `input NAME { ... }`
    span: Span


@frozen
class Output:
    name: str
    name_span: Span
    type: Optional[str]  # `output NAME: TYPE`
    type_span: Optional[Span]
    attributes: Tuple[Attribute, ...]
    span: Span


@frozen
class PropertyFile:
    name: str
    name_span: Span
    attributes: Tuple[Attribute, ...]
    span: Span


@frozen
class ExceptionType:
    name: str  # e.g. "Step.SERVICE_FAULT"
    span: Span


@frozen
class Retry:
    exception_types: Tuple[ExceptionType, ...]
    attributes: Tuple[Attribute, ...]
    span: Span


@frozen
class When:
    condition: Cond
    span: Span


@frozen
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

    def attribute(self, name: str) -> Optional[Attribute]:
        """The last attribute called `name`, or None."""
        found = None
        for attribute in self.attributes:
            if attribute.name == name:
                found = attribute
        return found


@frozen
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

    def attribute(self, name: str) -> Optional[Attribute]:
        found = None
        for attribute in self.attributes:
            if attribute.name == name:
                found = attribute
        return found


@frozen
class File:
    """A whole .pipe file: file-level lets and its pipelines (exactly one when valid)."""

    filename: str
    lets: Tuple[Let, ...]
    pipelines: Tuple[Pipeline, ...]

    @property
    def pipeline(self) -> Pipeline:
        return self.pipelines[0]
