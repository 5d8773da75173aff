"""A Markdown summary, for a CI job's step summary ($GITHUB_STEP_SUMMARY) or a pull request.

A table of exercises with their points, then what to fix, in the student's terms. The whole
summary stays under 1 MiB (GitHub's limit for a step summary) whatever the student printed:
details are cut, with a note, before the table and the total ever are. Control characters and
bidirectional overrides in anything the student wrote are shown as U+FFFD
(`grader.feedback.printable`), never passed on to the page or the log that shows it.
"""

from __future__ import annotations

import re

from grader.feedback import (
    PROVISIONAL_NOTE,
    check_message,
    exercise_state,
    failure_lines,
    hidden_summary,
    kept_output,
    next_steps,
    points_text,
    printable_run,
    total_line,
)
from grader.results import ExerciseResult, GradingRun, Status

MAX_BYTES = 1 << 20
MAX_OUTPUT_LINES = 30
_CUT_NOTE = "\n*The rest of this summary was cut to keep it under 1 MiB.*\n"


def _cell(text: str) -> str:
    """Text safe inside a table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _inline(text: str) -> str:
    """Text safe as Markdown prose: nothing in it becomes markup."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", " ".join(text.split()))


def _block(text: str) -> str:
    """A fenced block holding `text` as it is, whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _mark(exercise: ExerciseResult) -> str:
    if exercise.passed:
        return "✅"
    return "⭕" if exercise.not_started else "❌"


def _output(output: str, day: str, exercise: ExerciseResult) -> list[str]:
    """What the student's code printed, its first MAX_OUTPUT_LINES lines, and a note on what
    is not shown."""
    kept, dropped = kept_output(output)
    printed = kept.splitlines()
    lines = [_indent(_block("\n".join(printed[:MAX_OUTPUT_LINES]))), ""]
    hidden = len(printed) - MAX_OUTPUT_LINES
    command = f"`grade {day} {exercise.id} --format json`"  # ids and days are plain words
    note = ""
    if hidden > 0:
        note = f"… {hidden:,} more line{'s' if hidden != 1 else ''} not shown"
        note += (f", and {dropped} more bytes not kept; {command} shows what was kept"
                 if dropped else f"; {command} shows them all")
    elif dropped:
        note = f"… {dropped} more bytes not kept"
    return [*lines, f"  *{note}*", ""] if note else lines


def _details(exercise: ExerciseResult, day: str) -> str:
    lines = [f"### {_inline(exercise.id)}: {_inline(exercise.title)}", ""]
    if exercise.problem is not None:
        lines += [_block("\n".join(failure_lines(exercise.problem))), ""]
    elif exercise.not_started:
        lines += [f"Not started: {_inline(exercise.summary or exercise.file)}", ""]
    else:
        for check in next_steps(exercise):
            score = f"{points_text(check.score)}/{points_text(check.max_score)}"
            lines.append(f"- ❌ **{_inline(check.title)}** ({score})")
            message = check_message(check)
            if message and check.status is not Status.NOT_IMPLEMENTED:
                lines += ["", _indent(_block(message)), ""]
            elif message:
                lines[-1] += f": {_inline(message)}"
                lines.append("")
            if check.output and check.status is not Status.NOT_IMPLEMENTED:
                lines += ["  Your code printed:", "", *_output(check.output, day, exercise)]
    hidden = hidden_summary(exercise)
    if hidden:
        lines += [f"*{_inline(hidden)}*", ""]
    if exercise.hint and not exercise.passed and exercise.problem is None:
        lines += [f"**Hint:** {_inline(exercise.hint)}", ""]
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


def render(run: GradingRun, max_bytes: int = MAX_BYTES) -> str:
    """The summary, at most `max_bytes` bytes of UTF-8."""
    run = printable_run(run)
    head = [f"## {_inline(run.day)}: {_inline(run.title)}", "",
            f"**{_inline(total_line(run))}**", "",
            "| | Exercise | Points | State |", "|---|---|---:|---|"]
    for exercise in run.exercises:
        points = f"{points_text(exercise.score)}/{points_text(exercise.max_score)}"
        head.append(f"| {_mark(exercise)} | {_cell(exercise.id)} | {points} | "
                    f"{_cell(exercise_state(exercise))} |")
    head.append("")
    if any(e.provisional for e in run.exercises):
        head += [f"*{PROVISIONAL_NOTE}*", ""]
    for error in run.grader_errors:
        head += ["> **Grader error** (not the student's fault; please report it):", ">",
                 *(f"> {_inline(line)}" for line in error.splitlines()[:10]), ""]
    text = "\n".join(head) + "\n"
    budget = max_bytes - len(text.encode()) - len(_CUT_NOTE.encode())
    for exercise in run.exercises:
        if exercise.passed:
            continue
        section = _details(exercise, run.day)
        size = len(section.encode())
        if size > budget:
            return text + _CUT_NOTE
        text += section
        budget -= size
    return text
