"""Essays: scoring a student's Markdown against the rubric in its spec.

A criterion is met when enough real sentences carry its evidence: a sentence counts when it uses
a term from enough of the criterion's evidence groups, and it reads as prose (long enough, built
with ordinary function words, not a list of keywords). HTML comments (where a stub keeps its
instructions), code blocks and headings are not read, so an untouched essay reads as not
written; a sentence repeated counts once, for the word count too. Results are marked
provisional: an instructor may change them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction

from grader.plan import Job
from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, Status
from grader.spec import Criterion, EssaySpec, to_points
from grader.student_files import StudentFileError, read_student_text

MIN_SENTENCE_WORDS = 6
MIN_FUNCTION_WORDS = 2
MIN_FUNCTION_SHARE = 0.15  # English prose runs at 30-50% function words; keyword lists near 0
MAX_KEYWORD_SHARE = 0.7  # at most this share of a sentence's words may be rubric terms
MAX_COMMA_SHARE = 0.25  # a comma after every few words is a list, not a sentence
_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "cf.", "fig.", "approx.", "no.", "eq.")

FUNCTION_WORDS = frozenset("""
a an the this that these those it its they them their there here we our you your i my me he she
his her is are was were be been being am do does did has have had can could will would should may
might must shall of to in on at by for with from into onto about as than then so because since
while when where which who whom whose what why how if unless until although though but and or nor
not no also just only even more most less very much many such both each every some any all other
""".split())
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&\-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")


def words(text: str) -> list[str]:
    """The words of `text`, as a word count sees them."""
    return _WORD.findall(text)


def essay_body(text: str) -> str:
    """The student's own writing: HTML comments, fenced code blocks and headings removed."""
    kept = []
    in_fence = False
    for line in _without_comments(text).splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence and not _HEADING.match(line):
            kept.append(line)
    return "\n".join(kept)


