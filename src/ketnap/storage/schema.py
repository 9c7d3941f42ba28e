"""
The JSON Schema of a dossier document, generated from the model.

Every record is an attrs class with typed fields; `json_schema` walks them, so the
schema changes when the model does and never disagrees with the loader. The package
ships the generated text as ``ketnap/storage/dossier.schema.json`` (a test keeps it equal
to `json_schema`), and the site publishes it with a field reference.

The schema describes shape (types, required fields, enumerations, sizes); the loader
checks more (a history that could have happened, dates in order): a document the schema
accepts may still be refused by `ketnap.storage.loads`, never the reverse.

>>> schema = json_schema()
>>> schema["properties"]["schema"]["const"], sorted(schema["$defs"])[:3]
('ketnap/dossier', ['Approval', 'Candidate', 'Certificate'])
"""

from __future__ import annotations

import enum
import functools
import json
import types
import typing
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs
import pendulum

from ketnap.inputs import LIMITS
from ketnap.model import Dossier
from ketnap.model.fields import field_info
from ketnap.storage.documents import SCHEMA, SCHEMA_VERSION

__all__ = ["SCHEMA_FILE", "document_page", "json_schema", "schema_text", "shipped_schema"]

SCHEMA_FILE = "dossier.schema.json"
"""The file name of the shipped schema, in the ``ketnap.storage`` package."""

_OMITTED: dict[type, set[str]] = {
    Dossier: {"revision"}
}  # the store's, not the record's (see to_document)


@functools.cache
def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a dossier document."""
    defs: dict[str, Any] = {}
    dossier = _type(Dossier, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:ketnap:dossier:{SCHEMA_VERSION}",
        "title": "ketnap dossier document",
        "description": (
            "A candidate's admission dossier (hồ sơ kết nạp đảng viên), its records and "
            "its history, as ketnap.storage.dumps writes it."
        ),
        "type": "object",
        "properties": {
            "schema": {"const": SCHEMA},
            "version": {"const": SCHEMA_VERSION},
            "dossier": dossier,
        },
        "required": ["schema", "version", "dossier"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def shipped_schema() -> dict[str, Any]:
    """Return the schema file shipped with the package."""
    text = resources.files("ketnap.storage").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def document_page() -> str:
    """Markdown: the document format, record by record, from the schema."""
    schema = json_schema()
    lines = [
        "# The document format",
        "",
        (
            "Generated from the model when the site is built; do not edit by hand. The schema "
            f"itself: [{SCHEMA_FILE}]({SCHEMA_FILE}) (JSON Schema draft 2020-12), shipped in the "
            "package as `ketnap/storage/dossier.schema.json`."
        ),
        "",
        (
            'A document is `{"schema": "ketnap/dossier", "version": '
            f'{SCHEMA_VERSION}, "dossier": {{...}}}}`. Dates are `YYYY-MM-DD`; sets are sorted '
            f"lists; text is at most {LIMITS.text_chars:,} characters, lists at most "
            f"{LIMITS.list_items:,} items."
        ),
        "",
    ]
    for name, record in schema["$defs"].items():
        lines += [f"## {name}", "", record["description"], ""]
        lines += ["| Field | Label | Type | Required |", "|---|---|---|---|"]
        required = set(record["required"])
        for field, spec in record["properties"].items():
            label = f"{spec['title']} ({spec['description']})" if "title" in spec else ""
            needed = "yes" if field in required else ""
            lines.append(f"| `{field}` | {label} | {_describe(spec)} | {needed} |")
        lines.append("")
    return "\n".join(lines)


def _describe(spec: Mapping[str, Any]) -> str:  # noqa: PLR0911 - one return per kind
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in spec:
        return " or ".join(_describe(option) for option in spec["anyOf"])
    if "enum" in spec:
        return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        return f"list of {_describe(spec['items'])}"
    if kind == "object":
        return f"object of {_describe(spec['additionalProperties'])}"
    if spec.get("format") == "date":
        return "date"
    return str(kind)


def _type(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401, C901, PLR0911 - one branch per kind
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in {typing.Union, types.UnionType}:
        return {"anyOf": [_type(arg, defs) for arg in args]}
    if hint is type(None):
        return {"type": "null"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": 0, "maximum": 10**LIMITS.integer_digits - 1}
    if hint is str:
        return {"type": "string", "maxLength": LIMITS.text_chars}
    if hint is pendulum.Date:
        return {"type": "string", "format": "date"}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [member.value for member in hint]}
    if origin in {list, tuple, frozenset}:
        item = _type(args[0], defs)
        array = {"type": "array", "items": item, "maxItems": LIMITS.list_items}
        return {**array, "uniqueItems": True} if origin is frozenset else array
    if origin in {dict, Mapping}:
        return {"type": "object", "additionalProperties": _type(args[1], defs)}
    if attrs.has(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _record(hint, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {hint!r}")  # a new field type: extend _type


def _record(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    omitted = _OMITTED.get(cls, set())
    properties: dict[str, Any] = {}
    required = []
    for field in attrs.fields(cls):
        if field.name in omitted or not field.init:
            continue
        properties[field.name] = _type(hints[field.name], defs)
        info = field_info(field)
        if info is not None and info.label is not None:  # the words the model declares
            properties[field.name] |= {"title": info.label.vi, "description": info.label.en}
        if field.default is attrs.NOTHING:
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().splitlines()
    return {
        "type": "object",
        "description": doc[0] if doc else cls.__name__,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


if (
    __name__ == "__main__"
):  # python -m ketnap.storage.schema > src/ketnap/storage/dossier.schema.json
    print(schema_text(), end="")  # noqa: T201
