"""Plain data across the sandbox boundary: the value codec and the message frames.

Only None, bool, int, float, str, list, tuple and dict cross, so nothing with custom methods can
come back from a student's process. A message is a 4-byte big-endian length and a JSON body.
Inside the JSON, lists are arrays and every other container is a one-key object:

    {"t": [...]}            a tuple
    {"d": [[k, v], ...]}    a dict (keys may be any plain value)
    {"f": "nan"}            a float that JSON cannot spell: "nan", "inf", "-inf"
    {"c": 3}                a callable, called back across the boundary by its number

This module uses the standard library only: the sandbox worker loads it by path, before any
student code runs. In the student's process the code may replace builtins or attributes of
standard modules (`builtins.isinstance`, `math.isfinite`, `json.dumps`), so everything here
works from private references taken at load time: built-in functions bound as module globals,
and json's C encoder and scanner built directly.
"""

from __future__ import annotations

import json.decoder
import json.encoder
import json.scanner
import math
import struct
from builtins import (  # noqa: UP029 - private references (see the docstring)
    TypeError,
    ValueError,
    callable,
    dict,
    isinstance,
    len,
    list,
    str,
    tuple,
    type,
)
from collections.abc import Callable
from typing import Any

HEADER = struct.Struct(">I")
MAX_DEPTH = 64
_isfinite = math.isfinite
_isnan = math.isnan
_float = float
_int = int
_bool = bool
_none = type(None)
_python_encoder = json.encoder.JSONEncoder(ensure_ascii=False, allow_nan=False,
                                           separators=(",", ":"))
# json's C accelerators, built once: they check types in C, so no patched builtin reaches them
_c_encoder = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, None,
        json.encoder.c_encode_basestring  # type: ignore[attr-defined]
        or json.encoder.py_encode_basestring,
        None, ":", ",", False, False, False,
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else None
)
_c_scanner = json.scanner.c_make_scanner(json.decoder.JSONDecoder())  # type: ignore[attr-defined]

_FLOAT_TAGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class NotPlainData(TypeError):
    """A value that cannot cross the boundary; `where` says where inside the value it sits."""

    def __init__(self, type_name: str, where: str, reason: str = "") -> None:
        self.type_name = type_name
        self.where = where
        self.reason = reason
        super().__init__(reason or f"{type_name} at {where or 'top level'} is not plain data")


class ProtocolError(Exception):
    """A message that does not follow the protocol (malformed, too large, out of order)."""


def _numpy_value(value: Any) -> tuple[bool, Any]:
    """numpy scalars and arrays as their plain equivalents, without importing numpy."""
    module = type(value).__module__ or ""
    if module == "numpy" or module.startswith("numpy."):
        if hasattr(value, "tolist"):
            return True, value.tolist()
        if hasattr(value, "item"):
            return True, value.item()
    return False, None


def encode(
    value: Any,
    *,
    register_callable: Callable[[Callable[..., Any]], int] | None = None,
    accept_numpy: bool = False,
) -> Any:
    """`value` as JSON-ready data, or NotPlainData naming the first value that is not plain."""

    def walk(item: Any, where: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise NotPlainData(type(item).__name__, where, "nested more than 64 levels deep")
        kind = type(item)
        if kind is _none or kind is _bool or kind is str or kind is _int:
            return item
        if kind is _float:
            if _isfinite(item):
                return item
            return {"f": "nan" if _isnan(item) else ("inf" if item > 0 else "-inf")}
        if kind is list:
            return [walk(x, f"{where}[{n}]", depth + 1) for n, x in enumerate(item)]
        if kind is tuple:
            return {"t": [walk(x, f"{where}[{n}]", depth + 1) for n, x in enumerate(item)]}
        if kind is dict:
            return {
                "d": [
                    [walk(k, f"{where} key {k!r:.40}", depth + 1),
                     walk(v, f"{where}[{k!r:.40}]", depth + 1)]
                    for k, v in item.items()
                ]
            }
        if accept_numpy:
            converted, plain = _numpy_value(item)
            if converted:
                return walk(plain, where, depth + 1)
        if register_callable is not None and callable(item) and not isinstance(item, type):
            return {"c": register_callable(item)}
        raise NotPlainData(_type_name(item), where)

    return walk(value, "", 0)


def _type_name(value: Any) -> str:
    kind = type(value)
    for base in (_bool, _int, _float, str, list, tuple, dict):
        if isinstance(value, base) and kind is not base:
            return f"{kind.__name__} (a subclass of {base.__name__})"
    return kind.__name__


def decode(data: Any, make_callable: Callable[[int], Any] | None = None) -> Any:
    """The plain value that `encode` produced `data` from; anything else is a ProtocolError."""

    def walk(item: Any, depth: int) -> Any:
        if depth > MAX_DEPTH + 2:
            raise ProtocolError("value nested too deeply")
        kind = type(item)
        if kind is _none or kind is _bool or kind is str or kind is _int or kind is _float:
            return item
        if kind is list:
            return [walk(x, depth + 1) for x in item]
        if kind is dict and len(item) == 1:
            ((tag, body),) = item.items()
            if tag == "t" and type(body) is list:
                return tuple(walk(x, depth + 1) for x in body)
            if tag == "d" and type(body) is list:
                result = {}
                for pair in body:
                    if type(pair) is not list or len(pair) != 2:
                        raise ProtocolError("malformed dict entry")
                    key = walk(pair[0], depth + 1)
                    try:
                        result[key] = walk(pair[1], depth + 1)
                    except TypeError:
                        raise ProtocolError("unhashable dict key") from None
                return result
            if tag == "f" and body in _FLOAT_TAGS:
                return _FLOAT_TAGS[body]
            if tag == "c" and type(body) is int and make_callable is not None:
                return make_callable(body)
        raise ProtocolError(f"unexpected value of type {kind.__name__}")

    return walk(data, 0)


def pack(message: dict[str, Any]) -> bytes:
    """One framed message (ValueError for an int too long to write out)."""
    if _c_encoder is not None:
        body = "".join(_c_encoder(message, 0))
    else:  # a Python without json's C accelerator
        body = _python_encoder.encode(message)
    payload = body.encode("utf-8", "surrogatepass")
    return HEADER.pack(len(payload)) + payload


def unpack(payload: bytes) -> dict[str, Any]:
    """The message in one frame's body."""
    try:
        text = payload.decode("utf-8", "surrogatepass")
        message, end = _c_scanner(text, 0)
        if text[end:].strip():
            raise ValueError("extra data")
    except (ValueError, RecursionError, StopIteration) as error:
        raise ProtocolError(f"malformed message: {str(error)[:100]}") from None
    if type(message) is not dict or type(message.get("op")) is not str:
        raise ProtocolError("a message must be an object with an `op`")
    return message
