"""
Date arithmetic for the admission workflow: calendar months and working days.

This module is the only place in ketnap that does date arithmetic. The
regulations count their limits in calendar months (tháng) and working days
(ngày làm việc); the regulation reference (§8) gives the conventions, which follow the Civil
Code 2015 Art. 147-148 by analogy:

- the day of the event is not counted;
- a term of N months ends on the corresponding day of the last month, or on
  that month's last day when there is no such day (31 Jan + 1 month = 28/29 Feb);
- a term that ends on a non-working day may move to the next working day,
  where the rule says so (`WorkingCalendar.roll_forward`).

pendulum's ``diff().in_months()`` is avoided on purpose: it counts one month too
many for about 1% of date pairs (pendulum #606, #790) and is twenty times slower
than the integer arithmetic below.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import datetime as dt
import re
from collections.abc import Iterable
from threading import Lock
from typing import Final

import attrs
import holidays
import pendulum

from ketnap.errors import InvalidInput

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "WorkingCalendar",
    "add_months",
    "as_date",
    "calendar_months",
    "completed_months",
    "first_day_with_calendar_months",
    "next_day",
    "parse_date",
    "parse_either_date",
    "previous_day",
]

_EPOCH_YEAR: Final = 1990
_HORIZON_YEAR: Final = 2100

DATE_MIN: Final = pendulum.Date(1900, 1, 1)
"""The earliest date ketnap accepts: birth dates and first admissions of the elderly."""
DATE_MAX: Final = pendulum.Date(_HORIZON_YEAR, 12, 31)
"""The latest date ketnap accepts: the end of the working-day calendar. Month terms
from any accepted date stay far from the year 9999, where date arithmetic overflows."""


_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
# ASCII digits only ("٣" and "３" are digits to \d); day first, the year in full.
_DAY_FIRST: Final = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_DAY_FIRST_EXACT: Final = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")


def day_first(text: str, *, exact: bool = False) -> dt.date | None:
    """
    The day a ``dd/mm/yyyy`` text names; None if the text is not of that form.

    Day first, as Vietnamese offices write it (``01/05/2025`` is 1 May 2025), the year in
    full. A sheet's cell may carry ``1/5/2025`` as a hand or a spreadsheet wrote it;
    *exact* asks two-digit day and month, as an option typed on the command line is.

    Raises:
        ValueError: of that form, but no such day in the calendar.
    """
    found = (_DAY_FIRST_EXACT if exact else _DAY_FIRST).fullmatch(text)
    if found is None:
        return None
    day, month, year = found.groups()
    return dt.date(int(year), int(month), int(day))


def parse_date(text: object, *, field: str = "date") -> pendulum.Date:
    """
    Return the date a ``YYYY-MM-DD`` text names.

    Exactly that form: ``date.fromisoformat`` alone also takes ``20240312`` and week dates.
    The range (`DATE_MIN` to `DATE_MAX`) is `as_date`'s to check, where a date enters a
    record, so that the error names the record's field.

    Raises:
        InvalidInput: not a text of that form, or no such day.
    """
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise InvalidInput(field, "not a date as YYYY-MM-DD")
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, "not a valid date (no such day in the calendar)") from None
    return pendulum.Date(parsed.year, parsed.month, parsed.day)


def parse_either_date(text: object, *, field: str = "date") -> pendulum.Date:
    """
    Return the date a person typed as ``YYYY-MM-DD`` or ``dd/mm/yyyy``.

    ``dd/mm/yyyy`` is day first, as Vietnamese offices, their sheets and ketnap's own
    papers write it (``01/05/2025`` is 1 May 2025). Exactly these two forms, two-digit
    day and month and a four-digit year, so that no text reads as two dates: ``2025-5-1``,
    ``1/5/2025`` and ``01/05/25`` are refused. The range is `as_date`'s to check.

    Raises:
        InvalidInput: not a text of either form, or no such day; the reason names both
            forms.
    """
    form = "not a date as YYYY-MM-DD or dd/mm/yyyy"
    if not isinstance(text, str):
        raise InvalidInput(field, form)
    if _ISO_DATE.fullmatch(text):
        try:
            return parse_date(text, field=field)
        except InvalidInput:
            raise InvalidInput(field, _NO_SUCH_DAY) from None
    try:
        parsed = day_first(text, exact=True)
    except ValueError:
        raise InvalidInput(field, _NO_SUCH_DAY) from None
    if parsed is None:
        raise InvalidInput(field, form)
    return pendulum.Date(parsed.year, parsed.month, parsed.day)


_NO_SUCH_DAY: Final = "no such day in the calendar (a date is YYYY-MM-DD or dd/mm/yyyy)"


def as_date(value: object, *, field: str = "date") -> pendulum.Date:
    """
    Return *value* as a `pendulum.Date`, refusing anything that is not a plain date.

    A `datetime.datetime` is refused rather than truncated, since a time of day
    would be silently lost; so is a date outside `DATE_MIN` to `DATE_MAX`.

    Raises:
        InvalidInput: *value* is not a date (or is a datetime), or is out of range.
    """
    if isinstance(value, dt.datetime):
        raise InvalidInput(field, "expected a date without a time of day, got a datetime")
    if not isinstance(value, dt.date):
        # The value itself is not quoted: it may be a birth date (personal data).
        raise InvalidInput(field, f"expected a date, got {type(value).__name__}")
    if not DATE_MIN <= value <= DATE_MAX:
        raise InvalidInput(field, f"outside the dates ketnap covers, {DATE_MIN} to {DATE_MAX}")
    if isinstance(value, pendulum.Date):
        return value
    return pendulum.Date(value.year, value.month, value.day)


def _days_in_month(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def add_months(start: dt.date, months: int) -> pendulum.Date:
    """
    Return the date *months* calendar months after *start*, clamped to month end.

    This is the Civil Code's month term: the corresponding day of the target
    month, or its last day when the month is shorter.

    >>> add_months(pendulum.date(2024, 2, 29), 12)
    Date(2025, 2, 28)
    >>> add_months(pendulum.date(2025, 1, 31), 1)
    Date(2025, 2, 28)
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return pendulum.Date(year, month, min(start.day, _days_in_month(year, month)))


