"""
Dossiers as JSON documents: versioned, strict, verified on load.

A document is plain JSON-compatible data::

    {"schema": "ketnap/dossier", "version": 1, "dossier": {...every field...}}

Loading checks every field's type (no ``"5"`` taken for ``5``, no ``"false"`` for
``True``), refuses unknown fields, rebuilds the domain objects with their own
validation and verifies the history chain (`ketnap.integrity`). Any problem raises one
`ketnap.InvalidDocument` naming the path of the offending field; nothing half-built
is returned. Older schema versions are brought forward by the format's migrations.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> text = dumps(dossier)
>>> loads(text).stage
'proposed'
>>> loads(text.replace('"held_on": "2024-03-12"', '"held_on": "12/03/2024"'))
Traceback (most recent call last):
...
ketnap.errors.InvalidDocument: $.dossier.votes[0].held_on: expected a date as YYYY-MM-DD
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, cast, get_args, get_origin

import attrs
import cattrs
import orjson
import pendulum
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_frozenset,
    is_mapping,
    is_sequence,
    list_structure_factory,
    mapping_structure_factory,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ketnap import integrity
from ketnap.dates import parse_date
from ketnap.errors import InvalidDocument, InvalidInput
from ketnap.inputs import LIMITS
from ketnap.model import (
    Dossier,
)
from ketnap.model.fields import added_fields
from ketnap.model.labels import LabelledEnum as _Labelled
from ketnap.process import ADMISSION, Process
from ketnap.rules import RuleSet

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "DocumentFormat",
    "Migration",
    "checked_dumps",
    "dumps",
    "from_document",
    "loads",
    "parse_json",
    "redact",
    "to_document",
    "with_records",
]

SCHEMA: Final = "ketnap/dossier"
"""The ``schema`` value of every dossier document."""

SCHEMA_VERSION: Final = 1
"""The schema version this release writes."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the ``dossier`` object of version *n* into that of version *n + 1*."""

_Hook = Callable[[Any, Any], object]


# --- strict structuring hooks ------------------------------------------------------------------


class _Expected(TypeError):
    """A value of the wrong JSON type; the message names what was expected, never the value."""


# Dates repeat across dossiers (meeting days, decision days); pendulum dates are immutable,
# so one parsed object per distinct text is shared. The cache is bounded by the calendar.
_DATES: dict[str, pendulum.Date] = {}
_DATES_CAP: Final = 200_000


def _structure_date(value: object, _type: object) -> pendulum.Date:
    cached = _DATES.get(value) if isinstance(value, str) else None
    if cached is not None:
        return cached
    try:
        date = parse_date(value)
    except InvalidInput:
        raise _Expected("a date as YYYY-MM-DD") from None
    if len(_DATES) < _DATES_CAP:
        _DATES[cast("str", value)] = date  # parse_date took it: a str
    return date


def _structure_enum(value: object, type_: type[_Labelled]) -> _Labelled:
    member = type_._value2member_map_.get(value) if type(value) is str else None
    if member is None:
        raise _Expected(f"one of {', '.join(m.value for m in type_)}")
    return cast("_Labelled", member)


def _exact(kind: type, name: str) -> Callable[[object, object], Any]:
    # cattrs' defaults call str(), int(), bool() on anything, which turns "false" into
    # True and 5 into "5": silent data loss in an official record.
    def structure(value: object, _type: object) -> object:
        if type(value) is not kind:
            raise _Expected(name)
        return value

    return structure


def _require(kind: type, name: str, hook: _Hook) -> _Hook:
    # cattrs iterates any iterable, so a string would become a list of characters.
    def structure(value: object, type_: object) -> object:
        if not isinstance(value, kind):
            raise _Expected(name)
        return hook(value, type_)

    return structure


def _sequence_hook(type_: type, converter: cattrs.Converter) -> _Hook:
    if get_origin(type_) is tuple:
        return _require(list, "a list", homogenous_tuple_structure_factory(type_, converter))
    return _require(list, "a list", list_structure_factory(type_, converter))


def _frozenset_hook(type_: type, converter: cattrs.Converter) -> _Hook:
    (element,) = get_args(type_)
    item = converter.get_structure_hook(element)

    def structure(value: object, _type: object) -> frozenset[Any]:
        if not isinstance(value, list):
            raise _Expected("a list")
        return frozenset(item(member, element) for member in value)

    return structure


def _mapping_hook(type_: type, converter: cattrs.Converter) -> _Hook:
    return _require(dict, "an object", mapping_structure_factory(type_, converter))


