"""The course on disk: its days, their exercises, and every file an exercise needs.

Paths are derived from the exercise id, so a spec never repeats them:

    exercises/<day>/day.yaml                the day: title, exercise order, default limits
    exercises/<day>/specs/<id>.yaml         one spec per exercise
    exercises/<day>/<id>.py|.yaml|.md       the file a student edits (code, quiz, essay)
    exercises/<day>/checks/test_<id>.py     public checks of a code exercise
    solutions/<day>/<id>.py|.yaml|.md       the model version of the student's file
    solutions/<day>/checks/test_<id>.py     hidden checks (optional)
    solutions/<day>/keys/<id>.yaml          a quiz's answer key
    exercises/<day>/keys/<id>.json          in a student release: that key as salted hashes
    solutions/<day>/essays/<id>/<band>.md   model essays for the score bands of an essay
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from grader.errors import AuthoringError, Problem, UsageError
from grader.spec import (
    DEFAULT_LIMITS,
    KIND_FILE_SUFFIX,
    CheckSpec,
    CodeSpec,
    DaySpec,
    EssaySpec,
    QuizSpec,
    ResolvedLimits,
    load_day_spec,
    load_exercise_spec,
    read_text,
)

COURSE_ENV = "GRADE_COURSE"
SEAL_FILE = "checks.sha256"  # in exercises/<day>/: the checks as the course published them
# Names a student module must not take: it is registered in sys.modules under its id.
RESERVED_IDS = frozenset(sys.stdlib_module_names) | {"grader", "pytest", "hypothesis", "yaml"}


@dataclass(frozen=True)
class Check:
    """One check function of a code exercise."""

    name: str
    title: str
    spec: CheckSpec
    path: Path
    line: int = 0  # where the check function starts
    code: str = ""  # its source, for platforms that show the test's code

    @property
    def hidden(self) -> bool:
        return self.spec.visibility != "visible"


@dataclass(frozen=True)
class ScannedCheck:
    """A check function as read from its file, without running it."""

    title: str
    line: int
    code: str
    problem: Problem | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise with every file it needs resolved."""

    id: str
    day: str
    spec: CodeSpec | QuizSpec | EssaySpec
    spec_path: Path
    student_file: str  # the name a student edits, e.g. chinchilla.py
    stub_path: Path
    solution_path: Path
    checks: tuple[Check, ...] = ()
    key_path: Path | None = None
    limits: ResolvedLimits = DEFAULT_LIMITS
    tampered: str | None = None  # how its checks differ from the sealed ones, if they do
    tampered_files: tuple[Path, ...] = ()  # the check files (and seal) that would undo it
    hidden_absent: int = 0  # hidden checks in the spec whose file is not here (a release)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def check_files(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(c.path for c in self.checks))


@dataclass(frozen=True)
class Day:
    """A lesson day and its exercises, in the order the day lists them."""

    name: str
    spec: DaySpec
    dir: Path
    solutions_dir: Path
    exercises: tuple[Exercise, ...]
    seal: dict[str, str] | None = None

    @property
    def title(self) -> str:
        return self.spec.title

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise called `exercise_id`, or a usage error suggesting the nearest."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise unknown_exercise(self.name, exercise_id, self.spec.exercises)


