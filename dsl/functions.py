"""The functions a `.pipe` expression can call: one table that the checks, the type rules,
every emitter and the editor support read (names, parameters, result type, docs)."""
from __future__ import annotations

from typing import Dict, Tuple

from . import ir, records


@records.frozen
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
    "image": Function("image", ("framework",),
                      named_only=("version", "py_version", "instance_type", "image_scope", "base_framework_version"),
                      result="string", sdk="image_uris.retrieve",
                      doc='image("xgboost", version = "1.7-1"): the image URI `sagemaker.image_uris.retrieve` '
                          "gives in the pipeline's `region`, known before running (looked up offline)"),
}


def call_args(call: ir.Call) -> dict:
    """A call's arguments by name (positional ones named in order)."""
    function = FUNCTIONS.get(call.name)
    names = function.positional if function else ()
    return {arg.name or (names[i] if i < len(names) else f"#{i}"): arg.value
            for i, arg in enumerate(call.args)}
