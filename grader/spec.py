"""Instructors' YAML files, read into validated, typed models.

Every problem found is reported as a `Problem` naming the file, line, column and field, with a
suggestion where one is likely (a misspelt key, a YAML implicit-typing trap). This module is a
leaf of the pipeline: it imports nothing else from the package but `errors`.
"""

from __future__ import annotations

import codecs
import datetime
import difflib
import math
import re
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from grader.errors import AuthoringError, Problem
from grader.limits import DEFAULT_LIMITS, ResolvedLimits

__all__ = ["DEFAULT_LIMITS", "ResolvedLimits"]  # re-exported: specs resolve them

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[StrictStr, Field(pattern=ID_PATTERN, max_length=64)]


class FieldError(ValueError):
    """A validator's error about one part of the value it checks: `at` is the path from the
    validated field (or model) down to that part, so that the problem points at it."""

    def __init__(self, message: str, *at: str | int) -> None:
        super().__init__(message)
        self.at = at


def _hundredths(value: int | float) -> int | float:
    if isinstance(value, float) and round(value, 2) != value:
        raise ValueError("points have at most two decimal places")
    return value


# Points are whole or to the hundredth, so that every total is exact in every report format.
Points = Annotated[
    Annotated[StrictInt, Field(ge=0)] | Annotated[StrictFloat, Field(ge=0)],
    AfterValidator(_hundredths),
]
Seconds = Annotated[StrictInt, Field(gt=0, le=3600)] | Annotated[StrictFloat, Field(gt=0, le=3600)]
Fraction01 = Annotated[StrictInt, Field(ge=0, le=1)] | Annotated[StrictFloat, Field(ge=0, le=1)]
Text = Annotated[StrictStr, Field(min_length=1, pattern=r"\S")]

KIND_FILE_SUFFIX = {"code": ".py", "quiz": ".yaml", "essay": ".md"}


def to_points(value: int | float) -> Fraction:
    """Exact points from a YAML number: 0.1 is one tenth, not a binary approximation."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Limits(_Model):
    """Resource limits for running a student's code; unset fields take the day's or defaults."""

    call_timeout: Seconds | None = Field(
        None, description="Seconds one call of a student's function may take (default 3)."
    )
    exercise_timeout: Seconds | None = Field(
        None, description="Seconds all the checks of one exercise may take together (default 30)."
    )
    load_timeout: Seconds | None = Field(
        None, description="Seconds the student's file may take to load (default 10)."
    )
    memory_mb: Annotated[StrictInt, Field(ge=64, le=65536)] | None = Field(
        None, description="Memory the student's process may use, in MiB (default 1024)."
    )
    output_kb: Annotated[StrictInt, Field(ge=1, le=1024)] | None = Field(
        None, description="Student output kept per check, in KiB; the rest is cut (default 16)."
    )
    processes: Annotated[StrictInt, Field(ge=0, le=256)] | None = Field(
        None, description="Processes and threads the student's code may start (default 8)."
    )
    max_examples: Annotated[StrictInt, Field(ge=1, le=10000)] | None = Field(
        None, description="Examples each hypothesis property tries (default 100)."
    )

    def over(self, base: ResolvedLimits) -> ResolvedLimits:
        """These limits laid over `base`: every field set here wins."""
        values = base.__dict__ | {k: v for k, v in self.model_dump().items() if v is not None}
        return ResolvedLimits(**values)


class DaySpec(_Model):
    """`exercises/<day>/day.yaml`: the day's title and its exercises in order."""

    schema_: Literal[1] = Field(alias="schema", description="Format version; always 1.")
    title: Text = Field(description="The day's title, shown at the top of every report.")
    exercises: list[Identifier] = Field(
        min_length=1,
        description="Exercise ids in the order students meet them; each has specs/<id>.yaml.",
    )
    limits: Limits = Field(Limits(), description="Defaults for every exercise of the day.")

    @field_validator("exercises")
    @classmethod
    def _unique(cls, ids: list[str]) -> list[str]:
        for n, exercise_id in enumerate(ids):
            if exercise_id in ids[:n]:
                raise FieldError(f"exercise {exercise_id!r} is listed twice", n)
        return ids


class CheckSpec(_Model):
    """Points and visibility of one check function."""

    points: Points = Field(description="Points the check is worth (to the hundredth).")
    visibility: Literal["visible", "hidden", "after_due_date", "after_published"] = Field(
        "visible",
        description="Who sees the check's result: everyone, or (hidden, after_due_date, "
        "after_published) only instructors until then. A hidden check is written in "
        "solutions/<day>/checks/test_<id>.py and runs where that file is present.",
    )