def completed_months(start: dt.date, end: dt.date) -> int:
    """
    Return the number of whole month terms from *start* that have ended by *end*.

    A term of N months counted from *start* has ended on ``add_months(start, N)``,
    so on that very day N months are complete (the event day is not counted,
    the last day is). Negative when *end* is before *start*.

    >>> completed_months(pendulum.date(2022, 3, 1), pendulum.date(2023, 2, 28))
    11
    >>> completed_months(pendulum.date(2022, 3, 1), pendulum.date(2023, 3, 1))
    12
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        return months - 1
    if months < 0 and add_months(start, months) < end:
        return months + 1
    return months


def calendar_months(start: dt.date, end: dt.date) -> int:
    """
    Return the months between the calendar months of *start* and *end*, ignoring the day.

    This is the reading of regulation reference A-04 of "tính theo tháng" for age: a person is
    "đủ 18" from the month of the 18th birthday.

    >>> calendar_months(pendulum.date(2004, 10, 15), pendulum.date(2022, 10, 1))
    216
    """
    return (end.year - start.year) * 12 + (end.month - start.month)


def next_day(day: dt.date) -> pendulum.Date:
    """Return the day after *day*."""
    # By ordinal: pendulum's own addition costs six times as much, and windows ask often.
    return as_date(dt.date.fromordinal(as_date(day).toordinal() + 1))


def previous_day(day: dt.date) -> pendulum.Date:
    """Return the day before *day*."""
    return as_date(dt.date.fromordinal(as_date(day).toordinal() - 1))


def first_day_with_calendar_months(start: dt.date, months: int) -> pendulum.Date:
    """Return the first date on which `calendar_months(start, date)` reaches *months*."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    return pendulum.Date(year, month0 + 1, 1)


