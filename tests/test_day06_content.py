"""The Day 6 quiz and essays: the key, the answer sheets, the model essays and the stubs.

Most tests call the library directly (spec, key, sheet, rubric), so they are fast; a few grade
through the whole pipeline with `grade_course`, as `grade day06 <exercise>` does.
"""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.quiz import (
    AnswerError,
    MarkedQuestion,
    load_key,
    mark_answer,
    parse_number,
    read_answer_sheet,
)
from grader.results import FailureKind, Status
from grader.rubric import FUNCTION_WORDS, score_essay, words
from grader.spec import EssaySpec, QuizSpec, load_exercise_spec, to_points

REPO = Path(__file__).resolve().parent.parent
EXERCISES = REPO / "exercises" / "day06"
SOLUTIONS = REPO / "solutions" / "day06"
QUIZ = "scale_quiz"
ESSAYS = ["qa_emergence_essay", "emergence_mirage_essay"]

PROPERTY = settings(deadline=None, derandomize=True, database=None, max_examples=50)


def quiz_spec() -> QuizSpec:
    spec = load_exercise_spec(EXERCISES / "specs" / f"{QUIZ}.yaml", f"{QUIZ}.yaml")
    assert isinstance(spec, QuizSpec)
    return spec


def essay_spec(essay_id: str) -> EssaySpec:
    spec = load_exercise_spec(EXERCISES / "specs" / f"{essay_id}.yaml", f"{essay_id}.yaml")
    assert isinstance(spec, EssaySpec)
    return spec


KEY: dict[str, MarkedQuestion] = load_key(
    quiz_spec(), SOLUTIONS / "keys" / f"{QUIZ}.yaml", f"{QUIZ}.yaml"
)


def mark(question_id: str, answer: str | list[str] | None) -> tuple[Fraction, Status, str]:
    mark = mark_answer(KEY[question_id], answer)
    share, status, _failure, feedback = mark.share, mark.status, mark.failure, mark.feedback
    return share, status, feedback


# --- the quiz: key and sheets ----------------------------------------------------------------


def test_the_key_answers_every_question() -> None:
    spec = quiz_spec()
    assert len(spec.questions) >= 8
    assert set(KEY) == {q.id for q in spec.questions}
    assert {q.type for q in spec.questions} == {"numeric", "choice", "multiple_choice", "text"}


def test_the_solution_sheet_earns_full_marks() -> None:
    text = (SOLUTIONS / f"{QUIZ}.yaml").read_text(encoding="utf-8")
    answers = read_answer_sheet(text, f"{QUIZ}.yaml")
    assert set(answers) == set(KEY)
    for question_id, answer in answers.items():
        assert mark(question_id, answer)[:2] == (1, Status.PASS), (question_id, answer)


def test_the_untouched_sheet_is_not_answered_yet() -> None:
    text = (EXERCISES / f"{QUIZ}.yaml").read_text(encoding="utf-8")
    answers = read_answer_sheet(text, f"{QUIZ}.yaml")
    assert answers == dict.fromkeys(KEY)
    for question_id in KEY:
        mark = mark_answer(KEY[question_id], answers[question_id])
        share, status, failure, _ = mark.share, mark.status, mark.failure, mark.feedback
        assert share == 0 and status is Status.NOT_IMPLEMENTED
        assert failure is not None and failure.summary == "not answered yet"


def test_the_sheet_shows_every_question_with_its_points_and_choices() -> None:
    text = (EXERCISES / f"{QUIZ}.yaml").read_text(encoding="utf-8")
    comments = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    comments = " ".join(comments.split())
    for number, question in enumerate(quiz_spec().questions, start=1):
        points = f"{question.points} point{'s' if question.points != 1 else ''}"
        assert f"Question {number} ({points})" in comments
        assert " ".join(question.prompt.split()) in comments, question.id
        for letter, choice in (question.choices or {}).items():
            assert f"{letter}) {' '.join(choice.split())}" in comments, (question.id, letter)
    total = sum(to_points(q.points) for q in quiz_spec().questions)
    assert f"({total} points)" in text.splitlines()[0]


