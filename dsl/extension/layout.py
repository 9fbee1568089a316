"""Request layouts: a kind's `Arguments`, declared once, written by one writer and read back
by one reader.

A layout is an ordered tuple of leaves, in the SDK's key order:
- a field's name: the value goes at the field's declared `json` place, or is left out by the
  field's `omit` rule (`dsl.extension.kinds.Field.omit`), or when the object its `within` names has
  not been written;
- a `Moved(old, new)` directive: the fields declared under `old` are under `new` here (a
  flavour's renamed object);
- a `Slot`: a place whose value the kind computes (channels, hyperparameter strings, the
  image a framework picks). The kind's `slot_<name>(step, ctx)` gives it (None: left out),
  and import hands the JSON at that place to `read_<name>(value, arguments, ctx)`, which
  gives `.pipe` members. Without a reader, import reads the fields declared at places
  inside the slot (a model's `image_uri` in its container), and the kind's `read_step`
  reads the rest.

The writer creates the objects on the way to a place as it first needs them, so a key's
position is the position of its first leaf, as the SDK's dict literals and assignments give
it. The reader reads every field leaf at its place (leaving out values equal to the field's
default), then the slots; a key of `Arguments` that no leaf covers makes the step not
readable (it is then kept exactly by the importer's fallbacks).

A kind may declare a layout per SDK flavour (`StepKind.layouts`); `StepKind.layout` is the
SDK v2 one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Tuple, Union

from dsl.syntax import records

if TYPE_CHECKING:
    from dsl.extension.kinds import Field, StepKind


@records.frozen
class Slot:
    """A place in the request whose value the kind computes: `slot_<name>` writes it,
    `read_<name>` reads it back."""

    place: str
    name: str


@records.frozen
class Moved:
    """A layout's directive, not a leaf: the fields declared at places under `old` are at the
    same places under `new` in this layout (SDK v3's tuning `ResourceConfig`, v2's
    `HyperParameterTuningResourceConfig`)."""

    old: str
    new: str


def place_of(field: "Field", layout: "Layout") -> str:
    """Where a field's value is in a layout: its declared place, moved by the layout's `Moved`."""
    for leaf in layout:
        if isinstance(leaf, Moved) and (field.json == leaf.old or field.json.startswith(leaf.old + ".")):
            return leaf.new + field.json[len(leaf.old):]
    return field.json


def _leaves(layout: "Layout"):
    return (leaf for leaf in layout if not isinstance(leaf, Moved))


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # no value at a place / a leaf left out

Leaf = Union[str, Slot, Moved]
Layout = Tuple[Leaf, ...]

# the values a field's `omit` rule takes
OMIT_RULES = {
    "absent": "left out when the step does not give it",
    "never": "always written (the declared default when not given)",
    "unset": "left out when not given or given a literal false, null, 0 or empty value",
}


def _get(arguments: Any, keys: List[str]):
    value = arguments
    for key in keys:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return MISSING
    return value


def at(arguments: Any, place: str):
    """The value at a dotted place (`A.B.0.C`), or `MISSING` when there is none."""
    return _get(arguments, place.split("."))


def put(arguments: dict, place: str, value) -> None:
    """Set `value` at a dotted place, creating the objects on the way (keys keep the order
    they are first set in)."""
    keys = place.split(".")
    target: Any = arguments
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
    target[keys[-1]] = value


def field_value(name: str, field: "Field", step, ctx):
    """The JSON a field leaf writes for `step`, or `MISSING` when its rule leaves it out."""
    attribute = step.attribute(name)
    if attribute is None:
        if field.omit == "never":
            return field.default
        return MISSING
    if field.omit == "unset":
        literal = ctx.literal(attribute.value, MISSING)
        if literal is not MISSING and not literal:
            return MISSING
    return ctx.value(attribute.value)


def write(kind: "StepKind", step, ctx, layout: Layout) -> dict:
    """The step's `Arguments`, filled from its layout."""
    out: Dict[str, Any] = {}
    for leaf in _leaves(layout):
        if isinstance(leaf, Slot):
            value = getattr(kind, "slot_" + leaf.name)(step, ctx)
            if value is not None:
                put(out, leaf.place, value)
            continue
        field = kind.fields[leaf]
        value = field_value(leaf, field, step, ctx)
        if value is MISSING:
            continue
        if field.within and at(out, field.within) is MISSING:
            continue  # (an output's KMS key without outputs: the SDK writes neither)
        put(out, place_of(field, layout), value)
    return out


def places(kind: "StepKind", layout: Layout) -> Iterable[str]:
    """Every place a layout writes."""
    for leaf in _leaves(layout):
        yield leaf.place if isinstance(leaf, Slot) else place_of(kind.fields[leaf], layout)


def uncovered(kind: "StepKind", layout: Layout, arguments: dict) -> List[str]:
    """Top-level keys of `arguments` that no leaf of the layout writes."""
    tops = {place.split(".")[0] for place in places(kind, layout)}
    return [key for key in arguments if key not in tops]


def read(kind: "StepKind", layout: Layout, arguments: dict, ctx) -> List[str]:
    """Import: `.pipe` members for `arguments` (`ctx` is the importer's reader). Raises
    ValueError when a top-level key is not the layout's."""
    extra = uncovered(kind, layout, arguments)
    if extra:
        raise ValueError(f"not in the `{kind.name}` layout: {', '.join(extra)}")
    members: List[str] = []
    for leaf in _leaves(layout):
        if isinstance(leaf, Slot):
            continue
        field = kind.fields[leaf]
        value = at(arguments, place_of(field, layout))
        if value is MISSING or value == field.default:
            continue
        members.append(f"{leaf} = {ctx.value(value)}")
    for leaf in _leaves(layout):
        if not isinstance(leaf, Slot):
            continue
        reader = getattr(kind, "read_" + leaf.name, None)
        if reader is not None:
            value = at(arguments, leaf.place)
            members += reader(None if value is MISSING else value, arguments, ctx)
            continue
        # no reader: the fields declared at places inside the slot (a model's container)
        for name, field in kind.fields.items():
            place = place_of(field, layout)
            if place.startswith(leaf.place + ".") and name not in layout:
                value = at(arguments, place)
                if value is not MISSING and value != field.default:
                    members.append(f"{name} = {ctx.value(value)}")
    return members
