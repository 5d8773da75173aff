"""The table `grade verify` prints: per exercise, what held and what did not."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from grader.feedback import points_text
from grader.verify import ExerciseVerification, Verification


def render(verification: Verification, unicode: bool = True) -> str:
    """The verification of a day as a table, then every problem found, then the verdict."""
    yes, no = ("✓", "✗") if unicode else ("ok", "NO")
    dash = "—" if unicode else "-"

    def mark(held: bool) -> str:
        return yes if held else no

    rows = [("exercise", "kind", "solution", "stub", "fail on stub", "model essays")]
    for e in verification.exercises:
        rows.append((
            e.id, e.kind,
            f"{_points(e.solution.score, e.solution.max_score)} "
            f"{mark(e.solution.passed and e.solution.score == e.solution.max_score)}",
            f"{_points(e.stub.score, e.stub.max_score)} {mark(e.stub.score == 0)}",
            f"{e.checks_failing_on_stub}/{len(e.stub.checks)} "
            f"{mark(e.checks_failing_on_stub == len(e.stub.checks))}",
            _bands(e, mark) or dash,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [f"{verification.day} {dash} {verification.title}: verification", ""]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[-1]]).rstrip())
    lines += ["", f"  grading the solutions twice gives the same report: "
              f"{mark(verification.deterministic)}"]
    problems = [*verification.problems, *verification.grader_errors]
    problems += [f"{e.id}: {p}" for e in verification.exercises for p in e.problems]
    if verification.warnings:
        lines += ["", "Warnings:"] + [f"  {w}" for w in verification.warnings]
    if problems:
        lines += ["", f"{len(problems)} problem(s):"] + [f"  {p}" for p in problems]
        lines += ["", f"{verification.day} does not hold: fix the problems above."]
    else:
        lines += ["", f"{verification.day} holds: solutions score full marks, stubs score "
                  "zero, every check fails on its stub, grading is repeatable"
                  + (", and the model essays land in their bands." if any(
                      e.bands for e in verification.exercises) else ".")]
    return "\n".join(lines) + "\n"


def _points(score: Fraction, max_score: Fraction) -> str:
    return f"{points_text(score)}/{points_text(max_score)}"


def _bands(exercise: ExerciseVerification, mark: Callable[[bool], str]) -> str:
    return " ".join(f"{b.band} {float(b.share):.2f} {mark(b.held)}" for b in exercise.bands)
