"""The functions a `.pipe` expression can call, each declared once: its signature, result
type and docs (which the checks, the type rules and the editor support read), its checks, and
its lowering for each output: definition JSON, SDK code and readable docs text.

One class per function, as sqlglot's `Func` classes declare their arguments: adding a
function is one class here and its entry in `FUNCTIONS`. The lowerings are called with the
call's arguments by name (`call_args`) and the context of the output being written.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Tuple

from dsl.syntax import ir

if TYPE_CHECKING:
    from dsl.semantics.checks import Checker


class Function:
    name: str = ""
    # positional order of the parameters; `named_only` can only be given by name
    positional: Tuple[str, ...] = ()
    named_only: Tuple[str, ...] = ()
    result: str = "any"  # a type word of `Program.type_of`
    doc: str = ""
    sdk: str = ""  # the SDK class it becomes

    @property
    def parameters(self) -> Tuple[str, ...]:
        return self.positional + self.named_only

    def check(self, args: Dict[str, ir.Expr], call: ir.Call, ctx: "Checker") -> None:
        """Add the call's problems beyond the signature (checked already) to `ctx`."""
        for value in args.values():
            ctx.value(value)

    def json(self, args: Dict[str, ir.Expr], call: ir.Call, ctx: Any) -> Any:
        """The call in the definition JSON (`ctx`: `dsl.semantics.evaluate.JsonContext`)."""
        raise NotImplementedError

    def python(self, args: Dict[str, ir.Expr], call: ir.Call, ctx: Any) -> str:
        """The call as SDK Python code (`ctx`: the `sdk` emitter's context)."""
        raise NotImplementedError

    def text(self, args: Dict[str, ir.Expr], call: ir.Call, ctx: Any) -> str:
        """The call as readable docs text (`ctx`: the `docs` emitter's context): as written."""
        shown = ", ".join((f"{a.name}=" if a.name else "") + ctx.quoted(a.value) for a in call.args)
        return f"{call.name}({shown})"


class Join(Function):
    name, positional, result, sdk = "join", ("on", "values"), "string", "Join"
    doc = 'join(on, [values]): the values joined with `on` at run time (`Std:Join`); `on` defaults to ""'

    def check(self, args, call, ctx):
        on, values = args.get("on"), args.get("values")
        if on is not None:
            ctx.expect(on, "string", "`join`'s separator")
            if ctx.program.literal(on) is None:
                ctx.add(_error("E0304", "`join`'s separator must be a literal string", on.span, "not literal"))
        if values is None:
            ctx.add(_error("E0208", "`join` needs a list of values", call.span.start(), "missing values",
                           'e.g. `join("-", ["a", Execution.PipelineExecutionId])`'))
        else:
            ctx.expect(values, "list", "`join`'s values")

    def json(self, args, call, ctx):
        on = ctx.literal(args["on"]) if "on" in args else ""
        return ctx.join(on, ctx.value(args["values"]))

    def python(self, args, call, ctx):
        on = ctx.py(args["on"]) if "on" in args else '""'
        return f"{ctx.imp('Join')}(on={on}, values={ctx.py(args['values'])})"

    def text(self, args, call, ctx):
        p = ctx.program
        on = p.literal(args["on"]) if "on" in args else ""
        items = p.follow(args["values"])
        if isinstance(items, ir.ListExpr):
            return str(on).join(ctx.text(i) for i in items.items)
        return f"<join of {ctx.text(items)}>"


