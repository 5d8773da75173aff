"""Answer keys students may hold without being able to read them: salted hashes.

A student release ships each quiz key in this form, so that students get right-or-wrong
feedback from their own `grade` while the instructor's grading uses the real key. For each
accepted answer the released key holds a salted SHA-256 digest of its canonical form (a letter,
a number's cell, a normalised text) and, sealed with a key derived from that same canonical form,
what marking needs to decide exactly as the real key would: the accepted number, the feedback.
A student who gives a right answer can unseal its feedback; one who does not learns only that it
is wrong. This stops a key from being read, not from being guessed: a choice among four letters
is found by trying four letters, hashes or not.

Numbers are looked up on a grid of cells set by the question's tolerance (which is public): the
key stores every cell that an accepted interval touches, with a margin, and a student's number
is looked up by its cell and then compared exactly with the unsealed number. A text pattern is
expanded into the finite set of answers it matches; one with an unbounded repeat, a wildcard or a
class of all letters has no such set and is left to the instructor's grading.

A leaf module: nothing here knows about quizzes, only about numbers, patterns and sealing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MIN_RELATIVE = 1e-9  # the grid of a key with no relative tolerance: exact up to this
MAX_CELLS = 1000  # cells one accepted number may touch
MAX_EXPANSIONS = 2000  # answers one text pattern may stand for
MAX_RANGE = 64  # characters a class like [a-f] may stand for


class Unhashable(ValueError):
    """An accepted answer that has no finite hashed form; the message says why."""


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberGrid:
    """Cells for the numbers of one question, sized by its tolerance.

    Below `absolute / relative` the absolute tolerance decides and cells are `absolute` wide;
    above it cells are a constant ratio wide, so an accepted interval touches a few cells only.
    """

    relative: float
    absolute: float

    @property
    def _ratio(self) -> float:
        return max(self.relative, MIN_RELATIVE)

    @property
    def _step(self) -> float:
        return math.log1p(self._ratio)

    @property
    def _linear_below(self) -> float:
        return self.absolute / self._ratio if self.absolute > 0 else 0.0

    def cell(self, x: float) -> str:
        """The cell holding `x`."""
        if abs(x) < self._linear_below:
            return f"l{math.floor(x / self.absolute)}"
        if x == 0:
            return "0"
        return ("+" if x > 0 else "-") + str(math.floor(math.log(abs(x)) / self._step))

    def cells_around(self, value: float) -> list[str]:
        """Every cell holding a number that the tolerance could accept for `value`.

        The interval is twice as wide as any number `math.isclose` accepts (and wider than a
        slip-of-units comparison needs), so that a one-ulp difference in `log` between machines
        never moves an accepted number out of the stored cells.
        """
        r = self._ratio
        if self.absolute == 0:
            if value == 0:
                return ["0"]
            low, high = sorted((value * (1 - r) ** 2, value / (1 - r) ** 2))
        else:
            width = 2 * max(r * abs(value) / (1 - r), self.absolute)
            low, high = value - width, value + width
        cells = list(self._cells_between(low, high))
        if len(cells) > MAX_CELLS:
            raise Unhashable(f"its tolerance is too wide to hash ({len(cells)} cells)")
        return cells

    def _cells_between(self, low: float, high: float) -> Iterator[str]:
        linear = self._linear_below
        if linear > 0 and low < linear and high > -linear:
            start = math.floor(max(low, -linear) / self.absolute)
            end = math.floor(min(high, linear) / self.absolute)
            if end - start > MAX_CELLS:
                raise Unhashable("its tolerance is too wide to hash")
            yield from (f"l{k}" for k in range(start, end + 1))
        if high > 0 and high >= linear:
            yield from self._log_cells("+", max(low, linear), high)
        if low < 0 and -low >= linear:
            yield from self._log_cells("-", max(-high, linear), -low)

    def _log_cells(self, sign: str, smallest: float, largest: float) -> Iterator[str]:
        smallest = max(smallest, 5e-324)
        start = math.floor(math.log(smallest) / self._step)
        end = math.floor(math.log(largest) / self._step)
        if end - start > MAX_CELLS:
            raise Unhashable("its tolerance is too wide to hash")
        yield from (f"{sign}{k}" for k in range(start, end + 1))


# --- text patterns -------------------------------------------------------------------------


def expand_pattern(pattern: str, limit: int = MAX_EXPANSIONS) -> set[str]:
    """Every string `pattern` fully matches, in lower case, on text whose only whitespace is a
    single space between words (as the quiz marker normalises answers).

    Unhashable when the set is infinite or larger than `limit`, or when the pattern uses
    something whose set cannot be told exactly (a wildcard, a word class, a look-around).
    """
    parser = _sre_parser()
    try:
        tree = parser.parse(pattern, re.IGNORECASE)
    except re.error as error:
        raise Unhashable(f"not a valid pattern: {error}") from None
    strings = _Expander(limit).sequence(list(tree), at_start=True, at_end=True)
    return {s.lower() for s in strings}


def _sre_parser() -> Any:
    with warnings.catch_warnings():  # sre_parse is deprecated in favour of re._parser (3.11)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            from re import _parser  # type: ignore[attr-defined]
        except ImportError:  # Python 3.10
            import sre_parse as _parser
    return _parser


class _Expander:
    def __init__(self, limit: int) -> None:
        self.limit = limit

    def _checked(self, strings: set[str]) -> set[str]:
        if len(strings) > self.limit:
            raise Unhashable(f"it matches more than {self.limit} different answers")
        return strings

    def sequence(self, items: list[tuple[Any, Any]], at_start: bool, at_end: bool) -> set[str]:
        result = {""}
        last = len(items) - 1
        for n, (op, arg) in enumerate(items):
            options = self.item(str(op), arg, at_start and n == 0, at_end and n == last)
            result = self._checked({a + b for a in result for b in options})
        return result

    def item(self, op: str, arg: Any, at_start: bool, at_end: bool) -> set[str]:
        if op == "LITERAL":
            return {chr(arg)}
        if op == "IN":
            return self._class(arg)
        if op == "BRANCH":
            options: set[str] = set()
            for branch in arg[1]:
                options |= self.sequence(list(branch), at_start, at_end)
            return self._checked(options)
        if op == "SUBPATTERN":
            _group, add_flags, del_flags, body = arg
            if (add_flags | del_flags) & ~re.IGNORECASE or del_flags & re.IGNORECASE:
                raise Unhashable("it changes the matching flags inside the pattern")
            return self.sequence(list(body), at_start, at_end)
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self._repeat(*arg)
        if op == "AT" and str(arg) in ("AT_BEGINNING", "AT_BEGINNING_STRING") and at_start:
            return {""}
        if op == "AT" and str(arg) in ("AT_END", "AT_END_STRING") and at_end:
            return {""}
        described = {"ANY": "a wildcard (.)", "AT": "an anchor or word boundary inside it",
                     "NOT_LITERAL": "a negated character", "GROUPREF": "a back-reference"}
        raise Unhashable(f"it uses {described.get(op, op.lower().replace('_', ' '))}")

    def _class(self, members: list[tuple[Any, Any]]) -> set[str]:
        chars: set[str] = set()
        for op, arg in members:
            name = str(op)
            if name == "LITERAL":
                chars.add(chr(arg))
            elif name == "RANGE" and arg[1] - arg[0] < MAX_RANGE:
                chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
            elif name == "CATEGORY" and str(arg) == "CATEGORY_SPACE":
                chars.add(" ")  # the only whitespace a normalised answer holds
            else:
                raise Unhashable("it uses a character class too wide to list (such as \\w, "
                                 "\\d, [^...] or a long range)")
        return chars

    def _repeat(self, least: int, most: int, body: list[tuple[Any, Any]]) -> set[str]:
        options = self.sequence(list(body), at_start=False, at_end=False)
        unbounded = most >= 65535 or str(most) == "MAXREPEAT"
        if unbounded:
            if not options <= {"", " "}:
                raise Unhashable("it repeats something without bound (*, + or {n,})")
            most = max(least, 1)  # two spaces in a row never reach the marker
        result = {""} if least == 0 else set()
        current = {""}
        for count in range(1, most + 1):
            current = self._checked({a + b for a in current for b in options})
            if count >= least:
                result |= current
        return self._checked(result)


# --- digests and sealing -------------------------------------------------------------------


def derive(secret: bytes, *parts: str) -> str:
    """A value derived from `secret` (the real key's bytes): salts and feedback keys that are
    reproducible from the key and reveal nothing about it."""
    return hashlib.sha256(secret + "\x1f".join(("derive", *parts)).encode("utf-8")).hexdigest()[:32]


def digest(salt: str, *parts: str) -> str:
    """The stored digest of one canonical answer."""
    return hashlib.sha256("\x1f".join(("digest", salt, *parts)).encode("utf-8")).hexdigest()[:32]


def _stream(salt: str, parts: tuple[str, ...], size: int) -> bytes:
    return hashlib.shake_256("\x1f".join(("seal", salt, *parts)).encode("utf-8")).digest(size)


def seal(payload: Any, salt: str, *parts: str) -> str:
    """`payload` (JSON data) sealed under the canonical answer `parts`."""
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    mixed = bytes(a ^ b for a, b in zip(data, _stream(salt, parts, len(data)), strict=True))
    return base64.b64encode(mixed).decode("ascii")


def unseal(sealed: str, salt: str, *parts: str) -> Any:
    """The payload of `sealed`, opened with the canonical answer `parts`; ValueError when the
    answer does not open it."""
    try:
        mixed = base64.b64decode(sealed.encode("ascii"), validate=True)
        data = bytes(a ^ b for a, b in zip(mixed, _stream(salt, parts, len(mixed)), strict=True))
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeError) as error:
        raise ValueError("the sealed answer does not open") from error
