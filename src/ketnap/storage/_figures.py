"""
The counts a report is made of, read from a SQL store's derived columns and events.

`figures` and `admitted_profile` answer `ketnap.facts.FigureSource` in a few indexed
queries; each reads inside one read transaction, so all its counts see one committed
state, and neither loads a dossier. The statements a database writes its own way come from its
`Dialect` (``last_acts``, ``profile``).
"""

from __future__ import annotations

import typing
from typing import Final

import attrs
import pendulum

from ketnap.dates import parse_date
from ketnap.facts import PROFILE_FIELDS, TRANSFER_OUT_EVENT, Figures, Profile
from ketnap.model import Candidate
from ketnap.storage._core import SQLCore, _guarded

__all__ = ["SQLFigures"]


@attrs.frozen
class _Counted:
    """How a database's value of one of `PROFILE_FIELDS` is counted."""

    flag: bool
    absent: object

    def __call__(self, value: object) -> object:
        # A yes/no field comes back as 0 and 1 (SQLite) or as a boolean (PostgreSQL),
        # counted alike; a field a document leaves out (added later, at its default)
        # counts as its default, not as "not recorded".
        if value is None:
            return self.absent
        return bool(value) if self.flag else value


def _readers() -> tuple[_Counted, ...]:
    fields = {f.name: f for f in attrs.fields(Candidate)}
    hints = typing.get_type_hints(Candidate)
    return tuple(
        _Counted(
            flag=hints[name] is bool,
            absent=None if fields[name].default is attrs.NOTHING else fields[name].default,
        )
        for name in PROFILE_FIELDS
    )


_READERS: Final = _readers()


