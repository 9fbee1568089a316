"""The SDK v3 form of a `processing` step: `ProcessingStep(step_args=Processor(...).run(...))`
with `sagemaker.core.processing`'s Processor or ScriptProcessor and the core shapes as inputs
and outputs (`ProcessingInput(input_name=..., s3_input=ProcessingS3Input(...))`).

Measured against SDK 3.27.0 (tests/parity-v3/processing-*): the request is v2's without
`"AppManaged": false` on the inputs and outputs. v3's shapes need an input's name (v2 named it
`input-N`) and an output's S3 URI: an output without `destination` gets the `Join` the SDK
computes for a path that is not an S3 URI (s3://BUCKET/PIPELINE/EXECUTION/STEP/output/NAME).
"""
from __future__ import annotations

from typing import List

SDK_IMPORTS = {"sagemaker.core.shapes": ("ProcessingS3Input", "ProcessingS3Output")}

# (the keyword of ProcessingS3Input, the `.pipe` field, the SDK's default)
S3_INPUT = (("s3_uri", "source", None), ("local_path", "destination", None), ("s3_data_type", "s3_data_type", "S3Prefix"),
            ("s3_input_mode", "s3_input_mode", None), ("s3_data_distribution_type", "s3_data_distribution_type", None),
            ("s3_compression_type", "s3_compression_type", None))


def without_app_managed(items):
    """v2's inputs or outputs as v3 writes them."""
    if items is None:
        return None
    return [{k: v for k, v in item.items() if k != "AppManaged"} for item in items]


def with_app_managed(items, first_key: str):
    """Import: v3's inputs or outputs as v2's readers take them."""
    out = []
    for item in items or ():
        if "AppManaged" in item:
            raise ValueError("SDK v3 writes no AppManaged")
        pairs = list(item.items())
        out.append(dict(pairs[:1] + [("AppManaged", False)] + pairs[1:]) if pairs and pairs[0][0] == first_key
                   else item)
    return out


def sdk_inputs(step, ctx) -> List[str]:
    out = []
    for position, item in enumerate(step.inputs, 1):
        given = {a.name: ctx.py(a.value) for a in item.attributes}
        s3 = [(keyword, given.get(field, repr(default) if default else None)) for keyword, field, default in S3_INPUT]
        out.append(f"{ctx.imp('ProcessingInput')}(input_name={(item.name or f'input-{position}')!r}, "
                   f"s3_input={ctx.imp('ProcessingS3Input')}({ctx.call_args(s3)}))")
    return out


def sdk_outputs(step, ctx) -> List[str]:
    out = []
    for output in step.outputs:
        given = {a.name: ctx.py(a.value) for a in output.attributes}
        uri = given.get("destination")
        if uri is None:  # what the SDK computes for a path that is not an S3 URI, written out
            values = ["'s3:/'", repr(ctx.program.default_bucket), repr(ctx.program.name),
                      f"{ctx.imp('ExecutionVariables')}.PIPELINE_EXECUTION_ID", repr(step.name), "'output'",
                      repr(output.name)]
            uri = f"{ctx.imp('Join')}(on='/', values=[{', '.join(values)}])"
        s3 = [("s3_uri", uri), ("local_path", given.get("source")),
              ("s3_upload_mode", given.get("s3_upload_mode", repr("EndOfJob")))]
        out.append(f"{ctx.imp('ProcessingOutput')}(output_name={output.name!r}, "
                   f"s3_output={ctx.imp('ProcessingS3Output')}({ctx.call_args(s3)}))")
    return out
