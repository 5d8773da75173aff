"""Reading and marking quiz answers: numbers written the way people write them, choices, text.

The properties here use small quizzes built in the test; the Day 6 quiz itself is tested in
test_day06_content.py.
"""

from __future__ import annotations

import math
import re
import tempfile
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.quiz import (
    UNIT_FAMILIES,
    AnswerError,
    MarkedQuestion,
    Unreadable,
    load_key,
    mark_answer,
    parse_number,
    read_answer_sheet,
    read_sheet,
)
from grader.results import FailureKind, Status
from grader.spec import QuizSpec

# Deterministic, no example database in the tree, no deadline (marking builds small files).
PROPERTY = settings(deadline=None, derandomize=True, database=None, max_examples=100)

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


# --- building small quizzes ------------------------------------------------------------------


def build_quiz(questions: list[dict], answers: dict) -> dict[str, MarkedQuestion]:
    """The marked questions of a quiz whose spec and key are given as plain data."""
    spec = QuizSpec.model_validate(
        {"schema": 1, "kind": "quiz", "title": "t", "hint": "h", "questions": questions}
    )
    with tempfile.TemporaryDirectory() as folder:
        key_path = Path(folder) / "key.yaml"
        key_path.write_text(yaml.safe_dump({"schema": 1, "answers": answers}), encoding="utf-8")
        return load_key(spec, key_path, "key.yaml")


def numeric_question(value: str | float, tolerance: float = 0.0) -> MarkedQuestion:
    marked = build_quiz(
        [{"id": "q", "type": "numeric", "prompt": "How many?", "unit": "tokens"}],
        {"q": {"accept": [{"value": value}], "relative_tolerance": tolerance}},
    )
    return marked["q"]


CHOICES = {"a": "exact match", "b": "token edit distance", "c": "Brier score", "d": "accuracy"}
CHOICE = build_quiz(
    [{"id": "q", "type": "choice", "prompt": "Which is linear?", "choices": CHOICES}],
    {"q": {"accept": [{"value": "b", "feedback": "Yes."}]}},
)["q"]
MULTI = build_quiz(
    [{"id": "q", "type": "multiple_choice", "prompt": "Which are continuous?", "choices": CHOICES}],
    {"q": {"accept": [{"value": ["b", "c"]}]}},
)["q"]
TEXT = build_quiz(
    [{"id": "q", "type": "text", "prompt": "Name the metric."}],
    {"q": {"accept": [{"value": r"(token\s+)?edit\s+distance"}]}},
)["q"]


# --- parse_number: every written form gives the number back ----------------------------------

positive = st.floats(min_value=1e-6, max_value=1e20, allow_nan=False, allow_infinity=False)


def assert_parses_to(text: str, expected: float, rel: float = 1e-9) -> None:
    got = parse_number(text)
    assert math.isclose(got, expected, rel_tol=rel, abs_tol=1e-12), (text, got, expected)


@PROPERTY
@given(positive)
def test_plain_numbers(x: float) -> None:
    assert parse_number(repr(x)) == x
    assert parse_number(f"  {x!r}  ") == x


@PROPERTY
@given(positive, st.integers(min_value=3, max_value=15))
def test_scientific_notation(x: float, digits: int) -> None:
    assert_parses_to(f"{x:.{digits}e}", x, rel=10.0 ** -(digits - 1))
    assert_parses_to(f"{x:.{digits}E}", x, rel=10.0 ** -(digits - 1))


@PROPERTY
@given(st.floats(min_value=1000, max_value=1e15), st.sampled_from([",", " ", "_", "'", "\u202f"]))
def test_grouped_digits(x: float, separator: str) -> None:
    text = f"{x:,.3f}".replace(",", separator)
    assert_parses_to(text, round(x, 3), rel=1e-12)
    whole = f"{round(x):,}".replace(",", separator)
    assert parse_number(whole) == round(x)


SCALES = [
    ("k", 1e3),
    ("K", 1e3),
    ("thousand", 1e3),
    ("M", 1e6),
    ("million", 1e6),
    ("B", 1e9),
    ("bn", 1e9),
    ("billion", 1e9),
    ("T", 1e12),
    ("trillion", 1e12),
]