class JsonGet(Function):
    name, positional, named_only, sdk = "json_get", ("property_file", "path"), ("s3_uri",), "JsonGet"
    doc = ("json_get(Step.PropertyFile, path) or json_get(s3_uri = join(...), path = ...): "
           "a value read from a JSON file at run time (`Std:JsonGet`)")

    def check(self, args, call, ctx):
        program = ctx.program
        property_file, s3_uri, path = args.get("property_file"), args.get("s3_uri"), args.get("path")
        if (property_file is None) == (s3_uri is None):
            ctx.add(_error("E0208", "`json_get` needs exactly one of a property file or `s3_uri`",
                           call.name_span, "ambiguous" if property_file else "nothing to read",
                           'e.g. `json_get(Evaluate.Report, "metrics.accuracy.value")`'))
        if property_file is not None:
            if not isinstance(property_file, ir.Ref) or property_file.name not in program.steps:
                if isinstance(property_file, ir.Ref) and property_file.name not in program.names():
                    ctx.reference(property_file)
                else:
                    ctx.add(_error("E0207", "`json_get` reads `Step.PropertyFile`", ctx._span_of(property_file),
                                   "not a property file"))
            else:
                ctx.value(property_file, in_json_get=True)
        if s3_uri is not None:
            target = program.follow(s3_uri)
            ctx.value(s3_uri)
            if not (isinstance(target, ir.Call) and target.name == "join") and not isinstance(target, ir.Interpolation):
                ctx.add(_error("E0304", "`s3_uri` must be a `join(...)` (the SDK requires a Join)",
                               ctx._span_of(s3_uri), "not a join"))
        if path is None:
            ctx.add(_error("E0208", "`json_get` needs a JSON path", call.span.start(), "missing path"))
        else:
            ctx.expect(path, "string", "the JSON path")

    def json(self, args, call, ctx):
        out = {}
        if "property_file" in args:
            ref = args["property_file"]
            step = ctx.program.json_name(ref.name)
            out["PropertyFile"] = {"Get": f"Steps.{step}.PropertyFiles.{ref.parts[0].name}"}
        else:
            out["S3Uri"] = ctx.value(args["s3_uri"])
        out["Path"] = ctx.value(args["path"])
        return {"Std:JsonGet": out}

    def python(self, args, call, ctx):
        path = ctx.py(args["path"])
        if "property_file" in args:
            ref = args["property_file"]
            step_var = ctx.step_var(ref.name)
            if ctx.program.kind_of(ctx.program.steps[ref.name]).any_property_file:
                pf = repr(ref.parts[0].name)  # no PropertyFile object: JsonGet takes the file's name too
            else:
                pf = ctx.property_file_var(ref.name, ref.parts[0].name)
            return f"{ctx.imp('JsonGet')}(step_name={step_var}.name, property_file={pf}, json_path={path})"
        return f"{ctx.imp('JsonGet')}(s3_uri={ctx.py(args['s3_uri'])}, json_path={path})"

    def text(self, args, call, ctx):
        path = ctx.text(args["path"])
        if "property_file" in args:
            ref = args["property_file"]
            return f"<{ref.name}.{ref.parts[0].name}: {path}>"
        return f"<JSON at {ctx.text(args['s3_uri'])}: {path}>"


class Image(Function):
    name, positional, result, sdk = "image", ("framework",), "string", "image_uris.retrieve"
    named_only = ("version", "py_version", "instance_type", "image_scope", "base_framework_version")
    doc = ('image("xgboost", version = "1.7-1"): the image URI `sagemaker.image_uris.retrieve` '
           "gives in the pipeline's `region`, known before running (looked up offline)")

    def check(self, args, call, ctx):
        super().check(args, call, ctx)
        problem = ctx.program.image_of(call)[1]
        if problem is not None:
            message, span, hint = problem
            ctx.add(_error("E0210", message, span, "no such image", hint))

    def json(self, args, call, ctx):
        return ctx.program.image_of(call)[0]  # known before running: the URI itself

    def python(self, args, call, ctx):
        # what the SDK user writes; the JSON has the URI it returns
        pairs = [("framework", ctx.py(args["framework"])),
                 ("region", ctx.py(ctx.program.pipeline.attribute("region").value))]
        pairs += [(name, ctx.py(value)) for name, value in args.items() if name != "framework"]
        return f"{ctx.imp('image_uris')}.retrieve({ctx.call_args(pairs)})"


def _error(*args, **kwargs):
    from dsl.diagnostics import error

    return error(*args, **kwargs)


FUNCTIONS: Dict[str, Function] = {f.name: f for f in (Join(), JsonGet(), Image())}
# a call that is not an expression function (a tuning range's `continuous(0, 1)`), in docs
AS_WRITTEN = Function()


def call_args(call: ir.Call) -> dict:
    """A call's arguments by name (positional ones named in order)."""
    function = FUNCTIONS.get(call.name)
    names = function.positional if function else ()
    return {arg.name or (names[i] if i < len(names) else f"#{i}"): arg.value
            for i, arg in enumerate(call.args)}
