"""`grade release`: the student version of a day, with nothing in it that gives answers away.

A release is a folder students clone and grade in: the grader's own source and pyproject.toml,
a README for students, and the day's `exercises/<day>/` folder (specs, stubs, public checks,
data) with a fresh seal over its checks and each quiz's key as salted hashes
(`exercises/<day>/keys/<id>.json`). It holds no solutions, hidden checks, model essays or
readable keys. Releasing another day into the same folder adds it beside the days already there.
The release is built beside its destination and moved into place only once it is complete and
loads as a course.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import SEAL_FILE, Course, Day, check_paths, file_digest, seal_text
from grader.errors import AuthoringError, UsageError
from grader.packaging import files_under, grader_source
from grader.quiz import hash_key, load_key
from grader.spec import CodeSpec, QuizSpec
from grader.validate import model_essays, validate_day

MARKER = ".course-release"  # at the top of a release: the days it holds, one per line
RELEASED_KEYS = "keys"  # exercises/<day>/keys/<id>.json

STUDENT_README = """\
# {title}

Your copy of the course's exercises, with the grader that checks them. Each day is a folder in
`exercises/`; open its files, do what their comments ask, and grade your work as often as you
like.

## Set up

You need Python 3.10 or newer. In this folder, in one command:

```console
python3 -m venv .venv && . .venv/bin/activate && python -m pip install -e .
```

On Windows (PowerShell):
`py -m venv .venv; .venv\\Scripts\\Activate.ps1; python -m pip install -e .`
Later, only `. .venv/bin/activate` (Windows: `.venv\\Scripts\\Activate.ps1`) is needed.

## Grade your work

```console
grade list                   # the days, their exercises and their points
grade {first}                  # every exercise of {first}
grade {first} EXERCISE         # just one exercise
```

The report shows one line per exercise with its points: `✓` done, `✗` something to fix, `○`
not started yet. Under each unfinished exercise come the checks that do not pass yet: the call
that went wrong, what was expected and what came back, the input that showed it (for a
property tried on many inputs, the smallest one found), your own traceback when your code
raised, what it printed, and a hint. Then your total.

The exit status says how it went: `0` everything passed, `1` something still fails, `2` the
command was used wrongly (an unknown day, say), `3` the grader itself failed (please tell your
instructor).

Grading never changes your files. Quiz answers are checked against a key stored as salted
hashes, so you learn right or wrong without the answers being in this folder. Essay scores are
provisional: your instructor may change them. Your instructor's grading may also run checks
that are not in this copy, so "all public checks pass" is not yet a final grade.

## Days in this copy

Each day's own README (`exercises/<day>/README.md`, where there is one) lists its exercises.

