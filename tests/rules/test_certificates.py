"""Certificate rules: B-03, B-04 (60-month validity), I-03, I-04."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from ketnap import Actor, Certificate, CertificateKind, Stage, Step, Workflow
from tests.conftest import at_stage, prepared

D = pendulum.Date
Failing = Callable[..., set[str]]


class TestAwarenessCertificate:
    """certificate.awareness: the course certificate is held to finish training (B-03)."""

    @pytest.mark.parametrize(
        ("issued_on", "refused"),
        [(D(2023, 9, 11), False), (D(2023, 9, 12), False), (D(2023, 9, 13), True)],
        ids=["issued-day-before", "issued-day-of", "issued-day-after"],
    )
    def test_issue_date(
        self, workflow: Workflow, failing: Failing, issued_on: D, refused: bool
    ) -> None:
        dossier = at_stage(workflow, Stage.SOURCE_POOL)
        dossier.certificates[:] = [
            Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=issued_on)
        ]
        failed = failing(dossier, Step.COMPLETE_TRAINING, D(2023, 9, 12))
        assert ("certificate.awareness" in failed) is refused

    def test_issuer_policy(self, workflow: Workflow) -> None:
        """A deployment may list accepted issuers (B-03; the issuer after 2025 is U)."""
        rules = workflow.law.ruleset_for(D(2023, 9, 12)).with_policy(
            certificate_issuers=frozenset({"Trung tâm chính trị huyện"})
        )
        strict = workflow.using(rules)
        dossier = at_stage(workflow, Stage.SOURCE_POOL)
        failures = strict.law.check(
            dossier, Step.COMPLETE_TRAINING, on=D(2023, 9, 12), actor=Actor.BRANCH
        )
        assert [f.rule_id for f in failures] == ["certificate.awareness"]
        assert "Trung tâm chính trị" in failures[0].message("vi")


class TestAwarenessCertificateValid:
    """certificate.awareness_valid: valid 60 months, the last day included (B-04)."""

    @pytest.mark.parametrize(
        ("meeting", "refused"),
        [
            pytest.param(D(2024, 3, 11), False, id="day-before-expiry"),
            pytest.param(D(2024, 3, 12), False, id="last-valid-day"),
            pytest.param(D(2024, 3, 13), True, id="day-after"),
        ],
    )
    def test_boundary(
        self,
        workflow: Workflow,
        proposal: Callable[..., set[str]],
        meeting: D,
        refused: bool,
    ) -> None:
        dossier = prepared(workflow)
        dossier.certificates[:] = [
            Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=D(2019, 3, 12))
        ]
        assert ("certificate.awareness_valid" in proposal(dossier, meeting)) is refused

    def test_leap_day(self, workflow: Workflow, proposal: Callable[..., set[str]]) -> None:
        """A certificate of 29 Feb 2020 is valid through 28 Feb 2025 (month-end clamping)."""
        dossier = at_stage(workflow, Stage.PREPARED, meeting=D(2025, 2, 28))
        dossier.certificates[:] = [
            Certificate(kind=CertificateKind.AWARENESS_COURSE, issued_on=D(2020, 2, 29))
        ]
        assert "certificate.awareness_valid" not in proposal(dossier, D(2025, 2, 28))
        assert "certificate.awareness_valid" in proposal(dossier, D(2025, 3, 1))


class TestNewMemberCertificate:
    """certificate.new_member_course: needed for recognition (I-03, I-04)."""

    def test_missing(self, workflow: Workflow, failing: Failing) -> None:
        dossier = at_stage(workflow, Stage.PROBATION)
        end = workflow.law.probation_end(dossier)
        assert end is not None
        on = end.add(days=1)
        assert "certificate.new_member_course" in failing(dossier, Step.PROPOSE_RECOGNITION, on)
        dossier.certificates.append(
            Certificate(kind=CertificateKind.NEW_MEMBER_COURSE, issued_on=on)
        )
        assert "certificate.new_member_course" not in failing(dossier, Step.PROPOSE_RECOGNITION, on)
