"""`grade new`: the files of a new exercise, written so that they validate and verify at once.

Each kind gets a small working example (spec, stub, checks or key, solution, model essays) for
the author to replace with their own: it shows every file in its place, and `grade verify`
passes on it before a line is changed. The exercise is added to the day's `day.yaml` (a new day
is created when needed); nothing that exists is ever overwritten.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import (
    RESERVED_IDS,
    SEAL_FILE,
    Course,
    file_digest,
    read_seal,
    seal_text,
)
from grader.errors import AuthoringError, Problem, UsageError
from grader.spec import ID_PATTERN, KIND_FILE_SUFFIX, read_yaml

SCHEMA_FOLDER = Path(__file__).resolve().parent / "schemas"

CODE_SPEC = """\
{schema_line}schema: 1
kind: code
title: {title}
summary: >-
  Implement normalise(weights): turn a dict of token weights into the probability distribution
  they stand for.
hint: >-
  Divide each weight by the sum of all of them, and check the input first: which weights cannot
  be turned into probabilities?
# Each check function of checks/test_{id}.py, with its points.
checks:
  test_examples: 2
  test_sums_to_one: 2
  test_rejects_invalid: 1
# Limits for this exercise (seconds, MiB, examples per property); unset ones take the day's.
# limits:
#   call_timeout: 3
#   max_examples: 50
"""

CODE_STUB = '''\
"""{title}

Write normalise(weights). It receives a dict mapping tokens to non-negative weights, such as
{{"cat": 1, "dog": 3}}, and returns the probability of each token: its weight divided by the sum
of all weights ({{"cat": 0.25, "dog": 0.75}}). Raise ValueError when that is impossible: no
weights, weights that sum to zero, or a negative weight.

Run `grade {day} {id}` to check your work.
"""


def normalise(weights: dict[str, float]) -> dict[str, float]:
    """Each weight divided by the sum of all weights."""
    raise NotImplementedError
'''

CODE_SOLUTION = '''\
"""{title}: the model solution."""


def normalise(weights: dict[str, float]) -> dict[str, float]:
    """Each weight divided by the sum of all weights."""
    if any(w < 0 for w in weights.values()):
        raise ValueError("a weight is negative")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("there is nothing to normalise")
    return {{token: w / total for token, w in weights.items()}}
'''

CODE_CHECKS = '''\
"""Checks of {id}.py. Each check's docstring is the title students see; its points are in
specs/{id}.yaml. Call the student's code through `submission` and compare with the helpers of
grader.checks, so that a failure says what was called, what came back and what was expected."""

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import close, equal, raises

weights = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.floats(min_value=0.01, max_value=1e6),
    min_size=1,
    max_size=8,
)


def test_examples(submission):
    """normalise({{"cat": 1, "dog": 3}}) is {{"cat": 0.25, "dog": 0.75}}"""
    equal(submission.normalise({{"cat": 1, "dog": 3}}), {{"cat": 0.25, "dog": 0.75}})
    equal(submission.normalise({{"only": 5}}), {{"only": 1.0}})


@given(weights)
def test_sums_to_one(submission, weights):
    """normalise gives probabilities that sum to 1, one per token"""
    result = submission.normalise(weights)
    equal(sorted(result), sorted(weights), what="the tokens of normalise(...)")
    close(sum(result.values()), 1.0, rel=1e-6, what="the sum of normalise(...)")


def test_rejects_invalid(submission):
    """normalise raises ValueError for no weights, all-zero weights and negative weights"""
    for bad in ({{}}, {{"a": 0}}, {{"a": 2, "b": -1}}):
        with raises(ValueError, what=f"normalise({{bad!r}})"):
            submission.normalise(bad)
'''

QUIZ_SPEC = """\
{schema_line}schema: 1
kind: quiz
title: {title}
summary: Two questions to show the kinds a quiz can ask; replace them with your own.
hint: Reread the part of the lesson on the Chinchilla rule of thumb.
questions:
  - id: tokens_for_2b
    type: numeric
    prompt: >-
      At about 20 training tokens per parameter (the Chinchilla rule of thumb), how many tokens
      is the compute-optimal budget for a model with 2B parameters?
    unit: tokens
    points: 2
    hint: Multiply the parameters by 20, and answer in tokens (2B is 2,000,000,000).
  - id: optimal_for_what
    type: choice
    prompt: What does "compute-optimal" optimise?
    choices:
      a: the lowest loss for a fixed training budget in FLOPs
      b: the cheapest model to run once deployed
    points: 1
