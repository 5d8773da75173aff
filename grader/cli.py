"""The `grade` command: parse the command line, call the library, print, set the exit status.

    grade DAY [EXERCISE ...] [--submission DIR | --solutions] [--format FORMAT]
    grade list
    grade validate [DAY|PATH]    grade verify DAY    grade new DAY EXERCISE --kind KIND
    grade release DAY --out DIR  grade seal DAY      grade export gradescope|classroom DAY

Exit status: 0 everything passed, 1 some checks failed, 2 usage or authoring error,
3 internal grader error.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from grader import __version__
from grader.catalog import Course, Day, write_seal
from grader.errors import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_PASSED,
    EXIT_USAGE,
    AuthoringError,
    GraderError,
    UsageError,
)
from grader.feedback import percent, points_text
from grader.packaging import classroom_workflow, gradescope_zip
from grader.plan import GradingPlan, make_plan
from grader.release import release_day
from grader.reporters import classroom, gradescope, junit, markdown, terminal, verification
from grader.reporters import json as json_report
from grader.results import GradingRun
from grader.runner import grade
from grader.scaffold import new_exercise
from grader.spec import CodeSpec, EssaySpec, QuizSpec, to_points
from grader.validate import DayReport, validate_day, validate_file
from grader.verify import verify_day

MACHINE_FORMATS = {
    "gradescope": gradescope.render,
    "classroom": classroom.render,
    "junit": junit.render,
    "markdown": markdown.render,
}
FORMATS = ("terminal", "json", *MACHINE_FORMATS)
_SYMBOLS = "✓✗○—"


class GradeGroup(click.Group):
    """A group whose first argument may be a day instead of a command: `grade day06`."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            # named after the day, so that click's messages say "Try 'grade day06 --help'"
            return args[0], self.commands["day"], args
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Accept options before the day too (`grade --format json day06`): move them after."""
        day = self.commands["day"]
        valued = {opt for param in day.params if isinstance(param, click.Option)
                  and not param.is_flag for opt in param.opts}
        leading: list[str] = []
        rest = list(args)
        while rest and rest[0].startswith("-") and rest[0] not in _GROUP_OPTIONS:
            option = rest.pop(0)
            leading.append(option)
            if option in valued and rest:
                leading.append(rest.pop(0))
        if leading and rest:
            args = [rest[0], *leading, *rest[1:]]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("grade", "DAY [EXERCISE]... [OPTIONS]\n       grade COMMAND")


class DayCommand(click.Command):
    """The command behind `grade DAY`, whose usage line names the day, not the command."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("grade", "DAY [EXERCISE]... [OPTIONS]")


_GROUP_OPTIONS = ("-h", "--help", "--version")


class Percent(click.FloatRange):
    """A percentage from 0 to 100 (not NaN)."""

    name = "percent"

    def __init__(self) -> None:
        super().__init__(0, 100)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not 0 <= number <= 100:  # NaN fails this too
            self.fail(f"{value!r} is not a percentage: give a number from 0 to 100", param, ctx)
        return number


def _console_encoding() -> str:
    return getattr(sys.stdout, "encoding", None) or "ascii"


