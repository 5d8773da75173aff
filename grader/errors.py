"""Errors the grader reports to its users, each with the exit status it ends with.

Every error here carries a message written for the person who can fix it: the student, the
instructor who wrote the day, or (for `InternalError`) the grader's maintainers.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an instructor's file, with where it is and how to fix it."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    suggestion: str | None = None
    warning: bool = False  # worth fixing, but the day can be graded as it is

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: " + ("warning: " if self.warning else "")
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class GraderError(Exception):
    """Base of every error the grader reports on purpose."""

    exit_status = EXIT_INTERNAL


class UsageError(GraderError):
    """The command was called wrongly: unknown day, unknown exercise, missing folder."""

    exit_status = EXIT_USAGE


class AuthoringError(GraderError):
    """An instructor's file (day, spec, checks, key) is wrong; lists every problem found."""

    exit_status = EXIT_USAGE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InternalError(GraderError):
    """A bug in the grader itself; never the student's fault."""

    exit_status = EXIT_INTERNAL
