"""What check authors use: comparisons whose failures read well to students.

A check receives `submission` and calls the student's functions through it. Compare what comes
back with these helpers rather than a bare `assert`, so that a failure says which call returned
what, and what was expected:

    from grader.checks import close, raises

    def test_lesson_values(submission):
        '''optimal_tokens follows the lesson: 3B -> 60B, 70B -> 1,400B'''
        close(submission.optimal_tokens(3), 60)
        with raises(ValueError):
            submission.optimal_tokens(0)

They treat a bool as not a number, NaN as never close to anything, and an object of any type but
the expected one as wrong, so a submission cannot pass by returning a look-alike.
The same checks run unchanged with `submission` bound to an imported module.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from grader.sandbox.host import (
    BadReturn,
    StudentException,
    call_that_returned,
    recent_returns,
    short_repr,
)

__all__ = ["CheckFailed", "close", "equal", "fail", "is_number", "number", "raises"]


class CheckFailed(AssertionError):
    """A check failed; carries the facts that feedback words for the student."""

    def __init__(self, summary: str, *, call: str | None = None, expected: str | None = None,
                 got: str | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.call = call
        self.expected = expected
        self.got = got


def is_number(value: object) -> bool:
    """True for an int or a float, and False for a bool, which Python counts as an int."""
    return type(value) in (int, float)


def _subject(got: object, what: str | None) -> str:
    if what:
        return what
    call = call_that_returned(got)
    return call if call else "your code"


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{value} (a bool, not a number)"
    if isinstance(value, float) and math.isnan(value):
        return "nan (not a number)"
    if is_number(value):
        return short_repr(value)
    return f"{short_repr(value)} (a {type(value).__name__})"


def fail(summary: str, *, got: object = None, expected: object = None,
         call: str | None = None) -> None:
    """Fail the check with a message of the author's own; `call` names the student's call
    (found from `got` when it is something the student's code returned)."""
    raise CheckFailed(summary, call=call or (call_that_returned(got) if got is not None else None),
                      got=None if got is None else _describe(got),
                      expected=None if expected is None else short_repr(expected))


def number(got: object, *, what: str | None = None) -> float:
    """`got` if it is a real number (not a bool, not NaN); fails the check otherwise."""
    if not is_number(got) or (isinstance(got, float) and math.isnan(got)):
        subject = _subject(got, what)
        raise CheckFailed(f"{subject} returned {_describe(got)}; expected a number",
                          call=call_that_returned(got), got=_describe(got),
                          expected="a number")
    assert isinstance(got, int | float)
    return got


def close(got: object, expected: float, *, rel: float = 1e-9, abs: float = 0.0,
          what: str | None = None) -> None:
    """`got` must be a number within `rel` (relative) or `abs` of `expected`."""
    subject = _subject(got, what)
    value = number(got, what=subject)
    if math.isinf(expected) or math.isinf(value):
        ok = value == expected
    else:
        ok = math.isclose(value, expected, rel_tol=rel, abs_tol=abs)
    if not ok:
        raise CheckFailed(
            f"{subject} returned {_describe(value)}; expected {short_repr(expected)}",
            call=call_that_returned(got), got=_describe(value), expected=short_repr(expected),
        )


def _same(got: object, expected: object, rel: float) -> bool:
    if is_number(expected):
        return is_number(got) and (
            got == expected
            or (math.isfinite(float(expected)) and  # type: ignore[arg-type]
                math.isclose(got, expected, rel_tol=rel))  # type: ignore[arg-type]
        )
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, Mapping):
        return (isinstance(got, Mapping) and set(got) == set(expected)
                and all(_same(got[k], expected[k], rel) for k in expected))
    if isinstance(expected, Sequence):
        return (isinstance(got, list | tuple) and len(got) == len(expected)
                and all(_same(g, e, rel) for g, e in zip(got, expected, strict=True)))
    return got == expected


def equal(got: object, expected: object, *, rel: float = 1e-9, what: str | None = None) -> None:
    """`got` must equal `expected`: numbers within `rel`, bools only equal to bools,
    lists and tuples alike, dicts key by key."""
    if not _same(got, expected, rel):
        subject = _subject(got, what)
        raise CheckFailed(
            f"{subject} returned {_describe(got)}; expected {short_repr(expected)}",
            call=call_that_returned(got), got=_describe(got), expected=short_repr(expected),
        )


@contextmanager
def raises(expected: type[BaseException], *, what: str | None = None) -> Iterator[None]:
    """The student's code called inside the block must raise `expected` (or a subclass)."""
    before = recent_returns[-1] if recent_returns else None
    try:
        yield
    except expected:
        return
    except StudentException as error:
        if error.is_not_implemented or error.is_exit or isinstance(error, BadReturn):
            raise
        subject = what or error.call or "your code"
        raise CheckFailed(
            f"{subject} raised {error.type_name}; expected {expected.__name__}",
            call=error.call, got=str(error), expected=expected.__name__,
        ) from None
    if recent_returns and recent_returns[-1] is not before:
        value, call = recent_returns[-1]
        subject = what or str(call)
        raise CheckFailed(
            f"{subject} returned {_describe(value)}; expected it to raise {expected.__name__}",
            call=str(call), got=_describe(value),
        )
    raise CheckFailed(f"{what or 'your code'} did not raise {expected.__name__}")
