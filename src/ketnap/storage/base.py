"""
The store interface: what any dossier store (SQLite here, PostgreSQL later) provides.

A store keeps documents (`ketnap.storage.documents`), not objects: whatever it is built
on, what it loads has passed the same validation and history verification as a JSON
file. Optimistic concurrency uses `ketnap.Dossier.revision`: a save succeeds only if
the stored revision is the one the copy was loaded at (0 for a new dossier), and then
increments it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, Protocol, Self

import attrs
import pendulum

from ketnap.dates import DATE_MAX, DATE_MIN, as_date
from ketnap.errors import InvalidInput, KetnapError
from ketnap.facts import FigureSource
from ketnap.model import Dossier
from ketnap.organizations import Course, OrganizationTree, Quotas

__all__ = ["ANCHOR", "LayoutUpgrade", "Query", "Store", "StoreProblem", "check_anchor"]


_GENESIS: Final = "ketnap-journal-1"
"""The save journal's start: the head of a store nothing was saved in."""
ANCHOR: Final = re.compile(rf"[0-9a-f]{{64}}|{re.escape(_GENESIS)}")
"""What `Store.anchor` returns: a journal link (64 hex digits) or the journal's start."""


def check_anchor(anchor: str, *, field: str = "anchor") -> str:
    """
    Return *anchor* if it is one `Store.anchor` could have returned.

    Raises:
        InvalidInput: it is not (the value is not quoted: it may be anything pasted).
    """
    if not isinstance(anchor, str) or not ANCHOR.fullmatch(anchor):
        raise InvalidInput(
            field, "not a journal anchor: 64 hexadecimal digits, as store.anchor() returns"
        )
    return anchor


