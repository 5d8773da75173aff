"""Carrying out a plan: code exercises in the check session, quizzes and essays here.

The check session runs in its own process, started first so that it loads pytest and the
students' files while quizzes and essays are graded in this one. Its records are read back,
authenticated, and turned into results; a check without a record scores 0 and says why.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import secrets
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from queue import Empty, Queue
from typing import IO, TYPE_CHECKING, Any

from grader.check_session import sign
from grader.errors import AuthoringError
from grader.plan import GradingPlan, Job, display_path, restore_command, session_plan
from grader.quiz import grade_quiz
from grader.results import (
    CheckResult,
    ExerciseResult,
    Failure,
    FailureKind,
    GradingRun,
    Status,
)
from grader.rubric import grade_essay
from grader.spec import EssaySpec, QuizSpec, to_points

if TYPE_CHECKING:
    from grader.catalog import Course

POSIX = os.name == "posix"
STARTUP_ALLOWANCE = 60.0  # seconds for the check session to start, beyond the exercises' limits


def grade(plan: GradingPlan) -> GradingRun:
    """Grade every job of `plan` and return the results, in the day's order."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grade-", dir=work_root()) as workdir:
        session = CheckSession(plan, Path(workdir)) if plan.code_jobs else None
        try:
            results: dict[str, ExerciseResult] = {}
            errors: list[str] = []
            for job in plan.jobs:
                if job.exercise.kind in ("quiz", "essay"):
                    result, error = _grade_here(job)
                    results[job.exercise.id] = result
                    errors.extend(error)
                elif job.exercise.tampered:
                    results[job.exercise.id] = _tampered_result(plan, job)
            settings: dict[str, str] = {}
            if session is not None:
                code_results, session_errors = session.finish()
                results.update(code_results)
                errors.extend(session_errors)
                settings["confinement"] = session.confinement
        finally:
            if session is not None:
                session.stop()
        for job in plan.jobs:
            results[job.exercise.id] = _with_way_back(plan, job, results[job.exercise.id])
        settings["hypothesis"] = _version("hypothesis")
        settings["checks"] = "sealed" if plan.day.seal is not None else "not sealed"
    return GradingRun(
        day=plan.day.name,
        title=plan.day.title,
        submission=plan.submission_label,
        exercises=tuple(results[job.exercise.id] for job in plan.jobs),
        grader_errors=tuple(errors),
        duration=time.monotonic() - started,
        settings=settings,
    )


def check_error(exercise_id: str, check: CheckResult) -> str:
    """The grader-error line of a check that failed itself (a bug in the check)."""
    summary = check.failure.summary if check.failure is not None else check.status.value
    return f"{exercise_id}, check {check.id}: {summary}"


def work_root() -> Path:
    """The folder every grading of this user works in (each in a folder of its own inside):
    one place for sandboxes to have hidden, whatever gradings run at the same time."""
    root = Path(tempfile.gettempdir()) / f"course-grader-{os.getuid() if POSIX else 'user'}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = root.lstat()
    except OSError:
        return Path(tempfile.gettempdir())
    if not stat.S_ISDIR(info.st_mode) or (POSIX and info.st_uid != os.getuid()):
        return Path(tempfile.gettempdir())  # someone else's, or a link: do not use it
    return root


