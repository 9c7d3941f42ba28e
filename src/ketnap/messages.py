"""
Words in one place: every text a person reads is a `Message` in Vietnamese and English.

`Message.render` fills a template's placeholders in the language asked for, and renders
each value the way that language writes it:

- another `Message`, or anything labelled (a stage, an enumeration member, a process
  stage) with a ``message``: its text in the same language;
- a date: ``12/03/2024`` in Vietnamese, ``2024-03-12`` in English;
- a number: with the language's separators when the placeholder asks for them
  (``{members:,}`` gives ``7.051`` and ``7,051``; ``{percent:.1f}`` gives ``65,0`` and
  ``65.0``);
- a list or tuple: its items rendered, joined by ``", "``.

No other module chooses words by language: they hand a message and values to `render`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
from collections.abc import Iterable, Mapping
from typing import Literal, Protocol, runtime_checkable

import attrs

__all__ = [
    "Labelled",
    "Lang",
    "Message",
    "format_date",
    "format_long_date",
    "format_number",
    "format_percent",
    "render_value",
]

Lang = Literal["vi", "en"]
"""A language ketnap speaks: ``"vi"`` (Vietnamese, the default) or ``"en"``."""


@runtime_checkable
class Labelled(Protocol):
    """**Protocol:** anything with a `Message` label (a stage, an enumeration member)."""

    @property
    def message(self) -> Message:
        """The label in both languages."""
        ...


def _values(
    values: Mapping[str, object] | Iterable[tuple[str, object]],
) -> tuple[tuple[str, object], ...]:
    if isinstance(values, tuple):
        return values
    items = values.items() if isinstance(values, Mapping) else values
    return tuple(items)


@attrs.frozen
class Message:
    """
    A message template in Vietnamese and English, with values bound to it or given later.

    Placeholders use `str.format` syntax; values given to `render` fill them, over the
    values bound with `bind`.

    >>> Message(vi="Mới {age} tuổi", en="Only {age} years old").render("en", {"age": 17})
    'Only 17 years old'
    >>> members = Message(vi="{n:,} đảng viên", en="{n:,} members").bind(n=7051)
    >>> members.render("vi"), members.render("en")
    ('7.051 đảng viên', '7,051 members')
    """

    vi: str
    en: str
    values: tuple[tuple[str, object], ...] = attrs.field(
        default=(), converter=_values, eq=False, repr=False
    )

    def bind(self, **values: object) -> Message:
        """Return this message with *values* bound, to render later in either language."""
        return Message(self.vi, self.en, (*self.values, *values.items()))

    def render(self, lang: Lang = "vi", values: Mapping[str, object] | None = None) -> str:
        """Return the template in *lang* with the bound values and *values* filled in."""
        template = self.vi if lang == "vi" else self.en
        merged = dict(self.values)
        if values:
            merged.update(values)
        if not merged:
            return template
        return template.format_map({key: _Rendered(v, lang) for key, v in merged.items()})

    @property
    def message(self) -> Message:
        """The message itself, so that a message is `Labelled` too."""
        return self


@attrs.frozen
class _Rendered:
    """A value as *lang* writes it, whatever format spec the template gives."""

    value: object
    lang: Lang

    def __format__(self, spec: str) -> str:
        value = self.value
        if isinstance(value, bool):
            return format(value, spec)
        if isinstance(value, int | float | decimal.Decimal | fractions.Fraction):
            return format_number(value, self.lang, spec)
        return format(render_value(value, self.lang), spec)


def render_value(value: object, lang: Lang) -> str:
    """
    Return *value* as *lang* writes it: labels, dates, numbers and lists included.

    >>> import pendulum
    >>> render_value([pendulum.date(2024, 3, 12), 1.5], "vi")
    '12/03/2024, 1,5'
    """
    # A str enum member is labelled: as a placeholder value it reads as its label.
    if isinstance(value, Message | Labelled):
        text = value.message.render(lang)
    elif isinstance(value, str | bool):
        text = str(value)
    elif isinstance(value, dt.date):
        text = format_date(value, lang)
    elif isinstance(value, int | float | decimal.Decimal | fractions.Fraction):
        text = format_number(value, lang)
    elif isinstance(value, list | tuple):
        text = ", ".join(render_value(item, lang) for item in value)
    else:
        text = str(value)
    return text


def format_number(
    value: float | decimal.Decimal | fractions.Fraction, lang: Lang, spec: str = ""
) -> str:
    """
    Format a number with *spec*, as *lang* writes it.

    Vietnamese groups thousands with ``.`` and writes the decimal comma; English the other
    way round. Grouping happens only when *spec* asks for it (``,``), so that a year or a
    form number is never grouped.

    >>> format_number(7051, "vi", ","), format_number(65.0, "vi", ".1f")
    ('7.051', '65,0')
    >>> format_number(7051, "en", ","), format_number(65.0, "en", ".1f")
    ('7,051', '65.0')
    """
    if isinstance(value, fractions.Fraction):
        value = float(value)
    text = format(value, spec)
    if lang == "vi":
        return text.translate(_VI_DIGITS)
    return text


_VI_DIGITS = str.maketrans({",": ".", ".": ","})


def format_date(day: dt.date, lang: Lang) -> str:
    """
    Format a date as Vietnamese readers expect (``12/03/2024``) or as ISO 8601 in English.

    >>> import pendulum
    >>> format_date(pendulum.date(2024, 3, 12), "vi"), format_date(pendulum.date(2024, 3, 12), "en")
    ('12/03/2024', '2024-03-12')
    """
    return f"{day:%d/%m/%Y}" if lang == "vi" else day.isoformat()


def format_long_date(day: dt.date) -> str:
    """
    Write a date as a party document dates itself: ``ngày 05 tháng 02 năm 2024``.

    A day below 10 and the months January and February take a leading zero, so that a
    date written by hand cannot be lengthened afterwards (Decree 30/2020 on the layout of
    administrative documents, which party documents follow in this).

    >>> import pendulum
    >>> format_long_date(pendulum.date(2024, 2, 5)), format_long_date(pendulum.date(2024, 3, 12))
    ('ngày 05 tháng 02 năm 2024', 'ngày 12 tháng 3 năm 2024')
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_percent(value: float, lang: Lang) -> str:
    """
    A share out of 100 to one decimal, as *lang* writes it: ``65,0%`` or ``65.0%``.

    >>> format_percent(65.0, "vi"), format_percent(91.666, "en")
    ('65,0%', '91.7%')
    """
    return f"{format_number(value, lang, '.1f')}%"
