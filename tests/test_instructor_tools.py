"""The instructor's tools as instructors use them, through the `grade` command.

- docs/authoring.md holds the field reference generated from the spec models, and
  grader/schemas/ the published schemas (`python -m pytest tests/test_instructor_tools.py
  --update-goldens` rewrites both);
- `grade new` scaffolds a day that validates at once, and the guide's example day, built from
  the files docs/authoring.md shows, validates and verifies;
- `grade verify` holds on the real course, and names each problem of a broken copy of it;
- `grade release` leaves no solutions, hidden checks, model essays or readable keys behind, and
  the release grades the reference solutions as the course does and the untouched stubs as 0.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from grader import authoring
from grader.cli import cli
from grader.pytest_plugin import classify
from grader.quiz import parse_number
from grader.results import FailureKind, Status
from tests.conftest import REPO

GUIDE = REPO / "docs" / "authoring.md"
DAY = "day06"
UPDATE = ("run `python -m pytest tests/test_instructor_tools.py --update-goldens` and review "
          "the diff")


def grade(*args: str) -> Result:
    """`grade ARGS...` as a user runs it, in this process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def grade_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m grader ARGS...` run in `cwd`: in a release, the release's own grader."""
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_COURSE", "PYTHONPATH")}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def copy_day(root: Path) -> Path:
    """A course at `root` holding a copy of the real course's day06, solutions included."""
    for part in ("exercises", "solutions"):
        shutil.copytree(REPO / part / DAY, root / part / DAY,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


def problems(output: str) -> list[str]:
    """The problem lines `grade verify` prints under "N problem(s):"."""
    lines = output.splitlines()
    start = next(n for n, line in enumerate(lines) if re.fullmatch(r"\d+ problem\(s\):", line))
    found = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        found.append(line.strip())
    return found


# --- the field reference and the published schemas -----------------------------------------


def test_the_guide_holds_the_field_reference_generated_from_the_schemas(
    request: pytest.FixtureRequest,
) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert text.count(authoring.REFERENCE_BEGIN) == 1, "the guide lost its reference markers"
    assert text.count(authoring.REFERENCE_END) == 1, "the guide lost its reference markers"
    start = text.index(authoring.REFERENCE_BEGIN) + len(authoring.REFERENCE_BEGIN)
    end = text.index(authoring.REFERENCE_END)
    expected = "\n\n" + authoring.field_reference().strip() + "\n\n"
    current = text[start:end]
    if request.config.getoption("--update-goldens"):
        GUIDE.write_text(text[:start] + expected + text[end:], encoding="utf-8")
        current = expected
    assert current == expected, f"the field reference is out of date: {UPDATE}"


def test_the_published_schemas_are_generated_from_the_spec_models(
    request: pytest.FixtureRequest,
) -> None:
    files = authoring.schema_files()
    assert set(files) == {"day-v1.json", "exercise-v1.json", "quiz-key-v1.json"}
    for name, text in files.items():
        path = authoring.SCHEMA_FOLDER / name
        if request.config.getoption("--update-goldens"):
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"{path} is missing: {UPDATE}"
        assert path.read_text(encoding="utf-8") == text, f"{path} is out of date: {UPDATE}"


def test_the_real_course_files_match_the_schemas_editors_use() -> None:
    """An editor checking day06's YAML against the published schemas finds nothing wrong."""
    day = REPO / "exercises" / DAY
    files = [(day / "day.yaml", "day"),
             *[(spec, "exercise") for spec in sorted((day / "specs").glob("*.yaml"))],
             *[(key, "quiz-key")
               for key in sorted((REPO / "solutions" / DAY / "keys").glob("*.yaml"))]]
    for path, schema in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        published = json.loads((authoring.SCHEMA_FOLDER / f"{schema}-v1.json").read_text(
            encoding="utf-8"))
        jsonschema.validate(document, published)


def test_the_reference_points_above_or_below_to_each_nested_table() -> None:
    reference = authoring.field_reference()
    headings = [m.start() for m in re.finditer(r"^#### ", reference, re.MULTILINE)]
    for match in re.finditer(r"(\w+) \((above|below)\) \|", reference):
        table = re.search(rf"^#### {match.group(1)} \(inside ", reference, re.MULTILINE)
        assert table is not None, match.group(1)
        where = "above" if table.start() < match.start() else "below"
        assert where == match.group(2), f"{match.group(1)} is {where}, not {match.group(2)}"
    assert len(headings) == reference.count("| field | type | required | description |")
    # Limits is used by day.yaml and by code specs, and its heading says so
    assert "#### Limits (inside `exercises/<day>/day.yaml`, `exercises/<day>/specs/<id>.yaml`)" \
        in reference


# --- checks as the guide tells authors to write them ---------------------------------------


def test_a_bare_assert_shows_pytests_explanation_without_its_advice_to_pass_v() -> None:
    """Students cannot pass -v to grade, so pytest's hints to its own user are left out."""
    message = ("assert {'a': 0.33333...3333333333333} == {'a': 0.5, 'b': 0.5}\n  \n"
               "  Differing items:\n  {'a': 0.3333333333333333} != {'a': 0.5}\n"
               "  Use -v to get more diff")
    status, failure = classify(AssertionError(message), "softmax_temperature.py")
    assert status is Status.FAIL and failure.kind is FailureKind.ASSERTION
    assert failure.summary == "assert {'a': 0.33333...3333333333333} == {'a': 0.5, 'b': 0.5}"
    assert failure.detail is not None
    assert "-v" not in failure.detail and "Differing items:" in failure.detail
    assert "\n  \n" not in failure.detail
    truncated = "assert [1] == [2]\n  ...Full output truncated (3 lines hidden), use '-vv' to show"
    assert "-vv" not in (classify(AssertionError(truncated), "x.py")[1].detail or "")


def test_a_numeric_answer_may_name_the_questions_own_unit() -> None:
    assert parse_number("15.6 bits", unit="bits") == 15.6
    assert parse_number("1 bit", unit="bits") == 1
    assert parse_number("3 GPUs", unit="GPU") == 3
    assert parse_number("20 tokens per parameter", unit="tokens per parameter") == 20
    with pytest.raises(ValueError):
        parse_number("15.6 bits")  # no unit of that name in the question


# --- grade new, and the guide's example day -------------------------------------------------

GUIDE_DAY = "day07"
GUIDE_EXERCISES = (("softmax_temperature", "code"), ("sampling_quiz", "quiz"),
                   ("temperature_essay", "essay"))
# <!-- file: PATH [PATH...] --> right before a fenced block: the block is that file's text
FILE_BLOCK = re.compile(r"<!-- file: ([^>]+?) -->\n```[a-z]*\n(.*?)```\n", re.DOTALL)


def guide_files() -> dict[str, str]:
    """The files of the guide's example day, by path in the course."""
    files = {}
    for paths, text in FILE_BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        for path in paths.split():
            files[path] = text
    return files


@pytest.mark.slow
def test_grade_new_scaffolds_files_that_validate_and_the_guides_example_verifies(
    tmp_path: Path,
) -> None:
    course = tmp_path / "course"
    course.mkdir()
    scaffolded = set()
    for number, (exercise, kind) in enumerate(GUIDE_EXERCISES, start=1):
        made = grade("new", GUIDE_DAY, exercise, "--kind", kind, "--course", str(course))
        assert made.exit_code == 0, made.output
        assert f"added {exercise} ({kind}) to exercises/{GUIDE_DAY}/day.yaml" in made.output
        scaffolded |= {line.strip() for line in made.output.splitlines()[1:]
                       if line.startswith("  ")}
        checked = grade("validate", GUIDE_DAY, "--course", str(course))
        assert (checked.exit_code, checked.output) == (
            0, f"{GUIDE_DAY}: valid ({number} exercises)\n")
    again = grade("new", GUIDE_DAY, "sampling_quiz", "--kind", "quiz", "--course", str(course))
    assert again.exit_code == 2 and "exist already" in again.output
    # "It is a working example: `grade verify day07` passes on it now."
    scaffold = grade("verify", GUIDE_DAY, "--course", str(course))
    assert scaffold.exit_code == 0, scaffold.output

    files = guide_files()
    missed = scaffolded - set(files)
    assert not missed, f"the guide does not show these files of its example: {missed}"
    for path, text in files.items():
        (course / path).parent.mkdir(parents=True, exist_ok=True)
        (course / path).write_text(text, encoding="utf-8")
    checked = grade("validate", GUIDE_DAY, "--course", str(course))
    assert (checked.exit_code, checked.output) == (0, f"{GUIDE_DAY}: valid (3 exercises)\n")
    verified = grade("verify", GUIDE_DAY, "--course", str(course))
    assert verified.exit_code == 0, verified.output
    assert f"{GUIDE_DAY} holds" in verified.output
    assert "strong 1.00 ✓ weak 0.00 ✓" in verified.output


# --- grade verify ---------------------------------------------------------------------------


COURSE_DAYS = sorted(p.parent.name for p in (REPO / "exercises").glob("*/day.yaml"))


def test_the_course_has_its_days() -> None:
    assert {"day00", "day06"} <= set(COURSE_DAYS)


@pytest.mark.slow
@pytest.mark.parametrize("day", COURSE_DAYS)
def test_verify_holds_on_every_day_of_the_real_course(day: str) -> None:
    result = grade("verify", day, "--course", str(REPO))
    assert result.exit_code == 0, result.output
    assert f"{day} holds: solutions score full marks, stubs score zero" in result.output
    assert "✗" not in result.output and "problem(s)" not in result.output
    listed = yaml.safe_load((REPO / "exercises" / day / "day.yaml").read_text("utf-8"))
    for exercise in listed["exercises"]:
        assert re.search(rf"^  {exercise} ", result.output, re.MULTILINE), exercise


@pytest.mark.slow
def test_verify_names_a_bug_in_a_check_for_its_author(tmp_path: Path) -> None:
    for folder in ("exercises", "solutions"):
        shutil.copytree(REPO / folder / "day00", tmp_path / folder / "day00")
    checks = tmp_path / "exercises" / "day00" / "checks" / "test_word_count.py"
    lines = checks.read_text(encoding="utf-8").splitlines()
    call = next(n for n, line in enumerate(lines) if "count_words(" in line
                and line.startswith("    ") and "submission" in line)
    lines.insert(call + 1, "    undefined_name")  # runs after the student's code returned
    checks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert grade("seal", "day00", "--course", str(tmp_path)).exit_code == 0
    result = grade("verify", "day00", "--course", str(tmp_path))
    assert result.exit_code == 1, result.output  # the day does not hold; the grader is fine
    assert (f"has a bug: it raised NameError: name 'undefined_name' is not defined at "
            f"test_word_count.py, line {call + 2}") in result.output
    assert "please tell your instructor" not in result.output


@pytest.fixture(scope="module")
def broken_verification(tmp_path_factory: pytest.TempPathFactory) -> Result:
    """`grade verify` on a copy of day06 with three mistakes an author could make.

    To keep it quick, the copy's day lists only the three exercises it breaks and a quiz it
    leaves alone."""
    course = copy_day(tmp_path_factory.mktemp("broken"))
    kept = ["chinchilla", "emergence_metrics", "scale_quiz", "qa_emergence_essay"]
    day_file = course / "exercises" / DAY / "day.yaml"
    day = yaml.safe_load(day_file.read_text(encoding="utf-8"))
    for exercise in day["exercises"]:
        if exercise not in kept:
            (course / "exercises" / DAY / "specs" / f"{exercise}.yaml").unlink()
    day["exercises"] = kept
    day_file.write_text(yaml.safe_dump(day, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    # a solution that forgets that a bool is not a model size
    solution = course / "solutions" / DAY / "chinchilla.py"
    text = solution.read_text(encoding="utf-8")
    lenient = text.replace("isinstance(value, bool) or ", "")
    assert lenient != text
    solution.write_text(lenient, encoding="utf-8")
    # a stub that already does part of the work
    stub = course / "exercises" / DAY / "emergence_metrics.py"
    stub.write_text(stub.read_text(encoding="utf-8")
                    + "\n\ndef exact_match_accuracy(per_token_accuracy, answer_length):\n"
                    "    return per_token_accuracy ** answer_length\n", encoding="utf-8")
    # a weak model essay that is as good as the strong one
    essays = course / "solutions" / DAY / "essays" / "qa_emergence_essay"
    shutil.copyfile(essays / "strong.md", essays / "weak.md")
    return grade("verify", DAY, "--course", str(course))


@pytest.mark.slow
def test_verify_fails_a_broken_day_with_exit_1(broken_verification: Result) -> None:
    assert broken_verification.exit_code == 1, broken_verification.output
    assert f"{DAY} does not hold: fix the problems above." in broken_verification.output
    named = {line.split(":")[0] for line in problems(broken_verification.output)}
    assert named == {"chinchilla", "emergence_metrics", "qa_emergence_essay"}


@pytest.mark.slow
def test_verify_names_the_check_a_solution_fails_and_how(broken_verification: Result) -> None:
    found = [p for p in problems(broken_verification.output) if p.startswith("chinchilla:")]
    assert any(p.startswith("chinchilla: the solution fails test_rejects_bool (optimal_tokens"
                            "(True) raises ValueError: a bool is not a model size)")
               and p.endswith("optimal_tokens(True) returned 20; expected it to raise ValueError")
               for p in found), found
    assert re.search(r"^  chinchilla +code +10/12 ✗", broken_verification.output, re.MULTILINE)


@pytest.mark.slow
def test_verify_names_each_check_a_stub_passes(broken_verification: Result) -> None:
    found = [p for p in problems(broken_verification.output)
             if p.startswith("emergence_metrics:")]
    assert ("emergence_metrics: test_exact_match (exact_match_accuracy(p, L) is p ** L: all L "
            "tokens right, each with chance p) passes against the untouched stub, so it cannot "
            "tell finished work from unstarted work") in found
    assert all("passes against the untouched stub" in p for p in found), found
    assert re.search(r"^  emergence_metrics +code +15/15 ✓ +[1-9]\d*/15 ✗",
                     broken_verification.output, re.MULTILINE)


@pytest.mark.slow
def test_verify_names_a_model_essay_outside_its_band(broken_verification: Result) -> None:
    assert ("qa_emergence_essay: model essay weak.md scores 1.00 of the points, outside its band "
            "0.00-0.30") in problems(broken_verification.output)
    assert "strong 1.00 ✓ weak 1.00 ✗" in broken_verification.output


# --- grade release --------------------------------------------------------------------------

HIDDEN_CHECK = '''\
"""Hidden checks of chinchilla.py."""

from grader.checks import close


def test_hidden_tiny_models(submission):
    """optimal_tokens scales all the way down: 0.0004B parameters need 0.008B tokens"""
    close(submission.optimal_tokens(0.0004), 0.008)
'''


@dataclass(frozen=True)
class Release:
    course: Path
    out: Path
    output: str

    def files(self) -> Iterator[Path]:
        return (p for p in sorted(self.out.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts)

    def texts(self) -> dict[Path, str]:
        """Every released file as text, its whitespace collapsed (binary files left out)."""
        found = {}
        for path in self.files():
            try:
                found[path] = " ".join(path.read_text(encoding="utf-8").split())
            except UnicodeDecodeError:
                continue
        return found


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """day06 with a hidden check added, sealed and released."""
    course = copy_day(tmp_path_factory.mktemp("course"))
    hidden = course / "solutions" / DAY / "checks" / "test_chinchilla.py"
    hidden.parent.mkdir()
    hidden.write_text(HIDDEN_CHECK, encoding="utf-8")
    spec_path = course / "exercises" / DAY / "specs" / "chinchilla.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["checks"]["test_hidden_tiny_models"] = {"points": 2, "visibility": "hidden"}
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True),
                         encoding="utf-8")
    sealed = grade("seal", DAY, "--course", str(course))
    assert sealed.exit_code == 0 and "sealed 5 check file(s)" in sealed.output, sealed.output
    out = course.parent / "student"
    result = grade("release", DAY, "--out", str(out), "--course", str(course))
    assert result.exit_code == 0, result.output
    return Release(course, out, result.output)


def test_release_says_what_it_left_out(release: Release) -> None:
    assert f"released {DAY} into {release.out}" in release.output
    assert "quiz keys as salted hashes: scale_quiz" in release.output
    assert ("left out: solutions, 1 hidden check(s), 4 model essay(s), the readable keys"
            in release.output)


def test_release_has_no_solutions_hidden_checks_or_model_essays(release: Release) -> None:
    relative = [p.relative_to(release.out) for p in release.files()]
    assert not [p for p in relative if p.parts[0] == "solutions" or "essays" in p.parts]
    assert [p.as_posix() for p in relative if p.name == "test_chinchilla.py"] == [
        f"exercises/{DAY}/checks/test_chinchilla.py"]
    solutions = release.course / "solutions" / DAY
    answers = {p.read_bytes() for p in solutions.rglob("*") if p.is_file()}
    assert not [p for p in release.files() if p.read_bytes() in answers]
    texts = release.texts()
    secrets = ["optimal_tokens scales all the way down", "test_hidden_tiny_models(submission)"]
    for essay in sorted((solutions / "essays").glob("*/*.md")):
        # the longest line of each model essay, which no other file shares
        secrets.append(max(essay.read_text(encoding="utf-8").splitlines(), key=len).strip())
    for secret in secrets:
        leaks = [p for p, text in texts.items() if " ".join(secret.split()) in text]
        assert not leaks, f"{secret!r} is in {leaks}"


def _leaves(data: Any) -> Iterator[Any]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _leaves(value)
    elif isinstance(data, list):
        for item in data:
            yield from _leaves(item)
    else:
        yield data


def test_release_has_no_readable_quiz_key(release: Release) -> None:
    key_file = REPO / "solutions" / DAY / "keys" / "scale_quiz.yaml"
    key = yaml.safe_load(key_file.read_text(encoding="utf-8"))["answers"]
    assert not [p for p in release.files() if p.suffix in (".yaml", ".yml")
                and p.parent.name == "keys"]
    hashed = json.loads((release.out / "exercises" / DAY / "keys" / "scale_quiz.json")
                        .read_text(encoding="utf-8"))
    leaves = list(_leaves(hashed))
    numbers = [x for x in leaves if isinstance(x, int | float) and not isinstance(x, bool)]
    strings = {x for x in leaves if isinstance(x, str)}
    texts = release.texts()
    for question, entry in key.items():
        for accepted in entry["accept"]:
            value = accepted["value"]
            for written in value if isinstance(value, list) else [value]:
                assert str(written) not in strings, (question, written)
                number = (parse_number(written) if isinstance(written, str)
                          and re.fullmatch(r"[\d.]+[BT]?", written) else written)
                if isinstance(number, int | float):  # a numeric answer: not among the numbers
                    assert not [x for x in numbers if math.isclose(x, number, rel_tol=0.05)]
                if question == "continuous_metric" and len(written) > 10:  # a text pattern
                    assert not [p for p, text in texts.items() if written in text], written
            feedback = " ".join(accepted.get("feedback", "").split())
            assert feedback, question
            leaks = [p for p, text in texts.items() if feedback[:60] in text]
            assert not leaks, f"{question}'s feedback is in {leaks}"


def test_release_has_a_readme_for_students(release: Release) -> None:
    readme = (release.out / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install -e ." in readme
    assert f"grade {DAY}" in readme
    assert f"`{DAY}`" in readme and "exercises/day06/" in readme
    assert "solutions" not in readme


def _scores(report: dict[str, Any]) -> dict[tuple[str, str], tuple[str, Any]]:
    """(exercise, check) -> (status, score) of every check a student sees."""
    return {(e["id"], c["id"]): (c["status"], c["score"])
            for e in report["exercises"] for c in e["checks"] if c["visibility"] == "visible"}


@pytest.mark.slow
def test_the_release_grades_the_solutions_as_the_course_does(
    release: Release, tmp_path: Path
) -> None:
    source = grade(DAY, "--solutions", "--format", "json", "--course", str(release.course))
    assert source.exit_code == 0, source.output
    expected = json.loads(source.output)
    submission = tmp_path / "submission"
    submission.mkdir()
    for path in (release.course / "solutions" / DAY).iterdir():
        if path.is_file():
            shutil.copy(path, submission / path.name)
    graded = grade_process(DAY, "--submission", str(submission), "--format", "json",
                           cwd=release.out)
    assert graded.returncode == 0, graded.stderr
    released = json.loads(graded.stdout)
    assert _scores(released) == _scores(expected)
    assert released["score"] == released["max_score"] == expected["max_score"] - 2
    chinchilla = next(e for e in released["exercises"] if e["id"] == "chinchilla")
    assert chinchilla["hidden_absent"] == 1


@pytest.mark.slow
def test_the_untouched_release_scores_zero(release: Release) -> None:
    graded = grade_process(DAY, "--format", "json", cwd=release.out)
    assert graded.returncode == 1, graded.stderr
    report = json.loads(graded.stdout)
    assert report["score"] == 0 and report["max_score"] > 0
    assert all(c["score"] == 0 for e in report["exercises"] for c in e["checks"])
