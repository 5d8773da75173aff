"""The sandbox as checks see it: calls cross as plain data, and whatever the student's code does
(raise, exit, hang, crash, print) comes back as a failure of that call only."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.results import FailureKind
from grader.sandbox.host import (
    WORKER,
    BadReturn,
    LoadFailure,
    MissingFunction,
    Sandbox,
    SandboxConfig,
    SandboxCrash,
    SandboxTimeout,
    StudentException,
    Submission,
)
from grader.spec import ResolvedLimits

LIMITS = ResolvedLimits(call_timeout=1, load_timeout=2, exercise_timeout=30, output_kb=1)


@pytest.fixture
def make(tmp_path: Path) -> Iterator:
    made: list[Sandbox] = []

    def build(source: str | bytes, limits: ResolvedLimits = LIMITS,
              data: Path | None = None) -> Submission:
        path = tmp_path / "student" / "work.py"
        path.parent.mkdir(exist_ok=True)
        if isinstance(source, str):
            path.write_text(source, encoding="utf-8")
        else:
            path.write_bytes(source)
        sandbox = Sandbox(SandboxConfig("work", path, "exercises/dayXX/work.py",
                                        tmp_path / f"box{len(made)}", limits, data_dir=data))
        sandbox.start()
        made.append(sandbox)
        return Submission(sandbox)

    yield build
    for sandbox in made:
        sandbox.close()


def sandbox_of(submission: Submission) -> Sandbox:
    return submission._sandbox


def test_plain_values_cross_both_ways(make) -> None:
    submission = make("def echo(*args, **kwargs):\n    return [args, kwargs]\n")
    assert submission.echo(1, 2.5, "x", None, True, (1, 2), key={1: [3]}) == [
        (1, 2.5, "x", None, True, (1, 2)),
        {"key": {1: [3]}},
    ]


def test_a_student_exception_comes_back_as_the_same_builtin_type(make) -> None:
    submission = make("def f(x):\n    return helper(x)\n\ndef helper(x):\n    return 1 / x\n")
    with pytest.raises(ZeroDivisionError) as caught:
        submission.f(0)
    error = caught.value
    assert isinstance(error, StudentException)
    assert error.call == "f(0)"
    # the student's own frames, by the path they know, and no grader frames
    assert 'File "exercises/dayXX/work.py", line 2, in f' in error.student_traceback
    assert 'line 5, in helper' in error.student_traceback
    assert "grader" not in error.student_traceback
    assert "worker.py" not in error.student_traceback


def test_a_custom_exception_maps_to_its_nearest_builtin_base(make) -> None:
    submission = make("class Bad(ValueError):\n    pass\n\ndef f():\n    raise Bad('no')\n")
    with pytest.raises(ValueError, match="no"):
        submission.f()


def test_exit_requests_do_not_end_the_grader(make) -> None:
    submission = make(
        "import sys\n"
        "def quit_(): sys.exit(0)\n"
        "def interrupt(): raise KeyboardInterrupt\n"
        "def ok(): return 1\n"
    )
    for name in ("quit_", "interrupt"):
        with pytest.raises(StudentException) as caught:
            getattr(submission, name)()
        assert caught.value.is_exit
        assert not isinstance(caught.value, SystemExit | KeyboardInterrupt)
    assert submission.ok() == 1


def test_not_implemented_is_recognised(make) -> None:
    submission = make("def f():\n    raise NotImplementedError('TODO')\n")
    with pytest.raises(NotImplementedError) as caught:
        submission.f()
    assert caught.value.is_not_implemented


def test_a_missing_function_is_named(make) -> None:
    submission = make("def f():\n    return 1\n\nCONSTANT = 3\n")
    with pytest.raises(MissingFunction) as caught:
        submission.g()
    assert caught.value.function == "g"
    with pytest.raises(MissingFunction):
        submission.CONSTANT()


@pytest.mark.parametrize(
    "body, type_name",
    [
        ("class Liar(int):\n    def __eq__(self, o): return True\n\ndef f(): return Liar(1)\n",
         "Liar (a subclass of int)"),
        ("class Same:\n    def __eq__(self, o): return True\n\ndef f(): return Same()\n",
         "Same"),
        ("def f(): return {1, 2}\n", "set"),
        ("def f(): return [1, lambda: 2]\n", "function"),
    ],
)
def test_values_that_are_not_plain_data_never_come_back(make, body: str, type_name: str) -> None:
    submission = make(body)
    with pytest.raises(BadReturn, match=type_name.split(" ")[0]):
        submission.f()


def test_a_huge_return_value_is_refused_not_buffered(make) -> None:
    submission = make("def f():\n    return 'x' * (40 << 20)\n")
    with pytest.raises(BadReturn, match="too large"):
        submission.f()


def test_a_hang_times_out_and_the_next_call_gets_a_fresh_process(make) -> None:
    submission = make("calls = []\n\ndef hang():\n    while True: pass\n\n"
                      "def count():\n    calls.append(1)\n    return len(calls)\n")
    assert submission.count() == 1
    with pytest.raises(SandboxTimeout) as caught:
        submission.hang()
    assert caught.value.failure.kind is FailureKind.TIMEOUT
    assert "hang() did not finish within 1s" in str(caught.value)
    assert submission.count() == 1  # a new process: the old state is gone


def test_os_exit_during_a_call_is_a_crash_of_that_call(make) -> None:
    submission = make("import os\n\ndef bye():\n    os._exit(0)\n\ndef ok():\n    return 2\n")
    with pytest.raises(SandboxCrash, match="exit status 0"):
        submission.bye()
    assert submission.ok() == 2


def test_the_exercise_deadline_stops_a_call_early(make) -> None:
    import time

    submission = make("import time\n\ndef slow():\n    time.sleep(5)\n")
    sandbox_of(submission).exercise_deadline = time.monotonic() + 0.3
    started = time.monotonic()
    with pytest.raises(SandboxTimeout, match="exercise's time limit"):
        submission.slow()
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "source, words",
    [
        ("def f(:\n    pass\n", ["could not be loaded", "SyntaxError", "line 1"]),
        ("import nonexistent_module_xyz\n", ["ModuleNotFoundError", "nonexistent_module_xyz"]),
        ("raise RuntimeError('boom')\n", ["RuntimeError: boom", "line 1"]),
        ("import sys\nsys.exit(1)\n", ["called exit() while loading"]),
        ("import os\nos._exit(0)\n", ["ended the Python process", "while loading"]),
        ("while True:\n    pass\n", ["did not finish loading within 2s"]),
        ("x = input()\n", ["EOFError"]),
    ],
)
def test_a_file_that_cannot_load_fails_every_call_with_one_message(make, source: str,
                                                                   words: list[str]) -> None:
    submission = make(source)
    for _ in range(2):
        with pytest.raises(LoadFailure) as caught:
            submission.f()
        text = caught.value.failure.summary + (caught.value.failure.traceback or "")
        for word in words:
            assert word in text


def test_callables_are_called_back_across_the_boundary(make) -> None:
    submission = make("def run(model, tokens):\n    return [model(tokens[:i]) for i in (1, 2)]\n")
    seen: list[object] = []

    def model(context: list[str]) -> dict[str, float]:
        seen.append(context)
        return {"next": 0.5}

    assert submission.run(model, ["a", "b", "c"]) == [{"next": 0.5}, {"next": 0.5}]
    assert seen == [["a"], ["a", "b"]]


def test_a_callback_error_reaches_the_student_code_as_a_builtin_exception(make) -> None:
    submission = make(
        "def run(model):\n"
        "    try:\n"
        "        model('not a list')\n"
        "    except TypeError as error:\n"
        "        return str(error)\n"
    )

    def model(context: list[str]) -> dict[str, float]:
        raise TypeError("the context must be a list of tokens")

    assert submission.run(model) == "the context must be a list of tokens"


def test_output_is_captured_per_take_and_capped(make) -> None:
    submission = make("def talk(n):\n    print('x' * n)\n    return n\n")
    submission.talk(3)
    assert sandbox_of(submission).take_output() == "xxx\n"
    assert sandbox_of(submission).take_output() == ""
    submission.talk(5000)
    output = sandbox_of(submission).take_output()
    assert output.startswith("x" * 1024)
    assert "[output truncated: 3,977 more bytes not shown]" in output


@pytest.mark.parametrize(
    "encoded",
    [
        "\ufeffdef f():\n    return 'é'\n".encode(),
        "def f():\r\n    return 'é'\r\n".encode(),
        "def f():\n    return 'é'\n".encode("utf-16"),
        "def f():\n    return 'é'\n".encode("cp1252"),
    ],
    ids=["bom", "crlf", "utf16", "cp1252"],
)
def test_files_saved_by_any_editor_load_and_stay_untouched(make, tmp_path: Path,
                                                           encoded: bytes) -> None:
    submission = make(encoded)
    path = tmp_path / "student" / "work.py"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert submission.f() == "é"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_student_process_sees_none_of_the_graders_environment(make, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    submission = make("import os\n\ndef env():\n    return sorted(os.environ)\n")
    assert "GITHUB_TOKEN" not in submission.env()


def test_stdin_is_never_the_terminal(make) -> None:
    submission = make("def ask():\n    return input('name? ')\n")
    with pytest.raises(EOFError):
        submission.ask()


def test_private_names_are_not_calls(make) -> None:
    submission = make("def _helper():\n    return 1\n")
    with pytest.raises(AttributeError):
        submission._helper()


# --- the day's data, and the student's own paths -------------------------------------------

READ_BESIDE = (
    "from pathlib import Path\n"
    "HERE = Path(__file__).resolve().parent\n"
    "def read(name):\n"
    "    return (HERE / 'data' / name).read_text()\n"
    "def write(name):\n"
    "    (HERE / 'data' / name).write_text('changed')\n"
)


def test_the_days_data_is_beside_the_students_file_read_only(make, tmp_path: Path) -> None:
    data = tmp_path / "course" / "data"
    (data / "tables").mkdir(parents=True)
    (data / "rows.csv").write_text("a,b\n1,2\n")
    (data / "tables" / "more.csv").write_text("c\n3\n")
    submission = make(READ_BESIDE, data=data)
    assert submission.read("rows.csv") == "a,b\n1,2\n"
    assert submission.read("tables/more.csv") == "c\n3\n"
    with pytest.raises(OSError):
        submission.write("rows.csv")
    with pytest.raises(OSError):
        submission.write("new.csv")
    assert (data / "rows.csv").read_text() == "a,b\n1,2\n"
    assert not (data / "new.csv").exists()


def test_messages_name_the_students_own_folder_not_the_sandboxs(make) -> None:
    submission = make(READ_BESIDE + "def where():\n    print(HERE / 'data')\n")
    with pytest.raises(FileNotFoundError) as caught:
        submission.read("models.csv")
    message = caught.value.student_message + caught.value.student_traceback
    assert "exercises/dayXX/data/models.csv" in message, message
    assert "/sandbox" not in message and "box0" not in message, message
    submission.where()
    assert sandbox_of(submission).take_output() == "exercises/dayXX/data\n"


def test_a_file_that_cannot_load_for_want_of_data_names_the_students_path(make) -> None:
    submission = make("from pathlib import Path\n"
                      "open(Path(__file__).resolve().parent / 'data' / 'models.csv')\n")
    with pytest.raises(LoadFailure) as caught:
        submission.anything()
    assert "exercises/dayXX/data/models.csv" in caught.value.failure.summary
    assert "/sandbox" not in caught.value.failure.summary


# --- deep recursion --------------------------------------------------------------------------


def _worker_module():
    spec = importlib.util.spec_from_file_location("_test_worker", WORKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_deep_recursion_is_described_without_reading_every_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Describing a RecursionError a million calls deep took longer than the call's time
    limit, so deep recursion read as an endless loop."""
    worker = _worker_module()
    path = tmp_path / "deep.py"
    source = "def down(n):\n    return down(n + 1) + 1\n"
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        try:
            namespace["down"](0)
        except RecursionError as caught:
            error = caught
    finally:
        sys.setrecursionlimit(limit)
    made = []

    class Counted(traceback.FrameSummary):
        def __init__(self, *args, **kwargs) -> None:
            made.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(traceback, "FrameSummary", Counted)
    described = worker.describe_exception(error, str(path))
    assert described["type"] == "RecursionError"
    assert "more calls like these" in described["traceback"]
    assert described["traceback"].count("in down") == 6
    assert len(made) < 50


def test_a_timeout_after_raising_the_recursion_limit_says_it_may_be_deep_recursion(
    make,
) -> None:
    submission = make("import sys\nsys.setrecursionlimit(10**6)\n\n"
                      "def spin():\n    while True:\n        pass\n")
    with pytest.raises(SandboxTimeout) as caught:
        submission.spin()
    assert "recursion" in caught.value.failure.summary
