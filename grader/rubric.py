"""Essays: scoring a student's Markdown against the rubric in its spec.

A criterion is met when enough real sentences carry its evidence: a sentence counts when it uses
a term from enough of the criterion's evidence groups, and it reads as prose (long enough, built
with ordinary function words, not a list of keywords, whether separated by commas or strung
together with "and the"). HTML comments (where a stub keeps its instructions), code blocks and
headings are not read, so an untouched essay reads as not written; a sentence repeated counts
once, for the word count too, and the student is told so. Results are marked provisional: an
instructor may change them.
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
MIN_FUNCTION_WORDS = 1  # besides list glue: a preposition, a verb like "is", a pronoun...
MIN_FUNCTION_SHARE = 0.1  # English prose runs at 30-50% function words; keyword lists near 0
MAX_KEYWORD_SHARE = 0.7  # at most this share of a sentence's words may be rubric terms
MAX_COMMA_SHARE = 0.25  # a comma after every few words is a list, not a sentence
MAX_LIST_SHARE = 0.5  # at most this share of a sentence may be rubric terms strung with "and"
MAX_QUOTED = 2  # sentences quoted in a note
_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "cf.", "fig.", "approx.", "no.", "eq.")

FUNCTION_WORDS = frozenset("""
a an the this that these those it its they them their there here we our you your i my me he she
his her is are was were be been being am do does did has have had can could will would should may
might must shall of to in on at by for with from into onto about as than then so because since
while when where which who whom whose what why how if unless until although though but and or nor
not no also just only even more most less very much many such both each every some any all other
""".split())
# The words that join the items of a list: "the question and the answer and the FAQ".
LIST_GLUE = frozenset({"a", "an", "the", "and", "or", "nor"})
COORDINATORS = frozenset({"and", "or", "nor"})
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&\-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)")


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


def sentences(body: str) -> list[tuple[str, bool]]:
    """Sentences of the body, each with whether it sits in a list item (a bullet or a
    numbered point): split at end punctuation, and at paragraph and list breaks."""
    result: list[tuple[str, bool]] = []
    for block in re.split(r"\n\s*\n", body):
        for line in _split_lines(block):
            item = bool(_LIST_ITEM.match(line))
            line = _MARKUP.sub("", line).strip()
            result.extend((sentence, item) for sentence in
                          _join_abbreviations(s.strip() for s in _SENTENCE_END.split(line)))
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
    of "Q&A", is still a keyword). A sentence is prose when it is long enough, it has function
    words beyond the glue of a list ("the", "and"), keywords do not crowd it, it is not a
    comma-separated list, and it is not mostly keywords strung together with "and the" ("the
    question and the answer and the FAQ and the forum").
    """
    tokens = list(_WORD.finditer(sentence))
    if len(tokens) < MIN_SENTENCE_WORDS:
        return False
    spans = [m.span() for term in terms for m in term.pattern.finditer(sentence)]
    kinds = []  # per token: "keyword", "glue", "function" or "other"
    for token in tokens:
        word = token.group().lower()
        if any(start < token.end() and token.start() < end for start, end in spans):
            kinds.append("keyword")
        elif word in LIST_GLUE:
            kinds.append("glue")
        elif word in FUNCTION_WORDS:
            kinds.append("function")
        else:
            kinds.append("other")
    count = len(tokens)
    function = kinds.count("function") + kinds.count("glue")
    relating = {t.group().lower() for t, kind in zip(tokens, kinds, strict=True)
                if kind == "function"}
    return (
        function >= MIN_FUNCTION_SHARE * count
        and len(relating) >= MIN_FUNCTION_WORDS
        and kinds.count("keyword") <= MAX_KEYWORD_SHARE * count
        and sentence.count(",") + sentence.count(";") < MAX_COMMA_SHARE * count
        and _listed(tokens, kinds) < MAX_LIST_SHARE * count
    )


def _listed(tokens: list[re.Match[str]], kinds: list[str]) -> int:
    """How many words of a sentence are keywords strung together: runs of keywords and list
    glue in which "and" (or "or") joins two keywords, counted from their first keyword to their
    last."""
    listed = 0
    run: list[int] = []  # positions of a run of keywords and glue
    for position, kind in enumerate([*kinds, "end"]):
        if kind in ("keyword", "glue"):
            run.append(position)
            continue
        keywords = [p for p in run if kinds[p] == "keyword"]
        if len(keywords) >= 2 and any(
                tokens[p].group().lower() in COORDINATORS for p in run
                if keywords[0] < p < keywords[-1]):
            listed += keywords[-1] - keywords[0] + 1
        run = []
    return listed


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    met: bool
    evidence: tuple[str, ...]


def _groups(criterion: Criterion) -> list[list[_Term]]:
    return [[_compile_term(t) for t in group] for group in criterion.evidence]


