"""The student's side of the sandbox: loads one student file and answers calls into it.

Run as a script by path (`python -s -X utf8 -u worker.py CONFIG_JSON`, with `-P` where Python
has it), never imported by the grader. It uses the standard library only and loads `wire.py`
and `confine.py` beside it by path, so nothing the student's folder holds can stand in for a
module it needs. The protocol runs over the pipes the grader gave as stdin and stdout; they are
moved out of the way before the student's code runs, so that stdin reads end-of-file and
stdout/stderr go to the grader's capture file.

The student's code may replace builtins or attributes of standard modules; the worker keeps
private references to what it uses, taken before that code runs. If it is broken all the same,
the worker ends quietly with EXIT_BROKEN, which the grader words for the student. Nothing this
process says is trusted: it only answers with plain data, and every verdict is decided on the
grader's side.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import linecache
import os
import random
import re
import sys
import traceback
import types
from builtins import (  # noqa: UP029 - private references (see the docstring)
    AttributeError,
    BaseException,
    EOFError,
    Exception,
    MemoryError,
    OSError,
    RecursionError,
    RuntimeError,
    TypeError,
    ValueError,
    callable,
    compile,
    dict,
    exec,
    getattr,
    isinstance,
    issubclass,
    len,
    list,
    memoryview,
    str,
    type,
)
from pathlib import Path
from typing import Any

EXIT_BROKEN = 70  # the student's code broke the worker itself (replaced builtins, say)
MAX_TEXT = 4000  # characters of an exception message or traceback sent back
MAX_FRAMES = 12
_builtins = vars(importlib.import_module("builtins"))
_read = os.read
_write = os.write
_exit = os._exit


def _load_sibling(name: str) -> types.ModuleType:
    """A module beside this file, loaded by path: nothing on sys.path can stand in for it."""
    spec = importlib.util.spec_from_file_location(f"_grader_{name}",
                                                  Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load_sibling("wire")
confine = _load_sibling("confine")
_encode = wire.encode
_decode = wire.decode
_pack = wire.pack
_unpack = wire.unpack
_header_size = wire.HEADER.size
_unpack_header = wire.HEADER.unpack
_NotPlainData = wire.NotPlainData


class Channel:
    """Framed messages over two file descriptors, blocking."""

    def __init__(self, read_fd: int, write_fd: int, max_bytes: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.max_bytes = max_bytes

    def send(self, message: dict[str, Any]) -> None:
        data = _pack(message)
        if len(data) - _header_size > self.max_bytes:
            raise _NotPlainData(
                "value", "", f"returned a value too large to send back ({len(data):,} bytes; "
                f"the limit is {self.max_bytes:,})"
            )
        view = memoryview(data)
        while view:
            written = _write(self.write_fd, view)
            view = view[written:]

    def receive(self) -> dict[str, Any]:
        (length,) = _unpack_header(self._read_exactly(_header_size))
        message: dict[str, Any] = _unpack(self._read_exactly(length))
        return message

    def _read_exactly(self, count: int) -> bytes:
        chunks = []
        while count:
            chunk = _read(self.read_fd, min(count, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            count -= len(chunk)
        return b"".join(chunks)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 20] + "\n... (cut short)"


def _student_frames(tb: types.TracebackType | None,
                    student_file: str) -> tuple[int, list[types.TracebackType]]:
    """How many frames of the traceback are the student's, and those worth showing: all of
    them, or the first and last three. Walking the chain is cheap; formatting every frame of
    a recursion a million calls deep took longer than a call may take."""
    count = 0
    first: list[types.TracebackType] = []
    last: list[types.TracebackType] = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == student_file:
            count += 1
            if len(first) < MAX_FRAMES:
                first.append(tb)
            last.append(tb)
            if len(last) > 3:
                del last[0]
        tb = tb.tb_next
    return count, (first if count <= MAX_FRAMES else first[:3] + last)


def _limit(error: BaseException) -> str | None:
    """Which of the sandbox's limits `error` comes from, if any: what a call ran into, not a
    mistake of its own (and not something a second call on its own would answer alike)."""
    if isinstance(error, MemoryError):
        return "memory"
    if isinstance(error, OSError):
        if error.errno == errno.EFBIG:  # Python ignores SIGXFSZ: the write fails instead
            return "output"
        if error.errno == errno.EAGAIN:  # fork, spawn: no more processes allowed
            return "processes"
    if isinstance(error, RuntimeError) and "can't start new thread" in str(error):
        return "processes"
    return None


def describe_exception(error: BaseException, student_file: str,
                       own_paths: Any = None) -> dict[str, Any]:
    """An exception as plain data, with a traceback of the student's own frames only; its
    text passes through `own_paths`, which shows the sandbox's paths as the student's own."""
    names = [c.__name__ for c in type(error).__mro__ if c is not object]
    count, chosen = _student_frames(error.__traceback__, student_file)
    frames = [traceback.extract_tb(tb, limit=1)[0] for tb in chosen]
    lines = []
    if frames:
        lines.append("Traceback (your code, most recent call last):\n")
        if count > MAX_FRAMES:
            lines.extend(traceback.format_list(frames[:3]))
            lines.append(f"  ... {count - 6} more calls like these ...\n")
            frames = frames[3:]
        lines.extend(traceback.format_list(frames))
    try:
        lines.extend(traceback.format_exception_only(type(error), error))
        message = str(error)
    except Exception:  # a student exception whose __str__ fails
        lines.append(f"{type(error).__name__}: (message could not be shown)\n")
        message = ""
    text = "".join(lines)
    if own_paths is not None:
        message, text = own_paths(message), own_paths(text)
    limit = _limit(error)
    return {
        "type": type(error).__name__,
        "bases": names,
        "message": _shorten(message),
        "traceback": _shorten(text),
        "line": frames[-1].lineno if frames else None,
        "output_limit": limit == "output",
        "limit": limit,
    }


def _too_large(error: BaseException) -> str:
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        return "returned an integer too large to send back (more than 4,300 digits)"
    if isinstance(error, MemoryError):
        return "returned a value too large to send back (it ran out of memory doing so)"
    reason = getattr(error, "reason", "")
    return reason or f"returned a value that cannot be sent back ({error})"


class Worker:
    """Loads the student's module, then serves calls until the grader says stop."""

    def __init__(self, config: dict[str, Any], channel: Channel) -> None:
        self.config = config
        self.channel = channel
        self.display_path: str = config["display_path"]
        self.module: types.ModuleType | None = None
        self.callbacks_live = False
        # the working folder (/sandbox, say), shown in messages as the student's own folder
        self.cwd = os.getcwd()
        folder = os.path.dirname(self.display_path) or "."
        pattern = re.compile(re.escape(self.cwd.rstrip("/")) + r"(?![\w.-])")
        self.own_paths = (lambda text: pattern.sub(lambda _: folder, text)) \
            if self.cwd not in ("/", "") else None

    def describe(self, error: BaseException) -> dict[str, Any]:
        return describe_exception(error, self.display_path, self.own_paths)

    def load(self, source: str) -> dict[str, Any]:
        module = types.ModuleType(self.config["module_name"])
        module.__file__ = os.path.basename(self.config["source_path"])  # in the working folder
        linecache.cache[self.display_path] = (
            len(source), None, source.splitlines(keepends=True), self.display_path
        )
        try:
            code = compile(source, self.display_path, "exec", dont_inherit=True)
            sys.modules[module.__name__] = module
            exec(code, module.__dict__)
        except BaseException as error:  # whatever the student raises is reported
            return {"op": "load_error", "error": self.describe(error)}
        self.module = module
        return {"op": "ready"}

    def serve(self) -> None:
        while True:
            try:
                message = self.channel.receive()
            except EOFError:
                return
            if message["op"] == "stop":
                return
            if message["op"] != "call":
                continue
            reply: dict[str, Any] | None = self.call(message)
            try:
                assert reply is not None
                self.channel.send(reply)
            except (_NotPlainData, ValueError, RecursionError, MemoryError) as error:
                reply = None  # let a huge value go before answering
                self.channel.send({"op": "bad_return", "id": message["id"], "type": "value",
                                   "where": "", "reason": _too_large(error)})

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        call_id = message["id"]
        name = message["function"]
        function = getattr(self.module, name, None)
        if not callable(function) or isinstance(function, type):
            return {"op": "missing", "id": call_id, "function": name}
        args = _decode(message["args"], self._callback)
        kwargs = _decode(message["kwargs"], self._callback)
        self.callbacks_live = True
        try:
            value = function(*args, **kwargs)
        except BaseException as error:  # exit requests included
            return {"op": "raise", "id": call_id, "error": self.describe(error)}
        finally:
            self.callbacks_live = False
            _flush()
        try:
            return {"op": "return", "id": call_id, "value": _encode(value, accept_numpy=True)}
        except _NotPlainData as error:
            return {"op": "bad_return", "id": call_id, "type": error.type_name,
                    "where": error.where, "reason": error.reason}
        except (RecursionError, MemoryError) as error:
            value = None
            return {"op": "bad_return", "id": call_id, "type": "value", "where": "",
                    "reason": _too_large(error)}

    def _callback(self, number: int) -> Any:
        worker = self

        def callback(*args: Any, **kwargs: Any) -> Any:
            if not worker.callbacks_live:
                raise RuntimeError("this function can only be called while the grader's call "
                                   "is running")
            try:
                payload = {"op": "callback", "callback": number,
                           "args": _encode(list(args), accept_numpy=True),
                           "kwargs": _encode(kwargs, accept_numpy=True)}
            except _NotPlainData as error:
                raise TypeError(f"only plain data (numbers, strings, lists, tuples, dicts) can "
                                f"be passed here, not {error.type_name}") from None
            worker.channel.send(payload)
            reply = worker.channel.receive()
            if reply["op"] == "callback_return":
                return _decode(reply["value"])
            error_type = _builtins.get(str(reply.get("type")))
            if not (isinstance(error_type, type) and issubclass(error_type, Exception)):
                error_type = RuntimeError
            raise error_type(reply.get("message", ""))

        callback.__name__ = callback.__qualname__ = "model"
        return callback


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - no contextlib here: the student's code may have patched it
            stream.flush()
        except BaseException:  # the student may have replaced or closed it
            pass


