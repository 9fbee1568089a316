"""Helpers shared by the built-in job step kinds."""
from __future__ import annotations

from dsl.diagnostics import did_you_mean, error
from dsl.semantics.program import NOT_LITERAL
from dsl.syntax import ir

ROLE_HINT = "give the role's full ARN, e.g. \"arn:aws:iam::123456789012:role/SageMakerRole\""


def check_role(step: ir.Step, ctx):
    """A literal role must be an ARN: the SDK would look a bare role name up in IAM."""
    attribute = step.attribute("role")
    if attribute is None:
        return
    value = ctx.literal(attribute.value)
    if isinstance(value, str) and "/" not in value:
        yield error("E0304", f"`role` {value!r} is not an IAM role ARN", attribute.value.span,
                    "not an ARN", ROLE_HINT)


def check_map_keys(step: ir.Step, ctx, field: str, allowed: dict):
    """Keys of a map-valued field (`network_config = { ... }`) against what the SDK takes."""
    attribute = step.attribute(field)
    if attribute is None:
        return
    target = ctx.program.follow(attribute.value)
    if not isinstance(target, ir.MapExpr):
        return
    for entry in target.entries:
        wanted = allowed.get(entry.key)
        if wanted is None:
            yield error("E0302", f"unknown key `{entry.key}` in `{field}`", entry.key_span, "unknown key",
                        did_you_mean(entry.key, allowed) or "keys: " + ", ".join(allowed))
        else:
            ctx.expect(entry.value, wanted, f"`{field}.{entry.key}`")


def is_set(ctx, expr) -> bool:
    """Truthiness the SDK applies to optional flags: a literal false/null/empty is unset;
    any parameter or expression counts as set."""
    literal = ctx.literal(expr, NOT_LITERAL)
    return literal is NOT_LITERAL or bool(literal)


def tags(ctx, expr):
    """`tags` as a list of {Key, Value} (a map is turned into that list, as the SDK does)."""
    target = ctx.program.follow(expr)
    if isinstance(target, ir.MapExpr):
        return [{"Key": e.key, "Value": ctx.value(e.value)} for e in target.entries]
    return ctx.value(expr)



# `tags` as a request slot (`Slot("Tags", "tags")`): kinds take these as their methods
def slot_tags(kind, step, ctx):
    return tags(ctx, step.attribute("tags").value) if step.attribute("tags") is not None else None


def read_tags(kind, value, arguments, ctx):
    return [f"tags = {ctx.value(value)}"] if value is not None else []
