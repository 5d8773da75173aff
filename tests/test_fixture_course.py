"""The fixture course graded end to end: a passing, a failing, a crashing and a hanging exercise,
a quiz and an essay, each graded alone."""

from __future__ import annotations

import pytest

from grader.reporters import json as json_report
from grader.results import FailureKind, GradingRun, Status


@pytest.fixture(scope="module")
def demo(grade_fixture) -> GradingRun:
    return grade_fixture("demo")


def exercise(run: GradingRun, exercise_id: str):
    return next(e for e in run.exercises if e.id == exercise_id)


def test_every_exercise_is_graded_in_the_days_order(demo: GradingRun) -> None:
    assert [e.id for e in demo.exercises] == [
        "adder", "wrong", "crasher", "sleeper", "mini_quiz", "mini_essay"]
    assert not demo.grader_errors


def test_the_passing_exercise_scores_full_marks(demo: GradingRun) -> None:
    adder = exercise(demo, "adder")
    assert adder.passed and adder.score == adder.max_score == 4


def test_the_failing_exercise_gets_partial_credit(demo: GradingRun) -> None:
    wrong = exercise(demo, "wrong")
    statuses = {c.id: c.status for c in wrong.checks}
    assert statuses == {"test_small": Status.PASS, "test_commutes": Status.FAIL,
                        "test_rejects_bools": Status.FAIL}
    assert wrong.score == 1


def test_the_crashing_exercise_says_what_happened_and_shows_its_output(demo: GradingRun) -> None:
    crasher = exercise(demo, "crasher")
    assert crasher.score == 0
    for check in crasher.checks:
        assert check.status is Status.ERROR
        assert check.failure is not None and check.failure.kind is FailureKind.CRASH
        assert "ended the Python process" in check.failure.summary
        assert check.output.startswith("adding ")


def test_the_hanging_exercise_times_out_within_its_limits(demo: GradingRun) -> None:
    sleeper = exercise(demo, "sleeper")
    assert {c.status for c in sleeper.checks} == {Status.TIMEOUT}
    # day.yaml: 1s per call, 4s for the exercise; three checks
    assert sleeper.duration < 4 + 1


def test_quiz_and_essay_are_graded_beside_the_code(demo: GradingRun) -> None:
    quiz = exercise(demo, "mini_quiz")
    assert [c.status for c in quiz.checks] == [Status.PASS, Status.NOT_IMPLEMENTED]
    essay = exercise(demo, "mini_essay")
    assert essay.not_started and essay.provisional


def test_reference_solutions_score_full_marks(grade_fixture) -> None:
    run = grade_fixture("demo", solutions=True)
    assert run.passed and run.score == run.max_score == 22


def test_grading_is_deterministic(grade_fixture) -> None:
    """The same work graded twice gives the same report, failing properties included."""
    first = json_report.as_dict(grade_fixture("demo", ["adder", "wrong", "mini_quiz"]))
    second = json_report.as_dict(grade_fixture("demo", ["adder", "wrong", "mini_quiz"]))
    assert json_report.without_timings(first) == json_report.without_timings(second)