class _ExerciseBase(_Model):
    schema_: Literal[1] = Field(alias="schema", description="Format version; always 1.")
    title: Text = Field(description="A short title shown beside the exercise's points.")
    hint: Text = Field(description="Shown to students once they have started but not passed.")
    summary: StrictStr = Field(
        "", description="What to do, in a sentence or two: shown while the exercise is untouched."
    )


class CodeSpec(_ExerciseBase):
    """A code exercise: students implement functions in `<id>.py`, checked by pytest."""

    kind: Literal["code"] = Field(description="code: a Python file with functions to write.")
    checks: dict[Identifier, Points | CheckSpec] = Field(
        min_length=1,
        description="Each check function of checks/test_<id>.py with its points (a number), "
        "or with `points` and `visibility`.",
    )
    limits: Limits = Field(Limits(), description="Limits for this exercise.")

    def check_specs(self) -> dict[str, CheckSpec]:
        return {
            name: value if isinstance(value, CheckSpec) else CheckSpec(points=value)
            for name, value in self.checks.items()
        }


class Question(_Model):
    """One quiz question."""

    id: Identifier = Field(description="The key students answer it under in <id>.yaml.")
    type: Literal["choice", "multiple_choice", "numeric", "text"] = Field(
        description="choice (one letter), multiple_choice (several letters, partial credit), "
        "numeric (a number, written in any common form) or text (matched by patterns)."
    )
    prompt: Text = Field(description="The question as students read it.")
    points: Points = Field(1, description="Points for a right answer (to the hundredth).")
    choices: dict[Annotated[StrictStr, Field(pattern=r"^[a-z]$")], Text] | None = Field(
        None, description="For choice questions: the options by letter, e.g. {a: 140B, b: 2.0T}."
    )
    unit: StrictStr | None = Field(
        None,
        description="For numeric questions: what is counted (tokens, nats, times...); students "
        "may write it after the number, an answer in another unit is refused with the reason, "
        "and it is named when an answer is off by a power of a thousand. Percentages are "
        "accepted only without a unit or with fraction, probability, share, accuracy or percent.",
    )
    hint: StrictStr = Field("", description="Shown with a wrong answer.")

    @model_validator(mode="after")
    def _choices_match_type(self) -> Question:
        has_choices = self.type in ("choice", "multiple_choice")
        if has_choices and not self.choices:
            raise FieldError(f"a {self.type} question needs `choices`", "type")
        if not has_choices and self.choices:
            raise FieldError(f"a {self.type} question has no `choices`", "choices")
        return self


class QuizSpec(_ExerciseBase):
    """A quiz: students answer in `<id>.yaml`; answers are checked against a key."""

    kind: Literal["quiz"] = Field(description="quiz: questions answered in a YAML sheet.")
    questions: list[Question] = Field(
        min_length=1, description="The questions; their answers are in solutions/<day>/keys/."
    )

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, questions: list[Question]) -> list[Question]:
        ids = [q.id for q in questions]
        for n, qid in enumerate(ids):
            if qid in ids[:n]:
                raise FieldError(f"question id {qid!r} is used twice", n, "id")
        return questions


class WordBounds(_Model):
    """How long an essay may be."""

    min: Annotated[StrictInt, Field(ge=0)] = Field(
        0, description="Fewer words than this score 0, and the student is told how many more "
                       "to write."
    )
    max: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="Words past this are not read."
    )

    @model_validator(mode="after")
    def _ordered(self) -> WordBounds:
        if self.max is not None and self.max < self.min:
            raise FieldError(f"`max` ({self.max}) is below `min` ({self.min})", "max")
        return self


class Criterion(_Model):
    """One rubric criterion: points earned when real sentences show the evidence."""

    id: Identifier = Field(description="A name for the criterion.")
    points: Points = Field(description="Points it earns (to the hundredth).")
    description: Text = Field(description="What it asks for, as students read it.")
    evidence: list[list[Text]] = Field(
        min_length=1,
        description="Groups of terms; a sentence is evidence when it uses a term from `need` "
        "groups and reads as prose. A term ending in * matches any word it starts (predict*).",
    )
    need: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="How many groups a sentence must use (default: all of them)."
    )
    sentences: Annotated[StrictInt, Field(ge=1)] = Field(
        1, description="How many separate evidence sentences earn the points."
    )
    met: Text = Field(description="Feedback when the criterion is met.")
    missed: Text = Field(description="Feedback when it is not: say what is missing.")

    @model_validator(mode="after")
    def _need_fits(self) -> Criterion:
        if self.need is not None and self.need > len(self.evidence):
            raise FieldError(f"`need` is {self.need} but there are {len(self.evidence)} "
                             "groups", "need")
        for n, group in enumerate(self.evidence):
            if not group:
                raise FieldError("this evidence group is empty: give it at least one term",
                                 "evidence", n)
        return self


