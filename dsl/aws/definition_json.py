"""Walking a pipeline definition's JSON (what `import` reads and `diff` compares): every
step, the steps inside other steps (a condition's branches) included, and a step with those
reduced to their names. Which `Arguments` keys hold steps is each kind's declaration
(`StepKind.json_branches`), not this module's."""
from __future__ import annotations

from typing import Dict, Iterator, Tuple

_BRANCH_KEYS: Dict[int, tuple] = {}  # id(registry) -> (registry, its branch keys)


def _branch_keys() -> Dict[str, Tuple[str, ...]]:
    """Step `Type` -> the keys of its `Arguments` that hold steps (asked for every step of a
    walk: computed once per registry)."""
    from dsl.extension.plugin_manager import default_registry

    registry = default_registry()
    cached = _BRANCH_KEYS.get(id(registry))
    if cached is None or cached[0] is not registry:
        keys = {kind.type: kind.json_branches for kind in registry.kinds.values() if kind.json_branches}
        cached = _BRANCH_KEYS[id(registry)] = (registry, keys)
    return cached[1]


def all_steps(steps) -> Iterator:
    """Every item of `Steps` and of the steps inside them, breadth first; items that are not
    steps are yielded too (the importer reports them)."""
    branches = _branch_keys()
    todo = list(steps)
    while todo:
        step = todo.pop(0)
        yield step
        if isinstance(step, dict) and isinstance(step.get("Arguments"), dict):
            step_type = step.get("Type")
            for which in branches.get(step_type, ()) if isinstance(step_type, str) else ():
                branch = step["Arguments"].get(which, [])
                todo.extend(branch if isinstance(branch, list) else [])


def shallow(step: dict) -> dict:
    """A step with the steps inside it (compared on their own) reduced to their names."""
    step_type = step.get("Type")
    keys = _branch_keys().get(step_type, ()) if isinstance(step_type, str) else ()
    if not keys or not isinstance(step.get("Arguments"), dict):
        return step
    arguments = dict(step["Arguments"])
    for which in keys:
        if isinstance(arguments.get(which), list):
            arguments[which] = [s.get("Name") if isinstance(s, dict) else s for s in arguments[which]]
    return dict(step, Arguments=arguments)