class SQLFigures(SQLCore):
    """The report figures and the profile of the admitted of `SQLStore`."""

    @_guarded
    def figures(
        self,
        *,
        branches: list[str] | None,
        units: list[str] | None,
        start: pendulum.Date,
        on: pendulum.Date,
        year_end: pendulum.Date,
    ) -> Figures:
        """
        The counts a `ketnap.reports.Report` is made of, in a few indexed queries.

        Args:
            branches: the branch codes counted (None: every dossier).
            units: the units whose courses count (None: every course).
            start: first day of the period.
            on: the report date, last day of the period.
            year_end: the horizon of the forecast: `Figures.expected` counts the dossiers
                expected from *on* to it (none when *on* is after it).
        """
        self._need_facts("a report (the forecast and the youth count)")
        # One read transaction: every count sees the same committed state.
        with self._snapshot():
            scope, params = _among("organization", branches)
            # A committee's report reads its own branches' events only, along their key.
            acts_of, acts_params = _events_of("organization", branches)
            period = (start.isoformat(), on.isoformat())
            day = on.isoformat()
            # The stage on the report date: the target of each dossier's last act by then
            # (SQLite returns the bare column of the row holding max(seq)).
            last_acts = self._db.execute(
                self._dialect.last_acts.format(scope=acts_of), (day, *acts_params)
            ).fetchall()
            stages: dict[str, int] = dict(last_acts)
            # A member who transferred out of these branches is no longer theirs (I-10).
            stages.pop(TRANSFER_OUT_EVENT, None)
            (entered,) = self._db.execute(
                f"SELECT count(*) FROM dossiers WHERE entered_on <= ?{scope}",
                (day, *params),
            ).fetchone()
            entered += self._transferred_after(day, branches)
            initial = self._process.initial
            stages[initial] = stages.get(initial, 0) + entered - sum(stages.values())
            admissions = sorted(self._process.steps_tagged("admission"))
            marks = ", ".join("?" * len(admissions))
            # The acts of the period by kind and by branch, in one reading of the events.
            acts: dict[str, int] = {}
            by_branch: dict[str, int] = {}
            for kind, branch, number in self._db.execute(
                "SELECT kind, organization, count(*) FROM events"
                f" WHERE day BETWEEN ? AND ?{acts_of} GROUP BY kind, organization",
                (*period, *acts_params),
            ).fetchall():
                acts[kind] = acts.get(kind, 0) + number
                if kind in admissions:
                    by_branch[branch] = by_branch.get(branch, 0) + number
            joined, _ = _events_of("e.organization", branches)
            mix = self._db.execute(
                "SELECT sum(d.youth), sum(d.female), sum(d.ethnic_minority), sum(d.religious),"
                " sum(d.readmission) FROM events e JOIN dossiers d ON d.id = e.dossier_id"
                f" WHERE e.kind IN ({marks}) AND e.day BETWEEN ? AND ?{joined}",
                (*admissions, *period, *acts_params),
            ).fetchone()
            keys = ("youth", "women", "ethnic_minority", "religious", "readmission")
            pipeline = sorted(self._process.stages_tagged("pipeline"))
            # Still to come: expected from the report date to the horizon. A dossier
            # expected before the report date and not decided is overdue, not certain.
            (expected,) = self._db.execute(
                f"SELECT count(*) FROM dossiers WHERE stage IN ({', '.join('?' * len(pipeline))})"
                " AND expected_decision_on BETWEEN ? AND ?"
                f" AND (window_closes_on IS NULL OR window_closes_on >= ?){scope}",
                (*pipeline, day, year_end.isoformat(), day, *params),
            ).fetchone()
            unit_scope, unit_params = _among("unit", units)
            courses, trainees = self._db.execute(
                "SELECT count(*), coalesce(sum(trainees), 0) FROM courses"
                f" WHERE closed_on BETWEEN ? AND ?{unit_scope}",
                (*period, *unit_params),
            ).fetchone()
            return Figures(
                stages=stages,
                acts=acts,
                admitted_by_branch=by_branch,
                composition={key: int(value or 0) for key, value in zip(keys, mix, strict=True)},
                expected=expected,
                courses=courses,
                trainees=trainees,
            )

    def _transferred_after(self, day: str, branches: list[str] | None) -> int:
        """
        How many more dossiers *branches* held on *day* than they hold now, by transfers since.

        A dossier is counted where it is now (`entered`); one that left these branches
        after *day* was still theirs then, one that came in after *day* was not yet (I-10).
        """
        moves = sorted(self._process.steps_tagged("transfer"))
        if not moves or branches is None:
            return 0  # across every branch each transfer leaves one and enters another
        joined, params = _events_of("e.organization", branches)
        kinds = (TRANSFER_OUT_EVENT, *moves)
        counted = dict(
            self._db.execute(
                "SELECT e.kind, count(*) FROM events e JOIN dossiers d ON d.id = e.dossier_id"
                f" WHERE e.kind IN ({', '.join('?' * len(kinds))}) AND e.day > ?"
                f" AND d.entered_on <= ?{joined} GROUP BY e.kind",
                (*kinds, day, day, *params),
            ).fetchall()
        )
        left = counted.pop(TRANSFER_OUT_EVENT, 0)
        return int(left) - sum(int(n) for n in counted.values())

    @_guarded
    def admitted_profile(
        self, *, branches: list[str] | None, start: pendulum.Date, on: pendulum.Date
    ) -> Profile:
        """
        Who was admitted from *start* to *on* in *branches* (None: all), in one query.

        Read from the admission events and the sealed documents (`ketnap.facts.Profile`).
        """
        scope, params = _events_of("e.organization", branches)
        admissions = sorted(self._process.steps_tagged("admission"))
        marks = ", ".join("?" * len(admissions))
        facts = ", ".join(self._dialect.candidate_fact.format(name=n) for n in PROFILE_FIELDS)
        groups = ", ".join(str(n) for n in range(1, len(PROFILE_FIELDS) + 3))
        statement = self._dialect.profile.format(
            facts=facts, groups=groups, marks=marks, scope=scope
        )
        with self._snapshot():
            rows = self._db.execute(
                statement,
                (*admissions, start.isoformat(), on.isoformat(), *params),
            ).fetchall()
        counts: dict[str, dict[object, int]] = {name: {} for name in PROFILE_FIELDS}
        born: dict[tuple[pendulum.Date, pendulum.Date], int] = {}
        total = 0
        for *values, birth, day, number in rows:
            total += number
            for name, read, value in zip(PROFILE_FIELDS, _READERS, values, strict=True):
                key = read(value)
                counts[name][key] = counts[name].get(key, 0) + number
            pair = (parse_date(birth, field="birth_date"), parse_date(day, field="day"))
            born[pair] = born.get(pair, 0) + number
        return Profile(total=total, counts=counts, born=born)


def _among(column: str, values: list[str] | None) -> tuple[str, list[object]]:
    if values is None:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(values))})", list(values)


def _events_of(column: str, branches: list[str] | None) -> tuple[str, list[object]]:
    """A condition keeping the events of *branches* (None: all), along the events' key."""
    return _among(column, branches)
