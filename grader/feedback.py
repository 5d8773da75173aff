"""Results in the student's words: what was called, what was expected, what came back.

Every reporter words checks and exercises through these functions, so that a message reads the
same in the terminal, in JSON and on a grading platform.
"""

from __future__ import annotations

from fractions import Fraction

from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, GradingRun, Status

MAX_MESSAGE_CHARS = 4000
PROVISIONAL_NOTE = "Essay scores are provisional: your instructor may change them."


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
