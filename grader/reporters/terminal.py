"""The report students read in their terminal.

One line per exercise with its points; under an unfinished exercise, its failing checks in the
student's terms and the hint; then the total. Colour and symbols only when the terminal can show
them: `color=False` gives plain text, `unicode=False` writes the report's symbols and common
typography (≈, ×, →, “quotes”, …) as ASCII, for consoles whose encoding lacks them. Prose is
filled to the terminal's width; code, paths, tracebacks and what the student printed are kept
as they are. Whatever the student's code printed or raised is shown, never obeyed: control
characters and bidirectional overrides come out as U+FFFD (`grader.feedback.printable`).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

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
    with_text,
)
from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, GradingRun, Status

_COLOURS = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1"}
MAX_CHECKS_SHOWN = 5
MAX_LINES_PER_CHECK = 14  # of a check's message, and of what the student's code printed
MAX_PROBLEM_LINES = 20
MIN_WIDTH = 30  # prose is never filled narrower than this, however narrow the terminal

# symbols and typography as readable ASCII, for a console that cannot show them (cp1252 has
# no ≈ or →, say): done before the console's encoder would turn them into "?"
_ASCII = str.maketrans({
    "≈": "~", "×": "x", "÷": "/", "→": "->", "←": "<-", "⇒": "=>", "↔": "<->", "≤": "<=",
    "≥": ">=", "≠": "!=", "±": "+/-", "–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-",
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "«": '"', "»": '"',
    "…": "...", "·": "*", "•": "*", "\u00a0": " ", "\u202f": " ", "\ufffd": "?",
})
_CODE_SPAN = re.compile(r"`[^`]+`")
_KEEP = "\ue000"  # a space inside a code span, while prose is wrapped
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
_FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")


def ascii_text(text: str) -> str:
    """`text` with common symbols written in ASCII: ≈ as ~, × as x, → as ->, ² as ^2."""
    text = _SUPERSCRIPTS.sub(lambda m: "^" + m.group().translate(_FROM_SUPERSCRIPT), text)
    return text.translate(_ASCII)


@dataclass(frozen=True)
class Style:
    color: bool = False
    unicode: bool = True
    width: int = 100

    @property
    def columns(self) -> int:
        """Where prose ends: a column short of the width (some consoles wrap a line that fills
        the last one), never fewer than MIN_WIDTH."""
        return max(MIN_WIDTH, self.width - 1)

    def wrap(self, text: str, indent: str, first: str = "", room: int = 0,
             hang: str = "  ") -> list[str]:
        """Prose (a hint, a summary) filled to the width, every line indented, the lines after
        `first` by `hang` more; `room` columns are left free at the end of the last line. A
        word longer than a line (a path, say) is never broken, nor is `code in backticks` (a
        command to copy)."""
        text = _CODE_SPAN.sub(lambda m: m.group().replace(" ", _KEEP), " ".join(text.split()))
        lines = textwrap.wrap(
            text, width=max(self.columns - room, len(indent + first) + 10),
            initial_indent=indent + first, subsequent_indent=indent + hang if first else indent,
            break_on_hyphens=False, break_long_words=False,
        )
        return [line.replace(_KEEP, " ") for line in lines]

    def marked(self, status: Status | None, text: str, indent: str,
               room: int = 0) -> list[str]:
        """`text` after the mark of `status`, filled to the width, its later lines aligned
        with its first word."""
        symbol = self.symbol(status)
        lines = self.wrap(text, indent, symbol + " ", room, hang=" " * (len(symbol) + 1))
        lines = lines or [indent + symbol]
        lines[0] = indent + self.mark(status) + lines[0][len(indent) + len(symbol):]
        return lines

    def paint(self, text: str, colour: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m"

    def symbol(self, status: Status | None) -> str:
        """The symbol for a status, unpainted; None for an exercise not started."""
        if self.unicode:
            return {Status.PASS: "✓", None: "○"}.get(status, "✗")
        return {Status.PASS: "PASS", None: "TODO"}.get(status, "FAIL")

    def mark(self, status: Status | None) -> str:
        """The symbol for a status, painted; None for an exercise not started."""
        colour = {Status.PASS: "green", None: "yellow"}.get(status, "red")
        return self.paint(self.symbol(status), colour)

    def titled(self, status: Status | None, title: str, points: str, indent: str) -> list[str]:
        """A check's title after its mark, filled to the width, with its points two spaces
        after the title's last word (never run into it, even when the title wraps)."""
        lines = self.marked(status, title, indent, room=len(points) + 2)
        lines[-1] += "  " + self.paint(points, "dim")
        return lines


