"""`grade validate`: a day's files checked against each other before students see them.

Reading a day (the catalog) already rejects what grading cannot work with: specs against their
schema, check functions against the points in the spec. Validation adds what an author needs to
know before release: every solution, answer key, answer sheet and model essay present and
consistent with its spec, stubs and solutions that parse, checks that call functions the stub
defines, and a seal that matches the checks. Nothing is run and nothing is written.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from grader.catalog import SEAL_FILE, Course, Day, Exercise, check_paths, file_digest
from grader.errors import AuthoringError, Problem, UsageError
from grader.quiz import AnswerError, load_key, read_answer_sheet, unhashable_reason
from grader.spec import (
    CodeSpec,
    EssaySpec,
    QuizSpec,
    YamlDocument,
    did_you_mean,
    load_day_spec,
    load_exercise_spec,
    load_quiz_key,
    parse_dotted,
    read_text,
    read_yaml,
)
from grader.student_files import StudentFileError, read_student_text

MODEL_ESSAYS = "essays"  # solutions/<day>/essays/<id>/<band>.md


@dataclass(frozen=True)
class DayReport:
    """What validation found in one day: errors (grading would be wrong) and warnings."""

    day: str
    exercises: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.warning)


def validate_day(course: Course, name: str) -> DayReport:
    """Every problem in a day's files, without running anything."""
    name = course.resolve_day_name(name)
    try:
        day, problems = course.read_day(name)
    except AuthoringError as error:  # day.yaml itself cannot be read
        return DayReport(name, 0, tuple(error.problems))
    problems.extend(_stray_specs(course, day))
    problems.extend(
        Problem(course.display(e.spec_path),
                f"the student file {course.display(e.stub_path)} is missing")
        for e in day.exercises if not e.stub_path.is_file())
    if not day.solutions_dir.is_dir():
        problems.append(Problem(
            course.display(day.dir / "day.yaml"),
            f"{course.display(day.solutions_dir)}/ is missing: the reference solutions, answer "
            "keys and model essays go there"))
    else:
        for exercise in day.exercises:
            problems.extend(_exercise_problems(course, day, exercise))
    problems.extend(_seal_problems(course, day))
    return DayReport(name, len(day.spec.exercises), tuple(_placed(course, _unique(problems))))


def validate_file(path: Path) -> list[Problem]:
    """The schema problems of one instructor's file, recognised by its name and folder."""
    display = str(path)
    try:
        if path.name == "day.yaml":
            load_day_spec(path, display)
        elif path.parent.name == "specs" and path.suffix in (".yaml", ".yml"):
            load_exercise_spec(path, display)
        elif path.parent.name == "keys" and path.suffix in (".yaml", ".yml"):
            load_quiz_key(path, display)
        else:
            raise UsageError(
                f"{path} is not a file grade validate knows: give a day.yaml, a spec in "
                "specs/, a quiz key in keys/, a day folder or a course folder")
    except AuthoringError as error:
        return list(error.problems)
    return []


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _placed(course: Course, problems: list[Problem]) -> list[Problem]:
    """Problems about a field of a YAML file, given the line and column where it is written.

    Checks across files (a check the checks file does not define, a band without a model essay,
    a question the key does not answer) know the field but not the line: they work on the read
    spec, not on its text. The line is where the field's key is written, or where the nearest
    key above it is when the field itself is missing."""
    documents: dict[str, YamlDocument | None] = {}
    placed = []
    for problem in problems:
        if problem.line is None and problem.field and problem.file.endswith((".yaml", ".yml")):
            if problem.file not in documents:
                try:
                    documents[problem.file] = read_yaml(course.root / problem.file, problem.file)
                except AuthoringError:
                    documents[problem.file] = None
            document = documents[problem.file]
            located = document.locate_key(parse_dotted(problem.field)) if document else None
            if located is not None:
                problem = replace(problem, line=located.line, column=located.column)
        placed.append(problem)
    return placed


def _stray_specs(course: Course, day: Day) -> list[Problem]:
    """Specs in specs/ that the day does not list: a typo in day.yaml, or forgotten work."""
    listed = set(day.spec.exercises)
    unspecified = [i for i in day.spec.exercises
                   if not (day.dir / "specs" / f"{i}.yaml").is_file()]
    problems = []
    for path in sorted((day.dir / "specs").glob("*.y*ml")):
        if path.stem in listed:
            continue
        close = difflib.get_close_matches(path.stem, unspecified, n=1)
        suggestion = (f"day.yaml lists {close[0]}: did you mean {path.stem}?" if close
                      else f"add `- {path.stem}` to the exercises of day.yaml, or delete it")
        problems.append(Problem(course.display(path), "this exercise is not listed in "
                                "day.yaml, so it is never graded", suggestion=suggestion,
                                warning=not close))
    return problems


