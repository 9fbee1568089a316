"""`monitor_batch_transform`: the SDK's `MonitorBatchTransformStep`, a step collection of a
batch transform (`NAME-transform`) and a quality check of its data or predictions
(`NAME-monitoring`), one after the other.

The two parts are the `transform` and `quality_check` kinds' own: the step's `transform { }`
block holds a transform step's fields and its `monitor { }` block a quality check's, and each
part is written by its kind (`StepKind.json_steps`), so the collection adds only what the SDK's
class adds: the names, the order (`monitor_before_transform`), the display names
(`DISPLAY-transform`, `DISPLAY-monitoring`), the shared description, and the check's
`fail_on_violation` and supplied baselines. A Clarify check's config is blocks, which a block
cannot hold: for a `model_explainability` or bias monitor, write the two steps (the same
definition, LANGUAGE.md section 14.10).
"""
from __future__ import annotations

from typing import Optional, Tuple

import attrs

from dsl.diagnostics import error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind, v3_refusals
from dsl.syntax import ir

# the check step's keys the collection sets itself (`skip_check` False, `register_new_baseline`
# False, no model package group); the rest of `quality_check`'s fields go in `monitor { }`
OWN = ("fail_on_violation", "supplied_baseline_statistics", "supplied_baseline_constraints")
FIXED = ("skip_check", "register_new_baseline", "model_package_group_name")
CLARIFY = ("model_explainability", "data_bias", "model_bias")


def _transform_fields():
    from .transform import Transform

    return dict(Transform.fields)


def _monitor_fields():
    from .quality_check import QualityCheck

    return {name: field for name, field in QualityCheck.fields.items() if name not in OWN + FIXED}


