"""`condition`: `ConditionStep`, Type `Condition`. Branch steps are written inside
`IfSteps`/`ElseSteps` (and only there)."""
from __future__ import annotations

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind
from dsl.semantics.program import when_conditions
from dsl.syntax import ir


class Condition(StepKind):
    name = "condition"
    # SDK v3 writes the same request (oracle: examples/v3, and the v3 parity cases)
    flavours = frozenset({"v2", "v3"})
    type = "Condition"
    sdk_class = "ConditionStep"
    summary = "branches on conditions; the service ANDs the `when` clauses"
    sdk_imports = {"sagemaker.workflow.condition_step": ("ConditionStep",)}
    members = frozenset({"when"})
    retry = False
    cache = False
    property_root = "Outcome"
    branches = {"if_steps": "if", "else_steps": "else"}
    json_branches = ("IfSteps", "ElseSteps")
    fields = {
        "if_steps": Field("step_list", doc="steps run when every condition holds"),
        "else_steps": Field("step_list", doc="steps run otherwise"),
    }

    def check(self, step, ctx):
        if not step.whens:
            yield error("E0303", f"condition `{step.name}` needs at least one `when`", step.name_span,
                        "no `when`", "e.g. `when Evaluate.ProcessingJobStatus == \"Completed\"`")
        for when in step.whens:
            ctx.value(when.condition)

    def property_problem(self, step, parts, ctx):
        first = parts[0]
        if not isinstance(first, ir.Member) or first.name != "Outcome":
            name = first.name if isinstance(first, ir.Member) else ""
            return (0, f"a condition step's only property is `Outcome`, not `{name}`",
                    did_you_mean(name, ["Outcome"]) or "use `Step.Outcome`")
        if len(parts) > 1:
            return (1, "`Outcome` has no members", None)
        return None

    @staticmethod
    def conditions(step: ir.Step):
        """The entries of `Conditions`: each `when`, with a top-level `and` split up."""
        for when in step.whens:
            if isinstance(when.condition, ir.AndCond):
                yield from when.condition.conditions
            else:
                yield when.condition

    def read_step(self, step, ctx):
        args = step["Arguments"]
        members = [f"when {ctx.condition(c)}" for c in args.get("Conditions", [])]
        for key, field in (("IfSteps", "if_steps"), ("ElseSteps", "else_steps")):
            names = [ctx.step_name(s["Name"]) for s in args.get(key, [])]
            if names:
                members.append(f"{field} = [{', '.join(names)}]")
        return members

    def json_arguments(self, step, ctx) -> dict:
        program = ctx.program
        return {
            "Conditions": [ctx.condition(c) for c in when_conditions(step)],
            "IfSteps": [out for s in program.branch_steps(step, "if_steps") for out in ctx.steps(s)],
            "ElseSteps": [out for s in program.branch_steps(step, "else_steps") for out in ctx.steps(s)],
        }

    def docs_details(self, step, ctx) -> list:
        out = ["Conditions (all must hold):", ""]
        out += [f"- {ctx.code(ctx.condition(c))}" for c in self.conditions(step)]
        out.append("")
        for which, words in (("if_steps", "When they hold"), ("else_steps", "Otherwise")):
            steps = ctx.program.branch_steps(step, which)
            names = ", ".join(ctx.code(s.name) for s in steps) if steps else "nothing more"
            out.append(f"- {words}: {names}")
        return out + [""]

    def sdk_step(self, step, ctx) -> SdkStep:
        conditions = ", ".join(ctx.condition(c) for c in when_conditions(step))
        return SdkStep("ConditionStep", (
            ("conditions", f"[{conditions}]"),
            ("if_steps", ctx.branch(step, "if_steps")),
            ("else_steps", ctx.branch(step, "else_steps")),
        ))


@hookimpl
def pipedsl_step_kinds():
    return [Condition()]
