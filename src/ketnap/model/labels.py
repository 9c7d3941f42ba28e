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

# Keyed by the enumeration and the value: members of two enumerations that share a
# value ("removed" is a stage and a reason for leaving) are equal strings, and would
# share one entry in a table keyed by the members themselves.
_LABELS: dict[tuple[type, str], Message] = {}


def register_labels(table: Mapping[LabelledEnum, Message]) -> None:
    """
    Register the labels of one enumeration's members (each member once).

    One table per enumeration: a mapping keyed by members of two enumerations would
    already have merged those that share a value.

    Raises:
        ValueError: the table holds members of more than one enumeration.
    """
    kinds = {type(member) for member in table}
    if len(kinds) > 1:
        names = ", ".join(sorted(kind.__name__ for kind in kinds))
        raise ValueError(f"one table per enumeration, got members of {names}")
    _LABELS.update({(type(member), str.__str__(member)): label for member, label in table.items()})


class LabelledEnum(enum.StrEnum):
    """An enumeration whose members carry a Vietnamese and an English label."""

    @property
    def message(self) -> Message:
        """The member's label in both languages."""
        return _LABELS[type(self), str.__str__(self)]

    @property
    def label(self) -> str:
        """The Vietnamese label."""
        return self.message.vi

    def text(self, lang: Lang = "vi") -> str:
        """Return the label in *lang*."""
        return self.message.render(lang)

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