class ScoreBand(_Model):
    """Where a model essay's score must land, as a share of the maximum."""

    min: Fraction01 = Field(description="The lowest share of the points, from 0 to 1.")
    max: Fraction01 = Field(description="The highest share of the points, from 0 to 1.")

    @model_validator(mode="after")
    def _ordered(self) -> ScoreBand:
        if self.max < self.min:
            raise FieldError(f"`max` ({self.max}) is below `min` ({self.min})", "max")
        return self


class EssaySpec(_ExerciseBase):
    """An essay in `<id>.md`, scored by a rubric; the score is provisional."""

    kind: Literal["essay"] = Field(description="essay: Markdown scored by a rubric.")
    prompt: Text = Field(description="The essay question.")
    words: WordBounds = Field(WordBounds(), description="How long the essay may be.")
    criteria: list[Criterion] = Field(min_length=1, description="The rubric.")
    bands: dict[Identifier, ScoreBand] = Field(
        default_factory=dict,
        description="For `grade verify`: the share of the points each model essay "
        "solutions/<day>/essays/<id>/<band>.md must score, e.g. {strong: {min: 0.8, max: 1}}.",
    )


ExerciseSpec = Annotated[CodeSpec | QuizSpec | EssaySpec, Field(discriminator="kind")]
EXERCISE_MODELS: dict[str, type[_ExerciseBase]] = {
    "code": CodeSpec,
    "quiz": QuizSpec,
    "essay": EssaySpec,
}


class AcceptedAnswer(_Model):
    """One answer the key accepts."""

    value: StrictStr | StrictInt | StrictFloat | list[StrictStr] = Field(
        description="numeric: a number, written in any form students may use (\"60B\"); "
        "choice: a letter; multiple_choice: a list of letters; text: a regular expression "
        "matched against the whole answer, ignoring case, leading articles and closing "
        "punctuation (a student release checks it locally only if it matches a finite set of "
        "answers: use ? and |, not * or +)."
    )
    feedback: StrictStr = Field("", description="Shown to a student who gives this answer.")


class AnswerKey(_Model):
    """The key of one question."""

    accept: list[AcceptedAnswer] = Field(
        min_length=1, description="Every right answer (several sources may give different ones)."
    )
    relative_tolerance: Annotated[StrictInt, Field(ge=0, lt=1)] | Annotated[
        StrictFloat, Field(ge=0, lt=1)] = Field(
        0, description="Numeric: how far off, as a share of the answer, still counts (0.02).")
    absolute_tolerance: Annotated[StrictInt, Field(ge=0)] | Annotated[
        StrictFloat, Field(ge=0)] = Field(
        0, description="Numeric: how far off, in the answer's units, still counts.")


class QuizKey(_Model):
    """`solutions/<day>/keys/<id>.yaml`: the accepted answers of a quiz."""

    schema_: Literal[1] = Field(alias="schema", description="Format version; always 1.")
    answers: dict[Identifier, AnswerKey] = Field(description="The key of each question, by id.")


# --- YAML with positions -------------------------------------------------------------------

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """Where a YAML value sits, and the text written there."""

    line: int
    column: int
    raw: str | None  # the scalar as written, None for mappings and lists