"""

QUIZ_SHEET = """\
# {title}: write each answer after its colon, then run `grade {day} {id}`.
# Numbers may be written as 40B, 4e10, 40 billion or 40,000,000,000; choices as a letter.
tokens_for_2b:
optimal_for_what:
"""

QUIZ_SOLUTION = """\
tokens_for_2b: 40B
optimal_for_what: a
"""

QUIZ_KEY = """\
{schema_line}schema: 1
answers:
  tokens_for_2b:
    # 20 tokens per parameter x 2B parameters (Hoffmann et al. 2022, arXiv 2203.15556).
    accept:
      - value: 40B
        feedback: Right, 20 x 2B = 40B tokens.
    relative_tolerance: 0.02
  optimal_for_what:
    accept:
      - value: a
        feedback: Right, compute-optimal means the lowest loss for a fixed training budget.
"""

ESSAY_SPEC = """\
{schema_line}schema: 1
kind: essay
title: {title}
summary: Explain, in a short paragraph, what a language model learns to do during training.
hint: Say what the model predicts, and how it is told how wrong it was.
prompt: >-
  What does a language model learn to do while it is trained? Explain it in your own words.
words: {{min: 40, max: 400}}
# A criterion is met by real sentences (not lists of words) that use a term from each group
# of `evidence` (or from `need` of them); a term ending in * matches any word it starts.
criteria:
  - id: objective
    points: 2
    description: Says that the model predicts the next token of a text
    evidence:
      - [predict*, guess*]
      - [next token, next word, following token, following word]
    met: You name the training objective.
    missed: Say what the model is trained to predict.
  - id: feedback
    points: 2
    description: Explains how the loss tells the model how wrong its prediction was
    evidence:
      - [loss, cross-entropy, error]
      - [probabilit*, wrong, mistake*, lower, reduce*]
    met: You explain what the loss measures.
    missed: Explain how training tells the model how far off its prediction was.
# For grade verify: the share of the points each model essay in
# solutions/<day>/essays/<id>/ must score.
bands:
  strong: {{min: 0.75, max: 1}}
  weak: {{min: 0, max: 0.5}}
"""

ESSAY_STUB = """\
# {title}

<!-- Write your answer below this comment, in full sentences, then run
     `grade {day} {id}`. Text inside comments like this one is not read. -->
"""

ESSAY_STRONG = """\
# {title}

During training, a language model reads a huge amount of text and learns to predict the next
token of it, one position at a time. After every guess it is told how wrong it was: the loss is
the cross-entropy of its prediction, which is lower when it gave the true next token a higher
probability. Training changes the model so that this loss goes down, and that is all it ever
learns to do, although doing it well requires knowing a great deal about language and the world.
"""

ESSAY_WEAK = """\
# {title}

