"""The plugin manager: the built-in plugins (listed below by module name, as pytest and llm
list theirs), then third-party plugins from the `pipedsl` entry-point group, then modules
named with `-p`/`PIPEDSL_PLUGINS`. Step kinds and emitters are collected from them through
pluggy, one plugin at a time so that a broken plugin is named and the rest keep working.

Rules that keep plugins from hurting each other:
- Built-ins always win a name: a third-party emitter `json` or kind `fail` is ignored, and
  the warning names that plugin.
- What a plugin returns is validated (types, names, a kind's `fields`) before it is used.
- Kinds are handed out sealed (`SealedKind`): reading works as before, setting an attribute
  raises, `fields` is read-only, and an exception inside a kind's method is raised as
  `KindFailure` naming the kind and its plugin, which checks and emitters report as a
  diagnostic.
- Emitters receive a read-only view of the registry (`RegistryView`), not the registry.
"""
from __future__ import annotations

import functools
import importlib
import os
import types
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import attrs
import pluggy

from dsl.extension import hookspecs
from dsl.extension.emitters import Emitter
from dsl.extension.kinds import Field, StepKind
from dsl.syntax.source import Changed

# The built-in plugins, registered first and by name: they are part of pipedsl, not of
# whatever the environment's entry points say. Each is declared with the kinds and emitters
# it provides, so that a run imports only the modules of the kinds its file uses and of the
# emitter it runs (tests/test_plugins.py checks each module provides what it declares).
BUILTIN_PLUGINS: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {  # module -> (kinds, emitters)
    "dsl.plugins.kinds.training": (("training",), ()),
    "dsl.plugins.kinds.processing": (("processing",), ()),
    "dsl.plugins.kinds.condition": (("condition",), ()),
    "dsl.plugins.kinds.fail": (("fail",), ()),
    "dsl.plugins.kinds.tuning": (("tuning",), ()),
    "dsl.plugins.kinds.transform": (("transform",), ()),
    "dsl.plugins.kinds.model": (("model", "register_model"), ()),
    "dsl.plugins.kinds.callouts": (("lambda", "callback"), ()),
    "dsl.plugins.kinds.emr": (("emr",), ()),
    "dsl.plugins.kinds.quality_check": (("quality_check",), ()),
    "dsl.plugins.kinds.clarify_check": (("clarify_check",), ()),
    "dsl.plugins.kinds.endpoint": (("endpoint_config", "endpoint", "inference_component"), ()),
    "dsl.plugins.kinds.function": (("function",), ()),
    "dsl.plugins.kinds.lineage": (("lineage",), ()),
    "dsl.plugins.kinds.automl": (("automl",), ()),
    "dsl.plugins.kinds.notebook_job": (("notebook_job",), ()),
    "dsl.plugins.kinds.monitor_batch_transform": (("monitor_batch_transform",), ()),
    "dsl.plugins.kinds.raw": (("raw",), ()),
    "dsl.plugins.json_emitter": ((), ("json",)),
    "dsl.plugins.sdk_emitter": ((), ("sdk", "sdk3")),
    "dsl.plugins.docs_emitter": ((), ("docs",)),
}
ENTRY_POINT_GROUP = "pipedsl"


def third_party():
    """A context for running a third-party plugin's code: what it prints goes to standard
    error, never into the output on standard output (a definition, generated code, or the
    language server's protocol stream)."""
    import contextlib
    import sys

    return contextlib.redirect_stdout(sys.stderr)


class KindFailure(Exception):
    """A step kind's method raised: `plugin`, `kind` and `method` say whose, `error` what."""

    def __init__(self, plugin: str, kind: str, method: str, error: BaseException):
        self.plugin, self.kind, self.method, self.error = plugin, kind, method, error
        super().__init__(f"step kind `{kind}` (plugin `{plugin}`) failed in {method}(): "
                         f"{type(error).__name__}: {error}")


