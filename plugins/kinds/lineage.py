"""`lineage`: the SDK's `LineageStep` (sagemaker.workflow.lineage_step), Type `Lineage`:
lineage entities created by the pipeline (`Action.create`, `Artifact.create`, `Context.create`
under a `PipelineSession`: their Create* requests) and associations between them or with
entities that exist already.

    step Lineage: lineage {
        artifacts    = [{ artifact_name: "dataset", source_uri: "s3://bucket/data", artifact_type: "DataSet" }]
        actions      = [{ action_name: "approve", source_uri: "s3://bucket/model", action_type: "Approval" }]
        associations = [{ source: { name: "dataset", type: "Artifact" },
                          destination: { name: "approve", type: "Action" }, association_type: "ContributedTo" }]
    }

Each entity is written with the `create()` keywords it is given, as the SDK writes them (the
request's keys in `create()`'s order, `Source` built from `source_uri` and `source_type` or
`source_types`). Properties: `Lineage.ArtifactArns["dataset"]`, `ActionArns[...]`,
`ContextArns[...]` (an entity the step creates), `Associations`.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind
from dsl.extension.layout import Slot
from dsl.syntax import ir

# field -> (SDK class, request key, entity type, `create()` keywords in its order: keyword -> request key)
ENTITIES: Dict[str, Tuple[str, str, str, Tuple[Tuple[str, str], ...]]] = {
    "actions": ("Action", "Actions", "Action", (
        ("action_name", "ActionName"), ("source", "Source"), ("action_type", "ActionType"),
        ("description", "Description"), ("status", "Status"), ("properties", "Properties"), ("tags", "Tags"))),
    "artifacts": ("Artifact", "Artifacts", "Artifact", (
        ("artifact_name", "ArtifactName"), ("source", "Source"), ("artifact_type", "ArtifactType"),
        ("properties", "Properties"), ("tags", "Tags"))),
    "contexts": ("Context", "Contexts", "Context", (
        ("context_name", "ContextName"), ("source", "Source"), ("context_type", "ContextType"),
        ("description", "Description"), ("properties", "Properties"), ("tags", "Tags"))),
}
SOURCE_KEYS = {"actions": ("source_uri", "source_type"), "artifacts": ("source_uri", "source_types"),
               "contexts": ("source_uri", "source_type")}
PROPERTY_LISTS = {"ActionArns": "actions", "ArtifactArns": "artifacts", "ContextArns": "contexts"}
ENTITY_TYPES = ("Action", "Artifact", "Context")
_CAMEL = {"source_uri": "SourceUri", "source_type": "SourceType", "source_types": "SourceTypes"}


def _keys(field: str) -> List[str]:
    """The keys an entity of `field` takes: `create()`'s keywords (the source as its parts)."""
    out = []
    for keyword, _ in ENTITIES[field][3]:
        out += list(SOURCE_KEYS[field]) if keyword == "source" else [keyword]
    return out


def _entries(step, program, field: str) -> List[ir.MapExpr]:
    attribute = step.attribute(field)
    target = program.follow(attribute.value) if attribute is not None else None
    items = target.items if isinstance(target, ir.ListExpr) else ()
    return [program.follow(item) for item in items if isinstance(program.follow(item), ir.MapExpr)]


def _name_of(entry: ir.MapExpr, field: str, program):
    key = ENTITIES[field][3][0][0]
    for e in entry.entries:
        if e.key == key:
            return program.literal(e.value)
    return None


def _entity_reader(field: str):
    """Import: the `read_<field>` slot reader of an entity list (the requests back to `create()`'s keywords)."""
    def read(self, value, arguments, ctx):
        if value is None:
            return []
        out = []
        for request in value:
            entry: dict = {}
            known = dict((key, keyword) for keyword, key in ENTITIES[field][3])
            for key, item in request.items():
                if key not in known:
                    raise ValueError(f"{key} is not a keyword of {ENTITIES[field][0]}.create")
                if known[key] == "source":
                    inverse = {v: k for k, v in _CAMEL.items()}
                    for part, part_value in item.items():
                        if part not in inverse or inverse[part] not in SOURCE_KEYS[field]:
                            raise ValueError(f"Source.{part}")
                        entry[inverse[part]] = part_value
                else:
                    entry[known[key]] = item
            out.append(entry)
        return [f"{field} = {ctx.value(out)}"]
    return read