def _die_with_parent() -> None:
    """Linux: end this process when the process that started it ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            pr_set_pdeathsig = 1
            ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _continue_as_first_process(*protocol: int) -> None:
    """Fork into the new process-id namespace; this process only waits, then ends as its child
    did (same exit status, or the same signal), so the grader sees the child's fate. The child
    gets a session of its own: nothing it signals reaches this process."""
    import signal

    child = os.fork()
    if child == 0:
        os.setsid()
        return
    for fd in protocol:
        os.close(fd)  # only the child answers the grader now
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    _exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def main() -> None:
    config = json.loads(sys.argv[1])
    _die_with_parent()
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # Python 3.10 has no -P: this folder must not shadow student imports
    protocol_in = os.dup(0)
    protocol_out = os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # the student's stdout joins stderr in the grader's capture file
    channel = Channel(protocol_in, protocol_out, config["max_message_bytes"])
    applied: list[str] = []
    try:
        source = Path(config["source_path"]).read_text(encoding="utf-8")
        os.chdir(config["workdir"])  # before folders are hidden: the working folder stays open
        if confine.enter_namespaces(config, applied):
            _continue_as_first_process(protocol_in, protocol_out)
            _die_with_parent()
            confine.inside_new_pid_namespace(config, applied)
        confine.drop_privileges(config, applied)
        confine.apply_limits(config, applied)
    except BaseException:  # the grader's own failure, reported as such
        channel.send({"op": "setup_error", "message": traceback.format_exc()[-3000:]})
        _exit(1)
    sys.setrecursionlimit(config.get("recursion_limit", 3000))
    random.seed(0)  # the same "random" numbers on every grading
    worker = Worker(config, channel)
    status = worker.load(source)
    status["confinement"] = applied
    status["cwd"] = worker.cwd
    _flush()
    try:
        channel.send(status)
        if status["op"] == "ready":
            worker.serve()
    except BaseException:  # the student's code broke the worker: end quietly, the grader says so
        _exit(EXIT_BROKEN)
    _exit(0)  # skip the student's atexit handlers and lingering threads


if __name__ == "__main__":
    main()