def _exercise_problems(course: Course, day: Day, exercise: Exercise) -> list[Problem]:
    spec_file = course.display(exercise.spec_path)
    problems: list[Problem] = []
    if not exercise.solution_path.is_file():
        problems.append(Problem(spec_file, f"the model solution "
                                f"{course.display(exercise.solution_path)} is missing",
                                suggestion="write the answer you expect, so that grade verify "
                                "can show it scores full marks"))
    if isinstance(exercise.spec, CodeSpec):
        problems.extend(_code_problems(course, day, exercise, exercise.spec))
    elif isinstance(exercise.spec, QuizSpec):
        problems.extend(_quiz_problems(course, exercise, exercise.spec))
    elif isinstance(exercise.spec, EssaySpec):
        problems.extend(_essay_problems(course, day, exercise, exercise.spec))
    return problems


def _code_problems(course: Course, day: Day, exercise: Exercise,
                   spec: CodeSpec) -> list[Problem]:
    problems: list[Problem] = []
    defined: set[str] | None = None
    for path, role in ((exercise.stub_path, "stub"), (exercise.solution_path, "solution")):
        if not path.is_file():
            continue
        tree = _parse_python(path, course.display(path), problems)
        if tree is not None and role == "stub":
            defined = _top_level_names(tree)
    hidden = [name for name, check in spec.check_specs().items()
              if check.visibility != "visible"]
    hidden_path = check_paths(exercise.id, day.dir, day.solutions_dir)[1]
    # in a student release the hidden checks are meant to be absent, with solutions/ itself
    if hidden and day.solutions_dir.is_dir() and not hidden_path.is_file():
        problems.append(Problem(
            course.display(day.dir / "specs" / f"{exercise.id}.yaml"),
            f"the hidden check(s) {', '.join(hidden)} need {course.display(hidden_path)}, "
            "which is missing: without it they are silently left out of every grading",
            suggestion=f"write them in {course.display(hidden_path)}, or make them visible"))
    if defined is None:
        return problems
    for path in check_paths(exercise.id, day.dir, day.solutions_dir):
        if not path.is_file():
            continue
        tree = _parse_python(path, course.display(path), [])
        for name, line, column in _submission_calls(tree) if tree else []:
            if name in defined:
                continue
            close = difflib.get_close_matches(name, sorted(defined), n=1)
            problems.append(Problem(
                course.display(path), f"the checks call submission.{name}, which "
                f"{course.display(exercise.stub_path)} does not define", line, column,
                suggestion=f"did you mean {close[0]}?" if close else
                "define it in the stub, so that students know its name", warning=not close))
    return problems


def _parse_python(path: Path, display: str, problems: list[Problem]) -> ast.Module | None:
    try:
        return ast.parse(read_text(path, display, "Python source"), filename=display)
    except SyntaxError as error:
        problems.append(Problem(display, f"not valid Python: {error.msg}", error.lineno,
                                error.offset))
    except AuthoringError as error:
        problems.extend(error.problems)
    return None


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _submission_calls(tree: ast.Module) -> list[tuple[str, int, int]]:
    """`submission.NAME` uses in a checks file, each name once, where it is first used."""
    seen: dict[str, tuple[str, int, int]] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "submission" and not node.attr.startswith("_")):
            seen.setdefault(node.attr, (node.attr, node.lineno, node.col_offset + 1))
    return sorted(seen.values(), key=lambda item: (item[1], item[2]))


def _quiz_problems(course: Course, exercise: Exercise, spec: QuizSpec) -> list[Problem]:
    problems: list[Problem] = []
    key_path = exercise.key_path
    ids = [q.id for q in spec.questions]
    if key_path is None or key_path.suffix == ".json":  # a released key: nothing to author
        return problems
    if not key_path.is_file():
        problems.append(Problem(
            course.display(exercise.spec_path), f"the answer key {course.display(key_path)} "
            "is missing", suggestion="write it with `schema: 1` and an entry under `answers:` "
            f"for each of {', '.join(ids)}"))
    else:
        problems.extend(_key_problems(course, spec, key_path))
    for path, role in ((exercise.stub_path, "answer sheet"),
                       (exercise.solution_path, "model answer sheet")):
        if not path.is_file():
            continue
        display = course.display(path)
        try:
            text, _ = read_student_text(path, display)
            answers = read_answer_sheet(text, display)
        except (StudentFileError, AnswerError) as error:
            problems.append(Problem(display, f"the {role} cannot be read: {error}"))
            continue
        for unknown in [a for a in answers if a not in ids]:
            close = difflib.get_close_matches(unknown, ids, n=1)
            problems.append(Problem(display, f"{unknown} is not a question of "
                                    f"{course.display(exercise.spec_path)}", field=unknown,
                                    suggestion=f"did you mean {close[0]}?" if close else None))
        missing = [i for i in ids if i not in answers]
        if missing and role == "answer sheet":
            problems.append(Problem(display, "the answer sheet has no line for "
                                    f"{', '.join(missing)}: students will not know where to "
                                    "answer", suggestion=f"add `{missing[0]}:` on a line of "
                                    "its own", warning=True))
    return problems