@PROPERTY
@given(positive, st.sampled_from(SCALES), st.sampled_from(["", " "]))
def test_scale_words_and_suffixes(x: float, scale: tuple[str, float], space: str) -> None:
    word, factor = scale
    assert_parses_to(f"{x!r}{space}{word}", x * factor)


@PROPERTY
@given(
    st.decimals(min_value=1, max_value="9.999", places=3).map(str),
    st.integers(min_value=-30, max_value=30),
    st.sampled_from(
        [
            "{m}×10^{k}",
            "{m} × 10^{k}",
            "{m} x 10^{k}",
            "{m}*10**{k}",
            "{m} x 10^({k})",
            "{m}·10^{k}",
            "{m}×10{sup}",
        ]
    ),
)
def test_times_ten_to_the(mantissa: str, exponent: int, form: str) -> None:
    text = form.format(m=mantissa, k=exponent, sup=str(exponent).translate(SUPERSCRIPT))
    assert_parses_to(text, float(mantissa) * 10.0**exponent)


@PROPERTY
@given(
    positive,
    st.sampled_from(["tokens", "parameters", "nats", "x", "×", "times", "FLOPs"]),
    st.sampled_from(["", "~", "≈", "about ", "approximately ", "around "]),
)
def test_units_and_approximation_words(x: float, unit: str, approx: str) -> None:
    assert_parses_to(f"{approx}{x!r} {unit}", x)


@PROPERTY
@given(st.floats(min_value=0, max_value=1))
def test_percentages(share: float) -> None:
    assert_parses_to(f"{share * 100!r}%", share)


def test_the_forms_the_course_promises() -> None:
    for text in (
        "60B",
        "6e10",
        "60 billion",
        "60,000,000,000",
        "6×10^10",
        "6 x 10^10",
        "~60 B tokens",
        "6·10¹⁰",
        "60 bn",
        "6.0E+10",
    ):
        assert parse_number(text) == 6e10, text
    assert parse_number("34.9%") == pytest.approx(0.349)
    assert parse_number("1,5") == 1.5  # a decimal comma
    assert parse_number("−3") == -3  # a typographic minus


# --- unreadable answers ----------------------------------------------------------------------

UNREADABLE = [
    "sixty billion",
    "ln 32064",
    "60B or 70B",
    "",
    "abc",
    "1/2",
    "60 70",
    "B",
    "--5",
    "60BB",
    "1,2345",
    "0x10",
    "6××10^10",
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_numbers_raise_with_a_way_to_write_them(text: str) -> None:
    with pytest.raises(AnswerError, match=re.escape("60B, 6e10, 60 billion")):
        parse_number(text)


@PROPERTY
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Nd", "No", "Cs"), blacklist_characters="⁰¹²³⁴⁵⁶⁷⁸⁹"
        )
    )
)
def test_text_without_digits_is_never_a_number(text: str) -> None:
    with pytest.raises(AnswerError):
        parse_number(text)


def test_infinite_numbers_are_refused() -> None:
    with pytest.raises(AnswerError, match="finite"):
        parse_number("1e400")


def test_an_unreadable_answer_is_marked_as_such_not_as_wrong() -> None:
    mark = mark_answer(numeric_question("60B"), "sixty billion")
    share, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert share == 0 and status is Status.FAIL
    assert failure is not None and failure.kind is FailureKind.UNPARSEABLE_ANSWER
    assert "60B, 6e10" in failure.summary


# --- numeric marking -------------------------------------------------------------------------


@PROPERTY
@given(
    st.floats(min_value=1e-3, max_value=1e15),
    st.floats(min_value=0.001, max_value=0.1),
    st.floats(min_value=-0.99, max_value=0.99),
)
def test_numbers_within_the_tolerance_pass(key: float, tolerance: float, slack: float) -> None:
    question = numeric_question(key, tolerance)
    answer = key * (1 + slack * tolerance)
    mark = mark_answer(question, repr(answer))
    share, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert (share, status, failure) == (1, Status.PASS, None)


