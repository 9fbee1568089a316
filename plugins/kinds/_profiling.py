"""Framework profiling of a training job: `profiler_config = { framework_profile_params: {…} }`,
the SDK's `FrameworkProfile` (sagemaker.debugger.framework_profile and metrics_config), written
into `ProfilerConfig.ProfilingParameters` as the SDK writes it: the trace file settings as
strings, and each metrics config as the SDK's own dict-like string
(`"{\"StartStep\": 5, \"NumSteps\": 1, }"`, trailing comma included).

    profiler_config = {
        system_monitor_interval_millis: 500,
        framework_profile_params: {
            start_step: 5, num_steps: 10,             # one range for every metric, or:
            python_profiling_config: { start_step: 3, python_profiler: "cprofile", cprofile_timer: "cpu_time" },
        },
    }
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from dsl.diagnostics import did_you_mean, error
from dsl.syntax import ir

# (the .pipe key, the SDK class, the ProfilingParameters key, the default start step, steps)
METRICS: Tuple[Tuple[str, str, str, int, int], ...] = (
    ("detailed_profiling_config", "DetailedProfilingConfig", "DetailedProfilingConfig", 5, 1),
    ("dataloader_profiling_config", "DataloaderProfilingConfig", "DataloaderProfilingConfig", 7, 1),
    ("python_profiling_config", "PythonProfilingConfig", "PythonProfilingConfig", 9, 3),
    ("horovod_profiling_config", "HorovodProfilingConfig", "HorovodProfilingConfig", 13, 1),
    ("smdataparallel_profiling_config", "SMDataParallelProfilingConfig", "SMDataParallelProfilingConfig", 15, 1),
)
RANGE_KEYS = {"start_step": "integer", "num_steps": "integer", "start_unix_time": "integer", "duration": "number"}
TRACE_KEYS = {"local_path": ("string", "LocalPath", "/opt/ml/output/profiler"),
              "file_max_size": ("integer", "RotateMaxFileSizeInBytes", 10485760),
              "file_close_interval": ("number", "RotateFileCloseIntervalInSeconds", 60),
              "file_open_fail_threshold": ("integer", "FileOpenFailThreshold", 50)}
PROFILE_KEYS = {**{k: v[0] for k, v in TRACE_KEYS.items()}, **RANGE_KEYS, **{m[0]: "map" for m in METRICS}}
METRIC_KEYS = {"dataloader_profiling_config": {**RANGE_KEYS, "metrics_regex": "string"},
               "python_profiling_config": {**RANGE_KEYS, "python_profiler": "string", "cprofile_timer": "string"}}
PYTHON_PROFILERS = ("cprofile", "pyinstrument")
CPROFILE_TIMERS = ("total_time", "cpu_time", "off_cpu_time", "default")
SDK_IMPORTS = ("FrameworkProfile", "DetailedProfilingConfig", "DataloaderProfilingConfig", "PythonProfilingConfig",
               "HorovodProfilingConfig", "SMDataParallelProfilingConfig", "PythonProfiler", "cProfileTimer")


def _dict_string(config: dict) -> str:
    """`sagemaker.debugger.utils.convert_json_config_to_string`."""
    out = "{"
    for key, value in config.items():
        out += f'"{key}": ' + (f'"{value}"' if isinstance(value, str) else str(value)) + ", "
    return out + "}"


def _range(given: dict) -> dict:
    """`StepRange` / `TimeRange` of one metrics config."""
    if "start_step" in given or "num_steps" in given:
        start, steps = given.get("start_step"), given.get("num_steps")
        if start is None:
            start = 0
        elif steps is None:
            steps = 1
        return {"StartStep": start, "NumSteps": steps}
    return {**({"StartTimeInSecSinceEpoch": given["start_unix_time"]} if "start_unix_time" in given else {}),
            **({"Duration": given["duration"]} if "duration" in given else {})}


def _metric(key: str, given: dict, default_steps: bool) -> str:
    """One metrics config's string (`MetricsConfigBase.to_json_string`)."""
    _, _, _, start, steps = next(m for m in METRICS if m[0] == key)
    ranged = {k: v for k, v in given.items() if k in RANGE_KEYS}
    if default_steps or not ranged:
        ranged = {"start_step": start, "num_steps": steps}
    out = _range(ranged)
    if key == "dataloader_profiling_config":
        out["MetricsRegex"] = given.get("metrics_regex", ".*")
    if key == "python_profiling_config":
        profiler = given.get("python_profiler", "cprofile")
        out["ProfilerName"] = profiler
        if profiler != "pyinstrument":
            out["cProfileTimer"] = "default" if default_steps else given.get("cprofile_timer", "total_time")
    return _dict_string(out)


def profiling_parameters(params: dict) -> Dict[str, object]:
    """`FrameworkProfile(**params).profiling_parameters` for literal `params`."""
    out: Dict[str, object] = {}
    for key, (_, place, default) in TRACE_KEYS.items():
        value = params.get(key, default)
        out[place] = value if key == "local_path" else str(value)
    custom = [m for m in METRICS if params.get(m[0]) is not None]
    if custom:
        for key, _, place, _, _ in custom:
            out[place] = _metric(key, params[key] or {}, False)
        return out
    ranged = {k: v for k, v in params.items() if k in RANGE_KEYS}
    for key, _, place, _, _ in METRICS:
        out[place] = _metric(key, ranged, not ranged) if ranged else _metric(key, {}, True)
    return out


