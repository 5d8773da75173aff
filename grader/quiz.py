"""Quizzes: reading a student's answer sheet and marking it against the key.

Numbers may be written the way people write them: `60B`, `6e10`, `60 billion`,
`60,000,000,000`, `6×10^10`, `6 x 10**10`, `~60 B tokens`, `34.9%`. Answers are read from the
text the student wrote, not from YAML's guess at its type, so `1.10`, `NO` or `012` reach the
marker as written. Feedback never gives the key away.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from grader.errors import AuthoringError, Problem
from grader.hashed_keys import (
    NumberGrid,
    Unhashable,
    derive,
    digest,
    expand_pattern,
    seal,
    unseal,
)
from grader.plan import Job, display_path
from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, Status
from grader.spec import AnswerKey, Question, QuizSpec, load_quiz_key, syntax_hint, to_points
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
# What a number may count, each with the words that name it after a number. A word of one
# family on a question whose unit is of another is refused: "60B parameters" does not answer a
# question asking for tokens.
UNIT_FAMILIES = {
    "tokens": ("tokens", "token"),
    "parameters": ("parameters", "parameter", "params", "param"),
    "nats": ("nats", "nat"),
    "bits": ("bits", "bit"),
    "FLOPs": ("flops", "flop"),
    "times": ("times", "x", "×", "-fold", "fold"),
}
_FAMILY_OF = {word: family for family, forms in UNIT_FAMILIES.items() for word in forms}
_UNIT_WORDS = tuple(_FAMILY_OF)
# read after a number even when the question names no unit (bits only when it does)
_ANY_QUESTION = frozenset(_UNIT_WORDS) - set(UNIT_FAMILIES["bits"])
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
_CLOSING = re.compile(r"(?<=\S)\s*[.,;:!?]+$")  # "60B." as at the end of a sentence
_TRAILING_WORD = re.compile(r"(?P<number>.*?\d.*?)\s+(?P<word>[^\W\d_]+)")
_WRITE_LIKE = "write it like 0.35, 43, 60B, 6e10, 60 billion, 60,000,000,000 or 6×10^10"
MAX_NUMBER_TEXT = 100
PERCENT_UNITS = (None, "", "fraction", "probability", "share", "accuracy", "percent")
MAX_UNKNOWN_NOTED = 5  # answers to questions the quiz lacks, named one by one


def parse_number(text: str, *, percent: bool = True, unit: str | None = None) -> float:
    """The number a person wrote; AnswerError when it cannot be read as exactly one number.

    With `percent=False` (a question counting tokens or nats, say) "34.9%" is refused. A unit
    word may follow the number: the question's own `unit` ("15.6 bits" where the unit is bits),
    and without a unit any common one (tokens, nats, times...). A common unit word that is not
    the question's is refused with the reason ("the question asks for tokens, not nats").
    Closing punctuation ("60B.") is ignored.
    """
    own = _unit_forms(unit)
    units = own + _UNIT_WORDS  # the question's own first: "tokens per parameter"
    original = text
    if len(text) > MAX_NUMBER_TEXT:
        raise AnswerError(f"{text[:20]!r}... is too long to be one number; {_WRITE_LIKE}")
    text = text.strip().lower().replace("−", "-").replace("–", "-")
    text = _CLOSING.sub("", text)
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
    written: list[str] = []  # the unit words stripped, as the student wrote them
    while changed:
        changed = False
        for word in units:
            if text.endswith(word) and len(text) > len(word):
                candidate = text[: -len(word)].rstrip()
                if candidate and (word not in ("x", "×") or candidate[-1].isdigit()
                                  or candidate[-1] in ".kmbgtq"):
                    text = candidate
                    changed = True
                    if word not in own:
                        written.append(word)
    for word in written:
        _check_unit(word, unit, original)
    scale = 1.0
    match = re.fullmatch(r"(?P<number>.*?)\s*(?P<word>[a-z]+)", text)
    if match and match.group("word") in SCALE_WORDS and match.group("number"):
        scale = SCALE_WORDS[match.group("word")]
        text = match.group("number").strip()
    value = _parse_plain(text)
    if value is None:
        raise AnswerError(_unreadable(original, text, unit))
    value *= scale
    if is_percentage:
        value /= 100
    if not math.isfinite(value):
        raise AnswerError(f"{original.strip()!r} is not a finite number")
    return value


def _asked_for(unit: str | None) -> str:
    """What a question with `unit` asks for, as a sentence names it."""
    word = " ".join((unit or "").split())
    if word.lower() in PERCENT_UNITS:
        return "a percentage" if word.lower() == "percent" else f"a {word.lower() or 'number'}"
    if _FAMILY_OF.get(word.lower()) == "times":
        return "a ratio (times)"
    return word


def _check_unit(word: str, unit: str | None, original: str) -> None:
    """Refuse a common unit word that names something other than what the question counts."""
    if not unit:
        if word in _ANY_QUESTION:
            return  # no unit, so nothing to contradict
        raise AnswerError(f"{original.strip()!r}: {word!r} is not a unit this question counts "
                          "in; write the number alone")
    family = _FAMILY_OF[word]
    asked = {w.lower() for w in re.findall(r"[^\W\d_]+", unit)}
    if asked & set(UNIT_FAMILIES[family]) or family.lower() in asked:
        return  # "tokens" in an answer to "tokens per parameter"
    named = "a ratio (times)" if family == "times" else family
    raise AnswerError(f"the question asks for {_asked_for(unit)}, not {named}")


def _unreadable(original: str, text: str, unit: str | None) -> str:
    """Why `original` is not a number: a word after a number the question does not count in,
    or no number at all."""
    shown = original.strip()
    match = _TRAILING_WORD.fullmatch(text)
    if match and match.group("word") not in SCALE_WORDS:
        head = _parse_plain(match.group("number"))
        if head is None:
            inner = re.fullmatch(r"(?P<n>.*?)\s*(?P<s>[a-z]+)", match.group("number").strip())
            if inner and inner.group("s") in SCALE_WORDS:
                head = _parse_plain(inner.group("n"))
        if head is not None:
            asked = (f"; the question asks for {_asked_for(unit)}" if unit
                     else "; write the number alone")
            word = match.group("word")
            return f"{shown!r}: {word!r} is not a unit this question counts in{asked}"
    numbers = re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w.,])", shown)
    words_around = shown.replace(numbers[0], " ").replace(":", " ").split() if numbers else []
    # "exit status 1", "it is 43 times": plain words around one number, not "ln 32064"
    if (len(numbers) == 1 and len(words_around) >= 2
            and all(word.isalpha() for word in words_around)
            and _parse_plain(numbers[0]) is not None):
        return f"could not read {shown!r} as a number: write the number alone, like {numbers[0]}"
    return f"could not read {shown!r} as a number; {_WRITE_LIKE}"


def _unit_forms(unit: str | None) -> tuple[str, ...]:
    """The ways a question's unit may follow a number: as written, singular and plural."""
    word = " ".join((unit or "").lower().split())
    if not word or word in PERCENT_UNITS:
        return ()
    forms = {word, word + "s", word[:-1] if word.endswith("s") and len(word) > 1 else word}
    return tuple(sorted(forms, key=len, reverse=True))


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

