"""Carrying out a plan: whatever goes wrong in one exercise, the day's maximum and every other
exercise's result stand, and the exit status says whose fault it was."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import cli
from tests.conftest import FIXTURE_COURSE, REPO


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


# --- what a student is told to run: never a command that touches their own work ------------


def _course_in_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture course as a student has it: a git checkout, graded from its
    root."""
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    subprocess.run(["git", "init", "-q", str(course)], check=True)
    monkeypatch.chdir(course)
    return course


def _restore_commands(text: str) -> list[list[str]]:
    """The paths of every `git checkout -- ...` command a message suggests."""
    return [shlex.split(paths) for paths in re.findall(r"`git checkout -- ([^`\n]+)`", text)]


def test_a_changed_check_is_restored_by_name_not_with_the_students_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    course = _course_in_git(tmp_path, monkeypatch)
    checks = course / "exercises" / "hostile" / "checks" / "test_target.py"
    checks.write_text(checks.read_text() + "\n# changed\n")
    status, report = grade("hostile", "--course", str(course))
    problem = report["exercises"][0]["problem"]
    assert status == 1
    # found by a student: `git checkout -- exercises/` would have reverted all their work
    assert _restore_commands(problem) == [["exercises/hostile/checks/test_target.py"]], problem
    assert report["exercises"][1]["score"] == report["exercises"][1]["max_score"]


def test_checks_that_cannot_be_loaded_name_their_own_file_to_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    course = _course_in_git(tmp_path, monkeypatch)
    checks = course / "exercises" / "demo" / "checks" / "test_adder.py"
    checks.write_text("import no_such_module_here\n" + checks.read_text())
    status, report = grade("demo", "adder", "--course", str(course))
    problem = report["exercises"][0]["problem"]
    assert status == 1
    assert _restore_commands(problem) == [["exercises/demo/checks/test_adder.py"]], problem


def test_a_changed_check_outside_git_is_named_without_a_git_command(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    checks = course / "exercises" / "hostile" / "checks" / "test_target.py"
    checks.write_text(checks.read_text() + "\n# changed\n")
    _, report = grade("hostile", "target", "--course", str(course))
    problem = report["exercises"][0]["problem"]
    assert "exercises/hostile/checks/test_target.py" in problem
    assert "git checkout" not in problem and "exercises/)" not in problem


# --- a student's file gone missing costs that exercise only ---------------------------------


@pytest.mark.parametrize("student_file, exercises", [
    ("mini_quiz.yaml", ["adder", "mini_quiz"]),
    ("adder.py", ["adder", "mini_quiz"]),
    ("mini_essay.md", ["adder", "mini_essay"]),
])
def test_a_missing_student_file_costs_its_exercise_and_says_how_to_get_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, student_file: str, exercises: list[str],
) -> None:
    course = _course_in_git(tmp_path, monkeypatch)
    (course / "exercises" / "demo" / student_file).rename(tmp_path / student_file)
    status, report = grade("demo", *exercises, "--course", str(course))
    assert status == 1  # graded, not refused as a broken course (2)
    missing, *others = sorted(report["exercises"],
                              key=lambda e: e["file"] != f"exercises/demo/{student_file}")
    assert missing["score"] == 0 and missing["max_score"] > 0
    assert "exercises/demo/" + student_file + " was not found" in missing["problem"]
    assert _restore_commands(missing["problem"]) == [[f"exercises/demo/{student_file}"]]
    assert others and all(e["problem"] is None for e in others if e["id"] == "adder")


def test_a_missing_student_file_is_still_an_authoring_error_for_validate(
    tmp_path: Path,
) -> None:
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    (course / "exercises" / "demo" / "mini_quiz.yaml").unlink()
    result = CliRunner().invoke(cli, ["validate", "demo", "--course", str(course)])
    assert result.exit_code == 2
    assert "the student file exercises/demo/mini_quiz.yaml is missing" in result.output


# --- the day's data beside the student's file ------------------------------------------------


def test_code_that_reads_the_days_data_beside_it_works_as_when_run_directly(
    tmp_path: Path,
) -> None:
    source = (REPO / "solutions" / "day06" / "phi3_comparison.py").read_text(encoding="utf-8")
    submission = tmp_path / "submission"
    submission.mkdir()
    # found by a student: load_models() at the top level ran fine alone, scored 0 graded
    (submission / "phi3_comparison.py").write_text(source + "\nMODELS = load_models()\n",
                                                   encoding="utf-8")
    status, report = grade("day06", "phi3_comparison", "--submission", str(submission),
                           "--course", str(REPO))
    (exercise,) = report["exercises"]
    assert exercise["problem"] is None, exercise["problem"]
    assert exercise["score"] == exercise["max_score"] and status == 0