class CheckSession:
    """The check session process, started at once and read until it is done."""

    def __init__(self, plan: GradingPlan, workdir: Path) -> None:
        self.plan = plan
        self.key = secrets.token_hex(32)
        self.confinement = ""  # what every sandbox of the session had applied
        self.deadline = time.monotonic() + STARTUP_ALLOWANCE + sum(
            j.exercise.limits.load_timeout + j.exercise.limits.exercise_timeout
            for j in plan.code_jobs
        )
        self.log = tempfile.TemporaryFile(dir=workdir)  # noqa: SIM115 - read in finish()
        env = dict(os.environ)
        env.update({
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONIOENCODING": "utf-8",
        })
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.check_session"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            cwd=workdir,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        data = session_plan(plan, workdir / "session", self.key).to_json()
        self.process.stdin.write(json.dumps(data).encode("utf-8"))
        self.process.stdin.close()
        self.lines: Queue[bytes] = Queue()
        self.pump = threading.Thread(target=_pump_lines, args=(self.process.stdout, self.lines),
                                     daemon=True)
        self.pump.start()

    def finish(self) -> tuple[dict[str, ExerciseResult], list[str]]:
        """Wait for the session; the results of its exercises and any grader errors."""
        checks: dict[tuple[str, str], dict[str, Any]] = {}
        exercises: dict[str, dict[str, Any]] = {}
        errors: list[str] = []
        done = False
        while not done:
            try:
                line = self.lines.get(timeout=max(0.0, self.deadline - time.monotonic()))
            except Empty:
                errors.append("grading took longer than every limit allows and was stopped")
                break
            if not line:
                break
            record = self._verify(line, errors)
            if record is None:
                continue
            kind = record.get("type")
            if kind == "check":
                checks[(str(record["exercise"]), str(record["check"]))] = record
            elif kind == "exercise":
                exercises[str(record["exercise"])] = record
            elif kind == "session_error":
                errors.append(_text(record.get("message")))
            elif kind == "done":
                done = True
        self.stop()
        if not done and not errors:
            errors.append(f"the check session ended unexpectedly (status "
                          f"{self.process.returncode}): {self._log_tail()}")
        self._close()
        applied = [set(r.get("confinement") or []) for r in exercises.values()
                   if r.get("confinement")]
        self.confinement = ", ".join(sorted(set.intersection(*applied))) if applied else ""
        results = {
            job.exercise.id: _code_result(self.plan, job, checks, exercises.get(job.exercise.id))
            for job in self.plan.code_jobs
        }
        for result in results.values():
            if result.problem is not None and result.problem.kind is FailureKind.GRADER_ERROR:
                errors.append(f"{result.problem.summary}: {result.problem.detail or ''}".strip())
            for check in result.checks:
                if check.failure is not None and check.failure.kind is FailureKind.GRADER_ERROR:
                    errors.append(check_error(result.id, check))
        return results, errors

    def _verify(self, line: bytes, errors: list[str]) -> dict[str, Any] | None:
        text = line.decode("utf-8", "surrogatepass").rstrip("\n")
        mac, _, body = text.partition(" ")
        if not secrets.compare_digest(mac, sign(self.key, body)):
            errors.append("a result record failed authentication and was ignored")
            return None
        record = json.loads(body)
        return record if isinstance(record, dict) else None

    def stop(self) -> None:
        """End the session if it still runs (grading was interrupted, say)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _close(self) -> None:
        self.pump.join(timeout=5)
        if self.process.stdout is not None and not self.pump.is_alive():
            self.process.stdout.close()
        self.log.close()

    def _log_tail(self) -> str:
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace").strip()
        return text[-2000:] or "no message"


def _grade_here(job: Job) -> tuple[ExerciseResult, list[str]]:
    """Grade a quiz or an essay in this process; a bug of ours costs that exercise only."""
    try:
        if job.exercise.kind == "quiz":
            return grade_quiz(job), []
        return grade_essay(job), []
    except AuthoringError:
        raise
    except Exception as error:  # a grader bug: report it, grade the rest
        summary = f"the grader failed on this {job.exercise.kind}"
        detail = f"{type(error).__name__}: {error}"
        problem = Failure(FailureKind.GRADER_ERROR, summary, detail=detail)
        spec = job.exercise.spec
        parts = (spec.questions if isinstance(spec, QuizSpec)
                 else spec.criteria if isinstance(spec, EssaySpec) else ())
        # every question or criterion is still listed, at 0: the maximum stays the day's
        checks = tuple(
            CheckResult(part.id, getattr(part, "prompt", "") or getattr(part, "description", ""),
                        Status.ERROR, Fraction(0), to_points(part.points),
                        Failure(FailureKind.GRADER_ERROR, "not marked: see above"))
            for part in parts
        )
        result = ExerciseResult(id=job.exercise.id, title=job.exercise.title,
                                kind=job.exercise.kind, file=job.display, checks=checks,
                                problem=problem)
        return result, [f"{job.exercise.id}: {summary}: {detail}"]


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _with_way_back(plan: GradingPlan, job: Job, result: ExerciseResult) -> ExerciseResult:
    """`result`, saying how to get the student's file back where it went missing from the
    day's own folder (a submission's files are the submitter's to send again)."""
    problem = result.problem
    if (problem is None or problem.kind is not FailureKind.MISSING_FILE or problem.detail
            or job.source.parent != plan.day.dir):
        return result
    command = restore_command(plan.course.root, [job.source])
    detail = "If you renamed or moved it, give it back its name. " + (
        f"`{command}` brings it back as last committed (the original stub, if you never "
        "committed your work in it)." if command
        else "Otherwise copy it again from the course's original files.")
    return replace(result, problem=replace(problem, detail=detail))


