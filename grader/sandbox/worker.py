"""The student's side of the sandbox: loads one student file and answers calls into it.

Run as a script by path (`python -I -X utf8 -u worker.py CONFIG_JSON`), never imported by the
grader. It uses the standard library only and loads `wire.py` beside it by path, so nothing the
student's folder holds can stand in for a module it needs. The protocol runs over the pipes the
grader gave as stdin and stdout; they are moved out of the way before the student's code runs, so
that stdin reads end-of-file and stdout/stderr go to the grader's capture file.

Nothing this process says is trusted: it only answers with plain data, and every verdict is
decided on the grader's side.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import json
import linecache
import os
import sys
import traceback
import types
from pathlib import Path
from typing import Any


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

MAX_TEXT = 4000  # characters of an exception message or traceback sent back
MAX_FRAMES = 12
_EXIT_TYPES = (SystemExit, KeyboardInterrupt, GeneratorExit)


class Channel:
    """Framed messages over two file descriptors, blocking."""

    def __init__(self, read_fd: int, write_fd: int, max_bytes: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.max_bytes = max_bytes

    def send(self, message: dict[str, Any]) -> None:
        data = wire.pack(message)
        if len(data) - wire.HEADER.size > self.max_bytes:
            raise wire.NotPlainData(
                "value", "", f"the value is too large to send back ({len(data):,} bytes; "
                f"the limit is {self.max_bytes:,})"
            )
        view = memoryview(data)
        while view:
            written = os.write(self.write_fd, view)
            view = view[written:]

    def receive(self) -> dict[str, Any]:
        header = self._read_exactly(wire.HEADER.size)
        (length,) = wire.HEADER.unpack(header)
        message: dict[str, Any] = wire.unpack(self._read_exactly(length))
        return message

    def _read_exactly(self, count: int) -> bytes:
        chunks = []
        while count:
            chunk = os.read(self.read_fd, min(count, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            count -= len(chunk)
        return b"".join(chunks)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 20] + "\n... (cut short)"


def describe_exception(error: BaseException, student_file: str) -> dict[str, Any]:
    """An exception as plain data, with a traceback of the student's own frames only."""
    names = [c.__name__ for c in type(error).__mro__ if c is not object]
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == student_file
    ]
    lines = []
    if frames:
        lines.append("Traceback (your code, most recent call last):\n")
        if len(frames) > MAX_FRAMES:
            lines.extend(traceback.format_list(frames[:3]))
            lines.append(f"  ... {len(frames) - 6} more calls like these ...\n")
            frames = frames[-3:]
        lines.extend(traceback.format_list(frames))
    try:
        lines.extend(traceback.format_exception_only(type(error), error))
        message = str(error)
    except Exception:  # a student exception whose __str__ fails
        lines.append(f"{type(error).__name__}: (message could not be shown)\n")
        message = ""
    return {
        "type": type(error).__name__,
        "bases": names,
        "message": _shorten(message),
        "traceback": _shorten("".join(lines)),
        "line": frames[-1].lineno if frames else None,
    }


class Worker:
    """Loads the student's module, then serves calls until the grader says stop."""

    def __init__(self, config: dict[str, Any], channel: Channel) -> None:
        self.config = config
        self.channel = channel
        self.display_path: str = config["display_path"]
        self.module: types.ModuleType | None = None
        self.callbacks_live = False

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
            return {"op": "load_error", "error": describe_exception(error, self.display_path)}
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
            reply = self.call(message)
            try:
                self.channel.send(reply)
            except (wire.NotPlainData, ValueError, RecursionError) as error:
                reason = getattr(error, "reason", "") or f"the value cannot be sent back: {error}"
                self.channel.send({"op": "bad_return", "id": message["id"], "type": "value",
                                   "where": "", "reason": reason})

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        call_id = message["id"]
        name = message["function"]
        function = getattr(self.module, name, None)
        if not callable(function) or isinstance(function, type):
            return {"op": "missing", "id": call_id, "function": name}
        args = wire.decode(message["args"], self._callback)
        kwargs = wire.decode(message["kwargs"], self._callback)
        self.callbacks_live = True
        try:
            value = function(*args, **kwargs)
        except BaseException as error:  # exit requests included
            return {"op": "raise", "id": call_id, "error": describe_exception(error,
                                                                             self.display_path)}
        finally:
            self.callbacks_live = False
            _flush()
        try:
            return {"op": "return", "id": call_id, "value": wire.encode(value, accept_numpy=True)}
        except wire.NotPlainData as error:
            return {"op": "bad_return", "id": call_id, "type": error.type_name,
                    "where": error.where, "reason": error.reason}

    def _callback(self, number: int) -> Any:
        worker = self

        def callback(*args: Any, **kwargs: Any) -> Any:
            if not worker.callbacks_live:
                raise RuntimeError("this function can only be called while the grader's call "
                                   "is running")
            try:
                payload = {"op": "callback", "callback": number,
                           "args": wire.encode(list(args), accept_numpy=True),
                           "kwargs": wire.encode(kwargs, accept_numpy=True)}
            except wire.NotPlainData as error:
                raise TypeError(f"only plain data (numbers, strings, lists, tuples, dicts) can "
                                f"be passed here, not {error.type_name}") from None
            worker.channel.send(payload)
            reply = worker.channel.receive()
            if reply["op"] == "callback_return":
                return wire.decode(reply["value"])
            error_type = getattr(builtins, str(reply.get("type")), None)
            if not (isinstance(error_type, type) and issubclass(error_type, Exception)):
                error_type = RuntimeError
            raise error_type(reply.get("message", ""))

        callback.__name__ = callback.__qualname__ = "model"
        return callback


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _die_with_parent() -> None:
    """Linux: end this process when the grader that started it ends, however it ends."""
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
    did (same exit status, or the same signal), so the grader sees the child's fate."""
    import signal

    child = os.fork()
    if child == 0:
        return
    for fd in protocol:
        os.close(fd)  # only the child answers the grader now
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def main() -> None:
    config = json.loads(sys.argv[1])
    _die_with_parent()
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
            confine.inside_new_pid_namespace(applied)
        confine.drop_privileges(config, applied)
        confine.apply_limits(config, applied)
    except BaseException:  # the grader's own failure, reported as such
        channel.send({"op": "setup_error", "message": traceback.format_exc()[-3000:]})
        os._exit(1)
    sys.setrecursionlimit(config.get("recursion_limit", 3000))
    worker = Worker(config, channel)
    status = worker.load(source)
    status["confinement"] = applied
    _flush()
    channel.send(status)
    if status["op"] == "ready":
        worker.serve()
    os._exit(0)  # skip the student's atexit handlers and lingering threads


if __name__ == "__main__":
    main()
