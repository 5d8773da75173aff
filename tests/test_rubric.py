"""Scoring essays against a rubric: what earns a criterion and what never does.

The rubric here is small and built in the test; the Day 6 essays are tested in
test_day06_content.py.
"""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.plan import Job
from grader.results import ExerciseResult, FailureKind, Status
from grader.rubric import FUNCTION_WORDS, grade_essay, score_essay, words
from grader.spec import EssaySpec, to_points

PROPERTY = settings(deadline=None, derandomize=True, database=None, max_examples=60)

MIN_WORDS, MAX_WORDS = 40, 200


def criterion(id: str, evidence: list[list[str]], points: int = 1, **extra: object) -> dict:
    return {
        "id": id,
        "points": points,
        "description": id,
        "evidence": evidence,
        "met": f"{id} met",
        "missed": f"{id} missed",
        **extra,
    }


SPEC = EssaySpec.model_validate(
    {
        "schema": 1,
        "kind": "essay",
        "title": "Why next-token prediction answers questions",
        "hint": "h",
        "prompt": "p",
        "words": {"min": MIN_WORDS, "max": MAX_WORDS},
        "criteria": [
            criterion(
                "data",
                [["question*", "FAQ*"], ["answer*"], ["training", "corpus", "web"]],
                points=2,
            ),
            criterion("prediction", [["predict*", "next token", "continu*"], ["answer*"]]),
            criterion("limits", [["hallucinat*", "plausible"], ["false", "wrong"]], sentences=2),
        ],
    }
)
TERMS = sorted({term for c in SPEC.criteria for group in c.evidence for term in group})

DATA = "The web text used for training is full of questions that are followed by their answers."
PREDICTION = "When it reads a question, the model predicts the next token, which is an answer."
LIMITS_A = "A plausible answer from the model can still be completely wrong."
LIMITS_B = "Such hallucinations look fluent even though every detail in them is false."
EVIDENCE = [DATA, PREDICTION, LIMITS_A, LIMITS_B]
FILLER = "This sentence is only here to make the essay longer for this test."
STRONG = " ".join([DATA, PREDICTION, FILLER, LIMITS_A, LIMITS_B])

STUB = """# Why next-token prediction answers questions

<!--
Explain how the training data, which has questions and answers, makes prediction answer them.
-->
<!-- Write your essay below this line. -->
"""


def met(text: str) -> set[str]:
    return {c.criterion.id for c in score_essay(text, SPEC).criteria if c.met}


def grade(text: str, stub: str = STUB) -> ExerciseResult:
    """Grade `text` the way `grade` does, from files."""
    with tempfile.TemporaryDirectory() as folder:
        stub_path = Path(folder) / "stub.md"
        stub_path.write_text(stub, encoding="utf-8")
        essay = Path(folder) / "essay.md"
        essay.write_text(text, encoding="utf-8")
        exercise = Exercise(
            id="essay",
            day="demo",
            spec=SPEC,
            spec_path=Path(folder) / "s.yaml",
            student_file="essay.md",
            stub_path=stub_path,
            solution_path=Path(folder) / "solution.md",
        )
        return grade_essay(Job(exercise, essay, "essay.md"))


MAX_POINTS = sum((to_points(c.points) for c in SPEC.criteria), Fraction(0))


def test_the_strong_essay_meets_every_criterion() -> None:
    assert met(STRONG) == {"data", "prediction", "limits"}
    result = grade(STRONG)
    assert result.score == result.max_score == MAX_POINTS
    assert result.provisional
    assert all(c.feedback == f"{c.id} met" for c in result.checks)


# --- keyword lists ---------------------------------------------------------------------------


def render(term: str, suffix: str) -> str:
    return term[:-1] + suffix if term.endswith("*") else term


keyword_lists = st.lists(
    st.tuples(st.sampled_from(TERMS), st.sampled_from(["", "s", "ing", "ed"])),
    min_size=MIN_WORDS,
    max_size=150,
).map(lambda items: [render(term, suffix) for term, suffix in items])


@PROPERTY
@given(keyword_lists, st.sampled_from([" ", ", ", "; ", "\n", "\n- ", " / "]))
def test_keyword_lists_never_meet_a_criterion(keywords: list[str], separator: str) -> None:
    text = separator.join(keywords)
    assert met(text) == set(), text
    assert grade(text).score == 0


