"""Gradescope's `results.json`, as its autograder specification defines it.

One test per check (question, criterion), numbered exercise.check for ordering, tagged with its
exercise and kind. A check's visibility is the spec's own (`hidden` checks stay hidden from
students). The top-level `score` equals the sum of the tests' scores. What the student's code
printed goes into each test's output; the run's own stdout is for instructors only. Control
characters and bidirectional overrides in what the student wrote are shown as U+FFFD
(`grader.feedback.printable`), as in every report a person reads.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from grader import __version__
from grader.feedback import (
    PROVISIONAL_NOTE,
    check_message,
    failure_lines,
    points_text,
    points_value,
    printable_run,
    total_line,
)
from grader.results import CheckResult, ExerciseResult, GradingRun

MAX_OUTPUT_CHARS = 16_000  # per test, so that results.json stays well under its limits


def _test(exercise: ExerciseResult, check: CheckResult, number: str) -> dict[str, Any]:
    parts = []
    if exercise.problem is not None:
        parts.append("\n".join(failure_lines(exercise.problem)))
    message = check_message(check)
    if message:
        parts.append(message)
    if check.output:
        parts.append("Your code printed:\n" + check.output)
    output = "\n\n".join(parts)
    if len(output) > MAX_OUTPUT_CHARS:
        output = output[: MAX_OUTPUT_CHARS - 40] + "\n[output cut short]"
    return {
        "name": f"{exercise.id}: {check.title}",
        "number": number,
        "score": points_value(check.score),
        "max_score": points_value(check.max_score),
        "status": "passed" if check.status.passed else "failed",
        "output": output,
        "output_format": "text",
        "visibility": check.visibility,
        "tags": [exercise.id, exercise.kind],
    }


def as_dict(run: GradingRun) -> dict[str, Any]:
    """results.json as plain data."""
    run = printable_run(run)
    tests = []
    for n, exercise in enumerate(run.exercises, 1):
        for m, check in enumerate(exercise.checks, 1):
            tests.append(_test(exercise, check, f"{n}.{m}"))
    summary = [f"{run.day}: {run.title}", _visible_total(run)]
    if any(e.provisional for e in run.exercises):
        summary.append(PROVISIONAL_NOTE)
    for error in run.grader_errors:
        summary.append(f"Grader error (not the student's fault): {error.splitlines()[0]}")
    return {
        "score": points_value(run.score),
        "execution_time": round(run.duration, 2),
        "output": "\n".join(summary),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "grader_version": __version__,
            "day": run.day,
            "submission": run.submission,
            "max_score": points_value(run.max_score),
            "settings": dict(sorted(run.settings.items())),
            "grader_errors": list(run.grader_errors),
        },
    }


def _visible_total(run: GradingRun) -> str:
    """The summary's total; where hidden checks ran, of the public checks only, so that the
    visible summary does not give away the hidden tests' results."""
    public = [c for e in run.exercises for c in e.checks if not c.hidden]
    if len(public) == sum(len(e.checks) for e in run.exercises):
        return total_line(run)
    score = sum((c.score for c in public), Fraction(0))
    maximum = sum((c.max_score for c in public), Fraction(0))
    return (f"Public checks: {points_text(score)}/{points_text(maximum)}; hidden checks are "
            "counted in the score once it is published")


def render(run: GradingRun) -> str:
    return json.dumps(as_dict(run), indent=2, ensure_ascii=False) + "\n"


def failed_run(message: str) -> str:
    """A results.json for a run that could not grade at all: 0, and the reason, visible."""
    return json.dumps({
        "score": 0,
        "output": f"The autograder could not grade this submission: {message}",
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }, indent=2) + "\n"
