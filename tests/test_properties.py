"""Invariants over many generated dossiers (hypothesis)."""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnap import (
    Actor,
    Dossier,
    EducationLevel,
    Family,
    Message,
    Stage,
    Step,
    TransitionRefused,
    Vote,
    VotePurpose,
    Workflow,
    rule,
)
from ketnap.testing import make_dossier, walk

MEETING = pendulum.Date(2024, 3, 12)
WORKFLOW = Workflow()


@rule(
    id="dossier.never",
    family=Family.DOSSIER,
    ref="test",
    clause="test",
    message=Message(vi="không bao giờ", en="never"),
    steps=set(Step),
)
def never(_context: object) -> dict[str, object]:
    """Always fails."""
    return {}


@attrs.frozen
class Facts:
    birth: dt.date
    education: EducationLevel
    counted: int
    share: float
    on: dt.date


facts = st.builds(
    Facts,
    birth=st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2010, 1, 1)),
    education=st.sampled_from(list(EducationLevel)),
    counted=st.integers(min_value=0, max_value=30),
    share=st.floats(min_value=0, max_value=1),
    on=st.dates(min_value=dt.date(2024, 2, 1), max_value=dt.date(2024, 6, 30)),
)


def prepared(facts: Facts) -> tuple[Dossier, pendulum.Date]:
    """A reference dossier with generated age, education and branch vote."""
    dossier = make_dossier(meeting=MEETING)
    walk(WORKFLOW, dossier, meeting=MEETING, until=Stage.PREPARED)
    dossier.candidate = attrs.evolve(
        dossier.candidate, birth_date=facts.birth, education=facts.education
    )
    day = pendulum.Date(facts.on.year, facts.on.month, facts.on.day)
    dossier.votes.append(
        Vote(
            body=Actor.BRANCH,
            purpose=VotePurpose.ADMISSION,
            held_on=day,
            members_counted=facts.counted,
            in_favour=int(facts.counted * facts.share),
        )
    )
    return dossier, day


def failed(workflow: Workflow, dossier: Dossier, on: pendulum.Date) -> set[str]:
    return {
        f.rule_id
        for f in workflow.law.check(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts)
def test_check_and_advance_agree_and_refusals_change_nothing(facts: Facts) -> None:
    dossier, on = prepared(facts)
    failures = WORKFLOW.law.check(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
    history = list(dossier.history)
    if failures:
        with pytest.raises(TransitionRefused) as info:
            WORKFLOW.advance(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
        assert info.value.failures == failures
        assert dossier.stage == Stage.PREPARED
        assert dossier.history == history
    else:
        WORKFLOW.advance(dossier, Step.PROPOSE_ADMISSION, on=on, actor=Actor.BRANCH)
        assert dossier.stage == Stage.PROPOSED


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts)
def test_adding_a_rule_never_turns_a_refusal_into_acceptance(facts: Facts) -> None:
    dossier, on = prepared(facts)
    stricter = WORKFLOW.using(WORKFLOW.law.ruleset_for(on).add(never))
    before = failed(WORKFLOW, dossier, on)
    after = failed(stricter, dossier, on)
    assert before <= after
    assert "dossier.never" in after
