"""Quizzes: reading a student's answer sheet and marking it against the key.

Numbers may be written the way people write them: `60B`, `6e10`, `60 billion`,
`60,000,000,000`, `6×10^10`, `6 x 10**10`, `~60 B tokens`, `34.9%`. Answers are read from the
text the student wrote, not from YAML's guess at its type, so `1.10`, `NO` or `012` reach the
marker as written. Feedback never gives the key away.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import yaml

from grader.errors import AuthoringError, Problem
from grader.plan import Job
from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, Status
from grader.spec import AnswerKey, Question, QuizSpec, load_quiz_key, to_points
from grader.student_files import StudentFileError, read_student_text


class AnswerError(ValueError):
    """An answer that cannot be read; the message says how to write it."""


# --- numbers -------------------------------------------------------------------------------

SCALE_WORDS = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "g": 1e9, "billion": 1e9, "billions": 1e9,
    "t": 1e12, "tn": 1e12, "trillion": 1e12, "trillions": 1e12,
    "q": 1e15, "quadrillion": 1e15,
}
_UNIT_WORDS = (
    "tokens", "token", "parameters", "parameter", "params", "param", "nats", "nat", "flops",
    "flop", "times", "x", "×", "-fold", "fold",
)
_APPROX = ("approximately", "approx.", "approx", "about", "around", "roughly", "circa", "ca.",
           "~", "≈", "=")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
_SEPARATORS = ",\u00a0\u2009\u202f _'"
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_GROUPED = re.compile(
    rf"[+-]?\d{{1,3}}(?:(?P<sep>[{_SEPARATORS}])\d{{3}})(?:(?P=sep)\d{{3}})*(?:\.\d+)?"
)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}")
_POWER = re.compile(
    r"(?:(?P<mantissa>.+?)\s*(?:[x×*·]|\\times)\s*)?10\s*(?:\^|\*\*)\s*\(?(?P<exp>[+-]?\d+)\)?"
)
_WRITE_LIKE = "write it like 0.35, 43, 60B, 6e10, 60 billion, 60,000,000,000 or 6×10^10"
MAX_NUMBER_TEXT = 100
PERCENT_UNITS = (None, "", "fraction", "probability", "share", "accuracy", "percent")


def parse_number(text: str, *, percent: bool = True) -> float:
    """The number a person wrote; AnswerError when it cannot be read as exactly one number.

    With `percent=False` (a question counting tokens or nats, say) "34.9%" is refused.
    """
    original = text
    if len(text) > MAX_NUMBER_TEXT:
        raise AnswerError(f"{text[:20]!r}... is too long to be one number; {_WRITE_LIKE}")
    text = text.strip().lower().replace("−", "-").replace("–", "-")
    text = _SUPERSCRIPTS.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT), text)
    for word in _APPROX:
        if text.startswith(word):
            text = text[len(word):].strip()
    is_percentage = text.endswith("%")
    if is_percentage:
        if not percent:
            raise AnswerError(f"{original.strip()!r} is a percentage, but this question asks "
                              "for a plain number")
        text = text[:-1].strip()
    changed = True
    while changed:
        changed = False
        for unit in _UNIT_WORDS:
            if text.endswith(unit) and len(text) > len(unit):
                candidate = text[: -len(unit)].rstrip()
                if candidate and (unit not in ("x", "×") or candidate[-1].isdigit()
                                  or candidate[-1] in ".kmbgtq"):
                    text = candidate
                    changed = True
    scale = 1.0
    match = re.fullmatch(r"(?P<number>.*?)\s*(?P<word>[a-z]+)", text)
    if match and match.group("word") in SCALE_WORDS and match.group("number"):
        scale = SCALE_WORDS[match.group("word")]
        text = match.group("number").strip()
    value = _parse_plain(text)
    if value is None:
        raise AnswerError(f"could not read {original.strip()!r} as a number; {_WRITE_LIKE}")
    value *= scale
    if is_percentage:
        value /= 100
    if not math.isfinite(value):
        raise AnswerError(f"{original.strip()!r} is not a finite number")
    return value


def _parse_plain(text: str, power_allowed: bool = True) -> float | None:
    text = text.strip()
    if not text:
        return None
    if _PLAIN.fullmatch(text):
        return float(text)
    if _GROUPED.fullmatch(text):
        return float(re.sub(f"[{_SEPARATORS}]", "", text))
    if _DECIMAL_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    power = _POWER.fullmatch(text) if power_allowed else None
    if power:
        mantissa = power.group("mantissa")
        base = 1.0 if mantissa is None else _parse_plain(mantissa, power_allowed=False)
        if base is None:
            return None
        try:
            return base * 10.0 ** int(power.group("exp"))
        except OverflowError:
            return math.inf  # reported as not finite
    return None


# --- the key -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    """One accepted answer, ready to compare."""

    number: float | None = None
    choices: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = None
    feedback: str = ""


@dataclass(frozen=True)
class MarkedQuestion:
    question: Question
    accepted: tuple[Accepted, ...]
    relative_tolerance: float
    absolute_tolerance: float


def load_key(spec: QuizSpec, key_path: Path, display: str) -> dict[str, MarkedQuestion]:
    """The key of a quiz, checked against its questions; AuthoringError lists every problem."""
    key = load_quiz_key(key_path, display)
    problems: list[Problem] = []
    marked: dict[str, MarkedQuestion] = {}
    for question in spec.questions:
        entry = key.answers.get(question.id)
        if entry is None:
            problems.append(Problem(display, f"question {question.id} has no answer in the key",
                                    field="answers"))
            continue
        try:
            marked[question.id] = _mark(question, entry)
        except (AnswerError, re.error, ValueError) as error:
            problems.append(Problem(display, str(error), field=f"answers.{question.id}"))
    for extra in set(key.answers) - {q.id for q in spec.questions}:
        problems.append(Problem(display, f"{extra} is not a question of this quiz",
                                field=f"answers.{extra}"))
    if problems:
        raise AuthoringError(problems)
    return marked


def _mark(question: Question, entry: AnswerKey) -> MarkedQuestion:
    accepted = []
    for answer in entry.accept:
        value = answer.value
        if question.type == "numeric":
            if isinstance(value, list):
                raise ValueError("a numeric answer is one number")
            number = parse_number(str(value)) if isinstance(value, str) else float(value)
            accepted.append(Accepted(number=number, feedback=answer.feedback))
        elif question.type in ("choice", "multiple_choice"):
            letters = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            assert question.choices is not None
            unknown = [v for v in letters if v not in question.choices]
            if unknown:
                raise ValueError(f"{unknown[0]!r} is not one of the choices")
            if question.type == "choice" and len(letters) != 1:
                raise ValueError("a choice question has one right letter")
            accepted.append(Accepted(choices=frozenset(letters), feedback=answer.feedback))
        else:
            if not isinstance(value, str):
                raise ValueError("a text answer is a pattern (a string)")
            accepted.append(Accepted(pattern=re.compile(value, re.IGNORECASE),
                                     feedback=answer.feedback))
    return MarkedQuestion(question, tuple(accepted), float(entry.relative_tolerance),
                          float(entry.absolute_tolerance))


# --- the answer sheet ----------------------------------------------------------------------

@dataclass(frozen=True)
class Unreadable:
    """An answer the sheet holds in a shape no question takes; `reason` says how to fix it."""

    reason: str


Answer = str | list[str] | Unreadable | None


def read_answer_sheet(text: str, display: str) -> dict[str, Answer]:
    """The answers in a student's YAML sheet, as the text they wrote; AnswerError if unreadable."""
    answers: dict[str, Answer] = {}
    lines: dict[str, int] = {}
    for question, line, value_node in _sheet_entries(text, display):
        if question in lines:
            answers[question] = Unreadable(
                f"answered twice (lines {lines[question]} and {line}): keep one answer")
            continue
        lines[question] = line
        answers[question] = _answer_text(value_node)
    return answers


