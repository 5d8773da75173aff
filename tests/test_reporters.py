"""Every report format, on every situation: golden files, validity by each platform's rules, and
the same totals everywhere.

The golden files live in tests/golden/<scenario>/; after an intended change of wording, run
`python -m pytest tests/test_reporters.py --update-goldens` and review the diff.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from junitparser import Error, JUnitXml
from junitparser import Failure as JUnitFailure

from grader.feedback import failure_lines, printable
from grader.reporters import classroom, gradescope, junit, markdown, terminal
from grader.reporters import json as json_report
from grader.results import (
    CheckResult,
    ExerciseResult,
    Failure,
    FailureKind,
    GradingRun,
    Status,
)
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
    # the report's own total, at the start of a line: a student may print "Total: 87/87" too
    match = re.search(r"(?m)^Total: ([\d.]+)/([\d.]+)", text)
    assert match
    found["terminal"] = (match.group(1), match.group(2))
    match = re.search(r"(?m)^\*\*Total: ([\d.]+)/([\d.]+)", markdown.render(run))
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
                assert kinds == {JUnitFailure}


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


# --- a student's test of the terminal report, pinned -----------------------------------------

# what must never reach a terminal from a student: C0 controls but newline and tab, DEL, C1
# controls, and the bidirectional overrides and isolates that reorder what is shown
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESCAPES = ("\x1b[2J\x1b[H\n\x1b[1A\x1b[2K✓ chinchilla 12/12 done\rTotal: 87/87\x9b2J "
           "\u202eevil\u2066")


def _one_check(check: CheckResult, kind: str = "code", **extra: object) -> GradingRun:
    exercise = ExerciseResult("chinchilla", "Chinchilla", kind, "exercises/day06/chinchilla.py",
                              (check,), summary="Implement it.", hint="Read the lesson.",
                              **extra)  # type: ignore[arg-type]
    return GradingRun("day06", "What are LLMs?", "exercises/day06", (exercise,))


def _failing(summary: str = "optimal_tokens(3) returned 180; expected 60",
             output: str = "", title: str = "optimal_tokens is linear",
             **failure: str) -> CheckResult:
    return CheckResult("test_linear", title, Status.FAIL, Fraction(0), Fraction(1),
                       Failure(FailureKind.MISMATCH, summary, **failure), output=output)


def test_printable_replaces_what_a_terminal_would_obey() -> None:
    text = printable("a\tb\nc" + ESCAPES + "\x00\x7f\u202a\u202b\u202c\u202d\u2067\u2068\u2069")
    assert not UNSAFE.search(text)
    assert text.startswith("a\tb\nc\ufffd[2J")  # tab and newline kept, ESC made visible
    assert "\r" not in printable("dos\r\nline") and printable("dos\r\nline") == "dos\nline"
    assert printable("naïve Ωmega → ✓ “quoted” ≈") == "naïve Ωmega → ✓ “quoted” ≈"


@given(st.text(alphabet=" \t\n:ab", max_size=40))
def test_no_line_a_student_wrote_reads_as_a_ci_runner_command(text: str) -> None:
    # GitHub Actions obeys `::error::`, `::add-mask::`, `::stop-commands::` at a line's start
    for line in printable(text).splitlines():
        assert not line.lstrip(" \t").startswith("::"), repr(text)
    assert printable(text).replace("\ufffd", "") == text.replace("\r\n", "\n")


@pytest.mark.parametrize("color", [False, True])
def test_terminal_neutralises_control_characters_in_everything_a_student_wrote(
        color: bool) -> None:
    """`print("\\x1b[2J")` in a graded function must not clear the student's screen, nor
    `\\x1b[1A\\x1b[2K` rub out report lines to fake a total."""
    check = CheckResult(
        "test_linear", "optimal_tokens is linear", Status.ERROR, Fraction(0), Fraction(1),
        Failure(FailureKind.STUDENT_EXCEPTION, f"optimal_tokens(3) raised ValueError: {ESCAPES}",
                traceback=f'  File "chinchilla.py", line 3\nValueError: {ESCAPES}\n'),
        output=ESCAPES)
    quiz = CheckResult("q1", "How many tokens?", Status.FAIL, Fraction(0), Fraction(1),
                       Failure(FailureKind.WRONG_ANSWER, f"you answered {ESCAPES}", got=ESCAPES))
    essay = CheckResult("limit", "A limitation", Status.PASS, Fraction(1), Fraction(1),
                        feedback=f"You wrote “{ESCAPES}”.")
    for run in (_one_check(check), _one_check(quiz, "quiz"), _one_check(essay, "essay")):
        text = terminal.render(run, terminal.Style(color=color))
        own_colours = re.sub(r"\x1b\[\d+m", "", text)  # the reporter's own, when asked for
        assert not UNSAFE.search(own_colours), repr(own_colours)
        assert "\ufffd[2J" in text
        assert not UNSAFE.search(markdown.render(run))


def test_every_report_a_person_reads_neutralises_control_characters() -> None:
    """Gradescope's page, the Actions log the Classroom reporter prints to, CI's JUnit pages;
    the JSON report keeps the text exact, but escaped, so that printing it is safe too."""
    run = SCENARIOS["escapes_and_typography"]()
    for render in (gradescope.render, junit.render):
        assert not UNSAFE.search(render(run))
    room = json.loads(base64.b64decode(classroom.encoded(run)))
    assert not UNSAFE.search(json.dumps(room, ensure_ascii=False))
    text = json_report.render(run)
    assert not UNSAFE.search(text)
    assert json.loads(text) == json_report.as_dict(run)  # nothing lost


def test_markdown_neutralises_control_characters_outside_code_blocks_too() -> None:
    run = _one_check(_failing(title=f"a title {ESCAPES}", summary=f"said {ESCAPES}"))
    run = GradingRun(run.day, run.title, f"sub{ESCAPES}", run.exercises)
    assert not UNSAFE.search(markdown.render(run))


def test_terminal_says_when_it_cuts_what_the_student_printed() -> None:
    printed = "".join(f"debug line {n}\n" for n in range(2000))
    run = _one_check(_failing(output=printed))
    for unicode in (True, False):
        text = terminal.render(run, terminal.Style(unicode=unicode))
        assert "debug line 13\n" in text and "debug line 14\n" not in text
        assert "1,986 more lines not shown" in text
        assert "`grade day06 chinchilla --format json`" in text
    assert "... 1,986 more lines" in terminal.render(run, terminal.Style(unicode=False))
    # cut before, by the grader's own limit on output: the report says that too
    kept = printed[:300] + "\n[output truncated: 32,506 more bytes not shown]"
    text = terminal.render(_one_check(_failing(output=kept)), terminal.Style())
    assert "32,506 more bytes" in text


def test_markdown_says_when_it_cuts_what_the_student_printed() -> None:
    printed = "".join(f"debug line {n}\n" for n in range(2000))
    text = markdown.render(_one_check(_failing(output=printed)))
    assert "1,970 more lines not shown" in text


def test_functions_not_implemented_yet_are_named_once() -> None:
    waiting = [CheckResult(f"test_ratio_{n}", f"ratio {n}", Status.NOT_IMPLEMENTED, Fraction(0),
                           Fraction(1), Failure(FailureKind.NOT_IMPLEMENTED,
                                                "tokens_per_parameter is not implemented yet",
                                                call=f"tokens_per_parameter({n}, 1400)"))
               for n in range(3)]
    exercise = ExerciseResult("chinchilla", "Chinchilla", "code", "exercises/day06/chinchilla.py",
                              (_failing(), *waiting))
    text = terminal.render(GradingRun("day06", "What are LLMs?", "exercises/day06", (exercise,)),
                           terminal.Style())
    assert "3 checks not implemented yet: tokens_per_parameter\n" in text


LONG_TITLE = ("optimal_tokens gives the lesson's table: 1B -> 20B, 3B -> 60B, 7B -> 140B, "
              "70B -> 1,400B")


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_points_keep_apart_from_a_check_title(width: int) -> None:
    """`… 1,400B 0/2` read as one number: the points stand two spaces after the title, on the
    title's last line, within the width."""
    essay = CheckResult("limit", LONG_TITLE, Status.FAIL, Fraction(0), Fraction(1),
                        Failure(FailureKind.CRITERION_MISSED, "Say when it can be wrong."))
    for run in (_one_check(_failing(title=LONG_TITLE)), _one_check(essay, "essay")):
        lines = terminal.render(run, terminal.Style(width=width)).splitlines()
        ending = [line for line in lines if line.endswith("1,400B  0/1")]
        assert len(ending) == 1, lines
        assert all(len(line) < width for line in lines), lines
    short = terminal.render(_one_check(_failing()), terminal.Style(width=width))
    assert "optimal_tokens is linear  0/1" in short


