"""What an emitter is: a name, a one-line description and a function from program to text."""
from __future__ import annotations

from typing import Callable

from dsl.syntax import records


@records.frozen
class Emitter:
    """An output format. `emit(program, options)` returns the text; `options` is a dict
    (today: `compact`). It may raise `dsl.PipeError` with diagnostics for what it cannot
    express."""

    name: str
    description: str
    emit: Callable
    plugin: str = ""