def unknown_exercise(day: str, exercise_id: str, ids: list[str]) -> UsageError:
    close = difflib.get_close_matches(exercise_id, ids, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    return UsageError(
        f"{day} has no exercise {exercise_id!r}.{hint} Its exercises: {', '.join(ids)}"
    )


class Course:
    """A course checkout: a folder holding `exercises/` and, for instructors, `solutions/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.exercises_dir = root / "exercises"
        self.solutions_dir = root / "solutions"

    @classmethod
    def find(cls, explicit: Path | None = None, start: Path | None = None) -> Course:
        """The course in `explicit`, in $GRADE_COURSE, or in the nearest folder above `start`."""
        if explicit is None and os.environ.get(COURSE_ENV):
            explicit = Path(os.environ[COURSE_ENV])
        if explicit is not None:
            if not (explicit / "exercises").is_dir():
                raise UsageError(f"{explicit} is not a course: it has no exercises/ folder")
            return cls(explicit.resolve())
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "exercises").is_dir() and any(
                (d / "day.yaml").is_file() for d in (folder / "exercises").iterdir()
            ):
                return cls(folder)
        raise UsageError(
            "no course found here: run grade inside the course folder (the one with "
            "exercises/), or pass --course DIR"
        )

    def display(self, path: Path) -> str:
        """`path` relative to the course root, as instructors see it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def day_names(self) -> list[str]:
        """Every day folder that has a day.yaml, sorted."""
        return sorted(
            d.name
            for d in self.exercises_dir.iterdir()
            if d.is_dir() and (d / "day.yaml").is_file()
        )

    def resolve_day_name(self, name: str) -> str:
        """Map what a user typed (day06, day6, 6) to a day folder, or raise a usage error."""
        names = self.day_names()
        if name in names:
            return name
        digits = re.fullmatch(r"(?:day)?0*(\d+)", name.lower())
        if digits:
            for candidate in names:
                match = re.fullmatch(r"day0*(\d+)", candidate)
                if match and match.group(1) == digits.group(1):
                    return candidate
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        known = ", ".join(names) if names else "none"
        raise UsageError(f"there is no day {name!r}.{hint} Days in this course: {known}")

    def load_day(self, name: str, only: list[str] | None = None) -> Day:
        """Read a day and its exercise specs (all, or those in `only`); every problem found is
        raised together."""
        day, problems = self.read_day(name, only)
        if problems:
            raise AuthoringError(problems)
        return day

    def read_day(self, name: str, only: list[str] | None = None) -> tuple[Day, list[Problem]]:
        """Read a day as far as it can be read: the exercises that loaded, and the problems of
        those that did not. A day.yaml that cannot be read raises AuthoringError."""
        name = self.resolve_day_name(name)
        day_dir = self.exercises_dir / name
        solutions_dir = self.solutions_dir / name
        day_spec = load_day_spec(day_dir / "day.yaml", self.display(day_dir / "day.yaml"))
        base_limits = day_spec.limits.over(DEFAULT_LIMITS)
        for exercise_id in only or []:
            if exercise_id not in day_spec.exercises:
                raise unknown_exercise(name, exercise_id, day_spec.exercises)
        problems: list[Problem] = []
        exercises: list[Exercise] = []
        seal = read_seal(day_dir / SEAL_FILE)
        for index, exercise_id in enumerate(day_spec.exercises):
            if only and exercise_id not in only:
                continue
            try:
                exercises.append(
                    self._load_exercise(name, exercise_id, day_dir, solutions_dir, base_limits,
                                        seal, index)
                )
            except AuthoringError as error:
                problems.extend(error.problems)
        return Day(name, day_spec, day_dir, solutions_dir, tuple(exercises), seal), problems

    def _load_exercise(
        self,
        day: str,
        exercise_id: str,
        day_dir: Path,
        solutions_dir: Path,
        base_limits: ResolvedLimits,
        seal: dict[str, str] | None,
        index: int = 0,
    ) -> Exercise:
        """One exercise of a day, the `index`th the day lists."""
        spec_path = day_dir / "specs" / f"{exercise_id}.yaml"
        day_file = self.display(day_dir / "day.yaml")
        listed = f"exercises[{index}]"  # where day.yaml lists it
        if exercise_id in RESERVED_IDS:
            raise AuthoringError(
                [Problem(day_file, f"{exercise_id!r} is the name of a Python module; "
                         "choose another exercise id", field=listed)]
            )
        if not spec_path.is_file():
            written = [p.stem for p in sorted((day_dir / "specs").glob("*.yaml"))]
            close = difflib.get_close_matches(exercise_id, written, n=1)
            raise AuthoringError(
                [Problem(day_file, f"exercise {exercise_id!r} has no spec: "
                         f"{self.display(spec_path)} is missing", field=listed,
                         suggestion=f"did you mean {close[0]}? Its spec is there" if close
                         else "write it, or remove the exercise from day.yaml")]
            )
        spec = load_exercise_spec(spec_path, self.display(spec_path))
        student_file = exercise_id + KIND_FILE_SUFFIX[spec.kind]
        exercise = Exercise(
            id=exercise_id,
            day=day,
            spec=spec,
            spec_path=spec_path,
            student_file=student_file,
            stub_path=day_dir / student_file,
            solution_path=solutions_dir / student_file,
        )
        # a student file gone missing is the student's to restore when grading (that exercise
        # scores 0 and says how), and an authoring error only to `grade validate`
        problems: list[Problem] = []
        if isinstance(spec, CodeSpec):
            tampered, tampered_files = self._tampering(exercise_id, day_dir, solutions_dir, seal)
            absent = 0
            if tampered is None:
                checks, absent = self._find_checks(spec, exercise_id, day_dir, solutions_dir,
                                                   problems)
            else:  # the files cannot be trusted: grade nothing, name the checks from the spec
                public, hidden = check_paths(exercise_id, day_dir, solutions_dir)
                checks = tuple(Check(name, name, check_spec,
                                     hidden if check_spec.visibility == "hidden" else public)
                               for name, check_spec in spec.check_specs().items())
            limits = spec.limits.over(base_limits)
            exercise = replace(exercise, checks=checks, limits=limits, tampered=tampered,
                               tampered_files=tampered_files, hidden_absent=absent)
        elif isinstance(spec, QuizSpec):
            exercise = replace(exercise, key_path=key_path(exercise_id, day_dir, solutions_dir))
        elif isinstance(spec, EssaySpec):
            pass
        if problems:
            raise AuthoringError(problems)
        return exercise

    def _tampering(self, exercise_id: str, day_dir: Path, solutions_dir: Path,
                   seal: dict[str, str] | None) -> tuple[str | None, tuple[Path, ...]]:
        """How this exercise's checks differ from the day's seal, or None when they do not (or
        the day has no seal); and the files to restore to undo it (never a student's)."""
        if seal is None:
            return None, ()
        public, hidden = check_paths(exercise_id, day_dir, solutions_dir)
        reasons: list[str] = []
        files: list[Path] = []
        for path, required in ((public, True), (hidden, False)):
            shown = self.display(path)
            sealed = seal.get(shown)
            if sealed is None:
                if path.is_file() and required:
                    reasons.append(f"{shown} is not in {self.display(day_dir / SEAL_FILE)}")
                    files += [path, day_dir / SEAL_FILE]
                continue
            if not path.is_file():
                if required:
                    reasons.append(f"{shown} has been deleted")
                    files.append(path)
                continue
            if file_digest(path) != sealed:
                reasons.append(f"{shown} has been changed")
                files.append(path)
        return ("; ".join(reasons) or None), tuple(files)

    def _find_checks(
        self,
        spec: CodeSpec,
        exercise_id: str,
        day_dir: Path,
        solutions_dir: Path,
        problems: list[Problem],
    ) -> tuple[tuple[Check, ...], int]:
        """The checks of a code exercise, and how many hidden ones are absent."""
        spec_file = self.display(day_dir / "specs" / f"{exercise_id}.yaml")
        public_path, hidden_path = check_paths(exercise_id, day_dir, solutions_dir)
        found: dict[str, tuple[ScannedCheck, Path]] = {}
        # checks already reported (their file is missing or unreadable, or they lack a title):
        # saying they are not defined as well would only bury the one problem to fix
        reported: set[str | Path] = set()
        for path, required in ((public_path, True), (hidden_path, False)):
            if not path.is_file():
                if required:
                    problems.append(
                        Problem(spec_file, f"the checks file {self.display(path)} is missing")
                    )
                    reported.add(path)
                continue
            for name, scanned in scan_checks(path, self.display(path)).items():
                if scanned.problem:
                    problems.append(scanned.problem)
                    reported.add(name or path)
                elif name in found:
                    problems.append(
                        Problem(self.display(path), f"check {name} is defined in both "
                                f"{self.display(found[name][1])} and here")
                    )
                else:
                    found[name] = (scanned, path)
        checks: list[Check] = []
        absent: list[str] = []
        for name, check_spec in spec.check_specs().items():
            if name not in found:
                if check_spec.visibility != "visible" and not hidden_path.is_file():
                    absent.append(name)  # hidden checks run only where they are present
                    continue
                where = hidden_path if check_spec.visibility != "visible" else public_path
                if name in reported or where in reported:
                    continue
                unlisted = [n for n in found if n not in spec.checks]
                close = difflib.get_close_matches(name, unlisted, n=1)
                problems.append(
                    Problem(spec_file, f"check {name} is not defined in {self.display(where)}",
                            field=f"checks.{name}",
                            suggestion=f"did you mean {close[0]}?" if close else None)
                )
                continue
            scanned, path = found[name]
            hidden = check_spec.visibility != "visible"
            expected = hidden_path if hidden else public_path
            if path != expected:
                problems.append(
                    Problem(spec_file, f"check {name} is {check_spec.visibility} but is defined "
                            f"in {self.display(path)}; move it to {self.display(expected)}",
                            field=f"checks.{name}")
                )
                continue
            checks.append(Check(name, scanned.title, check_spec, path, scanned.line,
                                "" if hidden else scanned.code))
        for name, (_scanned, path) in found.items():
            if name not in spec.checks:
                problems.append(
                    Problem(self.display(path), f"check {name} has no points in {spec_file}; "
                            f"add `{name}: 1` under `checks:`")
                )
        return tuple(checks), len(absent)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_paths(exercise_id: str, day_dir: Path, solutions_dir: Path) -> tuple[Path, Path]:
    """Where an exercise's public and hidden checks live."""
    name = f"test_{exercise_id}.py"
    return day_dir / "checks" / name, solutions_dir / "checks" / name


def key_path(exercise_id: str, day_dir: Path, solutions_dir: Path) -> Path:
    """A quiz's answer key: the instructor's, or where it is absent (a student release) the
    released one, as salted hashes."""
    real = solutions_dir / "keys" / f"{exercise_id}.yaml"
    released = day_dir / "keys" / f"{exercise_id}.json"
    return released if not real.is_file() and released.is_file() else real


def write_seal(course: Course, day: Day) -> Path:
    """Write the day's seal: the checksum of every check file, public and hidden, as the files
    are now."""
    sealed = {}
    for exercise in day.exercises:
        if exercise.kind == "code":
            for path in check_paths(exercise.id, day.dir, day.solutions_dir):
                if path.is_file():
                    sealed[course.display(path)] = file_digest(path)
    target = day.dir / SEAL_FILE
    target.write_text(seal_text(sealed), encoding="utf-8")
    return target


def seal_text(sealed: dict[str, str]) -> str:
    """A seal file's text: `sha256  path` lines, sorted by path."""
    return "".join(f"{sealed[name]}  {name}\n" for name in sorted(sealed))


def read_seal(path: Path) -> dict[str, str] | None:
    """The sealed checksums (path from the course root -> sha256), or None with no seal."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    seal = {}
    for line in text.splitlines():
        digest, _, name = line.strip().partition("  ")
        if digest and name:
            seal[name] = digest
    return seal


def scan_checks(path: Path, display: str) -> dict[str, ScannedCheck]:
    """The check functions of a checks file, with their titles, read without running it; a file
    that cannot be read is one entry named "" holding the problem."""
    try:
        source = read_text(path, display, "Python source")
        tree = ast.parse(source, filename=display)
    except SyntaxError as error:
        invalid = Problem(display, f"not valid Python: {error.msg}", error.lineno, error.offset)
        return {"": ScannedCheck("", 0, "", invalid)}
    except AuthoringError as error:
        return {"": ScannedCheck("", 0, "", error.problems[0])}
    checks: dict[str, ScannedCheck] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = ast.get_docstring(node)
            title = doc.strip().splitlines()[0] if doc and doc.strip() else ""
            problem = None if title else Problem(
                display, f"check {node.name} needs a docstring: its first line is the title "
                "students see", node.lineno, node.col_offset + 1)
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            code = "\n".join(source.splitlines()[first - 1:node.end_lineno])
            checks[node.name] = ScannedCheck(title, node.lineno, code, problem)
    return checks