# Slips of units named when a number is wrong, in the order they are tried.
UNIT_SLIPS = ((1e3, "thousand"), (1e6, "million"), (1e9, "billion"), (1e12, "trillion"),
              (100, "hundred"))
HASHED_KEY_FORMAT = "course-grader hashed key"


class QuestionKey:
    """What marking asks of one question's key. The real key and a released, hashed key answer
    alike, so that a student's own grade and the instructor's agree."""

    question: Question
    relative_tolerance: float = 0.0
    absolute_tolerance: float = 0.0

    @property
    def marked_here(self) -> bool:
        """False for a question only the instructor's grading can mark (a released pattern)."""
        return True

    def number_match(self, value: float) -> tuple[int, str] | None:
        """The first accepted answer `value` is within tolerance of, and its feedback."""
        raise NotImplementedError

    def unit_slip(self, value: float) -> str | None:
        """The name of the power of ten `value` is off by from an accepted answer, if any."""
        raise NotImplementedError

    def choice_credit(self, chosen: frozenset[str]) -> tuple[Fraction, int, str]:
        """The best share of the points `chosen` earns, the answer it earns it against, and
        that answer's feedback when the share is whole."""
        raise NotImplementedError

    def text_match(self, text: str) -> tuple[int, str] | None:
        """The first accepted answer the normalised `text` matches, and its feedback."""
        raise NotImplementedError

    def _close(self, value: float, accepted: float) -> bool:
        return math.isclose(value, accepted, rel_tol=self.relative_tolerance,
                            abs_tol=self.absolute_tolerance) or value == accepted

    def _slip(self, value: float, accepted: float, factor: float) -> bool:
        return bool(accepted and value) and math.isclose(
            accepted / value, factor, rel_tol=max(self.relative_tolerance, 1e-9))