def test_a_narrow_terminal_gets_prose_wrapped_but_paths_and_tracebacks_whole() -> None:
    traceback = ('Traceback (most recent call last):\n'
                 '  File "exercises/day06/a_rather_long_folder_name/chinchilla.py", line 31, '
                 'in optimal_tokens\n    return num_params_billions * TOKENS_PER_PARAMETER\n'
                 "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'\n")
    crash = CheckResult(
        "test_linear", "optimal_tokens is linear for every size a model can have", Status.ERROR,
        Fraction(0), Fraction(1),
        Failure(FailureKind.STUDENT_EXCEPTION, "optimal_tokens(3) raised TypeError: unsupported "
                "operand type(s) for *: 'NoneType' and 'int'", traceback=traceback))
    essay = CheckResult(
        "data", "The training text already contains questions followed by their answers",
        Status.PASS, Fraction(2), Fraction(2),
        feedback="You explain that lowering the prediction loss requires the model to pick up "
                 "knowledge and patterns, not just surface statistics.")
    missed = CheckResult("limit", "A limitation", Status.FAIL, Fraction(0), Fraction(1),
                         Failure(FailureKind.CRITERION_MISSED, "Say when a likely continuation "
                                 "is not a true answer, and why the model cannot tell."))
    exercises = (
        ExerciseResult("chinchilla", "Chinchilla", "code", "exercises/day06/chinchilla.py",
                       (crash,), hint="Keep every size in billions: 3 billion parameters give "
                       "60 billion tokens, so optimal_tokens(3) is 60."),
        ExerciseResult("qa_emergence_essay", "Q&A", "essay", "exercises/day06/qa.md",
                       (essay, missed), provisional=True),
        ExerciseResult("emergence_mirage_essay", "Mirage", "essay", "exercises/day06/m.md",
                       (essay,), provisional=True),
    )
    run = GradingRun("day06", "What are LLMs?", "exercises/day06", exercises)
    for unicode in (True, False):
        text = terminal.render(run, terminal.Style(width=40, unicode=unicode))
        verbatim = set(traceback.splitlines())
        for line in text.splitlines():
            if line.strip() in {v.strip() for v in verbatim} or len(line.split()) <= 2:
                continue  # a traceback line, or a word (a path, say) longer than the width
            assert len(line) <= 40, (line, text)
        for line in traceback.splitlines():  # each traceback line whole, on a line of its own
            assert any(shown.endswith(line) for shown in text.splitlines()), line
        assert "lowering the prediction loss" in " ".join(text.split())