def answer_lines(text: str, display: str) -> dict[str, int]:
    """The line each question is answered on in a student's sheet (for reports that point)."""
    try:
        return {question: line for question, line, _ in reversed(_sheet_entries(text, display))}
    except AnswerError:
        return {}


def _sheet_entries(text: str, display: str) -> list[tuple[str, int, yaml.Node]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise AnswerError(
            f"{display} is not valid YAML{where}: {error.problem}. Each answer goes on its own "
            "line as `question_id: your answer`; put an answer in quotes if it contains a colon"
        ) from None
    except yaml.YAMLError as error:
        raise AnswerError(f"{display} is not valid YAML: {error}") from None
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise AnswerError(f"{display} should be a list of `question_id: answer` lines")
    return [(key.value, key.start_mark.line + 1, value) for key, value in node.value
            if isinstance(key, yaml.ScalarNode)]


def _answer_text(node: yaml.Node) -> Answer:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null",
                                                                    "NULL"):
            return None
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        if any(not isinstance(item, yaml.ScalarNode) for item in node.value):
            return Unreadable("write a flat list of letters, like [a, c]")
        return [str(item.value) for item in node.value]
    return Unreadable("write the answer right after the colon, not as a list of `key: value` "
                      "lines (put it in quotes if it contains a colon)")


