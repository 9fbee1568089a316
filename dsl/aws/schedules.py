"""`deploy` and `diff` for `schedule` members: EventBridge Scheduler schedules that start the
pipeline, created and updated as the SDK's `Pipeline.put_triggers` does (update, else create,
in the default group, no flexible window, no parameters) and removed when the file no longer
declares them.

Removal touches only what pipedsl made: a schedule it creates carries the description
`MARK + pipeline name`, and a schedule that targets the pipeline without it (made in the
console, or by the SDK) is left alone, so a first `deploy` never deletes someone's schedule.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional, Tuple

from dsl.aws.commands import AwsProblem, NotFound, call, client, shown
from dsl.semantics.schedules import Schedule, resolved

MARK = "pipedsl: a schedule of pipeline "


def requests(program, role: str, arn: str) -> Dict[str, dict]:
    """name -> the CreateSchedule/UpdateSchedule request of each schedule the file declares."""
    out = {}
    for schedule in resolved(program):
        out[schedule.name] = request(schedule, program.name, role, arn)
    return out


def request(schedule: Schedule, pipeline: str, role: str, arn: str) -> dict:
    out: Dict[str, Any] = {"Name": schedule.name, "ScheduleExpression": schedule.expression,
           "FlexibleTimeWindow": {"Mode": "OFF"},
           "Target": {"Arn": arn, "SageMakerPipelineParameters": {}, "RoleArn": schedule.role or role},
           "State": "ENABLED" if schedule.enabled else "DISABLED", "Description": MARK + pipeline}
    if schedule.start_date is not None:
        out["StartDate"] = schedule.start_date.replace(tzinfo=_dt.timezone.utc)
    return out


def deployed(scheduler, arn: str) -> Dict[str, dict]:
    """name -> `get_schedule` of each schedule in the default group that starts `arn`."""
    out: Dict[str, dict] = {}
    token: Optional[str] = None
    while True:
        page = call(scheduler.list_schedules, GroupName="default", **({"NextToken": token} if token else {}))
        for summary in page.get("Schedules", []):
            if (summary.get("Target") or {}).get("Arn") == arn:
                try:
                    out[summary["Name"]] = call(scheduler.get_schedule, Name=summary["Name"])
                except NotFound:  # (removed meanwhile)
                    pass
        token = page.get("NextToken")
        if not token:
            return out


def _utc(value) -> Optional[_dt.datetime]:
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.timezone.utc) if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
    return None


def _differs(wanted: dict, have: dict) -> List[str]:
    """What of a deployed schedule differs from the request (the words for the plan)."""
    out = []
    if have.get("ScheduleExpression") != wanted["ScheduleExpression"]:
        out.append(f"{have.get('ScheduleExpression')} -> {wanted['ScheduleExpression']}")
    if have.get("State") != wanted["State"]:
        out.append(f"{have.get('State')} -> {wanted['State']}")
    if (have.get("Target") or {}).get("RoleArn") != wanted["Target"]["RoleArn"]:
        out.append("role")
    if "StartDate" in wanted and _utc(have.get("StartDate")) != wanted["StartDate"]:
        out.append("start date")
    if have.get("Description") != wanted["Description"]:
        out.append("taken over by pipedsl")
    return out


def plan(wanted: Dict[str, dict], have: Dict[str, dict]) -> List[Tuple[str, str, str]]:
    """(verb, name, words) for each schedule change: create, update, remove."""
    out = []
    for name, req in wanted.items():
        if name not in have:
            out.append(("create", name, req["ScheduleExpression"]))
        else:
            differs = _differs(req, have[name])
            if differs:
                out.append(("update", name, ", ".join(differs)))
    for name, schedule in have.items():
        if name not in wanted and str(schedule.get("Description") or "").startswith(MARK):
            out.append(("remove", name, str(schedule.get("ScheduleExpression"))))
    return out


def plan_lines(changes) -> List[str]:
    words = {"create": "created", "update": "updated", "remove": "removed"}
    return [f"  schedule {shown(name)}: {words[verb]} ({shown(what)})" for verb, name, what in changes]


def apply(scheduler, wanted: Dict[str, dict], changes, streams) -> None:
    for verb, name, _ in changes:
        if verb == "remove":
            try:
                call(scheduler.delete_schedule, Name=name)
            except NotFound:
                pass
            streams.out(f"removed schedule {shown(name)}\n")
            continue
        req = wanted[name]
        if verb == "update":
            response = call(scheduler.update_schedule, **req)
        else:
            # (the SDK's upsert would update a schedule of that name that starts something else:
            # pipedsl creates, and refuses to take over another target's schedule)
            try:
                response = call(scheduler.create_schedule, **req)
            except AwsProblem as problem:
                if problem.code not in ("ConflictException", "ScheduleExists"):
                    raise
                raise AwsProblem(f"schedule {name!r} already exists and starts something other than this pipeline: "
                                 "give the `schedule` another name", 1, problem.code) from None
        streams.out(f"{'created' if verb == 'create' else 'updated'} schedule {shown(response.get('ScheduleArn', name))}\n")


def scheduler_client(args):
    return client(args, "scheduler")