SYMBOLS = "≈ × ÷ → ← ≤ ≥ ≠ – — − “ ” ‘ ’ … · ² ³ \u00a0"


def test_the_ascii_fallback_writes_symbols_as_readable_ascii() -> None:
    run = _one_check(_failing(title=f"optimal_tokens ≈ 20× parameters {SYMBOLS}",
                              summary=f"optimal_tokens(3) returned 61 — {SYMBOLS}"),
                     notes=(f"a note {SYMBOLS}",))
    run = dataclasses.replace(run, exercises=(dataclasses.replace(
        run.exercises[0], hint=f"tokens ÷ (20 × parameters) ≈ 43.4, “about” 40 – 45 … {SYMBOLS}"),))
    text = terminal.render(run, terminal.Style(unicode=False))
    assert text.isascii(), [c for c in text if not c.isascii()]
    assert "optimal_tokens ~ 20x parameters" in text
    assert 'tokens / (20 x parameters) ~ 43.4, "about" 40 - 45 ...' in text
    assert "-> <- <= >= != - - -" in text and "^2 ^3" in text
    # the report's own symbols too, and what a student wrote is still shown (the console's
    # encoder replaces what it cannot show)
    student = terminal.render(_one_check(_failing(output="naïve → ok")),
                              terminal.Style(unicode=False))
    assert "naïve -> ok" in student


@pytest.mark.parametrize(("failure", "hinted"), [
    (Failure(FailureKind.MISMATCH, "optimal_tokens(1) returned None (a NoneType); expected a "
             "number", call="optimal_tokens(1)", got="None (a NoneType)", expected="a number"),
     True),
    (Failure(FailureKind.MISMATCH, "chinchilla_table([1]) returned None (a NoneType); expected "
             "{1: 20}", got="None (a NoneType)", expected="{1: 20}"), True),
    (Failure(FailureKind.MISMATCH, "f([]) returned None, which the check could not work with "
             "(TypeError: 'NoneType' object is not iterable): check the type and shape of what "
             "it returns", got="None"), True),
    (Failure(FailureKind.MISMATCH, "optimal_tokens(0) returned None (a NoneType); expected it "
             "to raise ValueError", got="None (a NoneType)"), False),
    (Failure(FailureKind.MISMATCH, "f() returned 0; expected None", got="0", expected="None"),
     False),
    (Failure(FailureKind.MISMATCH, "optimal_tokens(3) returned 180; expected 60", got="180",
             expected="60"), False),
])
def test_returning_none_asks_about_a_forgotten_return(failure: Failure, hinted: bool) -> None:
    text = "\n".join(failure_lines(failure))
    assert ("did you forget a `return`?" in text.lower()) is hinted


def test_top_level_help_shows_the_most_used_options() -> None:
    from click.testing import CliRunner

    from grader.cli import cli

    text = CliRunner().invoke(cli, ["--help"]).output
    for option in ("--submission", "--format", "--output", "--solutions", "--fail-under"):
        assert option in text, option
