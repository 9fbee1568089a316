"""The hooks a pipedsl plugin can implement (pluggy project name `pipedsl`).

A plugin is any module (or object) with functions marked `@hookimpl`. The built-in kinds and
emitters are plugins too (`dsl.extension.plugin_manager.BUILTIN_PLUGINS`); third-party plugins are found
through the `pipedsl` entry-point group, or named with `-p MODULE` / `PIPEDSL_PLUGINS`.
Each hook is called once per plugin; what it returns is validated, and a plugin that raises
or returns the wrong thing is reported by name while the others keep working.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pluggy

if TYPE_CHECKING:  # pragma: no cover - types only
    from dsl.extension.emitters import Emitter
    from dsl.extension.kinds import StepKind

hookspec = pluggy.HookspecMarker("pipedsl")
hookimpl = pluggy.HookimplMarker("pipedsl")


@hookspec
def pipedsl_step_kinds() -> "Sequence[StepKind]":
    """Return the step kinds this plugin adds: `dsl.extension.kinds.StepKind` instances.

    A kind's `name` is what follows `step NAME:`; it must not be a built-in kind's name (the
    built-in wins and this plugin is named in a warning). Its `fields` map field names to
    `dsl.extension.kinds.Field` declarations; its capabilities (`members`, `branches`,
    `property_root`, `json_name`, `json_branches`) tell the core what it has, so that a kind
    can branch or declare property files without any change to the core; `read_step` reads
    its steps back for `pipedsl import` (by default, every field at its declared `json`
    place)."""
    return []


@hookspec
def pipedsl_emitters() -> "Sequence[Emitter]":
    """Return the output formats this plugin adds: `dsl.extension.emitters.Emitter` instances.

    `Emitter(name, description, emit)`: `name` is what `--to` takes, `description` one line
    for `pipedsl emitters`, and `emit(program, options) -> str` turns the checked program
    (`dsl.semantics.program.Program`) into text. `options` holds `compact` (bool) and `registry`, a
    read-only view of the loaded emitters and kinds. `emit` may raise `dsl.PipeError` with
    diagnostics for what it cannot express; any other exception, or a result that is not a
    `str`, is reported as E0402 naming the plugin."""
    return []