@PROPERTY
@given(
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from([1e3, 1e6, 1e9, 1e12]),
    st.floats(min_value=1e-3, max_value=1e18),
)
def test_wrong_number_feedback_never_contains_the_key(
    mantissa: int, scale: float, answer: float
) -> None:
    key = mantissa * scale
    question = numeric_question(key, 0.02)
    written = f"{answer:.6g}"
    if math.isclose(parse_number(written), key, rel_tol=0.02):
        return
    mark = mark_answer(question, written)
    share, status, failure, feedback = mark.share, mark.status, mark.failure, mark.feedback
    assert share == 0 and status is Status.FAIL and feedback == ""
    assert failure is not None
    said = " ".join(p for p in (failure.summary, failure.detail, failure.expected) if p)
    said = said.replace(written, "")
    assert failure.expected is None
    assert not re.search(r"\d", said), said  # no number at all but the student's own


@PROPERTY
@given(st.sampled_from([1e3, 1e6, 1e9]), st.sampled_from([1, -1]))
def test_a_slip_of_units_is_named(factor: float, direction: int) -> None:
    question = numeric_question("60B")
    written = f"{6e10 * factor**direction:g}"
    mark = mark_answer(question, written)
    _, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert status is Status.FAIL and failure is not None
    assert "off by a factor" in failure.summary and "tokens" in failure.summary


@pytest.mark.parametrize("blank", [None, "", "   ", []])
def test_blank_answers_are_not_answered_yet(blank: str | list[str] | None) -> None:
    for question in (numeric_question(1), CHOICE, MULTI, TEXT):
        mark = mark_answer(question, blank)
        share, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
        assert share == 0 and status is Status.NOT_IMPLEMENTED
        assert failure is not None and failure.summary == "not answered yet"


def test_a_list_is_not_a_number() -> None:
    mark = mark_answer(numeric_question(1), ["1", "2"])
    _, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert status is Status.FAIL and failure is not None
    assert failure.kind is FailureKind.UNPARSEABLE_ANSWER
    assert failure.summary == "write one number, not a list"


# --- choices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["b", "B", "(b)", "b.", " b ", "token edit distance", "Token Edit Distance."]
)
def test_a_choice_by_letter_or_by_its_text(answer: str) -> None:
    mark = mark_answer(CHOICE, answer)
    share, status, _, feedback = mark.share, mark.status, mark.failure, mark.feedback
    assert (share, status, feedback) == (1, Status.PASS, "Yes.")


@pytest.mark.parametrize("answer", ["a", "c", "d"])
def test_a_wrong_choice(answer: str) -> None:
    mark = mark_answer(CHOICE, answer)
    share, status, failure, feedback = mark.share, mark.status, mark.failure, mark.feedback
    assert share == 0 and status is Status.FAIL and feedback == ""
    assert failure is not None and failure.kind is FailureKind.WRONG_ANSWER


@pytest.mark.parametrize("answer", ["a, b", "[a, b]", "z", "b or c"])
def test_a_choice_needs_one_known_letter(answer: str) -> None:
    parsed = read_answer_sheet(f"q: {answer}", "sheet.yaml")["q"]
    mark = mark_answer(CHOICE, parsed)
    share, _, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert share == 0
    assert failure is not None and failure.kind is FailureKind.UNPARSEABLE_ANSWER
    assert "letter" in failure.summary


letters = st.lists(st.sampled_from(sorted(CHOICES)), min_size=1, max_size=4, unique=True)


@PROPERTY
@given(letters)
def test_multiple_choice_credit_is_between_0_and_1(chosen: list[str]) -> None:
    mark = mark_answer(MULTI, chosen)
    share, status, _, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert 0 <= share <= 1
    assert (share == 1) == (set(chosen) == {"b", "c"}) == (status is Status.PASS)


@PROPERTY
@given(letters, st.sampled_from(["a", "d"]))
def test_a_wrong_letter_never_raises_the_credit(chosen: list[str], wrong: str) -> None:
    before = mark_answer(MULTI, chosen).share
    after = mark_answer(MULTI, sorted({*chosen, wrong})).share
    assert after <= before