{days}
"""

GITIGNORE = ".venv/\nvenv/\n__pycache__/\n*.egg-info/\n.hypothesis/\n"


@dataclass(frozen=True)
class ReleaseSummary:
    """What a release holds and what it left behind."""

    out: Path
    day: str
    files: int
    hashed_quizzes: tuple[str, ...]
    instructor_questions: tuple[str, ...]  # quiz.question ids only the instructor can mark
    hidden_checks_left_out: int
    model_essays_left_out: int


def release_day(course: Course, day_name: str, out: Path, replace: bool = False) -> ReleaseSummary:
    """Write the student version of `day_name` into `out` (a new folder, or an earlier
    release); AuthoringError when the day does not validate."""
    report = validate_day(course, day_name)
    if report.errors:
        raise AuthoringError(list(report.errors))
    day = course.load_day(report.day)
    out = out.resolve()
    _check_destination(course, day, out, replace)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=out.parent))
    try:
        released = staging / "exercises" / day.name
        files = _copy_day(course, day, released)
        hashed, by_instructor = _write_keys(course, day, released)
        files += len(hashed)
        _write_seal(day, released)
        days = _released_days(out) | {day.name}
        if not out.exists():
            for name, data in grader_source().items():
                _write(staging / name, data)
            _write_release_files(staging, day, days, out)
            Course(staging).load_day(day.name)  # the release must load as a course
            staging.rename(out)
            staging = out
        else:
            Course(staging).load_day(day.name)
            _install_into(out, staging, day, days)
    finally:
        if staging != out and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    hidden = sum(1 for e in day.exercises if isinstance(e.spec, CodeSpec)
                 for c in e.checks if c.hidden)
    essays = sum(len(model_essays(day, e.id)) for e in day.exercises if e.kind == "essay")
    return ReleaseSummary(out, day.name, files, tuple(hashed), tuple(by_instructor), hidden,
                          essays)


def _check_destination(course: Course, day: Day, out: Path, replace: bool) -> None:
    root = course.root.resolve()
    if out == root or out.is_relative_to(root / "exercises") or out.is_relative_to(
        root / "solutions"
    ) or root.is_relative_to(out):
        raise UsageError(f"--out {out} is inside the course (or holds it); release into a "
                         "folder of its own")
    if out.is_file():
        raise UsageError(f"--out {out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"--out {out} is not empty and is not a release; give a new or empty "
                         "folder, or an earlier release to add the day to")
    if (out / "exercises" / day.name).exists() and not replace:
        raise UsageError(f"{out} already holds {day.name}; pass --replace to release it again "
                         "(students' own copies are not touched)")


def _copy_day(course: Course, day: Day, target: Path) -> int:
    """Copy what students get of the day: everything in exercises/<day>/ but the seal and any
    keys (both written afresh). A file identical to a solution stops the release."""
    solution_digests = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p
        for p in files_under(day.solutions_dir)
    } if day.solutions_dir.is_dir() else {}
    listed = set(day.spec.exercises)
    copied = 0
    for path in files_under(day.dir):
        relative = path.relative_to(day.dir)
        if relative.as_posix() == SEAL_FILE or relative.parts[0] == RELEASED_KEYS:
            continue
        if relative.parts[0] == "specs" and path.stem not in listed:
            continue  # a draft exercise the day does not list
        data = path.read_bytes()
        leaked = solution_digests.get(hashlib.sha256(data).hexdigest())
        if leaked is not None and data.strip():
            raise UsageError(f"{course.display(path)} is identical to "
                             f"{course.display(leaked)}: the release would give it away")
        _write(target / relative, data)
        copied += 1
    return copied


def _write_keys(course: Course, day: Day, target: Path) -> tuple[list[str], list[str]]:
    """Each quiz's key, hashed; the quizzes written and the questions left to the instructor."""
    hashed, by_instructor = [], []
    for exercise in day.exercises:
        if not isinstance(exercise.spec, QuizSpec) or exercise.key_path is None:
            continue
        keys = load_key(exercise.spec, exercise.key_path, course.display(exercise.key_path))
        data = hash_key(keys, exercise.key_path.read_bytes())
        by_instructor += [f"{exercise.id}.{q}" for q, entry in data["questions"].items()
                          if "marked_by" in entry]
        data["quiz"] = exercise.id
        _write(target / RELEASED_KEYS / f"{exercise.id}.json",
               (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))
        hashed.append(exercise.id)
    return hashed, by_instructor


def _write_seal(day: Day, target: Path) -> None:
    """The released day's seal: its public checks as released."""
    sealed = {}
    for exercise in day.exercises:
        public, _hidden = check_paths(exercise.id, target, target)
        if exercise.kind == "code" and public.is_file():
            sealed[f"exercises/{day.name}/checks/{public.name}"] = file_digest(public)
    if sealed:
        (target / SEAL_FILE).write_text(seal_text(sealed), encoding="utf-8")


def _released_days(out: Path) -> set[str]:
    try:
        return {line.strip() for line in (out / MARKER).read_text(encoding="utf-8").splitlines()
                if line.strip()}
    except OSError:
        return set()


def _write_release_files(root: Path, day: Day, days: set[str], out: Path) -> None:
    """README, .gitignore and the marker of a release holding `days`."""
    lines = []
    for name in sorted(days):
        title = day.title
        if name != day.name:
            try:
                title = Course(out).load_day(name).title
            except (AuthoringError, UsageError):
                title = name
        lines.append(f"- `{name}`: {title} (`exercises/{name}/`)")
    first = sorted(days)[0]
    readme = STUDENT_README.format(title=f"Course exercises: {', '.join(sorted(days))}",
                                   first=first, days="\n".join(lines))
    _write(root / "README.md", readme.encode("utf-8"))
    _write(root / ".gitignore", GITIGNORE.encode("utf-8"))
    _write(root / MARKER, "".join(f"{d}\n" for d in sorted(days)).encode("utf-8"))


def _install_into(out: Path, staging: Path, day: Day, days: set[str]) -> None:
    """Add a staged day to an earlier release: the day's folder, a fresh grader and README."""
    for name, data in grader_source().items():
        _write(staging / name, data)
    _write_release_files(staging, day, days, out)
    target = out / "exercises" / day.name
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    (staging / "exercises" / day.name).rename(target)
    package = out / "grader"
    if package.exists():
        shutil.rmtree(package)
    (staging / "grader").rename(package)
    for name in ("pyproject.toml", "README.md", ".gitignore", MARKER):
        os.replace(staging / name, out / name)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
