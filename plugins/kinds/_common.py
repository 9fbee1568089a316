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


# --- `network_config = { … }`: the SDK's NetworkConfig (processing and check jobs) ---------

NETWORK_KEYS = {"enable_network_isolation": "boolean", "security_group_ids": "list",
                "subnets": "list", "encrypt_inter_container_traffic": "boolean"}


def network_json(settings: dict) -> dict:
    """`NetworkConfig._to_request_dict()`."""
    out = {"EnableNetworkIsolation": settings.get("enable_network_isolation", False)}
    if settings.get("encrypt_inter_container_traffic") is not None:
        out["EnableInterContainerTrafficEncryption"] = settings["encrypt_inter_container_traffic"]
    if "security_group_ids" in settings or "subnets" in settings:
        vpc = out["VpcConfig"] = {}
        if "security_group_ids" in settings:
            vpc["SecurityGroupIds"] = settings["security_group_ids"]
        if "subnets" in settings:
            vpc["Subnets"] = settings["subnets"]
    return out


def slot_network(kind, step, ctx):
    return network_json(ctx.attr(step, "network_config")) if step.attribute("network_config") else None


def read_network(kind, network, arguments, ctx):
    if not isinstance(network, dict):
        return []
    fields = []
    for key, field in (("EnableNetworkIsolation", "enable_network_isolation"),
                       ("EnableInterContainerTrafficEncryption", "encrypt_inter_container_traffic")):
        if key in network:
            fields.append(f"{field}: {ctx.value(network[key])}")
    vpc = network.get("VpcConfig", {})
    for key, field in (("SecurityGroupIds", "security_group_ids"), ("Subnets", "subnets")):
        if key in vpc:
            fields.append(f"{field}: {ctx.value(vpc[key])}")
    return ["network_config = { " + ", ".join(fields) + " }"]


def sdk_network(step, ctx):
    """`NetworkConfig(...)` of the step's `network_config`, or None."""
    attribute = step.attribute("network_config")
    if attribute is None:
        return None
    target = ctx.program.follow(attribute.value)
    settings = ctx.call_args((e.key, ctx.py(e.value)) for e in target.entries)
    return f"{ctx.imp('NetworkConfig')}({settings})"