class SealedKind:
    """A read-only face of a registered `StepKind`; see the module docstring."""

    __slots__ = ("_kind", "_plugin", "_fields", "_builtin", "_guarded")

    def __init__(self, kind: StepKind, plugin: str):
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_plugin", plugin)
        object.__setattr__(self, "_guarded", {})  # method name -> its guarded wrapper (made once)
        object.__setattr__(self, "_builtin", plugin in BUILTIN_PLUGINS)  # (decided once: a hot path)
        object.__setattr__(self, "_fields", types.MappingProxyType(dict(kind.fields)))

    @property
    def plugin(self) -> str:
        return self._plugin

    @property
    def fields(self) -> Mapping[str, Field]:
        return self._fields

    def __getattr__(self, name):
        made = self._guarded.get(name)
        if made is not None:
            return made
        value = getattr(self._kind, name)
        if callable(value) and not name.startswith("__"):
            kind, plugin, builtin = self._kind, self._plugin, self._builtin

            @functools.wraps(value)  # (its name and docstring: the docs read them)
            def guarded(*args, **kwargs):
                try:
                    if builtin:
                        result = value(*args, **kwargs)
                        if isinstance(result, types.GeneratorType):  # run it here, inside the guard
                            result = list(result)
                        return result
                    with third_party():
                        result = value(*args, **kwargs)
                        if isinstance(result, types.GeneratorType):
                            result = list(result)
                        return result
                except (KindFailure, NotImplementedError, Changed):
                    # "this kind has no such code"; a local file changed under us: not the kind's fault
                    raise
                except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin's crash becomes a diagnostic
                    raise KindFailure(plugin, kind.name, name, exc) from exc

            if not isinstance(getattr(type(kind), name, None), property):  # (a property may change)
                self._guarded[name] = guarded
            return guarded
        if isinstance(value, dict):
            return types.MappingProxyType(value)
        return value

    def __setattr__(self, name, value):
        raise AttributeError(f"step kind `{self._kind.name}` is read-only")

    def __repr__(self):
        return f"<kind {self._kind.name} from {self._plugin}>"


class RegistryView:
    """What an emitter sees of the registry: the emitters and kinds, read-only."""

    def __init__(self, registry: "Registry"):
        self.emitters = types.MappingProxyType(registry.emitters)
        self.kinds = types.MappingProxyType(registry.kinds)


class LazyTable(Mapping):
    """The kinds (or the emitters) of a registry, read-only. Every name is known from the
    start; a built-in plugin's module is imported when one of its names is first looked up
    (or the table is iterated)."""

    def __init__(self, load: Callable[[str], None]):
        self._load = load
        self._loaded: Dict[str, object] = {}
        self._pending: Dict[str, str] = {}  # name -> the built-in module declaring it
        self._order: List[str] = []

    def _declare(self, name: str, module: str):
        self._pending[name] = module
        self._order.append(name)

    def _add(self, name: str, value):
        if name not in self._order:
            self._order.append(name)
        self._loaded[name] = value

    def _forget(self, module: str):
        for name in [n for n, m in self._pending.items() if m == module]:
            del self._pending[name]

    def __getitem__(self, name):
        module = self._pending.get(name)
        if module is not None:
            self._load(module)
        return self._loaded[name]

    def __contains__(self, name) -> bool:
        return name in self._loaded or name in self._pending

    def __iter__(self) -> Iterator[str]:
        for module in list(dict.fromkeys(self._pending.values())):
            self._load(module)
        return iter([name for name in self._order if name in self._loaded])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self):
        return f"<{len(self._loaded)} loaded, {len(self._pending)} not yet: {', '.join(self._order)}>"


