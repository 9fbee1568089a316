"""`pipedsl import`: a pipeline definition JSON to a `.pipe` file that transpiles back to the
same JSON, key order included.

How: each step is written as its kind, its fields read back from the kinds' declared JSON
places (the same declarations the emitters write from) plus what a kind computes itself
(channels, conditions, branches...); then the result is transpiled and compared step by
step. What no field reproduces becomes an `arguments_patch` (the difference, as an RFC 7396
merge patch), and a step still not equal (a key order no patch can give, a `Type` no kind
knows) becomes a `raw` step. So any definition round-trips exactly, and every step is as
idiomatic as the kinds allow. The text is formatted by `dsl.format`.
"""
from __future__ import annotations

import json
import re
from typing import Dict, List, Optional, Tuple

from dsl.aws.definition_json import all_steps, shallow
from dsl.diagnostics import Diagnostic, Span, error
from dsl.extension.kinds import StepKind
from dsl.syntax.parser import MAX_FILE_BYTES
from dsl.syntax.transformer import KEYWORDS
from dsl.tools.printer import name as pipe_name

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_GET = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[(?:\d+|'[^']*')\])*)$")


class KindsByType(dict):
    """JSON step `Type` -> the kinds that write it. Where kinds share a `Type` (a `function`
    step is a `Training` job), a step goes to the first that `claims` it, the kinds that
    claim only some steps of the type first."""

    def __init__(self, kinds):
        super().__init__()
        self.candidates: Dict[str, list] = {}
        for kind in kinds:
            self.candidates.setdefault(kind.type, []).append(kind)
        for type_, found in self.candidates.items():
            found.sort(key=lambda kind: not kind.claims_some)
            self[type_] = found[-1]

    def for_step(self, step) -> Optional[StepKind]:
        type_ = step.get("Type") if isinstance(step, dict) else None
        if not isinstance(type_, str):
            return None
        for kind in self.candidates.get(type_, ()):
            if not kind.claims_some:
                return kind
            try:
                if kind.claims(step):
                    return kind
            except Exception:  # noqa: BLE001 - a step of no shape it knows: not its step
                continue
        return None


def _kinds_by_type() -> KindsByType:
    """JSON step `Type` -> the kind that writes it (each kind declares its `type`; the `raw`
    kind, which writes any, is the fallback and is not listed)."""
    from dsl.extension.plugin_manager import default_registry

    return KindsByType(kind for name, kind in default_registry().kinds.items() if name != "raw")


class ImportError_(Exception):
    """The input is not a definition pipedsl can import; `diagnostics` says where and why."""

    def __init__(self, diagnostics: List[Diagnostic], text: str):
        self.diagnostics, self.text = diagnostics, text
        super().__init__(diagnostics[0].message)

    def render(self, filename: str = "<definition>") -> str:
        from dsl.diagnostics import render_text

        return render_text(self.diagnostics, self.text, filename)


def _at(text: str, needle: str, nth: int = 0) -> Span:
    offset = -1
    for _ in range(nth + 1):
        found = text.find(needle, offset + 1)
        if found < 0:
            break
        offset = found
    offset = max(offset, 0)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Span(line, column, line, column + max(1, len(needle)))


# --- values: JSON to .pipe expressions ------------------------------------------------------

def _string(value: str) -> str:
    body = json.dumps(value, ensure_ascii=False)[1:-1].replace("${", "\\${")
    return f'"{body}"'


def _key(key: str) -> str:
    return key if _NAME.fullmatch(key) and key not in KEYWORDS else _string(key)


class _Values:
    def __init__(self, step_names: Dict[str, str]):
        self.step_names = step_names  # JSON step name -> .pipe step name
        self.hidden: set = set()  # steps not declared (inside a raw step): their references stay JSON

    def ref(self, path: str) -> Optional[str]:
        root, _, rest = path.partition(".")
        if root in ("Parameters", "Execution", "PipelineExperimentConfig"):
            text = pipe_name(rest) if root == "Parameters" else path
        elif root == "Steps":
            match = _GET.match(rest)
            if not match or match.group(1) not in self.step_names and not any(
                    rest.startswith(n + ".") or rest.startswith(n + "[") for n in self.step_names):
                return None
            name = next((n for n in sorted(self.step_names, key=len, reverse=True)
                         if rest.startswith(n) and rest[len(n):len(n) + 1] in (".", "[", "")), None)
            if name is None:
                return None
            if self.step_names[name] in self.hidden:
                return None
            text = self.step_names[name] + rest[len(name):]
        else:
            return None
        text = re.sub(r"\['((?:[^'\\]|\\.)*)'\]", lambda m: "[" + _string(m.group(1)) + "]", text)
        bare = text.replace("`", "")
        return text if _NAME.match(bare) and all(_NAME.fullmatch(p) for p in re.split(r"\.|\[.*?\]", bare) if p) else None

    def value(self, value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        if isinstance(value, (int, float)):
            return json.dumps(value)
        if isinstance(value, str):
            return _string(value)
        if isinstance(value, list):
            return "[" + ", ".join(self.value(v) for v in value) + "]"
        if isinstance(value, dict):
            if list(value) == ["Get"] and isinstance(value["Get"], str):
                ref = self.ref(value["Get"])
                if ref is not None:
                    return ref
            if list(value) == ["Std:Join"] and isinstance(value["Std:Join"], dict):
                join = value["Std:Join"]
                if set(join) == {"On", "Values"} and isinstance(join["Values"], list) and isinstance(join["On"], str):
                    return self.join(join["On"], join["Values"])
            if list(value) == ["Std:JsonGet"] and isinstance(value["Std:JsonGet"], dict):
                got = self.json_get(value["Std:JsonGet"])
                if got is not None:
                    return got
            if not value:
                return "{}"
            return "{ " + ", ".join(f"{_key(k)}: {self.value(v)}" for k, v in value.items()) + " }"
        raise ValueError(f"not a JSON value: {value!r}")

    def join(self, on: str, values: list) -> str:
        """`"text ${Ref} text"` where the join is one (no separator, no empty or adjacent text
        pieces, plain references), else `join(on, [...])`."""
        if on == "" and values and any(not isinstance(v, str) for v in values):
            pieces, previous_text = [], False
            for value in values:
                if isinstance(value, str):
                    if not value or previous_text:
                        break
                    pieces.append(_string(value)[1:-1])
                    previous_text = True
                    continue
                ref = (self.ref(value["Get"]) if isinstance(value, dict) and list(value) == ["Get"]
                       and isinstance(value["Get"], str) else None)
                if ref is None or "[" in ref:
                    break
                pieces.append("${" + ref + "}")
                previous_text = False
            else:
                return '"' + "".join(pieces) + '"'
        return f"join({_string(on)}, {self.value(values)})"

    def json_get(self, spec: dict) -> Optional[str]:
        path = spec.get("Path")
        if not isinstance(path, str):
            return None
        if set(spec) == {"PropertyFile", "Path"}:
            file = spec["PropertyFile"]
            match = re.fullmatch(r"Steps\.(.+)\.PropertyFiles\.([A-Za-z_][\w-]*)", file["Get"]) \
                if isinstance(file, dict) and isinstance(file.get("Get"), str) else None
            if match and match.group(1) in self.step_names:
                return f"json_get({self.step_names[match.group(1)]}.{match.group(2)}, {_string(path)})"
            return None
        if set(spec) == {"S3Uri", "Path"}:
            return f"json_get(s3_uri = {self.value(spec['S3Uri'])}, path = {_string(path)})"
        return None


# --- the file ----------------------------------------------------------------------------

_PARAM_TYPES = {"String", "Integer", "Float", "Boolean"}


class _HugeInteger(Exception):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _integer(digits: str) -> int:
    """A JSON integer; one of more than 19 digits holds no 64-bit value (and Python refuses
    to convert ones over 4,300 digits, a ValueError mid-parse)."""
    if len(digits.lstrip("-")) > 19:
        raise _HugeInteger(digits)
    return int(digits)


def _load(text: str):
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_integer)
    except RecursionError:
        raise ImportError_([error("E0601", "the JSON nests too deeply to be a pipeline definition", Span(1, 1, 1, 2),
                                  "here")], text) from None
    except _HugeInteger as huge:
        at = _at(text, huge.digits[:40])
        raise ImportError_([error("E0601", f"an integer of {len(huge.digits.lstrip('-')):,} digits: no parameter or "
                                  "field holds more than 64 bits", at, "too large")], text) from None
    except _Duplicate as duplicate:
        raise ImportError_([error("E0601", f"key {duplicate.key!r} is given twice", _at(text, json.dumps(duplicate.key), 1),
                                  "again")], text) from None
    except json.JSONDecodeError as exc:
        span = Span(exc.lineno, exc.colno, exc.lineno, exc.colno + 1)
        raise ImportError_([error("E0601", f"not JSON: {exc.msg}", span, "here")], text) from None
    depth, stack = 0, [(data, 1)]
    while stack:  # (without recursion: every later pass recurses, a .pipe file nests 64 deep at most)
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ImportError_([error("E0601", f"the JSON nests more than {MAX_JSON_DEPTH} levels deep: no .pipe file "
                                      "can hold it", Span(1, 1, 1, 2), "here")], text)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return data


MAX_JSON_DEPTH = 128  # a .pipe value nests 64 deep at most; steps in conditions add a few levels each


class _Duplicate(Exception):
    def __init__(self, key):
        super().__init__(key)
        self.key = key


def _pairs(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _validate(data, text: str):
    if not isinstance(data, dict) or "Steps" not in data or not isinstance(data.get("Steps"), list):
        raise ImportError_([error("E0602", "not a pipeline definition: no `Steps` list", Span(1, 1, 1, 2),
                                  "expected an object with Version, Parameters, Steps")], text)
    for key, wanted, what in (("Metadata", dict, "an object"), ("Parameters", list, "a list"),
                              ("PipelineExperimentConfig", dict, "an object or null")):
        if data.get(key) is not None and not isinstance(data[key], wanted):
            raise ImportError_([error("E0602", f"`{key}` must be {what}", _at(text, json.dumps(key)), "here")], text)
    if data.get("MlflowConfig") is not None:
        raise ImportError_([error("E0602", "an `MlflowConfig` other than null is not written by pipedsl yet",
                                  _at(text, '"MlflowConfig"'), "not null",
                                  "pipedsl writes SDK v3's definitions with `MlflowConfig: null`")], text)
    config = data.get("PipelineExperimentConfig") or {}
    for key in config:
        if key not in ("ExperimentName", "TrialName") or not isinstance(config[key], (str, dict)):
            raise ImportError_([error("E0602", "`PipelineExperimentConfig` holds `ExperimentName` and `TrialName`, "
                                      "each text or an expression", _at(text, json.dumps(key)), "here")], text)
    if data.get("Version") != "2020-12-01":
        raise ImportError_([error("E0603", f"unknown definition Version {data.get('Version')!r}",
                                  _at(text, '"Version"'), "not 2020-12-01", "pipedsl reads Version 2020-12-01")], text)
    names, problems = {}, []
    for param in data.get("Parameters") or []:
        if not isinstance(param, dict) or not isinstance(param.get("Name"), str) or not _writable(param["Name"]) \
                or param.get("Type", "String") not in _PARAM_TYPES:
            problems.append(error("E0606", f"parameter {param!r:.60} cannot be written in a .pipe file",
                                  _at(text, '"Parameters"'), "here",
                                  "parameters need a name (letters, digits, _ and -) and a type String, Integer, "
                                  "Float or Boolean"))
    kinds = _kinds_by_type()
    for step in all_steps(data["Steps"]):
        name = step.get("Name") if isinstance(step, dict) else None
        if not isinstance(name, str) or not isinstance(step.get("Type"), str) or not isinstance(
                step.get("Arguments"), dict):
            problems.append(error("E0602", "a step needs a string `Name`, a string `Type` and an object `Arguments`",
                                  _at(text, json.dumps(name)) if isinstance(name, str) else Span(1, 1, 1, 2), "here"))
            continue
        if not _writable(_pipe_name(step, kinds, _flavour(data))):
            problems.append(error("E0606", f"step name {name!r} cannot be written in a .pipe file",
                                  _at(text, json.dumps(name)), "not a .pipe name",
                                  "step names are letters, digits, _ and -, starting with a letter or _"))
            continue
        if name in names:
            problems.append(error("E0604", f"step name {name!r} is used twice", _at(text, f'"Name": {json.dumps(name)}', 1),
                                  "again", notes=[(_at(text, f'"Name": {json.dumps(name)}'), "first here")]))
        names[name] = step
    for step in names.values():
        problem = _envelope_problem(step)
        if problem:
            problems.append(error("E0602", f"step {step['Name']!r}: {problem}", _at(text, json.dumps(step["Name"])),
                                  "here"))
            continue
        depends_on = step.get("DependsOn", []) or []
        if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
            problems.append(error("E0602", f"step {step['Name']!r}: `DependsOn` is a list of step names",
                                  _at(text, '"DependsOn"'), "here"))
            continue
        for depends in depends_on:
            if depends not in names:
                problems.append(error("E0605", f"step {step['Name']!r} depends on unknown step {depends!r}",
                                      _at(text, json.dumps(depends)), "unknown step"))
        for match in re.finditer(r"Steps\.([A-Za-z0-9_-]+)", json.dumps(step.get("Arguments", {}))):
            if not any(match.group(1) == n or n.startswith(match.group(1)) for n in names):
                problems.append(error("E0605", f"step {step['Name']!r} refers to unknown step {match.group(1)!r}",
                                      _at(text, match.group(0)), "unknown step"))
    bad = _bad_number(data)
    if bad is not None:
        problems.append(error("E0607", f"the number {bad!r:.40} cannot be written in a .pipe file",
                              _at(text, json.dumps(bad) if isinstance(bad, int) else str(bad)), "out of range",
                              ".pipe numbers are 64-bit integers and finite floats"))
    if problems:
        raise ImportError_(problems, text)


def _envelope_problem(step: dict) -> Optional[str]:
    """What is wrong with a step's retry policies or cache config, as the service reads them."""
    def number(value):
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    policies = step.get("RetryPolicies") or []
    if not isinstance(policies, list):
        return "`RetryPolicies` is a list"
    for policy in policies:
        if not isinstance(policy, dict) or not isinstance(policy.get("ExceptionType", []), list) or not all(
                isinstance(t, str) for t in policy.get("ExceptionType", [])):
            return "each retry policy is an object with an `ExceptionType` list of names"
        if not all(number(policy[k]) for k in ("BackoffRate", "IntervalSeconds", "MaxAttempts", "ExpireAfterMin")
                   if k in policy):
            return "a retry policy's BackoffRate, IntervalSeconds, MaxAttempts and ExpireAfterMin are numbers"
    cache = step.get("CacheConfig")
    if cache is not None and (not isinstance(cache, dict) or not isinstance(cache.get("ExpireAfter", ""), str)):
        return "`CacheConfig` is an object with a string `ExpireAfter`"
    return None


def _bad_number(value):
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and not -(2**63) <= item < 2**63:
            return item
        if isinstance(item, float) and item != item or item in (float("inf"), float("-inf")):
            return item
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return None


def _writable(name: str) -> bool:
    """A name a `.pipe` file can declare (a keyword is written in backquotes)."""
    name = name[1:-1] if name.startswith("`") else name
    return bool(_NAME.fullmatch(name)) and name not in ("Execution", "PipelineExperimentConfig")


def import_definition(text: str, name: Optional[str] = None, fallback_name: str = "Imported",
                      folder: Optional[str] = None) -> str:
    """`.pipe` text for a definition (indented or compact); raise ImportError_ on bad input.
    A definition does not hold the pipeline's name: it is `name`, else the one the SDK's
    default S3 paths were built with, else `fallback_name`. `folder`: where the file will
    be; a script the definition names by its upload URI is written as the local file there
    when that file gives the same URI (the local-code form)."""
    from dsl.api import PipeError, transpile
    from dsl.semantics.checks import PIPELINE_NAME
    from dsl.tools.formatter import format as format_text

    if name is not None and (not PIPELINE_NAME.fullmatch(name) or name in KEYWORDS):
        raise ImportError_([error("E0606", f"the name {name!r} cannot name a pipeline", Span(1, 1, 1, 2), "--name",
                                  "pipeline names are 1-256 letters, digits and single hyphens (the service's "
                                  "rule), and not a keyword of the language")], text)
    data = _load(text)
    _validate(data, text)
    data = _as_the_sdk_writes(data)
    name = name or _default_pipeline_name(data) or fallback_name
    steps = list(all_steps(data["Steps"]))
    kinds = _kinds_by_type()
    json_names = {s["Name"]: _pipe_name(s, kinds, _flavour(data)) for s in steps}
    values = _Values(json_names)
    writer = _Writer(data, values, json_names, kinds, folder)
    import os

    filename = os.path.join(folder, "imported.pipe") if folder is not None else "<string>"
    target = json.dumps(data)
    source = writer.write(name, raw=set(), patches={})
    for _ in range(8):  # forms, fields, then patches, then raw steps: each round only narrows
        try:
            produced = json.loads(transpile(source, compact=True, filename=filename), object_pairs_hook=_pairs)
        except PipeError as problem:
            # the steps holding the problems are written as given, the rest kept
            lines = {d.span.line for d in problem.diagnostics}
            culprits = {json_name for json_name, (first, last) in writer.lines.items()
                        if any(first <= line <= last for line in lines)}
            # a step read in a less literal form first (a framework estimator) is read in its next
            # form; any other step is written as given
            for culprit in {writer.absorbed_by.get(c, c) for c in culprits or {s["Name"] for s in steps}}:
                if not writer.next_form(culprit):
                    writer.raw.add(culprit)
            source = writer.write(name, writer.raw, writer.patches)
            continue
        if json.dumps(produced) == target:
            break
        mismatched = _mismatched(data, produced)
        advanced = set()
        for name_ in list(mismatched):  # a step read with the one it absorbs: its next reading
            owner = writer.absorbed_by.get(name_, name_)
            if owner not in advanced and writer.next_form(owner):
                advanced.add(owner)
        for step in steps:
            if step["Name"] in mismatched:
                if writer.absorbed_by.get(step["Name"], step["Name"]) in advanced:
                    continue  # its next reading first: patches and raw steps are the last resorts
                if step["Name"] in writer.patches or produced is None or mismatched[step["Name"]] is None:
                    writer.raw.add(step["Name"])
                else:
                    writer.patches[step["Name"]] = _diff(mismatched[step["Name"]], step.get("Arguments", {}))
        source = writer.write(name, writer.raw, writer.patches)
    else:
        raise ImportError_([_why_not(source, target, writer, text)], text)
    if len(source.encode("utf-8")) > MAX_FILE_BYTES:
        raise ImportError_([error("E0608", f"the .pipe file would be larger than {MAX_FILE_BYTES // 2**20} MiB, "
                                  "the most pipedsl reads", Span(1, 1, 1, 2), "too large")], text)
    return format_text(source)


_TOP_LEVEL = ("Version", "Metadata", "Parameters", "PipelineExperimentConfig", "Steps")  # the SDK's order
# SDK v3's: `MlflowConfig` (null) before the steps
_TOP_LEVEL_V3 = ("Version", "Metadata", "Parameters", "PipelineExperimentConfig", "MlflowConfig", "Steps")
_LEFT_OUT: Dict[str, object] = {"Metadata": {}, "Parameters": [], "PipelineExperimentConfig": None,
                                "MlflowConfig": None}


def _flavour(data: dict) -> str:
    """The SDK a definition was written with: v3 writes `MlflowConfig`, v2 does not."""
    return "v3" if "MlflowConfig" in data else "v2"


def _as_the_sdk_writes(data: dict) -> dict:
    """A hand-written definition may leave out `Metadata`, `Parameters` or
    `PipelineExperimentConfig` (no experiment tracking), or order its top level otherwise;
    SageMaker reads it as the SDK's form, which the imported file gives back: `{}`, `[]`,
    `null` in the SDK's order."""
    order = _TOP_LEVEL_V3 if _flavour(data) == "v3" else _TOP_LEVEL
    if list(data) == list(order):
        return data
    out = {key: data[key] if key in data else _LEFT_OUT[key] for key in order if key in data or key in _LEFT_OUT}
    out.update((key, value) for key, value in data.items() if key not in out)
    return out


def _why_not(source: str, target: str, writer: "_Writer", text: str) -> Diagnostic:
    """E0608 naming the step (and the reason) that keeps the definition from a .pipe file."""
    from dsl.api import PipeError, transpile

    try:
        produced = transpile(source, compact=True)
    except PipeError as problem:
        first = problem.diagnostics[0]
        step = next((name for name, (start, end) in writer.lines.items() if start <= first.span.line <= end), None)
        where = f"step {step!r}" if step else "the pipeline"
        return error("E0608", f"{where} cannot be written as a .pipe file: {first.message}",
                     _at(text, json.dumps(step)) if step else Span(1, 1, 1, 2), "cannot be expressed")
    mismatched = [name for name in _mismatched(json.loads(target), json.loads(produced, object_pairs_hook=_pairs))]
    if mismatched:
        return error("E0608", f"step {mismatched[0]!r} cannot be written as a .pipe file that gives it back exactly "
                     "(not even as a `raw` step)", _at(text, json.dumps(mismatched[0])), "cannot be expressed")
    wanted, got = json.loads(target), json.loads(produced, object_pairs_hook=_pairs)
    key = next((k for k in wanted if wanted.get(k) != got.get(k)), None)
    if key is not None:
        return error("E0608", f"the definition's `{key}` cannot be written as a .pipe file that gives it back "
                     f"exactly", _at(text, json.dumps(key)), "cannot be expressed")
    return error("E0608", "the definition's top-level keys cannot be written in their order "
                 f"({', '.join(wanted)}; a .pipe file gives {', '.join(got)})", Span(1, 1, 1, 2), "cannot be expressed")


def _pipe_name(step: dict, kinds: KindsByType, flavour: str = "v2") -> str:
    """A step's `.pipe` name: its JSON name without the suffix its kind appends
    (`json_name`: a `ModelStep`'s `-CreateModel`)."""
    name = step["Name"]
    kind = kinds.for_step(step)
    suffix = kind.json_name("", flavour) if kind is not None else ""
    if suffix and name.endswith(suffix):
        name = name[: -len(suffix)]
    return pipe_name(name)


def _mismatched(target: dict, produced: Optional[dict]) -> Dict[str, Optional[dict]]:
    """JSON step name -> the Arguments pipedsl produced for it (None: the step differs beyond
    its Arguments, or was not produced)."""
    kinds = _kinds_by_type()
    produced_steps = {s["Name"]: s for s in all_steps(produced["Steps"])} if produced else {}
    out: dict = {}
    for step in all_steps(target["Steps"]):
        mine = produced_steps.get(step["Name"])
        if mine is None:
            out[step["Name"]] = None
            continue
        if json.dumps(shallow(mine)) == json.dumps(shallow(step)):
            continue
        same_envelope = ({k: v for k, v in mine.items() if k != "Arguments"} ==
                         {k: v for k, v in step.items() if k != "Arguments"} and list(mine) == list(step))
        # (a step holding other steps is not patched: they are compared on their own)
        kind = kinds.for_step(step)
        holds_steps = bool(kind.json_branches) if kind is not None else False
        out[step["Name"]] = mine.get("Arguments") if same_envelope and not holds_steps else None
    return out


def _diff(produced, target) -> dict:
    """The RFC 7396 merge patch that turns `produced` into `target`."""
    patch: dict = {}
    for key in produced:
        if key not in target:
            patch[key] = None
    for key, value in target.items():
        if key not in produced:
            patch[key] = value
        elif json.dumps(produced[key]) != json.dumps(value):
            if isinstance(value, dict) and isinstance(produced[key], dict) and value:
                patch[key] = _diff(produced[key], value)
            else:
                patch[key] = value
    return patch


_SMALL_BYTES = 32 * 2**20  # a dependency candidate import hashes: at most this much, in at most
_SMALL_ENTRIES = 2000  # this many directory entries


def _small(path: str) -> bool:
    """Whether a file or folder is small enough to hash as a guess (links not followed)."""
    import os

    if os.path.islink(path):
        return False
    if os.path.isfile(path):
        return os.path.getsize(path) <= _SMALL_BYTES
    total, seen, folders = 0, 0, [path]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            return False
        for entry in entries:
            seen += 1
            if seen > _SMALL_ENTRIES:
                return False
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                total += entry.stat(follow_symlinks=False).st_size
                if total > _SMALL_BYTES:
                    return False
    return True


def _read_steps(arguments) -> List[str]:
    """The names of the steps whose properties `arguments` read (`{"Get": "Steps.NAME..."}`),
    in the order a walk meets them."""
    found: List[str] = []
    stack = [arguments]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            got = value.get("Get")
            if isinstance(got, str) and got.startswith("Steps."):
                name = got[len("Steps."):].split(".", 1)[0].split("[", 1)[0]
                if name not in found:
                    found.append(name)
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return found


def _absorbs(kind, before: dict, step: dict) -> bool:
    """`kind.absorbs(before, step)`, False for steps not of the shape it writes."""
    from dsl.extension.plugin_manager import KindFailure

    try:
        return bool(kind.absorbs(before, step))
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, KindFailure):
        return False


_CODE_SEARCH = 5000  # directory entries `_Writer.code` looks at, at most
_DEPENDENCY_SEARCH = 50  # entries of the output's folder tried as a framework's one dependency


def _files_named(folder: str, name: Optional[str]):
    """Paths (relative, with `/`) of the regular files called `name` (any name: None) under
    `folder`, nearest first; links are not followed and hidden folders are skipped."""
    import os

    seen = 0
    queue = [""]
    while queue and seen < _CODE_SEARCH:
        relative = queue.pop(0)
        try:
            entries = sorted(os.scandir(os.path.join(folder, relative) if relative else folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            path = f"{relative}/{entry.name}" if relative else entry.name
            if (name is None or entry.name == name) and entry.is_file(follow_symlinks=False):
                yield path
            elif entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                queue.append(path)


class _Writer:
    """The `.pipe` text of a definition; `raw` steps and `patches` as the rounds decide."""

    def __init__(self, data: dict, values: _Values, json_names: Dict[str, str], kinds: KindsByType,
                 folder: Optional[str] = None):
        self.data, self.values, self.json_names, self.kinds = data, values, json_names, kinds
        self.folder = folder  # where the .pipe file goes: local code is looked for there
        self.raw: set = set()
        self.patches: Dict[str, dict] = {}
        self.name = ""
        self.step_json_name = ""  # the definition name of the step being read
        # the reading of each step in use (an index into its kind's `read_forms`), and how many
        # its kind offered
        self.forms: Dict[str, int] = {}
        self.form_counts: Dict[str, int] = {}
        # definition steps read as part of the step after them (StepKind.absorbs) -> that step
        self.absorbed_by: Dict[str, str] = {}
        # steps that absorbed one in their first reading: their later readings, without it,
        # are the kind's readings of the step alone, from the first (StepKind.absorbs)
        self.absorbing: set = set()
        self.before: Optional[dict] = None
        # (each reads the whole definition: once, not once per step that asks)
        self._bucket, self._region = _default_bucket(data, kinds), _region(data, kinds)
        # the SDK that wrote the definition: the kinds read their requests with its layouts
        self.flavour = _flavour(data)
        # a job name kept in a request: the pipeline was built with use_custom_job_prefix
        self._job_names = any(kind is not None and kind.job_name_key and kind.job_name_key in (s.get("Arguments") or {})
                              for s in all_steps(data.get("Steps", [])) for kind in (kinds.for_step(s),))

    def next_form(self, json_name: str) -> bool:
        """Use the step's next reading, if its kind offered one more."""
        current = self.forms.get(json_name, 0)
        if json_name in self.raw or current + 1 >= self.form_counts.get(json_name, 1):
            return False
        self.forms[json_name] = current + 1
        return True

    # --- what a kind's `read_step` is given (dsl.extension.kinds.StepKind.read_step) ----------------
    def value(self, value) -> str:
        """A JSON value's `.pipe` text (references, joins, JSON lookups, literals)."""
        return self.values.value(value)

    def fields(self, kind, arguments: dict, skip=()) -> List[str]:
        return _fields(self, kind, arguments, skip)

    def blocks(self, kind, arguments: dict) -> List[str]:
        return _blocks(self, kind, arguments)

    def condition(self, condition: dict) -> str:
        return _cond(self.values, condition)

    def code(self, uri) -> str:
        """A script's S3 URI as `.pipe` text: the local file's path when the URI is where a
        pipeline session uploads that file (`s3://BUCKET/PIPELINE/code/HASH/NAME`: the hash
        covers the path as written and the file's bytes), else the URI. The file is looked
        for under the output's folder: files of that name, links never followed, hidden
        folders skipped, at most `_CODE_SEARCH` entries looked at."""
        if self.folder is None or not isinstance(uri, str) or not self._bucket:
            return self.values.value(uri)
        import posixpath

        base = posixpath.basename(uri)
        if not uri.startswith(f"s3://{self._bucket}/{self.name}/code/") or base in ("", ".", ".."):
            return self.values.value(uri)
        for relative in _files_named(self.folder, base):
            if self.upload_uri([relative], base) == uri:
                return _string(relative)
        return self.values.value(uri)

    def project_files(self):
        """Paths (relative, with `/`) of the regular files under the output's folder, nearest
        first: links not followed, hidden folders skipped, at most `_CODE_SEARCH` entries."""
        return _files_named(self.folder, None) if self.folder is not None else iter(())

    def upload_uri(self, paths, name: str) -> Optional[str]:
        """Where a pipeline session uploads local code hashed over `paths` (relative to the
        output's folder) as `name`: `s3://BUCKET/PIPELINE/code/HASH/NAME`; None without a
        folder or a bucket."""
        if self.folder is None or not self._bucket:
            return None
        from dsl.semantics.localcode import code_uri

        try:
            return code_uri(self._bucket, self.name, list(paths), self.folder, name)
        except OSError:
            return None

    def local_code(self, uri, entry: str):
        """(source folder or None, entry point, dependencies) of the local code a framework
        estimator packed into `uri` (`s3://BUCKET/PIPELINE/code/HASH/sourcedir.tar.gz`), found
        under the output's folder as `code` finds a script: the lone script, or a folder holding
        it, with no dependency or one, whose hash is the key's. None when there is none."""
        if self.folder is None or not self._bucket or not isinstance(uri, str) or not isinstance(entry, str):
            return None
        if not (uri.startswith(f"s3://{self._bucket}/{self.name}/code/") and uri.endswith("/sourcedir.tar.gz")):
            return None
        import os
        import posixpath

        base = posixpath.basename(entry)
        # a dependency packed beside the code is not named in the definition: one entry of the
        # output's folder is tried as one (the common `dependencies = ["lib"]`)
        try:
            tops = sorted(e.name for e in os.scandir(self.folder) if not e.name.startswith(".")
                          and not e.is_symlink())[:_DEPENDENCY_SEARCH]
        except OSError:
            tops = []
        # (each try hashes the candidate: a big data folder is not one, and is not read)
        tops = [top for top in tops if _small(os.path.join(self.folder, top))]
        for relative in _files_named(self.folder, base):
            candidates = []
            if entry == base:
                candidates.append((None, relative, relative))  # the script alone
            if relative.endswith("/" + entry):
                source_dir = relative[: -len(entry) - 1]
                candidates.append((source_dir, entry, source_dir))  # the folder holding it
            for source_dir, entry_point, hashed in candidates:
                choices: List[List[str]] = [[]] + [[top] for top in tops if top != hashed.split("/")[0]]
                for dependencies in choices:
                    if self.upload_uri([hashed] + dependencies, "sourcedir.tar.gz") == uri:
                        return source_dir, entry_point, dependencies
        return None

    def step_name(self, json_name: str) -> str:
        return self.json_names[json_name]

    def default_bucket(self) -> Optional[str]:
        return self._bucket

    def region(self) -> Optional[str]:
        return self._region

    @staticmethod
    def name_text(name: str) -> str:
        """A name as `.pipe` text (in backquotes when it is a keyword)."""
        return pipe_name(name)

    @staticmethod
    def key_text(key: str) -> str:
        """A map key as `.pipe` text (quoted when it is not a name)."""
        return _key(key)

    def write(self, name: str, raw, patches) -> str:
        self.raw, self.patches, self.name = raw, patches, name
        for json_name in raw:  # a raw step is named as in the JSON: no kind appends a suffix to it
            self.json_names[json_name] = pipe_name(json_name)
        out = [f"pipeline {name} {{"]
        bucket = self._bucket
        if bucket:
            out.append(f"    default_bucket = {_string(bucket)}")
        region = self._region
        if region:
            out.append(f"    region = {_string(region)}")
        if self._job_names:
            out.append("    use_custom_job_prefix = true")
        if self.flavour == "v3":
            out.append("    sdk = 3")
        for param in self.data.get("Parameters", []) or []:
            out.append("    " + self.param(param))
        out += self.experiment()
        inside_raw: set = set()
        for step in all_steps(self.data["Steps"]):
            kind = self.kinds.for_step(step)
            if kind is not None and (step["Name"] in self.raw or step["Name"] in inside_raw):
                for which in kind.json_branches:
                    inside_raw.update(s["Name"] for s in all_steps(step["Arguments"].get(which, [])))
        self.values.hidden = {self.json_names[n] for n in inside_raw}
        self.absorbed_by = {}
        ordered = list(all_steps(self.data["Steps"]))
        by_name = {s["Name"]: s for s in ordered}
        for before, step in zip([None] + ordered, ordered):
            kind = self.kinds.for_step(step)
            if kind is None or self.forms.get(step["Name"], 0) != 0 or step["Name"] in self.raw | inside_raw:
                continue
            # a step collection's other step: right before its owner (SDK v2), or a step the
            # owner reads, which SDK v3's compiler writes last (its repack job)
            for other in [before] + [by_name[n] for n in _read_steps(step.get("Arguments")) if n in by_name]:
                if (other is not None and other is not step and other["Name"] not in self.raw | inside_raw
                        and other["Name"] not in self.absorbed_by and other["Name"] not in self.absorbing
                        and _absorbs(kind, other, step)):
                    self.absorbed_by[other["Name"]] = step["Name"]
                    self.absorbing.add(step["Name"])
                    break
        absorbed = {owner: name for name, owner in self.absorbed_by.items()}  # owner -> the step it reads with it
        self.lines: Dict[str, Tuple[int, int]] = {}
        for step in ordered:
            if step["Name"] in self.absorbed_by:
                continue  # written as part of the next step
            self.before = by_name[absorbed[step["Name"]]] if step["Name"] in absorbed else None
            if step["Name"] not in inside_raw:  # a raw condition holds its branches as written
                written = self.step(step)
                first = len(out) + 2
                out += ["", *written]
                self.lines[step["Name"]] = (first, len(out))
                if self.before is not None:
                    self.lines[self.before["Name"]] = (first, len(out))
        self.before = None
        out.append("}")
        return _lets_for_repeats("\n".join(out) + "\n")

    def param(self, param: dict) -> str:
        kind = param.get("Type", "String")
        text = f"param {pipe_name(param['Name'])}" + (f": {kind}" if kind != "String" or "EnumValues" in param else "")
        if "EnumValues" in param:
            text += f" in {self.values.value(param['EnumValues'])}"
        if "DefaultValue" in param:
            default = param["DefaultValue"]
            text += f" = {json.dumps(default) if not isinstance(default, str) else _string(default)}"
        return text

    def experiment(self) -> List[str]:
        if "PipelineExperimentConfig" not in self.data:
            return []
        config = self.data["PipelineExperimentConfig"]
        if config is None:
            return ["    experiment none"]
        parts = []
        if config.get("ExperimentName") != {"Get": "Execution.PipelineName"}:
            parts.append(f"name = {self.values.value(config.get('ExperimentName'))}")
        if config.get("TrialName") != {"Get": "Execution.PipelineExecutionId"}:
            parts.append(f"trial = {self.values.value(config.get('TrialName'))}")
        return ["    experiment { " + ", ".join(parts) + " }"] if parts else []

    def step(self, step: dict) -> List[str]:
        name = self.json_names[step["Name"]]
        kind = self.kinds.for_step(step)
        if step["Name"] in self.raw or kind is None or not isinstance(step.get("Arguments"), dict):
            return self.raw_step(step)
        from dsl.extension.plugin_manager import KindFailure

        self.step_json_name = step["Name"]
        try:
            forms = [list(form) for form in kind.read_forms(step, self)]
        except (KeyError, TypeError, AttributeError, IndexError, ValueError, KindFailure):
            forms = []
        if not forms:  # not the shape its kind writes: as given (and a step it absorbed too)
            before, self.before = self.before, None
            return (self.raw_step(before) + [""] if before is not None else []) + self.raw_step(step)
        # (the reading with the absorbed step was the first one: the step alone's come after it)
        offset = 1 if step["Name"] in self.absorbing and self.before is None else 0
        self.form_counts[step["Name"]] = len(forms) + offset
        members = forms[min(self.forms.get(step["Name"], 0) - offset, len(forms) - 1)]
        lines = [f"    step {name}: {kind.name} {{"] + [f"        {m}" for m in members + self.envelope(step)]
        patch = self.patches.get(step["Name"])
        if patch:
            lines.append(f"        arguments_patch = {self.values.value(patch)}")
        return lines + ["    }"]

    def envelope(self, step: dict) -> List[str]:
        out = []
        depends = step.get("DependsOn") or (self.before.get("DependsOn") if self.before is not None else None)
        if depends:
            # a step collection's names stand for it once: its absorbed step goes with its owner
            names = [d for d in depends if not (d in self.absorbed_by and self.absorbed_by[d] in depends)]
            out.append("depends_on = [" + ", ".join(self.json_names[d] for d in names) + "]")
        for key, field in (("DisplayName", "display_name"), ("Description", "description")):
            if key in step:
                out.append(f"{field} = {self.values.value(step[key])}")
        for policy in step.get("RetryPolicies", []) or []:
            fields = []
            for key, field in (("BackoffRate", "backoff_rate"), ("IntervalSeconds", "interval_seconds"),
                               ("MaxAttempts", "max_attempts"), ("ExpireAfterMin", "expire_after_min")):
                if key in policy:
                    fields.append(f"{field} = {json.dumps(policy[key])}")
            out.append("retry " + ", ".join(policy.get("ExceptionType", [])) + " { " + ", ".join(fields) + " }")
        cache = step.get("CacheConfig")
        if cache is not None:
            if "ExpireAfter" in cache and not cache.get("Enabled"):  # an expiry kept with caching off
                out.append(f"cache = {{ enabled: false, expire_after: {_string(cache['ExpireAfter'])} }}")
            else:
                out.append("cache = " + (_string(cache["ExpireAfter"]) if "ExpireAfter" in cache else
                                         ("true" if cache.get("Enabled") else "false")))
        return out

    def raw_step(self, step: dict) -> List[str]:
        name = self.json_names[step["Name"]]
        envelope_keys = {"Name", "Type", "Arguments", "DependsOn", "DisplayName", "Description", "RetryPolicies",
                         "CacheConfig"}
        arguments = step.get("Arguments", {})
        members = [f"type = {_string(step['Type'])}", f"arguments = {self.values.value(arguments)}"]
        extra = {k: v for k, v in step.items() if k not in envelope_keys}
        if extra:
            members.append(f"extra = {self.values.value(extra)}")
        kind = self.kinds.for_step(step)
        note = kind.raw_note(step) if kind is not None and kind.claims_some else None
        head = [f"    # pipedsl import: {line}" for line in (note or "").splitlines()]
        return head + [f"    step {name}: raw {{"] + [f"        {m}" for m in members + self.envelope(step)] + ["    }"]


_REPEATABLE = re.compile(r'^(\s*)(role|image_uri) = ("(?:[^"\\]|\\.)*")$', re.M)


def _lets_for_repeats(text: str) -> str:
    """A role ARN or image URI that several steps use becomes a `let`, written once."""
    counts: Dict[Tuple[str, str], int] = {}
    for match in _REPEATABLE.finditer(text):
        key = ("role" if match.group(2) == "role" else "image", match.group(3))
        counts[key] = counts.get(key, 0) + 1
    lets: dict = {}
    names: Dict[tuple, str] = {}
    for (base, literal), count in counts.items():
        if count > 1:
            name = base if base not in names.values() else f"{base}{sum(1 for n in names.values() if n.startswith(base)) + 1}"
            names[(base, literal)] = name
            lets[name] = literal
    if not lets:
        return text

    def replace(match):
        key = ("role" if match.group(2) == "role" else "image", match.group(3))
        return f"{match.group(1)}{match.group(2)} = {names[key]}" if key in names else match.group(0)

    header = "".join(f"let {name} = {literal}\n" for name, literal in lets.items()) + "\n"
    return header + _REPEATABLE.sub(replace, text)


def _default_pipeline_name(data: dict) -> Optional[str]:
    """The pipeline name in the SDK's default output paths, or in the keys a pipeline session
    uploads local code to (`s3://BUCKET/PIPELINE/code/HASH/`), when there are some; else the
    name a step's kind says its request was built for (`StepKind.pipeline_name_of`)."""
    text = json.dumps(data)
    found = (re.search(r'"Values": \["s3:/", "[^"]+", "([A-Za-z0-9-]+)"', text) or
             re.search(r's3://[^/"]+/([A-Za-z0-9-]+)/code/[0-9a-f]{64}/', text))
    if found:
        return found.group(1)
    return _said_by_a_kind(data, _kinds_by_type(), "pipeline_name_of",
                           lambda name: bool(re.fullmatch(r"[A-Za-z0-9-]+", name)))


def _said_by_a_kind(data: dict, kinds: KindsByType, hook: str, acceptable) -> Optional[str]:
    """The first text a step's kind says of its `Arguments` through `hook` (`bucket_of`,
    `pipeline_name_of`) that is `acceptable`; a hook that fails on a step says nothing."""
    from dsl.extension.plugin_manager import KindFailure

    for step in all_steps(data.get("Steps", [])):
        kind = kinds.for_step(step)
        try:
            said = getattr(kind, hook)(step.get("Arguments") or {}) if kind is not None else None
        except (KeyError, TypeError, AttributeError, IndexError, ValueError, KindFailure):
            said = None
        if isinstance(said, str) and said and acceptable(said):
            return said
    return None


def _region(data: dict, kinds: KindsByType) -> Optional[str]:
    """The region of a definition whose steps pick their image by region (quality and clarify
    checks, built-in Debugger rules): read from that image's registry host, so the imported
    file picks the same one."""
    from dsl.extension.plugin_manager import KindFailure

    for step in all_steps(data.get("Steps", [])):
        arguments = step.get("Arguments") if isinstance(step.get("Arguments"), dict) else {}
        images = []
        kind = kinds.for_step(step)
        if kind is not None and kind.region_image:  # (the kind's image is picked by region)
            images.append(str(_at_place(arguments, kind.region_image) or ""))
        for key in ("DebugRuleConfigurations", "ProfilerRuleConfigurations"):
            images += [str(rule.get("RuleEvaluatorImage", "")) for rule in arguments.get(key) or ()
                       if isinstance(rule, dict) and "/sagemaker-debugger-rules:" in str(rule.get("RuleEvaluatorImage"))]
        for image in images:
            match = re.search(r"\.dkr\.ecr\.([a-z0-9-]+)\.", image)
            if match:
                return match.group(1)
        try:
            region = kind.region_of(arguments) if kind is not None else None
        except (KeyError, TypeError, AttributeError, IndexError, ValueError, KindFailure):
            region = None  # (not the shape its kind writes: it says nothing)
        if isinstance(region, str) and region:
            return region
    return None


def _default_bucket(data: dict, kinds: Optional[KindsByType] = None) -> Optional[str]:
    """The bucket of the SDK's default paths (`s3://BUCKET/` output paths, `Std:Join` output
    destinations, the keys local code is uploaded to), when the definition has one; else the
    bucket a step's kind says its request was built with (`StepKind.bucket_of`)."""
    text = json.dumps(data)
    found = (re.search(r'"Values": \["s3:/", "([^"]+)"', text) or
             re.search(r'"S3OutputPath": "s3://([^"/]+)/"', text) or
             re.search(r'"S3OutputPath": "s3://([^"/]+)/[^"]*", "CompressionType": "GZIP"', text) or  # ModelTrainer's
             re.search(r's3://([^/"]+)/[A-Za-z0-9-]+/code/[0-9a-f]{64}/', text) or  # local code's uploads
             re.search(r's3://([^/"]+)/[A-Za-z0-9-]+-[0-9a-f]{64}/source/sourcedir\.tar\.gz', text) or  # a repack's
             re.search(r's3://([^/"]+)/sagemaker-scikit-learn-job/[^/"]+/input/code"', text))  # a v3 repack's
    if found or kinds is None:
        return found.group(1) if found else None
    return _said_by_a_kind(data, kinds, "bucket_of", lambda bucket: True)


# --- the kinds, read back ----------------------------------------------------------------------

def _fields(writer: _Writer, kind, arguments: dict, skip=()) -> List[str]:
    """`field = value` for each field of the kind whose declared JSON place holds a value
    that is not the SDK's default."""
    out = []
    for name, field in kind.fields.items():
        if not field.json or name in skip:
            continue
        value, ok = arguments, True
        for key in field.json.split("."):
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value = value[int(key)]
            else:
                ok = False
                break
        if ok and value != field.default:
            out.append(f"{name} = {writer.values.value(value)}")
    return out


def _at_place(arguments, place: str):
    value = arguments
    for key in place.split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def _blocks(writer: _Writer, kind, arguments: dict) -> List[str]:
    """`NAME { field = { key: value } }` for each block of the kind whose fields have declared
    JSON places (register_model's `model_metrics`): a JSON object's keys written in snake case
    (`S3Uri` -> `s3_uri`), as the block's map fields take them."""
    out = []
    for member, fields in kind.member_fields.items():
        if not member.startswith("block:"):
            continue
        found = []
        for name, field in fields.items():
            value = _at_place(arguments, field.json) if field.json else None
            if field.type == "map" and isinstance(value, str):  # a map the SDK writes as JSON text
                try:
                    found.append(f"{name} = {writer.values.value(json.loads(value))}")
                except ValueError:
                    pass
            elif isinstance(value, dict):
                pairs = ", ".join(f"{re.sub(r'(?<!^)(?=[A-Z])', '_', k).lower()}: {writer.values.value(v)}"
                                  for k, v in value.items())
                found.append(f"{name} = {{ {pairs} }}")
            elif value is not None:
                found.append(f"{name} = {writer.values.value(value)}")
        if found:
            out.append(f"{member[6:]} {{ " + ", ".join(found) + " }")
    return out


_COMPARE = {"Equals": "==", "GreaterThan": ">", "GreaterThanOrEqualTo": ">=", "LessThan": "<",
            "LessThanOrEqualTo": "<="}


def _cond(values: _Values, c: dict, inner: bool = False) -> str:
    kind = c.get("Type")
    if kind in _COMPARE and set(c) == {"Type", "LeftValue", "RightValue"}:
        return f"{values.value(c['LeftValue'])} {_COMPARE[kind]} {values.value(c['RightValue'])}"
    if kind == "In" and set(c) == {"Type", "QueryValue", "Values"}:
        return f"{values.value(c['QueryValue'])} in {values.value(c['Values'])}"
    if kind == "Not" and set(c) == {"Type", "Condition"}:
        sub = c["Condition"]
        if sub.get("Type") == "Equals" and set(sub) == {"Type", "LeftValue", "RightValue"}:
            return f"{values.value(sub['LeftValue'])} != {values.value(sub['RightValue'])}"
        if sub.get("Type") == "In" and set(sub) == {"Type", "QueryValue", "Values"}:
            return f"{values.value(sub['QueryValue'])} not in {values.value(sub['Values'])}"
        return f"not ({_cond(values, sub, True)})"
    if kind == "Or" and set(c) == {"Type", "Conditions"} and len(c["Conditions"]) > 1:
        text = " or ".join(f"({_cond(values, sub, True)})" for sub in c["Conditions"])
        return f"({text})" if inner else text
    return f"condition({values.value(c)})"
