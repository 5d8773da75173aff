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
MAX_UNKNOWN_NOTED = 5  # answers to questions the quiz lacks, named one by one


def parse_number(text: str, *, percent: bool = True, unit: str | None = None) -> float:
    """The number a person wrote; AnswerError when it cannot be read as exactly one number.

    With `percent=False` (a question counting tokens or nats, say) "34.9%" is refused. A unit
    word after the number is ignored: the common ones (tokens, nats, times...) and the
    question's own `unit` ("15.6 bits" where the unit is bits).
    """
    units = _unit_forms(unit) + _UNIT_WORDS  # the question's own first: "tokens per parameter"
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
        for word in units:
            if text.endswith(word) and len(text) > len(word):
                candidate = text[: -len(word)].rstrip()
                if candidate and (word not in ("x", "×") or candidate[-1].isdigit()
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
    except RecursionError:
        raise AnswerError(f"{display} nests lists or mappings too deeply to be an answer "
                          "sheet: write each answer as `question_id: your answer`") from None
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


def mark_answer(marked: QuestionKey, answer: Answer) -> Mark:
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
        answers = read_answer_sheet(text, job.display)
        lines = answer_lines(text, job.display)
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
