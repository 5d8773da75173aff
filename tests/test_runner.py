"""Carrying out a plan: whatever goes wrong in one exercise, the day's maximum and every other
exercise's result stand, and the exit status says whose fault it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import cli
from tests.conftest import FIXTURE_COURSE


def grade(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def test_a_grader_bug_in_a_quiz_keeps_its_questions_in_the_maximum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import grader.runner

    def broken(job: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(grader.runner, "grade_quiz", broken)
    status, report = grade("demo", "adder", "mini_quiz", "--solutions",
                           "--course", str(FIXTURE_COURSE))
    quiz = report["exercises"][1]
    assert status == 3
    # found by an attacker: the quiz vanished from the maximum (71/71 shown as 100%)
    assert quiz["max_score"] == 3 and quiz["score"] == 0
    assert report["max_score"] == 4 + 3
    assert {c["status"] for c in quiz["checks"]} == {"error"}


def test_a_value_the_check_cannot_examine_fails_the_check_not_the_grader(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    checks = course / "exercises" / "demo" / "checks" / "test_adder.py"
    # a check that indexes into what comes back, given a student who returns a number
    checks.write_text(checks.read_text().replace(
        "close(submission.add(2, 3), 5)", "close(submission.add(2, 3)[0], 5)"))
    status, report = grade("demo", "adder", "--course", str(course), "--solutions")
    (check,) = [c for c in report["exercises"][0]["checks"] if c["id"] == "test_small"]
    assert status == 1 and not report["grader_errors"]
    assert check["status"] == "fail"
    assert "add(2, 3) returned 5, which the check could not work with (TypeError" in (
        check["message"])
