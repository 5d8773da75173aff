"""Reading a course: instructors' mistakes are reported with file, line, field and a fix."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from grader.catalog import Course
from grader.errors import AuthoringError, UsageError
from grader.spec import ResolvedLimits
from grader.validate import validate_day

GOOD_SPEC = """\
schema: 1
kind: code
title: Add
hint: Return a + b.
checks:
  test_add: 2
"""
GOOD_CHECKS = '''\
def test_add(submission):
    """add(1, 2) is 3"""
    assert submission.add(1, 2) == 3
'''


def write_course(root: Path, spec: str = GOOD_SPEC, checks: str | None = GOOD_CHECKS,
                 day: str = "schema: 1\ntitle: T\nexercises: [adder]\n",
                 stub: bool = True) -> Course:
    day_dir = root / "exercises" / "day01"
    (day_dir / "specs").mkdir(parents=True)
    (day_dir / "checks").mkdir()
    (day_dir / "day.yaml").write_text(day, encoding="utf-8")
    (day_dir / "specs" / "adder.yaml").write_text(textwrap.dedent(spec), encoding="utf-8")
    if checks is not None:
        (day_dir / "checks" / "test_adder.py").write_text(checks, encoding="utf-8")
    if stub:
        (day_dir / "adder.py").write_text("def add(a, b):\n    raise NotImplementedError\n",
                                          encoding="utf-8")
    return Course(root)


def problems_of(course: Course) -> list[str]:
    with pytest.raises(AuthoringError) as caught:
        course.load_day("day01")
    return [str(p) for p in caught.value.problems]


def test_a_good_day_loads_with_paths_derived_from_ids(tmp_path: Path) -> None:
    course = write_course(tmp_path)
    day = course.load_day("day01")
    (exercise,) = day.exercises
    assert exercise.student_file == "adder.py"
    assert exercise.stub_path == tmp_path / "exercises" / "day01" / "adder.py"
    assert exercise.solution_path == tmp_path / "solutions" / "day01" / "adder.py"
    assert [(c.name, c.title) for c in exercise.checks] == [("test_add", "add(1, 2) is 3")]
    assert exercise.limits == ResolvedLimits()


def test_limits_layer_exercise_over_day_over_defaults(tmp_path: Path) -> None:
    course = write_course(
        tmp_path,
        spec=GOOD_SPEC + "limits:\n  call_timeout: 5\n",
        day="schema: 1\ntitle: T\nexercises: [adder]\nlimits: {call_timeout: 2, memory_mb: 256}\n",
    )
    limits = course.load_day("day01").exercises[0].limits
    assert (limits.call_timeout, limits.memory_mb, limits.max_examples) == (5, 256, 100)


@pytest.mark.parametrize(
    "spec, expected",
    [
        (GOOD_SPEC.replace("hint:", "hnit:"),
         ["specs/adder.yaml:4:1: hnit: unknown key `hnit` (did you mean `hint`?)",
          "hint: this required key is missing"]),
        (GOOD_SPEC.replace("test_add: 2", "test_add: two"),
         ["specs/adder.yaml:6:13: checks.test_add:"]),
        (GOOD_SPEC.replace("title: Add", "title: NO"),
         ["title: Input should be a valid string, got False",
          'YAML reads NO as false; write "NO" in quotes']),
        (GOOD_SPEC.replace("kind: code", "kind: cod"),
         ["kind: `kind` must be one of code, quiz, essay, got 'cod' (did you mean `code`?)"]),
        (GOOD_SPEC.replace("schema: 1", "schema: 2"), ["schema: `schema` must be 1"]),
        (GOOD_SPEC + "title: again\n", ["specs/adder.yaml:7:1: title: this key appears twice"]),
        (GOOD_SPEC.replace("checks:", "checks: [").replace("test_add: 2", "]"),
         ["specs/adder.yaml"]),
        (GOOD_SPEC + "limits:\n  call_timeout: 1e3\n",
         ["limits.call_timeout", "YAML 1.1 reads 1e3 as text"]),
        (GOOD_SPEC.replace("test_add: 2", "test_add: -1"),
         ["checks.test_add", "greater than or equal to 0"]),
    ],
    ids=["typo", "points-text", "yaml-no", "bad-kind", "schema", "duplicate-key", "bad-yaml",
         "float-trap", "negative-points"],
)
def test_spec_mistakes_are_reported_where_they_are(tmp_path: Path, spec: str,
                                                    expected: list[str]) -> None:
    text = "\n".join(problems_of(write_course(tmp_path, spec=spec)))
    for fragment in expected:
        assert fragment in text


def test_a_missing_student_file_is_for_validate_to_report_not_for_loading(
    tmp_path: Path,
) -> None:
    course = write_course(tmp_path, stub=False)
    # grading goes on: the exercise scores 0 and says how to get the file back
    assert [e.id for e in course.load_day("day01").exercises] == ["adder"]
    errors = [str(p) for p in validate_day(course, "day01").errors]
    assert any("the student file exercises/day01/adder.py is missing" in e for e in errors)


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"checks": None}, "the checks file exercises/day01/checks/test_adder.py is missing"),
        ({"checks": GOOD_CHECKS.replace("test_add", "test_sum")},
         "check test_add is not defined in exercises/day01/checks/test_adder.py"),
        ({"checks": GOOD_CHECKS + "\ndef test_more(submission):\n    '''more'''\n"},
         "check test_more has no points in exercises/day01/specs/adder.yaml"),
        ({"checks": GOOD_CHECKS.replace('"""add(1, 2) is 3"""', "pass")},
         "check test_add needs a docstring"),
        ({"checks": "def test_add(:\n"}, "not valid Python"),
        ({"day": "schema: 1\ntitle: T\nexercises: [adder, subtract]\n"},
         "exercise 'subtract' has no spec: exercises/day01/specs/subtract.yaml is missing"),
        ({"day": "schema: 1\ntitle: T\nexercises: [adder, adder]\n"},
         "exercise 'adder' is listed twice"),
        ({"day": "schema: 1\ntitle: T\nexercises: [random]\n"},
         "'random' is the name of a Python module"),
    ],
    ids=["no-checks", "unknown-check", "unpointed-check", "no-docstring",
         "checks-syntax", "no-spec", "duplicate-id", "reserved-id"],
)
def test_missing_and_mismatched_files_are_named(tmp_path: Path, changes: dict[str, object],
                                                 expected: str) -> None:
    course = write_course(tmp_path, **changes)  # type: ignore[arg-type]
    assert any(expected in p for p in problems_of(course))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    course = write_course(tmp_path, spec=GOOD_SPEC.replace("hint:", "hnit:").replace(
        "title: Add", "title: 12"))
    assert len(problems_of(course)) == 3


@pytest.mark.parametrize("typed", ["day01", "day1", "1", "DAY01"])
def test_days_can_be_named_loosely(tmp_path: Path, typed: str) -> None:
    assert write_course(tmp_path).resolve_day_name(typed) == "day01"


def test_an_unknown_day_suggests_the_nearest(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=re.escape("no day 'dya01'. Did you mean day01?")):
        write_course(tmp_path).resolve_day_name("dya01")


def test_an_unknown_exercise_suggests_the_nearest(tmp_path: Path) -> None:
    day = write_course(tmp_path).load_day("day01")
    with pytest.raises(UsageError, match=re.escape("no exercise 'ader'. Did you mean adder?")):
        day.exercise("ader")


def test_the_course_is_found_from_a_subfolder(tmp_path: Path) -> None:
    write_course(tmp_path)
    inside = tmp_path / "exercises" / "day01" / "checks"
    assert Course.find(start=inside).root == tmp_path.resolve()


def test_outside_a_course_the_message_says_what_to_do(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADE_COURSE", raising=False)
    with pytest.raises(UsageError, match="run grade inside the course folder"):
        Course.find(start=tmp_path)