def _choice_share(chosen: frozenset[str], right: int, size: int) -> Fraction:
    wrong = len(chosen) - right
    return max(Fraction(0), Fraction(right - wrong, size))


@dataclass(frozen=True)
class Accepted:
    """One accepted answer, ready to compare."""

    number: float | None = None
    choices: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = None
    feedback: str = ""


@dataclass(frozen=True)
class MarkedQuestion(QuestionKey):
    """A question's key as the instructor wrote it."""

    question: Question
    accepted: tuple[Accepted, ...]
    relative_tolerance: float = 0.0
    absolute_tolerance: float = 0.0

    def number_match(self, value: float) -> tuple[int, str] | None:
        for n, accepted in enumerate(self.accepted):
            if accepted.number is not None and self._close(value, accepted.number):
                return n, accepted.feedback
        return None

    def unit_slip(self, value: float) -> str | None:
        for accepted in self.accepted:
            for power, name in UNIT_SLIPS:
                for factor in (power, 1 / power):
                    if accepted.number is not None and self._slip(value, accepted.number,
                                                                  factor):
                        return name
        return None

    def choice_credit(self, chosen: frozenset[str]) -> tuple[Fraction, int, str]:
        best, best_n = Fraction(0), 0
        for n, accepted in enumerate(self.accepted):
            share = _choice_share(chosen, len(chosen & accepted.choices), len(accepted.choices))
            if share > best:
                best, best_n = share, n
        return best, best_n, self.accepted[best_n].feedback if best == 1 else ""

    def text_match(self, text: str) -> tuple[int, str] | None:
        for n, accepted in enumerate(self.accepted):
            if accepted.pattern is not None and accepted.pattern.fullmatch(text):
                return n, accepted.feedback
        return None


def load_key(spec: QuizSpec, key_path: Path, display: str) -> dict[str, QuestionKey]:
    """The key of a quiz, checked against its questions; AuthoringError lists every problem.

    `key_path` is the instructor's YAML key, or a released key (`.json`, hashed).
    """
    if key_path.suffix == ".json":
        return _load_hashed_key(spec, key_path, display)
    key = load_quiz_key(key_path, display)
    problems: list[Problem] = []
    marked: dict[str, QuestionKey] = {}
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
            number = (parse_number(str(value), unit=question.unit) if isinstance(value, str)
                      else float(value))
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


# --- released keys: salted hashes ----------------------------------------------------------


def unhashable_reason(key: QuestionKey) -> str | None:
    """Why a question of the real key cannot be marked from a released key, or None."""
    try:
        hash_question(key, b"")
    except Unhashable as error:
        return str(error)
    return None


def hash_key(keys: dict[str, QuestionKey], secret: bytes) -> dict[str, Any]:
    """A quiz's real key in the form a student release holds (JSON data). `secret` (the real
    key file's bytes) makes the salts, so that releasing the same key twice gives the same
    file."""
    questions: dict[str, Any] = {}
    for question_id, key in keys.items():
        try:
            questions[question_id] = hash_question(key, secret)
        except Unhashable as error:
            questions[question_id] = {"type": key.question.type, "marked_by": "instructor",
                                      "reason": str(error)}
    return {"schema": 1, "format": HASHED_KEY_FORMAT, "questions": questions}


