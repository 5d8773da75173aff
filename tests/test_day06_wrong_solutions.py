"""Plausible wrong solutions of the Day 6 code exercises: each gets partial marks, loses exactly
the checks it declares, and is told which call went wrong.

A wrong solution lives in tests/day06/wrong/<exercise>/<mistake>.py. Its docstring says what the
mistake is; a line `# fails: test_a, test_b` lists the checks it must fail.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from grader.catalog import Course
from grader.results import Status

WRONG = Path(__file__).resolve().parent / "day06" / "wrong"
CASES = sorted(WRONG.glob("*/*.py"))


def declared_failures(path: Path) -> set[str]:
    match = re.search(r"^# fails: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path} has no '# fails:' line"
    return {name.strip() for name in match.group(1).split(",")}


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_wrong_solution_loses_exactly_its_checks(path: Path, tmp_path: Path, grade_course) -> None:
    exercise_id = path.parent.name
    shutil.copy(path, tmp_path / f"{exercise_id}.py")
    run = grade_course("day06", [exercise_id], submission=tmp_path)
    (result,) = run.exercises
    failed = {c.id for c in result.checks if c.status is not Status.PASS}
    assert failed == declared_failures(path)
    assert 0 < result.score < result.max_score
    for check in result.checks:
        if check.status is not Status.PASS:
            assert check.failure is not None
            # the student is told which call or which input went wrong
            assert check.failure.call or check.failure.example, check


def test_every_code_check_fails_for_some_wrong_solution(course: Course) -> None:
    day = course.load_day("day06")
    for exercise in day.exercises:
        if exercise.kind != "code":
            continue
        caught: set[str] = set()
        for path in (WRONG / exercise.id).glob("*.py"):
            caught |= declared_failures(path)
        missed = {c.name for c in exercise.checks} - caught
        assert not missed, f"{exercise.id}: no wrong solution fails {sorted(missed)}"
