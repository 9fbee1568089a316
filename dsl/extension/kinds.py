"""What a step kind is. A kind owns everything about its steps: the fields it takes, its
checks, its JSON `Arguments`, and (through the emitters that ask it) its SDK code and docs.

Kinds are registered through the `pipedsl_step_kinds` hook; the core only knows this base
class. The envelope (`depends_on`, `display_name`, `description`, `cache`, `retry`) is the
same for every kind and handled by the core and the emitters.
"""
from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

import attrs

from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.extension import layout
from dsl.extension.contexts import CheckContext, DocsWriter, ImportReader, JsonLowering, Resolved, SdkWriter
from dsl.extension.layout import Layout
from dsl.syntax import ir, records

# Field types: "string", "integer", "number", "boolean", "list", "map" or "any" — the words
# `ctx.type_of(expr)` answers with ("any" when only known at run time) — plus "step_list",
# a list of step names, and "custom", a value the kind checks itself.


@records.frozen
class Field:
    type: str = "any"
    required: bool = False
    doc: str = ""
    # for lists: the type of each item ("any" when unchecked)
    items: str = "any"
    # a regular expression every literal string of the value (or of its items) must match,
    # with the words that say what is expected when one does not
    pattern: str = ""
    pattern_doc: str = ""
    # the SDK keyword argument this field is ("" when it is the field's own name)
    sdk: str = ""
    # where the value lands in the step's JSON `Arguments`, as a dotted path, when the mapping
    # is direct ("" when the kind computes it: channels, default paths, hyperparameter strings)
    json: str = ""
    # the SDK's default when the field is left out (None: no default / nothing written)
    default: object = None
    # the least number the service takes (an instance count is at least 1)
    minimum: Optional[int] = None
    # when a request layout leaves the field out: "absent" (not given), "never" (written
    # with `default` when not given), "unset" (not given, or a literal false/null/0/empty);
    # see dsl.extension.layout.OMIT_RULES
    omit: str = "absent"
    # the place of an object the field is written only inside of, when an earlier leaf of
    # the layout wrote it (an output config's KMS key, a checkpoint's local path)
    within: str = ""
    # what SDK v3 does with the field when it cannot write it (a Debugger rule, a compiler):
    # `--sdk 3` refuses the member with this reason (E0321); empty when v3 writes it too
    v3: str = ""

    def sdk_keyword(self, name: str) -> str:
        return self.sdk or name


# SageMaker instance types: the service's enums are all `ml.*`, and the SDK fails on others.
INSTANCE_TYPE: Dict[str, Any] = dict(pattern=r"ml\.[a-z0-9-]+\.[a-z0-9-]+", pattern_doc="a SageMaker instance type such as \"ml.m5.xlarge\"")


class Names(tuple):
    """Names a step declares, and the word for one of them (`output`, `channel`)."""

    what: str

    def __new__(cls, names, what: str):
        self = super().__new__(cls, names)
        self.what = what
        return self


def sdk_keyword(fields: Dict[str, Field], name: str) -> str:
    """The SDK keyword argument a field is (its declaration says; its own name by default)."""
    field = fields.get(name)
    return field.sdk_keyword(name) if field is not None else name




def placed(fields: Dict[str, Field], places: Dict[str, str]) -> Dict[str, Field]:
    """`fields` with the JSON places of another request shape (a kind reusing fields)."""
    return {name: attrs.evolve(field, json=places.get(name, "")) for name, field in fields.items()}


def v3_unwritten(fields: Dict[str, Field], reasons: Dict[str, str]) -> Dict[str, Field]:
    """`fields` with what SDK v3 cannot write declared (`Field.v3`: the reason)."""
    return {name: attrs.evolve(field, v3=reasons[name]) if name in reasons else field
            for name, field in fields.items()}


# what a member SDK v3 cannot write can become instead
V3_HINT = ("leave it out, transpile with `--sdk 2`, or keep SDK v2's exact request as a `raw` step "
           "(`pipedsl import` of the v2 definition writes one)")


