"""The grader's side of the sandbox: a student process per exercise, and calls into it.

Checks never import student code. They call `submission.some_function(...)`; the call is sent to
a separate process that loaded the student's file, and only plain data comes back. A student's
exception comes back as an exception of the same built-in type (so `pytest.raises(ValueError)`
works) carrying the student's own traceback. A hang, a crash or an exit stops the check with a
`SandboxStop`, which is a BaseException so that hypothesis does not retry the input.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import json
import math
import os
import re
import reprlib
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue
from typing import IO, Any, NoReturn

from grader.limits import ResolvedLimits
from grader.results import Failure, FailureKind
from grader.sandbox import wire
from grader.student_files import StudentFileError, read_student_text

WORKER = Path(__file__).with_name("worker.py")
DATA_FOLDER = "data"  # the day's data, beside the student's file as in exercises/<day>/
MAX_MESSAGE_BYTES = 16 << 20
EXIT_BROKEN = 70  # the worker's status when the student's code broke it (see worker.py)
OUTPUT_FILE_BYTES = 16 << 20
POSIX = os.name == "posix"
# no user site-packages, no script folder on sys.path (-P; the worker drops it itself on 3.10),
# UTF-8 everywhere, unbuffered output; not -I, which would ignore PYTHONHASHSEED below
PYTHON_FLAGS = ("-s", "-X", "utf8", "-u", *(("-P",) if sys.version_info >= (3, 11) else ()))

# Environment of the student's process: nothing of the grader's (tokens, paths) leaks in.
_KEPT_ENV = ("PATH", "SYSTEMROOT", "LANG")
_FIXED_ENV = {
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NO_COLOR": "1",
}


# --- what a call can end with --------------------------------------------------------------


class SandboxStop(BaseException):
    """The student's process could not answer: it hung, crashed, exited or failed to load.

    A BaseException, so that hypothesis stops at once instead of shrinking through more hangs.
    """

    kind = FailureKind.CRASH

    def __init__(self, summary: str, *, call: str | None = None, detail: str | None = None,
                 traceback: str | None = None) -> None:
        super().__init__(summary)
        self.failure = Failure(self.kind, summary, call=call, detail=detail,
                               traceback=traceback)


class SandboxTimeout(SandboxStop):
    kind = FailureKind.TIMEOUT


class SandboxCrash(SandboxStop):
    kind = FailureKind.CRASH


class LoadFailure(SandboxStop):
    kind = FailureKind.LOAD_ERROR


class SandboxLimit(SandboxStop):
    """The student's code ran into one of the sandbox's limits (output, memory, processes).

    Said plainly, as the limit it is: a BaseException, so that a check expecting an exception
    cannot take it for the student's answer, and so that the call is never re-run to look for
    state kept between calls (run alone, it would stay under the limit).
    """

    kind = FailureKind.STUDENT_EXCEPTION


class SandboxSetupError(SandboxStop):
    """The grader could not set up the student's process: a grader error, not the student's."""

    kind = FailureKind.GRADER_ERROR


class StudentException(Exception):
    """An exception raised by the student's code, re-raised on the grader's side.

    Instances are also instances of the matching built-in exception (ValueError, ...).
    """

    def __init__(self, record: dict[str, Any], call: str | None) -> None:
        BaseException.__init__(self, str(record.get("message", "")))
        self.type_name = str(record.get("type", "Exception"))
        self.bases = [str(b) for b in record.get("bases", [])]
        self.student_message = str(record.get("message", ""))
        self.student_traceback = str(record.get("traceback", ""))
        self.line = record.get("line") if type(record.get("line")) is int else None
        self.output_limit = record.get("output_limit") is True
        self.call = call

    def __str__(self) -> str:
        return f"{self.type_name}: {self.student_message}" if self.student_message else \
            self.type_name

    @property
    def is_exit(self) -> bool:
        return any(b in ("SystemExit", "KeyboardInterrupt", "GeneratorExit") for b in self.bases)

    @property
    def is_not_implemented(self) -> bool:
        return "NotImplementedError" in self.bases


class MissingFunction(StudentException, AttributeError):
    """The student's file has no function of the name a check called."""

    def __init__(self, function: str, call: str | None) -> None:
        super().__init__({"type": "MissingFunction", "message": function}, call)
        self.function = function