glued_lists = st.lists(
    st.tuples(st.sampled_from(TERMS), st.sampled_from(["", "the ", "a ", "of the "])),
    min_size=MIN_WORDS // 2,
    max_size=80,
).map(lambda items: [glue + render(term, "") for term, glue in items])


@PROPERTY
@given(glued_lists, st.sampled_from([", ", "; ", ",\n"]))
def test_keyword_lists_with_articles_glued_on_never_meet_a_criterion(
    keywords: list[str], separator: str
) -> None:
    text = separator.join(keywords) + "."
    assert met(text) == set(), text


def test_smallest_keyword_lists_that_once_met_a_criterion_do_not() -> None:
    # a list mixing terms of several criteria with two function words, and a term ("Q&A")
    # that looks like two words, each once passed as prose
    padding = " ".join(["Filler words pad this essay out to its minimum length here."] * 6)
    for attack in ("web, corpus, FAQ, the, of, answer, predicts.",
                   "Q&A Q&A answer predict web data corpus FAQ.",
                   "The answer, the web, the corpus, the FAQ, the predict, the question data."):
        assert met(padding + " " + attack) == set(), attack


def test_the_terms_of_this_rubric_hold_no_function_words() -> None:
    # what makes the property above hold: a term's words never count as ordinary prose
    for term in TERMS:
        assert not {w.lower() for w in words(term.rstrip("*"))} & FUNCTION_WORDS, term


# --- repetition ------------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=1, max_value=12), st.sampled_from(["\n\n", " ", "\n"]))
def test_a_repeated_sentence_counts_once(times: int, separator: str) -> None:
    once = " ".join([DATA, PREDICTION, FILLER, FILLER, LIMITS_A])
    repeated = (
        " ".join([DATA, PREDICTION, FILLER, FILLER])
        + separator
        + separator.join([LIMITS_A] * times)
    )
    assert met(repeated) == met(once) == {"data", "prediction"}
    assert grade(repeated).score == grade(once).score


@PROPERTY
@given(st.lists(st.sampled_from(["upper", "lower", "spaces"]), min_size=1, max_size=5))
def test_changing_case_or_spacing_does_not_make_a_new_sentence(changes: list[str]) -> None:
    variants = []
    for change in changes:
        variants.append(
            {
                "upper": LIMITS_A.upper(),
                "lower": LIMITS_A.lower(),
                "spaces": LIMITS_A.replace(" ", "   "),
            }[change]
        )
    text = " ".join([DATA, PREDICTION, FILLER, LIMITS_A, *variants])
    assert "limits" not in met(text)


# --- points ----------------------------------------------------------------------------------

pieces = st.lists(
    st.sampled_from(
        [
            *EVIDENCE,
            FILLER,
            "question answer training web",
            "predict continue answer",
            "## A heading",
            "",
        ]
    ),
    max_size=40,
)


@PROPERTY
@given(pieces, st.sampled_from([" ", "\n", "\n\n"]))
def test_the_score_never_exceeds_the_maximum(parts: list[str], separator: str) -> None:
    result = grade(separator.join(parts))
    assert 0 <= result.score <= result.max_score == MAX_POINTS
    assert result.score == sum(
        (c.score for c in result.checks if c.status is Status.PASS), Fraction(0)
    )
    for check in result.checks:
        assert check.score in (0, check.max_score)


# --- word bounds -----------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=1, max_value=MIN_WORDS - 1))
def test_text_below_the_minimum_scores_zero(count: int) -> None:
    text = " ".join(STRONG.split()[:count])
    result = grade(text)
    assert result.score == 0
    assert result.problem is not None and result.problem.kind is FailureKind.WORD_COUNT
    assert str(MIN_WORDS) in result.problem.summary
    assert all(c.status is Status.FAIL for c in result.checks)


def test_short_evidence_is_still_too_short() -> None:
    assert met(DATA + " " + PREDICTION) == {"data", "prediction"}
    assert grade(DATA + " " + PREDICTION).score == 0  # 30 words, below the minimum of 40