def hash_question(key: QuestionKey, secret: bytes) -> dict[str, Any]:
    """One question's entry of a released key; Unhashable when it has no finite form."""
    assert isinstance(key, MarkedQuestion)
    qid = key.question.id
    salt = derive(secret, qid, "salt")
    feedback_keys = [derive(secret, qid, "feedback", str(n)) for n in range(len(key.accepted))]
    entry: dict[str, Any] = {
        "type": key.question.type, "salt": salt,
        "feedback": [seal({"text": a.feedback}, k, "feedback")
                     for a, k in zip(key.accepted, feedback_keys, strict=True)],
    }
    found: dict[str, list[str]] = {}

    def store(payload: dict[str, Any], *parts: str) -> None:
        found.setdefault(digest(salt, qid, *parts), []).append(seal(payload, salt, qid, *parts))

    if key.question.type == "numeric":
        grid = NumberGrid(key.relative_tolerance, key.absolute_tolerance)
        entry["tolerance"] = {"relative": key.relative_tolerance,
                              "absolute": key.absolute_tolerance}
        for n, accepted in enumerate(key.accepted):
            assert accepted.number is not None
            for cell in grid.cells_around(accepted.number):
                store({"n": n, "v": accepted.number, "k": feedback_keys[n]}, "number", cell)
    elif key.question.type == "text":
        for n, accepted in enumerate(key.accepted):
            assert accepted.pattern is not None
            for text in sorted(expand_pattern(accepted.pattern.pattern)):
                if text == _plain_text(text).lower():  # other strings never reach the marker
                    store({"n": n, "k": feedback_keys[n]}, "text", text)
    else:
        entry["sets"] = []
        for n, accepted in enumerate(key.accepted):
            letters = sorted(accepted.choices)
            entry["sets"].append({
                "size": len(letters),
                "letters": sorted(digest(salt, qid, "choice", str(n), c) for c in letters),
                "unlock": seal({"k": feedback_keys[n]}, salt, qid, "choice", str(n),
                               "".join(letters)),
            })
    entry["answers"] = {d: found[d] for d in sorted(found)}
    return entry


@dataclass(frozen=True)
class HashedQuestion(QuestionKey):
    """A question's key as a student release holds it: digests and sealed answers."""

    question: Question
    entry: dict[str, Any]
    relative_tolerance: float = 0.0
    absolute_tolerance: float = 0.0

    @property
    def marked_here(self) -> bool:
        return "marked_by" not in self.entry

    def _opened(self, *parts: str) -> list[dict[str, Any]]:
        salt = self.entry["salt"]
        sealed = self.entry["answers"].get(digest(salt, self.question.id, *parts), [])
        return [unseal(s, salt, self.question.id, *parts) for s in sealed]

    def _feedback(self, n: int, key: str) -> str:
        return str(unseal(self.entry["feedback"][n], key, "feedback")["text"])

    def _numbers_near(self, value: float) -> list[dict[str, Any]]:
        if not math.isfinite(value):
            return []
        grid = NumberGrid(self.relative_tolerance, self.absolute_tolerance)
        return self._opened("number", grid.cell(value))

    def number_match(self, value: float) -> tuple[int, str] | None:
        matches = [o for o in self._numbers_near(value) if self._close(value, float(o["v"]))]
        if not matches:
            return None
        best = min(matches, key=lambda o: int(o["n"]))
        return int(best["n"]), self._feedback(int(best["n"]), str(best["k"]))

    def unit_slip(self, value: float) -> str | None:
        # the same order as the real key's: by accepted answer, then by power of ten
        slips = []
        for p, (power, name) in enumerate(UNIT_SLIPS):
            for f, factor in enumerate((power, 1 / power)):
                for opened in self._numbers_near(value * factor):
                    if self._slip(value, float(opened["v"]), factor):
                        slips.append((int(opened["n"]), p, f, name))
        return min(slips)[3] if slips else None

    def choice_credit(self, chosen: frozenset[str]) -> tuple[Fraction, int, str]:
        salt, qid = self.entry["salt"], self.question.id
        best, best_n = Fraction(0), 0
        for n, answer_set in enumerate(self.entry["sets"]):
            stored = set(answer_set["letters"])
            right = sum(1 for c in chosen if digest(salt, qid, "choice", str(n), c) in stored)
            share = _choice_share(chosen, right, int(answer_set["size"]))
            if share > best:
                best, best_n = share, n
        if best != 1:
            return best, best_n, ""
        unlock = self.entry["sets"][best_n]["unlock"]
        opened = unseal(unlock, salt, qid, "choice", str(best_n), "".join(sorted(chosen)))
        return best, best_n, self._feedback(best_n, str(opened["k"]))

    def text_match(self, text: str) -> tuple[int, str] | None:
        matches = self._opened("text", text.lower())
        if not matches:
            return None
        best = min(matches, key=lambda o: int(o["n"]))
        return int(best["n"]), self._feedback(int(best["n"]), str(best["k"]))