def render(run: GradingRun, style: Style) -> str:
    """The whole terminal report for `run`."""
    run = printable_run(run)  # the student's text is shown, never obeyed by the terminal
    if not style.unicode:
        run = with_text(run, ascii_text)
    dash = "—" if style.unicode else "-"
    heading = style.wrap(f"{run.day} {dash} {run.title}", "")
    where = f"({run.submission})"  # a path: on the heading's line if it fits, never broken
    lines = [style.paint(line, "bold") for line in heading]
    if len(heading[-1]) + 2 + len(where) <= style.columns:
        lines[-1] += "  " + style.paint(where, "dim")
    else:
        lines.append(style.paint(where, "dim"))
    lines.append("")
    width = max((len(e.id) for e in run.exercises), default=10)
    for exercise in run.exercises:
        lines.extend(_exercise_lines(run.day, exercise, width, style))
    if any(e.provisional for e in run.exercises):
        lines.extend(style.paint(line, "dim") for line in style.wrap(PROVISIONAL_NOTE, ""))
    for error in run.grader_errors:
        lines.extend(style.paint(line, "red") for line in style.wrap(
            "Grader error (not your fault; please report it to your instructor):", ""))
        detail = error.splitlines()
        lines.extend("  " + line for line in detail[:MAX_PROBLEM_LINES])
        if len(detail) > MAX_PROBLEM_LINES:
            lines.extend(style.wrap(_more_lines(len(detail) - MAX_PROBLEM_LINES), "  "))
    lines.append("")
    lines.extend(style.paint(line, "bold") for line in style.wrap(total_line(run), ""))
    text = "\n".join(lines) + "\n"
    return text if style.unicode else ascii_text(text)


def _exercise_lines(day: str, exercise: ExerciseResult, width: int,
                    style: Style) -> list[str]:
    if exercise.passed:
        status: Status | None = Status.PASS
    elif exercise.not_started:
        status = None
    else:
        status = Status.FAIL
    points = f"{points_text(exercise.score)}/{points_text(exercise.max_score)}"
    state = exercise_state(exercise)
    indent = "    "
    row = f"{style.mark(status)} {exercise.id.ljust(width)}  {points.rjust(7)}"
    state_colour = "dim" if exercise.passed else "yellow"
    if len(style.symbol(status)) + 1 + width + 9 + 2 + len(state) <= style.columns:
        lines = [row + "  " + style.paint(state, state_colour)]
    else:  # a narrow terminal: the state under the exercise's row
        lines = [row, *(style.paint(line, state_colour) for line in style.wrap(state, indent))]
    for note in exercise.notes:
        lines.extend(style.paint(line, "dim") for line in style.wrap(note, indent))
    hidden = hidden_summary(exercise)
    if hidden:
        lines.extend(style.paint(line, "dim") for line in style.wrap(hidden, indent))
    if exercise.passed:
        if exercise.kind == "essay":
            lines.extend(_criteria_lines(day, exercise, style, indent))
        return lines
    if exercise.problem is not None:
        problem = failure_lines(exercise.problem)
        if exercise.problem.kind is FailureKind.GRADER_ERROR:
            problem = problem[:1]  # the detail is for instructors, under "Grader error" below
        lines.extend(_text_lines(problem, exercise.problem, style, indent, MAX_PROBLEM_LINES,
                                 _json_command(day, exercise)))
        if exercise.problem.kind in (FailureKind.TAMPERED, FailureKind.GRADER_ERROR):
            return lines
        # what the file printed before it failed to load often says why
        printed = next((c.output for c in exercise.checks if c.output), "")
        if printed:
            lines.append(indent + style.paint("your code printed:", "dim"))
            lines.extend(_output_lines(printed, style, indent + "  ",
                                       _json_command(day, exercise)))
    elif exercise.not_started:
        lines.extend(style.wrap(f"Start in {exercise.file}.", indent))
        lines.extend(style.wrap(exercise.summary or _first_sentence(exercise), indent))
        return lines
    elif exercise.kind == "essay":
        lines.extend(_criteria_lines(day, exercise, style, indent))
    else:
        failing = next_steps(exercise)
        # wrong answers first; what is not started yet, in one line at the end
        started = [c for c in failing if c.status is not Status.NOT_IMPLEMENTED]
        waiting = [c for c in failing if c.status is Status.NOT_IMPLEMENTED]
        for check in started[:MAX_CHECKS_SHOWN]:
            lines.extend(_check_lines(day, exercise, check, style, indent))
        if len(started) > MAX_CHECKS_SHOWN:
            lines.extend(style.wrap(f"... and {len(started) - MAX_CHECKS_SHOWN} more: fix these "
                                    "first", indent))
        if waiting:
            noun = {"quiz": "question", "essay": "criterion"}.get(exercise.kind, "check")
            what = "not answered yet" if exercise.kind == "quiz" else "not implemented yet"
            # several checks may wait on one function: each is named once
            names = ", ".join(dict.fromkeys(_waiting_name(c) for c in waiting))
            lines.extend(style.marked(None, f"{len(waiting)} {noun}"
                                      f"{'s' if len(waiting) > 1 else ''} {what}: {names}",
                                      indent))
    if exercise.hint:
        lines.extend(style.wrap(exercise.hint, indent, "Hint: "))
    return lines


