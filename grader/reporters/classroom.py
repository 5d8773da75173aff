"""GitHub Classroom: the result its grading reporter reads from a grader step.

The reporter action (classroom-resources/autograding-grading-reporter) reads, for each runner
step id, the step output `result`: this JSON, base64-encoded. It sums `tests[].score` for the
points Classroom records, against `max_score`. Each check is a test with its own points (not
an equal split), so Classroom's total is the grader's. Hidden checks keep their points but not
their names, messages or code: a workflow's log is visible to the student.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from grader.feedback import check_message, failure_lines, points_value
from grader.results import CheckResult, ExerciseResult, GradingRun, Status

VERSION = 1
MAX_MESSAGE_CHARS = 4_000

_STATUS = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.NOT_IMPLEMENTED: "fail",
    Status.ERROR: "error",
    Status.TIMEOUT: "error",
}


def _test(exercise: ExerciseResult, check: CheckResult, number: int) -> dict[str, Any]:
    if check.hidden:
        name, message, code = f"{exercise.id}: hidden check {number}", "", ""
    else:
        name, code = f"{exercise.id}: {check.title}", check.code
        message = check_message(check)
        if exercise.problem is not None:
            message = "\n".join(failure_lines(exercise.problem)) + "\n" + message
        message = message[:MAX_MESSAGE_CHARS]
    return {
        "name": name,
        "status": _STATUS[check.status],
        "score": points_value(check.score),
        "message": message,
        "test_code": code,
        "filename": check.file,
        "line_no": check.line,
        "duration": round(check.duration, 3),
    }


def as_dict(run: GradingRun) -> dict[str, Any]:
    """The runner result as plain data."""
    tests = [
        _test(exercise, check, n)
        for exercise in run.exercises
        for n, check in enumerate(exercise.checks, 1)
    ]
    status = "error" if run.grader_errors else ("pass" if run.passed else "fail")
    return {
        "version": VERSION,
        "status": status,
        "max_score": points_value(run.max_score),
        "tests": tests,
    }


def render(run: GradingRun) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"


def encoded(run: GradingRun) -> str:
    """The result as the reporter reads it: compact JSON, base64-encoded."""
    compact = json.dumps(as_dict(run), separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(compact.encode("utf-8")).decode("ascii")