def _load_hashed_key(spec: QuizSpec, key_path: Path, display: str) -> dict[str, QuestionKey]:
    damaged = f"the released answer key is damaged or out of date; release {spec.title!r} again"
    try:
        data = json.loads(key_path.read_text(encoding="utf-8"))
        questions = data["questions"]
        if data.get("format") != HASHED_KEY_FORMAT or not isinstance(questions, dict):
            raise ValueError
        keys: dict[str, QuestionKey] = {}
        for question in spec.questions:
            entry = questions[question.id]
            if entry.get("type") != question.type:
                raise ValueError
            tolerance = entry.get("tolerance", {})
            keys[question.id] = HashedQuestion(question, entry,
                                               float(tolerance.get("relative", 0)),
                                               float(tolerance.get("absolute", 0)))
    except FileNotFoundError:
        raise AuthoringError([Problem(display, "file not found")]) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise AuthoringError([Problem(display, damaged)]) from None
    return keys


# --- the answer sheet ----------------------------------------------------------------------
#
# A sheet is read line by line in effect: `question_id: answer` lines, comments, blank lines.
# When the whole sheet is valid YAML it is read in one go; otherwise each answer line (with the
# lines it carries on onto: a list under it, a wrapped quote) is read on its own, so that a line
# that cannot be read costs its own question only and says, at its line, what to change.

MAX_SHEET_ANSWERS = 2000  # answer lines read one by one when the sheet is not valid YAML

@dataclass(frozen=True)
class Unreadable:
    """An answer the sheet holds in a shape no question takes; `reason` says how to fix it."""

    reason: str


Answer = str | list[str] | Unreadable | None


@dataclass(frozen=True)
class SheetProblem:
    """A line of the sheet that could not be read, and what to change; `question` is the
    question it answers when that can be told (that question then reads as Unreadable)."""

    line: int
    message: str
    question: str | None = None


@dataclass(frozen=True)
class AnswerSheet:
    """A student's answers as written, the line each is on, and the lines that were not read."""

    answers: dict[str, Answer]
    lines: dict[str, int]
    problems: tuple[SheetProblem, ...] = ()


def read_sheet(text: str, display: str, questions: Collection[str] = ()) -> AnswerSheet:
    """The answers of a student's sheet, keeping every line that can be read.

    A line that cannot be read makes its own question Unreadable, with the line and the change
    to make; the other questions are read as usual. AnswerError only when nothing on the sheet
    reads as an answer. `questions` (the quiz's ids) helps tell an answer line that was indented
    by mistake from the rest of an answer.
    """
    entries, problems = _sheet_entries(text, display, frozenset(questions))
    known: list[tuple[str, int, yaml.Node | Unreadable]] = [
        (p.question, p.line, Unreadable(p.message)) for p in problems if p.question]
    answers: dict[str, Answer] = {}
    lines: dict[str, int] = {}
    for question, line, value in sorted([*entries, *known], key=lambda entry: entry[1]):
        if question in lines:
            answers[question] = Unreadable(
                f"answered twice (lines {lines[question]} and {line}): keep one answer")
            continue
        lines[question] = line
        answers[question] = value if isinstance(value, Unreadable) else _answer_text(value)
    return AnswerSheet(answers, lines, tuple(problems))


def read_answer_sheet(text: str, display: str) -> dict[str, Answer]:
    """The answers in a sheet that must be whole (a model answer sheet, say): AnswerError, at
    the first line that cannot be read, unless every line can."""
    sheet = read_sheet(text, display)
    if sheet.problems:
        first, more = sheet.problems[0], len(sheet.problems) - 1
        raise AnswerError(f"{display}: {first.message}"
                          + (f" (and {more} more line{'s' * (more > 1)})" if more else ""))
    return sheet.answers


