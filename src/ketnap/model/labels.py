"""
LabelledEnum vocabulary: enumerations whose members carry a Vietnamese and an English label.

The words themselves live beside each enumeration (`ketnap.model.vocabulary`); this
module holds the mechanism and the one table they are registered in.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Self

from ketnap.errors import InvalidInput
from ketnap.messages import Lang, Message

__all__ = ["LabelledEnum", "register_labels"]

_LABELS: dict[LabelledEnum, Message] = {}


def register_labels(table: Mapping[LabelledEnum, Message]) -> None:
    """Register the labels of enumeration members (each member once)."""
    _LABELS.update(table)


class LabelledEnum(enum.StrEnum):
    """An enumeration whose members carry a Vietnamese and an English label."""

    @property
    def message(self) -> Message:
        """The member's label in both languages."""
        return _LABELS[self]

    @property
    def label(self) -> str:
        """The Vietnamese label."""
        return _LABELS[self].vi

    def text(self, lang: Lang = "vi") -> str:
        """Return the label in *lang*."""
        return _LABELS[self].render(lang)

    @classmethod
    def parse(cls, value: object, *, field: str = "value") -> Self:
        """
        Return the member named by *value* (a member, its value or its name).

        Raises:
            InvalidInput: *value* names no member; the message lists the accepted values.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                upper = value.upper()
                if upper in cls.__members__:
                    return cls.__members__[upper]
        accepted = ", ".join(member.value for member in cls)
        raise InvalidInput(field, f"unknown {cls.__name__} {value!r}; expected one of: {accepted}")
