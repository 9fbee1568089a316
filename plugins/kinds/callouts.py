"""`lambda` and `callback`: `LambdaStep` / `CallbackStep`, Types `Lambda` / `Callback`.
`inputs` is `Arguments` verbatim; each `output NAME: TYPE` is an `OutputParameters` entry,
referenced as `Step.OutputParameters["NAME"]`."""
from __future__ import annotations

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind
from dsl.syntax import ir

OUTPUT_TYPES = ("String", "Integer", "Boolean", "Float")


class _Callout(StepKind):
    # SDK v3 writes the same request (oracle: examples/v3, and the v3 parity cases)
    flavours = frozenset({"v2", "v3"})
    members = frozenset({"output"})
    retry = False
    property_root = "OutputParameters"
    target_field = ""  # function_arn / sqs_queue_url
    target_key = ""  # FunctionArn / SqsQueueUrl
    output_class = ""  # LambdaOutput / CallbackOutput

    def read_step(self, step, ctx):
        members = [f"{self.target_field} = {ctx.value(step[self.target_key])}"]
        if step.get("Arguments"):
            members.append(f"inputs = {ctx.value(step['Arguments'])}")
        for output in step.get("OutputParameters", []):
            members.append(f"output {ctx.name_text(output['OutputName'])}: {output['OutputType']}")
        return members

    def check(self, step, ctx):
        seen: dict = {}
        for output in step.outputs:
            if output.type is None:
                yield error("E0304", f"a `{self.name}` output is `output NAME: TYPE`", output.name_span,
                            "no type", "types: " + ", ".join(OUTPUT_TYPES))
            elif output.type not in OUTPUT_TYPES:
                yield error("E0151", f"unknown output type `{output.type}`", output.type_span, "unknown type",
                            did_you_mean(output.type, OUTPUT_TYPES) or "types: " + ", ".join(OUTPUT_TYPES))
            if output.name in seen:
                yield error("E0101", f"output `{output.name}` is declared twice", output.name_span,
                            "declared again here", notes=[(seen[output.name], "first declared here")])
            seen.setdefault(output.name, output.name_span)
        if len(step.outputs) > 50:
            yield error("E0304", "at most 50 outputs per step", step.outputs[50].name_span, "the 51st")

    def property_problem(self, step, parts, ctx):
        names = [o.name for o in step.outputs]
        first = parts[0]
        if not isinstance(first, ir.Member) or first.name != "OutputParameters":
            shown = first.name if isinstance(first, ir.Member) else ""
            return (0, f"a `{self.name}` step's properties are `OutputParameters[\"name\"]`, not `{shown}`",
                    did_you_mean(shown, ["OutputParameters"]))
        if len(parts) != 2 or not isinstance(parts[1], ir.Index) or not isinstance(parts[1].key, str):
            return (min(1, len(parts) - 1), "name the output: `OutputParameters[\"name\"]`", None)
        if parts[1].key not in names:
            return (1, f"no output {parts[1].key!r} is declared", did_you_mean(parts[1].key, names))
        return None

    def outputs(self, step) -> list:
        return [{"OutputName": o.name, "OutputType": o.type} for o in step.outputs]

    def json_arguments(self, step, ctx) -> dict:
        return ctx.attr(step, "inputs", {})

    def json_extras(self, step, ctx) -> dict:
        return {self.target_key: ctx.attr(step, self.target_field), "OutputParameters": self.outputs(step)}

    def sdk_property(self, step_var, parts, ctx) -> str:
        out = f"{step_var}.properties.Outputs[{parts[1].key!r}]"
        return out

    def sdk_outputs(self, step, ctx) -> str:
        cls, enum = ctx.imp(self.output_class), ctx.imp(self.output_class + "TypeEnum")
        return "[" + ", ".join(f"{cls}(output_name={o.name!r}, output_type={enum}.{o.type})"
                               for o in step.outputs) + "]"

    def docs_details(self, step, ctx) -> list:
        if not step.outputs:
            return ["Outputs: none.", ""]
        return ["Outputs:", ""] + [f"- {ctx.code(o.name)}: {o.type}" for o in step.outputs] + [""]


class Lambda(_Callout):
    name = "lambda"
    type = "Lambda"
    sdk_class = "LambdaStep"
    summary = "invokes an AWS Lambda function"
    target_field, target_key, output_class = "function_arn", "FunctionArn", "LambdaOutput"
    sdk_imports = {"sagemaker.lambda_helper": ("Lambda",),
                   "sagemaker.workflow.lambda_step": ("LambdaOutput", "LambdaOutputTypeEnum", "LambdaStep")}
    fields = {"function_arn": Field("string", required=True, doc="the Lambda function's ARN (the step's `FunctionArn`)"),
              "inputs": Field("map", doc="the function's input, sent as it is")}

    def sdk_step(self, step, ctx) -> SdkStep:
        helper = ctx.call_args([("function_arn", ctx.attr(step, "function_arn")), ("session", ctx.session)])
        args = [("lambda_func", f"{ctx.imp('Lambda')}({helper})"), ("inputs", ctx.attr(step, "inputs"))]
        if step.outputs:
            args.append(("outputs", self.sdk_outputs(step, ctx)))
        return SdkStep("LambdaStep", tuple((k, v) for k, v in args if v is not None))


class Callback(_Callout):
    name = "callback"
    type = "Callback"
    sdk_class = "CallbackStep"
    summary = "sends a message to an SQS queue and waits for a callback"
    target_field, target_key, output_class = "sqs_queue_url", "SqsQueueUrl", "CallbackOutput"
    sdk_imports = {"sagemaker.workflow.callback_step": ("CallbackOutput", "CallbackOutputTypeEnum", "CallbackStep")}
    fields = {"sqs_queue_url": Field("string", required=True, doc="the SQS queue's URL (the step's `SqsQueueUrl`)"),
              "inputs": Field("map", doc="the message body, sent as it is")}

    def sdk_step(self, step, ctx) -> SdkStep:
        return SdkStep("CallbackStep", (("sqs_queue_url", ctx.attr(step, "sqs_queue_url")),
                                        ("inputs", ctx.attr(step, "inputs") or "{}"),
                                        ("outputs", self.sdk_outputs(step, ctx))))


@hookimpl
def pipedsl_step_kinds():
    return [Lambda(), Callback()]
