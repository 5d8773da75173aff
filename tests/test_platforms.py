"""Grading platforms end to end: the formats from the command, CI gating, the GitHub Actions
outputs, the Gradescope autograder zip and the Classroom workflow."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from junitparser import JUnitXml

from grader.cli import cli
from tests.conftest import FIXTURE_COURSE

COURSE = ["--course", str(FIXTURE_COURSE)]


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("output_format", ["json", "gradescope", "classroom", "junit", "markdown"])
def test_every_format_from_the_command_agrees_on_the_total(output_format: str) -> None:
    result = run("demo", "adder", "wrong", "mini_quiz", "--format", output_format, *COURSE)
    assert result.exit_code == 1
    text = result.output
    if output_format in ("json", "gradescope"):
        assert json.loads(text)["score"] == 7
    elif output_format == "classroom":
        assert sum(t["score"] for t in json.loads(text)["tests"]) == 7
    elif output_format == "junit":
        suites = JUnitXml.fromstring(text)
        assert sum(int(p.value) for s in suites for p in s.properties() if p.name == "score") == 7
    else:
        assert "**Total: 7/11 (64%)" in text


@pytest.mark.parametrize("threshold, status", [(60, 0), (63.6, 0), (64, 1), (100, 1)])
def test_fail_under_gates_on_the_percentage(threshold: float, status: int) -> None:
    # 7 of 11 points: 63.64%
    result = run("demo", "adder", "wrong", "mini_quiz", "--fail-under", str(threshold), *COURSE)
    assert result.exit_code == status


def test_in_github_actions_the_reporter_output_and_summary_are_written(tmp_path: Path) -> None:
    outputs, summary = tmp_path / "github_output", tmp_path / "summary.md"
    outputs.write_text("earlier=1\n", encoding="utf-8")
    env = {"GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
    result = run("demo", "adder", "wrong", "--format", "classroom", "--output",
                 str(tmp_path / "results.json"), *COURSE, env=env)
    assert result.exit_code == 1
    lines = outputs.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "earlier=1"  # appended, never overwritten
    name, _, value = lines[1].partition("=")
    assert name == "result"
    decoded = json.loads(base64.b64decode(value))
    assert decoded == json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert sum(t["score"] for t in decoded["tests"]) == 5 and decoded["max_score"] == 8
    assert "**Total: 5/8 (62%)" in summary.read_text(encoding="utf-8")


def test_reports_of_two_runs_differ_only_in_timings() -> None:
    from grader.reporters.json import without_timings

    first = json.loads(run("demo", "wrong", "--format", "json", *COURSE).output)
    second = json.loads(run("demo", "wrong", "--format", "json", *COURSE).output)
    assert without_timings(first) == without_timings(second)


# --- Gradescope ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def autograder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo day's autograder zip, unpacked where Gradescope would put it."""
    root = tmp_path_factory.mktemp("autograder")
    target = root / "autograder.zip"
    result = run("export", "gradescope", "demo", "--out", str(target), *COURSE)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "course/pyproject.toml",
                "course/grader/cli.py", "course/exercises/demo/day.yaml",
                "course/solutions/demo/keys/mini_quiz.yaml"} <= set(names)
        assert not [n for n in names if "__pycache__" in n or "/hostile/" in n]
        # reference solutions and model essays stay behind: a student's code could print them
        assert not [n for n in names
                    if n.startswith("course/solutions/") and "/keys/" not in n], names
        for script in ("setup.sh", "run_autograder"):
            assert archive.getinfo(script).external_attr >> 16 & 0o111
        archive.extractall(root / "source")
    return root


def run_autograder(root: Path, grade: str, submission: dict[str, str]) -> dict[str, object]:
    folder = root / "submission"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in submission.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), GRADE=grade)
    completed = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                               capture_output=True, timeout=300)
    assert completed.returncode == 0
    result: dict[str, object] = json.loads((root / "results" / "results.json").read_text())
    return result


def test_the_autograder_grades_a_submission(autograder: Path) -> None:
    solution = (FIXTURE_COURSE / "solutions" / "demo" / "adder.py").read_text()
    result = run_autograder(autograder, f"{sys.executable} -m grader",
                            {"adder.py": solution, "wrong.py": "def add(a, b):\n    return 0\n"})
    tests = result["tests"]
    assert isinstance(tests, list)
    adder = [t for t in tests if t["name"].startswith("adder: ")]
    assert [t["status"] for t in adder] == ["passed"] * 3
    assert result["score"] == sum(t["score"] for t in tests)


def test_the_autograder_writes_valid_results_when_grading_fails(autograder: Path) -> None:
    result = run_autograder(autograder, "false", {"adder.py": "x = 1\n"})
    assert result["score"] == 0 and result["tests"] == []
    assert "could not grade this submission" in str(result["output"])


def test_the_autograder_gives_the_headline_of_a_grading_failure(autograder: Path) -> None:
    failing = autograder / "failing-grade"
    failing.write_text("#!/bin/sh\necho 'grade: 2 problem(s)' >&2\necho '  detail' >&2\nexit 2\n")
    failing.chmod(0o755)
    result = run_autograder(autograder, str(failing), {"adder.py": "x = 1\n"})
    assert result["score"] == 0
    assert str(result["output"]).endswith("(status 2): grade: 2 problem(s)")