def _without_comments(text: str) -> str:
    """`text` without <!-- ... --> comments (an unclosed one runs to the end), in linear time."""
    pieces = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            pieces.append(text[position:])
            break
        pieces.append(text[position:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        position = end + 3
    return "".join(pieces)


def _normalise(line: str) -> str:
    return " ".join(line.split()).lower()


def sentences(body: str) -> list[str]:
    """Sentences of the body: split at end punctuation, and at paragraph and list breaks."""
    result: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        for line in _split_lines(block):
            line = _MARKUP.sub("", line).strip()
            result.extend(_join_abbreviations(s.strip() for s in _SENTENCE_END.split(line)))
    return result


def _join_abbreviations(pieces: Iterable[str]) -> list[str]:
    """Rejoin pieces split after an abbreviation ("Wei et al. define ...")."""
    joined: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if joined and joined[-1].lower().endswith(_ABBREVIATIONS):
            joined[-1] += " " + piece
        else:
            joined.append(piece)
    return joined


def _split_lines(block: str) -> Iterable[str]:
    """Join the lines of a paragraph, keeping list items and headings apart."""
    current: list[str] = []
    for line in block.splitlines():
        if _MARKUP.match(line) and current:
            yield " ".join(current)
            current = []
        current.append(line.strip())
    if current:
        yield " ".join(current)


@dataclass(frozen=True)
class _Term:
    pattern: re.Pattern[str]


def _compile_term(term: str) -> _Term:
    prefix = term.endswith("*")
    phrase = term.rstrip("*").strip()
    parts = [re.escape(p) for p in phrase.split()]
    body = r"\s+".join(parts)
    regex = rf"(?<![\w-]){body}" + (r"[\w'’-]*" if prefix else r"(?![\w])")
    return _Term(re.compile(regex, re.IGNORECASE))


def is_prose(sentence: str, terms: list[_Term]) -> bool:
    """Whether a sentence reads as prose rather than a list of the rubric's keywords.

    Words inside any rubric term count as keywords (a function word inside a term, like the "A"
    of "Q&A", is still a keyword). A sentence is prose when it is long enough, its other words
    include enough ordinary function words, keywords do not crowd it, and it is not a
    comma-separated list.
    """
    tokens = list(_WORD.finditer(sentence))
    if len(tokens) < MIN_SENTENCE_WORDS:
        return False
    spans = [m.span() for term in terms for m in term.pattern.finditer(sentence)]
    keywords = 0
    function = 0
    distinct: set[str] = set()
    for token in tokens:
        if any(start < token.end() and token.start() < end for start, end in spans):
            keywords += 1
        elif token.group().lower() in FUNCTION_WORDS:
            function += 1
            distinct.add(token.group().lower())
    count = len(tokens)
    return (
        function >= max(MIN_FUNCTION_WORDS, MIN_FUNCTION_SHARE * count)
        and len(distinct) >= MIN_FUNCTION_WORDS
        and keywords <= MAX_KEYWORD_SHARE * count
        and sentence.count(",") + sentence.count(";") < MAX_COMMA_SHARE * count
    )


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    met: bool
    evidence: tuple[str, ...]


def score_criterion(criterion: Criterion, prose: list[str]) -> CriterionScore:
    """Whether `criterion` is met by the prose sentences, and the sentences that showed it."""
    groups = [[_compile_term(t) for t in group] for group in criterion.evidence]
    need = criterion.need or len(groups)
    found: dict[str, str] = {}
    for sentence in prose:
        matched = sum(1 for group in groups if any(t.pattern.search(sentence) for t in group))
        if matched >= need:
            found.setdefault(_normalise(sentence), sentence)
    evidence = tuple(found.values())
    return CriterionScore(criterion, len(evidence) >= criterion.sentences, evidence)


@dataclass(frozen=True)
class EssayScore:
    word_count: int
    criteria: tuple[CriterionScore, ...]
    too_short: bool
    cut_at: int | None  # words read, when the essay is over the maximum


def score_essay(text: str, spec: EssaySpec) -> EssayScore:
    """Score the essay `text` against `spec`'s rubric."""
    unique: dict[str, str] = {}
    for sentence in sentences(essay_body(text)):
        unique.setdefault(_normalise(sentence), sentence)
    kept: list[str] = []
    count = 0
    cut_at = None
    for sentence in unique.values():
        size = len(words(sentence))
        if spec.words.max is not None and count + size > spec.words.max:
            cut_at = spec.words.max  # words past the limit are not read
            count += size
            continue
        if cut_at is None:
            kept.append(sentence)
        count += size
    terms = [_compile_term(t) for c in spec.criteria for group in c.evidence for t in group]
    prose = [s for s in kept if is_prose(s, terms)]
    return EssayScore(
        word_count=count,
        criteria=tuple(score_criterion(c, prose) for c in spec.criteria),
        too_short=0 < count < spec.words.min,
        cut_at=cut_at,
    )


def grade_essay(job: Job) -> ExerciseResult:
    """Score a student's essay for one essay exercise."""
    exercise = job.exercise
    spec = exercise.spec
    assert isinstance(spec, EssaySpec)
    notes: list[str] = []
    problem = None
    try:
        stub, _ = read_student_text(exercise.stub_path, str(exercise.stub_path))
    except StudentFileError:
        stub = ""
    try:
        text, note = read_student_text(job.source, job.display)
        if note:
            notes.append(f"{job.display}: {note}")
    except StudentFileError as error:
        kind = FailureKind.MISSING_FILE if error.missing else FailureKind.UNREADABLE_FILE
        problem = Failure(kind, str(error))
        text = ""
    score = score_essay(text, spec)
    if problem is None and score.too_short:
        problem = Failure(
            FailureKind.WORD_COUNT,
            f"the essay has {score.word_count} words; write at least {spec.words.min} "
            "to earn points",
        )
    if score.cut_at is not None:
        notes.append(f"The essay has {score.word_count} words; only the first "
                     f"{score.cut_at} were read (the limit).")
    checks = [replace(_criterion_result(c, score, problem, _unread_hint(text, stub)),
                      file=job.display, code=c.criterion.description)
              for c in score.criteria]
    return ExerciseResult(
        id=exercise.id, title=exercise.title, kind="essay", file=job.display,
        checks=tuple(checks), summary=spec.summary, hint=spec.hint, problem=problem,
        provisional=True,
        notes=tuple(notes),
    )


def _unread_hint(text: str, stub: str) -> str:
    """Why an essay reads as empty although the student wrote in it: more words than the stub
    has sit in comments, code blocks or headings."""
    unread = len(words(text)) - len(words(essay_body(text)))
    if unread > len(words(stub)) - len(words(essay_body(stub))):
        return " (text inside <!-- --> comments, code blocks and headings is not read)"
    return ""


def _criterion_result(scored: CriterionScore, score: EssayScore,
                      problem: Failure | None, unread: str) -> CheckResult:
    criterion = scored.criterion
    points = to_points(criterion.points)
    if score.word_count == 0 and problem is None:
        return CheckResult(criterion.id, criterion.description, Status.NOT_IMPLEMENTED,
                           Fraction(0), points,
                           Failure(FailureKind.NOT_IMPLEMENTED, "not written yet" + unread))
    if problem is not None:
        summary = ("would be met, but " if scored.met else "") + "the essay is not scored: " \
            "see above"
        return CheckResult(criterion.id, criterion.description, Status.FAIL, Fraction(0),
                           points, Failure(problem.kind, summary, detail=criterion.missed))
    if scored.met:
        return CheckResult(criterion.id, criterion.description, Status.PASS, points, points,
                           feedback=criterion.met)
    missed = criterion.missed
    found = len(scored.evidence)
    if found and criterion.sentences > found:
        missed += (f" (found {found} sentence{'s' if found > 1 else ''} on this; it needs "
                   f"{criterion.sentences}, each making the point)")
    return CheckResult(criterion.id, criterion.description, Status.FAIL, Fraction(0), points,
                       Failure(FailureKind.CRITERION_MISSED, missed))