def test_the_solution_sheet_is_the_student_sheet_filled_in() -> None:
    blank = (EXERCISES / f"{QUIZ}.yaml").read_text(encoding="utf-8").splitlines()
    filled = (SOLUTIONS / f"{QUIZ}.yaml").read_text(encoding="utf-8").splitlines()
    assert len(blank) == len(filled)
    for before, after in zip(blank, filled, strict=True):
        assert after == before or (before.endswith(":") and after.startswith(before + " "))


def test_quiz_end_to_end(grade_course) -> None:
    run = grade_course("day06", [QUIZ], solutions=True)
    (result,) = run.exercises
    assert result.passed and result.score == result.max_score
    run = grade_course("day06", [QUIZ])
    (result,) = run.exercises
    assert result.score == 0 and result.not_started


# --- the quiz: every way of writing a right number -------------------------------------------

RIGHT = {
    "chinchilla_3b_tokens": [
        "60B",
        "6e10",
        "60 billion",
        "60,000,000,000",
        "6×10^10",
        "6 x 10^10",
        "6*10**10",
        "~60 B tokens",
        "60 billion tokens",
        "6.0E+10",
        "6·10¹⁰",
        "60000000000",
        "60 bn",
    ],
    "phi3_mini_tokens": [
        "3.3T",
        "3.3e12",
        "3.3 trillion",
        "3,300,000,000,000",
        "3.3×10^12",
        "3300B",
        "3.3 trillion tokens",
        "~3.3T tokens",
        "4.9T",
        "4.9e12",
        "4.9 trillion",
        "4,900,000,000,000",
        "4.9×10^12",
        "4900 billion",
    ],
    "phi3_vs_own_budget": [
        "43",
        "43x",
        "43.4×",
        "about 43 times",
        "43.42",
        "64",
        "64x",
        "64.5×",
        "about 64 times",
        "64.47",
    ],
    "exact_match_accuracy": ["0.349", "34.9%", "0.35", "35%", "0.3487", "3.49×10^-1", "≈ 0.349"],
    "uniform_cross_entropy": [
        "10.38",
        "10.38 nats",
        "10.4",
        "≈10.375",
        "1.038e1",
        "about 10.38 nats",
    ],
}
WRONG = {
    "chinchilla_3b_tokens": ["60M", "6e9", "600B", "3B", "76B", "140B", "60"],
    "phi3_mini_tokens": ["3.4T", "4.8T", "3.8B", "3.3B", "1.4T", "76B"],
    "phi3_vs_own_budget": ["55", "82x", "868", "20", "1289"],
    "exact_match_accuracy": ["0.9", "0.59", "0.1", "9", "0.122"],
    "uniform_cross_entropy": ["14.97", "4.51", "32064", "10"],
}


def test_every_numeric_question_has_right_and_wrong_examples() -> None:
    numeric = {q.id for q in quiz_spec().questions if q.type == "numeric"}
    assert set(RIGHT) == set(WRONG) == numeric


@pytest.mark.parametrize(
    ("question_id", "answer"), [(q, a) for q, answers in RIGHT.items() for a in answers]
)
def test_every_way_of_writing_the_right_number_is_accepted(question_id: str, answer: str) -> None:
    assert mark(question_id, answer)[:2] == (1, Status.PASS)


@pytest.mark.parametrize(
    ("question_id", "answer"), [(q, a) for q, answers in WRONG.items() for a in answers]
)
def test_near_misses_are_not_accepted(question_id: str, answer: str) -> None:
    mark = mark_answer(KEY[question_id], answer)
    share, status, failure, feedback = mark.share, mark.status, mark.failure, mark.feedback
    assert share == 0 and status is Status.FAIL and feedback == ""
    assert failure is not None and failure.kind is FailureKind.WRONG_ANSWER


def test_both_phi3_figures_are_accepted_with_their_source() -> None:
    _, _, report = mark("phi3_mini_tokens", "3.3 trillion")
    _, _, card = mark("phi3_mini_tokens", "4.9T tokens")
    assert "2404.14219" in report and "4.9T" in report
    assert "June-2024" in card and "3.3T" in card
    _, _, ratio_report = mark("phi3_vs_own_budget", "43x")
    _, _, ratio_card = mark("phi3_vs_own_budget", "64x")
    assert "3.3T" in ratio_report and "4.9T" in ratio_card


