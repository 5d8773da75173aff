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

import grader.quiz as quiz_module
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


def test_a_sheet_with_broken_lines_loses_only_their_questions(grade_course, tmp_path) -> None:
    # The mistakes fresh users made: each once zeroed all 16 points with YAML's own words.
    text = (SOLUTIONS / f"{QUIZ}.yaml").read_text(encoding="utf-8")
    text = text.replace("llama2_7b_tokens: c", "llama2_7b_tokens:\tc")
    text = text.replace("compute_optimal_meaning: a",
                        "compute_optimal_meaning: a: For a fixed training compute budget")
    text = text.replace("trained_beyond_chinchilla: [c, d, f]", "trained_beyond_chinchilla: - c")
    text = text.replace("mirage_92_percent: b", "  mirage_92_percent: b")
    (tmp_path / f"{QUIZ}.yaml").write_text(text, encoding="utf-8")
    run = grade_course("day06", [QUIZ], submission=tmp_path)
    (result,) = run.exercises
    assert result.problem is None and not result.notes
    by_id = {check.id: check for check in result.checks}
    lost = {"compute_optimal_meaning", "trained_beyond_chinchilla", "mirage_92_percent"}
    assert result.score == result.max_score - sum(by_id[q].max_score for q in lost)
    lines = text.splitlines()
    for question in lost:
        check = by_id[question]
        assert check.failure is not None and check.failure.kind is FailureKind.UNPARSEABLE_ANSWER
        number = next(n for n, line in enumerate(lines, 1) if question in line and ":" in line)
        assert check.failure.summary.startswith(f"line {number} "), check.failure.summary
        assert check.line == number
    assert "is indented" in by_id["mirage_92_percent"].failure.summary
    assert by_id["llama2_7b_tokens"].status is Status.PASS


def test_a_line_that_answers_no_question_is_noted(grade_course, tmp_path) -> None:
    text = (SOLUTIONS / f"{QUIZ}.yaml").read_text(encoding="utf-8")
    text = text.replace("llama2_7b_tokens: c", "llama2_7b_tokens: c\nnot sure about this one")
    (tmp_path / f"{QUIZ}.yaml").write_text(text, encoding="utf-8")
    (result,) = grade_course("day06", [QUIZ], submission=tmp_path).exercises
    assert result.score == result.max_score
    number = text.splitlines().index("not sure about this one") + 1
    (note,) = result.notes
    assert note.endswith(f"{QUIZ}.yaml: line {number} is not an answer: write "
                         "`question_id: answer`, with the question's id from the sheet")


# --- the quiz: every way of writing a right number -------------------------------------------