def check(expr, program, span) -> List:
    """Problems of `framework_profile_params`: keys, types, values the SDK asserts."""
    target = program.follow(expr)
    if not isinstance(target, ir.MapExpr):
        return [error("E0304", "`framework_profile_params` is a map of FrameworkProfile's settings", span,
                      "not a map", "e.g. { start_step: 5, num_steps: 10 }")]
    out = []
    literal = program.literal(target)
    if not isinstance(literal, dict):
        return [error("E0304", "`framework_profile_params` must be literal", span, "not known before running")]
    for entry in target.entries:
        if entry.key not in PROFILE_KEYS:
            out.append(error("E0302", f"unknown key `{entry.key}` in `framework_profile_params`", entry.key_span,
                             "unknown key", did_you_mean(entry.key, PROFILE_KEYS) or "keys: " + ", ".join(PROFILE_KEYS)))
        elif PROFILE_KEYS[entry.key] == "map":
            out += _check_metric(entry, program)
    out += _check_range(literal, target, span)
    for key, (kind, _, _) in TRACE_KEYS.items():
        value = literal.get(key)
        if key in literal and (kind != "string" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                                     or value <= 0 or kind == "integer" and not isinstance(value, int))
                               or kind == "string" and not isinstance(value, str)):
            out.append(error("E0304", f"`{key}` must be a positive {'integer' if kind == 'integer' else kind}",
                             _span_of(target, key, span), "refused by the SDK"))
    return out


def _check_metric(entry, program) -> List:
    value = program.follow(entry.value)
    if not isinstance(value, ir.MapExpr):
        return [error("E0304", f"`{entry.key}` is a map ({{}} for the SDK's defaults)", entry.key_span, "not a map")]
    allowed = METRIC_KEYS.get(entry.key, RANGE_KEYS)
    out = []
    for inner in value.entries:
        if inner.key not in allowed:
            out.append(error("E0302", f"unknown key `{inner.key}` in `{entry.key}`", inner.key_span, "unknown key",
                             did_you_mean(inner.key, allowed) or "keys: " + ", ".join(allowed)))
    literal = program.literal(value) or {}
    for key, choices in (("python_profiler", PYTHON_PROFILERS), ("cprofile_timer", CPROFILE_TIMERS)):
        if key in literal and literal[key] not in choices:
            out.append(error("E0304", f"`{key}` is one of " + ", ".join(f'"{c}"' for c in choices),
                             _span_of(value, key, entry.key_span), "not one of them"))
    return out + _check_range(literal, value, entry.key_span)


def _check_range(literal: dict, target, span) -> List:
    steps = [k for k in ("start_step", "num_steps") if k in literal]
    times = [k for k in ("start_unix_time", "duration") if k in literal]
    out = []
    if steps and times:
        out.append(error("E0304", "a step range and a time range are exclusive", _span_of(target, times[0], span),
                         "given with " + steps[0], "profile by steps (start_step, num_steps) or by time "
                         "(start_unix_time, duration)"))
    for key in steps + times:
        value = literal[key]
        wrong = isinstance(value, bool) or not isinstance(value, (int, float)) or \
            key != "duration" and not isinstance(value, int) or value < (0 if key == "start_step" else 1)
        if wrong:
            out.append(error("E0304", f"`{key}` must be {'a number' if key == 'duration' else 'an integer'} "
                             f"{'of 0 or more' if key == 'start_step' else 'above 0'}", _span_of(target, key, span),
                             "refused by the SDK"))
    return out


def _span_of(target, key: str, default):
    for entry in getattr(target, "entries", ()):
        if entry.key == key:
            return entry.value.span
    return default


def sdk_code(expr, program, ctx) -> str:
    """`FrameworkProfile(...)` for a literal `framework_profile_params`."""
    params = program.literal(program.follow(expr)) or {}
    args = []
    for key, value in params.items():
        metric = next((m for m in METRICS if m[0] == key), None)
        if metric is None:
            args.append(f"{key}={value!r}")
            continue
        inner = []
        for name, setting in (value or {}).items():
            if name == "python_profiler":
                inner.append(f"python_profiler={ctx.imp('PythonProfiler')}.{setting.upper()}")
            elif name == "cprofile_timer":
                inner.append(f"cprofile_timer={ctx.imp('cProfileTimer')}.{setting.upper()}")
            else:
                inner.append(f"{name}={setting!r}")
        args.append(f"{key}={ctx.imp(metric[1])}({', '.join(inner)})")
    return f"{ctx.imp('FrameworkProfile')}({', '.join(args)})"


def read(parameters: dict) -> Optional[dict]:
    """Import: the `framework_profile_params` that give `parameters` (every metrics config
    written out), or None when they are not the SDK's FrameworkProfile shape."""
    import ast

    out: dict = {}
    for key, (_, place, default) in TRACE_KEYS.items():
        value = parameters.get(place)
        if key != "local_path":
            if not isinstance(value, str) or not value.replace(".", "", 1).isdigit():
                return None
            value = float(value) if "." in value else int(value)
        if value != default:
            out[key] = value
    for key, _, place, _, _ in METRICS:
        text = parameters.get(place)
        if text is None:
            continue
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
        names = {"StartStep": "start_step", "NumSteps": "num_steps", "StartTimeInSecSinceEpoch": "start_unix_time",
                 "Duration": "duration", "MetricsRegex": "metrics_regex", "ProfilerName": "python_profiler",
                 "cProfileTimer": "cprofile_timer"}
        if not isinstance(parsed, dict) or set(parsed) - set(names):
            return None
        out[key] = {names[k]: v for k, v in parsed.items()}
    if set(parameters) - {p[1] for p in TRACE_KEYS.values()} - {m[2] for m in METRICS}:
        return None
    if profiling_parameters(out) != parameters:
        return None
    return out