Entry = tuple[str, int, yaml.Node]
_TAB_AFTER_KEY = re.compile(r"^(?P<key>[^\s#:\-\[{][^:#\n]*?:)[ \t]*\t[ \t]*(?=\S)", re.MULTILINE)
_KEY_LINE = re.compile(r"(?P<key>[^\s#:\-\[{][^:#]*?)\s*:(?:\s|$)")
_INDENTED_KEY = re.compile(r"(?P<indent>[ \t]+)(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_ID = re.compile(r"[a-z][a-z0-9_]*")


def _sheet_entries(text: str, display: str,
                   questions: frozenset[str]) -> tuple[list[Entry], list[SheetProblem]]:
    # A tab between the colon and the answer is what the student meant as a space.
    text = _TAB_AFTER_KEY.sub(r"\g<key> ", text)
    if not any(_indented_answer(line, questions) for line in text.splitlines()):
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except (RecursionError, yaml.YAMLError):
            pass  # read line by line, to find the line and keep the rest
        else:
            if node is None:
                return [], []
            if isinstance(node, yaml.MappingNode):
                return _mapping_entries(node, 0), []
    entries, problems = _line_by_line(text, display, questions)
    if not entries and problems and not any(p.question for p in problems):
        raise AnswerError(f"{display} should be a list of `question_id: answer` lines; "
                          f"{problems[0].message}")
    return entries, problems


def _indented_answer(line: str, questions: frozenset[str]) -> str | None:
    """The question id an indented line starts with, when it is an answer line indented by
    mistake: a question of the quiz, or (when the questions are not known) an id."""
    match = _INDENTED_KEY.match(line)
    if match is None:
        return None
    key = match.group("key")
    return key if (key in questions if questions else _ID.fullmatch(key)) else None


def _mapping_entries(node: yaml.MappingNode, offset: int) -> list[Entry]:
    return [(key.value, key.start_mark.line + 1 + offset, value) for key, value in node.value
            if isinstance(key, yaml.ScalarNode)]


@dataclass
class _Chunk:
    start: int  # the line it starts on, from 0
    lines: list[str]
    live: bool = True  # False: an indented answer line and what it carries on onto, not read


def _line_by_line(text: str, display: str,
                  questions: frozenset[str]) -> tuple[list[Entry], list[SheetProblem]]:
    chunks: list[_Chunk] = []
    problems: list[SheetProblem] = []
    for n, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if chunks:
                chunks[-1].lines.append(line)
            continue
        indented = line[0] in " \t"
        if indented and (key := _indented_answer(line, questions)):
            spaces = "tabs" if "\t" in line[: len(line) - len(line.lstrip())] else "spaces"
            problems.append(SheetProblem(
                n + 1, f"line {n + 1} is indented; answers start at the beginning of the line: "
                f"remove the {spaces} before {key}", key))
            chunks.append(_Chunk(n, [line], live=False))
        elif indented or (line.startswith("-") and line[1:2] in ("", " ", "\t") and chunks):
            if chunks:  # the rest of the answer above: a list under it, a wrapped line
                chunks[-1].lines.append(line)
            else:
                problems.append(SheetProblem(
                    n + 1, f"line {n + 1} is indented but answers no question: write "
                    "`question_id: answer` at the beginning of the line"))
                chunks.append(_Chunk(n, [line], live=False))
        else:
            chunks.append(_Chunk(n, [line]))
    live = [chunk for chunk in chunks if chunk.live]
    if len(live) > MAX_SHEET_ANSWERS:
        raise AnswerError(f"{display} has {len(live):,} answer lines and some cannot be read: "
                          "write each answer as `question_id: answer` on its own line")
    entries: list[Entry] = []
    for chunk in live:
        entries_here, problem = _read_chunk(chunk, questions)
        entries.extend(entries_here)
        if problem is not None:
            problems.append(problem)
    return entries, sorted(problems, key=lambda p: p.line)


def _read_chunk(chunk: _Chunk, questions: frozenset[str]) -> tuple[list[Entry],
                                                                    SheetProblem | None]:
    """The entries of one answer line (and the lines it carries on onto), or why it cannot be
    read."""
    first = chunk.start + 1
    key_match = _KEY_LINE.match(chunk.lines[0])
    key = key_match.group("key").strip() if key_match else None
    if key is not None and questions and key not in questions:
        key = None  # the note on the line says more than "not a question of this quiz"
    chunk_text = "\n".join(chunk.lines) + "\n"
    try:
        node = yaml.compose(chunk_text, Loader=yaml.SafeLoader)
    except RecursionError:
        return [], SheetProblem(first, f"line {first} nests lists too deeply to be an answer: "
                                "write it as `question_id: your answer`", key)
    except yaml.MarkedYAMLError as error:
        value = chunk.lines[0].partition(":")[2].strip() if key_match else ""
        if value[:1] in ("'", '"') and value.count(value[0]) % 2 == 1:
            return [], SheetProblem(first, f"line {first} could not be read: the quote "
                                    f"({value[0]}) you opened is not closed: close it at the "
                                    "end of the answer, or remove it", key)
        # an error found at the end (a list not closed) is on the answer's last written line
        written = [n for n, text in enumerate(chunk.lines)
                   if text.strip() and not text.lstrip().startswith("#")]
        line, message = _yaml_problem(error, chunk_text, chunk.start, written[-1])
        return [], SheetProblem(line, message, key)
    except yaml.YAMLError:
        return [], SheetProblem(first, f"line {first} could not be read: {_WRITE_AN_ANSWER}", key)
    if node is None:
        return [], None
    if isinstance(node, yaml.MappingNode):
        return _mapping_entries(node, chunk.start), None
    return [], SheetProblem(first, f"line {first} is not an answer: write "
                            "`question_id: answer`, with the question's id from the sheet")


_WRITE_AN_ANSWER = ("write the answer right after the colon, and put it in quotes if it "
                    "contains `: ` or starts with a bracket, a quote or a sign like * & ! % @")
# What grader.spec's hints for instructors' YAML call things, in the words of an answer sheet.
_STUDENT_TERMS = (
    (r"\bvalue\b", "answer"), (r"\ba answer\b", "an answer"), (r"\bkeys\b", "question ids"),
    (r"\bkey \(`key: answer`\)", "question id (`question_id: answer`)"),
    (r"\bkey\b", "question id"), (r"\bYAML\b", "the grader"),
)
# What to add for an answer sheet, by the YAML problem.
_SHEET_ADVICE = {
    "mapping values are not allowed here": " (for a choice, the letter alone is enough)",
    "sequence entries are not allowed here": "; or write the letters on the same line in "
                                             "brackets, like [a, c]",
}


def _yaml_problem(error: yaml.MarkedYAMLError, text: str, offset: int,
                  last: int) -> tuple[int, str]:
    """The line of a syntax error in an answer line (`text`, whose last written line is `last`,
    from 0), and what to change, in a student's terms: grader.spec's hints for instructors'
    YAML, reworded."""
    mark = error.problem_mark or error.context_mark
    if error.context == "while scanning a simple key":  # found on the line after
        mark = error.context_mark or mark
    line = min(mark.line if mark else 0, last) + offset + 1
    hint = syntax_hint(error, text)
    if hint is None:
        return line, f"line {line} could not be read: {_WRITE_AN_ANSWER}"
    for pattern, replacement in _STUDENT_TERMS:
        hint = re.sub(pattern, replacement, hint)
    hint = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + offset}", hint)
    advice = _SHEET_ADVICE.get(error.problem or "", "")
    return line, f"line {line} could not be read: {hint}{advice}"


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
    if isinstance(node, yaml.MappingNode) and node.flow_style:  # "{c}"
        return Unreadable("write the answer without { }: for a choice, the letter alone")
    return Unreadable("write the answer right after the colon, not as a list of `key: value` "
                      "lines (put it in quotes if it contains a colon)")


