"""The plugin manager: loads the `pipedsl` entry-point group (built-ins included), modules
named with `-p`/`PIPEDSL_PLUGINS`, and collects step kinds and emitters from them.

A plugin that fails to load, raises, returns the wrong type or reuses a name is reported as
a problem naming the plugin; everything else keeps working.
"""
from __future__ import annotations

import importlib
import os
from typing import Dict, List, Optional, Sequence

import attrs
import pluggy

from . import hookspecs
from .emitters import Emitter
from .kinds import StepKind


class Registry:
    """The step kinds and emitters of one plugin manager, with the problems met loading them."""

    def __init__(self, manager: pluggy.PluginManager, problems: List[str]):
        self.manager = manager
        self.problems = problems
        self.kinds: Dict[str, StepKind] = {}
        self.emitters: Dict[str, Emitter] = {}
        self._collect("pipedsl_step_kinds", StepKind, self.kinds)
        self._collect("pipedsl_emitters", Emitter, self.emitters)

    def _plugin_name(self, plugin) -> str:
        return self.manager.get_name(plugin) or getattr(plugin, "__name__", repr(plugin))

    def _collect(self, hook_name: str, cls, into: dict):
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            owner = self._plugin_name(impl.plugin)
            try:
                result = impl.function()
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the rest
                self.problems.append(f"plugin `{owner}`: {hook_name}() raised {type(exc).__name__}: {exc}")
                continue
            if result is None:
                continue
            if not isinstance(result, (list, tuple)):
                result = [result]
            for item in result:
                if not isinstance(item, cls):
                    self.problems.append(
                        f"plugin `{owner}`: {hook_name}() returned {type(item).__name__}, "
                        f"not a {cls.__module__}.{cls.__name__}")
                    continue
                if item.name in into:
                    self.problems.append(
                        f"plugin `{owner}`: {cls.__name__.lower()} `{item.name}` is already "
                        f"registered by `{getattr(into[item.name], 'plugin', '') or 'another plugin'}`; ignored")
                    continue
                if isinstance(item, Emitter) and not item.plugin:
                    item = attrs.evolve(item, plugin=owner)
                into[item.name] = item


def _extra_modules(extra: Optional[Sequence[str]]) -> List[str]:
    names = list(extra or [])
    env = os.environ.get("PIPEDSL_PLUGINS", "")
    names += [n.strip() for n in env.split(",") if n.strip()]
    return names


def build_registry(extra_plugins: Optional[Sequence[str]] = None) -> Registry:
    """A fresh registry: entry points of group `pipedsl`, then the named extra modules."""
    manager = pluggy.PluginManager("pipedsl")
    manager.add_hookspecs(hookspecs)
    problems: List[str] = []
    try:
        manager.load_setuptools_entrypoints("pipedsl")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"loading the `pipedsl` entry points failed: {type(exc).__name__}: {exc}")
        # fall back to loading entry points one by one, so one broken plugin spares the rest
        from importlib.metadata import entry_points

        for ep in entry_points(group="pipedsl"):
            if manager.get_plugin(ep.name) is not None or manager.is_blocked(ep.name):
                continue
            try:
                manager.register(ep.load(), name=ep.name)
            except Exception as inner:  # noqa: BLE001
                problems.append(f"plugin `{ep.name}` ({ep.value}) failed to load: {type(inner).__name__}: {inner}")
    for name in _extra_modules(extra_plugins):
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"plugin module `{name}` failed to import: {type(exc).__name__}: {exc}")
            continue
        if manager.is_registered(module):
            continue
        try:
            manager.register(module, name=name)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"plugin module `{name}` could not be registered: {exc}")
    return Registry(manager, problems)


_default: Optional[Registry] = None


def default_registry() -> Registry:
    """The registry of installed plugins (and PIPEDSL_PLUGINS), built once per process."""
    global _default
    if _default is None:
        _default = build_registry()
    return _default
