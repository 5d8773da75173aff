"""Grading runs built by hand, one per situation every report format must render: the golden
files in tests/golden/ are these runs, rendered."""

from __future__ import annotations

from fractions import Fraction

from grader.results import CheckResult, ExerciseResult, Failure, FailureKind, GradingRun, Status

SETTINGS = {"checks": "sealed", "confinement": "memory, no network", "hypothesis": "6.168.5"}


def _check(check_id: str, title: str, status: Status, points: str, earned: str | None = None,
           failure: Failure | None = None, **extra: object) -> CheckResult:
    maximum = Fraction(points)
    score = Fraction(earned) if earned is not None else (
        maximum if status is Status.PASS else Fraction(0))
    return CheckResult(check_id, title, status, score, maximum, failure, duration=0.125,
                       file="exercises/day06/checks/test_chinchilla.py", line=12,
                       code=f"def {check_id}(submission):\n    ...", **extra)  # type: ignore[arg-type]


def _exercise(exercise_id: str, checks: list[CheckResult], kind: str = "code",
              **extra: object) -> ExerciseResult:
    return ExerciseResult(exercise_id, f"The {exercise_id} exercise", kind,
                          f"exercises/day06/{exercise_id}.py", tuple(checks),
                          summary="Implement the functions.", hint="Read the lesson again.",
                          duration=0.5, **extra)  # type: ignore[arg-type]


def _run(exercises: list[ExerciseResult], **extra: object) -> GradingRun:
    return GradingRun("day06", "What are LLMs?", "exercises/day06", tuple(exercises),
                      duration=2.5, settings=dict(SETTINGS), **extra)  # type: ignore[arg-type]


PASS = _check("test_lesson", "optimal_tokens follows the lesson", Status.PASS, "2")
WRONG = _check(
    "test_linear", "optimal_tokens is linear", Status.FAIL, "1",
    failure=Failure(FailureKind.MISMATCH, "optimal_tokens(3) returned 180; expected 60",
                    call="optimal_tokens(3)", expected="60", got="180", example="size=3"),
)


def all_passing() -> GradingRun:
    return _run([_exercise("chinchilla", [PASS, _check("test_table", "the table", Status.PASS,
                                                       "1.5")])])


def partial() -> GradingRun:
    quiz = _exercise("scale_quiz", [
        _check("q1", "How many tokens?", Status.PASS, "2", feedback="Right: 60B."),
        _check("q2", "Which are continuous?", Status.FAIL, "3", earned="1.5",
               failure=Failure(FailureKind.WRONG_ANSWER, "partly right (b)", got="b")),
        _check("q3", "Name the metric", Status.NOT_IMPLEMENTED, "1",
               failure=Failure(FailureKind.NOT_IMPLEMENTED, "not answered yet")),
    ], kind="quiz")
    essay = _exercise("qa_essay", [
        _check("data", "Q&A in the training data", Status.PASS, "2", feedback="You say so."),
        _check("limit", "A limitation", Status.FAIL, "1",
               failure=Failure(FailureKind.CRITERION_MISSED, "Say when it can be wrong.")),
    ], kind="essay", provisional=True)
    return _run([_exercise("chinchilla", [PASS, WRONG]), quiz, essay])


def crashed() -> GradingRun:
    problem = Failure(FailureKind.LOAD_ERROR,
                      "exercises/day06/chinchilla.py could not be loaded: SyntaxError: invalid "
                      "syntax (chinchilla.py, line 3)",
                      traceback='  File "exercises/day06/chinchilla.py", line 3\n    def f(:\n'
                                "          ^\nSyntaxError: invalid syntax\n")
    failing = [_check(c.id, c.title, Status.ERROR, "2",
                      failure=Failure(FailureKind.LOAD_ERROR, problem.summary))
               for c in (PASS, WRONG)]
    return _run([_exercise("chinchilla", failing, problem=problem),
                 _exercise("next_token_loss", [PASS])])


def timeout() -> GradingRun:
    slow = _check("test_linear", "optimal_tokens is linear", Status.TIMEOUT, "1",
                  failure=Failure(FailureKind.TIMEOUT,
                                  "optimal_tokens(3) did not finish within 3s: an endless "
                                  "loop?", call="optimal_tokens(3)"))
    return _run([_exercise("chinchilla", [PASS, slow])])


def zero_points() -> GradingRun:
    practice = _check("test_practice", "a practice check worth nothing", Status.FAIL, "0",
                      failure=Failure(FailureKind.ASSERTION, "assert 1 == 2"))
    free = _check("test_warm_up", "a warm-up worth nothing", Status.PASS, "0")
    return _run([_exercise("chinchilla", [PASS, practice, free])])