def _option_text(text: str) -> str:
    """An option's text as answers are compared with it: case, spacing, quotes and closing
    punctuation aside."""
    return " ".join(text.lower().split()).strip("'\"").rstrip(".;!?").strip()


def _letters(answer: Answer, question: Question) -> list[str]:
    assert question.choices is not None
    items = answer if isinstance(answer, list) else re.split(r"[,;\s]+", str(answer).strip())
    letters = []
    by_text = {_option_text(text): letter for letter, text in question.choices.items()}
    if not isinstance(answer, list):
        whole = _option_text(str(answer))
        if whole in by_text:
            return [by_text[whole]]
        labelled = re.match(r"\(?([a-z])[).:]\s", whole + " ")  # "c) 2.0T tokens", copied
        if labelled and labelled.group(1) in question.choices:
            return [labelled.group(1)]
        if len(whole.split()) > 3 and not re.fullmatch(r"[a-z](\W+[a-z])*", whole):
            options = ", ".join(question.choices)
            raise AnswerError(f"{str(answer).strip()!r} is not one of the choices ({options}): "
                              "answer with the letter, or copy the option's text exactly")
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


def mark_answer(marked: QuestionKey, answer: Answer) -> Mark:
    """What `answer` earns: its share of the points, status, failure and feedback."""
    question = marked.question
    if isinstance(answer, Unreadable):
        return Mark(Fraction(0), Status.FAIL, Failure(FailureKind.UNPARSEABLE_ANSWER,
                                                      answer.reason))
    if isinstance(answer, list) and len(answer) == 1 and question.type in ("numeric", "text"):
        answer = answer[0]  # a one-item list is read as its item: [token edit distance]
    if answer is None or (isinstance(answer, str) and not answer.strip()) or answer == []:
        return Mark(Fraction(0), Status.NOT_IMPLEMENTED,
                    Failure(FailureKind.NOT_IMPLEMENTED, "not answered yet"))
    if isinstance(answer, list) and question.type in ("numeric", "text"):
        what = "number" if question.type == "numeric" else "answer"
        return Mark(Fraction(0), Status.FAIL, Failure(
            FailureKind.UNPARSEABLE_ANSWER, f"write one {what}, not a list",
            got=", ".join(answer)))
    try:
        if question.type == "numeric":
            assert isinstance(answer, str)
            value = parse_number(answer, percent=question.unit in PERCENT_UNITS,
                                 unit=question.unit)
            matched = marked.number_match(value)
            if matched is not None:
                return Mark(Fraction(1), Status.PASS, None, matched[1], matched[0] > 0)
            return Mark(Fraction(0), Status.FAIL, Failure(
                FailureKind.WRONG_ANSWER, _wrong_number(answer, value, marked), got=answer))
        if question.type in ("choice", "multiple_choice"):
            letters = _letters(answer, question)
            if question.type == "choice" and len(letters) != 1:
                raise AnswerError("choose exactly one letter")
            chosen = frozenset(letters)
            best, best_n, feedback = marked.choice_credit(chosen)
            if best == 1:
                return Mark(best, Status.PASS, None, feedback, best_n > 0)
            summary = (f"partly right ({', '.join(sorted(chosen))})" if best
                       else f"{', '.join(sorted(chosen))} is not the answer")
            return Mark(best, Status.FAIL, Failure(FailureKind.WRONG_ANSWER, summary,
                                                   got=", ".join(sorted(chosen))))
        text = _plain_text(str(answer))
        matched = marked.text_match(text)
        if matched is not None:
            return Mark(Fraction(1), Status.PASS, None, matched[1], matched[0] > 0)
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


