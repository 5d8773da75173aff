"""The report students read in their terminal.

One line per exercise with its points; under an unfinished exercise, its failing checks in the
student's terms and the hint; then the total. Colour and symbols only when the terminal can show
them: `color=False` gives plain text, `unicode=False` keeps to ASCII.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from grader.feedback import (
    PROVISIONAL_NOTE,
    check_message,
    exercise_state,
    failure_lines,
    hidden_summary,
    next_steps,
    points_text,
    total_line,
)
from grader.results import CheckResult, ExerciseResult, FailureKind, GradingRun, Status

_COLOURS = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1"}
MAX_CHECKS_SHOWN = 5
MAX_LINES_PER_CHECK = 14


@dataclass(frozen=True)
class Style:
    color: bool = False
    unicode: bool = True
    width: int = 100

    def wrap(self, text: str, indent: str, first: str = "") -> list[str]:
        """Prose (a hint, a summary) filled to the width, every line indented."""
        return textwrap.wrap(
            " ".join(text.split()), width=max(40, self.width - 1),
            initial_indent=indent + first, subsequent_indent=indent + "  " if first else indent,
            break_on_hyphens=False,
        )

    def paint(self, text: str, colour: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m"

    def mark(self, status: Status | None) -> str:
        """The symbol for a status; None for an exercise not started."""
        if self.unicode:
            symbol = {Status.PASS: "✓", None: "○"}.get(status, "✗")
        else:
            symbol = {Status.PASS: "PASS", None: "TODO"}.get(status, "FAIL")
        colour = {Status.PASS: "green", None: "yellow"}.get(status, "red")
        return self.paint(symbol, colour)


def render(run: GradingRun, style: Style) -> str:
    """The whole terminal report for `run`."""
    dash = "—" if style.unicode else "-"
    lines = [style.paint(f"{run.day} {dash} {run.title}", "bold") + style.paint(
        f"  ({run.submission})", "dim"), ""]
    width = max((len(e.id) for e in run.exercises), default=10)
    for exercise in run.exercises:
        lines.extend(_exercise_lines(exercise, width, style))
    if any(e.provisional for e in run.exercises):
        lines.append(style.paint(PROVISIONAL_NOTE, "dim"))
    for error in run.grader_errors:
        lines.append(style.paint("Grader error (not your fault; please report it to your "
                                 "instructor):", "red"))
        lines.extend("  " + line for line in error.splitlines()[:20])
    lines.append("")
    lines.append(style.paint(total_line(run), "bold"))
    return _ascii(lines, style)


def _ascii(lines: list[str], style: Style) -> str:
    text = "\n".join(lines) + "\n"
    if style.unicode:
        return text
    return text.replace("—", "-").replace("…", "...")


def _exercise_lines(exercise: ExerciseResult, width: int, style: Style) -> list[str]:
    if exercise.passed:
        status: Status | None = Status.PASS
    elif exercise.not_started:
        status = None
    else:
        status = Status.FAIL
    points = f"{points_text(exercise.score)}/{points_text(exercise.max_score)}"
    state = exercise_state(exercise)
    lines = [f"{style.mark(status)} {exercise.id.ljust(width)}  {points.rjust(7)}  "
             + style.paint(state, "dim" if exercise.passed else "yellow")]
    indent = "    "
    for note in exercise.notes:
        lines.extend(style.paint(line, "dim") for line in style.wrap(note, indent))
    hidden = hidden_summary(exercise)
    if hidden:
        lines.append(indent + style.paint(hidden, "dim"))
    if exercise.passed:
        if exercise.kind == "essay":
            lines.extend(_criteria_lines(exercise, style, indent))
        return lines
    if exercise.problem is not None:
        problem = failure_lines(exercise.problem)
        if exercise.problem.kind is FailureKind.GRADER_ERROR:
            problem = problem[:1]  # the detail is for instructors, under "Grader error" below
        for line in problem[:20]:
            lines.extend(style.wrap(line, indent) if _is_prose(line) else [indent + line])
        if exercise.problem.kind in (FailureKind.TAMPERED, FailureKind.GRADER_ERROR):
            return lines
    elif exercise.not_started:
        lines.append(indent + f"Start in {exercise.file}.")
        lines.extend(style.wrap(exercise.summary or _first_sentence(exercise), indent))
        return lines
    elif exercise.kind == "essay":
        lines.extend(_criteria_lines(exercise, style, indent))
    else:
        failing = next_steps(exercise)
        # wrong answers first; what is not started yet, in one line at the end
        started = [c for c in failing if c.status is not Status.NOT_IMPLEMENTED]
        waiting = [c for c in failing if c.status is Status.NOT_IMPLEMENTED]
        for check in started[:MAX_CHECKS_SHOWN]:
            score = f"{points_text(check.score)}/{points_text(check.max_score)}"
            lines.extend(style.wrap(f"{check.title}  {style.paint(score, 'dim')}", indent,
                                    f"{style.mark(check.status)} "))
            message = check_message(check).splitlines()
            if len(message) > MAX_LINES_PER_CHECK:
                message = [*message[:MAX_LINES_PER_CHECK], "..."]
            lines.extend(indent + "    " + line for line in message)
            if check.output and check.status is not Status.NOT_IMPLEMENTED:
                lines.append(indent + "    " + style.paint("your code printed:", "dim"))
                lines.extend(indent + "      " + line
                             for line in check.output.splitlines()[:MAX_LINES_PER_CHECK])
        if len(started) > MAX_CHECKS_SHOWN:
            lines.append(indent + f"... and {len(started) - MAX_CHECKS_SHOWN} more: fix these "
                         "first")
        if waiting:
            noun = {"quiz": "question", "essay": "criterion"}.get(exercise.kind, "check")
            what = "not answered yet" if exercise.kind == "quiz" else "not implemented yet"
            names = ", ".join(_waiting_name(c) for c in waiting)
            lines.extend(style.wrap(f"{len(waiting)} {noun}{'s' if len(waiting) > 1 else ''} "
                                    f"{what}: {names}", indent, f"{style.mark(None)} "))
    if exercise.hint:
        lines.extend(style.wrap(exercise.hint, indent, "Hint: "))
    return lines


def _waiting_name(check: CheckResult) -> str:
    """What names a check not started: its question id, or the function it calls."""
    if check.failure is not None and check.failure.call:
        return check.failure.call.partition("(")[0]
    return check.id


def _is_prose(line: str) -> bool:
    """A line of words (wrapped to the terminal), not code or a traceback (kept as it is)."""
    return not line.startswith((" ", "Traceback", "File ")) and "\n" not in line


def _criteria_lines(exercise: ExerciseResult, style: Style, indent: str) -> list[str]:
    lines = []
    for check in exercise.checks:
        if check.hidden:
            continue
        score = f"{points_text(check.score)}/{points_text(check.max_score)}"
        lines.append(indent + f"{style.mark(check.status)} {check.title}  "
                     + style.paint(score, "dim"))
        message = check_message(check)
        if message and check.status is not Status.NOT_IMPLEMENTED:
            lines.extend(indent + "    " + line for line in message.splitlines())
    return lines


def _first_sentence(exercise: ExerciseResult) -> str:
    return {
        "quiz": "write your answer after each question's colon.",
        "essay": "write your essay below the instructions.",
    }.get(exercise.kind, "replace each `raise NotImplementedError` with your code.")