class MonitorBatchTransform(StepKind):
    name = "monitor_batch_transform"
    type = "Transform"
    sdk_class = "MonitorBatchTransformStep"
    summary = "a batch transform and a quality check of its data or predictions (MonitorBatchTransformStep)"
    sdk_imports = {"sagemaker.workflow.monitor_batch_transform_step": ("MonitorBatchTransformStep",)}
    # each part is written by its own kind, for the program's SDK flavour (transform, quality_check)
    flavours = frozenset({"v2", "v3"})
    sdk_step_collection = True
    members = frozenset({"block:transform", "block:monitor"})
    member_fields = {"block:transform": _transform_fields(), "block:monitor": _monitor_fields()}
    retry = False  # a step collection: no retry policies
    cache = False  # and no cache config
    fields = {
        "monitor_before_transform": Field("boolean", default=False,
                                          doc="check the input data before the transform (data_quality only)"),
        "fail_on_violation": Field("boolean", default=True, doc="fail the check step on a violation"),
        "supplied_baseline_statistics": Field("string", doc="S3 URI of statistics to check against"),
        "supplied_baseline_constraints": Field("string", doc="S3 URI of constraints to check against"),
    }

    # --- the two parts ------------------------------------------------------------------
    @staticmethod
    def _block(step, name: str) -> Optional[ir.Block]:
        return next((b for b in step.blocks if b.name == name), None)

    @staticmethod
    def _before(step, program) -> bool:
        attribute = step.attribute("monitor_before_transform")
        return attribute is not None and program.literal(attribute.value) is True

    def parts(self, step) -> Tuple[ir.Step, ir.Step]:
        """(the transform step, the check step) as the SDK's class makes them: named
        `NAME-transform` and `NAME-monitoring`, each with its block's fields (the check's with
        the collection's own)."""
        transform, monitor = self._block(step, "transform"), self._block(step, "monitor")
        own = tuple(a for a in step.attributes if a.name in OWN)

        def part(suffix, kind, block, more=()):
            attributes = (block.attributes if block is not None else ()) + more
            return attrs.evolve(step, name=f"{step.name}-{suffix}", kind=kind, attributes=attributes, blocks=(),
                                members=attributes, inputs=(), outputs=(), property_files=(), retries=(), whens=())

        return part("transform", "transform", transform), part("monitoring", "quality_check", monitor, own)

    # --- checks -------------------------------------------------------------------------
    def check(self, step, ctx):
        program = ctx.program
        transform, monitor = self._block(step, "transform"), self._block(step, "monitor")
        for name, block in (("transform", transform), ("monitor", monitor)):
            if block is None:
                yield error("E0303", f"a `monitor_batch_transform` step needs a `{name} {{ }}` block", step.kind_span,
                            f"`{name}` missing", "transform { the transform's fields }, monitor { a quality "
                            "check's fields }")
        if step.attribute("depends_on") is not None:
            yield error("E0317", "a `monitor_batch_transform` step takes no `depends_on` (MonitorBatchTransformStep "
                        "has none)", step.attribute("depends_on").name_span, "not supported by this kind",
                        "its transform reads what it needs; or write the two steps yourself")
        if transform is None or monitor is None:
            return
        if program.flavour == "v3":  # (the parts' fields SDK v3 does not write, as the kinds refuse them)
            for block, kind in ((transform, program.kinds["transform"]), (monitor, program.kinds["quality_check"])):
                yield from v3_refusals(block.attributes, kind.fields)
        check_type = monitor.attribute("check_type")
        kind_name = program.literal(check_type.value) if check_type is not None else None
        if check_type is not None and kind_name in CLARIFY:
            yield error("E0304", f"a {kind_name} monitor is a Clarify check, whose settings are blocks a "
                        "`monitor` block cannot hold", check_type.value.span, "not a quality check",
                        f"write the two steps: `step {step.name}-transform: transform {{ ... }}` and `step "
                        f"{step.name}-monitoring: clarify_check {{ ..., depends_on = [{step.name}-transform] }}` "
                        "give the same definition")
            return
        for name in OWN + FIXED:
            found = monitor.attribute(name)
            if found is not None:
                where = ("set it on the step itself" if name in OWN else
                         "MonitorBatchTransformStep sets it (skip_check and register_new_baseline false, no group)")
                yield error("E0304", f"`{name}` is not a `monitor` setting", found.name_span, "not here", where)
        ctx.attributes(transform.attributes, self.member_fields["block:transform"], "`transform`",
                       owner_span=transform.name_span, kind=program.kinds["transform"])
        ctx.attributes(monitor.attributes, self.member_fields["block:monitor"], "`monitor`",
                       owner_span=monitor.name_span, kind=program.kinds["quality_check"])
        first, second = self.parts(step)
        yield from program.kinds["transform"].check(first, ctx)
        yield from program.kinds["quality_check"].check(second, ctx)
        if self._before(step, program) and kind_name == "model_quality":
            yield error("E0304", "`monitor_before_transform` checks the input data: only a data_quality monitor "
                        "runs before the transform", step.attribute("monitor_before_transform").value.span,
                        "not with model_quality", "the SDK refuses it")

    # --- JSON ---------------------------------------------------------------------------
    def json_name_of(self, step, flavour: str = "v2") -> str:
        return f"{step.name}-transform"

    def json_names(self, step, program) -> list:
        return [f"{step.name}-transform", f"{step.name}-monitoring"]

    def json_steps(self, step, ctx):
        """The transform, then the check, each its kind's object with the collection's
        envelope: the one that runs second depends on the other; display names get the
        part's suffix; both share the description."""
        first, second = self.parts(step)
        before = self._before(step, ctx.program)
        out = []
        for part, suffix in ((first, "transform"), (second, "monitoring")):
            written = ctx.step(part, depends=False)
            envelope = {"Name": written.pop("Name"), "Type": written.pop("Type"),
                        "Arguments": written.pop("Arguments")}
            runs_after = (suffix == "transform") == before
            if runs_after:
                envelope["DependsOn"] = [f"{step.name}-{'monitoring' if before else 'transform'}"]
            display = ctx.attr(step, "display_name")
            if display:
                envelope["DisplayName"] = f"{display}-{suffix}"
            description = ctx.attr(step, "description")
            if description:
                envelope["Description"] = description
            envelope.update(written)
            out.append(envelope)
        return out

    def docs_details(self, step, ctx) -> list:
        before = self._before(step, ctx.program)
        first, second = (f"{step.name}-monitoring", f"{step.name}-transform") if before else (
            f"{step.name}-transform", f"{step.name}-monitoring")
        return [f"Two steps in the definition: {ctx.code(first)}, then {ctx.code(second)} "
                f"(the transform is {ctx.code(step.name + '-transform')}, the quality check "
                f"{ctx.code(step.name + '-monitoring')}).", ""]

    # --- properties: the transform's, and the check's S3 URIs ----------------------------
    @staticmethod
    def _checks(parts) -> bool:
        from .quality_check import QualityCheck

        return bool(parts) and isinstance(parts[0], ir.Member) and parts[0].name in QualityCheck.properties

    def property_problem(self, step, parts, ctx):
        if self._checks(parts):
            return ctx.program.kinds["quality_check"].property_problem(step, parts, ctx)
        problem = ctx.program.kinds["transform"].property_problem(step, parts, ctx)
        if problem is not None and problem[0] == 0 and isinstance(parts[0], ir.Member):
            from dsl.diagnostics import did_you_mean

            from .quality_check import QualityCheck

            close = did_you_mean(parts[0].name, QualityCheck.properties)
            if close:  # (a property of the check, misspelt)
                return (0, f"`{parts[0].name}` is neither a transform job's property nor the check's", close)
        return problem

    def json_property(self, step, parts, ctx):
        if self._checks(parts):
            return {"Get": f"Steps.{step.name}-monitoring.{parts[0].name}"}
        return None  # (the transform's: `Steps.NAME-transform....`, the step's JSON name)

    def sdk_property(self, step_var, parts, ctx) -> str:
        index = 1 if self._checks(parts) else 0
        out = f"{step_var}.steps[{index}].properties"
        for part in parts:
            out += f".{part.name}" if isinstance(part, ir.Member) else f"[{part.key!r}]"
        return out

    # --- SDK code -----------------------------------------------------------------------
    def sdk_step(self, step, ctx) -> SdkStep:
        first, second = self.parts(step)
        transform_step = ctx.program.kinds["transform"].sdk_step(first, ctx)
        transform = dict(transform_step.kwargs)
        check_step = ctx.program.kinds["quality_check"].sdk_step(second, ctx)
        check = dict(check_step.kwargs)
        kwargs = [("transform_step_args", transform["step_args"]),
                  ("monitor_configuration", check["quality_check_config"]),
                  ("check_job_configuration", check["check_job_config"])]
        kwargs += [(name, ctx.attr(step, name)) for name in self.fields]
        return SdkStep("MonitorBatchTransformStep", tuple((k, v) for k, v in kwargs if v is not None),
                       transform_step.before + check_step.before)


@hookimpl
def pipedsl_step_kinds():
    return [MonitorBatchTransform()]
