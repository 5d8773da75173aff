"""The results of a grading run, as pure data with exact points.

Every reporter renders from these classes; nothing here knows about any output format.
Points are `Fraction`s so that totals are exact; reporters round once, at output.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from fractions import Fraction


class Status(str, enum.Enum):
    """What happened to one check."""

    PASS = "pass"
    FAIL = "fail"  # ran, and the answer was wrong
    NOT_IMPLEMENTED = "not_implemented"  # the stub is still there, or the answer is blank
    ERROR = "error"  # the student's code raised, crashed or could not be loaded
    TIMEOUT = "timeout"  # the student's code ran out of time

    @property
    def passed(self) -> bool:
        return self is Status.PASS


class FailureKind(str, enum.Enum):
    """Why a check did not pass; decides how feedback words it."""

    MISMATCH = "mismatch"  # expected one thing, got another
    ASSERTION = "assertion"  # a plain assert in a check failed
    STUDENT_EXCEPTION = "student_exception"  # the student's code raised
    NOT_IMPLEMENTED = "not_implemented"  # NotImplementedError, or an empty answer
    MISSING_FUNCTION = "missing_function"  # the function is not in the file
    BAD_RETURN = "bad_return"  # returned something that cannot cross the boundary
    EXIT = "exit"  # the student's code asked the process to exit
    CRASH = "crash"  # the process died (signal, os._exit, memory)
    TIMEOUT = "timeout"
    LOAD_ERROR = "load_error"  # the file could not be imported
    MISSING_FILE = "missing_file"
    UNREADABLE_FILE = "unreadable_file"
    CHECK_ERROR = "check_error"  # the check itself raised while examining the result
    WRONG_ANSWER = "wrong_answer"  # quiz
    UNPARSEABLE_ANSWER = "unparseable_answer"  # quiz
    CRITERION_MISSED = "criterion_missed"  # essay
    WORD_COUNT = "word_count"  # essay
    GRADER_ERROR = "grader_error"  # the grader failed; never the student's fault
    TAMPERED = "tampered"  # the exercise's check files differ from the sealed ones


@dataclass(frozen=True)
class Failure:
    """Why a check did not pass, in facts that feedback turns into sentences.

    Every field except `kind` and `summary` is optional; each is plain text already
    shortened for display.
    """

    kind: FailureKind
    summary: str
    call: str | None = None
    expected: str | None = None
    got: str | None = None
    example: str | None = None
    traceback: str | None = None
    detail: str | None = None
    note: str | None = None  # something learnt about the failure (it passes alone, say)


@dataclass(frozen=True)
class CheckResult:
    """One check of one exercise: a pytest check, a quiz question or a rubric criterion."""

    id: str
    title: str
    status: Status
    score: Fraction
    max_score: Fraction
    failure: Failure | None = None
    output: str = ""
    feedback: str | None = None  # wording for a passed check (rubric "met" text, quiz note)
    visibility: str = "visible"  # or hidden, after_due_date, after_published (Gradescope's)
    duration: float = 0.0
    file: str = ""  # where the check (or question, or essay) is, for platforms that show it
    line: int = 0
    code: str = ""  # the check's source, a question's prompt: what a platform shows as the test

    @property
    def hidden(self) -> bool:
        """Whether students must not see this check's result (yet)."""
        return self.visibility != "visible"


@dataclass(frozen=True)
class ExerciseResult:
    """One exercise of a day."""

    id: str
    title: str
    kind: str
    file: str  # the student's file as they know it, e.g. exercises/day06/chinchilla.py
    checks: tuple[CheckResult, ...]
    summary: str = ""  # what to do, for an exercise not started
    hint: str = ""  # how to get unstuck, for an exercise under way
    problem: Failure | None = None  # a problem with the whole exercise: file missing, load error
    provisional: bool = False  # essays: an instructor may override the score
    notes: tuple[str, ...] = ()
    duration: float = 0.0
    hidden_absent: int = 0  # hidden checks the spec lists whose file is not here (a release)

    @property
    def score(self) -> Fraction:
        return sum((c.score for c in self.checks), Fraction(0))

    @property
    def max_score(self) -> Fraction:
        return sum((c.max_score for c in self.checks), Fraction(0))

    @property
    def passed(self) -> bool:
        return self.problem is None and all(c.status.passed for c in self.checks)

    @property
    def not_started(self) -> bool:
        """True when nothing has been attempted: every check reads 'not implemented yet'."""
        return bool(self.checks) and all(
            c.status is Status.NOT_IMPLEMENTED for c in self.checks
        )


@dataclass(frozen=True)
class GradingRun:
    """A whole grading: one day, some or all of its exercises, one submission."""

    day: str
    title: str
    submission: str  # where the graded files came from, for display
    exercises: tuple[ExerciseResult, ...]
    grader_errors: tuple[str, ...] = ()
    duration: float = 0.0
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def score(self) -> Fraction:
        return sum((e.score for e in self.exercises), Fraction(0))

    @property
    def max_score(self) -> Fraction:
        return sum((e.max_score for e in self.exercises), Fraction(0))

    @property
    def passed(self) -> bool:
        return not self.grader_errors and all(e.passed for e in self.exercises)

    @property
    def has_hidden_checks(self) -> bool:
        """Whether hidden checks exist, run here or not: "all passed" would then overclaim."""
        return any(c.hidden for e in self.exercises for c in e.checks) or any(
            e.hidden_absent for e in self.exercises
        )
