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
    next_steps,
    points_text,
    total_line,
)
from grader.results import ExerciseResult, GradingRun, Status

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
    return text.encode("ascii", "replace").decode("ascii")


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
    if exercise.passed:
        if exercise.kind == "essay":
            lines.extend(_criteria_lines(exercise, style, indent))
        return lines
    if exercise.problem is not None:
        lines.extend(indent + line for line in failure_lines(exercise.problem)[:20])
    elif exercise.not_started:
        lines.append(indent + f"Start in {exercise.file}.")
        lines.extend(style.wrap(exercise.summary or _first_sentence(exercise), indent))
        return lines
    elif exercise.kind == "essay":
        lines.extend(_criteria_lines(exercise, style, indent))
    else:
        failing = next_steps(exercise)
        for check in failing[:MAX_CHECKS_SHOWN]:
            lines.append(indent + f"{style.mark(check.status)} {check.title}  "
                         + style.paint(f"0/{points_text(check.max_score)}"
                                       if not check.score else
                                       f"{points_text(check.score)}/"
                                       f"{points_text(check.max_score)}", "dim"))
            message = check_message(check).splitlines()
            if len(message) > MAX_LINES_PER_CHECK:
                message = [*message[:MAX_LINES_PER_CHECK], "..."]
            lines.extend(indent + "    " + line for line in message)
            if check.output and check.status is not Status.NOT_IMPLEMENTED:
                lines.append(indent + "    " + style.paint("your code printed:", "dim"))
                lines.extend(indent + "      " + line
                             for line in check.output.splitlines()[:MAX_LINES_PER_CHECK])
        if len(failing) > MAX_CHECKS_SHOWN:
            lines.append(indent + f"... and {len(failing) - MAX_CHECKS_SHOWN} more: fix these "
                         "first")
    if exercise.hint:
        lines.extend(style.wrap(exercise.hint, indent, "Hint: "))
    return lines


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