@PROPERTY
@given(letters)
def test_multiple_choice_reads_lists_and_comma_separated_letters(chosen: list[str]) -> None:
    as_list = read_answer_sheet(f"q: [{', '.join(chosen)}]", "sheet.yaml")["q"]
    as_text = read_answer_sheet(f"q: {', '.join(chosen)}", "sheet.yaml")["q"]
    assert mark_answer(MULTI, as_list).share == mark_answer(MULTI, as_text).share


def test_partial_credit_for_multiple_choice() -> None:
    assert mark_answer(MULTI, ["b"]).share == Fraction(1, 2)
    assert mark_answer(MULTI, ["b", "a"]).share == 0
    assert mark_answer(MULTI, ["a", "d"]).share == 0


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    ["edit distance", "Token Edit Distance", "token  edit distance.", "TOKEN EDIT DISTANCE"],
)
def test_text_answers_match_the_pattern_loosely(answer: str) -> None:
    assert mark_answer(TEXT, answer).status is Status.PASS


@pytest.mark.parametrize("answer", ["Brier score", "edit distance and more", "accuracy"])
def test_text_answers_must_match_the_whole_pattern(answer: str) -> None:
    mark = mark_answer(TEXT, answer)
    share, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
    assert share == 0 and status is Status.FAIL and failure is not None


# --- the answer sheet ------------------------------------------------------------------------


def test_the_sheet_keeps_answers_as_written() -> None:
    sheet = "a: 1.10\nb: NO\nc: 012\nd:\ne: [a, c]\nf: 6×10^10\n"
    assert read_answer_sheet(sheet, "s.yaml") == {
        "a": "1.10",
        "b": "NO",
        "c": "012",
        "d": None,
        "e": ["a", "c"],
        "f": "6×10^10",
    }


def test_an_invalid_sheet_says_where_and_how_to_fix_it() -> None:
    # a model answer sheet must be whole; a student's is read around the broken line (below)
    with pytest.raises(AnswerError, match=r"line 2.*quotes"):
        read_answer_sheet("a: 1\nb: ratio: 43x\nc: 2\n", "s.yaml")


# --- bugs found by trying it, pinned ---------------------------------------------------------


def test_a_question_answered_twice_says_so() -> None:
    answers = read_answer_sheet("q: 60B\nother: 1\nq:\n", "sheet.yaml")
    mark = mark_answer(numeric_question("60B"), answers["q"])
    assert mark.status is Status.FAIL
    assert mark.failure is not None and "answered twice (lines 1 and 3)" in mark.failure.summary


@pytest.mark.parametrize(
    "sheet, words",
    [("q: {c: 1}\n", "without { }"), ("q: [[c, d]]\n", "a flat list of letters")],
)
def test_answers_in_the_wrong_shape_say_how_to_write_them(sheet: str, words: str) -> None:
    mark = mark_answer(CHOICE, read_answer_sheet(sheet, "sheet.yaml")["q"])
    assert mark.status is Status.FAIL and mark.failure is not None
    assert words in mark.failure.summary


@pytest.mark.parametrize("answer", ["b) token edit distance", "(b) token edit distance", "B."])
def test_a_choice_copied_with_its_letter(answer: str) -> None:
    assert mark_answer(CHOICE, answer).status is Status.PASS


@pytest.mark.parametrize(
    "answer", ["the token edit distance", "Token edit distance!", "edit distance."]
)
def test_text_answers_ignore_articles_and_closing_punctuation(answer: str) -> None:
    assert mark_answer(TEXT, answer).status is Status.PASS


def test_a_very_long_product_is_refused_not_a_crash() -> None:
    """It once recursed once per '×10^' and crashed the whole run."""
    with pytest.raises(AnswerError, match="too long"):
        parse_number("6" + " x 10^6" * 1000)


def test_a_percentage_is_refused_where_the_question_counts_something() -> None:
    mark = mark_answer(numeric_question("1037.55"), "103755%")
    assert mark.status is Status.FAIL and mark.failure is not None
    assert "percentage" in mark.failure.summary


def test_a_sheet_nested_too_deeply_is_unreadable_not_a_crash() -> None:
    # found by an attacker: 5,000 nested lists made the YAML reader recurse until it failed
    sheet = "q: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(AnswerError, match="too deeply"):
        read_answer_sheet(sheet, "quiz.yaml")