class Registry:
    """The step kinds and emitters of one plugin manager, with the problems met loading them.
    Built-in plugins are declared (`BUILTIN_PLUGINS`) and imported on first use; third-party
    plugins (entry points, `-p`) are loaded and collected at once, through pluggy."""

    def __init__(self, manager: Optional[pluggy.PluginManager], problems: List[str],
                 builtins: Mapping[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]):
        self.manager = manager
        self.problems = problems
        self.builtins = set(builtins)
        self.kinds: LazyTable = LazyTable(self._load_builtin)
        self.emitters: LazyTable = LazyTable(self._load_builtin)
        for module, (kinds, emitters) in builtins.items():
            for name in kinds:
                self.kinds._declare(name, module)
            for name in emitters:
                self.emitters._declare(name, module)
        if manager is not None:
            plugins = self._ordered_plugins()
            for name, plugin in plugins:
                others = [p for n, p in plugins if p is not plugin]
                self._collect(name, plugin, others, "pipedsl_step_kinds", self._add_kind)
                self._collect(name, plugin, others, "pipedsl_emitters", self._add_emitter)

    def view(self) -> RegistryView:
        return RegistryView(self)

    def _load_builtin(self, module_name: str):
        """Import a built-in plugin and add what its hooks return (called once per module:
        its declared names are forgotten first, so a name it does not provide is unknown)."""
        self.kinds._forget(module_name)
        self.emitters._forget(module_name)
        module = importlib.import_module(module_name)
        for hook_name, add in (("pipedsl_step_kinds", self._add_kind), ("pipedsl_emitters", self._add_emitter)):
            hook = getattr(module, hook_name, None)
            if hook is None:
                continue
            result = hook()
            for item in result if isinstance(result, (list, tuple)) else [result]:
                if item is not None:
                    problem = add(module_name, item)
                    if problem:
                        self.problems.append(f"plugin `{module_name}`: {problem}")

    def _ordered_plugins(self):
        """The third-party plugins in the order they were registered."""
        assert self.manager is not None
        named = [(self.manager.get_name(p), p) for p in self.manager.get_plugins()]
        order = {n: i for i, n in enumerate(self._registration_order)}
        named.sort(key=lambda item: order.get(item[0] or "", len(order)))
        return named

    @property
    def _registration_order(self) -> List[str]:
        return getattr(self.manager, "_pipedsl_order", [])

    def _collect(self, owner: str, plugin, others, hook_name: str, add):
        if not hasattr(plugin, hook_name):
            return
        assert self.manager is not None
        # pluggy calls the hook, restricted to this one plugin
        caller = self.manager.subset_hook_caller(hook_name, remove_plugins=others)
        try:
            with third_party():
                results = caller()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a broken plugin must not break the rest
            self.problems.append(f"plugin `{owner}`: {hook_name}() raised {type(exc).__name__}: {exc}")
            return
        for result in results:
            if result is None:
                continue
            if not isinstance(result, (list, tuple)):
                result = [result]
            for item in result:
                problem = add(owner, item)
                if problem:
                    self.problems.append(f"plugin `{owner}`: {problem}")

    def _clash(self, owner: str, what: str, name: str, existing: str) -> str:
        by = f"the built-in `{existing}`" if existing in self.builtins else f"`{existing}`"
        return f"{what} `{name}` is already registered by {by}; ignored"

    def _add_kind(self, owner: str, kind) -> Optional[str]:
        if not isinstance(kind, StepKind):
            return f"pipedsl_step_kinds() returned {type(kind).__name__}, not a dsl.extension.kinds.StepKind"
        problem = _kind_problem(kind)
        if problem:
            return f"step kind {problem}; ignored"
        if kind.name in self.kinds:
            return self._clash(owner, "step kind", kind.name, self.kinds[kind.name].plugin)
        self.kinds._add(kind.name, SealedKind(kind, owner))
        return None

    def _add_emitter(self, owner: str, emitter) -> Optional[str]:
        if not isinstance(emitter, Emitter):
            return f"pipedsl_emitters() returned {type(emitter).__name__}, not a dsl.extension.emitters.Emitter"
        if not isinstance(emitter.name, str) or not emitter.name.strip() or not emitter.name.isprintable():
            return f"an emitter's name must be a non-empty string, not {emitter.name!r}; ignored"
        if not callable(emitter.emit):
            return f"emitter `{emitter.name}`: `emit` is not callable; ignored"
        if not isinstance(emitter.description, str):
            emitter = attrs.evolve(emitter, description=str(emitter.description))
        if emitter.name in self.emitters:
            return self._clash(owner, "emitter", emitter.name, self.emitters[emitter.name].plugin)
        self.emitters._add(emitter.name, attrs.evolve(emitter, plugin=owner))
        return None


