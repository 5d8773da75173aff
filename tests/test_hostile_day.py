"""A day whose every exercise is hostile at once, graded beside one well-behaved exercise.

The corpus (test_corpus.py) grades one hostile file at a time; here the worst of each class
share one grading, as a class's worst submission would: the report must still be complete,
come within the day's time limits, and the bystander must still score full marks.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import cli
from tests.conftest import FIXTURE_COURSE

CORPUS = Path(__file__).resolve().parent / "corpus"

# exercise id -> the corpus case whose target.py it hands in
HOSTILE = {
    "exits": "exits/os_exit_at_import",
    "hangs": "hangs/infinite_loop",
    "silent": "hangs/ignore_signals",
    "memory": "resources/memory_in_function",
    "crash": "resources/segfault",
    "forks": "resources/fork_bomb",
    "flood": "resources/stdout_flood",
    "forgery": "forgery/fake_pass_output",
    "liar": "forgery/eq_always_true",
    "killer": "tampering/kill_parent_process",
}


def hostile_course(root: Path) -> Path:
    """A copy of the fixture course with a day `siege`: each HOSTILE id is a copy of the
    hostile day's `target` exercise, then `bystander`. Returns the submission folder."""
    shutil.copytree(FIXTURE_COURSE, root)
    source, day = root / "exercises" / "hostile", root / "exercises" / "siege"
    solutions = root / "solutions" / "siege"
    (day / "specs").mkdir(parents=True)
    (day / "checks").mkdir()
    solutions.mkdir(parents=True)
    day_spec = yaml.safe_load((source / "day.yaml").read_text(encoding="utf-8"))
    day_spec["title"] = "Every exercise hostile"
    day_spec["exercises"] = [*HOSTILE, "bystander"]
    (day / "day.yaml").write_text(yaml.safe_dump(day_spec), encoding="utf-8")
    submission = root / "submission"
    submission.mkdir()
    for exercise, case in [*HOSTILE.items(), ("bystander", None)]:
        template = "bystander" if case is None else "target"
        shutil.copy(source / "specs" / f"{template}.yaml", day / "specs" / f"{exercise}.yaml")
        shutil.copy(source / "checks" / f"test_{template}.py",
                    day / "checks" / f"test_{exercise}.py")
        shutil.copy(source / f"{template}.py", day / f"{exercise}.py")
        shutil.copy(root / "solutions" / "hostile" / f"{template}.py",
                    solutions / f"{exercise}.py")
        handed_in = (root / "solutions" / "hostile" / "bystander.py" if case is None
                     else CORPUS / case / "target.py")
        shutil.copy(handed_in, submission / f"{exercise}.py")
    return submission


@pytest.mark.slow
def test_a_day_of_hostile_exercises_still_gets_a_complete_report(tmp_path: Path) -> None:
    course = tmp_path / "course"
    submission = hostile_course(course)
    runner = CliRunner()
    sealed = runner.invoke(cli, ["seal", "siege", "--course", str(course)])
    assert sealed.exit_code == 0, sealed.output
    before = {p.name: p.read_bytes() for p in submission.iterdir()}

    started = time.monotonic()
    result = runner.invoke(cli, ["siege", "--submission", str(submission), "--course",
                                  str(course), "--format", "json"])
    elapsed = time.monotonic() - started

    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    by_id = {exercise["id"]: exercise for exercise in report["exercises"]}
    assert list(by_id) == [*HOSTILE, "bystander"]
    assert by_id["bystander"]["score"] == by_id["bystander"]["max_score"] == 2
    expected_total = 2
    for exercise, case in HOSTILE.items():
        # each scores what the same file scores alone in the corpus, and no more
        expect = yaml.safe_load((CORPUS / case / "expect.yaml").read_text(encoding="utf-8"))
        statuses = {check["id"]: check["status"] for check in by_id[exercise]["checks"]}
        wanted = expect["statuses"]
        if isinstance(wanted, str):
            wanted = dict.fromkeys(statuses, wanted)
        assert statuses == wanted, (exercise, by_id[exercise])
        score = expect.get("score", sum(status == "pass" for status in wanted.values()))
        assert by_id[exercise]["score"] == score, by_id[exercise]
        expected_total += score
    assert report["score"] == expected_total
    # each exercise is bounded by the day's exercise_timeout (6 s) plus its start-up
    assert elapsed < len(by_id) * 8, f"grading took {elapsed:.0f}s"
    assert {p.name: p.read_bytes() for p in submission.iterdir()} == before
