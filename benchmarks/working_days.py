"""
Working-day arithmetic: ketnap's cumulative table against a walk over holiday lookups.

    python benchmarks/working_days.py

Both answer "60 working days after a branch resolution" for 2,000 dates spread over
2022-2026, and must give the same dates before they are timed; they then run
interleaved, the best of five rounds kept. The walk is a baseline (the obvious code), not a
floor. The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import holidays
import pendulum
from _harness import check_equal, interleaved

from ketnap import WorkingCalendar


def walk(vietnam: holidays.HolidayBase, start: dt.date, days: int) -> dt.date:
    """The obvious implementation: step a day at a time, asking the holiday table."""
    swapped = set(vietnam.weekend_workdays)
    day = start
    while days:
        day += dt.timedelta(days=1)
        if (day.weekday() < 5 or day in swapped) and day not in vietnam:
            days -= 1
    return day


def main() -> None:
    rng = random.Random(3)
    starts = [pendulum.Date(2022, 1, 1).add(days=rng.randrange(0, 1800)) for _ in range(2000)]
    vietnam = holidays.country_holidays("VN", years=range(2021, 2028))

    begin = time.perf_counter()
    calendar = WorkingCalendar()
    calendar.add_working_days(starts[0], 1)
    build = time.perf_counter() - begin

    def by_table() -> list[dt.date]:
        return [calendar.add_working_days(d, 60) for d in starts]

    def by_walk() -> list[dt.date]:
        return [walk(vietnam, d, 60) for d in starts]

    check_equal(
        by_table(),
        [pendulum.Date(d.year, d.month, d.day) for d in by_walk()],
        what="60 working days",
        names=("the table", "the walk"),
    )
    best = interleaved({"table": by_table, "walk": by_walk}, 5)
    t_table, t_walk = best["table"] / len(starts), best["walk"] / len(starts)
    print(f"table built once in {build * 1e3:.0f} ms (1990-2100)")
    print(f"60 working days: table {t_table * 1e6:.1f} µs, walk {t_walk * 1e6:.1f} µs")
    print(
        f"build_ms={build * 1e3:.0f} table_us={t_table * 1e6:.2f} walk_us={t_walk * 1e6:.1f} "
        f"speedup={t_walk / t_table:.1f}"
    )


if __name__ == "__main__":
    main()
