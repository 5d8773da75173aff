"""The published schemas of instructors' files, and the field reference generated from them.

`grader/schemas/{day,exercise,quiz-key}-v1.json` are the JSON Schemas editors use to complete
and check a course's YAML; the field reference in docs/authoring.md is rendered from the same
schemas. Both are generated from the models in `grader.spec`, and the test suite keeps the
committed copies in step (`python -m pytest --update-goldens` rewrites them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.spec import ID_PATTERN, json_schemas

SCHEMA_FOLDER = Path(__file__).resolve().parent / "schemas"
REFERENCE_BEGIN = "<!-- field reference: generated from grader/schemas, do not edit by hand -->"
REFERENCE_END = "<!-- end of field reference -->"

# The files an instructor writes, each with its schema and top-level model.
FILES = (
    ("exercises/<day>/day.yaml", "day", None),
    ("exercises/<day>/specs/<id>.yaml, kind: code", "exercise", "CodeSpec"),
    ("exercises/<day>/specs/<id>.yaml, kind: quiz", "exercise", "QuizSpec"),
    ("exercises/<day>/specs/<id>.yaml, kind: essay", "exercise", "EssaySpec"),
    ("solutions/<day>/keys/<id>.yaml", "quiz-key", None),
)


def schema_files() -> dict[str, str]:
    """The text of each published schema file, by file name."""
    return {f"{name}-v1.json": json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
            for name, schema in json_schemas().items()}


def field_reference() -> str:
    """Markdown tables of every field of every instructor's file, from the schemas.

    Each nested model (Limits, Question, ...) gets one table, after the first file that uses
    it; its heading names every file it appears in, and a field of that type says whether its
    table is above or below.
    """
    schemas = json_schemas()
    sections: list[str] = []
    shown: set[str] = set()
    rendered: set[str] = set()
    used_in = _files_using(schemas)
    for heading, name, model in FILES:
        schema = schemas[name]
        definitions = schema.get("$defs", {})
        top = definitions[model] if model else schema
        sections.append(_table(f"`{heading}`", top, definitions, rendered))
        for nested in _nested(top, definitions, shown):
            files = ", ".join(f"`{f}`" for f in used_in[nested])
            sections.append(_table(f"{nested} (inside {files})", definitions[nested],
                                   definitions, rendered))
            rendered.add(nested)
    return "\n".join(sections)


def _files_using(schemas: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """For each nested model, the files (without their kind) whose fields use it."""
    used: dict[str, list[str]] = {}
    for heading, name, model in FILES:
        definitions = schemas[name].get("$defs", {})
        top = definitions[model] if model else schemas[name]
        for ref in _nested(top, definitions, set()):
            files = used.setdefault(ref, [])
            file = heading.split(",")[0]
            if file not in files:
                files.append(file)
    return used


def _nested(schema: dict[str, Any], definitions: dict[str, Any], shown: set[str]) -> list[str]:
    """Models referred to from `schema`, depth first, each once across the whole reference."""
    found: list[str] = []
    for ref in _refs(schema):
        if ref in shown or ref in ("CodeSpec", "QuizSpec", "EssaySpec"):
            continue
        shown.add(ref)
        found.append(ref)
        found.extend(_nested(definitions[ref], definitions, shown))
    return found


def _refs(fragment: Any) -> list[str]:
    if isinstance(fragment, dict):
        refs = [fragment["$ref"].rsplit("/", 1)[-1]] if "$ref" in fragment else []
        for key, value in fragment.items():
            if key not in ("default", "$defs"):
                refs.extend(r for r in _refs(value) if r not in refs)
        return refs
    if isinstance(fragment, list):
        return [r for item in fragment for r in _refs(item)]
    return []


def _table(heading: str, schema: dict[str, Any], definitions: dict[str, Any],
           rendered: set[str]) -> str:
    required = set(schema.get("required", []))
    lines = [f"#### {heading}", "", schema.get("description", "").strip(), "",
             "| field | type | required | description |", "|---|---|---|---|"]
    for field, fragment in schema.get("properties", {}).items():
        default = fragment.get("default")
        need = "yes" if field in required else (
            f"no (default `{json.dumps(default)}`)"
            if default is not None and not isinstance(default, dict | list) else "no")
        description = " ".join(fragment.get("description", "").split()).replace("|", "\\|")
        lines.append(f"| `{field}` | {_type(fragment, definitions, rendered)} | {need} | "
                     f"{description} |")
    return "\n".join(lines) + "\n"


def _type(fragment: dict[str, Any], definitions: dict[str, Any], rendered: set[str]) -> str:
    if "$ref" in fragment:
        name = fragment["$ref"].rsplit("/", 1)[-1]
        return f"{name} ({'above' if name in rendered else 'below'})"
    if "const" in fragment:
        return f"`{json.dumps(fragment['const'])}`"
    if "enum" in fragment:
        return "one of " + ", ".join(f"`{v}`" for v in fragment["enum"])
    options = fragment.get("anyOf") or fragment.get("oneOf")
    if options:
        kinds = [o for o in options if o.get("type") != "null"]
        if any(o.get("type") == "number" for o in kinds):  # an int is a number too
            kinds = [o for o in kinds if o.get("type") != "integer"]
        return " or ".join(dict.fromkeys(_type(o, definitions, rendered) for o in kinds))
    kind = fragment.get("type")
    if kind == "array":
        return f"list of {_type(fragment.get('items', {}), definitions, rendered)}"
    if kind == "object":
        values = fragment.get("patternProperties") or {}
        for pattern, value in values.items():
            keys = "id" if pattern == ID_PATTERN else "letter" if pattern == "^[a-z]$" else "key"
            return f"map of {keys} to {_type(value, definitions, rendered)}"
        if "additionalProperties" in fragment and isinstance(
            fragment["additionalProperties"], dict
        ):
            return f"map of key to {_type(fragment['additionalProperties'], definitions, rendered)}"
        return "mapping"
    if kind == "string":
        if fragment.get("pattern") == ID_PATTERN:
            return "id (a-z, 0-9, _)"
        return "text" + (" (not empty)" if fragment.get("minLength") else "")
    if kind in ("integer", "number"):
        return ("whole number" if kind == "integer" else "number") + _bounds(fragment)
    if kind == "boolean":
        return "true or false"
    return "any"


def _bounds(fragment: dict[str, Any]) -> str:
    parts = []
    if "minimum" in fragment:
        parts.append(f"≥ {fragment['minimum']}")
    if "exclusiveMinimum" in fragment:
        parts.append(f"> {fragment['exclusiveMinimum']}")
    if "maximum" in fragment:
        parts.append(f"≤ {fragment['maximum']}")
    if "exclusiveMaximum" in fragment:
        parts.append(f"< {fragment['exclusiveMaximum']}")
    return f" ({', '.join(parts)})" if parts else ""