class BadReturn(StudentException, TypeError):
    """The student's function returned something that is not plain data."""

    def __init__(self, type_name: str, where: str, reason: str, call: str | None) -> None:
        article = "an" if type_name[:1].lower() in "aeiou" else "a"
        message = reason or (
            f"returned {article} {type_name}{' at ' + where if where else ''}; return plain data "
            "(None, bool, int, float, str, list, tuple or dict)"
        )
        super().__init__({"type": "BadReturn", "message": message}, call)


_ANSWERS = ("return", "raise", "missing", "bad_return")

# Built-in exceptions a student's exception is re-raised as (the first in its MRO that is here).
_MAPPABLE = (
    "NotImplementedError", "RecursionError", "ZeroDivisionError", "OverflowError",
    "FloatingPointError", "ArithmeticError", "KeyError", "IndexError", "LookupError",
    "ValueError", "TypeError", "AttributeError", "NameError", "AssertionError", "MemoryError",
    "FileNotFoundError", "OSError", "ImportError", "EOFError", "RuntimeError",
)
_exception_classes: dict[str, type[StudentException]] = {}


def student_exception(record: dict[str, Any], call: str | None) -> StudentException:
    """The grader-side exception for a student exception record."""
    bases = [str(b) for b in record.get("bases", [])] or ["Exception"]
    record = dict(record, bases=bases)
    for name in bases:
        if name in _MAPPABLE:
            cls = _exception_classes.get(name)
            if cls is None:
                builtin = getattr(builtins, name)
                cls = type(name, (StudentException, builtin), {"__module__": "student"})
                _exception_classes[name] = cls
            return cls(record, call)
    return StudentException(record, call)


# --- describing calls ----------------------------------------------------------------------

class _ShortRepr(reprlib.Repr):
    """reprlib's shortening, but dicts keep their order (reprlib sorts their keys)."""

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
                 for k, v in list(x.items())[: self.maxdict]]
        if len(x) > self.maxdict:
            items.append("...")
        return "{" + ", ".join(items) + "}"


_repr = _ShortRepr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 8
_repr.maxlevel = 3


def short_repr(value: Any) -> str:
    """A value as students would write it, shortened for a one-line message."""
    if callable(value) and not isinstance(value, type):
        return getattr(value, "__name__", "function")
    return _repr.repr(value)


