"""Auto-graded exercises and quizzes for the LLM course.

`grade day06` grades a student's work on Day 6; see README.md. The library API mirrors the
command: `load_course`, `make_plan`, `grade`.
"""

from __future__ import annotations

__version__ = "0.1.0"
