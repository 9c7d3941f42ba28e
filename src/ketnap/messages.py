"""Bilingual messages: every stage, step and rule speaks Vietnamese and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["Lang", "Message"]

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
        return template.format_map(dict(values or {}))
