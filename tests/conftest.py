"""Shared fixtures: the real course, the fixture course, and a way to grade in one call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from grader.catalog import Course
from grader.plan import make_plan
from grader.results import GradingRun
from grader.runner import grade

REPO = Path(__file__).resolve().parent.parent
FIXTURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "course"

Grader = Callable[..., GradingRun]

# Course material, not the suite's own tests: graded by the tests, never collected by pytest.
collect_ignore = ["fixtures", "day06", "malformed"]

# The suite's own properties run the same examples on every machine, like gradings do.
settings.register_profile("suite", derandomize=True, database=None, deadline=None)
settings.load_profile("suite")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite tests/golden/ from the current reporters")


def grade_with(course_root: Path) -> Grader:
    course = Course(course_root)

    def run(day: str, exercises: list[str] | None = None, *, submission: Path | None = None,
            solutions: bool = False) -> GradingRun:
        plan = make_plan(course, course.load_day(day, only=exercises), exercises, submission,
                         solutions)
        return grade(plan)

    return run


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(REPO)


@pytest.fixture(scope="session")
def grade_course() -> Grader:
    """Grade the real course: grade_course("day06", ["chinchilla"], submission=DIR)."""
    return grade_with(REPO)


@pytest.fixture(scope="session")
def grade_fixture() -> Grader:
    """Grade the fixture course under tests/fixtures/course."""
    return grade_with(FIXTURE_COURSE)
