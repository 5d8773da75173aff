"""The pytest plugin of the check session: sandboxes, settings and one verdict per check.

It starts one sandbox per code exercise, gives checks the `submission` fixture, makes hypothesis
deterministic, keeps each exercise within its time limit, and turns every outcome into a record
of plain data. Verdicts come only from here: nothing the student's process prints or returns is
read as one.
"""

from __future__ import annotations

import functools
import re
import sys
import time
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky

from grader.checks import CheckFailed
from grader.limits import DEFAULT_LIMITS, ResolvedLimits
from grader.plan import SessionExercise, SessionPlan
from grader.results import Failure, FailureKind, Status
from grader.sandbox.host import (
    OUTPUT_FILE_BYTES,
    BadReturn,
    MissingFunction,
    Sandbox,
    SandboxConfig,
    SandboxStop,
    SandboxTimeout,
    StudentException,
    Submission,
    recent_returns,
    short_repr,
)

if sys.version_info >= (3, 11):
    from builtins import BaseExceptionGroup
else:  # pragma: no cover - hypothesis installs the backport on 3.10
    from exceptiongroup import BaseExceptionGroup

Record = dict[str, Any]
PASSES_ALONE = (
    "Your code keeps state between calls (a global variable, a mutable default argument, a "
    "cache) that changes its answers: each call should depend only on its arguments."
)
# failures worth re-running alone: wrong answers, not hangs, crashes or missing code
_RERUN_KINDS = {FailureKind.MISMATCH, FailureKind.ASSERTION, FailureKind.STUDENT_EXCEPTION,
                FailureKind.BAD_RETURN}
# "Falsifying example: ...", "Failing test case: ...", "Failing explicit example: ..."
_EXAMPLE_NOTE = re.compile(r"^(Falsifying|Failing)( \w+)? (example|test case): ")
# pytest's advice to its own user ("Use -v to get more diff"): students cannot pass -v to grade
_PYTEST_ADVICE = re.compile(r"^\s*(?:Use -v+ to get (?:more|the full) diff\b.*"
                            r"|\.\.\.Full output truncated .*)$")
BASE_PROFILE = "grading"


# What a check raises when a student's value has an unexpected shape, not because it is wrong
DATA_ERRORS = (TypeError, ValueError, LookupError, AttributeError, ArithmeticError)

def register_profiles() -> None:
    """The hypothesis settings every grading uses: same examples every run, no database."""
    settings.register_profile(
        BASE_PROFILE,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow],
    )


@dataclass
class _Outcome:
    status: Status = Status.PASS
    failure: Failure | None = None
    duration: float = 0.0
    output: list[str] = field(default_factory=list)


def _example(error: BaseException) -> str | None:
    """The failing input hypothesis found, from the note it attaches to the exception.

    Hypothesis writes `test_name(\n    submission=..., \n    a=1,\n)`; students need `a=1`.
    """
    for note in getattr(error, "__notes__", None) or []:
        if isinstance(note, str) and _EXAMPLE_NOTE.match(note):
            _, _, body = note.partition(": ")
            lines = body.strip().splitlines()
            if len(lines) >= 2 and lines[0].endswith("(") and lines[-1] == ")":
                lines = lines[1:-1]
            arguments = [line.strip().rstrip(",") for line in lines]
            return ", ".join(a for a in arguments if a and not a.startswith("submission="))
    return None


def same_outcome(first: tuple[str, Any], second: tuple[str, Any]) -> bool:
    """Whether two outcomes of one call are the same: the same exception type, or equal plain
    values of the same types (NaN equal to NaN)."""
    if first[0] != second[0]:
        return False
    return _same_value(first[1], second[1])


def _same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (a != a and b != b)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    return bool(a == b)


def _stopped(error: BaseException) -> bool:
    """Whether the sandbox stopped the check (a hang, a crash, a limit), directly or inside a
    group of exceptions."""
    if isinstance(error, BaseExceptionGroup):
        return any(_stopped(e) for e in error.exceptions)
    return isinstance(error, SandboxStop)


def _function_of(call: str | None) -> str:
    return call.partition("(")[0] if call else "this function"


def classify(error: BaseException, display: str,
             limits: ResolvedLimits = DEFAULT_LIMITS) -> tuple[Status, Failure]:
    """The status and facts of a check that raised `error`."""
    example = _example(error)
    if isinstance(error, BaseExceptionGroup):
        inner = next((e for e in error.exceptions if isinstance(e, SandboxStop
                                                               | StudentException)), None)
        error = inner or error.exceptions[0]
        example = example or _example(error)
    status, failure = _classify(error, display, limits)
    if example and failure.example is None:
        failure = Failure(**{**asdict(failure), "example": example})
    return status, failure


