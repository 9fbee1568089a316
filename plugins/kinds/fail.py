"""`fail`: `FailStep`, Type `Fail`: stops the execution with an error message."""
from __future__ import annotations

from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind


class Fail(StepKind):
    name = "fail"
    # SDK v3 writes the same request (oracle: examples/v3, and the v3 parity cases)
    flavours = frozenset({"v2", "v3"})
    type = "Fail"
    sdk_class = "FailStep"
    summary = "stops the execution as failed, with a message"
    sdk_imports = {"sagemaker.workflow.fail_step": ("FailStep",)}
    retry = False
    cache = False
    property_root = None
    docs_shape = "stop"
    fields = {"error_message": Field("string", doc="any string expression", json="ErrorMessage", default="",
                                      omit="never")}

    layout = ("error_message",)

    def sdk_step(self, step, ctx) -> SdkStep:
        message = ctx.attr(step, "error_message")
        return SdkStep("FailStep", (("error_message", message),) if message is not None else ())


@hookimpl
def pipedsl_step_kinds():
    return [Fail()]