# Each record's fields added to version 1 after its first release, as the model declares
# them (`ketnap.model.fields.FieldInfo.added`).
_ADDED_FIELDS: Final = added_fields(Dossier)


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    converter.register_unstructure_hook(pendulum.Date, dt.date.isoformat)
    # Plain strings in the document, not enum members that merely behave like them.
    # Hooks by class: _Labelled precedes str in every ketnap enum's MRO.
    # (_value_, not the enum's value property, which costs a call per field saved.)
    converter.register_unstructure_hook(_Labelled, lambda member: member._value_)
    converter.register_structure_hook(_Labelled, _structure_enum)
    converter.register_structure_hook(pendulum.Date, _structure_date)
    for kind, name in ((str, "a string"), (int, "an integer"), (bool, "true or false")):
        converter.register_structure_hook(kind, _exact(kind, name))
    converter.register_structure_hook_factory(is_frozenset, _frozenset_hook)
    converter.register_structure_hook_factory(is_mapping, _mapping_hook)
    converter.register_structure_hook_factory(is_sequence, _sequence_hook)
    # Sorted, so that the same dossier always gives the same document.
    converter.register_unstructure_hook_factory(
        is_frozenset, lambda _t: lambda value: sorted(str(member) for member in value)
    )
    # Fields added after version 1 of the document are written only when they differ from
    # their default: a document that does not use them stays readable by an older ketnap,
    # and every document stays as small as it was.
    omitted = override(omit_if_default=True)
    for record, fields in _ADDED_FIELDS.items():
        if record is Dossier:
            continue  # below, with its revision
        overrides: dict[str, Any] = dict.fromkeys(fields, omitted)
        converter.register_unstructure_hook(
            record, make_dict_unstructure_fn(record, converter, **overrides)
        )
    # The revision belongs to the store that holds the copy, not to the record.
    converter.register_unstructure_hook(
        Dossier,
        make_dict_unstructure_fn(
            Dossier,
            converter,
            revision=override(omit=True),
            **cast("dict[str, Any]", dict.fromkeys(_ADDED_FIELDS[Dossier], omitted)),
        ),
    )
    converter.register_structure_hook(
        Dossier,
        make_dict_structure_fn(
            Dossier, converter, revision=override(omit=True), _cattrs_forbid_extra_keys=True
        ),
    )
    return converter


# Loading tries the lean converter first; only a failing document pays for the detailed
# one, which collects the path of the offending field.
_CONVERTER = _make_converter(detailed=False)
_DETAILED = _make_converter(detailed=True)


# --- errors ----------------------------------------------------------------------------------


def _reason(exc: BaseException, type_: type | None) -> str:
    # Messages name the expected shape, never the offending value (it may be personal data).
    if isinstance(exc, InvalidInput):
        return exc.reason
    if isinstance(exc, _Expected):
        return f"expected {exc}"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown fields: {', '.join(sorted(map(repr, exc.extra_fields)))}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, (ValueError, TypeError)) and type_ is not None:
        return f"expected {getattr(type_, '__name__', None) or _short(type_)}"
    return f"invalid value ({type(exc).__name__})"


def _short(type_: object) -> str:
    return re.sub(r"\b[\w.]+\.", "", repr(type_))


def _explain(body: dict[str, Any]) -> InvalidDocument:
    try:
        _DETAILED.structure(body, Dossier)
    except InvalidInput as exc:
        return InvalidDocument(f"$.dossier.{exc.field}", exc.reason)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one InvalidDocument
        return _first_error(exc, "$.dossier")
    return InvalidDocument("$.dossier", "invalid document")


def _first_error(exc: BaseException, path: str) -> InvalidDocument:
    found: list[tuple[str, str]] = []

    def keep(error: BaseException, type_: type | None) -> str:
        reason = _reason(error, type_)
        found.append((reason, error.field if isinstance(error, InvalidInput) else ""))
        return reason

    lines = cattrs.transform_error(exc, path=path, format_exception=keep)
    if not lines:
        return InvalidDocument(path, _reason(exc, None))
    reason, field = found[0] if found else ("invalid value", "")
    where = lines[0].rpartition(" @ ")[2] or path
    # A class-level check (Vote's counts, Dossier's birth date) names its own field.
    if field and not where.endswith(f".{field}"):
        where = f"{where}.{field}"
    return InvalidDocument(where, reason)


