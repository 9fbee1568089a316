"""Walking a pipeline definition's JSON (what `import` reads and `diff` compares): every
step, condition branches included, and a step with its branches reduced to their names."""
from __future__ import annotations

from typing import Iterator


def all_steps(steps) -> Iterator:
    """Every item of `Steps` and of each condition's `IfSteps`/`ElseSteps`, breadth first;
    items that are not steps are yielded too (the importer reports them)."""
    todo = list(steps)
    while todo:
        step = todo.pop(0)
        yield step
        if isinstance(step, dict) and step.get("Type") == "Condition" and isinstance(step.get("Arguments"), dict):
            for which in ("IfSteps", "ElseSteps"):
                branch = step["Arguments"].get(which, [])
                todo.extend(branch if isinstance(branch, list) else [])


def shallow(step: dict) -> dict:
    """A step with its branch steps (compared on their own) reduced to their names."""
    if step.get("Type") != "Condition" or not isinstance(step.get("Arguments"), dict):
        return step
    arguments = dict(step["Arguments"])
    for which in ("IfSteps", "ElseSteps"):
        if isinstance(arguments.get(which), list):
            arguments[which] = [s.get("Name") if isinstance(s, dict) else s for s in arguments[which]]
    return dict(step, Arguments=arguments)
