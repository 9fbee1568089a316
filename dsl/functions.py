"""The functions a `.pipe` expression can call: one table that the checks, the type rules,
every emitter and the editor support read (names, parameters, result type, docs)."""
from __future__ import annotations

from typing import Dict, Tuple

import attrs

from . import ir


@attrs.frozen
class Function:
    name: str
    # positional order of the parameters; `named_only` can only be given by name
    positional: Tuple[str, ...]
    named_only: Tuple[str, ...] = ()
    result: str = "any"  # a type word of `Program.type_of`
    doc: str = ""
    sdk: str = ""  # the SDK class it becomes

    @property
    def parameters(self) -> Tuple[str, ...]:
        return self.positional + self.named_only


FUNCTIONS: Dict[str, Function] = {
    "join": Function("join", ("on", "values"), result="string", sdk="Join",
                     doc='join(on, [values]): the values joined with `on` at run time (`Std:Join`); '
                         '`on` defaults to ""'),
    "json_get": Function("json_get", ("property_file", "path"), named_only=("s3_uri",), sdk="JsonGet",
                         doc="json_get(Step.PropertyFile, path) or json_get(s3_uri = join(...), path = ...): "
                             "a value read from a JSON file at run time (`Std:JsonGet`)"),
}


def call_args(call: ir.Call) -> dict:
    """A call's arguments by name (positional ones named in order)."""
    function = FUNCTIONS.get(call.name)
    names = function.positional if function else ()
    return {arg.name or (names[i] if i < len(names) else f"#{i}"): arg.value
            for i, arg in enumerate(call.args)}
