"""Hostile and broken submissions, one folder per case, graded on the fixture day `hostile`.

Each case in tests/corpus/<class>/<case>/ holds the student's `target.py` (and any other files
the submission brings) and `expect.yaml`:

    description: what the submission does
    statuses: error            # every check of `target`, or a mapping check -> status
    score: 0                   # optional: target's score (default: one point per passing check)
    problem: load_error        # optional: the kind of the exercise-level problem
    messages: [called exit]    # text that must appear in target's report (JSON)
    unwanted: [keeps state]    # optional: text that must not appear there
    course_files:              # optional: change a copy of the course first
      exercises/hostile/checks/test_target.py: {append: "..."}   # or null to delete, or text
    local: true                # optional: grade the files in place (exercises/hostile/), not
                               # as a --submission folder
    requires: [no network]     # optional: confinement this case needs (docs/security.md says
                               # where the system offers it); skipped where it is missing
    repeat: 20                 # optional: grade this many times; every report must be identical

    links: {target.py: solutions/hostile/target.py}   # optional: the file is a link instead,
                               # to a path of the course (or an absolute one)
    fifos: [target.py]         # optional: the file is a named pipe instead

A submission's text may name `@REPO@`, replaced by this repository's folder before grading (an
attacker who knows where the course lives, without the grader telling them), and
`@CLASSMATE@`, a folder beside the submission holding another student's (right) files.

Whatever the case, the well-behaved `bystander` exercise graded beside it scores full marks, no
grader error is reported, every report renders, and the student's files are left byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.reporters import json as json_report
from grader.reporters import terminal
from grader.results import ExerciseResult, GradingRun, Status
from tests.conftest import FIXTURE_COURSE, REPO, grade_with

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p.parent for p in CORPUS.glob("*/*/expect.yaml"))
BYSTANDER = FIXTURE_COURSE / "solutions" / "hostile" / "bystander.py"


def digests(folder: Path) -> dict[str, str]:
    """What the student handed in: each file's digest, each link's target, each pipe."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = f"link to {os.readlink(path)}"
        elif path.is_fifo():
            found[name] = "pipe"
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def prepare(case: Path, expect: dict[str, Any], tmp_path: Path) -> tuple[Path, Path | None, Path]:
    """The course to grade, the submission folder (None to grade in place), and the folder
    whose files must stay untouched."""
    course = FIXTURE_COURSE
    if expect.get("course_files") or expect.get("local"):
        course = tmp_path / "course"
        shutil.copytree(FIXTURE_COURSE, course)
        for relative, change in (expect.get("course_files") or {}).items():
            target = course / relative
            if change is None:
                target.unlink()
            elif isinstance(change, dict):
                with target.open("a", encoding="utf-8") as handle:
                    handle.write(change["append"])
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(change, encoding="utf-8")
    submission = course / "exercises" / "hostile" if expect.get("local") else tmp_path / "sub"
    submission.mkdir(parents=True, exist_ok=True)
    shutil.copy(BYSTANDER, submission / "bystander.py")
    classmate = tmp_path / "classmate"
    classmate.mkdir()
    shutil.copy(FIXTURE_COURSE / "solutions" / "hostile" / "target.py", classmate)
    for item in case.iterdir():
        if item.name != "expect.yaml":
            if item.is_dir():
                shutil.copytree(item, submission / item.name, dirs_exist_ok=True)
            else:
                text = item.read_text(encoding="utf-8", errors="surrogateescape")
                for placeholder, value in (("@REPO@", REPO), ("@CLASSMATE@", classmate)):
                    text = text.replace(placeholder, str(value))
                (submission / item.name).write_bytes(text.encode("utf-8", "surrogateescape"))
    for name, target in (expect.get("links") or {}).items():
        (submission / name).unlink(missing_ok=True)
        (submission / name).symlink_to(target if target.startswith("/") else course / target)
    for name in expect.get("fifos") or []:
        (submission / name).unlink(missing_ok=True)
        os.mkfifo(submission / name)
    return course, None if expect.get("local") else submission, submission


def check_run(run: GradingRun, expect: dict[str, Any]) -> ExerciseResult:
    assert not run.grader_errors, run.grader_errors
    target, bystander = run.exercises
    assert bystander.passed and bystander.score == bystander.max_score, bystander
    wanted = expect["statuses"]
    statuses = {c.id: c.status.value for c in target.checks}
    if isinstance(wanted, str):
        wanted = dict.fromkeys(statuses, wanted)
    assert statuses == wanted, [(c.id, c.status, c.failure) for c in target.checks]
    passed = sum((c.max_score for c in target.checks if c.status is Status.PASS), Fraction(0))
    assert target.score == expect.get("score", passed)
    if "problem" in expect:
        assert target.problem is not None and target.problem.kind.value == expect["problem"]
    report = json_report.as_dict(run)["exercises"][0]
    texts = "\n".join([report["problem"] or "", *report["notes"],
                       *(f"{c['message']}\n{c['output']}" for c in report["checks"])])
    for text in expect.get("messages", []):
        assert text in texts, f"{text!r} not in:\n{texts}"
    for text in expect.get("unwanted", []):
        assert text not in texts, f"{text!r} in:\n{texts}"
    # the student sees their own frames, never the grader's
    assert "grader/sandbox" not in texts and "site-packages" not in texts, texts
    return target


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_hostile_submission_costs_its_own_exercise_only(case: Path, tmp_path: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    course, submission, student_folder = prepare(case, expect, tmp_path)
    before = digests(student_folder)
    grade = grade_with(course)
    reports = set()
    for _ in range(expect.get("repeat", 1)):
        run = grade("hostile", ["target", "bystander"], submission=submission)
        applied = set(run.settings.get("confinement", "").split(", "))
        missing = set(expect.get("requires", [])) - applied
        if missing:
            pytest.skip(f"this system does not offer {', '.join(sorted(missing))}")
        check_run(run, expect)
        reports.add(json.dumps(json_report.without_timings(json_report.as_dict(run))))
        for unicode in (True, False):  # every report renders, and can be written as UTF-8
            terminal.render(run, terminal.Style(color=False, unicode=unicode)).encode("utf-8")
        json_report.render(run).encode("utf-8")
    assert len(reports) == 1, "the same submission got different reports"
    assert digests(student_folder) == before


def test_the_corpus_covers_every_class_of_attack() -> None:
    classes = {case.parent.name for case in CASES}
    assert classes == {"exits", "hangs", "resources", "forgery", "tampering", "state_encoding",
                       "determinism"}
    assert len(CASES) >= 40