RIGHT = {
    "gopher_optimal_tokens": [
        "5.6T",
        "5.6e12",
        "5.6 trillion",
        "5,600,000,000,000",
        "5.6×10^12",
        "5.6 x 10^12",
        "5600B",
        "~5.6 T tokens",
        "5600 billion tokens",
        "5.6T.",
        "5.9T",
        "5.9 trillion tokens",
    ],
    "phi3_training_flops": [
        "7.5e22",
        "7.524e22",
        "7.5×10^22",
        "7.5 x 10^22 FLOPs",
        "7.52·10²²",
        "75,240,000,000,000,000,000,000",
        "7.5E+22",
        "about 7.5e22 FLOPs",
    ],
    "phi3_small_vs_budget": ["34", "34x", "34.3×", "about 34 times", "34.29", "34.3-fold"],
    "exact_match_accuracy": ["0.2146", "0.21", "0.215", "21.5%", "21%", "2.146×10^-1", "≈ 0.21"],
    "uniform_cross_entropy": [
        "11.52",
        "11.516 nats",
        "11.5",
        "≈11.52",
        "1.1516e1",
        "about 11.52 nats",
    ],
}
WRONG = {
    "gopher_optimal_tokens": ["5.6B", "5.6e9", "60B", "300B", "280B", "14T", "1.4T", "5.3T"],
    "phi3_training_flops": ["7.5e21", "7.5e19", "1.25e22", "2.5e22", "1.08e21", "1.1e23"],
    "phi3_small_vs_budget": ["686", "17", "43", "64", "20", "0.029", "24"],
    "exact_match_accuracy": ["0.95", "0.599", "0.358", "0.077", "0.785", "0.349", "0.2"],
    "uniform_cross_entropy": ["16.61", "5.0", "100352", "11.76", "10.38", "10.37", "11"],
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


@pytest.mark.parametrize(
    ("question_id", "answer", "said"),
    [
        # found by fresh users (on the questions of the time): a unit that contradicts the
        # question was accepted, or refused as "could not read ... as a number"
        ("gopher_optimal_tokens", "5.6T params", "the question asks for tokens, not parameters"),
        ("gopher_optimal_tokens", "5.6e12 nats", "the question asks for tokens, not nats"),
        ("uniform_cross_entropy", "11.52 bits", "the question asks for nats, not bits"),
        ("exact_match_accuracy", "0.21 tokens", "the question asks for a probability, not tokens"),
        ("phi3_small_vs_budget", "34 tokens", "the question asks for a ratio (times), not tokens"),
        ("phi3_training_flops", "7.5e22 tokens", "the question asks for FLOPs, not tokens"),
    ],
)
def test_a_unit_that_contradicts_the_question_is_refused(
    question_id: str, answer: str, said: str
) -> None:
    mark = mark_answer(KEY[question_id], answer)
    assert mark.status is Status.FAIL and mark.failure is not None
    assert mark.failure.kind is FailureKind.UNPARSEABLE_ANSWER
    assert mark.failure.summary == said


def test_a_one_item_list_and_a_closing_full_stop_are_read() -> None:
    answers = read_answer_sheet(
        "continuous_metric: [token edit distance]\ngopher_optimal_tokens: 5.6T.\n", "s.yaml"
    )
    assert mark("continuous_metric", answers["continuous_metric"])[:2] == (1, Status.PASS)
    assert mark("gopher_optimal_tokens", answers["gopher_optimal_tokens"])[:2] == (1, Status.PASS)


def test_the_gopher_budget_accepts_the_rule_and_the_papers_projection() -> None:
    _, _, rule = mark("gopher_optimal_tokens", "5.6 trillion")
    _, _, table = mark("gopher_optimal_tokens", "5.9T tokens")
    assert "Table 3" in rule and "5.9T" in rule and "300B" in rule
    assert "Table 3" in table and "5.6T" in table


def test_the_answers_are_the_formulas_of_the_course() -> None:
    (accepted,) = KEY["exact_match_accuracy"].accepted
    assert accepted.number == pytest.approx(0.95**30, abs=1e-4)
    (accepted,) = KEY["uniform_cross_entropy"].accepted
    assert accepted.number == pytest.approx(math.log(100_352), rel=1e-4)
    rule, table = KEY["gopher_optimal_tokens"].accepted
    assert rule.number == 20 * 280e9 and table.number == 5.9e12
    (accepted,) = KEY["phi3_training_flops"].accepted
    assert accepted.number == pytest.approx(6 * 3.8e9 * 3.3e12, rel=1e-9)
    (accepted,) = KEY["phi3_small_vs_budget"].accepted
    assert accepted.number == pytest.approx(4.8e12 / (20 * 7e9), rel=1e-2)


# Numbers as the day's files write them: 6×10^10, 6e10, 60B, 3.3 trillion, 34.9%, 3,300.
WRITTEN_NUMBER = re.compile(
    r"""(?<![\w.])(?:
        \d+(?:\.\d+)?\s?[x×]\s?10\^[-+]?\d+
      | \d+(?:\.\d+)?e[-+]?\d+
      | \d[\d,]*(?:\.\d+)?(?:\s?(?:[KMBT](?!\w)|billion|trillion|million|%))?
    )""",
    re.VERBOSE,
)


def numbers_written_in(text: str) -> list[tuple[str, float]]:
    """Every number in `text` with its value; a bare number also as a count in billions, the
    unit of the day's code and data (3300 is 3.3T tokens in models.csv)."""
    found = []
    for match in WRITTEN_NUMBER.finditer(text):
        written = match.group().rstrip(",")
        try:
            value = parse_number(written)
        except AnswerError:
            continue
        found.append((written, value))
        if re.fullmatch(r"[\d,.]+", written):
            found.append((f"{written} (billions)", value * 1e9))
    return found


def test_no_numeric_answer_is_printed_in_the_students_files() -> None:
    # A student's own files (stubs, checks, data, specs, the sheet, the day's README) and the
    # grader's advice on writing numbers must not print an answer of the quiz: the quiz would
    # then test copying, not the lesson.
    texts = {
        path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(EXERCISES.rglob("*"))
        if path.is_file()
    }
    texts["grader.quiz's advice on writing numbers"] = quiz_module._WRITE_LIKE
    found = []
    for question_id, marked in KEY.items():
        if marked.question.type != "numeric":
            continue
        rel = max(marked.relative_tolerance, 0.01)
        for accepted in marked.accepted:
            assert accepted.number is not None
            for where, text in texts.items():
                for written, value in numbers_written_in(text):
                    if math.isclose(value, accepted.number, rel_tol=rel,
                                    abs_tol=marked.absolute_tolerance):
                        found.append((question_id, where, written))
    assert not found


def test_the_scan_finds_the_answers_the_old_quiz_gave_away() -> None:
    # the findings that changed the quiz: 3.3T and 4.9T in the stub, 0.349 in the p^L table
    def values(path: Path) -> list[float]:
        return [v for _, v in numbers_written_in(path.read_text(encoding="utf-8"))]

    stub = values(EXERCISES / "phi3_comparison.py")
    assert 3.3e12 in stub and 4.9e12 in stub
    assert any(math.isclose(v, 0.349) for v in values(EXERCISES / "checks" /
                                                      "test_emergence_metrics.py"))
    written = {w for w, _ in numbers_written_in("6 x 10^10, 6e10, 60B, 3.3 trillion, 34.9%")}
    assert written == {"6 x 10^10", "6e10", "60B", "3.3 trillion", "34.9%"}


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


# Found by fresh users: seven grammatical sentences stuffed with the rubric's keywords, and a
# diary to reach the word minimum, once scored 10/10.
SALAD = """The training data is the question and the answer and the FAQ and the forum and the exam.
The model will predict the next token and the answer to the question and the prompt. The loss
and the prediction learn the fact and the knowledge and the pattern and the grammar. The model can
generalise to the new question and the unseen problem and the novel task. The model never
memorises the question and it combines the new problem and the task. The hallucination is
plausible and fluent and wrong and false and not true. The chat model uses instruction tuning and
RLHF to follow the question and be helpful.

Yesterday I went to the market with my sister and we bought apples, bread and some cheese for the
weekend. It rained all afternoon so we stayed inside and watched an old film about a detective in
London. Later my friend called me and we talked for an hour about our summer holiday plans at the
beach.
"""


def test_a_keyword_salad_scores_low() -> None:
    spec = essay_spec("qa_emergence_essay")
    score = score_essay(SALAD, spec)
    assert not score.too_short
    assert essay_share("qa_emergence_essay", SALAD) <= Fraction(1, 10)
    assert len(score.lists) >= 5  # and the student is told which sentences read as lists


DIARY = SALAD.split("\n\n")[1]


@PROPERTY
@given(st.sampled_from(ESSAYS), st.data())
def test_sentences_of_keywords_strung_with_and_the_earn_nothing(
    essay_id: str, data: st.DataObject
) -> None:
    terms = evidence_terms(essay_id)
    salad = []
    for _ in range(data.draw(st.integers(min_value=3, max_value=10))):
        items = data.draw(st.lists(st.sampled_from(terms), min_size=4, max_size=7))
        opening = data.draw(st.sampled_from(["The ", "The model is the ", "It uses the "]))
        salad.append(opening + " and the ".join(render(t, "") for t in items) + ".")
    score = score_essay(" ".join(salad) + "\n\n" + DIARY, essay_spec(essay_id))
    assert not [c.criterion.id for c in score.criteria if c.met], salad


@pytest.mark.parametrize(
    "sentence",
    [
        "Chat models are also fine-tuned on instructions with human feedback (RLHF), so that "
        "they reliably answer the question instead of writing more questions.",
        "Afterwards, instruction tuning teaches chat models to answer.",
    ],
)
def test_real_sentences_on_instruction_tuning_count(sentence: str) -> None:
    # both once earned 0/1: "fine-tuned" did not match tun*, and "to" was too few function words
    score = score_essay(sentence, essay_spec("qa_emergence_essay"))
    (instruction,) = [c for c in score.criteria if c.criterion.id == "instruction_tuning"]
    assert instruction.met and instruction.evidence == (sentence,)


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
