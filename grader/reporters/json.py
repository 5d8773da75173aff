"""The project's own JSON report: the whole run, every exercise, every check.

Top level `score`, `max_score`, `exercises` (each `id`, `score`, `max_score`, `checks`: each
`name`, `status`, `score`, `max_score`, `message`). The schema is published in
grader/schemas/results-v1.json. Points are exact in the model, in whole hundredths, so every total
is exact here and in every other format. Timings are the only fields that vary between runs.
Text is kept exactly as it was, but DEL, C1 controls and bidirectional overrides are written as
\\u escapes (as JSON writes the C0 controls), so that the report printed to a terminal cannot
drive it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from grader import __version__
from grader.feedback import check_message, failure_lines, points_value
from grader.results import ExerciseResult, GradingRun

SCHEMA_VERSION = 1
# what json.dumps leaves as it is but a terminal may obey (C0 controls it escapes itself)
_TERMINAL_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def as_dict(run: GradingRun) -> dict[str, Any]:
    """The report as plain data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "grader_version": __version__,
        "day": run.day,
        "title": run.title,
        "submission": run.submission,
        "score": points_value(run.score),
        "max_score": points_value(run.max_score),
        "passed": run.passed,
        "exercises": [_exercise(e) for e in run.exercises],
        "grader_errors": list(run.grader_errors),
        "settings": dict(sorted(run.settings.items())),
        "duration": round(run.duration, 3),
    }


def _exercise(exercise: ExerciseResult) -> dict[str, Any]:
    return {
        "id": exercise.id,
        "title": exercise.title,
        "kind": exercise.kind,
        "file": exercise.file,
        "score": points_value(exercise.score),
        "max_score": points_value(exercise.max_score),
        "passed": exercise.passed,
        "provisional": exercise.provisional,
        "problem": "\n".join(failure_lines(exercise.problem)) if exercise.problem else None,
        "hint": exercise.hint,
        "notes": list(exercise.notes),
        "hidden_absent": exercise.hidden_absent,
        "duration": round(exercise.duration, 3),
        "checks": [
            {
                "id": check.id,
                "name": check.title,
                "status": check.status.value,
                "score": points_value(check.score),
                "max_score": points_value(check.max_score),
                "message": check_message(check),
                "output": check.output,
                "visibility": check.visibility,
                "duration": round(check.duration, 3),
            }
            for check in exercise.checks
        ],
    }


def render(run: GradingRun, ascii_only: bool = False) -> str:
    """The report as JSON text."""
    text = json.dumps(as_dict(run), indent=2, ensure_ascii=ascii_only)
    # inside strings only (JSON's own syntax is ASCII): the same text once parsed
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def without_timings(report: Any) -> Any:
    """A report with every `duration` removed: what must be identical between two runs."""
    if isinstance(report, dict):
        return {k: without_timings(v) for k, v in report.items() if k != "duration"}
    if isinstance(report, list):
        return [without_timings(v) for v in report]
    return report
