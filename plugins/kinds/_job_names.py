"""Job names in the definition, for a pipeline with `use_custom_job_prefix = true` (the SDK's
`PipelineDefinitionConfig(use_custom_job_prefix=True)`): the SDK then keeps each request's job
name, trimmed back to its base (`sagemaker.workflow.utilities.trim_request_dict`), so the
service prefixes the jobs it starts with it. The base is what the SDK would derive:
`base_job_name`, else the image's repository name (`utils.base_name_from_image`), cut to the
length `name_from_base` leaves it before the timestamp."""
from __future__ import annotations

import re
from typing import Optional

TIMESTAMP = 23  # sagemaker_timestamp(): YYYY-MM-DD-HH-MM-SS-mmm
SHORT_TIMESTAMP = 11  # sagemaker_short_timestamp(): YYMMDD-HHMM


def base_name_from_image(image, program, default: str) -> str:
    """`utils.base_name_from_image` of a step's image as the definition holds it: a literal, or
    a String parameter's default value; anything else gives `default`."""
    if isinstance(image, dict):
        got = image.get("Get", "")
        param = program.params.get(got[len("Parameters."):]) if isinstance(got, str) and got.startswith(
            "Parameters.") else None
        value = program.literal(param.default) if param is not None and param.type == "String" and \
            param.default is not None else None
        if not isinstance(value, str) or not value:
            return default
        image = value
    if not isinstance(image, str):
        return default
    match = re.match(r"^(.+/)?([^:/]+)(:[^:]+)?$", image)
    return match.group(2) if match else image


def job_name(base: str, max_length: int = 63, short: bool = False) -> str:
    """What `trim_request_dict` keeps of `name_from_base(base, max_length, short)`: the base,
    cut to leave room for the timestamp (`base_from_name` then drops exactly that timestamp,
    the last one in the name)."""
    return base[: max_length - (SHORT_TIMESTAMP if short else TIMESTAMP) - 1]


def base_from_name(name: str) -> str:
    """`utils.base_from_name`."""
    match = re.match(r"^(.+)-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}|\d{6}-\d{4})", name)
    return match.group(1) if match else name


def literal_text(step, name: str, program) -> Optional[str]:
    attribute = step.attribute(name)
    value = program.literal(attribute.value) if attribute is not None else None
    return value if isinstance(value, str) and value else None
