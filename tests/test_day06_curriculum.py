"""The Day 6 curriculum proves itself, run as students and instructors run it: the reference
solutions score full marks, the untouched files score zero with guidance, and every check can
tell a stub from a solution."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.catalog import Course
from grader.results import GradingRun, Status
from tests.conftest import REPO


def grade_command(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    env.pop("GRADE_COURSE", None)
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def stubs(grade_course) -> GradingRun:
    return grade_course("day06")


@pytest.fixture(scope="module")
def solutions(grade_course) -> GradingRun:
    return grade_course("day06", solutions=True)


def test_the_reference_solutions_score_full_marks(solutions: GradingRun) -> None:
    assert not solutions.grader_errors
    for exercise in solutions.exercises:
        failing = [(c.id, c.failure) for c in exercise.checks if c.status is not Status.PASS]
        assert not failing, (exercise.id, failing)
    assert solutions.score == solutions.max_score > 0


def test_the_untouched_files_score_zero_and_read_as_not_started(stubs: GradingRun) -> None:
    assert not stubs.grader_errors
    for exercise in stubs.exercises:
        assert exercise.score == 0, exercise.id
        assert exercise.problem is None, (exercise.id, exercise.problem)
        assert exercise.not_started, [(c.id, c.status, c.failure) for c in exercise.checks]


def test_every_code_check_fails_on_the_stub_as_not_implemented(stubs: GradingRun) -> None:
    for exercise in stubs.exercises:
        if exercise.kind == "code":
            for check in exercise.checks:
                assert check.status is Status.NOT_IMPLEMENTED, (exercise.id, check.id)
                assert check.failure is not None
                assert check.failure.summary.endswith("is not implemented yet")


def test_every_exercise_has_a_summary_and_a_hint() -> None:
    for exercise in Course(REPO).load_day("day06").exercises:
        assert exercise.spec.summary.strip(), exercise.id
        assert exercise.spec.hint.strip(), exercise.id


def test_every_solution_mirrors_an_exercise_file() -> None:
    day = Course(REPO).load_day("day06")
    student_files = {e.student_file for e in day.exercises}
    solution_files = {p.name for p in day.solutions_dir.iterdir() if p.is_file()}
    assert solution_files == student_files


def test_students_command_on_untouched_files() -> None:
    completed = grade_command("day06")
    assert completed.returncode == 1, completed.stderr
    output = completed.stdout
    assert "Traceback" not in output + completed.stderr
    for exercise in Course(REPO).load_day("day06").exercises:
        line = next(line for line in output.splitlines() if f" {exercise.id} " in line)
        assert " 0/" in line, line
        assert f"Start in exercises/day06/{exercise.student_file}." in output
    assert "Total: 0/87 (0%)" in output


def test_instructors_command_on_the_solutions() -> None:
    completed = grade_command("day06", "--solutions")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Total: 87/87 (100%) — everything passes" in completed.stdout


def test_the_command_works_from_inside_the_day_folder() -> None:
    completed = grade_command("day06", "chinchilla", "--solutions",
                              cwd=REPO / "exercises" / "day06")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_grading_leaves_no_files_behind() -> None:
    before = sorted(p for p in (REPO / "exercises").rglob("*"))
    grade_command("day06", "next_token_loss")
    after = sorted(p for p in (REPO / "exercises").rglob("*"))
    assert after == before


def test_the_seal_matches_the_check_files() -> None:
    """After changing a check, an instructor runs `grade seal day06`; this catches a forgotten
    seal before students see every exercise reported as tampered."""
    day = Course(REPO).load_day("day06")
    assert day.seal is not None
    assert not [e.id for e in day.exercises if e.tampered]
    sealed = {path for path in day.seal}
    published = {Course(REPO).display(p) for e in day.exercises for p in e.check_files}
    assert sealed == published
