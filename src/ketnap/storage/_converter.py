"""
The cattrs converters between a dossier and a document's data, and the errors they explain.

Structuring is strict: no ``"5"`` taken for ``5``, no ``"false"`` for ``True``, no string
for a list, no unknown field. `_explain` turns a refused ``dossier`` object into one
`ketnap.InvalidDocument` naming the path of the offending field and what was expected,
never the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from operator import attrgetter
from types import NoneType, UnionType
from typing import Any, Final, Union, cast, get_args, get_origin

import cattrs
import pendulum
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_frozenset,
    is_mapping,
    is_sequence,
    list_structure_factory,
    mapping_structure_factory,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ketnap.dates import parse_date
from ketnap.errors import InvalidDocument, InvalidInput
from ketnap.model import Dossier
from ketnap.model.fields import added_fields
from ketnap.model.labels import LabelledEnum as _Labelled

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


def _is_optional(type_: object) -> bool:
    args = get_args(type_)
    return get_origin(type_) in (Union, UnionType) and len(args) == 2 and NoneType in args


def _optional_unstructure(type_: object, converter: cattrs.Converter) -> Callable[[Any], Any]:
    (inner,) = (arg for arg in get_args(type_) if arg is not NoneType)
    hook = converter.get_unstructure_hook(inner)
    if hook == identity:
        return identity  # None or the value, unchanged either way: read inline

    def unstructure(value: Any, _hook: Callable[[Any], Any] = hook) -> Any:  # noqa: ANN401
        return None if value is None else _hook(value)

    return unstructure


def _is_list(type_: object) -> bool:
    return get_origin(type_) is list and len(get_args(type_)) == 1


def _list_unstructure(type_: object, converter: cattrs.Converter) -> Callable[[Any], Any]:
    (item,) = get_args(type_)
    hook = converter.get_unstructure_hook(item)
    if hook == identity:
        return list

    def unstructure(values: Any, _hook: Callable[[Any], Any] = hook) -> list[Any]:  # noqa: ANN401
        return [_hook(value) for value in values]

    return unstructure


# Each record's fields added to version 1 after its first release, as the model declares
# them (`ketnap.model.fields.FieldInfo.added`).
_ADDED_FIELDS: Final = added_fields(Dossier)


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    converter.register_unstructure_hook(pendulum.Date, dt.date.isoformat)
    # Plain strings in the document, not enum members that merely behave like them.
    # Hooks by class: _Labelled precedes str in every ketnap enum's MRO.
    # (_value_, not the enum's value property, which costs a call per field saved.)
    converter.register_unstructure_hook(_Labelled, attrgetter("_value_"))
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
    # The data cattrs' own hooks give, with fewer calls per field (a store writes every
    # field of every dossier it saves): an optional field whose value is kept as it is
    # (a text, a number) is read inline, and a list is made by a comprehension.
    converter.register_unstructure_hook_factory(_is_optional, _optional_unstructure)
    converter.register_unstructure_hook_factory(_is_list, _list_unstructure)
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
