"""`frozen`: the decorator of pipedsl's data classes (the IR, diagnostics, declarations).

They are `attrs.frozen` classes, with one difference: `__repr__` is a single shared function
instead of one generated and compiled per class. Compiling those is a quarter of what attrs
spends defining a class, and pipedsl defines about sixty at every start (7% of a small
`pipedsl transpile`). The text is attrs' own: `Literal(value=1, span=Span(...), raw='1')`.
"""
from __future__ import annotations

import reprlib
from typing import TYPE_CHECKING

import attrs


@reprlib.recursive_repr()
def _repr(self) -> str:
    fields = attrs.fields(type(self))
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields if f.repr)
    return f"{type(self).__name__}({shown})"


if TYPE_CHECKING:  # type checkers (mypy's attrs plugin) read the classes as attrs makes them
    from attrs import define as define
    from attrs import frozen as frozen
else:
    def frozen(cls=None, **options):
        """`attrs.frozen(**options)` with the shared `__repr__`; used bare or with options."""
        def wrap(cls):
            cls = attrs.frozen(repr=False, **options)(cls)
            cls.__repr__ = _repr
            return cls

        return wrap(cls) if cls is not None else wrap

    def define(cls=None, **options):
        """`attrs.define(**options)` with the shared `__repr__`."""
        def wrap(cls):
            cls = attrs.define(repr=False, **options)(cls)
            cls.__repr__ = _repr
            return cls

        return wrap(cls) if cls is not None else wrap
