"""`plain_session = true` on `processing` and `training`: the legacy step forms
`ProcessingStep(processor=...)` and `TrainingStep(estimator=...)` built with a plain
`sagemaker.session.Session()`, as older SageMaker Projects templates write them (LANGUAGE.md
section 14.11).

With a plain Session the SDK uploads local code under the job's name, not under the code's
hash: a script to `s3://BUCKET/JOB/input/code/FILE`, a framework estimator's
`sourcedir.tar.gz` to `CODE_LOCATION/JOB/source/sourcedir.tar.gz` (CODE_LOCATION: the
estimator's `code_location`, else `s3://BUCKET`). The job's default name holds a timestamp,
so such a step needs `job_name`, which pins the key; the generated SDK code sets it on the
step (`step.job_name = ...`), as the SDK reads it when it builds the request.
"""
from __future__ import annotations

from typing import Optional, Tuple

from dsl.diagnostics import error
from dsl.extension.kinds import Field

FIELDS = {
    "plain_session": Field("boolean", default=False,
                           doc="the legacy form built with a plain sagemaker Session (ProcessingStep(processor=...), "
                               "TrainingStep(estimator=...)): local code goes under `job_name`"),
    "job_name": Field("string", pattern=r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
                      pattern_doc="1-63 letters, digits and single hyphens",
                      doc="with `plain_session`: the job name whose S3 folder holds the local code (the SDK's "
                          "default holds a timestamp); with SDK v3, a FrameworkProcessor's (s3://BUCKET/JOB/source/; "
                          "default: the base job name and the code's hash)"),
}
JOB_NAME_IMPORT = "Session as SageMakerSession"


def plain(step, program) -> bool:
    attribute = step.attribute("plain_session")
    return attribute is not None and program.literal(attribute.value) is True


def job_name(step, program) -> Optional[str]:
    from ._job_names import literal_text

    return literal_text(step, "job_name", program)


def check(step, ctx, local_code_span, extra=(), job_name_pins: bool = False) -> list:
    """`job_name` (and `extra` fields, e.g. `code_location`) only with `plain_session`, and
    then required when the step has local code (`local_code_span`: where, or None);
    `job_name_pins`: the step's `job_name` names its code folder anyway (SDK v3's
    FrameworkProcessor), so it may come without `plain_session`."""
    program = ctx.program
    out = []
    if not plain(step, program):
        for name in ("job_name",) + tuple(extra):
            if name == "job_name" and job_name_pins:
                continue
            if step.attribute(name) is not None:
                out.append(error("E0304", f"`{name}` goes with `plain_session = true` (with the pipeline session the "
                                 "code's S3 key is its hash)", step.attribute(name).name_span,
                                 "not without plain_session", "add `plain_session = true`, or leave it out"))
        return out
    attribute = step.attribute("plain_session")
    if attribute is not None and not isinstance(program.literal(attribute.value), bool):
        out.append(error("E0304", "`plain_session` is a literal true or false", attribute.value.span, "not a literal"))
    if local_code_span is not None and job_name(step, program) is None:
        given = step.attribute("job_name")
        out.append(error("E0303", "with a plain Session the SDK uploads local code under the job's name, whose "
                         "default holds a timestamp: give `job_name`", given.value.span if given else local_code_span,
                         "`job_name` missing" if given is None else "not a literal",
                         'e.g. job_name = "preprocess-v1" (the code goes to s3://BUCKET/preprocess-v1/...)'))
    return out


def session(ctx) -> Tuple[str, Tuple[str, ...]]:
    """(variable, statements before the step) of the generated code's plain Session: made
    once, with the region and bucket the pipeline session has."""
    program = ctx.program
    known = ("plain", "session") in ctx.step_objects
    var = ctx.var_for("plain", "session")
    if known:
        return var, ()
    args = []
    if program.region is not None:
        args.append(f"boto_session={ctx.imp('Session')}(region_name={program.region!r})")
    if program.default_bucket is not None:
        args.append(f"default_bucket={program.default_bucket!r}")
    return var, (f"{var} = {ctx.imp('SageMakerSession')}({', '.join(args)})",)