# --- GitHub Classroom -----------------------------------------------------------------------


def workflow(*extra: str, tmp_path: Path) -> dict[str, object]:
    target = tmp_path / "grade.yml"
    result = run("export", "classroom", "demo", "--out", str(target), *extra, *COURSE)
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = yaml.safe_load(target.read_text(encoding="utf-8"))
    return loaded


def test_the_classroom_workflow_grades_and_reports(tmp_path: Path) -> None:
    flow = workflow(tmp_path=tmp_path)
    steps = flow["jobs"]["grade"]["steps"]  # type: ignore[index]
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/checkout@")
    assert any(u.startswith("actions/setup-python@") for u in uses)
    grade = next(step for step in steps if step.get("id") == "demo")
    assert grade["run"].startswith("grade demo ") and "--format classroom" in grade["run"]
    report = steps[-1]
    assert report["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert report["with"]["runners"] == "demo"
    assert report["env"]["DEMO_RESULTS"] == "${{ steps.demo.outputs.result }}"
    assert report["if"] == "always()"  # a failed grading is still recorded in Classroom
    assert flow["permissions"]["checks"] == "write"  # type: ignore[index]


def test_a_trusted_course_repository_supplies_the_checks(tmp_path: Path) -> None:
    flow = workflow("--course-repo", "teacher/llm-course@v1", tmp_path=tmp_path)
    steps = flow["jobs"]["grade"]["steps"]  # type: ignore[index]
    course = next(step for step in steps if step.get("with", {}).get("path") == ".course")
    assert course["with"]["repository"] == "teacher/llm-course"
    assert course["with"]["ref"] == "v1"
    # a private course repository is read with the instructor's token, when one is saved
    assert course["with"]["token"] == "${{ secrets.COURSE_TOKEN || github.token }}"
    grade = next(step for step in steps if step.get("id") == "demo")
    assert "--course .course --submission exercises/demo" in grade["run"]


def test_a_malformed_course_repository_is_refused(tmp_path: Path) -> None:
    result = run("export", "classroom", "demo", "--out", str(tmp_path / "x.yml"),
                 "--course-repo", "not a repo", *COURSE)
    assert result.exit_code == 2
    assert "owner/name@ref" in result.output


# --- hidden checks ----------------------------------------------------------------------------


def test_hidden_checks_run_where_present_and_stay_out_of_students_sight() -> None:
    report = json.loads(run("visibility", "--format", "json", *COURSE).output)
    (halve,) = report["exercises"]
    assert {c["id"]: c["visibility"] for c in halve["checks"]} == {
        "test_halve": "visible", "test_halve_odd": "hidden"}
    assert halve["score"] == 1 and halve["max_score"] == 3
    student = run("visibility", *COURSE).output
    assert "halve(3)" not in student and "1 hidden check (results not shown)" in student
    scope = json.loads(run("visibility", "--format", "gradescope", *COURSE).output)
    assert [t["visibility"] for t in scope["tests"]] == ["visible", "hidden"]
    # the visible summary gives away neither the hidden result nor a total that includes it
    assert "Public checks: 1/1" in scope["output"] and "1/3" not in scope["output"]
    classroom = json.loads(run("visibility", "--format", "classroom", *COURSE).output)
    junit = run("visibility", "--format", "junit", *COURSE).output
    hidden = classroom["tests"][1]
    assert (hidden["filename"], hidden["line_no"], hidden["test_code"]) == ("", 0, "")
    assert "solutions" not in junit and "test_halve_odd" not in junit


def test_without_the_hidden_file_the_wording_stays_honest(tmp_path: Path) -> None:
    import shutil

    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    (course / "solutions" / "visibility" / "checks" / "test_halve.py").unlink()
    (course / "exercises" / "visibility" / "halve.py").write_text(
        "def halve(x):\n    return x / 2\n", encoding="utf-8")
    result = run("visibility", "--course", str(course))
    assert result.exit_code == 0, result.output
    assert "everything passes" not in result.output
    assert "all public checks pass; hidden checks run when your instructor grades" in result.output
    assert "1 hidden check run when your instructor grades" in result.output


@given(checks=st.integers(1, 400), message_chars=st.integers(0, 20_000))
@settings(max_examples=25)
def test_the_classroom_result_always_fits_an_environment_variable(checks: int,
                                                                  message_chars: int) -> None:
    # the workflow passes it to the reporter in one variable, which Linux caps at 128 KiB
    from fractions import Fraction

    from grader.reporters import classroom
    from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, GradingRun, Status

    failure = Failure(FailureKind.MISMATCH, "ü" * message_chars)
    results = tuple(
        CheckResult(f"test_{n}", f"check {n}", Status.FAIL, Fraction(0), Fraction(1, 2), failure,
                    code="x = 1\n" * message_chars)
        for n in range(checks))
    exercise = ExerciseResult("chinchilla", "Chinchilla", "code", "chinchilla.py", results)
    run = GradingRun("day06", "What are LLMs?", "exercises/day06", (exercise,))
    encoded = classroom.encoded(run)
    assert len(f"DAY06_RESULTS={encoded}".encode()) < 128 * 1024
    decoded = json.loads(base64.b64decode(encoded))
    assert len(decoded["tests"]) == checks
    assert decoded["max_score"] == checks / 2
