"""JUnit XML, as CI systems read it: a suite per exercise, a case per check.

A failed check is a `<failure>` (a wrong answer, or not implemented yet), a crashed, timed-out
or unloadable one an `<error>`. Points travel as properties, since JUnit has no score field.
What the student's code printed is the case's `<system-out>`. Hidden checks keep their status
and points but not their names or messages. Characters XML cannot hold are replaced, and so are
control characters and bidirectional overrides in what the student wrote (shown by CI pages and
consoles, never obeyed: `grader.feedback.printable`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.feedback import check_message, failure_lines, points_text, printable_run
from grader.results import CheckResult, ExerciseResult, GradingRun, Status

# XML 1.0 forbids most control characters and lone surrogates, which student output may hold
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _properties(parent: ET.Element, **values: str) -> None:
    properties = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=_clean(value))


def _case(suite: ET.Element, exercise: ExerciseResult, check: CheckResult, number: int) -> None:
    name = f"hidden check {number}" if check.hidden else check.title
    case = ET.SubElement(suite, "testcase", classname=f"{suite.get('name')}",
                         name=_clean(f"{check.id}: {name}" if not check.hidden else name),
                         time=f"{check.duration:.3f}")
    if check.file and not check.hidden:  # where a hidden check lives is not for students
        case.set("file", check.file)
        case.set("line", str(check.line))
    _properties(case, score=points_text(check.score), max_score=points_text(check.max_score))
    if check.status is Status.PASS:
        return
    tag = "failure" if check.status in (Status.FAIL, Status.NOT_IMPLEMENTED) else "error"
    if check.hidden:
        ET.SubElement(case, tag, message="a hidden check did not pass", type=check.status.value)
        return
    text = check_message(check)
    if exercise.problem is not None:
        text = "\n".join(failure_lines(exercise.problem)) + "\n" + text
    summary = text.splitlines()[0] if text else check.status.value
    element = ET.SubElement(case, tag, message=_clean(summary), type=check.status.value)
    element.text = _clean(text)
    if check.output:
        ET.SubElement(case, "system-out").text = _clean(check.output)


def render(run: GradingRun) -> str:
    """The run as a JUnit XML document."""
    run = printable_run(run)
    root = ET.Element("testsuites", name=f"grade {run.day}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for exercise in run.exercises:
        failures = sum(1 for c in exercise.checks
                       if c.status in (Status.FAIL, Status.NOT_IMPLEMENTED))
        errors = sum(1 for c in exercise.checks if c.status in (Status.ERROR, Status.TIMEOUT))
        suite = ET.SubElement(root, "testsuite", name=f"{run.day}.{exercise.id}",
                              tests=str(len(exercise.checks)), failures=str(failures),
                              errors=str(errors), skipped="0", time=f"{exercise.duration:.3f}")
        _properties(suite, score=points_text(exercise.score),
                    max_score=points_text(exercise.max_score), kind=exercise.kind,
                    file=exercise.file)
        for n, check in enumerate(exercise.checks, 1):
            _case(suite, exercise, check, n)
        totals["tests"] += len(exercise.checks)
        totals["failures"] += failures
        totals["errors"] += errors
    for name, value in totals.items():
        root.set(name, str(value))
    root.set("time", f"{run.duration:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
