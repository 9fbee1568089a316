"""Values of `var`s: from `--var NAME=VALUE`, `--vars FILE` (TOML or JSON), the environment
(`PIPEDSL_VAR_NAME`) and the declared default, strongest first; each value remembers where it
came from, so a wrong one is reported with its source."""
from __future__ import annotations

import json
import math
import os
import re
from typing import Dict, Iterable, List, Tuple

from dsl.diagnostics import Span
from dsl.syntax import ir, records

VAR_TYPES = ("String", "Integer", "Float", "Boolean", "List", "Map")


@records.frozen
class Given:
    """A var's value and where it came from (`--var Stage=prod`, `prod.toml`, ...)."""

    value: object
    source: str
    text: bool = False  # read from text (command line, environment): parsed by the var's type


class VarsError(Exception):
    """A `--vars` file that cannot be read; the message says why (exit 2)."""


def from_command_line(pairs: Iterable[Tuple[str, str]]) -> Dict[str, Given]:
    return {name: Given(value, f"--var {name}={value}", text=True) for name, value in pairs}


def from_environment(environ=os.environ) -> Dict[str, Given]:
    prefix = "PIPEDSL_VAR_"
    return {key[len(prefix):]: Given(value, f"the environment ({key})", text=True)
            for key, value in environ.items() if key.startswith(prefix) and len(key) > len(prefix)}


def from_file(path: str) -> Dict[str, Given]:
    """An object of name -> value: TOML when the name ends in .toml, else JSON."""
    from dsl.syntax.source import SourceError, read_bytes

    try:
        data = read_bytes(path)
        if path.endswith(".toml"):
            try:
                import tomllib
            except ImportError:  # Python < 3.11
                import tomli as tomllib  # type: ignore[no-redef]
            values = tomllib.loads(data.decode("utf-8"))
        else:
            values = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except OSError as exc:
        raise VarsError(f"cannot read {path}: {exc.strerror}") from None
    except SourceError as exc:
        raise VarsError(str(exc)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise VarsError(f"{path} is not valid {'TOML' if path.endswith('.toml') else 'JSON'}: {exc}") from None
    except RecursionError:
        raise VarsError(f"{path} nests too deeply") from None
    if not isinstance(values, dict):
        raise VarsError(f"{path} must hold an object of var name -> value")
    return {str(name): Given(value, path) for name, value in values.items()}


def _unique_keys(pairs):
    """A JSON object whose keys are unique (TOML and `.pipe` maps refuse duplicates too)."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice")
        out[key] = value
    return out


def merged(command_line=(), files=(), environ=os.environ) -> Dict[str, Given]:
    """Every given value, the strongest winning: `--var`, then `--vars` files (later files
    win), then the environment."""
    out = from_environment(environ)
    for path in files:
        out.update(from_file(path))
    out.update(from_command_line(command_line))
    return out


class NotAValue(ValueError):
    """A given value no var can hold whatever its type; the message says why."""


def _check_shape(value) -> None:
    """NotAValue when `value` nests deeper than expressions may, or holds text that is not
    text (a lone surrogate: invalid UTF-8 in the environment, a broken JSON escape). Walked
    without recursion, so that any depth is refused, not a RecursionError."""
    from dsl.syntax.parser import MAX_NESTING

    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            raise NotAValue(f"nests more than {MAX_NESTING} levels deep")
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise NotAValue("is not text (it holds invalid UTF-8 or a lone surrogate)") from None
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())


def value_of(given: Given, kind: str):
    """The Python value of `given` for a var of type `kind`; ValueError when it is not one
    (NotAValue, with its reason, when no type's value)."""
    value = given.value
    _check_shape(value)  # (the text itself, before it is parsed)
    if given.text and isinstance(value, str):
        if kind == "String":
            return value
        if kind in ("Integer", "Float"):
            # JSON numbers only: Python's int()/float() also take "1_000", " 3 ", "nan", "inf"
            if not re.fullmatch(r"-?(0|[1-9][0-9]*)" + (r"(\.[0-9]+)?([eE][+-]?[0-9]+)?" if kind == "Float" else ""),
                                value):
                raise ValueError(value)
        if kind == "Boolean":
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return value.lower() == "true"
        try:
            value = json.loads(value)
        except RecursionError:
            raise NotAValue("nests too deeply") from None
        _check_shape(value)
    checks = {"String": lambda v: isinstance(v, str), "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "Float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "Boolean": lambda v: isinstance(v, bool), "List": lambda v: isinstance(v, list),
              "Map": lambda v: isinstance(v, dict)}
    if not checks[kind](value):
        raise ValueError(value)
    if not _plain(value):
        raise ValueError(value)
    return float(value) if kind == "Float" else value  # type: ignore[arg-type] # (checked above)


def _plain(value) -> bool:
    """JSON-like all the way down, with 64-bit integers and finite floats as in the language
    (JSON `NaN`, TOML `inf` and TOML dates are not values a definition can hold)."""
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return -2**63 <= value < 2**63
    return isinstance(value, float) and math.isfinite(value)


def to_ir(value, span: Span):
    """An IR expression for a Python value of a var."""
    if isinstance(value, list):
        return ir.ListExpr(items=tuple(to_ir(v, span) for v in value), span=span)
    if isinstance(value, dict):
        return ir.MapExpr(entries=tuple(ir.MapEntry(key=str(k), key_span=span, value=to_ir(v, span))
                                        for k, v in value.items()), span=span)
    if value is None or isinstance(value, (bool, int, float, str)):
        return ir.Literal(value=value, span=span)
    raise ValueError(value)


def describe(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)


def unknown_names(given: Dict[str, object], declared: Iterable[str]) -> List[Tuple[str, str]]:
    """(name, source) of each value given for no declared var. Values from the environment
    are left out: they may be meant for other files. A plain value (not a `Given`) came
    through the API's `vars={...}`."""
    declared = set(declared)
    out = []
    for name, item in given.items():
        source = item.source if isinstance(item, Given) else "vars={...}"
        if name not in declared and not source.startswith("the environment"):
            out.append((name, source))
    return out