class Call:
    """One call of a student's function; its text is made only when a message needs it."""

    __slots__ = ("_text", "args", "function", "kwargs")

    def __init__(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            parts = [short_repr(a) for a in self.args]
            parts += [f"{k}={short_repr(v)}" for k, v in self.kwargs.items()]
            self._text = f"{self.function}({', '.join(parts)})"
        return self._text


# Values recently returned by the student's code, so that a check helper comparing one of them can
# say which call produced it. Cleared at the start of every check.
recent_returns: collections.deque[tuple[Any, Call]] = collections.deque(maxlen=128)


def call_that_returned(value: Any) -> str | None:
    """The call that returned `value` (the very object, or a part of what it returned) during
    the current check, if any."""
    for returned, call in reversed(recent_returns):
        if _contains(returned, value, budget=[1000]):
            return str(call)
    return None


def _contains(container: Any, value: Any, budget: list[int]) -> bool:
    if container is value:
        return True
    budget[0] -= 1
    if budget[0] <= 0:
        return False
    if type(container) in (list, tuple):
        return any(_contains(item, value, budget) for item in container)
    if type(container) is dict:
        return any(_contains(item, value, budget) for item in container.values())
    return False


# --- the process ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxConfig:
    """What a sandbox needs to load one student file."""

    exercise_id: str
    source_path: Path  # the student's file, never written to
    display_path: str  # the file as the student knows it
    workdir: Path  # a private folder for this sandbox
    limits: ResolvedLimits
    hide: tuple[str, ...] = ()  # folders the student's process must not see, where possible
    data_dir: Path | None = None  # the day's data/, put read-only beside the student's file


class _Reader:
    """Framed messages from the student's process, with a deadline on every read."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self.fd = pipe.fileno()
        self.buffer = bytearray()
        self.queue: Queue[bytes] | None = None
        if not POSIX:  # select() cannot wait on pipes on Windows: read in a thread instead
            self.queue = Queue()
            threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.queue is not None
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                chunk = b""
            self.queue.put(chunk)
            if not chunk:
                return

    def _fill(self, deadline: float) -> bool:
        """Read more bytes; False at end of file. Raises TimeoutError past the deadline."""
        remaining = max(0.0, deadline - time.monotonic())  # past it, still take what is there
        if self.queue is not None:
            try:
                chunk = self.queue.get(timeout=remaining)
            except Empty:
                raise TimeoutError from None
        else:
            import select

            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The next message, None at end of file; TimeoutError or wire.ProtocolError."""
        size = wire.HEADER.size
        while len(self.buffer) < size:
            if not self._fill(deadline):
                return None
        (length,) = wire.HEADER.unpack(self.buffer[:size])
        if length > MAX_MESSAGE_BYTES:
            raise wire.ProtocolError(f"a message of {length:,} bytes is over the limit")
        while len(self.buffer) < size + length:
            if not self._fill(deadline):
                return None
        payload = bytes(self.buffer[size:size + length])
        del self.buffer[:size + length]
        return wire.unpack(payload)


class Sandbox:
    """One student file loaded in its own process, answering calls with plain data."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.limits = config.limits
        self.process: subprocess.Popen[bytes] | None = None
        self.reader: _Reader | None = None
        self.ready = False
        self.started_at = 0.0
        self.load_failure: SandboxStop | None = None
        self.exercise_deadline: float | None = None
        self.restarts = 0
        self.encoding_note: str | None = None
        self._next_id = 0
        # the student's stdout and stderr, for the sandbox's whole life; closed in close()
        self._output = tempfile.TemporaryFile(mode="a+b", buffering=0)  # noqa: SIM115
        self.confinement: list[str] = []
        self.calls_in_process = 0  # calls the current process has answered (state may build)
        self.last: tuple[Call, tuple[str, Any]] | None = None  # the last call and its outcome
        # as root, the student's code runs under a user id of its own (see confine.py), in a
        # control group of its own that bounds and ends its processes
        self.root = POSIX and os.geteuid() == 0
        self.uid = 100_000 + secrets.randbelow(1 << 30) if self.root else None
        self.cgroup: str | None = None  # a new one for every process started
        self._old_groups: list[str] = []
        self.raises_recursion_limit = False
        self.data: str | None = None  # the data folder's name in the working folder, if any
        self.cwd: str | None = None  # the working folder as the student's code sees it
        self._source = self._private_copy()

    def _private_copy(self) -> Path | None:
        """Copy the student's file into the private folder, as UTF-8 with plain newlines."""
        self.config.workdir.mkdir(parents=True, exist_ok=True)
        try:
            text, self.encoding_note = read_student_text(
                self.config.source_path, self.config.display_path
            )
        except StudentFileError as error:
            kind = FailureKind.MISSING_FILE if error.missing else FailureKind.UNREADABLE_FILE
            self.load_failure = LoadFailure(str(error))
            self.load_failure.failure = Failure(kind, str(error))
            return None
        copy = self.config.workdir / Path(self.config.display_path).name
        copy.write_text(text, encoding="utf-8")
        # deep recursion is slow: with the limit raised, a timeout is likely that, not a loop
        self.raises_recursion_limit = "setrecursionlimit" in text
        self._copy_data()
        return copy

    def _copy_data(self) -> None:
        """The day's data folder beside the copy, as in the course (`data/` next to the
        student's file), so that code reading it runs as it does on the student's machine. Its
        files are read-only; where the system allows it the worker also mounts it read-only
        (see confine.py)."""
        source = self.config.data_dir
        if source is None or not source.is_dir():
            return
        target = self.config.workdir / DATA_FOLDER
        shutil.copytree(source, target, dirs_exist_ok=True)
        for folder, _folders, files in os.walk(target):
            for name in files:
                os.chmod(os.path.join(folder, name), 0o444)
        self.data = DATA_FOLDER

    # -- lifecycle --

    def start(self) -> None:
        """Start the student's process; it loads the file while the caller does other work."""
        if self.load_failure is not None or self._source is None:
            return
        if self.root:
            self.cgroup = _make_pids_group(self.limits.processes + 2)
        config = {
            "source_path": str(self._source),
            "display_path": self.config.display_path,
            "module_name": self.config.exercise_id,
            "workdir": str(self.config.workdir),
            "memory_bytes": self.limits.memory_mb << 20,
            "output_file_bytes": OUTPUT_FILE_BYTES,
            "max_message_bytes": MAX_MESSAGE_BYTES,
            "cpu_seconds": math.ceil(self.limits.load_timeout + self.limits.exercise_timeout) + 5,
            "processes": self.limits.processes,
            "hide": list(self.config.hide),
            "uid": self.uid,
            "cgroup": self.cgroup,
            "data": self.data,
        }
        env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ} | _FIXED_ENV
        for name in ("HOME", "TMPDIR", "TEMP", "TMP"):  # the only folder it may write in
            env[name] = str(self.config.workdir)
        self.process = subprocess.Popen(
            [sys.executable, *PYTHON_FLAGS, str(WORKER), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._output,
            cwd=self.config.workdir,
            env=env,
            bufsize=0,
            start_new_session=POSIX,
        )
        assert self.process.stdout is not None
        self.reader = _Reader(self.process.stdout)
        self.ready = False
        self.calls_in_process = 0
        self.started_at = time.monotonic()

    def _ensure_ready(self) -> None:
        if self.load_failure is not None:
            raise self.load_failure
        # a process that ended before it was ready still has its last words in the pipe (a
        # load error, say): read them below rather than load the file a second time
        if self.process is None or (self.ready and self.process.poll() is not None):
            if self.process is not None:
                self.restarts += 1
            self.kill()
            self.start()
        if self.ready:
            return
        shown = self.config.display_path
        assert self.reader is not None
        try:
            message = self.reader.receive(self.started_at + self.limits.load_timeout)
        except TimeoutError:
            self.kill()
            self._fail_load(
                f"{shown} did not finish loading within {self.limits.load_timeout:g}s: is there "
                "an endless loop, a long computation or an input() call at the top level of the "
                "file?", FailureKind.TIMEOUT)
        except wire.ProtocolError as problem:
            self.kill()
            self._fail_load(f"{shown} interfered with the grader while loading ({problem})")
        if message is None:
            self._fail_load(f"{shown} {self._death_reason()} while loading, so none of its "
                            "functions could be checked")
        if isinstance(message.get("cwd"), str):  # what the student's code printed names it
            self.cwd = message["cwd"]
        if message["op"] == "setup_error":
            self.kill()
            error = SandboxSetupError(
                f"the grader could not start a process for {shown}",
                detail=str(message.get("message", ""))[-3000:],
            )
            self.load_failure = error
            raise error
        if message["op"] == "load_error":
            exception = student_exception(message.get("error") or {}, None)
            self.kill()
            self._fail_load(f"{shown} {_load_problem(exception, self.limits)}, so none of its "
                            "functions could be checked", traceback=exception.student_traceback)
        if message["op"] != "ready":
            self.kill()
            self._fail_load(f"{shown} interfered with the grader while loading")
        confinement = message.get("confinement")
        if isinstance(confinement, list):
            self.confinement = [str(item) for item in confinement]
        self.ready = True

    def _fail_load(self, summary: str, kind: FailureKind = FailureKind.LOAD_ERROR,
                   traceback: str | None = None) -> NoReturn:
        failure = LoadFailure(summary, traceback=traceback)
        failure.failure = Failure(kind, summary, traceback=traceback)
        self.load_failure = failure
        raise failure

    def kill(self) -> None:
        """Stop the student's process and everything it started, at once."""
        process, self.process = self.process, None
        self.ready = False
        if process is None:
            return
        if process.poll() is None:
            try:
                if POSIX:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
            except (ProcessLookupError, PermissionError):
                pass
        elif POSIX:  # the process ended by itself; its children may still be running
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()
        self._end_processes_of_uid()
        if self.cgroup is not None:
            _end_processes_in_group(self.cgroup)
            self._old_groups.append(self.cgroup)  # removed once its processes are reaped
            self.cgroup = None

    def _end_processes_of_uid(self) -> None:
        """Root only: end every process under the sandbox's user id, even those that left its
        process group (a daemon the student's code started, say)."""
        if self.uid is None or "own user id" not in self.confinement:
            return
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [sys.executable, "-I", "-S", "-c",
                 "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n"
                 "    pass"],
                user=self.uid, group=self.uid, extra_groups=[], timeout=10,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )

    def close(self) -> None:
        self.kill()
        self._output.close()
        for group in self._old_groups:
            _remove_group(group)

    def _death_reason(self) -> str:
        process = self.process
        code = None
        if process is not None:
            try:
                code = process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
        return describe_exit(code, self.limits)

    # -- calls --

    def call(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Call the student's `function` with plain-data arguments; return its plain result."""
        call = Call(function, args, kwargs)
        self._ensure_ready()
        callbacks: list[Callable[..., Any]] = []

        def register(callback: Callable[..., Any]) -> int:
            callbacks.append(callback)
            return len(callbacks) - 1

        self._next_id += 1
        self.calls_in_process += 1
        call_id = self._next_id
        message = {
            "op": "call",
            "id": call_id,
            "function": function,
            "args": wire.encode(list(args), register_callable=register),
            "kwargs": wire.encode(kwargs, register_callable=register),
        }
        reply = self._exchange(message, call, callbacks)
        op = reply["op"]
        if op == "return":
            value = wire.decode(reply["value"])
            recent_returns.append((value, call))
            self.last = (call, ("return", value))
            return value
        if op == "raise":
            record = reply.get("error") or {}
            error = student_exception(record, str(call))
            limit = record.get("limit")
            if limit in ("output", "memory", "processes"):
                self.last = (call, ("limit", limit))
                raise SandboxLimit(
                    limit_summary(str(call), str(limit), self.limits), call=str(call),
                    traceback=error.student_traceback if limit == "memory" else None,
                ) from None
            self.last = (call, ("raise", error.type_name))
            raise error
        if op == "missing":
            raise MissingFunction(function, str(call))
        raise BadReturn(str(reply.get("type")), str(reply.get("where", "")),
                        str(reply.get("reason", "")), str(call))

    def _exchange(self, message: dict[str, Any], call: Call,
                  callbacks: list[Callable[..., Any]]) -> dict[str, Any]:
        """Send a call and wait for its answer (answering call-backs meanwhile); a hang, a
        crash or a garbled answer ends the student's process and raises a SandboxStop."""
        deadline = time.monotonic() + self.limits.call_timeout
        exercise_limit = self.exercise_deadline is not None and self.exercise_deadline < deadline
        if self.exercise_deadline is not None and exercise_limit:
            deadline = self.exercise_deadline
        try:
            self._send(message)
            while True:
                assert self.reader is not None
                reply = self.reader.receive(deadline)
                if reply is None:
                    reason = self._death_reason()
                    self.kill()
                    raise SandboxCrash(f"your code {reason} during {call}", call=str(call))
                if reply["op"] == "callback":
                    self._answer_callback(reply, callbacks)
                    continue
                if reply.get("id") != message["id"] or reply["op"] not in _ANSWERS:
                    raise wire.ProtocolError(f"an unexpected message ({reply['op']!r})")
                return reply
        except TimeoutError:
            self.kill()
            if exercise_limit:
                raise SandboxTimeout(
                    f"{call} was still running when the exercise's time limit "
                    f"({self.limits.exercise_timeout:g}s in all) ran out", call=str(call)
                ) from None
            if self.raises_recursion_limit:
                raise SandboxTimeout(
                    f"{call} did not finish within {self.limits.call_timeout:g}s. Your file "
                    "raises the recursion limit (sys.setrecursionlimit): very deep recursion is "
                    "slow, and the likely cause; otherwise an endless loop, or a computation "
                    "far slower than needed?", call=str(call)
                ) from None
            raise SandboxTimeout(
                f"{call} did not finish within {self.limits.call_timeout:g}s: "
                "an endless loop, or a computation far slower than needed?", call=str(call)
            ) from None
        except (wire.ProtocolError, OSError) as error:
            self.kill()
            raise SandboxCrash(
                f"your code interfered with the grader during {call}", call=str(call),
                detail=str(error)
            ) from None

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process is not None and self.process.stdin is not None
        data = wire.pack(message)
        self.process.stdin.write(data)

    def _answer_callback(self, reply: dict[str, Any], callbacks: list[Callable[..., Any]]) -> None:
        number = reply.get("callback")
        if type(number) is not int or not 0 <= number < len(callbacks):
            raise wire.ProtocolError("a call back to a function that was not passed")
        args = wire.decode(reply.get("args", []))
        kwargs = wire.decode(reply.get("kwargs", {"d": []}))
        if type(args) is not list or type(kwargs) is not dict:
            raise wire.ProtocolError("malformed call back")
        try:
            result = callbacks[number](*args, **kwargs)
            answer = {"op": "callback_return", "value": wire.encode(result)}
        except Exception as error:  # the check's function rejected what the student passed
            answer = {"op": "callback_raise", "type": type(error).__name__,
                      "message": str(error)[:500]}
        self._send(answer)

    # -- output --

    def discard_output(self) -> None:
        """Forget what the student's code printed so far."""
        self._output.truncate(0)
        self._output.seek(0)

    def take_output(self) -> str:
        """What the student's code printed since the last take, cut to the output limit."""
        limit = self.limits.output_kb << 10
        handle = self._output
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return ""
        handle.seek(0)
        data = handle.read(min(size, limit))
        handle.truncate(0)
        handle.seek(0)
        text = own_paths(data.decode("utf-8", errors="replace"), self.cwd,
                         self.config.display_path)
        if size > limit:
            text += f"\n[output truncated: {size - limit:,} more bytes not shown]"
        return text


def own_paths(text: str, workdir: str | None, display_path: str) -> str:
    """`text` with the sandbox's working folder (`/sandbox`, say) shown as the folder of the
    student's own file, where the student's code would find the same files."""
    if not workdir or workdir == "/" or workdir not in text:
        return text
    folder = os.path.dirname(display_path) or "."
    return re.sub(re.escape(workdir.rstrip("/")) + r"(?![\w.-])", lambda _: folder, text)


_PIDS_HIERARCHIES = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")


def _make_pids_group(limit: int) -> str | None:
    """Root on Linux: a `pids` control group allowing `limit` tasks, or None where the system
    offers none (no cgroup file system, or a read-only one in a container)."""
    if not sys.platform.startswith("linux"):
        return None
    for hierarchy in _PIDS_HIERARCHIES:
        path = os.path.join(hierarchy, f"grade-{secrets.token_hex(6)}")
        try:
            os.mkdir(path)
        except OSError:
            continue
        try:
            with open(os.path.join(path, "pids.max"), "w") as handle:
                handle.write(str(limit))
            return path
        except OSError:
            _remove_group(path)
    return None


def _end_processes_in_group(path: str | None) -> None:
    """Kill every process still in the control group, wherever it has moved in the tree."""
    if path is None:
        return
    for _ in range(50):
        try:
            with open(os.path.join(path, "cgroup.procs")) as handle:
                pids = [int(line) for line in handle if line.strip()]
        except (OSError, ValueError):
            return
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _remove_group(path: str | None) -> None:
    if path is None:
        return
    _end_processes_in_group(path)
    for _ in range(50):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)