A language model is a very large program that has read a lot of text from the web. It can write
answers to many kinds of questions, and people use it for their work and their studies every day.
"""


@dataclass(frozen=True)
class Scaffold:
    """What `grade new` wrote."""

    day: str
    exercise: str
    files: tuple[Path, ...]
    new_day: bool


def new_exercise(course_root: Path, day: str, exercise_id: str, kind: str,
                 title: str | None = None) -> Scaffold:
    """Write a working example exercise of `kind` into `day` (created if missing)."""
    if not re.fullmatch(ID_PATTERN, exercise_id) or len(exercise_id) > 64:
        raise UsageError(f"{exercise_id!r} is not a valid exercise id: use lower-case letters, "
                         "digits and _, starting with a letter (like softmax_temperature)")
    if exercise_id in RESERVED_IDS:
        raise UsageError(f"{exercise_id!r} is the name of a Python module; choose another id")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", day):
        raise UsageError(f"{day!r} is not a valid day name: use letters, digits, - and _ "
                         "(like day07)")
    course = Course(course_root)
    day_dir = course.exercises_dir / day
    day_file = day_dir / "day.yaml"
    new_day = not day_file.is_file()
    title = title or _title_from_id(exercise_id)
    files = _files(kind, day, exercise_id, title, course)
    existing = [course.display(p) for p in files if p.exists()]
    if existing:
        raise UsageError(f"not writing {exercise_id}: these files exist already: "
                         f"{', '.join(existing)}")
    day_text = (_day_yaml(day_file, course.root) if new_day
                else _with_exercise(day_file, exercise_id, course))
    written = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    day_file.parent.mkdir(parents=True, exist_ok=True)
    day_file.write_text(day_text.replace("{id}", exercise_id) if new_day else day_text,
                        encoding="utf-8")
    if kind == "code":
        _add_to_seal(course, day_dir, day_dir / "checks" / f"test_{exercise_id}.py")
    return Scaffold(day, exercise_id, (day_file, *written), new_day)


def _title_from_id(exercise_id: str) -> str:
    words = exercise_id.replace("_", " ").strip()
    return f"{words[:1].upper()}{words[1:]} ({exercise_id})"


def _schema_line(target: Path, schema: str, root: Path) -> str:
    """An editor hint naming the published schema, when the course holds the grader (as this
    repository and its releases do)."""
    schema_path = SCHEMA_FOLDER / f"{schema}-v1.json"
    if not schema_path.is_relative_to(root.resolve()):
        return ""
    relative = os.path.relpath(schema_path, target.resolve().parent)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}\n"


def _files(kind: str, day: str, exercise_id: str, title: str, course: Course) -> dict[Path, str]:
    day_dir, solutions_dir = course.exercises_dir / day, course.solutions_dir / day
    spec = day_dir / "specs" / f"{exercise_id}.yaml"
    student = exercise_id + KIND_FILE_SUFFIX[kind]
    fields = {"id": exercise_id, "day": day, "title": title,
              "schema_line": _schema_line(spec, "exercise", course.root)}
    if kind == "code":
        return {
            spec: CODE_SPEC.format(**fields),
            day_dir / student: CODE_STUB.format(**fields),
            day_dir / "checks" / f"test_{exercise_id}.py": CODE_CHECKS.format(**fields),
            solutions_dir / student: CODE_SOLUTION.format(**fields),
        }
    if kind == "quiz":
        key = solutions_dir / "keys" / f"{exercise_id}.yaml"
        return {
            spec: QUIZ_SPEC.format(**fields),
            day_dir / student: QUIZ_SHEET.format(**fields),
            solutions_dir / student: QUIZ_SOLUTION.format(**fields),
            key: QUIZ_KEY.format(**fields | {"schema_line": _schema_line(key, "quiz-key",
                                                                         course.root)}),
        }
    if kind == "essay":
        essays = solutions_dir / "essays" / exercise_id
        return {
            spec: ESSAY_SPEC.format(**fields),
            day_dir / student: ESSAY_STUB.format(**fields),
            solutions_dir / student: ESSAY_STRONG.format(**fields),
            essays / "strong.md": ESSAY_STRONG.format(**fields),
            essays / "weak.md": ESSAY_WEAK.format(**fields),
        }
    raise UsageError(f"--kind must be code, quiz or essay, not {kind!r}")


def _day_yaml(day_file: Path, root: Path) -> str:
    digits = re.fullmatch(r"day0*(\d+)", day_file.parent.name)
    title = f"Day {digits.group(1)}" if digits else day_file.parent.name
    schema_line = _schema_line(day_file, "day", root)
    return (f"{schema_line}schema: 1\ntitle: {title}  # shown at the top of every report\n"
            "# The exercises in the order students meet them; each has specs/<id>.yaml.\n"
            "exercises:\n  - {id}\n")


def _with_exercise(day_file: Path, exercise_id: str, course: Course) -> str:
    """day.yaml's text with `exercise_id` added to the end of its exercises, comments kept."""
    display = course.display(day_file)
    document = read_yaml(day_file, display)
    exercises = document.data.get("exercises") if isinstance(document.data, dict) else None
    if not isinstance(exercises, list) or not exercises:
        raise AuthoringError([_problem(display, "has no list of exercises to add to")])
    if exercise_id in exercises:
        raise UsageError(f"{display} already lists {exercise_id}")
    last = document.positions[("exercises", len(exercises) - 1)]
    text = day_file.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    line = lines[last.line - 1]
    before = line[: last.column - 1]
    if before.strip().endswith("-") and set(before.replace("-", "")) <= {" "}:  # block list
        lines.insert(last.line, f"{before}{exercise_id}\n")
        if not lines[last.line - 1].endswith("\n"):
            lines[last.line - 1] += "\n"
        return "".join(lines)
    closing = line.find("]", last.column - 1)
    if closing < 0:
        raise AuthoringError([_problem(display, f"its exercises list is written in a way "
                                       f"`grade new` cannot extend; add `{exercise_id}` to it "
                                       "yourself")])
    lines[last.line - 1] = f"{line[:closing]}, {exercise_id}{line[closing:]}"
    return "".join(lines)


def _problem(display: str, message: str) -> Problem:
    return Problem(display, message, field="exercises")


def _add_to_seal(course: Course, day_dir: Path, checks: Path) -> None:
    """A sealed day seals the new checks too, so that they are graded at once."""
    seal_file = day_dir / SEAL_FILE
    seal = read_seal(seal_file)
    if seal is None:
        return
    seal[course.display(checks)] = file_digest(checks)
    seal_file.write_text(seal_text(seal), encoding="utf-8")