def _stages(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    codes = frozenset(str(stage) for stage in value if isinstance(stage, str))
    if len(codes) != len(frozenset(value)):
        raise InvalidInput("stage", "a stage is given by its code, a string")
    return codes


def _optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(attribute.name, f"expected a string, got {type(value).__name__}")


def _optional_year(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if type(value) is not int:
        raise InvalidInput(
            attribute.name, f"expected a year as an integer, got {type(value).__name__}"
        )
    if not DATE_MIN.year <= value <= DATE_MAX.year:
        raise InvalidInput(
            attribute.name, f"expected a year from {DATE_MIN.year} to {DATE_MAX.year}"
        )


def _optional_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        as_date(value, field=attribute.name)


@attrs.frozen(kw_only=True)
class Query:
    """
    Which dossiers to find; every criterion given must hold.

    Args:
        stage: one stage code or several (`ketnap.Stage` members are codes too).
        organization: the branch's code (`ketnap.Organization.code`; its name when it
            has no code), as the store keeps it.
        admitted_in: the year of the admission decision.
        entered_in: the year the candidate entered the source pool.
        due_by: an open deadline (someone must act) falls on or before this date,
            overdue ones included; `ketnap.due_list` over the result gives the details.
    """

    stage: frozenset[str] | None = attrs.field(default=None, converter=_stages)
    organization: str | None = attrs.field(default=None, validator=_optional_text)
    admitted_in: int | None = attrs.field(default=None, validator=_optional_year)
    entered_in: int | None = attrs.field(default=None, validator=_optional_year)
    due_by: pendulum.Date | None = attrs.field(default=None, validator=_optional_date)


@attrs.frozen
class StoreProblem:
    """
    Something stored that failed verification, and why.

    Attributes:
        key: what failed: a dossier's id, a quota's ``unit/year``, a course's code,
            ``"tree"``, or a journal position.
        error: why; an `InvalidDocument` (with its ``path``) for a dossier.
        kind: ``"dossier"``, ``"events"``, ``"quota"``, ``"course"``, ``"tree"`` or
            ``"journal"``.
    """

    key: str
    error: KetnapError
    kind: str = "dossier"

    @property
    def dossier_id(self) -> str:
        """The dossier's id, for a problem of a dossier (its key)."""
        return self.key

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.error}"


@attrs.frozen(kw_only=True)
class LayoutUpgrade:
    """
    What opening a store changed in its tables, and what it sealed without checking.

    A store opened at an older layout is brought to the current one (``store.upgrade``
    of `ketnap.storage.SQLiteStore` and `ketnap.storage.PostgresStore`; None when
    nothing changed). Only the migration of a SQLite layout-1 file seals rows, and only
    when asked to (``trust_unsealed=True``, ``ketnap migrate --trust-unsealed``).

    Attributes:
        before: the layout found.
        after: the layout now.
        verified: dossiers whose layout-1 seal and document were verified before they
            were sealed again (their index columns and events derived anew).
        trusted: rows sealed as they stood, without any check, by kind (``"quota"``,
            ``"course"``, ``"tree"``): layout 1 sealed none of them, so nothing could
            tell an edited one from a genuine one.
    """

    before: int
    after: int
    verified: int = 0
    trusted: dict[str, int] = attrs.Factory(dict)


class Store(FigureSource, Protocol):
    """
    Everything a store does: dossiers, the figures reports count, the setup, verification.

    `ketnap.storage.SQLiteStore` (one file) and `ketnap.storage.PostgresStore` (a server)
    provide it; the application layer, the command line and the contract tests use only
    these methods. Every method that writes is atomic: it writes everything it was given
    or nothing.

    A store derives, on every save, the facts reports and the due index read, with the
    facts function it was opened with (`ketnap.derived.facts_for`). One opened without
    it refuses the queries those facts answer (`Query.due_by`, `figures`) with
    `ketnap.StoreError`, never an empty answer or a 0. `admitted_profile` reads only
    what the dossier states (its ages are the law's to read: `ketnap.Law.age_months`).
    """

    def save(self, dossier: Dossier) -> None:
        """
        Save one dossier and increment its ``revision``.

        Raises:
            StaleDossier: the stored revision is not the copy's (another writer saved first,
                or a new dossier's id is taken). Nothing is written.
        """
        ...

    def save_all(self, dossiers: Iterable[Dossier]) -> int:
        """Save many dossiers in one transaction (all or none); return how many."""
        ...

    def load(self, dossier_id: str) -> Dossier:
        """
        Load one dossier, validated and verified.

        Raises:
            DossierNotFound: no such id.
            InvalidDocument: the stored document is invalid or was edited outside ketnap.
        """
        ...

    def find(self, query: Query | None = None) -> Iterator[Dossier]:
        """Yield the dossiers matching *query* (all when None), in id order."""
        ...

    def ids(self, query: Query | None = None) -> list[str]:
        """Return the ids of the dossiers matching *query*, in id order."""
        ...

    def count(self, query: Query | None = None) -> int:
        """Return how many dossiers match *query*."""
        ...

    def stages(self) -> frozenset[str]:
        """The stage codes at which some dossier is."""
        ...

    def verify(
        self, *, anchor: str | None = None, progress: Callable[[int], None] | None = None
    ) -> list[StoreProblem]:
        """Verify everything stored against its seals and journal; return the problems ([])."""
        ...

    def anchor(self) -> str:
        """The head of the save journal, to record outside the store for `verify`."""
        ...

    def save_tree(self, tree: OrganizationTree) -> None:
        """Keep the organisation tree, replacing any saved before."""
        ...

    def tree(self) -> OrganizationTree:
        """
        The organisation tree.

        Raises:
            StoreError: no tree was saved.
        """
        ...

    def has_tree(self) -> bool:
        """Whether an organisation tree was saved."""
        ...

    def save_quotas(self, quotas: Quotas) -> None:
        """Keep the quotas, replacing those saved before."""
        ...

    def quotas(self) -> Quotas:
        """The quotas (none when none were saved)."""
        ...

    def save_courses(self, courses: Iterable[Course]) -> None:
        """Keep the courses, replacing those saved before."""
        ...

    def courses(self) -> list[Course]:
        """The courses, in code order."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...