def limit_summary(call: str, limit: str, limits: ResolvedLimits) -> str:
    """What a call that ran into one of the sandbox's limits is told."""
    if limit == "output":
        return (f"{call} printed more than {OUTPUT_FILE_BYTES >> 20} MiB of output and was "
                "stopped: is a print inside a loop?")
    if limit == "memory":
        return (f"{call} ran out of memory (the limit is {limits.memory_mb} MiB): is it "
                "building something far larger than needed?")
    return (f"{call} could not start another process or thread: the limit is "
            f"{limits.processes} at a time. Does it start them in a loop, or leave them "
            "running after it returns?")


def _load_problem(error: StudentException, limits: ResolvedLimits) -> str:
    """What went wrong loading a file, as the end of a sentence starting with its name."""
    if error.is_exit:
        if "SystemExit" in error.bases:
            return "called exit() while loading"
        return f"raised {error.type_name} while loading"
    if "MemoryError" in error.bases:
        return f"ran out of memory while loading (the limit is {limits.memory_mb} MiB)"
    if error.output_limit:
        return f"printed more than {OUTPUT_FILE_BYTES >> 20} MiB of output while loading"
    return f"could not be loaded: {error}"


def describe_exit(code: int | None, limits: ResolvedLimits) -> str:
    """How the student's process ended, as the end of a sentence starting 'your code'."""
    if code is None:
        return "stopped answering"
    if code == EXIT_BROKEN:
        return ("broke the process the grader talks to it through (did it replace builtins or "
                "parts of standard modules?)")
    if code >= 0:
        return (f"ended the Python process (exit status {code}; os._exit() or a crash in a "
                "C extension?)")
    number = -code
    names = {
        getattr(signal, "SIGSEGV", None): "crashed the Python interpreter (segmentation fault: "
        "very deep recursion after raising the recursion limit?)",
        getattr(signal, "SIGXFSZ", None): f"printed more than {OUTPUT_FILE_BYTES >> 20} MiB of "
        "output and was stopped",
        getattr(signal, "SIGKILL", None): "was killed (it may have run out of memory: the limit "
        f"is {limits.memory_mb} MiB)",
        getattr(signal, "SIGABRT", None): "aborted the Python interpreter (out of memory? the "
        f"limit is {limits.memory_mb} MiB)",
        getattr(signal, "SIGXCPU", None): "used too much processor time and was stopped",
    }
    if number in names:
        return str(names[number])
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    return f"was stopped by {name}"


class Submission:
    """What checks receive as `submission`: `submission.f(x)` calls the student's `f`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):  # private names and tool hooks (_repr_pretty_) are not calls
            raise AttributeError(name)
        sandbox = self._sandbox

        def student_function(*args: Any, **kwargs: Any) -> Any:
            return sandbox.call(name, args, kwargs)

        student_function.__name__ = name
        return student_function

    def __repr__(self) -> str:
        return f"<submission {self._sandbox.config.display_path}>"