def _check_lines(day: str, exercise: ExerciseResult, check: CheckResult, style: Style,
                 indent: str) -> list[str]:
    """A failing check: its title and points, what went wrong, what the student's code
    printed."""
    score = f"{points_text(check.score)}/{points_text(check.max_score)}"
    command = _json_command(day, exercise)
    lines = style.titled(check.status, check.title, score, indent)
    lines.extend(_text_lines(check_message(check).splitlines(), check.failure, style,
                             indent + "    ", MAX_LINES_PER_CHECK, command))
    if check.output and check.status is not Status.NOT_IMPLEMENTED:
        lines.append(indent + "    " + style.paint("your code printed:", "dim"))
        lines.extend(_output_lines(check.output, style, indent + "      ", command))
    return lines


def _text_lines(text: list[str], failure: Failure | None, style: Style, indent: str,
                limit: int, command: str) -> list[str]:
    """A message's lines: prose filled to the width, code and tracebacks as they are; cut
    at `limit` lines, with a note saying so."""
    keep = _verbatim(failure)
    lines = []
    for line in text[:limit]:
        if line.strip() and not _is_prose(line, keep):
            lines.append(indent + line)
        else:
            lines.extend(style.wrap(line, indent) or [indent.rstrip()])
    if len(text) > limit:
        lines.extend(style.paint(line, "dim") for line in style.wrap(
            f"{_more_lines(len(text) - limit)}; `{command}` shows the whole message", indent))
    return [line.rstrip() for line in lines]


def _output_lines(output: str, style: Style, indent: str, command: str) -> list[str]:
    """What the student's code printed, as it is, cut at MAX_LINES_PER_CHECK lines with a note
    saying how much is not shown and where to see it."""
    kept, dropped = kept_output(output)
    printed = kept.splitlines()
    lines = [indent + line for line in printed[:MAX_LINES_PER_CHECK]]
    hidden = len(printed) - MAX_LINES_PER_CHECK
    note = ""
    if hidden > 0 and dropped:
        note = (f"{_more_lines(hidden)}, and {dropped} more bytes not kept; `{command}` "
                "shows what was kept")
    elif hidden > 0:
        note = f"{_more_lines(hidden)}; `{command}` shows them all"
    elif dropped:
        note = f"… {dropped} more bytes not kept"
    lines.extend(style.paint(line, "dim") for line in style.wrap(note, indent))
    return lines


def _more_lines(count: int) -> str:
    return f"… {count:,} more line{'s' if count != 1 else ''} not shown"


def _json_command(day: str, exercise: ExerciseResult) -> str:
    """The command that shows an exercise's results in full."""
    return f"grade {day} {exercise.id} --format json"


def _waiting_name(check: CheckResult) -> str:
    """What names a check not started: its question id, or the function it calls."""
    if check.failure is not None and check.failure.call:
        return check.failure.call.partition("(")[0]
    return check.id


def _verbatim(failure: Failure | None) -> set[str]:
    """The lines of a failure kept as they are: its traceback, failing example and a bare
    assert's explanation (code, paths), which wrapping would garble."""
    if failure is None:
        return set()
    lines = set((failure.traceback or "").splitlines())
    lines.update("  " + line for line in (failure.example or "").splitlines())
    if failure.kind is FailureKind.ASSERTION:
        lines.update((failure.detail or "").splitlines())
    return lines


def _is_prose(line: str, verbatim: set[str]) -> bool:
    """A line of words (wrapped to the terminal), not code or a traceback (kept as it is)."""
    return line not in verbatim and not line.startswith((" ", "\t", "Traceback", "File "))


def _criteria_lines(day: str, exercise: ExerciseResult, style: Style,
                    indent: str) -> list[str]:
    lines = []
    for check in exercise.checks:
        if check.hidden:
            continue
        score = f"{points_text(check.score)}/{points_text(check.max_score)}"
        lines.extend(style.titled(check.status, check.title, score, indent))
        message = check_message(check)
        if message and check.status is not Status.NOT_IMPLEMENTED:
            lines.extend(_text_lines(message.splitlines(), check.failure, style,
                                     indent + "    ", MAX_LINES_PER_CHECK,
                                     _json_command(day, exercise)))
    return lines


def _first_sentence(exercise: ExerciseResult) -> str:
    return {
        "quiz": "write your answer after each question's colon.",
        "essay": "write your essay below the instructions.",
    }.get(exercise.kind, "replace each `raise NotImplementedError` with your code.")
