"""
The limits of a document (`ketnap.inputs.LIMITS`), checked without building a dossier.

`parse_json` bounds a JSON text while parsing it; `_check_bounds` walks the parsed data
(nesting, sizes, integers, strings UTF-8 cannot hold); `_check_in_memory` checks a dossier's
own mutable fields before it is saved. Each raises `ketnap.InvalidDocument` with the path.
"""

from __future__ import annotations

import functools
import json
import typing
from typing import Any, Final

import attrs

from ketnap.errors import InvalidDocument, InvalidInput
from ketnap.inputs import LIMITS
from ketnap.model import Dossier

# --- bounded parsing -------------------------------------------------------------------------


class _Refused(ValueError):
    """A limit or a JSON construct the parser hooks refuse; the message names which."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # The key is not quoted: field names are ours, but a key may be anything.
        raise _Refused("an object holds the same key twice")
    return result


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > LIMITS.integer_digits:
        raise _Refused(f"an integer has more than {LIMITS.integer_digits} digits")
    return int(text)


def _constant(name: str) -> object:
    raise _Refused(f"{name} is not a JSON number")


def parse_json(text: str | bytes) -> object:
    """
    Parse a JSON text within `ketnap.inputs.LIMITS` (no duplicate keys, no NaN).

    `from_document` then checks the rest of the limits (nesting, sizes of lists).

    Raises:
        InvalidDocument: at ``$``, naming what is wrong.
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidDocument("$", "expected a JSON text")
    if len(text) > LIMITS.document_bytes:
        raise InvalidDocument("$", f"larger than {LIMITS.document_bytes:,} bytes")
    try:
        document = json.loads(
            text, object_pairs_hook=_pairs, parse_int=_integer, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise InvalidDocument(
            "$", f"not valid JSON ({exc.msg}; line {exc.lineno}, column {exc.colno})"
        ) from None
    except _Refused as exc:
        raise InvalidDocument("$", str(exc)) from None
    except RecursionError:
        raise InvalidDocument("$", f"nested deeper than {LIMITS.depth} levels") from None
    except (UnicodeDecodeError, TypeError, ValueError):
        raise InvalidDocument("$", "not a UTF-8 JSON text") from None
    return document


# --- the parsed data and a dossier in memory -------------------------------------------------


@functools.cache
def _dossier_fields() -> tuple[tuple[str, str, tuple[type, ...]], ...]:
    """Each field of `Dossier`: its name, its shape (list, dict, one) and the types it holds."""
    hints = typing.get_type_hints(Dossier)
    shapes: list[tuple[str, str, tuple[type, ...]]] = []
    for field in attrs.fields(Dossier):
        hint = hints[field.name]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is list:
            shapes.append((field.name, "list", (args[0],)))
        elif origin is dict:
            shapes.append((field.name, "dict", (args[1],)))
        elif args:  # X | None
            shapes.append((field.name, "one", tuple(typing.get_origin(a) or a for a in args)))
        else:
            shapes.append((field.name, "one", (hint,)))
    return tuple(shapes)


def _validated_fields(kind: type[Dossier]) -> tuple[attrs.Attribute[Any], ...]:
    """The fields of *kind* (`Dossier`, or a class of its own) that have a validator."""
    found = _VALIDATED.get(kind)
    if found is None:
        found = _VALIDATED[kind] = tuple(
            field for field in attrs.fields(kind) if field.validator is not None
        )
    return found


_VALIDATED: dict[type[Dossier], tuple[attrs.Attribute[Any], ...]] = {}


def _check_in_memory(dossier: Dossier) -> None:
    """
    Check what may have changed on a dossier since it was built: its own fields.

    Appending to a list or assigning into a dict bypasses the dossier's validators, so
    the types and sizes of its collections are checked here, then its validators run.
    """
    limit = LIMITS.list_items
    for name, shape, kinds in _dossier_fields():
        value = getattr(dossier, name)
        if shape == "one":
            if not isinstance(value, kinds):
                raise InvalidDocument(f"$.dossier.{name}", f"holds a {type(value).__name__}")
            continue
        container = dict if shape == "dict" else list
        if not isinstance(value, container):
            raise InvalidDocument(
                f"$.dossier.{name}", f"expected a {shape}, got {type(value).__name__}"
            )
        if len(value) > limit:
            raise InvalidDocument(f"$.dossier.{name}", f"holds more than {limit:,} items")
        for item in value.values() if isinstance(value, dict) else value:
            if not isinstance(item, kinds):
                raise InvalidDocument(f"$.dossier.{name}", f"holds a {type(item).__name__}")
    _validate(dossier)


def _validate(dossier: Dossier) -> None:
    """`attrs.validate`, over the fields that have a validator only."""
    if attrs.validators.get_disabled():
        return  # as `attrs.validate` does
    try:
        for field in _validated_fields(type(dossier)):
            field.validator(dossier, field, getattr(dossier, field.name))  # type: ignore[misc]
    except InvalidInput as exc:
        raise InvalidDocument(f"$.dossier.{exc.field}", exc.reason) from None


def _check_bounds(document: object) -> None:
    """Walk *document*: nesting, list and object sizes, and strings that UTF-8 cannot hold."""
    # A fast pass without paths; only a document that fails it is walked again to name
    # the place (building a path for every node would double the cost of a load).
    if _within_bounds(document, 0):
        return
    stack: list[tuple[object, str, int]] = [(document, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (dict, list)):
            stack.extend(_children(value, path, depth))
        elif isinstance(value, str):
            if not value.isascii() and not _encodable(value):
                raise InvalidDocument(path, "holds a lone surrogate, which no text file can")
        elif (
            isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _INTEGER_BOUND
        ):
            raise InvalidDocument(path, f"more than {LIMITS.integer_digits} digits")


def _children(
    value: dict[Any, Any] | list[Any], path: str, depth: int
) -> list[tuple[object, str, int]]:
    if depth >= LIMITS.depth:
        raise InvalidDocument(path, f"nested deeper than {LIMITS.depth} levels")
    if len(value) > LIMITS.list_items:
        raise InvalidDocument(path, f"holds more than {LIMITS.list_items:,} items")
    if isinstance(value, list):
        return [(item, f"{path}[{n}]", depth + 1) for n, item in enumerate(value)]
    for key in value:
        if not isinstance(key, str) or not _encodable(key):
            raise InvalidDocument(path, "has a key that is not a text")
    return [(item, f"{path}.{key}", depth + 1) for key, item in value.items()]


_INTEGER_BOUND: Final[int] = 10**LIMITS.integer_digits


def _within_bounds(value: object, depth: int) -> bool:  # noqa: PLR0911 - one return per kind
    if isinstance(value, str):
        return value.isascii() or _encodable(value)
    if isinstance(value, dict):
        if depth >= LIMITS.depth or len(value) > LIMITS.list_items:
            return False
        return all(
            isinstance(key, str)
            and (key.isascii() or _encodable(key))
            and _within_bounds(item, depth + 1)
            for key, item in value.items()
        )
    if isinstance(value, list):
        if depth >= LIMITS.depth or len(value) > LIMITS.list_items:
            return False
        return all(_within_bounds(item, depth + 1) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) < _INTEGER_BOUND
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
