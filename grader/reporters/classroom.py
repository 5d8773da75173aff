"""GitHub Classroom: the result its grading reporter reads from a grader step.

The reporter action (classroom-resources/autograding-grading-reporter) reads, for each runner
step id, the step output `result`: this JSON, base64-encoded. It sums `tests[].score` for the
points Classroom records, against `max_score`. Each check is a test with its own points (not
an equal split), so Classroom's total is the grader's. Hidden checks keep their points but not
their names, messages, code or place: a workflow's log is visible to the student.

The workflow hands the encoded result to the reporter in an environment variable, and Linux
refuses to start a process with one over 128 KiB; so the result is kept under RESULT_BUDGET
bytes, giving up the checks' code first, then the length of their messages. The reporter prints
the messages in the workflow's log, which obeys escape codes: control characters and
bidirectional overrides in what the student wrote are shown as U+FFFD
(`grader.feedback.printable`).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from grader.feedback import check_message, failure_lines, points_value, printable_run
from grader.results import CheckResult, ExerciseResult, GradingRun, Status

VERSION = 1
MAX_MESSAGE_CHARS = 1_000
MAX_CODE_CHARS = 1_000
RESULT_BUDGET = 72_000  # bytes of JSON; base64 makes it 96,000
_SHORT_MESSAGE_CHARS = 200

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
        filename, line = "", 0
    else:
        name, code = f"{exercise.id}: {check.title}", _cut(check.code, MAX_CODE_CHARS)
        message = check_message(check)
        if exercise.problem is not None:
            message = "\n".join(failure_lines(exercise.problem)) + "\n" + message
        message = _cut(message, MAX_MESSAGE_CHARS)
        filename, line = check.file, check.line
    return {
        "name": name,
        "status": _STATUS[check.status],
        "score": points_value(check.score),
        "message": message,
        "test_code": code,
        "filename": filename,
        "line_no": line,
        "duration": round(check.duration, 3),
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 12] + "\n[cut short]"


def _size(result: dict[str, Any]) -> int:
    return len(json.dumps(result, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _within_budget(result: dict[str, Any]) -> dict[str, Any]:
    """Shrink the tests' code, then their messages, until the result fits RESULT_BUDGET."""
    shrinks = (("test_code", 0), ("message", _SHORT_MESSAGE_CHARS), ("message", 0))
    for field, limit in shrinks:
        if _size(result) <= RESULT_BUDGET:
            break
        for test in result["tests"]:
            test[field] = _cut(test[field], limit) if limit else ""
    return result


def as_dict(run: GradingRun) -> dict[str, Any]:
    """The runner result as plain data."""
    run = printable_run(run)
    tests = [
        _test(exercise, check, n)
        for exercise in run.exercises
        for n, check in enumerate(exercise.checks, 1)
    ]
    status = "error" if run.grader_errors else ("pass" if run.passed else "fail")
    return _within_budget({
        "version": VERSION,
        "status": status,
        "max_score": points_value(run.max_score),
        "tests": tests,
    })


def render(run: GradingRun) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"


def encoded(run: GradingRun) -> str:
    """The result as the reporter reads it: compact JSON, base64-encoded."""
    compact = json.dumps(as_dict(run), separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(compact.encode("utf-8")).decode("ascii")