# --- an answer sheet with a broken line: that question only, said in the student's terms ------

SHEET_IDS = [f"question_{n}" for n in range(6)]
SHEET_ANSWERS = ["c", "[a, c]", "60B", "token edit distance", "", "6×10^10", "'a: b'", "b"]
# YAML's own words, which students should never have to decode
JARGON = ("mapping values", "sequence entries", "cannot start any token", "found character",
          "valid YAML", "scanning", "<block end>", "<stream end>", "simple key")
# (a broken answer line, words the reason must use)
BROKEN = [
    ("{id}: a: For a fixed training compute budget", "must be in quotes"),  # found by users
    ("{id}: - c", "in brackets, like [a, c]"),  # found by users
    ("{id}: [a, c", "is not closed"),
    ('{id}: "the token edit distance', "is not closed"),
    ("{id}: '34", "the quote (') you opened is not closed"),  # found by users
    ("{id}: [a b] c", "in quotes"),
    ("{id}: @home", "must be in quotes"),
    ("  {id}: c", "is indented; answers start at the beginning of the line"),  # found by users
    ("\t{id}: c", "is indented; answers start at the beginning of the line"),
]


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, int]]]:
    """A valid answer sheet's lines, with comments and blank lines between the answers, and
    the question answered on each line that holds an answer (with its index)."""
    lines: list[str] = []
    answered: list[tuple[str, int]] = []
    for question in SHEET_IDS:
        for _ in range(draw(st.integers(0, 2))):
            lines.append(draw(st.sampled_from(["", "# a comment: with a colon", "#"])))
        answer = draw(st.sampled_from(SHEET_ANSWERS))
        answered.append((question, len(lines)))
        lines.append(f"{question}: {answer}".rstrip())
    return lines, answered


@PROPERTY
@given(sheets(), st.data())
def test_a_broken_line_costs_its_own_question_only(sheet, data: st.DataObject) -> None:
    lines, answered = sheet
    intact = read_sheet("\n".join(lines) + "\n", "quiz.yaml", SHEET_IDS)
    assert not intact.problems
    question, index = data.draw(st.sampled_from(answered))
    broken, words = data.draw(st.sampled_from(BROKEN))
    lines = [*lines[:index], broken.format(id=question), *lines[index + 1:]]
    read = read_sheet("\n".join(lines) + "\n", "quiz.yaml", SHEET_IDS)
    for other, _ in answered:
        if other != question:
            assert read.answers[other] == intact.answers[other], other
    reason = read.answers[question]
    assert isinstance(reason, Unreadable), reason
    assert reason.reason.startswith(f"line {index + 1} ") and words in reason.reason, reason
    assert not [j for j in JARGON if j in reason.reason], reason
    assert [p.line for p in read.problems] == [index + 1]


@PROPERTY
@given(sheets(), st.data())
def test_a_tab_after_the_colon_reads_as_a_space(sheet, data: st.DataObject) -> None:
    lines, answered = sheet
    intact = read_sheet("\n".join(lines), "quiz.yaml", SHEET_IDS)
    _, index = data.draw(st.sampled_from(answered))
    tabbed = lines[index].replace(": ", data.draw(st.sampled_from([":\t", ": \t", ":\t\t"])), 1)
    lines = [*lines[:index], tabbed, *lines[index + 1:]]
    assert read_sheet("\n".join(lines), "quiz.yaml", SHEET_IDS) == intact


def test_the_reported_sheet_mistakes_say_what_to_change_at_which_line() -> None:
    sheet = (
        "# Question 4\n"
        "llama2_7b_tokens:\tc\n"
        "mirage_92_percent: b\n"
        "compute_optimal_meaning: a: For a fixed training compute budget (FLOPs)\n"
        "trained_beyond_chinchilla: - c\n"
    )
    read = read_sheet(sheet, "scale_quiz.yaml", ["llama2_7b_tokens", "mirage_92_percent",
                                                 "compute_optimal_meaning",
                                                 "trained_beyond_chinchilla"])
    assert read.answers["llama2_7b_tokens"] == "c"  # the tab was meant as a space
    assert read.answers["mirage_92_percent"] == "b"
    assert read.answers["compute_optimal_meaning"] == Unreadable(
        "line 4 could not be read: an answer that contains `: ` must be in quotes (for a "
        "choice, the letter alone is enough)")
    assert read.answers["trained_beyond_chinchilla"] == Unreadable(
        "line 5 could not be read: a list item (`- ...`) goes on a line of its own, indented "
        "under its question id; or write the letters on the same line in brackets, like [a, c]")


