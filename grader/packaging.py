"""Ready-made set-ups for grading platforms: a Gradescope autograder zip and a GitHub Classroom
workflow, for one day of the course."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from grader.catalog import Course, Day
from grader.errors import UsageError

GRADESCOPE_SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
apt-get update -q
apt-get install -y -q python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet /autograder/source/course
# Quiz keys and hidden checks are for the grader (root) alone, not the student's code.
chmod -R go-rwx /autograder/source/course/solutions
"""

GRADESCOPE_RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves a valid results.json: when the
# grader itself cannot run, the submission gets 0 and the reason, never a failed autograder.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
GRADE="${{GRADE:-$ROOT/venv/bin/grade}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
if cd "$ROOT/source/course"; then
    $GRADE {day} --submission "$ROOT/submission" --format gradescope --output "$RESULTS" \\
        2> "$ROOT/results/grade-errors.txt"
    status=$?
else
    echo "the course files are missing from the autograder" > "$ROOT/results/grade-errors.txt"
    status=2
fi
cat "$ROOT/results/grade-errors.txt" >&2
python3 - "$RESULTS" "$status" "$ROOT/results/grade-errors.txt" <<'PY'
import json
import sys

results, status, errors = sys.argv[1:4]
try:
    with open(results, encoding="utf-8") as handle:
        json.load(handle)
except (OSError, ValueError):
    try:
        with open(errors, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().strip().splitlines()
    except OSError:
        lines = []
    # the first line is the headline ("grade: 3 problem(s) ..."); the rest are details
    reason = lines[0] if lines else "no message"
    if status in ("137", "-9"):
        reason = "the grader was killed, most likely for lack of memory"
    with open(results, "w", encoding="utf-8") as handle:
        json.dump({{
            "score": 0,
            "output": "The autograder could not grade this submission (status "
                      + status + "): " + reason,
            "output_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [],
        }}, handle)
PY
exit 0
"""

CLASSROOM_WORKFLOW = """\
# Grades {day} on every push and reports the points to GitHub Classroom.
# Written by `grade export classroom {day}`.
name: Autograding {day}
"on":
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  grade:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 20
    steps:
      - name: Check out the student's work
        uses: actions/checkout@v4
{course_checkout}      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Install the grader
        run: python -m pip install {install}
      - name: Grade {day}
        id: {step}
        run: grade {day} {where}--format classroom --output {day}-results.json --fail-under 0
      - name: Report to GitHub Classroom
        # also when grading failed: the result then says so, and Classroom records it
        if: always()
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          {env}_RESULTS: "${{{{ steps.{step}.outputs.result }}}}"
        with:
          runners: {step}
"""

COURSE_CHECKOUT = """\
      - name: Check out the course's own checks, which a student cannot change
        uses: actions/checkout@v4
        with:
          repository: {repository}
          ref: {ref}
          path: .course
          # a private course repository needs a token that can read it (a fine-grained
          # personal access token with read access to its contents), saved as this secret
          token: ${{{{ secrets.COURSE_TOKEN || github.token }}}}
"""

_EXCLUDED = {"__pycache__", ".git", ".venv", "venv", ".mypy_cache", ".ruff_cache"}


def files_under(folder: Path) -> list[Path]:
    """The files of `folder`, sorted, without caches, environments and version control."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not _EXCLUDED & set(p.relative_to(folder).parts)
        and p.suffix != ".pyc"
    )


def grader_source() -> dict[str, bytes]:
    """The grader's own installable source (pyproject.toml and grader/), by relative path."""
    package = Path(__file__).resolve().parent
    project = package.parent
    if not (project / "pyproject.toml").is_file():
        raise UsageError("the grader's own source (pyproject.toml beside grader/) is needed; "
                         "run this from a checkout of the course repository")
    files = {"pyproject.toml": (project / "pyproject.toml").read_bytes()}
    for path in files_under(package):
        files[path.relative_to(project).as_posix()] = path.read_bytes()
    return files


def gradescope_zip(course: Course, day: Day, target: Path) -> list[str]:
    """Write the autograder zip for `day`; the names it holds."""
    source = grader_source()
    entries: dict[str, bytes] = {f"course/{name}": data for name, data in source.items()}
    readme = Path(__file__).resolve().parent.parent / "README.md"
    if readme.is_file():
        entries["course/README.md"] = readme.read_bytes()
    # What grading needs: the day as students have it, its hidden checks and its quiz keys;
    # not the reference solutions or model essays, which a student's code could print back.
    for folder in (day.dir, day.solutions_dir / "checks", day.solutions_dir / "keys"):
        if folder.is_dir():
            for path in files_under(folder):
                entries[f"course/{course.display(path)}"] = path.read_bytes()
    scripts = {"setup.sh": GRADESCOPE_SETUP, "run_autograder": GRADESCOPE_RUN.format(day=day.name)}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in scripts.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
        for name, data in entries.items():
            archive.writestr(name, data)
    return [*scripts, *entries]


def classroom_workflow(day: Day, course_repository: str | None = None,
                       python: str = "3.11") -> str:
    """A GitHub Actions workflow that grades `day` and reports to GitHub Classroom.

    With `course_repository` ("owner/name@ref"), the checks come from that repository, which
    the student cannot change, and the student's repository provides only their files.
    """
    step = re.sub(r"[^a-z0-9_-]", "-", day.name.lower())
    if course_repository:
        repository, _, ref = course_repository.partition("@")
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
            raise UsageError(f"--course-repo {course_repository}: write it as owner/name@ref")
        checkout = COURSE_CHECKOUT.format(repository=repository, ref=ref or "main")
        install = "./.course"
        where = f"--course .course --submission exercises/{day.name} "
    else:
        checkout, install, where = "", "-e .", ""
    return CLASSROOM_WORKFLOW.format(
        day=day.name, step=step, env=step.upper(), python=python, install=install,
        where=where, course_checkout=checkout,
    )