def _letters(answer: Answer, question: Question) -> list[str]:
    assert question.choices is not None
    items = answer if isinstance(answer, list) else re.split(r"[,;\s]+", str(answer).strip())
    letters = []
    by_text = {" ".join(text.lower().split()): letter
               for letter, text in question.choices.items()}
    if not isinstance(answer, list):
        whole = " ".join(str(answer).lower().split()).rstrip(".")
        if whole in by_text:
            return [by_text[whole]]
        labelled = re.match(r"\(?([a-z])[).:]\s", whole + " ")  # "c) 2.0T tokens", copied
        if labelled and labelled.group(1) in question.choices:
            return [labelled.group(1)]
    for item in items:
        cleaned = item.strip().strip("()[].").lower()
        if not cleaned:
            continue
        if cleaned in question.choices:
            letters.append(cleaned)
        elif cleaned in by_text:
            letters.append(by_text[cleaned])
        else:
            options = ", ".join(question.choices)
            raise AnswerError(f"{item.strip()!r} is not one of the choices ({options}); answer "
                              "with the letter")
    return letters


@dataclass(frozen=True)
class Mark:
    """What one answer earns."""

    share: Fraction  # of the question's points
    status: Status
    failure: Failure | None = None
    feedback: str = ""
    alternative: bool = False  # right, but not the key's first answer (a later source, say)


def mark_answer(marked: MarkedQuestion, answer: Answer) -> Mark:
    """What `answer` earns: its share of the points, status, failure and feedback."""
    question = marked.question
    if isinstance(answer, Unreadable):
        return Mark(Fraction(0), Status.FAIL, Failure(FailureKind.UNPARSEABLE_ANSWER,
                                                      answer.reason))
    if answer is None or (isinstance(answer, str) and not answer.strip()) or answer == []:
        return Mark(Fraction(0), Status.NOT_IMPLEMENTED,
                    Failure(FailureKind.NOT_IMPLEMENTED, "not answered yet"))
    try:
        if question.type == "numeric":
            if isinstance(answer, list):
                raise AnswerError("write one number, not a list")
            value = parse_number(answer, percent=question.unit in PERCENT_UNITS)
            for n, accepted in enumerate(marked.accepted):
                assert accepted.number is not None
                if math.isclose(value, accepted.number, rel_tol=marked.relative_tolerance,
                                abs_tol=marked.absolute_tolerance) or value == accepted.number:
                    return Mark(Fraction(1), Status.PASS, None, accepted.feedback, n > 0)
            return Mark(Fraction(0), Status.FAIL, Failure(
                FailureKind.WRONG_ANSWER, _wrong_number(answer, value, marked), got=answer))
        if question.type in ("choice", "multiple_choice"):
            letters = _letters(answer, question)
            if question.type == "choice" and len(letters) != 1:
                raise AnswerError("choose exactly one letter")
            chosen = frozenset(letters)
            best = Fraction(0)
            best_n = 0
            for n, accepted in enumerate(marked.accepted):
                right = len(chosen & accepted.choices)
                wrong = len(chosen - accepted.choices)
                share = max(Fraction(0), Fraction(right - wrong, len(accepted.choices)))
                if share > best:
                    best, best_n = share, n
            if best == 1:
                return Mark(best, Status.PASS, None, marked.accepted[best_n].feedback, best_n > 0)
            summary = (f"partly right ({', '.join(sorted(chosen))})" if best
                       else f"{', '.join(sorted(chosen))} is not the answer")
            return Mark(best, Status.FAIL, Failure(FailureKind.WRONG_ANSWER, summary,
                                                   got=", ".join(sorted(chosen))))
        text = _plain_text(str(answer))
        for n, accepted in enumerate(marked.accepted):
            assert accepted.pattern is not None
            if accepted.pattern.fullmatch(text):
                return Mark(Fraction(1), Status.PASS, None, accepted.feedback, n > 0)
        return Mark(Fraction(0), Status.FAIL, Failure(FailureKind.WRONG_ANSWER,
                                                      f"{text!r} is not the answer", got=text))
    except AnswerError as error:
        return Mark(Fraction(0), Status.FAIL, Failure(FailureKind.UNPARSEABLE_ANSWER,
                                                      str(error), got=str(answer)))