def v3_refusals(attributes, fields: Dict[str, Field]) -> Iterable[Diagnostic]:
    """E0321 at each attribute whose field SDK v3 cannot write (`Field.v3` says why): a step's
    own, or the blocks a kind fills other kinds' fields from (a monitored transform's parts)."""
    from dsl.diagnostics import error

    for attribute in attributes:
        field = fields.get(attribute.name)
        if field is not None and field.v3:
            yield error("E0321", f"SDK v3 cannot write `{attribute.name}`: {field.v3}", attribute.name_span,
                        "not with SDK v3", V3_HINT)


ENVELOPE_FIELDS = {
    "depends_on": Field("step_list", doc="steps that must finish first"),
    "display_name": Field("string", doc="the step's display name"),
    "description": Field("string", doc="the step's description"),
    "cache": Field("any", doc="true, false, an ISO 8601 duration such as \"P30D\", or { enabled: false, "
                              "expire_after: \"30d\" }"),
    "arguments_patch": Field("map", doc="an RFC 7396 merge patch over the step's `Arguments`, for request "
                                        "fields no field models (`null` removes a key; new keys go last)"),
}


@records.frozen
class SdkStep:
    """The SDK code of one step, as a kind writes it for the `sdk` emitter: the step's SDK
    class, its keyword arguments besides `name` and the envelope (`(keyword, python code)`
    pairs), and statements to put before it (an estimator, property files)."""

    cls: str
    kwargs: Tuple[Tuple[str, str], ...]
    before: Tuple[str, ...] = ()
    after: Tuple[str, ...] = ()  # statements right after the step's own (they may use its variable)
    # python code of positional arguments before `name=` (the function `step(f, name=...)` wraps)
    leading: Tuple[str, ...] = ()
    # the arguments of a call applied to what `cls(...)` returns (`step(f, ...)(x, y=1)`), or None
    applied: Optional[str] = None
    # envelope keywords the kind writes itself (in `after`): `@step` takes no `depends_on`
    envelope_written: Tuple[str, ...] = ()


