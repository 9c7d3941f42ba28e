"""
What a store derives about each dossier from the law in force (*dữ liệu suy ra*).

A store keeps, beside each dossier's document, the columns reports and the due index
read (`ketnap.facts.DossierFacts`). What the dossier states by itself is
`ketnap.facts.plain_facts`; this module adds what the law tells: the next deadline (the
due index), the expected decision date and the proposal window (the forecast), and
whether the candidate was of youth age at the decision (the statistics). A store given
no facts function keeps only the plain facts and refuses the queries that need these.
"""

from __future__ import annotations

import pendulum

from ketnap.deadlines import deadlines_for
from ketnap.errors import KetnapError
from ketnap.facts import DossierFacts, FactsFunction, facts_with
from ketnap.law import Law
from ketnap.model import Dossier
from ketnap.planner import plan

__all__ = ["derive_facts", "facts_for"]


def facts_for(law: Law, *, decision_lag: int = 20) -> FactsFunction:
    """
    Return the function a store calls to derive each saved dossier's `DossierFacts`.

    >>> from ketnap import Law, SQLiteStore
    >>> store = SQLiteStore(":memory:", facts=facts_for(Law()))
    """

    def derive(dossier: Dossier) -> DossierFacts:
        return derive_facts(dossier, law, decision_lag=decision_lag)

    return derive


def derive_facts(dossier: Dossier, law: Law, *, decision_lag: int = 20) -> DossierFacts:
    """Derive the `DossierFacts` of *dossier*: `plain_facts` and what the law tells."""
    decided = law.process.admission_date(dossier)
    last = dossier.history[-1].on if dossier.history else dossier.entered_pool_on
    expected, closes = _expected_decision(dossier, law, decision_lag, last)
    # Built once, with the plain facts (a store derives them on every save).
    return facts_with(
        dossier,
        youth_at_admission=(
            decided is not None and law.is_youth(dossier.candidate.birth_date, decided)
        ),
        expected_decision_on=expected,
        proposal_window_closes_on=closes,
        next_due=_next_due(dossier, law, last),
    )


def _latest_record(dossier: Dossier, last: pendulum.Date) -> pendulum.Date:
    """
    The latest date the dossier knows of: its last act or any record dated after it.

    The due index is computed as of this date, so a document or certificate recorded
    after the last act counts, as it does for `deadlines_for` on any later date.
    """
    dates = [last]
    dates += (document.dated for document in dossier.documents.values())
    dates += (certificate.issued_on for certificate in dossier.certificates)
    dates += (vote.held_on for vote in dossier.votes)
    dates += (approval.given_on for approval in dossier.approvals)
    if dossier.verification is not None:
        dates.append(dossier.verification.concluded_on)
    if dossier.union_introduction is not None:
        dates.append(dossier.union_introduction.resolution_on)
    if dossier.decision_received_on is not None:
        dates.append(dossier.decision_received_on)
    return max(dates)


def _next_due(dossier: Dossier, law: Law, last: pendulum.Date) -> pendulum.Date | None:
    try:
        if law.process.is_final(dossier.stage):
            return None  # no deadline (`deadlines_for`): the records need not be read
        deadlines = deadlines_for(dossier, on=_latest_record(dossier, last), law=law)
    except KetnapError:
        return None
    return min((d.due for d in deadlines if d.is_open), default=None)


def _expected_decision(
    dossier: Dossier, law: Law, lag: int, last: pendulum.Date
) -> tuple[pendulum.Date | None, pendulum.Date | None]:
    process = law.process
    if dossier.stage not in process.stages_tagged("pipeline"):
        return None, None
    # A dossier outside what the law covers (no regulation in force, a date beyond
    # the calendar) has no forecast; it must still be storable.
    try:
        if dossier.stage in process.stages_tagged("awaiting_decision"):
            return law.calendar.add_working_days(last, lag), None
        proposals = sorted(process.steps_tagged("proposal"))
        if not proposals:
            return None, None
        found = plan(law, dossier, proposals[0], on=last)
        if found.earliest is None:
            return None, None
        return law.calendar.add_working_days(found.earliest, lag), found.latest
    except KetnapError:
        return None, None