def _date_set(dates: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(dates)


@attrs.frozen
class WorkingCalendar:
    """
    The working-day calendar (lịch ngày làm việc) used for deadlines.

    Monday to Friday, minus Vietnam's public holidays from the ``holidays``
    package (the lunar New Year and Hùng Kings' day included, and the days the
    Government moves), plus weekend days declared working days in exchange.
    A deployment adds its own closures or working days.

    Args:
        closures: extra non-working dates (a local closure, a newly announced holiday).
        extra_working_days: extra working dates (a weekend day worked in exchange).

    >>> cal = WorkingCalendar()
    >>> cal.add_working_days(pendulum.date(2021, 8, 16), 30)
    Date(2021, 9, 29)
    """

    closures: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_date_set)
    extra_working_days: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_date_set)
    _table: _Table = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_table", _Table(self.closures, self.extra_working_days))

    def with_closures(self, dates: Iterable[dt.date]) -> WorkingCalendar:
        """Return a calendar that also treats *dates* as non-working days."""
        return attrs.evolve(self, closures=self.closures | frozenset(dates))

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether *day* is a working day."""
        table = self._table
        i = table.index(day)
        before = table.cumulative[i - 1] if i > 0 else 0
        return table.cumulative[i] > before

    def add_working_days(self, start: dt.date, days: int) -> pendulum.Date:
        """
        Return the date on which a term of *days* working days from *start* ends.

        The day of *start* is not counted (Civil Code Art. 147): with ``days=1``
        the answer is the first working day after *start*.
        """
        if days < 0:
            raise InvalidInput("days", f"a working-day term cannot be negative, got {days}")
        if days == 0:
            return as_date(start)
        table = self._table
        target = table.cumulative[table.index(start)] + days
        position = bisect.bisect_left(table.cumulative, target)
        if position >= len(table.cumulative):
            raise InvalidInput("start", f"{start} + {days} working days is beyond {_HORIZON_YEAR}")
        return table.date_at(position)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """
        Return the working days after *start* up to and including *end*.

        The inverse of `add_working_days`: ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        table = self._table
        return table.cumulative[table.index(end)] - table.cumulative[table.index(start)]

    def roll_forward(self, day: dt.date) -> pendulum.Date:
        """Return *day* if it is a working day, else the next working day (Civil Code Art. 148)."""
        if self.is_working_day(day):
            return as_date(day)
        return self.add_working_days(day, 1)


@attrs.define
class _Table:
    """
    Cumulative working-day counts, one entry per day from 1990 to 2100.

    Built once per calendar (about 40,000 days), so that a 60-working-day
    deadline is one bisect instead of a walk over 84 days of holiday lookups.
    """

    closures: frozenset[dt.date]
    extra_working_days: frozenset[dt.date]
    _cumulative: list[int] | None = None
    _lock: Lock = attrs.Factory(Lock)

    @property
    def cumulative(self) -> list[int]:
        if self._cumulative is None:
            with self._lock:
                if self._cumulative is None:
                    self._cumulative = self._build()
        return self._cumulative

    def _build(self) -> list[int]:
        years = range(_EPOCH_YEAR, _HORIZON_YEAR + 1)
        vietnam = holidays.country_holidays("VN", years=years)
        weekend = vietnam.weekend
        swapped = set(vietnam.weekend_workdays)
        day = dt.date(_EPOCH_YEAR, 1, 1)
        last = dt.date(_HORIZON_YEAR, 12, 31)
        one = dt.timedelta(days=1)
        total = 0
        counts: list[int] = []
        while day <= last:
            working = day.weekday() not in weekend or day in swapped
            if day in vietnam:
                working = False
            if day in self.closures:
                working = False
            if day in self.extra_working_days:
                working = True
            total += working
            counts.append(total)
            day += one
        return counts

    def index(self, day: dt.date) -> int:
        position = day.toordinal() - _FIRST_ORDINAL
        if not 0 <= position < len(self.cumulative):
            raise InvalidInput(
                "date", f"{day} is outside the calendar's range {_EPOCH_YEAR}-{_HORIZON_YEAR}"
            )
        return position

    @staticmethod
    def date_at(position: int) -> pendulum.Date:
        plain = dt.date.fromordinal(position + _FIRST_ORDINAL)
        return pendulum.Date(plain.year, plain.month, plain.day)


_FIRST_ORDINAL: Final = dt.date(_EPOCH_YEAR, 1, 1).toordinal()
