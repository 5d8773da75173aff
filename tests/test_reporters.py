"""Every report format, on every situation: golden files, validity by each platform's rules, and
the same totals everywhere.

The golden files live in tests/golden/<scenario>/; after an intended change of wording, run
`python -m pytest tests/test_reporters.py --update-goldens` and review the diff.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from grader.reporters import classroom, gradescope, junit, markdown, terminal
from grader.reporters import json as json_report
from grader.results import GradingRun
from tests.scenarios import SCENARIOS

GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "grader" / "schemas" / "results-v1.json")
    .read_text(encoding="utf-8")
)

FORMATS: dict[str, Callable[[GradingRun], str]] = {
    "terminal.txt": lambda run: terminal.render(run, terminal.Style(color=False, unicode=True)),
    "terminal-ascii.txt": lambda run: terminal.render(run, terminal.Style(unicode=False)),
    "results.json": json_report.render,
    "gradescope.json": gradescope.render,
    "classroom.json": classroom.render,
    "junit.xml": junit.render,
    "summary.md": markdown.render,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("filename", sorted(FORMATS))
def test_golden_files(name: str, filename: str, request: pytest.FixtureRequest) -> None:
    rendered = FORMATS[filename](SCENARIOS[name]())
    path = GOLDEN / name / filename
    if request.config.getoption("--update-goldens"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with --update-goldens"
    assert rendered == path.read_text(encoding="utf-8")


def totals(run: GradingRun) -> dict[str, tuple[str, str]]:
    """The total and maximum as each format states them."""
    found: dict[str, tuple[str, str]] = {}
    text = terminal.render(run, terminal.Style())
    match = re.search(r"Total: ([\d.]+)/([\d.]+)", text)
    assert match
    found["terminal"] = (match.group(1), match.group(2))
    match = re.search(r"Total: ([\d.]+)/([\d.]+)", markdown.render(run))
    assert match
    found["markdown"] = (match.group(1), match.group(2))
    report = json_report.as_dict(run)
    found["json"] = (str(report["score"]), str(report["max_score"]))
    scope = gradescope.as_dict(run)
    found["gradescope"] = (str(scope["score"]), str(scope["extra_data"]["max_score"]))
    found["gradescope tests"] = (
        _sum(t["score"] for t in scope["tests"]), _sum(t["max_score"] for t in scope["tests"]))
    room = json.loads(base64.b64decode(classroom.encoded(run)))
    found["classroom"] = (_sum(t["score"] for t in room["tests"]), str(room["max_score"]))
    suites = JUnitXml.fromstring(junit.render(run))
    scores = [{p.name: p.value for p in suite.properties()} for suite in suites]
    found["junit"] = (_sum(Fraction(s["score"]) for s in scores),
                      _sum(Fraction(s["max_score"]) for s in scores))
    return found


def _sum(values: object) -> str:
    total = sum((Fraction(str(v)) for v in values), Fraction(0))  # type: ignore[attr-defined]
    return str(int(total)) if total.denominator == 1 else f"{float(total):g}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_format_states_the_same_totals(name: str) -> None:
    found = totals(SCENARIOS[name]())
    assert len(set(found.values())) == 1, found


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_json_validates_against_the_published_schema(name: str) -> None:
    jsonschema.validate(json.loads(json_report.render(SCENARIOS[name]())), SCHEMA)


GRADESCOPE_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
GRADESCOPE_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_gradescope_results_follow_the_specification(name: str) -> None:
    """Field names and types as the Gradescope autograder specification defines them."""
    result = json.loads(gradescope.render(SCENARIOS[name]()))
    top = {"score": (int, float), "execution_time": (int, float), "output": str,
           "output_format": str, "test_output_format": str, "test_name_format": str,
           "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list}
    assert set(result) <= set(top) | {"leaderboard"}
    for key, kind in top.items():
        assert isinstance(result[key], kind), key
    assert result["visibility"] in GRADESCOPE_VISIBILITY
    assert result["stdout_visibility"] in GRADESCOPE_VISIBILITY
    assert {result["output_format"], result["test_output_format"]} <= GRADESCOPE_FORMATS
    fields = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
              "number": str, "output": str, "output_format": str, "tags": list,
              "visibility": str}
    for test in result["tests"]:
        assert set(test) <= set(fields) | {"name_format", "extra_data"}
        for key, kind in fields.items():
            assert isinstance(test[key], kind), (key, test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in GRADESCOPE_VISIBILITY
        assert all(isinstance(tag, str) for tag in test["tags"])
        assert 0 <= test["score"] <= test["max_score"]


def test_gradescope_hides_hidden_checks() -> None:
    result = gradescope.as_dict(SCENARIOS["hidden_checks"]())
    visibility = {t["name"].split(": ", 1)[1]: t["visibility"] for t in result["tests"]}
    assert visibility["a hidden check"] == "hidden"
    assert visibility["another hidden check"] == "after_due_date"
    assert visibility["optimal_tokens follows the lesson"] == "visible"


def reporter_reads(encoded: str) -> dict[str, object]:
    """What classroom-resources/autograding-grading-reporter does with a runner's output: decode
    it from base64, parse the JSON, sum the tests' scores against max_score."""
    result = json.loads(base64.b64decode(encoded).decode("utf-8"))
    assert isinstance(result["tests"], list) and result["max_score"]
    return {
        "total": sum(test["score"] for test in result["tests"]),
        "max": result["max_score"],
        "failed": result["status"] in ("fail", "error"),
    }


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_classroom_output_reads_as_the_reporter_reads_it(name: str) -> None:
    run = SCENARIOS[name]()
    result = json.loads(base64.b64decode(classroom.encoded(run)))
    assert set(result) == {"version", "status", "max_score", "tests"}
    for test in result["tests"]:
        assert set(test) == {"name", "status", "score", "message", "test_code", "filename",
                             "line_no", "duration"}
        assert test["status"] in ("pass", "fail", "error")
        assert isinstance(test["line_no"], int) and isinstance(test["duration"], float)
    seen = reporter_reads(classroom.encoded(run))
    assert Fraction(str(seen["total"])) == run.score
    assert seen["failed"] is not run.passed


