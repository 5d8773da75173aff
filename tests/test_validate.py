"""`grade validate` on malformed courses: each mistake an instructor makes is reported with the
message meant for it, where it is (file:line:column), exit status 2 and no traceback.

Each case in tests/malformed/cases/<name>/ is the valid course tests/malformed/base/ with a few
files replaced (same relative paths) and the files listed in delete.txt deleted. Its expect.yaml
says what validate must print: `message` and `location` (file:line:column, or `file: ` for a
problem with the whole file) on one line of the output; `exit`, the exit status (2); and
optionally `problems`, how many problems are reported, where one mistake must not come with a
cascade of consequences. `about` says what the mistake is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from grader.cli import cli

MALFORMED = Path(__file__).resolve().parent / "malformed"
BASE = MALFORMED / "base"
CASES = sorted(p.name for p in (MALFORMED / "cases").iterdir() if p.is_dir())
CASE_FILES = ("expect.yaml", "delete.txt")  # the case's own files, not course files


def validate(course: Path) -> Result:
    return CliRunner().invoke(cli, ["validate", "--course", str(course), "day01"])


def build(case: str, course: Path) -> dict[str, object]:
    """The base course with `case` laid over it, in `course`; returns the case's expectations."""
    folder = MALFORMED / "cases" / case
    shutil.copytree(BASE, course)
    changed = False
    for source in sorted(folder.rglob("*")):
        relative = source.relative_to(folder)
        if source.is_dir() or relative.as_posix() in CASE_FILES:
            continue
        target = course / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        changed |= not target.is_file() or target.read_bytes() != source.read_bytes()
        shutil.copyfile(source, target)
    deletions = folder / "delete.txt"
    if deletions.is_file():
        for line in deletions.read_text(encoding="utf-8").splitlines():
            if line.strip():
                target = course / line.strip()
                assert target.is_file(), f"{case}/delete.txt names {line.strip()}, not in base"
                target.unlink()
                changed = True
    assert changed, f"{case} changes nothing in the base course"
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    assert isinstance(expect, dict) and expect.get("message") and expect.get("location"), case
    return expect


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 24


def test_the_base_course_is_valid(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(BASE, course)
    result = validate(course)
    assert result.exit_code == 0, result.output
    assert result.output == "day01: valid (3 exercises)\n"


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_course_is_reported_where_the_mistake_is(tmp_path: Path, case: str) -> None:
    course = tmp_path / "course"
    expect = build(case, course)
    before = snapshot(course)
    result = validate(course)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert result.exit_code == expect.get("exit", 2), result.output
    message, location = str(expect["message"]), str(expect["location"])
    assert any(message in line and location in line for line in result.output.splitlines()), (
        f"expected a line with {location!r} and {message!r} in:\n{result.output}")
    if "problems" in expect:
        assert f"day01: {expect['problems']} problem(s)" in result.output, result.output
    assert snapshot(course) == before  # nothing written, nothing changed


@pytest.mark.parametrize("case", ["missing_solution", "non_utf8_yaml", "checks_syntax_error"])
def test_validate_leaves_every_file_byte_for_byte_as_it_was(tmp_path: Path, case: str) -> None:
    course = tmp_path / "course"
    build(case, course)
    stub = course / "exercises" / "day01" / "adder.py"
    stub.write_bytes(stub.read_bytes() + b"\n# a student's work in progress\n")
    before = snapshot(course)
    validate(course)
    validate(course)
    assert snapshot(course) == before