def test_the_exact_match_answer_is_p_to_the_l() -> None:
    (accepted,) = KEY["exact_match_accuracy"].accepted
    assert accepted.number == pytest.approx(0.9**10, rel=1e-3)
    (accepted,) = KEY["uniform_cross_entropy"].accepted
    assert accepted.number == pytest.approx(math.log(32064), rel=1e-3)
    (accepted,) = KEY["chinchilla_3b_tokens"].accepted
    assert accepted.number == 20 * 3e9
    report, card = KEY["phi3_vs_own_budget"].accepted
    assert report.number == pytest.approx(3.3e12 / (20 * 3.8e9), rel=1e-2)
    assert card.number == pytest.approx(4.9e12 / (20 * 3.8e9), rel=1e-2)


def test_hints_and_prompts_do_not_give_numbers_away() -> None:
    number = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:\s?[KMBT]\b)?")
    for question in quiz_spec().questions:
        if question.type != "numeric":
            continue
        for text in (question.hint, question.prompt):
            for written in number.findall(text):
                try:
                    value = parse_number(written)
                except AnswerError:
                    continue
                marked = KEY[question.id]
                tolerance = max(marked.relative_tolerance, 0.01)
                for accepted in marked.accepted:
                    assert accepted.number is not None
                    assert not math.isclose(value, accepted.number, rel_tol=tolerance), (
                        question.id,
                        written,
                    )


# --- the quiz: choices and text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "right", "wrong"),
    [
        ("llama2_7b_tokens", "c", ["a", "b", "d"]),
        ("mirage_92_percent", "b", ["a", "c", "d"]),
        ("compute_optimal_meaning", "a", ["b", "c", "d"]),
    ],
)
def test_choice_questions(question_id: str, right: str, wrong: list[str]) -> None:
    assert mark(question_id, right)[:2] == (1, Status.PASS)
    assert mark(question_id, right.upper())[:2] == (1, Status.PASS)
    for letter in wrong:
        assert mark(question_id, letter)[:2] == (0, Status.FAIL)


def test_the_llama2_feedback_explains_the_lessons_figure() -> None:
    _, _, feedback = mark("llama2_7b_tokens", "c")
    assert "2.0T" in feedback and "140B" in feedback


def test_multiple_choice_gives_partial_credit() -> None:
    assert mark("trained_beyond_chinchilla", ["c", "d", "f"])[:2] == (1, Status.PASS)
    assert mark("trained_beyond_chinchilla", "f, d, c")[:2] == (1, Status.PASS)
    assert mark("trained_beyond_chinchilla", ["c", "d"])[0] == Fraction(2, 3)
    assert mark("trained_beyond_chinchilla", ["c", "d", "f", "b"])[0] == Fraction(2, 3)
    assert mark("trained_beyond_chinchilla", ["a", "b", "e"])[0] == 0


@pytest.mark.parametrize(
    "answer",
    [
        "token edit distance",
        "Token Edit Distance",
        "edit distance",
        "token-level edit distance",
        "Levenshtein distance",
        "TED",
        "the token edit distance.",
        "token edit distance (TED)",
        "edit distance on tokens",
    ],
)
def test_the_metric_accepts_its_names(answer: str) -> None:
    assert mark("continuous_metric", answer)[:2] == (1, Status.PASS)


@pytest.mark.parametrize(
    "answer", ["Brier score", "accuracy", "exact match", "cross-entropy", "distance"]
)
def test_the_metric_rejects_other_metrics(answer: str) -> None:
    assert mark("continuous_metric", answer)[:2] == (0, Status.FAIL)


# --- the essays ------------------------------------------------------------------------------


def essay_share(essay_id: str, text: str) -> Fraction:
    spec = essay_spec(essay_id)
    score = score_essay(text, spec)
    if score.too_short:
        return Fraction(0)
    earned = sum((to_points(c.criterion.points) for c in score.criteria if c.met), Fraction(0))
    return earned / sum((to_points(c.points) for c in spec.criteria), Fraction(0))


BANDS = [(e, band) for e in ESSAYS for band in sorted(essay_spec(e).bands)]


