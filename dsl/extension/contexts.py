"""The contexts a step kind receives as `ctx`, as typed contracts (`typing.Protocol`).

Each hook of `dsl.extension.kinds.StepKind` is called with one of these; the classes behind them live
where the work is done (the checker, the evaluation layer, the emitters, the importer), and
mypy checks that each satisfies its protocol where it is handed to a kind. A kind may rely
on what its hook's protocol lists, and on nothing else.

| hook | `ctx` | implemented by |
|---|---|---|
| `check`, `property_problem`, `needs_default_bucket` | `CheckContext` | `dsl.semantics.checks.Checker` |
| `json_arguments`, `json_extras`, `json_steps*` (`_before`, `_found`), `json_property`, `slot_*` | `JsonLowering` | `dsl.semantics.evaluate.JsonContext` |
| `uploads` | `Resolved` | `dsl.semantics.program.Program` (and `JsonContext`) |
| `sdk_step`, `sdk_property` | `SdkWriter` | the `sdk` emitter's `SdkContext` |
| `docs_details` | `DocsWriter` | the `docs` emitter's `DocsContext` |
| `read_step`, `read_arguments`, `read_*` | `ImportReader` | `dsl.tools.importer`'s writer |
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Protocol, Tuple

if TYPE_CHECKING:
    from dsl.semantics.program import Program
    from dsl.syntax import ir


class Resolved(Protocol):
    """A resolved program and its literal values: what every context offers."""

    @property
    def program(self) -> "Program": ...

    def literal(self, expr: Any, default: Any = None) -> Any:
        """The Python value of a transpile-time literal (lets and vars folded), or `default`."""


class CheckContext(Resolved, Protocol):
    """What `check` is given: types, the request shapes, and the field checks."""

    def type_of(self, expr: Any) -> str: ...

    def walk_shape(self, root: str, parts: Any) -> Any: ...

    def expect(self, expr: Any, wanted: str, what: str, items: str = "any") -> Any: ...

    def attributes(self, attributes: Any, fields: Dict[str, Any], what: str, owner_span: Any = None,
                   kind: Any = None) -> Any: ...


class JsonLowering(Resolved, Protocol):
    """The evaluation layer: IR values lowered to definition JSON."""

    def value(self, expr: Any) -> Any: ...

    def attr(self, step: "ir.Step", name: str, default: Any = None) -> Any: ...

    def join(self, on: str, values: List[Any]) -> Any: ...

    def to_string(self, expr: Any) -> Any: ...

    def condition(self, cond: Any) -> Any: ...

    def steps(self, step: "ir.Step") -> list: ...

    def step(self, step: "ir.Step", depends: bool = True) -> dict: ...

    def depends_on(self, step: "ir.Step") -> list: ...


class SdkWriter(Resolved, Protocol):
    """The `sdk` emitter: IR values as Python source, names, imports."""

    session: Optional[str]
    helpers: Dict[str, str]

    def py(self, expr: Any) -> str: ...

    def attr(self, step: "ir.Step", name: str) -> Optional[str]: ...

    def imp(self, name: str) -> str: ...

    @staticmethod
    def call_args(pairs: Any) -> str: ...

    def var_for(self, step_name: str, role: str) -> str: ...

    def step_var(self, step_name: str) -> str: ...

    def branch(self, condition: "ir.Step", which: str) -> str: ...

    def property_file_var(self, step_name: str, file_name: str) -> str: ...

    def retry_policies(self, step: "ir.Step") -> str: ...

    def import_from(self, module: str, name: str) -> str: ...


class DocsWriter(Resolved, Protocol):
    """The `docs` emitter: IR values as readable text."""

    def text(self, expr: Any) -> str: ...

    def code(self, text: Any, in_table: bool = False) -> str: ...


class ImportReader(Protocol):
    """`pipedsl import`: definition JSON back to `.pipe` text, for one step."""

    name: str  # the pipeline's name
    before: Optional[dict]  # the definition step the step being read absorbs (StepKind.absorbs)
    step_json_name: str  # the definition name of the step being read
    data: dict  # the whole definition
    flavour: str  # the SDK that wrote it: "v2", or "v3" (its `MlflowConfig`); its layouts are read

    def value(self, value: Any) -> str: ...

    def fields(self, kind: Any, arguments: dict, skip: Any = ()) -> List[str]: ...

    def blocks(self, kind: Any, arguments: dict) -> List[str]: ...

    def condition(self, condition: dict) -> str: ...

    def code(self, uri: Any) -> str: ...

    def local_code(self, uri: Any, entry: str) -> Optional[Tuple[Optional[str], str, List[str]]]: ...

    def project_files(self) -> Any: ...

    def upload_uri(self, paths: Any, name: str) -> Optional[str]: ...

    def step_name(self, json_name: str) -> str: ...

    def default_bucket(self) -> Optional[str]: ...

    def region(self) -> Optional[str]: ...

    @staticmethod
    def name_text(name: str) -> str: ...

    @staticmethod
    def key_text(key: str) -> str: ...
