"""The calendar: month arithmetic and Vietnamese working days, pinned on real dates."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketnap import InvalidInput, WorkingCalendar, add_months, completed_months
from ketnap.dates import (
    DATE_MAX,
    DATE_MIN,
    as_date,
    calendar_months,
    first_day_with_calendar_months,
    next_day,
    parse_either_date,
    previous_day,
)

D = pendulum.Date
CALENDAR = WorkingCalendar()
dates = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2090, 12, 31))


class TestAddMonths:
    """add_months: the Civil Code's month term, clamped to month end."""

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (D(2024, 1, 31), 1, D(2024, 2, 29)),
            (D(2023, 1, 31), 1, D(2023, 2, 28)),
            (D(2024, 1, 31), 12, D(2025, 1, 31)),
            (D(2024, 2, 29), 12, D(2025, 2, 28)),
            (D(2024, 2, 29), 48, D(2028, 2, 29)),
            (D(2024, 3, 31), -1, D(2024, 2, 29)),
            (D(2024, 8, 31), 1, D(2024, 9, 30)),
            (D(2024, 12, 15), 1, D(2025, 1, 15)),
        ],
    )
    def test_month_ends_and_leap_days(self, start: D, months: int, expected: D) -> None:
        assert add_months(start, months) == expected


class TestCompletedMonths:
    """completed_months: whole month terms ended by a date."""

    def test_pendulum_issue_606(self) -> None:
        """pendulum's in_months() says 216 here; 18 years are not complete on 1 Apr 2021."""
        assert completed_months(D(2003, 4, 2), D(2021, 4, 1)) == 215
        assert completed_months(D(2003, 4, 2), D(2021, 4, 2)) == 216

    @pytest.mark.parametrize(
        ("end", "expected"),
        [(D(2025, 2, 27), 11), (D(2025, 2, 28), 12), (D(2025, 3, 1), 12)],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_from_a_leap_day(self, end: D, expected: int) -> None:
        assert completed_months(D(2024, 2, 29), end) == expected

    @given(dates, st.integers(min_value=0, max_value=800))
    def test_inverse_of_add_months(self, start: dt.date, months: int) -> None:
        """A term of N months has ended on add_months(start, N), not the day before."""
        end = add_months(start, months)
        assert completed_months(start, end) == months
        if months > 0 and end.day == min(start.day, 28):
            assert completed_months(start, end.subtract(days=1)) == months - 1

    @given(dates, dates)
    def test_monotonic_and_bounded(self, a: dt.date, b: dt.date) -> None:
        start, end = min(a, b), max(a, b)
        months = completed_months(start, end)
        assert add_months(start, months) <= end
        assert add_months(start, months + 1) > end


class TestCalendarMonths:
    """calendar_months: the day-agnostic count of A-04."""

    def test_first_day(self) -> None:
        assert calendar_months(D(2004, 10, 15), D(2022, 9, 30)) == 215
        assert calendar_months(D(2004, 10, 15), D(2022, 10, 1)) == 216
        assert first_day_with_calendar_months(D(2004, 10, 15), 216) == D(2022, 10, 1)


class TestWorkingDays:
    """The working-day calendar on real Vietnamese dates."""

    def test_national_day_2021(self) -> None:
        """From Mon 16 Aug 2021, 30 working days skip 2-3 Sep and end on Wed 29 Sep."""
        assert not CALENDAR.is_working_day(D(2021, 9, 2))
        assert not CALENDAR.is_working_day(D(2021, 9, 3))
        assert CALENDAR.add_working_days(D(2021, 8, 16), 30) == D(2021, 9, 29)

    def test_across_tet_2022(self) -> None:
        """Tết Nhâm Dần: 31 Jan to 4 Feb 2022 off; 30 days from 17 Jan end on 7 Mar."""
        assert CALENDAR.add_working_days(D(2022, 1, 17), 30) == D(2022, 3, 7)

    def test_across_tet_2025(self) -> None:
        """Tết Ất Tỵ: 27 to 31 Jan 2025 off; 30 days from 20 Jan end on 10 Mar."""
        assert CALENDAR.add_working_days(D(2025, 1, 20), 30) == D(2025, 3, 10)

    def test_swapped_days(self) -> None:
        """Sat 26 Apr 2025 was worked in exchange for Fri 2 May 2025."""
        assert CALENDAR.is_working_day(D(2025, 4, 26))
        assert not CALENDAR.is_working_day(D(2025, 5, 2))

    def test_event_day_not_counted(self) -> None:
        assert CALENDAR.add_working_days(D(2024, 3, 11), 1) == D(2024, 3, 12)
        assert CALENDAR.add_working_days(D(2024, 3, 15), 1) == D(2024, 3, 18)

    def test_term_ending_on_a_saturday_rolls_forward(self) -> None:
        """A 12-month term from 15 Mar 2024 ends on Sat 15 Mar 2025, moved to Mon 17 Mar."""
        end = add_months(D(2024, 3, 15), 12)
        assert end.day_of_week == pendulum.SATURDAY
        assert CALENDAR.roll_forward(end) == D(2025, 3, 17)
        assert CALENDAR.roll_forward(D(2025, 3, 14)) == D(2025, 3, 14)

    def test_local_closures(self) -> None:
        closed = CALENDAR.with_closures([D(2024, 3, 12)])
        assert closed.add_working_days(D(2024, 3, 11), 1) == D(2024, 3, 13)
        assert CALENDAR.add_working_days(D(2024, 3, 11), 1) == D(2024, 3, 12)

    def test_extra_working_day(self) -> None:
        open_saturday = WorkingCalendar(extra_working_days=[D(2024, 3, 16)])
        assert open_saturday.add_working_days(D(2024, 3, 15), 1) == D(2024, 3, 16)

    @given(dates, st.integers(min_value=0, max_value=400))
    def test_between_is_the_inverse(self, start: dt.date, days: int) -> None:
        end = CALENDAR.add_working_days(start, days)
        assert CALENDAR.working_days_between(start, end) == days
        assert days == 0 or CALENDAR.is_working_day(end)

    def test_out_of_range(self) -> None:
        with pytest.raises(InvalidInput, match="outside"):
            CALENDAR.add_working_days(D(1980, 1, 1), 5)

    def test_negative_term(self) -> None:
        with pytest.raises(InvalidInput, match="negative"):
            CALENDAR.add_working_days(D(2024, 1, 1), -1)


class TestAsDate:
    """as_date: dates in, pendulum dates out; datetimes and strings refused."""

    def test_plain_date(self) -> None:
        assert as_date(dt.date(2024, 1, 2)) == D(2024, 1, 2)
        assert isinstance(as_date(dt.date(2024, 1, 2)), pendulum.Date)

    @pytest.mark.parametrize("value", [pendulum.datetime(2024, 1, 2), "2024-01-02", None, 20240102])
    def test_refused(self, value: object) -> None:
        with pytest.raises(InvalidInput) as info:
            as_date(value, field="birth_date")
        assert info.value.field == "birth_date"


class TestParseEitherDate:
    """parse_either_date: a typed date as YYYY-MM-DD or dd/mm/yyyy, exactly, day first."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2025-05-01", D(2025, 5, 1)),
            ("01/05/2025", D(2025, 5, 1)),  # day first: 1 May, never 5 January
            ("31/12/2025", D(2025, 12, 31)),
            ("29/02/2024", D(2024, 2, 29)),
        ],
        ids=["iso", "day-first", "year-end", "leap-day"],
    )
    def test_either_form_is_the_same_day(self, text: str, expected: D) -> None:
        assert parse_either_date(text) == expected

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("2025-5-1", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
            ("1/5/2025", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
            ("01/05/25", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
            ("01-05-2025", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
            ("01/05/2025 ", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
            ("\uff10\uff11/05/2025", "not a date as YYYY-MM-DD or dd/mm/yyyy"),
            ("31/02/2025", "no such day in the calendar (a date is YYYY-MM-DD or dd/mm/yyyy)"),
            ("29/02/2025", "no such day in the calendar (a date is YYYY-MM-DD or dd/mm/yyyy)"),
            ("2025-13-01", "no such day in the calendar (a date is YYYY-MM-DD or dd/mm/yyyy)"),
        ],
        ids=["iso-short", "day-first-short", "two-digit-year", "dashes-day-first", "space",
             "fullwidth-digits", "31-feb", "29-feb-common-year", "month-13"],
    )  # fmt: skip
    def test_anything_else_is_refused_naming_both_forms(self, text: str, reason: str) -> None:
        with pytest.raises(InvalidInput) as info:
            parse_either_date(text, field="--on")
        assert (info.value.field, info.value.reason) == ("--on", reason)


@pytest.mark.parametrize(
    ("day", "after"),
    [
        (D(2024, 2, 28), D(2024, 2, 29)),
        (D(2024, 2, 29), D(2024, 3, 1)),
        (D(2023, 2, 28), D(2023, 3, 1)),
        (D(2024, 12, 31), D(2025, 1, 1)),
        (dt.date(2024, 6, 30), D(2024, 7, 1)),
    ],
)
def test_the_next_and_previous_day_cross_months_and_years(day: dt.date, after: D) -> None:
    assert next_day(day) == after
    assert type(next_day(day)) is D
    assert previous_day(after) == day
    assert type(previous_day(after)) is D


def test_no_day_before_or_after_the_dates_ketnap_covers() -> None:
    with pytest.raises(InvalidInput, match="outside the dates ketnap covers"):
        previous_day(DATE_MIN)
    with pytest.raises(InvalidInput, match="outside the dates ketnap covers"):
        next_day(DATE_MAX)


def test_the_next_and_previous_day_of_a_datetime_are_refused() -> None:
    """A time of day would be lost: refused, as `as_date` refuses it."""
    late_evening = dt.datetime(2020, 1, 1, 23, 0)  # noqa: DTZ001 - a naive value is the point
    with pytest.raises(InvalidInput, match="without a time of day"):
        next_day(late_evening)
    with pytest.raises(InvalidInput, match="without a time of day"):
        previous_day(late_evening)
