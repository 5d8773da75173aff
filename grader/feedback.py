"""Results in the student's words: what was called, what was expected, what came back.

Every reporter words checks and exercises through these functions, so that a message reads the
same in the terminal, in JSON and on a grading platform.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, GradingRun, Status

MAX_MESSAGE_CHARS = 4000
PROVISIONAL_NOTE = "Essay scores are provisional: your instructor may change them."
FORGOTTEN_RETURN = "Did you forget a `return`? A function that ends without one returns None."

# What a terminal (or a page) would obey rather than show: C0 controls but tab and newline,
# DEL, C1 controls, and the bidirectional embeddings, overrides and isolates that reorder text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_RUNNER_COMMAND = re.compile(r"^([ \t]*)::", re.MULTILINE)


def printable(text: str) -> str:
    """`text` safe to show a person: every control character (C0 but tab and newline, DEL, C1)
    and bidirectional override replaced by U+FFFD, so that a student's output can neither move
    the cursor, clear the screen nor reorder what follows. Windows line ends become newlines.
    A line that would start with `::` gets U+FFFD before it too: CI logs (GitHub Actions) read
    such lines as commands to the runner."""
    text = _UNPRINTABLE.sub("\ufffd", text.replace("\r\n", "\n"))
    return _RUNNER_COMMAND.sub("\\1\ufffd::", text)


def with_text(run: GradingRun, change: Callable[[str], str]) -> GradingRun:
    """`run` with `change` applied to every piece of text in it: titles, messages, tracebacks,
    output, feedback, notes (statuses and points are left as they are)."""
    return _with_text(run, change)  # type: ignore[no-any-return]


def _with_text(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return change(value)
    if isinstance(value, tuple):
        return tuple(_with_text(item, change) for item in value)
    if isinstance(value, dict):
        return {key: _with_text(item, change) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{
            f.name: _with_text(getattr(value, f.name), change)
            for f in dataclasses.fields(value) if f.init})
    return value


# the note the grader adds where it kept only the start of what a check printed
_OUTPUT_CUT = re.compile(r"\n?\[output truncated: ([\d,]+) more bytes not shown\]\s*\Z")


def kept_output(output: str) -> tuple[str, str | None]:
    """What a check printed, as kept, without the grader's note that the rest was not kept;
    and the number of bytes not kept, as the note wrote it ("32,506"), or None."""
    cut = _OUTPUT_CUT.search(output)
    return (output[: cut.start()], cut.group(1)) if cut else (output, None)


def printable_run(run: GradingRun) -> GradingRun:
    """`run` with all its text made `printable`: what a human-readable report renders."""
    return with_text(run, printable)


def points_value(points: Fraction) -> int | float:
    """Points as a JSON number: whole numbers stay ints, others are rounded once, to 2 places."""
    return int(points) if points.denominator == 1 else round(float(points), 2)


def points_text(points: Fraction) -> str:
    value = points_value(points)
    return str(value) if isinstance(value, int) else f"{value:g}"


def failure_lines(failure: Failure) -> list[str]:
    """A failure as lines of text, most important first."""
    lines = [failure.summary]
    said = failure.summary
    if _returned_none(failure):
        lines.append(FORGOTTEN_RETURN)
    if failure.expected is not None and failure.expected not in said:
        lines.append(f"expected: {failure.expected}")
    if failure.got is not None and failure.got not in said and failure.kind not in (
        FailureKind.UNPARSEABLE_ANSWER, FailureKind.WRONG_ANSWER
    ):
        lines.append(f"got: {failure.got}")
    if failure.example:
        lines.append("failing example (the smallest input found):")
        lines.extend("  " + line for line in failure.example.splitlines())
    if failure.traceback:
        lines.extend(failure.traceback.rstrip("\n").splitlines())
    if failure.kind is FailureKind.ASSERTION and failure.detail and failure.detail != said:
        lines.extend(failure.detail.splitlines()[1:8])
    elif failure.detail and failure.kind is not FailureKind.ASSERTION:
        lines.append(failure.detail)
    if failure.note:
        lines.append(failure.note)
    return lines


def _returned_none(failure: Failure) -> bool:
    """Whether the student's function returned None where a value was expected: most often a
    `return` left out, which the student is better told about in so many words."""
    return (failure.kind in (FailureKind.MISMATCH, FailureKind.ASSERTION)
            and failure.got in ("None", "None (a NoneType)")
            and failure.expected != "None"
            and "expected it to raise" not in failure.summary)


def check_message(check: CheckResult) -> str:
    """The message of one check: its failure, or the feedback earned by passing it."""
    if check.failure is not None:
        text = "\n".join(failure_lines(check.failure))
    else:
        text = check.feedback or ""
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 30] + "\n[message cut short]"
    return text


def exercise_state(exercise: ExerciseResult) -> str:
    """A few words on where an exercise stands."""
    if exercise.problem is not None:
        return {
            FailureKind.MISSING_FILE: "file missing",
            FailureKind.UNREADABLE_FILE: "file unreadable",
            FailureKind.LOAD_ERROR: "could not be loaded",
            FailureKind.TIMEOUT: "did not load in time",
            FailureKind.WORD_COUNT: "too short to score",
            FailureKind.UNPARSEABLE_ANSWER: "answer sheet unreadable",
            FailureKind.CHECK_ERROR: "checks could not run",
            FailureKind.TAMPERED: "checks changed: not graded",
            FailureKind.GRADER_ERROR: "grader error",
        }.get(exercise.problem.kind, "could not be graded")
    if exercise.not_started:
        return {"quiz": "not answered yet", "essay": "not written yet"}.get(
            exercise.kind, "not implemented yet"
        )
    if exercise.passed:
        return "public checks pass" if exercise.hidden_absent else "done"
    failing = sum(1 for c in exercise.checks if not c.status.passed)
    noun = {"quiz": "answer", "essay": "criterion"}.get(exercise.kind, "check")
    plural = {"criterion": "criteria"}.get(noun, noun + "s") if failing != 1 else noun
    return f"{failing} {plural} to go"


def percent(run: GradingRun) -> float:
    """The run's score as a percentage of its maximum (100 when there is nothing to score)."""
    return float(run.score / run.max_score * 100) if run.max_score else 100.0


