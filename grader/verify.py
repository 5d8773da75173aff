"""`grade verify`: proof that a day grades as its author means it to, before students see it.

A day holds when its files validate and, graded for real: the reference solutions score full
marks; the untouched stubs score zero, and no check passes against them (a check that does
cannot tell finished work from unstarted work); grading the solutions twice gives the same
report, timings aside; and each essay's model essays land in the score bands its spec declares,
a strong and a weak one at least.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from grader.catalog import Course, Day, Exercise
from grader.errors import AuthoringError
from grader.feedback import check_message, failure_lines, points_text
from grader.plan import Job, make_plan
from grader.reporters.json import as_dict, without_timings
from grader.results import ExerciseResult, FailureKind, GradingRun, Status
from grader.rubric import grade_essay
from grader.runner import check_error, grade
from grader.spec import EssaySpec
from grader.validate import model_essays, validate_day


@dataclass(frozen=True)
class BandResult:
    """One model essay against the band its spec declares."""

    band: str
    share: Fraction  # of the essay's points
    low: Fraction
    high: Fraction

    @property
    def held(self) -> bool:
        return self.low <= self.share <= self.high


@dataclass(frozen=True)
class ExerciseVerification:
    """What verifying one exercise found."""

    id: str
    kind: str
    solution: ExerciseResult
    stub: ExerciseResult
    bands: tuple[BandResult, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def checks_failing_on_stub(self) -> int:
        return sum(1 for c in self.stub.checks if not c.status.passed)

    @property
    def held(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Verification:
    """A whole day's verification; `held` when every item held."""

    day: str
    title: str
    exercises: tuple[ExerciseVerification, ...]
    deterministic: bool
    problems: tuple[str, ...] = ()  # about the day as a whole
    warnings: tuple[str, ...] = ()
    grader_errors: tuple[str, ...] = field(default=())

    @property
    def held(self) -> bool:
        return (self.deterministic and not self.problems and not self.grader_errors
                and all(e.held for e in self.exercises))


def verify_day(course: Course, day_name: str) -> Verification:
    """Verify a day; AuthoringError when its files do not validate."""
    report = validate_day(course, day_name)
    if report.errors:
        raise AuthoringError(list(report.errors))
    day = course.load_day(report.day)
    first = grade(make_plan(course, day, solutions=True))
    second = grade(make_plan(course, day, solutions=True))
    stubs = grade(make_plan(course, day))
    deterministic = without_timings(as_dict(first)) == without_timings(as_dict(second))
    problems = [] if deterministic else [_difference(first, second)]
    exercises = tuple(
        _verify_exercise(course, day, exercise, solution, stub)
        for exercise, solution, stub in zip(day.exercises, first.exercises, stubs.exercises,
                                            strict=True)
    )
    # a check that raises is the author's to fix: named as a problem of its exercise, not as
    # a failure of the grader
    check_bugs = {check_error(e.id, c) for run in (first, stubs)
                  for e in run.exercises for c in e.checks
                  if c.failure is not None and c.failure.kind is FailureKind.GRADER_ERROR}
    grader_errors = tuple(dict.fromkeys(
        error for error in (*first.grader_errors, *stubs.grader_errors)
        if error not in check_bugs))
    return Verification(
        day=day.name, title=day.title, exercises=exercises, deterministic=deterministic,
        problems=tuple(problems), warnings=tuple(str(w) for w in report.warnings),
        grader_errors=grader_errors,
    )


def _verify_exercise(course: Course, day: Day, exercise: Exercise, solution: ExerciseResult,
                     stub: ExerciseResult) -> ExerciseVerification:
    problems: list[str] = []
    if solution.problem is not None:
        problems.append(f"the solution {course.display(exercise.solution_path)} was not graded: "
                        f"{solution.problem.summary}")
    for check in (*solution.checks, *stub.checks):
        failure = check.failure
        if failure is not None and failure.kind is FailureKind.GRADER_ERROR:
            reason = failure.summary.partition("(")[2].partition(")")[0] or failure.summary
            where = f" at {failure.detail}" if failure.detail else ""
            problems.append(f"check {check.id} has a bug: it raised {reason}{where}")
    for check in solution.checks:
        if check.failure is not None and check.failure.kind is FailureKind.GRADER_ERROR:
            continue  # said above, in the check author's terms
        if not check.status.passed:
            message = check_message(check).splitlines()
            problems.append(f"the solution fails {check.id} ({check.title}): "
                            f"{message[0] if message else check.status.value}")
    if stub.problem is not None:
        problems.append(f"the stub {course.display(exercise.stub_path)} was not graded: "
                        + " ".join(failure_lines(stub.problem)[:1]))
    for check in stub.checks:
        if check.status is Status.PASS:
            problems.append(f"{check.id} ({check.title}) passes against the untouched stub, so "
                            "it cannot tell finished work from unstarted work")
    if stub.score and not any(c.status is Status.PASS for c in stub.checks):
        problems.append(f"the untouched stub scores {points_text(stub.score)}, not 0")
    bands: tuple[BandResult, ...] = ()
    if isinstance(exercise.spec, EssaySpec):
        bands = _bands(day, exercise, exercise.spec)
        problems += [
            f"model essay {b.band}.md scores {_share(b.share)} of the points, outside its band "
            f"{_share(b.low)}-{_share(b.high)}" for b in bands if not b.held
        ]
        if not _tells_apart(bands):
            problems.append("needs at least two model essays whose bands do not overlap (a "
                            "strong and a weak one), to show the rubric tells them apart")
    return ExerciseVerification(exercise.id, exercise.kind, solution, stub, bands,
                                tuple(dict.fromkeys(problems)))


def _bands(day: Day, exercise: Exercise, spec: EssaySpec) -> tuple[BandResult, ...]:
    results = []
    essays = model_essays(day, exercise.id)
    for band, bounds in spec.bands.items():
        if band not in essays:
            continue  # validation has said so
        scored = grade_essay(Job(exercise, essays[band], essays[band].name))
        share = scored.score / scored.max_score if scored.max_score else Fraction(0)
        results.append(BandResult(band, share, Fraction(str(bounds.min)),
                                  Fraction(str(bounds.max))))
    return tuple(results)


def _tells_apart(bands: tuple[BandResult, ...]) -> bool:
    return any(a.low > b.high for a in bands for b in bands)


def _share(value: Fraction) -> str:
    return f"{float(value):.2f}"


def _difference(first: GradingRun, second: GradingRun) -> str:
    """The first check whose result differs between two gradings of the same files."""
    for a, b in zip(first.exercises, second.exercises, strict=True):
        for x, y in zip(a.checks, b.checks, strict=True):
            if (x.status, x.score, check_message(x)) != (y.status, y.score, check_message(y)):
                return (f"grading the solutions twice gave different results: {a.id}, "
                        f"{x.id}: {x.status.value} then {y.status.value}")
    return "grading the solutions twice gave different reports"