def test_an_indented_answer_is_named_and_the_question_above_keeps_its_answer() -> None:
    ids = ["mirage_92_percent", "llama2_7b_tokens"]
    for above in ("", " b"):
        read = read_sheet(f"mirage_92_percent:{above}\n  llama2_7b_tokens: c\n", "q.yaml", ids)
        assert read.answers["mirage_92_percent"] == (above.strip() or None)
        assert read.answers["llama2_7b_tokens"] == Unreadable(
            "line 2 is indented; answers start at the beginning of the line: remove the spaces "
            "before llama2_7b_tokens")
        assert read.lines == {"mirage_92_percent": 1, "llama2_7b_tokens": 2}


def test_a_list_under_its_question_is_still_read() -> None:
    for sheet in ("q:\n- a\n- c\nr: b\n", "q:\n  - a\n  - c\nr: b\n", "q: [a,\n  c]\nr: b\n"):
        assert read_sheet(sheet + "s: - x\n", "q.yaml", ["q", "r", "s"]).answers["q"] == ["a", "c"]


def test_a_line_that_answers_no_question_is_a_problem_of_its_own() -> None:
    read = read_sheet("q: b\nI am not sure about this one\nr: c\n", "q.yaml", ["q", "r"])
    assert read.answers == {"q": "b", "r": "c"}
    (problem,) = read.problems
    assert problem.question is None and problem.message.startswith("line 2 is not an answer")


def test_a_sheet_with_no_answer_at_all_is_unreadable_as_a_whole() -> None:
    for sheet in ("just some text\n", "- a\n- b\n", "[a, b\n"):
        with pytest.raises(AnswerError, match="`question_id: answer` lines"):
            read_sheet(sheet, "q.yaml", ["q"])


# --- units and punctuation -------------------------------------------------------------------

FAMILIES = sorted(UNIT_FAMILIES)


def unit_question(unit: str) -> MarkedQuestion:
    return build_quiz(
        [{"id": "q", "type": "numeric", "prompt": "How many?", "unit": unit}],
        {"q": {"accept": [{"value": 60e9}], "relative_tolerance": 0.01}},
    )["q"]


@PROPERTY
@given(st.sampled_from(FAMILIES), st.sampled_from(FAMILIES), st.data())
def test_a_unit_word_of_another_kind_is_refused_with_the_reason(
    asked: str, written: str, data: st.DataObject
) -> None:
    word = data.draw(st.sampled_from(UNIT_FAMILIES[written]))
    space = "" if word in ("x", "×", "-fold") else " "
    mark = mark_answer(unit_question(asked), f"60B{space}{word}")
    if asked == written:
        assert mark.status is Status.PASS, word
    else:
        assert mark.status is Status.FAIL and mark.failure is not None
        assert mark.failure.kind is FailureKind.UNPARSEABLE_ANSWER
        named = "a ratio (times)" if written == "times" else written
        assert mark.failure.summary.endswith(f", not {named}"), mark.failure.summary
        assert "could not read" not in mark.failure.summary


def test_the_reported_unit_answers() -> None:
    tokens = numeric_question("60B", 0.02)
    for answer, said in (("60B parameters", "the question asks for tokens, not parameters"),
                         ("6e10 nats", "the question asks for tokens, not nats")):
        mark = mark_answer(tokens, answer)
        assert mark.status is Status.FAIL and mark.failure is not None
        assert mark.failure.summary == said
    nats = unit_question("nats")
    mark = mark_answer(nats, "10.38 bits")
    assert mark.failure is not None and mark.failure.summary == (
        "the question asks for nats, not bits")
    probability = build_quiz(
        [{"id": "q", "type": "numeric", "prompt": "p?", "unit": "probability"}],
        {"q": {"accept": [{"value": 0.5}]}},
    )["q"]
    mark = mark_answer(probability, "0.5 tokens")
    assert mark.failure is not None and mark.failure.summary == (
        "the question asks for a probability, not tokens")
    assert mark_answer(tokens, "60B tokens per parameter").status is Status.FAIL


