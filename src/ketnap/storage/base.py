"""
The store interface: what any dossier store (SQLite here, PostgreSQL later) provides.

A store keeps documents (`ketnap.storage.documents`), not objects: whatever it is built
on, what it loads has passed the same validation and history verification as a JSON
file. Optimistic concurrency uses `ketnap.Dossier.revision`: a save succeeds only if
the stored revision is the one the copy was loaded at (0 for a new dossier), and then
increments it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, Self

import attrs
import pendulum

from ketnap.errors import InvalidDocument, InvalidInput
from ketnap.model import Dossier

__all__ = ["DossierStore", "Query", "StoreProblem"]


def _stages(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    codes = frozenset(str(stage) for stage in value if isinstance(stage, str))
    if len(codes) != len(frozenset(value)):
        raise InvalidInput("stage", "a stage is given by its code, a string")
    return codes


@attrs.frozen(kw_only=True)
class Query:
    """
    Which dossiers to find; every criterion given must hold.

    Args:
        stage: one stage code or several (`ketnap.Stage` members are codes too).
        organization: the branch's name.
        admitted_in: the year of the admission decision.
        entered_in: the year the candidate entered the source pool.
        due_by: an open deadline (someone must act) falls on or before this date,
            overdue ones included; `ketnap.due_list` over the result gives the details.
    """

    stage: frozenset[str] | None = attrs.field(default=None, converter=_stages)
    organization: str | None = None
    admitted_in: int | None = None
    entered_in: int | None = None
    due_by: pendulum.Date | None = None


@attrs.frozen
class StoreProblem:
    """A stored dossier that failed verification, and why."""

    dossier_id: str
    error: InvalidDocument


class DossierStore(Protocol):
    """
    What a dossier store provides. `ketnap.storage.SQLiteStore` is the embedded default.

    Every method that writes is atomic: it writes everything it was given or nothing.
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

    def verify(self, *, progress: Callable[[int], None] | None = None) -> list[StoreProblem]:
        """Load and verify every stored dossier; return the problems found (none: [])."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...
