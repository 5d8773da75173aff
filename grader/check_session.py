"""The check session: a process that runs the code exercises' checks under pytest.

Started by the runner as `python -m grader.check_session`, it reads a `SessionPlan` as JSON on
stdin and writes one authenticated JSON record per line on the stdout it was given; anything else
that writes to stdout during the session (a check's print) is sent to stderr instead. Each line is
`<hmac> <json>`, keyed by a secret from the plan, so a record can only come from this process.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

PYTEST_INI = "[pytest]\n"


def sign(key: str, line: str) -> str:
    return hmac.new(key.encode(), line.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def _protect_process() -> None:
    """Keep other processes of the same user (the student's) from reading our memory or fds,
    and end this session if the `grade` command that started it ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig, pr_set_dumpable = 1, 4
            libc.prctl(pr_set_dumpable, 0, 0, 0, 0)
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def main() -> int:
    _protect_process()
    plan_data = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    results = os.fdopen(os.dup(1), "w", encoding="utf-8", errors="surrogatepass")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.dont_write_bytecode = True

    from grader.plan import SessionPlan

    plan = SessionPlan.from_json(plan_data)
    key = plan.key

    def emit(record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        results.write(f"{sign(key, line)} {line}\n")
        results.flush()

    workdir = Path(plan.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(workdir / "hypothesis")
    # only the plugins named below: a plugin installed beside the grader (pytest-randomly,
    # say) must not reorder or reseed the checks
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.environ.pop("PYTEST_ADDOPTS", None)
    os.chdir(workdir)
    try:
        import pytest

        from grader.pytest_plugin import GradingPlugin

        ini = workdir / "pytest.ini"
        ini.write_text(PYTEST_INI, encoding="utf-8")
        files = sorted({c.file for e in plan.exercises for c in e.checks})
        args = [
            "-c", str(ini), "--rootdir", plan.course_root,
            "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:doctest",
            "--noconftest",  # a conftest.py beside the checks would run inside the grader
            "--import-mode=importlib", "-q", "--no-header", "-rN",
            *files,
        ]
        if importlib.util.find_spec("_hypothesis_pytestplugin") is not None:
            args[0:0] = ["-p", "_hypothesis_pytestplugin"]
        plugin = GradingPlugin(plan, emit)

        def stop(number: int, frame: object) -> None:
            plugin.close_sandboxes()
            os._exit(128 + number)

        signal.signal(signal.SIGTERM, stop)
        status = pytest.main(args, plugins=[plugin])
        if int(status) in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
            emit({"type": "session_error", "message": f"pytest ended with status {int(status)}"})
    except BaseException as error:  # report it as a grader error, whatever it is
        emit({"type": "session_error",
              "message": "".join(traceback.format_exception(error)).strip()[-4000:]})
        return 3
    emit({"type": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