def _kind_problem(kind: StepKind) -> Optional[str]:
    """Why `kind` cannot be used, or None."""
    name = getattr(kind, "name", None)
    if not isinstance(name, str) or not name.isidentifier():
        return f"name {name!r} is not a name"
    if not isinstance(getattr(kind, "type", None), str) or not kind.type:
        return f"`{name}`: `type` must be the JSON step type, a non-empty string"
    fields = getattr(kind, "fields", None)
    if not isinstance(fields, Mapping):
        return f"`{name}`: `fields` must be a dict of name to dsl.extension.kinds.Field"
    for field_name, field in fields.items():
        if not isinstance(field_name, str) or not isinstance(field, Field):
            return f"`{name}`: field {field_name!r} is not a dsl.extension.kinds.Field"
    return None


def _extra_modules(extra: Optional[Sequence[str]]) -> List[str]:
    names = list(extra or [])
    env = os.environ.get("PIPEDSL_PLUGINS", "")
    names += [n.strip() for n in env.split(",") if n.strip()]
    return names


def _register(manager, module, name: str, problems: List[str]):
    try:
        manager.register(module, name=name)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"plugin module `{name}` could not be registered: {exc}")
        return
    manager._pipedsl_order.append(name)


def build_registry(extra_plugins: Optional[Sequence[str]] = None,
                   builtins: Mapping[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = BUILTIN_PLUGINS,
                   entry_points: bool = True) -> Registry:
    """A fresh registry: the built-ins (imported when first used), the entry points of group
    `pipedsl`, then the named extra modules."""
    problems: List[str] = []
    manager: Optional[pluggy.PluginManager] = None

    def add(module, name: str):
        nonlocal manager
        if manager is None:
            manager = pluggy.PluginManager("pipedsl")
            manager.add_hookspecs(hookspecs)
            manager._pipedsl_order = []  # type: ignore[attr-defined]
        if manager.is_registered(module) or manager.get_plugin(name) is not None:
            return
        _register(manager, module, name, problems)

    if entry_points:
        from dsl.extension.entry_points import pipedsl_entry_points

        for ep_name, value, load in pipedsl_entry_points():
            module_name = value.split(":")[0]
            if module_name in builtins:
                continue  # an older install's entry point for a built-in
            try:
                with third_party():
                    module = load()
            except (Exception, SystemExit) as exc:  # noqa: BLE001
                problems.append(f"plugin `{ep_name}` ({value}) failed to load: {type(exc).__name__}: {exc}")
                continue
            if getattr(module, "__name__", None) in builtins:
                continue
            add(module, ep_name)
    for name in _extra_modules(extra_plugins):
        if name in builtins:
            continue
        try:
            with third_party():
                module = importlib.import_module(name)
        except (Exception, SystemExit) as exc:  # noqa: BLE001
            problems.append(f"plugin module `{name}` failed to import: {type(exc).__name__}: {exc}")
            continue
        add(module, name)
    return Registry(manager, problems, builtins)


_default: Optional[Registry] = None


def default_registry() -> Registry:
    """The registry of installed plugins (and PIPEDSL_PLUGINS), built once per process."""
    global _default
    if _default is None:
        _default = build_registry()
    return _default