class StepKind:
    """Base class of step kinds. Subclasses set the class attributes and override the
    `json_*` methods; `check` adds kind-specific diagnostics."""

    name: str = ""  # as written after `step NAME:`
    type: str = ""  # the JSON `Type`
    sdk_class: str = ""  # the SDK class behind it, for docs
    summary: str = ""  # one line for docs
    fields: Dict[str, Field] = {}
    # members besides attributes: "input", "output", "property_file", "when", "block:<name>";
    # a kind with "property_file" declares property files that `json_get` can read
    members: FrozenSet[str] = frozenset()
    # fields that are branches: step-list field -> the word for it ("if", "else"). Steps named
    # there are written inside this step's JSON, not at the top level, and drawn as branches.
    branches: Dict[str, str] = {}
    # the fields of members that hold attributes: "input", "output", "property_file",
    # "block:<name>" -> their field declarations (docs tables, completion, hover)
    member_fields: Dict[str, Dict[str, Field]] = {}
    # botocore shape name of `Step.<...>` references, or None for kinds without properties
    property_root: Optional[str] = None
    # botocore shape of the request the step's `Arguments` are (CreateTrainingJobRequest, ...):
    # fields with a declared JSON place are checked against its enums
    request_shape: Optional[str] = None
    retry: bool = True  # takes `retry`
    # `json_get` may read any property file of its steps (a `raw` step's are in `extra`, not
    # declared): the SDK code names such a file by its name, a JsonGet's other form
    any_property_file: bool = False
    job_step: bool = False  # takes `SageMaker.*` exception types (a SageMaker job)
    cache: bool = True  # takes `cache`
    # its JSON may name the step itself (a raw step copying a definition): no edge in the graph
    verbatim: bool = False
    # the run this kind adds to the execution's run group (docs), or ""
    experiment_run: str = ""
    # how the docs emitter draws it in the flowchart: "step", "decision", "stop", "store",
    # "subroutine" (a kind with branches is drawn as a decision whatever it says)
    docs_shape: str = "step"
    # what the kind's SDK code imports: module -> names (the `sdk` emitter reserves them all)
    sdk_imports: Dict[str, Tuple[str, ...]] = {}
    # the keys of its `Arguments` that hold steps (a condition's `IfSteps`, `ElseSteps`): what
    # a walk of a definition (import, diff) descends into
    json_branches: Tuple[str, ...] = ()
    # the place in `Arguments` of an image URI the SDK picks by region (a check job's): import
    # reads the region from it
    region_image: str = ""
    # the request: its `Arguments` as an ordered tuple of field names and `dsl.extension.layout.Slot`s,
    # in the SDK's key order; `json_arguments` writes it and `read_step` reads it back.
    # `layouts` holds the layouts of other SDK flavours ("v3"), when they differ.
    layout: Layout = ()
    layouts: Dict[str, Layout] = {}
    # a step that reads one of this kind's steps (its result, in any field) depends on it: the
    # SDK adds it to the reader's `DependsOn` (a function step's `DelayedReturn`)
    read_means_depends_on: bool = False
    # the request key of the job's name, which the SDK keeps only with `use_custom_job_prefix`
    # (`TrainingJobName`): import sets the pipeline's flag when a definition has it
    job_name_key: str = ""
    # import: the kind writes only some steps of its `type` (`claims` tells which); the
    # importer asks it before the kind that writes the others (a function step is a Training job)
    claims_some: bool = False
    # its own `DependsOn` lists the steps it reads before its `depends_on` (the SDK's `@step`
    # collects the `DelayedReturn` arguments first; other steps list `depends_on` first)
    reads_before_depends_on: bool = False

    # its SDK object is a StepCollection (MonitorBatchTransformStep): SDK v3's pipeline compiler
    # takes none, so the v3 code lists its `.steps` where a step goes (`steps=`, `depends_on=`)
    sdk_step_collection: bool = False

    # why SDK v3 cannot write this kind's steps at all, when it cannot (E0321 at the kind; a
    # kind merely not written for v3 yet gets E0320)
    v3: str = ""

    # the SDK flavours whose requests this kind writes (dsl.semantics.sdk_flavours): "v2", and
    # "v3" once its v3 layout (or the proof that v3 writes the same request) is declared
    flavours: FrozenSet[str] = frozenset({"v2"})

    def request_layout(self, flavour: str = "v2") -> Layout:
        """The kind's request layout for an SDK flavour (v2's unless it declares another)."""
        return self.layouts.get(flavour, self.layout)

    def read_step(self, step: dict, ctx: ImportReader) -> List[str]:
        """Import: the `.pipe` members of a definition step whose `Type` is this kind's `type`
        (the envelope — name, `depends_on`, retries, cache, display name, description — is the
        core's). `ctx` is the importer's reader: `ctx.value(json)` is a value's `.pipe` text,
        `ctx.fields(self, arguments)` reads every field at its declared JSON place (left out
        when it holds the SDK's default), `ctx.blocks(self, arguments)` the blocks with declared
        places, `ctx.condition(json)` a condition, `ctx.step_name(json_name)` a step's `.pipe`
        name. By default: the declared fields and blocks. Raise (KeyError, ValueError, ...) when
        the step is not the shape this kind writes: it is then imported as a `raw` step.
        A kind with a `layout` reads it back (`dsl.extension.layout.read`)."""
        arguments = step.get("Arguments", {})
        return self.read_arguments(arguments, ctx) + ctx.blocks(self, arguments)

    def claims(self, step: dict) -> bool:
        """Import, for a kind that `claims_some`: whether the definition step `step` is one of
        its steps (the others of its `type` go to the kind that writes them all)."""
        return True

    def raw_note(self, step: dict) -> Optional[str]:
        """Import: a comment put above the `raw` step that keeps `step` when no reading of this
        kind gives it back (what the user can do about it), or None."""
        return None

    def read_forms(self, step: dict, ctx: ImportReader) -> List[List[str]]:
        """Import: the readings of a step, the most idiomatic first (a framework estimator
        before its image and hyperparameters as written). The importer uses the first whose
        round trip gives the step's JSON back; by default the one `read_step` gives."""
        return [self.read_step(step, ctx)]

    def absorbs(self, before: dict, step: dict) -> bool:
        """Import: whether `before`, the definition step right before `step`, is one this kind
        writes before its own (`json_steps_before`: a step collection's repack job). The
        importer then offers the two as one step: its first reading gets `ctx.before`, and if
        that reading does not round-trip, `before` is written on its own."""
        return False

    def region_of(self, arguments: dict) -> Optional[str]:
        """Import: the region a step's `Arguments` say they were built for, when they say
        (beyond `region_image`): a framework estimator's `sagemaker_region`."""
        return None

    def bucket_of(self, arguments: dict) -> Optional[str]:
        """Import: the default bucket a step's `Arguments` say they were built with, when they
        say (a function step's `--s3_base_uri`)."""
        return None

    def pipeline_name_of(self, arguments: dict) -> Optional[str]:
        """Import: the pipeline name a step's `Arguments` say they were built for, when they
        say (a function step's `--s3_base_uri`, `s3://BUCKET/PIPELINE`)."""
        return None

    def read_arguments(self, arguments: dict, ctx: ImportReader) -> List[str]:
        """Import: the members its layout's fields and slot readers give for `arguments`
        (`dsl.extension.layout.read`); without a layout, every field read at its declared place."""
        if self.layout:
            # (the layout of the SDK that wrote the definition: `ctx.flavour`)
            return layout.read(self, self.request_layout(ctx.flavour), arguments, ctx)
        return ctx.fields(self, arguments)

    def envelope_default(self, name: str, step: ir.Step, ctx: JsonLowering) -> Optional[str]:
        """The value the SDK writes for an envelope field (`display_name`, `description`) the
        step does not give, or None (nothing written): a function step's defaults."""
        return None

    def sdk_session_config(self, steps: List[ir.Step], ctx: SdkWriter) -> dict:
        """SageMaker config (the `config.yaml` dict) the `sdk` emitter's `PipelineSession` needs
        for these steps of this kind: a setting the SDK takes only from its config (a function
        step's `IncludeLocalWorkDir`). Merged over all kinds into `sagemaker_config=`."""
        return {}

    def json_type(self, step: ir.Step, ctx: JsonLowering) -> str:
        """The step's JSON `Type` (the kind's `type`; a `raw` step says its own)."""
        return self.type

    def json_name(self, name: str, flavour: str = "v2") -> str:
        """The step's name in the definition of an SDK flavour (SDK v2's `ModelStep`s append a
        suffix, v3's do not)."""
        return name

    def json_name_of(self, step: ir.Step, flavour: str = "v2") -> str:
        """The name of this very step in the definition: `json_name` unless a field of the step
        decides it (a legacy `CreateModelStep` keeps the name as written)."""
        return self.json_name(step.name, flavour)

    def check(self, step: ir.Step, ctx: CheckContext) -> Iterable[Diagnostic]:
        """Kind-specific problems of `step` beyond unknown/missing/mistyped fields."""
        return ()

    def property_problem(self, step: ir.Step, parts: Tuple, ctx: CheckContext) -> Optional[Tuple[int, str, Optional[str]]]:
        """Check a property path into this kind: None if fine, else (index of the bad part,
        message, hint). The default walks `property_root` in the shipped botocore shapes."""
        if self.property_root is None:
            return (0, f"a `{self.name}` step has no properties", None)
        problem = ctx.walk_shape(self.property_root, parts)
        if problem is not None:
            return problem
        # a list indexed by name must name something the step declares (an output, a channel)
        named, path = self.named_properties(step), []
        for i, part in enumerate(parts):
            if isinstance(part, ir.Member):
                path.append(part.name)
                continue
            names = named.get(tuple(path))
            if names is not None and isinstance(part.key, str) and part.key not in names:
                what = names.what if hasattr(names, "what") else "entry"
                return (i, f"`{step.name}` declares no {what} {part.key!r}",
                        did_you_mean(part.key, names) or
                        (f"declared: {', '.join(names)}" if names else f"this step declares no {what}s"))
            path.append("[]")
        return None

    def property_names(self, step: ir.Step, path: List[str]) -> Optional[List[str]]:
        """Editors: the members after `Step.<path>.` when the kind's properties are not a botocore
        shape (a function step's `result`), or None to walk `property_root`'s shape."""
        return None

    def named_properties(self, step: ir.Step) -> Dict[Tuple[str, ...], "Names"]:
        """Property paths that are lists indexed by the names the step declares, e.g.
        `("ProcessingOutputConfig", "Outputs")` -> the step's output names."""
        return {}

    def json_property(self, step: ir.Step, parts: Tuple, ctx: JsonLowering):
        """The JSON of a reference `Step.<parts>`, or None for the usual `{"Get": ...}`
        (an EMR step's `ClusterId` is the literal value, for one)."""
        return None

    def sdk_property(self, step_var: str, parts: Tuple, ctx: SdkWriter) -> str:
        """Python for a reference `Step.<parts>` in the `sdk` emitter."""
        out = f"{step_var}.properties"
        for part in parts:
            out += f".{part.name}" if isinstance(part, ir.Member) else f"[{part.key!r}]"
        return out

    def needs_default_bucket(self, step: ir.Step, ctx: CheckContext) -> Iterable[Tuple[str, object]]:
        """(field to set, span) for each default S3 path this step needs."""
        return ()

    def uploads(self, step: ir.Step, ctx: Resolved) -> Iterable:
        """The local files the step's definition names by their S3 URI (`dsl.semantics.localcode.Upload`):
        what `pipedsl deploy` uploads before it creates or updates the pipeline."""
        return ()

    def json_steps_before(self, step: ir.Step, ctx: JsonLowering) -> list:
        """Whole step objects the SDK puts before this one, as a step collection does (a model
        step's repack job). They carry the step's `depends_on`; `json_names` lists them too."""
        return []

    def json_steps_found(self, step: ir.Step, ctx: JsonLowering) -> list:
        """Whole step objects the SDK finds only through this step's arguments (SDK v3's
        ModelStep: its repack job, which the model's data reads). SDK v3's compiler builds
        them after every listed step, in the order it finds them, so the definition ends
        with them; they are not in `json_names` (a `depends_on` names the step alone)."""
        return []

    def json_steps(self, step: ir.Step, ctx: JsonLowering) -> Optional[list]:
        """The whole step objects of a step collection that is made of other kinds' steps
        (MonitorBatchTransformStep: a transform and a check), each written by its kind through
        `ctx.step`; None (the default) for a step written the usual way."""
        return None

    def json_names(self, step: ir.Step, program) -> list:
        """Every definition name this step stands for in `depends_on`: a step collection's
        names, those of `json_steps_before` first."""
        return [self.json_name_of(step, program.flavour)]

    def json_names_written(self, step: ir.Step, program) -> list:
        """Every definition step this one writes (`json_names` and those of `json_steps_found`):
        what a plan and a selective execution count as the step's."""
        return self.json_names(step, program)

    def json_arguments(self, step: ir.Step, ctx: JsonLowering) -> dict:
        """The step's `Arguments`, keys in the SDK's order: by default its layout, filled."""
        if not self.layout:
            raise NotImplementedError(f"kind {self.name!r} declares no layout")
        # (the SDK flavour the program is written for; a context without one is v2's)
        flavour = getattr(getattr(ctx, "program", None), "flavour", "v2")
        return layout.write(self, step, ctx, self.request_layout(flavour))

    def json_extras(self, step: ir.Step, ctx: JsonLowering) -> dict:
        """Top-level step keys after `CacheConfig` (e.g. `PropertyFiles`)."""
        return {}

    def docs_details(self, step: ir.Step, ctx: DocsWriter) -> list:
        """Markdown lines describing the kind-specific parts of a step (channels, outputs,
        conditions, ...) for the `docs` emitter; fields are listed by the emitter."""
        return []

    def sdk_step(self, step: ir.Step, ctx: SdkWriter) -> "SdkStep":
        """The SDK code of the step, as an `SdkStep` of the `sdk` emitter: the step class, its
        keyword arguments besides `name` and the envelope, and statements to put before it."""
        raise NotImplementedError