def _can_print_unicode() -> bool:
    try:
        _SYMBOLS.encode(_console_encoding())
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _use_colour(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _echo(text: str) -> None:
    """Print `text`, replacing what the console cannot show instead of crashing."""
    encoding = _console_encoding()
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.encode(encoding, "replace").decode(encoding, "replace")
    click.echo(text, nl=False, color=True)


def _fail(error: GraderError) -> None:
    if isinstance(error, AuthoringError):
        _err(f"grade: {len(error.problems)} problem(s) in the course files:")
        for problem in error.problems:
            _err(f"  {problem}")
    else:
        _err(f"grade: {error}")
    sys.exit(error.exit_status)


def _err(text: str) -> None:
    encoding = getattr(sys.stderr, "encoding", None) or "ascii"
    click.echo(text.encode(encoding, "replace").decode(encoding, "replace"), err=True)


def _guard(function: Callable[..., int]) -> Callable[..., None]:
    """Run a command body, mapping every outcome to its exit status and never a traceback."""

    def run(**kwargs: Any) -> None:
        try:
            status = function(**kwargs)
        except GraderError as error:
            _fail(error)
        except KeyboardInterrupt:
            _err("grade: interrupted")
            sys.exit(130)
        except BrokenPipeError:  # `grade day06 | head`: the reader has had enough
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
        except Exception as error:  # a bug of ours: say so, briefly, and exit 3
            _err("grade: internal error: this is a bug in the grader, not in your work. "
                 "Please report it with the lines below.")
            _err(f"  {type(error).__name__}: {error}")
            if os.environ.get("GRADE_DEBUG"):
                _err(traceback.format_exc())
            else:
                _err("  (set GRADE_DEBUG=1 to see the full traceback)")
            sys.exit(EXIT_INTERNAL)
        sys.exit(status)

    run.__name__ = function.__name__
    run.__doc__ = function.__doc__
    return run


course_option = click.option(
    "--course", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The course folder (default: the one containing the current folder, or $GRADE_COURSE).",
)


@click.group(cls=GradeGroup, invoke_without_command=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grade")
def cli() -> None:
    """Grade your work on a day of the course.

    \b
      grade day06                  grade every exercise of day06
      grade day06 chinchilla       grade one exercise
      grade day06 --format json    machine-readable results
      grade list                   the days and their exercises

    \b
    Options of grade DAY (all of them: grade day06 --help):
      --submission DIR    grade the files in DIR, named as in exercises/DAY
      --solutions         grade the reference solutions
      --format FORMAT     terminal (default), json, gradescope, classroom, junit
                          or markdown
      --output FILE       write the results to FILE instead of the screen
      --fail-under PCT    exit 0 at PCT percent of the points or more, 1 below

    \b
    For instructors:
      grade validate day07         check a day's files, with file:line and fixes
      grade verify day07           prove solutions pass, stubs fail, essays land in bands
      grade new day07 ID --kind code|quiz|essay    scaffold a new exercise
      grade release day07 --out DIR                the student version of a day
    """


@cli.command("day", cls=DayCommand, hidden=True)
@click.argument("day_name", metavar="DAY")
@click.argument("exercises", nargs=-1, metavar="[EXERCISE]...")
@click.option("--submission", type=click.Path(path_type=Path), default=None,
              help="Grade the student files found in this folder (named as in exercises/DAY).")
@click.option("--solutions", is_flag=True, help="Grade the reference solutions.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="terminal",
              show_default=True, help="How to print the results.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the results to this file instead of the screen.")
@click.option("--fail-under", type=Percent(), default=None, metavar="PERCENT",
              help="Exit 0 when the score is at least PERCENT of the maximum, 1 below it "
                   "(for CI gating; by default any failing check exits 1).")
@click.option("--color/--no-color", default=None,
              help="Colour the terminal report (default: only on a terminal, never with "
                   "NO_COLOR set).")
@course_option
@_guard
def grade_day(
    day_name: str,
    exercises: tuple[str, ...],
    submission: Path | None,
    solutions: bool,
    output_format: str,
    output: Path | None,
    fail_under: float | None,
    color: bool | None,
    course: Path | None,
) -> int:
    """Grade DAY (all its exercises, or the EXERCISEs named)."""
    found = Course.find(course)
    day = found.load_day(day_name, only=list(exercises) or None)
    plan = make_plan(found, day, list(exercises) or None, submission, solutions)
    if output is not None:
        _check_output(output, plan)
    if output_format == "terminal" and output is None and sys.stderr.isatty():
        # a day with slow or looping code can take a minute: say something meanwhile
        count = len(plan.jobs)
        _err(f"Grading {day.name}: {count} exercise{'s' if count != 1 else ''}...")
    run = grade(plan)
    text = _render(run, output_format, output, color)
    if output is not None:
        _write(output, text)
    else:
        _echo(text)
    if output_format == "classroom":
        _publish_to_actions(run)
    if run.grader_errors:
        return EXIT_INTERNAL
    if fail_under is not None:
        return EXIT_PASSED if percent(run) >= fail_under else EXIT_FAILED
    return EXIT_PASSED if run.passed else EXIT_FAILED


def _render(run: GradingRun, output_format: str, output: Path | None,
            color: bool | None) -> str:
    if output_format == "terminal":
        unicode = _can_print_unicode() if output is None else True
        width = shutil.get_terminal_size((100, 24)).columns if output is None else 100
        style = terminal.Style(color=_use_colour(color) and output is None, unicode=unicode,
                               width=width)
        return terminal.render(run, style)
    if output_format == "json":
        return json_report.render(run, ascii_only=output is None and not _utf8_console())
    return MACHINE_FORMATS[output_format](run)


def _write(path: Path, text: str, append: bool = False) -> None:
    try:
        with path.open("a" if append else "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None


def _publish_to_actions(run: GradingRun) -> None:
    """In GitHub Actions: the step output `result` the Classroom reporter reads, and a summary
    of the run on the job's page."""
    if os.environ.get("GITHUB_OUTPUT"):
        _write(Path(os.environ["GITHUB_OUTPUT"]), f"result={classroom.encoded(run)}\n",
               append=True)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        _write(Path(os.environ["GITHUB_STEP_SUMMARY"]), markdown.render(run), append=True)


def _check_output(output: Path, plan: GradingPlan) -> None:
    """Refuse an --output path that would overwrite a student's or the course's file."""
    target = output.resolve()
    if target.is_dir():
        raise UsageError(f"--output {output} is a folder; give a file name")
    if not target.parent.is_dir():
        raise UsageError(f"--output {output}: the folder {target.parent} does not exist")
    # the course's folders and every folder a graded file comes from
    folders = {plan.course.exercises_dir.resolve(), plan.course.solutions_dir.resolve(),
               *(job.source.resolve().parent for job in plan.jobs)}
    inside = any(target.is_relative_to(folder) for folder in folders)
    if target in {job.source.resolve() for job in plan.jobs} or (inside and target.exists()):
        raise UsageError(f"--output {output} would overwrite a file of the course or of the "
                         "submission; write the report somewhere else")


def _utf8_console() -> bool:
    return _console_encoding().lower().replace("-", "") == "utf8"


@cli.command("list")
@course_option
@_guard
def list_days(course: Path | None) -> int:
    """List the days and their exercises, with points."""
    found = Course.find(course)
    status = EXIT_PASSED
    for name in found.day_names():
        try:
            day = found.load_day(name)
        except AuthoringError as error:
            _echo(f"{name}  (cannot be read: {len(error.problems)} problem(s); "
                  f"the first: {error.problems[0]})\n")
            status = EXIT_USAGE
            continue
        _echo(_day_listing(day))
    return status


def _day_listing(day: Day) -> str:
    rows = [(e.id, e.kind, _exercise_points(e.spec, e), e.title) for e in day.exercises]
    total = sum((r[2] for r in rows), to_points(0))
    lines = [f"{day.name}  {day.title}  ({points_text(total)} points)"]
    width = max(len(r[0]) for r in rows)
    for exercise_id, kind, points, title in rows:
        lines.append(f"  {exercise_id.ljust(width)}  {kind.ljust(5)}  "
                     f"{points_text(points).rjust(3)}  {title}")
    return "\n".join(lines) + "\n\n"


def _exercise_points(spec: CodeSpec | QuizSpec | EssaySpec, exercise: Any) -> Any:
    if isinstance(spec, CodeSpec):
        return sum((to_points(c.spec.points) for c in exercise.checks), to_points(0))
    if isinstance(spec, QuizSpec):
        return sum((to_points(q.points) for q in spec.questions), to_points(0))
    return sum((to_points(c.points) for c in spec.criteria), to_points(0))


@cli.command("seal")
@click.argument("day_name", metavar="DAY")
@course_option
@_guard
def seal_day(day_name: str, course: Path | None) -> int:
    """Record the checksums of DAY's check files, so that grading notices changed checks.

    Run it after changing a check; it writes exercises/DAY/checks.sha256.
    """
    found = Course.find(course)
    day = found.load_day(day_name)
    path = write_seal(found, day)
    _echo(f"sealed {sum(len(e.check_files) for e in day.exercises)} check file(s) "
          f"in {found.display(path)}\n")
    return EXIT_PASSED


@cli.command("validate")
@click.argument("target", required=False, metavar="[DAY|PATH]")
@course_option
@_guard
def validate_command(target: str | None, course: Path | None) -> int:
    """Check the course's files before students see them: every day, DAY, or PATH (a day
    folder, a course folder, or one spec, day.yaml or key file).

    Problems name file:line:column and the field, with a fix where one is likely. Exit status
    2 when there are problems (warnings alone exit 0).
    """
    path = Path(target) if target else None
    if path is not None and path.is_file():
        problems = validate_file(path)
        _echo("".join(f"{p}\n" for p in problems) or f"{target}: valid\n")
        return EXIT_USAGE if any(not p.warning for p in problems) else EXIT_PASSED
    if path is not None and path.is_dir() and (path / "day.yaml").is_file():
        if path.resolve().parent.name != "exercises":
            raise UsageError(f"{target} is a day folder outside exercises/: validate the course "
                             "it belongs to")
        found, names = Course(path.resolve().parent.parent), [path.resolve().name]
    elif path is not None and path.is_dir() and (path / "exercises").is_dir():
        found = Course(path.resolve())
        names = found.day_names()
    else:
        found = Course.find(course)
        names = [target] if target else found.day_names()
    reports = [validate_day(found, name) for name in names]
    _echo("".join(_validation_text(r) for r in reports))
    return EXIT_USAGE if any(r.errors for r in reports) else EXIT_PASSED


def _validation_text(report: DayReport) -> str:
    if not report.problems:
        return f"{report.day}: valid ({report.exercises} exercises)\n"
    counts = [f"{len(report.errors)} problem(s)" if report.errors else "",
              f"{len(report.warnings)} warning(s)" if report.warnings else ""]
    lines = [f"{report.day}: {', '.join(c for c in counts if c)}"]
    lines += [f"  {p}" for p in (*report.errors, *report.warnings)]
    return "\n".join(lines) + "\n"


@cli.command("verify")
@click.argument("day_name", metavar="DAY")
@course_option
@_guard
def verify_command(day_name: str, course: Path | None) -> int:
    """Prove DAY grades as meant: solutions score full marks, untouched stubs score zero and
    fail every check, grading twice gives the same report, model essays land in their bands.

    Exit status 0 when all of it holds, 1 when something does not, 2 when the files do not
    validate.
    """
    found = Course.find(course)
    result = verify_day(found, day_name)
    _echo(verification.render(result, unicode=_can_print_unicode()))
    if result.grader_errors:
        return EXIT_INTERNAL
    return EXIT_PASSED if result.held else EXIT_FAILED


@cli.command("new")
@click.argument("day_name", metavar="DAY")
@click.argument("exercise_id", metavar="EXERCISE")
@click.option("--kind", type=click.Choice(["code", "quiz", "essay"]), required=True,
              help="What students hand in: code, quiz answers or an essay.")
@click.option("--title", default=None, help="The exercise's title (default: from its id).")
@course_option
@_guard
def new_command(day_name: str, exercise_id: str, kind: str, title: str | None,
                course: Path | None) -> int:
    """Scaffold EXERCISE in DAY: spec, stub, checks or key, solution and model essays, as a
    working example to replace. DAY is created if it does not exist; no file is overwritten."""
    try:
        root = course.resolve() if course is not None else Course.find().root
    except UsageError as error:
        raise UsageError(f"{error}; to start a new course in this folder, pass --course .") \
            from None
    made = new_exercise(root, day_name, exercise_id, kind, title)
    shown = Course(root)
    _echo(f"{'created ' + made.day + ' and ' if made.new_day else ''}added {made.exercise} "
          f"({kind}) to {shown.display(made.files[0])}:\n"
          + "".join(f"  {shown.display(p)}\n" for p in made.files[1:])
          + f"It is a working example: `grade verify {made.day}` passes on it now. Replace it "
          f"with your exercise, then run `grade validate {made.day}` and "
          f"`grade verify {made.day}`.\n")
    return EXIT_PASSED


@cli.command("release")
@click.argument("day_name", metavar="DAY")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The folder to write the student version into (new, or an earlier release "
                   "to add DAY to).")
@click.option("--replace", "replace_day", is_flag=True,
              help="Release DAY again into a release that already holds it.")
@course_option
@_guard
def release_command(day_name: str, out: Path, replace_day: bool, course: Path | None) -> int:
    """Write the student version of DAY: exercises, stubs and public checks, quiz keys as
    salted hashes; no solutions, hidden checks or model essays."""
    found = Course.find(course)
    summary = release_day(found, day_name, out, replace_day)
    lines = [f"released {summary.day} into {summary.out} ({summary.files} files)"]
    if summary.hashed_quizzes:
        lines.append(f"  quiz keys as salted hashes: {', '.join(summary.hashed_quizzes)}")
    if summary.instructor_questions:
        lines.append("  marked only by your grading (their keys cannot be hashed): "
                     + ", ".join(summary.instructor_questions))
    lines.append(f"  left out: solutions, {summary.hidden_checks_left_out} hidden check(s), "
                 f"{summary.model_essays_left_out} model essay(s), the readable keys")
    lines.append(f"Students: `cd {summary.out}`, install as its README says, `grade "
                 f"{summary.day}`.")
    _echo("\n".join(lines) + "\n")
    return EXIT_PASSED


@cli.group("export")
def export() -> None:
    """Ready-made set-ups for grading platforms."""


@export.command("gradescope")
@click.argument("day_name", metavar="DAY")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the zip (default: DAY-autograder.zip).")
@course_option
@_guard
def export_gradescope(day_name: str, out: Path | None, course: Path | None) -> int:
    """Build the Gradescope autograder zip for DAY (setup.sh, run_autograder, the course)."""
    found = Course.find(course)
    day = found.load_day(day_name)
    target = out or Path(f"{day.name}-autograder.zip")
    names = gradescope_zip(found, day, target)
    _echo(f"wrote {target} ({len(names)} files): upload it as the assignment's autograder\n")
    return EXIT_PASSED


@export.command("classroom")
@click.argument("day_name", metavar="DAY")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the workflow (default: .github/workflows/DAY.yml in the "
                   "course).")
@click.option("--course-repo", default=None, metavar="OWNER/NAME@REF",
              help="Take the checks from this repository, which students cannot change, and "
                   "grade only the student's files.")
@click.option("--python", default="3.11", show_default=True, help="Python version in CI.")
@course_option
@_guard
def export_classroom(day_name: str, out: Path | None, course_repo: str | None, python: str,
                     course: Path | None) -> int:
    """Write a GitHub Actions workflow that grades DAY and reports to GitHub Classroom."""
    found = Course.find(course)
    day = found.load_day(day_name)
    target = out or found.root / ".github" / "workflows" / f"{day.name}.yml"
    text = classroom_workflow(day, course_repo, python)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(target, text)
    _echo(f"wrote {target}\n")
    return EXIT_PASSED


def main() -> None:
    """Entry point of the `grade` console script."""
    # a terminated run still cleans up its working folders (copies of the student's files)
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    cli(prog_name="grade")