def _plain_text(answer: str) -> str:
    """A text answer as the key's patterns see it: one space between words, no leading article,
    no closing punctuation."""
    text = " ".join(answer.split()).rstrip(".!?;, ")
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)


def _wrong_number(answer: str, value: float, marked: MarkedQuestion) -> str:
    """Say why a number is wrong without giving the answer away: flag a slip of units."""
    for accepted in marked.accepted:
        target = accepted.number
        if not target or not value:
            continue
        ratio = target / value
        for power, name in ((1e3, "thousand"), (1e6, "million"), (1e9, "billion"),
                            (1e12, "trillion"), (100, "hundred")):
            for factor in (power, 1 / power):
                if math.isclose(ratio, factor, rel_tol=max(marked.relative_tolerance, 1e-9)):
                    unit = marked.question.unit
                    return (f"{answer.strip()} is off by a factor of a {name}: check the units "
                            "the question asks for" + (f" ({unit})" if unit else ""))
    return f"{answer.strip()} is not the answer"


def grade_quiz(job: Job) -> ExerciseResult:
    """Mark a student's answer sheet for one quiz exercise."""
    exercise = job.exercise
    spec = exercise.spec
    assert isinstance(spec, QuizSpec) and exercise.key_path is not None
    marked = load_key(spec, exercise.key_path, str(exercise.key_path))
    problem: Failure | None = None
    notes: list[str] = []
    answers: dict[str, Answer] = {}
    lines: dict[str, int] = {}
    try:
        text, note = read_student_text(job.source, job.display)
        if note:
            notes.append(f"{job.display}: {note}")
        answers = read_answer_sheet(text, job.display)
        lines = answer_lines(text, job.display)
    except StudentFileError as error:
        kind = FailureKind.MISSING_FILE if error.missing else FailureKind.UNREADABLE_FILE
        problem = Failure(kind, str(error))
    except AnswerError as error:
        problem = Failure(FailureKind.UNPARSEABLE_ANSWER, str(error))
    ids = [q.id for q in spec.questions]
    for unknown in answers.keys() - set(ids):
        close = difflib.get_close_matches(unknown, ids, n=1)
        notes.append(f"{job.display}: {unknown!r} is not a question of this quiz"
                     + (f" (did you mean {close[0]}?)" if close else ""))
    checks = []
    for question in spec.questions:
        points = to_points(question.points)
        if problem is not None:
            checks.append(CheckResult(question.id, question.prompt, Status.ERROR, Fraction(0),
                                      points, Failure(problem.kind, "not marked: see above"),
                                      file=job.display, code=question.prompt))
            continue
        mark = mark_answer(marked[question.id], answers.get(question.id))
        failure = mark.failure
        if failure is not None and question.hint:
            failure = replace(failure, detail=question.hint)
        if mark.alternative and mark.feedback:
            notes.append(f"{question.id}: {' '.join(mark.feedback.split())}")
        # partial credit in whole hundredths of a point: every report's totals stay exact
        earned = Fraction(math.floor(points * mark.share * 100), 100)
        checks.append(CheckResult(question.id, question.prompt, mark.status, earned, points,
                                  failure, feedback=mark.feedback or None, file=job.display,
                                  line=lines.get(question.id, 0), code=question.prompt))
    return ExerciseResult(
        id=exercise.id, title=exercise.title, kind="quiz", file=job.display,
        checks=tuple(checks), summary=spec.summary, hint=spec.hint, problem=problem,
        notes=tuple(sorted(notes)),
    )