# --- the format ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DocumentFormat:
    """
    The document schema: the version written and the migrations that read older ones.

    Args:
        version: the schema version written; documents of a newer version are refused.
        migrations: ``{n: migration}`` turning a version-*n* ``dossier`` object into
            version *n + 1*; a document of version *k* < ``version`` needs every step
            from *k* up.

    >>> def rename(dossier):
    ...     dossier["entered_pool_on"] = dossier.pop("pool_entry")
    ...     return dossier
    >>> next_format = DocumentFormat(version=2, migrations={1: rename})
    """

    version: int = SCHEMA_VERSION
    migrations: Mapping[int, Migration] = attrs.field(factory=dict)

    def to_document(self, dossier: Dossier) -> dict[str, Any]:
        """Return *dossier* as JSON-compatible data (every field, history included)."""
        body: dict[str, Any] = _CONVERTER.unstructure(dossier, Dossier)
        return {"schema": SCHEMA, "version": self.version, "dossier": body}

    def from_document(
        self,
        document: object,
        *,
        verify: bool = True,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> Dossier:
        """
        Rebuild a dossier from *document*, migrating it from an older version if needed.

        Args:
            document: data as produced by `to_document` (or `json.loads` of `dumps`).
            verify: check that the history is intact and legal and leads to the stage
                (`ketnap.integrity.verify`).
            process: the process the dossier follows; a stage it does not know is refused.
            regulations: the rule sets a history entry may name (None: the shipped ones).

        Raises:
            InvalidDocument: anything wrong, with the path of the offending field.
        """
        _check_bounds(document)
        body = self._current_body(document)
        try:
            dossier = _CONVERTER.structure(body, Dossier)
        except Exception:  # noqa: BLE001 - every failure becomes one InvalidDocument
            raise _explain(body) from None
        _check_dossier(dossier, process, regulations, verify=verify)
        return dossier

    def dumps(self, dossier: Dossier, *, indent: int | None = None) -> str:
        """Return *dossier* as a JSON text (UTF-8 safe, Vietnamese kept readable)."""
        return json.dumps(self.to_document(dossier), ensure_ascii=False, indent=indent)

    def checked_dumps(
        self,
        dossier: Dossier,
        *,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> str:
        """
        Return *dossier* as a JSON text that is known to load back.

        A store writes this text, so that a save never accepts what a load refuses (a
        stage set by hand, a removed history entry, a record edited in place into an
        invalid state).

        Raises:
            InvalidDocument: the text would not load, with the path of the field.
        """
        # What a load checks, without parsing the text back: the records are frozen and
        # were validated (text, integers and collections bounded) when built, so what
        # remains is the dossier's own mutable fields, the history and the size.
        _check_in_memory(dossier)
        _check_dossier(dossier, process, regulations, verify=True)
        try:
            # orjson writes the stored text about five times faster than json (a tenth
            # of a save); compact, UTF-8, and refusing what JSON cannot hold (a lone
            # surrogate, an integer over 64 bits) where json would write it.
            text = orjson.dumps(self.to_document(dossier)).decode()
        except (ValueError, TypeError) as exc:  # orjson.JSONEncodeError is a TypeError
            raise InvalidDocument("$", f"cannot be written ({type(exc).__name__})") from None
        if len(text) > LIMITS.document_bytes // 4 and len(text.encode()) > LIMITS.document_bytes:
            raise InvalidDocument("$", f"larger than {LIMITS.document_bytes:,} bytes")
        return text

    def loads(
        self,
        text: str | bytes,
        *,
        verify: bool = True,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> Dossier:
        """
        Parse a JSON text and rebuild the dossier; see `from_document`.

        The text is bounded (`ketnap.inputs.LIMITS`): its size is checked before parsing,
        its nesting, lists, integers and strings while and after parsing. Duplicate keys
        in an object are refused rather than resolved silently.

        Raises:
            InvalidDocument: the text is not JSON (truncated, not UTF-8), exceeds a limit,
                or the document is invalid.
        """
        return self.from_document(
            parse_json(text), verify=verify, process=process, regulations=regulations
        )

    def with_records(
        self,
        dossier: Dossier,
        records: Mapping[str, object],
        *,
        process: Process = ADMISSION,
        regulations: Iterable[RuleSet] | None = None,
    ) -> Dossier:
        """
        Return a copy of *dossier* with *records* added, as a document would give them.

        *records* is part of a document's ``dossier`` object (`to_document`): the records
        an office writes down as it goes (a vote, a certificate, a received decision).
        Lists that accumulate (``votes``, ``certificates``, ``approvals``, ``sponsors``,
        ``transfers``) are appended to; ``documents`` are merged by form; any other field
        is replaced (``null`` clears an optional one). What acts write (``stage``, ``history``,
        ``late_acts``, ``refusals``) and ``id``, ``revision`` cannot be given. The
        result is checked as a loaded document is, so nothing invalid gets in.

        Raises:
            InvalidDocument: a field cannot be recorded or its value is invalid; the path
                names the place in *records* (``$.records.votes[0].held_on``).
        """
        if not isinstance(records, Mapping):
            raise InvalidDocument("$.records", "expected an object")
        body = self.to_document(dossier)["dossier"]
        offsets: dict[str, int] = {}
        for name, value in records.items():
            path = f"$.records.{name}"
            if name not in attrs.fields_dict(Dossier):
                raise InvalidDocument(path, "not a field of a dossier")
            if name in _WRITTEN_BY_ACTS:
                raise InvalidDocument(path, "written by acts and by the store, not recorded")
            if name in _ACCUMULATING:
                if not isinstance(value, list):
                    raise InvalidDocument(path, "expected a list of items to add")
                offsets[name] = len(body.get(name, ()))
                body[name] = [*body.get(name, ()), *value]
            elif name == "documents":
                if not isinstance(value, dict):
                    raise InvalidDocument(path, "expected an object of documents by form")
                body[name] = {**body.get(name, {}), **value}
            else:
                body[name] = value
        try:
            updated = self.from_document(
                {"schema": SCHEMA, "version": self.version, "dossier": body},
                process=process,
                regulations=regulations,
            )
        except InvalidDocument as exc:
            raise type(exc)(_records_path(exc.path, records, offsets), exc.reason) from None
        updated.revision = dossier.revision  # the stored copy it replaces, for the store
        return updated

    def _current_body(self, document: object) -> dict[str, Any]:
        if not isinstance(document, dict):
            raise InvalidDocument("$", "expected an object")
        if document.get("schema") != SCHEMA:
            raise InvalidDocument("$.schema", f"expected {SCHEMA!r}")
        version = document.get("version")
        if type(version) is not int:
            raise InvalidDocument("$.version", "expected an integer")
        if version > self.version:
            raise InvalidDocument(
                "$.version", f"version {version} is newer than this ketnap reads ({self.version})"
            )
        extra = set(document) - {"schema", "version", "dossier"}
        if extra:
            raise InvalidDocument("$", f"unknown fields: {', '.join(sorted(map(repr, extra)))}")
        body = document.get("dossier")
        if not isinstance(body, dict):
            raise InvalidDocument("$.dossier", "expected an object")
        for step in range(version, self.version):
            migration = self.migrations.get(step)
            if migration is None:
                raise InvalidDocument(
                    "$.version", f"no migration from version {step} to {step + 1}"
                )
            try:
                body = migration(dict(body))
            except Exception as exc:  # noqa: BLE001 - a migration's failure is the document's
                raise InvalidDocument(
                    "$.dossier", f"migration from version {step} failed: {type(exc).__name__}"
                ) from None
        return body


# What `with_records` appends to, and what it refuses: acts and the store write these.
_ACCUMULATING: Final = frozenset({"votes", "certificates", "approvals", "sponsors", "transfers"})
_WRITTEN_BY_ACTS: Final = frozenset({"id", "stage", "history", "late_acts", "refusals", "revision"})


def _records_path(path: str, given: Mapping[str, object], offsets: Mapping[str, int]) -> str:
    """Turn ``$.dossier.votes[3]...`` into the place in the records: ``$.records.votes[1]``."""
    found = re.match(r"\$\.dossier\.(\w+)(?:\[(\d+)\])?", path)
    if found is None or found.group(1) not in given:
        return path
    name, index = found.group(1), found.group(2)
    if name not in offsets:
        return path.replace("$.dossier.", "$.records.", 1)
    if index is not None and int(index) >= offsets[name]:
        return f"$.records.{name}[{int(index) - offsets[name]}]" + path[found.end() :]
    return path


DEFAULT_FORMAT: Final = DocumentFormat()

to_document = DEFAULT_FORMAT.to_document
from_document = DEFAULT_FORMAT.from_document
dumps = DEFAULT_FORMAT.dumps
checked_dumps = DEFAULT_FORMAT.checked_dumps
loads = DEFAULT_FORMAT.loads
with_records = DEFAULT_FORMAT.with_records


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


def _check_dossier(
    dossier: Dossier,
    process: Process,
    regulations: Iterable[RuleSet] | None,
    *,
    verify: bool,
) -> None:
    """The checks of a built dossier shared by loading and checked saving."""
    if not process.knows_stage(dossier.stage):
        raise InvalidDocument(
            "$.dossier.stage", f"unknown stage {dossier.stage!r} for this process"
        )
    if verify:
        try:
            integrity.verify(dossier, process=process, regulations=regulations)
        except InvalidDocument as exc:
            raise type(exc)(exc.path.replace("$", "$.dossier", 1), exc.reason) from None


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


def _check_in_memory(dossier: Dossier) -> None:
    """
    Check what may have changed on a dossier since it was built: its own fields.

    Appending to a list or assigning into a dict bypasses the dossier's validators, so
    the types and sizes of its collections are checked here, then its validators run.
    """
    for name, shape, kinds in _dossier_fields():
        value = getattr(dossier, name)
        path = f"$.dossier.{name}"
        if shape == "one":
            if not isinstance(value, kinds):
                raise InvalidDocument(path, f"holds a {type(value).__name__}")
            continue
        items = value.values() if shape == "dict" else value
        if not isinstance(value, dict if shape == "dict" else list):
            raise InvalidDocument(path, f"expected a {shape}, got {type(value).__name__}")
        if len(value) > LIMITS.list_items:
            raise InvalidDocument(path, f"holds more than {LIMITS.list_items:,} items")
        for item in items:
            if not isinstance(item, kinds):
                raise InvalidDocument(path, f"holds a {type(item).__name__}")
    try:
        attrs.validate(dossier)
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


# --- redacted export -------------------------------------------------------------------------


def redact(dossier: Dossier, *, salt: bytes) -> dict[str, Any]:
    """
    Return *dossier* without personal identifiers, for sharing statistics.

    Removed: names (candidate, helpers, sponsors, relatives, verified persons), the values
    of refused rules, the citizen
    ID, document numbers, the card number, population-policy violations and the times
    out of party activity (`Dossier.membership_gaps`). The birth date becomes the birth year,
    relatives a count per kinship, the id a keyed pseudonym (HMAC-SHA-256 with *salt*:
    stable across exports with the same salt, not reversible without it). Dates of
    acts, stages, votes and the organisation stay, since they are what statistics count.

    >>> import pendulum
    >>> from ketnap.testing import make_dossier
    >>> shared = redact(make_dossier(meeting=pendulum.date(2024, 3, 12)), salt=b"district")
    >>> candidate = shared["dossier"]["candidate"]
    >>> candidate["birth_year"], "name" in candidate, "relatives" in candidate
    (1999, False, True)
    """
    body = to_document(dossier)["dossier"]
    candidate = body["candidate"]
    relatives: dict[str, int] = {}
    for relative in candidate["relatives"]:
        relatives[relative["kinship"]] = relatives.get(relative["kinship"], 0) + 1
    prior = candidate["prior_membership"]
    body["candidate"] = {
        "birth_year": dossier.candidate.birth_date.year,
        "education": candidate["education"],
        "area": candidate["area"],
        "local_role": candidate["local_role"],
        "youth_union_member": candidate["youth_union_member"],
        "trade_union_member": candidate["trade_union_member"],
        "relatives": relatives,
        "readmission": prior is not None,
    }
    body["id"] = hmac.new(salt, dossier.id.encode(), hashlib.sha256).hexdigest()[:24]
    for helper in ("helper", "probation_helper"):
        if body.get(helper) is not None:
            body[helper].pop("name")
    for refusal in body.get("refusals", []):
        # The values explaining a failure may quote a name or an age: only the ids stay.
        refusal["rules"] = [{"rule_id": rule["rule_id"]} for rule in refusal["rules"]]
    for sponsor in body["sponsors"]:
        sponsor.pop("name")
        sponsor.pop("replaces")
        sponsor.pop("branch", None)
    if body["verification"] is not None:
        body["verification"]["verified"] = len(body["verification"]["verified"])
    body["card_number"] = None if dossier.card_number is None else "<redacted>"
    for entry in body["history"]:
        entry.pop("reference")
        entry.pop("previous")
        entry.pop("digest")
    for transfer in body.get("transfers", []):
        transfer.pop("reference", None)
    if body.get("remade") is not None:
        body["remade"].pop("reference", None)
    # An expulsion or a lost contact is a person's record, not an act statistics count.
    body.pop("membership_gaps", None)
    return {"schema": f"{SCHEMA}-redacted", "version": SCHEMA_VERSION, "dossier": body}
