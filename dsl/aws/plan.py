"""`pipedsl diff` as a plan: what a reviewer needs first (steps added, removed and changed,
and for a changed step the members that changed, in `.pipe` words), before any JSON.

A member's name comes from the declarations: a field whose JSON place (`Field.json`) holds
the changed key is named by the field (`Train.hyperparameters.max_depth`), the envelope keys
by their `.pipe` members (`depends_on`, `cache`, ...); what no declaration places is named by
its JSON path (`Train: Arguments.InputDataConfig[0].ChannelName`), never left out.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional, Tuple

from dsl.aws.definition_json import all_steps, shallow

# the step envelope's keys, as the `.pipe` members that write them
ENVELOPE = {"DependsOn": "depends_on", "DisplayName": "display_name", "Description": "description",
            "RetryPolicies": "retry", "CacheConfig": "cache", "PropertyFiles": "property_file"}
_MISSING = object()


def _steps(definition: Optional[dict]) -> Dict[str, dict]:
    """Every step by its JSON name, condition branches included."""
    return {step["Name"]: step for step in all_steps((definition or {}).get("Steps") or [])
            if isinstance(step, dict) and isinstance(step.get("Name"), str)}


def _leaves(old, new, path: Tuple) -> Iterator[Tuple[Tuple, object, object]]:
    """(path, old, new) of each place the two JSON values differ, as deep as both are maps
    (lists of the same length item by item)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            yield from _leaves(old.get(key, _MISSING), new.get(key, _MISSING), path + (key,))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            yield from _leaves(a, b, path + (index,))
    elif old != new or type(old) is not type(new):
        yield path, old, new


def _show(value) -> str:
    if value is _MISSING:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _json_path(path: Tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_places(program, step_name: Optional[str]) -> List[Tuple[Tuple[str, ...], str]]:
    """(JSON path under Arguments, field name) for the step's kind's declared fields,
    longest first, so that the most precise place names a change."""
    if program is None or step_name is None or step_name not in program.steps:
        return []
    kind = program.kind_of(program.steps[step_name])
    if kind is None:
        return []
    places = [(tuple(field.json.split(".")), name) for name, field in kind.fields.items() if field.json]
    return sorted(places, key=lambda place: -len(place[0]))


def _member(path: Tuple, places, step: str) -> str:
    """`Step.field.rest` for a change at `path` of the step's JSON, or `Step: JSON.path`."""
    if path and path[0] in ENVELOPE:
        return f"{step}.{ENVELOPE[path[0]]}" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                                                       for p in path[1:])
    if len(path) > 1 and path[0] == "Arguments":
        inner = path[1:]
        for place, name in places:
            if inner[:len(place)] == place:
                rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner[len(place):])
                return f"{step}.{name}{rest}"
    return f"{step}: {_json_path(path)}"


def _pipe_names(program) -> Dict[str, str]:
    """JSON step name -> the `.pipe` step's name (model steps add suffixes in JSON)."""
    if program is None:
        return {}
    out: dict = {}
    for name, step in program.steps.items():
        kind = program.kind_of(step)
        for json_name in (kind.json_names_written(step, program) if kind is not None else [name]):
            out.setdefault(json_name, name)
    return out


def plan(deployed: Any, wanted: Any, program=None) -> List[str]:  # (definitions: JSON values)
    """The plan's lines; [] when the definitions are the same. `deployed` None: nothing is
    deployed, everything is to create."""
    names = _pipe_names(program)
    old_steps, new_steps = _steps(deployed), _steps(wanted)
    lines: List[str] = []
    added = [n for n in new_steps if n not in old_steps]
    removed = [n for n in old_steps if n not in new_steps]
    changed = [n for n in new_steps if n in old_steps
               and json.dumps(shallow(old_steps[n])) != json.dumps(shallow(new_steps[n]))]
    top = []
    for key in ("Version", "Metadata", "Parameters", "PipelineExperimentConfig", "MlflowConfig"):
        before = (deployed or {}).get(key, _MISSING)
        after = wanted.get(key, _MISSING)
        if deployed is not None and before != after:
            top.append(key)
    if deployed is not None and json.dumps(deployed) == json.dumps(wanted):
        return []
    counts = [f"{len(v)} {w}" for v, w in ((added, "to add"), (changed, "to change"), (removed, "to remove")) if v]
    counts = ["steps: " + ", ".join(counts)] if counts else []
    if deployed is None:
        lines.append(f"not deployed: {len(new_steps)} step{'s' * (len(new_steps) != 1)} to create")
    else:
        lines.append("; ".join(counts + (["pipeline settings to change"] if top else []))
                     or "the definition's key order or layout changes")
    if deployed is not None and "Parameters" in top:
        before = {p.get("Name"): p for p in deployed.get("Parameters") or [] if isinstance(p, dict)}
        after = {p.get("Name"): p for p in wanted.get("Parameters") or [] if isinstance(p, dict)}
        for name in after:
            if name not in before:
                lines.append(f"+ param {name}: {after[name].get('Type', 'String')}")
            elif before[name] != after[name]:
                for path, a, b in _leaves(before[name], after[name], ()):
                    lines.append(f"~ param {name}.{_json_path(path)}: {_show(a)} → {_show(b)}")
        lines += [f"- param {name}" for name in before if name not in after]
    if deployed is not None and "PipelineExperimentConfig" in top:
        lines.append(f"~ experiment: {_show(deployed.get('PipelineExperimentConfig', _MISSING))} → "
                     f"{_show(wanted.get('PipelineExperimentConfig', _MISSING))}")
    for key in top:
        if key not in ("Parameters", "PipelineExperimentConfig"):
            lines.append(f"~ {key}: {_show(deployed.get(key, _MISSING))} → {_show(wanted.get(key, _MISSING))}")
    for name in added:
        lines.append(f"+ step {names.get(name, name)} ({new_steps[name].get('Type')})")
    for name in changed:
        shown = names.get(name, name)
        lines.append(f"~ step {shown}")
        places = _field_places(program, names.get(name))
        for path, a, b in _leaves(shallow(old_steps[name]), shallow(new_steps[name]), ()):
            lines.append(f"    {_member(path, places, shown)}: {_show(a)} → {_show(b)}")
    lines += [f"- step {name} ({old_steps[name].get('Type')})" for name in removed]
    return lines