class Lineage(StepKind):
    name = "lineage"
    type = "Lineage"
    sdk_class = "LineageStep"
    summary = "creates lineage entities (actions, artifacts, contexts) and associations"
    property_root = "Lineage"
    retry = False  # a plain Step
    cache = False
    sdk_imports = {"sagemaker.workflow.lineage_step": ("LineageAssociation", "LineageEntityReference", "LineageStep"),
                   "sagemaker.lineage.action": ("Action",), "sagemaker.lineage.artifact": ("Artifact",),
                   "sagemaker.lineage.context": ("Context",)}
    flavours = frozenset({"v2", "v3"})  # (SDK v3 writes the same request; `sagemaker.lineage` kept its modules)
    fields = {
        "actions": Field("list", items="map", doc="actions to create: { action_name, source_uri, source_type, "
                         "action_type, description, status, properties, tags } (Action.create's keywords)"),
        "artifacts": Field("list", items="map", doc="artifacts to create: { artifact_name, source_uri, source_types, "
                           "artifact_type, properties, tags } (Artifact.create's keywords)"),
        "contexts": Field("list", items="map", doc="contexts to create: { context_name, source_uri, source_type, "
                          "context_type, description, properties, tags } (Context.create's keywords)"),
        "associations": Field("list", items="map", doc="{ source, destination, association_type }: each end "
                              "{ name, type } (an entity this step creates) or { arn } (one that exists)"),
    }
    layout = (Slot("Actions", "actions"), Slot("Artifacts", "artifacts"), Slot("Contexts", "contexts"),
              Slot("Associations", "associations"))

    # --- JSON ---------------------------------------------------------------------------
    def entity(self, entry: ir.MapExpr, field: str, ctx) -> dict:
        given = {e.key: e.value for e in entry.entries}
        out: dict = {}
        for keyword, key in ENTITIES[field][3]:
            if keyword == "source":
                source = {_CAMEL[k]: ctx.value(given[k]) for k in SOURCE_KEYS[field] if k in given}
                out[key] = source
            elif keyword in given:
                value = ctx.value(given[keyword])
                if value is not None:
                    out[key] = value
        return out

    def _slot(self, field):
        def write(step, ctx):
            entries = _entries(step, ctx.program, field)
            return [self.entity(entry, field, ctx) for entry in entries] or None
        return write

    def slot_actions(self, step, ctx):
        return self._slot("actions")(step, ctx)

    def slot_artifacts(self, step, ctx):
        return self._slot("artifacts")(step, ctx)

    def slot_contexts(self, step, ctx):
        return self._slot("contexts")(step, ctx)

    def slot_associations(self, step, ctx):
        out = []
        for entry in _entries(step, ctx.program, "associations"):
            given = {e.key: e.value for e in entry.entries}
            request = {"Source": self.reference(given.get("source"), ctx),
                       "Destination": self.reference(given.get("destination"), ctx)}
            if "association_type" in given:
                request["AssociationType"] = ctx.value(given["association_type"])
            out.append(request)
        return out or None

    @staticmethod
    def reference(expr, ctx) -> dict:
        target = ctx.program.follow(expr) if expr is not None else None
        given = {e.key: e.value for e in target.entries} if isinstance(target, ir.MapExpr) else {}
        if "arn" in given:
            return {"Arn": ctx.value(given["arn"])}
        return {"Name": ctx.value(given["name"]) if "name" in given else None,
                "Type": ctx.value(given["type"]) if "type" in given else None}

    # --- checks -------------------------------------------------------------------------
    def check(self, step, ctx):
        program = ctx.program
        created: Dict[str, str] = {}
        any_entity = False
        for field in ENTITIES:
            allowed = _keys(field)
            for entry in _entries(step, program, field):
                any_entity = True
                for e in entry.entries:
                    if e.key not in allowed:
                        yield error("E0302", f"unknown key `{e.key}` in an entry of `{field}`", e.key_span,
                                    "unknown key", did_you_mean(e.key, allowed) or "keys: " + ", ".join(allowed))
                    elif e.key == "tags" and not isinstance(program.follow(e.value), ir.ListExpr):
                        yield error("E0304", "lineage `tags` are a list of { Key, Value }", e.value.span,
                                    "not a list", "the SDK passes them to the service as given, which takes a list")
                name = _name_of(entry, field, program)
                if name is None:
                    yield error("E0303", f"an entry of `{field}` needs `{ENTITIES[field][3][0][0]}`", entry.span,
                                "no name", "the service names the entity by it")
                elif isinstance(name, str):
                    created[name] = ENTITIES[field][2]
                if not any(e.key == "source_uri" for e in entry.entries):
                    yield error("E0303", f"an entry of `{field}` needs `source_uri`", entry.span, "no source_uri",
                                "the service requires the entity's Source.SourceUri")
        associations = _entries(step, program, "associations")
        if not any_entity and not associations:
            yield error("E0303", "a `lineage` step creates at least one entity or association", step.name_span,
                        "nothing to create", "give `actions`, `artifacts`, `contexts` or `associations`")
        for entry in associations:
            given = {e.key: e for e in entry.entries}
            for e in entry.entries:
                if e.key not in ("source", "destination", "association_type"):
                    yield error("E0302", f"unknown key `{e.key}` in an association", e.key_span, "unknown key",
                                did_you_mean(e.key, ["source", "destination", "association_type"]))
            for role in ("source", "destination"):
                if role not in given:
                    yield error("E0303", f"an association needs `{role}`", entry.span, f"no {role}")
                    continue
                yield from self.check_reference(role, given[role], created, program)

    def check_reference(self, role, entry, created, program):
        target = program.follow(entry.value)
        if not isinstance(target, ir.MapExpr):
            yield error("E0304", f"an association's `{role}` is {{ name, type }} or {{ arn }}", entry.value.span,
                        "not a map")
            return
        keys = {e.key: e for e in target.entries}
        if "arn" in keys:
            if set(keys) != {"arn"}:
                yield error("E0304", "a reference takes either `arn`, or `name` and `type`, not both",
                            entry.value.span, "both", "`arn` names an entity made elsewhere")
            return
        if set(keys) != {"name", "type"}:
            yield error("E0304", f"an association's `{role}` is {{ name, type }} or {{ arn }}", entry.value.span,
                        "incomplete", "e.g. { name: \"dataset\", type: \"Artifact\" }")
            return
        kind, name = program.literal(keys["type"].value), program.literal(keys["name"].value)
        if kind not in ENTITY_TYPES:
            yield error("E0304", "an entity's `type` is one of " + ", ".join(f'"{t}"' for t in ENTITY_TYPES),
                        keys["type"].value.span, "unknown type", did_you_mean(str(kind), ENTITY_TYPES))
        elif isinstance(name, str) and created.get(name) != kind:
            yield error("E0304", f"the {role} names {kind} {name!r}, which this step does not create",
                        keys["name"].value.span, "not created here",
                        did_you_mean(name, [n for n, t in created.items() if t == kind]) or
                        "give the `arn` of an entity created elsewhere")

    def property_names(self, step, path):
        return sorted(list(PROPERTY_LISTS) + ["Associations"]) if not path else []

    def property_problem(self, step, parts, ctx):
        first = parts[0]
        roots = list(PROPERTY_LISTS) + ["Associations"]
        if not isinstance(first, ir.Member) or first.name not in roots:
            shown = first.name if isinstance(first, ir.Member) else ""
            return (0, f"a `lineage` step's properties are {', '.join(roots)}, not `{shown}`",
                    did_you_mean(shown, roots))
        if first.name == "Associations":
            return None if len(parts) == 1 else (1, "`Associations` is a whole list", None)
        if len(parts) != 2 or not isinstance(parts[1], ir.Index) or not isinstance(parts[1].key, str):
            return (min(1, len(parts) - 1), f"name the entity: `{first.name}[\"name\"]`", None)
        field = PROPERTY_LISTS[first.name]
        names = [_name_of(e, field, ctx.program) for e in _entries(step, ctx.program, field)]
        if parts[1].key not in names:
            return (1, f"`{step.name}` creates no {ENTITIES[field][2].lower()} {parts[1].key!r}",
                    did_you_mean(parts[1].key, [n for n in names if isinstance(n, str)]))
        return None

    # --- SDK code -------------------------------------------------------------------------
    def sdk_step(self, step, ctx) -> SdkStep:
        args = []
        for field, (cls, _, _, _) in ENTITIES.items():
            entries = _entries(step, ctx.program, field)
            if not entries:
                continue
            made = []
            for entry in entries:
                pairs = [(e.key, ctx.py(e.value)) for e in entry.entries] + [("sagemaker_session", ctx.session)]
                made.append(f"{ctx.imp(cls)}.create({ctx.call_args(pairs)})")
            args.append((field, "[" + ", ".join(made) + "]"))
        associations = []
        for entry in _entries(step, ctx.program, "associations"):
            pairs = []
            for e in entry.entries:
                if e.key in ("source", "destination"):
                    target = ctx.program.follow(e.value)
                    inner = [(i.key, ctx.py(i.value)) for i in target.entries]
                    pairs.append((e.key, f"{ctx.imp('LineageEntityReference')}({ctx.call_args(inner)})"))
                else:
                    pairs.append((e.key, ctx.py(e.value)))
            associations.append(f"{ctx.imp('LineageAssociation')}({ctx.call_args(pairs)})")
        if associations:
            args.append(("associations", "[" + ", ".join(associations) + "]"))
        return SdkStep("LineageStep", tuple(args))

    sdk_session = True  # Action.create(...) needs the PipelineSession

    # --- import -------------------------------------------------------------------------
    read_actions = _entity_reader("actions")
    read_artifacts = _entity_reader("artifacts")
    read_contexts = _entity_reader("contexts")

    def read_associations(self, value, arguments, ctx):
        if value is None:
            return []
        out = []
        for request in value:
            entry: dict = {}
            for key, name in (("Source", "source"), ("Destination", "destination")):
                reference = request[key]
                entry[name] = {"arn": reference["Arn"]} if "Arn" in reference else {
                    "name": reference["Name"], "type": reference["Type"]}
            if "AssociationType" in request:
                entry["association_type"] = request["AssociationType"]
            if set(request) - {"Source", "Destination", "AssociationType"}:
                raise ValueError("not an association the SDK writes")
            out.append(entry)
        return [f"associations = {ctx.value(out)}"]


@hookimpl
def pipedsl_step_kinds():
    return [Lineage()]
