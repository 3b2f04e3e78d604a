"""Validate a ``-json`` document against docs/sclient-report.schema.json.

Uses ``jsonschema`` when installed; otherwise a tiny validator for the subset
of JSON Schema the file uses (type, enum, required, properties,
additionalProperties false, items, minimum, maximum, pattern)."""

from __future__ import annotations

import json
import re
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


def _is(value: Any, t: str) -> bool:
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[t])


def check(value: Any, schema: dict[str, Any], path: str = "$") -> None:
    types = schema.get("type")
    if types is not None:
        tl = [types] if isinstance(types, str) else types
        if not any(_is(value, t) for t in tl):
            raise AssertionError(f"{path}: {value!r} is not of type {types}")
    if "enum" in schema and value not in schema["enum"]:
        raise AssertionError(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                raise AssertionError(f"{path}: missing {key!r}")
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(props)
            if extra:
                raise AssertionError(f"{path}: unexpected {sorted(extra)}")
        for key, sub in props.items():
            if key in value:
                check(value[key], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(item, schema["items"], f"{path}[{i}]")
    if _is(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            raise AssertionError(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise AssertionError(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        raise AssertionError(f"{path}: {value!r} does not match {schema['pattern']}")


def validate(doc: Any) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    check(doc, schema)
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(doc, schema)