def test_classroom_keeps_hidden_checks_anonymous() -> None:
    text = classroom.render(SCENARIOS["hidden_checks"]())
    assert "another hidden check" not in text and "f(2) returned 5" not in text
    assert "chinchilla: hidden check 3" in text


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_junit_parses_with_a_junit_library(name: str) -> None:
    run = SCENARIOS[name]()
    suites = JUnitXml.fromstring(junit.render(run))
    assert [suite.name for suite in suites] == [f"day06.{e.id}" for e in run.exercises]
    for suite, exercise in zip(suites, run.exercises, strict=True):
        cases = list(suite)
        assert len(cases) == len(exercise.checks) == suite.tests
        for case, check in zip(cases, exercise.checks, strict=True):
            kinds = {type(r) for r in case.result}
            if check.status.passed:
                assert not kinds
            elif check.status.value in ("error", "timeout"):
                assert kinds == {Error}
            else:
                assert kinds == {Failure}


def test_markdown_stays_under_one_mebibyte_whatever_was_printed() -> None:
    run = SCENARIOS["unicode_and_long_output"]()
    many = GradingRun(run.day, run.title, run.submission, run.exercises * 1000,
                      duration=run.duration)
    text = markdown.render(many)
    assert len(text.encode()) <= markdown.MAX_BYTES
    assert "cut to keep it under 1 MiB" in text
    assert re.search(r"Total: [\d.]+/[\d.]+", text)


def test_markdown_fences_survive_backticks_in_output() -> None:
    text = markdown.render(SCENARIOS["unicode_and_long_output"]())
    assert "````text" in text  # a longer fence than the ``` the student printed
