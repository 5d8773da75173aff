"""A bare pytest run of a day's checks: `submission` is the imported solution module.

No sandbox, no separate process: the cost the grader's isolation is measured against. The
hypothesis settings are the grader's own, so both runs try the same examples.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

from grader.catalog import Course
from grader.pytest_plugin import BASE_PROFILE, register_profiles

COURSE = Course(Path(os.environ["BASELINE_COURSE"]))
DAY = COURSE.load_day(os.environ["BASELINE_DAY"])
BY_CHECK_FILE = {path.resolve(): e for e in DAY.exercises for path in e.check_files}
_modules: dict[str, ModuleType] = {}


def pytest_configure(config: pytest.Config) -> None:
    register_profiles()


def pytest_collectstart(collector: pytest.Collector) -> None:
    if isinstance(collector, pytest.Module):
        exercise = BY_CHECK_FILE.get(Path(collector.path).resolve())
        if exercise is not None:
            name = f"baseline-{exercise.id}"
            settings.register_profile(name, settings.get_profile(BASE_PROFILE),
                                      max_examples=exercise.limits.max_examples)
            settings.load_profile(name)


@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> ModuleType:
    exercise = BY_CHECK_FILE[Path(request.path).resolve()]
    if exercise.id not in _modules:
        spec = importlib.util.spec_from_file_location(exercise.id, exercise.solution_path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[exercise.id] = module
    return _modules[exercise.id]