def unicode_and_long_output() -> GradingRun:
    printed = ("naïve Ωmega → ✓ \u0000\u0007 ```fenced``` <tag> & | pipes |\n" * 3000)
    noisy = _check("test_linear", "optimal_tokens ≈ 20× parameters", Status.FAIL, "1",
                   failure=Failure(FailureKind.MISMATCH, "optimal_tokens(3) returned '60B'; "
                                   "expected 60 — a number, not text", call="optimal_tokens(3)"),
                   output=printed[:16384] + "\n[output truncated: 201,616 more bytes not shown]")
    return _run([_exercise("chinchilla", [PASS, noisy])])


def escapes_and_typography() -> GradingRun:
    """What a student's test of the report tried: escape codes that clear the screen or rub out
    lines, a function that forgot its `return`, 2000 lines of debug output, several checks on
    one function not written yet, a long title, and typography a narrow console lacks."""
    fake = "\x1b[2J\x1b[H\n\x1b[1A\x1b[2K✓ chinchilla 12/12 done\rTotal: 87/87 \u202eevil\n"
    none = _check(
        "test_lesson", "optimal_tokens gives the lesson's table: 1B -> 20B, 3B -> 60B, 7B -> "
        "140B, 70B -> 1,400B", Status.FAIL, "2",
        failure=Failure(FailureKind.MISMATCH, "optimal_tokens(1) returned None (a NoneType); "
                        "expected a number", call="optimal_tokens(1)", got="None (a NoneType)",
                        expected="a number"),
        output=fake)
    raised = _check(
        "test_fractional", "optimal_tokens ≈ 20 × parameters for 3.8B (Phi-3-mini → 76B)",
        Status.ERROR, "1",
        failure=Failure(FailureKind.STUDENT_EXCEPTION,
                        "optimal_tokens(3.8) raised ValueError: \x1b[31mno\x1b[0m “sizes” ≤ 0 "
                        "– see …", call="optimal_tokens(3.8)",
                        traceback='  File "exercises/day06/chinchilla.py", line 3, in '
                                  'optimal_tokens\n    raise ValueError("\\x1b[31mno")\n'
                                  "ValueError: \x1b[31mno\x1b[0m\n"))
    debug = "".join(f"debug line {n}: params=3.0 tokens=180.0\n" for n in range(400))
    noisy = _check("test_linear", "optimal_tokens is linear", Status.FAIL, "1", failure=Failure(
        FailureKind.MISMATCH, "optimal_tokens(3) returned 61; expected 60",
        call="optimal_tokens(3)", got="61", expected="60"),
        output=debug + "\n[output truncated: 32,506 more bytes not shown]")
    waiting = [_check(f"test_ratio_{n}", f"tokens_per_parameter, case {n}",
                      Status.NOT_IMPLEMENTED, "1",
                      failure=Failure(FailureKind.NOT_IMPLEMENTED,
                                      "tokens_per_parameter is not implemented yet",
                                      call=f"tokens_per_parameter({n}, 1400)"))
               for n in range(3)]
    quiz = _exercise("scale_quiz", [
        _check("q1", "How many tokens?", Status.FAIL, "2", failure=Failure(
            FailureKind.WRONG_ANSWER, "6×10^11 is not the answer", got="6×10^11\x1b[2K")),
    ], kind="quiz")
    essay = _exercise("qa_essay", [
        _check("data", "Q&A in the training data", Status.PASS, "2",
               feedback="You write “the web is full of Q&A\x1b[8m pages”."),
        _check("limit", "A limitation", Status.FAIL, "1",
               failure=Failure(FailureKind.CRITERION_MISSED, "Say when it can be wrong.")),
    ], kind="essay", provisional=True)
    return _run([_exercise("chinchilla", [none, raised, noisy, *waiting]), quiz, essay])


def hidden_checks() -> GradingRun:
    secret_pass = _check("test_secret", "a hidden check", Status.PASS, "2", visibility="hidden")
    secret_fail = _check("test_secret_2", "another hidden check", Status.FAIL, "1",
                         visibility="after_due_date",
                         failure=Failure(FailureKind.MISMATCH, "f(2) returned 5; expected 4"))
    return _run([_exercise("chinchilla", [PASS, secret_pass, secret_fail]),
                 _exercise("next_token_loss", [PASS], hidden_absent=2)])


SCENARIOS = {
    "all_passing": all_passing,
    "partial": partial,
    "crashed": crashed,
    "timeout": timeout,
    "zero_points": zero_points,
    "unicode_and_long_output": unicode_and_long_output,
    "hidden_checks": hidden_checks,
    "escapes_and_typography": escapes_and_typography,
}