def _wrong_number(answer: str, value: float, marked: QuestionKey) -> str:
    """Say why a number is wrong without giving the answer away: flag a slip of units."""
    name = marked.unit_slip(value)
    if name is not None:
        unit = marked.question.unit
        return (f"{answer.strip()} is off by a factor of a {name}: check the units the question "
                "asks for" + (f" ({unit})" if unit else ""))
    return f"{answer.strip()} is not the answer"


def grade_quiz(job: Job) -> ExerciseResult:
    """Mark a student's answer sheet for one quiz exercise."""
    exercise = job.exercise
    spec = exercise.spec
    assert isinstance(spec, QuizSpec) and exercise.key_path is not None
    marked = load_key(spec, exercise.key_path, display_path(exercise.key_path))
    problem: Failure | None = None
    notes: list[str] = []
    by_instructor = [q.id for q in spec.questions if not marked[q.id].marked_here]
    if by_instructor:
        notes.append(f"Marked when your instructor grades, not here: {', '.join(by_instructor)}.")
    answers: dict[str, Answer] = {}
    lines: dict[str, int] = {}
    try:
        text, note = read_student_text(job.source, job.display)
        if note:
            notes.append(f"{job.display}: {note}")
        sheet = read_sheet(text, job.display, {q.id for q in spec.questions})
        answers, lines = sheet.answers, sheet.lines
        stray = [p for p in sheet.problems if p.question is None]  # lines of no question
        notes.extend(f"{job.display}: {p.message}" for p in stray[:MAX_UNKNOWN_NOTED])
        if len(stray) > MAX_UNKNOWN_NOTED:
            notes.append(f"{job.display}: and {len(stray) - MAX_UNKNOWN_NOTED:,} more lines "
                         "that answer no question")
    except StudentFileError as error:
        kind = FailureKind.MISSING_FILE if error.missing else FailureKind.UNREADABLE_FILE
        problem = Failure(kind, str(error))
    except AnswerError as error:
        problem = Failure(FailureKind.UNPARSEABLE_ANSWER, str(error))
    ids = [q.id for q in spec.questions]
    unknown = sorted(answers.keys() - set(ids))
    for name in unknown[:MAX_UNKNOWN_NOTED]:
        close = difflib.get_close_matches(name, ids, n=1)
        notes.append(f"{job.display}: {name[:60]!r} is not a question of this quiz"
                     + (f" (did you mean {close[0]}?)" if close else ""))
    if len(unknown) > MAX_UNKNOWN_NOTED:
        notes.append(f"{job.display}: and {len(unknown) - MAX_UNKNOWN_NOTED:,} more answers "
                     "to questions this quiz does not have")
    checks = []
    for question in spec.questions:
        points = to_points(question.points)
        if question.id in by_instructor:
            continue
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
        notes=tuple(sorted(notes)), hidden_absent=len(by_instructor),
    )