def _classify(error: BaseException, display: str,
              limits: ResolvedLimits) -> tuple[Status, Failure]:
    if isinstance(error, SandboxStop):
        status = Status.TIMEOUT if isinstance(error, SandboxTimeout) else Status.ERROR
        return status, error.failure
    if isinstance(error, StudentException):
        call = error.call
        if isinstance(error, MissingFunction):
            return Status.ERROR, Failure(
                FailureKind.MISSING_FUNCTION,
                f"{display} has no function {error.function}(); the checks call it by that name",
                call=call)
        if isinstance(error, BadReturn):
            return Status.FAIL, Failure(FailureKind.BAD_RETURN, f"{call} {error.student_message}",
                                        call=call)
        if error.is_not_implemented:
            return Status.NOT_IMPLEMENTED, Failure(
                FailureKind.NOT_IMPLEMENTED, f"{_function_of(call)} is not implemented yet",
                call=call)
        if error.output_limit:
            return Status.ERROR, Failure(
                FailureKind.STUDENT_EXCEPTION,
                f"{call} printed more than {OUTPUT_FILE_BYTES >> 20} MiB of output and was "
                "stopped: is a print inside a loop?", call=call)
        if "MemoryError" in error.bases:
            return Status.ERROR, Failure(
                FailureKind.STUDENT_EXCEPTION,
                f"{call} ran out of memory (the limit is {limits.memory_mb} MiB): is it "
                "building something far larger than needed?", call=call,
                traceback=error.student_traceback)
        if "RecursionError" in error.bases:
            return Status.ERROR, Failure(
                FailureKind.STUDENT_EXCEPTION,
                f"{call} recursed too deeply (RecursionError): does every recursive call get "
                "closer to a base case?", call=call, traceback=error.student_traceback)
        if error.is_exit:
            return Status.ERROR, Failure(
                FailureKind.EXIT,
                f"{call} raised {error.type_name}: a function should return its result, not "
                "end the program", call=call, traceback=error.student_traceback)
        return Status.ERROR, Failure(
            FailureKind.STUDENT_EXCEPTION, f"{call} raised {error}", call=call,
            traceback=error.student_traceback)
    if isinstance(error, CheckFailed):
        return Status.FAIL, Failure(FailureKind.MISMATCH, error.summary, call=error.call,
                                    expected=error.expected, got=error.got)
    last = recent_returns[-1] if recent_returns else None
    message = str(error).strip()
    if isinstance(error, pytest.fail.Exception) and message.startswith("DID NOT RAISE"):
        expected = message.removeprefix("DID NOT RAISE").strip()
        if last is not None:
            return Status.FAIL, Failure(
                FailureKind.MISMATCH,
                f"{last[1]} returned {short_repr(last[0])}; expected it to raise {expected}",
                call=str(last[1]), got=short_repr(last[0]))
        return Status.FAIL, Failure(FailureKind.MISMATCH, f"your code did not raise {expected}")
    if isinstance(error, AssertionError | pytest.fail.Exception):
        message = _without_pytest_advice(message)
        first_line = message.splitlines()[0] if message else "a check failed"
        return Status.FAIL, Failure(
            FailureKind.ASSERTION, first_line, call=str(last[1]) if last else None,
            got=short_repr(last[0]) if last else None, detail=message or None)
    if isinstance(error, Flaky):
        return Status.FAIL, Failure(
            FailureKind.MISMATCH,
            "your code gave different results when called again with the same input: does it "
            "keep state between calls, or use randomness?")
    reason = f"{type(error).__name__}: {message.splitlines()[0] if message else ''}".strip()
    if last is not None and isinstance(error, DATA_ERRORS):
        # most likely what came back has a shape the check did not expect (a list where a
        # number belongs, say); `grade verify` shows the check works on the solution
        return Status.FAIL, Failure(
            FailureKind.MISMATCH,
            f"{last[1]} returned {short_repr(last[0])}, which the check could not work with "
            f"({reason}): check the type and shape of what it returns",
            call=str(last[1]), got=short_repr(last[0]))
    return Status.ERROR, Failure(
        FailureKind.GRADER_ERROR,
        f"this check failed itself ({reason}): a mistake in the check, not in your code; "
        "please tell your instructor",
        call=str(last[1]) if last else None, got=short_repr(last[0]) if last else None,
        detail=_where_in_checks(error))


def _where_in_checks(error: BaseException) -> str | None:
    """The innermost line of a check file that `error` passed through, for the check's
    author: "test_chinchilla.py, line 17"."""
    where = None
    frame = error.__traceback__
    while frame is not None:
        name = Path(frame.tb_frame.f_code.co_filename).name
        if name.startswith("test_") and name.endswith(".py"):
            where = f"{name}, line {frame.tb_lineno}"
        frame = frame.tb_next
    return where