def total_line(run: GradingRun) -> str:
    """The closing line of a report; honest about hidden checks that were not run here."""
    score, maximum = run.score, run.max_score
    share = f" ({percent(run):.0f}%)" if maximum else ""
    text = f"Total: {points_text(score)}/{points_text(maximum)}{share}"
    if run.grader_errors:
        return text + " (grading was incomplete: see the errors above)"
    if run.passed:
        if any(e.hidden_absent for e in run.exercises):
            return text + " — all public checks pass; hidden checks run when your instructor grades"
        return text + " — everything passes"
    remaining = sum(1 for e in run.exercises if not e.passed)
    return text + f" — {remaining} exercise{'s' if remaining != 1 else ''} to go"


def hidden_summary(exercise: ExerciseResult) -> str | None:
    """One line on an exercise's hidden checks, which students see counted but not shown."""
    ran = [c for c in exercise.checks if c.hidden]
    parts = []
    if ran:
        parts.append(f"{len(ran)} hidden check{'s' if len(ran) > 1 else ''} (results not shown)")
    if exercise.hidden_absent:
        count = exercise.hidden_absent
        parts.append(f"{count} hidden check{'s' if count > 1 else ''} run when your instructor "
                     "grades")
    return "; ".join(parts) or None


def visible_checks(exercise: ExerciseResult) -> list[CheckResult]:
    """The checks a student may see: hidden checks are left out."""
    return [c for c in exercise.checks if not c.hidden]


def next_steps(exercise: ExerciseResult) -> list[CheckResult]:
    """The checks to show a student: failing visible checks, in order."""
    return [c for c in visible_checks(exercise) if c.status is not Status.PASS]
