"""The `grade` command as users run it: exit statuses, formats, terminals, and bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import cli
from tests.conftest import FIXTURE_COURSE, REPO

COURSE = ["--course", str(FIXTURE_COURSE)]


def run(*args: str, charset: str = "utf-8", env: dict[str, str] | None = None):
    return CliRunner(charset=charset).invoke(cli, list(args), env=env, catch_exceptions=False)


def test_list_shows_days_exercises_and_points() -> None:
    result = run("list", *COURSE)
    assert result.exit_code == 0
    assert "demo  A demo day for the grader's own tests  (22 points)" in result.output
    assert "  adder       code     4  Add two numbers (adder)" in result.output
    assert "  mini_quiz   quiz     3  A two-question quiz" in result.output


def test_one_passing_exercise_exits_0() -> None:
    result = run("demo", "adder", *COURSE)
    assert result.exit_code == 0, result.output
    assert "✓ adder" in result.output
    assert "Total: 4/4 (100%)" in result.output


def test_a_failing_exercise_exits_1_with_the_failing_case() -> None:
    result = run("demo", "wrong", *COURSE)
    assert result.exit_code == 1
    assert "add(11, 1) returned 10; expected 12" in result.output
    assert "a=11, b=1" in result.output
    assert "Hint: Return a + b." in result.output
    assert "Traceback" not in result.output


def test_solutions_exit_0() -> None:
    result = run("demo", "--solutions", *COURSE)
    assert result.exit_code == 0, result.output
    assert "Total: 22/22 (100%)" in result.output


def test_json_has_the_documented_fields_and_matching_totals() -> None:
    result = run("demo", "adder", "wrong", "mini_quiz", "--format", "json", *COURSE)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {"score", "max_score", "exercises"} <= report.keys()
    for exercise in report["exercises"]:
        assert {"id", "score", "max_score", "checks"} <= exercise.keys()
        for check in exercise["checks"]:
            assert {"name", "status", "score", "max_score", "message"} <= check.keys()
            assert check["status"] in {"pass", "fail", "error", "timeout", "not_implemented"}
        assert exercise["score"] == sum(c["score"] for c in exercise["checks"])
    assert report["score"] == sum(e["score"] for e in report["exercises"]) == 7
    assert report["max_score"] == 11


def test_output_option_writes_the_report_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run("demo", "adder", "--format", "json", "--output", str(target), *COURSE)
    assert result.exit_code == 0
    assert result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["score"] == 4


def test_submission_folder_is_graded_instead_of_the_exercises(tmp_path: Path) -> None:
    (tmp_path / "wrong.py").write_text("def add(a, b):\n    return a * b\n", encoding="utf-8")
    result = run("demo", "wrong", "--submission", str(tmp_path), *COURSE)
    assert result.exit_code == 1
    assert "add(2, 3) returned 6; expected 5" in result.output


def test_a_file_missing_from_the_submission_costs_that_exercise_only(tmp_path: Path) -> None:
    (tmp_path / "adder.py").write_text(
        (FIXTURE_COURSE / "solutions" / "demo" / "adder.py").read_text(), encoding="utf-8")
    result = run("demo", "adder", "wrong", "--submission", str(tmp_path), *COURSE)
    assert result.exit_code == 1
    assert "✓ adder" in result.output
    assert "wrong.py was not found" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["nosuchday"], "there is no day 'nosuchday'"),
        (["demo", "ader"], "no exercise 'ader'. Did you mean adder?"),
        (["demo", "--submission", "/nonexistent/dir"], "--submission /nonexistent/dir: no such"),
        (["demo", "--solutions", "--submission", "."], "either --solutions or --submission"),
        (["demo", "--format", "xml"], "Invalid value for '--format'"),
        (["demo", "--fail-under", "nan"], "'nan' is not a percentage"),
        (["demo", "--fail-under", "abc"], "'abc' is not a percentage"),
        (["demo", "--fail-under", "150"], "give a number from 0 to 100"),
        (["demo", "--bogus"], " demo --help' for help"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(args: list[str],
                                                             message: str) -> None:
    result = run(*args, *COURSE)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_outside_a_course_exit_2(tmp_path: Path) -> None:
    result = run("demo", "--course", str(tmp_path))
    assert result.exit_code == 2
    assert "is not a course" in result.output


def test_no_colour_unless_asked_and_colour_when_asked() -> None:
    plain = run("demo", "wrong", *COURSE)
    assert "\x1b[" not in plain.output
    coloured = run("demo", "wrong", "--color", *COURSE)
    assert "\x1b[31m" in coloured.output


def test_a_console_that_cannot_print_unicode_gets_ascii() -> None:
    result = run("demo", "adder", "wrong", *COURSE, charset="cp1252")
    assert result.exit_code == 1
    assert "PASS adder" in result.output and "FAIL wrong" in result.output
    assert "✓" not in result.output


def test_the_command_runs_as_an_installed_program_on_an_ascii_console(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="cp1252", NO_COLOR="1")
    completed = subprocess.run(
        [sys.executable, "-m", "grader", "demo", "wrong", "mini_essay", *COURSE],
        capture_output=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert completed.returncode == 1
    text = completed.stdout.decode("cp1252")
    assert "FAIL wrong" in text
    assert "Traceback" not in completed.stderr.decode("cp1252", "replace")


def test_version_and_help() -> None:
    assert run("--version").output.startswith("grade, version ")
    help_text = run("--help").output
    assert "grade day06" in help_text and "list" in help_text


def test_help_of_a_day_lists_its_options() -> None:
    result = run("demo", "--help", *COURSE)
    assert result.exit_code == 0
    for option in ("--submission", "--solutions", "--format", "--output"):
        assert option in result.output


def test_the_real_course_is_found_from_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "exercises")
    monkeypatch.delenv("GRADE_COURSE", raising=False)
    result = run("list")
    assert result.exit_code == 0
    assert result.output.startswith("day00  Warm-up: how grading works")
    assert "\nday06  What are LLMs?" in result.output


# --- bugs found by trying it, pinned ---------------------------------------------------------


def test_an_exercise_named_twice_is_graded_once() -> None:
    report = json.loads(run("demo", "adder", "adder", "--format", "json", *COURSE).output)
    assert [e["id"] for e in report["exercises"]] == ["adder"]
    assert report["max_score"] == 4


def test_output_never_overwrites_a_students_file(tmp_path: Path) -> None:
    student = tmp_path / "adder.py"
    student.write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    before = student.read_bytes()
    result = run("demo", "adder", "--submission", str(tmp_path), "--output", str(student),
                 *COURSE)
    assert result.exit_code == 2
    assert "would overwrite" in result.output
    assert student.read_bytes() == before


def test_output_never_overwrites_a_student_file_that_is_not_being_graded(tmp_path: Path) -> None:
    other = tmp_path / "mini_essay.md"
    other.write_text("My essay.\n", encoding="utf-8")
    result = run("demo", "adder", "--submission", str(tmp_path), "--output", str(other), *COURSE)
    assert result.exit_code == 2
    assert other.read_text(encoding="utf-8") == "My essay.\n"


def test_an_unpacked_macos_archive_is_found_beside_its_metadata_folder(tmp_path: Path) -> None:
    top = tmp_path / "my-work"
    top.mkdir()
    shutil.copy(FIXTURE_COURSE / "solutions" / "demo" / "adder.py", top)
    (tmp_path / "__MACOSX" / "my-work").mkdir(parents=True)
    (tmp_path / "__MACOSX" / "my-work" / "._adder.py").write_bytes(b"\x00\x05\x16\x07")
    result = run("demo", "adder", "--submission", str(tmp_path), "--format", "json", *COURSE)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["score"] == 4


def test_output_into_a_missing_folder_is_a_usage_error() -> None:
    result = run("demo", "adder", "--output", "/nonexistent/folder/report.json", *COURSE)
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_options_may_come_before_the_day() -> None:
    result = run("--format", "json", *COURSE, "demo", "adder")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["score"] == 4


def test_a_file_given_as_the_submission_folder_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    result = run("demo", "--submission", str(tmp_path / "notes.md"), *COURSE)
    assert result.exit_code == 2
    assert "is a file: give the folder" in result.output


def test_a_bug_in_a_check_is_a_grader_error_not_the_students(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    checks = course / "exercises" / "demo" / "checks" / "test_adder.py"
    checks.write_text(checks.read_text().replace("close(submission.add(2, 3), 5)",
                                                 "close(submission.add(2, 3), undefined_name)"))
    result = run("demo", "adder", "--course", str(course))
    assert result.exit_code == 3
    assert "a mistake in the check, not in your code" in result.output
    assert "NameError" in result.output


def test_a_crash_grading_a_quiz_costs_that_quiz_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.runner

    def broken(job: object) -> None:
        raise RuntimeError("a bug in the quiz marker")

    monkeypatch.setattr(grader.runner, "grade_quiz", broken)
    report = json.loads(run("demo", "adder", "mini_quiz", "--format", "json", *COURSE).output)
    assert report["exercises"][0]["score"] == 4
    assert "a bug in the quiz marker" in report["grader_errors"][0]


def test_sealing_after_changing_a_check_makes_it_trusted_again(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    checks = course / "exercises" / "hostile" / "checks" / "test_target.py"
    checks.write_text(checks.read_text() + "\n# a comment the instructor added\n")
    tampered = run("hostile", "target", "--solutions", "--course", str(course))
    assert tampered.exit_code == 1 and "has been changed" in tampered.output
    assert run("seal", "hostile", "--course", str(course)).exit_code == 0
    resealed = run("hostile", "target", "--solutions", "--course", str(course))
    assert resealed.exit_code == 0, resealed.output


def test_what_a_file_printed_before_it_failed_to_load_is_shown_once(tmp_path: Path) -> None:
    # the file is loaded once: its output, which often says why it failed, appears once
    (tmp_path / "target.py").write_text(
        "import os\nprint('loading', os.urandom(4).hex())\nraise ValueError('boom')\n",
        encoding="utf-8")
    result = run("hostile", "target", "--submission", str(tmp_path), *COURSE)
    assert result.exit_code == 1, result.output
    assert "ValueError: boom" in result.output
    assert "your code printed:" in result.output
    assert result.output.count("loading ") == 1, result.output


@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminal")
def test_a_terminal_is_told_grading_has_started_and_a_pipe_is_not() -> None:
    import pty

    command = [sys.executable, "-m", "grader", "demo", "adder", "--solutions", *COURSE]
    leader, follower = pty.openpty()
    try:
        on_terminal = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower,
                                     timeout=120, cwd=REPO)
        os.close(follower)
        said = os.read(leader, 4096).decode("utf-8", "replace")
    finally:
        os.close(leader)
    assert on_terminal.returncode == 0
    assert "Grading demo: 1 exercise..." in said
    piped = subprocess.run(command, capture_output=True, timeout=120, cwd=REPO)
    assert piped.returncode == 0 and b"Grading demo" not in piped.stderr


def test_starting_a_course_in_an_empty_folder_says_how(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRADE_COURSE", raising=False)
    refused = run("new", "day01", "adder", "--kind", "code")
    assert refused.exit_code == 2
    assert "to start a new course in this folder, pass --course ." in refused.output
    made = run("new", "day01", "adder", "--kind", "code", "--course", ".")
    assert made.exit_code == 0, made.output
    assert (tmp_path / "exercises" / "day01" / "specs" / "adder.yaml").is_file()
