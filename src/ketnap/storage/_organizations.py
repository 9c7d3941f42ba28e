"""
The organisation tree, the quotas and the courses a SQL store keeps beside the dossiers.

Each is sealed and journalled as it is saved, as a dossier is, so `verify` finds one
edited or deleted outside ketnap. The tree also bounds the dossiers: `stored_branches`
is what a save checks a dossier's branch against.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable

import pendulum

from ketnap.errors import InvalidInput, KetnapError, StoreError
from ketnap.organizations import Course, OrganizationTree, Quotas
from ketnap.storage._core import Connection, SQLCore, _guarded
from ketnap.storage._seals import course_seal, quota_seal, tree_seal

__all__ = ["SQLOrganizations", "stored_branches"]


class SQLOrganizations(SQLCore):
    """The organisation tree, quotas and courses of `SQLStore`."""

    @_guarded
    def save_tree(self, tree: OrganizationTree) -> None:
        """
        Keep *tree* with the dossiers, replacing any tree saved before.

        Raises:
            InvalidInput: stored dossiers belong to branches the tree does not have (a
                report of the district would count them and no base organisation's
                would); move them first, or keep their branches in the tree.
        """
        value = json.dumps(tree.to_data(), ensure_ascii=False)
        branches = _branch_codes(value)
        with self._transaction():
            missing = sorted(
                code
                for (code,) in self._db.execute("SELECT DISTINCT organization FROM dossiers")
                if code not in branches
            )
            if missing:
                shown = ", ".join(repr(code) for code in missing[:5])
                more = f" and {len(missing) - 5:,} more" if len(missing) > 5 else ""
                raise InvalidInput(
                    "tree",
                    f"stored dossiers belong to branches the tree does not have: {shown}{more}",
                )
            self._db.execute(
                "INSERT INTO ketnap_meta (key, value) VALUES ('tree', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (value,),
            )
            self._journal([("tree", "tree", 1, tree_seal(value, seal_key=self._key))])

    @_guarded
    def has_tree(self) -> bool:
        """Whether an organisation tree was saved with `save_tree`."""
        row = self._db.execute("SELECT 1 FROM ketnap_meta WHERE key = 'tree'").fetchone()
        return row is not None

    @_guarded
    def tree(self) -> OrganizationTree:
        """
        The organisation tree saved with `save_tree`.

        Raises:
            StoreError: no tree was saved, or the saved one is invalid.
        """
        row = self._db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
        if row is None:
            raise StoreError("this store holds no organisation tree; save one with save_tree")
        return _parse_tree(row[0])

    @_guarded
    def save_quotas(self, quotas: Quotas) -> None:
        """Add or replace the quotas in *quotas*."""
        rows = [
            (unit, year, admissions, quota_seal(unit, year, admissions, seal_key=self._key))
            for unit, year, admissions in quotas.items()
        ]
        with self._transaction():
            self._db.executemany(
                "INSERT INTO quotas (unit, year, admissions, seal) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (unit, year)"
                " DO UPDATE SET admissions = excluded.admissions, seal = excluded.seal",
                rows,
            )
            self._journal([("quota", f"{unit}/{year}", 1, seal) for unit, year, _, seal in rows])

    @_guarded
    def quotas(self) -> Quotas:
        """Every stored quota."""
        rows = self._db.execute("SELECT unit, year, admissions FROM quotas").fetchall()
        return Quotas({(unit, year): n for unit, year, n in rows})

    @_guarded
    def save_courses(self, courses: Iterable[Course]) -> None:
        """Add or replace awareness courses (by code)."""
        rows = []
        for c in courses:
            course = (c.code, c.unit, c.opened_on.isoformat(), c.closed_on.isoformat(), c.trainees)
            rows.append((*course, course_seal(*course, seal_key=self._key)))
        with self._transaction():
            self._db.executemany(
                "INSERT INTO courses (code, unit, opened_on, closed_on, trainees, seal)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET unit = excluded.unit,"
                " opened_on = excluded.opened_on, closed_on = excluded.closed_on,"
                " trainees = excluded.trainees, seal = excluded.seal",
                rows,
            )
            self._journal([("course", row[0], 1, row[-1]) for row in rows])

    @_guarded
    def courses(self) -> list[Course]:
        """Every stored course, by code."""
        rows = self._db.execute(
            "SELECT code, unit, opened_on, closed_on, trainees FROM courses ORDER BY code"
        ).fetchall()
        try:
            return [
                Course(
                    code=code,
                    unit=unit,
                    opened_on=pendulum.Date.fromisoformat(opened),
                    closed_on=pendulum.Date.fromisoformat(closed),
                    trainees=trainees,
                )
                for code, unit, opened, closed, trainees in rows
            ]
        except (ValueError, TypeError, KetnapError) as exc:
            raise StoreError(f"a stored course is invalid: {exc}") from None


def stored_branches(db: Connection) -> frozenset[str] | None:
    """
    The codes of the stored tree's branches, the units dossiers belong to; None: no tree.

    Raises:
        StoreError: the stored tree is invalid.
    """
    row = db.execute("SELECT value FROM ketnap_meta WHERE key = 'tree'").fetchone()
    return None if row is None else _branch_codes(row[0])


def _parse_tree(value: str) -> OrganizationTree:
    try:
        return OrganizationTree.from_data(json.loads(value))
    except (ValueError, RecursionError, KetnapError) as exc:
        raise StoreError(f"the stored organisation tree is invalid: {exc}") from None


@functools.lru_cache(maxsize=4)
def _branch_codes(value: str) -> frozenset[str]:
    """The branch codes of the stored tree *value* (its JSON text), parsed once per text."""
    tree = _parse_tree(value)
    return frozenset(unit.code for unit in tree.branches(tree.root.code))