def _without_pytest_advice(message: str) -> str:
    """A bare assert's explanation without pytest's hints to its own user and blank lines."""
    lines = [line for line in message.splitlines()
             if line.strip() and not _PYTEST_ADVICE.match(line)]
    return "\n".join(lines)


class GradingPlugin:
    """Registered with pytest.main in the check session; see the module docstring."""

    def __init__(self, plan: SessionPlan, emit: Callable[[Record], None]) -> None:
        self.plan = plan
        self.emit = emit
        self.exercises = {e.id: e for e in plan.exercises}
        self.file_exercise: dict[Path, SessionExercise] = {}
        self.wanted: dict[tuple[Path, str], SessionExercise] = {}
        for exercise in plan.exercises:
            for check in exercise.checks:
                path = Path(check.file).resolve()
                self.file_exercise[path] = exercise
                self.wanted[(path, check.name)] = exercise
        self.sandboxes: dict[str, Sandbox] = {}
        self.pending: dict[tuple[str, str], int] = {}
        self.outcomes: dict[tuple[str, str], _Outcome] = {}
        self.item_check: dict[str, tuple[str, str]] = {}
        self.item_started: dict[str, float] = {}
        self.collect_errors: dict[str, str] = {}
        self.collect_error_files: dict[str, str] = {}  # the checks file that failed to load
        self.emitted: set[tuple[str, str]] = set()
        self.order_notes: dict[str, str] = {}  # checks whose failing call answers differently
        self.held_output: list[str] = []  # output taken before repeating a call

    # -- session --

    def pytest_configure(self, config: pytest.Config) -> None:
        register_profiles()
        settings.load_profile(BASE_PROFILE)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        workdir = Path(self.plan.workdir)
        for exercise in self.plan.exercises:
            sandbox = Sandbox(SandboxConfig(
                exercise_id=exercise.id,
                source_path=Path(exercise.source),
                display_path=exercise.display,
                workdir=workdir / exercise.id,
                limits=exercise.resolved_limits,
                hide=self.plan.hide,
                data_dir=Path(self.plan.data) if self.plan.data else None,
            ))
            sandbox.start()
            self.sandboxes[exercise.id] = sandbox

    def close_sandboxes(self) -> None:
        """End every student process now (the session is being stopped)."""
        for sandbox in self.sandboxes.values():
            sandbox.close()

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for exercise in self.plan.exercises:
            for check in exercise.checks:
                key = (exercise.id, check.name)
                if key in self.emitted:
                    continue
                reason = self.collect_errors.get(exercise.id)
                summary = (
                    f"the checks of this exercise could not be loaded: {reason}" if reason
                    else "this check did not run"
                )
                self._emit_check(key, _Outcome(Status.ERROR, Failure(FailureKind.CHECK_ERROR,
                                                                     summary)))
        for exercise_id, sandbox in self.sandboxes.items():
            load = sandbox.load_failure
            self.emit({
                "type": "exercise",
                "exercise": exercise_id,
                "load_failure": asdict(load.failure) if load is not None else None,
                "encoding_note": sandbox.encoding_note,
                "confinement": sandbox.confinement,
                "collect_error": self.collect_errors.get(exercise_id),
                "collect_error_file": self.collect_error_files.get(exercise_id),
            })
            sandbox.close()

    # -- collection --

    def pytest_collectstart(self, collector: pytest.Collector) -> None:
        if isinstance(collector, pytest.Module):
            exercise = self.file_exercise.get(Path(collector.path).resolve())
            if exercise is not None:
                # hypothesis takes its settings when a check is defined, so set them per file
                name = f"{BASE_PROFILE}-{exercise.id}"
                settings.register_profile(
                    name, settings.get_profile(BASE_PROFILE),
                    max_examples=exercise.resolved_limits.max_examples,
                )
                settings.load_profile(name)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            # the report's path is relative to pytest's rootdir (the course), not to the
            # session's working folder
            path = (Path(self.plan.course_root) / report.fspath).resolve() if report.fspath \
                else None
            exercise = self.file_exercise.get(path) if path else None
            text = str(report.longrepr).strip().splitlines()
            # pytest marks the error's lines with "E"
            reason = text[-1].removeprefix("E ").strip() if text else "unknown error"
            if exercise is not None and path is not None:
                self.collect_errors[exercise.id] = reason
                self.collect_error_files[exercise.id] = str(path)
        settings.load_profile(BASE_PROFILE)

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        order = {key: n for n, key in enumerate(self.wanted)}
        kept = []
        for item in items:
            name = getattr(item, "originalname", item.name)
            key = (Path(item.path).resolve(), name)
            exercise = self.wanted.get(key)
            if exercise is None:
                continue
            check_key = (exercise.id, name)
            self._output_per_example(item, self.sandboxes[exercise.id])
            self.item_check[item.nodeid] = check_key
            self.pending[check_key] = self.pending.get(check_key, 0) + 1
            kept.append(item)
        kept.sort(key=lambda i: order[(Path(i.path).resolve(), getattr(i, "originalname",
                                                                         i.name))])
        items[:] = kept

    @staticmethod
    def _output_per_example(item: pytest.Item, sandbox: Sandbox) -> None:
        """A property's output is what its last example printed: the falsifying example's,
        which hypothesis runs last, rather than the first examples' (each example starts
        with the output of the ones before discarded)."""
        handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        inner = getattr(handle, "inner_test", None)
        if handle is None or inner is None or getattr(inner, "_grader_output_per_example",
                                                      False):
            return

        @functools.wraps(inner)
        def each_example(*args: Any, **kwargs: Any) -> Any:
            sandbox.discard_output()
            return inner(*args, **kwargs)

        each_example._grader_output_per_example = True  # type: ignore[attr-defined]
        handle.inner_test = each_example

    # -- running --

    @pytest.fixture(scope="module")
    def submission(self, request: pytest.FixtureRequest) -> Submission:
        exercise = self.file_exercise[Path(request.path).resolve()]
        return Submission(self.sandboxes[exercise.id])

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        recent_returns.clear()
        exercise_id, _ = self.item_check[item.nodeid]
        sandbox = self.sandboxes[exercise_id]
        now = time.monotonic()
        self.item_started[item.nodeid] = now
        if sandbox.exercise_deadline is None:
            sandbox.exercise_deadline = now + sandbox.limits.exercise_timeout
        elif now >= sandbox.exercise_deadline:
            raise SandboxTimeout(
                "not run: the earlier checks used up this exercise's time limit "
                f"({sandbox.limits.exercise_timeout:g}s in all)"
            )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        try:
            return (yield)
        except BaseException as error:
            key = self.item_check.get(item.nodeid)
            if key is not None:
                exercise = self.exercises[key[0]]
                _, failure = classify(error, exercise.display, exercise.resolved_limits)
                if failure.kind in _RERUN_KINDS and not _stopped(error):
                    note = self._called_alone(self.sandboxes[key[0]])
                    if note:
                        self.order_notes[item.nodeid] = note
            raise

    def _called_alone(self, sandbox: Sandbox) -> str | None:
        """Repeat the last call in a fresh process; when it answers differently, the answers
        depend on earlier calls, and the student is told so."""
        if sandbox.last is None or sandbox.calls_in_process < 2:
            return None
        call, before = sandbox.last
        if before[0] == "limit":  # a limit is not state: alone, the call would stay under it
            return None
        self.held_output.append(sandbox.take_output())  # the check's own output, kept
        sandbox.kill()
        alone: tuple[str, Any]
        try:
            alone = ("return", sandbox.call(call.function, call.args, call.kwargs))
        except StudentException as error:
            alone = ("raise", error.type_name)
        except (SandboxStop, Exception):
            return None
        finally:
            sandbox.kill()  # the next check starts from a fresh process too
            sandbox.take_output()  # what the repeated call printed is not the check's
            recent_returns.clear()
        if same_outcome(alone, before):
            return None
        answer = (f"returns {short_repr(alone[1])}" if alone[0] == "return"
                  else f"raises {alone[1]}")
        return f"Called again on its own, in a fresh process, {call} {answer}. " + PASSES_ALONE

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        yield
        key = self.item_check.get(item.nodeid)
        if key is None:
            return
        outcome = self.outcomes.setdefault(key, _Outcome())
        if call.excinfo is not None and outcome.status is Status.PASS:
            exercise = self.exercises[key[0]]
            outcome.status, outcome.failure = classify(call.excinfo.value, exercise.display,
                                                       exercise.resolved_limits)
            if item.nodeid in self.order_notes:
                outcome.failure = replace(outcome.failure, note=self.order_notes[item.nodeid])

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        key = self.item_check.get(nodeid)
        if key is None:
            return
        outcome = self.outcomes.setdefault(key, _Outcome())
        outcome.duration += time.monotonic() - self.item_started.get(nodeid, time.monotonic())
        output = "".join(self.held_output) + self.sandboxes[key[0]].take_output()
        self.held_output.clear()
        if output:
            outcome.output.append(output)
        self.pending[key] -= 1
        if self.pending[key] == 0:
            self._emit_check(key, outcome)

    def _emit_check(self, key: tuple[str, str], outcome: _Outcome) -> None:
        self.emitted.add(key)
        self.emit({
            "type": "check",
            "exercise": key[0],
            "check": key[1],
            "status": outcome.status.value,
            "failure": asdict(outcome.failure) if outcome.failure else None,
            "output": "".join(outcome.output),
            "duration": round(outcome.duration, 4),
        })
