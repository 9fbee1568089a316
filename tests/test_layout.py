"""Request layouts (issue 21): a kind's `Arguments` declared once, as an ordered layout of
fields and computed slots, written by one writer and read back by one reader."""
import pytest

from dsl.extension import layout
from dsl.extension.kinds import Field, StepKind
from dsl.extension.layout import Slot
from dsl.extension.plugin_manager import build_registry

KINDS = build_registry(entry_points=False).kinds
WITH_LAYOUT = sorted(name for name, kind in KINDS.items() if kind.layout)


def test_the_job_kinds_declare_their_requests():
    assert {"training", "processing", "transform"} <= set(WITH_LAYOUT)


@pytest.mark.parametrize("name", WITH_LAYOUT)
def test_every_leaf_is_a_declared_place_and_every_place_is_a_leaf(name):
    kind = KINDS[name]
    for flavour in {"v2", *kind.layouts}:
        leaves = kind.request_layout(flavour)
        slots = [leaf.place for leaf in leaves if isinstance(leaf, Slot)]
        for leaf in leaves:
            if isinstance(leaf, layout.Moved):  # (a directive: the fields under `old` are under `new`)
                assert any(f.json.startswith(leaf.old + ".") for f in kind.fields.values()), (name, leaf)
                continue
            if isinstance(leaf, Slot):
                assert callable(getattr(kind, "slot_" + leaf.name, None)), (name, leaf)
                continue
            field = kind.fields[leaf]  # a leaf names a declared field...
            assert field.json, (name, leaf)  # ...with a place
            assert field.omit in layout.OMIT_RULES, (name, leaf)
            assert not field.within or any(field.within == layout_place or field.within.startswith(layout_place + ".")
                                           or layout_place.startswith(field.within + ".")
                                           for layout_place in layout.places(kind, leaves)), (name, leaf)
        # a field with a JSON place is a leaf, or sits in a slot the kind computes (or is one
        # the flavour cannot write: `Field.v3` says why, and the checks refuse it)
        for field_name, field in kind.fields.items():
            if field.json and field_name not in leaves and not (flavour == "v3" and field.v3):
                place = layout.place_of(field, leaves)
                assert any(place == p or place.startswith(p + ".") for p in slots), (name, field_name)


class _Step:
    def __init__(self, **given):
        self.given = given

    def attribute(self, name):
        if name not in self.given:
            return None
        return type("A", (), {"value": self.given[name]})()


class _Ctx:
    def value(self, value):
        return value

    def literal(self, value, default=None):
        return value


class _Toy(StepKind):
    name, type = "toy", "Toy"
    fields = {"count": Field("integer", json="Resources.Count", default=1, omit="never"),
              "kms": Field("string", json="Output.Kms", within="Output"),
              "flag": Field("boolean", json="Flag", default=False, omit="unset"),
              "size": Field("integer", json="Resources.Size")}
    layout = ("count", Slot("Output.Path", "path"), "kms", "flag", "size")

    def slot_path(self, step, ctx):
        return step.given.get("path")


@pytest.mark.parametrize("given,arguments", [
    ({}, {"Resources": {"Count": 1}}),
    ({"size": 5, "count": 2}, {"Resources": {"Count": 2, "Size": 5}}),
    ({"kms": "k"}, {"Resources": {"Count": 1}}),  # no Output: its KMS key is not written either
    ({"kms": "k", "path": "s3://b"}, {"Resources": {"Count": 1}, "Output": {"Path": "s3://b", "Kms": "k"}}),
    ({"flag": False}, {"Resources": {"Count": 1}}),
    ({"flag": True}, {"Resources": {"Count": 1}, "Flag": True}),
])
def test_the_writer_follows_the_rules_and_the_order(given, arguments):
    written = _Toy().json_arguments(_Step(**given), _Ctx())
    assert written == arguments
    assert [list(v) if isinstance(v, dict) else k for k, v in written.items()] == \
        [list(v) if isinstance(v, dict) else k for k, v in arguments.items()]  # key order too


def test_the_reader_inverts_the_fields_and_refuses_what_the_layout_lacks():
    class Reader:
        flavour = "v2"  # (the SDK that wrote the definition)

        def value(self, value):
            return repr(value)

        def blocks(self, kind, arguments):
            return []

    assert _Toy().read_step({"Arguments": {"Resources": {"Count": 1, "Size": 5}, "Flag": True}}, Reader()) == \
        ["flag = True", "size = 5"]  # in the layout's order
    with pytest.raises(ValueError):
        _Toy().read_step({"Arguments": {"Resources": {"Count": 1}, "Unknown": 1}}, Reader())