@PROPERTY
@given(st.integers(min_value=0, max_value=MAX_WORDS))
def test_words_past_the_maximum_are_not_read(extra: int) -> None:
    # distinct sentences: a repeated one counts once, for the word count too
    sentence = "This is filler sentence number {} to make the essay longer."
    padding = " ".join(sentence.format(n) for n in range((MAX_WORDS + extra) // 11 + 1))
    late = padding + " " + STRONG
    assert met(late) == set()
    result = grade(late)
    assert result.score == 0
    assert any(f"only the first {MAX_WORDS}" in note for note in result.notes)
    early = STRONG + " " + padding
    assert met(early) == {"data", "prediction", "limits"}


def test_a_sentence_cut_by_the_limit_does_not_count() -> None:
    before = [DATA, PREDICTION, LIMITS_B]
    needed = MAX_WORDS - 5 - len(words(" ".join(before)))
    padding = " ".join(f"filler{n}" for n in range(needed)) + "."
    # the limit falls after "A plausible answer from the", before "wrong"
    assert "limits" not in met(" ".join([*before, padding, LIMITS_A]))
    assert "limits" in met(" ".join([*before, LIMITS_A, padding]))


# --- the stub --------------------------------------------------------------------------------


def test_the_untouched_stub_is_not_written_yet() -> None:
    result = grade(STUB)
    assert result.problem is None and result.score == 0 and result.not_started
    for check in result.checks:
        assert check.status is Status.NOT_IMPLEMENTED
        assert check.failure is not None and check.failure.summary == "not written yet"


@PROPERTY
@given(st.lists(st.sampled_from([*EVIDENCE, FILLER]), min_size=4, max_size=16))
def test_the_stubs_instructions_and_heading_are_ignored(parts: list[str]) -> None:
    text = " ".join(parts)
    with_stub = STUB + "\n" + text + "\n"
    assert met(with_stub) == met(text)
    assert grade(with_stub).score == grade(text).score


def test_comments_and_code_blocks_are_not_read() -> None:
    hidden = f"<!-- {STRONG} -->\n\n```\n{STRONG}\n```\n"
    assert met(hidden) == set()
    assert score_essay(hidden, SPEC).word_count == 0


# --- bugs found by trying it, pinned ---------------------------------------------------------


def test_an_essay_graded_in_place_is_read_in_full() -> None:
    """Graded in exercises/, the student's file is also the stub path: nothing of the essay may
    be taken for the stub's text (it once scored 0 as 'not written yet')."""
    with tempfile.TemporaryDirectory() as folder:
        essay = Path(folder) / "essay.md"
        essay.write_text(STUB + "\n" + STRONG + "\n", encoding="utf-8")
        exercise = Exercise(id="essay", day="demo", spec=SPEC, spec_path=Path(folder) / "s.yaml",
                            student_file="essay.md", stub_path=essay,
                            solution_path=Path(folder) / "solution.md")
        result = grade_essay(Job(exercise, essay, "essay.md"))
    assert result.score == MAX_POINTS


def test_many_unclosed_comment_openers_hide_what_follows() -> None:
    """An unclosed <!-- hides the rest of the file; thousands of them are read in linear time
    (the old pattern took minutes on a few hundred kilobytes)."""
    text = STRONG + "\n" + "<!-- " * 64_000 + STRONG
    assert met(text) == {"data", "prediction", "limits"}
    assert score_essay(text, SPEC).word_count == len(words(STRONG))


def test_repeated_sentences_count_once_towards_the_minimum() -> None:
    sentences = [DATA, PREDICTION]
    once = score_essay(" ".join(sentences), SPEC).word_count
    assert once < MIN_WORDS
    assert score_essay(" ".join(sentences * 6), SPEC).word_count == once
    assert grade(" ".join(sentences * 6)).problem is not None  # still too short


def test_a_criterion_needing_two_sentences_says_how_many_it_found() -> None:
    result = grade(" ".join([DATA, PREDICTION, LIMITS_A, FILLER] * 1) + " " + " ".join(
        f"Padding sentence number {n} is here for the length." for n in range(4)))
    limits = next(c for c in result.checks if c.id == "limits")
    assert limits.failure is not None
    assert "found 1 sentence on this; it needs 2" in limits.failure.summary


def test_text_written_inside_the_comment_is_flagged() -> None:
    hidden = STUB.replace("-->\n<!--", STRONG + "\n-->\n<!--", 1)
    result = grade(hidden)
    assert result.not_started
    assert all("comments" in (c.failure.summary if c.failure else "") for c in result.checks)


# --- keyword salad: grammatical, but keywords strung with "and the" --------------------------

glues = st.sampled_from([" and the ", " and ", " or the ", " and a ", " and the "])


@st.composite
def strung_sentences(draw: st.DrawFn) -> str:
    """A sentence whose rubric terms are strung together with "and the", behind a short
    grammatical opening: "The training data is the question and the answer and the FAQ."."""
    terms = draw(st.lists(st.sampled_from(TERMS), min_size=4, max_size=8))
    items = [render(term, draw(st.sampled_from(["", "s"]))) for term in terms]
    opening = draw(st.sampled_from(["The ", "The model is the ", "It uses the ",
                                    "The training data is the ", "We see the "]))
    strung = items[0]
    for item in items[1:]:
        strung += draw(glues) + item
    return opening + strung + "."


@PROPERTY
@given(st.lists(strung_sentences(), min_size=1, max_size=6))
def test_keywords_strung_with_and_the_are_never_evidence(salad: list[str]) -> None:
    diary = ("Yesterday I went to the market with my sister, and we bought bread for the "
             "weekend. It rained all afternoon, so we stayed inside and watched an old film.")
    assert met(" ".join([*salad, diary])) == set()
    # and they take nothing from an essay that has the evidence in real sentences
    assert met(" ".join([STRONG, *salad])) == met(STRONG)


def test_a_salad_is_told_which_sentences_read_as_lists() -> None:
    salad = ("The web data is the question and the answer and the FAQ and the training. "
             "The model will predict the next token and the answer and the continuation. "
             + FILLER + " " + FILLER.replace("only", "just") + " "
             + " ".join(f"Padding sentence number {n} is here for the length." for n in range(3)))
    result = grade(salad)
    assert result.score == 0
    (note,) = [n for n in result.notes if "list of keywords" in n or "lists of keywords" in n]
    assert note.startswith("2 sentences read as lists of keywords rather than sentences")
    assert '"The web data is the question and the answer and the FAQ and..."' in note


def test_a_bare_keyword_list_is_told_that_the_rubric_reads_sentences() -> None:
    keywords = " ".join(render(t, "") for t in TERMS * 8)
    result = grade(keywords)
    assert result.score == 0 and result.problem is None
    assert any(n.startswith("No full sentences found: the rubric reads evidence in sentences")
               for n in result.notes), result.notes


def test_short_sentences_with_one_relating_word_are_prose() -> None:
    # "Afterwards, instruction tuning teaches chat models to answer." has "to" and nothing else
    # of the function words; it is a sentence all the same
    assert met("Afterwards the training data teaches models to answer questions.") == {"data"}


# --- repetition, said ------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=2, max_value=5), st.sampled_from(["\n\n", " "]))
def test_repeated_text_is_said_to_count_once(times: int, separator: str) -> None:
    result = grade(separator.join([STRONG] * times))
    once = len(words(STRONG))
    assert result.score == MAX_POINTS
    assert (f"Repeated text is counted once: {once * (times - 1)} words repeat sentences "
            f"written before them, so the essay counts {once} words.") in result.notes
    assert not [n for n in grade(STRONG).notes if "Repeated" in n]


def test_a_repeated_essay_too_short_says_why_it_is_short() -> None:
    result = grade(" ".join([DATA, PREDICTION] * 2))
    assert result.problem is not None and result.problem.kind is FailureKind.WORD_COUNT
    assert "(repeated text is counted once: " in result.problem.summary


@given(st.sampled_from(["- ", "* ", "+ ", "1. ", "2) "]),
       st.sampled_from([FILLER, "Another sentence that pads this essay out a little more."]))
@PROPERTY
def test_points_in_a_list_are_counted_as_words_but_not_read_as_evidence(marker: str,
                                                                        padding: str) -> None:
    # an essay makes its case in paragraphs; bullet points of the right words earn nothing
    bullets = "\n".join(f"{marker}{sentence}" for sentence in [*EVIDENCE, padding, FILLER])
    result = grade(bullets)
    assert result.score == 0 and result.problem is None
    assert any("in bullet or numbered points were not read as evidence" in note
               for note in result.notes), result.notes
    # the same sentences in a paragraph meet every criterion
    assert grade(" ".join([*EVIDENCE, padding, FILLER])).score == MAX_POINTS
