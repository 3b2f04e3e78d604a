"""The one way tests read sclient's ``-json`` output: :func:`sclient_json`
parses stdout (which must be exactly one JSON document) and validates it
against docs/sclient-report.schema.json before any test looks at it.

tests/test_json_documents_validated.py fails if a test runs ``-json`` without
going through here. The validator covers exactly the JSON Schema keywords the
schema uses and refuses any other one, so that the schema cannot say more than
is checked; ``jsonschema``, when installed, checks the document too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "sclient-report.schema.json"

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}
#: Keywords that only annotate (never make a document invalid).
_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}
_CHECKED = {
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "minimum",
    "maximum",
    "pattern",
    "oneOf",
    "$ref",
}


@cache
def schema() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return doc


def _is(value: Any, t: str) -> bool:
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[t])


def _resolve(ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise AssertionError(f"schema: only local $ref are supported, not {ref!r}")
    node: Any = schema()
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return dict(node)


def check(value: Any, sch: dict[str, Any], path: str = "$") -> None:
    unknown = set(sch) - _CHECKED - _ANNOTATIONS
    if unknown:
        raise AssertionError(
            f"schema at {path}: keywords not checked by the tests: {sorted(unknown)}"
        )
    if "$ref" in sch:
        check(value, _resolve(sch["$ref"]), path)
    types = sch.get("type")
    if types is not None:
        tl = [types] if isinstance(types, str) else types
        if not any(_is(value, t) for t in tl):
            raise AssertionError(f"{path}: {value!r} is not of type {types}")
    if "enum" in sch and value not in sch["enum"]:
        raise AssertionError(f"{path}: {value!r} not in {sch['enum']}")
    if "const" in sch and value != sch["const"]:
        raise AssertionError(f"{path}: {value!r} is not {sch['const']!r}")
    if "oneOf" in sch:
        passed = 0
        for sub in sch["oneOf"]:
            try:
                check(value, sub, path)
            except AssertionError:
                continue
            passed += 1
        if passed != 1:
            raise AssertionError(f"{path}: {value!r} matches {passed} of oneOf, not 1")
    if isinstance(value, dict):
        for key in sch.get("required", []):
            if key not in value:
                raise AssertionError(f"{path}: missing {key!r}")
        props = sch.get("properties", {})
        if sch.get("additionalProperties") is False:
            extra = set(value) - set(props)
            if extra:
                raise AssertionError(f"{path}: unexpected {sorted(extra)}")
        for key, sub in props.items():
            if key in value:
                check(value[key], sub, f"{path}.{key}")
    if isinstance(value, list):
        if "minItems" in sch and len(value) < sch["minItems"]:
            raise AssertionError(f"{path}: fewer than {sch['minItems']} items")
        if "items" in sch:
            for i, item in enumerate(value):
                check(item, sch["items"], f"{path}[{i}]")
    if _is(value, "number"):
        if "minimum" in sch and value < sch["minimum"]:
            raise AssertionError(f"{path}: {value} < {sch['minimum']}")
        if "maximum" in sch and value > sch["maximum"]:
            raise AssertionError(f"{path}: {value} > {sch['maximum']}")
    if isinstance(value, str) and "pattern" in sch and not re.search(sch["pattern"], value):
        raise AssertionError(f"{path}: {value!r} does not match {sch['pattern']}")


def validate(doc: Any) -> None:
    """Raise AssertionError unless ``doc`` is valid under the published schema."""
    check(doc, schema())
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(doc, schema())


def sclient_json(stdout: str | bytes) -> dict[str, Any]:
    """The validated document of a ``sclient -json`` run (its whole stdout)."""
    text = stdout.decode("utf-8") if isinstance(stdout, bytes) else stdout
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise AssertionError(
            f"-json stdout is not one JSON document ({exc}): {text[:500]!r}"
        ) from None
    if not isinstance(doc, dict):
        raise AssertionError(f"-json stdout is not a JSON object: {text[:200]!r}")
    validate(doc)
    return doc