@pytest.mark.parametrize("essay_id", ESSAYS)
def test_each_essay_has_a_strong_and_a_weak_model_essay(essay_id: str) -> None:
    spec = essay_spec(essay_id)
    assert set(spec.bands) == {"strong", "weak"}
    assert spec.bands["weak"].max < Fraction(1, 2)
    assert 4 <= len(spec.criteria) <= 6
    for band in spec.bands:
        assert (SOLUTIONS / "essays" / essay_id / f"{band}.md").is_file()


@pytest.mark.parametrize(("essay_id", "band"), BANDS)
def test_model_essays_land_in_their_band(essay_id: str, band: str) -> None:
    spec = essay_spec(essay_id)
    text = (SOLUTIONS / "essays" / essay_id / f"{band}.md").read_text(encoding="utf-8")
    score = score_essay(text, spec)
    assert not score.too_short and score.cut_at is None, "the model essay is out of bounds"
    share = essay_share(essay_id, text)
    assert spec.bands[band].min <= share <= spec.bands[band].max, (band, share)


@pytest.mark.parametrize("essay_id", ESSAYS)
def test_the_reference_essay_earns_full_marks(essay_id: str) -> None:
    text = (SOLUTIONS / f"{essay_id}.md").read_text(encoding="utf-8")
    assert essay_share(essay_id, text) == 1


@pytest.mark.parametrize("essay_id", ESSAYS)
def test_the_weak_essay_is_on_topic_and_long_enough(essay_id: str) -> None:
    spec = essay_spec(essay_id)
    text = (SOLUTIONS / "essays" / essay_id / "weak.md").read_text(encoding="utf-8")
    assert spec.words.min <= len(words(text)) <= (spec.words.max or math.inf)
    assert 0 < essay_share(essay_id, text) < Fraction(1, 2)


@pytest.mark.parametrize("essay_id", ESSAYS)
def test_the_untouched_stub_is_not_written_yet(essay_id: str) -> None:
    stub = (EXERCISES / f"{essay_id}.md").read_text(encoding="utf-8")
    assert "below this line" in stub
    assert score_essay(stub, essay_spec(essay_id)).word_count == 0


def test_essays_end_to_end(grade_course) -> None:
    run = grade_course("day06", ESSAYS, solutions=True)
    for result in run.exercises:
        assert result.passed and result.provisional and result.score == result.max_score
    run = grade_course("day06", ESSAYS)
    for result in run.exercises:
        assert result.score == 0 and result.not_started and result.problem is None
        for check in result.checks:
            assert check.failure is not None and check.failure.summary == "not written yet"


# --- keyword lists earn nothing --------------------------------------------------------------


def evidence_terms(essay_id: str) -> list[str]:
    spec = essay_spec(essay_id)
    return sorted({t for c in spec.criteria for group in c.evidence for t in group})


@pytest.mark.parametrize("essay_id", ESSAYS)
def test_no_evidence_term_is_made_of_function_words(essay_id: str) -> None:
    # A list of terms then never reads as prose: it has no ordinary function words.
    for term in evidence_terms(essay_id):
        assert not {w.lower() for w in words(term.rstrip("*"))} & FUNCTION_WORDS, term


def render(term: str, suffix: str) -> str:
    return term[:-1] + suffix if term.endswith("*") else term


@PROPERTY
@given(
    st.sampled_from(ESSAYS),
    st.randoms(use_true_random=False),
    st.sampled_from([" ", ", ", ",", "; ", "\n", "\n- ", ". "]),
    st.integers(min_value=1, max_value=4),
)
def test_keyword_lists_score_zero(
    essay_id: str, rng: random.Random, separator: str, copies: int
) -> None:
    terms = evidence_terms(essay_id) * copies
    rng.shuffle(terms)
    keywords = [render(t, rng.choice(["", "s", "ing", "ed", "ion"])) for t in terms]
    text = separator.join(keywords)
    spec = essay_spec(essay_id)
    score = score_essay(text, spec)
    assert not any(c.met for c in score.criteria), text[:200]


@PROPERTY
@given(st.sampled_from(ESSAYS), st.data())
def test_any_bag_of_keywords_scores_zero(essay_id: str, data: st.DataObject) -> None:
    terms = evidence_terms(essay_id)
    bag = data.draw(st.lists(st.sampled_from(terms), min_size=1, max_size=400))
    text = data.draw(st.sampled_from([" ", ", "])).join(render(t, "") for t in bag)
    assert essay_share(essay_id, text) == 0
