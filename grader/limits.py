"""Resource limits for running a student's code, with every field decided.

A leaf module of plain data: the check session and the sandbox use it without loading the spec
models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResolvedLimits:
    """Limits with every field decided: defaults, then the day's, then the exercise's."""

    call_timeout: float = 3.0
    exercise_timeout: float = 30.0
    load_timeout: float = 10.0
    memory_mb: int = 1024
    output_kb: int = 16
    processes: int = 8
    max_examples: int = 100


DEFAULT_LIMITS = ResolvedLimits()
