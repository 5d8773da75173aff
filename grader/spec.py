"""Instructors' YAML files, read into validated, typed models.

Every problem found is reported as a `Problem` naming the file, line, column and field, with a
suggestion where one is likely (a misspelt key, a YAML implicit-typing trap). This module is a
leaf of the pipeline: it imports nothing else from the package but `errors`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

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
        seen = [i for n, i in enumerate(ids) if i in ids[:n]]
        if seen:
            raise ValueError(f"exercise {seen[0]!r} is listed twice")
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
        description="For numeric questions: what is counted (tokens, nats, times...); named when "
        "an answer is off by a power of a thousand. Percentages are accepted only without a "
        "unit or with fraction, probability, share, accuracy or percent.",
    )
    hint: StrictStr = Field("", description="Shown with a wrong answer.")

    @model_validator(mode="after")
    def _choices_match_type(self) -> Question:
        has_choices = self.type in ("choice", "multiple_choice")
        if has_choices and not self.choices:
            raise ValueError(f"a {self.type} question needs `choices`")
        if not has_choices and self.choices:
            raise ValueError(f"a {self.type} question has no `choices`")
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
                raise ValueError(f"question id {qid!r} is used twice")
        return questions


class WordBounds(_Model):
    """How long an essay may be."""

    min: Annotated[StrictInt, Field(ge=0)] = Field(
        0, description="Fewer words than this score 0 (the criteria are still shown)."
    )
    max: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="Words past this are not read."
    )

    @model_validator(mode="after")
    def _ordered(self) -> WordBounds:
        if self.max is not None and self.max < self.min:
            raise ValueError("`max` is below `min`")
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
            raise ValueError(f"`need` is {self.need} but there are {len(self.evidence)} groups")
        if any(not group for group in self.evidence):
            raise ValueError("an evidence group is empty")
        return self


class ScoreBand(_Model):
    """Where a model essay's score must land, as a share of the maximum."""

    min: Fraction01 = Field(description="The lowest share of the points, from 0 to 1.")
    max: Fraction01 = Field(description="The highest share of the points, from 0 to 1.")

    @model_validator(mode="after")
    def _ordered(self) -> ScoreBand:
        if self.max < self.min:
            raise ValueError("`max` is below `min`")
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

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path_, Located] = {}
        self.key_positions: dict[Path_, Located] = {}
        self.problems: list[Problem] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def read(self, node: yaml.Node, path: Path_ = ()) -> Any:
        mark = node.start_mark
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        self.positions[path] = Located(mark.line + 1, mark.column + 1, raw)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalars.construct_object(key_node) if isinstance(
                    key_node, yaml.ScalarNode
                ) else None
                if not isinstance(key, str | int) or isinstance(key, bool):
                    self._problem(key_node, path, "a key must be a plain name")
                    continue
                key = str(key)
                if key in result:
                    self._problem(key_node, (*path, key), "this key appears twice")
                    continue
                key_path = (*path, key)
                key_mark = key_node.start_mark
                self.key_positions[key_path] = Located(
                    key_mark.line + 1, key_mark.column + 1, key_node.value
                )
                result[key] = self.read(value_node, key_path)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*path, n)) for n, item in enumerate(node.value)]
        return self._scalars.construct_object(node)

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


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read an instructor's YAML file; syntax errors and duplicate keys become problems."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AuthoringError([Problem(file, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise AuthoringError([Problem(file, f"cannot read the file: {error}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise AuthoringError([Problem(file, "not valid YAML: nested too deeply")]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise AuthoringError(
            [
                Problem(
                    file,
                    f"not valid YAML: {error.problem or error}",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise AuthoringError([Problem(file, f"not valid YAML: {error}")]) from None
    if node is None:
        raise AuthoringError([Problem(file, "the file is empty")])
    reader = _Reader(file)
    data = reader.read(node)
    if reader.problems:
        raise AuthoringError(reader.problems)
    return YamlDocument(file, data, reader.positions, reader.key_positions)


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
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(arg)


_YAML_BOOLEAN_WORDS = {"yes", "no", "on", "off", "true", "false", "y", "n"}


def _trap_hint(error_type: str, value: Any, raw: str | None) -> str | None:
    """Explain YAML 1.1 implicit typing when it is the likely cause of a type error."""
    if raw is None:
        return None
    if error_type == "string_type":
        if isinstance(value, bool) and raw.lower() in _YAML_BOOLEAN_WORDS:
            return f"YAML reads {raw} as {str(value).lower()}; write \"{raw}\" in quotes"
        if isinstance(value, int) and raw.startswith("0") and raw != "0":
            return f"YAML reads {raw} as the octal number {value}; write \"{raw}\" in quotes"
        if isinstance(value, int | float):
            return f"YAML reads {raw} as a number; write \"{raw}\" in quotes to keep the text"
    if error_type in ("int_type", "float_type", "int_from_float") and isinstance(value, str):
        try:
            float(raw)
        except ValueError:
            return None
        return f"YAML 1.1 reads {raw} as text; write it with a decimal point, like 1.0e3"
    return None


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
        known = sorted(_all_field_names(model))
        problems = []
        for item in error.errors():
            loc = path + tuple(p for p in item["loc"] if not _is_union_tag(p))
            located = document.locate(loc, key=item["type"] == "extra_forbidden")
            message = _message(item)
            suggestion = None
            if item["type"] == "extra_forbidden" and isinstance(loc[-1], str):
                close = difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
                suggestion = f"did you mean `{close[0]}`?" if close else None
                message = f"unknown key `{loc[-1]}`"
            else:
                suggestion = _trap_hint(
                    item["type"], item.get("input"), located.raw if located else None
                )
            problems.append(
                Problem(
                    document.file,
                    message,
                    located.line if located else None,
                    located.column if located else None,
                    _dotted(loc),
                    suggestion,
                )
            )
        raise AuthoringError(problems) from None


def _is_union_tag(part: str | int) -> bool:
    # pydantic names the branch of a union it tried (`int`, `CheckSpec`, `constrained-str`, ...)
    return isinstance(part, str) and (
        part[:1].isupper()
        or part in ("int", "float", "str", "list[str]", "constrained-int", "constrained-float")
        or part.startswith(("constrained-", "function-", "list["))
    )


def _message(item: Any) -> str:
    kind = item["type"]
    if kind == "missing":
        return "this required key is missing"
    if kind == "literal_error" and item["loc"][-1:] == ("schema",):
        return f"`schema` must be {SCHEMA_VERSION}"
    text = str(item["msg"])
    if text.startswith("Value error, "):
        text = text[len("Value error, ") :]
    value = item.get("input")
    if kind.endswith("_type") and not isinstance(value, dict | list):
        text += f", got {value!r}"
    return text


def load_day_spec(path: Path, display: str) -> DaySpec:
    """Read and validate a day's `day.yaml`."""
    return validate(read_yaml(path, display), DaySpec)


def load_exercise_spec(path: Path, display: str) -> CodeSpec | QuizSpec | EssaySpec:
    """Read and validate one exercise spec, choosing the model by its `kind`."""
    document = read_yaml(path, display)
    if not isinstance(document.data, dict):
        raise AuthoringError([Problem(display, "an exercise spec must be a mapping of keys")])
    kind = document.data.get("kind")
    model = EXERCISE_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        located = document.locate(("kind",))
        close = difflib.get_close_matches(str(kind), list(EXERCISE_MODELS), n=1)
        raise AuthoringError(
            [
                Problem(
                    display,
                    "`kind` must be one of code, quiz, essay"
                    + ("" if kind is None else f", got {kind!r}"),
                    located.line if located else None,
                    located.column if located else None,
                    "kind",
                    f"did you mean `{close[0]}`?" if close else None,
                )
            ]
        )
    spec = validate(document, model)
    assert isinstance(spec, CodeSpec | QuizSpec | EssaySpec)
    return spec


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