class _Reader:
    """Builds plain Python data from a YAML node tree, remembering every value's position."""

    MAX_VALUES = 100_000  # aliases can make a short file stand for an enormous one

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path_, Located] = {}
        self.key_positions: dict[Path_, Located] = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.constructor.SafeConstructor()
        self._open: set[int] = set()  # the nodes being read: an alias to one is a loop
        self._values = 0

    def read(self, node: yaml.Node, path: Path_ = ()) -> Any:
        if id(node) in self._open:
            self._problem(node, path, "this alias refers to a value that contains it, so the "
                          "value never ends")
            return None
        self._values += 1
        if self._values > self.MAX_VALUES:
            raise AuthoringError([Problem(self.file, f"the file stands for more than "
                                          f"{self.MAX_VALUES} values: are aliases (*name) "
                                          "repeating a large part of it?")])
        self._open.add(id(node))
        try:
            return self._read(node, path)
        finally:
            self._open.discard(id(node))

    def _read(self, node: yaml.Node, path: Path_) -> Any:
        mark = node.start_mark
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        self.positions[path] = Located(mark.line + 1, mark.column + 1, raw)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._problem(key_node, path, "merge keys (<<) are not supported: write "
                                  "the keys out")
                    continue
                key = self._key(key_node, path)
                if key is None:
                    self._problem(key_node, path, "a key must be a plain name")
                    continue
                key_path = (*path, key)
                if key in result:
                    first = self.key_positions[key_path]
                    self._problem(key_node, key_path, f"this key appears twice (first on line "
                                  f"{first.line}); YAML would keep only one of them")
                    continue
                key_mark = key_node.start_mark
                self.key_positions[key_path] = Located(
                    key_mark.line + 1, key_mark.column + 1, key_node.value
                )
                result[key] = self.read(value_node, key_path)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*path, n)) for n, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: Path_) -> Any:
        """A scalar's value; one that its explicit tag (`!!int x`) cannot make is a problem."""
        try:
            return self._scalars.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, IndexError, AttributeError):
            self._problem(node, path, f"YAML cannot read {node.value!r} as {node.tag}"
                          .replace("tag:yaml.org,2002:", "!!"))
            return None

    def _key(self, node: yaml.Node, path: Path_) -> str | None:
        """A mapping key as the name it stands for. Keys are names, so one that YAML would read
        as a number or a boolean (`on`, `012`) is taken as written, not as its value."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        value = self._scalar(node, path)
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float) and node.value:
            return str(node.value)
        return None

    def _problem(self, node: yaml.Node, path: Path_, message: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.file, message, mark.line + 1, mark.column + 1, _dotted(path))
        )


def _dotted(path: Path_) -> str | None:
    if not path:
        return None
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def parse_dotted(field: str) -> Path_:
    """The path a dotted field name stands for: `questions[1].id` is ("questions", 1, "id")."""
    return tuple(int(index) if index else name
                 for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field))


@dataclass(frozen=True)
class YamlDocument:
    """A YAML file read as plain data, with each value's position."""

    file: str
    data: Any
    positions: dict[Path_, Located]
    key_positions: dict[Path_, Located]

    def locate(self, path: Path_, key: bool = False) -> Located | None:
        """The position of `path` (of its key, with `key`), or of its nearest ancestor."""
        path = tuple(path)
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path)

    def locate_key(self, path: Path_) -> Located | None:
        """Where the key of `path` is written (for a list item, the item), or else that of its
        nearest ancestor that is in the file; None when not even the first key is."""
        path = tuple(path)
        while path:
            if path in self.key_positions:
                return self.key_positions[path]
            if isinstance(path[-1], int) and path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return None


