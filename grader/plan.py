"""What a grading run will do: which exercises, whose files, with which checks and limits.

A plan is decided before anything runs, and the code exercises' part of it is handed as plain
JSON to the check session, the process that runs the checks.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import UsageError
from grader.limits import ResolvedLimits

if TYPE_CHECKING:  # the check session reads plans without loading the course's models
    from grader.catalog import Course, Day, Exercise


DATA_FOLDER = "data"  # exercises/<day>/data/: read-only beside the student's file when graded


@dataclass(frozen=True)
class Job:
    """One exercise to grade, and the student's file to grade it on."""

    exercise: Exercise
    source: Path  # the student's file as found (it may be missing)
    display: str  # that file as the user knows it


@dataclass(frozen=True)
class GradingPlan:
    """A day (or part of it) to grade on one submission."""

    course: Course
    day: Day
    jobs: tuple[Job, ...]
    submission_label: str  # where the files come from, for reports

    @property
    def code_jobs(self) -> tuple[Job, ...]:
        """Code exercises whose checks can be trusted: those the check session runs."""
        return tuple(j for j in self.jobs if j.exercise.kind == "code" and not j.exercise.tampered)


def display_path(path: Path) -> str:
    """`path` relative to the working folder when it is inside it, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def restore_command(root: Path, paths: list[Path]) -> str | None:
    """The command that gets `paths` back as the course's repository holds them, run from
    where grade runs: `git checkout` naming those files only, never a folder (which would take
    a student's work with it); None where the course is not a git checkout."""
    history = _git_folder(root.resolve())
    if history is None or not paths:
        return None
    tree = history.parent
    try:
        here: Path | None = Path.cwd().resolve()
    except OSError:  # the working folder was deleted
        here = None
    if here is not None and here.is_relative_to(tree):
        names = [_relative_to(here, path) for path in paths]
        return "git checkout -- " + " ".join(shlex.quote(name) for name in names)
    names = [_relative_to(tree, path) for path in paths]
    return (f"git -C {shlex.quote(tree.as_posix())} checkout -- "
            + " ".join(shlex.quote(name) for name in names))


def _relative_to(folder: Path, path: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), folder)).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


def _student_folder(folder: Path, day: Day) -> Path:
    """Where a submission keeps its files: the folder itself, or, when it holds none of them,
    its exercises/<day>/ (a whole repository submitted) or its only subfolder (an archive)."""
    names = [e.student_file for e in day.exercises]
    if any(os.path.lexists(folder / name) for name in names):
        return folder
    candidates = [folder / "exercises" / day.name]
    # macOS archivers add __MACOSX/ beside the real top folder
    subfolders = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and p.name != "__MACOSX"]
    if len(subfolders) == 1:
        candidates += [subfolders[0], subfolders[0] / "exercises" / day.name]
    for candidate in candidates:
        # a folder linked from elsewhere (the course's solutions, say) is not the submission's
        inside = candidate.resolve().is_relative_to(folder.resolve())
        if inside and any(os.path.lexists(candidate / name) for name in names):
            return candidate
    return folder


def make_plan(
    course: Course,
    day: Day,
    exercise_ids: list[str] | None = None,
    submission: Path | None = None,
    solutions: bool = False,
) -> GradingPlan:
    """The plan to grade `exercise_ids` (all when None) of `day` on a submission folder.

    The folder is the day's exercises/ folder by default, `submission` when given, or the day's
    solutions/ folder with `solutions`.
    """
    if solutions and submission is not None:
        raise UsageError("use either --solutions or --submission, not both")
    if solutions:
        folder = day.solutions_dir
        if not folder.is_dir():
            raise UsageError(
                f"{course.display(folder)} does not exist: this copy of the course has no "
                "reference solutions"
            )
        label = course.display(folder)
    elif submission is not None:
        folder = submission.resolve()
        if folder.is_file():
            raise UsageError(f"--submission {submission} is a file: give the folder that holds "
                             "the student's files")
        if not folder.is_dir():
            raise UsageError(f"--submission {submission}: no such folder")
        folder = _student_folder(folder, day)
        label = display_path(folder)
    else:
        folder = day.dir
        label = course.display(folder)
    exercises = (
        list(day.exercises) if not exercise_ids
        else [day.exercise(i) for i in dict.fromkeys(exercise_ids)]  # each named once
    )
    jobs = []
    for exercise in exercises:
        source = folder / exercise.student_file
        shown = (
            course.display(source) if folder in (day.dir, day.solutions_dir)
            else display_path(source)
        )
        jobs.append(Job(exercise, source, shown))
    return GradingPlan(course, day, tuple(jobs), label)


# --- the check session's part --------------------------------------------------------------


@dataclass(frozen=True)
class SessionCheck:
    name: str
    file: str


@dataclass(frozen=True)
class SessionExercise:
    id: str
    source: str
    display: str
    limits: dict[str, Any]
    checks: tuple[SessionCheck, ...]

    @property
    def resolved_limits(self) -> ResolvedLimits:
        return ResolvedLimits(**self.limits)


@dataclass(frozen=True)
class SessionPlan:
    """Everything the check session needs, as plain data."""

    course_root: str
    workdir: str
    key: str  # authenticates the session's records
    exercises: tuple[SessionExercise, ...]
    hide: tuple[str, ...] = ()  # folders the student's processes must not see, where possible
    data: str = ""  # the day's data folder, which student code finds beside its file

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionPlan:
        exercises = tuple(
            SessionExercise(
                id=e["id"], source=e["source"], display=e["display"], limits=e["limits"],
                checks=tuple(SessionCheck(**c) for c in e["checks"]),
            )
            for e in data["exercises"]
        )
        return cls(data["course_root"], data["workdir"], data["key"], exercises,
                   tuple(data.get("hide", ())), str(data.get("data", "")))


def _git_folder(start: Path) -> Path | None:
    """The .git folder of the repository holding `start`, if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").is_dir():
            return folder / ".git"
    return None


def session_plan(plan: GradingPlan, workdir: Path, key: str) -> SessionPlan:
    """The check session's part of `plan`: the code exercises."""
    root = plan.course.root.resolve()
    hide = {str(root / "exercises"), str(root / "solutions"), str(workdir.resolve().parent)}
    shared = workdir.resolve().parent.parent
    if shared.name.startswith("course-grader-"):  # every grading's folders, this one's among them
        hide.add(str(shared))
    hide.update(str(job.source.resolve().parent) for job in plan.code_jobs)
    history = _git_folder(root)
    if history is not None:  # the history holds every solution ever committed
        hide.add(str(history))
    data = plan.day.dir / DATA_FOLDER  # copied beside each student file, read-only
    return SessionPlan(
        course_root=str(plan.course.root.resolve()),
        workdir=str(workdir),
        key=key,
        exercises=tuple(
            SessionExercise(
                id=job.exercise.id,
                source=os.path.abspath(job.source),  # a link is refused, never followed
                display=job.display,
                limits=asdict(job.exercise.limits),
                checks=tuple(SessionCheck(c.name, str(c.path.resolve()))
                             for c in job.exercise.checks),
            )
            for job in plan.code_jobs
        ),
        hide=tuple(sorted(hide)),
        data=str(data.resolve()) if data.is_dir() else "",
    )