def _key_problems(course: Course, spec: QuizSpec, key_path: Path) -> list[Problem]:
    """What is wrong with a quiz's answer key, and answers no student release can mark."""
    display = course.display(key_path)
    ids = [q.id for q in spec.questions]
    try:
        marked = load_key(spec, key_path, display)
    except AuthoringError as error:
        return [_suggest_question(p, ids) for p in error.problems]
    problems = []
    for question_id, question in marked.items():
        reason = unhashable_reason(question)
        if reason:
            problems.append(Problem(
                display, f"in a student release, this answer can only be marked by you, not "
                f"by the student's own grade: {reason}", field=f"answers.{question_id}",
                suggestion="list the accepted answers as plain text, or with ?, | and bounded "
                "repeats only", warning=True))
    return problems


def _suggest_question(problem: Problem, ids: list[str]) -> Problem:
    """An answer in the key under an id that is no question, with the question it may mean."""
    answered = (problem.field or "").removeprefix("answers.")
    if (problem.suggestion or answered == problem.field or answered in ids
            or not answered.isidentifier()):
        return problem
    return replace(problem, suggestion=did_you_mean(answered, ids, quote=""))


def model_essays(day: Day, exercise_id: str) -> dict[str, Path]:
    """The model essays of an essay exercise, by band name."""
    folder = day.solutions_dir / MODEL_ESSAYS / exercise_id
    return {p.stem: p for p in sorted(folder.glob("*.md"))} if folder.is_dir() else {}


def _essay_problems(course: Course, day: Day, exercise: Exercise,
                    spec: EssaySpec) -> list[Problem]:
    spec_file = course.display(exercise.spec_path)
    essays = model_essays(day, exercise.id)
    folder = course.display(day.solutions_dir / MODEL_ESSAYS / exercise.id)
    problems = [
        Problem(spec_file, f"criterion {criterion.id} is worth 0 points: meeting it or not "
                "changes no score", field=f"criteria[{n}].points",
                suggestion="give it points, or remove it")
        for n, criterion in enumerate(spec.criteria) if criterion.points == 0
    ]
    problems += [
        Problem(spec_file, f"band {band} has no model essay: write {folder}/{band}.md",
                field=f"bands.{band}")
        for band in spec.bands if band not in essays
    ]
    problems += [
        Problem(course.display(path), f"this model essay has no band in {spec_file}, so "
                "grade verify does not check it", suggestion=f"add `{band}: {{min: 0, max: 1}}` "
                "under `bands:`", warning=True)
        for band, path in essays.items() if band not in spec.bands
    ]
    if len(spec.bands) < 2:
        problems.append(Problem(
            spec_file, "an essay needs at least two model essays with bands (a strong and a "
            "weak one), so that grade verify can show the rubric tells them apart",
            field="bands", suggestion="add `bands: {strong: {min: 0.8, max: 1}, weak: {min: 0, "
            f"max: 0.4}}}}` and write {folder}/strong.md and weak.md", warning=True))
    return problems


def _seal_problems(course: Course, day: Day) -> list[Problem]:
    """A seal that no longer matches the checks: grading would refuse those exercises."""
    if day.seal is None:
        return []
    seal_file = course.display(day.dir / SEAL_FILE)
    problems = [
        Problem(seal_file, f"{exercise.id}: {exercise.tampered}, so grading refuses it",
                suggestion=f"run `grade seal {day.name}` after changing checks on purpose")
        for exercise in day.exercises if exercise.tampered
    ]
    for name, digest in sorted(day.seal.items()):
        path = course.root / name
        if not path.is_file():
            problems.append(Problem(seal_file, f"{name} is sealed but does not exist",
                                    suggestion=f"run `grade seal {day.name}`"))
        elif file_digest(path) != digest and not any(
            e.tampered and name in e.tampered for e in day.exercises
        ):
            problems.append(Problem(seal_file, f"{name} has changed since it was sealed",
                                    suggestion=f"run `grade seal {day.name}`"))
    return problems