def read_text(path: Path, display: str | None = None, what: str = "text") -> str:
    """An instructor's file as text: UTF-8, with or without a byte order mark. A file that is
    missing, unreadable, binary or in another encoding raises AuthoringError saying so, with
    the line and column of the first byte that cannot be read."""
    file = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AuthoringError([Problem(file, "file not found")]) from None
    except OSError as error:
        raise AuthoringError([Problem(file, f"cannot read the file: {error.strerror or error}")]
                             ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise AuthoringError([Problem(file, "the file is saved as UTF-16, not UTF-8",
                                      suggestion="save it as UTF-8 in your editor")])
    if b"\0" in data:
        raise AuthoringError([Problem(file, f"this is a binary file, not {what}",
                                      suggestion="replace it with the text file it should be")])
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        line_start = body.rfind(b"\n", 0, error.start) + 1
        column = len(body[line_start:error.start].decode("utf-8", "replace")) + 1
        raise AuthoringError([Problem(
            file, f"the file is not UTF-8: byte 0x{body[error.start]:02x} cannot be read",
            line, column, suggestion="save it as UTF-8 in your editor; it is probably in "
            "Latin-1 or Windows-1252")]) from None


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read an instructor's YAML file; syntax errors and duplicate keys become problems."""
    file = display or str(path)
    text = read_text(path, file, "YAML text")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise AuthoringError([Problem(file, "not valid YAML: nested too deeply")]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context == "while scanning a simple key":  # found on the line after
            mark = error.context_mark or mark
        raise AuthoringError(
            [
                Problem(
                    file,
                    f"not valid YAML: {error.problem or error}",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    suggestion=syntax_hint(error, text),
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise AuthoringError([Problem(file, f"not valid YAML: {error}")]) from None
    if node is None:
        raise AuthoringError([Problem(file, "the file is empty (or holds only comments)")])
    reader = _Reader(file)
    try:
        data = reader.read(node)
    except RecursionError:
        raise AuthoringError([Problem(file, "not valid YAML: nested too deeply")]) from None
    if reader.problems:
        raise AuthoringError(reader.problems)
    return YamlDocument(file, data, reader.positions, reader.key_positions)


_UNCLOSED = {
    "while parsing a flow sequence": "the [ list",
    "while parsing a flow mapping": "the { mapping",
    "while scanning a quoted scalar": "the quoted text",
}


# a value (of a key, or a list item) that starts with a bracket or a quote
_QUOTED_START = re.compile(r"""^\s*(?:-\s+|[^\s#'"][^#]*?:\s+)([\[{"'])""")
_OPENED = {"[": "a list", "{": "a mapping", '"': "quoted text", "'": "quoted text"}


def syntax_hint(error: yaml.MarkedYAMLError, text: str) -> str | None:
    """What usually causes a YAML syntax error, in the author's terms."""
    problem = error.problem or ""
    mark = error.problem_mark
    lines = text.splitlines()
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    opened = _QUOTED_START.match(line)
    if (mark and opened and mark.column > opened.start(1)
            and problem.startswith("expected <block end>")):
        return (f"this value starts with {opened.group(1)}, so YAML reads it as "
                f"{_OPENED[opened.group(1)]} that ends before the rest of the line: put the "
                "whole value in quotes")
    if "'\\t'" in problem:
        return "indent with spaces: YAML does not allow tab characters here"
    if problem == "mapping values are not allowed here" and mark:
        above = [x for x in lines[:mark.line] if x.strip() and not x.lstrip().startswith("#")]
        indent = len(line) - len(line.lstrip(" "))
        if above and indent > len(above[-1]) - len(above[-1].lstrip(" ")) and re.search(
                r":\s+\S", above[-1]):
            return ("this line is indented further than the one above, so YAML reads it as "
                    "the rest of that line's value: line it up with the keys above it")
        return "a value that contains `: ` must be in quotes"
    if problem.startswith("found character") and "cannot start any token" in problem:
        return f"a value starting with {problem.split()[2]} must be in quotes"
    if error.context == "while scanning an alias":
        return "a value starting with * or & must be in quotes"
    if error.context == "while scanning a simple key":
        return ("this line needs a colon after its key (`key: value`); if it goes on with the "
                "value above, indent it further")
    if problem == "sequence entries are not allowed here":
        return "a list item (`- ...`) goes on a line of its own, indented under its key"
    if problem.startswith(("expected <block end>", "expected '<document start>'")):
        return "check the indentation: this line does not line up with the keys above it"
    unclosed = _UNCLOSED.get(error.context or "")
    if unclosed and unclosed != "the quoted text" and error.context_mark and mark and (
            error.context_mark.line == mark.line):
        return (f"{unclosed} that starts at column {error.context_mark.column + 1} needs a "
                "comma between its items; text that starts with [ or { must be quoted as a "
                "whole")
    if unclosed and error.context_mark:
        return (f"{unclosed} that starts on line {error.context_mark.line + 1}, column "
                f"{error.context_mark.column + 1} is not closed; text that starts with [, {{ "
                "or a quote must be quoted as a whole")
    return None


# --- validation --------------------------------------------------------------------------------

ModelT = TypeVar("ModelT", bound=BaseModel)


def _all_field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in _models_in(info.annotation):
            names |= _all_field_names(sub, seen)
    return names


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if _is_model(annotation):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(arg)


def _is_model(annotation: Any) -> bool:
    return (get_origin(annotation) is None and isinstance(annotation, type)
            and issubclass(annotation, BaseModel))


def _alternatives(annotation: Any) -> Iterator[Any]:
    """The types a value of `annotation` may have: Annotated unwrapped, unions split."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _alternatives(get_args(annotation)[0])
    elif origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            yield from _alternatives(arg)
    else:
        yield annotation


def _models_at(model: type[BaseModel], path: Path_) -> list[type[BaseModel]]:
    """The models the value at `path` below `model` may be read as (a union may allow several)."""
    current: list[Any] = [model]
    for part in path:
        following: list[Any] = []
        for option in (o for a in current for o in _alternatives(a)):
            if _is_model(option) and isinstance(part, str):
                following += [info.annotation for name, info in option.model_fields.items()
                              if (info.alias or name) == part]
            elif get_origin(option) is list and isinstance(part, int):
                following.append(get_args(option)[0])
            elif get_origin(option) is dict and isinstance(part, str):
                following.append(get_args(option)[1])
        current = following
    return list(dict.fromkeys(o for a in current for o in _alternatives(a) if _is_model(o)))


def _field_names(models: list[type[BaseModel]]) -> list[str]:
    return list(dict.fromkeys(info.alias or name for model in models
                              for name, info in model.model_fields.items()))


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> list[str]:
    """The candidates nearest to `word`, sorted; several when they are equally near (`hnit` is
    as near to `hint` as to `unit`), none when nothing is near enough."""
    scored = [(difflib.SequenceMatcher(None, c, word).ratio(), c)
              for c in dict.fromkeys(candidates) if c != word]
    best = max((score for score, _ in scored), default=0.0)
    return sorted(c for score, c in scored if score == best and score >= cutoff)


def did_you_mean(word: str, candidates: Iterable[str], quote: str = "`") -> str | None:
    """`did you mean `points`?`, or None when no candidate is near `word`."""
    names = [f"{quote}{name}{quote}" for name in closest(word, candidates)]
    if not names:
        return None
    return "did you mean " + (", ".join(names[:-1]) + " or " if len(names) > 1 else "") + (
        names[-1] + "?")


_YAML_BOOLEAN_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n"}
_DECIMAL = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
# How a type error names what was expected, and how a suggestion does.
_EXPECTED = {
    "int_type": ("a valid integer", "a whole number"),
    "float_type": ("a valid number", "a number"),
    "string_type": ("a valid string", "text"),
    "bool_type": ("true or false", "true or false"),
    "list_type": ("a list", "a list"),
    "dict_type": ("a mapping of keys", "a mapping of keys"),
}


def _yaml_float(value: float) -> str:
    """`value` written with an exponent so that YAML 1.1 reads it as a number: 1.0e+9, not
    1e9 (which it reads as text)."""
    mantissa, exponent = f"{value:.14e}".split("e")
    mantissa = mantissa.rstrip("0")
    return f"{mantissa}{'0' if mantissa.endswith('.') else ''}e{exponent[0]}{int(exponent[1:])}"


def _trap_hint(kinds: set[str], value: Any, raw: str | None) -> str | None:
    """Explain YAML 1.1 implicit typing when it is the likely cause of a type error."""
    if raw is None:
        return None
    numbers = kinds & {"int_type", "float_type"}
    if "string_type" in kinds and not isinstance(value, str):
        if isinstance(value, bool) and raw.lower() in _YAML_BOOLEAN_WORDS:
            return f"YAML reads {raw} as {str(value).lower()}; write \"{raw}\" in quotes"
        if isinstance(value, int) and re.fullmatch(r"[-+]?0[0-7_]+", raw):
            return f"YAML reads {raw} as the octal number {value}; write \"{raw}\" in quotes"
        if isinstance(value, int | float) and ":" in raw:
            return (f"YAML 1.1 reads {raw} as the base-60 number {value}; write \"{raw}\" in "
                    "quotes")
        if isinstance(value, int | float):
            return f"YAML reads {raw} as the number {value}; write \"{raw}\" in quotes"
        if isinstance(value, datetime.date):
            return f"YAML reads {raw} as a date; write \"{raw}\" in quotes"
    if numbers and isinstance(value, str):
        text = value.strip()
        if text.endswith("%") and _DECIMAL.fullmatch(text[:-1].strip()):
            share = float(text[:-1]) / 100
            return f"YAML has no percentages: write {share:g} for {text}"
        plain = text.replace(",", "").replace(" ", "")
        if plain != text and _DECIMAL.fullmatch(plain):
            return f"YAML reads {raw} as text: write {plain}, without separators"
        if _DECIMAL.fullmatch(text) and "e" in text.lower():
            number = float(text)
            whole = number.is_integer() and abs(number) < 1e15
            written = (f"{int(number)}" if whole and numbers == {"int_type"} else
                       _yaml_float(number) + (f" or {int(number)}" if whole else ""))
            return (f"YAML 1.1 reads {raw} as text, not a number, unless it has a decimal "
                    f"point and a signed exponent: write {written}")
    if numbers == {"int_type"} and isinstance(value, float) and value.is_integer():
        return f"write {int(value)}: this is a whole number"
    return None


@dataclass(frozen=True)
class _Error:
    """One of pydantic's errors, placed in the document."""

    path: Path_  # below the validated value, union branches left out
    key: bool  # about the key at `path` (unknown, or not a valid name), not its value
    item: Any  # pydantic's ErrorDetails

    @property
    def kind(self) -> str:
        return str(self.item["type"])

    @property
    def about_type(self) -> bool:
        return self.kind.endswith("_type")


def _placed(data: Any, item: Any) -> _Error:
    """Where an error is in the data: pydantic's location with the names of the union branches
    it tried (`constrained-int`, `CheckSpec`, ...) left out, and a FieldError's own path added."""
    path: list[str | int] = []
    key = item["type"] == "extra_forbidden"
    current = data
    loc = item["loc"]
    for n, part in enumerate(loc):
        if part == "[key]":
            key = True
        elif (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
            path.append(part)
        elif n == len(loc) - 1 and item["type"] == "missing":
            path.append(part)
    error = (item.get("ctx") or {}).get("error")
    if isinstance(error, FieldError):
        path += error.at
    return _Error(tuple(path), key, item)


def validate(
    document: YamlDocument, model: type[ModelT], path: Path_ = ()
) -> ModelT:
    """Validate `document.data` (or the part at `path`) against `model`, or raise every problem."""
    data = document.data
    for part in path:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise AuthoringError(_problems(document, model, path, data, error.errors())) from None


def _problems(document: YamlDocument, model: type[BaseModel], path: Path_, data: Any,
              items: list[Any]) -> list[Problem]:
    """One problem per thing wrong. A value that fails every branch of a union (points are an
    integer, a number or a mapping) is one problem saying what it may be; a branch that fits the
    value but finds it out of range says only that."""
    errors = [_placed(data, item) for item in items]
    # A mapping read by a model branch: its errors inside say what is wrong, not "not a number"
    errors = [e for e in errors if not (e.about_type and any(
        len(o.path) > len(e.path) and o.path[:len(e.path)] == e.path for o in errors))]
    groups: dict[tuple[Path_, bool], list[_Error]] = {}
    for e in errors:
        groups.setdefault((e.path, e.key), []).append(e)
    problems: list[Problem] = []
    for (where, key), group in groups.items():
        specific = [e for e in group if not e.about_type]
        found = ([_problem(document, model, path, e) for e in specific] if specific
                 else [_type_problem(document, model, path, where, key, group)])
        problems += [p for p in found if p not in problems]
    return problems


def _place(document: YamlDocument, path: Path_, key: bool) -> tuple[int | None, int | None,
                                                                     str | None]:
    located = document.locate(path, key=key)
    if located is None:
        return None, None, None
    return located.line, located.column, None if key else located.raw


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:50] + "...")
    return repr(value)


def _type_problem(document: YamlDocument, model: type[BaseModel], path: Path_, where: Path_,
                  key: bool, group: list[_Error]) -> Problem:
    """The value at `where` has none of the types its field allows."""
    expected: list[tuple[str, str]] = []
    for e in group:
        if e.kind in ("model_type", "model_attributes_type"):
            fields = _field_names(_models_at(model, where)) if not key else []
            names = " and ".join(", ".join(f"`{f}`" for f in fields).rsplit(", ", 1))
            text = f"a mapping with {names}" if 0 < len(fields) <= 3 else "a mapping of keys"
            expected.append((text, text))
        else:
            expected.append(_EXPECTED.get(e.kind, (str(e.item["msg"]).removeprefix(
                "Input should be "), "a value of another kind")))
    if ("a valid number", "a number") in expected:  # an integer is a number too
        expected = [x for x in expected if x[0] != "a valid integer"]
    expected = list(dict.fromkeys(expected))
    value = group[0].item.get("input")
    line, column, raw = _place(document, path + where, key)
    if value is None:
        message = "this key has no value"
        suggestion: str | None = (f"write {' or '.join(x[1] for x in expected)} after the "
                                  "colon")
    else:
        message = f"Input should be {' or '.join(x[0] for x in expected)}, got {_got(value)}"
        suggestion = _trap_hint({e.kind for e in group}, value, raw)
    return Problem(document.file, message, line, column, _dotted(path + where), suggestion)


_PATTERNS = {
    ID_PATTERN: "must be a name of lower-case letters, digits and _, starting with a letter",
    r"\S": "is blank: write some text",
    r"^[a-z]$": "must be one lower-case letter",
}


def _problem(document: YamlDocument, model: type[BaseModel], path: Path_, e: _Error) -> Problem:
    line, column, raw = _place(document, path + e.path, e.key)
    value = e.item.get("input")
    ctx = e.item.get("ctx") or {}
    message = str(e.item["msg"]).removeprefix("Value error, ")
    suggestion = None
    if e.kind == "extra_forbidden":
        name = str(e.path[-1])
        message = f"unknown key `{name}`"
        known = _field_names(_models_at(model, e.path[:-1])) or sorted(_all_field_names(model))
        suggestion = did_you_mean(name, known)
    elif e.kind == "missing":
        message = "this required key is missing"
    elif e.kind == "literal_error" and e.path[-1:] == ("schema",):
        message = f"`schema` must be {SCHEMA_VERSION}"
    elif e.kind == "literal_error":
        message += f", got {_got(value)}"
        if isinstance(value, str):
            suggestion = did_you_mean(value, re.findall(r"'([^']*)'", str(ctx.get("expected"))))
    elif e.kind == "string_too_short" and ctx.get("min_length") == 1:
        message = "is empty: write some text"
    elif e.kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        message = _PATTERNS[ctx["pattern"]]
        if ctx["pattern"] != r"\S":
            message += f", got {_got(value)}"
    elif e.kind == "too_short":
        needed = ctx.get("min_length", 1)
        message = ("is empty: it needs at least one entry" if needed == 1
                   else f"needs at least {needed} entries, got {ctx.get('actual_length')}")
    elif e.kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        message += f", got {raw if raw is not None else _got(value)}"
        suggestion = _description(model, e.path)
    return Problem(document.file, message, line, column, _dotted(path + e.path), suggestion)


def _description(model: type[BaseModel], path: Path_) -> str | None:
    """What the field at `path` is for, as the schema describes it."""
    if not path or not isinstance(path[-1], str):
        return None
    for parent in _models_at(model, path[:-1]):
        for name, info in parent.model_fields.items():
            if (info.alias or name) == path[-1] and info.description:
                return info.description.rstrip(".")
    return None


def load_day_spec(path: Path, display: str) -> DaySpec:
    """Read and validate a day's `day.yaml`."""
    return validate(read_yaml(path, display), DaySpec)


def load_exercise_spec(path: Path, display: str) -> CodeSpec | QuizSpec | EssaySpec:
    """Read and validate one exercise spec, choosing the model by its `kind`."""
    document = read_yaml(path, display)
    if not isinstance(document.data, dict):
        top = document.locate(())
        raise AuthoringError([Problem(
            display, f"an exercise spec must be a mapping of keys, got {_got(document.data)}",
            top.line if top else None, top.column if top else None,
            suggestion="write one `key: value` per line: schema, kind, title, hint, ...")])
    kind = document.data.get("kind")
    model = EXERCISE_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise AuthoringError([_kind_problem(document, kind)])
    spec = validate(document, model)
    assert isinstance(spec, CodeSpec | QuizSpec | EssaySpec)
    return spec


def _kind_problem(document: YamlDocument, kind: Any) -> Problem:
    """A spec whose `kind` is missing (perhaps misspelt as a key) or not a kind."""
    kinds = list(EXERCISE_MODELS)
    if "kind" not in document.data:
        known = _field_names(list(EXERCISE_MODELS.values()))
        misspelt = [k for k in document.data if k not in known and closest(k, ["kind"])]
        if misspelt:
            located = document.locate((misspelt[0],), key=True)
            return Problem(document.file, f"unknown key `{misspelt[0]}`",
                           located.line if located else None,
                           located.column if located else None, misspelt[0],
                           "did you mean `kind`?")
        return Problem(document.file, "this required key is missing: it says whether the "
                       f"exercise is {', '.join(kinds[:-1])} or {kinds[-1]}", 1, 1, "kind")
    located = document.locate(("kind",))
    return Problem(
        document.file,
        f"`kind` must be one of {', '.join(kinds)}, got {kind!r}",
        located.line if located else None,
        located.column if located else None,
        "kind",
        did_you_mean(str(kind), kinds),
    )


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schemas of instructors' files, by name: what editors complete and check."""
    from pydantic import TypeAdapter

    schemas = {
        "exercise": TypeAdapter(ExerciseSpec).json_schema(by_alias=True),
        "day": DaySpec.model_json_schema(by_alias=True),
        "quiz-key": QuizKey.model_json_schema(by_alias=True),
    }
    for name, schema in schemas.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://course-grader.invalid/schemas/{name}-v1.json"
    return schemas


def load_quiz_key(path: Path, display: str) -> QuizKey:
    """Read and validate a quiz's answer key."""
    return validate(read_yaml(path, display), QuizKey)


def is_finite_number(value: object) -> bool:
    """True for an int or float (not a bool) that is finite."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )
