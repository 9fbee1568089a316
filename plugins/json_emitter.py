"""The `json` emitter: the pipeline definition exactly as the SDK's `Pipeline.definition()`
writes it, as text. The definition itself (the pipeline-level shape, the step envelope, values
lowered to JSON) is built by the core's evaluation layer, `dsl.semantics.evaluate.JsonContext`; each
step kind supplies its `Arguments` and extra keys.
"""
from __future__ import annotations

import json

from dsl.extension.emitters import Emitter
from dsl.extension.hookspecs import hookimpl
from dsl.semantics.evaluate import JsonContext  # the lowering of values is the core's (dsl/evaluate.py)

__all__ = ["JsonContext", "emit", "pipedsl_emitters"]  # (JsonContext: where plugins found it before)


def emit(program, options) -> str:
    definition = JsonContext(program).definition()
    if options.get("compact"):
        return json.dumps(definition)  # exactly the SDK's json.dumps(request_dict)
    return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


@hookimpl
def pipedsl_emitters():
    return [Emitter("json", "the pipeline definition JSON, as SageMaker SDK v2 Pipeline.definition() writes it", emit)]
