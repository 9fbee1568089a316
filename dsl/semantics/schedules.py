"""`schedule` members: the SDK's `PipelineSchedule` triggers (LANGUAGE.md section 16).

A schedule is not part of the definition: `deploy` keeps the EventBridge Scheduler schedules
that target the pipeline in step with the file (creates, updates, removes), the `sdk` emitter
writes `PipelineSchedule(...)` objects and the `put_triggers` call, and the docs list them.
The fields are declared once here; the expression is the SDK's `resolve_schedule_expression`.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Iterator, List, Optional

import attrs

from dsl.diagnostics import Diagnostic, did_you_mean, error
from dsl.extension.kinds import Field
from dsl.syntax import ir

FIELDS = {
    "cron": Field("string", doc='a cron expression: "minutes hours day-of-month month day-of-week year", '
                                'e.g. "0 2 * * ? *" (written `cron(...)`)'),
    "rate": Field("string", doc='a rate: "VALUE UNIT", UNIT one of minute(s), hour(s), day(s), e.g. "12 hours" '
                                '(written `rate(...)`)'),
    "at": Field("string", doc='one time, in UTC: "YYYY-MM-DDTHH:MM:SS" (written `at(...)`)'),
    "enabled": Field("boolean", default=True, doc="ENABLED or DISABLED"),
    "start_date": Field("string", doc='when it may first run, in UTC: "YYYY-MM-DDTHH:MM:SS" (default: at once; '
                                      "the SDK sends the time of the call)"),
    "role": Field("string", doc="the role EventBridge Scheduler assumes to start the pipeline (default: the "
                                "pipeline's `role`, or `deploy --role`)"),
}
EXPRESSIONS = ("cron", "rate", "at")
# EventBridge Scheduler's rules
NAME = re.compile(r"[0-9a-zA-Z\-_.]{1,64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_RATE = re.compile(r"([1-9][0-9]*) (minute|minutes|hour|hours|day|days)")
_CRON_FIELDS = 6


@attrs.frozen
class Schedule:
    """A schedule as `deploy` creates it (the request's values)."""

    name: str
    enabled: bool
    start_date: Optional[_dt.datetime]
    role: Optional[str]  # None: the role `deploy` uses for the pipeline
    # the value each field was written as, for the SDK code (`rate` is the SDK's tuple)
    cron: Optional[str] = None
    rate: Optional[tuple] = None
    at: Optional[_dt.datetime] = None

    @property
    def expression(self) -> str:
        """The SDK's `resolve_schedule_expression()`: `cron(...)`, `rate(N unit)` or `at(...)`."""
        if self.cron is not None:
            return f"cron({self.cron})"
        if self.rate is not None:
            return f"rate({self.rate[0]} {self.rate[1]})"
        return f"at({self.at.strftime('%Y-%m-%dT%H:%M:%S')})" if self.at is not None else ""


def _time(text: object) -> Optional[_dt.datetime]:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        return None
    try:
        return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def resolved(program) -> List[Schedule]:
    """The pipeline's schedules (after `check`: each has one literal expression)."""
    out = []
    for node in program.pipeline.schedules:
        values = {a.name: program.literal(a.value) for a in node.attributes if a.name in FIELDS}
        cron, rate, at = values.get("cron"), values.get("rate"), _time(values.get("at"))
        if cron is None and rate is not None:
            count, unit = str(rate).split(" ", 1)
            rate = (int(count), unit)
        out.append(Schedule(name=node.name or program.name,
                            enabled=values.get("enabled", True) is not False,
                            start_date=_time(values.get("start_date")), role=values.get("role"),
                            cron=cron, rate=rate, at=at))
    return out


def check(checker) -> Iterator[Diagnostic]:
    """What EventBridge Scheduler or the SDK's `put_triggers` would refuse, at the member."""
    program = checker.program
    seen: dict = {}
    for node in program.pipeline.schedules:
        where = node.name_span or node.span.start()
        name = node.name or program.name
        if name in seen:
            yield error("E0109", f"two schedules are named {name!r}", where, "again here",
                        "name each `schedule` (without a name it is the pipeline's)",
                        notes=[(seen[name], "first here")])
        seen.setdefault(name, where)
        if node.name is not None and not NAME.fullmatch(node.name):
            yield error("E0107", f"{node.name!r} is not a valid schedule name", where, "breaks the service's rule",
                        "schedule names are 1-64 letters, digits, `-`, `_` and `.`")
        checker.attributes(node.attributes, FIELDS, "a `schedule`")
        given = [a for a in node.attributes if a.name in EXPRESSIONS]
        if not given:
            yield error("E0303", "a `schedule` needs one of `cron`, `rate` or `at`", where, "no expression",
                        'e.g. cron = "0 2 * * ? *" (02:00 UTC every day)')
        for extra in given[1:]:
            yield error("E0304", "a `schedule` takes one of `cron`, `rate` and `at`", extra.name_span,
                        "a second expression", "the SDK refuses more than one (one schedule each)")
        for attribute in node.attributes:
            if attribute.name not in FIELDS:
                continue
            value = program.literal(attribute.value)
            if value is None and not (isinstance(attribute.value, ir.Literal) and attribute.value.value is None):
                yield error("E0304", f"a schedule's `{attribute.name}` must be known when the file is deployed",
                            attribute.value.span, "not a literal", "a literal, a `let` or a `var`")
                continue
            problem = _problem(attribute.name, value)
            if problem:
                yield error("E0304", problem[0], attribute.value.span, "not accepted", problem[1])
    if program.pipeline.schedules:
        for param in program.pipeline.params:
            if param.default is None:
                yield error("E0303", f"parameter `{param.name}` needs a default: a scheduled execution cannot "
                            "set parameters", param.name_span, "no default",
                            "the SDK's put_triggers refuses parameters without defaults")


def _problem(name: str, value) -> Optional[tuple]:
    """(message, hint) when a literal value is refused, else None."""
    if name == "cron" and isinstance(value, str) and len(value.split()) != _CRON_FIELDS:
        return (f"a cron expression has {_CRON_FIELDS} fields, this has {len(value.split())}",
                'minutes hours day-of-month month day-of-week year, e.g. "0 2 * * ? *"')
    if name == "rate" and isinstance(value, str) and not _RATE.fullmatch(value):
        unit = value.split(" ")[-1]
        return (f"{value!r} is not a rate", did_you_mean(unit, ("minutes", "hours", "days")) or
                'a positive whole number and minute(s), hour(s) or day(s), e.g. "12 hours"')
    if name in ("at", "start_date") and isinstance(value, str) and _time(value) is None:
        return (f"{value!r} is not a time", 'UTC, "YYYY-MM-DDTHH:MM:SS", e.g. "2026-12-24T08:00:00"')
    return None
