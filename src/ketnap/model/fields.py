"""
What each field of a record is to a person and to a form (*trường dữ liệu*), declared once.

A field a sheet, the statistics or the document loader reads carries a `FieldInfo` in
its attrs metadata, written beside its type and default with `fact`:

    sex: Sex | None = attrs.field(
        default=None, metadata=fact(vi="Giới tính", en="Sex", tally=Tally(...)))

The sheet columns (`ketnap.sheets`), the loader's list of fields added to version 1 of
the document (`ketnap.storage.documents`), the statistics' rows and the store's
profile query (`ketnap.statistics`, `ketnap.facts.PROFILE_FIELDS`) and the titles in the
JSON Schema are generated from these declarations; none of them lists fields of its own.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from ketnap.messages import Message
from ketnap.model.labels import LabelledEnum

__all__ = [
    "FieldInfo",
    "Tally",
    "TallyRow",
    "added_fields",
    "declared",
    "fact",
    "field_info",
    "records_of",
]

_KEY: Final = "ketnap"


@attrs.frozen
class TallyRow:
    """
    One row of the statistics of new members: its code, its words, the values it counts.

    A row whose fact is a flag counts ``{True}``; an enumeration's row counts the values
    of its members (``{"female"}``).
    """

    code: str
    label: Message
    values: frozenset[object]


@attrs.frozen(kw_only=True)
class Tally:
    """
    How the statistics of new members (Biểu số 3-BTCTW) count a candidate's field.

    Args:
        rows: the form's rows for the field.
        position: where the rows stand on the form, against the others' (the form's
            own rows: youth age at 40, the age bands at 60).
        group: the heading the rows sit under (None: rows at the top).
    """

    rows: tuple[TallyRow, ...]
    position: int
    group: Message | None = None

    @classmethod
    def flag(cls, code: str, label: Message, *, position: int) -> Tally:
        """One row counting those for whom the field is true."""
        return cls(rows=(TallyRow(code, label, frozenset({True})),), position=position)

    @classmethod
    def members(
        cls, field: str, kind: type[LabelledEnum], group: Message, *, position: int
    ) -> Tally:
        """One row per member of *kind*, coded ``field.value``, labelled by the member."""
        rows = tuple(
            TallyRow(f"{field}.{member.value}", member.message, frozenset({member.value}))
            for member in kind
        )
        return cls(rows=rows, position=position, group=group)


@attrs.frozen(kw_only=True)
class FieldInfo:
    """
    A field as people and forms see it.

    Attributes:
        label: its words, Vietnamese and English: the sheet's header, the schema's title.
            A field with a label has a column in the dossier sheet.
        help: what a sheet's cell takes; None: told by the field's type (a date, có /
            không, the labels of an enumeration and what an empty cell means).
        column: the sheet column's key where it differs from the field's name (the
            organisation's ``name`` is the column ``branch``); None: the name.
        aliases: other headers a sheet may give the column (a clerk's "Họ tên").
        order: the column's place in a sheet, against the others' (None: after them).
        required: a sheet must have the column although the record has a default (the
            branch's code, which the tree and the reports read).
        tally: the rows the statistics of new members count it in; None: none.
        added: added to version 1 of the document after its first release, so written
            only when it differs from its default: a document that does not use it stays
            readable by a ketnap from before it (a field of a later version has a
            migration instead).
    """

    label: Message | None = None
    help: Message | None = None
    column: str | None = None
    aliases: tuple[str, ...] = ()
    order: int | None = None
    required: bool = False
    tally: Tally | None = None
    added: bool = False


def fact(
    *,
    vi: str | None = None,
    en: str | None = None,
    help: Message | None = None,  # noqa: A002 - the word a form uses
    column: str | None = None,
    aliases: Iterable[str] = (),
    order: int | None = None,
    required: bool = False,
    tally: Tally | None = None,
    added: bool = False,
) -> dict[str, Any]:
    """
    Return the attrs ``metadata`` declaring a field (`FieldInfo`).

    >>> fact(vi="Giới tính", en="Sex", order=40)["ketnap"].label.en
    'Sex'
    """
    if (vi is None) != (en is None):
        raise ValueError("a field's label needs both its Vietnamese and English words")
    label = None if vi is None or en is None else Message(vi=vi, en=en)
    info = FieldInfo(
        label=label, help=help, column=column, aliases=tuple(aliases), order=order,
        required=required, tally=tally, added=added,
    )  # fmt: skip
    return {_KEY: info}


def field_info(field: attrs.Attribute[Any]) -> FieldInfo | None:
    """Return the declaration of *field*, or None if it has none."""
    found = field.metadata.get(_KEY)
    return found if isinstance(found, FieldInfo) else None


def declared(record: type) -> tuple[tuple[attrs.Attribute[Any], FieldInfo], ...]:
    """The fields of the attrs class *record* that carry a declaration, in field order."""
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(record)
    return tuple((f, info) for f in fields if (info := field_info(f)) is not None)


def records_of(root: type) -> tuple[type, ...]:
    """The attrs classes *root* holds, itself first, each once, however deeply nested."""
    found: dict[type, None] = {}

    def visit(hint: object) -> None:
        if isinstance(hint, type) and attrs.has(hint):
            if hint in found:
                return
            found[hint] = None
            for value in typing.get_type_hints(hint).values():
                visit(value)
        for argument in typing.get_args(hint):
            visit(argument)

    visit(root)
    return tuple(found)


def added_fields(root: type) -> Mapping[type, tuple[str, ...]]:
    """
    The fields added to version 1 of the document, by record (`FieldInfo.added`).

    Every record *root* holds is searched, so a record added to the model is too.
    """
    found = {
        record: tuple(f.name for f, info in declared(record) if info.added)
        for record in records_of(root)
    }
    return {record: names for record, names in found.items() if names}
