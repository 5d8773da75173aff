"""How much the grader's isolation costs: `grade DAY --solutions` against a bare pytest run.

The baseline runs the same check files under plain pytest with `submission` bound straight to
the imported solution modules (benchmarks/baseline_plugin.py): no sandbox, no check session.
Both are run as the commands a user would type, alternately, several times; the script prints
each median and their ratio.

    python benchmarks/bench_grading.py [--day day06] [--runs 7] [--course DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({completed.returncode}):\n"
                 f"{completed.stdout.decode()[-2000:]}{completed.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default="day06")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--course", type=Path, default=REPO)
    args = parser.parse_args()
    course_root = args.course.resolve()

    sys.path.insert(0, str(REPO))
    from grader.catalog import Course

    day = Course(course_root).load_day(args.day)
    check_files = sorted({str(p) for e in day.exercises for p in e.check_files})
    env = dict(os.environ, BASELINE_COURSE=str(course_root), BASELINE_DAY=args.day,
               PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    grade = [sys.executable, "-m", "grader", args.day, "--solutions", "--format", "json",
             "--output", os.devnull, "--course", str(course_root)]
    bare = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "_hypothesis_pytestplugin", "-p", "benchmarks.baseline_plugin",
            "--import-mode=importlib", "-c", os.devnull, "--rootdir", str(course_root),
            *check_files]

    timed(grade, env)  # warm the file cache once for each
    timed(bare, env)
    grade_times, bare_times = [], []
    for _ in range(args.runs):
        grade_times.append(timed(grade, env))
        bare_times.append(timed(bare, env))
    grade_median = statistics.median(grade_times)
    bare_median = statistics.median(bare_times)
    print(f"day: {args.day}, runs: {args.runs} each, alternating")
    print(f"grade {args.day} --solutions : median {grade_median:.3f}s "
          f"(min {min(grade_times):.3f}s, max {max(grade_times):.3f}s)")
    print(f"bare pytest, same checks : median {bare_median:.3f}s "
          f"(min {min(bare_times):.3f}s, max {max(bare_times):.3f}s)")
    print(f"ratio (grade / bare)     : {grade_median / bare_median:.2f}x")


if __name__ == "__main__":
    main()
