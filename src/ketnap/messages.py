"""Bilingual messages: every stage, step and rule speaks Vietnamese and English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["Lang", "Message", "format_date"]

Lang = Literal["vi", "en"]
"""A language ketnap speaks: ``"vi"`` (Vietnamese, the default) or ``"en"``."""


@attrs.frozen
class Message:
    """
    A message template in Vietnamese and English.

    Placeholders use `str.format` syntax and are filled from a failure's context.

    >>> Message(vi="Mới {age} tuổi", en="Only {age} years old").render("en", {"age": 17})
    'Only 17 years old'
    """

    vi: str
    en: str

    def render(self, lang: Lang, values: Mapping[str, object] | None = None) -> str:
        """Return the template in *lang* with *values* filled in."""
        template = self.vi if lang == "vi" else self.en
        formatted = {
            key: format_date(value, lang) if isinstance(value, dt.date) else value
            for key, value in (values or {}).items()
        }
        return template.format_map(formatted)


def format_date(day: dt.date, lang: Lang) -> str:
    """
    Format a date as Vietnamese readers expect (``12/03/2024``) or as ISO 8601 in English.

    >>> import pendulum
    >>> format_date(pendulum.date(2024, 3, 12), "vi"), format_date(pendulum.date(2024, 3, 12), "en")
    ('12/03/2024', '2024-03-12')
    """
    return f"{day:%d/%m/%Y}" if lang == "vi" else day.isoformat()