def test_a_units_own_words_are_never_refused() -> None:
    per = build_quiz(
        [{"id": "q", "type": "numeric", "prompt": "How many?", "unit": "tokens per parameter"}],
        {"q": {"accept": [{"value": 868}], "relative_tolerance": 0.01}},
    )["q"]
    for answer in ("868", "868 tokens per parameter", "868 tokens"):
        assert mark_answer(per, answer).status is Status.PASS, answer


def test_an_unknown_word_after_a_number_is_named() -> None:
    mark = mark_answer(numeric_question("60B"), "60B dollars")
    assert mark.failure is not None
    assert "'dollars' is not a unit this question counts in" in mark.failure.summary


@PROPERTY
@given(positive, st.sampled_from(["", "B", " billion", "%", " tokens", "x"]),
       st.sampled_from([".", ",", "!", ";", " .", "..."]))
def test_closing_punctuation_is_ignored(x: float, suffix: str, closing: str) -> None:
    written = f"{x!r}{suffix}"
    assert parse_number(written + closing) == parse_number(written)


@pytest.mark.parametrize("question", [numeric_question("60B"), TEXT])
def test_a_one_item_list_is_read_as_its_item(question: MarkedQuestion) -> None:
    answer = "60B" if question is not TEXT else "token edit distance"
    assert mark_answer(question, [answer]).status is Status.PASS
    mark = mark_answer(question, [answer, answer])
    assert mark.failure is not None and mark.failure.summary.startswith("write one ")
    assert mark.failure.summary.endswith(", not a list")


LONG_CHOICES = {
    "a": "For a fixed training compute budget, the split that gives the lowest loss.",
    "b": "The best model that can be trained at a given parameter count, whatever the cost.",
    "c": "The model that is cheapest to run for users once it is deployed.",
}
LONG_CHOICE = build_quiz(
    [{"id": "q", "type": "choice", "prompt": "What is compute-optimal?", "choices": LONG_CHOICES}],
    {"q": {"accept": [{"value": "a"}]}},
)["q"]


@PROPERTY
@given(st.sampled_from(sorted(LONG_CHOICES)), st.sampled_from(["", ".", "!", " ", "  "]),
       st.booleans(), st.booleans())
def test_a_choice_answered_with_its_options_text_is_read_as_its_letter(
        letter: str, ending: str, upper: bool, quoted: bool) -> None:
    # the option text ends with a full stop; the student may copy it with or without one
    text = LONG_CHOICES[letter].rstrip(".") + ending
    text = text.upper() if upper else text
    answer = f'"{text}"' if quoted else text
    mark = mark_answer(LONG_CHOICE, answer)
    assert mark.share == (1 if letter == "a" else 0), (answer, mark)
    if letter != "a":
        assert mark.failure is not None and "not one of the choices" not in mark.failure.summary


def test_a_long_answer_that_is_no_option_is_quoted_whole() -> None:
    mark = mark_answer(LONG_CHOICE, "The model with the lowest loss overall.")
    assert mark.failure is not None
    assert "'The model with the lowest loss overall.' is not one of the choices" in (
        mark.failure.summary)


@PROPERTY
@given(st.sampled_from(["exit status", "the status is", "it ends with"]),
       st.integers(0, 10_000))
def test_a_number_inside_a_sentence_is_pointed_at(words: str, number: int) -> None:
    # "exit status 1": the advice is the student's own number alone, not 6×10^10
    with pytest.raises(AnswerError, match=f"write the number alone, like {number}$"):
        parse_number(f"{words} {number}")


def test_an_answer_in_braces_is_told_to_drop_them() -> None:
    read = read_sheet("q: {c}\n", "quiz.yaml", ["q"])
    assert read.answers["q"] == Unreadable(
        "write the answer without { }: for a choice, the letter alone")
