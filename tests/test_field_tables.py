"""Fields are declared once: the reference page's tables are generated from the declarations,
and the declared JSON places are where the JSON emitter really writes the values."""
import json

from conftest import ROOT, TESTS

import dsl
from dsl.extension.plugin_manager import build_registry
from dsl.tools.field_tables import render


def test_the_reference_page_matches_the_declarations():
    page = (ROOT / "docs" / "LANGUAGE.md").read_text(encoding="utf-8")
    generated = render(build_registry(entry_points=False).kinds)
    assert generated in page, "docs/LANGUAGE.md is stale: run python tools/gen_field_tables.py"


def _at(arguments, place):
    value = arguments
    for key in place.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def test_declared_json_places_are_where_the_values_land():
    """For every field of every step of every parity case, the declared place holds the
    value the emitter wrote (or the field's declared default when left out)."""
    registry = build_registry(entry_points=False)
    checked = 0
    for case in sorted(p.name for p in (TESTS / "parity").iterdir() if (p / "case.pipe").is_file()):
        path = TESTS / "parity" / case / "case.pipe"
        text = path.read_text()
        program, _ = dsl.analyse(text, str(path))
        definition = json.loads(dsl.transpile(text, filename=str(path)))
        steps, todo = {}, list(definition["Steps"])
        while todo:  # branch steps sit inside their condition
            s = todo.pop()
            steps[s["Name"]] = s
            todo += s["Arguments"].get("IfSteps", []) + s["Arguments"].get("ElseSteps", []) if s["Type"] == "Condition" else []
        for step in program.pipeline.steps:
            if step.attribute("arguments_patch") is not None:
                continue  # the patch changes what the fields wrote, on purpose
            kind = registry.kinds[step.kind]
            arguments = steps[kind.json_name_of(step)]["Arguments"]
            for name, field in kind.fields.items():
                if not field.json:
                    continue
                written = step.attribute(name)
                if written is None and field.default is None:
                    continue
                if written is not None and program.literal(written.value) in ({}, []):
                    continue  # an empty map or list writes nothing, as in the SDK
                literal = program.literal(written.value) if written is not None else field.default
                try:
                    value = _at(arguments, field.json)
                except KeyError:
                    # the SDK writes nothing for its own default (`enable_network_isolation = false`)
                    assert literal == field.default and field.default is not None, (case, name)
                    checked += 1
                    continue
                if written is None:
                    assert value == field.default, (case, name)
                else:
                    literal = program.literal(written.value)
                    if isinstance(literal, dict) and isinstance(value, dict) and name == "env":
                        # a repacking model adds the script-mode variables after the given ones
                        assert list(value.items())[:len(literal)] == list(literal.items()), (case, name)
                    elif literal is not None and name not in ("hyperparameters", "tags") and not (
                            isinstance(literal, str) and isinstance(value, dict)):  # e.g. a `${}` string
                        assert value == literal, (case, name, value, literal)
                checked += 1
    assert checked >= 150