def _carries(groups: list[list[_Term]], need: int, sentence: str) -> bool:
    """Whether `sentence` uses a term from `need` of a criterion's evidence groups."""
    return sum(1 for group in groups if any(t.pattern.search(sentence) for t in group)) >= need


def score_criterion(criterion: Criterion, prose: list[str]) -> CriterionScore:
    """Whether `criterion` is met by the prose sentences, and the sentences that showed it."""
    groups = _groups(criterion)
    need = criterion.need or len(groups)
    found: dict[str, str] = {}
    for sentence in prose:
        if _carries(groups, need, sentence):
            found.setdefault(_normalise(sentence), sentence)
    evidence = tuple(found.values())
    return CriterionScore(criterion, len(evidence) >= criterion.sentences, evidence)


@dataclass(frozen=True)
class EssayScore:
    word_count: int
    criteria: tuple[CriterionScore, ...]
    too_short: bool
    cut_at: int | None  # words read, when the essay is over the maximum
    repeated_words: int = 0  # words of sentences that repeat an earlier one: not counted
    prose: int = 0  # sentences read (within the limit) that read as prose
    lists: tuple[str, ...] = ()  # sentences with a criterion's terms that read as keyword lists
    list_items: int = 0  # sentences in bullet or numbered points, which are not evidence


def score_essay(text: str, spec: EssaySpec) -> EssayScore:
    """Score the essay `text` against `spec`'s rubric."""
    unique: dict[str, str] = {}
    repeated = 0
    items: set[str] = set()  # sentences in list items: counted as words, not read as evidence
    for sentence, item in sentences(essay_body(text)):
        key = _normalise(sentence)
        if key in unique:
            repeated += len(words(sentence))
        else:
            unique[key] = sentence
            if item:
                items.add(sentence)
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
    prose = [s for s in kept if s not in items and is_prose(s, terms)]
    read_as_prose = set(prose)
    evidence = [(groups, c.need or len(groups)) for c in spec.criteria
                for groups in [_groups(c)]]
    lists = tuple(s for s in kept if s not in read_as_prose and s not in items
                  and len(words(s)) >= MIN_SENTENCE_WORDS
                  and any(_carries(groups, need, s) for groups, need in evidence))
    return EssayScore(
        word_count=count,
        criteria=tuple(score_criterion(c, prose) for c in spec.criteria),
        too_short=0 < count < spec.words.min,
        cut_at=cut_at,
        repeated_words=repeated,
        prose=len(prose),
        lists=lists,
        list_items=sum(1 for s in kept if s in items),
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
    once = (f" (repeated text is counted once: {score.repeated_words} words repeat sentences "
            "written before them)" if score.repeated_words else "")
    if problem is None and score.too_short:
        problem = Failure(
            FailureKind.WORD_COUNT,
            f"the essay has {score.word_count} words{once}; write at least {spec.words.min} "
            "to earn points",
        )
    elif score.repeated_words:
        notes.append(f"Repeated text is counted once: {score.repeated_words} words repeat "
                     f"sentences written before them, so the essay counts {score.word_count} "
                     "words.")
    if score.cut_at is not None:
        notes.append(f"The essay has {score.word_count} words; only the first "
                     f"{score.cut_at} were read (the limit).")
    notes.extend(_prose_notes(score))
    checks = [replace(_criterion_result(c, score, problem, _unread_hint(text, stub)),
                      file=job.display, code=c.criterion.description)
              for c in score.criteria]
    return ExerciseResult(
        id=exercise.id, title=exercise.title, kind="essay", file=job.display,
        checks=tuple(checks), summary=spec.summary, hint=spec.hint, problem=problem,
        provisional=True,
        notes=tuple(notes),
    )


def _prose_notes(score: EssayScore) -> list[str]:
    """Why the rubric found little or no evidence in text that has the right words: it reads
    sentences, and keyword lists are not read as sentences."""
    notes = []
    if score.list_items:
        notes.append(f"{score.list_items} sentence(s) in bullet or numbered points were not "
                     "read as evidence: an essay makes its case in paragraphs, so write your "
                     "points as sentences in a paragraph.")
    if score.word_count and not score.prose:
        return [*notes, "No full sentences found: the rubric reads evidence in sentences, so a "
                "list of keywords earns nothing. Write your points as sentences that say how "
                "the ideas connect."]
    if not score.lists:
        return notes
    count = len(score.lists)
    quoted = ", ".join(f'"{_start(s)}"' for s in score.lists[:MAX_QUOTED])
    more = f" and {count - MAX_QUOTED} more" if count > MAX_QUOTED else ""
    what = ("sentences read as lists of keywords rather than sentences, so they were"
            if count > 1 else "sentence reads as a list of keywords rather than a sentence, so "
            "it was")
    return [*notes, f"{count} {what} not counted as evidence: {quoted}{more}. Say how the "
            "ideas connect, in your own words."]


def _start(sentence: str, size: int = 60) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "..."


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