def _restore_files(course: Course, paths: list[Path]) -> tuple[list[str], str]:
    """The files' names, and ` (`the command that restores those files only`)` where there
    is one, else ""."""
    paths = list(dict.fromkeys(paths))
    command = restore_command(course.root, paths)
    return [course.display(p) for p in paths], f" (`{command}`)" if command else ""


def _tampered_result(plan: GradingPlan, job: Job) -> ExerciseResult:
    """An exercise whose check files differ from the sealed ones: nothing is run, and it says
    how to restore them (those files only: never a command that would touch the student's)."""
    exercise = job.exercise
    files = list(exercise.tampered_files) or list(exercise.check_files)
    names, command = _restore_files(plan.course, files)
    them = "it" if len(names) == 1 else "them"
    problem = Failure(
        FailureKind.TAMPERED,
        f"not graded: {exercise.tampered}, so its checks cannot be trusted",
        detail=f"Restore {' and '.join(names)} as the course published {them}{command} and "
               "grade again. "
               f"Instructors who changed a check on purpose: run `grade seal {exercise.day}`.",
    )
    checks = tuple(
        CheckResult(c.name, c.title, Status.ERROR, Fraction(0), to_points(c.spec.points),
                    Failure(FailureKind.TAMPERED, "not graded: see above"),
                    visibility=c.spec.visibility)
        for c in exercise.checks
    )
    return ExerciseResult(
        id=exercise.id, title=exercise.title, kind=exercise.kind, file=job.display,
        checks=checks, summary=exercise.spec.summary, hint=exercise.spec.hint, problem=problem,
    )


def _pump_lines(stream: IO[bytes], queue: Queue[bytes]) -> None:
    for line in stream:
        queue.put(line)
    queue.put(b"")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: object) -> str:
    """Text from the check session, fit for every report: a lone surrogate (which a student's
    exception message may hold) cannot be encoded, so it becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(value))


def _failure(data: dict[str, Any] | None) -> Failure | None:
    if not data:
        return None
    fields = {k: (_text(v) if v is not None else None) for k, v in data.items() if k != "kind"}
    return Failure(kind=FailureKind(data["kind"]), **fields)  # type: ignore[arg-type]


def _code_result(
    plan: GradingPlan,
    job: Job,
    records: dict[tuple[str, str], dict[str, Any]],
    exercise_record: dict[str, Any] | None,
) -> ExerciseResult:
    exercise = job.exercise
    checks = []
    for check in exercise.checks:
        points = to_points(check.spec.points)
        record = records.get((exercise.id, check.name))
        if record is None:
            checks.append(CheckResult(
                check.name, check.title, Status.ERROR, Fraction(0), points,
                Failure(FailureKind.CHECK_ERROR, "no result was recorded for this check: "
                        "grading stopped before it ran"), visibility=check.spec.visibility))
            continue
        status = Status(record["status"])
        checks.append(CheckResult(
            id=check.name,
            title=check.title,
            status=status,
            score=points if status is Status.PASS else Fraction(0),
            max_score=points,
            failure=_failure(record.get("failure")),
            output=_text(record.get("output") or ""),
            visibility=check.spec.visibility,
            duration=float(record.get("duration") or 0.0),
            file=display_path(check.path),
            line=check.line,
            code=check.code,
        ))
    problem = None
    notes: list[str] = []
    if exercise_record is not None:
        problem = _failure(exercise_record.get("load_failure"))
        if exercise_record.get("collect_error"):
            broken = exercise_record.get("collect_error_file")
            files = [Path(str(broken))] if broken else list(exercise.check_files)
            names, command = _restore_files(plan.course, files)
            problem = Failure(
                FailureKind.CHECK_ERROR,
                f"the checks of this exercise could not be loaded: "
                f"{_text(exercise_record['collect_error'])}",
                detail=f"If you edited {' or '.join(names)}, restore it as the "
                       f"course published it{command}; otherwise please tell your instructor.")
        if exercise_record.get("encoding_note"):
            notes.append(f"{job.display}: {_text(exercise_record['encoding_note'])}")
    return ExerciseResult(
        id=exercise.id,
        title=exercise.title,
        kind=exercise.kind,
        file=job.display,
        checks=tuple(checks),
        summary=exercise.spec.summary,
        hint=exercise.spec.hint,
        problem=problem,
        notes=tuple(notes),
        duration=sum(c.duration for c in checks),
        hidden_absent=exercise.hidden_absent,
    )
